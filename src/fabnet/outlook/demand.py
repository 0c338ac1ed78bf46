"""Demand: from installed AI compute to wafer starts per resource and year.

The chain (DESIGN §5), per year ``t``:

1. installed compute wanted ``S(t)`` [H100e] from the scenario's growth path or table;
2. retirements ``R(t)`` after a fixed service life ``L`` and new compute
   ``N(t) = S(t) − S(t−1) + R(t)`` (never negative);
3. units of each product ``u_k(t) = N(t)·m_k(t) / h100e_k`` from the product mix;
4. each product's bill of materials: logic and I/O dies per node, HBM stacks of a generation,
   one CoWoS-class package (composite products such as GB200 add up their parts), each item
   with the width × height it takes on its wafer;
5. wafer starts: good items needed / good items per wafer. Every item's gross count per
   300 mm wafer is the same exact grid count (:func:`fabnet.silicon.gross_per_wafer`, best of
   the four phases, with the resource's edge exclusion and scribe lane): a logic die's good
   dies are gross × die yield at that year's D0 (defect learning), an HBM stack's are the core
   dies' gross × die yield / DRAM dies per stack × stack yield (catalog ``hbm`` table), a
   package's gross interposers × packaging yield;
6. EUV scanners needed = logic wspm × EUV tools per 1,000 wspm.

Everything is computed for the horizon's years; ``L`` may be fractional (retirements split
between the two neighbouring years).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from fabnet.catalog import Catalog
from fabnet.exceptions import CatalogError, ParameterError
from fabnet.scenario import Demand, Product, Scenario, interpolate
from fabnet.silicon import (
    RETICLE_WIDTH_MM,
    defect_density,
    die_yield,
    good_packages_per_wafer,
    gross_per_wafer,
    hbm_stacks_per_dram_wafer,
    rectangle_for_area,
)
from fabnet.units import (
    MAX_INSTALLED_H100E,
    MONTHS_PER_YEAR,
    USD_PER_BUSD,
    busd_to_usd,
    gw_to_mw,
    mw_to_gw,
    to_kwspm,
)

if TYPE_CHECKING:
    import pandas as pd

#: Years before the horizon simulated so that early retirements have a vintage history.
_WARM_UP_YEARS = 25

LOGIC_DIE = "logic die"
IO_DIE = "io die"
HBM_STACK = "hbm stack"
PACKAGE = "package"


@dataclass(frozen=True)
class Item:
    """One line of a product's bill of materials: ``count`` items of ``kind`` on ``resource``.

    A die or a package carries the area the product states (``area_mm2``, for die yield) and
    the ``width_mm × height_mm`` it takes on the wafer; an HBM stack carries its ``generation``
    (an id of the catalog's ``hbm`` table, or None for the memory resource's default), whose
    core die gives the shape. ``field`` names the product field that sizes the item and
    ``given`` its value there, for messages.
    """

    kind: str
    resource: str
    count: float
    area_mm2: float | None
    width_mm: float | None = None
    height_mm: float | None = None
    generation: str | None = None
    field: str = ""
    given: float | str | None = None

    @property
    def shape(self) -> tuple[str, str, float | None, float | None, float | None, str | None]:
        """What fixes the good items per wafer: kind, resource, area, width, height, generation."""
        return (
            self.kind,
            self.resource,
            self.area_mm2,
            self.width_mm,
            self.height_mm,
            self.generation,
        )


@dataclass(frozen=True)
class Flows:
    """One year of the installed base [H100e]: stock at the year's end, retired and new during
    it, the new compute the growth path wanted (before any cap), and the fleet's power [MW]
    (NaN without an efficiency path)."""

    installed: float
    retired: float
    new: float
    wanted: float
    power_mw: float
    room: float = math.inf  # the most new compute the caps allowed [H100e] (inf: no cap)


def vintage_flows(
    installed_h100e: dict[int, float],
    service_life_years: float,
    *,
    h100e_per_mw: Callable[[int], float] | None = None,
    power_limit_mw: Callable[[int], float] | None = None,
    new_limit_h100e: Callable[[int], float] | None = None,
    capped_from: int | None = None,
) -> dict[int, Flows]:
    """Installed, retired and new compute per year by a vintage model, optionally capped by the
    power (and money) the world can put into AI compute.

    Parameters
    ----------
    installed_h100e : dict
        Installed compute wanted by consecutive year [H100e]; the first years serve as warm-up.
    service_life_years : float
        Service life [years], ≥ 1. Compute installed in year τ retires in τ + L; a fractional L
        splits the retirement between τ + ⌊L⌋ and τ + ⌊L⌋ + 1.
    h100e_per_mw : callable, optional
        Compute per MW of facility power of a year's new deployments [H100e/MW]; a vintage keeps
        its figure (and its power) until it retires.
    power_limit_mw, new_limit_h100e : callable, optional
        The fleet's power at a year's end may not exceed ``power_limit_mw(year)`` [MW], and a
        year's new compute may not exceed ``new_limit_h100e(year)`` [H100e] (from year
        ``capped_from`` on): new compute is the lesser of what the path wants and what they
        allow.

    Returns
    -------
    dict
        ``{year: Flows}``. New compute is never negative and never more than the stock change
        plus what retires: ``N(t) = S(t) − S(t−1) + R(t) ≥ 0``, and a year retires no more than
        is installed.

    Notes
    -----
    The stock is a set of vintages, each retiring when its life ends. Before the first year it
    is steady (installed evenly over the previous ``L`` years, so the first years retire
    ``S(t₀)/L``), or, where the path shrinks at its start (``g = S*(t₀+1)/S*(t₀) < 1``), in
    balanced decline (installed in proportion to ``g^(−k)`` k years back), so that a steadily
    shrinking path is followed with steadily shrinking purchases instead of waves. Each year,
    what reaches its life retires; when the path wants less than is left, the surplus retires
    early, oldest vintages first, and nothing new is bought — installed compute never exceeds
    what is wanted, and shrinking demand means fewer purchases. Otherwise
    ``N(t) = S*(t) − (S(t−1) − R(t))``, capped.
    """
    if service_life_years < 1.0:
        raise ParameterError("service_life_years", ">= 1", service_life_years)
    years = sorted(installed_h100e)
    whole = math.floor(service_life_years)
    frac = service_life_years - whole
    first_year = years[0]

    def efficiency(year: int) -> float:
        return math.nan if h100e_per_mw is None else h100e_per_mw(year)

    # Vintages by the year they retire: [H100e, MW]. A year's purchase retires (1 − frac) of
    # itself after ⌊L⌋ years and the rest a year later.
    cohorts: dict[int, list[float]] = {}

    def install(year: int, amount: float, mw: float, live_after: int | None = None) -> None:
        for at, share in ((year + whole, 1.0 - frac), (year + whole + 1, frac)):
            if share > 0.0 and (live_after is None or at > live_after):
                cohort = cohorts.setdefault(at, [0.0, 0.0])
                cohort[0] += share * amount
                cohort[1] += share * mw

    for k, amount in enumerate(_balanced_vintages(installed_h100e, years, whole, frac)):
        install(first_year - k, amount, amount / efficiency(first_year), live_after=first_year)

    def total() -> tuple[float, float]:
        return sum(c[0] for c in cohorts.values()), sum(c[1] for c in cohorts.values())

    stock, power = total()
    out: dict[int, Flows] = {}
    for year in years[1:]:
        cohorts.pop(year, None)  # what reaches its life retires
        left, left_mw = total()
        target = installed_h100e[year]
        if left > target:
            _retire_early(cohorts, left - target)
            left, left_mw = total()
        # Retired (at its life's end or early) is what was there less what is left: never
        # more than was installed, and N = S(t) − S(t−1) + R holds exactly.
        retired = stock - left
        wanted = max(0.0, target - left)
        allowed = math.inf
        if capped_from is not None and year >= capped_from:
            if power_limit_mw is not None:
                room = max(0.0, power_limit_mw(year) - left_mw)
                allowed = min(allowed, room * efficiency(year))
            if new_limit_h100e is not None:
                allowed = min(allowed, max(0.0, new_limit_h100e(year)))
        new = min(wanted, allowed)
        install(year, new, new / efficiency(year))
        stock = left + new
        power = left_mw + new / efficiency(year)
        out[year] = Flows(stock, retired, new, wanted, power, allowed)
    return out


def _balanced_vintages(
    installed_h100e: dict[int, float], years: list[int], whole: int, frac: float
) -> list[float]:
    """Purchases in the first year and the ``whole + 1`` before it [H100e] that put the first
    year's stock ``S*(t₀)`` in steady state, or, where the path shrinks at its start (``g < 1``),
    in balanced decline at that rate: proportional to ``g^(−k)`` k years back, so that what
    retires each year follows the path down. (A growing path is followed from a steady stock,
    with the steady stock's retirements; a shrinking one could not be: the stock would stay
    above the path, then retire all at once and be bought again every service life.)"""
    first = installed_h100e[years[0]]
    if first <= 0.0:
        return [0.0] * (whole + 2)
    following = installed_h100e[years[1]] if len(years) > 1 else first
    # g is held at 1e-6 or more: a path that vanishes at once retires its stock as fast as
    # the life allows, and no weight overflows.
    log_growth = min(0.0, math.log(max(following / first, 1e-6)))
    logs = [-k * log_growth for k in range(whole + 2)]
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    live = sum(weights[:whole]) + frac * weights[whole]
    return [first * wgt / live for wgt in weights]


def _retire_early(cohorts: dict[int, list[float]], surplus: float) -> None:
    """Take ``surplus`` H100e (and their MW) out of the vintages that would retire soonest."""
    for at in sorted(cohorts):
        if surplus <= 0.0:
            break
        amount, mw = cohorts[at]
        share = min(1.0, surplus / amount) if amount > 0.0 else 1.0
        surplus -= share * amount
        if share >= 1.0:
            del cohorts[at]
        else:
            cohorts[at] = [amount * (1.0 - share), mw * (1.0 - share)]


def compute_flows(
    installed_h100e: dict[int, float], service_life_years: float
) -> dict[int, tuple[float, float, float]]:
    """Installed, retired and new compute per year by a vintage model, uncapped
    (:func:`vintage_flows`): ``{year: (installed, retired, new)}`` [H100e].

    Examples
    --------
    >>> flows = compute_flows({2020: 100.0, 2021: 200.0, 2022: 200.0}, 2.0)
    >>> flows[2021]
    (200.0, 50.0, 150.0)
    """
    flows = vintage_flows(installed_h100e, service_life_years)
    return {y: (f.installed, f.retired, f.new) for y, f in flows.items()}


def _rectangle(area_mm2: float, max_width_mm: float | None = None) -> tuple[float, float]:
    """:func:`fabnet.silicon.rectangle_for_area` for one area, as two floats."""
    width, height = rectangle_for_area(area_mm2, max_width_mm=max_width_mm)
    return float(np.asarray(width)), float(np.asarray(height))


def _dies(product: Product, kind: str) -> Item | None:
    """The product's logic or I/O dies; without a width × height, the reticle-width rule."""
    prefix = "logic_die" if kind == LOGIC_DIE else "io_die"
    node = product.logic_node if kind == LOGIC_DIE else product.io_die_node
    if node is None:
        return None
    count = getattr(product, f"{prefix}_count")
    area = getattr(product, f"{prefix}_area_mm2")
    assert count is not None  # validated together
    assert area is not None
    width = getattr(product, f"{prefix}_width_mm")
    height = getattr(product, f"{prefix}_height_mm")
    if width is None or height is None:
        width, height = _rectangle(area, RETICLE_WIDTH_MM)
    return Item(
        kind,
        node,
        float(count),
        area,
        width,
        height,
        field=f"{prefix}_area_mm2",
        given=area,
    )


def _package(product: Product, resource: str) -> Item:
    """The product's package: its interposer's width × height, or a square of its area."""
    area = product.interposer_mm2
    assert area is not None  # validated with packaging
    width, height = product.interposer_width_mm, product.interposer_height_mm
    given: float | str | None
    if width is not None and height is not None:
        field, given = "interposer_width_mm", f"{width:g} × {height:g} mm"
    else:
        width, height = _rectangle(area)
        field = "interposer_reticles" if product.interposer_reticles else "interposer_area_mm2"
        given = getattr(product, field)
    return Item(PACKAGE, resource, 1.0, area, width, height, field=field, given=given)


def bill_of_materials(
    product: Product, products: dict[str, Product], memory_resource: str
) -> list[Item]:
    """Items one unit of ``product`` needs, its parts included (recursively)."""
    items = [die for kind in (LOGIC_DIE, IO_DIE) if (die := _dies(product, kind)) is not None]
    if product.hbm_stacks:
        items.append(
            Item(
                HBM_STACK,
                memory_resource,
                float(product.hbm_stacks),
                None,
                generation=product.hbm_generation,
                field="hbm_generation",
                given=product.hbm_generation,
            )
        )
    if product.packaging is not None:
        items.append(_package(product, product.packaging))
    for part in product.parts or []:
        items += bill_of_materials(products[part], products, memory_resource)
    return items


def _resource(catalog: Catalog, resource: str, needed: tuple[str, ...]) -> dict[str, float]:
    """The numeric figures ``needed`` of a resource (CatalogError if one is missing)."""
    return {p: catalog.number("resources", resource, p) for p in needed}


@functools.cache
def _gross(width_mm: float, height_mm: float, edge_exclusion_mm: float, scribe_mm: float) -> int:
    """Gross items per 300 mm wafer, cached per shape and resource geometry."""
    count = gross_per_wafer(
        width_mm, height_mm, edge_exclusion_mm=edge_exclusion_mm, scribe_mm=scribe_mm
    )
    return int(np.asarray(count))


def _hbm_generation(item: Item, catalog: Catalog) -> str:
    """The HBM generation of a stack item: its own, or its memory resource's default."""
    if item.generation is not None:
        return item.generation
    default = catalog.get("resources", item.resource).get("hbm_generation")
    if not isinstance(default, str):
        raise CatalogError(
            [f"resources.csv: {item.resource}: hbm_generation is needed for stacks without one"]
        )
    return default


def good_per_wafer(
    item: Item, years: list[int], *, demand: Demand, catalog: Catalog
) -> npt.NDArray[np.float64]:
    """Good items of ``item``'s kind per 300 mm wafer of its resource in each of ``years``.

    Gross items are the exact grid count of the item's width × height on the wafer (best of
    the four phases) with the resource's ``edge_exclusion_mm`` and ``scribe_mm``. Logic and I/O
    dies: gross × die yield (``demand.yield_model``) of the stated area at the node's defect
    density that year. HBM stacks: good stacks per DRAM wafer of the stack's generation
    (``hbm`` table: core die width × height, die yield, stack height plus base dies made on
    the DRAM wafers, stack yield). Packages: gross interposers × packaging yield.
    """
    t = np.asarray(years, dtype=float)
    geometry = _resource(catalog, item.resource, ("edge_exclusion_mm", "scribe_mm"))
    if item.kind == HBM_STACK:
        g = {
            p: catalog.number("hbm", _hbm_generation(item, catalog), p)
            for p in (
                "core_die_width_mm",
                "core_die_height_mm",
                "stack_height",
                "dram_base_dies",
                "die_yield",
                "stack_yield",
            )
        }
        stacks = hbm_stacks_per_dram_wafer(
            g["core_die_width_mm"],
            g["core_die_height_mm"],
            dies_per_stack=g["stack_height"] + g["dram_base_dies"],
            die_yield=g["die_yield"],
            stack_yield=g["stack_yield"],
            edge_exclusion_mm=geometry["edge_exclusion_mm"],
            scribe_mm=geometry["scribe_mm"],
        )
        return np.full(len(years), float(np.asarray(stacks)))
    assert item.width_mm is not None  # dies and packages have a shape
    assert item.height_mm is not None
    assert item.area_mm2 is not None
    gross = _gross(
        item.width_mm, item.height_mm, geometry["edge_exclusion_mm"], geometry["scribe_mm"]
    )
    if item.kind in (LOGIC_DIE, IO_DIE):
        r = _resource(
            catalog,
            item.resource,
            ("hvm_year", "d0_entry_per_cm2", "d0_mature_per_cm2", "d0_tau_years"),
        )
        d0 = defect_density(
            t - r["hvm_year"], r["d0_entry_per_cm2"], r["d0_mature_per_cm2"], r["d0_tau_years"]
        )
        params = {"alpha": demand.yield_alpha} if demand.yield_model == "negative_binomial" else {}
        dies = np.asarray(die_yield(d0, item.area_mm2, model=demand.yield_model, **params), float)
        return gross * dies
    if item.kind == PACKAGE:
        r = _resource(catalog, item.resource, ("packaging_yield",))
        good = good_packages_per_wafer(gross, r["packaging_yield"])
        return np.full(len(years), float(np.asarray(good)))
    raise AssertionError(f"unknown item kind {item.kind!r}")  # pragma: no cover


def compute_frame(scenario: Scenario) -> pd.DataFrame:
    """The installed base per year, capped by ``demand.limits`` where they say so.

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``installed_h100e``, ``retired_h100e``, ``new_h100e`` (what is
        wanted within the limits that cap), ``path_new_h100e`` (what the growth path alone
        wants); with limits, ``cap_new_h100e`` (the most new compute the caps allow; inf where
        they do not cap), ``power_gw`` (the fleet's facility power at the year's end) and
        ``power_limit_gw``, ``spend_busd`` (new compute × its all-in cost) and
        ``spend_limit_busd`` (NaN where not given).
    """
    import pandas as pd

    years = scenario.years
    start = years[0]
    demand = scenario.demand
    limits = demand.limits
    wanted = demand.installed.path(list(range(start - _WARM_UP_YEARS, years[-1] + 1)))
    for year in years:
        if not wanted[year] <= MAX_INSTALLED_H100E:
            raise ParameterError(
                "demand.installed",
                f"within 0 … {MAX_INSTALLED_H100E:.0e} H100e (the planner's numerically sound"
                " range) in every year of the horizon",
                f"{wanted[year]:.3g} H100e in {year}",
            )
    # A growth path shrinking into the horizon is larger before it: its back-cast starts in the
    # first warm-up year within the sound range (the vintages then start in balanced decline).
    path = {
        year: float(value)
        for year, value in zip(wanted.index.astype(int), wanted, strict=True)
        if year >= start or value <= MAX_INSTALLED_H100E
    }
    path = {y: path[y] for y in range(min(path), years[-1] + 1)}
    per_mw = _path(limits.h100e_per_mw, geometric=True) if limits else None
    power = _path(limits.power_gw) if limits else None
    spend = _path(limits.spend_busd) if limits else None
    cost = _path(limits.usd_per_h100e, geometric=True) if limits else None
    caps = set(limits.cap) if limits else set()
    flows = vintage_flows(
        path,
        demand.service_life_years,
        h100e_per_mw=per_mw,
        power_limit_mw=(lambda y: gw_to_mw(power(y))) if power and "power" in caps else None,
        new_limit_h100e=(
            (lambda y: busd_to_usd(spend(y)) / cost(y))
            if spend and cost and "spend" in caps
            else None
        ),
        capped_from=max(start, limits.cap_from_year or start) if limits else start,
    )
    frame = pd.DataFrame(
        [
            (f.installed, f.retired, f.new, f.wanted, mw_to_gw(f.power_mw), f.room)
            for f in (flows[y] for y in years)
        ],
        index=pd.Index(years, name="year"),
        columns=[
            "installed_h100e",
            "retired_h100e",
            "new_h100e",
            "path_new_h100e",
            "power_gw",
            "cap_new_h100e",
        ],
    )
    if limits is None:
        return frame.drop(columns=["power_gw", "cap_new_h100e"])
    frame["power_limit_gw"] = [power(y) if power else np.nan for y in years]
    frame["spend_busd"] = (
        frame["new_h100e"] * [cost(y) / USD_PER_BUSD for y in years] if cost else np.nan
    )
    frame["spend_limit_busd"] = [spend(y) if spend else np.nan for y in years]
    return frame


def _path(
    values: dict[int, float] | None, *, geometric: bool = False
) -> Callable[[int], float] | None:
    """A ``{year: value}`` path as a function of the year: linear (or log-linear) between the
    given years, held flat outside them; None for None."""
    if values is None:
        return None
    if geometric and all(v > 0 for v in values.values()):
        logs = {y: math.log(v) for y, v in values.items()}
        return lambda year: math.exp(interpolate(logs, year))
    table = dict(values)
    return lambda year: interpolate(table, year)


def demand_frames(scenario: Scenario, catalog: Catalog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Demand as two tidy frames.

    Returns
    -------
    compute : DataFrame
        Indexed by ``year``: see :func:`compute_frame`.
    items : DataFrame
        One row per (year, product, resource, item, area_mm2): ``units`` of the product made
        that year, ``good_needed`` items, ``good_per_wafer``, ``wafers_per_year`` and ``wspm``.
    """
    import pandas as pd

    from fabnet.outlook.roadmap import product_mix

    years = scenario.years
    compute = compute_frame(scenario)
    products, mix = product_mix(scenario)
    memory = [
        r for r in catalog.ids("resources") if catalog.get("resources", r)["category"] == "memory"
    ]
    new = compute["new_h100e"].to_numpy()
    rows: list[dict[str, object]] = []
    per_wafer_cache: dict[tuple[object, ...], npt.NDArray[np.float64]] = {}
    for product_id, share in zip(mix.index, mix.to_numpy(dtype=float), strict=True):
        product = products[product_id]
        assert product.h100e_per_unit is not None  # accelerators carry it (validated)
        units = new * share / product.h100e_per_unit
        if not units.any():
            continue
        for item in bill_of_materials(product, products, memory[0] if memory else "HBM"):
            key = item.shape
            if key not in per_wafer_cache:
                per_wafer_cache[key] = good_per_wafer(
                    item, years, demand=scenario.demand, catalog=catalog
                )
            good_wafer = per_wafer_cache[key]
            if not (good_wafer > 0).all():
                raise ParameterError(
                    f"products.{product_id}.{item.field}",
                    f"small enough that a 300 mm {item.resource} wafer yields at least one good"
                    f" {item.kind}",
                    item.given,
                )
            needed = units * item.count
            wafers = needed / good_wafer
            rows += [
                {
                    "year": y,
                    "product": product_id,
                    "resource": item.resource,
                    "item": item.kind,
                    "area_mm2": np.nan if item.area_mm2 is None else item.area_mm2,
                    "units": u,
                    "good_needed": g,
                    "good_per_wafer": w,
                    "wafers_per_year": f,
                    "wspm": f / MONTHS_PER_YEAR,
                }
                for y, u, g, w, f in zip(years, units, needed, good_wafer, wafers, strict=True)
            ]
    keys = ["year", "product", "resource", "item", "area_mm2"]
    items = pd.DataFrame(
        rows, columns=[*keys, "units", "good_needed", "good_per_wafer", "wafers_per_year", "wspm"]
    )
    # Parts of a composite product can repeat an item (GB200 = B200 + B200 + Grace): add them.
    items = items.groupby(keys, as_index=False, dropna=False, sort=True).agg(
        units=("units", "first"),
        good_needed=("good_needed", "sum"),
        good_per_wafer=("good_per_wafer", "first"),
        wafers_per_year=("wafers_per_year", "sum"),
        wspm=("wspm", "sum"),
    )
    return compute, items


def euv_frame(items: pd.DataFrame, catalog: Catalog, scenario: Scenario) -> pd.DataFrame:
    """EUV scanners needed per year and logic resource: wspm × tools per 1,000 wspm (the
    catalog's, or a linked fab module design's: :func:`fabnet.planning.data.module_figures`,
    the planner's own figures)."""
    import pandas as pd

    from fabnet.planning.data import module_figures

    per_resource = items.groupby(["year", "resource"], as_index=False)["wspm"].sum()
    figures = module_figures(scenario, catalog, [str(r) for r in per_resource["resource"].unique()])
    factor = {r: f["euv_tools_per_kwspm"] for r, f in figures.items()}
    per_resource["tools"] = to_kwspm(per_resource["wspm"] * per_resource["resource"].map(factor))
    out = per_resource.loc[per_resource["tools"] > 0, ["year", "resource", "tools"]]
    return pd.DataFrame(out).reset_index(drop=True)

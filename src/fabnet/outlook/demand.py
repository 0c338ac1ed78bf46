"""Demand: from installed AI compute to wafer starts per resource and year.

The chain (DESIGN §5), per year ``t``:

1. installed compute wanted ``S(t)`` [H100e] from the scenario's growth path or table;
2. retirements ``R(t)`` after a fixed service life ``L`` and new compute
   ``N(t) = S(t) − S(t−1) + R(t)`` (never negative);
3. units of each product ``u_k(t) = N(t)·m_k(t) / h100e_k`` from the product mix;
4. each product's bill of materials: logic and I/O dies per node, HBM stacks, one CoWoS-class
   package (composite products such as GB200 add up their parts);
5. wafer starts: good items needed / good items per wafer, where a logic die's good dies per
   wafer are gross dies (Hennessy–Patterson) × die yield at that year's D0 (defect learning),
   HBM stacks per DRAM wafer and good packages per CoWoS-class wafer come from
   :mod:`fabnet.silicon.packaging`;
6. EUV scanners needed = logic wspm × EUV tools per 1,000 wspm.

Everything is computed for the horizon's years; ``L`` may be fractional (retirements split
between the two neighbouring years).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from fabnet.catalog import Catalog
from fabnet.exceptions import ParameterError
from fabnet.scenario import Demand, Product, Scenario, interpolate
from fabnet.silicon import (
    defect_density,
    die_yield,
    good_packages_per_wafer,
    hbm_stacks_per_dram_wafer,
    hennessy_patterson,
    interposers_per_wafer,
)
from fabnet.units import MONTHS_PER_YEAR

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
    """One line of a product's bill of materials: ``count`` items of ``kind`` on ``resource``."""

    kind: str
    resource: str
    count: float
    area_mm2: float | None


def compute_flows(
    installed_h100e: dict[int, float], service_life_years: float
) -> dict[int, tuple[float, float, float]]:
    """Installed, retired and new compute per year by a vintage model.

    Parameters
    ----------
    installed_h100e : dict
        Installed compute wanted by consecutive year [H100e]; the first years serve as warm-up.
    service_life_years : float
        Service life [years], ≥ 1. Compute installed in year τ retires in τ + L; a fractional L
        splits the retirement between τ + ⌊L⌋ and τ + ⌊L⌋ + 1.

    Returns
    -------
    dict
        ``{year: (installed, retired, new)}`` [H100e]. New compute is never negative: when the
        stock wanted falls faster than retirements, nothing new is built.

    Notes
    -----
    Before the first year the stock is taken as steady: installed evenly over the previous ``L``
    years, so the first years retire ``S(t₀)/L``.

    Examples
    --------
    >>> flows = compute_flows({2020: 100.0, 2021: 200.0, 2022: 200.0}, 2.0)
    >>> flows[2021]
    (200.0, 50.0, 150.0)
    """
    if service_life_years < 1.0:
        raise ParameterError("service_life_years", ">= 1", service_life_years)
    years = sorted(installed_h100e)
    whole = math.floor(service_life_years)
    frac = service_life_years - whole
    first = installed_h100e[years[0]]
    added: dict[int, float] = {years[0] - k: first / service_life_years for k in range(whole + 2)}
    out: dict[int, tuple[float, float, float]] = {}
    previous = first
    for year in years[1:]:
        retired = (1.0 - frac) * added.get(year - whole, 0.0) + frac * added.get(
            year - whole - 1, 0.0
        )
        stock = installed_h100e[year]
        new = max(0.0, stock - previous + retired)
        added[year] = new
        out[year] = (stock, retired, new)
        previous = stock
    return out


def bill_of_materials(
    product: Product, products: dict[str, Product], memory_resource: str
) -> list[Item]:
    """Items one unit of ``product`` needs, its parts included (recursively)."""
    items: list[Item] = []
    if product.logic_node is not None:
        assert product.logic_die_count is not None  # validated together
        items.append(
            Item(
                LOGIC_DIE,
                product.logic_node,
                float(product.logic_die_count),
                product.logic_die_area_mm2,
            )
        )
    if product.io_die_node is not None:
        assert product.io_die_count is not None  # validated together
        items.append(
            Item(IO_DIE, product.io_die_node, float(product.io_die_count), product.io_die_area_mm2)
        )
    if product.hbm_stacks:
        items.append(Item(HBM_STACK, memory_resource, float(product.hbm_stacks), None))
    if product.packaging is not None:
        items.append(Item(PACKAGE, product.packaging, 1.0, product.interposer_area_mm2))
    for part in product.parts or []:
        items += bill_of_materials(products[part], products, memory_resource)
    return items


def _resource(catalog: Catalog, resource: str, needed: tuple[str, ...]) -> dict[str, float]:
    """The numeric figures ``needed`` of a resource (CatalogError if one is missing)."""
    return {p: catalog.number("resources", resource, p) for p in needed}


def good_per_wafer(
    item: Item, years: list[int], *, demand: Demand, catalog: Catalog
) -> npt.NDArray[np.float64]:
    """Good items of ``item``'s kind per 300 mm wafer of its resource in each of ``years``.

    Logic dies: gross dies (Hennessy–Patterson) × die yield (``demand.yield_model``) at the
    node's defect density that year. HBM stacks: stacks per DRAM wafer. Packages: good
    interposers per CoWoS-class wafer.
    """
    kind, resource, area_mm2 = item.kind, item.resource, item.area_mm2
    t = np.asarray(years, dtype=float)
    if kind in (LOGIC_DIE, IO_DIE):
        assert area_mm2 is not None
        r = _resource(
            catalog, resource, ("hvm_year", "d0_entry_per_cm2", "d0_mature_per_cm2", "d0_tau_years")
        )
        d0 = defect_density(
            t - r["hvm_year"], r["d0_entry_per_cm2"], r["d0_mature_per_cm2"], r["d0_tau_years"]
        )
        params = {"alpha": demand.yield_alpha} if demand.yield_model == "negative_binomial" else {}
        dies = np.asarray(die_yield(d0, area_mm2, model=demand.yield_model, **params), float)
        gross = float(np.asarray(hennessy_patterson(area_mm2)))
        return gross * dies
    if kind == HBM_STACK:
        r = _resource(
            catalog, resource, ("hbm_die_area_mm2", "hbm_dies_per_stack", "hbm_stack_yield")
        )
        # The catalog's stack yield is the combined good-stack yield (DRAM dies, TSV, stacking),
        # so the DRAM die yield is not applied a second time.
        side = float(np.sqrt(r["hbm_die_area_mm2"]))
        stacks = hbm_stacks_per_dram_wafer(
            side,
            side,
            dies_per_stack=r["hbm_dies_per_stack"],
            die_yield=1.0,
            stack_yield=r["hbm_stack_yield"],
        )
        return np.full(len(years), float(np.asarray(stacks)))
    if kind == PACKAGE:
        assert area_mm2 is not None
        r = _resource(catalog, resource, ("packaging_yield",))
        good = good_packages_per_wafer(interposers_per_wafer(area_mm2), r["packaging_yield"])
        return np.full(len(years), float(np.asarray(good)))
    raise AssertionError(f"unknown item kind {kind!r}")  # pragma: no cover


def demand_frames(scenario: Scenario, catalog: Catalog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Demand as two tidy frames.

    Returns
    -------
    compute : DataFrame
        Indexed by ``year``: ``installed_h100e``, ``retired_h100e``, ``new_h100e``.
    items : DataFrame
        One row per (year, product, resource, item, area_mm2): ``units`` of the product made
        that year, ``good_needed`` items, ``good_per_wafer``, ``wafers_per_year`` and ``wspm``.
    """
    import pandas as pd

    years = scenario.years
    start = years[0]
    path = scenario.demand.installed.path(list(range(start - _WARM_UP_YEARS, years[-1] + 1)))
    flows = compute_flows(path, scenario.demand.service_life_years)
    compute = pd.DataFrame(
        [flows[y] for y in years],
        index=pd.Index(years, name="year"),
        columns=["installed_h100e", "retired_h100e", "new_h100e"],
    )
    products = {p.id: p for p in scenario.products}
    memory = [
        r for r in catalog.ids("resources") if catalog.get("resources", r)["category"] == "memory"
    ]
    new = compute["new_h100e"].to_numpy()
    rows: list[dict[str, object]] = []
    per_wafer_cache: dict[tuple[str, str, float | None], npt.NDArray[np.float64]] = {}
    for product_id, shares in scenario.demand.mix.items():
        product = products[product_id]
        assert product.h100e_per_unit is not None  # accelerators carry it (validated)
        # Clipped: interpolating between shares can leave -1e-17 where a share reaches 0.
        share = np.clip([interpolate(shares, y) for y in years], 0.0, 1.0)
        units = new * share / product.h100e_per_unit
        if not units.any():
            continue
        for item in bill_of_materials(product, products, memory[0] if memory else "HBM"):
            key = (item.kind, item.resource, item.area_mm2)
            if key not in per_wafer_cache:
                per_wafer_cache[key] = good_per_wafer(
                    item, years, demand=scenario.demand, catalog=catalog
                )
            good_wafer = per_wafer_cache[key]
            if not (good_wafer > 0).all():
                field = {
                    LOGIC_DIE: "logic_die_area_mm2",
                    IO_DIE: "io_die_area_mm2",
                    PACKAGE: "interposer_area_mm2",
                }.get(item.kind, item.kind)
                raise ParameterError(
                    f"products.{product_id}.{field}",
                    f"small enough that a 300 mm {item.resource} wafer yields at least one good"
                    f" {item.kind}",
                    item.area_mm2,
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


def euv_frame(items: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """EUV scanners needed per year and logic resource: wspm × tools per 1,000 wspm."""
    import pandas as pd

    per_resource = items.groupby(["year", "resource"], as_index=False)["wspm"].sum()
    factor = {
        r: catalog.number("resources", r, "euv_tools_per_kwspm", 0.0)
        for r in per_resource["resource"].unique()
    }
    per_resource["tools"] = per_resource["wspm"] * per_resource["resource"].map(factor) / 1000.0
    out = per_resource.loc[per_resource["tools"] > 0, ["year", "resource", "tools"]]
    return pd.DataFrame(out).reset_index(drop=True)

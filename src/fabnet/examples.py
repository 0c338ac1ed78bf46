"""Example scenarios: the built-in ones (``altman-2024``…), and deterministic synthetic worlds.

:func:`synthetic_world` builds a valid scenario of any size from a seed, for benchmarks of the
network planner and for tests; :func:`synthetic_fabs` does the same for a fab file (the tool
plan's benchmark). Their figures are random draws in plausible ranges, not data.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.scenario import Scenario, builtin_names, load_scenario

if TYPE_CHECKING:
    from fabnet.fab import FabSpec

__all__ = [
    "TINY_OLD_FAB",
    "builtin_scenarios",
    "load_example",
    "synthetic_fabs",
    "synthetic_world",
    "tiny_world",
]

#: Catalog resources in the order ``synthetic_world(resources=n)`` takes the first n of.
RESOURCE_ORDER = ("COWOS", "HBM", "N3", "N2", "N5", "A16", "N7")
#: Logic nodes from oldest to newest: the product mix shifts along this order.
_LOGIC_NODES = ("N7", "N5", "N3", "N2", "A16")
#: Compute of one reticle-class logic die on each node [H100e]: H100 (one N5-class die) = 1;
#: N3, N2 and A16 per die as the GEN-2026/2028/2031 classes of ``altman-2024``; N7 as A100.
_H100E_PER_DIE = {"N7": 0.32, "N5": 1.0, "N3": 1.9, "N2": 3.15, "A16": 6.75}
#: Base coordinates (lat, lon) [deg] of a site in each country, near an existing fab cluster.
# fmt: off
_COUNTRIES = {
    "US": (33.6, -112.1), "TW": (23.5, 120.6), "JP": (33.0, 130.8), "KR": (37.1, 127.2),
    "DE": (51.1, 13.7), "AE": (24.4, 54.6), "SA": (27.0, 49.6), "SG": (1.35, 103.9),
    "MY": (5.4, 100.6), "IN": (22.3, 72.2), "IE": (53.4, -6.5), "IL": (31.6, 34.8),
}
#: Share of each resource's output available for AI, as in ``altman-2024`` (Epoch, SemiAnalysis).
_AI_SHARE: dict[str, float | dict[int, float]] = {
    "N7": 0.05,
    "N5": {2024: 0.12, 2027: 0.35, 2030: 0.5},
    "N3": {2024: 0.05, 2025: 0.12, 2027: 0.6, 2030: 0.7},
    "N2": {2025: 0.1, 2027: 0.4, 2030: 0.6},
    "A16": {2026: 0.3, 2030: 0.6},
    "HBM": 0.9, "COWOS": 0.9,
}
# fmt: on
_INVESTOR_TYPES = ("sovereign_fund", "corporate", "government", "lab")
_SOURCE = "synthetic: fabnet.examples.synthetic_world (random draws, not data)"


def builtin_scenarios() -> list[str]:
    """Names of the built-in scenarios.

    >>> "altman-2024" in builtin_scenarios()
    True
    """
    return builtin_names()


def load_example(name: str) -> Scenario:
    """The built-in scenario ``name``, loaded and validated.

    >>> load_example("altman-2024").horizon.start_year
    2024
    """
    return load_scenario(name)


def _check(name: str, value: int, low: int, high: int | None = None) -> None:
    """Raise a ParameterError unless ``value`` is an int in ``[low, high]``."""
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if not ok or (high is not None and value > high):
        raise ParameterError(name, f">= {low}" if high is None else f"{low} to {high}", value)


def _subset(rng: np.random.Generator, pool: list[str], low: int, high: int) -> list[str]:
    """A random subset of ``pool`` with ``low..high`` items (capped by its size), pool order."""
    size = int(rng.integers(low, min(high, len(pool)) + 1))
    picked = set(rng.choice(len(pool), size=size, replace=False).tolist())
    return [item for i, item in enumerate(pool) if i in picked]


def _cover(rng: np.random.Generator, pool: list[str], count: int) -> list[list[str]]:
    """``count`` random non-empty subsets of ``pool`` that together hold all of it, pool order."""
    groups = [set(_subset(rng, pool, 1, len(pool))) for _ in range(count)]
    for item in pool:
        if not any(item in group for group in groups):
            groups[int(rng.integers(count))].add(item)
    return [[item for item in pool if item in group] for group in groups]


def _site_partners(rng: np.random.Generator, partner_ids: list[str], own: int) -> list[str]:
    """Partner ``own`` and up to two others, in id order."""
    others = [p for j, p in enumerate(partner_ids) if j != own]
    return sorted([partner_ids[own], *_subset(rng, others, 0, 2)])


def _rows(kind: str, **columns: list[Any]) -> list[dict[str, Any]]:
    """Entities ``site-001``, ``partner-01``… with a name, a source, and one field per column."""
    count, width = len(next(iter(columns.values()))), 3 if kind == "site" else 2
    return [
        {"id": f"{kind}-{i + 1:0{width}d}", "name": f"Synthetic {kind} {i + 1}"}
        | {field: values[i] for field, values in columns.items()}
        | {"source": _SOURCE}
        for i in range(count)
    ]


def _mix(rng: np.random.Generator, nodes: list[str], years: list[int]) -> dict[str, Any]:
    """Mix shares at ``years`` moving from the oldest to the newest node; sum to 1 each year."""
    mix: dict[str, dict[int, float]] = {f"PROD-{node}": {} for node in nodes}
    position = np.linspace(0.0, 1.0, len(nodes)) if len(nodes) > 1 else np.zeros(1)
    for year, phase in zip(years, np.linspace(0.0, 1.0, len(years)), strict=True):
        weight = np.exp(-(((position - phase) / 0.35) ** 2)) * rng.uniform(0.8, 1.2, len(nodes))
        shares = [round(float(w), 3) for w in weight / weight.sum()]
        top = int(np.argmax(shares))
        shares[top] = round(1.0 - sum(s for i, s in enumerate(shares) if i != top), 3)
        for node, share in zip(nodes, shares, strict=True):
            mix[f"PROD-{node}"][year] = share
    return mix


def _product(rng: np.random.Generator, node: str, dies: int, chosen: list[str]) -> dict[str, Any]:
    """Product ``PROD-<node>`` with ``dies`` logic dies, using every resource in ``chosen``."""
    product: dict[str, Any] = {
        "id": f"PROD-{node}",
        "name": f"Synthetic accelerator on {node}",
        "vendor": "synthetic",
        "h100e_per_unit": round(dies * _H100E_PER_DIE[node] * float(rng.uniform(0.95, 1.05)), 3),
        "logic_die_count": dies,
        "logic_die_area_mm2": round(float(rng.uniform(600.0, 820.0))),
        "logic_node": node,
        "hbm_stacks": int(rng.integers(6, 13)) if "HBM" in chosen else 0,
        "source": _SOURCE,
    }
    if "COWOS" in chosen:
        product |= {
            "packaging": "COWOS",
            "packaging_type": "CoWoS-L",
            "interposer_area_mm2": round(float(rng.uniform(2000.0, 5000.0))),
        }
    return product


def synthetic_world(  # noqa: PLR0917 - sizes are read positionally by benchmarks
    sites: int = 20,
    resources: int = 6,
    years: int = 16,
    partners: int = 4,
    investors: int = 5,
    seed: int = 0,
    *,
    start_year: int = 2025,
) -> Scenario:
    """A deterministic synthetic scenario of the given size, for benchmarks and tests.

    Parameters
    ----------
    sites : int
        Candidate sites (≥ 1), spread round-robin over 12 countries in a seeded order.
    resources : int
        How many catalog resources are in play (1 to 7): the first n of COWOS, HBM, N3, N2, N5,
        A16, N7.
    years : int
        Length of the horizon (≥ 2) [years]: ``start_year .. start_year + years − 1``.
    partners : int
        Chipmakers (≥ 1); together they run every chosen resource.
    investors : int
        Funders (≥ 1); together they fund every country that has a site.
    seed : int
        Seed of ``numpy.random.default_rng`` (≥ 0), the only source of randomness.
    start_year : int
        First year of the horizon.

    Returns
    -------
    Scenario
        Validated by :func:`fabnet.scenario.load_scenario`; equal for equal arguments.

    Raises
    ------
    ParameterError
        If a count is out of range, naming the parameter.

    Notes
    -----
    Demand: ~4 M H100e installed in ``start_year`` (as ``altman-2024``), growing by annual
    multipliers drawn in [1.5, 2.0] and falling over time, served 5 years. One product
    ``PROD-<node>`` per chosen logic node (one or two 600–820 mm² dies, 6–12 HBM stacks if HBM
    is chosen, a 2,000–5,000 mm² CoWoS interposer if COWOS is), so every chosen resource is
    used; the mix moves from older to newer nodes. With ``resources`` ≤ 2 no logic node is
    chosen and one product on N5 is added, so N5 is used as well (and is the only logic node).
    Sites, partners, investors and subsidies have synthetic ids, so no catalog default applies.

    Examples
    --------
    >>> world = synthetic_world(sites=5, seed=1)
    >>> world.name
    'synthetic-s5-r6-y16-p4-i5-seed1'
    >>> len(world.sites), len(world.partners), world.years[0], world.years[-1]
    (5, 4, 2025, 2040)
    >>> synthetic_world(sites=5, seed=1) == world
    True
    """
    _check("start_year", start_year, 1990, 2099)
    for name, value in (("sites", sites), ("partners", partners), ("investors", investors)):
        _check(name, value, 1)
    _check("resources", resources, 1, len(RESOURCE_ORDER))
    _check("years", years, 2, 2101 - start_year)
    _check("seed", seed, 0)
    rng = np.random.default_rng(seed)
    chosen = list(RESOURCE_ORDER[:resources])
    nodes = [node for node in _LOGIC_NODES if node in chosen] or ["N5"]
    end_year = start_year + years - 1

    stages = list(range(start_year, end_year, 3))  # a growth multiplier every three years
    rates = np.round(np.sort(rng.uniform(1.5, 2.0, len(stages)))[::-1], 3).tolist()
    growth = dict(zip(stages, rates, strict=True))  # falling over time
    marks = sorted({start_year + round(i) for i in np.linspace(0, years - 1, min(years, 5))})
    # Die counts never fall with the node, so compute per unit rises from node to node.
    dies = np.sort(rng.integers(1, 3, len(nodes))).tolist()
    products = [_product(rng, n, d, chosen) for n, d in zip(nodes, dies, strict=True)]

    country_order = [list(_COUNTRIES)[i] for i in rng.permutation(len(_COUNTRIES))]
    site_country = [country_order[i % len(country_order)] for i in range(sites)]
    partner_ids = [f"partner-{j + 1:02d}" for j in range(partners)]
    modules = rng.integers(2, 7, sites)
    coords = np.array([_COUNTRIES[c] for c in site_country]) + rng.uniform(-0.5, 0.5, (sites, 2))
    site_rows = _rows(
        "site",
        country=site_country,
        # partner i % partners first, so that every partner may build somewhere
        partners=[_site_partners(rng, partner_ids, i % partners) for i in range(sites)],
        max_modules=modules.tolist(),
        power_mw=np.round(150.0 * modules * rng.uniform(0.9, 1.2, sites)).tolist(),
        lat=np.round(coords[:, 0], 3).tolist(),
        lon=np.round(coords[:, 1], 3).tolist(),
    )
    site_countries = [c for c in _COUNTRIES if c in site_country]
    partner_rows = _rows(
        "partner",
        country=rng.choice(list(_COUNTRIES), partners).tolist(),
        resources=_cover(rng, chosen, partners),
        max_starts_per_year=rng.integers(1, 7, partners).tolist(),
        lead_time_factor=np.round(rng.uniform(1.0, 1.5, partners), 2).tolist(),
    )
    commitment = np.round(rng.uniform(5_000.0, 60_000.0, investors), -1)
    investor_rows = _rows(
        "investor",
        type=rng.choice(_INVESTOR_TYPES, investors).tolist(),
        country=rng.choice(list(_COUNTRIES), investors).tolist(),
        commitment_musd=commitment.tolist(),
        annual_cap_musd=np.round(0.2 * commitment, 1).tolist(),
        countries=_cover(rng, site_countries, investors),
        hurdle_rate=np.round(rng.uniform(0.03, 0.12, investors), 3).tolist(),
    )
    programmes = int(rng.integers(3, 7))
    subsidy_rows = _rows(
        "subsidy",
        countries=[_subset(rng, site_countries, 1, 2) for _ in range(programmes)],
        capex_share=np.round(rng.uniform(0.05, 0.4, programmes), 3).tolist(),
        cap_musd=np.round(rng.uniform(2_000.0, 10_000.0, programmes), -1).tolist(),
    )

    ai_share = {r: _AI_SHARE[r] for r in RESOURCE_ORDER if r in {*chosen, *nodes}}
    arguments = (
        f"{sites=}, {resources=}, {years=}, {partners=}, {investors=}, {seed=}, {start_year=}"
    )
    name = f"synthetic-s{sites}-r{resources}-y{years}-p{partners}-i{investors}-seed{seed}"
    data: dict[str, Any] = {
        "name": name[:64],  # the longest id allowed
        "description": f"Synthetic (random figures, not data): synthetic_world({arguments})",
        "horizon": {"start_year": start_year, "end_year": end_year, "step_years": 1},
        "demand": {
            "installed": {"base_year": start_year, "base_h100e": 4.0e6, "growth": growth},
            "service_life_years": 5,
            "mix": _mix(rng, nodes, marks),
            "mix_flexibility": 0.1,
        },
        "products": products,
        "supply": {"fabs": "all", "announced": "probability", "ai_share": ai_share},
        "sites": site_rows,
        "partners": partner_rows,
        "investors": investor_rows,
        "subsidies": subsidy_rows,
        "policy": {
            "objective": "min_cost",
            "discount_rate": 0.08,
            "regional_caps": {"TW": 0.5} if "TW" in site_countries else {},
            "earliest_start_year": start_year + 1,
        },
    }
    return load_scenario(data)


#: A workstation profile of :func:`synthetic_fabs`: name, a wafer's raw process time on the
#: first generation [min per wafer] (low, high), the price of one tool [musd] (low, high), its
#: footprint [m²] and the wafers of one batch.
_Profile = tuple[str, tuple[float, float], tuple[float, float], float, int]
#: The workstations of :func:`synthetic_fabs`, in the order it takes them. The ranges bracket
#: the estimates of the built-in ``example-3fab`` (2024-era 300 mm tools); FURNACE is the one
#: batch workstation, INSPECT a fast sampled inspection (0.2–1 min). More workstations than
#: these repeat the profiles from ETCH on as ETCH-2, CVD-2…
# fmt: off
_WORKSTATIONS: tuple[_Profile, ...] = (
    ("LITHO-EUV", (1.9, 3.7), (150.0, 190.0), 90.0, 1),
    ("FURNACE", (24.0, 36.0), (2.0, 4.0), 10.0, 100),
    ("ETCH", (30.0, 60.0), (6.0, 10.0), 12.0, 1),
    ("CVD", (20.0, 45.0), (4.0, 6.0), 10.0, 1),
    ("CLEAN", (8.0, 15.0), (4.0, 6.0), 15.0, 1),
    ("CMP", (10.0, 25.0), (4.0, 6.0), 15.0, 1),
    ("LITHO-DUV", (3.0, 4.0), (60.0, 80.0), 45.0, 1),
    ("ALD", (40.0, 55.0), (5.0, 8.0), 10.0, 1),
    ("METRO", (5.0, 12.0), (4.0, 6.0), 8.0, 1),
    ("IMPLANT", (2.0, 6.0), (6.0, 8.0), 15.0, 1),
    ("PVD", (15.0, 30.0), (5.0, 8.0), 12.0, 1),
    ("EPI", (35.0, 50.0), (6.0, 9.0), 14.0, 1),
    ("INSPECT", (0.2, 1.0), (3.0, 5.0), 8.0, 1),
)
# fmt: on
#: Process nodes from oldest to newest (more are named NODE-8, NODE-9…).
_FAB_NODES = ("N7", "N5", "N4", "N3", "N2", "A16", "A14")
#: A step's raw process time on a first-generation tool, at least and at most [min per wafer].
_RPT_RANGE_MIN = (0.2, 60.0)
#: The first period of :func:`synthetic_fabs`.
_FIRST_QUARTER = "2026Q1"
_FAB_SOURCE = "synthetic: fabnet.examples.synthetic_fabs (random draws, not data)"


@dataclass
class _Tools:
    """The tool types of a synthetic fab file, and what sizing its fabs needs of them."""

    types: list[dict[str, Any]]
    first_buy: dict[str, str]
    #: per workstation: its types as (index in ``types``, time against the G1) — G1 first
    kinds: list[list[tuple[int, float]]]
    #: [k] minutes a tool may be loaded a week; the first period it may be bought
    capacity_min: np.ndarray
    sold_from: np.ndarray


def _workstation_profiles(count: int) -> list[_Profile]:
    """The first ``count`` workstations: the table, then its profiles from ETCH on repeated."""
    out = list(_WORKSTATIONS[:count])
    repeat, round_ = _WORKSTATIONS[2:], 2
    while len(out) < count:
        out += [(f"{p[0]}-{round_}", *p[1:]) for p in repeat[: count - len(out)]]
        round_ += 1
    return out


def _tool(
    rng: np.random.Generator, ident: str, ws: str, generation: int, price: tuple[float, float]
) -> dict[str, Any]:
    """A tool type of workstation ``ws`` (``price``: capex, footprint): drawn uptime and caps."""
    capex, area = price
    return {
        "id": ident,
        "workstation": ws,
        "generation": generation,
        "capex_musd": round(capex, 2),
        "move_out_musd": round(capex * float(rng.uniform(0.02, 0.05)), 3),
        "footprint_m2": round(area, 1),
        "availability": round(float(rng.uniform(0.88, 0.95)), 3),
        "utilisation": round(float(rng.uniform(0.80, 0.90)), 2),
        "euv": ws == "LITHO-EUV",
        "source": _FAB_SOURCE,
    }


def _fab_tools(
    rng: np.random.Generator, profiles: list[_Profile], count: int, labels: list[str]
) -> _Tools:
    """``count`` tool types over ``profiles``: one per workstation, a G2 for some (see below)."""
    from fabnet.fab._schema import MINUTES_PER_WEEK

    periods = len(labels)
    two_gen = set(rng.choice(len(profiles), size=count - len(profiles), replace=False).tolist())
    types: list[dict[str, Any]] = []
    first_buy: dict[str, str] = {}
    kinds: list[list[tuple[int, float]]] = []
    for w, (ws, _, price, area, _) in enumerate(profiles):
        capex = float(rng.uniform(*price))
        if w not in two_gen:
            kinds.append([(len(types), 1.0)])
            types.append(_tool(rng, ws, ws, 1, (capex, area)))
            continue
        old_buyable = bool(rng.random() < 0.5)
        speed = round(float(rng.uniform(0.60, 0.85)), 3)
        newer = (capex * float(rng.uniform(1.15, 1.4)), area * float(rng.uniform(1.0, 1.1)))
        old = _tool(rng, f"{ws}-G1", ws, 1, (capex, area)) | {"buyable": old_buyable}
        new = _tool(rng, f"{ws}-G2", ws, 2, newer)
        if old_buyable and periods > 1:
            first_buy[new["id"]] = labels[int(rng.integers(1, max(2, periods // 2)))]
        kinds.append([(len(types), 1.0), (len(types) + 1, speed)])
        types += [old, new]
    sold_from = [
        periods
        if t.get("buyable", True) is False
        else labels.index(first_buy.get(t["id"], labels[0]))
        for t in types
    ]
    return _Tools(
        types=types,
        first_buy=first_buy,
        kinds=kinds,
        capacity_min=np.array(
            [MINUTES_PER_WEEK * t["availability"] * t["utilisation"] for t in types]
        ),
        sold_from=np.array(sold_from),
    )


def _fab_route(
    rng: np.random.Generator,
    tools: _Tools,
    profiles: list[_Profile],
    *,
    cycle: np.ndarray,
    steps: int,
    typical_min: np.ndarray,
) -> tuple[list[dict[str, Any]], list[tuple[int, float]]]:
    """A route's steps, and per step its workstation and G1 minutes per wafer.

    ``typical_min[w]``: workstation w's time for one wafer on G1 [min per wafer].
    """
    from fabnet.fab._schema import LOT_WAFERS, RPT_MAX_MIN

    n_ws = len(profiles)
    offset = int(rng.integers(n_ws))
    in_cycle = cycle[(np.arange(steps) + offset) % n_ws]
    where = np.where(rng.random(steps) < 0.25, rng.integers(n_ws, size=steps), in_cycle)
    factor = rng.uniform(0.7, 1.3, steps)
    rows, minutes = [], []
    for w, f in zip(where.tolist(), factor.tolist(), strict=True):
        ws, _, _, _, batch = profiles[w]
        per_wafer = float(np.clip(typical_min[w] * f, *_RPT_RANGE_MIN))
        setup = round(float(rng.uniform(5.0, 15.0)), 1) if ws.startswith("LITHO") else 0.0
        rpt = {
            tools.types[k]["id"]: round(min(per_wafer * speed * batch, RPT_MAX_MIN), 3)
            for k, speed in tools.kinds[w]
        }
        step: dict[str, Any] = {"workstation": ws, "rpt_min": rpt}
        if batch > 1:
            step["batch_wafers"] = batch
        if setup:
            step["setup_min"] = setup
        rows.append(step)
        g1 = tools.types[tools.kinds[w][0][0]]["id"]
        minutes.append((w, rpt[g1] / batch + setup / LOT_WAFERS))
    return rows, minutes


def _fab_rows(
    rng: np.random.Generator,
    tools: _Tools,
    load: np.ndarray,
    products: list[str],
    allowed: np.ndarray,
) -> list[dict[str, Any]]:
    """The fabs: start tools and floor for ``load[f, w, t]`` (G1 minutes a week; see below)."""
    fabs, n_ws, periods = load.shape
    g1 = [kinds[0][0] for kinds in tools.kinds]
    area = np.array([t["footprint_m2"] for t in tools.types])
    cap = tools.capacity_min
    headroom = rng.uniform(1.0, 1.1, (fabs, n_ws))
    start_tools = np.ceil(load[:, :, 0] / cap[g1] * headroom + 1e-6) * (load[:, :, 0] > 0)
    need = np.zeros((fabs, periods))  # floor of whole tools of the sparest type on sale
    for w, kinds in enumerate(tools.kinds):
        for t in range(periods):
            sold = [(k, s) for k, s in kinds if tools.sold_from[k] <= t]
            k, s = min(sold, key=lambda ks: area[ks[0]] * ks[1] / cap[ks[0]])
            whole = np.ceil(load[:, w, t] * s / cap[k] + 1e-6) * (load[:, w, t] > 0)
            need[:, t] += whole * area[k]
    floor = np.maximum(start_tools @ area[g1], need.max(axis=1)) * rng.uniform(1.0, 1.1, fabs)
    rows = []
    for f in range(fabs):
        row: dict[str, Any] = {
            "id": f"fab-{f + 1}",
            "floor_m2": float(max(10.0, 10.0 * math.ceil(floor[f] / 10.0))),
            "tools": {
                tools.types[g1[w]]["id"]: int(start_tools[f, w])
                for w in range(n_ws)
                if start_tools[f, w] > 0
            },
            "source": _FAB_SOURCE,
        }
        if not allowed[f].all():
            row["products"] = [p for i, p in enumerate(products) if allowed[f, i]]
        rows.append(row)
    return rows


def synthetic_fabs(  # noqa: PLR0917 - sizes are read positionally by benchmarks
    fabs: int = 3,
    nodes: int = 2,
    steps: int = 30,
    tool_types: int = 12,
    periods: int = 8,
    seed: int = 0,
) -> FabSpec:
    """A deterministic synthetic fab file of the given size, for the tool plan's benchmark.

    Parameters
    ----------
    fabs : int
        Fabs (≥ 1), ``fab-1``…
    nodes : int
        Products (≥ 1), one route each, named after process nodes (``N3``, ``N2``…).
    steps : int
        Steps per route (≥ 1).
    tool_types : int
        Tool types (≥ 1), over ⌈0.6 × tool_types⌉ workstations: the rest are second generations.
    periods : int
        Quarters (1 to 300) from 2026Q1.
    seed : int
        Seed of ``numpy.random.default_rng`` (≥ 0), the only source of randomness.

    Returns
    -------
    FabSpec
        Validated by :func:`fabnet.fab.load_fab`; equal for equal arguments.

    Raises
    ------
    ParameterError
        If a count is out of range, naming the parameter.

    Notes
    -----
    *Tool types.* Workstations from a table of 300 mm tool profiles (``_WORKSTATIONS``: EUV and
    DUV litho, a batch furnace of 100 wafers, etch, deposition, CMP, clean, metrology…; prices
    2–190 musd, footprints 8–90 m²). A workstation with two types has ``-G1`` and ``-G2``: G2
    runs every step in 0.60–0.85 of G1's time, costs 1.15–1.4× as much and takes 1.0–1.1× the
    floor; half of the G1s may no longer be bought (G2 is then sold from the first period),
    otherwise G2 is first sold in a period drawn from the first half of the horizon.
    Availability 0.88–0.95, utilisation cap 0.80–0.90, move-out 2–5 % of the price.

    *Routes.* Each route's steps cycle through the workstations in one shared order (from an
    offset per route), a quarter of them swapped for another workstation; a step takes its
    workstation's time (drawn in the profile's range) × 0.7–1.3, within 0.2–60 min per wafer
    (a litho step adds a reticle setup of 5–15 min per lot). Every type of the workstation can
    run the step.

    *Demand.* Per node 2,000–6,000 wafers a week in 2026Q1 (× 0.7 from the oldest to the
    newest node), changing by −3 %/quarter (the oldest) to +10 %/quarter (the newest) ± 1 %,
    held within ¼–4× the first period's.

    *Fabs.* Each may run each product with probability 0.75 (every product in at least two fabs
    where there are two). Each product's wafers are split over its fabs by drawn weights; the
    start tools are, per fab and workstation, G1 tools for that split of the first period's
    demand × 1.0–1.1, rounded up (so the first period needs no buys). The floor is 1.0–1.1× the
    larger of the start tools' floor and, over every period, the floor of that split on whole
    tools of the most floor-sparing type then on sale. So a plan always exists (that split,
    buying those tools and moving the rest out), growing demand needs buys, and the floor binds
    where the plan would rather keep or buy the cheaper, larger tools. Transfers cost 20–60 USD
    a wafer; move-outs are allowed; the discount rate is 8 % a year.

    Examples
    --------
    >>> spec = synthetic_fabs(fabs=2, nodes=2, steps=10, tool_types=6, periods=4, seed=1)
    >>> spec.name
    'synthetic-f2-n2-s10-k6-t4-seed1'
    >>> len(spec.fabs), len(spec.routes), len(spec.routes[0].steps), len(spec.tool_types)
    (2, 2, 10, 6)
    >>> spec.periods.labels
    ['2026Q1', '2026Q2', '2026Q3', '2026Q4']
    >>> synthetic_fabs(fabs=2, nodes=2, steps=10, tool_types=6, periods=4, seed=1) == spec
    True
    """
    from fabnet.fab import load_fab
    from fabnet.fab._schema import quarter_index, quarter_label

    for name, value in (("fabs", fabs), ("nodes", nodes), ("steps", steps)):
        _check(name, value, 1)
    _check("tool_types", tool_types, 1)
    _check("periods", periods, 1, 300)
    _check("seed", seed, 0)
    rng = np.random.default_rng(seed)
    first = quarter_index(_FIRST_QUARTER)
    labels = [quarter_label(first + t) for t in range(periods)]
    profiles = _workstation_profiles(math.ceil(0.6 * tool_types))
    tools = _fab_tools(rng, profiles, tool_types, labels)

    cycle = rng.permutation(len(profiles))
    typical_min = np.array([rng.uniform(*p[1]) for p in profiles])
    names = [*_FAB_NODES, *(f"NODE-{i + 1}" for i in range(len(_FAB_NODES), nodes))]
    products = names[max(0, 5 - nodes) :][:nodes]  # N3, N2 for two; N7…A16 for six
    routes, route_minutes = [], []
    for product in products:
        route_steps, minutes = _fab_route(
            rng, tools, profiles, cycle=cycle, steps=steps, typical_min=typical_min
        )
        routes.append({"id": product, "steps": route_steps, "source": _FAB_SOURCE})
        route_minutes.append(minutes)

    position = np.linspace(0.0, 1.0, nodes) if nodes > 1 else np.ones(1)
    base = rng.uniform(2000.0, 6000.0, nodes) * (1.0 - 0.3 * position)
    growth = -0.03 + 0.13 * position + rng.uniform(-0.01, 0.01, nodes)
    wafers = np.round(
        base[:, None] * np.clip((1.0 + growth[:, None]) ** np.arange(periods), 0.25, 4.0)
    )

    allowed = rng.random((fabs, nodes)) < 0.75
    for p in range(nodes):
        while allowed[:, p].sum() < min(2, fabs):
            allowed[int(rng.choice(np.flatnonzero(~allowed[:, p]))), p] = True
    for f in np.flatnonzero(~allowed.any(axis=1)):
        allowed[f, int(rng.integers(nodes))] = True
    weight = rng.uniform(0.5, 1.5, (fabs, nodes)) * allowed
    split = weight / weight.sum(axis=0)
    load = np.zeros((fabs, len(profiles), periods))  # G1 minutes a week for that split
    for p, minutes in enumerate(route_minutes):
        for w, per_wafer in minutes:
            load[:, w, :] += split[:, p, None] * wafers[p] * per_wafer

    arguments = f"{fabs=}, {nodes=}, {steps=}, {tool_types=}, {periods=}, {seed=}"
    name = f"synthetic-f{fabs}-n{nodes}-s{steps}-k{tool_types}-t{periods}-seed{seed}"
    return load_fab(
        {
            "name": name[:64],
            "description": f"Synthetic (random figures, not data): synthetic_fabs({arguments})",
            "periods": {"first": labels[0], "last": labels[-1]},
            "tool_types": tools.types,
            "routes": routes,
            "fabs": _fab_rows(rng, tools, load, products, allowed),
            "demand": {
                "table": [
                    {"product": product, "period": label, "wafers_per_week": float(wafers[p, t])}
                    for p, product in enumerate(products)
                    for t, label in enumerate(labels)
                ]
            },
            "rules": {
                "transfer_usd_per_wafer": round(float(rng.uniform(20.0, 60.0))),
                "first_buy": tools.first_buy,
                "move_outs": True,
                "discount_rate": 0.08,
            },
        }
    )


TINY_TW_SITE = {
    "id": "tw-site",
    "name": "TW site",
    "country": "TW",
    "partners": ["maker"],
    "max_modules": 4,
    "lat": 24.0,
    "lon": 120.6,
}
TINY_JP_SITE = {
    "id": "jp-site",
    "name": "JP site",
    "country": "JP",
    "partners": ["maker"],
    "max_modules": 4,
    "lat": 32.9,
    "lon": 130.8,
}


def tiny_world(installed: dict[int, float], **policy: Any) -> dict[str, Any]:
    """A tiny planning world whose optimum can be worked out by hand, as a scenario mapping.

    One product (a 100 mm² N5 die, 1 H100e, no HBM, no package), no existing supply, one
    partner ``maker`` that runs N5 only, one TW site for 4 modules, one investor ``fund``,
    2025–2032, ramp-up in one step. A TW module: 20 kwspm, lead time ⌈(9.5 + 13)/12⌉ = 2
    years, capex 201 musd/kwspm × 20 × 1.0 = 4,020 musd spent over its two lead years
    (catalog figures). ``installed`` is the installed-compute path [H100e by year];
    ``policy`` entries override the defaults (no debt, no fixed opex, 1e6 USD per unserved
    H100e).

    >>> tiny_world({2025: 1.0, 2032: 1.0e8})["sites"][0]["max_modules"]
    4
    """
    base_policy: dict[str, Any] = {
        "ramp_profile": [1.0],
        "earliest_start_year": 2025,
        "max_debt_share": 0.0,
        "unserved_penalty_usd_per_h100e": 1.0e6,
        "fixed_opex_share": 0.0,
    }
    base_policy.update(policy)
    return copy.deepcopy(
        {
            "name": "tiny",
            "horizon": {"start_year": 2025, "end_year": 2032},
            "demand": {
                "installed": {"table": installed},
                "service_life_years": 20,
                "mix": {"CHIP": {2025: 1.0}},
            },
            "products": [
                {
                    "id": "CHIP",
                    "name": "Chip",
                    "vendor": "test",
                    "h100e_per_unit": 1.0,
                    "logic_die_count": 1,
                    "logic_die_area_mm2": 100.0,
                    "logic_node": "N5",
                }
            ],
            "supply": {"fabs": []},
            "sites": [TINY_TW_SITE],
            "partners": [
                {
                    "id": "maker",
                    "name": "Maker",
                    "country": "TW",
                    "resources": ["N5"],
                    "max_starts_per_year": 5,
                    "lead_time_factor": 1.0,
                }
            ],
            "investors": [
                {
                    "id": "fund",
                    "name": "Fund",
                    "type": "sovereign_fund",
                    "country": "US",
                    "commitment_musd": 1.0e6,
                    "annual_cap_musd": 1.0e5,
                    "countries": ["TW", "JP"],
                }
            ],
            "policy": base_policy,
            "solver": {"time_limit_s": 60, "mip_gap": 0.0, "threads": 1},
        }
    )


#: An existing fab for the tiny world: 10,000 wspm of N5 run by its partner ``maker`` in TW
#: (give it with ``supply: {fabs: [], add: [TINY_OLD_FAB], ai_share: {N5: 0.5}}``).
TINY_OLD_FAB: dict[str, Any] = {
    "id": "old-fab",
    "name": "Old fab",
    "operator": "maker",
    "site": "Hsinchu",
    "country": "TW",
    "resource": "N5",
    "status": "operating",
    "capacity_wspm": {2025: 10000},
    "lat": 24.8,
    "lon": 121.0,
}

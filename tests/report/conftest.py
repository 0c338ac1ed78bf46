"""The report tests' results: small hand-made ones in the real result classes, and real ones.

The hand-made results are the real classes (:class:`fabnet.outlook.GapResult`,
:class:`fabnet.planning.Plan`, :class:`fabnet.finance.Financials`,
:class:`fabnet.finance.Comparison`, :class:`fabnet.risk.RiskResult`,
:class:`fabnet.risk.StochasticPlan`) holding tables made by hand, small enough to count the traces
of every figure and to work out every number shown; a renamed or added field of a result breaks
them at once. The gap result (:func:`make_gap`):

* resources N7, N5, N3, N2, A16, HBM, COWOS (table); years 2024–2026;
* supply by (resource, region): N5 TW+US, N3 US+JP, HBM KR, COWOS TW — 6 areas;
* located fabs by resource: N5 (2), N3 (1: the US one has no coordinates), HBM (2), COWOS (1);
  statuses among them: operating, building, announced.

The plan (:func:`make_plan`) is around the same scenario and years; its contents are listed above
:data:`BUILDS`. Its financials (:func:`make_financials`) are the money of two of its projects and
the comparison (:func:`make_comparison`) four strategies compared; their contents are listed
above :data:`FLOWS` and :data:`STRATEGIES`. The plan's risk (:func:`make_risk`) and a
stochastic plan of four worlds (:func:`make_stochastic`) are listed above :data:`FAN` and
:data:`WORLDS`.

The real results (the ``tiny`` fixture) are those of a tiny world
(:func:`fabnet.examples.tiny_world`), solved once per test session.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from fabnet.finance import Comparison, Financials
from fabnet.finance.strategies import MEASURE_DTYPES
from fabnet.outlook import GapResult
from fabnet.planning import Plan, StochasticPlan
from fabnet.planning.binding import COLUMNS as LIMIT_COLUMNS
from fabnet.risk import RiskResult, Samples
from fabnet.scenario import Scenario, Uncertainty, load_scenario

YEARS = [2024, 2025, 2026]
RESOURCES = ["N7", "N5", "N3", "N2", "A16", "HBM", "COWOS"]
CATEGORY = dict.fromkeys(RESOURCES[:5], "logic") | {"HBM": "memory", "COWOS": "packaging"}

#: fab id, name, operator, country, region, resource, status, lat, lon, capacity by year, weight
FABS: list[tuple[str, str, str, str, str, str, str, float, float, list[float], float]] = [
    ("tw-n5", "Fab 18 Tainan", "tsmc", "TW", "TW", "N5", "operating", 23.1, 120.3,
     [100e3, 100e3, 100e3], 1.0),
    ("us-n5", "Fab 21 Phoenix", "tsmc", "US", "US", "N5", "building", 33.8, -112.2,
     [0.0, 10e3, 20e3], 0.9),
    ("us-n3", "Fab <b>X</b> & Co", "intel", "US", "US", "N3", "announced", math.nan, math.nan,
     [0.0, 0.0, 15e3], 0.5),
    ("jp-n3", "Kumamoto 2", "jasm", "JP", "JP", "N3", "building", 32.9, 130.8,
     [0.0, 5e3, 10e3], 0.8),
    ("kr-hbm", "Icheon M16", "sk-hynix", "KR", "KR", "HBM", "operating", 37.3, 127.4,
     [60e3, 70e3, 80e3], 1.0),
    ("kr-hbm2", "Cheongju M15X", "sk-hynix", "KR", "KR", "HBM", "announced", 36.6, 127.5,
     [0.0, 0.0, 20e3], 0.5),
    ("tw-cowos", "AP6 Zhunan", "tsmc", "TW", "TW", "COWOS", "operating", 24.7, 120.9,
     [15e3, 25e3, 35e3], 1.0),
]  # fmt: skip

#: Demand by resource per year [wspm]: N5 is short in 2026, HBM in 2025, COWOS in every year;
#: COWOS binds every year.
DEMAND = {
    "N7": [0.0, 0.0, 0.0],
    "N5": [5e3, 8e3, 70e3],
    "N3": [0.0, 1e3, 2e3],
    "N2": [0.0, 0.0, 0.0],
    "A16": [0.0, 0.0, 0.0],
    "HBM": [10e3, 80e3, 20e3],
    "COWOS": [20e3, 30e3, 40e3],
}
AI_SHARE = 0.5

#: Expected trace counts of the figures for this data.
SUPPLY_AREAS = 6
LOCATED_RESOURCES = 4
LOCATED_STATUSES = 3


def make_gap(scenario: Scenario) -> GapResult:
    """A small gap result around ``scenario``."""
    supply = pd.DataFrame(
        [
            (year, fab, name, op, country, region, res, status, lat, lon, cap[i], w, AI_SHARE,
             cap[i] * w * AI_SHARE)
            for fab, name, op, country, region, res, status, lat, lon, cap, w in FABS
            for i, year in enumerate(YEARS)
        ],
        columns=["year", "fab", "name", "operator", "country", "region", "resource", "status",
                 "lat", "lon", "capacity_wspm", "weight", "ai_share", "ai_capacity_wspm"],
    )  # fmt: skip
    available = supply.groupby(["year", "resource"])["ai_capacity_wspm"].sum()
    rows = []
    for i, year in enumerate(YEARS):
        for resource in RESOURCES:
            wanted = DEMAND[resource][i]
            have = float(available.get((year, resource), 0.0))
            coverage = have / wanted if wanted > 0 else math.nan
            rows.append((year, resource, CATEGORY[resource], wanted, have, wanted - have,
                         coverage))  # fmt: skip
    table = pd.DataFrame(
        rows,
        columns=["year", "resource", "category", "demand_wspm", "supply_wspm", "gap_wspm",
                 "coverage"],
    )  # fmt: skip
    covered = table.dropna(subset=["coverage"])
    tightest = covered.loc[covered.groupby("year")["coverage"].idxmin()].set_index("year")
    new = pd.Series([2e6, 5e6, 12e6], index=pd.Index(YEARS, name="year"))
    deliverable = new * tightest["coverage"].clip(upper=1.0)
    compute = pd.DataFrame(
        {
            "installed_h100e": [4e6, 9e6, 21e6],
            "retired_h100e": [0.0, 1e5, 2e5],
            "new_h100e": new,
            "deliverable_h100e": deliverable,
            "shortfall_h100e": new - deliverable,
            "binding": tightest["resource"],
        },
        index=pd.Index(YEARS, name="year"),
    )
    demand = pd.DataFrame(
        [
            (year, "B200", resource, "logic die", 1e5, 2e5, 40.0, 5e3, DEMAND[resource][i])
            for i, year in enumerate(YEARS)
            for resource in RESOURCES
        ],
        columns=["year", "product", "resource", "item", "units", "good_needed",
                 "good_per_wafer", "wafers_per_year", "wspm"],
    )  # fmt: skip
    euv = pd.DataFrame(
        [(2024, "N5", 1.25), (2025, "N5", 2.5), (2025, "N3", 0.4), (2026, "N3", 0.75)],
        columns=["year", "resource", "tools"],
    )
    assumptions = pd.DataFrame(
        [
            ("demand.installed.base_h100e", "4000000.0", "H100e", f"scenario {scenario.name}",
             "", "scenario"),
            ("fabs.tw-n5.capacity_wspm@2024", 100000, "wspm",
             "https://example.org/tsmc-fab18?year=2024&src=news.", "2024-03", "press"),
            ("resources.N5.wafer_cost_usd", 17000.0, "USD",
             "estimate: analysts (see https://example.com/n5-cost) <script>x</script>", "2020",
             "analyst"),
            ("yield.d0", 0.1, "1/cm²", "Hennessy & Patterson, 5th ed., p. 29", "", "official"),
        ],
        columns=["item", "value", "unit", "source", "date", "kind"],
    )  # fmt: skip
    return GapResult(
        scenario=scenario,
        years=list(YEARS),
        table=table,
        supply=supply,
        demand=demand,
        compute=compute,
        euv=euv,
        assumptions=assumptions,
        products=pd.DataFrame(
            {"vendor": ["NVIDIA"], "launch_year": [2022], "h100e_per_unit": [1.0]},
            index=pd.Index(["H100"], name="product"),
        ).assign(generated=False),
        mix=pd.DataFrame(
            {"share": [1.0] * len(YEARS)},
            index=pd.MultiIndex.from_product([["H100"], list(YEARS)], names=["product", "year"]),
        ),
    )


@pytest.fixture(scope="session")
def altman() -> Scenario:
    """The built-in scenario."""
    return load_scenario("altman-2024")


@pytest.fixture(scope="session")
def small_gap(altman: Scenario) -> GapResult:
    """The small gap result around the built-in scenario."""
    return make_gap(altman)


@pytest.fixture(scope="session")
def make_small_gap() -> Any:
    """:func:`make_gap`, for tests that need the small result around another scenario."""
    return make_gap


# ---------------------------------------------------------------------------------------------
# A small, hand-made plan around the same scenario and years.
#
# * builds (6 rows): N3 at tw-chiayi and us-az-phoenix (two partners), COWOS at tw-chiayi,
#   jp-kumamoto and at "xx-nowhere" (no coordinates, not a scenario site); regions EU, JP, TW,
#   US; us-az-phoenix/tsmc comes online only at the end of the horizon (no operating bar);
# * new capacity by (resource, region): COWOS TW+JP, N3 TW+US — 4 areas;
# * capex 2024–2025 (2026 is all zero); investors microsoft > openai > softbank.
# ---------------------------------------------------------------------------------------------

#: project, site, country, region, partner, resource, modules, start, online, capex, lat, lon
BUILDS: list[tuple[str, str, str, str, str, str, int, int, int, float, float, float]] = [
    ("tw-chiayi/tsmc/COWOS", "tw-chiayi", "TW", "TW", "tsmc", "COWOS", 2, 2024, 2025, 1800.0,
     23.46, 120.33),
    ("tw-chiayi/tsmc/N3", "tw-chiayi", "TW", "TW", "tsmc", "N3", 1, 2024, 2026, 5000.0,
     23.46, 120.33),
    ("us-az-phoenix/tsmc/N3", "us-az-phoenix", "US", "US", "tsmc", "N3", 3, 2024, 2027, 15000.0,
     33.78, -112.16),
    ("us-az-phoenix/consortium/N3", "us-az-phoenix", "US", "US", "consortium", "N3", 1, 2025,
     2026, 5000.0, 33.78, -112.16),
    ("jp-kumamoto/tsmc/COWOS", "jp-kumamoto", "JP", "JP", "tsmc", "COWOS", 1, 2025, 2026, 900.0,
     32.88, 130.83),
    ("xx-nowhere/acme/COWOS", "xx-nowhere", "XX", "EU", "acme", "COWOS", 1, 2025, 2026, 900.0,
     math.nan, math.nan),
]  # fmt: skip

#: year, resource, region, new capacity [wspm]
NEW_CAPACITY = [
    (2025, "COWOS", "TW", 10e3),
    (2026, "COWOS", "TW", 10e3),
    (2026, "COWOS", "JP", 5e3),
    (2026, "COWOS", "EU", 5e3),
    (2026, "N3", "TW", 2e3),
    (2026, "N3", "US", 1e3),
]

#: country, year, capex, grants, debt, investors [musd]
CAPEX = [
    ("TW", 2024, 3400.0, 400.0, 0.0, 3000.0),
    ("US", 2024, 7500.0, 1500.0, 1000.0, 5000.0),
    ("US", 2025, 12500.0, 2500.0, 3000.0, 7000.0),
    ("JP", 2025, 900.0, 300.0, 0.0, 600.0),
    ("TW", 2026, 0.0, 0.0, 0.0, 0.0),
]

#: year, investor, country, funding [musd]
FUNDING = [
    (2024, "openai", "TW", 3000.0),
    (2024, "microsoft", "US", 5000.0),
    (2025, "microsoft", "US", 7000.0),
    (2025, "softbank", "JP", 600.0),
]

#: The columns of a plan's acquisitions (none in this plan).
ACQUISITION_COLUMNS = ["target", "taken", "closing_year", "price_musd", "book_value_musd",
                       "block_probability", "break_fee_musd"]  # fmt: skip

#: Expected counts for this plan.
PLAN_RESOURCES = ["N3", "COWOS"]
NEW_AREAS = 5
MAPPED_SITES = {"N3": 2, "COWOS": 2}  # (resource, site) pairs with coordinates


def make_plan(scenario: Scenario) -> Plan:
    """A small plan around ``scenario``."""
    builds = pd.DataFrame(
        BUILDS,
        columns=["project", "site", "country", "region", "partner", "resource", "modules",
                 "start_year", "online_year", "capex_musd", "lat", "lon"],
    )  # fmt: skip
    capacity = pd.DataFrame(NEW_CAPACITY, columns=["year", "resource", "region", "new_wspm"])
    production = pd.DataFrame(
        [(resource, year, 1e3, 0.0) for resource in RESOURCES for year in YEARS],
        columns=["resource", "year", "existing_wspm", "new_wspm"],
    )
    accelerators = pd.DataFrame(
        [("B200", year, 1e5) for year in YEARS], columns=["product", "year", "units"]
    )
    compute = pd.DataFrame(
        {
            "year": YEARS,
            "wanted_h100e": [2e6, 5e6, 12e6],
            "delivered_h100e": [2e6, 4e6, 9e6],
            "unserved_h100e": [0.0, 1e6, 3e6],
            "shadow_price_usd_per_h100e": [1500.0, 25000.0, math.nan],
        }
    )
    capex = pd.DataFrame(
        CAPEX,
        columns=["country", "year", "capex_musd", "grants_musd", "debt_musd", "investors_musd"],
    )
    funding = pd.DataFrame(FUNDING, columns=["year", "investor", "country", "musd"])
    stats = {
        "status": "optimal",
        "objective": 123456.7,
        "bound": 123000.0,
        "gap": 0.0037,
        "variables": 1200,
        "constraints": 900,
        "integer_variables": 300,
        "projects": 12,
        "objective_sense": "min_cost",
        "build_seconds": 0.5,
        "solve_seconds": 1.5,
        "shadow_price_seconds": 0.25,
        "extract_seconds": 0.01,
    }
    return Plan(
        scenario=scenario,
        builds=builds,
        capacity=capacity,
        production=production,
        accelerators=accelerators,
        compute=compute,
        capex=capex,
        funding=funding,
        grants=pd.DataFrame(columns=["year", "programme", "country", "musd"]),
        reservations=pd.DataFrame(
            columns=["year", "partner", "resource", "reserved_wspm", "fee_musd"]
        ),
        acquisitions=pd.DataFrame(columns=ACQUISITION_COLUMNS),
        costs=pd.DataFrame(
            [("capex", 2025, 2000.0, 1900.0), ("unserved_penalty", 2026, 500.0, 450.0)],
            columns=["term", "year", "musd", "npv_musd"],
        ),
        limits=pd.DataFrame(
            [
                (
                    "Site-power",
                    "tw-site",
                    np.nan,
                    "MW",
                    600.0,
                    600.0,
                    0.0,
                    31.0,
                    True,
                    "site tw-site power: +1 MW would save 31.0 musd (NPV)",
                )
            ],
            columns=LIMIT_COLUMNS,
        ),
        stats=stats,
    )


@pytest.fixture(scope="session")
def small_plan(altman: Scenario) -> Plan:
    """The small plan around the built-in scenario."""
    return make_plan(altman)


# ---------------------------------------------------------------------------------------------
# The money of two of the plan's projects, 2024–2026 [musd, signed: + is money in].
#
# * tw-chiayi/tsmc/COWOS (TW) earns from 2025; us-az-phoenix/tsmc/N3 (US) comes online only in
#   2027, so it has no revenue within the horizon, only its terminal value;
# * undiscounted sums over both: capex −16,800, grants 3,300, tax credits 90, revenue 2,400,
#   opex −600, tax −150, terminal value 14,400 → project cash flow 2,640; debt drawn 3,400,
#   interest −400, principal −3,400 → equity cash flow 2,240;
# * equity called (capex − grants − debt): tw-chiayi 600 + 500, all from openai; us-az-phoenix
#   2,000 + 3,000 + 4,000, 25 % openai and 75 % microsoft: openai 1,100 / 1,250 / 1,000,
#   microsoft 1,500 / 2,250 / 3,000 per year;
# * investors: openai meets its hurdle, microsoft misses it, softbank is called on for nothing;
#   us-az-phoenix has no single IRR (the reason is in irr_note).
# ---------------------------------------------------------------------------------------------

#: Cash-flow components per (project, year) [musd], in the order of :data:`FLOW_COLUMNS`.
FLOW_COLUMNS = ["capex_musd", "grants_musd", "tax_credits_musd", "revenue_musd", "opex_musd",
                "depreciation_musd", "tax_musd", "terminal_value_musd", "debt_drawn_musd",
                "interest_musd", "principal_musd"]  # fmt: skip
FLOWS: dict[str, list[list[float]]] = {
    "tw-chiayi/tsmc/COWOS": [
        [-1200.0, 200.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 400.0, 0.0, 0.0],
        [-600.0, 100.0, 90.0, 800.0, -200.0, 300.0, 0.0, 0.0, 0.0, -30.0, -100.0],
        [0.0, 0.0, 0.0, 1600.0, -400.0, 300.0, -150.0, 900.0, 0.0, -20.0, -300.0],
    ],
    "us-az-phoenix/tsmc/N3": [
        [-5000.0, 1000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2000.0, 0.0, 0.0],
        [-5000.0, 1000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000.0, -140.0, 0.0],
        [-5000.0, 1000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 13500.0, 0.0, -210.0, -3000.0],
    ],
}

#: Equity share per (investor, project).
SHARES = [
    ("openai", "tw-chiayi/tsmc/COWOS", 1.0),
    ("openai", "us-az-phoenix/tsmc/N3", 0.25),
    ("microsoft", "us-az-phoenix/tsmc/N3", 0.75),
]

#: Per investor: called, returned, NPV at hurdle [musd], IRR, why none, MOIC, payback [years],
#: hurdle rate, hurdle met.
INVESTORS: list[tuple[str, float, float, float, float, Any, float, float, float, Any]] = [
    ("openai", 3350.0, 4790.4, 812.25, 0.183, "", 1.43, 2.6, 0.06, True),
    ("microsoft", 6750.0, 6900.0, -420.5, 0.012, "", 1.02, 2.9, 0.09, False),
    ("softbank", 0.0, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, 0.12,
     math.nan),
]  # fmt: skip

#: Per project: NPV [musd], IRR, why none, payback [years], equity NPV, IRR and MOIC.
PROJECT_RETURNS: dict[str, tuple[float, float, str, float, float, float, float]] = {
    "tw-chiayi/tsmc/COWOS": (905.5, 0.412, "", 1.8, 870.25, 0.55, 1.99),
    "us-az-phoenix/tsmc/N3": (-1250.75, math.nan, "several roots: 5%, 40%", math.nan, -1400.0,
                              math.nan, 1.13),
}  # fmt: skip

FINANCE_ASSUMPTIONS: dict[str, Any] = {
    "discount_rate": 0.08,
    "spend_profile": "even over the lead time",
    "equipment_share": 0.75,
    "equipment_life_years": 5,
    "building_life_years": 20,
    "tax": True,
    "debt": {"rate": 0.07, "tenor_years": 10, "grace_years": 2},
    "terminal_value": "salvage",
    "prices": "market",
}


def _cash_flows(flows: dict[str, list[list[float]]]) -> pd.DataFrame:
    """The long (project, year) table of :data:`FLOWS` with the three cash flows."""
    index = pd.MultiIndex.from_tuples(
        [(project, year) for project in flows for year in YEARS], names=["project", "year"]
    )
    table = pd.DataFrame(
        [row for rows in flows.values() for row in rows], index=index, columns=FLOW_COLUMNS
    )
    project = table[[c for c in FLOW_COLUMNS[:8] if c != "depreciation_musd"]].sum(axis=1)
    lender = -table[["debt_drawn_musd", "interest_musd", "principal_musd"]].sum(axis=1)
    return pd.concat(
        [
            pd.DataFrame({"capacity_wspm": 0.0, "wafers": 0.0}, index=index),
            table,
            pd.DataFrame(
                {
                    "project_cash_flow_musd": project,
                    "lender_cash_flow_musd": lender,
                    "equity_cash_flow_musd": project - lender,
                }
            ),
        ],
        axis=1,
    )


def make_financials(plan: Plan) -> Financials:
    """The money of two projects of ``plan`` (see above :data:`FLOWS`)."""
    cash_flows = _cash_flows(FLOWS)
    shares = pd.DataFrame(SHARES, columns=["investor", "project", "share"])
    # Equity called: the capex that grants and debt do not pay for.
    called = (
        -cash_flows["capex_musd"] - cash_flows["grants_musd"] - cash_flows["debt_drawn_musd"]
    ).clip(lower=0.0) + 0.0  # no −0
    paid_out = cash_flows["equity_cash_flow_musd"] + called
    rows = []
    for investor, project, share in SHARES:
        for year in YEARS:
            call = share * called[(project, year)]
            rows.append((investor, project, year, call, -call + share * paid_out[(project, year)]))
    investor_flows = pd.DataFrame(
        rows, columns=["investor", "project", "year", "call_musd", "cash_flow_musd"]
    )
    capital_calls = (
        investor_flows.groupby(["investor", "year"], sort=False)["call_musd"]
        .sum()
        .rename("capital_call_musd")
        .reset_index()
    )
    capital_calls = capital_calls[capital_calls["capital_call_musd"] > 0].reset_index(drop=True)
    info = (
        plan.builds.groupby("project")
        .agg(site=("site", "first"), country=("country", "first"), region=("region", "first"),
             partner=("partner", "first"), resource=("resource", "first"),
             modules=("modules", "sum"), capex_musd=("capex_musd", "sum"))
        .loc[list(FLOWS)]
    )  # fmt: skip
    sums = cash_flows.groupby(level="project").sum()
    returns = pd.DataFrame.from_dict(
        PROJECT_RETURNS,
        orient="index",
        columns=["npv_musd", "irr", "irr_note", "payback_years", "equity_npv_musd",
                 "equity_irr", "equity_moic"],
    )  # fmt: skip
    projects = info.assign(
        grants_musd=sums["grants_musd"],
        tax_credits_musd=sums["tax_credits_musd"],
        debt_musd=sums["debt_drawn_musd"],
        equity_musd=called.groupby(level="project").sum(),
        revenue_musd=sums["revenue_musd"],
    ).join(returns)
    projects.index.name = "project"
    investors = pd.DataFrame(
        INVESTORS,
        columns=["investor", "called_musd", "returned_musd", "npv_at_hurdle_musd", "irr",
                 "irr_note", "moic", "payback_years", "hurdle_rate", "hurdle_met"],
    ).set_index("investor")  # fmt: skip
    return Financials(
        plan=plan,
        cash_flows=cash_flows,
        investor_flows=investor_flows,
        shares=shares,
        capital_calls=capital_calls,
        projects=projects,
        investors=investors,
        assumptions=dict(FINANCE_ASSUMPTIONS),
    )


def make_empty_financials(plan: Plan) -> Financials:
    """The money of a plan that starts no module: no project, no flow, no call."""
    full = make_financials(plan)
    investors = full.investors.assign(
        called_musd=0.0, returned_musd=math.nan, npv_at_hurdle_musd=math.nan, irr=math.nan,
        irr_note=math.nan, moic=math.nan, payback_years=math.nan, hurdle_met=math.nan,
    )  # fmt: skip
    return Financials(
        plan=dataclasses.replace(plan, builds=plan.builds.iloc[0:0]),
        cash_flows=full.cash_flows.iloc[0:0],
        investor_flows=full.investor_flows.iloc[0:0],
        shares=full.shares.iloc[0:0],
        capital_calls=full.capital_calls.iloc[0:0],
        projects=full.projects.iloc[0:0][["site", "country", "region", "partner", "resource",
                                          "modules", "capex_musd"]],
        investors=investors,
        assumptions=dict(FINANCE_ASSUMPTIONS),
    )  # fmt: skip


@pytest.fixture(scope="session")
def small_financials(small_plan: Plan) -> Financials:
    """The money of two projects of the small plan."""
    return make_financials(small_plan)


@pytest.fixture(scope="session")
def empty_financials(small_plan: Plan) -> Financials:
    """The money of the small plan without its builds: nothing."""
    return make_empty_financials(small_plan)


# ---------------------------------------------------------------------------------------------
# Four strategies compared, 2024–2026: own-build (with the financials above), reservation,
# acquisition (of "chipco", 35 % likely to be blocked) and design-only (no new supply). The
# milestone is 2025 (``delivered_by_2025_h100e``); each strategy's delivered and unserved
# compute and peak capital are the sums and the maximum of :data:`STRATEGY_YEARS`.
# ---------------------------------------------------------------------------------------------

#: strategy: cost NPV, objective, delivered by 2025, delivered, unserved, first new supply,
#: peak capital, modules, reserved, acquired, block probability, status
STRATEGIES: dict[str, tuple[Any, ...]] = {
    "own-build": (12000.0, 15000.0, 6e6, 15e6, 4e6, 2025, 9000.0, 5, 0.0, "", 0.0, "optimal"),
    "reservation": (8000.0, 20000.0, 5e6, 9e6, 10e6, 2026, 300.0, 0, 1200.0, "", 0.0,
                    "optimal"),
    "acquisition": (9500.0, 18000.0, 5.5e6, 11e6, 8e6, 2025, 6000.0, 0, 0.0, "chipco", 0.35,
                    "optimal"),
    "design-only": (7000.0, 25000.0, 4.5e6, 7e6, 12e6, None, 0.0, 0, 0.0, "", 0.0,
                    "time_limit"),
}  # fmt: skip
STRATEGY_COLUMNS = ["npv_cost_musd", "npv_objective_musd", "delivered_by_2025_h100e",
                    "delivered_h100e", "unserved_h100e", "first_new_supply_year",
                    "peak_capital_musd", "modules", "reserved_wspm_years", "acquired",
                    "block_probability", "status"]  # fmt: skip

#: strategy: per year 2024–2026, delivered, unserved [H100e], new supply [wspm], capital need
#: [musd]
STRATEGY_YEARS: dict[str, list[tuple[float, float, float, float]]] = {
    "own-build": [(2e6, 0.0, 0.0, 9000.0), (4e6, 1e6, 10e3, 6000.0), (9e6, 3e6, 25e3, 1800.0)],
    "reservation": [(2e6, 0.0, 0.0, 0.0), (3e6, 2e6, 0.0, 300.0), (4e6, 8e6, 1200.0, 200.0)],
    "acquisition": [(2e6, 0.0, 0.0, 0.0), (3.5e6, 1.5e6, 5e3, 6000.0), (5.5e6, 6.5e6, 5e3, 0.0)],
    "design-only": [(2e6, 0.0, 0.0, 0.0), (2.5e6, 2.5e6, 0.0, 0.0), (2.5e6, 9.5e6, 0.0, 0.0)],
}


def make_comparison(financials: Financials) -> Comparison:
    """Four strategies; own-build's money is ``financials`` (see above :data:`STRATEGIES`)."""
    # Built as the real one is: one typed row of measures per strategy.
    table = pd.DataFrame(
        [dict(zip(STRATEGY_COLUMNS, row, strict=True)) for row in STRATEGIES.values()],
        index=pd.Index(list(STRATEGIES), name="strategy"),
    ).astype({k: v for k, v in MEASURE_DTYPES.items() if k in STRATEGY_COLUMNS})
    investors = pd.DataFrame(
        [
            {
                "investor": str(investor),
                "strategy": name,
                "irr": float(irr) if name == "own-build" else math.nan,
            }
            for name in STRATEGIES
            for investor, irr in financials.investors["irr"].items()
        ],
        columns=["investor", "strategy", "irr"],
    )
    by_year = pd.DataFrame(
        [
            (name, year, *values)
            for name, rows in STRATEGY_YEARS.items()
            for year, values in zip(YEARS, rows, strict=True)
        ],
        columns=["strategy", "year", "delivered_h100e", "unserved_h100e", "new_supply_wspm",
                 "capital_need_musd"],
    )  # fmt: skip
    return Comparison(
        scenario=financials.plan.scenario,
        plans=dict.fromkeys(STRATEGIES, financials.plan),
        financials={"own-build": financials},
        table=table,
        investors=investors,
        by_year=by_year,
    )


@pytest.fixture(scope="session")
def small_comparison(small_financials: Financials) -> Comparison:
    """Four strategies compared around the small plan and its money."""
    return make_comparison(small_financials)


# ---------------------------------------------------------------------------------------------
# The plan's risk, 2024–2026, across 200 samples (Latin hypercube, seed 7) of three inputs and one
# event; threshold 5 %, alpha 90 %.
#
# * percentiles 5/25/50/75/95 of delivered and unserved compute per year are in :data:`FAN`;
#   P(shortfall) 0 %, 25 %, 60 % with the intervals of :data:`SHORTFALL`;
# * measures: the NPV of cost, the unserved compute, and three investors (medians: microsoft
#   1,600 > openai 900 > softbank 0);
# * tornado (unsorted on purpose): demand-growth swings 30,000, delay-us 2,000 (its high value
#   lowers the cost), capex-overrun 5,000 around a base of 48,000 musd;
# * Sobol' (unsorted): totals demand-growth 0.85 > capex-overrun 0.1 > delay-us 0.02.
# ---------------------------------------------------------------------------------------------

RISK_SAMPLES = 200
RISK_INPUTS = ["demand-growth", "delay-us", "capex-overrun"]
PERCENTILES = (5, 25, 50, 75, 95)

#: Per series and year, the 5th, 25th, 50th, 75th and 95th percentiles [H100e].
FAN: dict[str, list[list[float]]] = {
    "delivered": [
        [1.6e6, 1.8e6, 2e6, 2e6, 2e6],
        [3e6, 3.5e6, 4e6, 4.4e6, 5e6],
        [6e6, 7.5e6, 8.5e6, 9.5e6, 11e6],
    ],
    "unserved": [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.5e6, 1e6, 1.5e6, 3e6],
        [0.5e6, 2e6, 3e6, 4.5e6, 8e6],
    ],
}

#: Per year: P(shortfall), its Wilson interval, expected unserved and wanted [H100e].
SHORTFALL: list[tuple[float, float, float, float, float]] = [
    (0.0, 0.0, 0.0188, 0.0, 2e6),
    (0.25, 0.1955, 0.3136, 1.2e6, 5.2e6),
    (0.6, 0.5308, 0.6654, 3.5e6, 12.5e6),
]

#: output: kind, mean, p5, p50, p95, var, cvar
MEASURES: dict[str, tuple[str, float, float, float, float, float, float]] = {
    "npv_objective_musd": ("cost", 52000.0, 30000.0, 48000.0, 85000.0, 80000.0, 95000.0),
    "unserved_h100e": ("cost", 4.7e6, 0.5e6, 4e6, 11e6, 9.5e6, 12.5e6),
    "npv_openai_musd": ("value", 800.0, -300.0, 900.0, 1700.0, -100.0, -450.0),
    "npv_microsoft_musd": ("value", 1500.0, 200.0, 1600.0, 2600.0, 400.0, 50.0),
    "npv_softbank_musd": ("value", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
}

#: input, low value, high value, output low, output high [musd], swing
TORNADO: list[tuple[str, float, float, float, float, float]] = [
    ("demand-growth", 0.8, 1.25, 40000.0, 70000.0, 30000.0),
    ("delay-us", 3.0, 24.0, 49000.0, 47000.0, 2000.0),
    ("capex-overrun", 0.9, 1.4, 47500.0, 52500.0, 5000.0),
]
TORNADO_BASE = 48000.0

#: input, first order, total
SOBOL: list[tuple[str, float, float]] = [
    ("demand-growth", 0.8, 0.85),
    ("delay-us", 0.01, 0.02),
    ("capex-overrun", -0.004, 0.1),
]


#: The declaration that :data:`RISK_INPUTS` and the event ``tw-quake`` were drawn from.
UNCERTAINTY = Uncertainty.model_validate(
    {
        "inputs": [
            {"id": "demand-growth", "target": "demand_growth", "distribution": "lognormal",
             "median": 1.0, "sigma": 0.2, "source": "test"},
            {"id": "delay-us", "target": "construction_delay_months", "applies_to": ["US"],
             "distribution": "triangular", "low": 0, "mode": 6, "high": 24, "source": "test"},
            {"id": "capex-overrun", "target": "capex_overrun", "distribution": "lognormal",
             "median": 1.1, "sigma": 0.2, "source": "test"},
            {"id": "tw-quake", "target": "disruption", "applies_to": ["TW"],
             "distribution": "bernoulli", "annual_probability": 0.02, "capacity_lost": 0.3,
             "duration_years": 1, "source": "test"},
        ]
    }
)  # fmt: skip


def make_samples(count: int) -> Samples:
    """``count`` samples of :data:`UNCERTAINTY` (evenly spread, no event), over the years."""
    draws = np.linspace(0.0, 1.0, count)
    return Samples(
        values=pd.DataFrame(dict.fromkeys(RISK_INPUTS, draws)).rename_axis("sample"),
        events={"tw-quake": np.zeros((count, len(YEARS)), dtype=bool)},
        uncertainty=UNCERTAINTY,
        method="lhs",
        seed=7,
        years=tuple(YEARS),
    )


def make_risk(plan: Plan) -> RiskResult:
    """The risk of ``plan`` (see above :data:`FAN`)."""
    by_year = pd.DataFrame(
        SHORTFALL,
        columns=["p_shortfall", "p_shortfall_low", "p_shortfall_high",
                 "expected_unserved_h100e", "expected_wanted_h100e"],
        index=pd.Index(YEARS, name="year"),
    )  # fmt: skip
    fan = pd.DataFrame(
        {
            f"{name}_h100e": [row[position] for row in rows for position in range(len(PERCENTILES))]
            for name, rows in FAN.items()
        },
        index=pd.MultiIndex.from_product(
            [YEARS, [q / 100 for q in PERCENTILES]], names=["year", "quantile"]
        ),
    )
    wide = pd.DataFrame.from_dict(
        MEASURES, orient="index", columns=["kind", "mean", "p5", "p50", "p95", "var", "cvar"]
    ).rename_axis("output")
    measures = wide[["kind", "mean", "var", "cvar"]]
    percentiles = wide[["p5", "p50", "p95"]].set_axis([0.05, 0.5, 0.95], axis=1)
    quantiles = percentiles.rename_axis(columns="quantile").stack().rename("value").to_frame()  # noqa: PD013
    tornado = pd.DataFrame(
        TORNADO,
        columns=["input", "low_value", "high_value", "output_low", "output_high", "swing"],
    )
    tornado.attrs["output_base"] = TORNADO_BASE
    sobol = pd.DataFrame(SOBOL, columns=["input", "first_order", "total"])
    return RiskResult(
        plan=plan,
        samples=make_samples(RISK_SAMPLES),
        dataset=xr.Dataset(),  # the samples' own results: the report does not read them
        threshold=0.05,
        alpha=0.9,
        by_year=by_year,
        measures=measures,
        tornado=tornado,
        fan=fan,
        quantiles=quantiles,
        sobol=sobol,
    )


@pytest.fixture(scope="session")
def small_risk(small_plan: Plan) -> RiskResult:
    """The risk of the small plan."""
    return make_risk(small_plan)


# ---------------------------------------------------------------------------------------------
# A stochastic plan of four worlds (0–3): first-stage starts at jp-kumamoto (2024) and tw-chiayi
# (2025); per world the costs of :data:`WORLDS`; RP 60,000, EEV 64,000, WS 55,000 musd, so
# VSS = 4,000 and EVPI = 5,000 musd.
# ---------------------------------------------------------------------------------------------

#: project, site, partner, resource, country, start year, modules
FIRST_STAGE: list[tuple[str, str, str, str, str, int, int]] = [
    ("tw-chiayi/tsmc/N3", "tw-chiayi", "tsmc", "N3", "TW", 2025, 2),
    ("jp-kumamoto/tsmc/COWOS", "jp-kumamoto", "tsmc", "COWOS", "JP", 2024, 1),
]

#: per world: cost, unserved [H100e], modules, EEV cost, WS cost [musd]
WORLDS: list[tuple[float, float, int, float, float]] = [
    (40000.0, 0.0, 3, 42000.0, 38000.0),
    (55000.0, 1e6, 4, 60000.0, 52000.0),
    (48000.0, 5e5, 3, 50000.0, 46000.0),
    (90000.0, 4e6, 5, 104000.0, 84000.0),
]


def make_stochastic(scenario: Scenario) -> StochasticPlan:
    """A stochastic plan of four worlds for ``scenario`` (see above :data:`WORLDS`)."""
    first_stage = pd.DataFrame(
        FIRST_STAGE,
        columns=["project", "site", "partner", "resource", "country", "start_year", "modules"],
    )
    by_scenario = pd.DataFrame(
        WORLDS,
        columns=["cost_musd", "unserved_h100e", "modules", "eev_cost_musd", "ws_cost_musd"],
        index=pd.Index(range(len(WORLDS)), name="scenario"),
    )
    builds = first_stage.assign(online_year=first_stage["start_year"] + 2, first_stage=True)
    return StochasticPlan(
        scenario=scenario,
        first_stage=first_stage,
        builds=pd.concat([builds.assign(scenario=world) for world in by_scenario.index]),
        by_scenario=by_scenario,
        expected_cost_musd=58250.0,
        cvar_musd=90000.0,
        rp=60000.0,
        eev=64000.0,
        ws=55000.0,
        samples=make_samples(len(WORLDS)),
        ev_plan=None,
        stats={
            "scenarios": len(WORLDS),
            "alpha": 0.9,
            "cvar_weight": 0.1,
            "notes": ["some solves stopped before proving optimality (time_limit)"],
        },
    )


@pytest.fixture(scope="session")
def small_stochastic(altman: Scenario) -> StochasticPlan:
    """A stochastic plan of four worlds around the built-in scenario."""
    return make_stochastic(altman)


# ---------------------------------------------------------------------------------------------
# Real results of a tiny world (fabnet.examples.tiny_world), 2025–2032: one product, an old fab
# of 10,000 wspm of N5 (half of it for AI), a TW and a JP site; new compute only in 2030, which
# one new module serves. Two uncertain inputs and a disruption event in TW. Solved once per
# session (a few seconds, mostly the strategies and the stochastic plan).
# ---------------------------------------------------------------------------------------------

#: Installed compute of the tiny world [H100e by year]: new compute only in 2030.
TINY_INSTALLED = {2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8}

#: Its uncertain inputs.
TINY_UNCERTAINTY: list[dict[str, Any]] = [
    {"id": "growth", "target": "demand_growth", "distribution": "lognormal", "median": 1.0,
     "sigma": 0.2},
    {"id": "overrun", "target": "capex_overrun", "distribution": "triangular", "low": 1.0,
     "mode": 1.1, "high": 1.5},
    {"id": "quake", "target": "disruption", "applies_to": ["TW"], "distribution": "bernoulli",
     "annual_probability": 0.1, "capacity_lost": 0.5, "duration_years": 1},
]  # fmt: skip


def tiny_scenario() -> Scenario:
    """The tiny world as a scenario."""
    from fabnet.examples import TINY_JP_SITE, TINY_OLD_FAB, tiny_world

    world = tiny_world(TINY_INSTALLED)
    world["description"] = "A tiny world: one chip, one old fab, two sites."
    world["supply"] = {"fabs": [], "add": [copy.deepcopy(TINY_OLD_FAB)], "ai_share": {"N5": 0.5}}
    world["sites"].append(copy.deepcopy(TINY_JP_SITE))
    world["uncertainty"] = {"inputs": [{"source": "test"} | x for x in TINY_UNCERTAINTY]}
    return load_scenario(world)


@pytest.fixture(scope="session")
def tiny() -> SimpleNamespace:
    """Every result of the tiny world: ``gap``, ``plan``, ``financials``, ``comparison`` (own-build,
    reservation, design-only), ``risk`` (64 samples, Sobol' indices) and ``stochastic`` (two
    worlds)."""
    import fabnet
    from fabnet.planning import stochastic_plan
    from fabnet.risk import analyse

    scenario = tiny_scenario()
    plan = fabnet.plan(scenario)
    return SimpleNamespace(
        scenario=scenario,
        gap=fabnet.gap(scenario),
        plan=plan,
        financials=fabnet.financials(plan),
        comparison=fabnet.compare(scenario, strategies=["own-build", "reservation", "design-only"]),
        risk=analyse(plan, samples=64, seed=1, sobol_samples=16),
        stochastic=stochastic_plan(scenario, scenarios=2, seed=1),
    )


@pytest.fixture(scope="session")
def tiny_reports(tiny: SimpleNamespace, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The report of each result of the tiny world (``gap``, ``plan``, ``financials``,
    ``comparison``, ``risk``), written by :func:`fabnet.report.write_report` and read back; the
    risk's with the stochastic plan."""
    import datetime as dt

    from fabnet.report import write_report

    folder = tmp_path_factory.mktemp("tiny-reports")
    day = dt.date(2026, 1, 2)
    paths = {
        "gap": write_report(tiny.gap, folder / "gap.html", generated=day),
        "plan": write_report(tiny.plan, folder / "plan.html", outlook=tiny.gap, generated=day),
        "financials": write_report(
            tiny.financials, folder / "money.html", outlook=tiny.gap, generated=day
        ),
        # Without an outlook: the report computes the gap of the scenario itself.
        "comparison": write_report(tiny.comparison, folder / "compare.html", generated=day),
        "risk": write_report(
            tiny.risk,
            folder / "risk.html",
            outlook=tiny.gap,
            stochastic=tiny.stochastic,
            generated=day,
        ),
    }
    return {kind: path.read_text(encoding="utf-8") for kind, path in paths.items()}

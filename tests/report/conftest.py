"""A small, hand-made gap result for the report tests.

:class:`FakeGap` has exactly the attributes of :class:`fabnet.outlook.GapResult` that the report
reads; its frames are small enough to count the traces of every figure by hand:

* resources N7, N5, N3, N2, A16, HBM, COWOS (table); years 2024–2026;
* supply by (resource, region): N5 TW+US, N3 US+JP, HBM KR, COWOS TW — 6 areas;
* located fabs by resource: N5 (2), N3 (1: the US one has no coordinates), HBM (2), COWOS (1);
  statuses among them: operating, building, announced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from fabnet.scenario import Scenario, load_scenario

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


@dataclass(frozen=True)
class FakeGap:
    """The attributes of :class:`fabnet.outlook.GapResult` the report reads."""

    scenario: Any
    years: list[int]
    table: pd.DataFrame = field(repr=False)
    supply: pd.DataFrame = field(repr=False)
    demand: pd.DataFrame = field(repr=False)
    compute: pd.DataFrame = field(repr=False)
    binding: pd.Series = field(repr=False)
    euv: pd.DataFrame = field(repr=False)
    assumptions: pd.DataFrame = field(repr=False)


def make_gap(scenario: Scenario | Any) -> FakeGap:
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
    return FakeGap(
        scenario=scenario,
        years=list(YEARS),
        table=table,
        supply=supply,
        demand=demand,
        compute=compute,
        binding=compute["binding"],
        euv=euv,
        assumptions=assumptions,
    )


@pytest.fixture(scope="session")
def altman() -> Scenario:
    """The built-in scenario."""
    return load_scenario("altman-2024")


@pytest.fixture(scope="session")
def fake_gap(altman: Scenario) -> FakeGap:
    """The small gap result around the built-in scenario."""
    return make_gap(altman)


@pytest.fixture(scope="session")
def make_fake_gap() -> Any:
    """:func:`make_gap`, for tests that need the small result around another scenario."""
    return make_gap

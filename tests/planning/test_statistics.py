"""``plan.statistics``: every figure against sums of the plan's own tables, by every key."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fabnet.examples import TINY_JP_SITE, TINY_OLD_FAB, tiny_world
from fabnet.exceptions import ParameterError
from fabnet.planning import Plan, plan
from fabnet.planning.statistics import KEYS, OPEX_TERMS, Statistics
from fabnet.units import wafers_per_year

#: Every (method, key) the accessor accepts.
PAIRS = [(method, key) for method, keys in KEYS.items() for key in keys]
#: Methods whose figure is money and may be discounted.
MONEY = ("capex", "funding", "grants", "debt", "opex", "costs")


@pytest.fixture(scope="module")
def small() -> Plan:
    """Two countries and regions (TW, JP), two investors, a JP grant programme, debt, an old
    fab bought from, fixed opex: every table of a plan has rows (it plans in about a second)."""
    world = tiny_world(
        {2025: 1.0e6, 2027: 1.0e6, 2029: 2.0e8, 2032: 4.0e8},
        regional_caps={"TW": 0.6},
        max_debt_share=0.2,
        fixed_opex_share=0.02,
    )
    world["sites"].append(copy.deepcopy(TINY_JP_SITE))
    world["supply"] = {"fabs": [], "add": [copy.deepcopy(TINY_OLD_FAB)], "ai_share": {"N5": 0.5}}
    world["investors"][0]["annual_cap_musd"] = 2000.0
    world["investors"].append(
        {
            "id": "bank",
            "name": "Bank",
            "type": "government",
            "country": "JP",
            "commitment_musd": 3000.0,
            "annual_cap_musd": 1000.0,
            "countries": ["JP"],
        }
    )
    world["subsidies"] = [
        {
            "id": "jp-chips",
            "name": "JP chips",
            "countries": ["JP"],
            "capex_share": 0.3,
            "cap_musd": 1500.0,
        }
    ]
    result = plan(world, threads=1)
    # What the tests below rely on.
    assert set(result.builds["country"]) == {"TW", "JP"}
    assert result.funding["investor"].nunique() == 2
    assert len(result.grants)
    assert result.capex["debt_musd"].sum() > 0
    return result


@pytest.fixture(scope="module")
def empty() -> Plan:
    """A plan that builds nothing: installed compute never grows."""
    result = plan(tiny_world({2025: 1.0, 2032: 1.0}), threads=1)
    assert result.builds.empty
    return result


def _by(frame: pd.DataFrame, keys: list[str], value: str) -> pd.Series:
    return frame.groupby(keys)[value].sum().astype(float)


def _same(got: pd.Series, want: pd.Series) -> None:
    """Equal sums (rows that are 0 on one side may be absent on the other)."""
    index = got.index.union(want.index)
    pd.testing.assert_series_equal(
        got.reindex(index, fill_value=0.0),
        want.reindex(index, fill_value=0.0).rename(got.name),
        check_names=False,
        rtol=1e-9,
        atol=1e-6,
    )
    assert list(got.index.names) == list(want.index.names)


def _regions(plan: Plan, frame: pd.DataFrame) -> pd.DataFrame:
    regions = dict(zip(plan.builds["country"], plan.builds["region"], strict=True))
    return frame.assign(region=frame["country"].map(regions))


# -- every method, every key ---------------------------------------------------------------


@pytest.mark.parametrize(("method", "key"), PAIRS)
def test_every_key_groups_the_total(small: Plan, method: str, key: str) -> None:
    figure = getattr(small.statistics, method)
    grouped = figure(key)
    assert isinstance(grouped, pd.Series)
    assert grouped.index.names == [key]
    assert grouped.index.is_monotonic_increasing
    assert grouped.dtype == np.float64
    if method == "capacity" and key != "year":
        # A stock: the total is the last year's, each year's when grouped by year.
        assert grouped.sum() == pytest.approx(figure())
    elif method != "capacity":
        assert grouped.sum() == pytest.approx(figure(), rel=1e-12, abs=1e-9)
    assert isinstance(figure(), float)


@pytest.mark.parametrize("method", list(KEYS))
def test_several_keys_give_a_named_multi_index(small: Plan, method: str) -> None:
    keys = list(KEYS[method][-2:]) if len(KEYS[method]) > 1 else list(KEYS[method])
    grouped = getattr(small.statistics, method)(keys)
    assert grouped.index.names == keys
    # (By the last key: for capacity, a stock, that is the year.)
    assert grouped.groupby(level=keys[-1]).sum().to_dict() == pytest.approx(
        getattr(small.statistics, method)(keys[-1]).to_dict()
    )


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("capex", "capex_musd"),
        ("funding", "funding_musd"),
        ("grants", "grants_musd"),
        ("debt", "debt_musd"),
        ("opex", "opex_musd"),
        ("costs", "cost_musd"),
        ("modules", "modules"),
        ("capacity", "capacity_wspm"),
        ("output", "output_wafers"),
        ("accelerators", "accelerators_units"),
        ("unserved", "unserved_h100e"),
        ("delivered", "delivered_h100e"),
    ],
)
def test_names_carry_the_unit(small: Plan, method: str, name: str) -> None:
    assert getattr(small.statistics, method)("year").name == name
    if method in MONEY:
        discounted = getattr(small.statistics, method)("year", discounted=True)
        assert discounted.name == name.replace("_musd", "_npv_musd")


# -- money -----------------------------------------------------------------------------------


def test_capex_is_the_builds_capex_spent_as_the_planner_spends_it(small: Plan) -> None:
    stats = small.statistics
    assert stats.capex() == pytest.approx(small.builds["capex_musd"].sum())
    for key in ("project", "site", "country", "region", "partner", "resource"):
        _same(stats.capex(key), _by(small.builds, [key], "capex_musd"))
    # By year and country it is the model's own capex table.
    _same(stats.capex(["country", "year"]), _by(small.capex, ["country", "year"], "capex_musd"))
    capex = small.costs[small.costs["term"] == "capex"]
    _same(stats.capex("year"), _by(capex, ["year"], "musd"))
    _same(stats.capex("year", discounted=True), _by(capex, ["year"], "npv_musd"))
    assert stats.capex(discounted=True) == pytest.approx(small.cost_npv()["capex"])
    assert stats.capex(discounted=True) < stats.capex()


def test_funding_grants_and_debt_are_their_tables(small: Plan) -> None:
    stats = small.statistics
    funding = _regions(small, small.funding)
    grants = _regions(small, small.grants)
    debt = _regions(small, small.capex)
    for key in ("investor", "country", "region", "year"):
        _same(stats.funding(key), _by(funding, [key], "musd"))
    for key in ("programme", "country", "region", "year"):
        _same(stats.grants(key), _by(grants, [key], "musd"))
    for key in ("country", "region", "year"):
        _same(stats.debt(key), _by(debt, [key], "debt_musd"))
    _same(stats.funding(["investor", "country"]), _by(funding, ["investor", "country"], "musd"))
    # Capex is funded by investors, grants and debt, every year in every country.
    for key in ("country", "year"):
        paid = stats.funding(key).add(stats.grants(key), fill_value=0.0)
        _same(paid.add(stats.debt(key), fill_value=0.0), stats.capex(key))
    assert stats.grants(discounted=True) == pytest.approx(-small.cost_npv()["grants"])


def test_funding_discounted_at_the_planners_rate(small: Plan) -> None:
    rate = small.scenario.policy.discount_rate
    first = small.scenario.years[0]
    funding = small.funding
    want = (funding["musd"] * (1.0 + rate) ** -(funding["year"] - first)).sum()
    assert small.statistics.funding(discounted=True) == pytest.approx(want)


def test_opex_and_costs_are_the_cost_terms(small: Plan) -> None:
    stats = small.statistics
    costs = small.costs
    opex = costs[costs["term"].isin(OPEX_TERMS)]
    _same(stats.opex(["term", "year"]), _by(opex, ["term", "year"], "musd"))
    _same(stats.opex("term", discounted=True), _by(opex, ["term"], "npv_musd"))
    assert set(stats.opex("term").index) <= set(OPEX_TERMS)
    assert stats.opex("term")["fixed_opex"] > 0
    _same(stats.costs(["term", "year"]), _by(costs, ["term", "year"], "musd"))
    npv = small.cost_npv()
    _same(
        stats.costs("term", discounted=True),
        pd.Series({t: npv[t] for t in stats.costs("term").index}).rename_axis("term"),
    )
    assert stats.costs(discounted=True) == pytest.approx(npv["objective"])
    assert stats.costs(discounted=True) == pytest.approx(small.objective, rel=1e-6)


# -- capacity, output, compute -------------------------------------------------------------


def test_capacity_is_the_capacity_table(small: Plan) -> None:
    stats = small.statistics
    table = small.capacity
    keys = ["resource", "region", "year"]
    _same(stats.capacity(keys), _by(table, keys, "new_wspm"))
    last = table[table["year"] == small.scenario.years[-1]]
    assert stats.capacity() == pytest.approx(last["new_wspm"].sum())
    _same(stats.capacity("region"), _by(last, ["region"], "new_wspm"))
    in_2030 = table[table["year"] == 2030]
    assert stats.capacity(year=2030) == pytest.approx(in_2030["new_wspm"].sum())


def test_capacity_by_project_adds_up_to_the_table(small: Plan) -> None:
    stats = small.statistics
    by_project = stats.capacity(["project", "year"]).rename("new_wspm").reset_index()
    projects = small.builds.drop_duplicates("project").set_index("project")
    by_project = by_project.join(projects[["resource", "region", "country"]], on="project")
    keys = ["resource", "region", "year"]
    _same(_by(by_project, keys, "new_wspm"), _by(small.capacity, keys, "new_wspm"))
    _same(stats.capacity(["country", "year"]), _by(by_project, ["country", "year"], "new_wspm"))
    # Nothing is online before the first module is.
    first = int(small.builds["online_year"].min())
    assert stats.capacity("year").index.min() == first


def test_output_is_the_production_table_in_wafers(small: Plan) -> None:
    stats = small.statistics
    production = small.production
    by_source = stats.output("source")
    for source, column in (
        ("existing", "existing_wspm"),
        ("new", "new_wspm"),
        ("reserved", "reserved_wspm"),
        ("acquired", "acquired_wspm"),
    ):
        assert by_source[source] == pytest.approx(wafers_per_year(production[column].sum()))
    assert by_source["existing"] > 0
    assert by_source["new"] > 0
    new = stats.output(["resource", "source", "year"]).xs("new", level="source")
    _same(new, _by(production, ["resource", "year"], "new_wspm") * 12.0)


def test_accelerators_and_compute_are_their_tables(small: Plan) -> None:
    stats = small.statistics
    _same(
        stats.accelerators(["product", "year"]),
        _by(small.accelerators, ["product", "year"], "units"),
    )
    _same(stats.unserved("year"), _by(small.compute, ["year"], "unserved_h100e"))
    _same(stats.delivered("year"), _by(small.compute, ["year"], "delivered_h100e"))
    wanted = small.compute["wanted_h100e"].sum()
    assert stats.delivered() + stats.unserved() == pytest.approx(wanted)


def test_modules_are_the_builds(small: Plan) -> None:
    stats = small.statistics
    assert stats.modules() == small.builds["modules"].sum()
    builds = small.builds.rename(columns={"start_year": "year"})
    for key in KEYS["modules"]:
        _same(stats.modules(key), _by(builds, [key], "modules"))


# -- bad input and a plan that builds nothing ----------------------------------------------


@pytest.mark.parametrize(
    ("method", "groupby"),
    [
        ("capacity", "investor"),
        ("capex", "investor"),
        ("unserved", "region"),
        ("funding", "partner"),
        ("capex", "planet"),
        ("capex", ["country", "country"]),
        ("capex", ["country", 5]),
        ("capex", 5),
        ("capex", ""),
    ],
)
def test_a_key_the_table_lacks_is_refused_with_the_keys_allowed(
    small: Plan, method: str, groupby: Any
) -> None:
    with pytest.raises(ParameterError) as caught:
        getattr(small.statistics, method)(groupby)
    error = caught.value
    assert error.parameter == "groupby"
    for key in KEYS[method]:
        assert repr(key) in error.allowed
    assert method in error.allowed


def test_capacity_year_is_checked(small: Plan) -> None:
    with pytest.raises(ParameterError, match=r"year: must be a year of the horizon"):
        small.statistics.capacity(year=2050)
    with pytest.raises(ParameterError, match=r"year: must be None when grouping by year"):
        small.statistics.capacity("year", year=2030)


@pytest.mark.parametrize("method", list(KEYS))
def test_a_plan_that_builds_nothing(empty: Plan, method: str) -> None:
    figure = getattr(empty.statistics, method)
    # Nothing built: no capex, funding, capacity; what is bought and made still sums.
    built = method in ("capex", "modules", "capacity", "funding", "grants", "debt")
    assert isinstance(figure(), float)
    if built:
        assert figure() == 0.0
    for key in KEYS[method]:
        grouped = figure(key)
        assert grouped.index.names == [key]
        if built:
            assert (grouped == 0.0).all()
        elif method != "capacity":
            assert grouped.sum() == pytest.approx(figure())
    several = figure(list(KEYS[method][:2]))
    assert list(several.index.names) == list(KEYS[method][:2])


def test_the_accessor(small: Plan) -> None:
    assert isinstance(small.statistics, Statistics)
    assert "capex" in repr(small.statistics)
    assert "'tiny'" in repr(small.statistics)

"""The planning model's pieces on tiny instances: the data it is built from, its blocks and
their names, the world dimension, the solve and the tables read off it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from fabnet.catalog import load_catalog
from fabnet.examples import TINY_JP_SITE, TINY_OLD_FAB, tiny_world
from fabnet.outlook import gap
from fabnet.planning import build_data, build_model, extract, solve
from fabnet.planning.data import PlanData, SupplyOptions
from fabnet.planning.supply_options import STRATEGIES
from fabnet.planning.worlds import one_world, stack_worlds
from fabnet.scenario import load_scenario

CATALOG = load_catalog()


def _data(world: dict[str, Any], options: SupplyOptions | None = None) -> PlanData:
    scenario = load_scenario(world, catalog=CATALOG)
    return build_data(scenario, CATALOG, gap(scenario, catalog=CATALOG), options)


@pytest.fixture(scope="module")
def two_sites() -> PlanData:
    """The tiny world with a TW and a JP site, an old fab, and demand from 2028."""
    world = tiny_world({2025: 1.0e6, 2027: 1.0e6, 2028: 3.0e8, 2032: 6.0e8})
    world["sites"].append(TINY_JP_SITE)
    world["supply"] = {"fabs": [], "add": [TINY_OLD_FAB], "ai_share": {"N5": 0.5}}
    return _data(world)


# ------------------------------------------------------------------------------ the data


def test_projects_carry_their_lead_time_and_capex(two_sites: PlanData) -> None:
    projects = two_sites.projects
    assert list(projects.index) == ["tw-site/maker/N5", "jp-site/maker/N5"]
    # Catalog regions: TW 9.5 + 13 months → 2 years; JP 9.5 + 12 → 2 years.
    assert projects["lead_years"].tolist() == [2, 2]
    assert projects["lead_months"].tolist() == [22.5, 21.5]
    # N5: 201 musd per kwspm × 20 kwspm × the region's capex factor (TW 1.0, JP 1.15).
    assert projects["capex_musd"].tolist() == pytest.approx([4020.0, 4623.0])
    assert projects["module_kwspm"].tolist() == [20.0, 20.0]


def test_existing_supply_and_demand_are_in_model_units(two_sites: PlanData) -> None:
    # The old fab: 10,000 wspm × an AI share of 0.5 = 5 kwspm of N5; its first year produces the
    # mean of the year-end capacities before and after (the outlook's convention): half.
    assert two_sites.existing.loc["N5"].tolist() == pytest.approx([2.5] + [5.0] * 7)
    # New compute in millions of H100e: 1e6 installed with a 20-year life retires 5 % a year.
    assert two_sites.new_compute.loc[2025] == pytest.approx(0.05)
    assert two_sites.new_compute.loc[2028] == pytest.approx(299.0 + 0.05)
    # Wafers per million 100 mm² dies a year, in kwspm: 1e6 / good dies per wafer / 12,000.
    need = float(two_sites.need.loc[("CHIP", "N5"), 2030])
    assert 0.1 < need < 0.2


def test_supply_option_inputs_only_when_a_strategy_opens_them(two_sites: PlanData) -> None:
    assert two_sites.option_data is None
    world = tiny_world({2025: 1.0e6, 2032: 6.0e7})
    world["supply"] = {"fabs": [], "add": [TINY_OLD_FAB], "ai_share": {"N5": 0.5}}
    opened = _data(world, STRATEGIES["reservation"])
    assert opened.option_data is not None
    assert list(opened.option_data.reservable.index) == [("maker", "N5")]


# ----------------------------------------------------------------------------- the model


def test_every_family_has_its_name_and_the_world_dimension(two_sites: PlanData) -> None:
    model, parts = build_model(two_sites)
    for name in (
        "Capacity-definition",
        "New-capacity",
        "Resource-balance",
        "Compute-balance",
        "Compute-wanted",
        "Mix-min",
        "Mix-max",
        "Capex-spend",
        "Capex-funding",
        "Site-modules",
        "Partner-starts",
    ):
        assert name in model.constraints, name
        assert "world" in model.constraints[name].labels.dims
    assert parts.build.labels.dims == ("world", "project", "year")
    assert parts.first_stage is None
    assert not parts.slacks


def test_a_start_exists_only_where_it_can_come_online(two_sites: PlanData) -> None:
    _, parts = build_model(two_sites)
    exists = (parts.build.labels != -1).sel(world=0)
    # Two lead years in a 2025-2032 horizon: starts up to 2030 come online by 2032.
    assert exists.sel(project="tw-site/maker/N5").to_series().tolist() == [True] * 6 + [False] * 2


def test_regional_caps_are_one_family_over_region(two_sites: PlanData) -> None:
    capped = _data(
        {
            **tiny_world({2025: 1.0e6, 2032: 6.0e7}, regional_caps={"TW": 0.5, "JP": 0.7}),
            "sites": [tiny_world({2025: 1.0})["sites"][0], TINY_JP_SITE],
        }
    )
    model, _ = build_model(capped)
    cap = model.constraints["Regional-cap"]
    assert sorted(cap.labels.indexes["region"]) == ["JP", "TW"]
    assert not [name for name in model.constraints if name.startswith("Regional-cap-")]


def test_elastic_mode_prices_a_slack_on_every_limit(two_sites: PlanData) -> None:
    model, parts = build_model(two_sites, elastic=True)
    assert {"Site-modules", "Partner-starts", "Investor-annual"} <= set(parts.slacks)
    for family, slack in parts.slacks.items():
        assert f"slack-{family}" in model.variables
        assert "world" in slack.labels.dims


def test_one_world_is_the_deterministic_model(two_sites: PlanData) -> None:
    alone, _ = build_model(two_sites)
    stacked, _ = build_model(one_world(two_sites))
    assert alone.matrices.A.shape == stacked.matrices.A.shape
    assert np.allclose(alone.matrices.c, stacked.matrices.c)


def test_several_worlds_share_their_first_stage(two_sites: PlanData) -> None:
    model, parts = build_model(stack_worlds(two_sites, [two_sites] * 3), first_stage_years=2)
    assert parts.build.labels.sizes["world"] == 3
    assert parts.first_stage is not None
    assert parts.first_years == (2025, 2026)
    assert "Non-anticipativity" in model.constraints
    assert "Scenario-cost" in model.constraints


# ------------------------------------------------------------------- solve and the result


def test_solve_reports_the_optimum_and_writes_values_back(two_sites: PlanData) -> None:
    model, parts = build_model(two_sites)
    info = solve(model, time_limit_s=30, mip_gap=0.0, threads=1)
    assert info.status == "optimal"
    assert info.has_solution
    assert info.gap == pytest.approx(0.0, abs=1e-9)
    assert info.integer_variables == int((parts.build.labels != -1).sum())
    assert float(parts.cost.solution.sum()) == pytest.approx(info.objective, rel=1e-9)
    # A MIP has no duals; its values are whole modules.
    assert np.isnan(model.constraints["Compute-balance"].dual).all()
    starts = parts.build.solution.fillna(0.0).to_numpy()
    assert np.allclose(starts, starts.round())


def test_an_lp_gets_its_duals(two_sites: PlanData) -> None:
    model, _ = build_model(two_sites, relax=True)
    info = solve(model, time_limit_s=30, threads=1)
    assert info.status == "optimal"
    assert info.integer_variables == 0
    assert not np.isnan(model.constraints["Compute-balance"].dual).all()


def test_progress_is_reported_while_a_mip_solves(two_sites: PlanData) -> None:
    seen: list[Any] = []
    model, _ = build_model(two_sites)
    solve(model, time_limit_s=30, mip_gap=0.0, threads=1, on_progress=seen.append)
    assert seen
    assert seen[-1].incumbent >= seen[-1].bound - 1e-6


def test_the_tables_agree_with_the_solution(two_sites: PlanData) -> None:
    model, parts = build_model(two_sites)
    info = solve(model, time_limit_s=30, mip_gap=0.0, threads=1)
    plan = extract(parts, {"status": info.status, "objective": info.objective})
    modules = int(parts.build.solution.fillna(0.0).sum())
    assert int(plan.builds["modules"].sum()) == modules
    assert (plan.builds["online_year"] - plan.builds["start_year"] == 2).all()
    # Capex spent per year equals the builds' capex, spread over their two lead years.
    assert plan.builds["modules"].sum() > 0
    assert plan.capex["capex_musd"].sum() == pytest.approx(plan.builds["capex_musd"].sum())
    # New-fab output never exceeds new capacity; compute delivered + unserved = wanted.
    produced = plan.production.groupby("year")["new_wspm"].sum()
    capacity = plan.capacity.groupby("year")["new_wspm"].sum().reindex(produced.index, fill_value=0)
    assert (produced <= capacity + 1e-6).all()
    compute = plan.compute
    assert np.allclose(
        compute["delivered_h100e"] + compute["unserved_h100e"], compute["wanted_h100e"]
    )

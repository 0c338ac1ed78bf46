"""Worlds at the edge of the planner's domain: nothing wanted, nothing buildable, a module that
would only pay through its grant and its residual value, and inputs outside the numerically sound
range. Each is one tiny LP/MIP (a second or less)."""

from __future__ import annotations

from typing import Any

import linopy
import pandas as pd
import pytest

from fabnet.examples import tiny_world
from fabnet.exceptions import InfeasiblePlanError, ParameterError, ScenarioError, SolverError
from fabnet.planning import plan
from fabnet.planning.blocks import constrain
from fabnet.planning.solve import SolveInfo
from fabnet.scenario import load_scenario

#: A programme paying half of a TW module's capex: with the value held at the end credited on
#: the gross capex, a module started late paid for itself (grant + credit > its cost).
HALF_GRANT: dict[str, Any] = {
    "id": "tw-half",
    "name": "Half of the capex",
    "countries": ["TW"],
    "capex_share": 0.5,
    "cap_musd": 1.0e5,
}


def _world(installed: dict[int, float], **policy: Any) -> dict[str, Any]:
    world = tiny_world(installed, **policy)
    world["subsidies"] = [HALF_GRANT]
    return world


def _modules(world: dict[str, Any]) -> int:
    return int(plan(world, threads=1, shadow_prices=False).builds["modules"].sum())


def test_zero_demand_is_an_empty_plan() -> None:
    result = plan(_world({2025: 0.0, 2032: 0.0}), threads=1)
    assert result.builds.empty
    assert list(result.builds.columns)  # the tables keep their columns
    assert result.compute["wanted_h100e"].eq(0.0).all()
    assert result.compute["unserved_h100e"].eq(0.0).all()
    assert result.objective == pytest.approx(0.0, abs=1e-9)
    assert not result.compute.select_dtypes("number").isna().any().any()


def _no_sites(world: dict[str, Any]) -> None:
    world["sites"] = []


def _no_partners(world: dict[str, Any]) -> None:
    world["partners"] = []
    world["sites"][0]["partners"] = []


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (_no_sites, "the scenario has no sites"),
        pytest.param(_no_partners, "the scenario has no partners", marks=pytest.mark.slow),
    ],
    ids=["no-sites", "no-partners"],
)
def test_nothing_buildable_leaves_demand_unserved_and_says_why(change: Any, why: str) -> None:
    world = _world({2025: 1.0e6, 2032: 1.0e8})
    change(world)
    result = plan(world, threads=1)
    assert result.builds.empty
    wanted = result.compute["wanted_h100e"]
    assert result.compute["unserved_h100e"].to_numpy() == pytest.approx(wanted.to_numpy())
    assert result.limits is not None
    row = result.limits[result.limits["family"] == "Candidate-projects"]
    assert len(row) == 1
    assert why in row["message"].iloc[0]


@pytest.mark.parametrize(
    ("installed", "policy"),
    [
        pytest.param({2025: 1.0, 2032: 1.0}, {}, marks=pytest.mark.slow),  # almost no demand
        pytest.param(
            {2025: 1.0e6, 2032: 1.0e8},
            {"unserved_penalty_usd_per_h100e": 0.0},
            marks=pytest.mark.slow,
        ),
        ({2025: 1.0e6, 2032: 1.0e8}, {"ramp_profile": [0.0] * 8}),  # never produces
    ],
    ids=["tiny-demand", "zero-penalty", "zero-ramp"],
)
def test_a_module_nobody_needs_is_not_built(
    installed: dict[int, float], policy: dict[str, Any]
) -> None:
    assert _modules(_world(installed, **policy)) == 0


@pytest.mark.slow
def test_a_needed_module_is_still_built() -> None:
    assert _modules(_world({2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8})) >= 1


def test_a_penalty_beyond_the_sound_range_is_refused() -> None:
    # validate refuses it with its line; a scenario changed in Python after it was validated is
    # refused by the planner's data.
    world = _world({2025: 1.0, 2032: 1.0}, unserved_penalty_usd_per_h100e=1.0e9)
    with pytest.raises(ScenarioError, match=r"unserved_penalty_usd_per_h100e: must be less"):
        load_scenario(world)
    scenario = load_scenario(_world({2025: 1.0, 2032: 1.0}))
    policy = scenario.policy.model_copy(update={"unserved_penalty_usd_per_h100e": 1.0e9})
    with pytest.raises(ParameterError, match=r"at most 1e\+06 USD per H100e"):
        plan(scenario.model_copy(update={"policy": policy}), threads=1)


def test_an_infeasible_status_with_unserved_allowed_is_a_solver_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nothing built and all demand unserved satisfies every limit: "infeasible" can only be a
    # numerical failure of the solver, never a finding about the scenario.
    def broken(model: linopy.Model, **_: Any) -> SolveInfo:
        return SolveInfo("infeasible", None, None, None, 0.0, 1, 1, 0)

    monkeypatch.setattr("fabnet.planning.planner.solve", broken)
    with pytest.raises(SolverError, match="numerically") as caught:
        plan(_world({2025: 1.0, 2032: 1.0}), threads=1)
    assert caught.value.status == "infeasible"
    assert "1e+12 H100e" in str(caught.value)


def test_a_constant_constraint_is_checked_not_added() -> None:
    m = linopy.Model()
    x = m.add_variables(lower=0, coords=[pd.Index([0, 1], name="i")], name="x")
    constrain(m, x.sum(), ">=", 1.0, "Real")
    assert "Real" in m.constraints
    constant = x.sel(i=[]).sum()  # a sum over nothing: the constant 0
    assert constant.is_constant
    constrain(m, constant, "<=", 5.0, "Holds")
    assert "Holds" not in m.constraints
    with pytest.raises(InfeasiblePlanError, match="Fails: nothing the plan decides enters it"):
        constrain(m, constant, ">=", 5.0, "Fails")


def test_max_compute_with_nothing_wanted_plans_nothing() -> None:
    # The objective would be empty (no product is wanted): the plan is empty, its objective 0.
    world = _world({2025: 0.0, 2032: 0.0}, objective="max_compute", budget_musd=1000.0)
    result = plan(world, threads=1)
    assert result.builds.empty
    assert result.objective == 0.0

"""The tool plan on fab files small enough to plan by hand (see conftest: one tool of a type with
a raw process time of r minutes per wafer makes 10,000 / r wafers a week), and on the built-in
example."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import fabnet
from fabnet.exceptions import InfeasiblePlanError, SolverError
from fabnet.fab import fab_data, load_fab
from fabnet.fab.data import tools_needed
from fabnet.fab.diagnose import Finding
from fabnet.fab.toolmodel import build_tool_model
from fabnet.fab.toolplan import TABLES, ToolPlan, current_tools_check, tool_plan

Q = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")


def bought(plan: ToolPlan, tool_type: str, **where: str) -> float:
    rows = plan.tools[plan.tools["tool_type"] == tool_type]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return float(rows["bought"].sum())


def cost(plan: ToolPlan, scenario: str | None = None) -> float:
    rows = plan.costs if scenario is None else plan.costs[plan.costs["scenario"] == scenario]
    return float(rows["npv_musd"].sum())


# -- the floor runs out ------------------------------------------------------------------------


@pytest.fixture
def growing(fab_file: Any) -> dict[str, Any]:
    """One fab of 1,500 m², a route of two steps: W on T (100 min: 100 wafers a week per tool,
    100 m²) then V on U (50 min: 200 wafers a week, 50 m²); 8 T and 4 U at the start, no
    move-outs; demand 800, 1,000, 1,150, 1,250 wafers a week."""
    return fab_file(
        [
            {"id": "T", "workstation": "W", "capex_musd": 1, "footprint_m2": 100},
            {"id": "U", "workstation": "V", "capex_musd": 1, "footprint_m2": 50},
        ],
        {"P": [("W", {"T": 100}), ("V", {"U": 50})]},
        [{"id": "fab-a", "floor_m2": 1500, "tools": {"T": 8, "U": 4}}],
        dict(zip([("P", q) for q in Q], [800, 1000, 1150, 1250], strict=True)),
        last=Q[-1],
        rules={"move_outs": False},
    )


@pytest.mark.parametrize("relax", [False, True])
def test_demand_past_the_floor_names_the_first_period_that_fails(
    growing: dict[str, Any], relax: bool
) -> None:
    # Whole tools needed (T, U) and their floor: 2026Q1 (8, 4) 1,000 m²; Q2 (10, 5) 1,250 m²;
    # Q3 1,150 / 100 = 11.5 → 12 T and 1,150 / 200 = 5.75 → 6 U: 1,200 + 300 = 1,500 m², just
    # fits; Q4 12.5 → 13 T and 6.25 → 7 U: 1,300 + 350 = 1,650 m² > 1,500: the first to fail.
    # W in Q4: needs 12.5 tools' worth, and the floor U's 7 tools leave (1,500 − 350) / 100 =
    # 11.5 holds 11 T (short 1.5 × 100 = 150 m²; V would be short (6.25 − 200/50 = 4) × 50 =
    # 112.5 m²: W is named). Relaxed (fractional tools): Q4 takes 1,250 + 312.5 = 1,562.5 m²,
    # Q3 1,437.5 fits; U's 6.25 tools leave (1,500 − 312.5) / 100 = 11.875: 11 T.
    with pytest.raises(InfeasiblePlanError) as caught:
        tool_plan(load_fab(growing), relax=relax)
    assert caught.value.exit_code == 3
    (finding,) = caught.value.findings
    assert isinstance(finding, Finding)
    assert (finding.period, finding.fab, finding.workstation) == ("2026Q4", "fab-a", "W")
    assert finding.needed == pytest.approx(12.5)
    assert finding.allowed == 11
    assert str(finding) == (
        "2026Q4: workstation W in fab-a needs 12.5 tools' worth of time but floor space allows 11"
    )


def test_current_tools_check(growing: dict[str, Any]) -> None:
    # 8 T make 800 wafers a week and 4 U 800: α = 800 / demand = 1, 0.8, 0.696, 0.64.
    check = current_tools_check(fab_data(load_fab(growing)))
    assert list(check.columns) == [
        "scenario", "period", "max_share", "meets_demand", "products_short"
    ]  # fmt: skip
    assert list(check["period"]) == list(Q)
    np.testing.assert_allclose(check["max_share"], [1.0, 0.8, 800 / 1150, 0.64], rtol=1e-7)
    assert list(check["meets_demand"]) == [True, False, False, False]
    # One product: alone it is as short as all together (70 % of 1,150 rounds to 70 %).
    assert list(check["products_short"]) == ["", "P 80%", "P 70%", "P 64%"]


def test_demand_no_tool_can_serve_before_it_may_be_bought(fab_file: Any) -> None:
    # N2's one step runs only on D, which may be bought from 2026Q3 and no fab has: the 460
    # wafers a week of 2026Q2 cannot be made (2026Q1 wants none).
    spec = fab_file(
        [{"id": "D", "workstation": "LITHO", "capex_musd": 1, "footprint_m2": 10}],
        {"N2": [("LITHO", {"D": 10})]},
        [{"id": "fab-a", "floor_m2": 1500}],
        {("N2", "2026Q1"): 0, ("N2", "2026Q2"): 460, ("N2", "2026Q3"): 460},
        last="2026Q3",
        rules={"first_buy": {"D": "2026Q3"}},
    )
    with pytest.raises(InfeasiblePlanError) as caught:
        tool_plan(load_fab(spec))
    (finding,) = caught.value.findings
    assert (finding.kind, finding.period, finding.product, finding.step) == (
        "demand",
        "2026Q2",
        "N2",
        1,
    )
    assert (finding.needed, finding.allowed) == (pytest.approx(460), pytest.approx(0))
    assert str(finding) == (
        "2026Q2: N2 needs 460 wafers a week but no fab that may run it can have a tool able to"
        " run step 1 (N2-1, LITHO) before 2026Q3"
    )


# -- transfers against tools ---------------------------------------------------------------------


def two_fabs(fab_file: Any, usd_per_wafer: float) -> ToolPlan:
    """Step 1 on A (W1) only in fab-a, step 2 on B (W2) only in fab-b: 100 wafers a week, one
    tool each (100 min: 100 wafers a week per tool); a new B costs 1 musd, a new A 2."""
    spec = fab_file(
        [
            {"id": "A", "workstation": "W1", "capex_musd": 2, "footprint_m2": 10},
            {"id": "B", "workstation": "W2", "capex_musd": 1, "footprint_m2": 10},
        ],
        {"P": [("W1", {"A": 100}), ("W2", {"B": 100})]},
        [
            {"id": "fab-a", "floor_m2": 100, "tools": {"A": 1}},
            {"id": "fab-b", "floor_m2": 100, "tools": {"B": 1}},
        ],
        {("P", "2026Q1"): 100},
        rules={"transfer_usd_per_wafer": usd_per_wafer},
    )
    return tool_plan(load_fab(spec))


def test_a_transfer_cheaper_than_a_tool_moves_the_wafers(fab_file: Any) -> None:
    # 100 wafers a week × 13 weeks × 40 USD = 52,000 USD = 0.052 musd < 1 musd for a B.
    plan = two_fabs(fab_file, 40.0)
    assert plan.tools["bought"].sum() == 0
    assert plan.transfers[["product", "step", "period"]].to_dict("records") == [
        {"product": "P", "step": 1, "period": "2026Q1"}
    ]
    assert plan.transfers["wafers_per_week"].iloc[0] == pytest.approx(100)
    assert plan.transfers["cost_musd"].iloc[0] == pytest.approx(0.052)
    assert cost(plan) == pytest.approx(0.052)
    where = plan.split.set_index("step")["fab"].to_dict()
    assert where == {1: "fab-a", 2: "fab-b"}


def test_a_tool_cheaper_than_transfers_is_bought(fab_file: Any) -> None:
    # 100 × 13 × 1,000 USD = 1.3 musd > 1 musd for a B in fab-a (an A in fab-b costs 2).
    plan = two_fabs(fab_file, 1000.0)
    assert bought(plan, "B", fab="fab-a") == 1
    assert plan.tools["bought"].sum() == 1
    assert plan.transfers.empty
    assert cost(plan) == pytest.approx(1.0)


# -- a newer generation ------------------------------------------------------------------------


def generations(fab_file: Any, g2_musd: float, floor_m2: float) -> ToolPlan:
    """One step on W: G1 takes 100 min (100 wafers a week) at 10 musd, G2 50 min (200) at
    ``g2_musd``, both 10 m²; 400 wafers a week, nothing installed."""
    spec = fab_file(
        [
            {"id": "G1", "workstation": "W", "capex_musd": 10, "footprint_m2": 10},
            {
                "id": "G2",
                "workstation": "W",
                "generation": 2,
                "capex_musd": g2_musd,
                "footprint_m2": 10,
            },
        ],
        {"P": [("W", {"G1": 100, "G2": 50})]},
        [{"id": "fab-a", "floor_m2": floor_m2}],
        {("P", "2026Q1"): 400},
    )
    return tool_plan(load_fab(spec))


def test_newer_generation_bought_when_cheaper_per_capacity(fab_file: Any) -> None:
    # 2 G2 at 15 = 30 musd < 4 G1 at 10 = 40.
    plan = generations(fab_file, 15, 1000)
    assert (bought(plan, "G1"), bought(plan, "G2")) == (0, 2)
    assert cost(plan) == pytest.approx(30)


def test_newer_generation_not_bought_when_dearer(fab_file: Any) -> None:
    # 2 G2 at 25 = 50 musd > 4 G1 = 40; 1 G2 + 2 G1 = 45 > 40 too.
    plan = generations(fab_file, 25, 1000)
    assert (bought(plan, "G1"), bought(plan, "G2")) == (4, 0)
    assert cost(plan) == pytest.approx(40)


def test_newer_generation_bought_when_the_floor_binds(fab_file: Any) -> None:
    # 30 m² holds 3 tools: 4 G1 do not fit; 1 G2 + 2 G1 (200 + 200 wafers) = 45 musd beats
    # 2 G2 = 50.
    plan = generations(fab_file, 25, 30)
    assert (bought(plan, "G1"), bought(plan, "G2")) == (2, 1)
    assert cost(plan) == pytest.approx(45)
    assert plan.floor["used_m2"].max() == pytest.approx(30)


def test_solver_controls_reach_highs(fab_file: Any, tmp_path: Path) -> None:
    # The floor-bound case again: progress reported, HiGHS's log kept, its settings taken.
    spec = fab_file(
        [
            {"id": "G1", "workstation": "W", "capex_musd": 10, "footprint_m2": 10},
            {"id": "G2", "workstation": "W", "capex_musd": 25, "footprint_m2": 10},
        ],
        {"P": [("W", {"G1": 100, "G2": 50})]},
        [{"id": "fab-a", "floor_m2": 30}],
        {("P", "2026Q1"): 400},
    )
    seen: list[Any] = []
    log = tmp_path / "highs.log"
    plan = tool_plan(
        load_fab(spec),
        on_progress=seen.append,
        solver_log=log,
        threads=1,
        random_seed=7,
        solver_options={"presolve": "off"},
    )
    assert plan.stats["objective"] == pytest.approx(45)
    assert seen
    assert seen[-1].incumbent == pytest.approx(45)
    assert "MIP has" in log.read_text(encoding="utf-8")


# -- move-outs -----------------------------------------------------------------------------------


def crowded(fab_file: Any, floor_m2: float) -> ToolPlan:
    """3 G1 installed (100 wafers a week each, no longer buyable, 1 musd to move out), G2 makes
    200 at 10 musd; every tool 10 m²; 300 then 500 wafers a week."""
    spec = fab_file(
        [
            {
                "id": "G1",
                "workstation": "W",
                "capex_musd": 10,
                "footprint_m2": 10,
                "buyable": False,
                "move_out_musd": 1,
            },
            {
                "id": "G2",
                "workstation": "W",
                "generation": 2,
                "capex_musd": 10,
                "footprint_m2": 10,
                "move_out_musd": 1,
            },
        ],
        {"P": [("W", {"G1": 100, "G2": 50})]},
        [{"id": "fab-a", "floor_m2": floor_m2, "tools": {"G1": 3}}],
        {("P", "2026Q1"): 300, ("P", "2026Q2"): 500},
        last="2026Q2",
    )
    return tool_plan(load_fab(spec))


def test_an_old_tool_is_moved_out_to_make_floor_for_a_new_one(fab_file: Any) -> None:
    # 30 m²: three tools. 500 wafers a week in 2026Q2 from k G1 and g G2 with k + g ≤ 3:
    # k = 1, g = 2 (100 + 400): 2 move-outs + 2 G2 = 2 + 20 = 22 musd; k = 0, g = 3: 33.
    plan = crowded(fab_file, 30)
    rows = plan.tools.set_index(["tool_type", "period"])
    assert rows.loc[("G1", "2026Q2"), "moved_out"] == 2
    assert rows.loc[("G1", "2026Q2"), "installed"] == 1
    assert rows.loc[("G2", "2026Q2"), "bought"] == 2
    assert plan.tools["moved_out"].sum() == 2
    assert cost(plan) == pytest.approx(22)


def test_no_move_out_where_the_floor_has_room(fab_file: Any) -> None:
    # 50 m²: one G2 beside the three G1 (300 + 200 = 500) for 10 musd.
    plan = crowded(fab_file, 50)
    assert plan.tools["moved_out"].sum() == 0
    assert bought(plan, "G2") == 1
    assert cost(plan) == pytest.approx(10)


# -- two stages ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hedge(fab_file: Any) -> ToolPlan:
    """20 m² of floor; G1 (20 m², 10 musd) or G2 (10 m², 14 musd), both 100 wafers a week,
    5 musd to move one out; 100 wafers a week in 2026Q1, then 50 (low) or 150 (high), even odds;
    the buys of 2026Q1 are shared."""
    spec = fab_file(
        [
            {"id": "G1", "workstation": "W", "capex_musd": 10, "footprint_m2": 20},
            {"id": "G2", "workstation": "W", "capex_musd": 14, "footprint_m2": 10},
        ],
        {"P": [("W", {"G1": 100, "G2": 100})]},
        [{"id": "fab-a", "floor_m2": 20}],
        {
            ("low", "P", "2026Q1"): 100,
            ("high", "P", "2026Q1"): 100,
            ("low", "P", "2026Q2"): 50,
            ("high", "P", "2026Q2"): 150,
        },
        last="2026Q2",
        rules={"first_stage_periods": 1, "move_outs": True},
        scenarios={"low": 0.5, "high": 0.5},
    )
    spec["tool_types"][0]["move_out_musd"] = spec["tool_types"][1]["move_out_musd"] = 5
    return tool_plan(load_fab(spec))


def test_two_stage_plan_hedges(hedge: ToolPlan) -> None:
    # First G1: low 10, high 10 + 5 (move it out) + 2 × 14 = 43: expected 26.5. First G2: low
    # 14, high 14 + 14 = 28: expected 21, the plan. The mean demand (100 in 2026Q2) fits one
    # G1 (10 < 14): EEV = 26.5, VSS = 26.5 − 21 = 5.5.
    assert hedge.first_stage.to_dict("records") == [
        {"fab": "fab-a", "tool_type": "G2", "period": "2026Q1", "bought": 1.0, "moved_out": 0.0}
    ]
    first = hedge.tools[hedge.tools["period"] == "2026Q1"]
    per_scenario = first.pivot(index="tool_type", columns="scenario", values="bought")
    assert (per_scenario["low"] == per_scenario["high"]).all()
    assert cost(hedge, "low") == pytest.approx(14)
    assert cost(hedge, "high") == pytest.approx(28)
    stats = hedge.stats
    assert stats["expected_cost_musd"] == pytest.approx(0.5 * 14 + 0.5 * 28)
    assert stats["objective"] == pytest.approx(21)
    assert stats["eev_musd"] == pytest.approx(26.5)
    assert stats["vss_musd"] == pytest.approx(5.5)
    assert hedge.headline()["vss_musd"] == pytest.approx(5.5)


# -- the model and the result ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> ToolPlan:
    return tool_plan()


def test_builtin_example_plans_within_its_gap(example: ToolPlan) -> None:
    stats = example.stats
    assert stats["status"] in ("optimal", "gap_limit")
    assert stats["gap"] <= load_fab().rules.solver.mip_gap + 1e-9
    assert stats["bound"] <= stats["objective"] + 1e-6
    assert cost(example) == pytest.approx(stats["objective"], rel=1e-6)
    headline = example.headline()
    assert headline["fab"] == "example-3fab"
    assert headline["tools_bought"] == example.tools["bought"].sum() > 0
    assert headline["capex_musd"] == pytest.approx(example.tools["capex_musd"].sum())
    assert repr(example).startswith("<fabnet tool plan of example-3fab>")


def test_tools_used_is_tools_needed(example: ToolPlan) -> None:
    # The plan's tools_used per (fab, type, period) is data.tools_needed of its split.
    data = fab_data(example.spec)
    steps = data.steps_frame()
    steps["j"] = range(len(steps))
    split = example.split.merge(steps[["product", "step", "j"]], on=["product", "step"])
    for (fab, period), rows in split.groupby(["fab", "period"]):
        wafers = np.zeros(data.minutes.shape)
        k = rows["tool_type"].map(data.tool_types.index).to_numpy()
        np.add.at(wafers, (rows["j"].to_numpy(), k), rows["wafers_per_week"].to_numpy())
        needed = tools_needed(data, wafers)
        mine = example.tools[(example.tools["fab"] == fab) & (example.tools["period"] == period)]
        got = mine.set_index("tool_type")["tools_used"].reindex(data.tool_types, fill_value=0.0)
        np.testing.assert_allclose(got.to_numpy(), needed, rtol=1e-9, atol=1e-9)
        assert (mine["tools_used"] <= mine["installed"] + 1e-6).all()


def test_model_is_sparse_and_named() -> None:
    model, parts = build_tool_model(fab_data(load_fab()))
    data = parts.data
    assert set(model.variables) >= {"buy", "move-out", "tools", "split", "transfer"}
    assert set(model.constraints) >= {"demand", "tool-time", "floor", "transfer", "tools"}
    # One split variable per (step, type, fab) that may carry wafers, not per j × k × f: the
    # type runs the step, the fab may run its product and can hold the type (fab-c has no
    # EUV-3600D and may not buy one: it is no longer sold).
    valid = data.runs[:, :, None] & data.step_allowed.T[:, None, :]
    assert not parts.routes.can_hold[data.fabs.index("fab-c"), data.tool_types.index("EUV-3600D")]
    valid &= parts.routes.can_hold.T[None, :, :]
    assert model.variables["split"].labels.sizes["split"] == int(valid.sum())
    assert int(valid.sum()) < valid.size / 5


def test_relaxation_is_a_lower_bound(example: ToolPlan) -> None:
    relaxed = tool_plan(relax=True)
    assert relaxed.stats["relax"] is True
    assert relaxed.stats["integer_variables"] == 0
    assert relaxed.stats["objective"] <= example.stats["bound"] + 1e-6


def test_no_plan_in_time_is_a_solver_error() -> None:
    with pytest.raises(SolverError) as caught:
        tool_plan(time_limit_s=1e-4)
    assert caught.value.exit_code == 5


@pytest.mark.parametrize("fmt", ["parquet", "csv", "netcdf"])
def test_saved_plans_read_back_exactly(
    example: ToolPlan, hedge: ToolPlan, tmp_path: Path, fmt: str
) -> None:
    for name, plan in (("example", example), ("hedge", hedge)):
        folder = plan.save(tmp_path / name, format=fmt)  # type: ignore[arg-type]
        again = fabnet.open_result(folder)
        assert isinstance(again, ToolPlan)
        for table in TABLES:
            pd.testing.assert_frame_equal(getattr(again, table), getattr(plan, table))
        assert again.stats == plan.stats
        assert again.spec == plan.spec
        assert again.headline() == plan.headline()


def test_the_tool_plan_is_public_at_the_top() -> None:
    # `import fabnet` stays light: the fab level loads on first use, from fabnet.fab
    import subprocess
    import sys

    import fabnet.fab

    light = "import sys, fabnet; dir(fabnet); assert 'pandas' not in sys.modules"
    subprocess.run([sys.executable, "-c", light], check=True)

    assert fabnet.tool_plan is tool_plan is fabnet.fab.tool_plan
    assert fabnet.ToolPlan is ToolPlan
    assert fabnet.load_fab is load_fab
    assert fabnet.fab.current_tools_check is current_tools_check
    assert {"tool_plan", "ToolPlan", "load_fab", "FabSpec"} <= set(dir(fabnet))

"""Properties of the tool plan on small random fab files (Hypothesis): more demand never lowers
the cost, more floor never raises it, the LP relaxation is a lower bound, and every plan meets
demand and floor space as its saved files show, read with pandas alone."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fabnet.exceptions import InfeasiblePlanError
from fabnet.fab import load_fab
from fabnet.fab.toolplan import tool_plan

PERIODS = ("2026Q1", "2026Q2")
#: Few examples: each plans a fab file two or three times (about 0.3 s each).
FEW = settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@st.composite
def fab_files(draw: st.DrawFn) -> dict[str, Any]:
    """One or two fabs, one or two products of one to three steps on two workstations (W1: an
    old A1 and a newer A2; W2: B), two quarters."""
    whole = st.integers
    types = [
        {
            "id": kind,
            "workstation": workstation,
            "generation": generation,
            "capex_musd": draw(whole(1, 20)),
            "footprint_m2": draw(whole(5, 20)),
            "move_out_musd": draw(whole(0, 2)),
            "availability": 1.0,
            "utilisation": 1.0,
        }
        for kind, workstation, generation in (("A1", "W1", 1), ("A2", "W1", 2), ("B", "W2", 1))
    ]
    routes = []
    products = [f"P{i}" for i in range(draw(whole(1, 2)))]
    for product in products:
        steps = []
        for _ in range(draw(whole(1, 3))):
            if draw(st.booleans()):
                kinds = draw(st.sampled_from([("A1",), ("A2",), ("A1", "A2")]))
                steps.append(
                    {"workstation": "W1", "rpt_min": {k: draw(whole(20, 200)) for k in kinds}}
                )
            else:
                steps.append({"workstation": "W2", "rpt_min": {"B": draw(whole(20, 200))}})
        routes.append({"id": product, "steps": steps})
    fabs = []
    for f in range(draw(whole(1, 2))):
        runs = products if f == 0 else draw(st.lists(st.sampled_from(products), unique=True))
        fabs.append(
            {
                "id": f"fab-{f}",
                "floor_m2": draw(whole(100, 600)),
                "products": sorted(runs),
                "tools": {k: draw(whole(0, 3)) for k in ("A1", "A2", "B")},
            }
        )
    demand = [
        {"product": p, "period": q, "wafers_per_week": draw(whole(0, 300))}
        for p in products
        for q in PERIODS
    ]
    return {
        "name": "random",
        "periods": {"first": PERIODS[0], "last": PERIODS[-1], "minutes_per_week": 10_000},
        "tool_types": types,
        "routes": routes,
        "fabs": fabs,
        "demand": {"table": demand},
        "rules": {
            "transfer_usd_per_wafer": draw(whole(0, 500)),
            "discount_rate": draw(st.sampled_from([0.0, 0.08])),
            "move_outs": draw(st.booleans()),
            "solver": {"time_limit_s": 60, "mip_gap": 0.0},
        },
    }


def plan_cost(spec: dict[str, Any], **options: Any) -> float:
    """The plan's objective [musd], infinite when no plan exists."""
    try:
        return float(tool_plan(load_fab(spec), **options).stats["objective"])
    except InfeasiblePlanError:
        return float("inf")


def close_or_above(high: float, low: float) -> bool:
    """``high ≥ low`` up to the solver's tolerance (infinite: no plan)."""
    return high >= low or high >= low - 1e-6 * max(1.0, abs(low))


@FEW
@given(fab_files(), st.integers(1, 200))
def test_more_demand_never_lowers_the_cost(spec: dict[str, Any], extra: int) -> None:
    more = copy.deepcopy(spec)
    for row in more["demand"]["table"]:
        row["wafers_per_week"] += extra
    assert close_or_above(plan_cost(more), plan_cost(spec))


@FEW
@given(fab_files(), st.integers(1, 300))
def test_more_floor_never_raises_the_cost(spec: dict[str, Any], extra: int) -> None:
    more = copy.deepcopy(spec)
    for fab in more["fabs"]:
        fab["floor_m2"] += extra
    assert close_or_above(plan_cost(spec), plan_cost(more))


@FEW
@given(fab_files())
def test_the_relaxation_is_a_lower_bound(spec: dict[str, Any]) -> None:
    whole = plan_cost(spec)
    assume(whole < float("inf"))
    assert close_or_above(whole, plan_cost(spec, relax=True))


@FEW
@given(fab_files())
def test_a_saved_plan_meets_demand_and_floor(spec: dict[str, Any]) -> None:
    try:
        plan = tool_plan(load_fab(spec))
    except InfeasiblePlanError:
        assume(False)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = plan.save(Path(tmp) / "plan")
        check_saved(folder)


def check_saved(folder: Path) -> None:
    """Read the plan's Parquet tables and its fab file back with pandas and YAML only, and
    check them: every step makes its product's demand, the tools fit the floor, and the work
    fits the tools."""

    def table(name: str) -> pd.DataFrame:
        return pd.read_parquet(folder / f"{name}.parquet").reset_index()

    layout = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    fab = yaml.safe_load(layout["root"]["meta"]["fab"])
    steps = {route["id"]: len(route["steps"]) for route in fab["routes"]}
    footprint = {t["id"]: t["footprint_m2"] for t in fab["tool_types"]}

    split = table("split").groupby(["scenario", "product", "step", "period"])["wafers_per_week"]
    made = split.sum()
    for row in table("demand").itertuples():
        for step in range(1, steps[row.product] + 1):
            key = (row.scenario, row.product, step, row.period)
            assert abs(made.get(key, 0.0) - row.wafers_per_week) <= 1e-6 * max(
                1.0, row.wafers_per_week
            )

    floor = table("floor")
    assert (floor["used_m2"] <= floor["floor_m2"] + 1e-6).all()
    tools = table("tools")
    area = (
        (tools["installed"] * tools["tool_type"].map(footprint))
        .groupby([tools["scenario"], tools["fab"], tools["period"]])
        .sum()
    )
    used = floor.set_index(["scenario", "fab", "period"])["used_m2"]
    pd.testing.assert_series_equal(
        area.reindex(used.index, fill_value=0.0), used, check_names=False, atol=1e-6
    )
    assert (tools["tools_used"] <= tools["installed"] + 1e-6).all()

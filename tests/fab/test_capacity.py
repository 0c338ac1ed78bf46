"""Static capacity (fabnet.fab.capacity) against cases worked by hand, its tables, and its round
trips through every format.

Unless a case says otherwise a tool type is up 90 % of the time and loaded to 80 % of that, so
one tool may be loaded 10,080 × 0.9 × 0.8 = 7,257.6 min a week.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import fabnet
from fabnet.exceptions import ParameterError
from fabnet.fab import FabSpec, fab_data, load_fab
from fabnet.fab.capacity import Capacity, capacity, even_loading, step_shares
from fabnet.results import FORMATS

#: Minutes one tool may be loaded per week: 10,080 × 0.9 × 0.8.
LOADABLE_MIN = 7_257.6


def tool(ident: str, workstation: str, **fields: Any) -> dict[str, Any]:
    """A tool type: up 90 %, loaded to 80 %, 10 m², USD 5 M, unless *fields* say otherwise."""
    base = {"id": ident, "workstation": workstation, "availability": 0.9, "utilisation": 0.8}
    return base | {"footprint_m2": 10.0, "capex_musd": 5.0} | fields


def fab_file(
    tool_types: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    tools: dict[str, int],
    *,
    wafers_per_week: float = 1_000.0,
    fabs: list[dict[str, Any]] | None = None,
    periods: tuple[str, str] = ("2026Q1", "2026Q1"),
    rules: dict[str, Any] | None = None,
) -> FabSpec:
    """A fab file of one route P (the *steps*) run in one fab F (1,000 m², the *tools*), or in
    *fabs*, at a flat demand."""
    labels = [f"2026Q{q}" for q in range(int(periods[0][-1]), int(periods[1][-1]) + 1)]
    data: dict[str, Any] = {
        "name": "by-hand",
        "periods": {"first": periods[0], "last": periods[1]},
        "tool_types": tool_types,
        "routes": [{"id": "P", "steps": steps}],
        "fabs": fabs or [{"id": "F", "floor_m2": 1_000.0, "tools": tools}],
        "demand": {
            "table": [
                {"product": "P", "period": p, "wafers_per_week": wafers_per_week} for p in labels
            ]
        },
    }
    if rules:
        data["rules"] = rules
    return load_fab(data)


def row(frame: pd.DataFrame, **keys: str) -> pd.Series:
    """The one row of *frame* with these key values."""
    mask = np.logical_and.reduce([frame[k] == v for k, v in keys.items()])
    rows = frame[mask]
    assert len(rows) == 1, keys
    return rows.iloc[0]


ONE_STEP = [{"workstation": "W1", "rpt_min": {"T1": 6.0}}]


def test_one_step() -> None:
    # 1,000 wpw × 6 min / (10,080 × 0.9 × 0.8) = 6,000 / 7,257.6 = 0.82672 tools.
    cap = capacity(fab_file([tool("T1", "W1")], ONE_STEP, {"T1": 1}))
    got = row(cap.needed, tool_type="T1")
    assert got["tools_needed"] == pytest.approx(6_000 / LOADABLE_MIN)
    assert got["tools_needed"] == pytest.approx(0.82672, abs=1e-5)
    assert got["minutes_per_week"] == pytest.approx(6_000.0)
    assert got["wafers_per_week"] == pytest.approx(1_000.0)
    assert got["tools_installed"] == 1.0
    assert got["tools_beyond_installed"] == 0.0  # ⌈0.827⌉ = 1 installed
    assert got["utilisation"] == pytest.approx(0.82672, abs=1e-5)
    assert got["workstation"] == "W1"


def test_two_steps_sharing_a_workstation_add_up() -> None:
    # 1,000 × (6 + 3) / 7,257.6 = 1.24008 tools: two installed, none beyond.
    steps = [
        {"workstation": "W1", "rpt_min": {"T1": 6.0}},
        {"workstation": "W1", "rpt_min": {"T1": 3.0}},
    ]
    got = row(capacity(fab_file([tool("T1", "W1")], steps, {"T1": 1})).needed, tool_type="T1")
    assert got["tools_needed"] == pytest.approx(9_000 / LOADABLE_MIN)
    assert got["tools_needed"] == pytest.approx(1.24008, abs=1e-5)
    assert got["wafers_per_week"] == pytest.approx(2_000.0)  # two passes of each wafer
    assert got["tools_beyond_installed"] == 1.0  # ⌈1.24⌉ = 2, 1 installed


GENERATIONS = [tool("G1", "W1", generation=1), tool("G2", "W1", generation=2)]
TWO_GENERATIONS = [{"workstation": "W1", "rpt_min": {"G1": 6.0, "G2": 4.0}}]


def test_two_generations_share_in_proportion_to_installed_capacity() -> None:
    # Installed capacity for the step: G1 2 × 7,257.6 / 6 = 2,419.2 wpw, G2 1 × 7,257.6 / 4 =
    # 1,814.4 wpw; of 4,233.6 wpw G1 takes 4/7 and G2 3/7 of the 1,000 wafers:
    # G1 571.43 × 6 / 7,257.6 = 0.47241 tools, G2 428.57 × 4 / 7,257.6 = 0.23620 tools;
    # both are loaded to 1,000 / 4,233.6 = 0.23620.
    cap = capacity(fab_file(GENERATIONS, TWO_GENERATIONS, {"G1": 2, "G2": 1}))
    g1, g2 = row(cap.needed, tool_type="G1"), row(cap.needed, tool_type="G2")
    assert g1["wafers_per_week"] == pytest.approx(4_000 / 7)
    assert g2["wafers_per_week"] == pytest.approx(3_000 / 7)
    assert g1["tools_needed"] == pytest.approx(0.47241, abs=1e-5)
    assert g2["tools_needed"] == pytest.approx(0.23620, abs=1e-5)
    assert g1["utilisation"] == pytest.approx(1_000 / 4_233.6)
    assert g2["utilisation"] == pytest.approx(1_000 / 4_233.6)
    # A type with no tool in the fab gets none: G1 alone, 1,000 × 6 / 7,257.6 = 0.82672.
    alone = capacity(fab_file(GENERATIONS, TWO_GENERATIONS, {"G1": 1})).needed
    assert row(alone, tool_type="G1")["tools_needed"] == pytest.approx(0.82672, abs=1e-5)
    assert row(alone, tool_type="G2")["tools_needed"] == 0.0
    assert math.isnan(row(alone, tool_type="G2")["utilisation"])  # no load, no tool


def test_a_step_without_installed_tools_goes_to_the_fastest_type_that_may_be_bought() -> None:
    # Nothing installed: G2 (4 min) is faster than G1 (6 min): 1,000 × 4 / 7,257.6 = 0.55115.
    empty = capacity(fab_file(GENERATIONS, TWO_GENERATIONS, {})).needed
    assert row(empty, tool_type="G2")["tools_needed"] == pytest.approx(0.55115, abs=1e-5)
    assert row(empty, tool_type="G2")["tools_beyond_installed"] == 1.0
    assert row(empty, tool_type="G2")["utilisation"] == math.inf
    assert row(empty, tool_type="G1")["tools_needed"] == 0.0
    # G2 may be bought from 2026Q2 only: in 2026Q1 the wafers go to G1 (0.82672 tools).
    later = fab_file(
        GENERATIONS,
        TWO_GENERATIONS,
        {},
        periods=("2026Q1", "2026Q2"),
        rules={"first_buy": {"G2": "2026Q2"}},
    )
    needed = capacity(later).needed
    q1 = needed[needed["period"] == "2026Q1"].set_index("tool_type")["tools_needed"]
    q2 = needed[needed["period"] == "2026Q2"].set_index("tool_type")["tools_needed"]
    assert q1.tolist() == pytest.approx([0.82672, 0.0], abs=1e-5)  # G1, G2
    assert q2.tolist() == pytest.approx([0.0, 0.55115], abs=1e-5)
    # G2 no longer sold and installed nowhere, G1 sold: G1.
    old = [tool("G1", "W1"), tool("G2", "W1", generation=2, buyable=False)]
    kept = capacity(fab_file(old, TWO_GENERATIONS, {})).needed
    assert row(kept, tool_type="G1")["tools_needed"] == pytest.approx(0.82672, abs=1e-5)
    # Neither sold; G2 installed in F2 only: F1's half goes to the fastest at all, G2:
    # 500 × 4 / 7,257.6 = 0.27557 tools in each fab.
    gone = [tool("G1", "W1", buyable=False), tool("G2", "W1", generation=2, buyable=False)]
    fabs = [
        {"id": "F1", "floor_m2": 1_000.0},
        {"id": "F2", "floor_m2": 1_000.0, "tools": {"G2": 1}},
    ]
    needed = capacity(fab_file(gone, TWO_GENERATIONS, {}, fabs=fabs)).needed
    # rows: (F1, G1), (F1, G2), (F2, G1), (F2, G2)
    assert needed["tools_needed"].tolist() == pytest.approx([0.0, 0.27557, 0.0, 0.27557], abs=1e-5)


def test_batch_and_setup() -> None:
    # A furnace-like step: 300 min a pass of 50 wafers, 50 min setup per lot of 25:
    # 300 / 50 + 50 / 25 = 6 + 2 = 8 min per wafer; 1,000 × 8 / 7,257.6 = 1.10229 tools.
    steps = [{"workstation": "W1", "rpt_min": {"T1": 300.0}, "batch_wafers": 50, "setup_min": 50}]
    got = row(capacity(fab_file([tool("T1", "W1")], steps, {"T1": 1})).needed, tool_type="T1")
    assert got["tools_needed"] == pytest.approx(8_000 / LOADABLE_MIN)
    assert got["tools_needed"] == pytest.approx(1.10229, abs=1e-5)
    assert got["minutes_per_week"] == pytest.approx(8_000.0)


def test_mttf_and_mttr_give_the_availability() -> None:
    # MTTF 190 h, MTTR 10 h: up 190 / 200 = 95 %; 10,080 × 0.95 × 0.8 = 7,660.8 min a week;
    # 1,000 × 6 / 7,660.8 = 0.78321 tools.
    kind = tool("T1", "W1", mttf_h=190.0, mttr_h=10.0)
    del kind["availability"]
    got = row(capacity(fab_file([kind], ONE_STEP, {"T1": 1})).needed, tool_type="T1")
    assert got["tools_needed"] == pytest.approx(0.78321, abs=1e-5)


def test_the_bottleneck_and_the_output_factor() -> None:
    # Workstation W1 has two types, A running step 1 (6 min) and B step 2 (3 min), one tool each;
    # W2 one tool C running step 3 (5.4 min):
    #   A 1,000 × 6 / 7,257.6 = 0.82672, B 1,000 × 3 / 7,257.6 = 0.41336,
    #   C 1,000 × 5.4 / 7,257.6 = 0.74405.
    # A is the most utilised: the bottleneck is W1 (over its two tools combined
    # (0.82672 + 0.41336) / 2 = 0.62004), and the loading may grow by 1 / 0.82672 = 1.20960,
    # to 1,209.60 wafers a week.
    kinds = [tool("A", "W1"), tool("B", "W1"), tool("C", "W2")]
    steps = [
        {"workstation": "W1", "rpt_min": {"A": 6.0}},
        {"workstation": "W1", "rpt_min": {"B": 3.0}},
        {"workstation": "W2", "rpt_min": {"C": 5.4}},
    ]
    got = capacity(fab_file(kinds, steps, {"A": 1, "B": 1, "C": 1})).bottleneck.iloc[0]
    assert (got["workstation"], got["tool_type"]) == ("W1", "A")
    assert got["utilisation"] == pytest.approx(0.82672, abs=1e-5)
    assert got["workstation_utilisation"] == pytest.approx(0.62004, abs=1e-5)
    assert got["output_factor"] == pytest.approx(1.20960, abs=1e-5)
    assert got["wafers_per_week"] == 1_000.0
    assert got["max_wafers_per_week"] == pytest.approx(1_209.60, abs=1e-2)
    # Twice the tools of A: A 0.41336, and C (0.74405) is the bottleneck: 1 / 0.74405 = 1.34400.
    got = capacity(fab_file(kinds, steps, {"A": 2, "B": 1, "C": 1})).bottleneck.iloc[0]
    assert (got["workstation"], got["tool_type"]) == ("W2", "C")
    assert got["output_factor"] == pytest.approx(1.34400, abs=1e-5)
    # No tool of C: it needs 0.744 tools and has none: ∞, the loading cannot be made (factor 0).
    got = capacity(fab_file(kinds, steps, {"A": 1, "B": 1})).bottleneck.iloc[0]
    assert (got["workstation"], got["utilisation"], got["output_factor"]) == ("W2", math.inf, 0.0)


def test_no_load_has_no_bottleneck() -> None:
    got = capacity(fab_file([tool("T1", "W1")], ONE_STEP, {"T1": 1}, wafers_per_week=0.0))
    first = got.bottleneck.iloc[0]
    assert pd.isna(first["workstation"])
    assert pd.isna(first["tool_type"])
    assert first["utilisation"] == 0.0  # a tool, idle
    assert math.isnan(first["output_factor"])


def test_the_floor_used() -> None:
    # T1 10 m², T2 25 m²; 3,000 wpw: T1 3,000 × 6 / 7,257.6 = 2.48016 → 3 tools, T2 3,000 × 10
    # / 7,257.6 = 4.13360 → 5 tools; needed 3 × 10 + 5 × 25 = 155 m²; installed 2 × 10 + 1 × 25
    # = 45 m², of a 1,000 m² floor.
    kinds = [tool("T1", "W1"), tool("T2", "W2", footprint_m2=25.0)]
    steps = [*ONE_STEP, {"workstation": "W2", "rpt_min": {"T2": 10.0}}]
    cap = capacity(fab_file(kinds, steps, {"T1": 2, "T2": 1}, wafers_per_week=3_000.0))
    got = cap.floor.iloc[0]
    assert (got["installed_m2"], got["needed_m2"], got["floor_m2"]) == (45.0, 155.0, 1_000.0)
    assert cap.needed["tools_beyond_installed"].tolist() == [1.0, 4.0]  # 3 − 2, 5 − 1
    assert cap.headline()["floor_needed_max_share"] == pytest.approx(0.155)


def test_a_whole_number_of_tools_needed_is_not_rounded_up_past_itself() -> None:
    # 7,257.6 min a week on 6-min steps is 1,209.6 wafers: exactly one tool, 1 tool's floor.
    cap = capacity(fab_file([tool("T1", "W1")], ONE_STEP, {"T1": 1}, wafers_per_week=1_209.6))
    assert cap.needed["tools_needed"].iloc[0] == pytest.approx(1.0, abs=1e-12)
    assert cap.floor["needed_m2"].iloc[0] == 10.0
    assert cap.needed["tools_beyond_installed"].iloc[0] == 0.0


TWO_FABS = [
    {"id": "F1", "floor_m2": 1_000.0, "tools": {"T1": 1}},
    {"id": "F2", "floor_m2": 1_000.0, "tools": {"T1": 1}},
]


def test_the_demand_is_split_evenly_across_the_fabs_allowed() -> None:
    # 1,000 wpw over two fabs: 500 each, 500 × 6 / 7,257.6 = 0.41336 tools in each.
    cap = capacity(fab_file([tool("T1", "W1")], ONE_STEP, {}, fabs=TWO_FABS))
    for fab in ("F1", "F2"):
        assert row(cap.needed, fab=fab)["tools_needed"] == pytest.approx(0.41336, abs=1e-5)
        assert row(cap.bottleneck, fab=fab)["wafers_per_week"] == 500.0
    # F2 may not run P: F1 takes it all (0.82672 tools), F2 none (its tool idle).
    barred = [TWO_FABS[0], {**TWO_FABS[1], "products": []}]
    cap = capacity(fab_file([tool("T1", "W1")], ONE_STEP, {}, fabs=barred))
    assert row(cap.needed, fab="F1")["tools_needed"] == pytest.approx(0.82672, abs=1e-5)
    assert row(cap.needed, fab="F2")["tools_needed"] == 0.0
    assert row(cap.needed, fab="F2")["utilisation"] == 0.0


def test_tools_and_loading_may_be_given() -> None:
    spec = fab_file([tool("T1", "W1")], ONE_STEP, {}, fabs=TWO_FABS, periods=("2026Q1", "2026Q2"))
    data = fab_data(spec)
    loading = np.zeros((1, 2, 1, 2))  # [s, f, p, t]
    loading[0, 0, 0, :] = [1_000.0, 2_000.0]  # all in F1
    # Three tools in F1 in 2026Q1, four in 2026Q2: 0.82672 / 3 and 1.65344 / 4.
    tools = np.zeros((2, 1, 2))  # [f, k, t]
    tools[0, 0, :] = [3.0, 4.0]
    needed = capacity(data, tools=tools, loading=loading).needed
    q1, q2 = row(needed, fab="F1", period="2026Q1"), row(needed, fab="F1", period="2026Q2")
    assert q1["utilisation"] == pytest.approx(0.82672 / 3, abs=1e-5)
    assert q2["utilisation"] == pytest.approx(1.65344 / 4, abs=1e-5)
    assert needed.loc[needed["fab"] == "F2", "tools_needed"].tolist() == [0.0, 0.0]
    # Tools per fab and type only: the same in every period.
    flat = capacity(data, tools=np.array([[3.0], [0.0]]), loading=loading).needed
    assert flat.loc[flat["fab"] == "F1", "tools_installed"].tolist() == [3.0, 3.0]
    with pytest.raises(ParameterError, match="shape"):
        capacity(data, tools=np.ones(3))
    with pytest.raises(ParameterError, match="≥ 0"):
        capacity(data, tools=-np.ones((2, 1)))
    barred = fab_file(
        [tool("T1", "W1")],
        ONE_STEP,
        {},
        fabs=[TWO_FABS[0], {**TWO_FABS[1], "products": []}],
        periods=("2026Q1", "2026Q2"),
    )
    with pytest.raises(ParameterError, match="P in F2 in 2026Q1"):
        capacity(barred, loading=np.ones((1, 2, 1, 2)))


def test_the_shares_sum_to_one_and_the_loading_is_linear() -> None:
    data = fab_data(load_fab())
    tools = np.repeat(data.start_tools[:, :, None], len(data.periods), axis=2)
    shares = step_shares(data, tools)
    np.testing.assert_allclose(shares.sum(axis=-1), 1.0)
    assert not (shares[..., ~data.runs] > 0).any()  # never a type that cannot run the step
    base = capacity(data)
    double = capacity(data, loading=2 * even_loading(data))
    np.testing.assert_allclose(double.needed["tools_needed"], 2 * base.needed["tools_needed"])
    np.testing.assert_allclose(
        double.bottleneck["output_factor"], base.bottleneck["output_factor"] / 2
    )
    # The loads are the tools needed times each type's loadable minutes (one formula).
    capacity_min = dict(zip(data.tool_types, data.capacity_min, strict=True))
    minutes = base.needed["tools_needed"] * base.needed["tool_type"].map(capacity_min)
    np.testing.assert_allclose(base.needed["minutes_per_week"], minutes)


def test_the_built_in_example() -> None:
    cap = capacity()
    assert repr(cap).startswith("<fabnet capacity of example-3fab>")
    q1 = cap.bottleneck[cap.bottleneck["period"] == "2026Q1"].set_index("fab")
    # The fabs that have tools meet the first quarter's even split; fab-c starts empty.
    assert (q1.loc[["fab-a", "fab-b"], "utilisation"] < 1.0).all()
    assert q1.loc["fab-c", "utilisation"] == math.inf
    assert cap.floor["floor_m2"].tolist()[:1] == [8_000.0]
    head = cap.headline()
    json.dumps(head)
    assert head["fab"] == "example-3fab"
    assert head["periods"] == "2026Q1–2027Q4"
    assert head["bottleneck_fab"] == "fab-c"
    assert head["tools_beyond_installed"] > 0
    assert "current_tools_meet_demand" not in head


def feasible_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": pd.Series(["base", "base"], dtype="str"),
            "period": pd.Series(["2026Q1", "2026Q2"], dtype="str"),
            "max_share": [1.0, 0.875],
            "meets_demand": [True, False],
        }
    )


def assert_same(a: Capacity, b: Capacity) -> None:
    assert type(b) is Capacity
    assert a.spec == b.spec
    for name in Capacity.TABLES:
        x, y = getattr(a, name), getattr(b, name)
        if x is None:
            assert y is None, name
        else:
            pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("with_feasible", [False, True])
def test_round_trip_is_exact(fmt: str, with_feasible: bool, tmp_path: Path) -> None:
    spec = fab_file(
        GENERATIONS, TWO_GENERATIONS, {"G1": 1}, fabs=None, periods=("2026Q1", "2026Q2")
    )
    cap = capacity(spec)  # G2 idle: NaN utilisation; an empty fab would give ∞
    cap = Capacity(
        spec=cap.spec,
        needed=cap.needed,
        bottleneck=cap.bottleneck,
        floor=cap.floor,
        feasible=feasible_table() if with_feasible else None,
    )
    folder = cap.save(tmp_path / "cap", format=fmt)  # type: ignore[arg-type]
    again = fabnet.open_result(folder)
    assert isinstance(again, Capacity)
    assert_same(cap, again)
    assert (again.headline().get("current_tools_meet_demand") is False) == with_feasible


def test_round_trip_of_the_example_keeps_infinities_and_missing_text(tmp_path: Path) -> None:
    cap = capacity()
    for fmt in FORMATS:
        again = fabnet.open_result(cap.save(tmp_path / fmt, format=fmt))  # type: ignore[arg-type]
        assert isinstance(again, Capacity)
        assert_same(cap, again)
    path = cap.to_netcdf(tmp_path / "cap.nc")
    again = fabnet.open_result(path)
    assert isinstance(again, Capacity)
    assert_same(cap, again)


def test_the_dataset_shares_the_grid() -> None:
    cap = capacity()
    ds = cap.to_xarray()
    assert ds.attrs["fabnet_kind"] == "fab-capacity"
    assert ds["needed_tools_needed"].dims == ("scenario", "fab", "tool_type", "period")
    assert ds["bottleneck_utilisation"].dims == ("scenario", "fab", "period")
    assert ds["floor_needed_m2"].dims == ("scenario", "fab", "period")
    view = ds["tools_needed"].sel(scenario="base", fab="fab-b", tool_type="METRO", period="2027Q4")
    expected = row(cap.needed, fab="fab-b", tool_type="METRO", period="2027Q4")["tools_needed"]
    assert float(view) == expected

"""The tool model's valid inequalities: the sets of fabs they range over, a row worked by hand
(see conftest: a week of 10,000 loadable minutes per tool), and the optimum they leave alone."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from fabnet.examples import synthetic_fabs
from fabnet.fab import fab_data, load_fab, toolmodel
from fabnet.fab.toolmodel import build_tool_model, fab_unions
from fabnet.planning.solve import solve


def test_fab_sets_are_the_unions_of_the_products_fabs() -> None:
    # three products, each in one fab of three: every union of them, smallest first, all last
    data = fab_data(synthetic_fabs(fabs=3, nodes=3, steps=4, tool_types=4, periods=1))
    data = replace(data, allowed=np.eye(3, dtype=bool))
    sets = [tuple(np.flatnonzero(row)) for row in fab_unions(data)]
    assert sets == [(2,), (1,), (0,), (1, 2), (0, 2), (0, 1), (0, 1, 2)]


def test_fab_sets_are_capped_and_keep_all_the_fabs(monkeypatch: pytest.MonkeyPatch) -> None:
    data = fab_data(synthetic_fabs(fabs=3, nodes=3, steps=4, tool_types=4, periods=1))
    data = replace(data, allowed=np.eye(3, dtype=bool))
    monkeypatch.setattr(toolmodel, "MAX_FAB_SETS", 3)
    sets = [tuple(np.flatnonzero(row)) for row in fab_unions(data)]
    assert sets == [(2,), (1,), (0, 1, 2)]


def test_cover_row_worked_by_hand(fab_file: Any) -> None:
    # Workstation W has two types: T (G1) and T2 (G2). Step 1 takes 100 min on T, 60 on T2;
    # step 2 takes 50 on T, 40 on T2. ref = (60, 40); T's ratios 100/60 and 50/40, so ρ[T] =
    # 1.25; ρ[T2] = 1. With 100 wafers a week: 10,000 / 1.25 · T + 10,000 / 1 · T2 ≥ 100 · 60 +
    # 100 · 40, i.e. 8,000 · T + 10,000 · T2 ≥ 10,000.
    spec = load_fab(
        fab_file(
            [
                {"id": "T", "workstation": "W", "capex_musd": 1, "footprint_m2": 10},
                {
                    "id": "T2",
                    "workstation": "W",
                    "generation": 2,
                    "capex_musd": 2,
                    "footprint_m2": 10,
                },
            ],
            {"P": [("W", {"T": 100, "T2": 60}), ("W", {"T": 50, "T2": 40})]},
            [{"id": "fab-a", "floor_m2": 1000, "tools": {"T": 1}}],
            {("P", "2026Q1"): 100},
        )
    )
    m, parts = build_tool_model(fab_data(spec))
    row = m.constraints["workstation-cover"]
    names = {
        int(v): name for name, v in zip(("T", "T2"), parts.tools.labels.values.ravel(), strict=True)
    }
    terms = {
        names[int(v)]: float(c)
        for v, c in zip(row.vars.values.ravel(), row.coeffs.values.ravel(), strict=True)
        if v >= 0
    }
    assert terms == pytest.approx({"T": 8_000.0, "T2": 10_000.0})
    assert float(row.rhs.values.ravel()[0]) == pytest.approx(10_000.0)
    assert "workstation-cover" not in build_tool_model(fab_data(spec), relax=True)[0].constraints


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cover_rows_keep_the_optimum(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Valid inequalities: the optimum (gap 0) is the same with and without them.
    data = fab_data(synthetic_fabs(fabs=2, nodes=2, steps=8, tool_types=6, periods=3, seed=seed))
    with_rows, _ = build_tool_model(data)
    assert "workstation-cover" in with_rows.constraints
    kept = solve(with_rows, mip_gap=0.0, threads=1)
    monkeypatch.setattr(toolmodel, "define_workstation_cover", lambda *_: None)
    without, _ = build_tool_model(data)
    assert "workstation-cover" not in without.constraints
    plain = solve(without, mip_gap=0.0, threads=1)
    assert kept.status == plain.status == "optimal"
    # equal up to HiGHS's tolerances (seed 0: 44.725295 against 44.725288 musd)
    assert kept.objective == pytest.approx(plain.objective, rel=1e-6)

"""``fabnet finance`` and ``fabnet compare``."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Fabnet = Callable[..., Result]


def test_finance_from_a_saved_plan(
    fabnet: Fabnet, saved_plan: tuple[Result, Path], tmp_path: Path
) -> None:
    result = fabnet(
        "finance",
        "--plan",
        saved_plan[1],
        "--format",
        "csv",
        "--out",
        tmp_path / "money",
        "--report",
        tmp_path / "money.html",
    )
    assert result.exit_code == 0, result.stderr
    assert "Investors (cash flows at their hurdle rates)" in result.stdout
    assert "met" in result.stdout
    with (tmp_path / "money" / "investors.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["investor"] for row in rows} == {"fund"}  # the small world's one investor
    assert (tmp_path / "money" / "cash_flows.csv").stat().st_size > 0
    assert "Plotly.newPlot(" in (tmp_path / "money.html").read_text(encoding="utf-8")


def test_finance_of_a_missing_plan_exits_2(fabnet: Fabnet, tmp_path: Path) -> None:
    result = fabnet("finance", "--plan", tmp_path / "nothing")
    assert result.exit_code == 2
    assert "plan folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_compare_chosen_strategies(fabnet: Fabnet, small_scenario: Path, tmp_path: Path) -> None:
    result = fabnet(
        "compare",
        small_scenario,
        "--strategies",
        " design-only,",
        "--format",
        "csv",
        "--out",
        tmp_path / "cmp",
        "--report",
        tmp_path / "cmp.html",
    )
    assert result.exit_code == 0, result.stderr
    assert "Strategies small" in result.stdout
    assert "Investor IRR by strategy" in result.stdout
    with (tmp_path / "cmp" / "strategies.csv").open(encoding="utf-8") as handle:
        assert [row["strategy"] for row in csv.DictReader(handle)] == ["design-only"]
    assert "Plotly.newPlot(" in (tmp_path / "cmp.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_compare_prints_every_strategy(fabnet: Fabnet, tmp_path: Path) -> None:
    result = fabnet("compare", "--out", tmp_path / "cmp", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    for name in ("own-build", "reservation", "acquisition", "design-only", "mix"):
        assert name in result.stdout
    with (tmp_path / "cmp" / "strategies.csv").open(encoding="utf-8") as handle:
        rows = {row["strategy"]: row for row in csv.DictReader(handle)}
    assert float(rows["mix"]["npv_objective_musd"]) <= float(
        rows["own-build"]["npv_objective_musd"]
    )


def test_compare_unknown_strategy_exits_2(fabnet: Fabnet) -> None:
    result = fabnet("compare", "--strategies", "own-build,steal")
    assert result.exit_code == 2
    assert "strategies" in result.stderr
    assert "Traceback" not in result.stderr

"""``fabnet risk``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Fabnet = Callable[..., Result]


def test_risk_is_byte_identical_for_a_seed(fabnet: Fabnet, saved_plan: tuple[Result, Path]) -> None:
    args = ("risk", "--plan", saved_plan[1], "--samples", "2000")
    runs = [fabnet(*args, "--seed", "3") for _ in range(2)]
    for run in runs:
        assert run.exit_code == 0, run.stderr
        assert "samples evaluated in" in run.stderr  # timings go to stderr only
    assert runs[0].stdout == runs[1].stdout
    assert "P(shortfall)" in runs[0].stdout
    assert "Tornado" in runs[0].stdout
    other = fabnet(*args, "--seed", "4")
    assert other.stdout != runs[0].stdout


def test_risk_writes_its_tables(
    fabnet: Fabnet, saved_plan: tuple[Result, Path], tmp_path: Path
) -> None:
    result = fabnet(
        "risk",
        "--plan",
        saved_plan[1],
        "--samples",
        "500",
        "--method",
        "mc",
        "--sobol",
        "64",
        "--format",
        "csv",
        "--out",
        tmp_path / "r",
        "--report",
        tmp_path / "risk.html",
    )
    assert result.exit_code == 0, result.stderr
    assert "Sobol' indices" in result.stdout
    assert "Plotly.newPlot(" in (tmp_path / "risk.html").read_text(encoding="utf-8")
    for name in ("by_year.csv", "measures.csv", "tornado.csv", "sobol.csv"):
        assert (tmp_path / "r" / name).stat().st_size > 0


def test_risk_bad_method_exits_2(fabnet: Fabnet) -> None:
    result = fabnet("risk", "--method", "quasi")
    assert result.exit_code == 2
    assert "--method" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_risk_of_the_scenario_with_a_stochastic_plan(fabnet: Fabnet, tmp_path: Path) -> None:
    args = ("risk", "--samples", "300", "--seed", "2", "--stochastic", "--scenarios", "2")
    result = fabnet(
        *args, "--time-limit", "60", "--report", tmp_path / "r.html", "--out", tmp_path / "out"
    )
    assert result.exit_code == 0, result.stderr
    from fabnet.results import open_result

    saved = open_result(tmp_path / "out")  # the analysis and its stochastic plan
    assert saved.stochastic is not None  # type: ignore[attr-defined]
    assert len(saved.stochastic.by_scenario) == 2  # type: ignore[attr-defined]
    assert "planned in" in result.stderr
    lines = result.stdout.splitlines()
    for measure in ("RP", "EEV", "WS", "VSS", "EVPI"):
        assert any(line.startswith(f"{measure} ") for line in lines), measure
    assert "Shared first-stage starts" in result.stdout
    assert "stochastic plan solved in" in result.stderr
    assert "VSS" in (tmp_path / "r.html").read_text(encoding="utf-8")

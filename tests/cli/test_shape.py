"""Every command the same shape: ``--json``, ``--format``, messages that name flags, terminal
output that fits 80 and 120 columns, progress and the log on stderr."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Fabnet = Callable[..., Result]


@pytest.fixture(scope="session")
def comparison(small_scenario: Path) -> object:
    """The small scenario's own-build and design-only strategies compared, once."""
    import fabnet

    return fabnet.compare(small_scenario, strategies=["own-build", "design-only"])


@pytest.fixture
def solved(
    monkeypatch: pytest.MonkeyPatch, saved_plan: tuple[Result, Path], comparison: object
) -> None:
    """``plan`` and ``compare`` hand back results solved once (the commands format them)."""
    from fabnet.planning import load_plan

    planned = load_plan(saved_plan[1])
    monkeypatch.setattr("fabnet.planning.plan", lambda *_, **__: planned)
    monkeypatch.setattr("fabnet.finance.compare", lambda *_, **__: comparison)


def commands(small: Path, plan: Path) -> dict[str, list[str | Path]]:
    """Each result command on a quick input (a small scenario, a saved plan)."""
    return {
        "gap": ["gap", small],
        "backcast": ["backcast"],
        "plan": ["plan", small],
        "finance": ["finance", "--plan", plan],
        "compare": ["compare", small, "--strategies", "own-build,design-only"],
        "risk": ["risk", "--plan", plan, "--samples", "300", "--sobol", "16"],
        "validate": ["validate", small],
    }


#: Headline keys each command's --json must have (units in their names).
KEYS = {
    "gap": {"scenario", "shortfall_h100e"},
    "backcast": {"scenario"},
    "plan": {
        "modules",
        "capex_musd",
        "cost_npv_musd",
        "unserved_h100e",
        "penalty_npv_musd",
        "status",
        "mip_gap",
        "solve_seconds",
    },
    "finance": {"scenario"},
    "compare": {"scenario"},
    "risk": {"scenario"},
}


@pytest.mark.usefixtures("solved")
@pytest.mark.parametrize("command", sorted(KEYS))
def test_json_prints_the_headline_instead_of_the_tables(
    fabnet: Fabnet,
    small_scenario: Path,
    saved_plan: tuple[Result, Path],
    tmp_path: Path,
    command: str,
) -> None:
    args = commands(small_scenario, saved_plan[1])[command]
    result = fabnet(*args, "--json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)  # nothing else on stdout
    assert isinstance(figures, dict)
    assert KEYS[command] <= set(figures)
    for value in figures.values():  # JSON scalars (a comparison lists its strategies)
        items = value if isinstance(value, list) else [value]
        assert all(v is None or isinstance(v, str | int | float | bool) for v in items)
    assert f"to {tmp_path / 'out'}" in result.stderr.replace("\n", "")  # closing lines: stderr
    assert (tmp_path / "out" / "manifest.json").exists()


def test_json_writes_non_finite_numbers_as_null(capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    from fabnet.cli._shared import emit_json

    emit_json({"a": float("nan"), "b": np.float64(2.5), "c": float("inf"), "d": np.int64(3)})
    assert json.loads(capsys.readouterr().out) == {"a": None, "b": 2.5, "c": None, "d": 3}


@pytest.mark.parametrize("out_format", ["parquet", "csv", "netcdf"])
def test_format_writes_a_folder_fabnet_reads_back(
    fabnet: Fabnet, small_scenario: Path, tmp_path: Path, out_format: str
) -> None:
    import fabnet as library

    folder = tmp_path / "gap"
    result = fabnet("gap", small_scenario, "--out", folder, "--format", out_format)
    assert result.exit_code == 0, result.stderr
    assert (folder / "manifest.json").exists()
    back = library.open_result(folder)
    assert type(back).__name__ == "GapResult"


def test_gap_csv_is_still_out_with_format_csv(
    fabnet: Fabnet, small_scenario: Path, tmp_path: Path
) -> None:
    result = fabnet("gap", small_scenario, "--csv", tmp_path / "g")
    assert result.exit_code == 0, result.stderr
    assert "--csv DIR is deprecated; use --out DIR --format csv" in result.stderr
    assert (tmp_path / "g" / "gap.csv").stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["risk", "--plan", "PLAN", "--samples", "20", "--sobol", "3"], "--sobol: must be a power"),
        (["risk", "--plan", "PLAN", "--samples", "20", "--threshold", "1"], "--threshold: must be"),
        (["plan", "SMALL", "--objective", "max_compute"], "--budget: must be given for objective"),
        (["plan", "SMALL", "--solver-option", "nope=1"], "--solver-option: must be HiGHS options"),
        (
            ["plan", "SMALL", "--solver-option", "mip_rel_gap=x"],
            "--solver-option: must be a value HiGHS accepts for mip_rel_gap",
        ),
        (["compare", "SMALL", "--strategies", "hope"], "--strategies: must be among"),
    ],
    ids=lambda v: " ".join(v[:3]) if isinstance(v, list) else None,
)
def test_messages_name_the_flags_and_exit_2(
    fabnet: Fabnet,
    small_scenario: Path,
    saved_plan: tuple[Result, Path],
    args: list[str],
    message: str,
) -> None:
    named = {"PLAN": str(saved_plan[1]), "SMALL": str(small_scenario)}
    result = fabnet(*(named.get(a, a) for a in args))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr.replace("\n", " ")
    assert "Traceback" not in result.stderr


#: What wide output does wrong: a cell cut short, scientific notation.
BAD = re.compile(r"…|\d[eE][+-]\d")


@pytest.mark.usefixtures("solved")
@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", ["gap", "backcast", "plan", "finance", "compare", "risk"])
def test_the_output_fits_the_terminal(
    fabnet: Fabnet,
    small_scenario: Path,
    saved_plan: tuple[Result, Path],
    command: str,
    width: int,
) -> None:
    args = commands(small_scenario, saved_plan[1])[command]
    result = fabnet(*args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 3
    too_long = [line for line in lines if len(line) > width]
    assert not too_long, "\n".join(too_long)
    assert not [line for line in lines if BAD.search(line)]
    if command == "compare":  # strategies as columns, measures as rows with their unit
        header = next(line for line in lines if line.startswith("measure"))
        assert header.split() == ["measure", "own-build", "design-only"]
        assert any(re.match(r"NPV of cost \[\$ [BM]\] ", line) for line in lines)


@pytest.mark.parametrize("width", [80, 120])
def test_validate_fits_the_terminal(fabnet: Fabnet, small_scenario: Path, width: int) -> None:
    result = fabnet("validate", small_scenario, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= width
    assert not BAD.search(result.stdout)


def test_formats_never_use_scientific_notation() -> None:
    from fabnet.cli._format import fixed, h100e, money_unit, plain

    big = money_unit([15_210_000.0])
    assert (big.unit, big(15_210_000.0), big(-640.0)) == ("$ B", "15,210.0", "−0.6")
    small = money_unit([12.4, -640.0])
    assert (small.unit, small(-640.0), small(0.2)) == ("$ M", "−640", "0")
    assert h100e(1.52e13) == "15,200,000.0"
    assert plain(1.52e7) == "15,200,000"
    assert plain(6.5222e6) == "6,522,200"
    assert fixed(-0.0004) == "0.000"


def test_quiet_shows_no_progress_and_plain_lines_otherwise(
    fabnet: Fabnet, small_scenario: Path, saved_plan: tuple[Result, Path]
) -> None:
    quiet = fabnet("-q", "risk", "--plan", saved_plan[1], "--samples", "20")
    assert quiet.exit_code == 0, quiet.stderr
    assert quiet.stderr == ""  # no progress, and no timings
    lines = saved_plan[0].stderr.splitlines()  # fabnet plan small.yaml --out DIR
    assert all(re.fullmatch(r"plan: .+ \(\d+ s\)", line) for line in lines)


def test_plain_progress_lines_are_periodic() -> None:
    from rich.console import Console

    from fabnet.cli._progress import Progress

    now = [0.0]
    progress = Progress("risk", Console(), enabled=True, terminal=False, clock=lambda: now[0])
    progress.step("evaluating the plan", total=2000, unit="samples")
    now[0] = 0.5
    assert progress.line() is None  # a step younger than a second shows nothing
    now[0] = 1.2
    progress.advance(400)
    assert progress.line() == "risk: evaluating the plan, 400/2,000 samples done (1 s)"
    now[0] = 2.0
    assert progress.line() is None  # at most one line every two seconds
    now[0] = 3.3
    progress.detail("solver 3 s, gap 1.00%")
    assert progress.line() == (
        "risk: evaluating the plan, 400/2,000 samples done, solver 3 s, gap 1.00% (3 s)"
    )


def test_verbose_logs_the_steps_and_the_solver_log_is_kept(
    fabnet: Fabnet, small_scenario: Path, tmp_path: Path
) -> None:
    import logging

    log = tmp_path / "highs.log"
    result = fabnet("-vv", "-q", "plan", small_scenario, "--solver-log", log)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(re.match(r"INFO fabnet\.cli: loaded scenario small from ", x) for x in lines)
    assert any("INFO fabnet.planning.planner: built the MIP of small" in x for x in lines)
    assert any(re.match(r"INFO fabnet\.planning\.solve: solved [\d,]+ variables", x) for x in lines)
    assert any(x.startswith("DEBUG fabnet.planning.solve: HiGHS options") for x in lines)
    assert not any(x.startswith("INFO linopy") for x in lines)  # fabnet's logger only
    assert logging.getLogger("fabnet").handlers == []  # taken down when the command ends
    text = log.read_text(encoding="utf-8")
    assert "MIP" in text  # HiGHS's own log of the MIP …
    assert "Solving" in text  # … and of the LPs
    assert f"wrote the solver's log to {log}" in result.stdout.replace("\n", "")


def test_no_verbose_no_log(fabnet: Fabnet, small_scenario: Path) -> None:
    result = fabnet("-q", "gap", small_scenario)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""

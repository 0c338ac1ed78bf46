"""The options the commands share are one definition each: the same flag, checks, help and use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import Result

from fabnet.cli import app
from fabnet.cli._options import (
    DEFAULT_SCENARIO,
    RESULT_FLAGS,
    SOLVER_FLAGS,
    examples,
    out_folder,
    solver,
)
from fabnet.exceptions import ParameterError, SolverError

Fabnet = Callable[..., Result]

#: The commands that solve a plan; each takes the solver flags.
SOLVING = ("plan", "finance", "compare", "risk")

#: The commands with a result; each takes the result flags.
RESULTS = ("gap", "backcast", "plan", "finance", "compare", "risk")


def commands() -> dict[str, Any]:
    """Each command as Typer built it (its parameters: flags, type, default, help)."""
    group = get_command(app)
    assert isinstance(group, TyperGroup)
    return dict(group.commands)


def option(command: Any, flag: str) -> Any:
    return next((p for p in command.params if flag in p.opts), None)


def definition(parameter: Any) -> tuple[Any, ...]:
    """What a user sees of a parameter: flags, type and range, default, help."""
    return (
        tuple(parameter.opts),
        parameter.type_descriptor.annotation,
        getattr(parameter, "min", None),
        getattr(parameter, "max", None),
        parameter.default,
        getattr(parameter, "help", None),
    )


def test_every_command_that_solves_takes_the_same_solver_flags() -> None:
    by_command = commands()
    seen = {}
    for name, command in by_command.items():
        flags = [flag for flag in (*SOLVER_FLAGS, "--gap") if option(command, flag) is not None]
        assert flags in ([], [*SOLVER_FLAGS, "--gap"]), f"{name} takes only {flags}"
        if flags:
            seen[name] = [definition(option(command, f)) for f in flags]
            assert option(command, "--gap").hidden  # the deprecated alias of --mip-gap
    assert set(seen) == set(SOLVING)
    assert all(value == seen["plan"] for value in seen.values())


def test_every_command_with_a_result_takes_the_same_result_flags() -> None:
    seen = {}
    for name, command in commands().items():
        flags = [flag for flag in RESULT_FLAGS if option(command, flag) is not None]
        if name in RESULTS:
            assert flags == list(RESULT_FLAGS), f"{name} takes only {flags}"
            # --out's help says what the command writes; the rest are one definition each.
            seen[name] = [definition(option(command, f)) for f in RESULT_FLAGS[1:]]
        else:
            assert "--json" not in flags, name
            assert "--format" not in flags, name
    assert set(seen) == set(RESULTS)
    assert all(value == seen["plan"] for value in seen.values())
    assert option(commands()["gap"], "--csv").hidden  # the deprecated form of --out --format csv


@pytest.mark.parametrize("command", RESULTS)
def test_the_shared_flags_are_listed_in_help_with_their_defaults(
    fabnet: Fabnet, command: str
) -> None:
    text = fabnet(command, "--help", env={"COLUMNS": "200"}).stdout
    flags = [*SOLVER_FLAGS, *RESULT_FLAGS] if command in SOLVING else list(RESULT_FLAGS)
    positions = [text.index(f"│ {flag} ") for flag in flags]
    assert positions == sorted(positions)
    assert "[default: parquet]" in text
    assert "--gap " not in text  # hidden
    if command in SOLVING:
        for words in ("Solver time limit [s]", "Relative MIP gap to stop", "Solver threads"):
            assert words in text
        assert "KEY=VALUE" in text


@pytest.mark.parametrize(
    ("flag", "users"),
    [
        ("--report", {"gap", "backcast", "plan", "finance", "compare", "risk"}),
        ("--plan", {"finance", "risk"}),
    ],
)
def test_a_shared_option_is_the_same_everywhere(flag: str, users: set[str]) -> None:
    found = {
        name: definition(parameter)
        for name, command in commands().items()
        if (parameter := option(command, flag)) is not None
    }
    assert set(found) == users
    assert len(set(found.values())) == 1


def test_the_scenario_argument_is_the_same_everywhere() -> None:
    found = {
        name: definition(parameter)
        for name, command in commands().items()
        for parameter in command.params
        if parameter.name == "scenario"
    }
    assert set(found) == {"validate", "gap", "backcast", "plan", "finance", "compare", "risk"}
    assert len(set(found.values())) == 1
    assert next(iter(found.values()))[4] == DEFAULT_SCENARIO


def test_out_is_a_folder_wherever_it_is_not_schemas_file() -> None:
    for name, command in commands().items():
        parameter = option(command, "--out")
        if parameter is not None and name != "schema":
            assert parameter.opts == ["--out"]
            assert getattr(parameter, "help", "").endswith(" to this folder."), name


def test_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FABNET_THREADS", raising=False)
    assert solver(60.0, None, 2) == {
        "time_limit_s": 60.0,
        "mip_gap": None,
        "threads": 2,
        "solver_options": {},
        "solver_log": None,
    }
    got = solver(None, None, None, ["presolve=off", " mip_max_nodes = 10 "], Path("h.log"))
    assert got["solver_options"] == {"presolve": "off", "mip_max_nodes": "10"}
    assert got["solver_log"] == Path("h.log")
    monkeypatch.setenv("FABNET_THREADS", "6")
    assert solver(None, None, None)["threads"] == 6  # FABNET_THREADS without --threads
    assert solver(None, None, 2)["threads"] == 2
    assert out_folder("Save it").help == "Save it to this folder."
    assert examples("fabnet a", "fabnet b") == "Examples:\n\n    fabnet a\n\n    fabnet b"
    assert examples("fabnet a", note="Note.") == "Examples:\n\n    fabnet a\n\nNote."


@pytest.mark.parametrize("item", ["presolve", "=off", "presolve=", " = "])
def test_a_solver_option_is_key_equals_value(item: str) -> None:
    with pytest.raises(ParameterError, match=r"--solver-option: must be KEY=VALUE"):
        solver(None, None, None, [item])


def test_gap_and_mip_gap_together_are_refused() -> None:
    with pytest.raises(ParameterError, match=r"--gap: must be left out with --mip-gap"):
        solver(None, 0.1, None, gap=0.2)


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["plan"], "fabnet.planning.plan"),
        (["finance"], "fabnet.planning.plan"),
        (["risk"], "fabnet.planning.plan"),
        (["compare"], "fabnet.finance.compare"),
        (
            ["risk", "--plan", "PLAN", "--samples", "10", "--stochastic"],
            "fabnet.planning.stochastic.stochastic_plan",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else value,
)
def test_the_solver_flags_reach_the_library(
    fabnet: Fabnet,
    *,
    monkeypatch: pytest.MonkeyPatch,
    saved_plan: tuple[Result, Path],
    tmp_path: Path,
    args: list[str],
    target: str,
) -> None:
    got: dict[str, Any] = {}

    def solve(*args: object, **kwargs: Any) -> None:
        got.update(kwargs)
        raise SolverError("stopped", "stopped by the test")

    monkeypatch.setattr(target, solve)
    args = [str(saved_plan[1]) if a == "PLAN" else a for a in args]
    log = tmp_path / "highs.log"
    result = fabnet(
        *args,
        "--time-limit",
        "7",
        "--mip-gap",
        "0.25",
        "--threads",
        "3",
        "--solver-option",
        "presolve=off",
        "--solver-option",
        "mip_max_nodes=10",
        "--solver-log",
        log,
    )
    assert result.exit_code == 5, result.stderr
    assert "error: stopped by the test" in result.stderr
    assert (got["time_limit_s"], got["mip_gap"], got["threads"]) == (7.0, 0.25, 3)
    assert got["solver_options"] == {"presolve": "off", "mip_max_nodes": "10"}
    assert got["solver_log"] == log
    assert log.read_text() == ""  # checked and emptied before the work; the solves append


def test_the_deprecated_gap_flag_and_fabnet_threads_reach_the_library(
    fabnet: Fabnet, monkeypatch: pytest.MonkeyPatch
) -> None:
    got: dict[str, Any] = {}

    def solve(*args: object, **kwargs: Any) -> None:
        got.update(kwargs)
        raise SolverError("stopped", "stopped by the test")

    monkeypatch.setattr("fabnet.planning.plan", solve)
    result = fabnet("finance", "--gap", "0.2", env={"FABNET_THREADS": "5"})
    assert result.exit_code == 5, result.stderr
    assert "warning: --gap is deprecated; use --mip-gap" in result.stderr
    assert (got["mip_gap"], got["threads"]) == (0.2, 5)

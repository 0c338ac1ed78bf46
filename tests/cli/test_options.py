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
from fabnet.cli._options import DEFAULT_SCENARIO, SOLVER_FLAGS, examples, out_folder, solver
from fabnet.exceptions import SolverError

Fabnet = Callable[..., Result]

#: The commands that solve a plan; each takes the solver flags.
SOLVING = ("plan", "finance", "compare", "risk")


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
        flags = [flag for flag in SOLVER_FLAGS if option(command, flag) is not None]
        assert flags in ([], list(SOLVER_FLAGS)), f"{name} takes only {flags}"
        if flags:
            seen[name] = [definition(option(command, f)) for f in flags]
    assert set(seen) == set(SOLVING)
    assert all(value == seen["plan"] for value in seen.values())


@pytest.mark.parametrize("command", SOLVING)
def test_the_solver_flags_are_listed_in_help(fabnet: Fabnet, command: str) -> None:
    text = fabnet(command, "--help").stdout
    positions = [text.index(f"│ {flag} ") for flag in SOLVER_FLAGS]
    assert positions == sorted(positions)
    for words in ("Solver time limit [s].", "Relative MIP gap to stop", "Solver threads."):
        assert words in text


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


def test_helpers() -> None:
    assert solver(60.0, None, 2) == {"time_limit_s": 60.0, "mip_gap": None, "threads": 2}
    assert out_folder("Save it").help == "Save it to this folder."
    assert examples("fabnet a", "fabnet b") == "Examples:\n\n    fabnet a\n\n    fabnet b"
    assert examples("fabnet a", note="Note.") == "Examples:\n\n    fabnet a\n\nNote."


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
    monkeypatch: pytest.MonkeyPatch,
    saved_plan: tuple[Result, Path],
    args: list[str],
    target: str,
) -> None:
    got: dict[str, Any] = {}

    def solve(*args: object, **kwargs: Any) -> None:
        got.update(kwargs)
        raise SolverError("stopped", "stopped by the test")

    monkeypatch.setattr(target, solve)
    args = [str(saved_plan[1]) if a == "PLAN" else a for a in args]
    result = fabnet(*args, "--time-limit", "7", "--gap", "0.25", "--threads", "3")
    assert result.exit_code == 5, result.stderr
    assert "error: stopped by the test" in result.stderr
    assert (got["time_limit_s"], got["mip_gap"], got["threads"]) == (7.0, 0.25, 3)

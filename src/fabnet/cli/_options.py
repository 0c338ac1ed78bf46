"""The arguments and options the commands share, each defined once.

A command declares a shared option by its type, with ``None`` (or the scenario's default) after
it, and Typer reads the flag, the checks and the help from the type::

    def command(
        scenario: ScenarioArg = DEFAULT_SCENARIO,
        time_limit: TimeLimit = None,
        gap: MipGap = None,
        threads: Threads = None,
        out: Annotated[Path | None, out_folder("Write the tables")] = None,
        report: ReportFile = None,
    ) -> None:
        result = library_call(..., **solver(time_limit, gap, threads))

A command that solves takes all three solver flags and hands them on with :func:`solver`;
``tests/cli/test_options.py`` checks that none drifts from these definitions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypedDict, cast

import typer

if TYPE_CHECKING:
    from typer.models import OptionInfo

__all__ = [
    "DEFAULT_SCENARIO",
    "SOLVER_FLAGS",
    "MipGap",
    "PlanDir",
    "ReportFile",
    "ScenarioArg",
    "SolverSettings",
    "Threads",
    "TimeLimit",
    "examples",
    "out_folder",
    "solver",
]

DEFAULT_SCENARIO = "altman-2024"

ScenarioArg = Annotated[
    str,
    typer.Argument(help="A scenario file (.yaml) or a built-in scenario name.", show_default=True),
]
ReportFile = Annotated[
    Path | None, typer.Option("--report", help="Write the HTML report to this file.")
]
PlanDir = Annotated[
    Path | None,
    typer.Option("--plan", help="A plan saved by fabnet plan --out (its own scenario is used)."),
]

TimeLimit = Annotated[
    float | None,
    typer.Option("--time-limit", min=0.1, max=7 * 24 * 3600.0, help="Solver time limit [s]."),
]
MipGap = Annotated[
    float | None, typer.Option("--gap", min=0.0, max=1.0, help="Relative MIP gap to stop at.")
]
Threads = Annotated[int | None, typer.Option("--threads", min=0, max=1024, help="Solver threads.")]

#: The flags of every command that solves, in the order its ``--help`` lists them.
SOLVER_FLAGS = ("--time-limit", "--gap", "--threads")


class SolverSettings(TypedDict):
    """The solver flags as the library's keyword arguments (``plan``, ``compare``, …)."""

    time_limit_s: float | None
    mip_gap: float | None
    threads: int | None


def solver(time_limit: float | None, gap: float | None, threads: int | None) -> SolverSettings:
    """The solver flags for ``**`` into a library call; ``None`` keeps the scenario's setting."""
    return {"time_limit_s": time_limit, "mip_gap": gap, "threads": threads}


def out_folder(what: str) -> OptionInfo:
    """``--out DIR``: *what* the command writes there, as its help says ("… to this folder.")."""
    return cast("OptionInfo", typer.Option("--out", help=f"{what} to this folder."))


def examples(*commands: str, note: str = "") -> str:
    """A command's epilog: its example command lines, then an optional note."""
    text = "Examples:\n\n" + "\n\n".join(f"    {command}" for command in commands)
    return f"{text}\n\n{note}" if note else text

"""The arguments and options the commands share, each defined once.

A command declares a shared option by its type, with ``None`` (or its default) after it, and
Typer reads the flag, the checks and the help from the type. Every command with a result takes
the result flags (:data:`RESULT_FLAGS`); every command that solves takes the solver flags
(:data:`SOLVER_FLAGS`) and hands them on with :func:`solver`::

    def command(
        scenario: ScenarioArg = DEFAULT_SCENARIO,
        time_limit: TimeLimit = None,
        mip_gap: MipGap = None,
        threads: Threads = None,
        solver_option: SolverOption = None,
        solver_log: SolverLog = None,
        gap: GapAlias = None,
        out: Annotated[Path | None, out_folder("Write the tables")] = None,
        out_format: Format = "parquet",
        report: ReportFile = None,
        full: Full = False,
        as_json: Json = False,
    ) -> None:
        settings = solver(time_limit, mip_gap, threads, solver_option, solver_log, gap=gap)
        result = library_call(..., **settings)

``tests/cli/test_options.py`` checks that none drifts from these definitions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict, cast

import typer

if TYPE_CHECKING:
    from typer.models import OptionInfo

__all__ = [
    "DEFAULT_SCENARIO",
    "RESULT_FLAGS",
    "SOLVER_FLAGS",
    "Format",
    "Full",
    "GapAlias",
    "Json",
    "MipGap",
    "PlanDir",
    "Relax",
    "ReportFile",
    "ScenarioArg",
    "SolverLog",
    "SolverOption",
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
    Path | None,
    typer.Option(
        "--report",
        metavar="FILE.html",
        help="Write the HTML report (this command's sections) to this file.",
    ),
]
Full = Annotated[
    bool,
    typer.Option(
        "--full",
        help="The report with the whole chain above this command (gap, plan, money, risk) in"
        " full, not summarised.",
        show_default=True,
    ),
]
Format = Annotated[
    Literal["parquet", "csv", "netcdf"],
    typer.Option(
        "--format",
        help="Format of the --out folder: Parquet tables, CSV tables or one netCDF4 file.",
        show_default=True,
    ),
]
Json = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print the headline figures as one JSON object instead of the tables.",
        show_default=True,
    ),
]
PlanDir = Annotated[
    Path | None,
    typer.Option("--plan", help="A plan saved by fabnet plan --out (its own scenario is used)."),
]

TimeLimit = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        min=0.1,
        max=7 * 24 * 3600.0,
        help="Solver time limit [s] (default: the scenario's solver.time_limit_s).",
    ),
]
MipGap = Annotated[
    float | None,
    typer.Option(
        "--mip-gap",
        min=0.0,
        max=1.0,
        help="Relative MIP gap to stop at (default: the scenario's solver.mip_gap).",
    ),
]
#: ``--gap``, the old name of ``--mip-gap`` (it collides with the ``gap`` command): hidden,
#: deprecated, still read.
GapAlias = Annotated[
    float | None,
    typer.Option("--gap", min=0.0, max=1.0, hidden=True, help="Deprecated: use --mip-gap."),
]
Threads = Annotated[
    int | None,
    typer.Option(
        "--threads",
        min=0,
        max=1024,
        help="Solver threads, 0 for HiGHS's choice (default: FABNET_THREADS, else the"
        " scenario's solver.threads).",
    ),
]
SolverOption = Annotated[
    list[str] | None,
    typer.Option(
        "--solver-option",
        metavar="KEY=VALUE",
        help="A HiGHS option, repeatable: --solver-option presolve=off (HiGHS's list:"
        " ergo-code.github.io/HiGHS/stable/options/definitions).",
    ),
]
SolverLog = Annotated[
    Path | None,
    typer.Option("--solver-log", metavar="FILE", help="Keep HiGHS's log of every solve here."),
]
Relax = Annotated[
    bool,
    typer.Option(
        "--relax", help="Solve the LP relaxation (fractional modules).", show_default=True
    ),
]

#: The flags of every command that solves, in the order its ``--help`` lists them.
SOLVER_FLAGS = ("--time-limit", "--mip-gap", "--threads", "--solver-option", "--solver-log")

#: The flags of every command with a result, in the order its ``--help`` lists them.
RESULT_FLAGS = ("--out", "--format", "--report", "--full", "--json")


class SolverSettings(TypedDict):
    """The solver flags as the library's keyword arguments (``plan``, ``compare``, …)."""

    time_limit_s: float | None
    mip_gap: float | None
    threads: int | None
    solver_options: dict[str, Any]
    solver_log: Path | None


def solver(
    time_limit: float | None,
    mip_gap: float | None,
    threads: int | None,
    solver_option: list[str] | None = None,
    solver_log: Path | None = None,
    *,
    gap: float | None = None,
) -> SolverSettings:
    """The solver flags for ``**`` into a library call; ``None`` keeps the scenario's setting.

    ``--threads`` unset, ``FABNET_THREADS`` sets the threads; ``--gap`` (deprecated) stands for
    ``--mip-gap``; each ``--solver-option`` is ``KEY=VALUE`` (HiGHS checks the key and value
    in the library, before any work).

    Raises
    ------
    ParameterError
        For a ``--solver-option`` without ``=`` or a key, or both ``--gap`` and ``--mip-gap``.
    """
    from fabnet.exceptions import ParameterError
    from fabnet.options import Options

    if gap is not None:
        if mip_gap is not None:
            raise ParameterError("--gap", "left out with --mip-gap (it is its old name)", gap)
        typer.echo("warning: --gap is deprecated; use --mip-gap", err=True)
        mip_gap = gap
    options: dict[str, Any] = {}
    for item in solver_option or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ParameterError("--solver-option", "KEY=VALUE (presolve=off)", item)
        options[key.strip()] = value.strip()
    return {
        "time_limit_s": time_limit,
        "mip_gap": mip_gap,
        "threads": threads if threads is not None else Options.from_env().threads,
        "solver_options": options,
        "solver_log": solver_log,
    }


def out_folder(what: str) -> OptionInfo:
    """``--out DIR``: *what* the command writes there, as its help says ("… to this folder.")."""
    return cast("OptionInfo", typer.Option("--out", metavar="DIR", help=f"{what} to this folder."))


def examples(*commands: str, note: str = "") -> str:
    """A command's epilog: its example command lines, then an optional note."""
    text = "Examples:\n\n" + "\n\n".join(f"    {command}" for command in commands)
    return f"{text}\n\n{note}" if note else text

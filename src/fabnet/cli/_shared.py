"""How every command runs: its consoles, its exit codes, its scenario, the solver's progress.

Each command is registered through :func:`guarded` (in :mod:`fabnet.cli`), so that every one
maps fabnet's errors to the same exit codes (README, "Exit codes"):

====  ==========================================================================
code  when
====  ==========================================================================
1     an unexpected error (a bug); ``FABNET_DEBUG=1`` shows the traceback instead
2     bad input: :class:`~fabnet.exceptions.ScenarioError` (one line per problem),
      :class:`~fabnet.exceptions.ParameterError`, a command-line usage error
3     :class:`~fabnet.exceptions.InfeasiblePlanError`, with its diagnosis
4     :class:`~fabnet.exceptions.CatalogError`
5     :class:`~fabnet.exceptions.SolverError` (the solver found no plan)
130   interrupted (Ctrl-C)
====  ==========================================================================
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec

import typer

from fabnet.exceptions import FabnetError, ScenarioError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from fabnet.catalog import Catalog
    from fabnet.cli._options import SolverSettings
    from fabnet.planning import Plan, Progress
    from fabnet.scenario import Scenario

__all__ = [
    "console",
    "guard",
    "guarded",
    "load",
    "load_or_plan",
    "show_progress",
    "solver_progress",
]

P = ParamSpec("P")


def console(stderr: bool = False) -> Console:
    """A Rich console on stdout (results) or stderr (errors, progress, timings)."""
    from rich.console import Console

    from fabnet.options import Options

    options = Options.from_env()
    return Console(
        stderr=stderr,
        no_color=not options.color,
        highlight=False,
        width=None if sys.stdout.isatty() else 120,
    )


@contextmanager
def guard() -> Iterator[None]:
    """Turn fabnet's errors into messages and exit codes; never a traceback for bad input."""
    try:
        yield
    except typer.Exit:
        raise
    except ScenarioError as exc:
        err = console(stderr=True)
        noun = "problem" if len(exc.issues) == 1 else "problems"
        err.print(f"[bold red]error:[/] {len(exc.issues)} {noun} in the scenario", markup=True)
        for issue in exc.issues:
            err.print(str(issue), markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except FabnetError as exc:
        console(stderr=True).print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        console(stderr=True).print("interrupted", markup=False)
        raise typer.Exit(130) from None
    except Exception as exc:
        from fabnet.options import Options

        if Options.from_env().debug:
            raise
        console(stderr=True).print(
            f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in fabnet; rerun with"
            " FABNET_DEBUG=1 for the traceback and please report it.",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None


def guarded(command: Callable[P, None]) -> Callable[P, None]:
    """*command* run inside :func:`guard`; Typer still reads its parameters (``__wrapped__``)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        with guard():
            command(*args, **kwargs)

    return run


def load(scenario: str) -> tuple[Scenario, Catalog]:
    """The scenario named on the command line (a file or a built-in name) and the catalog."""
    from fabnet.catalog import load_catalog
    from fabnet.scenario import load_scenario

    catalog = load_catalog()
    loaded = load_scenario(Path(scenario) if _is_file(scenario) else scenario, catalog=catalog)
    return loaded, catalog


def load_or_plan(
    scenario: str, plan_dir: Path | None, settings: SolverSettings, *, shadow_prices: bool = True
) -> tuple[Plan, Catalog]:
    """The plan saved in *plan_dir* (``--plan``), or else *scenario* planned now (showing the
    solver's progress), and the catalog."""
    from fabnet.catalog import load_catalog
    from fabnet.planning import load_plan, plan

    if plan_dir is not None:
        return load_plan(plan_dir), load_catalog()
    loaded, catalog = load(scenario)
    with solver_progress() as on_progress:
        result = plan(
            loaded,
            catalog=catalog,
            **settings,
            shadow_prices=shadow_prices,
            on_progress=on_progress,
        )
    return result, catalog


def _is_file(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or Path(ref).exists()


def show_progress(err: Console) -> bool:
    """Whether to show progress on *err*: a terminal, and ``FABNET_NO_PROGRESS`` unset."""
    from fabnet.options import Options

    return Options.from_env().progress and err.is_terminal


@contextmanager
def solver_progress() -> Iterator[Callable[[Progress], None]]:
    """A live line on stderr with the solver's time, incumbent, bound and gap, gone at the end.

    Yields the ``on_progress`` callback for :func:`fabnet.plan`.
    """
    from rich.live import Live
    from rich.table import Table

    err = console(stderr=True)

    def show(progress: Progress) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_row(
            "solving",
            f"{progress.seconds:6.1f} s",
            f"incumbent {progress.incumbent:,.6g}",
            f"bound {progress.bound:,.6g}",
            f"gap {progress.gap:.2%}",
        )
        return grid

    with Live(
        Table.grid(padding=(0, 2)),
        console=err,
        transient=True,
        auto_refresh=show_progress(err),
    ) as live:
        yield lambda progress: live.update(show(progress))

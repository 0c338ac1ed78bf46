"""How every command runs: its consoles, its exit codes, its scenario, its outputs, the solver's
progress.

Each command is registered through :func:`guarded` (in :mod:`fabnet.cli`), so that every one
maps fabnet's errors to the same exit codes (README, "Exit codes"):

====  ==========================================================================
code  when
====  ==========================================================================
1     an unexpected error (a bug); ``FABNET_DEBUG=1`` shows the traceback instead
2     bad input: :class:`~fabnet.exceptions.ScenarioError` (one line per problem),
      :class:`~fabnet.exceptions.ParameterError`, a command-line usage error,
      :class:`~fabnet.exceptions.OutputPathError` (an output path that cannot be used),
      :class:`~fabnet.exceptions.CorruptResultError` (a saved result that fails its check)
3     :class:`~fabnet.exceptions.InfeasiblePlanError`, with its diagnosis
4     :class:`~fabnet.exceptions.CatalogError`
5     :class:`~fabnet.exceptions.SolverError` (the solver found no plan)
6     :class:`~fabnet.exceptions.StorageError`, or any disk error (read-only or full file
      system, no permission): the environment, not the input or fabnet
130   interrupted (Ctrl-C)
====  ==========================================================================

A command that writes files calls :func:`outputs` first, before any work: the paths are checked
and locked until the command ends (a second run writing the same path is refused at once), and
:func:`write_outputs` writes them at the end.
"""

from __future__ import annotations

import errno
import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec

import typer

from fabnet.exceptions import FabnetError, ScenarioError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from fabnet.catalog import Catalog
    from fabnet.cli._options import SolverSettings
    from fabnet.outlook import GapResult
    from fabnet.planning import Plan, Progress, StochasticPlan
    from fabnet.report._report import Result
    from fabnet.scenario import Scenario

__all__ = [
    "Outputs",
    "console",
    "guard",
    "guarded",
    "load",
    "load_or_plan",
    "outputs",
    "show_progress",
    "solver_progress",
    "write_outputs",
]

P = ParamSpec("P")

#: What the running command holds until it ends (its output locks); set by :func:`guard`.
_HELD: ContextVar[ExitStack | None] = ContextVar("fabnet_cli_held", default=None)

#: System errors that are the environment's, not a bug: exit 6 even where no fabnet code
#: turned them into a :class:`~fabnet.exceptions.StorageError`.
DISK_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EFBIG}
)


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
    """Turn fabnet's errors into messages and exit codes; never a traceback for bad input.

    What the command takes into the run's hold (:func:`outputs`: its output locks) is released
    when it ends, however it ends.
    """
    with ExitStack() as held:
        token = _HELD.set(held)
        try:
            with _mapped():
                yield
        finally:
            _HELD.reset(token)


@contextmanager
def _mapped() -> Iterator[None]:
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
        if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
            from fabnet.outputs import storage_error

            shown = "a file" if exc.filename is None else str(exc.filename)
            error = storage_error(exc, shown, doing="read or write")
            console(stderr=True).print(f"error: {error}", markup=False, soft_wrap=True)
            raise typer.Exit(error.exit_code) from None
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
        import warnings

        from fabnet.outputs import UnverifiedResultWarning

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UnverifiedResultWarning)
            try:
                saved = load_plan(plan_dir)
            finally:
                for warning in caught:
                    message = f"warning: {warning.message}"
                    console(stderr=True).print(message, markup=False, soft_wrap=True)
        return saved, load_catalog()
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


@dataclass(frozen=True)
class Outputs:
    """A command's output paths, checked and locked by :func:`outputs` before its work.

    Attributes
    ----------
    folder : Path or None
        The result folder (``--out`` or ``--csv``).
    file : Path or None
        The file (``--report``, or ``schema --out``).
    """

    folder: Path | None = None
    file: Path | None = None


def outputs(
    folder: Path | None = None,
    file: Path | None = None,
    *,
    folder_option: str = "--out",
    file_option: str = "--report",
    names: tuple[str, ...] = (),
) -> Outputs:
    """Check the command's output paths and lock them until it ends: call it before any work.

    A folder must be new, empty or a fabnet result (:func:`fabnet.outputs.check_folder`, with
    *names* the files an older fabnet wrote there); a file must not be a folder; neither may be
    written by another run, and the report may not lie in the folder (which is replaced whole).
    Each lock is held until the command ends (:func:`guard`), so that the save at the end takes
    it again in this process and no other run can take it meanwhile.

    Raises
    ------
    OutputPathError
        If a path cannot be used (exit 2).
    StorageError
        If its folder cannot be created or written (exit 6).
    """
    from fabnet.exceptions import OutputPathError
    from fabnet.outputs import check_file, check_folder, locked

    held = _HELD.get()
    if folder is not None:
        where = check_folder(folder, names=names, option=folder_option)
        target = None if file is None else check_file(file, option=file_option)
        if target is not None and (target == where or where in target.parents):
            raise OutputPathError(
                f"{file_option} {file}",
                f"lies in the {folder_option} folder, which fabnet replaces whole; write it"
                " beside that folder",
            )
    if file is not None:
        check_file(file, option=file_option)
    for path, option in ((folder, folder_option), (file, file_option)):
        if path is not None:
            lock = locked(path, option=option)
            if held is None:  # outside a command (a test calling it): check, do not hold
                with lock:
                    pass
            else:
                held.enter_context(lock)
    return Outputs(folder, file)


def write_outputs(
    printer: Console,
    paths: Outputs,
    result: Result,
    save: Callable[[Path], object],
    what: str,
    *,
    outlook: GapResult | Callable[[], GapResult] | None = None,
    stochastic: StochasticPlan | None = None,
) -> None:
    """The end of a command that writes: ``save(folder)`` and the report of *result*, each
    where :func:`outputs` checked, each followed by a line on *printer*.

    *what* names the folder's content ("the plan"); *outlook* (or a function that computes it,
    called only when there is a report) and *stochastic* go to
    :func:`fabnet.report.write_report`.
    """
    if paths.folder is not None:
        save(paths.folder)
        printer.print(f"wrote {what} to {paths.folder}", markup=False, soft_wrap=True)
    if paths.file is not None:
        from fabnet.report import write_report

        gap = outlook() if callable(outlook) else outlook
        write_report(result, paths.file, outlook=gap, stochastic=stochastic)
        printer.print(f"wrote {paths.file}", markup=False, soft_wrap=True)


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

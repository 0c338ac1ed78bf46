"""How every command runs: its consoles, its exit codes, its messages, its scenario, its outputs,
its progress and its log.

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

A :class:`~fabnet.exceptions.ParameterError` from a library call names the library's parameter;
the guard names the command-line flag instead (:data:`FLAGS`: ``--sobol: must be a power of 2``,
not ``sobol_samples: …``).

A command that writes files calls :func:`outputs` first, before any work: the paths are checked
and locked until the command ends (a second run writing the same path is refused at once), and
:func:`write_outputs` writes them at the end.

While a command runs, :func:`progress` is its :class:`~fabnet.cli._progress.Progress` on stderr,
and the ``fabnet`` logger writes to stderr at the level of ``fabnet -v`` (INFO) or ``-vv`` (DEBUG)
(else ``FABNET_LOG_LEVEL``, default WARNING); both are set up by :func:`guard` and taken down
when the command ends.
"""

from __future__ import annotations

import errno
import functools
import logging
import math
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec

import typer

from fabnet.cli._progress import Progress as CommandProgress
from fabnet.exceptions import FabnetError, ParameterError, ScenarioError

if TYPE_CHECKING:
    from rich.console import Console

    from fabnet.catalog import Catalog
    from fabnet.cli._options import SolverSettings
    from fabnet.outlook import GapResult
    from fabnet.planning import Plan, StochasticPlan
    from fabnet.report._report import Result
    from fabnet.scenario import Scenario

__all__ = [
    "FLAGS",
    "Outputs",
    "Run",
    "console",
    "emit_json",
    "guard",
    "guarded",
    "load",
    "load_or_plan",
    "outputs",
    "progress",
    "write_outputs",
]

P = ParamSpec("P")

#: The library's parameters as the command line names them. A ParameterError from a library
#: call the CLI makes, about one of these, is shown with the flag (:func:`guard`).
FLAGS = {
    "time_limit_s": "--time-limit",
    "mip_gap": "--mip-gap",
    "threads": "--threads",
    "solver_options": "--solver-option",
    "solver_log": "--solver-log",
    "objective": "--objective",
    "budget_musd": "--budget",
    "strategies": "--strategies",
    "samples": "--samples",
    "seed": "--seed",
    "method": "--method",
    "threshold": "--threshold",
    "alpha": "--alpha",
    "sobol_samples": "--sobol",
    "scenarios": "--scenarios",
    "first_stage_years": "--first-stage-years",
    "cvar_weight": "--cvar-weight",
}


@dataclass(frozen=True)
class Run:
    """How this invocation runs, from the root options: ``-v`` (count) and ``--quiet``."""

    verbose: int = 0
    quiet: bool = False


#: The root options of the current invocation (``fabnet -v -q COMMAND``), set by the app's
#: callback before the command runs.
RUN: ContextVar[Run] = ContextVar("fabnet_cli_run", default=Run())  # noqa: B039 - frozen

#: What the running command holds until it ends (its output locks); set by :func:`guard`.
_HELD: ContextVar[ExitStack | None] = ContextVar("fabnet_cli_held", default=None)
#: The running command's stderr console and progress; set by :func:`guard`.
_ERR: ContextVar[Console | None] = ContextVar("fabnet_cli_err", default=None)
_PROGRESS: ContextVar[CommandProgress | None] = ContextVar("fabnet_cli_progress", default=None)

#: System errors that are the environment's, not a bug: exit 6 even where no fabnet code
#: turned them into a :class:`~fabnet.exceptions.StorageError`.
_log = logging.getLogger("fabnet.cli")

DISK_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EFBIG}
)


def console(stderr: bool = False) -> Console:
    """A Rich console on stdout (results) or stderr (errors, progress, timings).

    Its width is the terminal's, or ``COLUMNS`` where set, else 120 (a file or a pipe). Within
    a command the stderr console is one object, shared by the progress display and the log.
    """
    import os

    from rich.console import Console

    from fabnet.options import Options

    if stderr and (shared := _ERR.get()) is not None:
        return shared
    options = Options.from_env()
    stream = sys.stderr if stderr else sys.stdout
    columns = os.environ.get("COLUMNS", "")
    return Console(
        stderr=stderr,
        no_color=not options.color,
        highlight=False,
        width=None if stream.isatty() or columns.isdigit() else 120,
    )


def progress() -> CommandProgress:
    """The running command's progress on stderr (outside a command: one that shows nothing)."""
    shown = _PROGRESS.get()
    if shown is None:
        return CommandProgress("fabnet", console(stderr=True), enabled=False, terminal=False)
    return shown


@contextmanager
def guard(command: str = "fabnet") -> Iterator[None]:
    """Turn fabnet's errors into messages and exit codes; never a traceback for bad input.

    What the command takes into the run's hold (:func:`outputs`: its output locks) is released
    when it ends, however it ends; its progress display and its log handler are set up here and
    taken down before an error is shown.
    """
    with ExitStack() as held:
        token = _HELD.set(held)
        err_token = _ERR.set(None)
        err = console(stderr=True)
        _ERR.set(err)
        try:
            with _mapped(), _logging(err), _progress(command, err):
                yield
        finally:
            _HELD.reset(token)
            _ERR.reset(err_token)


@contextmanager
def _progress(command: str, err: Console) -> Iterator[None]:
    from fabnet.options import Options

    shown = CommandProgress(
        command,
        err,
        enabled=Options.from_env().progress and not RUN.get().quiet,
        terminal=err.is_terminal,
    )
    token = _PROGRESS.set(shown)
    try:
        with shown:
            yield
    finally:
        _PROGRESS.reset(token)


@contextmanager
def _logging(err: Console) -> Iterator[None]:
    """The ``fabnet`` logger on stderr while the command runs: INFO with ``-v``, DEBUG with
    ``-vv``, else ``FABNET_LOG_LEVEL`` (WARNING unless set)."""
    from fabnet.options import Options

    verbose = RUN.get().verbose
    level = (
        logging.DEBUG
        if verbose >= 2
        else logging.INFO
        if verbose == 1
        else getattr(logging, Options.from_env().log_level)
    )
    handler: logging.Handler
    if err.is_terminal:
        from rich.logging import RichHandler

        handler = RichHandler(console=err, show_path=False, show_time=False)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    logger = logging.getLogger("fabnet")
    before = logger.level
    logger.setLevel(level)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


@contextmanager
def _mapped() -> Iterator[None]:
    try:
        yield
    except typer.Exit:
        raise
    except ScenarioError as exc:
        err = console(stderr=True)
        noun = "problem" if len(exc.issues) == 1 else "problems"
        err.print(f"[bold red]error:[/] {len(exc.issues)} {noun} in the {exc.what}", markup=True)
        for issue in exc.issues:
            err.print(str(issue), markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except ParameterError as exc:
        flag = FLAGS.get(exc.parameter, exc.parameter)
        message = f"{flag}: must be {exc.allowed} (got {exc.got})"
        console(stderr=True).print(f"error: {message}", markup=False, soft_wrap=True)
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
        with guard(command.__name__):
            command(*args, **kwargs)

    return run


def load(scenario: str) -> tuple[Scenario, Catalog]:
    """The scenario named on the command line (a file or a built-in name) and the catalog."""
    from fabnet.catalog import load_catalog
    from fabnet.scenario import load_scenario

    progress().step("loading the scenario")
    catalog = load_catalog()
    ref = Path(scenario) if _is_file(scenario) else scenario
    loaded = load_scenario(ref, catalog=catalog)
    _log.info("loaded scenario %s from %s", loaded.name, ref if isinstance(ref, Path) else "fabnet")
    return loaded, catalog


def load_or_plan(
    scenario: str,
    plan_dir: Path | None,
    settings: SolverSettings,
    *,
    shadow_prices: bool = True,
    relax: bool = False,
) -> tuple[Plan, Catalog]:
    """The plan saved in *plan_dir* (``--plan``), or else *scenario* planned now (showing the
    solver's progress), and the catalog."""
    from fabnet.catalog import load_catalog
    from fabnet.planning import load_plan, plan

    if plan_dir is not None:
        progress().step("reading the plan")
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
        _log.info("read the plan of %s from %s", saved.scenario.name, plan_dir)
        return saved, load_catalog()
    loaded, catalog = load(scenario)
    shown = progress()
    shown.step(f"planning {loaded.name}")
    result = plan(
        loaded,
        catalog=catalog,
        **settings,
        relax=relax,
        shadow_prices=shadow_prices,
        on_progress=shown.solver,
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
    log : Path or None
        The solver's log (``--solver-log``), emptied by :func:`outputs`.
    """

    folder: Path | None = None
    file: Path | None = None
    log: Path | None = None


def outputs(
    folder: Path | None = None,
    file: Path | None = None,
    *,
    folder_option: str = "--out",
    file_option: str = "--report",
    names: tuple[str, ...] = (),
    log: Path | None = None,
    out_format: str = "parquet",
) -> Outputs:
    """Check the command's output paths and lock them until it ends: call it before any work.

    A folder must be new, empty or a fabnet result (:func:`fabnet.outputs.check_folder`, with
    *names* the files an older fabnet wrote there); a file must not be a folder; neither may be
    written by another run, and the report may not lie in the folder (which is replaced whole).
    Each lock is held until the command ends (:func:`guard`), so that the save at the end takes
    it again in this process and no other run can take it meanwhile. The solver's *log*
    (``--solver-log``) is checked as a file and emptied: the solves append to it. A report,
    or a folder in *out_format* ``netcdf``, needs its optional packages
    (:func:`fabnet._extras.require`): a missing one is said now, not after the work.

    Raises
    ------
    OutputPathError
        If a path cannot be used (exit 2).
    StorageError
        If its folder cannot be created or written (exit 6).
    """
    from fabnet._extras import require
    from fabnet.exceptions import OutputPathError
    from fabnet.outputs import check_file, check_folder, locked

    if file is not None and file_option == "--report":
        require("report", "--report")
    if folder is not None and out_format == "netcdf":
        require("netcdf", "--format netcdf")
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
    if log is not None:
        target = check_file(log, option="--solver-log")
        if folder is not None and where in target.parents:
            raise OutputPathError(
                f"--solver-log {log}",
                f"lies in the {folder_option} folder, which fabnet replaces whole; write it"
                " beside that folder",
            )
    for path, option in ((folder, folder_option), (file, file_option), (log, "--solver-log")):
        if path is not None:
            lock = locked(path, option=option)
            if held is None:  # outside a command (a test calling it): check, do not hold
                with lock:
                    pass
            else:
                held.enter_context(lock)
    if log is not None:
        from fabnet.outputs import write_atomic

        write_atomic(log, "", option="--solver-log")
    return Outputs(folder, file, log)


def write_outputs(
    printer: Console,
    paths: Outputs,
    result: Result,
    what: str,
    *,
    out_format: str = "parquet",
    full: bool = False,
    outlook: GapResult | Callable[[], GapResult] | None = None,
    stochastic: StochasticPlan | None = None,
) -> None:
    """The end of a command that writes: ``result.save(folder, format=out_format)`` and the
    report of *result*, each where :func:`outputs` checked, each followed by a line on
    *printer* (stdout, or stderr under ``--json``).

    *what* names the folder's content ("the plan"); *outlook* (or a function that computes it,
    called only when there is a report), *stochastic* and *full* go to
    :func:`fabnet.report.write_report`.
    """
    if paths.folder is not None:
        progress().step(f"writing {what}")
        result.save(paths.folder, format=out_format)  # type: ignore[arg-type]
        _log.info("wrote %s to %s (%s)", what, paths.folder, out_format)
        printer.print(f"wrote {what} to {paths.folder}", markup=False)
    if paths.file is not None:
        from fabnet.report import write_report

        progress().step("writing the report")
        gap = outlook() if callable(outlook) else outlook
        extra: dict[str, Any] = {"full": True} if full else {}
        write_report(result, paths.file, outlook=gap, stochastic=stochastic, **extra)
        _log.info("wrote the report to %s", paths.file)
        printer.print(f"wrote {paths.file}", markup=False)
    if paths.log is not None:
        printer.print(f"wrote the solver's log to {paths.log}", markup=False)


def finish(
    paths: Outputs,
    result: Result,
    show: Callable[[Console, Any], None],
    what: str,
    *,
    as_json: bool,
    out_format: str,
    full: bool,
    outlook: GapResult | Callable[[], GapResult] | None = None,
) -> None:
    """The end of a result command: its headline as JSON (``--json``) or its tables
    (``show(console, result)``) on stdout, then :func:`write_outputs` (whose lines go to stderr
    under ``--json``, so that stdout holds the JSON alone)."""
    out_console = console(stderr=as_json)
    if as_json:
        emit_json(result.headline())
    else:
        show(out_console, result)
    write_outputs(
        out_console, paths, result, what, out_format=out_format, full=full, outlook=outlook
    )


def emit_json(figures: Mapping[str, Any]) -> None:
    """Print *figures* (a result's headline) as one JSON object on stdout: numbers as JSON
    numbers (NumPy's too), NaN and infinities as ``null``."""
    import json

    def plain(value: Any) -> Any:
        if hasattr(value, "item") and not isinstance(value, str):  # a NumPy scalar
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    typer.echo(json.dumps(plain(figures), allow_nan=False, ensure_ascii=False))


def _is_file(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or Path(ref).exists()

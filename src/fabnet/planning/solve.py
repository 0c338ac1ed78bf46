"""Solving the planning model with HiGHS through linopy's solver interface.

The model goes to HiGHS once (``linopy.solvers.Solver.from_name("highs", model,
io_api="direct")``); before it runs, the solve subscribes to highspy's MIP callbacks on the
solver's ``solver_model`` (the incumbent, bound and gap for a live display) and sets the time
limit, the relative gap, the threads and the seed as HiGHS options; linopy runs it (Ctrl-C
cancels the solve) and ``Model.assign_result`` writes the values and duals back. The solve
*always* hands back what it has: the incumbent with its bound, gap and status, or a clear status
when there is none.

Any other HiGHS option may be passed as ``solver_options`` (checked against HiGHS's own list by
:func:`highs_options` before any work), and HiGHS's log kept in a file (``solver_log``: each solve
appends its log there). The ``fabnet.planning.solve`` logger says each model's size, how its solve
ended and how long it took.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.exceptions import ParameterError

if TYPE_CHECKING:
    import linopy

__all__ = ["FEASIBLE", "HIGHS_OPTIONS_URL", "Progress", "SolveInfo", "highs_options", "solve"]

logger = logging.getLogger(__name__)

#: Where HiGHS lists its options, their types and ranges.
HIGHS_OPTIONS_URL = "https://ergo-code.github.io/HiGHS/stable/options/definitions/"

#: Statuses after which a solution (the optimum or an incumbent) is available.
FEASIBLE = ("optimal", "time_limit", "gap_limit", "interrupted", "solution_limit")


@dataclass(frozen=True)
class Progress:
    """A snapshot of the MIP search: elapsed seconds, incumbent, bound, relative gap."""

    seconds: float
    incumbent: float
    bound: float
    gap: float


@dataclass(frozen=True)
class SolveInfo:
    """How the solve ended."""

    status: str  # optimal, time_limit, infeasible, unbounded, no_solution, …
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    variables: int
    constraints: int
    integer_variables: int
    iis: tuple[str, ...] = ()

    @property
    def has_solution(self) -> bool:
        """Whether variable values are available."""
        return self.status in FEASIBLE and self.objective is not None


def highs_options(solver_options: Mapping[str, Any] | None) -> dict[str, Any]:
    """HiGHS options checked against HiGHS's own list, each value in the option's type.

    A value may be given as text (``"off"``, ``"0.02"``, ``"true"``), as the command line gives
    it, or typed; HiGHS converts and range-checks it.

    Parameters
    ----------
    solver_options : mapping of str to object, optional
        HiGHS option names and values (:data:`HIGHS_OPTIONS_URL`), e.g.
        ``{"presolve": "off", "mip_heuristic_effort": 0.2}``.

    Returns
    -------
    dict
        The options with typed values (empty for ``None``).

    Raises
    ------
    ParameterError
        For an option HiGHS does not know, or a value it refuses (``solver_options``).

    Examples
    --------
    >>> highs_options({"presolve": "off", "mip_max_nodes": "100", "mip_detect_symmetry": "false"})
    {'presolve': 'off', 'mip_max_nodes': 100, 'mip_detect_symmetry': False}
    """
    if not solver_options:
        return {}
    import highspy

    with _quiet_stdout():  # HiGHS prints a banner, and its refusals, from C++
        scratch = highspy.Highs()  # type: ignore[no-untyped-call]
        scratch.setOptionValue("output_flag", False)
        checked: dict[str, Any] = {}
        for key, value in solver_options.items():
            known, kind = scratch.getOptionType(str(key))
            if known != highspy.HighsStatus.kOk:
                raise ParameterError(
                    "solver_options", f"HiGHS options (see {HIGHS_OPTIONS_URL})", f"{key}={value}"
                )
            text = str(value).lower() if isinstance(value, bool) else value
            if scratch.setOptionValue(str(key), text) != highspy.HighsStatus.kOk:
                raise ParameterError(
                    "solver_options",
                    f"a value HiGHS accepts for {key} (a {_KINDS.get(kind.name, kind.name)} in"
                    " its range)",
                    f"{key}={value}",
                )
            checked[str(key)] = scratch.getOptionValue(str(key))[1]
    return checked


#: HiGHS's option types in words.
_KINDS = {"kBool": "true or false", "kInt": "whole number", "kDouble": "number", "kString": "word"}


def solve(
    model: linopy.Model,
    *,
    time_limit_s: float = 300.0,
    mip_gap: float = 0.01,
    threads: int = 0,
    random_seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    solver_log: str | Path | None = None,
) -> SolveInfo:
    """Solve ``model`` with HiGHS and write the solution into its variables (and duals, for
    an LP, into its constraints).

    Parameters
    ----------
    model : linopy.Model
    time_limit_s : float
        Wall-clock limit [s].
    mip_gap : float
        Relative gap at which the MIP search stops.
    threads : int
        Solver threads; 0 lets HiGHS choose.
    random_seed : int, optional
        HiGHS's random seed (its tie-breaking and heuristics; MIP times vary with it).
    on_progress : callable, optional
        Called with a :class:`Progress` whenever the incumbent or the bound improves.
    solver_options : mapping, optional
        Further HiGHS options (checked by :func:`highs_options`); they win over the settings
        above.
    solver_log : str or Path, optional
        A file to which HiGHS's log of this solve is appended.
    """
    import highspy
    from linopy.solvers import Solver

    scratch_log = None
    if solver_log is not None:
        target = Path(solver_log)
        scratch_log = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    options = _settings(time_limit_s, mip_gap, threads, random_seed, solver_options, scratch_log)
    if options.get("threads"):
        # HiGHS sizes one global thread pool per process at its first run; a later run asking
        # for another size fails with "not set" unless the pool is reset first.
        highspy.Highs.resetGlobalScheduler(True)
    logger.debug("HiGHS options: %s", options)
    with _quiet_stdout():  # HiGHS prints a banner from C++ when it starts
        solver = Solver.from_name("highs", model, io_api="direct", options=options)
    highs = solver.solver_model
    start = time.perf_counter()
    if on_progress is not None:
        _subscribe(highs, on_progress, start)
    try:
        result = solver.solve()
    finally:
        if scratch_log is not None:
            _append_log(scratch_log, Path(solver_log))  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    status = _status(highs, highspy)
    info = highs.getInfo()
    integer = int(np.sum(model.matrices.vtypes != "C")) if len(model.matrices.vlabels) else 0
    has_values = info.primal_solution_status == 2  # kSolutionStatusFeasible
    objective = float(highs.getObjectiveValue()) if has_values else None
    bound = float(info.mip_dual_bound) if integer else objective
    gap = float(info.mip_gap) if integer and has_values else (0.0 if has_values else None)
    if status == "optimal" and integer and gap is not None and gap > 1e-9:
        status = "gap_limit"
    iis: tuple[str, ...] = ()
    if has_values:
        if not result.status.is_ok:  # an incumbent after Ctrl-C is kept like one at a limit
            from linopy.constants import Status

            result = replace(
                result, status=Status.from_termination_condition("terminated_by_limit")
            )
        model.assign_result(result, solver=solver)
        if integer:  # linopy reads duals off a MIP too; a MIP has none
            for constraint in model.constraints.data.values():
                constraint.dual = constraint.dual * np.nan
    elif status in FEASIBLE:
        status = "no_solution"
    elif status.startswith("infeasible") and integer == 0:
        from fabnet.planning.diagnose import iis_constraints

        iis = tuple(iis_constraints(model, highs))
    solved = SolveInfo(
        status,
        objective,
        bound,
        gap,
        seconds,
        len(model.matrices.vlabels),
        len(model.matrices.clabels),
        integer,
        iis,
    )
    _log(solved)
    return solved


def _settings(  # noqa: PLR0917 - solve's own keywords, in its order
    time_limit_s: float,
    mip_gap: float,
    threads: int,
    random_seed: int | None,
    solver_options: Mapping[str, Any] | None,
    log_file: Path | None,
) -> dict[str, Any]:
    """The HiGHS options of one solve: fabnet's, then the user's, then the log file's."""
    options: dict[str, Any] = {
        "output_flag": False,
        "time_limit": float(time_limit_s),
        "mip_rel_gap": float(mip_gap),
    }
    if threads:
        options["threads"] = int(threads)
    if random_seed is not None:
        options["random_seed"] = int(random_seed)
    options.update(highs_options(solver_options))
    if log_file is not None:
        options.update(output_flag=True, log_to_console=False, log_file=str(log_file))
    return options


def _subscribe(highs: Any, on_progress: Callable[[Progress], None], start: float) -> None:
    """Call *on_progress* from HiGHS's MIP callbacks whenever the incumbent or bound moves."""
    last: dict[str, float] = {}

    def report(event: Any) -> None:
        out = event.data_out
        snapshot = (out.mip_primal_bound, out.mip_dual_bound)
        if last.get("p") == snapshot[0] and last.get("d") == snapshot[1]:
            return
        last["p"], last["d"] = snapshot
        on_progress(
            Progress(
                time.perf_counter() - start, out.mip_primal_bound, out.mip_dual_bound, out.mip_gap
            )
        )

    highs.cbMipImprovingSolution.subscribe(report)
    highs.cbMipInterrupt.subscribe(report)


def _log(info: SolveInfo) -> None:
    logger.info(
        "solved %s variables (%s integer) and %s constraints in %.1f s: %s, gap %s",
        f"{info.variables:,}",
        f"{info.integer_variables:,}",
        f"{info.constraints:,}",
        info.seconds,
        info.status,
        "none" if info.gap is None else f"{info.gap:.2%}",
    )


def _append_log(scratch: Path, target: Path) -> None:
    """Append HiGHS's log of one solve (written to *scratch*) to *target*; remove *scratch*."""
    try:
        text = scratch.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:  # HiGHS wrote nothing
        return
    try:
        with target.open("a", encoding="utf-8") as log:
            log.write(text)
    finally:
        scratch.unlink(missing_ok=True)


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence what native code writes to file descriptor 1 (stdout) inside the block."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout (some notebooks): nothing to silence
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _status(highs: Any, highspy: Any) -> str:
    code = highs.getModelStatus()
    names = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible_or_unbounded",
        highspy.HighsModelStatus.kUnbounded: "unbounded",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInterrupt: "interrupted",
        highspy.HighsModelStatus.kSolutionLimit: "solution_limit",
        highspy.HighsModelStatus.kModelEmpty: "optimal",
    }
    return names.get(code, str(highs.modelStatusToString(code)).lower().replace(" ", "_"))

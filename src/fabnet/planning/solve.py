"""Solving the planning model with HiGHS through linopy's solver interface.

The model goes to HiGHS once (``linopy.solvers.Solver.from_name("highs", model,
io_api="direct")``); before it runs, the solve subscribes to highspy's MIP callbacks on the
solver's ``solver_model`` (the incumbent, bound and gap for a live display) and sets the time
limit, the relative gap, the threads and the seed as HiGHS options; linopy runs it (Ctrl-C
cancels the solve) and ``Model.assign_result`` writes the values and duals back. The solve
*always* hands back what it has: the incumbent with its bound, gap and status, or a clear status
when there is none.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import linopy

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


def solve(
    model: linopy.Model,
    *,
    time_limit_s: float = 300.0,
    mip_gap: float = 0.01,
    threads: int = 0,
    random_seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
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
    """
    import highspy
    from linopy.solvers import Solver

    options: dict[str, Any] = {
        "output_flag": False,
        "time_limit": float(time_limit_s),
        "mip_rel_gap": float(mip_gap),
    }
    if threads:
        # HiGHS sizes one global thread pool per process at its first run; a later run asking
        # for another size fails with "not set" unless the pool is reset first.
        highspy.Highs.resetGlobalScheduler(True)
        options["threads"] = int(threads)
    if random_seed is not None:
        options["random_seed"] = int(random_seed)
    with _quiet_stdout():  # HiGHS prints a banner from C++ when it starts
        solver = Solver.from_name("highs", model, io_api="direct", options=options)
    highs = solver.solver_model
    start = time.perf_counter()
    if on_progress is not None:
        last: dict[str, float] = {}

        def report(event: Any) -> None:
            out = event.data_out
            snapshot = (out.mip_primal_bound, out.mip_dual_bound)
            if last.get("p") == snapshot[0] and last.get("d") == snapshot[1]:
                return
            last["p"], last["d"] = snapshot
            on_progress(
                Progress(
                    time.perf_counter() - start,
                    out.mip_primal_bound,
                    out.mip_dual_bound,
                    out.mip_gap,
                )
            )

        highs.cbMipImprovingSolution.subscribe(report)
        highs.cbMipInterrupt.subscribe(report)
    result = solver.solve()
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
    return SolveInfo(
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

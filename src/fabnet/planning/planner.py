"""The planner's entry points: :func:`plan` (build the data, the model, solve, read the plan
off, price compute) and :func:`diagnose` (the limits an infeasible plan had to break)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fabnet.catalog import Catalog, load_catalog
from fabnet.exceptions import InfeasiblePlanError, ParameterError, SolverError
from fabnet.planning.data import PlanData, build_data
from fabnet.planning.diagnose import Finding, slack_findings
from fabnet.planning.model import build_model
from fabnet.planning.result import Plan, extract
from fabnet.planning.solve import Progress, SolveInfo, highs_options, solve
from fabnet.scenario import Scenario, load_scenario
from fabnet.units import MAX_INSTALLED_H100E, MAX_PENALTY_USD_PER_H100E

if TYPE_CHECKING:
    import linopy
    import pandas as pd

    from fabnet.outlook import GapResult
    from fabnet.planning.data import SupplyOptions
    from fabnet.planning.model import ModelParts

__all__ = ["ExtraFunctionality", "diagnose", "plan"]

logger = logging.getLogger(__name__)

#: A user's hook on the model (PyPSA's ``extra_functionality``): called with each model the
#: planner builds, after every block and the objective are in and before it is solved.
ExtraFunctionality = Callable[["linopy.Model", PlanData], None]


def _with_overrides(
    scenario: Scenario,
    objective: str | None,
    budget_musd: float | None,
) -> Scenario:
    changes: dict[str, Any] = {}
    if objective is not None:
        changes["objective"] = objective
    if budget_musd is not None:
        changes["budget_musd"] = budget_musd
    if not changes:
        return scenario
    from pydantic import ValidationError

    try:
        policy = type(scenario.policy).model_validate({**scenario.policy.model_dump(), **changes})
    except ValidationError as exc:
        # The policy's own checks, named as the arguments that changed it: objective
        # max_compute needs a budget (none in the scenario nor given), a budget must be > 0.
        error = exc.errors()[0]
        message = str(error["msg"]).removeprefix("Value error, ")
        if "needs budget_musd" in message:
            raise ParameterError(
                "budget_musd", "given for objective 'max_compute' (the scenario has none)", None
            ) from None
        field = str(error["loc"][0]) if error["loc"] else "objective"
        name = field if field in changes else next(iter(changes))
        raise ParameterError(
            name, f"valid for policy.{field} ({message})", changes.get(name)
        ) from None
    return scenario.model_copy(update={"policy": policy})


def diagnose(
    data: PlanData,
    outlook: GapResult | None = None,
    *,
    relax: bool = False,
    time_limit_s: float = 60.0,
    threads: int = 0,
    options: SupplyOptions | None = None,
    solver_options: Mapping[str, Any] | None = None,
    solver_log: str | Path | None = None,
    extra_functionality: ExtraFunctionality | None = None,
) -> list[Finding]:
    """Solve the elastic model and list the limits it had to break (empty: none needed)."""
    model, parts = build_model(data, relax=relax, elastic=True, options=options)
    if extra_functionality is not None:
        extra_functionality(model, data)
    info = solve(
        model,
        time_limit_s=time_limit_s,
        mip_gap=0.01,
        threads=threads,
        solver_options=solver_options,
        solver_log=solver_log,
    )
    if not info.has_solution:
        return []
    return slack_findings(data, parts.slacks, outlook)


def _duals(
    data: PlanData,
    solved: ModelParts,
    settings: dict[str, Any],
    options: SupplyOptions,
    extra_functionality: ExtraFunctionality | None,
) -> tuple[pd.DataFrame | None, pd.Series | None]:
    """One LP model, solved twice: relaxed, for what holds the plan back (the limits' shadow
    prices, :func:`fabnet.planning.binding.read_limits`), then with the plan's module starts (and
    acquisitions) fixed, for the shadow price of compute [USD/H100e, undiscounted]."""
    from fabnet.planning.binding import read_limits

    model, parts = build_model(data, relax=True, options=options)
    if extra_functionality is not None:
        extra_functionality(model, data)
    limits = None
    if data.scenario.policy.objective == "min_cost":
        relaxed = solve(model, **{**settings, "mip_gap": 0.0})
        limits = read_limits(model, parts) if relaxed.status == "optimal" else None
    pairs = ((parts.build, solved.build), (parts.supply.acquire, solved.supply.acquire))
    for mine, theirs in pairs:
        if mine is not None and theirs is not None:
            fixed = theirs.solution.fillna(0.0).round()
            mine.update(lower=fixed, upper=fixed)
    info = solve(model, **{**settings, "mip_gap": 0.0})
    if info.status != "optimal":
        return limits, None
    return limits, _compute_dual(model, data)


def _compute_dual(model: linopy.Model, data: PlanData) -> pd.Series:
    """The compute balance's dual, undiscounted: musd per M H100e = USD per H100e, in each
    year's money."""
    dual: pd.Series = model.constraints["Compute-balance"].dual.sel(world=0, drop=True).to_series()
    return dual / data.discount


#: Statuses after which the solver stopped only for want of time or at the user's request.
_STOPPED = ("time_limit", "interrupted", "solution_limit", "no_solution")


def _check_status(info: SolveInfo, scenario: Scenario) -> None:
    """Tell a numerical failure of the solver from a finding about the scenario.

    Without ``policy.max_unserved_share`` every limit holds with nothing built and all demand
    unserved, so the plan cannot be infeasible (nor unbounded: every start has an upper
    bound): HiGHS reporting either is a numerical failure, a :class:`SolverError`, not an
    :class:`InfeasiblePlanError` with a diagnosis. Any other status without a plan is one too.

    Raises
    ------
    SolverError
        With the status and what to do about it.
    """
    if info.has_solution:
        return
    status = info.status
    always_feasible = scenario.policy.max_unserved_share is None
    if status.startswith("infeasible") and not always_feasible:
        return  # a finding: the diagnosis says which limits
    if status in _STOPPED:
        raise SolverError(
            status,
            f"the solver stopped ({status}) after {info.seconds:.1f} s without any plan; allow"
            " more time (time_limit_s, --time-limit) or a larger gap (mip_gap, --mip-gap)",
        )
    raise SolverError(
        status,
        f"the solver failed numerically ({status}) after {info.seconds:.1f} s: a plan that"
        " builds nothing and leaves demand unserved satisfies every limit, so this is not a"
        " finding about the scenario. The model is sound for installed compute up to"
        f" {MAX_INSTALLED_H100E:.0e} H100e and unserved penalties up to"
        f" {MAX_PENALTY_USD_PER_H100E:.0e} USD per H100e; check for inputs far outside the"
        " ranges of the built-in scenarios",
    )


def plan(
    scenario: Scenario | str | Path,
    *,
    catalog: Catalog | None = None,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    objective: Literal["min_cost", "max_compute"] | None = None,
    budget_musd: float | None = None,
    relax: bool = False,
    shadow_prices: bool = True,
    on_progress: Callable[[Progress], None] | None = None,
    outlook: GapResult | None = None,
    strategy: str = "own-build",
    solver_options: Mapping[str, Any] | None = None,
    solver_log: str | Path | None = None,
    extra_functionality: ExtraFunctionality | None = None,
) -> Plan:
    """Plan the network for a scenario.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A loaded scenario, a built-in name or a scenario file.
    catalog : Catalog, optional
        The reference catalog (default: the packaged one).
    time_limit_s, mip_gap, threads : optional
        Override the scenario's ``solver`` settings.
    objective, budget_musd : optional
        Override ``policy.objective`` (and its budget for ``max_compute``).
    relax : bool
        Solve the LP relaxation (fractional modules): fast bounds, duals everywhere, and an
        irreducible infeasible subsystem when infeasible.
    shadow_prices : bool
        Also compute the shadow price of compute per year (an LP with the starts fixed).
    on_progress : callable, optional
        Receives the incumbent, bound and gap while the MIP solves.
    outlook : GapResult, optional
        The scenario's demand–supply gap, if already computed (``fabnet.gap``).
    strategy : str
        Which supply options are open (:data:`fabnet.planning.supply_options.STRATEGIES`):
        ``own-build`` (new fabs; the default), ``reservation``, ``acquisition``,
        ``design-only`` (existing supply only) or ``mix`` (all of them). Buying wafers from the
        AI share of existing fabs is always open.
    solver_options : mapping, optional
        Further HiGHS options by name (``{"presolve": "off"}``; `the list
        <https://ergo-code.github.io/HiGHS/stable/options/definitions/>`_), for every solve of
        the plan; checked before any work, they win over the settings above.
    solver_log : str or Path, optional
        A file to which HiGHS's log of every solve is appended (the plan's MIP, then the LPs
        of its shadow prices).
    extra_functionality : callable, optional
        ``extra_functionality(model, data)``, as PyPSA's: called with the linopy model and its
        :class:`~fabnet.planning.data.PlanData` after the model is built and before it is
        solved, to add a constraint or change a bound. Variables and constraints are named as
        in :mod:`fabnet.planning.blocks` (``build`` over world, project and year: module starts;
        ``unserved`` over world and year [M H100e]); ``data.projects`` says each project's
        site, partner, resource, country and region. It is called for every model the plan
        builds (the MIP, the LP of its shadow prices, the diagnosis of an infeasible plan).

    Returns
    -------
    Plan
        On a time or gap limit, the incumbent, with its bound, gap and status in ``stats``.

    Raises
    ------
    ParameterError
        For an unknown strategy or HiGHS option, or ``objective="max_compute"`` without a
        budget (here or in the scenario).
    InfeasiblePlanError
        With the limits that had to be broken, in scenario terms (CLI exit code 3).
    SolverError
        If the solver stopped without any solution (CLI exit code 5).

    Examples
    --------
    At most two new modules in South Korea, whatever the plan would rather do:

    >>> import fabnet
    >>> def at_most_two_in_korea(model, data):
    ...     korean = data.projects.index[data.projects["country"] == "KR"]
    ...     model.add_constraints(
    ...         model.variables["build"].sel(project=korean).sum() <= 2, name="User-KR-modules"
    ...     )
    >>> result = fabnet.plan("altman-2024", extra_functionality=at_most_two_in_korea,
    ...                      shadow_prices=False)  # doctest: +SKIP
    >>> int(result.builds.loc[result.builds["country"] == "KR", "modules"].sum()) <= 2
    ... # doctest: +SKIP
    True
    """
    from fabnet.outlook import gap
    from fabnet.planning.supply_options import STRATEGIES

    if strategy not in STRATEGIES:
        raise ParameterError("strategy", f"one of {', '.join(STRATEGIES)}", strategy)
    options = STRATEGIES[strategy]
    checked = highs_options(solver_options)  # before any work
    catalog = catalog or load_catalog()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, catalog=catalog)
    scenario_changed = _with_overrides(scenario, objective, budget_musd)
    if outlook is None or outlook.scenario != scenario:
        outlook = gap(scenario, catalog=catalog)  # the outlook does not depend on the objective
    scenario = scenario_changed
    solver = scenario.solver
    settings: dict[str, Any] = {
        "time_limit_s": solver.time_limit_s if time_limit_s is None else time_limit_s,
        "mip_gap": solver.mip_gap if mip_gap is None else mip_gap,
        "threads": solver.threads if threads is None else threads,
        "solver_options": checked,
        "solver_log": solver_log,
    }

    start = time.perf_counter()
    data = build_data(scenario, catalog, outlook, options)
    model, parts = build_model(data, relax=relax, options=options)
    if extra_functionality is not None:
        extra_functionality(model, data)
    built = time.perf_counter()
    logger.info(
        "built the %s of %s (strategy %s, %d candidate projects) in %.1f s",
        "LP relaxation" if relax else "MIP",
        scenario.name,
        strategy,
        len(data.projects),
        built - start,
    )
    info = solve(model, **settings, on_progress=on_progress)
    _check_status(info, scenario)
    if info.status.startswith("infeasible"):
        logger.info("the plan is infeasible: solving the elastic model for a diagnosis")
        findings = diagnose(
            data,
            outlook,
            relax=relax,
            time_limit_s=settings["time_limit_s"],
            threads=settings["threads"],
            options=options,
            solver_options=checked,
            solver_log=solver_log,
            extra_functionality=extra_functionality,
        )
        raise InfeasiblePlanError(findings, info.iis)
    solved = time.perf_counter()
    from fabnet.planning.binding import read_limits, unserved_reasons

    limits, shadow = None, None
    if shadow_prices and info.integer_variables:
        limits, shadow = _duals(data, parts, settings, options, extra_functionality)
    elif info.integer_variables == 0:  # an LP: its own duals
        shadow = _compute_dual(model, data)
        if scenario.policy.objective == "min_cost":
            limits = read_limits(model, parts)
    priced = time.perf_counter()
    if shadow_prices or info.integer_variables == 0:
        logger.info("read the limits' and compute's shadow prices in %.1f s", priced - solved)
    stats: dict[str, Any] = {
        "status": info.status,
        "objective": info.objective,
        "bound": info.bound,
        "gap": info.gap,
        "variables": info.variables,
        "constraints": info.constraints,
        "integer_variables": info.integer_variables,
        "projects": len(data.projects),
        "objective_sense": scenario.policy.objective,
        "strategy": strategy,
        "build_seconds": built - start,
        "solve_seconds": info.seconds,
        "shadow_price_seconds": priced - solved,
    }
    result = extract(parts, stats, shadow, limits=limits)
    unserved = result.compute.set_index("year")["unserved_h100e"]
    stats["costs_npv_musd"] = result.cost_npv()
    stats["unserved_reasons"] = unserved_reasons(data, unserved, outlook, limits)
    return replace(result, stats={**stats, "extract_seconds": time.perf_counter() - priced})

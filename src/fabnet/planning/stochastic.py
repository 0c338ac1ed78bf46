"""The two-stage stochastic plan: one deterministic equivalent over S sampled worlds.

Each sample of the scenario's uncertain inputs (:func:`fabnet.risk.draw`) becomes a world of its
own (:func:`~fabnet.planning.worlds.perturb`, the rules of :mod:`fabnet.schedules`, as
:mod:`fabnet.risk.evaluation` reads them), and :func:`~fabnet.planning.model.build_model` plans
for all of them at once with the deterministic plan's blocks over a ``world`` dimension: module
starts in the first K years (``first_stage_years``) are one decision shared by every world;
later starts and all operations (production, purchases, funding) are per world, so the plan may
still invest once it has learnt which world it is in; the objective is ``Σ_s p_s·cost_s +
λ·CVaR_α(cost)`` with ``p_s = 1/S``.

Its optimum is the *recourse problem* RP. Against it: the *expected-value* plan (the deterministic
plan of the mean world — continuous inputs at their means, no disruption), whose first-stage
starts, fixed in every world with the recourse re-optimised, give EEV; and the *wait-and-see*
value WS, every world solved alone with perfect information. ``VSS = EEV − RP ≥ 0`` is what
planning for the spread is worth; ``EVPI = RP − WS ≥ 0`` what knowing the future would be worth
(Birge and Louveaux, 2011). Both carry the solvers' gaps when a solve stops at a limit.

References
----------
.. [1] Birge, J. R. and Louveaux, F. (2011). *Introduction to Stochastic Programming*, 2nd ed.
   Springer, §4.1–4.2 (EVPI and VSS). doi:10.1007/978-1-4614-0237-4
.. [2] Rockafellar, R. T. and Uryasev, S. (2000). Optimization of conditional value-at-risk.
   *Journal of Risk* 2(3), 21–42. doi:10.21314/JOR.2000.038
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from fabnet.exceptions import InfeasiblePlanError, ParameterError, SolverError
from fabnet.planning.worlds import availability, mean_samples, perturb
from fabnet.results import Parts, Result
from fabnet.units import from_millions

if TYPE_CHECKING:
    import linopy
    import pandas as pd
    import xarray as xr

    from fabnet.catalog import Catalog
    from fabnet.outlook import GapResult
    from fabnet.planning.data import PlanData
    from fabnet.planning.model import ModelParts
    from fabnet.planning.result import Plan
    from fabnet.planning.solve import SolveInfo
    from fabnet.risk.sampling import Method, Samples
    from fabnet.scenario import Scenario

__all__ = ["StochasticPlan", "stochastic_plan"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, repr=False)
class StochasticPlan(Result):
    """A two-stage stochastic plan and what it is worth.

    A :class:`~fabnet.results.Result` (``to_xarray``, ``to_netcdf``, ``save(folder, format)``,
    :func:`fabnet.open_result`, ``headline()``); it keeps its samples and expected-value plan.

    Attributes
    ----------
    scenario : Scenario
    first_stage : DataFrame
        The shared module starts of the first ``first_stage_years``: project, site, partner,
        resource, country, start_year, modules.
    builds : DataFrame
        Every world's starts: scenario, project, site, partner, resource, country, start_year,
        online_year (in that world), modules, first_stage (bool).
    by_scenario : DataFrame
        Index ``scenario`` (the sample labels): ``cost_musd`` (the stochastic plan's cost in that
        world), ``unserved_h100e``, ``modules`` (started), ``eev_cost_musd`` (the expected-value
        plan's first stage, recourse re-optimised), ``ws_cost_musd`` (with perfect information:
        the better of the world's own solve and the stochastic plan's solution there), and each
        input as ``input_<id>``.
    expected_cost_musd, cvar_musd : float
        Mean and CVaR_α of the stochastic plan's cost over the worlds [musd].
    rp, eev, ws : float
        Objective (mean + λ·CVaR) of the recourse problem, of the expected-value plan's first
        stage with re-optimised recourse (``inf`` when some world cannot carry it), and of the
        wait-and-see solutions [musd]; ``nan`` where a solve found no solution.
    samples : Samples
        The sampled inputs, one world per sample.
    ev_plan : Plan or None
        The expected-value plan (the mean world's deterministic plan; its builds table in the
        scenario's own terms, planned capex and lead times, as :func:`fabnet.risk.evaluate`
        reads a plan).
    stats : dict
        Sizes, statuses, objectives, bounds, gaps and seconds of every solve, and notes.
    """

    scenario: Scenario = field(repr=False)
    first_stage: pd.DataFrame = field(repr=False)
    builds: pd.DataFrame = field(repr=False)
    by_scenario: pd.DataFrame = field(repr=False)
    expected_cost_musd: float
    cvar_musd: float
    rp: float
    eev: float
    ws: float
    samples: Samples = field(repr=False)
    ev_plan: Plan | None = field(repr=False)
    stats: dict[str, Any] = field(default_factory=dict, repr=False)

    KIND: ClassVar[str] = "stochastic"
    TITLE: ClassVar[str] = "stochastic plan"

    def headline(self) -> dict[str, Any]:
        """Worlds; RP, EEV and WS; VSS and EVPI; the expected cost and its CVaR [musd]; first
        stage modules."""
        return {
            "scenario": self.scenario.name,
            "worlds": len(self.by_scenario),
            "first_stage_modules": int(self.first_stage["modules"].sum())
            if len(self.first_stage)
            else 0,
            "rp_musd": self.rp,
            "eev_musd": self.eev,
            "ws_musd": self.ws,
            "vss_musd": self.vss,
            "evpi_musd": self.evpi,
            "expected_cost_musd": self.expected_cost_musd,
            "cvar_musd": self.cvar_musd,
        }

    def _parts(self) -> Parts:
        return Parts(
            tables={
                "first_stage": self.first_stage,
                "builds": self.builds,
                "by_scenario": self.by_scenario,
            },
            meta={
                "expected_cost_musd": self.expected_cost_musd,
                "cvar_musd": self.cvar_musd,
                "rp": self.rp,
                "eev": self.eev,
                "ws": self.ws,
                "stats": self.stats,
            },
            scenario=self.scenario,
            children={"samples": self.samples, "ev_plan": self.ev_plan},
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> StochasticPlan:
        from fabnet.planning.result import Plan
        from fabnet.risk.sampling import Samples

        assert parts.scenario is not None
        m = parts.meta
        return cls(
            scenario=parts.scenario,
            first_stage=parts.table("first_stage"),
            builds=parts.table("builds"),
            by_scenario=parts.table("by_scenario"),
            expected_cost_musd=float(m["expected_cost_musd"]),
            cvar_musd=float(m["cvar_musd"]),
            rp=float(m["rp"]),
            eev=float(m["eev"]),
            ws=float(m["ws"]),
            samples=parts.child("samples", Samples),
            ev_plan=None if parts.children["ev_plan"] is None else parts.child("ev_plan", Plan),
            stats=dict(m["stats"]),
        )

    @property
    def vss(self) -> float:
        """Value of the stochastic solution, ``EEV − RP`` [musd] (≥ 0 up to the solvers' gaps)."""
        return self.eev - self.rp

    @property
    def evpi(self) -> float:
        """Expected value of perfect information, ``RP − WS`` [musd] (≥ 0 up to the gaps)."""
        return self.rp - self.ws


@dataclass(frozen=True)
class _Equivalent:
    """The deterministic equivalent of some worlds, and the handles read after solving."""

    model: linopy.Model
    parts: ModelParts


# ----------------------------------------------------------------------------- the analysis


def stochastic_plan(
    scenario: Scenario | str | Path,
    *,
    scenarios: int = 8,
    seed: int = 0,
    method: Method = "lhs",
    first_stage_years: int = 3,
    cvar_weight: float = 0.0,
    alpha: float = 0.9,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    relax: bool = False,
    catalog: Catalog | None = None,
    solver_options: Mapping[str, Any] | None = None,
    solver_log: str | Path | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> StochasticPlan:
    """Plan for S sampled worlds at once: shared first-stage starts, recourse per world.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A loaded scenario, a built-in name or a scenario file; its ``uncertainty`` block is
        sampled (no inputs: S identical worlds, the deterministic plan).
    scenarios : int
        S, the number of sampled worlds (≥ 1), each of probability 1/S.
    seed, method : optional
        Of the draw (:func:`fabnet.risk.draw`): same seed, same worlds, same plan.
    first_stage_years : int
        K (≥ 0): module starts in the horizon's first K years are decided before the world is
        known.
    cvar_weight : float
        λ ≥ 0 [-], the weight of CVaR_α of the cost beside its mean.
    alpha : float
        Confidence level of the CVaR [-], in [0, 1).
    time_limit_s, mip_gap, threads : optional
        Override the scenario's ``solver`` settings; they apply to each solve (RP, the
        expected-value plan, EEV and each world's wait-and-see solve).
    relax : bool
        Solve LP relaxations (fractional modules): fast, and VSS and EVPI without MIP gaps.
    catalog : Catalog, optional
        The reference catalog (default: the packaged one).
    solver_options : mapping, optional
        Further HiGHS options for every solve (as :func:`fabnet.plan`'s).
    solver_log : str or Path, optional
        A file to which HiGHS's log of every solve is appended.
    on_progress : callable, optional
        ``on_progress(step, done, total)`` as the analysis goes: ``("worlds", s, S)`` as the
        sampled worlds are built, ``("recourse problem", 0, 1)`` and ``("expected-value plan",
        0, 1)`` before those solves, ``("world", s, S)`` before each world's own solves (EEV and
        wait-and-see), and ``("world", S, S)`` at the end.

    Returns
    -------
    StochasticPlan

    Raises
    ------
    ParameterError
        For arguments out of range, an unknown HiGHS option or a ``max_compute`` objective.
    InfeasiblePlanError
        When no plan suits every sampled world (naming the worlds that are infeasible alone).
    SolverError
        When the recourse problem stops without any solution.

    Examples
    --------
    Two equally likely worlds want 20 or 180 M H100e in 2027, the mean world 100 M; only a
    module started now (2025) is online in time. It pays in the mean world but not in
    expectation (the high world needs more than its 141 M H100e a year), so the stochastic
    plan waits, and planning for the spread is worth 497 musd
    (``tests/planning/test_stochastic.py`` works it out by hand):

    >>> import fabnet
    >>> from fabnet.examples import tiny_world
    >>> world = tiny_world({2025: 1.0, 2026: 1.0, 2027: 1.0e8, 2032: 1.0e8}, discount_rate=0.0,
    ...                    asset_life_years=5, unserved_penalty_usd_per_h100e=54.0)
    >>> world["uncertainty"] = {"inputs": [{"id": "growth", "target": "demand_growth",
    ...     "distribution": "empirical", "values": [0.2, 1.8], "source": "example"}]}
    >>> result = stochastic_plan(fabnet.load_scenario(world), scenarios=2)
    >>> result.first_stage.empty, round(result.vss), round(result.evpi)
    (True, 497, 1074)
    """
    from fabnet.catalog import load_catalog
    from fabnet.outlook import gap
    from fabnet.planning.data import build_data
    from fabnet.risk.sampling import draw
    from fabnet.scenario import Scenario, load_scenario

    checked = _validate(scenarios, first_stage_years, cvar_weight, alpha, solver_options)
    progress = on_progress if on_progress is not None else _no_progress

    catalog = catalog or load_catalog()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, catalog=catalog)
    if scenario.policy.objective != "min_cost":
        raise ParameterError(
            "policy.objective", "'min_cost' for a stochastic plan", scenario.policy.objective
        )
    solver = scenario.solver
    clock = time.perf_counter()
    outlook = gap(scenario, catalog=catalog)
    base = build_data(scenario, catalog, outlook)
    samples = draw(scenario.uncertainty, scenarios, seed=seed, method=method, years=scenario.years)
    run = _Run(
        base=base,
        worlds=_worlds(base, samples, outlook, catalog, progress),
        lost=[availability(base, samples, s) for s in range(scenarios)],
        settings={
            "time_limit_s": solver.time_limit_s if time_limit_s is None else time_limit_s,
            "mip_gap": solver.mip_gap if mip_gap is None else mip_gap,
            "threads": solver.threads if threads is None else threads,
            "solver_options": checked,
            "solver_log": solver_log,
        },
        first_stage_years=first_stage_years,
        cvar_weight=cvar_weight,
        alpha=alpha,
        relax=relax,
    )
    seconds = {"worlds": time.perf_counter() - clock}

    mark = time.perf_counter()
    progress("recourse problem", 0, 1)
    rp = run.model(run.worlds, run.lost, first_stage_years)
    seconds["rp_build"] = time.perf_counter() - mark
    rp_info = run.solve(rp)
    seconds["rp_solve"] = rp_info.seconds
    if not rp_info.has_solution:
        _fail(rp_info, run)
    rp_costs = _costs(rp)
    first_stage = _first_stage(rp, base, relax)
    builds = _builds(rp, run.worlds, samples, relax)
    unserved = from_millions(rp.parts.compute.unserved.solution.sum("year").to_numpy())
    modules = rp.parts.build.solution.fillna(0.0).sum(["project", "year"]).to_numpy()

    mark = time.perf_counter()
    progress("expected-value plan", 0, 1)
    ev_world = perturb(base, mean_samples(samples, base.years), 0, outlook, catalog=catalog)
    ev_plan, ev_info, ev_starts = _expected_value_plan(run, ev_world)
    seconds["ev"] = time.perf_counter() - mark
    mark = time.perf_counter()
    eev, ws, dropped = _per_world(
        run, ev_starts, rp_costs, on_world=lambda s: progress("world", s, scenarios)
    )
    seconds["eev_ws"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - clock
    logger.info(
        "stochastic plan of %s, %d worlds: recourse problem %s in %.1f s, EEV and wait-and-see"
        " in %.1f s, %.1f s in all",
        scenario.name,
        scenarios,
        rp_info.status,
        seconds["rp_solve"],
        seconds["eev_ws"],
        seconds["total"],
    )

    import pandas as pd

    by_scenario = pd.DataFrame(
        {
            "cost_musd": rp_costs,
            "unserved_h100e": unserved,
            "modules": modules,
            "eev_cost_musd": eev.costs,
            "ws_cost_musd": ws.costs,
        },
        index=pd.Index(samples.values.index, name="scenario"),  # noqa: PD011 - a DataFrame
    )
    for name, column in samples.values.items():  # noqa: PD011 - a DataFrame
        by_scenario[f"input_{name}"] = column.to_numpy(dtype=float)
    infos = {"rp": rp_info, "ev": ev_info}
    stats: dict[str, Any] = {
        "scenarios": scenarios,
        "seed": seed,
        "method": method,
        "first_stage_years": first_stage_years,
        "first_years": list(rp.parts.first_years),
        "cvar_weight": cvar_weight,
        "alpha": alpha,
        "relax": relax,
        "variables": rp_info.variables,
        "constraints": rp_info.constraints,
        "integer_variables": rp_info.integer_variables,
        **{name: _summary(info) for name, info in infos.items()},
        "eev": [_summary(info) for info in eev.infos],
        "ws": [_summary(info) for info in ws.infos],
        "ev_dropped_modules": dropped,
        **_ranges(run, rp_costs, rp_info, eev, ws),
        "seconds": seconds,
    }
    stats["notes"] = _notes([rp_info, ev_info, *eev.infos, *ws.infos], dropped, stats)
    return StochasticPlan(
        scenario=scenario,
        first_stage=first_stage,
        builds=builds,
        by_scenario=by_scenario,
        expected_cost_musd=float(np.mean(rp_costs)),
        cvar_musd=_cvar(rp_costs, alpha),
        rp=_objective(rp_costs, cvar_weight, alpha),
        eev=_objective(eev.costs, cvar_weight, alpha),
        ws=_objective(ws.costs, cvar_weight, alpha),
        samples=samples,
        ev_plan=ev_plan,
        stats=stats,
    )


def _no_progress(step: str, done: int, total: int) -> None:
    """No progress shown."""


def _worlds(
    base: PlanData,
    samples: Samples,
    outlook: GapResult,
    catalog: Catalog,
    progress: Callable[[str, int, int], None],
) -> list[PlanData]:
    """One world per sample, saying how many are built."""
    worlds = []
    for s in range(len(samples)):
        progress("worlds", s, len(samples))
        worlds.append(perturb(base, samples, s, outlook, catalog=catalog))
    return worlds


@dataclass(frozen=True)
class _Run:
    """The sampled worlds and the settings every solve of one analysis shares."""

    base: PlanData
    worlds: list[PlanData]
    lost: list[pd.DataFrame | None]
    settings: dict[str, Any]
    first_stage_years: int
    cvar_weight: float
    alpha: float
    relax: bool

    def model(
        self, worlds: list[PlanData], lost: list[pd.DataFrame | None], first_stage_years: int
    ) -> _Equivalent:
        """The deterministic equivalent of ``worlds`` (λ·CVaR only with more than one)."""
        from fabnet.planning.model import build_model
        from fabnet.planning.worlds import stack_worlds

        model, parts = build_model(
            stack_worlds(self.base, worlds, lost),
            relax=self.relax,
            first_stage_years=first_stage_years,
            cvar_weight=self.cvar_weight if len(worlds) > 1 else 0.0,
            alpha=self.alpha,
        )
        return _Equivalent(model, parts)

    def solve(self, eq: _Equivalent) -> SolveInfo:
        from fabnet.planning.solve import solve

        return solve(eq.model, **self.settings)


def _expected_value_plan(
    run: _Run, ev_world: PlanData
) -> tuple[Plan | None, SolveInfo, xr.DataArray | None]:
    """The deterministic plan of the mean world and its starts (``None`` without a solution)."""
    from fabnet.planning.result import extract

    ev = run.model([ev_world], [None], 0)
    info = run.solve(ev)
    if not info.has_solution:
        return None, info, None
    stats = {"status": info.status, "objective": info.objective, "bound": info.bound}
    # Builds in the scenario's own terms (planned capex and lead times), as evaluate and the
    # finance read a plan; the other tables are the mean world's.
    plan = extract(ev.parts, {**stats, "gap": info.gap})
    return plan, info, ev.parts.build.solution.sel(world=0, drop=True)


@dataclass(frozen=True)
class _Solves:
    """Per world: the cost of the solution found, its proven lower bound, how the solve ended."""

    costs: np.ndarray
    bounds: np.ndarray
    infos: list[SolveInfo]


def _per_world(
    run: _Run,
    ev_starts: xr.DataArray | None,
    rp_costs: np.ndarray,
    on_world: Callable[[int], None] | None = None,
) -> tuple[_Solves, _Solves, int]:
    """Each world alone: with the EV plan's first-stage starts fixed and the recourse
    re-optimised (EEV; NaN without an EV plan), then with nothing fixed (wait and see);
    and how many EV modules some world does not offer (left out of its EEV).

    Alone, each world's cost is minimised with its own relative gap; and since mean + λ·CVaR
    grows with every world's cost, the per-world minima are also the joint ones for any λ.
    """
    eev: list[tuple[float, float, SolveInfo]] = []
    ws: list[tuple[float, float, SolveInfo]] = []
    dropped = 0
    for s, (world, lost) in enumerate(zip(run.worlds, run.lost, strict=True)):
        if on_world is not None:
            on_world(s)
        eq = run.model([world], [lost], run.first_stage_years)
        first = eq.parts.first_stage
        if first is not None and ev_starts is not None:
            upper = first.upper.copy()
            fixed, missing = _fix(ev_starts, first, run.relax)
            dropped += missing
            first.update(lower=fixed, upper=fixed)
            eev.append(_alone(eq, run.solve(eq)))
            first.update(lower=0.0, upper=upper)
        ws.append(_alone(eq, run.solve(eq)))
    if on_world is not None:
        on_world(len(run.worlds))
    n = len(run.worlds)
    ws_solves = _stack(ws)
    # The recourse plan's solution in a world is feasible for that world alone: where a
    # solve stopped at its gap above it, it is the better wait-and-see solution known.
    ws_solves = replace(ws_solves, costs=np.fmin(ws_solves.costs, rp_costs))
    if ev_starts is None:
        nan = np.full(n, np.nan)
        return _Solves(nan, nan, []), ws_solves, 0
    return (_stack(eev) if eev else ws_solves), ws_solves, dropped


def _alone(eq: _Equivalent, info: SolveInfo) -> tuple[float, float, SolveInfo]:
    if info.has_solution:
        cost = float(_costs(eq)[0])
    else:
        cost = math.inf if info.status.startswith("infeasible") else math.nan
    bound = math.nan if info.bound is None else float(info.bound)
    return cost, (cost if info.status == "optimal" else bound), info


def _stack(rows: list[tuple[float, float, SolveInfo]]) -> _Solves:
    return _Solves(
        costs=np.array([r[0] for r in rows]),
        bounds=np.array([r[1] for r in rows]),
        infos=[r[2] for r in rows],
    )


def _validate(
    scenarios: int,
    first_stage_years: int,
    cvar_weight: float,
    alpha: float,
    solver_options: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Check the arguments before any work; the HiGHS options, checked and typed."""
    from fabnet.planning.solve import highs_options

    for name, value, low in (
        ("scenarios", scenarios, 1),
        ("first_stage_years", first_stage_years, 0),
    ):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
            raise ParameterError(name, f"an integer >= {low}", value)
    if not (math.isfinite(cvar_weight) and cvar_weight >= 0):
        raise ParameterError("cvar_weight", ">= 0", cvar_weight)
    if not 0 <= alpha < 1:
        raise ParameterError("alpha", "in [0, 1)", alpha)
    return highs_options(solver_options)


def _costs(eq: _Equivalent) -> np.ndarray:
    """Each world's discounted cost in the solution [musd]."""
    return np.asarray(eq.parts.cost.solution.to_numpy(), dtype=float)


def _cvar(costs: np.ndarray, alpha: float) -> float:
    from fabnet.risk.measures import conditional_value_at_risk

    if not np.all(np.isfinite(costs)):
        return math.inf if np.any(np.isposinf(costs)) else math.nan
    return float(conditional_value_at_risk(costs, alpha))


def _objective(costs: np.ndarray, cvar_weight: float, alpha: float) -> float:
    """``mean + λ·CVaR_α`` of equally likely costs (the deterministic equivalent's objective)."""
    mean = float(np.mean(costs))
    if cvar_weight == 0 or not math.isfinite(mean):
        return mean
    return mean + cvar_weight * _cvar(costs, alpha)


def _fix(starts: xr.DataArray, first: linopy.Variable, relax: bool) -> tuple[xr.DataArray, int]:
    """The EV plan's ``starts`` on the first-stage (project, year) grid, and how many of its
    modules there no world offers (they cannot be fixed)."""
    grid = first.labels
    on_grid = starts.fillna(0.0).reindex_like(grid, fill_value=0.0)
    on_grid = on_grid if relax else on_grid.round()
    outside = float(on_grid.where(grid == -1, 0.0).sum())
    return on_grid.where(grid != -1, 0.0), round(outside)


def _first_stage(rp: _Equivalent, base: PlanData, relax: bool) -> pd.DataFrame:
    import pandas as pd

    columns = ["project", "site", "partner", "resource", "country", "start_year", "modules"]
    first = rp.parts.first_stage
    if first is None:
        return pd.DataFrame(columns=columns)
    starts = _positive(first.solution.to_series().dropna(), relax)
    table = starts.merge(base.projects, left_on="project", right_index=True)
    table = table.rename(columns={"year": "start_year"})
    return table[columns].reset_index(drop=True)


def _builds(rp: _Equivalent, worlds: list[PlanData], samples: Samples, relax: bool) -> pd.DataFrame:
    import pandas as pd

    labels = samples.values.index  # noqa: PD011 - a DataFrame
    tables = []
    build = rp.parts.build.solution
    for s, world in enumerate(worlds):
        starts = _positive(build.sel(world=s, drop=True).to_series().dropna(), relax)
        table = starts.merge(world.projects, left_on="project", right_index=True)
        table = table.rename(columns={"year": "start_year"})
        table["online_year"] = table["start_year"] + table["lead_years"]
        table["first_stage"] = table["start_year"].isin(rp.parts.first_years)
        table.insert(0, "scenario", labels[s])
        tables.append(table)
    columns = [
        "scenario",
        "project",
        "site",
        "partner",
        "resource",
        "country",
        "start_year",
        "online_year",
        "modules",
        "first_stage",
    ]
    return pd.concat(tables, ignore_index=True)[columns]


def _positive(solution: pd.Series, relax: bool) -> pd.DataFrame:
    """Starts with modules > 0 as (project, year, modules): whole numbers unless relaxed."""
    if relax:
        kept = solution[solution > 1e-6].round(9)
    else:
        kept = solution[solution > 0.5].round().astype(int)
    return kept.rename("modules").reset_index()


def _summary(info: SolveInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "status": info.status,
        "objective": info.objective,
        "bound": info.bound,
        "gap": info.gap,
        "seconds": info.seconds,
    }


def _ranges(
    run: _Run, rp_costs: np.ndarray, rp_info: SolveInfo, eev: _Solves, ws: _Solves
) -> dict[str, tuple[float, float]]:
    """Where VSS and EVPI lie given the solvers' bounds: RP, EEV and WS each lie between a
    proven lower bound and the value of the solution found (one point when all are optimal).
    Mean + λ·CVaR grows with every world's cost, so the worlds' bounds give EEV's and WS's."""
    weight, alpha = run.cvar_weight, run.alpha
    rp = _objective(rp_costs, weight, alpha)
    rp_low = math.nan if rp_info.bound is None else float(rp_info.bound)
    if rp_info.status == "optimal":
        rp_low = rp
    eev_value, eev_low = (_objective(x, weight, alpha) for x in (eev.costs, eev.bounds))
    ws_value, ws_low = (_objective(x, weight, alpha) for x in (ws.costs, ws.bounds))
    return {
        "vss_range": (eev_low - rp, eev_value - rp_low),
        "evpi_range": (rp_low - ws_value, rp - ws_low),
    }


def _notes(infos: list[SolveInfo | None], dropped: int, stats: dict[str, Any]) -> list[str]:
    notes = []
    stopped = sorted({i.status for i in infos if i is not None and i.status != "optimal"})
    if stopped:
        (vss_low, vss_high), (evpi_low, evpi_high) = stats["vss_range"], stats["evpi_range"]
        notes.append(
            f"some solves stopped before proving optimality ({', '.join(stopped)}): VSS and"
            f" EVPI carry their gaps; given the bounds, VSS lies in [{vss_low:,.0f},"
            f" {vss_high:,.0f}] and EVPI in [{evpi_low:,.0f}, {evpi_high:,.0f}] musd"
        )
    if dropped:
        notes.append(
            f"{dropped} first-stage module start(s) of the expected-value plan, counted per"
            " world, could not come online within the horizon in some sampled worlds and were"
            " left out of those worlds' EEV"
        )
    return notes


def _fail(info: SolveInfo, run: _Run) -> None:
    """Raise what explains a recourse problem without a solution."""
    if not info.status.startswith("infeasible"):
        raise SolverError(
            info.status,
            f"the solver stopped ({info.status}) after {info.seconds:.1f} s without any"
            " stochastic plan; allow more time (time_limit_s, --time-limit), a larger gap"
            " (mip_gap, --mip-gap) or fewer scenarios",
        )
    alone = [
        s
        for s, (world, lost) in enumerate(zip(run.worlds, run.lost, strict=True))
        if run.solve(run.model([world], [lost], 0)).status.startswith("infeasible")
    ]
    findings = (
        [f"sampled world {s} to be feasible on its own" for s in alone]
        if alone
        else ["first-stage module starts that suit every sampled world at once"]
    )
    raise InfeasiblePlanError(findings)

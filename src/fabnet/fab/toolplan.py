"""The multi-fab, multi-quarter tool plan: which tools to buy or move out each quarter, how to
split each step's wafers across fabs and tool types, and when the floor runs out.

:func:`tool_plan` builds the model of :mod:`fabnet.fab.toolmodel` (linopy), solves it with HiGHS
(:func:`fabnet.planning.solve.solve`: time limit, gap, threads, seed, live progress) and reads a
:class:`ToolPlan` off it. With several demand scenarios the plan is two-stage (the buys and
move-outs of ``rules.first_stage_periods`` shared) and the value of the stochastic solution is
reported: ``VSS = EEV − RP``, RP the plan's expected cost and EEV the expected cost of the
mean-demand plan's first stage completed in each scenario. An infeasible plan is explained in
fab terms (:mod:`fabnet.fab.diagnose`) as an :class:`~fabnet.exceptions.InfeasiblePlanError`.
:func:`current_tools_check` says per period whether the tools installed at the start can make
the demand at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.fab._schema import FabSpec
from fabnet.fab.data import FabData
from fabnet.results import Parts, Result

if TYPE_CHECKING:
    import linopy
    import pandas as pd

    from fabnet.fab.toolmodel import ToolParts
    from fabnet.planning.solve import Progress, SolveInfo

__all__ = ["TABLES", "ToolPlan", "current_tools_check", "extract", "tool_plan"]

logger = logging.getLogger(__name__)

#: Tables of a tool plan, in the order they are saved.
TABLES = ("tools", "floor", "split", "transfers", "costs", "binding", "demand", "first_stage")

#: The key columns of each table (its index in xarray and in saved files).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "tools": ("scenario", "fab", "tool_type", "period"),
    "floor": ("scenario", "fab", "period"),
    "split": ("scenario", "product", "step", "fab", "tool_type", "period"),
    "transfers": ("scenario", "product", "step", "period"),
    "costs": ("scenario", "term", "period"),
    "binding": ("scenario", "period", "fab"),
    "demand": ("scenario", "product", "period"),
    "first_stage": ("fab", "tool_type", "period"),
}

#: The columns of each table.
COLUMNS: dict[str, tuple[str, ...]] = {
    "tools": (
        "scenario",
        "fab",
        "tool_type",
        "workstation",
        "period",
        "installed",
        "bought",
        "moved_out",
        "tools_used",
        "capex_musd",
    ),
    "floor": ("scenario", "fab", "period", "used_m2", "floor_m2"),
    "split": (
        "scenario",
        "product",
        "step",
        "workstation",
        "fab",
        "tool_type",
        "period",
        "wafers_per_week",
    ),
    "transfers": ("scenario", "product", "step", "period", "wafers_per_week", "cost_musd"),
    "costs": ("scenario", "term", "period", "musd", "npv_musd"),
    "binding": ("scenario", "period", "fab", "workstation", "utilisation"),
    "demand": ("scenario", "product", "period", "wafers_per_week"),
    "first_stage": ("fab", "tool_type", "period", "bought", "moved_out"),
}

#: The terms of a tool plan's cost [musd].
COST_TERMS = {
    "capex": "tools bought, at their price",
    "move_out": "installed tools moved out, at their move-out cost",
    "transfer": "wafers moved between fabs within a route, at rules.transfer_usd_per_wafer",
}

#: Wafers a week below which a split, transfer or loading is not reported [wpw].
SHOWN_WPW = 1e-6


@dataclass(frozen=True, repr=False)
class ToolPlan(Result):
    """A tool plan: tools bought and moved out per fab, type and period, the wafer split and
    the transfers between fabs, the floor used and the cost.

    A :class:`~fabnet.results.Result`: ``to_xarray``, ``to_netcdf``, ``save(folder, format)``
    and :func:`fabnet.open_result`; ``headline()``.

    Attributes
    ----------
    spec : FabSpec
        The fab file planned.
    tools : DataFrame
        Per (scenario, fab, tool_type, period) with tools installed, bought or moved out:
        workstation, installed (after the period's buys and move-outs), bought, moved_out,
        tools_used (tools' worth of time the split loads on the type, fractional) and
        capex_musd (bought × price).
    floor : DataFrame
        Per (scenario, fab, period): the floor the tools take and the fab's floor [m²].
    split : DataFrame
        Per (scenario, product, step (1-based), fab, tool_type, period) with wafers: the
        step's workstation and wafers a week done there [wpw].
    transfers : DataFrame
        Per (scenario, product, step, period) with wafers moving after that step to another fab:
        wafers a week moved [wpw] and their cost in that period [musd].
    costs : DataFrame
        Per (scenario, term, period): the cost by term (:data:`COST_TERMS`) in that period's
        money (musd) and as counted in the objective (npv_musd: discounted, 0 in a period
        ``rules.cost_periods`` leaves out).
    binding : DataFrame
        Per (scenario, period, fab) with tools: its most loaded workstation and that
        workstation's utilisation (tool time used over the installed tools' loadable time).
    demand : DataFrame
        Per (scenario, product, period): the wafers a week wanted.
    first_stage : DataFrame
        With several scenarios: the buys and move-outs of the first-stage periods, shared by
        every scenario (fab, tool_type, period, bought, moved_out); empty for one scenario.
    stats : dict
        status, objective, bound, gap, build_seconds, solve_seconds, variables, constraints,
        integer_variables, relax, scenarios, expected_cost_musd, eev_musd, vss_musd (None for
        one scenario).
    """

    spec: FabSpec
    tools: pd.DataFrame = field(repr=False)
    floor: pd.DataFrame = field(repr=False)
    split: pd.DataFrame = field(repr=False)
    transfers: pd.DataFrame = field(repr=False)
    costs: pd.DataFrame = field(repr=False)
    binding: pd.DataFrame = field(repr=False)
    demand: pd.DataFrame = field(repr=False)
    first_stage: pd.DataFrame = field(repr=False)
    stats: dict[str, Any] = field(default_factory=dict)

    KIND = "fab-plan"
    TITLE = "tool plan"

    @property
    def status(self) -> str:
        """How the solve ended (optimal, gap_limit, time_limit, …)."""
        return str(self.stats.get("status", "unknown"))

    def _probability(self) -> dict[str, float]:
        scenarios = self.spec.demand.scenarios
        if not scenarios:
            return {str(s): 1.0 for s in self.floor["scenario"].unique()}
        return {s.id: s.probability for s in scenarios}

    def _expected(self, frame: pd.DataFrame, column: str) -> float:
        """Σ_s probability[s] · Σ column over scenario s's rows."""
        if frame.empty:
            return 0.0
        weight = frame["scenario"].map(self._probability()).astype(float)
        return float((frame[column] * weight).sum())

    def headline(self) -> dict[str, Any]:
        """Tools bought (expected over the scenarios), their capex and the plan's cost (NPV),
        the wafers moved between fabs, the solve's status, gap and time, and the VSS."""
        gap = self.stats.get("gap")
        vss = self.stats.get("vss_musd")
        moved = self.transfers.assign(
            wafers=self.transfers["wafers_per_week"] * self.spec.periods.weeks
        )
        bought = self._expected(self.tools, "bought")
        return {
            "fab": self.spec.name,
            "status": self.status,
            "tools_bought": round(bought) if len(self._probability()) == 1 else bought,
            "capex_musd": self._expected(self.tools, "capex_musd"),
            "cost_npv_musd": self._expected(self.costs, "npv_musd"),
            "transfer_wafers": self._expected(moved, "wafers"),
            "mip_gap": None if gap is None else float(gap),
            "solve_seconds": float(self.stats.get("solve_seconds", 0.0)),
            "vss_musd": None if vss is None else float(vss),
        }

    def _title(self) -> str:
        return f"<fabnet {self.TITLE} of {self.spec.name}>"

    def _parts(self) -> Parts:
        return Parts(
            tables={name: getattr(self, name) for name in TABLES},
            meta={"fab": self.spec.to_yaml(), "stats": self.stats},
            keys=TABLE_KEYS,
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> ToolPlan:
        from fabnet.fab._load import load_fab

        tables = {name: parts.table(name) for name in TABLES}
        return cls(spec=load_fab(parts.meta["fab"]), stats=dict(parts.meta["stats"]), **tables)


# -- reading a solved model -------------------------------------------------------------------


def _frame(columns: tuple[str, ...], data: dict[str, Any]) -> pd.DataFrame:
    """A table with ``columns`` in that order, from lists of labels and arrays of figures."""
    import pandas as pd

    return pd.DataFrame({c: data[c] for c in columns})


def _labels(names: tuple[str, ...], index: np.ndarray) -> list[str]:
    return [names[i] for i in index]


def moved_wafers(data: FabData, parts: ToolParts, split: np.ndarray) -> np.ndarray:
    """Wafers a week that change fab after each step (scenario, step, period) [wpw]: Σ_f max(0,
    y[j+1,f] − y[j,f]) with y[j,f] = Σ_k split, read off the split itself (the transfer
    variables are only bounded below by it)."""
    routes = parts.routes
    n_s, _, n_t = split.shape
    n_j, n_f = len(data.step_product), len(data.fabs)
    flat = np.zeros((n_j * n_f, n_s, n_t))
    np.add.at(flat, routes.step * n_f + routes.fab, split.transpose(1, 0, 2))
    y = flat.reshape(n_j, n_f, n_s, n_t)
    gain = np.zeros_like(y)
    gain[:-1] = np.clip(y[1:] - y[:-1], 0.0, None)
    gain[~data.has_next] = 0.0
    out: np.ndarray = gain.sum(axis=1).transpose(1, 0, 2)
    return out


def net_decisions(
    bought: np.ndarray, out: np.ndarray | None, *, whole: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Buys and move-outs net of each other (rounded to whole tools if ``whole``).

    A plan never needs both for one type in one fab and period; where they cost nothing (a
    period whose costs do not count) the solver may report both.
    """
    net = bought if out is None else bought - out
    if whole:
        net = np.round(net)
    return np.clip(net, 0.0, None), np.clip(-net, 0.0, None)


def extract(parts: ToolParts, stats: dict[str, Any]) -> ToolPlan:
    """Read a :class:`ToolPlan`'s tables off a solved model's parts."""
    from fabnet.fab.diagnose import type_time
    from fabnet.fab.toolmodel import MUSD_PER_USD, solution

    data = parts.data
    routes = parts.routes
    dense = ("scenario", "fab", "tool_type", "period")
    n_s, n_t = len(data.scenarios), len(data.periods)
    bought = solution(parts.buy, dense)
    out = solution(parts.move_out, dense)
    tools = solution(parts.tools, dense)
    split = solution(parts.split, ("scenario", "split", "period"))
    assert bought is not None
    assert tools is not None
    assert split is not None
    bought, out = net_decisions(bought, out, whole=not parts.relax)
    if not parts.relax:  # whole tools, up to the solver's tolerance
        tools = np.round(tools)
    split = np.where(split > SHOWN_WPW, split, 0.0)
    used = type_time(data, parts, split)

    s, f, k, t = np.nonzero((tools > 0) | (bought > 0) | (out > 0))
    tool_rows = _frame(
        COLUMNS["tools"],
        {
            "scenario": _labels(data.scenarios, s),
            "fab": _labels(data.fabs, f),
            "tool_type": _labels(data.tool_types, k),
            "workstation": _labels(data.workstations, data.type_workstation[k]),
            "period": _labels(data.periods, t),
            "installed": tools[s, f, k, t],
            "bought": bought[s, f, k, t],
            "moved_out": out[s, f, k, t],
            "tools_used": used[s, f, k, t],
            "capex_musd": bought[s, f, k, t] * data.capex_musd[k],
        },
    )

    area = (tools * data.footprint_m2[None, None, :, None]).sum(axis=2)  # (s, f, t)
    s, f, t = np.indices(area.shape).reshape(3, -1)
    floor = _frame(
        COLUMNS["floor"],
        {
            "scenario": _labels(data.scenarios, s),
            "fab": _labels(data.fabs, f),
            "period": _labels(data.periods, t),
            "used_m2": area[s, f, t],
            "floor_m2": data.floor_m2[f],
        },
    )

    s, n, t = np.nonzero(split > SHOWN_WPW)
    j = routes.step[n]
    split_rows = _frame(
        COLUMNS["split"],
        {
            "scenario": _labels(data.scenarios, s),
            "product": _labels(data.products, data.step_product[j]),
            "step": data.step_number[j] + 1,
            "workstation": _labels(data.workstations, data.step_workstation[j]),
            "fab": _labels(data.fabs, routes.fab[n]),
            "tool_type": _labels(data.tool_types, routes.tool_type[n]),
            "period": _labels(data.periods, t),
            "wafers_per_week": split[s, n, t],
        },
    )

    moved = moved_wafers(data, parts, split)  # (s, j, t)
    rate = data.transfer_usd_per_wafer * MUSD_PER_USD * data.weeks
    s, j, t = np.nonzero(moved > SHOWN_WPW)
    transfers = _frame(
        COLUMNS["transfers"],
        {
            "scenario": _labels(data.scenarios, s),
            "product": _labels(data.products, data.step_product[j]),
            "step": data.step_number[j] + 1,
            "period": _labels(data.periods, t),
            "wafers_per_week": moved[s, j, t],
            "cost_musd": moved[s, j, t] * rate,
        },
    )

    money = {
        "capex": (bought * data.capex_musd[None, None, :, None]).sum(axis=(1, 2)),
        "move_out": (out * data.move_out_musd[None, None, :, None]).sum(axis=(1, 2)),
        "transfer": moved.sum(axis=1) * rate,
    }  # each (s, t)
    weight = data.counted * data.discount
    rows: dict[str, list[Any]] = {c: [] for c in COLUMNS["costs"]}
    for term, values in money.items():
        for si in range(n_s):
            rows["scenario"] += [data.scenarios[si]] * n_t
            rows["term"] += [term] * n_t
            rows["period"] += list(data.periods)
            rows["musd"] += list(values[si])
            rows["npv_musd"] += list(values[si] * weight)
    costs = _frame(COLUMNS["costs"], rows)

    binding = _binding(data, tools, used)
    s, p, t = np.indices(data.demand.shape).reshape(3, -1)
    demand = _frame(
        COLUMNS["demand"],
        {
            "scenario": _labels(data.scenarios, s),
            "product": _labels(data.products, p),
            "period": _labels(data.periods, t),
            "wafers_per_week": data.demand[s, p, t],
        },
    )
    first = len(parts.first_periods)
    f, k, t = np.nonzero((bought[0, :, :, :first] > 0) | (out[0, :, :, :first] > 0))
    first_stage = _frame(
        COLUMNS["first_stage"],
        {
            "fab": _labels(data.fabs, f),
            "tool_type": _labels(data.tool_types, k),
            "period": _labels(data.periods, t),
            "bought": bought[0, f, k, t],
            "moved_out": out[0, f, k, t],
        },
    )
    return ToolPlan(
        spec=data.spec,
        tools=tool_rows,
        floor=floor,
        split=split_rows,
        transfers=transfers,
        costs=costs,
        binding=binding,
        demand=demand,
        first_stage=first_stage,
        stats=stats,
    )


def _binding(data: FabData, tools: np.ndarray, used: np.ndarray) -> pd.DataFrame:
    """Per (scenario, period, fab) with tools: the most loaded workstation and its utilisation
    (Σ_k time used / Σ_k capacity_min · tools over the workstation's types)."""
    n_w = len(data.workstations)
    member = np.zeros((len(data.tool_types), n_w))
    member[np.arange(len(data.tool_types)), data.type_workstation] = 1.0
    capacity = tools * data.capacity_min[None, None, :, None]  # (s, f, k, t) min a week
    load = used * data.capacity_min[None, None, :, None]
    cap_w = np.einsum("sfkt,kw->stfw", capacity, member)
    load_w = np.einsum("sfkt,kw->stfw", load, member)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(cap_w > 0, load_w / cap_w, -1.0)
    best = share.argmax(axis=-1)
    value = np.take_along_axis(share, best[..., None], axis=-1)[..., 0]
    s, t, f = np.nonzero(value >= 0)
    return _frame(
        COLUMNS["binding"],
        {
            "scenario": _labels(data.scenarios, s),
            "period": _labels(data.periods, t),
            "fab": _labels(data.fabs, f),
            "workstation": _labels(data.workstations, best[s, t, f]),
            "utilisation": value[s, t, f],
        },
    )


# -- planning -----------------------------------------------------------------------------------


def _fab_data(source: FabSpec | FabData | str | Path) -> FabData:
    from fabnet.fab._load import load_fab
    from fabnet.fab.data import fab_data

    if isinstance(source, FabData):
        return source
    spec = source if isinstance(source, FabSpec) else load_fab(source)
    return fab_data(spec)


#: Statuses after which the solver stopped only for want of time or at the user's request.
_STOPPED = ("time_limit", "interrupted", "solution_limit", "no_solution")


def _check_status(info: SolveInfo) -> None:
    """Refuse a solve without a plan that is not an infeasible model (the planner's
    ``_check_status``): a stop for want of time, or a numerical failure.

    Raises
    ------
    SolverError
        With the status and what to do about it.
    """
    from fabnet.exceptions import SolverError

    if info.has_solution or info.status.startswith("infeasible"):
        return
    if info.status in _STOPPED:
        raise SolverError(
            info.status,
            f"the solver stopped ({info.status}) after {info.seconds:.1f} s without any tool"
            " plan; allow more time (time_limit_s, --time-limit) or a larger gap (mip_gap, --gap)",
        )
    raise SolverError(
        info.status,
        f"the solver failed ({info.status}) after {info.seconds:.1f} s: every cost of the tool"
        " plan is at least 0, so the model cannot be unbounded; check for figures far outside"
        " the built-in example's ranges",
    )


def _mean_demand(data: FabData) -> FabData:
    """``data`` with one scenario: the probability-weighted mean demand."""
    mean = np.tensordot(data.probability, data.demand, axes=1)[None]
    return replace(data, scenarios=("mean",), probability=np.array([1.0]), demand=mean)


def _fix_first_stage(
    variable: linopy.Variable | None, values: np.ndarray | None, first: int
) -> None:
    """Fix a decision's first ``first`` periods to ``values`` (fab, type, period) in every
    scenario."""
    import xarray as xr

    if variable is None or values is None:
        return
    dims = ("scenario", "fab", "tool_type", "period")
    lower = variable.lower.transpose(*dims).to_numpy().copy()
    upper = variable.upper.transpose(*dims).to_numpy().copy()
    lower[..., :first] = values[None, ..., :first]
    upper[..., :first] = values[None, ..., :first]
    coords = variable.labels.transpose(*dims).coords
    variable.update(
        lower=xr.DataArray(lower, coords=coords), upper=xr.DataArray(upper, coords=coords)
    )


def _first(values: np.ndarray | None) -> np.ndarray | None:
    return None if values is None else values[0]


def expected_value_cost(
    data: FabData, settings: Mapping[str, Any], *, relax: bool = False
) -> tuple[float | None, str]:
    """EEV: the expected cost of the mean-demand plan's first-stage buys and move-outs,
    completed at least cost in every scenario [musd]; None (with the status) if the mean plan
    cannot be made or completed."""
    from fabnet.exceptions import InfeasiblePlanError
    from fabnet.fab.toolmodel import build_tool_model, solution
    from fabnet.planning.solve import solve

    dims = ("scenario", "fab", "tool_type", "period")
    try:
        mean_model, mean = build_tool_model(_mean_demand(data), relax=relax)
    except InfeasiblePlanError:
        return None, "infeasible"
    info = solve(mean_model, **settings)
    if not info.has_solution:
        return None, f"mean plan {info.status}"
    first = min(data.spec.rules.first_stage_periods, len(data.periods))
    model, parts = build_tool_model(data, relax=relax)
    buys = solution(mean.buy, dims)
    assert buys is not None
    bought, out = net_decisions(buys[0], _first(solution(mean.move_out, dims)), whole=not relax)
    _fix_first_stage(parts.buy, bought, first)
    _fix_first_stage(parts.move_out, out, first)
    info = solve(model, **settings)
    if not info.has_solution:
        return None, info.status
    return float(info.objective or 0.0), info.status


def tool_plan(
    source: FabSpec | FabData | str | Path = "example-3fab",
    *,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    random_seed: int | None = None,
    relax: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    solver_log: str | Path | None = None,
) -> ToolPlan:
    """Plan the tools of a fab file: buys and move-outs per fab, type and quarter, the wafer
    split of every step across fabs and tool types, and the transfers between fabs, at least
    expected cost.

    Parameters
    ----------
    source : FabSpec, FabData, str or Path
        A loaded fab file, its arrays, a built-in name or a fab file's path (default: the
        built-in ``example-3fab``).
    time_limit_s, mip_gap, threads : optional
        Override the fab file's ``rules.solver`` settings [s, fraction, count].
    random_seed : int, optional
        HiGHS's random seed.
    relax : bool
        Solve the LP relaxation (fractional tools): a lower bound on the plan's cost.
    on_progress : callable, optional
        Receives the incumbent, bound and gap while the MIP solves.
    solver_options : mapping, optional
        Further HiGHS options by name (:func:`fabnet.planning.solve.highs_options`).
    solver_log : str or Path, optional
        A file to which HiGHS's log of every solve is appended.

    Returns
    -------
    ToolPlan
        On a time or gap limit, the incumbent, with its bound, gap and status in ``stats``.

    Raises
    ------
    InfeasiblePlanError
        With :class:`~fabnet.fab.diagnose.Finding` s naming the first period that fails and
        why (CLI exit code 3).
    SolverError
        If the solver stopped without any plan (CLI exit code 5).
    ParameterError
        For an unknown HiGHS option.
    """
    from fabnet.exceptions import InfeasiblePlanError
    from fabnet.fab.diagnose import diagnose
    from fabnet.fab.toolmodel import build_tool_model
    from fabnet.planning.solve import highs_options, solve

    checked = highs_options(solver_options)  # before any work
    data = _fab_data(source)
    solver = data.spec.rules.solver
    settings: dict[str, Any] = {
        "time_limit_s": solver.time_limit_s if time_limit_s is None else time_limit_s,
        "mip_gap": solver.mip_gap if mip_gap is None else mip_gap,
        "threads": solver.threads if threads is None else threads,
        "random_seed": random_seed,
        "solver_options": checked,
        "solver_log": solver_log,
    }

    def explain() -> InfeasiblePlanError:
        logger.info("the tool plan is infeasible: solving the elastic model for a diagnosis")
        findings = diagnose(
            data,
            relax=relax,
            time_limit_s=settings["time_limit_s"],
            threads=settings["threads"],
            solver_options=checked,
            solver_log=solver_log,
        )
        return InfeasiblePlanError(findings)

    start = time.perf_counter()
    try:
        model, parts = build_tool_model(data, relax=relax)
    except InfeasiblePlanError:
        raise explain() from None
    built = time.perf_counter()
    logger.info(
        "built the %s of %s in %.1f s",
        "LP relaxation" if relax else "MIP",
        data.spec.name,
        built - start,
    )
    info = solve(model, **settings, on_progress=on_progress)
    _check_status(info)
    if not info.has_solution:
        raise explain()
    stats: dict[str, Any] = {
        "status": info.status,
        "objective": info.objective,
        "bound": info.bound,
        "gap": info.gap,
        "build_seconds": built - start,
        "solve_seconds": info.seconds,
        "variables": info.variables,
        "constraints": info.constraints,
        "integer_variables": info.integer_variables,
        "relax": relax,
        "scenarios": len(data.scenarios),
    }
    result = extract(parts, stats)
    expected = result._expected(result.costs, "npv_musd")
    eev: float | None = None
    if len(data.scenarios) > 1:
        eev, eev_status = expected_value_cost(data, settings, relax=relax)
        stats["eev_status"] = eev_status
    stats["expected_cost_musd"] = expected
    stats["eev_musd"] = eev
    stats["vss_musd"] = None if eev is None else eev - expected
    return replace(result, stats=stats)


# -- can the tools installed make the demand? ----------------------------------------------------

#: The largest share of demand :func:`current_tools_check` reports [fraction].
MAX_SHARE = 1e4


def current_tools_check(data: FabData) -> pd.DataFrame:
    """Per scenario and period, the largest fraction α of every product's demand the tools
    installed at the start can make (no buys, no move-outs), and whether it is all of it.

    An LP from the tool plan's own blocks (:mod:`fabnet.fab.toolmodel`: the split, the tools,
    their tool time and the demand, scaled by α[s, t]), maximising Σ α: each period's α is the
    largest share of all its demand the installed tools' time can carry (floor space and
    transfers play no part). A period without demand makes all of it (α = inf).

    Returns
    -------
    DataFrame
        scenario, period, max_share [fraction, at most :data:`MAX_SHARE`], meets_demand
        (α ≥ 1 − 1e-9).

    Raises
    ------
    SolverError
        If HiGHS fails on the LP (it is always feasible: α = 0 makes nothing).
    """
    import linopy
    import pandas as pd

    from fabnet.exceptions import SolverError
    from fabnet.fab.toolmodel import (
        define_demand,
        define_split,
        define_tool_time,
        define_tools,
        routing,
        solution,
        tool_coords,
    )
    from fabnet.planning.solve import solve

    c = tool_coords(data)
    m = linopy.Model(force_dim_names=True)
    routes = routing(data)
    tools = define_tools(m, data, routes, None, None, relax=True)
    split = define_split(m, data, routes)
    share = m.add_variables(
        lower=0, upper=MAX_SHARE, coords=[c["scenario"], c["period"]], name="share"
    )
    define_demand(m, data, routes, split, share=share)
    define_tool_time(m, data, routes, split, tools)
    m.add_objective(share.sum(), sense="max")
    info = solve(m, time_limit_s=600.0, mip_gap=0.0)
    if not info.has_solution:
        raise SolverError(info.status, f"the capacity check's LP ended {info.status}")
    alpha = solution(share, ("scenario", "period"))
    assert alpha is not None
    alpha = np.where(data.demand.sum(axis=1) > 0, np.maximum(alpha, 0.0), np.inf)
    s, t = np.indices(alpha.shape).reshape(2, -1)
    return pd.DataFrame(
        {
            "scenario": [data.scenarios[i] for i in s],
            "period": [data.periods[i] for i in t],
            "max_share": alpha[s, t],
            "meets_demand": alpha[s, t] >= 1.0 - 1e-9,
        }
    )

"""The tool plan's model: one ``define_*`` function per family of variables and constraints.

Notation (:mod:`fabnet.fab.data`, DESIGN §9): scenarios s, fabs f, tool types k, route steps j,
products p (p(j): the product of step j), periods t. Decisions:

* ``buy[s,f,k,t]`` — tools bought (only from the type's first period of purchase, and only in
  a fab that may run some step the type can run); ``move-out[s,f,k,t]`` — installed tools moved
  out (only where ``rules.move_outs``);
* ``tools[s,f,k,t]`` — integer tools installed: ``start_tools[f,k] + Σ_{τ≤t} (buy − move-out)``
  (its recursion is the ``tools`` constraint).

The integers are the tools installed, not the buys: the buys net of move-outs are then integral
(differences of integers), and at least cost a period never both buys and moves out tools of one
type in one fab (that would pay twice for nothing), so every optimal plan's buys and move-outs
are whole tools; :func:`fabnet.fab.toolplan.extract` reports their net so either way. The same
plans as integer buys, but HiGHS branches on the quantities the floor and the tool time
constrain: on the built-in example it reaches its gap 5–8× faster than with integer buys.
* ``split[s,n,t]`` — wafers a week [wpw] of step j(n) done in fab f(n) on type k(n), over the
  *split* dimension: the sparse triples n = (j, k, f) where type k runs step j and fab f may run
  p(j) and can ever hold a tool of type k (never a dense j × k × f array);
* ``transfer[s,l,t]`` — wafers a week [wpw] that arrive at fab f(l) for step j(l) + 1 from
  another fab, over the *link* dimension: the pairs l = (j, f) with a next step that fab f can
  run.

Constraints: ``demand`` Σ_{k,f} split = demand[s, p(j), t] per step; ``tool-time`` Σ_j split ·
minutes[j,k] ≤ capacity_min[k] · tools (the coefficients of :func:`fabnet.fab.data.tools_needed`);
``floor`` Σ_k footprint_m2[k] · tools ≤ floor_m2[f]; ``transfer`` transfer[j,f] ≥ y[j+1,f] −
y[j,f] with y = Σ_k split: at least cost Σ_f transfer is exactly the wafers that change fab
between j and j + 1 (half the L1 distance of the two splits, no binaries, no big-M);
``workstation-cover``, valid inequalities on whole tools per workstation and set of fabs (in
the MIP only: :func:`define_workstation_cover`); and, over
several demand scenarios, ``non-anticipativity``: the buys and move-outs of the first
``rules.first_stage_periods`` periods are one decision shared by every scenario.

Cost per scenario [musd]: ``Σ_t counted[t] · discount[t] · (Σ capex_musd · buy + move_out_musd ·
move-out + transfer_usd_per_wafer · 1e-6 · weeks · Σ transfer)``; the objective is its expected
value Σ_s probability[s] · cost_s (plus, in elastic mode, the priced slacks of the diagnosis).

Every constraint is assembled as linopy's (coefficients, variable labels) arrays straight from
numpy (:func:`_linear`): one scatter per family, no expression per step or per fab.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.planning.blocks import Slacks, add_limit, constrain

if TYPE_CHECKING:
    import linopy
    import pandas as pd
    import xarray as xr

    from fabnet.fab.data import FabData

__all__ = [
    "ELASTIC_DEMAND_PENALTY",
    "ELASTIC_FLOOR_PENALTY",
    "Routing",
    "ToolParts",
    "build_tool_model",
    "define_buys",
    "define_cost",
    "define_demand",
    "define_floor",
    "define_move_outs",
    "define_non_anticipativity",
    "define_objective",
    "define_split",
    "define_tool_time",
    "define_tools",
    "define_transfers",
    "define_workstation_cover",
    "fab_unions",
    "routing",
    "tool_coords",
]

#: Price of one m² of elastic slack on a fab's floor in one period [musd per m²]: far above any
#: tool's capex per m² (an EUV scanner: ~2 musd per m²), so the diagnosis breaks the floor only
#: where no purchase can help.
ELASTIC_FLOOR_PENALTY = 1e4
#: Price of one wafer a week of unmet demand in one period [musd per wpw]: far above the floor's
#: slack, so the diagnosis leaves demand unmet only where no tool able to run a step can be in a
#: fab that may run it.
ELASTIC_DEMAND_PENALTY = 1e9
#: Unit cost of a transfer [musd per USD].
MUSD_PER_USD = 1e-6


def tool_coords(data: FabData) -> dict[str, pd.Index]:
    """The model's labelled dimensions (``step`` is the index of a step in ``data``)."""
    import pandas as pd

    return {
        "scenario": pd.Index(data.scenarios, name="scenario"),
        "fab": pd.Index(data.fabs, name="fab"),
        "tool_type": pd.Index(data.tool_types, name="tool_type"),
        "period": pd.Index(data.periods, name="period"),
        "product": pd.Index(data.products, name="product"),
        "step": pd.RangeIndex(len(data.step_product), name="step"),
    }


@dataclass(frozen=True, eq=False)
class Routing:
    """The sparse structure of a fab file: which (step, type, fab) may carry wafers.

    Attributes
    ----------
    may_buy : ndarray of bool, (fab, tool_type)
        Whether fab f may buy tools of type k: the type is buyable within the horizon and runs
        a step of a product the fab may run.
    can_hold : ndarray of bool, (fab, tool_type)
        Whether fab f can ever hold a tool of type k (it has some at the start, or may buy
        some).
    step, tool_type, fab : ndarray of int, (split,)
        The triples n of the split dimension, ordered by step, type, fab.
    link_step, link_fab : ndarray of int, (link,)
        The pairs l of the link dimension: step j (followed by j + 1) and the fab f that can run
        j + 1.
    """

    may_buy: np.ndarray
    can_hold: np.ndarray
    step: np.ndarray
    tool_type: np.ndarray
    fab: np.ndarray
    link_step: np.ndarray
    link_fab: np.ndarray


def routing(data: FabData) -> Routing:
    """The triples (step, type, fab) and links (step, fab) of ``data`` (see :class:`Routing`)."""
    runs = data.runs  # (j, k)
    allowed = data.step_allowed  # (f, j)
    # A fab may buy type k if it may run some step type k can run (and the type can be bought).
    buyable_in = (allowed.astype(np.int64) @ runs.astype(np.int64)) > 0  # (f, k)
    may_buy = buyable_in & (data.first_buy < len(data.periods))[None, :]
    can_hold = (data.start_tools > 0) | may_buy
    valid = runs[:, :, None] & allowed.T[:, None, :] & can_hold.T[None, :, :]  # (j, k, f)
    step, kind, fab = np.nonzero(valid)
    served = np.zeros((len(data.step_product), len(data.fabs)), dtype=bool)
    served[step, fab] = True
    has_next = data.has_next
    nxt = np.zeros_like(served)
    nxt[:-1] = served[1:] & has_next[:-1, None]
    link_step, link_fab = np.nonzero(nxt)
    return Routing(may_buy, can_hold, step, kind, fab, link_step, link_fab)


# -- assembling expressions from numpy ---------------------------------------------------------


def _linear(
    m: linopy.Model,
    coords: list[pd.Index],
    terms: list[tuple[np.ndarray, Any]],
) -> linopy.LinearExpression:
    """``Σ coeffs · variables`` over ``coords`` from (labels, coefficients) pairs.

    Each pair's labels have the shape of ``coords`` plus one trailing axis of terms (a missing
    variable: −1); its coefficients broadcast to that shape. Terms with a missing variable or a
    zero coefficient are dropped.
    """
    import linopy
    import xarray as xr

    shape = tuple(len(c) for c in coords)
    labels = [np.asarray(given) for given, _ in terms]
    coeffs = [
        np.broadcast_to(np.asarray(coef, dtype=float), lab.shape)
        for lab, (_, coef) in zip(labels, terms, strict=True)
    ]
    if sum(lab.shape[-1] for lab in labels) == 0:  # no term at all: one empty term
        labels, coeffs = [np.full((*shape, 1), -1)], [np.zeros((*shape, 1))]
    variables = np.concatenate(labels, axis=-1).astype(np.int64)
    factors = np.concatenate(coeffs, axis=-1)  # a copy: written below
    factors[variables < 0] = 0.0
    variables[factors == 0.0] = -1
    dims = (*(str(c.name) for c in coords), "_term")
    dataset = xr.Dataset(
        {"coeffs": (dims, factors), "vars": (dims, variables)},
        coords={str(c.name): c for c in coords},
    )
    return linopy.LinearExpression(dataset, m)


def _scatter(
    labels: np.ndarray, member: np.ndarray, group: np.ndarray, coef: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Gather ``labels[:, member[e], :]`` (scenario, member, period) into the groups of a sum:
    (scenario, group, period, term) labels and coefficients, entry e at group ``group[e]`` with
    coefficient ``coef[e]``; the term axis is as long as the largest group (padded with −1)."""
    n_s, _, n_t = labels.shape
    order = np.argsort(group, kind="stable")
    member, group, coef = member[order], group[order], np.asarray(coef, dtype=float)[order]
    counts = np.bincount(group, minlength=groups)
    slot = np.arange(len(group)) - (np.cumsum(counts) - counts)[group]
    width = max(int(counts.max()) if len(counts) else 0, 1)
    out = np.full((n_s, n_t, groups, width), -1, dtype=np.int64)
    factors = np.zeros((n_s, n_t, groups, width))
    moved = np.moveaxis(labels, 1, 2)  # (scenario, period, member)
    out[:, :, group, slot] = moved[:, :, member]
    factors[:, :, group, slot] = coef
    return np.moveaxis(out, 2, 1), np.moveaxis(factors, 2, 1)


def _labels(variable: linopy.Variable, dims: tuple[str, ...]) -> np.ndarray:
    """A variable's labels as a numpy array in the order ``dims``."""
    out: np.ndarray = variable.labels.transpose(*dims).to_numpy()
    return out


def _maybe_labels(variable: linopy.Variable | None, dims: tuple[str, ...]) -> np.ndarray | None:
    """:func:`_labels`, None for no variable."""
    return None if variable is None else _labels(variable, dims)


# -- the blocks ----------------------------------------------------------------------------------

_DENSE = ("scenario", "fab", "tool_type", "period")


def _dense(data: FabData) -> list[pd.Index]:
    c = tool_coords(data)
    return [c[d] for d in _DENSE]


def define_buys(
    m: linopy.Model, data: FabData, routes: Routing, *, bounded: bool = True
) -> linopy.Variable:
    """Tools bought per (scenario, fab, type, period): only from the type's first period of
    purchase (``rules.first_buy``, never for a type no longer buyable) and only where the fab
    may buy the type. ``bounded``: at most the tools of the type its floor holds. (Whole tools
    because the tools installed are: see the module.)"""
    import xarray as xr

    coords = _dense(data)
    periods = np.arange(len(data.periods))
    buyable = data.first_buy[None, :, None] <= periods[None, None, :]  # (1, k, t)
    mask = np.broadcast_to(
        (buyable & routes.may_buy[:, :, None])[None], tuple(len(c) for c in coords)
    ).copy()
    upper: Any = np.inf
    if bounded:
        fits = np.floor(data.floor_m2[:, None] / data.footprint_m2[None, :] + 1e-9)
        upper = xr.DataArray(fits, coords=[coords[1], coords[2]])
    return m.add_variables(
        lower=0,
        upper=upper,
        coords=coords,
        name="buy",
        mask=xr.DataArray(mask, coords=coords),
    )


def define_move_outs(m: linopy.Model, data: FabData, routes: Routing) -> linopy.Variable | None:
    """Installed tools moved out per (scenario, fab, type, period), where the fab can hold the
    type (None unless ``rules.move_outs``; whole tools as the buys)."""
    import xarray as xr

    if not data.spec.rules.move_outs:
        return None
    coords = _dense(data)
    shape = tuple(len(c) for c in coords)
    mask = np.broadcast_to(routes.can_hold[None, :, :, None], shape).copy()
    return m.add_variables(
        lower=0,
        coords=coords,
        name="move-out",
        mask=xr.DataArray(mask, coords=coords),
    )


def define_tools(
    m: linopy.Model,
    data: FabData,
    routes: Routing,
    buy: linopy.Variable | None,
    move_out: linopy.Variable | None,
    *,
    relax: bool = False,
) -> linopy.Variable:
    """Integer tools installed per (scenario, fab, type, period) (continuous with ``relax``)
    and their carry-over (``tools``): ``tools[t] = tools[t−1] + buy[t] − move-out[t]``,
    ``tools[−1] = start_tools``."""
    import xarray as xr

    coords = _dense(data)
    shape = tuple(len(c) for c in coords)
    mask = np.broadcast_to(routes.can_hold[None, :, :, None], shape).copy()
    tools = m.add_variables(
        lower=0,
        coords=coords,
        name="tools",
        integer=not relax,
        mask=xr.DataArray(mask, coords=coords),
    )
    own = _labels(tools, _DENSE)
    before = np.full_like(own, -1)
    before[..., 1:] = own[..., :-1]
    terms: list[tuple[np.ndarray, Any]] = [(own[..., None], 1.0), (before[..., None], -1.0)]
    bought = _maybe_labels(buy, _DENSE)
    if bought is not None:
        terms.append((bought[..., None], -1.0))
    out = _maybe_labels(move_out, _DENSE)
    if out is not None:
        terms.append((out[..., None], 1.0))
    start = np.zeros(shape)
    start[..., 0] = data.start_tools[None, :, :]
    constrain(m, _linear(m, coords, terms), "==", xr.DataArray(start, coords=coords), "tools")
    return tools


def define_split(m: linopy.Model, data: FabData, routes: Routing) -> linopy.Variable:
    """Wafers a week of each step done in each fab on each type [wpw], over the sparse
    (step, type, fab) triples of ``routes``."""
    import pandas as pd

    c = tool_coords(data)
    split = pd.RangeIndex(len(routes.step), name="split")
    return m.add_variables(lower=0, coords=[c["scenario"], split, c["period"]], name="split")


def _split_labels(split: linopy.Variable) -> np.ndarray:
    out = _labels(split, ("scenario", "split", "period"))
    assert out is not None
    return out


def define_demand(
    m: linopy.Model,
    data: FabData,
    routes: Routing,
    split: linopy.Variable,
    *,
    slacks: Slacks | None = None,
    share: linopy.Variable | None = None,
) -> linopy.Variable | None:
    """Every step makes its product's demand (``demand``): Σ_{k,f} split[s,(j,k,f),t] =
    demand[s, p(j), t].

    In elastic mode (``slacks`` given) a priced ``unmet[s,p,t]`` [wpw] may make up the
    difference (returned, and kept in ``slacks["demand"]``); with ``share`` (a variable over
    scenario and period) the right side is ``share · demand`` (the capacity check).

    Raises
    ------
    InfeasiblePlanError
        Without slack or share: a step with demand that no fab can run on any tool.
    """
    import xarray as xr

    from fabnet.exceptions import InfeasiblePlanError

    c = tool_coords(data)
    coords = [c["scenario"], c["step"], c["period"]]
    n_steps = len(data.step_product)
    labels, factors = _scatter(
        _split_labels(split),
        np.arange(len(routes.step)),
        routes.step,
        np.ones(len(routes.step)),
        n_steps,
    )
    terms: list[tuple[np.ndarray, Any]] = [(labels, factors)]
    wanted = data.step_demand  # (s, j, t)
    unmet = None
    if slacks is not None:
        unmet = m.add_variables(
            lower=0, coords=[c["scenario"], c["product"], c["period"]], name="unmet"
        )
        per_step = _labels(unmet, ("scenario", "product", "period"))[:, data.step_product, :]
        terms.append((per_step[..., None], 1.0))
        slacks["demand"] = unmet
    if share is not None:
        alpha = _labels(share, ("scenario", "period"))
        terms.append(
            (np.broadcast_to(alpha[:, None, :], wanted.shape)[..., None], -wanted[..., None])
        )
        rhs: Any = 0.0
    else:
        rhs = xr.DataArray(wanted, coords=coords)
        if unmet is None:
            served = np.zeros(n_steps, dtype=bool)
            served[routes.step] = True
            lacking = (~served)[None, :, None] & (wanted > 0)
            if lacking.any():
                _, j, t = (int(i[0]) for i in np.nonzero(lacking))
                raise InfeasiblePlanError(
                    [
                        f"demand: {data.periods[t]}: step {data.step_number[j] + 1} of"
                        f" {data.products[data.step_product[j]]} can run in no fab"
                    ]
                )
    constrain(m, _linear(m, coords, terms), "==", rhs, "demand")
    return unmet


def _per_fab_type(data: FabData, routes: Routing, split: linopy.Variable, coef: np.ndarray) -> Any:
    """Σ over each (fab, type)'s triples of ``coef[n] · split[n]``: (s, f, k, t, term) arrays."""
    n_f, n_k = len(data.fabs), len(data.tool_types)
    labels, factors = _scatter(
        _split_labels(split),
        np.arange(len(routes.step)),
        routes.fab * n_k + routes.tool_type,
        coef,
        n_f * n_k,
    )
    n_s, _, n_t, width = labels.shape
    labels = labels.reshape(n_s, n_f, n_k, n_t, width)
    factors = factors.reshape(n_s, n_f, n_k, n_t, width)
    return labels, factors


def split_minutes(data: FabData, routes: Routing) -> np.ndarray:
    """Minutes per wafer of each triple on its type, ``minutes[j(n), k(n)]`` [min per wafer]."""
    out: np.ndarray = data.minutes[routes.step, routes.tool_type]
    return out


def define_tool_time(
    m: linopy.Model,
    data: FabData,
    routes: Routing,
    split: linopy.Variable,
    tools: linopy.Variable,
) -> None:
    """Each type's loading fits its tools (``tool-time``): Σ_j split · minutes[j,k] ≤
    capacity_min[k] · tools[s,f,k,t] [min per week], as :func:`~fabnet.fab.data.tools_needed`
    counts it."""
    labels, factors = _per_fab_type(data, routes, split, split_minutes(data, routes))
    own = _labels(tools, _DENSE)
    terms = [(labels, factors), (own[..., None], -data.capacity_min[None, None, :, None, None])]
    constrain(m, _linear(m, _dense(data), terms), "<=", 0.0, "tool-time")


def define_floor(
    m: linopy.Model, data: FabData, tools: linopy.Variable, slacks: Slacks | None = None
) -> linopy.LinearExpression:
    """The tools' floor space fits each fab (``floor``): Σ_k footprint_m2[k] · tools ≤
    floor_m2[f]; returns the floor used [m²] per (scenario, fab, period)."""
    import xarray as xr

    c = tool_coords(data)
    coords = [c["scenario"], c["fab"], c["period"]]
    own = _labels(tools, ("scenario", "fab", "period", "tool_type"))
    used = _linear(m, coords, [(own, data.footprint_m2)])
    floor = xr.DataArray(
        np.broadcast_to(data.floor_m2[None, :, None], used.const.shape).copy(), coords=coords
    )
    add_limit(m, used, floor, "floor", slacks)
    return used


#: At most this many sets of fabs get cover inequalities (the closure under union of the
#: products' fab sets can reach 2^fabs); the set of all fabs is always one of them.
MAX_FAB_SETS = 64


def fab_unions(data: FabData) -> np.ndarray:
    """[u, f] the sets of fabs that are unions of some products' allowed fabs (each once,
    smallest first, at most :data:`MAX_FAB_SETS`, the union of them all last): the sets over
    which :func:`define_workstation_cover` counts capacity.

    >>> from fabnet.examples import synthetic_fabs
    >>> from fabnet.fab import fab_data
    >>> fab_unions(fab_data(synthetic_fabs(fabs=3, nodes=2, steps=50, tool_types=12)))
    array([[ True, False,  True],
           [ True,  True,  True]])
    """
    sets = {tuple(bool(v) for v in row) for row in data.allowed.T if row.any()}
    unions, frontier = set(sets), set(sets)
    while frontier and len(unions) < MAX_FAB_SETS:
        frontier = {
            tuple(x or y for x, y in zip(a, b, strict=True)) for a in frontier for b in sets
        }
        frontier -= unions
        unions |= frontier
    anywhere = np.asarray(data.allowed).sum(axis=1) > 0
    everything = tuple(bool(v) for v in anywhere)
    ordered = sorted(unions - {everything}, key=lambda u: (sum(u), u))[: MAX_FAB_SETS - 1]
    rows = [*ordered, everything] if any(everything) else ordered
    return np.array(rows, dtype=bool).reshape(len(rows), len(data.fabs))


def define_workstation_cover(m: linopy.Model, data: FabData, tools: linopy.Variable) -> None:
    """Valid inequalities on the tools of each workstation (``workstation-cover``), implied by
    the tool time in the LP but stated so that the MIP's cuts and presolve see whole tools.

    For a set S of fabs (:func:`fab_unions`), a workstation w and a period: the tools of w's
    types in S must carry the work of every step on w whose product may run only in S,
    ``Σ_{f∈S, k∈w} capacity_min[k] / ρ[w,k] · tools[s,f,k,t] ≥ Σ_j D[s,p(j),t] · ref[j]``, with
    ``ref[j] = min_k minutes[j,k]`` [min per wafer] and ``ρ[w,k]`` the smallest ``minutes[j,k] /
    ref[j]`` of those steps on type k. (The steps' time on k is at least ``ρ[w,k] · ref[j]`` a
    wafer and all their wafers run on w's types in S.) After HiGHS's presolve they raise the root
    bound of ``synthetic_fabs(3, 2, 50, 12, 8)`` from 1,171.7 to 1,175.2 musd (the best plan
    known: 1,185.3), which brings the 1 % gap within seconds on two of three HiGHS seeds
    (docs/fab.md).
    """
    import pandas as pd
    import xarray as xr

    runs = data.runs
    n_w, n_k = len(data.workstations), len(data.tool_types)
    ref = np.where(runs, data.minutes, np.inf).min(axis=1)  # every step has a type
    on = data.type_workstation[None, :] == data.step_workstation[:, None]  # (j, k)
    inside = ~np.any(runs & ~on, axis=1)  # every type able to run j serves j's workstation
    ratio = np.where(runs & inside[:, None], data.minutes / ref[:, None], np.inf)
    rho = np.full((n_w, n_k), np.inf)
    np.minimum.at(rho, data.step_workstation, ratio)
    per_type = np.where(np.isfinite(rho), data.capacity_min[None, :] / rho, 0.0)  # (w, k)
    unions = fab_unions(data)  # (u, f)
    covered = ~np.any(~unions[:, :, None] & data.allowed[None, :, :], axis=1)  # (u, p)
    work = np.where(inside, ref, 0.0)[None, :, None] * data.step_demand  # (s, j, t)
    per_ws = np.zeros((len(data.products), n_w, work.shape[0], work.shape[2]))  # (p, w, s, t)
    np.add.at(per_ws, (data.step_product, data.step_workstation), work.transpose(1, 0, 2))
    rhs = np.einsum("up,pwst->suwt", covered.astype(float), per_ws)
    own = _labels(tools, _DENSE)  # (s, f, k, t)
    # every (fab, type) pair as a term; dropped where f ∉ S or k ∉ w (coefficient 0)
    term = (unions[:, None, :, None] * per_type[None, :, None, :]).reshape(len(unions), n_w, -1)
    labels = np.broadcast_to(
        own.transpose(0, 3, 1, 2).reshape(own.shape[0], 1, 1, own.shape[3], -1),
        (own.shape[0], len(unions), n_w, own.shape[3], term.shape[-1]),
    )
    c = tool_coords(data)
    coords = [
        c["scenario"],
        pd.RangeIndex(len(unions), name="fab_set"),
        pd.Index(data.workstations, name="workstation"),
        c["period"],
    ]
    lhs = _linear(m, coords, [(labels, term[None, :, :, None, :])])
    held = (lhs.data["vars"] >= 0).any("_term").to_numpy()
    rhs_da = xr.DataArray(np.where(held, rhs, 0.0), coords=coords)
    constrain(m, lhs, ">=", rhs_da, "workstation-cover")


def define_transfers(
    m: linopy.Model, data: FabData, routes: Routing, split: linopy.Variable
) -> linopy.Variable:
    """Wafers a week that change fab after each step [wpw], per link (step j, fab f)
    (``transfer``): transfer ≥ Σ_k split[j+1,k,f] − Σ_k split[j,k,f]."""
    import pandas as pd

    c = tool_coords(data)
    links = pd.RangeIndex(len(routes.link_step), name="link")
    coords = [c["scenario"], links, c["period"]]
    transfer = m.add_variables(lower=0, coords=coords, name="transfer")
    n_steps, n_fabs = len(data.step_product), len(data.fabs)
    link_of = np.full((n_steps, n_fabs), -1, dtype=np.int64)
    link_of[routes.link_step, routes.link_fab] = np.arange(len(routes.link_step))
    triple = np.arange(len(routes.step))
    here = link_of[routes.step, routes.fab]  # the link after the triple's step, in its fab
    first = data.step_number[routes.step] == 0
    prev = np.where(first, -1, link_of[np.maximum(routes.step - 1, 0), routes.fab])
    member = np.concatenate([triple[here >= 0], triple[prev >= 0]])
    group = np.concatenate([here[here >= 0], prev[prev >= 0]])
    coef = np.concatenate([np.ones(int((here >= 0).sum())), -np.ones(int((prev >= 0).sum()))])
    labels, factors = _scatter(_split_labels(split), member, group, coef, len(links))
    own = _labels(transfer, ("scenario", "link", "period"))
    constrain(
        m, _linear(m, coords, [(own[..., None], 1.0), (labels, factors)]), ">=", 0.0, "transfer"
    )
    return transfer


def define_non_anticipativity(
    m: linopy.Model, data: FabData, decisions: Mapping[str, linopy.Variable | None]
) -> tuple[str, ...]:
    """Buys and move-outs of the first ``rules.first_stage_periods`` periods shared by every
    scenario (``non-anticipativity``, ``non-anticipativity-move-out``); returns those periods
    (none for one scenario)."""
    first = min(data.spec.rules.first_stage_periods, len(data.periods))
    if len(data.scenarios) < 2 or first == 0:
        return ()
    c = tool_coords(data)
    coords = [c["scenario"][1:], c["fab"], c["tool_type"], c["period"][:first]]
    for name, variable in decisions.items():
        own = _maybe_labels(variable, _DENSE)
        if own is None:
            continue
        mine = own[1:, ..., :first]
        base = np.broadcast_to(own[:1, ..., :first], mine.shape)
        expression = _linear(m, coords, [(mine[..., None], 1.0), (base[..., None], -1.0)])
        constrain(m, expression, "==", 0.0, name)
    return tuple(data.periods[:first])


@dataclass(frozen=True)
class CostTerms:
    """The cost's terms per (scenario, period) [musd, undiscounted]: ``capex``, ``move_out``
    and ``transfer``, and each period's weight ``counted · discount``."""

    terms: Mapping[str, linopy.LinearExpression]
    weight: np.ndarray


def define_cost(
    m: linopy.Model,
    data: FabData,
    buy: linopy.Variable,
    move_out: linopy.Variable | None,
    transfer: linopy.Variable,
) -> tuple[linopy.LinearExpression, CostTerms]:
    """Each scenario's cost [musd]: Σ_t counted · discount · (capex + move-out + transfer)
    (see the module), and its terms."""
    c = tool_coords(data)
    coords = [c["scenario"], c["period"]]
    terms: dict[str, linopy.LinearExpression] = {}
    bought = _labels(buy, ("scenario", "period", "fab", "tool_type"))
    n_s, n_t = bought.shape[:2]
    terms["capex"] = _linear(
        m, coords, [(bought.reshape(n_s, n_t, -1), np.tile(data.capex_musd, len(data.fabs)))]
    )
    out = _maybe_labels(move_out, ("scenario", "period", "fab", "tool_type"))
    terms["move_out"] = _linear(
        m,
        coords,
        []
        if out is None
        else [(out.reshape(n_s, n_t, -1), np.tile(data.move_out_musd, len(data.fabs)))],
    )
    moved = _labels(transfer, ("scenario", "period", "link"))
    rate = data.transfer_usd_per_wafer * MUSD_PER_USD * data.weeks
    terms["transfer"] = _linear(m, coords, [(moved, rate)])
    weight = data.counted * data.discount
    labels = [t.data["vars"].to_numpy() for t in terms.values()]
    coefs = [t.data["coeffs"].to_numpy() * weight[None, :, None] for t in terms.values()]
    per_scenario = [
        (
            np.concatenate(labels, axis=-1).reshape(n_s, -1),
            np.concatenate(coefs, axis=-1).reshape(n_s, -1),
        )
    ]
    cost = _linear(m, [c["scenario"]], per_scenario)
    return cost, CostTerms(MappingProxyType(terms), weight)


def define_objective(
    m: linopy.Model,
    data: FabData,
    cost: linopy.LinearExpression,
    slacks: Slacks | None = None,
) -> None:
    """Minimise the expected cost Σ_s probability[s] · cost_s (plus, in elastic mode, the
    slacks at :data:`ELASTIC_FLOOR_PENALTY` and :data:`ELASTIC_DEMAND_PENALTY`, an earlier
    period's up to twice a later one's, so the diagnosis breaks limits as late as it can and
    names the first period that must fail)."""
    import xarray as xr

    c = tool_coords(data)
    probability = xr.DataArray(data.probability, coords=[c["scenario"]])
    objective = (cost * probability).sum()
    n_t = len(data.periods)
    early = 2.0 - np.arange(n_t) / max(n_t - 1, 1)
    for name, slack in (slacks or {}).items():
        price = ELASTIC_DEMAND_PENALTY if name == "demand" else ELASTIC_FLOOR_PENALTY
        weight = xr.DataArray(price * early, coords=[c["period"]])
        objective = objective + (slack * weight * probability).sum()
    m.add_objective(objective)


@dataclass(frozen=True)
class ToolParts:
    """The named parts of a built tool model, read after solving.

    Attributes
    ----------
    data : FabData
        What the model was built for.
    routes : Routing
        The split and link dimensions' triples and pairs.
    buy, move_out, tools : Variable
        (scenario, fab, tool_type, period); ``move_out`` is None without move-outs.
    split : Variable
        (scenario, split, period) [wpw].
    transfer : Variable
        (scenario, link, period) [wpw].
    floor : LinearExpression
        Floor used (scenario, fab, period) [m²].
    cost : LinearExpression
        Each scenario's discounted cost [musd].
    cost_terms : CostTerms
        Capex, move-out and transfer cost per (scenario, period), undiscounted [musd].
    slacks : mapping
        Elastic slacks (``floor`` [m²], ``demand``: unmet demand [wpw]); empty unless elastic.
    first_periods : tuple of str
        The first-stage periods shared by every scenario (none for one scenario).
    relax : bool
        Whether the tools are continuous (the LP relaxation).
    """

    data: FabData
    routes: Routing
    buy: linopy.Variable
    move_out: linopy.Variable | None
    tools: linopy.Variable
    split: linopy.Variable
    transfer: linopy.Variable
    floor: linopy.LinearExpression
    cost: linopy.LinearExpression
    cost_terms: CostTerms
    slacks: Mapping[str, linopy.Variable] = field(default_factory=dict)
    first_periods: tuple[str, ...] = ()
    relax: bool = False


def build_tool_model(
    data: FabData, *, relax: bool = False, elastic: bool = False
) -> tuple[linopy.Model, ToolParts]:
    """The whole tool plan's model: every block in turn, then the objective.

    Parameters
    ----------
    data : FabData
        The fab file's arrays (:func:`fabnet.fab.fab_data`).
    relax : bool
        Continuous tools (the LP relaxation).
    elastic : bool
        Priced slack on the floor and on demand (the diagnosis of an infeasible plan); the
        buys are then not bounded by the floor either.

    Raises
    ------
    InfeasiblePlanError
        Without ``elastic``: demand for a step no fab can run on any tool
        (:func:`define_demand`).
    """
    import linopy

    m = linopy.Model(force_dim_names=True)
    slacks: Slacks | None = {} if elastic else None
    routes = routing(data)
    buy = define_buys(m, data, routes, bounded=not elastic)
    move_out = define_move_outs(m, data, routes)
    tools = define_tools(m, data, routes, buy, move_out, relax=relax)
    split = define_split(m, data, routes)
    define_demand(m, data, routes, split, slacks=slacks)
    define_tool_time(m, data, routes, split, tools)
    floor = define_floor(m, data, tools, slacks)
    if not relax and not elastic:  # the LP implies them; unmet demand would break them
        define_workstation_cover(m, data, tools)
    transfer = define_transfers(m, data, routes, split)
    first = define_non_anticipativity(
        m, data, {"non-anticipativity": buy, "non-anticipativity-move-out": move_out}
    )
    cost, terms = define_cost(m, data, buy, move_out, transfer)
    define_objective(m, data, cost, slacks)
    parts = ToolParts(
        data=data,
        routes=routes,
        buy=buy,
        move_out=move_out,
        tools=tools,
        split=split,
        transfer=transfer,
        floor=floor,
        cost=cost,
        cost_terms=terms,
        slacks=MappingProxyType(dict(slacks or {})),
        first_periods=first,
        relax=relax,
    )
    return m, parts


def solution(
    variable: linopy.Variable | linopy.LinearExpression | None, dims: tuple[str, ...]
) -> np.ndarray | None:
    """A solved variable's or expression's values in the order ``dims`` (0 where masked)."""
    if variable is None:
        return None
    values: xr.DataArray = variable.solution
    out: np.ndarray = np.nan_to_num(values.transpose(*dims).to_numpy(), nan=0.0)
    return out

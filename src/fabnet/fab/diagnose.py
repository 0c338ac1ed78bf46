"""An infeasible tool plan explained in fab terms: the first period that fails, and why.

As the network planner's diagnosis (:mod:`fabnet.planning.diagnose`), the model is built again
in elastic mode (:func:`fabnet.fab.toolmodel.build_tool_model` with ``elastic=True``): a priced
slack on every fab's floor (``add_limit``) and priced unmet demand, far dearer than floor, with
earlier periods dearer than later ones. Its solution breaks the floor only where no purchase and
no move-out can make room, and leaves demand unmet only where no tool able to run a step can be
in a fab that may run it. The first period with either is the first that fails:

* floor — for the fab whose floor had to grow: the workstation short of the most floor, what its
  work needs (its tool time over one tool's capacity, :func:`fabnet.fab.data.tools_needed`'s
  count) and how many of its tools fit in the floor left by the other workstations' tools;
* demand — the product, the wafers a week wanted, and the step whose tools no fab that may run
  the product can have in that period (and from when one could).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from fabnet.fab.data import FabData
    from fabnet.fab.toolmodel import ToolParts

__all__ = ["TOLERANCE", "Finding", "diagnose", "slack_findings"]

#: Slack below which a limit counts as respected [m² of floor, wafers a week].
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Finding:
    """Why the plan fails in one period, in fab terms.

    Attributes
    ----------
    period : str
        The first period that fails.
    fab : str or None
        The fab whose floor is short (None for demand no fab can serve).
    workstation : str or None
        The workstation short of floor, or the one of the step no fab can run.
    needed : float
        Tools' worth of time the workstation's work needs [tools]; or the wafers a week wanted.
    allowed : float
        Tools of the workstation that fit in the floor left by the others [tools]; or the
        wafers a week that can be made.
    message : str
        The finding as a sentence.
    kind : str
        ``floor`` or ``demand``.
    scenario, product : str or None
        The demand scenario (None for a file with one) and the product (demand findings).
    step : int or None
        The step (1-based) no fab that may run the product can run (demand findings).
    """

    period: str
    fab: str | None
    workstation: str | None
    needed: float
    allowed: float
    message: str
    kind: str = "floor"
    scenario: str | None = None
    product: str | None = None
    step: int | None = None

    def __str__(self) -> str:
        return self.message


def type_time(data: FabData, parts: ToolParts, split: np.ndarray) -> np.ndarray:
    """Tools' worth of time per (scenario, fab, type, period) of a split (scenario, split,
    period) [tools]: Σ_j wafers · minutes[j, k] / capacity_min[k], the coefficients of
    :func:`fabnet.fab.data.tools_needed`, summed over the sparse triples."""
    routes = parts.routes
    n_s, _, n_t = split.shape
    n_f, n_k = len(data.fabs), len(data.tool_types)
    per = data.minutes[routes.step, routes.tool_type] / data.capacity_min[routes.tool_type]
    acc = np.zeros((n_f * n_k, n_s, n_t))
    np.add.at(
        acc, routes.fab * n_k + routes.tool_type, (split * per[None, :, None]).transpose(1, 0, 2)
    )
    out: np.ndarray = acc.reshape(n_f, n_k, n_s, n_t).transpose(2, 0, 1, 3)
    return out


def _where(data: FabData, s: int) -> str:
    return f" (scenario {data.scenarios[s]})" if len(data.scenarios) > 1 else ""


def _floor_finding(
    data: FabData, where: tuple[int, int, int], tools: np.ndarray, used: np.ndarray
) -> Finding:
    """The floor finding of fab f in period t (``where``: s, f, t): the workstation short of
    the most floor."""
    s, f, t = where
    period, fab = data.periods[t], data.fabs[f]
    installed, needs_k = tools[s, f, :, t], used[s, f, :, t]
    area = data.footprint_m2 * installed
    best: tuple[float, str, float, int] | None = None
    for w, workstation in enumerate(data.workstations):
        kinds = np.flatnonzero(data.type_workstation == w)
        if not (installed[kinds] > TOLERANCE).any() and not (needs_k[kinds] > TOLERANCE).any():
            continue
        needs = float(needs_k[kinds].sum())
        # The floor its tools may take: what the other workstations' tools leave; counted in
        # tools of the type that carries most of its work.
        main = kinds[int(np.argmax(needs_k[kinds]))] if needs > 0 else kinds[0]
        left = data.floor_m2[f] - float(area.sum() - area[kinds].sum())
        allows = max(int(np.floor(left / data.footprint_m2[main] + 1e-9)), 0)
        short = (needs - allows) * data.footprint_m2[main]
        if best is None or short > best[0] + 1e-9:
            best = (short, workstation, needs, allows)
    if best is not None and best[0] > 0:
        _, workstation, needs, allows = best
        return Finding(
            period,
            fab,
            workstation,
            needs,
            float(allows),
            f"{period}{_where(data, s)}: workstation {workstation} in {fab} needs {needs:,.1f}"
            f" tools' worth of time but floor space allows {allows:,d}",
            scenario=data.scenarios[s] if len(data.scenarios) > 1 else None,
        )
    taken = float(area.sum())
    return Finding(
        period,
        fab,
        None,
        taken,
        float(data.floor_m2[f]),
        f"{period}{_where(data, s)}: the tools {fab} must hold take {taken:,.0f} m² but its floor"
        f" has {data.floor_m2[f]:,.0f} m²"
        + ("" if data.spec.rules.move_outs else " (rules.move_outs is off)"),
        scenario=data.scenarios[s] if len(data.scenarios) > 1 else None,
    )


def _demand_finding(
    data: FabData, parts: ToolParts, where: tuple[int, int, int], unmet: float
) -> Finding:
    """The demand finding of product p in period t (``where``: s, p, t): the step none of its
    fabs can run."""
    s, p, t = where
    routes = parts.routes
    period, product = data.periods[t], data.products[p]
    wanted = float(data.demand[s, p, t])
    scenario = data.scenarios[s] if len(data.scenarios) > 1 else None
    # From which period each (fab, type) can hold a tool: 0 with tools at the start, the type's
    # first period of purchase where the fab may buy it, never (len(periods)) otherwise.
    n_t = len(data.periods)
    since = np.where(routes.may_buy, data.first_buy[None, :], n_t)
    since = np.where(data.start_tools > 0, 0, since)
    fabs = data.allowed[:, p]
    for j in np.flatnonzero(data.step_product == p):
        kinds = data.runs[j]
        first = int(since[np.ix_(fabs, kinds)].min()) if fabs.any() and kinds.any() else n_t
        if first <= t:
            continue
        when = f"before {data.periods[first]}" if first < n_t else "in any period"
        workstation = data.workstations[data.step_workstation[j]]
        number = int(data.step_number[j]) + 1
        return Finding(
            period,
            None,
            workstation,
            wanted,
            wanted - unmet,
            f"{period}{_where(data, s)}: {product} needs {wanted:,.0f} wafers a week but no fab"
            f" that may run it can have a tool able to run step {number}"
            f" ({data.step_name[j]}, {workstation}) {when}",
            kind="demand",
            scenario=scenario,
            product=product,
            step=number,
        )
    return Finding(
        period,
        None,
        None,
        wanted,
        wanted - unmet,
        f"{period}{_where(data, s)}: {product} needs {wanted:,.0f} wafers a week but the plan"
        f" can make only {wanted - unmet:,.0f}",
        kind="demand",
        scenario=scenario,
        product=product,
    )


def slack_findings(parts: ToolParts) -> list[Finding]:
    """The findings of a solved elastic model: every fab and product that fails in the first
    period with slack on its floor or unmet demand (empty: none)."""
    from fabnet.fab.toolmodel import solution

    data = parts.data
    dims = ("scenario", "fab", "tool_type", "period")
    floor = solution(parts.slacks.get("floor"), ("scenario", "fab", "period"))
    unmet = solution(parts.slacks.get("demand"), ("scenario", "product", "period"))
    n_t = len(data.periods)
    floor = np.zeros((len(data.scenarios), len(data.fabs), n_t)) if floor is None else floor
    unmet = np.zeros((len(data.scenarios), len(data.products), n_t)) if unmet is None else unmet
    failing = (floor > TOLERANCE).any(axis=(0, 1)) | (unmet > TOLERANCE).any(axis=(0, 1))
    if not failing.any():
        return []
    t = int(np.argmax(failing))
    tools = solution(parts.tools, dims)
    split = solution(parts.split, ("scenario", "split", "period"))
    assert tools is not None
    assert split is not None
    used = type_time(data, parts, split)
    findings = [
        _demand_finding(data, parts, (int(s), int(p), t), float(unmet[s, p, t]))
        for s, p in zip(*np.nonzero(unmet[:, :, t] > TOLERANCE), strict=True)
    ]
    findings += [
        _floor_finding(data, (int(s), int(f), t), tools, used)
        for s, f in zip(*np.nonzero(floor[:, :, t] > TOLERANCE), strict=True)
    ]
    return findings


def diagnose(
    data: FabData,
    *,
    relax: bool = False,
    time_limit_s: float = 60.0,
    threads: int = 0,
    solver_options: Mapping[str, Any] | None = None,
    solver_log: str | Path | None = None,
) -> list[Finding]:
    """Solve the elastic tool model and say why the plan fails (empty: it need not)."""
    from fabnet.fab.toolmodel import build_tool_model
    from fabnet.planning.solve import solve

    model, parts = build_tool_model(data, relax=relax, elastic=True)
    info = solve(
        model,
        time_limit_s=time_limit_s,
        mip_gap=1e-4,
        threads=threads,
        solver_options=solver_options,
        solver_log=solver_log,
    )
    if not info.has_solution:
        return []
    return slack_findings(parts)

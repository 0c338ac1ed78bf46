"""A fab file as arrays: what static capacity, the tool plan and the module designs compute on.

Notation (DESIGN §9): fabs f, tool types k (each serving one workstation), route steps j (every
step of every route, route by route, in order), products p (one route each), periods t, demand
scenarios s. A step's wafers all pass every step of its route (no scrap).

* ``minutes[j, k]`` — the time one wafer of step j takes on one tool of type k [min per wafer]:
  the raw process time of a pass shared by the wafers of a batch, plus the lot's setup shared by
  its wafers, ``rpt / batch_wafers + setup / lot_wafers``; NaN where type k cannot run step j.
* ``capacity_min[k]`` — the minutes one tool of type k may be loaded in a week [min per week]:
  ``minutes_per_week × availability × utilisation`` (the utilisation cap keeps the time queueing
  needs free).

So a tool type's loading is ``Σ_j wafers_j × share_jk × minutes[j, k]`` [min per week] and the
tools it needs are that over ``capacity_min[k]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from fabnet.fab._schema import FabSpec, quarter_index

if TYPE_CHECKING:
    import pandas as pd

#: The name of the one demand scenario of a fab file that lists none.
BASE_SCENARIO = "base"
#: Weeks in a month on average (365.25 / 12 / 7): wafer starts per month from per week.
WEEKS_PER_MONTH = 365.25 / 12 / 7


@dataclass(frozen=True, eq=False)
class FabData:
    """A fab file's figures as arrays over labelled axes (see the module)."""

    spec: FabSpec
    periods: tuple[str, ...]
    products: tuple[str, ...]
    tool_types: tuple[str, ...]
    workstations: tuple[str, ...]
    fabs: tuple[str, ...]
    scenarios: tuple[str, ...]
    #: Per tool type: the index of its workstation in :attr:`workstations`.
    type_workstation: np.ndarray
    #: Per step: its product (index), its place in the route (0-based), its workstation (index).
    step_product: np.ndarray
    step_number: np.ndarray
    step_workstation: np.ndarray
    step_name: tuple[str, ...]
    #: [j, k] minutes per wafer, NaN where the type cannot run the step.
    minutes: np.ndarray
    #: [k] minutes one tool may be loaded per week.
    capacity_min: np.ndarray
    footprint_m2: np.ndarray
    capex_musd: np.ndarray
    move_out_musd: np.ndarray
    generation: np.ndarray
    euv: np.ndarray
    #: [k] the first period (index) in which the type may be bought (len(periods): never).
    first_buy: np.ndarray
    #: [f, k] tools installed at the start.
    start_tools: np.ndarray
    #: [f] floor space [m²].
    floor_m2: np.ndarray
    #: [f, p] whether fab f may run product p.
    allowed: np.ndarray
    #: [s, p, t] wafers a week wanted.
    demand: np.ndarray
    #: [s] probabilities (1 for the one scenario of a file that lists none).
    probability: np.ndarray
    #: [t] whether the period's costs count, and its discount factor.
    counted: np.ndarray
    discount: np.ndarray
    weeks: float
    transfer_usd_per_wafer: float

    @property
    def runs(self) -> np.ndarray:
        """[j, k] whether type k can run step j."""
        out: np.ndarray = ~np.isnan(self.minutes)
        return out

    @cached_property
    def has_next(self) -> np.ndarray:
        """[j] whether step j is followed by another step of its route."""
        same = self.step_product[1:] == self.step_product[:-1]
        out: np.ndarray = np.append(same, False)
        return out

    @property
    def step_allowed(self) -> np.ndarray:
        """[f, j] whether fab f may run step j (it may run the step's product)."""
        return self.allowed[:, self.step_product]

    @property
    def step_demand(self) -> np.ndarray:
        """[s, j, t] wafers a week through step j (its product's demand)."""
        return self.demand[:, self.step_product, :]

    def steps_frame(self) -> pd.DataFrame:
        """One row per step: product, step (1-based), name, workstation."""
        import pandas as pd

        return pd.DataFrame(
            {
                "product": [self.products[p] for p in self.step_product],
                "step": self.step_number + 1,
                "name": list(self.step_name),
                "workstation": [self.workstations[w] for w in self.step_workstation],
            }
        )


def fab_data(spec: FabSpec) -> FabData:
    """Compile a validated fab file into :class:`FabData`."""
    periods = tuple(spec.periods.labels)
    products = tuple(r.id for r in spec.routes)
    types = tuple(t.id for t in spec.tool_types)
    type_at = {k: i for i, k in enumerate(types)}
    workstations = tuple(sorted({t.workstation for t in spec.tool_types}))
    ws_at = {w: i for i, w in enumerate(workstations)}
    fabs = tuple(f.id for f in spec.fabs)
    scenarios = tuple(s.id for s in spec.demand.scenarios) or (BASE_SCENARIO,)
    lot = spec.rules.lot_wafers

    step_product, step_number, step_ws, names, rows = [], [], [], [], []
    for p, route in enumerate(spec.routes):
        for n, step in enumerate(route.steps):
            step_product.append(p)
            step_number.append(n)
            step_ws.append(ws_at[step.workstation])
            names.append(step.name or f"{route.id}-{n + 1}")
            row = np.full(len(types), np.nan)
            for kind, rpt in step.rpt_min.items():
                row[type_at[kind]] = rpt / step.batch_wafers + step.setup_min / lot
            rows.append(row)
    minutes = np.array(rows).reshape(len(rows), len(types))

    tt = spec.tool_types
    capacity = np.array(
        [spec.periods.minutes_per_week * t.uptime * t.utilisation for t in tt], dtype=float
    )
    first_period = quarter_index(periods[0])
    first_buy = np.array(
        [
            (
                quarter_index(spec.rules.first_buy[t.id]) - first_period
                if t.id in spec.rules.first_buy
                else 0
            )
            if t.buyable
            else len(periods)
            for t in tt
        ],
        dtype=int,
    )
    start = np.zeros((len(fabs), len(types)))
    allowed = np.zeros((len(fabs), len(products)), dtype=bool)
    for f, fab in enumerate(spec.fabs):
        for kind, n in fab.tools.items():
            start[f, type_at[kind]] = n
        for p, product in enumerate(products):
            allowed[f, p] = fab.products is None or product in fab.products

    scenario_at = {s: i for i, s in enumerate(scenarios)}
    product_at = {p: i for i, p in enumerate(products)}
    period_at = {t: i for i, t in enumerate(periods)}
    demand = np.zeros((len(scenarios), len(products), len(periods)))
    for want in spec.demand.table:
        s = scenario_at[want.scenario or BASE_SCENARIO]
        demand[s, product_at[want.product], period_at[want.period]] = want.wafers_per_week
    probability = np.array([s.probability for s in spec.demand.scenarios] or [1.0])

    cost = spec.rules.cost_periods
    lo = period_at[cost.first] if cost.first else 0
    hi = period_at[cost.last] if cost.last else len(periods) - 1
    index = np.arange(len(periods))
    counted = (index >= lo) & (index <= hi)
    # Quarterly discounting at the annual rate: a cost in period t is worth (1+r)^(-t/4).
    discount = (1.0 + spec.rules.discount_rate) ** (-index / 4.0)

    return FabData(
        spec=spec,
        periods=periods,
        products=products,
        tool_types=types,
        workstations=workstations,
        fabs=fabs,
        scenarios=scenarios,
        type_workstation=np.array([ws_at[t.workstation] for t in tt], dtype=int),
        step_product=np.array(step_product, dtype=int),
        step_number=np.array(step_number, dtype=int),
        step_workstation=np.array(step_ws, dtype=int),
        step_name=tuple(names),
        minutes=minutes,
        capacity_min=capacity,
        footprint_m2=np.array([t.footprint_m2 for t in tt], dtype=float),
        capex_musd=np.array([t.capex_musd for t in tt], dtype=float),
        move_out_musd=np.array([t.move_out_musd for t in tt], dtype=float),
        generation=np.array([t.generation for t in tt], dtype=int),
        euv=np.array([t.euv for t in tt], dtype=bool),
        first_buy=first_buy,
        start_tools=start,
        floor_m2=np.array([f.floor_m2 for f in spec.fabs], dtype=float),
        allowed=allowed,
        demand=demand,
        probability=probability,
        counted=counted,
        discount=discount,
        weeks=spec.periods.weeks,
        transfer_usd_per_wafer=spec.rules.transfer_usd_per_wafer,
    )


def tools_needed(data: FabData, wafers: np.ndarray) -> np.ndarray:
    """Tools' worth of time per tool type for a loading [tools, fractional].

    ``wafers[..., j, k]`` are the wafers a week step j runs on tool type k (0 where type k
    cannot run it); the result ``[..., k]`` is ``Σ_j wafers[..., j, k] · minutes[j, k] /
    capacity_min[k]``: the tools of type k whose loadable time that work fills (DESIGN §9).

    >>> from fabnet.fab import fab_data, load_fab
    >>> d = fab_data(load_fab())
    >>> one = np.where(d.runs, 0.0, 0.0); one[0, d.tool_types.index("FURNACE")] = 100.0
    >>> round(float(tools_needed(d, one)[d.tool_types.index("FURNACE")]), 3)  # 100 × 33.6 / 8139.6
    0.413
    """
    work = np.where(data.runs, wafers, 0.0) * np.nan_to_num(data.minutes)
    out: np.ndarray = work.sum(axis=-2) / data.capacity_min
    return out

"""The network-planning MILP, built with linopy: the blocks of :mod:`fabnet.planning.blocks` over
a ``world`` dimension, the objective, and — for several worlds — the shared first stage and the
expectation with its CVaR.

:func:`build_model` makes the deterministic plan (one world) and the two-stage stochastic plan
(:mod:`fabnet.planning.stochastic`) with the same blocks: what varies between worlds is stacked
in :class:`~fabnet.planning.worlds.Worlds`, and every variable and constraint carries ``world``.
With more than one world:

* **first stage** — module starts in the first K years are one decision ``first-stage[j, t]``
  shared by every world (``Non-anticipativity``: ``build[w, j, t] = first-stage[j, t]`` wherever
  world w offers that start; a world whose delays push a start past the horizon drops it);
* **recourse** — later starts and all operations per world;
* **objective** — ``Σ_w p_w·cost_w + λ·CVaR_α(cost)`` with ``cost_w`` each world's discounted
  cost and CVaR by Rockafellar and Uryasev: ``η`` free, ``u_w ≥ cost_w − η``, ``u_w ≥ 0``,
  ``CVaR = η + Σ_w p_w·u_w/(1 − α)``.

References
----------
.. [1] Rockafellar, R. T. and Uryasev, S. (2000). Optimization of conditional value-at-risk.
   *Journal of Risk* 2(3), 21–42. doi:10.21314/JOR.2000.038
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from fabnet.planning.blocks import (
    Compute,
    Money,
    Production,
    Slacks,
    capacity_expression,
    constrain,
    coords,
    define_builds,
    define_compute,
    define_limits,
    define_money,
    define_production,
    lag_coefficients,
    lagged,
    spend_expression,
)
from fabnet.planning.data import PlanData, SupplyOptions
from fabnet.planning.supply_options import SupplyParts, define_supply_options
from fabnet.planning.worlds import Worlds, one_world
from fabnet.schedules import online_kernel, residual_share
from fabnet.units import kwspm_year_musd

if TYPE_CHECKING:
    import linopy
    import pandas as pd

#: Price of one unit of elastic slack on a limit (musd per musd, module, MW, tool or kwspm).
ELASTIC_PENALTY = 1e4
#: Price of one M H100e of elastic slack on the unserved-compute cap: far above the limits', so
#: the diagnosis prefers to say which limits keep demand from being met, and reports demand
#: itself only where no limit could help (a lead time, say).
ELASTIC_DEMAND_PENALTY = 1e9


@dataclass(frozen=True)
class ModelParts:
    """The named parts of a built model, read after solving (every one over ``world``).

    Attributes
    ----------
    worlds : Worlds
        What the model was built for.
    build : Variable
        Module starts (world, project, year).
    capacity, spend : LinearExpression
        New capacity online [kwspm] and capex spent [musd] per (world, project, year).
    production, compute, money : Production, Compute, Money
        The blocks' variables.
    supply : SupplyParts
        Reservations and acquisitions (empty where the strategy closes them).
    cost : LinearExpression
        Each world's discounted cost [musd] (the objective for one world), or compute
        delivered for ``max_compute``.
    cost_terms : CostTerms or None
        The cost's terms, to read after solving (None for ``max_compute``).
    slacks : mapping
        Elastic slacks by limit family (empty unless elastic).
    first_stage : Variable or None
        The starts shared by every world in the first-stage years (None for one world).
    """

    worlds: Worlds
    build: linopy.Variable
    capacity: linopy.LinearExpression
    spend: linopy.LinearExpression
    production: Production
    compute: Compute
    money: Money
    supply: SupplyParts
    cost: linopy.LinearExpression
    cost_terms: CostTerms | None = None
    slacks: Mapping[str, linopy.Variable] = field(default_factory=dict)
    first_stage: linopy.Variable | None = None
    first_years: tuple[int, ...] = ()


def residual_value(w: Worlds, build: linopy.Variable) -> linopy.LinearExpression:
    """The value still held at the horizon's end by the modules built [musd, in that year's
    money], per world.

    A module online for ``n`` years at the end keeps ``max(0, 1 − n/life)`` of its capex
    (:func:`fabnet.schedules.residual_share`) *net of the grants it may receive*: the carrying
    amount of an asset funded by a grant is its cost less the grant (IAS 20 ¶24, the deduction
    method), at the largest share the programmes covering its country pay (:func:`grant_share`).
    Crediting the gross capex as well as the grant let the credit and the grant together exceed
    a module's discounted cost, so the cheapest plan built modules nobody needed; net of grants
    a module's discounted cost always exceeds what it holds at the end (its share held is below
    1 and is discounted from a later year), so a module is built only where it serves demand.
    """
    import xarray as xr

    data = w.base
    c = coords(data, w)
    n_years = len(data.years)
    held = residual_share(
        np.arange(n_years)[None, None, :],
        w.lead.to_numpy()[:, :, None],
        n_years,
        data.scenario.policy.asset_life_years,
    )
    kept = (1.0 - grant_share(data))[None, :, None]
    value = xr.DataArray(held * kept, coords=[c["world"], c["project"], c["year"]]) * w.capex
    return (build.fillna(0) * value).sum(["project", "year"])


def grant_share(data: PlanData, projects: Iterable[str] | None = None) -> np.ndarray:
    """The largest share of a project's capex that grants may pay [fraction], per project (of
    ``data.projects``, or of ``projects`` in that order): the capex shares of the subsidy
    programmes covering its country (with money left in them), added up, at most 1
    (``Subsidy-share`` and ``Capex-funding``)."""
    subsidies = data.subsidies
    covering = data.subsidy_countries
    shares = subsidies["capex_share"].where(subsidies["cap_musd"] > 0, 0.0).to_dict()
    share: dict[str, float] = {}
    for programme, country in zip(covering["programme"], covering["country"], strict=True):
        share[country] = share.get(country, 0.0) + float(shares.get(programme, 0.0))
    countries = data.projects["country"]
    if projects is not None:
        countries = countries.reindex(list(projects))
    out: np.ndarray = np.minimum(1.0, np.array([share.get(c, 0.0) for c in countries], float))
    return out


def define_cost(
    w: Worlds,
    build: linopy.Variable,
    *,
    production: Production,
    compute: Compute,
    money: Money,
    supply: SupplyParts,
    slacks: Slacks | None,
) -> tuple[linopy.LinearExpression, CostTerms]:
    """Each world's discounted cost [musd]: capex − grants + fixed opex + wafers made and bought
    + unserved penalty + the options' costs − residual value (+ priced slacks when elastic),
    and its terms (:class:`CostTerms`).

    Fixed opex is ``policy.fixed_opex_share`` of the capex *planned* (the base data's, before
    any overrun) of each module online; the residual value is that of the capex spent net of
    grants (:func:`residual_value`), credited in the last year.
    """
    import xarray as xr

    data = w.base
    policy = data.scenario.policy
    c = coords(data, w)
    delta = xr.DataArray(data.discount.to_numpy(dtype=float), coords=[c["year"]])
    capex = money.capex.sum("country")
    grants = money.grant.fillna(0).sum(["programme", "country"])
    planned = data.projects["capex_musd"].to_numpy(dtype=float)
    fixed = lagged(
        build, lag_coefficients(w, online_kernel, planned[None, :] * policy.fixed_opex_share)
    ).sum("project")
    opex = (production.new_output * data.opex.to_xarray().rename(index="resource")).sum("resource")
    bought = (production.buy * w.wafer_cost).sum("resource")
    price = xr.DataArray(policy.penalty(data.years), coords=[c["year"]])
    penalty = compute.unserved * price
    yearly = capex - grants + fixed + kwspm_year_musd(opex + bought) + penalty
    if supply.yearly_cost is not None:
        yearly = yearly + supply.yearly_cost
    held_value = residual_value(w, build)
    cost = (yearly * delta).sum("year") - held_value * float(data.discount.iloc[-1])
    if supply.fixed_cost is not None:
        cost = cost + supply.fixed_cost
    for name, slack in (slacks or {}).items():
        weight = ELASTIC_DEMAND_PENALTY if name == "Unserved-cap" else ELASTIC_PENALTY
        cost = cost + weight * slack.sum([d for d in slack.dims if d != "world"])
    yearly_terms = {
        "capex": capex,
        "grants": -1 * grants,
        "fixed_opex": fixed,
        "wafer_opex": kwspm_year_musd(opex),
        "wafers_bought": kwspm_year_musd(bought),
        "options": supply.yearly_cost,
        "unserved_penalty": penalty,
    }
    terms = CostTerms(
        yearly={k: v for k, v in yearly_terms.items() if v is not None},
        once={
            "acquisitions": supply.fixed_cost,
            "residual_value": -1 * held_value,
        },
        discount=data.discount,
    )
    return cost, terms


@dataclass(frozen=True)
class CostTerms:
    """The objective's terms, to read after solving [musd].

    ``yearly`` terms are undiscounted money by (world, year); of the ``once`` terms,
    ``residual_value`` (≤ 0: a credit) is the capex still held at the horizon's end, in that
    year's money, and ``acquisitions`` the options' expected net cost, already discounted.
    """

    yearly: Mapping[str, linopy.LinearExpression]
    once: Mapping[str, linopy.LinearExpression | None]
    discount: pd.Series

    def table(self, world: int = 0) -> pd.DataFrame:
        """One row per (term, year): ``musd`` (that year's money) and ``npv_musd`` (discounted
        to the first year); the once terms sit in the last year."""
        import pandas as pd

        years = list(self.discount.index)
        factor = self.discount.to_numpy(dtype=float)
        rows = []
        for name, yearly in self.yearly.items():
            series = yearly.solution.sel(world=world, drop=True).to_series()
            values = series.reindex(years, fill_value=0.0).to_numpy(dtype=float)
            rows += [(name, y, v, v * d) for y, v, d in zip(years, values, factor, strict=True)]
        for name, once in self.once.items():
            if once is None:
                continue
            value = float(once.solution.sel(world=world, drop=True))
            if name == "acquisitions":  # already discounted: show it undiscounted at the end
                rows.append((name, years[-1], value / factor[-1], value))
            else:
                rows.append((name, years[-1], value, value * factor[-1]))
        frame = pd.DataFrame(rows, columns=["term", "year", "musd", "npv_musd"])
        return frame.fillna(0.0)


def define_first_stage(
    m: linopy.Model, w: Worlds, build: linopy.Variable, first_stage_years: int, relax: bool
) -> tuple[linopy.Variable | None, tuple[int, ...]]:
    """Starts in the first ``first_stage_years`` years shared by every world."""
    years = list(w.base.years)
    first_years = tuple(y for y in years if y < years[0] + first_stage_years)
    if not first_years:
        return None, ()
    starts = build.sel(year=list(first_years))
    exists = starts.labels != -1  # (world, project, year)
    union = exists.any("world")
    upper = starts.upper.where(exists, 0.0).max("world")
    first = m.add_variables(
        lower=0,
        upper=upper,
        coords=[starts.labels.indexes["project"], starts.labels.indexes["year"]],
        name="first-stage",
        integer=not relax,
        mask=union,
    )
    if bool(exists.any()):
        # Within the mask both starts exist; fillna only keeps linopy from asking.
        tie = starts.fillna(0) - first.fillna(0)
        m.add_constraints(tie == 0, name="Non-anticipativity", mask=exists)
    return first, first_years


def define_objective(
    m: linopy.Model, w: Worlds, cost: linopy.LinearExpression, cvar_weight: float, alpha: float
) -> None:
    """Minimise the cost of the one world, or the expected cost + λ·CVaR_α over several."""
    if w.size == 1:
        m.add_objective(cost.sum())
        return
    worlds = w.probability.indexes["world"]
    scenario_cost = m.add_variables(coords=[worlds], name="cost")
    m.add_constraints(scenario_cost - cost == 0, name="Scenario-cost")
    objective = (w.probability * scenario_cost).sum()
    if cvar_weight > 0:
        eta = m.add_variables(name="CVaR-threshold")
        excess = m.add_variables(lower=0, coords=[worlds], name="CVaR-excess")
        m.add_constraints(excess - scenario_cost + eta >= 0, name="CVaR-definition")
        objective = objective + cvar_weight * (eta + (w.probability * excess).sum() / (1.0 - alpha))
    m.add_objective(objective)


def build_model(
    data: PlanData | Worlds,
    *,
    relax: bool = False,
    elastic: bool = False,
    options: SupplyOptions | None = None,
    first_stage_years: int = 0,
    cvar_weight: float = 0.0,
    alpha: float = 0.9,
) -> tuple[linopy.Model, ModelParts]:
    """The whole model: every block in turn over the worlds, then the objective.

    Parameters
    ----------
    data : PlanData or Worlds
        One world (the deterministic plan) or several (:func:`~fabnet.planning.worlds.
        stack_worlds`).
    relax : bool
        Continuous module starts (the LP relaxation).
    elastic : bool
        A priced slack on every family of limits (the diagnosis of an infeasible plan).
    options : SupplyOptions, optional
        Which supply options are open (default: own builds only).
    first_stage_years, cvar_weight, alpha : optional
        The two-stage structure over several worlds: see the module's description.
    """
    import linopy

    w = data if isinstance(data, Worlds) else one_world(data)
    base = w.base
    options = options or SupplyOptions()
    m = linopy.Model(force_dim_names=True)
    slacks: Slacks | None = {} if elastic else None
    build = define_builds(m, w, relax=relax, allowed=options.builds)
    capacity = capacity_expression(w, build)
    supply = define_supply_options(m, w, options, relax=relax)
    production = define_production(m, w, capacity, supply.extra)
    compute = define_compute(m, w, production.make, slacks)
    spend = spend_expression(w, build)
    money = define_money(m, w, spend, slacks)
    define_limits(m, w, build, production.new_capacity, slacks)
    first, first_years = (
        define_first_stage(m, w, build, first_stage_years, relax)
        if w.size > 1 or first_stage_years
        else (None, ())
    )
    terms = None
    if base.scenario.policy.objective == "max_compute":
        cost = _max_compute(m, w, money, compute)
    else:
        cost, terms = define_cost(
            w,
            build,
            production=production,
            compute=compute,
            money=money,
            supply=supply,
            slacks=slacks,
        )
        define_objective(m, w, cost, cvar_weight, alpha)
    parts = ModelParts(
        worlds=w,
        build=build,
        capacity=capacity,
        spend=spend,
        production=production,
        compute=compute,
        money=money,
        supply=supply,
        cost=cost,
        cost_terms=terms,
        slacks=MappingProxyType(dict(slacks or {})),
        first_stage=first,
        first_years=first_years,
    )
    return m, parts


def _max_compute(
    m: linopy.Model, w: Worlds, money: Money, compute: Compute
) -> linopy.LinearExpression:
    """``objective: max_compute``: compute delivered within the budget (one world only)."""
    import xarray as xr

    from fabnet.exceptions import ParameterError

    data = w.base
    if w.size != 1:
        raise ParameterError("policy.objective", "'min_cost' for a stochastic plan", "max_compute")
    budget = data.scenario.policy.budget_musd
    assert budget is not None  # validated
    delta = xr.DataArray(data.discount.to_numpy(dtype=float), coords=[coords(data, w)["year"]])
    capex = money.capex.sum("country")
    grants = money.grant.fillna(0).sum(["programme", "country"])
    # Through constrain: without any project the budget is a fact to check, not a row.
    constrain(m, ((capex - grants) * delta).sum(), "<=", budget, "Budget")
    delivered = compute.delivered.sum("year")
    objective = delivered.sum()
    if objective.empty:
        # Nothing can be delivered (no product is wanted): the objective is 0, on a variable
        # fixed at 0, since a solver needs one.
        objective = 1 * m.add_variables(lower=0, upper=0, name="Nothing-to-deliver")
    m.add_objective(objective, sense="max")
    return delivered

"""A plan under uncertainty: the fixed plan evaluated on many samples of the uncertain inputs,
vectorised over samples with NumPy and in chunks for bounded memory. No re-solve.

For each sample and year (money in musd, compute in H100e, capacity in wspm):

* **demand**: a ``demand_growth`` factor f scales every year's growth *rate*: installed compute
  grows by ``1 + (m − 1)·f`` where the scenario has ``m``, and new compute wanted is the growth
  plus the retirements (scaled with the installed base); f multiplies over several inputs;
* **builds**: every module of the plan starts when planned; its lead time grows by the
  ``construction_delay_months`` of its region or country (:func:`fabnet.schedules.lead_years`),
  so it comes online (and ramps up) later; its capex × the ``capex_overrun`` factor is spent by
  the spend profile over the longer lead time;
* **disruption events**: from a year an event starts, for ``duration_years``, the region's (or
  country's) existing AI supply and new capacity lose ``capacity_lost``;
* **yields**: a ``d0_learning_speed`` k warps defect-density learning in time — the wafers a
  product needs per unit in year t are those of year ``start + k·(t − start)`` (interpolated), so
  faster learning needs fewer wafers sooner;
* **served compute** (a fixed allocation rule): the plan's product mix; each resource's supply is
  the existing AI supply plus new capacity plus the plan's reserved and acquired capacity;
  delivered compute = min(wanted, min over resources of supply / wafers needed per H100e);
* **cost**: capex − the plan's grants + fixed opex + wafers from new fabs at their cash cost +
  wafers bought at the market price × the ``wafer_price`` factor + the plan's option costs +
  unserved compute at the scenario's penalty − terminal value, discounted as the planner does;
* **investors**: each investor's NPV at its hurdle rate: the plan's financials plus, by its
  equity shares, the change in its projects' equity flows (capex overrun and timing, revenue and
  cash cost of the wafers made, tax on the change at the country's rate).

Lead times, ramp-up, spend, residual value, rescaled demand, warped learning and disruptions
follow :mod:`fabnet.schedules`, as the planner and the finance do. The rule is deterministic and
per sample, so results do not depend on the chunk size.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.schedules import (
    convolve,
    event_availability,
    lead_years,
    learning_warp,
    online_kernel,
    ramp_kernel,
    reaches,
    rescaled_demand,
    residual_share,
    spend_kernel,
)
from fabnet.units import (
    MONTHS_PER_YEAR,
    USD_PER_MUSD,
    from_kwspm,
    from_millions,
    to_millions,
    usd_to_musd,
)

if TYPE_CHECKING:
    import xarray as xr

    from fabnet.catalog import Catalog
    from fabnet.planning import Plan
    from fabnet.planning.data import PlanData
    from fabnet.risk.sampling import Samples

#: Samples evaluated at once (memory grows linearly with it; results do not depend on it).
DEFAULT_CHUNK = 2048


@dataclass(frozen=True)
class PlanArrays:
    """A plan's fixed quantities as arrays: everything :func:`evaluate` needs but the samples.

    Shapes: T years, R resources, C countries (of existing fabs and new projects), P projects,
    B builds (nonzero module starts), I investors.
    """

    years: np.ndarray  # (T,)
    resources: list[str]
    countries: list[str]
    regions: list[str]  # region of each country (C,)
    investors: list[str]
    wanted: np.ndarray  # (T,) H100e of new compute wanted
    installed: np.ndarray  # (T,) H100e installed at each year's end
    retired: np.ndarray  # (T,) H100e retired during each year
    cap_new: np.ndarray  # (T,) most new compute the scenario's caps allow [H100e] (inf: none)
    need_table: np.ndarray  # (R, T, T): wspm per H100e a year in year t with yields of year τ
    logic: np.ndarray  # (R,) bool: resources whose yields follow D0 learning
    existing: np.ndarray  # (R, C, T) AI supply of existing fabs [wspm]
    fixed_extra: np.ndarray  # (R, T) reserved and acquired capacity of the plan [wspm]
    price: np.ndarray  # (R,) USD per wafer
    cash_cost: np.ndarray  # (R,) USD per wafer made in new fabs
    project_resource: np.ndarray  # (P,) index into resources
    project_country: np.ndarray  # (P,) index into countries
    module_wspm: np.ndarray  # (P,)
    module_capex: np.ndarray  # (P,) musd
    lead_months: np.ndarray  # (P,) permit + construction months × the partner's factor
    build_project: np.ndarray  # (B,)
    build_start: np.ndarray  # (B,) index into years
    build_modules: np.ndarray  # (B,)
    by_lead: dict[str, np.ndarray]  # per project and lead time: see _lead_tables
    resource_slices: list[slice]  # the projects of each resource (projects sorted by resource)
    ramp: np.ndarray
    discount: np.ndarray  # (T,)
    fixed_costs: np.ndarray  # (T,) musd: −grants + option fees and purchases of the plan
    penalty_musd: np.ndarray  # (T,) per H100e unserved
    fixed_opex_share: float
    asset_life_years: float
    tax_rate: np.ndarray  # (P,)
    shares: np.ndarray  # (I, P) equity shares
    hurdle_discount: np.ndarray  # (H, T) discount factors of the distinct hurdle rates
    hurdle_of: np.ndarray  # (I,) index of each investor's hurdle rate
    base_npv: np.ndarray  # (I,) investor NPV at hurdle in the plan's own financials
    base_equity: np.ndarray | None = None  # (P, H) equity-flow NPV, every input neutral


def plan_arrays(plan: Plan, catalog: Catalog | None = None) -> PlanArrays:
    """Collect the fixed quantities of ``plan`` for :func:`evaluate`."""

    from fabnet.catalog import load_catalog
    from fabnet.finance import financials
    from fabnet.finance.cashflows import project_grid
    from fabnet.outlook import gap
    from fabnet.planning.data import build_data
    from fabnet.planning.model import grant_share

    catalog = catalog or load_catalog()
    scenario = plan.scenario
    outlook = gap(scenario, catalog=catalog)
    data = build_data(scenario, catalog, outlook)
    years = np.array(scenario.years)
    n_years = len(years)
    resources = list(data.resources)
    grid = project_grid(plan)
    order = np.argsort(grid.projects["resource"].to_numpy(), kind="stable")  # by resource
    grid = replace(
        grid,
        projects=grid.projects.iloc[order],
        starts=grid.starts[order],
        module_capex=grid.module_capex[order],
        leads=grid.leads[order],
    )
    supply = outlook.supply
    countries = sorted({*supply["country"].astype(str), *grid.countries})
    regions = [str(catalog.get("countries", c)["region"]) for c in countries]

    need_table = _need_table(plan, data)
    category = {r: str(catalog.get("resources", r)["category"]) for r in resources}

    ai = supply.groupby(["resource", "country", "year"], as_index=False)["ai_capacity_wspm"].sum()
    existing = np.zeros((len(resources), len(countries), n_years))
    for resource, country, year, value in ai.itertuples(index=False):
        if resource in resources and years[0] <= year <= years[-1]:
            existing[resources.index(resource), countries.index(country), year - years[0]] = value
    production = plan.production.set_index(["resource", "year"])
    extra = (production["reserved_wspm"] + production["acquired_wspm"]).unstack("year")
    fixed_extra = extra.reindex(index=resources, columns=scenario.years).fillna(0.0)

    lead_months = data.projects["lead_months"].reindex(grid.projects.index)
    rows, starts = np.nonzero(grid.starts)

    money = financials(plan, catalog)
    fixed_costs = _fixed_costs(plan)
    equity = money.cash_flows["equity_cash_flow_musd"].to_numpy().reshape(-1, n_years)
    investors = [i for i in money.investors.index if i in set(money.shares["investor"])]
    shares = money.shares.pivot_table(index="investor", columns="project", values="share")
    shares = shares.reindex(index=investors, columns=grid.projects.index).fillna(0.0)
    hurdles = money.investors.loc[investors, "hurdle_rate"].to_numpy(dtype=float)
    distinct, hurdle_of = np.unique(hurdles, return_inverse=True)
    from fabnet.finance.metrics import discount_factors

    hurdle_discount = discount_factors(distinct[:, None], years[None, :], years[0])
    base_npv = np.einsum("ip,pt,it->i", shares.to_numpy(float), equity, hurdle_discount[hurdle_of])
    policy = scenario.policy
    project_resource = np.array([resources.index(r) for r in grid.projects["resource"]], int)
    module_wspm = np.array(
        [catalog.number("resources", r, "module_capacity_wspm") for r in grid.projects["resource"]]
    )
    arrays = PlanArrays(
        years=years,
        resources=resources,
        countries=countries,
        regions=regions,
        investors=investors,
        wanted=from_millions(data.new_compute.to_numpy(dtype=float)),
        installed=outlook.compute["installed_h100e"].reindex(scenario.years).to_numpy(float),
        retired=outlook.compute["retired_h100e"].reindex(scenario.years).to_numpy(float),
        cap_new=_cap_new(outlook, scenario.years),
        need_table=need_table,
        logic=np.array([category[r] == "logic" for r in resources]),
        existing=existing,
        fixed_extra=fixed_extra.to_numpy(dtype=float),
        price=data.wafer_cost.reindex(resources).to_numpy(dtype=float),
        cash_cost=data.opex.reindex(resources).to_numpy(dtype=float),
        project_resource=project_resource,
        project_country=np.array([countries.index(c) for c in grid.countries], dtype=int),
        module_wspm=module_wspm,
        module_capex=grid.module_capex,
        lead_months=lead_months.to_numpy(dtype=float),
        build_project=rows,
        build_start=starts,
        build_modules=grid.starts[rows, starts],
        by_lead=_lead_tables(
            grid.starts,
            grid.module_capex,
            module_wspm,
            policy.ramp_profile,
            policy.asset_life_years,
            spend_profile=scenario.finance.spend_profile,
            # The planner credits the value held at the end net of grants (residual_value).
            kept=1.0 - grant_share(data, grid.projects.index),
        ),
        resource_slices=_slices(project_resource, len(resources)),
        ramp=np.asarray(policy.ramp_profile, dtype=float),
        discount=data.discount.to_numpy(dtype=float),
        fixed_costs=fixed_costs,
        penalty_musd=usd_to_musd(np.asarray(policy.penalty(scenario.years), dtype=float)),
        fixed_opex_share=policy.fixed_opex_share,
        asset_life_years=policy.asset_life_years,
        tax_rate=np.array(
            [
                scenario.finance.tax_rates.get(
                    c, catalog.number("countries", c, "corporate_tax_rate", 0.0)
                )
                if scenario.finance.tax
                else 0.0
                for c in grid.countries
            ]
        ),
        shares=shares.to_numpy(dtype=float),
        hurdle_discount=hurdle_discount,
        hurdle_of=hurdle_of,
        base_npv=base_npv,
    )
    neutral = _chunk(arrays, Draws.neutral(arrays, 1))
    return replace(arrays, base_equity=_equity_npv(arrays, neutral)[0])


def _cap_new(outlook: Any, years: list[int]) -> np.ndarray:
    """The most new compute the scenario's demand caps allow per year [H100e] (inf: no cap)."""
    compute = outlook.compute
    if "cap_new_h100e" not in compute:
        return np.full(len(years), np.inf)
    cap: np.ndarray = compute["cap_new_h100e"].reindex(years).fillna(np.inf).to_numpy(float)
    return cap


def _need_table(plan: Plan, data: PlanData) -> np.ndarray:
    """``need[r, t, τ]`` [wspm per H100e a year]: the product mix of year t (the plan's where it
    delivers, the scenario's elsewhere) with the wafers per unit (yields) of year τ."""
    import pandas as pd

    scenario = plan.scenario
    n_years = len(scenario.years)
    resources = list(data.resources)
    # Wafers per H100e: the plan's product mix where it delivers, the scenario's elsewhere.
    units = plan.accelerators.pivot_table(index="product", columns="year", values="units")
    units = units.reindex(index=data.products.index, columns=scenario.years).fillna(0.0)
    compute = units.mul(data.products["h100e"], axis=0)
    total = compute.sum(axis=0)
    weights = (compute / total.where(total > 0)).fillna(data.mix).to_numpy(dtype=float)  # (K, T)
    per_h100e = weights / data.products["h100e"].to_numpy(dtype=float)[:, None]  # units per H100e
    full = pd.MultiIndex.from_product([data.products.index, resources])
    table_2d = data.need.reindex(index=full, columns=scenario.years, fill_value=0.0)
    # kwspm per M units a year → wspm per unit a year
    per_unit = to_millions(from_kwspm(table_2d.to_numpy(float)))
    need = per_unit.reshape(len(data.products), len(resources), n_years)
    # need_table[r, t, τ] = Σ_k w_k(t) · need_k,r(τ): mix of year t, yields of year τ.
    table: np.ndarray = np.einsum("kt,krs->rts", per_h100e, need)
    return table


def _fixed_costs(plan: Plan) -> np.ndarray:
    """Per year: −grants, reservation fees and the expected net cost of acquisitions [musd]."""
    years = plan.scenario.years
    grants = plan.capex.groupby("year")["grants_musd"].sum().reindex(years, fill_value=0.0)
    out = -grants.to_numpy(dtype=float)
    for year, fee in zip(plan.reservations["year"], plan.reservations["fee_musd"], strict=True):
        out[int(year) - years[0]] += float(fee)
    deals = plan.acquisitions
    for close, taken, q, price, fee, book in zip(
        deals["closing_year"],
        deals["taken"],
        deals["block_probability"],
        deals["price_musd"],
        deals["break_fee_musd"],
        deals["book_value_musd"],
        strict=True,
    ):
        if float(taken) > 0.5:
            at = min(int(close), years[-1]) - years[0]
            out[at] += (1.0 - float(q)) * float(price) + float(q) * float(fee)
            out[-1] -= (1.0 - float(q)) * float(book)
    return out


@dataclass(frozen=True)
class Draws:
    """The sampled inputs as the arrays the evaluation reads (n samples)."""

    growth: np.ndarray  # (n,) factor on each year's demand growth rate
    delay_months: np.ndarray  # (n, P)
    overrun: np.ndarray  # (n, P)
    speed: np.ndarray  # (n, R) D0 learning speed
    price: np.ndarray  # (n, R) wafer price factor
    availability: np.ndarray  # (n, C, T) share of capacity not lost to disruptions

    @classmethod
    def neutral(cls, a: PlanArrays, n: int) -> Draws:
        """Every input at its neutral value: the plan's own world."""
        shape_p, shape_r = (n, len(a.module_capex)), (n, len(a.resources))
        return cls(
            growth=np.ones(n),
            delay_months=np.zeros(shape_p),
            overrun=np.ones(shape_p),
            speed=np.ones(shape_r),
            price=np.ones(shape_r),
            availability=np.ones((n, len(a.countries), len(a.years))),
        )


def draws(a: PlanArrays, samples: Samples, rows: slice | None = None) -> Draws:
    """Map the samples' inputs (by target and scope) onto the evaluation's arrays."""
    from fabnet.scenario._uncertainty import Event

    table = samples.values  # noqa: PD011 - Samples.values is a DataFrame
    values = table.iloc[rows] if rows is not None else table
    n = len(values)
    out = Draws.neutral(a, n)
    project_names = [{a.countries[c], a.regions[c]} for c in a.project_country]
    resource_names = [{r} for r in a.resources]
    country_names = [{c, g} for c, g in zip(a.countries, a.regions, strict=True)]
    for spec in samples.uncertainty.inputs:
        if isinstance(spec, Event):
            onsets = samples.events[spec.id][rows] if rows is not None else samples.events[spec.id]
            out.availability[...] *= event_availability(
                onsets,
                spec.capacity_lost,
                spec.duration_years,
                reaches(spec.applies_to, country_names),
            )
            continue
        value = values[spec.id].to_numpy(dtype=float)
        if spec.target == "demand_growth":
            out.growth[...] *= value
        elif spec.target == "construction_delay_months":
            out.delay_months[...] += np.outer(value, reaches(spec.applies_to, project_names))
        elif spec.target == "capex_overrun":
            reach = reaches(spec.applies_to, project_names)
            out.overrun[...] *= np.where(reach[None, :], value[:, None], 1.0)
        elif spec.target == "wafer_price":
            reach = reaches(spec.applies_to, resource_names)
            out.price[...] *= np.where(reach[None, :], value[:, None], 1.0)
        elif spec.target == "d0_learning_speed":
            reach = reaches(spec.applies_to, resource_names) if spec.applies_to else a.logic
            out.speed[...] *= np.where(reach[None, :], value[:, None], 1.0)
    return out


def _chunk(a: PlanArrays, d: Draws) -> dict[str, np.ndarray]:
    """The evaluation of n samples at once (see the module's description)."""
    n_years = len(a.years)
    steps = np.arange(n_years)
    wanted = rescaled_demand(a.wanted, a.installed, a.retired, d.growth, a.cap_new)

    # Wafers per H100e with yields of the warped year (fabnet.schedules.learning_warp).
    low, high, frac = learning_warp(d.speed, n_years)
    # Flat positions in need_table[r, t, τ]: one np.take each instead of 3-D fancy indexing.
    base = (np.arange(len(a.resources))[:, None] * n_years + steps[None, :]) * n_years
    table = a.need_table.ravel()
    need = (1.0 - frac) * np.take(table, base[None] + low) + frac * np.take(
        table, base[None] + high
    )

    capacity, spend, online, residual = _builds(a, d)
    lost = 1.0 - d.availability  # (n, C, T), 0 where no event reaches
    hit = np.flatnonzero(lost.any(axis=(0, 2)))  # countries some sample loses capacity in
    if np.isin(a.project_country, hit).any():
        capacity *= d.availability[:, a.project_country, :]
    new_supply = np.zeros((capacity.shape[0], len(a.resource_slices), capacity.shape[2]))
    for r, rows in enumerate(a.resource_slices):  # none where nothing is wanted
        new_supply[:, r, :] = capacity[:, rows, :].sum(axis=1)
    # Existing supply less what events take; subtracting an exact 0 leaves the bits unchanged,
    # so which countries a chunk checks does not change the result.
    existing = np.broadcast_to(a.existing.sum(axis=1), new_supply.shape).copy()
    for c in hit:
        existing -= a.existing[None, :, c, :] * lost[:, None, c, :]
    supply = existing + new_supply + a.fixed_extra[None, :, :]

    # Served compute: the scarcest resource decides.
    with np.errstate(divide="ignore", invalid="ignore"):
        # inf as the initial value: a world that needs no resource can deliver anything.
        deliverable = np.where(need > 0.0, supply / need, np.inf).min(axis=1, initial=np.inf)
    delivered = np.minimum(wanted, deliverable)
    unserved = wanted - delivered
    used = delivered[:, None, :] * need
    from_new = np.minimum(used, new_supply)
    bought = used - from_new

    # Costs [musd].
    wafer_cost = (
        from_new * a.cash_cost[None, :, None] + bought * (a.price * d.price)[:, :, None]
    ).sum(axis=1) * (MONTHS_PER_YEAR / USD_PER_MUSD)
    fixed_opex = a.fixed_opex_share * np.einsum("npt,p->nt", online, a.module_capex)
    cost = (
        spend.sum(axis=1)
        + a.fixed_costs[None, :]
        + fixed_opex
        + wafer_cost
        + unserved * a.penalty_musd[None, :]
    )
    # Element-wise products and axis sums (not BLAS): the same bytes for any chunk size.
    npv_cost = (cost * a.discount[None, :]).sum(axis=1) - residual.sum(axis=1) * a.discount[-1]
    npv_penalty = (unserved * a.penalty_musd[None, :] * a.discount[None, :]).sum(axis=1)

    # Each project's wafers: its share of its resource's new-fab output.
    with np.errstate(divide="ignore", invalid="ignore"):
        use = np.where(new_supply > 0.0, from_new / new_supply, 0.0)
    counts = [part.stop - part.start for part in a.resource_slices]  # projects by resource
    margin = np.repeat(a.price[None, :] * d.price - a.cash_cost[None, :], counts, axis=1)
    operating = capacity * np.repeat(use, counts, axis=1)
    operating *= (margin * (MONTHS_PER_YEAR / USD_PER_MUSD))[:, :, None]
    operating -= online * (a.fixed_opex_share * a.module_capex)[None, :, None]
    return {
        "wanted": wanted,
        "delivered": delivered,
        "unserved": unserved,
        "cost": cost,
        "npv_cost": npv_cost,
        "npv_penalty": npv_penalty,
        "spend": spend,
        "operating": operating,
        "supply": supply,
    }


def _lead_tables(
    starts: np.ndarray,
    module_capex: np.ndarray,
    module_wspm: np.ndarray,
    ramp_profile: Sequence[float],
    asset_life_years: float,
    *,
    spend_profile: Sequence[float] | None = None,
    kept: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """What each project's modules do in each year for every whole lead time L = 0 … 2T
    (only L ≥ 1 is used), by the kernels of :mod:`fabnet.schedules`: capacity online [wspm],
    modules online, capex spent [musd, before any overrun], all (project, L, year); and the
    terminal value (project, L) [musd]: the capex held at the end, × ``kept`` per project (the
    share of capex not paid by grants, as the planner credits it; default all).

    A sample's delays only change lead times, so the evaluation gathers from these tables
    instead of walking the builds.
    """
    n_projects, n_years = starts.shape
    lengths = np.arange(2 * n_years + 1)
    capacity = np.zeros((n_projects, len(lengths), n_years))
    online = np.zeros_like(capacity)
    spend = np.zeros_like(capacity)
    residual = np.zeros((n_projects, len(lengths)))
    share_kept = np.ones(n_projects) if kept is None else np.asarray(kept, dtype=float)
    steps = np.arange(n_years)
    for k, lead in enumerate(lengths):
        leads = np.full(n_projects, lead)
        capacity[:, k] = convolve(
            starts, ramp_kernel(leads, ramp_profile, n_years) * module_wspm[:, None]
        )
        online[:, k] = convolve(starts, online_kernel(leads, n_years))
        spend[:, k] = convolve(
            starts,
            spend_kernel(np.maximum(leads, 1), n_years, spend_profile) * module_capex[:, None],
        )
        held = residual_share(steps[None, :], leads[:, None], n_years, asset_life_years)
        residual[:, k] = (starts * held).sum(axis=1) * module_capex * share_kept
    return {"capacity": capacity, "online": online, "spend": spend, "residual": residual}


def _slices(project_resource: np.ndarray, n_resources: int) -> list[slice]:
    """The contiguous run of projects of each resource (projects are sorted by resource)."""
    bounds = np.searchsorted(project_resource, np.arange(n_resources + 1))
    return [slice(int(lo), int(hi)) for lo, hi in pairwise(bounds)]


def _builds(a: PlanArrays, d: Draws) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per sample, project and year: capacity online [wspm], capex spent [musd], modules online;
    and per sample and project the terminal (residual book) value [musd]."""
    tables = a.by_lead
    n_projects, n_leads, n_years = tables["capacity"].shape
    leads = lead_years(a.lead_months[None, :], d.delay_months)
    # Row (project, lead) of the flattened tables: np.take copies whole rows, fast.
    flat = np.arange(n_projects)[None, :] * n_leads + np.clip(leads, 1, n_leads - 1)
    shape = (*flat.shape, n_years)

    def gather(name: str) -> np.ndarray:
        rows: np.ndarray = np.take(tables[name].reshape(-1, n_years), flat.ravel(), axis=0)
        return rows.reshape(shape)

    capacity = gather("capacity")
    online = gather("online")
    spend = gather("spend") * d.overrun[:, :, None]
    residual = np.take(tables["residual"].ravel(), flat) * d.overrun
    return capacity, spend, online, residual


def _equity_npv(a: PlanArrays, result: dict[str, np.ndarray]) -> np.ndarray:
    """NPV of each project's modelled equity flow (−capex + operating cash after tax) at each
    distinct hurdle rate, per sample: (n, P, H) [musd]."""
    flow = result["operating"] * (1.0 - a.tax_rate)[None, :, None] - result["spend"]
    npv: np.ndarray = np.einsum("npt,ht->nph", flow, a.hurdle_discount)
    return npv


def _investor_npv(a: PlanArrays, result: dict[str, np.ndarray]) -> np.ndarray:
    """Investor NPVs at their hurdle rates: the plan's own plus the change in their projects'
    equity flows (capex, and operating cash after tax at the country's rate) [musd]."""
    assert a.base_equity is not None
    change = _equity_npv(a, result) - a.base_equity[None]  # (n, P, H)
    by_investor = change[:, :, a.hurdle_of]  # (n, P, I)
    total: np.ndarray = np.einsum("ip,npi->ni", a.shares, by_investor)
    return np.asarray(a.base_npv[None, :] + total, dtype=float)


def evaluate(
    plan: Plan | PlanArrays,
    samples: Samples,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    supply: bool = False,
    workers: int | None = None,
    catalog: Catalog | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> xr.Dataset:
    """Evaluate a plan on every sample, ``chunk_size`` samples at a time.

    Parameters
    ----------
    plan : Plan or PlanArrays
        The plan (or its arrays from :func:`plan_arrays`, to evaluate many sample sets).
    samples : Samples
        Drawn with :func:`fabnet.risk.draw` from the plan's scenario, with its years.
    chunk_size : int
        Samples evaluated at once; memory grows with it, the results do not change.
    supply : bool
        Also return the supply per resource (sample × resource × year).
    workers : int, optional
        Threads evaluating chunks at once (default: the machine's cores, at most 8); the results
        do not depend on it.
    on_chunk : callable, optional
        Called with the number of samples evaluated so far after each chunk (progress).

    Returns
    -------
    xarray.Dataset
        ``wanted_h100e``, ``delivered_h100e``, ``unserved_h100e`` and ``cost_musd`` over
        (sample, year); ``npv_objective_musd`` (the planner's objective: cost and the penalty on
        unserved compute), ``npv_cost_musd`` (the money alone) and ``npv_penalty_musd`` over
        sample; ``investor_npv_musd`` over (sample,
        investor); with ``supply``, ``supply_wspm`` over (sample, resource, year); and each
        continuous input's value as ``input_<id>`` over sample.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.risk import draw
    >>> result = fabnet.plan("altman-2024", time_limit_s=60, shadow_prices=False)
    >>> samples = draw(result.scenario.uncertainty, 256, seed=7, years=result.scenario.years)
    >>> out = evaluate(result, samples)
    >>> dict(out["unserved_h100e"].sizes)
    {'sample': 256, 'year': 17}
    """
    import xarray as xr

    if chunk_size < 1:
        raise ParameterError("chunk_size", ">= 1", chunk_size)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if workers < 1:
        raise ParameterError("workers", ">= 1", workers)
    arrays = plan if isinstance(plan, PlanArrays) else plan_arrays(plan, catalog)
    if samples.years is not None and list(samples.years) != [int(y) for y in arrays.years]:
        raise ParameterError(
            "samples.years",
            f"the plan's years {int(arrays.years[0])}-{int(arrays.years[-1])}",
            f"{samples.years[0]}-{samples.years[-1]}",
        )
    n = len(samples)
    keys = ("wanted", "delivered", "unserved", "cost")
    out = {k: np.empty((n, len(arrays.years))) for k in keys}
    npv_cost = np.empty(n)
    npv_penalty = np.empty(n)
    investor_npv = np.empty((n, len(arrays.investors)))
    supply_out = np.empty((n, len(arrays.resources), len(arrays.years))) if supply else None

    def run(begin: int) -> int:
        rows = slice(begin, min(begin + chunk_size, n))
        result = _chunk(arrays, draws(arrays, samples, rows))
        for k in keys:
            out[k][rows] = result[k]
        npv_cost[rows] = result["npv_cost"]
        npv_penalty[rows] = result["npv_penalty"]
        investor_npv[rows] = _investor_npv(arrays, result)
        if supply_out is not None:
            supply_out[rows] = result["supply"]
        return rows.stop - rows.start

    # Chunks are independent and write disjoint rows; NumPy releases the GIL in its loops, so
    # threads overlap them. Each sample's arithmetic is the same whichever thread runs it.
    starts = range(0, n, chunk_size)
    done = 0
    if workers == 1 or len(starts) == 1:
        for begin in starts:
            done += run(begin)
            if on_chunk is not None:
                on_chunk(done)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for count in pool.map(run, starts):
                done += count
                if on_chunk is not None:
                    on_chunk(done)
    coords = {
        "sample": samples.values.index.to_numpy(),  # noqa: PD011 - a DataFrame
        "year": arrays.years,
        "investor": arrays.investors,
    }
    data: dict[str, Any] = {
        "wanted_h100e": (("sample", "year"), out["wanted"]),
        "delivered_h100e": (("sample", "year"), out["delivered"]),
        "unserved_h100e": (("sample", "year"), out["unserved"]),
        "cost_musd": (("sample", "year"), out["cost"]),
        "npv_objective_musd": ("sample", npv_cost),
        "npv_cost_musd": ("sample", npv_cost - npv_penalty),
        "npv_penalty_musd": ("sample", npv_penalty),
        "investor_npv_musd": (("sample", "investor"), investor_npv),
    }
    if supply_out is not None:
        coords["resource"] = arrays.resources
        data["supply_wspm"] = (("sample", "resource", "year"), supply_out)
    for name, column in samples.values.items():  # noqa: PD011 - a DataFrame
        data[f"input_{name}"] = ("sample", column.to_numpy(dtype=float))
    return xr.Dataset(data, coords=coords, attrs={"method": samples.method, "seed": samples.seed})

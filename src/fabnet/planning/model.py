"""The network-planning MILP, built with linopy: one ``define_*`` function per family.

Notation (DESIGN §6): projects j = (site, partner, resource), years t, resources r, products k,
countries c, investors i, subsidy programmes p. Decisions: integer module starts ``build[j,t]``;
accelerators made ``make[k,t]`` [M units]; wafers bought from existing supply ``buy[r,t]`` and
made in new fabs ``new_output[r,t]`` [kwspm]; ``unserved[t]`` [M H100e]; investor funding
``fund[i,c,t]``, grants ``grant[p,c,t]`` and ``debt[c,t]`` [musd].

Formulation choices: module starts are *counts* (no per-year binary switches and no big-M);
capacity online, capex spend, fixed opex and EUV deliveries are all one lag structure
``Σ_ℓ coef[j,ℓ] · build[j, t−ℓ]``; starts that could not come online within the horizon and
starts before a project's earliest year do not exist (masked), so nothing is paid for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.planning.data import WAFERS_PER_KWSPM_YEAR, PlanData, SupplyOptions

if TYPE_CHECKING:
    import linopy
    import pandas as pd
    import xarray as xr


#: USD per wafer × kwspm for a year → musd.
_MUSD_PER_USD_KWSPM_YEAR = WAFERS_PER_KWSPM_YEAR / 1e6
#: Price of one unit of elastic slack on a limit (musd per musd, module, MW, tool or kwspm).
ELASTIC_PENALTY = 1e4
#: Price of one M H100e of elastic slack on the unserved-compute cap: far above the limits', so
#: the diagnosis prefers to say which limits keep demand from being met, and reports demand
#: itself only where no limit could help (a lead time, say).
ELASTIC_DEMAND_PENALTY = 1e9


def add_limit(
    m: linopy.Model, lhs: Any, rhs: Any, name: str, slacks: dict[str, linopy.Variable] | None
) -> None:
    """``lhs ≤ rhs`` named ``name``; in elastic mode ``lhs − slack ≤ rhs`` with a priced slack.

    A family over an empty set (no subsidy programme, say) adds nothing.
    """
    if any(size == 0 for dim, size in lhs.data.sizes.items() if dim != "_term"):
        return
    if slacks is None:
        m.add_constraints(lhs <= rhs, name=name)
        return
    expression = lhs - rhs
    slack = m.add_variables(lower=0, coords=expression.coords, name=f"slack-{name}")
    m.add_constraints(expression - slack <= 0, name=name)
    slacks[name] = slack


def _coords(data: PlanData) -> dict[str, Any]:
    import pandas as pd

    return {
        "project": pd.Index(data.projects.index, name="project"),
        "year": pd.Index(data.years, name="year"),
        "resource": pd.Index(data.resources, name="resource"),
        "product": pd.Index(data.products.index, name="product"),
    }


def lag_coefficients(data: PlanData, rule: Callable[[int, np.ndarray], np.ndarray]) -> xr.DataArray:
    """``coef[j, ℓ] = rule(ℓ, L_j)`` for lags ℓ = 0 … len(years) − 1, as (project, lag)."""
    import xarray as xr

    lags = np.arange(len(data.years))
    leads = data.projects["lead_years"].to_numpy(dtype=int)
    table = np.zeros((len(leads), len(lags)))
    for lag in lags:
        table[:, lag] = rule(int(lag), leads)
    return xr.DataArray(
        table, coords={"project": data.projects.index, "lag": lags}, dims=("project", "lag")
    )


def lagged(build: linopy.Variable, coef: xr.DataArray) -> linopy.LinearExpression:
    """``Σ_ℓ coef[j,ℓ] · build[j, t−ℓ]`` (absent starts count as 0).

    Built directly as linopy's (coefficients, variable labels) arrays with one term per lag that
    has a non-zero coefficient: one numpy pass instead of one expression per lag.
    """
    import linopy
    import xarray as xr

    labels = build.labels.transpose("project", "year").to_numpy()
    table = coef.transpose("project", "lag").to_numpy().astype(float)
    lags = [lag for lag in range(table.shape[1]) if np.any(table[:, lag] != 0.0)] or [0]
    n_projects, n_years = labels.shape
    variables = np.full((n_projects, n_years, len(lags)), -1, dtype=labels.dtype)
    coeffs = np.zeros((n_projects, n_years, len(lags)))
    for term, lag in enumerate(lags):
        if lag >= n_years:
            continue
        variables[:, lag:, term] = labels[:, : n_years - lag]
        coeffs[:, lag:, term] = table[:, lag][:, None]
    coeffs[variables < 0] = 0.0
    variables[coeffs == 0.0] = -1
    dims = ("project", "year", "_term")
    dataset = xr.Dataset(
        {"coeffs": (dims, coeffs), "vars": (dims, variables)},
        coords={"project": build.labels["project"], "year": build.labels["year"]},
    )
    return linopy.LinearExpression(dataset, build.model)


def ramp_share(lag: int, lead: np.ndarray, ramp: list[float]) -> np.ndarray:
    """Share of a module's capacity ``lag`` years after its start (0 before it is online)."""
    since = lag - np.asarray(lead)
    out = np.where(since >= len(ramp), 1.0, 0.0)
    for k, share in enumerate(ramp):
        out = np.where(since == k, share, out)
    return np.where(since < 0, 0.0, out)


def define_builds(
    m: linopy.Model, data: PlanData, relax: bool = False, allowed: bool = True
) -> linopy.Variable:
    """Integer module starts per project and year, where a start can come online in time
    (none at all when ``allowed`` is false: a strategy without own fabs)."""
    import xarray as xr

    coords = _coords(data)
    years = np.asarray(data.years)
    earliest = data.projects["earliest_year"].to_numpy()[:, None]
    lead = data.projects["lead_years"].to_numpy()[:, None]
    mask = (years[None, :] >= earliest) & (years[None, :] + lead <= years[-1]) & allowed
    # The tightest count each start can reach: the site's modules, the partner's starts a year,
    # and the modules the site's power can feed.
    projects = data.projects
    upper = data.sites["max_modules"].reindex(projects["site"]).to_numpy(dtype=float)
    starts = {p.id: p.max_starts_per_year for p in data.scenario.partners}
    upper = np.minimum(upper, projects["partner"].map(starts).to_numpy(dtype=float))
    power = data.sites["power_mw"].reindex(projects["site"]).to_numpy(dtype=float)
    by_power = np.floor(power / projects["power_mw"].to_numpy(dtype=float) + 1e-9)
    upper = np.where(np.isnan(by_power), upper, np.minimum(upper, by_power))
    return m.add_variables(
        lower=0,
        upper=xr.DataArray(
            np.repeat(upper[:, None], len(years), axis=1),
            coords=[coords["project"], coords["year"]],
        ),
        coords=[coords["project"], coords["year"]],
        name="build",
        integer=not relax,
        mask=xr.DataArray(mask, coords=[coords["project"], coords["year"]]),
    )


def capacity_expression(
    data: PlanData, build: linopy.Variable, availability: pd.DataFrame | None = None
) -> linopy.LinearExpression:
    """New capacity online per project and year [kwspm], ramping up after the lead time.

    ``availability`` (index project, columns years) scales it: the share not lost to
    disruptions in a sampled world (:func:`fabnet.risk.stochastic.availability`); none: all.
    """
    import xarray as xr

    module = data.projects["module_kwspm"].to_xarray()
    coef = lag_coefficients(data, lambda lag, lead: ramp_share(lag, lead, data.ramp))
    capacity = lagged(build, coef * module)
    if availability is None:
        return capacity
    factor = availability.reindex(index=data.projects.index, columns=data.years, fill_value=1.0)
    coords = _coords(data)
    return capacity * xr.DataArray(
        factor.to_numpy(dtype=float), coords=[coords["project"], coords["year"]]
    )


def define_production(
    m: linopy.Model,
    data: PlanData,
    capacity: linopy.LinearExpression,
    extra: linopy.LinearExpression | None = None,
) -> dict[str, Any]:
    """Accelerators made, wafers bought from existing fabs and made in new ones (plus any
    ``extra`` supply by resource and year: reservations, acquisitions), balanced."""
    import xarray as xr

    coords = _coords(data)
    make = m.add_variables(lower=0, coords=[coords["product"], coords["year"]], name="make")
    existing = xr.DataArray(
        data.existing.to_numpy(dtype=float), coords=[coords["resource"], coords["year"]]
    )
    buy = m.add_variables(
        lower=0, upper=existing, coords=[coords["resource"], coords["year"]], name="buy"
    )
    new_output = m.add_variables(
        lower=0, coords=[coords["resource"], coords["year"]], name="new_output"
    )
    import pandas as pd

    # New capacity per (resource, region): the lag sums enter the model once, here; the
    # resource balance and the regional caps use these few aggregate variables.
    group_of = (data.projects["resource"] + ":" + data.projects["region"]).rename("group")
    groups = pd.Index(sorted(set(group_of)), name="group")
    new_capacity = m.add_variables(lower=0, coords=[groups, coords["year"]], name="new_capacity")
    m.add_constraints(
        new_capacity - capacity.groupby(group_of.to_xarray()).sum() == 0, name="Capacity-definition"
    )
    resource_of_group = xr.DataArray(
        [g.split(":")[0] for g in groups], coords=[groups], name="resource"
    )
    per_resource = new_capacity.groupby(resource_of_group).sum().reindex(resource=data.resources)
    m.add_constraints(new_output - per_resource.fillna(0) <= 0, name="New-capacity")

    full = pd.MultiIndex.from_product(
        [data.products.index, data.resources], names=["product", "resource"]
    )
    table = data.need.reindex(index=full, columns=data.years, fill_value=0.0).to_numpy(float)
    need = xr.DataArray(
        table.reshape(len(data.products), len(data.resources), len(data.years)),
        coords=[coords["product"], coords["resource"], coords["year"]],
    )
    used = (need * make).sum("product") - buy - new_output
    if extra is not None:
        used = used - extra
    m.add_constraints(used <= 0, name="Resource-balance")
    return {"make": make, "buy": buy, "new_output": new_output, "new_capacity": new_capacity}


def define_compute(
    m: linopy.Model,
    data: PlanData,
    make: linopy.Variable,
    slacks: dict[str, linopy.Variable] | None = None,
) -> dict[str, Any]:
    """Compute delivered within the mix bounds, plus unserved compute, meets what is wanted."""
    import xarray as xr

    coords = _coords(data)
    h100e = data.products["h100e"].to_xarray()
    delivered = (make * h100e).sum("product")
    wanted = xr.DataArray(data.new_compute.to_numpy(dtype=float), coords=[coords["year"]])
    unserved = m.add_variables(lower=0, coords=[coords["year"]], name="unserved")
    m.add_constraints(delivered + unserved >= wanted, name="Compute-balance")
    share_cap = data.scenario.policy.max_unserved_share
    if share_cap is not None:
        add_limit(m, 1 * unserved, wanted * share_cap, "Unserved-cap", slacks)
    m.add_constraints(delivered <= wanted, name="Compute-wanted")
    flex = data.scenario.demand.mix_flexibility
    share = xr.DataArray(data.mix.to_numpy(dtype=float), coords=[coords["product"], coords["year"]])
    low = (share - flex).clip(min=0.0)
    high = ((share + flex).clip(max=1.0)).where(share > 0, 0.0)
    m.add_constraints(make * h100e - low * delivered >= 0, name="Mix-min")
    m.add_constraints(make * h100e - high * delivered <= 0, name="Mix-max")
    return {"unserved": unserved, "delivered": delivered}


def capex_expression(data: PlanData, build: linopy.Variable) -> linopy.LinearExpression:
    """Capex spent per project and year [musd]: evenly over the lead years from the start."""
    capex = data.projects["capex_musd"].to_xarray()
    lead = data.projects["lead_years"].to_xarray()
    coef = lag_coefficients(data, lambda lag, lead_: np.where(lag < np.asarray(lead_), 1.0, 0.0))
    return lagged(build, coef * capex / lead)


def _pairs(
    pairs: pd.DataFrame, rows: pd.Index, countries: pd.Index, years: pd.Index
) -> xr.DataArray:
    """A (row, country, year) mask: True where ``pairs`` lists (row, country), e.g. the
    countries an investor funds or a subsidy programme covers."""
    import xarray as xr

    mask = np.zeros((len(rows), len(countries), len(years)), dtype=bool)
    for row, country in zip(pairs.iloc[:, 0], pairs["country"], strict=True):
        if row in rows and country in countries:
            mask[rows.get_loc(row), countries.get_loc(country), :] = True
    return xr.DataArray(mask, coords=[rows, countries, years])


def define_money(
    m: linopy.Model,
    data: PlanData,
    spend: linopy.LinearExpression,
    slacks: dict[str, linopy.Variable] | None = None,
) -> dict[str, Any]:
    """Capex funded by investors (in their countries), subsidies (share and cap) and debt."""
    import pandas as pd

    coords = _coords(data)
    countries = pd.Index(data.countries, name="country")
    country_of = data.projects["country"].to_xarray()
    # Capex per country and year as a variable: the lag sums enter once, here.
    capex = m.add_variables(lower=0, coords=[countries, coords["year"]], name="capex")
    m.add_constraints(
        capex - spend.groupby(country_of).sum().reindex(country=countries) == 0, name="Capex-spend"
    )
    investors = pd.Index(data.investors.index, name="investor")
    allowed = _pairs(data.funding, investors, countries, coords["year"])
    fund = m.add_variables(
        lower=0, coords=[investors, countries, coords["year"]], name="fund", mask=allowed
    )
    programmes = pd.Index(data.subsidies.index, name="programme")
    eligible = _pairs(data.subsidy_countries, programmes, countries, coords["year"])
    grant = m.add_variables(
        lower=0, coords=[programmes, countries, coords["year"]], name="grant", mask=eligible
    )
    debt = m.add_variables(lower=0, coords=[countries, coords["year"]], name="debt")
    m.add_constraints(
        fund.fillna(0).sum("investor") + grant.fillna(0).sum("programme") + debt - capex == 0,
        name="Capex-funding",
    )
    share = data.subsidies["capex_share"].to_xarray()
    if len(programmes):
        # Only where the programme covers the country: elsewhere the grant does not exist.
        m.add_constraints(grant.fillna(0) - share * capex <= 0, name="Subsidy-share", mask=eligible)
    add_limit(
        m,
        grant.fillna(0).sum(["country", "year"]),
        data.subsidies["cap_musd"].to_xarray(),
        "Subsidy-cap",
        slacks,
    )
    add_limit(m, debt - data.scenario.policy.max_debt_share * capex, 0.0, "Debt-share", slacks)
    add_limit(
        m,
        fund.fillna(0).sum("country"),
        data.investors["annual_cap_musd"].to_xarray(),
        "Investor-annual",
        slacks,
    )
    add_limit(
        m,
        fund.fillna(0).sum(["country", "year"]),
        data.investors["commitment_musd"].to_xarray(),
        "Investor-total",
        slacks,
    )
    return {"fund": fund, "grant": grant, "debt": debt, "capex": capex}


def define_limits(
    m: linopy.Model,
    data: PlanData,
    build: linopy.Variable,
    new_capacity: linopy.Variable,
    slacks: dict[str, linopy.Variable] | None = None,
) -> None:
    """Modules and power per site, partner starts, EUV tools, regional caps, modules a year."""
    import xarray as xr

    policy = data.scenario.policy
    site_of = data.projects["site"].to_xarray()
    starts = build.fillna(0)
    sites = data.sites.loc[sorted(set(data.projects["site"]))]
    per_site = starts.sum("year").groupby(site_of).sum()
    add_limit(m, per_site, sites["max_modules"].to_xarray(), "Site-modules", slacks)
    powered = sites["power_mw"].dropna()
    if len(powered):
        power = (
            (starts * data.projects["power_mw"].to_xarray())
            .sum("year")
            .groupby(site_of)
            .sum()
            .sel(site=list(powered.index))
        )
        add_limit(m, power, powered.to_xarray(), "Site-power", slacks)
    partner_of = data.projects["partner"].to_xarray()
    limits = {p.id: p.max_starts_per_year for p in data.scenario.partners}
    partners = sorted(set(data.projects["partner"]))
    per_partner = starts.groupby(partner_of).sum()
    add_limit(
        m,
        per_partner,
        xr.DataArray([limits[p] for p in partners], coords={"partner": partners}, dims="partner"),
        "Partner-starts",
        slacks,
    )
    if policy.euv_tools_per_year is not None and data.projects["euv_tools"].sum() > 0:
        euv = data.projects["euv_tools"].to_xarray()
        coef = lag_coefficients(data, lambda lag, lead: np.where(np.asarray(lead) == lag, 1.0, 0.0))
        add_limit(
            m,
            lagged(build, coef * euv).sum("project"),
            policy.euv_tools_per_year,
            "EUV-tools",
            slacks,
        )
    groups = new_capacity.labels["group"].to_numpy()
    region_of_group = xr.DataArray(
        [str(g).split(":")[1] for g in groups], coords={"group": groups}, dims="group"
    )
    for region, cap in policy.regional_caps.items():
        if region in set(data.projects["region"]):
            inside = new_capacity.where(region_of_group == region).fillna(0).sum("group")
            total = new_capacity.sum("group")
            add_limit(m, inside - cap * total, 0.0, f"Regional-cap-{region}", slacks)
    if policy.max_new_modules_per_year is not None:
        add_limit(m, starts.sum("project"), policy.max_new_modules_per_year, "New-modules", slacks)


def define_objective(m: linopy.Model, data: PlanData, parts: dict[str, Any]) -> None:
    """Minimise discounted capex − grants + opex + wafers bought + unserved penalty − terminal
    value; or, for ``objective: max_compute``, maximise compute delivered within the budget."""
    import xarray as xr

    policy = data.scenario.policy
    coords = _coords(data)
    delta = xr.DataArray(data.discount.to_numpy(dtype=float), coords=[coords["year"]])
    capex = parts["capex"].sum("country")
    grants = parts["grant"].fillna(0).sum(["programme", "country"])
    if policy.objective == "max_compute":
        assert policy.budget_musd is not None  # validated
        m.add_constraints(((capex - grants) * delta).sum() <= policy.budget_musd, name="Budget")
        m.add_objective(parts["delivered"].sum(), sense="max")
        return
    capex_j = data.projects["capex_musd"].to_xarray()
    online = lag_coefficients(data, lambda lag, lead: np.where(lag >= np.asarray(lead), 1.0, 0.0))
    fixed = lagged(parts["build"], online * capex_j * policy.fixed_opex_share).sum("project")
    opex = (parts["new_output"] * data.opex.to_xarray().rename(index="resource")).sum("resource")
    bought = (parts["buy"] * data.wafer_cost.to_xarray().rename(index="resource")).sum("resource")
    penalty = parts["unserved"] * policy.unserved_penalty_usd_per_h100e
    yearly = capex - grants + fixed + (opex + bought) * _MUSD_PER_USD_KWSPM_YEAR + penalty
    end = data.years[-1]
    online_year = (
        xr.DataArray(data.years, coords=[coords["year"]]) + data.projects["lead_years"].to_xarray()
    )
    residual = (1.0 - (end + 1 - online_year) / policy.asset_life_years).clip(min=0.0)
    terminal = (parts["build"].fillna(0) * (residual * capex_j)).sum() * float(
        data.discount.iloc[-1]
    )
    if parts.get("yearly_cost") is not None:
        yearly = yearly + parts["yearly_cost"]
    objective = (yearly * delta).sum() - terminal
    if parts.get("fixed_cost") is not None:
        objective = objective + parts["fixed_cost"]
    for name, slack in parts.get("slacks", {}).items():
        weight = ELASTIC_DEMAND_PENALTY if name == "Unserved-cap" else ELASTIC_PENALTY
        objective = objective + weight * slack.sum()
    m.add_objective(objective)


def build_model(
    data: PlanData,
    *,
    relax: bool = False,
    elastic: bool = False,
    options: SupplyOptions | None = None,
) -> tuple[linopy.Model, dict[str, Any]]:
    """The whole model: every ``define_*`` in turn. Returns the model and its named parts."""
    import linopy

    m = linopy.Model(force_dim_names=True)
    return m, define_plan(m, data, relax=relax, elastic=elastic, options=options)


def define_plan(
    m: linopy.Model,
    data: PlanData,
    *,
    relax: bool = False,
    elastic: bool = False,
    options: SupplyOptions | None = None,
    availability: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Every ``define_*`` in turn on ``m`` (objective included); returns the named parts.

    ``availability`` scales new capacity per (project, year) (see :func:`capacity_expression`).
    """
    from fabnet.planning.supply_options import define_supply_options

    options = options or SupplyOptions()
    slacks: dict[str, linopy.Variable] | None = {} if elastic else None
    build = define_builds(m, data, relax=relax, allowed=options.builds)
    capacity = capacity_expression(data, build, availability)
    parts: dict[str, Any] = {"build": build, "capacity": capacity}
    parts.update(define_supply_options(m, data, options, relax=relax))
    parts.update(define_production(m, data, capacity, parts["extra"]))
    parts.update(define_compute(m, data, parts["make"], slacks))
    parts["spend"] = capex_expression(data, build)
    parts.update(define_money(m, data, parts["spend"], slacks))
    define_limits(m, data, build, parts["new_capacity"], slacks)
    if slacks is not None:
        parts["slacks"] = slacks
    define_objective(m, data, parts)
    return parts

"""The planning model's blocks: one ``define_*`` function per family of variables and
constraints, each over the ``world`` dimension of :class:`~fabnet.planning.worlds.Worlds` (one
world for the deterministic plan, S sampled worlds for the stochastic one).

Notation (DESIGN §6): worlds w, projects j = (site, partner, resource), years t, resources r,
products k, countries c, investors i, subsidy programmes p. Decisions: integer module starts
``build[w,j,t]``; accelerators made ``make[w,k,t]`` [M units]; wafers bought from existing supply
``buy[w,r,t]`` and made in new fabs ``new_output[w,r,t]`` [kwspm]; ``unserved[w,t]`` [M H100e];
investor funding ``fund[w,i,c,t]``, grants ``grant[w,p,c,t]`` and ``debt[w,c,t]`` [musd].

Formulation choices: module starts are *counts* (no per-year binary switches and no big-M);
capacity online, capex spend, fixed opex and EUV deliveries are all one lag structure
``Σ_ℓ coef[w,j,ℓ] · build[w, j, t−ℓ]`` whose coefficients are the kernels of
:mod:`fabnet.schedules`; starts that could not come online within the horizon and starts before a
project's earliest year do not exist (masked), so nothing is paid for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.planning.data import SITE_LIMITS, PlanData
from fabnet.schedules import first_online_kernel, ramp_kernel, spend_kernel

if TYPE_CHECKING:
    import linopy
    import pandas as pd
    import xarray as xr

    from fabnet.planning.worlds import Worlds

#: Elastic slacks of a model, by limit family (empty unless the model is elastic).
Slacks = dict[str, "linopy.Variable"]


def constrain(m: linopy.Model, lhs: Any, sign: str, rhs: Any, name: str) -> None:
    """``lhs sign rhs`` named ``name`` (``sign`` one of ``<=``, ``>=``, ``==``).

    A family over an empty set (no projects, no programmes) adds nothing. A family whose
    left side holds no variable at all (nothing to decide: no product is made, no project can
    start) is not a constraint but a fact: it is checked here, dropped when it holds, and
    refused as an :class:`~fabnet.exceptions.InfeasiblePlanError` naming the family and where
    it fails when it does not.
    """
    expression = _expression(lhs)
    if _empty(expression):
        return
    if expression.is_constant:
        _check_constant(expression.const, sign, rhs, name)
        return
    m.add_constraints(expression, sign, rhs, name=name)


def _expression(lhs: Any) -> linopy.LinearExpression:
    """A variable or an expression as an expression."""
    import linopy

    return lhs if isinstance(lhs, linopy.LinearExpression) else 1 * lhs


def _empty(expression: linopy.LinearExpression) -> bool:
    """Whether an expression is over an empty set (some dimension of size 0)."""
    return any(size == 0 for dim, size in expression.data.sizes.items() if dim != "_term")


#: Absolute tolerance of a constant constraint (the model's units: kwspm, M H100e, musd).
CONSTANT_TOLERANCE = 1e-9


def _check_constant(const: Any, sign: str, rhs: Any, name: str) -> None:
    """Refuse a constant ``const sign rhs`` that fails anywhere."""
    import xarray as xr

    from fabnet.exceptions import InfeasiblePlanError

    right = rhs if isinstance(rhs, xr.DataArray) else xr.DataArray(rhs)
    excess = const - right
    if sign == ">=":
        excess = -excess
    elif sign == "==":
        excess = abs(excess)
    bad = excess > CONSTANT_TOLERANCE
    if not bool(bad.any()):
        return
    if bad.ndim == 0:
        where = ["its only row"]
    else:
        points = bad.where(bad, drop=True).to_dataframe(name="bad").reset_index()
        where = [
            ", ".join(f"{d} {v}" for d, v in point.items())
            for point in points.drop(columns="bad").to_dict("records")
        ]
    raise InfeasiblePlanError(
        [f"{name}: nothing the plan decides enters it, and it fails at {'; '.join(where[:5])}"]
    )


def add_limit(m: linopy.Model, lhs: Any, rhs: Any, name: str, slacks: Slacks | None) -> None:
    """``lhs ≤ rhs`` named ``name``; in elastic mode ``lhs − slack ≤ rhs`` with a priced slack.

    A family over an empty set (no subsidy programme, say) adds nothing, and one without any
    variable is checked, not added (:func:`constrain`).
    """
    expression = _expression(lhs)
    if slacks is None or _empty(expression) or expression.is_constant:
        constrain(m, expression, "<=", rhs, name)
        return
    expression = expression - rhs
    slack = m.add_variables(lower=0, coords=expression.coords, name=f"slack-{name}")
    m.add_constraints(expression - slack <= 0, name=name)
    slacks[name] = slack


def coords(data: PlanData, w: Worlds) -> dict[str, pd.Index]:
    """The model's labelled dimensions."""
    import pandas as pd

    return {
        "world": pd.Index(w.probability.indexes["world"], name="world"),
        "project": pd.Index(data.projects.index, name="project"),
        "year": pd.Index(data.years, name="year"),
        "resource": pd.Index(data.resources, name="resource"),
        "product": pd.Index(data.products.index, name="product"),
    }


def lag_coefficients(
    w: Worlds, kernel: Callable[[np.ndarray, int], np.ndarray], scale: np.ndarray | None = None
) -> xr.DataArray:
    """``coef[w, j, ℓ] = kernel(L[w, j])[ℓ] · scale[w, j]`` for lags ℓ = 0 … T − 1, as
    (world, project, lag): a kernel of :mod:`fabnet.schedules` at each world's lead times."""
    import xarray as xr

    n_years = len(w.base.years)
    table = kernel(w.lead.to_numpy(), n_years)
    if scale is not None:
        table = table * np.asarray(scale)[..., None]
    return xr.DataArray(
        table,
        coords={
            "world": w.lead.indexes["world"],
            "project": w.lead.indexes["project"],
            "lag": np.arange(n_years),
        },
        dims=("world", "project", "lag"),
    )


def lagged(build: linopy.Variable, coef: xr.DataArray) -> linopy.LinearExpression:
    """``Σ_ℓ coef[w,j,ℓ] · build[w, j, t−ℓ]`` (absent starts count as 0).

    Built directly as linopy's (coefficients, variable labels) arrays with one term per lag that
    has a non-zero coefficient: one numpy pass instead of one expression per lag.
    """
    import linopy
    import xarray as xr

    labels = build.labels.transpose("world", "project", "year").to_numpy()
    table = coef.transpose("world", "project", "lag").to_numpy().astype(float)
    lags = [lag for lag in range(table.shape[2]) if np.any(table[:, :, lag] != 0.0)] or [0]
    n_worlds, n_projects, n_years = labels.shape
    variables = np.full((n_worlds, n_projects, n_years, len(lags)), -1, dtype=labels.dtype)
    coeffs = np.zeros((n_worlds, n_projects, n_years, len(lags)))
    for term, lag in enumerate(lags):
        if lag >= n_years:
            continue
        variables[:, :, lag:, term] = labels[:, :, : n_years - lag]
        coeffs[:, :, lag:, term] = table[:, :, lag][:, :, None]
    coeffs[variables < 0] = 0.0
    variables[coeffs == 0.0] = -1
    dims = ("world", "project", "year", "_term")
    dataset = xr.Dataset(
        {"coeffs": (dims, coeffs), "vars": (dims, variables)},
        coords={
            "world": build.labels["world"],
            "project": build.labels["project"],
            "year": build.labels["year"],
        },
    )
    return linopy.LinearExpression(dataset, build.model)


def define_builds(
    m: linopy.Model, w: Worlds, relax: bool = False, allowed: bool = True
) -> linopy.Variable:
    """Integer module starts per world, project and year, where a start can come online in
    time (none at all when ``allowed`` is false: a strategy without own fabs)."""
    import xarray as xr

    data = w.base
    c = coords(data, w)
    years = np.asarray(data.years)
    earliest = data.projects["earliest_year"].to_numpy()[None, :, None]
    lead = w.lead.to_numpy()[:, :, None]
    mask = (years[None, None, :] >= earliest) & (years[None, None, :] + lead <= years[-1])
    mask = mask & allowed
    # The tightest count each start can reach: the partner's starts a year, the site's modules,
    # and the modules its power, water and land can hold.
    projects = data.projects
    starts = {p.id: p.max_starts_per_year for p in data.scenario.partners}
    upper = projects["partner"].map(starts).to_numpy(dtype=float)
    for limit, per_module in _site_uses(data):
        room = data.sites[limit].reindex(projects["site"]).to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            fits = np.floor(room / per_module + 1e-9)
        upper = np.where(np.isnan(fits), upper, np.minimum(upper, fits))
    dims = [c["world"], c["project"], c["year"]]
    return m.add_variables(
        lower=0,
        upper=xr.DataArray(np.broadcast_to(upper[None, :, None], mask.shape).copy(), coords=dims),
        coords=dims,
        name="build",
        integer=not relax,
        mask=xr.DataArray(mask, coords=dims),
    )


def capacity_expression(w: Worlds, build: linopy.Variable) -> linopy.LinearExpression:
    """New capacity online per world, project and year [kwspm], ramping up after the lead time
    and less what disruptions take (``w.availability``)."""
    data = w.base
    module = data.projects["module_kwspm"].to_numpy(dtype=float)
    ramp = data.ramp
    coef = lag_coefficients(w, lambda lead, n: ramp_kernel(lead, ramp, n), module[None, :])
    capacity = lagged(build, coef)
    if w.availability is None:
        return capacity
    return capacity * w.availability


def spend_expression(w: Worlds, build: linopy.Variable) -> linopy.LinearExpression:
    """Capex spent per world, project and year [musd]: the spend profile over the lead years."""
    profile = w.base.scenario.finance.spend_profile
    coef = lag_coefficients(
        w, lambda lead, n: spend_kernel(lead, n, profile), w.capex.to_numpy().astype(float)
    )
    return lagged(build, coef)


@dataclass(frozen=True)
class Production:
    """The production block's variables."""

    make: linopy.Variable  # (world, product, year) M units
    buy: linopy.Variable  # (world, resource, year) kwspm from existing fabs
    new_output: linopy.Variable  # (world, resource, year) kwspm from new fabs
    new_capacity: linopy.Variable  # (world, group, year) kwspm per resource:region group


def define_production(
    m: linopy.Model,
    w: Worlds,
    capacity: linopy.LinearExpression,
    extra: linopy.LinearExpression | None = None,
) -> Production:
    """Accelerators made, wafers bought from existing fabs and made in new ones (plus any
    ``extra`` supply by resource and year: reservations, acquisitions), balanced."""
    import pandas as pd
    import xarray as xr

    data = w.base
    c = coords(data, w)
    make = m.add_variables(lower=0, coords=[c["world"], c["product"], c["year"]], name="make")
    by_resource = [c["world"], c["resource"], c["year"]]
    buy = m.add_variables(lower=0, upper=w.existing, coords=by_resource, name="buy")
    new_output = m.add_variables(lower=0, coords=by_resource, name="new_output")
    # New capacity per (resource, region): the lag sums enter the model once, here; the
    # resource balance and the regional caps use these few aggregate variables.
    group_of = (data.projects["resource"] + ":" + data.projects["region"]).rename("group")
    groups = pd.Index(sorted(set(group_of)), name="group")
    new_capacity = m.add_variables(
        lower=0, coords=[c["world"], groups, c["year"]], name="new_capacity"
    )
    constrain(
        m,
        new_capacity - capacity.groupby(group_of.to_xarray()).sum(),
        "==",
        0,
        "Capacity-definition",
    )
    resource_of_group = xr.DataArray(
        [g.split(":")[0] for g in groups], coords=[groups], name="resource"
    )
    per_resource = new_capacity.groupby(resource_of_group).sum().reindex(resource=data.resources)
    constrain(m, new_output - per_resource.fillna(0), "<=", 0, "New-capacity")
    used = (w.need * make).sum("product") - buy - new_output
    if extra is not None:
        used = used - extra
    constrain(m, used, "<=", 0, "Resource-balance")
    return Production(make, buy, new_output, new_capacity)


@dataclass(frozen=True)
class Compute:
    """The compute block: unserved compute and the compute delivered."""

    unserved: linopy.Variable  # (world, year) M H100e
    delivered: linopy.LinearExpression  # (world, year) M H100e


def define_compute(
    m: linopy.Model, w: Worlds, make: linopy.Variable, slacks: Slacks | None = None
) -> Compute:
    """Compute delivered within the mix bounds, plus unserved compute, meets what is wanted."""
    import xarray as xr

    data = w.base
    c = coords(data, w)
    h100e = data.products["h100e"].to_xarray()
    delivered = (make * h100e).sum("product")
    wanted = w.new_compute
    unserved = m.add_variables(lower=0, coords=[c["world"], c["year"]], name="unserved")
    constrain(m, delivered + unserved, ">=", wanted, "Compute-balance")
    share_cap = data.scenario.policy.max_unserved_share
    if share_cap is not None:
        add_limit(m, 1 * unserved, wanted * share_cap, "Unserved-cap", slacks)
    constrain(m, delivered, "<=", wanted, "Compute-wanted")
    flex = data.scenario.demand.mix_flexibility
    share = xr.DataArray(data.mix.to_numpy(dtype=float), coords=[c["product"], c["year"]])
    low = (share - flex).clip(min=0.0)
    high = ((share + flex).clip(max=1.0)).where(share > 0, 0.0)
    constrain(m, make * h100e - low * delivered, ">=", 0, "Mix-min")
    constrain(m, make * h100e - high * delivered, "<=", 0, "Mix-max")
    return Compute(unserved, delivered)


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


@dataclass(frozen=True)
class Money:
    """The money block's variables [musd], each over (world, …, country, year)."""

    capex: linopy.Variable
    fund: linopy.Variable
    grant: linopy.Variable
    debt: linopy.Variable


def define_money(
    m: linopy.Model, w: Worlds, spend: linopy.LinearExpression, slacks: Slacks | None = None
) -> Money:
    """Capex funded by investors (in their countries), subsidies (share and cap) and debt."""
    import pandas as pd

    data = w.base
    c = coords(data, w)
    countries = pd.Index(data.countries, name="country")
    country_of = data.projects["country"].to_xarray()
    # Capex per country and year as a variable: the lag sums enter once, here.
    capex = m.add_variables(lower=0, coords=[c["world"], countries, c["year"]], name="capex")
    constrain(
        m,
        capex - spend.groupby(country_of).sum().reindex(country=countries),
        "==",
        0,
        "Capex-spend",
    )
    investors = pd.Index(data.investors.index, name="investor")
    allowed = _pairs(data.funding, investors, countries, c["year"])
    fund = m.add_variables(
        lower=0,
        coords=[c["world"], investors, countries, c["year"]],
        name="fund",
        mask=allowed.expand_dims(world=c["world"]),
    )
    programmes = pd.Index(data.subsidies.index, name="programme")
    eligible = _pairs(data.subsidy_countries, programmes, countries, c["year"])
    grant = m.add_variables(
        lower=0,
        coords=[c["world"], programmes, countries, c["year"]],
        name="grant",
        mask=eligible.expand_dims(world=c["world"]),
    )
    debt = m.add_variables(lower=0, coords=[c["world"], countries, c["year"]], name="debt")
    constrain(
        m,
        fund.fillna(0).sum("investor") + grant.fillna(0).sum("programme") + debt - capex,
        "==",
        0,
        "Capex-funding",
    )
    share = data.subsidies["capex_share"].to_xarray()
    if len(programmes):
        # Only where the programme covers the country: elsewhere the grant does not exist.
        m.add_constraints(
            grant.fillna(0) - share * capex <= 0,
            name="Subsidy-share",
            mask=eligible.expand_dims(world=c["world"]),
        )
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
    return Money(capex, fund, grant, debt)


def define_limits(
    m: linopy.Model,
    w: Worlds,
    build: linopy.Variable,
    new_capacity: linopy.Variable,
    slacks: Slacks | None = None,
) -> None:
    """Modules and power per site, partner starts, EUV tools, regional caps, modules a year."""
    import xarray as xr

    data = w.base
    policy = data.scenario.policy
    site_of = data.projects["site"].to_xarray()
    starts = build.fillna(0)
    sites = data.sites.loc[sorted(set(data.projects["site"]))]
    modules = starts.sum("year")
    for limit, per_module in _site_uses(data):
        room = sites[limit].dropna()
        if not len(room):
            continue
        used = (
            (modules * xr.DataArray(per_module, coords=[modules.indexes["project"]]))
            .groupby(site_of)
            .sum()
        )
        add_limit(
            m, used.sel(site=list(room.index)), room.to_xarray(), SITE_FAMILIES[limit], slacks
        )
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
        euv = data.projects["euv_tools"].to_numpy(dtype=float)
        coef = lag_coefficients(w, first_online_kernel, euv[None, :])
        add_limit(
            m, lagged(build, coef).sum("project"), policy.euv_tools_per_year, "EUV-tools", slacks
        )
    define_regional_caps(m, w, new_capacity, slacks)
    if policy.max_new_modules_per_year is not None:
        add_limit(m, starts.sum("project"), policy.max_new_modules_per_year, "New-modules", slacks)


#: The limit family of each site limit (:data:`fabnet.planning.data.SITE_LIMITS`).
SITE_FAMILIES = {
    "max_modules": "Site-modules",
    "power_mw": "Site-power",
    "water_ml_per_day": "Site-water",
    "land_ha": "Site-land",
}


def _site_uses(data: PlanData) -> list[tuple[str, np.ndarray]]:
    """Each site limit with what one module of each project uses of it (1 for the count)."""
    projects = data.projects
    return [
        (
            limit,
            np.ones(len(projects))
            if limit == "max_modules"
            else projects[limit].to_numpy(dtype=float),
        )
        for limit in SITE_LIMITS
    ]


def define_regional_caps(
    m: linopy.Model, w: Worlds, new_capacity: linopy.Variable, slacks: Slacks | None = None
) -> None:
    """``Regional-cap[region]``: new capacity in a region ≤ its share of all new capacity."""
    import pandas as pd
    import xarray as xr

    data = w.base
    present = set(data.projects["region"])
    caps = {r: v for r, v in data.scenario.policy.regional_caps.items() if r in present}
    if not caps:
        return
    groups = new_capacity.labels.indexes["group"]
    region_of_group = xr.DataArray(
        [str(g).split(":")[1] for g in groups], coords=[groups], name="region"
    )
    regions = pd.Index(sorted(caps), name="region")
    inside = new_capacity.groupby(region_of_group).sum().sel(region=regions)
    share = xr.DataArray([caps[r] for r in regions], coords=[regions])
    add_limit(m, inside - share * new_capacity.sum("group"), 0.0, "Regional-cap", slacks)

"""The peer of ``bench_plan.py``: fabnet's planning model written the textbook way.

Same data (:class:`fabnet.planning.data.PlanData`), same economics and constraints as
``fabnet.planning.model.build_model`` (``min_cost`` objective), but formulated as a first draft
usually is, and written independently of fabnet's model code:

- for every project j and year t a binary ``open[j,t]`` ("a build happens at j in t") and an
  integer ``modules[j,t]`` linked by big-M: ``open ≤ modules ≤ M_j · open`` (M_j = the site's
  most modules);
- state variables for every (project, year): capacity ``cap`` (defined by the ramp sum and
  big-M-linked to ``Σ_{τ ≤ t−L} open[j,τ]``), capex ``spend`` and modules ``online``;
- no masking: starts before a project's earliest year exist and are forced to 0 by a
  constraint; starts too late to come online exist and are merely useless (they pay the capex
  that falls inside the horizon and earn no terminal value); investor funding and grants exist
  for every (investor or programme, country, year) and are big-M-limited to the allowed pairs;
- lag sums written with ``shift`` per lag, one expression per lag.

At the optimum both models have the same objective: the peer's extra freedom (late starts,
``open`` without modules) is never profitable, and every fabnet constraint has its counterpart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.planning.data import PlanData
from fabnet.units import WAFERS_PER_KWSPM_YEAR

if TYPE_CHECKING:
    from collections.abc import Callable

    import linopy
    import xarray as xr

_MUSD_PER_USD_KWSPM_YEAR = WAFERS_PER_KWSPM_YEAR / 1e6


def _ramp(since: int, ramp: list[float]) -> float:
    """Share of a module's capacity ``since`` years after it came online (0 before)."""
    if since < 0:
        return 0.0
    return ramp[since] if since < len(ramp) else 1.0


def _lag_sum(
    var: linopy.Variable, data: PlanData, coef: Callable[[int, int], float]
) -> linopy.LinearExpression:
    """``Σ_ℓ coef(ℓ, L_j) · var[j, t−ℓ]`` as one shifted expression per lag."""
    import xarray as xr

    leads = data.projects["lead_years"].to_numpy(dtype=int)
    terms = []
    for lag in range(len(data.years)):
        c = np.array([coef(lag, int(lead)) for lead in leads])
        if np.any(c != 0.0):
            factor = xr.DataArray(c, coords={"project": data.projects.index}, dims="project")
            terms.append(var.shift(year=lag).fillna(0) * factor)
    return sum(terms[1:], terms[0])


def build_naive_model(data: PlanData) -> tuple[linopy.Model, dict[str, Any]]:  # noqa: PLR0915
    """The textbook model; returns it and parts named as fabnet's (for ``extract``)."""
    import linopy
    import pandas as pd
    import xarray as xr

    policy = data.scenario.policy
    if policy.objective != "min_cost":
        raise NotImplementedError("the peer model covers the min_cost objective only")
    projects = data.projects
    pj = pd.Index(projects.index, name="project")
    yr = pd.Index(data.years, name="year")
    res = pd.Index(data.resources, name="resource")
    prod = pd.Index(data.products.index, name="product")
    ctry = pd.Index(data.countries, name="country")
    inv = pd.Index(data.investors.index, name="investor")
    prog = pd.Index(data.subsidies.index, name="programme")
    years = np.asarray(data.years)
    end = int(years[-1])

    def col(name: str) -> xr.DataArray:
        return xr.DataArray(projects[name].to_numpy(), coords=[pj])

    module, capex_j, lead = col("module_kwspm"), col("capex_musd"), col("lead_years")
    big_m = xr.DataArray(
        data.sites["max_modules"].reindex(projects["site"]).to_numpy(dtype=float), coords=[pj]
    )
    m = linopy.Model(force_dim_names=True)

    def per(column: str, expr: Any, index: pd.Index) -> linopy.LinearExpression:
        """``expr`` summed over the projects in each ``column`` group, on ``index``."""
        key = xr.DataArray(projects[column].to_numpy(), coords=[pj], name=index.name)
        return (1 * expr).groupby(key).sum().reindex({index.name: index}).fillna(0)

    # --- builds: binary switch + integer count, big-M linked; no masks
    opened = m.add_variables(coords=[pj, yr], name="open", binary=True)
    modules = m.add_variables(
        lower=0, upper=big_m.broadcast_like(opened.labels), coords=[pj, yr], name="modules",
        integer=True,
    )  # fmt: skip
    m.add_constraints(modules - big_m * opened <= 0, name="Open-max")
    m.add_constraints(modules - opened >= 0, name="Open-min")
    allowed = xr.DataArray(
        (years[None, :] >= projects["earliest_year"].to_numpy()[:, None]).astype(float),
        coords=[pj, yr],
    )
    m.add_constraints(opened <= allowed, name="Earliest-start")

    # --- state variables per (project, year)
    ramp = list(data.ramp)
    cap = m.add_variables(lower=0, coords=[pj, yr], name="cap")
    m.add_constraints(
        cap - _lag_sum(modules, data, lambda lag, lead_: _ramp(lag - lead_, ramp)) * module == 0,
        name="Capacity-ramp",
    )
    opened_before = _lag_sum(opened, data, lambda lag, lead_: float(lag >= lead_))
    m.add_constraints(cap - big_m * module * opened_before <= 0, name="Capacity-open")
    spend = m.add_variables(lower=0, coords=[pj, yr], name="spend")
    m.add_constraints(
        spend - _lag_sum(modules, data, lambda lag, lead_: float(lag < lead_)) * (capex_j / lead)
        == 0,
        name="Capex-spread",
    )
    online = m.add_variables(lower=0, coords=[pj, yr], name="online")
    m.add_constraints(
        online - _lag_sum(modules, data, lambda lag, lead_: float(lag >= lead_)) == 0,
        name="Modules-online",
    )

    # --- production and resource balance
    make = m.add_variables(lower=0, coords=[prod, yr], name="make")
    existing = xr.DataArray(data.existing.reindex(index=res, columns=yr).to_numpy(float), [res, yr])
    buy = m.add_variables(lower=0, upper=existing, coords=[res, yr], name="buy")
    new_output = m.add_variables(lower=0, coords=[res, yr], name="new_output")
    m.add_constraints(new_output - per("resource", cap, res) <= 0, name="New-capacity")
    full = pd.MultiIndex.from_product([prod, res], names=["product", "resource"])
    need = xr.DataArray(
        data.need.reindex(index=full, columns=data.years, fill_value=0.0)
        .to_numpy(float)
        .reshape(len(prod), len(res), len(yr)),
        coords=[prod, res, yr],
    )
    m.add_constraints((need * make).sum("product") - buy - new_output <= 0, name="Resource-balance")

    # --- compute balance with unserved penalty and mix bounds
    h100e = xr.DataArray(data.products["h100e"].to_numpy(float), coords=[prod])
    delivered = (h100e * make).sum("product")
    wanted = xr.DataArray(data.new_compute.reindex(data.years).to_numpy(float), coords=[yr])
    unserved = m.add_variables(lower=0, coords=[yr], name="unserved")
    m.add_constraints(delivered + unserved >= wanted, name="Compute-balance")
    m.add_constraints(delivered <= wanted, name="Compute-wanted")
    if policy.max_unserved_share is not None:
        m.add_constraints(unserved <= policy.max_unserved_share * wanted, name="Unserved-cap")
    share = xr.DataArray(
        data.mix.reindex(index=prod, columns=data.years).to_numpy(float), [prod, yr]
    )
    flex = data.scenario.demand.mix_flexibility
    low = (share - flex).clip(min=0.0)
    high = xr.where(share > 0, (share + flex).clip(max=1.0), 0.0)
    m.add_constraints(h100e * make - low * delivered >= 0, name="Mix-min")
    m.add_constraints(h100e * make - high * delivered <= 0, name="Mix-max")

    # --- money: capex per country funded by investors, grants and debt; all pairs exist
    capex = per("country", spend, ctry)
    funds = {(r.investor, r.country) for r in data.funding.itertuples()}
    may_fund = xr.DataArray(
        np.array([[float((i, c) in funds) for c in ctry] for i in inv]).reshape(
            len(inv), len(ctry)
        ),
        coords=[inv, ctry],
    )
    eligible_pairs = {(r.programme, r.country) for r in data.subsidy_countries.itertuples()}
    eligible = xr.DataArray(
        np.array([[float((p, c) in eligible_pairs) for c in ctry] for p in prog]).reshape(
            len(prog), len(ctry)
        ),
        coords=[prog, ctry],
    )
    fund = m.add_variables(lower=0, coords=[inv, ctry, yr], name="fund")
    grant = m.add_variables(lower=0, coords=[prog, ctry, yr], name="grant")
    debt = m.add_variables(lower=0, coords=[ctry, yr], name="debt")
    m.add_constraints(
        fund.sum("investor") + grant.sum("programme") + debt - capex == 0, name="Capex-funding"
    )
    annual = xr.DataArray(data.investors["annual_cap_musd"].to_numpy(float), coords=[inv])
    m.add_constraints(fund - annual * may_fund <= 0, name="Investor-countries")
    m.add_constraints(fund.sum("country") <= annual, name="Investor-annual")
    commitment = xr.DataArray(data.investors["commitment_musd"].to_numpy(float), coords=[inv])
    m.add_constraints(fund.sum(["country", "year"]) <= commitment, name="Investor-total")
    share_p = xr.DataArray(data.subsidies["capex_share"].to_numpy(float), coords=[prog])
    m.add_constraints(grant - eligible * share_p * capex <= 0, name="Subsidy-share")
    cap_p = xr.DataArray(data.subsidies["cap_musd"].to_numpy(float), coords=[prog])
    m.add_constraints(grant.sum(["country", "year"]) <= cap_p, name="Subsidy-cap")
    m.add_constraints(debt - policy.max_debt_share * capex <= 0, name="Debt-share")

    # --- limits
    sites = data.sites.loc[sorted(set(projects["site"]))]
    site_ix = pd.Index(sites.index, name="site")
    total = modules.sum("year")
    m.add_constraints(
        per("site", total, site_ix)
        <= xr.DataArray(sites["max_modules"].to_numpy(float), coords=[site_ix]),
        name="Site-modules",
    )
    powered = sites["power_mw"].dropna()
    if len(powered):
        powered_ix = pd.Index(powered.index, name="site")
        power = per("site", col("power_mw") * total, powered_ix)
        m.add_constraints(
            power <= xr.DataArray(powered.to_numpy(float), coords=[powered_ix]), name="Site-power"
        )
    limits = {p.id: p.max_starts_per_year for p in data.scenario.partners}
    partners = pd.Index(sorted(set(projects["partner"])), name="partner")
    m.add_constraints(
        per("partner", modules, partners)
        <= xr.DataArray([float(limits[p]) for p in partners], coords=[partners]),
        name="Partner-starts",
    )
    if policy.euv_tools_per_year is not None and projects["euv_tools"].sum() > 0:
        delivered_euv = _lag_sum(modules, data, lambda lag, lead_: float(lag == lead_))
        m.add_constraints(
            (delivered_euv * col("euv_tools")).sum("project") <= policy.euv_tools_per_year,
            name="EUV-tools",
        )
    for region, limit in policy.regional_caps.items():
        if region in set(projects["region"]):
            inside = xr.DataArray((projects["region"] == region).to_numpy(), coords=[pj])
            m.add_constraints(
                cap.where(inside).sum("project") - limit * cap.sum("project") <= 0,
                name=f"Regional-cap-{region}",
            )
    if policy.max_new_modules_per_year is not None:
        m.add_constraints(
            modules.sum("project") <= policy.max_new_modules_per_year, name="New-modules"
        )

    # --- objective: discounted costs − terminal value of modules online by the end
    delta = xr.DataArray(data.discount.reindex(data.years).to_numpy(float), coords=[yr])
    opex = xr.DataArray(data.opex.reindex(res).to_numpy(float), coords=[res])
    price = xr.DataArray(data.wafer_cost.reindex(res).to_numpy(float), coords=[res])
    yearly = (
        spend.sum("project")
        - grant.sum(["programme", "country"])
        + (policy.fixed_opex_share * capex_j * online).sum("project")
        + ((opex * new_output).sum("resource") + (price * buy).sum("resource"))
        * _MUSD_PER_USD_KWSPM_YEAR
        + policy.unserved_penalty_usd_per_h100e * unserved
    )
    online_year = xr.DataArray(years, coords=[yr]) + lead
    residual = xr.where(
        online_year <= end,
        (1.0 - (end + 1 - online_year) / policy.asset_life_years).clip(min=0.0),
        0.0,
    )
    terminal = (residual * capex_j * modules).sum() * float(delta.isel(year=-1))
    m.add_objective((delta * yearly).sum() - terminal)
    parts = {
        "build": modules,
        "capacity": cap,
        "make": make,
        "buy": buy,
        "new_output": new_output,
        "unserved": unserved,
        "capex": capex,
        "fund": fund,
        "grant": grant,
        "debt": debt,
    }
    return m, parts

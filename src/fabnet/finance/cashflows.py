"""Project and investor cash flows of a plan: from module starts to money, year by year.

For every project (site, partner, resource) of a :class:`~fabnet.planning.Plan`, in USD million
(musd) of the plan's constant money, at each year's end:

* **capex** spent by ``finance.spend_profile`` over the lead time (the planner's even spread by
  default), **grants** per subsidy programme in the plan's ratio of grants to capex in that
  country and year, and **investment tax credits** (``tax_credit_share`` of a module's capex,
  paid in its first year online, as a refundable "direct pay" credit);
* **revenue** = wafers made × price (the catalog's market wafer price or an internal transfer
  price), where the plan's new-fab output of a resource is shared among its projects by
  capacity online; **opex** = wafers × cash cost per wafer + ``policy.fixed_opex_share`` of the
  capex of the modules online;
* **depreciation**: equipment and buildings straight-line over their own lives from the first
  year online; **tax** by country on revenue − opex − depreciation − interest, with losses
  carried forward;
* **debt**: the plan's debt in the country and year, first from government loan programmes
  (``subsidies[].loan_*``) up to their ``loan_musd``, the rest commercial (``finance.debt``);
  interest-only grace years then a level annuity; what is still owed at the horizon's end is
  repaid then, out of the terminal value;
* **terminal value** at the horizon's end: book value (salvage), a Gordon perpetuity of the last
  year's free cash flow, or none.

The stakeholders' flows add up exactly: ``project = equity + lenders``, and equity is split
among the investors by :func:`fabnet.finance.consortium` so that their flows sum to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.finance.accounting import Array, carry_losses, loan_schedule, straight_line
from fabnet.schedules import (
    convolve,
    first_online_kernel,
    online_kernel,
    ramp_kernel,
    spend_kernel,
)
from fabnet.units import usd_to_musd, wafers_per_year

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.catalog import Catalog
    from fabnet.planning import Plan

#: Components of a project's cash flow, in the order of a waterfall (signed: + is money in).
COMPONENTS = (
    "capex",
    "grants",
    "tax_credits",
    "revenue",
    "opex",
    "tax",
    "terminal_value",
)


@dataclass(frozen=True)
class ProjectFlows:
    """Per-project arrays on a common ``(project, year)`` grid, every value in musd.

    ``projects`` describes the rows (country, region, partner, resource, modules, capex_musd);
    each other attribute is a ``(P, T)`` array. Signs follow the cash: capex, opex, tax,
    interest and principal are ≤ 0; grants, credits, revenue, draws and terminal value ≥ 0.
    """

    projects: pd.DataFrame
    years: list[int]
    spend: Array  # capex spent (≥ 0)
    capacity_wspm: Array
    wafers: Array  # wafers made in the year
    revenue: Array
    opex: Array
    depreciation: Array
    grants: dict[str, Array]  # per programme
    tax_credits: dict[str, Array]  # per programme
    draws: dict[str, Array]  # per lender: a programme id or "commercial"
    interest: Array
    principal: Array  # including what is repaid at the horizon's end
    tax: Array
    terminal_value: Array

    @property
    def project_flow(self) -> Array:
        """Cash flow to all capital providers (after grants, credits and tax) [musd]."""
        inflows = _total(self.grants, self.spend) + _total(self.tax_credits, self.spend)
        operating = self.revenue - self.opex - self.tax
        return inflows + operating + self.terminal_value - self.spend

    @property
    def lender_flow(self) -> Array:
        """Cash flow to lenders: −draws + interest + principal [musd]."""
        return -_total(self.draws, self.spend) + self.interest + self.principal

    @property
    def equity_flow(self) -> Array:
        """Cash flow to equity: project flow − lender flow [musd]."""
        return self.project_flow - self.lender_flow

    @property
    def equity_call(self) -> Array:
        """Capex the investors pay in: capex − grants − debt drawn, per year [musd]."""
        funded = _total(self.grants, self.spend) + _total(self.draws, self.spend)
        return np.asarray(np.maximum(self.spend - funded, 0.0), dtype=float)

    def table(self) -> pd.DataFrame:
        """Long table, one row per (project, year): every component and the three flows."""
        import pandas as pd

        columns: dict[str, Array] = {
            "capacity_wspm": self.capacity_wspm,
            "wafers": self.wafers,
            "capex_musd": -self.spend,
            "grants_musd": _total(self.grants, self.spend),
            "tax_credits_musd": _total(self.tax_credits, self.spend),
            "revenue_musd": self.revenue,
            "opex_musd": -self.opex,
            "depreciation_musd": self.depreciation,
            "tax_musd": -self.tax,
            "terminal_value_musd": self.terminal_value,
            "debt_drawn_musd": _total(self.draws, self.spend),
            "interest_musd": -self.interest,
            "principal_musd": -self.principal,
            "project_cash_flow_musd": self.project_flow,
            "lender_cash_flow_musd": self.lender_flow,
            "equity_cash_flow_musd": self.equity_flow,
        }
        index = pd.MultiIndex.from_product(
            [self.projects.index, self.years], names=["project", "year"]
        )
        return pd.DataFrame({k: v.ravel() for k, v in columns.items()}, index=index)


def _total(parts: dict[str, Array], like: Array) -> Array:
    """The sum of per-programme (or per-lender) arrays; zeros shaped like ``like`` if none."""
    total = np.zeros_like(like, dtype=float)
    for part in parts.values():
        total = total + part
    return total


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    """``part / whole`` per (country, year), falling back to the country's totals over all
    years where ``whole`` is 0 that year (a spend profile other than the planner's)."""
    import pandas as pd

    joined = pd.concat([part.rename("part"), whole.rename("whole")], axis=1).fillna(0.0)
    totals = joined.groupby(level="country").sum()
    fallback = (totals["part"] / totals["whole"].where(totals["whole"] > 0)).fillna(0.0)
    out = joined["part"] / joined["whole"].where(joined["whole"] > 0)
    countries = out.index.get_level_values("country")
    return out.fillna(pd.Series(fallback.reindex(countries).to_numpy(), index=out.index))


@dataclass(frozen=True)
class ProjectGrid:
    """A plan's modules on the (project, year) grid, with per-project constants."""

    projects: pd.DataFrame
    years: list[int]
    starts: np.ndarray  # modules started per project and year
    module_capex: np.ndarray  # musd per module
    leads: np.ndarray  # years from start to first output

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.starts.shape[0]), int(self.starts.shape[1])

    @property
    def countries(self) -> list[str]:
        return [str(c) for c in self.projects["country"]]

    def per_module(self, kernel: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """``convolve(starts, kernel × scale)`` for a ``(P, T)`` kernel of the projects' lead
        times (:mod:`fabnet.schedules`): what the modules started do, year by year."""
        return convolve(self.starts, kernel * np.asarray(scale)[:, None])

    def covered(self, countries: list[str]) -> np.ndarray:
        """Rows whose country is in ``countries``."""
        return np.array([c in countries for c in self.countries], dtype=bool)


def project_grid(plan: Plan) -> ProjectGrid:
    """A plan's builds on the (project, year) grid: modules started, capex per module, leads."""
    builds = plan.builds
    years = plan.scenario.years
    projects = (
        builds.groupby("project")
        .agg(
            site=("site", "first"),
            country=("country", "first"),
            region=("region", "first"),
            partner=("partner", "first"),
            resource=("resource", "first"),
            modules=("modules", "sum"),
            capex_musd=("capex_musd", "sum"),
        )
        .sort_index()
    )
    row = {p: i for i, p in enumerate(projects.index)}
    starts = np.zeros((len(projects), len(years)))
    for project, year, modules in builds[["project", "start_year", "modules"]].itertuples(
        index=False
    ):
        starts[row[project], year - years[0]] += modules
    by_project = builds.groupby("project")
    module_capex = (builds["capex_musd"] / builds["modules"]).groupby(builds["project"]).first()
    leads = (by_project["online_year"].first() - by_project["start_year"].first()).astype(int)
    return ProjectGrid(
        projects=projects,
        years=years,
        starts=starts,
        module_capex=module_capex.reindex(projects.index).to_numpy(dtype=float),
        leads=leads.reindex(projects.index).to_numpy(dtype=int),
    )


def _operations(
    plan: Plan, grid: ProjectGrid, catalog: Catalog
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Capacity online [wspm], wafers made, revenue and opex [musd] per project and year."""
    finance, policy = plan.scenario.finance, plan.scenario.policy
    n, n_years = grid.shape
    resources = grid.projects["resource"].to_numpy()
    module_wspm = np.array(
        [catalog.number("resources", r, "module_capacity_wspm") for r in resources]
    )
    capacity = grid.per_module(ramp_kernel(grid.leads, policy.ramp_profile, n_years), module_wspm)
    online = grid.per_module(online_kernel(grid.leads, n_years), grid.module_capex)
    # The plan's new-fab output of each resource, shared by capacity online.
    made = (
        plan.production.set_index(["resource", "year"])["new_wspm"]
        .unstack("year")
        .reindex(columns=grid.years)
        .fillna(0.0)
    )
    wafers = np.zeros((n, n_years))
    for resource in sorted(set(resources)):
        rows = resources == resource
        total = capacity[rows].sum(axis=0)
        output = made.loc[resource].to_numpy(dtype=float) if resource in made.index else 0.0
        use = np.divide(output, total, out=np.zeros(n_years), where=total > 1e-9)
        wafers[rows] = wafers_per_year(capacity[rows] * np.minimum(use, 1.0))
    price = np.array(
        [
            finance.prices.get(r) or catalog.number("resources", r, "wafer_price_usd")
            for r in resources
        ]
    )
    cash_cost = np.array([catalog.number("resources", r, "opex_usd_per_wafer") for r in resources])
    revenue = usd_to_musd(wafers * price[:, None])
    opex = usd_to_musd(wafers * cash_cost[:, None]) + online * policy.fixed_opex_share
    return capacity, wafers, revenue, opex


def _subsidies(
    plan: Plan, grid: ProjectGrid, spend: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Grants (the plan's ratio to capex by country and year) and investment tax credits
    (paid the first year a module is online) per programme [musd]."""
    n_years = grid.shape[1]
    capex = plan.capex.set_index(["country", "year"])["capex_musd"]
    grants: dict[str, np.ndarray] = {}
    for programme, rows in plan.grants.groupby("programme"):
        part = rows.groupby(["country", "year"])["musd"].sum()
        grants[str(programme)] = spend * _lookup(_ratio(part, capex), grid)
    credits: dict[str, np.ndarray] = {}
    for subsidy in plan.scenario.subsidies:
        covered = grid.covered(subsidy.countries)
        if subsidy.tax_credit_share and covered.any():
            credit = grid.per_module(
                first_online_kernel(grid.leads, n_years),
                grid.module_capex * subsidy.tax_credit_share,
            )
            credits[subsidy.id] = np.where(covered[:, None], credit, 0.0)
    return grants, credits


def _debt(
    plan: Plan, grid: ProjectGrid, spend: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Debt drawn per lender, interest and principal (what is owed at the end repaid then)."""
    scenario = plan.scenario
    debt = scenario.finance.debt
    n, n_years = grid.shape
    table = plan.capex.set_index(["country", "year"])
    remaining = spend * _lookup(_ratio(table["debt_musd"], table["capex_musd"]), grid)
    draws: dict[str, np.ndarray] = {}
    terms: dict[str, tuple[float, int, int]] = {}
    for subsidy in scenario.subsidies:  # government loans first
        covered = grid.covered(subsidy.countries)
        if not subsidy.loan_musd or not covered.any():
            continue
        left = float(subsidy.loan_musd)
        draw = np.zeros_like(remaining)
        for t in range(n_years):  # first come, first served; pro rata within a year
            wanted = remaining[covered, t].sum()
            if wanted > 0.0 and left > 0.0:
                draw[covered, t] = remaining[covered, t] * min(1.0, left / wanted)
                left -= draw[covered, t].sum()
        remaining = remaining - draw
        draws[subsidy.id] = draw
        terms[subsidy.id] = (
            debt.rate if subsidy.loan_rate is None else subsidy.loan_rate,
            debt.tenor_years if subsidy.loan_tenor_years is None else subsidy.loan_tenor_years,
            debt.grace_years if subsidy.loan_grace_years is None else subsidy.loan_grace_years,
        )
    draws["commercial"] = remaining
    terms["commercial"] = (debt.rate, debt.tenor_years, debt.grace_years)
    interest = np.zeros((n, n_years))
    principal = np.zeros((n, n_years))
    for lender, draw in draws.items():
        interest_, principal_, balance = loan_schedule(*terms[lender], n_years)
        interest += convolve(draw, interest_)
        principal += convolve(draw, principal_)
        principal[:, -1] += convolve(draw, balance)[:, -1]
    return draws, interest, principal


def _lookup(ratio: pd.Series, grid: ProjectGrid) -> np.ndarray:
    """A (country, year) series read for each project row: a (P, T) array."""
    import pandas as pd

    countries = sorted(set(grid.countries))
    index = pd.MultiIndex.from_product([countries, grid.years], names=["country", "year"])
    table = ratio.reindex(index, fill_value=0.0).unstack("year").reindex(columns=grid.years)
    return table.reindex(grid.countries).to_numpy(dtype=float)


def project_flows(plan: Plan, catalog: Catalog | None = None) -> ProjectFlows:
    """Every project's cash-flow components on a ``(project, year)`` grid.

    Parameters
    ----------
    plan : Plan
        A solved plan (its scenario's ``finance``, ``policy`` and ``subsidies`` apply).
    catalog : Catalog, optional
        The reference catalog (default: the packaged one) for prices, costs and tax rates.

    Raises
    ------
    ParameterError
        A perpetuity whose growth is not below the discount rate.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.finance.cashflows import project_flows
    >>> flows = project_flows(fabnet.plan("altman-2024", time_limit_s=60))
    >>> bool(abs(flows.spend.sum() - flows.projects["capex_musd"].sum()) < 1e-6)
    True
    """
    from fabnet.catalog import load_catalog

    catalog = catalog or load_catalog()
    finance, policy = plan.scenario.finance, plan.scenario.policy
    grid = project_grid(plan)
    n, n_years = grid.shape
    spend = grid.per_module(
        spend_kernel(grid.leads, n_years, finance.spend_profile), grid.module_capex
    )
    capacity, wafers, revenue, opex = _operations(plan, grid, catalog)
    grants, credits = _subsidies(plan, grid, spend)
    draws, interest, principal = _debt(plan, grid, spend)

    depreciation = np.zeros((n, n_years))
    for share, life in (
        (finance.equipment_share, finance.equipment_life_years),
        (1.0 - finance.equipment_share, finance.building_life_years),
    ):
        depreciation += grid.per_module(
            straight_line(life, grid.leads, n_years), grid.module_capex * share
        )
    rates = np.zeros(n)
    if finance.tax:
        rates = np.array(
            [
                finance.tax_rates.get(c, catalog.number("countries", c, "corporate_tax_rate", 0.0))
                for c in grid.countries
            ]
        )
    operating = revenue - opex
    tax = carry_losses(operating - depreciation - interest, rates)
    terminal = np.zeros((n, n_years))
    if finance.terminal_value == "salvage":
        terminal[:, -1] = np.maximum(spend.sum(axis=1) - depreciation.sum(axis=1), 0.0)
    elif finance.terminal_value == "perpetuity":
        r, g = policy.discount_rate, finance.terminal_growth
        if g >= r:
            raise ParameterError("finance.terminal_growth", f"below policy.discount_rate ({r})", g)
        terminal[:, -1] = np.maximum(operating[:, -1] - tax[:, -1], 0.0) * (1.0 + g) / (r - g)
    return ProjectFlows(
        projects=grid.projects.assign(
            module_capex_musd=grid.module_capex, lead_years=grid.leads, tax_rate=rates
        ),
        years=grid.years,
        spend=spend,
        capacity_wspm=capacity,
        wafers=wafers,
        revenue=revenue,
        opex=opex,
        depreciation=depreciation,
        grants=grants,
        tax_credits=credits,
        draws=draws,
        interest=interest,
        principal=principal,
        tax=tax,
        terminal_value=terminal,
    )

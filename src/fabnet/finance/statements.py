"""A plan's financials: project and investor cash flows with their returns, as tidy tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from fabnet.finance.cashflows import ProjectFlows, project_flows
from fabnet.finance.consortium import Split, investor_table, split
from fabnet.finance.metrics import discounted_payback, irr_details, moic, npv, payback
from fabnet.results import Parts, Result

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.catalog import Catalog
    from fabnet.planning import Plan


@dataclass(frozen=True, repr=False)
class Financials(Result):
    """The money of a plan.

    A :class:`~fabnet.results.Result` (``to_xarray``, ``to_netcdf``, ``save(folder, format)``,
    :func:`fabnet.open_result`, ``headline()``); it keeps its plan.

    Attributes
    ----------
    plan : Plan
    cash_flows : DataFrame
        One row per (project, year): capacity, wafers and every component [musd, signed: + is
        money in], and the project, lender and equity cash flows.
    investor_flows : DataFrame
        One row per (investor, project, year) with money: capital call (≥ 0) and cash flow.
    shares : DataFrame
        Equity share per (investor, project) [fraction]; each project's shares sum to 1.
    capital_calls : DataFrame
        Capital called per (investor, year) with a call: ``investor``, ``year``,
        ``capital_call_musd`` (long; :meth:`capital_calls_wide` pivots it) [musd].
    projects : DataFrame
        Per project: country, partner, resource, modules, capex, grants, tax credits, debt;
        NPV and IRR of the project and of its equity; payback; equity MOIC.
    investors : DataFrame
        Per investor: capital called and returned, NPV at its hurdle rate, IRR (and why there is
        none), MOIC, payback [years from the horizon's start], the hurdle rate and whether it is
        met (empty for an investor the plan calls on for nothing).
    """

    plan: Plan
    cash_flows: pd.DataFrame = field(repr=False)
    investor_flows: pd.DataFrame = field(repr=False)
    shares: pd.DataFrame = field(repr=False)
    capital_calls: pd.DataFrame = field(repr=False)
    projects: pd.DataFrame = field(repr=False)
    investors: pd.DataFrame = field(repr=False)
    assumptions: dict[str, Any] = field(default_factory=dict)

    KIND: ClassVar[str] = "finance"
    TITLE: ClassVar[str] = "financials"
    LEGACY_FILES: ClassVar[tuple[str, ...]] = ()

    def by_year(self) -> pd.DataFrame:
        """Every component summed over projects, per year [musd] (the network's waterfall):
        one row for each year of the horizon, zeros where nothing happens (all of them for a
        plan that builds nothing)."""
        numeric = self.cash_flows.drop(columns=["capacity_wspm", "wafers"])
        summed = numeric.groupby(level="year").sum()
        if numeric.empty:  # no project: a row of zeros for every year of the horizon
            summed = summed.reindex(list(self.plan.scenario.years), fill_value=0.0).astype(float)
            summed.index.name = "year"
        return summed

    def capital_calls_wide(self) -> pd.DataFrame:
        """Capital called per investor (rows, those with a call) and year of the horizon
        (columns) [musd]: :attr:`capital_calls` pivoted, zeros where nothing is called."""
        calls = self.capital_calls.pivot_table(
            index="investor", columns="year", values="capital_call_musd", aggfunc="sum"
        )
        years = list(self.plan.scenario.years)
        wide = calls.reindex(columns=years, fill_value=0.0).fillna(0.0).astype(float)
        wide.columns.name = "year"
        return wide

    def headline(self) -> dict[str, Any]:
        """Capex, grants and tax credits, debt, equity called [musd, undiscounted]; the
        projects' NPV at the policy rate [musd]; investors meeting their hurdle."""
        totals = self.by_year().sum()
        called = self.investors[self.investors["called_musd"].fillna(0.0) > 0]
        met = sum(1 for value in called["hurdle_met"] if value is True or value == 1)
        npv = self.projects["npv_musd"].sum() if "npv_musd" in self.projects.columns else 0.0
        return {
            "scenario": self.plan.scenario.name,
            "projects": len(self.projects),
            "capex_musd": float(-totals.get("capex_musd", 0.0)),
            "grants_musd": float(totals.get("grants_musd", 0.0)),
            "tax_credits_musd": float(totals.get("tax_credits_musd", 0.0)),
            "debt_musd": float(totals.get("debt_drawn_musd", 0.0)),
            "equity_called_musd": float(self.capital_calls["capital_call_musd"].sum()),
            "projects_npv_musd": float(npv),
            "investors_called": len(called),
            "investors_meeting_hurdle": met,
        }

    def _parts(self) -> Parts:
        return Parts(
            tables={
                "cash_flows": self.cash_flows,
                "investor_flows": self.investor_flows,
                "shares": self.shares,
                "capital_calls": self.capital_calls,
                "projects": self.projects,
                "investors": self.investors,
            },
            meta={"assumptions": self.assumptions},
            children={"plan": self.plan},
            keys={
                "investor_flows": ("investor", "project", "year"),
                "shares": ("investor", "project"),
                "capital_calls": ("investor", "year"),
            },
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> Financials:
        from fabnet.planning import Plan

        plan = parts.child("plan", Plan)
        return cls(
            plan=plan,
            cash_flows=parts.table("cash_flows"),
            investor_flows=parts.table("investor_flows"),
            shares=parts.table("shares"),
            capital_calls=parts.table("capital_calls"),
            projects=parts.table("projects"),
            investors=parts.table("investors"),
            assumptions=dict(parts.meta["assumptions"]),
        )


#: The files an older fabnet saved for financials (such a folder may be replaced).
FINANCE_FILES = (
    "cash_flows.csv",
    "investor_flows.csv",
    "shares.csv",
    "capital_calls.csv",
    "projects.csv",
    "investors.csv",
)
Financials.LEGACY_FILES = FINANCE_FILES


def _returns(flow: np.ndarray, rate: float) -> dict[str, Any]:
    """NPV at ``rate``, IRR (or why none), payback and discounted payback of one flow."""
    details = irr_details(flow)
    return {
        "npv": float(npv(rate, flow)),
        "irr": np.nan if details.rate is None else details.rate,
        "irr_note": details.reason or "",
        "payback_years": _or_nan(payback(flow)),
        "discounted_payback_years": _or_nan(discounted_payback(flow, rate)),
    }


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else float(value)


def _project_table(flows: ProjectFlows, rate: float) -> pd.DataFrame:
    import pandas as pd

    info = flows.projects
    rows = []
    for p, project in enumerate(info.index):
        whole = _returns(flows.project_flow[p], rate)
        equity = _returns(flows.equity_flow[p], rate)
        rows.append(
            {
                "project": project,
                "grants_musd": sum(g[p].sum() for g in flows.grants.values()),
                "tax_credits_musd": sum(c[p].sum() for c in flows.tax_credits.values()),
                "debt_musd": sum(d[p].sum() for d in flows.draws.values()),
                "equity_musd": flows.equity_call[p].sum(),
                "revenue_musd": flows.revenue[p].sum(),
                "npv_musd": whole["npv"],
                "irr": whole["irr"],
                "irr_note": whole["irr_note"],
                "payback_years": whole["payback_years"],
                "equity_npv_musd": equity["npv"],
                "equity_irr": equity["irr"],
                "equity_moic": _or_nan(moic(flows.equity_flow[p])),
            }
        )
    returns = [
        "grants_musd",
        "tax_credits_musd",
        "debt_musd",
        "equity_musd",
        "revenue_musd",
        "npv_musd",
        "irr",
        "irr_note",
        "payback_years",
        "equity_npv_musd",
        "equity_irr",
        "equity_moic",
    ]
    # A plan that builds nothing has no rows, but the same columns.
    table = pd.DataFrame(rows, columns=["project", *returns]).set_index("project")
    columns = ["site", "country", "region", "partner", "resource", "modules", "capex_musd"]
    return info[columns].join(table)


def _investor_table(plan: Plan, result: Split) -> pd.DataFrame:
    import pandas as pd

    hurdles = {i.id: i.hurdle_rate for i in plan.scenario.investors}
    names = [i.id for i in plan.scenario.investors]
    names += [n for n in result.investors if n not in names]
    rows = []
    for name in names:
        k = result.investors.index(name) if name in result.investors else None
        called = float(result.calls[k].sum()) if k is not None else 0.0
        row: dict[str, Any] = {
            "investor": name,
            "called_musd": called,
            "hurdle_rate": hurdles.get(name, plan.scenario.policy.discount_rate),
        }
        if k is not None and called > 0.0:
            flow = result.flows[k].sum(axis=0)
            returns = _returns(flow, row["hurdle_rate"])
            irr = returns["irr"]
            row.update(
                returned_musd=float(np.maximum(flow, 0.0).sum()),
                npv_at_hurdle_musd=returns["npv"],
                irr=irr,
                irr_note=returns["irr_note"],
                moic=_or_nan(moic(flow)),
                payback_years=returns["payback_years"],
                # Met when the IRR reaches the hurdle; without a unique IRR, when the NPV at
                # the hurdle rate is not negative (the same test where both exist).
                hurdle_met=bool(irr >= row["hurdle_rate"])
                if np.isfinite(irr)
                else bool(returns["npv"] >= 0.0),
            )
        rows.append(row)
    columns = [
        "called_musd",
        "returned_musd",
        "npv_at_hurdle_musd",
        "irr",
        "irr_note",
        "moic",
        "payback_years",
        "hurdle_rate",
        "hurdle_met",
    ]
    if not rows:  # a scenario without investors: the table, empty
        return pd.DataFrame(columns=columns, index=pd.Index([], name="investor"))
    return pd.DataFrame(rows).set_index("investor").reindex(columns=columns)


def financials(plan: Plan, catalog: Catalog | None = None) -> Financials:
    """Cash flows, the consortium's split and the returns of every project and investor.

    NPVs discount to the horizon's first year, flows at each year's end; projects at
    ``policy.discount_rate``, investors at their own ``hurdle_rate``.

    Examples
    --------
    >>> import fabnet
    >>> money = fabnet.financials(fabnet.plan("altman-2024", time_limit_s=60))
    >>> flows = money.investor_flows.groupby(["project", "year"])["cash_flow_musd"].sum()
    >>> equity = money.cash_flows["equity_cash_flow_musd"]
    >>> bool(np.allclose(flows.reindex(equity.index, fill_value=0.0), equity))
    True
    """
    import pandas as pd

    flows = project_flows(plan, catalog)
    result = split(plan, flows)
    rate = plan.scenario.policy.discount_rate
    table = investor_table(result, flows)
    shares = pd.DataFrame(
        [
            {"investor": name, "project": project, "share": result.shares[i, p]}
            for i, name in enumerate(result.investors)
            for p, project in enumerate(flows.projects.index)
            if result.shares[i, p] > 0
        ],
        columns=["investor", "project", "share"],
    )
    per_year = result.calls.sum(axis=1)  # (investor, year) [musd]
    calls = pd.DataFrame(
        {
            "investor": np.repeat(np.asarray(result.investors, dtype=object), len(flows.years)),
            "year": np.tile(np.asarray(flows.years, dtype=np.int64), len(result.investors)),
            "capital_call_musd": per_year.reshape(-1).astype(float),
        }
    ).astype({"investor": str})
    finance = plan.scenario.finance
    return Financials(
        plan=plan,
        cash_flows=flows.table(),
        investor_flows=table,
        shares=shares,
        capital_calls=calls.loc[calls["capital_call_musd"] > 0].reset_index(drop=True),
        projects=_project_table(flows, rate),
        investors=_investor_table(plan, result),
        assumptions={
            "discount_rate": rate,
            "spend_profile": finance.spend_profile or "even over the lead time",
            "equipment_share": finance.equipment_share,
            "equipment_life_years": finance.equipment_life_years,
            "building_life_years": finance.building_life_years,
            "tax": finance.tax,
            "debt": finance.debt.model_dump(),
            "terminal_value": finance.terminal_value,
            "prices": "transfer" if finance.prices else "market",
        },
    )

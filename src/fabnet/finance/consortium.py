"""The consortium: who owns which share of each project's equity, and what each investor pays
in and gets back, year by year.

Capital calls follow the plan's funding: in each country and year, the equity part of a
project's capex (capex − grants − debt drawn) is called from the investors in the ratio in which
the plan funds that country that year (``Plan.funding``), or in fixed ``finance.equity`` shares
where the scenario gives them. An investor's **equity share** of a project is its share of the
calls over the project's life; every later equity cash flow (dividends, or further calls when the
project cannot serve its debt) is split by these shares. Hence, exactly,
``Σ_investors cash flow = project equity cash flow`` in every project and year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.finance.cashflows import ProjectFlows
    from fabnet.planning import Plan

#: The holder of equity that no investor funds (a country whose projects the plan pays for with
#: grants and debt alone), so that conservation still holds.
UNFUNDED = "(unfunded)"


@dataclass(frozen=True)
class Split:
    """Investors' calls, shares and cash flows on the ``(investor, project, year)`` grid [musd]."""

    investors: list[str]
    calls: np.ndarray  # (I, P, T) ≥ 0
    shares: np.ndarray  # (I, P), each project's column sums to 1
    flows: np.ndarray  # (I, P, T): −calls + share × (equity flow + equity call)


def _weights(plan: Plan, countries: list[str], years: list[int]) -> tuple[list[str], np.ndarray]:
    """``w[i, c, t]``: investor i's part of the equity called in country c and year t."""
    funding = plan.funding
    fixed = {block.country: block.shares for block in plan.scenario.finance.equity}
    investors = sorted({*funding["investor"].astype(str), *(i for s in fixed.values() for i in s)})
    index = {i: k for k, i in enumerate(investors)}
    country_index = {c: k for k, c in enumerate(countries)}
    w = np.zeros((len(investors) + 1, len(countries), len(years)))  # last row: UNFUNDED
    for investor, country, year, musd in funding[
        ["investor", "country", "year", "musd"]
    ].itertuples(index=False):
        if country in country_index and years[0] <= year <= years[-1]:
            w[index[str(investor)], country_index[country], year - years[0]] += musd
    for c, country in enumerate(countries):
        totals = w[:, c, :].sum(axis=1)
        if country in fixed:
            w[:, c, :] = 0.0
            for investor, share in fixed[country].items():
                w[index[investor], c, :] = share
            continue
        for t in range(len(years)):
            paid = w[:, c, t].sum()
            if paid > 0.0:
                w[:, c, t] /= paid
            elif totals.sum() > 0.0:  # no funding that year: the country's overall ratio
                w[:, c, t] = totals / totals.sum()
            else:
                w[-1, c, t] = 1.0
    return [*investors, UNFUNDED], w


def split(plan: Plan, flows: ProjectFlows) -> Split:
    """Split every project's equity among the investors (see the module's description)."""
    countries = sorted(set(flows.projects["country"].astype(str)))
    investors, w = _weights(plan, countries, flows.years)
    rows = np.array([countries.index(c) for c in flows.projects["country"].astype(str)], dtype=int)
    called = flows.equity_call  # (P, T)
    calls = w[:, rows, :] * called[None, :, :]  # (I, P, T)
    total = called.sum(axis=1)
    shares = np.divide(
        calls.sum(axis=2), total[None, :], out=np.zeros(calls.shape[:2]), where=total > 0
    )
    never = total <= 0  # no equity ever called: the country's overall ratio
    if never.any():
        shares[:, never] = w[:, rows[never], :].mean(axis=2)
    paid_out = flows.equity_flow + called
    investor_flows = -calls + shares[:, :, None] * paid_out[None, :, :]
    keep = np.abs(investor_flows).sum(axis=(1, 2)) + calls.sum(axis=(1, 2)) > 0
    names = [n for n, k in zip(investors, keep, strict=True) if k]
    return Split(
        investors=names, calls=calls[keep], shares=shares[keep], flows=investor_flows[keep]
    )


def investor_table(result: Split, flows: ProjectFlows) -> pd.DataFrame:
    """Long table, one row per (investor, project, year) with any money: call and cash flow."""
    import pandas as pd

    index = pd.MultiIndex.from_product(
        [result.investors, flows.projects.index, flows.years], names=["investor", "project", "year"]
    )
    table = pd.DataFrame(
        {"call_musd": result.calls.ravel(), "cash_flow_musd": result.flows.ravel()}, index=index
    )
    return table[(table["call_musd"].abs() + table["cash_flow_musd"].abs()) > 0].reset_index()

"""The financials' sections: key figures, the cash-flow waterfall and the cash flow by year,
the investors' returns against their hurdle rates, the capital calls and the projects.

In a report they come after the plan's sections (a plan's financials) or the strategies' (the
money of the strategy that builds; :mod:`fabnet.report._report`). Every string that comes from
data is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fabnet.report._format import (
    as_float,
    blank_zero,
    irr,
    is_missing,
    label,
    number,
    percent,
    usd,
)
from fabnet.report._frames import site_names, years_of
from fabnet.report._page import Block, Cards, Section, Text, figure, table
from fabnet.report.finance_figures import (
    called_investors,
    capital_calls_by_year,
    capital_calls_figure,
    cash_flow_by_year_figure,
    investor_returns_figure,
    project_waterfalls_figure,
)
from fabnet.report.plan_html import PLACE_COLUMNS, place_cells

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.finance import Financials

__all__ = ["FINANCE_SECTIONS", "finance_sections"]

#: The financials' sections, in order.
FINANCE_SECTIONS: tuple[Section, ...] = (
    Section("finance-key-figures", "Finance: key figures"),
    Section("finance-waterfall", "Finance: cash flow over the horizon"),
    Section("finance-by-year", "Finance: cash flow by year"),
    Section("finance-investors", "Finance: investor returns"),
    Section("finance-calls", "Finance: capital calls"),
    Section("finance-projects", "Finance: projects"),
)

#: What the finance sections say when the plan builds nothing.
_NO_MODULE = "The plan starts no module: it has no cash flows, capital calls or returns."


def finance_sections(financials: Financials, *, strategy: str | None = None) -> list[Section]:
    """The financials' sections (:data:`FINANCE_SECTIONS`) with their blocks.

    A plan that starts no module has no cash flows: each section then says so. ``strategy``
    names the strategy whose plan it is, in the key figures (escaped).
    """
    intro: list[Block] = []
    if strategy is not None:
        intro.append(
            Text(f"Financials of the <strong>{label(strategy)}</strong> strategy's plan.", False)
        )
    assumptions = _assumptions(financials.assumptions)
    if financials.cash_flows.empty:
        none: list[Block] = [Text(_NO_MODULE)]
        body = {section.id: none for section in FINANCE_SECTIONS}
        body["finance-key-figures"] = [*intro, *none, *assumptions]
        return [section.holding(body[section.id]) for section in FINANCE_SECTIONS]
    years = years_of(
        financials.cash_flows.index.get_level_values("year"), financials.plan.scenario.years
    )
    body = {
        "finance-key-figures": [*intro, *_key_figures(financials, years), *assumptions],
        "finance-waterfall": [
            Text(
                "Every project's cash flow summed over the horizon, undiscounted. The project "
                "cash flow goes to all who fund the projects; the equity cash flow is what is "
                "left for the investors after the lenders (debt drawn − interest − principal). "
                "Depreciation is not cash: it only lowers the tax. The menu shows any one "
                "project's waterfall instead."
            ),
            figure(project_waterfalls_figure(financials), "fig-finance-waterfall"),
        ],
        "finance-by-year": [
            Text(
                "Money in (revenue, grants, tax credits, debt drawn, terminal value at the "
                "horizon's end) stacks up, money out (capex, opex, tax, interest, principal) "
                "down; the lines are their sums without and with the debt."
            ),
            figure(cash_flow_by_year_figure(financials), "fig-finance-by-year"),
        ],
        "finance-investors": [
            figure(investor_returns_figure(financials), "fig-finance-investors"),
            _investors_table(financials, years),
        ],
        "finance-calls": [
            figure(capital_calls_figure(financials), "fig-finance-calls"),
            _calls_table(financials),
        ],
        "finance-projects": [_projects_table(financials, years)],
    }
    return [section.holding(body[section.id]) for section in FINANCE_SECTIONS]


def _key_figures(financials: Financials, years: list[int]) -> list[Block]:
    """Headline numbers of the financials over ``years``."""
    totals = financials.by_year().sum()
    span = f" {years[0]}–{years[-1]}" if years else ""
    rate = as_float(financials.assumptions.get("discount_rate"))
    at = f" at {percent(rate)}" if rate is not None else ""
    investors = financials.investors
    called = called_investors(investors)
    met = sum(not is_missing(value) and bool(value) for value in called["hurdle_met"])
    projects = financials.projects
    npv = projects["npv_musd"].sum() if "npv_musd" in projects.columns else None
    cards = [
        ("Capex", usd(-float(totals.get("capex_musd", 0.0)))),
        (
            "Grants and tax credits",
            usd(float(totals.get("grants_musd", 0.0)) + float(totals.get("tax_credits_musd", 0.0))),
        ),
        ("Debt drawn", usd(float(totals.get("debt_drawn_musd", 0.0)))),
        ("Equity called", usd(float(financials.capital_calls["capital_call_musd"].sum()))),
        (f"Revenue{span}", usd(float(totals.get("revenue_musd", 0.0)))),
        (f"Project cash flow{span}", usd(float(totals.get("project_cash_flow_musd", 0.0)))),
        (f"Equity cash flow{span}", usd(float(totals.get("equity_cash_flow_musd", 0.0)))),
        (f"NPV of the projects{at}", "—" if npv is None else usd(float(npv))),
        ("Investors meeting their hurdle", f"{met} of {len(called)}"),
    ]
    first = f" to {years[0]}" if years else ""
    return [
        Cards(tuple(cards)),
        Text(
            f"{len(projects)} projects. Cash flows are undiscounted sums; the NPV is "
            f"discounted{first} (flows at each year's end)."
        ),
    ]


def _assumptions(assumptions: Mapping[str, Any]) -> list[Block]:
    """The financial assumptions as one escaped line, or nothing."""
    parts = [f"{_name(key)}: {_setting(key, value)}" for key, value in assumptions.items()]
    return [Text(f"Assumptions: {'; '.join(parts)}.")] if parts else []


def _setting(key: object, value: object) -> str:
    """One assumption: rates and shares as percentages, yes/no, nested settings inline."""
    if isinstance(value, Mapping):
        return ", ".join(f"{_name(k)} {_setting(k, v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if str(key).endswith(("rate", "share")) and as_float(value) is not None:
        return percent(value)
    return label(value)


def _name(key: object) -> str:
    """A setting's name in words (escaped): ``"tenor_years"`` → ``"tenor years"``."""
    return label(str(key).replace("_", " "))


def _years_after(value: object) -> str:
    """A payback [years] with one decimal; "never" when missing."""
    return "never" if as_float(value) is None else number(value, 1)


def _investors_table(financials: Financials, years: list[int]) -> Block:
    """Per investor: capital called and returned, NPV at the hurdle, IRR, hurdle met, MOIC."""
    investors = financials.investors
    if investors.empty:
        return Text("No investors.")
    headers = [
        ("Investor", False),
        ("Called [musd]", True),
        ("Returned [musd]", True),
        ("NPV at hurdle [musd]", True),
        ("IRR", True),
        ("Hurdle rate", True),
        ("Met", False),
        ("MOIC", True),
        ("Payback [years]", True),
    ]
    rows = []
    for investor, row in investors.iterrows():
        called = (as_float(row["called_musd"]) or 0.0) > 0
        met = not is_missing(row["hurdle_met"]) and bool(row["hurdle_met"])
        moic = as_float(row["moic"])
        cells = [
            label(investor),
            number(row["called_musd"]),
            number(row["returned_musd"]),
            number(row["npv_at_hurdle_musd"]),
            irr(row["irr"], row["irr_note"]),
            percent(row["hurdle_rate"]),
            ("met" if met else "<strong>missed</strong>") if called else "no call",
            "—" if moic is None else f"{number(moic, 2)}×",
            _years_after(row["payback_years"]) if called else "—",
        ]
        rows.append((cells, ""))
    sums = [number(investors[column].sum()) for column in ("called_musd", "returned_musd")]
    rows.append((["Total", *sums, "", "", "", "", "", ""], "total"))
    start = f"{years[0]}" if years else "the horizon's start"
    caption = (
        "Per investor, over all its projects: capital called and cash returned [musd, "
        f"undiscounted]; the NPV of its cash flow at its own hurdle rate, discounted to {start}; "
        "the IRR, or why there is none; met: the IRR reaches the hurdle rate (without one IRR: "
        "the NPV at the hurdle rate is not negative); MOIC: cash returned ÷ cash put in; "
        f"payback in years from {start}."
    )
    return table(headers, [rows], caption, title="Investor returns")


def _calls_table(financials: Financials) -> Block:
    """Capital called per investor (rows) and year (columns), with totals."""
    years, calls = capital_calls_by_year(financials)
    if not (calls.abs() > 1e-9).to_numpy().any():
        return Text("No capital called.")
    wide = calls.assign(_total=calls.sum(axis=1))
    headers = [("Investor", False), *((str(year), True) for year in years), ("Total [musd]", True)]
    rows = [
        ([label(investor), *(blank_zero(row[year]) for year in years), number(row["_total"])], "")
        for investor, row in wide.iterrows()
    ]
    total = ["Total", *(number(wide[year].sum()) for year in years)]
    rows.append(([*total, number(wide["_total"].sum())], "total"))
    caption = "Capital called per year [musd], largest investor first; blank: none."
    return table(headers, [rows], caption, title="Capital calls")


#: Columns of the projects table: (header, column, numeric); money in musd.
_PROJECT_MONEY: tuple[tuple[str, str], ...] = (
    ("Capex [musd]", "capex_musd"),
    ("Grants [musd]", "grants_musd"),
    ("Tax credits [musd]", "tax_credits_musd"),
    ("Debt [musd]", "debt_musd"),
    ("Equity [musd]", "equity_musd"),
    ("Revenue [musd]", "revenue_musd"),
    ("NPV [musd]", "npv_musd"),
)


def _projects_table(financials: Financials, years: list[int]) -> Block:
    """One row per project, banded by region, with the total."""
    projects = financials.projects
    if projects.empty:
        return Text(_NO_MODULE)
    names = site_names(financials.plan.scenario)
    holders = _holders(financials.shares)
    frame = projects.rename_axis("project").reset_index()
    frame = frame.sort_values(["region", "site", "partner", "resource"], kind="stable")
    headers = [
        *PLACE_COLUMNS,
        *((header, True) for header, _ in _PROJECT_MONEY),
        ("IRR", True),
        ("Payback [years]", True),
        ("Equity IRR", True),
        ("Equity MOIC", True),
        ("Investors", False),
    ]
    groups = []
    for _, rows in frame.groupby("region", sort=True):
        body = []
        for row in rows.to_dict("records"):
            moic = as_float(row.get("equity_moic"))
            cells = [
                *place_cells(row, names),
                *(number(row.get(column)) for _, column in _PROJECT_MONEY),
                irr(row.get("irr"), row.get("irr_note")),
                _years_after(row.get("payback_years")),
                irr(row.get("equity_irr")),
                "—" if moic is None else f"{number(moic, 2)}×",
                holders.get(str(row["project"]), "—"),
            ]
            body.append((cells, ""))
        groups.append(body)
    sums = [number(frame[c].sum()) if c in frame.columns else "" for _, c in _PROJECT_MONEY]
    total = ["Total", "", "", "", "", number(frame["modules"].sum()), *sums, "", "", "", "", ""]
    groups.append([(total, "total")])
    start = f"{years[0]}" if years else "the horizon's start"
    rate = as_float(financials.assumptions.get("discount_rate"))
    at = f" at {percent(rate)}" if rate is not None else ""
    caption = (
        f"{len(frame)} projects (a site, a partner and a resource). Money over the horizon "
        f"[musd, undiscounted]; the NPV of the project cash flow{at}, discounted to {start}; "
        "the IRR of the project's cash flow, or why there is none, and of its equity; payback "
        f"in years from {start}; the investors by their share of the project's equity."
    )
    return table(headers, groups, caption, title="Projects", scroll=True)


def _holders(shares: pd.DataFrame) -> dict[str, str]:
    """Project → its investors and their equity shares, largest first (escaped)."""
    ordered = shares.sort_values(["project", "share", "investor"], ascending=[True, False, True])
    return {
        str(project): ", ".join(
            f"{label(row.investor)} {percent(row.share)}" for row in part.itertuples(index=False)
        )
        for project, part in ordered.groupby("project", sort=False)
    }

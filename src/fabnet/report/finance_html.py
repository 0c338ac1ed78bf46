"""The finance report and the strategies report, each one offline HTML file.

The finance report is the plan report (:mod:`fabnet.report.plan_html`) with the plan's money
after it: key figures, the cash-flow waterfall and the cash flow by year, the investors' returns
against their hurdle rates, the capital calls and the projects. The strategies report is the gap
report with the strategies compared, then the money of the strategy that builds (own-build, else
the mix). Both are pages of :func:`fabnet.report._page.render_page` (the basemap and plotly.js
inlined once, nothing loaded from the network); every string that comes from data is
HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fabnet.report._format import as_float, compact, is_missing, label, number, percent
from fabnet.report._page import (
    Section,
    figure_html,
    html_table,
    write_text,
)
from fabnet.report.finance_figures import (
    called_investors,
    capital_calls_by_year,
    capital_calls_figure,
    cash_flow_by_year_figure,
    comparison_years,
    flow_years,
    investor_returns_figure,
    milestone_year,
    project_waterfalls_figure,
    strategy_figure,
    strategy_timeline_figure,
)
from fabnet.report.html import gap_page
from fabnet.report.plan_html import PLAN_UNITS, _musd, plan_sections

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from fabnet.report._types import ComparisonLike, FinancialsLike, GapLike

__all__ = [
    "COMPARE_SECTIONS",
    "FINANCE_SECTIONS",
    "FINANCE_STRATEGIES",
    "compare_sections",
    "finance_sections",
    "finance_strategy",
    "render_compare_report",
    "render_finance_report",
    "write_compare_report",
    "write_finance_report",
]

#: The financials' sections, in order.
FINANCE_SECTIONS: tuple[Section, ...] = (
    Section("finance-key-figures", "Finance: key figures"),
    Section("finance-waterfall", "Finance: cash flow over the horizon"),
    Section("finance-by-year", "Finance: cash flow by year"),
    Section("finance-investors", "Finance: investor returns"),
    Section("finance-calls", "Finance: capital calls"),
    Section("finance-projects", "Finance: projects"),
)

#: The comparison's sections, in order.
COMPARE_SECTIONS: tuple[Section, ...] = (
    Section("compare-table", "Strategies compared"),
    Section("compare-figures", "Strategies: cost, compute and capital"),
    Section("compare-timeline", "Strategies: compute and capital need per year"),
    Section("compare-investors", "Strategies: investor IRR"),
)

#: The strategies whose financials the strategies report shows, the first one there is.
FINANCE_STRATEGIES: tuple[str, ...] = ("own-build", "mix")

#: What the finance sections say when the plan builds nothing.
_NO_MODULE = "The plan starts no module: it has no cash flows, capital calls or returns."


def render_finance_report(
    financials: FinancialsLike, gap: GapLike, *, generated: dt.date | None = None
) -> str:
    """The report of a plan's financials, its plan and the gap of its scenario, as one page.

    Parameters
    ----------
    financials : FinancialsLike
        A :class:`fabnet.finance.Financials`, or any object with its attributes
        (:class:`~fabnet.report._types.FinancialsLike`); its ``plan`` is shown too.
    gap : GapLike
        The :class:`fabnet.outlook.GapResult` of the same scenario.
    generated : datetime.date, optional
        Date shown as the generation date (default: today). Fix it for byte-identical output.

    Returns
    -------
    str
        The HTML document: the sections of the plan report
        (:func:`~fabnet.report.plan_html.render_plan_report`) without the assumptions, then the
        financials' (:data:`FINANCE_SECTIONS`: key figures, the waterfall, the cash flow by
        year, the investors' returns, the capital calls, the projects), then the assumptions.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.outlook import gap
    >>> money = fabnet.financials(fabnet.plan("altman-2024", shadow_prices=False))
    >>> html = render_finance_report(money, gap("altman-2024"))
    >>> html.count("Plotly.newPlot("), html.count("window.PlotlyGeoAssets =")
    (12, 1)
    """
    plan = financials.plan
    return gap_page(
        f"Network plan and its financials: {label(plan.scenario.name)}",
        gap,
        [*plan_sections(plan, gap), *finance_sections(financials)],
        scenario=plan.scenario,
        units=PLAN_UNITS,
        generated=generated,
    )


def write_finance_report(
    financials: FinancialsLike,
    gap: GapLike,
    path: str | Path,
    *,
    generated: dt.date | None = None,
) -> Path:
    """Write the report of ``financials`` and ``gap`` to ``path`` (UTF-8), creating its folder.

    Parameters
    ----------
    financials : FinancialsLike
        A :class:`fabnet.finance.Financials` or an object with its attributes.
    gap : GapLike
        The :class:`fabnet.outlook.GapResult` of the same scenario.
    path : str or Path
        The HTML file to write; an existing file is replaced.
    generated : datetime.date, optional
        Date shown as the generation date (default: today).

    Returns
    -------
    Path
        ``path``.
    """
    return write_text(render_finance_report(financials, gap, generated=generated), path)


def render_compare_report(
    comparison: ComparisonLike, gap: GapLike, *, generated: dt.date | None = None
) -> str:
    """The report of the strategies compared and the gap of their scenario, as one page.

    Parameters
    ----------
    comparison : ComparisonLike
        A :class:`fabnet.finance.Comparison`, or any object with its attributes
        (:class:`~fabnet.report._types.ComparisonLike`).
    gap : GapLike
        The :class:`fabnet.outlook.GapResult` of the same scenario.
    generated : datetime.date, optional
        Date shown as the generation date (default: today). Fix it for byte-identical output.

    Returns
    -------
    str
        The HTML document: the sections of the gap report without the assumptions, the
        comparison's (:data:`COMPARE_SECTIONS`), the financials' (:data:`FINANCE_SECTIONS`) of
        the first strategy of :data:`FINANCE_STRATEGIES` that has financials (none where no
        strategy builds), then the assumptions.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.outlook import gap
    >>> result = fabnet.compare("altman-2024", strategies=["own-build", "design-only"])
    >>> html = render_compare_report(result, gap("altman-2024"))
    >>> html.count("Plotly.newPlot("), "Financials of the <strong>own-build</strong>" in html
    (9, True)
    """
    sections = compare_sections(comparison)
    strategy = finance_strategy(comparison)
    if strategy is not None:
        sections += finance_sections(comparison.financials[strategy], strategy=strategy)
    return gap_page(
        f"Strategies compared: {label(comparison.scenario.name)}",
        gap,
        sections,
        scenario=comparison.scenario,
        units=PLAN_UNITS,
        generated=generated,
    )


def write_compare_report(
    comparison: ComparisonLike,
    gap: GapLike,
    path: str | Path,
    *,
    generated: dt.date | None = None,
) -> Path:
    """Write the report of ``comparison`` and ``gap`` to ``path`` (UTF-8), creating its folder.

    Parameters
    ----------
    comparison : ComparisonLike
        A :class:`fabnet.finance.Comparison` or an object with its attributes.
    gap : GapLike
        The :class:`fabnet.outlook.GapResult` of the same scenario.
    path : str or Path
        The HTML file to write; an existing file is replaced.
    generated : datetime.date, optional
        Date shown as the generation date (default: today).

    Returns
    -------
    Path
        ``path``.
    """
    return write_text(render_compare_report(comparison, gap, generated=generated), path)


def finance_strategy(comparison: ComparisonLike) -> str | None:
    """The strategy whose financials the strategies report shows: the first of
    :data:`FINANCE_STRATEGIES` with financials, or None."""
    return next((s for s in FINANCE_STRATEGIES if s in comparison.financials), None)


def finance_sections(
    financials: FinancialsLike, *, strategy: str | None = None
) -> list[tuple[Section, str]]:
    """The financials' sections (:data:`FINANCE_SECTIONS`) with their bodies (HTML).

    A plan that starts no module has no cash flows: each section then says so. ``strategy``
    names the strategy whose plan it is, in the key figures (escaped).
    """
    intro = (
        f"<p>Financials of the <strong>{label(strategy)}</strong> strategy's plan.</p>\n"
        if strategy is not None
        else ""
    )
    if financials.cash_flows.empty:
        none = f"<p class='note'>{_NO_MODULE}</p>"
        body = {section.id: none for section in FINANCE_SECTIONS}
        body["finance-key-figures"] = intro + none + _assumptions(financials.assumptions)
        return [(section, body[section.id]) for section in FINANCE_SECTIONS]
    body = {
        "finance-key-figures": intro + _key_figures(financials),
        "finance-waterfall": (
            "<p class='note'>Every project's cash flow summed over the horizon, undiscounted. "
            "The project cash flow goes to all who fund the projects; the equity cash flow is "
            "what is left for the investors after the lenders (debt drawn − interest − "
            "principal). Depreciation is not cash: it only lowers the tax. The menu shows any "
            "one project's waterfall instead.</p>"
            + figure_html(project_waterfalls_figure(financials), "fig-finance-waterfall")
        ),
        "finance-by-year": (
            "<p class='note'>Money in (revenue, grants, tax credits, debt drawn, terminal value "
            "at the horizon's end) stacks up, money out (capex, opex, tax, interest, principal) "
            "down; the lines are their sums without and with the debt.</p>"
            + figure_html(cash_flow_by_year_figure(financials), "fig-finance-by-year")
        ),
        "finance-investors": (
            figure_html(investor_returns_figure(financials), "fig-finance-investors")
            + _investors_table(financials)
        ),
        "finance-calls": (
            figure_html(capital_calls_figure(financials), "fig-finance-calls")
            + _calls_table(financials)
        ),
        "finance-projects": _projects_table(financials),
    }
    return [(section, body[section.id]) for section in FINANCE_SECTIONS]


def compare_sections(comparison: ComparisonLike) -> list[tuple[Section, str]]:
    """The comparison's sections (:data:`COMPARE_SECTIONS`) with their bodies (HTML)."""
    body = {
        "compare-table": _strategies_table(comparison),
        "compare-figures": figure_html(strategy_figure(comparison), "fig-compare-strategies"),
        "compare-timeline": (
            "<p class='note'>The new compute each strategy delivers per year, and the capital it "
            "needs: capex − grants + reservation fees + acquisition prices (in full, at "
            "closing).</p>"
            + figure_html(strategy_timeline_figure(comparison), "fig-compare-timeline")
        ),
        "compare-investors": _irr_table(comparison),
    }
    return [(section, body[section.id]) for section in COMPARE_SECTIONS]


def _usd(musd: float) -> str:
    """An amount of musd in US dollars, in k/M/B/T."""
    return f"{compact(musd * 1e6 + 0.0)} USD"  # + 0.0: no −0


def _key_figures(financials: FinancialsLike) -> str:
    """Headline numbers of the financials and the assumptions behind them."""
    totals = financials.by_year().sum()
    years = flow_years(financials)
    span = f" {years[0]}–{years[-1]}" if years else ""
    rate = as_float(financials.assumptions.get("discount_rate"))
    at = f" at {percent(rate)}" if rate is not None else ""
    investors = financials.investors
    called = called_investors(investors)
    met = sum(not is_missing(value) and bool(value) for value in called["hurdle_met"])
    projects = financials.projects
    npv = projects["npv_musd"].sum() if "npv_musd" in projects.columns else None
    cards = [
        ("Capex", _usd(-float(totals.get("capex_musd", 0.0)))),
        (
            "Grants and tax credits",
            _usd(
                float(totals.get("grants_musd", 0.0)) + float(totals.get("tax_credits_musd", 0.0))
            ),
        ),
        ("Debt drawn", _usd(float(totals.get("debt_drawn_musd", 0.0)))),
        ("Equity called", _usd(float(financials.capital_calls.to_numpy().sum()))),
        (f"Revenue{span}", _usd(float(totals.get("revenue_musd", 0.0)))),
        (f"Project cash flow{span}", _usd(float(totals.get("project_cash_flow_musd", 0.0)))),
        (f"Equity cash flow{span}", _usd(float(totals.get("equity_cash_flow_musd", 0.0)))),
        (f"NPV of the projects{at}", "—" if npv is None else _usd(float(npv))),
        ("Investors meeting their hurdle", f"{met} of {len(called)}"),
    ]
    dl = "".join(f"<div><dt>{term}</dt><dd>{value}</dd></div>" for term, value in cards)
    first = f" to {years[0]}" if years else ""
    return (
        f"<dl class='keys'>{dl}</dl>\n"
        f"<p class='note'>{len(projects)} projects. Cash flows are undiscounted sums; the NPV "
        f"is discounted{first} (flows at each year's end).</p>\n"
        + _assumptions(financials.assumptions)
    )


def _assumptions(assumptions: Mapping[str, Any]) -> str:
    """The financial assumptions as one escaped line, or nothing."""
    parts = [f"{_name(key)}: {_setting(key, value)}" for key, value in assumptions.items()]
    return f"<p class='note'>Assumptions: {'; '.join(parts)}.</p>" if parts else ""


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


def _irr(value: object, note: object = None) -> str:
    """An IRR as a percentage; where there is none, why (escaped), else an em dash."""
    if as_float(value) is not None:
        return percent(value)
    return "—" if is_missing(note) or not str(note) else label(note)


def _years_after(value: object) -> str:
    """A payback [years] with one decimal; "never" when missing."""
    return "never" if as_float(value) is None else number(value, 1)


def _investors_table(financials: FinancialsLike) -> str:
    """Per investor: capital called and returned, NPV at the hurdle, IRR, hurdle met, MOIC."""
    investors = financials.investors
    if investors.empty:
        return "<p class='note'>No investors.</p>"
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
            _irr(row["irr"], row["irr_note"]),
            percent(row["hurdle_rate"]),
            ("met" if met else "<strong>missed</strong>") if called else "no call",
            "—" if moic is None else f"{number(moic, 2)}×",
            _years_after(row["payback_years"]) if called else "—",
        ]
        rows.append((cells, ""))
    sums = [number(investors[column].sum()) for column in ("called_musd", "returned_musd")]
    rows.append((["Total", *sums, "", "", "", "", "", ""], "total"))
    years = flow_years(financials)
    start = f"{years[0]}" if years else "the horizon's start"
    caption = (
        "Per investor, over all its projects: capital called and cash returned [musd, "
        f"undiscounted]; the NPV of its cash flow at its own hurdle rate, discounted to {start}; "
        "the IRR, or why there is none; met: the IRR reaches the hurdle rate (without one IRR: "
        "the NPV at the hurdle rate is not negative); MOIC: cash returned ÷ cash put in; "
        f"payback in years from {start}."
    )
    return html_table(headers, [rows], caption, title="Investor returns")


def _calls_table(financials: FinancialsLike) -> str:
    """Capital called per investor (rows) and year (columns), with totals."""
    years, calls = capital_calls_by_year(financials)
    if not (calls.abs() > 1e-9).to_numpy().any():
        return "<p class='note'>No capital called.</p>"
    wide = calls.assign(_total=calls.sum(axis=1))
    headers = [("Investor", False), *((str(year), True) for year in years), ("Total [musd]", True)]
    rows = [
        ([label(investor), *(_musd(row[year]) for year in years), number(row["_total"])], "")
        for investor, row in wide.iterrows()
    ]
    total = ["Total", *(number(wide[year].sum()) for year in years)]
    rows.append(([*total, number(wide["_total"].sum())], "total"))
    caption = "Capital called per year [musd], largest investor first; blank: none."
    return html_table(headers, [rows], caption, title="Capital calls")


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


def _projects_table(financials: FinancialsLike) -> str:
    """One row per project, banded by region, with the total."""
    projects = financials.projects
    if projects.empty:
        return f"<p class='note'>{_NO_MODULE}</p>"
    names = {str(site.id): str(site.name) for site in financials.plan.scenario.sites}
    holders = _holders(financials.shares)
    frame = projects.rename_axis("project").reset_index()
    frame = frame.sort_values(["region", "site", "partner", "resource"], kind="stable")
    headers = [
        ("Region", False),
        ("Site", False),
        ("Country", False),
        ("Partner", False),
        ("Resource", False),
        ("Modules", True),
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
                label(row["region"]),
                label(names.get(str(row["site"]), row["site"])),
                label(row["country"]),
                label(row["partner"]),
                label(row["resource"]),
                number(row["modules"]),
                *(number(row.get(column)) for _, column in _PROJECT_MONEY),
                _irr(row.get("irr"), row.get("irr_note")),
                _years_after(row.get("payback_years")),
                _irr(row.get("equity_irr")),
                "—" if moic is None else f"{number(moic, 2)}×",
                holders.get(str(row["project"]), "—"),
            ]
            body.append((cells, ""))
        groups.append(body)
    sums = [number(frame[c].sum()) if c in frame.columns else "" for _, c in _PROJECT_MONEY]
    total = ["Total", "", "", "", "", number(frame["modules"].sum()), *sums, "", "", "", "", ""]
    groups.append([(total, "total")])
    years = flow_years(financials)
    start = f"{years[0]}" if years else "the horizon's start"
    rate = as_float(financials.assumptions.get("discount_rate"))
    at = f" at {percent(rate)}" if rate is not None else ""
    caption = (
        f"{len(frame)} projects (a site, a partner and a resource). Money over the horizon "
        f"[musd, undiscounted]; the NPV of the project cash flow{at}, discounted to {start}; "
        "the IRR of the project's cash flow, or why there is none, and of its equity; payback "
        f"in years from {start}; the investors by their share of the project's equity."
    )
    return html_table(headers, groups, caption, title="Projects", scroll=True)


def _holders(shares: pd.DataFrame) -> dict[str, str]:
    """Project → its investors and their equity shares, largest first (escaped)."""
    ordered = shares.sort_values(["project", "share", "investor"], ascending=[True, False, True])
    return {
        str(project): ", ".join(
            f"{label(row.investor)} {percent(row.share)}" for row in part.itertuples(index=False)
        )
        for project, part in ordered.groupby("project", sort=False)
    }


def _strategies_table(comparison: ComparisonLike) -> str:
    """One row per strategy: cost, compute, time to new supply, capital, what it does."""
    table = comparison.table
    if table.empty:
        return "<p class='note'>No strategy was compared.</p>"
    years = comparison_years(comparison)
    span = f" {years[0]}–{years[-1]}" if years else ""
    milestone = milestone_year(table.columns)
    columns: list[tuple[str, str, Any, bool]] = [
        ("Status", "status", label, False),
        ("Cost NPV [musd]", "cost_npv_musd", number, True),
        ("Objective [musd]", "objective_musd", number, True),
    ]
    if milestone is not None:
        by = f"delivered_by_{milestone}_h100e"
        columns.append((f"Delivered by {milestone} [H100e]", by, compact, True))
    columns += [
        (f"Delivered{span} [H100e]", "delivered_h100e", compact, True),
        (f"Unserved{span} [H100e]", "unserved_h100e", compact, True),
        ("First new supply", "first_new_supply_year", _year, True),
        ("Peak capital [musd]", "peak_capital_musd", number, True),
        ("Modules", "modules", number, True),
        ("Reserved [wspm·years]", "reserved_wspm_years", number, True),
        ("Acquired", "acquired", _text, False),
        ("Block probability", "block_probability", percent, True),
    ]
    headers = [("Strategy", False), *((head, numeric) for head, *_, numeric in columns)]
    rows = []
    for strategy, row in table.iterrows():
        acquired = not is_missing(row.get("acquired")) and str(row.get("acquired"))
        cells = [label(strategy)]
        for _, column, show, _ in columns:
            value = row.get(column)
            cells.append("—" if column == "block_probability" and not acquired else show(value))
        rows.append((cells, ""))
    start = f"{years[0]}" if years else "the horizon's start"
    caption = (
        "Each strategy planned on the same demand and existing supply. Cost NPV: the cost "
        f"discounted to {start} (capex − grants + opex + wafers bought + reservation fees + the "
        "acquisition's expected net cost − the terminal value of new fabs), without the penalty "
        "on unserved compute; objective: the planner's objective, with it. Compute: new "
        "compute summed over the years [H100e]. First new supply: the first year the "
        "strategy's own new supply (new fabs, reserved capacity, an acquired chipmaker's fabs) "
        "makes wafers. Peak capital: the largest year of capex − grants + reservation fees + "
        "acquisition prices [musd, undiscounted]. Reserved: capacity reserved, summed over the "
        "years. Block probability: the chance that the acquisition is blocked."
    )
    return html_table(headers, [rows], caption, title="Strategies compared", scroll=True)


def _year(value: object) -> str:
    """A year, or "none"."""
    year = as_float(value)
    return "none" if year is None else str(int(year))


def _text(value: object) -> str:
    """Escaped text; an em dash when missing or empty."""
    return "—" if is_missing(value) or not str(value) else label(value)


def _irr_table(comparison: ComparisonLike) -> str:
    """IRR per investor (rows) and strategy (columns)."""
    investors = comparison.investors
    notes = []
    if not comparison.financials:
        notes.append("<p class='note'>No strategy builds new fabs: there are no returns.</p>")
    if investors.empty:
        return "".join(notes) or "<p class='note'>No investors.</p>"
    strategies = [str(strategy) for strategy in investors.columns]
    headers = [("Investor", False), *((label(s), True) for s in strategies)]
    rows = [
        ([label(investor), *(_irr(value) for value in row)], "")
        for investor, row in investors.iterrows()
    ]
    caption = (
        "IRR of each investor's cash flow over the projects of a strategy; — where it has "
        "none (the strategy builds nothing, the investor funds none of its projects, or its "
        "cash flow has no single IRR)."
    )
    return "".join(notes) + html_table(headers, [rows], caption, title="Investor IRR by strategy")

"""Figures of a plan's financials: the cash-flow waterfall, the cash flow by year, the
investors' returns against their hurdle rates, and the capital calls.

Each function takes the financials of a plan (:class:`fabnet.finance.Financials`) and returns a
new :class:`plotly.graph_objects.Figure`; none reads a file or changes global state, and plotly
is imported when a function runs. Money is in musd (million US dollars) of the plan's constant
money, undiscounted unless a title says otherwise; text from data is HTML-escaped, as in
:mod:`fabnet.report.gap_figures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabnet.exceptions import ParameterError
from fabnet.report._format import as_float, is_missing, label, number, percent
from fabnet.report._frames import column, years_of
from fabnet.report._palette import REGION_COLORS, SERIES_COLORS, SOURCE_COLORS, cycle_colors
from fabnet.report._plotting import (
    HOVERTEXT,
    MUSD_HOVER,
    base_layout,
    musd_bars,
    note,
    plotly_modules,
)

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.finance import Financials

__all__ = [
    "called_investors",
    "capital_calls_by_year",
    "capital_calls_figure",
    "cash_flow_by_year_figure",
    "cash_flow_waterfall_figure",
    "investor_returns_figure",
    "project_waterfalls_figure",
    "waterfall_steps",
]

#: The components of the project cash flow in waterfall order: (name, column) [musd, signed].
PROJECT_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("Capex", "capex_musd"),
    ("Grants", "grants_musd"),
    ("Tax credits", "tax_credits_musd"),
    ("Revenue", "revenue_musd"),
    ("Opex", "opex_musd"),
    ("Tax", "tax_musd"),
    ("Terminal value", "terminal_value_musd"),
)

#: The debt between the project and the equity cash flow: (name, column) [musd, signed].
FINANCING_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("Debt drawn", "debt_drawn_musd"),
    ("Interest", "interest_musd"),
    ("Principal", "principal_musd"),
)

#: Colour of each component (Okabe–Ito, then Tol's "muted" where those run out; see
#: :mod:`fabnet.report._palette`): grants and debt as in the plan's money figure.
COMPONENT_COLORS: dict[str, str] = {
    "capex_musd": SERIES_COLORS["shortfall"],  # vermillion
    "grants_musd": SOURCE_COLORS["grants"],  # bluish green
    "tax_credits_musd": REGION_COLORS["KR"],  # teal
    "revenue_musd": SERIES_COLORS["delivered"],  # blue
    "opex_musd": REGION_COLORS["CN"],  # rose
    "tax_musd": REGION_COLORS["ME"],  # wine
    "terminal_value_musd": REGION_COLORS["TW"],  # indigo
    "debt_drawn_musd": SOURCE_COLORS["debt"],  # orange
    "interest_musd": REGION_COLORS["EU"],  # sand
    "principal_musd": REGION_COLORS["SEA"],  # olive
}

#: The waterfall's bars: money in, money out, and the totals (Okabe–Ito).
MONEY_IN, MONEY_OUT, MONEY_TOTAL = "#009E73", "#D55E00", "#0072B2"

#: The equity cash flow's lines (Okabe–Ito reddish purple); the project's is black.
EQUITY_COLOR = "#CC79A7"

#: What each total of the waterfall adds up (a second line of its hover text).
_TOTAL_NOTES = {
    "Project cash flow": "<br>to all capital providers: the sum of the bars before it",
    "Equity cash flow": "<br>to the investors: project cash flow + debt drawn − interest − "
    "principal",
}


def waterfall_steps(totals: pd.Series[Any]) -> list[tuple[str, str, float]]:
    """The waterfall's bars from component totals: (name, plotly measure, value [musd]).

    The project cash flow's components, their total, the debt's components, then the equity
    cash flow's total. A total is its column of ``totals`` where there is one, else the sum of
    the bars before it; a missing component counts as zero.

    Examples
    --------
    >>> import pandas as pd
    >>> steps = waterfall_steps(pd.Series({"capex_musd": -100.0, "revenue_musd": 150.0,
    ...                                    "debt_drawn_musd": 60.0, "principal_musd": -60.0}))
    >>> [(name, value) for name, measure, value in steps if measure == "total"]
    [('Project cash flow', 50.0), ('Equity cash flow', 50.0)]
    """
    steps: list[tuple[str, str, float]] = []
    running = 0.0
    for parts, total, key in (
        (PROJECT_COMPONENTS, "Project cash flow", "project_cash_flow_musd"),
        (FINANCING_COMPONENTS, "Equity cash flow", "equity_cash_flow_musd"),
    ):
        for name, part in parts:
            value = (as_float(totals.get(part)) or 0.0) + 0.0  # no −0
            steps.append((name, "relative", value))
            running += value
        known = as_float(totals.get(key))
        steps.append((total, "total", (running if known is None else known) + 0.0))
    return steps


def cash_flow_waterfall_figure(financials: Financials, project: str | None = None) -> go.Figure:
    """The cash flow of the network, or of one project, summed over the horizon, as a waterfall.

    Parameters
    ----------
    financials : Financials
        The financials of a plan; reads ``cash_flows`` (per project and year).
    project : str, optional
        One project (an index value of ``financials.projects``); default: every project.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``waterfall`` trace of undiscounted sums [musd] (:func:`waterfall_steps`): capex,
        grants, tax credits, revenue, opex, tax and terminal value, then their total, the
        project cash flow; debt drawn, interest and principal, then the equity cash flow. Money
        in is green, money out vermillion, totals blue; each bar is labelled with its value.
        Depreciation is not cash and has no bar.

    Raises
    ------
    ParameterError
        ``project`` is not a project of ``financials``.

    Examples
    --------
    >>> import fabnet
    >>> money = fabnet.financials(fabnet.plan("altman-2024", shadow_prices=False))
    >>> figure = cash_flow_waterfall_figure(money)
    >>> list(figure.data[0].x)[-5:]
    ['Project cash flow', 'Debt drawn', 'Interest', 'Principal', 'Equity cash flow']
    """
    go, _ = plotly_modules()
    flows = financials.cash_flows
    whose = "the network"
    if project is not None:
        projects = flows.index.get_level_values("project").astype(str)
        if str(project) not in set(projects):
            raise ParameterError("project", "a project of the financials", project)
        flows = flows[projects == str(project)]
        whose = label(project)
    steps = waterfall_steps(flows.sum(numeric_only=True))
    hover = [
        f"<b>{name}</b>: {number(value)} musd{_TOTAL_NOTES.get(name, '')}"
        for name, _, value in steps
    ]
    figure = go.Figure(
        go.Waterfall(
            x=[name for name, _, _ in steps],
            y=[value for *_, value in steps],
            measure=[kind for _, kind, _ in steps],
            name="Cash flow",
            text=[number(value) for *_, value in steps],
            textposition="outside",
            hovertext=hover,
            hovertemplate=HOVERTEXT,
            increasing={"marker": {"color": MONEY_IN}},
            decreasing={"marker": {"color": MONEY_OUT}},
            totals={"marker": {"color": MONEY_TOTAL}},
            connector={"line": {"color": "#888888", "width": 1}},
            showlegend=False,
        )
    )
    years = years_of(
        financials.cash_flows.index.get_level_values("year"), financials.plan.scenario.years
    )
    span = f", {years[0]}–{years[-1]}" if years else ""
    figure.update_layout(
        **base_layout(
            f"Cash flow of {whose}{span} [musd, undiscounted]"
            "<br><sup>money in green, out vermillion; totals blue; depreciation is not cash</sup>"
        ),
        height=500,
        hovermode="closest",
        xaxis={"type": "category"},
        yaxis={"title": {"text": "musd"}, "tickformat": ",.0f", "zeroline": True},
    )
    if flows.empty:
        note(figure, "No cash flows: the plan starts no module.")
    return figure


def project_waterfalls_figure(financials: Financials) -> go.Figure:
    """The network's cash-flow waterfall with a menu that shows any one project's instead.

    Parameters
    ----------
    financials : Financials
        The financials of a plan.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure of :func:`cash_flow_waterfall_figure` for the network, plus one hidden
        waterfall per project (in the order of ``financials.projects``) and a drop-down menu
        (``updatemenus``) whose entries show one waterfall and its title at a time.

    Examples
    --------
    >>> import fabnet
    >>> money = fabnet.financials(fabnet.plan("altman-2024", shadow_prices=False))
    >>> figure = project_waterfalls_figure(money)
    >>> len(figure.data) == len(money.projects) + 1
    True
    """
    figure = cash_flow_waterfall_figure(financials)
    projects = [str(p) for p in financials.projects.index]
    if financials.cash_flows.empty or not projects:
        return figure
    titles = [figure.layout.title.text]
    for project in projects:
        single = cash_flow_waterfall_figure(financials, project)
        figure.add_trace(single.data[0].update(visible=False))
        titles.append(single.layout.title.text)
    buttons = []
    for k, name in enumerate(["the network", *map(label, projects)]):
        visible = [j == k for j in range(len(titles))]
        buttons.append(
            {
                "label": name,
                "method": "update",
                "args": [{"visible": visible}, {"title.text": titles[k]}],
            }
        )
    figure.update_layout(
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "x": 1.0,
                "xanchor": "right",
                "y": 1.18,
                "yanchor": "top",
                "showactive": True,
            }
        ]
    )
    return figure


def cash_flow_by_year_figure(financials: Financials) -> go.Figure:
    """The network's cash flow per year: its components, the project and equity cash flows, and
    the cumulative equity cash flow.

    Parameters
    ----------
    financials : Financials
        The financials of a plan; reads ``by_year()`` (every component summed per year).

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels sharing the year axis. Top [musd]: one bar trace per component of
        :data:`PROJECT_COMPONENTS` and :data:`FINANCING_COMPONENTS`, stacked up (money in) and
        down (money out) from zero, then the project and the equity cash flow as lines. Bottom
        [musd]: the cumulative equity cash flow, filled to zero (below zero the investors are
        still owed their money back).

    Examples
    --------
    >>> import fabnet
    >>> money = fabnet.financials(fabnet.plan("altman-2024", shadow_prices=False))
    >>> [trace.name for trace in cash_flow_by_year_figure(money).data][-3:]
    ['Project cash flow', 'Equity cash flow', 'Cumulative equity cash flow']
    """
    go, make_subplots = plotly_modules()
    yearly = financials.by_year().sort_index()
    years = years_of(yearly.index, financials.plan.scenario.years)
    yearly = yearly.reindex(years, fill_value=0.0)
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.65, 0.35],
        vertical_spacing=0.1,
        subplot_titles=[
            "Cash-flow components per year [musd]: money in up, money out down",
            "Cumulative equity cash flow [musd]",
        ],
    )
    for group, parts in (("Project", PROJECT_COMPONENTS), ("Financing", FINANCING_COMPONENTS)):
        for name, key in parts:
            figure.add_trace(
                go.Bar(
                    x=years,
                    y=column(yearly, key),
                    name=name,
                    legendgroup=group.lower(),
                    legendgrouptitle={"text": group},
                    marker={"color": COMPONENT_COLORS[key]},
                    hovertemplate=MUSD_HOVER,
                ),
                row=1,
                col=1,
            )
    for name, key, color, dash in (
        ("Project cash flow", "project_cash_flow_musd", SERIES_COLORS["demand"], "solid"),
        ("Equity cash flow", "equity_cash_flow_musd", EQUITY_COLOR, "dash"),
    ):
        figure.add_trace(
            go.Scatter(
                x=years,
                y=column(yearly, key),
                name=name,
                legendgroup="flows",
                legendgrouptitle={"text": "Cash flow"},
                mode="lines+markers",
                line={"color": color, "width": 2.5, "dash": dash},
                hovertemplate=MUSD_HOVER,
            ),
            row=1,
            col=1,
        )
    figure.add_trace(
        go.Scatter(
            x=years,
            y=column(yearly, "equity_cash_flow_musd").cumsum(),
            name="Cumulative equity cash flow",
            legendgroup="flows",
            mode="lines+markers",
            line={"color": EQUITY_COLOR, "width": 2.5},
            fill="tozeroy",
            hovertemplate=MUSD_HOVER,
        ),
        row=2,
        col=1,
    )
    layout = base_layout("The network's cash flow per year [musd, undiscounted]")
    layout["margin"]["t"] = 90
    figure.update_layout(
        **layout,
        height=680,
        barmode="relative",
        hovermode="x unified",
        legend={"groupclick": "toggleitem", "tracegroupgap": 8},
    )
    figure.update_yaxes(tickformat=",.0f", zeroline=True, zerolinecolor="#888888")
    figure.update_xaxes(dtick=1 if len(years) <= 12 else 2, showticklabels=True)
    if not (yearly.abs() > 1e-9).to_numpy().any():
        note(figure, "No cash flows: the plan starts no module.")
    return figure


def investor_returns_figure(financials: Financials) -> go.Figure:
    """Each investor's IRR against its hurdle rate, met or missed.

    Parameters
    ----------
    financials : Financials
        The financials of a plan; reads ``investors`` (per investor: capital called and
        returned, NPV at the hurdle rate, IRR and why there is none, MOIC, payback, the hurdle
        rate and whether it is met).

    Returns
    -------
    plotly.graph_objects.Figure
        One bar per investor the plan calls capital from (in the order of
        ``financials.investors``; the others are left out): its IRR, in the trace "Hurdle met"
        (green) or "Hurdle missed" (vermillion, hatched), labelled with the IRR, or "no IRR"
        (a bar of zero height) where the IRR is undefined; then the hurdle rates as black
        ticks. The hover text gives the NPV at the hurdle rate, the MOIC, the payback and why
        an IRR is undefined.

    Examples
    --------
    >>> import fabnet
    >>> money = fabnet.financials(fabnet.plan("altman-2024", shadow_prices=False))
    >>> [trace.name for trace in investor_returns_figure(money).data]
    ['Hurdle met', 'Hurdle missed', 'Hurdle rate']
    """
    go, _ = plotly_modules()
    table = financials.investors
    called = called_investors(table)
    names = [label(investor) for investor in called.index]
    met = [_met(value) for value in called["hurdle_met"]]
    figure = go.Figure()
    for status, color, pattern in (
        ("met", MONEY_IN, None),
        ("missed", MONEY_OUT, {"shape": "x", "fgcolor": "#FFFFFF", "solidity": 0.3}),
    ):
        keep = [is_met == (status == "met") for is_met in met]
        rows = called.iloc[[index for index, k in enumerate(keep) if k]]
        irr = [as_float(value) for value in rows["irr"]]
        figure.add_trace(
            go.Bar(
                x=[name for name, k in zip(names, keep, strict=True) if k],
                y=[0.0 if value is None else value for value in irr],
                name=f"Hurdle {status}",
                legendgroup=status,
                marker={"color": color, **({"pattern": pattern} if pattern else {})},
                text=["no IRR" if value is None else percent(value) for value in irr],
                textposition="outside",
                hovertext=[_investor_hover(who, row, status) for who, row in rows.iterrows()],
                hovertemplate=HOVERTEXT,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=names,
            y=[as_float(value) for value in called["hurdle_rate"]],
            name="Hurdle rate",
            legendgroup="hurdle",
            mode="markers",
            marker={
                "symbol": "line-ew-open",
                "size": 34,
                "color": SERIES_COLORS["demand"],
                "line": {"width": 3, "color": SERIES_COLORS["demand"]},
            },
            hovertemplate="Hurdle rate: %{y:.0%}<extra>%{x}</extra>",
        )
    )
    figure.update_layout(
        **base_layout(
            "Investor returns: IRR against the hurdle rate"
            "<br><sup>each investor's cash flow over all its projects; investors without a "
            "capital call are left out</sup>"
        ),
        height=460,
        barmode="overlay",
        hovermode="closest",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": names},
        yaxis={"title": {"text": "IRR"}, "tickformat": ".0%", "rangemode": "tozero"},
    )
    if not names:
        note(figure, "No investor is called on for capital.")
    return figure


def capital_calls_figure(financials: Financials) -> go.Figure:
    """Capital called per year, stacked by investor.

    Parameters
    ----------
    financials : Financials
        The financials of a plan; reads ``capital_calls`` (per investor and year [musd], pivoted).

    Returns
    -------
    plotly.graph_objects.Figure
        Stacked bars [musd] over the years from the first to the last with any call: one trace
        per investor (largest total first, each in its own colour), then the total called per
        year as black ticks.

    Examples
    --------
    >>> import fabnet
    >>> money = fabnet.financials(fabnet.plan("altman-2024", shadow_prices=False))
    >>> capital_calls_figure(money).data[-1].name
    'Total called'
    """
    go, _ = plotly_modules()
    years, calls = capital_calls_by_year(financials)
    per_year = calls.sum(axis=0)
    colors = cycle_colors(str(investor) for investor in calls.index)
    figure = go.Figure()
    for position, investor in enumerate(str(investor) for investor in calls.index):
        figure.add_trace(
            musd_bars(years, calls.iloc[position], label(investor), "Investor", colors[investor])
        )
    figure.add_trace(
        go.Scatter(
            x=years,
            y=per_year.to_numpy(dtype=float),
            name="Total called",
            legendgroup="total",
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 18, "color": SERIES_COLORS["demand"]},
            hovertemplate=MUSD_HOVER,
        )
    )
    figure.update_layout(
        **base_layout(
            "Capital called from the investors per year [musd]"
            "<br><sup>the equity part of capex: capex − grants − debt drawn</sup>"
        ),
        height=460,
        barmode="stack",
        hovermode="closest",
        legend={"groupclick": "toggleitem", "tracegroupgap": 8},
        yaxis={"title": {"text": "musd"}, "tickformat": ",.0f", "rangemode": "tozero"},
        xaxis={"dtick": 1 if len(years) <= 12 else 2},
    )
    if not (per_year.abs() > 1e-9).any():
        note(figure, "No capital called: the plan starts no module.")
    return figure


def capital_calls_by_year(financials: Financials) -> tuple[list[int], pd.DataFrame]:
    """The years from the first to the last with a capital call (every year of the calls, else
    of the plan, when there is none) and the calls [musd] in them: one row per investor, the
    largest total first, one column per year."""
    calls = financials.capital_calls_wide()
    columns = [int(year) for year in calls.columns]
    calls = calls.set_axis(columns, axis=1)
    per_year = calls.sum(axis=0).to_numpy(dtype=float)
    called = [year for year, value in zip(columns, per_year, strict=True) if abs(value) > 1e-9]
    years = list(range(min(called), max(called) + 1)) if called else columns
    years = years_of(years, financials.plan.scenario.years)
    order = calls.sum(axis=1).sort_values(ascending=False, kind="stable").index
    return years, calls.reindex(index=order, columns=years, fill_value=0.0)


def called_investors(investors: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``investors`` (``Financials.investors``) with capital called."""
    called = [(as_float(value) or 0.0) > 0 for value in investors["called_musd"]]
    return investors.iloc[[index for index, c in enumerate(called) if c]]


def _met(value: object) -> bool:
    """Whether a ``hurdle_met`` value says met (missing: not met)."""
    return not is_missing(value) and bool(value)


def _investor_hover(investor: object, row: pd.Series[Any], status: str) -> str:
    """Hover text of one investor's bar (escaped)."""
    irr = as_float(row.get("irr"))
    reason = row.get("irr_note")
    why = f": {label(reason)}" if not is_missing(reason) and str(reason) else ""
    returns = f"IRR {percent(irr)}" if irr is not None else f"no IRR{why}"
    payback = as_float(row.get("payback_years"))
    return "<br>".join(
        [
            f"<b>{label(investor)}</b> · hurdle {status}",
            f"{returns} · hurdle rate {percent(row.get('hurdle_rate'))}",
            f"NPV at the hurdle rate: {number(row.get('npv_at_hurdle_musd'))} musd",
            f"MOIC {number(row.get('moic'), 2)}× · payback "
            + ("never" if payback is None else f"after {number(payback, 1)} years"),
            f"called {number(row.get('called_musd'))} musd · returned "
            f"{number(row.get('returned_musd'))} musd",
        ]
    )

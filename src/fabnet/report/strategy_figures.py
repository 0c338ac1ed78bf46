"""Figures of the strategies compared: cost, compute and capital side by side, and compute and
capital over time, one line per strategy.

Each function takes a comparison (:class:`fabnet.finance.Comparison`) and returns a new
:class:`plotly.graph_objects.Figure`; none reads a file or changes global state, and plotly is
imported when a function runs. Money is in musd (million US dollars) of the plan's constant
money, undiscounted unless a title says otherwise; text from data is HTML-escaped, as in
:mod:`fabnet.report.gap_figures`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fabnet.report._format import amount, as_float, label
from fabnet.report._frames import column, years_of
from fabnet.report._palette import color_of
from fabnet.report._plotting import HOVERTEXT, base_layout, money_hover, note, plotly_modules

if TYPE_CHECKING:
    from collections.abc import Iterable

    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.finance import Comparison
    from fabnet.report._money import Money

__all__ = [
    "STRATEGY_COLORS",
    "STRATEGY_DASHES",
    "milestone_year",
    "strategy_figure",
    "strategy_timeline_figure",
]

#: Colour and line dash per strategy (Okabe–Ito); dashes tell apart lines that coincide.
STRATEGY_COLORS: dict[str, str] = {
    "own-build": "#0072B2",  # blue
    "reservation": "#E69F00",  # orange
    "acquisition": "#CC79A7",  # reddish purple
    "design-only": "#56B4E9",  # sky blue
    "mix": "#009E73",  # bluish green
}
STRATEGY_DASHES: dict[str, str] = {
    "own-build": "solid",
    "reservation": "dash",
    "acquisition": "dot",
    "design-only": "dashdot",
    "mix": "longdash",
}

#: The comparison's column of compute delivered by a milestone year.
_MILESTONE = re.compile(r"^delivered_by_(\d{4})_h100e$")


def strategy_figure(comparison: Comparison, money: Money | None = None) -> go.Figure:
    """The strategies side by side: cost, compute delivered, compute unserved, peak capital.

    Parameters
    ----------
    comparison : Comparison
        The strategies compared; reads ``table`` (one row per strategy) and ``by_year`` (the
        years).
    money : Money, optional
        The unit of the money panels (default: the comparison's report's,
        :func:`fabnet.report._report.money_of`).

    Returns
    -------
    plotly.graph_objects.Figure
        Four panels of bars, one bar per strategy in the table's order and colour
        (:data:`STRATEGY_COLORS`), each labelled with its value: the cost, discounted to the
        horizon's start (in ``money``); the compute delivered by the milestone year (hatched,
        where the table has it) and by the horizon's end [H100e]; the compute unserved [H100e];
        the peak capital need of one year (in ``money``). Five bar traces (four without a
        milestone).

    Examples
    --------
    >>> import fabnet
    >>> result = fabnet.compare("altman-2024", strategies=["own-build", "design-only"])
    >>> [trace.name for trace in strategy_figure(result).data]  # doctest: +NORMALIZE_WHITESPACE
    ['Cost (NPV)', 'Delivered by 2030', 'Delivered by 2040', 'Unserved',
     'Peak capital need']
    """
    go, make_subplots = plotly_modules()
    money = money or _money(comparison)
    table = comparison.table
    strategies = [str(strategy) for strategy in table.index]
    names = [label(strategy) for strategy in strategies]
    colors = [color_of(strategy, STRATEGY_COLORS) for strategy in strategies]
    milestone = milestone_year(table.columns)
    years = years_of(comparison.by_year["year"], comparison.scenario.years)
    horizon = f"by {years[-1]}" if years else "to the horizon's end"
    by_milestone = f" by {milestone} (hatched) and" if milestone else ""
    delivered = f"Compute delivered{by_milestone} {horizon}"
    figure = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[
            money.header("Cost, NPV"),
            f"{delivered} [H100e]",
            "Compute unserved [H100e]",
            money.header("Peak capital need in one year"),
        ],
        horizontal_spacing=0.1,
        vertical_spacing=0.2,
    )
    bars: list[tuple[str, str, str, dict[str, int], bool]] = [
        ("Cost (NPV)", "npv_cost_musd", "musd", {"row": 1, "col": 1}, False),
    ]
    if milestone:
        key = f"delivered_by_{milestone}_h100e"
        bars.append((f"Delivered by {milestone}", key, "H100e", {"row": 1, "col": 2}, True))
    bars += [
        (f"Delivered {horizon}", "delivered_h100e", "H100e", {"row": 1, "col": 2}, False),
        ("Unserved", "unserved_h100e", "H100e", {"row": 2, "col": 1}, False),
        ("Peak capital need", "peak_capital_musd", "musd", {"row": 2, "col": 2}, False),
    ]
    for name, key, unit, place, hatched in bars:
        values = [as_float(value) for value in column(table, key)]
        if unit == "musd":
            shown = [money.amount(value) for value in values]
            values = [None if value is None else money.of(value) for value in values]
        else:
            shown = [f"{amount(value, unit)} {unit}" for value in values]
        pattern = {"pattern": {"shape": "/", "fgcolor": "#FFFFFF", "solidity": 0.3}}
        figure.add_trace(
            go.Bar(
                x=names,
                y=[float("nan") if value is None else value for value in values],
                name=name,
                marker={"color": colors, **(pattern if hatched else {})},
                text=shown,
                textposition="outside",
                cliponaxis=False,
                hovertext=[
                    f"<b>{strategy}</b><br>{name}: {text}"
                    for strategy, text in zip(names, shown, strict=True)
                ],
                hovertemplate=HOVERTEXT,
                showlegend=False,
            ),
            **place,
        )
    layout = base_layout(
        f"The strategies compared: {label(comparison.scenario.name)}"
        "<br><sup>each strategy planned on the same demand and existing supply</sup>"
    )
    layout["margin"]["t"] = 110
    figure.update_layout(**layout, height=680, barmode="group", hovermode="closest")
    figure.update_yaxes(rangemode="tozero", tickformat="~s")
    for place in (bars[0][3], bars[-1][3]):  # the money panels
        figure.update_yaxes(tickformat=money.tickformat, **place)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=names)
    if not names:
        note(figure, "No strategy was compared.")
    return figure


def strategy_timeline_figure(comparison: Comparison, money: Money | None = None) -> go.Figure:
    """Compute delivered and capital needed per year, one line per strategy.

    Parameters
    ----------
    comparison : Comparison
        The strategies compared; reads ``by_year`` (per strategy and year: delivered compute,
        capital need) and ``table`` (the order of the strategies).
    money : Money, optional
        As for :func:`strategy_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels sharing the year axis, one line per strategy in each, in the strategy's
        colour and dash (:data:`STRATEGY_COLORS`, :data:`STRATEGY_DASHES`): top, the new compute
        delivered [H100e]; bottom, the capital needed (capex − grants + reservation fees +
        acquisition prices, in ``money``, undiscounted). A strategy has one legend entry for both.

    Examples
    --------
    >>> import fabnet
    >>> result = fabnet.compare("altman-2024", strategies=["own-build", "design-only"])
    >>> [trace.name for trace in strategy_timeline_figure(result).data]
    ['own-build', 'design-only', 'own-build', 'design-only']
    """
    go, make_subplots = plotly_modules()
    money = money or _money(comparison)
    by_year = comparison.by_year
    strategies = _strategies(comparison)
    years = years_of(by_year["year"], comparison.scenario.years)
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.55, 0.45],
        vertical_spacing=0.13,
        subplot_titles=[
            "New compute delivered per year [H100e]",
            money.header("Capital needed per year", "undiscounted"),
        ],
    )
    for row, key, hover, scale in (
        (1, "delivered_h100e", "%{fullData.name}: %{y:,.3s} H100e<extra>%{x}</extra>", 1.0),
        (2, "capital_need_musd", money_hover(money), money.musd),
    ):
        for strategy in strategies:
            part = by_year[by_year["strategy"].astype(str) == strategy].groupby("year")[key]
            figure.add_trace(
                go.Scatter(
                    x=years,
                    y=part.sum().reindex(years).to_numpy(dtype=float) / scale,
                    name=label(strategy),
                    legendgroup=f"strategy:{label(strategy)}",
                    showlegend=row == 1,
                    mode="lines+markers",
                    line={
                        "color": color_of(strategy, STRATEGY_COLORS),
                        "dash": STRATEGY_DASHES.get(strategy, "solid"),
                        "width": 2.5,
                    },
                    marker={"size": 5},
                    hovertemplate=hover,
                ),
                row=row,
                col=1,
            )
    layout = base_layout("The strategies over time")
    layout["margin"]["t"] = 90
    figure.update_layout(**layout, height=620, hovermode="x unified")
    figure.update_yaxes(rangemode="tozero", tickformat="~s", row=1, col=1)
    figure.update_yaxes(rangemode="tozero", tickformat=money.tickformat, row=2, col=1)
    figure.update_xaxes(dtick=1 if len(years) <= 12 else 2, showticklabels=True)
    if not strategies:
        note(figure, "No strategy was compared.")
    return figure


def milestone_year(columns: Iterable[object]) -> int | None:
    """The year of a ``delivered_by_<year>_h100e`` column among ``columns``, if any.

    Examples
    --------
    >>> milestone_year(["npv_cost_musd", "delivered_by_2030_h100e"]), milestone_year([])
    (2030, None)
    """
    for name in columns:
        match = _MILESTONE.match(str(name))
        if match:
            return int(match.group(1))
    return None


def _strategies(comparison: Comparison) -> list[str]:
    """The table's strategies in order, then any others of ``by_year``."""
    strategies = [str(strategy) for strategy in comparison.table.index]
    extra = sorted({str(s) for s in comparison.by_year["strategy"]} - set(strategies))
    return strategies + extra


def _money(comparison: Comparison) -> Money:
    """The money unit of ``comparison``'s report (:func:`fabnet.report._report.money_of`)."""
    from fabnet.report._money import MILLIONS
    from fabnet.report._report import money_of

    return money_of(comparison) or MILLIONS

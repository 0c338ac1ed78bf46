"""The figure of a stochastic plan: its cost and unserved compute in each world, and the
objectives RP, EEV and WS with the VSS and the EVPI.

It takes a stochastic plan (:class:`fabnet.risk.StochasticPlan`) and returns a new
:class:`plotly.graph_objects.Figure`; it reads no file and changes no global state, and plotly is
imported when it runs. Money is in the report's unit (``money``, :mod:`fabnet.report._money`),
discounted as the planner's objective is, compute in H100e; text from data is HTML-escaped, as in
:mod:`fabnet.report.gap_figures`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from fabnet.report._format import as_float, compact, label, number
from fabnet.report._palette import SERIES_COLORS, SOURCE_COLORS
from fabnet.report._plotting import HOVERTEXT, base_layout, note, plotly_modules

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.planning import StochasticPlan
    from fabnet.report._money import Money

__all__ = ["STOCHASTIC_COLORS", "ZOOM_SPREAD", "objectives_range", "stochastic_figure"]

#: Where RP, EEV and WS lie within this share of the largest of them, their axis starts near
#: the smallest rather than at zero, so that their differences show.
ZOOM_SPREAD = 0.2

#: The stochastic plan (blue), the expected-value plan (orange) and wait-and-see (bluish green).
STOCHASTIC_COLORS: dict[str, str] = {
    "RP": SERIES_COLORS["delivered"],
    "EEV": SOURCE_COLORS["debt"],
    "WS": SOURCE_COLORS["grants"],
}


def stochastic_figure(stochastic: StochasticPlan, money: Money | None = None) -> go.Figure:
    """The stochastic plan's cost and unserved compute in each world, and RP, EEV and WS.

    Parameters
    ----------
    stochastic : StochasticPlan
        A stochastic plan; reads ``by_scenario`` (per world ``cost_musd``,
        ``unserved_h100e``, ``modules``, and where present ``eev_cost_musd`` and
        ``ws_cost_musd``), ``expected_cost_musd``, ``cvar_musd``, ``rp``, ``eev``, ``ws``,
        ``vss`` and ``evpi``.
    money : Money, optional
        The unit of the money panels and hovers (default: chosen by the magnitude of RP, EEV
        and WS, :func:`fabnet.report._money.money_unit`).

    Returns
    -------
    plotly.graph_objects.Figure
        Three panels. Left (in ``money``): the stochastic plan's cost per world (blue bars), the
        expected-value plan's (orange open diamonds) and the wait-and-see cost (green open
        circles) where ``by_scenario`` has them, and the expected cost (dashed black) and the
        CVaR of the cost (dotted vermillion) as lines across the worlds. Middle [H100e]: the
        compute unserved per world (vermillion bars). Right (in ``money``): the objectives RP,
        EEV and WS as bars labelled with their values (a value that is not finite has no bar;
        its label says ∞ or —), on an axis that starts near the smallest of them where they lie
        close together (:func:`objectives_range`); a dotted line at RP, and arrows from it to
        EEV (labelled with the VSS) and to WS (the EVPI); the panel's title says when its axis
        does not start at zero. VSS and EVPI are in the title too.

    Examples
    --------
    >>> from fabnet.report._money import BILLIONS
    >>> objectives_range([60000.0, 64000.0, 55000.0], BILLIONS)
    [50.5, 67.15]
    """
    from fabnet.report._money import money_unit

    go, make_subplots = plotly_modules()
    money = money or money_unit([stochastic.rp, stochastic.eev, stochastic.ws])
    by = stochastic.by_scenario
    worlds = [label(world) for world in by.index]
    count = len(worlds)
    span = objectives_range([stochastic.rp, stochastic.eev, stochastic.ws], money)
    zoomed = " (axis not from zero)" if span is not None else ""
    figure = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.45, 0.3, 0.25],
        horizontal_spacing=0.07,
        subplot_titles=[
            money.header("Cost per world"),
            "Unserved compute per world [H100e]",
            money.header("RP, EEV and WS") + zoomed,
        ],
    )
    hover = [
        f"<b>world {world}</b><br>cost {money.amount(row['cost_musd'])} · unserved "
        f"{compact(row['unserved_h100e'])} H100e · {number(row.get('modules'))} modules"
        for world, (_, row) in zip(worlds, by.iterrows(), strict=True)
    ]
    figure.add_trace(
        go.Bar(
            x=worlds,
            y=money.of(_finite(by["cost_musd"])),
            name="Stochastic plan: cost",
            legendgroup="rp",
            marker={"color": STOCHASTIC_COLORS["RP"]},
            hovertext=hover,
            hovertemplate=HOVERTEXT,
        ),
        row=1,
        col=1,
    )
    for name, column, key, symbol in (
        ("Expected-value plan: cost", "eev_cost_musd", "EEV", "diamond-open"),
        ("Wait-and-see: cost", "ws_cost_musd", "WS", "circle-open"),
    ):
        if column not in by.columns:
            continue
        figure.add_trace(
            go.Scatter(
                x=worlds,
                y=money.of(_finite(by[column])),
                name=name,
                legendgroup=key.lower(),
                mode="markers",
                marker={"symbol": symbol, "size": 11, "color": STOCHASTIC_COLORS[key],
                        "line": {"width": 2, "color": STOCHASTIC_COLORS[key]}},
                hovertemplate=f"{name}: {money.hover()}<extra>world %{{x}}</extra>",
            ),
            row=1,
            col=1,
        )  # fmt: skip
    for name, value, color, dash in (
        ("Expected cost", stochastic.expected_cost_musd, SERIES_COLORS["wanted"], "dash"),
        ("CVaR of cost", stochastic.cvar_musd, SERIES_COLORS["unserved"], "dot"),
    ):
        figure.add_trace(
            go.Scatter(
                x=worlds,
                y=[money.of(_finite_value(value))] * count,
                name=name,
                legendgroup=name.lower(),
                mode="lines",
                line={"color": color, "width": 2, "dash": dash},
                hovertemplate=f"{name}: {money.hover()}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    figure.add_trace(
        go.Bar(
            x=worlds,
            y=_finite(by["unserved_h100e"]),
            name="Stochastic plan: unserved",
            legendgroup="unserved",
            marker={"color": SERIES_COLORS["unserved"]},
            hovertext=hover,
            hovertemplate=HOVERTEXT,
        ),
        row=1,
        col=2,
    )
    objectives = [("RP", stochastic.rp), ("EEV", stochastic.eev), ("WS", stochastic.ws)]
    figure.add_trace(
        go.Bar(
            x=[key for key, _ in objectives],
            y=[money.of(_finite_value(value)) for _, value in objectives],
            name="Objective",
            marker={"color": [STOCHASTIC_COLORS[key] for key, _ in objectives]},
            text=[_objective(value, money) for _, value in objectives],
            textposition="outside",
            cliponaxis=False,
            hovertext=[f"<b>{key}</b>: {_objective(value, money)}" for key, value in objectives],
            hovertemplate=HOVERTEXT,
            showlegend=False,
        ),
        row=1,
        col=3,
    )
    layout = base_layout(
        f"The stochastic plan over {count} world{'s' if count != 1 else ''}"
        f"<br><sup>VSS = EEV − RP = {_objective(stochastic.vss, money)}; EVPI = RP − WS = "
        f"{_objective(stochastic.evpi, money)}</sup>"
    )
    layout["margin"]["t"] = 100
    figure.update_layout(
        **layout,
        height=500,
        barmode="overlay",
        hovermode="closest",
        legend={"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0.0, "xanchor": "left"},
    )
    figure.update_xaxes(type="category")
    figure.update_yaxes(rangemode="tozero", tickformat=money.tickformat, row=1, col=1)
    figure.update_yaxes(rangemode="tozero", tickformat="~s", row=1, col=2)
    if span is None:
        figure.update_yaxes(rangemode="tozero", tickformat=money.tickformat, row=1, col=3)
    else:
        figure.update_yaxes(range=span, tickformat=money.tickformat, row=1, col=3)
    _mark_differences(figure, stochastic, money)
    if not worlds:
        note(figure, "No world was sampled.")
    return figure


def objectives_range(values: list[float], money: Money) -> list[float] | None:
    """The axis range (in ``money``) of RP, EEV and WS (``values`` [musd]) where they lie close
    together: all finite and positive, within :data:`ZOOM_SPREAD` of the largest. From half
    their spread below the smallest (not below zero) to 0.35 of it above the largest (room for
    the labels); a spread of zero counts as 1 % of the largest. None (start at zero) otherwise.
    """
    finite = [_finite_value(value) for value in values]
    if not finite or any(math.isnan(v) or v <= 0 for v in finite):
        return None
    low, high = min(finite), max(finite)
    if high - low >= ZOOM_SPREAD * high:
        return None
    spread = max(high - low, 0.01 * high)
    return [
        round(float(money.of(max(low - 0.5 * spread, 0.0))), 6),
        round(float(money.of(high + 0.35 * spread)), 6),
    ]


def _mark_differences(figure: go.Figure, stochastic: StochasticPlan, money: Money) -> None:
    """On the RP, EEV and WS panel: a dotted line at RP, an arrow from it to EEV labelled with
    the VSS and one to WS labelled with the EVPI (where both ends are finite)."""
    rp = _finite_value(stochastic.rp)
    if math.isnan(rp):
        return
    figure.add_shape(
        type="line",
        xref="x3",
        yref="y3",
        x0=-0.5,
        x1=2.5,
        y0=money.of(rp),
        y1=money.of(rp),
        line={"color": STOCHASTIC_COLORS["RP"], "width": 1.5, "dash": "dot"},
    )
    for name, other, where, value in (
        ("VSS", stochastic.eev, 0.5, stochastic.vss),
        ("EVPI", stochastic.ws, 1.5, stochastic.evpi),
    ):
        end = _finite_value(other)
        if math.isnan(end):
            continue
        figure.add_annotation(
            xref="x3",
            yref="y3",
            axref="x3",
            ayref="y3",
            x=where,
            y=money.of(end),
            ax=where,
            ay=money.of(rp),
            text="",
            showarrow=True,
            arrowhead=2,
            arrowside="end",
            arrowwidth=1.5,
            arrowcolor="#333333",
        )
        figure.add_annotation(
            xref="x3",
            yref="y3",
            x=where,
            y=money.of((rp + end) / 2),
            text=f"{name}<br>{_objective(value, money)}",
            showarrow=False,
            xanchor="center",
            bgcolor="rgba(255,255,255,0.85)",
            font={"size": 11},
        )


def _objective(musd: object, money: Money) -> str:
    """An objective (or VSS, EVPI) in ``money``; ∞ where infinite, — where missing."""
    value = as_float(musd)
    if value is not None and math.isinf(value):
        return number(value)
    return money.amount(musd)


def _finite(values: pd.Series[Any]) -> list[float]:
    """``values`` as floats, NaN where not finite (plotly cannot draw ∞)."""
    return [_finite_value(value) for value in values]


def _finite_value(value: object) -> float:
    """``value`` as a float, NaN when missing or not finite."""
    number_ = as_float(value)
    return number_ if number_ is not None and math.isfinite(number_) else math.nan

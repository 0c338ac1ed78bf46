"""The figure of a stochastic plan: its cost and unserved compute in each world, and the
objectives RP, EEV and WS with the VSS and the EVPI.

It takes a stochastic plan (:class:`fabnet.risk.StochasticPlan`) and returns a new
:class:`plotly.graph_objects.Figure`; it reads no file and changes no global state, and plotly is
imported when it runs. Money is in musd (million US dollars), discounted as the planner's
objective is, compute in H100e; text from data is HTML-escaped, as in
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

__all__ = ["STOCHASTIC_COLORS", "stochastic_figure"]

#: The stochastic plan (blue), the expected-value plan (orange) and wait-and-see (bluish green).
STOCHASTIC_COLORS: dict[str, str] = {
    "RP": SERIES_COLORS["delivered"],
    "EEV": SOURCE_COLORS["debt"],
    "WS": SOURCE_COLORS["grants"],
}


def stochastic_figure(stochastic: StochasticPlan) -> go.Figure:
    """The stochastic plan's cost and unserved compute in each world, and RP, EEV and WS.

    Parameters
    ----------
    stochastic : StochasticPlan
        A stochastic plan; reads ``by_scenario`` (per world ``cost_musd``,
        ``unserved_h100e``, ``modules``, and where present ``eev_cost_musd`` and
        ``ws_cost_musd``), ``expected_cost_musd``, ``cvar_musd``, ``rp``, ``eev``, ``ws``,
        ``vss`` and ``evpi``.

    Returns
    -------
    plotly.graph_objects.Figure
        Three panels. Left [musd]: the stochastic plan's cost per world (blue bars), the
        expected-value plan's (orange open diamonds) and the wait-and-see cost (green open
        circles) where ``by_scenario`` has them, and the expected cost (dashed black) and the
        CVaR of the cost (dotted vermillion) as lines across the worlds. Middle [H100e]: the
        compute unserved per world (vermillion bars). Right [musd]: the objectives RP, EEV and
        WS as bars labelled with their values (a value that is not finite has no bar; its label
        says ∞ or —). VSS and EVPI are in the title.
    """
    go, make_subplots = plotly_modules()
    by = stochastic.by_scenario
    worlds = [label(world) for world in by.index]
    count = len(worlds)
    figure = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.45, 0.3, 0.25],
        horizontal_spacing=0.07,
        subplot_titles=[
            "Cost per world [musd]",
            "Unserved compute per world [H100e]",
            "RP, EEV and WS [musd]",
        ],
    )
    hover = [
        f"<b>world {world}</b><br>cost {number(row['cost_musd'])} musd · unserved "
        f"{compact(row['unserved_h100e'])} H100e · {number(row.get('modules'))} modules"
        for world, (_, row) in zip(worlds, by.iterrows(), strict=True)
    ]
    figure.add_trace(
        go.Bar(
            x=worlds,
            y=_finite(by["cost_musd"]),
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
                y=_finite(by[column]),
                name=name,
                legendgroup=key.lower(),
                mode="markers",
                marker={"symbol": symbol, "size": 11, "color": STOCHASTIC_COLORS[key],
                        "line": {"width": 2, "color": STOCHASTIC_COLORS[key]}},
                hovertemplate=f"{name}: %{{y:,.0f}} musd<extra>world %{{x}}</extra>",
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
                y=[_finite_value(value)] * count,
                name=name,
                legendgroup=name.lower(),
                mode="lines",
                line={"color": color, "width": 2, "dash": dash},
                hovertemplate=f"{name}: %{{y:,.0f}} musd<extra></extra>",
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
            y=[_finite_value(value) for _, value in objectives],
            name="Objective",
            marker={"color": [STOCHASTIC_COLORS[key] for key, _ in objectives]},
            text=[number(value) for _, value in objectives],
            textposition="outside",
            cliponaxis=False,
            hovertext=[f"<b>{key}</b>: {number(value)} musd" for key, value in objectives],
            hovertemplate=HOVERTEXT,
            showlegend=False,
        ),
        row=1,
        col=3,
    )
    layout = base_layout(
        f"The stochastic plan over {count} world{'s' if count != 1 else ''}"
        f"<br><sup>VSS = EEV − RP = {number(stochastic.vss)} musd; EVPI = RP − WS = "
        f"{number(stochastic.evpi)} musd</sup>"
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
    figure.update_yaxes(rangemode="tozero", tickformat=",.0f", row=1, col=1)
    figure.update_yaxes(rangemode="tozero", tickformat="~s", row=1, col=2)
    figure.update_yaxes(rangemode="tozero", tickformat=",.0f", row=1, col=3)
    if not worlds:
        note(figure, "No world was sampled.")
    return figure


def _finite(values: pd.Series[Any]) -> list[float]:
    """``values`` as floats, NaN where not finite (plotly cannot draw ∞)."""
    return [_finite_value(value) for value in values]


def _finite_value(value: object) -> float:
    """``value`` as a float, NaN when missing or not finite."""
    number_ = as_float(value)
    return number_ if number_ is not None and math.isfinite(number_) else math.nan

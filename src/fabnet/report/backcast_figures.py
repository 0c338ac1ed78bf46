"""Figures of the backcast report: new compute per year against the record, and the coverage of
CoWoS and HBM with the years the record says they were sold out.

Each function takes a backcast (:class:`fabnet.outlook.Backcast`) and returns a new
:class:`plotly.graph_objects.Figure`; none of them reads a file or changes global state. Plotly is
imported when a function runs, not when this module is imported.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from fabnet.report._format import is_missing, label
from fabnet.report._palette import OTHER_COLOR, RESOURCE_COLORS, SERIES_COLORS, color_of
from fabnet.report._plotting import base_layout, plotly_modules

if TYPE_CHECKING:
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.outlook import Backcast

__all__ = ["backcast_compute_figure", "backcast_coverage_figure"]

#: What the record says of a year, as the hover and the marker show it.
_RECORD_SAYS = {True: "sold out", False: "not short", None: "no record"}


def backcast_compute_figure(result: Backcast) -> go.Figure:
    """New compute per year: the record's median with its p5–p95 band, and fabnet's.

    Parameters
    ----------
    result : Backcast
        A backcast; reads ``compute`` (indexed by year: ``record_h100e``, ``record_p5_h100e``,
        ``record_p95_h100e``, ``new_h100e``, ``deliverable_h100e``, ``ratio``) and ``tolerance``.

    Returns
    -------
    plotly.graph_objects.Figure
        Three traces [H100e]: the record as bars with p5–p95 whiskers, and beside them fabnet's
        deliverable compute (hover: the ratio) with the new compute wanted but not deliverable
        hatched on top.

    Examples
    --------
    >>> from fabnet.outlook import backcast
    >>> [trace.name for trace in backcast_compute_figure(backcast("altman-2024")).data]
    ['Record (Epoch AI, p5–p95)', 'fabnet: deliverable', 'fabnet: wanted, not deliverable']
    """
    go, _ = plotly_modules()
    compute = result.compute.sort_index()
    years = [int(year) for year in compute.index]
    median = compute["record_h100e"].to_numpy(dtype=float)
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=years,
            y=median,
            name="Record (Epoch AI, p5–p95)",
            offsetgroup="record",
            marker={"color": OTHER_COLOR},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": compute["record_p95_h100e"].to_numpy(dtype=float) - median,
                "arrayminus": median - compute["record_p5_h100e"].to_numpy(dtype=float),
                "color": "#444444",
            },
            customdata=[label(v) for v in compute["record_vendors"]],
            hovertemplate="record: %{y:,.3s} H100e<br>vendors: %{customdata}<extra>%{x}</extra>",
        )
    )
    deliverable = compute["deliverable_h100e"].to_numpy(dtype=float)
    short = compute["new_h100e"].to_numpy(dtype=float) - deliverable
    figure.add_trace(
        go.Bar(
            x=years,
            y=deliverable,
            name="fabnet: deliverable",
            offsetgroup="fabnet",
            marker={"color": SERIES_COLORS["deliverable"]},
            customdata=compute["ratio"].to_numpy(dtype=float),
            hovertemplate="fabnet: %{y:,.3s} H100e (×%{customdata:.2f} the record)"
            "<extra>%{x}</extra>",
        )
    )
    figure.add_trace(
        go.Bar(
            x=years,
            y=[value if value > 0 else None for value in short],  # no bar where none is short
            base=deliverable,
            name="fabnet: wanted, not deliverable",
            offsetgroup="fabnet",
            marker={
                "color": "rgba(0, 0, 0, 0)",
                "line": {"color": SERIES_COLORS["shortfall"], "width": 1.5},
                "pattern": {"shape": "/", "fgcolor": SERIES_COLORS["shortfall"]},
            },
            hovertemplate="short: %{y:,.3s} H100e<extra>%{x}</extra>",
        )
    )
    figure.update_layout(
        **base_layout(
            "New AI compute per year: the record and fabnet [H100e]"
            f"<br><sup>reproduced when fabnet is within ±{result.tolerance * 100:g} % of the"
            " record's median; the record leaves out China's domestic suppliers</sup>"
        ),
        height=440,
        barmode="group",
        hovermode="closest",
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
        yaxis={"title": {"text": "H100e per year"}, "tickformat": "~s", "rangemode": "tozero"},
        xaxis={"title": {"text": "year"}, "dtick": 1},
    )
    return figure


def backcast_coverage_figure(result: Backcast) -> go.Figure:
    """Coverage (AI supply ÷ demand) of each resource per year, and what the record says.

    Parameters
    ----------
    result : Backcast
        A backcast; reads ``resources`` (per year and resource: ``coverage`` and
        ``record_short``).

    Returns
    -------
    plotly.graph_objects.Figure
        One line per resource [ratio]; its markers are filled diamonds in the years the record
        says the resource was sold out and open circles otherwise. A dashed line marks coverage
        1: below it fabnet is short too.

    Examples
    --------
    >>> from fabnet.outlook import backcast
    >>> [trace.name for trace in backcast_coverage_figure(backcast("altman-2024")).data]
    ['COWOS', 'HBM']
    """
    go, _ = plotly_modules()
    figure = go.Figure()
    rows = result.resources
    peak = 1.0
    for resource in dict.fromkeys(rows["resource"]):
        part = rows[rows["resource"] == resource].sort_values("year")
        flags = [None if is_missing(v) else bool(v) for v in part["record_short"].tolist()]
        coverage = part["coverage"].to_numpy(dtype=float)
        peak = max([peak, *(c for c in coverage if math.isfinite(c))])
        figure.add_trace(
            go.Scatter(
                x=[int(year) for year in part["year"]],
                y=coverage,
                name=label(resource),
                mode="lines+markers",
                line={"color": color_of(str(resource), RESOURCE_COLORS), "width": 2.5},
                marker={
                    "size": 13,
                    "symbol": ["diamond" if flag else "circle-open" for flag in flags],
                },
                customdata=[_RECORD_SAYS[flag] for flag in flags],
                hovertemplate="%{fullData.name}: coverage %{y:.2f}<br>record: %{customdata}"
                "<extra>%{x}</extra>",
            )
        )
    figure.add_hline(
        y=1.0,
        line={"dash": "dash", "color": SERIES_COLORS["shortfall"]},
        annotation_text="supply = demand (below: short)",
        annotation_position="bottom right",
    )
    figure.update_layout(
        **base_layout(
            "CoWoS and HBM: fabnet's coverage (AI supply ÷ demand)"
            "<br><sup>filled diamonds: the years the record says sold out, where coverage"
            " should be ≤ 1</sup>"
        ),
        height=420,
        hovermode="closest",
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
        yaxis={"title": {"text": "coverage"}, "range": [0.0, 1.1 * peak]},
        xaxis={"title": {"text": "year"}, "dtick": 1},
    )
    return figure

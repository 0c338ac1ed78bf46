"""Figures of the gap report: supply against demand per resource, the compute shortfall, and
the map of fabs and candidate sites.

Each function takes a gap result (:class:`fabnet.outlook.GapResult`) and returns a new
:class:`plotly.graph_objects.Figure`; none of them reads a file or changes global state. Plotly is
imported when a function runs, not when this module is imported.

Text that comes from data (names, operators, resources) is HTML-escaped before it goes into a
figure: plotly.js renders a small subset of HTML in labels and decodes the entities back, so a
name shows as written and never becomes markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabnet.report._format import compact, label, number
from fabnet.report._palette import (
    RESOURCE_COLORS,
    SERIES_COLORS,
    SITE_COLOR,
    STATUS_SYMBOLS,
    color_of,
    ordered,
)
from fabnet.report._plotting import (
    KEY_MARGIN_PX,
    base_layout,
    demand_trace,
    geo_layout,
    legend_entry,
    marker_sizes,
    plotly_modules,
    region_areas,
    resource_panels,
    size_key,
    size_key_values,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.outlook import GapResult

__all__ = ["fab_map_figure", "shortfall_figure", "supply_demand_figure"]

#: The grey of the map's keys that stand for every resource: status shapes, marker sizes.
KEY_COLOR = "#555555"


def supply_demand_figure(gap: GapResult) -> go.Figure:
    """AI supply stacked by region against demand, one panel per resource.

    Parameters
    ----------
    gap : GapResult
        A gap result; reads ``table`` (demand per year and resource), ``supply`` (AI capacity
        ``ai_capacity_wspm`` per year and fab, with its ``region``) and ``years``.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per resource in process order (:data:`~fabnet.report._palette.RESOURCE_ORDER`),
        :data:`~fabnet.report._plotting.FACET_COLUMNS` to a row, sharing the year axis. In
        each panel, one stacked area per region that supplies the resource in some year [wspm],
        then the demand line [wspm]. A region keeps its colour and legend entry across panels.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> figure = supply_demand_figure(gap("altman-2024"))
    >>> len([t for t in figure.data if t.name == "Demand"])
    7
    """
    years = [int(year) for year in gap.years]
    panels = resource_panels(gap.table)
    supply = (
        gap.supply.groupby(["resource", "region", "year"])["ai_capacity_wspm"].sum().sort_index()
    )
    in_legend: set[str] = set()
    for index, (resource, place) in enumerate(zip(panels.resources, panels.places, strict=True)):
        for area in region_areas(supply, resource, years, in_legend=in_legend):
            panels.figure.add_trace(area, **place)
        panels.figure.add_trace(demand_trace(gap.table, resource, years, first=index == 0), **place)
    return panels.finish(
        "AI wafer supply by region vs demand [wspm, 300 mm wafer starts/month]", years
    )


def shortfall_figure(gap: GapResult) -> go.Figure:
    """New compute wanted and deliverable per year, and the shortfall, with the binding resource.

    Parameters
    ----------
    gap : GapResult
        A gap result; reads ``compute`` (indexed by year: ``new_h100e``,
        ``deliverable_h100e``, ``shortfall_h100e``, ``binding``).

    Returns
    -------
    plotly.graph_objects.Figure
        Three traces [H100e]: the shortfall as bars labelled with the binding resource where
        there is one, then the new compute wanted and the compute deliverable as lines. Every
        hover names the binding resource of the year.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> [trace.name for trace in shortfall_figure(gap("altman-2024")).data]
    ['Shortfall', 'New compute wanted', 'Deliverable']
    """
    go, _ = plotly_modules()
    compute = gap.compute.sort_index()
    years = [int(year) for year in compute.index]
    binding = [label(value) for value in compute["binding"]]
    shortfall = compute["shortfall_h100e"].to_numpy(dtype=float)
    hover = "%{fullData.name}: %{y:,.3s} H100e<br>binding: %{customdata}<extra>%{x}</extra>"
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=years,
            y=shortfall,
            name="Shortfall",
            marker={"color": SERIES_COLORS["shortfall"]},
            text=[
                name if short > 0 else "" for name, short in zip(binding, shortfall, strict=True)
            ],
            textposition="outside",
            textfont={"size": 11},
            customdata=binding,
            hovertemplate=hover,
            cliponaxis=False,
        )
    )
    for column, name, dash in (
        ("new_h100e", "New compute wanted", "dash"),
        ("deliverable_h100e", "Deliverable", "solid"),
    ):
        key = "wanted" if column == "new_h100e" else "deliverable"
        figure.add_trace(
            go.Scatter(
                x=years,
                y=compute[column].to_numpy(dtype=float),
                name=name,
                mode="lines+markers",
                line={"color": SERIES_COLORS[key], "width": 2.5, "dash": dash},
                customdata=binding,
                hovertemplate=hover,
            )
        )
    figure.update_layout(
        **base_layout(
            "New AI compute per year: wanted, deliverable and short [H100e]"
            "<br><sup>bar labels: the binding (lowest-coverage) resource</sup>"
        ),
        height=460,
        hovermode="closest",
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
        yaxis={"title": {"text": "H100e per year"}, "tickformat": "~s", "rangemode": "tozero"},
        xaxis={"title": {"text": "year"}, "dtick": 1 if len(years) <= 12 else 2},
    )
    return figure


def fab_map_figure(gap: GapResult) -> go.Figure:
    """World map of the fabs (by resource and status) and the scenario's candidate sites.

    Parameters
    ----------
    gap : GapResult
        A gap result; reads ``supply`` (one row per year and fab, with ``lat``/``lon``, which
        may be NaN) and ``scenario.sites``.

    Returns
    -------
    plotly.graph_objects.Figure
        A ``scattergeo`` figure on the "natural earth" projection at resolution 110 (so plotly.js
        looks up the ``world_110m`` topojson). Traces: per resource with located fabs, the fabs
        (marker area proportional to the fab's peak capacity, symbol by status; not in the
        legend) and a legend-only swatch that toggles them; one legend-only entry per status
        present; and the candidate sites as stars. Under the map, a key of marker sizes (about a
        tenth, a half and all of the largest peak capacity [wspm],
        :func:`fabnet.report._plotting.size_key`). Fabs without coordinates are counted in the
        subtitle.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> figure = fab_map_figure(gap("altman-2024"))
    >>> figure.layout.geo.resolution, figure.layout.geo.projection.type
    (110, 'natural earth')
    """
    go, _ = plotly_modules()
    fabs = _fab_table(gap)
    located = fabs.dropna(subset=["lat", "lon"])
    peak = float(located["capacity_wspm"].max()) if len(located) else 0.0
    figure = go.Figure()
    for resource in ordered(located["resource"]):
        part = located[located["resource"] == resource].sort_values(
            "capacity_wspm", ascending=False
        )  # the big ones first, so that the small ones are drawn on top
        color = color_of(resource, RESOURCE_COLORS)
        sizes = marker_sizes(part["capacity_wspm"].to_numpy(dtype=float), peak)
        group = f"resource:{label(resource)}"
        title = "" if figure.data else "Fabs by resource"  # one heading over the swatches
        figure.add_trace(
            go.Scattergeo(
                lat=part["lat"].to_numpy(dtype=float),
                lon=part["lon"].to_numpy(dtype=float),
                name=label(resource),
                legendgroup=group,
                showlegend=False,
                mode="markers",
                marker={
                    "size": sizes,
                    "color": color,
                    "symbol": [STATUS_SYMBOLS.get(s, "square") for s in part["status"]],
                    "line": {"width": 1.5, "color": color},
                    "opacity": 0.8,
                },
                hovertext=[_fab_hover(row) for row in part.itertuples(index=False)],
                hoverinfo="text",
            )
        )
        # The legend shows a trace's first marker; a swatch keeps it a plain dot of the colour.
        figure.add_trace(legend_entry(go, label(resource), group, title, color=color))
    for status in ordered(located["status"], order=STATUS_SYMBOLS):
        figure.add_trace(
            legend_entry(
                go,
                label(status),
                "status",
                "Status (marker shape)",
                color=KEY_COLOR,
                symbol=STATUS_SYMBOLS.get(status, "square"),
            )
        )
    sites = list(gap.scenario.sites)
    figure.add_trace(
        go.Scattergeo(
            lat=[float(site.lat) for site in sites],
            lon=[float(site.lon) for site in sites],
            name="Candidate sites",
            legendgroup="sites",
            legendgrouptitle={"text": "Scenario"},
            mode="markers",
            marker={
                "symbol": "star",
                "size": 13,
                "color": SITE_COLOR,
                "line": {"width": 1, "color": "#FFFFFF"},
            },
            hovertext=[_site_hover(site) for site in sites],
            hoverinfo="text",
        )
    )
    missing = len(fabs) - len(located)
    note = "marker area ∝ peak capacity"
    if missing:
        note += f"; {missing} fab{'s' if missing != 1 else ''} without coordinates not shown"
    layout = base_layout(f"Fabs and candidate sites<br><sup>{note}</sup>")
    layout["margin"]["b"] = KEY_MARGIN_PX
    values = size_key_values(peak)
    key = size_key(
        values,
        peak,
        "Peak capacity of a fab [wspm]:",
        [compact(value) for value in values],
        color=KEY_COLOR,
    )
    figure.update_layout(
        **layout,
        height=600,
        geo=geo_layout(),
        legend={"groupclick": "togglegroup", "itemsizing": "constant", "tracegroupgap": 2},
        **key,
    )
    return figure


def _fab_table(gap: GapResult) -> Any:
    """One row per fab: its first row's place and labels, and its peak capacity [wspm]."""
    supply = gap.supply.sort_values(["fab", "year"])
    first = supply.groupby("fab", sort=True).first()
    first["capacity_wspm"] = supply.groupby("fab", sort=True)["capacity_wspm"].max()
    first["ai_capacity_wspm"] = supply.groupby("fab", sort=True)["ai_capacity_wspm"].max()
    return first.reset_index()


def _fab_hover(row: Any) -> str:
    """Hover text of a fab (escaped)."""
    return "<br>".join(
        [
            f"<b>{label(row.name)}</b>",
            f"operator: {label(row.operator)}",
            f"resource: {label(row.resource)} · status: {label(row.status)}",
            f"country: {label(row.country)} ({label(row.region)})",
            f"peak capacity: {number(row.capacity_wspm)} wspm",
            f"peak AI capacity: {number(row.ai_capacity_wspm)} wspm",
        ]
    )


def _site_hover(site: Any) -> str:
    """Hover text of a candidate site (escaped)."""
    partners = ", ".join(label(p) for p in site.partners) or "—"
    return "<br>".join(
        [
            f"<b>{label(site.name)}</b> (candidate site)",
            f"id: {label(site.id)} · country: {label(site.country)}",
            f"partners: {partners}",
            f"max modules: {label(site.max_modules)}",
        ]
    )

"""Figures of the gap report: supply against demand per resource, the compute shortfall, and
the map of fabs and candidate sites.

Each function takes a gap result (:class:`fabnet.outlook.GapResult` or anything with the same
attributes, see :class:`~fabnet.report._types.GapLike`) and returns a new
:class:`plotly.graph_objects.Figure`; none of them reads a file or changes global state. Plotly is
imported when a function runs, not when this module is imported.

Text that comes from data (names, operators, resources) is HTML-escaped before it goes into a
figure: plotly.js renders a small subset of HTML in labels and decodes the entities back, so a
name shows as written and never becomes markup.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from fabnet.report._format import label, number
from fabnet.report._palette import (
    FONT_FAMILY,
    REGION_COLORS,
    RESOURCE_COLORS,
    SERIES_COLORS,
    SITE_COLOR,
    STATUS_SYMBOLS,
    color_of,
    ordered,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.report._types import GapLike

__all__ = ["fab_map_figure", "shortfall_figure", "supply_demand_figure"]

#: Panels per row of the supply–demand small multiples.
FACET_COLUMNS = 4

#: Marker diameter of the smallest and the largest fab on the map [px].
MARKER_PX = (5.0, 34.0)


def _plotly() -> tuple[Any, Any]:
    """``plotly.graph_objects`` and ``plotly.subplots.make_subplots``, imported on first use."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots  # type: ignore[import-untyped]

    return go, make_subplots


def _base_layout(title: str) -> dict[str, Any]:
    """Layout settings every figure shares: template, font, title, legend, margins."""
    return {
        "template": "plotly_white",
        "font": {"family": FONT_FAMILY, "size": 13},
        "title": {
            "text": title,
            "x": 0.0,
            "xanchor": "left",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "pad": {"t": 12},
        },
        "margin": {"l": 60, "r": 20, "t": 80, "b": 50},
        "hoverlabel": {"namelength": -1},
    }


def supply_demand_figure(gap: GapLike) -> go.Figure:
    """AI supply stacked by region against demand, one panel per resource.

    Parameters
    ----------
    gap : GapLike
        A gap result; reads ``table`` (demand per year and resource), ``supply`` (AI capacity
        ``ai_capacity_wspm`` per year and fab, with its ``region``) and ``years``.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per resource in process order (:data:`~fabnet.report._palette.RESOURCE_ORDER`),
        :data:`FACET_COLUMNS` to a row, sharing the year axis. In each panel, one stacked area
        per region that supplies the resource in some year [wspm], then the demand line [wspm].
        A region keeps its colour and legend entry across panels.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> figure = supply_demand_figure(gap("altman-2024"))
    >>> len([t for t in figure.data if t.name == "Demand"])
    7
    """
    go, make_subplots = _plotly()
    years = [int(year) for year in gap.years]
    table = gap.table
    resources = ordered(table["resource"])
    category = table.drop_duplicates("resource").set_index("resource")["category"]
    supply = (
        gap.supply.groupby(["resource", "region", "year"])["ai_capacity_wspm"].sum().sort_index()
    )
    regions = ordered(supply.index.get_level_values("region"), order=REGION_COLORS)
    pairs = {(str(resource), str(region)) for resource, region, _ in supply.index}

    columns = max(1, min(FACET_COLUMNS, len(resources)))
    rows = max(1, math.ceil(len(resources) / columns))
    titles = [
        f"{label(resource)} · {label(category.get(resource, ''))} [wspm]" for resource in resources
    ]
    figure = make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes="all",
        subplot_titles=titles,
        horizontal_spacing=0.06,
        vertical_spacing=0.14 if rows > 1 else 0.0,
    )
    in_legend: set[str] = set()
    for index, resource in enumerate(resources):
        row, column = divmod(index, columns)
        place = {"row": row + 1, "col": column + 1}
        for region in regions:
            key = (resource, region)
            if key not in pairs:
                continue
            values = supply.loc[key].reindex(years, fill_value=0.0)
            if not (values > 0).any():
                continue
            color = color_of(region, REGION_COLORS)
            figure.add_trace(
                go.Scatter(
                    x=years,
                    y=values.to_numpy(dtype=float),
                    name=label(region),
                    legendgroup=f"region:{label(region)}",
                    showlegend=region not in in_legend,
                    legendrank=100 + regions.index(region),
                    stackgroup=f"supply:{label(resource)}",
                    mode="lines",
                    line={"width": 0.5, "color": color},
                    fillcolor=color,
                    hovertemplate="%{fullData.name}: %{y:,.0f} wspm<extra></extra>",
                ),
                **place,
            )
            in_legend.add(region)
        demand = (
            table[table["resource"] == resource].groupby("year")["demand_wspm"].sum().reindex(years)
        )
        figure.add_trace(
            go.Scatter(
                x=years,
                y=demand.to_numpy(dtype=float),
                name="Demand",
                legendgroup="demand",
                showlegend=index == 0,
                legendrank=1,
                mode="lines+markers",
                marker={"size": 4},
                line={"width": 2.5, "color": SERIES_COLORS["demand"]},
                hovertemplate="Demand: %{y:,.0f} wspm<extra></extra>",
            ),
            **place,
        )
    height = 130 + 260 * rows
    layout = _base_layout("AI wafer supply by region vs demand [wspm, 300 mm wafer starts/month]")
    layout["margin"]["t"] = 120
    figure.update_layout(
        **layout,
        height=height,
        hovermode="x unified",
        # Under the title and above the panel titles, in pixels from the top of the figure.
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1.0 - 44 / height,
            "yanchor": "top",
            "x": 0.0,
            "xanchor": "left",
        },
    )
    figure.update_yaxes(rangemode="tozero", tickformat="~s")
    figure.update_xaxes(showticklabels=True, dtick=2 if len(years) > 8 else 1)
    return figure


def shortfall_figure(gap: GapLike) -> go.Figure:
    """New compute wanted and deliverable per year, and the shortfall, with the binding resource.

    Parameters
    ----------
    gap : GapLike
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
    go, _ = _plotly()
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
        **_base_layout(
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


def fab_map_figure(gap: GapLike) -> go.Figure:
    """World map of the fabs (by resource and status) and the scenario's candidate sites.

    Parameters
    ----------
    gap : GapLike
        A gap result; reads ``supply`` (one row per year and fab, with ``lat``/``lon``, which
        may be NaN) and ``scenario.sites``.

    Returns
    -------
    plotly.graph_objects.Figure
        A ``scattergeo`` figure on the "natural earth" projection at resolution 110 (so plotly.js
        looks up the ``world_110m`` topojson). Traces: per resource with located fabs, the fabs
        (marker area proportional to the fab's peak capacity, symbol by status; not in the
        legend) and a legend-only swatch that toggles them; one legend-only entry per status
        present; and the candidate sites as stars. Fabs without coordinates are counted in the
        subtitle.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> figure = fab_map_figure(gap("altman-2024"))
    >>> figure.layout.geo.resolution, figure.layout.geo.projection.type
    (110, 'natural earth')
    """
    go, _ = _plotly()
    fabs = _fab_table(gap)
    located = fabs.dropna(subset=["lat", "lon"])
    peak = float(located["capacity_wspm"].max()) if len(located) else 0.0
    low, high = MARKER_PX
    figure = go.Figure()
    for resource in ordered(located["resource"]):
        part = located[located["resource"] == resource].sort_values(
            "capacity_wspm", ascending=False
        )  # the big ones first, so that the small ones are drawn on top
        color = color_of(resource, RESOURCE_COLORS)
        capacity = part["capacity_wspm"].to_numpy(dtype=float)
        sizes = [low + (high - low) * math.sqrt(c / peak) if peak > 0 else low for c in capacity]
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
        figure.add_trace(_legend_entry(go, label(resource), group, title, color=color))
    for status in ordered(located["status"], order=STATUS_SYMBOLS):
        figure.add_trace(
            _legend_entry(
                go,
                label(status),
                "status",
                "Status (marker shape)",
                color="#555555",
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
    figure.update_layout(
        **_base_layout(f"Fabs and candidate sites<br><sup>{note}</sup>"),
        height=560,
        geo={
            "scope": "world",
            "resolution": 110,
            "projection": {"type": "natural earth"},
            "showland": True,
            "landcolor": "#EEEEEE",
            "showcountries": True,
            "countrycolor": "#AAAAAA",
            "countrywidth": 0.5,
            "showcoastlines": True,
            "coastlinecolor": "#888888",
            "coastlinewidth": 0.5,
            "showocean": True,
            "oceancolor": "#F4F8FB",
            "showlakes": False,
            "showframe": False,
        },
        legend={"groupclick": "togglegroup", "itemsizing": "constant", "tracegroupgap": 2},
    )
    return figure


def _legend_entry(
    go: Any, name: str, group: str, title: str, *, color: str, symbol: str = "circle"
) -> Any:
    """A legend-only ``Scattergeo`` trace (no point): a swatch in legend group ``group``."""
    return go.Scattergeo(
        lat=[None],
        lon=[None],
        name=name,
        legendgroup=group,
        legendgrouptitle={"text": title},
        mode="markers",
        marker={
            "symbol": symbol,
            "size": 10,
            "color": color,
            "line": {"width": 1.5, "color": color},
        },
        hoverinfo="skip",
    )


def _fab_table(gap: GapLike) -> Any:
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

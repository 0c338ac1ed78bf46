"""Plotting pieces the figures of every report share: the lazy plotly import, the common layout,
the world basemap settings, legend swatches, marker sizes, stacked areas and bars, hover
templates, and the note on a figure with nothing to draw.

Nothing here reads data or a file; plotly is imported when :func:`plotly_modules` is called.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fabnet.report._format import label
from fabnet.report._palette import FONT_FAMILY, REGION_COLORS, SERIES_COLORS, color_of, ordered

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.report._money import Money

__all__ = [
    "FACET_COLUMNS",
    "HOVERTEXT",
    "KEY_MARGIN_PX",
    "MARKER_PX",
    "Panels",
    "base_layout",
    "demand_trace",
    "geo_layout",
    "legend_entry",
    "marker_sizes",
    "money_bars",
    "money_hover",
    "note",
    "plotly_modules",
    "reference_line",
    "region_areas",
    "resource_panels",
    "size_key",
    "size_key_values",
    "stacked_area",
]

#: Panels per row of the per-resource small multiples.
FACET_COLUMNS = 4

#: Marker diameter of the smallest and the largest point on a map [px].
MARKER_PX = (5.0, 34.0)

#: Bottom margin of a map with a key of its marker sizes under it (:func:`size_key`) [px].
KEY_MARGIN_PX = 100

#: Hover of a trace that carries its own hover text.
HOVERTEXT = "%{hovertext}<extra></extra>"


def plotly_modules() -> tuple[Any, Any]:
    """``plotly.graph_objects`` and ``plotly.subplots.make_subplots``, imported on first use."""
    import plotly.graph_objects as go  # type: ignore[import-untyped]
    from plotly.subplots import make_subplots  # type: ignore[import-untyped]

    return go, make_subplots


def base_layout(title: str) -> dict[str, Any]:
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


def geo_layout() -> dict[str, Any]:
    """The ``geo`` layout of every map: the world at resolution 110 on a natural-earth projection.

    plotly.js then looks the basemap up under ``world_110m`` in ``window.PlotlyGeoAssets``
    (see :mod:`fabnet.report._assets`), so the map draws offline.

    Examples
    --------
    >>> geo = geo_layout()
    >>> geo["scope"], geo["resolution"], geo["projection"]
    ('world', 110, {'type': 'natural earth'})
    """
    return {
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
    }


def legend_entry(
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


def marker_sizes(values: Iterable[float], peak: float) -> list[float]:
    """Marker diameters [px] whose areas are proportional to ``values``, ``peak`` the largest.

    Examples
    --------
    >>> marker_sizes([0.0, 25.0, 100.0], 100.0)
    [5.0, 19.5, 34.0]
    >>> marker_sizes([3.0], 0.0)
    [5.0]
    """
    low, high = MARKER_PX
    if not peak > 0:
        return [low for _ in values]
    return [low + (high - low) * math.sqrt(max(float(v), 0.0) / peak) for v in values]


def size_key_values(peak: float) -> list[float]:
    """Round values for the key of marker sizes on a map whose largest value is ``peak``: about
    a tenth, a half and all of it, each to one or two significant digits.

    Examples
    --------
    >>> size_key_values(120_000.0), size_key_values(12.0), size_key_values(1.0)
    ([10000.0, 60000.0, 120000.0], [1.0, 6.0, 12.0], [1.0])
    >>> size_key_values(0.0)
    []
    """
    if not peak > 0:
        return []

    def nice(value: float) -> float:
        rounded = float(f"{value:.1g}")
        return max(rounded, 1.0) if peak >= 1.0 else rounded

    found = sorted({nice(peak / 10.0), nice(peak / 2.0), float(f"{peak:.2g}")})
    return [value for value in found if 0 < value <= peak * 1.05]


def size_key(
    values: Iterable[float], peak: float, title: str, text: Iterable[str], *, color: str
) -> dict[str, list[dict[str, Any]]]:
    """The key of marker sizes on a map: a circle per value of the map's marker size
    (:func:`marker_sizes` of ``value`` and ``peak``), each labelled, under the map's lower left
    corner, after ``title``.

    The circles and labels are placed in pixels from the map's lower left corner (paper
    coordinates 0, 0), so the key keeps its size whatever the figure's width; the figure needs
    a bottom margin of :data:`KEY_MARGIN_PX` for it.

    Returns
    -------
    dict
        ``shapes`` (one circle per value) and ``annotations`` (the title and one label per
        value), to add to the figure's layout.
    """
    values = list(values)
    sizes = marker_sizes(values, peak)
    largest = max(sizes, default=0.0)
    gap = 14.0  # [px] from the map's bottom edge to the circles' bottom
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = [
        {
            "text": title,
            "xref": "paper",
            "yref": "paper",
            "x": 0.0,
            "y": 0.0,
            "xanchor": "left",
            "yanchor": "middle",
            "yshift": -(gap + largest / 2),
            "showarrow": False,
            "font": {"size": 12},
        }
    ]
    left = 8.0 * len(title) + 10.0  # [px] past the title (about 8 px a character)
    for size, words in zip(sizes, text, strict=True):
        centre = left + max(size, 24.0) / 2
        shapes.append(
            {
                "type": "circle",
                "xref": "paper",
                "yref": "paper",
                "xsizemode": "pixel",
                "ysizemode": "pixel",
                "xanchor": 0.0,
                "yanchor": 0.0,
                "x0": centre - size / 2,
                "x1": centre + size / 2,
                "y0": -(gap + largest / 2) - size / 2,
                "y1": -(gap + largest / 2) + size / 2,
                "fillcolor": color,
                "opacity": 0.6,
                "line": {"color": color, "width": 1},
            }
        )
        annotations.append(
            {
                "text": words,
                "xref": "paper",
                "yref": "paper",
                "x": 0.0,
                "y": 0.0,
                "xanchor": "center",
                "yanchor": "top",
                "xshift": centre,
                "yshift": -(gap + largest + 4),
                "showarrow": False,
                "font": {"size": 11},
            }
        )
        left = centre + max(size, 24.0) / 2 + 18.0
    return {"shapes": shapes, "annotations": annotations}


@dataclass(frozen=True)
class Panels:
    """Small multiples with one panel per resource: the figure and where each resource goes."""

    figure: Any
    resources: list[str]
    places: list[dict[str, int]]
    rows: int

    def finish(self, title: str, years: list[int]) -> Any:
        """Lay the figure out under ``title`` (legend under it, shared year axis); return it."""
        height = 130 + 260 * self.rows
        layout = base_layout(title)
        layout["margin"]["t"] = 120
        self.figure.update_layout(
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
        self.figure.update_yaxes(rangemode="tozero", tickformat="~s")
        self.figure.update_xaxes(showticklabels=True, dtick=2 if len(years) > 8 else 1)
        return self.figure


def resource_panels(table: pd.DataFrame) -> Panels:
    """An empty grid with a titled panel per resource of a gap ``table`` ([wspm] axes).

    The resources come in process order, :data:`FACET_COLUMNS` to a row, sharing the year axis;
    each title names the resource and its category (``table`` has ``resource`` and ``category``).
    """
    _, make_subplots = plotly_modules()
    resources = ordered(table["resource"])
    category = table.drop_duplicates("resource").set_index("resource")["category"]
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
    places = [
        {"row": index // columns + 1, "col": index % columns + 1} for index in range(len(resources))
    ]
    return Panels(figure, resources, places, rows)


def demand_trace(table: pd.DataFrame, resource: str, years: list[int], *, first: bool) -> Any:
    """The demand line [wspm] of ``resource`` in a gap ``table``; in the legend when ``first``."""
    demand = table[table["resource"] == resource].groupby("year")["demand_wspm"].sum()
    values = demand.reindex(years).to_numpy(dtype=float)
    return reference_line(years, values, name="Demand", group="demand", first=first)


def reference_line(years: list[int], values: Any, *, name: str, group: str, first: bool) -> Any:
    """The black line [wspm] a panel's stacked supply is set against (the demand, a plan's
    wafer use), named ``name`` (escaped) in legend group ``group``; in the legend when
    ``first``."""
    go, _ = plotly_modules()
    return go.Scatter(
        x=years,
        y=values,
        name=name,
        legendgroup=group,
        showlegend=first,
        legendrank=1,
        mode="lines+markers",
        marker={"size": 4},
        line={"width": 2.5, "color": SERIES_COLORS["demand"]},
        hovertemplate=f"{name}: %{{y:,.0f}} wspm<extra></extra>",
    )


def stacked_area(
    years: list[int],
    values: Any,
    *,
    name: str,
    group: str,
    color: str,
    stack: str,
    rank: int,
    legend: bool,
) -> Any:
    """A stacked area [wspm] per year, filled with ``color``.

    ``name`` is the legend and hover name (escaped), ``group`` the legend group it shares with
    its namesakes in other panels, ``stack`` the stack group of its panel, ``rank`` its legend
    rank, and ``legend`` whether this trace holds the group's legend entry.
    """
    go, _ = plotly_modules()
    return go.Scatter(
        x=years,
        y=values,
        name=name,
        legendgroup=group,
        showlegend=legend,
        legendrank=rank,
        stackgroup=stack,
        mode="lines",
        line={"width": 0.5, "color": color},
        fillcolor=color,
        hovertemplate="%{fullData.name}: %{y:,.0f} wspm<extra></extra>",
    )


def region_areas(
    wspm: pd.Series[Any],
    resource: str,
    years: list[int],
    *,
    prefix: str = "",
    in_legend: set[str],
) -> list[Any]:
    """The stacked areas [wspm] of ``resource``, one per region with any capacity.

    Parameters
    ----------
    wspm : pandas.Series
        Capacity [wspm] indexed by (resource, region, year), sorted.
    resource : str
        The resource of the panel; its areas share the stack group ``supply:<resource>``.
    years : list of int
        The year axis; missing years count as zero.
    prefix : str
        Put before the region in the trace names (escaped HTML).
    in_legend : set of str
        The regions already in the legend; a trace holds the legend entry of a region that is
        not, and the region is added.

    Returns
    -------
    list of plotly.graph_objects.Scatter
        In the order of :data:`~fabnet.report._palette.REGION_COLORS`, each in its region's
        colour and legend group ``region:<region>``.
    """
    regions = ordered(wspm.index.get_level_values("region"), order=REGION_COLORS)
    pairs = {(str(res), str(region)) for res, region, _ in wspm.index}
    traces = []
    for rank, region in enumerate(regions):
        if (resource, region) not in pairs:
            continue
        values = wspm.loc[(resource, region)].reindex(years, fill_value=0.0)
        if not (values > 0).any():
            continue
        traces.append(
            stacked_area(
                years,
                values.to_numpy(dtype=float),
                name=f"{prefix}{label(region)}",
                group=f"region:{label(region)}",
                color=color_of(region, REGION_COLORS),
                stack=f"supply:{label(resource)}",
                rank=100 + rank,
                legend=region not in in_legend,
            )
        )
        in_legend.add(region)
    return traces


def money_hover(money: Money) -> str:
    """Hover of a bar or marker of money per year, in the report's unit.

    Examples
    --------
    >>> from fabnet.report._money import BILLIONS
    >>> money_hover(BILLIONS)
    '%{fullData.name}: $%{y:,.2f} B<extra>%{x}</extra>'
    """
    return f"%{{fullData.name}}: {money.hover()}<extra>%{{x}}</extra>"


def money_bars(
    years: list[int], values: pd.Series[Any], name: str, group: str, color: str, *, money: Money
) -> Any:
    """Bars of ``values`` [musd] per year (missing years: zero) in the unit ``money``, to stack,
    in the legend group titled ``group``; ``name`` is escaped HTML."""
    go, _ = plotly_modules()
    return go.Bar(
        x=years,
        y=money.of(values.reindex(years, fill_value=0.0).to_numpy(dtype=float)),
        name=name,
        legendgroup=group.lower(),
        legendgrouptitle={"text": group},
        marker={"color": color},
        hovertemplate=money_hover(money),
    )


def note(figure: Any, text: str) -> None:
    """Write ``text`` in the middle of ``figure``: what an empty figure says instead."""
    figure.add_annotation(
        text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font={"size": 15}
    )

"""Figures of a network plan: fab builds over time, new capacity against demand, the money, the
map of new modules, and the compute delivered with its shadow price.

Each function takes a plan (:class:`fabnet.planning.Plan`) and returns a new
:class:`plotly.graph_objects.Figure`; none reads a file or changes global state, and plotly is
imported when a function runs. Text from data is HTML-escaped, as in
:mod:`fabnet.report.gap_figures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabnet.report._format import label, number
from fabnet.report._frames import site_names, years_of
from fabnet.report._palette import (
    RESOURCE_COLORS,
    SERIES_COLORS,
    SITE_COLOR,
    SOURCE_COLORS,
    color_of,
    cycle_colors,
    ordered,
)
from fabnet.report._plotting import (
    KEY_MARGIN_PX,
    base_layout,
    geo_layout,
    marker_sizes,
    money_bars,
    money_hover,
    note,
    plotly_modules,
    reference_line,
    region_areas,
    resource_panels,
    size_key,
    size_key_values,
    stacked_area,
)

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.outlook import GapResult
    from fabnet.planning import Plan
    from fabnet.report._money import Money

__all__ = [
    "OPTIONS",
    "USE_COLUMNS",
    "build_gantt_figure",
    "capacity_demand_figure",
    "compute_outcome_figure",
    "money_figure",
    "new_fabs_map_figure",
    "wafer_use",
]

#: Capex sources in stacking order (bottom first), with their column in ``Plan.capex``.
SOURCES: tuple[tuple[str, str], ...] = (
    ("investors", "investors_musd"),
    ("grants", "grants_musd"),
    ("debt", "debt_musd"),
)

#: Height of one Gantt row [px].
GANTT_ROW_PX = 22

#: Capacity the plan reserves or acquires, stacked over its new modules: (name, column of
#: ``Plan.production``, colour).
OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("Reserved", "reserved_wspm", "#999999"),
    ("Acquired", "acquired_wspm", "#666666"),
)

#: The columns of ``Plan.production`` whose sum is the plan's wafer use [wspm]: wafers from
#: existing fabs, new modules, reserved and acquired capacity.
USE_COLUMNS = ("existing_wspm", "new_wspm", "reserved_wspm", "acquired_wspm")


def build_gantt_figure(plan: Plan, money: Money | None = None) -> go.Figure:
    """Fab builds over time: construction, then operation to the end of the horizon.

    Parameters
    ----------
    plan : Plan
        A plan; reads ``builds`` (one row per project and start year), ``scenario.sites`` (site
        names) and ``compute`` (the years).
    money : Money, optional
        The unit of the capex in the hovers (default: the plan's,
        :func:`fabnet.report._report.money_of`).

    Returns
    -------
    plotly.graph_objects.Figure
        One row per build, grouped by region and sorted by region, site, partner and start year
        (top to bottom), labelled ``region · site · partner · resource · start`` (unique, as
        a project is a site, partner and resource). Per resource two
        horizontal bar traces in the resource's colour: construction from ``start_year`` to
        ``online_year`` (hatched) and operation from ``online_year`` to the end of the last
        modelled year (solid), each bar labelled with its modules. Thin lines part the regions.

    Examples
    --------
    >>> from fabnet.planning import plan
    >>> figure = build_gantt_figure(plan("altman-2024", shadow_prices=False))
    >>> [trace.name for trace in figure.data][:4]
    ['A16 · construction', 'A16 · operating', 'HBM · construction', 'HBM · operating']
    """
    go, _ = plotly_modules()
    money = money or _money(plan)
    years = years_of(plan.compute["year"], plan.scenario.years)
    end = years[-1] + 1  # the end of the last modelled year
    builds = _sorted_builds(plan)
    names = site_names(plan.scenario)
    rows = [
        f"{label(b.region)} · {label(b.site)} · {label(b.partner)} · {label(b.resource)}"
        f" · {label(b.start_year)}"
        for b in builds.itertuples(index=False)
    ]
    figure = go.Figure()
    for resource in ordered(builds["resource"]):
        mask = (builds["resource"] == resource).to_numpy()
        part = builds[mask]
        color = color_of(resource, RESOURCE_COLORS)
        y = [row for row, keep in zip(rows, mask, strict=True) if keep]
        start = part["start_year"].to_numpy(dtype=float)
        online = part["online_year"].to_numpy(dtype=float).clip(max=end)
        hover = [_build_hover(b, names, money) for b in part.itertuples(index=False)]
        modules = [_modules(m) for m in part["modules"]]
        operates = online < end
        group = f"resource:{label(resource)}"
        for phase, base, length, text, pattern in (
            ("construction", start, online - start, [m if not o else "" for m, o in zip(
                modules, operates, strict=True)], {"shape": "/", "fgcolor": color,
                "bgcolor": "#FFFFFF", "solidity": 0.35}),
            ("operating", online, end - online, [m if o else "" for m, o in zip(
                modules, operates, strict=True)], None),
        ):  # fmt: skip
            figure.add_trace(
                go.Bar(
                    orientation="h",
                    y=y,
                    base=base,
                    x=length,
                    name=f"{label(resource)} · {phase}",
                    legendgroup=group,
                    marker={"color": color, "line": {"color": color, "width": 1},
                            **({"pattern": pattern} if pattern else {})},
                    text=text,
                    textposition="inside",
                    insidetextanchor="start",
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra>" + phase + "</extra>",
                )
            )  # fmt: skip
    regions = builds["region"].astype(str).tolist()
    shapes = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "yref": "y",
            "y0": index - 0.5,
            "y1": index - 0.5,
            "line": {"color": "#888888", "width": 1},
        }
        for index in range(1, len(regions))
        if regions[index] != regions[index - 1]
    ]
    layout = base_layout(
        "New fab modules: construction (hatched) and operation (solid)"
        "<br><sup>one row per project and start year; labels: modules started</sup>"
    )
    layout["margin"]["l"] = 20
    figure.update_layout(
        **layout,
        height=max(320, 170 + GANTT_ROW_PX * len(rows)),
        barmode="overlay",
        bargap=0.25,
        shapes=shapes,
        hovermode="closest",
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
        xaxis={
            "title": {"text": "year"},
            "range": [min([*builds["start_year"].astype(int), years[0]]), end],
            "dtick": 1 if end - years[0] <= 12 else 2,
            "showgrid": True,
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": rows,
            "autorange": "reversed",
            "automargin": True,
            "tickfont": {"size": 11},
        },
    )
    if not rows:
        note(figure, "No modules started.")
    return figure


def capacity_demand_figure(plan: Plan, gap: GapResult) -> go.Figure:
    """Existing AI supply plus the plan's new capacity by region against the plan's own wafer
    use, per resource.

    Parameters
    ----------
    plan : Plan
        A plan; reads ``capacity`` (new capacity ``new_wspm`` per year, resource and region)
        and ``production`` (per year and resource, the wafers from existing fabs, new modules,
        reserved and acquired capacity [wspm]).
    gap : GapResult
        The gap result of the same scenario; reads ``table`` (``supply_wspm``, the existing AI
        supply, per year and resource) and ``years``.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per resource, as in
        :func:`fabnet.report.gap_figures.supply_demand_figure`. In each panel, stacked areas
        [wspm]: the existing AI supply (grey), the new capacity of each region that builds the
        resource (region colours, "New: <region>"), then any capacity the plan reserves or
        acquires (:data:`OPTIONS`); and the line of the plan's wafer use [wspm]: the sum of the
        ``production`` columns :data:`USE_COLUMNS`, the wafers of the accelerators the plan
        makes in the product mix it chose. (The gap's demand is that of the scenario's base
        mix, which the plan may shift within ``demand.mix_flexibility``, so it is not drawn.)

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> from fabnet.planning import plan
    >>> result = plan("altman-2024", shadow_prices=False)
    >>> figure = capacity_demand_figure(result, gap("altman-2024"))
    >>> sum(trace.name == "Existing AI supply" for trace in figure.data)
    7
    >>> sum(trace.name == "Plan's wafer use" for trace in figure.data)
    7
    """
    years = [int(year) for year in gap.years]
    panels = resource_panels(gap.table)
    supply = gap.table.pivot_table(
        index="year", columns="resource", values="supply_wspm", aggfunc="sum", fill_value=0.0
    ).reindex(years, fill_value=0.0)  # every panel's resource is a column
    new = plan.capacity.groupby(["resource", "region", "year"])["new_wspm"].sum().sort_index()
    production = plan.production.groupby(["resource", "year"]).sum(numeric_only=True)
    in_legend: set[str] = set()
    options_shown: set[str] = set()
    for index, (resource, place) in enumerate(zip(panels.resources, panels.places, strict=True)):
        panels.figure.add_trace(
            stacked_area(
                years,
                supply[resource].to_numpy(dtype=float),
                name="Existing AI supply",
                group="existing",
                color=SERIES_COLORS["existing"],
                stack=f"supply:{label(resource)}",
                rank=50,
                legend=index == 0,
            ),
            **place,
        )
        for area in region_areas(new, resource, years, prefix="New: ", in_legend=in_legend):
            panels.figure.add_trace(area, **place)
        for rank, (name, column, color) in enumerate(OPTIONS):
            values = _production(production, resource, column, years)
            if not (values > 0).any():
                continue
            panels.figure.add_trace(
                stacked_area(
                    years,
                    values,
                    name=name,
                    group=f"option:{column}",
                    color=color,
                    stack=f"supply:{label(resource)}",
                    rank=90 + rank,
                    legend=column not in options_shown,
                ),
                **place,
            )
            options_shown.add(column)
        panels.figure.add_trace(
            reference_line(
                years,
                wafer_use(plan, resource, years),
                name="Plan's wafer use",
                group="use",
                first=index == 0,
            ),
            **place,
        )
    return panels.finish(
        "Existing AI supply + the plan's new capacity by region vs the plan's wafer use [wspm]",
        years,
    )


def wafer_use(plan: Plan, resource: str, years: list[int]) -> Any:
    """The plan's wafer use of ``resource`` per year in ``years`` [wspm]: the sum of the
    ``production`` columns :data:`USE_COLUMNS` (a column it lacks counts as none; a year it has
    no row for is NaN)."""
    import numpy as np

    production = plan.production
    part = production[production["resource"] == resource]
    if part.empty:
        return np.full(len(years), np.nan)
    columns = [c for c in USE_COLUMNS if c in part.columns]
    use = part.groupby("year")[columns].sum().sum(axis=1)
    return use.reindex(years).to_numpy(dtype=float)


def _production(production: pd.DataFrame, resource: str, column: str, years: list[int]) -> Any:
    """``column`` of the (resource, year)-indexed ``production`` for ``resource`` per year
    [wspm]; zero where absent."""
    import numpy as np

    if column not in production.columns or resource not in production.index.get_level_values(0):
        return np.zeros(len(years))
    values: pd.Series[Any] = production.xs(resource, level="resource")[column]
    return values.reindex(years, fill_value=0.0).to_numpy(dtype=float)


def money_figure(plan: Plan, money: Money | None = None) -> go.Figure:
    """Capex per year by source of money, and investor funding per year by investor.

    Parameters
    ----------
    plan : Plan
        A plan; reads ``capex`` (per year and country: ``capex_musd``, ``investors_musd``,
        ``grants_musd``, ``debt_musd``) and ``funding`` (``musd`` per year, investor, country).
    money : Money, optional
        The unit of the bars, axes and hovers (default: the plan's,
        :func:`fabnet.report._report.money_of`).

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels of stacked bars (in ``money``) over the years from the first to the last with any
        capex: left, capex by source (investors, grants, debt: one trace each) with the total
        capex as markers; right, investor funding, one trace per investor (largest total first).

    Examples
    --------
    >>> from fabnet.planning import plan
    >>> figure = money_figure(plan("altman-2024", shadow_prices=False))
    >>> [trace.name for trace in figure.data][:4]
    ['investors', 'grants', 'debt', 'Total capex']
    """
    go, make_subplots = plotly_modules()
    money = money or _money(plan)
    capex = plan.capex.groupby("year")[["capex_musd", *(c for _, c in SOURCES)]].sum()
    funding = plan.funding.groupby(["investor", "year"])["musd"].sum()
    years = _money_years(capex, funding)
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[
            money.header("Capex by source"),
            money.header("Investor funding by investor"),
        ],
        horizontal_spacing=0.08,
    )
    for name, column in SOURCES:
        bars = money_bars(years, capex[column], name, "Source", SOURCE_COLORS[name], money=money)
        figure.add_trace(bars, row=1, col=1)
    figure.add_trace(
        go.Scatter(
            x=years,
            y=money.of(capex["capex_musd"].reindex(years, fill_value=0.0).to_numpy(dtype=float)),
            name="Total capex",
            legendgroup="source",
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 18, "color": SERIES_COLORS["demand"]},
            hovertemplate=money_hover(money),
        ),
        row=1,
        col=1,
    )
    totals = funding.groupby(level="investor").sum().sort_values(ascending=False, kind="stable")
    investors = [str(investor) for investor in totals.index]
    colors = cycle_colors(investors)
    for investor in investors:
        bars = money_bars(
            years, funding.loc[investor], label(investor), "Investor", colors[investor], money=money
        )
        figure.add_trace(bars, row=1, col=2)
    figure.update_layout(
        **base_layout(f"Capex and its funding per year [{money.symbol}, {money.words}]"),
        height=480,
        barmode="stack",
        hovermode="closest",
        legend={"groupclick": "toggleitem", "tracegroupgap": 8},
    )
    figure.update_yaxes(rangemode="tozero", tickformat=money.tickformat)
    figure.update_xaxes(dtick=1 if len(years) <= 12 else 2)
    if not len(capex) or not (capex["capex_musd"] > 0).any():
        note(figure, "No capex: the plan starts no module.")
    return figure


def compute_outcome_figure(plan: Plan) -> go.Figure:
    """Compute delivered and unserved per year, and the shadow price of compute.

    Parameters
    ----------
    plan : Plan
        A plan; reads ``compute`` (per year: ``wanted_h100e``, ``delivered_h100e``,
        ``unserved_h100e`` and ``shadow_price_usd_per_h100e``).

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels sharing the year axis. Top [H100e]: delivered and unserved compute as
        stacked bars and the compute wanted as a dashed line. Bottom [USD per H100e,
        undiscounted]: the shadow price (the cost of one more H100e in that year); gaps where it
        could not be computed.

    Examples
    --------
    >>> from fabnet.planning import plan
    >>> figure = compute_outcome_figure(plan("altman-2024", shadow_prices=False))
    >>> [trace.name for trace in figure.data]
    ['Delivered', 'Unserved', 'Wanted', 'Shadow price']
    """
    go, make_subplots = plotly_modules()
    compute = plan.compute.sort_values("year")
    years = [int(year) for year in compute["year"]]
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.65, 0.35],
        vertical_spacing=0.1,
        subplot_titles=[
            "New compute delivered and unserved [H100e]",
            "Shadow price of compute [USD per H100e, undiscounted]",
        ],
    )
    hover = "%{fullData.name}: %{y:,.3s} H100e<extra>%{x}</extra>"
    for name, column in (("Delivered", "delivered_h100e"), ("Unserved", "unserved_h100e")):
        figure.add_trace(
            go.Bar(
                x=years,
                y=compute[column].to_numpy(dtype=float),
                name=name,
                marker={"color": SERIES_COLORS[name.lower()]},
                hovertemplate=hover,
            ),
            row=1,
            col=1,
        )
    figure.add_trace(
        go.Scatter(
            x=years,
            y=compute["wanted_h100e"].to_numpy(dtype=float),
            name="Wanted",
            mode="lines+markers",
            line={"color": SERIES_COLORS["wanted"], "width": 2, "dash": "dash"},
            hovertemplate=hover,
        ),
        row=1,
        col=1,
    )
    price = compute["shadow_price_usd_per_h100e"].to_numpy(dtype=float)
    figure.add_trace(
        go.Scatter(
            x=years,
            y=price,
            name="Shadow price",
            mode="lines+markers",
            connectgaps=False,
            line={"color": SERIES_COLORS["shadow_price"], "width": 2.5},
            hovertemplate="Shadow price: %{y:,.0f} USD/H100e<extra>%{x}</extra>",
        ),
        row=2,
        col=1,
    )
    computed = int((~compute["shadow_price_usd_per_h100e"].isna()).sum())
    absent = "" if computed else " (not computed for this plan)"
    height = 600
    layout = base_layout(f"Compute outcome of the plan and its shadow price{absent}")
    layout["margin"]["t"] = 110
    figure.update_layout(
        **layout,
        height=height,
        barmode="stack",
        hovermode="x unified",
        # Under the title and above the panel titles, in pixels from the top of the figure.
        legend={
            "orientation": "h",
            "traceorder": "normal",
            "yref": "container",
            "y": 1.0 - 44 / height,
            "yanchor": "top",
            "x": 0.0,
            "xanchor": "left",
        },
    )
    figure.update_yaxes(rangemode="tozero", tickformat="~s", row=1, col=1)
    figure.update_yaxes(tickformat=",.0f", row=2, col=1)
    figure.update_xaxes(dtick=1 if len(years) <= 12 else 2, showticklabels=True)
    return figure


def new_fabs_map_figure(plan: Plan, money: Money | None = None) -> go.Figure:
    """World map of the new fab modules: one marker per site and resource, sized by modules.

    Parameters
    ----------
    plan : Plan
        A plan; reads ``builds`` (with ``lat``/``lon``, which may be NaN) and
        ``scenario.sites`` (names, and the candidate sites left unused).
    money : Money, optional
        The unit of the capex in the hovers (default: the plan's,
        :func:`fabnet.report._report.money_of`).

    Returns
    -------
    plotly.graph_objects.Figure
        A ``scattergeo`` figure on the world basemap of
        :func:`fabnet.report.gap_figures.fab_map_figure` (natural earth, resolution 110, the
        inlined ``world_110m`` topojson). One trace per resource with new modules: a circle per
        site in the resource's colour, marker area proportional to the modules at the site,
        hover with the site, every build's partner, modules, start and online years and capex;
        then the candidate sites without new modules as small open stars. Under the map, a key
        of the marker sizes (circles of the sizes of a few round numbers of modules,
        :func:`fabnet.report._plotting.size_key`). Builds without coordinates are counted in
        the subtitle.

    Examples
    --------
    >>> from fabnet.planning import plan
    >>> figure = new_fabs_map_figure(plan("altman-2024", shadow_prices=False))
    >>> figure.layout.geo.resolution, [trace.name for trace in figure.data]
    (110, ['A16', 'HBM', 'COWOS', 'Unused candidate sites'])
    """
    go, _ = plotly_modules()
    money = money or _money(plan)
    builds = _sorted_builds(plan)
    names = site_names(plan.scenario)
    located = builds.dropna(subset=["lat", "lon"])
    groups = [
        (resource, site, part)
        for (resource, site), part in located.groupby(["resource", "site"], sort=False)
    ]
    peak = max((float(part["modules"].sum()) for *_, part in groups), default=0.0)
    figure = go.Figure()
    for resource in ordered(located["resource"]):
        parts = sorted(
            (part for res, _, part in groups if res == resource),
            key=lambda part: -float(part["modules"].sum()),
        )  # the big ones first, so that the small ones are drawn on top
        color = color_of(resource, RESOURCE_COLORS)
        figure.add_trace(
            go.Scattergeo(
                lat=[float(part["lat"].iloc[0]) for part in parts],
                lon=[float(part["lon"].iloc[0]) for part in parts],
                name=label(resource),
                legendgroup=f"resource:{label(resource)}",
                legendgrouptitle={"text": "New modules by resource"} if not figure.data else None,
                mode="markers",
                marker={
                    "size": marker_sizes([float(p["modules"].sum()) for p in parts], peak),
                    "color": color,
                    "line": {"width": 1, "color": "#FFFFFF"},
                    "opacity": 0.85,
                },
                hovertext=[_site_build_hover(part, names, money) for part in parts],
                hoverinfo="text",
            )
        )
    used = set(builds["site"].astype(str))
    unused = [site for site in plan.scenario.sites if str(site.id) not in used]
    figure.add_trace(
        go.Scattergeo(
            lat=[float(site.lat) for site in unused],
            lon=[float(site.lon) for site in unused],
            name="Unused candidate sites",
            legendgroup="sites",
            legendgrouptitle={"text": "Scenario"},
            mode="markers",
            marker={"symbol": "star-open", "size": 9, "color": SITE_COLOR},
            hovertext=[f"<b>{label(site.name)}</b><br>candidate site, no new module"
                       for site in unused],
            hoverinfo="text",
        )
    )  # fmt: skip
    modules = int(builds["modules"].sum())
    subtitle = (
        f"{modules} module{'s' if modules != 1 else ''} at {builds['site'].nunique()} "
        "sites; marker area ∝ modules at the site"
    )
    missing = len(builds) - len(located)
    if missing:
        subtitle += f"; {missing} build{'s' if missing != 1 else ''} without coordinates not shown"
    layout = base_layout(f"New fab modules of the plan<br><sup>{subtitle}</sup>")
    layout["margin"]["b"] = KEY_MARGIN_PX
    values = size_key_values(peak)
    key = size_key(
        values, peak, "Modules at a site:", [number(v) for v in values], color=SITE_COLOR
    )
    figure.update_layout(
        **layout,
        height=600,
        geo=geo_layout(),
        showlegend=True,  # also when one resource is all there is
        legend={"itemsizing": "constant", "tracegroupgap": 2},
        **key,
    )
    return figure


def _sorted_builds(plan: Plan) -> pd.DataFrame:
    """``plan.builds`` sorted by region, site, partner, start year and resource."""
    keys = ["region", "site", "partner", "start_year", "resource"]
    return plan.builds.sort_values(keys, kind="stable").reset_index(drop=True)


def _modules(count: object) -> str:
    """``"1 module"``, ``"3 modules"``."""
    return f"{number(count)} module{'' if number(count) == '1' else 's'}"


def _build_hover(build: Any, names: dict[str, str], money: Money) -> str:
    """Hover text of one build (escaped)."""
    site = names.get(str(build.site), str(build.site))
    return "<br>".join(
        [
            f"<b>{label(site)}</b> · {label(build.country)} ({label(build.region)})",
            f"partner: {label(build.partner)} · resource: {label(build.resource)}",
            f"{_modules(build.modules)}: start {label(build.start_year)}"
            f" → online {label(build.online_year)}",
            f"capex: {money.amount(build.capex_musd)}",
        ]
    )


def _site_build_hover(part: pd.DataFrame, names: dict[str, str], money: Money) -> str:
    """Hover text of the builds of one resource at one site (escaped)."""
    first = part.iloc[0]
    site = names.get(str(first["site"]), str(first["site"]))
    lines = [
        f"<b>{label(site)}</b> · {label(first['country'])} ({label(first['region'])})",
        f"{label(first['resource'])}: {_modules(part['modules'].sum())},"
        f" capex {money.amount(part['capex_musd'].sum())}",
    ]
    lines += [
        f"{label(b.partner)}: {_modules(b.modules)}, start {label(b.start_year)}"
        f" → online {label(b.online_year)}, {money.amount(b.capex_musd)}"
        for b in part.itertuples(index=False)
    ]
    return "<br>".join(lines)


def _money_years(capex: pd.DataFrame, funding: pd.Series[Any]) -> list[int]:
    """The years from the first to the last with any capex or funding (all years if none)."""
    spent = capex.index[(capex.abs() > 1e-9).any(axis=1)].tolist()
    spent += funding[funding.abs() > 1e-9].index.get_level_values("year").tolist()
    if not spent:
        return [int(year) for year in capex.index]
    return list(range(int(min(spent)), int(max(spent)) + 1))


def _money(plan: Plan) -> Money:
    """The money unit of ``plan``'s report (:func:`fabnet.report._report.money_of`)."""
    from fabnet.report._money import MILLIONS
    from fabnet.report._report import money_of

    return money_of(plan) or MILLIONS

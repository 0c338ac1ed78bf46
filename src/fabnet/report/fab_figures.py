"""Figures of the fab level: a tool plan's tools, floor, wafer split and cost, and the loading
of workstations (a tool plan's binding workstation, static capacity's bottleneck and tools).

Each function takes the tidy tables of a :class:`fabnet.fab.toolplan.ToolPlan` or a
:class:`fabnet.fab.capacity.Capacity` (pandas DataFrames with the columns named in its
docstring) and returns a new :class:`plotly.graph_objects.Figure`; none reads a file or changes
global state, and plotly is imported when a function runs. Periods are quarters (``2026Q1``),
drawn as categories in their order; text from data is HTML-escaped.

Where a table holds several demand scenarios, the tools, floor and split figures draw their
expectation (each scenario weighted by ``probability``, equal weights where it is not given) and
say so in their title; the loading heat maps, whose cells name a workstation, draw a row per
scenario and fab instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fabnet.report._format import label, number, percent, rounded
from fabnet.report._palette import SERIES_COLORS, cycle_colors
from fabnet.report._plotting import HOVERTEXT, base_layout, note, plotly_modules

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.report._money import Money

__all__ = [
    "COST_COLORS",
    "COST_NAMES",
    "FULL",
    "LOAD_COLORSCALE",
    "LOAD_MAX",
    "TOOL_COLUMNS",
    "cost_figure",
    "expected",
    "fab_colors",
    "floor_figure",
    "load_text",
    "loading_figure",
    "periods_of",
    "split_figure",
    "split_steps_figure",
    "tools_figure",
    "tools_needed_figure",
]

#: Panels per row of the per-tool-type and per-fab small multiples.
COLUMNS = 4

#: The tool-plan cost terms in stacking order (bottom first), named.
COST_NAMES: dict[str, str] = {
    "capex": "Tools bought (capex)",
    "move_out": "Tools moved out",
    "transfer": "Wafers transferred between fabs",
}

#: Their colours (Okabe–Ito): capex blue, move-outs orange, transfers reddish purple.
COST_COLORS: dict[str, str] = {
    "capex": "#0072B2",
    "move_out": "#E69F00",
    "transfer": "#CC79A7",
}

#: How the tools figure draws each part of a fab's bar: (column, name, pattern shape).
TOOL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("kept", "carried over", ""),
    ("bought", "bought", "/"),
    ("moved_out", "moved out", "x"),
)

#: The loading heat maps' colour axis ends here [fraction]: a cell loaded more shows this colour.
LOAD_MAX = 1.5

#: Loadings up to this count as full, not over [fraction] (a solver's tolerance, rounding).
FULL = 1.005

#: Loading colours: white at 0, darkening blue up to full loading (1.0, to :data:`FULL`), then
#: orange to vermillion above it (more work than the tools can do), so that an overload never
#: reads as a heavy but feasible load (the cells also print the figure).
LOAD_COLORSCALE: tuple[tuple[float, str], ...] = (
    (0.0, "#FFFFFF"),
    (0.5 / LOAD_MAX, "#9ECAE1"),
    (FULL / LOAD_MAX, "#0072B2"),
    (FULL / LOAD_MAX + 1e-6, "#E69F00"),
    (1.0, "#D55E00"),
)

#: Height of one heat-map row [px].
ROW_PX = 26


def periods_of(*frames: pd.DataFrame) -> list[str]:
    """The distinct periods of the ``period`` columns of ``frames``, in order (quarters written
    ``YYYYQn`` sort as text).

    Examples
    --------
    >>> import pandas as pd
    >>> periods_of(pd.DataFrame({"period": ["2026Q2", "2026Q1", "2026Q2"]}))
    ['2026Q1', '2026Q2']
    """
    return sorted({str(p) for frame in frames if "period" in frame for p in frame["period"]})


def load_text(value: object) -> str:
    """A utilisation as a whole percentage; ``∞`` for a load on no tools, an em dash for none.

    Examples
    --------
    >>> load_text(0.974), load_text(float("inf")), load_text(float("nan"))
    ('97%', '∞', '—')
    """
    from fabnet.report._format import as_float

    load = as_float(value)
    if load is None or math.isnan(load):
        return "—"
    return "∞" if math.isinf(load) else percent(load)


def fab_colors(fabs: Sequence[str]) -> dict[str, str]:
    """A colour per fab (:func:`fabnet.report._palette.cycle_colors`, in the order given)."""
    return cycle_colors(str(fab) for fab in fabs)


def expected(
    frame: pd.DataFrame, values: Sequence[str], probability: Mapping[str, float] | None = None
) -> tuple[pd.DataFrame, str]:
    """``frame`` without its ``scenario`` column: as it is where it holds one scenario, else the
    expectation of ``values`` over its scenarios, each weighted by ``probability`` (equal
    weights where None or where a scenario is missing from it), per value of the other columns.

    Returns
    -------
    (DataFrame, str)
        The frame, and words for a figure's title: empty for one scenario, else
        ``"expected over N demand scenarios"``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"scenario": ["lo", "hi"], "fab": ["a", "a"], "x": [1.0, 3.0]})
    >>> table, words = expected(frame, ["x"], {"lo": 0.75, "hi": 0.25})
    >>> table.to_dict("records"), words
    ([{'fab': 'a', 'x': 1.5}], 'expected over 2 demand scenarios')
    """
    if "scenario" not in frame.columns:
        return frame, ""
    scenarios = list(dict.fromkeys(str(s) for s in frame["scenario"]))
    if len(scenarios) <= 1:
        return frame.drop(columns="scenario").reset_index(drop=True), ""
    given = dict(probability or {})
    if not all(s in given for s in scenarios):
        given = dict.fromkeys(scenarios, 1.0 / len(scenarios))
    weight = frame["scenario"].astype(str).map(given).astype(float)
    keys = [c for c in frame.columns if c != "scenario" and c not in values]
    weighted = frame[keys].assign(**{v: frame[v].astype(float) * weight for v in values})
    if not keys:  # nothing but the values: their expected sums
        return weighted[list(values)].sum().to_frame().T, _expected_words(len(scenarios))
    table = weighted.groupby(keys, sort=False, dropna=False)[list(values)].sum().reset_index()
    return table, _expected_words(len(scenarios))


def _expected_words(scenarios: int) -> str:
    """The subtitle of a figure of an expectation."""
    return f"expected over {scenarios} demand scenarios"


def _per_period(
    rows: pd.DataFrame, values: Sequence[str], periods: list[str], fill: float = math.nan
) -> pd.DataFrame:
    """``values`` of ``rows`` summed per period, indexed by ``periods`` (a period without rows:
    ``fill``)."""
    summed = rows.groupby(rows["period"].astype(str))[list(values)].sum()
    return summed.reindex(periods, fill_value=fill)


def _grid(
    count: int, titles: list[str], *, spacing: float = 0.14
) -> tuple[Any, list[dict[str, int]]]:
    """A grid of ``count`` titled panels, :data:`COLUMNS` to a row, and where each goes."""
    _, make_subplots = plotly_modules()
    columns = max(1, min(COLUMNS, count))
    rows = max(1, math.ceil(count / columns))
    figure = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles or None,
        horizontal_spacing=0.05 if columns > 1 else 0.0,
        vertical_spacing=min(spacing, 0.5 / rows) if rows > 1 else 0.0,
    )
    places = [{"row": i // columns + 1, "col": i % columns + 1} for i in range(count)]
    return figure, places


def _legend_on_top(figure: Any, height: int) -> None:
    """The legend under the title and above the panels (in pixels from the figure's top)."""
    figure.update_layout(
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1.0 - 44 / height,
            "yanchor": "top",
            "x": 0.0,
            "xanchor": "left",
        }
    )


def _title(text: str, words: str) -> str:
    """A figure title with ``words`` (escaped already) as its subtitle where there are any."""
    return f"{text}<br><sup>{words}</sup>" if words else text


def _period_axis(figure: Any, periods: list[str]) -> None:
    """Every x axis of ``figure`` a category axis of ``periods`` in order."""
    figure.update_xaxes(
        type="category", categoryorder="array", categoryarray=periods, tickangle=-45
    )


def tools_figure(
    tools: pd.DataFrame,
    *,
    probability: Mapping[str, float] | None = None,
    periods: Sequence[str] | None = None,
) -> go.Figure:
    """Tools per type and fab over the periods: installed, of which bought, and moved out.

    Parameters
    ----------
    tools : DataFrame
        A tool plan's ``tools``: one row per (scenario, fab, tool_type, period) with
        ``workstation``, ``installed``, ``bought`` and ``moved_out`` [tools] (``installed`` is
        the count after the period's buys and move-outs).
    probability : mapping of str to float, optional
        The demand scenarios' probabilities (used where ``tools`` holds several,
        :func:`expected`).
    periods : sequence of str, optional
        The periods along the x axis, in order (default: those of the table,
        :func:`periods_of`; pass the fab file's where a sparse table may lack some).

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per tool type that any fab has or buys (in the table's order), titled
        ``tool type · workstation [tools]``, each with its own y axis. In a panel, per period,
        one bar per fab in the fab's colour (:func:`fab_colors`): the tools installed, split
        into those carried over from the period before (solid, ``installed − bought``) and those
        bought in the period (hatched ``/``, stacked on top), and the tools moved out in the
        period as a cross-hatched bar below zero. Three legend entries per fab (carried over,
        bought, moved out), shared by the panels.

    Examples
    --------
    >>> import pandas as pd
    >>> tools = pd.DataFrame({"scenario": "base", "fab": "f1", "tool_type": "EUV",
    ...     "workstation": "LITHO", "period": ["2026Q1", "2026Q2"], "installed": [3, 4],
    ...     "bought": [0, 1], "moved_out": [0, 0]})
    >>> [t.name for t in tools_figure(tools).data]
    ['f1 · carried over', 'f1 · bought', 'f1 · moved out']
    """
    go, _ = plotly_modules()
    values = ["installed", "bought", "moved_out"]
    frame, words = expected(tools, values, probability)
    periods = list(periods) if periods else periods_of(frame)
    active = frame[(frame[values].abs() > 1e-9).any(axis=1)]
    types = [str(t) for t in dict.fromkeys(active["tool_type"])]
    fabs = [str(f) for f in dict.fromkeys(frame["fab"])]
    colors = fab_colors(fabs)
    workstation = frame.drop_duplicates("tool_type").set_index("tool_type")["workstation"]
    titles = [f"{label(t)} · {label(workstation.get(t))} [tools]" for t in types]
    figure, places = _grid(len(types), titles)
    digits = 0 if not words else 1
    shown: set[str] = set()
    for tool_type, place in zip(types, places, strict=True):
        part = frame[frame["tool_type"].astype(str) == tool_type]
        for fab in fabs:
            rows = part[part["fab"].astype(str) == fab]
            if rows.empty or not (rows[values].abs() > 1e-9).to_numpy().any():
                continue
            rows = _per_period(rows, values, periods, fill=0.0)
            installed = rows["installed"].to_numpy(dtype=float)
            bought = rows["bought"].to_numpy(dtype=float)
            moved = rows["moved_out"].to_numpy(dtype=float)
            hover = [
                f"<b>{label(fab)} · {label(tool_type)}</b> {label(p)}<br>"
                f"{rounded(i, digits)} installed: {rounded(i - b, digits)} carried over, "
                f"{rounded(b, digits)} bought<br>{rounded(m, digits)} moved out"
                for p, i, b, m in zip(periods, installed, bought, moved, strict=True)
            ]
            parts = {"kept": (installed - bought, 0.0), "bought": (bought, installed - bought),
                     "moved_out": (-moved, 0.0)}  # fmt: skip
            for column, name, shape in TOOL_COLUMNS:
                heights, base = parts[column]
                color = colors[fab]
                pattern = {"shape": shape, "fgcolor": color, "bgcolor": "#FFFFFF",
                           "solidity": 0.45} if shape else {}  # fmt: skip
                group = f"{fab}:{column}"
                figure.add_trace(
                    go.Bar(
                        x=periods,
                        y=heights,
                        base=base,
                        name=f"{label(fab)} · {name}",
                        legendgroup=group,
                        showlegend=group not in shown,
                        offsetgroup=fab,
                        marker={"color": color, "line": {"color": color, "width": 1},
                                **({"pattern": pattern} if pattern else {})},
                        hovertext=hover,
                        hovertemplate=HOVERTEXT,
                    ),
                    **place,
                )  # fmt: skip
                shown.add(group)
    height = 150 + 300 * max(1, math.ceil(len(types) / COLUMNS))
    layout = base_layout(
        _title(
            "Tools per type and fab: carried over (solid), bought (hatched), moved out (below 0)",
            words,
        )
    )
    layout["margin"]["t"] = 130
    figure.update_layout(**layout, height=height, barmode="group", hovermode="closest")
    _legend_on_top(figure, height)
    _period_axis(figure, periods)
    if not types:
        note(figure, "No tools installed, bought or moved out.")
    return figure


def floor_figure(
    floor: pd.DataFrame,
    *,
    probability: Mapping[str, float] | None = None,
    periods: Sequence[str] | None = None,
) -> go.Figure:
    """Floor space per fab and period against the fab's floor.

    Parameters
    ----------
    floor : DataFrame
        One row per (scenario, fab, period) with ``floor_m2`` (the limit) and the space taken
        [m²]: a tool plan's ``used_m2``, or static capacity's ``installed_m2`` (the tools there
        are) and ``needed_m2`` (the tools the demand needs).
    probability, periods
        As for :func:`tools_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per fab [m²]: bars of each space column the table has (used: blue; installed:
        grey; needed: blue), and the floor as a black dashed line; a bar above the line takes
        more floor than the fab has. The hovers give the share of the floor.

    Examples
    --------
    >>> import pandas as pd
    >>> floor = pd.DataFrame({"fab": "f1", "period": ["2026Q1"], "used_m2": [900.0],
    ...     "floor_m2": [1000.0]})
    >>> [t.name for t in floor_figure(floor).data]
    ['Floor used', 'Floor']
    """
    go, _ = plotly_modules()
    bars = [
        (column, name, color)
        for column, name, color in (
            ("used_m2", "Floor used", SERIES_COLORS["delivered"]),
            ("installed_m2", "Tools installed", "#999999"),
            ("needed_m2", "Tools needed", SERIES_COLORS["delivered"]),
        )
        if column in floor.columns
    ]
    frame, words = expected(floor, [c for c, _, _ in bars] + ["floor_m2"], probability)
    periods = list(periods) if periods else periods_of(frame)
    fabs = [str(f) for f in dict.fromkeys(frame["fab"])]
    figure, places = _grid(len(fabs), [f"{label(f)} [m²]" for f in fabs])
    for index, (fab, place) in enumerate(zip(fabs, places, strict=True)):
        columns = [c for c, _, _ in bars] + ["floor_m2"]
        rows = _per_period(frame[frame["fab"].astype(str) == fab], columns, periods)
        limit = rows["floor_m2"].to_numpy(dtype=float)
        for column, name, color in bars:
            taken = rows[column].to_numpy(dtype=float)
            hover = [
                f"<b>{label(fab)}</b> {label(p)}: {name.lower()} {number(t)} m² of {number(f)}"
                f" ({percent(t / f) if f > 0 else '—'})"
                for p, t, f in zip(periods, taken, limit, strict=True)
            ]
            figure.add_trace(
                go.Bar(
                    x=periods,
                    y=taken,
                    name=name,
                    legendgroup=column,
                    showlegend=index == 0,
                    marker={"color": color},
                    hovertext=hover,
                    hovertemplate=HOVERTEXT,
                ),
                **place,
            )
        figure.add_trace(
            go.Scatter(
                x=periods,
                y=limit,
                name="Floor",
                legendgroup="floor",
                showlegend=index == 0,
                mode="lines",
                line={"color": SERIES_COLORS["demand"], "width": 2, "dash": "dash",
                      "shape": "hvh"},
                hovertemplate=f"{label(fab)} floor: %{{y:,.0f}} m²<extra>%{{x}}</extra>",
            ),
            **place,
        )  # fmt: skip
    height = 150 + 280 * max(1, math.ceil(len(fabs) / COLUMNS))
    layout = base_layout(_title("Floor space per fab against its floor [m²]", words))
    layout["margin"]["t"] = 120
    figure.update_layout(**layout, height=height, barmode="group", hovermode="closest")
    _legend_on_top(figure, height)
    figure.update_yaxes(rangemode="tozero", tickformat="~s")
    _period_axis(figure, periods)
    if not fabs:
        note(figure, "No fab.")
    return figure


def _fab_shares(frame: pd.DataFrame, by: str, fabs: list[str]) -> pd.DataFrame:
    """Wafers per week summed per (``by``, fab) over the other columns, as a share of the
    ``by`` value's total: rows ``by`` in order of appearance, a column per fab."""
    wafers = frame.assign(_by=frame[by].astype(str), _fab=frame["fab"].astype(str))
    wide = wafers.pivot_table(
        index="_by", columns="_fab", values="wafers_per_week", aggfunc="sum", fill_value=0.0
    )
    order = list(dict.fromkeys(wafers["_by"]))
    wide = wide.reindex(index=order, columns=fabs, fill_value=0.0)
    total = wide.sum(axis=1)
    return wide.div(total.where(total > 0), axis=0)


def split_figure(
    split: pd.DataFrame,
    *,
    probability: Mapping[str, float] | None = None,
    periods: Sequence[str] | None = None,
) -> go.Figure:
    """The wafer split of each route across fabs per period.

    Parameters
    ----------
    split : DataFrame
        A tool plan's ``split``: ``wafers_per_week`` per (scenario, product, step, workstation,
        fab, tool_type, period).
    probability, periods
        As for :func:`tools_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per product (route): per period, the share of the route's step-wafers done in
        each fab (Σ over its steps and tool types of the fab's wafers per week ÷ Σ over every
        fab), as bars stacked to 100 % in the fabs' colours. A period without wafers has no bar.

    Examples
    --------
    >>> import pandas as pd
    >>> split = pd.DataFrame({"product": "N3", "step": [1, 1], "workstation": "ETCH",
    ...     "fab": ["f1", "f2"], "tool_type": "E", "period": "2026Q1",
    ...     "wafers_per_week": [300.0, 100.0]})
    >>> [(t.name, [float(v) for v in t.y]) for t in split_figure(split).data]
    [('f1', [0.75]), ('f2', [0.25])]
    """
    go, _ = plotly_modules()
    frame, words = expected(split, ["wafers_per_week"], probability)
    periods = list(periods) if periods else periods_of(frame)
    products = [str(p) for p in dict.fromkeys(frame["product"])]
    fabs = [str(f) for f in dict.fromkeys(frame["fab"])]
    colors = fab_colors(fabs)
    figure, places = _grid(len(products), [f"{label(p)} [share of step-wafers]" for p in products])
    for index, (product, place) in enumerate(zip(products, places, strict=True)):
        part = frame[frame["product"].astype(str) == product]
        shares = _fab_shares(part, "period", fabs).reindex(periods)
        for fab in fabs:
            figure.add_trace(
                go.Bar(
                    x=periods,
                    y=shares[fab].to_numpy(dtype=float),
                    name=label(fab),
                    legendgroup=f"fab:{fab}",
                    showlegend=index == 0,
                    marker={"color": colors[fab]},
                    hovertemplate=f"{label(product)} in {label(fab)}: %{{y:.1%}}"
                    "<extra>%{x}</extra>",
                ),
                **place,
            )
    height = 150 + 280 * max(1, math.ceil(len(products) / COLUMNS))
    layout = base_layout(
        _title("Wafer split of each route across fabs (share of its step-wafers)", words)
    )
    layout["margin"]["t"] = 120
    figure.update_layout(**layout, height=height, barmode="stack", hovermode="x unified")
    _legend_on_top(figure, height)
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    _period_axis(figure, periods)
    if not products:
        note(figure, "No wafers.")
    return figure


def split_steps_figure(
    split: pd.DataFrame, *, probability: Mapping[str, float] | None = None
) -> go.Figure:
    """The wafer split of each route across fabs per step, over the whole horizon.

    Parameters
    ----------
    split, probability
        As for :func:`split_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per product (route), its steps in route order along the x axis (labelled
        ``step · workstation``): the share of the step's wafers (summed over the periods and tool
        types) done in each fab, stacked to 100 % in the fabs' colours. Where neighbouring steps
        are done in different fabs, the route's lots travel between them.

    Examples
    --------
    >>> import pandas as pd
    >>> split = pd.DataFrame({"product": "N3", "step": [1, 2], "workstation": ["A", "B"],
    ...     "fab": ["f1", "f2"], "tool_type": "E", "period": "2026Q1",
    ...     "wafers_per_week": [100.0, 100.0]})
    >>> [(t.name, [float(v) for v in t.y]) for t in split_steps_figure(split).data]
    [('f1', [1.0, 0.0]), ('f2', [0.0, 1.0])]
    """
    go, _ = plotly_modules()
    frame, words = expected(split, ["wafers_per_week"], probability)
    products = [str(p) for p in dict.fromkeys(frame["product"])]
    fabs = [str(f) for f in dict.fromkeys(frame["fab"])]
    colors = fab_colors(fabs)
    _, make_subplots = plotly_modules()
    figure = make_subplots(
        rows=max(1, len(products)),
        cols=1,
        subplot_titles=[f"{label(p)} [share of the step's wafers]" for p in products] or None,
        vertical_spacing=0.4 / len(products) if len(products) > 1 else 0.0,
    )
    for index, product in enumerate(products):
        part = frame[frame["product"].astype(str) == product]
        steps = part.drop_duplicates("step").sort_values("step", kind="stable")
        names = [f"{label(s)} · {label(w)}" for s, w in zip(steps["step"], steps["workstation"],
                                                         strict=True)]  # fmt: skip
        part = part.assign(step=part["step"].map(dict(zip(steps["step"], names, strict=True))))
        shares = _fab_shares(part, "step", fabs).reindex(names)
        for fab in fabs:
            figure.add_trace(
                go.Bar(
                    x=names,
                    y=shares[fab].to_numpy(dtype=float),
                    name=label(fab),
                    legendgroup=f"fab:{fab}",
                    showlegend=index == 0,
                    marker={"color": colors[fab]},
                    hovertemplate=f"{label(product)} step %{{x}} in {label(fab)}: %{{y:.1%}}"
                    "<extra></extra>",
                ),
                row=index + 1,
                col=1,
            )
        figure.update_xaxes(
            type="category", categoryorder="array", categoryarray=names, row=index + 1, col=1
        )
    height = 150 + 400 * max(1, len(products))
    layout = base_layout(
        _title("Wafer split of each route across fabs, step by step (all periods)", words)
    )
    layout["margin"]["t"] = 120
    figure.update_layout(**layout, height=height, barmode="stack", bargap=0.1)
    _legend_on_top(figure, height)
    figure.update_yaxes(range=[0, 1], tickformat=".0%")
    figure.update_xaxes(tickangle=-60, tickfont={"size": 10})
    if not products:
        note(figure, "No wafers.")
    return figure


def cost_figure(
    costs: pd.DataFrame,
    money: Money,
    *,
    probability: Mapping[str, float] | None = None,
    periods: Sequence[str] | None = None,
) -> go.Figure:
    """A tool plan's cost per period by kind.

    Parameters
    ----------
    costs : DataFrame
        A tool plan's ``costs``: ``musd`` (undiscounted) and ``npv_musd`` per (scenario, term,
        period), the terms those of :data:`COST_NAMES`.
    money : Money
        The unit of the bars, axis and hovers.
    probability, periods
        As for :func:`tools_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars per period (in ``money``, undiscounted) stacked by term in the order of
        :data:`COST_NAMES` (a term the table lacks has no trace; any other term follows in grey),
        and the discounted cost of the period (the NPV's share) as black markers.

    Examples
    --------
    >>> import pandas as pd
    >>> from fabnet.report._money import MILLIONS
    >>> costs = pd.DataFrame({"term": ["capex", "transfer"], "period": "2026Q1",
    ...     "musd": [100.0, 2.0], "npv_musd": [100.0, 2.0]})
    >>> [t.name for t in cost_figure(costs, MILLIONS).data]
    ['Tools bought (capex)', 'Wafers transferred between fabs', 'Discounted (NPV)']
    """
    go, _ = plotly_modules()
    frame, words = expected(costs, ["musd", "npv_musd"], probability)
    periods = list(periods) if periods else periods_of(frame)
    terms = [str(t) for t in dict.fromkeys(frame["term"])]
    terms = [t for t in COST_NAMES if t in terms] + [t for t in terms if t not in COST_NAMES]
    figure = go.Figure()
    for term in terms:
        part = frame[frame["term"].astype(str) == term]
        values = part.groupby(part["period"].astype(str))["musd"].sum()
        figure.add_trace(
            go.Bar(
                x=periods,
                y=money.of(values.reindex(periods, fill_value=0.0).to_numpy(dtype=float)),
                name=COST_NAMES.get(term, label(term)),
                marker={"color": COST_COLORS.get(term, "#999999")},
                hovertemplate=f"%{{fullData.name}}: {money.hover()}<extra>%{{x}}</extra>",
            )
        )
    npv = frame.groupby(frame["period"].astype(str))["npv_musd"].sum()
    figure.add_trace(
        go.Scatter(
            x=periods,
            y=money.of(npv.reindex(periods, fill_value=0.0).to_numpy(dtype=float)),
            name="Discounted (NPV)",
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 18, "color": SERIES_COLORS["demand"],
                    "line": {"width": 2}},
            hovertemplate=f"%{{fullData.name}}: {money.hover()}<extra>%{{x}}</extra>",
        )
    )  # fmt: skip
    total = money.amount(float(frame["musd"].sum())) if len(frame) else "—"
    discounted = money.amount(float(frame["npv_musd"].sum())) if len(frame) else "—"
    subtitle = f"total {total}, discounted {discounted}" + (f"; {words}" if words else "")
    layout = base_layout(
        f"Cost of the tool plan per period [{money.symbol}]<br><sup>{subtitle}</sup>"
    )
    figure.update_layout(**layout, height=440, barmode="stack", hovermode="x unified")
    figure.update_yaxes(rangemode="tozero", tickformat=money.tickformat, title=money.symbol)
    _period_axis(figure, periods)
    if not (frame["musd"].abs() > 1e-9).any():
        note(figure, "The plan costs nothing: it buys, moves and transfers nothing.")
    return figure


def _heatmap(
    rows: list[str],
    periods: list[str],
    z: list[list[float]],
    text: list[list[str]],
    hover: list[list[str]],
    *,
    title: str,
    unit: str,
) -> go.Figure:
    """A heat map of loading (``z`` [fraction] per row and period) with ``text`` in its cells,
    coloured by :data:`LOAD_COLORSCALE` (cells beyond :data:`LOAD_MAX` show its colour)."""
    go, _ = plotly_modules()
    shown = [[None if math.isnan(v) else min(v, LOAD_MAX) for v in row] for row in z]
    figure = go.Figure(
        go.Heatmap(
            x=periods,
            y=rows,
            z=shown,
            zmin=0.0,
            zmax=LOAD_MAX,
            colorscale=[list(stop) for stop in LOAD_COLORSCALE],
            colorbar={"title": {"text": unit}, "tickformat": ".0%", "len": 0.9},
            text=text,
            texttemplate="%{text}",
            textfont={"size": 10},
            hovertext=hover,
            hovertemplate=HOVERTEXT,
            xgap=2,
            ygap=2,
        )
    )
    height = max(260, 170 + ROW_PX * len(rows))
    layout = base_layout(title)
    layout["margin"]["l"] = 20
    figure.update_layout(**layout, height=height)
    figure.update_yaxes(autorange="reversed", automargin=True, type="category")
    _period_axis(figure, periods)
    if not rows:
        note(figure, "Nothing loaded.")
    return figure


def _row_names(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.Series[str], list[str]]:
    """The heat-map row of each line of ``frame`` (its ``columns`` joined by ``·``, the scenario
    first where there are several) and the rows in order of appearance."""
    keys = list(columns)
    if "scenario" in frame.columns and len(set(frame["scenario"])) > 1:
        keys = ["scenario", *keys]
    names = frame[keys].astype(str).agg(" · ".join, axis=1)
    return names, list(dict.fromkeys(names))


def loading_figure(
    frame: pd.DataFrame, *, title: str, periods: Sequence[str] | None = None
) -> go.Figure:
    """The most loaded workstation per fab and period, as a heat map.

    Parameters
    ----------
    frame : DataFrame
        One row per (scenario, fab, period) or (scenario, period, fab) at most: ``workstation``
        and ``utilisation`` (its work ÷ the time its tools may be loaded [fraction]); a tool
        plan's ``binding`` or static capacity's ``bottleneck``. A row with several rows per cell
        keeps the most loaded.
    title : str
        The figure's title (HTML, escaped already).
    periods : sequence of str, optional
        As for :func:`tools_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
        A heat map with a row per fab (per scenario and fab where there are several scenarios),
        a column per period, coloured by the utilisation (:data:`LOAD_COLORSCALE`: blue up to
        100 %, orange to vermillion above) and printed with the workstation and its utilisation
        (``ETCH 97%``).

    Examples
    --------
    >>> import pandas as pd
    >>> binding = pd.DataFrame({"period": ["2026Q1"], "fab": ["f1"], "workstation": ["ETCH"],
    ...     "utilisation": [0.97]})
    >>> list(loading_figure(binding, title="t").data[0].text[0])
    ['ETCH 97%']
    """
    periods = list(periods) if periods else periods_of(frame)
    names, rows = _row_names(frame, ["fab"])
    top = frame.assign(_row=names, _period=frame["period"].astype(str))
    top = top.sort_values("utilisation", ascending=False, kind="stable")
    top = top.drop_duplicates(["_row", "_period"])
    found = {(r["_row"], r["_period"]): r for r in top.to_dict("records")}
    z: list[list[float]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for row in rows:
        z.append([])
        text.append([])
        hover.append([])
        for period in periods:
            cell = found.get((row, period))
            if cell is None:
                z[-1].append(math.nan)
                text[-1].append("")
                hover[-1].append(f"{label(row)} {label(period)}: —")
                continue
            load = float(cell["utilisation"])
            z[-1].append(load)
            if math.isnan(load):  # no load at all
                text[-1].append("")
                hover[-1].append(f"<b>{label(row)}</b> {label(period)}<br>no load")
                continue
            text[-1].append(f"{label(cell['workstation'])} {load_text(load)}")
            extra = ""
            if "tool_type" in cell:
                extra = f" ({label(cell['tool_type'])})"
            words = "a load on no tools" if math.isinf(load) else load_text(load)
            hover[-1].append(
                f"<b>{label(row)}</b> {label(period)}<br>most loaded: "
                f"{label(cell['workstation'])}{extra} at {words}"
            )
    return _heatmap(rows, periods, z, text, hover, title=title, unit="utilisation")


def tools_needed_figure(needed: pd.DataFrame, *, periods: Sequence[str] | None = None) -> go.Figure:
    """Tools needed against tools installed per fab, tool type and period, as a heat map.

    Parameters
    ----------
    needed : DataFrame
        Static capacity's ``needed``: per (scenario, fab, tool_type, workstation, period) the
        ``tools_needed`` (tools' worth of work, fractional), ``tools_installed`` and
        ``utilisation`` (needed ÷ installed; infinite where work falls on a type with no tool).
    periods : sequence of str, optional
        As for :func:`tools_figure`.

    Returns
    -------
    plotly.graph_objects.Figure
        A heat map with a row per fab and tool type that needs or has any tool (``fab · tool
        type``; the scenario first where there are several), a column per period, coloured by
        the utilisation (as :func:`loading_figure`; a type needed where none is installed shows
        the top colour) and printed ``needed / installed`` (``41.2 / 37``).

    Examples
    --------
    >>> import pandas as pd
    >>> needed = pd.DataFrame({"fab": "f1", "tool_type": "EUV", "workstation": "LITHO",
    ...     "period": ["2026Q1"], "tools_needed": [41.2], "tools_installed": [37],
    ...     "utilisation": [41.2 / 37]})
    >>> list(tools_needed_figure(needed).data[0].text[0])
    ['41.2 / 37']
    """
    periods = list(periods) if periods else periods_of(needed)
    active = needed[(needed["tools_needed"] > 1e-9) | (needed["tools_installed"] > 0)]
    names, rows = _row_names(active, ["fab", "tool_type"])
    cells = active.assign(_row=names, _period=active["period"].astype(str))
    cells = cells.drop_duplicates(["_row", "_period"])
    found = {(r["_row"], r["_period"]): r for r in cells.to_dict("records")}
    z: list[list[float]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for row in rows:
        z.append([])
        text.append([])
        hover.append([])
        for period in periods:
            cell = found.get((row, period))
            if cell is None:
                z[-1].append(math.nan)
                text[-1].append("")
                hover[-1].append(f"{label(row)} {label(period)}: —")
                continue
            want = float(cell["tools_needed"])
            have = float(cell["tools_installed"])
            load = float(cell["utilisation"]) if have > 0 else (math.inf if want > 0 else 0.0)
            z[-1].append(load)
            text[-1].append(f"{number(want, 1)} / {number(have)}")
            shown = load_text(load) if math.isfinite(load) else "none installed"
            hover[-1].append(
                f"<b>{label(row)}</b> ({label(cell['workstation'])}) {label(period)}<br>"
                f"{number(want, 1)} tools' worth of work on {number(have)} installed: {shown}"
            )
    return _heatmap(
        rows,
        periods,
        z,
        text,
        hover,
        title="Tools needed / installed per fab and tool type"
        "<br><sup>colour: utilisation, needed ÷ installed; above 100 % the tools cannot do the"
        " work</sup>",
        unit="utilisation",
    )

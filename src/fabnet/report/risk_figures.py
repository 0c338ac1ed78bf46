"""Figures of a plan's risk: fan charts of the compute delivered and unserved, the probability
of a shortfall per year, the tornado and the Sobol' indices of the cost, and the investors'
values.

Each function takes a risk analysis (:class:`fabnet.risk.RiskResult`) and returns a new
:class:`plotly.graph_objects.Figure`; none reads a file or changes global state, and plotly is
imported when a function runs. Money is in musd (million US dollars), compute in H100e; text from
data is HTML-escaped, as in :mod:`fabnet.report.gap_figures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabnet.exceptions import ParameterError
from fabnet.report._format import as_float, label, number, ordinal, rounded, share, signed
from fabnet.report._frames import column, years_of
from fabnet.report._palette import SERIES_COLORS, rgba
from fabnet.report._plotting import HOVERTEXT, base_layout, note, plotly_modules

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    from fabnet.risk import RiskResult

__all__ = [
    "fan_chart_figure",
    "investor_of",
    "investor_value_figure",
    "investor_values",
    "output_name",
    "sample_count",
    "shortfall_probability_figure",
    "sobol_figure",
    "tornado_figure",
]

#: The bands of the fan charts: (lower percentile, upper percentile, opacity of the fill).
FAN_BANDS: tuple[tuple[int, int, float], ...] = ((5, 95, 0.18), (25, 75, 0.4))

#: The plan as planned, without uncertainty: the reference line of the fan charts.
PLAN_COLOR = SERIES_COLORS["wanted"]  # black

#: The tornado's bars: the input at its low (sky blue) and its high value (orange; Okabe–Ito).
LOW_COLOR, HIGH_COLOR = "#56B4E9", "#E69F00"

#: Sobol' indices: first order (blue) and total (vermillion; Okabe–Ito).
FIRST_ORDER_COLOR, TOTAL_COLOR = SERIES_COLORS["delivered"], SERIES_COLORS["unserved"]

#: Investor values: percentiles and mean (blue) and the CVaR (vermillion; Okabe–Ito).
VALUE_COLOR, CVAR_COLOR = SERIES_COLORS["delivered"], SERIES_COLORS["unserved"]

#: Height of one tornado row [px].
TORNADO_ROW_PX = 34

#: Hover of a point in H100e with its own name.
_H100E_HOVER = "{name}: %{{y:,.3s}} H100e<extra>%{{x}}</extra>"


def sample_count(risk: RiskResult) -> int:
    """The number of samples of ``risk``."""
    return len(risk.samples.values)


def investor_of(output: object) -> str | None:
    """The investor of a ``npv_<investor>_musd`` output of ``RiskResult.measures``, else None.

    Examples
    --------
    >>> investor_of("npv_us-gov_musd"), investor_of("npv_objective_musd"), investor_of("x")
    ('us-gov', None, None)
    """
    text = str(output)
    if text in NPV_TOTALS or not (text.startswith("npv_") and text.endswith("_musd")):
        return None
    return text.removeprefix("npv_").removesuffix("_musd") or None


#: The plan-wide NPVs of an evaluation (not an investor's) [musd].
NPV_TOTALS = ("npv_objective_musd", "npv_cost_musd", "npv_penalty_musd")


def output_name(output: object) -> tuple[str, str]:
    """A readable name (escaped) and the unit of an output of ``RiskResult.measures``.

    Examples
    --------
    >>> output_name("npv_objective_musd"), output_name("npv_openai_musd")
    (('Cost incl. lost compute (NPV)', 'musd'), ('NPV of openai', 'musd'))
    >>> output_name("unserved_h100e"), output_name("other")
    (('Unserved compute, all years', 'H100e'), ('other', ''))
    """
    text = str(output)
    if text == "npv_objective_musd":
        return "Cost incl. lost compute (NPV)", "musd"
    if text == "npv_cost_musd":
        return "Cost (NPV)", "musd"
    if text == "unserved_h100e":
        return "Unserved compute, all years", "H100e"
    investor = investor_of(text)
    if investor is not None:
        return f"NPV of {label(investor)}", "musd"
    unit = "musd" if text.endswith("_musd") else "H100e" if text.endswith("_h100e") else ""
    return label(text), unit


def fan_chart_figure(risk: RiskResult) -> go.Figure:
    """Compute delivered and unserved per year across the samples, as percentile fans.

    Parameters
    ----------
    risk : RiskResult
        The risk of a plan; reads ``fan`` (the 5th, 25th, 50th, 75th and 95th percentiles of
        delivered and unserved compute per year), ``by_year`` (the expected unserved compute),
        ``plan.compute`` (the plan's own delivered and unserved compute) and ``samples``.

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels sharing the year axis [H100e]: top, the compute delivered; bottom, the compute
        unserved. In each, the 5–95 % band and over it the 25–75 % band (each a line at its lower
        percentile and one at its upper percentile filled down to it), the median line, and the
        plan as planned (without uncertainty) as a dashed black line; the bottom panel adds the
        mean unserved compute (dotted). Delivered is blue, unserved vermillion.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.risk.analysis import analyse
    >>> risk = analyse(fabnet.plan("altman-2024", shadow_prices=False), samples=256, seed=1)
    >>> [trace.name for trace in fan_chart_figure(risk).data][:6]  # doctest: +NORMALIZE_WHITESPACE
    ['Delivered: 5th percentile', 'Delivered: 5–95 %', 'Delivered: 25th percentile',
     'Delivered: 25–75 %', 'Delivered: median', 'Plan as planned: delivered']
    """
    go, make_subplots = plotly_modules()
    table = risk.by_year.join(risk.fan_wide()).sort_index()
    years = years_of(risk.by_year.index)
    plan = _plan_compute(risk, years)
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1,
        subplot_titles=["New compute delivered [H100e]", "New compute unserved [H100e]"],
    )
    for row, what in enumerate(("delivered", "unserved"), start=1):
        name = what.capitalize()
        color = SERIES_COLORS[what]
        for low, high, opacity in FAN_BANDS:
            group = f"{what}:{low}-{high}"
            for percentile, trace_name, fill in (
                (low, f"{name}: {ordinal(low)} percentile", None),
                (high, f"{name}: {low}–{high} %", rgba(color, opacity)),
            ):
                figure.add_trace(
                    go.Scatter(
                        x=years,
                        y=column(table, f"{what}_p{percentile}_h100e"),
                        name=trace_name,
                        legendgroup=group,
                        showlegend=fill is not None,
                        mode="lines",
                        line={"width": 0, "color": color},
                        fill="tonexty" if fill else None,
                        fillcolor=fill,
                        hovertemplate=_H100E_HOVER.format(
                            name=f"{name}: {ordinal(percentile)} percentile"
                        ),
                    ),
                    row=row,
                    col=1,
                )
        figure.add_trace(
            go.Scatter(
                x=years,
                y=column(table, f"{what}_p50_h100e"),
                name=f"{name}: median",
                legendgroup=f"{what}:median",
                mode="lines",
                line={"width": 2.5, "color": color},
                hovertemplate=_H100E_HOVER.format(name=f"{name}: median"),
            ),
            row=row,
            col=1,
        )
        figure.add_trace(
            go.Scatter(
                x=years,
                y=plan[f"{what}_h100e"],
                name=f"Plan as planned: {what}",
                legendgroup=f"plan:{what}",
                mode="lines",
                line={"width": 2, "color": PLAN_COLOR, "dash": "dash"},
                hovertemplate=_H100E_HOVER.format(name=f"Plan as planned: {what}"),
            ),
            row=row,
            col=1,
        )
    figure.add_trace(
        go.Scatter(
            x=years,
            y=column(table, "expected_unserved_h100e"),
            name="Unserved: mean",
            legendgroup="unserved:mean",
            mode="lines",
            line={"width": 2, "color": SERIES_COLORS["unserved"], "dash": "dot"},
            hovertemplate=_H100E_HOVER.format(name="Unserved: mean"),
        ),
        row=2,
        col=1,
    )
    layout = base_layout(
        f"Compute across {number(sample_count(risk))} samples: median, 25–75 % and 5–95 % bands"
        "<br><sup>dashed: the plan as planned, without uncertainty</sup>"
    )
    layout["margin"]["t"] = 100
    figure.update_layout(**layout, height=680, hovermode="x unified")
    figure.update_yaxes(rangemode="tozero", tickformat="~s")
    figure.update_xaxes(dtick=1 if len(years) <= 12 else 2, showticklabels=True)
    if not years:
        note(figure, "No years to show.")
    return figure


def shortfall_probability_figure(risk: RiskResult) -> go.Figure:
    """The probability of a shortfall above the threshold per year, with its Wilson interval.

    Parameters
    ----------
    risk : RiskResult
        The risk of a plan; reads ``by_year`` (``p_shortfall``, ``p_shortfall_low`` and
        ``p_shortfall_high`` per year), ``threshold`` and ``samples``.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace: per year, the share of the samples in which more than ``threshold`` of
        the compute wanted goes unserved, with the 95 % Wilson interval as error bars (up to
        ``p_shortfall_high``, down to ``p_shortfall_low``); the threshold is in the title.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.risk.analysis import analyse
    >>> risk = analyse(fabnet.plan("altman-2024", shadow_prices=False), samples=256, seed=1)
    >>> shortfall_probability_figure(risk).layout.title.text.split("<br>")[0]
    'Probability of a shortfall: more than 5% of the compute wanted in a year goes unserved'
    """
    go, _ = plotly_modules()
    table = risk.by_year.sort_index()
    years = years_of(risk.by_year.index)
    p = column(table, "p_shortfall")
    low = column(table, "p_shortfall_low")
    high = column(table, "p_shortfall_high")
    figure = go.Figure(
        go.Bar(
            x=years,
            y=p,
            name="P(shortfall)",
            marker={"color": SERIES_COLORS["shortfall"]},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": high - p,
                "arrayminus": p - low,
                "color": SERIES_COLORS["demand"],
                "thickness": 1.5,
                "width": 4,
            },
            hovertext=[
                f"<b>{year}</b>: P(shortfall) {_probability(a)}<br>95 % Wilson interval "
                f"{_probability(b)}–{_probability(c)}"
                for year, a, b, c in zip(years, p, low, high, strict=True)
            ],
            hovertemplate=HOVERTEXT,
            showlegend=False,
        )
    )
    figure.update_layout(
        **base_layout(
            f"Probability of a shortfall: more than {share(risk.threshold)} of the compute "
            "wanted in a year goes unserved"
            f"<br><sup>share of the {number(sample_count(risk))} samples; whiskers: 95 % Wilson "
            "interval</sup>"
        ),
        height=440,
        hovermode="closest",
        xaxis={"dtick": 1 if len(years) <= 12 else 2},
        yaxis={"title": {"text": "probability"}, "tickformat": ".0%", "range": [0.0, 1.0]},
    )
    return figure


def tornado_figure(risk: RiskResult) -> go.Figure:
    """The NPV of cost with each input alone at its low and at its high value, as a tornado.

    Parameters
    ----------
    risk : RiskResult
        The risk of a plan; reads ``tornado`` (per input: ``low_value``, ``high_value``,
        ``output_low``, ``output_high``, ``swing``; ``attrs["output_base"]``, the NPV of cost
        with every input at its base value).

    Returns
    -------
    plotly.graph_objects.Figure
        One row per input, the biggest swing on top, labelled ``input: low → high`` (the input's
        low and high values). Two horizontal bar traces from the base NPV: "Input at its high
        value" (orange, wide) to ``output_high`` and over it "Input at its low value" (sky blue,
        narrow) to ``output_low``; a vertical line at the base NPV [musd].

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.risk.analysis import analyse
    >>> risk = analyse(fabnet.plan("altman-2024", shadow_prices=False), samples=256, seed=1)
    >>> figure = tornado_figure(risk)
    >>> [trace.name for trace in figure.data], figure.data[0].y[0].split(":")[0]
    (['Input at its high value', 'Input at its low value'], 'demand-growth')
    """
    go, _ = plotly_modules()
    table = risk.tornado.sort_values("swing", ascending=False, kind="stable")
    known = as_float(risk.tornado.attrs.get("output_base"))
    base = 0.0 if known is None else known
    rows = [
        f"{label(row.input)}: {_value(row.low_value)} → {_value(row.high_value)}"
        for row in table.itertuples(index=False)
    ]
    figure = go.Figure()
    for which, key, value, color, width in (
        ("high", "output_high", "high_value", HIGH_COLOR, 0.7),
        ("low", "output_low", "low_value", LOW_COLOR, 0.4),
    ):
        outputs = table[key].to_numpy(dtype=float)
        figure.add_trace(
            go.Bar(
                orientation="h",
                y=rows,
                x=outputs - base,
                base=[base] * len(rows),
                width=width,
                name=f"Input at its {which} value",
                legendgroup=which,
                marker={"color": color},
                hovertext=[
                    f"<b>{label(row.input)}</b> at its {which} value, "
                    f"{_value(getattr(row, value))}<br>NPV of cost: {number(out)} musd "
                    f"({signed(out - base)} musd against the base)"
                    for row, out in zip(table.itertuples(index=False), outputs, strict=True)
                ],
                hovertemplate=HOVERTEXT,
            )
        )
    subtitle = (
        f"line: every input at its base value, {number(base)} musd"
        if known is not None
        else "the NPV at the base values is unknown: bars from zero"
    )
    layout = base_layout(
        "What moves the NPV of cost: each input alone from its low to its high value [musd]"
        f"<br><sup>{subtitle}</sup>"
    )
    layout["margin"]["l"] = 20
    figure.update_layout(
        **layout,
        height=max(320, 170 + TORNADO_ROW_PX * len(rows)),
        barmode="overlay",
        hovermode="closest",
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "x0": base,
                "x1": base,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": PLAN_COLOR, "width": 1.5},
            }
        ],
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
        xaxis={"title": {"text": "NPV of cost [musd]"}, "tickformat": ",.0f"},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": rows,
            "autorange": "reversed",
            "automargin": True,
        },
    )
    if not rows:
        note(figure, "No input to swing.")
    return figure


def sobol_figure(risk: RiskResult) -> go.Figure:
    """First-order and total Sobol' indices of the NPV of cost per input.

    Parameters
    ----------
    risk : RiskResult
        The risk of a plan; reads ``sobol`` (per input: ``first_order`` and ``total``).

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars per input, the largest total index first: "First order" (blue; the share
        of the variance the input explains alone) and "Total" (vermillion; with every
        interaction), each labelled with its value to two decimals.

    Raises
    ------
    ParameterError
        ``risk.sobol`` is None: the analysis computed no Sobol' indices.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.risk.analysis import analyse
    >>> plan = fabnet.plan("altman-2024", shadow_prices=False)
    >>> risk = analyse(plan, samples=256, seed=1, sobol_samples=64)
    >>> [trace.name for trace in sobol_figure(risk).data], sobol_figure(risk).data[0].x[0]
    (['First order', 'Total'], 'demand-growth')
    """
    go, _ = plotly_modules()
    if risk.sobol is None:
        raise ParameterError("risk.sobol", "Sobol' indices (analyse with sobol_samples)", None)
    table = risk.sobol.sort_values("total", ascending=False, kind="stable")
    inputs = [label(name) for name in table["input"]]
    figure = go.Figure()
    for name, key, color in (
        ("First order", "first_order", FIRST_ORDER_COLOR),
        ("Total", "total", TOTAL_COLOR),
    ):
        values = table[key].to_numpy(dtype=float)
        figure.add_trace(
            go.Bar(
                x=inputs,
                y=values,
                name=name,
                marker={"color": color},
                text=[rounded(value, 2) for value in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{name}: %{{y:.3f}}<extra>%{{x}}</extra>",
            )
        )
    figure.update_layout(
        **base_layout(
            "Sobol' indices of the NPV of cost"
            "<br><sup>first order: the share of its variance an input explains alone; total: "
            "with all its interactions. Estimates: a small negative value is noise</sup>"
        ),
        height=440,
        barmode="group",
        hovermode="closest",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": inputs},
        yaxis={"title": {"text": "index"}, "tickformat": ".1f"},
    )
    if not inputs:
        note(figure, "No input was analysed.")
    return figure


def investor_value_figure(risk: RiskResult) -> go.Figure:
    """Each investor's NPV across the samples: percentiles, mean and CVaR.

    Parameters
    ----------
    risk : RiskResult
        The risk of a plan; reads ``measures`` and ``quantiles`` (the rows of kind ``"value"``,
        ``npv_<investor>_musd``: mean, p5, p50, p95, cvar) and ``alpha``.

    Returns
    -------
    plotly.graph_objects.Figure
        Per investor (the highest median first) [musd]: a grey line from the 5th to the 95th
        percentile, then markers: "5th percentile" and "95th percentile" (ticks), "Median"
        (circle), "Mean" (open diamond), all blue, and the CVaR of the low tail (vermillion
        cross): the mean NPV of the worst ``1 − alpha`` of the samples.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.risk.analysis import analyse
    >>> risk = analyse(fabnet.plan("altman-2024", shadow_prices=False), samples=256, seed=1)
    >>> [trace.name for trace in investor_value_figure(risk).data]  # doctest: +NORMALIZE_WHITESPACE
    ['5th to 95th percentile', '5th percentile', '95th percentile', 'Median', 'Mean',
     'CVaR 95%']
    """
    go, _ = plotly_modules()
    table = investor_values(risk.measures_wide())
    names = [label(investor) for investor in table.index]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[x for name in names for x in (name, name, None)],
            y=[y for low, high in zip(table["p5"], table["p95"], strict=True)
               for y in (float(low), float(high), None)],
            name="5th to 95th percentile",
            mode="lines",
            line={"color": "#888888", "width": 3},
            hoverinfo="skip",
        )
    )  # fmt: skip
    hover = [
        "<br>".join(
            [
                f"<b>{name}</b>: NPV across the samples [musd]",
                f"5th percentile {number(row['p5'])} · median {number(row['p50'])} · 95th "
                f"percentile {number(row['p95'])}",
                f"mean {number(row['mean'])} · CVaR {share(risk.alpha)} {number(row['cvar'])}",
            ]
        )
        for name, (_, row) in zip(names, table.iterrows(), strict=True)
    ]
    markers: list[tuple[str, str, dict[str, Any]]] = [
        ("5th percentile", "p5", {"symbol": "line-ew-open", "size": 18, "color": VALUE_COLOR}),
        ("95th percentile", "p95", {"symbol": "line-ew-open", "size": 18, "color": VALUE_COLOR}),
        ("Median", "p50", {"symbol": "circle", "size": 11, "color": VALUE_COLOR}),
        ("Mean", "mean", {"symbol": "diamond-open", "size": 11, "color": VALUE_COLOR}),
        (f"CVaR {share(risk.alpha)}", "cvar", {"symbol": "x", "size": 11, "color": CVAR_COLOR}),
    ]
    for name, key, marker in markers:
        figure.add_trace(
            go.Scatter(
                x=names,
                y=table[key].to_numpy(dtype=float),
                name=name,
                mode="markers",
                marker={**marker, "line": {"width": 2, "color": marker["color"]}},
                hovertext=hover,
                hovertemplate=f"{name}: %{{y:,.0f}} musd<extra>%{{x}}</extra>",
            )
        )
    tail = share(1.0 - risk.alpha)
    figure.update_layout(
        **base_layout(
            "Investor NPV at the hurdle rate across the samples [musd]"
            f"<br><sup>CVaR {share(risk.alpha)}: the mean NPV of the worst {tail} of the "
            "samples</sup>"
        ),
        height=460,
        hovermode="closest",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": names},
        yaxis={"title": {"text": "musd"}, "tickformat": ",.0f", "zeroline": True,
               "zerolinecolor": "#888888"},
    )  # fmt: skip
    if not names:
        note(figure, "No investor: the plan calls on no investor's money.")
    return figure


def investor_values(measures: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``measures`` of kind ``"value"`` with an investor, indexed by investor and
    sorted by their median, the highest first (ties in the order of ``measures``)."""
    values = measures[measures["kind"].astype(str) == "value"]
    investors = [investor_of(output) for output in values.index]
    rows = [position for position, investor in enumerate(investors) if investor is not None]
    table = values.iloc[rows].set_axis([investors[position] for position in rows], axis=0)
    return table.sort_values("p50", ascending=False, kind="stable")


def _plan_compute(risk: RiskResult, years: list[int]) -> dict[str, Any]:
    """The plan's delivered and unserved compute [H100e] over ``years`` (NaN where missing)."""
    compute = risk.plan.compute.groupby("year")[["delivered_h100e", "unserved_h100e"]].sum()
    compute = compute.set_axis([int(year) for year in compute.index], axis=0).reindex(years)
    return {name: compute[name].to_numpy(dtype=float) for name in compute.columns}


def _value(value: object) -> str:
    """An input's value with three significant digits (escaped).

    Examples
    --------
    >>> _value(0.825115), _value(25.607695), _value(-1.5), _value("x")
    ('0.825', '25.6', '−1.5', 'x')
    """
    numeric = as_float(value)
    return label(value) if numeric is None else f"{numeric:.3g}".replace("-", "−")


def _probability(value: object) -> str:
    """A probability as a percentage with one decimal; an em dash when missing.

    Examples
    --------
    >>> _probability(0.3555), _probability(0.0), _probability(float("nan"))
    ('35.5%', '0.0%', '—')
    """
    numeric = as_float(value)
    return "—" if numeric is None else f"{numeric:.1%}"

"""The risk's and the stochastic plan's figures and report: values, order, escaping, absent parts.

Numbers refer to the small risk and stochastic plan of tests/report/conftest.py (listed above
``FAN`` and ``WORLDS`` there). That the page draws is checked in test_report_browser.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from typing import Any

import pandas as pd
import pytest
from markupsafe import escape

import fabnet
from fabnet.exceptions import ParameterError
from fabnet.report import render_report, risk_figures, stochastic_figures
from fabnet.report._palette import SERIES_COLORS
from fabnet.report.gap_html import SECTIONS
from fabnet.report.plan_html import PLAN_SECTIONS
from fabnet.report.risk_html import RISK_SECTIONS
from fabnet.report.stochastic_html import STOCHASTIC_SECTIONS

DAY = dt.date(2026, 1, 2)
YEARS = [2024, 2025, 2026]

#: Figures of the gap report, the plan's, the risk's (with Sobol') and the stochastic plan's.
GAP_FIGURES, PLAN_FIGURES, RISK_FIGURES, STOCHASTIC_FIGURES = 3, 5, 5, 1

EVIL = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def _section(html: str, section_id: str) -> str:
    start = html.index(f"<section id='{section_id}'>")
    return html[start : html.index("</section>", start)]


def _section_ids(html: str) -> list[str]:
    return [part.split("'", 1)[0] for part in html.split("<section id='")[1:]]


def _texts(figure: Any) -> str:
    """Every name, text, hover text and category of ``figure``, and its titles, joined."""
    texts = [figure.layout.title.text or ""]
    texts += [annotation.text or "" for annotation in figure.layout.annotations]
    for trace in figure.data:
        texts += [trace.name or "", *(trace.hovertext or []), *(trace.text or [])]
        texts += [str(v) for axis in (trace.x, trace.y) if axis is not None for v in axis]
    return "\n".join(texts)


def _hostile(risk: Any, stochastic: Any) -> tuple[Any, Any]:
    """``risk`` and ``stochastic`` with hostile input, investor, event, site and world names."""
    rename = {"delay-us": f"i{EVIL}"}
    tornado = risk.tornado.replace({"input": rename})
    tornado.attrs["output_base"] = risk.tornado.attrs["output_base"]
    samples = dataclasses.replace(
        risk.samples,
        values=risk.samples.values.rename(columns=rename),  # noqa: PD011 - a DataFrame
        events={f"e{EVIL}": next(iter(risk.samples.events.values()))},
        method=f"m{EVIL}",
    )
    hostile = dataclasses.replace(
        risk,
        samples=samples,
        measures=risk.measures.rename(index={"npv_openai_musd": f"npv_o{EVIL}_musd"}),
        quantiles=risk.quantiles.rename(index={"npv_openai_musd": f"npv_o{EVIL}_musd"}),
        tornado=tornado,
        sobol=risk.sobol.replace({"input": rename}),
    )
    first = stochastic.first_stage.assign(partner=f"p{EVIL}", site=f"s{EVIL}")
    worlds = stochastic.by_scenario.rename(index={0: f"w{EVIL}"})
    stats = {**stochastic.stats, "notes": [f"n{EVIL}"]}
    return hostile, dataclasses.replace(
        stochastic, first_stage=first, by_scenario=worlds, stats=stats
    )


# --- figures ---------------------------------------------------------------------------------


def test_fan_chart_bands_median_and_the_plan(small_risk: Any) -> None:
    figure = risk_figures.fan_chart_figure(small_risk)
    traces = {t.name: t for t in figure.data}

    names = [
        "{w}: 5th percentile", "{w}: 5–95 %", "{w}: 25th percentile", "{w}: 25–75 %",
        "{w}: median", "Plan as planned: {l}",
    ]  # fmt: skip
    assert [t.name for t in figure.data] == [
        *(n.format(w="Delivered", l="delivered") for n in names),
        *(n.format(w="Unserved", l="unserved") for n in names),
        "Unserved: mean",
    ]
    assert all(list(t.x) == YEARS for t in figure.data)
    # Each band: a line at its lower percentile, then one at its upper filled down to it.
    assert list(traces["Delivered: 5th percentile"].y) == [1.6e6, 3e6, 6e6]
    assert list(traces["Delivered: 5–95 %"].y) == [2e6, 5e6, 11e6]
    assert list(traces["Delivered: 25th percentile"].y) == [1.8e6, 3.5e6, 7.5e6]
    assert list(traces["Delivered: 25–75 %"].y) == [2e6, 4.4e6, 9.5e6]
    assert list(traces["Delivered: median"].y) == [2e6, 4e6, 8.5e6]
    assert list(traces["Unserved: 5th percentile"].y) == [0.0, 0.0, 0.5e6]
    assert list(traces["Unserved: 5–95 %"].y) == [0.0, 3e6, 8e6]
    assert list(traces["Unserved: 25–75 %"].y) == [0.0, 1.5e6, 4.5e6]
    assert list(traces["Unserved: median"].y) == [0.0, 1e6, 3e6]
    assert list(traces["Unserved: mean"].y) == [0.0, 1.2e6, 3.5e6]
    for what, color in (("Delivered", "0, 114, 178"), ("Unserved", "213, 94, 0")):
        lower, upper = traces[f"{what}: 5th percentile"], traces[f"{what}: 5–95 %"]
        assert (lower.fill, lower.showlegend, lower.line.width) == (None, False, 0)
        assert (upper.fill, upper.showlegend) == ("tonexty", True)
        assert upper.fillcolor == f"rgba({color}, 0.18)"
        assert traces[f"{what}: 25–75 %"].fillcolor == f"rgba({color}, 0.4)"
        assert traces[f"{what}: median"].line.color == SERIES_COLORS[what.lower()]
    # The plan as planned (conftest's plan): delivered 2, 4, 9 M; unserved 0, 1, 3 M.
    assert list(traces["Plan as planned: delivered"].y) == [2e6, 4e6, 9e6]
    assert list(traces["Plan as planned: unserved"].y) == [0.0, 1e6, 3e6]
    assert traces["Plan as planned: delivered"].line.dash == "dash"
    assert {t.yaxis for t in figure.data[:6]} == {"y"}
    assert {t.yaxis for t in figure.data[6:]} == {"y2"}  # a panel of its own
    assert figure.layout.title.text.startswith("Compute across 200 samples")


def test_fan_chart_plan_line_follows_the_years(small_risk: Any) -> None:
    # The plan misses a year and lists the others out of order: NaN there, no shift.
    compute = small_risk.plan.compute.iloc[[2, 0]]
    risk = dataclasses.replace(
        small_risk, plan=dataclasses.replace(small_risk.plan, compute=compute)
    )

    figure = risk_figures.fan_chart_figure(risk)

    delivered = next(t for t in figure.data if t.name == "Plan as planned: delivered")
    assert delivered.y[0] == 2e6
    assert math.isnan(delivered.y[1])
    assert delivered.y[2] == 9e6


def test_shortfall_probability(small_risk: Any) -> None:
    figure = risk_figures.shortfall_probability_figure(small_risk)
    (bars,) = figure.data

    assert bars.type == "bar"
    assert list(bars.x) == YEARS
    assert list(bars.y) == [0.0, 0.25, 0.6]
    assert bars.error_y.symmetric is False
    assert list(bars.error_y.array) == pytest.approx([0.0188, 0.0636, 0.0654])
    assert list(bars.error_y.arrayminus) == pytest.approx([0.0, 0.0545, 0.0692])
    assert (
        bars.hovertext[1] == "<b>2025</b>: P(shortfall) 25.0%<br>95 % Wilson interval 19.6%–31.4%"
    )
    assert figure.layout.title.text.startswith(
        "Probability of a shortfall: more than 5% of the compute wanted in a year goes unserved"
    )
    assert "share of the 200 samples" in figure.layout.title.text
    assert tuple(figure.layout.yaxis.range) == (0.0, 1.0)


def test_shortfall_threshold_in_the_title(small_risk: Any) -> None:
    risk = dataclasses.replace(small_risk, threshold=0.025)

    title = risk_figures.shortfall_probability_figure(risk).layout.title.text

    assert "more than 2.5% of the compute wanted" in title


def test_tornado_biggest_swing_on_top(small_risk: Any) -> None:
    figure = risk_figures.tornado_figure(small_risk)
    high, low = figure.data
    rows = [
        "demand-growth: 0.8 → 1.25",
        "capex-overrun: 0.9 → 1.4",
        "delay-us: 3 → 24",
    ]

    assert [t.name for t in figure.data] == ["Input at its high value", "Input at its low value"]
    assert all(t.type == "bar" and t.orientation == "h" for t in figure.data)
    assert list(high.y) == rows
    assert list(low.y) == rows
    assert list(figure.layout.yaxis.categoryarray) == rows
    assert figure.layout.yaxis.autorange == "reversed"  # the first row on top
    # Bars from the base (48,000) to the output: demand-growth, capex-overrun, delay-us.
    assert list(high.base) == [48000.0] * 3
    assert list(high.x) == [22000.0, 4500.0, -1000.0]
    assert list(low.x) == [-8000.0, -500.0, 1000.0]
    assert (high.width, low.width) == (0.7, 0.4)  # the low bar drawn narrower, over the high
    (line,) = figure.layout.shapes
    assert (line.x0, line.x1) == (48000.0, 48000.0)
    assert "every input at its base value, 48,000 musd" in figure.layout.title.text
    assert high.hovertext[2] == (
        "<b>delay-us</b> at its high value, 24<br>NPV of cost: 47,000 musd "
        "(−1,000 musd against the base)"
    )
    assert low.hovertext[0].endswith("(−8,000 musd against the base)")


def test_tornado_without_its_base(small_risk: Any) -> None:
    tornado = small_risk.tornado.copy()
    tornado.attrs = {}

    figure = risk_figures.tornado_figure(dataclasses.replace(small_risk, tornado=tornado))

    assert list(figure.data[0].base) == [0.0] * 3
    assert list(figure.data[0].x) == [70000.0, 52500.0, 47000.0]
    assert "unknown: bars from zero" in figure.layout.title.text


def test_sobol_indices_largest_total_first(small_risk: Any) -> None:
    figure = risk_figures.sobol_figure(small_risk)
    first, total = figure.data

    assert [t.name for t in figure.data] == ["First order", "Total"]
    assert figure.layout.barmode == "group"
    inputs = ["demand-growth", "capex-overrun", "delay-us"]
    assert list(first.x) == inputs
    assert list(total.x) == inputs
    assert list(first.y) == [0.8, -0.004, 0.01]
    assert list(total.y) == [0.85, 0.1, 0.02]
    assert list(first.text) == ["0.80", "0.00", "0.01"]  # no "−0.00"
    assert list(total.text) == ["0.85", "0.10", "0.02"]
    assert first.marker.color != total.marker.color


def test_sobol_figure_needs_sobol_indices(small_risk: Any) -> None:
    with pytest.raises(ParameterError, match="sobol"):
        risk_figures.sobol_figure(dataclasses.replace(small_risk, sobol=None))


def test_investor_values(small_risk: Any) -> None:
    figure = risk_figures.investor_value_figure(small_risk)
    traces = {t.name: t for t in figure.data}
    investors = ["microsoft", "openai", "softbank"]  # by median, the highest first

    assert [t.name for t in figure.data] == [
        "5th to 95th percentile",
        "5th percentile",
        "95th percentile",
        "Median",
        "Mean",
        "CVaR 90%",
    ]
    span = traces["5th to 95th percentile"]
    assert list(span.x) == ["microsoft", "microsoft", None, "openai", "openai", None,
                            "softbank", "softbank", None]  # fmt: skip
    assert list(span.y) == [200.0, 2600.0, None, -300.0, 1700.0, None, 0.0, 0.0, None]
    for name in ("5th percentile", "95th percentile", "Median", "Mean", "CVaR 90%"):
        assert list(traces[name].x) == investors, name
    assert list(traces["5th percentile"].y) == [200.0, -300.0, 0.0]
    assert list(traces["Median"].y) == [1600.0, 900.0, 0.0]
    assert list(traces["95th percentile"].y) == [2600.0, 1700.0, 0.0]
    assert list(traces["Mean"].y) == [1500.0, 800.0, 0.0]
    assert list(traces["CVaR 90%"].y) == [50.0, -450.0, 0.0]
    assert traces["CVaR 90%"].marker.symbol == "x"  # not by colour alone
    assert traces["Median"].hovertext[1].split("<br>") == [
        "<b>openai</b>: NPV across the samples [musd]",
        "5th percentile −300 · median 900 · 95th percentile 1,700",
        "mean 800 · CVaR 90% −450",
    ]
    assert list(figure.layout.xaxis.categoryarray) == investors
    assert "the mean NPV of the worst 10% of the samples" in figure.layout.title.text


def test_stochastic_figure(small_stochastic: Any) -> None:
    figure = stochastic_figures.stochastic_figure(small_stochastic)
    traces = {t.name: t for t in figure.data}
    worlds = ["0", "1", "2", "3"]

    assert [t.name for t in figure.data] == [
        "Stochastic plan: cost",
        "Expected-value plan: cost",
        "Wait-and-see: cost",
        "Expected cost",
        "CVaR of cost",
        "Stochastic plan: unserved",
        "Objective",
    ]
    for name in list(traces)[:6]:
        assert list(traces[name].x) == worlds, name
    assert list(traces["Stochastic plan: cost"].y) == [40000.0, 55000.0, 48000.0, 90000.0]
    assert list(traces["Expected-value plan: cost"].y) == [42000.0, 60000.0, 50000.0, 104000.0]
    assert list(traces["Wait-and-see: cost"].y) == [38000.0, 52000.0, 46000.0, 84000.0]
    assert list(traces["Expected cost"].y) == [58250.0] * 4
    assert list(traces["CVaR of cost"].y) == [90000.0] * 4
    assert list(traces["Stochastic plan: unserved"].y) == [0.0, 1e6, 5e5, 4e6]
    objective = traces["Objective"]
    assert list(objective.x) == ["RP", "EEV", "WS"]
    assert list(objective.y) == [60000.0, 64000.0, 55000.0]
    assert list(objective.text) == ["60,000", "64,000", "55,000"]
    assert [t.xaxis for t in figure.data] == ["x", "x", "x", "x", "x", "x2", "x3"]
    assert figure.layout.xaxis.type == "category"  # worlds 0–3 are labels, not numbers
    assert "VSS = EEV − RP = 4,000 musd; EVPI = RP − WS = 5,000 musd" in figure.layout.title.text
    assert traces["Stochastic plan: cost"].hovertext[1] == (
        "<b>world 1</b><br>cost 55,000 musd · unserved 1 M H100e · 4 modules"
    )


def test_stochastic_figure_with_an_eev_that_is_not_finite(small_stochastic: Any) -> None:
    by_scenario = small_stochastic.by_scenario.drop(columns=["eev_cost_musd", "ws_cost_musd"])
    stochastic = dataclasses.replace(
        small_stochastic, eev=math.inf, ws=math.nan, by_scenario=by_scenario
    )

    figure = stochastic_figures.stochastic_figure(stochastic)

    assert [t.name for t in figure.data][1:3] == ["Expected cost", "CVaR of cost"]
    objective = figure.data[-1]
    assert objective.y[0] == 60000.0
    assert math.isnan(objective.y[1])
    assert math.isnan(objective.y[2])
    assert list(objective.text) == ["60,000", "∞", "—"]
    assert "VSS = EEV − RP = ∞ musd; EVPI = RP − WS = — musd" in figure.layout.title.text


def test_figure_text_from_data_is_escaped(small_risk: Any, small_stochastic: Any) -> None:
    risk, stochastic = _hostile(small_risk, small_stochastic)

    figures = [
        risk_figures.tornado_figure(risk),
        risk_figures.sobol_figure(risk),
        risk_figures.investor_value_figure(risk),
        stochastic_figures.stochastic_figure(stochastic),
    ]
    joined = "\n".join(_texts(figure) for figure in figures)

    assert "<script>" not in joined
    for text in (f"i{ESCAPED}: 3 → 24", f"<b>i{ESCAPED}</b>", f"o{ESCAPED}", f"w{ESCAPED}"):
        assert text in joined, text
    assert "<b>" in joined  # the figures' own markup stays


def test_figures_of_nothing_still_draw(small_risk: Any) -> None:
    tornado = small_risk.tornado.iloc[0:0]
    measures = small_risk.measures[small_risk.measures["kind"] == "cost"]
    quantiles = small_risk.quantiles.loc[list(measures.index)]
    risk = dataclasses.replace(small_risk, tornado=tornado, measures=measures, quantiles=quantiles)

    figure = risk_figures.tornado_figure(risk)
    assert [len(t.y) for t in figure.data] == [0, 0]
    assert figure.layout.annotations[0].text == "No input to swing."
    values = risk_figures.investor_value_figure(risk)
    assert [len(t.x) for t in values.data] == [0] * 6
    assert (
        values.layout.annotations[0].text == "No investor: the plan calls on no investor's money."
    )


# --- the risk report -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def risk_html(small_risk: Any, small_gap: Any) -> str:
    return render_report(small_risk, outlook=small_gap, generated=DAY)


@pytest.fixture(scope="module")
def stochastic_html(small_risk: Any, small_stochastic: Any, small_gap: Any) -> str:
    return render_report(small_risk, outlook=small_gap, stochastic=small_stochastic, generated=DAY)


def test_risk_report_is_the_plan_report_then_the_risk(
    risk_html: str, small_risk: Any, small_gap: Any
) -> None:
    expected = [s.id for s in (*SECTIONS[:-1], *PLAN_SECTIONS, *RISK_SECTIONS, SECTIONS[-1])]
    assert _section_ids(risk_html) == expected
    for section in RISK_SECTIONS:
        assert f"<li><a href='#{section.id}'>{escape(section.title)}</a></li>" in risk_html
    plan_page = render_report(small_risk.plan, outlook=small_gap, generated=DAY)
    for section in (*SECTIONS, *PLAN_SECTIONS):
        assert _section(risk_html, section.id) == _section(plan_page, section.id)
    assert risk_html.count("Plotly.newPlot(") == GAP_FIGURES + PLAN_FIGURES + RISK_FIGURES
    for div in ("fig-risk-fan", "fig-risk-shortfall", "fig-risk-tornado", "fig-risk-sobol",
                "fig-risk-investors"):  # fmt: skip
        assert risk_html.count(f'id="{div}"') == 1, div
    assert "stochastic" not in risk_html.lower()
    name = small_risk.plan.scenario.name
    assert f"<h1>Network plan and its risk: {name}</h1>" in risk_html
    assert f"fabnet {fabnet.__version__} · generated 2026-01-02 · years 2024–2026" in risk_html


def test_risk_report_with_a_stochastic_plan(stochastic_html: str, risk_html: str) -> None:
    expected = [
        s.id
        for s in (*SECTIONS[:-1], *PLAN_SECTIONS, *RISK_SECTIONS, *STOCHASTIC_SECTIONS,
                  SECTIONS[-1])
    ]  # fmt: skip
    assert _section_ids(stochastic_html) == expected
    assert stochastic_html.count("Plotly.newPlot(") == (
        GAP_FIGURES + PLAN_FIGURES + RISK_FIGURES + STOCHASTIC_FIGURES
    )
    assert stochastic_html.count('id="fig-stochastic"') == 1
    for section in RISK_SECTIONS:
        assert _section(stochastic_html, section.id) == _section(risk_html, section.id)


def test_risk_key_figures(risk_html: str) -> None:
    key = _section(risk_html, "risk-key-figures")

    for term, value in [
        ("Samples", "200"),
        ("Sampling", "Latin hypercube, seed 7"),
        ("Shortfall threshold", "5% of a year's compute unserved"),
        ("Confidence level of VaR and CVaR", "90%"),
        ("P(shortfall) in 2026", "60% (53–67%)"),
        ("Expected unserved compute 2024–2026", "4.7 M H100e (24% of wanted)"),
        ("Expected cost (NPV)", "52 B USD"),
        ("VaR 90% of the cost (NPV)", "80 B USD"),
        ("CVaR 90% of the cost (NPV)", "95 B USD"),
    ]:
        assert f"<dt>{term}</dt><dd>{value}</dd>" in key, term
    assert "in 2030" not in key  # not a year of this analysis
    assert (
        "Inputs sampled: demand-growth, delay-us, capex-overrun; disruption events: tw-quake."
    ) in key


def test_risk_key_figures_name_2030_and_the_last_year(small_risk: Any, small_gap: Any) -> None:
    by_year = small_risk.by_year.set_axis(pd.Index([2029, 2030, 2031], name="year"), axis=0)
    risk = dataclasses.replace(small_risk, by_year=by_year)

    key = _section(render_report(risk, outlook=small_gap, generated=DAY), "risk-key-figures")

    assert "<dt>P(shortfall) in 2030</dt><dd>25% (20–31%)</dd>" in key
    assert "<dt>P(shortfall) in 2031</dt><dd>60% (53–67%)</dd>" in key
    assert "Expected unserved compute 2029–2031" in key


def test_risk_measures_table(risk_html: str) -> None:
    section = _section(risk_html, "risk-measures")
    rows = section.split("<tr")[2:]

    assert section.count("<tbody") == 2  # the costs, then the values
    assert "<th scope='col' class=num>VaR 90%</th><th scope='col' class=num>CVaR 90%</th>" in (
        section
    )
    assert [re.findall(r"<td class='output'>([^<]*)<", row)[0] for row in rows] == [
        "Cost incl. lost compute (NPV)",
        "Unserved compute, all years",
        "NPV of openai",
        "NPV of microsoft",
        "NPV of softbank",
    ]
    assert (
        "<td class='output'>Cost incl. lost compute (NPV)</td><td class='unit'>musd</td>"
        "<td class='tail'>high</td>"
        "<td class='num mean'>52,000</td><td class='num 5th'>30,000</td>"
        "<td class='num median'>48,000</td><td class='num 95th'>85,000</td>"
        "<td class='num var'>80,000</td><td class='num cvar'>95,000</td>"
    ) in rows[0]
    assert (
        "<td class='unit'>H100e</td><td class='tail'>high</td><td class='num mean'>4.7 M</td>"
    ) in rows[1]
    assert "<td class='tail'>low</td>" in rows[2]
    assert "<td class='num var'>−100</td><td class='num cvar'>−450</td>" in rows[2]
    assert "exceeded in 10% of the samples" in section


def test_risk_tornado_and_sobol_sections(risk_html: str) -> None:
    assert 'id="fig-risk-tornado"' in _section(risk_html, "risk-tornado")
    sobol = _section(risk_html, "risk-sobol")
    rows = sobol.split("<tr")[2:]
    assert 'id="fig-risk-sobol"' in sobol
    assert [re.findall(r"<td class='input'>([^<]*)<", row)[0] for row in rows] == [
        "demand-growth",
        "capex-overrun",
        "delay-us",
    ]
    assert "<td class='num first'>−0.004</td><td class='num total'>0.100</td>" in rows[1]


def test_risk_report_without_sobol(small_risk: Any, small_gap: Any) -> None:
    page = render_report(
        dataclasses.replace(small_risk, sobol=None), outlook=small_gap, generated=DAY
    )

    sobol = _section(page, "risk-sobol")
    assert "Sobol' indices were not computed for this analysis" in sobol
    assert "fig-risk-sobol" not in page
    assert page.count("Plotly.newPlot(") == GAP_FIGURES + PLAN_FIGURES + RISK_FIGURES - 1


def test_stochastic_value_table(stochastic_html: str) -> None:
    section = _section(stochastic_html, "stochastic-value")
    rows = section.split("<tr")[2:]

    for term, value in [
        ("Worlds", "4"),
        ("Expected cost", "58,250 musd"),
        ("CVaR of cost", "90,000 musd"),
        ("First-stage modules", "3"),
    ]:
        assert f"<dt>{term}</dt><dd>{value}</dd>" in section, term
    cells = [re.findall(r"<td class='[^']*'>([^<]*)<", row)[:2] for row in rows]
    assert cells == [
        ["RP", "60,000"],
        ["EEV", "64,000"],
        ["WS", "55,000"],
        ["VSS = EEV − RP", "4,000"],
        ["EVPI = RP − WS", "5,000"],
    ]
    assert section.count("<tbody") == 2
    assert "Value of the stochastic solution: what planning for the spread saves" in rows[3]
    assert "Expected value of perfect information" in rows[4]
    assert "Settings: CVaR weight λ 0.1, α 0.9." in section
    assert "Note: some solves stopped before proving optimality (time_limit)." in section


def test_stochastic_value_table_with_an_eev_that_is_not_finite(
    small_risk: Any, small_stochastic: Any, small_gap: Any
) -> None:
    stochastic = dataclasses.replace(small_stochastic, eev=math.inf)

    page = render_report(small_risk, outlook=small_gap, stochastic=stochastic, generated=DAY)

    section = _section(page, "stochastic-value")
    assert "<td class='measure'>EEV</td><td class='num value'>∞</td>" in section
    assert "<td class='measure'>VSS = EEV − RP</td><td class='num value'>∞</td>" in section


def test_stochastic_first_stage_table(stochastic_html: str) -> None:
    section = _section(stochastic_html, "stochastic-first-stage")
    rows = section.split("<tr")[2:]

    assert "2 first-stage starts" in section
    assert "<td class='num start'>2024</td>" in rows[0]  # by start year
    assert "<td class='resource'>COWOS</td><td class='num modules'>1</td>" in rows[0]
    assert "<td class='num start'>2025</td>" in rows[1]
    assert "<td class='num modules'>3</td>" in rows[2]  # the total
    assert "<td class='site'>jp-kumamoto</td>" not in section  # the site's name, not its id


def test_report_strings_are_escaped(
    small_risk: Any, small_stochastic: Any, small_gap: Any, stochastic_html: str
) -> None:
    risk, stochastic = _hostile(small_risk, small_stochastic)

    page = render_report(risk, outlook=small_gap, stochastic=stochastic, generated=DAY)

    assert "<script>alert" not in page
    assert "alert('x')</script>" not in page
    assert page.count("<script") == stochastic_html.count("<script")  # none from data
    for text in (f"i{ESCAPED}", f"e{ESCAPED}", f"m{ESCAPED}", f"NPV of o{ESCAPED}",
                 f"p{ESCAPED}", f"s{ESCAPED}", f"Note: n{ESCAPED}."):  # fmt: skip
        assert text in page, text
    # A world's name is only in a figure, whose JSON also escapes the "/": \u002f.
    assert "world w&lt;script&gt;alert(&#x27;x&#x27;)&lt;\\u002fscript&gt;" in page
    assert f"<td class='input'>i{ESCAPED}</td>" in _section(page, "risk-sobol")


def test_pages_load_nothing_and_inline_plotlyjs_once(stochastic_html: str) -> None:
    from plotly.offline import get_plotlyjs

    licence = str(get_plotlyjs())[:120]
    assert not re.search(r"<script\b[^>]*\bsrc\s*=|<link\b|@import\b|@font-face\b", stochastic_html)
    assert stochastic_html.count("window.PlotlyGeoAssets = {") == 1
    assert stochastic_html.count(licence) == 1
    assert ">nan<" not in stochastic_html.lower()


def test_same_input_same_bytes(
    small_risk: Any, small_stochastic: Any, small_gap: Any, risk_html: str, stochastic_html: str
) -> None:
    assert render_report(small_risk, outlook=small_gap, generated=DAY) == risk_html
    again = render_report(small_risk, outlook=small_gap, stochastic=small_stochastic, generated=DAY)
    assert again == stochastic_html

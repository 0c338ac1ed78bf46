"""The financials' and the strategies' figures and reports: values, order, escaping, empty cases.

Numbers refer to the small financials and comparison of tests/report/conftest.py (listed above
``FLOWS`` and ``STRATEGIES`` there). That the pages load nothing from the network is checked in
test_report_html.py for the page they share; that they draw, in test_report_browser.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import pytest

import fabnet
from fabnet.exceptions import ParameterError
from fabnet.report import finance_figures, render_report, strategy_figures, write_report
from fabnet.report.finance_html import FINANCE_SECTIONS
from fabnet.report.gap_html import SECTIONS
from fabnet.report.plan_html import PLAN_SECTIONS
from fabnet.report.strategy_figures import STRATEGY_COLORS, STRATEGY_DASHES
from fabnet.report.strategy_html import COMPARE_SECTIONS

DAY = dt.date(2026, 1, 2)

#: Figures of the gap report, the plan's, the financials' and the comparison's.
GAP_FIGURES, PLAN_FIGURES, FINANCE_FIGURES, COMPARE_FIGURES = 3, 5, 4, 2

#: The waterfall's bars for both projects: the components, then their totals [musd].
WATERFALL = [
    ("Capex", "relative", -16800.0),
    ("Grants", "relative", 3300.0),
    ("Tax credits", "relative", 90.0),
    ("Revenue", "relative", 2400.0),
    ("Opex", "relative", -600.0),
    ("Tax", "relative", -150.0),
    ("Terminal value", "relative", 14400.0),
    ("Project cash flow", "total", 2640.0),
    ("Debt drawn", "relative", 3400.0),
    ("Interest", "relative", -400.0),
    ("Principal", "relative", -3400.0),
    ("Equity cash flow", "total", 2240.0),
]

EVIL = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def _section(html: str, section_id: str) -> str:
    start = html.index(f"<section id='{section_id}'>")
    return html[start : html.index("</section>", start)]


def _section_ids(html: str) -> list[str]:
    return [part.split("'", 1)[0] for part in html.split("<section id='")[1:]]


def _texts(figure: Any) -> str:
    """Every name, text and hover text of ``figure``'s traces, and its titles, joined."""
    texts = [figure.layout.title.text or ""]
    texts += [annotation.text or "" for annotation in figure.layout.annotations]
    for trace in figure.data:
        texts += [trace.name or "", *(trace.hovertext or []), *(trace.text or [])]
        texts += [str(x) for x in (trace.x or [])]
    return "\n".join(texts)


def _hostile(financials: Any, comparison: Any) -> tuple[Any, Any]:
    """``financials`` and ``comparison`` with hostile investor, project and strategy names."""
    rename = {"openai": f"o{EVIL}", "microsoft": f"m{EVIL}"}
    projects = {"tw-chiayi/tsmc/COWOS": f"p{EVIL}"}
    cash_flows = financials.cash_flows.rename(index=projects, level="project")
    investors = financials.investors.rename(index=rename).assign(
        irr=[math.nan, 0.012, math.nan], irr_note=[f"n{EVIL}", "", math.nan]
    )
    shares = financials.shares.replace({"investor": rename, "project": projects})
    money = dataclasses.replace(
        financials,
        cash_flows=cash_flows,
        investors=investors,
        shares=shares,
        capital_calls=financials.capital_calls.replace({"investor": rename}),
        projects=financials.projects.rename(index=projects).assign(partner=f"t{EVIL}"),
        assumptions={**financials.assumptions, f"k{EVIL}": f"v{EVIL}"},
    )
    strategies = {"reservation": f"s{EVIL}"}
    table = comparison.table.rename(index=strategies).assign(status=f"x{EVIL}")
    table.loc["acquisition", "acquired"] = f"a{EVIL}"
    compared = dataclasses.replace(
        comparison,
        financials={"own-build": money},
        table=table,
        investors=comparison.investors.replace({"investor": rename, "strategy": strategies}),
        by_year=comparison.by_year.replace({"strategy": strategies}),
    )
    return money, compared


# --- figures ---------------------------------------------------------------------------------


def test_waterfall_sums_the_network_over_the_horizon(small_financials: Any) -> None:
    figure = finance_figures.cash_flow_waterfall_figure(small_financials)
    (trace,) = figure.data

    assert trace.type == "waterfall"
    assert list(zip(trace.x, trace.measure, trace.y, strict=True)) == WATERFALL
    # The totals are the sums of the bars before them.
    assert sum(trace.y[:7]) == pytest.approx(trace.y[7])
    assert trace.y[7] + sum(trace.y[8:11]) == pytest.approx(trace.y[11])
    assert list(trace.text)[:3] == ["−16,800", "3,300", "90"]
    assert trace.hovertext[0] == "<b>Capex</b>: −16,800 musd"
    assert trace.hovertext[11].startswith("<b>Equity cash flow</b>: 2,240 musd<br>")
    assert "Depreciation" not in trace.x  # not cash
    assert trace.increasing.marker.color == finance_figures.MONEY_IN
    assert trace.decreasing.marker.color == finance_figures.MONEY_OUT
    assert trace.totals.marker.color == finance_figures.MONEY_TOTAL
    assert "Cash flow of the network, 2024–2026 [musd, undiscounted]" in figure.layout.title.text


def test_waterfall_of_one_project(small_financials: Any) -> None:
    figure = finance_figures.cash_flow_waterfall_figure(small_financials, "us-az-phoenix/tsmc/N3")

    assert list(figure.data[0].y) == [
        -15000.0, 3000.0, 0.0, 0.0, 0.0, 0.0, 13500.0, 1500.0, 3000.0, -350.0, -3000.0, 1150.0,
    ]  # fmt: skip
    assert figure.layout.title.text.startswith("Cash flow of us-az-phoenix/tsmc/N3, 2024–2026")
    with pytest.raises(ParameterError, match="project"):
        finance_figures.cash_flow_waterfall_figure(small_financials, "nowhere/acme/N2")


def test_a_menu_shows_each_projects_waterfall(small_financials: Any) -> None:
    figure = finance_figures.project_waterfalls_figure(small_financials)
    projects = [str(p) for p in small_financials.projects.index]

    assert len(figure.data) == len(projects) + 1
    assert [trace.visible for trace in figure.data] == [None] + [False] * len(projects)
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == ["the network", *projects]
    phoenix = projects.index("us-az-phoenix/tsmc/N3") + 1
    assert list(figure.data[phoenix].y) == list(
        finance_figures.cash_flow_waterfall_figure(small_financials, projects[phoenix - 1])
        .data[0]
        .y
    )
    visible, layout = menu.buttons[phoenix].args
    assert visible["visible"] == [k == phoenix for k in range(len(projects) + 1)]
    assert layout["title.text"].startswith("Cash flow of us-az-phoenix/tsmc/N3")


def test_cash_flow_by_year(small_financials: Any) -> None:
    figure = finance_figures.cash_flow_by_year_figure(small_financials)
    names = [t.name for t in figure.data]

    assert names == [
        "Capex", "Grants", "Tax credits", "Revenue", "Opex", "Tax", "Terminal value",
        "Debt drawn", "Interest", "Principal",
        "Project cash flow", "Equity cash flow", "Cumulative equity cash flow",
    ]  # fmt: skip
    assert figure.layout.barmode == "relative"  # money in up, money out down
    bars = {t.name: t for t in figure.data if t.type == "bar"}
    assert len(bars) == 10
    assert all(list(t.x) == [2024, 2025, 2026] for t in figure.data)
    assert list(bars["Capex"].y) == [-6200.0, -5600.0, -5000.0]
    assert list(bars["Terminal value"].y) == [0.0, 0.0, 14400.0]
    assert list(bars["Principal"].y) == [0.0, -100.0, -3300.0]
    assert bars["Capex"].marker.color == finance_figures.COMPONENT_COLORS["capex_musd"]
    assert len({t.marker.color for t in bars.values()}) == 10
    project, equity, cumulative = figure.data[10:]
    assert list(project.y) == [-5000.0, -3810.0, 11450.0]
    assert list(equity.y) == [-2600.0, -3080.0, 7920.0]
    assert list(cumulative.y) == [-2600.0, -5680.0, 2240.0]
    assert {t.yaxis for t in figure.data[:12]} == {"y"}
    assert cumulative.yaxis == "y2"  # a panel of its own
    # The components stack to the flows: project = its 7, equity = all 10.
    assert [sum(t.y[i] for t in figure.data[:7]) for i in range(3)] == list(project.y)
    assert [sum(t.y[i] for t in figure.data[:10]) for i in range(3)] == list(equity.y)


def test_investor_returns(small_financials: Any) -> None:
    figure = finance_figures.investor_returns_figure(small_financials)
    met, missed, hurdle = figure.data

    assert [t.name for t in figure.data] == ["Hurdle met", "Hurdle missed", "Hurdle rate"]
    assert (list(met.x), list(met.y), list(met.text)) == (["openai"], [0.183], ["18%"])
    assert (list(missed.x), list(missed.y), list(missed.text)) == (["microsoft"], [0.012], ["1%"])
    # softbank is called on for nothing: left out.
    assert list(hurdle.x) == ["openai", "microsoft"]
    assert list(hurdle.y) == [0.06, 0.09]
    assert list(figure.layout.xaxis.categoryarray) == ["openai", "microsoft"]
    assert met.marker.color == finance_figures.MONEY_IN
    assert missed.marker.color == finance_figures.MONEY_OUT
    assert missed.marker.pattern.shape == "x"  # not by colour alone
    assert met.hovertext[0].split("<br>") == [
        "<b>openai</b> · hurdle met",
        "IRR 18% · hurdle rate 6%",
        "NPV at the hurdle rate: 812 musd",
        "MOIC 1.43× · payback after 2.6 years",
        "called 3,350 musd · returned 4,790 musd",
    ]
    assert "NPV at the hurdle rate: −420 musd" in missed.hovertext[0]


def test_investor_without_an_irr_gets_a_labelled_empty_bar(small_financials: Any) -> None:
    investors = small_financials.investors.copy()
    investors.loc["openai", ["irr", "irr_note", "payback_years"]] = [
        math.nan, "several roots: 5%, 40%", math.nan,
    ]  # fmt: skip
    money = dataclasses.replace(small_financials, investors=investors)

    met = finance_figures.investor_returns_figure(money).data[0]

    assert (list(met.y), list(met.text)) == ([0.0], ["no IRR"])
    assert "no IRR: several roots: 5%, 40%" in met.hovertext[0]
    assert "payback never" in met.hovertext[0]


def test_capital_calls(small_financials: Any) -> None:
    figure = finance_figures.capital_calls_figure(small_financials)

    assert [t.name for t in figure.data] == ["microsoft", "openai", "Total called"]  # largest first
    microsoft, openai, total = figure.data
    assert all(list(t.x) == [2024, 2025, 2026] for t in figure.data)
    assert list(microsoft.y) == [1500.0, 2250.0, 3000.0]
    assert list(openai.y) == [1100.0, 1250.0, 1000.0]
    assert list(total.y) == [2600.0, 3500.0, 4000.0]
    assert figure.layout.barmode == "stack"
    assert microsoft.marker.color != openai.marker.color


def test_capital_calls_span_the_years_with_calls(small_financials: Any) -> None:
    calls = small_financials.capital_calls
    calls = calls[calls["year"] == 2025].reset_index(drop=True)
    money = dataclasses.replace(small_financials, capital_calls=calls)

    figure = finance_figures.capital_calls_figure(money)

    assert all(list(t.x) == [2025] for t in figure.data)
    assert list(figure.data[-1].y) == [3500.0]


def test_strategy_figure(small_comparison: Any) -> None:
    figure = strategy_figures.strategy_figure(small_comparison)
    strategies = ["own-build", "reservation", "acquisition", "design-only"]

    assert [t.name for t in figure.data] == [
        "Cost (NPV)",
        "Delivered by 2025",
        "Delivered by 2026",
        "Unserved",
        "Peak capital need",
    ]
    assert all(t.type == "bar" and list(t.x) == strategies for t in figure.data)
    cost, by_2025, delivered, unserved, peak = figure.data
    assert list(cost.y) == [12000.0, 8000.0, 9500.0, 7000.0]
    assert list(by_2025.y) == [6e6, 5e6, 5.5e6, 4.5e6]
    assert list(delivered.y) == [15e6, 9e6, 11e6, 7e6]
    assert list(unserved.y) == [4e6, 10e6, 8e6, 12e6]
    assert list(peak.y) == [9000.0, 300.0, 6000.0, 0.0]
    assert list(cost.text) == ["12,000", "8,000", "9,500", "7,000"]
    assert list(delivered.text) == ["15 M", "9 M", "11 M", "7 M"]
    assert list(cost.marker.color) == [STRATEGY_COLORS[s] for s in strategies]
    assert by_2025.marker.pattern.shape == "/"  # the milestone is hatched
    assert [t.xaxis for t in figure.data] == ["x", "x2", "x2", "x3", "x4"]
    assert cost.hovertext[2] == "<b>acquisition</b><br>Cost (NPV): 9,500 musd"
    titles = [a.text for a in figure.layout.annotations]
    assert "Compute delivered by 2025 (hatched) and by 2026 [H100e]" in titles


def test_strategy_figure_without_a_milestone(small_comparison: Any) -> None:
    table = small_comparison.table.drop(columns="delivered_by_2025_h100e")
    figure = strategy_figures.strategy_figure(dataclasses.replace(small_comparison, table=table))

    assert [t.name for t in figure.data] == [
        "Cost (NPV)",
        "Delivered by 2026",
        "Unserved",
        "Peak capital need",
    ]


def test_strategy_timeline(small_comparison: Any) -> None:
    figure = strategy_figures.strategy_timeline_figure(small_comparison)
    strategies = ["own-build", "reservation", "acquisition", "design-only"]

    assert [t.name for t in figure.data] == strategies * 2
    assert [bool(t.showlegend) for t in figure.data] == [True] * 4 + [False] * 4
    delivered, capital = figure.data[0], figure.data[4]
    assert list(delivered.x) == [2024, 2025, 2026]
    assert list(delivered.y) == [2e6, 4e6, 9e6]
    assert list(capital.y) == [9000.0, 6000.0, 1800.0]
    assert (delivered.yaxis, capital.yaxis) == ("y", "y2")
    assert list(figure.data[7].y) == [0.0, 0.0, 0.0]
    for trace in figure.data:
        assert trace.line.color == STRATEGY_COLORS[trace.name]
        assert trace.line.dash == STRATEGY_DASHES[trace.name]
        assert trace.legendgroup == f"strategy:{trace.name}"


def test_figure_text_from_data_is_escaped(small_financials: Any, small_comparison: Any) -> None:
    money, compared = _hostile(small_financials, small_comparison)
    scenario = money.plan.scenario.model_copy(update={"name": f"n{EVIL}"})
    compared = dataclasses.replace(compared, scenario=scenario)

    figures = [
        finance_figures.cash_flow_waterfall_figure(money, f"p{EVIL}"),
        finance_figures.investor_returns_figure(money),
        finance_figures.capital_calls_figure(money),
        strategy_figures.strategy_figure(compared),
        strategy_figures.strategy_timeline_figure(compared),
    ]
    joined = "\n".join(_texts(figure) for figure in figures)

    assert "<script>" not in joined
    for text in (f"p{ESCAPED}", f"o{ESCAPED}", f"m{ESCAPED}", f"s{ESCAPED}", f"n{ESCAPED}"):
        assert text in joined, text
    assert "no IRR: n&lt;script&gt;" in joined
    assert "<b>" in joined  # the figures' own markup stays


def test_figures_of_nothing_still_draw(empty_financials: Any) -> None:
    waterfall = finance_figures.cash_flow_waterfall_figure(empty_financials)
    assert list(waterfall.data[0].y) == [0.0] * 12
    assert waterfall.layout.annotations[0].text == "No cash flows: the plan starts no module."
    by_year = finance_figures.cash_flow_by_year_figure(empty_financials)
    assert list(by_year.data[0].x) == list(empty_financials.plan.scenario.years)
    assert by_year.layout.annotations[-1].text == "No cash flows: the plan starts no module."
    returns = finance_figures.investor_returns_figure(empty_financials)
    assert [len(t.x) for t in returns.data] == [0, 0, 0]
    assert returns.layout.annotations[0].text == "No investor is called on for capital."
    calls = finance_figures.capital_calls_figure(empty_financials)
    assert [t.name for t in calls.data] == ["Total called"]
    assert calls.layout.annotations[0].text == "No capital called: the plan starts no module."


# --- the finance report ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def finance_html(small_financials: Any, small_gap: Any) -> str:
    return render_report(small_financials, outlook=small_gap, generated=DAY)


@pytest.fixture(scope="module")
def compare_html(small_comparison: Any, small_gap: Any) -> str:
    return render_report(small_comparison, outlook=small_gap, generated=DAY)


def test_finance_report_is_the_plan_report_then_the_money(
    finance_html: str, small_financials: Any, small_gap: Any
) -> None:
    expected = [s.id for s in (*SECTIONS[:-1], *PLAN_SECTIONS, *FINANCE_SECTIONS, SECTIONS[-1])]
    assert _section_ids(finance_html) == expected
    for section in (*SECTIONS, *PLAN_SECTIONS, *FINANCE_SECTIONS):
        assert f"<li><a href='#{section.id}'>{section.title}</a></li>" in finance_html
    plan_page = render_report(small_financials.plan, outlook=small_gap, generated=DAY)
    for section in (*SECTIONS, *PLAN_SECTIONS):
        assert _section(finance_html, section.id) == _section(plan_page, section.id)
    assert finance_html.count("Plotly.newPlot(") == GAP_FIGURES + PLAN_FIGURES + FINANCE_FIGURES
    for div in ("fig-finance-waterfall", "fig-finance-by-year", "fig-finance-investors",
                "fig-finance-calls"):  # fmt: skip
        assert finance_html.count(f'id="{div}"') == 1, div
    name = small_financials.plan.scenario.name
    assert f"<h1>Network plan and its financials: {name}</h1>" in finance_html
    assert f"fabnet {fabnet.__version__} · generated 2026-01-02 · years 2024–2026" in finance_html


def test_finance_key_figures(finance_html: str) -> None:
    key = _section(finance_html, "finance-key-figures")

    for term, value in [
        ("Capex", "16.8 B USD"),
        ("Grants and tax credits", "3.39 B USD"),
        ("Debt drawn", "3.4 B USD"),
        ("Equity called", "10.1 B USD"),
        ("Revenue 2024–2026", "2.4 B USD"),
        ("Project cash flow 2024–2026", "2.64 B USD"),
        ("Equity cash flow 2024–2026", "2.24 B USD"),
        ("NPV of the projects at 8%", "−345 M USD"),  # 905.5 − 1,250.75
        ("Investors meeting their hurdle", "1 of 2"),
    ]:
        assert f"<dt>{term}</dt><dd>{value}</dd>" in key, term
    assert "2 projects." in key
    assert (
        "Assumptions: discount rate: 8%; spend profile: even over the lead time; equipment "
        "share: 75%; equipment life years: 5; building life years: 20; tax: yes; debt: rate 7%, "
        "tenor years 10, grace years 2; terminal value: salvage; prices: market."
    ) in key
    assert "strategy" not in key  # no strategy named outside the strategies report


def test_finance_investors_table(finance_html: str) -> None:
    section = _section(finance_html, "finance-investors")
    rows = section.split("<tr")[2:]

    assert [re.findall(r"<td class='investor'>([^<]*)<", row)[0] for row in rows] == [
        "openai",
        "microsoft",
        "softbank",
        "Total",
    ]
    assert (
        "<td class='num called'>3,350</td><td class='num returned'>4,790</td>"
        "<td class='num npv'>812</td><td class='num irr'>18%</td>"
        "<td class='num hurdle'>6%</td><td class='met'>met</td>"
        "<td class='num moic'>1.43×</td><td class='num payback'>2.6</td>"
    ) in rows[0]
    assert "<td class='met'><strong>missed</strong></td>" in rows[1]
    assert "<td class='num npv'>−420</td>" in rows[1]
    assert "<td class='met'>no call</td>" in rows[2]
    assert "<td class='num irr'>—</td>" in rows[2]
    assert "<td class='num called'>10,100</td>" in rows[3]


def test_finance_irr_note_where_the_irr_is_undefined(small_financials: Any, small_gap: Any) -> None:
    investors = small_financials.investors.copy()
    investors.loc["microsoft", ["irr", "irr_note"]] = [math.nan, "no sign change: every flow ≤ 0"]
    money = dataclasses.replace(small_financials, investors=investors)

    page = render_report(money, outlook=small_gap, generated=DAY)

    table = _section(page, "finance-investors")
    assert "<td class='num irr'>no sign change: every flow ≤ 0</td>" in table
    projects = _section(page, "finance-projects")
    assert "<td class='num irr'>several roots: 5%, 40%</td>" in projects


def test_finance_capital_calls_table(finance_html: str) -> None:
    section = _section(finance_html, "finance-calls")
    rows = section.split("<tr")[2:]

    heads = "".join(f"<th scope='col' class=num>{year}</th>" for year in (2024, 2025, 2026))
    assert heads + "<th scope='col' class=num>Total [musd]</th>" in section
    assert "<td class='investor'>microsoft</td><td class='num 2024'>1,500</td>" in rows[0]
    assert "<td class='num total'>6,750</td>" in rows[0]
    assert "<td class='investor'>openai</td><td class='num 2024'>1,100</td>" in rows[1]
    assert "<td class='num 2026'>4,000</td><td class='num total'>10,100</td>" in rows[2]


def test_finance_projects_table(finance_html: str) -> None:
    section = _section(finance_html, "finance-projects")

    assert "2 projects (a site, a partner and a resource)" in section
    assert section.count("<tbody") == 3  # TW, US, then the total
    assert "<td class='site'>North Phoenix Arizona (TSMC Arizona campus)</td>" in section
    assert "<td class='num irr'>41%</td>" in section
    assert "<td class='num equity'>1.99×</td>" in section
    assert "<td class='investors'>openai 100%</td>" in section
    assert "<td class='investors'>microsoft 75%, openai 25%</td>" in section
    total = section[section.index("<tr class='total'>") :]
    assert "<td class='num modules'>5</td><td class='num capex'>16,800</td>" in total
    assert "<td class='num npv'>−345</td>" in total


def test_finance_report_of_a_plan_without_builds(empty_financials: Any, small_gap: Any) -> None:
    page = render_report(empty_financials, outlook=small_gap, generated=DAY)

    assert _section_ids(page)[-len(FINANCE_SECTIONS) - 1 : -1] == [s.id for s in FINANCE_SECTIONS]
    note = "The plan starts no module: it has no cash flows, capital calls or returns."
    for section in FINANCE_SECTIONS:
        assert note in _section(page, section.id), section.id
    assert "Assumptions: discount rate: 8%" in _section(page, "finance-key-figures")
    assert page.count("Plotly.newPlot(") == GAP_FIGURES + PLAN_FIGURES  # no money to draw


def test_pages_load_nothing_and_inline_plotlyjs_once(finance_html: str, compare_html: str) -> None:
    from plotly.offline import get_plotlyjs

    licence = str(get_plotlyjs())[:120]
    # In short, what test_report_html.py checks of the gap and the plan report.
    for page in (finance_html, compare_html):
        assert not re.search(r"<script\b[^>]*\bsrc\s*=|<link\b|@import\b|@font-face\b", page)
        assert page.count("window.PlotlyGeoAssets = {") == 1
        assert page.count(licence) == 1
        assert page.index(licence) < page.index("Plotly.newPlot(")


def test_same_input_same_bytes(
    small_financials: Any,
    small_comparison: Any,
    small_gap: Any,
    finance_html: str,
    compare_html: str,
) -> None:
    assert render_report(small_financials, outlook=small_gap, generated=DAY) == finance_html
    assert render_report(small_comparison, outlook=small_gap, generated=DAY) == compare_html


# --- the strategies report -------------------------------------------------------------------


def test_compare_report_is_the_gap_the_strategies_then_own_builds_money(
    compare_html: str, small_comparison: Any
) -> None:
    expected = [s.id for s in (*SECTIONS[:-1], *COMPARE_SECTIONS, *FINANCE_SECTIONS, SECTIONS[-1])]
    assert _section_ids(compare_html) == expected
    assert compare_html.count("Plotly.newPlot(") == GAP_FIGURES + COMPARE_FIGURES + FINANCE_FIGURES
    for div in ("fig-compare-strategies", "fig-compare-timeline"):
        assert compare_html.count(f'id="{div}"') == 1, div
    name = small_comparison.scenario.name
    assert f"<title>Strategies compared: {name} · fabnet</title>" in compare_html
    key = _section(compare_html, "finance-key-figures")
    assert "<p>Financials of the <strong>own-build</strong> strategy's plan.</p>" in key


def test_compare_strategies_table(compare_html: str) -> None:
    section = _section(compare_html, "compare-table")
    rows = section.split("<tr")[2:]

    assert (
        "<th scope='col' class=num>Delivered by 2025 [H100e]</th>"
        "<th scope='col' class=num>Delivered 2024–2026 [H100e]</th>"
    ) in section
    assert (
        "<td class='strategy'>own-build</td><td class='status'>optimal</td>"
        "<td class='num cost'>12,000</td><td class='num objective'>15,000</td>"
        "<td class='num delivered'>6 M</td><td class='num delivered'>15 M</td>"
        "<td class='num unserved'>4 M</td><td class='num first'>2025</td>"
        "<td class='num peak'>9,000</td><td class='num modules'>5</td>"
        "<td class='num reserved'>0</td><td class='acquired'>—</td>"
        "<td class='num block'>—</td>"
    ) in rows[0]
    assert "<td class='num reserved'>1,200</td>" in rows[1]
    assert "<td class='acquired'>chipco</td><td class='num block'>35%</td>" in rows[2]
    assert "<td class='num first'>none</td>" in rows[3]
    assert "<td class='status'>time_limit</td>" in rows[3]


def test_compare_investor_irr_table(compare_html: str) -> None:
    section = _section(compare_html, "compare-investors")
    rows = section.split("<tr")[2:]

    assert len(rows) == 3
    assert (
        "<td class='investor'>openai</td><td class='num own-build'>18%</td>"
        "<td class='num reservation'>—</td>"
    ) in rows[0]
    assert "<td class='num own-build'>—</td>" in rows[2]  # softbank: no call


def test_compare_report_falls_back_to_the_mix(
    small_comparison: Any, small_financials: Any, small_gap: Any
) -> None:
    comparison = dataclasses.replace(small_comparison, financials={"mix": small_financials})

    page = render_report(comparison, outlook=small_gap, generated=DAY)

    assert "Financials of the <strong>mix</strong> strategy's plan." in page


def test_compare_report_without_financials(small_comparison: Any, small_gap: Any) -> None:
    comparison = dataclasses.replace(
        small_comparison,
        financials={},
        investors=small_comparison.investors.assign(irr=math.nan),
    )

    page = render_report(comparison, outlook=small_gap, generated=DAY)

    assert _section_ids(page) == [s.id for s in (*SECTIONS[:-1], *COMPARE_SECTIONS, SECTIONS[-1])]
    assert "No strategy builds new fabs: there are no returns." in page
    assert page.count("Plotly.newPlot(") == GAP_FIGURES + COMPARE_FIGURES


def test_report_strings_are_escaped(
    small_financials: Any, small_comparison: Any, make_small_gap: Any, compare_html: str
) -> None:
    money, compared = _hostile(small_financials, small_comparison)
    scenario = money.plan.scenario.model_copy(
        update={"name": f"n{EVIL}", "description": f"d{EVIL}"}
    )
    gap = make_small_gap(scenario)
    compared = dataclasses.replace(compared, scenario=scenario)
    money = dataclasses.replace(money, plan=dataclasses.replace(money.plan, scenario=scenario))

    pages = [
        render_report(money, outlook=gap, generated=DAY),
        render_report(compared, outlook=gap, generated=DAY),
    ]

    for page in pages:
        assert "<script>alert" not in page
        assert "alert('x')</script>" not in page
    assert pages[1].count("<script") == compare_html.count("<script")  # none from data
    for text in (f"n{ESCAPED}", f"o{ESCAPED}", f"m{ESCAPED}", f"t{ESCAPED}", f"k{ESCAPED}",
                 f"v{ESCAPED}"):  # fmt: skip
        assert text in pages[0], text
    assert f"<td class='num irr'>n{ESCAPED}</td>" in pages[0]  # the IRR note
    for text in (f"s{ESCAPED}", f"x{ESCAPED}", f"a{ESCAPED}", f"o{ESCAPED}", f"n{ESCAPED}"):
        assert text in pages[1], text


# --- the real thing --------------------------------------------------------------------------


@pytest.mark.slow
def test_reports_of_the_built_in_scenario(tmp_path: Path) -> None:
    from fabnet.outlook import gap

    outlook = gap("altman-2024")
    money = fabnet.financials(fabnet.plan("altman-2024", shadow_prices=False))
    comparison = fabnet.compare("altman-2024")

    finance = write_report(money, tmp_path / "money.html", outlook=outlook, generated=DAY)
    compare = write_report(comparison, tmp_path / "compare.html", outlook=outlook, generated=DAY)

    page = finance.read_text(encoding="utf-8")
    assert page.count("Plotly.newPlot(") == GAP_FIGURES + PLAN_FIGURES + FINANCE_FIGURES
    assert _section_ids(page)[-len(FINANCE_SECTIONS) - 1 :] == [
        *(s.id for s in FINANCE_SECTIONS),
        "assumptions",
    ]
    rows = _section(page, "finance-projects").count("<tr>")
    assert rows == 1 + len(money.projects)  # the header, then one row per project
    # The waterfall adds up to the cash flows, as summed by the financials.
    steps = finance_figures.cash_flow_waterfall_figure(money).data[0]
    totals = money.by_year().sum()
    assert steps.y[7] == pytest.approx(totals["project_cash_flow_musd"])
    assert steps.y[11] == pytest.approx(totals["equity_cash_flow_musd"])
    assert sum(steps.y[:7]) == pytest.approx(steps.y[7], rel=1e-9, abs=1e-6)

    strategies = compare.read_text(encoding="utf-8")
    finances = FINANCE_FIGURES if comparison.financials else 0
    assert strategies.count("Plotly.newPlot(") == GAP_FIGURES + COMPARE_FIGURES + finances
    table = _section(strategies, "compare-table")
    assert table.count("<tr>") == 1 + len(comparison.table)
    for text in (page, strategies):
        assert ">nan<" not in text.lower()
        assert ">None<" not in text

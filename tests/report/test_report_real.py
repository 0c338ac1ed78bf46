"""Every kind of report of real results: the gap, plan, financials, strategies, risk and
stochastic plan of a tiny world (the ``tiny`` and ``tiny_reports`` fixtures of conftest.py).

The hand-made results of conftest.py pin the numbers of each section; these check that real
results of every kind fill every section and figure, that the tables have a row per item of the
result and the figures add up to it, and that nothing shows "nan" or "None". That the pages load
nothing from the network is checked in test_report_html.py (its ``page`` fixture).
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from fabnet.exceptions import ParameterError
from fabnet.report import (
    finance_figures,
    plan_figures,
    render_report,
    risk_figures,
    stochastic_figures,
)
from fabnet.report.backcast_html import SUMMARY
from fabnet.report.finance_html import FINANCE_SECTIONS
from fabnet.report.gap_html import SECTIONS
from fabnet.report.plan_html import PLAN_SECTIONS
from fabnet.report.risk_html import RISK_SECTIONS
from fabnet.report.stochastic_html import STOCHASTIC_SECTIONS
from fabnet.report.strategy_html import COMPARE_SECTIONS

#: Each report's own sections (between the gap's and the assumptions) and its figures; the gap
#: report's is the backcast of its scenario.
KINDS = {
    "gap": ((SUMMARY,), 3),
    "plan": (PLAN_SECTIONS, 3 + 5),
    "financials": ((*PLAN_SECTIONS, *FINANCE_SECTIONS), 3 + 5 + 4),
    "comparison": ((*COMPARE_SECTIONS, *FINANCE_SECTIONS), 3 + 2 + 4),
    "risk": ((*PLAN_SECTIONS, *RISK_SECTIONS, *STOCHASTIC_SECTIONS), 3 + 5 + 5 + 1),
}

#: Each report's title, before the scenario's name.
TITLES = {
    "gap": "Demand–supply gap",
    "plan": "Network plan",
    "financials": "Network plan and its financials",
    "comparison": "Strategies compared",
    "risk": "Network plan and its risk",
}


def _section(html: str, section_id: str) -> str:
    start = html.index(f"<section id='{section_id}'>")
    return html[start : html.index("</section>", start)]


def _section_ids(html: str) -> list[str]:
    return [part.split("'", 1)[0] for part in html.split("<section id='")[1:]]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_section_and_figure(tiny_reports: dict[str, str], kind: str) -> None:
    page = tiny_reports[kind]
    sections, figures = KINDS[kind]

    assert _section_ids(page) == [s.id for s in (*SECTIONS[:-1], *sections, SECTIONS[-1])]
    assert page.count("Plotly.newPlot(") == figures
    assert f"<h1>{TITLES[kind]}: tiny</h1>" in page
    assert "<p>A tiny world: one chip, one old fab, two sites.</p>" in page
    assert "years 2025–2032" in page
    assert ">nan<" not in page.lower()
    assert ">None<" not in page


def test_the_report_computes_the_outlook_it_is_not_given(
    tiny: SimpleNamespace, tiny_reports: dict[str, str]
) -> None:
    # The comparison's report was written without an outlook; the plan's was given one.
    assert _section(tiny_reports["comparison"], "gap-table") == _section(
        tiny_reports["plan"], "gap-table"
    )


def test_what_a_report_cannot_be_made_of(tiny: SimpleNamespace) -> None:
    with pytest.raises(ParameterError, match="result: must be a GapResult, Plan, Financials"):
        render_report(tiny.scenario)
    with pytest.raises(ParameterError, match="stochastic: must be None unless"):
        render_report(tiny.plan, outlook=tiny.gap, stochastic=tiny.stochastic)
    with pytest.raises(ParameterError, match="outlook: must be None for a GapResult"):
        render_report(tiny.gap, outlook=dataclasses.replace(tiny.gap))


def test_plan_report(tiny: SimpleNamespace, tiny_reports: dict[str, str]) -> None:
    plan, page = tiny.plan, tiny_reports["plan"]

    assert f"<dt>Solver status</dt><dd>{plan.status}</dd>" in page
    modules = int(plan.builds["modules"].sum())
    assert modules > 0
    assert f"<dt>Modules started</dt><dd>{modules} at 1 site</dd>" in page
    # One row per build and per investor, under a header and above the total.
    assert _section(page, "plan-builds").count("<tr") == len(plan.builds) + 2
    investors = plan.funding["investor"].nunique()
    assert _section(page, "plan-funding").count("<tr") == investors + 2


def test_plan_figures(tiny: SimpleNamespace) -> None:
    plan = tiny.plan
    gantt = plan_figures.build_gantt_figure(plan)
    assert len(gantt.layout.yaxis.categoryarray) == len(plan.builds)
    construction = [t for t in gantt.data if t.name.endswith("construction")]
    assert sum(len(t.y) for t in construction) == len(plan.builds)

    fabs = plan_figures.new_fabs_map_figure(plan)
    pairs = plan.builds.dropna(subset=["lat", "lon"])[["resource", "site"]].drop_duplicates()
    assert sum(len(t.lat) for t in fabs.data[:-1]) == len(pairs)
    unused = {s.id for s in plan.scenario.sites} - set(plan.builds["site"])
    assert len(fabs.data[-1].lat) == len(unused)

    money = plan_figures.money_figure(plan)
    investors, grants, debt, total = money.data[:4]
    assert sum(total.y) == pytest.approx(plan.capex["capex_musd"].sum())
    assert sum(investors.y) + sum(grants.y) + sum(debt.y) == pytest.approx(sum(total.y))
    assert sum(sum(t.y) for t in money.data[4:]) == pytest.approx(plan.funding["musd"].sum())

    outcome = plan_figures.compute_outcome_figure(plan)
    assert list(outcome.data[1].y) == pytest.approx(plan.compute["unserved_h100e"].tolist())
    prices = plan.compute["shadow_price_usd_per_h100e"].tolist()
    assert list(outcome.data[3].y) == pytest.approx(prices)

    capacity = plan_figures.capacity_demand_figure(plan, tiny.gap)
    new = [t for t in capacity.data if t.name.startswith("New: ")]
    assert sum(sum(t.y) for t in new) == pytest.approx(plan.capacity["new_wspm"].sum())


def test_finance_report(tiny: SimpleNamespace, tiny_reports: dict[str, str]) -> None:
    money, page = tiny.financials, tiny_reports["financials"]

    projects = _section(page, "finance-projects")
    assert projects.count("<tr>") == 1 + len(money.projects)  # the header, one row each
    investors = _section(page, "finance-investors")
    assert investors.count("<tr>") == 1 + len(money.investors)
    assert "Assumptions: discount rate: 8%" in _section(page, "finance-key-figures")
    # The waterfall adds up to the cash flows, as summed by the financials.
    steps = finance_figures.cash_flow_waterfall_figure(money).data[0]
    totals = money.by_year().sum()
    assert steps.y[7] == pytest.approx(totals["project_cash_flow_musd"])
    assert steps.y[11] == pytest.approx(totals["equity_cash_flow_musd"])
    assert sum(steps.y[:7]) == pytest.approx(steps.y[7], rel=1e-9, abs=1e-6)
    calls = finance_figures.capital_calls_figure(money).data[-1]
    assert sum(calls.y) == pytest.approx(money.capital_calls["capital_call_musd"].sum())


def test_compare_report(tiny: SimpleNamespace, tiny_reports: dict[str, str]) -> None:
    comparison, page = tiny.comparison, tiny_reports["comparison"]

    table = _section(page, "compare-table")
    assert table.count("<tr>") == 1 + len(comparison.table)
    for strategy in comparison.table.index:
        assert f"<td class='strategy'>{strategy}</td>" in table
    assert list(comparison.financials) == ["own-build"]
    assert "Financials of the <strong>own-build</strong> strategy's plan." in page


def test_risk_report(tiny: SimpleNamespace, tiny_reports: dict[str, str]) -> None:
    risk, page = tiny.risk, tiny_reports["risk"]

    key = _section(page, "risk-key-figures")
    assert "<dt>Samples</dt><dd>64</dd>" in key
    assert "<dt>Sampling</dt><dd>Latin hypercube, seed 1</dd>" in key
    assert "<dt>P(shortfall) in 2030</dt>" in key
    assert "<dt>P(shortfall) in 2032</dt>" in key
    assert "Inputs sampled: growth, overrun; disruption events: quake." in key
    assert _section(page, "risk-measures").count("<tr>") == 1 + len(risk.measures)
    assert risk.sobol is not None
    assert _section(page, "risk-sobol").count("<tr>") == 1 + len(risk.sobol)
    # The fans follow the analysis and the tornado puts its biggest swing on top.
    fan = risk_figures.fan_chart_figure(risk)
    median = next(t for t in fan.data if t.name == "Delivered: median")
    assert list(median.y) == list(risk.fan_wide()["delivered_p50_h100e"])
    tornado = risk_figures.tornado_figure(risk)
    biggest = risk.tornado.sort_values("swing", ascending=False)["input"].iloc[0]
    assert tornado.data[0].y[0].startswith(f"{biggest}: ")


def test_stochastic_sections(tiny: SimpleNamespace, tiny_reports: dict[str, str]) -> None:
    stochastic, page = tiny.stochastic, tiny_reports["risk"]

    value = _section(page, "stochastic-value")
    assert f"<dt>Worlds</dt><dd>{len(stochastic.by_scenario)}</dd>" in value
    first = _section(page, "stochastic-first-stage")
    if len(stochastic.first_stage):
        assert first.count("<tr") == 1 + len(stochastic.first_stage) + 1  # and the total
    else:
        assert "starts no module in its first stage" in first
    figure = stochastic_figures.stochastic_figure(stochastic)
    assert list(figure.data[0].y) == pytest.approx(stochastic.by_scenario["cost_musd"].tolist())

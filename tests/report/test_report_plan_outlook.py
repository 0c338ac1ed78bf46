"""The report of a real plan of the built-in scenario (a MIP solve: a few seconds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fabnet.report import plan_figures, render_report
from fabnet.report.gap_html import SECTIONS
from fabnet.report.plan_html import PLAN_SECTIONS
from fabnet.scenario import Scenario

# The planner's shadow-price step sets linopy bounds with a deprecated setter
# (fabnet/planning/__init__.py, _shadow_prices); pytest turns that warning into an error.


@pytest.fixture(scope="module")
def gap(altman: Scenario) -> Any:
    from fabnet.outlook import gap

    return gap(altman)


@pytest.fixture(scope="module")
def plan(altman: Scenario) -> Any:
    from fabnet.planning import plan

    return plan(altman, time_limit_s=60)


@pytest.fixture(scope="module")
def html(plan: Any, gap: Any) -> str:
    return render_report(plan, outlook=gap, generated=dt.date(2026, 1, 2))


def test_report_of_the_altman_2024_plan(plan: Any, html: str) -> None:
    assert "<h1>Network plan: altman-2024</h1>" in html
    for section in (*SECTIONS, *PLAN_SECTIONS):
        assert f"<section id='{section.id}'>" in html
    assert html.count("Plotly.newPlot(") == 8
    assert html.count("window.PlotlyGeoAssets = {") == 1
    assert f"<dt>Solver status</dt><dd>{plan.status}</dd>" in html
    modules = int(plan.builds["modules"].sum())
    assert f"<dt>Modules started</dt><dd>{modules} at " in html
    # One row per build and per investor, under a header and above the total.
    builds = html[html.index("<section id='plan-builds'>") : html.index("id='plan-funding'>")]
    assert builds.count("<tr") == len(plan.builds) + 2
    funding = html[html.index("<section id='plan-funding'>") : html.index("id='assumptions'>")]
    assert funding.count("<tr") == plan.funding["investor"].nunique() + 2


def test_figures_of_the_altman_2024_plan(plan: Any, gap: Any) -> None:
    gantt = plan_figures.build_gantt_figure(plan)
    assert len(gantt.layout.yaxis.categoryarray) == len(plan.builds)
    construction = [t for t in gantt.data if t.name.endswith("construction")]
    assert sum(len(t.y) for t in construction) == len(plan.builds)

    fabs = plan_figures.new_fabs_map_figure(plan)
    located = plan.builds.dropna(subset=["lat", "lon"])
    pairs = located[["resource", "site"]].drop_duplicates()
    assert sum(len(t.lat) for t in fabs.data[:-1]) == len(pairs)

    money = plan_figures.money_figure(plan)
    investors, grants, debt, total = money.data[:4]
    assert sum(total.y) == pytest.approx(plan.capex["capex_musd"].sum())
    assert sum(investors.y) + sum(grants.y) + sum(debt.y) == pytest.approx(sum(total.y))
    assert sum(sum(t.y) for t in money.data[4:]) == pytest.approx(plan.funding["musd"].sum())

    outcome = plan_figures.compute_outcome_figure(plan)
    assert list(outcome.data[1].y) == pytest.approx(plan.compute["unserved_h100e"].tolist())

    capacity = plan_figures.capacity_demand_figure(plan, gap)
    new = [t for t in capacity.data if t.name.startswith("New: ")]
    assert sum(sum(t.y) for t in new) == pytest.approx(plan.capacity["new_wspm"].sum())

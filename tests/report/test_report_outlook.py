"""The report of the real gap result of the built-in scenario."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fabnet.report import gap_figures, render_report
from fabnet.report.gap_html import SECTIONS
from fabnet.scenario import Scenario


@pytest.fixture(scope="module")
def result(altman: Scenario) -> Any:
    from fabnet.outlook import gap

    return gap(altman)


@pytest.fixture(scope="module")
def html(result: Any) -> str:
    return render_report(result, generated=dt.date(2026, 1, 2))


def test_report_of_altman_2024(result: Any, html: str) -> None:
    assert "<h1>Demand–supply gap: altman-2024</h1>" in html
    for section in SECTIONS:
        assert f"<section id='{section.id}'>" in html
    assert html.count("Plotly.newPlot(") == 3
    assert html.count("window.PlotlyGeoAssets = {") == 1
    # One table row per (year, resource) and per assumption.
    gap_rows = html[html.index("<section id='gap-table'>") : html.index("<section id='euv'>")]
    assert gap_rows.count("<tr") == len(result.table) + 1
    sources = html[html.index("<section id='assumptions'>") :]
    assert sources.count("<tr") == len(result.assumptions) + 1
    assert f"{len(result.assumptions)} figures (" in sources
    # Every URL among the sources became a link.
    urls = result.assumptions["source"].str.startswith("http").sum()
    assert sources.count("<a href=") >= urls > 0


def test_figures_of_altman_2024(result: Any) -> None:
    resources = result.table["resource"].nunique()
    supply_demand = gap_figures.supply_demand_figure(result)
    assert sum(t.name == "Demand" for t in supply_demand.data) == resources
    assert len(supply_demand.layout.annotations) == resources
    shortfall = gap_figures.shortfall_figure(result)
    assert list(shortfall.data[0].y) == pytest.approx(result.compute["shortfall_h100e"].tolist())
    fab_map = gap_figures.fab_map_figure(result)
    sites = fab_map.data[-1]
    assert len(sites.lat) == len(result.scenario.sites)
    located = result.supply.dropna(subset=["lat", "lon"])["fab"].nunique()
    assert sum(len(t.lat) for t in fab_map.data if t.showlegend is False) == located

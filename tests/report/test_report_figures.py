"""The report's figures: traces, facets, the geo layout, escaping and colours."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any

import pytest

from fabnet.report import gap_figures
from fabnet.report._palette import REGION_COLORS, RESOURCE_COLORS, RESOURCE_ORDER
from fabnet.report._plotting import KEY_MARGIN_PX

# Trace counts of the small gap result: see tests/report/conftest.py.
RESOURCES = 7
SUPPLY_AREAS = 6
LOCATED_RESOURCES = 4
LOCATED_STATUSES = 3


def test_importing_the_report_imports_no_plotly_pandas_or_jinja2() -> None:
    # Every module of the package, as `fabnet --help` and a report-free run would import them.
    code = (
        "import importlib, pkgutil, sys, fabnet.report as r; "
        "[importlib.import_module(f'fabnet.report.{m.name}') "
        " for m in pkgutil.iter_modules(r.__path__)]; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in HEAVY))"
    ).replace("HEAVY", repr({"plotly", "pandas", "jinja2", "markupsafe"}))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_supply_demand_has_one_panel_per_resource(small_gap: Any) -> None:
    figure = gap_figures.supply_demand_figure(small_gap)

    assert len(figure.data) == SUPPLY_AREAS + RESOURCES
    titles = [a.text for a in figure.layout.annotations]
    assert [t.split(" ")[0] for t in titles] == list(RESOURCE_ORDER)
    assert all("[wspm]" in t for t in titles)
    axes = {t.xaxis for t in figure.data}
    assert len(axes) == RESOURCES  # every resource on its own panel
    x_axes = [key for key in figure.layout.to_plotly_json() if key.startswith("xaxis")]
    assert len(x_axes) == 8  # a 2 × 4 grid, the last cell empty


def test_supply_demand_stacks_supply_by_region_under_the_demand_line(small_gap: Any) -> None:
    figure = gap_figures.supply_demand_figure(small_gap)
    demand = [t for t in figure.data if t.name == "Demand"]
    areas = [t for t in figure.data if t.name != "Demand"]

    assert len(demand) == RESOURCES
    assert sum(t.showlegend for t in demand) == 1
    assert {t.name for t in areas} == {"TW", "US", "JP", "KR"}
    assert all(t.stackgroup and t.fillcolor == REGION_COLORS[t.name] for t in areas)
    assert sum(bool(t.showlegend) for t in areas) == 4  # one legend entry per region
    # Each panel's stacked areas add up to the table's supply.
    n5 = [t for t in areas if t.stackgroup == "supply:N5"]
    supply = small_gap.table.query("resource == 'N5'")["supply_wspm"].to_numpy()
    assert sum(t.y for t in n5) == pytest.approx(supply)
    n5_demand = next(t for t in demand if t.xaxis == n5[0].xaxis)
    assert list(n5_demand.y) == pytest.approx([5e3, 8e3, 70e3])


def test_shortfall_figure(small_gap: Any) -> None:
    figure = gap_figures.shortfall_figure(small_gap)

    assert [t.type for t in figure.data] == ["bar", "scatter", "scatter"]
    bar, wanted, deliverable = figure.data
    compute = small_gap.compute
    assert list(bar.y) == pytest.approx(compute["shortfall_h100e"].tolist())
    assert list(wanted.y) == pytest.approx(compute["new_h100e"].tolist())
    assert list(deliverable.y) == pytest.approx(compute["deliverable_h100e"].tolist())
    assert list(bar.text) == ["COWOS"] * 3  # the binding resource labels the bars
    assert all("binding" in t.hovertemplate for t in figure.data)
    assert "[H100e]" in figure.layout.title.text


def test_fab_map_uses_the_vendored_110m_world(small_gap: Any) -> None:
    figure = gap_figures.fab_map_figure(small_gap)
    geo = figure.layout.geo

    assert geo.projection.type == "natural earth"
    assert geo.resolution == 110
    assert geo.scope == "world"
    assert geo.showcountries
    assert geo.showland


def test_fab_map_traces(small_gap: Any) -> None:
    figure = gap_figures.fab_map_figure(small_gap)
    data = list(figure.data)

    assert all(t.type == "scattergeo" for t in data)
    assert len(data) == 2 * LOCATED_RESOURCES + LOCATED_STATUSES + 1
    fabs = [t for t in data if t.showlegend is False]
    assert [t.name for t in fabs] == ["N5", "N3", "HBM", "COWOS"]
    assert sum(len(t.lat) for t in fabs) == 6  # the US N3 fab has no coordinates
    assert all(t.marker.color == RESOURCE_COLORS[t.name] for t in fabs)
    n5 = fabs[0]
    assert n5.marker.size[0] > n5.marker.size[1]  # 100k wspm > 20k wspm, biggest first
    assert list(n5.marker.symbol) == ["circle", "circle-open-dot"]  # operating, building
    assert "1 fab without coordinates" in figure.layout.title.text
    sites = data[-1]
    assert sites.name == "Candidate sites"
    assert sites.marker.symbol == "star"
    assert len(sites.lat) == len(small_gap.scenario.sites)


def test_fab_map_has_a_key_of_marker_sizes(small_gap: Any) -> None:
    figure = gap_figures.fab_map_figure(small_gap)
    circles = [shape for shape in figure.layout.shapes if shape.type == "circle"]
    texts = [a.text for a in figure.layout.annotations]

    # About a tenth, a half and all of the largest peak capacity (tw-n5: 100k wspm).
    assert texts[-4:] == ["Peak capacity of a fab [wspm]:", "10 k", "50 k", "100 k"]
    widths = [shape.x1 - shape.x0 for shape in circles]
    largest = max(size for t in figure.data if t.showlegend is False for size in t.marker.size)
    assert widths == pytest.approx([5 + 29 * 0.1**0.5, 5 + 29 * 0.5**0.5, largest])
    assert all(shape.xsizemode == "pixel" and shape.yref == "paper" for shape in circles)
    assert figure.layout.margin.b == KEY_MARGIN_PX


def test_figure_text_from_data_is_escaped(small_gap: Any) -> None:
    evil = "<script>alert(1)</script> & <b>bold</b>"
    supply = small_gap.supply.copy()
    supply.loc[supply["fab"] == "tw-n5", ["name", "operator", "region"]] = evil
    site = small_gap.scenario.sites[0].model_copy(update={"name": evil})
    scenario = small_gap.scenario.model_copy(update={"sites": [site]})
    gap = dataclasses.replace(small_gap, supply=supply, scenario=scenario)

    texts = [
        text
        for figure in (gap_figures.fab_map_figure(gap), gap_figures.supply_demand_figure(gap))
        for trace in figure.data
        for text in [trace.name or "", *(trace.hovertext or [])]
    ]
    joined = "\n".join(texts)
    assert "<script>" not in joined
    assert "<b>bold</b>" not in joined
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in joined
    assert "<b>Fab 21 Phoenix</b>" in joined  # the report's own markup stays


def test_palettes_cover_every_resource_and_region() -> None:
    assert set(RESOURCE_COLORS) == set(RESOURCE_ORDER)
    assert set(REGION_COLORS) == {"US", "TW", "EU", "SEA", "JP", "KR", "CN", "ME", "IN"}
    assert len(set(RESOURCE_COLORS.values())) == len(RESOURCE_COLORS)
    assert len(set(REGION_COLORS.values())) == len(REGION_COLORS)

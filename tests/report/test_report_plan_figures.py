"""The plan's figures: traces, order, values, the geo layout, escaping and colours.

Counts refer to the small plan of tests/report/conftest.py.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from fabnet.report import plan_figures
from fabnet.report._money import MILLIONS
from fabnet.report._palette import REGION_COLORS, RESOURCE_COLORS, SOURCE_COLORS

RESOURCES = 7  # panels of the gap table
NEW_AREAS = 5  # new capacity: COWOS TW+JP+EU, N3 TW+US


def test_gantt_has_a_construction_and_an_operating_trace_per_resource(small_plan: Any) -> None:
    figure = plan_figures.build_gantt_figure(small_plan, money=MILLIONS)

    assert [t.name for t in figure.data] == [
        "N3 · construction",
        "N3 · operating",
        "COWOS · construction",
        "COWOS · operating",
    ]
    assert all(t.type == "bar" and t.orientation == "h" for t in figure.data)
    for trace in figure.data:
        resource = trace.name.split(" · ")[0]
        assert trace.marker.color == RESOURCE_COLORS[resource]
        assert trace.legendgroup == f"resource:{resource}"
    construction = [t for t in figure.data if t.name.endswith("construction")]
    assert all(t.marker.pattern.shape == "/" for t in construction)  # hatched, not only colour


def test_gantt_rows_are_sorted_by_region_then_site(small_plan: Any) -> None:
    figure = plan_figures.build_gantt_figure(small_plan, money=MILLIONS)

    assert list(figure.layout.yaxis.categoryarray) == [
        "EU · xx-nowhere · acme · COWOS · 2025",
        "JP · jp-kumamoto · tsmc · COWOS · 2025",
        "TW · tw-chiayi · tsmc · COWOS · 2024",
        "TW · tw-chiayi · tsmc · N3 · 2024",
        "US · us-az-phoenix · consortium · N3 · 2025",
        "US · us-az-phoenix · tsmc · N3 · 2024",
    ]
    assert figure.layout.yaxis.autorange == "reversed"  # the first row on top
    # A line between regions: EU|JP, JP|TW, TW|US.
    assert [shape.y0 for shape in figure.layout.shapes] == [0.5, 1.5, 3.5]


def test_gantt_bars_run_from_start_to_online_to_the_horizon(small_plan: Any) -> None:
    figure = plan_figures.build_gantt_figure(small_plan, money=MILLIONS)
    n3_build, n3_run = figure.data[0], figure.data[1]

    # N3 rows in order: tw-chiayi/tsmc 2024→2026, phoenix/consortium 2025→2026,
    # phoenix/tsmc 2024→2027 (online at the end of the horizon: no operating bar).
    assert list(n3_build.base) == [2024, 2025, 2024]
    assert list(n3_build.x) == [2, 1, 3]
    assert list(n3_run.base) == [2026, 2026, 2027]
    assert list(n3_run.x) == [1, 1, 0]
    # Each build is labelled with its modules once: on the operating bar, or on the
    # construction bar when it does not operate within the horizon.
    assert list(n3_run.text) == ["1 module", "1 module", ""]
    assert list(n3_build.text) == ["", "", "3 modules"]
    assert "partner: consortium" in n3_build.hovertext[1]
    assert "start 2024 → online 2027" in n3_build.hovertext[2]
    assert "capex: $15,000 M" in n3_build.hovertext[2]
    assert "<b>North Phoenix Arizona" in n3_build.hovertext[2]  # the site's name


def test_capacity_demand_stacks_new_capacity_on_existing_supply(
    small_plan: Any, small_gap: Any
) -> None:
    figure = plan_figures.capacity_demand_figure(small_plan, small_gap)
    data = list(figure.data)

    assert len(data) == 2 * RESOURCES + NEW_AREAS
    assert len(figure.layout.annotations) == RESOURCES  # one titled panel per resource
    existing = [t for t in data if t.name == "Existing AI supply"]
    demand = [t for t in data if t.name == "Plan's wafer use"]
    new = [t for t in data if t.name.startswith("New: ")]
    assert len(existing) == len(demand) == RESOURCES
    assert sum(bool(t.showlegend) for t in existing) == 1
    assert {t.name for t in new} == {"New: TW", "New: JP", "New: EU", "New: US"}
    assert sum(bool(t.showlegend) for t in new) == 4  # one legend entry per region
    assert all(t.fillcolor == REGION_COLORS[t.name[5:]] for t in new)
    # In the COWOS panel: existing supply, then the new capacity, in one stack.
    cowos = [t for t in data if t.stackgroup == "supply:COWOS"]
    assert [t.name for t in cowos] == ["Existing AI supply", "New: TW", "New: JP", "New: EU"]
    supply = small_gap.table.query("resource == 'COWOS'")["supply_wspm"].to_numpy()
    assert list(cowos[0].y) == pytest.approx(supply)
    assert list(cowos[1].y) == pytest.approx([0.0, 10e3, 10e3])
    # The line is the plan's own wafer use (its production), not the gap's base-mix demand.
    use = next(t for t in demand if t.xaxis == cowos[0].xaxis)
    production = small_plan.production.query("resource == 'COWOS'").sort_values("year")
    expected = production[["existing_wspm", "new_wspm"]].sum(axis=1).to_numpy()  # no options
    assert list(use.y) == pytest.approx(expected)
    assert list(use.y) != pytest.approx([20e3, 30e3, 40e3])  # the gap's demand of COWOS


def test_money_figure(small_plan: Any) -> None:
    figure = plan_figures.money_figure(small_plan, money=MILLIONS)
    names = [t.name for t in figure.data]

    assert names == [
        "investors",
        "grants",
        "debt",
        "Total capex",
        "microsoft",
        "openai",
        "softbank",
    ]
    assert figure.layout.barmode == "stack"
    sources = figure.data[:3]
    assert all(t.marker.color == SOURCE_COLORS[t.name] for t in sources)
    assert all(list(t.x) == [2024, 2025] for t in figure.data)  # 2026 has no money
    investors, grants, debt, total = figure.data[:4]
    assert list(investors.y) == pytest.approx([8000.0, 7600.0])
    assert list(grants.y) == pytest.approx([1900.0, 2800.0])
    assert list(debt.y) == pytest.approx([1000.0, 3000.0])
    assert list(total.y) == pytest.approx([10900.0, 13400.0])  # = the three sources
    microsoft = figure.data[4]
    assert list(microsoft.y) == pytest.approx([5000.0, 7000.0])
    assert {t.xaxis for t in figure.data[:4]} == {"x"}
    assert {t.xaxis for t in figure.data[4:]} == {"x2"}  # investors in their own panel
    colors = [t.marker.color for t in figure.data[4:]]
    assert len(set(colors)) == len(colors)


def test_compute_outcome_figure(small_plan: Any) -> None:
    figure = plan_figures.compute_outcome_figure(small_plan)
    delivered, unserved, wanted, price = figure.data

    assert [t.name for t in figure.data] == ["Delivered", "Unserved", "Wanted", "Shadow price"]
    assert [t.type for t in figure.data] == ["bar", "bar", "scatter", "scatter"]
    assert list(delivered.y) == pytest.approx([2e6, 4e6, 9e6])
    assert list(unserved.y) == pytest.approx([0.0, 1e6, 3e6])
    assert list(wanted.y) == pytest.approx([2e6, 5e6, 12e6])
    assert list(price.y)[:2] == pytest.approx([1500.0, 25000.0])
    assert price.y[2] != price.y[2]  # NaN: a gap in the line
    assert price.yaxis == "y2"  # the shadow price has its own panel
    assert "not computed" not in figure.layout.title.text


def test_compute_outcome_without_shadow_prices_says_so(small_plan: Any) -> None:
    compute = small_plan.compute.assign(shadow_price_usd_per_h100e=float("nan"))
    figure = plan_figures.compute_outcome_figure(dataclasses.replace(small_plan, compute=compute))

    assert "not computed" in figure.layout.title.text


def test_new_fabs_map_uses_the_vendored_110m_world(small_plan: Any) -> None:
    geo = plan_figures.new_fabs_map_figure(small_plan, money=MILLIONS).layout.geo

    assert geo.projection.type == "natural earth"
    assert geo.resolution == 110
    assert geo.scope == "world"
    assert geo.showcountries
    assert geo.showland


def test_new_fabs_map_traces(small_plan: Any) -> None:
    figure = plan_figures.new_fabs_map_figure(small_plan, money=MILLIONS)
    data = list(figure.data)

    assert all(t.type == "scattergeo" for t in data)
    assert [t.name for t in data] == ["N3", "COWOS", "Unused candidate sites"]
    n3, cowos, unused = data
    assert len(n3.lat) == 2
    assert len(cowos.lat) == 2  # xx-nowhere has no coordinates
    assert n3.marker.color == RESOURCE_COLORS["N3"]
    assert cowos.marker.color == RESOURCE_COLORS["COWOS"]
    # us-az-phoenix (4 N3 modules) is drawn first and bigger than tw-chiayi (1).
    assert n3.lat[0] == pytest.approx(33.78)
    assert n3.marker.size[0] > n3.marker.size[1]
    hover = n3.hovertext[0]
    assert "N3: 4 modules, capex $20,000 M" in hover
    assert "consortium: 1 module, start 2025 → online 2026, $5,000 M" in hover
    assert "tsmc: 3 modules, start 2024 → online 2027, $15,000 M" in hover
    used = {"tw-chiayi", "us-az-phoenix", "jp-kumamoto"}
    assert len(unused.lat) == len([s for s in small_plan.scenario.sites if s.id not in used])
    assert unused.marker.symbol == "star-open"
    title = figure.layout.title.text
    assert "9 modules at 4 sites" in title
    assert "1 build without coordinates not shown" in title


def test_new_fabs_map_has_a_key_of_marker_sizes(small_plan: Any) -> None:
    figure = plan_figures.new_fabs_map_figure(small_plan, money=MILLIONS)
    circles = [shape for shape in figure.layout.shapes if shape.type == "circle"]

    # The most modules at a site is 4 (us-az-phoenix): keys of 1, 2 and 4 modules, each the
    # size of a site's marker with as many.
    assert [a.text for a in figure.layout.annotations] == ["Modules at a site:", "1", "2", "4"]
    n3, cowos, _ = figure.data
    widths = [shape.x1 - shape.x0 for shape in circles]
    assert widths == pytest.approx([n3.marker.size[1], cowos.marker.size[0], n3.marker.size[0]])


def test_plan_figure_text_from_data_is_escaped(small_plan: Any) -> None:
    evil = "<script>alert(1)</script> & <b>bold</b>"
    builds = small_plan.builds.copy()
    builds.loc[0, ["partner", "region"]] = evil
    site = small_plan.scenario.sites[0].model_copy(update={"name": evil, "id": "us-az-phoenix"})
    scenario = small_plan.scenario.model_copy(update={"sites": [site]})
    funding = small_plan.funding.assign(investor=evil)
    plan = dataclasses.replace(small_plan, builds=builds, scenario=scenario, funding=funding)

    figures = [
        plan_figures.build_gantt_figure(plan, money=MILLIONS),
        plan_figures.new_fabs_map_figure(plan, money=MILLIONS),
        plan_figures.money_figure(plan, money=MILLIONS),
    ]
    texts = [
        text
        for figure in figures
        for trace in figure.data
        for text in [trace.name or "", *(trace.hovertext or []), *(trace.text or [])]
    ]
    texts += list(figures[0].layout.yaxis.categoryarray)
    joined = "\n".join(texts)
    assert "<script>" not in joined
    assert "<b>bold</b>" not in joined
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in joined
    assert "<b>" in joined  # the figures' own markup stays


def test_empty_plan_still_draws(small_plan: Any, small_gap: Any) -> None:
    plan = dataclasses.replace(
        small_plan,
        builds=small_plan.builds.iloc[0:0],
        capacity=small_plan.capacity.iloc[0:0],
        capex=small_plan.capex.assign(capex_musd=0.0, grants_musd=0.0, debt_musd=0.0,
                                     investors_musd=0.0),
        funding=small_plan.funding.iloc[0:0],
    )  # fmt: skip

    gantt = plan_figures.build_gantt_figure(plan, money=MILLIONS)
    assert gantt.layout.annotations[0].text == "No modules started."
    money = plan_figures.money_figure(plan, money=MILLIONS)
    assert [t.name for t in money.data] == ["investors", "grants", "debt", "Total capex"]
    assert money.layout.annotations[-1].text == "No capex: the plan starts no module."
    fabs = plan_figures.new_fabs_map_figure(plan, money=MILLIONS)
    assert [t.name for t in fabs.data] == ["Unused candidate sites"]
    assert len(fabs.data[0].lat) == len(plan.scenario.sites)
    capacity = plan_figures.capacity_demand_figure(plan, small_gap)
    assert len(capacity.data) == 2 * RESOURCES

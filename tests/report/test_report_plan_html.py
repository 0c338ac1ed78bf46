"""The plan report: the gap report plus the plan's sections, complete and escaped.

That it loads nothing from the network and inlines plotly.js and the basemap once is checked
with the gap report's checks, in test_report_html.py (the ``page`` fixture).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

import fabnet
from fabnet.report import render_report
from fabnet.report.gap_html import SECTIONS
from fabnet.report.plan_html import PLAN_SECTIONS

DAY = dt.date(2026, 1, 2)

#: The div of every figure of the plan report.
FIGURE_DIVS = [
    "fig-supply-demand",
    "fig-shortfall",
    "fig-fab-map",
    "fig-plan-capacity",
    "fig-plan-gantt",
    "fig-plan-map",
    "fig-plan-money",
    "fig-plan-compute",
]


@pytest.fixture(scope="module")
def html(small_plan: Any, small_gap: Any) -> str:
    return render_report(small_plan, outlook=small_gap, generated=DAY, full=True)


def _section(html: str, section_id: str) -> str:
    start = html.index(f"<section id='{section_id}'>")
    return html[start : html.index("</section>", start)]


def test_sections_are_the_gap_reports_then_the_plans_then_the_assumptions(html: str) -> None:
    expected = [s.id for s in SECTIONS[:-1]] + [s.id for s in PLAN_SECTIONS] + ["assumptions"]
    found = [part.split("'", 1)[0] for part in html.split("<section id='")[1:]]
    assert found == expected
    for section in (*SECTIONS, *PLAN_SECTIONS):
        assert f"<h2>{section.title}</h2>" in html
        assert f"<li><a href='#{section.id}'>{section.title}</a></li>" in html


def test_every_figure_is_drawn_once(html: str) -> None:
    for div in FIGURE_DIVS:
        assert html.count(f'id="{div}"') == 1, div
    assert html.count("Plotly.newPlot(") == len(FIGURE_DIVS)


def test_it_contains_the_gap_report(html: str, small_gap: Any) -> None:
    gap_page = render_report(small_gap, generated=DAY, full=True)
    for section in SECTIONS:
        assert _section(html, section.id) == _section(gap_page, section.id)


def test_title_names_scenario_version_date_and_units(html: str, small_plan: Any) -> None:
    name = small_plan.scenario.name
    assert f"<title>Network plan: {name} · fabnet</title>" in html
    assert f"<h1>Network plan: {name}</h1>" in html
    assert f"fabnet {fabnet.__version__} · generated 2026-01-02 · years 2024–2026" in html
    assert "money in $ B (billion US dollars)" in html


def test_key_figures(html: str) -> None:
    key = _section(html, "plan-key-figures")
    assert "<dt>Modules started</dt><dd>9 at 4 sites</dd>" in key
    assert "<dt>Capex of the new modules</dt><dd>$28.60 B</dd>" in key
    # Unserved: 0 + 1 M + 3 M = 4 M H100e of 19 M wanted.
    assert "<dt>Unserved compute 2024–2026</dt><dd>4 M H100e (21% of wanted)</dd>" in key
    assert "<dt>First module online</dt><dd>2025</dd>" in key
    assert "<dt>Solver status</dt><dd>optimal</dd>" in key
    assert "<dt>MIP gap</dt><dd>0.37%</dd>" in key
    assert "<dt>Objective (min_cost)</dt><dd>$123.46 B (discounted)</dd>" in key
    assert "<dt>Solve time</dt><dd>1.5 s</dd>" in key
    assert "1,200 variables (300 integer), 900 constraints, 12 candidate projects" in key
    assert "best bound $123.00 B" in key
    assert "build 0.5 s, solve 1.5 s, shadow prices 0.2 s, extract 0.0 s" in key


def test_builds_table(html: str) -> None:
    table = _section(html, "plan-builds")
    assert "6 builds (one per project and start year)" in table
    assert table.count("<tr>") == 1 + 6  # the header, then one row per build
    assert table.count("<tbody") == 5  # one per region (EU, JP, TW, US), then the total
    assert "<td class='site'>North Phoenix Arizona (TSMC Arizona campus)</td>" in table
    assert "<td class='site'>xx-nowhere</td>" in table  # not a scenario site: its id
    total = table[table.index("<tr class='total'>") :]
    assert "<td class='num modules'>9</td>" in total
    assert "<td class='num capex'>28.60</td>" in total


def test_funding_table(html: str) -> None:
    table = _section(html, "plan-funding")
    heads = "<th scope='col' class=num>2024</th><th scope='col' class=num>2025</th>"
    assert heads in table
    rows = table.split("<tr")[2:]
    assert [row.split("<td class='investor'>")[1].split("<")[0] for row in rows] == [
        "microsoft",
        "openai",
        "softbank",
        "Total",
    ]
    assert "<td class='num 2024'>5.00</td><td class='num 2025'>7.00</td>" in rows[0]
    assert "<td class='num 2024'></td>" in rows[2]  # softbank: nothing in 2024
    assert "<td class='num total'>15.60</td>" in rows[3]


def test_data_strings_are_escaped(
    html: str, small_plan: Any, small_gap: Any, make_small_gap: Any
) -> None:
    evil = "<script>alert('x')</script>"
    site = small_plan.scenario.sites[0].model_copy(update={"name": f"Site {evil}"})
    scenario = small_plan.scenario.model_copy(
        update={"name": f"evil{evil}", "description": f"About {evil}", "sites": [site]}
    )
    builds = small_plan.builds.assign(partner=f"p{evil}")
    funding = small_plan.funding.assign(investor=f"i{evil}", country=f"c{evil}")
    stats = {**small_plan.stats, "status": f"s{evil}", "objective_sense": f"o{evil}"}
    plan = dataclasses.replace(
        small_plan, scenario=scenario, builds=builds, funding=funding, stats=stats
    )

    page = render_report(plan, outlook=make_small_gap(scenario), generated=DAY, full=True)

    assert "<script>alert" not in page
    assert "alert('x')</script>" not in page
    assert page.count("<script") == html.count("<script")  # none came from data
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    # The title is escaped by the page template (&#39;), the rest by fabnet (&#x27;).
    assert "<h1>Network plan: evil&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>" in page
    for text in (f"p{escaped}", f"i{escaped}", f"c{escaped}", f"s{escaped}", f"o{escaped}"):
        assert text in page, text


def test_same_input_same_bytes(small_plan: Any, small_gap: Any, html: str) -> None:
    assert render_report(small_plan, outlook=small_gap, generated=DAY, full=True) == html


def test_a_plan_without_builds_still_renders(small_plan: Any, small_gap: Any) -> None:
    plan = dataclasses.replace(
        small_plan,
        builds=small_plan.builds.iloc[0:0],
        capacity=small_plan.capacity.iloc[0:0],
        capex=small_plan.capex.iloc[0:0],
        funding=small_plan.funding.iloc[0:0],
        compute=small_plan.compute.assign(shadow_price_usd_per_h100e=float("nan")),
        stats={"status": "optimal"},
    )

    page = render_report(plan, outlook=small_gap, generated=DAY, full=True)

    assert "<p class='note'>The plan starts no module.</p>" in page
    assert "<p class='note'>No investor funding.</p>" in page
    assert "<dt>Modules started</dt><dd>0 at 0 sites</dd>" in page
    assert "<dt>First module online</dt><dd>—</dd>" in page
    assert "<dt>MIP gap</dt><dd>—</dd>" in page
    assert page.count("Plotly.newPlot(") == len(FIGURE_DIVS)


def test_without_full_the_gap_is_summed_up_not_repeated(
    html: str, small_plan: Any, small_gap: Any
) -> None:
    short = render_report(small_plan, outlook=small_gap, generated=DAY)
    found = [part.split("'", 1)[0] for part in short.split("<section id='")[1:]]

    # The plan's own sections after one summary of the outlook, then the assumptions.
    assert found == ["chain", *(s.id for s in PLAN_SECTIONS), "assumptions"]
    for section in SECTIONS[:-1]:  # none of the gap's own sections, nor its figures
        assert f"<section id='{section.id}'>" not in short, section.id
        assert f"<section id='{section.id}'>" in html, section.id  # … which full=True has
    assert short.count("Plotly.newPlot(") == len(FIGURE_DIVS) - 3
    assert html.count("Plotly.newPlot(") == len(FIGURE_DIVS)
    chain = _section(short, "chain")
    assert "<h2>Summary of the chain above</h2>" in chain
    assert "<dt>Cumulative shortfall 2024–2026</dt><dd>10.9 M H100e (57% of new)</dd>" in chain
    assert "<code>--full</code>" in chain
    for section in PLAN_SECTIONS:  # links to the report's own sections
        assert f"<a href='#{section.id}'>{section.title}</a>" in chain
    # The plan's sections are the same with or without the chain in full.
    for section in PLAN_SECTIONS:
        assert _section(short, section.id) == _section(html, section.id), section.id
    assert _section(short, "assumptions") == _section(html, "assumptions")

"""The HTML reports: self-contained, offline, complete, escaped.

The checks that a page loads nothing and inlines plotly.js and the basemap once run on the gap
report, the plan report and every kind of report of real results (the ``page`` fixture); the
rest are about the gap report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import fabnet
from fabnet.report import render_report, write_report
from fabnet.report._assets import TOPOJSON_NAME, script_safe
from fabnet.report.backcast_html import SUMMARY
from fabnet.report.gap_html import SECTIONS

DAY = dt.date(2026, 1, 2)

#: Ways a page pulls something from elsewhere. <a href> is not one: it loads only on a click.
EXTERNAL = {
    "script src": re.compile(r"<script\b[^>]*\bsrc\s*=", re.IGNORECASE),
    "link element": re.compile(r"<link\b", re.IGNORECASE),
    "CSS @import": re.compile(r"@import\b", re.IGNORECASE),
    "CSS url() to a network": re.compile(r"url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I),
    "@font-face": re.compile(r"@font-face\b", re.IGNORECASE),
    "import() / importScripts": re.compile(r"\bimportScripts\s*\(", re.IGNORECASE),
}

#: Elements that can load a resource by an attribute.
LOADING_ATTRIBUTES = {"src", "srcset", "data", "poster", "background", "action", "formaction"}


class _Tags(HTMLParser):
    """Collects (tag, attributes) of every start tag and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


#: Figures drawn by each report: of the small gap and plan, and of every real result of the tiny
#: world (conftest.py).
FIGURES = {
    "gap": 3,
    "plan": 8,
    "tiny-gap": 3,
    "tiny-plan": 8,
    "tiny-financials": 12,
    "tiny-comparison": 9,
    "tiny-risk": 14,
}


@pytest.fixture(scope="module")
def html(small_gap: Any) -> str:
    return render_report(small_gap, generated=DAY, full=True)


@pytest.fixture(scope="module", params=sorted(FIGURES))
def page(
    request: pytest.FixtureRequest,
    html: str,
    small_gap: Any,
    small_plan: Any,
    tiny_reports: dict[str, str],
) -> str:
    """The gap report, the plan report, and each real report; ``request.param`` names it."""
    if request.param == "gap":
        return html
    if request.param == "plan":
        return render_report(small_plan, outlook=small_gap, generated=DAY, full=True)
    return tiny_reports[request.param.removeprefix("tiny-")]


@pytest.fixture(scope="module")
def plotlyjs() -> str:
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


def test_plotlyjs_is_inlined_once(page: str, plotlyjs: str) -> None:
    assert page.count(script_safe(plotlyjs)) == 1
    assert page.count(plotlyjs[:120]) == 1  # the licence header: no second copy either


def test_topojson_is_registered_before_plotlyjs(
    page: str, plotlyjs: str, request: pytest.FixtureRequest
) -> None:
    assets = page.index("window.PlotlyGeoAssets = {")
    assert page.count("window.PlotlyGeoAssets = {") == 1
    assert page.count(f'"{TOPOJSON_NAME}":{{"type":"Topology"') == 1
    assert assets < page.index(plotlyjs[:120])
    assert page.index(f'"{TOPOJSON_NAME}":{{"type":"Topology"', assets) < page.index(plotlyjs[:120])
    # … and the figures are drawn after both.
    assert page.index("Plotly.newPlot") > page.index(plotlyjs[:120])
    kind = request.node.callspec.params["page"]
    assert page.count("Plotly.newPlot(") == FIGURES[kind]


def test_every_section_is_there(html: str) -> None:
    tags = _parse(html).tags
    section_ids = [attrs.get("id") for tag, attrs in tags if tag == "section"]
    # the outlook's sections, the backcast of the scenario, then the assumptions
    assert section_ids == [s.id for s in (*SECTIONS[:-1], SUMMARY, SECTIONS[-1])]
    for section in SECTIONS:
        assert f"<h2>{section.title}</h2>" in html
        assert f"href='#{section.id}'" in html
    div_ids = {attrs.get("id") for tag, attrs in tags if tag == "div"}
    assert {"fig-supply-demand", "fig-shortfall", "fig-fab-map"} <= div_ids


def test_title_names_scenario_version_and_date(html: str, small_gap: Any) -> None:
    name = small_gap.scenario.name
    assert f"<title>Demand–supply gap: {name} · fabnet</title>" in html
    assert f"<h1>Demand–supply gap: {name}</h1>" in html
    assert f"fabnet {fabnet.__version__} · generated 2026-01-02" in html


def test_key_figures(html: str) -> None:
    key = html[html.index("<section id='key-figures'>") : html.index("<section id='supply")]
    assert "Installed AI compute in 2026" in key
    assert "21 M H100e" in key  # installed at the end
    # Cumulative shortfall: 1.25 M + 2.92 M + 6.75 M = 10.9 M H100e.
    assert "Cumulative shortfall 2024–2026" in key
    assert "10.9 M H100e" in key
    assert "2024–2026: <strong>COWOS</strong>" in key


def test_gap_table(html: str) -> None:
    table = html[html.index("<section id='gap-table'>") : html.index("<section id='euv'>")]
    assert table.count("<tr class='short'>") == 5  # COWOS ×3, HBM 2025, N5 2026
    assert "<td class='num gap'>+45,000</td>" in table  # HBM 2025
    assert "<td class='num gap'>−45,000</td>" in table  # N5 2024, a surplus
    assert "<td class='num coverage'>44%</td>" in table
    assert table.count("<tbody") == 3  # one per year


def test_euv_table(html: str) -> None:
    euv = html[html.index("<section id='euv'>") : html.index("<section id='assumptions'>")]
    assert "<th scope='col' class=num>N5</th><th scope='col' class=num>N3</th>" in euv
    assert "<td class='num total'>2.9</td>" in euv  # 2025: 2.5 + 0.4


def test_assumption_sources_are_listed_and_linked(html: str, small_gap: Any) -> None:
    part = html[html.index("<section id='assumptions'>") :]
    assert "4 figures (1 scenario, 1 press, 1 analyst, 1 official)" in part
    assert (
        '<a href="https://example.org/tsmc-fab18?year=2024&amp;src=news" rel="noopener noreferrer">'
    ) in part
    assert '<a href="https://example.com/n5-cost" rel="noopener noreferrer">' in part
    assert "&lt;script&gt;x&lt;/script&gt;" in part
    assert "Hennessy &amp; Patterson, 5th ed., p. 29" in part
    assert f"scenario {small_gap.scenario.name}" in part
    assert "<td class='num value'>4,000,000</td>" in part


@pytest.mark.parametrize("what", sorted(EXTERNAL))
def test_no_external_resource(page: str, what: str) -> None:
    assert EXTERNAL[what].search(page) is None, what


def test_no_element_loads_anything(page: str) -> None:
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        assert not (LOADING_ATTRIBUTES & set(attrs)), (tag, attrs)
        if "href" in attrs:
            assert tag == "a", (tag, attrs)
        assert "url(" not in (attrs.get("style") or ""), (tag, attrs)
    assert all(tag != "link" for tag, _ in parsed.tags)
    # Every script is inline: geo assets, plotly config, plotly.js, then the figures.
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert len(scripts) == len(parsed.scripts)
    assert all(len(text) > 0 for text in parsed.scripts)


def test_data_strings_are_escaped(make_small_gap: Any, altman: Any, html: str) -> None:
    evil = "<script>alert('x')</script>"
    site = altman.sites[0].model_copy(update={"name": f"Site {evil}"})
    scenario = altman.model_copy(
        update={"name": f"evil{evil}", "description": f"About {evil} & more", "sites": [site]}
    )
    gap = make_small_gap(scenario)
    assumptions = gap.assumptions.copy()
    assumptions.loc[0, "item"] = f"item {evil}"
    gap = dataclasses.replace(gap, assumptions=assumptions)

    page = render_report(gap, generated=DAY, full=True)

    assert "<script>alert" not in page
    assert "alert('x')</script>" not in page
    # As many script elements as in the clean report: none came from data.
    assert page.count("<script") == html.count("<script")
    assert len(_parse(page).scripts) == len(_parse(html).scripts)
    # The title and the description are escaped by the page template, the rest by fabnet.
    assert "<h1>Demand–supply gap: evil&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>" in page
    assert "About &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page
    assert "item &lt;script&gt;" in page


def test_same_input_same_bytes(small_gap: Any, html: str) -> None:
    assert render_report(small_gap, generated=DAY, full=True) == html


def test_write_report(small_gap: Any, tmp_path: Path, html: str) -> None:
    path = write_report(small_gap, tmp_path / "out" / "report.html", generated=DAY, full=True)

    assert path == tmp_path / "out" / "report.html"
    assert path.read_text(encoding="utf-8") == html
    # An existing file is replaced whole, and no temporary file is left beside it (only the
    # empty lock file, fabnet.outputs).
    path.write_text("old", encoding="utf-8")
    assert (
        write_report(small_gap, str(path), generated=DAY, full=True).read_text(encoding="utf-8")
        == html
    )
    assert sorted(p.name for p in path.parent.iterdir()) == [".report.html.lock", "report.html"]


def test_degenerate_result_still_renders(small_gap: Any) -> None:
    # No located fab, no site, no binding resource, no EUV tool, no assumption.
    supply = small_gap.supply.assign(lat=float("nan"), lon=float("nan"))
    compute = small_gap.compute.assign(binding=float("nan"), shortfall_h100e=0.0)
    gap = dataclasses.replace(
        small_gap,
        scenario=small_gap.scenario.model_copy(update={"sites": [], "description": None}),
        supply=supply,
        compute=compute,
        euv=small_gap.euv.iloc[0:0],
        assumptions=small_gap.assumptions.iloc[0:0],
    )

    page = render_report(gap, generated=DAY, full=True)

    assert "No EUV scanners needed." in page
    assert "0 figures. Sources" in page
    assert "2024–2026: <strong>—</strong>" in page
    assert "<dt>First year short</dt><dd>none</dd>" in page
    assert "7 fabs without coordinates not shown" in page

"""The written reports in headless Chromium with the network blocked: the plots and maps draw.

Chromium comes from the system (Debian: ``apt-get install chromium``; it cannot be downloaded at
run time, stack-notes.md pitfall 2). Without it these tests skip, unless ``FABNET_REQUIRE_BROWSER``
is set (CI), where they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fabnet.report import write_report

pytestmark = pytest.mark.browser

#: The path plotly.js draws for a geo layer: <g class="layer countries"><path d="M…">.
GEO_LAYER = r'<g class="layer {name}"[^>]*>\s*<path\b[^>]*?\bd="([^"]*)"'


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("FABNET_REQUIRE_BROWSER"):
        pytest.fail(
            "FABNET_REQUIRE_BROWSER is set but no chromium (or chromium-browser) is on PATH; "
            "install it with `apt-get install chromium`"
        )
    pytest.skip("no chromium on PATH (set FABNET_REQUIRE_BROWSER=1 to make this a failure)")


def _dump_dom(page: Path, profile: Path, width: int | None = None) -> str:
    """The DOM of ``page`` after its scripts ran, in headless Chromium with no network (in a
    window ``width`` px wide, where given)."""
    command = [
        _chromium(),
        *([f"--window-size={width},900"] if width else []),
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # every host name fails to resolve
        "--proxy-server=http://127.0.0.1:9",  # … and anything else goes to a closed port
        f"--user-data-dir={profile}",
        "--virtual-time-budget=15000",
        "--dump-dom",
        page.resolve().as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _figure(dom: str, div: str) -> str:
    """The DOM from the figure ``div`` up to the next figure (or the end)."""
    start = dom.index(f'id="{div}"')
    end = dom.find('<div class="figure">', start)
    return dom[start : end if end > 0 else len(dom)]


def _layer_path(dom: str, name: str) -> str:
    match = re.search(GEO_LAYER.format(name=name), dom)
    return match.group(1) if match else ""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, small_gap: Any) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    return write_report(small_gap, folder / "report.html", generated=dt.date(2026, 1, 2), full=True)


@pytest.fixture(scope="module")
def plan_report(tmp_path_factory: pytest.TempPathFactory, small_plan: Any, small_gap: Any) -> Path:
    folder = tmp_path_factory.mktemp("browser-plan")
    day = dt.date(2026, 1, 2)
    return write_report(
        small_plan, folder / "plan.html", outlook=small_gap, generated=day, full=True
    )


@pytest.fixture(scope="module")
def compare_report(
    tmp_path_factory: pytest.TempPathFactory, small_comparison: Any, small_gap: Any
) -> Path:
    folder = tmp_path_factory.mktemp("browser-compare")
    day = dt.date(2026, 1, 2)
    return write_report(
        small_comparison, folder / "compare.html", outlook=small_gap, generated=day, full=True
    )


@pytest.fixture(scope="module")
def risk_report(
    tmp_path_factory: pytest.TempPathFactory, small_risk: Any, small_stochastic: Any, small_gap: Any
) -> Path:
    folder = tmp_path_factory.mktemp("browser-risk")
    day = dt.date(2026, 1, 2)
    path = folder / "risk.html"
    return write_report(
        small_risk, path, outlook=small_gap, stochastic=small_stochastic, generated=day, full=True
    )


def test_offline_report_draws_plots_and_map(report: Path, tmp_path: Path) -> None:
    dom = _dump_dom(report, tmp_path / "profile")

    # Every figure drew its SVG (plotly: <svg class="main-svg"> per figure, layered).
    for div in ("fig-supply-demand", "fig-shortfall", "fig-fab-map"):
        start = dom.index(f'id="{div}"')
        assert 'class="main-svg"' in dom[start : start + 5000], div
    assert dom.count('class="main-svg"') >= 3
    # The map drew the countries and the land from the inlined basemap: long SVG paths.
    countries = _layer_path(dom, "countries")
    land = _layer_path(dom, "land")
    assert len(countries) > 10_000, "no country borders: the basemap did not load"
    assert len(land) > 10_000, "no land: the basemap did not load"
    assert countries.startswith("M")
    # The fabs and sites are on it.
    geo = dom[dom.index('id="fig-fab-map"') :]
    assert geo.count('class="point"') >= 6 + 22


def test_without_inlined_basemap_the_map_is_blank(report: Path, tmp_path: Path) -> None:
    # The control: the same page without window.PlotlyGeoAssets must try the CDN, fail (no
    # network) and draw no countries. This shows the test above can fail.
    text = report.read_text(encoding="utf-8")
    start = text.index("<script>window.PlotlyGeoAssets = ")
    end = text.index("</script>", start) + len("</script>")
    blank = tmp_path / "blank.html"
    blank.write_text(text[:start] + text[end:], encoding="utf-8")

    dom = _dump_dom(blank, tmp_path / "profile")

    assert dom.count('class="main-svg"') >= 3  # the other plots still draw
    assert _layer_path(dom, "countries") == ""


def test_offline_plan_report_draws_every_plot_and_both_maps(
    plan_report: Path, tmp_path: Path, small_plan: Any
) -> None:
    dom = _dump_dom(plan_report, tmp_path / "profile")

    divs = re.findall(r'<div id="(fig-[a-z-]+)"', plan_report.read_text(encoding="utf-8"))
    assert len(divs) == 8
    for div in divs:
        assert 'class="main-svg"' in _figure(dom, div), div
    # Both maps drew the countries and the land of the one inlined basemap.
    for div in ("fig-fab-map", "fig-plan-map"):
        figure = _figure(dom, div)
        assert len(_layer_path(figure, "countries")) > 10_000, div
        assert len(_layer_path(figure, "land")) > 10_000, div
    # The new modules (4 located site–resource pairs) and the unused candidate sites.
    used = {"tw-chiayi", "us-az-phoenix", "jp-kumamoto"}
    unused = len([site for site in small_plan.scenario.sites if site.id not in used])
    assert _figure(dom, "fig-plan-map").count('class="point"') == 4 + unused
    # The Gantt chart drew a bar per build and phase (one of them of zero length).
    assert _figure(dom, "fig-plan-gantt").count('class="point"') == 2 * len(small_plan.builds)


def test_offline_compare_report_draws_every_plot(compare_report: Path, tmp_path: Path) -> None:
    dom = _dump_dom(compare_report, tmp_path / "profile")

    divs = re.findall(r'<div id="(fig-[a-z-]+)"', compare_report.read_text(encoding="utf-8"))
    assert len(divs) == 3 + 2 + 4  # the gap's, the strategies', own-build's money
    for div in divs:
        assert 'class="main-svg"' in _figure(dom, div), div
    # The map drew the countries and the land of the inlined basemap.
    assert len(_layer_path(_figure(dom, "fig-fab-map"), "countries")) > 10_000
    # A bar per strategy in each of the 5 traces of the comparison (4 strategies) …
    assert _figure(dom, "fig-compare-strategies").count('class="point"') == 5 * 4
    # … 12 bars of the waterfall, 2 investors with a call, and the calls of 2 investors in
    # 3 years.
    assert _figure(dom, "fig-finance-waterfall").count('class="point"') == 12
    assert _figure(dom, "fig-finance-investors").count('class="point"') == 2 + 2
    assert _figure(dom, "fig-finance-calls").count('class="point"') == 2 * 3 + 3


def test_offline_risk_report_draws_every_plot(risk_report: Path, tmp_path: Path) -> None:
    dom = _dump_dom(risk_report, tmp_path / "profile")

    divs = re.findall(r'<div id="(fig-[a-z-]+)"', risk_report.read_text(encoding="utf-8"))
    assert len(divs) == 3 + 5 + 5 + 1  # the gap's, the plan's, the risk's, the stochastic plan's
    for div in divs:
        assert 'class="main-svg"' in _figure(dom, div), div
    # The fans: a filled band per series and band (4), each around 3 years up and 3 back (the
    # legend's swatches are fills too, but rectangles without an "L").
    fills = re.findall(r'<path class="js-fill" d="(M[^"]*L[^"]*)"', _figure(dom, "fig-risk-fan"))
    assert [fill.count("L") for fill in fills] == [5] * 4
    # A bar per year, each with its whisker (the Wilson interval).
    shortfall = _figure(dom, "fig-risk-shortfall")
    assert shortfall.count('class="point"') == 3
    assert shortfall.count('class="yerror"') == 3
    # Two bars per input of the tornado (3), and two per input of the Sobol' indices (3).
    assert _figure(dom, "fig-risk-tornado").count('class="point"') == 2 * 3
    assert _figure(dom, "fig-risk-sobol").count('class="point"') == 2 * 3
    # Five markers per investor (3): the 5th and 95th percentiles, median, mean and CVaR.
    assert _figure(dom, "fig-risk-investors").count('class="point"') == 5 * 3
    # Per world (4): the cost bar, the EEV and WS markers, the unserved bar; then RP, EEV, WS.
    assert _figure(dom, "fig-stochastic").count('class="point"') == 4 * 4 + 3


#: Set on the body, once the page has loaded and its plots drew: the document's height [px].
HEIGHT_PROBE = (
    "<script>window.addEventListener('load', () => setTimeout(() => document.body.setAttribute("
    "'data-height', document.documentElement.scrollHeight), 2000));</script></body>"
)


def _height(page: Path, profile: Path) -> int:
    """The height [px] of ``page`` drawn 1280 px wide."""
    probe = page.with_suffix(".probe.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", HEIGHT_PROBE), "utf-8")
    found = re.search(r'data-height="(\d+)"', _dump_dom(probe, profile, width=1280))
    assert found, "the page did not report its height"
    return int(found.group(1))


def test_the_finance_page_is_short_without_the_chain_in_full(
    tmp_path: Path, small_financials: Any, small_gap: Any
) -> None:
    day = dt.date(2026, 1, 2)
    short = write_report(
        small_financials, tmp_path / "short.html", outlook=small_gap, generated=day
    )
    full = write_report(
        small_financials, tmp_path / "full.html", outlook=small_gap, generated=day, full=True
    )

    short_px = _height(short, tmp_path / "profile-short")
    full_px = _height(full, tmp_path / "profile-full")

    # The gap's and the plan's sections (9 figures and their tables) are summed up in one.
    assert 2000 < short_px < 0.6 * full_px, (short_px, full_px)

"""The backcast report, its figures, and the backcast section of the gap report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from fabnet.exceptions import ParameterError
from fabnet.outlook import Backcast
from fabnet.report import (
    backcast_compute_figure,
    backcast_coverage_figure,
    render_report,
    write_report,
)
from fabnet.report.backcast_html import BACKCAST_SECTIONS, SUMMARY
from fabnet.report.gap_html import SECTIONS
from fabnet.scenario import Scenario

DAY = dt.date(2026, 1, 2)
EPOCH_COMMIT = "10c28e48b450bb0acf3c4c53c8d4b2ab38dc47cc"


def _section_ids(html: str) -> list[str]:
    return re.findall(r"<section id='([a-z-]+)'>", html)


def _section(html: str, section_id: str) -> str:
    start = html.index(f"<section id='{section_id}'>")
    end = html.find("<section id=", start + 1)
    return html[start : end if end > 0 else None]


@pytest.fixture(scope="module")
def result(altman: Scenario) -> Backcast:
    from fabnet.outlook import backcast

    return backcast(altman)


@pytest.fixture(scope="module")
def html(result: Backcast) -> str:
    return render_report(result, generated=DAY, full=True)


def test_the_backcast_leads_its_report(result: Backcast, html: str) -> None:
    assert "<h1>Backcast: altman-2024</h1>" in html
    expected = [s.id for s in (*BACKCAST_SECTIONS, *SECTIONS)]
    assert _section_ids(html) == expected
    assert "years 2023–2025" in html  # the outlook of the record's years
    assert html.count("Plotly.newPlot(") == 3 + 2
    for div in ("fig-backcast-compute", "fig-backcast-coverage"):
        assert html.count(f'id="{div}"') == 1


def test_the_verdicts_and_tables_are_shown(result: Backcast, html: str) -> None:
    verdicts = _section(html, "backcast-verdicts")
    for verdict in result.verdicts:
        assert verdict.text.replace("'", "&#x27;") in verdicts
        assert ("✓ reproduced" if verdict.passed else "✗ not reproduced") in verdicts
    compute = _section(html, "backcast-compute")
    assert compute.count("<tr") == len(result.compute) + 1
    assert "8-bit OP/s ÷ 1,979 TOPS" in compute
    vendors = _section(html, "backcast-vendors")
    assert vendors.count("<tr") == len(result.vendors) + 1
    assert "Huawei*" in vendors
    resources = _section(html, "backcast-resources")
    assert resources.count("<tr") == len(result.resources) + 1


def test_every_record_figure_is_listed_with_its_source(result: Backcast, html: str) -> None:
    record = _section(html, "backcast-record")
    assert record.count("<tr") == len(result.record) + 1
    assert EPOCH_COMMIT in record
    assert "CC BY" in record
    urls = result.record["source"].str.startswith("http").sum()
    assert record.count("<a href=") >= urls > 0


def test_the_gap_report_has_a_short_backcast_section(small_gap: Any) -> None:
    html = render_report(small_gap, generated=DAY, full=True)
    assert _section_ids(html) == [s.id for s in (*SECTIONS[:-1], SUMMARY, SECTIONS[-1])]
    summary = _section(html, SUMMARY.id)
    assert "fabnet backcast" in summary
    assert summary.count("Plotly.newPlot(") == 0  # cheap: tables only
    assert "Deliverable compute within ±25 %" in summary


def test_no_backcast_section_where_the_scenario_cannot_start_in_2023(
    small_gap: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unevaluable(*args: object, **kwargs: object) -> None:
        raise ParameterError("horizon.start_year", "a year it can be evaluated from", 2023)

    monkeypatch.setattr("fabnet.outlook.backcast", unevaluable)
    html = render_report(small_gap, generated=DAY, full=True)
    assert _section_ids(html) == [s.id for s in SECTIONS]


def test_outlook_must_be_its_own(result: Backcast, small_gap: Any) -> None:
    with pytest.raises(ParameterError, match="None for a Backcast"):
        render_report(result, outlook=small_gap)
    for full in (False, True):
        assert render_report(
            result, outlook=result.outlook, generated=DAY, full=full
        ) == render_report(result, generated=DAY, full=full)


def test_write_report(result: Backcast, tmp_path: Path, html: str) -> None:
    path = write_report(result, tmp_path / "out" / "backcast.html", generated=DAY, full=True)
    assert path.read_text(encoding="utf-8") == html


def test_compute_figure(result: Backcast) -> None:
    figure = backcast_compute_figure(result)
    record, delivered, short = figure.data
    compute = result.compute
    assert list(record.y) == pytest.approx(compute["record_h100e"].tolist())
    assert list(record.error_y.arrayminus) == pytest.approx(
        (compute["record_h100e"] - compute["record_p5_h100e"]).tolist()
    )
    assert list(delivered.y) == pytest.approx(compute["deliverable_h100e"].tolist())
    wanted = compute["new_h100e"] - compute["deliverable_h100e"]
    assert [y or 0.0 for y in short.y] == pytest.approx(wanted.tolist())
    assert delivered.offsetgroup == short.offsetgroup != record.offsetgroup


def test_coverage_figure_marks_the_years_sold_out(result: Backcast) -> None:
    figure = backcast_coverage_figure(result)
    assert [trace.name for trace in figure.data] == ["COWOS", "HBM"]
    for trace in figure.data:
        rows = result.resources[result.resources["resource"] == trace.name]
        assert list(trace.y) == pytest.approx(rows["coverage"].tolist())
        expected = ["diamond" if short else "circle-open" for short in rows["record_short"]]
        assert list(trace.marker.symbol) == expected
    assert figure.layout.shapes[0].y0 == 1.0  # the line of coverage 1

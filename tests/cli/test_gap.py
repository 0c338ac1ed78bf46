"""``fabnet gap``."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Fabnet = Callable[..., Result]


def test_gap_prints_the_shortfall_and_writes_csv(fabnet: Fabnet, tmp_path: Path) -> None:
    result = fabnet("gap", "altman-2024", "--csv", tmp_path / "csv")
    assert result.exit_code == 0, result.stderr
    assert "binding" in result.stdout
    assert "Shortfall over 2024–2040" in result.stdout
    assert (tmp_path / "csv" / "gap.csv").exists()
    rows = list(csv.DictReader((tmp_path / "csv" / "compute.csv").open(encoding="utf-8")))
    assert [int(r["year"]) for r in rows] == list(range(2024, 2041))


def test_gap_report_is_written(fabnet: Fabnet, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = fabnet("gap", "--report", report)
    assert result.exit_code == 0, result.stderr
    assert "wrote " in result.stdout
    text = report.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "altman-2024" in text


def test_gap_impossible_physics_exits_2(fabnet: Fabnet, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(
        "name: huge\nextends: altman-2024\nproducts:\n  - id: RUBIN\n    interposer_reticles: 70\n",
        encoding="utf-8",
    )
    result = fabnet("gap", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    # Under a wafer's area, but no 70-reticle package fits on a round wafer: validate says so.
    assert (
        "huge.yaml:5: products[0].interposer_reticles: a 300 mm COWOS wafer must yield at least"
        " one good package" in result.stderr
    )

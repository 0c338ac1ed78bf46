"""``fabnet backcast``."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from fabnet.outlook import Backcast, Verdict

Fabnet = Callable[..., Result]


def test_backcast_prints_the_three_tables_and_the_verdicts(fabnet: Fabnet) -> None:
    result = fabnet("backcast", "altman-2024")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    for header in ("record", "deliverable", "[M H100e]", "[M units]", "[k wspm]"):
        assert header in text
    for word in ("demand", "supply", "coverage", "sold out:", "agree"):
        assert word in text
    assert "Huawei*" in text
    assert "China's domestic suppliers" in text
    assert "8-bit OP/s ÷ 1,979 TOPS" in text
    assert "(2023: NVIDIA, Google; 2024: NVIDIA, Google, AMD, AWS; 2025:" in text
    lines = text.splitlines()
    verdicts = [line for line in lines if line.startswith(("✓ ", "✗ "))]
    assert [v.split()[1] for v in verdicts] == ["Deliverable", "COWOS:", "HBM:"]
    assert lines.index(verdicts[0]) > max(i for i, line in enumerate(lines) if "───" in line)


def test_backcast_exits_0_whatever_the_verdict(
    fabnet: Fabnet, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fabnet.outlook import backcast

    def failing(*args: Any, **kwargs: Any) -> Backcast:
        result = backcast(*args, **kwargs)
        verdicts = tuple(Verdict(v.check, False, v.text) for v in result.verdicts)
        return dataclasses.replace(result, verdicts=verdicts)

    monkeypatch.setattr("fabnet.outlook.backcast", failing)
    result = fabnet("backcast")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("✗ ") == 3


def test_backcast_writes_csv_and_the_report(fabnet: Fabnet, tmp_path: Path) -> None:
    report = tmp_path / "backcast.html"
    result = fabnet("backcast", "--out", tmp_path / "csv", "--format", "csv", "--report", report)
    assert result.exit_code == 0, result.stderr
    assert f"wrote the tables to {tmp_path / 'csv'}" in result.stdout
    rows = list(csv.DictReader((tmp_path / "csv" / "compute.csv").open(encoding="utf-8")))
    assert [int(r["year"]) for r in rows] == [2023, 2024, 2025]
    assert {"record_h100e", "deliverable_h100e", "ratio", "within"} <= set(rows[0])
    text = report.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "<h1>Backcast: altman-2024</h1>" in text


def test_a_scenario_with_a_product_that_cannot_be_made_exits_2(
    fabnet: Fabnet, tmp_path: Path
) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(
        "name: huge\nextends: altman-2024\nproducts:\n  - id: H100\n"
        "    interposer_reticles: null\n    interposer_width_mm: null\n"
        "    interposer_height_mm: null\n    interposer_area_mm2: 90000\n",
        encoding="utf-8",
    )
    result = fabnet("backcast", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    # Larger than a 300 mm wafer: validate refuses it, located, before any stage runs.
    assert "products[0].interposer_area_mm2: must be less than or equal to" in result.stderr

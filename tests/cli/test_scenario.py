"""``fabnet validate``, ``fabnet schema`` and ``fabnet catalog``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Fabnet = Callable[..., Result]


def test_validate_the_builtin_scenario(fabnet: Fabnet) -> None:
    result = fabnet("validate")
    assert result.exit_code == 0, result.stderr
    assert "Scenario altman-2024 — valid" in result.stdout
    assert "Catalog figures used" in result.stdout
    assert "estimate" in result.stdout


def test_validate_with_sources_prints_them(fabnet: Fabnet) -> None:
    result = fabnet("validate", "altman-2024", "--sources")
    assert result.exit_code == 0
    assert "https://" in result.stdout
    assert "logic_die_area_mm2" in result.stdout


def test_validate_a_broken_file(fabnet: Fabnet, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "name: broken\nextends: altman-2024\nhorizon:\n  end_year: 1900\n"
        "sites:\n  - id: nowhere\n    name: Nowhere\n",
        encoding="utf-8",
    )
    result = fabnet("validate", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:4: horizon.end_year: must be greater than or equal to 1990 (got 1900)" in (
        result.stderr
    )
    assert f"{path}:6: sites[" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("bad", ["missing.yaml", "no-such-builtin"])
def test_validate_missing_input(
    fabnet: Fabnet, bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = fabnet("validate", bad)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "error" in result.stderr


def test_validate_garbage_bytes(fabnet: Fabnet, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(bytes(range(256)))
    result = fabnet("validate", path)
    assert result.exit_code == 2
    assert "binary file" in result.stderr


def test_schema_is_json_schema(fabnet: Fabnet, tmp_path: Path) -> None:
    result = fabnet("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "fabnet scenario"
    assert {"horizon", "demand", "sites", "solver"} <= set(schema["properties"])
    out = tmp_path / "s.json"
    written = fabnet("schema", "--out", out)
    assert (written.exit_code, written.stdout, written.stderr) == (0, "", f"wrote {out}\n")
    assert json.loads(out.read_text(encoding="utf-8")) == schema


def test_catalog_listing_table_csv_and_check(fabnet: Fabnet) -> None:
    listing = fabnet("catalog")
    assert listing.exit_code == 0
    for table in ("accelerators", "resources", "fabs", "sites", "investors"):
        assert table in listing.stdout
    fabs = fabnet("catalog", "fabs")
    assert fabs.exit_code == 0
    assert "capacity_wspm" in fabs.stdout
    rows = list(csv.DictReader(io.StringIO(fabnet("catalog", "accelerators", "--csv").stdout)))
    assert {r["product"] for r in rows} >= {"H100", "B200"}
    assert all(r["source"] and r["kind"] for r in rows)
    check = fabnet("catalog", "--check")
    assert check.exit_code == 0
    assert "catalog OK" in check.stdout


def test_a_failed_catalog_check_exits_4(fabnet: Fabnet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fabnet.catalog.check_catalog", lambda: ["fabs.csv:2: source: missing"])
    result = fabnet("catalog", "--check")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "fabs.csv:2: source: missing",
        "catalog check failed: 1 problem(s)",
    ]


def test_catalog_unknown_table(fabnet: Fabnet) -> None:
    result = fabnet("catalog", "wafers")
    assert result.exit_code == 2
    assert "TABLE: must be one of" in result.stderr

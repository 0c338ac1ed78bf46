"""The command line, end to end through a subprocess: output, exit codes, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}


def fabnet(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fabnet", *args],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_help_lists_the_real_commands() -> None:
    result = fabnet("--help")
    assert result.returncode == 0
    for command in ("validate", "schema", "catalog"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["validate", "schema", "catalog"])
def test_every_command_has_help_with_examples(command: str) -> None:
    result = fabnet(command, "--help")
    assert result.returncode == 0
    assert "Examples" in result.stdout
    assert f"fabnet {command}" in result.stdout


def test_version() -> None:
    from fabnet import __version__

    result = fabnet("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"fabnet {__version__}")


def test_validate_the_builtin_scenario() -> None:
    result = fabnet("validate")
    assert result.returncode == 0, result.stderr
    assert "Scenario altman-2024 — valid" in result.stdout
    assert "Catalog figures used" in result.stdout
    assert "estimate" in result.stdout


def test_validate_with_sources_prints_them() -> None:
    result = fabnet("validate", "altman-2024", "--sources")
    assert result.returncode == 0
    assert "https://" in result.stdout
    assert "logic_die_area_mm2" in result.stdout


def test_validate_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "name: broken\nextends: altman-2024\nhorizon:\n  end_year: 1900\n"
        "sites:\n  - id: nowhere\n    name: Nowhere\n",
        encoding="utf-8",
    )
    result = fabnet("validate", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:4: horizon.end_year: must be greater than or equal to 1990 (got 1900)" in (
        result.stderr
    )
    assert f"{path}:6: sites[" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("bad", ["missing.yaml", "no-such-builtin"])
def test_validate_missing_input(bad: str, tmp_path: Path) -> None:
    result = fabnet("validate", bad, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "error" in result.stderr


def test_validate_garbage_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(bytes(range(256)))
    result = fabnet("validate", str(path))
    assert result.returncode == 2
    assert "binary file" in result.stderr


def test_schema_is_json_schema(tmp_path: Path) -> None:
    result = fabnet("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "fabnet scenario"
    assert {"horizon", "demand", "sites", "solver"} <= set(schema["properties"])
    out = tmp_path / "s.json"
    assert fabnet("schema", "--out", str(out)).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema


def test_catalog_listing_table_csv_and_check() -> None:
    listing = fabnet("catalog")
    assert listing.returncode == 0
    for table in ("accelerators", "resources", "fabs", "sites", "investors"):
        assert table in listing.stdout
    fabs = fabnet("catalog", "fabs")
    assert fabs.returncode == 0
    assert "capacity_wspm" in fabs.stdout
    rows = list(csv.DictReader(io.StringIO(fabnet("catalog", "accelerators", "--csv").stdout)))
    assert {r["product"] for r in rows} >= {"H100", "B200"}
    assert all(r["source"] and r["kind"] for r in rows)
    check = fabnet("catalog", "--check")
    assert check.returncode == 0
    assert "catalog OK" in check.stdout


def test_catalog_unknown_table() -> None:
    result = fabnet("catalog", "wafers")
    assert result.returncode == 2
    assert "TABLE: must be one of" in result.stderr


def test_usage_errors_exit_2() -> None:
    assert fabnet("validate", "--nope").returncode == 2
    assert fabnet("frobnicate").returncode == 2


def test_gap_prints_the_shortfall_and_writes_csv(tmp_path: Path) -> None:
    result = fabnet("gap", "altman-2024", "--csv", str(tmp_path / "csv"))
    assert result.returncode == 0, result.stderr
    assert "binding" in result.stdout
    assert "Shortfall over 2024–2040" in result.stdout
    assert (tmp_path / "csv" / "gap.csv").exists()
    rows = list(csv.DictReader((tmp_path / "csv" / "compute.csv").open(encoding="utf-8")))
    assert [int(r["year"]) for r in rows] == list(range(2024, 2041))


def test_gap_report_is_written(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = fabnet("gap", "--report", str(report))
    assert result.returncode == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "altman-2024" in text


def test_gap_impossible_physics_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(
        "name: huge\nextends: altman-2024\nproducts:\n  - id: GEN-2031\n"
        "    interposer_reticles: 105\n",
        encoding="utf-8",
    )
    result = fabnet("gap", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "products.GEN-2031.interposer_reticles: must be small enough" in result.stderr


def test_plan_prints_and_saves(tmp_path: Path) -> None:
    result = fabnet("plan", "altman-2024", "--time-limit", "60", "--out", str(tmp_path / "p"))
    assert result.returncode == 0, result.stderr
    assert "Plan altman-2024:" in result.stdout
    assert "New modules by resource and region" in result.stdout
    assert "Running HiGHS" not in result.stdout
    assert (tmp_path / "p" / "builds.parquet").exists()
    assert (tmp_path / "p" / "scenario.yaml").exists()


def test_plan_infeasible_exits_3_with_a_diagnosis(tmp_path: Path) -> None:
    path = tmp_path / "must-serve.yaml"
    path.write_text(
        "name: must-serve\nextends: altman-2024\npolicy:\n  max_unserved_share: 0.0\n",
        encoding="utf-8",
    )
    result = fabnet("plan", str(path), "--time-limit", "60")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "the plan is infeasible; to be feasible it would need:" in result.stderr
    # Serving all of altman-2024's demand needs more modules than its sites hold.
    assert "module limit" in result.stderr


def test_plan_bad_objective_exits_2() -> None:
    result = fabnet("plan", "--objective", "max_profit")
    assert result.returncode == 2
    assert "--objective: must be min_cost or max_compute" in result.stderr


@pytest.mark.parametrize("command", ["finance", "compare"])
def test_money_commands_have_help_with_examples(command: str) -> None:
    result = fabnet(command, "--help")
    assert result.returncode == 0
    assert "Examples" in result.stdout
    assert f"fabnet {command}" in result.stdout


def test_finance_from_a_saved_plan(tmp_path: Path) -> None:
    saved = fabnet("plan", "--out", str(tmp_path / "plan"))
    assert saved.returncode == 0, saved.stderr
    result = fabnet(
        "finance",
        "--plan",
        str(tmp_path / "plan"),
        "--out",
        str(tmp_path / "money"),
        "--report",
        str(tmp_path / "money.html"),
    )
    assert result.returncode == 0, result.stderr
    assert "Investors (cash flows at their hurdle rates)" in result.stdout
    assert "met" in result.stdout
    with (tmp_path / "money" / "investors.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["investor"] for row in rows} >= {"openai", "softbank", "mubadala"}
    assert (tmp_path / "money" / "cash_flows.csv").stat().st_size > 0
    assert "Plotly.newPlot(" in (tmp_path / "money.html").read_text(encoding="utf-8")


def test_finance_of_a_missing_plan_exits_2(tmp_path: Path) -> None:
    result = fabnet("finance", "--plan", str(tmp_path / "nothing"))
    assert result.returncode == 2
    assert "plan folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_compare_prints_every_strategy(tmp_path: Path) -> None:
    result = fabnet(
        "compare", "--out", str(tmp_path / "cmp"), "--report", str(tmp_path / "cmp.html")
    )
    assert result.returncode == 0, result.stderr
    for name in ("own-build", "reservation", "acquisition", "design-only", "mix"):
        assert name in result.stdout
    with (tmp_path / "cmp" / "strategies.csv").open(encoding="utf-8") as handle:
        rows = {row["strategy"]: row for row in csv.DictReader(handle)}
    assert float(rows["mix"]["objective_musd"]) <= float(rows["own-build"]["objective_musd"])
    assert "Plotly.newPlot(" in (tmp_path / "cmp.html").read_text(encoding="utf-8")


def test_compare_unknown_strategy_exits_2() -> None:
    result = fabnet("compare", "--strategies", "own-build,steal")
    assert result.returncode == 2
    assert "strategies" in result.stderr
    assert "Traceback" not in result.stderr


def test_risk_is_byte_identical_for_a_seed(tmp_path: Path) -> None:
    saved = fabnet("plan", "--out", str(tmp_path / "plan"))
    assert saved.returncode == 0, saved.stderr
    runs = [
        fabnet("risk", "--plan", str(tmp_path / "plan"), "--samples", "2000", "--seed", "3")
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "samples evaluated in" in run.stderr  # timings go to stderr only
    assert runs[0].stdout == runs[1].stdout
    assert "P(shortfall)" in runs[0].stdout
    assert "Tornado" in runs[0].stdout
    other = fabnet("risk", "--plan", str(tmp_path / "plan"), "--samples", "2000", "--seed", "4")
    assert other.stdout != runs[0].stdout


def test_risk_writes_its_tables(tmp_path: Path) -> None:
    result = fabnet(
        "risk",
        "--samples",
        "500",
        "--method",
        "mc",
        "--sobol",
        "64",
        "--out",
        str(tmp_path / "r"),
        "--report",
        str(tmp_path / "risk.html"),
    )
    assert result.returncode == 0, result.stderr
    assert "Sobol' indices" in result.stdout
    assert "Plotly.newPlot(" in (tmp_path / "risk.html").read_text(encoding="utf-8")
    for name in ("by_year.csv", "measures.csv", "tornado.csv", "sobol.csv", "samples.parquet"):
        assert (tmp_path / "r" / name).stat().st_size > 0


def test_risk_bad_method_exits_2() -> None:
    result = fabnet("risk", "--method", "quasi")
    assert result.returncode == 2
    assert "--method" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_risk_with_a_stochastic_plan(tmp_path: Path) -> None:
    args = ("risk", "--samples", "300", "--seed", "2", "--stochastic", "--scenarios", "2")
    result = fabnet(*args, "--time-limit", "60", "--report", str(tmp_path / "r.html"))
    assert result.returncode == 0, result.stderr
    for measure in ("RP", "EEV", "WS", "VSS", "EVPI"):
        assert f"│ {measure}" in result.stdout
    assert "Shared first-stage starts" in result.stdout
    assert "stochastic plan solved in" in result.stderr
    assert "VSS" in (tmp_path / "r.html").read_text(encoding="utf-8")

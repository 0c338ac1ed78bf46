"""``fabnet fab capacity | plan | module`` and ``fabnet schema --fab``, through the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import Result

Fabnet = Callable[..., Result]


@pytest.fixture(scope="module")
def planned(fabnet: Fabnet, tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """``fabnet fab plan --out`` on the built-in example, once."""
    out = tmp_path_factory.mktemp("fabplan") / "plan"
    return fabnet("fab", "plan", "--out", out), out


def test_fab_plan_with_no_argument_plans_the_built_in_example(
    planned: tuple[Result, Path],
) -> None:
    result, out = planned
    assert result.exit_code == 0, result.stderr
    assert "Tool plan example-3fab" in result.stdout
    assert "Tools bought" in result.stdout
    assert "Floor space used" in result.stdout
    assert f"wrote the tool plan to {out}" in result.stdout


def test_the_saved_tool_plan_meets_demand_and_floor_from_its_files(
    planned: tuple[Result, Path],
) -> None:
    """Read back as plain Parquet tables (no fabnet): every step's wafers sum to the demand,
    the floor used is within the floor, the time used within the tools installed."""
    _, out = planned
    # Key columns are stored as the tables' index (so xarray labels them).
    split = pd.read_parquet(out / "split.parquet").reset_index()
    demand = pd.read_parquet(out / "demand.parquet").reset_index()
    done = split.groupby(["scenario", "product", "step", "period"])["wafers_per_week"].sum()
    want = demand.set_index(["scenario", "product", "period"])["wafers_per_week"]
    joined = done.reset_index().join(want.rename("wanted"), on=["scenario", "product", "period"])
    assert (joined["wafers_per_week"] - joined["wanted"]).abs().max() < 1e-3
    floor = pd.read_parquet(out / "floor.parquet").reset_index()
    assert (floor["used_m2"] <= floor["floor_m2"] + 1e-6).all()
    tools = pd.read_parquet(out / "tools.parquet").reset_index()
    assert (tools["tools_used"] <= tools["installed"] + 1e-6).all()


def test_fab_plan_json_is_its_headline(fabnet: Fabnet) -> None:
    result = fabnet("fab", "plan", "--relax", "--json")
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["status"] == "optimal"
    assert figures["capex_musd"] >= 0
    assert {"tools_bought", "cost_npv_musd", "transfer_wafers"} <= set(figures)


def test_fab_capacity_says_whether_the_installed_tools_meet_demand(fabnet: Fabnet) -> None:
    result = fabnet("fab", "capacity")
    assert result.exit_code == 0, result.stderr
    assert "can the tools installed at the start meet demand" in result.stdout
    assert "Bottleneck per fab and period" in result.stdout


def test_fab_module_shows_the_design_beside_the_catalog(fabnet: Fabnet) -> None:
    result = fabnet("fab", "module", "n3-module")
    assert result.exit_code == 0, result.stderr
    assert "Module n3-module" in result.stdout
    assert "Tool bill" in result.stdout
    unknown = fabnet("fab", "module", "n9-module")
    assert unknown.exit_code == 2
    assert "n9-module" in unknown.stderr
    assert "Traceback" not in unknown.stderr + unknown.stdout


def test_a_bad_fab_file_is_a_located_error(fabnet: Fabnet, tmp_path: Path) -> None:
    """Each problem on its own line as FILE:LINE: field: message, exit 2, no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\n"
        "extends: example-3fab\n"
        "tool_types:\n"
        "  - {id: CMP, utilisation: 1.5}\n"
        "routes:\n"
        "  - id: N9\n"
        "    steps:\n"
        "      - {workstation: CMP, rpt_min: {CMP: -2}}\n",
        encoding="utf-8",
    )
    for command in ("plan", "capacity"):
        result = fabnet("fab", command, bad)
        assert result.exit_code == 2
        assert "problems in the fab file" in result.stderr
        assert f"{bad}:4: tool_types[" in result.stderr
        assert "utilisation: must be less than or equal to 1 (got 1.5)" in result.stderr
        assert f"{bad}:8: routes[" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_an_infeasible_fab_file_exits_3_naming_the_period(fabnet: Fabnet, tmp_path: Path) -> None:
    """The built-in example with fab-c gone and no move-outs: the N2 ramp cannot fit."""
    path = tmp_path / "tight.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "name": "tight",
                "extends": "example-3fab",
                "fabs": [{"id": "fab-c", "floor_m2": 100}],
                "rules": {"move_outs": False},
            }
        ),
        encoding="utf-8",
    )
    result = fabnet("fab", "plan", path)
    assert result.exit_code == 3, result.stdout + result.stderr
    assert "infeasible" in result.stderr
    assert "20" in result.stderr  # a period is named


def test_schema_fab_is_the_fab_files_json_schema(fabnet: Fabnet, tmp_path: Path) -> None:
    result = fabnet("schema", "--fab")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "fabnet fab file"
    assert {"periods", "tool_types", "routes", "fabs", "demand", "rules"} <= set(
        schema["properties"]
    )
    # A table path is allowed where the loader reads one.
    assert any(
        alt.get("pattern") == r"\.(csv|parquet)$" for alt in schema["properties"]["routes"]["anyOf"]
    )

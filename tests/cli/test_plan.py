"""``fabnet plan``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from fabnet.examples import tiny_world

Fabnet = Callable[..., Result]


def test_plan_prints_and_saves(saved_plan: tuple[Result, Path]) -> None:
    result, folder = saved_plan
    assert "Plan small:" in result.stdout
    assert "Cost of the plan" in result.stdout
    assert "objective (money + penalty)" in result.stdout
    assert "New modules by resource and region" in result.stdout
    assert f"wrote the plan to {folder}" in result.stdout.replace("\n", "")
    # Off a terminal, progress is plain lines on stderr (none for a step under a second).
    assert all(line.startswith("plan: ") for line in result.stderr.splitlines())
    assert (folder / "builds.parquet").exists()
    assert (folder / "scenario.yaml").exists()


def test_the_solver_log_stays_off_stdout(
    fabnet: Fabnet, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_world({2025: 1.0, 2030: 1.0e8, 2032: 1.0e8})), "utf-8")
    result = fabnet("plan", path, "--time-limit", "60")
    assert result.exit_code == 0, result.stderr
    assert "Plan tiny: optimal" in result.stdout
    assert "Running HiGHS" not in capfd.readouterr().out  # the solver's own output, fd 1


def test_plan_infeasible_exits_3_with_a_diagnosis(fabnet: Fabnet, tmp_path: Path) -> None:
    # 1e9 H100e in 2030 needs about 70 modules; the one site holds 4.
    world = tiny_world({2025: 1.0, 2029: 1.0, 2030: 1.0e9, 2032: 1.0e9}, max_unserved_share=0.0)
    path = tmp_path / "must-serve.yaml"
    path.write_text(yaml.safe_dump(world), encoding="utf-8")
    result = fabnet("plan", path, "--time-limit", "60")
    assert result.exit_code == 3, result.stderr
    assert result.stdout == ""
    assert "the plan is infeasible; to be feasible it would need:" in result.stderr
    assert "site tw-site module limit" in result.stderr


@pytest.mark.slow
def test_altman_2024_serving_all_demand_is_infeasible(fabnet: Fabnet, tmp_path: Path) -> None:
    path = tmp_path / "must-serve.yaml"
    path.write_text(
        "name: must-serve\nextends: altman-2024\npolicy:\n  max_unserved_share: 0.0\n",
        encoding="utf-8",
    )
    result = fabnet("plan", path, "--time-limit", "60")
    assert result.exit_code == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "the plan is infeasible; to be feasible it would need:" in result.stderr
    # Serving all of altman-2024's demand needs more HBM than its memory makers can start (and
    # supply before 2027 than any new module could be online for).
    assert "starts per year" in result.stderr
    assert "compute wanted in 2025 cannot be met" in result.stderr


def test_plan_bad_objective_exits_2(fabnet: Fabnet) -> None:
    result = fabnet("plan", "--objective", "max_profit")
    assert result.exit_code == 2
    assert "--objective: must be min_cost or max_compute" in result.stderr

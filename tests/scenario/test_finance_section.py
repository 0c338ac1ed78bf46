"""The ``finance`` section and financing that cannot work, reported with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import fabnet
from fabnet.examples import tiny_world
from fabnet.exceptions import ScenarioError


def _write(tmp_path: Path, world: dict[str, Any]) -> tuple[Path, list[str]]:
    path = tmp_path / "world.yaml"
    text = yaml.safe_dump(world, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path, text.splitlines()


def _line(lines: list[str], needle: str, after: str | None = None) -> int:
    start = 0 if after is None else next(i for i, s in enumerate(lines) if after in s)
    return next(i for i, s in enumerate(lines) if i >= start and needle in s) + 1


def _issues(path: Path) -> dict[str, Any]:
    with pytest.raises(ScenarioError) as caught:
        fabnet.load_scenario(path)
    return {issue.loc: issue for issue in caught.value.issues}


@pytest.fixture
def world() -> dict[str, Any]:
    world = tiny_world({2025: 1.0, 2032: 1.0e8})
    world["subsidies"] = [
        {"id": "grant", "name": "Grant", "countries": ["TW"], "capex_share": 0.2, "cap_musd": 1e4}
    ]
    return world


def test_inconsistent_financing_is_reported_with_lines(
    tmp_path: Path, world: dict[str, Any]
) -> None:
    world["subsidies"][0].update(capex_share=0.8, tax_credit_share=0.3, loan_musd=1000.0)
    world["subsidies"][0]["loan_tenor_years"] = 30
    world["investors"].append(
        {
            "id": "far",
            "name": "Far",
            "type": "corporate",
            "country": "FR",
            "commitment_musd": 1.0,
            "annual_cap_musd": 1.0,
            "countries": ["FR", "IT"],
        }
    )
    world["finance"] = {
        "spend_profile": [0.5, 0.8],
        "debt": {"tenor_years": 20},
        "equity": [{"country": "TW", "shares": {"fund": 0.9, "far": 0.3}}],
        "strategies": {"acquisitions": [{"target": "makr"}]},
    }
    path, lines = _write(tmp_path, world)
    issues = _issues(path)
    shares = issues["subsidies[0].tax_credit_share"]
    assert "over 100 % of capex" in shares.message
    tenor = issues["subsidies[0].loan_tenor_years"]
    assert "outlasts the 8-year horizon (2025-2032)" in tenor.message
    assert tenor.line == _line(lines, "loan_tenor_years")
    assert issues["finance.debt.tenor_years"].line == _line(lines, "tenor_years: 20")
    far = issues["investors[1].countries"]
    assert "can fund no project" in far.message
    assert far.line == _line(lines, "countries:", after="id: far")
    equity = issues["finance.equity[0].shares"]
    assert "shares sum to 1.2, over 100 %" in equity.message
    assert "this investor does not fund TW" in issues["finance.equity[0].shares.far"].message
    assert "over 100 %" in issues["finance.spend_profile"].message
    target = issues["finance.strategies.acquisitions[0].target"]
    assert "did you mean 'maker'" in target.message
    for issue in issues.values():
        assert issue.file == str(path)
        assert issue.line is not None


def test_a_loan_within_the_horizon_and_full_shares_are_fine(
    tmp_path: Path, world: dict[str, Any]
) -> None:
    world["finance"] = {
        "debt": {"tenor_years": 8, "grace_years": 1},
        "equity": [{"country": "TW", "shares": {"fund": 1.0}}],
        "spend_profile": [0.25, 0.75],
    }
    path, _ = _write(tmp_path, world)
    scenario = fabnet.load_scenario(path)
    assert scenario.finance.debt.tenor_years == 8
    assert scenario.finance.equity[0].shares == {"fund": 1.0}


def test_the_validate_command_exits_2(tmp_path: Path, world: dict[str, Any]) -> None:
    import subprocess
    import sys

    world["finance"] = {"equity": [{"country": "TW", "shares": {"fund": 1.5}}]}
    path, _ = _write(tmp_path, world)
    run = subprocess.run(
        [sys.executable, "-m", "fabnet", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "finance.equity[0].shares" in run.stderr + run.stdout
    assert "Traceback" not in run.stderr


def test_uncertainty_correlations_must_name_continuous_inputs(
    tmp_path: Path, world: dict[str, Any]
) -> None:
    world["uncertainty"] = {
        "inputs": [
            {
                "id": "quake",
                "target": "disruption",
                "distribution": "bernoulli",
                "annual_probability": 0.01,
                "capacity_lost": 0.5,
                "duration_years": 1,
                "source": "test",
            },
            {
                "id": "price",
                "target": "wafer_price",
                "distribution": "uniform",
                "low": 0.9,
                "high": 1.1,
                "source": "test",
            },
        ],
        "correlations": [
            {"between": ["quake", "price"], "rho": 0.3},
            {"between": ["price", "price"], "rho": 0.5},
        ],
    }
    path, lines = _write(tmp_path, world)
    issues = _issues(path)
    event = issues["uncertainty.correlations[0].between[0]"]
    assert "cannot be correlated" in event.message
    assert event.line == _line(lines, "- quake", after="correlations:")
    assert "with itself" in issues["uncertainty.correlations[1].between"].message

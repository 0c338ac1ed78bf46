"""In-process command-line tests: Typer's runner on the real app, stdout and stderr apart.

The few tests that need a real process (exit status, ``python -m fabnet``, ``FABNET_DEBUG``)
are in ``tests/integration/test_cli.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from fabnet.cli import app

#: As a user's terminal would be, but without colour.
ENV = {"NO_COLOR": "1", "COLUMNS": "160", "FABNET_DEBUG": None}

Fabnet = Callable[..., Result]


@pytest.fixture(scope="session")
def fabnet() -> Fabnet:
    """``fabnet(*args)``: run the command line in this process and return its result."""
    runner = CliRunner()

    def invoke(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
        return runner.invoke(
            app, [str(a) for a in args], env={**ENV, **(env or {})}, catch_exceptions=False
        )

    return invoke


@pytest.fixture(scope="session")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small scenario file (``small``): the tiny world with a JP site, an old TW fab and the
    built-in scenario's uncertain inputs; it plans in a second or two."""
    import copy

    import yaml

    from fabnet.examples import TINY_JP_SITE, TINY_OLD_FAB, tiny_world
    from fabnet.scenario import load_scenario

    world = tiny_world({2025: 1.0e6, 2027: 1.0e6, 2029: 2.0e8, 2032: 4.0e8})
    world["name"] = "small"
    world["sites"].append(copy.deepcopy(TINY_JP_SITE))
    world["supply"] = {"fabs": [], "add": [copy.deepcopy(TINY_OLD_FAB)], "ai_share": {"N5": 0.5}}
    world["uncertainty"] = load_scenario("altman-2024").uncertainty.model_dump(exclude_none=True)
    path = tmp_path_factory.mktemp("small") / "small.yaml"
    path.write_text(yaml.safe_dump(world, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def saved_plan(
    fabnet: Fabnet, small_scenario: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Result, Path]:
    """``fabnet plan small.yaml --out DIR`` run once: its result and DIR."""
    folder = tmp_path_factory.mktemp("plan") / "plan"
    result = fabnet("plan", small_scenario, "--out", folder)
    assert result.exit_code == 0, result.stderr
    return result, folder

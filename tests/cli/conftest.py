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
def saved_plan(fabnet: Fabnet, tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """``fabnet plan altman-2024 --time-limit 60 --out DIR`` run once: its result and DIR."""
    folder = tmp_path_factory.mktemp("plan") / "plan"
    result = fabnet("plan", "altman-2024", "--time-limit", "60", "--out", folder)
    assert result.exit_code == 0, result.stderr
    return result, folder

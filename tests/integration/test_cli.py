"""The command line in a real process: the entry points, exit statuses, stdout and stderr apart.

Every command's behaviour is tested in this process under ``tests/cli/``; these few tests check
what only a subprocess shows, and are marked ``slow`` (CI runs them).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
ENV.pop("FABNET_DEBUG", None)

#: Run the command line with ``fabnet.scenario.load_scenario`` raising ``sys.argv[1]``.
FAILING = """
import sys
from fabnet import exceptions
from fabnet.cli import main
import fabnet.scenario

errors = {
    "RuntimeError": RuntimeError("boom"),
    "ParameterError": exceptions.ParameterError("--x", ">= 1", 0),
    "InfeasiblePlanError": exceptions.InfeasiblePlanError(["more modules"]),
    "CatalogError": exceptions.CatalogError(["fabs.csv:2: source: missing"]),
    "SolverError": exceptions.SolverError("time limit", "no solution in time"),
    "StorageError": exceptions.StorageError("plan/", "No space left on device", 28),
    "KeyboardInterrupt": KeyboardInterrupt(),
}
error = errors[sys.argv.pop(1)]

def fail(*args, **kwargs):
    raise error

fabnet.scenario.load_scenario = fail
sys.argv[0] = "fabnet"
main()
"""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, env=env or ENV, timeout=120, check=False
    )


def fabnet(*args: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "fabnet", *args)


def test_python_m_fabnet_and_the_fabnet_script() -> None:
    from fabnet import __version__

    script = Path(sys.executable).with_name("fabnet")
    for command in ([sys.executable, "-m", "fabnet"], [sys.executable, "-m", "fabnet.cli"]):
        result = run(*command, "--version")
        assert (result.returncode, result.stdout) == (0, f"fabnet {__version__}\n")
    if script.exists():  # the console script of an installed (or editable) fabnet
        assert run(str(script), "--version").stdout == f"fabnet {__version__}\n"
    listing = fabnet("--help")
    assert listing.returncode == 0
    assert "Usage: python -m fabnet [OPTIONS] COMMAND" in listing.stdout
    for command in ("validate", "gap", "plan", "finance", "compare", "risk", "schema", "catalog"):
        assert command in listing.stdout


def test_bad_input_exits_2_with_problems_on_stderr_only(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "name: broken\nextends: altman-2024\nhorizon:\n  end_year: 1900\n", encoding="utf-8"
    )
    result = fabnet("validate", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: 1 problem in the scenario",
        f"{path}:4: horizon.end_year: must be greater than or equal to 1990 (got 1900)",
    ]
    usage = fabnet("frobnicate")
    assert (usage.returncode, usage.stdout) == (2, "")
    assert "No such command" in usage.stderr


def test_results_on_stdout_and_the_rest_on_stderr(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    result = fabnet("schema", "--out", str(out))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", f"wrote {out}\n")
    assert fabnet("schema").stdout == out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        ("RuntimeError", 1),
        ("ParameterError", 2),
        ("InfeasiblePlanError", 3),
        ("CatalogError", 4),
        ("SolverError", 5),
        ("StorageError", 6),
        ("KeyboardInterrupt", 130),
    ],
)
def test_the_exit_status_of_every_error(error: str, code: int) -> None:
    result = run(sys.executable, "-c", FAILING, error, "validate")
    assert result.returncode == code
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr


def test_fabnet_debug_shows_the_traceback_of_an_internal_error() -> None:
    quiet = run(sys.executable, "-c", FAILING, "RuntimeError", "validate")
    assert quiet.stderr.splitlines() == [
        "internal error: RuntimeError: boom",
        "This is a bug in fabnet; rerun with FABNET_DEBUG=1 for the traceback and please report"
        " it.",
    ]
    loud = run(
        sys.executable, "-c", FAILING, "RuntimeError", "validate", env={**ENV, "FABNET_DEBUG": "1"}
    )
    assert loud.returncode == 1
    assert "Traceback (most recent call last)" in loud.stderr
    assert "RuntimeError: boom" in loud.stderr

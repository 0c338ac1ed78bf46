"""The app: its commands, help, version, usage errors and the exit code of every error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import Result

from fabnet.exceptions import (
    CatalogError,
    CorruptResultError,
    InfeasiblePlanError,
    OutputPathError,
    ParameterError,
    ScenarioError,
    ScenarioIssue,
    SolverError,
    StorageError,
)

Fabnet = Callable[..., Result]

#: Every command, in the order ``fabnet --help`` lists it.
COMMANDS = (
    "validate",
    "gap",
    "backcast",
    "plan",
    "finance",
    "compare",
    "risk",
    "schema",
    "catalog",
)

#: An error raised while a command runs, and the exit code it maps to (README, "Exit codes").
ERRORS = [
    (RuntimeError("boom"), 1),
    (ScenarioError([ScenarioIssue("x.yaml", 3, "sites[0]", "unknown site", "'nowhere'")]), 2),
    (ParameterError("--samples", ">= 1", 0), 2),
    (InfeasiblePlanError(["more modules at us-az-phoenix"]), 3),
    (CatalogError(["fabs.csv:2: source: missing"]), 4),
    (SolverError("time limit", "no solution within the time limit"), 5),
    (OutputPathError("--out plan.txt", "is an existing file, not a folder"), 2),
    (CorruptResultError("plan", "plan", ["funding.parquet is 0 bytes, expected 18,392"]), 2),
    (StorageError("plan", "No space left on device", 28), 6),
    (KeyboardInterrupt(), 130),
]


def test_help_lists_every_command_in_order(fabnet: Fabnet) -> None:
    result = fabnet("--help")
    assert result.exit_code == 0
    rows = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("│ ")]
    assert [name for name in rows if name in COMMANDS] == list(COMMANDS)


def test_no_arguments_shows_the_help(fabnet: Fabnet) -> None:
    result = fabnet()
    assert "Usage: fabnet" in result.stdout
    assert "validate" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(fabnet: Fabnet, command: str) -> None:
    result = fabnet(command, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert f"fabnet {command}" in result.stdout
    assert fabnet(command, "-h").stdout == result.stdout


def test_version(fabnet: Fabnet) -> None:
    from fabnet import __version__

    result = fabnet("--version")
    assert (result.exit_code, result.stdout.strip()) == (0, f"fabnet {__version__}")


def test_usage_errors_exit_2(fabnet: Fabnet) -> None:
    assert fabnet("validate", "--nope").exit_code == 2
    assert fabnet("frobnicate").exit_code == 2
    assert fabnet("plan", "--time-limit", "0").exit_code == 2  # below its minimum


@pytest.mark.parametrize(("error", "code"), ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("command", ["validate", "gap", "plan", "compare"])
def test_every_error_has_its_exit_code(
    fabnet: Fabnet, monkeypatch: pytest.MonkeyPatch, command: str, error: BaseException, code: int
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("fabnet.scenario.load_scenario", fail)
    result = fabnet(command)
    assert result.exit_code == code
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    if code == 1:
        assert "internal error: RuntimeError: boom" in result.stderr
        assert "FABNET_DEBUG=1" in result.stderr
    elif code == 130:
        assert result.stderr.strip() == "interrupted"
    elif isinstance(error, ScenarioError):
        assert result.stderr.splitlines() == [
            "error: 1 problem in the scenario",
            "x.yaml:3: sites[0]: unknown site (got 'nowhere')",
        ]
    else:
        assert result.stderr.startswith(f"error: {error}")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (OSError(28, "No space left on device", "/data/plan/x.parquet"), 6),
        (PermissionError(13, "Permission denied", "/data/plan"), 6),
        (OSError(30, "Read-only file system"), 6),
        (FileNotFoundError(2, "No such file or directory", "/lost"), 1),
    ],
    ids=["ENOSPC", "EACCES", "EROFS", "ENOENT"],
)
def test_a_disk_error_from_anywhere_exits_6_not_as_a_bug(
    fabnet: Fabnet, monkeypatch: pytest.MonkeyPatch, error: OSError, code: int
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("fabnet.scenario.load_scenario", fail)
    result = fabnet("validate")
    assert result.exit_code == code
    if code == 6:
        where = error.filename or "a file"
        assert result.stderr.strip() == f"error: cannot read or write {where}: {error.strerror}"
    else:
        assert "This is a bug in fabnet" in result.stderr


def test_fabnet_debug_lets_an_internal_error_through(
    fabnet: Fabnet, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("fabnet.scenario.load_scenario", fail)
    with pytest.raises(RuntimeError, match="boom"):
        fabnet("validate", env={"FABNET_DEBUG": "1"})
    # Bad input stays a message with its exit code, even with FABNET_DEBUG.
    assert fabnet("plan", "--objective", "x", env={"FABNET_DEBUG": "1"}).exit_code == 2

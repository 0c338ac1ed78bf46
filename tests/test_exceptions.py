"""The error hierarchy: builtin bases, attributes, message formats, exit codes."""

from __future__ import annotations

import pytest

from fabnet.exceptions import (
    CatalogError,
    CorruptResultError,
    FabnetError,
    OutputPathError,
    ParameterError,
    ScenarioError,
    ScenarioIssue,
    StorageError,
    render_value,
)


def test_classes_inherit_the_closest_builtin() -> None:
    assert issubclass(ScenarioError, FabnetError)
    assert issubclass(ScenarioError, ValueError)
    assert issubclass(ParameterError, ValueError)
    assert issubclass(CatalogError, ValueError)
    assert issubclass(OutputPathError, ValueError)
    assert issubclass(CorruptResultError, ValueError)
    assert issubclass(StorageError, OSError)


def test_exit_codes_are_distinct_for_bad_input_and_bad_catalog() -> None:
    assert ScenarioError.exit_code == 2
    assert ParameterError.exit_code == 2
    assert CatalogError.exit_code == 4
    assert OutputPathError.exit_code == CorruptResultError.exit_code == 2
    assert StorageError.exit_code == 6
    assert FabnetError.exit_code == 1


def test_issue_format_is_file_line_field_message_got() -> None:
    issue = ScenarioIssue("scenario.yaml", 13, "sites[1].capex_musd", "must be > 0", "-5")
    assert str(issue) == "scenario.yaml:13: sites[1].capex_musd: must be > 0 (got -5)"


def test_issue_without_line_or_field() -> None:
    assert (
        str(ScenarioIssue("x.yaml", None, "", "the file is empty")) == "x.yaml: the file is empty"
    )
    assert str(ScenarioIssue(None, None, "name", "missing")) == "<scenario>: name: missing"


def test_scenario_error_carries_every_issue() -> None:
    issues = [ScenarioIssue("a.yaml", 1, "x", "bad"), ScenarioIssue("a.yaml", 2, "y", "worse")]
    exc = ScenarioError(issues)
    assert exc.issues == tuple(issues)
    assert "2 problems" in str(exc)
    assert "a.yaml:2: y: worse" in str(exc)


def test_scenario_error_needs_an_issue() -> None:
    with pytest.raises(ValueError, match="at least one issue"):
        ScenarioError([])


def test_parameter_error_message_and_attributes() -> None:
    exc = ParameterError("die_area_mm2", "> 0", -1.5)
    assert str(exc) == "die_area_mm2: must be > 0 (got -1.5)"
    assert (exc.parameter, exc.allowed, exc.got) == ("die_area_mm2", "> 0", "-1.5")


def test_render_value_is_short_and_single_line() -> None:
    assert render_value("a\nb") == "'a\\nb'"
    assert render_value(3) == "3"
    long = render_value("x" * 500)
    assert len(long) == 80
    assert long.endswith("…")


def test_output_errors_carry_their_data() -> None:
    refused = OutputPathError("--out plan.txt", "is an existing file, not a folder")
    assert (refused.path, str(refused)) == (
        "--out plan.txt",
        "--out plan.txt: is an existing file, not a folder",
    )
    corrupt = CorruptResultError("plan/", "plan", ["a is 0 bytes, expected 9", "b is missing"])
    assert corrupt.problems == ("a is 0 bytes, expected 9", "b is missing")
    assert str(corrupt) == (
        "corrupt or incomplete plan folder plan/: a is 0 bytes, expected 9; b is missing"
    )
    full = StorageError("plan/", "No space left on device", 28)
    assert (full.path, full.strerror, full.errno) == ("plan/", "No space left on device", 28)
    assert str(full) == "cannot write plan/: No space left on device"

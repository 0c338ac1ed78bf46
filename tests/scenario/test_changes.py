"""``scenario.with_changes``: dotted paths, re-validated as a file is, errors as for files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from fabnet.exceptions import ParameterError, ScenarioError, ScenarioIssue
from fabnet.scenario import Scenario, load_scenario, with_changes
from fabnet.scenario._changes import CHANGES


@pytest.fixture(scope="module")
def altman() -> Scenario:
    return load_scenario("altman-2024")


@pytest.fixture
def small(small_text: str) -> Scenario:
    return load_scenario(small_text)


def _issues(scenario: Scenario, changes: dict[Any, Any]) -> list[ScenarioIssue]:
    with pytest.raises(ScenarioError) as caught:
        scenario.with_changes(changes)
    return list(caught.value.issues)


# -- the issue's example: a bad value reads as it would in a file --------------------------


@pytest.mark.parametrize(
    ("path", "yaml", "value"),
    [
        ("policy.regional_caps.TW", "policy:\n  regional_caps:\n    TW: 7.0\n", 7.0),
        ("policy.discount_rate", "policy:\n  discount_rate: -0.1\n", -0.1),
        ("policy.objective", "policy:\n  objective: max_fun\n", "max_fun"),
        ("sites[6].max_modules", "sites:\n  - id: tw-kaohsiung\n    max_modules: -3\n", -3),
    ],
)
def test_a_bad_value_is_refused_as_in_a_file(
    tmp_path: Path, altman: Scenario, path: str, yaml: str, value: Any
) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(f"extends: altman-2024\nname: bad\n{yaml}", encoding="utf-8")
    with pytest.raises(ScenarioError) as from_file:
        load_scenario(file)
    (want,) = from_file.value.issues
    assert want.file == str(file)
    assert want.line is not None

    (got,) = _issues(altman, {path.replace("[6]", ".tw-kaohsiung"): value})
    assert (got.loc, got.message, got.got) == (want.loc, want.message, want.got)
    assert got.file == CHANGES
    assert got.line is None


def test_the_cap_of_7_reads_like_the_file_error(altman: Scenario) -> None:
    with pytest.raises(ScenarioError) as caught:
        altman.with_changes({"policy.regional_caps.TW": 7.0})
    assert str(caught.value).splitlines()[-1] == (
        "<changes>: policy.regional_caps.TW: must be less than or equal to 1 (got 7.0)"
    )


def test_every_problem_at_once_including_the_semantic_checks(small: Scenario) -> None:
    issues = _issues(
        small,
        {
            "policy.regional_caps.US": 1.5,  # the schema
            "sites.test-site.partners": ["nobody"],  # a reference (_check)
            "investors.test-fund.countries": ["XX"],  # a reference to the catalog
        },
    )
    locs = {i.loc for i in issues}
    assert "policy.regional_caps.US" in locs
    assert any(loc.startswith("sites[0].partners") for loc in locs)
    assert any(loc.startswith("investors[0].countries") for loc in locs)
    assert all(i.file == CHANGES for i in issues)


def test_a_feasibility_check_runs_as_for_a_file(small: Scenario) -> None:
    # _feasible: a perpetuity's growth must be below the discount rate.
    changes = {"finance.terminal_value": "perpetuity", "finance.terminal_growth": 0.09}
    (issue,) = _issues(small.with_changes({"policy.discount_rate": 0.05}), changes)
    assert "must be below policy.discount_rate" in issue.message


def test_a_problem_with_a_changed_block_is_at_the_changes(small: Scenario) -> None:
    (issue,) = _issues(small, {"horizon.end_year": 2020})
    assert issue.loc == "horizon"
    assert issue.file == CHANGES
    assert "end_year must be after start_year" in issue.message


# -- good changes ------------------------------------------------------------------------


def test_good_changes_are_applied_and_the_original_is_unchanged(altman: Scenario) -> None:
    before = copy.deepcopy(altman)
    changed = altman.with_changes(
        {
            "policy.regional_caps.TW": 0.3,  # a mapping's key
            "policy.regional_caps.US": 0.6,  # a new key
            "policy.discount_rate": 0.07,
            "finance.debt.rate": 0.06,  # a section written only where it differs
            "solver.threads": 2,
        }
    )
    assert changed.policy.regional_caps == {"TW": 0.3, "US": 0.6}
    assert changed.policy.discount_rate == 0.07
    assert changed.finance.debt.rate == 0.06
    assert changed.solver.threads == 2
    assert altman == before
    assert altman.policy.regional_caps == {"TW": 0.5}
    # Everything else as it was.
    assert changed.sites == altman.sites
    assert changed.demand == altman.demand
    assert changed.model_copy(update={"policy": altman.policy, "finance": altman.finance}) == (
        altman.model_copy(update={"solver": changed.solver})
    )


def test_no_changes_give_the_same_scenario(altman: Scenario, small: Scenario) -> None:
    assert altman.with_changes({}) == altman
    assert small.with_changes({}) == small


def test_list_items_by_id_and_by_index(altman: Scenario) -> None:
    index = [s.id for s in altman.sites].index("tw-chiayi")
    by_id = altman.with_changes({"sites.tw-chiayi.power_mw": 900})
    by_index = altman.with_changes({f"sites.{index}.power_mw": 900})
    by_bracket = altman.with_changes({f"sites[{index}].power_mw": 900})
    assert by_id == by_index == by_bracket
    assert by_id.sites[index].power_mw == 900
    # A catalog site says it was changed, as in a file.
    assert by_id.sites[index].source == "catalog:sites/tw-chiayi (with scenario changes)"
    assert altman.sites[index].source == "catalog:sites/tw-chiayi"
    ramp = altman.with_changes({"policy.ramp_profile.0": 0.5}).policy.ramp_profile
    assert ramp == [0.5, *altman.policy.ramp_profile[1:]]
    starts = altman.with_changes({"policy.earliest_starts.0.year": 2030})
    assert starts.policy.earliest_starts[0].year == 2030


def test_nested_and_year_keys(altman: Scenario) -> None:
    table = altman.demand.installed.table
    assert table is not None
    year = max(table)
    changed = altman.with_changes({f"demand.installed.table.{year}": table[year] * 1.1})
    new_table = changed.demand.installed.table
    assert new_table is not None
    assert new_table[year] == pytest.approx(table[year] * 1.1)
    assert set(new_table) == set(table)
    penalty = altman.with_changes({"policy.unserved_penalty_usd_per_h100e": 1000.0})
    assert penalty.policy.unserved_penalty_usd_per_h100e == 1000.0


def test_whole_values_models_and_none(altman: Scenario) -> None:
    policy = altman.policy.model_copy(update={"discount_rate": 0.1})
    assert altman.with_changes({"policy": policy}).policy == policy
    # None removes: a key from a mapping, a default back, an item from its list.
    assert altman.with_changes({"policy.regional_caps.TW": None}).policy.regional_caps == {}
    assert (
        altman.with_changes({"policy.euv_tools_per_year": None}).policy.euv_tools_per_year is None
    )
    fewer = altman.with_changes({"sites.tw-chiayi": None})
    assert [s.id for s in fewer.sites] == [s.id for s in altman.sites if s.id != "tw-chiayi"]
    # A required field removed is missing, as in a file.
    (issue,) = _issues(altman, {"policy.discount_rate": 0.07, "horizon.end_year": None})
    assert issue.loc == "horizon.end_year"
    assert "missing" in issue.message
    # A bad value inside a whole model given is refused (model_copy let it through).
    bad = altman.policy.model_copy(update={"regional_caps": {"TW": 7.0}})
    (issue,) = _issues(altman, {"policy": bad})
    assert issue.loc == "policy.regional_caps.TW"


def test_changes_apply_in_order(small: Scenario) -> None:
    changed = small.with_changes({"policy.discount_rate": 0.2, "policy": {"discount_rate": 0.1}})
    assert changed.policy.discount_rate == 0.1
    changed = small.with_changes({"policy": {"discount_rate": 0.1}, "policy.discount_rate": 0.2})
    assert changed.policy.discount_rate == 0.2


def test_the_module_function_and_a_catalog(small: Scenario) -> None:
    from fabnet.catalog import load_catalog

    changed = with_changes(small, {"name": "renamed"}, catalog=load_catalog())
    assert changed.name == "renamed"


# -- paths that lead nowhere ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "where", "allowed"),
    [
        ("polcy.regional_caps.TW", "polcy", ["policy", "horizon", "sites", "finance"]),
        ("policy.regional_capz", "policy.regional_capz", ["regional_caps", "discount_rate"]),
        ("finance.discount_rate", "finance.discount_rate", ["debt", "terminal_value"]),
        ("sites.nowhere.power_mw", "sites.nowhere", ["test-site", "an index 0–0"]),
        ("sites.3.power_mw", "sites.3", ["test-site", "an index 0–0"]),
        ("sites.test-site.powr_mw", "sites.test-site.powr_mw", ["power_mw", "lat"]),
        ("policy.discount_rate.x", "policy.discount_rate", ["as a whole"]),
        ("subsidies.x", "subsidies.x", ["the list is empty"]),
    ],
)
def test_an_unknown_path_names_it_and_the_keys_allowed(
    small: Scenario, path: str, where: str, allowed: list[str]
) -> None:
    (issue,) = _issues(small, {path: 1})
    assert issue.file == CHANGES
    assert issue.loc == where
    for key in allowed:
        assert key in issue.message
    if where != path:
        assert repr(path) in issue.message


def test_a_misspelt_field_gets_a_suggestion(small: Scenario) -> None:
    (issue,) = _issues(small, {"policy.regional_capz.TW": 0.3})
    assert "did you mean 'regional_caps'?" in issue.message


@pytest.mark.parametrize("path", [5, "", "policy..discount_rate", "policy.", None])
def test_a_path_that_is_no_path(small: Scenario, path: Any) -> None:
    (issue,) = _issues(small, {path: 1})
    assert "dotted path" in issue.message


def test_every_bad_path_at_once(small: Scenario) -> None:
    issues = _issues(small, {"polcy": 1, "sites.x": 2, "policy.discount_rate": 0.05})
    assert [i.loc for i in issues] == ["polcy", "sites.x"]


def test_changes_must_be_a_mapping(small: Scenario) -> None:
    with pytest.raises(ParameterError, match=r"changes: must be a mapping"):
        small.with_changes([("policy.discount_rate", 0.1)])  # type: ignore[arg-type]

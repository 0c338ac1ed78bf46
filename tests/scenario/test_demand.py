"""The demand section's numerically sound range (fabnet.units.MAX_INSTALLED_H100E)."""

from __future__ import annotations

import pytest

from fabnet.exceptions import ScenarioError
from fabnet.scenario import load_scenario
from fabnet.units import MAX_INSTALLED_H100E


@pytest.mark.parametrize(
    "installed",
    [
        {"table": {2022: 0.7e6, 2025: 6.5e40}},
        {"table": None, "growth": {2024: 2.0}, "base_year": 2024, "base_h100e": 6.5e40},
    ],
    ids=["table", "base"],
)
def test_installed_compute_beyond_the_sound_range_is_refused_with_it(
    installed: dict[str, object],
) -> None:
    with pytest.raises(ScenarioError, match=r"less than or equal to 1000000000000") as caught:
        load_scenario(
            {"name": "huge", "extends": "altman-2024", "demand": {"installed": installed}}
        )
    assert "demand.installed" in str(caught.value)


def test_a_growth_path_says_where_it_leaves_the_range() -> None:
    # validate refuses it, at the block, with the range and the year it is left.
    with pytest.raises(ScenarioError) as caught:
        load_scenario(
            {
                "name": "fast",
                "extends": "altman-2024",
                "demand": {"installed": {"growth": dict.fromkeys(range(2025, 2036), 20.0)}},
            }
        )
    (issue,) = caught.value.issues
    assert issue.loc == "demand.installed"
    assert f"{MAX_INSTALLED_H100E:.0e} H100e" in issue.message
    assert "2029" in issue.message
    assert (
        load_scenario("altman-2024").demand.installed.range_problem(list(range(2024, 2041))) is None
    )

"""Supply: capacity by year, status weights, overrides, AI share."""

from __future__ import annotations

import pytest

from fabnet.catalog import load_catalog
from fabnet.outlook import capacity_in_year, scenario_fabs, status_weight, supply_frame
from fabnet.scenario import Fab, interpolate, load_scenario


def _fab(**changes: object) -> Fab:
    fields: dict[str, object] = {
        "id": "f",
        "name": "F",
        "operator": "x",
        "site": "s",
        "country": "US",
        "resource": "N3",
        "status": "operating",
        "capacity_wspm": {2025: 10_000.0, 2027: 30_000.0},
    }
    fields.update(changes)
    return Fab.model_validate(fields)


def test_capacity_is_the_mean_of_year_ends() -> None:
    fab = _fab()
    assert capacity_in_year(fab, 2024) == 0.0
    assert capacity_in_year(fab, 2025) == 5_000.0  # ramps from 0 to 10k during 2025
    assert capacity_in_year(fab, 2026) == 10_000.0
    assert capacity_in_year(fab, 2027) == 20_000.0
    assert capacity_in_year(fab, 2040) == 30_000.0  # held after the last year given


def test_retired_fabs_produce_nothing() -> None:
    assert capacity_in_year(_fab(retire_year=2030), 2030) == 0.0
    assert capacity_in_year(_fab(retire_year=2030), 2029) == 30_000.0


@pytest.mark.parametrize(
    ("status", "probability", "rule", "weight"),
    [
        ("operating", None, "probability", 1.0),
        ("cancelled", 0.9, "full", 0.0),
        ("building", 0.8, "probability", 0.8),
        ("announced", None, "probability", 1.0),
        ("announced", 0.4, "full", 1.0),
        ("building", 0.8, "none", 0.0),
    ],
)
def test_status_weights(status: str, probability: float | None, rule: str, weight: float) -> None:
    assert status_weight(_fab(status=status, probability=probability), rule) == weight


def test_overrides_exclusions_and_additions(tmp_path: object) -> None:
    catalog = load_catalog()
    fab = next(
        f
        for f in catalog.ids("fabs")
        if catalog.get("fabs", f).get("production_start_year") is not None
    )
    original = catalog.trajectory("fabs", fab, "capacity_wspm")
    start = int(catalog.get("fabs", fab)["production_start_year"])  # type: ignore[arg-type]
    others = [f for f in catalog.ids("fabs") if f != fab][:2]
    scenario = load_scenario(
        {
            "name": "t",
            "extends": "altman-2024",
            "supply": {
                "exclude": others,
                "overrides": [{"id": fab, "production_start_year": start + 2}],
                "add": [
                    {
                        "id": "new-fab",
                        "name": "New",
                        "operator": "x",
                        "site": "y",
                        "country": "JP",
                        "resource": "N2",
                        "status": "building",
                        "probability": 0.5,
                        "capacity_wspm": {2030: 20_000},
                    }
                ],
            },
        }
    )
    fabs = {f.id: f for f in scenario_fabs(scenario, catalog)}
    assert not set(others) & set(fabs)
    assert fabs[fab].capacity_wspm == {y + 2: c for y, c in original.items()}
    assert fabs[fab].source == f"catalog:fabs/{fab} (with scenario changes)"
    frame = supply_frame(scenario, catalog)
    added = frame[(frame["fab"] == "new-fab") & (frame["year"] == 2031)].iloc[0]
    share = interpolate(scenario.supply.ai_share["N2"], 2031)
    assert added["region"] == "JP"
    assert added["ai_capacity_wspm"] == pytest.approx(20_000 * 0.5 * share)


def test_ai_share_defaults_to_all_of_the_output() -> None:
    # null removes an inherited key (JSON Merge Patch): only N5 keeps a share.
    others = dict.fromkeys(["N7", "N3", "N2", "A16", "HBM", "COWOS"])
    scenario = load_scenario(
        {"name": "t", "extends": "altman-2024", "supply": {"ai_share": {"N5": 0.5, **others}}}
    )
    frame = supply_frame(scenario, load_catalog())
    assert set(frame.loc[frame["resource"] == "N5", "ai_share"]) == {0.5}
    # HBM: all of it, but Samsung's, whose own share the scenario sets (an override).
    hbm = frame[(frame["resource"] == "HBM") & (frame["fab"] != "samsung-hbm")]
    assert set(hbm["ai_share"]) == {1.0}
    samsung = frame[frame["fab"] == "samsung-hbm"].set_index("year")["ai_share"]
    assert samsung[2024] == pytest.approx(0.35)
    assert (frame["ai_capacity_wspm"] <= frame["capacity_wspm"] + 1e-9).all()

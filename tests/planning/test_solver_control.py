"""Solver control from the library: HiGHS options by name, HiGHS's log, the user's hook on the
model (``extra_functionality``), and the progress callbacks of the long analyses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fabnet
from fabnet.examples import tiny_world
from fabnet.exceptions import ParameterError
from fabnet.planning.solve import highs_options
from fabnet.scenario import Scenario, load_scenario


@pytest.fixture(scope="module")
def world() -> Scenario:
    """The tiny world wanting 100 M H100e from 2030: two modules close it."""
    return load_scenario(tiny_world({2025: 1.0, 2030: 1.0e8, 2032: 1.0e8}))


def test_a_constraint_added_by_extra_functionality_changes_the_plan(world: Scenario) -> None:
    free = fabnet.plan(world, shadow_prices=False)
    seen: list[tuple[int, int]] = []

    def nothing_new(model: Any, data: Any) -> None:
        seen.append((len(data.projects), len(model.constraints)))
        model.add_constraints(model.variables["build"].sum() <= 0, name="User-nothing-new")

    held = fabnet.plan(world, shadow_prices=False, extra_functionality=nothing_new)
    assert free.builds["modules"].sum() > 0
    assert held.builds.empty
    assert held.compute["unserved_h100e"].sum() > free.compute["unserved_h100e"].sum() + 1e6
    assert len(seen) == 1  # called once: after the model is built, before it is solved
    assert held.stats["constraints"] == free.stats["constraints"] + 1


def test_extra_functionality_reaches_the_shadow_price_model(world: Scenario) -> None:
    calls: list[bool] = []

    def count(model: Any, data: Any) -> None:
        calls.append(bool(model.variables["build"].attrs.get("integer", False)))

    fabnet.plan(world, extra_functionality=count)
    assert calls == [True, False]  # the MIP, then the LP of its shadow prices


def test_highs_options_are_checked_and_typed() -> None:
    assert highs_options({"presolve": "off", "mip_rel_gap": "0.5", "mip_max_nodes": 7}) == {
        "presolve": "off",
        "mip_rel_gap": 0.5,
        "mip_max_nodes": 7,
    }
    assert highs_options(None) == {}
    with pytest.raises(ParameterError, match=r"solver_options: must be HiGHS options .*nope=1"):
        highs_options({"nope": 1})
    with pytest.raises(ParameterError, match=r"a value HiGHS accepts for mip_rel_gap"):
        highs_options({"mip_rel_gap": -1.0})


def test_a_bad_highs_option_is_refused_before_any_work(
    world: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_gap(*args: object, **kwargs: object) -> None:
        raise AssertionError("the gap was computed before the options were checked")

    monkeypatch.setattr("fabnet.outlook.gap", no_gap)
    with pytest.raises(ParameterError, match="solver_options"):
        fabnet.plan(world, solver_options={"presolve": "sometimes"})
    with pytest.raises(ParameterError, match="solver_options"):
        fabnet.compare(world, solver_options={"nope": 1})


def test_options_and_the_log_reach_highs(world: Scenario, tmp_path: Path) -> None:
    log = tmp_path / "highs.log"
    result = fabnet.plan(world, solver_options={"presolve": "off"}, solver_log=log)
    text = log.read_text(encoding="utf-8")
    assert "Presolve is switched off" in text  # the option reached HiGHS
    assert text.count("Solving LP") >= 1  # the shadow-price LPs appended after the MIP
    assert result.builds["modules"].sum() > 0
    assert not list(tmp_path.glob(".highs.log.tmp-*"))  # the scratch logs are gone


def test_max_compute_without_a_budget_names_the_budget(world: Scenario) -> None:
    with pytest.raises(ParameterError, match=r"^budget_musd: must be given for objective"):
        fabnet.plan(world, objective="max_compute")


def test_analyse_reports_the_samples_evaluated(world: Scenario) -> None:
    from fabnet.risk import analyse

    scenario = world.model_copy(update={"uncertainty": load_scenario("altman-2024").uncertainty})
    planned = fabnet.plan(scenario, shadow_prices=False)
    seen: list[tuple[str, int, int]] = []
    analyse(planned, samples=5000, chunk_size=1000, on_progress=lambda *a: seen.append(a))
    done = [d for step, d, total in seen if step == "samples" and total == 5000]
    assert done == sorted(done)
    assert done[-1] == 5000
    assert len(done) == 5
    with pytest.raises(ParameterError, match=r"^sobol_samples: must be a power of 2"):
        analyse(planned, samples=10, sobol_samples=48)
    with pytest.raises(ParameterError, match=r"^samples: must be an integer >= 1"):
        analyse(planned, samples=0)


@pytest.mark.slow
def test_the_stochastic_plan_reports_world_after_world() -> None:
    from fabnet.planning.stochastic import stochastic_plan

    world = tiny_world(
        {2025: 1.0, 2026: 1.0, 2027: 1.0e8, 2032: 1.0e8},
        discount_rate=0.0,
        asset_life_years=5,
        unserved_penalty_usd_per_h100e=54.0,
    )
    world["uncertainty"] = {
        "inputs": [
            {
                "id": "growth",
                "target": "demand_growth",
                "distribution": "empirical",
                "values": [0.2, 1.8],
                "source": "example",
            }
        ]
    }
    seen: list[tuple[str, int, int]] = []
    stochastic_plan(load_scenario(world), scenarios=2, on_progress=lambda *a: seen.append(a))
    steps = [step for step, _, _ in seen]
    assert steps[:2] == ["worlds", "worlds"]
    assert steps.index("recourse problem") < steps.index("expected-value plan")
    assert [d for step, d, _ in seen if step == "world"] == [0, 1, 2]

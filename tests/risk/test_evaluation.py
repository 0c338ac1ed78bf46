"""Evaluating a fixed plan on samples: closed forms, the plan's own world, determinism."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from scipy import stats

import fabnet
from fabnet.examples import TINY_OLD_FAB, tiny_world
from fabnet.exceptions import ParameterError
from fabnet.risk import draw
from fabnet.risk.analysis import analyse
from fabnet.risk.evaluation import Draws, _chunk, evaluate, plan_arrays
from fabnet.risk.measures import probability_ci


def _world(inputs: list[dict[str, Any]], installed: dict[int, float] | None = None) -> Any:
    world = tiny_world(installed or {2025: 1.0e6, 2026: 3.6e7, 2032: 3.6e7})
    world["supply"] = {"fabs": [], "add": [copy.deepcopy(TINY_OLD_FAB)], "ai_share": {"N5": 0.5}}
    world["uncertainty"] = {"inputs": inputs}
    return fabnet.load_scenario(world)


GROWTH = {
    "id": "growth",
    "target": "demand_growth",
    "distribution": "lognormal",
    "median": 1.0,
    "sigma": 0.3,
    "source": "test",
}


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_lognormal_demand_against_fixed_capacity(method: str) -> None:
    # Design-only: 5,000 wspm of market N5 and no new fab. New compute in 2026 is the growth
    # (S₂₀₂₆ − S₂₀₂₅)·f plus the retirements r, so the year is short exactly when
    # f > (D − r)/(S₂₀₂₆ − S₂₀₂₅), D = 5,000 wspm / (wspm per H100e a year): with f lognormal,
    # P(short) = 1 − Φ(ln((D − r)/ΔS) / σ).
    scenario = _world([GROWTH])
    plan = fabnet.plan(scenario, strategy="design-only", shadow_prices=False)
    arrays = plan_arrays(plan)
    t = 1  # 2026
    (n5,) = [i for i, r in enumerate(arrays.resources) if r == "N5"]
    deliverable = 5000.0 / arrays.need_table[n5, t, t]
    growth = arrays.installed[t] - arrays.installed[t - 1]
    ratio = (deliverable - arrays.retired[t]) / growth
    expected = 1.0 - stats.norm.cdf(np.log(ratio) / 0.3)
    samples = draw(scenario.uncertainty, 20_000, seed=11, method=method, years=scenario.years)
    out = evaluate(arrays, samples)
    short = (out["unserved_h100e"].sel(year=2026) > 1e-6).to_numpy()
    low, high = probability_ci(short.mean(), short.size, 0.99)
    assert 0.05 < expected < 0.95
    assert low <= expected <= high


@pytest.mark.slow
def test_neutral_inputs_reproduce_the_plan() -> None:
    plan = fabnet.plan("altman-2024", shadow_prices=False)
    arrays = plan_arrays(plan)
    neutral = _chunk(arrays, Draws.neutral(arrays, 1))
    assert neutral["npv_cost"][0] == pytest.approx(plan.objective, rel=1e-9)
    np.testing.assert_allclose(
        neutral["unserved"][0], plan.compute["unserved_h100e"].to_numpy(), rtol=1e-6, atol=1.0
    )


@pytest.fixture(scope="module")
def altman() -> Any:
    """A small world with altman-2024's uncertain inputs: builds in TW and JP, an old TW fab."""
    from fabnet.examples import TINY_JP_SITE

    world = tiny_world({2025: 1.0e6, 2027: 1.0e6, 2029: 2.0e8, 2032: 4.0e8})
    world["sites"].append(copy.deepcopy(TINY_JP_SITE))
    world["supply"] = {"fabs": [], "add": [copy.deepcopy(TINY_OLD_FAB)], "ai_share": {"N5": 0.5}}
    inputs = fabnet.load_scenario("altman-2024").uncertainty.model_dump(exclude_none=True)
    world["uncertainty"] = inputs
    world["investors"][0]["hurdle_rate"] = 0.1
    plan = fabnet.plan(fabnet.load_scenario(world), shadow_prices=False)
    assert plan.builds["modules"].sum() > 0
    return plan, plan_arrays(plan)


def test_same_seed_same_bytes_for_any_chunk_size_and_threads(altman: Any) -> None:
    plan, arrays = altman
    years = plan.scenario.years
    first = evaluate(arrays, draw(plan.scenario.uncertainty, 1500, seed=5, years=years))
    again = evaluate(
        arrays,
        draw(plan.scenario.uncertainty, 1500, seed=5, years=years),
        chunk_size=97,
        workers=3,
    )
    alone = evaluate(arrays, draw(plan.scenario.uncertainty, 1500, seed=5, years=years), workers=1)
    other = evaluate(arrays, draw(plan.scenario.uncertainty, 1500, seed=6, years=years))
    for name in first.data_vars:
        assert first[name].to_numpy().tobytes() == again[name].to_numpy().tobytes(), name
        assert first[name].to_numpy().tobytes() == alone[name].to_numpy().tobytes(), name
    assert not np.array_equal(first["npv_objective_musd"], other["npv_objective_musd"])


def test_a_delay_pushes_capacity_later(altman: Any) -> None:
    plan, arrays = altman
    base = Draws.neutral(arrays, 2)
    late = Draws(
        growth=base.growth,
        delay_months=np.array(
            [[0.0] * len(arrays.module_capex), [12.0] * len(arrays.module_capex)]
        ),
        overrun=base.overrun,
        speed=base.speed,
        price=base.price,
        availability=base.availability,
    )
    out = _chunk(arrays, late)
    first_online = plan.builds["online_year"].min() - plan.scenario.years[0]
    # A year's delay on every project (whole years of lead time): nothing new is online in the
    # first year the plan had new capacity, capex is spread over one more year, and no less
    # compute goes unserved.
    new = out["supply"] - arrays.existing.sum(axis=1)[None] - arrays.fixed_extra[None]
    assert new[0, :, first_online].sum() > 0
    assert new[1, :, first_online].sum() == pytest.approx(0.0, abs=1e-6)
    assert out["spend"][1].sum() == pytest.approx(out["spend"][0].sum())
    assert (out["spend"][1].sum(axis=0) > 0).sum() > (out["spend"][0].sum(axis=0) > 0).sum()
    assert out["unserved"][1].sum() >= out["unserved"][0].sum()


def test_an_overrun_scales_capex_and_a_disruption_cuts_supply(altman: Any) -> None:
    _, arrays = altman
    base = Draws.neutral(arrays, 1)
    neutral = _chunk(arrays, base)
    dearer = _chunk(arrays, Draws(**{**base.__dict__, "overrun": base.overrun * 1.5}))
    assert dearer["spend"].sum() == pytest.approx(1.5 * neutral["spend"].sum())
    tw = arrays.countries.index("TW")
    cut = base.availability.copy()
    cut[0, tw, :] = 0.5
    disrupted = _chunk(arrays, Draws(**{**base.__dict__, "availability": cut}))
    lost = (arrays.existing[:, tw, :] * 0.5).sum()
    new_tw = [p for p, c in enumerate(arrays.project_country) if c == tw]
    assert neutral["supply"].sum() - disrupted["supply"].sum() >= lost - 1e-6
    if not new_tw:
        assert neutral["supply"].sum() - disrupted["supply"].sum() == pytest.approx(lost)


def test_samples_must_cover_the_plans_years(altman: Any) -> None:
    plan, arrays = altman
    samples = draw(plan.scenario.uncertainty, 4, seed=1, years=range(2030, 2041))
    with pytest.raises(ParameterError, match=r"samples\.years"):
        evaluate(arrays, samples)
    with pytest.raises(ParameterError, match="chunk_size"):
        evaluate(
            arrays,
            draw(plan.scenario.uncertainty, 4, seed=1, years=plan.scenario.years),
            chunk_size=0,
        )


def test_analysis_tables(altman: Any) -> None:
    plan, _ = altman
    result = analyse(plan, samples=1024, seed=2, threshold=0.05, alpha=0.9)
    table = result.by_year
    assert table["p_shortfall"].between(0, 1).all()
    assert (table["p_shortfall_low"] <= table["p_shortfall"]).all()
    assert (table["p_shortfall"] <= table["p_shortfall_high"]).all()
    measures = result.measures_wide()
    cost = measures.loc["npv_objective_musd"]
    assert cost["cvar"] >= cost["var"] >= cost["p50"]
    investor = measures[measures["kind"] == "value"].iloc[0]
    assert investor["cvar"] <= investor["var"] <= investor["p50"]
    assert result.tornado.iloc[0]["input"] == "demand-growth"
    again = analyse(plan, samples=1024, seed=2, threshold=0.05, alpha=0.9)
    assert again.by_year.equals(table)
    assert again.measures.equals(result.measures)
    assert again.fan.equals(result.fan)
    assert again.quantiles.equals(result.quantiles)
    # The fan is long: one row per (year, quantile), quantiles as fractions.
    assert result.fan.index.names == ["year", "quantile"]
    assert sorted(set(result.fan.index.get_level_values("quantile"))) == [
        0.05,
        0.25,
        0.5,
        0.75,
        0.95,
    ]
    low = result.fan.xs(0.05, level="quantile")["delivered_h100e"]
    high = result.fan.xs(0.95, level="quantile")["delivered_h100e"]
    assert (low <= high).all()


def test_a_scenario_without_uncertainty_gives_the_plan_itself_in_every_sample() -> None:
    # What validate accepts, risk runs: with nothing uncertain, no spread and no sensitivity.
    scenario = _world([])
    plan = fabnet.plan(scenario, strategy="design-only", shadow_prices=False)
    result = analyse(plan, samples=8, sobol_samples=4)
    wide = result.measures_wide()
    spread = wide["p95"] - wide["p5"]
    assert (spread.abs() <= 1e-9 * result.measures["mean"].abs().clip(lower=1.0)).all()
    assert result.tornado.empty
    assert result.sobol is None

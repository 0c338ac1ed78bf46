"""The rules every model shares (fabnet.schedules), and that planner, finance and risk read them
the same way: capacity, spend and residual value year by year."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fabnet.exceptions import ParameterError
from fabnet.schedules import (
    convolve,
    event_availability,
    first_online_kernel,
    lead_years,
    learning_warp,
    online_kernel,
    ramp_kernel,
    reaches,
    rescaled_new_compute,
    residual_share,
    spend_kernel,
    stretch_profile,
)

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@given(arrays(float, (3, 6), elements=finite), arrays(float, (3, 4), elements=finite))
def test_convolve_matches_the_sum_over_starts(starts: np.ndarray, kernel: np.ndarray) -> None:
    expected = np.zeros_like(starts)
    for p in range(3):
        for s in range(6):
            for lag in range(4):
                if s + lag < 6:
                    expected[p, s + lag] += starts[p, s] * kernel[p, lag]
    np.testing.assert_allclose(convolve(starts, kernel), expected, atol=1e-6)


@given(st.lists(st.floats(0.01, 1.0), min_size=1, max_size=6), st.integers(1, 8))
def test_a_stretched_profile_spends_everything(profile: list[float], years: int) -> None:
    shares = stretch_profile(profile, years)
    assert len(shares) == years
    assert shares.sum() == pytest.approx(1.0)
    assert (shares >= -1e-12).all()


def test_stretch_needs_a_year() -> None:
    with pytest.raises(ParameterError, match="years"):
        stretch_profile(None, 0)


def test_lead_years_by_hand() -> None:
    # US 17 + 24 months, TW 9.5 + 13 (catalog regions), TW with a 1.5 partner factor.
    assert lead_years([41.0, 22.5, 33.75]).tolist() == [4, 2, 3]
    assert lead_years(22.5, 6.0).tolist() == 3  # a six-month delay costs a year
    assert lead_years(0.0).tolist() == 1  # never less than one year
    assert lead_years(24.000000000004).tolist() == 2  # floating noise is not a year


@given(st.floats(0.0, 200.0), st.floats(0.0, 60.0))
def test_a_delay_never_shortens_the_lead_time(months: float, delay: float) -> None:
    assert lead_years(months, delay) >= lead_years(months)
    assert lead_years(months) >= max(1, math.ceil(months / 12.0 - 1e-9))


@given(
    st.integers(1, 6),
    st.lists(st.floats(0.0, 1.0), min_size=0, max_size=4),
    st.integers(1, 12),
)
def test_kernels_agree_on_when_a_module_is_online(lead: int, ramp: list[float], n: int) -> None:
    capacity = ramp_kernel(lead, ramp, n)
    online = online_kernel(lead, n)
    first = first_online_kernel(lead, n)
    assert (capacity[online == 0] == 0).all()  # no output before the module is online
    assert first.sum() == (1.0 if lead < n else 0.0)
    assert (np.cumsum(first) == online).all()
    spend = spend_kernel(lead, n)
    assert spend[:lead].sum() == pytest.approx(min(lead, n) / lead)
    assert (spend[lead:] == 0).all()  # all capex is spent before the module is online


def test_kernels_vectorise_over_lead_times() -> None:
    leads = np.array([[1, 2], [3, 1]])
    table = ramp_kernel(leads, [0.5], 5)
    assert table.shape == (2, 2, 5)
    assert table[1, 0].tolist() == ramp_kernel(3, [0.5], 5).tolist()
    assert spend_kernel(leads, 5, [0.2, 0.8]).sum(axis=-1).round(12).tolist() == [[1, 1], [1, 1]]


def test_residual_share_by_hand() -> None:
    # 10-year horizon, 20-year life: online in year 2 → 8 years used, 60 % held.
    assert residual_share([0, 5, 8], 2, 10, 20.0).tolist() == [0.6, 0.85, 0.0]
    assert residual_share(0, 1, 30, 10.0).tolist() == 0.0  # fully written off


@given(st.floats(0.2, 3.0))
def test_rescaled_new_compute_is_the_scenario_at_one(factor: float) -> None:
    installed = np.array([100.0, 230.0, 529.0, 850.0, 800.0])
    retired = np.array([10.0, 20.0, 40.0, 60.0, 100.0])
    first = 50.0
    neutral = rescaled_new_compute(installed, retired, first, [1.0])[0]
    expected = np.concatenate([[first], np.diff(installed) + retired[1:]])
    np.testing.assert_allclose(neutral, np.maximum(expected, 0.0))
    scaled = rescaled_new_compute(installed, retired, first, [factor])[0]
    assert (scaled >= 0).all()
    # Faster growth never asks for less in the years the stock grows.
    faster = rescaled_new_compute(installed, retired, first, [factor * 1.1])[0]
    assert (faster[1:4] >= scaled[1:4] - 1e-9).all()


def test_learning_warp_reads_the_right_years() -> None:
    table = np.array([10.0, 8.0, 6.0, 4.0])
    low, high, frac = learning_warp(np.array([0.5, 1.0, 2.0]), 4)
    read = (1 - frac) * table[low] + frac * table[high]
    assert read[1].tolist() == table.tolist()  # speed 1: the scenario's own yields
    assert read[0].tolist() == [10.0, 9.0, 8.0, 7.0]  # half as fast
    assert read[2].tolist() == [10.0, 6.0, 4.0, 4.0]  # twice as fast, held at the horizon


def test_events_by_hand() -> None:
    reach = reaches(["TW"], [{"TW", "Asia"}, {"US", "Americas"}])
    assert reach.tolist() == [True, False]
    assert reaches([], [{"A"}, {"B"}]).tolist() == [True, True]
    kept = event_availability([[False, True, False, False]], 0.5, 1.5, reach)
    assert kept[0].tolist() == [[1.0, 0.5, 0.5, 1.0], [1.0, 1.0, 1.0, 1.0]]


# --------------------------------------------------------------- one rule, every model


def _world(ramp: list[float], profile: list[float] | None, factor: float, life: float) -> Any:
    from fabnet.examples import TINY_JP_SITE, tiny_world
    from fabnet.scenario import load_scenario

    world = tiny_world(
        {2025: 1.0e6, 2027: 1.0e6, 2028: 2.0e7, 2032: 5.0e7},
        ramp_profile=ramp,
        discount_rate=0.05,
        asset_life_years=life,
        fixed_opex_share=0.02,
    )
    world["sites"].append(TINY_JP_SITE)
    world["partners"][0]["lead_time_factor"] = factor
    world["finance"] = {
        "terminal_value": "salvage",
        "equipment_life_years": life,
        "building_life_years": life,
        "tax": False,
        **({"spend_profile": profile} if profile else {}),
    }
    return load_scenario(world)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([0.25, 0.5, 0.75]), min_size=1, max_size=2),
    st.one_of(st.none(), st.lists(st.floats(0.1, 1.0), min_size=1, max_size=3)),
    st.sampled_from([1.0, 1.3, 1.6]),
    st.sampled_from([5.0, 12.0]),
)
def test_planner_finance_and_risk_read_the_same_schedules(
    ramp: list[float], weights: list[float] | None, factor: float, life: float
) -> None:
    """A plan's capacity, spend and residual value, year by year, as the planner has them, as
    the finance's cash flows read them and as the risk evaluation with every input neutral
    reads them (any ramp, spend profile, lead time and asset life)."""
    profile = None if weights is None else [v / sum(weights) for v in weights]
    _same_schedules(ramp, profile, factor, life)


def test_one_schedule_for_every_model_by_example() -> None:
    """The property above at one hand-picked point (the quick suite's)."""
    _same_schedules([0.25, 0.75], [0.3, 0.7], 1.3, 12.0)


def _same_schedules(
    ramp: list[float], profile: list[float] | None, factor: float, life: float
) -> None:
    import fabnet
    from fabnet.finance.cashflows import project_flows
    from fabnet.risk.evaluation import Draws, _builds, plan_arrays

    plan = fabnet.plan(_world(ramp, profile, factor, life), shadow_prices=False)
    if plan.builds.empty:
        return
    years = plan.scenario.years
    flows = project_flows(plan)
    arrays = plan_arrays(plan)
    capacity, spend, _, residual = _builds(arrays, Draws.neutral(arrays, 1))

    planned = plan.capacity.groupby("year")["new_wspm"].sum().reindex(years, fill_value=0.0)
    np.testing.assert_allclose(flows.capacity_wspm.sum(axis=0), planned, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(capacity[0].sum(axis=0), planned, rtol=1e-9, atol=1e-6)

    capex = plan.capex.groupby("year")["capex_musd"].sum().reindex(years, fill_value=0.0)
    np.testing.assert_allclose(flows.spend.sum(axis=0), capex, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(spend[0].sum(axis=0), capex, rtol=1e-9, atol=1e-6)

    # Salvage at one life for equipment and buildings is the planner's residual value.
    np.testing.assert_allclose(
        flows.terminal_value[:, -1].sum(), residual[0].sum(), rtol=1e-9, atol=1e-6
    )
    # And the evaluation prices the plan exactly as the planner did.
    from fabnet.risk import evaluate

    assert evaluate(arrays, _neutral_samples(plan))["npv_objective_musd"].item() == pytest.approx(
        plan.objective, rel=1e-9
    )


def _neutral_samples(plan: Any) -> Any:
    """One sample of a scenario without uncertain inputs."""
    from fabnet.risk import draw

    return draw(plan.scenario.uncertainty, 1, seed=0, years=plan.scenario.years)

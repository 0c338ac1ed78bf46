"""Tiny instances with hand-computed optima, and the planner's properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fabnet
from fabnet.examples import tiny_world
from fabnet.planning import plan
from fabnet.schedules import lead_years


def test_builds_exactly_when_the_lead_time_requires(one_module_2030: dict[str, Any]) -> None:
    result = plan(fabnet.load_scenario(one_module_2030))
    assert result.status == "optimal"
    (row,) = result.builds.itertuples()
    # Online in 2030 needs a start 2 years earlier; later is too late, earlier costs more
    # (discounting), so the optimum starts in exactly 2028.
    assert (row.modules, row.start_year, row.online_year) == (1, 2028, 2030)
    assert row.capex_musd == pytest.approx(4020.0)
    assert result.compute["unserved_h100e"].sum() == pytest.approx(0.0, abs=1e-3)
    spend = result.capex.groupby("year")["capex_musd"].sum()
    assert spend[2028] == pytest.approx(2010.0)
    assert spend[2029] == pytest.approx(2010.0)


def test_a_budget_forces_a_later_start(make_tiny: Any) -> None:
    tiny = make_tiny
    # New compute every year from 2027; maximise compute delivered within a budget.
    installed = {2025: 1.0, 2026: 1.0, **{y: 8.0e7 * (y - 2026) for y in range(2027, 2033)}}
    # PV of a start in year s: 2,010·(δ(s) + δ(s+1)), δ(t) = 1.08^−(t−2025):
    # 2025 → 3,871; 2026 → 3,584; 2027 → 3,319 musd.
    early = plan(
        fabnet.load_scenario(tiny(installed, objective="max_compute", budget_musd=4000.0)),
        shadow_prices=False,
    )
    late = plan(
        fabnet.load_scenario(tiny(installed, objective="max_compute", budget_musd=3400.0)),
        shadow_prices=False,
    )
    assert early.builds["start_year"].min() == 2025
    assert late.builds["start_year"].tolist() == [2027]
    assert late.compute["delivered_h100e"].sum() < early.compute["delivered_h100e"].sum()


def test_a_regional_cap_forces_a_second_country(make_tiny: Any, jp_site: Any) -> None:
    tiny = make_tiny
    two = {2025: 1.0, 2029: 1.0, 2030: 2.0e8, 2032: 2.0e8}  # about 27 kwspm: two modules
    free = tiny(two)
    free["sites"].append(jp_site)
    capped = tiny(two, regional_caps={"TW": 0.5})
    capped["sites"].append(jp_site)
    unconstrained = plan(fabnet.load_scenario(free), shadow_prices=False)
    diversified = plan(fabnet.load_scenario(capped), shadow_prices=False)
    assert unconstrained.builds.groupby("country")["modules"].sum().to_dict() == {"TW": 2}
    assert diversified.builds.groupby("country")["modules"].sum().to_dict() == {"JP": 1, "TW": 1}
    assert diversified.objective > unconstrained.objective  # JP builds cost 15 % more


def test_lead_time_by_region_partner_and_resource() -> None:
    assert lead_years(9.5 + 13.0) == 2  # Taiwan (Exyte/SEMI midpoints)
    assert lead_years(17.0 + 24.0) == 4  # United States
    assert lead_years((9.5 + 13.0) * 1.5) == 3  # a slower partner
    assert lead_years((17.0 + 24.0) * 0.55) == 2  # a US CoWoS-class line (resources COWOS)


def _cost(**changes: Any) -> float:
    scenario = tiny_world(
        {2025: 1.0, 2029: 1.0, 2030: changes.pop("demand", 1.0e8), 2032: 1.0e8},
        **changes.pop("policy", {}),
    )
    for key, value in changes.items():
        scenario["partners"][0][key] = value
    result = plan(fabnet.load_scenario(scenario), shadow_prices=False)
    assert result.objective is not None
    return result.objective


@pytest.mark.slow  # four MIPs: the slow suite (CI) runs it
@settings(max_examples=2, deadline=None)
@given(st.floats(min_value=1e7, max_value=3e8), st.floats(min_value=1.0, max_value=2.0))
def test_more_demand_never_lowers_the_optimal_cost(demand: float, factor: float) -> None:
    assert _cost(demand=demand * factor) >= _cost(demand=demand) - 1e-6


@pytest.mark.slow
@settings(max_examples=3, deadline=None)
@given(st.floats(min_value=1.0, max_value=1.6), st.floats(min_value=0.0, max_value=1.5))
def test_a_longer_lead_time_never_lowers_the_cost(factor: float, extra: float) -> None:
    assert _cost(lead_time_factor=factor + extra) >= _cost(lead_time_factor=factor) - 1e-6


@pytest.mark.slow
@settings(max_examples=3, deadline=None)
@given(st.floats(min_value=1000.0, max_value=5000.0), st.floats(min_value=0.0, max_value=3000.0))
def test_a_tighter_budget_never_lowers_unserved_compute(budget: float, less: float) -> None:
    installed = {2025: 1.0, 2026: 1.0, **{y: 8.0e7 * (y - 2026) for y in range(2027, 2033)}}

    def unserved(b: float) -> float:
        result = plan(
            fabnet.load_scenario(tiny_world(installed, objective="max_compute", budget_musd=b)),
            shadow_prices=False,
        )
        return float(result.compute["unserved_h100e"].sum())

    assert unserved(max(budget - less, 1.0)) >= unserved(budget) - 1e-3

"""A plan's financials when it builds nothing: zero, not an error."""

from __future__ import annotations

import pytest

from fabnet.examples import tiny_world
from fabnet.finance import financials
from fabnet.finance.metrics import irr_details, npv
from fabnet.planning import plan


def test_a_plan_that_builds_nothing_has_zero_financials() -> None:
    # Every start after the horizon: nothing can be built, all demand goes unserved.
    world = tiny_world({2025: 1.0e6, 2032: 1.0e8}, earliest_start_year=2032)
    result = plan(world, threads=1, shadow_prices=False)
    assert result.builds.empty
    money = financials(result)
    yearly = money.by_year()
    assert list(yearly.index) == list(result.scenario.years)  # a row for every year
    assert (yearly.to_numpy() == 0.0).all()
    flow = yearly["project_cash_flow_musd"].to_numpy()
    assert npv(result.scenario.policy.discount_rate, flow) == pytest.approx(0.0)
    assert irr_details(flow).rate is None  # undefined, and said so
    assert irr_details(flow).reason == "all flows are zero"
    assert money.projects.empty
    assert {"npv_musd", "irr", "equity_moic"} <= set(money.projects.columns)
    assert (money.investors["called_musd"] == 0.0).all()

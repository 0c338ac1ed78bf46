"""Project cash flows: a one-module case worked by hand, and conservation on the built-in plan."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fabnet
from fabnet.exceptions import ScenarioError
from fabnet.finance import financials, project_flows
from fabnet.planning import Plan


def _planned(world: dict[str, Any], **finance: Any) -> Plan:
    world["finance"] = {**world.get("finance", {}), **finance}
    return fabnet.plan(fabnet.load_scenario(world), shadow_prices=False)


def test_one_module_by_hand(one_module: dict[str, Any]) -> None:
    plan = _planned(one_module)
    catalog = fabnet.load_catalog()
    flows = project_flows(plan)
    (project,) = flows.projects.index
    years = flows.years
    # One module of 20 kwspm at 201 musd/kwspm: 4,020 musd, spent evenly in 2028 and 2029.
    spend = dict(zip(years, flows.spend[0], strict=True))
    assert spend[2028] == pytest.approx(2010.0)
    assert spend[2029] == pytest.approx(2010.0)
    assert flows.spend.sum() == pytest.approx(4020.0)
    # Online in 2030 at full capacity (ramp [1.0]): 20,000 wspm.
    assert flows.capacity_wspm[0, years.index(2030)] == pytest.approx(20000.0)
    # Wafers: the plan's new-fab output of N5 in 2030 (wspm) × 12.
    made = plan.production.set_index(["resource", "year"]).loc[("N5", 2030), "new_wspm"]
    wafers = made * 12
    assert flows.wafers[0, years.index(2030)] == pytest.approx(wafers)
    price = catalog.number("resources", "N5", "wafer_price_usd")
    cost = catalog.number("resources", "N5", "opex_usd_per_wafer")
    revenue = wafers * price / 1e6
    opex = wafers * cost / 1e6  # fixed opex share is 0 in the tiny world
    equity = flows.equity_flow[0]
    assert equity[years.index(2028)] == pytest.approx(-2010.0)
    assert equity[years.index(2030)] == pytest.approx(revenue - opex)
    # No debt, no grants, no tax, no terminal value: project flow = equity flow.
    np.testing.assert_allclose(flows.project_flow, flows.equity_flow)
    # Depreciation from 2030: equipment 75 % over 5 years, buildings 25 % over 20 years.
    assert flows.depreciation[0, years.index(2030)] == pytest.approx(
        0.75 * 4020 / 5 + 0.25 * 4020 / 20
    )
    # The one investor owns it all and its flows are the equity flows.
    money = financials(plan)
    assert money.shares.set_index(["investor", "project"])["share"].to_dict() == {
        ("fund", project): pytest.approx(1.0)
    }
    assert money.capital_calls.groupby("investor")["capital_call_musd"].sum()[
        "fund"
    ] == pytest.approx(4020.0)


def test_salvage_value_and_tax_by_hand(one_module: dict[str, Any]) -> None:
    plan = _planned(one_module, tax=True, tax_rates={"TW": 0.2}, terminal_value="salvage")
    flows = project_flows(plan)
    years = flows.years
    yearly_depreciation = 0.75 * 4020 / 5 + 0.25 * 4020 / 20  # 653.25 musd
    # Book value at the end of 2032 after three years of depreciation.
    assert flows.terminal_value[0, -1] == pytest.approx(4020 - 3 * yearly_depreciation)
    operating = flows.revenue[0] - flows.opex[0]
    taxable_2030 = operating[years.index(2030)] - yearly_depreciation
    assert flows.tax[0, years.index(2030)] == pytest.approx(0.2 * max(taxable_2030, 0.0))
    # 2031 and 2032 make no wafers: losses, no tax.
    assert flows.tax[0, years.index(2031)] == 0.0


def test_a_spend_profile_moves_capex(one_module: dict[str, Any]) -> None:
    plan = _planned(one_module, spend_profile=[0.3, 0.7])
    flows = project_flows(plan)
    spend = dict(zip(flows.years, flows.spend[0], strict=True))
    assert spend[2028] == pytest.approx(0.3 * 4020)
    assert spend[2029] == pytest.approx(0.7 * 4020)


def test_a_perpetuity_growing_as_fast_as_the_discount_rate_is_refused(
    one_module: dict[str, Any],
) -> None:
    # Refused where the scenario is read, with its line (validate), not by the cash flows.
    with pytest.raises(ScenarioError, match=r"finance\.terminal_growth: must be below"):
        _planned(one_module, terminal_value="perpetuity", terminal_growth=0.08)


def test_perpetuity_by_hand(one_module: dict[str, Any]) -> None:
    plan = _planned(one_module, terminal_value="perpetuity", terminal_growth=0.02)
    flows = project_flows(plan)
    last = flows.revenue[0, -1] - flows.opex[0, -1] - flows.tax[0, -1]
    assert flows.terminal_value[0, -1] == pytest.approx(max(last, 0.0) * 1.02 / (0.08 - 0.02))


@pytest.fixture(scope="module")
def altman_money() -> Any:
    return financials(fabnet.plan("altman-2024", time_limit_s=60))


@pytest.mark.slow
def test_stakeholder_flows_add_up_exactly(altman_money: Any) -> None:
    table = altman_money.cash_flows
    np.testing.assert_allclose(
        table["project_cash_flow_musd"],
        table["equity_cash_flow_musd"] + table["lender_cash_flow_musd"],
        atol=1e-9,
    )
    by_investor = altman_money.investor_flows.groupby(["project", "year"])["cash_flow_musd"].sum()
    np.testing.assert_allclose(
        by_investor.reindex(table.index, fill_value=0.0), table["equity_cash_flow_musd"], atol=1e-6
    )
    shares = altman_money.shares.groupby("project")["share"].sum()
    np.testing.assert_allclose(shares, 1.0)


@pytest.mark.slow
def test_capital_calls_follow_the_plans_funding(altman_money: Any) -> None:
    plan = altman_money.plan
    funding = plan.funding.groupby(["investor", "year"])["musd"].sum()
    calls = altman_money.capital_calls.set_index(["investor", "year"])["capital_call_musd"]
    calls = calls[calls > 1e-9]
    np.testing.assert_allclose(calls.reindex(funding.index, fill_value=0.0), funding, rtol=1e-9)
    grants = plan.grants["musd"].sum()
    assert altman_money.cash_flows["grants_musd"].sum() == pytest.approx(grants)
    debt = plan.capex["debt_musd"].sum()
    assert altman_money.cash_flows["debt_drawn_musd"].sum() == pytest.approx(debt)
    # Every loan is repaid by the horizon's end (what is left, out of the terminal value).
    assert -altman_money.cash_flows["principal_musd"].sum() == pytest.approx(debt)


@pytest.mark.slow
def test_hurdles_are_judged_by_irr(altman_money: Any) -> None:
    investors = altman_money.investors.dropna(subset=["irr"])
    assert len(investors) > 0
    met = investors["irr"] >= investors["hurdle_rate"]
    assert (investors["hurdle_met"].astype(bool) == met).all()

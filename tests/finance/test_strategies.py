"""Each strategy on a tiny world whose result follows by hand (tests/finance/conftest.py).

The world wants new compute only in 2030; serving all of it takes W = the own-build plan's new
N5 output in 2030 (wspm). The partner's existing fab makes 10,000 wspm, half of it for AI:
5,000 wspm on the market. Compute delivered is proportional to wafers (one product, one node).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import fabnet
from fabnet.finance import compare
from fabnet.schedules import lead_years

PENALTY = 1.0e6  # USD per unserved H100e in the tiny world


def _delta(year: int) -> float:
    return 1.08 ** -(year - 2025)


@pytest.fixture
def result(strategy_comparison: Any) -> Any:
    return strategy_comparison


def _wanted(result: Any) -> float:
    compute = result.plans["own-build"].compute.set_index("year")
    return float(compute.loc[2030, "wanted_h100e"])


def _full(result: Any) -> float:
    production = result.plans["own-build"].production.set_index(["resource", "year"])
    return float(production.loc[("N5", 2030), "new_wspm"])


def test_design_only_buys_the_market_share(result: Any) -> None:
    plan = result.plans["design-only"]
    delivered = plan.compute.set_index("year").loc[2030, "delivered_h100e"]
    assert delivered == pytest.approx(_wanted(result) * 5000.0 / _full(result), rel=1e-6)
    assert plan.builds.empty
    price = fabnet.load_catalog().number("resources", "N5", "wafer_price_usd")
    unserved = _wanted(result) - delivered
    cost = (5000 * 12 * price / 1e6 + unserved * PENALTY / 1e6) * _delta(2030)
    assert plan.objective == pytest.approx(cost, rel=1e-6)


def test_reservation_adds_a_fifth_of_the_partners_capacity(result: Any) -> None:
    plan = result.plans["reservation"]
    # The partner (TW) expands in ⌈(9.5 + 13)/12⌉ = 2 years; 20 % of 10,000 wspm is reservable.
    assert lead_years(9.5 + 13.0) == 2
    reserved = plan.reservations.set_index("year")
    assert reserved.loc[2030, "reserved_wspm"] == pytest.approx(2000.0)
    # The fee, 1,200 USD/wspm-year, is prepaid when ordered two years ahead.
    assert reserved.loc[2028, "fee_musd"] == pytest.approx(2000 * 1200 / 1e6)
    delivered = plan.compute.set_index("year").loc[2030, "delivered_h100e"]
    assert delivered == pytest.approx(_wanted(result) * 7000.0 / _full(result), rel=1e-6)
    price = fabnet.load_catalog().number("resources", "N5", "wafer_price_usd")
    unserved = _wanted(result) - delivered
    cost = (7000 * 12 * price / 1e6 + unserved * PENALTY / 1e6) * _delta(2030)
    cost += 2.4 * _delta(2028)
    assert plan.objective == pytest.approx(cost, rel=1e-6)


def test_acquisition_opens_the_non_ai_capacity_in_expectation(result: Any) -> None:
    plan = result.plans["acquisition"]
    deal = plan.acquisitions.set_index("target").loc["maker"]
    assert deal["taken"] == pytest.approx(1.0)
    assert deal["closing_year"] == 2026  # 12 months after the start
    assert deal["price_musd"] == pytest.approx(1.5 * 10000.0)
    # (1 − q)(1 − AI share) × 10,000 wspm = 0.75 × 0.5 × 10,000 = 3,750 wspm more.
    acquired = plan.production.set_index(["resource", "year"]).loc[("N5", 2030), "acquired_wspm"]
    assert acquired == pytest.approx(3750.0)
    price = fabnet.load_catalog().number("resources", "N5", "wafer_price_usd")
    delivered = plan.compute.set_index("year").loc[2030, "delivered_h100e"]
    assert delivered == pytest.approx(_wanted(result) * 8750.0 / _full(result), rel=1e-6)
    unserved = _wanted(result) - delivered
    deal_cost = 0.75 * (15000 * _delta(2026) - 10000 * _delta(2032)) + 0.25 * 100 * _delta(2026)
    cost = deal_cost + (8750 * 12 * price / 1e6 + unserved * PENALTY / 1e6) * _delta(2030)
    assert plan.objective == pytest.approx(cost, rel=1e-6)
    table = result.table.loc["acquisition"]
    assert table["acquired"] == "maker"
    assert table["block_probability"] == pytest.approx(0.25)
    assert table["peak_capital_musd"] == pytest.approx(15000.0)  # the full price at closing


def test_own_build_and_the_mix(result: Any) -> None:
    own = result.plans["own-build"]
    assert own.builds["modules"].sum() == 1
    assert own.compute["unserved_h100e"].sum() == pytest.approx(0.0, abs=1e-3)
    # The mix may use every option, so it is never worse than any single strategy.
    for name in ("own-build", "reservation", "acquisition", "design-only"):
        assert result.plans["mix"].objective <= result.plans[name].objective + 1e-6
    table = result.table
    assert table.loc["own-build", "first_new_supply_year"] == 2030
    assert np.isnan(table.loc["design-only", "first_new_supply_year"])  # never: NaN, typed
    numeric = table.drop(columns=["acquired", "declined", "status"])
    assert all(dtype.kind in "fi" for dtype in numeric.dtypes)  # no object columns
    assert table.loc["own-build", "peak_capital_musd"] == pytest.approx(2010.0)
    assert table.loc["own-build", "unserved_h100e"] == pytest.approx(0.0, abs=1e-3)
    # Investors appear only where a strategy builds.
    irr = result.investor_irr_wide()
    assert irr.loc["fund", "own-build"] == pytest.approx(
        result.financials["own-build"].investors.loc["fund", "irr"]
    )
    assert irr["design-only"].isna().all()


def test_unknown_strategy_is_refused(strategy_world: dict[str, Any]) -> None:
    with pytest.raises(fabnet.ParameterError, match="strategies"):
        compare(fabnet.load_scenario(strategy_world), strategies=["build-more"])

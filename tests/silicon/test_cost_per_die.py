"""Tests of fabnet.silicon.cost_per_die."""

from __future__ import annotations

import numpy as np
import pytest

from fabnet.exceptions import ParameterError
from fabnet.silicon import hennessy_patterson, negative_binomial
from fabnet.silicon.cost_per_die import cost_per_good_die, cost_per_package, good_dies_per_wafer


@pytest.mark.parametrize(
    ("gross", "die_yield", "price", "expected"),
    [
        # Y6: H&P 5th ed. solutions 1.2a (papercamp.com/essay/134143): 416 × 0.65 × $20.
        (416, 0.65, 20.0, 5408.0),
        # Y7: same, 1.2b: 240 × 0.50 × $25.
        (240, 0.50, 25.0, 3000.0),
    ],
)
def test_published_profit_per_wafer(gross, die_yield, price, expected):
    assert good_dies_per_wafer(gross, die_yield) * price == pytest.approx(expected, abs=1e-9)


def test_published_chain_from_formulas():
    # The same H&P case study end to end: floor(DPW) × round(NB yield, 2) × price.
    gross = int(hennessy_patterson(150.0))
    die_yield = round(negative_binomial(0.30, 150.0), 2)
    assert good_dies_per_wafer(gross, die_yield) * 20 == pytest.approx(5408.0)


def test_cost_per_good_die_formula():
    assert cost_per_good_die(10_000.0, 400.0, 0.5) == 50.0
    assert cost_per_good_die(0.0, 400.0, 0.5) == 0.0
    costs = cost_per_good_die(np.array([10_000.0, 20_000.0]), 100.0, np.array([1.0, 0.5]))
    np.testing.assert_allclose(costs, [100.0, 400.0])


def test_cost_per_good_die_consistent_with_good_dies():
    price, gross, y = 17_000.0, 63.48, 0.443
    assert cost_per_good_die(price, gross, y) == pytest.approx(
        price / good_dies_per_wafer(gross, y), rel=1e-15
    )


def test_cost_per_package_composition():
    # (2 × 700 + 8 × 300 + 1000 + 100) / 0.9
    cost = cost_per_package(
        700.0,
        1_000.0,
        0.9,
        dies_per_package=2,
        hbm_stack_cost_usd=300.0,
        hbm_stacks_per_package=8,
        test_cost_usd=100.0,
    )
    assert cost == pytest.approx(4900.0 / 0.9)
    assert cost_per_package(700.0, 300.0) == 1000.0


def test_cost_per_package_falls_with_yield():
    costs = cost_per_package(1000.0, 500.0, np.array([0.5, 0.8, 1.0]))
    assert np.all(np.diff(costs) < 0)


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: good_dies_per_wafer(-1, 0.5), "gross_dies_per_wafer"),
        (lambda: good_dies_per_wafer(100, 0.0), "die_yield"),
        (lambda: good_dies_per_wafer(100, 1.01), "die_yield"),
        (lambda: cost_per_good_die(-1.0, 100, 0.5), "wafer_price_usd"),
        (lambda: cost_per_good_die(1000.0, 0, 0.5), "gross_dies_per_wafer"),
        (lambda: cost_per_good_die(1000.0, 100, 2.0), "die_yield"),
        (lambda: cost_per_package(-1.0, 10.0), "die_cost_usd"),
        (lambda: cost_per_package(1.0, -10.0), "packaging_cost_usd"),
        (lambda: cost_per_package(1.0, 10.0, 0.0), "packaging_yield"),
        (lambda: cost_per_package(1.0, 10.0, dies_per_package=-1), "dies_per_package"),
        (lambda: cost_per_package(1.0, 10.0, hbm_stack_cost_usd=-1), "hbm_stack_cost_usd"),
        (lambda: cost_per_package(1.0, 10.0, hbm_stacks_per_package=-8), "hbm_stacks_per_package"),
        (lambda: cost_per_package(1.0, 10.0, test_cost_usd=float("nan")), "test_cost_usd"),
    ],
)
def test_bad_input_raises(call, parameter):
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.parameter == parameter

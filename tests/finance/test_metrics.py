"""Tests of fabnet.finance.metrics: published examples, numpy-financial, properties, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fabnet.exceptions import FabnetError, ParameterError
from fabnet.finance.metrics import (
    IRR,
    MultipleIRRError,
    discounted_payback,
    irr,
    irr_details,
    irr_many,
    mirr,
    moic,
    npv,
    payback,
    xirr,
    xnpv,
)

# Money in USD million (any unit works), rates as fractions per period.

# Amounts from 0.01 to 10⁴ of either sign, or zero: no subnormals, whose roots overflow.
money = st.one_of(st.just(0.0), st.floats(1e-2, 1e4), st.floats(-1e4, -1e-2))
any_flows = st.lists(money, min_size=1, max_size=12)
rates = st.floats(-0.9, 2.0)
receipt = st.one_of(st.just(0.0), st.floats(1.0, 1e4))


@st.composite
def conventional(draw: st.DrawFn) -> list[float]:
    """One outlay, then receipts (some may be zero, at least one is not): exactly one IRR."""
    receipts = draw(st.lists(receipt, min_size=1, max_size=15).filter(any))
    return [-draw(st.floats(1.0, 1e4)), *receipts]


def yearly(n: int, start: dt.date = dt.date(2001, 1, 1)) -> list[dt.date]:
    """``n`` dates 365 days apart: Excel's year, so the dated metrics equal the periodic ones."""
    return [start + dt.timedelta(days=365 * i) for i in range(n)]


# ---------------------------------------------------------------------------------------------
# Worked examples from published sources.
# ---------------------------------------------------------------------------------------------

# Microsoft Excel documentation, "XNPV function" and "XIRR function" (support.microsoft.com):
# the same five flows on the same five dates in both examples.
EXCEL_FLOWS = [-10000.0, 2750.0, 4250.0, 3250.0, 2750.0]
EXCEL_DATES = [
    dt.date(2008, 1, 1),
    dt.date(2008, 3, 1),
    dt.date(2008, 10, 30),
    dt.date(2009, 2, 15),
    dt.date(2009, 4, 1),
]
DATE_KINDS = {
    "date": EXCEL_DATES,
    "datetime64": np.array(EXCEL_DATES, dtype="datetime64[D]"),
    "Timestamp": [pd.Timestamp(d) for d in EXCEL_DATES],
    "DatetimeIndex": pd.DatetimeIndex(EXCEL_DATES),
}


@pytest.mark.parametrize("dates", DATE_KINDS.values(), ids=DATE_KINDS.keys())
def test_excel_xnpv_example(dates: object) -> None:
    # Excel prints 2086.65 (2 decimals) at 9 %.
    assert xnpv(0.09, EXCEL_FLOWS, dates) == pytest.approx(2086.65, abs=0.005)


@pytest.mark.parametrize("dates", DATE_KINDS.values(), ids=DATE_KINDS.keys())
def test_excel_xirr_example(dates: object) -> None:
    # Excel prints 0.373362535; its XIRR iterates only until "accurate within 0.000001 percent"
    # (its documentation), i.e. 1e-8, so that is the tolerance.
    assert xirr(EXCEL_FLOWS, dates) == pytest.approx(0.373362535, abs=1e-8)
    assert xnpv(xirr(EXCEL_FLOWS, dates) or 0.0, EXCEL_FLOWS, dates) == pytest.approx(0, abs=1e-6)


# Lorie & Savage (1955), "Three problems in rationing capital", J. Business 28(4) 229–239: the
# pump that speeds up extraction, −1600 now, +10000 in a year, −10000 in two: NPV is zero at
# 25 % and at 400 % (as retold in Brealey, Myers & Allen, ch. 5).
PUMP = [-1600.0, 10000.0, -10000.0]


def test_pump_has_two_roots_and_irr_raises() -> None:
    with pytest.raises(MultipleIRRError) as info:
        irr(PUMP)
    err = info.value
    assert err.roots == pytest.approx((0.25, 4.0), abs=1e-12)
    assert isinstance(err.roots, tuple)
    assert isinstance(err, ParameterError)
    assert isinstance(err, FabnetError)
    assert isinstance(err, ValueError)
    assert err.parameter == "flows"
    message = str(err)
    assert "25 %" in message
    assert "400 %" in message
    assert "mirr" in message
    assert "npv(hurdle_rate" in message


def test_multiple_irr_error_sorts_its_roots() -> None:
    assert MultipleIRRError([4.0, 0.25]).roots == (0.25, 4.0)


def test_pump_details_never_raise() -> None:
    details = irr_details(PUMP)
    assert details.rate is None
    assert details.roots == pytest.approx((0.25, 4.0), abs=1e-12)
    assert details.sign_changes == 2
    assert details.reason == "several roots: 25 %, 400 %"


def test_pump_in_dated_form_raises_with_both_roots() -> None:
    with pytest.raises(MultipleIRRError) as info:
        xirr(PUMP, yearly(3))
    assert info.value.roots == pytest.approx((0.25, 4.0), abs=1e-10)


def test_pump_gives_nan_in_irr_many() -> None:
    assert np.isnan(irr_many([PUMP])).all()


def test_three_roots_are_all_listed() -> None:
    # −1 + 6x − 11x² + 6x³ = 6(x − 1)(x − 1/2)(x − 1/3) with x = 1/(1 + r): r = 0, 1, 2.
    flows = [-1.0, 6.0, -11.0, 6.0]
    with pytest.raises(MultipleIRRError) as info:
        irr(flows)
    assert info.value.roots == pytest.approx((0.0, 1.0, 2.0), abs=1e-9)
    assert "0 %, 100 %, 200 %" in str(info.value)


# ---------------------------------------------------------------------------------------------
# No IRR: the reasons.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flows", "reason", "changes"),
    [
        ([100.0, 50.0, 0.0, 25.0], "no sign change: every flow is ≥ 0", 0),
        ([-100.0, -50.0], "no sign change: every flow is ≤ 0", 0),
        ([-100.0], "no sign change: every flow is ≤ 0", 0),
        ([0.0, 0.0, 0.0], "all flows are zero", 0),
        # 1 − 3x + 3x² has discriminant 9 − 12 < 0: no real root.
        ([1.0, -3.0, 3.0], "no real root: NPV(r) ≠ 0 for every rate r > -1", 2),
    ],
)
def test_no_irr_is_none_with_a_reason(flows: list[float], reason: str, changes: int) -> None:
    assert irr(flows) is None
    assert irr_details(flows) == IRR(None, (), changes, reason)
    assert np.isnan(irr_many([flows])).all()


def test_no_sign_change_in_dated_form_is_none() -> None:
    assert xirr([100.0, 50.0], yearly(2)) is None
    assert xirr([0.0, 0.0], yearly(2)) is None


def test_touching_root_counts_once() -> None:
    # (1 − x)² = 1 − 2x + x²: NPV touches zero at r = 0 only.
    details = irr_details([1.0, -2.0, 1.0])
    assert details.roots == pytest.approx((0.0,), abs=1e-7)
    assert details.rate == pytest.approx(0.0, abs=1e-7)


def test_irr_ignores_leading_and_trailing_zeros() -> None:
    core = [-100.0, 60.0, 60.0]
    assert irr([0.0, 0.0, *core, 0.0]) == pytest.approx(irr(core), abs=1e-14)
    assert irr_many([[0.0, 0.0, *core, 0.0]])[0] == pytest.approx(irr(core), abs=1e-12)
    # −100 + 60x + 60x² = 0 → x = (−60 + √27600)/120 → r = 1/x − 1
    assert irr(core) == pytest.approx(120 / (-60 + np.sqrt(27600)) - 1, rel=1e-14)


def test_a_decommissioning_outlay_adds_a_root_near_minus_one() -> None:
    # A final outlay makes a second sign change, and here a second root at about −85 %.
    flows = [-100.0, 60.0, 60.0, -10.0]
    with pytest.raises(MultipleIRRError) as info:
        irr(flows)
    low_root, high_root = info.value.roots
    assert low_root == pytest.approx(-0.8502, abs=1e-4)
    assert np.isnan(irr_many([flows])[0])
    # Searching only above −50 % leaves the economically meaningful root.
    assert irr_many([flows], low=-0.5)[0] == pytest.approx(high_root, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# Agreement with numpy-financial (Hypothesis).
# ---------------------------------------------------------------------------------------------


@given(rates, any_flows)
def test_npv_matches_numpy_financial(rate: float, flows: list[float]) -> None:
    scale = 1 + sum(abs(f) / (1 + rate) ** t for t, f in enumerate(flows))
    assert npv(rate, flows) == pytest.approx(npf.npv(rate, flows), abs=1e-12 * scale)


@given(st.lists(st.lists(money, min_size=4, max_size=4), min_size=1, max_size=5), rates)
def test_npv_of_rows_matches_numpy_financial_per_row(rows: list[list[float]], rate: float) -> None:
    expected = [npf.npv(rate, row) for row in rows]
    np.testing.assert_allclose(npv(rate, rows), expected, rtol=1e-12, atol=1e-8)


@given(conventional())
def test_irr_matches_numpy_financial_on_conventional_flows(flows: list[float]) -> None:
    expected = npf.irr(flows)
    assume(np.isfinite(expected))  # numpy-financial's own root filter (Im x == 0) can miss
    assert irr(flows) == pytest.approx(expected, rel=1e-6, abs=1e-6)


@given(any_flows, st.floats(-0.5, 1.0), st.floats(-0.5, 1.0))
def test_mirr_matches_numpy_financial(flows: list[float], finance: float, reinvest: float) -> None:
    expected = npf.mirr(flows, finance, reinvest)
    got = mirr(flows, finance, reinvest)
    if np.isnan(expected):
        assert got is None
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_mirr_is_none_without_both_signs() -> None:
    assert mirr([10.0, 20.0], 0.1, 0.1) is None
    assert mirr([-10.0, -20.0], 0.1, 0.1) is None
    assert mirr([0.0], 0.1, 0.1) is None


def test_mirr_by_hand() -> None:
    # Outlay 100 at t=0; 60 at t=1 grows to 60·1.12 = 67.2 at t=2, plus 60: FV = 127.2.
    # MIRR = (127.2 / 100)^(1/2) − 1.
    assert mirr([-100.0, 60.0, 60.0], 0.10, 0.12) == pytest.approx(np.sqrt(1.272) - 1, rel=1e-14)


# ---------------------------------------------------------------------------------------------
# Properties of the IRR solvers.
# ---------------------------------------------------------------------------------------------


@given(any_flows)
def test_every_root_zeroes_npv_and_descartes_bounds_them(flows: list[float]) -> None:
    details = irr_details(flows)
    assert len(details.roots) <= details.sign_changes
    assert list(details.roots) == sorted(details.roots)
    for r in details.roots:
        scale = sum(abs(f) / (1 + r) ** t for t, f in enumerate(flows))
        assert abs(npv(r, flows)) <= 1e-7 * scale
    assert (details.rate is None) == (details.reason is not None)


@given(conventional())
def test_irr_many_agrees_with_irr_inside_its_range(flows: list[float]) -> None:
    rate = irr(flows)
    assert rate is not None
    got = irr_many([flows])[0]
    if -0.98 < rate < 9.9:
        assert got == pytest.approx(rate, abs=1e-8)
    elif rate < -0.991 or rate > 10.01:
        assert np.isnan(got)


def test_irr_many_agrees_with_irr_on_a_batch() -> None:
    rng = np.random.default_rng(20240611)
    n_rows, n_years = 500, 25
    flows = rng.uniform(0.0, 80.0, (n_rows, n_years))
    flows[:, :3] = -rng.uniform(50.0, 300.0, (n_rows, 3))  # three years of capex
    flows[rng.random(n_rows) < 0.2, -5:] = 0.0  # some projects end early
    flows[0], flows[1] = 0.0, 10.0  # all zero, all positive
    flows[2, :3] = PUMP
    flows[2, 3:] = 0.0
    got = irr_many(flows)
    expected = np.array([np.nan if (r := irr(row)) is None else r for row in flows[3:]])
    assert np.isnan(got[:3]).all()
    np.testing.assert_allclose(got[3:], expected, rtol=0, atol=1e-8)


def test_irr_many_accepts_one_row_and_no_rows() -> None:
    assert irr_many([-100.0, 60.0, 60.0])[0] == pytest.approx(irr([-100.0, 60.0, 60.0]))
    assert irr_many(np.zeros((0, 4))).shape == (0,)


def test_irr_many_range_is_adjustable() -> None:
    flows = [[-1.0, 30.0]]  # IRR 2900 %
    assert np.isnan(irr_many(flows)[0])
    assert irr_many(flows, high=100.0)[0] == pytest.approx(29.0, rel=1e-12)


@given(conventional())
def test_xirr_with_365_day_years_is_irr(flows: list[float]) -> None:
    rate = irr(flows)
    assert rate is not None
    assume(rate > -0.999)  # beyond, NPV is flat to rounding in ln(1 + r)
    assert xirr(flows, yearly(len(flows))) == pytest.approx(rate, rel=1e-8, abs=1e-8)


@given(rates, any_flows)
def test_xnpv_with_365_day_years_is_npv(rate: float, flows: list[float]) -> None:
    scale = 1 + sum(abs(f) / (1 + rate) ** t for t, f in enumerate(flows))
    assert xnpv(rate, flows, yearly(len(flows))) == pytest.approx(
        npv(rate, flows), abs=1e-12 * scale
    )


def test_xirr_sums_flows_on_one_date_and_takes_later_dates_in_any_order() -> None:
    days = yearly(3)
    split = xirr([-60.0, -40.0, 60.0, 60.0], [days[0], days[0], days[2], days[1]])
    assert split == pytest.approx(irr([-100.0, 60.0, 60.0]), abs=1e-12)


def test_xirr_finds_a_root_beyond_its_grid() -> None:
    # −1 then +2 a day later: (1 + r)^(1/365) = 2, far past the grid's 1.1e5 %.
    rate = xirr([-1.0, 2.0], [dt.date(2001, 1, 1), dt.date(2001, 1, 2)])
    assert rate == pytest.approx(2.0**365 - 1, rel=1e-9)


# ---------------------------------------------------------------------------------------------
# Payback and MOIC.
# ---------------------------------------------------------------------------------------------


def test_textbook_payback() -> None:
    # Cumulative: −1000, −700 (t=1), −300 (t=2), +200 (t=3). Flow 3 (500) arrives evenly over
    # year 3, so the remaining 300 is recovered after 300/500 = 0.6 of it: 2 + 0.6 = 2.6 years.
    # (Taking flows as lumps at year ends would give 3.)
    assert payback([-1000.0, 300.0, 400.0, 500.0]) == pytest.approx(2.6, abs=1e-12)


def test_textbook_discounted_payback() -> None:
    # At 10 %: −1000, 272.727, 330.579, 375.657, 341.507; cumulative after year 3: −21.037,
    # recovered after 21.037/341.507 = 0.0616 of year 4: 3.0616 years.
    flows = [-1000.0, 300.0, 400.0, 500.0, 500.0]
    expected = 3 + (1000 - 300 / 1.1 - 400 / 1.1**2 - 500 / 1.1**3) / (500 / 1.1**4)
    assert discounted_payback(flows, 0.10) == pytest.approx(expected, rel=1e-14)
    assert discounted_payback(flows, 0.0) == payback(flows)
    assert discounted_payback([-1000.0, 300.0, 400.0, 500.0], 0.10) is None


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        ([-1000.0, 300.0], None),  # never recovered
        ([-100.0, 100.0], 1.0),  # exactly at the end of year 1
        ([100.0, -50.0, 10.0], 0.0),  # never below zero
        ([0.0, -100.0, 50.0, 100.0], 2.5),  # a late start
        # Recovered in year 1 but under water again in year 2: the last crossing counts,
        # cumulative −100, 50, −50, 30 → 2 + 50/80.
        ([-100.0, 150.0, -100.0, 80.0], 2.625),
    ],
)
def test_payback_cases(flows: list[float], expected: float | None) -> None:
    assert payback(flows) == expected


@given(conventional(), st.floats(0.0, 1.0))
def test_discounting_never_shortens_payback(flows: list[float], rate: float) -> None:
    plain, discounted = payback(flows), discounted_payback(flows, rate)
    if discounted is not None:
        assert plain is not None
        assert discounted >= plain - 1e-9


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        ([-100.0, 30.0, 120.0], 1.5),
        ([-50.0, -50.0, 0.0, 250.0], 2.5),
        ([-100.0, 40.0, -20.0, 90.0], 130 / 120),
        ([-100.0], 0.0),
        ([10.0, 20.0], None),  # nothing invested
        ([0.0], None),
    ],
)
def test_moic(flows: list[float], expected: float | None) -> None:
    got = moic(flows)
    assert got == (None if expected is None else pytest.approx(expected, rel=1e-15))


# ---------------------------------------------------------------------------------------------
# Shapes.
# ---------------------------------------------------------------------------------------------


def test_npv_shapes() -> None:
    rows = [[-100.0, 60.0, 60.0], [-10.0, 0.0, 45.0]]
    assert isinstance(npv(0.1, rows[0]), float)
    assert npv(0.1, rows).shape == (2,)
    assert npv([0.0, 0.5], rows).tolist() == [20.0, 10.0]
    assert npv([0.0, 0.5, 1.0], rows[0]).shape == (3,)  # one series at several rates
    assert npv([[0.0], [0.5]], rows).shape == (2, 2)  # every rate × every series
    with pytest.raises(ParameterError, match="rate: must be a scalar or an array broadcasting"):
        npv([0.1, 0.2, 0.3], rows)


# ---------------------------------------------------------------------------------------------
# Bad input.
# ---------------------------------------------------------------------------------------------

ONE_D = [
    irr,
    irr_details,
    moic,
    payback,
    lambda f: npv(0.1, f),
    lambda f: mirr(f, 0.1, 0.1),
    lambda f: discounted_payback(f, 0.1),
    lambda f: xirr(f, yearly(len(f))),
    lambda f: xnpv(0.1, f, yearly(len(f))),
]


@pytest.mark.parametrize("metric", ONE_D)
@pytest.mark.parametrize(
    ("flows", "allowed"),
    [
        ([], "at least one cash flow"),
        ([-1.0, float("nan")], "finite numbers"),
        ([-1.0, float("inf")], "finite numbers"),
        (["a", "b"], "numbers"),
    ],
)
def test_bad_flows(
    metric: Callable[[list[object]], object], flows: list[object], allowed: str
) -> None:
    with pytest.raises(ParameterError, match=f"flows: must be {allowed}") as info:
        metric(flows)
    assert info.value.parameter == "flows"


@pytest.mark.parametrize("metric", [irr, irr_details, moic, payback])
def test_two_dimensional_flows_need_irr_many(metric: Callable[[object], object]) -> None:
    with pytest.raises(ParameterError, match="a 1-D sequence of cash flows"):
        metric([[-1.0, 2.0], [-1.0, 3.0]])


@pytest.mark.parametrize("rate", [-1.0, -2.0, float("nan"), float("inf")])
def test_bad_rates(rate: float) -> None:
    flows = [-100.0, 60.0, 60.0]
    with pytest.raises(ParameterError, match="rate: must be finite and > -1"):
        npv(rate, flows)
    with pytest.raises(ParameterError, match="rate: must be finite and > -1"):
        discounted_payback(flows, rate)
    with pytest.raises(ParameterError, match="rate: must be finite and > -1"):
        xnpv(rate, flows, yearly(3))
    with pytest.raises(ParameterError, match="finance_rate: must be finite and > -1"):
        mirr(flows, rate, 0.1)
    with pytest.raises(ParameterError, match="reinvest_rate: must be finite and > -1"):
        mirr(flows, 0.1, rate)


@pytest.mark.parametrize(
    ("dates", "allowed"),
    [
        (yearly(2), r"one date per cash flow \(3\)"),
        (yearly(4), r"one date per cash flow \(3\)"),
        ([dt.date(2001, 1, 1), None, dt.date(2003, 1, 1)], r"no missing date \(NaT\)"),
        ([dt.date(2001, 1, 1), dt.date(2000, 6, 1), dt.date(2003, 1, 1)], "on or after the first"),
        (["2001-01-01", "next year", "2003-01-01"], "dates"),
    ],
)
def test_bad_dates(dates: list[object], allowed: str) -> None:
    for metric in (lambda d: xirr([-100.0, 60.0, 60.0], d), lambda d: xnpv(0.1, [1, 2, 3], d)):
        with pytest.raises(ParameterError, match=f"dates: must be {allowed}"):
            metric(dates)


@pytest.mark.parametrize(("low", "high"), [(-1.0, 1.0), (0.5, 0.1), (0.0, float("inf"))])
def test_irr_many_bad_range(low: float, high: float) -> None:
    with pytest.raises(ParameterError, match="low, high: must be -1 < low < high"):
        irr_many([[-1.0, 2.0]], low=low, high=high)


def test_irr_many_needs_at_most_two_dimensions() -> None:
    with pytest.raises(ParameterError, match="a 2-D array"):
        irr_many(np.ones((2, 2, 2)))

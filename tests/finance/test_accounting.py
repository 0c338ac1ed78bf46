"""Accounting: loans and tax losses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabnet.exceptions import ParameterError
from fabnet.finance.accounting import carry_losses, loan_schedule

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@settings(max_examples=50)
@given(st.floats(0.0, 0.2), st.integers(1, 20), st.data())
def test_a_loan_is_repaid_at_its_rate(rate: float, tenor: int, data: st.DataObject) -> None:
    grace = data.draw(st.integers(0, tenor - 1))
    interest, principal, balance = loan_schedule(rate, tenor, grace, tenor + 3)
    assert principal.sum() == pytest.approx(1.0)
    assert balance[tenor:] == pytest.approx(0.0, abs=1e-12)
    # The lender's flows are worth exactly the loan at the loan's own rate.
    years = np.arange(tenor + 3)
    present = ((interest + principal) / (1.0 + rate) ** years).sum()
    assert present == pytest.approx(1.0)
    assert principal[: grace + 1] == pytest.approx(0.0)


def test_a_loan_cut_by_the_horizon_leaves_its_balance() -> None:
    interest, principal, balance = loan_schedule(0.05, 10, 2, 4)
    assert balance[-1] == pytest.approx(1.0 - principal.sum())
    assert interest[1] == pytest.approx(0.05)


def test_grace_must_end_before_the_tenor() -> None:
    with pytest.raises(ParameterError, match="grace_years"):
        loan_schedule(0.05, 3, 3, 5)


def test_losses_are_carried_forward_by_hand() -> None:
    # Losses 10 and 5 are used up by the profits of 8 and 9: 8 − 10 → 0, pool 2; then 9 − 2 − 5.
    tax = carry_losses([[-10.0, 8.0, -5.0, 9.0, 3.0]], [0.5])
    np.testing.assert_allclose(tax, [[0.0, 0.0, 0.0, 1.0, 1.5]])
    alone = carry_losses([[-10.0, 8.0]], [0.5], carry_forward=False)
    np.testing.assert_allclose(alone, [[0.0, 4.0]])


@pytest.mark.parametrize("rate", [1.18e-12, 1e-15, 5e-324, 1e-9])
def test_a_loan_at_a_vanishing_rate_repays_exactly(rate: float) -> None:
    # Hypothesis found 1 − (1 + r)^−n losing every digit at r = 1.18e-12 (principal 1.0000585).
    for tenor in range(1, 21):
        for grace in range(tenor):
            _, principal, _ = loan_schedule(rate, tenor, grace, tenor + 2)
            assert principal.sum() == pytest.approx(1.0, abs=1e-12)

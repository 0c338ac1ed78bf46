"""The accounting behind the cash flows: depreciation, loan service and tax with losses carried
forward, each vectorised over projects as ``(project, year)`` arrays.

The schedules every model shares (lead times, ramp, capex spend, residual value) are in
:mod:`fabnet.schedules`. Money is in USD million (musd); years are whole periods, flows at the
end of each period (the convention of :mod:`fabnet.finance.metrics`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fabnet.exceptions import ParameterError

Array = NDArray[np.float64]


def straight_line(life_years: int, offset: ArrayLike, length: int) -> Array:
    """Depreciation of one unit of cost placed in service ``offset`` years after its start:
    ``1 / life`` a year for ``life`` years; vectorised over ``offset`` (shape
    ``(*offset.shape, length)``).

    >>> straight_line(4, 1, 7).tolist()
    [0.0, 0.25, 0.25, 0.25, 0.25, 0.0, 0.0]
    """
    lags = np.arange(length)
    start = np.asarray(offset)[..., None]
    out: Array = np.where((lags >= start) & (lags < start + life_years), 1.0 / life_years, 0.0)
    return out


def loan_schedule(rate: float, tenor_years: int, grace_years: int, length: int) -> Array:
    """Debt service per unit drawn, ``ℓ`` years after the draw: rows interest, principal and
    the balance still owed at the end of the year.

    Interest only for ``grace_years``, then a level annuity (mortgage-style) that repays the
    loan by ``tenor_years``; the first payment falls one year after the draw.

    Returns
    -------
    ndarray, shape (3, length)
        Interest, principal and closing balance per unit drawn.

    Notes
    -----
    Annuity payment per unit: ``A = r / (1 − (1 + r)^−n)`` over ``n = tenor − grace`` years
    (``1/n`` when ``r = 0``).

    References
    ----------
    Brealey, Myers & Allen, *Principles of Corporate Finance*, 13th ed., ch. 2 (annuities).

    Examples
    --------
    >>> interest, principal, balance = loan_schedule(0.10, 3, 1, 5)
    >>> interest.round(4).tolist(), principal.round(4).tolist()
    ([0.0, 0.1, 0.1, 0.0524, 0.0], [0.0, 0.0, 0.4762, 0.5238, 0.0])
    """
    if not 0 <= grace_years < tenor_years:
        raise ParameterError("grace_years", f"in [0, tenor_years = {tenor_years})", grace_years)
    n = tenor_years - grace_years
    # 1 − (1 + r)^−n as −expm1(−n·log1p(r)): exact to the last digits even for a rate of
    # 1e-12, where the plain formula cancels away every digit.
    payment = 1.0 / n if rate == 0.0 else rate / -math.expm1(-n * math.log1p(rate))
    interest = np.zeros(length)
    principal = np.zeros(length)
    balance = np.zeros(length)
    owed = 1.0
    for lag in range(length):
        if lag == 0:
            balance[lag] = owed
            continue
        if lag > tenor_years:
            break
        interest[lag] = owed * rate
        principal[lag] = 0.0 if lag <= grace_years else payment - interest[lag]
        owed = max(owed - principal[lag], 0.0)
        if lag == tenor_years:
            principal[lag] += owed  # rounding: the last payment clears the loan
            owed = 0.0
        balance[lag] = owed
    return np.vstack([interest, principal, balance])


def carry_losses(taxable: ArrayLike, rate: ArrayLike, carry_forward: bool = True) -> Array:
    """Income tax per project and year with losses carried forward without limit.

    Parameters
    ----------
    taxable : array_like, shape (P, T)
        Taxable income before losses brought forward [musd].
    rate : array_like, shape (P,) or (P, T)
        Tax rate [fraction].
    carry_forward : bool
        Offset earlier losses against later profits; otherwise tax each year's profit alone.

    Examples
    --------
    >>> carry_losses([[-10.0, 4.0, 10.0]], [0.25]).tolist()
    [[0.0, 0.0, 1.0]]
    """
    income = np.atleast_2d(np.asarray(taxable, dtype=float))
    rates = np.asarray(rate, dtype=float)
    rates = np.broadcast_to(rates[:, None] if rates.ndim == 1 else rates, income.shape)
    if not carry_forward:
        return np.asarray(np.maximum(income, 0.0) * rates, dtype=float)
    tax = np.zeros_like(income)
    pool = np.zeros(income.shape[0])  # losses brought forward, ≥ 0
    for t in range(income.shape[1]):
        after = income[:, t] - pool
        tax[:, t] = np.maximum(after, 0.0) * rates[:, t]
        pool = np.maximum(-after, 0.0)
    return tax

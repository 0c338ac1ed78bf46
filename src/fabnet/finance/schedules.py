"""Pure schedule arithmetic behind the cash flows: spreading, ramping, depreciating and
amortising, each vectorised over projects as ``(project, year)`` arrays.

A *kernel* ``k[p, ℓ]`` says what one unit started in year ``s`` does ``ℓ = t − s`` years later;
:func:`convolve` applies it to the units started per year. Money is in USD million (musd);
years are whole periods, flows at the end of each period (the convention of
:mod:`fabnet.finance.metrics`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fabnet.exceptions import ParameterError

Array = NDArray[np.float64]


def convolve(starts: ArrayLike, kernel: ArrayLike) -> Array:
    """``out[p, t] = Σ_s starts[p, s] · kernel[p, t − s]`` (nothing before a start).

    Parameters
    ----------
    starts : array_like, shape (P, T)
        Units started per project and year.
    kernel : array_like, shape (P, L) or (L,)
        Effect of one unit ``ℓ`` years after its start (a 1-D kernel applies to every project).

    Examples
    --------
    >>> convolve([[1.0, 0.0, 2.0]], [0.5, 0.5]).tolist()
    [[0.5, 0.5, 1.0]]
    """
    units = np.atleast_2d(np.asarray(starts, dtype=float))
    k = np.asarray(kernel, dtype=float)
    k = np.broadcast_to(k, (units.shape[0], k.shape[-1])) if k.ndim == 1 else k
    n_years = units.shape[1]
    out = np.zeros_like(units)
    for lag in range(min(k.shape[1], n_years)):
        out[:, lag:] += units[:, : n_years - lag] * k[:, lag, None]
    return out


def stretch_profile(profile: ArrayLike | None, years: int) -> Array:
    """A spend profile (shares of capex over the lead time) stretched onto ``years`` whole years.

    The cumulative profile is read as a piecewise-linear curve over the lead time and sampled
    at each year's end, so the shares always sum to 1; ``None`` spends evenly.

    Examples
    --------
    >>> stretch_profile([0.2, 0.5, 0.3], 3).round(12).tolist()
    [0.2, 0.5, 0.3]
    >>> stretch_profile([0.5, 0.5], 4).round(12).tolist()
    [0.25, 0.25, 0.25, 0.25]
    >>> stretch_profile(None, 2).tolist()
    [0.5, 0.5]
    """
    if years < 1:
        raise ParameterError("years", ">= 1", years)
    if profile is None:
        return np.full(years, 1.0 / years)
    shares = np.asarray(profile, dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(shares) / shares.sum()])
    knots = np.linspace(0.0, 1.0, len(shares) + 1)
    at = np.interp(np.linspace(0.0, 1.0, years + 1), knots, cumulative)
    return np.diff(at)


def ramp_kernel(lead_years: int, ramp: ArrayLike, length: int) -> Array:
    """Share of a module's capacity ``ℓ`` years after its start: 0 during the lead time, then the
    ramp profile, then 1.

    >>> ramp_kernel(2, [0.25, 0.6], 6).tolist()
    [0.0, 0.0, 0.25, 0.6, 1.0, 1.0]
    """
    shares = np.asarray(ramp, dtype=float)
    since = np.arange(length) - lead_years
    out = np.where(since >= len(shares), 1.0, 0.0)
    inside = (since >= 0) & (since < len(shares))
    out[inside] = shares[since[inside]]
    return out


def straight_line(life_years: int, offset: int, length: int) -> Array:
    """Depreciation of one unit of cost placed in service ``offset`` years after its start:
    ``1 / life`` a year for ``life`` years.

    >>> straight_line(4, 1, 7).tolist()
    [0.0, 0.25, 0.25, 0.25, 0.25, 0.0, 0.0]
    """
    lags = np.arange(length)
    return np.where((lags >= offset) & (lags < offset + life_years), 1.0 / life_years, 0.0)


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
    # Below ~1e-12 the annuity formula loses every digit to rounding: repay evenly.
    payment = 1.0 / n if rate < 1e-12 else rate / (1.0 - (1.0 + rate) ** -n)
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

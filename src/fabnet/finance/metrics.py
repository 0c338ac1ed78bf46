"""Investment metrics of cash-flow series: NPV, IRR (every root), MIRR, payback, MOIC, XNPV, XIRR.

Conventions (numpy-financial's, and :mod:`fabnet.finance.schedules`'s): ``flows[t]`` is the net
cash flow of period ``t`` [money, fabnet uses USD million], index 0 at time 0 and flow ``t`` at
the end of period ``t``; negative is money paid in, positive money received; rates are fractions
per period (year). The dated versions follow Excel: ``t_i = (d_i − d_0) / 365`` years.

An IRR is a rate ``r > −1`` with ``NPV(r) = 0``. A series may have none or several (Lorie &
Savage's pump); :func:`irr` then returns ``None`` or raises :class:`MultipleIRRError` rather than
pick one, and :func:`irr_details` says which case holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, overload

import numpy as np
import numpy.typing as npt

from fabnet.exceptions import ParameterError

__all__ = [
    "IRR",
    "MultipleIRRError",
    "discount_factors",
    "discounted_payback",
    "irr",
    "irr_details",
    "irr_many",
    "mirr",
    "moic",
    "npv",
    "payback",
    "xirr",
    "xnpv",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]

#: numpy.roots gives x as real when |Im x| ≤ this × |x| (a double root splits by ~1e-8).
_IMAG_TOL = 1e-6
#: Roots closer than this × (1 + |r|) are one root (a double root found twice).
_SAME_ROOT = 1e-6
#: Newton steps polishing a root of irr; each is kept only if it lowers |NPV|.
_POLISH_STEPS = 8
#: Points of ln(1 + r) on which irr_many looks for sign changes of NPV.
_GRID_POINTS = 400
#: Rows irr_many treats at once: its (rows × grid) NPV table stays near 13 MB.
_CHUNK_ROWS = 4096
#: irr_many: bisection steps (cell width / 2¹² ≈ 4e-6 in ln(1 + r)), then Newton steps.
_BISECTIONS, _NEWTON_STEPS = 12, 4
#: The ln(1 + r) grid of xirr (r from −99.9 % to ~1.1e5 %); both tails are followed beyond it.
_XIRR_GRID = np.linspace(-7.0, 7.0, 1401)
#: |ln(1 + r)| where xirr's tail search stops (exp overflows past 709).
_Y_MAX = 700.0


class MultipleIRRError(ParameterError):
    """``NPV(r) = 0`` at several rates ``r > −1``, so no single IRR describes the flows.

    Attributes
    ----------
    roots : tuple of float
        Every rate found, ascending [fraction per period].
    """

    def __init__(self, roots: Sequence[float]) -> None:
        self.roots = tuple(sorted(roots))
        listed = _percentages(self.roots)
        super().__init__("flows", "cash flows with a single IRR", f"{len(self.roots)}: {listed}")
        self.args = (
            f"flows: NPV is zero at {len(self.roots)} rates ({listed}), so there is no single "
            "IRR; compare with mirr(flows, finance_rate, reinvest_rate) or with "
            "npv(hurdle_rate, flows) instead",
        )


@dataclass(frozen=True)
class IRR:
    """What :func:`irr_details` found.

    Attributes
    ----------
    rate : float or None
        The IRR [fraction per period]; ``None`` unless exactly one root exists.
    roots : tuple of float
        Every distinct rate ``r > −1`` with ``NPV(r) = 0``, ascending [fraction per period].
    sign_changes : int
        Sign changes along the flows, zeros skipped: Descartes' bound on ``len(roots)``.
    reason : str or None
        Why ``rate`` is ``None``.
    """

    rate: float | None
    roots: tuple[float, ...]
    sign_changes: int
    reason: str | None


def _percentages(rates: Sequence[float]) -> str:
    return ", ".join(f"{round(100 * r, 4) + 0.0:g} %" for r in rates)  # + 0.0: no "-0 %"


def _numbers(value: Any, parameter: str) -> FloatArray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(parameter, "numbers", value) from None


def _flows(flows: npt.ArrayLike, *, one_d: bool = True) -> FloatArray:
    """Validated flows: finite, at least one period, 1-D (or ≥ 1-D with time last)."""
    v = _numbers(flows, "flows")
    if v.ndim == 0 or (one_d and v.ndim != 1):
        allowed = (
            "a 1-D sequence of cash flows" if one_d else "an array with time along its last axis"
        )
        raise ParameterError("flows", allowed, f"a {v.ndim}-D array")
    if v.shape[-1] == 0:
        raise ParameterError("flows", "at least one cash flow", "none")
    if not np.isfinite(v).all():
        raise ParameterError("flows", "finite numbers (no NaN or inf)", flows)
    return v


def _rate(rate: npt.ArrayLike, parameter: str = "rate") -> FloatArray:
    r = _numbers(rate, parameter)
    if not (np.isfinite(r) & (r > -1)).all():
        raise ParameterError(parameter, "finite and > -1 [fraction per period]", rate)
    return r


def discount_factors(rate: npt.ArrayLike, years: npt.ArrayLike, base: float) -> FloatArray:
    """The factor that discounts money of each year to ``base``: ``(1 + rate)^−(year − base)``
    (flows at each year's end, year ``base`` undiscounted). ``rate`` broadcasts against
    ``years`` (a column of rates gives one row of factors per rate). The one rule the planner,
    the finance, the strategies, the statistics and the risk evaluation discount with.

    >>> discount_factors(0.1, [2025, 2026, 2027], 2025).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    offsets = np.asarray(years, dtype=float) - float(base)
    factors: FloatArray = (1.0 + np.asarray(rate, dtype=float)) ** -offsets
    return factors


def _discounted(v: FloatArray, rate: FloatArray) -> FloatArray:
    """``v[..., t] / (1 + rate)^t``, ``rate`` broadcasting against the leading axes of ``v``."""
    try:
        return v / (1.0 + rate[..., None]) ** np.arange(v.shape[-1])
    except ValueError:
        allowed = f"a scalar or an array broadcasting against shape {v.shape[:-1]}"
        raise ParameterError("rate", allowed, f"shape {rate.shape}") from None


@overload
def npv(rate: float, flows: Sequence[float]) -> float: ...
@overload
def npv(rate: npt.ArrayLike, flows: npt.ArrayLike) -> float | FloatArray: ...
def npv(rate: npt.ArrayLike, flows: npt.ArrayLike) -> float | FloatArray:
    """Net present value, ``Σ_t flows[t] / (1 + rate)^t``, ``flows[0]`` undiscounted.

    Parameters
    ----------
    rate : float or array_like
        Discount rate [fraction per period]; an array broadcasts against ``flows.shape[:-1]``.
    flows : array_like
        Cash flows [money], time along the last axis (rows of a 2-D array are separate series).

    Returns
    -------
    float or numpy.ndarray
        NPV [money]: a float when the result is one number, else an array of shape
        ``broadcast(rate.shape, flows.shape[:-1])``.

    Raises
    ------
    ParameterError
        Empty or non-finite flows; a rate ≤ −1 or non-finite; shapes that do not broadcast.

    Notes
    -----
    The convention of ``numpy_financial.npv``, not of Excel's ``NPV`` (which discounts the first
    value too).

    References
    ----------
    Brealey, Myers & Allen, *Principles of Corporate Finance*, 13th ed., McGraw-Hill (2020), ch. 2.

    Examples
    --------
    >>> round(npv(0.10, [-100.0, 60.0, 60.0]), 4)
    4.1322
    >>> npv([0.0, 0.5], [[-100.0, 60.0, 60.0], [-10.0, 0.0, 45.0]]).tolist()
    [20.0, 10.0]
    """
    out = _discounted(_flows(flows, one_d=False), _rate(rate)).sum(axis=-1)
    return float(out) if out.ndim == 0 else out


def _polynomial_roots(v: FloatArray) -> tuple[float, ...]:
    """Distinct ``r > −1`` with ``Σ v_t x^t = 0``, ``x = 1/(1 + r) > 0`` (``v`` not all zero)."""
    nonzero = np.flatnonzero(v)
    # Leading zeros multiply the polynomial by x^k (no root x > 0); trailing ones lower its
    # degree. numpy.roots wants the highest power first.
    p = v[nonzero[0] : nonzero[-1] + 1][::-1]
    dp = np.polyder(p)
    rates = []
    for root in np.roots(p) if p.size > 1 else ():
        if root.real <= 0 or abs(root.imag) > _IMAG_TOL * abs(root):
            continue
        x = float(root.real)
        for _ in range(_POLISH_STEPS):
            slope = float(np.polyval(dp, x))
            step = float(np.polyval(p, x)) / slope if slope else 0.0
            if not (x - step > 0 and abs(np.polyval(p, x - step)) < abs(np.polyval(p, x))):
                break
            x -= step
        rates.append(1.0 / x - 1.0)
    return _distinct(rates)


def _distinct(rates: Sequence[float]) -> tuple[float, ...]:
    kept: list[float] = []
    for r in sorted(r for r in rates if r > -1):
        if not kept or r - kept[-1] > _SAME_ROOT * (1 + abs(r)):
            kept.append(r)
    return tuple(kept)


def _details(v: FloatArray, roots: tuple[float, ...]) -> IRR:
    """Classify the ``roots`` of the time-ordered flows ``v``."""
    signs = np.sign(v[v != 0])
    changes = int(np.count_nonzero(signs[1:] != signs[:-1]))
    if signs.size == 0:
        reason: str | None = "all flows are zero"
    elif changes == 0:
        reason = f"no sign change: every flow is {'≥' if signs[0] > 0 else '≤'} 0"
    elif not roots:
        reason = "no real root: NPV(r) ≠ 0 for every rate r > -1"
    elif len(roots) > 1:
        reason = f"several roots: {_percentages(roots)}"
    else:
        reason = None
    return IRR(roots[0] if reason is None else None, roots, changes, reason)


def _unique(details: IRR) -> float | None:
    if len(details.roots) > 1:
        raise MultipleIRRError(details.roots)
    return details.rate


def irr_details(flows: npt.ArrayLike) -> IRR:
    """Every internal rate of return of ``flows``, and why there is no unique one if so.

    Parameters
    ----------
    flows : array_like, 1-D
        Cash flows per period [money], ``flows[0]`` at time 0.

    Returns
    -------
    IRR
        ``rate`` (the root when unique), ``roots``, ``sign_changes`` and ``reason``.

    Raises
    ------
    ParameterError
        Malformed flows only (empty, not 1-D, NaN or inf); never for none or several roots.

    Notes
    -----
    The roots ``x = 1/(1 + r)`` of the polynomial ``Σ flows[t] x^t`` come from
    :func:`numpy.roots` (a companion-matrix eigenproblem); real positive ones are polished by
    Newton steps. A root where NPV only touches zero (even multiplicity) counts, once.

    References
    ----------
    Lorie, J. H. & Savage, L. J. (1955). Three problems in rationing capital. *Journal of
    Business* 28(4), 229–239. doi:10.1086/294081

    Examples
    --------
    >>> irr_details([-1600.0, 10000.0, -10000.0]).roots  # Lorie & Savage's pump
    (0.25, 4.0)
    >>> irr_details([100.0, 50.0]).reason
    'no sign change: every flow is ≥ 0'
    """
    v = _flows(flows)
    return _details(v, _polynomial_roots(v) if v.any() else ())


def irr(flows: npt.ArrayLike) -> float | None:
    """Internal rate of return: the unique ``r > −1`` with ``npv(r, flows) = 0``.

    Parameters
    ----------
    flows : array_like, 1-D
        Cash flows per period [money], ``flows[0]`` at time 0.

    Returns
    -------
    float or None
        The IRR [fraction per period]; ``None`` without a root (:func:`irr_details` says why).

    Raises
    ------
    MultipleIRRError
        NPV is zero at several rates; the error's ``roots`` lists them.
    ParameterError
        Malformed flows (empty, not 1-D, NaN or inf).

    Notes
    -----
    ``numpy_financial.irr`` returns the root nearest zero; here several roots raise, as none of
    them ranks the project. Leading zeros delay every flow alike and trailing zeros add nothing,
    so neither changes the roots. A final outlay after the receipts (decommissioning) adds a
    second sign change and often a second root near ``r = −1``.

    References
    ----------
    Brealey, Myers & Allen, *Principles of Corporate Finance*, 13th ed. (2020), ch. 5.

    Examples
    --------
    >>> round(irr([-100.0, 60.0, 60.0]), 6)
    0.130662
    >>> irr([0.0, -100.0, 60.0, 60.0, 0.0]) == irr([-100.0, 60.0, 60.0])
    True
    """
    return _unique(irr_details(flows))


def _scaled_npv(v: FloatArray, t: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``Σ v e^(−t·y)`` and its ``y``-derivative, both times ``e^(t_ref·y) > 0``, with ``y =
    ln(1 + r)`` broadcasting against ``v.shape[:-1]``. ``t_ref`` is the last time where ``y < 0``
    and the first elsewhere, so no exponent is positive and nothing overflows."""
    u = t - np.where(y < 0, t[-1], t[0])[..., None]
    w = v * np.exp(-u * y[..., None])
    return w.sum(axis=-1), -(u * w).sum(axis=-1)


def _grid_npv(v: FloatArray, t: FloatArray, y: FloatArray) -> FloatArray:
    """:func:`_scaled_npv` of each row of ``v`` (R, T) at each grid point ``y`` (G,): (R, G)."""
    u = t[None, :] - np.where(y < 0, t[-1], t[0])[:, None]
    out: FloatArray = v @ np.exp(-u * y[:, None]).T
    return out


def irr_many(flows: npt.ArrayLike, *, low: float = -0.99, high: float = 10.0) -> FloatArray:
    """IRR of each row, vectorised for Monte Carlo; NaN where a row has no unique root in range.

    Parameters
    ----------
    flows : array_like, 2-D
        One cash-flow series per row [money], time along the columns.
    low, high : float, optional
        The range of rates searched [fraction per period].

    Returns
    -------
    numpy.ndarray
        IRR per row [fraction per period]; NaN where NPV does not change sign exactly once on
        the grid over ``[low, high]``.

    Raises
    ------
    ParameterError
        Malformed flows, or not ``−1 < low < high``.

    Notes
    -----
    NPV is evaluated on 400 points of ``ln(1 + r)`` spanning ``[low, high]``; a row whose NPV
    changes sign once there is bisected in that cell and polished by Newton steps. Roots outside
    the range are ignored, so a row whose only other root lies below ``low`` gets a rate where
    :func:`irr` raises; two roots within one grid cell, or one where NPV only touches zero, go
    unseen. Where :func:`irr` returns a rate inside the range, this returns the same rate. A
    final outlay (decommissioning) often adds a root in ``(−99 %, −50 %)``: raise ``low`` to
    ignore it.

    References
    ----------
    Press, Teukolsky, Vetterling & Flannery, *Numerical Recipes*, 3rd ed. (2007), §9.1, §9.4.

    Examples
    --------
    >>> irr_many([[-100.0, 60.0, 60.0], [-1600.0, 10000.0, -10000.0], [1.0, 2.0, 3.0]]).round(6)
    array([0.130662,      nan,      nan])
    """
    v = np.atleast_2d(_flows(flows, one_d=False))
    if v.ndim != 2:
        raise ParameterError("flows", "a 2-D array (one series per row)", f"a {v.ndim}-D array")
    if not -1 < low < high < np.inf:
        raise ParameterError("low, high", "-1 < low < high [fraction per period]", (low, high))
    t = np.arange(v.shape[1], dtype=np.float64)
    y = np.linspace(np.log1p(low), np.log1p(high), _GRID_POINTS)
    chunks = range(0, v.shape[0], _CHUNK_ROWS)
    return np.concatenate(
        [_irr_rows(v[i : i + _CHUNK_ROWS], t, y) for i in chunks] or [np.empty(0)]
    )


def _irr_rows(v: FloatArray, t: FloatArray, y: FloatArray) -> FloatArray:
    """:func:`irr_many` of the rows ``v`` (R, T) on the grid ``y = ln(1 + r)``."""
    above = _grid_npv(v, t, y) >= 0
    change = above[:, 1:] != above[:, :-1]
    rows = np.flatnonzero(change.sum(axis=1) == 1)
    cell = change[rows].argmax(axis=1)
    lo, hi, above_lo = y[cell], y[cell + 1], above[rows, cell]
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        same = (_scaled_npv(v[rows], t, mid)[0] >= 0) == above_lo
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    root = 0.5 * (lo + hi)
    for _ in range(_NEWTON_STEPS):
        value, slope = _scaled_npv(v[rows], t, root)
        step = np.divide(value, slope, out=np.zeros_like(value), where=slope != 0)
        root = np.clip(root - step, lo, hi)
    out = np.full(v.shape[0], np.nan)
    out[rows] = np.expm1(root)
    return out


def mirr(flows: npt.ArrayLike, finance_rate: float, reinvest_rate: float) -> float | None:
    """Modified IRR: outlays financed at one rate, receipts reinvested at another.

    Parameters
    ----------
    flows : array_like, 1-D
        Cash flows per period [money], ``flows[0]`` at time 0; ``n`` values in all.
    finance_rate : float
        Rate paid on the money put in [fraction per period].
    reinvest_rate : float
        Rate earned on the money received [fraction per period].

    Returns
    -------
    float or None
        ``(FV of receipts at reinvest_rate / PV of outlays at finance_rate)^(1/(n−1)) − 1``
        [fraction per period]; ``None`` (where numpy-financial gives NaN) unless there is both
        a positive and a negative flow.

    Raises
    ------
    ParameterError
        Malformed flows; a rate ≤ −1 or non-finite.

    Notes
    -----
    Matches ``numpy_financial.mirr``. Trailing zeros lengthen the horizon ``n``, so they count.

    References
    ----------
    Lin, S. A. Y. (1976). The modified internal rate of return and investment criterion.
    *The Engineering Economist* 21(4), 237–247.

    Examples
    --------
    >>> round(mirr([-100.0, 60.0, 60.0], 0.10, 0.12), 6)
    0.12783
    >>> mirr([10.0, 20.0], 0.1, 0.1) is None
    True
    """
    v = _flows(flows)
    finance, reinvest = _rate(finance_rate, "finance_rate"), _rate(reinvest_rate, "reinvest_rate")
    received, paid = np.where(v > 0, v, 0.0), np.where(v < 0, v, 0.0)
    if not (received.any() and paid.any()):
        return None
    ratio = _discounted(received, reinvest).sum() / -_discounted(paid, finance).sum()
    return float(ratio ** (1.0 / (v.size - 1)) * (1.0 + reinvest) - 1.0)


def payback(flows: npt.ArrayLike) -> float | None:
    """Periods until the cumulative cash flow turns ≥ 0 for good, interpolated within a period.

    Parameters
    ----------
    flows : array_like, 1-D
        Cash flows per period [money]: ``flows[0]`` at time 0, ``flows[t]`` (t ≥ 1) arriving
        evenly during period t, i.e. between times t − 1 and t.

    Returns
    -------
    float or None
        Payback time [periods]: the last time the piecewise-linear cumulative cash flow through
        the points ``(t, cumsum(flows)[t])`` rises to 0; ``0.0`` if it is never negative,
        ``None`` if it ends negative.

    Raises
    ------
    ParameterError
        Malformed flows.

    Notes
    -----
    With ``k`` the last period whose cumulative ``C_k`` is negative, payback is
    ``k + (−C_k) / flows[k + 1]``: the textbook "years before recovery plus the unrecovered
    cost over the next year's flow". Flows treated as lumps at period ends would give ``k + 1``.

    References
    ----------
    Brealey, Myers & Allen, *Principles of Corporate Finance*, 13th ed. (2020), ch. 5.

    Examples
    --------
    >>> payback([-1000.0, 300.0, 400.0, 500.0])
    2.6
    >>> payback([-1000.0, 300.0]) is None
    True
    """
    v = _flows(flows)
    cumulative = np.cumsum(v)
    if cumulative[-1] < 0:
        return None
    negative = np.flatnonzero(cumulative < 0)
    if negative.size == 0:
        return 0.0
    k = int(negative[-1])
    return k + float(-cumulative[k] / v[k + 1])


def discounted_payback(flows: npt.ArrayLike, rate: float) -> float | None:
    """:func:`payback` of the flows discounted to time 0 at ``rate``.

    Parameters
    ----------
    flows : array_like, 1-D
        Cash flows per period [money], as for :func:`payback`.
    rate : float
        Discount rate [fraction per period]; ``flows[t]`` is divided by ``(1 + rate)^t``.

    Returns
    -------
    float or None
        Discounted payback time [periods]; ``None`` if the discounted flows never pay back.

    Raises
    ------
    ParameterError
        Malformed flows; a rate ≤ −1 or non-finite.

    Notes
    -----
    Interpolates like :func:`payback`, on the discounted flows.

    References
    ----------
    Brealey, Myers & Allen, *Principles of Corporate Finance*, 13th ed. (2020), ch. 5.

    Examples
    --------
    >>> round(discounted_payback([-1000.0, 300.0, 400.0, 500.0, 500.0], 0.10), 4)
    3.0616
    """
    return payback(_discounted(_flows(flows), _rate(rate)))


def moic(flows: npt.ArrayLike) -> float | None:
    """Multiple on invested capital: money received over money put in.

    Parameters
    ----------
    flows : array_like, 1-D
        Cash flows [money]; their timing is ignored.

    Returns
    -------
    float or None
        ``Σ positive flows / Σ |negative flows|`` [dimensionless]; ``None`` if nothing is put in.

    Raises
    ------
    ParameterError
        Malformed flows.

    Notes
    -----
    Undiscounted: 2.0 means twice the money back, whether after two years or twenty.

    References
    ----------
    Metrick, A. & Yasuda, A., *Venture Capital and the Finance of Innovation*, 2nd ed., Wiley
    (2010) (their "value multiple").

    Examples
    --------
    >>> moic([-100.0, 30.0, 120.0])
    1.5
    """
    v = _flows(flows)
    invested = -v[v < 0].sum()
    return float(v[v > 0].sum() / invested) if invested > 0 else None


def _years(dates: Any, count: int) -> FloatArray:
    """``(d_i − d_0)`` in days / 365, dates truncated to whole days (Excel's convention)."""
    try:
        days = np.array(dates, dtype="datetime64[D]")
    except (TypeError, ValueError):
        allowed = "dates (datetime.date, numpy.datetime64 or pandas.Timestamp)"
        raise ParameterError("dates", allowed, dates) from None
    if days.shape != (count,):
        raise ParameterError("dates", f"one date per cash flow ({count})", f"shape {days.shape}")
    if np.isnat(days).any():
        raise ParameterError("dates", "no missing date (NaT)", dates)
    elapsed = (days - days[0]).astype(np.float64)
    if (elapsed < 0).any():
        got = days[int(elapsed.argmin())]
        raise ParameterError("dates", f"on or after the first date, {days[0]}", got)
    years: FloatArray = elapsed / 365.0
    return years


def xnpv(rate: float, flows: npt.ArrayLike, dates: Any) -> float:
    """Net present value of dated flows at the first date (Excel's ``XNPV``).

    Parameters
    ----------
    rate : float
        Discount rate [fraction per year of 365 days].
    flows : array_like, 1-D
        Cash flows [money].
    dates : sequence of datetime.date, numpy.datetime64 or pandas.Timestamp
        The date of each flow, none before the first; times of day are dropped.

    Returns
    -------
    float
        ``Σ flows[i] / (1 + rate)^((dates[i] − dates[0]) / 365 days)`` [money].

    Raises
    ------
    ParameterError
        Malformed flows; rate ≤ −1; dates unreadable, missing, one per flow or before the first.

    Notes
    -----
    With dates 365 days apart this is :func:`npv`.

    References
    ----------
    Microsoft, "XNPV function", Excel documentation, support.microsoft.com.

    Examples
    --------
    >>> import datetime as dt
    >>> days = [dt.date(2023, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 12, 31)]
    >>> round(xnpv(0.10, [-100.0, 60.0, 60.0], days), 4)
    4.1322
    """
    v = _flows(flows)
    return float((v * (1.0 + _rate(rate)) ** -_years(dates, v.size)).sum())


def _dated_roots(v: FloatArray, t: FloatArray) -> tuple[float, ...]:
    """Rates where ``Σ v e^(−t·y)``, ``y = ln(1 + r)``, changes sign; ``t`` ascending, ``v ≠ 0``."""
    from scipy.optimize import brentq  # type: ignore[import-untyped]

    def f(y: float) -> float:
        return float(_scaled_npv(v, t, np.asarray(y))[0])

    def tail(y: float, limit_above: bool, step: float) -> float:
        while abs(y) < _Y_MAX and (f(y) >= 0) != limit_above:
            y, step = float(np.clip(y + step, -_Y_MAX, _Y_MAX)), 2.0 * step
        return y

    # NPV's sign as r → −1 (the last flow dominates), on the grid, and as r → ∞ (the first).
    y = _XIRR_GRID
    above = np.concatenate([[v[-1] > 0], _grid_npv(v[None, :], t, y)[0] >= 0, [v[0] > 0]])
    roots = []
    for i in np.flatnonzero(above[1:] != above[:-1]):  # between above[i] and above[i + 1]
        a = tail(y[0], bool(above[0]), -1.0) if i == 0 else y[i - 1]
        b = tail(y[-1], bool(above[-1]), 1.0) if i == y.size else y[i]
        if (f(a) >= 0) != (f(b) >= 0):
            roots.append(float(np.expm1(brentq(f, a, b, xtol=1e-14))))
    return _distinct(roots)


def xirr(flows: npt.ArrayLike, dates: Any) -> float | None:
    """Internal rate of return of dated flows (Excel's ``XIRR``), with :func:`irr`'s semantics.

    Parameters
    ----------
    flows : array_like, 1-D
        Cash flows [money].
    dates : sequence of datetime.date, numpy.datetime64 or pandas.Timestamp
        The date of each flow, none before the first; times of day are dropped.

    Returns
    -------
    float or None
        The rate [fraction per year of 365 days] with ``xnpv(rate, flows, dates) = 0``;
        ``None`` when there is none (e.g. no sign change).

    Raises
    ------
    MultipleIRRError
        XNPV is zero at several rates.
    ParameterError
        Malformed flows or dates.

    Notes
    -----
    Flows on one date are summed. ``ln(1 + r)`` is scanned on a grid from −7 to 7 and both
    tails are followed out; each sign change is refined by :func:`scipy.optimize.brentq`.
    Descartes' rule of signs holds for such sums of exponentials, so flows that change sign
    once have exactly one root. Two roots within one grid cell (0.01 in ``ln(1 + r)``), or one
    where XNPV only touches zero, go unseen; so do rates beyond ``e^700``.

    References
    ----------
    Microsoft, "XIRR function", Excel documentation, support.microsoft.com.

    Examples
    --------
    >>> import datetime as dt
    >>> days = [dt.date(2024, 1, 1), dt.date(2024, 12, 31)]
    >>> round(xirr([-100.0, 110.0], days), 9)
    0.1
    """
    v = _flows(flows)
    times, where = np.unique(_years(dates, v.size), return_inverse=True)
    summed = np.bincount(where, weights=v).astype(np.float64)
    keep = summed != 0
    roots = _dated_roots(summed[keep], times[keep]) if keep.any() else ()
    return _unique(_details(summed, roots))

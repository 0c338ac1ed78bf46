"""Defect-density learning: how a node's killer-defect density D0 falls after volume ramp.

The functional form is an **assumption**. TSMC publishes D0 only as points and log-scale charts
(N7: 0.09 /cm² three quarters after high-volume manufacturing (HVM); N5: about 0.10 /cm² at HVM
start and about 0.06 /cm² a year later), which fall roughly exponentially for four to six
quarters and then level off. No published functional form was found, so fabnet uses the
simplest curve with that shape, an exponential decay to a floor,

    D0(t) = D_inf + (D_0 − D_inf) · exp(−t / τ),

and :func:`fit_learning_curve` fits ``D_0`` and ``τ`` to such points for a chosen floor
``D_inf``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from fabnet.exceptions import ParameterError
from fabnet.silicon._array import (
    FloatOrArray,
    as_float_array,
    float_like,
    non_negative,
    positive,
    require,
)

__all__ = ["LearningCurve", "defect_density", "fit_learning_curve"]


def defect_density(
    t_years: npt.ArrayLike,
    d0_entry_per_cm2: npt.ArrayLike,
    d0_mature_per_cm2: npt.ArrayLike,
    tau_years: npt.ArrayLike,
) -> FloatOrArray:
    """Killer-defect density of a node ``t_years`` after its HVM start (an assumed form).

    ``D0(t) = D_mature + (D_entry − D_mature) · exp(−t / τ)`` for ``t ≥ 0``; before HVM
    (``t < 0``) the density is held at ``D_entry``.

    Parameters
    ----------
    t_years : array_like
        Time since the start of high-volume manufacturing [years]; may be negative.
    d0_entry_per_cm2 : array_like
        Killer-defect density at HVM start [defects/cm²], ≥ 0.
    d0_mature_per_cm2 : array_like
        Mature (asymptotic) killer-defect density [defects/cm²], ≥ 0. It may exceed the entry
        density, which models a density that rises to a floor.
    tau_years : array_like
        Learning time constant τ [years], > 0: the excess over the mature density falls by a
        factor e every τ.

    Returns
    -------
    float, ndarray or Series
        Killer-defect density D0(t) [defects/cm²], the kind of the inputs.

    Raises
    ------
    ParameterError
        If a density is negative, τ not > 0, or any input is not finite.

    Notes
    -----
    The exponential form is an ASSUMPTION, chosen to match the shape of TSMC's published D0
    learning charts and fitted to its published points; TSMC publishes no functional form.

    References
    ----------
    .. [1] TSMC D0 for N7 and N5 (VLSI Symposium 2019, Technology Symposium 2020), reported by
       AnandTech, 2020-08-25,
       https://www.anandtech.com/show/16028/better-yield-on-5nm-than-7nm-tsmc-update-on-defect-rates-for-n5

    Examples
    --------
    An N5-like node: 0.10 /cm² at HVM, 0.05 /cm² mature, τ = 0.62 years:

    >>> round(defect_density(1.0, 0.10, 0.05, 0.62), 4)
    0.06
    >>> defect_density([-1.0, 0.0], 0.10, 0.05, 0.62)
    array([0.1, 0.1])
    """
    t = as_float_array(t_years, "t_years")
    require(np.isfinite(t), t, "t_years", "finite")
    entry = non_negative(d0_entry_per_cm2, "d0_entry_per_cm2")
    mature = non_negative(d0_mature_per_cm2, "d0_mature_per_cm2")
    tau = positive(tau_years, "tau_years")
    density = mature + (entry - mature) * np.exp(-np.maximum(t, 0.0) / tau)
    return float_like(density, t_years, d0_entry_per_cm2, d0_mature_per_cm2, tau_years)


class LearningCurve(NamedTuple):
    """Parameters of :func:`defect_density`, as fitted by :func:`fit_learning_curve`."""

    d0_entry_per_cm2: float
    """Killer-defect density at HVM start [defects/cm²]."""
    d0_mature_per_cm2: float
    """Mature killer-defect density [defects/cm²] (given, not fitted)."""
    tau_years: float
    """Learning time constant [years]."""


def fit_learning_curve(
    t_years: npt.ArrayLike,
    d0_per_cm2: npt.ArrayLike,
    d0_mature_per_cm2: float = 0.0,
) -> LearningCurve:
    """Fit ``D_entry`` and ``τ`` of :func:`defect_density` to observed D0 points.

    With the mature density ``D_inf`` fixed, ``ln(D0 − D_inf) = ln(D_entry − D_inf) − t/τ`` is
    linear in ``t``; this is an ordinary least-squares fit of that line (equal weights in log
    space). It is exact for two points.

    Parameters
    ----------
    t_years : array_like
        Times of the observations since HVM start [years], ≥ 0, at least two distinct.
    d0_per_cm2 : array_like
        Observed killer-defect densities [defects/cm²], each > ``d0_mature_per_cm2``; same
        length as ``t_years``.
    d0_mature_per_cm2 : float, default 0.0
        Assumed mature density D_inf [defects/cm²], ≥ 0. It is not fitted: a few points cannot
        pin a floor down, so choose it and say why.

    Returns
    -------
    LearningCurve
        ``(d0_entry_per_cm2 [defects/cm²], d0_mature_per_cm2 [defects/cm²], tau_years [years])``.

    Raises
    ------
    ParameterError
        If the inputs have different lengths or fewer than two distinct times, a time is
        negative, a density is not above the floor, or the fitted densities do not fall with
        time (no positive τ).

    References
    ----------
    .. [1] TSMC D0 for N7 and N5, reported by AnandTech, 2020-08-25,
       https://www.anandtech.com/show/16028/better-yield-on-5nm-than-7nm-tsmc-update-on-defect-rates-for-n5

    Examples
    --------
    TSMC N5: about 0.10 /cm² at HVM start, about 0.06 /cm² a year later (read off TSMC's chart),
    with an assumed mature floor of 0.05 /cm²:

    >>> curve = fit_learning_curve([0.0, 1.0], [0.10, 0.06], d0_mature_per_cm2=0.05)
    >>> round(curve.d0_entry_per_cm2, 6), round(curve.tau_years, 4)
    (0.1, 0.6213)
    """
    t = non_negative(t_years, "t_years").ravel()
    density = as_float_array(d0_per_cm2, "d0_per_cm2").ravel()
    mature = float(non_negative(d0_mature_per_cm2, "d0_mature_per_cm2"))
    if t.shape != density.shape:
        raise ParameterError("d0_per_cm2", f"the same length as t_years ({t.size})", density.size)
    if np.unique(t).size < 2:
        raise ParameterError("t_years", "at least two distinct times", t.tolist())
    require(
        np.isfinite(density) & (density > mature),
        density,
        "d0_per_cm2",
        f"finite and > d0_mature_per_cm2 ({mature})",
    )
    slope, intercept = np.polyfit(t, np.log(density - mature), deg=1)
    if not slope < 0:
        raise ParameterError("d0_per_cm2", "falling with time (a positive τ)", density.tolist())
    return LearningCurve(
        d0_entry_per_cm2=mature + float(np.exp(intercept)),
        d0_mature_per_cm2=mature,
        tau_years=-1.0 / float(slope),
    )

"""The rules every model shares, one function each: the planner, the finance and the risk
evaluation all call these, so that a module's lead time, ramp-up, capex spend and residual value,
a rescaled demand path or a disruption mean the same thing everywhere.

A *kernel* ``k[..., ℓ]`` says what one module started in year ``s`` does ``ℓ = t − s`` years
later; :func:`convolve` applies it to the modules started per year. Kernels are built from a
module's lead time ``L`` (whole years from its start to its first output) and are vectorised over
any array of lead times: ``ramp_kernel(leads, ramp, n)`` has shape ``(*leads.shape, n)``.

The conventions (DESIGN §6):

* **lead time** — ``L = max(1, ⌈(months + delay) / 12⌉)`` whole years, from the permit, design
  and construction months (times the partner's factor) plus any construction delay;
* **ramp-up** — nothing during the lead years; then the shares of ``ramp`` of the module's
  capacity, one a year; then all of it;
* **capex** — spent over the lead years by the spend profile (shares stretched onto ``L`` whole
  years; even when none is given);
* **fixed opex and EUV tools** — every year a module is online, and in its first year online;
* **residual value** — at the horizon's end, a module online for ``n`` years keeps
  ``max(0, 1 − n / life)`` of its capex (straight-line over its asset life); one not yet online
  keeps nothing (the planner never starts one), and the planner credits it on the capex net of
  the grants a module may receive (:func:`fabnet.planning.model.residual_value`);
* **demand** — a factor ``f`` on demand growth scales every year's growth *rate*: installed
  compute grows by ``1 + (m − 1)·f`` where the scenario has ``m``, and new compute is that growth
  plus the retirements, in proportion to the installed base, at most what the scenario's power
  (and money) caps allow that year;
* **defect learning** — a learning speed ``k`` reads year ``t``'s yields at ``start + k·(t −
  start)``, linearly interpolated;
* **disruptions** — from the year an event starts, for its duration, the countries or regions it
  reaches keep ``1 − capacity_lost`` of their capacity.

Every function is pure; arrays in, arrays out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fabnet.exceptions import ParameterError
from fabnet.units import MONTHS_PER_YEAR

Array = NDArray[np.float64]

__all__ = [
    "convolve",
    "event_availability",
    "first_online_kernel",
    "lead_years",
    "learning_warp",
    "online_kernel",
    "ramp_kernel",
    "reaches",
    "rescaled_demand",
    "rescaled_new_compute",
    "residual_share",
    "spend_kernel",
    "stretch_profile",
]


def lead_years(months: ArrayLike, delay_months: ArrayLike = 0.0) -> NDArray[np.int64]:
    """Whole years from a module's start to its first output: ``max(1, ⌈(months + delay)/12⌉)``.

    Parameters
    ----------
    months : array_like
        Permit, design and construction months (times the partner's lead-time factor) [months].
    delay_months : array_like
        Construction delay on top [months] (a sampled risk input; 0 by default).

    Examples
    --------
    >>> lead_years([41.0, 22.5, 33.75]).tolist()
    [4, 2, 3]
    >>> int(lead_years(22.5, 6.0))
    3
    """
    total = np.asarray(months, dtype=float) + np.asarray(delay_months, dtype=float)
    # Rounded first: (9.5 + 13) × 1.0 / 12 must not become 1.8750000000000002 → 2 either way,
    # but 24.000000000000004 months must be 2 years, not 3.
    years = np.ceil(np.round(total / MONTHS_PER_YEAR, 9))
    out: NDArray[np.int64] = np.maximum(1, years).astype(np.int64)
    return out


def ramp_kernel(lead: ArrayLike, ramp: Sequence[float], length: int) -> Array:
    """Share of a module's capacity ``ℓ`` years after its start, ``ℓ = 0 … length − 1``:
    0 during the lead time, then the ramp profile, then 1.

    Parameters
    ----------
    lead : array_like of int
        Lead times [years], any shape.
    ramp : sequence of float
        Share of capacity in the first, second, … year online [fraction].
    length : int
        Number of lags.

    Returns
    -------
    ndarray, shape ``(*lead.shape, length)``

    Examples
    --------
    >>> ramp_kernel(2, [0.25, 0.6], 6).tolist()
    [0.0, 0.0, 0.25, 0.6, 1.0, 1.0]
    >>> ramp_kernel([1, 3], [0.5], 4).tolist()
    [[0.0, 0.5, 1.0, 1.0], [0.0, 0.0, 0.0, 0.5]]
    """
    shares = np.append(np.asarray(ramp, dtype=float), 1.0)
    since = _since(lead, length)
    out: Array = np.where(since < 0, 0.0, shares[np.clip(since, 0, len(shares) - 1)])
    return out


def online_kernel(lead: ArrayLike, length: int) -> Array:
    """1 in every year a module is online (from ``ℓ = L``), else 0: what fixed opex is paid on.

    >>> online_kernel(2, 4).tolist()
    [0.0, 0.0, 1.0, 1.0]
    """
    return np.where(_since(lead, length) >= 0, 1.0, 0.0)


def first_online_kernel(lead: ArrayLike, length: int) -> Array:
    """1 in a module's first year online (``ℓ = L``), else 0: when its EUV tools are delivered
    and an investment tax credit is paid.

    >>> first_online_kernel(2, 4).tolist()
    [0.0, 0.0, 1.0, 0.0]
    """
    return np.where(_since(lead, length) == 0, 1.0, 0.0)


def spend_kernel(lead: ArrayLike, length: int, profile: Sequence[float] | None = None) -> Array:
    """Share of a module's capex spent ``ℓ`` years after its start: the spend profile stretched
    onto its ``L`` lead years (:func:`stretch_profile`; even when ``profile`` is None).

    >>> spend_kernel(2, 4).tolist()
    [0.5, 0.5, 0.0, 0.0]
    >>> spend_kernel([1, 2], 3, [0.2, 0.8]).round(12).tolist()
    [[1.0, 0.0, 0.0], [0.2, 0.8, 0.0]]
    """
    leads = np.asarray(lead, dtype=np.int64)
    out = np.zeros((*leads.shape, length))
    for value in np.unique(leads):
        shares = stretch_profile(profile, int(value))[:length]
        out[leads == value, : len(shares)] = shares
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


def residual_share(start: ArrayLike, lead: ArrayLike, n_years: int, life_years: float) -> Array:
    """Share of a module's capex still held at the horizon's end (straight-line over its life).

    Parameters
    ----------
    start : array_like of int
        Start year as a position in the horizon (0 = its first year).
    lead : array_like of int
        Lead time [years].
    n_years : int
        Years in the horizon.
    life_years : float
        Asset life [years], > 0.

    Returns
    -------
    ndarray
        ``max(0, 1 − (n_years − start − lead) / life)`` where the module is online within the
        horizon (``start + lead < n_years``), else 0.

    Examples
    --------
    >>> residual_share([0, 5, 8], 2, 10, 20.0).tolist()
    [0.6, 0.85, 0.0]
    """
    online = np.asarray(start) + np.asarray(lead)
    held = np.clip(1.0 - (n_years - online) / life_years, 0.0, None)
    out: Array = np.where(online < n_years, held, 0.0)
    return out


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


def rescaled_new_compute(
    installed: ArrayLike, retired: ArrayLike, first_new: float, factor: ArrayLike
) -> Array:
    """New compute wanted per year when a factor scales every year's growth rate [H100e].

    Parameters
    ----------
    installed : array_like, shape (T,)
        The scenario's installed compute at each year's end [H100e].
    retired : array_like, shape (T,)
        Compute retired during each year [H100e].
    first_new : float
        New compute of the first year, which no factor changes [H100e].
    factor : array_like, shape (n,)
        Growth factors f (1: the scenario's own path).

    Returns
    -------
    ndarray, shape (n, T)
        ``N_f(t) = S_f(t) − S_f(t−1) + R(t)·S_f(t−1)/S(t−1)`` with ``S_f`` growing by
        ``1 + (m(t) − 1)·f`` where ``S`` grows by ``m(t)``; never negative.

    Examples
    --------
    >>> rescaled_new_compute([100.0, 200.0, 300.0], [0.0, 10.0, 20.0], 50.0, [1.0, 0.5]).tolist()
    [[50.0, 110.0, 120.0], [50.0, 60.0, 52.5]]
    """
    base = np.asarray(installed, dtype=float)
    gone = np.asarray(retired, dtype=float)
    f = np.atleast_1d(np.asarray(factor, dtype=float))
    multiplier = np.ones_like(base)
    multiplier[1:] = np.divide(base[1:], base[:-1], out=np.ones(len(base) - 1), where=base[:-1] > 0)
    growth = 1.0 + (multiplier[None, :] - 1.0) * f[:, None]
    growth[:, 0] = 1.0
    stock = base[0] * np.cumprod(growth, axis=1)
    new = np.empty_like(stock)
    new[:, 0] = first_new
    previous = stock[:, :-1]
    scale = np.divide(previous, base[None, :-1], out=np.ones_like(previous), where=base[:-1] > 0)
    new[:, 1:] = stock[:, 1:] - previous + gone[None, 1:] * scale
    return np.asarray(np.maximum(new, 0.0), dtype=float)


def rescaled_demand(
    wanted: ArrayLike,
    installed: ArrayLike,
    retired: ArrayLike,
    factor: ArrayLike,
    cap: ArrayLike | None = None,
) -> Array:
    """New compute wanted per sample and year when a factor scales every year's growth rate:
    the scenario's ``wanted`` × (rescaled / neutral, :func:`rescaled_new_compute`), at most
    ``cap`` (what the scenario's power and money limits allow a year; ``inf`` where they do not
    cap) [H100e].

    Examples
    --------
    >>> rescaled_demand([50.0, 110.0, 120.0], [100.0, 200.0, 300.0], [0.0, 10.0, 20.0],
    ...                 [1.0, 2.0], cap=[100.0, 150.0, 150.0]).tolist()
    [[50.0, 110.0, 120.0], [50.0, 150.0, 150.0]]
    """
    base = np.asarray(wanted, dtype=float)
    neutral = rescaled_new_compute(installed, retired, float(base[0]), [1.0])[0]
    sampled = rescaled_new_compute(installed, retired, float(base[0]), factor)
    ratio = np.divide(sampled, neutral[None, :], out=np.ones_like(sampled), where=neutral > 0)
    out: Array = base[None, :] * ratio
    if cap is not None:
        out = np.minimum(out, np.asarray(cap, dtype=float)[None, :])
    return out


def learning_warp(
    speed: ArrayLike, n_years: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], Array]:
    """Where a defect-learning speed ``k`` reads each year's yields: year position ``k·t``
    (clipped to the horizon), as the two neighbouring positions and the weight of the upper.

    Returns
    -------
    low, high, frac : ndarray, shape ``(*speed.shape, n_years)``
        A table ``y`` over year positions is read as ``(1 − frac)·y[low] + frac·y[high]``.

    Examples
    --------
    >>> low, high, frac = learning_warp(0.5, 4)
    >>> low.tolist(), high.tolist(), frac.tolist()
    ([0, 0, 1, 1], [1, 1, 2, 2], [0.0, 0.5, 0.0, 0.5])
    """
    k = np.asarray(speed, dtype=float)
    tau = np.clip(k[..., None] * np.arange(n_years), 0, n_years - 1)
    low = np.floor(tau).astype(np.int64)
    high: NDArray[np.int64] = np.minimum(low + 1, n_years - 1).astype(np.int64)
    frac: Array = (tau - low).astype(float)
    return low, high, frac


def reaches(applies_to: Iterable[str], names: Sequence[set[str]]) -> NDArray[np.bool_]:
    """Which entities an input reaches: each entity is named by a set (its country and region,
    or its resource); an empty ``applies_to`` reaches all.

    >>> reaches(["US"], [{"US", "US-AZ"}, {"TW"}]).tolist()
    [True, False]
    """
    wanted = set(applies_to)
    if not wanted:
        return np.ones(len(names), dtype=bool)
    return np.array([bool(wanted & n) for n in names], dtype=bool)


def event_availability(
    onsets: ArrayLike, lost: float, duration_years: float, reach: ArrayLike
) -> Array:
    """Share of capacity kept under one kind of disruption event.

    Parameters
    ----------
    onsets : array_like of bool, shape (n, T)
        Whether an event starts in each sample and year.
    lost : float
        Share of capacity lost while an event lasts [fraction].
    duration_years : float
        How long an event lasts [years], rounded up to whole years (at least one).
    reach : array_like of bool, shape (C,)
        The entities (countries) the event reaches.

    Returns
    -------
    ndarray, shape (n, C, T)
        ``1 − lost`` where an event lasts and reaches, else 1.

    Examples
    --------
    >>> event_availability([[True, False, False]], 0.5, 2, [True, False])[0].tolist()
    [[0.5, 0.5, 1.0], [1.0, 1.0, 1.0]]
    >>> event_availability([[False, True, False]], 0.5, 10, [True])[0].tolist()
    [[1.0, 0.5, 0.5]]
    """
    starts = np.atleast_2d(np.asarray(onsets, dtype=bool))
    span = max(1, math.ceil(duration_years))
    active = np.zeros(starts.shape, dtype=bool)
    for k in range(min(span, starts.shape[1])):  # an event outlasting the horizon ends with it
        active[:, k:] |= starts[:, : starts.shape[1] - k]
    factor = np.where(active, 1.0 - lost, 1.0)
    inside = np.asarray(reach, dtype=bool)
    out: Array = np.where(inside[None, :, None], factor[:, None, :], 1.0)
    return out


def _since(lead: ArrayLike, length: int) -> NDArray[np.int64]:
    """``ℓ − L`` for every lag ``ℓ < length``: shape ``(*lead.shape, length)``."""
    leads = np.asarray(lead, dtype=np.int64)
    since: NDArray[np.int64] = np.arange(length) - leads[..., None]
    return since

"""Risk measures over samples, and the sensitivity of an output to its uncertain inputs.

Every measure reduces the sample dimension and keeps the others: a numpy array is reduced along
its **first axis** (samples first, e.g. ``(sample, year)``), an :class:`xarray.DataArray` along
the dimension named ``dim`` (``"sample"``), keeping its other dimensions and their labels. One
sample dimension in, a float out (numpy) or a 0-d DataArray (xarray).

===============================  ================================================================
measure                          definition
===============================  ================================================================
:func:`exceedance_probability`   ``P(X > threshold)``, the share of samples above it
:func:`probability_ci`           Wilson score interval of a probability estimated from n samples
:func:`value_at_risk`            ``VaR_α = min{x : F(x) ≥ α}``, the α-quantile of a loss
:func:`conditional_value_at_risk` ``CVaR_α``, the mean of the worst ``1 − α`` of the losses
:func:`percentiles`              quantiles along a new ``percentile`` dimension (fan charts)
:func:`tornado`                  one-at-a-time swings of an output, largest first
:func:`sobol_indices`            first-order and total Sobol' indices (independent inputs)
===============================  ================================================================

Losses are "higher is worse": for a gain, pass its negative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias, overload

import numpy as np
import numpy.typing as npt

from fabnet.exceptions import ParameterError

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from fabnet.risk.sampling import InverseCDF

__all__ = [
    "conditional_value_at_risk",
    "exceedance_probability",
    "percentiles",
    "probability_ci",
    "sobol_indices",
    "tornado",
    "value_at_risk",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
#: Fan-chart percentiles [%] when none are given.
DEFAULT_PERCENTILES: Final = (5.0, 25.0, 50.0, 75.0, 95.0)
#: ``n·α`` closer than this (relative) to an integer counts as that integer, so that α = 0.7 of
#: 10 samples is the 7th value although ``10 * 0.7 == 7.000000000000001`` in binary.
_RANK_RTOL: Final = 1e-10


def _is_dataarray(value: object) -> bool:
    """Whether ``value`` is an xarray DataArray (detected without importing xarray)."""
    return type(value).__module__.partition(".")[0] == "xarray" and hasattr(value, "dims")


def _float_or_array(result: npt.ArrayLike) -> float | FloatArray:
    array = np.asarray(result, dtype=np.float64)
    return float(array) if array.ndim == 0 else array


def _samples(values: npt.ArrayLike) -> FloatArray:
    """``values`` as floats (samples on the first axis), checked non-empty and free of NaN."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0 or array.shape[0] == 0:
        raise ParameterError("values", "at least one sample", array.shape)
    if np.isnan(array).any():
        raise ParameterError("values", "free of NaN", "NaN")
    return array


def _check_samples(values: xr.DataArray, dim: str) -> None:
    """Check that a DataArray has the sample dimension ``dim``, and samples free of NaN."""
    if dim not in values.dims:
        raise ParameterError("dim", "one of " + ", ".join(map(repr, values.dims)), dim)
    _samples(values.transpose(dim, ...).to_numpy())


def _check_alpha(alpha: float) -> None:
    if not 0 <= alpha < 1:
        raise ParameterError("alpha", "in [0, 1)", alpha)


def _reduce(
    kernel: Callable[[FloatArray, float], FloatArray], values: Any, alpha: float, dim: str
) -> Any:
    """Apply ``kernel`` (samples on the last axis) to an array or along ``dim`` of a DataArray."""
    _check_alpha(alpha)
    if not _is_dataarray(values):
        return _float_or_array(kernel(np.moveaxis(_samples(values), 0, -1), alpha))
    import xarray as xr

    _check_samples(values, dim)
    return xr.apply_ufunc(kernel, values, alpha, input_core_dims=[[dim], []])


def _var_kernel(losses: FloatArray, alpha: float) -> FloatArray:
    """``min{x : F(x) ≥ α}`` along the last axis: the ``⌈nα⌉``-th smallest loss (≥ the 1st)."""
    n = losses.shape[-1]
    rank = max(1, math.ceil(n * alpha * (1.0 - _RANK_RTOL)))
    return np.partition(losses, rank - 1, axis=-1)[..., rank - 1]


def _cvar_kernel(losses: FloatArray, alpha: float) -> FloatArray:
    var = _var_kernel(losses, alpha)
    excess = np.maximum(losses - var[..., np.newaxis], 0.0)
    return np.asarray(var + excess.mean(axis=-1) / (1.0 - alpha), dtype=np.float64)


@overload
def exceedance_probability(
    values: xr.DataArray, threshold: Any, dim: str = ...
) -> xr.DataArray: ...
@overload
def exceedance_probability(
    values: npt.ArrayLike, threshold: npt.ArrayLike, dim: str = ...
) -> float | FloatArray: ...
def exceedance_probability(values: Any, threshold: Any, dim: str = "sample") -> Any:
    """Probability that a quantity exceeds a threshold: the share of samples strictly above it.

    Parameters
    ----------
    values : array_like or xarray.DataArray
        Samples of the quantity (e.g. demand [H100e]), samples on the first axis or along
        ``dim``.
    threshold : array_like or xarray.DataArray
        The level [same unit], broadcast against one sample (e.g. a capacity per year).
    dim : str, default 'sample'
        The sample dimension of a DataArray.

    Returns
    -------
    float, numpy.ndarray or xarray.DataArray
        ``P(values > threshold)`` [-] in [0, 1], without the sample dimension.

    Raises
    ------
    ParameterError
        For no samples, NaN samples, or a ``dim`` the DataArray lacks.

    Examples
    --------
    >>> exceedance_probability([1.0, 5.0, 7.0, 9.0], 5.0)
    0.5
    """
    if _is_dataarray(values):
        _check_samples(values, dim)
        return (values > threshold).mean(dim)
    return _float_or_array(np.mean(_samples(values) > np.asarray(threshold), axis=0))


@overload
def probability_ci(
    p: xr.DataArray, n: Any, level: float = ...
) -> tuple[xr.DataArray, xr.DataArray]: ...
@overload
def probability_ci(
    p: npt.ArrayLike, n: npt.ArrayLike, level: float = ...
) -> tuple[float | FloatArray, float | FloatArray]: ...
def probability_ci(p: Any, n: Any, level: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval of a probability estimated as a share of ``n`` samples.

    With ``z`` the standard normal ``(1 + level)/2``-quantile,

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    It stays inside [0, 1] and, unlike the normal ("Wald") interval, keeps its coverage when
    ``p̂`` is 0 or 1 or ``n`` is small.

    Parameters
    ----------
    p : float, array_like or xarray.DataArray
        Estimated probability [-] in [0, 1].
    n : int or array_like
        Number of samples behind the estimate [-], ≥ 1.
    level : float, default 0.95
        Confidence level [-] in (0, 1).

    Returns
    -------
    tuple
        ``(low, high)``, each of the kind and shape of ``p`` (DataArrays keep their labels).

    Raises
    ------
    ParameterError
        For ``p`` outside [0, 1], ``n < 1`` or ``level`` outside (0, 1).

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. *JASA* 22(158), 209–212. doi:10.1080/01621459.1927.10502953
    .. [2] Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
       comparison of seven methods. *Statistics in Medicine* 17(8), 857–872 (method 3; its
       worked example 81/263 gives 0.2553–0.3662).

    Examples
    --------
    >>> low, high = probability_ci(81 / 263, 263)
    >>> round(low, 4), round(high, 4)
    (0.2553, 0.3662)
    """
    if not 0 < level < 1:
        raise ParameterError("level", "in (0, 1)", level)
    p_array, n_array = np.asarray(p, dtype=np.float64), np.asarray(n, dtype=np.float64)
    if not ((p_array >= 0) & (p_array <= 1)).all():
        raise ParameterError("p", "in [0, 1]", p)
    if not (n_array >= 1).all():
        raise ParameterError("n", ">= 1", n)
    from scipy.special import ndtri  # type: ignore[import-untyped]

    # DataArrays go through the arithmetic as they are, to keep their labels.
    share: Any = p if _is_dataarray(p) else p_array
    size: Any = n if _is_dataarray(n) else n_array
    z2 = float(ndtri(0.5 + level / 2.0)) ** 2
    shrink = 1.0 + z2 / size
    centre = (share + z2 / (2.0 * size)) / shrink
    half = np.sqrt(z2 * share * (1.0 - share) / size + (z2 / (2.0 * size)) ** 2) / shrink
    low, high = np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)
    if _is_dataarray(low):
        return low, high
    return _float_or_array(low), _float_or_array(high)


@overload
def value_at_risk(values: xr.DataArray, alpha: float = ..., dim: str = ...) -> xr.DataArray: ...
@overload
def value_at_risk(
    values: npt.ArrayLike, alpha: float = ..., dim: str = ...
) -> float | FloatArray: ...
def value_at_risk(values: Any, alpha: float = 0.95, dim: str = "sample") -> Any:
    """Value at risk: the α-quantile of a loss, ``VaR_α = min{x : F(x) ≥ α}``.

    Over ``n`` equally likely samples sorted ``x₁ ≤ … ≤ xₙ`` it is ``x_k`` with ``k = ⌈nα⌉``
    (at least 1): the smallest loss not exceeded with probability α. No interpolation, so it is
    one of the samples, and the ``ζ`` at which :func:`conditional_value_at_risk`'s minimum is
    reached.

    Parameters
    ----------
    values : array_like or xarray.DataArray
        Samples of a loss (cost [MUSD], unserved compute [H100e] …; higher is worse), samples on
        the first axis or along ``dim``.
    alpha : float, default 0.95
        Confidence level [-] in [0, 1).
    dim : str, default 'sample'
        The sample dimension of a DataArray.

    Returns
    -------
    float, numpy.ndarray or xarray.DataArray
        VaR in the unit of ``values``, without the sample dimension.

    Raises
    ------
    ParameterError
        For ``alpha`` outside [0, 1), no samples, NaN samples or an unknown ``dim``.

    References
    ----------
    .. [1] Rockafellar, R. T. and Uryasev, S. (2002). Conditional value-at-risk for general loss
       distributions. *Journal of Banking & Finance* 26(7), 1443–1471.
       doi:10.1016/S0378-4266(02)00271-6

    Examples
    --------
    Ten losses 1 … 10: 75 % of them are ≤ 8 but only 70 % are ≤ 7.

    >>> value_at_risk([4, 9, 1, 7, 10, 2, 8, 3, 6, 5], alpha=0.75)
    8.0
    """
    return _reduce(_var_kernel, values, alpha, dim)


@overload
def conditional_value_at_risk(
    values: xr.DataArray, alpha: float = ..., dim: str = ...
) -> xr.DataArray: ...
@overload
def conditional_value_at_risk(
    values: npt.ArrayLike, alpha: float = ..., dim: str = ...
) -> float | FloatArray: ...
def conditional_value_at_risk(values: Any, alpha: float = 0.95, dim: str = "sample") -> Any:
    """Conditional value at risk: the mean of the worst ``1 − α`` of a loss distribution.

    Rockafellar and Uryasev's definition, exact for a discrete distribution such as ``n``
    equally likely samples:

    .. math::

        \\mathrm{CVaR}_\\alpha = \\min_\\zeta\\ \\zeta + \\frac{E[(X - \\zeta)^+]}{1 - \\alpha}
        = \\mathrm{VaR}_\\alpha + \\frac{E[(X - \\mathrm{VaR}_\\alpha)^+]}{1 - \\alpha}.

    With ``x₁ ≤ … ≤ xₙ`` and ``k = ⌈nα⌉`` this is
    ``[(k − nα)·x_k + x_{k+1} + … + xₙ] / (n(1 − α))``: the tail holds ``n(1 − α)`` samples'
    worth of probability, so the VaR atom ``x_k`` enters with the fractional weight ``k − nα``.
    It is coherent (unlike VaR), ``≥ VaR_α``, equals the mean at ``α = 0`` and tends to the
    largest loss as ``α → 1``.

    Parameters
    ----------
    values : array_like or xarray.DataArray
        Samples of a loss (higher is worse), samples on the first axis or along ``dim``.
    alpha : float, default 0.95
        Confidence level [-] in [0, 1).
    dim : str, default 'sample'
        The sample dimension of a DataArray.

    Returns
    -------
    float, numpy.ndarray or xarray.DataArray
        CVaR in the unit of ``values``, without the sample dimension.

    Raises
    ------
    ParameterError
        For ``alpha`` outside [0, 1), no samples, NaN samples or an unknown ``dim``.

    References
    ----------
    .. [1] Rockafellar, R. T. and Uryasev, S. (2002). Conditional value-at-risk for general loss
       distributions. *Journal of Banking & Finance* 26(7), 1443–1471.
       doi:10.1016/S0378-4266(02)00271-6

    Examples
    --------
    Ten losses 1 … 10 at α = 0.75: the worst 2.5 samples are 10, 9 and half of 8, so
    ``(10 + 9 + 0.5·8) / 2.5 = 9.2``.

    >>> conditional_value_at_risk([4, 9, 1, 7, 10, 2, 8, 3, 6, 5], alpha=0.75)
    9.2
    """
    return _reduce(_cvar_kernel, values, alpha, dim)


@overload
def percentiles(values: xr.DataArray, q: Sequence[float] = ..., dim: str = ...) -> xr.DataArray: ...
@overload
def percentiles(values: npt.ArrayLike, q: Sequence[float] = ..., dim: str = ...) -> FloatArray: ...
def percentiles(values: Any, q: Sequence[float] = DEFAULT_PERCENTILES, dim: str = "sample") -> Any:
    """Percentiles of samples along a new leading ``percentile`` dimension (for fan charts).

    Linear interpolation between order statistics (numpy's default, Hyndman & Fan's type 7).

    Parameters
    ----------
    values : array_like or xarray.DataArray
        Samples, on the first axis or along ``dim``.
    q : sequence of float, default (5, 25, 50, 75, 95)
        Percentiles [%] in [0, 100].
    dim : str, default 'sample'
        The sample dimension of a DataArray.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Shape ``(len(q), …)``: the sample dimension replaced by ``percentile`` (a coordinate
        holding ``q`` for a DataArray), in the unit of ``values``.

    Raises
    ------
    ParameterError
        For a ``q`` outside [0, 100], no samples, NaN samples or an unknown ``dim``.

    References
    ----------
    .. [1] Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages.
       *The American Statistician* 50(4), 361–365. doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> percentiles([0.0, 10.0, 20.0, 30.0, 40.0], q=(25, 50)).tolist()
    [10.0, 20.0]
    """
    levels = np.asarray(q, dtype=np.float64)
    if levels.ndim != 1 or not ((levels >= 0) & (levels <= 100)).all():
        raise ParameterError("q", "a sequence of percentiles in [0, 100]", q)
    if not _is_dataarray(values):
        return np.percentile(_samples(values), levels, axis=0)
    _check_samples(values, dim)
    result = values.quantile(levels / 100.0, dim=dim)
    return result.rename(quantile="percentile").assign_coords(percentile=levels)


def tornado(
    model: Callable[[Any], float],
    base: Mapping[str, float] | pd.Series[float],
    lows: Mapping[str, float] | pd.Series[float],
    highs: Mapping[str, float] | pd.Series[float],
) -> pd.DataFrame:
    """One-at-a-time sensitivity: the output with each input at its low, then its high setting.

    Every other input stays at its base value; the ``swing`` is ``|output_high − output_low|``.
    The model runs ``2·k + 1`` times for ``k`` inputs.

    Parameters
    ----------
    model : callable
        Maps a point (a dict, or a pandas Series when ``base`` is one, of input values) to a
        float output.
    base : mapping or pandas.Series
        Base value of every input the model reads (e.g. ``one_at_a_time(u)["base"]``).
    lows, highs : mapping or pandas.Series
        Low and high settings of the inputs to swing (the same keys, each in ``base``).

    Returns
    -------
    pandas.DataFrame
        Columns ``input``, ``low_value``, ``high_value``, ``output_low``, ``output_high`` and
        ``swing``, largest swing first (ties keep the order of ``lows``);
        ``attrs["output_base"]`` holds the output at the base point.

    Raises
    ------
    ParameterError
        When ``lows`` and ``highs`` name different inputs, or one that ``base`` lacks.

    References
    ----------
    .. [1] Howard, R. A. (1988). Decision analysis: practice and promise. *Management Science*
       34(6), 679–695. doi:10.1287/mnsc.34.6.679

    Examples
    --------
    >>> table = tornado(lambda x: 2 * x["a"] + x["b"], {"a": 1, "b": 1}, {"a": 0, "b": -5},
    ...                 {"a": 2, "b": 5})
    >>> table[["input", "swing"]].to_dict("list")
    {'input': ['b', 'a'], 'swing': [10.0, 4.0]}
    """
    import pandas as pd

    names = list(lows.keys())
    if set(names) != set(highs.keys()):
        raise ParameterError(
            "highs", f"the inputs of lows ({', '.join(names)})", list(highs.keys())
        )
    missing = [name for name in names if name not in base]
    if missing:
        raise ParameterError("base", "a value for every input swung", ", ".join(missing))

    def run(name: str | None = None, value: float = 0.0) -> float:
        point: Any = base.copy() if isinstance(base, pd.Series) else dict(base)
        if name is not None:
            point[name] = value
        return float(model(point))

    rows = [
        (name, float(lows[name]), float(highs[name]), run(name, lows[name]), run(name, highs[name]))
        for name in names
    ]
    columns = ["input", "low_value", "high_value", "output_low", "output_high"]
    table = pd.DataFrame(rows, columns=columns)
    table["swing"] = (table["output_high"] - table["output_low"]).abs()
    table = table.sort_values("swing", ascending=False, kind="stable", ignore_index=True)
    table.attrs["output_base"] = run()
    return table


def sobol_indices(
    model: Callable[[FloatArray], npt.ArrayLike],
    dists: Mapping[str, InverseCDF],
    n: int,
    *,
    seed: int,
    confidence_level: float | None = None,
    n_resamples: int = 999,
) -> pd.DataFrame:
    """First-order and total Sobol' indices of a model's output, by scipy's Saltelli estimator.

    ``S_i = V[E(Y | X_i)] / V(Y)`` is the share of the output variance that input ``i`` explains
    alone; the total index ``S_Ti = E[V(Y | X_~i)] / V(Y)`` adds every interaction it takes part
    in. The inputs are drawn **independently** from their marginals: declared correlations are
    ignored here (Sobol' indices assume independent inputs).

    Parameters
    ----------
    model : callable
        Maps inputs of shape ``(d, m)`` (one row per input, in the order of ``dists``) to outputs
        of shape ``(m,)`` (scipy's convention). It is called on ``n·(d + 2)`` points.
    dists : mapping of str to distribution
        Each input's marginal: anything with a ``ppf`` (a frozen scipy distribution; see
        :func:`fabnet.risk.frozen` for scenario inputs).
    n : int
        Base sample size [-], a power of 2 (≥ 2).
    seed : int
        Seed of the scrambled Sobol' points (and of the bootstrap).
    confidence_level : float, optional
        When given, bootstrap confidence intervals at this level are added (columns
        ``first_order_low``/``_high`` and ``total_low``/``_high``). Each resample recomputes
        every index, so this costs about ``n_resamples`` times the estimate.
    n_resamples : int, default 999
        Bootstrap resamples.

    Returns
    -------
    pandas.DataFrame
        One row per input (in the order of ``dists``): ``input``, ``first_order``, ``total``
        [-] (and the interval columns). Estimates may stray slightly below 0.

    Raises
    ------
    ParameterError
        When ``n`` is not a power of 2, ``dists`` is empty, or ``model`` returns another shape.

    References
    ----------
    .. [1] Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and
       their Monte Carlo estimates. *Math. Comput. Simul.* 55(1–3), 271–280.
       doi:10.1016/S0378-4754(00)00270-6
    .. [2] Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
       Design and estimator for the total sensitivity index. *Comput. Phys. Commun.* 181(2),
       259–270. doi:10.1016/j.cpc.2009.09.018

    Examples
    --------
    >>> from scipy import stats
    >>> table = sobol_indices(lambda x: x[0] + 2 * x[1], {"a": stats.uniform(), "b":
    ...                       stats.uniform()}, 1024, seed=1)
    >>> table.round(1).to_dict("list")  # variances 1/12 and 4/12 of 5/12
    {'input': ['a', 'b'], 'first_order': [0.2, 0.8], 'total': [0.2, 0.8]}
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2 or n & (n - 1):
        raise ParameterError("n", "a power of 2 (>= 2)", n)
    if not dists:
        raise ParameterError("dists", "at least one input", dists)
    import pandas as pd
    from scipy import stats  # type: ignore[import-untyped]

    from fabnet.risk.sampling import _rng_keyword

    def func(x: FloatArray) -> FloatArray:
        y = np.asarray(model(x), dtype=np.float64)
        if y.shape != (x.shape[1],):
            raise ParameterError("model", f"a function returning shape ({x.shape[1]},)", y.shape)
        return y

    rng = np.random.Generator(np.random.PCG64(seed))
    if len(dists) == 1:
        return _one_input(func, dists, n, rng, confidence_level)
    keyword = _rng_keyword(stats.sobol_indices, "random_state")
    result = stats.sobol_indices(func=func, n=n, dists=list(dists.values()), **{keyword: rng})
    table = pd.DataFrame(
        {"input": list(dists), "first_order": result.first_order, "total": result.total_order}
    )
    if confidence_level is not None:
        boot = result.bootstrap(confidence_level=confidence_level, n_resamples=n_resamples)
        table["first_order_low"] = boot.first_order.confidence_interval.low
        table["first_order_high"] = boot.first_order.confidence_interval.high
        table["total_low"] = boot.total_order.confidence_interval.low
        table["total_high"] = boot.total_order.confidence_interval.high
    return table


def _one_input(
    func: Callable[[FloatArray], FloatArray],
    dists: Mapping[str, Any],
    n: int,
    rng: np.random.Generator,
    confidence_level: float | None,
) -> pd.DataFrame:
    """Sobol' indices of a model of one input: exactly 1 (it explains all the variance), or 0
    when the output does not vary over ``n`` draws (scipy's rule for an undefined index).

    scipy's estimator needs two inputs or more; with one, ``Var(E[Y | X]) = Var(Y)`` makes both
    indices 1 by definition, so nothing is estimated and any interval is the point.
    """
    import pandas as pd

    ((name, dist),) = dists.items()
    y = func(np.atleast_2d(dist.rvs(size=n, random_state=rng)))
    value = 1.0 if np.ptp(y) > 0.0 else 0.0
    table = pd.DataFrame({"input": [name], "first_order": [value], "total": [value]})
    if confidence_level is not None:
        for column in ("first_order_low", "first_order_high", "total_low", "total_high"):
            table[column] = value
    return table

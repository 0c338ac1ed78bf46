"""Die yield as a function of killer-defect density and die area, and its inverse.

Every model is a function of the mean number of killer defects per die, ``D·A`` (``D`` in
defects per cm², ``A`` converted from mm² to cm² by :func:`fabnet.units.mm2_to_cm2`):

=====================  ==================================  ============================
model                  yield ``Y(D·A)``                    inverse ``D·A(Y)``
=====================  ==================================  ============================
``poisson``            ``exp(−DA)``                        ``−ln Y``
``murphy``             ``((1 − exp(−DA)) / DA)²``          bisection
``rectangular``        ``(1 − exp(−2DA)) / (2DA)``         bisection
``moore``              ``exp(−√DA)``                       ``(ln Y)²``
``seeds``              ``1 / (1 + DA)``                    ``(1 − Y) / Y``
``negative_binomial``  ``(1 + DA/α)^(−α)``                 ``α (Y^(−1/α) − 1)``
``bose_einstein``      ``(1 + DA)^(−N)``, D per layer      ``Y^(−1/N) − 1``
=====================  ==================================  ============================

:func:`die_yield` picks a model by name and :func:`defect_density_for_yield` inverts it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from fabnet.exceptions import ParameterError
from fabnet.silicon._array import (
    FloatArray,
    FloatOrArray,
    as_float_array,
    float_like,
    fraction,
    non_negative,
    positive,
    require,
)
from fabnet.units import mm2_to_cm2

__all__ = [
    "DEFAULT_ALPHA",
    "YIELD_MODELS",
    "bose_einstein",
    "defect_density_for_yield",
    "die_yield",
    "moore",
    "murphy",
    "negative_binomial",
    "poisson",
    "rectangular",
    "seeds",
]

#: Clustering α of the negative-binomial model when none is given: Hennessy & Patterson,
#: 5th ed., §1.6.
DEFAULT_ALPHA: Final = 4.0

#: Bisection steps in log space: the bracket spans at most ~800 in ln(DA), and 2⁻⁷⁰ of that is
#: below double precision, so the loop stops on convergence long before this cap.
_MAX_BISECTION_STEPS = 200
#: ln of the largest double: ``D·A`` saturates there for yields below about 1e-308.
_LOG_MAX_FLOAT: Final = float(np.log(np.finfo(np.float64).max))


def _escape_fraction(u: FloatArray) -> FloatArray:
    """``(1 − e^(−u)) / u``, exactly 1 at ``u = 0`` (no 0/0 warning)."""
    positive = u > 0
    safe = np.where(positive, u, 1.0)
    return np.where(positive, -np.expm1(-safe) / safe, 1.0)


def _invert_escape_fraction(target: FloatArray) -> FloatArray:
    """Solve ``(1 − e^(−u)) / u = target`` for ``u ≥ 0``, ``target`` in (0, 1], by bisection.

    The left side falls monotonically from 1 (u = 0) towards 0, and lies between ``1 − u/2`` and
    ``1/u``, so ``u`` is bracketed by ``[2 (1 − t), 1/t]``; the bisection runs on ``ln u``.
    """
    interior = target < 1
    t = np.where(interior, target, 0.5)
    lo = np.log(2 * (1 - t))
    # Not log(1/t), which overflows for subnormal t; capped so that exp(hi) stays finite.
    hi = np.minimum(-np.log(t), _LOG_MAX_FLOAT)
    for _ in range(_MAX_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        converged = (mid == lo) | (mid == hi)
        if converged.all():
            break
        u_too_small = _escape_fraction(np.exp(mid)) > t
        lo = np.where(u_too_small, mid, lo)
        hi = np.where(u_too_small, hi, mid)
    return np.where(interior, np.exp(0.5 * (lo + hi)), 0.0)


def _mean_defects_for_yield(y: FloatArray) -> FloatArray:
    """``−ln Y`` ≥ 0 (no negative zero at Y = 1)."""
    return np.maximum(-np.log(y), 0.0)


@dataclass(frozen=True)
class _Model:
    """A yield model: ``Y = forward(DA, **params)``, ``DA = inverse(Y, **params)``."""

    forward: Callable[..., FloatArray]
    inverse: Callable[..., FloatArray]
    params: tuple[str, ...] = ()
    defaults: Mapping[str, float] = field(default_factory=dict)


def _nb_forward(x: FloatArray, alpha: FloatArray) -> FloatArray:
    return np.exp(-alpha * np.log1p(x / alpha))


def _nb_inverse(y: FloatArray, alpha: FloatArray) -> FloatArray:
    return alpha * np.expm1(_mean_defects_for_yield(y) / alpha)


def _be_forward(x: FloatArray, layers: FloatArray) -> FloatArray:
    return np.exp(-layers * np.log1p(x))


def _be_inverse(y: FloatArray, layers: FloatArray) -> FloatArray:
    return np.expm1(_mean_defects_for_yield(y) / layers)


_MODELS: Final[Mapping[str, _Model]] = {
    "poisson": _Model(lambda x: np.exp(-x), _mean_defects_for_yield),
    "murphy": _Model(
        lambda x: _escape_fraction(x) ** 2, lambda y: _invert_escape_fraction(np.sqrt(y))
    ),
    "rectangular": _Model(
        lambda x: _escape_fraction(2 * x), lambda y: _invert_escape_fraction(y) / 2
    ),
    "moore": _Model(lambda x: np.exp(-np.sqrt(x)), lambda y: np.log(y) ** 2),
    "seeds": _Model(lambda x: 1 / (1 + x), lambda y: (1 - y) / y),
    "negative_binomial": _Model(_nb_forward, _nb_inverse, ("alpha",), {"alpha": DEFAULT_ALPHA}),
    "bose_einstein": _Model(_be_forward, _be_inverse, ("layers",)),
}

#: The model names :func:`die_yield` and :func:`defect_density_for_yield` accept.
YIELD_MODELS: Final[tuple[str, ...]] = tuple(_MODELS)

#: Allowed range of each model parameter, as (words, test).
_PARAM_RANGES: Final[Mapping[str, tuple[str, Callable[[FloatArray], npt.NDArray[np.bool_]]]]] = {
    "alpha": ("finite and > 0", lambda a: np.isfinite(a) & (a > 0)),
    "layers": ("finite and >= 1", lambda n: np.isfinite(n) & (n >= 1)),
}


def _model_and_params(
    model: str, params: Mapping[str, npt.ArrayLike]
) -> tuple[_Model, dict[str, FloatArray]]:
    """Look ``model`` up and validate its parameters; raise :class:`ParameterError` otherwise."""
    spec = _MODELS.get(model) if isinstance(model, str) else None
    if spec is None:
        allowed = "one of " + ", ".join(repr(name) for name in YIELD_MODELS)
        raise ParameterError("model", allowed, model)
    for name, value in params.items():
        if name not in spec.params:
            takes = ", ".join(repr(p) for p in spec.params) or "no parameters"
            raise ParameterError(name, f"a parameter of model {model!r} (it takes {takes})", value)
    given = {**spec.defaults, **params}
    checked: dict[str, FloatArray] = {}
    for name in spec.params:
        if name not in given:
            raise ParameterError(name, f"given for model {model!r}", None)
        value = as_float_array(given[name], name)
        allowed, test = _PARAM_RANGES[name]
        require(test(value), value, name, allowed)
        checked[name] = value
    return spec, checked


def _area_cm2(die_area_mm2: npt.ArrayLike) -> FloatArray:
    return mm2_to_cm2(positive(die_area_mm2, "die_area_mm2"))


def _evaluate(
    model: str,
    defect_density_per_cm2: npt.ArrayLike,
    die_area_mm2: npt.ArrayLike,
    params: Mapping[str, npt.ArrayLike],
) -> FloatOrArray:
    spec, checked = _model_and_params(model, params)
    density = non_negative(defect_density_per_cm2, "defect_density_per_cm2")
    mean_defects = density * _area_cm2(die_area_mm2)
    return float_like(
        spec.forward(mean_defects, **checked),
        defect_density_per_cm2,
        die_area_mm2,
        *params.values(),
    )


def poisson(defect_density_per_cm2: npt.ArrayLike, die_area_mm2: npt.ArrayLike) -> FloatOrArray:
    """Die yield for randomly (Poisson) scattered killer defects, ``Y = exp(−D·A)``.

    Parameters
    ----------
    defect_density_per_cm2 : array_like
        Killer-defect density D0 [defects/cm²], ≥ 0.
    die_area_mm2 : array_like
        Die area A [mm²], > 0.

    Returns
    -------
    float, ndarray or Series
        Die yield [fraction, 0–1], the kind of the inputs.

    Raises
    ------
    ParameterError
        If D0 is negative or an area not > 0 (or either is not finite).

    References
    ----------
    .. [1] M. J. Flynn, *Computer Architecture: Pipelined and Parallel Processor Design*,
       Jones and Bartlett, 1995, p. 89;
       https://www.progettoatena.it/manuali/computer_architecture/files/page_89.html

    Examples
    --------
    Flynn's example, 1 defect/cm² on a 2.3 cm² die (printed as 0.10):

    >>> round(poisson(1.0, 230.0), 6)
    0.100259
    """
    return _evaluate("poisson", defect_density_per_cm2, die_area_mm2, {})


def murphy(defect_density_per_cm2: npt.ArrayLike, die_area_mm2: npt.ArrayLike) -> FloatOrArray:
    """Murphy's die yield, a triangular spread of D0: ``Y = ((1 − exp(−D·A)) / (D·A))²``.

    Parameters
    ----------
    defect_density_per_cm2 : array_like
        Mean killer-defect density D0 [defects/cm²], ≥ 0.
    die_area_mm2 : array_like
        Die area A [mm²], > 0.

    Returns
    -------
    float, ndarray or Series
        Die yield [fraction, 0–1], the kind of the inputs; exactly 1 at D0 = 0.

    Raises
    ------
    ParameterError
        If D0 is negative or an area not > 0 (or either is not finite).

    References
    ----------
    .. [1] B. T. Murphy, "Cost-size optima of monolithic integrated circuits," *Proc. IEEE*,
       vol. 52, no. 12, 1964.
    .. [2] Formula as implemented in ZeroXClem/die-yield-calculator ``app.py``,
       https://github.com/ZeroXClem/die-yield-calculator

    Examples
    --------
    >>> round(murphy(0.1, 814.0), 6)
    0.468094
    >>> murphy(0.0, 814.0)
    1.0
    """
    return _evaluate("murphy", defect_density_per_cm2, die_area_mm2, {})


def rectangular(defect_density_per_cm2: npt.ArrayLike, die_area_mm2: npt.ArrayLike) -> FloatOrArray:
    """Die yield for a uniform spread of D0 on [0, 2D0]: ``Y = (1 − exp(−2D·A)) / (2D·A)``.

    Parameters
    ----------
    defect_density_per_cm2 : array_like
        Mean killer-defect density D0 [defects/cm²], ≥ 0.
    die_area_mm2 : array_like
        Die area A [mm²], > 0.

    Returns
    -------
    float, ndarray or Series
        Die yield [fraction, 0–1], the kind of the inputs; exactly 1 at D0 = 0.

    Raises
    ------
    ParameterError
        If D0 is negative or an area not > 0 (or either is not finite).

    References
    ----------
    .. [1] B. T. Murphy, "Cost-size optima of monolithic integrated circuits," *Proc. IEEE*,
       vol. 52, no. 12, 1964 (the rectangular density case).
    .. [2] Formula as implemented in ZeroXClem/die-yield-calculator ``app.py``,
       https://github.com/ZeroXClem/die-yield-calculator

    Examples
    --------
    >>> round(rectangular(0.5, 100.0), 6)
    0.632121
    """
    return _evaluate("rectangular", defect_density_per_cm2, die_area_mm2, {})


def moore(defect_density_per_cm2: npt.ArrayLike, die_area_mm2: npt.ArrayLike) -> FloatOrArray:
    """Moore's empirical die yield, ``Y = exp(−√(D·A))``.

    Parameters
    ----------
    defect_density_per_cm2 : array_like
        Killer-defect density D0 [defects/cm²], ≥ 0.
    die_area_mm2 : array_like
        Die area A [mm²], > 0.

    Returns
    -------
    float, ndarray or Series
        Die yield [fraction, 0–1], the kind of the inputs.

    Raises
    ------
    ParameterError
        If D0 is negative or an area not > 0 (or either is not finite).

    References
    ----------
    .. [1] G. E. Moore, "What level of LSI is right for you?", *Electronics*, vol. 43, 1970.
    .. [2] Formula as implemented in ZeroXClem/die-yield-calculator ``app.py``,
       https://github.com/ZeroXClem/die-yield-calculator

    Examples
    --------
    >>> round(moore(0.5, 100.0), 6)
    0.493069
    """
    return _evaluate("moore", defect_density_per_cm2, die_area_mm2, {})


def seeds(defect_density_per_cm2: npt.ArrayLike, die_area_mm2: npt.ArrayLike) -> FloatOrArray:
    """Seeds' die yield, an exponential spread of D0: ``Y = 1 / (1 + D·A)``.

    Equal to :func:`negative_binomial` with ``alpha = 1``.

    Parameters
    ----------
    defect_density_per_cm2 : array_like
        Mean killer-defect density D0 [defects/cm²], ≥ 0.
    die_area_mm2 : array_like
        Die area A [mm²], > 0.

    Returns
    -------
    float, ndarray or Series
        Die yield [fraction, 0–1], the kind of the inputs.

    Raises
    ------
    ParameterError
        If D0 is negative or an area not > 0 (or either is not finite).

    References
    ----------
    .. [1] R. B. Seeds, "Yield, economic, and logistic models for complex digital arrays,"
       *IEEE International Convention Record*, 1967.
    .. [2] Formula as implemented in ZeroXClem/die-yield-calculator ``app.py``,
       https://github.com/ZeroXClem/die-yield-calculator

    Examples
    --------
    >>> round(seeds(0.5, 100.0), 6)
    0.666667
    """
    return _evaluate("seeds", defect_density_per_cm2, die_area_mm2, {})


def negative_binomial(
    defect_density_per_cm2: npt.ArrayLike,
    die_area_mm2: npt.ArrayLike,
    alpha: npt.ArrayLike = DEFAULT_ALPHA,  # Hennessy & Patterson, 5th ed., §1.6
) -> FloatOrArray:
    """Stapper's negative-binomial die yield with clustering α, ``Y = (1 + D·A/α)^(−α)``.

    α → ∞ gives :func:`poisson` (no clustering); α = 1 gives :func:`seeds`.

    Parameters
    ----------
    defect_density_per_cm2 : array_like
        Mean killer-defect density D0 [defects/cm²], ≥ 0.
    die_area_mm2 : array_like
        Die area A [mm²], > 0.
    alpha : array_like, default 4.0
        Clustering parameter α [dimensionless], > 0. The default 4.0 is the value Hennessy &
        Patterson use (5th ed., §1.6) for then-current processes.

    Returns
    -------
    float, ndarray or Series
        Die yield [fraction, 0–1], the kind of the inputs. H&P's formula also multiplies by a
        wafer yield; apply that separately.

    Raises
    ------
    ParameterError
        If D0 is negative, an area not > 0 or α not > 0 (or any is not finite).

    References
    ----------
    .. [1] C. H. Stapper, "Defect density distribution for LSI yield calculations,"
       *IEEE Trans. Electron Devices*, vol. 20, no. 7, 1973.
    .. [2] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       5th ed., Morgan Kaufmann, 2012, §1.6; worked solutions (Case Study 1.1–1.2):
       http://www.papercamp.com/essay/134143/Solutions-For-Computer-Architechture

    Examples
    --------
    H&P 5th ed. solutions 1.2a: D0 = 0.30/cm², A = 1.5 cm² (printed as 0.65):

    >>> round(negative_binomial(0.30, 150.0), 6)
    0.65283
    """
    return _evaluate("negative_binomial", defect_density_per_cm2, die_area_mm2, {"alpha": alpha})


def bose_einstein(
    defect_density_per_cm2: npt.ArrayLike,
    die_area_mm2: npt.ArrayLike,
    layers: npt.ArrayLike,
) -> FloatOrArray:
    """Bose–Einstein die yield over N critical layers, ``Y = (1 + D·A)^(−N)``.

    Parameters
    ----------
    defect_density_per_cm2 : array_like
        Killer-defect density D per critical layer [defects/cm²], ≥ 0.
    die_area_mm2 : array_like
        Die area A [mm²], > 0.
    layers : array_like
        Process-complexity factor N [critical mask layers], ≥ 1 (need not be an integer).
        No default: it depends on the process.

    Returns
    -------
    float, ndarray or Series
        Die yield [fraction, 0–1], the kind of the inputs. H&P's formula also multiplies by a
        wafer yield; apply that separately.

    Raises
    ------
    ParameterError
        If D is negative, an area not > 0 or N < 1 (or any is not finite).

    References
    ----------
    .. [1] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       6th ed., Morgan Kaufmann, 2017, §1.6; example quoted at
       https://studyx.ai/questions/4le3pmc/blog

    Examples
    --------
    >>> round(bose_einstein(0.047, 225.0, layers=12), 3)
    0.299
    """
    return _evaluate("bose_einstein", defect_density_per_cm2, die_area_mm2, {"layers": layers})


def die_yield(
    defect_density_per_cm2: npt.ArrayLike,
    die_area_mm2: npt.ArrayLike,
    model: str = "negative_binomial",
    **params: npt.ArrayLike,
) -> FloatOrArray:
    """Die yield by the model named ``model``.

    Parameters
    ----------
    defect_density_per_cm2 : array_like
        Killer-defect density D0 [defects/cm²] (per layer for ``'bose_einstein'``), ≥ 0.
    die_area_mm2 : array_like
        Die area A [mm²], > 0.
    model : str, default 'negative_binomial'
        One of :data:`YIELD_MODELS`: ``'poisson'``, ``'murphy'``, ``'rectangular'``,
        ``'moore'``, ``'seeds'``, ``'negative_binomial'``, ``'bose_einstein'``.
    **params : array_like
        The model's parameters: ``alpha`` [dimensionless] for ``'negative_binomial'``
        (default 4.0), ``layers`` [critical layers] for ``'bose_einstein'`` (required).

    Returns
    -------
    float, ndarray or Series
        Die yield [fraction, 0–1], the kind of the inputs.

    Raises
    ------
    ParameterError
        If the model is unknown (the message lists the valid names), a parameter is unknown to
        the model or missing, or a value is out of range.

    References
    ----------
    .. [1] See the function of each model (:func:`poisson`, :func:`murphy`, …).

    Examples
    --------
    >>> round(die_yield(0.1, 814.0, model="poisson"), 6)
    0.443082
    >>> round(die_yield(0.1, 814.0, model="negative_binomial", alpha=2.0), 6)
    0.50514
    """
    return _evaluate(model, defect_density_per_cm2, die_area_mm2, params)


def defect_density_for_yield(
    die_yield: npt.ArrayLike,
    die_area_mm2: npt.ArrayLike,
    model: str = "negative_binomial",
    **params: npt.ArrayLike,
) -> FloatOrArray:
    """The defect density D0 at which a die of the given area has the given yield.

    The inverse of :func:`die_yield`: closed form for Poisson, Moore, Seeds, negative binomial
    and Bose–Einstein; for Murphy and rectangular, a vectorised bisection on ``ln(D·A)`` of the
    monotone function ``(1 − e^(−u))/u``, run to full double precision.

    Parameters
    ----------
    die_yield : array_like
        Die yield [fraction], in (0, 1].
    die_area_mm2 : array_like
        Die area A [mm²], > 0.
    model : str, default 'negative_binomial'
        One of :data:`YIELD_MODELS`.
    **params : array_like
        The model's parameters, as for :func:`die_yield`.

    Returns
    -------
    float, ndarray or Series
        Killer-defect density D0 [defects/cm²] (per layer for ``'bose_einstein'``), ≥ 0; exactly
        0 where the yield is 1. The kind of the inputs.

    Raises
    ------
    ParameterError
        If a yield is outside (0, 1], an area not > 0, or the model or its parameters are not
        valid (as for :func:`die_yield`).

    References
    ----------
    .. [1] Inverse of the formulas in :func:`die_yield`; see each model's function.

    Examples
    --------
    Which D0 gives a 90 % yield on an 814 mm² die?

    >>> round(defect_density_for_yield(0.9, 814.0, model="poisson"), 6)
    0.012944
    >>> round(defect_density_for_yield(murphy(0.1, 814.0), 814.0, model="murphy"), 12)
    0.1
    """
    spec, checked = _model_and_params(model, params)
    y = fraction(die_yield, "die_yield")
    density = spec.inverse(y, **checked) / _area_cm2(die_area_mm2)
    return float_like(density, die_yield, die_area_mm2, *params.values())

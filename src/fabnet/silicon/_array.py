"""Scalars in, scalars out; arrays in, arrays out; Series in, Series out.

Every public function of :mod:`fabnet.silicon` converts and validates its numeric inputs with
:func:`positive`, :func:`non_negative`, :func:`fraction` (or :func:`as_float_array` and
:func:`require` for other ranges), computes on plain numpy arrays and
hands the result back through :func:`float_like` or :func:`int_like`, which restore the kind of
the inputs:

* only scalars in (Python or numpy numbers) → a Python ``float`` / ``int``;
* any array or list in → a numpy array of the broadcast shape;
* any pandas Series in → a Series of the same index (pandas is detected, never imported).

Series arguments are combined by position, like numpy arrays, so every Series passed to one call
must carry the same index; a call that mixes indexes raises rather than align silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from fabnet.exceptions import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FloatArray",
    "FloatOrArray",
    "IntOrArray",
    "as_float_array",
    "float_like",
    "fraction",
    "int_like",
    "non_negative",
    "positive",
    "require",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
#: What a float-valued silicon function returns: the kind of its inputs.
FloatOrArray: TypeAlias = "float | npt.NDArray[np.float64] | pd.Series[float]"
#: What a count-valued silicon function returns: the kind of its inputs.
IntOrArray: TypeAlias = "int | npt.NDArray[np.int64] | pd.Series[int]"


def as_float_array(value: npt.ArrayLike, parameter: str) -> FloatArray:
    """Return ``value`` as a float64 array; a non-numeric value raises :class:`ParameterError`."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterError(parameter, "a number or an array of numbers", value) from exc


def require(ok: npt.ArrayLike, values: npt.ArrayLike, parameter: str, allowed: str) -> None:
    """Raise :class:`ParameterError` naming the first element of ``values`` where ``ok`` is false.

    ``ok`` and ``values`` broadcast together; NaN compares false, so a check written as
    ``x > 0`` also rejects NaN.
    """
    ok_arr, values_arr = np.broadcast_arrays(np.asarray(ok, dtype=bool), np.asarray(values))
    if not ok_arr.all():
        bad = values_arr[~ok_arr].flat[0]
        raise ParameterError(parameter, allowed, bad.item() if hasattr(bad, "item") else bad)


def positive(value: npt.ArrayLike, parameter: str) -> FloatArray:
    """``value`` as a float array, checked finite and > 0."""
    array = as_float_array(value, parameter)
    require(np.isfinite(array) & (array > 0), array, parameter, "finite and > 0")
    return array


def non_negative(value: npt.ArrayLike, parameter: str) -> FloatArray:
    """``value`` as a float array, checked finite and ≥ 0."""
    array = as_float_array(value, parameter)
    require(np.isfinite(array) & (array >= 0), array, parameter, "finite and >= 0")
    return array


def fraction(value: npt.ArrayLike, parameter: str) -> FloatArray:
    """``value`` as a float array, checked in (0, 1] (a yield)."""
    array = as_float_array(value, parameter)
    require((array > 0) & (array <= 1), array, parameter, "in (0, 1]")
    return array


def _is_series(value: object) -> bool:
    return type(value).__module__.partition(".")[0] == "pandas" and hasattr(value, "index")


def _restore(result: npt.NDArray[Any], inputs: tuple[object, ...]) -> Any:
    series = [value for value in inputs if _is_series(value)]
    if series:
        first: Any = series[0]
        for other in series[1:]:
            if not first.index.equals(cast(Any, other).index):
                raise ParameterError("index", "the same for every Series argument", other)
        if result.shape != (len(first.index),):
            raise ParameterError("shape", f"({len(first.index)},) to keep the Series index", result)
        return type(first)(result, index=first.index)
    if result.ndim == 0 and not any(
        isinstance(value, np.ndarray | list | tuple) for value in inputs
    ):
        return result.item()
    return result


def float_like(result: npt.ArrayLike, *inputs: object) -> FloatOrArray:
    """Return ``result`` (floats) as the kind of ``inputs``: float, ndarray or Series."""
    restored: FloatOrArray = _restore(np.asarray(result, dtype=np.float64), inputs)
    return restored


def int_like(result: npt.ArrayLike, *inputs: object) -> IntOrArray:
    """Return ``result`` (counts) as the kind of ``inputs``: int, ndarray or Series."""
    restored: IntOrArray = _restore(np.asarray(result, dtype=np.int64), inputs)
    return restored

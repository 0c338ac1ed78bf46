"""Every public silicon function: scalars in → Python scalar out, arrays → same shape, Series →
same index. Also the shared helper in fabnet.silicon._array."""

from __future__ import annotations

import numpy as np
import pytest

from fabnet import silicon
from fabnet.exceptions import ParameterError
from fabnet.silicon._array import float_like, int_like

# (name, function taking the "varying" first argument, a valid scalar for it, result type)
CASES = [
    ("hennessy_patterson", silicon.hennessy_patterson, 100.0, float),
    ("flynn", lambda x: silicon.flynn(x, 210.0), 230.0, float),
    ("exact_count", lambda x: silicon.exact_count(x, 10.0, offset="best"), 10.0, int),
    ("poisson", lambda x: silicon.poisson(x, 100.0), 0.1, float),
    ("murphy", lambda x: silicon.murphy(x, 100.0), 0.1, float),
    ("rectangular", lambda x: silicon.rectangular(0.1, x), 100.0, float),
    ("moore", lambda x: silicon.moore(x, 100.0), 0.1, float),
    ("seeds", lambda x: silicon.seeds(x, 100.0), 0.1, float),
    ("negative_binomial", lambda x: silicon.negative_binomial(0.1, 100.0, alpha=x), 2.0, float),
    ("bose_einstein", lambda x: silicon.bose_einstein(0.01, 100.0, layers=x), 12.0, float),
    ("die_yield", lambda x: silicon.die_yield(x, 100.0, model="murphy"), 0.1, float),
    (
        "defect_density_for_yield",
        lambda x: silicon.defect_density_for_yield(x, 100.0, model="rectangular"),
        0.8,
        float,
    ),
    ("defect_density", lambda x: silicon.defect_density(x, 0.1, 0.05, 0.6), 1.0, float),
    ("interposers_per_wafer[area]", silicon.interposers_per_wafer, 2500.0, int),
    ("gross_per_wafer", lambda x: silicon.gross_per_wafer(x, 11.0), 11.0, int),
    (
        "interposers_per_wafer[aspect]",
        lambda x: silicon.interposers_per_wafer(x, aspect_ratio=1.2),
        2500.0,
        int,
    ),
    (
        "interposers_per_wafer[shape]",
        lambda x: silicon.interposers_per_wafer(width_mm=x, height_mm=40.0),
        50.0,
        int,
    ),
    ("good_packages_per_wafer", lambda x: silicon.good_packages_per_wafer(x, 0.9), 20.0, float),
    (
        "hbm_stacks_per_dram_wafer",
        lambda x: silicon.hbm_stacks_per_dram_wafer(
            x, 11.0, dies_per_stack=12, die_yield=0.8, stack_yield=0.9
        ),
        11.0,
        float,
    ),
    ("good_dies_per_wafer", lambda x: silicon.good_dies_per_wafer(x, 0.5), 100.0, float),
    ("cost_per_good_die", lambda x: silicon.cost_per_good_die(x, 100.0, 0.5), 1e4, float),
    ("cost_per_package", lambda x: silicon.cost_per_package(x, 500.0, 0.9), 700.0, float),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(("name", "func", "value", "kind"), CASES, ids=IDS)
def test_scalar_in_python_scalar_out(name, func, value, kind):
    result = func(value)
    assert type(result) is kind
    assert type(func(np.float64(value))) is kind


@pytest.mark.parametrize(("name", "func", "value", "kind"), CASES, ids=IDS)
def test_array_in_same_shape_out(name, func, value, kind):
    values = np.full((2, 3), value) * np.array([1.0, 1.1, 1.2])
    result = func(values)
    assert isinstance(result, np.ndarray)
    assert result.shape == (2, 3)
    assert result[0, 0] == func(value)
    assert np.issubdtype(result.dtype, np.integer if kind is int else np.floating)
    assert func([value, value]).shape == (2,)


@pytest.mark.parametrize(("name", "func", "value", "kind"), CASES, ids=IDS)
def test_series_in_same_index_out(name, func, value, kind):
    pd = pytest.importorskip("pandas")
    index = pd.Index(["a", "b", "c"], name="chip")
    series = pd.Series([value, value * 1.1, value * 1.2], index=index)
    result = func(series)
    assert isinstance(result, pd.Series)
    assert result.index.equals(index)
    assert result.iloc[0] == func(value)


def test_two_series_with_different_indexes_raise():
    pd = pytest.importorskip("pandas")
    density = pd.Series([0.1, 0.2], index=["x", "y"])
    area = pd.Series([100.0, 200.0], index=["y", "x"])
    with pytest.raises(ParameterError, match=r"^index: must be the same for every Series"):
        silicon.poisson(density, area)
    same = pd.Series([100.0, 200.0], index=["x", "y"])
    assert silicon.poisson(density, same).index.tolist() == ["x", "y"]


def test_helper_restores_kinds():
    assert float_like(np.float64(2.0), 1.0) == 2.0
    assert type(float_like(np.asarray(2.0), 1.0)) is float
    assert type(int_like(np.asarray(2), 1.0)) is int
    zero_d = float_like(np.asarray(2.0), np.asarray(1.0))
    assert isinstance(zero_d, np.ndarray)
    assert zero_d.shape == ()

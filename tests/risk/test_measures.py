"""Risk measures (exceedance, Wilson interval, VaR, CVaR, percentiles) and sensitivities."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from fabnet.exceptions import ParameterError
from fabnet.risk import (
    conditional_value_at_risk,
    exceedance_probability,
    frozen,
    percentiles,
    probability_ci,
    sobol_indices,
    tornado,
    value_at_risk,
)
from fabnet.scenario import Uncertainty

LOSSES = [4.0, 9.0, 1.0, 7.0, 10.0, 2.0, 8.0, 3.0, 6.0, 5.0]  # 1 … 10, shuffled


# ------------------------------------------------------------------------------- VaR and CVaR


@pytest.mark.parametrize(
    ("alpha", "var", "cvar"),
    [
        # k = ⌈10α⌉; CVaR = [(k − 10α)·x_k + x_{k+1} + … + x_10] / (10(1 − α)).
        (0.0, 1.0, 5.5),  # k = 1 (at least 1): CVaR_0 is the mean, 55/10
        (0.7, 7.0, 9.0),  # k = 7: (0·7 + 8 + 9 + 10) / 3 = 27/3
        (0.75, 8.0, 9.2),  # k = 8: (0.5·8 + 9 + 10) / 2.5 = 23/2.5
        (0.9, 9.0, 10.0),  # k = 9: (0·9 + 10) / 1
        (0.95, 10.0, 10.0),  # k = 10: (0.5·10) / 0.5
    ],
)
def test_var_and_cvar_of_ten_losses(alpha: float, var: float, cvar: float) -> None:
    assert value_at_risk(LOSSES, alpha) == pytest.approx(var, abs=1e-12)
    assert conditional_value_at_risk(LOSSES, alpha) == pytest.approx(cvar, abs=1e-12)


def test_cvar_weighs_the_var_atom_fractionally() -> None:
    # Sorted: seven 0s, 1, 5, 20. At α = 0.75, k = 8, VaR = 1 and the tail of 2.5 samples is
    # 20, 5 and half of the 1: (0.5·1 + 5 + 20) / 2.5 = 10.2. Neither the mean of the losses
    # ≥ VaR (26/3) nor of those > VaR (12.5) is right.
    losses = [0, 20, 0, 0, 1, 0, 0, 5, 0, 0]
    assert value_at_risk(losses, 0.75) == 1.0
    assert conditional_value_at_risk(losses, 0.75) == pytest.approx(10.2, abs=1e-12)


def test_cvar_of_a_normal_loss_matches_the_closed_form() -> None:
    # X ~ N(μ, σ²): VaR_α = μ + σ z_α and CVaR_α = μ + σ φ(z_α) / (1 − α) (Rockafellar & Uryasev
    # 2002, J. Banking & Finance 26(7), §2). The standard errors at n = 200,000 are about 0.005σ
    # (VaR) and 0.006σ (CVaR); the tolerance is 0.025σ.
    mu, sigma, alpha = 5.0, 2.0, 0.95
    z = 1.6448536269514722
    losses = np.random.default_rng(12).normal(mu, sigma, 200_000)
    assert value_at_risk(losses, alpha) == pytest.approx(mu + sigma * z, abs=0.025 * sigma)
    expected = mu + sigma * math.exp(-z * z / 2) / math.sqrt(2 * math.pi) / (1 - alpha)
    assert conditional_value_at_risk(losses, alpha) == pytest.approx(expected, abs=0.025 * sigma)


@given(
    losses=st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=40
    ),
    alpha=st.floats(min_value=0.0, max_value=0.99),
)
def test_cvar_is_the_rockafellar_uryasev_minimum(losses: list[float], alpha: float) -> None:
    x = np.array(losses)
    var, cvar = value_at_risk(x, alpha), conditional_value_at_risk(x, alpha)
    tol = 1e-9 * (1 + np.abs(x).max()) / (1 - alpha)
    # The objective ζ + E[(X − ζ)^+]/(1 − α) is convex and piecewise linear with kinks at the
    # samples: its minimum over the samples is its minimum, which is CVaR, reached at VaR.
    objective = [z + np.maximum(x - z, 0).mean() / (1 - alpha) for z in x]
    assert cvar == pytest.approx(min(objective), abs=tol)
    assert x.min() <= var <= x.max()
    assert var - tol <= cvar <= x.max() + tol
    assert cvar >= x.mean() - tol
    assert np.mean(x <= var) >= alpha - 1e-9  # VaR is an α-quantile …
    assert np.mean(x < var) <= alpha + 1e-9  # … the smallest one


def test_measures_keep_xarray_labels() -> None:
    rng = np.random.default_rng(3)
    years = [2030, 2031, 2032]
    losses = xr.DataArray(
        rng.normal(size=(3, 1000)) + np.array([[0.0], [1.0], [2.0]]),
        dims=("year", "sample"),  # the sample dimension need not come first
        coords={"year": years},
    )
    for measure in (value_at_risk, conditional_value_at_risk):
        result = measure(losses, 0.9)
        assert isinstance(result, xr.DataArray)
        assert result.dims == ("year",)
        assert result["year"].to_numpy().tolist() == years
        np.testing.assert_array_equal(result.to_numpy(), measure(losses.to_numpy().T, 0.9))

    fan = percentiles(losses, q=(5, 50, 95))
    assert fan.dims == ("percentile", "year")
    assert fan["percentile"].to_numpy().tolist() == [5, 50, 95]
    np.testing.assert_allclose(fan.to_numpy(), percentiles(losses.to_numpy().T, q=(5, 50, 95)))

    capacity = xr.DataArray([0.0, 1.0, 10.0], dims="year", coords={"year": years})
    share = exceedance_probability(losses, capacity)
    assert share.dims == ("year",)
    assert share.sel(year=2030) == pytest.approx(0.5, abs=0.06)
    assert share.sel(year=2032) == 0.0

    with pytest.raises(ParameterError, match="dim: must be one of 'year', 'sample'"):
        value_at_risk(losses, dim="scenario")


def test_numpy_arrays_reduce_the_first_axis() -> None:
    samples = np.column_stack([np.arange(101.0), 2 * np.arange(101.0)])  # (sample, series)
    np.testing.assert_array_equal(
        percentiles(samples), [[5, 10], [25, 50], [50, 100], [75, 150], [95, 190]]
    )
    np.testing.assert_array_equal(
        exceedance_probability(samples, [50.0, 50.0]), [50 / 101, 75 / 101]
    )
    np.testing.assert_array_equal(value_at_risk(samples, 0.5), [50.0, 100.0])
    assert isinstance(value_at_risk(samples[:, 0], 0.5), float)


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: value_at_risk(LOSSES, 1.0), "alpha"),
        (lambda: conditional_value_at_risk(LOSSES, -0.1), "alpha"),
        (lambda: value_at_risk([], 0.5), "values"),
        (lambda: conditional_value_at_risk([1.0, math.nan], 0.5), "values"),
        (lambda: percentiles(LOSSES, q=(50, 101)), "q"),
        (lambda: probability_ci(1.2, 10), "p"),
        (lambda: probability_ci(0.5, 0), "n"),
        (lambda: probability_ci(0.5, 10, level=1.0), "level"),
    ],
)
def test_bad_arguments(call: Any, parameter: str) -> None:
    with pytest.raises(ParameterError) as caught:
        call()
    assert caught.value.parameter == parameter


# --------------------------------------------------------------------- probabilities and CIs


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17(8), 857–872: Wilson score intervals (method 3)
    # of his four worked examples, to 4 decimals.
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe(successes: int, n: int, low: float, high: float) -> None:
    got = probability_ci(successes / n, n, level=0.95)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_interval_is_vectorised_and_keeps_labels() -> None:
    low, high = probability_ci(np.array([0.0, 0.5, 1.0]), 100)
    assert isinstance(low, np.ndarray)
    assert low[0] == 0.0
    assert high[2] == 1.0
    assert low[1] == pytest.approx(1 - high[1])  # symmetric about 1/2
    p = xr.DataArray([0.1, 0.2], dims="year", coords={"year": [2030, 2031]})
    low_da, high_da = probability_ci(p, 1000, level=0.99)
    assert low_da.dims == ("year",)
    assert (low_da < p).all()
    assert (p < high_da).all()


def test_exceedance_probability_of_a_scalar_threshold() -> None:
    assert exceedance_probability(LOSSES, 7.0) == 0.3  # 8, 9, 10: strictly above


# ---------------------------------------------------------------------------- sensitivities


def test_tornado_of_a_hand_model() -> None:
    # y = 3a − 2b + c², base (1, 1, 0) → y = 1.
    # a: 0 → −2, 2 → 4 (swing 6); b: 0 → 3, 4 → −5 (swing 8); c: −1 → 2, 2 → 5 (swing 3).
    def model(x: Any) -> float:
        return 3 * x["a"] - 2 * x["b"] + x["c"] ** 2

    base = {"a": 1.0, "b": 1.0, "c": 0.0}
    table = tornado(model, base, {"a": 0.0, "b": 0.0, "c": -1.0}, {"a": 2.0, "b": 4.0, "c": 2.0})
    assert table.to_dict("list") == {
        "input": ["b", "a", "c"],
        "low_value": [0.0, 0.0, -1.0],
        "high_value": [4.0, 2.0, 2.0],
        "output_low": [3.0, -2.0, 2.0],
        "output_high": [-5.0, 4.0, 5.0],
        "swing": [8.0, 6.0, 3.0],
    }
    assert table.attrs["output_base"] == 1.0
    assert base == {"a": 1.0, "b": 1.0, "c": 0.0}  # untouched

    seen: list[type] = []
    series = pd.Series(base)
    tornado(lambda x: seen.append(type(x)) or 0.0, series, series, series)
    assert set(seen) == {pd.Series}


def test_tornado_checks_its_inputs() -> None:
    with pytest.raises(ParameterError, match="highs"):
        tornado(lambda _: 0.0, {"a": 1.0}, {"a": 0.0}, {"b": 2.0})
    with pytest.raises(ParameterError, match="base"):
        tornado(lambda _: 0.0, {}, {"a": 0.0}, {"a": 2.0})


def _ishigami(x: np.ndarray) -> np.ndarray:
    a, b = 7.0, 0.1
    return np.sin(x[0]) + a * np.sin(x[1]) ** 2 + b * x[2] ** 4 * np.sin(x[0])


def _ishigami_indices() -> tuple[list[float], list[float]]:
    """Analytic first-order and total indices for a = 7, b = 0.1, X_i ~ U(−π, π).

    V1 = (1 + bπ⁴/5)²/2, V2 = a²/8, V13 = 8b²π⁸/225 and V = V1 + V2 + V13 (Ishigami & Homma
    1990, Proc. ISUMA '90, 398–403; Sobol' & Levitan 1999, Comput. Phys. Commun. 117, 52–61).
    """
    a, b, pi = 7.0, 0.1, math.pi
    v1, v2, v13 = (1 + b * pi**4 / 5) ** 2 / 2, a**2 / 8, 8 * b**2 * pi**8 / 225
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def test_sobol_indices_of_the_ishigami_function() -> None:
    first, total = _ishigami_indices()
    # The formulas reproduce the published values.
    assert first == pytest.approx([0.3139, 0.4424, 0.0], abs=5e-5)
    assert total == pytest.approx([0.5576, 0.4424, 0.2437], abs=5e-5)

    spec = Uncertainty.model_validate(
        {
            "inputs": [
                {
                    "id": "x",
                    "target": "construction_delay_months",
                    "distribution": "uniform",
                    "low": -math.pi,
                    "high": math.pi,
                    "source": "test",
                }
            ]
        }
    ).inputs[0]
    dists = dict.fromkeys(("x1", "x2", "x3"), frozen(spec))
    table = sobol_indices(_ishigami, dists, 2**12, seed=5)
    assert table["input"].tolist() == ["x1", "x2", "x3"]
    assert table["first_order"].to_numpy() == pytest.approx(first, abs=0.05)
    assert table["total"].to_numpy() == pytest.approx(total, abs=0.05)
    again = sobol_indices(_ishigami, dists, 2**12, seed=5)
    pd.testing.assert_frame_equal(table, again)


def test_sobol_indices_bootstrap_interval() -> None:
    dists = dict.fromkeys(("x1", "x2", "x3"), stats.uniform(-math.pi, 2 * math.pi))
    table = sobol_indices(_ishigami, dists, 2**10, seed=1, confidence_level=0.95, n_resamples=99)
    assert (table["first_order_low"] <= table["first_order"]).all()
    assert (table["first_order"] <= table["first_order_high"]).all()
    assert (table["total_low"] <= table["total_high"]).all()


def test_sobol_indices_checks_its_inputs() -> None:
    dists = {"x": stats.uniform()}
    with pytest.raises(ParameterError, match="power of 2"):
        sobol_indices(lambda x: x[0], dists, 1000, seed=0)
    with pytest.raises(ParameterError, match="model"):
        sobol_indices(lambda x: x, dists, 64, seed=0)
    with pytest.raises(ParameterError, match="dists"):
        sobol_indices(lambda x: x[0], {}, 64, seed=0)

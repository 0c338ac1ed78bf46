"""Sampling of uncertain inputs: marginals, copula, stratification, events, determinism.

Statistical tolerances are stated per test. Where a test compares a share of ``n`` draws with a
probability ``p``, it allows 4 binomial standard errors, ``4·√(p(1−p)/n)`` (a false alarm about
once in 16,000 runs for a fresh seed; the seeds here are fixed, so the tests are deterministic).
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
from scipy import stats

from fabnet.exceptions import ParameterError
from fabnet.risk import (
    METHODS,
    Samples,
    draw,
    exceedance_probability,
    frozen,
    marginal_ppf,
    one_at_a_time,
    probability_ci,
)
from fabnet.scenario import Uncertainty

N = 20_000
YEARS = range(2025, 2030)


def _input(id_: str, distribution: str, **parameters: Any) -> dict[str, Any]:
    target = "disruption" if distribution == "bernoulli" else "construction_delay_months"
    return {"id": id_, "target": target, "distribution": distribution, "source": "test"} | (
        parameters
    )


def _uncertainty(*inputs: dict[str, Any], correlations: Any = ()) -> Uncertainty:
    return Uncertainty.model_validate(
        {
            "inputs": list(inputs),
            "correlations": [{"between": pair, "rho": rho} for pair, rho in correlations],
        }
    )


def _share_ok(share: float, p: float, n: int = N) -> bool:
    """``share`` of ``n`` draws within 4 binomial standard errors of ``p``."""
    return abs(share - p) <= 4 * math.sqrt(p * (1 - p) / n)


# ---------------------------------------------------------------------------------- marginals


def _phi(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _big_phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# Each case: the input, its analytic mean and standard deviation (textbook formulas, e.g.
# Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions, 2nd ed.), and points of its
# analytic CDF as (x, F(x)) pairs, none computed through scipy.
_Z95 = 1.6448536269514722  # standard normal 0.95-quantile
_TN_A, _TN_B = (0.7 - 1.0) / 0.1, (1.5 - 1.0) / 0.1  # truncation points in sd units
_TN_MASS = _big_phi(_TN_B) - _big_phi(_TN_A)
_TN_SHIFT = (_phi(_TN_A) - _phi(_TN_B)) / _TN_MASS
_TN_VAR = 1 + (_TN_A * _phi(_TN_A) - _TN_B * _phi(_TN_B)) / _TN_MASS - _TN_SHIFT**2
_LN_MEAN = 1.1 * math.exp(0.2**2 / 2)
MARGINALS = {
    "normal": (
        _input("x", "normal", mean=10.0, sd=2.0),
        10.0,
        2.0,
        [(10.0 - 2.0 * _Z95, 0.05), (10.0, 0.5)],
    ),
    "truncated_normal": (
        _input("x", "truncated_normal", mean=1.0, sd=0.1, low=0.7, high=1.5),
        1.0 + 0.1 * _TN_SHIFT,
        0.1 * math.sqrt(_TN_VAR),
        [(x, (_big_phi((x - 1.0) / 0.1) - _big_phi(_TN_A)) / _TN_MASS) for x in (0.8, 1.0, 1.2)],
    ),
    "lognormal": (
        _input("x", "lognormal", median=1.1, sigma=0.2),
        _LN_MEAN,
        _LN_MEAN * math.sqrt(math.expm1(0.2**2)),
        [(1.1, 0.5), (1.1 * math.exp(0.2 * _Z95), 0.95)],
    ),
    "triangular": (
        _input("x", "triangular", low=0.0, mode=6.0, high=36.0),
        (0.0 + 6.0 + 36.0) / 3,
        math.sqrt((0.0**2 + 6.0**2 + 36.0**2 - 0.0 * 6.0 - 0.0 * 36.0 - 6.0 * 36.0) / 18),
        # F(x) = (x − low)² / ((high − low)(mode − low)) up to the mode, then
        # 1 − (high − x)² / ((high − low)(high − mode)).
        [(6.0, 6.0 / 36.0), (20.0, 1 - 16.0**2 / (36.0 * 30.0))],
    ),
    "uniform": (
        _input("x", "uniform", low=0.8, high=1.2),
        1.0,
        0.4 / math.sqrt(12),
        [(0.9, 0.25), (1.1, 0.75)],
    ),
}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", MARGINALS)
def test_marginal_moments_and_quantiles(name: str, method: str) -> None:
    spec, mean, sd, cdf_points = MARGINALS[name]
    x = draw(_uncertainty(spec), N, seed=11, method=method).values["x"].to_numpy()
    # Mean within 4 standard errors σ/√n; sd within 3 % (its standard error is below 1 % for
    # these light-tailed marginals at n = 20,000).
    assert abs(x.mean() - mean) <= 4 * sd / math.sqrt(N)
    assert x.std(ddof=1) == pytest.approx(sd, rel=0.03)
    # Quantiles through the empirical CDF: the share of draws ≤ x is F(x).
    for value, probability in cdf_points:
        assert _share_ok(float(np.mean(x <= value)), probability)


def test_truncated_normal_stays_in_bounds() -> None:
    spec = _input("x", "truncated_normal", mean=0.0, sd=1.0, low=-0.5, high=3.0)
    x = draw(_uncertainty(spec), N, seed=3).values["x"]
    assert x.between(-0.5, 3.0).all()
    assert x.min() < -0.49  # and it reaches near the bound


def test_lognormal_median() -> None:
    # The median of a log-normal is exp(μ) = the declared median; share below it ≈ 0.5.
    x = draw(_uncertainty(_input("x", "lognormal", median=2.5, sigma=0.8)), N, seed=5).values["x"]
    assert _share_ok(float((x <= 2.5).mean()), 0.5)


def test_empirical_frequencies_match_weights() -> None:
    # Values given unsorted, with a zero-weight value that must never be drawn.
    spec = _input(
        "x", "empirical", values=[5.0, 1.0, 3.0, 2.0, 4.0], weights=[4.0, 1.0, 3.0, 2.0, 0.0]
    )
    x = draw(_uncertainty(spec), N, seed=9).values["x"]
    frequencies = x.value_counts(normalize=True)
    assert set(frequencies.index) == {1.0, 2.0, 3.0, 5.0}
    for value, weight in {1.0: 0.1, 2.0: 0.2, 3.0: 0.3, 5.0: 0.4}.items():
        assert _share_ok(float(frequencies[value]), weight)


def _spec(parameters: dict[str, Any]) -> Any:
    return _uncertainty(parameters).inputs[0]


def test_empirical_without_weights_is_uniform_over_values() -> None:
    spec = _spec(_input("x", "empirical", values=[2.0, 1.0]))
    assert marginal_ppf(spec, [0.0, 0.5, 0.51, 1.0]).tolist() == [1.0, 1.0, 2.0, 2.0]


def test_marginal_ppf_keeps_the_kind_of_u_and_checks_it() -> None:
    normal = _spec(_input("x", "normal", mean=0.0, sd=1.0))
    assert isinstance(marginal_ppf(normal, 0.5), float)
    assert marginal_ppf(normal, np.array([[0.5]])).shape == (1, 1)
    assert marginal_ppf(normal, 0.0) == -math.inf
    with pytest.raises(ParameterError, match=r"u: must be in \[0, 1\]"):
        marginal_ppf(normal, 1.5)
    event = _spec(
        _input("e", "bernoulli", annual_probability=0.1, capacity_lost=0.5, duration_years=1)
    )
    with pytest.raises(ParameterError, match="dist: must be a continuous distribution"):
        marginal_ppf(event, 0.5)


def test_frozen_matches_the_declared_parameters() -> None:
    triangular = frozen(_spec(_input("x", "triangular", low=1.0, mode=2.0, high=4.0)))
    assert float(triangular.mean()) == pytest.approx(7.0 / 3.0)  # (1 + 2 + 4) / 3
    assert float(frozen(_spec(_input("x", "lognormal", median=3.0, sigma=0.4))).median()) == (
        pytest.approx(3.0)
    )


# ------------------------------------------------------------------------------------- copula


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("rho", [-0.7, 0.3, 0.9])
def test_copula_reaches_the_declared_rank_correlation(rho: float, method: str) -> None:
    # Different marginals on purpose: Spearman's ρ does not depend on them.
    uncertainty = _uncertainty(
        _input("a", "lognormal", median=1.0, sigma=0.5),
        _input("b", "triangular", low=0.0, mode=1.0, high=5.0),
        _input("c", "uniform", low=0.0, high=1.0),
        correlations=[(("a", "b"), rho)],
    )
    values = draw(uncertainty, N, seed=2, method=method).values
    # Spearman's standard error is at most about 1/√n ≈ 0.007 here: ±0.02 is ~3 of them.
    assert stats.spearmanr(values["a"], values["b"]).statistic == pytest.approx(rho, abs=0.02)
    assert abs(stats.spearmanr(values["a"], values["c"]).statistic) < 0.02


def test_correlations_naming_an_event_are_refused() -> None:
    uncertainty = _uncertainty(
        _input("a", "normal", mean=0.0, sd=1.0),
        _input("e", "bernoulli", annual_probability=0.1, capacity_lost=0.5, duration_years=1),
        correlations=[(("a", "e"), 0.5)],
    )
    with pytest.raises(ParameterError, match=r"correlations\[0\]\.between.*events"):
        draw(uncertainty, 10, seed=0, years=YEARS)


def test_contradictory_correlations_are_refused_naming_the_pairs() -> None:
    uncertainty = _uncertainty(
        _input("a", "normal", mean=0.0, sd=1.0),
        _input("b", "normal", mean=0.0, sd=1.0),
        _input("c", "normal", mean=0.0, sd=1.0),
        correlations=[(("a", "b"), 0.9), (("b", "c"), 0.9), (("a", "c"), -0.9)],
    )
    with pytest.raises(ParameterError, match=re.escape("a~b 0.9; b~c 0.9; a~c -0.9")) as caught:
        draw(uncertainty, 10, seed=0)
    assert caught.value.parameter == "uncertainty.correlations"


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([(("a", "zz"), 0.5)], "ids of uncertain inputs"),
        ([(("a", "a"), 0.5)], "two distinct inputs"),
        ([(("a", "b"), 0.5), (("b", "a"), 0.2)], "each pair once"),
    ],
)
def test_bad_correlation_pairs_are_refused(pairs: Any, message: str) -> None:
    uncertainty = _uncertainty(
        _input("a", "normal", mean=0.0, sd=1.0),
        _input("b", "normal", mean=0.0, sd=1.0),
        correlations=pairs,
    )
    with pytest.raises(ParameterError, match=message):
        draw(uncertainty, 10, seed=0)


# -------------------------------------------------------------------- methods and determinism

MIXED = _uncertainty(
    _input("a", "lognormal", median=1.0, sigma=0.3),
    _input("b", "triangular", low=0.0, mode=6.0, high=36.0),
    _input("c", "empirical", values=[1.0, 2.0, 3.0]),
    _input("e", "bernoulli", annual_probability=0.2, capacity_lost=0.5, duration_years=2),
    correlations=[(("a", "b"), 0.5)],
)


def _bytes(samples: Samples) -> bytes:
    return samples.values.to_numpy().tobytes() + samples.events["e"].tobytes()


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_bytes_other_seed_other_draws(method: str) -> None:
    first = draw(MIXED, 500, seed=42, method=method, years=YEARS)
    again = draw(MIXED, 500, seed=42, method=method, years=YEARS)
    other = draw(MIXED, 500, seed=43, method=method, years=YEARS)
    assert _bytes(first) == _bytes(again)
    assert _bytes(first) != _bytes(other)
    assert (first.method, first.seed, first.years) == (method, 42, tuple(YEARS))


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_one_draw_per_stratum_for_uncorrelated_inputs(method: str) -> None:
    # LHS for any n, Sobol' for n = 2^k: each of the n equal strata of [0, 1) holds one draw.
    n = 1024
    uncertainty = _uncertainty(
        _input("u", "uniform", low=0.0, high=1.0),
        _input("v", "uniform", low=0.0, high=1.0),
        _input("w", "normal", mean=0.0, sd=1.0),
    )
    values = draw(uncertainty, n, seed=8, method=method).values
    for u in (values["u"], values["v"], stats.norm.cdf(values["w"])):
        assert np.array_equal(np.sort(np.floor(np.asarray(u) * n)), np.arange(n))


def test_lhs_strata_for_an_odd_n() -> None:
    n = 777
    uniform = _uncertainty(_input("u", "uniform", low=0.0, high=1.0))
    u = draw(uniform, n, seed=1, method="lhs").values["u"].to_numpy()
    strata = np.sort(np.floor(u * n))
    assert np.array_equal(strata, np.arange(n))


def test_sobol_with_n_not_a_power_of_two_warns_nothing() -> None:
    uncertainty = _uncertainty(_input("u", "uniform", low=0.0, high=1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        samples = draw(uncertainty, 1000, seed=1, method="sobol")
    assert len(samples) == 1000


# ------------------------------------------------------------------------------------- events


@pytest.mark.parametrize("method", METHODS)
def test_event_onsets_per_year_match_the_annual_probability(method: str) -> None:
    uncertainty = _uncertainty(
        _input("quake", "bernoulli", annual_probability=0.05, capacity_lost=0.5, duration_years=1),
        _input("war", "bernoulli", annual_probability=0.3, capacity_lost=1.0, duration_years=3),
    )
    samples = draw(uncertainty, N, seed=6, method=method, years=YEARS)
    assert samples.values.shape == (N, 0)
    for name, p in [("quake", 0.05), ("war", 0.3)]:
        onsets = samples.events[name]
        assert onsets.shape == (N, len(YEARS))
        assert onsets.dtype == np.bool_
        assert all(_share_ok(share, p) for share in onsets.mean(axis=0))
    # Independent years and events: P(war starts in 2025 and in 2026) ≈ 0.3².
    war = samples.events["war"]
    assert _share_ok(float((war[:, 0] & war[:, 1]).mean()), 0.09)
    both = samples.events["quake"][:, 0] & war[:, 0]
    assert _share_ok(float(both.mean()), 0.015)
    assert samples.event_specs["war"].duration_years == 3


def test_events_need_years() -> None:
    event = _input("e", "bernoulli", annual_probability=0.1, capacity_lost=0.5, duration_years=1)
    with pytest.raises(ParameterError, match="years: must be the years to sample"):
        draw(_uncertainty(event), 10, seed=0)
    with pytest.raises(ParameterError, match="strictly increasing"):
        draw(_uncertainty(event), 10, seed=0, years=[2026, 2025])


def test_event_onsets_are_read_only() -> None:
    samples = draw(MIXED, 10, seed=0, years=YEARS)
    with pytest.raises(ValueError, match="read-only"):
        samples.events["e"][0, 0] = True


# ----------------------------------------------------------------------------- closed form


@pytest.mark.parametrize("method", METHODS)
def test_lognormal_demand_against_capacity_matches_the_closed_form(method: str) -> None:
    # D ~ LogNormal(median 20, σ 0.3) against C = 26: P(D > C) = 1 − Φ((ln C − ln 20)/σ).
    median, sigma, capacity = 20.0, 0.3, 26.0
    exact = 1 - _big_phi((math.log(capacity) - math.log(median)) / sigma)
    uncertainty = _uncertainty(_input("demand", "lognormal", median=median, sigma=sigma))
    demand = draw(uncertainty, N, seed=21, method=method).values["demand"].to_numpy()
    p = exceedance_probability(demand, capacity)
    low, high = probability_ci(p, N, level=0.99)
    assert low <= exact <= high


# ------------------------------------------------------------------------- Samples and helpers


def test_samples_to_xarray_and_subset() -> None:
    samples = draw(MIXED, 50, seed=4, years=YEARS)
    dataset = samples.to_xarray()
    assert dict(dataset.sizes) == {"sample": 50, "year": len(YEARS)}
    assert dataset["a"].dims == ("sample",)
    assert dataset["e"].dims == ("sample", "year")
    assert dataset["year"].to_numpy().tolist() == list(YEARS)
    assert dataset.attrs == {"method": "mc", "seed": 4}

    part = samples.subset([3, 7, 9])
    assert len(part) == 3
    assert part.values.index.tolist() == [3, 7, 9]
    assert part.values["b"].tolist() == samples.values["b"].iloc[[3, 7, 9]].tolist()
    assert np.array_equal(part.events["e"], samples.events["e"][[3, 7, 9]])
    assert part.to_xarray()["sample"].to_numpy().tolist() == [3, 7, 9]
    mask = samples.values["a"].to_numpy() > samples.values["a"].median()
    assert samples.subset(mask).values.equals(samples.values[mask])
    with pytest.raises(ParameterError, match="indices"):
        samples.subset([0.5])


def test_one_at_a_time_quantiles() -> None:
    table = one_at_a_time(MIXED, low=0.1, high=0.9)
    assert table.index.tolist() == ["a", "b", "c"]  # the event is left out
    assert table.loc["a", "base"] == pytest.approx(1.0)  # the median
    assert table.loc["a", "high"] == pytest.approx(math.exp(0.3 * 1.2815515655446004))
    assert table.loc["c"].tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ParameterError, match="low"):
        one_at_a_time(MIXED, low=0.6)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"n": 0, "seed": 0}, "n"),
        ({"n": 2.5, "seed": 0}, "n"),
        ({"n": 10, "seed": -1}, "seed"),
        ({"n": 10, "seed": 0, "method": "halton"}, "method"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], parameter: str) -> None:
    with pytest.raises(ParameterError) as caught:
        draw(MIXED, years=YEARS, **kwargs)
    assert caught.value.parameter == parameter
    if parameter == "method":
        assert "'mc', 'lhs', 'sobol'" in str(caught.value)


def test_duplicate_ids_are_refused() -> None:
    twice = _uncertainty(
        _input("a", "normal", mean=0.0, sd=1.0), _input("a", "uniform", low=0.0, high=1.0)
    )
    with pytest.raises(ParameterError, match="distinct ids"):
        draw(twice, 10, seed=0)


def test_no_inputs_gives_empty_samples() -> None:
    samples = draw(Uncertainty(), 5, seed=0, method="lhs")
    assert samples.values.shape == (5, 0)
    assert dict(samples.events) == {}

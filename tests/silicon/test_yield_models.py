"""Tests of fabnet.silicon.yield_models: published vectors, derived anchors, properties, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabnet.exceptions import ParameterError
from fabnet.silicon import yield_models
from fabnet.silicon.yield_models import (
    DEFAULT_ALPHA,
    YIELD_MODELS,
    bose_einstein,
    defect_density_for_yield,
    die_yield,
    moore,
    murphy,
    negative_binomial,
    poisson,
    rectangular,
    seeds,
)

# Areas are in mm² (1 cm² = 100 mm²); densities in defects/cm².

# ---------------------------------------------------------------------------------------------
# Published results (domain-facts §6.3): printed value to its precision, raw value to 1e-6.
# ---------------------------------------------------------------------------------------------

PUBLISHED = [
    # (id, model, params, D0 [/cm²], A [mm²], printed, raw)
    # Y1–Y3: H&P 5th ed. solutions 1.2a, 1.2b, 1.1a (papercamp.com/essay/134143), NB α = 4.
    ("Y1", "negative_binomial", {"alpha": 4.0}, 0.30, 150.0, 0.65, 0.652830),
    ("Y2", "negative_binomial", {"alpha": 4.0}, 0.30, 250.0, 0.50, 0.502881),
    ("Y3", "negative_binomial", {"alpha": 4.0}, 0.30, 389.0, 0.36, 0.359158),
    # Y4–Y5: Flynn 1995, p. 89 (progettoatena.it/.../page_89.html), Poisson.
    ("Y4", "poisson", {}, 1.0, 230.0, 0.10, 0.100259),
    ("Y5", "poisson", {}, 1.0, 100.0, 0.37, 0.367879),
]


@pytest.mark.parametrize(
    ("vector_id", "model", "params", "density", "area", "printed", "raw"),
    PUBLISHED,
    ids=[v[0] for v in PUBLISHED],
)
def test_published_yields(*, vector_id, model, params, density, area, printed, raw):
    result = die_yield(density, area, model=model, **params)
    assert round(result, 2) == printed
    assert result == pytest.approx(raw, abs=1e-6)


def test_published_nb_uses_default_alpha():
    # H&P 5th ed. uses α = 4.0; the default must reproduce Y1 without saying so.
    assert DEFAULT_ALPHA == 4.0
    assert negative_binomial(0.30, 150.0) == pytest.approx(0.652830, abs=1e-6)
    assert die_yield(0.30, 150.0) == pytest.approx(0.652830, abs=1e-6)


# ---------------------------------------------------------------------------------------------
# Derived values (domain-facts §6.5): computed from the formulas, regression anchors only.
# ---------------------------------------------------------------------------------------------

DERIVED_ORDER = [
    ("poisson", {}),
    ("murphy", {}),
    ("rectangular", {}),
    ("moore", {}),
    ("seeds", {}),
    ("negative_binomial", {"alpha": 2.0}),
    ("negative_binomial", {"alpha": 3.0}),
    ("negative_binomial", {"alpha": 4.0}),
]
DERIVED = {
    (0.1, 814.0): [0.443082, 0.468094, 0.493660, 0.405668, 0.551268, 0.505140, 0.486656, 0.476668],
    (0.5, 100.0): [0.606531, 0.619272, 0.632121, 0.493069, 0.666667, 0.640000, 0.629738, 0.624295],
}


@pytest.mark.parametrize(("density", "area"), list(DERIVED))
def test_derived_yield_anchors(density, area):
    for (model, params), expected in zip(DERIVED_ORDER, DERIVED[(density, area)], strict=True):
        assert die_yield(density, area, model=model, **params) == pytest.approx(
            expected, abs=1e-6
        ), model


def test_derived_h100_good_dies_cross_check():
    # Derived (§6.5): 63.48 gross H100 dies × Poisson(0.1 /cm², 8.14 cm²) ≈ 28.1 good dies,
    # consistent with the "28 H100 per wafer" figure (TrendForce, Mar 2024, via dark_compute).
    from fabnet.silicon import hennessy_patterson

    assert hennessy_patterson(814.0) * poisson(0.1, 814.0) == pytest.approx(28.1, abs=0.05)


def test_public_functions_match_dispatcher():
    d, a = 0.2, 300.0
    assert poisson(d, a) == die_yield(d, a, model="poisson")
    assert murphy(d, a) == die_yield(d, a, model="murphy")
    assert rectangular(d, a) == die_yield(d, a, model="rectangular")
    assert moore(d, a) == die_yield(d, a, model="moore")
    assert seeds(d, a) == die_yield(d, a, model="seeds")
    assert negative_binomial(d, a, alpha=2.5) == die_yield(d, a, alpha=2.5)
    assert bose_einstein(d, a, layers=12) == die_yield(d, a, model="bose_einstein", layers=12)


def test_bose_einstein_formula():
    # (1 + D·A)^(−N), D per layer: 0.047 /cm² × 2.25 cm², N = 12 gives 0.299 (the value the
    # domain reference computes when it rejects the studyx transcription; see §6.3).
    assert bose_einstein(0.047, 225.0, layers=12) == pytest.approx(0.299, abs=5e-4)
    assert bose_einstein(0.1, 100.0, layers=1) == pytest.approx(seeds(0.1, 100.0), rel=1e-15)


def test_zero_defects_give_exactly_one_without_warnings():
    with np.errstate(all="raise"):
        for model, params in [*DERIVED_ORDER, ("bose_einstein", {"layers": 10})]:
            assert die_yield(0.0, 814.0, model=model, **params) == 1.0
        array = murphy(np.array([0.0, 0.1]), 814.0)
        assert array[0] == 1.0
        assert rectangular(np.zeros(3), 100.0).tolist() == [1.0, 1.0, 1.0]


# ---------------------------------------------------------------------------------------------
# Properties.
# ---------------------------------------------------------------------------------------------

MODEL_PARAMS = st.one_of(
    st.sampled_from([(m, {}) for m in ("poisson", "murphy", "rectangular", "moore", "seeds")]),
    st.floats(min_value=0.05, max_value=100.0).map(lambda a: ("negative_binomial", {"alpha": a})),
    st.floats(min_value=1.0, max_value=30.0).map(lambda n: ("bose_einstein", {"layers": n})),
)
_density = st.floats(min_value=0.0, max_value=5.0)
_area = st.floats(min_value=1.0, max_value=1000.0)


@settings(max_examples=200)
@given(model_params=MODEL_PARAMS, d1=_density, d2=_density, area=_area)
def test_yield_in_unit_interval_and_non_increasing(model_params, d1, d2, area):
    model, params = model_params
    low, high = sorted((d1, d2))
    y_low = die_yield(low, area, model=model, **params)
    y_high = die_yield(high, area, model=model, **params)
    assert 0.0 < y_high <= y_low <= 1.0


@settings(max_examples=100)
@given(model_params=MODEL_PARAMS, density=_density, area=_area)
def test_yield_depends_on_product_only(model_params, density, area):
    model, params = model_params
    direct = die_yield(density, area, model=model, **params)
    swapped = die_yield(density * area / 100.0, 100.0, model=model, **params)
    assert direct == pytest.approx(swapped, rel=1e-12, abs=1e-300)


@given(density=_density, area=_area)
def test_negative_binomial_limits(density, area):
    assert negative_binomial(density, area, alpha=1e6) == pytest.approx(
        poisson(density, area), abs=1e-4
    )
    assert negative_binomial(density, area, alpha=1.0) == pytest.approx(
        seeds(density, area), rel=1e-12
    )


@settings(max_examples=300)
@given(
    model_params=MODEL_PARAMS,
    mean_defects=st.floats(min_value=1e-6, max_value=20.0),
    area=_area,
)
def test_inverse_round_trips(model_params, mean_defects, area):
    model, params = model_params
    density = mean_defects * 100.0 / area
    y = die_yield(density, area, model=model, **params)
    assert defect_density_for_yield(y, area, model=model, **params) == pytest.approx(
        density, rel=1e-7, abs=1e-12
    )


@settings(max_examples=200)
@given(model_params=MODEL_PARAMS, y=st.floats(min_value=1e-6, max_value=1.0), area=_area)
def test_yield_of_inverse_round_trips(model_params, y, area):
    model, params = model_params
    density = defect_density_for_yield(y, area, model=model, **params)
    assert density >= 0.0
    assert die_yield(density, area, model=model, **params) == pytest.approx(y, rel=1e-9)


def test_inverse_is_exactly_zero_at_full_yield():
    for model in YIELD_MODELS:
        params = {"layers": 8} if model == "bose_einstein" else {}
        result = defect_density_for_yield(1.0, 100.0, model=model, **params)
        assert result == 0.0
        assert not np.signbit(result)


def test_inverse_handles_extreme_yields():
    with np.errstate(all="raise"):
        for model in ("murphy", "rectangular"):
            tiny = defect_density_for_yield(np.array([1e-300, 1e-30]), 100.0, model=model)
            assert np.all(np.isfinite(tiny))
            assert np.all(tiny > 0)
            near_one = defect_density_for_yield(1 - 1e-15, 100.0, model=model)
            assert 0 < near_one < 1e-13
    # Subnormal yields saturate instead of overflowing inside the bisection (underflow is fine).
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert np.isfinite(defect_density_for_yield(5e-324, 100.0, model="rectangular"))


def test_inverse_vectorises():
    yields = np.array([[0.9, 0.5], [0.2, 1.0]])
    densities = defect_density_for_yield(yields, 814.0, model="murphy")
    assert densities.shape == (2, 2)
    np.testing.assert_allclose(murphy(densities, 814.0), yields, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Errors.
# ---------------------------------------------------------------------------------------------


def test_unknown_model_lists_valid_names():
    with pytest.raises(ParameterError) as info:
        die_yield(0.1, 100.0, model="gamma")
    message = str(info.value)
    assert message.startswith("model: must be one of ")
    assert message.endswith("(got 'gamma')")
    for name in YIELD_MODELS:
        assert repr(name) in message
    with pytest.raises(ParameterError, match=r"^model: must be one of 'poisson'"):
        defect_density_for_yield(0.5, 100.0, model="Poisson")


def test_unknown_parameter_is_rejected():
    with pytest.raises(ParameterError, match=r"^beta: must be a parameter of model"):
        die_yield(0.1, 100.0, model="negative_binomial", beta=2.0)
    with pytest.raises(ParameterError, match=r"it takes no parameters\) \(got 2\.0\)$"):
        die_yield(0.1, 100.0, model="poisson", alpha=2.0)


def test_missing_parameter_is_rejected():
    with pytest.raises(ParameterError, match=r"^layers: must be given for model 'bose_einstein'"):
        die_yield(0.1, 100.0, model="bose_einstein")
    with pytest.raises(ParameterError, match=r"^layers: must be given"):
        defect_density_for_yield(0.5, 100.0, model="bose_einstein")


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: poisson(-0.1, 100.0), "defect_density_per_cm2"),
        (lambda: murphy(0.1, -5.0), "die_area_mm2"),
        (lambda: seeds(0.1, 0.0), "die_area_mm2"),
        (lambda: moore(float("nan"), 100.0), "defect_density_per_cm2"),
        (lambda: rectangular(float("inf"), 100.0), "defect_density_per_cm2"),
        (lambda: negative_binomial(0.1, 100.0, alpha=0.0), "alpha"),
        (lambda: negative_binomial(0.1, 100.0, alpha=-1.0), "alpha"),
        (lambda: bose_einstein(0.1, 100.0, layers=0.5), "layers"),
        (lambda: die_yield([0.1, -0.2], 100.0), "defect_density_per_cm2"),
        (lambda: die_yield("a lot", 100.0), "defect_density_per_cm2"),
        (lambda: defect_density_for_yield(0.0, 100.0), "die_yield"),
        (lambda: defect_density_for_yield(1.5, 100.0), "die_yield"),
        (lambda: defect_density_for_yield(-0.1, 100.0), "die_yield"),
        (lambda: defect_density_for_yield(float("nan"), 100.0), "die_yield"),
        (lambda: defect_density_for_yield(0.5, -1.0), "die_area_mm2"),
    ],
)
def test_bad_values_raise_parameter_error(call, parameter):
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.parameter == parameter


def test_error_message_format():
    with pytest.raises(ParameterError) as info:
        defect_density_for_yield(1.5, 100.0)
    assert str(info.value) == "die_yield: must be in (0, 1] (got 1.5)"
    with pytest.raises(ParameterError) as info:
        die_yield([0.1, -0.2], 100.0)
    assert str(info.value) == "defect_density_per_cm2: must be finite and >= 0 (got -0.2)"


def test_model_names_are_public_functions():
    for name in YIELD_MODELS:
        assert callable(getattr(yield_models, name))

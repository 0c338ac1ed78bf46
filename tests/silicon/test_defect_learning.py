"""Tests of fabnet.silicon.defect_learning: the assumed exponential D0 learning curve."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabnet.exceptions import ParameterError
from fabnet.silicon.defect_learning import LearningCurve, defect_density, fit_learning_curve


def test_endpoints():
    assert defect_density(0.0, 0.10, 0.05, 0.5) == pytest.approx(0.10, rel=1e-15)
    assert defect_density(1e3, 0.10, 0.05, 0.5) == pytest.approx(0.05, rel=1e-15)
    # One time constant removes a factor e of the excess.
    assert defect_density(0.5, 0.10, 0.05, 0.5) == pytest.approx(0.05 + 0.05 / math.e)


def test_before_hvm_is_entry_density():
    result = defect_density(np.array([-2.0, -0.1, 0.0]), 0.2, 0.05, 0.7)
    np.testing.assert_array_equal(result, [0.2, 0.2, 0.2])


@given(
    t1=st.floats(min_value=-2.0, max_value=10.0),
    t2=st.floats(min_value=-2.0, max_value=10.0),
    entry=st.floats(min_value=0.0, max_value=2.0),
    mature=st.floats(min_value=0.0, max_value=2.0),
    tau=st.floats(min_value=0.05, max_value=5.0),
)
def test_monotone_between_entry_and_mature(t1, t2, entry, mature, tau):
    early, late = sorted((t1, t2))
    d_early = defect_density(early, entry, mature, tau)
    d_late = defect_density(late, entry, mature, tau)
    low, high = sorted((entry, mature))
    assert low - 1e-15 <= d_late <= high + 1e-15
    if entry >= mature:
        assert d_late <= d_early + 1e-15
    else:
        assert d_late >= d_early - 1e-15


def test_fit_tsmc_n5_points():
    # TSMC N5 (domain-facts §2.2, AnandTech 2020-08-25 and the SemiWiki chart reading):
    # ~0.10 /cm² at HVM start, ~0.06 /cm² about four quarters later. The floor is an
    # assumption (0.05 /cm²), so τ = 1 / ln(0.05 / 0.01) years.
    curve = fit_learning_curve([0.0, 1.0], [0.10, 0.06], d0_mature_per_cm2=0.05)
    assert isinstance(curve, LearningCurve)
    assert curve.d0_entry_per_cm2 == pytest.approx(0.10, rel=1e-12)
    assert curve.d0_mature_per_cm2 == 0.05
    assert curve.tau_years == pytest.approx(1 / math.log(5.0), rel=1e-12)
    assert defect_density(1.0, *curve) == pytest.approx(0.06, rel=1e-12)


@given(
    entry=st.floats(min_value=0.06, max_value=2.0),
    mature=st.floats(min_value=0.0, max_value=0.05),
    tau=st.floats(min_value=0.1, max_value=3.0),
)
def test_fit_recovers_the_curve_it_came_from(entry, mature, tau):
    t = np.array([0.0, 0.25, 0.5, 1.0, 1.5])
    observed = defect_density(t, entry, mature, tau)
    curve = fit_learning_curve(t, observed, d0_mature_per_cm2=mature)
    assert curve.d0_entry_per_cm2 == pytest.approx(entry, rel=1e-8)
    assert curve.tau_years == pytest.approx(tau, rel=1e-8)


def test_series_in_series_out():
    pd = pytest.importorskip("pandas")
    t = pd.Series([0.0, 1.0, 2.0], index=pd.Index([2024, 2025, 2026], name="year"))
    result = defect_density(t, 0.1, 0.05, 0.6)
    assert isinstance(result, pd.Series)
    assert result.index.equals(t.index)


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        ((0.0, -0.1, 0.05, 0.5), "d0_entry_per_cm2"),
        ((0.0, 0.1, -0.05, 0.5), "d0_mature_per_cm2"),
        ((0.0, 0.1, 0.05, 0.0), "tau_years"),
        ((float("nan"), 0.1, 0.05, 0.5), "t_years"),
    ],
)
def test_defect_density_rejects_bad_input(args, parameter):
    with pytest.raises(ParameterError) as info:
        defect_density(*args)
    assert info.value.parameter == parameter


@pytest.mark.parametrize(
    ("t", "d0", "mature", "parameter"),
    [
        ([0.0], [0.1], 0.0, "t_years"),  # one point
        ([1.0, 1.0], [0.1, 0.09], 0.0, "t_years"),  # one distinct time
        ([0.0, 1.0], [0.1], 0.0, "d0_per_cm2"),  # length mismatch
        ([0.0, -1.0], [0.1, 0.2], 0.0, "t_years"),  # before HVM
        ([0.0, 1.0], [0.1, 0.04], 0.05, "d0_per_cm2"),  # below the floor
        ([0.0, 1.0], [0.06, 0.1], 0.0, "d0_per_cm2"),  # rising: no positive τ
        ([0.0, 1.0], [0.1, 0.06], -0.01, "d0_mature_per_cm2"),
    ],
)
def test_fit_rejects_bad_input(t, d0, mature, parameter):
    with pytest.raises(ParameterError) as info:
        fit_learning_curve(t, d0, d0_mature_per_cm2=mature)
    assert info.value.parameter == parameter

"""Unit conversions: exact factors, scalars and arrays alike."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from fabnet import units


def test_factors() -> None:
    assert units.mm2_to_cm2(814.0) == 8.14
    assert units.cm2_to_mm2(1.5) == 150.0
    assert units.months_to_years(18.0) == 1.5
    assert units.wafers_per_year(20_000.0) == 240_000.0
    assert units.wspm_from_wafers_per_year(480_000.0) == 40_000.0  # ESMC: 480k/yr = 40k wpm
    assert units.musd_to_usd(12_000.0) == 12e9
    assert units.usd_to_musd(6.6e9) == 6_600.0


def test_arrays_keep_their_shape() -> None:
    areas = np.array([[100.0, 200.0], [814.0, 858.0]])
    out = units.mm2_to_cm2(areas)
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out, areas / 100.0)


@given(st.floats(min_value=1e-6, max_value=1e9, allow_nan=False))
def test_round_trips(x: float) -> None:
    assert np.isclose(units.cm2_to_mm2(units.mm2_to_cm2(x)), x)
    assert np.isclose(units.wspm_from_wafers_per_year(units.wafers_per_year(x)), x)
    assert np.isclose(units.usd_to_musd(units.musd_to_usd(x)), x)


def test_unit_vocabulary_has_meanings() -> None:
    assert {"mm2", "wspm", "musd", "H100e", "fraction"} <= set(units.UNITS)
    assert all(units.UNITS.values())

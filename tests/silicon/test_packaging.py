"""Tests of fabnet.silicon.packaging."""

from __future__ import annotations

import numpy as np
import pytest

from fabnet.exceptions import ParameterError
from fabnet.silicon import exact_count, hennessy_patterson
from fabnet.silicon.packaging import (
    good_packages_per_wafer,
    hbm_stacks_per_dram_wafer,
    interposers_per_wafer,
)


def test_shape_input_uses_best_phase_exact_count():
    count = interposers_per_wafer(width_mm=55.0, height_mm=45.0, edge_exclusion_mm=3.0)
    assert type(count) is int
    assert count == exact_count(55.0, 45.0, 300.0, edge_exclusion_mm=3.0, offset="best")
    assert count == max(
        exact_count(55.0, 45.0, offset=(x, y)) for x in ("odd", "even") for y in ("odd", "even")
    )


def test_area_and_aspect_ratio_equal_shape():
    by_shape = interposers_per_wafer(width_mm=60.0, height_mm=40.0)
    by_area = interposers_per_wafer(2400.0, aspect_ratio=1.5)
    assert by_area == by_shape
    assert type(by_area) is int


def test_area_only_uses_hennessy_patterson_on_effective_diameter():
    estimate = interposers_per_wafer(2500.0, edge_exclusion_mm=3.0)
    assert isinstance(estimate, float)
    assert estimate == pytest.approx(hennessy_patterson(2500.0, 294.0), rel=1e-15)
    assert interposers_per_wafer(2500.0, edge_exclusion_mm=0.0) == pytest.approx(
        hennessy_patterson(2500.0, 300.0), rel=1e-15
    )
    # A scribe lane enlarges the pitch square.
    assert interposers_per_wafer(2500.0, scribe_mm=1.0) == pytest.approx(
        hennessy_patterson(51.0**2, 294.0), rel=1e-15
    )


def test_vectorised_interposers():
    counts = interposers_per_wafer(np.array([1600.0, 2500.0, 3600.0]), aspect_ratio=1.0)
    assert counts.shape == (3,)
    assert np.all(np.diff(counts) < 0)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({}, "interposer_area_mm2"),
        (
            {"interposer_area_mm2": 2500.0, "width_mm": 50.0, "height_mm": 50.0},
            "interposer_area_mm2",
        ),
        ({"width_mm": 50.0}, "width_mm, height_mm"),
        ({"interposer_area_mm2": -1.0}, "interposer_area_mm2"),
        ({"interposer_area_mm2": 2500.0, "aspect_ratio": 0.0}, "aspect_ratio"),
        ({"width_mm": 50.0, "height_mm": -1.0}, "die_height_mm"),
        ({"interposer_area_mm2": 2500.0, "edge_exclusion_mm": 150.0}, "edge_exclusion_mm"),
    ],
)
def test_interposers_bad_input(kwargs, parameter):
    with pytest.raises(ParameterError) as info:
        interposers_per_wafer(**kwargs)
    assert info.value.parameter == parameter


def test_good_packages():
    assert good_packages_per_wafer(21, 0.9) == pytest.approx(18.9)
    with pytest.raises(ParameterError, match=r"^packaging_yield: must be in \(0, 1\]"):
        good_packages_per_wafer(21, 1.2)
    with pytest.raises(ParameterError, match=r"^interposers_per_wafer: must be finite and >= 0"):
        good_packages_per_wafer(-1, 0.9)


def test_hbm_stacks_formula():
    expected = hennessy_patterson(100.0) * 0.8 * 0.9 / 12
    assert hbm_stacks_per_dram_wafer(100.0, 12, 0.8, 0.9) == pytest.approx(expected)
    # Taller stacks need more dies per stack: fewer stacks per wafer.
    stacks = hbm_stacks_per_dram_wafer(100.0, np.array([4, 8, 12, 16]), 0.8, 0.9)
    assert np.all(np.diff(stacks) < 0)


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        ((0.0, 12, 0.8, 0.9), "dram_die_area_mm2"),
        ((100.0, 0, 0.8, 0.9), "dies_per_stack"),
        ((100.0, 12, 0.0, 0.9), "dram_die_yield"),
        ((100.0, 12, 0.8, 1.5), "stack_yield"),
    ],
)
def test_hbm_stacks_bad_input(args, parameter):
    with pytest.raises(ParameterError) as info:
        hbm_stacks_per_dram_wafer(*args)
    assert info.value.parameter == parameter

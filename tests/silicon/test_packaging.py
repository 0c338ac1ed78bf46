"""Tests of fabnet.silicon.packaging."""

from __future__ import annotations

import numpy as np
import pytest

from fabnet.exceptions import ParameterError
from fabnet.silicon import RETICLE_AREA_MM2, exact_count, gross_per_wafer
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


def test_area_only_is_a_square_counted_exactly():
    side = 2500.0**0.5
    count = interposers_per_wafer(2500.0, edge_exclusion_mm=3.0)
    assert type(count) is int
    assert count == gross_per_wafer(side, side) == 21
    assert interposers_per_wafer(2500.0, scribe_mm=1.0) == gross_per_wafer(
        side, side, scribe_mm=1.0
    )


# Hand counts on a 300 mm wafer with the catalog's COWOS figures: 3 mm edge exclusion (usable
# circle of radius 147 mm, the 294 mm circle) and a 0.1 mm saw lane. In each, the best of the
# four grid phases puts a column on the wafer centre (x odd) and a row boundary on it (y even).


def test_h100_interposer_by_hand():
    # 50 × 35 mm (2.04 reticles): pitch 50.1 × 35.1 mm. Rows centred at y = ±17.55, ±52.65,
    # ±87.75, ±122.85 mm; their far edges 35.05, 70.15, 105.25, 140.35 mm leave half-chords
    # √(147² − y²) of 142.8, 129.2, 102.6, 43.7 mm, so |x| + 25 must stay within them:
    # columns at 0, ±50.1, ±100.2 give 5, 5, 3, 1 per row. 2 × (5 + 5 + 3 + 1) = 28.
    assert interposers_per_wafer(width_mm=50.0, height_mm=35.0, scribe_mm=0.1) == 28
    assert exact_count(50.0, 35.0, scribe_mm=0.1, offset=("odd", "even")) == 28


def test_b200_interposer_by_hand():
    # 51 × 56 mm (2,856 mm², 3.33 reticles): pitch 51.1 × 56.1 mm. Rows at y = ±28.05, ±84.15;
    # far edges 56.05 and 112.15 mm; half-chords 135.9 and 95.0 mm; |x| + 25.5 within them:
    # columns 0, ±51.1, ±102.2 give 5 and 3. 2 × (5 + 3) = 16 — the press's "only 16 B200
    # sets per 12-inch wafer at 100 % yield".
    assert interposers_per_wafer(width_mm=51.0, height_mm=56.0, scribe_mm=0.1) == 16


def test_four_reticle_interposer_by_hand():
    # 4 × 858 = 3,432 mm² as a square of 58.58 mm: pitch 58.68 mm. Rows at y = ±29.34, ±88.02;
    # far edges 58.63 and 117.32 mm; half-chords 134.8 and 88.6 mm; |x| + 29.29 within them:
    # columns 0, ±58.68 fit both (±117.4 do not). 4 rows × 3 = 12.
    assert interposers_per_wafer(4 * RETICLE_AREA_MM2, scribe_mm=0.1) == 12
    # The area formula this replaces gave 8.6 (H&P on the 294 mm circle).


def test_multi_reticle_packages_no_longer_collapse():
    # A 9,000 mm² package: H&P on the 294 mm circle gave 0.66; a 94.9 mm square grid holds 4.
    assert interposers_per_wafer(9000.0, scribe_mm=0.1) == 4


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
    gross = gross_per_wafer(11.0, 11.0, scribe_mm=0.1)
    assert gross == 506
    stacks = hbm_stacks_per_dram_wafer(
        11.0, 11.0, dies_per_stack=9, die_yield=0.5, stack_yield=0.8, scribe_mm=0.1
    )
    assert stacks == pytest.approx(506 * 0.5 / 9 * 0.8)
    # Taller stacks need more dies per stack: fewer stacks per wafer.
    taller = hbm_stacks_per_dram_wafer(
        11.0, 11.0, dies_per_stack=np.array([4, 8, 12, 16]), die_yield=0.8, stack_yield=0.9
    )
    assert np.all(np.diff(taller) < 0)


def test_hbm_stacks_take_geometry_by_keyword():
    with pytest.raises(TypeError):
        hbm_stacks_per_dram_wafer(100.0, 12, 0.8, 0.9)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"die_width_mm": 0.0}, "die_width_mm"),
        ({"dies_per_stack": 0}, "dies_per_stack"),
        ({"die_yield": 0.0}, "die_yield"),
        ({"stack_yield": 1.5}, "stack_yield"),
    ],
)
def test_hbm_stacks_bad_input(kwargs, parameter):
    args = {
        "die_width_mm": 11.0,
        "die_height_mm": 11.0,
        "dies_per_stack": 12,
        "die_yield": 0.8,
        "stack_yield": 0.9,
    } | kwargs
    with pytest.raises(ParameterError) as info:
        hbm_stacks_per_dram_wafer(**args)
    assert info.value.parameter == parameter

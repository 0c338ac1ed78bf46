"""Tests of fabnet.silicon.die_per_wafer: published vectors, a die-by-die reference, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabnet.exceptions import ParameterError
from fabnet.silicon import die_per_wafer
from fabnet.silicon.die_per_wafer import (
    EXACT_COUNT_TOLERANCE_MM,
    RETICLE_AREA_MM2,
    RETICLE_WIDTH_MM,
    exact_count,
    flynn,
    gross_per_wafer,
    hennessy_patterson,
    rectangle_for_area,
)

# ---------------------------------------------------------------------------------------------
# Published formula results (domain-facts §6.1). d and S are converted from cm to mm: the die
# count is dimensionless, so 30 cm / 1.5 cm² is 300 mm / 150 mm².
# ---------------------------------------------------------------------------------------------

HP_VECTORS = [
    # (id, S [mm²], d [mm], raw, printed integer, rounding used by the source)
    # G1, G2: H&P 5th ed. solutions, Case Study 1.2a/1.2b (papercamp.com/essay/134143), floor.
    ("G1", 150.0, 300.0, 416.825, 416, math.floor),
    ("G2", 250.0, 300.0, 240.594, 240, math.floor),
    # G3, G4: H&P example quoted at studyx.ai/questions/4le3pmc/blog, rounded.
    ("G3", 225.0, 300.0, 269.730, 270, round),
    ("G4", 100.0, 300.0, 640.215, 640, round),
    # G5: H&P Fig. 1.15, Sandy Bridge 216 mm² on 300 mm (what-when-how.com), rounded.
    ("G5", 216.0, 300.0, 281.904, 282, round),
]

FLYNN_VECTORS = [
    # G6, G7: Flynn 1995, p. 89 (progettoatena.it/.../page_89.html), rounded.
    ("G6", 230.0, 210.0, 129.626, 130, round),
    ("G7", 100.0, 210.0, 314.159, 314, round),
]


@pytest.mark.parametrize(
    ("vector_id", "area", "diameter", "raw", "printed", "rounding"),
    HP_VECTORS,
    ids=[v[0] for v in HP_VECTORS],
)
def test_hennessy_patterson_published(*, vector_id, area, diameter, raw, printed, rounding):
    result = hennessy_patterson(area, diameter)
    assert result == pytest.approx(raw, abs=0.01)
    assert rounding(result) == printed


@pytest.mark.parametrize(
    ("vector_id", "area", "diameter", "raw", "printed", "rounding"),
    FLYNN_VECTORS,
    ids=[v[0] for v in FLYNN_VECTORS],
)
def test_flynn_published(*, vector_id, area, diameter, raw, printed, rounding):
    result = flynn(area, diameter)
    assert result == pytest.approx(raw, abs=0.01)
    assert rounding(result) == printed


def test_sandy_bridge_photo_close_to_exact_count():
    # H&P Fig. 1.15: the wafer photo shows 280 full 20.7 × 10.5 mm dies; the formula says 282.
    # The grid count is not the photo's layout (unknown exclusion and phase), so only closeness.
    count = exact_count(20.7, 10.5, 300.0, edge_exclusion_mm=0.0, offset="best")
    assert abs(count - 280) <= 12


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        # Derived with the H&P formula (domain-facts §6.5): regression anchors, not independent.
        (814.0, 63.479),  # H100
        (858.0, 59.633),  # full reticle
        (100.0, 640.215),
    ],
)
def test_hennessy_patterson_derived_anchors(area, expected):
    assert hennessy_patterson(area) == pytest.approx(expected, abs=1e-3)


def test_formulas_vectorise_and_broadcast():
    areas = np.array([[100.0, 216.0], [814.0, 858.0]])
    result = hennessy_patterson(areas, 300.0)
    assert isinstance(result, np.ndarray)
    assert result.shape == (2, 2)
    assert result[1, 0] == pytest.approx(63.479, abs=1e-3)
    assert flynn(np.array([230.0, 100.0]), 210.0) == pytest.approx([129.626, 314.159], abs=1e-3)


def test_formulas_clip_where_no_die_fits():
    # H&P goes negative once S > d²/8; Flynn is meaningless once √S ≥ d: both give 0 there.
    assert hennessy_patterson(300.0**2 / 4, 300.0) == 0.0
    assert flynn(400.0**2, 300.0) == 0.0
    assert flynn(300.0**2, 300.0) == 0.0


@pytest.mark.parametrize("func", [hennessy_patterson, flynn])
@pytest.mark.parametrize(("area", "diameter"), [(-5.0, 300.0), (0.0, 300.0), (100.0, -1.0)])
def test_formulas_reject_non_positive(func, area, diameter):
    with pytest.raises(ParameterError, match=r"must be finite and > 0"):
        func(area, diameter)


def test_negative_area_message_names_parameter():
    with pytest.raises(ParameterError) as info:
        hennessy_patterson(-5.0)
    assert str(info.value) == "die_area_mm2: must be finite and > 0 (got -5.0)"
    assert info.value.parameter == "die_area_mm2"
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------------------------------------
# Exact grid counts: dougthor42/gdw tests/test_gdw.py, class TestGDWCalculation (MIT), commit
# 0619be7. The first five are the sample quoted in domain-facts §6.2; the rest are the other
# vectors of the same table in that file (odd phases, a 200 mm wafer, numeric offsets).
# ---------------------------------------------------------------------------------------------

GDW_VECTORS = [
    # (id, (die_x, die_y), dia, offset, edge excl, flat excl, expected probe dies)
    ("ints", (5, 5), 150, ("even", "even"), 5, 5, 546),
    ("floats", (5.0, 5.0), 150, ("even", "even"), 5, 5, 546),
    ("t01", (3.34, 3.16), 100, ("even", "even"), 5, 5, 548),
    ("t03", (4.34, 6.44), 150, ("even", "even"), 5, 5, 484),
    ("t04", (1, 1), 150, ("even", "even"), 5, 5, 14902),
    ("t02-1", (2.43, 3.30), 150, ("even", "odd"), 5, 4.5, 1814),
    ("t02-2", (2.43, 3.30), 150, ("even", "even"), 5, 4.5, 1794),
    ("t02-3", (2.43, 3.30), 150, ("odd", "odd"), 5, 4.5, 1800),
    ("t02-4", (2.43, 3.30), 150, ("odd", "even"), 5, 4.5, 1804),
    ("t05", (1, 1), 200, ("odd", "even"), 5, 15, 27435),
    ("t06", (2.9, 3.3), 150, (-1.65, 2.95), 4.5, 4.5, 1529),
    ("t07", (2.69, 1.65), 150, (1.345, 2.1), 4.5, 4.5, 3346),
    ("t08", (4.4, 5.02), 150, (0, -0.2), 4.5, 4.5, 648),
]


@pytest.mark.parametrize(
    ("vector_id", "die", "diameter", "offset", "edge", "flat", "expected"),
    GDW_VECTORS,
    ids=[v[0] for v in GDW_VECTORS],
)
def test_exact_count_gdw_vectors(*, vector_id, die, diameter, offset, edge, flat, expected):
    count = exact_count(
        die[0],
        die[1],
        diameter,
        edge_exclusion_mm=edge,
        flat_exclusion_mm=flat,
        offset=offset,
    )
    assert count == expected
    assert type(count) is int


def test_exact_count_best_is_max_of_four_phases():
    # gdw's maxGDW over the t02 vectors: (even, odd) gives the most, 1814.
    best = exact_count(2.43, 3.30, 150, edge_exclusion_mm=5, flat_exclusion_mm=4.5, offset="best")
    assert best == 1814


# ---------------------------------------------------------------------------------------------
# A die-by-die reference, written only here: enumerate every grid position and test its four
# corners and its lower edge directly.
# ---------------------------------------------------------------------------------------------

_REFERENCE_FLATS = {50.0: 15.88, 75.0: 22.22, 100.0: 32.5, 125.0: 42.5, 150.0: 57.5}


def reference_count(width, height, diameter, *, edge, flat, scribe, offset_x, offset_y):
    """Count dies one by one; centres at (i·px − ox, j·py + oy); same tolerance as the code."""
    tol = EXACT_COUNT_TOLERANCE_MM
    pitch_x, pitch_y = width + scribe, height + scribe
    radius = diameter / 2 - edge
    if diameter in _REFERENCE_FLATS:
        flat_y = -math.sqrt((diameter / 2) ** 2 - (_REFERENCE_FLATS[diameter] / 2) ** 2)
    else:
        flat_y = -diameter / 2
    n_x = math.ceil((diameter / 2 + abs(offset_x)) / pitch_x) + 1
    n_y = math.ceil((diameter / 2 + abs(offset_y)) / pitch_y) + 1
    count = 0
    for i in range(-n_x, n_x + 1):
        for j in range(-n_y, n_y + 1):
            cx, cy = i * pitch_x - offset_x, j * pitch_y + offset_y
            corners_in = all(
                math.hypot(cx + sx * width / 2, cy + sy * height / 2) <= radius + tol
                for sx in (-1, 1)
                for sy in (-1, 1)
            )
            if corners_in and cy - height / 2 >= flat_y + flat - tol:
                count += 1
    return count


def _phase_mm(phase, pitch):
    return {"odd": 0.0, "even": pitch / 2}.get(phase, phase)


# Sizes on a 0.05 mm grid hit exact boundaries often (corners on the circle), which tests that
# the tolerance is applied the same way in the closed form as corner by corner.
_mm = st.integers(min_value=20, max_value=600).map(lambda k: k * 0.05)
_phase = st.one_of(
    st.sampled_from(["odd", "even"]),
    st.floats(min_value=-5.0, max_value=5.0, allow_nan=False),
)


@settings(max_examples=150, deadline=None)
@given(
    width=_mm,
    height=_mm,
    diameter=st.one_of(
        st.sampled_from([50.0, 75.0, 100.0, 125.0, 150.0]),
        st.integers(min_value=12, max_value=120).map(float),
        st.floats(min_value=12.0, max_value=120.0),
    ),
    edge=st.one_of(st.sampled_from([0.0, 3.0, 5.0]), st.floats(min_value=0.0, max_value=4.9)),
    flat=st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=10.0)),
    scribe=st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=0.5)),
    phase_x=_phase,
    phase_y=_phase,
)
def test_exact_count_matches_die_by_die_reference(
    *, width, height, diameter, edge, flat, scribe, phase_x, phase_y
):
    expected = reference_count(
        width,
        height,
        diameter,
        edge=edge,
        flat=flat,
        scribe=scribe,
        offset_x=_phase_mm(phase_x, width + scribe),
        offset_y=_phase_mm(phase_y, height + scribe),
    )
    count = exact_count(
        width,
        height,
        diameter,
        edge_exclusion_mm=edge,
        flat_exclusion_mm=flat,
        scribe_mm=scribe,
        offset=(phase_x, phase_y),
    )
    assert count == expected


def test_exact_count_corner_exactly_on_circle_counts():
    # 1 mm dies, even phase, R = 70: the die with corners (41, 55)–(42, 56) touches the circle
    # at (42, 56) since 42² + 56² = 70². It must count, as gdw counts it (t04 is 14902).
    # 200 mm has no SEMI flat, so only the radius changes between the two calls.
    geometry = {"edge_exclusion_mm": 30.0, "offset": ("even", "even")}
    on_circle = exact_count(1.0, 1.0, 200.0, **geometry)
    slightly_smaller = exact_count(1.0, 1.0, 200.0 - 1e-6, **geometry)
    # (±42, ±56) and (±56, ±42): 8 dies touch the circle; the rest are > 1e-6 mm inside.
    assert on_circle - slightly_smaller == 8


_phase_name = st.sampled_from(["odd", "even"])


@settings(max_examples=60, deadline=None)
@given(
    width=st.floats(min_value=2.0, max_value=40.0),
    height=st.floats(min_value=2.0, max_value=40.0),
    d1=st.floats(min_value=150.5, max_value=450.0),
    d2=st.floats(min_value=150.5, max_value=450.0),
    edge=st.floats(min_value=0.0, max_value=10.0),
    phase=st.one_of(st.tuples(_phase_name, _phase_name), st.just("best")),
)
def test_exact_count_non_decreasing_in_diameter(*, width, height, d1, d2, edge, phase):
    small, large = sorted((d1, d2))
    kwargs = {"edge_exclusion_mm": edge, "flat_exclusion_mm": 0.0, "offset": phase}
    assert exact_count(width, height, small, **kwargs) <= exact_count(
        width, height, large, **kwargs
    )


@settings(max_examples=60, deadline=None)
@given(
    width=st.floats(min_value=1.0, max_value=40.0),
    height=st.floats(min_value=1.0, max_value=40.0),
    diameter=st.floats(min_value=50.0, max_value=450.0),
    edge=st.floats(min_value=0.0, max_value=10.0),
    scribe=st.floats(min_value=0.0, max_value=1.0),
    phase=st.one_of(st.tuples(_phase_name, _phase_name), st.just("best")),
)
def test_exact_count_below_area_bound(*, width, height, diameter, edge, scribe, phase):
    radius = diameter / 2 - edge + EXACT_COUNT_TOLERANCE_MM
    kwargs = {"edge_exclusion_mm": edge, "offset": phase}
    # Dies do not overlap and lie inside the circle.
    with_scribe = exact_count(width, height, diameter, scribe_mm=scribe, **kwargs)
    assert with_scribe <= math.floor(math.pi * radius**2 / (width * height))
    # Without scribe the pitch cells are the dies: the bound of the task statement.
    no_scribe = exact_count(width, height, diameter, **kwargs)
    assert no_scribe <= math.floor(math.pi * radius**2 / (width * height))


def test_exact_count_flat_line_for_notched_wafers_is_bottom_band():
    # 300 mm has no SEMI flat: a flat exclusion is a band above y = -150 mm.
    base = exact_count(1.0, 1.0, 300.0, edge_exclusion_mm=3.0, offset=("odd", "even"))
    banded = exact_count(
        1.0, 1.0, 300.0, edge_exclusion_mm=3.0, flat_exclusion_mm=20.0, offset=("odd", "even")
    )
    band = {"edge": 3.0, "scribe": 0.0, "offset_x": 0.0, "offset_y": 0.5}
    expected_loss = reference_count(1.0, 1.0, 300.0, flat=0.0, **band) - reference_count(
        1.0, 1.0, 300.0, flat=20.0, **band
    )
    assert base - banded == expected_loss > 0


def test_exact_count_die_too_large_gives_zero():
    assert exact_count(400.0, 10.0) == 0
    assert exact_count(250.0, 250.0) == 0  # diagonal exceeds the usable 294 mm diameter
    assert exact_count(10.0, 10.0, 20.0, edge_exclusion_mm=9.0) == 0


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"die_width_mm": 0.0}, "die_width_mm"),
        ({"die_height_mm": -1.0}, "die_height_mm"),
        ({"wafer_diameter_mm": 0.0}, "wafer_diameter_mm"),
        ({"wafer_diameter_mm": float("nan")}, "wafer_diameter_mm"),
        ({"edge_exclusion_mm": -0.1}, "edge_exclusion_mm"),
        ({"edge_exclusion_mm": 150.0}, "edge_exclusion_mm"),
        ({"flat_exclusion_mm": -1.0}, "flat_exclusion_mm"),
        ({"scribe_mm": -0.1}, "scribe_mm"),
        ({"offset": ("odd", "middle")}, "offset[y]"),
        ({"offset": ("center", "odd")}, "offset[x]"),
        ({"offset": (float("inf"), 0.0)}, "offset[x]"),
        ({"offset": "worst"}, "offset"),
        ({"offset": ("odd",)}, "offset"),
    ],
)
def test_exact_count_rejects_bad_input(kwargs, parameter):
    args = {"die_width_mm": 10.0, "die_height_mm": 10.0} | kwargs
    with pytest.raises(ParameterError) as info:
        exact_count(**args)
    assert info.value.parameter == parameter
    assert str(info.value).startswith(f"{parameter}: must be ")


def test_exact_count_broadcasts_over_arrays():
    counts = exact_count(np.array([[5.0], [10.0]]), np.array([5.0, 10.0, 20.0]), offset="best")
    assert counts.shape == (2, 3)
    assert counts.dtype == np.int64
    assert counts[1, 1] == exact_count(10.0, 10.0, offset="best")


def test_exact_count_scribe_is_pitch():
    # A scribe lane s on 9.9 mm dies gives the same grid as 10 mm dies except that the die must
    # be inside, not the pitch cell: never fewer dies.
    assert exact_count(9.9, 9.9, scribe_mm=0.1) >= exact_count(10.0, 10.0)


def test_module_is_importable_as_attribute():
    from fabnet import silicon

    assert silicon.die_per_wafer.flynn is die_per_wafer.flynn
    assert silicon.exact_count is exact_count


# ---------------------------------------------------------------------------------------------
# gross_per_wafer: the one count of the outlook, and the shape rule for items known by area
# ---------------------------------------------------------------------------------------------


def test_gross_per_wafer_is_best_phase_exact_count():
    for width, height in [(26.0, 31.3), (11.0, 11.0), (51.0, 56.0)]:
        best = max(
            exact_count(width, height, scribe_mm=0.1, offset=(x, y))
            for x in ("odd", "even")
            for y in ("odd", "even")
        )
        assert gross_per_wafer(width, height, scribe_mm=0.1) == best


def test_gross_per_wafer_reproduces_the_gdw_vector_at_the_best_phase():
    # gdw `ints` (domain-facts §6.2) is at phase (even, even) with a flat keep-out; without the
    # keep-out the best phase can only do as well or better.
    at_phase = exact_count(
        5, 5, 150, edge_exclusion_mm=5, flat_exclusion_mm=5, offset=("even", "even")
    )
    assert at_phase == 546
    assert gross_per_wafer(5, 5, 150, edge_exclusion_mm=5) >= 546


def test_h100_die_by_hand():
    # 26 × 31.3 mm (814 mm² under the 26 mm reticle-width rule), pitch 26.1 × 31.4 mm with a
    # 0.1 mm scribe, usable radius 150 − 3 = 147 mm. Best phase: a die centred on the wafer on
    # both axes (odd, odd). Row centres y = 0, ±31.4, ±62.8, ±94.2, ±125.6 mm; far edges 15.65,
    # 47.05, 78.45, 109.85, 141.25 mm; half-chords √(147² − y²) = 146.2, 139.3, 124.3, 97.7,
    # 40.7 mm; whole dies per row (centres 0, ±26.1, ±52.2, … with |x| + 13 ≤ half-chord): 11,
    # 9, 9, 7, 3. Total 11 + 2 × (9 + 9 + 7 + 3) = 67 (H&P's area formula: 63.5).
    assert exact_count(26.0, 31.3, scribe_mm=0.1, offset=("odd", "odd")) == 67
    assert gross_per_wafer(26.0, 31.3, scribe_mm=0.1) == 67
    # Shifting the columns half a pitch (even, odd) gives 2, 6, 8, 10, 10, 10, 8, 6, 2 = 62.
    assert exact_count(26.0, 31.3, scribe_mm=0.1, offset=("even", "odd")) == 62


def test_rectangle_for_area_rule():
    assert rectangle_for_area(400.0) == (20.0, 20.0)
    assert rectangle_for_area(400.0, max_width_mm=RETICLE_WIDTH_MM) == (20.0, 20.0)
    width, height = rectangle_for_area(814.0, max_width_mm=RETICLE_WIDTH_MM)
    assert width == 26.0
    assert height == pytest.approx(814.0 / 26.0)
    side = math.sqrt(4 * RETICLE_AREA_MM2)
    assert rectangle_for_area(4 * RETICLE_AREA_MM2) == pytest.approx((side, side))
    widths, heights = rectangle_for_area(np.array([100.0, 900.0]), max_width_mm=26.0)
    assert widths * heights == pytest.approx([100.0, 900.0])
    with pytest.raises(ParameterError, match=r"^area_mm2: must be finite and > 0"):
        rectangle_for_area(0.0)


@settings(max_examples=80, deadline=None)
@given(
    a1=st.floats(min_value=20.0, max_value=12_000.0),
    a2=st.floats(min_value=20.0, max_value=12_000.0),
    capped=st.booleans(),
    edge=st.floats(min_value=0.0, max_value=5.0),
    scribe=st.floats(min_value=0.0, max_value=0.5),
    yield_=st.floats(min_value=0.05, max_value=1.0),
)
def test_more_area_never_gives_more_good_items(*, a1, a2, capped, edge, scribe, yield_):
    # Whatever the item (a die under the 26 mm reticle-width rule, or a square interposer or HBM
    # die), a larger area gives no more gross items per wafer, hence no more good ones at the
    # same yield (and die yields only fall with area).
    small, large = sorted((a1, a2))
    cap = RETICLE_WIDTH_MM if capped else None
    kwargs = {"edge_exclusion_mm": edge, "scribe_mm": scribe}
    few = gross_per_wafer(*rectangle_for_area(large, max_width_mm=cap), **kwargs)
    many = gross_per_wafer(*rectangle_for_area(small, max_width_mm=cap), **kwargs)
    assert few * yield_ <= many * yield_


@settings(max_examples=60, deadline=None)
@given(
    width=st.floats(min_value=2.0, max_value=120.0),
    height=st.floats(min_value=2.0, max_value=120.0),
    grow=st.floats(min_value=0.0, max_value=30.0),
    scribe=st.floats(min_value=0.0, max_value=0.5),
)
def test_gross_per_wafer_never_rises_when_one_side_grows(*, width, height, grow, scribe):
    base = gross_per_wafer(width, height, scribe_mm=scribe)
    assert gross_per_wafer(width + grow, height, scribe_mm=scribe) <= base
    assert gross_per_wafer(width, height + grow, scribe_mm=scribe) <= base

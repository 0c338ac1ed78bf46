"""Gross dies per wafer: the two textbook estimates and an exact grid count.

* :func:`hennessy_patterson` — wafer area over die area, less the dies lost on the circumference.
* :func:`flynn` — wafer area with the diameter shortened by one die edge, over die area.
* :func:`exact_count` — a rectangular grid placed on the wafer, dies kept only when they lie
  wholly inside the edge exclusion and above the flat keep-out; counted row by row in closed form.
* :func:`gross_per_wafer` — the exact count at the best of the four grid phases: the one count
  fabnet's outlook uses for logic dies, I/O dies, interposers and HBM core dies alike.
* :func:`rectangle_for_area` — the documented shape of an item known only by its area.

All lengths are in mm, areas in mm².
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final, Literal, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt

from fabnet import units
from fabnet.exceptions import ParameterError
from fabnet.silicon._array import (
    FloatOrArray,
    IntOrArray,
    float_like,
    int_like,
    non_negative,
    positive,
    require,
)

__all__ = [
    "EXACT_COUNT_TOLERANCE_MM",
    "RETICLE_AREA_MM2",
    "RETICLE_HEIGHT_MM",
    "RETICLE_WIDTH_MM",
    "exact_count",
    "flynn",
    "gross_per_wafer",
    "hennessy_patterson",
    "rectangle_for_area",
]

#: Slack [mm] of every geometric comparison in :func:`exact_count`: a die corner counts as inside
#: when its distance from the wafer centre is at most ``R + EXACT_COUNT_TOLERANCE_MM``, and a die's
#: lower edge counts as clear of the flat keep-out when it is at most this much below it. It makes
#: a corner lying exactly on the circle (e.g. (42, 56) on R = 70) count as inside despite rounding.
EXACT_COUNT_TOLERANCE_MM = 1e-9

#: Primary-flat length [mm] by wafer diameter [mm], SEMI M1-0302 (as used by dougthor42/gdw);
#: looked up by exact diameter, as gdw does.
_SEMI_FLAT_LENGTH_MM: Final[Mapping[float, float]] = {
    50.0: 15.88,
    75.0: 22.22,
    100.0: 32.5,
    125.0: 42.5,
    150.0: 57.5,
}

#: The lithography exposure field (reticle) [mm]: 26 mm × 33 mm = 858 mm², the largest die one
#: exposure prints; interposers larger than it are quoted in reticle multiples (the figures live
#: in :mod:`fabnet.units`, which converts reticles to mm²).
RETICLE_WIDTH_MM: Final = units.RETICLE_WIDTH_MM
RETICLE_HEIGHT_MM: Final = units.RETICLE_HEIGHT_MM
RETICLE_AREA_MM2: Final = units.MM2_PER_RETICLE

Phase: TypeAlias = Literal["odd", "even"] | float
Offset: TypeAlias = tuple[Phase, Phase] | Literal["best"]


def _area_and_diameter(
    die_area_mm2: npt.ArrayLike, wafer_diameter_mm: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    return positive(die_area_mm2, "die_area_mm2"), positive(wafer_diameter_mm, "wafer_diameter_mm")


def hennessy_patterson(
    die_area_mm2: npt.ArrayLike, wafer_diameter_mm: npt.ArrayLike = 300.0
) -> FloatOrArray:
    """Gross dies per wafer by the Hennessy & Patterson formula.

    ``DPW = π (d/2)² / S − π d / √(2 S)``: the wafer area over the die area, less the dies lost on
    the circumference (the area within half a die diagonal of the edge).

    Parameters
    ----------
    die_area_mm2 : array_like
        Die area S [mm²] (the die pitch area, if scribe lanes are to be counted).
    wafer_diameter_mm : array_like, default 300.0
        Wafer diameter d [mm].

    Returns
    -------
    float, ndarray or Series
        Gross dies per wafer [dies], a raw (unrounded) estimate, the kind of the inputs.

    Raises
    ------
    ParameterError
        If an area or a diameter is not finite and > 0.

    Notes
    -----
    The formula goes negative once ``S > d²/8`` (a die of about a third of the wafer); it is
    clipped at 0 there, since no die fits anyway.

    References
    ----------
    .. [1] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       5th ed., Morgan Kaufmann, 2012, §1.6 (cost of an integrated circuit) and Fig. 1.15;
       http://what-when-how.com/Tutorial/topic-283iss/Computer-Architecture-A-Quantitative-Approach-58.html

    Examples
    --------
    Sandy Bridge (216 mm²) on a 300 mm wafer, H&P Fig. 1.15 (printed as 282):

    >>> round(hennessy_patterson(216.0), 3)
    281.904
    >>> hennessy_patterson([100.0, 814.0]).round(3)
    array([640.215,  63.479])
    """
    area, diameter = _area_and_diameter(die_area_mm2, wafer_diameter_mm)
    dies = np.pi * (diameter / 2) ** 2 / area - np.pi * diameter / np.sqrt(2 * area)
    return float_like(np.maximum(dies, 0.0), die_area_mm2, wafer_diameter_mm)


def flynn(die_area_mm2: npt.ArrayLike, wafer_diameter_mm: npt.ArrayLike = 300.0) -> FloatOrArray:
    """Gross dies per wafer by Flynn's formula.

    ``N = π (d − √S)² / (4 S)``: the wafer area with the diameter shortened by one die edge, over
    the die area.

    Parameters
    ----------
    die_area_mm2 : array_like
        Die area S [mm²].
    wafer_diameter_mm : array_like, default 300.0
        Wafer diameter d [mm].

    Returns
    -------
    float, ndarray or Series
        Gross dies per wafer [dies], a raw (unrounded) estimate, the kind of the inputs.

    Raises
    ------
    ParameterError
        If an area or a diameter is not finite and > 0.

    Notes
    -----
    The formula is meaningful only for ``√S < d``; for a die edge at least the wafer diameter
    it would grow again, so it returns 0 there.

    References
    ----------
    .. [1] M. J. Flynn, *Computer Architecture: Pipelined and Parallel Processor Design*,
       Jones and Bartlett, 1995, p. 89;
       https://www.progettoatena.it/manuali/computer_architecture/files/page_89.html

    Examples
    --------
    Flynn's worked example, a 2.3 cm² die on a 21 cm wafer (printed as 130):

    >>> round(flynn(230.0, wafer_diameter_mm=210.0), 3)
    129.626
    """
    area, diameter = _area_and_diameter(die_area_mm2, wafer_diameter_mm)
    edge = np.sqrt(area)
    dies = np.where(edge < diameter, np.pi * (diameter - edge) ** 2 / (4 * area), 0.0)
    return float_like(dies, die_area_mm2, wafer_diameter_mm)


def _flat_line_mm(wafer_diameter_mm: float) -> float:
    """The y [mm] of the flat (or of the wafer bottom, for wafers without a SEMI flat)."""
    radius = wafer_diameter_mm / 2
    flat_length = _SEMI_FLAT_LENGTH_MM.get(wafer_diameter_mm)
    if flat_length is None:
        return -radius
    return -math.sqrt(radius**2 - (flat_length / 2) ** 2)


def _phase_offset(phase: Phase, pitch_mm: float, axis: str) -> float:
    """Offset [mm] of the grid on one axis: 'odd' → 0, 'even' → half a pitch, a number → itself."""
    if isinstance(phase, str):
        if phase == "odd":
            return 0.0
        if phase == "even":
            return pitch_mm / 2
    elif isinstance(phase, int | float | np.integer | np.floating) and math.isfinite(phase):
        return float(phase)
    raise ParameterError(f"offset[{axis}]", "'odd', 'even' or a finite number [mm]", phase)


class _Geometry(NamedTuple):
    """One wafer-and-die configuration of :func:`exact_count`, all in mm."""

    width: float
    height: float
    diameter: float
    edge_exclusion: float
    flat_exclusion: float
    scribe: float


def _count_grid(geometry: _Geometry, offset_x: float, offset_y: float) -> int:
    """Dies of one grid that fit, counted per row; die centres at (i·px − ox, j·py + oy)."""
    width, height, diameter, edge_exclusion, flat_exclusion, scribe = geometry
    pitch_x, pitch_y = width + scribe, height + scribe
    radius = diameter / 2 - edge_exclusion + EXACT_COUNT_TOLERANCE_MM
    lowest_edge = _flat_line_mm(diameter) + flat_exclusion - EXACT_COUNT_TOLERANCE_MM
    # Rows whose centre y = j·py + oy keeps the die within ±radius and above the flat line.
    y_min = max(-radius, lowest_edge) + height / 2
    y_max = radius - height / 2
    first_row = math.ceil((y_min - offset_y) / pitch_y)
    last_row = math.floor((y_max - offset_y) / pitch_y)
    if last_row < first_row:
        return 0
    centre_y = np.arange(first_row, last_row + 1) * pitch_y + offset_y
    far_edge_y = np.abs(centre_y) + height / 2
    # Half-chord of the circle at the row's farther edge bounds |centre x| + width/2.
    half_chord = np.sqrt(np.maximum(radius**2 - far_edge_y**2, 0.0))
    centre_x_max = half_chord - width / 2
    first = np.ceil((offset_x - centre_x_max) / pitch_x)
    last = np.floor((offset_x + centre_x_max) / pitch_x)
    per_row = np.where(centre_x_max >= 0, np.maximum(last - first + 1, 0), 0)
    return int(per_row.sum())


def _count_best(geometry: _Geometry, offset: Offset) -> int:
    """:func:`_count_grid` at the phase ``offset``, or the best of the four for ``'best'``."""
    if isinstance(offset, str) and offset == "best":
        phases: list[tuple[Phase, Phase]] = [
            (x, y) for x in ("odd", "even") for y in ("odd", "even")
        ]
    elif isinstance(offset, tuple) and len(offset) == 2:
        phases = [offset]
    else:
        raise ParameterError("offset", "'best' or a pair of 'odd', 'even' or mm", offset)
    return max(
        _count_grid(
            geometry,
            _phase_offset(phase_x, geometry.width + geometry.scribe, "x"),
            _phase_offset(phase_y, geometry.height + geometry.scribe, "y"),
        )
        for phase_x, phase_y in phases
    )


def exact_count(
    die_width_mm: npt.ArrayLike,
    die_height_mm: npt.ArrayLike,
    wafer_diameter_mm: npt.ArrayLike = 300.0,
    *,
    edge_exclusion_mm: npt.ArrayLike = 3.0,
    flat_exclusion_mm: npt.ArrayLike = 0.0,
    scribe_mm: npt.ArrayLike = 0.0,
    offset: Offset = ("odd", "odd"),
) -> IntOrArray:
    """Whole dies of a rectangular grid that fit on a wafer, counted exactly.

    Dies of ``die_width_mm × die_height_mm`` are placed on a grid of pitch
    ``(width + scribe) × (height + scribe)``. A die counts when all four of its corners lie
    within ``R = wafer_diameter_mm/2 − edge_exclusion_mm`` of the centre and its lower edge is
    at least ``flat_exclusion_mm`` above the flat line.

    Parameters
    ----------
    die_width_mm : array_like
        Die width, along x [mm].
    die_height_mm : array_like
        Die height, along y (perpendicular to the flat) [mm].
    wafer_diameter_mm : array_like, default 300.0
        Wafer diameter d [mm].
    edge_exclusion_mm : array_like, default 3.0
        Unusable ring at the wafer edge [mm]; must be < d/2.
    flat_exclusion_mm : array_like, default 0.0
        Keep-out above the flat line [mm]. The flat line is the SEMI M1 primary flat,
        ``y = −√((d/2)² − (L/2)²)`` with ``L`` = 15.88, 22.22, 32.5, 42.5, 57.5 mm for
        d = 50, 75, 100, 125, 150 mm; for any other diameter (200 mm, 300 mm: notched wafers)
        it is ``y = −d/2``, so the keep-out acts as a band above the wafer bottom.
    scribe_mm : array_like, default 0.0
        Scribe-lane width added to the die on each axis to make the pitch [mm].
    offset : {('odd' | 'even' | float, 'odd' | 'even' | float), 'best'}, default ('odd', 'odd')
        Grid phase (x, y). ``'odd'``: a die centred on the wafer centre on that axis;
        ``'even'``: shifted by half a pitch (a die edge on the centre when there is no scribe);
        a number [mm]: die centres at ``x = i·pitch_x − ox`` and ``y = j·pitch_y + oy``.
        ``'best'``: the most dies over the four odd/even combinations.

    Returns
    -------
    int, ndarray or Series
        Gross dies per wafer [dies], the kind of the inputs (the numeric parameters broadcast).

    Raises
    ------
    ParameterError
        If a die size or the diameter is not finite and > 0, an exclusion or the scribe is
        negative, the edge exclusion leaves no wafer, or the offset is not one of the above.
        A die too large to fit is not an error: it gives 0.

    Notes
    -----
    Semantics follow dougthor42/gdw (``gdw.gdw``, ``maxGDW``); its test vectors are reproduced
    exactly. The dies of each row are counted in closed form: the row's farther edge ``y_f``
    bounds ``|x| + width/2 ≤ √(R² − y_f²)``, and the grid indices ``i`` in that interval are
    counted with floor/ceil, vectorised over rows (about 300 rows for 1 mm dies on 300 mm).
    Every comparison has a slack of :data:`EXACT_COUNT_TOLERANCE_MM` (1e-9 mm): a corner
    exactly on the circle, or a lower edge exactly on the keep-out line, counts as inside.
    The scribe lane itself may overhang the exclusion radius; only the die must be inside.

    References
    ----------
    .. [1] D. Thor, *gdw: Gross Die per Wafer calculator*, MIT licence, 2023,
       https://github.com/dougthor42/gdw (``src/gdw/gdw.py``, ``tests/test_gdw.py``).
    .. [2] SEMI M1-0302, *Specifications for Polished Monocrystalline Silicon Wafers*
       (primary-flat lengths).

    Examples
    --------
    gdw's test vector: 5 mm dies on a 150 mm wafer, grid phase (even, even), 5 mm edge and
    5 mm flat exclusion:

    >>> exact_count(5, 5, 150, edge_exclusion_mm=5, flat_exclusion_mm=5, offset=("even", "even"))
    546

    An 814 mm² (H100-sized) die, taken as 26 × 31.3 mm for illustration, on a 300 mm wafer with
    3 mm edge exclusion, best phase (H&P's formula estimates 63.5):

    >>> exact_count(26.0, 31.3, offset="best")
    67
    >>> exact_count([10.0, 20.0], 10.0, offset="best")
    array([621, 300])
    """
    width = positive(die_width_mm, "die_width_mm")
    height = positive(die_height_mm, "die_height_mm")
    diameter = positive(wafer_diameter_mm, "wafer_diameter_mm")
    edge = non_negative(edge_exclusion_mm, "edge_exclusion_mm")
    flat = non_negative(flat_exclusion_mm, "flat_exclusion_mm")
    scribe = non_negative(scribe_mm, "scribe_mm")
    require(edge < diameter / 2, edge, "edge_exclusion_mm", "< wafer_diameter_mm / 2")
    grid = np.broadcast(width, height, diameter, edge, flat, scribe)
    counts = np.fromiter(
        (_count_best(_Geometry(*(float(value) for value in values)), offset) for values in grid),
        dtype=np.int64,
        count=grid.size,
    ).reshape(grid.shape)
    return int_like(
        counts,
        die_width_mm,
        die_height_mm,
        wafer_diameter_mm,
        edge_exclusion_mm,
        flat_exclusion_mm,
        scribe_mm,
    )


def gross_per_wafer(
    width_mm: npt.ArrayLike,
    height_mm: npt.ArrayLike,
    wafer_diameter_mm: npt.ArrayLike = 300.0,
    *,
    edge_exclusion_mm: npt.ArrayLike = 3.0,
    scribe_mm: npt.ArrayLike = 0.0,
) -> IntOrArray:
    """Gross rectangles per wafer: the exact grid count at the best of the four grid phases.

    One function for every item cut from a wafer — a logic or I/O die, a silicon interposer, an
    HBM core DRAM die: :func:`exact_count` with ``offset='best'`` and no flat keep-out (300 mm
    wafers are notched).

    Parameters
    ----------
    width_mm : array_like
        Item width, along x [mm], > 0.
    height_mm : array_like
        Item height, along y [mm], > 0.
    wafer_diameter_mm : array_like, default 300.0
        Wafer diameter d [mm].
    edge_exclusion_mm : array_like, default 3.0
        Unusable ring at the wafer edge [mm]; the catalog gives one per resource.
    scribe_mm : array_like, default 0.0
        Scribe (saw) lane added to the item on each axis to make the pitch [mm]; the catalog
        gives one per resource.

    Returns
    -------
    int, ndarray or Series
        Gross items per wafer [items], the kind of the inputs.

    Raises
    ------
    ParameterError
        As :func:`exact_count`: a size not > 0, a negative exclusion or scribe, or an edge
        exclusion that leaves no wafer.

    Notes
    -----
    The count never rises when the item grows on either axis (at fixed wafer, exclusion and
    scribe): shrinking a grid of larger items towards the wafer centre, axis by axis, maps it
    into the wafer and leaves room for the smaller items at the same grid positions and phase.

    References
    ----------
    .. [1] D. Thor, *gdw: Gross Die per Wafer calculator*, MIT licence, 2023,
       https://github.com/dougthor42/gdw (``maxGDW``: best of the four phases).

    Examples
    --------
    A 51 mm × 56 mm interposer (3.3 reticles) on a 300 mm wafer with 3 mm edge exclusion:

    >>> gross_per_wafer(51.0, 56.0)
    16
    >>> gross_per_wafer([11.0, 26.0], [11.0, 31.3], scribe_mm=0.1)
    array([506,  67])
    """
    return exact_count(
        width_mm,
        height_mm,
        wafer_diameter_mm,
        edge_exclusion_mm=edge_exclusion_mm,
        scribe_mm=scribe_mm,
        offset="best",
    )


def rectangle_for_area(
    area_mm2: npt.ArrayLike, *, max_width_mm: npt.ArrayLike | None = None
) -> tuple[FloatOrArray, FloatOrArray]:
    """Width and height of an item known only by its area: a square, or a width-capped rectangle.

    The rule fabnet applies where a product gives an area but no shape: a square of side
    ``√area``; with ``max_width_mm``, the width is capped there and the height takes the rest,
    ``max_width_mm × area / max_width_mm``. Logic and I/O dies use the reticle's short side
    (:data:`RETICLE_WIDTH_MM`, 26 mm) as the cap, since a die printed in one exposure cannot be
    wider — a square above 676 mm² could not be printed; interposers (stitched from several
    exposures) are squares.

    Parameters
    ----------
    area_mm2 : array_like
        Item area [mm²], > 0.
    max_width_mm : array_like, optional
        Largest width [mm], > 0; none by default (a square).

    Returns
    -------
    (width, height) : tuple of float, ndarray or Series
        Width ≤ height [mm], the kind of the inputs; ``width × height = area``.

    Raises
    ------
    ParameterError
        If the area or the cap is not finite and > 0.

    Notes
    -----
    Neither side ever shrinks as the area grows, so with :func:`gross_per_wafer` a larger area
    never gives more items per wafer.

    Examples
    --------
    An 814 mm² die (H100) is 26 mm × 31.3 mm; a 400 mm² die is a 20 mm square:

    >>> w, h = rectangle_for_area([814.0, 400.0], max_width_mm=RETICLE_WIDTH_MM)
    >>> w.round(2), h.round(2)
    (array([26., 20.]), array([31.31, 20.  ]))

    A 4-reticle interposer (4 × 858 mm²) is a 58.6 mm square:

    >>> [round(side, 1) for side in rectangle_for_area(4 * RETICLE_AREA_MM2)]
    [58.6, 58.6]
    """
    area = positive(area_mm2, "area_mm2")
    width = np.sqrt(area)
    if max_width_mm is not None:
        width = np.minimum(width, positive(max_width_mm, "max_width_mm"))
    inputs = (area_mm2,) if max_width_mm is None else (area_mm2, max_width_mm)
    return float_like(width, *inputs), float_like(area / width, *inputs)

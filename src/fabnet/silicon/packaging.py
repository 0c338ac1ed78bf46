"""Advanced packaging: interposers per wafer, good packages per wafer, HBM stacks per DRAM wafer.

A CoWoS-class package puts logic dies and HBM stacks side by side on a silicon interposer (or
an organic interposer with silicon bridges) that is itself cut from a 300 mm wafer, so packaging
capacity in wafers per month turns into packages through the same die-per-wafer geometry as the
logic. HBM stacks are built from DRAM dies thinned, drilled with through-silicon vias (TSVs) and
stacked 8 or 12 high.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fabnet.exceptions import ParameterError
from fabnet.silicon._array import (
    FloatOrArray,
    IntOrArray,
    float_like,
    fraction,
    int_like,
    non_negative,
    positive,
    require,
)
from fabnet.silicon.cost_per_die import _good_units
from fabnet.silicon.die_per_wafer import exact_count, hennessy_patterson

__all__ = ["good_packages_per_wafer", "hbm_stacks_per_dram_wafer", "interposers_per_wafer"]


def interposers_per_wafer(
    interposer_area_mm2: npt.ArrayLike | None = None,
    wafer_diameter_mm: npt.ArrayLike = 300.0,
    *,
    width_mm: npt.ArrayLike | None = None,
    height_mm: npt.ArrayLike | None = None,
    aspect_ratio: npt.ArrayLike | None = None,
    edge_exclusion_mm: npt.ArrayLike = 3.0,
    scribe_mm: npt.ArrayLike = 0.0,
) -> FloatOrArray | IntOrArray:
    """Gross rectangular interposers per wafer.

    Give the interposer either as ``width_mm`` and ``height_mm``, as ``interposer_area_mm2`` and
    ``aspect_ratio`` (width / height), or as ``interposer_area_mm2`` alone:

    * with a shape (the first two forms), the result is the exact grid count of
      :func:`~fabnet.silicon.die_per_wafer.exact_count` at the best of the four grid phases, an
      integer;
    * with an area alone, it is the :func:`~fabnet.silicon.die_per_wafer.hennessy_patterson`
      estimate for a square of pitch ``(√area + scribe)²`` on the effective diameter
      ``wafer_diameter_mm − 2·edge_exclusion_mm``, a raw float.

    Parameters
    ----------
    interposer_area_mm2 : array_like, optional
        Interposer area [mm²], > 0. Not with ``width_mm``/``height_mm``.
    wafer_diameter_mm : array_like, default 300.0
        Interposer-wafer diameter [mm].
    width_mm : array_like, optional
        Interposer width [mm], > 0; needs ``height_mm``.
    height_mm : array_like, optional
        Interposer height [mm], > 0; needs ``width_mm``.
    aspect_ratio : array_like, optional
        Width over height [dimensionless], > 0; needs ``interposer_area_mm2``.
    edge_exclusion_mm : array_like, default 3.0
        Unusable ring at the wafer edge [mm].
    scribe_mm : array_like, default 0.0
        Saw-lane width between interposers [mm].

    Returns
    -------
    int, float, ndarray or Series
        Gross interposers per wafer [interposers], the kind of the inputs: exact integer counts
        for a shape, a float estimate for an area alone.

    Raises
    ------
    ParameterError
        If the interposer is given in none or more than one of the three forms, or a size is
        not > 0.

    References
    ----------
    .. [1] D. Thor, *gdw*, https://github.com/dougthor42/gdw (exact grid count).
    .. [2] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       5th ed., Morgan Kaufmann, 2012, §1.6 (area estimate).

    Examples
    --------
    An illustrative 50 mm × 50 mm interposer (2,500 mm², about three reticles):

    >>> interposers_per_wafer(width_mm=50.0, height_mm=50.0)
    21
    >>> interposers_per_wafer(2500.0, aspect_ratio=1.0)
    21
    >>> round(interposers_per_wafer(2500.0), 2)
    14.09
    """
    has_shape = width_mm is not None or height_mm is not None
    if has_shape and (interposer_area_mm2 is not None or aspect_ratio is not None):
        raise ParameterError(
            "interposer_area_mm2", "omitted when width_mm/height_mm are given", interposer_area_mm2
        )
    if has_shape:
        if width_mm is None or height_mm is None:
            raise ParameterError("width_mm, height_mm", "given together", (width_mm, height_mm))
        return exact_count(
            width_mm,
            height_mm,
            wafer_diameter_mm,
            edge_exclusion_mm=edge_exclusion_mm,
            scribe_mm=scribe_mm,
            offset="best",
        )
    if interposer_area_mm2 is None:
        raise ParameterError(
            "interposer_area_mm2", "given (or width_mm and height_mm)", interposer_area_mm2
        )
    area = positive(interposer_area_mm2, "interposer_area_mm2")
    if aspect_ratio is not None:
        ratio = positive(aspect_ratio, "aspect_ratio")
        width = np.sqrt(area * ratio)
        counts = exact_count(
            width,
            area / width,
            wafer_diameter_mm,
            edge_exclusion_mm=edge_exclusion_mm,
            scribe_mm=scribe_mm,
            offset="best",
        )
        return int_like(
            np.asarray(counts),
            interposer_area_mm2,
            aspect_ratio,
            wafer_diameter_mm,
            edge_exclusion_mm,
            scribe_mm,
        )
    diameter = positive(wafer_diameter_mm, "wafer_diameter_mm")
    edge = non_negative(edge_exclusion_mm, "edge_exclusion_mm")
    require(edge < diameter / 2, edge, "edge_exclusion_mm", "< wafer_diameter_mm / 2")
    pitch_area = (np.sqrt(area) + non_negative(scribe_mm, "scribe_mm")) ** 2
    gross = np.asarray(hennessy_patterson(pitch_area, diameter - 2 * edge))
    return float_like(gross, interposer_area_mm2, wafer_diameter_mm, edge_exclusion_mm, scribe_mm)


def good_packages_per_wafer(
    interposers_per_wafer: npt.ArrayLike, packaging_yield: npt.ArrayLike
) -> FloatOrArray:
    """Expected good packages per interposer wafer, ``gross interposers × packaging yield``.

    Parameters
    ----------
    interposers_per_wafer : array_like
        Gross interposers per wafer [interposers], ≥ 0, e.g. from
        :func:`interposers_per_wafer`.
    packaging_yield : array_like
        Fraction of assembled packages that pass (interposer, assembly and final test)
        [fraction], in (0, 1].

    Returns
    -------
    float, ndarray or Series
        Expected good packages per interposer wafer [packages], the kind of the inputs.

    Raises
    ------
    ParameterError
        If the interposer count is negative or not finite, or the yield is outside (0, 1].

    Notes
    -----
    For context, a secondary source quotes "one CoWoS wafer yields ~28 H100/H200 packages"
    (domain reference §3.1, low reliability).

    References
    ----------
    .. [1] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       5th ed., Morgan Kaufmann, 2012, §1.6 (good units = gross units × yield).

    Examples
    --------
    >>> round(good_packages_per_wafer(21, 0.9), 6)
    18.9
    """
    return _good_units(
        interposers_per_wafer, packaging_yield, "interposers_per_wafer", "packaging_yield"
    )


def hbm_stacks_per_dram_wafer(
    dram_die_area_mm2: npt.ArrayLike,
    dies_per_stack: npt.ArrayLike,
    dram_die_yield: npt.ArrayLike,
    stack_yield: npt.ArrayLike,
    wafer_diameter_mm: npt.ArrayLike = 300.0,
) -> FloatOrArray:
    """Good HBM stacks per DRAM wafer.

    ``gross DRAM dies × DRAM die yield × stack yield / dies per stack``, with the gross dies
    from :func:`~fabnet.silicon.die_per_wafer.hennessy_patterson`.

    Parameters
    ----------
    dram_die_area_mm2 : array_like
        Area of one core DRAM die [mm²], > 0.
    dies_per_stack : array_like
        Core DRAM dies per stack [dies], > 0 (8 for 8-Hi, 12 for 12-Hi). A base (logic) die
        made on another wafer is not counted.
    dram_die_yield : array_like
        Yield of a DRAM die, TSV processing included [fraction], in (0, 1].
    stack_yield : array_like
        Yield of stacking, bonding and stack test [fraction], in (0, 1].
    wafer_diameter_mm : array_like, default 300.0
        DRAM wafer diameter [mm].

    Returns
    -------
    float, ndarray or Series
        Good HBM stacks per DRAM wafer [stacks], the kind of the inputs.

    Raises
    ------
    ParameterError
        If an area, a die count or the diameter is not > 0, or a yield is outside (0, 1].

    Notes
    -----
    Context from TrendForce (domain reference §2.2, §3.4): an HBM die is 35–45 % larger than a
    DDR5 die of the same capacity, its yield including TSV is 20–30 % lower, and wafer start to
    packaged stack takes more than two quarters; HBM TSV capacity was about 250 k wafers per
    month at the end of 2024 (14 % of DRAM capacity).

    References
    ----------
    .. [1] TrendForce, 2024-03-18, via TechPowerUp,
       https://techpowerup.com/320483/2024-hbm-supply-bit-growth-estimated-to-reach-260-making-up-14-of-dram-industry
    .. [2] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       5th ed., Morgan Kaufmann, 2012, §1.6 (gross dies per wafer).

    Examples
    --------
    An illustrative 100 mm² DRAM die in 12-high stacks, 80 % die and 90 % stack yield:

    >>> round(hbm_stacks_per_dram_wafer(100.0, 12, 0.8, 0.9), 2)
    38.41
    """
    area = positive(dram_die_area_mm2, "dram_die_area_mm2")
    gross = np.asarray(hennessy_patterson(area, positive(wafer_diameter_mm, "wafer_diameter_mm")))
    stacks = (
        gross
        * fraction(dram_die_yield, "dram_die_yield")
        * fraction(stack_yield, "stack_yield")
        / positive(dies_per_stack, "dies_per_stack")
    )
    return float_like(
        stacks, dram_die_area_mm2, dies_per_stack, dram_die_yield, stack_yield, wafer_diameter_mm
    )

"""Advanced packaging: interposers per wafer, good packages per wafer, HBM stacks per DRAM wafer.

A CoWoS-class package puts logic dies and HBM stacks side by side on a silicon interposer (or
an organic interposer with silicon bridges) that is itself cut from a 300 mm wafer, so packaging
capacity in wafers per month turns into packages through the same die-per-wafer geometry as the
logic. HBM stacks are built from DRAM dies thinned, drilled with through-silicon vias (TSVs) and
stacked 8, 12 or 16 high. Every count here is the exact grid count of
:func:`~fabnet.silicon.die_per_wafer.gross_per_wafer`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fabnet.exceptions import ParameterError
from fabnet.silicon._array import FloatOrArray, IntOrArray, float_like, fraction, int_like, positive
from fabnet.silicon.cost_per_die import _good_units
from fabnet.silicon.die_per_wafer import gross_per_wafer

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
) -> IntOrArray:
    """Gross rectangular interposers per wafer, counted exactly.

    Give the interposer either as ``width_mm`` and ``height_mm``, as ``interposer_area_mm2`` and
    ``aspect_ratio`` (width / height), or as ``interposer_area_mm2`` alone (a square of that
    area, the rule of :func:`~fabnet.silicon.die_per_wafer.rectangle_for_area`). Every form is
    the exact grid count of :func:`~fabnet.silicon.die_per_wafer.gross_per_wafer` (the best of
    the four grid phases).

    Parameters
    ----------
    interposer_area_mm2 : array_like, optional
        Interposer area [mm²], > 0. Not with ``width_mm``/``height_mm``. A multi-reticle
        interposer of ``k`` reticles has ``k × 858`` mm²
        (:data:`~fabnet.silicon.die_per_wafer.RETICLE_AREA_MM2`).
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
    int, ndarray or Series
        Gross interposers per wafer [interposers], the kind of the inputs.

    Raises
    ------
    ParameterError
        If the interposer is given in none or more than one of the three forms, or a size is
        not > 0.

    Notes
    -----
    The area-only form used to be the Hennessy–Patterson estimate, which collapses for
    multi-reticle packages (9,000 mm² gave 0.66 per wafer where four squares fit).

    References
    ----------
    .. [1] D. Thor, *gdw*, https://github.com/dougthor42/gdw (exact grid count).

    Examples
    --------
    An illustrative 50 mm × 50 mm interposer (2,500 mm², about three reticles):

    >>> interposers_per_wafer(width_mm=50.0, height_mm=50.0)
    21
    >>> interposers_per_wafer(2500.0)
    21
    >>> interposers_per_wafer(9000.0)
    4
    """
    has_shape = width_mm is not None or height_mm is not None
    if has_shape and (interposer_area_mm2 is not None or aspect_ratio is not None):
        raise ParameterError(
            "interposer_area_mm2", "omitted when width_mm/height_mm are given", interposer_area_mm2
        )
    if has_shape:
        if width_mm is None or height_mm is None:
            raise ParameterError("width_mm, height_mm", "given together", (width_mm, height_mm))
        return gross_per_wafer(
            width_mm,
            height_mm,
            wafer_diameter_mm,
            edge_exclusion_mm=edge_exclusion_mm,
            scribe_mm=scribe_mm,
        )
    if interposer_area_mm2 is None:
        raise ParameterError(
            "interposer_area_mm2", "given (or width_mm and height_mm)", interposer_area_mm2
        )
    area = positive(interposer_area_mm2, "interposer_area_mm2")
    ratio = 1.0 if aspect_ratio is None else positive(aspect_ratio, "aspect_ratio")
    width = np.sqrt(area * ratio)
    counts = gross_per_wafer(
        width,
        area / width,
        wafer_diameter_mm,
        edge_exclusion_mm=edge_exclusion_mm,
        scribe_mm=scribe_mm,
    )
    return int_like(
        np.asarray(counts),
        interposer_area_mm2,
        aspect_ratio,
        wafer_diameter_mm,
        edge_exclusion_mm,
        scribe_mm,
    )


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
    die_width_mm: npt.ArrayLike,
    die_height_mm: npt.ArrayLike,
    *,
    dies_per_stack: npt.ArrayLike,
    die_yield: npt.ArrayLike,
    stack_yield: npt.ArrayLike,
    wafer_diameter_mm: npt.ArrayLike = 300.0,
    edge_exclusion_mm: npt.ArrayLike = 3.0,
    scribe_mm: npt.ArrayLike = 0.0,
) -> FloatOrArray:
    """Good HBM stacks per DRAM wafer.

    ``gross DRAM dies × die yield / dies per stack × stack yield``: the wafer's gross dies
    (:func:`~fabnet.silicon.die_per_wafer.gross_per_wafer`, an exact grid count), the
    known-good dies among them, shared out over the dies a stack takes from these wafers, and
    the stacks that survive stacking.

    Parameters
    ----------
    die_width_mm : array_like
        Width of one DRAM (core) die [mm], > 0.
    die_height_mm : array_like
        Height of one DRAM (core) die [mm], > 0.
    dies_per_stack : array_like
        DRAM dies a stack takes from these wafers [dies], > 0: the core dies (8 for 8-high,
        12 for 12-high) plus the base die where it is made on the same DRAM process (HBM3E and
        earlier); an HBM4 base die made on a logic wafer is not counted.
    die_yield : array_like
        Known-good-die yield of a DRAM die, TSV processing included [fraction], in (0, 1].
    stack_yield : array_like
        Yield of stacking, bonding and stack test [fraction], in (0, 1].
    wafer_diameter_mm : array_like, default 300.0
        DRAM wafer diameter [mm].
    edge_exclusion_mm : array_like, default 3.0
        Unusable ring at the wafer edge [mm].
    scribe_mm : array_like, default 0.0
        Scribe lane between dies [mm].

    Returns
    -------
    float, ndarray or Series
        Good HBM stacks per DRAM wafer [stacks], the kind of the inputs.

    Raises
    ------
    ParameterError
        If a size, the die count or the diameter is not > 0, or a yield is outside (0, 1].

    Notes
    -----
    Context from TrendForce (domain reference §2.2, §3.4): an HBM die is 35–45 % larger than a
    DDR5 die of the same capacity, its yield including TSV is 20–30 % lower, and wafer start to
    packaged stack takes more than two quarters; HBM TSV capacity was about 250 k wafers per
    month at the end of 2024 (14 % of DRAM capacity). The catalog's ``hbm`` table holds the
    figures per generation and how they land against the public record.

    References
    ----------
    .. [1] TrendForce, 2024-03-18, via TechPowerUp,
       https://techpowerup.com/320483/2024-hbm-supply-bit-growth-estimated-to-reach-260-making-up-14-of-dram-industry
    .. [2] D. Thor, *gdw*, https://github.com/dougthor42/gdw (exact grid count).

    Examples
    --------
    An 11 mm × 11 mm die (506 gross per wafer with a 0.1 mm scribe) in 8-high stacks whose
    base die is made on the same wafers (9 dies a stack), 50 % die and 80 % stack yield:

    >>> round(hbm_stacks_per_dram_wafer(11.0, 11.0, dies_per_stack=9, die_yield=0.5,
    ...                                 stack_yield=0.8, scribe_mm=0.1), 2)
    22.49
    """
    gross = np.asarray(
        gross_per_wafer(
            die_width_mm,
            die_height_mm,
            wafer_diameter_mm,
            edge_exclusion_mm=edge_exclusion_mm,
            scribe_mm=scribe_mm,
        ),
        dtype=np.float64,
    )
    stacks = (
        gross
        * fraction(die_yield, "die_yield")
        / positive(dies_per_stack, "dies_per_stack")
        * fraction(stack_yield, "stack_yield")
    )
    return float_like(
        stacks,
        die_width_mm,
        die_height_mm,
        dies_per_stack,
        die_yield,
        stack_yield,
        wafer_diameter_mm,
        edge_exclusion_mm,
        scribe_mm,
    )

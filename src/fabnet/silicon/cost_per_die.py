"""Good dies per wafer, cost per good die and cost per finished package.

Prices and costs here are in US dollars per item (a wafer, a die, a package), not the USD
millions used for fab-level money elsewhere in fabnet.
"""

from __future__ import annotations

import numpy.typing as npt

from fabnet.silicon._array import FloatOrArray, float_like, fraction, non_negative, positive

__all__ = ["cost_per_good_die", "cost_per_package", "good_dies_per_wafer"]


def _good_units(
    count: npt.ArrayLike, yield_: npt.ArrayLike, count_name: str, yield_name: str
) -> FloatOrArray:
    """``count × yield``, validated under the caller's parameter names (shared kernel)."""
    good = non_negative(count, count_name) * fraction(yield_, yield_name)
    return float_like(good, count, yield_)


def good_dies_per_wafer(
    gross_dies_per_wafer: npt.ArrayLike, die_yield: npt.ArrayLike
) -> FloatOrArray:
    """Expected good dies per wafer, ``gross dies × die yield``.

    Parameters
    ----------
    gross_dies_per_wafer : array_like
        Gross (candidate) dies per wafer [dies], ≥ 0, e.g. from
        :func:`fabnet.silicon.die_per_wafer.hennessy_patterson`.
    die_yield : array_like
        Die yield [fraction], in (0, 1], e.g. from :func:`fabnet.silicon.yield_models.die_yield`.

    Returns
    -------
    float, ndarray or Series
        Expected good dies per wafer [dies], the kind of the inputs.

    Raises
    ------
    ParameterError
        If a die count is negative or not finite, or a yield is outside (0, 1].

    References
    ----------
    .. [1] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       5th ed., Morgan Kaufmann, 2012, §1.6; worked solutions 1.2a–b:
       http://www.papercamp.com/essay/134143/Solutions-For-Computer-Architechture

    Examples
    --------
    H&P 5th ed. solutions 1.2a: 416 dies at 65 % yield, sold at $20 each:

    >>> round(good_dies_per_wafer(416, 0.65) * 20, 6)
    5408.0
    """
    return _good_units(gross_dies_per_wafer, die_yield, "gross_dies_per_wafer", "die_yield")


def cost_per_good_die(
    wafer_price_usd: npt.ArrayLike,
    gross_dies_per_wafer: npt.ArrayLike,
    die_yield: npt.ArrayLike,
) -> FloatOrArray:
    """Cost of one good die, ``wafer price / (gross dies × die yield)``.

    Parameters
    ----------
    wafer_price_usd : array_like
        Price (or cost) of one processed wafer [USD/wafer], ≥ 0.
    gross_dies_per_wafer : array_like
        Gross dies per wafer [dies], > 0.
    die_yield : array_like
        Die yield [fraction], in (0, 1].

    Returns
    -------
    float, ndarray or Series
        Cost per good die [USD/die], the kind of the inputs.

    Raises
    ------
    ParameterError
        If the price is negative, the die count not > 0, a yield outside (0, 1], or any input
        not finite.

    References
    ----------
    .. [1] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       5th ed., Morgan Kaufmann, 2012, §1.6 ("cost of die").

    Examples
    --------
    An H100-sized die: 63.48 gross dies per $20,000 wafer at 44.3 % yield:

    >>> round(cost_per_good_die(20_000, 63.48, 0.443), 2)
    711.2
    """
    price = non_negative(wafer_price_usd, "wafer_price_usd")
    gross = positive(gross_dies_per_wafer, "gross_dies_per_wafer")
    cost = price / (gross * fraction(die_yield, "die_yield"))
    return float_like(cost, wafer_price_usd, gross_dies_per_wafer, die_yield)


def cost_per_package(
    die_cost_usd: npt.ArrayLike,
    packaging_cost_usd: npt.ArrayLike,
    packaging_yield: npt.ArrayLike = 1.0,
    *,
    dies_per_package: npt.ArrayLike = 1,
    hbm_stack_cost_usd: npt.ArrayLike = 0.0,
    hbm_stacks_per_package: npt.ArrayLike = 0,
    test_cost_usd: npt.ArrayLike = 0.0,
) -> FloatOrArray:
    """Cost of one good finished package (logic dies + HBM on an interposer, tested).

    ``(dies × die cost + stacks × HBM stack cost + packaging cost + test cost) / packaging
    yield``: every package started consumes its known-good dies and stacks, its assembly and
    its final test, and only the fraction ``packaging_yield`` of them pass.

    Parameters
    ----------
    die_cost_usd : array_like
        Cost of one known-good logic die [USD/die], ≥ 0, e.g. from :func:`cost_per_good_die`.
        For packages with different dies, pass their summed cost with ``dies_per_package=1``.
    packaging_cost_usd : array_like
        Assembly cost of one package: interposer/substrate, bonding, underfill [USD/package], ≥ 0.
    packaging_yield : array_like, default 1.0
        Fraction of assembled packages that pass assembly and final test [fraction], in (0, 1].
    dies_per_package : array_like, default 1
        Logic dies per package [dies], ≥ 0.
    hbm_stack_cost_usd : array_like, default 0.0
        Cost of one known-good HBM stack [USD/stack], ≥ 0.
    hbm_stacks_per_package : array_like, default 0
        HBM stacks per package [stacks], ≥ 0.
    test_cost_usd : array_like, default 0.0
        Final-test cost per package tested [USD/package], ≥ 0.

    Returns
    -------
    float, ndarray or Series
        Cost per good package [USD/package], the kind of the inputs.

    Raises
    ------
    ParameterError
        If a cost or count is negative or not finite, or the yield is outside (0, 1].

    Notes
    -----
    A failed package scraps its dies and stacks (no rework), and the dies and stacks are known
    good before assembly, so their own yields are already in their costs.

    References
    ----------
    .. [1] J. L. Hennessy and D. A. Patterson, *Computer Architecture: A Quantitative Approach*,
       5th ed., Morgan Kaufmann, 2012, §1.6: IC cost = (die cost + testing cost + packaging and
       final-test cost) / final-test yield.

    Examples
    --------
    Two $700 dies, eight $300 HBM stacks, $1,000 of assembly and $100 of test, 90 % yield:

    >>> round(cost_per_package(700, 1_000, 0.9, dies_per_package=2,
    ...                        hbm_stack_cost_usd=300, hbm_stacks_per_package=8,
    ...                        test_cost_usd=100), 2)
    5444.44
    """
    total = (
        non_negative(dies_per_package, "dies_per_package")
        * non_negative(die_cost_usd, "die_cost_usd")
        + non_negative(hbm_stacks_per_package, "hbm_stacks_per_package")
        * non_negative(hbm_stack_cost_usd, "hbm_stack_cost_usd")
        + non_negative(packaging_cost_usd, "packaging_cost_usd")
        + non_negative(test_cost_usd, "test_cost_usd")
    )
    cost = total / fraction(packaging_yield, "packaging_yield")
    return float_like(
        cost,
        die_cost_usd,
        packaging_cost_usd,
        packaging_yield,
        dies_per_package,
        hbm_stack_cost_usd,
        hbm_stacks_per_package,
        test_cost_usd,
    )

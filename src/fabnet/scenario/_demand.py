"""The scenario's demand section: installed compute wanted (base and growth, or a table), its
power and money limits, the product mix and successor products; and the year-path helpers
(:func:`interpolate`) every section uses."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    model_validator,
)

from fabnet.scenario._base import (
    Id,
    Share,
    Year,
    _Model,
)
from fabnet.units import MAX_INSTALLED_H100E

if TYPE_CHECKING:
    import pandas as pd


def _none_or_one(value: float) -> float:
    """Installed compute is none or at least one H100e: a fraction of a chip is a unit mistake
    (and 1e-308 H100e overflows every ratio taken of it)."""
    if 0.0 < value < 1.0:
        raise ValueError("must be 0 or at least 1 H100e")
    return value


#: Installed compute [H100e]: none, or from one H100e to the range in which the planner is
#: numerically sound (:data:`fabnet.units.MAX_INSTALLED_H100E`).
InstalledH100e = Annotated[
    float, Field(ge=0.0, le=MAX_INSTALLED_H100E), AfterValidator(_none_or_one)
]


class InstalledCompute(_Model):
    """Installed AI compute wanted, in H100e: a base and growth rates, an explicit table, or a
    table (the record) followed by growth rates.

    ``growth`` maps a year to the annual growth multiplier of installed compute from that year on
    (2.3 means ×2.3 per year) until the next given year.
    """

    base_year: Year | None = None
    base_h100e: Annotated[float, Field(ge=1.0, le=MAX_INSTALLED_H100E)] | None = Field(
        None, description="Installed compute [H100e], at most 1e12 (the planner's sound range)."
    )
    growth: dict[Year, Annotated[float, Field(ge=0.1, le=20.0)]] | None = Field(
        None,
        description="Annual growth multiplier of installed compute from each year on; from 0.1"
        " (a tenth a year) to 20.",
    )
    table: dict[Year, InstalledH100e] | None = Field(
        None,
        description="Installed compute by year [H100e], at most 1e12 (the planner's sound"
        " range); a mapping, or a CSV/Parquet path with columns year, installed_h100e. With"
        " growth, growth continues it after its last year.",
    )

    @model_validator(mode="after")
    def _one_form(self) -> InstalledCompute:
        if self.table is not None:
            if self.base_year is not None or self.base_h100e is not None:
                raise ValueError("give either table (and growth) or base_year/base_h100e/growth")
            if not self.table:
                raise ValueError("table must have at least one year")
            if self.growth is not None:
                last = max(self.table)
                if not self.growth:
                    raise ValueError("growth must have at least one year")
                if min(self.growth) > last:
                    raise ValueError(
                        f"growth after a table must start no later than its last year {last}"
                        f" (first growth year {min(self.growth)})"
                    )
                if self.table[last] <= 0.0:
                    raise ValueError(f"growth cannot continue a table that ends at 0 ({last})")
            return self
        growth_form = (self.base_year, self.base_h100e, self.growth)
        if any(v is None for v in growth_form):
            raise ValueError("give base_year, base_h100e and growth (or a table)")
        if not self.growth:
            raise ValueError("growth must have at least one year")
        if not min(self.growth) <= self.base_year:  # type: ignore[operator]
            raise ValueError(
                f"growth must start no later than base_year {self.base_year} (first growth year"
                f" {min(self.growth)})"
            )
        return self

    def range_problem(self, years: list[int]) -> str | None:
        """Why the path leaves the range in which the planner is numerically sound in one of
        ``years`` (installed compute above :data:`fabnet.units.MAX_INSTALLED_H100E`), or None.
        """
        for year, value in self.path(years).items():
            if not value <= MAX_INSTALLED_H100E:
                return (
                    f"installed compute must stay within 0 … {MAX_INSTALLED_H100E:.0e} H100e"
                    f" (the planner's numerically sound range) in every year of the horizon;"
                    f" the path reaches {value:.3g} H100e in {year}"
                )
        return None

    def path(self, years: list[int]) -> pd.Series:
        """Installed compute wanted in each of ``years`` [H100e]: a Series indexed by ``year``,
        named ``installed_h100e``.

        Growth form: ``S(base_year) = base_h100e`` and ``S(t+1) = S(t)·g(t)``, where ``g(t)`` is
        the multiplier of the latest growth year ≤ t (backwards by division). Table form:
        geometric interpolation between given years (constant growth rate in between), held flat
        before the first; after the last, held flat, or grown by ``growth`` when it is given.
        """
        import pandas as pd

        return pd.Series(self._path(years), name="installed_h100e", dtype="float64").rename_axis(
            "year"
        )

    def _path(self, years: list[int]) -> dict[int, float]:
        if self.table is not None:
            last = max(self.table)
            if self.growth is None:
                return {year: _geometric(self.table, year) for year in years}
            grown = _grow(self.growth, last, self.table[last], [y for y in years if y > last])
            return {y: grown[y] if y > last else _geometric(self.table, y) for y in years}
        growth, base_year, base = self.growth, self.base_year, self.base_h100e
        if growth is None or base_year is None or base is None:  # pragma: no cover - validated
            raise AssertionError("growth form without its fields")
        return _grow(growth, base_year, base, years)


def _grow(
    growth: dict[int, float], base_year: int, base: float, years: list[int]
) -> dict[int, float]:
    """``S(base_year) = base`` and ``S(t+1) = S(t)·g(t)`` (backwards by division) in ``years``."""
    starts = sorted(growth)

    def rate(year: int) -> float:
        return growth[max((s for s in starts if s <= year), default=starts[0])]

    out = {}
    for year in years:
        value = base
        for t in range(base_year, year):
            value *= rate(t)
        for t in range(year, base_year):
            value /= rate(t)
        out[year] = value
    return out


class Successors(_Model):
    """Generic parts that follow a vendor's last named part (``after``) by stated per-generation
    trends: a new generation every ``cadence_years`` from ``first_year``, each taking over the
    vendor's share of new compute within ``ramp_years``.

    Generation k (k = 1, 2, …) is ``after`` with compute ``× h100e_growth^k``, logic dies
    ``× logic_area_growth^k`` (more dies of the same size), HBM stacks ``× hbm_stacks_growth^k``
    and package area ``× interposer_growth^k`` (at most ``max_interposer_reticles``), on the k-th
    of ``nodes`` and ``hbm_generations`` (the last repeats).
    """

    after: Id = Field(description="The vendor's last named part; its vendor's share is taken over.")
    first_year: Year = Field(description="Launch year of the first generic generation.")
    cadence_years: Annotated[int, Field(ge=1, le=5)] = Field(
        2, description="Years between generations."
    )
    ramp_years: Annotated[int, Field(ge=1, le=5)] = Field(
        2, description="Years a generation takes to carry all of the vendor's share."
    )
    h100e_growth: Annotated[float, Field(gt=0.5, le=10.0)] = Field(
        description="Compute per unit, multiplier per generation [H100e]."
    )
    logic_area_growth: Annotated[float, Field(gt=0.5, le=4.0)] = Field(
        1.0, description="Logic area per unit, multiplier per generation (more dies)."
    )
    hbm_stacks_growth: Annotated[float, Field(gt=0.5, le=4.0)] = Field(
        1.0, description="HBM stacks per unit, multiplier per generation."
    )
    interposer_growth: Annotated[float, Field(gt=0.5, le=4.0)] = Field(
        1.0, description="Package (interposer) area, multiplier per generation."
    )
    max_interposer_reticles: Annotated[float, Field(gt=0.0, le=40.0)] | None = Field(
        None, description="Largest package, in reticles of 26 × 33 mm (858 mm²)."
    )
    nodes: list[Id] = Field(
        default_factory=list, description="Logic node of each generation (the last repeats)."
    )
    hbm_generations: list[Id] = Field(
        default_factory=list, description="HBM generation of each generation (the last repeats)."
    )
    source: str = Field(min_length=1, description="Where the trends come from, or 'estimate: …'.")


class DemandLimits(_Model):
    """What the world can put into AI compute each year: power and money, reported beside the
    demand path in the gap and, where ``cap`` names them, capping it (new compute is the lesser
    of the growth path and what the limits allow)."""

    power_gw: (
        Annotated[dict[Year, Annotated[float, Field(ge=0.0, le=1e4)]], Field(min_length=1)] | None
    ) = Field(None, description="Facility power available to AI compute at each year's end [GW].")
    h100e_per_mw: (
        Annotated[dict[Year, Annotated[float, Field(gt=0.0, le=1e7)]], Field(min_length=1)] | None
    ) = Field(
        None,
        description="Compute of one year's new deployments per MW of facility power [H100e/MW];"
        " an accelerator keeps its vintage's figure through its life.",
    )
    spend_busd: (
        Annotated[dict[Year, Annotated[float, Field(ge=0.0, le=1e4)]], Field(min_length=1)] | None
    ) = Field(None, description="Money available for new AI compute each year [USD billion].")
    usd_per_h100e: (
        Annotated[dict[Year, Annotated[float, Field(gt=0.0, le=1e7)]], Field(min_length=1)] | None
    ) = Field(None, description="All-in cost of one H100e of new compute in each year [USD].")
    cap: list[Literal["power", "spend"]] = Field(
        default_factory=list, description="The limits that cap demand (none: only reported)."
    )
    cap_from_year: Year | None = Field(
        None,
        description="First year the caps apply (default: the horizon's first); before it, the"
        " record's years, demand was short of chips, not of power.",
    )
    source: str | None = Field(None, description="Where the limits come from.")

    @model_validator(mode="after")
    def _pairs(self) -> DemandLimits:
        if (self.power_gw is None) != (self.h100e_per_mw is None):
            raise ValueError("give power_gw and h100e_per_mw together")
        if (self.spend_busd is None) != (self.usd_per_h100e is None):
            raise ValueError("give spend_busd and usd_per_h100e together")
        if "power" in self.cap and self.power_gw is None:
            raise ValueError("cap names power but power_gw is not given")
        if "spend" in self.cap and self.spend_busd is None:
            raise ValueError("cap names spend but spend_busd is not given")
        return self


class Demand(_Model):
    """AI compute wanted and how it is delivered (the product mix)."""

    installed: InstalledCompute
    service_life_years: float = Field(
        5.0,
        ge=1.0,
        le=20.0,
        description="Service life of an accelerator [years]; retired after it.",
    )
    mix: dict[Id, Annotated[dict[Year, Share], Field(min_length=1)]] = Field(
        min_length=1,
        description="Share of new compute [H100e] delivered by each product, by year; shares are"
        " interpolated between given years and sum to 1 in every given year. A mapping, or a"
        " CSV/Parquet path with columns year, product, share.",
    )
    mix_flexibility: Share = Field(
        0.0, description="How far the planner may move each product's share (±, absolute)."
    )
    successors: list[Successors] = Field(
        default_factory=list,
        description="Generic parts after each vendor's last named part (the roadmap beyond the"
        " mix's products).",
    )
    limits: DemandLimits | None = Field(
        None, description="Power and money for AI compute, reported and optionally capping demand."
    )
    yield_model: Literal[
        "poisson", "murphy", "rectangular", "moore", "seeds", "negative_binomial"
    ] = Field(
        "negative_binomial",
        description="Die-yield model for logic dies (fabnet.silicon.yield_models).",
    )
    yield_alpha: Annotated[float, Field(gt=0.0, le=1000.0)] = Field(
        4.0,  # Hennessy & Patterson, 5th ed., §1.6
        description="Defect clustering α of the negative-binomial model.",
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Demand:
        years = sorted({y for path in self.mix.values() for y in path})
        bad = []
        for year in years:
            total = sum(_interpolate(path, year) for path in self.mix.values())
            if abs(total - 1.0) > 1e-6:
                bad.append(f"{year}: {total:.4g}")
        if bad:
            raise ValueError(
                "mix shares must sum to 1 in every given year (" + ", ".join(bad) + ")"
            )
        return self


def _geometric(path: dict[int, float], year: int) -> float:
    """Geometric interpolation in a ``{year: value}`` path, held flat outside it."""
    years = sorted(path)
    if year <= years[0]:
        return path[years[0]]
    if year >= years[-1]:
        return path[years[-1]]
    lo = max(y for y in years if y <= year)
    hi = min(y for y in years if y >= year)
    if lo == hi or path[lo] <= 0.0 or path[hi] <= 0.0:
        return _interpolate(path, year)
    return float(path[lo] * (path[hi] / path[lo]) ** ((year - lo) / (hi - lo)))


def interpolate(path: float | dict[int, float], year: int) -> float:
    """A by-year value in ``year``: a number as is, or linear in a ``{year: value}`` path, held
    flat outside it.

    >>> interpolate({2024: 0.2, 2026: 0.6}, 2025), interpolate(0.3, 2040)
    (0.4, 0.3)
    """
    if isinstance(path, int | float):
        return float(path)
    return _interpolate(path, year)


def _interpolate(path: dict[int, float], year: int) -> float:
    """Linear interpolation in a ``{year: value}`` path, held flat outside it."""
    years = sorted(path)
    if year <= years[0]:
        return path[years[0]]
    if year >= years[-1]:
        return path[years[-1]]
    for lo, hi in pairwise(years):
        if lo <= year <= hi:
            return path[lo] + (path[hi] - path[lo]) * (year - lo) / (hi - lo)
    raise AssertionError("unreachable")  # pragma: no cover

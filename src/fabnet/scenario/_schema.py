"""The scenario schema: pydantic v2 models, frozen, with ``extra="forbid"``.

Field names carry their units (``capex_musd``, ``capacity_wspm``, ``die_area_mm2``). Years are
calendar years; shares are fractions in [0, 1]; money is in USD millions of the base year.
Cross-references between sections (a site's partners, an investor's countries…) are checked by
:mod:`fabnet.scenario._check`, which also reports their file and line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fabnet.scenario._base import (
    COUNT_MAX,
    MUSD_MAX,
    Count,
    Id,
    Latitude,
    Longitude,
    Musd,
    Rate,
    Share,
    ShareByYear,
    Year,
    Years,
    _Model,
)
from fabnet.scenario._demand import (
    Demand,
    interpolate,
)
from fabnet.scenario._fab_designs import FabDesignLink
from fabnet.scenario._finance import (
    Finance,
)
from fabnet.scenario._uncertainty import Uncertainty
from fabnet.units import MAX_PENALTY_USD_PER_H100E, MM2_PER_RETICLE, reticles_to_mm2

if TYPE_CHECKING:
    from fabnet.catalog import Catalog


class _Entity(_Model):
    """An entity with an id; ``source`` records where its figures come from."""

    id: Id
    source: str | None = Field(
        None, description="Where this entry's figures come from (filled from the catalog)."
    )


# --------------------------------------------------------------------------------------------
# horizon, demand, products
# --------------------------------------------------------------------------------------------


class Horizon(_Model):
    """The planning horizon: calendar years ``start_year..end_year`` in steps of ``step_years``."""

    start_year: Year
    end_year: Year
    step_years: int = Field(
        1,
        ge=1,
        json_schema_extra={"maximum": 1},
        description="Time step [years]; only annual steps are modelled (lead times, cash flows"
        " and risk count calendar years), so 1.",
    )

    @field_validator("step_years")
    @classmethod
    def _annual(cls, value: int) -> int:
        if value != 1:
            raise ValueError(
                "must be 1: only annual steps are modelled (the planner's lead times, the cash"
                " flows and the risk analysis count calendar years)"
            )
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.end_year <= self.start_year:
            raise ValueError(
                f"end_year must be after start_year (got {self.start_year}–{self.end_year})"
            )
        return self

    @property
    def years(self) -> list[int]:
        """The modelled years."""
        return list(range(self.start_year, self.end_year + 1, self.step_years))


#: How far a width × height may be from the area (or reticles) it refines [fraction]: reticle
#: multiples are quoted to one decimal (3.3×), a rounding of up to ~3 % at 1.5×.
SHAPE_TOLERANCE = 0.05

_Mm = Annotated[float, Field(gt=0.0, le=300.0)]
#: The area of a 300 mm wafer [mm²]: no die or interposer is larger.
WAFER_MM2 = math.pi * 150.0**2
#: The most whole reticles of interposer a 300 mm wafer's area holds (82).
WAFER_RETICLES = math.floor(WAFER_MM2 / MM2_PER_RETICLE)
#: Wafer starts per month of one fab [wspm], at most 1 million (TSMC made ~1.4 million
#: 12-inch-equivalent wafers a month in all its fabs in 2024, annual report).
Wspm = Annotated[float, Field(ge=0.0, le=1e6)]
#: The value of lost compute [USD per H100e], at most :data:`fabnet.units.MAX_PENALTY_USD_PER_H100E`
#: (USD 1 million, 40 times an H100's price of ~USD 25,000 in 2024, press): the planner's
#: numerically sound range.
Penalty = Annotated[float, Field(ge=0.0, le=MAX_PENALTY_USD_PER_H100E)]


class Product(_Entity):
    """An accelerator product (or a component of one), as in the ``accelerators`` catalog.

    Every die and the interposer may be given a width × height [mm]: it is the shape the outlook
    counts on the wafer and must agree with the area within :data:`SHAPE_TOLERANCE`. Without
    one, a die is taken as at most 26 mm wide (a square up to 676 mm², then 26 mm × area/26:
    one reticle exposure is 26 × 33 mm) and an interposer as a square of its area.
    """

    name: str
    vendor: str
    role: Literal["accelerator", "component"] = "accelerator"
    launch_year: Year | None = None
    h100e_per_unit: Annotated[float, Field(gt=0.0, le=1e6)] | None = Field(
        None, description="Compute per unit [H100e]."
    )
    logic_die_count: Annotated[int, Field(ge=1, le=COUNT_MAX)] | None = None
    logic_die_area_mm2: Annotated[float, Field(gt=0.0, le=2000.0)] | None = None
    logic_die_width_mm: _Mm | None = Field(None, description="Logic die width [mm].")
    logic_die_height_mm: _Mm | None = Field(None, description="Logic die height [mm].")
    logic_node: Id | None = None
    io_die_count: Annotated[int, Field(ge=1, le=COUNT_MAX)] | None = None
    io_die_area_mm2: Annotated[float, Field(gt=0.0, le=2000.0)] | None = None
    io_die_width_mm: _Mm | None = Field(None, description="I/O die width [mm].")
    io_die_height_mm: _Mm | None = Field(None, description="I/O die height [mm].")
    io_die_node: Id | None = None
    hbm_stacks: Count | None = None
    hbm_generation: Id | None = Field(
        None,
        description="HBM generation, an id of the catalog's hbm table (HBM3E-8H); without it"
        " the memory resource's default generation.",
    )
    interposer_reticles: Annotated[float, Field(gt=0.0, le=WAFER_RETICLES)] | None = Field(
        None,
        description="Interposer size in reticles of 26 × 33 mm = 858 mm² [reticles]; at most"
        " 82, a 300 mm wafer's area.",
    )
    interposer_area_mm2: Annotated[float, Field(gt=0.0, le=WAFER_MM2)] | None = Field(
        None, description="Interposer area [mm²]; at most a 300 mm wafer's."
    )
    interposer_width_mm: _Mm | None = Field(None, description="Interposer width [mm].")
    interposer_height_mm: _Mm | None = Field(None, description="Interposer height [mm].")
    packaging: Id | None = None
    packaging_type: str | None = None
    parts: list[Id] | None = Field(None, description="Parts, one item per unit (B200;B200;GRACE).")

    @property
    def interposer_mm2(self) -> float | None:
        """The interposer's area [mm²]: its reticles × 858, its area, or its width × height."""
        if self.interposer_reticles is not None:
            return reticles_to_mm2(self.interposer_reticles)
        if self.interposer_area_mm2 is not None:
            return self.interposer_area_mm2
        if self.interposer_width_mm is not None and self.interposer_height_mm is not None:
            return self.interposer_width_mm * self.interposer_height_mm
        return None

    @model_validator(mode="after")
    def _complete(self) -> Product:
        dies = (self.logic_die_count, self.logic_die_area_mm2, self.logic_node)
        if any(v is not None for v in dies) and any(v is None for v in dies):
            raise ValueError("give all of logic_die_count, logic_die_area_mm2, logic_node or none")
        if self.role == "accelerator" and self.h100e_per_unit is None:
            raise ValueError("an accelerator needs h100e_per_unit")
        if dies[0] is None and not self.parts:
            raise ValueError("a product needs its logic dies or its parts")
        io = (self.io_die_count, self.io_die_area_mm2, self.io_die_node)
        if any(v is not None for v in io) and any(v is None for v in io):
            raise ValueError("give all of io_die_count, io_die_area_mm2, io_die_node or none")
        if self.interposer_reticles is not None and self.interposer_area_mm2 is not None:
            raise ValueError(
                "give interposer_reticles or interposer_area_mm2, not both (set the other to"
                " null to override an inherited one)"
            )
        for item, area in (
            ("logic_die", self.logic_die_area_mm2),
            ("io_die", self.io_die_area_mm2),
            ("interposer", self.interposer_mm2),
        ):
            self._check_shape(item, area)
        if self.packaging is not None and self.interposer_mm2 is None:
            raise ValueError(
                "a packaged product needs interposer_reticles, interposer_area_mm2 or"
                " interposer_width_mm and interposer_height_mm"
            )
        return self

    def _check_shape(self, item: str, area_mm2: float | None) -> None:
        """``<item>_width_mm`` and ``_height_mm``: together, with the area, agreeing with it."""
        width = getattr(self, f"{item}_width_mm")
        height = getattr(self, f"{item}_height_mm")
        if width is None and height is None:
            return
        if width is None or height is None:
            raise ValueError(f"give {item}_width_mm and {item}_height_mm together")
        if area_mm2 is None:
            raise ValueError(f"{item}_width_mm and {item}_height_mm need the {item}'s area")
        if abs(width * height / area_mm2 - 1.0) > SHAPE_TOLERANCE:
            raise ValueError(
                f"{item}_width_mm × {item}_height_mm = {width * height:g} mm² must agree with"
                f" the {item}'s area of {area_mm2:g} mm² within {SHAPE_TOLERANCE:.0%} (set them"
                " to null to override an inherited shape)"
            )


# --------------------------------------------------------------------------------------------
# supply
# --------------------------------------------------------------------------------------------


class Fab(_Entity):
    """A fab (existing, building, announced or cancelled) as in the ``fabs`` catalog."""

    name: str
    operator: str
    site: str
    country: Id
    resource: Id
    status: Literal["operating", "building", "announced", "cancelled"]
    construction_start_year: Year | None = None
    production_start_year: Year | None = None
    retire_year: Year | None = None
    capacity_wspm: dict[Year, Wspm] = Field(
        min_length=1,
        description="Capacity by year [wspm]; held after the last year, 0 before the first.",
    )
    capex_musd: Musd | None = None
    probability: Share | None = Field(None, description="Chance it comes online as planned.")
    ai_share: ShareByYear | None = Field(
        None,
        description="Share of this fab's output that serves AI accelerators, by year (default:"
        " supply.ai_share of its resource).",
    )
    lat: Latitude | None = None
    lon: Longitude | None = None


class FabOverride(_Model):
    """Changes to a catalog fab; only the fields given change."""

    id: Id
    status: Literal["operating", "building", "announced", "cancelled"] | None = None
    production_start_year: Year | None = None
    retire_year: Year | None = None
    capacity_wspm: Annotated[dict[Year, Wspm], Field(min_length=1)] | None = None
    probability: Share | None = None
    ai_share: ShareByYear | None = Field(
        None, description="Share of this fab's output for AI accelerators, by year."
    )
    source: str | None = Field(None, description="Why the fab changes: a source or 'estimate: …'.")


class Supply(_Model):
    """Existing and announced capacity: which catalog fabs count, changed how, and the AI share."""

    fabs: Literal["all"] | list[Id] = Field(
        "all", description="'all' catalog fabs, or a list of catalog fab ids."
    )
    exclude: list[Id] = Field(default_factory=list, description="Catalog fab ids left out.")
    overrides: list[FabOverride] = Field(default_factory=list)
    add: list[Fab] = Field(default_factory=list, description="Fabs not in the catalog.")
    announced: Literal["probability", "full", "none"] = Field(
        "probability",
        description="How announced and building fabs count: weighted by their probability, in"
        " full, or not at all.",
    )
    ai_share: dict[Id, ShareByYear] = Field(
        default_factory=dict,
        description="Share of each resource's output available for AI accelerators, by year.",
    )


# --------------------------------------------------------------------------------------------
# sites, partners, investors, subsidies
# --------------------------------------------------------------------------------------------


class Site(_Entity):
    """A candidate site for new fab modules."""

    name: str
    country: Id
    partners: list[Id] = Field(description="Partners allowed to build here.")
    max_modules: Count | None = Field(
        None, description="New modules the site can hold, of any kind (none: no bare count)."
    )
    power_mw: Annotated[float, Field(ge=0.0, le=1e5)] | None = Field(
        None, description="Power available to new modules [MW]; at most 100 GW."
    )
    water_ml_per_day: Annotated[float, Field(ge=0.0, le=1e5)] | None = Field(
        None, description="Water available to new modules [ML/day]; at most 100,000."
    )
    land_ha: Annotated[float, Field(ge=0.0, le=1e5)] | None = Field(
        None, description="Land available to new modules [ha]; at most 1,000 km²."
    )
    lat: Latitude
    lon: Longitude


class Partner(_Entity):
    """A chipmaker that can build and run new fab modules."""

    name: str
    country: Id
    resources: list[Id] = Field(min_length=1, description="Resources the partner can run.")
    max_starts_per_year: Count
    lead_time_factor: Annotated[float, Field(gt=0.0, le=5.0)] = Field(
        1.0, description="Multiplier on the region's construction lead time."
    )
    book_value_musd: Musd | None = Field(
        None, description="Book value of the chipmaker's equity, for an acquisition [USD million]."
    )


class Investor(_Entity):
    """A funder of the network."""

    name: str
    type: Literal["sovereign_fund", "corporate", "government", "lab"]
    country: Id
    commitment_musd: Musd = Field(description="Total commitment [USD million].")
    annual_cap_musd: Musd = Field(description="Most it pays in a year [USD million].")
    countries: list[Id] = Field(min_length=1, description="Countries it funds fabs in.")
    hurdle_rate: Annotated[float, Field(ge=-0.5, le=1.0)] = Field(
        0.08, description="Required annual return (real)."
    )


class Subsidy(_Entity):
    """A public subsidy programme."""

    name: str
    countries: list[Id] = Field(min_length=1)
    capex_share: Share = Field(description="Share of a project's capex granted.")
    cap_musd: Musd = Field(description="Programme money available [USD million].")
    loan_musd: Musd | None = Field(
        None, description="Government loans available to projects [USD million]."
    )
    loan_rate: Rate | None = Field(
        None, description="Annual interest on the loans; none: finance.debt.rate."
    )
    loan_tenor_years: Years | None = Field(
        None, description="Years from drawing to full repayment; none: finance.debt.tenor_years."
    )
    loan_grace_years: Annotated[int, Field(ge=0, le=99)] | None = Field(
        None, description="Interest-only years first; none: finance.debt.grace_years."
    )
    tax_credit_share: Share | None = Field(
        None, description="Investment tax credit as a share of capex, paid when a module is online."
    )

    @field_validator("tax_credit_share")
    @classmethod
    def _shares(cls, value: float | None, info: ValidationInfo) -> float | None:
        total = info.data.get("capex_share", 0.0) + (value or 0.0)
        if total > 1.0 + 1e-9:
            raise ValueError(f"capex_share + tax_credit_share is {total:.0%}, over 100 % of capex")
        return value

    @field_validator("loan_grace_years")
    @classmethod
    def _grace(cls, value: int | None, info: ValidationInfo) -> int | None:
        tenor = info.data.get("loan_tenor_years")
        if value is not None and tenor is not None and value >= tenor:
            raise ValueError(f"must be shorter than loan_tenor_years ({tenor})")
        return value


# --------------------------------------------------------------------------------------------
# policy, uncertainty, solver
# --------------------------------------------------------------------------------------------


class EarliestStart(_Model):
    """No new module matching all the given selectors starts before ``year``."""

    year: Year
    site: Id | None = None
    country: Id | None = None
    partner: Id | None = None
    resource: Id | None = None

    @model_validator(mode="after")
    def _has_selector(self) -> EarliestStart:
        if not any((self.site, self.country, self.partner, self.resource)):
            raise ValueError("name at least one of site, country, partner, resource")
        return self


class Policy(_Model):
    """Rules and prices the planner obeys."""

    objective: Literal["min_cost", "max_compute"] = "min_cost"
    budget_musd: Annotated[float, Field(gt=0.0, le=MUSD_MAX)] | None = Field(
        None, description="Total budget for objective max_compute [USD million]."
    )
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] = Field(
        0.08, description="Real annual discount rate of the planner."
    )
    unserved_penalty_usd_per_h100e: (
        Penalty | Annotated[dict[Year, Penalty], Field(min_length=1)]
    ) = Field(
        25_000.0,
        description="Value of lost compute [USD per H100e not delivered]: a number, or by year"
        " (linear between the years given, held flat outside them) as compute gets cheaper.",
    )
    regional_caps: dict[Id, Share] = Field(
        default_factory=dict, description="Most share of new capacity in a region."
    )
    earliest_start_year: Year | None = Field(None, description="No new module starts before.")
    earliest_starts: list[EarliestStart] = Field(default_factory=list)
    euv_tools_per_year: Annotated[float, Field(ge=0.0, le=COUNT_MAX)] | None = Field(
        None, description="EUV scanners available to new fabs per year."
    )
    max_new_modules_per_year: Count | None = None
    ramp_profile: list[Share] = Field(
        default_factory=lambda: [0.25, 0.6, 0.9, 1.0],
        min_length=1,
        description="Share of a module's capacity in its first, second, … year online; 1 after.",
    )
    asset_life_years: Annotated[float, Field(gt=0.0, le=50.0)] = Field(
        10.0, description="Straight-line life of a module for its terminal value [years]."
    )
    fixed_opex_share: Annotated[float, Field(ge=0.0, le=0.5)] = Field(
        0.02, description="Fixed operating cost per year online, as a share of module capex."
    )
    max_debt_share: Share = Field(
        0.3, description="Most of a year's capex in a country that debt may finance."
    )
    max_unserved_share: Share | None = Field(
        None,
        description="Most of each year's new compute that may go unserved (0: all of it must be"
        " delivered); none: unserved compute is only priced.",
    )

    @model_validator(mode="after")
    def _budget(self) -> Policy:
        if self.objective == "max_compute" and self.budget_musd is None:
            raise ValueError("objective max_compute needs budget_musd")
        return self

    def penalty(self, years: Iterable[int]) -> list[float]:
        """``unserved_penalty_usd_per_h100e`` in each of ``years`` [USD per H100e]."""
        return [interpolate(self.unserved_penalty_usd_per_h100e, y) for y in years]


class Solver(_Model):
    """Solver settings (runtime options such as logging live in fabnet.options)."""

    name: Literal["highs"] = Field("highs", description="The MIP solver (HiGHS).")
    time_limit_s: Annotated[float, Field(gt=0.0, le=7 * 24 * 3600.0)] = Field(
        300.0, description="Wall-clock limit [s]; at most a week."
    )
    mip_gap: Annotated[float, Field(ge=0.0, le=1.0)] = Field(0.01, description="Relative gap.")
    threads: Annotated[int, Field(ge=0, le=1024)] = Field(
        0, description="Solver threads; 0 lets the solver choose."
    )


# --------------------------------------------------------------------------------------------
# the scenario
# --------------------------------------------------------------------------------------------


class Scenario(_Model):
    """A whole fabnet scenario. Load one with :func:`fabnet.load_scenario`; change one with
    :meth:`with_changes`, which checks the result as a file is checked (pydantic's
    ``model_copy(update=...)`` checks nothing: a regional cap of 7.0 would pass)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=True,
        allow_inf_nan=False,
        json_schema_extra={"$id": "https://fabnet.dev/schema/scenario.json"},
        title="fabnet scenario",
    )

    name: Id
    description: str | None = None
    extends: str | None = Field(
        None, description="A built-in scenario name or a path this file overrides."
    )
    horizon: Horizon
    demand: Demand
    products: list[Product] = Field(default_factory=list)
    supply: Supply = Field(default_factory=Supply)
    sites: list[Site] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)
    investors: list[Investor] = Field(default_factory=list)
    subsidies: list[Subsidy] = Field(default_factory=list)
    policy: Policy = Field(default_factory=Policy)
    finance: Finance = Field(default_factory=Finance)
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)
    solver: Solver = Field(default_factory=Solver)
    fab_designs: list[FabDesignLink] = Field(
        default_factory=list,
        description="Resources whose EUV scanners and/or capex per kwspm the planner takes from"
        " a fab module design (fabnet fab module) instead of the catalog; one per resource.",
    )

    @property
    def years(self) -> list[int]:
        """The modelled years."""
        return self.horizon.years

    def to_yaml(self) -> str:
        """This scenario as standalone YAML (see :func:`fabnet.scenario.scenario_to_yaml`)."""
        from fabnet.scenario import scenario_to_yaml

        return scenario_to_yaml(self)

    def save(self, path: str | Path) -> Path:
        """Write :meth:`to_yaml` to ``path``; returns the path."""
        from fabnet.scenario import save_scenario

        return save_scenario(self, path)

    def with_changes(
        self, changes: Mapping[str, Any], *, catalog: Catalog | None = None
    ) -> Scenario:
        """A new scenario with ``changes`` applied, validated exactly as a file is.

        ``changes`` maps dotted paths to new values (``None`` removes one): through sections
        and fields, mappings by key and lists by an item's ``id`` or index, e.g.
        ``{"policy.regional_caps.TW": 0.3, "sites.tw-chiayi.power_mw": 900}``
        (:func:`fabnet.scenario.with_changes`). This scenario is left as it is.

        Raises
        ------
        ScenarioError
            If a path leads nowhere (naming the keys allowed there) or the changed scenario is
            invalid: every problem as for a file, at ``<changes>`` where a change put it
            (``<changes>: policy.regional_caps.TW: must be less than or equal to 1 (got 7.0)``).
        """
        from fabnet.scenario._changes import with_changes

        return with_changes(self, changes, catalog=catalog)


#: Top-level sections that hold lists of entities merged by ``id`` (and may be table files).
ENTITY_SECTIONS: dict[tuple[str, ...], type[_Entity]] = {
    ("products",): Product,
    ("sites",): Site,
    ("partners",): Partner,
    ("investors",): Investor,
    ("subsidies",): Subsidy,
    ("supply", "add"): Fab,
}

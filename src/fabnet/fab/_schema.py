"""The fab file's schema: pydantic v2 models, frozen, with ``extra="forbid"``, as the scenario's.

A fab file describes a few fabs from the inside: the tool types (each serving one workstation,
a tool group of interchangeable tools), the process routes (per product or node, the ordered steps
with each tool type's raw process time), the fabs (floor space, tools installed, products
allowed), the demand in wafers per week per product and period, and the rules of the tool plan.
Field names carry their units (``footprint_m2``, ``capex_musd``, ``rpt_min``); periods are
quarters written ``2026Q1``. Cross-references (a route's workstations and tool types, a fab's
tools, the demand's products and periods) are checked by :mod:`fabnet.fab._check`, which also
reports their file and line.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from fabnet.scenario._base import COUNT_MAX, Count, Id, Musd, Rate, _Model
from fabnet.scenario._schema import Solver

#: A quarter, ``YYYYQn``.
QUARTER_PATTERN = r"^(19[9][0-9]|20[0-9]{2}|2100)Q[1-4]$"
Quarter = Annotated[
    str, Field(pattern=QUARTER_PATTERN, description="A quarter, written YYYYQn (2026Q1).")
]
#: Minutes in a week (7 × 24 × 60): the most a tool can work in one.
MINUTES_PER_WEEK = 10_080.0
#: Weeks in a quarter (52 / 4).
WEEKS_PER_QUARTER = 13.0
#: Wafers in a lot (a FOUP holds 25): a step's setup is shared by the lot's wafers.
LOT_WAFERS = 25
#: The most minutes one wafer may spend on one step on one tool (a furnace batch of 8 h, 10×).
RPT_MAX_MIN = 4_800.0
#: The most wafers a week of one product in one period (1 million wafers a month is about what
#: TSMC made in all its fabs in 2024, annual report: ~1.4 M 12-inch-equivalent wafers a month).
WAFERS_PER_WEEK_MAX = 250_000.0
#: The largest floor of one fab [m²]: 1 km² (a TSMC gigafab's cleanroom is of the order of
#: 100,000–200,000 m², press).
FLOOR_M2_MAX = 1e6

Fraction = Annotated[float, Field(gt=0.0, le=1.0)]


def quarter_index(label: str) -> int:
    """A quarter as a count of quarters since year 0 (``2026Q1`` → 8104).

    >>> quarter_index("2026Q1"), quarter_index("2026Q4") - quarter_index("2025Q4")
    (8104, 4)
    """
    match = re.fullmatch(r"(\d{4})Q([1-4])", label)
    if match is None:
        raise ValueError(f"not a quarter written YYYYQn: {label!r}")
    return int(match[1]) * 4 + int(match[2]) - 1


def quarter_label(index: int) -> str:
    """The inverse of :func:`quarter_index` (``8104`` → ``2026Q1``)."""
    return f"{index // 4}Q{index % 4 + 1}"


class _Entity(_Model):
    id: Id
    source: str | None = Field(None, description="Where this entry's figures come from.")


class Periods(_Model):
    """The planning periods: the quarters ``first..last``, and how long each is."""

    first: Quarter
    last: Quarter
    minutes_per_week: Annotated[float, Field(gt=0.0, le=MINUTES_PER_WEEK)] = Field(
        MINUTES_PER_WEEK,
        description="Minutes a tool may work in a week [min] (10,080: every minute; less for"
        " a fab that does not run around the clock).",
    )
    weeks: Annotated[float, Field(gt=0.0, le=WEEKS_PER_QUARTER)] = Field(
        WEEKS_PER_QUARTER, description="Weeks in one period [weeks] (13 in a quarter)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Periods:
        first, last = quarter_index(self.first), quarter_index(self.last)
        if last < first:
            raise ValueError(f"last must not be before first (got {self.first}–{self.last})")
        if last - first >= 400:
            raise ValueError(f"at most 400 periods (got {last - first + 1})")
        return self

    @property
    def labels(self) -> list[str]:
        """Every period, in order."""
        return [
            quarter_label(i) for i in range(quarter_index(self.first), quarter_index(self.last) + 1)
        ]


class ToolType(_Entity):
    """A kind of tool: the workstation (tool group) it serves and what one costs and can do."""

    workstation: Id = Field(description="The workstation (tool group) the type serves.")
    generation: Annotated[int, Field(ge=1, le=100)] = Field(
        1,
        description="Its generation in its workstation: a newer one can replace an older one on"
        " the same steps (usually faster, in the routes' rpt_min).",
    )
    utilisation: Fraction = Field(
        0.85,
        description="The share of its available time that may be planned [fraction, (0, 1]]:"
        " the rest absorbs queueing (industrial engineers plan 80–90 %).",
    )
    availability: Fraction | None = Field(
        None, description="The share of time it is up [fraction, (0, 1]]; or give mttf_h/mttr_h."
    )
    mttf_h: Annotated[float, Field(gt=0.0, le=1e6)] | None = Field(
        None, description="Mean time to failure [h] (with mttr_h, instead of availability)."
    )
    mttr_h: Annotated[float, Field(gt=0.0, le=1e4)] | None = Field(
        None, description="Mean time to repair [h]."
    )
    footprint_m2: Annotated[float, Field(gt=0.0, le=FLOOR_M2_MAX)] = Field(
        description="Floor space one tool takes, service area included [m²]."
    )
    capex_musd: Musd = Field(description="Price of one tool, installed [USD million].")
    move_out_musd: Musd = Field(
        0.0, description="Cost of moving one installed tool out [USD million] (net of resale)."
    )
    buyable: bool = Field(True, description="Whether it may still be bought.")
    euv: bool = Field(False, description="Whether it is an EUV scanner (counted for the network).")

    @model_validator(mode="after")
    def _uptime(self) -> ToolType:
        has_mtt = self.mttf_h is not None or self.mttr_h is not None
        if self.availability is not None and has_mtt:
            raise ValueError("give availability or mttf_h and mttr_h, not both")
        if self.availability is None and (self.mttf_h is None or self.mttr_h is None):
            raise ValueError("give availability, or both mttf_h and mttr_h")
        return self

    @property
    def uptime(self) -> float:
        """The share of time the tool is up: ``availability``, or MTTF / (MTTF + MTTR)."""
        if self.availability is not None:
            return self.availability
        assert self.mttf_h is not None
        assert self.mttr_h is not None
        return self.mttf_h / (self.mttf_h + self.mttr_h)


class Step(_Model):
    """One step of a route: the workstation that does it and how long each tool type takes."""

    name: str | None = Field(None, description="What the step does (for people).")
    workstation: Id
    rpt_min: Annotated[
        dict[Id, Annotated[float, Field(gt=0.0, le=RPT_MAX_MIN)]], Field(min_length=1)
    ] = Field(
        description="Raw process time of one pass [min per batch] for each tool type that can"
        " run the step."
    )
    batch_wafers: Annotated[int, Field(ge=1, le=200)] = Field(
        1, description="Wafers processed together in one pass (a furnace: 100–150)."
    )
    setup_min: Annotated[float, Field(ge=0.0, le=RPT_MAX_MIN)] = Field(
        0.0, description="Setup time per lot [min], shared by the lot's wafers."
    )


class Route(_Entity):
    """A product's (or node's) process route: its steps in order."""

    steps: Annotated[list[Step], Field(min_length=1, max_length=5_000)]


class Fab(_Entity):
    """One fab: its floor space, the tools it has at the start and what it may run."""

    floor_m2: Annotated[float, Field(gt=0.0, le=FLOOR_M2_MAX)] = Field(
        description="Floor space for tools [m²] (cleanroom, service areas included)."
    )
    tools: dict[Id, Count] = Field(
        default_factory=dict, description="Tools installed at the start, per tool type."
    )
    products: list[Id] | None = Field(
        None, description="The routes it may run (default: every route)."
    )


class DemandRow(_Model):
    """Wafers a week wanted of one product in one period (in one demand scenario)."""

    product: Id
    period: Quarter
    wafers_per_week: Annotated[float, Field(ge=0.0, le=WAFERS_PER_WEEK_MAX)]
    scenario: Id | None = None


class DemandScenario(_Entity):
    """One demand scenario and how likely it is."""

    probability: Annotated[float, Field(gt=0.0, le=1.0)]


class Demand(_Model):
    """The wafer starts wanted: one row per product and period (and scenario, if several)."""

    table: Annotated[list[DemandRow], Field(min_length=1)] = Field(
        description="Rows of product, period, wafers_per_week (and scenario); or the path of a"
        " CSV/Parquet table with those columns."
    )
    scenarios: list[DemandScenario] = Field(
        default_factory=list,
        description="Demand scenarios with probabilities (summing to 1); the rows then name"
        " their scenario. None: one demand.",
    )

    @field_validator("scenarios")
    @classmethod
    def _probabilities(cls, value: list[DemandScenario]) -> list[DemandScenario]:
        total = sum(s.probability for s in value)
        if value and abs(total - 1.0) > 1e-6:
            raise ValueError(f"the probabilities must sum to 1 (got {total:.6g})")
        return value


class CostPeriods(_Model):
    """The periods whose costs count (the others are planned but not paid for)."""

    first: Quarter | None = None
    last: Quarter | None = None


class Rules(_Model):
    """How the tool plan may act and what it pays."""

    transfer_usd_per_wafer: Annotated[float, Field(ge=0.0, le=1e5)] = Field(
        0.0,
        description="Cost of moving one wafer to another fab between two steps of its route"
        " [USD per wafer].",
    )
    first_buy: dict[Id, Quarter] = Field(
        default_factory=dict,
        description="The first period in which a tool type may be bought (default: the first"
        " period).",
    )
    cost_periods: CostPeriods = Field(default_factory=CostPeriods)
    move_outs: bool = Field(True, description="Whether installed tools may be moved out.")
    first_stage_periods: Annotated[int, Field(ge=0, le=400)] = Field(
        1,
        description="With demand scenarios: the periods whose buys are decided before the"
        " demand is known (shared by every scenario).",
    )
    discount_rate: Rate = Field(
        0.0, description="Annual discount rate of the costs [fraction] (0: undiscounted)."
    )
    lot_wafers: Annotated[int, Field(ge=1, le=100)] = Field(
        LOT_WAFERS, description="Wafers in a lot: a setup is shared by its wafers."
    )
    solver: Solver = Field(default_factory=Solver)


class Design(_Entity):
    """A fab module design: one route run at a given output, for the network plan."""

    route: Id = Field(description="The route the module runs.")
    wspm: Annotated[float, Field(gt=0.0, le=1e6)] = Field(
        description="Wafer starts per month the module is sized for [wspm]."
    )
    resource: Id | None = Field(
        None,
        description="The catalog resource (logic node) the module makes (N3…), to compare"
        " with the catalog's figures.",
    )
    tool_types: list[Id] | None = Field(
        None,
        description="The tool types it is equipped with (default: on each step, the newest"
        " buyable type that can run it).",
    )
    facility_capex_musd: Musd = Field(
        0.0, description="Building, cleanroom and utilities of the module [USD million]."
    )
    floor_overhead: Annotated[float, Field(ge=1.0, le=10.0)] = Field(
        1.0, description="Floor of the module over the tools' own footprint [ratio]."
    )


class FabSpec(_Model):
    """A whole fab file. Load one with :func:`fabnet.fab.load_fab`."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=True,
        allow_inf_nan=False,
        json_schema_extra={"$id": "https://fabnet.dev/schema/fab.json"},
        title="fabnet fab file",
    )

    name: Id
    description: str | None = None
    extends: str | None = Field(
        None, description="A built-in fab file's name or a path this file overrides."
    )
    periods: Periods
    tool_types: Annotated[list[ToolType], Field(min_length=1, max_length=COUNT_MAX)]
    routes: Annotated[list[Route], Field(min_length=1, max_length=1_000)]
    fabs: Annotated[list[Fab], Field(min_length=1, max_length=1_000)]
    demand: Demand
    rules: Rules = Field(default_factory=Rules)
    designs: list[Design] = Field(default_factory=list)

    def tool_type(self, ident: str) -> ToolType:
        """The tool type ``ident``."""
        return next(t for t in self.tool_types if t.id == ident)

    def to_yaml(self) -> str:
        """The fab file as standalone YAML: everything explicit, nothing extended."""
        import yaml

        from fabnet.scenario._validate import plain

        data: dict[str, Any] = plain(self.model_dump(mode="python", exclude_none=True))
        data.pop("extends", None)
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        header = f"# fabnet fab file {self.name!r}: standalone (extends resolved)\n"
        return header + yaml.dump(data, Dumper=dumper, sort_keys=False, width=100)


#: Entity lists merged by id over what a fab file extends (a table path gives one per row).
FAB_SECTIONS: dict[tuple[str, ...], type[_Model]] = {
    ("tool_types",): ToolType,
    ("routes",): Route,
    ("fabs",): Fab,
    ("designs",): Design,
}

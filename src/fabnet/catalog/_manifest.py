"""What each packaged catalog table holds: its key columns and its parameters with their units.

Every table is a *long* CSV: the key column(s), then ``parameter, year, value, unit, source, date,
kind, note``. One row is one figure, so every figure carries its own source, date and kind.
``year`` is empty for a time-invariant figure and set for a trajectory (a fab's capacity by year).
The manifest below is the contract the loader and ``fabnet catalog --check`` enforce.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Columns after the key columns, in this order, in every table.
FIGURE_COLUMNS = ("parameter", "year", "value", "unit", "source", "date", "kind", "note")

#: The allowed values of the ``kind`` column.
KINDS = ("official", "press", "analyst", "estimate")

#: Regions used for lead times, capex factors and regional caps.
REGIONS = ("US", "TW", "JP", "KR", "CN", "EU", "SEA", "ME", "IN")

RESOURCE_CATEGORIES = ("logic", "memory", "packaging")
FAB_STATUSES = ("operating", "building", "announced", "cancelled")
ACCELERATOR_ROLES = ("accelerator", "component")
INVESTOR_TYPES = ("sovereign_fund", "corporate", "government", "lab")
#: What a series of the public record (``record.csv``) measures.
RECORD_METRICS = ("shipments", "capacity", "shortage")


@dataclass(frozen=True)
class Param:
    """One parameter of a table: its unit, whether every entry needs it, and what it refers to.

    ``ref`` names the table whose keys a value (``id``) or each item (``list``) must be;
    ``choices`` lists the allowed values of a text parameter; ``by_year`` says the parameter may
    (and then must) carry a year on each row.
    """

    unit: str
    required: bool = False
    ref: str | None = None
    choices: tuple[str, ...] | None = None
    by_year: bool = False


@dataclass(frozen=True)
class Table:
    """A catalog table: name, key columns, parameters and a one-line description."""

    name: str
    keys: tuple[str, ...]
    params: dict[str, Param]
    description: str
    key_refs: dict[str, str] = field(default_factory=dict)


_LATLON = {"lat": Param("deg"), "lon": Param("deg")}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "regions",
            ("region",),
            {
                "name": Param("text", required=True),
                "permit_design_months": Param("months", required=True),
                "construction_months": Param("months", required=True),
                "capex_factor": Param("ratio", required=True),
            },
            "Construction lead time (permit + design, construction) and capex factor by region.",
        ),
        Table(
            "countries",
            ("country",),
            {
                "name": Param("text", required=True),
                "region": Param("id", required=True, ref="regions"),
                "corporate_tax_rate": Param("fraction"),
            },
            "Countries (ISO 3166-1 alpha-2), their region and statutory corporate income tax rate.",
        ),
        Table(
            "resources",
            ("resource",),
            {
                "name": Param("text", required=True),
                "category": Param("text", required=True, choices=RESOURCE_CATEGORIES),
                "hvm_year": Param("year"),
                "wafer_price_usd": Param("usd_per_wafer", required=True),
                "d0_entry_per_cm2": Param("per_cm2"),
                "d0_mature_per_cm2": Param("per_cm2"),
                "d0_tau_years": Param("years"),
                "euv_tools_per_kwspm": Param("tools_per_kwspm"),
                "capex_musd_per_kwspm": Param("musd_per_kwspm", required=True),
                "module_capacity_wspm": Param("wspm", required=True),
                "module_power_mw": Param("MW", required=True),
                "module_water_ml_per_day": Param("ML_per_day"),
                "module_land_ha": Param("ha"),
                "lead_time_factor": Param("ratio"),
                "opex_usd_per_wafer": Param("usd_per_wafer", required=True),
                "edge_exclusion_mm": Param("mm", required=True),
                "scribe_mm": Param("mm", required=True),
                "hbm_generation": Param("id", ref="hbm"),
                "packaging_yield": Param("fraction"),
                "reservation_fee_usd_per_wspm_year": Param("usd_per_wspm_year"),
            },
            "Process resources (logic nodes, HBM DRAM, CoWoS-class packaging): price, D0, capex,"
            " capacity reservation fee, wafer edge exclusion and scribe lane.",
        ),
        Table(
            "hbm",
            ("generation",),
            {
                "name": Param("text", required=True),
                "stack_height": Param("count", required=True),
                "dram_base_dies": Param("count", required=True),
                "core_die_capacity_gbit": Param("Gbit"),
                "core_die_width_mm": Param("mm", required=True),
                "core_die_height_mm": Param("mm", required=True),
                "die_yield": Param("fraction", required=True),
                "stack_yield": Param("fraction", required=True),
                "volume_year": Param("year"),
            },
            "HBM generations: stack height, core DRAM die size, known-good-die and stacking"
            " yield; good stacks per DRAM wafer follow from them.",
        ),
        Table(
            "accelerators",
            ("product",),
            {
                "name": Param("text", required=True),
                "vendor": Param("text", required=True),
                "role": Param("text", required=True, choices=ACCELERATOR_ROLES),
                "launch_year": Param("year"),
                "h100e_per_unit": Param("H100e"),
                "logic_die_count": Param("count"),
                "logic_die_area_mm2": Param("mm2"),
                "logic_die_width_mm": Param("mm"),
                "logic_die_height_mm": Param("mm"),
                "logic_node": Param("id", ref="resources"),
                "io_die_count": Param("count"),
                "io_die_area_mm2": Param("mm2"),
                "io_die_width_mm": Param("mm"),
                "io_die_height_mm": Param("mm"),
                "io_die_node": Param("id", ref="resources"),
                "hbm_stacks": Param("count"),
                "hbm_generation": Param("id", ref="hbm"),
                "interposer_reticles": Param("ratio"),
                "interposer_area_mm2": Param("mm2"),
                "interposer_width_mm": Param("mm"),
                "interposer_height_mm": Param("mm"),
                "packaging": Param("id", ref="resources"),
                "packaging_type": Param("text"),
                "parts": Param("list", ref="accelerators"),
            },
            "AI accelerators and their parts: compute, logic and I/O dies (count, area, width ×"
            " height, node), HBM stacks and generation, interposer (reticles, area or width ×"
            " height), packaging.",
        ),
        Table(
            "partners",
            ("partner",),
            {
                "name": Param("text", required=True),
                "country": Param("id", required=True, ref="countries"),
                "resources": Param("list", required=True, ref="resources"),
                "max_starts_per_year": Param("count", required=True),
                "lead_time_factor": Param("ratio", required=True),
                "book_value_musd": Param("musd"),
            },
            "Chipmakers that can build and run new fabs, what they run, how fast they build and"
            " their book value.",
        ),
        Table(
            "fabs",
            ("fab",),
            {
                "name": Param("text", required=True),
                "operator": Param("text", required=True),
                "site": Param("text", required=True),
                "country": Param("id", required=True, ref="countries"),
                "resource": Param("id", required=True, ref="resources"),
                "status": Param("text", required=True, choices=FAB_STATUSES),
                "construction_start_year": Param("year"),
                "production_start_year": Param("year"),
                "retire_year": Param("year"),
                "capacity_wspm": Param("wspm", required=True, by_year=True),
                "capex_musd": Param("musd"),
                "probability": Param("fraction"),
                **_LATLON,
            },
            "Existing and announced fabs and packaging plants with capacity by year.",
        ),
        Table(
            "sites",
            ("site",),
            {
                "name": Param("text", required=True),
                "country": Param("id", required=True, ref="countries"),
                "partners": Param("list", required=True, ref="partners"),
                "max_modules": Param("count"),
                "power_mw": Param("MW"),
                "water_ml_per_day": Param("ML_per_day"),
                "land_ha": Param("ha"),
                "lat": Param("deg", required=True),
                "lon": Param("deg", required=True),
            },
            "Candidate sites for new fabs with their limits.",
        ),
        Table(
            "subsidies",
            ("programme",),
            {
                "name": Param("text", required=True),
                "countries": Param("list", required=True, ref="countries"),
                "capex_share": Param("fraction", required=True),
                "cap_musd": Param("musd", required=True),
                "loan_musd": Param("musd"),
                "loan_rate": Param("fraction"),
                "loan_tenor_years": Param("years"),
                "loan_grace_years": Param("years"),
                "tax_credit_share": Param("fraction"),
            },
            "Public subsidy programmes: share of capex granted, programme cap, loans and their"
            " terms, tax credits.",
        ),
        Table(
            "investors",
            ("investor",),
            {
                "name": Param("text", required=True),
                "type": Param("text", required=True, choices=INVESTOR_TYPES),
                "country": Param("id", required=True, ref="countries"),
                "commitment_musd": Param("musd", required=True),
                "annual_cap_musd": Param("musd", required=True),
                "countries": Param("list", required=True, ref="countries"),
                "hurdle_rate": Param("fraction", required=True),
            },
            "Investors approached for the network: commitment, annual cap, countries they fund.",
        ),
        Table(
            "record",
            ("series",),
            {
                "name": Param("text", required=True),
                "metric": Param("text", required=True, choices=RECORD_METRICS),
                "vendor": Param("text"),
                "resource": Param("id", ref="resources"),
                "part_of": Param("id", ref="record"),
                "china_domestic": Param("flag"),
                "units": Param("count", by_year=True),
                "units_p5": Param("count", by_year=True),
                "units_p95": Param("count", by_year=True),
                "h100e": Param("H100e", by_year=True),
                "h100e_p5": Param("H100e", by_year=True),
                "h100e_p95": Param("H100e", by_year=True),
                "capacity_wspm": Param("wspm", by_year=True),
                "capacity_low_wspm": Param("wspm", by_year=True),
                "capacity_high_wspm": Param("wspm", by_year=True),
                "short": Param("flag", by_year=True),
            },
            "The public record the backcast compares with: accelerators shipped per vendor and"
            " year (Epoch AI), CoWoS and HBM capacity at year end, and the years each was sold"
            " out.",
        ),
    )
}

"""``fabnet backcast``: the scenario's outlook for the public record's years beside that record."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fabnet.cli._format import h100e, number
from fabnet.cli._options import DEFAULT_SCENARIO, ReportFile, ScenarioArg, examples, out_folder
from fabnet.cli._shared import console, load, outputs, write_outputs

if TYPE_CHECKING:
    from rich.table import Table

    from fabnet.outlook import Backcast

__all__ = ["EXAMPLES", "backcast"]

EXAMPLES = examples(
    "fabnet backcast",
    "fabnet backcast altman-2024 --out backcast/ --report backcast.html",
    note="Exit code 0 whatever the verdicts: the backcast is a report, not a test. The record is"
    " the catalog's table record (fabnet catalog record), every figure with its source.",
)

#: Said under the tables: how the two sides count compute, and what the record leaves out.
NOTES = (
    "H100e: the record (Epoch AI) counts 8-bit OP/s ÷ 1,979 TOPS, fabnet dense BF16 ÷ 989.4"
    " TFLOPS; the same ratio for most chips.",
    "* China's domestic suppliers (Huawei Ascend, made at SMIC; Cambricon): outside fabnet's"
    " supply, left out of the compute check.",
    "Record: Epoch AI, epoch-research/ai-chip-counts @ 10c28e48 (CC BY); capacity and shortages"
    " from TSMC, SK hynix, Micron, TrendForce and the press: fabnet catalog record.",
)


def _millions(value: object, digits: int = 2) -> str:
    """A count in millions (``1.29 M``); ``—`` when missing."""
    n = number(value)
    return "—" if math.isnan(n) else f"{n / 1e6:,.{digits}f} M"


def _wspm(value: object) -> str:
    """Wafers a month, grouped by thousands; ``—`` when missing."""
    n = number(value)
    return "—" if math.isnan(n) else f"{n:,.0f}"


def _yes(value: object) -> str:
    """A flag as yes / no; ``—`` when missing (None, NaN or pandas' NA)."""
    import pandas as pd

    if value is None or bool(pd.isna(value)):  # type: ignore[call-overload]
        return "—"
    return "yes" if bool(value) else "no"


def _table(title: str, columns: list[str]) -> Table:
    """A table under ``title`` with ``columns`` (headers are plain text, units in brackets)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title), title_justify="left")
    for column in columns:
        left = column in ("vendor", "resource")
        table.add_column(escape(column), justify="left" if left else "right")
    return table


def _compute_table(result: Backcast) -> Table:
    from fabnet.outlook.history import ratio_text

    tolerance = f"±{result.tolerance * 100:g} %"
    table = _table(
        f"Backcast {result.scenario.name}: new compute per year, the record and fabnet",
        [
            "year",
            "record [H100e]",
            "p5–p95 [H100e]",
            "new [H100e]",
            "deliverable [H100e]",
            "fabnet ÷ record",
            f"within {tolerance}",
        ],
    )
    for year, row in result.compute.iterrows():
        within = "yes" if row["within"] else "[red]no[/]"
        table.add_row(
            str(year),
            h100e(row["record_h100e"]),
            f"{h100e(row['record_p5_h100e'])}–{h100e(row['record_p95_h100e'])}",
            h100e(row["new_h100e"]),
            h100e(row["deliverable_h100e"]),
            ratio_text(row["ratio"]),
            within,
        )
    return table


def _covers(result: Backcast) -> str:
    """Which vendors the record counts each year."""
    years = "; ".join(
        f"{year}: {vendors}"
        for year, vendors in zip(result.years, result.compute["record_vendors"], strict=True)
    )
    return f"The record: Epoch AI's vendors without China's domestic suppliers ({years})."


def _vendor_table(result: Backcast) -> Table:
    from fabnet.outlook.history import ratio_text

    table = _table(
        "Per vendor: accelerators shipped (record) and made (fabnet)",
        [
            "year",
            "vendor",
            "record [units]",
            "fabnet [units]",
            "units ÷",
            "record [H100e]",
            "fabnet [H100e]",
            "H100e ÷",
        ],
    )
    for row in result.vendors.itertuples(index=False):
        table.add_row(
            str(row.year),
            f"{row.vendor}*" if row.china_domestic else str(row.vendor),
            _millions(row.record_units),
            _millions(row.fabnet_units),
            ratio_text(row.units_ratio),
            _millions(row.record_h100e),
            _millions(row.fabnet_h100e),
            ratio_text(row.h100e_ratio),
        )
    return table


def _resource_table(result: Backcast) -> Table:
    from fabnet.outlook.history import ratio_text

    table = _table(
        "CoWoS and HBM: fabnet's coverage against the years the record says sold out"
        " (capacity at year end)",
        [
            "year",
            "resource",
            "demand [wspm]",
            "AI supply [wspm]",
            "coverage",
            "fabnet capacity [wspm]",
            "record capacity [wspm]",
            "record sold out",
            "fabnet short",
            "agree",
        ],
    )
    for row in result.resources.itertuples(index=False):
        agree = _yes(row.agree)
        table.add_row(
            str(row.year),
            str(row.resource),
            _wspm(row.demand_wspm),
            _wspm(row.ai_supply_wspm),
            ratio_text(row.coverage).removeprefix("×"),
            _wspm(row.capacity_wspm),
            _wspm(row.record_capacity_wspm),
            _yes(row.record_short),
            _yes(row.fabnet_short),
            f"[red]{agree}[/]" if agree == "no" else agree,
        )
    return table


def backcast(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    out: Annotated[Path | None, out_folder("Write the tables as CSV")] = None,
    report: ReportFile = None,
) -> None:
    """Set the scenario's outlook for 2023–2025 beside the public record: deliverable compute
    against the accelerators shipped (Epoch AI), per vendor in units and H100e, and CoWoS and
    HBM coverage against the years they were sold out; one verdict per check."""
    from rich.text import Text

    from fabnet.outlook import backcast as compute_backcast
    from fabnet.outlook.history import BACKCAST_FILES

    paths = outputs(out, report, names=BACKCAST_FILES)
    loaded, catalog = load(scenario)
    result = compute_backcast(loaded, catalog=catalog)
    out_console = console()
    out_console.print(_compute_table(result))
    out_console.print(_covers(result), markup=False, soft_wrap=True)
    out_console.print(_vendor_table(result))
    out_console.print(_resource_table(result))
    for note in NOTES:
        out_console.print(note, markup=False, soft_wrap=True)
    out_console.print()
    for verdict in result.verdicts:
        mark = ("✓ ", "green") if verdict.passed else ("✗ ", "red")
        out_console.print(Text.assemble(mark, verdict.text), soft_wrap=True)
    write_outputs(out_console, paths, result, result.to_csv, "the tables")

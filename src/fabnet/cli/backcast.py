"""``fabnet backcast``: the scenario's outlook for the public record's years beside that record."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fabnet.cli._format import COMPUTE, h100e, header, number, table
from fabnet.cli._options import (
    DEFAULT_SCENARIO,
    Format,
    Full,
    Json,
    ReportFile,
    ScenarioArg,
    examples,
    out_folder,
)
from fabnet.cli._shared import finish, load, outputs, progress

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from fabnet.outlook import Backcast

__all__ = ["EXAMPLES", "backcast"]

EXAMPLES = examples(
    "fabnet backcast",
    "fabnet backcast altman-2024 --out backcast/ --report backcast.html",
    "fabnet backcast --json",
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
    """A count in millions, no unit (it is in the header): ``1.29``; ``—`` when missing."""
    n = number(value)
    return "—" if math.isnan(n) else f"{n / 1e6:,.{digits}f}"


def _wspm(value: object) -> str:
    """Wafers a month in thousands, one decimal (``14.5``); ``—`` when missing."""
    n = number(value)
    return "—" if math.isnan(n) else f"{n / 1e3:,.1f}"


def _yes(value: object) -> str:
    """A flag as yes / no; ``—`` when missing (None, NaN or pandas' NA)."""
    import pandas as pd

    if value is None or bool(pd.isna(value)):  # type: ignore[call-overload]
        return "—"
    return "yes" if bool(value) else "no"


def _table(title: str, columns: list[str]) -> Table:
    """A table under ``title`` with ``columns`` (headers are plain text, units in brackets)."""
    return table(title, columns, left=("vendor", "resource"))


def _compute_table(result: Backcast) -> Table:
    from fabnet.outlook.history import ratio_text

    tolerance = f"±{result.tolerance * 100:g} %"
    shown = _table(
        f"Backcast {result.scenario.name}: new compute per year, the record and fabnet",
        [
            "year",
            header("record", COMPUTE),
            header("p5–p95", COMPUTE),
            header("new", COMPUTE),
            header("deliverable", COMPUTE),
            "fabnet ÷\nrecord",
            f"within\n{tolerance}",
        ],
    )
    for year, row in result.compute.iterrows():
        within = "yes" if row["within"] else "[red]no[/]"
        shown.add_row(
            str(year),
            h100e(row["record_h100e"]),
            f"{h100e(row['record_p5_h100e'])}–{h100e(row['record_p95_h100e'])}",
            h100e(row["new_h100e"]),
            h100e(row["deliverable_h100e"]),
            ratio_text(row["ratio"]),
            within,
        )
    return shown


def _covers(result: Backcast) -> str:
    """Which vendors the record counts each year."""
    years = "; ".join(
        f"{year}: {vendors}"
        for year, vendors in zip(result.years, result.compute["record_vendors"], strict=True)
    )
    return f"The record: Epoch AI's vendors without China's domestic suppliers ({years})."


def _vendor_table(result: Backcast) -> Table:
    from fabnet.outlook.history import ratio_text

    shown = _table(
        "Per vendor: accelerators shipped (record) and made (fabnet)",
        [
            "year",
            "vendor",
            header("record", "M units"),
            header("fabnet", "M units"),
            "units ÷",
            header("record", COMPUTE),
            header("fabnet", COMPUTE),
            "H100e ÷",
        ],
    )
    for row in result.vendors.itertuples(index=False):
        shown.add_row(
            str(row.year),
            f"{row.vendor}*" if row.china_domestic else str(row.vendor),
            _millions(row.record_units),
            _millions(row.fabnet_units),
            ratio_text(row.units_ratio),
            _millions(row.record_h100e),
            _millions(row.fabnet_h100e),
            ratio_text(row.h100e_ratio),
        )
    return shown


def _resource_table(result: Backcast) -> Table:
    from fabnet.outlook.history import ratio_text

    shown = _table(
        "CoWoS and HBM: fabnet's coverage against the years the record says sold out"
        " (capacity at year end)",
        [
            "year",
            "resource",
            header("demand", "k wspm"),
            header("AI supply", "k wspm"),
            "coverage",
            header("fabnet capacity", "k wspm"),
            header("record capacity", "k wspm"),
            "sold out:\nrecord/\nfabnet",
            "agree",
        ],
    )
    for row in result.resources.itertuples(index=False):
        agree = _yes(row.agree)
        shown.add_row(
            str(row.year),
            str(row.resource),
            _wspm(row.demand_wspm),
            _wspm(row.ai_supply_wspm),
            ratio_text(row.coverage).removeprefix("×"),
            _wspm(row.capacity_wspm),
            _wspm(row.record_capacity_wspm),
            f"{_yes(row.record_short)}/{_yes(row.fabnet_short)}",
            f"[red]{agree}[/]" if agree == "no" else agree,
        )
    return shown


def backcast(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    out: Annotated[Path | None, out_folder("Write the tables")] = None,
    out_format: Format = "parquet",
    report: ReportFile = None,
    full: Full = False,
    as_json: Json = False,
) -> None:
    """Set the scenario's outlook for 2023–2025 beside the public record: deliverable compute
    against the accelerators shipped (Epoch AI), per vendor in units and H100e, and CoWoS and
    HBM coverage against the years they were sold out; one verdict per check."""
    from fabnet.outlook import backcast as compute_backcast
    from fabnet.outlook.history import BACKCAST_FILES

    paths = outputs(out, report, names=BACKCAST_FILES, out_format=out_format)
    loaded, catalog = load(scenario)
    progress().step("computing the backcast")
    result = compute_backcast(loaded, catalog=catalog)
    finish(paths, result, _print, "the tables", as_json=as_json, out_format=out_format, full=full)


def _print(out: Console, result: Backcast) -> None:
    """The backcast's tables, notes and verdicts on *out*."""
    from rich.text import Text

    out.print(_compute_table(result))
    out.print(_covers(result), markup=False)
    out.print(_vendor_table(result))
    out.print(_resource_table(result))
    for note in NOTES:
        out.print(note, markup=False)
    out.print()
    for verdict in result.verdicts:
        mark = ("✓ ", "green") if verdict.passed else ("✗ ", "red")
        out.print(Text.assemble(mark, verdict.text))

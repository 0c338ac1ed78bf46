"""``fabnet gap``: the demand–supply gap per resource and year."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from fabnet.cli._format import h100e
from fabnet.cli._options import DEFAULT_SCENARIO, ReportFile, ScenarioArg, examples
from fabnet.cli._shared import console, load, outputs, write_outputs

__all__ = ["EXAMPLES", "gap"]

EXAMPLES = examples(
    "fabnet gap",
    "fabnet gap altman-2024 --report report.html",
    "fabnet gap my-scenario.yaml --csv out/",
    note="The report is one self-contained HTML file that works offline.",
)


def gap(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    report: ReportFile = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write every table as CSV into this folder.")
    ] = None,
) -> None:
    """The demand–supply gap: AI compute wanted as wafers per resource, the supply of the
    catalog's fabs, the binding resource and the compute that cannot be delivered, per year."""
    from rich.table import Table

    from fabnet.outlook import gap as compute_gap
    from fabnet.outlook.balance import GAP_FILES

    paths = outputs(csv, report, folder_option="--csv", names=GAP_FILES)
    loaded, catalog = load(scenario)
    result = compute_gap(loaded, catalog=catalog)
    out = console()
    table = Table(
        title=f"Gap {loaded.name}: new compute per year [H100e] and the binding resource",
        title_justify="left",
    )
    for column in ("year", "installed", "new", "deliverable", "shortfall", "binding", "coverage"):
        table.add_column(column, justify="right" if column != "binding" else "left")
    coverage = result.table.set_index(["year", "resource"])["coverage"]
    for year, row in result.compute.iterrows():
        binding = row["binding"]
        cover = (
            coverage.get((year, binding), float("nan"))
            if isinstance(binding, str)
            else (float("nan"))
        )
        short = row["shortfall_h100e"]
        table.add_row(
            str(year),
            h100e(row["installed_h100e"]),
            h100e(row["new_h100e"]),
            h100e(row["deliverable_h100e"]),
            f"[red]{h100e(short)}[/]" if short > 0 else h100e(short),
            str(binding),
            "—" if math.isnan(cover) else f"{cover:.0%}",  # nothing wanted: no coverage
        )
    out.print(table)
    out.print(
        f"Shortfall over {result.years[0]}–{result.years[-1]}:"
        f" {h100e(result.shortfall_h100e)} H100e. Coverage = AI supply / demand of the"
        " binding resource."
    )
    write_outputs(out, paths, result, result.to_csv, "the tables")

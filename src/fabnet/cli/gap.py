"""``fabnet gap``: the demand–supply gap per resource and year."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fabnet.cli._format import COMPUTE, h100e, header, table
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

    from fabnet.outlook import GapResult

__all__ = ["EXAMPLES", "gap"]

EXAMPLES = examples(
    "fabnet gap",
    "fabnet gap altman-2024 --report report.html",
    "fabnet gap my-scenario.yaml --out gap/ --format csv",
    "fabnet gap --json",
    note="The report is one self-contained HTML file that works offline.",
)


def gap(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    out: Annotated[Path | None, out_folder("Write the gap's tables")] = None,
    out_format: Format = "parquet",
    report: ReportFile = None,
    full: Full = False,
    as_json: Json = False,
    csv: Annotated[
        Path | None,
        typer.Option("--csv", hidden=True, help="Deprecated: use --out DIR --format csv."),
    ] = None,
) -> None:
    """The demand–supply gap: AI compute wanted as wafers per resource, the supply of the
    catalog's fabs, the binding resource and the compute that cannot be delivered, per year."""
    from fabnet.exceptions import ParameterError
    from fabnet.outlook import gap as compute_gap
    from fabnet.outlook.balance import GAP_FILES

    folder_option = "--out"
    if csv is not None:
        if out is not None:
            raise ParameterError("--csv", "left out with --out (it is its old form)", str(csv))
        typer.echo("warning: --csv DIR is deprecated; use --out DIR --format csv", err=True)
        out, out_format, folder_option = csv, "csv", "--csv"
    paths = outputs(
        out, report, folder_option=folder_option, names=GAP_FILES, out_format=out_format
    )
    loaded, catalog = load(scenario)
    progress().step("computing the gap")
    result = compute_gap(loaded, catalog=catalog)
    finish(paths, result, _print, "the tables", as_json=as_json, out_format=out_format, full=full)


def _print(out: Console, result: GapResult) -> None:
    """The gap's table and its closing line on *out*."""
    shown = table(
        f"Gap {result.scenario.name}: new compute per year and the binding resource",
        [
            "year",
            header("installed", COMPUTE),
            header("new", COMPUTE),
            header("deliverable", COMPUTE),
            header("shortfall", COMPUTE),
            "binding",
            "coverage",
        ],
        left=("binding",),
    )
    coverage = result.table.set_index(["year", "resource"])["coverage"]
    for year, row in result.compute.iterrows():
        binding = row["binding"]
        cover = coverage.get((year, binding), math.nan) if isinstance(binding, str) else math.nan
        short = row["shortfall_h100e"]
        shown.add_row(
            str(year),
            h100e(row["installed_h100e"]),
            h100e(row["new_h100e"]),
            h100e(row["deliverable_h100e"]),
            f"[red]{h100e(short)}[/]" if short > 0 else h100e(short),
            str(binding),
            "—" if math.isnan(cover) else f"{cover:.0%}",  # nothing wanted: no coverage
        )
    out.print(shown)
    out.print(
        f"Shortfall over {result.years[0]}–{result.years[-1]}:"
        f" {h100e(result.shortfall_h100e)} M H100e. Coverage = AI supply / demand of the"
        " binding resource."
    )

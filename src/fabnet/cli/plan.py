"""``fabnet plan``: the network plan (the MILP), printed, saved and reported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fabnet.cli._format import h100e, musd
from fabnet.cli._options import (
    DEFAULT_SCENARIO,
    MipGap,
    ReportFile,
    ScenarioArg,
    Threads,
    TimeLimit,
    examples,
    out_folder,
    solver,
)
from fabnet.cli._shared import console, load, solver_progress

__all__ = ["EXAMPLES", "plan"]

EXAMPLES = examples(
    "fabnet plan",
    "fabnet plan altman-2024 --time-limit 120 --gap 0.005 --out plan/ --report plan.html",
    "fabnet plan my.yaml --objective max_compute --budget 100000",
    note="Exit code 3 with a diagnosis when the plan is infeasible, 5 when the solver found no"
    " plan in time.",
)


def plan(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    time_limit: TimeLimit = None,
    gap: MipGap = None,
    threads: Threads = None,
    objective: Annotated[
        str | None, typer.Option("--objective", help="min_cost or max_compute.")
    ] = None,
    budget: Annotated[
        float | None, typer.Option("--budget", min=0.0, help="Budget for max_compute [musd].")
    ] = None,
    relax: Annotated[
        bool, typer.Option("--relax", help="Solve the LP relaxation (fractional modules).")
    ] = False,
    out: Annotated[Path | None, out_folder("Save the plan (Parquet + JSON)")] = None,
    report: ReportFile = None,
) -> None:
    """Plan the network: which fab modules to start where, when, with which partner and funded
    by whom, at least cost (or most compute within a budget)."""
    from rich.table import Table

    from fabnet.exceptions import ParameterError
    from fabnet.outlook import gap as compute_gap
    from fabnet.planning import plan as make_plan

    if objective not in (None, "min_cost", "max_compute"):
        raise ParameterError("--objective", "min_cost or max_compute", objective)
    loaded, catalog = load(scenario)
    outlook = compute_gap(loaded, catalog=catalog)
    with solver_progress() as on_progress:
        result = make_plan(
            loaded,
            catalog=catalog,
            **solver(time_limit, gap, threads),
            objective=objective,  # type: ignore[arg-type]
            budget_musd=budget,
            relax=relax,
            on_progress=on_progress,
            outlook=outlook,
        )
    stats = result.stats
    out_console = console()
    head = Table(title=f"Plan {loaded.name}: {stats['status']}", title_justify="left")
    for column in ("objective", "bound", "gap", "modules", "capex", "unserved", "solve s"):
        head.add_column(column, justify="right")
    head.add_row(
        f"{stats['objective']:,.6g}",
        f"{stats['bound']:,.6g}",
        f"{stats['gap']:.2%}",
        f"{int(result.builds['modules'].sum())}",
        musd(result.builds["capex_musd"].sum()),
        f"{h100e(result.compute['unserved_h100e'].sum())} H100e",
        f"{stats['solve_seconds']:.1f}",
    )
    out_console.print(head)
    builds = Table(title="New modules by resource and region (start years)", title_justify="left")
    for column in ("resource", "region", "modules", "capex", "starts"):
        builds.add_column(
            column, justify="left" if column in ("resource", "region", "starts") else "right"
        )
    grouped = result.builds.groupby(["resource", "region"])
    for (resource, region), rows in grouped:
        builds.add_row(
            str(resource),
            str(region),
            str(int(rows["modules"].sum())),
            musd(rows["capex_musd"].sum()),
            ", ".join(str(y) for y in sorted(set(rows["start_year"]))),
        )
    out_console.print(builds)
    if out is not None:
        result.save(out)
        out_console.print(f"saved the plan to {out}")
    if report is not None:
        from fabnet.report import write_report

        write_report(result, report, outlook=outlook)
        out_console.print(f"wrote {report}")

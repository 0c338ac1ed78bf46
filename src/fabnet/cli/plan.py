"""``fabnet plan``: the network plan (the MILP), printed, saved and reported."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from fabnet.cli._shared import console, load, outputs, solver_progress, write_outputs

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["EXAMPLES", "plan"]

EXAMPLES = examples(
    "fabnet plan",
    "fabnet plan altman-2024 --time-limit 120 --gap 0.005 --out plan/ --report plan.html",
    "fabnet plan my.yaml --objective max_compute --budget 100000",
    note="Exit code 3 with a diagnosis when the plan is infeasible, 5 when the solver found no"
    " plan in time.",
)


#: Binding limits and unserved years printed (the plan's tables hold all of them).
TOP_LIMITS = 8


def _cost_table(costs: dict[str, float]) -> Table:
    """The plan's cost by term, discounted [$ B]: one row per term, money, penalty, objective."""
    from rich.table import Table

    from fabnet.planning.result import COST_TERMS

    table = Table(title="Cost of the plan, discounted to the first year", title_justify="left")
    table.add_column("term")
    table.add_column("NPV", justify="right")
    for term, meaning in COST_TERMS.items():
        if term == "unserved_penalty" or abs(costs[term]) < 0.05:
            continue
        table.add_row(meaning, musd(costs[term]))
    table.add_row("[b]money cost[/b]", f"[b]{musd(costs['cost'])}[/b]")
    table.add_row(COST_TERMS["unserved_penalty"], musd(costs["unserved_penalty"]))
    table.add_row("[b]objective[/b] (money + penalty)", f"[b]{musd(costs['objective'])}[/b]")
    return table


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
    from fabnet.planning.result import PLAN_FILES

    if objective not in (None, "min_cost", "max_compute"):
        raise ParameterError("--objective", "min_cost or max_compute", objective)
    paths = outputs(out, report, names=PLAN_FILES)
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
    costs = result.cost_npv()
    head = Table(title=f"Plan {loaded.name}: {stats['status']}", title_justify="left")
    columns = ("modules", "capex", "cost (NPV)", "unserved", "penalty (NPV)", "gap", "solve s")
    for column in columns:
        head.add_column(column, justify="right")
    head.add_row(
        f"{int(result.builds['modules'].sum())}",
        musd(result.builds["capex_musd"].sum()),
        musd(costs["cost"]),
        f"{h100e(result.compute['unserved_h100e'].sum())} H100e",
        musd(costs["unserved_penalty"]),
        f"{stats['gap']:.2%}",
        f"{stats['solve_seconds']:.1f}",
    )
    out_console.print(head)
    out_console.print(_cost_table(costs))
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
    binding = result.limits[result.limits["binding"]] if len(result.limits) else result.limits
    if len(binding):
        out_console.print("What holds the plan back (LP shadow prices, NPV):")
        for message in binding["message"].head(TOP_LIMITS):
            out_console.print(f"  {message}")
        if len(binding) > TOP_LIMITS:
            out_console.print(
                f"  … and {len(binding) - TOP_LIMITS} more in the plan's limits table"
            )
    for reason in stats.get("unserved_reasons", [])[:TOP_LIMITS]:
        out_console.print(f"unserved {reason}")
    write_outputs(out_console, paths, result, result.save, "the plan", outlook=outlook)

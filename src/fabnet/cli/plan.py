"""``fabnet plan``: the network plan (the MILP), printed, saved and reported."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fabnet.cli._format import COMPUTE, count, h100e, header, money_unit, table
from fabnet.cli._options import (
    DEFAULT_SCENARIO,
    Format,
    Full,
    GapAlias,
    Json,
    MipGap,
    Relax,
    ReportFile,
    ScenarioArg,
    SolverLog,
    SolverOption,
    Threads,
    TimeLimit,
    examples,
    out_folder,
    solver,
)
from fabnet.cli._shared import finish, load, outputs, progress

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from fabnet.planning import Plan

__all__ = ["EXAMPLES", "plan"]

EXAMPLES = examples(
    "fabnet plan",
    "fabnet plan altman-2024 --time-limit 120 --mip-gap 0.005 --out plan/ --report plan.html",
    "fabnet plan my.yaml --objective max_compute --budget 100000",
    "fabnet plan --solver-option presolve=off --solver-log highs.log --json",
    note="Exit code 3 with a diagnosis when the plan is infeasible, 5 when the solver found no"
    " plan in time.",
)


#: Binding limits and unserved years printed (the plan's tables hold all of them).
TOP_LIMITS = 8


def _cost_table(costs: dict[str, float]) -> Table:
    """The plan's cost by term, discounted: one row per term, money, penalty, objective."""
    from fabnet.planning.result import COST_TERMS

    unit = money_unit(costs.values())
    shown = table(
        "Cost of the plan, discounted to the first year",
        ["term", unit.header("NPV")],
        left=["term"],
    )
    for term, meaning in COST_TERMS.items():
        if term == "unserved_penalty" or abs(costs[term]) < 0.05:
            continue
        shown.add_row(meaning, unit(costs[term]))
    shown.add_row("[b]money cost[/b]", f"[b]{unit(costs['cost'])}[/b]")
    shown.add_row(COST_TERMS["unserved_penalty"], unit(costs["unserved_penalty"]))
    shown.add_row("[b]objective[/b] (money + penalty)", f"[b]{unit(costs['objective'])}[/b]")
    return shown


def plan(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    time_limit: TimeLimit = None,
    mip_gap: MipGap = None,
    threads: Threads = None,
    solver_option: SolverOption = None,
    solver_log: SolverLog = None,
    relax: Relax = False,
    objective: Annotated[
        str | None,
        typer.Option(
            "--objective", help="min_cost or max_compute (default: the scenario's policy)."
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option("--budget", min=0.0, help="Budget for max_compute [musd]."),
    ] = None,
    out: Annotated[Path | None, out_folder("Save the plan")] = None,
    out_format: Format = "parquet",
    report: ReportFile = None,
    full: Full = False,
    as_json: Json = False,
    gap: GapAlias = None,
) -> None:
    """Plan the network: which fab modules to start where, when, with which partner and funded
    by whom, at least cost (or most compute within a budget)."""
    from fabnet.exceptions import ParameterError
    from fabnet.outlook import gap as compute_gap
    from fabnet.planning import plan as make_plan
    from fabnet.planning.result import PLAN_FILES

    if objective not in (None, "min_cost", "max_compute"):
        raise ParameterError("--objective", "min_cost or max_compute", objective)
    settings = solver(time_limit, mip_gap, threads, solver_option, solver_log, gap=gap)
    paths = outputs(out, report, names=PLAN_FILES, log=solver_log, out_format=out_format)
    loaded, catalog = load(scenario)
    shown = progress()
    shown.step("computing the gap")
    outlook = compute_gap(loaded, catalog=catalog)
    shown.step(f"planning {loaded.name}")
    result = make_plan(
        loaded,
        catalog=catalog,
        **settings,
        objective=objective,  # type: ignore[arg-type]
        budget_musd=budget,
        relax=relax,
        on_progress=shown.solver,
        outlook=outlook,
    )
    finish(
        paths,
        result,
        _print,
        "the plan",
        as_json=as_json,
        out_format=out_format,
        full=full,
        outlook=outlook,
    )


def _print(out: Console, result: Plan) -> None:
    """The plan's headline, its cost, its new modules and what holds it back, on *out*."""
    stats = result.stats
    costs = result.cost_npv()
    capex = float(result.builds["capex_musd"].sum())
    unit = money_unit([capex, costs["cost"], costs["unserved_penalty"]])
    head = table(
        f"Plan {result.scenario.name}: {stats['status']}",
        [
            "modules",
            unit.header("capex"),
            unit.header("cost NPV"),
            header("unserved", COMPUTE),
            unit.header("penalty NPV"),
            "MIP gap",
            "solve [s]",
        ],
    )
    head.add_row(
        count(result.builds["modules"].sum()),
        unit(capex),
        unit(costs["cost"]),
        h100e(result.compute["unserved_h100e"].sum()),
        unit(costs["unserved_penalty"]),
        "—" if stats["gap"] is None else f"{stats['gap']:.2%}",
        f"{stats['solve_seconds']:.1f}",
    )
    out.print(head)
    out.print(_cost_table(costs))
    grouped = result.builds.groupby(["resource", "region"])
    capex_unit = money_unit(result.builds["capex_musd"])
    builds = table(
        "New modules by resource and region (start years)",
        ["resource", "region", "modules", capex_unit.header("capex"), "starts"],
        left=("resource", "region", "starts"),
    )
    for (resource, region), rows in grouped:
        builds.add_row(
            str(resource),
            str(region),
            count(rows["modules"].sum()),
            capex_unit(rows["capex_musd"].sum()),
            ", ".join(str(y) for y in sorted(set(rows["start_year"]))),
        )
    out.print(builds)
    binding = result.limits[result.limits["binding"]] if len(result.limits) else result.limits
    if len(binding):
        out.print("What holds the plan back (LP shadow prices, NPV):")
        for message in binding["message"].head(TOP_LIMITS):
            out.print(f"  {message}", markup=False)
        if len(binding) > TOP_LIMITS:
            out.print(f"  and {len(binding) - TOP_LIMITS} more in the plan's limits table")
    for reason in stats.get("unserved_reasons", [])[:TOP_LIMITS]:
        out.print(f"unserved {reason}", markup=False)

"""``fabnet fab capacity | plan | module``: the fab level, inside a few fabs.

A sub-command group (``fabnet fab --help``): a fab file (a built-in name such as
``example-3fab`` or a YAML path) is read like a scenario (``FILE:LINE`` errors, exit 2); the
commands print what :mod:`fabnet.fab` computes and write it with the result flags.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fabnet.cli._format import count, fixed, money_unit, pct, table
from fabnet.cli._options import (
    Format,
    GapAlias,
    Json,
    MipGap,
    Relax,
    ReportFile,
    SolverLog,
    SolverOption,
    Threads,
    TimeLimit,
    examples,
    out_folder,
    solver,
)
from fabnet.cli._shared import _is_file, emit_json, finish, outputs, progress

if TYPE_CHECKING:
    from rich.console import Console

    from fabnet.fab import FabSpec
    from fabnet.fab.capacity import Capacity
    from fabnet.fab.design import ModuleBill
    from fabnet.fab.toolplan import ToolPlan

__all__ = ["CAPACITY_EXAMPLES", "MODULE_EXAMPLES", "PLAN_EXAMPLES", "app"]

#: The fab file a command reads when given none (:data:`fabnet.fab.DEFAULT_FAB`).
DEFAULT_FAB = "example-3fab"

FabArg = Annotated[
    str,
    typer.Argument(help="A fab file (.yaml) or a built-in fab file's name.", show_default=True),
]

app = typer.Typer(
    name="fab",
    help="The fab level: tool types, process routes, static capacity and the tool plan of a"
    " few fabs (a fab file: `fabnet schema --fab`).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: Rows of a long table printed (the saved tables hold all of them).
TOP_ROWS = 12


def load_fab_file(fab: str) -> FabSpec:
    """The fab file named on the command line (a file or a built-in name)."""
    from fabnet.fab import load_fab

    progress().step("loading the fab file")
    return load_fab(Path(fab) if _is_file(fab) else fab)


# -- capacity ----------------------------------------------------------------------------------

CAPACITY_EXAMPLES = examples(
    "fabnet fab capacity",
    "fabnet fab capacity my-fabs.yaml --out capacity/ --format csv",
    note="Exit code 2 with one line per problem when the fab file is invalid.",
)


def capacity(
    fab: FabArg = DEFAULT_FAB,
    out: Annotated[Path | None, out_folder("Write the capacity tables")] = None,
    out_format: Format = "parquet",
    report: ReportFile = None,
    as_json: Json = False,
) -> None:
    """Static capacity: the tools each type, fab and period needs for the demand, the
    bottleneck workstation, floor space, and whether the tools installed can meet demand."""
    from dataclasses import replace

    from fabnet.fab import fab_data
    from fabnet.fab.capacity import capacity as compute
    from fabnet.fab.toolplan import current_tools_check

    paths = outputs(out, report, out_format=out_format)
    spec = load_fab_file(fab)
    progress().step("computing static capacity")
    data = fab_data(spec)
    result = compute(data)
    progress().step("checking whether the tools installed can meet demand")
    result = replace(result, feasible=current_tools_check(data))
    finish(
        paths, result, _print_capacity, "the capacity", as_json=as_json, out_format=out_format,
        full=False,
    )  # fmt: skip


def _print_capacity(out: Console, result: Capacity) -> None:
    """Per period: can the tools installed meet demand; per fab and period: the bottleneck."""
    feasible = result.feasible
    if feasible is not None and len(feasible):
        shown = table(
            f"Fab file {result.spec.name}: can the tools installed at the start meet demand?",
            ["scenario", "period", "largest share of demand", "meets demand",
             "short even alone (share)"],
            left=["scenario", "period", "meets demand", "short even alone (share)"],
        )  # fmt: skip
        for row in feasible.itertuples(index=False):
            shown.add_row(
                str(row.scenario), str(row.period), pct(row.max_share),
                "yes" if row.meets_demand else "[b]no[/b]", str(row.products_short) or "—",
            )  # fmt: skip
        out.print(shown)
    neck = result.bottleneck
    shown = table(
        "Bottleneck per fab and period (tools installed; loading split evenly over the fabs"
        " that may run a product)",
        ["scenario", "period", "fab", "workstation", "utilisation", "output ×"],
        left=["scenario", "period", "fab", "workstation"],
    )
    for row in neck.itertuples(index=False):
        shown.add_row(
            str(row.scenario), str(row.period), str(row.fab), str(row.workstation),
            pct(row.utilisation), fixed(row.output_factor, 2),
        )  # fmt: skip
    out.print(shown)
    needed = result.needed
    short = needed[needed["tools_needed"] > needed["tools_installed"] + 1e-9]
    if len(short):
        last = short.sort_values("period").groupby(["fab", "tool_type"]).tail(1)
        gaps = table(
            "Tools needed beyond those installed (the latest period each type falls short)",
            ["fab", "tool type", "period", "needed", "installed"],
            left=["fab", "tool type", "period"],
        )
        for row in last.head(TOP_ROWS).itertuples(index=False):
            gaps.add_row(
                str(row.fab), str(row.tool_type), str(row.period),
                fixed(row.tools_needed, 1), count(row.tools_installed),
            )  # fmt: skip
        out.print(gaps)
        if len(last) > TOP_ROWS:
            out.print(f"  and {len(last) - TOP_ROWS} more in the needed table")


def _load(utilisation: object) -> str:
    """A utilisation as a percentage; a load on no tools as such."""
    value = float(utilisation)  # type: ignore[arg-type]
    return "no tools" if value == float("inf") else pct(value)


# -- plan --------------------------------------------------------------------------------------

PLAN_EXAMPLES = examples(
    "fabnet fab plan",
    "fabnet fab plan my-fabs.yaml --time-limit 120 --mip-gap 0.005 --out toolplan/",
    "fabnet fab plan --relax --json",
    note="Exit code 3 with the first period that fails and why when no plan exists, 5 when the"
    " solver found no plan in time.",
)


def plan(
    fab: FabArg = DEFAULT_FAB,
    time_limit: TimeLimit = None,
    mip_gap: MipGap = None,
    threads: Threads = None,
    solver_option: SolverOption = None,
    solver_log: SolverLog = None,
    relax: Relax = False,
    out: Annotated[Path | None, out_folder("Save the tool plan")] = None,
    out_format: Format = "parquet",
    report: ReportFile = None,
    as_json: Json = False,
    gap: GapAlias = None,
) -> None:
    """The tool plan: which tools to buy or move out in each fab and period, and how each
    route step's wafers split across the fabs, at least cost (capex, move-outs, transfers)."""
    from fabnet.fab.toolplan import tool_plan

    settings = solver(time_limit, mip_gap, threads, solver_option, solver_log, gap=gap)
    paths = outputs(out, report, log=solver_log, out_format=out_format)
    spec = load_fab_file(fab)
    shown = progress()
    shown.step(f"planning the tools of {spec.name}")
    result = tool_plan(spec, **settings, relax=relax, on_progress=shown.solver)
    finish(
        paths, result, _print_plan, "the tool plan", as_json=as_json, out_format=out_format,
        full=False,
    )  # fmt: skip


def _print_plan(out: Console, result: ToolPlan) -> None:
    """The plan's headline, its buys, its floor and its binding workstations."""
    head = result.headline()
    unit = money_unit([head["capex_musd"], head["cost_npv_musd"]])
    stats = result.stats
    shown = table(
        f"Tool plan {result.spec.name}: {head['status']}",
        ["tools bought", unit.header("capex"), unit.header("cost NPV"), "transfers [wafers]",
         "MIP gap", "solve [s]"],
    )  # fmt: skip
    gap = stats.get("gap")
    shown.add_row(
        count(head["tools_bought"]), unit(head["capex_musd"]), unit(head["cost_npv_musd"]),
        f"{head['transfer_wafers']:,.0f}", "—" if gap is None else f"{gap:.2%}",
        f"{stats.get('solve_seconds', 0.0):.1f}",
    )  # fmt: skip
    out.print(shown)
    if stats.get("vss_musd") is not None:
        out.print(
            f"Two-stage plan over {stats['scenarios']} demand scenarios: expected cost"
            f" {unit(stats['expected_cost_musd'])} {unit.unit}; value of the stochastic"
            f" solution {unit(stats['vss_musd'])} {unit.unit}",
            markup=False,
        )
    tools = result.tools
    scenario = tools["scenario"].iloc[0] if len(tools) else None
    one = tools[tools["scenario"] == scenario]
    bought = one[one["bought"] > 0]
    if len(bought):
        buys = table(
            "Tools bought (first scenario), by fab and type: count per period",
            ["fab", "tool type", "bought", "periods"],
            left=["fab", "tool type", "periods"],
        )
        for (fab, kind), rows in bought.groupby(["fab", "tool_type"]):
            buys.add_row(
                str(fab), str(kind), count(rows["bought"].sum()),
                ", ".join(f"{p} {count(n)}" for p, n in zip(rows["period"], rows["bought"],
                                                              strict=True)),
            )  # fmt: skip
        out.print(buys)
    moved = one[one["moved_out"] > 0]
    for row in moved.head(TOP_ROWS).itertuples(index=False):
        out.print(
            f"moved out: {count(row.moved_out)} {row.tool_type} from {row.fab} in {row.period}",
            markup=False,
        )
    floor = result.floor[result.floor["scenario"] == scenario]
    if len(floor):
        last = floor.sort_values("period").groupby("fab").tail(1)
        last = last.assign(share=last["used_m2"] / last["floor_m2"])
        shown = table(
            f"Floor space used in {last['period'].iloc[0]} (first scenario)",
            ["fab", "used [m²]", "floor [m²]", "share"],
            left=["fab"],
        )
        for row in last.itertuples(index=False):
            shown.add_row(
                str(row.fab), f"{row.used_m2:,.0f}", f"{row.floor_m2:,.0f}",
                pct(row.share),
            )  # fmt: skip
        out.print(shown)
    binding = result.binding[result.binding["scenario"] == scenario]
    if len(binding):
        top = binding.sort_values("utilisation", ascending=False).groupby("period").head(1)
        shown = table(
            "The most loaded workstation per period (first scenario)",
            ["period", "fab", "workstation", "utilisation"],
            left=["period", "fab", "workstation"],
        )
        for row in top.sort_values("period").itertuples(index=False):
            shown.add_row(str(row.period), str(row.fab), str(row.workstation),
                          pct(row.utilisation))  # fmt: skip
        out.print(shown)


# -- module ------------------------------------------------------------------------------------

MODULE_EXAMPLES = examples(
    "fabnet fab module n3-module",
    "fabnet fab module n2-module --fab my-fabs.yaml --json",
)


def module(
    design: Annotated[str, typer.Argument(help="A design of the fab file (designs[].id).")],
    fab: Annotated[
        str,
        typer.Option("--fab", help="The fab file holding the design (.yaml or a built-in name)."),
    ] = DEFAULT_FAB,
    as_json: Json = False,
) -> None:
    """A fab module design's tool bill, EUV scanners, floor space and capex, beside the
    catalog's figures for its resource (what the network plan uses)."""
    from fabnet.fab.design import module_bill

    spec = load_fab_file(fab)
    progress().step(f"deriving the tool bill of {design}")
    bill = module_bill(spec, design)
    if as_json:
        emit_json(_module_figures(bill))
        return
    from fabnet.cli._shared import console

    _print_module(console(), bill)


def _module_figures(bill: ModuleBill) -> dict[str, object]:
    """The module's figures, JSON-ready (``--json``)."""
    figures: dict[str, object] = {
        "design": bill.design,
        "route": bill.route,
        "resource": bill.resource,
        "wspm": bill.wspm,
        "tools": int(bill.tools["tools"].sum()),
        "euv_tools": bill.euv_tools,
        "floor_m2": bill.floor_m2,
        "equipment_capex_musd": bill.equipment_capex_musd,
        "facility_capex_musd": bill.facility_capex_musd,
        "capex_musd": bill.capex_musd,
    }
    for row in bill.comparison().itertuples(index=False):
        figures[str(row.figure)] = row.design
        figures[f"catalog_{row.figure}"] = row.catalog
    return figures


def _print_module(out: Console, bill: ModuleBill) -> None:
    """The module's figures beside the catalog's, then its tool bill."""
    comparison = bill.comparison()
    shown = table(
        f"Module {bill.design}: route {bill.route} at {bill.wspm:,.0f} wspm"
        f" ({bill.tools['tools'].sum():,.0f} tools, {bill.euv_tools} EUV scanners; catalog:"
        f" {bill.resource or 'none'})",
        ["figure", "design", "catalog", "design / catalog", "unit"],
        left=["figure", "unit"],
    )
    for row in comparison.itertuples(index=False):
        shown.add_row(
            str(row.figure), fixed(row.design, 2), fixed(row.catalog, 2), fixed(row.ratio, 2),
            str(row.unit),
        )  # fmt: skip
    out.print(shown)
    tools = table(
        "Tool bill",
        ["tool type", "workstation", "needed", "tools", "capex [musd]", "floor [m²]"],
        left=["tool type", "workstation"],
    )
    for row in bill.tools.itertuples(index=False):
        tools.add_row(
            str(row.tool_type), str(row.workstation), fixed(row.tools_needed, 2),
            count(row.tools), f"{row.capex_musd:,.0f}", f"{row.floor_m2:,.0f}",
        )  # fmt: skip
    out.print(tools)


#: The group's commands with their epilogs, in the order ``fabnet fab --help`` lists them.
COMMANDS = (
    (capacity, CAPACITY_EXAMPLES),
    (plan, PLAN_EXAMPLES),
    (module, MODULE_EXAMPLES),
)

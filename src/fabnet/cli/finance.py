"""``fabnet finance`` and ``fabnet compare``: the money of a plan, and strategies side by side."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fabnet.cli._format import COMPUTE, h100e, money_unit, number, pct, table, years
from fabnet.cli._options import (
    DEFAULT_SCENARIO,
    Format,
    Full,
    GapAlias,
    Json,
    MipGap,
    PlanDir,
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
from fabnet.cli._shared import (
    finish,
    load,
    load_or_plan,
    outputs,
    progress,
)

if TYPE_CHECKING:
    from rich.console import Console

    from fabnet.finance import Comparison, Financials

__all__ = ["COMPARE_EXAMPLES", "FINANCE_EXAMPLES", "compare", "finance"]

FINANCE_EXAMPLES = examples(
    "fabnet finance",
    "fabnet finance --plan plan/ --out money/ --report money.html",
    "fabnet finance my.yaml --time-limit 120 --json",
    note="Without --plan the scenario is planned first (as fabnet plan).",
)


def finance(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    plan_dir: PlanDir = None,
    time_limit: TimeLimit = None,
    mip_gap: MipGap = None,
    threads: Threads = None,
    solver_option: SolverOption = None,
    solver_log: SolverLog = None,
    out: Annotated[Path | None, out_folder("Write the cash-flow tables")] = None,
    out_format: Format = "parquet",
    report: ReportFile = None,
    full: Full = False,
    as_json: Json = False,
    gap: GapAlias = None,
) -> None:
    """Cash flows, consortium shares and returns of a plan: per project and per investor, with
    capital calls and each investor's hurdle rate met or missed."""
    from fabnet.finance import financials
    from fabnet.finance.statements import FINANCE_FILES
    from fabnet.outlook import gap as compute_gap

    settings = solver(time_limit, mip_gap, threads, solver_option, solver_log, gap=gap)
    paths = outputs(out, report, names=FINANCE_FILES, log=solver_log, out_format=out_format)
    result, catalog = load_or_plan(scenario, plan_dir, settings)
    progress().step("computing the cash flows")
    money = financials(result, catalog)
    finish(
        paths,
        money,
        _print_finance,
        "the cash-flow tables",
        as_json=as_json,
        out_format=out_format,
        full=full,
        outlook=lambda: compute_gap(result.scenario, catalog=catalog),
    )


def _print_finance(out: Console, money: Financials) -> None:
    """The money's headline and the investors' returns on *out*."""
    from fabnet.finance.metrics import irr_details, npv

    yearly = money.by_year()
    rate = money.plan.scenario.policy.discount_rate
    flow = yearly["project_cash_flow_musd"].to_numpy()
    irr = irr_details(flow)
    figures = {
        "capex": -yearly["capex_musd"].sum(),
        "grants": yearly["grants_musd"].sum(),
        "tax credits": yearly["tax_credits_musd"].sum(),
        "debt": yearly["debt_drawn_musd"].sum(),
        "revenue": yearly["revenue_musd"].sum(),
        f"NPV at {rate:.0%}": npv(rate, flow),
    }
    unit = money_unit(figures.values())
    head = table(
        f"Financials {money.plan.scenario.name}: {len(money.projects)} projects",
        [*(unit.header(name) for name in figures), "IRR"],
    )
    head.add_row(
        *(unit(value) for value in figures.values()),
        pct(math.nan if irr.rate is None else irr.rate),
    )
    out.print(head)
    investors = money.investors
    unit = money_unit(
        [*investors["called_musd"], *investors["returned_musd"], *investors["npv_at_hurdle_musd"]]
    )
    shown = table(
        "Investors (cash flows at their hurdle rates)",
        [
            "investor",
            unit.header("called"),
            unit.header("returned"),
            unit.header("NPV"),
            "IRR",
            "MOIC",
            "payback\n[years]",
            "hurdle",
            "met",
        ],
        left=("investor", "met"),
    )
    notes: list[str] = []
    for name, row in investors.iterrows():
        called = float(row["called_musd"])
        note = row["irr_note"]
        moic = number(row["moic"])
        if isinstance(note, str) and note:
            notes.append(f"{'*' * (len(notes) + 1)} {name}'s IRR: {note}")
        shown.add_row(
            str(name),
            unit(called),
            unit(row["returned_musd"]),
            unit(row["npv_at_hurdle_musd"]),
            f"none{'*' * len(notes)}" if isinstance(note, str) and note else pct(row["irr"]),
            "—" if math.isnan(moic) else f"{moic:.2f}×",
            years(row["payback_years"]),
            pct(row["hurdle_rate"]),
            "no call" if called <= 0 else ("met" if bool(row["hurdle_met"]) else "missed"),
        )
    out.print(shown)
    for note in notes:
        out.print(note, markup=False)


COMPARE_EXAMPLES = examples(
    "fabnet compare",
    "fabnet compare altman-2024 --report strategies.html --out strategies/",
    "fabnet compare my.yaml --strategies own-build,design-only --json",
    note="Each strategy is one plan; the solver flags apply to each.",
)


def compare(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    strategies: Annotated[
        str | None,
        typer.Option(
            "--strategies",
            help="Comma-separated: own-build, reservation, acquisition, design-only, mix (all).",
        ),
    ] = None,
    time_limit: TimeLimit = None,
    mip_gap: MipGap = None,
    threads: Threads = None,
    solver_option: SolverOption = None,
    solver_log: SolverLog = None,
    out: Annotated[Path | None, out_folder("Write the comparison")] = None,
    out_format: Format = "parquet",
    report: ReportFile = None,
    full: Full = False,
    as_json: Json = False,
    gap: GapAlias = None,
) -> None:
    """Own-build vs capacity reservation vs acquisition vs design-only vs the optimiser's mix,
    on the same demand: cost, compute delivered, time to new supply, capital and returns."""
    from fabnet.finance import compare as run_compare
    from fabnet.finance.strategies import STRATEGY_FILES
    from fabnet.outlook import gap as compute_gap

    settings = solver(time_limit, mip_gap, threads, solver_option, solver_log, gap=gap)
    paths = outputs(out, report, names=STRATEGY_FILES, log=solver_log, out_format=out_format)
    loaded, catalog = load(scenario)
    chosen = [s.strip() for s in strategies.split(",") if s.strip()] if strategies else None
    shown = progress()
    count = len(chosen) if chosen else 5
    planned: list[str] = []

    def planning(name: str) -> None:
        shown.step(f"planning {name}", total=count, unit="strategies")
        shown.advance(len(planned))
        planned.append(name)

    result = run_compare(
        loaded, catalog=catalog, strategies=chosen, **settings, on_strategy=planning
    )
    finish(
        paths,
        result,
        _print_compare,
        "the comparison",
        as_json=as_json,
        out_format=out_format,
        full=full,
        outlook=lambda: compute_gap(loaded, catalog=catalog),
    )


def _what(row: Mapping[Hashable, object]) -> str:
    """What a strategy does, in words."""
    what = []
    if row["modules"]:
        what.append(f"{row['modules']} modules")
    if row["reserved_wspm_years"]:
        what.append("reserves capacity")
    if row["acquired"]:
        what.append(f"buys {row['acquired']} (blocked {number(row['block_probability']):.0%})")
    if row["declined"]:
        what.append(f"declines to buy {row['declined']}")
    return ", ".join(what) or "existing supply only"


def _print_compare(out: Console, result: Comparison) -> None:
    """The strategies as columns, the measures as rows (one unit per row, in its label), then
    what each strategy does and the investors' IRR."""
    from fabnet.finance.strategies import MILESTONE_YEAR

    frame = result.table
    names = [str(n) for n in frame.index]
    money_rows = ("npv_cost_musd", "npv_objective_musd", "peak_capital_musd")
    unit = money_unit(frame[list(money_rows)].to_numpy().ravel())
    rows: list[tuple[str, list[str]]] = [
        (f"NPV of cost [{unit.unit}]", [unit(v) for v in frame["npv_cost_musd"]]),
        (f"with lost compute [{unit.unit}]", [unit(v) for v in frame["npv_objective_musd"]]),
        (
            f"delivered by {MILESTONE_YEAR} [{COMPUTE}]",
            [h100e(v) for v in frame[f"delivered_by_{MILESTONE_YEAR}_h100e"]],
        ),
        (f"delivered [{COMPUTE}]", [h100e(v) for v in frame["delivered_h100e"]]),
        (f"unserved [{COMPUTE}]", [h100e(v) for v in frame["unserved_h100e"]]),
        (
            "first new supply",
            [
                "none" if math.isnan(number(v)) else f"{number(v):.0f}"
                for v in frame["first_new_supply_year"]
            ],
        ),
        (f"peak capital [{unit.unit}]", [unit(v) for v in frame["peak_capital_musd"]]),
    ]
    shown = table(f"Strategies {result.scenario.name}", ["measure", *names], left=("measure",))
    for label, cells in rows:
        shown.add_row(label, *cells)
    out.print(shown)
    for name, row in frame.iterrows():
        out.print(f"{name}: {_what(row.to_dict())}", markup=False)
    wide = result.investor_irr_wide()
    irr = table(
        "Investor IRR by strategy", ["investor", *map(str, wide.columns)], left=("investor",)
    )
    for investor, values in wide.iterrows():
        irr.add_row(str(investor), *(pct(v) for v in values))
    out.print(irr)

"""``fabnet finance`` and ``fabnet compare``: the money of a plan, and strategies side by side."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from fabnet.cli._format import h100e, musd, number, pct, years
from fabnet.cli._options import (
    DEFAULT_SCENARIO,
    MipGap,
    PlanDir,
    ReportFile,
    ScenarioArg,
    Threads,
    TimeLimit,
    examples,
    out_folder,
    solver,
)
from fabnet.cli._shared import (
    console,
    load,
    load_or_plan,
    outputs,
    show_progress,
    write_outputs,
)

__all__ = ["COMPARE_EXAMPLES", "FINANCE_EXAMPLES", "compare", "finance"]

FINANCE_EXAMPLES = examples(
    "fabnet finance",
    "fabnet finance --plan plan/ --out money/ --report money.html",
    "fabnet finance my.yaml --time-limit 120",
    note="Without --plan the scenario is planned first (as fabnet plan).",
)


def finance(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    plan_dir: PlanDir = None,
    time_limit: TimeLimit = None,
    gap: MipGap = None,
    threads: Threads = None,
    out: Annotated[Path | None, out_folder("Write the cash-flow tables (CSV)")] = None,
    report: ReportFile = None,
) -> None:
    """Cash flows, consortium shares and returns of a plan: per project and per investor, with
    capital calls and each investor's hurdle rate met or missed."""
    from rich.table import Table

    from fabnet.finance import financials
    from fabnet.finance.metrics import irr_details, npv
    from fabnet.finance.statements import FINANCE_FILES
    from fabnet.outlook import gap as compute_gap

    paths = outputs(out, report, names=FINANCE_FILES)
    result, catalog = load_or_plan(scenario, plan_dir, solver(time_limit, gap, threads))
    money = financials(result, catalog)
    out_console = console()
    yearly = money.by_year()
    rate = result.scenario.policy.discount_rate
    flow = yearly["project_cash_flow_musd"].to_numpy()
    irr = irr_details(flow)
    head = Table(
        title=f"Financials {result.scenario.name}: {len(money.projects)} projects",
        title_justify="left",
    )
    for column in ("capex", "grants", "tax credits", "debt", "revenue", "NPV", "IRR"):
        head.add_column(column, justify="right")
    head.add_row(
        musd(-yearly["capex_musd"].sum()),
        musd(yearly["grants_musd"].sum()),
        musd(yearly["tax_credits_musd"].sum()),
        musd(yearly["debt_drawn_musd"].sum()),
        musd(yearly["revenue_musd"].sum()),
        f"{musd(npv(rate, flow))} at {rate:.0%}",
        pct(float("nan") if irr.rate is None else irr.rate),
    )
    out_console.print(head)
    table = Table(title="Investors (cash flows at their hurdle rates)", title_justify="left")
    for column in ("investor", "called", "returned", "NPV", "IRR", "MOIC", "payback y"):
        table.add_column(column, justify="left" if column == "investor" else "right")
    table.add_column("hurdle", justify="right")
    table.add_column("met", justify="left")
    for name, row in money.investors.iterrows():
        called = float(row["called_musd"])
        met = row["hurdle_met"]
        table.add_row(
            str(name),
            musd(called),
            musd(row["returned_musd"]),
            musd(row["npv_at_hurdle_musd"]),
            str(row["irr_note"])
            if isinstance(row["irr_note"], str) and row["irr_note"]
            else pct(row["irr"]),
            "—" if math.isnan(number(row["moic"])) else f"{number(row['moic']):.2f}×",
            years(row["payback_years"]),
            pct(row["hurdle_rate"]),
            "no call" if called <= 0 else ("met" if bool(met) else "missed"),
        )
    out_console.print(table)
    write_outputs(
        out_console,
        paths,
        money,
        money.save,
        "the cash-flow tables",
        outlook=lambda: compute_gap(result.scenario, catalog=catalog),
    )


COMPARE_EXAMPLES = examples(
    "fabnet compare",
    "fabnet compare altman-2024 --report strategies.html --out strategies/",
    "fabnet compare my.yaml --strategies own-build,design-only",
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
    gap: MipGap = None,
    threads: Threads = None,
    out: Annotated[Path | None, out_folder("Write the comparison (CSV)")] = None,
    report: ReportFile = None,
) -> None:
    """Own-build vs capacity reservation vs acquisition vs design-only vs the optimiser's mix,
    on the same demand: cost, compute delivered, time to new supply, capital and returns."""
    from rich.table import Table

    from fabnet.finance import compare as run_compare
    from fabnet.finance.strategies import STRATEGY_FILES
    from fabnet.outlook import gap as compute_gap

    paths = outputs(out, report, names=STRATEGY_FILES)
    loaded, catalog = load(scenario)
    err = console(stderr=True)
    chosen = [s.strip() for s in strategies.split(",") if s.strip()] if strategies else None
    result = run_compare(
        loaded,
        catalog=catalog,
        strategies=chosen,
        **solver(time_limit, gap, threads),
        on_strategy=lambda name: err.print(f"planning {name}…") if show_progress(err) else None,
    )
    out_console = console()
    table = Table(title=f"Strategies {loaded.name}", title_justify="left")
    headers = (
        "strategy",
        "NPV of cost",
        "with lost compute",
        "delivered by 2030",
        "delivered",
        "unserved",
        "first new supply",
        "peak capital",
        "what",
    )
    for column in headers:
        table.add_column(column, justify="left" if column in ("strategy", "what") else "right")
    for name, row in result.table.iterrows():
        what = []
        if row["modules"]:
            what.append(f"{row['modules']} modules")
        if row["reserved_wspm_years"]:
            what.append("reserves capacity")
        if row["acquired"]:
            what.append(f"buys {row['acquired']} (blocked {row['block_probability']:.0%})")
        if row["declined"]:
            what.append(f"declines to buy {row['declined']}")
        table.add_row(
            str(name),
            musd(row["npv_cost_musd"]),
            musd(row["npv_objective_musd"]),
            f"{h100e(row['delivered_by_2030_h100e'])} H100e",
            f"{h100e(row['delivered_h100e'])} H100e",
            f"{h100e(row['unserved_h100e'])} H100e",
            "none"
            if math.isnan(row["first_new_supply_year"])
            else f"{row['first_new_supply_year']:.0f}",
            musd(row["peak_capital_musd"]),
            ", ".join(what) or "existing supply only",
        )
    out_console.print(table)
    irr = Table(title="Investor IRR by strategy", title_justify="left")
    irr.add_column("investor")
    wide = result.investor_irr_wide()
    for name in wide.columns:
        irr.add_column(str(name), justify="right")
    for investor, row in wide.iterrows():
        irr.add_row(str(investor), *(pct(v) for v in row))
    out_console.print(irr)
    write_outputs(
        out_console,
        paths,
        result,
        result.save,
        "the comparison",
        outlook=lambda: compute_gap(loaded, catalog=catalog),
    )

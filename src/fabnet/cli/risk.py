"""``fabnet risk``: the plan on sampled futures, and optionally the two-stage stochastic plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fabnet.cli._format import h100e
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
from fabnet.cli._shared import console, load_or_plan, outputs, write_outputs

if TYPE_CHECKING:
    from rich.table import Table

    from fabnet.planning.stochastic import StochasticPlan
    from fabnet.risk.analysis import RiskResult

__all__ = ["EXAMPLES", "risk"]

EXAMPLES = examples(
    "fabnet risk --samples 10000 --seed 1",
    "fabnet risk altman-2024 --plan plan/ --method sobol --samples 16384 --report risk.html"
    " --out risk/",
    "fabnet risk --stochastic --scenarios 8 --cvar-weight 0.5",
    note="The same seed prints the same results byte for byte; timings and progress go to stderr.",
)


def risk(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    samples: Annotated[int, typer.Option("--samples", min=1, help="Samples drawn.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the draw.")] = 0,
    plan_dir: PlanDir = None,
    method: Annotated[
        str, typer.Option("--method", help="mc (Monte Carlo), lhs (Latin hypercube) or sobol.")
    ] = "lhs",
    threshold: Annotated[
        float,
        typer.Option("--threshold", min=0.0, max=1.0, help="Shortfall: unserved share above."),
    ] = 0.05,
    alpha: Annotated[
        float, typer.Option("--alpha", min=0.5, max=0.999, help="VaR/CVaR confidence level.")
    ] = 0.95,
    sobol: Annotated[
        int | None,
        typer.Option("--sobol", min=2, help="Sobol' indices with this base size (a power of 2)."),
    ] = None,
    stochastic: Annotated[
        bool, typer.Option("--stochastic", help="Also solve the two-stage stochastic plan.")
    ] = False,
    scenarios: Annotated[
        int, typer.Option("--scenarios", min=1, help="Scenarios of the stochastic plan.")
    ] = 8,
    first_stage_years: Annotated[
        int, typer.Option("--first-stage-years", min=1, help="Years whose starts are shared.")
    ] = 3,
    cvar_weight: Annotated[
        float, typer.Option("--cvar-weight", min=0.0, help="Weight λ of CVaR in the objective.")
    ] = 0.0,
    time_limit: TimeLimit = None,
    gap: MipGap = None,
    threads: Threads = None,
    out: Annotated[Path | None, out_folder("Write the tables and samples")] = None,
    report: ReportFile = None,
) -> None:
    """The plan under uncertainty: shortfall probabilities, expected unserved compute, VaR and
    CVaR of cost and investor value, tornado and Sobol' sensitivities; optionally the two-stage
    stochastic plan with the value of the stochastic solution and of perfect information."""
    import time

    from fabnet.exceptions import ParameterError
    from fabnet.outlook import gap as compute_gap
    from fabnet.risk.analysis import RISK_FILES, analyse
    from fabnet.risk.sampling import METHODS

    if method not in METHODS:
        raise ParameterError("--method", f"one of {', '.join(METHODS)}", method)
    paths = outputs(out, report, names=RISK_FILES)
    settings = solver(time_limit, gap, threads)
    err = console(stderr=True)
    began = time.perf_counter()
    result, catalog = load_or_plan(scenario, plan_dir, settings, shadow_prices=False)
    planned = time.perf_counter()
    analysis = analyse(
        result,
        samples=samples,
        seed=seed,
        method=method,
        threshold=threshold,
        alpha=alpha,
        sobol_samples=sobol,
        catalog=catalog,
    )
    analysed = time.perf_counter()
    err.print(
        f"planned in {planned - began:.1f} s; {samples:,} samples evaluated in"
        f" {analysed - planned:.1f} s ({samples / max(analysed - planned, 1e-9):,.0f}/s)"
    )
    out_console = console()
    for table in _risk_tables(analysis, samples, method, seed):
        out_console.print(table)
    two_stage = None
    if stochastic:
        from fabnet.planning.stochastic import stochastic_plan

        started = time.perf_counter()
        two_stage = stochastic_plan(
            result.scenario,
            scenarios=scenarios,
            seed=seed,
            method=method,
            first_stage_years=first_stage_years,
            cvar_weight=cvar_weight,
            **settings,
            catalog=catalog,
        )
        err.print(f"stochastic plan solved in {time.perf_counter() - started:.1f} s")
        for table in _stochastic_tables(two_stage, scenarios, first_stage_years, cvar_weight):
            out_console.print(table)
    write_outputs(
        out_console,
        paths,
        analysis,
        analysis.save,
        "the risk tables",
        outlook=lambda: compute_gap(result.scenario, catalog=catalog),
        stochastic=two_stage,
    )


def _output_name(name: str) -> tuple[str, str]:
    """A risk output's label and unit from its column name."""
    if name == "npv_objective_musd":
        return "NPV of cost incl. lost compute", "musd"
    if name == "npv_cost_musd":
        return "NPV of cost", "musd"
    if name == "unserved_h100e":
        return "unserved compute (all years)", "H100e"
    return f"NPV of {name.removeprefix('npv_').removesuffix('_musd')} at its hurdle", "musd"


def _risk_tables(analysis: RiskResult, samples: int, method: str, seed: int) -> list[Table]:
    """The risk analysis as Rich tables (deterministic: no timings)."""
    from rich.table import Table

    by_year = Table(
        title=f"Risk of plan {analysis.plan.scenario.name}: {samples:,} samples ({method}, seed"
        f" {seed}); shortfall = more than {analysis.threshold:.0%} of a year's compute unserved",
        title_justify="left",
    )
    for column in ("year", "P(shortfall)", "95 % interval", "expected unserved", "p50", "p95"):
        by_year.add_column(column, justify="right")
    for year, row in analysis.by_year.join(analysis.fan_wide()).iterrows():
        by_year.add_row(
            str(year),
            f"{row['p_shortfall']:.1%}",
            f"{row['p_shortfall_low']:.1%}–{row['p_shortfall_high']:.1%}",
            f"{h100e(row['expected_unserved_h100e'])} H100e",
            f"{h100e(row['unserved_p50_h100e'])}",
            f"{h100e(row['unserved_p95_h100e'])}",
        )
    tables = [by_year]
    measures = Table(
        title=f"Risk measures (VaR and CVaR at {analysis.alpha:.0%}, on the bad tail)",
        title_justify="left",
    )
    for column in ("output", "unit", "mean", "p5", "p50", "p95", "VaR", "CVaR"):
        measures.add_column(column, justify="left" if column in ("output", "unit") else "right")
    for name, stats in analysis.measures_wide().iterrows():
        label, unit = _output_name(str(name))
        scale = 1e6 if unit == "H100e" else 1.0
        keys = ("mean", "p5", "p50", "p95", "var", "cvar")
        cells = [f"{float(stats[k]) / scale:,.4g}" for k in keys]
        measures.add_row(label, "M H100e" if unit == "H100e" else unit, *cells)
    tables.append(measures)
    swings = Table(
        title="Tornado: NPV of cost incl. lost compute (musd), one input at its 10th and 90th"
        " percentile",
        title_justify="left",
    )
    for column in ("input", "low", "high", "NPV at low", "NPV at high", "swing"):
        swings.add_column(column, justify="left" if column == "input" else "right")
    for swing in analysis.tornado.itertuples(index=False):
        swings.add_row(
            str(swing.input),
            f"{swing.low_value:.4g}",
            f"{swing.high_value:.4g}",
            f"{swing.output_low:,.6g}",
            f"{swing.output_high:,.6g}",
            f"{swing.swing:,.6g}",
        )
    tables.append(swings)
    if analysis.sobol is not None:
        indices = Table(title="Sobol' indices of the NPV of cost", title_justify="left")
        for column in ("input", "first order", "total"):
            indices.add_column(column, justify="left" if column == "input" else "right")
        for index in analysis.sobol.itertuples(index=False):
            indices.add_row(str(index.input), f"{index.first_order:.3f}", f"{index.total:.3f}")
        tables.append(indices)
    return tables


def _stochastic_tables(
    two_stage: StochasticPlan, scenarios: int, first_stage_years: int, cvar_weight: float
) -> list[Table]:
    """The stochastic plan's values (RP, EEV, WS, VSS, EVPI) and shared starts as tables."""
    from rich.table import Table

    values = Table(
        title=f"Stochastic plan: {scenarios} scenarios, starts of the first"
        f" {first_stage_years} years shared, λ = {cvar_weight:g}",
        title_justify="left",
    )
    for column in ("measure", "musd", "what it is"):
        values.add_column(column, justify="right" if column == "musd" else "left")
    for label, value, what in (
        ("RP", two_stage.rp, "the stochastic plan's expected cost (+ λ·CVaR)"),
        ("EEV", two_stage.eev, "the expected-value plan on the same scenarios"),
        ("WS", two_stage.ws, "each scenario planned with perfect foresight"),
        ("VSS", two_stage.vss, "EEV − RP: what planning for uncertainty saves"),
        ("EVPI", two_stage.evpi, "RP − WS: what perfect information would be worth"),
    ):
        values.add_row(label, f"{value:,.6g}", what)
    tables = [values]
    starts = Table(title="Shared first-stage starts", title_justify="left")
    for column in ("start", "project", "modules"):
        starts.add_column(column, justify="right" if column != "project" else "left")
    for row in two_stage.first_stage.itertuples(index=False):
        starts.add_row(str(row.start_year), str(row.project), str(row.modules))
    tables.append(starts)
    return tables

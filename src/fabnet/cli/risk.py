"""``fabnet risk``: the plan on sampled futures, and optionally the two-stage stochastic plan."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fabnet.cli._format import COMPUTE, count, fixed, h100e, header, money_unit, plain, table
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
    RUN,
    console,
    emit_json,
    load_or_plan,
    outputs,
    progress,
    write_outputs,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.table import Table

    from fabnet.cli._progress import Progress as CommandProgress
    from fabnet.planning.stochastic import StochasticPlan
    from fabnet.risk.analysis import RiskResult

__all__ = ["EXAMPLES", "risk"]

EXAMPLES = examples(
    "fabnet risk --samples 10000 --seed 1",
    "fabnet risk altman-2024 --plan plan/ --method sobol --samples 16384 --report risk.html"
    " --out risk/",
    "fabnet risk --stochastic --scenarios 8 --cvar-weight 0.5",
    "fabnet risk --plan plan/ --json",
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
    mip_gap: MipGap = None,
    threads: Threads = None,
    solver_option: SolverOption = None,
    solver_log: SolverLog = None,
    relax: Annotated[
        bool,
        typer.Option(
            "--relax",
            help="Solve the stochastic plan's LP relaxations (fractional modules; VSS and EVPI"
            " without MIP gaps).",
            show_default=True,
        ),
    ] = False,
    out: Annotated[Path | None, out_folder("Write the tables and samples")] = None,
    out_format: Format = "parquet",
    report: ReportFile = None,
    full: Full = False,
    as_json: Json = False,
    gap: GapAlias = None,
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
    settings = solver(time_limit, mip_gap, threads, solver_option, solver_log, gap=gap)
    paths = outputs(out, report, names=RISK_FILES, log=solver_log, out_format=out_format)
    err = console(stderr=True)
    quiet = RUN.get().quiet
    began = time.perf_counter()
    result, catalog = load_or_plan(scenario, plan_dir, settings, shadow_prices=False)
    planned = time.perf_counter()
    shown = progress()
    analysis = analyse(
        result,
        samples=samples,
        seed=seed,
        method=method,
        threshold=threshold,
        alpha=alpha,
        sobol_samples=sobol,
        catalog=catalog,
        on_progress=_shown_as(shown),
    )
    analysed = time.perf_counter()
    if not quiet:
        err.print(
            f"planned in {planned - began:.1f} s; {samples:,} samples evaluated in"
            f" {analysed - planned:.1f} s ({samples / max(analysed - planned, 1e-9):,.0f}/s)"
        )
    out_console = console(stderr=as_json)
    figures: dict[str, Any] = analysis.headline() if as_json else {}
    if not as_json:
        for shown_table in _risk_tables(analysis, samples, method, seed):
            out_console.print(shown_table)
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
            relax=relax,
            **settings,
            catalog=catalog,
            on_progress=_shown_as(shown),
        )
        if not quiet:
            err.print(f"stochastic plan solved in {time.perf_counter() - started:.1f} s")
        if as_json:
            figures |= {f"stochastic_{k}": v for k, v in two_stage.headline().items()}
        else:
            for shown_table in _stochastic_tables(
                two_stage, scenarios, first_stage_years, cvar_weight
            ):
                out_console.print(shown_table)
    if as_json:
        emit_json(figures)
    if two_stage is not None:  # saved with the analysis (RiskResult.stochastic)
        analysis = dataclasses.replace(analysis, stochastic=two_stage)
    write_outputs(
        out_console,
        paths,
        analysis,
        "the risk analysis and the stochastic plan" if two_stage else "the risk tables",
        out_format=out_format,
        full=full,
        outlook=lambda: compute_gap(result.scenario, catalog=catalog),
        stochastic=two_stage,
    )


#: The library's progress steps (analyse, stochastic_plan) as the display names them, with
#: what they count.
STEPS = {
    "samples": ("evaluating the plan", "samples"),
    "Sobol' indices": ("Sobol' indices", ""),
    "worlds": ("stochastic plan: building the sampled worlds", "worlds"),
    "recourse problem": ("stochastic plan: solving the recourse problem", ""),
    "expected-value plan": ("stochastic plan: solving the expected-value plan", ""),
    "world": ("stochastic plan: each world alone (EEV, wait-and-see)", "worlds"),
}


def _shown_as(shown: CommandProgress) -> Callable[[str, int, int], None]:
    """An ``on_progress(step, done, total)`` for the library that moves the progress display."""

    def move(step: str, done: int, total: int) -> None:
        what, unit = STEPS.get(step, (step, ""))
        if what != shown.current:
            shown.step(what, total=total if unit else None, unit=unit)
        if unit:
            shown.advance(done, total)

    return move


def _output_name(name: str) -> str:
    """A risk output's label from its column name (money outputs: musd)."""
    if name == "npv_objective_musd":
        return "NPV of cost incl. lost compute"
    if name == "npv_cost_musd":
        return "NPV of cost"
    return f"NPV of {name.removeprefix('npv_').removesuffix('_musd')} at its hurdle"


def _input_range(analysis: RiskResult, name: str, low: object, high: object) -> str:
    """An input's 10th–90th percentile with its unit (months of delay, or a factor)."""
    target = next(
        (
            getattr(x, "target", "")
            for x in analysis.plan.scenario.uncertainty.inputs
            if x.id == name
        ),
        "",
    )
    unit = " months" if str(target).endswith("_months") else "×"
    return f"{plain(low)}–{plain(high)}{unit}"


def _risk_tables(analysis: RiskResult, samples: int, method: str, seed: int) -> list[Table]:
    """The risk analysis as tables (deterministic: no timings)."""
    by_year = table(
        f"Risk of plan {analysis.plan.scenario.name}: {samples:,} samples ({method}, seed"
        f" {seed}); shortfall = more than {analysis.threshold:.0%} of a year's compute unserved",
        [
            "year",
            "P(shortfall)",
            "95 %\ninterval",
            header("expected unserved", COMPUTE),
            header("p50", COMPUTE),
            header("p95", COMPUTE),
        ],
    )
    for year, row in analysis.by_year.join(analysis.fan_wide()).iterrows():
        by_year.add_row(
            str(year),
            f"{row['p_shortfall']:.1%}",
            f"{row['p_shortfall_low']:.1%}–{row['p_shortfall_high']:.1%}",
            h100e(row["expected_unserved_h100e"]),
            h100e(row["unserved_p50_h100e"]),
            h100e(row["unserved_p95_h100e"]),
        )
    tables = [by_year]
    wide = analysis.measures_wide()
    keys = ("mean", "p5", "p50", "p95", "var", "cvar")
    labels = ("mean", "p5", "p50", "p95", "VaR", "CVaR")
    money = wide[wide.index != "unserved_h100e"]
    unit = money_unit(money[list(keys)].to_numpy().ravel())
    measures = table(
        f"Risk measures (VaR and CVaR at {analysis.alpha:.0%}, on the bad tail) [{unit.unit}]",
        ["output", *labels],
        left=("output",),
    )
    for name, stats in money.iterrows():
        measures.add_row(_output_name(str(name)), *(unit(stats[k]) for k in keys))
    tables.append(measures)
    if "unserved_h100e" in wide.index:
        compute = table(f"Unserved compute over all years [{COMPUTE}]", list(labels))
        compute.add_row(*(h100e(wide.at["unserved_h100e", k]) for k in keys))
        tables.append(compute)
    swing_unit = money_unit([*analysis.tornado["output_low"], *analysis.tornado["output_high"]])
    swings = table(
        "Tornado: NPV of cost incl. lost compute, one input at its 10th and 90th percentile",
        [
            "input",
            "10th–90th\npercentile",
            swing_unit.header("NPV at 10th"),
            swing_unit.header("NPV at 90th"),
            swing_unit.header("swing"),
        ],
        left=("input",),
    )
    for swing in analysis.tornado.itertuples(index=False):
        swings.add_row(
            str(swing.input),
            _input_range(analysis, str(swing.input), swing.low_value, swing.high_value),
            swing_unit(swing.output_low),
            swing_unit(swing.output_high),
            swing_unit(swing.swing),
        )
    tables.append(swings)
    if analysis.sobol is not None:
        indices = table(
            "Sobol' indices of the NPV of cost", ["input", "first order", "total"], left=("input",)
        )
        for index in analysis.sobol.itertuples(index=False):
            indices.add_row(str(index.input), fixed(index.first_order), fixed(index.total))
        tables.append(indices)
    return tables


def _stochastic_tables(
    two_stage: StochasticPlan, scenarios: int, first_stage_years: int, cvar_weight: float
) -> list[Table]:
    """The stochastic plan's values (RP, EEV, WS, VSS, EVPI) and shared starts as tables."""
    rows = (
        ("RP", two_stage.rp, "the stochastic plan's expected cost (+ λ·CVaR)"),
        ("EEV", two_stage.eev, "the expected-value plan on the same scenarios"),
        ("WS", two_stage.ws, "each scenario planned with perfect foresight"),
        ("VSS", two_stage.vss, "EEV − RP: what planning for uncertainty saves"),
        ("EVPI", two_stage.evpi, "RP − WS: what perfect information would be worth"),
    )
    unit = money_unit(value for _, value, _ in rows if math.isfinite(value))
    values = table(
        f"Stochastic plan: {scenarios} scenarios, starts of the first"
        f" {first_stage_years} years shared, λ = {plain(cvar_weight)}",
        ["measure", unit.header("value"), "what it is"],
        left=("measure", "what it is"),
    )
    for label, value, what in rows:
        values.add_row(label, unit(value), what)
    tables = [values]
    starts = table("Shared first-stage starts", ["start", "project", "modules"], left=("project",))
    for row in two_stage.first_stage.itertuples(index=False):
        starts.add_row(str(row.start_year), str(row.project), count(row.modules))
    tables.append(starts)
    return tables

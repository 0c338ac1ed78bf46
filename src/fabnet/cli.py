"""The ``fabnet`` command line: parse, call the library, print. No domain logic lives here.

Exit codes: 0 success, 1 internal error, 2 bad input (scenario, parameter or usage),
4 catalog integrity failure (see :mod:`fabnet.exceptions`).
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fabnet._version import __version__
from fabnet.exceptions import FabnetError, ScenarioError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from fabnet.catalog import Catalog
    from fabnet.risk.analysis import RiskResult
    from fabnet.risk.stochastic import StochasticPlan
    from fabnet.scenario import Scenario

DEFAULT_SCENARIO = "altman-2024"

app = typer.Typer(
    name="fabnet",
    help="Plan a global network of AI-chip fabs: demand, supply, the gap, the plan, the money"
    " and the risk.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    from fabnet.options import Options

    options = Options.from_env()
    return Console(
        stderr=stderr,
        no_color=not options.color,
        highlight=False,
        width=None if sys.stdout.isatty() else 120,
    )


@contextmanager
def _guard() -> Iterator[None]:
    """Turn fabnet's errors into messages and exit codes; never a traceback for bad input."""
    try:
        yield
    except typer.Exit:
        raise
    except ScenarioError as exc:
        err = _console(stderr=True)
        noun = "problem" if len(exc.issues) == 1 else "problems"
        err.print(f"[bold red]error:[/] {len(exc.issues)} {noun} in the scenario", markup=True)
        for issue in exc.issues:
            err.print(str(issue), markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except FabnetError as exc:
        _console(stderr=True).print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _console(stderr=True).print("interrupted", markup=False)
        raise typer.Exit(130) from None
    except Exception as exc:
        from fabnet.options import Options

        if Options.from_env().debug:
            raise
        _console(stderr=True).print(
            f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in fabnet; rerun with"
            " FABNET_DEBUG=1 for the traceback and please report it.",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fabnet {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Plan a global network of AI-chip fabs.

    Scenarios are YAML files or built-in names (`altman-2024`). Every figure fabnet uses comes
    from a sourced reference catalog (`fabnet catalog`).
    """


ScenarioArg = Annotated[
    str,
    typer.Argument(help="A scenario file (.yaml) or a built-in scenario name.", show_default=True),
]


@app.command(
    epilog="Examples:\n\n    fabnet validate\n\n    fabnet validate my-scenario.yaml"
    " --sources\n\nExit code 2 and one line per problem when the scenario is invalid."
)
def validate(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    sources: Annotated[
        bool, typer.Option("--sources", help="List every catalog figure used, with its source.")
    ] = False,
) -> None:
    """Check a scenario and print its summary and the provenance of its catalog figures."""
    with _guard():
        from rich.table import Table

        from fabnet.scenario import provenance, summary

        loaded, catalog = _load(scenario)
        out = _console()
        table = Table(title=f"Scenario {loaded.name} — valid", title_justify="left")
        table.add_column("section", style="bold")
        table.add_column("item")
        table.add_column("value", overflow="fold")
        for row in summary(loaded, catalog):
            table.add_row(row.section, row.item, row.value)
        out.print(table)

        figures = provenance(loaded, catalog)
        counts: dict[str, Counter[str]] = {}
        for name, figure in figures:
            counts.setdefault(name, Counter())[figure.kind] += 1
        kinds = ("official", "press", "analyst", "estimate")
        prov = Table(title=f"Catalog figures used: {len(figures)}", title_justify="left")
        prov.add_column("table", style="bold")
        for kind in kinds:
            prov.add_column(kind, justify="right")
        for name, counter in counts.items():
            prov.add_row(name, *(str(counter.get(k, 0)) for k in kinds))
        out.print(prov)
        if sources:
            detail = Table(title="Sources", title_justify="left")
            for column in ("table", "entry", "parameter", "value", "kind", "date"):
                detail.add_column(column, no_wrap=column != "value", max_width=30)
            detail.add_column("source", min_width=24, overflow="fold")
            for name, f in figures:
                value = ";".join(f.value) if isinstance(f.value, tuple) else str(f.value)
                year = "" if f.year is None else f"@{f.year}"
                detail.add_row(
                    name,
                    "/".join(f.key),
                    f.parameter + year,
                    f"{value} {f.unit}",
                    f.kind,
                    f.date,
                    f.source,
                )
            out.print(detail)
        else:
            out.print("Every figure's source: fabnet validate --sources, or fabnet catalog TABLE.")


def _load(scenario: str) -> tuple[Scenario, Catalog]:
    """The scenario named on the command line (a file or a built-in name) and the catalog."""
    from fabnet.catalog import load_catalog
    from fabnet.scenario import load_scenario

    catalog = load_catalog()
    loaded = load_scenario(Path(scenario) if _is_file(scenario) else scenario, catalog=catalog)
    return loaded, catalog


def _h100e(value: float) -> str:
    return f"{value / 1e6:,.1f} M"


@app.command(
    epilog="Examples:\n\n    fabnet gap\n\n    fabnet gap altman-2024 --report report.html\n\n"
    "    fabnet gap my-scenario.yaml --csv out/\n\nThe report is one self-contained HTML file"
    " that works offline."
)
def gap(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the HTML report to this file.")
    ] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write every table as CSV into this folder.")
    ] = None,
) -> None:
    """The demand–supply gap: AI compute wanted as wafers per resource, the supply of the
    catalog's fabs, the binding resource and the compute that cannot be delivered, per year."""
    with _guard():
        from rich.table import Table

        from fabnet.outlook import gap as compute_gap

        loaded, catalog = _load(scenario)
        result = compute_gap(loaded, catalog=catalog)
        out = _console()
        table = Table(
            title=f"Gap {loaded.name}: new compute per year [H100e] and the binding resource",
            title_justify="left",
        )
        for column in (
            "year",
            "installed",
            "new",
            "deliverable",
            "shortfall",
            "binding",
            "coverage",
        ):
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
                _h100e(row["installed_h100e"]),
                _h100e(row["new_h100e"]),
                _h100e(row["deliverable_h100e"]),
                f"[red]{_h100e(short)}[/]" if short > 0 else _h100e(short),
                str(binding),
                f"{cover:.0%}",
            )
        out.print(table)
        out.print(
            f"Shortfall over {result.years[0]}–{result.years[-1]}:"
            f" {_h100e(result.shortfall_h100e)} H100e. Coverage = AI supply / demand of the"
            " binding resource."
        )
        if csv is not None:
            paths = result.to_csv(csv)
            out.print(f"wrote {len(paths)} tables to {csv}")
        if report is not None:
            from fabnet.report import write_report

            write_report(result, report)
            out.print(f"wrote {report}")


@app.command(
    epilog="Examples:\n\n    fabnet plan\n\n    fabnet plan altman-2024 --time-limit 120"
    " --gap 0.005 --out plan/ --report plan.html\n\n    fabnet plan my.yaml --objective"
    " max_compute --budget 100000\n\nExit code 3 with a diagnosis when the plan is infeasible,"
    " 5 when the solver found no plan in time."
)
def plan(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.1, help="Solver time limit [s].")
    ] = None,
    gap: Annotated[
        float | None, typer.Option("--gap", min=0.0, max=1.0, help="Relative MIP gap to stop at.")
    ] = None,
    threads: Annotated[int | None, typer.Option("--threads", min=0, help="Solver threads.")] = None,
    objective: Annotated[
        str | None, typer.Option("--objective", help="min_cost or max_compute.")
    ] = None,
    budget: Annotated[
        float | None, typer.Option("--budget", min=0.0, help="Budget for max_compute [musd].")
    ] = None,
    relax: Annotated[
        bool, typer.Option("--relax", help="Solve the LP relaxation (fractional modules).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Save the plan (Parquet + JSON) to this folder.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the HTML report to this file.")
    ] = None,
) -> None:
    """Plan the network: which fab modules to start where, when, with which partner and funded
    by whom, at least cost (or most compute within a budget)."""
    with _guard():
        from rich.live import Live
        from rich.table import Table

        from fabnet.exceptions import ParameterError
        from fabnet.options import Options
        from fabnet.planning import Progress
        from fabnet.planning import plan as make_plan

        if objective not in (None, "min_cost", "max_compute"):
            raise ParameterError("--objective", "min_cost or max_compute", objective)
        from fabnet.outlook import gap as compute_gap

        loaded, catalog = _load(scenario)
        outlook = compute_gap(loaded, catalog=catalog)
        err = _console(stderr=True)
        status = Table.grid(padding=(0, 2))

        def show(progress: Progress) -> Table:
            grid = Table.grid(padding=(0, 2))
            grid.add_row(
                "solving",
                f"{progress.seconds:6.1f} s",
                f"incumbent {progress.incumbent:,.6g}",
                f"bound {progress.bound:,.6g}",
                f"gap {progress.gap:.2%}",
            )
            return grid

        with Live(
            status,
            console=err,
            transient=True,
            auto_refresh=Options.from_env().progress and err.is_terminal,
        ) as live:
            result = make_plan(
                loaded,
                catalog=catalog,
                time_limit_s=time_limit,
                mip_gap=gap,
                threads=threads,
                objective=objective,  # type: ignore[arg-type]
                budget_musd=budget,
                relax=relax,
                on_progress=lambda p: live.update(show(p)),
                outlook=outlook,
            )
        stats = result.stats
        out_console = _console()
        head = Table(title=f"Plan {loaded.name}: {stats['status']}", title_justify="left")
        for column in ("objective", "bound", "gap", "modules", "capex", "unserved", "solve s"):
            head.add_column(column, justify="right")
        head.add_row(
            f"{stats['objective']:,.6g}",
            f"{stats['bound']:,.6g}",
            f"{stats['gap']:.2%}",
            f"{int(result.builds['modules'].sum())}",
            f"${result.builds['capex_musd'].sum() / 1e3:,.1f} B",
            f"{_h100e(result.compute['unserved_h100e'].sum())} H100e",
            f"{stats['solve_seconds']:.1f}",
        )
        out_console.print(head)
        builds = Table(
            title="New modules by resource and region (start years)", title_justify="left"
        )
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
                f"${rows['capex_musd'].sum() / 1e3:,.1f} B",
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


def _number(value: object) -> float:
    """A table cell as a float (NaN for None or NaN)."""
    return math.nan if value is None else float(value)  # type: ignore[arg-type]


def _pct(value: object) -> str:
    number = _number(value)
    return "—" if math.isnan(number) else f"{number:.1%}"


def _musd(value: object) -> str:
    number = _number(value)
    return "—" if math.isnan(number) else f"${number / 1e3:,.1f} B"


def _years(value: object) -> str:
    number = _number(value)
    return "never" if math.isnan(number) else f"{number:.1f}"


@app.command(
    epilog="Examples:\n\n    fabnet finance\n\n    fabnet finance --plan plan/ --out money/"
    " --report money.html\n\n    fabnet finance my.yaml --time-limit 120\n\nWithout --plan the"
    " scenario is planned first (as fabnet plan)."
)
def finance(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    plan_dir: Annotated[
        Path | None,
        typer.Option(
            "--plan", help="A plan saved by fabnet plan --out (its own scenario is used)."
        ),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.1, help="Solver time limit [s].")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the cash-flow tables (CSV) to this folder.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the HTML report to this file.")
    ] = None,
) -> None:
    """Cash flows, consortium shares and returns of a plan: per project and per investor, with
    capital calls and each investor's hurdle rate met or missed."""
    with _guard():
        from rich.table import Table

        from fabnet.finance import financials
        from fabnet.finance.metrics import irr_details, npv
        from fabnet.outlook import gap as compute_gap
        from fabnet.planning import load_plan
        from fabnet.planning import plan as make_plan

        if plan_dir is not None:
            result = load_plan(plan_dir)
            from fabnet.catalog import load_catalog

            catalog = load_catalog()
        else:
            loaded, catalog = _load(scenario)
            result = make_plan(loaded, catalog=catalog, time_limit_s=time_limit)
        money = financials(result, catalog)
        console = _console()
        yearly = money.by_year()
        rate = result.scenario.policy.discount_rate
        flow = yearly["project_cash_flow_musd"].to_numpy()
        irr = irr_details(flow)
        head = Table(
            title=f"Financials {result.scenario.name}: {len(money.projects)} projects",
            title_justify="left",
        )
        columns = ("capex", "grants", "tax credits", "debt", "revenue", "NPV", "IRR")
        for column in columns:
            head.add_column(column, justify="right")
        head.add_row(
            _musd(-yearly["capex_musd"].sum()),
            _musd(yearly["grants_musd"].sum()),
            _musd(yearly["tax_credits_musd"].sum()),
            _musd(yearly["debt_drawn_musd"].sum()),
            _musd(yearly["revenue_musd"].sum()),
            f"{_musd(npv(rate, flow))} at {rate:.0%}",
            _pct(float("nan") if irr.rate is None else irr.rate),
        )
        console.print(head)
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
                _musd(called),
                _musd(row["returned_musd"]),
                _musd(row["npv_at_hurdle_musd"]),
                str(row["irr_note"])
                if isinstance(row["irr_note"], str) and row["irr_note"]
                else _pct(row["irr"]),
                "—" if math.isnan(_number(row["moic"])) else f"{_number(row['moic']):.2f}×",
                _years(row["payback_years"]),
                _pct(row["hurdle_rate"]),
                "no call" if called <= 0 else ("met" if bool(met) else "missed"),
            )
        console.print(table)
        if out is not None:
            money.save(out)
            console.print(f"wrote the cash-flow tables to {out}")
        if report is not None:
            from fabnet.report import write_report

            write_report(money, report, outlook=compute_gap(result.scenario, catalog=catalog))
            console.print(f"wrote {report}")


@app.command(
    epilog="Examples:\n\n    fabnet compare\n\n    fabnet compare altman-2024 --report"
    " strategies.html --out strategies/\n\n    fabnet compare my.yaml --strategies"
    " own-build,design-only"
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
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.1, help="Solver time limit per plan [s].")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the comparison (CSV) to this folder.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the HTML report to this file.")
    ] = None,
) -> None:
    """Own-build vs capacity reservation vs acquisition vs design-only vs the optimiser's mix,
    on the same demand: cost, compute delivered, time to new supply, capital and returns."""
    with _guard():
        from rich.table import Table

        from fabnet.finance import compare as run_compare
        from fabnet.outlook import gap as compute_gap

        loaded, catalog = _load(scenario)
        err = _console(stderr=True)
        chosen = [s.strip() for s in strategies.split(",") if s.strip()] if strategies else None
        result = run_compare(
            loaded,
            catalog=catalog,
            strategies=chosen,
            time_limit_s=time_limit,
            on_strategy=lambda name: err.print(f"planning {name}…") if err.is_terminal else None,
        )
        console = _console()
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
                _musd(row["cost_npv_musd"]),
                _musd(row["objective_musd"]),
                f"{_h100e(row['delivered_by_2030_h100e'])} H100e",
                f"{_h100e(row['delivered_h100e'])} H100e",
                f"{_h100e(row['unserved_h100e'])} H100e",
                "none"
                if row["first_new_supply_year"] is None
                else str(row["first_new_supply_year"]),
                _musd(row["peak_capital_musd"]),
                ", ".join(what) or "existing supply only",
            )
        console.print(table)
        irr = Table(title="Investor IRR by strategy", title_justify="left")
        irr.add_column("investor")
        for name in result.investors.columns:
            irr.add_column(str(name), justify="right")
        for investor, row in result.investors.iterrows():
            irr.add_row(str(investor), *(_pct(v) for v in row))
        console.print(irr)
        if out is not None:
            result.save(out)
            console.print(f"wrote the comparison to {out}")
        if report is not None:
            from fabnet.report import write_report

            write_report(result, report, outlook=compute_gap(loaded, catalog=catalog))
            console.print(f"wrote {report}")


def _output_name(name: str) -> tuple[str, str]:
    """A risk output's label and unit from its column name."""
    if name == "npv_cost_musd":
        return "NPV of cost", "musd"
    if name == "unserved_h100e":
        return "unserved compute (all years)", "H100e"
    return f"NPV of {name.removeprefix('npv_').removesuffix('_musd')} at its hurdle", "musd"


@app.command(
    epilog="Examples:\n\n    fabnet risk --samples 10000 --seed 1\n\n    fabnet risk altman-2024"
    " --plan plan/ --method sobol --samples 16384 --report risk.html --out risk/\n\n"
    "    fabnet risk --stochastic --scenarios 8 --cvar-weight 0.5\n\nThe same seed prints the"
    " same results byte for byte; timings and progress go to stderr."
)
def risk(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    samples: Annotated[int, typer.Option("--samples", min=1, help="Samples drawn.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the draw.")] = 0,
    plan_dir: Annotated[
        Path | None,
        typer.Option(
            "--plan", help="A plan saved by fabnet plan --out (its own scenario is used)."
        ),
    ] = None,
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
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.1, help="Solver time limit [s].")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the tables and samples to this folder.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the HTML report to this file.")
    ] = None,
) -> None:
    """The plan under uncertainty: shortfall probabilities, expected unserved compute, VaR and
    CVaR of cost and investor value, tornado and Sobol' sensitivities; optionally the two-stage
    stochastic plan with the value of the stochastic solution and of perfect information."""
    with _guard():
        import time

        from fabnet.exceptions import ParameterError
        from fabnet.planning import load_plan
        from fabnet.planning import plan as make_plan
        from fabnet.risk.analysis import analyse
        from fabnet.risk.sampling import METHODS

        if method not in METHODS:
            raise ParameterError("--method", f"one of {', '.join(METHODS)}", method)
        err = _console(stderr=True)
        began = time.perf_counter()
        if plan_dir is not None:
            from fabnet.catalog import load_catalog

            result = load_plan(plan_dir)
            catalog = load_catalog()
        else:
            loaded, catalog = _load(scenario)
            result = make_plan(
                loaded, catalog=catalog, time_limit_s=time_limit, shadow_prices=False
            )
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
        console = _console()
        for table in _risk_tables(analysis, samples, method, seed):
            console.print(table)
        two_stage = None
        if stochastic:
            from fabnet.risk.stochastic import stochastic_plan

            started = time.perf_counter()
            two_stage = stochastic_plan(
                result.scenario,
                scenarios=scenarios,
                seed=seed,
                method=method,
                first_stage_years=first_stage_years,
                cvar_weight=cvar_weight,
                time_limit_s=time_limit,
                catalog=catalog,
            )
            err.print(f"stochastic plan solved in {time.perf_counter() - started:.1f} s")
            for table in _stochastic_tables(two_stage, scenarios, first_stage_years, cvar_weight):
                console.print(table)
        if out is not None:
            analysis.save(out)
            console.print(f"wrote the risk tables to {out}")
        if report is not None:
            from fabnet.outlook import gap as compute_gap
            from fabnet.report import write_report

            write_report(
                analysis,
                report,
                outlook=compute_gap(result.scenario, catalog=catalog),
                stochastic=two_stage,
            )
            console.print(f"wrote {report}")


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
    for year, row in analysis.by_year.iterrows():
        by_year.add_row(
            str(year),
            f"{row['p_shortfall']:.1%}",
            f"{row['p_shortfall_low']:.1%}–{row['p_shortfall_high']:.1%}",
            f"{_h100e(row['expected_unserved_h100e'])} H100e",
            f"{_h100e(row['unserved_p50_h100e'])}",
            f"{_h100e(row['unserved_p95_h100e'])}",
        )
    tables = [by_year]
    measures = Table(
        title=f"Risk measures (VaR and CVaR at {analysis.alpha:.0%}, on the bad tail)",
        title_justify="left",
    )
    for column in ("output", "unit", "mean", "p5", "p50", "p95", "VaR", "CVaR"):
        measures.add_column(column, justify="left" if column in ("output", "unit") else "right")
    for name, stats in analysis.measures.iterrows():
        label, unit = _output_name(str(name))
        scale = 1e6 if unit == "H100e" else 1.0
        keys = ("mean", "p5", "p50", "p95", "var", "cvar")
        cells = [f"{float(stats[k]) / scale:,.4g}" for k in keys]
        measures.add_row(label, "M H100e" if unit == "H100e" else unit, *cells)
    tables.append(measures)
    swings = Table(
        title="Tornado: NPV of cost (musd) with one input at its 10th and 90th percentile",
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


def _is_file(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or Path(ref).exists()


@app.command(
    epilog="Examples:\n\n    fabnet schema > scenario.schema.json\n\n"
    "    fabnet schema --out scenario.schema.json"
)
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion and checks)."""
    with _guard():
        from fabnet.scenario import json_schema_text

        text = json_schema_text()
        if out is None:
            typer.echo(text)
        else:
            out.write_text(text + "\n", encoding="utf-8")
            typer.echo(f"wrote {out}", err=True)


@app.command(
    epilog="Examples:\n\n    fabnet catalog\n\n    fabnet catalog accelerators\n\n"
    "    fabnet catalog fabs --csv > fabs.csv\n\n    fabnet catalog --check"
)
def catalog(
    table: Annotated[
        str | None, typer.Argument(help="A table to print (omit to list the tables).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Verify the catalog's integrity (exit 4 if not).")
    ] = False,
    csv: Annotated[bool, typer.Option("--csv", help="Print the table as CSV.")] = False,
) -> None:
    """List the reference catalog's tables, print one with the source of every figure, or
    check the catalog's integrity."""
    with _guard():
        from rich.table import Table

        from fabnet.catalog import KINDS, TABLES, check_catalog, load_catalog

        out = _console()
        if check:
            problems = check_catalog()
            if problems:
                err = _console(stderr=True)
                for problem in problems:
                    err.print(problem, markup=False, soft_wrap=True)
                err.print(f"catalog check failed: {len(problems)} problem(s)", markup=False)
                raise typer.Exit(4)
            cat = load_catalog()
            n = sum(len(cat.figures(t)) for t in cat.names())
            out.print(
                f"catalog OK: {n} figures in {len(cat.names())} tables, every one with"
                " a source, date and kind; ids unique; units known; references resolve."
            )
            return
        cat = load_catalog()
        if table is None:
            listing = Table(title="fabnet reference catalog", title_justify="left")
            for column in ("table", "entries", "figures", *KINDS, "description"):
                listing.add_column(column, overflow="fold")
            for name in cat.names():
                kinds = Counter(f.kind for f in cat.figures(name))
                listing.add_row(
                    name,
                    str(len(cat.ids(name))),
                    str(len(cat.figures(name))),
                    *(str(kinds.get(k, 0)) for k in KINDS),
                    TABLES[name].description,
                )
            out.print(listing)
            out.print("Print one: fabnet catalog TABLE (add --csv for CSV).")
            return
        if table not in TABLES:
            from fabnet.exceptions import ParameterError

            raise ParameterError("TABLE", f"one of {', '.join(TABLES)}", table)
        frame = cat.frame(table)
        if csv:
            typer.echo(frame.to_csv(index=False), nl=False)
            return
        keys = list(TABLES[table].keys)
        frame = frame[[*keys, "parameter", "year", "value", "unit", "kind", "date", "source"]]
        view = Table(
            title=f"{table}: {TABLES[table].description} (notes: --csv)", title_justify="left"
        )
        for column in frame.columns[:-1]:
            if column == "value":
                view.add_column(column, max_width=36, overflow="fold")
            else:
                view.add_column(str(column), no_wrap=True)
        view.add_column("source", min_width=24, overflow="fold")
        for record in frame.itertuples(index=False):
            view.add_row(
                *("" if v is None or str(v) in {"<NA>", "nan"} else str(v) for v in record)
            )
        out.print(view)


def main() -> None:
    """Entry point of the ``fabnet`` command."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

"""Benchmark: evaluating the altman-2024 plan on 100,000 samples, vectorised (fabnet) vs a
per-sample Python loop of the same model (written here).

The peer reads the same plan arrays and sample draws and walks samples, years, projects and
resources one at a time, as a hand-written Monte Carlo would. Both must agree on a common subset
of samples (relative 1e-9). fabnet runs with its default threads (one chunk per core at a time)
and with one thread; its peak memory is measured in a child process (max RSS), and samples per
second are printed.

Run: .venv/bin/python benchmarks/bench_risk.py [--samples 100000] [--subset 300]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time

import numpy as np

import fabnet
from fabnet.risk import draw
from fabnet.risk.evaluation import PlanArrays, draws, evaluate, plan_arrays


def loop_evaluate(a: PlanArrays, samples: object, count: int) -> list[float]:  # noqa: PLR0915 - a plain loop, on purpose
    """NPV of cost per sample, one sample, year, project and resource at a time."""
    d = draws(a, samples, slice(0, count))  # type: ignore[arg-type]
    n_years = len(a.years)
    n_resources = len(a.resources)
    multiplier = [1.0] + [
        a.installed[t] / a.installed[t - 1] if a.installed[t - 1] > 0 else 1.0
        for t in range(1, n_years)
    ]

    def new_compute(factor: float) -> list[float]:
        installed = [a.installed[0]]
        for t in range(1, n_years):
            installed.append(installed[-1] * (1.0 + (multiplier[t] - 1.0) * factor))
        out = [a.wanted[0]]
        for t in range(1, n_years):
            scale = installed[t - 1] / a.installed[t - 1] if a.installed[t - 1] > 0 else 1.0
            out.append(max(installed[t] - installed[t - 1] + a.retired[t] * scale, 0.0))
        return out

    neutral = new_compute(1.0)
    ramp = [*a.ramp.tolist(), 1.0]
    results = []
    for s in range(count):
        sampled = new_compute(float(d.growth[s]))
        total = 0.0
        capacity = [[0.0] * n_years for _ in a.module_capex]
        spend = [[0.0] * n_years for _ in a.module_capex]
        online = [[0.0] * n_years for _ in a.module_capex]
        residual = 0.0
        for p, start, modules in zip(a.build_project, a.build_start, a.build_modules, strict=True):
            lead = max(1, math.ceil((a.lead_months[p] + d.delay_months[s, p]) / 12.0))
            capex = modules * a.module_capex[p] * d.overrun[s, p]
            for t in range(n_years):
                since = t - start - lead
                share = 0.0 if since < 0 else ramp[min(since, len(ramp) - 1)]
                capacity[p][t] += modules * a.module_wspm[p] * share
                online[p][t] += modules if since >= 0 else 0.0
                if start <= t < start + lead:
                    spend[p][t] += capex / lead
            if start + lead < n_years:
                residual += capex * max(0.0, 1.0 - (n_years - (start + lead)) / a.asset_life_years)
        for t in range(n_years):
            wanted = a.wanted[t] * (sampled[t] / neutral[t] if neutral[t] > 0 else 1.0)
            new_supply = [0.0] * n_resources
            for p in range(len(a.module_capex)):
                capacity[p][t] *= d.availability[s, a.project_country[p], t]
                new_supply[a.project_resource[p]] += capacity[p][t]
            deliverable = math.inf
            need = []
            supply = []
            for r in range(n_resources):
                tau = min(max(d.speed[s, r] * t, 0.0), n_years - 1)
                low = math.floor(tau)
                high = min(low + 1, n_years - 1)
                frac = tau - low
                value = (1 - frac) * a.need_table[r, t, low] + frac * a.need_table[r, t, high]
                existing = sum(
                    a.existing[r, c, t] * d.availability[s, c, t] for c in range(len(a.countries))
                )
                available = existing + new_supply[r] + a.fixed_extra[r, t]
                need.append(value)
                supply.append(available)
                if value > 0:
                    deliverable = min(deliverable, available / value)
            delivered = min(wanted, deliverable)
            wafers = 0.0
            for r in range(n_resources):
                used = delivered * need[r]
                from_new = min(used, new_supply[r])
                wafers += from_new * a.cash_cost[r] + (used - from_new) * a.price[r] * d.price[s, r]
            fixed_opex = a.fixed_opex_share * sum(
                online[p][t] * a.module_capex[p] for p in range(len(a.module_capex))
            )
            cost = (
                sum(spend[p][t] for p in range(len(a.module_capex)))
                + a.fixed_costs[t]
                + fixed_opex
                + wafers * 12.0 / 1e6
                + (wanted - delivered) * a.penalty_musd
            )
            total += cost * a.discount[t]
        results.append(total - residual * a.discount[-1])
    return results


def _peak_rss_mb(samples: int) -> float:
    """Peak memory of a child process that evaluates ``samples`` samples [MB]."""
    code = (
        "import resource, fabnet\n"
        "from fabnet.risk import draw\n"
        "from fabnet.risk.evaluation import evaluate, plan_arrays\n"
        "p = fabnet.plan('altman-2024', shadow_prices=False)\n"
        "a = plan_arrays(p)\n"
        f"s = draw(p.scenario.uncertainty, {samples}, seed=1, method='lhs',"
        " years=p.scenario.years)\n"
        "evaluate(a, s)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--subset", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    plan = fabnet.plan("altman-2024", shadow_prices=False)
    arrays = plan_arrays(plan)
    samples = draw(
        plan.scenario.uncertainty, args.samples, seed=1, method="lhs", years=plan.scenario.years
    )

    def timed(workers: int | None) -> float:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            evaluate(arrays, samples, workers=workers)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    vector = timed(None)  # chunks on every core (the default)
    single = timed(1)
    result = evaluate(arrays, samples)

    start = time.perf_counter()
    looped = loop_evaluate(arrays, samples, args.subset)
    loop_per_sample = (time.perf_counter() - start) / args.subset
    common = result["npv_cost_musd"].to_numpy()[: args.subset]
    np.testing.assert_allclose(looped, common, rtol=1e-9)

    rate = args.samples / vector
    ratio = loop_per_sample * args.samples / vector
    peak = _peak_rss_mb(args.samples)
    print(
        json.dumps(
            {
                "samples": args.samples,
                "fabnet_seconds_median": round(vector, 3),
                "fabnet_samples_per_second": round(rate),
                "fabnet_one_thread_seconds_median": round(single, 3),
                "speedup_one_thread": round(loop_per_sample * args.samples / single, 1),
                "loop_seconds_per_sample": round(loop_per_sample, 6),
                "loop_seconds_extrapolated": round(loop_per_sample * args.samples, 1),
                "speedup": round(ratio, 1),
                "agree_on_first": args.subset,
                "peak_rss_mb": round(peak),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

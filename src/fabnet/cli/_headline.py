"""A result's headline figures for ``--json``: ``result.headline()``.

Until every result class has the result protocol's ``headline()`` (``fabnet.results``), the
figures of those without one are read here, with the same kind of keys (units in their names).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["headline"]


def headline(result: Any) -> dict[str, Any]:
    """``result.headline()``, or the same figures read off a result without one."""
    own = getattr(result, "headline", None)
    if callable(own):
        return dict(own())
    name = type(result).__name__
    read = _READERS.get(name)
    if read is None:  # pragma: no cover - every result fabnet prints is listed
        raise TypeError(f"no headline for a {name}")
    return read(result)


def _plan(plan: Any) -> dict[str, Any]:
    costs = plan.cost_npv()
    stats = plan.stats
    return {
        "scenario": plan.scenario.name,
        "modules": float(plan.builds["modules"].sum()),
        "capex_musd": float(plan.builds["capex_musd"].sum()),
        "cost_npv_musd": float(costs["cost"]),
        "unserved_h100e": float(plan.compute["unserved_h100e"].sum()),
        "penalty_npv_musd": float(costs["unserved_penalty"]),
        "status": str(stats["status"]),
        "mip_gap": math.nan if stats.get("gap") is None else float(stats["gap"]),
        "solve_seconds": float(stats.get("solve_seconds", math.nan)),
    }


def _gap(result: Any) -> dict[str, Any]:
    compute = result.compute
    return {
        "scenario": result.scenario.name,
        "first_year": int(result.years[0]),
        "last_year": int(result.years[-1]),
        "new_h100e": float(compute["new_h100e"].sum()),
        "deliverable_h100e": float(compute["deliverable_h100e"].sum()),
        "shortfall_h100e": float(result.shortfall_h100e),
    }


def _backcast(result: Any) -> dict[str, Any]:
    return {
        "scenario": result.scenario.name,
        "checks": len(result.verdicts),
        "checks_passed": sum(bool(v.passed) for v in result.verdicts),
    }


def _financials(money: Any) -> dict[str, Any]:
    from fabnet.finance.metrics import irr_details, npv

    yearly = money.by_year()
    rate = money.plan.scenario.policy.discount_rate
    flow = yearly["project_cash_flow_musd"].to_numpy()
    irr = irr_details(flow).rate
    return {
        "scenario": money.plan.scenario.name,
        "projects": len(money.projects),
        "capex_musd": float(-yearly["capex_musd"].sum()),
        "grants_musd": float(yearly["grants_musd"].sum()),
        "revenue_musd": float(yearly["revenue_musd"].sum()),
        "npv_musd": float(npv(rate, flow)),
        "irr": math.nan if irr is None else float(irr),
    }


def _comparison(result: Any) -> dict[str, Any]:
    figures: dict[str, Any] = {"scenario": result.scenario.name}
    for strategy, row in result.table.iterrows():
        for key in ("npv_cost_musd", "npv_objective_musd", "unserved_h100e", "peak_capital_musd"):
            figures[f"{strategy}_{key}"] = float(row[key])
    return figures


def _risk(result: Any) -> dict[str, Any]:
    measures = result.measures
    return {
        "scenario": result.plan.scenario.name,
        "samples": len(result.samples),
        "max_p_shortfall": float(result.by_year["p_shortfall"].max()),
        "expected_unserved_h100e": float(result.by_year["expected_unserved_h100e"].sum()),
        "npv_cost_mean_musd": float(measures.loc["npv_cost_musd", "mean"]),
        "npv_cost_cvar_musd": float(measures.loc["npv_cost_musd", "cvar"]),
    }


def _stochastic(result: Any) -> dict[str, Any]:
    return {
        "scenario": result.scenario.name,
        "rp_musd": float(result.rp),
        "eev_musd": float(result.eev),
        "ws_musd": float(result.ws),
        "vss_musd": float(result.vss),
        "evpi_musd": float(result.evpi),
    }


_READERS = {
    "Plan": _plan,
    "GapResult": _gap,
    "Backcast": _backcast,
    "Financials": _financials,
    "Comparison": _comparison,
    "RiskResult": _risk,
    "StochasticPlan": _stochastic,
}

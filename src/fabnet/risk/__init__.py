"""Risk: sample a scenario's uncertain inputs and measure the spread of what follows.

:mod:`fabnet.risk.sampling` draws the inputs declared in a scenario's ``uncertainty`` block
(Monte Carlo, Latin hypercube or scrambled Sobol' points, rank correlations by a Gaussian copula,
disruption events per year) into :class:`Samples`. :mod:`fabnet.risk.measures` reduces samples of
an output to risk measures (exceedance probability with its Wilson interval, VaR, CVaR,
percentiles) and explains them (tornado swings, Sobol' indices). :mod:`fabnet.risk.evaluation`
evaluates a fixed plan on the samples, vectorised and in chunks, and
:func:`fabnet.risk.analyse` puts it all together for one plan. Planning *for* the spread (two
stages, recourse, CVaR; VSS and EVPI) is the planner's: :func:`fabnet.planning.stochastic_plan`.
Every random function takes a ``seed``: the same seed gives the same bytes.

Importing this package imports neither pandas, xarray nor scipy: each name loads its module on
first use.

Examples
--------
>>> from fabnet.risk import conditional_value_at_risk, draw
>>> from fabnet.scenario import load_scenario
>>> uncertainty = load_scenario("altman-2024").uncertainty
>>> samples = draw(uncertainty, 4096, seed=1, method="sobol", years=range(2024, 2041))
>>> growth = samples.values["demand-growth"]
>>> bool(conditional_value_at_risk(growth, 0.9) > growth.median())
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fabnet.risk.analysis import RiskResult, analyse
    from fabnet.risk.evaluation import PlanArrays, evaluate, plan_arrays
    from fabnet.risk.measures import (
        conditional_value_at_risk,
        exceedance_probability,
        percentiles,
        probability_ci,
        sobol_indices,
        tornado,
        value_at_risk,
    )
    from fabnet.risk.sampling import (
        METHODS,
        InverseCDF,
        Samples,
        draw,
        frozen,
        marginal_ppf,
        one_at_a_time,
    )

__all__ = [
    "METHODS",
    "InverseCDF",
    "PlanArrays",
    "RiskResult",
    "Samples",
    "analyse",
    "conditional_value_at_risk",
    "draw",
    "evaluate",
    "exceedance_probability",
    "frozen",
    "marginal_ppf",
    "one_at_a_time",
    "percentiles",
    "plan_arrays",
    "probability_ci",
    "sobol_indices",
    "tornado",
    "value_at_risk",
]

_MODULES = {
    "sampling": (
        "METHODS",
        "InverseCDF",
        "Samples",
        "draw",
        "frozen",
        "marginal_ppf",
        "one_at_a_time",
    ),
    "evaluation": ("PlanArrays", "evaluate", "plan_arrays"),
    "analysis": ("RiskResult", "analyse"),
}
_LAZY = {
    name: "fabnet.risk." + next((m for m, names in _MODULES.items() if name in names), "measures")
    for name in __all__
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fabnet.risk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

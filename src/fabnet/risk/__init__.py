"""Risk: sample a scenario's uncertain inputs and measure the spread of what follows.

:mod:`fabnet.risk.sampling` draws the inputs declared in a scenario's ``uncertainty`` block
(Monte Carlo, Latin hypercube or scrambled Sobol' points, rank correlations by a Gaussian copula,
disruption events per year) into :class:`Samples`. :mod:`fabnet.risk.measures` reduces samples of
an output to risk measures (exceedance probability with its Wilson interval, VaR, CVaR,
percentiles) and explains them (tornado swings, Sobol' indices). Every random function takes a
``seed``: the same seed gives the same bytes.

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
    "Samples",
    "conditional_value_at_risk",
    "draw",
    "exceedance_probability",
    "frozen",
    "marginal_ppf",
    "one_at_a_time",
    "percentiles",
    "probability_ci",
    "sobol_indices",
    "tornado",
    "value_at_risk",
]

_SAMPLING = ("METHODS", "InverseCDF", "Samples", "draw", "frozen", "marginal_ppf", "one_at_a_time")
_LAZY = {
    name: "fabnet.risk." + ("sampling" if name in _SAMPLING else "measures") for name in __all__
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fabnet.risk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

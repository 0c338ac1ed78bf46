"""fabnet — plan a global network of AI-chip fabrication plants.

The public API is re-exported here; everything else is internal. Importing fabnet reads no file
and imports no heavy library: the entries below that need pandas load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fabnet._version import __version__
from fabnet.exceptions import (
    CatalogError,
    FabnetError,
    InfeasiblePlanError,
    ParameterError,
    ScenarioError,
)

if TYPE_CHECKING:
    from fabnet.catalog import Catalog, load_catalog
    from fabnet.fab import FabSpec, ToolPlan, load_fab, tool_plan
    from fabnet.finance import Comparison, Financials, compare, financials
    from fabnet.outlook import Backcast, GapResult, backcast, gap
    from fabnet.planning import Plan, StochasticPlan, load_plan, plan, stochastic_plan
    from fabnet.results import Result, open_result
    from fabnet.scenario import Scenario, load_scenario

__all__ = [
    "Backcast",
    "Catalog",
    "CatalogError",
    "Comparison",
    "FabSpec",
    "FabnetError",
    "Financials",
    "GapResult",
    "InfeasiblePlanError",
    "ParameterError",
    "Plan",
    "Result",
    "Scenario",
    "ScenarioError",
    "StochasticPlan",
    "ToolPlan",
    "__version__",
    "backcast",
    "compare",
    "financials",
    "gap",
    "load_catalog",
    "load_fab",
    "load_plan",
    "load_scenario",
    "open_result",
    "plan",
    "stochastic_plan",
    "tool_plan",
]

_LAZY = {
    "Catalog": "fabnet.catalog",
    "load_catalog": "fabnet.catalog",
    "FabSpec": "fabnet.fab",
    "ToolPlan": "fabnet.fab",
    "load_fab": "fabnet.fab",
    "tool_plan": "fabnet.fab",
    "Comparison": "fabnet.finance",
    "Financials": "fabnet.finance",
    "compare": "fabnet.finance",
    "financials": "fabnet.finance",
    "Backcast": "fabnet.outlook",
    "backcast": "fabnet.outlook",
    "GapResult": "fabnet.outlook",
    "gap": "fabnet.outlook",
    "Plan": "fabnet.planning",
    "load_plan": "fabnet.planning",
    "plan": "fabnet.planning",
    "StochasticPlan": "fabnet.planning",
    "stochastic_plan": "fabnet.planning",
    "Scenario": "fabnet.scenario",
    "load_scenario": "fabnet.scenario",
    "Result": "fabnet.results",
    "open_result": "fabnet.results",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fabnet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

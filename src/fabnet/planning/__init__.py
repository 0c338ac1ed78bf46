"""The network planner: which fab modules to start where, when, with which partner, funded by
whom — a multi-period MILP on linopy + HiGHS, as ``build_data → build_model → solve → extract``;
and the two-stage stochastic plan over sampled worlds, the same model with a ``world`` dimension
(:func:`stochastic_plan`).

Examples
--------
>>> import fabnet
>>> result = fabnet.plan("altman-2024", time_limit_s=60)
>>> result.status in {"optimal", "gap_limit", "time_limit"}
True
>>> int(result.builds["modules"].sum()) > 0
True
"""

from fabnet.planning.data import PlanData, SupplyOptions, build_data
from fabnet.planning.diagnose import Finding
from fabnet.planning.model import build_model
from fabnet.planning.planner import diagnose, plan
from fabnet.planning.result import Plan, extract, load_plan
from fabnet.planning.solve import Progress, SolveInfo, solve
from fabnet.planning.stochastic import StochasticPlan, stochastic_plan
from fabnet.planning.worlds import Worlds, perturb, stack_worlds

__all__ = [
    "Finding",
    "Plan",
    "PlanData",
    "Progress",
    "SolveInfo",
    "StochasticPlan",
    "SupplyOptions",
    "Worlds",
    "build_data",
    "build_model",
    "diagnose",
    "extract",
    "load_plan",
    "perturb",
    "plan",
    "solve",
    "stack_worlds",
    "stochastic_plan",
]

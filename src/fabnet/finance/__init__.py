"""The money: project and investor cash flows, returns, and the strategies compared.

``financials(plan)`` turns a plan into cash flows per project and year, splits each project's
equity among the consortium's investors, and reports NPV, IRR, payback and MOIC per project and
per investor; ``compare(scenario)`` plans own-build, reservation, acquisition, design-only and
the optimiser's mix on the same demand. The metric functions live in
:mod:`fabnet.finance.metrics`.
"""

from __future__ import annotations

from fabnet.finance.cashflows import ProjectFlows, project_flows
from fabnet.finance.statements import Financials, financials
from fabnet.finance.strategies import Comparison, compare

__all__ = [
    "Comparison",
    "Financials",
    "ProjectFlows",
    "compare",
    "financials",
    "project_flows",
]

"""The HTML reports: the demand–supply gap, a network plan with its gap, a plan's financials,
the strategies compared, and a plan's risk (with a stochastic plan), each one self-contained file
that works offline.

:func:`render_gap_report`, :func:`render_plan_report`, :func:`render_finance_report`,
:func:`render_compare_report` and :func:`render_risk_report` return the document as text;
:func:`write_gap_report`, :func:`write_plan_report`, :func:`write_finance_report`,
:func:`write_compare_report` and :func:`write_risk_report` write it. The figures are in
:mod:`fabnet.report.figures` (the gap), :mod:`fabnet.report.plan_figures` (the plan),
:mod:`fabnet.report.finance_figures` (the money and the strategies) and
:mod:`fabnet.report.risk_figures` (the risk and the stochastic plan), and all but the gap's are
re-exported here. Importing this package imports neither plotly nor pandas and reads no file; the
basemap and plotly.js are read when a report is rendered.

Examples
--------
>>> from fabnet.outlook import gap
>>> from fabnet.report import write_gap_report
>>> path = write_gap_report(gap("altman-2024"), "altman-2024-gap.html")  # doctest: +SKIP
>>> from fabnet.planning import plan
>>> from fabnet.report import write_plan_report
>>> result = plan("altman-2024")  # doctest: +SKIP
>>> path = write_plan_report(result, gap("altman-2024"), "plan.html")  # doctest: +SKIP
>>> from fabnet.finance import compare, financials
>>> from fabnet.report import write_compare_report, write_finance_report
>>> money = financials(result)  # doctest: +SKIP
>>> path = write_finance_report(money, gap("altman-2024"), "money.html")  # doctest: +SKIP
>>> strategies = compare("altman-2024")  # doctest: +SKIP
>>> path = write_compare_report(strategies, gap("altman-2024"), "compare.html")  # doctest: +SKIP
>>> from fabnet.risk.analysis import analyse
>>> from fabnet.report import write_risk_report
>>> risk = analyse(result, samples=2000, seed=1)  # doctest: +SKIP
>>> path = write_risk_report(risk, gap("altman-2024"), "risk.html")  # doctest: +SKIP
"""

from fabnet.report.finance_figures import (
    capital_calls_figure,
    cash_flow_by_year_figure,
    cash_flow_waterfall_figure,
    investor_returns_figure,
    project_waterfalls_figure,
    strategy_figure,
    strategy_timeline_figure,
)
from fabnet.report.finance_html import (
    render_compare_report,
    render_finance_report,
    write_compare_report,
    write_finance_report,
)
from fabnet.report.html import render_gap_report, write_gap_report
from fabnet.report.plan_figures import (
    build_gantt_figure,
    capacity_demand_figure,
    compute_outcome_figure,
    money_figure,
    new_fabs_map_figure,
)
from fabnet.report.plan_html import render_plan_report, write_plan_report
from fabnet.report.risk_figures import (
    fan_chart_figure,
    investor_value_figure,
    shortfall_probability_figure,
    sobol_figure,
    stochastic_figure,
    tornado_figure,
)
from fabnet.report.risk_html import render_risk_report, write_risk_report

__all__ = [
    "build_gantt_figure",
    "capacity_demand_figure",
    "capital_calls_figure",
    "cash_flow_by_year_figure",
    "cash_flow_waterfall_figure",
    "compute_outcome_figure",
    "fan_chart_figure",
    "investor_returns_figure",
    "investor_value_figure",
    "money_figure",
    "new_fabs_map_figure",
    "project_waterfalls_figure",
    "render_compare_report",
    "render_finance_report",
    "render_gap_report",
    "render_plan_report",
    "render_risk_report",
    "shortfall_probability_figure",
    "sobol_figure",
    "stochastic_figure",
    "strategy_figure",
    "strategy_timeline_figure",
    "tornado_figure",
    "write_compare_report",
    "write_finance_report",
    "write_gap_report",
    "write_plan_report",
    "write_risk_report",
]

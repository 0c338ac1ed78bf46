"""The HTML reports: one self-contained file that works offline, for any result of fabnet.

:func:`write_report` writes the report of a demand–supply gap (``GapResult``), a backcast
(``Backcast``: the outlook of the record's years against the public record), a network plan
(``Plan``), a plan's financials (``Financials``), the strategies compared (``Comparison``) or a
plan's risk (``RiskResult``, with a ``StochasticPlan`` if you have one), and at the fab level of
a tool plan (``ToolPlan``) or static capacity (``Capacity``); :func:`render_report` returns it as
text. Every report of the network chain starts with the outlook of its scenario (the gap), shows
the result's own sections and ends with the assumptions and their sources (a fab-level report:
its own sections, then the sources of its fab file's figures); each page is one Jinja2
template (``templates/page.html.j2``) with plotly.js and the world basemap inlined once.

The figures are in :mod:`fabnet.report.gap_figures`, :mod:`~fabnet.report.backcast_figures`,
:mod:`~fabnet.report.plan_figures`, :mod:`~fabnet.report.finance_figures`,
:mod:`~fabnet.report.strategy_figures`, :mod:`~fabnet.report.risk_figures`,
:mod:`~fabnet.report.stochastic_figures` and :mod:`~fabnet.report.fab_figures`, and are
re-exported here. Importing this package
imports neither plotly, pandas nor Jinja2 and reads no file; the template, the basemap and
plotly.js are read when a report is rendered.

Examples
--------
>>> from fabnet.outlook import gap
>>> from fabnet.report import write_report
>>> outlook = gap("altman-2024")
>>> path = write_report(outlook, "altman-2024-gap.html")  # doctest: +SKIP
>>> from fabnet.outlook import backcast
>>> path = write_report(backcast("altman-2024"), "backcast.html")  # doctest: +SKIP
>>> from fabnet.planning import plan
>>> result = plan("altman-2024")  # doctest: +SKIP
>>> path = write_report(result, "plan.html", outlook=outlook)  # doctest: +SKIP
>>> from fabnet.finance import compare, financials
>>> path = write_report(financials(result), "money.html", outlook=outlook)  # doctest: +SKIP
>>> path = write_report(compare("altman-2024"), "compare.html")  # doctest: +SKIP
>>> from fabnet.planning import stochastic_plan
>>> from fabnet.risk import analyse
>>> risk = analyse(result, samples=2000, seed=1)  # doctest: +SKIP
>>> two_stage = stochastic_plan("altman-2024", scenarios=8)  # doctest: +SKIP
>>> path = write_report(risk, "risk.html", stochastic=two_stage)  # doctest: +SKIP
>>> from fabnet.fab.toolplan import tool_plan
>>> path = write_report(tool_plan("example-3fab"), "toolplan.html")  # doctest: +SKIP
"""

from fabnet.report._report import render_report, write_report
from fabnet.report.backcast_figures import backcast_compute_figure, backcast_coverage_figure
from fabnet.report.fab_figures import (
    cost_figure,
    floor_figure,
    loading_figure,
    split_figure,
    split_steps_figure,
    tools_figure,
    tools_needed_figure,
)
from fabnet.report.finance_figures import (
    capital_calls_figure,
    cash_flow_by_year_figure,
    cash_flow_waterfall_figure,
    investor_returns_figure,
    project_waterfalls_figure,
)
from fabnet.report.gap_figures import fab_map_figure, shortfall_figure, supply_demand_figure
from fabnet.report.plan_figures import (
    build_gantt_figure,
    capacity_demand_figure,
    compute_outcome_figure,
    money_figure,
    new_fabs_map_figure,
)
from fabnet.report.risk_figures import (
    fan_chart_figure,
    investor_value_figure,
    shortfall_probability_figure,
    sobol_figure,
    tornado_figure,
)
from fabnet.report.stochastic_figures import stochastic_figure
from fabnet.report.strategy_figures import strategy_figure, strategy_timeline_figure

__all__ = [
    "backcast_compute_figure",
    "backcast_coverage_figure",
    "build_gantt_figure",
    "capacity_demand_figure",
    "capital_calls_figure",
    "cash_flow_by_year_figure",
    "cash_flow_waterfall_figure",
    "compute_outcome_figure",
    "cost_figure",
    "fab_map_figure",
    "fan_chart_figure",
    "floor_figure",
    "investor_returns_figure",
    "investor_value_figure",
    "loading_figure",
    "money_figure",
    "new_fabs_map_figure",
    "project_waterfalls_figure",
    "render_report",
    "shortfall_figure",
    "shortfall_probability_figure",
    "sobol_figure",
    "split_figure",
    "split_steps_figure",
    "stochastic_figure",
    "strategy_figure",
    "strategy_timeline_figure",
    "supply_demand_figure",
    "tools_figure",
    "tools_needed_figure",
    "tornado_figure",
    "write_report",
]

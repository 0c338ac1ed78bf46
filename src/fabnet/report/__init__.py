"""The HTML reports: the demand–supply gap, and a network plan with its gap, each one
self-contained file that works offline.

:func:`render_gap_report` and :func:`render_plan_report` return the document as text;
:func:`write_gap_report` and :func:`write_plan_report` write it. The figures are in
:mod:`fabnet.report.figures` (the gap) and :mod:`fabnet.report.plan_figures` (the plan), and the
plan's are re-exported here. Importing this package imports neither plotly nor pandas and reads
no file; the basemap and plotly.js are read when a report is rendered.

Examples
--------
>>> from fabnet.outlook import gap
>>> from fabnet.report import write_gap_report
>>> path = write_gap_report(gap("altman-2024"), "altman-2024-gap.html")  # doctest: +SKIP
>>> from fabnet.planning import plan
>>> from fabnet.report import write_plan_report
>>> result = plan("altman-2024")  # doctest: +SKIP
>>> path = write_plan_report(result, gap("altman-2024"), "plan.html")  # doctest: +SKIP
"""

from fabnet.report.html import render_gap_report, write_gap_report
from fabnet.report.plan_figures import (
    build_gantt_figure,
    capacity_demand_figure,
    compute_outcome_figure,
    money_figure,
    new_fabs_map_figure,
)
from fabnet.report.plan_html import render_plan_report, write_plan_report

__all__ = [
    "build_gantt_figure",
    "capacity_demand_figure",
    "compute_outcome_figure",
    "money_figure",
    "new_fabs_map_figure",
    "render_gap_report",
    "render_plan_report",
    "write_gap_report",
    "write_plan_report",
]

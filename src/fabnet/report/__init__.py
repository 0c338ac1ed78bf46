"""The HTML report of a demand–supply gap: one self-contained file that works offline.

:func:`render_gap_report` returns the document as text and :func:`write_gap_report` writes it.
The figures are in :mod:`fabnet.report.figures`. Importing this package imports neither plotly
nor pandas and reads no file; the basemap and plotly.js are read when a report is rendered.

Examples
--------
>>> from fabnet.outlook import gap
>>> from fabnet.report import write_gap_report
>>> path = write_gap_report(gap("altman-2024"), "altman-2024-gap.html")  # doctest: +SKIP
"""

from fabnet.report.html import render_gap_report, write_gap_report

__all__ = ["render_gap_report", "write_gap_report"]

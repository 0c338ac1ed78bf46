"""One money unit per report: every page shows its money in the unit of its meta line only.

The hand-made results of conftest.py are in the billions (the report's unit is $ B); the tiny
world's (the ``tiny_reports`` fixture) are whatever their magnitude makes them. A page is read
as a reader sees it: its text outside scripts, and the JSON of its figures (axis titles, hover
templates, labels), not the plotly.js bundle. The assumptions section is left out: it lists the
scenario's inputs by their names in the file, with their units and sources as written there
(``resources.N5.capex_musd_per_kwspm``, unit ``musd_per_kwspm``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from fabnet.report import finance_figures, render_report
from fabnet.report._money import BILLIONS, MILLIONS

DAY = dt.date(2026, 1, 2)

#: What shows money in another unit than a page's: musd (the results' own unit), the old
#: "M USD"/"B USD", and the other unit as a symbol, an amount or a hover template.
FOREIGN = {
    "$ B": (r"musd", r"[MB] USD", r"\$ M\b", r"\$[\d,.]+ M\b", r"\} M\b"),
    "$ M": (r"musd", r"[MB] USD", r"\$ B\b", r"\$[\d,.]+ B\b", r"\} B\b"),
}


def _unit(page: str) -> str:
    """The unit the page's meta line names."""
    found = re.findall(r"money in (\$ [BM]) \((?:billion|million) US dollars\)", page)
    assert len(found) == 1, found
    return found[0]


def _shown(page: str) -> str:
    """The page's text outside scripts and the assumptions section, and the JSON of each
    figure."""
    if "<section id='assumptions'>" in page:
        start = page.index("<section id='assumptions'>")
        page = page[:start] + page[page.index("</section>", start) :]
    figures = [
        page[m.start() : page.index("</script>", m.start())]
        for m in re.finditer(r"Plotly\.newPlot\(", page)
    ]
    return re.sub(r"<script\b.*?</script>", "", page, flags=re.S) + "".join(figures)


def _foreign(shown: str, unit: str) -> list[str]:
    """Each bit of ``shown`` in another unit than ``unit``, with its context."""
    return [
        shown[max(match.start() - 60, 0) : match.end() + 20]
        for pattern in FOREIGN[unit]
        for match in re.finditer(pattern, shown)
    ]


#: The fixture of each hand-made result, and those of what its report is given.
SMALL = {
    "plan": ("small_plan", {"outlook": "small_gap"}),
    "financials": ("small_financials", {"outlook": "small_gap"}),
    "comparison": ("small_comparison", {"outlook": "small_gap"}),
    "risk": ("small_risk", {"outlook": "small_gap", "stochastic": "small_stochastic"}),
}


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("kind", sorted(SMALL))
def test_each_report_has_one_money_unit(
    request: pytest.FixtureRequest, kind: str, full: bool
) -> None:
    name, given = SMALL[kind]
    result = request.getfixturevalue(name)
    others = {key: request.getfixturevalue(value) for key, value in given.items()}
    page = render_report(result, generated=DAY, full=full, **others)

    unit = _unit(page)
    shown = _shown(page)
    assert unit == "$ B"  # the hand-made money is in the billions
    assert _foreign(shown, unit) == []
    assert f"[{unit}" in shown  # headers and axes carry it
    assert "$%{y:,.2f} B" in shown or "$%{x:,.2f} B" in shown  # and the hovers


@pytest.mark.parametrize("kind", ["plan", "financials", "comparison", "risk"])
def test_each_real_report_has_one_money_unit(tiny_reports: dict[str, str], kind: str) -> None:
    page = tiny_reports[kind]

    unit = _unit(page)
    assert _foreign(_shown(page), unit) == []


def test_the_gap_report_has_no_money(small_gap: Any) -> None:
    page = render_report(small_gap, generated=DAY)

    assert "money in" not in page
    assert _foreign(_shown(page), "$ B") == []
    assert _foreign(_shown(page), "$ M") == []


def test_a_figure_in_another_unit_is_found(small_financials: Any) -> None:
    # The control: the check above finds a figure drawn in $ M on a page in $ B, and the
    # other way round.
    in_millions = finance_figures.capital_calls_figure(small_financials, money=MILLIONS)
    in_billions = finance_figures.capital_calls_figure(small_financials, money=BILLIONS)
    millions = _shown(f"<script>Plotly.newPlot({in_millions.to_json()})</script>")
    billions = _shown(f"<script>Plotly.newPlot({in_billions.to_json()})</script>")

    assert _foreign(millions, "$ B")
    assert _foreign(millions, "$ M") == []
    assert _foreign(billions, "$ M")
    assert _foreign(billions, "$ B") == []
    assert _foreign("NPV 1,250 musd", "$ B")

"""One report per result: :func:`render_report` and :func:`write_report`.

Every report is one page (:func:`fabnet.report._page.render_page`): the outlook of the result's
scenario (the gap report's sections, :mod:`fabnet.report.gap_html`), then the result's own
sections, then the assumptions and their sources. What the result adds depends on its type:

==========================  ==============================================================
result                      its sections (after the outlook's)
==========================  ==============================================================
``GapResult``               the outlook is the result; a short backcast section
                            (:mod:`~fabnet.report.backcast_html`) where the scenario can be
                            evaluated from the record's first year
``Backcast``                the backcast's (:mod:`~fabnet.report.backcast_html`), *before*
                            the outlook of the record's years
``Plan``                    the plan's (:mod:`~fabnet.report.plan_html`)
``Financials``              the plan's, then the money's (:mod:`~fabnet.report.finance_html`)
``Comparison``              the strategies', then the money of the strategy that builds
                            (:mod:`~fabnet.report.strategy_html`)
``RiskResult``              the plan's, the risk's (:mod:`~fabnet.report.risk_html`), and a
                            stochastic plan's (:mod:`~fabnet.report.stochastic_html`) if given
==========================  ==============================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from fabnet.exceptions import ParameterError

if TYPE_CHECKING:
    import datetime as dt

    from fabnet.finance import Comparison, Financials
    from fabnet.outlook import Backcast, GapResult
    from fabnet.planning import Plan, StochasticPlan
    from fabnet.report._page import Section
    from fabnet.risk import RiskResult
    from fabnet.scenario import Scenario

    #: What a report can be made of.
    Result: TypeAlias = GapResult | Backcast | Plan | Financials | Comparison | RiskResult

__all__ = ["render_report", "write_report"]

#: What a result is, in words (for the error on anything else).
_RESULTS = "a GapResult, Plan, Financials, Comparison, RiskResult or Backcast"


def render_report(
    result: Result,
    *,
    outlook: GapResult | None = None,
    stochastic: StochasticPlan | None = None,
    generated: dt.date | None = None,
) -> str:
    """The report of ``result`` as one self-contained HTML document that works offline.

    Parameters
    ----------
    result : GapResult, Backcast, Plan, Financials, Comparison or RiskResult
        What the report is about (the table in :mod:`fabnet.report._report` lists the sections
        of each).
    outlook : GapResult, optional
        The gap result of ``result``'s scenario, whose sections start the report. Default: the
        result itself for a ``GapResult``, the outlook of the record's years for a
        ``Backcast``; else :func:`fabnet.outlook.gap` of the result's
        scenario with the packaged catalog (pass it to use another catalog, or to not compute it
        twice).
    stochastic : StochasticPlan, optional
        A stochastic plan of the same scenario, shown after a ``RiskResult``'s sections.
    generated : datetime.date, optional
        Date shown as the generation date (default: today). Fix it for byte-identical output.

    Returns
    -------
    str
        The HTML document: title with the scenario name, fabnet version and date; the sections;
        plotly.js and the world basemap inlined once. It loads nothing from the network, and
        every string that comes from data is HTML-escaped.

    Raises
    ------
    ParameterError
        ``result`` is none of these types, ``outlook`` is given with a ``GapResult`` or a
        ``Backcast``, or ``stochastic`` with anything but a ``RiskResult``.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> html = render_report(gap("altman-2024"))
    >>> html.startswith("<!DOCTYPE html>"), html.count("window.PlotlyGeoAssets =")
    (True, 1)
    """
    from fabnet.report._page import render_page
    from fabnet.report.gap_html import gap_sections

    contents = _contents(result, outlook, stochastic)
    *outlooks, assumptions = gap_sections(contents.outlook)
    scenario = contents.scenario
    own = contents.sections
    return render_page(
        title=f"{contents.heading}: {scenario.name}",
        description=scenario.description,
        years=contents.outlook.years,
        units=contents.units,
        sections=[*own, *outlooks, assumptions]
        if contents.lead
        else [*outlooks, *own, assumptions],
        generated=generated,
    )


def write_report(
    result: Result,
    path: str | Path,
    *,
    outlook: GapResult | None = None,
    stochastic: StochasticPlan | None = None,
    generated: dt.date | None = None,
) -> Path:
    """Write the report of ``result`` (:func:`render_report`) to ``path`` (UTF-8).

    The folder is created where missing; an existing file is replaced at once, never left half
    written (:func:`fabnet.outputs.write_atomic`: a temporary file beside it, then a rename).

    Parameters
    ----------
    result, outlook, stochastic, generated
        As for :func:`render_report`.
    path : str or Path
        The HTML file to write.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> from fabnet.planning import plan
    >>> path = write_report(plan("altman-2024"), "plan.html")  # doctest: +SKIP
    """
    from fabnet.outputs import write_atomic

    html = render_report(result, outlook=outlook, stochastic=stochastic, generated=generated)
    return write_atomic(path, html)


class _Contents(NamedTuple):
    """What a result's page holds besides the outlook's sections."""

    heading: str  # the title, before the scenario's name
    scenario: Scenario
    units: str
    outlook: GapResult
    sections: list[Section]
    lead: bool = False  # its own sections before the outlook's


def _contents(
    result: Result, given: GapResult | None, stochastic: StochasticPlan | None
) -> _Contents:
    """The page of ``result``: its title, scenario, units, outlook (``given``, else computed)
    and own sections."""
    from fabnet.finance import Comparison, Financials
    from fabnet.outlook import Backcast, GapResult, gap
    from fabnet.planning import Plan
    from fabnet.report.backcast_html import backcast_sections
    from fabnet.report.finance_html import finance_sections
    from fabnet.report.gap_html import UNITS
    from fabnet.report.plan_html import PLAN_UNITS, plan_sections
    from fabnet.report.risk_html import risk_sections
    from fabnet.report.stochastic_html import stochastic_sections
    from fabnet.report.strategy_html import strategy_sections
    from fabnet.risk import RiskResult

    def outlook_of(scenario: Scenario) -> GapResult:
        return gap(scenario) if given is None else given

    if stochastic is not None and not isinstance(result, RiskResult):
        raise ParameterError("stochastic", "None unless the result is a RiskResult", stochastic)
    match result:
        case GapResult():
            if given is not None and given is not result:
                raise ParameterError("outlook", "None for a GapResult (its own outlook)", given)
            sections = _backcast_summary(result.scenario)
            return _Contents("Demand–supply gap", result.scenario, UNITS, result, sections)
        case Backcast():
            if given is not None and given is not result.outlook:
                raise ParameterError("outlook", "None for a Backcast (its own outlook)", given)
            sections = backcast_sections(result)
            return _Contents("Backcast", result.scenario, UNITS, result.outlook, sections, True)
        case Plan():
            scenario = result.scenario
            outlook = outlook_of(scenario)
            sections = plan_sections(result, outlook)
            return _Contents("Network plan", scenario, PLAN_UNITS, outlook, sections)
        case Financials():
            scenario = result.plan.scenario
            outlook = outlook_of(scenario)
            sections = [*plan_sections(result.plan, outlook), *finance_sections(result)]
            return _Contents(
                "Network plan and its financials", scenario, PLAN_UNITS, outlook, sections
            )
        case Comparison():
            scenario = result.scenario
            sections = strategy_sections(result)
            return _Contents(
                "Strategies compared", scenario, PLAN_UNITS, outlook_of(scenario), sections
            )
        case RiskResult():
            scenario = result.plan.scenario
            outlook = outlook_of(scenario)
            sections = [*plan_sections(result.plan, outlook), *risk_sections(result)]
            if stochastic is not None:
                sections += stochastic_sections(stochastic)
            return _Contents("Network plan and its risk", scenario, PLAN_UNITS, outlook, sections)
    raise ParameterError("result", _RESULTS, type(result).__name__)


def _backcast_summary(scenario: Scenario) -> list[Section]:
    """The gap report's backcast section, where ``scenario`` can be evaluated from the record's
    first year (none where it cannot); the record and the catalog are the packaged ones."""
    from fabnet.outlook import backcast
    from fabnet.report.backcast_html import backcast_summary

    try:
        result = backcast(scenario)
    except ParameterError:
        return []
    return [backcast_summary(result)]

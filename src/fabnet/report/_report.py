"""One report per result: :func:`render_report` and :func:`write_report`.

Every report is one page (:func:`fabnet.report._page.render_page`) of the result's own sections,
with a short summary of the chain above it (the steps the result was made from) before them and
the assumptions and their sources after them. With ``full=True`` the summary makes way for the
whole chain: every section of every step above, then the result's own. What a result adds
depends on its type:

==========================  ===================  ==================================================
result                      chain above it       its own sections
==========================  ===================  ==================================================
``GapResult``               none                 the outlook (:mod:`~fabnet.report.gap_html`) and a
                                                 short backcast section
                                                 (:mod:`~fabnet.report.backcast_html`) where the
                                                 scenario can be evaluated from the record's first
                                                 year
``Backcast``                the outlook of the   the backcast's
                            record's years       (:mod:`~fabnet.report.backcast_html`)
``Plan``                    the outlook          the plan's (:mod:`~fabnet.report.plan_html`)
``Financials``              the outlook, the     the money's (:mod:`~fabnet.report.finance_html`)
                            plan
``Comparison``              the outlook          the strategies', then the money of the strategy
                                                 that builds (:mod:`~fabnet.report.strategy_html`)
``RiskResult``              the outlook, the     the risk's (:mod:`~fabnet.report.risk_html`), and a
                            plan                 stochastic plan's
                                                 (:mod:`~fabnet.report.stochastic_html`) if given
``ToolPlan``                none                 the tool plan's (:mod:`~fabnet.report.fab_html`)
``Capacity``                none                 static capacity's
                                                 (:mod:`~fabnet.report.fab_html`)
==========================  ===================  ==================================================

A fab result (``ToolPlan``, ``Capacity``, :mod:`fabnet.fab`) is about a fab file, not a
scenario: its page is its own sections and then the fab file's tool types, fabs and routes with
their sources, instead of the scenario's assumptions; ``full`` changes nothing.

A report shows its money in one unit (:mod:`fabnet.report._money`), chosen by the magnitude of
the result's figures: every axis, table, key figure and hover of the page uses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeAlias, TypeGuard

from fabnet.exceptions import ParameterError

if TYPE_CHECKING:
    import datetime as dt

    from fabnet.fab.capacity import Capacity
    from fabnet.fab.toolplan import ToolPlan
    from fabnet.finance import Comparison, Financials
    from fabnet.outlook import Backcast, GapResult
    from fabnet.planning import Plan, StochasticPlan
    from fabnet.report._money import Money
    from fabnet.report._page import Block, Section
    from fabnet.risk import RiskResult
    from fabnet.scenario import Scenario

    #: What a report can be made of.
    Result: TypeAlias = (
        GapResult | Backcast | Plan | Financials | Comparison | RiskResult | ToolPlan | Capacity
    )

__all__ = ["CHAIN", "money_of", "render_report", "write_report"]

#: What a result is, in words (for the error on anything else).
_RESULTS = "a GapResult, Plan, Financials, Comparison, RiskResult, Backcast, ToolPlan or Capacity"

#: The section that sums up the chain above a result (without ``full``).
CHAIN = ("chain", "Summary of the chain above")


def render_report(
    result: Result,
    *,
    outlook: GapResult | None = None,
    stochastic: StochasticPlan | None = None,
    generated: dt.date | None = None,
    full: bool = False,
) -> str:
    """The report of ``result`` as one self-contained HTML document that works offline.

    Parameters
    ----------
    result : GapResult, Backcast, Plan, Financials, Comparison, RiskResult, ToolPlan or Capacity
        What the report is about (the table in :mod:`fabnet.report._report` lists the chain
        above each and its own sections).
    outlook : GapResult, optional
        The gap result of ``result``'s scenario, the first step of its chain. Default: the
        result itself for a ``GapResult``, the outlook of the record's years for a
        ``Backcast``, none for a fab result (``ToolPlan``, ``Capacity``); else
        :func:`fabnet.outlook.gap` of the result's scenario with the packaged catalog (pass it
        to use another catalog, or to not compute it twice).
    stochastic : StochasticPlan, optional
        A stochastic plan of the same scenario, shown after a ``RiskResult``'s sections.
    generated : datetime.date, optional
        Date shown as the generation date (default: today). Fix it for byte-identical output.
    full : bool
        Show every section of the chain above the result (the outlook's, the plan's) before its
        own, instead of a short summary of it. A ``GapResult`` has no chain: its report is the
        same either way.

    Returns
    -------
    str
        The HTML document: title with the scenario's (or fab file's) name, fabnet version and
        date; the sections;
        plotly.js and the world basemap inlined once. It loads nothing from the network, and
        every string that comes from data is HTML-escaped. Money is in one unit throughout
        (:func:`money_of`).

    Raises
    ------
    ParameterError
        ``result`` is none of these types, ``outlook`` is given with a ``GapResult``, a
        ``Backcast`` or a fab result, or ``stochastic`` with anything but a ``RiskResult``.
    MissingExtraError
        If plotly or jinja2 is not installed (``pip install 'fabnet[report]'``).

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> html = render_report(gap("altman-2024"))
    >>> html.startswith("<!DOCTYPE html>"), html.count("window.PlotlyGeoAssets =")
    (True, 1)
    """
    from fabnet._extras import require
    from fabnet.report._page import render_page

    require("report", "an HTML report")  # plotly and jinja2: said before any figure is drawn

    contents = _fab_page(result, outlook, stochastic)
    if contents is None:
        contents = _contents(result, outlook, stochastic, full)
    money = contents.money
    units = contents.units
    units = units if money is None else f"{units}, money in {money.symbol} ({money.words})"
    return render_page(
        title=f"{contents.heading}: {contents.name}",
        description=contents.description,
        years=contents.years,
        units=units,
        sections=contents.sections,
        generated=generated,
    )


def write_report(
    result: Result,
    path: str | Path,
    *,
    outlook: GapResult | None = None,
    stochastic: StochasticPlan | None = None,
    generated: dt.date | None = None,
    full: bool = False,
) -> Path:
    """Write the report of ``result`` (:func:`render_report`) to ``path`` (UTF-8).

    The folder is created where missing; an existing file is replaced at once, never left half
    written (:func:`fabnet.outputs.write_atomic`: a temporary file beside it, then a rename).

    Parameters
    ----------
    result, outlook, stochastic, generated, full
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

    html = render_report(
        result, outlook=outlook, stochastic=stochastic, generated=generated, full=full
    )
    return write_atomic(path, html)


def money_of(result: Result, stochastic: StochasticPlan | None = None) -> Money | None:
    """The money unit of ``result``'s report (:func:`fabnet.report._money.money_unit`) from its
    headline amounts [musd]; None for a result without money (a gap, a backcast).

    The amounts: a plan's capex and the NPV of its cost; a financials' capex, revenue and
    capital called as well; a comparison's costs, objectives and peak capital; a risk's cost
    measures and its stochastic plan's objectives; a tool plan's cost per scenario (undiscounted
    and discounted), its capex, objective, expected cost and EEV. Static capacity (``Capacity``)
    has no money.
    """
    from fabnet.report._money import money_unit

    if _is_fab(result):
        return _toolplan_money(result)

    from fabnet.finance import Comparison, Financials
    from fabnet.planning import Plan
    from fabnet.risk import RiskResult

    match result:
        case Plan():
            return money_unit(_plan_amounts(result))
        case Financials():
            totals = result.by_year().sum()
            more = [totals.get(k, 0.0) for k in ("capex_musd", "revenue_musd")]
            return money_unit([*_plan_amounts(result.plan), *more])
        case Comparison():
            table = result.table
            columns = ("npv_cost_musd", "npv_objective_musd", "peak_capital_musd")
            return money_unit(
                value for column in columns if column in table for value in table[column]
            )
        case RiskResult():
            measures = result.measures
            cost = [
                value
                for output in ("npv_objective_musd", "npv_cost_musd")
                if output in measures.index
                for value in measures.loc[output, ["mean", "var", "cvar"]]
            ]
            extra = [] if stochastic is None else [stochastic.rp, stochastic.eev, stochastic.ws]
            return money_unit([*_plan_amounts(result.plan), *cost, *extra])
    return None


def _plan_amounts(plan: Plan) -> list[float]:
    """A plan's headline amounts [musd]: its capex and the NPV of its money cost."""
    amounts = [float(plan.builds["capex_musd"].sum())] if "capex_musd" in plan.builds else []
    if not plan.costs.empty:
        amounts.append(plan.cost_npv()["cost"])
    return amounts


class _Contents(NamedTuple):
    """What a result's page holds."""

    heading: str  # the title, before the name
    name: str  # the scenario's or the fab file's
    description: str | None
    years: list[int]  # the years the page spans
    units: str  # the units named under the title, before the money's
    money: Money | None
    sections: list[Section]


def _is_fab(result: object) -> TypeGuard[ToolPlan | Capacity]:
    """Whether ``result`` is a fab result (``ToolPlan``, ``Capacity``)."""
    from fabnet.fab.capacity import Capacity
    from fabnet.fab.toolplan import ToolPlan

    return isinstance(result, ToolPlan | Capacity)


def _toolplan_money(result: ToolPlan | Capacity) -> Money | None:
    """The money unit of a tool plan's report; None for static capacity."""
    from fabnet.fab.toolplan import ToolPlan
    from fabnet.report._money import money_unit

    if not isinstance(result, ToolPlan):
        return None
    costs = result.costs
    amounts: list[object] = [float(result.tools["capex_musd"].sum())]
    for column in ("musd", "npv_musd"):
        amounts += list(costs.groupby("scenario")[column].sum())
    amounts += [result.stats.get(key) for key in ("objective", "expected_cost_musd", "eev_musd")]
    return money_unit(amounts)


def _fab_page(
    result: Result, given: GapResult | None, stochastic: StochasticPlan | None
) -> _Contents | None:
    """The page of a fab result (its sections, then the fab file's sources); None for any other
    result."""
    if not _is_fab(result):
        return None
    from fabnet.fab.toolplan import ToolPlan
    from fabnet.report.fab_html import FAB_UNITS, capacity_sections, toolplan_sections

    what = type(result).__name__
    if given is not None:
        raise ParameterError("outlook", f"None for a {what} (it has no outlook)", given)
    if stochastic is not None:
        raise ParameterError("stochastic", "None unless the result is a RiskResult", stochastic)
    spec = result.spec
    money = money_of(result)
    if isinstance(result, ToolPlan):
        heading, sections = "Tool plan", toolplan_sections(result, money)
    else:
        heading, sections = "Static capacity", capacity_sections(result)
    periods = spec.periods.labels
    years = sorted({int(period[:4]) for period in periods})
    units = (
        f"periods {periods[0]}–{periods[-1]} (quarters of {spec.periods.weeks:g} weeks), "
        f"{FAB_UNITS}"
    )
    return _Contents(heading, spec.name, spec.description, years, units, money, sections)


def _contents(
    result: Result, given: GapResult | None, stochastic: StochasticPlan | None, full: bool
) -> _Contents:
    """The page of ``result``: its title, scenario, outlook (``given``, else computed), money
    unit and sections, the chain above it in full or summed up."""
    from fabnet.finance import Financials
    from fabnet.outlook import Backcast, GapResult
    from fabnet.risk import RiskResult

    if stochastic is not None and not isinstance(result, RiskResult):
        raise ParameterError("stochastic", "None unless the result is a RiskResult", stochastic)
    if isinstance(result, GapResult | Backcast):
        own_outlook = result if isinstance(result, GapResult) else result.outlook
        if given is not None and given is not own_outlook:
            what = type(result).__name__
            raise ParameterError("outlook", f"None for a {what} (its own outlook)", given)
    if isinstance(result, GapResult):
        return _gap_page(result)
    if isinstance(result, Backcast) and full:
        return _backcast_page(result)
    money = money_of(result, stochastic)
    heading, outlook, own, plan = _step(result, given, stochastic, money)
    if full:
        from fabnet.report.gap_html import gap_sections
        from fabnet.report.plan_html import plan_sections

        chain = gap_sections(outlook)[:-1]
        if plan is not None:
            # The finance sections' capital calls are the plan's funding by investor.
            skip = {"plan-funding"} if isinstance(result, Financials) else set()
            chain += [s for s in plan_sections(plan, outlook, money) if s.id not in skip]
    else:
        chain = [chain_summary(outlook, plan, money, own)]
    from fabnet.report.gap_html import assumptions_section

    sections = [*chain, *own, assumptions_section(outlook)]
    return _outlook_contents(heading, outlook, money, sections)


def _outlook_contents(
    heading: str, outlook: GapResult, money: Money | None, sections: list[Section]
) -> _Contents:
    """The page of a result of a scenario: named after it, over the outlook's years."""
    from fabnet.report.gap_html import UNITS

    scenario = outlook.scenario
    years = [int(year) for year in outlook.years]
    return _Contents(heading, scenario.name, scenario.description, years, UNITS, money, sections)


def _gap_page(result: GapResult) -> _Contents:
    """The gap report: the outlook, the backcast of its scenario, the assumptions."""
    from fabnet.report.gap_html import gap_sections

    *outlooks, assumptions = gap_sections(result)
    sections = [*outlooks, *_backcast_summary(result.scenario), assumptions]
    return _outlook_contents("Demand–supply gap", result, None, sections)


def _backcast_page(result: Backcast) -> _Contents:
    """The full backcast report: its own sections before its outlook's, then the assumptions."""
    from fabnet.report.backcast_html import backcast_sections
    from fabnet.report.gap_html import gap_sections

    *outlooks, assumptions = gap_sections(result.outlook)
    sections = [*backcast_sections(result), *outlooks, assumptions]
    return _outlook_contents("Backcast", result.outlook, None, sections)


def _step(
    result: Result, given: GapResult | None, stochastic: StochasticPlan | None, money: Money | None
) -> tuple[str, GapResult, list[Section], Plan | None]:
    """A result after the outlook in the chain: its heading, its outlook (``given``, else
    computed), its own sections and its plan where the plan is a step of its chain."""
    from fabnet.finance import Comparison, Financials
    from fabnet.outlook import Backcast, gap
    from fabnet.planning import Plan
    from fabnet.report.backcast_html import backcast_sections
    from fabnet.report.finance_html import finance_sections
    from fabnet.report.plan_html import plan_sections
    from fabnet.report.risk_html import risk_sections
    from fabnet.report.stochastic_html import stochastic_sections
    from fabnet.report.strategy_html import strategy_sections
    from fabnet.risk import RiskResult

    def outlook_of(scenario: Scenario) -> GapResult:
        return gap(scenario) if given is None else given

    match result:
        case Backcast():
            return "Backcast", result.outlook, backcast_sections(result), None
        case Plan():
            outlook = outlook_of(result.scenario)
            return "Network plan", outlook, plan_sections(result, outlook, money), None
        case Financials():
            own = finance_sections(result, money)
            heading = "Financials of the network plan"
            return heading, outlook_of(result.plan.scenario), own, result.plan
        case Comparison():
            own = strategy_sections(result, money)
            return "Strategies compared", outlook_of(result.scenario), own, None
        case RiskResult():
            own = risk_sections(result, money)
            if stochastic is not None:
                own += stochastic_sections(stochastic, money)
            heading = "Risk of the network plan"
            return heading, outlook_of(result.plan.scenario), own, result.plan
    raise ParameterError("result", _RESULTS, type(result).__name__)


def chain_summary(
    outlook: GapResult, plan: Plan | None, money: Money | None, own: list[Section]
) -> Section:
    """The section that sums up the chain above a result: the outlook's key figures (and the
    plan's, when ``plan`` is a step of it), with links to the result's ``own`` sections."""
    from fabnet.report._markup import code, link, strong
    from fabnet.report._money import MILLIONS
    from fabnet.report._page import Section, Text
    from fabnet.report.gap_html import gap_summary
    from fabnet.report.plan_html import plan_summary

    steps = "the outlook" if plan is None else "the outlook and the plan"
    blocks: list[Block] = [
        Text(
            f"Above this result in the chain: {steps} of the scenario, summed up here. Their "
            f"sections in full: {code('--full')} on the command line, {code('full=True')} in "
            f"Python. This report's own sections: {', '.join(link(s.id, s.title) for s in own)}."
        ),
        Text(f"{strong('Outlook')}: the demand–supply gap ({code('fabnet gap')}).", note=False),
        *gap_summary(outlook),
    ]
    if plan is not None:
        blocks += [
            Text(f"{strong('Plan')}: the network plan ({code('fabnet plan')}).", note=False),
            plan_summary(plan, money or MILLIONS),
        ]
    return Section(*CHAIN).holding(blocks)


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

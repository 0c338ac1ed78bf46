"""The risk report: the plan report (:mod:`fabnet.report.plan_html`) with the plan's risk after
it, and a stochastic plan's value where there is one, in one offline HTML file.

The risk sections are key figures, the fan charts of the compute delivered and unserved, the
probability of a shortfall per year, the VaR and CVaR of every output, the tornado and the
Sobol' indices of the cost, and the investors' values; a stochastic plan adds the value of the
stochastic solution and of perfect information, its cost per world and its first-stage starts.
The page is one of :func:`fabnet.report._page.render_page` (the basemap and plotly.js inlined
once, nothing loaded from the network); every string that comes from data is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fabnet.report._format import as_float, compact, is_missing, label, number, percent
from fabnet.report._page import (
    Section,
    figure_html,
    html_table,
    write_text,
)
from fabnet.report.finance_html import _usd
from fabnet.report.html import gap_page
from fabnet.report.plan_html import PLAN_UNITS, plan_sections
from fabnet.report.risk_figures import (
    amount,
    fan_chart_figure,
    investor_value_figure,
    output_name,
    risk_years,
    sample_count,
    share,
    shortfall_probability_figure,
    sobol_figure,
    stochastic_figure,
    tornado_figure,
)

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from fabnet.report._types import GapLike, RiskLike, StochasticLike

__all__ = [
    "RISK_SECTIONS",
    "STOCHASTIC_SECTIONS",
    "render_risk_report",
    "risk_sections",
    "write_risk_report",
]

#: The risk's sections, in order.
RISK_SECTIONS: tuple[Section, ...] = (
    Section("risk-key-figures", "Risk: key figures"),
    Section("risk-fan", "Risk: compute delivered and unserved across the samples"),
    Section("risk-shortfall", "Risk: probability of a shortfall"),
    Section("risk-measures", "Risk: VaR and CVaR"),
    Section("risk-tornado", "Risk: what moves the cost (tornado)"),
    Section("risk-sobol", "Risk: Sobol' indices"),
    Section("risk-investors", "Risk: investor value"),
)

#: The stochastic plan's sections, in order (only when there is one).
STOCHASTIC_SECTIONS: tuple[Section, ...] = (
    Section("stochastic-value", "Stochastic plan: the value of planning for the spread"),
    Section("stochastic-worlds", "Stochastic plan: cost and unserved compute per world"),
    Section("stochastic-first-stage", "Stochastic plan: first-stage starts"),
)

#: Sampling methods in words.
METHODS: dict[str, str] = {
    "mc": "Monte Carlo",
    "lhs": "Latin hypercube",
    "sobol": "scrambled Sobol' points",
}


def render_risk_report(
    risk: RiskLike,
    gap: GapLike,
    *,
    stochastic: StochasticLike | None = None,
    generated: dt.date | None = None,
) -> str:
    """The report of a plan's risk, the plan and the gap of its scenario, as one offline page.

    Parameters
    ----------
    risk : RiskLike
        A :class:`fabnet.risk.analysis.RiskResult`, or any object with its attributes
        (:class:`~fabnet.report._types.RiskLike`); its ``plan`` is shown too.
    gap : GapLike
        The :class:`fabnet.outlook.GapResult` of the same scenario.
    stochastic : StochasticLike, optional
        A :class:`fabnet.risk.stochastic.StochasticPlan` of the same scenario, or any object
        with its attributes (:class:`~fabnet.report._types.StochasticLike`); its sections
        (:data:`STOCHASTIC_SECTIONS`) come after the risk's.
    generated : datetime.date, optional
        Date shown as the generation date (default: today). Fix it for byte-identical output.

    Returns
    -------
    str
        The HTML document: the sections of the plan report
        (:func:`~fabnet.report.plan_html.render_plan_report`) without the assumptions, then the
        risk's (:data:`RISK_SECTIONS`: key figures, the fan charts, the probability of a
        shortfall, VaR and CVaR, the tornado, the Sobol' indices, the investors' values), then
        the stochastic plan's, then the assumptions. plotly.js and the basemap are inlined once.

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.outlook import gap
    >>> from fabnet.risk.analysis import analyse
    >>> risk = analyse(fabnet.plan("altman-2024", shadow_prices=False), samples=256, seed=1)
    >>> html = render_risk_report(risk, gap("altman-2024"))
    >>> html.count("Plotly.newPlot("), "Sobol' indices were not computed" in html
    (12, True)
    """
    plan = risk.plan
    return gap_page(
        f"Network plan and its risk: {label(plan.scenario.name)}",
        gap,
        [*plan_sections(plan, gap), *risk_sections(risk, stochastic)],
        scenario=plan.scenario,
        units=PLAN_UNITS,
        generated=generated,
    )


def write_risk_report(
    risk: RiskLike,
    gap: GapLike,
    path: str | Path,
    *,
    stochastic: StochasticLike | None = None,
    generated: dt.date | None = None,
) -> Path:
    """Write the report of ``risk`` and ``gap`` to ``path`` (UTF-8), creating its folder.

    Parameters
    ----------
    risk : RiskLike
        A :class:`fabnet.risk.analysis.RiskResult` or an object with its attributes.
    gap : GapLike
        The :class:`fabnet.outlook.GapResult` of the same scenario.
    path : str or Path
        The HTML file to write; an existing file is replaced.
    stochastic : StochasticLike, optional
        A :class:`fabnet.risk.stochastic.StochasticPlan` of the same scenario.
    generated : datetime.date, optional
        Date shown as the generation date (default: today).

    Returns
    -------
    Path
        ``path``.
    """
    html = render_risk_report(risk, gap, stochastic=stochastic, generated=generated)
    return write_text(html, path)


def risk_sections(
    risk: RiskLike, stochastic: StochasticLike | None = None
) -> list[tuple[Section, str]]:
    """The risk's sections (:data:`RISK_SECTIONS`) with their bodies (HTML), then the stochastic
    plan's (:data:`STOCHASTIC_SECTIONS`) when ``stochastic`` is given."""
    body = {
        "risk-key-figures": _key_figures(risk),
        "risk-fan": (
            "<p class='note'>The plan is fixed: every sample of the uncertain inputs changes "
            "the compute wanted and what the plan's fabs can deliver, not the plan. The bands "
            "hold the middle 90 % and 50 % of the samples in each year.</p>"
            + figure_html(fan_chart_figure(risk), "fig-risk-fan")
        ),
        "risk-shortfall": (
            "<p class='note'>A year is short when more than "
            f"{share(risk.threshold)} of the compute wanted in it goes unserved. The whiskers "
            "are the 95 % Wilson score interval of the share of samples, an interval that "
            "stays within 0 and 1 even when no or every sample is short.</p>"
            + figure_html(shortfall_probability_figure(risk), "fig-risk-shortfall")
        ),
        "risk-measures": _measures_table(risk),
        "risk-tornado": (
            "<p class='note'>Each input moved alone from its low to its high value (the 10th "
            "and 90th percentiles of its distribution), the others at their base values (the "
            "median) and no disruption; the biggest swing is on top.</p>"
            + figure_html(tornado_figure(risk), "fig-risk-tornado")
        ),
        "risk-sobol": _sobol(risk),
        "risk-investors": (
            "<p class='note'>Each investor's NPV at its hurdle rate, over all its projects, "
            "across the samples.</p>"
            + figure_html(investor_value_figure(risk), "fig-risk-investors")
        ),
    }
    sections = [(section, body[section.id]) for section in RISK_SECTIONS]
    if stochastic is None:
        return sections
    more = {
        "stochastic-value": _value_table(stochastic),
        "stochastic-worlds": (
            "<p class='note'>Every world is one sample of the uncertain inputs; the stochastic "
            "plan shares its first-stage starts across the worlds and adapts the rest to each.</p>"
            + figure_html(stochastic_figure(stochastic), "fig-stochastic")
        ),
        "stochastic-first-stage": _first_stage_table(stochastic.first_stage, risk),
    }
    return sections + [(section, more[section.id]) for section in STOCHASTIC_SECTIONS]


def _key_figures(risk: RiskLike) -> str:
    """Headline numbers of the risk and how its samples were drawn."""
    table = risk.by_year.sort_index()
    years = risk_years(risk)
    samples = risk.samples
    method = str(samples.method)
    cards = [
        ("Samples", number(sample_count(risk))),
        ("Sampling", f"{METHODS.get(method, label(method))}, seed {label(samples.seed)}"),
        ("Shortfall threshold", f"{share(risk.threshold)} of a year's compute unserved"),
        ("Confidence level of VaR and CVaR", share(risk.alpha)),
    ]
    table = table.set_axis(years, axis=0)
    if 2030 in years and years[-1] != 2030:
        cards.append(("P(shortfall) in 2030", _shortfall(table, 2030)))
    if years:
        cards.append((f"P(shortfall) in {years[-1]}", _shortfall(table, years[-1])))
        unserved = float(table["expected_unserved_h100e"].sum())
        wanted = float(table["expected_wanted_h100e"].sum())
        of = f" ({unserved / wanted:.0%} of wanted)" if wanted > 0 else ""
        cards.append(
            (f"Expected unserved compute {years[0]}–{years[-1]}", f"{compact(unserved)} H100e{of}")
        )
    measures = risk.measures
    if "npv_cost_musd" in measures.index:
        cost = measures.loc["npv_cost_musd"]
        a = share(risk.alpha)
        cards += [
            ("Expected cost (NPV)", _money(cost["mean"])),
            (f"VaR {a} of the cost (NPV)", _money(cost["var"])),
            (f"CVaR {a} of the cost (NPV)", _money(cost["cvar"])),
        ]
    dl = "".join(f"<div><dt>{term}</dt><dd>{value}</dd></div>" for term, value in cards)
    inputs = _names(samples.values.columns)  # noqa: PD011 - a DataFrame
    events = _names(samples.events.keys())
    sampled = f"Inputs sampled: {inputs or 'none'}; disruption events: {events or 'none'}."
    return (
        f"<dl class='keys'>{dl}</dl>\n"
        "<p class='note'>P(shortfall): the share of the samples in which more than the threshold "
        "of that year's compute wanted goes unserved, with its 95 % Wilson interval. The cost "
        "is the planner's, discounted: capex, opex, wafers and options, the penalty on unserved "
        f"compute, less the terminal value. {sampled}</p>"
    )


def _names(names: Iterable[object]) -> str:
    """Names, escaped, joined by commas."""
    return ", ".join(label(name) for name in names)


def _shortfall(table: pd.DataFrame, year: int) -> str:
    """The probability of a shortfall in ``year`` with its interval: ``36% (33–38%)``."""
    p, low, high = (
        percent(table.loc[year, column])
        for column in ("p_shortfall", "p_shortfall_low", "p_shortfall_high")
    )
    return f"{p} ({low.removesuffix('%')}–{high})"


def _money(musd: object) -> str:
    """An amount of musd in US dollars, in k/M/B/T; an em dash when missing."""
    value = as_float(musd)
    return "—" if value is None else _usd(value)


def _measures_table(risk: RiskLike) -> str:
    """Per output: mean, percentiles, VaR and CVaR; the costs, then the values."""
    measures = risk.measures
    if measures.empty:
        return "<p class='note'>No outputs were measured.</p>"
    a = share(risk.alpha)
    headers = [
        ("Output", False),
        ("Unit", False),
        ("Tail", False),
        ("Mean", True),
        ("5th percentile", True),
        ("Median", True),
        ("95th percentile", True),
        (f"VaR {a}", True),
        (f"CVaR {a}", True),
    ]
    groups = []
    for kind, tail in (("cost", "high"), ("value", "low")):
        rows = measures[measures["kind"].astype(str) == kind]
        body = []
        for output, row in rows.iterrows():
            name, unit = output_name(output)
            cells = [name, unit, tail]
            cells += [amount(row[c], unit) for c in ("mean", "p5", "p50", "p95", "var", "cvar")]
            body.append((cells, ""))
        if body:
            groups.append(body)
    tail = share(1.0 - risk.alpha)
    caption = (
        f"Across the {number(sample_count(risk))} samples. For a cost (the NPV of cost, the "
        f"unserved compute summed over the years) the tail is the high side: VaR {a} is the "
        f"{a} quantile, exceeded in {tail} of the samples, and CVaR {a} the mean of that worst "
        f"{tail}. For an investor's NPV (at its hurdle rate) the tail is the low side, in the "
        f"NPV's own sign: VaR {a} is the {tail} quantile and CVaR {a} the mean below it. Money "
        "in musd (million US dollars), discounted; compute in H100e."
    )
    return html_table(headers, groups, caption, title="VaR and CVaR")


def _sobol(risk: RiskLike) -> str:
    """The Sobol' figure and table, or a note that they were not computed."""
    if risk.sobol is None:
        return (
            "<p class='note'>Sobol' indices were not computed for this analysis (run it with "
            "<code>sobol_samples</code>, a power of 2, to compute them).</p>"
        )
    table = risk.sobol.sort_values("total", ascending=False, kind="stable")
    headers = [("Input", False), ("First order", True), ("Total", True)]
    rows = [
        ([label(row.input), _index(row.first_order), _index(row.total)], "")
        for row in table.itertuples(index=False)
    ]
    caption = (
        "Sobol' indices of the NPV of cost (Saltelli's estimators): the share of its variance "
        "each input explains alone (first order) and with all its interactions (total), the "
        "disruption events off. They are estimates: a value a little below 0 or above 1 is noise."
    )
    return figure_html(sobol_figure(risk), "fig-risk-sobol") + html_table(
        headers, [rows], caption, title="Sobol' indices"
    )


#: The rows of the value table: (name, attribute, explanation).
_VALUES: tuple[tuple[str, str, str], ...] = (
    (
        "RP",
        "rp",
        "Recourse problem: the stochastic plan's objective (mean cost over the worlds + "
        "λ·CVaR), its first-stage starts shared by every world.",
    ),
    (
        "EEV",
        "eev",
        "Expected result of the expected-value plan: the first-stage starts of the plan for the "
        "mean world, fixed in every world, the rest re-planned.",
    ),
    (
        "WS",
        "ws",
        "Wait and see: every world planned alone, knowing it will come (perfect information).",
    ),
    (
        "VSS = EEV − RP",
        "vss",
        "Value of the stochastic solution: what planning for the spread saves over planning "
        "for the mean world.",
    ),
    (
        "EVPI = RP − WS",
        "evpi",
        "Expected value of perfect information: what knowing the future in advance would save.",
    ),
)


def _index(value: object) -> str:
    """A Sobol' index with three decimals, without a minus sign on a rounded zero."""
    numeric = as_float(value)
    return "—" if numeric is None else number(round(numeric, 3) + 0.0, 3)


def _value_table(stochastic: StochasticLike) -> str:
    """Key figures of the stochastic plan, then RP, EEV, WS, VSS and EVPI explained."""
    by = stochastic.by_scenario
    first = stochastic.first_stage
    stats = stochastic.stats
    cards = [
        ("Worlds", number(len(by))),
        ("Expected cost", f"{number(stochastic.expected_cost_musd)} musd"),
        ("CVaR of cost", f"{number(stochastic.cvar_musd)} musd"),
        ("First-stage modules", number(first["modules"].sum() if len(first) else 0)),
    ]
    dl = "".join(f"<div><dt>{term}</dt><dd>{value}</dd></div>" for term, value in cards)
    headers = [("Measure", False), ("Value [musd]", True), ("What it is", False)]
    rows = [
        ([name, number(getattr(stochastic, attribute)), explanation], "")
        for name, attribute, explanation in _VALUES
    ]
    caption = (
        "Objectives of the planner, discounted [musd]: lower is better. VSS and EVPI are ≥ 0 up "
        "to the solvers' gaps; ∞: some world cannot carry the expected-value plan's starts; —: "
        "a solve found no solution."
    )
    table = html_table(headers, [rows[:3], rows[3:]], caption, title="Value of the solution")
    notes = stats.get("notes") or []
    if isinstance(notes, str):
        notes = [notes]
    lines = "".join(f"<p class='note'>Note: {label(note)}.</p>" for note in notes)
    settings = [
        f"{name} {label(stats.get(key))}"
        for name, key in (("CVaR weight λ", "cvar_weight"), ("α", "alpha"))
        if not is_missing(stats.get(key))
    ]
    setting = f"<p class='note'>Settings: {', '.join(settings)}.</p>" if settings else ""
    return f"<dl class='keys'>{dl}</dl>\n{table}\n{setting}{lines}"


def _first_stage_table(first: pd.DataFrame, risk: RiskLike) -> str:
    """The first-stage starts, sorted by start year and site, with the total."""
    if first.empty:
        return "<p class='note'>The stochastic plan starts no module in its first stage.</p>"
    names = {str(site.id): str(site.name) for site in risk.plan.scenario.sites}
    starts = first.sort_values(["start_year", "site", "partner", "resource"], kind="stable")
    headers = [
        ("Start", True),
        ("Site", False),
        ("Country", False),
        ("Partner", False),
        ("Resource", False),
        ("Modules", True),
    ]
    rows = [
        (
            [
                label(row.start_year),
                label(names.get(str(row.site), row.site)),
                label(row.country),
                label(row.partner),
                label(row.resource),
                number(row.modules),
            ],
            "",
        )
        for row in starts.itertuples(index=False)
    ]
    total = (["Total", "", "", "", "", number(starts["modules"].sum())], "total")
    caption = (
        f"{len(starts)} first-stage starts: decided now and shared by every world; later "
        "starts wait until the world is known."
    )
    return html_table(headers, [rows, [total]], caption, title="First-stage starts")

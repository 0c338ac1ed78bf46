"""The risk's sections: key figures, the fan charts of the compute delivered and unserved, the
probability of a shortfall per year, the VaR and CVaR of every output, the tornado and the
Sobol' indices of the cost, and the investors' values.

In a report they come after the plan's sections (:mod:`fabnet.report._report`), and a stochastic
plan's after them (:mod:`fabnet.report.stochastic_html`). Every string that comes from data is
HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fabnet.report._format import amount, compact, label, number, percent, rounded, share, usd
from fabnet.report._frames import years_of
from fabnet.report._page import Block, Cards, Section, Text, figure, table
from fabnet.report.risk_figures import output_name, sample_count

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.risk import RiskResult

__all__ = ["METHODS", "RISK_SECTIONS", "risk_sections"]

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

#: Sampling methods in words.
METHODS: dict[str, str] = {
    "mc": "Monte Carlo",
    "lhs": "Latin hypercube",
    "sobol": "scrambled Sobol' points",
}


def risk_sections(risk: RiskResult) -> list[Section]:
    """The risk's sections (:data:`RISK_SECTIONS`) with their blocks."""
    from fabnet.report.risk_figures import (
        fan_chart_figure,
        investor_value_figure,
        shortfall_probability_figure,
        tornado_figure,
    )

    body: dict[str, list[Block]] = {
        "risk-key-figures": _key_figures(risk),
        "risk-fan": [
            Text(
                "The plan is fixed: every sample of the uncertain inputs changes the compute "
                "wanted and what the plan's fabs can deliver, not the plan. The bands hold the "
                "middle 90 % and 50 % of the samples in each year."
            ),
            figure(fan_chart_figure(risk), "fig-risk-fan"),
        ],
        "risk-shortfall": [
            Text(
                f"A year is short when more than {share(risk.threshold)} of the compute wanted "
                "in it goes unserved. The whiskers are the 95 % Wilson score interval of the "
                "share of samples, an interval that stays within 0 and 1 even when no or every "
                "sample is short."
            ),
            figure(shortfall_probability_figure(risk), "fig-risk-shortfall"),
        ],
        "risk-measures": [_measures_table(risk)],
        "risk-tornado": [
            Text(
                "Each input moved alone from its low to its high value (the 10th and 90th "
                "percentiles of its distribution), the others at their base values (the "
                "median) and no disruption; the biggest swing is on top."
            ),
            figure(tornado_figure(risk), "fig-risk-tornado"),
        ],
        "risk-sobol": _sobol(risk),
        "risk-investors": [
            Text(
                "Each investor's NPV at its hurdle rate, over all its projects, across the samples."
            ),
            figure(investor_value_figure(risk), "fig-risk-investors"),
        ],
    }
    return [section.holding(body[section.id]) for section in RISK_SECTIONS]


def _key_figures(risk: RiskResult) -> list[Block]:
    """Headline numbers of the risk and how its samples were drawn."""
    table = risk.by_year.sort_index()
    years = years_of(risk.by_year.index)
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
    if "npv_objective_musd" in measures.index:
        cost = measures.loc["npv_objective_musd"]
        a = share(risk.alpha)
        cards += [
            ("Expected cost (NPV)", usd(cost["mean"])),
            (f"VaR {a} of the cost (NPV)", usd(cost["var"])),
            (f"CVaR {a} of the cost (NPV)", usd(cost["cvar"])),
        ]
    inputs = _names(samples.values.columns)  # noqa: PD011 - a DataFrame
    events = _names(samples.events.keys())
    sampled = f"Inputs sampled: {inputs or 'none'}; disruption events: {events or 'none'}."
    return [
        Cards(tuple(cards)),
        Text(
            "P(shortfall): the share of the samples in which more than the threshold of that "
            "year's compute wanted goes unserved, with its 95 % Wilson interval. The cost is the "
            "planner's, discounted: capex, opex, wafers and options, the penalty on unserved "
            f"compute, less the terminal value. {sampled}"
        ),
    ]


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


def _measures_table(risk: RiskResult) -> Block:
    """Per output: mean, percentiles, VaR and CVaR; the costs, then the values."""
    measures = risk.measures_wide()
    if measures.empty:
        return Text("No outputs were measured.")
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
    return table(headers, groups, caption, title="VaR and CVaR")


def _sobol(risk: RiskResult) -> list[Block]:
    """The Sobol' figure and table, or a note that they were not computed."""
    from fabnet.report.risk_figures import sobol_figure

    if risk.sobol is None:
        return [
            Text(
                "Sobol' indices were not computed for this analysis (run it with "
                "<code>sobol_samples</code>, a power of 2, to compute them)."
            )
        ]
    indices = risk.sobol.sort_values("total", ascending=False, kind="stable")
    headers = [("Input", False), ("First order", True), ("Total", True)]
    rows = [
        ([label(row.input), rounded(row.first_order, 3), rounded(row.total, 3)], "")
        for row in indices.itertuples(index=False)
    ]
    caption = (
        "Sobol' indices of the NPV of cost (Saltelli's estimators): the share of its variance "
        "each input explains alone (first order) and with all its interactions (total), the "
        "disruption events off. They are estimates: a value a little below 0 or above 1 is noise."
    )
    return [
        figure(sobol_figure(risk), "fig-risk-sobol"),
        table(headers, [rows], caption, title="Sobol' indices"),
    ]

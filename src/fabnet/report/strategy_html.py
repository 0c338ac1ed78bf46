"""The strategies' sections: the strategies compared in a table and in figures, over time, and
each investor's IRR under each, then the financials of the strategy that builds (own-build,
else the mix).

In a report they come after the gap's sections of the scenario (:mod:`fabnet.report._report`).
Every string that comes from data is HTML-escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabnet.report._format import as_float, compact, irr, is_missing, label, number, percent
from fabnet.report._frames import years_of
from fabnet.report._page import Block, Section, Text, figure, table
from fabnet.report.finance_html import finance_sections
from fabnet.report.strategy_figures import milestone_year

if TYPE_CHECKING:
    from fabnet.finance import Comparison

__all__ = ["COMPARE_SECTIONS", "FINANCE_STRATEGIES", "finance_strategy", "strategy_sections"]

#: The comparison's sections, in order.
COMPARE_SECTIONS: tuple[Section, ...] = (
    Section("compare-table", "Strategies compared"),
    Section("compare-figures", "Strategies: cost, compute and capital"),
    Section("compare-timeline", "Strategies: compute and capital need per year"),
    Section("compare-investors", "Strategies: investor IRR"),
)

#: The strategies whose financials the strategies report shows, the first one there is.
FINANCE_STRATEGIES: tuple[str, ...] = ("own-build", "mix")


def finance_strategy(comparison: Comparison) -> str | None:
    """The strategy whose financials the strategies report shows: the first of
    :data:`FINANCE_STRATEGIES` with financials, or None."""
    return next((s for s in FINANCE_STRATEGIES if s in comparison.financials), None)


def strategy_sections(comparison: Comparison) -> list[Section]:
    """The comparison's sections (:data:`COMPARE_SECTIONS`) with their blocks, then the
    financials' sections of the :func:`finance_strategy` (none where no strategy builds)."""
    from fabnet.report.strategy_figures import strategy_figure, strategy_timeline_figure

    body: dict[str, list[Block]] = {
        "compare-table": [_strategies_table(comparison)],
        "compare-figures": [figure(strategy_figure(comparison), "fig-compare-strategies")],
        "compare-timeline": [
            Text(
                "The new compute each strategy delivers per year, and the capital it needs: "
                "capex − grants + reservation fees + acquisition prices (in full, at closing)."
            ),
            figure(strategy_timeline_figure(comparison), "fig-compare-timeline"),
        ],
        "compare-investors": _irr_table(comparison),
    }
    sections = [section.holding(body[section.id]) for section in COMPARE_SECTIONS]
    strategy = finance_strategy(comparison)
    if strategy is None:
        return sections
    return [*sections, *finance_sections(comparison.financials[strategy], strategy=strategy)]


def _strategies_table(comparison: Comparison) -> Block:
    """One row per strategy: cost, compute, time to new supply, capital, what it does."""
    strategies = comparison.table
    if strategies.empty:
        return Text("No strategy was compared.")
    years = years_of(comparison.by_year["year"], comparison.scenario.years)
    span = f" {years[0]}–{years[-1]}" if years else ""
    milestone = milestone_year(strategies.columns)
    columns: list[tuple[str, str, Any, bool]] = [
        ("Status", "status", label, False),
        ("Cost NPV [musd]", "npv_cost_musd", number, True),
        ("Objective [musd]", "npv_objective_musd", number, True),
    ]
    if milestone is not None:
        by = f"delivered_by_{milestone}_h100e"
        columns.append((f"Delivered by {milestone} [H100e]", by, compact, True))
    columns += [
        (f"Delivered{span} [H100e]", "delivered_h100e", compact, True),
        (f"Unserved{span} [H100e]", "unserved_h100e", compact, True),
        ("First new supply", "first_new_supply_year", _year, True),
        ("Peak capital [musd]", "peak_capital_musd", number, True),
        ("Modules", "modules", number, True),
        ("Reserved [wspm·years]", "reserved_wspm_years", number, True),
        ("Acquired", "acquired", _text, False),
        ("Block probability", "block_probability", percent, True),
    ]
    headers = [("Strategy", False), *((head, numeric) for head, *_, numeric in columns)]
    rows = []
    for strategy, row in strategies.iterrows():
        acquired = not is_missing(row.get("acquired")) and str(row.get("acquired"))
        cells = [label(strategy)]
        for _, key, show, _ in columns:
            value = row.get(key)
            cells.append("—" if key == "block_probability" and not acquired else show(value))
        rows.append((cells, ""))
    start = f"{years[0]}" if years else "the horizon's start"
    caption = (
        "Each strategy planned on the same demand and existing supply. Cost NPV: the cost "
        f"discounted to {start} (capex − grants + opex + wafers bought + reservation fees + the "
        "acquisition's expected net cost − the terminal value of new fabs), without the penalty "
        "on unserved compute; objective: the planner's objective, with it. Compute: new "
        "compute summed over the years [H100e]. First new supply: the first year the "
        "strategy's own new supply (new fabs, reserved capacity, an acquired chipmaker's fabs) "
        "makes wafers. Peak capital: the largest year of capex − grants + reservation fees + "
        "acquisition prices [musd, undiscounted]. Reserved: capacity reserved, summed over the "
        "years. Block probability: the chance that the acquisition is blocked."
    )
    return table(headers, [rows], caption, title="Strategies compared", scroll=True)


def _year(value: object) -> str:
    """A year, or "none"."""
    year = as_float(value)
    return "none" if year is None else str(int(year))


def _text(value: object) -> str:
    """Escaped text; an em dash when missing or empty."""
    return "—" if is_missing(value) or not str(value) else label(value)


def _irr_table(comparison: Comparison) -> list[Block]:
    """IRR per investor (rows) and strategy (columns)."""
    investors = comparison.investor_irr_wide()
    notes: list[Block] = []
    if not comparison.financials:
        notes.append(Text("No strategy builds new fabs: there are no returns."))
    if investors.empty:
        return notes or [Text("No investors.")]
    strategies = [str(strategy) for strategy in investors.columns]
    headers = [("Investor", False), *((label(s), True) for s in strategies)]
    rows = [
        ([label(investor), *(irr(value) for value in row)], "")
        for investor, row in investors.iterrows()
    ]
    caption = (
        "IRR of each investor's cash flow over the projects of a strategy; — where it has "
        "none (the strategy builds nothing, the investor funds none of its projects, or its "
        "cash flow has no single IRR)."
    )
    return [*notes, table(headers, [rows], caption, title="Investor IRR by strategy")]

"""The stochastic plan's sections: the value of planning for the spread (RP, EEV, WS, VSS and
EVPI), its cost and unserved compute per world, and its first-stage starts.

In a report they come after the risk's sections (:mod:`fabnet.report._report`). Every string
that comes from data is HTML-escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fabnet.report._format import is_missing, label, number
from fabnet.report._frames import site_names
from fabnet.report._page import Block, Cards, Section, Text, figure, table

if TYPE_CHECKING:
    from fabnet.planning import StochasticPlan
    from fabnet.report._money import Money

__all__ = ["STOCHASTIC_SECTIONS", "stochastic_sections"]

#: The stochastic plan's sections, in order.
STOCHASTIC_SECTIONS: tuple[Section, ...] = (
    Section("stochastic-value", "Stochastic plan: the value of planning for the spread"),
    Section("stochastic-worlds", "Stochastic plan: cost and unserved compute per world"),
    Section("stochastic-first-stage", "Stochastic plan: first-stage starts"),
)


def stochastic_sections(stochastic: StochasticPlan, money: Money | None = None) -> list[Section]:
    """The stochastic plan's sections (:data:`STOCHASTIC_SECTIONS`) with their blocks; ``money``
    is the report's money unit (default: chosen by RP, EEV and WS,
    :func:`fabnet.report._money.money_unit`)."""
    from fabnet.report._money import money_unit
    from fabnet.report.stochastic_figures import stochastic_figure

    money = money or money_unit([stochastic.rp, stochastic.eev, stochastic.ws])
    body: dict[str, list[Block]] = {
        "stochastic-value": _value_table(stochastic, money),
        "stochastic-worlds": [
            Text(
                "Every world is one sample of the uncertain inputs; the stochastic plan shares "
                "its first-stage starts across the worlds and adapts the rest to each."
            ),
            figure(stochastic_figure(stochastic, money), "fig-stochastic"),
        ],
        "stochastic-first-stage": [_first_stage_table(stochastic)],
    }
    return [section.holding(body[section.id]) for section in STOCHASTIC_SECTIONS]


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


def _value_table(stochastic: StochasticPlan, money: Money) -> list[Block]:
    """Key figures of the stochastic plan, then RP, EEV, WS, VSS and EVPI explained."""
    by = stochastic.by_scenario
    first = stochastic.first_stage
    stats = stochastic.stats
    cards = [
        ("Worlds", number(len(by))),
        ("Expected cost", money.amount(stochastic.expected_cost_musd)),
        ("CVaR of cost", money.amount(stochastic.cvar_musd)),
        ("First-stage modules", number(first["modules"].sum() if len(first) else 0)),
    ]
    headers = [("Measure", False), (money.header("Value"), True), ("What it is", False)]
    rows = [
        ([name, money.number(getattr(stochastic, attribute)), explanation], "")
        for name, attribute, explanation in _VALUES
    ]
    caption = (
        f"Objectives of the planner, discounted [{money.symbol}]: lower is better. VSS and EVPI "
        "are ≥ 0 up to the solvers' gaps; ∞: some world cannot carry the expected-value plan's "
        "starts; —: a solve found no solution."
    )
    blocks: list[Block] = [
        Cards(tuple(cards)),
        table(headers, [rows[:3], rows[3:]], caption, title="Value of the solution"),
    ]
    settings = [
        f"{name} {label(stats.get(key))}"
        for name, key in (("CVaR weight λ", "cvar_weight"), ("α", "alpha"))
        if not is_missing(stats.get(key))
    ]
    if settings:
        blocks.append(Text(f"Settings: {', '.join(settings)}."))
    notes = stats.get("notes") or []
    if isinstance(notes, str):
        notes = [notes]
    return blocks + [Text(f"Note: {label(note)}.") for note in notes]


def _first_stage_table(stochastic: StochasticPlan) -> Block:
    """The first-stage starts, sorted by start year and site, with the total."""
    first = stochastic.first_stage
    if first.empty:
        return Text("The stochastic plan starts no module in its first stage.")
    names = site_names(stochastic.scenario)
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
    return table(headers, [rows, [total]], caption, title="First-stage starts")

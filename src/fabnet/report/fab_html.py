"""The fab level's sections: a tool plan's (key figures, the two stages under uncertain demand,
tools per type and fab, floor space, the wafer split across fabs, cost by kind, the binding
workstation) and static capacity's (key figures, whether the tools installed meet demand, the
bottleneck, tools needed against installed, floor space), each report ending with the fab file's
tool types, fabs and routes and the sources of their figures.

A fab result has no chain above it (:mod:`fabnet.report._report`): its report is these sections
alone. Where a result holds several demand scenarios, the key figures and the figures of tools,
floor, split and cost are expectations over them (weighted by the fab file's probabilities,
:func:`fabnet.report.fab_figures.expected`); the tables list every scenario. Every string that
comes from data is HTML-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from fabnet.report._format import as_float, label, linkify, number, percent, rounded, share
from fabnet.report._markup import code, strong
from fabnet.report._page import Block, Cards, Section, Text, figure, table
from fabnet.report.fab_figures import load_text

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.fab import FabSpec
    from fabnet.fab.capacity import Capacity
    from fabnet.fab.toolplan import ToolPlan
    from fabnet.report._money import Money

__all__ = [
    "CAPACITY_SECTIONS",
    "FAB_UNITS",
    "SOURCES",
    "TOOLPLAN_SECTIONS",
    "capacity_sections",
    "fab_sources_section",
    "probabilities",
    "toolplan_sections",
]

#: The units named under a fab report's title.
FAB_UNITS = "wafers in wafers per week (wpw), tools in counts, floor space in m²"

#: The tool plan's sections, in order (the two-stage section only for a plan under several
#: demand scenarios with its VSS).
TOOLPLAN_SECTIONS: tuple[Section, ...] = (
    Section("toolplan-key-figures", "Tool plan: key figures"),
    Section("toolplan-two-stage", "Tool plan: two stages under uncertain demand"),
    Section("toolplan-tools", "Tool plan: tools per type and fab"),
    Section("toolplan-floor", "Tool plan: floor space against the limit"),
    Section("toolplan-split", "Tool plan: wafer split of each route across fabs"),
    Section("toolplan-cost", "Tool plan: cost by kind"),
    Section("toolplan-binding", "Tool plan: binding workstation per period"),
)

#: Static capacity's sections, in order.
CAPACITY_SECTIONS: tuple[Section, ...] = (
    Section("capacity-key-figures", "Static capacity: key figures"),
    Section("capacity-feasible", "Static capacity: can the tools installed meet demand?"),
    Section("capacity-bottleneck", "Static capacity: bottleneck workstation per fab and period"),
    Section("capacity-tools", "Static capacity: tools needed against tools installed"),
    Section("capacity-floor", "Static capacity: floor space against the floor"),
)

#: The last section of every fab report.
SOURCES = Section("fab-sources", "Fab file: tool types, fabs, routes and their sources")

#: Below this a quantity is none (tools, wafers, m², musd).
TINY = 1e-9

#: Amounts below this are left out when choosing how many decimals a column needs [musd]: one
#: US dollar (a solver's round-off otherwise asks for six).
SMALLEST_MUSD = 1e-6


def probabilities(spec: FabSpec) -> dict[str, float]:
    """The fab file's demand scenarios and their probabilities (empty for a file that lists
    none: its one scenario has probability 1)."""
    return {str(s.id): float(s.probability) for s in spec.demand.scenarios}


def _scenarios(frame: pd.DataFrame) -> list[str]:
    """The distinct scenarios of ``frame`` in order of appearance (none without the column)."""
    if "scenario" not in frame.columns:
        return []
    return [str(s) for s in dict.fromkeys(frame["scenario"])]


def _several(*frames: pd.DataFrame) -> bool:
    """Whether any of ``frames`` holds more than one scenario."""
    return any(len(_scenarios(frame)) > 1 for frame in frames)


def _expected_total(frame: pd.DataFrame, column: str, weights: Mapping[str, float]) -> float:
    """The sum of ``column``, as an expectation over the scenarios of ``frame`` (weighted by
    ``weights``, equal where a scenario lacks one); the plain sum for one scenario."""
    from fabnet.report.fab_figures import expected

    table, _ = expected(frame[[c for c in ("scenario", column) if c in frame]], [column], weights)
    return float(table[column].sum()) if len(table) else 0.0


# -- the tool plan ------------------------------------------------------------------------------


def toolplan_sections(plan: ToolPlan, money: Money | None = None) -> list[Section]:
    """The tool plan's sections (:data:`TOOLPLAN_SECTIONS`, the two-stage one only where
    ``plan.stats["vss_musd"]`` is given) with their blocks, then :data:`SOURCES`; ``money`` is the
    report's money unit (default: :func:`fabnet.report._report.money_of`)."""
    from fabnet.report._money import MILLIONS
    from fabnet.report._report import money_of
    from fabnet.report.fab_figures import (
        cost_figure,
        floor_figure,
        loading_figure,
        split_figure,
        split_steps_figure,
        tools_figure,
    )

    money = money or money_of(plan) or MILLIONS
    weights = probabilities(plan.spec)
    periods = plan.spec.periods.labels
    average = (
        Text(
            "The figures show the expectation over the demand scenarios (weighted by their "
            "probabilities); the tables list each scenario."
        )
        if _several(plan.tools, plan.split, plan.costs)
        else None
    )
    body: dict[str, list[Block]] = {
        "toolplan-key-figures": _plan_key_figures(plan, money, weights),
        "toolplan-two-stage": _two_stage_blocks(plan, money),
        "toolplan-tools": [
            *([average] if average else []),
            Text(
                "Per tool type, each fab's tools installed in each period: those carried over "
                "from the period before and those bought in it; tools moved out show below "
                "zero."
            ),
            figure(
                tools_figure(plan.tools, probability=weights, periods=periods),
                "fig-toolplan-tools",
            ),
            _tools_table(plan.tools, money, periods),
        ],
        "toolplan-floor": [
            figure(
                floor_figure(plan.floor, probability=weights, periods=periods),
                "fig-toolplan-floor",
            ),
            _floor_table(plan.floor, "used_m2", "Floor used", periods),
        ],
        "toolplan-split": [
            Text(
                "Each route's step-wafers (the wafers a week of every step of the route, summed"
                " over its steps) and the share of them done in each fab; where consecutive "
                "steps run in different fabs, the lots are transferred between them, at "
                f"{number(plan.spec.rules.transfer_usd_per_wafer)} USD per wafer."
            ),
            figure(
                split_figure(plan.split, probability=weights, periods=periods),
                "fig-toolplan-split",
            ),
            figure(split_steps_figure(plan.split, probability=weights), "fig-toolplan-split-steps"),
            _transfers_table(plan.transfers, money, periods),
        ],
        "toolplan-cost": [
            figure(
                cost_figure(plan.costs, money, probability=weights, periods=periods),
                "fig-toolplan-cost",
            ),
            _cost_table(plan.costs, money, weights),
        ],
        "toolplan-binding": [
            Text(
                "The most loaded workstation of each fab and period: its work over the time its"
                " tools may be loaded (availability × utilisation cap). At 100 % it holds the "
                "plan back: one more tool there would let the plan buy, move or transfer less."
            ),
            figure(
                loading_figure(
                    plan.binding,
                    title="Most loaded workstation per fab and period",
                    periods=periods,
                ),
                "fig-toolplan-binding",
            ),
            _binding_table(plan.binding),
        ],
    }
    sections = [
        section.holding(body[section.id])
        for section in TOOLPLAN_SECTIONS
        if section.id != "toolplan-two-stage" or plan.stats.get("vss_musd") is not None
    ]
    return [*sections, fab_sources_section(plan.spec, money)]


def _plan_key_figures(plan: ToolPlan, money: Money, weights: Mapping[str, float]) -> list[Block]:
    """Tools bought and moved out, the cost by kind and its NPV, the fullest floor, the most
    loaded workstation, and how the solve went."""
    tools = plan.tools
    bought = _expected_total(tools, "bought", weights)
    moved = _expected_total(tools, "moved_out", weights)
    capex = _expected_total(tools, "capex_musd", weights)
    costs = plan.costs
    npv = _expected_total(costs, "npv_musd", weights)
    expected_words = " (expected)" if _several(tools, costs) else ""
    stats = plan.stats
    digits = 1 if _several(tools) or stats.get("relax") else 0
    cards: list[tuple[str, str]] = [
        (f"Tools bought{expected_words}", f"{rounded(bought, digits)} ({_amount(money, capex)})"),
        (f"Tools moved out{expected_words}", rounded(moved, digits)),
        (f"Cost, discounted (NPV){expected_words}", _amount(money, npv)),
    ]
    transfers = plan.transfers
    wafers = _expected_total(
        transfers.assign(wafers=transfers["wafers_per_week"] * plan.spec.periods.weeks),
        "wafers",
        weights,
    )
    transfer_musd = _expected_total(transfers, "cost_musd", weights)
    cards.append(
        (f"Wafers moved between fabs{expected_words}",
         f"{number(wafers)} ({_amount(money, transfer_musd)})")
    )  # fmt: skip
    cards += [
        _fullest_floor(plan.floor, "used_m2", "Fullest floor"),
        _most_loaded(plan.binding),
        ("Solver status", label(stats.get("status", "unknown"))),
        ("MIP gap", _gap(stats.get("gap"))),
        ("Objective", _amount(money, stats.get("objective"))),
        ("Best bound", _amount(money, stats.get("bound"))),
    ]
    timing = ", ".join(
        f"{name} {_seconds(stats.get(f'{name}_seconds'))}"
        for name in ("build", "solve")
        if f"{name}_seconds" in stats
    )
    spec = plan.spec
    periods = spec.periods.labels
    scope = (
        f"{len(spec.fabs)} fabs, {len(spec.tool_types)} tool types, {len(spec.routes)} routes "
        f"({', '.join(label(r.id) for r in spec.routes)}), {len(periods)} periods "
        f"{label(periods[0])}–{label(periods[-1])}"
    )
    counted = spec.rules.cost_periods
    if counted.first or counted.last:
        scope += (
            f"; costs count from {label(counted.first or periods[0])} to "
            f"{label(counted.last or periods[-1])}"
        )
    rate = spec.rules.discount_rate
    scope += f"; discounted at {share(rate)} a year" if rate else "; undiscounted"
    blocks: list[Block] = [
        Cards(tuple(cards)),
        Text(f"Fab file {strong(label(spec.name))}: {scope}. Seconds: {timing or '—'}."),
    ]
    return blocks


def _fullest_floor(floor: pd.DataFrame, column: str, name: str) -> tuple[str, str]:
    """The key figure of the fab and period whose floor is fullest (``column`` ÷ floor)."""
    fullness = floor[column] / floor["floor_m2"].where(floor["floor_m2"] > 0)
    if fullness.dropna().empty:
        return name, "—"
    at = floor.iloc[int(fullness.fillna(-1.0).to_numpy().argmax())]
    where = f"{label(at['fab'])} {label(at['period'])}"
    if len(_scenarios(floor)) > 1:
        where += f" ({label(at['scenario'])})"
    return name, f"{percent(fullness.max())} ({where})"


def _most_loaded(frame: pd.DataFrame) -> tuple[str, str]:
    """The key figure of the most loaded workstation of ``frame`` (a ``binding`` or
    ``bottleneck`` table): the workstation, its utilisation, fab and period."""
    if frame.empty or frame["utilisation"].dropna().empty:
        return "Most loaded workstation", "—"
    at = frame.iloc[int(frame["utilisation"].astype(float).fillna(-1.0).to_numpy().argmax())]
    where = f"{label(at['fab'])} {label(at['period'])}"
    if len(_scenarios(frame)) > 1:
        where += f", {label(at['scenario'])}"
    return "Most loaded workstation", f"{label(at['workstation'])} {load_text(at['utilisation'])}" \
        f" ({where})"  # fmt: skip


def _two_stage_blocks(plan: ToolPlan, money: Money) -> list[Block]:
    """Expected cost, EEV and VSS of a two-stage plan, and its first-stage buys and move-outs."""
    stats = plan.stats
    periods = plan.spec.rules.first_stage_periods
    first = plan.first_stage
    cards = (
        ("Demand scenarios", number(stats.get("scenarios"))),
        ("Expected cost (RP)", _amount(money, stats.get("expected_cost_musd"))),
        ("Expected cost of the mean-demand plan (EEV)", _amount(money, stats.get("eev_musd"))),
        ("Value of the stochastic solution (VSS)", _amount(money, stats.get("vss_musd"))),
        ("First-stage tools bought", rounded(first["bought"].sum() if len(first) else 0, 0)),
        ("First-stage tools moved out", rounded(first["moved_out"].sum() if len(first) else 0, 0)),
    )
    names = ", ".join(f"{label(s.id)} ({share(s.probability)})" for s in plan.spec.demand.scenarios)
    blocks: list[Block] = [
        Cards(cards),
        Text(
            f"The buys and move-outs of the first {number(periods)} period"
            f"{'s' if periods != 1 else ''} are decided before the demand is known and shared "
            f"by every scenario ({names or '—'}); the rest adapt to each. EEV fixes the first "
            "stage of the plan for the mean demand and re-plans the rest in every scenario; "
            "VSS = EEV − RP is what planning for the spread saves."
        ),
    ]
    rows = first[(first["bought"] > TINY) | (first["moved_out"] > TINY)] if len(first) else first
    if rows.empty:
        blocks.append(Text("The first stage buys and moves out nothing."))
        return blocks
    rows = rows.sort_values(["period", "fab", "tool_type"], kind="stable")
    headers = [("Period", False), ("Fab", False), ("Tool type", False), ("Bought", True),
               ("Moved out", True)]  # fmt: skip
    body = [
        ([label(r.period), label(r.fab), label(r.tool_type), rounded(r.bought, 0),
          rounded(r.moved_out, 0)], "")
        for r in rows.itertuples(index=False)
    ]  # fmt: skip
    total = ["Total", "", "", rounded(rows["bought"].sum(), 0), rounded(rows["moved_out"].sum(), 0)]
    caption = "The first stage: tools bought and moved out in every scenario alike."
    blocks.append(table(headers, [body, [(total, "total")]], caption, title="First stage"))
    return blocks


def _installed(installed: object, bought: object, moved: object, digits: int) -> str:
    """Tools installed after a period with the period's change: ``12``, ``12 +3``, ``9 −1``,
    ``11 +3 −1``."""
    bought, moved = as_float(bought) or 0.0, as_float(moved) or 0.0
    parts = [
        rounded(installed, digits),
        f"+{rounded(bought, digits)}" if bought > TINY else "",
        f"−{rounded(moved, digits)}" if moved > TINY else "",
    ]
    return " ".join(p for p in parts if p)


def _tools_table(tools: pd.DataFrame, money: Money, periods: list[str]) -> Block:
    """Tools per (scenario,) fab and tool type: at the start, installed per period (with the
    period's buys and move-outs), bought, moved out, and the capex of the buys."""
    if tools.empty:
        return Text("No tools.")
    several = len(_scenarios(tools)) > 1
    keys = (["scenario"] if several else []) + ["fab"]
    headers = [
        *((("Scenario", False),) if several else ()),
        ("Fab", False),
        ("Tool type", False),
        ("Workstation", False),
        ("Start", True),
        *((label(p), True) for p in periods),
        ("Bought", True),
        ("Moved out", True),
        (money.header("Capex"), True),
    ]
    counts = ["installed", "bought", "moved_out"]
    whole = bool((tools[counts].astype(float) % 1.0 == 0.0).all(axis=None))
    digits = 0 if whole else 1  # fractional tools: an LP relaxation
    groups = []
    for key, part in tools.groupby(keys, sort=False):
        values = key if isinstance(key, tuple) else (key,)
        rows = []
        for tool_type, found in part.groupby("tool_type", sort=False):
            # A period without a row has no tool of the type (the table is sparse).
            lines = found.groupby(found["period"].astype(str))[[*counts, "capex_musd"]].sum()
            lines = lines.reindex(periods, fill_value=0.0)
            if not (lines[counts].abs() > TINY).any(axis=None):
                continue
            first = lines.iloc[0]
            start = float(first["installed"]) - float(first["bought"]) + float(first["moved_out"])
            cells = [
                *(label(v) for v in values),
                label(tool_type),
                label(found["workstation"].iloc[0]),
                rounded(start, digits),
                *(
                    _installed(r.installed, r.bought, r.moved_out, digits)
                    for r in lines.itertuples()
                ),
                rounded(lines["bought"].sum(), digits),
                rounded(lines["moved_out"].sum(), digits),
                money.blank(lines["capex_musd"].sum()),
            ]
            rows.append((cells, ""))
        if rows:
            groups.append(rows)
    caption = (
        "Tools installed at the end of each period, with the period's buys (+) and move-outs "
        "(−); Start: before the first period's. Capex: of the tools bought, undiscounted."
    )
    return table(headers, groups, caption, title="Tools per type and fab", scroll=True)


def _floor_table(floor: pd.DataFrame, column: str, name: str, periods: list[str]) -> Block:
    """The share of each fab's floor taken (``column`` ÷ ``floor_m2``) per period."""
    if floor.empty:
        return Text("No fab.")
    several = len(_scenarios(floor)) > 1
    keys = (["scenario"] if several else []) + ["fab"]
    headers = [
        *((("Scenario", False),) if several else ()),
        ("Fab", False),
        ("Floor [m²]", True),
        *((label(p), True) for p in periods),
        ("Peak [m²]", True),
    ]
    rows = []
    for key, found in floor.groupby(keys, sort=False):
        values = key if isinstance(key, tuple) else (key,)
        part = found.groupby(found["period"].astype(str))[["floor_m2", column]].sum()
        part = part.reindex(periods)
        limit = part["floor_m2"].astype(float)
        taken = part[column].astype(float)
        over = bool(((taken - limit) > 1e-6).any())
        rows.append(
            (
                [
                    *(label(v) for v in values),
                    number(limit.max()),
                    *(percent(t / f) if f > 0 else "—" for t, f in zip(taken, limit, strict=True)),
                    number(taken.max()),
                ],
                "short" if over else "",
            )
        )
    caption = f"{name} as a share of the fab's floor, per period; Peak: the most it takes."
    return table(headers, [rows], caption, title=f"{name} per fab")


def _transfers_table(transfers: pd.DataFrame, money: Money, periods: list[str]) -> Block:
    """Wafers a week transferred between fabs per (scenario,) product and period, with the
    cost over the horizon."""
    moved = transfers[transfers["wafers_per_week"] > TINY] if len(transfers) else transfers
    if moved.empty:
        return Text("No wafer changes fab within its route: every route runs in one fab.")
    several = len(_scenarios(transfers)) > 1
    keys = (["scenario"] if several else []) + ["product"]
    headers = [
        *((("Scenario", False),) if several else ()),
        ("Route", False),
        *((label(p), True) for p in periods),
        (money.header("Cost"), True),
    ]
    digits = _digits(money, transfers["cost_musd"])
    rows = []
    for key, part in transfers.groupby(keys, sort=False):
        values = key if isinstance(key, tuple) else (key,)
        per = part.groupby(part["period"].astype(str))["wafers_per_week"].sum()
        per = per.reindex(periods, fill_value=0.0)
        rows.append(
            (
                [
                    *(label(v) for v in values),
                    *(number(v) if v > TINY else "" for v in per),
                    money.number(part["cost_musd"].sum(), digits),
                ],
                "",
            )
        )
    caption = (
        "Wafers a week transferred between fabs (each move of a lot between consecutive steps "
        "of its route counts once), per route and period; blank: none. Cost: over the periods, "
        "undiscounted."
    )
    return table(headers, [rows], caption, title="Wafers transferred between fabs")


def _cost_table(costs: pd.DataFrame, money: Money, weights: Mapping[str, float]) -> Block:
    """The cost by kind, undiscounted and discounted, with the total (expected where several
    scenarios)."""
    from fabnet.report.fab_figures import COST_NAMES, expected

    if costs.empty:
        return Text("The plan has no cost terms.")
    frame, words = expected(costs, ["musd", "npv_musd"], weights)
    sums = frame.groupby(frame["term"].astype(str))[["musd", "npv_musd"]].sum()
    terms = [t for t in COST_NAMES if t in sums.index] + [
        t for t in sums.index if t not in COST_NAMES
    ]
    digits = _digits(money, [*sums["musd"], *sums["npv_musd"]])
    rows = [
        (
            [
                label(COST_NAMES.get(term, term)),
                money.number(sums.loc[term, "musd"], digits),
                money.number(sums.loc[term, "npv_musd"], digits),
            ],
            "",
        )
        for term in terms
    ]
    total = [money.number(sums["musd"].sum(), digits), money.number(sums["npv_musd"].sum(), digits)]
    rows.append((["Total", *total], "total"))
    headers = [("Kind", False), (money.header("Undiscounted"), True), (money.header("NPV"), True)]
    caption = "Capex of the tools bought, the cost of moving tools out and of transferring wafers"
    caption += (
        " between fabs, over the counted periods; NPV: discounted to the first period"
        + (f"; {words}" if words else "")
        + "."
    )
    return table(headers, [rows], caption, title="Cost by kind")


def _binding_table(binding: pd.DataFrame) -> Block:
    """The most loaded workstation of all the fabs in each (scenario and) period."""
    if binding.empty:
        return Text("No workstation is loaded.")
    several = len(_scenarios(binding)) > 1
    keys = (["scenario"] if several else []) + ["period"]
    top = binding.sort_values("utilisation", ascending=False, kind="stable")
    top = top.drop_duplicates(keys).sort_values(keys, kind="stable")
    headers = [
        *((("Scenario", False),) if several else ()),
        ("Period", False),
        ("Fab", False),
        ("Workstation", False),
        ("Utilisation", True),
    ]
    rows = [
        (
            [
                *((label(r["scenario"]),) if several else ()),
                label(r["period"]),
                label(r["fab"]),
                label(r["workstation"]),
                load_text(r["utilisation"]),
            ],
            "",
        )
        for r in top.to_dict("records")
    ]
    caption = "The most loaded workstation of all the fabs, per period."
    return table(headers, [rows], caption, title="Binding workstation per period")


def _gap(value: object) -> str:
    """A relative MIP gap as a percentage with two decimals; an em dash when unknown."""
    gap = as_float(value)
    return "—" if gap is None or not math.isfinite(gap) else f"{gap:.2%}"


def _seconds(value: object) -> str:
    """Seconds with one decimal; an em dash when unknown."""
    seconds = as_float(value)
    return "—" if seconds is None else f"{seconds:,.1f} s"


def _digits(money: Money, amounts_musd: Iterable[object]) -> int:
    """Decimals that show the smallest non-zero of ``amounts_musd`` in ``money`` with two
    significant digits (at least the unit's own, at most six).

    Examples
    --------
    >>> from fabnet.report._money import BILLIONS, MILLIONS
    >>> _digits(MILLIONS, [392.0, 0.26, 0.0]), _digits(MILLIONS, [392.0])
    (2, 0)
    >>> _digits(BILLIONS, [300.0]), _digits(MILLIONS, [1e-12])
    (2, 0)
    """
    values = [
        abs(money.of(v))
        for v in map(as_float, amounts_musd)
        if v is not None and math.isfinite(v) and abs(v) >= SMALLEST_MUSD
    ]
    if not values:
        return money.digits
    return min(6, max(money.digits, 1 - math.floor(math.log10(min(values)))))


def _amount(money: Money, musd: object) -> str:
    """An amount with its unit (a key figure, as :meth:`Money.amount`), with the decimals that
    show it to two significant digits where it is small (``$0.26 M``)."""
    text = money.number(musd, _digits(money, [musd]))
    if text == "—":
        return text
    sign, digits = ("−", text[1:]) if text.startswith("−") else ("", text)
    return f"{sign}${digits} {money.suffix}"


# -- static capacity ----------------------------------------------------------------------------


def capacity_sections(result: Capacity, money: Money | None = None) -> list[Section]:
    """Static capacity's sections (:data:`CAPACITY_SECTIONS`) with their blocks, then
    :data:`SOURCES`; ``money`` is the unit of the tool types' prices there (default: $ M)."""
    from fabnet.report._money import MILLIONS
    from fabnet.report.fab_figures import floor_figure, loading_figure, tools_needed_figure

    periods = result.spec.periods.labels
    body: dict[str, list[Block]] = {
        "capacity-key-figures": _capacity_key_figures(result),
        "capacity-feasible": [_feasible_table(result.feasible)],
        "capacity-bottleneck": [
            Text(
                "The bottleneck of each fab and period: the workstation whose tools are loaded "
                "most (the work of the period's demand, spread over the fab's tools, over the "
                "time they may be loaded). Above 100 % the tools installed cannot do the work."
            ),
            figure(
                loading_figure(
                    result.bottleneck,
                    title="Bottleneck workstation per fab and period",
                    periods=periods,
                ),
                "fig-capacity-bottleneck",
            ),
            _bottleneck_table(result.bottleneck),
        ],
        "capacity-tools": [
            Text(
                "Tools needed = Σ over the steps a tool type runs of wafers a week × minutes per "
                "wafer ÷ (minutes a week × availability × utilisation cap), against the tools "
                "installed."
            ),
            figure(tools_needed_figure(result.needed, periods=periods), "fig-capacity-tools"),
            _short_table(result.needed),
        ],
        "capacity-floor": [
            figure(floor_figure(result.floor, periods=periods), "fig-capacity-floor"),
            _floor_table(result.floor, "needed_m2", "Floor the tools needed take", periods),
        ],
    }
    sections = [section.holding(body[section.id]) for section in CAPACITY_SECTIONS]
    return [*sections, fab_sources_section(result.spec, money or MILLIONS)]


def _capacity_key_figures(result: Capacity) -> list[Block]:
    """Periods whose demand the tools installed meet, the tightest bottleneck, tools short and
    floor overflows."""
    feasible = result.feasible
    cards: list[tuple[str, str]] = []
    if feasible is not None and len(feasible):
        meets = feasible["meets_demand"].astype(bool)
        cards.append(("Periods meeting demand", f"{int(meets.sum())} of {len(feasible)}"))
        short = feasible[~meets].sort_values("period", kind="stable")
        cards.append(("First period short", label(short["period"].iloc[0]) if len(short)
                      else "none"))  # fmt: skip
        lowest = feasible.iloc[int(feasible["max_share"].astype(float).to_numpy().argmin())]
        cards.append(
            ("Least share of demand supported", f"{share(lowest['max_share'])} "
             f"({label(lowest['period'])})")
        )  # fmt: skip
    cards.append(_most_loaded(result.bottleneck))
    short_tools = _shortfall(result.needed)
    per_period = short_tools.groupby(short_tools["period"].astype(str))["short"].sum()
    if len(per_period) and per_period.max() > 0:
        cards.append(
            ("Most tools short in a period", f"{number(per_period.max())} "
             f"({label(per_period.idxmax())})")
        )  # fmt: skip
    else:
        cards.append(("Most tools short in a period", "0"))
    floor = result.floor
    over = floor[(floor["needed_m2"] - floor["floor_m2"]) > 1e-6]
    cards.append(("Fab-periods short of floor", f"{len(over)} of {len(floor)}"))
    spec = result.spec
    periods = spec.periods.labels
    return [
        Cards(tuple(cards)),
        Text(
            f"Fab file {strong(label(spec.name))}: {len(spec.fabs)} fabs, "
            f"{len(spec.tool_types)} tool types, {len(spec.routes)} routes, {len(periods)} "
            f"periods {label(periods[0])}–{label(periods[-1])}; "
            f"{number(spec.periods.minutes_per_week)} minutes a week. The tool plan "
            f"({code('fabnet fab plan')}) buys and moves the tools this capacity lacks."
        ),
    ]


def _shortfall(needed: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``needed`` whose tools installed are fewer than needed, with ``short``: whole
    tools to add, its ``tools_beyond_installed`` (``max(⌈needed⌉ − installed, 0)``)."""
    short = needed["tools_beyond_installed"].astype(float)
    return needed.assign(short=short)[short > 0]


def _feasible_table(feasible: pd.DataFrame | None) -> Block:
    """Per (scenario and) period: the largest share of demand the tools installed support and
    whether it is all of it."""
    if feasible is None:
        return Text("Whether the tools installed meet demand was not computed for this result.")
    if feasible.empty:
        return Text("No period.")
    several = len(_scenarios(feasible)) > 1
    headers = [
        *((("Scenario", False),) if several else ()),
        ("Period", False),
        ("Largest share of demand", True),
        ("Meets demand", False),
    ]
    rows = [
        (
            [
                *((label(r["scenario"]),) if several else ()),
                label(r["period"]),
                share(r["max_share"]),
                "✓ yes" if bool(r["meets_demand"]) else strong("✗ no"),
            ],
            "" if bool(r["meets_demand"]) else "short",
        )
        for r in feasible.to_dict("records")
    ]
    caption = (
        "The largest share of the period's demand (every product alike) that the tools "
        "installed, spread over the fabs as well as can be, can make; they meet demand at 100 %."
    )
    return table(headers, [rows], caption, title="Can the tools installed meet demand")


def _bottleneck_table(bottleneck: pd.DataFrame) -> Block:
    """The bottleneck of each (scenario,) fab and period with its utilisation and output
    factor."""
    if bottleneck.empty:
        return Text("No workstation is loaded.")
    several = len(_scenarios(bottleneck)) > 1
    keys = (["scenario"] if several else []) + ["period", "fab"]
    rows_frame = bottleneck.sort_values(keys, kind="stable")
    headers = [
        *((("Scenario", False),) if several else ()),
        ("Period", False),
        ("Fab", False),
        ("Workstation", False),
        ("Tool type", False),
        ("Utilisation", True),
        ("Output factor", True),
    ]
    groups = [
        [
            (
                [
                    *((label(r["scenario"]),) if several else ()),
                    label(r["period"]),
                    label(r["fab"]),
                    label(r["workstation"]),
                    label(r["tool_type"]),
                    load_text(r["utilisation"]),
                    number(r["output_factor"], 2),
                ],
                "short" if (as_float(r["utilisation"]) or 0.0) > 1.0 + 1e-9 else "",
            )
            for r in part.to_dict("records")
        ]
        for _, part in rows_frame.groupby(keys[:-1], sort=False)
    ]
    caption = (
        "Output factor: how many times the period's demand on the fab the bottleneck's tools "
        "could carry (below 1: they fall short)."
    )
    return table(headers, groups, caption, title="Bottleneck per fab and period", scroll=True)


def _short_table(needed: pd.DataFrame) -> Block:
    """Every (scenario,) fab, period and tool type with fewer tools installed than needed."""
    short = _shortfall(needed)
    if short.empty:
        return Text("The tools installed suffice in every fab and period.")
    several = len(_scenarios(short)) > 1
    keys = (["scenario"] if several else []) + ["period", "fab", "tool_type"]
    short = short.sort_values(keys, kind="stable")
    headers = [
        *((("Scenario", False),) if several else ()),
        ("Period", False),
        ("Fab", False),
        ("Tool type", False),
        ("Workstation", False),
        ("Needed", True),
        ("Installed", True),
        ("Short", True),
    ]
    rows = [
        (
            [
                *((label(r["scenario"]),) if several else ()),
                label(r["period"]),
                label(r["fab"]),
                label(r["tool_type"]),
                label(r["workstation"]),
                number(r["tools_needed"], 1),
                number(r["tools_installed"]),
                number(r["short"]),
            ],
            "",
        )
        for r in short.to_dict("records")
    ]
    caption = (
        f"{len(short)} fab-periods and tool types with fewer tools than the demand needs; Short:"
        " whole tools to add, ⌈needed⌉ − installed (before any floor limit)."
    )
    return table(headers, [rows], caption, title="Tools short", scroll=True)


# -- the fab file -------------------------------------------------------------------------------


def fab_sources_section(spec: FabSpec, money: Money) -> Section:
    """The last section of every fab report: the fab file's tool types, fabs and routes with
    the sources of their figures (prices in ``money``)."""
    estimates = sum(
        1
        for entity in (*spec.tool_types, *spec.fabs, *spec.routes)
        if str(entity.source or "").lower().startswith("estimate")
    )
    entries = len(spec.tool_types) + len(spec.fabs) + len(spec.routes)
    return SOURCES.holding(
        [
            Text(
                f"The figures of fab file {strong(label(spec.name))}: {entries} entries, "
                f"{estimates} of them marked as estimates. Sources are links, opened only when "
                "clicked."
            ),
            _tool_types_table(spec, money),
            _fabs_table(spec),
            _routes_table(spec),
        ]
    )


def _tool_types_table_digits(money: Money, spec: FabSpec) -> int:
    """Decimals of the tool types' prices in ``money`` (:func:`_digits` of them)."""
    return _digits(money, [p for t in spec.tool_types for p in (t.capex_musd, t.move_out_musd)])


def _tool_types_table(spec: FabSpec, money: Money) -> Block:
    """One row per tool type: its workstation, generation, prices, footprint, uptime,
    utilisation cap, whether it may be bought (and from when), and its source."""
    digits = _tool_types_table_digits(money, spec)
    first_buy = spec.rules.first_buy
    headers = [
        ("Tool type", False),
        ("Workstation", False),
        ("Generation", True),
        (money.header("Capex"), True),
        (money.header("Move-out"), True),
        ("Footprint [m²]", True),
        ("Uptime", True),
        ("Utilisation cap", True),
        ("Buyable", False),
        ("Source", False),
    ]
    rows = [
        (
            [
                label(t.id),
                label(t.workstation),
                number(t.generation),
                money.number(t.capex_musd, digits),
                money.number(t.move_out_musd, digits),
                number(t.footprint_m2),
                share(round(t.uptime, 3)),
                share(t.utilisation),
                ("from " + label(first_buy[t.id]) if t.id in first_buy else "yes")
                if t.buyable
                else "no",
                linkify(t.source),
            ],
            "",
        )
        for t in spec.tool_types
    ]
    caption = (
        f"{len(spec.tool_types)} tool types. Uptime: availability, or MTTF ÷ (MTTF + MTTR); a "
        "tool may be loaded for minutes a week × uptime × utilisation cap."
    )
    return table(headers, [rows], caption, title="Tool types and sources", scroll=True)


def _fabs_table(spec: FabSpec) -> Block:
    """One row per fab: its floor, the routes it may run, its tools at the start, its source."""
    every = [r.id for r in spec.routes]
    headers = [
        ("Fab", False),
        ("Floor [m²]", True),
        ("Routes", False),
        ("Tools at the start", True),
        ("Source", False),
    ]
    rows = [
        (
            [
                label(f.id),
                number(f.floor_m2),
                label(", ".join(f.products if f.products is not None else every)),
                number(sum(f.tools.values())),
                linkify(f.source),
            ],
            "",
        )
        for f in spec.fabs
    ]
    return table(headers, [rows], f"{len(spec.fabs)} fabs.", title="Fabs and sources")


def _routes_table(spec: FabSpec) -> Block:
    """One row per route: its steps, workstations and the tool types that can run them."""
    headers = [
        ("Route", False),
        ("Steps", True),
        ("Workstations", True),
        ("Tool types", True),
        ("Source", False),
    ]
    rows = [
        (
            [
                label(r.id),
                number(len(r.steps)),
                number(len({s.workstation for s in r.steps})),
                number(len({k for s in r.steps for k in s.rpt_min})),
                linkify(r.source),
            ],
            "",
        )
        for r in spec.routes
    ]
    return table(headers, [rows], f"{len(spec.routes)} routes.", title="Routes and sources")

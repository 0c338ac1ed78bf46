"""The plan's sections: key figures, new capacity against demand, the builds over time and on
the map, capex and funding, the compute delivered and its shadow price, the builds and funding
tables.

In a report they come after the gap's sections of the plan's scenario
(:mod:`fabnet.report._report`). Every string that comes from data is HTML-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

from fabnet.report._format import as_float, compact, label, number
from fabnet.report._frames import site_names
from fabnet.report._page import Block, Cards, Section, Text, figure, table

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.outlook import GapResult
    from fabnet.planning import Plan
    from fabnet.report._money import Money

__all__ = ["PLACE_COLUMNS", "PLAN_SECTIONS", "place_cells", "plan_sections", "plan_summary"]

#: The plan's sections, in order.
PLAN_SECTIONS: tuple[Section, ...] = (
    Section("plan-key-figures", "Plan: key figures"),
    Section("plan-cost", "Plan: what it costs, term by term"),
    Section("plan-limits", "Plan: what holds it back"),
    Section("plan-capacity", "Plan: new capacity against demand"),
    Section("plan-gantt", "Plan: fab builds over time"),
    Section("plan-map", "Plan: new fab modules on the map"),
    Section("plan-money", "Plan: capex and funding"),
    Section("plan-compute", "Plan: compute delivered and its shadow price"),
    Section("plan-builds", "Plan: builds"),
    Section("plan-funding", "Plan: funding by investor"),
)

#: The columns that place a build or a project: where, by whom, of what and how many modules.
PLACE_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("Region", False),
    ("Site", False),
    ("Country", False),
    ("Partner", False),
    ("Resource", False),
    ("Modules", True),
)


def plan_sections(plan: Plan, gap: GapResult, money: Money | None = None) -> list[Section]:
    """The plan's sections (:data:`PLAN_SECTIONS`) with their blocks; ``gap`` is the outlook of
    the plan's scenario (the existing supply under the new capacity), ``money`` the report's
    money unit (default: chosen by the plan's capex and cost,
    :func:`fabnet.report._report.money_of`)."""
    from fabnet.report._money import MILLIONS
    from fabnet.report._report import money_of
    from fabnet.report.plan_figures import (
        build_gantt_figure,
        capacity_demand_figure,
        compute_outcome_figure,
        money_figure,
        new_fabs_map_figure,
    )

    money = money or money_of(plan) or MILLIONS
    body: dict[str, list[Block]] = {
        "plan-key-figures": _key_figures(plan, money),
        "plan-cost": [_cost_table(plan, money)],
        "plan-limits": _limits_blocks(plan, money),
        "plan-capacity": [
            Text(
                "The existing AI supply (as in the supply–demand figure) with the capacity of the "
                "plan's new modules stacked on top by region (and any capacity it reserves or "
                "acquires), against the plan's own wafer use: the wafers of the accelerators it "
                "makes, in the product mix it chose."
            ),
            figure(capacity_demand_figure(plan, gap), "fig-plan-capacity"),
        ],
        "plan-map": [figure(new_fabs_map_figure(plan, money), "fig-plan-map")],
        "plan-money": [
            Text("Capex is paid while the modules are built; investors, grants and debt fund it."),
            figure(money_figure(plan, money), "fig-plan-money"),
        ],
        "plan-compute": [
            Text(
                "The shadow price is what one more H100e of new compute would cost the plan in "
                "that year (the dual of the compute balance with the module starts fixed). Where "
                "compute goes unserved it equals the scenario's value of lost compute."
            ),
            figure(compute_outcome_figure(plan), "fig-plan-compute"),
        ],
        "plan-gantt": [figure(build_gantt_figure(plan, money), "fig-plan-gantt")],
        "plan-builds": [_builds_table(plan, money)],
        "plan-funding": [_funding_table(plan.funding, money)],
    }
    return [section.holding(body[section.id]) for section in PLAN_SECTIONS]


def plan_summary(plan: Plan, money: Money) -> Block:
    """The plan summed up (the chain summary of the reports after it): modules, capex, the NPV
    of its cost, unserved compute and how the solve went."""
    return Cards((*_headline(plan, money), ("Solver status", label(plan.status))))


def _headline(plan: Plan, money: Money) -> tuple[tuple[str, str], ...]:
    """Modules started, capex, unserved compute, the NPV of the money cost (a min-cost plan)."""
    builds = plan.builds
    compute = plan.compute.sort_values("year")
    years = [int(year) for year in compute["year"]]
    span = f" {years[0]}–{years[-1]}" if years else ""
    modules = int(builds["modules"].sum())
    sites = len(set(builds["site"]))
    wanted = float(compute["wanted_h100e"].sum())
    unserved = float(compute["unserved_h100e"].sum())
    share = f" ({unserved / wanted:.0%} of wanted)" if wanted > 0 else ""
    cost = money.amount(plan.cost_npv()["cost"]) if not plan.costs.empty else "—"
    return (
        ("Modules started", f"{modules} at {sites} site{'s' if sites != 1 else ''}"),
        ("Capex of the new modules", money.amount(float(builds["capex_musd"].sum()))),
        (f"Unserved compute{span}", f"{compact(unserved)} H100e{share}"),
        ("Money cost (NPV)", cost),
    )


def _key_figures(plan: Plan, money: Money) -> list[Block]:
    """Headline numbers of the plan and how the solve went."""
    builds = plan.builds
    stats = plan.stats
    sense = stats.get("objective_sense")
    objective = stats.get("objective")
    shown = f"{money.amount(objective)} (discounted)" if sense == "min_cost" else number(objective)
    online = builds["online_year"].min() if len(builds) else None
    modules, capex, unserved, _ = _headline(plan, money)
    cards = [
        modules,
        capex,
        unserved,
        ("First module online", label(online)),
        ("Solver status", label(stats.get("status", "unknown"))),
        ("MIP gap", _gap(stats.get("gap"))),
        (f"Objective ({label(sense)})", shown),
        ("Solve time", _seconds(stats.get("solve_seconds"))),
    ]
    timing = ", ".join(
        f"{name} {_seconds(stats.get(f'{name}_seconds'))}"
        for name in ("build", "solve", "shadow_price", "extract")
        if f"{name}_seconds" in stats
    ).replace("shadow_price", "shadow prices")
    size = (
        f"{number(stats.get('variables'))} variables ({number(stats.get('integer_variables'))} "
        f"integer), {number(stats.get('constraints'))} constraints, "
        f"{number(stats.get('projects'))} candidate projects; best bound "
        f"{money.amount(stats.get('bound')) if sense == 'min_cost' else number(stats.get('bound'))}"
    )
    return [Cards(tuple(cards)), Text(f"Model: {size}. Seconds: {timing}.")]


def _cost_table(plan: Plan, unit: Money) -> Block:
    """The plan's cost by term, discounted and undiscounted (in ``unit``), with the money cost,
    the unserved-compute penalty and the objective."""
    from fabnet.planning.result import COST_TERMS

    costs = plan.costs
    if costs.empty:
        return Text("The plan has no cost terms (a compute-maximising plan).")
    npv = plan.cost_npv()
    money = costs.groupby("term")["musd"].sum()
    rows = [
        ([label(meaning), unit.number(money.get(term, 0.0)), unit.number(npv[term])], "")
        for term, meaning in COST_TERMS.items()
        if term != "unserved_penalty" and abs(npv[term]) >= 0.5
    ]
    rows.append((["Money cost", "", unit.number(npv["cost"])], "total"))
    rows.append(
        (
            [
                label(COST_TERMS["unserved_penalty"]),
                unit.number(money.get("unserved_penalty", 0.0)),
                unit.number(npv["unserved_penalty"]),
            ],
            "",
        )
    )
    rows.append((["Objective (money cost + penalty)", "", unit.number(npv["objective"])], "total"))
    headers = [("Term", False), (unit.header("Undiscounted"), True), (unit.header("NPV"), True)]
    caption = (
        "Discounted to the first year at policy.discount_rate; the residual value and grants are"
        " credits. The penalty prices compute not delivered; it is not money paid."
    )
    return table(headers, [rows], caption, title="Cost of the plan")


def _limits_blocks(plan: Plan, money: Money) -> list[Block]:
    """The binding limits (shadow prices from the LP relaxation) and why compute goes unserved."""
    limits = plan.limits
    blocks: list[Block] = []
    reasons = plan.stats.get("unserved_reasons") or []
    if reasons:
        blocks.append(Text("Unserved compute: " + " · ".join(label(r) for r in reasons)))
    binding = limits[limits["binding"]] if len(limits) else limits
    if binding.empty:
        blocks.append(Text("No limit binds: the plan is held back by nothing but cost."))
        return blocks
    headers = [
        ("Limit", False),
        ("Where", False),
        ("Year", True),
        ("Limit", True),
        ("Used", True),
        ("Unit", False),
        (money.header("One more saves", "NPV"), True),
    ]
    rows = [
        (
            [
                label(row["family"]),
                label(row["where"]),
                label(None if math.isnan(as_float(row["year"]) or math.nan) else int(row["year"])),
                *_limit_cells(row, money),
                money.number(row["shadow_price_musd"], money.digits + 1),
            ],
            "",
        )
        for row in binding.head(40).to_dict("records")
    ]
    caption = (
        f"{len(binding)} binding limits, largest shadow price first (the first 40 shown): what one"
        " more unit of each would save, from the plan's LP relaxation. A regional cap's unit is"
        " one percentage point of all new capacity."
    )
    blocks.append(table(headers, [rows], caption, title="Binding limits", scroll=True))
    return blocks


def _limit_cells(row: Mapping[Hashable, Any], money: Money) -> list[str]:
    """A limit's size, its use and their unit; a limit in musd in the report's money unit."""
    if str(row["unit"]) == "musd":
        return [money.number(row["limit"]), money.number(row["used"]), money.symbol]
    return [number(row["limit"], 1), number(row["used"], 1), label(row["unit"])]


def _gap(value: object) -> str:
    """A relative MIP gap as a percentage with two decimals; an em dash when unknown."""
    gap = as_float(value)
    return "—" if gap is None or not math.isfinite(gap) else f"{gap:.2%}"


def _seconds(value: object) -> str:
    """Seconds with one decimal; an em dash when unknown."""
    seconds = as_float(value)
    return "—" if seconds is None else f"{seconds:,.1f} s"


def place_cells(row: Mapping[Hashable, Any], names: Mapping[str, str]) -> list[str]:
    """The cells of :data:`PLACE_COLUMNS` of a build or project ``row`` (escaped); a candidate
    site by its name from ``names``, any other by its id."""
    site = row["site"]
    return [
        label(row["region"]),
        label(names.get(str(site), site)),
        label(row["country"]),
        label(row["partner"]),
        label(row["resource"]),
        number(row["modules"]),
    ]


def _builds_table(plan: Plan, money: Money) -> Block:
    """One row per build, banded by region, with the total."""
    if plan.builds.empty:
        return Text("The plan starts no module.")
    names = site_names(plan.scenario)
    builds = plan.builds.sort_values(["region", "site", "partner", "start_year", "resource"])
    headers = [*PLACE_COLUMNS, ("Start", True), ("Online", True), (money.header("Capex"), True)]
    groups = [
        [
            (
                [
                    *place_cells(build, names),
                    label(build["start_year"]),
                    label(build["online_year"]),
                    money.number(build["capex_musd"]),
                ],
                "",
            )
            for build in rows.to_dict("records")
        ]
        for _, rows in builds.groupby("region", sort=True)
    ]
    total = ["Total", "", "", "", "", number(builds["modules"].sum()), "", ""]
    groups.append([([*total, money.number(builds["capex_musd"].sum())], "total")])
    caption = (
        f"{len(builds)} builds (one per project and start year); capex of all the modules of "
        "a build, paid while it is built."
    )
    return table(headers, groups, caption, title="Builds", scroll=True)


def _funding_table(funding: pd.DataFrame, money: Money) -> Block:
    """Investor funding per investor (rows) and year (columns), with totals."""
    if funding.empty:
        return Text("No investor funding.")
    wide = funding.pivot_table(index="investor", columns="year", values="musd", aggfunc="sum")
    wide = wide.fillna(0.0)
    wide = wide.assign(_total=wide.sum(axis=1)).sort_values("_total", ascending=False)
    years = [int(year) for year in wide.columns if year != "_total"]
    countries = funding.groupby("investor")["country"].agg(lambda c: ", ".join(sorted(set(c))))
    headers = [
        ("Investor", False),
        *((str(year), True) for year in years),
        (money.header("Total"), True),
        ("Countries", False),
    ]
    rows = [
        (
            [
                label(investor),
                *(money.blank(row[year]) for year in years),
                money.number(row["_total"]),
                label(countries.get(investor, "")),
            ],
            "",
        )
        for investor, row in wide.iterrows()
    ]
    total = ["Total", *(money.number(wide[year].sum()) for year in years)]
    rows.append(([*total, money.number(wide["_total"].sum()), ""], "total"))
    caption = f"Investor funding per year [{money.symbol}], largest investor first; blank: none."
    return table(headers, [rows], caption, title="Funding by investor")

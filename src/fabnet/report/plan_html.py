"""The plan report: the gap report of a scenario plus its network plan, in one offline HTML file.

The page is the one of the gap report (:func:`fabnet.report._page.render_page`: the basemap and
plotly.js inlined once, nothing loaded from the network); the plan's sections come after the
gap's tables and before the assumptions. Every string that comes from data is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from fabnet.report._format import as_float, compact, label, number
from fabnet.report._page import (
    Section,
    figure_html,
    html_table,
    write_text,
)
from fabnet.report.html import UNITS, gap_page

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from fabnet.report._types import GapLike, PlanLike

__all__ = ["PLAN_SECTIONS", "plan_sections", "render_plan_report", "write_plan_report"]

#: The plan's sections, in order.
PLAN_SECTIONS: tuple[Section, ...] = (
    Section("plan-key-figures", "Plan: key figures"),
    Section("plan-capacity", "Plan: new capacity against demand"),
    Section("plan-gantt", "Plan: fab builds over time"),
    Section("plan-map", "Plan: new fab modules on the map"),
    Section("plan-money", "Plan: capex and funding"),
    Section("plan-compute", "Plan: compute delivered and its shadow price"),
    Section("plan-builds", "Plan: builds"),
    Section("plan-funding", "Plan: funding by investor"),
)

#: Units named under the title of the plan report.
PLAN_UNITS = f"{UNITS}, money in musd (million US dollars)"


def render_plan_report(plan: PlanLike, gap: GapLike, *, generated: dt.date | None = None) -> str:
    """The report of ``plan`` and the gap result ``gap`` of its scenario, as one offline page.

    Parameters
    ----------
    plan : PlanLike
        A :class:`fabnet.planning.Plan`, or any object with its attributes
        (:class:`~fabnet.report._types.PlanLike`).
    gap : GapLike
        The :class:`fabnet.outlook.GapResult` of the same scenario.
    generated : datetime.date, optional
        Date shown as the generation date (default: today). Fix it for byte-identical output.

    Returns
    -------
    str
        The HTML document: the sections of the gap report (key figures, supply–demand,
        shortfall, map, gap and EUV tables), then the plan's (:data:`PLAN_SECTIONS`: key figures,
        capacity against demand, the builds over time, the map of new modules, capex and
        funding, compute delivered and its shadow price, the builds and funding tables), then
        the assumptions. plotly.js and the basemap are inlined once.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> from fabnet.planning import plan
    >>> html = render_plan_report(plan("altman-2024", shadow_prices=False), gap("altman-2024"))
    >>> html.count("Plotly.newPlot("), html.count("window.PlotlyGeoAssets =")
    (8, 1)
    """
    return gap_page(
        f"Network plan: {label(plan.scenario.name)}",
        gap,
        plan_sections(plan, gap),
        scenario=plan.scenario,
        units=PLAN_UNITS,
        generated=generated,
    )


def write_plan_report(
    plan: PlanLike, gap: GapLike, path: str | Path, *, generated: dt.date | None = None
) -> Path:
    """Write the report of ``plan`` and ``gap`` to ``path`` (UTF-8), creating its folder.

    Parameters
    ----------
    plan : PlanLike
        A :class:`fabnet.planning.Plan` or an object with its attributes.
    gap : GapLike
        The :class:`fabnet.outlook.GapResult` of the same scenario.
    path : str or Path
        The HTML file to write; an existing file is replaced.
    generated : datetime.date, optional
        Date shown as the generation date (default: today).

    Returns
    -------
    Path
        ``path``.
    """
    return write_text(render_plan_report(plan, gap, generated=generated), path)


def plan_sections(plan: PlanLike, gap: GapLike) -> list[tuple[Section, str]]:
    """The plan's sections (:data:`PLAN_SECTIONS`) with their bodies (HTML)."""
    from fabnet.report.plan_figures import (
        build_gantt_figure,
        capacity_demand_figure,
        compute_outcome_figure,
        money_figure,
        new_fabs_map_figure,
    )

    body = {
        "plan-key-figures": _key_figures(plan),
        "plan-capacity": (
            "<p class='note'>The existing AI supply (as in the supply–demand figure) with the "
            "capacity of the plan's new modules stacked on top by region, against the wafer "
            "demand.</p>" + figure_html(capacity_demand_figure(plan, gap), "fig-plan-capacity")
        ),
        "plan-gantt": figure_html(build_gantt_figure(plan), "fig-plan-gantt"),
        "plan-map": figure_html(new_fabs_map_figure(plan), "fig-plan-map"),
        "plan-money": (
            "<p class='note'>Capex is paid while the modules are built; investors, grants and "
            "debt fund it.</p>" + figure_html(money_figure(plan), "fig-plan-money")
        ),
        "plan-compute": (
            "<p class='note'>The shadow price is what one more H100e of new compute would cost "
            "the plan in that year (the dual of the compute balance with the module starts "
            "fixed). Where compute goes unserved it equals the scenario's value of lost "
            "compute.</p>" + figure_html(compute_outcome_figure(plan), "fig-plan-compute")
        ),
        "plan-builds": _builds_table(plan),
        "plan-funding": _funding_table(plan.funding),
    }
    return [(section, body[section.id]) for section in PLAN_SECTIONS]


def _key_figures(plan: PlanLike) -> str:
    """Headline numbers of the plan and how the solve went."""
    builds = plan.builds
    compute = plan.compute.sort_values("year")
    stats = plan.stats
    years = [int(year) for year in compute["year"]]
    span = f" {years[0]}–{years[-1]}" if years else ""
    modules = int(builds["modules"].sum())
    capex = float(builds["capex_musd"].sum())
    wanted = float(compute["wanted_h100e"].sum())
    unserved = float(compute["unserved_h100e"].sum())
    share = f" ({unserved / wanted:.0%} of wanted)" if wanted > 0 else ""
    sense = stats.get("objective_sense")
    unit = " musd (discounted)" if sense == "min_cost" else ""
    online = builds["online_year"].min() if len(builds) else None
    sites = len(set(builds["site"]))
    cards = [
        ("Modules started", f"{modules} at {sites} site{'s' if sites != 1 else ''}"),
        ("Capex of the new modules", f"{compact(capex * 1e6)} USD"),
        (f"Unserved compute{span}", f"{compact(unserved)} H100e{share}"),
        ("First module online", label(online)),
        ("Solver status", label(stats.get("status", "unknown"))),
        ("MIP gap", _gap(stats.get("gap"))),
        (f"Objective ({label(sense)})", f"{number(stats.get('objective'))}{unit}"),
        ("Solve time", _seconds(stats.get("solve_seconds"))),
    ]
    dl = "".join(f"<div><dt>{term}</dt><dd>{value}</dd></div>" for term, value in cards)
    timing = ", ".join(
        f"{name} {_seconds(stats.get(f'{name}_seconds'))}"
        for name in ("build", "solve", "shadow_price", "extract")
        if f"{name}_seconds" in stats
    ).replace("shadow_price", "shadow prices")
    size = (
        f"{number(stats.get('variables'))} variables ({number(stats.get('integer_variables'))} "
        f"integer), {number(stats.get('constraints'))} constraints, "
        f"{number(stats.get('projects'))} candidate projects; best bound "
        f"{number(stats.get('bound'))}"
    )
    return f"<dl class='keys'>{dl}</dl>\n<p class='note'>Model: {size}. Seconds: {timing}.</p>"


def _gap(value: object) -> str:
    """A relative MIP gap as a percentage with two decimals; an em dash when unknown."""
    gap = as_float(value)
    return "—" if gap is None or not math.isfinite(gap) else f"{gap:.2%}"


def _seconds(value: object) -> str:
    """Seconds with one decimal; an em dash when unknown."""
    seconds = as_float(value)
    return "—" if seconds is None else f"{seconds:,.1f} s"


def _musd(value: object) -> str:
    """A whole number of musd; nothing for (rounded) zero."""
    amount = as_float(value)
    return "" if amount is not None and round(amount) == 0 else number(value)


def _builds_table(plan: PlanLike) -> str:
    """One row per build, banded by region, with the total."""
    if plan.builds.empty:
        return "<p class='note'>The plan starts no module.</p>"
    names = {str(site.id): str(site.name) for site in plan.scenario.sites}
    builds = plan.builds.sort_values(["region", "site", "partner", "start_year", "resource"])
    headers = [
        ("Region", False),
        ("Site", False),
        ("Country", False),
        ("Partner", False),
        ("Resource", False),
        ("Modules", True),
        ("Start", True),
        ("Online", True),
        ("Capex [musd]", True),
    ]
    groups = [
        [
            (
                [
                    label(b.region),
                    label(names.get(str(b.site), b.site)),
                    label(b.country),
                    label(b.partner),
                    label(b.resource),
                    number(b.modules),
                    label(b.start_year),
                    label(b.online_year),
                    number(b.capex_musd),
                ],
                "",
            )
            for b in rows.itertuples(index=False)
        ]
        for _, rows in builds.groupby("region", sort=True)
    ]
    total = ["Total", "", "", "", "", number(builds["modules"].sum()), "", ""]
    groups.append([([*total, number(builds["capex_musd"].sum())], "total")])
    caption = (
        f"{len(builds)} builds (one per project and start year); capex of all the modules of "
        "a build, paid while it is built."
    )
    return html_table(headers, groups, caption, title="Builds", scroll=True)


def _funding_table(funding: pd.DataFrame) -> str:
    """Investor funding per investor (rows) and year (columns), with totals."""
    if funding.empty:
        return "<p class='note'>No investor funding.</p>"
    wide = funding.pivot_table(index="investor", columns="year", values="musd", aggfunc="sum")
    wide = wide.fillna(0.0)
    wide = wide.assign(_total=wide.sum(axis=1)).sort_values("_total", ascending=False)
    years = [int(year) for year in wide.columns if year != "_total"]
    countries = funding.groupby("investor")["country"].agg(lambda c: ", ".join(sorted(set(c))))
    headers = [
        ("Investor", False),
        *((str(year), True) for year in years),
        ("Total [musd]", True),
        ("Countries", False),
    ]
    rows = [
        (
            [
                label(investor),
                *(_musd(row[year]) for year in years),
                number(row["_total"]),
                label(countries.get(investor, "")),
            ],
            "",
        )
        for investor, row in wide.iterrows()
    ]
    total = ["Total", *(number(wide[year].sum()) for year in years)]
    rows.append(([*total, number(wide["_total"].sum()), ""], "total"))
    caption = "Investor funding per year [musd], largest investor first; blank: none."
    return html_table(headers, [rows], caption, title="Funding by investor")

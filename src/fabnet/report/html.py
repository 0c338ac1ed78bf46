"""The gap report: one self-contained HTML file that works offline.

The page (:mod:`fabnet.report._page`) inlines the world basemap and plotly.js once and
references nothing on the network; this module makes its sections. :func:`gap_sections` is also
the first part of the plan report (:mod:`fabnet.report.plan_html`). Every string that comes from
data is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from typing import TYPE_CHECKING

from fabnet.report._format import (
    as_float,
    compact,
    is_missing,
    label,
    linkify,
    number,
    percent,
    signed,
)
from fabnet.report._page import (
    Section,
    figure_html,
    generated_meta,
    html_table,
    render_page,
    write_text,
)
from fabnet.report._palette import RESOURCE_ORDER, ordered

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from fabnet.report._types import GapLike, ScenarioLike

__all__ = ["SECTIONS", "gap_sections", "render_gap_report", "write_gap_report"]


#: The report's sections, in order.
SECTIONS: tuple[Section, ...] = (
    Section("key-figures", "Key figures"),
    Section("supply-demand", "AI wafer supply and demand per resource"),
    Section("shortfall", "New compute: wanted, deliverable and short"),
    Section("fab-map", "Fabs and candidate sites"),
    Section("gap-table", "Gap per year and resource"),
    Section("euv", "EUV scanners needed"),
    Section("assumptions", "Assumptions and sources"),
)

#: Units named under the title of every report.
UNITS = "wafer figures in wspm (300 mm wafer starts per month), compute in H100e (H100-equivalents)"


def render_gap_report(gap: GapLike, *, generated: dt.date | None = None) -> str:
    """The gap report of ``gap`` as one self-contained, offline HTML document.

    Parameters
    ----------
    gap : GapLike
        A :class:`fabnet.outlook.GapResult`, or any object with its attributes
        (:class:`~fabnet.report._types.GapLike`).
    generated : datetime.date, optional
        Date shown as the generation date (default: today). Fix it for byte-identical output.

    Returns
    -------
    str
        The HTML document: title with the scenario name, fabnet version and date; key figures;
        the supply–demand, shortfall and map figures; the gap, EUV and assumptions tables.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> html = render_gap_report(gap("altman-2024"))
    >>> html.startswith("<!DOCTYPE html>"), html.count("window.PlotlyGeoAssets =")
    (True, 1)
    """
    return gap_page(f"Demand–supply gap: {label(gap.scenario.name)}", gap, [], generated=generated)


def gap_page(
    title: str,
    gap: GapLike,
    sections: list[tuple[Section, str]],
    *,
    scenario: ScenarioLike | None = None,
    units: str = UNITS,
    generated: dt.date | None = None,
) -> str:
    """One page: the gap report's sections, then ``sections``, then the assumptions (last).

    Every report (gap, plan, finance, strategies, risk) is this page with its own sections;
    ``scenario`` is described under the title (default: the gap's).
    """
    outlook = gap_sections(gap)
    return render_page(
        title=title,
        meta=generated_meta(generated, [int(year) for year in gap.years], units),
        description=scenario_description(scenario if scenario is not None else gap.scenario),
        sections=[*outlook[:-1], *sections, outlook[-1]],
    )


def write_gap_report(gap: GapLike, path: str | Path, *, generated: dt.date | None = None) -> Path:
    """Write the gap report of ``gap`` to ``path`` (UTF-8), creating its folder.

    Parameters
    ----------
    gap : GapLike
        A :class:`fabnet.outlook.GapResult` or an object with its attributes.
    path : str or Path
        The HTML file to write; an existing file is replaced.
    generated : datetime.date, optional
        Date shown as the generation date (default: today).

    Returns
    -------
    Path
        ``path``.
    """
    return write_text(render_gap_report(gap, generated=generated), path)


def gap_sections(gap: GapLike) -> list[tuple[Section, str]]:
    """The sections of the gap report (:data:`SECTIONS`) with their bodies (HTML)."""
    from fabnet.report.figures import fab_map_figure, shortfall_figure, supply_demand_figure

    body = {
        "key-figures": _key_figures(gap),
        "supply-demand": (
            "<p class='note'>AI supply is each fab's capacity × its status weight (the chance "
            "that announced and building fabs come online) × the AI share of the resource, "
            "stacked by region; the line is the wafer demand of the compute wanted.</p>"
            + figure_html(supply_demand_figure(gap), "fig-supply-demand")
        ),
        "shortfall": (
            "<p class='note'>The compute that can be delivered is limited by the resource with "
            "the lowest coverage (supply ÷ demand), the <em>binding</em> resource.</p>"
            + figure_html(shortfall_figure(gap), "fig-shortfall")
        ),
        "fab-map": figure_html(fab_map_figure(gap), "fig-fab-map"),
        "gap-table": _gap_table(gap.table),
        "euv": _euv_table(gap.euv),
        "assumptions": _assumptions_table(gap.assumptions),
    }
    return [(section, body[section.id]) for section in SECTIONS]


def scenario_description(scenario: ScenarioLike) -> str:
    """The scenario's description as a paragraph (escaped), or nothing."""
    description = scenario.description
    return "" if is_missing(description) else f"<p>{label(description)}</p>"


def _key_figures(gap: GapLike) -> str:
    """Headline numbers and the binding resource by year."""
    compute = gap.compute.sort_index()
    years = [int(year) for year in compute.index]
    installed = compute["installed_h100e"]
    cards: list[tuple[str, str]] = []
    if 2030 in years and years[-1] != 2030:
        cards.append(("Installed AI compute in 2030", f"{compact(installed.loc[2030])} H100e"))
    if years:
        cards.append(
            (f"Installed AI compute in {years[-1]}", f"{compact(installed.iloc[-1])} H100e")
        )
        wanted = float(compute["new_h100e"].sum())
        short = float(compute["shortfall_h100e"].sum())
        share = f" ({short / wanted:.0%} of new)" if wanted > 0 else ""
        cards.append((f"New compute wanted {years[0]}–{years[-1]}", f"{compact(wanted)} H100e"))
        cards.append(
            (f"Cumulative shortfall {years[0]}–{years[-1]}", f"{compact(short)} H100e{share}")
        )
        short_years = [y for y, s in zip(years, compute["shortfall_h100e"], strict=True) if s > 0]
        cards.append(("First year short", str(short_years[0]) if short_years else "none"))
    dl = "".join(f"<div><dt>{term}</dt><dd>{value}</dd></div>" for term, value in cards)
    runs = _runs(years, [label(value) for value in gap.binding.reindex(compute.index)])
    binding = "; ".join(f"{span}: <strong>{resource}</strong>" for span, resource in runs)
    return (
        f"<dl class='keys'>{dl}</dl>\n"
        f"<p><strong>Binding resource by year</strong> (lowest coverage): {binding or '—'}</p>"
    )


def _runs(years: list[int], values: list[str]) -> list[tuple[str, str]]:
    """Consecutive years with the same value, as (span, value): ``[("2024–2026", "N5"), ...]``."""
    runs: list[tuple[int, int, str]] = []
    for year, value in zip(years, values, strict=True):
        if runs and runs[-1][2] == value and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year, value)
        else:
            runs.append((year, year, value))
    return [(f"{a}" if a == b else f"{a}–{b}", value) for a, b, value in runs]


def _resource_rank(resources: pd.Series[str]) -> pd.Series[int]:
    """Sort key of resources in process order, unknown ones last."""
    rank = {resource: i for i, resource in enumerate(RESOURCE_ORDER)}
    return resources.map(lambda r: rank.get(str(r), len(rank))).astype(int)


def _gap_table(table: pd.DataFrame) -> str:
    """Demand, supply and gap per year and resource; shortfalls are marked."""
    frame = table.assign(_rank=_resource_rank(table["resource"])).sort_values(
        ["year", "_rank", "resource"]
    )
    headers = [
        ("Year", False),
        ("Resource", False),
        ("Category", False),
        ("Demand [wspm]", True),
        ("Supply [wspm]", True),
        ("Gap [wspm]", True),
        ("Coverage", True),
    ]
    groups = []
    for _, rows in frame.groupby("year", sort=True):
        body = []
        for row in rows.itertuples(index=False):
            short = round(as_float(row.gap_wspm) or 0.0) > 0
            cells = [
                label(row.year),
                label(row.resource),
                label(row.category),
                number(row.demand_wspm),
                number(row.supply_wspm),
                signed(row.gap_wspm),
                percent(row.coverage),
            ]
            body.append((cells, "short" if short else ""))
        groups.append(body)
    caption = (
        "Gap = demand − supply: <strong>+</strong> (bold) is a shortfall, − a surplus. "
        "Coverage = supply ÷ demand (— where there is no demand)."
    )
    return html_table(headers, groups, caption, title="Gap per year and resource", scroll=True)


def _euv_table(euv: pd.DataFrame) -> str:
    """EUV scanners needed per year (rows) and resource (columns), with the total."""
    if euv.empty:
        return "<p class='note'>No EUV scanners needed.</p>"
    wide = euv.pivot_table(index="year", columns="resource", values="tools", aggfunc="sum")
    resources = ordered(wide.columns)
    wide = wide[resources]
    headers = [("Year", False)] + [(label(r), True) for r in resources] + [("Total", True)]
    rows = [
        (
            [label(year)]
            + [number(row[r], 1) for r in resources]
            + [number(row.sum(skipna=True), 1)],
            "",
        )
        for year, row in wide.iterrows()
    ]
    caption = "EUV scanners needed for the AI wafer demand, per logic resource [tools]."
    return html_table(headers, [rows], caption, title="EUV scanners needed")


def _assumptions_table(assumptions: pd.DataFrame) -> str:
    """Every figure the result used, with its value, unit, source (linked), date and kind."""
    kinds = assumptions["kind"].map(label).value_counts()
    summary = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    headers = [
        ("Item", False),
        ("Value", True),
        ("Unit", False),
        ("Source", False),
        ("Date", False),
        ("Kind", False),
    ]
    rows = [
        (
            [
                label(row.item),
                _value(row.value),
                _text(row.unit),
                linkify(row.source),
                _text(row.date),
                label(row.kind),
            ],
            "",
        )
        for row in assumptions.itertuples(index=False)
    ]
    counts = f" ({summary})" if summary else ""
    caption = f"{len(assumptions)} figures{counts}. Sources are links, opened only when clicked."
    return html_table(headers, [rows], caption, title="Assumptions and sources", scroll=True)


def _value(value: object) -> str:
    """An assumption's value: whole numbers from 10,000 up grouped by thousands, else as given."""
    as_float: float | None = None
    if isinstance(value, bool):
        return label(value)
    if isinstance(value, str):
        try:
            as_float = float(value)
        except ValueError:
            return label(value)
    elif isinstance(value, numbers.Real):
        as_float = float(value)
    if as_float is not None and math.isfinite(as_float):
        if as_float.is_integer() and abs(as_float) >= 10_000:
            return number(as_float)
        if not isinstance(value, str):
            return label(f"{as_float:.6g}")
    return label(value)


def _text(value: object) -> str:
    """Escaped text, or nothing when missing."""
    return "" if is_missing(value) else label(value)

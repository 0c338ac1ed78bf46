"""The gap report's sections: key figures, supply against demand, the shortfall, the map of
fabs, the gap and EUV tables, and the assumptions with their sources.

The reports after the gap in the chain sum these sections up (:func:`gap_summary`), or show
them in full with ``full=True``; every report ends with the assumptions
(:func:`assumptions_section`, :mod:`fabnet.report._report`). Every string that comes from data
is HTML-escaped.
"""

from __future__ import annotations

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
from fabnet.report._markup import em, strong
from fabnet.report._page import Block, Cards, Section, Text, figure, table
from fabnet.report._palette import RESOURCE_ORDER, ordered

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.outlook import GapResult

__all__ = ["SECTIONS", "UNITS", "assumptions_section", "gap_sections", "gap_summary"]


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


def gap_sections(gap: GapResult) -> list[Section]:
    """The sections of the gap report (:data:`SECTIONS`, the assumptions last) with their blocks.

    Examples
    --------
    >>> from fabnet.outlook import gap
    >>> [section.id for section in gap_sections(gap("altman-2024"))][:3]
    ['key-figures', 'supply-demand', 'shortfall']
    """
    from fabnet.report.gap_figures import fab_map_figure, shortfall_figure, supply_demand_figure

    body: dict[str, list[Block]] = {
        "key-figures": _key_figures(gap),
        "supply-demand": [
            Text(
                "AI supply is each fab's capacity × its status weight (the chance that announced "
                "and building fabs come online) × the AI share of the resource, stacked by "
                "region; the line is the wafer demand of the compute wanted."
            ),
            figure(supply_demand_figure(gap), "fig-supply-demand"),
        ],
        "shortfall": [
            Text(
                "The compute that can be delivered is limited by the resource with the lowest "
                f"coverage (supply ÷ demand), the {em('binding')} resource."
            ),
            figure(shortfall_figure(gap), "fig-shortfall"),
        ],
        "fab-map": [figure(fab_map_figure(gap), "fig-fab-map")],
        "gap-table": [_gap_table(gap.table)],
        "euv": [_euv_table(gap.euv)],
    }
    outlook = [section.holding(body[section.id]) for section in SECTIONS[:-1]]
    return [*outlook, assumptions_section(gap)]


def assumptions_section(gap: GapResult) -> Section:
    """The last section of every report: the assumptions of ``gap`` with their sources."""
    return SECTIONS[-1].holding([_assumptions_table(gap.assumptions)])


def gap_summary(gap: GapResult) -> list[Block]:
    """The outlook summed up (the chain summary of the reports after it): its key figures and
    the binding resource by year, as in its key-figures section."""
    return _key_figures(gap)


def _key_figures(gap: GapResult) -> list[Block]:
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
    runs = _runs(years, [label(value) for value in gap.binding.reindex(compute.index)])
    binding = "; ".join(f"{span}: {strong(resource)}" for span, resource in runs)
    return [
        Cards(tuple(cards)),
        Text(
            f"{strong('Binding resource by year')} (lowest coverage): {binding or '—'}",
            note=False,
        ),
    ]


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


def _gap_table(gaps: pd.DataFrame) -> Block:
    """Demand, supply and gap per year and resource; shortfalls are marked."""
    frame = gaps.assign(_rank=_resource_rank(gaps["resource"])).sort_values(
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
        f"Gap = demand − supply: {strong('+')} (bold) is a shortfall, − a surplus. "
        "Coverage = supply ÷ demand (— where there is no demand)."
    )
    return table(headers, groups, caption, title="Gap per year and resource", scroll=True)


def _euv_table(euv: pd.DataFrame) -> Block:
    """EUV scanners needed per year (rows) and resource (columns), with the total."""
    if euv.empty:
        return Text("No EUV scanners needed.")
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
    return table(headers, [rows], caption, title="EUV scanners needed")


def _assumptions_table(assumptions: pd.DataFrame) -> Block:
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
    return table(headers, [rows], caption, title="Assumptions and sources", scroll=True)


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

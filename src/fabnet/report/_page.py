"""The page every report is: sections of blocks, rendered by one Jinja2 template.

A report is a title, a meta line, the scenario's description and :class:`Section` objects in
page order; a section is an anchor id, a heading and its blocks: :class:`Text` (a paragraph or a
note in small print), :class:`Cards` (key figures), :class:`Figure` (a plotly figure, made by
:func:`figure`) and :class:`Table` (made by :func:`table`). :func:`render_page` puts them into
``templates/page.html.j2`` (package data, read with :mod:`importlib.resources`), with Jinja2's
autoescaping on.

What is escaped where: the page's own fields (title, description, units, headings, table titles)
are plain text, escaped by the template; what a block holds is HTML made by
:mod:`fabnet.report._format`, which escapes every value that comes from data.

The page inlines, in ``<head>``, the world basemap (as ``window.PlotlyGeoAssets``) and then
plotly.js, once; each figure is a ``<div>`` with the script that draws it. It references nothing
on the network: no ``<script src>``, no ``<link>``, no web font, no CSS ``@import`` or ``url()``.
Sources are ordinary ``<a href>`` links, followed only when clicked. Jinja2 and plotly are
imported when a page is rendered, not when this module is imported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from fabnet.report._palette import FONT_FAMILY

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "PLOT_CONFIG",
    "TEMPLATE",
    "Block",
    "Cards",
    "Column",
    "Figure",
    "Row",
    "Section",
    "Table",
    "Text",
    "figure",
    "render_page",
    "table",
]

#: The page template, relative to the ``fabnet.report`` package.
TEMPLATE = ("templates", "page.html.j2")

#: plotly.js options of every figure (no link to plotly's cloud, SVG downloads).
PLOT_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "toImageButtonOptions": {"format": "svg"},
}


@dataclass(frozen=True)
class Text:
    """A paragraph (HTML): a note in small print, or a plain paragraph when not ``note``."""

    kind: ClassVar[str] = "text"
    html: str
    note: bool = True


@dataclass(frozen=True)
class Cards:
    """Key figures: (term, value) pairs (HTML), each shown as a card."""

    kind: ClassVar[str] = "cards"
    cards: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Figure:
    """A plotly figure: its ``<div>`` and the script that draws it (HTML), without plotly.js."""

    kind: ClassVar[str] = "figure"
    html: str


@dataclass(frozen=True)
class Column:
    """A table's column: its header (HTML) and whether it holds numbers (right-aligned)."""

    text: str
    numeric: bool

    @property
    def css(self) -> str:
        """CSS classes of its cells: ``num`` for numbers, plus the header's first word."""
        word = self.text.split(" ", maxsplit=1)[0].lower()
        return f"num {word}" if self.numeric else word


@dataclass(frozen=True)
class Row:
    """A table row: its cells (HTML) and a CSS class (``"short"``, ``"total"`` or none)."""

    cells: tuple[str, ...]
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A table under a caption (HTML); its ``title`` (plain text) labels it for screen readers.

    The bodies in ``groups`` are banded alternately; a ``scroll`` table scrolls inside a box of
    limited height under a sticky header. Build one with :func:`table`.
    """

    kind: ClassVar[str] = "table"
    columns: tuple[Column, ...]
    groups: tuple[tuple[Row, ...], ...]
    caption: str
    title: str
    scroll: bool = False


#: What a section holds.
Block = Text | Cards | Figure | Table


@dataclass(frozen=True)
class Section:
    """A section of a report: its anchor id, its heading (plain text) and its blocks."""

    id: str
    title: str
    blocks: tuple[Block, ...] = ()

    def holding(self, blocks: Iterable[Block]) -> Section:
        """This section with ``blocks``."""
        return dataclasses.replace(self, blocks=tuple(blocks))


def table(
    headers: Sequence[tuple[str, bool]],
    groups: Iterable[Iterable[tuple[Sequence[str], str]]],
    caption: str,
    *,
    title: str,
    scroll: bool = False,
) -> Table:
    """A :class:`Table` of already-escaped cells.

    ``headers`` are (text, numeric) pairs; ``groups`` are bodies of rows, each row its cells and
    a CSS class (empty for none).

    Raises
    ------
    ValueError
        A row has not one cell per header.
    """
    columns = tuple(Column(text, numeric) for text, numeric in headers)
    bodies = tuple(tuple(Row(tuple(cells), css) for cells, css in rows) for rows in groups)
    for rows in bodies:
        for row in rows:
            if len(row.cells) != len(columns):
                msg = f"a row of table {title!r} has {len(row.cells)} cells for {len(columns)}"
                raise ValueError(msg)
    return Table(columns, bodies, caption, title, scroll)


def figure(plot: object, div_id: str) -> Figure:
    """A plotly figure as a :class:`Figure` block in the ``<div>`` ``div_id``."""
    html = plot.to_html(  # type: ignore[attr-defined]
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        config=PLOT_CONFIG,
        div_id=div_id,
        default_width="100%",
    )
    return Figure(html)


def render_page(
    *,
    title: str,
    description: str | None,
    years: Sequence[int],
    units: str,
    sections: Sequence[Section],
    generated: dt.date | None = None,
) -> str:
    """A whole report page around its sections.

    Parameters
    ----------
    title : str
        The page title and ``<h1>`` (plain text).
    description : str or None
        A paragraph under the title (plain text; None or empty for none).
    years : sequence of int
        The years the report spans, named under the title.
    units : str
        The units named under the title (plain text).
    sections : sequence of Section
        In page order; the navigation lists them all.
    generated : datetime.date, optional
        The generation date shown under the title (default: today).

    Returns
    -------
    str
        The document, with the basemap and plotly.js inlined once in ``<head>``.
    """
    from fabnet import __version__
    from fabnet.report._assets import geo_assets_script, plotly_version, plotlyjs_script

    return _template().render(
        title=title,
        description=description or "",
        version=__version__,
        generated=(generated or dt.date.today()).isoformat(),
        span=f"{years[0]}–{years[-1]}" if years else "—",
        units=units,
        sections=sections,
        font_family=FONT_FAMILY,
        geo_assets=geo_assets_script(),
        plotlyjs=plotlyjs_script(),
        plotly_version=plotly_version(),
    )


@cache
def _template() -> jinja2.Template:
    """The page template, read from the package and compiled once."""
    from importlib.resources import files

    import jinja2

    source = files("fabnet.report").joinpath(*TEMPLATE).read_text(encoding="utf-8")
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.from_string(source)

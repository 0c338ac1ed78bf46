"""The inline markup of the reports (bold, code, links, line breaks), from Jinja2 macros.

The sections' paragraphs, key figures and table cells are HTML; the little markup inside them
comes from the macros of ``templates/macros.html.j2`` (package data), not from f-strings. Every
function here takes HTML that is already escaped (made by :mod:`fabnet.report._format`) and
returns HTML; an anchor id or a URL is escaped as an attribute. Jinja2 is imported when a
function is first called.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

__all__ = ["MACROS", "code", "em", "href", "lines", "link", "strong"]

#: The macros' template, relative to the ``fabnet.report`` package.
MACROS = ("templates", "macros.html.j2")


@cache
def _macros() -> Any:
    """The macros' module, read from the package and compiled once."""
    from importlib.resources import files

    import jinja2

    source = files("fabnet.report").joinpath(*MACROS).read_text(encoding="utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(source).module


def _safe(html: str) -> Any:
    """``html`` marked as safe for the macros (it is escaped already)."""
    from markupsafe import Markup

    return Markup(html)


def strong(html: str) -> str:
    """``html`` in bold.

    Examples
    --------
    >>> strong("missed")
    '<strong>missed</strong>'
    """
    return str(_macros().strong(_safe(html)))


def em(html: str) -> str:
    """``html`` in italics (emphasis).

    Examples
    --------
    >>> em("binding")
    '<em>binding</em>'
    """
    return str(_macros().em(_safe(html)))


def code(html: str) -> str:
    """``html`` as code (a command, an option).

    Examples
    --------
    >>> code("--full")
    '<code>--full</code>'
    """
    return str(_macros().code(_safe(html)))


def link(anchor: str, html: str) -> str:
    """A link to the section ``anchor`` of the same page.

    Examples
    --------
    >>> link("plan-cost", "the cost")
    "<a href='#plan-cost'>the cost</a>"
    """
    return str(_macros().link(anchor, _safe(html)))


def href(url: str, html: str) -> str:
    """A link to ``url`` (plain text, escaped here), followed only when clicked.

    Examples
    --------
    >>> href("https://example.org/?a=1&b=2", "example")
    '<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer">example</a>'
    """
    return str(_macros().href(url, _safe(html)))


def lines(items: Iterable[str]) -> str:
    """The ``items`` (HTML) one to a line.

    Examples
    --------
    >>> lines(["✓ one", "✗ two"])
    '✓ one<br>✗ two'
    """
    return str(_macros().lines([_safe(item) for item in items]))

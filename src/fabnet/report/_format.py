"""Text formatting shared by the figures and the HTML: numbers, missing values, escaped labels
and links to sources. Every function returns HTML-safe text."""

from __future__ import annotations

import math
import re
from html import escape

__all__ = ["as_float", "compact", "is_missing", "label", "linkify", "number", "percent", "signed"]

#: An http(s) URL inside free text; trailing punctuation is trimmed off by :func:`linkify`.
_URL = re.compile(r"https?://[^\s<>\"'`]+")

#: Punctuation that ends a sentence rather than a URL.
_TRAILING = ".,;:!?)]}"


def is_missing(value: object) -> bool:
    """Whether ``value`` is None, NaN or pandas' NA/NaT.

    Examples
    --------
    >>> is_missing(float("nan")), is_missing(None), is_missing(0.0), is_missing("x")
    (True, True, False, False)
    """
    import pandas as pd

    if value is None:
        return True
    if isinstance(value, str | bytes):
        return False
    missing = pd.isna(value)  # type: ignore[call-overload]
    return missing if isinstance(missing, bool) else bool(getattr(missing, "all", lambda: False)())


def as_float(value: object) -> float | None:
    """``value`` as a float, or None when it is missing or not a number."""
    if is_missing(value) or isinstance(value, bool | str):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def label(value: object) -> str:
    """Escaped text of ``value``; an em dash when missing.

    Examples
    --------
    >>> label("<b>"), label(None)
    ('&lt;b&gt;', '—')
    """
    return "—" if is_missing(value) else escape(str(value))


def number(value: object, digits: int = 0) -> str:
    """A number with thousands separators and ``digits`` decimals; an em dash when missing.

    Anything that is not a number is shown as escaped text.

    Examples
    --------
    >>> number(1234567.8), number(0.25, 2), number(float("nan")), number("n/a")
    ('1,234,568', '0.25', '—', 'n/a')
    """
    numeric = as_float(value)
    if numeric is None:
        return label(value)
    if math.isinf(numeric):
        return "∞" if numeric > 0 else "−∞"
    return f"{numeric:,.{digits}f}".replace("-", "−")


def percent(value: object) -> str:
    """A fraction as a whole percentage; an em dash when missing.

    Examples
    --------
    >>> percent(0.256), percent(float("nan"))
    ('26%', '—')
    """
    fraction = as_float(value)
    return label(value) if fraction is None else f"{fraction:.0%}".replace("-", "−")


def signed(value: object) -> str:
    """A whole number with an explicit sign (``+`` for a shortfall, ``−`` for a surplus).

    Examples
    --------
    >>> signed(1500.2), signed(-20.0), signed(0.0)
    ('+1,500', '−20', '0')
    """
    numeric = as_float(value)
    if numeric is None:
        return number(value)
    if round(numeric) == 0:
        return "0"
    return ("+" if numeric > 0 else "") + number(numeric)


def compact(value: object) -> str:
    """A large number in thousands (k), millions (M) or billions (B), 3 significant digits.

    Examples
    --------
    >>> compact(199_344_100.0), compact(1.4887e9), compact(950.0), compact(999_999.0)
    ('199 M', '1.49 B', '950', '1 M')
    """
    numeric = as_float(value)
    if numeric is None:
        return label(value)
    numeric = float(f"{numeric:.3g}")  # round first: 999,999 is "1 M", not "1e+03 k"
    for scale, suffix in ((1e12, " T"), (1e9, " B"), (1e6, " M"), (1e3, " k")):
        if abs(numeric) >= scale:
            return f"{numeric / scale:.3g}{suffix}".replace("-", "−")
    return f"{numeric:.3g}".replace("-", "−")


def _trim(url: str) -> str:
    """``url`` without the sentence punctuation after it (a ``)`` stays when it is balanced)."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def linkify(text: object) -> str:
    """Escaped ``text`` with every http(s) URL in it turned into a link.

    The links are ordinary anchors: a browser opens one only when it is clicked.

    Examples
    --------
    >>> linkify("see https://example.org/a?b=1&c=2. <ok>")  # doctest: +NORMALIZE_WHITESPACE
    'see <a href="https://example.org/a?b=1&amp;c=2"
    rel="noopener noreferrer">https://example.org/a?b=1&amp;c=2</a>. &lt;ok&gt;'
    >>> linkify("(see https://en.wikipedia.org/wiki/EUV_(disambiguation))").endswith("n)</a>)")
    True
    """
    if is_missing(text):
        return "—"
    raw = str(text)
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(raw):
        url = _trim(match.group(0))
        if len(url) <= len("https://"):
            continue
        parts.append(escape(raw[position : match.start()]))
        href = escape(url, quote=True)
        parts.append(f'<a href="{href}" rel="noopener noreferrer">{href}</a>')
        position = match.start() + len(url)
    parts.append(escape(raw[position:]))
    return "".join(parts)

"""Text formatting shared by the figures and the sections: numbers, percentages, money, IRRs,
escaped labels and links to sources. Every function returns HTML-safe text.

What is missing (None, NaN, pandas' NA/NaT: :func:`is_missing`) shows as an em dash, "—",
wherever a function does not say otherwise; never as zero.
"""

from __future__ import annotations

import math
import re
from html import escape

from fabnet.units import USD_PER_MUSD

__all__ = [
    "amount",
    "as_float",
    "blank_zero",
    "compact",
    "irr",
    "is_missing",
    "label",
    "linkify",
    "number",
    "ordinal",
    "percent",
    "rounded",
    "share",
    "signed",
    "usd",
]

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


def share(value: object) -> str:
    """A fraction as a percentage with up to three significant digits; an em dash when missing.

    Examples
    --------
    >>> share(0.05), share(0.025), share(0.95), share(None)
    ('5%', '2.5%', '95%', '—')
    """
    fraction = as_float(value)
    return label(value) if fraction is None else f"{fraction * 100:.3g}%".replace("-", "−")


def irr(value: object, note: object = None) -> str:
    """An IRR as a whole percentage; where there is none, why (``note``), else an em dash.

    Examples
    --------
    >>> irr(0.183), irr(float("nan"), "several roots: 5%, 40%"), irr(None, "")
    ('18%', 'several roots: 5%, 40%', '—')
    """
    if as_float(value) is not None:
        return percent(value)
    return "—" if is_missing(note) or not str(note) else label(note)


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``5th``, ``11th``, ``23rd``…

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 5, 11, 12, 22, 95)]
    ['1st', '2nd', '3rd', '5th', '11th', '12th', '22nd', '95th']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rounded(value: object, digits: int) -> str:
    """A number with ``digits`` decimals and no sign on a rounded zero; an em dash when missing.

    Examples
    --------
    >>> rounded(-0.004, 2), rounded(-0.004, 3), rounded(1.0302, 2), rounded(None, 2)
    ('0.00', '−0.004', '1.03', '—')
    """
    numeric = as_float(value)
    return "—" if numeric is None else number(round(numeric, digits) + 0.0, digits)


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


def amount(value: object, unit: str) -> str:
    """A value in its unit: H100e in k/M/B (:func:`compact`), anything else a whole number.

    Examples
    --------
    >>> amount(4.7e6, "H100e"), amount(52000.0, "musd")
    ('4.7 M', '52,000')
    """
    return compact(value) if unit == "H100e" else number(value)


def usd(musd: object) -> str:
    """An amount of musd in US dollars, in k/M/B/T; an em dash when missing.

    Examples
    --------
    >>> usd(16800.0), usd(-345.25), usd(-0.0), usd(float("nan"))
    ('16.8 B USD', '−345 M USD', '0 USD', '—')
    """
    amount = as_float(musd)
    return "—" if amount is None else f"{compact(amount * USD_PER_MUSD + 0.0)} USD"  # + 0.0: no −0


def blank_zero(value: object) -> str:
    """A whole number, or nothing where it rounds to zero (an empty cell of a table).

    Examples
    --------
    >>> blank_zero(1500.4), blank_zero(0.3), blank_zero(None)
    ('1,500', '', '—')
    """
    amount = as_float(value)
    return "" if amount is not None and round(amount) == 0 else number(value)


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
    from fabnet.report._markup import href

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
        parts.append(href(url, escape(url, quote=True)))
        position = match.start() + len(url)
    parts.append(escape(raw[position:]))
    return "".join(parts)

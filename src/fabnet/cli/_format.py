"""Table cells and tables as the commands print them: compute, money, shares, years, plain
numbers; one style and one unit per column, no scientific notation, nothing truncated.

Money is shown in billions of dollars (``$ B``) or, when a column holds nothing of a billion or
more, in millions (``$ M``); the unit is in the column's header (:class:`Money`), never in the
cells. Compute is in millions of H100e (``M H100e``, :func:`h100e`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "COMPUTE",
    "Money",
    "count",
    "fixed",
    "h100e",
    "header",
    "money_unit",
    "musd",
    "number",
    "pct",
    "plain",
    "table",
    "years",
]

#: The header unit of compute columns.
COMPUTE = "M H100e"

MINUS = "−"  # U+2212, as typeset


def number(value: object) -> float:
    """A table cell as a float (NaN for None or NaN)."""
    return math.nan if value is None else float(value)  # type: ignore[arg-type]


def _signed(text: str, negative: bool) -> str:
    return f"{MINUS}{text}" if negative else text


def h100e(value: object) -> str:
    """Compute [H100e] in millions, one decimal, no unit (it is in the header):
    ``12,345,678`` → ``12.3``; ``—`` when missing."""
    n = number(value)
    if math.isnan(n):
        return "—"
    shown = f"{abs(n) / 1e6:,.1f}"
    return _signed(shown, n < 0 and shown != "0.0")


@dataclass(frozen=True)
class Money:
    """A money column's unit: ``$ B`` (billions, one decimal) or ``$ M`` (millions, whole).

    Attributes
    ----------
    unit : str
        ``"$ B"`` or ``"$ M"``, for the header.
    scale : float
        musd per shown unit (1,000 or 1).
    digits : int
        Decimals shown.
    """

    unit: str
    scale: float
    digits: int

    def __call__(self, value: object) -> str:
        """*value* [musd] in this unit; ``—`` when missing."""
        n = number(value)
        if math.isnan(n):
            return "—"
        if math.isinf(n):
            return _signed("∞", n < 0)
        shown = f"{abs(n) / self.scale:,.{self.digits}f}"
        return _signed(shown, n < 0 and shown.strip("0.,") != "")

    def header(self, name: str) -> str:
        """A column header with the unit under the name: ``capex`` / ``[$ B]``."""
        return header(name, self.unit)


def header(name: str, unit: str) -> str:
    """A column header: *name*, and under it its *unit* in brackets (``[M H100e]``)."""
    return f"{name}\n[{unit}]"


BILLIONS = Money("$ B", 1e3, 1)
MILLIONS = Money("$ M", 1.0, 0)


def money_unit(values: Iterable[object]) -> Money:
    """The unit for a column of *values* [musd]: ``$ B`` when any is a billion or more
    (in size), else ``$ M``.

    >>> money_unit([12.0, -640.0]).unit, money_unit([12.0, 15_210_000.0]).unit
    ('$ M', '$ B')
    >>> money_unit([15_210_000.0])(15_210_000.0)
    '15,210.0'
    """
    sizes = [abs(number(v)) for v in values]
    finite = [v for v in sizes if math.isfinite(v)]
    return BILLIONS if finite and max(finite) >= 1e3 - 0.5 else MILLIONS


def musd(value: object) -> str:
    """Money [musd] with its unit, for prose (not a table): ``12,345`` → ``$12.3 B``,
    ``-640`` → ``−$640 M``; ``—`` when missing."""
    n = number(value)
    if math.isnan(n):
        return "—"
    unit = money_unit([n])
    shown = unit(abs(n))
    return _signed(f"${shown} {unit.unit.removeprefix('$ ')}", n < 0 and shown != unit(0.0))


def pct(value: object) -> str:
    """A share as a percentage with one decimal; ``—`` when missing."""
    n = number(value)
    return "—" if math.isnan(n) else f"{n:.1%}"


def years(value: object) -> str:
    """A duration in years with one decimal; ``never`` when missing."""
    n = number(value)
    return "never" if math.isnan(n) else f"{n:.1f}"


def plain(value: object, digits: int = 3) -> str:
    """A number with about *digits* significant digits, grouped by thousands, never in
    scientific notation: ``1234567`` → ``1,234,567``, ``0.8251`` → ``0.825``; ``—`` missing.

    >>> plain(15_214_321.7), plain(0.82513), plain(17.43), plain(-0.00041)
    ('15,214,322', '0.825', '17.4', '−0.000410')
    """
    n = number(value)
    if math.isnan(n):
        return "—"
    if math.isinf(n):
        return _signed("∞", n < 0)
    size = abs(n)
    decimals = 0 if size == 0 else max(0, digits - 1 - math.floor(math.log10(size)))
    shown = f"{size:,.{decimals}f}"
    return _signed(shown, n < 0 and shown.strip("0.,") != "")


def fixed(value: object, decimals: int = 3) -> str:
    """A number with *decimals* decimals, signed only when what is shown is not zero:
    ``-0.0004`` → ``0.000``, ``-0.25`` → ``−0.250``; ``—`` when missing."""
    n = number(value)
    if math.isnan(n):
        return "—"
    shown = f"{abs(n):,.{decimals}f}"
    return _signed(shown, n < 0 and shown.strip("0.,") != "")


def count(value: object) -> str:
    """A count (modules): whole numbers as such (``12``), fractions (a relaxed plan's) with
    :func:`plain`'s digits.

    >>> count(12.0), count(1.5)
    ('12', '1.50')
    """
    n = number(value)
    return f"{n:,.0f}" if math.isfinite(n) and n.is_integer() else plain(n)


def table(title: str, headers: Iterable[str], *, left: Iterable[str] = ()) -> Table:
    """A table as every command prints it: *title* on its own line above (wrapped at the
    console's width, not the table's), a rule under the *headers*, no outer frame (more room
    for the numbers); columns right-aligned except those in *left*. Cells wrap at spaces when
    the terminal is narrow, and are never cut short."""
    from rich import box
    from rich.markup import escape

    shown = _titled()(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    shown.heading = title  # type: ignore[attr-defined]
    lefts = set(left)
    for name in headers:
        shown.add_column(
            escape(name), justify="left" if name in lefts else "right", overflow="fold"
        )
    return shown


@functools.cache
def _titled() -> type[Table]:
    """A Rich table class that prints its heading as a line of its own above it."""
    from rich.table import Table
    from rich.text import Text

    class Titled(Table):
        heading = ""

        def __rich_console__(self, console: Any, options: Any) -> Any:
            if self.heading:
                yield Text(self.heading)
            yield from super().__rich_console__(console, options)

    return Titled

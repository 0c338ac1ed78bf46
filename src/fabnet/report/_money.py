"""One money unit per report: US dollars in billions ($ B) or in millions ($ M).

fabnet's results hold money in musd (million US dollars). A report shows all of its money in one
unit, chosen once by the magnitude of its figures (:func:`money_unit`): every axis, table header,
key figure and hover of that report uses the same :class:`Money`. Nothing here imports plotly or
pandas.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fabnet.report._format import as_float, number

__all__ = ["BILLIONS", "MILLIONS", "THRESHOLD_MUSD", "Money", "money_unit"]

#: From this largest amount up [musd] a report's money is in $ B (10,000 musd = $10 B).
THRESHOLD_MUSD = 10_000.0


@dataclass(frozen=True)
class Money:
    """A report's money unit.

    Attributes
    ----------
    symbol : str
        The unit as written in brackets after a header or axis title: ``"$ B"`` or ``"$ M"``.
    words : str
        The unit in words, for the page's meta line.
    musd : float
        musd in one unit [musd]: 1,000 for $ B, 1 for $ M.
    digits : int
        Decimals shown in tables, key figures and hovers.
    """

    symbol: str
    words: str
    musd: float
    digits: int

    @property
    def suffix(self) -> str:
        """The letter after an amount: ``"B"`` or ``"M"``."""
        return self.symbol.rsplit(" ", 1)[-1]

    @property
    def tickformat(self) -> str:
        """The d3 format of an axis in this unit (thousands separators, :attr:`digits`)."""
        return f",.{self.digits}f"

    def of(self, musd: Any) -> Any:
        """``musd`` (a number, an array or a list of numbers) in this unit.

        Examples
        --------
        >>> BILLIONS.of(16800.0), MILLIONS.of(16800.0), BILLIONS.of([500.0, 2000.0])
        (16.8, 16800.0, [0.5, 2.0])
        """
        if isinstance(musd, list | tuple):
            return [value / self.musd for value in musd]
        return musd / self.musd

    def number(self, musd: object, digits: int | None = None) -> str:
        """An amount of ``musd`` in this unit, without the unit (a table cell); an em dash when
        missing.

        Examples
        --------
        >>> BILLIONS.number(16800.0), MILLIONS.number(-345.25), BILLIONS.number(None)
        ('16.80', '−345', '—')
        """
        value = as_float(musd)
        if value is None:
            return number(musd)
        shown = self.digits if digits is None else digits
        return number(round(value / self.musd, shown) + 0.0, shown)  # + 0.0: no −0

    def blank(self, musd: object) -> str:
        """:meth:`number`, or nothing where it rounds to zero (an empty cell of a table).

        Examples
        --------
        >>> BILLIONS.blank(1500.4), BILLIONS.blank(3.0), MILLIONS.blank(-0.3), MILLIONS.blank(None)
        ('1.50', '', '', '—')
        """
        value = as_float(musd)
        if value is not None and round(value / self.musd, self.digits) == 0:
            return ""
        return self.number(musd)

    def amount(self, musd: object) -> str:
        """An amount of ``musd`` with the unit (a key figure): ``"$16.80 B"``; an em dash when
        missing.

        Examples
        --------
        >>> BILLIONS.amount(16800.0), MILLIONS.amount(-345.25), MILLIONS.amount(float("nan"))
        ('$16.80 B', '−$345 M', '—')
        """
        text = self.number(musd)
        if text == "—":
            return text
        sign, digits = ("−", text[1:]) if text.startswith("−") else ("", text)
        return f"{sign}${digits} {self.suffix}"

    def header(self, name: str, *more: str) -> str:
        """A header or axis title with the unit: ``"Capex [$ B]"``, ``"NPV [$ B, discounted]"``.

        Examples
        --------
        >>> BILLIONS.header("Capex"), MILLIONS.header("Cash flow", "undiscounted")
        ('Capex [$ B]', 'Cash flow [$ M, undiscounted]')
        """
        return f"{name} [{', '.join((self.symbol, *more))}]"

    def hover(self, field: str = "y") -> str:
        """A plotly hover template of ``%{field}`` in this unit: ``"$%{y:,.2f} B"``.

        Examples
        --------
        >>> BILLIONS.hover(), MILLIONS.hover("x")
        ('$%{y:,.2f} B', '$%{x:,.0f} M')
        """
        return f"$%{{{field}:{self.tickformat}}} {self.suffix}"


#: Billions of US dollars.
BILLIONS = Money("$ B", "billion US dollars", 1000.0, 2)

#: Millions of US dollars.
MILLIONS = Money("$ M", "million US dollars", 1.0, 0)


def money_unit(amounts_musd: Iterable[object]) -> Money:
    """The money unit of a report whose figures are ``amounts_musd`` [musd].

    $ B where the largest finite amount (in absolute value) reaches :data:`THRESHOLD_MUSD`,
    else $ M; missing amounts are skipped.

    Examples
    --------
    >>> money_unit([16800.0, -200.0]).symbol, money_unit([950.0, None]).symbol
    ('$ B', '$ M')
    >>> money_unit([]).symbol
    '$ M'
    """
    values = (as_float(value) for value in amounts_musd)
    largest = max((abs(v) for v in values if v is not None and math.isfinite(v)), default=0.0)
    return BILLIONS if largest >= THRESHOLD_MUSD else MILLIONS

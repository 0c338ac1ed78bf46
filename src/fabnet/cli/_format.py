"""Table cells as the commands print them: compute, money, shares and years."""

from __future__ import annotations

import math

__all__ = ["h100e", "musd", "number", "pct", "years"]


def h100e(value: float) -> str:
    """Compute [H100e] in millions: ``12,345,678`` → ``12.3 M``."""
    return f"{value / 1e6:,.1f} M"


def number(value: object) -> float:
    """A table cell as a float (NaN for None or NaN)."""
    return math.nan if value is None else float(value)  # type: ignore[arg-type]


def pct(value: object) -> str:
    """A share as a percentage with one decimal; ``—`` when missing."""
    n = number(value)
    return "—" if math.isnan(n) else f"{n:.1%}"


def musd(value: object) -> str:
    """Money [musd] in billions of dollars: ``12,345`` → ``$12.3 B``, ``-3,600`` → ``−$3.6 B``;
    ``—`` when missing."""
    n = number(value)
    if math.isnan(n):
        return "—"
    return f"{'−' if n < -0.05 else ''}${abs(n) / 1e3:,.1f} B"


def years(value: object) -> str:
    """A duration in years with one decimal; ``never`` when missing."""
    n = number(value)
    return "never" if math.isnan(n) else f"{n:.1f}"

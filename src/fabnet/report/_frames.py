"""Reading a result's tables the way every figure and section does: the years a result spans,
a column as floats, the names of the candidate sites.

One rule for what is missing: a column a table lacks reads as NaN (unknown: drawn as a gap,
shown as an em dash by :mod:`fabnet.report._format`), never as zero. A year a table has no row
for is another matter: where the table holds flows (capex, funding, capital calls), that year's
flow is zero, and the figures that fill it say so. Nothing here imports pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.scenario import Scenario

__all__ = ["column", "site_names", "years_of"]


def years_of(values: Iterable[Any], default: Iterable[Any] = ()) -> list[int]:
    """The distinct years among ``values``, sorted, as ints; ``default``'s when there are none.

    ``values`` is a year column or index of a result; ``default`` is usually the scenario's
    modelled years, for a result whose table is empty.

    Examples
    --------
    >>> years_of([2026, 2024, 2026.0]), years_of([], default=[2030, 2031])
    ([2024, 2026], [2030, 2031])
    """
    found = sorted({int(year) for year in values})
    return found or [int(year) for year in default]


def column(frame: pd.DataFrame, name: str) -> Any:
    """``frame[name]`` as a float array; NaN throughout when ``frame`` has no such column.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"a": [1, 2]})
    >>> column(frame, "a").tolist(), column(frame, "b").tolist()
    ([1.0, 2.0], [nan, nan])
    """
    import numpy as np

    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return frame[name].to_numpy(dtype=float)


def site_names(scenario: Scenario) -> dict[str, str]:
    """Site id → display name, for every candidate site of ``scenario``."""
    return {str(site.id): str(site.name) for site in scenario.sites}

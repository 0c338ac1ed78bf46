"""The one unit convention of fabnet, and the only place units are converted.

Lengths are in mm, areas in mm², wafers are 300 mm unless said, capacity is in wafer starts per
month (wspm), time in calendar years, money in USD millions (real, base-year dollars unless a
field says nominal), compute in H100-equivalents (H100e) of dense BF16 throughput, power in MW.
A field's name carries its unit where it could be ambiguous (``capex_musd``, ``capacity_wspm``,
``die_area_mm2``).

:data:`UNITS` is the vocabulary of units that packaged tables and scenario files may use; the
catalog check rejects any other.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

__all__ = [
    "MM2_PER_CM2",
    "MONTHS_PER_YEAR",
    "UNITS",
    "cm2_to_mm2",
    "mm2_to_cm2",
    "months_to_years",
    "musd_to_usd",
    "usd_to_musd",
    "wafers_per_year",
    "wspm_from_wafers_per_year",
]

T = TypeVar("T")

MM2_PER_CM2 = 100.0
MONTHS_PER_YEAR = 12.0
USD_PER_MUSD = 1e6

#: Units allowed in packaged tables, with their meaning.
UNITS: dict[str, str] = {
    "text": "free text",
    "id": "an identifier of another catalog entry",
    "list": "semicolon-separated identifiers",
    "year": "calendar year",
    "years": "duration in years",
    "months": "duration in months",
    "count": "a number of things",
    "fraction": "a share between 0 and 1",
    "ratio": "a dimensionless multiplier",
    "mm": "millimetres",
    "mm2": "square millimetres",
    "per_cm2": "killer defects per square centimetre",
    "wspm": "300 mm wafer starts per month",
    "usd_per_wafer": "US dollars per 300 mm wafer",
    "musd": "millions of US dollars",
    "musd_per_kwspm": "millions of US dollars per 1,000 wspm of capacity",
    "usd_per_wspm_year": "US dollars per wafer start per month of capacity, per year",
    "tools_per_kwspm": "EUV scanners per 1,000 wspm of capacity",
    "H100e": "H100-equivalents of dense BF16 throughput",
    "MW": "megawatts",
    "ML_per_day": "megalitres of water per day",
    "deg": "degrees of latitude or longitude (WGS 84)",
}


def mm2_to_cm2(area_mm2: T) -> T:
    """Convert an area from mm² to cm² (works on scalars and arrays)."""
    value: Any = area_mm2
    return cast(T, value / MM2_PER_CM2)


def cm2_to_mm2(area_cm2: T) -> T:
    """Convert an area from cm² to mm² (works on scalars and arrays)."""
    value: Any = area_cm2
    return cast(T, value * MM2_PER_CM2)


def months_to_years(months: T) -> T:
    """Convert a duration from months to years."""
    value: Any = months
    return cast(T, value / MONTHS_PER_YEAR)


def wafers_per_year(capacity_wspm: T) -> T:
    """Convert a capacity in wafer starts per month to wafers per year."""
    value: Any = capacity_wspm
    return cast(T, value * MONTHS_PER_YEAR)


def wspm_from_wafers_per_year(wafers: T) -> T:
    """Convert wafers per year to wafer starts per month."""
    value: Any = wafers
    return cast(T, value / MONTHS_PER_YEAR)


def musd_to_usd(musd: T) -> T:
    """Convert millions of US dollars to US dollars."""
    value: Any = musd
    return cast(T, value * USD_PER_MUSD)


def usd_to_musd(usd: T) -> T:
    """Convert US dollars to millions of US dollars."""
    value: Any = usd
    return cast(T, value / USD_PER_MUSD)

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
    "MAX_INSTALLED_H100E",
    "MAX_PENALTY_USD_PER_H100E",
    "MM2_PER_CM2",
    "MM2_PER_RETICLE",
    "MONTHS_PER_YEAR",
    "MW_PER_GW",
    "PER_MILLION",
    "UNITS",
    "USD_PER_BUSD",
    "WAFERS_PER_KWSPM_YEAR",
    "WSPM_PER_KWSPM",
    "busd_to_usd",
    "cm2_to_mm2",
    "from_kwspm",
    "from_millions",
    "gw_to_mw",
    "kwspm_year_musd",
    "mm2_to_cm2",
    "months_to_years",
    "musd_to_usd",
    "mw_to_gw",
    "reticles_to_mm2",
    "to_kwspm",
    "to_millions",
    "usd_to_musd",
    "wafers_per_year",
    "wspm_from_wafers_per_year",
]

T = TypeVar("T")

MM2_PER_CM2 = 100.0
#: The lithography exposure field (reticle), 26 mm × 33 mm: the largest die one exposure prints
#: and the unit in which interposers are quoted ("a 3.3× reticle interposer"). Domain reference
#: §2.2 (https://www.mooreslawisdead.com/post/the-economics-of-chiplets, 2023).
RETICLE_WIDTH_MM = 26.0
RETICLE_HEIGHT_MM = 33.0
MM2_PER_RETICLE = RETICLE_WIDTH_MM * RETICLE_HEIGHT_MM
MONTHS_PER_YEAR = 12.0
USD_PER_MUSD = 1e6
#: The planning model counts capacity in kwspm (1,000 wspm) and compute and units in millions,
#: so that its coefficients stay within a few orders of magnitude.
WSPM_PER_KWSPM = 1000.0
PER_MILLION = 1e6
MW_PER_GW = 1000.0
#: The range in which the planning model is numerically sound. Compute enters it in millions of
#: H100e, so installed compute (and new compute, which never exceeds it) up to 1e12 H100e keeps
#: every right-hand side at or below 1e6 M H100e and its wafer rows below ~1e7 kwspm, far inside
#: HiGHS's 1e20 "infinity" and its 1e-9 feasibility tolerance on the smallest rows (altman-2024
#: wants ~1.1e9 H100e in 2040: the bound leaves a factor of ~1,000). Demand beyond it is refused
#: (``demand.installed``; :func:`fabnet.outlook.demand.compute_frame` for growth paths).
MAX_INSTALLED_H100E = 1.0e12
#: Highest price of unserved compute the model is scaled for [USD per H100e] (musd per M H100e
#: in the objective): 40× the ~$25 k an H100 sold for (2023-24), so that the penalty stays
#: within ~1e6 of the cheapest cost coefficient.
MAX_PENALTY_USD_PER_H100E = 1.0e6
USD_PER_BUSD = 1e9
#: Wafers a year from 1 kwspm of capacity.
WAFERS_PER_KWSPM_YEAR = WSPM_PER_KWSPM * MONTHS_PER_YEAR

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
    "Gbit": "gigabits (10⁹ bits) of memory",
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
    "ha": "hectares of land",
    "deg": "degrees of latitude or longitude (WGS 84)",
    "flag": "yes (1) or no (0)",
}


def mm2_to_cm2(area_mm2: T) -> T:
    """Convert an area from mm² to cm² (works on scalars and arrays)."""
    value: Any = area_mm2
    return cast(T, value / MM2_PER_CM2)


def cm2_to_mm2(area_cm2: T) -> T:
    """Convert an area from cm² to mm² (works on scalars and arrays)."""
    value: Any = area_cm2
    return cast(T, value * MM2_PER_CM2)


def reticles_to_mm2(reticles: T) -> T:
    """Convert a size in reticles (26 mm × 33 mm = 858 mm² each) to mm²."""
    value: Any = reticles
    return cast(T, value * MM2_PER_RETICLE)


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


def to_kwspm(capacity_wspm: T) -> T:
    """Convert a capacity from wspm to kwspm (1,000 wspm), the planning model's unit."""
    value: Any = capacity_wspm
    return cast(T, value / WSPM_PER_KWSPM)


def from_kwspm(capacity_kwspm: T) -> T:
    """Convert a capacity from kwspm to wspm."""
    value: Any = capacity_kwspm
    return cast(T, value * WSPM_PER_KWSPM)


def to_millions(count: T) -> T:
    """Count in millions (H100e or units in the planning model)."""
    value: Any = count
    return cast(T, value / PER_MILLION)


def from_millions(millions: T) -> T:
    """Convert a count in millions back to units."""
    value: Any = millions
    return cast(T, value * PER_MILLION)


def kwspm_year_musd(usd_per_wafer: T) -> T:
    """The money [musd] of a year's wafers from 1 kwspm at a price per wafer [USD]."""
    value: Any = usd_per_wafer
    return cast(T, value * (WAFERS_PER_KWSPM_YEAR / USD_PER_MUSD))


def gw_to_mw(gw: T) -> T:
    """Convert power from GW to MW."""
    value: Any = gw
    return cast(T, value * MW_PER_GW)


def mw_to_gw(mw: T) -> T:
    """Convert power from MW to GW."""
    value: Any = mw
    return cast(T, value / MW_PER_GW)


def busd_to_usd(busd: T) -> T:
    """Convert billions of US dollars to US dollars."""
    value: Any = busd
    return cast(T, value * USD_PER_BUSD)

"""The backcast: a scenario's outlook for the years of the public record, set beside it.

(The module is ``history`` so that its name does not clash with the function
:func:`fabnet.outlook.backcast`, which the package re-exports.)

The catalog's ``record`` table holds what happened in 2023–2025: accelerators shipped per vendor
and year in units and H100e (Epoch AI's data, with its p5/p95 bands), CoWoS-class and HBM
capacity at year end, and the years each was sold out. :func:`backcast` runs :func:`gap` on the
scenario with its horizon moved to the record's years and compares three things:

1. **Compute.** fabnet's deliverable new compute per year against the record's all-vendor
   shipments without China's domestic suppliers (Huawei Ascend made at SMIC, Cambricon: the
   catalog holds no fab that could make them): within ``±tolerance`` (default 25 %) of the
   record's median?
2. **Vendors.** Units and H100e per vendor: fabnet's units made per product (``gap.demand``)
   times the year's deliverable ÷ new compute, grouped by the product's vendor (matched to the
   record's by its first word, case-insensitive). Units count accelerator packages, as Epoch
   does: a GB200 board is two (:func:`packages_per_unit`).
3. **Shortages.** For COWOS and HBM, fabnet's coverage (AI supply ÷ demand) against the record's
   flags: a year the record calls sold out should have coverage ≤ 1 (and a year it calls not
   short, coverage > 1).

The record counts H100e as Epoch does, by 8-bit OP/s ÷ 1,979 TOPS; fabnet counts dense BF16
÷ 989.4 TFLOPS. The two ratios are the same for most chips (both are the H100 SXM's dense
figures, and most accelerators double their throughput from BF16 to 8 bit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from fabnet.catalog import Catalog, load_catalog
from fabnet.exceptions import ParameterError
from fabnet.outlook.balance import GapResult, gap
from fabnet.outlook.supply import _year_end, scenario_fabs, status_weight
from fabnet.results import Parts, Result
from fabnet.scenario import Product, Scenario, load_scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ALL_VENDORS",
    "RESOURCES",
    "TOLERANCE",
    "Backcast",
    "Verdict",
    "backcast",
    "packages_per_unit",
    "ratio_text",
]

#: The share by which deliverable compute may miss the record and still reproduce it.
TOLERANCE = 0.25
#: The record's all-vendor series the compute check compares with: Epoch's vendors without
#: China's domestic suppliers, which fabnet's supply cannot make.
ALL_VENDORS = "all-ex-china"
#: The resources whose shortage the record tells.
RESOURCES = ("COWOS", "HBM")


def ratio_text(value: object) -> str:
    """fabnet ÷ record as ``×0.94``; ``—`` when missing (None or NaN).

    Examples
    --------
    >>> ratio_text(0.9412), ratio_text(float("nan")), ratio_text(None)
    ('×0.94', '—', '—')
    """
    n = math.nan if value is None else float(value)  # type: ignore[arg-type]
    return "—" if math.isnan(n) else f"×{n:.2f}"


COMPUTE_COLUMNS = [
    "record_h100e",
    "record_p5_h100e",
    "record_p95_h100e",
    "record_vendors",
    "new_h100e",
    "deliverable_h100e",
    "ratio",
    "within",
]
VENDOR_COLUMNS = [
    "year",
    "vendor",
    "china_domestic",
    "record_units",
    "record_h100e",
    "record_p5_h100e",
    "record_p95_h100e",
    "fabnet_units",
    "fabnet_h100e",
    "units_ratio",
    "h100e_ratio",
]
RESOURCE_COLUMNS = [
    "year",
    "resource",
    "demand_wspm",
    "ai_supply_wspm",
    "coverage",
    "capacity_wspm",
    "record_capacity_wspm",
    "record_low_wspm",
    "record_high_wspm",
    "record_series",
    "record_short",
    "fabnet_short",
    "agree",
]


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check of the backcast: ``check`` (``"compute"`` or a resource),
    whether it ``passed``, and one line that says why."""

    check: str
    passed: bool
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, repr=False)
class Backcast(Result):
    """A scenario's outlook for the record's years beside the public record. Build it with
    :func:`backcast`.

    Attributes
    ----------
    scenario : Scenario
        The scenario as given (its own horizon).
    outlook : GapResult
        :func:`gap` of the scenario with the horizon moved to the record's years.
    years : list of int
        The record's years.
    tolerance : float
        How far deliverable compute may miss the record and still reproduce it [fraction].
    compute : DataFrame
        Indexed by ``year``: the record's all-vendor shipments without China's domestic
        suppliers (``record_h100e`` median, ``record_p5_h100e``, ``record_p95_h100e``
        [H100e]; ``record_vendors``, the vendors the record covers that year), fabnet's
        ``new_h100e`` and ``deliverable_h100e`` [H100e], ``ratio`` (deliverable ÷ record) and
        ``within`` (``|ratio − 1| ≤ tolerance``).
    vendors : DataFrame
        Per (year, vendor): ``china_domestic`` (left out of the compute check), the record's
        ``record_units`` [units] and ``record_h100e`` (with p5/p95) [H100e], fabnet's
        ``fabnet_units`` (accelerator packages: :func:`packages_per_unit`) and ``fabnet_h100e``
        (units made × deliverable ÷ new), and their ratios
        (fabnet ÷ record). A vendor of fabnet's products that the record lacks (``generic``)
        has no record figures.
    resources : DataFrame
        Per (year, resource) for COWOS and HBM: fabnet's ``demand_wspm``, ``ai_supply_wspm``
        (during the year, AI share) and ``coverage`` (AI supply ÷ demand), its catalog fabs'
        ``capacity_wspm`` at year end (status-weighted, every use), the record's
        ``record_capacity_wspm`` at year end (the sum of its series, named in
        ``record_series``) with ``record_low_wspm``/``record_high_wspm``, ``record_short``
        (the record's flag; NA without one), ``fabnet_short`` (coverage ≤ 1) and ``agree``.
    record : DataFrame
        The record table as the catalog holds it: every figure with its source, date and kind.
    verdicts : tuple of Verdict
        One per check: ``compute``, then each resource of :data:`RESOURCES`.
    """

    scenario: Scenario
    outlook: GapResult = field(repr=False)
    years: list[int]
    tolerance: float
    compute: pd.DataFrame = field(repr=False)
    vendors: pd.DataFrame = field(repr=False)
    resources: pd.DataFrame = field(repr=False)
    record: pd.DataFrame = field(repr=False)
    verdicts: tuple[Verdict, ...]

    KIND: ClassVar[str] = "backcast"
    TITLE: ClassVar[str] = "backcast"
    LEGACY_FILES: ClassVar[tuple[str, ...]] = ()

    @property
    def passed(self) -> bool:
        """Whether every check reproduced the record."""
        return all(verdict.passed for verdict in self.verdicts)

    def headline(self) -> dict[str, Any]:
        """Whether every check reproduced the record, and each check's verdict."""
        out: dict[str, Any] = {"scenario": self.scenario.name, "passed": self.passed}
        ratios = self.compute["ratio"]
        out |= {
            f"compute_ratio_{year}": float(r) for year, r in zip(ratios.index, ratios, strict=True)
        }
        out |= {f"{v.check.lower()}_passed": bool(v.passed) for v in self.verdicts}
        return out

    def _parts(self) -> Parts:
        import pandas as pd

        verdicts = pd.DataFrame(
            {
                "check": pd.Series([v.check for v in self.verdicts], dtype="str"),
                "passed": pd.Series([v.passed for v in self.verdicts], dtype=bool),
                "text": pd.Series([v.text for v in self.verdicts], dtype="str"),
            }
        )
        return Parts(
            tables={
                "compute": self.compute,
                "vendors": self.vendors,
                "resources": self.resources,
                "verdicts": verdicts,
                "record": self.record,
            },
            meta={"years": list(self.years), "tolerance": self.tolerance},
            scenario=self.scenario,
            children={"outlook": self.outlook},
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> Backcast:
        assert parts.scenario is not None
        outlook = parts.child("outlook", GapResult)
        verdicts = parts.table("verdicts")
        assert verdicts is not None
        return cls(
            scenario=parts.scenario,
            outlook=outlook,
            years=[int(y) for y in parts.meta["years"]],
            tolerance=float(parts.meta["tolerance"]),
            compute=parts.table("compute"),
            vendors=parts.table("vendors"),
            resources=parts.table("resources"),
            record=parts.table("record"),
            verdicts=tuple(
                Verdict(str(c), bool(p), str(x))
                for c, p, x in zip(
                    verdicts["check"], verdicts["passed"], verdicts["text"], strict=True
                )
            ),
        )


#: The files an older fabnet's ``Backcast.to_csv`` wrote (such a folder may be replaced).
BACKCAST_FILES = tuple(
    f"{name}.csv"
    for name in (
        "backcast-compute",
        "backcast-vendors",
        "backcast-resources",
        "backcast-verdicts",
        "record",
    )
)
Backcast.LEGACY_FILES = BACKCAST_FILES


def backcast(
    scenario: Scenario | str | Path,
    *,
    catalog: Catalog | None = None,
    tolerance: float = TOLERANCE,
) -> Backcast:
    """The scenario's outlook for the record's years (2023–2025) beside the public record.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A loaded scenario, a built-in name or a scenario file.
    catalog : Catalog, optional
        The reference catalog with its ``record`` table (default: the packaged one).
    tolerance : float
        How far deliverable compute may miss the record's median and still reproduce it
        [fraction], default 0.25 (±25 %).

    Returns
    -------
    Backcast

    Raises
    ------
    ParameterError
        ``tolerance`` is not in (0, 1], or the scenario cannot be evaluated from the record's
        first year (its demand or supply fails there).

    Examples
    --------
    >>> import fabnet
    >>> result = fabnet.backcast("altman-2024")
    >>> result.years
    [2023, 2024, 2025]
    >>> [verdict.check for verdict in result.verdicts]
    ['compute', 'COWOS', 'HBM']
    """
    if not 0.0 < tolerance <= 1.0:
        raise ParameterError("tolerance", "in (0, 1]", tolerance)
    catalog = catalog or load_catalog()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, catalog=catalog)
    years = sorted(catalog.trajectory("record", ALL_VENDORS, "h100e"))
    if not years:
        raise ParameterError(f"record.csv: {ALL_VENDORS}.h100e", "given for some year", None)
    outlook = _outlook(scenario, catalog, years)
    compute = _compute(outlook, catalog, years, tolerance)
    vendors = _vendors(outlook, catalog, years)
    resources = _resources(outlook, catalog, years)
    return Backcast(
        scenario=scenario,
        outlook=outlook,
        years=years,
        tolerance=tolerance,
        compute=compute,
        vendors=vendors,
        resources=resources,
        record=catalog.frame("record"),
        verdicts=(_compute_verdict(compute, tolerance), *_resource_verdicts(resources)),
    )


def _outlook(scenario: Scenario, catalog: Catalog, years: list[int]) -> GapResult:
    """:func:`gap` of ``scenario`` over ``years`` (a re-validated copy with that horizon)."""
    import pydantic

    first, last = years[0], years[-1]
    horizon = {"start_year": first, "end_year": max(last, first + 1), "step_years": 1}

    def unevaluable(reason: str) -> ParameterError:
        allowed = (
            f"a year {scenario.name} can be evaluated from, to backcast the record from {first};"
            f" from {first}: {' '.join(reason.split())}"
        )
        return ParameterError("horizon.start_year", allowed, first)

    try:
        moved = Scenario.model_validate({**scenario.model_dump(), "horizon": horizon})
        outlook = gap(moved, catalog=catalog)
    except (pydantic.ValidationError, ParameterError) as exc:
        raise unevaluable(str(exc)) from exc
    new = outlook.compute["new_h100e"].reindex(years)
    if not all(math.isfinite(value) and value >= 0.0 for value in new):
        raise unevaluable(f"new compute {new.round().to_dict()} [H100e]")
    return outlook


def _trajectory(catalog: Catalog, series: str, parameter: str, year: int) -> float:
    """One by-year figure of a record series; NaN where the record has none."""
    return catalog.trajectory("record", series, parameter).get(year, math.nan)


def _series(catalog: Catalog, metric: str) -> list[str]:
    """The record's series that measure ``metric``, in file order."""
    return [s for s in catalog.ids("record") if catalog.get("record", s)["metric"] == metric]


def _shipment_vendors(catalog: Catalog) -> list[tuple[str, str, bool]]:
    """The record's vendor series: (series, vendor, China-domestic)."""
    out = []
    for series in _series(catalog, "shipments"):
        entry = catalog.get("record", series)
        if "vendor" in entry:
            out.append((series, str(entry["vendor"]), entry.get("china_domestic", 0.0) == 1.0))
    return out


def _compute(
    outlook: GapResult, catalog: Catalog, years: list[int], tolerance: float
) -> pd.DataFrame:
    """The year table: the record's all-vendor H100e beside fabnet's deliverable compute."""
    import pandas as pd

    new = outlook.compute["new_h100e"].to_dict()
    deliverables = outlook.compute["deliverable_h100e"].to_dict()
    rows = []
    for year in years:
        record = _trajectory(catalog, ALL_VENDORS, "h100e", year)
        covered = [
            vendor
            for series, vendor, domestic in _shipment_vendors(catalog)
            if not domestic and math.isfinite(_trajectory(catalog, series, "h100e", year))
        ]
        deliverable = float(deliverables[year])
        ratio = deliverable / record if record > 0 else math.nan
        rows.append(
            (
                record,
                _trajectory(catalog, ALL_VENDORS, "h100e_p5", year),
                _trajectory(catalog, ALL_VENDORS, "h100e_p95", year),
                ", ".join(covered),
                float(new[year]),
                deliverable,
                ratio,
                bool(abs(ratio - 1.0) <= tolerance),
            )
        )
    return pd.DataFrame(rows, index=pd.Index(years, name="year"), columns=COMPUTE_COLUMNS)


def _match(vendor: str, known: list[str]) -> str:
    """The record's vendor a product's vendor is (same first word, any case), else itself."""
    words = vendor.split()
    first = words[0].casefold() if words else ""
    return next((k for k in known if k.split()[0].casefold() == first), vendor)


def packages_per_unit(product: str, products: dict[str, Product]) -> int:
    """Accelerator packages in one unit of ``product``, as the record counts units: a product
    with parts counts its parts that are accelerators (a GB200 board, B200 + B200 + Grace, is
    two), any other product one.

    Examples
    --------
    >>> from fabnet.scenario import load_scenario
    >>> products = {p.id: p for p in load_scenario("altman-2024").products}
    >>> board = products["B200"].model_copy(update={"id": "GB200", "parts": ["B200", "B200"]})
    >>> products["GB200"] = board
    >>> packages_per_unit("GB200", products), packages_per_unit("H100", products)
    (2, 1)
    """
    parts = products[product].parts if product in products else None
    if not parts:
        return 1
    return sum(
        packages_per_unit(part, products)
        for part in parts
        if part in products and products[part].role == "accelerator"
    )


def _vendors(outlook: GapResult, catalog: Catalog, years: list[int]) -> pd.DataFrame:
    """Per (year, vendor): the record's units and H100e beside fabnet's."""
    import numpy as np
    import pandas as pd

    record = _shipment_vendors(catalog)
    known = [vendor for _, vendor, _ in record]
    flows = outlook.compute.reindex(years)
    new = flows["new_h100e"].to_numpy(dtype=float)
    delivered = flows["deliverable_h100e"].to_numpy(dtype=float)
    share = pd.Series(np.divide(delivered, new, out=np.ones_like(new), where=new > 0), index=years)
    units = outlook.demand.groupby(["year", "product"])["units"].first().reset_index()
    units = units[units["year"].isin(years)]
    products = outlook.products
    units["vendor"] = units["product"].map(lambda p: _match(str(products.loc[p, "vendor"]), known))
    made_units = units["units"] * units["year"].map(share)
    units["fabnet_h100e"] = made_units * units["product"].map(products["h100e_per_unit"])
    defined = {p.id: p for p in outlook.scenario.products}
    packages = {p: packages_per_unit(p, defined) for p in units["product"].unique()}
    units["fabnet_units"] = made_units * units["product"].map(packages)
    made = units.groupby(["year", "vendor"])[["fabnet_units", "fabnet_h100e"]].sum()
    rows = []
    for year in years:
        for series, vendor, domestic in record:
            rows.append(
                {
                    "year": year,
                    "vendor": vendor,
                    "china_domestic": domestic,
                    "record_units": _trajectory(catalog, series, "units", year),
                    "record_h100e": _trajectory(catalog, series, "h100e", year),
                    "record_p5_h100e": _trajectory(catalog, series, "h100e_p5", year),
                    "record_p95_h100e": _trajectory(catalog, series, "h100e_p95", year),
                }
            )
        others = sorted(v for y, v in made.index if y == year and v not in known)
        rows += [{"year": year, "vendor": vendor, "china_domestic": False} for vendor in others]
    frame = pd.DataFrame(rows)
    frame = frame.join(made, on=["year", "vendor"])
    frame[["fabnet_units", "fabnet_h100e"]] = frame[["fabnet_units", "fabnet_h100e"]].fillna(0.0)
    compared = ~frame["china_domestic"].astype(bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["units_ratio"] = (frame["fabnet_units"] / frame["record_units"]).where(compared)
        frame["h100e_ratio"] = (frame["fabnet_h100e"] / frame["record_h100e"]).where(compared)
    return frame.reindex(columns=VENDOR_COLUMNS)


def _year_end_capacity(outlook: GapResult, catalog: Catalog, resource: str, year: int) -> float:
    """The capacity of the scenario's fabs of ``resource`` at the end of ``year``, weighted by
    status (as the supply counts them), before the AI share [wspm]."""
    scenario = outlook.scenario
    total = 0.0
    for fab in scenario_fabs(scenario, catalog):
        if fab.resource != resource or (fab.retire_year is not None and year >= fab.retire_year):
            continue
        total += status_weight(fab, scenario.supply.announced) * _year_end(fab.capacity_wspm, year)
    return total


def _record_capacity(
    catalog: Catalog, series: list[str], year: int
) -> tuple[float, float, float, list[str]]:
    """The record's capacity at the end of ``year``: the sum over ``series`` that give one, with
    its low and high (a series without a bound counts its value), and the series summed."""
    given = [s for s in series if math.isfinite(_trajectory(catalog, s, "capacity_wspm", year))]
    if not given:
        return math.nan, math.nan, math.nan, []
    totals = []
    for parameter in ("capacity_wspm", "capacity_low_wspm", "capacity_high_wspm"):
        values = [_trajectory(catalog, s, parameter, year) for s in given]
        fallback = [_trajectory(catalog, s, "capacity_wspm", year) for s in given]
        totals.append(
            sum(v if math.isfinite(v) else f for v, f in zip(values, fallback, strict=True))
        )
    return totals[0], totals[1], totals[2], given


def _record_short(catalog: Catalog, series: list[str], year: int) -> bool | None:
    """Whether the record calls ``year`` sold out (any of ``series``); None without a flag."""
    flags = [_trajectory(catalog, s, "short", year) for s in series]
    found = [flag for flag in flags if math.isfinite(flag)]
    return None if not found else max(found) == 1.0


def _resources(outlook: GapResult, catalog: Catalog, years: list[int]) -> pd.DataFrame:
    """Per (year, resource) of :data:`RESOURCES`: fabnet's coverage and capacity beside the
    record's capacity and shortage flag."""
    import pandas as pd

    gaps = outlook.table
    cells = {
        (int(year), str(resource)): (float(demand), float(supply), float(coverage))
        for year, resource, demand, supply, coverage in zip(
            gaps["year"],
            gaps["resource"],
            gaps["demand_wspm"],
            gaps["supply_wspm"],
            gaps["coverage"],
            strict=True,
        )
    }

    def of(metric: str, resource: str) -> list[str]:
        """The record's series of ``metric`` for ``resource``, without parts of another."""
        entries = {s: catalog.get("record", s) for s in _series(catalog, metric)}
        return [
            s for s, e in entries.items() if e.get("resource") == resource and "part_of" not in e
        ]

    rows = []
    for resource in RESOURCES:
        capacity, shortage = of("capacity", resource), of("shortage", resource)
        for year in years:
            demand, supply, coverage = cells.get((year, resource), (0.0, 0.0, math.nan))
            value, low, high, summed = _record_capacity(catalog, capacity, year)
            short = _record_short(catalog, shortage, year)
            fabnet_short = math.isfinite(coverage) and coverage <= 1.0
            rows.append(
                (
                    year,
                    resource,
                    demand,
                    supply,
                    coverage,
                    _year_end_capacity(outlook, catalog, resource, year),
                    value,
                    low,
                    high,
                    " + ".join(summed),
                    short,
                    fabnet_short,
                    None if short is None else fabnet_short == short,
                )
            )
    frame = pd.DataFrame(rows, columns=RESOURCE_COLUMNS)
    return frame.astype({"record_short": "boolean", "agree": "boolean"})


def _compute_verdict(compute: pd.DataFrame, tolerance: float) -> Verdict:
    """Whether deliverable compute is within the tolerance of the record in every year."""
    within = compute["within"].astype(bool)
    ratios = ", ".join(f"{year} {ratio_text(r)}" for year, r in compute["ratio"].items())
    passed = bool(within.all())
    text = (
        f"Deliverable compute within ±{tolerance * 100:g} % of the record (all vendors without"
        f" China's domestic suppliers) in {int(within.sum())} of {len(within)} years"
        f" (fabnet ÷ record: {ratios}): {'reproduced' if passed else 'not reproduced'}."
    )
    return Verdict("compute", passed, text)


def _resource_verdicts(resources: pd.DataFrame) -> list[Verdict]:
    """Per resource: whether fabnet is short (coverage ≤ 1) in the years the record says so."""
    verdicts = []
    for resource in RESOURCES:
        rows = resources[resources["resource"] == resource]
        flagged = rows[rows["record_short"].notna()]
        short = [int(y) for y in flagged.loc[flagged["record_short"].astype(bool), "year"]]
        fabnet = [int(y) for y in flagged.loc[flagged["fabnet_short"], "year"]]
        passed = bool(flagged["agree"].astype(bool).all())
        coverage = ", ".join(
            f"{year} {value:.2f}"
            for year, value in zip(rows["year"].tolist(), rows["coverage"].tolist(), strict=True)
        )
        said = ", ".join(map(str, short)) or "no year"
        shown = ", ".join(map(str, fabnet)) or "no year"
        text = (
            f"{resource}: sold out in the record in {said}; fabnet's coverage ≤ 1 in {shown}"
            f" (coverage {coverage}): {'reproduced' if passed else 'not reproduced'}."
        )
        verdicts.append(Verdict(resource, passed, text))
    return verdicts

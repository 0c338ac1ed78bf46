"""The gap: demand − supply per resource and year, the binding resource, and the compute that
cannot be delivered.

Demand for every resource is proportional to the new compute wanted (the mix fixes how much of
each resource one H100e needs), so the resources act like a Leontief production function: with
``c_r = supply_r / demand_r`` the share of year ``t``'s requirement that resource ``r`` covers, the
new compute that can be delivered is ``N(t) · min(1, min_r c_r)`` and the resource with the lowest
``c_r`` is *binding*. The shortfall is what cannot be delivered, in H100e.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from fabnet.catalog import Catalog, load_catalog
from fabnet.outlook.demand import demand_frames, euv_frame
from fabnet.outlook.supply import supply_frame
from fabnet.results import Parts, Result
from fabnet.scenario import Scenario, load_scenario, provenance

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

TABLE_COLUMNS = [
    "year",
    "resource",
    "category",
    "demand_wspm",
    "supply_wspm",
    "gap_wspm",
    "coverage",
]


@dataclass(frozen=True, repr=False)
class GapResult(Result):
    """The demand–supply outlook of a scenario. Build it with :func:`gap`.

    A :class:`~fabnet.results.Result`: ``to_xarray`` (the tables, and AI supply per region and
    demand per product on the ``year × resource`` grid), ``to_netcdf``, ``save(folder, format)``
    and :func:`fabnet.open_result`; ``headline()``.

    Attributes
    ----------
    scenario : Scenario
    years : list of int
    table : DataFrame
        Per (year, resource): ``demand_wspm``, ``supply_wspm`` (AI share), ``gap_wspm``
        (positive: shortfall), ``coverage`` (supply/demand; NaN without demand).
    supply : DataFrame
        Per (year, fab): capacity, status weight, AI share and AI capacity [wspm].
    demand : DataFrame
        Per (year, product, resource, item): units, good items needed and per wafer, wafers.
    compute : DataFrame
        Per year: installed, retired, new, deliverable and shortfall compute [H100e], binding
        resource (``"none"`` in a year without demand).
    euv : DataFrame
        EUV scanners needed per (year, logic resource).
    assumptions : DataFrame
        Every figure used: ``item, value, unit, source, date, kind``.
    products : DataFrame
        Index ``product``: every product the mix uses (the generic successors of
        ``demand.successors`` included): vendor, launch_year, h100e_per_unit, generated (bool).
    mix : DataFrame
        Index ``(product, year)``: ``share`` of each year's new compute [fraction]
        (:func:`fabnet.outlook.roadmap.product_mix`, long; :meth:`mix_wide` pivots it).
    """

    scenario: Scenario
    years: list[int]
    table: pd.DataFrame = field(repr=False)
    supply: pd.DataFrame = field(repr=False)
    demand: pd.DataFrame = field(repr=False)
    compute: pd.DataFrame = field(repr=False)
    euv: pd.DataFrame = field(repr=False)
    assumptions: pd.DataFrame = field(repr=False)
    products: pd.DataFrame = field(repr=False)
    mix: pd.DataFrame = field(repr=False)

    KIND: ClassVar[str] = "gap"
    TITLE: ClassVar[str] = "gap"
    LEGACY_FILES: ClassVar[tuple[str, ...]] = ()

    @property
    def binding(self) -> pd.Series:
        """The binding (lowest-coverage) resource per year."""
        return self.compute["binding"]

    @property
    def shortfall_h100e(self) -> float:
        """New compute that cannot be delivered over the horizon [H100e]."""
        return float(self.compute["shortfall_h100e"].sum())

    def mix_wide(self) -> pd.DataFrame:
        """:attr:`mix` with one column per year (index ``product``) [fraction]."""
        wide = self.mix["share"].unstack("year")
        wide.columns = [int(year) for year in wide.columns]
        return wide.reindex(index=list(dict.fromkeys(self.mix.index.get_level_values(0))))

    def headline(self) -> dict[str, Any]:
        """The horizon, the new compute wanted, deliverable and short [H100e], and the resource
        that binds most often."""
        compute = self.compute
        binding = compute["binding"][compute["binding"] != NO_BINDING]
        return {
            "scenario": self.scenario.name,
            "first_year": int(self.years[0]),
            "last_year": int(self.years[-1]),
            "new_h100e": float(compute["new_h100e"].sum()),
            "deliverable_h100e": float(compute["deliverable_h100e"].sum()),
            "shortfall_h100e": self.shortfall_h100e,
            "binding_most_years": str(binding.mode().iloc[0]) if len(binding) else NO_BINDING,
            "years_short": int((compute["shortfall_h100e"] > 0).sum()),
        }

    def _parts(self) -> Parts:
        return Parts(
            tables={
                "gap": self.table,
                "compute": self.compute,
                "supply": self.supply,
                "demand": self.demand,
                "euv": self.euv,
                "assumptions": self.assumptions,
                "products": self.products,
                "mix": self.mix,
            },
            meta={"years": list(self.years)},
            scenario=self.scenario,
            keys={"gap": ("year", "resource"), "euv": ("year", "resource")},
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> GapResult:
        assert parts.scenario is not None
        return cls(
            scenario=parts.scenario,
            years=[int(y) for y in parts.meta["years"]],
            table=parts.table("gap"),
            supply=parts.table("supply"),
            demand=parts.table("demand"),
            compute=parts.table("compute"),
            euv=parts.table("euv"),
            assumptions=parts.table("assumptions"),
            products=parts.table("products"),
            mix=parts.table("mix"),
        )

    def _views(self) -> dict[str, xr.DataArray]:
        """AI supply per region and demand per product, each per (year, resource) [wspm]."""
        import xarray as xr

        by_region = self.supply.groupby(["year", "resource", "region"])["ai_capacity_wspm"].sum()
        by_product = self.demand.groupby(["year", "resource", "product"])["wspm"].sum()
        region = xr.DataArray.from_series(by_region).fillna(0.0)
        product = xr.DataArray.from_series(by_product).fillna(0.0)
        region.attrs.update(units="wspm", long_name="AI supply by region")
        product.attrs.update(units="wspm", long_name="demand by product")
        return {"supply_by_region_wspm": region, "demand_by_product_wspm": product}


#: The files an older fabnet's ``GapResult.to_csv`` wrote (such a folder may be replaced).
GAP_FILES = tuple(
    f"{name}.csv" for name in ("gap", "compute", "supply", "demand", "euv", "assumptions")
)
GapResult.LEGACY_FILES = GAP_FILES


#: The binding resource of a year without demand.
NO_BINDING = "none"


def balance(
    demand: pd.DataFrame, supply: pd.DataFrame, compute: pd.DataFrame, catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gap table and the compute table (with deliverable, shortfall and binding)."""
    import numpy as np
    import pandas as pd

    wanted = demand.groupby(["year", "resource"])["wspm"].sum().rename("demand_wspm")
    available = supply.groupby(["year", "resource"])["ai_capacity_wspm"].sum().rename("supply_wspm")
    table = pd.concat([wanted, available], axis=1).fillna(0.0).reset_index()
    table = table[table["year"].isin(compute.index)]
    table["category"] = table["resource"].map(
        lambda r: str(catalog.get("resources", r)["category"])
    )
    demand_wspm = table["demand_wspm"].to_numpy(dtype=float)
    supply_wspm = table["supply_wspm"].to_numpy(dtype=float)
    table["demand_wspm"], table["supply_wspm"] = demand_wspm, supply_wspm
    table["gap_wspm"] = demand_wspm - supply_wspm
    # Without demand there is no ratio (never 0/0): NaN, and the resource binds nothing.
    with np.errstate(divide="ignore", invalid="ignore"):
        table["coverage"] = np.where(demand_wspm > 0, supply_wspm / demand_wspm, np.nan)
    table = table[TABLE_COLUMNS].sort_values(["year", "resource"]).reset_index(drop=True)

    covered = table[table["demand_wspm"] > 0]
    tightest = covered.loc[covered.groupby("year")["coverage"].idxmin()].set_index("year")
    compute = compute.copy()
    ratio = tightest["coverage"].reindex(compute.index).clip(upper=1.0).fillna(1.0)
    compute["deliverable_h100e"] = compute["new_h100e"] * ratio
    compute["shortfall_h100e"] = compute["new_h100e"] - compute["deliverable_h100e"]
    # A year without demand has no binding resource.
    compute["binding"] = tightest["resource"].reindex(compute.index).fillna(NO_BINDING)
    return table, compute


def _assumptions(scenario: Scenario, catalog: Catalog) -> pd.DataFrame:
    """Every figure the outlook uses, with its source: the scenario's own, then the catalog's."""
    import pandas as pd

    own = f"scenario {scenario.name}"
    d = scenario.demand
    rows: list[tuple[str, object, str, str, str, str]] = []
    if d.installed.table is not None:
        rows += [
            (f"demand.installed.table@{y}", v, "H100e", own, "", "scenario")
            for y, v in sorted(d.installed.table.items())
        ]
    else:
        rows.append(
            ("demand.installed.base_h100e", d.installed.base_h100e, "H100e", own, "", "scenario")
        )
        rows.append(
            ("demand.installed.base_year", d.installed.base_year, "year", own, "", "scenario")
        )
    rows += [
        (f"demand.installed.growth@{y}", g, "ratio", own, "", "scenario")
        for y, g in sorted((d.installed.growth or {}).items())
    ]
    if d.limits is not None:
        source = d.limits.source or own
        for name, unit in (
            ("power_gw", "GW"),
            ("h100e_per_mw", "H100e/MW"),
            ("spend_busd", "USD B"),
            ("usd_per_h100e", "USD"),
        ):
            rows += [
                (f"demand.limits.{name}@{y}", v, unit, source, "", "scenario")
                for y, v in sorted((getattr(d.limits, name) or {}).items())
            ]
    for spec in d.successors:
        for name, value in spec.model_dump(exclude={"source", "after"}).items():
            rows.append(
                (f"demand.successors.{spec.after}.{name}", value, "", spec.source, "", "estimate")
            )
    rows.append(("demand.service_life_years", d.service_life_years, "years", own, "", "scenario"))
    rows.append(("demand.yield_model", d.yield_model, "text", own, "", "scenario"))
    rows += [
        (f"demand.mix.{p}@{y}", s, "fraction", own, "", "scenario")
        for p, path in d.mix.items()
        for y, s in sorted(path.items())
    ]
    for resource, share in scenario.supply.ai_share.items():
        points = share.items() if isinstance(share, dict) else [(None, share)]
        rows += [
            (
                f"supply.ai_share.{resource}" + ("" if y is None else f"@{y}"),
                v,
                "fraction",
                own,
                "",
                "scenario",
            )
            for y, v in points
        ]
    rows.append(("supply.announced", scenario.supply.announced, "text", own, "", "scenario"))
    from fabnet.outlook.roadmap import product_mix

    listed = {p.id for p in scenario.products}
    generated = [p for pid, p in product_mix(scenario)[0].items() if pid not in listed]
    for product in [*scenario.products, *generated]:
        if (product.source or "").startswith("catalog:"):
            continue  # listed with the catalog figures below
        for name, value in product.model_dump(exclude_none=True, exclude={"id", "source"}).items():
            rows.append(
                (
                    f"products.{product.id}.{name}",
                    value,
                    "",
                    product.source or own,
                    "",
                    "estimate"
                    if (product.source or "").startswith(("estimate", "generic"))
                    else "scenario",
                )
            )
    for table, figure in provenance(scenario, catalog):
        value = ";".join(figure.value) if isinstance(figure.value, tuple) else figure.value
        year = "" if figure.year is None else f"@{figure.year}"
        rows.append(
            (
                f"{table}.{'/'.join(figure.key)}.{figure.parameter}{year}",
                value,
                figure.unit,
                figure.source,
                figure.date,
                figure.kind,
            )
        )
    return pd.DataFrame(rows, columns=["item", "value", "unit", "source", "date", "kind"]).astype(
        {"value": str}
    )


def gap(scenario: Scenario | str | Path, *, catalog: Catalog | None = None) -> GapResult:
    """The demand–supply gap of a scenario, per resource and year.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A loaded scenario, a built-in name or a scenario file.
    catalog : Catalog, optional
        The reference catalog (default: the packaged one).

    Returns
    -------
    GapResult

    Examples
    --------
    >>> import fabnet
    >>> result = fabnet.gap("altman-2024")
    >>> result.table.columns.tolist()[:4]
    ['year', 'resource', 'category', 'demand_wspm']
    >>> bool((result.compute["deliverable_h100e"] <= result.compute["new_h100e"] + 1e-6).all())
    True
    """
    import pandas as pd

    from fabnet.outlook.roadmap import product_mix

    catalog = catalog or load_catalog()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, catalog=catalog)
    compute, items = demand_frames(scenario, catalog)
    supply = supply_frame(scenario, catalog)
    table, compute = balance(items, supply, compute, catalog)
    products, mix = product_mix(scenario)
    listed = set(scenario.demand.mix)
    product_table = pd.DataFrame(
        [
            {
                "product": pid,
                "vendor": products[pid].vendor,
                "launch_year": products[pid].launch_year,
                "h100e_per_unit": products[pid].h100e_per_unit,
                "generated": pid not in listed,
            }
            for pid in mix.index
        ],
        columns=["product", "vendor", "launch_year", "h100e_per_unit", "generated"],
    ).set_index("product")
    return GapResult(
        scenario=scenario,
        years=scenario.years,
        table=table,
        supply=supply,
        demand=items,
        compute=compute,
        euv=euv_frame(items, catalog, scenario),
        assumptions=_assumptions(scenario, catalog),
        products=product_table,
        mix=_long_mix(mix),
    )


def _long_mix(mix: pd.DataFrame) -> pd.DataFrame:
    """The roadmap's mix (product × year columns) as a long table, index ``(product, year)``."""
    named = mix.rename_axis(index="product", columns="year")
    long = named.stack().rename("share").to_frame()  # type: ignore[call-overload]  # noqa: PD013
    return long.astype({"share": float})

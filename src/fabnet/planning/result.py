"""The network plan: tidy tables read off a solved model, saved to and loaded from a folder."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from fabnet.results import Parts, Result
from fabnet.units import from_kwspm, from_millions

if TYPE_CHECKING:
    from collections.abc import Callable

    import linopy
    import pandas as pd
    import xarray as xr

    from fabnet.planning.data import PlanData
    from fabnet.planning.model import ModelParts
    from fabnet.planning.supply_options import SupplyParts
    from fabnet.scenario import Scenario

#: Tables of a plan, in the order they are saved.
TABLES = (
    "builds",
    "capacity",
    "production",
    "accelerators",
    "compute",
    "capex",
    "funding",
    "grants",
    "reservations",
    "acquisitions",
    "costs",
    "limits",
)

#: The key columns of each table (its index in xarray and in saved files).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "builds": ("project", "start_year"),
    "capacity": ("year", "resource", "region"),
    "production": ("resource", "year"),
    "accelerators": ("product", "year"),
    "compute": ("year",),
    "capex": ("country", "year"),
    "funding": ("year", "investor", "country"),
    "grants": ("year", "programme", "country"),
    "reservations": ("year", "partner", "resource"),
    "acquisitions": ("target",),
    "costs": ("term", "year"),
}

#: The terms of a plan's cost, in the order shown, and their meaning [musd].
COST_TERMS = {
    "capex": "capex of the new modules",
    "grants": "subsidy grants (a credit)",
    "fixed_opex": "fixed opex of the new modules online",
    "wafer_opex": "cash cost of the wafers made in new modules",
    "wafers_bought": "wafers bought from existing fabs at market price",
    "options": "capacity reservations: fees and reserved wafers",
    "acquisitions": "acquisitions: expected net cost",
    "residual_value": "value still held at the horizon's end (a credit)",
    "unserved_penalty": "unserved compute at policy.unserved_penalty_usd_per_h100e",
}


@dataclass(frozen=True, repr=False)
class Plan(Result):
    """A network plan: which modules start where and when, and what follows from them.

    A :class:`~fabnet.results.Result`: ``to_xarray``, ``to_netcdf``, ``save(folder, format)``
    and :func:`fabnet.open_result`; ``headline()``; ``statistics`` for grouped sums.

    Attributes
    ----------
    scenario : Scenario
    builds : DataFrame
        One row per (project, start year) with modules > 0: site, country, region, partner,
        resource, modules, start_year, online_year, capex_musd (all modules), lat, lon.
    capacity : DataFrame
        New capacity online per (year, resource, region) [wspm].
    production : DataFrame
        Per (year, resource): wafers from existing fabs, new ones, reserved capacity and
        acquired fabs [wspm].
    accelerators : DataFrame
        Accelerators made per (year, product) [units].
    compute : DataFrame
        Per year: wanted, delivered and unserved compute [H100e], and the shadow price of
        compute [USD per H100e, undiscounted] (NaN when it could not be computed).
    capex : DataFrame
        Per (year, country): capex, grants, debt and investor funding [musd].
    funding : DataFrame
        Per (year, investor, country): investor funding [musd].
    grants : DataFrame
        Per (year, programme, country): subsidy grants [musd].
    reservations : DataFrame
        Per (year, partner, resource) reserved: capacity [wspm] and the fee paid that year
        [musd] (empty unless the plan may reserve).
    acquisitions : DataFrame
        Per deal considered: target, taken (0/1), closing year, price, book value, block
        probability, break fee [musd] (empty unless the plan may acquire).
    costs : DataFrame
        Per (term, year): the plan's cost by term (:data:`COST_TERMS`) in that year's money and
        discounted to the first year [musd]; the objective is the sum of ``npv_musd``. The
        money cost is every term but ``unserved_penalty``.
    limits : DataFrame
        What holds the plan back: every limit family, place and year with its slack and shadow
        price in the scenario's units, binding ones first
        (:func:`fabnet.planning.binding.binding_limits`; empty without shadow prices).
    stats : dict
        Status, objective, bound, gap, variables, constraints, and build/solve/extract seconds.
    """

    scenario: Scenario
    builds: pd.DataFrame = field(repr=False)
    capacity: pd.DataFrame = field(repr=False)
    production: pd.DataFrame = field(repr=False)
    accelerators: pd.DataFrame = field(repr=False)
    compute: pd.DataFrame = field(repr=False)
    capex: pd.DataFrame = field(repr=False)
    funding: pd.DataFrame = field(repr=False)
    grants: pd.DataFrame = field(repr=False)
    reservations: pd.DataFrame = field(repr=False)
    acquisitions: pd.DataFrame = field(repr=False)
    costs: pd.DataFrame = field(repr=False)
    limits: pd.DataFrame = field(repr=False)
    stats: dict[str, Any] = field(default_factory=dict)

    KIND = "plan"
    TITLE = "plan"
    #: What an older fabnet saved in a plan folder (such a folder may be replaced).
    LEGACY_FILES: ClassVar[tuple[str, ...]] = ()

    @property
    def status(self) -> str:
        """How the solve ended (optimal, gap_limit, time_limit, …)."""
        return str(self.stats.get("status", "unknown"))

    def cost_npv(self) -> dict[str, float]:
        """The plan's cost by term, discounted [musd] (:data:`COST_TERMS`), with ``cost`` (the
        money: every term but the unserved penalty) and ``objective`` (cost + penalty, the
        objective of a ``min_cost`` plan)."""
        npv = self.costs.groupby("term")["npv_musd"].sum() if len(self.costs) else None
        out = {t: 0.0 if npv is None else float(npv.get(t, 0.0)) for t in COST_TERMS}
        out["cost"] = sum(v for t, v in out.items() if t != "unserved_penalty")
        out["objective"] = out["cost"] + out["unserved_penalty"]
        return out

    @property
    def objective(self) -> float | None:
        """The objective value of the plan (musd, discounted; or compute for max_compute)."""
        value = self.stats.get("objective")
        return None if value is None else float(value)

    def headline(self) -> dict[str, Any]:
        """Modules started, their capex, the plan's cost and penalty (NPV), unserved compute,
        the solve's status, gap and time."""
        costs = self.cost_npv()
        gap = self.stats.get("gap")
        return {
            "scenario": self.scenario.name,
            "status": self.status,
            "modules": int(self.builds["modules"].sum()) if len(self.builds) else 0,
            "capex_musd": float(self.builds["capex_musd"].sum()) if len(self.builds) else 0.0,
            "cost_npv_musd": costs["cost"],
            "penalty_npv_musd": costs["unserved_penalty"],
            "objective": self.objective,
            "unserved_h100e": float(self.compute["unserved_h100e"].sum()),
            "delivered_h100e": float(self.compute["delivered_h100e"].sum()),
            "mip_gap": None if gap is None else float(gap),
            "solve_seconds": float(self.stats.get("solve_seconds", 0.0)),
        }

    def _parts(self) -> Parts:
        return Parts(
            tables={name: getattr(self, name) for name in TABLES},
            meta={"stats": self.stats},
            scenario=self.scenario,
            keys=TABLE_KEYS,
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> Plan:
        assert parts.scenario is not None
        tables = {name: parts.table(name) for name in TABLES}
        return cls(scenario=parts.scenario, stats=dict(parts.meta["stats"]), **tables)


#: The files of a plan saved by fabnet 0.x before results had one layout (read by
#: :func:`load_plan`).
PLAN_FILES = (*(f"{name}.parquet" for name in TABLES), "plan.json", "scenario.yaml")
Plan.LEGACY_FILES = PLAN_FILES


def load_plan(folder: str | Path) -> Plan:
    """Read a plan saved by :meth:`Plan.save` (any format; or a netCDF file), checked against
    its manifest first, and read again if a save replaced it meanwhile
    (:func:`fabnet.open_result`). A plan folder of an older fabnet (one Parquet file per table
    and ``plan.json``) is read too; without a manifest, with an
    :class:`~fabnet.outputs.UnverifiedResultWarning`.

    Raises
    ------
    ParameterError
        If ``folder`` is not a saved plan.
    CorruptResultError
        If a file is missing, truncated, changed since it was saved or cannot be parsed.
    StorageError
        If a file cannot be read.
    """
    import pandas as pd

    from fabnet.exceptions import ParameterError
    from fabnet.outputs import read_result, read_saved
    from fabnet.results import LAYOUT_FILE, NETCDF_FILE, open_result
    from fabnet.scenario import load_scenario

    path = Path(folder)
    if path.is_file() or (path / LAYOUT_FILE).is_file() or (path / NETCDF_FILE).is_file():
        result = open_result(path)
        if not isinstance(result, Plan):
            raise ParameterError(
                "plan folder", f"a saved fabnet plan (it holds a {result.KIND} result)", str(path)
            )
        return result

    def read(path: Path) -> Plan:
        tables = {
            name: read_saved(path, f"{name}.parquet", pd.read_parquet, kind="plan")
            for name in TABLES
        }
        stats = read_saved(
            path, "plan.json", lambda p: json.loads(p.read_text(encoding="utf-8")), kind="plan"
        )
        scenario = read_saved(path, "scenario.yaml", load_scenario, kind="plan")
        return Plan(scenario=scenario, stats=stats, **tables)

    return read_result(folder, read, kind="plan", names=PLAN_FILES)


def extract(
    parts: ModelParts,
    stats: dict[str, Any],
    shadow: pd.Series | None = None,
    *,
    world: int = 0,
    limits: pd.DataFrame | None = None,
) -> Plan:
    """Read the plan's tables off a solved model's parts, in world ``world`` (the only one of a
    deterministic plan). Builds are in the base data's terms (its lead times and planned capex);
    what is wanted is the world's."""
    import pandas as pd

    data = parts.worlds.base

    def value(x: Any) -> xr.DataArray:
        solution: xr.DataArray = x.solution.sel(world=world, drop=True)
        return solution

    projects = data.projects
    starts = value(parts.build).to_series().dropna()
    started = starts[starts > 0.5].round().astype(int).rename("modules").reset_index()
    builds = started.merge(projects, left_on="project", right_index=True)
    builds = builds.rename(columns={"year": "start_year"})
    builds["online_year"] = builds["start_year"] + builds["lead_years"]
    builds["capex_musd"] = builds["modules"] * builds["capex_musd"]
    builds = builds[list(BUILD_COLUMNS)]

    online = value(parts.capacity).to_series().rename("kwspm").reset_index()
    online = online.merge(projects[["resource", "region"]], left_on="project", right_index=True)
    capacity = online.groupby(["year", "resource", "region"], as_index=False).agg(
        kwspm=("kwspm", "sum")
    )
    capacity["new_wspm"] = from_kwspm(capacity.pop("kwspm"))
    capacity = capacity[capacity["new_wspm"] > 1e-6].reset_index(drop=True)

    supply = parts.supply
    sources = [
        from_kwspm(value(parts.production.buy).to_series()).rename("existing_wspm"),
        from_kwspm(value(parts.production.new_output).to_series()).rename("new_wspm"),
        _by_resource(supply.reserve, supply.reservation_pairs, data, value).rename("reserved_wspm"),
        _by_resource(supply.acquired, supply.acquisition_pairs, data, value).rename(
            "acquired_wspm"
        ),
    ]
    production = pd.concat(sources, axis=1).fillna(0.0).reset_index()
    reservations, acquisitions = _options(data, supply, value)

    accelerators = (
        from_millions(value(parts.production.make).to_series()).rename("units").reset_index()
    )

    wanted = from_millions(parts.worlds.new_compute.sel(world=world, drop=True).to_series())
    unserved = from_millions(value(parts.compute.unserved).to_series())
    compute = pd.DataFrame(
        {"wanted_h100e": wanted, "delivered_h100e": wanted - unserved, "unserved_h100e": unserved}
    )
    compute["shadow_price_usd_per_h100e"] = (
        np.nan if shadow is None else shadow.reindex(compute.index)
    )
    compute = compute.rename_axis("year").reset_index()

    money = parts.money
    fund = value(money.fund)
    grant = value(money.grant)
    table = (
        pd.concat(
            [
                value(money.capex).to_series().rename("capex_musd"),
                grant.fillna(0).sum("programme").to_series().rename("grants_musd"),
                value(money.debt).to_series().rename("debt_musd"),
                fund.fillna(0).sum("investor").to_series().rename("investors_musd"),
            ],
            axis=1,
        )
        .fillna(0.0)
        .reset_index()
    )
    funding = fund.to_series().dropna().rename("musd").reset_index()
    funding = funding[funding["musd"] > 1e-6][["year", "investor", "country", "musd"]]
    grants = grant.to_series().dropna().rename("musd").reset_index()
    grants = grants[grants["musd"] > 1e-6][["year", "programme", "country", "musd"]]
    costs = (
        parts.cost_terms.table(world)
        if parts.cost_terms is not None
        else pd.DataFrame(columns=["term", "year", "musd", "npv_musd"])
    )
    return Plan(
        scenario=data.scenario,
        builds=builds.reset_index(drop=True),
        capacity=capacity,
        production=production,
        accelerators=accelerators,
        compute=compute,
        capex=table,
        funding=funding.reset_index(drop=True),
        grants=grants.reset_index(drop=True),
        reservations=reservations,
        acquisitions=acquisitions,
        costs=costs,
        limits=limits if limits is not None else _no_limits(),
        stats=stats,
    )


def _no_limits() -> pd.DataFrame:
    import pandas as pd

    from fabnet.planning.binding import COLUMNS

    return pd.DataFrame(columns=COLUMNS)


#: Columns of :attr:`Plan.builds`.
BUILD_COLUMNS = (
    "project",
    "site",
    "country",
    "region",
    "partner",
    "resource",
    "modules",
    "start_year",
    "online_year",
    "capex_musd",
    "lat",
    "lon",
)


def _by_resource(
    variable: linopy.Variable | None,
    pairs: pd.MultiIndex | None,
    data: PlanData,
    value: Callable[[Any], xr.DataArray],
) -> pd.Series:
    """An option's (pair, year) capacity summed per (resource, year) [wspm] (0 if absent)."""
    import pandas as pd

    index = pd.MultiIndex.from_product([data.resources, data.years], names=["resource", "year"])
    if variable is None or pairs is None:
        return pd.Series(0.0, index=index)
    frame = value(variable).to_series().rename("kwspm").reset_index()
    frame["resource"] = pairs.get_level_values("resource")[frame["pair"].to_numpy()]
    summed: pd.Series = from_kwspm(frame.groupby(["resource", "year"])["kwspm"].sum())
    return summed.reindex(index, fill_value=0.0)


def _options(
    data: PlanData, supply: SupplyParts, value: Callable[[Any], xr.DataArray]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reservations and acquisitions tables (empty where the option was closed)."""
    import pandas as pd

    reservations = pd.DataFrame(
        columns=["year", "partner", "resource", "reserved_wspm", "fee_musd"]
    ).astype({"year": int, "reserved_wspm": float, "fee_musd": float})
    if (
        supply.reserve is not None
        and supply.reservation_pairs is not None
        and supply.reservation_pay is not None
    ):
        pairs = supply.reservation_pairs
        reserved = value(supply.reserve)
        fee = (reserved * supply.reservation_pay).sum("year").rename(pay_year="year")
        frame = pd.concat(
            [
                from_kwspm(reserved.to_series()).rename("reserved_wspm"),
                fee.to_series().rename("fee_musd"),
            ],
            axis=1,
        ).reset_index()
        frame["partner"] = pairs.get_level_values("partner")[frame["pair"].to_numpy()]
        frame["resource"] = pairs.get_level_values("resource")[frame["pair"].to_numpy()]
        keep = (frame["reserved_wspm"] > 1e-6) | (frame["fee_musd"] > 1e-9)
        reservations = frame.loc[keep, reservations.columns].reset_index(drop=True)
    acquisitions = pd.DataFrame(
        columns=[
            "target",
            "taken",
            "closing_year",
            "price_musd",
            "book_value_musd",
            "block_probability",
            "break_fee_musd",
        ]
    )
    if supply.acquire is not None and data.option_data is not None:
        deals = data.option_data.deals
        taken = value(supply.acquire).to_series().reindex(deals.index)
        acquisitions = deals.assign(taken=taken.round(6).to_numpy()).reset_index()[
            acquisitions.columns
        ]
    return reservations, acquisitions

"""The network plan: tidy tables read off a solved model, saved to and loaded from a folder."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.planning.data import PlanData

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.scenario import Scenario

#: Tables of a plan, in the order they are saved.
TABLES = ("builds", "capacity", "production", "accelerators", "compute", "capex", "funding")


@dataclass(frozen=True)
class Plan:
    """A network plan: which modules start where and when, and what follows from them.

    Attributes
    ----------
    scenario : Scenario
    builds : DataFrame
        One row per (project, start year) with modules > 0: site, country, region, partner,
        resource, modules, start_year, online_year, capex_musd (all modules), lat, lon.
    capacity : DataFrame
        New capacity online per (year, resource, region) [wspm].
    production : DataFrame
        Per (year, resource): wafers from existing fabs and from new ones [wspm].
    accelerators : DataFrame
        Accelerators made per (year, product) [units].
    compute : DataFrame
        Per year: wanted, delivered and unserved compute [H100e], and the shadow price of
        compute [USD per H100e, undiscounted] (NaN when it could not be computed).
    capex : DataFrame
        Per (year, country): capex, grants, debt and investor funding [musd].
    funding : DataFrame
        Per (year, investor, country): investor funding [musd].
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
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """How the solve ended (optimal, gap_limit, time_limit, …)."""
        return str(self.stats.get("status", "unknown"))

    @property
    def objective(self) -> float | None:
        """The objective value of the plan (musd, discounted; or compute for max_compute)."""
        value = self.stats.get("objective")
        return None if value is None else float(value)

    def save(self, folder: str | Path) -> Path:
        """Write the plan into ``folder``: one Parquet file per table, ``plan.json`` (stats)
        and ``scenario.yaml`` (the standalone scenario). Returns the folder."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            getattr(self, name).to_parquet(folder / f"{name}.parquet", index=False)
        (folder / "plan.json").write_text(
            json.dumps(_jsonable(self.stats), indent=2) + "\n", encoding="utf-8"
        )
        self.scenario.save(folder / "scenario.yaml")
        return folder


def load_plan(folder: str | Path) -> Plan:
    """Read a plan written by :meth:`Plan.save`.

    Raises
    ------
    ParameterError
        If ``folder`` is not a saved plan.
    """
    import pandas as pd

    from fabnet.scenario import load_scenario

    folder = Path(folder)
    missing = [
        n
        for n in (*[f"{t}.parquet" for t in TABLES], "plan.json", "scenario.yaml")
        if not (folder / n).is_file()
    ]
    if missing:
        raise ParameterError(
            "plan folder",
            f"a folder written by Plan.save (missing {', '.join(missing)})",
            str(folder),
        )
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    stats = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    return Plan(scenario=load_scenario(folder / "scenario.yaml"), stats=stats, **tables)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def extract(
    data: PlanData, parts: dict[str, Any], stats: dict[str, Any], shadow: pd.Series | None = None
) -> Plan:
    """Read the plan's tables off a solved model's parts."""
    import pandas as pd

    projects = data.projects
    build = parts["build"].solution.to_series().dropna()
    build = build[build > 0.5].round().astype(int).rename("modules").reset_index()
    builds = build.merge(projects, left_on="project", right_index=True)
    builds = builds.rename(columns={"year": "start_year"})
    builds["online_year"] = builds["start_year"] + builds["lead_years"]
    builds["capex_musd"] = builds["modules"] * builds["capex_musd"]
    builds = builds[
        [
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
        ]
    ]

    capacity = parts["capacity"].solution.to_series().rename("kwspm").reset_index()
    capacity = capacity.merge(projects[["resource", "region"]], left_on="project", right_index=True)
    capacity = capacity.groupby(["year", "resource", "region"], as_index=False)["kwspm"].sum()
    capacity["new_wspm"] = capacity.pop("kwspm") * 1000.0
    capacity = capacity[capacity["new_wspm"] > 1e-6].reset_index(drop=True)

    production = pd.concat(
        [
            (parts["buy"].solution.to_series() * 1000.0).rename("existing_wspm"),
            (parts["new_output"].solution.to_series() * 1000.0).rename("new_wspm"),
        ],
        axis=1,
    ).reset_index()

    accelerators = (parts["make"].solution.to_series() * 1e6).rename("units").reset_index()

    wanted = data.new_compute * 1e6
    unserved = parts["unserved"].solution.to_series() * 1e6
    compute = pd.DataFrame(
        {"wanted_h100e": wanted, "delivered_h100e": wanted - unserved, "unserved_h100e": unserved}
    )
    compute["shadow_price_usd_per_h100e"] = (
        np.nan if shadow is None else shadow.reindex(compute.index)
    )
    compute = compute.rename_axis("year").reset_index()

    money = (
        pd.concat(
            [
                parts["capex"].solution.to_series().rename("capex_musd"),
                parts["grant"]
                .solution.fillna(0)
                .sum("programme")
                .to_series()
                .rename("grants_musd"),
                parts["debt"].solution.to_series().rename("debt_musd"),
                parts["fund"]
                .solution.fillna(0)
                .sum("investor")
                .to_series()
                .rename("investors_musd"),
            ],
            axis=1,
        )
        .fillna(0.0)
        .reset_index()
    )
    funding = parts["fund"].solution.to_series().dropna().rename("musd").reset_index()
    funding = funding[funding["musd"] > 1e-6][["year", "investor", "country", "musd"]]
    return Plan(
        scenario=data.scenario,
        builds=builds.reset_index(drop=True),
        capacity=capacity,
        production=production,
        accelerators=accelerators,
        compute=compute,
        capex=money,
        funding=funding.reset_index(drop=True),
        stats=stats,
    )

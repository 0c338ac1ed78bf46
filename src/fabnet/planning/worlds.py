"""The worlds a plan is made for: one sampled world as planning data (:func:`perturb`), and
several stacked along a ``world`` dimension for the planning model (:func:`stack_worlds`).

A world applies the scenario's uncertain inputs with the rules of :mod:`fabnet.schedules` (the
same the risk evaluation uses): every year's growth rate of installed compute × the
demand-growth factor; each project's lead time from its ``lead_months`` plus the delay, and its
capex × the overrun; wafers per unit at the warped yields of the D0 learning speed; wafer prices
× their factor; existing AI supply and new capacity less ``capacity_lost`` while a disruption
lasts in the country or region it reaches. The deterministic plan is the one-world case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.schedules import (
    event_availability,
    lead_years,
    learning_warp,
    reaches,
    rescaled_demand,
)
from fabnet.units import from_millions, to_kwspm, to_millions

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from fabnet.catalog import Catalog
    from fabnet.outlook import GapResult
    from fabnet.planning.data import PlanData
    from fabnet.risk.sampling import Samples

__all__ = ["Worlds", "availability", "mean_samples", "one_world", "perturb", "stack_worlds"]


def perturb(
    data: PlanData,
    samples: Samples,
    index: int,
    outlook: GapResult,
    *,
    catalog: Catalog | None = None,
) -> PlanData:
    """The world of sample ``index``: a copy of ``data`` with that sample's inputs applied.

    As :mod:`fabnet.risk.evaluation` reads them (the rules of :mod:`fabnet.schedules`):
    ``new_compute`` as if the ``demand_growth`` factor f (the product of those inputs) scaled
    every year's growth rate of installed compute
    (``1 + (m − 1)·f`` for the scenario's ``m``; new compute is growth plus retirements, scaled
    with the installed base); each project's ``lead_years`` from its ``lead_months`` plus the
    ``construction_delay_months`` that reach its country or region, and its ``capex_musd`` × the
    ``capex_overrun`` factors that reach it; ``need`` at the yields of year ``start + k·(t −
    start)`` (interpolated; ``d0_learning_speed`` k on the logic resources or the resources
    named); ``wafer_cost`` × the ``wafer_price`` factors; ``existing`` AI supply less what
    disruption events take from the countries and regions they reach. New capacity lost to
    events is not in a :class:`PlanData`: see :func:`availability`. Fixed opex stays a share of
    the capex planned, before any overrun (the model charges it on the base data's capex), as in
    :mod:`fabnet.risk.evaluation`.

    Parameters
    ----------
    data : PlanData
        The scenario's planning data (:func:`fabnet.planning.build_data`).
    samples : Samples
        Drawn from the scenario's uncertainty with its years (:func:`fabnet.risk.draw`).
    index : int
        Position of the sample (``0 … len(samples) − 1``).
    outlook : GapResult
        The scenario's outlook (its existing supply per country).
    catalog : Catalog, optional
        For the resources' categories (default: the packaged catalog).

    Returns
    -------
    PlanData
        A new object; ``data`` is unchanged.
    """
    from fabnet.scenario._uncertainty import Event

    _check(data, samples, index)
    row = samples.values.iloc[index]  # noqa: PD011 - Samples.values is a DataFrame
    projects = data.projects
    project_names = [{c, g} for c, g in zip(projects["country"], projects["region"], strict=True)]
    resource_names = [{r} for r in data.resources]
    growth = 1.0
    delay = np.zeros(len(projects))
    overrun = np.ones(len(projects))
    speed = np.ones(len(data.resources))
    price = np.ones(len(data.resources))
    for spec in samples.uncertainty.inputs:
        if isinstance(spec, Event):
            continue
        value = float(row[spec.id])
        if spec.target == "demand_growth":
            growth *= value
        elif spec.target == "construction_delay_months":
            delay += value * reaches(spec.applies_to, project_names)
        elif spec.target == "capex_overrun":
            overrun *= np.where(reaches(spec.applies_to, project_names), value, 1.0)
        elif spec.target == "wafer_price":
            price *= np.where(reaches(spec.applies_to, resource_names), value, 1.0)
        elif spec.target == "d0_learning_speed":
            reach = (
                reaches(spec.applies_to, resource_names)
                if spec.applies_to
                else _logic(data.resources, catalog)
            )
            speed *= np.where(reach, value, 1.0)

    changes: dict[str, Any] = {}
    if growth != 1.0:
        changes["new_compute"] = _new_compute(data, outlook, growth)
    if np.any(delay != 0.0) or np.any(overrun != 1.0):
        leads = lead_years(projects["lead_months"].to_numpy(dtype=float), delay)
        changes["projects"] = projects.assign(
            lead_years=np.where(delay != 0.0, leads, projects["lead_years"].to_numpy(dtype=int)),
            capex_musd=projects["capex_musd"].to_numpy(dtype=float) * overrun,
        )
    if np.any(speed != 1.0):
        changes["need"] = _warp(data, dict(zip(data.resources, speed, strict=True)))
    if np.any(price != 1.0):
        changes["wafer_cost"] = data.wafer_cost * price
    existing = _existing(data, samples, index, outlook)
    if existing is not None:
        changes["existing"] = existing
    return replace(data, **changes)


def availability(data: PlanData, samples: Samples, index: int) -> pd.DataFrame | None:
    """Share of each project's new capacity not lost to disruptions in sample ``index``.

    Returns
    -------
    DataFrame or None
        Index project, columns years, values in [0, 1]; ``None`` when nothing is lost.
    """
    import pandas as pd

    _check(data, samples, index)
    projects = data.projects
    names = [{c, g} for c, g in zip(projects["country"], projects["region"], strict=True)]
    factor = _event_factor(samples, index, names, len(data.years))
    if factor is None:
        return None
    return pd.DataFrame(factor, index=projects.index, columns=data.years)


def _check(data: PlanData, samples: Samples, index: int) -> None:
    if not 0 <= index < len(samples):
        raise ParameterError("index", f"a sample position in 0..{len(samples) - 1}", index)
    if samples.events and list(samples.years or ()) != list(data.years):
        raise ParameterError(
            "samples.years", f"the plan's years {data.years[0]}-{data.years[-1]}", samples.years
        )


def _logic(resources: list[str], catalog: Catalog | None) -> np.ndarray:
    """Which resources follow D0 learning (catalog category ``logic``)."""
    from fabnet.catalog import load_catalog

    catalog = catalog or load_catalog()
    return np.array([catalog.get("resources", r)["category"] == "logic" for r in resources])


def _new_compute(data: PlanData, outlook: GapResult, factor: float) -> pd.Series:
    """New compute wanted [M H100e] when a factor scales every year's growth rate, at most what
    the scenario's caps allow (:func:`fabnet.schedules.rescaled_demand`)."""
    import pandas as pd

    compute = outlook.compute.reindex(data.years)
    cap = (
        compute["cap_new_h100e"].fillna(np.inf).to_numpy(dtype=float)
        if "cap_new_h100e" in compute
        else None
    )
    wanted = from_millions(data.new_compute.to_numpy(dtype=float))
    new = rescaled_demand(
        wanted,
        compute["installed_h100e"].to_numpy(dtype=float),
        compute["retired_h100e"].fillna(0.0).to_numpy(dtype=float),
        [factor],
        cap,
    )[0]
    out: pd.Series = pd.Series(to_millions(new), index=data.new_compute.index)
    return out


def _warp(data: PlanData, speed: dict[str, float]) -> pd.DataFrame:
    """``need`` with the yields of the warped year (:func:`fabnet.schedules.learning_warp`)."""
    import pandas as pd

    table = data.need.to_numpy(dtype=float)
    k = np.array([speed.get(r, 1.0) for r in data.need.index.get_level_values("resource")])
    low, high, frac = learning_warp(k, table.shape[1])
    rows = np.arange(len(table))[:, None]
    warped = (1.0 - frac) * table[rows, low] + frac * table[rows, high]
    return pd.DataFrame(warped, index=data.need.index, columns=data.need.columns)


def _event_factor(
    samples: Samples, index: int, names: list[set[str]], n_years: int
) -> np.ndarray | None:
    """(entity, year) share kept by sample ``index``'s disruptions; ``None`` when all is kept."""
    factor = np.ones((len(names), n_years))
    for spec in samples.event_specs.values():
        onsets = samples.events[spec.id][index : index + 1]
        if not onsets.any():
            continue
        reach = reaches(spec.applies_to, names)
        factor *= event_availability(onsets, spec.capacity_lost, spec.duration_years, reach)[0]
    return None if np.all(factor == 1.0) else factor


def _existing(
    data: PlanData, samples: Samples, index: int, outlook: GapResult
) -> pd.DataFrame | None:
    """Existing AI supply per (resource, year) [kwspm] less what the sample's events take."""
    supply = outlook.supply
    by_country = supply.groupby(["country", "region", "resource", "year"], as_index=False)[
        "ai_capacity_wspm"
    ].sum()
    countries = by_country[["country", "region"]].drop_duplicates().reset_index(drop=True)
    names = [{c, g} for c, g in zip(countries["country"], countries["region"], strict=True)]
    factor = _event_factor(samples, index, names, len(data.years))
    if factor is None:
        return None
    position = {c: k for k, c in enumerate(countries["country"])}
    years = np.asarray(data.years)
    inside = by_country["year"].between(years[0], years[-1])
    rows = by_country[inside]
    kept = factor[
        rows["country"].map(position).to_numpy(), rows["year"].to_numpy(dtype=int) - years[0]
    ]
    table = (
        rows.assign(kept=rows["ai_capacity_wspm"].to_numpy(dtype=float) * kept)
        .groupby(["resource", "year"])["kept"]
        .sum()
        .unstack("year")
        .reindex(index=data.resources, columns=data.years)
        .fillna(0.0)
    )
    kwspm: pd.DataFrame = to_kwspm(table)
    return kwspm


def mean_samples(samples: Samples, years: list[int]) -> Samples:
    """One sample with every continuous input at its mean and no disruption."""
    import pandas as pd

    from fabnet.risk.sampling import Samples, frozen
    from fabnet.scenario._uncertainty import Empirical, Event

    means: dict[str, float] = {}
    for spec in samples.uncertainty.inputs:
        if isinstance(spec, Event):
            continue
        if isinstance(spec, Empirical):
            means[spec.id] = float(np.average(spec.values, weights=spec.weights))
        else:
            means[spec.id] = float(cast(Any, frozen(spec)).mean())
    values = pd.DataFrame(
        {k: [v] for k, v in means.items()},
        index=pd.RangeIndex(1, name="sample"),
        columns=list(samples.values.columns),  # noqa: PD011 - a DataFrame
        dtype=float,
    )
    events = {spec_id: np.zeros((1, len(years)), dtype=bool) for spec_id in samples.events}
    return Samples(
        values=values,
        events=MappingProxyType(events),
        uncertainty=samples.uncertainty,
        method=samples.method,
        seed=samples.seed,
        years=tuple(years),
    )


# ---------------------------------------------------------------- the deterministic equivalent


@dataclass(frozen=True)
class Worlds:
    """What varies between the worlds one planning model is made for, stacked along a
    ``world`` dimension; everything else is the ``base`` data's. The deterministic plan is the
    one-world case (:func:`one_world`).

    Attributes
    ----------
    base : PlanData
        The scenario's own data: projects, sites, products, investors, subsidies, policy.
    probability : DataArray (world,)
        Each world's probability [fraction]; they sum to 1.
    lead : DataArray (world, project)
        Lead time of each project's modules [whole years].
    capex : DataArray (world, project)
        Capex per module, with any overrun [musd].
    new_compute : DataArray (world, year)
        New compute wanted [M H100e].
    need : DataArray (world, product, resource, year)
        Wafers a product needs [kwspm per M units a year].
    existing : DataArray (world, resource, year)
        AI supply of existing fabs [kwspm].
    wafer_cost : DataArray (world, resource)
        Price of a wafer bought from existing supply [USD].
    availability : DataArray (world, project, year) or None
        Share of new capacity not lost to disruptions (None: nothing is lost anywhere).
    """

    base: PlanData
    probability: xr.DataArray
    lead: xr.DataArray
    capex: xr.DataArray
    new_compute: xr.DataArray
    need: xr.DataArray
    existing: xr.DataArray
    wafer_cost: xr.DataArray
    availability: xr.DataArray | None = None

    @property
    def size(self) -> int:
        """The number of worlds."""
        return int(self.probability.sizes["world"])


def one_world(data: PlanData) -> Worlds:
    """The deterministic plan's single world: ``data`` itself."""
    return stack_worlds(data, [data])


def stack_worlds(
    base: PlanData,
    worlds: Sequence[PlanData],
    lost: Sequence[pd.DataFrame | None] | None = None,
) -> Worlds:
    """Stack worlds (each from :func:`perturb` of ``base``, or ``base`` itself) along ``world``,
    each of probability ``1/len(worlds)``; ``lost`` holds each world's :func:`availability`."""
    import pandas as pd
    import xarray as xr

    index = pd.Index(range(len(worlds)), name="world")
    projects = pd.Index(base.projects.index, name="project")
    years = pd.Index(base.years, name="year")
    resources = pd.Index(base.resources, name="resource")
    products = pd.Index(base.products.index, name="product")
    full = pd.MultiIndex.from_product([products, resources], names=["product", "resource"])

    def stacked(values: list[np.ndarray], *coords: pd.Index) -> xr.DataArray:
        return xr.DataArray(np.stack(values), coords=[index, *coords])

    need = [
        w.need.reindex(index=full, columns=base.years, fill_value=0.0)
        .to_numpy(dtype=float)
        .reshape(len(products), len(resources), len(years))
        for w in worlds
    ]
    shares = list(lost) if lost is not None else [None] * len(worlds)
    availability = None
    if any(share is not None for share in shares):
        availability = stacked(
            [
                np.ones((len(projects), len(years)))
                if share is None
                else share.reindex(index=projects, columns=base.years, fill_value=1.0).to_numpy(
                    dtype=float
                )
                for share in shares
            ],
            projects,
            years,
        )
    return Worlds(
        base=base,
        probability=xr.DataArray(np.full(len(worlds), 1.0 / len(worlds)), coords=[index]),
        lead=stacked([w.projects["lead_years"].to_numpy(dtype=int) for w in worlds], projects),
        capex=stacked([w.projects["capex_musd"].to_numpy(dtype=float) for w in worlds], projects),
        new_compute=stacked([w.new_compute.to_numpy(dtype=float) for w in worlds], years),
        need=stacked(need, products, resources, years),
        existing=stacked(
            [
                w.existing.reindex(
                    index=base.resources, columns=base.years, fill_value=0.0
                ).to_numpy(dtype=float)
                for w in worlds
            ],
            resources,
            years,
        ),
        wafer_cost=stacked(
            [w.wafer_cost.reindex(base.resources).to_numpy(dtype=float) for w in worlds],
            resources,
        ),
        availability=availability,
    )

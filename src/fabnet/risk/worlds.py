"""One sampled world as planning data: the scenario's uncertain inputs applied to a
:class:`~fabnet.planning.data.PlanData`, with the semantics of :mod:`fabnet.risk.evaluate`.

Every year's growth rate of installed compute × the demand-growth factor; each project's lead
time ``⌈(lead_months + delay)/12⌉`` years and its capex × the overrun; wafers per unit at the
yields of year ``start + k·(t − start)`` (D0 learning speed k); wafer prices × their factor;
existing AI supply and new capacity less ``capacity_lost`` while a disruption lasts in the
country or region it reaches. The stochastic plan (:mod:`fabnet.risk.stochastic`) builds one
planning model per world.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.risk.evaluate import event_availability, reaches

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.catalog import Catalog
    from fabnet.outlook import GapResult
    from fabnet.planning.data import PlanData
    from fabnet.risk.sampling import Samples

__all__ = ["availability", "mean_samples", "perturb"]

_MONTHS = 12.0


def perturb(
    data: PlanData,
    samples: Samples,
    index: int,
    outlook: GapResult,
    *,
    catalog: Catalog | None = None,
) -> PlanData:
    """The world of sample ``index``: a copy of ``data`` with that sample's inputs applied.

    As :mod:`fabnet.risk.evaluate` reads them: ``new_compute`` as if the ``demand_growth``
    factor f (the product of those inputs) scaled every year's growth rate of installed compute
    (``1 + (m − 1)·f`` for the scenario's ``m``; new compute is growth plus retirements, scaled
    with the installed base); each project's ``lead_years`` from its ``lead_months`` plus the
    ``construction_delay_months`` that reach its country or region, and its ``capex_musd`` × the
    ``capex_overrun`` factors that reach it; ``need`` at the yields of year ``start + k·(t −
    start)`` (interpolated; ``d0_learning_speed`` k on the logic resources or the resources
    named); ``wafer_cost`` × the ``wafer_price`` factors; ``existing`` AI supply less what
    disruption events take from the countries and regions they reach. New capacity lost to
    events is not in a :class:`PlanData`: see :func:`availability`. Fixed opex stays a share of
    the capex planned, before any overrun, as in :mod:`fabnet.risk.evaluate`; the stochastic
    model corrects its objective for that (the planner charges it on ``capex_musd``).

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
        changes["new_compute"] = data.new_compute * _demand_ratio(data, outlook, growth)
    if np.any(delay != 0.0) or np.any(overrun != 1.0):
        months = projects["lead_months"].to_numpy(dtype=float)
        leads = np.maximum(1, np.ceil((months + delay) / _MONTHS)).astype(int)
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


def _demand_ratio(data: PlanData, outlook: GapResult, factor: float) -> np.ndarray:
    """New compute wanted relative to the scenario's, by year, when a factor f scales every
    year's growth rate: installed compute grows by ``1 + (m − 1)·f`` where the scenario has
    ``m``, and new compute is that growth plus the retirements, scaled with the installed base
    (as :mod:`fabnet.risk.evaluate` has it)."""
    compute = outlook.compute.reindex(data.years)
    base = compute["installed_h100e"].to_numpy(dtype=float)
    retired = compute["retired_h100e"].fillna(0.0).to_numpy(dtype=float)
    first = float(data.new_compute.iloc[0]) * 1e6

    def new_compute(f: float) -> np.ndarray:
        multiplier = np.ones_like(base)
        multiplier[1:] = np.divide(
            base[1:], base[:-1], out=np.ones(len(base) - 1), where=base[:-1] > 0
        )
        growth = 1.0 + (multiplier - 1.0) * f
        growth[0] = 1.0
        installed = base[0] * np.cumprod(growth)
        previous = installed[:-1]
        scale = np.divide(previous, base[:-1], out=np.ones_like(previous), where=base[:-1] > 0)
        new: np.ndarray = np.concatenate([[first], installed[1:] - previous + retired[1:] * scale])
        new[new < 0.0] = 0.0
        return new

    neutral, sampled = new_compute(1.0), new_compute(factor)
    ratio: np.ndarray = np.divide(sampled, neutral, out=np.ones_like(sampled), where=neutral > 0)
    return ratio


def _warp(data: PlanData, speed: dict[str, float]) -> pd.DataFrame:
    """``need`` with the yields of year ``start + k·(t − start)``, linearly interpolated."""
    import pandas as pd

    table = data.need.to_numpy(dtype=float)
    n_years = table.shape[1]
    steps = np.arange(n_years)
    k = np.array([speed.get(r, 1.0) for r in data.need.index.get_level_values("resource")])
    tau = np.clip(k[:, None] * steps[None, :], 0, n_years - 1)
    low = np.floor(tau).astype(int)
    high = np.minimum(low + 1, n_years - 1)
    frac = tau - low
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
    kwspm: pd.DataFrame = table / 1000.0
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

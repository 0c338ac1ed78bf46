"""A plan's figures summed by any grouping, as PyPSA's ``n.statistics``: ``plan.statistics``.

Every method reads one of the plan's tables (:class:`~fabnet.planning.result.Plan`), sums its
figure over the rows and groups the sum by ``groupby``: one key or a list of keys among those
the table can be grouped by (``None``, the default, gives the total as a ``float``). A grouped
sum is a :class:`pandas.Series` whose name carries the unit (``capex_musd``) and whose index is
named by the keys, sorted. A key the table cannot be grouped by (``investor`` for capacity) is a
:class:`~fabnet.exceptions.ParameterError` that lists the keys allowed.

Money [musd] is in each year's money (real, base-year dollars); with ``discounted=True`` it is
discounted to the horizon's first year at ``policy.discount_rate``, as the plan's objective is,
and the name says so (``capex_npv_musd``).

Examples
--------
>>> import fabnet
>>> from fabnet.examples import tiny_world
>>> plan = fabnet.plan(tiny_world({2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8}), threads=1)
>>> plan.statistics.modules()
1.0
>>> plan.statistics.capex(["country", "year"])
country  year
TW       2028    2010.0
         2029    2010.0
Name: capex_musd, dtype: float64
>>> round(plan.statistics.capex(discounted=True), 6) == round(plan.cost_npv()["capex"], 6)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.units import wafers_per_year

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.planning.result import Plan

__all__ = ["KEYS", "OPEX_TERMS", "Statistics"]

#: A grouping: one key, several, or ``None`` for the total.
GroupBy = str | Sequence[str] | None

#: The place and owner of a project: the keys of builds, capex and capacity.
_PROJECT_KEYS = ("project", "site", "country", "region", "partner", "resource")

#: The keys each method's figure can be grouped by.
KEYS: dict[str, tuple[str, ...]] = {
    "capex": (*_PROJECT_KEYS, "year"),
    "modules": (*_PROJECT_KEYS, "year", "online_year"),
    "capacity": (*_PROJECT_KEYS, "year"),
    "output": ("resource", "source", "year"),
    "accelerators": ("product", "year"),
    "unserved": ("year",),
    "delivered": ("year",),
    "funding": ("investor", "country", "region", "year"),
    "grants": ("programme", "country", "region", "year"),
    "debt": ("country", "region", "year"),
    "opex": ("term", "year"),
    "costs": ("term", "year"),
}

#: The cost terms (:data:`fabnet.planning.result.COST_TERMS`) that are operating expenditure:
#: every yearly money term but capex and grants.
OPEX_TERMS = ("fixed_opex", "wafer_opex", "wafers_bought", "options")

#: Columns of :attr:`Plan.production` by source of the wafers [wspm].
_SOURCES = {
    "existing": "existing_wspm",
    "new": "new_wspm",
    "reserved": "reserved_wspm",
    "acquired": "acquired_wspm",
}


class Statistics:
    """A plan's figures, summed and grouped (see :mod:`fabnet.planning.statistics`).

    Parameters
    ----------
    plan : Plan
        The plan whose tables are read; get this object as ``plan.statistics``.
    """

    def __init__(self, plan: Plan) -> None:
        self._plan = plan

    def __repr__(self) -> str:
        methods = ", ".join(KEYS)
        return f"<Statistics of plan {self._plan.scenario.name!r}: {methods}>"

    # -- money ---------------------------------------------------------------------------------

    @overload
    def capex(self, groupby: None = None, *, discounted: bool = False) -> float: ...
    @overload
    def capex(self, groupby: str | Sequence[str], *, discounted: bool = False) -> pd.Series: ...
    def capex(self, groupby: GroupBy = None, *, discounted: bool = False) -> pd.Series | float:
        """Capex spent on the new modules [musd], by the year it is spent.

        Source: :attr:`Plan.builds`, each start's capex (modules × capex per module) spread over
        its lead years by ``finance.spend_profile`` as the planner spends it
        (:func:`fabnet.schedules.spend_kernel`); it adds up to :attr:`Plan.capex` by country and
        year. Keys: project, site, country, region, partner, resource, year.
        """
        frame = self._project_years("spend")
        return self._sum("capex", frame, "value", groupby, discounted=discounted)

    @overload
    def funding(self, groupby: None = None, *, discounted: bool = False) -> float: ...
    @overload
    def funding(self, groupby: str | Sequence[str], *, discounted: bool = False) -> pd.Series: ...
    def funding(self, groupby: GroupBy = None, *, discounted: bool = False) -> pd.Series | float:
        """Investor funding of the capex [musd].

        Source: :attr:`Plan.funding` (``musd``). Keys: investor, country, region, year.
        """
        frame = self._with_region(self._plan.funding)
        return self._sum("funding", frame, "musd", groupby, discounted=discounted)

    @overload
    def grants(self, groupby: None = None, *, discounted: bool = False) -> float: ...
    @overload
    def grants(self, groupby: str | Sequence[str], *, discounted: bool = False) -> pd.Series: ...
    def grants(self, groupby: GroupBy = None, *, discounted: bool = False) -> pd.Series | float:
        """Subsidy grants received towards the capex [musd] (a positive amount).

        Source: :attr:`Plan.grants` (``musd``). Keys: programme, country, region, year.
        """
        frame = self._with_region(self._plan.grants)
        return self._sum("grants", frame, "musd", groupby, discounted=discounted)

    @overload
    def debt(self, groupby: None = None, *, discounted: bool = False) -> float: ...
    @overload
    def debt(self, groupby: str | Sequence[str], *, discounted: bool = False) -> pd.Series: ...
    def debt(self, groupby: GroupBy = None, *, discounted: bool = False) -> pd.Series | float:
        """Capex financed by debt [musd], as it is drawn.

        Source: :attr:`Plan.capex` (``debt_musd``). Keys: country, region, year.
        """
        frame = self._with_region(self._plan.capex)
        return self._sum("debt", frame, "debt_musd", groupby, discounted=discounted)

    @overload
    def opex(self, groupby: None = None, *, discounted: bool = False) -> float: ...
    @overload
    def opex(self, groupby: str | Sequence[str], *, discounted: bool = False) -> pd.Series: ...
    def opex(self, groupby: GroupBy = None, *, discounted: bool = False) -> pd.Series | float:
        """Operating expenditure [musd]: the cost terms of :data:`OPEX_TERMS` (fixed opex of the
        new modules, their wafers' cash cost, wafers bought, capacity reservations).

        Source: :attr:`Plan.costs` (``musd``; ``npv_musd`` when discounted). Keys: term, year.
        """
        costs = self._plan.costs
        frame = costs[costs["term"].isin(OPEX_TERMS)]
        return self._costs("opex", "opex", frame, groupby, discounted)

    @overload
    def costs(self, groupby: None = None, *, discounted: bool = False) -> float: ...
    @overload
    def costs(self, groupby: str | Sequence[str], *, discounted: bool = False) -> pd.Series: ...
    def costs(self, groupby: GroupBy = None, *, discounted: bool = False) -> pd.Series | float:
        """The plan's cost by term [musd] (:data:`fabnet.planning.result.COST_TERMS`; grants
        and residual value are credits, below 0), the unserved penalty included: discounted and
        in total, the objective of a ``min_cost`` plan.

        Source: :attr:`Plan.costs` (``musd``; ``npv_musd`` when discounted). Keys: term, year.
        """
        return self._costs("costs", "cost", self._plan.costs, groupby, discounted)

    # -- capacity and output -------------------------------------------------------------------

    @overload
    def modules(self, groupby: None = None) -> float: ...
    @overload
    def modules(self, groupby: str | Sequence[str]) -> pd.Series: ...
    def modules(self, groupby: GroupBy = None) -> pd.Series | float:
        """New fab modules started [modules]; ``year`` is the start year, ``online_year`` the
        year they come online.

        Source: :attr:`Plan.builds` (``modules``). Keys: project, site, country, region,
        partner, resource, year, online_year.
        """
        frame = self._plan.builds.rename(columns={"start_year": "year"})
        return self._sum("modules", frame, "modules", groupby, unit="")

    @overload
    def capacity(self, groupby: None = None, *, year: int | None = None) -> float: ...
    @overload
    def capacity(self, groupby: str | Sequence[str], *, year: int | None = None) -> pd.Series: ...
    def capacity(self, groupby: GroupBy = None, *, year: int | None = None) -> pd.Series | float:
        """New capacity online [wspm]: in each year when grouped by ``year``, else in ``year``
        (default: the horizon's last, the capacity the plan leaves).

        Source: :attr:`Plan.capacity` (``new_wspm`` by resource, region and year). Grouped by a
        finer key (project, site, country, partner) each (resource, region, year)'s capacity is
        shared among its projects by their modules online, ramp-up counted (the modules of one
        resource are all of one size). Keys: project, site, country, region, partner, resource,
        year.

        Raises
        ------
        ParameterError
            If ``year`` is outside the horizon, or given with ``groupby`` holding ``year``.
        """
        keys = self._keys("capacity", groupby)
        years = self._plan.scenario.years
        if year is not None and "year" in keys:
            raise ParameterError("year", "None when grouping by year", year)
        if year is not None and year not in years:
            raise ParameterError("year", f"a year of the horizon ({years[0]}–{years[-1]})", year)
        if set(keys) <= {"resource", "region", "year"}:
            frame = self._plan.capacity
            value = "new_wspm"
        else:
            frame, value = self._project_years("capacity"), "value"
        if "year" not in keys:
            frame = frame[frame["year"] == (years[-1] if year is None else year)]
        return self._sum("capacity", frame, value, keys, unit="wspm")

    @overload
    def output(self, groupby: None = None) -> float: ...
    @overload
    def output(self, groupby: str | Sequence[str]) -> pd.Series: ...
    def output(self, groupby: GroupBy = None) -> pd.Series | float:
        """Wafers made [wafers] (12 × the wafer starts per month of each year), by ``source``:
        ``existing`` fabs (bought), ``new`` modules, ``reserved`` capacity, ``acquired`` fabs.

        Source: :attr:`Plan.production` (``*_wspm`` by resource and year). Keys: resource,
        source, year.
        """
        import pandas as pd

        production = self._plan.production
        frame = pd.concat(
            [
                production[["resource", "year"]].assign(source=source, value=production[column])
                for source, column in _SOURCES.items()
            ],
            ignore_index=True,
        )
        frame["value"] = wafers_per_year(frame["value"].astype(float))
        return self._sum("output", frame, "value", groupby, unit="wafers")

    @overload
    def accelerators(self, groupby: None = None) -> float: ...
    @overload
    def accelerators(self, groupby: str | Sequence[str]) -> pd.Series: ...
    def accelerators(self, groupby: GroupBy = None) -> pd.Series | float:
        """Accelerators made [units].

        Source: :attr:`Plan.accelerators` (``units``). Keys: product, year.
        """
        return self._sum("accelerators", self._plan.accelerators, "units", groupby, unit="units")

    @overload
    def unserved(self, groupby: None = None) -> float: ...
    @overload
    def unserved(self, groupby: str | Sequence[str]) -> pd.Series: ...
    def unserved(self, groupby: GroupBy = None) -> pd.Series | float:
        """New compute wanted but not delivered [H100e].

        Source: :attr:`Plan.compute` (``unserved_h100e``). Keys: year.
        """
        compute = self._plan.compute
        return self._sum("unserved", compute, "unserved_h100e", groupby, unit="h100e")

    @overload
    def delivered(self, groupby: None = None) -> float: ...
    @overload
    def delivered(self, groupby: str | Sequence[str]) -> pd.Series: ...
    def delivered(self, groupby: GroupBy = None) -> pd.Series | float:
        """New compute delivered [H100e].

        Source: :attr:`Plan.compute` (``delivered_h100e``). Keys: year.
        """
        compute = self._plan.compute
        return self._sum("delivered", compute, "delivered_h100e", groupby, unit="h100e")

    # -- helpers -------------------------------------------------------------------------------

    def _keys(self, method: str, groupby: GroupBy) -> list[str]:
        """``groupby`` as a list of keys allowed for ``method``; a ParameterError otherwise."""
        allowed = KEYS[method]
        if groupby is None:
            return []
        keys = [groupby] if isinstance(groupby, str) else groupby
        if (
            isinstance(keys, Sequence)
            and all(isinstance(k, str) and k in allowed for k in keys)
            and len(set(keys)) == len(keys)
        ):
            return list(keys)
        names = ", ".join(repr(k) for k in allowed)
        raise ParameterError(
            "groupby",
            f"None or one or several different keys of {names} (for {method})",
            groupby,
        )

    def _sum(
        self,
        method: str,
        frame: pd.DataFrame,
        value: str,
        groupby: GroupBy,
        *,
        discounted: bool = False,
        unit: str = "musd",
    ) -> pd.Series | float:
        """``frame[value]`` (discounted by its ``year`` if asked) summed by the keys."""
        keys = self._keys(method, groupby)
        values = frame[value].astype(float)
        if discounted:
            values = values * self._discount(frame["year"])
        name = f"{method}_npv_{unit}" if discounted else f"{method}_{unit}".rstrip("_")
        return _grouped(frame, values, keys, name)

    def _costs(
        self, method: str, figure: str, frame: pd.DataFrame, groupby: GroupBy, discounted: bool
    ) -> pd.Series | float:
        """Rows of :attr:`Plan.costs` summed by the keys (``npv_musd`` when discounted: the
        options' expected acquisition cost is discounted by its own dates, not by its row's)."""
        keys = self._keys(method, groupby)
        values = frame["npv_musd" if discounted else "musd"].astype(float)
        name = f"{figure}_npv_musd" if discounted else f"{figure}_musd"
        return _grouped(frame, values, keys, name)

    def _discount(self, year: pd.Series) -> np.ndarray:
        """The discount factor of each year to the horizon's first, ``(1 + r)^−(t − t₀)`` at
        ``policy.discount_rate`` (the planner's, :func:`fabnet.planning.data.build_data`)."""
        rate = self._plan.scenario.policy.discount_rate
        first = self._plan.scenario.years[0]
        from fabnet.finance.metrics import discount_factors

        return discount_factors(rate, year.to_numpy(dtype=float), first)

    def _with_region(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the ``region`` of its ``country``: the plan's builds' own, else the
        packaged catalog's (a country where nothing was built has nothing to sum)."""
        regions = dict(zip(self._plan.builds["country"], self._plan.builds["region"], strict=True))
        missing = sorted(set(frame["country"]) - set(regions))
        if missing:
            from fabnet.catalog import load_catalog

            catalog = load_catalog()
            regions |= {c: str(catalog.get("countries", c)["region"]) for c in missing}
        return frame.assign(region=frame["country"].map(regions))

    def _project_years(self, what: str) -> pd.DataFrame:
        """Per (project, year) with the project's keys: capex spent (``spend``) [musd] or new
        capacity online (``capacity``) [wspm], in ``value``; only non-zero rows."""
        import pandas as pd

        from fabnet.finance.cashflows import project_grid
        from fabnet.schedules import ramp_kernel, spend_kernel

        plan = self._plan
        grid = project_grid(plan)
        n_years = len(grid.years)
        if what == "spend":
            kernel = spend_kernel(grid.leads, n_years, plan.scenario.finance.spend_profile)
            values = grid.per_module(kernel, grid.module_capex)
        else:
            online = grid.per_module(
                ramp_kernel(grid.leads, plan.scenario.policy.ramp_profile, n_years),
                np.ones(len(grid.leads)),
            )
            values = _shared(plan.capacity, grid.projects, grid.years, online)
        projects = grid.projects.reset_index()[list(_PROJECT_KEYS)]
        rows, cols = np.nonzero(values)
        frame = projects.iloc[rows].reset_index(drop=True)
        frame["year"] = np.asarray(grid.years, dtype=np.int64)[cols]
        frame["value"] = values[rows, cols]
        return pd.DataFrame(frame)


def _shared(
    capacity: pd.DataFrame, projects: pd.DataFrame, years: list[int], online: np.ndarray
) -> np.ndarray:
    """Each (resource, region, year)'s new capacity [wspm] shared among its projects in
    proportion to their modules online (``online``, (P, T)): a (P, T) array."""
    import pandas as pd

    cell = pd.MultiIndex.from_frame(projects[["resource", "region"]])
    total = pd.DataFrame(online, index=cell, columns=years).groupby(level=[0, 1]).sum()
    table = (
        capacity.set_index(["resource", "region", "year"])["new_wspm"]
        .unstack("year")
        .reindex(index=total.index, columns=years)
        .fillna(0.0)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        per_module = np.where(total.to_numpy() > 0.0, table.to_numpy() / total.to_numpy(), 0.0)
    rows = total.index.get_indexer(cell)
    shared: np.ndarray = online * per_module[rows]
    return shared


def _grouped(
    frame: pd.DataFrame, values: pd.Series, keys: list[str], name: str
) -> pd.Series | float:
    """``values`` summed over all rows (a float) or by the ``keys`` columns of ``frame``."""
    if not keys:
        return float(values.sum())
    summed = values.groupby([frame[k] for k in keys], sort=True).sum()
    summed.name = name
    return summed

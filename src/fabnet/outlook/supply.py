"""Supply: capacity per fab, resource, region and year from the catalog's fabs, and the part of
it available for AI accelerators.

A fab's catalog trajectory gives its capacity at the end of each year given (sources report
year-end figures); before the first year it is 0 and after the last it is held. Output *during*
a year is the mean of the previous and the current year-end capacity. A fab produces nothing from
its ``retire_year`` on. Status weights it: cancelled 0, operating 1, building and announced by
their probability of coming online (``supply.announced: probability``), in full (``full``), or not
at all (``none``). The AI share of each resource (``supply.ai_share``, 1 where not given) then
gives the capacity that counts as AI supply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabnet.catalog import Catalog
from fabnet.scenario import Fab, Scenario, included_fabs, interpolate

if TYPE_CHECKING:
    import pandas as pd

#: Columns of the supply frame, in order.
SUPPLY_COLUMNS = [
    "year",
    "fab",
    "name",
    "operator",
    "country",
    "region",
    "resource",
    "status",
    "lat",
    "lon",
    "capacity_wspm",
    "weight",
    "ai_share",
    "ai_capacity_wspm",
]


def catalog_fab(catalog: Catalog, ident: str) -> Fab:
    """A catalog fab as a scenario :class:`~fabnet.scenario.Fab`."""
    entry: dict[str, Any] = dict(catalog.get("fabs", ident).items())
    return Fab(
        id=ident,
        source=f"catalog:fabs/{ident}",
        capacity_wspm=catalog.trajectory("fabs", ident, "capacity_wspm"),
        **entry,
    )


def scenario_fabs(scenario: Scenario, catalog: Catalog) -> list[Fab]:
    """The fabs that count as supply: catalog fabs chosen, with overrides, plus added ones."""
    fabs = {ident: catalog_fab(catalog, ident) for ident in included_fabs(scenario, catalog)}
    for override in scenario.supply.overrides:
        if override.id not in fabs:
            continue  # excluded: the override has nothing to change
        fab = fabs[override.id]
        changes = override.model_dump(exclude_none=True, exclude={"id", "source"})
        start = changes.get("production_start_year")
        if start is not None and "capacity_wspm" not in changes:
            # A later (or earlier) start shifts the whole ramp.
            base = fab.production_start_year or min(fab.capacity_wspm)
            shift = start - base
            changes["capacity_wspm"] = {y + shift: c for y, c in fab.capacity_wspm.items()}
        fabs[override.id] = fab.model_copy(
            update={**changes, "source": f"{fab.source} (with scenario changes)"}
        )
    return [*fabs.values(), *scenario.supply.add]


def capacity_in_year(fab: Fab, year: int) -> float:
    """Mean capacity during ``year`` [wspm]: the average of the previous and this year-end."""
    if fab.retire_year is not None and year >= fab.retire_year:
        return 0.0
    return 0.5 * (_year_end(fab.capacity_wspm, year - 1) + _year_end(fab.capacity_wspm, year))


def _year_end(path: dict[int, float], year: int) -> float:
    given = [y for y in path if y <= year]
    return path[max(given)] if given else 0.0


def status_weight(fab: Fab, announced: str) -> float:
    """How much of a fab counts: by status and the scenario's rule for announced fabs."""
    if fab.status == "cancelled":
        return 0.0
    if fab.status == "operating":
        return 1.0
    if announced == "none":
        return 0.0
    if announced == "full":
        return 1.0
    return 1.0 if fab.probability is None else fab.probability


def supply_frame(scenario: Scenario, catalog: Catalog) -> pd.DataFrame:
    """Capacity and AI capacity per (year, fab), with the fab's place and status."""
    import pandas as pd

    rows = []
    for fab in scenario_fabs(scenario, catalog):
        region = str(catalog.get("countries", fab.country)["region"])
        weight = status_weight(fab, scenario.supply.announced)
        share_path = (
            fab.ai_share
            if fab.ai_share is not None
            else scenario.supply.ai_share.get(fab.resource, 1.0)
        )
        for year in scenario.years:
            capacity = capacity_in_year(fab, year)
            share = interpolate(share_path, year)
            rows.append(
                (
                    year,
                    fab.id,
                    fab.name,
                    fab.operator,
                    fab.country,
                    region,
                    fab.resource,
                    fab.status,
                    fab.lat,
                    fab.lon,
                    capacity,
                    weight,
                    share,
                    capacity * weight * share,
                )
            )
    frame = pd.DataFrame(rows, columns=SUPPLY_COLUMNS)
    numeric = ["lat", "lon", "capacity_wspm", "weight", "ai_share", "ai_capacity_wspm"]
    return frame.astype(dict.fromkeys(numeric, float) | {"year": int})

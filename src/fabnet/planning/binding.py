"""What holds a plan back: every limit family, place and year, with its shadow price in the
scenario's units and the slack of the rest.

The shadow prices come from the plan's LP relaxation (fractional module starts), the only model
in which every limit has a dual: ``−dual`` is what one more unit of the limit would save, in musd
of the objective (discounted to the first year), at the relaxation's optimum (which lies within
the plan's MIP gap plus the integrality gap of the plan; the formulation aggregates starts, so
that gap is small: see docs/planning.md). A limit *binds* where its slack is zero or its shadow
price is positive. Years with unserved compute also get the reason the supply could not be there
in time: the earliest year a new module of each short resource can be online.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.units import from_kwspm, to_millions

if TYPE_CHECKING:
    import linopy
    import pandas as pd

    from fabnet.outlook import GapResult
    from fabnet.planning.data import PlanData, SupplyOptions
    from fabnet.planning.model import ModelParts

__all__ = ["LIMITS", "binding_limits", "read_limits", "unserved_reasons"]

#: Limit families: the unit one more of them is counted in, and how a row reads.
LIMITS: dict[str, tuple[str, str]] = {
    "Site-modules": ("module", "site {site} module count"),
    "Site-power": ("MW", "site {site} power"),
    "Site-water": ("ML/day", "site {site} water"),
    "Site-land": ("ha", "site {site} land"),
    "Partner-starts": ("module", "partner {partner} starts in {year}"),
    "EUV-tools": ("tool", "EUV tools in {year}"),
    "New-modules": ("module", "new modules in {year}"),
    "Regional-cap": ("pp", "regional cap {region} in {year}"),
    "Investor-annual": ("musd", "investor {investor} annual cap in {year}"),
    "Investor-total": ("musd", "investor {investor} commitment"),
    "Subsidy-cap": ("musd", "subsidy programme {programme} cap"),
    "Debt-share": ("musd", "debt share in {country} in {year}"),
    "Unserved-cap": ("M H100e", "unserved-compute cap in {year}"),
}

COLUMNS = [
    "family",
    "where",
    "year",
    "unit",
    "limit",
    "used",
    "slack",
    "shadow_price_musd",
    "binding",
    "message",
]

#: Slack (relative to the limit) and shadow price [musd] below which they count as zero.
TOLERANCE = 1e-3


def binding_limits(
    data: PlanData,
    options: SupplyOptions | None = None,
    *,
    time_limit_s: float = 60.0,
    threads: int = 0,
) -> pd.DataFrame:
    """Every limit of the plan's LP relaxation with its slack and shadow price
    (:func:`read_limits` of the relaxation, built and solved here).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`; empty when the relaxation has no optimum.
    """
    import pandas as pd

    from fabnet.planning.model import build_model
    from fabnet.planning.solve import solve

    model, parts = build_model(data, relax=True, options=options)
    info = solve(model, time_limit_s=time_limit_s, mip_gap=0.0, threads=threads)
    if info.status != "optimal":
        return pd.DataFrame(columns=COLUMNS)
    return read_limits(model, parts)


def read_limits(model: linopy.Model, parts: ModelParts) -> pd.DataFrame:
    """The limits of a solved LP with their slacks and shadow prices (world 0).

    Returns
    -------
    DataFrame
        One row per (family, place, year) (:data:`COLUMNS`): ``limit``, ``used`` and ``slack``
        in ``unit`` (a regional cap's in wspm of new capacity), ``shadow_price_musd`` what one
        more ``unit`` would save [musd, discounted], ``binding``, and a sentence. Binding rows
        first, by shadow price.
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    total_new = parts.production.new_capacity.solution.sel(world=0, drop=True).sum("group")
    for family, (unit, template) in LIMITS.items():
        if family not in model.constraints:
            continue
        rows += _rows(model.constraints[family], family, unit, template, total_new)
    data = parts.worlds.base
    if data.projects.empty:
        rows.append(no_projects_row(data))
    table = pd.DataFrame(rows, columns=COLUMNS)
    if table.empty:
        return table
    table = table.sort_values(
        ["binding", "shadow_price_musd", "family"], ascending=[False, False, True], kind="stable"
    )
    return table.reset_index(drop=True)


def no_projects_row(data: PlanData) -> dict[str, Any]:
    """The row that says why no new module can be built at all: no sites, no partners, or no
    site that allows a partner running a resource the demand needs."""
    scenario = data.scenario
    if not scenario.sites:
        where, why = "sites", "the scenario has no sites"
    elif not scenario.partners:
        where, why = "partners", "the scenario has no partners"
    elif not any(site.partners for site in scenario.sites):
        where, why = "sites", "no site allows any partner"
    else:
        needed = ", ".join(data.resources) or "none"
        where, why = "partners", f"no site allows a partner that runs a resource needed ({needed})"
    return {
        "family": "Candidate-projects",
        "where": where,
        "year": np.nan,
        "unit": "project",
        "limit": 0.0,
        "used": 0.0,
        "slack": 0.0,
        "shadow_price_musd": 0.0,
        "binding": True,
        "message": f"no new module can be built: {why}; demand beyond existing supply goes"
        " unserved",
    }


def _rows(
    constraint: linopy.Constraint,
    family: str,
    unit: str,
    template: str,
    total_new: Any,
) -> list[dict[str, Any]]:
    """The rows of one limit family (world 0)."""
    dual = constraint.dual.sel(world=0, drop=True)
    rhs = (
        constraint.rhs.sel(world=0, drop=True) if "world" in constraint.rhs.dims else constraint.rhs
    )
    used = constraint.lhs.solution.sel(world=0, drop=True)
    frame = (
        dual.to_series()
        .rename("dual")
        .to_frame()
        .join(used.to_series().rename("used"))
        .join(rhs.broadcast_like(dual).to_series().rename("limit"))
        .dropna(subset=["dual"])
        .reset_index()
    )
    dims = [str(d) for d in dual.dims]
    out = []
    for record in frame.to_dict("records"):
        coords = {d: record[d] for d in dims}
        saving = max(0.0, -float(record["dual"]))
        limit, lhs = float(record["limit"]), float(record["used"])
        if family == "Regional-cap":
            # inside − cap·total ≤ 0: one percentage point more cap is 0.01·total more room.
            total = float(total_new.sel(year=coords["year"]))
            saving *= 0.01 * total
            lhs, limit = from_kwspm(lhs), 0.0
        slack = limit - lhs
        binds = saving > TOLERANCE
        place = template.format(**{**coords, "year": coords.get("year", "")})
        out.append(
            {
                "family": family,
                "where": ", ".join(str(coords[d]) for d in dims if d != "year"),
                "year": coords.get("year", np.nan),
                "unit": unit,
                "limit": limit,
                "used": lhs,
                "slack": slack,
                "shadow_price_musd": saving,
                "binding": bool(binds),
                "message": _sentence(place, unit, saving, binds, slack),
            }
        )
    return out


def _sentence(place: str, unit: str, saving: float, binds: bool, slack: float) -> str:
    one = {"module": "one more module", "pp": "one percentage point more", "tool": "one more tool"}
    more = one.get(unit, f"+1 {unit}")
    if binds:
        return f"{place}: {more} would save {saving:,.1f} musd (NPV)"
    if abs(slack) <= TOLERANCE * max(1.0, abs(slack)):
        return f"{place}: at its limit, but one more would save nothing at the margin"
    return f"{place}: {slack:,.4g} {unit} to spare"


def unserved_reasons(
    data: PlanData,
    unserved: pd.Series,
    outlook: GapResult | None = None,
    limits: pd.DataFrame | None = None,
) -> list[str]:
    """Why compute goes unserved in each year it does, in sentences: which resources are short
    and when a new module of each can first be online (a lead time no limit can shorten), or
    else the binding limits of that year (and of no year) with the largest shadow prices."""
    out = []
    projects = data.projects
    for label, amount in unserved.items():
        year = int(str(label))
        if amount <= 0.0:
            continue
        short = []
        if outlook is not None:
            rows = outlook.table[
                (outlook.table["year"] == year) & (outlook.table["coverage"] < 1.0)
            ]
            short = list(rows.sort_values("coverage")["resource"])
        parts = []
        for resource in short or sorted(set(projects["resource"])):
            own = projects[projects["resource"] == resource]
            if own.empty:
                parts.append(f"no candidate project can make {resource}")
                continue
            first = int((own["earliest_year"] + own["lead_years"]).min())
            if first > year:
                parts.append(f"the first new {resource} module can be online in {first}")
        if not parts and limits is not None and len(limits):
            binding = limits[limits["binding"]]
            inside = binding[(binding["year"] == year) | binding["year"].isna()]
            parts = [str(m) for m in inside["message"].head(3)]
        if not parts:
            parts = ["no limit binds: serving it would cost more than the penalty"]
        out.append(f"{year}: {to_millions(amount):,.2f} M H100e unserved: " + "; ".join(parts))
    return out

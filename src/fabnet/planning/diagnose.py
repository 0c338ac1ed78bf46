"""Infeasible plans explained in scenario terms.

Elastic mode rebuilds the model with a priced slack on every family of limits (investor caps,
subsidy caps, debt share, site modules and power, partner starts, EUV tools, regional caps, new
modules per year, the cap on unserved compute) and solves it; every slack that had to be used is
reported with the place and year it was used, in the scenario's words. For an LP (``relax``),
HiGHS's irreducible infeasible subsystem is mapped back to constraint names as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fabnet.units import from_kwspm

if TYPE_CHECKING:
    import linopy

    from fabnet.outlook import GapResult
    from fabnet.planning.data import PlanData

#: Slack below which a limit counts as respected.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Finding:
    """One limit the plan could not respect: family, where (scenario terms), by how much."""

    family: str
    where: str
    amount: float
    unit: str
    message: str

    def __str__(self) -> str:
        return self.message


_UNITS = {
    "Unserved-cap": "M H100e",
    "Investor-annual": "musd",
    "Investor-total": "musd",
    "Subsidy-cap": "musd",
    "Debt-share": "musd",
    "Site-modules": "modules",
    "Site-power": "MW",
    "Site-water": "ML/day",
    "Site-land": "ha",
    "Partner-starts": "modules",
    "EUV-tools": "tools",
    "New-modules": "modules",
    "Regional-cap": "wspm",
}


def _where(coords: dict[str, Any]) -> str:
    return ", ".join(str(v) for v in coords.values())


#: Sentence per family; ``{amount}``, ``{year}`` and the slack's coordinates fill it in.
_TEMPLATES = {
    "Investor-annual": "investor {investor} annual cap, {year}: {amount:,.0f} musd more would be"
    " needed",
    "Investor-total": "investor {investor} total commitment: {amount:,.0f} musd more would be"
    " needed",
    "Subsidy-cap": "subsidy programme {programme} cap: {amount:,.0f} musd over",
    "Debt-share": "debt share in {country}, {year}: {amount:,.0f} musd more debt than"
    " policy.max_debt_share allows",
    "Site-modules": "site {site} module limit: {amount:,.1f} modules over",
    "Site-power": "site {site} power limit: {amount:,.0f} MW over",
    "Site-water": "site {site} water limit: {amount:,.1f} ML/day over",
    "Site-land": "site {site} land limit: {amount:,.1f} ha over",
    "Partner-starts": "partner {partner} starts per year, {year}: {amount:,.1f} modules over",
    "EUV-tools": "EUV tools per year, {year}: {amount:,.1f} tools over policy.euv_tools_per_year",
    "New-modules": "new modules per year, {year}: {amount:,.1f} over",
}


def _message(
    family: str, coords: dict[str, Any], amount: float, data: PlanData, outlook: GapResult | None
) -> str:
    year = coords.get("year")
    if family == "Unserved-cap":
        text = (
            f"compute wanted in {year} cannot be met: {amount:,.2f} M H100e more than"
            " policy.max_unserved_share allows"
        )
        return text + _why_short(int(year), data, outlook) if year is not None else text
    if family == "Regional-cap":
        return (
            f"regional cap {coords['region']} {year}: {amount:,.0f} wspm of new capacity over"
            " the share allowed"
        )
    template = _TEMPLATES.get(family)
    if template is None:
        return f"{family} {_where(coords)}: {amount:,.3g} over"
    return template.format(amount=amount, **coords)


def _why_short(year: int, data: PlanData, outlook: GapResult | None) -> str:
    """Which resources are short that year, and when new modules of them can first produce."""
    if outlook is None:
        return ""
    rows = outlook.table[(outlook.table["year"] == year) & (outlook.table["coverage"] < 1.0)]
    if rows.empty:
        return ""
    parts = []
    projects = data.projects
    for row in rows.sort_values("coverage").itertuples():
        own = projects[projects["resource"] == row.resource]
        if own.empty:
            parts.append(
                f"{row.resource} is short (existing AI supply covers"
                f" {row.coverage:.0%}) and no candidate project can make it"
            )
            continue
        first = int((own["earliest_year"] + own["lead_years"]).min())
        parts.append(
            f"{row.resource} is short (existing AI supply covers {row.coverage:.0%});"
            f" the earliest new {row.resource} module comes online in {first}"
        )
    return ": " + "; ".join(parts)


def slack_findings(
    data: PlanData, slacks: Mapping[str, linopy.Variable], outlook: GapResult | None = None
) -> list[Finding]:
    """The slacks a solved elastic model used, as findings."""
    findings = []
    for family, slack in slacks.items():
        solution = slack.solution
        if "world" in solution.dims and solution.sizes["world"] == 1:
            solution = solution.sel(world=0, drop=True)
        values = solution.to_series().dropna()
        if family == "Regional-cap":  # the model counts kwspm; findings speak in wspm
            values = from_kwspm(values)
        for index, amount in values[values > TOLERANCE].items():
            names = solution.dims
            keys = index if isinstance(index, tuple) else (index,)
            coords = dict(zip(names, keys, strict=True))
            findings.append(
                Finding(
                    family,
                    _where(coords),
                    float(amount),
                    _UNITS.get(family, ""),
                    _message(family, coords, float(amount), data, outlook),
                )
            )
    return findings


def iis_constraints(model: linopy.Model, highs: Any) -> list[str]:
    """HiGHS's irreducible infeasible subsystem of an LP, as ``name[coords]`` strings."""
    import highspy
    import numpy as np

    strategy = int(highspy.IisStrategy.kIisStrategyFromLp) | int(
        highspy.IisStrategy.kIisStrategyIrreducible
    )
    highs.setOptionValue("iis_strategy", strategy)
    status, iis = highs.getIis()
    if status == highspy.HighsStatus.kError or not iis.valid_:
        return []
    clabels = model.matrices.clabels
    out = []
    for position in np.asarray(iis.row_index_, dtype=int):
        label = int(clabels[position])
        position_of = model.constraints.get_label_position(label)
        if not isinstance(position_of, tuple) or position_of[0] is None:
            continue
        name, coords = position_of
        labels = dict(coords)
        if model.constraints[name].labels.sizes.get("world") == 1:
            labels.pop("world", None)  # one world: say where, not which world
        where = ", ".join(f"{v}" for v in labels.values())
        out.append(f"{name}[{where}]")
    return sorted(set(out))

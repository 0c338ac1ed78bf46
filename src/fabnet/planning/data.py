"""The planner's input: labelled arrays assembled from a scenario, the catalog and the gap.

Units inside the model (chosen so that coefficients stay within a few orders of magnitude):
capacity in kwspm (1,000 wafer starts per month), accelerators in millions of units, compute in
millions of H100e (M H100e), money in USD millions (musd).

A *project* is one (site, partner, resource) where the site allows the partner and the partner
runs the resource; it can start any whole number of modules per year. Its lead time is the
region's permit + design + construction months times the partner's lead-time factor, rounded up
to whole years; a module started in year τ spends its capex evenly over the lead years, comes
online in τ + L and ramps up by ``policy.ramp_profile``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from fabnet.catalog import Catalog
from fabnet.exceptions import ParameterError
from fabnet.scenario import Scenario
from fabnet.schedules import lead_years
from fabnet.units import (
    MAX_PENALTY_USD_PER_H100E,
    WAFERS_PER_KWSPM_YEAR,
    from_kwspm,
    from_millions,
    months_to_years,
    to_kwspm,
    to_millions,
    usd_to_musd,
)

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.outlook import GapResult

#: What a site may limit (NaN: no limit): its modules of any kind, and the power, water and land
#: its new modules may use; the last three are per module in ``projects`` (by resource).
SITE_LIMITS = ("max_modules", "power_mw", "water_ml_per_day", "land_ha")


@dataclass(frozen=True)
class SupplyOptions:
    """Which supply options a plan may use (buying from existing fabs is always open)."""

    builds: bool = True
    reservation: bool = False
    acquisition: bool = False


@dataclass(frozen=True)
class PlanData:
    """Everything the planning model needs, as pandas objects indexed by readable labels."""

    scenario: Scenario
    years: list[int]
    projects: pd.DataFrame  # index project: site, partner, resource, country, region, ...
    resources: list[str]
    products: pd.DataFrame  # index product: h100e
    need: pd.DataFrame  # index (product, resource), columns years: kwspm per M units a year
    mix: pd.DataFrame  # index product, columns years: share of new compute
    new_compute: pd.Series  # year → M H100e wanted
    existing: pd.DataFrame  # index resource, columns years: AI supply of existing fabs, kwspm
    wafer_cost: pd.Series  # resource → USD per wafer bought from existing supply
    opex: pd.Series  # resource → USD per wafer made in new fabs
    investors: pd.DataFrame
    funding: pd.DataFrame  # index (investor, country): 1 where the investor funds the country
    subsidies: pd.DataFrame
    subsidy_countries: pd.DataFrame  # index (programme, country)
    sites: pd.DataFrame
    discount: pd.Series  # year → discount factor
    ramp: list[float] = field(default_factory=list)
    option_data: SupplyOptionData | None = None  # reservation and acquisition inputs, when wanted

    @property
    def countries(self) -> list[str]:
        """Countries with at least one project."""
        return sorted(set(self.projects["country"]))


def build_data(
    scenario: Scenario, catalog: Catalog, outlook: GapResult, options: SupplyOptions | None = None
) -> PlanData:
    """Assemble :class:`PlanData` from a scenario, the catalog and its gap outlook (and the
    inputs of the reservation and acquisition options when ``options`` opens them)."""
    import pandas as pd

    years = scenario.years
    top = max(scenario.policy.penalty(years))
    if not top <= MAX_PENALTY_USD_PER_H100E:
        raise ParameterError(
            "policy.unserved_penalty_usd_per_h100e",
            f"at most {MAX_PENALTY_USD_PER_H100E:.0e} USD per H100e (the planner's numerically"
            " sound range)",
            top,
        )
    partners = {p.id: p for p in scenario.partners}
    resources = sorted(set(outlook.table["resource"]))
    per_kwspm = module_figures(scenario, catalog, resources)
    rows = []
    for site in scenario.sites:
        region = str(catalog.get("countries", site.country)["region"])
        permit = catalog.number("regions", region, "permit_design_months")
        construction = catalog.number("regions", region, "construction_months")
        for partner_id in site.partners:
            partner = partners[partner_id]
            for resource in partner.resources:
                if resource not in resources:
                    continue
                module = to_kwspm(catalog.number("resources", resource, "module_capacity_wspm"))
                capex = (
                    per_kwspm[resource]["capex_musd_per_kwspm"]
                    * module
                    * catalog.number("regions", region, "capex_factor")
                )
                euv = per_kwspm[resource]["euv_tools_per_kwspm"]
                # A packaging line is built faster than a fab (resources lead_time_factor).
                factor = partner.lead_time_factor * catalog.number(
                    "resources", resource, "lead_time_factor", 1.0
                )
                months = (permit + construction) * factor
                rows.append(
                    {
                        "project": f"{site.id}/{partner_id}/{resource}",
                        "site": site.id,
                        "partner": partner_id,
                        "resource": resource,
                        "country": site.country,
                        "region": region,
                        "module_kwspm": module,
                        "lead_years": int(lead_years(months)),
                        "lead_months": months,
                        "capex_musd": capex,
                        "power_mw": catalog.number("resources", resource, "module_power_mw"),
                        "water_ml_per_day": catalog.number(
                            "resources", resource, "module_water_ml_per_day", 0.0
                        ),
                        "land_ha": catalog.number("resources", resource, "module_land_ha", 0.0),
                        "euv_tools": euv * module,
                        "earliest_year": _earliest(
                            scenario, site.id, site.country, partner_id, resource
                        ),
                        "lat": site.lat,
                        "lon": site.lon,
                    }
                )
    projects = (
        pd.DataFrame(rows).set_index("project")
        if rows
        else pd.DataFrame(
            columns=[
                "site",
                "partner",
                "resource",
                "country",
                "region",
                "module_kwspm",
                "lead_years",
                "lead_months",
                "capex_musd",
                "power_mw",
                "water_ml_per_day",
                "land_ha",
                "euv_tools",
                "earliest_year",
                "lat",
                "lon",
            ]
        ).rename_axis("project")
    )

    # The outlook's products and mix: the scenario's and the generic successors of its roadmap.
    mix = outlook.mix_wide().reindex(columns=years).fillna(0.0).clip(0, 1).round(12)
    products = pd.DataFrame(
        {"h100e": outlook.products["h100e_per_unit"].reindex(mix.index).astype(float)},
        index=pd.Index(mix.index, name="product"),
    )
    mix_products = list(mix.index)
    # Requirement per unit from the outlook's bill of materials: wafers per unit and year.
    demand = outlook.demand
    per_unit = demand.assign(
        per_unit=np.where(demand["units"] > 0, demand["wafers_per_year"] / demand["units"], 0.0)
    )
    # Units of a product vary by year but its wafers per unit only through D0 learning; take
    # each year's value and fill years without output from the nearest year that has one.
    need = (
        per_unit.groupby(["product", "resource", "year"])["per_unit"]
        .sum()
        .unstack("year")
        .reindex(columns=years)
    )
    need = need.replace(0.0, np.nan).ffill(axis=1).bfill(axis=1).fillna(0.0)
    need = from_millions(need) / WAFERS_PER_KWSPM_YEAR  # kwspm per million units a year
    missing = [p for p in mix_products if p not in need.index.get_level_values("product")]
    if missing:  # products with no output over the whole horizon still need a row
        products = products.drop(index=missing)
        mix = mix.drop(index=missing)

    existing = to_kwspm(
        outlook.supply.groupby(["resource", "year"])["ai_capacity_wspm"]
        .sum()
        .unstack("year")
        .reindex(index=resources, columns=years)
        .fillna(0.0)
    )
    wafer_cost = pd.Series(
        {r: catalog.number("resources", r, "wafer_price_usd") for r in resources}, dtype=float
    )
    opex = pd.Series(
        {r: catalog.number("resources", r, "opex_usd_per_wafer") for r in resources}, dtype=float
    )
    investors = pd.DataFrame(
        [
            {
                "investor": i.id,
                "commitment_musd": i.commitment_musd,
                "annual_cap_musd": i.annual_cap_musd,
            }
            for i in scenario.investors
        ],
        columns=["investor", "commitment_musd", "annual_cap_musd"],
    ).set_index("investor")
    funding = pd.DataFrame(
        [{"investor": i.id, "country": c} for i in scenario.investors for c in i.countries],
        columns=["investor", "country"],
    )
    subsidies = pd.DataFrame(
        [
            {"programme": s.id, "capex_share": s.capex_share, "cap_musd": s.cap_musd}
            for s in scenario.subsidies
        ],
        columns=["programme", "capex_share", "cap_musd"],
    ).set_index("programme")
    subsidy_countries = pd.DataFrame(
        [{"programme": s.id, "country": c} for s in scenario.subsidies for c in s.countries],
        columns=["programme", "country"],
    )
    sites = pd.DataFrame(
        [
            {
                "site": s.id,
                **{
                    limit: np.nan if getattr(s, limit) is None else float(getattr(s, limit))
                    for limit in SITE_LIMITS
                },
            }
            for s in scenario.sites
        ],
        columns=["site", *SITE_LIMITS],
    ).set_index("site")
    rate = scenario.policy.discount_rate
    from fabnet.finance.metrics import discount_factors

    discount = pd.Series(discount_factors(rate, years, years[0]), index=list(years))
    new_compute = to_millions(outlook.compute["new_h100e"].reindex(years).fillna(0.0))
    return PlanData(
        scenario=scenario,
        years=years,
        projects=projects,
        resources=resources,
        products=products,
        need=need,
        mix=mix,
        new_compute=new_compute,
        existing=existing,
        wafer_cost=wafer_cost,
        opex=opex,
        investors=investors,
        funding=funding,
        subsidies=subsidies,
        subsidy_countries=subsidy_countries,
        sites=sites,
        discount=discount,
        ramp=list(scenario.policy.ramp_profile),
        option_data=(
            supply_option_data(scenario, catalog, outlook)
            if options is not None and (options.reservation or options.acquisition)
            else None
        ),
    )


def module_figures(
    scenario: Scenario, catalog: Catalog, resources: list[str]
) -> dict[str, dict[str, float]]:
    """A new module's capex and EUV scanners per kwspm, by resource: the catalog's
    ``capex_musd_per_kwspm`` and ``euv_tools_per_kwspm`` (0 where it gives none), or for a
    resource the scenario links to a fab module design (``fab_designs:``) the design's module
    bill's figures named in its ``use`` (:func:`fabnet.fab.design.linked_figures`).

    Units: USD million per kwspm, scanners per kwspm (the project's capex is this times the
    module's kwspm times the region's capex factor; its scanners this times its kwspm).
    """
    figures = {
        r: {
            "capex_musd_per_kwspm": catalog.number("resources", r, "capex_musd_per_kwspm"),
            "euv_tools_per_kwspm": catalog.number("resources", r, "euv_tools_per_kwspm", 0.0),
        }
        for r in resources
    }
    if scenario.fab_designs:
        from fabnet.fab.design import linked_figures

        for resource, linked in linked_figures(scenario, catalog).items():
            if resource in figures:
                figures[resource].update(linked)
    return figures


def _earliest(scenario: Scenario, site: str, country: str, partner: str, resource: str) -> int:
    """The first year a module of this project may start (policy earliest starts)."""
    policy = scenario.policy
    year = max(scenario.years[0], policy.earliest_start_year or scenario.years[0])
    for rule in policy.earliest_starts:
        selectors = {"site": site, "country": country, "partner": partner, "resource": resource}
        if all(getattr(rule, k) in (None, v) for k, v in selectors.items()):
            year = max(year, rule.year)
    return year


@dataclass(frozen=True)
class SupplyOptionData:
    """Reservation and acquisition inputs, in the planner's units (kwspm, musd)."""

    reservable: pd.DataFrame  # index (partner, resource), columns years: most reservable, kwspm
    order_lead: pd.Series  # partner → years from order to supply
    fee: pd.Series  # resource → reservation fee, musd per kwspm-year
    deals: pd.DataFrame  # index target: closing_year, price_musd, book_value_musd, q, break fee
    acquirable: pd.DataFrame  # index (target, resource), columns years: extra access, kwspm


def supply_option_data(
    scenario: Scenario, catalog: Catalog, outlook: GapResult
) -> SupplyOptionData:
    """Assemble the inputs of the reservation and acquisition options.

    Raises
    ------
    ParameterError
        An acquisition without a price whose target has no book value.
    """
    import pandas as pd

    years = scenario.years
    strategies = scenario.finance.strategies
    partners = {p.id: p for p in scenario.partners}
    supply = outlook.supply.assign(
        owned=to_kwspm(outlook.supply["capacity_wspm"] * outlook.supply["weight"])
    )
    supply = supply.assign(non_ai=supply["owned"] * (1.0 - supply["ai_share"]))
    grouped = supply.groupby(["operator", "resource", "year"])
    owned = grouped["owned"].sum().unstack("year").reindex(columns=years, fill_value=0.0)
    non_ai = grouped["non_ai"].sum().unstack("year").reindex(columns=years, fill_value=0.0)
    owned_paths = dict(zip(owned.index, owned.fillna(0.0).to_numpy(dtype=float), strict=True))
    non_ai_paths = dict(zip(non_ai.index, non_ai.fillna(0.0).to_numpy(dtype=float), strict=True))

    chosen = strategies.reservation.partners or list(partners)
    order_lead = {}
    rows = {}
    for partner_id in chosen:
        partner = partners[partner_id]
        region = str(catalog.get("countries", partner.country)["region"])
        months = catalog.number("regions", region, "permit_design_months") + catalog.number(
            "regions", region, "construction_months"
        )
        order_lead[partner_id] = int(lead_years(months * partner.lead_time_factor))
        for resource in partner.resources:
            if (partner_id, resource) not in owned_paths:
                continue
            path = owned_paths[(partner_id, resource)]
            share = strategies.reservation.max_share_of_partner_capacity
            open_from = years[0] + order_lead[partner_id]
            rows[(partner_id, resource)] = list(
                np.where(np.array(years) >= open_from, share * path, 0.0)
            )
    reservable = pd.DataFrame.from_dict(rows, orient="index", columns=years)
    reservable.index = (
        pd.MultiIndex.from_tuples(list(rows), names=["partner", "resource"])
        if rows
        else pd.MultiIndex.from_tuples([], names=["partner", "resource"])
    )
    resources = sorted(set(outlook.table["resource"]))
    fees = strategies.reservation.fee_usd_per_wspm_year
    fee = usd_to_musd(  # USD per wspm-year → musd per kwspm-year
        from_kwspm(
            pd.Series(
                {
                    r: fees[r]
                    if r in fees
                    else catalog.number("resources", r, "reservation_fee_usd_per_wspm_year", 0.0)
                    for r in resources
                },
                dtype=float,
            )
        )
    )

    deals = []
    access = {}
    for k, deal in enumerate(strategies.acquisitions):
        book = partners[deal.target].book_value_musd
        if deal.price_musd is None and book is None:
            raise ParameterError(
                f"finance.strategies.acquisitions[{k}].price_musd",
                f"given, since partner {deal.target!r} has no book_value_musd",
                None,
            )
        price = deal.price_musd if deal.price_musd is not None else (1 + deal.premium) * book  # type: ignore[operator]
        closing = years[0] + math.ceil(months_to_years(deal.closing_months))
        deals.append(
            {
                "target": deal.target,
                "closing_year": closing,
                "price_musd": float(price),
                "book_value_musd": float(book if book is not None else price),
                "block_probability": deal.block_probability,
                "break_fee_musd": deal.break_fee_musd,
            }
        )
        for (operator, resource), path in non_ai_paths.items():
            if operator == deal.target:
                access[(deal.target, resource)] = list(
                    np.where(np.array(years) >= closing, path * (1.0 - deal.block_probability), 0.0)
                )
    acquirable = pd.DataFrame.from_dict(access, orient="index", columns=years)
    acquirable.index = (
        pd.MultiIndex.from_tuples(list(access), names=["target", "resource"])
        if access
        else pd.MultiIndex.from_tuples([], names=["target", "resource"])
    )
    return SupplyOptionData(
        reservable=reservable,
        order_lead=pd.Series(order_lead, dtype=int),
        fee=fee,
        deals=pd.DataFrame(
            deals,
            columns=[
                "target",
                "closing_year",
                "price_musd",
                "book_value_musd",
                "block_probability",
                "break_fee_musd",
            ],
        ).set_index("target"),
        acquirable=acquirable,
    )

"""What a scenario contains, in a few rows, and which catalog figures it relies on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from fabnet.catalog import Catalog, Figure, load_catalog
from fabnet.scenario._schema import Investor, Partner, Product, Scenario, Site, Subsidy


@dataclass(frozen=True)
class Row:
    """One line of a scenario summary."""

    section: str
    item: str
    value: str


def included_fabs(scenario: Scenario, catalog: Catalog) -> list[str]:
    """Catalog fab ids that count as supply in this scenario (before overrides)."""
    chosen = catalog.ids("fabs") if scenario.supply.fabs == "all" else list(scenario.supply.fabs)
    excluded = set(scenario.supply.exclude)
    return [fab for fab in chosen if fab not in excluded]


def _money(musd: float) -> str:
    return f"${musd / 1e6:,.2f} T" if musd >= 1e6 else f"${musd / 1e3:,.1f} B"


def _count(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: -kv[1]))


def summary(scenario: Scenario, catalog: Catalog | None = None) -> list[Row]:
    """A short description of the scenario: horizon, demand, supply, options, money, risk."""
    catalog = catalog or load_catalog()
    s = scenario
    years = s.years
    rows = [Row("scenario", "name", s.name)]
    if s.description:
        rows.append(Row("scenario", "description", s.description))
    rows.append(Row("horizon", "years", f"{years[0]}–{years[-1]} (step {s.horizon.step_years})"))
    installed = s.demand.installed
    path = installed.path(years)
    growth = (
        ", ".join(f"×{g:g}/yr from {y}" for y, g in sorted(installed.growth.items()))
        if installed.growth is not None
        else ""
    )
    if installed.table is not None:
        table = installed.table
        first, last = min(table), max(table)
        text = f"table {first}–{last} ({table[last]:,.0f} H100e in {last})"
        rows.append(Row("demand", "installed compute", f"{text}; {growth}" if growth else text))
    else:
        rows.append(
            Row(
                "demand",
                "installed compute",
                f"{installed.base_h100e:,.0f} H100e in {installed.base_year}; {growth}",
            )
        )
    rows.append(Row("demand", f"installed in {years[-1]}", f"{path[years[-1]]:,.0f} H100e"))
    rows.append(Row("demand", "service life", f"{s.demand.service_life_years:g} years"))
    rows.append(Row("demand", "product mix", ", ".join(s.demand.mix)))
    if s.demand.successors:
        after = ", ".join(f"{spec.after} from {spec.first_year}" for spec in s.demand.successors)
        rows.append(Row("demand", "generic successors", after))
    limits = s.demand.limits
    if limits is not None and limits.power_gw:
        capped = "caps demand" if "power" in limits.cap else "reported"
        rows.append(
            Row(
                "demand",
                "power for AI",
                f"{limits.power_gw[max(limits.power_gw)]:g} GW in"
                f" {max(limits.power_gw)} ({capped})",
            )
        )
    fabs = included_fabs(s, catalog)
    statuses = Counter(str(catalog.get("fabs", f)["status"]) for f in fabs)
    rows.append(Row("supply", "catalog fabs", f"{len(fabs)} ({_count(statuses)})"))
    if s.supply.overrides or s.supply.add:
        rows.append(
            Row(
                "supply",
                "changes",
                f"{len(s.supply.overrides)} overridden, {len(s.supply.add)} added",
            )
        )
    rows.append(Row("supply", "announced fabs count", s.supply.announced))
    countries = Counter(site.country for site in s.sites)
    rows.append(Row("options", "candidate sites", f"{len(s.sites)} ({_count(countries)})"))
    rows.append(Row("options", "partners", ", ".join(p.name for p in s.partners)))
    commitment = sum(i.commitment_musd for i in s.investors)
    rows.append(
        Row("money", "investors", f"{len(s.investors)}, committing {_money(commitment)} in all")
    )
    rows.append(
        Row(
            "money",
            "subsidy programmes",
            f"{len(s.subsidies)}, capped at {_money(sum(x.cap_musd for x in s.subsidies))}",
        )
    )
    rows.append(Row("policy", "objective", s.policy.objective))
    rows.append(Row("policy", "discount rate", f"{s.policy.discount_rate:.1%}"))
    if s.policy.regional_caps:
        caps = ", ".join(f"{r} ≤ {c:.0%}" for r, c in s.policy.regional_caps.items())
        rows.append(Row("policy", "regional caps", caps))
    rows.append(Row("risk", "uncertain inputs", str(len(s.uncertainty.inputs))))
    rows.append(
        Row(
            "solver",
            "settings",
            f"{s.solver.name}, {s.solver.time_limit_s:g} s,"
            f" gap {s.solver.mip_gap:g}, threads {s.solver.threads or 'auto'}",
        )
    )
    return rows


def provenance(scenario: Scenario, catalog: Catalog | None = None) -> list[tuple[str, Figure]]:
    """The catalog figures a scenario relies on, as ``(table, figure)`` pairs.

    These are the figures of catalog-backed entities (products, sites, partners, investors,
    subsidies), of the fabs counted as supply, and of the resources, countries and regions they
    name. A figure the scenario overrides is still listed: its entity's ``source`` says so.
    """
    catalog = catalog or load_catalog()
    wanted: dict[str, set[str]] = {table: set() for table in catalog.names()}
    sections: dict[
        str, list[Product] | list[Site] | list[Partner] | list[Investor] | list[Subsidy]
    ] = {
        "accelerators": scenario.products,
        "sites": scenario.sites,
        "partners": scenario.partners,
        "investors": scenario.investors,
        "subsidies": scenario.subsidies,
    }
    for table, items in sections.items():
        wanted[table] |= {i.id for i in items if (i.source or "").startswith("catalog:")}
    wanted["fabs"] |= set(included_fabs(scenario, catalog))
    memory = [
        r for r in catalog.ids("resources") if catalog.get("resources", r)["category"] == "memory"
    ]
    for product in scenario.products:
        wanted["resources"] |= {
            r for r in (product.logic_node, product.io_die_node, product.packaging) if r
        }
        if product.hbm_stacks:
            wanted["resources"] |= set(memory)
            defaults = {catalog.get("resources", r).get("hbm_generation") for r in memory}
            generations = {product.hbm_generation} if product.hbm_generation else defaults
            wanted["hbm"] |= {str(g) for g in generations if g}
    for fab in wanted["fabs"]:
        entry = catalog.get("fabs", fab)
        wanted["resources"].add(str(entry["resource"]))
        wanted["countries"].add(str(entry["country"]))
    for partner in scenario.partners:
        wanted["resources"] |= set(partner.resources)
    for site in scenario.sites:
        wanted["countries"].add(site.country)
    for country in wanted["countries"]:
        wanted["regions"].add(str(catalog.get("countries", country)["region"]))
    return [
        (table, figure)
        for table in catalog.names()
        for figure in catalog.figures(table)
        if "/".join(figure.key) in wanted[table]
    ]

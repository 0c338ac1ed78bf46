"""What a later stage would refuse, refused when the scenario is loaded, with its line.

:func:`feasibility_issues` runs on the validated scenario (so every field has its type) and the
catalog: each check here mirrors a refusal of ``gap``, ``plan`` or ``finance`` on a scenario that
passed the schema, so that ``fabnet validate`` accepts only what every stage can run:

* installed compute stays within the range in which the planner is numerically sound in every
  year (a growth path may leave it though its base is inside);
* every die and interposer of every product — the scenario's and the generic successors the
  roadmap launches — yields at least one good item per 300 mm wafer of its resource in every
  modelled year (``gap`` counts wafers per good item);
* a successor follows a product with its own logic dies (the roadmap scales them);
* an acquisition without ``price_musd`` targets a partner with ``book_value_musd``;
* a perpetuity terminal value grows more slowly than the discount rate (else it is infinite);
* the uncertain inputs' rank correlations can hold together (the risk analysis samples them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from fabnet.catalog import Catalog
from fabnet.exceptions import ParameterError, ScenarioIssue, render_value
from fabnet.scenario._check import Locator, dotted
from fabnet.scenario._located import Path_
from fabnet.scenario._schema import Product, Scenario

__all__ = ["feasibility_issues"]

Add = Callable[[Path_, str, Any], None]


def feasibility_issues(
    scenario: Scenario, catalog: Catalog, locator: Locator
) -> list[ScenarioIssue]:
    """Every problem of a valid scenario that a later stage would refuse, located."""
    issues: list[ScenarioIssue] = []

    def add(path: Path_, message: str, got: Any) -> None:
        loc, _ = locator.find(path)
        shown = None if got is None else render_value(got)
        issues.append(ScenarioIssue(loc.file, loc.line, dotted(path), message, shown))

    problem = scenario.demand.installed.range_problem(scenario.years)
    if problem is not None:
        add(("demand", "installed"), problem, None)
    _finance(scenario, add)
    _correlations(scenario, add)
    if _successors(scenario, add):
        _wafers(scenario, catalog, add)
    return issues


def _finance(scenario: Scenario, add: Add) -> None:
    finance = scenario.finance
    rate, growth = scenario.policy.discount_rate, finance.terminal_growth
    if finance.terminal_value == "perpetuity" and growth >= rate:
        add(
            ("finance", "terminal_growth"),
            f"must be below policy.discount_rate ({rate:g}) for a perpetuity terminal value,"
            " which would otherwise be infinite",
            growth,
        )
    partners = {p.id: p for p in scenario.partners}
    for k, deal in enumerate(finance.strategies.acquisitions):
        target = partners.get(deal.target)
        if deal.price_musd is None and target is not None and target.book_value_musd is None:
            add(
                ("finance", "strategies", "acquisitions", k, "price_musd"),
                f"must be given, since partner {deal.target!r} has no book_value_musd to price"
                " the deal from",
                None,
            )


def _correlations(scenario: Scenario, add: Add) -> None:
    """The declared rank correlations can hold together (their normal correlation matrix is
    positive definite), as the risk analysis's sampling needs."""
    from fabnet.risk.sampling import copula

    inputs = scenario.uncertainty.inputs
    marginals = [x for x in inputs if x.distribution != "bernoulli"]
    events = [x for x in inputs if x.distribution == "bernoulli"]
    try:
        copula(scenario.uncertainty.correlations, marginals, events)
    except ParameterError as exc:
        why = exc.got.strip("'")
        add(("uncertainty", "correlations"), f"must be {exc.allowed}; {why}", None)


def _successors(scenario: Scenario, add: Add) -> bool:
    """Whether every successor follows a product the roadmap can scale (reported if not)."""
    products = {p.id: p for p in scenario.products}
    ok = True
    for k, spec in enumerate(scenario.demand.successors):
        after = products.get(spec.after)
        if after is None:
            known = ", ".join(sorted(products)) or "none"
            add(
                ("demand", "successors", k, "after"),
                f"unknown product (known: {known})",
                spec.after,
            )
            ok = False
        elif after.parts or after.logic_die_count is None:
            add(
                ("demand", "successors", k, "after"),
                "must be a product with its own logic dies (not a board of parts)",
                spec.after,
            )
            ok = False
    return ok


def _wafers(scenario: Scenario, catalog: Catalog, add: Add) -> None:
    """Every item of every product yields a good item per wafer in every modelled year."""
    from fabnet.outlook.demand import bill_of_materials, good_per_wafer
    from fabnet.outlook.roadmap import generations

    memory = [
        r for r in catalog.ids("resources") if catalog.get("resources", r)["category"] == "memory"
    ]
    products = {p.id: p for p in scenario.products}
    checked: list[tuple[Path_, Product, str]] = [
        (("products", i), p, "") for i, p in enumerate(scenario.products)
    ]
    for k, spec in enumerate(scenario.demand.successors):
        try:
            gens = generations(products[spec.after], spec, scenario.years[-1])
        except ValidationError as exc:
            # A trend compounded over the horizon takes a generation out of range.
            first = exc.errors(include_url=False)[0]
            field = ".".join(str(part) for part in first["loc"])
            add(
                ("demand", "successors", k),
                f"a generation by {scenario.years[-1]} grows {field} out of range:"
                f" {str(first['msg']).replace('Input should be', 'it must be')}; slow the trend"
                " or cap it",
                first.get("input"),
            )
            continue
        checked.extend(
            (("demand", "successors", k), gen, f"its generation {gen.id}: ") for gen in gens
        )
    years = scenario.years
    reported: set[Path_] = set()
    for path, product, prefix in checked:
        own = product.model_copy(update={"parts": None})
        for item in bill_of_materials(own, products, memory[0] if memory else "HBM"):
            good = good_per_wafer(item, years, demand=scenario.demand, catalog=catalog)
            where = path if prefix else (*path, item.field)
            if (good > 0).all() or where in reported:
                continue  # a successor's first generation past the wafer says it all
            reported.add(where)
            given = float(f"{item.given:.4g}") if isinstance(item.given, float) else item.given
            add(
                where,
                f"{prefix}a 300 mm {item.resource} wafer must yield at least one good"
                f" {item.kind} ({item.field} is too large for the wafer)",
                given,
            )

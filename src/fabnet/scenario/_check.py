"""Every problem in a merged scenario tree, located: schema errors and broken references.

:func:`schema_issues` turns pydantic's errors into :class:`~fabnet.exceptions.ScenarioIssue`
objects (``FILE:LINE: dotted.field: message (got VALUE)``); :func:`reference_issues` checks every
id that one section uses against the section or catalog table that defines it. Both run on the
same tree so that one pass reports every problem at once.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from fabnet.catalog import REGIONS, Catalog
from fabnet.exceptions import ScenarioIssue, render_value
from fabnet.scenario._fab_designs import check_fab_designs
from fabnet.scenario._located import LDict, Loc, Path_, locations
from fabnet.scenario._schema import Scenario

_PREFIXES = ("Value error, ", "Assertion failed, ")


def dotted(path: Iterable[str | int]) -> str:
    """``('sites', 1, 'country')`` → ``sites[1].country``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class Locator:
    """Finds the file and line of a path in the merged tree (or of its nearest parent)."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._locs = locations(data)

    def find(self, path: Path_) -> tuple[Loc, bool]:
        """The location of ``path``, and whether it is the path's own (not a parent's)."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self._locs:
                return self._locs[path[:cut]], cut == len(path)
        return Loc(None, None), False

    def clean(self, loc: tuple[str | int, ...]) -> tuple[Path_, Any]:
        """Drop pydantic's union tags and key markers: keep only steps found in the data.

        Returns the cleaned path and the value found at its end (or ``_MISSING``).
        """
        node: Any = self._data
        out: list[str | int] = []
        for step in loc:
            if step == "[key]":
                continue
            if isinstance(node, dict):
                key = _match_key(node, step)
                if key is not _MISSING:
                    out.append(key)
                    node = node[key]
                    continue
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                out.append(step)
                node = node[step]
                continue
            if _is_tag(step):
                continue
            out.append(step)
            node = _MISSING
        return tuple(out), node


_MISSING: Any = object()


def _match_key(node: dict[Any, Any], step: str | int) -> Any:
    """The key of ``node`` that pydantic reports as ``step`` (it reports int keys as str)."""
    if step in node:
        return step
    for key in node:
        # pydantic reports an int key as its str, and any other key (a date) as its repr.
        if str(step) in (str(key), repr(key)):
            return key
    return _MISSING


def _is_tag(step: str | int) -> bool:
    """pydantic's union members and validator names in an error location, not data keys."""
    if not isinstance(step, str):
        return False
    return (
        "[" in step
        or step in {"int", "float", "str", "bool", "dict", "list", "tuple", "literal"}
        or step in _DISTRIBUTIONS
        or step.startswith(("function-", "constrained-"))
    )


_DISTRIBUTIONS = {
    "normal",
    "truncated_normal",
    "lognormal",
    "triangular",
    "uniform",
    "bernoulli",
    "empirical",
}


def _field_names(model: type[BaseModel], data_path: Path_, data: Any) -> list[str] | None:
    """The fields allowed at ``data_path`` (a mapping), following the schema from ``model``."""
    annotation: Any = model
    node = data
    for step in data_path:
        annotation = _pick(annotation, node)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if not isinstance(step, str) or step not in annotation.model_fields:
                return None
            annotation = annotation.model_fields[step].annotation
        else:
            origin = get_origin(annotation)
            args = get_args(annotation)
            if origin is list and args:
                annotation = args[0]
            elif origin is dict and len(args) == 2:
                annotation = args[1]
            else:
                return None
        node = _child(node, step)
    annotation = _pick(annotation, node)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return None


def _child(node: Any, step: str | int) -> Any:
    """``node[step]`` if it exists, else None."""
    if isinstance(node, dict):
        return node.get(step)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return None


def _pick(annotation: Any, node: Any) -> Any:
    """Resolve Annotated/Optional/unions to the member the data means."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin is Union or isinstance(annotation, types.UnionType):
        members = [_pick(a, node) for a in get_args(annotation) if a is not type(None)]
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        for candidate in models:
            if _literals_match(candidate, node):
                return candidate
        containers = [m for m in members if get_origin(m) in (list, dict)]
        if isinstance(node, list):
            return next((m for m in containers if get_origin(m) is list), annotation)
        if isinstance(node, dict) and models:
            return models[0]
        if isinstance(node, dict):
            return next((m for m in containers if get_origin(m) is dict), annotation)
        return members[0] if len(members) == 1 else annotation
    return annotation


def _literals_match(model: type[BaseModel], node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    return all(
        node[name] in get_args(field.annotation)
        for name, field in model.model_fields.items()
        if get_origin(field.annotation) is Literal and name in node
    )


def _message(error: dict[str, Any], allowed: list[str] | None, key: str) -> str:
    kind = error["type"]
    if kind == "missing":
        return "this required field is missing (in the block that starts on this line)"
    if kind == "extra_forbidden":
        hint = ""
        if allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            hint += f" (allowed: {', '.join(allowed)})"
        return f"unknown field{hint}"
    if kind == "too_short":
        least = int((error.get("ctx") or {}).get("min_length", 1))
        return f"must have at least {least} item{'s' if least != 1 else ''}"
    text = str(error["msg"])
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.replace("Input should be", "must be").replace("input should be", "must be")


def _got(error: dict[str, Any], value: Any) -> str | None:
    if error["type"] in {"missing", "extra_forbidden"}:
        return None
    shown = value if value is not _MISSING else error.get("input")
    if isinstance(shown, dict):
        return "a mapping"
    if isinstance(shown, list):
        return "a list"
    return render_value(shown)


def schema_issues(
    exc: ValidationError, data: LDict, locator: Locator, root: type[BaseModel] = Scenario
) -> list[ScenarioIssue]:
    """pydantic's errors as located issues, one per field (union alternatives merged);
    ``root`` is the model the whole tree was validated as."""
    merged: dict[Path_, tuple[dict[str, Any], list[str]]] = {}
    for details in exc.errors(include_url=False):
        error: dict[str, Any] = dict(details)
        path, value = locator.clean(error["loc"])
        is_key = bool(error["loc"]) and error["loc"][-1] == "[key]" and bool(path)
        if is_key:
            value = path[-1]  # the key is what is wrong, not the value under it
        allowed = None
        if error["type"] == "extra_forbidden":
            allowed = _field_names(root, path[:-1], data)
        text = _message(error, allowed, str(path[-1]) if path else "")
        if is_key:
            text = f"the key {text}"
        if path in merged:
            if text not in merged[path][1]:
                merged[path][1].append(text)
        else:
            merged[path] = ({**error, "_value": value}, [text])
    issues = []
    for path, (error, texts) in merged.items():
        loc, own = locator.find(path)
        message = "; or ".join(texts)
        if not own and error["type"] != "missing":
            message += " (the value comes from the catalog or a default)"
        issues.append(
            ScenarioIssue(loc.file, loc.line, dotted(path), message, _got(error, error["_value"]))
        )
    return issues


# --------------------------------------------------------------------------------------------
# references between sections and to the catalog
# --------------------------------------------------------------------------------------------


def _ids(items: Any) -> list[Any]:
    return [i.get("id") for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if isinstance(value, str) else []


class _References:
    """Collects reference problems; one method per section of the scenario."""

    def __init__(self, data: LDict, catalog: Catalog, locator: Locator) -> None:
        self.data = data
        self.locator = locator
        self.issues: list[ScenarioIssue] = []
        self.countries = catalog.ids("countries")
        self.resources = catalog.ids("resources")
        self.by_category: dict[str, list[str]] = {}
        for resource in self.resources:
            category = str(catalog.get("resources", resource)["category"])
            self.by_category.setdefault(category, []).append(resource)
        self.fabs = catalog.ids("fabs")
        self.hbm_generations = catalog.ids("hbm")
        self.partners = _ids(data.get("partners"))
        self.sites = _ids(data.get("sites"))
        self.products = _ids(data.get("products"))
        # The mix and parts may name any catalog accelerator: the loader adds it whole.
        self.nameable = sorted({*map(str, self.products), *catalog.ids("accelerators")})

    def add(self, path: Path_, message: str, value: Any) -> None:
        loc, _ = self.locator.find(path)
        self.issues.append(
            ScenarioIssue(loc.file, loc.line, dotted(path), message, render_value(value))
        )

    def ref(self, path: Path_, value: Any, known: Iterable[Any], what: str) -> None:
        """``value`` (at ``path``) must be one of ``known``."""
        if not isinstance(value, str):
            return  # a type error, already reported by the schema
        pool = sorted(str(k) for k in known)
        if value in pool:
            return
        close = difflib.get_close_matches(value, pool, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shown = ", ".join(pool[:12]) + (", …" if len(pool) > 12 else "")
        self.add(path, f"unknown {what}{hint} (known: {shown or 'none'})", value)

    def refs(self, path: Path_, values: Any, known: Iterable[Any], what: str) -> None:
        """Every item of a list (at ``path``) must be one of ``known``."""
        pool = list(known)
        for j, value in enumerate(_as_list(values)):
            self.ref((*path, j), value, pool, what)

    def section(self, *path: str) -> list[tuple[int, dict[str, Any]]]:
        holder: Any = self.data
        for part in path:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if not isinstance(holder, list):
            return []
        return [(i, item) for i, item in enumerate(holder) if isinstance(item, dict)]

    def entities(self) -> None:
        for name in ("products", "sites", "partners", "investors", "subsidies"):
            self.issues += _duplicates(self.section(name), self.locator, (name,))
            for i, item in self.section(name):
                if item.get("remove") is True:
                    self.add(
                        (name, i, "remove"),
                        "nothing inherited with this id to remove",
                        item.get("id"),
                    )
        for i, item in self.section("products"):
            for field, category in (
                ("logic_node", "logic"),
                ("io_die_node", "logic"),
                ("packaging", "packaging"),
            ):
                if field in item:
                    self.ref(
                        ("products", i, field),
                        item[field],
                        self.by_category[category],
                        f"{category} resource",
                    )
            if "hbm_generation" in item:
                self.ref(
                    ("products", i, "hbm_generation"),
                    item["hbm_generation"],
                    self.hbm_generations,
                    "HBM generation",
                )
            self.refs(("products", i, "parts"), item.get("parts"), self.nameable, "product")
        for i, item in self.section("sites"):
            self.ref(("sites", i, "country"), item.get("country"), self.countries, "country")
            self.refs(("sites", i, "partners"), item.get("partners"), self.partners, "partner")
        for i, item in self.section("partners"):
            self.ref(("partners", i, "country"), item.get("country"), self.countries, "country")
            self.refs(
                ("partners", i, "resources"), item.get("resources"), self.resources, "resource"
            )
        for i, item in self.section("investors"):
            self.ref(("investors", i, "country"), item.get("country"), self.countries, "country")
            self.refs(
                ("investors", i, "countries"), item.get("countries"), self.countries, "country"
            )
        for i, item in self.section("subsidies"):
            self.refs(
                ("subsidies", i, "countries"), item.get("countries"), self.countries, "country"
            )

    def demand(self) -> None:
        demand = self.data.get("demand")
        if isinstance(demand, dict) and isinstance(demand.get("mix"), dict):
            for product in demand["mix"]:
                self.ref(("demand", "mix", product), product, self.nameable, "product")
        for k, spec in self.section("demand", "successors"):
            path = ("demand", "successors", k)
            logic = self.by_category.get("logic", [])
            self.refs((*path, "nodes"), spec.get("nodes"), logic, "logic resource")
            self.refs(
                (*path, "hbm_generations"),
                spec.get("hbm_generations"),
                self.hbm_generations,
                "HBM generation",
            )

    def supply(self) -> None:
        supply = self.data.get("supply")
        if not isinstance(supply, dict):
            return
        if isinstance(supply.get("fabs"), list):
            self.refs(("supply", "fabs"), supply["fabs"], self.fabs, "catalog fab")
        self.refs(("supply", "exclude"), supply.get("exclude"), self.fabs, "catalog fab")
        for j, item in self.section("supply", "overrides"):
            self.ref(("supply", "overrides", j, "id"), item.get("id"), self.fabs, "catalog fab")
        added = self.section("supply", "add")
        self.issues += _duplicates(added, self.locator, ("supply", "add"))
        for j, item in added:
            if item.get("id") in self.fabs:
                self.add(
                    ("supply", "add", j, "id"),
                    "is a catalog fab: change it under supply.overrides instead",
                    item.get("id"),
                )
            self.ref(
                ("supply", "add", j, "country"), item.get("country"), self.countries, "country"
            )
            self.ref(
                ("supply", "add", j, "resource"), item.get("resource"), self.resources, "resource"
            )
        if isinstance(supply.get("ai_share"), dict):
            for resource in supply["ai_share"]:
                self.ref(("supply", "ai_share", resource), resource, self.resources, "resource")

    def policy(self) -> None:
        policy = self.data.get("policy")
        if not isinstance(policy, dict):
            return
        if isinstance(policy.get("regional_caps"), dict):
            for region in policy["regional_caps"]:
                self.ref(("policy", "regional_caps", region), region, REGIONS, "region")
        pools = {
            "site": self.sites,
            "country": self.countries,
            "partner": self.partners,
            "resource": self.resources,
        }
        for j, rule in self.section("policy", "earliest_starts"):
            for field, pool in pools.items():
                if rule.get(field) is not None:
                    self.ref(("policy", "earliest_starts", j, field), rule[field], pool, field)

    def uncertainty(self) -> None:
        inputs = self.section("uncertainty", "inputs")
        self.issues += _duplicates(inputs, self.locator, ("uncertainty", "inputs"))
        scopes = [*REGIONS, *self.resources, *self.countries]
        for j, item in inputs:
            self.refs(
                ("uncertainty", "inputs", j, "applies_to"),
                item.get("applies_to"),
                scopes,
                "region, resource or country",
            )
        names = [x.get("id") for _, x in inputs]
        events = {
            x.get("id")
            for _, x in inputs
            if x.get("distribution") == "bernoulli" and isinstance(x.get("id"), str)
        }
        for j, pair in self.section("uncertainty", "correlations"):
            path = ("uncertainty", "correlations", j, "between")
            self.refs(path, pair.get("between"), names, "uncertain input")
            between = [b for b in _as_list(pair.get("between")) if isinstance(b, str)]
            for k, name in enumerate(between):
                if name in events:
                    self.add(
                        (*path, k),
                        "a disruption event cannot be correlated: events are drawn"
                        " independently, year by year",
                        name,
                    )
            if len(between) == 2 and between[0] == between[1]:
                self.add(path, "an input cannot be correlated with itself", between)

    def finance(self) -> None:
        finance = self.data.get("finance")
        finance = finance if isinstance(finance, dict) else {}
        self._financing(finance)
        if isinstance(finance.get("prices"), dict):
            for resource in finance["prices"]:
                self.ref(("finance", "prices", resource), resource, self.resources, "resource")
        if isinstance(finance.get("tax_rates"), dict):
            for country in finance["tax_rates"]:
                self.ref(("finance", "tax_rates", country), country, self.countries, "country")
        investors = {
            str(item.get("id")): [c for c in _as_list(item.get("countries")) if isinstance(c, str)]
            for _, item in self.section("investors")
        }
        for j, block in self.section("finance", "equity"):
            country = block.get("country")
            self.ref(("finance", "equity", j, "country"), country, self.countries, "country")
            shares = block.get("shares")
            for investor in shares if isinstance(shares, dict) else {}:
                path = ("finance", "equity", j, "shares", investor)
                self.ref(path, investor, investors, "investor")
                if investor in investors and country not in investors[investor]:
                    self.add(path, f"this investor does not fund {country}", investor)
        strategies = finance.get("strategies")
        strategies = strategies if isinstance(strategies, dict) else {}
        reservation = strategies.get("reservation")
        if isinstance(reservation, dict):
            self.refs(
                ("finance", "strategies", "reservation", "partners"),
                reservation.get("partners"),
                self.partners,
                "partner",
            )
            fees = reservation.get("fee_usd_per_wspm_year")
            for resource in fees if isinstance(fees, dict) else {}:
                fee = ("finance", "strategies", "reservation", "fee_usd_per_wspm_year", resource)
                self.ref(fee, resource, self.resources, "resource")
        for j, deal in self.section("finance", "strategies", "acquisitions"):
            self.ref(
                ("finance", "strategies", "acquisitions", j, "target"),
                deal.get("target"),
                self.partners,
                "partner",
            )

    def _financing(self, finance: dict[str, Any]) -> None:
        """Financing that cannot work: an investor no project can take money from, or a loan
        that outlasts the horizon."""
        site_countries = sorted(
            {str(s.get("country")) for _, s in self.section("sites") if s.get("country")}
        )
        for i, item in self.section("investors"):
            countries = [c for c in _as_list(item.get("countries")) if isinstance(c, str)]
            if site_countries and countries and not set(countries) & set(site_countries):
                self.add(
                    ("investors", i, "countries"),
                    "no candidate site is in any of these countries, so this investor can fund"
                    f" no project (sites are in: {', '.join(site_countries)})",
                    countries,
                )
        horizon = self.data.get("horizon")
        start = horizon.get("start_year") if isinstance(horizon, dict) else None
        end = horizon.get("end_year") if isinstance(horizon, dict) else None
        if not (isinstance(start, int) and isinstance(end, int)) or end < start:
            return
        years = end - start + 1
        loans: list[tuple[Path_, Any]] = [
            (("subsidies", i, "loan_tenor_years"), item.get("loan_tenor_years"))
            for i, item in self.section("subsidies")
        ]
        debt = finance.get("debt")
        if isinstance(debt, dict):
            loans.append((("finance", "debt", "tenor_years"), debt.get("tenor_years")))
        for path, tenor in loans:
            if isinstance(tenor, int) and tenor > years:
                self.add(
                    path,
                    f"a loan of {tenor} years outlasts the {years}-year horizon"
                    f" ({start}-{end}); shorten it or extend horizon.end_year",
                    tenor,
                )


def reference_issues(data: LDict, catalog: Catalog, locator: Locator) -> list[ScenarioIssue]:
    """Every id used in one place and defined in another, checked; duplicates flagged."""
    check = _References(data, catalog, locator)
    check.entities()
    check.demand()
    check.supply()
    check.policy()
    check.uncertainty()
    check.finance()
    check_fab_designs(check, catalog)
    return check.issues


def _duplicates(
    items: list[tuple[int, dict[str, Any]]], locator: Locator, path: Path_
) -> list[ScenarioIssue]:
    first: dict[Any, int] = {}
    issues = []
    for i, item in items:
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first:
            loc, _ = locator.find((*path, i, "id"))
            issues.append(
                ScenarioIssue(
                    loc.file,
                    loc.line,
                    f"{dotted(path)}[{i}].id",
                    f"duplicate id (first at {dotted(path)}[{first[ident]}])",
                    render_value(ident),
                )
            )
        else:
            first[ident] = i
    return issues

"""Fuzzing *valid* scenarios: whatever ``load_scenario`` accepts runs through gap, plan, finance
and risk (the library and the command line) and gives results that can be true.

Scenarios are not mutations of one file: they are drawn from the schema. Every number, flag and
choice (``Literal``) field of the scenario models is found by walking the pydantic models
(:func:`field_strategy`), and drawn within the bounds the schema declares (``ge``/``gt``/``le``/
``lt``, lengths), so a field added to the schema, or a range tightened there, is fuzzed the day
it lands. Only what has structure is written by hand: ids and the references between them
(sites → partners, investors → countries, correlations → inputs), the demand forms and a mix
that sums to 1, and the few cross-field rules the schema states in validators (repaired after
drawing, or left for ``load_scenario`` to refuse: a refused draw is discarded, not a failure).

A field without an upper bound in the schema is drawn up to a plausible magnitude named by its
unit (:data:`UNBOUNDED`); solver settings that only cost time are held short (:data:`OPERATIONAL`).

What must hold, for every scenario ``load_scenario`` accepts:

* no stage raises anything but an infeasible plan where ``policy.max_unserved_share`` makes one
  possible: no exit 1, and no exit 2 after ``validate`` said yes;
* no NaN or infinity in any output table (outside the columns documented as NaN: coverage
  without demand, a shadow price or IRR that cannot be computed…);
* no negative capacity, production, accelerators, compute, builds or capital;
* new compute per year is ≥ 0 and equals the stock change plus retirements (so never above
  ``max(0, ΔS) + R``), and never above what the growth path wants;
* no module is built when there is no demand, and none that comes online after the horizon;
* the financial and risk tables are finite, equity shares in [0, 1] and summing to 1 per project,
  shortfall probabilities in [0, 1].

The slow test (``-m slow``, CI) runs a fixed, derandomized set of examples with no example
database, so that CI is reproducible. Locally, ``FABNET_FUZZ_EXAMPLES=500`` runs more examples
and ``FABNET_FUZZ_SEED=7`` a different (still reproducible) set.
"""

from __future__ import annotations

import copy
import functools
import math
import os
import tempfile
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, reject, seed, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from fabnet.catalog import REGIONS, load_catalog
from fabnet.examples import TINY_JP_SITE, TINY_OLD_FAB, TINY_TW_SITE, tiny_world
from fabnet.exceptions import InfeasiblePlanError, ScenarioError
from fabnet.scenario import (
    Debt,
    Demand,
    DemandLimits,
    Fab,
    Finance,
    Horizon,
    InstalledCompute,
    Investor,
    Partner,
    Policy,
    Site,
    Solver,
    Subsidy,
    Supply,
    load_scenario,
)
from fabnet.scenario._schema import FabOverride
from fabnet.scenario._uncertainty import Correlation, Distribution

CATALOG = load_catalog()
RESOURCES = list(CATALOG.ids("resources"))
COUNTRIES = list(CATALOG.ids("countries"))
CATALOG_FABS = list(CATALOG.ids("fabs"))

# --------------------------------------------------------------------------------------------
# strategies from the schema
# --------------------------------------------------------------------------------------------

#: Upper bounds for numbers the schema leaves unbounded, by the unit their name ends in (the
#: vocabulary of CONVENTIONS.md), then by name; the schema's own bound wins where it has one.
UNBOUNDED: dict[str, float] = {
    "_musd": 1.0e6,
    "_h100e": 1.0e10,
    "_usd_per_h100e": 1.0e6,
    "_wspm": 1.0e6,
    "_mw": 1.0e5,
    "_ha": 1.0e4,
    "_ml_per_day": 1.0e4,
    "_gw": 1.0e4,
    "_busd": 1.0e5,
    "_per_mw": 1.0e5,
    "_months": 120.0,
    "_years": 50.0,
    "_per_year": 100.0,
    "_per_wspm_year": 1.0e5,
    "yield_alpha": 20.0,
    "prices": 1.0e5,  # USD per wafer
    "sd": 1.0,
    "sigma": 1.5,
    "capacity_wspm": 1.0e6,
}
#: Bounds of every other unbounded number (a count, a multiplier) [its unit].
DEFAULT_BOUND = 1.0e6
#: Solver settings that cost time, not correctness (extremes belong to the hostile-input tests).
OPERATIONAL: dict[str, tuple[float, float]] = {"time_limit_s": (10.0, 30.0), "threads": (0, 2)}
#: Years of a by-year field: around the horizon, a few before and after.
YEAR_MARGIN = 3
#: The most items drawn for a list or a by-year mapping.
MAX_ITEMS = 4


@dataclass
class Context:
    """What a draw needs to know beyond the schema: the horizon and the ids in play."""

    start: int
    end: int
    pools: dict[str, list[str]] = field(default_factory=dict)

    @property
    def years(self) -> st.SearchStrategy[int]:
        return st.integers(self.start - YEAR_MARGIN, self.end + YEAR_MARGIN)


@dataclass
class _Bounds:
    lo: float | None = None
    lo_open: bool = False
    hi: float | None = None
    hi_open: bool = False
    min_len: int = 0
    max_len: int | None = None

    def read(self, metadata: Iterable[Any]) -> _Bounds:
        for item in metadata:
            if isinstance(item, FieldInfo):
                self.read(item.metadata)
            elif isinstance(item, at.Ge):
                self.lo, self.lo_open = float(item.ge), False  # type: ignore[arg-type]
            elif isinstance(item, at.Gt):
                self.lo, self.lo_open = float(item.gt), True  # type: ignore[arg-type]
            elif isinstance(item, at.Le):
                self.hi, self.hi_open = float(item.le), False  # type: ignore[arg-type]
            elif isinstance(item, at.Lt):
                self.hi, self.hi_open = float(item.lt), True  # type: ignore[arg-type]
            elif isinstance(item, at.MinLen):
                self.min_len = item.min_length
            elif isinstance(item, at.MaxLen):
                self.max_len = item.max_length
        return self


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[T, ...]`` → ``(T, metadata)``, through nested ``Annotated``."""
    metadata: list[Any] = []
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata += extra
    return annotation, metadata


def _is_year(bounds: _Bounds) -> bool:
    return bounds.lo == 1990 and bounds.hi == 2100


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) is Union or isinstance(annotation, types.UnionType)


def _upper(name: str) -> float:
    if name in UNBOUNDED:
        return UNBOUNDED[name]
    for suffix, bound in UNBOUNDED.items():
        if suffix.startswith("_") and name.endswith(suffix):
            return bound
    return DEFAULT_BOUND


def _number(kind: type, bounds: _Bounds, name: str, ctx: Context) -> st.SearchStrategy[Any]:
    if kind is int and _is_year(bounds):
        return ctx.years
    lo = bounds.lo if bounds.lo is not None else -_upper(name)
    hi = bounds.hi if bounds.hi is not None else _upper(name)
    if name in OPERATIONAL:
        lo, hi = max(lo, OPERATIONAL[name][0]), min(hi, OPERATIONAL[name][1])
    if kind is int:
        low = math.floor(lo) + 1 if bounds.lo_open and lo.is_integer() else math.ceil(lo)
        high = math.ceil(hi) - 1 if bounds.hi_open and hi.is_integer() else math.floor(hi)
        return st.integers(low, high)
    return st.floats(
        lo,
        hi,
        exclude_min=bounds.lo_open and lo == bounds.lo,
        exclude_max=bounds.hi_open and hi == bounds.hi,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )


def field_strategy(  # noqa: PLR0911 - one return per kind of type, as the schema has them
    annotation: Any, metadata: Iterable[Any], name: str, ctx: Context
) -> st.SearchStrategy[Any] | None:
    """A strategy for values of ``annotation`` within the bounds in ``metadata``, or None where
    the type has structure the schema alone cannot fill (an id, a model)."""
    annotation, extra = _unwrap(annotation)
    bounds = _Bounds().read([*metadata, *extra])
    if _is_union(annotation):
        members = [field_strategy(a, [], name, ctx) for a in get_args(annotation)]
        known = [m for m in members if m is not None]
        return st.one_of(known) if known else None
    if annotation is type(None):
        return st.none()
    if get_origin(annotation) is Literal:
        return st.sampled_from(get_args(annotation))
    if annotation is bool:
        return st.booleans()
    if annotation in (int, float):
        return _number(annotation, bounds, name, ctx)
    origin = get_origin(annotation)
    max_size = MAX_ITEMS if bounds.max_len is None else min(bounds.max_len, MAX_ITEMS)
    if origin is list:
        item = field_strategy(get_args(annotation)[0], [], name, ctx)
        if item is None:
            return None
        return st.lists(item, min_size=bounds.min_len, max_size=max(max_size, bounds.min_len))
    if origin is dict:
        key_type, value_type = get_args(annotation)
        key_type, key_meta = _unwrap(key_type)
        if key_type is int and _is_year(_Bounds().read(key_meta)):
            keys: st.SearchStrategy[Any] = ctx.years
        elif name in ctx.pools:
            keys = st.sampled_from(ctx.pools[name])
        else:
            return None
        value = field_strategy(value_type, [], name, ctx)
        if value is None:
            return None
        return st.dictionaries(keys, value, min_size=bounds.min_len, max_size=max_size)
    return None


def model_patch(
    model: type[BaseModel],
    ctx: Context,
    skip: Iterable[str] = (),
    *,
    required: Iterable[str] = (),
) -> st.SearchStrategy[dict[str, Any]]:
    """Some of ``model``'s fields that the schema alone can fill, each drawn or left out
    (``required`` ones always drawn); ids, references and nested models are left to the caller."""
    always, optional = {}, {}
    required = set(required)
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        strategy = field_strategy(info.annotation, info.metadata, name, ctx)
        if strategy is not None:
            (always if name in required else optional)[name] = strategy
    return st.fixed_dictionaries(always, optional=optional)


# --------------------------------------------------------------------------------------------
# structure written by hand: demand, entities, uncertainty
# --------------------------------------------------------------------------------------------


def _subset(draw: st.DrawFn, pool: list[str], low: int, high: int) -> list[str]:
    if not pool:
        return []
    return draw(
        st.lists(st.sampled_from(pool), min_size=low, max_size=min(high, len(pool)), unique=True)
    )


def _installed(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    """One of the forms of ``demand.installed``: base and growth, a table, a table then growth,
    or no demand at all; numbers from the schema's bounds."""
    form = draw(st.sampled_from(["growth", "table", "table+growth", "zero"]))
    fields = InstalledCompute.model_fields

    def one(name: str, **kw: Any) -> Any:
        info = fields[name]
        strategy = field_strategy(info.annotation, info.metadata, name, ctx)
        assert strategy is not None
        return draw(strategy.filter(lambda v: v is not None and v != {}, **kw))

    if form == "zero":
        years = draw(st.lists(ctx.years, min_size=1, max_size=3, unique=True))
        return {"table": dict.fromkeys(years, 0.0)}
    if form == "growth":
        growth = one("growth")
        base_year = max(draw(ctx.years), min(growth))
        return {"base_year": base_year, "base_h100e": one("base_h100e"), "growth": growth}
    table = one("table")
    if form == "table":
        return {"table": table}
    last = max(table)
    if table[last] <= 0.0:
        table[last] = 1.0e6
    growth = one("growth")
    if min(growth) > last:
        growth[last] = growth.pop(min(growth))
    return {"table": table, "growth": growth}


def _mix(draw: st.DrawFn, ctx: Context, products: list[str]) -> dict[str, dict[int, float]]:
    """Shares of 1–3 products at 1–3 years, summing to 1 in every year (in thousandths)."""
    chosen = _subset(draw, products, 1, 3)
    years = draw(st.lists(ctx.years, min_size=1, max_size=3, unique=True))
    mix: dict[str, dict[int, float]] = {p: {} for p in chosen}
    for year in years:
        weights = draw(st.lists(st.integers(0, 1000), min_size=len(chosen), max_size=len(chosen)))
        total = sum(weights) or 1
        parts = [w * 1000 // total for w in weights]
        parts[0] += 1000 - sum(parts)
        for product, part in zip(chosen, parts, strict=True):
            mix[product][year] = part / 1000
    return mix


def _demand(draw: st.DrawFn, ctx: Context, products: list[str]) -> dict[str, Any]:
    demand: dict[str, Any] = {"installed": _installed(draw, ctx), "mix": _mix(draw, ctx, products)}
    demand |= draw(model_patch(Demand, ctx, skip={"installed", "mix"}))
    if draw(st.booleans()):
        limits = draw(model_patch(DemandLimits, ctx))
        # the pairs the validator asks for, and caps only on limits that are given
        for a, b in (("power_gw", "h100e_per_mw"), ("spend_busd", "usd_per_h100e")):
            if (limits.get(a) is None) != (limits.get(b) is None):
                limits.pop(a, None)
                limits.pop(b, None)
        given_ = {"power": "power_gw", "spend": "spend_busd"}
        limits["cap"] = [c for c in limits.get("cap", []) if limits.get(given_[c]) is not None]
        demand["limits"] = limits
    return demand


def _loans(item: dict[str, Any], years: int, tenor_default: int | None = None) -> None:
    """Loan terms the horizon can hold: tenor within it, grace shorter than the tenor."""
    tenor = item.get("loan_tenor_years", tenor_default)
    if tenor is not None:
        tenor = min(int(tenor), years)
        item["loan_tenor_years"] = tenor
        grace = item.get("loan_grace_years")
        if grace is not None and grace >= tenor:
            item["loan_grace_years"] = tenor - 1


def _subsidy_shares(item: dict[str, Any], capex_default: float = 0.0) -> None:
    capex = item.get("capex_share", capex_default)
    if item.get("tax_credit_share") is not None and capex + item["tax_credit_share"] > 1.0:
        item["tax_credit_share"] = 1.0 - capex


def _debt(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    debt = draw(model_patch(Debt, ctx))
    years = ctx.end - ctx.start + 1
    tenor = min(debt.get("tenor_years", 10), years)
    debt["tenor_years"] = tenor
    if debt.get("grace_years", 2) >= tenor:
        debt["grace_years"] = tenor - 1
    return debt


def _finance(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    finance = draw(model_patch(Finance, ctx, skip={"debt", "equity", "strategies"}))
    profile = finance.get("spend_profile")
    if profile is not None:
        total = sum(profile)
        finance["spend_profile"] = (
            [1.0] if total <= 0 else [p / total for p in profile[:-1]] + [0.0]
        )
        finance["spend_profile"][-1] = 1.0 - sum(finance["spend_profile"][:-1])
    if draw(st.booleans()):  # else the default terms, whatever the horizon
        finance["debt"] = _debt(draw, ctx)
    return finance


def _policy(draw: st.DrawFn, ctx: Context, ids: Mapping[str, list[str]]) -> dict[str, Any]:
    policy = draw(model_patch(Policy, ctx, skip={"earliest_starts"}))
    if policy.get("objective") == "max_compute" and policy.get("budget_musd") is None:
        policy["budget_musd"] = draw(field_strategy(float, [at.Gt(0)], "budget_musd", ctx))
    rules = []
    selectors = [k for k, v in ids.items() if v]
    for _ in range(draw(st.integers(0, 2)) if selectors else 0):
        selector = draw(st.sampled_from(selectors))
        rules.append({"year": draw(ctx.years), selector: draw(st.sampled_from(ids[selector]))})
    if rules:
        policy["earliest_starts"] = rules
    return policy


def _solver(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    return draw(model_patch(Solver, ctx, required=("time_limit_s", "threads")))


#: Where each uncertain target's parameters (means, bounds, values) plausibly lie.
TARGET_RANGE = {
    "demand_growth": (0.3, 3.0),
    "construction_delay_months": (0.0, 48.0),
    "capex_overrun": (0.5, 3.0),
    "d0_learning_speed": (0.3, 2.0),
    "wafer_price": (0.3, 3.0),
    "disruption": (0.0, 1.0),
}
DISTRIBUTIONS: tuple[type[BaseModel], ...] = get_args(get_args(Distribution)[0])


def _distribution(draw: st.DrawFn, ctx: Context, index: int) -> dict[str, Any]:
    """One uncertain input: a distribution class of the schema's union, its numbers drawn from
    the class's fields (location parameters within the target's range), orders repaired."""
    model = draw(st.sampled_from(DISTRIBUTIONS))
    target_field = model.model_fields["target"]
    target = draw(st.sampled_from(get_args(target_field.annotation)))
    low, high = TARGET_RANGE[target]
    located = {"mean", "median", "low", "high", "mode", "values"}
    item: dict[str, Any] = {
        "id": f"input-{index}",
        "target": target,
        "distribution": get_args(model.model_fields["distribution"].annotation)[0],
        "source": "fuzz: drawn from the schema",
        "applies_to": _subset(draw, [*REGIONS, *RESOURCES, *COUNTRIES], 0, 2),
    }
    skip = {"id", "target", "distribution", "source", "applies_to"}
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        if name in located:
            # within the target's range: ``list[float]`` as ``list[Annotated[float, ...]]``
            span = Annotated[float, at.Ge(low), at.Le(high)]
            kind = list[span] if get_origin(info.annotation) is list else span  # type: ignore[valid-type]
            strategy = field_strategy(kind, info.metadata, name, ctx)
        else:
            strategy = field_strategy(info.annotation, info.metadata, name, ctx)
        if strategy is None:
            continue
        required = info.is_required()
        value = draw(strategy) if required or draw(st.booleans()) else None
        if value is not None:
            item[name] = value
    if model.__name__ == "LogNormal":
        item["median"] = max(item["median"], 1.0e-3)
    bounds = sorted(item[k] for k in ("low", "mode", "high") if k in item)
    if bounds:
        if bounds[0] == bounds[-1]:
            bounds[-1] = bounds[0] + 1.0
        keys = [k for k in ("low", "mode", "high") if k in item]
        item |= dict(zip(keys, bounds, strict=True))
    if "weights" in item and len(item["weights"]) != len(item["values"]):
        item["weights"] = (item["weights"] * len(item["values"]))[: len(item["values"])]
    if "weights" in item and sum(item["weights"]) <= 0:
        item["weights"] = [1.0] * len(item["values"])
    return item


def _uncertainty(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    inputs = [_distribution(draw, ctx, i) for i in range(draw(st.integers(0, 3)))]
    out: dict[str, Any] = {"inputs": inputs}
    plain = [i["id"] for i in inputs if i["distribution"] != "bernoulli"]
    pairs = []
    if len(plain) >= 2:
        for _ in range(draw(st.integers(0, 1))):
            a, b = draw(st.lists(st.sampled_from(plain), min_size=2, max_size=2, unique=True))
            rho = draw(model_patch(Correlation, ctx, required=("rho",)))["rho"]
            pairs.append({"between": [a, b], "rho": rho})
    out["correlations"] = pairs
    return out


def _entities(
    draw: st.DrawFn,
    model: type[BaseModel],
    rows: list[dict[str, Any]],
    ctx: Context,
    skip: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """``rows`` (ids and references given), each with some numbers drawn from ``model``."""
    return [row | draw(model_patch(model, ctx, skip={"id", *skip})) for row in rows]


# --------------------------------------------------------------------------------------------
# the worlds fuzzed: the tiny world, a world of catalog entities, and altman-2024
# --------------------------------------------------------------------------------------------

#: Catalog accelerators a mix may name besides the tiny world's CHIP (logic only, HBM, CoWoS).
CATALOG_PRODUCTS = ["H100", "B200", "MI300X", "TPU-V5E", "A100"]


def _tiny(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    """The hand-checkable tiny world: N5 chips, a TW (and JP) site, one partner and investor."""
    data = tiny_world({ctx.start: 1.0e6})
    partners = _entities(
        draw,
        Partner,
        [
            {
                "id": "maker",
                "name": "Maker",
                "country": "TW",
                "resources": _subset(draw, ["N5", "N3", "HBM", "COWOS"], 1, 4),
                "max_starts_per_year": 5,
            }
        ][: draw(st.integers(0, 1))],
        ctx,
        skip={"name", "country", "resources"},
    )
    partner_ids = [p["id"] for p in partners]
    sites = [
        copy.deepcopy(s) | {"partners": partner_ids}
        for s in (TINY_TW_SITE, TINY_JP_SITE)
        if draw(st.booleans())
    ]
    sites = _entities(draw, Site, sites, ctx, skip={"name", "country", "partners"})
    investors = [
        copy.deepcopy(i) | {"countries": [s["country"] for s in sites] or ["TW"]}
        for i in data["investors"]
    ][: draw(st.integers(0, 1))]
    investors = _entities(draw, Investor, investors, ctx, skip={"name", "country", "countries"})
    subsidies = [
        {"id": f"grant-{i}", "name": "Grant", "countries": [draw(st.sampled_from(["TW", "JP"]))]}
        for i in range(draw(st.integers(0, 1)))
    ]
    subsidies = _entities(draw, Subsidy, subsidies, ctx, skip={"name", "countries"})
    for item in subsidies:
        item.setdefault("capex_share", 0.1)
        item.setdefault("cap_musd", 1000.0)
        _loans(item, ctx.end - ctx.start + 1)
        _subsidy_shares(item)
    supply: dict[str, Any] = {"fabs": []}
    if draw(st.booleans()):
        fab = copy.deepcopy(TINY_OLD_FAB) | draw(
            model_patch(Fab, ctx, skip={"id", "lat", "lon", "resource", "country"})
        )
        fab.setdefault("capacity_wspm", {ctx.start: 10000})
        supply["add"] = [fab]
    supply |= draw(model_patch(Supply, ctx, skip={"fabs", "exclude", "overrides", "add"}))
    data |= {
        "sites": sites,
        "partners": partners,
        "investors": investors,
        "subsidies": subsidies,
        "supply": supply,
        "demand": _demand(draw, ctx, ["CHIP", *CATALOG_PRODUCTS]),
    }
    data["policy"] |= _policy(
        draw, ctx, {"site": [s["id"] for s in sites], "partner": partner_ids, "country": ["TW"]}
    )
    return data


#: Catalog sites with the partners that may build there (catalog ids).
CATALOG_SITES = ["us-az-phoenix", "jp-kumamoto", "tw-taichung", "de-dresden"]
CATALOG_PARTNERS = ["tsmc", "consortium", "samsung", "skhynix"]
CATALOG_INVESTORS = ["openai", "softbank", "mubadala", "us-gov"]
CATALOG_SUBSIDIES = ["us-chips", "jp", "tw"]


def _catalog_world(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    """Entities named by catalog id (their figures filled from the catalog), some changed."""
    partners = _subset(draw, CATALOG_PARTNERS, 0, 2)
    site_ids = _subset(draw, CATALOG_SITES, 0, 2)
    sites = []
    for ident in site_ids:
        allowed = [p for p in CATALOG.get("sites", ident)["partners"] if p in partners]
        sites.append({"id": ident, "partners": allowed})
    sites = _entities(draw, Site, sites, ctx, skip={"name", "country", "partners", "lat", "lon"})
    site_countries = sorted({CATALOG.get("sites", s)["country"] for s in site_ids})
    investors = []
    for ident in _subset(draw, CATALOG_INVESTORS, 0, 2):
        theirs = list(CATALOG.get("investors", ident)["countries"])
        if site_countries and not set(theirs) & set(site_countries):
            investors.append({"id": ident, "countries": site_countries})
        else:
            investors.append({"id": ident})
    investors = _entities(draw, Investor, investors, ctx, skip={"name", "country", "countries"})
    subsidies = _entities(
        draw,
        Subsidy,
        [{"id": s} for s in _subset(draw, CATALOG_SUBSIDIES, 0, 2)],
        ctx,
        skip={"name", "countries"},
    )
    for item in subsidies:
        row = CATALOG.get("subsidies", item["id"])
        tenor = row.get("loan_tenor_years")
        _loans(item, ctx.end - ctx.start + 1, None if tenor is None else int(tenor))
        tenor = item.get("loan_tenor_years")
        grace = row.get("loan_grace_years")
        if "loan_grace_years" not in item and grace is not None and tenor is not None:
            item["loan_grace_years"] = min(int(grace), tenor - 1)
        _subsidy_shares(item, float(row.get("capex_share", 0.0)))
        if row.get("tax_credit_share") is not None and "tax_credit_share" not in item:
            capex = item.get("capex_share", float(row["capex_share"]))
            item["tax_credit_share"] = min(float(row["tax_credit_share"]), 1.0 - capex)
    fabs = draw(st.one_of(st.just("all"), st.just([]), st.lists(st.sampled_from(CATALOG_FABS))))
    supply: dict[str, Any] = {"fabs": fabs}
    supply |= draw(model_patch(Supply, ctx, skip={"fabs", "exclude", "overrides", "add"}))
    if draw(st.booleans()):
        override = {"id": draw(st.sampled_from(CATALOG_FABS))}
        override |= draw(model_patch(FabOverride, ctx, skip={"id", "source"}))
        supply["overrides"] = [override]
    return {
        "name": "catalog-world",
        "horizon": {},
        "demand": _demand(draw, ctx, CATALOG_PRODUCTS),
        "supply": supply,
        "sites": sites,
        "partners": [{"id": p} for p in partners],
        "investors": investors,
        "subsidies": subsidies,
        "policy": _policy(
            draw, ctx, {"site": site_ids, "partner": partners, "country": site_countries}
        ),
    }


@functools.cache
def _altman_loans() -> dict[str, tuple[int, int | None]]:
    """altman-2024's subsidies with a loan: tenor and grace [years]."""
    altman = load_scenario("altman-2024", catalog=CATALOG)
    return {
        s.id: (s.loan_tenor_years, s.loan_grace_years)
        for s in altman.subsidies
        if s.loan_tenor_years is not None
    }


def _altman(draw: st.DrawFn, ctx: Context) -> dict[str, Any]:
    """``extends: altman-2024`` with a short horizon and some of its sections changed or gone."""
    years = ctx.end - ctx.start + 1
    data: dict[str, Any] = {"extends": "altman-2024", "name": "altman-fuzz"}
    if draw(st.booleans()):
        data["subsidies"] = None
    else:
        data["subsidies"] = [
            {"id": s, "loan_tenor_years": min(t, years), "loan_grace_years": min(g or 0, years - 1)}
            for s, (t, g) in _altman_loans().items()
        ]
    if draw(st.booleans()):
        data["sites"] = None
        if draw(st.booleans()):
            data["partners"] = None
            data["finance"] = {"strategies": {"acquisitions": None}}
            data["policy"] = {"earliest_starts": None}
    if draw(st.booleans()):
        data["investors"] = None
    demand = draw(model_patch(Demand, ctx, skip={"installed", "mix", "successors", "limits"}))
    if draw(st.booleans()):
        demand["installed"] = {"growth": None, "table": _installed(draw, ctx).get("table")}
        if demand["installed"]["table"] is None:
            demand["installed"] = {}
    if draw(st.booleans()):
        demand["limits"] = None
    data["demand"] = demand
    data["policy"] = data.get("policy", {}) | draw(
        model_patch(Policy, ctx, skip={"earliest_starts"})
    )
    if data["policy"].get("objective") == "max_compute":
        data["policy"]["budget_musd"] = 100_000.0
    return data


WORLDS: dict[str, Callable[[st.DrawFn, Context], dict[str, Any]]] = {
    "tiny": _tiny,
    "catalog": _catalog_world,
    "altman": _altman,
}


@st.composite
def valid_scenarios(draw: st.DrawFn, worlds: tuple[str, ...] = tuple(WORLDS)) -> dict[str, Any]:
    """A scenario mapping drawn from the schema over one of :data:`WORLDS`."""
    start = draw(st.integers(2024, 2030))
    end = start + draw(st.integers(1, 6))
    ctx = Context(start, end, {"regional_caps": list(REGIONS), "prices": RESOURCES})
    ctx.pools |= {"tax_rates": COUNTRIES, "ai_share": RESOURCES}
    world = draw(st.sampled_from(worlds))
    data = WORLDS[world](draw, ctx)
    horizon = {"start_year": start, "end_year": end}
    horizon |= draw(model_patch(Horizon, ctx, skip={"start_year", "end_year"}))
    data["horizon"] = horizon
    data["finance"] = data.get("finance", {}) | _finance(draw, ctx)
    data["uncertainty"] = _uncertainty(draw, ctx)
    data["solver"] = _solver(draw, ctx)
    event(f"world: {world}")
    return data


# --------------------------------------------------------------------------------------------
# what must hold
# --------------------------------------------------------------------------------------------


class GapResultError(AssertionError):
    """The outlook (``fabnet gap``) says something that cannot be true."""


class PlanResultError(AssertionError):
    """The plan says something that cannot be true."""


class FinanceResultError(AssertionError):
    """The financials say something that cannot be true."""


class RiskResultError(AssertionError):
    """The risk analysis says something that cannot be true."""


class RefusedLateError(AssertionError):
    """A stage refused (or failed on) a scenario that ``load_scenario`` accepted."""


@functools.cache
def _refused(command: str) -> type[RefusedLateError]:
    """The error of ``fabnet <command>`` refusing or failing on a valid scenario."""
    return type(f"Refused{command.capitalize()}Error", (RefusedLateError,), {})


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame
    return frame.select_dtypes(include=["number", "bool"]).astype(float)


def _tol(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return 1.0e-6 * max(1.0, float(np.abs(finite).max()) if finite.size else 1.0)


def finite(
    frame: pd.DataFrame,
    what: str,
    error: type[AssertionError],
    nan_ok: Iterable[str] = (),
    inf_ok: Iterable[str] = (),
) -> None:
    """No NaN or infinity in ``frame``'s numbers, except NaN in ``nan_ok`` and ±inf in
    ``inf_ok`` columns."""
    numbers = _numeric(frame)
    for column in numbers.columns:
        values = numbers[column].to_numpy()
        bad = ~np.isfinite(values)
        if column in nan_ok:
            bad &= ~np.isnan(values)
        if column in inf_ok:
            bad &= ~np.isinf(values)
        if bad.any():
            raise error(f"{what}.{column}: {int(bad.sum())} values NaN or infinite: {values[bad]}")


def not_negative(frame: pd.DataFrame, columns: Iterable[str], what: str, error: type) -> None:
    """``columns`` of ``frame`` are ≥ 0 (within a relative tolerance of solver round-off)."""
    for column in columns:
        if column not in frame:
            continue
        values = frame[column].to_numpy(dtype=float)
        if (values < -_tol(values)).any():
            raise error(f"{what}.{column} is negative: min {np.nanmin(values):g}")


def check_gap(outlook: Any) -> None:
    """The outlook: finite tables, nothing negative, new compute from the stock's change."""
    finite(outlook.table, "gap.table", GapResultError, nan_ok={"coverage"})
    coverage = outlook.table["coverage"].to_numpy(dtype=float)
    demand = outlook.table["demand_wspm"].to_numpy(dtype=float)
    if (np.isnan(coverage) & (demand > 0)).any():
        raise GapResultError("gap.table.coverage is NaN where there is demand")
    finite(outlook.supply, "gap.supply", GapResultError)
    finite(outlook.demand, "gap.demand", GapResultError, nan_ok={"area_mm2"})  # HBM: none
    finite(outlook.euv, "gap.euv", GapResultError)
    compute = outlook.compute
    limits = {"power_gw", "power_limit_gw", "spend_busd", "spend_limit_busd"}
    finite(compute, "gap.compute", GapResultError, nan_ok=limits, inf_ok={"cap_new_h100e"})
    not_negative(outlook.table, ["demand_wspm", "supply_wspm"], "gap.table", GapResultError)
    not_negative(outlook.demand, ["units", "wafers_per_year", "wspm"], "gap.demand", GapResultError)
    supply = ["capacity_wspm", "ai_capacity_wspm"]
    not_negative(outlook.supply, supply, "gap.supply", GapResultError)
    columns = [c for c in compute.columns if str(c).endswith("_h100e")]
    not_negative(compute, columns, "gap.compute", GapResultError)
    stock = compute["installed_h100e"].to_numpy(dtype=float)
    retired = compute["retired_h100e"].to_numpy(dtype=float)
    new = compute["new_h100e"].to_numpy(dtype=float)
    path_new = compute["path_new_h100e"].to_numpy(dtype=float)
    tol = _tol(np.concatenate([stock, retired, new]))
    if (new > path_new + tol).any():
        raise GapResultError(f"new compute {new} above what the growth path wants {path_new}")
    years = np.asarray(compute.index, dtype=int)
    for i in range(1, len(years)):
        if years[i] - years[i - 1] != 1:
            continue
        change = stock[i] - stock[i - 1]
        row_tol = 1.0e-6 * max(1, abs(stock[i]), abs(stock[i - 1]), abs(retired[i]), abs(new[i]))
        if retired[i] > stock[i - 1] + 1.0e-6 * max(1.0, abs(stock[i - 1])):
            raise GapResultError(
                f"{years[i]}: {retired[i]:g} H100e retired, more than the {stock[i - 1]:g}"
                f" installed at the end of {years[i - 1]}"
            )
        if new[i] > max(0.0, change) + retired[i] + row_tol:
            raise GapResultError(
                f"{years[i]}: new compute {new[i]:g} H100e above the stock change {change:g}"
                f" + retirements {retired[i]:g}"
            )
        if abs(new[i] - (change + retired[i])) > row_tol:
            raise GapResultError(
                f"{years[i]}: new compute {new[i]:g} H100e is not the stock change {change:g}"
                f" + retirements {retired[i]:g}"
            )
    deliverable = compute["deliverable_h100e"].to_numpy(dtype=float)
    if (deliverable > new + tol).any():
        raise GapResultError(f"deliverable {deliverable} above new compute {new}")


def check_plan(result: Any, outlook: Any) -> None:
    """The plan: finite, nothing negative, nothing built without need."""
    scenario = result.scenario
    end = scenario.years[-1]
    finite(result.builds, "plan.builds", PlanResultError)
    finite(result.capacity, "plan.capacity", PlanResultError)
    finite(result.production, "plan.production", PlanResultError)
    finite(result.accelerators, "plan.accelerators", PlanResultError)
    finite(result.compute, "plan.compute", PlanResultError, nan_ok={"shadow_price_usd_per_h100e"})
    for name in ("capex", "funding", "grants", "reservations", "acquisitions", "costs"):
        finite(getattr(result, name), f"plan.{name}", PlanResultError, nan_ok={"closing_year"})
    finite(result.limits, "plan.limits", PlanResultError, nan_ok={"year", "limit", "slack", "used"})
    not_negative(result.builds, ["modules", "capex_musd"], "plan.builds", PlanResultError)
    not_negative(result.capacity, ["new_wspm"], "plan.capacity", PlanResultError)
    wspm = [c for c in result.production.columns if str(c).endswith("_wspm")]
    not_negative(result.production, wspm, "plan.production", PlanResultError)
    not_negative(result.accelerators, ["units"], "plan.accelerators", PlanResultError)
    h100e = ["wanted_h100e", "delivered_h100e", "unserved_h100e"]
    not_negative(result.compute, h100e, "plan.compute", PlanResultError)
    money = ["capex_musd", "grants_musd", "debt_musd", "investors_musd"]
    not_negative(result.capex, money, "plan.capex", PlanResultError)
    not_negative(result.funding, ["musd"], "plan.funding", PlanResultError)
    not_negative(result.grants, ["musd"], "plan.grants", PlanResultError)
    modules = float(result.builds["modules"].sum()) if len(result.builds) else 0.0
    wanted = float(outlook.compute["new_h100e"].sum())
    if wanted <= 0.0 and modules > 0:
        raise PlanResultError(f"{modules:g} modules built although no compute is wanted")
    late = result.builds[result.builds["online_year"] > end] if len(result.builds) else []
    if len(late):
        raise PlanResultError(
            f"{int(late['modules'].sum())} modules built that come online after {end}, the"
            " horizon's end: they serve nothing"
        )
    if scenario.policy.objective == "min_cost":
        delivered = result.compute["delivered_h100e"].to_numpy(dtype=float)
        want = result.compute["wanted_h100e"].to_numpy(dtype=float)
        if (delivered > want + _tol(want)).any():
            raise PlanResultError(f"delivered {delivered} above wanted {want}")


def check_finance(money: Any) -> None:
    """The financials: finite money, shares that are shares."""
    finite(money.cash_flows, "finance.cash_flows", FinanceResultError)
    finite(money.investor_flows, "finance.investor_flows", FinanceResultError)
    finite(money.shares, "finance.shares", FinanceResultError)
    finite(money.capital_calls, "finance.capital_calls", FinanceResultError)
    finite(money.by_year(), "finance.by_year", FinanceResultError)
    maybe = {"irr", "equity_irr", "payback_years", "equity_moic", "moic", "discounted_payback"}
    idle = money.investors.columns.drop(["called_musd", "hurdle_rate"])
    finite(money.projects, "finance.projects", FinanceResultError, nan_ok=maybe)
    called = money.investors["called_musd"] > 0.0
    finite(money.investors[called], "finance.investors", FinanceResultError, nan_ok=maybe)
    # an investor the plan calls on for nothing has an empty row (documented): no infinity
    finite(money.investors[~called], "finance.investors", FinanceResultError, nan_ok=set(idle))
    not_negative(money.investor_flows, ["call_musd"], "finance.investor_flows", FinanceResultError)
    if len(money.shares):
        shares = money.shares["share"].to_numpy(dtype=float)
        if ((shares < -1e-9) | (shares > 1 + 1e-9)).any():
            raise FinanceResultError(f"equity shares outside [0, 1]: {shares}")
        sums = money.shares.groupby("project")["share"].sum().to_numpy(dtype=float)
        if (np.abs(sums - 1.0) > 1e-6).any():
            raise FinanceResultError(f"equity shares of a project do not sum to 1: {sums}")


def check_risk(analysis: Any) -> None:
    """The risk analysis: finite tables and samples, probabilities that are probabilities."""
    finite(analysis.by_year, "risk.by_year", RiskResultError)
    p = analysis.by_year["p_shortfall"].to_numpy(dtype=float)
    if ((p < 0) | (p > 1)).any():
        raise RiskResultError(f"risk.by_year.p_shortfall outside [0, 1]: {p}")
    finite(analysis.measures, "risk.measures", RiskResultError)
    finite(analysis.tornado, "risk.tornado", RiskResultError)
    for name, values in analysis.dataset.data_vars.items():
        array = np.asarray(values, dtype=float)
        if not np.isfinite(array).all():
            raise RiskResultError(f"risk samples {name}: NaN or infinite values")
        if (
            str(name) in {"wanted_h100e", "delivered_h100e", "unserved_h100e"}
            and (array < -_tol(array)).any()
        ):
            raise RiskResultError(f"risk samples {name}: negative (min {array.min():g})")


# --------------------------------------------------------------------------------------------
# running a scenario through every stage
# --------------------------------------------------------------------------------------------

#: Samples of the risk analysis (its invariants do not need more).
RISK_SAMPLES = 64


def _infeasible_allowed(scenario: Any) -> bool:
    """Whether an infeasible plan is a finding rather than a bug: only a cap on unserved
    compute can make a plan infeasible when unserved compute is otherwise allowed."""
    return scenario.policy.max_unserved_share is not None


def _load(data: dict[str, Any], folder: Path) -> tuple[Any, Path]:
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        scenario = load_scenario(path, catalog=CATALOG)
    except ScenarioError as exc:
        event(f"refused by load_scenario: {exc.issues[0].loc}")
        reject()
    return scenario, path


def run_api(data: dict[str, Any], method: str, shadow_prices: bool) -> None:
    """Load, gap, plan, finance and risk through the library, checking each result."""
    from fabnet.finance import financials
    from fabnet.outlook import gap
    from fabnet.planning import plan
    from fabnet.risk.analysis import analyse

    with tempfile.TemporaryDirectory(prefix="fabnet-fuzz-") as tmp:
        scenario, _ = _load(data, Path(tmp))
    outlook = gap(scenario, catalog=CATALOG)
    check_gap(outlook)
    try:
        result = plan(scenario, catalog=CATALOG, outlook=outlook, shadow_prices=shadow_prices)
    except InfeasiblePlanError:
        if _infeasible_allowed(scenario):
            event("infeasible (max_unserved_share)")
            return
        raise
    check_plan(result, outlook)
    check_finance(financials(result, CATALOG))
    check_risk(analyse(result, samples=RISK_SAMPLES, seed=0, method=method, catalog=CATALOG))


def run_cli(data: dict[str, Any], method: str) -> None:
    """validate, gap, plan --out, finance --plan and risk --plan on the command line (in this
    process, ``FABNET_DEBUG=1`` so that a bug raises where it is), then the saved plan checked."""
    from typer.testing import CliRunner

    from fabnet.cli import app
    from fabnet.finance import financials
    from fabnet.outlook import gap
    from fabnet.planning import load_plan
    from fabnet.risk.analysis import analyse

    runner = CliRunner()
    env = {"NO_COLOR": "1", "COLUMNS": "160", "FABNET_DEBUG": "1", "FABNET_NO_PROGRESS": "1"}

    def fabnet(*args: str | Path, ok: tuple[int, ...] = (0,)) -> int:
        result = runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)
        code = result.exit_code
        if code not in ok:
            # one error class per command, so that Hypothesis tells their failures apart
            raise _refused(str(args[0]))(f"fabnet {args[0]} exit {code}: {result.stderr[-2000:]}")
        return code

    with tempfile.TemporaryDirectory(prefix="fabnet-fuzz-") as tmp:
        folder = Path(tmp)
        scenario, path = _load(data, folder)
        fabnet("validate", path)
        fabnet("gap", path, "--csv", folder / "gap")
        check_gap(gap(scenario, catalog=CATALOG))
        if fabnet("plan", path, "--out", folder / "plan", ok=(0, 3)) == 3:
            if not _infeasible_allowed(scenario):
                raise RefusedLateError("fabnet plan: infeasible (exit 3), unserved compute allowed")
            return
        result = load_plan(folder / "plan")
        check_plan(result, gap(result.scenario, catalog=CATALOG))
        fabnet("finance", path, "--plan", folder / "plan", "--out", folder / "money")
        check_finance(financials(result, CATALOG))
        samples = str(RISK_SAMPLES)
        fabnet("risk", path, "--plan", folder / "plan", "--samples", samples, "--method", method)
        check_risk(analyse(result, samples=RISK_SAMPLES, seed=0, method=method, catalog=CATALOG))


EXAMPLES = int(os.environ.get("FABNET_FUZZ_EXAMPLES", "50"))
SEED = os.environ.get("FABNET_FUZZ_SEED")
#: Shrinking a failure re-plans hundreds of times (minutes per bug): only when asked for.
PHASES = (
    list(Phase)
    if os.environ.get("FABNET_FUZZ_SHRINK")
    else [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
)
QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def _reproducible(test: Callable[..., None]) -> Callable[..., None]:
    """Derandomized (or seeded by ``FABNET_FUZZ_SEED``), no example database."""
    return seed(int(SEED))(test) if SEED else test


@pytest.mark.slow
@_reproducible
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=SEED is None,
    database=None,
    phases=PHASES,
    suppress_health_check=QUIET,
)
@given(
    data=valid_scenarios(),
    via_cli=st.booleans(),
    method=st.sampled_from(["mc", "lhs", "sobol"]),
    shadow_prices=st.booleans(),
)
def test_valid_scenarios_run_through_every_stage(
    data: dict[str, Any], via_cli: bool, method: str, shadow_prices: bool
) -> None:
    if via_cli:
        run_cli(data, method)
    else:
        run_api(data, method, shadow_prices)


def _tiny_case(**sections: Any) -> dict[str, Any]:
    """The tiny world (2025–2032, demand ×100 over the horizon, one uncertain input) with
    ``sections`` replaced (a mapping is merged one level deep)."""
    data = tiny_world({2025: 1.0e6, 2032: 1.0e8})
    data["uncertainty"] = {
        "inputs": [
            {
                "id": "growth",
                "target": "demand_growth",
                "distribution": "lognormal",
                "median": 1.0,
                "sigma": 0.1,
                "source": "fuzz",
            }
        ]
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = data[key] | value
        else:
            data[key] = value
    return data


#: Distinct failures the fuzz found (issue 12), each as the smallest scenario found: valid for
#: ``load_scenario``, so each must run through every stage once its cause is fixed.
KNOWN: dict[str, tuple[dict[str, Any], bool]] = {
    # finance and risk: KeyError "None of ['investor'] are in the columns"
    "no-investors": (_tiny_case(investors=[]), False),
    # plan: linopy "Both sides of the constraint are constant" (investors' annual cap)
    "no-sites": (_tiny_case(sites=[]), False),
    # plan: the same, for a subsidy programme's cap
    "subsidy-without-projects": (
        _tiny_case(
            sites=[],
            investors=[],
            subsidies=[
                {
                    "id": "grant",
                    "name": "Grant",
                    "countries": ["TW"],
                    "capex_share": 0.1,
                    "cap_musd": 1000.0,
                }
            ],
        ),
        False,
    ),
    # plan: linopy "Both sides of the constraint are constant" (compute balance)
    "zero-demand": (
        _tiny_case(demand={"installed": {"table": {2025: 0.0}}, "mix": {"CHIP": {2025: 1.0}}}),
        False,
    ),
    # gap: retirements above the stock; plan: IndexError in solve (no variables)
    "collapsing-demand": (
        _tiny_case(
            horizon={"start_year": 2030, "end_year": 2031},
            demand={
                "installed": {"base_year": 2027, "base_h100e": 0.001, "growth": {2027: 0.001}},
                "service_life_years": 5,
                "mix": {"CHIP": {2027: 1.0}},
            },
        ),
        False,
    ),
    # gap: NaN installed compute (the warm-up years overflow, then inf - inf)
    "tiny-growth-multiplier": (
        _tiny_case(
            demand={
                "installed": {"base_year": 2025, "base_h100e": 1.0, "growth": {2025: 1.0e-200}},
                "mix": {"CHIP": {2025: 1.0}},
            }
        ),
        False,
    ),
    # gap: IndexError in interpolate (an empty by-year mapping)
    "empty-ai-share": (
        _tiny_case(supply={"fabs": [], "add": [TINY_OLD_FAB], "ai_share": {"N5": {}}}),
        False,
    ),
    # plan: IndexError in interpolate
    "empty-penalty-path": (_tiny_case(policy={"unserved_penalty_usd_per_h100e": {}}), False),
    # plan: exit 2 "the Gurobi interface is not built yet"
    "gurobi": (_tiny_case(solver={"name": "gurobi"}), False),
    # risk: exit 2 "at least one uncertain input"
    "no-uncertain-inputs": (_tiny_case(uncertainty={"inputs": []}), False),
    # finance: exit 2 "terminal_growth must be below policy.discount_rate"
    "perpetuity-growth": (
        _tiny_case(finance={"terminal_value": "perpetuity", "terminal_growth": 0.1}),
        False,
    ),
    # risk: exit 2 "the normal correlation matrix is not positive definite"
    "inconsistent-correlations": (
        _tiny_case(
            uncertainty={
                "inputs": [
                    {
                        "id": i,
                        "target": t,
                        "distribution": "uniform",
                        "low": 0.5,
                        "high": 1.5,
                        "source": "fuzz",
                    }
                    for i, t in (
                        ("a", "demand_growth"),
                        ("b", "wafer_price"),
                        ("c", "capex_overrun"),
                    )
                ],
                "correlations": [
                    {"between": ["a", "b"], "rho": 0.9},
                    {"between": ["b", "c"], "rho": 0.9},
                    {"between": ["a", "c"], "rho": -0.9},
                ],
            }
        ),
        False,
    ),
    # risk: ValueError "operands could not be broadcast" (schedules.event_availability) for an
    # event that lasts more than a year beyond the horizon
    "long-disruption": (
        _tiny_case(
            uncertainty={
                "inputs": [
                    {
                        "id": "quake",
                        "target": "disruption",
                        "distribution": "bernoulli",
                        "annual_probability": 0.5,
                        "capacity_lost": 0.5,
                        "duration_years": 20,
                        "source": "fuzz",
                    }
                ]
            }
        ),
        False,
    ),
    # finance --plan, risk --plan: exit 2, the saved scenario.yaml writes the default 10-year
    # debt tenor out and reading it back refuses it on an 8-year horizon
    "plan-folder-round-trip": (_tiny_case(finance={"tax": False}), True),
    # finance: exit 2 "flows: must be at least one cash flow" (a plan that builds nothing)
    "nothing-built": (_tiny_case(policy={"earliest_start_year": 2040}), True),
}


#: Cases the fuzz found valid that later failed, which validate now refuses, each located:
#: whatever a later stage refused is refused where the scenario is read.
REFUSED: dict[str, dict[str, Any]] = {
    name: KNOWN.pop(name)[0]
    for name in (
        "collapsing-demand",
        "tiny-growth-multiplier",
        "empty-ai-share",
        "empty-penalty-path",
        "gurobi",
        "perpetuity-growth",
        "inconsistent-correlations",
    )
}


@pytest.mark.parametrize("data", list(REFUSED.values()), ids=list(REFUSED))
def test_known_scenarios_validate_refuses_are_located(data: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    for issue in caught.value.issues:
        assert (issue.file, issue.line is not None, bool(issue.loc)) == (str(path), True, True)


@pytest.mark.slow
@pytest.mark.parametrize(("data", "via_cli"), list(KNOWN.values()), ids=list(KNOWN))
def test_known_valid_scenarios_run_through_every_stage(data: dict[str, Any], via_cli: bool) -> None:
    """The smallest valid scenario of each failure the fuzz found (see KNOWN)."""
    if via_cli:
        run_cli(copy.deepcopy(data), "lhs")
    else:
        run_api(copy.deepcopy(data), "lhs", shadow_prices=True)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    phases=PHASES,
    suppress_health_check=QUIET,
)
@given(data=valid_scenarios(worlds=("tiny",)))
def test_valid_scenarios_load_and_gap_quick(data: dict[str, Any]) -> None:
    """A few drawn scenarios through load and gap only (the planner is in the slow test)."""
    from fabnet.outlook import gap

    with tempfile.TemporaryDirectory(prefix="fabnet-fuzz-") as tmp:
        scenario, _ = _load(data, Path(tmp))
    check_gap(gap(scenario, catalog=CATALOG))


#: Number fields drawn by hand, and why.
BY_HAND = {"Demand.mix": "shares of products that exist, summing to 1 in every year (_mix)"}


def test_strategies_cover_the_schema() -> None:
    """Every number and choice field of the schema's models gets a strategy: a new field is
    fuzzed without a change here (or named here with the reason it is not)."""
    models: list[type[BaseModel]] = [
        Horizon,
        InstalledCompute,
        Demand,
        DemandLimits,
        Supply,
        Fab,
        FabOverride,
        Site,
        Partner,
        Investor,
        Subsidy,
        Policy,
        Debt,
        Finance,
        Solver,
        Correlation,
        *DISTRIBUTIONS,
    ]
    ctx = Context(2025, 2030, {"regional_caps": list(REGIONS), "prices": RESOURCES})
    ctx.pools |= {"tax_rates": COUNTRIES, "ai_share": RESOURCES}
    missing = []
    for model in models:
        for name, info in model.model_fields.items():
            base, _ = _unwrap(info.annotation)
            leaves = _leaves(base)
            if not leaves & {int, float, bool}:
                continue  # ids, text and nested models: drawn by hand
            if f"{model.__name__}.{name}" in BY_HAND:
                continue
            if field_strategy(info.annotation, info.metadata, name, ctx) is None:
                missing.append(f"{model.__name__}.{name}")
    assert not missing, f"fields with numbers but no strategy: {missing}"


def _leaves(annotation: Any) -> set[Any]:
    annotation, _ = _unwrap(annotation)
    args = get_args(annotation)
    if get_origin(annotation) is Literal:
        return {bool}
    if not args:
        return {annotation}
    return set().union(*(_leaves(a) for a in args))

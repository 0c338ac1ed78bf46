"""Reading a fab file: the scenario's machinery (:mod:`fabnet.scenario._resolve`) for a second
kind of document, and the checks across its sections, each located by file and line.

A fab file may ``extends:`` a built-in fab file (:mod:`fabnet.fabs`) or another file; its
``tool_types``, ``routes``, ``fabs`` and ``designs`` merge by id and may each be a CSV/Parquet
table by relative path, as may ``routes`` in its long form (one row per step and tool type:
``route, step, workstation, tool_type, rpt_min`` and optionally ``name, batch_wafers,
setup_min``) and ``demand.table`` (``product, period, wafers_per_week`` and optionally
``scenario``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fabnet.exceptions import ScenarioError, ScenarioIssue, render_value
from fabnet.fab._schema import FAB_SECTIONS, FabSpec, quarter_index
from fabnet.scenario._check import Locator, _duplicates, dotted, schema_issues
from fabnet.scenario._located import LDict, LList, Loc, Path_, locate, parse_yaml
from fabnet.scenario._resolve import Document, follow_extends, inline_table, read_chain
from fabnet.scenario._tables import _require, _rows, entity_table

#: The columns of the long form of ``routes``.
ROUTE_COLUMNS = ("route", "step", "workstation", "tool_type", "rpt_min")


def route_table(path: Path, at: Loc) -> LList:
    """One row per (route, step, tool type) → the routes, their steps in the order of ``step``."""
    routes: dict[str, dict[int, LDict]] = {}
    issues: list[ScenarioIssue] = []
    first_loc: dict[str, Loc] = {}
    for loc, row in _rows(path):
        missing = _require(loc, row, ROUTE_COLUMNS)
        issues += missing
        if missing:
            continue
        try:
            number = int(row["step"])
        except ValueError:
            issues.append(
                ScenarioIssue(loc.file, loc.line, "step", "must be a whole number", row["step"])
            )
            continue
        steps = routes.setdefault(row["route"], {})
        first_loc.setdefault(row["route"], loc)
        if number not in steps:
            step = LDict(loc=loc)
            for key in ("workstation", "name", "batch_wafers", "setup_min"):
                if key in row:
                    step[key] = row[key]
                    step.key_locs[key] = loc
            step["rpt_min"] = LDict(loc=loc)
            step.key_locs["rpt_min"] = loc
            steps[number] = step
        step = steps[number]
        if step.get("workstation") != row["workstation"]:
            issues.append(
                ScenarioIssue(
                    loc.file,
                    loc.line,
                    "workstation",
                    f"step {number} of route {row['route']} names another workstation on an"
                    f" earlier row ({step.get('workstation')})",
                    render_value(row["workstation"]),
                )
            )
        rpt: LDict = step["rpt_min"]
        if row["tool_type"] in rpt:
            issues.append(
                ScenarioIssue(
                    loc.file,
                    loc.line,
                    "tool_type",
                    f"a second row for this tool type on step {number} of route {row['route']}",
                    render_value(row["tool_type"]),
                )
            )
        rpt[row["tool_type"]] = row["rpt_min"]
        rpt.key_locs[row["tool_type"]] = loc
    if issues:
        raise ScenarioError(issues)
    out = LList(loc=at)
    for name, steps in routes.items():
        route = LDict(loc=first_loc[name])
        route["id"] = name
        route.key_locs["id"] = first_loc[name]
        ordered = LList(loc=first_loc[name])
        for number in sorted(steps):
            ordered.append(steps[number])
            ordered.item_locs.append(steps[number].loc)
        route["steps"] = ordered
        route.key_locs["steps"] = first_loc[name]
        out.append(route)
        out.item_locs.append(first_loc[name])
    return out


def _fab_tables(data: LDict, base: Path) -> list[ScenarioIssue]:
    issues = inline_table(data, "routes", "routes", route_table, base)
    demand = data.get("demand")
    if isinstance(demand, LDict):
        issues += inline_table(
            demand, "table", "demand.table", lambda p, loc: entity_table(p, loc, frozenset()), base
        )
    return issues


#: The fab file: built-ins in :mod:`fabnet.fabs`, their tables beside them.
FAB_FILE = Document("fab file", "fabnet.fabs", FAB_SECTIONS, _fab_tables)


def builtin_fab_names() -> list[str]:
    """Names of the fab files shipped with fabnet."""
    return FAB_FILE.builtin_names()


#: The fab file :func:`load_fab` reads when given none.
DEFAULT_FAB = "example-3fab"


def load_fab(source: str | Path | Mapping[str, Any] = DEFAULT_FAB) -> FabSpec:
    """Load and validate a fab file.

    Parameters
    ----------
    source : str, Path or mapping
        A built-in fab file's name (``"example-3fab"``), a path to a YAML file, YAML text (a
        string with a newline), or a mapping with the same content as a file.

    Returns
    -------
    FabSpec
        The merged, validated fab file (``extends`` resolved).

    Raises
    ------
    ScenarioError
        With every problem found, each as ``FILE:LINE: dotted.field: message (got VALUE)``.

    Examples
    --------
    >>> from fabnet.fab import load_fab
    >>> spec = load_fab()
    >>> spec.periods.labels[:2]
    ['2026Q1', '2026Q2']
    """
    try:
        if isinstance(source, Mapping):
            data = follow_extends(
                locate(dict(source), Loc(None, None)), Path.cwd(), "<mapping>", doc=FAB_FILE
            )
        elif isinstance(source, str) and "\n" in source:
            data = follow_extends(parse_yaml(source, "<text>"), Path.cwd(), "<text>", doc=FAB_FILE)
        else:
            data = read_chain(source, doc=FAB_FILE)
    except ScenarioError as exc:
        raise ScenarioError(list(exc.issues), what="fab file") from None
    return validate_fab_tree(data)


def validate_fab_tree(data: LDict) -> FabSpec:
    """Validate a merged, located fab file: the schema, then every reference across sections."""
    for section in FAB_SECTIONS:
        items = data.get(section[0])
        if isinstance(items, LList):
            data[section[0]] = LList(
                [i for i in items if not (isinstance(i, dict) and i.get("remove") is True)],
                loc=items.loc,
            )
            data[section[0]].item_locs = [
                loc
                for i, loc in zip(items, items.item_locs, strict=False)
                if not (isinstance(i, dict) and i.get("remove") is True)
            ]
    locator = Locator(data)
    issues: list[ScenarioIssue] = []
    for section in FAB_SECTIONS:
        items = data.get(section[0])
        if isinstance(items, list):
            pairs = [(i, x) for i, x in enumerate(items) if isinstance(x, dict)]
            issues += _duplicates(pairs, locator, section)
    try:
        spec = FabSpec.model_validate(data)
    except ValidationError as exc:
        issues = schema_issues(exc, data, locator, root=FabSpec) + issues
        raise ScenarioError(sorted(issues, key=_order), what="fab file") from None
    issues += _Checks(spec, locator).run()
    if issues:
        raise ScenarioError(sorted(issues, key=_order), what="fab file")
    return spec


def _order(issue: ScenarioIssue) -> tuple[str, int]:
    return (issue.file or "", issue.line or 0)


class _Checks:
    """The references of a schema-valid fab file, and what no plan could get around."""

    def __init__(self, spec: FabSpec, locator: Locator) -> None:
        self.spec = spec
        self.locator = locator
        self.issues: list[ScenarioIssue] = []
        # The first of duplicate ids (reported as such) is the one references are checked against.
        self.types = {t.id: t for t in reversed(spec.tool_types)}
        self.workstations = sorted({t.workstation for t in spec.tool_types})
        self.routes = [r.id for r in spec.routes]
        self.periods = spec.periods.labels

    def add(self, path: Path_, message: str, got: Any = None) -> None:
        loc, _ = self.locator.find(path)
        self.issues.append(
            ScenarioIssue(
                loc.file,
                loc.line,
                dotted(path),
                message,
                None if got is None else render_value(got),
            )
        )

    def ref(self, path: Path_, value: Any, known: list[str], what: str) -> bool:
        if value in known:
            return True
        import difflib

        close = difflib.get_close_matches(str(value), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
        self.add(path, f"unknown {what}{hint} (known: {shown})", value)
        return False

    def run(self) -> list[ScenarioIssue]:
        self.routes_()
        self.fabs_()
        self.demand_()
        self.rules_()
        self.designs_()
        return self.issues

    def routes_(self) -> None:
        for i, route in enumerate(self.spec.routes):
            for j, step in enumerate(route.steps):
                path: Path_ = ("routes", i, "steps", j)
                known_ws = self.ref(
                    (*path, "workstation"), step.workstation, self.workstations, "workstation"
                )
                for kind in step.rpt_min:
                    where = (*path, "rpt_min", kind)
                    if not self.ref(where, kind, list(self.types), "tool type"):
                        continue
                    serves = self.types[kind].workstation
                    if known_ws and serves != step.workstation:
                        self.add(
                            where,
                            f"this tool type serves workstation {serves}, not the step's"
                            f" {step.workstation}",
                            kind,
                        )

    def fabs_(self) -> None:
        floors = [f.floor_m2 for f in self.spec.fabs]
        for i, fab in enumerate(self.spec.fabs):
            for kind in fab.tools:
                self.ref(("fabs", i, "tools", kind), kind, list(self.types), "tool type")
            for j, product in enumerate(fab.products or []):
                self.ref(("fabs", i, "products", j), product, self.routes, "route")
        for i, tool in enumerate(self.spec.tool_types):
            if tool.footprint_m2 > max(floors):
                self.add(
                    ("tool_types", i, "footprint_m2"),
                    f"one tool is larger than the floor of every fab (the largest:"
                    f" {max(floors):,.0f} m²)",
                    tool.footprint_m2,
                )
        # A step no tool can ever run: none of its types is buyable or installed where the
        # route may run.
        for i, route in enumerate(self.spec.routes):
            hosts = [f for f in self.spec.fabs if f.products is None or route.id in f.products]
            if not hosts:
                self.add(
                    ("routes", i, "id"), "no fab may run this route (fabs[].products)", route.id
                )
                continue
            for j, step in enumerate(route.steps):
                able = [
                    k
                    for k in step.rpt_min
                    if k in self.types
                    and (self.types[k].buyable or any(f.tools.get(k, 0) > 0 for f in hosts))
                ]
                if not able and all(k in self.types for k in step.rpt_min):
                    self.add(
                        ("routes", i, "steps", j, "rpt_min"),
                        "no tool type able to run this step can be bought or is installed in a"
                        " fab that may run the route",
                        sorted(step.rpt_min),
                    )

    def demand_(self) -> None:
        demand = self.spec.demand
        scenarios: list[str | None] = [s.id for s in demand.scenarios]
        seen: dict[tuple[Any, str, str], int] = {}
        for i, row in enumerate(demand.table):
            path: Path_ = ("demand", "table", i)
            self.ref((*path, "product"), row.product, self.routes, "route")
            if row.period not in self.periods:
                self.add(
                    (*path, "period"),
                    f"not a planning period ({self.periods[0]}–{self.periods[-1]})",
                    row.period,
                )
            if scenarios:
                if row.scenario is None:
                    self.add(path, "with demand.scenarios, every row names its scenario")
                else:
                    self.ref(
                        (*path, "scenario"), row.scenario, [*map(str, scenarios)], "demand scenario"
                    )
            elif row.scenario is not None:
                self.add(
                    (*path, "scenario"),
                    "names a scenario but demand.scenarios lists none",
                    row.scenario,
                )
            key = (row.scenario, row.product, row.period)
            if key in seen:
                self.add(
                    path,
                    f"a second row for {row.product} in {row.period} (first at"
                    f" demand.table[{seen[key]}])",
                )
            else:
                seen[key] = i
        products = sorted({row.product for row in demand.table if row.product in self.routes})
        # A missing period is reported at the product's first row (in a CSV table: its line).
        first_row = {(key[0], key[1]): i for key, i in reversed(seen.items())}
        for scenario in scenarios or [None]:
            for product in products:
                missing = [p for p in self.periods if (scenario, product, p) not in seen]
                if missing:
                    shown = ", ".join(missing[:6]) + (", …" if len(missing) > 6 else "")
                    whose = f"{product}" + (f" in scenario {scenario}" if scenario else "")
                    row_at = first_row.get((scenario, product))
                    self.add(
                        ("demand", "table") if row_at is None else ("demand", "table", row_at),
                        f"no demand of {whose} for {len(missing)} period(s): {shown}"
                        " (give a row for every period; 0 for none)",
                    )

    def rules_(self) -> None:
        rules = self.spec.rules
        for kind, period in rules.first_buy.items():
            path = ("rules", "first_buy", kind)
            self.ref(path, kind, list(self.types), "tool type")
            if period not in self.periods:
                self.add(path, "not a planning period", period)
        for end in ("first", "last"):
            value = getattr(rules.cost_periods, end)
            if value is not None and value not in self.periods:
                self.add(("rules", "cost_periods", end), "not a planning period", value)
        first, last = rules.cost_periods.first, rules.cost_periods.last
        if first and last and quarter_index(last) < quarter_index(first):
            self.add(("rules", "cost_periods"), "last is before first", f"{first}–{last}")

    def designs_(self) -> None:
        for i, design in enumerate(self.spec.designs):
            path: Path_ = ("designs", i)
            if not self.ref((*path, "route"), design.route, self.routes, "route"):
                continue
            for j, kind in enumerate(design.tool_types or []):
                self.ref((*path, "tool_types", j), kind, list(self.types), "tool type")


def fab_json_schema() -> dict[str, Any]:
    """The JSON Schema of a fab file (tables allowed where the loader accepts them)."""
    from fabnet.scenario import _table_or

    schema = FabSpec.model_json_schema()
    props = schema["properties"]
    for section in FAB_SECTIONS:
        props[section[0]] = _table_or(props[section[0]], f"{section[0]} (one row each)")
    props["routes"]["anyOf"][1]["description"] = (
        "Path (relative to this file) of a CSV/Parquet table of the routes' steps, one row per"
        f" step and tool type: {', '.join(ROUTE_COLUMNS)} (and name, batch_wafers, setup_min)."
    )
    demand = schema["$defs"]["Demand"]["properties"]
    demand["table"] = _table_or(demand["table"], "product, period, wafers_per_week (, scenario)")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


__all__ = [
    "DEFAULT_FAB",
    "FAB_FILE",
    "builtin_fab_names",
    "fab_json_schema",
    "load_fab",
    "validate_fab_tree",
]

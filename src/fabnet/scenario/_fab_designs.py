"""``fab_designs:``: a network resource's module figures taken from a fab module design.

A scenario may name, for a catalog resource, a fab file and one of its ``designs``
(:mod:`fabnet.fab.design`); the planner then takes that resource's EUV scanners per kwspm and/or
capex per kwspm from the design's module bill instead of the catalog::

    fab_designs:
      - {resource: N3, fab: example-3fab, design: n3-module, use: [euv, capex]}

``fab`` is a built-in fab file's name or a path relative to the scenario file naming it (made
absolute when the file is read, :func:`absolute_fab_paths`). :func:`fab_design_issues` checks
each link against the catalog and the fab file: an unknown resource, a fab file that does not
load, an unknown design, a design made for another resource, a design whose route cannot be
equipped — each located at its line, as the scenario's other references are.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from fabnet.exceptions import ParameterError, ScenarioError, ScenarioIssue, render_value
from fabnet.scenario._base import Id, _Model
from fabnet.scenario._located import LDict, LList, checked_path

if TYPE_CHECKING:
    from fabnet.catalog import Catalog
    from fabnet.fab import FabSpec
    from fabnet.scenario._check import Locator
    from fabnet.scenario._located import Path_

__all__ = ["FabDesignLink", "absolute_fab_paths", "fab_design_issues"]

#: What a link may take from its design: EUV scanners and capex per kwspm.
Use = Literal["euv", "capex"]
#: Adds an issue at a path of the scenario.
Add = Callable[["Path_", str, Any], None]


def _both() -> list[Use]:
    return ["euv", "capex"]


class FabDesignLink(_Model):
    """A resource whose module figures come from a fab module design, not the catalog."""

    resource: Id = Field(description="The catalog resource (N3…) whose figures change.")
    fab: Annotated[str, Field(min_length=1, max_length=4096)] = Field(
        description="A built-in fab file's name (example-3fab) or a path to one, relative to"
        " this file."
    )
    design: Id = Field(description="The id of one of the fab file's designs.")
    use: Annotated[list[Use], Field(min_length=1, max_length=2)] = Field(
        default_factory=_both,
        description="What the design gives: 'euv' (euv_tools_per_kwspm) and/or 'capex'"
        " (capex_musd_per_kwspm); the rest stays the catalog's.",
    )

    @field_validator("use")
    @classmethod
    def _once(cls, value: list[Use]) -> list[Use]:
        if len(set(value)) != len(value):
            raise ValueError(f"names a figure twice (got {value})")
        return value


def _is_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def absolute_fab_paths(data: LDict, base: Path) -> list[ScenarioIssue]:
    """Make each ``fab_designs[].fab`` path absolute from ``base`` (the folder of the file
    naming it), in place, so that it still points at its file once merged into a file that
    extends this one; built-in names are left as they are."""
    links = data.get("fab_designs")
    if not isinstance(links, LList):
        return []
    issues: list[ScenarioIssue] = []
    for i, link in enumerate(links):
        fab = link.get("fab") if isinstance(link, LDict) else None
        if not isinstance(fab, str) or not _is_path(fab):
            continue
        loc = link.key_locs.get("fab", link.loc)
        try:
            link["fab"] = str(checked_path(base / fab, "fab file", loc, f"fab_designs[{i}].fab"))
        except ScenarioError as exc:
            issues += exc.issues
    return issues


def fab_design_issues(data: LDict, catalog: Catalog, locator: Locator) -> list[ScenarioIssue]:
    """Every problem of the scenario's ``fab_designs`` (a merged, located tree), located."""
    from fabnet.scenario._check import dotted

    links = data.get("fab_designs")
    if not isinstance(links, list):
        return []
    issues: list[ScenarioIssue] = []

    def add(path: Path_, message: str, got: Any = None) -> None:
        loc, _ = locator.find(path)
        shown = None if got is None else render_value(got)
        issues.append(ScenarioIssue(loc.file, loc.line, dotted(path), message, shown))

    resources = sorted(catalog.ids("resources"))
    first: dict[str, int] = {}
    fabs: dict[str, FabSpec | None] = {}
    for i, link in enumerate(links):
        if not isinstance(link, dict):
            continue  # the schema says what is wrong
        path: Path_ = ("fab_designs", i)
        resource = link.get("resource")
        if isinstance(resource, str):
            if resource not in resources:
                add(
                    (*path, "resource"), _unknown("catalog resource", resource, resources), resource
                )
            elif resource in first:
                add(
                    (*path, "resource"),
                    f"a second design for this resource (first at fab_designs[{first[resource]}])",
                    resource,
                )
            else:
                first[resource] = i
        fab, design = link.get("fab"), link.get("design")
        if not isinstance(fab, str) or not fab:
            continue
        if fab not in fabs:
            fabs[fab] = _load(fab, (*path, "fab"), add, issues)
        spec = fabs[fab]
        if spec is not None and isinstance(design, str):
            _design(spec, design, resource, (*path, "design"), catalog=catalog, add=add)
    return issues


def _design(
    spec: FabSpec, design: str, resource: Any, path: Path_, *, catalog: Catalog, add: Add
) -> None:
    """``design`` is one of ``spec``'s, made for ``resource``, and its module can be equipped."""
    known = [d.id for d in spec.designs]
    if design not in known:
        add(path, _unknown(f"design of fab file {spec.name!r}", design, known), design)
        return
    made = spec.designs[known.index(design)].resource
    if isinstance(resource, str) and made is not None and made != resource:
        add(
            path,
            f"this design makes {made}, not {resource} (its resource in fab file {spec.name!r})",
            design,
        )
    from fabnet.fab.design import module_bill

    try:
        module_bill(spec, design, catalog=catalog)
    except ParameterError as exc:
        add(path, f"its module cannot be equipped: {exc}", design)


def _unknown(what: str, value: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(value, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
    return f"unknown {what}{hint} (known: {shown or 'none'})"


def _load(fab: str, path: Path_, add: Add, issues: list[ScenarioIssue]) -> FabSpec | None:
    """The fab file ``fab``; None, with its problems added after one at ``path``, if it does
    not load."""
    from fabnet.fab import load_fab

    try:
        return load_fab(fab)
    except ScenarioError as exc:
        located = [i for i in exc.issues if i.line is not None]
        if located:
            add(path, "the fab file has problems (each listed at its own file and line)", fab)
            issues.extend(located)
        for issue in exc.issues:
            if issue.line is None:  # the file as a whole (missing, unreadable): said here
                where = f" {issue.loc}:" if issue.loc else ""
                add(path, f"{where.strip()} {issue.message}".strip(), fab)
        return None

"""``fab_designs:``: a network resource's module figures taken from a fab module design.

A scenario may name, for a catalog resource, a fab file and one of its ``designs``
(:mod:`fabnet.fab.design`); the planner then takes that resource's EUV scanners per kwspm and/or
capex per kwspm from the design's module bill instead of the catalog::

    fab_designs:
      - {resource: N3, fab: example-3fab, design: n3-module, use: [euv, capex]}

``fab`` is a built-in fab file's name or a path relative to the scenario file naming it (made
absolute when the file is read, :func:`absolute_fab_paths`). :func:`check_fab_designs` checks
each link against the catalog and the fab file: an unknown resource, a fab file that does not
load, an unknown design, a design made for another resource, a design whose route cannot be
equipped — each located at its line, as the scenario's other references are.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from fabnet.exceptions import ParameterError, ScenarioError, ScenarioIssue
from fabnet.scenario._base import Id, _Model
from fabnet.scenario._located import LDict, LList, checked_path

if TYPE_CHECKING:
    from fabnet.catalog import Catalog
    from fabnet.fab import FabSpec
    from fabnet.scenario._check import _References
    from fabnet.scenario._located import Path_

__all__ = ["FabDesignLink", "absolute_fab_paths", "check_fab_designs"]

#: What a link may take from its design: EUV scanners and capex per kwspm.
Use = Literal["euv", "capex"]


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


def check_fab_designs(refs: _References, catalog: Catalog) -> None:
    """Every problem of the scenario's ``fab_designs`` (a merged, located tree), added to
    ``refs`` (the scenario's reference checks) at its line."""
    first: dict[str, int] = {}
    fabs: dict[str, FabSpec | None] = {}
    for i, link in refs.section("fab_designs"):
        path: Path_ = ("fab_designs", i)
        resource = link.get("resource")
        refs.ref((*path, "resource"), resource, refs.resources, "catalog resource")
        if isinstance(resource, str) and resource in first:
            refs.add(
                (*path, "resource"),
                f"a second design for this resource (first at fab_designs[{first[resource]}])",
                resource,
            )
        elif isinstance(resource, str):
            first[resource] = i
        fab, design = link.get("fab"), link.get("design")
        if not isinstance(fab, str) or not fab:
            continue  # the schema says what is wrong
        if fab not in fabs:
            fabs[fab] = _load(fab, (*path, "fab"), refs)
        spec = fabs[fab]
        if spec is not None and isinstance(design, str):
            # An unknown resource is said once, not again as the design's mismatch.
            made_for = resource if resource in refs.resources else None
            _design(spec, design, made_for, (*path, "design"), refs=refs, catalog=catalog)


def _design(
    spec: FabSpec, design: str, resource: Any, path: Path_, *, refs: _References, catalog: Catalog
) -> None:
    """``design`` is one of ``spec``'s, made for ``resource``, and its module can be equipped."""
    known = [d.id for d in spec.designs]
    if design not in known:
        refs.ref(path, design, known, f"design of fab file {spec.name!r}")
        return
    made = spec.designs[known.index(design)].resource
    if isinstance(resource, str) and made is not None and made != resource:
        refs.add(
            path,
            f"this design makes {made}, not {resource} (its resource in fab file {spec.name!r})",
            design,
        )
    from fabnet.fab.design import module_bill

    try:
        module_bill(spec, design, catalog=catalog)
    except ParameterError as exc:
        refs.add(path, f"its module cannot be equipped: {exc}", design)


def _load(fab: str, path: Path_, refs: _References) -> FabSpec | None:
    """The fab file ``fab``; None, with its problems added after one at ``path``, if it does
    not load."""
    from fabnet.fab import load_fab

    try:
        return load_fab(fab)
    except ScenarioError as exc:
        located = [i for i in exc.issues if i.line is not None]
        if located:
            refs.add(path, "the fab file has problems (each listed at its own file and line)", fab)
            refs.issues.extend(located)
        for issue in exc.issues:
            if issue.line is None:  # the file as a whole (missing, unreadable): said here
                refs.add(path, f"{issue.loc}: {issue.message}" if issue.loc else issue.message, fab)
        return None

"""From a merged, located tree to a validated :class:`Scenario`, and back to plain data.

:func:`validate_tree` is what :func:`fabnet.scenario.load_scenario` runs once a file (or mapping)
is read and merged, and what :meth:`Scenario.with_changes` runs on a changed scenario, so that
both are checked alike: catalog defaults, references, the schema, then what a later stage would
refuse (:mod:`fabnet.scenario._feasible`).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from fabnet.catalog import Catalog
from fabnet.exceptions import ScenarioError, ScenarioIssue
from fabnet.scenario._check import Locator, reference_issues, schema_issues
from fabnet.scenario._feasible import feasibility_issues
from fabnet.scenario._located import LDict, LList
from fabnet.scenario._resolve import apply_catalog
from fabnet.scenario._schema import ENTITY_SECTIONS, Scenario


def validate_tree(data: LDict, catalog: Catalog) -> Scenario:
    """Fill catalog defaults into ``data`` (in place) and validate it.

    Raises
    ------
    ScenarioError
        With every problem found, each located by file, line and dotted field.
    """
    apply_catalog(data, catalog)
    locator = Locator(data)
    issues = reference_issues(data, catalog, locator)
    for section in ENTITY_SECTIONS:
        holder: Any = data
        for part in section[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        items = holder.get(section[-1]) if isinstance(holder, dict) else None
        if isinstance(items, LList):
            kept = [i for i in items if not (isinstance(i, dict) and i.get("remove") is True)]
            holder[section[-1]] = kept
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        issues = schema_issues(exc, data, locator) + issues
    if not issues:
        # What a later stage would refuse is refused now, with its line.
        issues = feasibility_issues(scenario, catalog, locator)
    if issues:
        raise ScenarioError(sorted(issues, key=_order))
    return scenario


def _order(issue: ScenarioIssue) -> tuple[str, int]:
    return (issue.file or "", issue.line or 0)


def plain(value: Any) -> Any:
    """Tuples to lists, recursively, for YAML."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def standalone_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data that loads back to it: everything explicit, nothing
    extended, and of ``finance`` only the settings chosen (a default loan tenor longer than a
    short horizon would otherwise read back as an error; the defaults apply again on load)."""
    data: dict[str, Any] = plain(scenario.model_dump(mode="python", exclude_none=True))
    data.pop("extends", None)
    if not data.get("fab_designs"):
        data.pop("fab_designs", None)  # none: the YAML of every scenario without one unchanged
    finance = plain(
        scenario.finance.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    )
    if finance:
        data["finance"] = finance
    else:
        data.pop("finance", None)
    return data

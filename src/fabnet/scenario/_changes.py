"""Changing a scenario in code, checked as a file is: :meth:`Scenario.with_changes`.

A change names a setting by its dotted path and gives its new value::

    scenario.with_changes({"policy.regional_caps.TW": 0.3, "finance.discount_rate": 0.08})

A path goes through the scenario's sections and fields (``policy.discount_rate``), through
mappings by key (``policy.regional_caps.TW``, ``demand.installed.table.2030``) and through lists
by an item's ``id`` or by its index (``sites.tw-chiayi.power_mw``, ``sites.0.power_mw`` or
``sites[0].power_mw``, ``policy.ramp_profile.0``). The value replaces what is there (a mapping or
a list whole; a pydantic model counts as its fields); ``None`` removes it, as ``null`` does in a
file that extends another: a field then takes its default (or the catalog's figure), an item
leaves its list. Changes apply in the order given.

The changed scenario is then validated exactly as a file is (:func:`fabnet.scenario.load_scenario`:
catalog defaults, references, the schema, then what a later stage would refuse), and every
problem is reported as for a file, at ``<changes>`` where the value came from a change:
``<changes>: policy.regional_caps.TW: must be less than or equal to 1 (got 7.0)``. A path that
leads nowhere is refused before, naming the path and the keys allowed there.

pydantic's own ``scenario.model_copy(update=...)`` checks nothing: it is for code that knows its
values are valid (or wants them not to be, in a test). Change scenarios with ``with_changes``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

import numpy as np
from pydantic import BaseModel

from fabnet.exceptions import ParameterError, ScenarioError, ScenarioIssue, render_value
from fabnet.scenario._check import _message, _pick
from fabnet.scenario._located import LDict, LList, Loc, locate
from fabnet.scenario._resolve import follow_extends
from fabnet.scenario._schema import Scenario
from fabnet.scenario._validate import standalone_data, validate_tree

if TYPE_CHECKING:
    from fabnet.catalog import Catalog

__all__ = ["CHANGES", "with_changes"]

#: Where an issue with a changed value says it is (the "file" of the changes).
CHANGES = "<changes>"
_AT = Loc(CHANGES, None)
#: The note an entity's catalog ``source`` gets once a change reaches it (as a file's do).
_CHANGED = " (with scenario changes)"


def with_changes(
    scenario: Scenario, changes: Mapping[str, Any], *, catalog: Catalog | None = None
) -> Scenario:
    """A new scenario: ``scenario`` with ``changes`` applied, validated as a file is.

    Parameters
    ----------
    scenario : Scenario
        The scenario to change; it is left as it is.
    changes : mapping of str to any
        Dotted path → new value (``None`` removes it); see :mod:`fabnet.scenario._changes`.
    catalog : Catalog, optional
        The reference catalog for defaults and references (default: the packaged one).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If a path leads nowhere (naming the keys allowed there), or the changed scenario is
        invalid (every problem, as :func:`fabnet.scenario.load_scenario` reports a file's).
    ParameterError
        If ``changes`` is not a mapping.

    Examples
    --------
    >>> from fabnet.scenario import load_scenario
    >>> base = load_scenario("altman-2024")
    >>> base.with_changes({"policy.regional_caps.TW": 0.3}).policy.regional_caps["TW"]
    0.3
    >>> base.with_changes({"policy.regional_caps.TW": 7.0})
    Traceback (most recent call last):
    ...
    fabnet.exceptions.ScenarioError: 1 problem in the scenario:
    <changes>: policy.regional_caps.TW: must be less than or equal to 1 (got 7.0)
    """
    from fabnet.catalog import load_catalog

    if not isinstance(changes, Mapping):
        raise ParameterError("changes", "a mapping of dotted paths to values", changes)
    data = locate(standalone_data(scenario), Loc(None, None))
    issues = [issue for path, value in changes.items() if (issue := _apply(data, path, value))]
    if issues:
        raise ScenarioError(issues)
    # As a mapping given to load_scenario: table paths read from the working folder.
    data = follow_extends(data, Path.cwd(), CHANGES)
    return validate_tree(data, catalog or load_catalog())


class _NowhereError(Exception):
    """A path that leads nowhere: where (the path so far) and why."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


def _apply(data: LDict, path: Any, value: Any) -> ScenarioIssue | None:
    """Set ``path`` to ``value`` in ``data`` (in place); the issue if the path leads nowhere."""
    parts = _parts(path)
    if parts is None:
        return ScenarioIssue(
            CHANGES,
            None,
            "",
            "a change is named by a dotted path such as 'policy.discount_rate'",
            render_value(path),
        )
    try:
        _set(data, parts, value)
    except _NowhereError as nowhere:
        message = nowhere.message
        if nowhere.where != path:
            message += f" (in the change {path!r})"
        return ScenarioIssue(CHANGES, None, nowhere.where, message)
    return None


def _parts(path: Any) -> list[str] | None:
    """``"sites[0].power_mw"`` → ``["sites", "0", "power_mw"]``; None if it is no path."""
    if not isinstance(path, str):
        return None
    parts = re.sub(r"\[([^\[\]]*)\]", r".\1", path).split(".")
    if not all(p.strip() for p in parts):
        return None
    return parts


def _set(data: LDict, parts: list[str], value: Any) -> None:
    """Walk ``parts`` down the data and the schema together, then set (or remove) the value."""
    annotation: Any = Scenario
    node: Any = data
    entity: LDict | None = None  # the last list item with an id passed through
    at = 0
    while True:
        kind = _pick(annotation, node)
        key, width, annotation = _step(kind, node, parts, at)
        at += width
        where = ".".join(parts[:at])
        if at == len(parts):
            break
        child = node[key] if _has(node, key) else None
        if child is None:
            child = LList(loc=_AT) if get_origin(_pick(annotation, [])) is list else LDict(loc=_AT)
            _put(node, key, child)
        elif not isinstance(child, dict | list):
            raise _NowhereError(
                where,
                f"holds a single value ({render_value(child)}), with no {parts[at]!r} under it;"
                " change it as a whole",
            )
        if isinstance(child, LDict) and isinstance(node, LList) and "id" in child:
            entity = child
        # A problem with the block as a whole (horizon: end_year must be after start_year)
        # is where its change is.
        _locate_at_changes(node, key)
        node = child
    if value is None:
        if _has(node, key):
            _remove(node, key)
    else:
        _put(node, key, locate(_plain_value(value), _AT))
    if entity is not None and not (len(parts) and parts[-1] == "source"):
        source = entity.get("source")
        if isinstance(source, str) and source.startswith("catalog:") and _CHANGED not in source:
            entity["source"] = source + _CHANGED


def _step(kind: Any, node: Any, parts: list[str], at: int) -> tuple[Any, int, Any]:
    """The key ``parts[at:]`` names in ``node`` (of schema type ``kind``), how many parts it
    takes (ids and keys may hold dots), and the schema type of the value under it."""
    part = parts[at]
    here = ".".join(parts[: at + 1])
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        fields = kind.model_fields
        if part not in fields:
            raise _NowhereError(here, _message({"type": "extra_forbidden"}, list(fields), part))
        return part, 1, fields[part].annotation
    origin, args = get_origin(kind), get_args(kind)
    if origin is list and isinstance(node, list):
        for width in range(len(parts) - at, 0, -1):
            ident = ".".join(parts[at : at + width])
            for index, item in enumerate(node):
                if isinstance(item, dict) and item.get("id") == ident:
                    return index, width, args[0] if args else Any
        if part.isdecimal() and int(part) < len(node):
            return int(part), 1, args[0] if args else Any
        raise _NowhereError(here, _no_item(node, part))
    if origin is dict and isinstance(node, dict):
        for width in range(len(parts) - at, 0, -1):
            name = ".".join(parts[at : at + width])
            for key in node:
                if str(key) == name:
                    return key, width, args[1] if len(args) == 2 else Any
        key_type = _pick(args[0], None) if args else str
        new: Any = int(part) if key_type is int and part.lstrip("-").isdecimal() else part
        return new, 1, args[1] if len(args) == 2 else Any
    where = ".".join(parts[:at])
    raise _NowhereError(
        here,
        f"{where} holds a single value ({render_value(node)}), with no {part!r} under it;"
        f" change {where} as a whole",
    )


def _no_item(items: list[Any], part: str) -> str:
    """Why ``part`` names no item of ``items``, with the ids and indices allowed."""
    if not items:
        return "no such item: the list is empty (change the list as a whole to add one)"
    ids = [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
    indices = f"an index 0–{len(items) - 1}"
    allowed = f"ids: {', '.join(ids)}; or {indices}" if ids else indices
    return f"no item with id or index {part!r} (allowed: {allowed})"


def _has(node: Any, key: Any) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


def _put(node: LDict | LList, key: Any, value: Any) -> None:
    """``node[key] = value``, located at the changes."""
    node[key] = value
    _locate_at_changes(node, key)


def _locate_at_changes(node: LDict | LList, key: Any) -> None:
    if isinstance(node, LDict):
        node.key_locs[key] = _AT
    else:
        node.item_locs[key] = _AT


def _remove(node: LDict | LList, key: Any) -> None:
    if isinstance(node, LDict):
        node.pop(key)
        node.key_locs.pop(key, None)
    else:
        del node[key]
        del node.item_locs[key]


def _plain_value(value: Any) -> Any:
    """A value as a file would hold it: models as their fields, tuples as lists, numpy
    scalars as Python numbers."""
    if isinstance(value, BaseModel):
        return _plain_value(value.model_dump(mode="python", exclude_none=True))
    if isinstance(value, Mapping):
        return {k: _plain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_value(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value

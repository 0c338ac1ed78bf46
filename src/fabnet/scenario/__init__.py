"""Scenarios: load, validate, save, and describe them (JSON Schema).

A scenario is one YAML file (optionally naming CSV/Parquet tables by relative path) that may
``extend`` a built-in scenario or another file. :func:`load_scenario` reads it, merges what it
extends, fills catalog defaults, and validates everything at once: a :class:`ScenarioError` lists
every problem as ``FILE:LINE: dotted.field: message (got VALUE)``.

Examples
--------
>>> from fabnet.scenario import load_scenario
>>> scenario = load_scenario("altman-2024")
>>> scenario.horizon.start_year, scenario.horizon.end_year
(2024, 2040)
>>> load_scenario(scenario.to_yaml()) == scenario
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from fabnet.catalog import Catalog, load_catalog
from fabnet.scenario._changes import with_changes
from fabnet.scenario._demand import (
    Demand,
    DemandLimits,
    InstalledCompute,
    Successors,
    interpolate,
)
from fabnet.scenario._fab_designs import FabDesignLink
from fabnet.scenario._finance import (
    Acquisition,
    Debt,
    EquityShares,
    Finance,
    Reservation,
    Strategies,
)
from fabnet.scenario._located import Loc, locate, parse_yaml
from fabnet.scenario._resolve import (
    builtin_names,
    follow_extends,
    read_chain,
)
from fabnet.scenario._schema import (
    ENTITY_SECTIONS,
    Fab,
    Horizon,
    Investor,
    Partner,
    Policy,
    Product,
    Scenario,
    Site,
    Solver,
    Subsidy,
    Supply,
)
from fabnet.scenario._summary import Row, included_fabs, provenance, summary
from fabnet.scenario._uncertainty import Uncertainty
from fabnet.scenario._validate import standalone_data, validate_tree

__all__ = [
    "Acquisition",
    "Debt",
    "Demand",
    "DemandLimits",
    "EquityShares",
    "Fab",
    "FabDesignLink",
    "Finance",
    "Horizon",
    "InstalledCompute",
    "Investor",
    "Partner",
    "Policy",
    "Product",
    "Reservation",
    "Row",
    "Scenario",
    "Site",
    "Solver",
    "Strategies",
    "Subsidy",
    "Successors",
    "Supply",
    "Uncertainty",
    "builtin_names",
    "included_fabs",
    "interpolate",
    "json_schema",
    "json_schema_text",
    "load_scenario",
    "provenance",
    "save_scenario",
    "scenario_to_yaml",
    "summary",
    "with_changes",
]


def load_scenario(
    source: str | Path | Mapping[str, Any], *, catalog: Catalog | None = None
) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source : str, Path or mapping
        A built-in scenario name (``"altman-2024"``), a path to a YAML file, YAML text (a string
        with a newline), or a mapping with the same content as a file.
    catalog : Catalog, optional
        The reference catalog giving defaults and the ids that may be referenced (default: the
        packaged one).

    Returns
    -------
    Scenario
        The merged, validated scenario; ``extends`` is resolved (and so ``None``).

    Raises
    ------
    ScenarioError
        With every problem found, each located by file, line and dotted field.
    """
    catalog = catalog or load_catalog()
    # Text and mappings given in Python resolve their relative paths from the working folder.
    if isinstance(source, Mapping):
        data = follow_extends(locate(dict(source), Loc(None, None)), Path.cwd(), "<mapping>")
    elif isinstance(source, str) and "\n" in source:
        data = follow_extends(parse_yaml(source, "<text>"), Path.cwd(), "<text>")
    else:
        data = read_chain(source)
    return validate_tree(data, catalog)


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as standalone YAML: everything explicit, nothing extended."""
    data = standalone_data(scenario)
    header = (
        f"# fabnet scenario {scenario.name!r}: standalone (extends resolved, catalog"
        " defaults written out)\n"
    )
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: the same text, 3× faster
    return header + yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write :func:`scenario_to_yaml` to ``path`` atomically (:func:`fabnet.outputs.write_atomic`:
    the old file or the new one, never a part); returns the path."""
    from fabnet.outputs import write_atomic

    return write_atomic(path, scenario_to_yaml(scenario))


def _table_or(schema: dict[str, Any], what: str) -> dict[str, Any]:
    table = {
        "type": "string",
        "pattern": r"\.(csv|parquet)$",
        "description": f"Path (relative to this file) of a CSV/Parquet table of {what}.",
    }
    return {
        "anyOf": [schema, table],
        **({"description": schema["description"]} if "description" in schema else {}),
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (tables allowed where the loader accepts them)."""
    schema = Scenario.model_json_schema()
    defs = schema["$defs"]
    installed = defs["InstalledCompute"]["properties"]
    installed["table"] = _table_or(installed["table"], "year, installed_h100e")
    demand = defs["Demand"]["properties"]
    demand["mix"] = _table_or(demand["mix"], "year, product, share")
    for section in ENTITY_SECTIONS:
        holder = schema if len(section) == 1 else defs[section[0].capitalize()]
        props = holder["properties"]
        props[section[-1]] = _table_or(props[section[-1]], f"{section[-1]} (one row each)")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def json_schema_text() -> str:
    """:func:`json_schema` as indented JSON text."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False)

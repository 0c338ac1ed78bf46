"""From a scenario file to one merged, located tree: ``extends``, tables, catalog defaults.

* ``extends:`` names a built-in scenario or a path (relative to the file). The file overrides
  what it extends: mappings are deep-merged (a ``null`` value removes the inherited key, as in
  JSON Merge Patch), entity lists are merged by ``id`` (an item ``{id: X, remove: true}`` drops an
  inherited entity), and every other value is replaced.
* Table paths (see :mod:`fabnet.scenario._tables`) are read relative to the file naming them.
* An entity whose ``id`` is in the matching catalog table takes the catalog's figures as defaults;
  products named by the demand mix (or as parts) but not listed come from the catalog whole.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from fabnet.catalog import Catalog
from fabnet.exceptions import ScenarioError, ScenarioIssue, render_value
from fabnet.scenario._fab_designs import absolute_fab_paths
from fabnet.scenario._located import LDict, LList, Loc, checked_path, parse_yaml, read_text
from fabnet.scenario._schema import ENTITY_SECTIONS
from fabnet.scenario._tables import TABLE_SUFFIXES, entity_table, installed_table, mix_table

#: Entity section → catalog table whose rows give defaults.
CATALOG_OF: dict[tuple[str, ...], str] = {
    ("products",): "accelerators",
    ("sites",): "sites",
    ("partners",): "partners",
    ("investors",): "investors",
    ("subsidies",): "subsidies",
}
_MAX_EXTENDS_DEPTH = 16

#: Reads the tables a document names (beyond its entity sections) into located data, in place;
#: called with the document's tree and the folder its relative paths start from.
TableReader = Callable[["LDict", Path], list[ScenarioIssue]]


@dataclass(frozen=True)
class Document:
    """A kind of YAML document read the scenario's way: ``extends``, tables, merges by id.

    Attributes
    ----------
    what : str
        What one is called in messages ("scenario", "fab file").
    package : str
        The package whose ``*.yaml`` files are the built-in documents of this kind.
    sections : mapping of tuple of str to pydantic model
        Entity lists (merged by ``id`` over what is extended; a table path gives one entity per
        row), by their path in the document.
    tables : callable, optional
        Reads the document's other tables (:data:`TableReader`).
    """

    what: str
    package: str
    sections: Mapping[tuple[str, ...], type[BaseModel]] = field(default_factory=dict)
    tables: TableReader | None = None

    def builtin_names(self) -> list[str]:
        """Names of the documents of this kind shipped with fabnet."""
        folder = resources.files(self.package)
        return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))

    def builtin_text(self, name: str) -> str:
        """The YAML text of a built-in document."""
        return resources.files(self.package).joinpath(f"{name}.yaml").read_text("utf-8")

    def builtin_folder(self) -> Path:
        """The folder of the built-in documents: their table paths start there."""
        return Path(str(resources.files(self.package)))

    def unknown(self, name: str) -> str:
        """The message for a name that is no built-in document."""
        return (
            f"no built-in {self.what} named {name!r} (built-in:"
            f" {', '.join(self.builtin_names())}; or give a path ending in .yaml)"
        )


def _scenario_tables(data: LDict, base: Path) -> list[ScenarioIssue]:
    issues = absolute_fab_paths(data, base)
    demand = data.get("demand")
    if isinstance(demand, LDict):
        installed = demand.get("installed")
        if isinstance(installed, LDict):
            issues += inline_table(
                installed, "table", "demand.installed.table", installed_table, base
            )
        issues += inline_table(demand, "mix", "demand.mix", mix_table, base)
    return issues


#: The scenario: built-ins in :mod:`fabnet.scenarios`.
SCENARIO = Document("scenario", "fabnet.scenarios", ENTITY_SECTIONS, _scenario_tables)


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with fabnet."""
    return SCENARIO.builtin_names()


def builtin_text(name: str) -> str:
    """The YAML text of a built-in scenario."""
    return SCENARIO.builtin_text(name)


def _is_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def _list_fields(model: type[BaseModel]) -> frozenset[str]:
    """Fields whose type is a list (split on ';' in tables)."""
    out = set()
    for name, info in model.model_fields.items():
        types = [info.annotation, *get_args(info.annotation)]
        if any(get_origin(t) is list for t in types):
            out.add(name)
    return frozenset(out)


def _issue(loc: Loc, path: str, message: str, got: Any = None) -> ScenarioIssue:
    return ScenarioIssue(
        loc.file, loc.line, path, message, None if got is None else render_value(got)
    )


def inline_table(
    holder: LDict, key: str, dotted: str, reader: Callable[[Path, Loc], Any], base: Path
) -> list[ScenarioIssue]:
    """Replace the table path at ``holder[key]`` (relative to ``base``) by what ``reader`` makes
    of the table, in place; a value that is not a string is left alone."""
    value = holder.get(key)
    if not isinstance(value, str):
        return []
    loc = holder.key_locs.get(key, holder.loc)
    if not value.lower().endswith(TABLE_SUFFIXES):
        return [_issue(loc, dotted, "a table path must end in .csv or .parquet", value)]
    try:
        holder[key] = reader(checked_path(base / value, "table", loc, dotted), loc)
    except ScenarioError as exc:
        return list(exc.issues)
    return []


def _entities(path: Path, loc: Loc, fields: frozenset[str]) -> LList:
    return entity_table(path, loc, fields)


def _inline_tables(data: LDict, base: Path, doc: Document) -> list[ScenarioIssue]:
    """Replace table paths by the tables' contents (located), in place."""
    issues = doc.tables(data, base) if doc.tables is not None else []
    for section, model in doc.sections.items():
        holder: Any = data
        for part in section[:-1]:
            holder = holder.get(part) if isinstance(holder, LDict) else None
        if isinstance(holder, LDict):
            fields = _list_fields(model)
            issues += inline_table(
                holder,
                section[-1],
                ".".join(section),
                functools.partial(_entities, fields=fields),
                base,
            )
    return issues


def read_chain(ref: str | Path, seen: tuple[str, ...] = (), doc: Document = SCENARIO) -> LDict:
    """Read a document (a file or built-in name) and everything it extends, merged."""
    if isinstance(ref, Path) or _is_path(ref):
        path = Path(ref)
        resolved = checked_path(path, doc.what)
        key = str(resolved)
        file = str(path)
        text = read_text(path, doc.what)
        base = resolved.parent
    else:
        if ref not in doc.builtin_names():
            raise ScenarioError([ScenarioIssue(None, None, "", doc.unknown(ref))])
        key = f"builtin:{ref}"
        file = f"<built-in {ref}>"
        text = doc.builtin_text(ref)
        base = Path.cwd() if doc is SCENARIO else doc.builtin_folder()
    return follow_extends(parse_yaml(text, file), base, key, seen, doc)


def follow_extends(
    data: LDict, base: Path, key: str, seen: tuple[str, ...] = (), doc: Document = SCENARIO
) -> LDict:
    """Inline ``data``'s tables (paths relative to ``base``) and merge it over what it extends.

    ``key`` identifies ``data``'s source for cycle detection; ``seen`` holds the sources that
    led here; ``doc`` says what kind of document it is.
    """
    issues = _inline_tables(data, base, doc)
    if issues:
        raise ScenarioError(issues)
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data
    loc = data.key_locs.get("extends", data.loc)
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise ScenarioError(
            [_issue(loc, "extends", f"must be a built-in {doc.what} name or a path", parent_ref)]
        )
    if _is_path(parent_ref):
        parent: str | Path = checked_path(base / parent_ref, doc.what, loc, "extends")
        parent_key = str(parent)
    elif parent_ref not in doc.builtin_names():
        raise ScenarioError(
            [
                _issue(
                    loc,
                    "extends",
                    f"no built-in {doc.what} of that name (built-in:"
                    f" {', '.join(doc.builtin_names())}; or give a path ending in .yaml)",
                    parent_ref,
                )
            ]
        )
    else:
        parent = parent_ref
        parent_key = f"builtin:{parent_ref}"
    chain = (*seen, key)
    if parent_key in chain:
        cycle = " → ".join([*chain[chain.index(parent_key) :], parent_key])
        raise ScenarioError([_issue(loc, "extends", f"extends itself in a cycle: {cycle}")])
    if len(chain) >= _MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [_issue(loc, "extends", f"extends more than {_MAX_EXTENDS_DEPTH} files deep")]
        )
    try:
        base_data = read_chain(parent, chain, doc)
    except ScenarioError as exc:
        # Say which file asked for the parent, then what went wrong in it.
        raise ScenarioError(
            [
                _issue(
                    loc,
                    "extends",
                    f"the {doc.what} it extends has problems (listed below)",
                    parent_ref,
                ),
                *exc.issues,
            ]
        ) from None
    merged: LDict = merge(base_data, data, (), doc.sections)
    merged.pop("extends", None)
    return merged


def merge(
    base: Any,
    over: Any,
    path: tuple[str, ...],
    sections: Mapping[tuple[str, ...], Any] = ENTITY_SECTIONS,
) -> Any:
    """``over`` on top of ``base``: mappings deep-merged, lists at ``sections`` merged by id."""
    if isinstance(base, LDict) and isinstance(over, LDict):
        out = LDict(base, loc=over.loc)
        out.key_locs = dict(base.key_locs)
        for key, value in over.items():
            if value is None:
                out.pop(key, None)
                out.key_locs.pop(key, None)
                continue
            out[key] = merge(base.get(key), value, (*path, str(key)), sections)
            out.key_locs[key] = over.key_locs.get(key, over.loc)
        return out
    if path in sections and isinstance(base, LList) and isinstance(over, LList):
        return _merge_entities(base, over, path, sections)
    return over


def _merge_entities(
    base: LList, over: LList, path: tuple[str, ...], sections: Mapping[tuple[str, ...], Any]
) -> LList:
    out = LList(loc=over.loc)
    index: dict[Any, int] = {}
    for item, loc in zip(base, base.item_locs, strict=True):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            index[item["id"]] = len(out)
        out.append(item)
        out.item_locs.append(loc)
    removed: set[int] = set()
    for item, loc in zip(over, over.item_locs, strict=True):
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str) and ident in index:
            at = index[ident]
            if item.get("remove") is True:
                removed.add(at)
                continue
            out[at] = merge(out[at], item, path, sections)
            out.item_locs[at] = loc
        elif isinstance(item, dict) and item.get("remove") is True:
            # Dropping something that is not there: leave it for the checks to report.
            out.append(item)
            out.item_locs.append(loc)
        else:
            out.append(item)
            out.item_locs.append(loc)
    kept = LList([v for i, v in enumerate(out) if i not in removed], loc=over.loc)
    kept.item_locs = [v for i, v in enumerate(out.item_locs) if i not in removed]
    return kept


def _catalog_entity(catalog: Catalog, table: str, ident: str, loc: Loc) -> LDict:
    """A catalog entry as located scenario data (lists as lists), sourced to the catalog."""
    entry: dict[str, Any] = {
        k: list(v) if isinstance(v, tuple) else v for k, v in catalog.get(table, ident).items()
    }
    # Whole numbers stay whole so that integer fields validate.
    entry = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in entry.items()}
    out = LDict(loc=loc)
    out["id"] = ident
    out.key_locs["id"] = loc
    for key, value in entry.items():
        out[key] = LList(value, loc=loc) if isinstance(value, list) else value
        out.key_locs[key] = loc
    out["source"] = f"catalog:{table}/{ident}"
    out.key_locs["source"] = loc
    return out


def apply_catalog(data: LDict, catalog: Catalog) -> None:
    """Fill entities from the catalog (in place); the scenario's own fields win."""
    for section, table in CATALOG_OF.items():
        items = data.get(section[0])
        if not isinstance(items, LList):
            continue
        known = set(catalog.ids(table))
        for index, item in enumerate(items):
            ident = item.get("id") if isinstance(item, LDict) else None
            if not isinstance(ident, str) or ident not in known:
                continue
            base = _catalog_entity(catalog, table, item["id"], items.item_locs[index])
            merged = merge(base, item, section)
            if item.keys() - {"id", "source"} and "source" not in item:
                merged["source"] = f"catalog:{table}/{item['id']} (with scenario changes)"
            items[index] = merged
    _add_catalog_products(data, catalog)


def _add_catalog_products(data: LDict, catalog: Catalog) -> None:
    """Add catalog products the mix (or a product's parts) names but ``products`` lacks."""
    demand = data.get("demand")
    mix = demand.get("mix") if isinstance(demand, LDict) else None
    if not isinstance(mix, dict):
        return
    products = data.get("products")
    if products is None:
        products = LList(loc=data.loc)
        data["products"] = products
        data.key_locs["products"] = data.loc
    if not isinstance(products, LList):
        return
    listed = {p["id"] for p in products if isinstance(p, dict) and isinstance(p.get("id"), str)}
    wanted = [p for p in mix if isinstance(p, str)]
    known = set(catalog.ids("accelerators"))
    for item in products:
        if isinstance(item, dict) and isinstance(item.get("parts"), list):
            wanted += [p for p in item["parts"] if isinstance(p, str)]
    while wanted:
        ident = wanted.pop(0)
        if ident in listed or ident not in known:
            continue
        loc = mix.key_locs.get(ident, products.loc) if isinstance(mix, LDict) else products.loc
        entity = _catalog_entity(catalog, "accelerators", ident, loc)
        products.append(entity)
        products.item_locs.append(loc)
        listed.add(ident)
        parts = entity.get("parts")
        if isinstance(parts, list):
            wanted += parts

"""Every result of fabnet kept, combined and read the same way.

Each result (:class:`~fabnet.outlook.GapResult`, :class:`~fabnet.outlook.Backcast`,
:class:`~fabnet.planning.Plan`, :class:`~fabnet.finance.Financials`,
:class:`~fabnet.finance.Comparison`, :class:`~fabnet.risk.RiskResult`,
:class:`~fabnet.planning.StochasticPlan`) is a :class:`Result`:

* ``result.to_xarray()`` — one labelled :class:`xarray.Dataset` (below);
* ``result.to_netcdf(path)`` — that Dataset as one netCDF4 file (HDF5, through h5netcdf: the
  ``netcdf`` extra);
* ``result.save(folder, format="parquet" | "csv" | "netcdf")`` — a result folder, written whole
  or not at all with a manifest (:func:`fabnet.outputs.result_folder`); ``result.to_csv(folder)``
  is ``save(folder, format="csv")``;
* :func:`open_result` reads any of them back: the same tables with the same types, index and
  values, bit for bit (``tests/test_results.py`` checks every result type in every format);
* ``result.headline()`` — the figures a command prints first, JSON-ready (``--json``);
* a short ``repr`` and an HTML one for Jupyter.

Layout
------
A result is a tree of *parts* (:class:`Parts`): named tables (pandas DataFrames), JSON-ready
settings (``meta``), the scenario, xarray Datasets (a risk analysis's samples), and nested
results (a financials' plan; a comparison's plans, one per strategy). Every table of the tree
has a flat name, its path joined by dots (``plan.builds``, ``plans.own-build.capacity``).

In a folder, each table is one file (``plan.builds.parquet``), with ``result.json`` (the tree,
the types of every column and the meta) and each distinct scenario once
(``scenario-<sha256>.yaml``). In the Dataset, each table's columns are variables named
``<table>_<column>`` (dots and dashes as ``_``) with a ``units`` attribute read off the column
name (``capex_musd`` → ``musd``). A table whose index is a full grid of named levels (the fan's
``year × quantile``) is stored on those dimensions — shared by name with every other table on the
same coordinates, so ``ds.fan_delivered_h100e.sel(quantile=0.5)`` works; any other table lies on
its own row dimension ``<table>``, its index levels as coordinates ``<table>_<level>``. The
Dataset's attributes carry the fabnet version, the kind of result, the scenario's name and
SHA-256 and the catalog's SHA-256; the variables ``fabnet_layout`` (the tree) and
``fabnet_scenario_<n>`` (the scenarios' YAML) let :func:`open_result` rebuild the result.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeVar, cast

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import xarray as xr

    from fabnet.scenario import Scenario

__all__ = [
    "FORMATS",
    "RESULT_CLASSES",
    "Format",
    "Parts",
    "Result",
    "Stored",
    "open_result",
    "scenario_digest",
    "unit_of",
]

T = TypeVar("T")

#: The formats a result is saved in.
FORMATS = ("parquet", "csv", "netcdf")
Format = Literal["parquet", "csv", "netcdf"]

#: The class of each kind of result (and of each part that is not one), by import path, so that
#: reading a result imports only what it holds.
RESULT_CLASSES: dict[str, str] = {
    "gap": "fabnet.outlook.balance:GapResult",
    "backcast": "fabnet.outlook.history:Backcast",
    "plan": "fabnet.planning.result:Plan",
    "finance": "fabnet.finance.statements:Financials",
    "strategies": "fabnet.finance.strategies:Comparison",
    "risk": "fabnet.risk.analysis:RiskResult",
    "stochastic": "fabnet.planning.stochastic:StochasticPlan",
    "samples": "fabnet.risk.sampling:Samples",
    "fab-capacity": "fabnet.fab.capacity:Capacity",
    "fab-plan": "fabnet.fab.toolplan:ToolPlan",
}

#: Version of the layout below; a reader refuses a newer one.
LAYOUT_VERSION = 1
#: The layout file of a result folder, and the one file of a folder saved as netCDF.
LAYOUT_FILE = "result.json"
NETCDF_FILE = "result.nc"
#: The netCDF variable that holds the layout (JSON text).
LAYOUT_VARIABLE = "fabnet_layout"

#: Units read off a column name's suffix, longest suffix first (``units`` attribute in xarray).
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_usd_per_h100e", "USD/H100e"),
    ("_minutes_per_week", "min/week"),
    ("_wafers_per_week", "wafers/week"),
    ("_musd_per_year", "musd/year"),
    ("_wspm_years", "wspm·year"),
    ("_musd", "musd"),
    ("_wspm", "wspm"),
    ("_h100e", "H100e"),
    ("_usd", "USD"),
    ("_mm2", "mm2"),
    ("_m2", "m2"),
    ("_years", "year"),
    ("_months", "month"),
    ("_units", "units"),
    ("_share", "1"),
    ("_fraction", "1"),
    ("_seconds", "s"),
)


def unit_of(column: str) -> str | None:
    """The unit a column's name carries (``capex_musd`` → ``"musd"``), or None.

    >>> unit_of("capex_musd"), unit_of("shadow_price_usd_per_h100e"), unit_of("site")
    ('musd', 'USD/H100e', None)
    """
    for suffix, unit in UNIT_SUFFIXES:
        if column.endswith(suffix) or column == suffix[1:]:
            return unit
    return None


def scenario_digest(scenario: Scenario) -> str:
    """The SHA-256 of a scenario's standalone YAML (:meth:`Scenario.to_yaml`), hex."""
    return hashlib.sha256(scenario.to_yaml().encode("utf-8")).hexdigest()


@cache
def catalog_digest() -> str:
    """The SHA-256 of the packaged catalog's figures (every table, key, parameter, year, value,
    unit, source, date and kind), hex; computed once per process."""
    from fabnet.catalog import load_catalog

    catalog = load_catalog()
    digest = hashlib.sha256()
    for name in catalog.names():
        for figure in catalog.figures(name):
            digest.update(repr(figure).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Parts:
    """What a stored object is made of (:meth:`Stored._parts`).

    Attributes
    ----------
    tables : dict of str to DataFrame or None
        Its tables, by attribute name (None: an optional table that is absent).
    meta : dict
        JSON-ready settings and scalars (numbers, strings, lists, dicts, None; NaN allowed).
    scenario : Scenario or None
    datasets : dict of str to xarray.Dataset
        Labelled arrays kept as they are (a risk analysis's per-sample results).
    children : dict of str to Stored or None
        Nested stored objects (a plan inside financials; None: absent).
    keys : dict of str to tuple of str
        The key columns of tables that have a default index: stored as their index (so that
        xarray labels them: ``capacity_year``, or a shared ``year`` dimension for a full grid)
        and read back as columns, in their place.
    """

    tables: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    scenario: Scenario | None = None
    datasets: dict[str, xr.Dataset] = field(default_factory=dict)
    children: dict[str, Stored | None] = field(default_factory=dict)
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """The table *name* (which must be there)."""
        frame = self.tables[name]
        if frame is None:
            raise KeyError(f"table {name} is absent")
        return frame

    def child(self, name: str, cls: type[T]) -> T:
        """The nested object *name*, which must be a *cls*."""
        child = self.children[name]
        if not isinstance(child, cls):
            raise TypeError(f"{name} is a {type(child).__name__}, not a {cls.__name__}")
        return child


class Stored(ABC):
    """Something :func:`open_result` can rebuild: it says what it is made of and is made again
    from that. Subclasses set :attr:`KIND` (a key of :data:`RESULT_CLASSES`) and implement both
    methods (a class that lacks one cannot be instantiated)."""

    KIND: ClassVar[str] = ""

    @abstractmethod
    def _parts(self) -> Parts:
        """The parts of this object (see :class:`Parts`)."""

    @classmethod
    @abstractmethod
    def _from_parts(cls, parts: Parts) -> Self:
        """The object made again from :meth:`_parts`."""


class Result(Stored):
    """A result of fabnet: kept, read back and shown the same way (see the module)."""

    #: What the result is, for its repr ("Plan", "Gap", …).
    TITLE: ClassVar[str] = ""

    @abstractmethod
    def headline(self) -> dict[str, Any]:
        """The result's headline figures, JSON-ready (keys carry their units), as
        ``--json`` prints them."""

    # -- keeping -----------------------------------------------------------------------------

    def to_xarray(self) -> xr.Dataset:
        """The whole result as one labelled Dataset (see the module for its layout), with the
        result's own derived views (:meth:`_views`) beside its tables."""
        dataset = _to_dataset(_flatten(self))
        for name, view in self._views().items():
            aligned = view.reindex(
                {d: dataset.indexes[d] for d in view.dims if d in dataset.indexes}
            )
            dataset[name] = aligned
        return dataset

    def _views(self) -> dict[str, xr.DataArray]:
        """Arrays derived from the tables that xarray users want at hand (none by default);
        not read back by :func:`open_result` (the tables are)."""
        return {}

    def to_netcdf(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_xarray` as one netCDF4 file, atomically
        (:func:`fabnet.outputs.write_atomic`); returns the path. Needs h5netcdf (the ``netcdf``
        extra)."""
        from fabnet.outputs import write_atomic

        return write_atomic(path, _netcdf_bytes(self))

    def save(self, folder: str | os.PathLike[str], format: Format = "parquet") -> Path:
        """Write the result into *folder* as Parquet, CSV or netCDF, whole or not at all, with
        a manifest (:func:`fabnet.outputs.result_folder`); returns the folder.

        Raises
        ------
        ParameterError
            For a format not in :data:`FORMATS`.
        OutputPathError
            If *folder* cannot take a result (it holds other files, or another run writes it).
        """
        return save_result(self, folder, format)

    def to_csv(self, folder: str | os.PathLike[str]) -> Path:
        """:meth:`save` as CSV: one file per table, readable in a spreadsheet."""
        return self.save(folder, format="csv")

    # -- showing -----------------------------------------------------------------------------

    def _summary(self) -> list[tuple[str, str]]:
        """(label, value) lines of the repr: the headline figures, formatted (none for a result
        whose tables lack what they should hold: a repr never fails)."""
        try:
            headline = self.headline()
        except (KeyError, ValueError, TypeError, AttributeError, IndexError):
            return []
        return [(key, _shown(value)) for key, value in headline.items()]

    def _title(self) -> str:
        scenario = getattr(self, "scenario", None)
        if scenario is None:
            plan = getattr(self, "plan", None)
            scenario = getattr(plan, "scenario", None)
        name = getattr(scenario, "name", None)
        return f"<fabnet {self.TITLE or type(self).__name__}" + (f" of {name}>" if name else ">")

    def _tables_line(self) -> str:
        tables = {
            f.name: getattr(self, f.name)
            for f in fields(self)  # type: ignore[arg-type]
            if _is_frame(getattr(self, f.name))
        }
        return ", ".join(f"{name} {len(frame):,}" for name, frame in tables.items())

    def __repr__(self) -> str:
        lines = [self._title()]
        summary = self._summary()
        width = max((len(label) for label, _ in summary), default=0)
        lines += [f"  {label:<{width}}  {value}" for label, value in summary]
        tables = self._tables_line()
        if tables:
            lines.append(f"  tables (rows): {tables}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(
            f"<tr><th style='text-align:left'>{escape(label)}</th>"
            f"<td style='text-align:right'>{escape(value)}</td></tr>"
            for label, value in self._summary()
        )
        tables = self._tables_line()
        foot = f"<p style='margin:4px 0'>tables (rows): {escape(tables)}</p>" if tables else ""
        return (
            f"<div><strong>{escape(self._title())}</strong>"
            f"<table style='margin:4px 0'>{rows}</table>{foot}</div>"
        )


def _shown(value: Any) -> str:
    """A headline value as the repr shows it: thousands separators, 4 significant digits."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _is_frame(value: Any) -> bool:
    import pandas as pd

    return isinstance(value, pd.DataFrame)


# -- the tree ---------------------------------------------------------------------------------


@dataclass
class _Flat:
    """A stored object flattened: every table by its flat name, the tree, the scenarios."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    datasets: dict[str, xr.Dataset] = field(default_factory=dict)
    scenarios: dict[str, str] = field(default_factory=dict)  # digest → YAML
    root: dict[str, Any] = field(default_factory=dict)
    restore: dict[str, list[str]] = field(default_factory=dict)  # keyed tables: column order
    seen: dict[int, str] = field(default_factory=dict)  # id of a stored object → its path
    digests: dict[int, str] = field(default_factory=dict)  # id of a scenario → its digest

    def schema(self, name: str) -> dict[str, Any]:
        """The schema of table *name* as stored, with the column order to restore."""
        schema = _schema(self.tables[name])
        if name in self.restore:
            schema["restore"] = self.restore[name]
        return schema


def _flatten(obj: Stored) -> _Flat:
    flat = _Flat()
    flat.root = _node(obj, "", flat)
    return flat


def _node(obj: Stored, prefix: str, flat: _Flat) -> dict[str, Any]:
    if id(obj) in flat.seen:  # the same object twice (a comparison's plan and its money's)
        return {"ref": flat.seen[id(obj)]}
    flat.seen[id(obj)] = prefix
    parts = obj._parts()
    node: dict[str, Any] = {"kind": obj.KIND, "meta": _jsonable(parts.meta), "scenario": None}
    if parts.scenario is not None:
        digest = flat.digests.get(id(parts.scenario))
        if digest is None:  # the plans of a comparison share one scenario: written once
            text = parts.scenario.to_yaml()
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            flat.digests[id(parts.scenario)] = digest
            flat.scenarios.setdefault(digest, text)
        node["scenario"] = digest
    node["tables"] = {}
    for name, frame in parts.tables.items():
        if frame is None:
            node["tables"][name] = None
            continue
        flat_name = f"{prefix}{name}"
        _check_frame(frame, flat_name)
        keys = list(parts.keys.get(name, ()))
        stored = frame
        keyed = keys and set(keys) <= set(frame.columns) and _default_index(frame)
        if keyed and not frame[keys].duplicated().any():
            flat.restore[flat_name] = [str(c) for c in frame.columns]
            stored = frame.set_index(keys)
        flat.tables[flat_name] = stored
        node["tables"][name] = flat_name
    node["datasets"] = {}
    for name, dataset in parts.datasets.items():
        flat_name = f"{prefix}{name}"
        flat.datasets[flat_name] = dataset
        node["datasets"][name] = flat_name
    node["children"] = {
        name: None if child is None else _node(child, f"{prefix}{name}.", flat)
        for name, child in parts.children.items()
    }
    return node


def _default_index(frame: pd.DataFrame) -> bool:
    import pandas as pd

    index = frame.index
    return (
        isinstance(index, pd.RangeIndex)
        and index.start == 0
        and index.step == 1
        and index.name is None
    )


def _check_frame(frame: pd.DataFrame, name: str) -> None:
    bad = [c for c in frame.columns if not isinstance(c, str)]
    if bad:
        raise TypeError(f"table {name}: column names must be strings, not {bad[:3]}")
    if frame.columns.has_duplicates:
        raise TypeError(f"table {name}: duplicate column names")


def _rebuild(
    node: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    datasets: dict[str, Any],
    scenarios: dict[str, Scenario],
    *,
    built: dict[str, Stored] | None = None,
    prefix: str = "",
) -> Stored:
    """The object a layout node describes, its children first (a ``ref`` node: the object
    already built at that path)."""
    built = {} if built is None else built
    if "ref" in node:
        return built[node["ref"]]
    cls = _class_of(str(node["kind"]))
    children = {
        name: None
        if child is None
        else _rebuild(child, tables, datasets, scenarios, built=built, prefix=f"{prefix}{name}.")
        for name, child in node["children"].items()
    }
    parts = Parts(
        tables={n: None if f is None else tables[f] for n, f in node["tables"].items()},
        meta=node["meta"],
        scenario=None if node["scenario"] is None else scenarios[node["scenario"]],
        datasets={n: datasets[f] for n, f in node["datasets"].items()},
        children=children,
    )
    obj = cls._from_parts(parts)
    built[prefix] = obj
    return obj


def _class_of(kind: str) -> type[Stored]:
    from fabnet.exceptions import CorruptResultError

    if kind not in RESULT_CLASSES:
        raise CorruptResultError("a saved", "result", [f"unknown kind of result {kind!r}"])
    module, name = RESULT_CLASSES[kind].split(":")
    return cast("type[Stored]", getattr(importlib.import_module(module), name))


def _jsonable(value: Any) -> Any:
    """*value* with numpy scalars as Python numbers and tuples as lists (NaN kept)."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


# -- table schemas ----------------------------------------------------------------------------


def _schema(frame: pd.DataFrame) -> dict[str, Any]:
    """What a table's CSV cannot say: its index, the type of every column, where text is missing
    (as opposed to empty), and its ``attrs``."""

    index = frame.index
    default = _default_index(frame)
    levels = [] if default else [str(n) if n is not None else None for n in index.names]
    if not default and any(n is None for n in levels):
        levels = [f"level_{i}" if n is None else n for i, n in enumerate(levels)]
    columns = {str(c): _dtype_name(frame[c]) for c in frame.columns}
    index_types = (
        {}
        if default
        else {
            levels[i]: _dtype_name(index.get_level_values(i).to_series())
            for i in range(index.nlevels)
        }
    )
    missing: dict[str, Any] = {}
    every: dict[str, pd.Series] = {str(c): frame[c] for c in frame.columns}
    if not default:
        every.update(
            {str(levels[i]): index.get_level_values(i).to_series() for i in range(index.nlevels)}
        )
    for name, values in every.items():
        kind = columns.get(str(name)) or index_types.get(str(name))
        if kind == "str":
            missing[str(name)] = _text_missing(values)
    return {
        "index": None if default else levels,
        "index_names": None if default else list(index.names),
        "columns": columns,
        "index_types": index_types,
        "text_missing": missing,
        "attrs": _jsonable(dict(frame.attrs)),
        "columns_name": frame.columns.name,
    }


def _dtype_name(values: pd.Series) -> str:
    """The type of a column as the schema records it."""
    import pandas as pd

    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):
        return "str"
    if dtype == object:  # noqa: E721 - kept cell by cell, as JSON (text, numbers, booleans, None)
        return "object"
    if isinstance(dtype, pd.BooleanDtype):
        return "boolean"
    if isinstance(dtype, pd.CategoricalDtype):
        raise TypeError(f"column {values.name!r} is categorical: store it as text")
    kind = getattr(dtype, "kind", "")
    if kind in "biuf" and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return str(dtype)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.name in (
        "Int64",
        "Int32",
        "Float64",
    ):
        return dtype.name
    raise TypeError(f"column {values.name!r} has a type fabnet does not store: {dtype}")


def _text_missing(values: pd.Series) -> Any:
    """Where a text column is missing: ``"none"``, ``"empty"`` (every empty cell is missing) or
    the row positions (when the column has both empty text and missing cells)."""
    import numpy as np

    missing = values.isna().to_numpy()
    if not missing.any():
        return "none"
    empty = (values.fillna("x").astype(str) == "").to_numpy() if len(values) else np.array([])
    if not empty.any():
        return "empty"
    return np.flatnonzero(missing).tolist()


def _json_cells(values: pd.Series) -> np.ndarray:
    """An object column as JSON text, cell by cell (missing pandas values as null)."""
    import numpy as np
    import pandas as pd

    def cell(value: Any) -> str:
        if value is pd.NA or value is pd.NaT:
            value = None
        return json.dumps(_jsonable(value))

    return np.array([cell(v) for v in values], dtype=object)


def _astype(series: pd.Series, kind: str) -> pd.Series:
    """``series.astype(kind)`` for a type named at run time."""
    converted: pd.Series = series.astype(cast("Any", kind))
    return converted


def _typed(values: Any, kind: str) -> pd.Series:
    """A column read back, as text (CSV) or as arrays (Parquet, netCDF), in the type *kind* the
    schema recorded."""
    import pandas as pd

    series = pd.Series(values)
    if kind == "object":
        return pd.Series([json.loads(str(v)) for v in series], dtype=object)
    if kind == "str" or str(series.dtype) == kind:
        return _astype(series, kind)
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        return _from_text(series, kind)
    return _from_array(series, kind)


#: The cells of a boolean column in CSV (missing: empty).
_BOOLEAN_TEXT = {"True": True, "False": False, "": None}


def _from_text(series: pd.Series, kind: str) -> pd.Series:
    """A CSV column (text) as *kind*: numbers parsed exactly (Python's ``float`` and ``int``
    read back what ``repr`` wrote), empty cells missing."""
    import pandas as pd

    if kind in ("bool", "boolean"):
        return _astype(pd.Series([_BOOLEAN_TEXT[str(v)] for v in series], dtype=object), kind)
    if kind in ("Int64", "Int32", "Float64"):
        number = float if kind == "Float64" else int
        cells = [None if v == "" else number(v) for v in series]
        return _astype(pd.Series(cells, dtype=object), kind)
    if kind.startswith(("int", "uint")):
        return _astype(pd.Series([int(v) for v in series], dtype="int64"), kind)
    return _astype(pd.Series([math.nan if v == "" else float(v) for v in series]), kind)


def _from_array(series: pd.Series, kind: str) -> pd.Series:
    """A netCDF column (numbers; nullable ones as floats with NaN) as *kind*."""
    import numpy as np
    import pandas as pd

    if kind == "boolean":
        floats = series.to_numpy(dtype=float)
        cells = [None if np.isnan(v) else bool(v) for v in floats]
        return pd.Series(cells, dtype=object).astype("boolean")
    if kind in ("Int64", "Int32", "Float64"):
        floats = series.to_numpy(dtype=float)
        cells = [None if np.isnan(v) else v for v in floats]
        return _astype(pd.Series(cells, dtype=object), kind)
    return _astype(series, kind)


def _restore_text(values: pd.Series, rule: Any) -> pd.Series:
    """A text column as it was: missing cells where the schema says (see :func:`_text_missing`)."""
    import numpy as np
    import pandas as pd

    text = values.astype(object).where(values.notna(), "")
    if rule == "none":
        return pd.Series(text.to_numpy(), dtype="str")
    if rule == "empty":
        return pd.Series(text.to_numpy(), dtype="str").replace("", np.nan)
    out = pd.Series(text.to_numpy(), dtype="str")
    positions = np.asarray(rule, dtype=np.int64)
    if len(positions):
        out.iloc[positions] = np.nan
    return out


def _apply_schema(
    columns: dict[str, Any], schema: dict[str, Any], rows: int, *, text_kept: bool = False
) -> pd.DataFrame:
    """A table of *rows* rows from its columns (array-likes, by name) and its schema;
    *text_kept*: missing text was kept as missing (Parquet), not written as empty."""
    import pandas as pd

    missing = schema["text_missing"]

    def column(name: str, kind: str) -> pd.Series:
        values = _typed(columns[name], kind)
        if kind == "str" and not text_kept:
            values = _restore_text(values, missing.get(name, "none"))
        return values.reset_index(drop=True)

    data = {name: column(name, kind) for name, kind in schema["columns"].items()}
    if schema["index"] is None:
        index: pd.Index = pd.RangeIndex(rows)
    else:
        arrays = [column(level, schema["index_types"][level]) for level in schema["index"]]
        names = schema["index_names"]
        index = (
            pd.MultiIndex.from_arrays(arrays, names=names)
            if len(arrays) > 1
            else pd.Index(arrays[0], name=names[0])
        )
    frame = pd.DataFrame(
        {name: pd.Series(v.array, index=index) for name, v in data.items()},
        index=index,
        columns=list(data),
    )
    if "restore" in schema:
        frame = frame.reset_index()[schema["restore"]]
    frame.columns.name = schema.get("columns_name")
    frame.attrs.update(schema["attrs"])
    return frame


# -- xarray -----------------------------------------------------------------------------------


def _var_name(name: str) -> str:
    """A flat table name as a netCDF name: letters, digits and ``_``."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _grid(frame: pd.DataFrame) -> list[pd.Index] | None:
    """The levels of a table whose index is a full grid in C order (every combination once, the
    last level fastest), each in its order of appearance; None otherwise."""
    import pandas as pd

    index = frame.index
    if _default_index(frame) or any(n is None for n in index.names) or len(index) == 0:
        return None
    if not index.is_unique or len(set(index.names)) != index.nlevels:
        return None
    levels = [pd.Index(index.get_level_values(i).unique()) for i in range(index.nlevels)]
    if math.prod(len(level) for level in levels) != len(index):
        return None
    grid = pd.MultiIndex.from_product(levels) if index.nlevels > 1 else levels[0]
    same = grid.equals(index) if index.nlevels > 1 else levels[0].equals(index)
    return levels if same else None


@dataclass
class _Builder:
    """The variables, coordinates and dimensions of a Dataset being built from tables."""

    variables: dict[str, Any] = field(default_factory=dict)
    coords: dict[str, Any] = field(default_factory=dict)
    dims: dict[str, pd.Index] = field(default_factory=dict)  # shared dimensions, their labels
    used: set[str] = field(default_factory=set)

    def unique(self, name: str) -> str:
        """*name*, or *name* with a number, whichever no variable or dimension has yet."""
        candidate, n = name, 1
        while candidate in self.used:
            n += 1
            candidate = f"{name}_{n}"
        self.used.add(candidate)
        return candidate

    def dimension(self, level: str, values: pd.Index, table: str) -> str:
        """The dimension for labels *values* of *level*: ``level`` itself where it is free or
        holds the same labels, else ``<table>_<level>``."""
        for name in (level, f"{table}_{level}"):
            known = self.dims.get(name)
            if known is not None and known.equals(values) and known.dtype == values.dtype:
                return name
            if known is None and name not in self.used:
                self.used.add(name)
                return self._add_dimension(name, values)
        return self._add_dimension(self.unique(f"{table}_{level}"), values)

    def _add_dimension(self, name: str, values: pd.Index) -> str:
        self.dims[name] = values
        self.coords[name] = (name, _plain(values.to_series()))
        return name

    def table(self, flat_name: str, frame: pd.DataFrame, schema: dict[str, Any]) -> dict[str, Any]:
        """Add one table's variables (see the module); returns its layout entry."""
        import numpy as np

        base = _var_name(flat_name)
        entry: dict[str, Any] = {"schema": schema, "variables": {}}
        grid = _grid(frame)
        if grid is not None:
            names = [str(n) for n in frame.index.names]
            dims = [self.dimension(n, lv, base) for n, lv in zip(names, grid, strict=True)]
            shape = [len(level) for level in grid]
            entry["grid"] = dims
        else:
            row = self.unique(base)
            dims, shape = [row], [len(frame)]
            entry["row"] = row
            entry["levels"] = {}
            for i, level in enumerate(schema["index"] or []):
                coord = self.unique(f"{base}_{level}")
                self.coords[coord] = (row, _plain(frame.index.get_level_values(i).to_series()))
                entry["levels"][level] = coord
        for column in frame.columns:
            name = self.unique(f"{base}_{column}")
            attrs: dict[str, Any] = {"table": flat_name, "column": str(column)}
            unit = unit_of(str(column))
            if unit is not None:
                attrs["units"] = unit
            values = np.asarray(_plain(frame[column])).reshape(shape)
            self.variables[name] = (dims, values, attrs)
            entry["variables"][str(column)] = name
        return entry

    def dataset(self, flat_name: str, dataset: xr.Dataset) -> dict[str, Any]:
        """Add a Dataset's variables, its dimensions shared where they can be; returns its
        layout entry."""
        base = _var_name(flat_name)
        attrs = _jsonable(dict(dataset.attrs))
        entry: dict[str, Any] = {"variables": {}, "dims": {}, "coords": {}, "attrs": attrs}
        for dim in dataset.dims:
            if dim not in dataset.indexes:
                raise TypeError(f"dataset {flat_name}: dimension {dim} has no coordinate")
            entry["dims"][str(dim)] = self.dimension(str(dim), dataset.indexes[dim], base)
        renamed = entry["dims"]
        for name, coord in dataset.coords.items():
            if name in dataset.dims:
                continue
            new = self.unique(f"{base}_{name}")
            dims = [renamed[str(d)] for d in coord.dims]
            self.coords[new] = (dims, coord.to_numpy(), dict(coord.attrs))
            entry["coords"][str(name)] = new
        for name, array in dataset.data_vars.items():
            new = self.unique(f"{base}_{name}")
            dims = [renamed[str(d)] for d in array.dims]
            self.variables[new] = (dims, array.to_numpy(), {"dataset": flat_name, **array.attrs})
            entry["variables"][str(name)] = {"name": new, "dtype": str(array.dtype)}
        return entry


def _to_dataset(flat: _Flat) -> xr.Dataset:
    import numpy as np
    import xarray as xr

    from fabnet._version import __version__

    build = _Builder()
    layout: dict[str, Any] = {"version": LAYOUT_VERSION, "root": flat.root}
    layout["tables"] = {
        name: build.table(name, frame, flat.schema(name)) for name, frame in flat.tables.items()
    }
    layout["datasets"] = {name: build.dataset(name, ds) for name, ds in flat.datasets.items()}
    layout["scenarios"] = {}
    for n, (digest, text) in enumerate(flat.scenarios.items()):
        name = build.unique(f"fabnet_scenario_{n}")
        build.variables[name] = ((), np.array(text, dtype=object), {"sha256": digest})
        layout["scenarios"][digest] = name
    build.variables[LAYOUT_VARIABLE] = ((), np.array(json.dumps(layout), dtype=object), {})
    dataset = xr.Dataset(build.variables, coords=build.coords)
    root = flat.root
    dataset.attrs.update(
        title=f"fabnet {root['kind']} result",
        fabnet_version=__version__,
        fabnet_kind=root["kind"],
        catalog_sha256=catalog_digest(),
        Conventions="CF-1.10",
    )
    if root["scenario"] is not None:
        dataset.attrs["scenario_sha256"] = root["scenario"]
        dataset.attrs["scenario"] = _scenario_name(flat.scenarios[root["scenario"]])
    fab = root.get("meta", {}).get("fab")
    if isinstance(fab, str):  # a fab-level result keeps its fab file's YAML
        dataset.attrs["fab_file_sha256"] = hashlib.sha256(fab.encode("utf-8")).hexdigest()
        dataset.attrs["fab_file"] = _scenario_name(fab)
    return dataset


def _scenario_name(text: str) -> str:
    match = re.search(r"^name:\s*(.+)$", text, flags=re.MULTILINE)
    return match.group(1).strip().strip("'\"") if match else ""


def _plain(values: pd.Series) -> np.ndarray:
    """A column as a numpy array netCDF can hold: text as str (missing as ""), nullable
    booleans and integers as floats (missing as NaN), the rest as they are."""
    import numpy as np
    import pandas as pd

    dtype = values.dtype
    if dtype == object:  # noqa: E721
        return _json_cells(values)
    if isinstance(dtype, pd.StringDtype):
        return np.asarray(values.astype(object).where(values.notna(), "").astype(str), dtype=object)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):  # nullable booleans and integers
        return values.astype("float64").to_numpy()
    return values.to_numpy()


def _netcdf_bytes(result: Stored) -> bytes:
    from fabnet._extras import require

    require("netcdf", "netCDF")
    dataset = _to_dataset(_flatten(result))
    return bytes(dataset.to_netcdf(engine="h5netcdf", invalid_netcdf=False))


def _from_dataset(dataset: xr.Dataset, shown: str) -> Stored:
    import pandas as pd
    import xarray as xr

    from fabnet.exceptions import CorruptResultError

    if LAYOUT_VARIABLE not in dataset:
        raise CorruptResultError(shown, "result", [f"no {LAYOUT_VARIABLE}: not saved by fabnet"])
    layout = json.loads(str(dataset[LAYOUT_VARIABLE].to_numpy()[()]))
    _check_version(layout, shown)
    tables: dict[str, pd.DataFrame] = {}
    for flat_name, entry in layout["tables"].items():
        schema = entry["schema"]
        columns: dict[str, Any] = {}
        if "grid" in entry:
            dims = entry["grid"]
            index = pd.MultiIndex.from_product([dataset.indexes[d] for d in dims])
            for level, (i, _) in zip(schema["index"], enumerate(dims), strict=True):
                columns[level] = index.get_level_values(i).to_numpy()
            for column, name in entry["variables"].items():
                columns[column] = dataset[name].transpose(*dims).to_numpy().reshape(-1)
        else:
            for level, coord in entry["levels"].items():
                columns[level] = dataset[coord].to_numpy()
            for column, name in entry["variables"].items():
                columns[column] = dataset[name].to_numpy()
        rows = len(index) if "grid" in entry else int(dataset.sizes.get(entry["row"], 0))
        tables[flat_name] = _apply_schema(columns, schema, rows)
    datasets: dict[str, xr.Dataset] = {}
    for flat_name, entry in layout["datasets"].items():
        back = {v: k for k, v in entry["dims"].items()}
        parts = {}
        for name, spec in entry["variables"].items():
            array = dataset[spec["name"]]
            attrs = {k: v for k, v in array.attrs.items() if k != "dataset"}
            parts[name] = (
                [back[str(d)] for d in array.dims],
                array.to_numpy().astype(spec["dtype"]),
                attrs,
            )
        coords = {
            dim: dataset.indexes[new].copy().rename(dim) for dim, new in entry["dims"].items()
        }
        extra = {
            name: (
                [back[str(d)] for d in dataset[new].dims],
                dataset[new].to_numpy(),
                dict(dataset[new].attrs),
            )
            for name, new in entry["coords"].items()
        }
        datasets[flat_name] = xr.Dataset(parts, coords={**coords, **extra}, attrs=entry["attrs"])
    scenarios = {
        digest: _scenario_of(str(dataset[name].to_numpy()[()]))
        for digest, name in layout["scenarios"].items()
    }
    return _rebuild(layout["root"], tables, datasets, scenarios)


def _scenario_of(text: str) -> Scenario:
    """A stored scenario: its standalone YAML (:meth:`Scenario.to_yaml`) validated as the model
    it was. It is not checked again as a file would be (:func:`fabnet.load_scenario`): it was
    when the result was made, and a backcast's outlook holds a scenario moved to the record's
    years that a file of its own could not be; the manifest vouches that it is unchanged."""
    import yaml

    from fabnet.scenario import Scenario

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return Scenario.model_validate(yaml.load(text, Loader=loader))


def _check_version(layout: dict[str, Any], shown: str) -> None:
    from fabnet.exceptions import CorruptResultError

    version = layout.get("version")
    if not isinstance(version, int) or version > LAYOUT_VERSION:
        raise CorruptResultError(
            shown,
            "result",
            [f"layout version {version!r}: saved by a newer fabnet; upgrade fabnet"],
        )


# -- folders ----------------------------------------------------------------------------------


def save_result(result: Stored, folder: str | os.PathLike[str], format: str = "parquet") -> Path:
    """Write *result* into *folder* in *format* (see :meth:`Result.save`)."""
    from fabnet.exceptions import ParameterError
    from fabnet.outputs import result_folder

    if format not in FORMATS:
        raise ParameterError("format", " or ".join(FORMATS), format)
    if format == "netcdf":
        payload = _netcdf_bytes(result)
        with result_folder(folder, kind=result.KIND, names=_legacy(result)) as out:
            out.file(NETCDF_FILE).write_bytes(payload)
        return Path(folder)
    flat = _flatten(result)
    suffix = ".parquet" if format == "parquet" else ".csv"
    layout: dict[str, Any] = {
        "version": LAYOUT_VERSION,
        "format": format,
        "fabnet_version": _version(),
        "catalog_sha256": catalog_digest(),
        "root": flat.root,
        "tables": {},
        "datasets": {},
        "scenarios": {},
    }
    with result_folder(folder, kind=result.KIND, names=_legacy(result)) as out:
        for flat_name, frame in flat.tables.items():
            file = f"{flat_name}{suffix}"
            schema = flat.schema(flat_name)
            _write_table(frame, out.file(file), format)
            layout["tables"][flat_name] = {"file": file, "schema": schema}
        for flat_name, dataset in flat.datasets.items():
            layout["datasets"][flat_name] = _write_dataset(dataset, flat_name, out, format, suffix)
        for digest, text in flat.scenarios.items():
            root = digest == flat.root.get("scenario")
            name = "scenario.yaml" if root else f"scenario-{digest[:16]}.yaml"
            out.write_text(name, text)
            layout["scenarios"][digest] = name
        out.write_text(LAYOUT_FILE, json.dumps(layout, indent=1) + "\n")
    return Path(folder)


def _legacy(result: Stored) -> tuple[str, ...]:
    """The files an older fabnet wrote for this kind of result (such a folder may be replaced)."""
    return tuple(getattr(result, "LEGACY_FILES", ()))


def _version() -> str:
    from fabnet._version import __version__

    return __version__


def _write_table(frame: pd.DataFrame, path: Path, format: str) -> None:
    import pandas as pd

    default = _default_index(frame)
    if format == "parquet":
        named = frame.copy()
        named.attrs = {}
        for column in named.columns:
            if named[column].dtype == object:
                named[column] = pd.Series(
                    _json_cells(named[column]), index=named.index, dtype="str"
                )
        if not default:
            plain_index = named.index.to_frame(index=False)
            for column in plain_index.columns:
                if plain_index[column].dtype == object:  # JSON cells, as columns are
                    cells = _json_cells(plain_index[column])
                    plain_index[column] = pd.Series(cells, dtype="str")
            named.index = (
                pd.MultiIndex.from_frame(plain_index)
                if named.index.nlevels > 1
                else pd.Index(plain_index.iloc[:, 0])
            )
        named.columns.name = None
        if not default and any(n is None for n in named.index.names):
            named.index = named.index.set_names(
                [f"level_{i}" if n is None else n for i, n in enumerate(named.index.names)]
            )
        named.to_parquet(path, index=not default)
    else:
        plain = frame.reset_index(drop=default)
        plain.columns = [str(c) for c in plain.columns]
        for column in plain.columns:
            if plain[column].dtype == object:
                plain[column] = _json_cells(plain[column])
        plain.to_csv(path, index=False)


def _read_table(path: Path, entry: dict[str, Any], format: str) -> pd.DataFrame:
    import pandas as pd

    schema = entry["schema"]
    if format == "parquet":
        frame = pd.read_parquet(path)
        levels = schema["index"] or []
        flat = frame.reset_index(drop=not levels)
        columns = {name: flat[name] for name in [*levels, *schema["columns"]]}
        return _apply_schema(columns, schema, len(flat), text_kept=True)
    names = [*(schema["index"] or []), *schema["columns"]]
    text = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    if list(text.columns) != names and not (len(names) == 0 and text.empty):
        raise ValueError(f"columns {list(text.columns)} differ from the layout's {names}")
    return _apply_schema({name: text[name] for name in names}, schema, len(text))


def _write_dataset(
    dataset: xr.Dataset, flat_name: str, out: Any, format: str, suffix: str
) -> dict[str, Any]:
    """A Dataset as one table per set of dimensions (dense), with its coordinates' order."""
    import pandas as pd

    groups: dict[tuple[str, ...], list[str]] = {}
    for name, array in dataset.data_vars.items():
        groups.setdefault(tuple(str(d) for d in array.dims), []).append(str(name))
    entry: dict[str, Any] = {
        "coords": {str(d): _jsonable(dataset.indexes[d].tolist()) for d in dataset.dims},
        "coord_types": {str(d): str(dataset.indexes[d].dtype) for d in dataset.dims},
        "attrs": _jsonable(dict(dataset.attrs)),
        "variables": {
            str(n): {"dtype": str(a.dtype), "attrs": _jsonable(dict(a.attrs))}
            for n, a in dataset.data_vars.items()
        },
        "groups": [],
    }
    for dims, names in groups.items():
        file = f"{flat_name}.{'.'.join(dims) or 'scalar'}{suffix}"
        if dims:
            frame = dataset[names].to_dataframe().reset_index()
        else:  # scalars: one row
            frame = pd.DataFrame({n: [dataset[n].item()] for n in names})
        frame.columns = [str(c) for c in frame.columns]
        _write_table(frame, out.file(file), format)
        entry["groups"].append(
            {"dims": list(dims), "variables": names, "file": file, "schema": _schema(frame)}
        )
    return entry


def _read_dataset(folder: Path, entry: dict[str, Any], format: str) -> xr.Dataset:
    import numpy as np
    import pandas as pd
    import xarray as xr

    coords = {
        dim: pd.Index(np.asarray(values, dtype=entry["coord_types"][dim]), name=dim)
        for dim, values in entry["coords"].items()
    }
    parts: dict[str, Any] = {}
    for group in entry["groups"]:
        frame = _read_table(folder / group["file"], {"schema": group["schema"]}, format)
        dims = group["dims"]
        if dims:
            frame = frame.set_index(dims)
            full = (
                pd.MultiIndex.from_product([coords[d] for d in dims])
                if len(dims) > 1
                else coords[dims[0]]
            )
            frame = frame.reindex(full)
        shape = [len(coords[d]) for d in dims]
        for name in group["variables"]:
            spec = entry["variables"][name]
            values = frame[name].to_numpy().astype(spec["dtype"]).reshape(shape)
            parts[name] = (dims, values, spec["attrs"])
    order = list(entry["variables"])
    return xr.Dataset({n: parts[n] for n in order}, coords=coords, attrs=entry["attrs"])


def _read_folder(path: Path) -> Stored:
    from fabnet.exceptions import CorruptResultError
    from fabnet.outputs import read_saved

    if (path / NETCDF_FILE).is_file() and not (path / LAYOUT_FILE).is_file():
        return read_saved(path, NETCDF_FILE, _read_netcdf_file, kind="result")
    layout = read_saved(
        path, LAYOUT_FILE, lambda p: json.loads(p.read_text(encoding="utf-8")), kind="result"
    )
    if not isinstance(layout, dict) or "root" not in layout:
        raise CorruptResultError(str(path), "result", [f"{LAYOUT_FILE} is not a fabnet layout"])
    _check_version(layout, str(path))
    format = layout["format"]
    tables = {
        flat_name: _read_saved_table(path, entry, format)
        for flat_name, entry in layout["tables"].items()
    }
    datasets = {
        flat_name: _read_dataset(path, entry, format)
        for flat_name, entry in layout["datasets"].items()
    }
    scenarios = {
        digest: read_saved(
            path, name, lambda p: _scenario_of(p.read_text(encoding="utf-8")), kind="result"
        )
        for digest, name in layout["scenarios"].items()
    }
    return _rebuild(layout["root"], tables, datasets, scenarios)


def _read_saved_table(folder: Path, entry: dict[str, Any], format: str) -> pd.DataFrame:
    """A table of a result folder, a file that cannot be parsed a damaged result."""
    from fabnet.outputs import read_saved

    def read(path: Path) -> pd.DataFrame:
        return _read_table(path, entry, format)

    return read_saved(folder, entry["file"], read, kind="result")


def _read_netcdf_file(path: Path) -> Stored:
    import xarray as xr

    from fabnet._extras import require

    require("netcdf", "reading netCDF")
    with xr.open_dataset(path, engine="h5netcdf") as opened:
        dataset = opened.load()
    return _from_dataset(dataset, os.fspath(path))


def _manifest_kind(path: Path) -> str | None:
    from fabnet.outputs import MANIFEST

    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    return kind if isinstance(kind, str) else None


def _layout_kind(path: Path) -> str | None:
    """The kind of result a folder without a manifest says it holds (its ``result.json``): it
    is read, with a warning that its files could not be checked."""
    try:
        layout = json.loads((path / LAYOUT_FILE).read_text(encoding="utf-8"))
        kind = layout["root"]["kind"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return kind if isinstance(kind, str) else None


def open_result(path: str | os.PathLike[str]) -> Result:
    """Read a result saved by fabnet: a folder (:meth:`Result.save`, any format) or a netCDF
    file (:meth:`Result.to_netcdf`), checked against its manifest first.

    Returns the result as it was saved: the same class, tables, types and values.

    Raises
    ------
    ParameterError
        If *path* is neither a saved result folder nor a fabnet netCDF file.
    CorruptResultError
        If a file is missing, truncated, changed since it was saved or cannot be parsed.
    StorageError
        If a file cannot be read.

    Examples
    --------
    >>> import tempfile, fabnet
    >>> outlook = fabnet.gap("altman-2024")
    >>> folder = outlook.save(tempfile.mkdtemp() + "/gap", format="csv")
    >>> again = fabnet.open_result(folder)
    >>> again.table.equals(outlook.table)
    True
    """
    from fabnet.exceptions import ParameterError
    from fabnet.outputs import read_result, read_saved

    target = Path(path)
    if target.is_file():
        result = read_saved(target.parent, target.name, _read_netcdf_file, kind="result")
    elif target.is_dir():
        kind = _manifest_kind(target) or _layout_kind(target)
        if kind is None or kind not in RESULT_CLASSES:
            raise ParameterError(
                "result", "a folder saved by fabnet (with its manifest.json)", os.fspath(path)
            )
        names = (NETCDF_FILE,) if (target / NETCDF_FILE).is_file() else (LAYOUT_FILE,)
        result = read_result(target, _read_folder, kind=kind, names=names)
    else:
        raise ParameterError("result", "a saved result folder or netCDF file", os.fspath(path))
    if not isinstance(result, Result):
        raise ParameterError("result", "a fabnet result", os.fspath(path))
    return result

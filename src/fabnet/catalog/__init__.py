"""The packaged reference catalog: sourced figures on accelerators, process resources, fabs,
regions, sites, partners, subsidies and investors.

Every figure is one row of a long CSV table and carries its ``source``, ``date`` and ``kind``
(official / press / analyst / estimate). :func:`load_catalog` reads and checks the tables once
per process; :func:`check_catalog` returns every problem instead of raising.

Examples
--------
>>> from fabnet.catalog import load_catalog
>>> cat = load_catalog()
>>> "H100" in cat.ids("accelerators")
True
>>> cat.get("accelerators", "H100")["h100e_per_unit"]
1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from fabnet.catalog._manifest import FIGURE_COLUMNS, KINDS, REGIONS, TABLES, Param, Table
from fabnet.catalog._tables import Figure, Value, read_all
from fabnet.exceptions import CatalogError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FIGURE_COLUMNS",
    "KINDS",
    "REGIONS",
    "TABLES",
    "Catalog",
    "Figure",
    "Param",
    "Table",
    "check_catalog",
    "load_catalog",
]


class Catalog:
    """The checked catalog tables, with typed accessors.

    Build it with :func:`load_catalog`; the constructor takes already checked figures.
    """

    def __init__(self, figures: Mapping[str, list[Figure]]) -> None:
        self._figures = {name: tuple(rows) for name, rows in figures.items()}
        self._entries: dict[str, dict[str, dict[str, Value]]] = {}
        self._trajectories: dict[str, dict[str, dict[str, dict[int, float]]]] = {}
        for name, rows in self._figures.items():
            entries: dict[str, dict[str, Value]] = {}
            paths: dict[str, dict[str, dict[int, float]]] = {}
            for figure in rows:
                ident = "/".join(figure.key)
                entries.setdefault(ident, {})
                if figure.year is None:
                    entries[ident][figure.parameter] = figure.value
                else:
                    if isinstance(figure.value, str | tuple):  # pragma: no cover - manifest
                        raise CatalogError([f"{name}: {figure.parameter} by year is not numeric"])
                    path = paths.setdefault(ident, {}).setdefault(figure.parameter, {})
                    path[figure.year] = float(figure.value)
            self._entries[name] = entries
            self._trajectories[name] = paths

    @staticmethod
    def names() -> list[str]:
        """The table names, in dependency order."""
        return list(TABLES)

    def ids(self, table: str) -> list[str]:
        """The entry ids of ``table`` in file order (composite keys joined by ``/``)."""
        return list(self._entries_of(table))

    def get(self, table: str, ident: str) -> dict[str, Value]:
        """The time-invariant parameters of one entry, as a new dict."""
        entries = self._entries_of(table)
        if ident not in entries:
            raise KeyError(f"{ident!r} is not in catalog table {table!r}")
        return dict(entries[ident])

    def number(self, table: str, ident: str, parameter: str, default: float | None = None) -> float:
        """A numeric figure of one entry; ``default`` when absent (or CatalogError if none).

        >>> load_catalog().number("resources", "N5", "hvm_year")
        2020.0
        """
        value = self.get(table, ident).get(parameter)
        if value is None:
            if default is not None:
                return default
            raise CatalogError([f"{table}.csv: {ident}: {parameter} is needed but not given"])
        if not isinstance(value, int | float):
            raise CatalogError([f"{table}.csv: {ident}: {parameter} is not a number"])
        return float(value)

    def trajectory(self, table: str, ident: str, parameter: str) -> dict[int, float]:
        """A by-year parameter of one entry as ``{year: value}`` (empty if none)."""
        self._entries_of(table)
        return dict(self._trajectories[table].get(ident, {}).get(parameter, {}))

    def figures(self, table: str) -> tuple[Figure, ...]:
        """Every checked row of ``table`` with its source, date and kind."""
        self._entries_of(table)
        return self._figures[table]

    def figure(self, table: str, ident: str, parameter: str) -> Figure:
        """The row behind one time-invariant figure: where it came from."""
        for figure in self.figures(table):
            if "/".join(figure.key) == ident and figure.parameter == parameter:
                return figure
        raise KeyError(f"{table}: no figure {ident}.{parameter}")

    def frame(self, table: str) -> pd.DataFrame:
        """The long table as a DataFrame (one row per figure, with its provenance)."""
        import pandas as pd

        spec = TABLES[table]
        records = [
            {
                **dict(zip(spec.keys, f.key, strict=True)),
                "parameter": f.parameter,
                "year": f.year,
                "value": ";".join(f.value) if isinstance(f.value, tuple) else f.value,
                "unit": f.unit,
                "source": f.source,
                "date": f.date,
                "kind": f.kind,
                "note": f.note,
            }
            for f in self.figures(table)
        ]
        df = pd.DataFrame.from_records(records, columns=[*spec.keys, *FIGURE_COLUMNS])
        return df.astype({"year": "Int64"})

    def wide(self, table: str) -> pd.DataFrame:
        """One row per entry, one column per time-invariant parameter (manifest order)."""
        import pandas as pd

        spec = TABLES[table]
        entries = self._entries_of(table)
        columns = [p for p, param in spec.params.items() if not param.by_year]
        df = pd.DataFrame.from_records(
            [{c: entry.get(c) for c in columns} for entry in entries.values()],
            index=pd.Index(list(entries), name="/".join(spec.keys)),
            columns=columns,
        )
        return df.dropna(axis="columns", how="all")

    def _entries_of(self, table: str) -> dict[str, dict[str, Value]]:
        if table not in self._entries:
            raise KeyError(f"no catalog table {table!r} (tables: {', '.join(TABLES)})")
        return self._entries[table]


def check_catalog(folder: Traversable | Path | None = None) -> list[str]:
    """Every problem in the catalog tables (empty when they are consistent).

    Checks: headers, known parameters and units, a source, date and kind on every row, values
    that parse and lie in their unit's range, unique (entry, parameter, year), required
    parameters per entry, and references between tables.
    """
    return read_all(folder)[1]


@cache
def _packaged() -> Catalog:
    figures, problems = read_all(None)
    if problems:
        raise CatalogError(problems)
    return Catalog(figures)


def load_catalog(folder: Traversable | Path | None = None) -> Catalog:
    """Read and check the catalog; the packaged one is read once per process.

    Raises
    ------
    CatalogError
        If any table has a problem; :attr:`CatalogError.problems` lists them all.
    """
    if folder is None:
        return _packaged()
    figures, problems = read_all(folder)
    if problems:
        raise CatalogError(problems)
    return Catalog(figures)

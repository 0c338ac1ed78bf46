"""Read and check the packaged catalog tables (long CSVs; see :mod:`fabnet.catalog._manifest`).

Reading goes through the :mod:`csv` module so that every problem is reported with the CSV line it
is on; the checked rows then become pandas frames in :mod:`fabnet.catalog`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from fabnet.catalog._manifest import FIGURE_COLUMNS, KINDS, TABLES, Param, Table
from fabnet.units import UNITS

#: Units whose values are numbers; every other unit is text.
NUMERIC_UNITS = frozenset(UNITS) - {"text", "id", "list"}
_INTEGER_UNITS = frozenset({"year", "count"})
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_YEAR_RANGE = (1950, 2100)

Value = float | int | str | tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    """One checked row of a catalog table."""

    key: tuple[str, ...]
    parameter: str
    year: int | None
    value: Value
    unit: str
    source: str
    date: str
    kind: str
    note: str
    line: int


def data_dir() -> Traversable:
    """The folder of packaged tables."""
    return resources.files("fabnet.catalog").joinpath("data")


def _open_rows(table: Table, folder: Traversable | Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (line, cells) for every data row; raises OSError if the file is missing."""
    text = folder.joinpath(f"{table.name}.csv").read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    for cells in reader:
        yield reader.line_num, cells


def parse_value(raw: str, param: Param) -> Value:
    """Parse a cell by its parameter's unit; raises ValueError with a reason."""
    text = raw.strip()
    if not text:
        raise ValueError("is empty")
    if param.unit == "list":
        items = tuple(item.strip() for item in text.split(";"))
        if any(not item for item in items):
            raise ValueError("has an empty item in its ';'-separated list")
        return items
    if param.unit not in NUMERIC_UNITS:
        return text
    number = float(text)  # ValueError names the text
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    if param.unit in _INTEGER_UNITS and number != int(number):
        raise ValueError(f"must be a whole number of {UNITS[param.unit]}")
    if param.unit == "year" and not _YEAR_RANGE[0] <= number <= _YEAR_RANGE[1]:
        raise ValueError(f"must be a year in {_YEAR_RANGE[0]}–{_YEAR_RANGE[1]}")
    if param.unit == "fraction" and not 0.0 <= number <= 1.0:
        raise ValueError("must be a fraction in [0, 1]")
    if param.unit == "deg" and not -180.0 <= number <= 180.0:
        raise ValueError("must be in [-180, 180] degrees")
    if param.unit != "deg" and number < 0:
        raise ValueError("must be >= 0")
    return int(number) if param.unit in _INTEGER_UNITS else number


def _provenance_problems(row: dict[str, str], where: str) -> list[str]:
    """Source, date and kind: present, well-formed, and estimates say so."""
    problems = [
        f"{where}: {column}: every figure needs a {column}"
        for column in ("source", "date", "kind")
        if not row[column]
    ]
    if row["kind"] and row["kind"] not in KINDS:
        problems.append(f"{where}: kind: must be one of {', '.join(KINDS)} (got {row['kind']!r})")
    if row["date"] and not _DATE.match(row["date"]):
        problems.append(f"{where}: date: must be YYYY, YYYY-MM or YYYY-MM-DD (got {row['date']!r})")
    if row["kind"] == "estimate" and row["source"] and not row["source"].startswith("estimate"):
        problems.append(f"{where}: source: an estimate's source must start with 'estimate:'")
    return problems


def _year_of(row: dict[str, str], param: Param, where: str, problems: list[str]) -> int | None:
    """The row's year: set exactly when the parameter varies by year."""
    if not row["year"]:
        if param.by_year:
            problems.append(f"{where}: year: {row['parameter']} needs a year on every row")
        return None
    if not param.by_year:
        problems.append(f"{where}: year: {row['parameter']} does not vary by year")
        return None
    try:
        return int(row["year"])
    except ValueError:
        problems.append(f"{where}: year: must be a whole year (got {row['year']!r})")
        return None


def _value_of(row: dict[str, str], param: Param, where: str, problems: list[str]) -> Value:
    """The row's value parsed by its unit, within its choices."""
    try:
        value = parse_value(row["value"], param)
    except ValueError as exc:
        problems.append(f"{where}: value: {row['parameter']} {exc} (got {row['value']!r})")
        return ""
    if param.choices is not None and value not in param.choices:
        problems.append(
            f"{where}: value: {row['parameter']} must be one of {', '.join(param.choices)}"
            f" (got {row['value']!r})"
        )
    return value


def _check_row(table: Table, cells: list[str], line: int, problems: list[str]) -> Figure | None:
    where = f"{table.name}.csv:{line}"
    header = (*table.keys, *FIGURE_COLUMNS)
    if len(cells) != len(header):
        problems.append(f"{where}: expected {len(header)} columns, found {len(cells)}")
        return None
    row = dict(zip(header, (cell.strip() for cell in cells), strict=True))
    before = len(problems)
    key = tuple(row[k] for k in table.keys)
    problems.extend(
        f"{where}: {name}: is empty" for name, v in zip(table.keys, key, strict=True) if not v
    )
    param = table.params.get(row["parameter"])
    if param is None:
        allowed = ", ".join(sorted(table.params))
        problems.append(
            f"{where}: parameter: unknown parameter {row['parameter']!r} (allowed: {allowed})"
        )
        return None
    if row["unit"] != param.unit:
        problems.append(
            f"{where}: unit: {row['parameter']} is in {param.unit!r}, not {row['unit']!r}"
        )
    problems.extend(_provenance_problems(row, where))
    year = _year_of(row, param, where, problems)
    value = _value_of(row, param, where, problems)
    if len(problems) > before:
        return None
    return Figure(
        key,
        row["parameter"],
        year,
        value,
        row["unit"],
        row["source"],
        row["date"],
        row["kind"],
        row["note"],
        line,
    )


def read_table(table: Table, folder: Traversable | Path, problems: list[str]) -> list[Figure]:
    """Read one table, appending every problem found to ``problems``; return the good rows."""
    figures: list[Figure] = []
    try:
        rows = list(_open_rows(table, folder))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{table.name}.csv: cannot be read: {exc}")
        return figures
    if not rows:
        problems.append(f"{table.name}.csv: is empty")
        return figures
    header_line, header = rows[0]
    expected = [*table.keys, *FIGURE_COLUMNS]
    if [cell.strip() for cell in header] != expected:
        problems.append(
            f"{table.name}.csv:{header_line}: header must be {','.join(expected)}"
            f" (got {','.join(header)})"
        )
        return figures
    seen: dict[tuple[tuple[str, ...], str, int | None], int] = {}
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        figure = _check_row(table, cells, line, problems)
        if figure is None:
            continue
        ident = (figure.key, figure.parameter, figure.year)
        if ident in seen:
            problems.append(
                f"{table.name}.csv:{line}: {'/'.join(figure.key)}.{figure.parameter}"
                f"{'' if figure.year is None else f'@{figure.year}'}: duplicate of line"
                f" {seen[ident]}"
            )
            continue
        seen[ident] = line
        figures.append(figure)
    return figures


def check_references(figures: dict[str, list[Figure]], problems: list[str]) -> None:
    """Check required parameters per entry and every reference between tables."""
    keys = {name: {f.key for f in rows} for name, rows in figures.items()}
    for name, rows in figures.items():
        table = TABLES[name]
        present: dict[tuple[str, ...], set[str]] = {}
        first_line: dict[tuple[str, ...], int] = {}
        for figure in rows:
            present.setdefault(figure.key, set()).add(figure.parameter)
            first_line.setdefault(figure.key, figure.line)
            param = table.params[figure.parameter]
            if param.ref is None:
                continue
            items = figure.value if isinstance(figure.value, tuple) else (figure.value,)
            known = {k[0] for k in keys.get(param.ref, set())}
            problems.extend(
                f"{name}.csv:{figure.line}: value: {figure.parameter} refers to"
                f" {item!r}, which is not in {param.ref}.csv"
                for item in items
                if item not in known
            )
        for key, params in present.items():
            missing = sorted(
                p for p, spec in table.params.items() if spec.required and p not in params
            )
            if missing:
                problems.append(
                    f"{name}.csv:{first_line[key]}: {'/'.join(key)}: missing required"
                    f" parameter(s) {', '.join(missing)}"
                )
    _check_accelerators(figures.get("accelerators", []), problems)


def _check_accelerators(rows: list[Figure], problems: list[str]) -> None:
    """An accelerator has compute, and either dies of its own or parts; a component has dies."""
    by_key: dict[tuple[str, ...], dict[str, Figure]] = {}
    for figure in rows:
        by_key.setdefault(figure.key, {})[figure.parameter] = figure
    dies = ("logic_die_count", "logic_die_area_mm2", "logic_node")
    for key, params in by_key.items():
        line = min(f.line for f in params.values())
        where = f"accelerators.csv:{line}: {key[0]}"
        role = params["role"].value if "role" in params else None
        has_dies = all(p in params for p in dies)
        partial = any(p in params for p in dies) and not has_dies
        if partial:
            problems.append(f"{where}: give all of {', '.join(dies)} or none")
        if role == "accelerator" and "h100e_per_unit" not in params:
            problems.append(f"{where}: an accelerator needs h100e_per_unit")
        if role == "accelerator" and not has_dies and "parts" not in params:
            problems.append(f"{where}: an accelerator needs its logic dies or its parts")
        if role == "component" and not has_dies:
            problems.append(f"{where}: a component needs its logic dies")
        problems.extend(_geometry_problems(params, where))


#: Items whose ``<item>_width_mm`` and ``<item>_height_mm`` come in pairs.
_SHAPES = ("logic_die", "io_die", "interposer")


def _geometry_problems(params: dict[str, Figure], where: str) -> list[str]:
    """Widths come with heights; a packaged product says how large its interposer is, once."""
    problems = [
        f"{where}: give {shape}_width_mm and {shape}_height_mm together"
        for shape in _SHAPES
        if (f"{shape}_width_mm" in params) != (f"{shape}_height_mm" in params)
    ]
    if "interposer_area_mm2" in params and "interposer_reticles" in params:
        problems.append(f"{where}: give interposer_reticles or interposer_area_mm2, not both")
    sized = {"interposer_area_mm2", "interposer_reticles", "interposer_width_mm"} & params.keys()
    if "packaging" in params and not sized:
        problems.append(
            f"{where}: a packaged product needs interposer_reticles, interposer_area_mm2 or"
            " interposer_width_mm and interposer_height_mm"
        )
    return problems


def read_all(folder: Traversable | Path | None = None) -> tuple[dict[str, list[Figure]], list[str]]:
    """Read and check every table in ``folder`` (default: the packaged data)."""
    folder = data_dir() if folder is None else folder
    problems: list[str] = []
    figures = {name: read_table(table, folder, problems) for name, table in TABLES.items()}
    check_references(figures, problems)
    return figures, problems

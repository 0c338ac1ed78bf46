"""CSV and Parquet tables named from a scenario file by a path relative to that file.

Three places take a table instead of inline YAML:

* ``demand.installed.table`` — columns ``year, installed_h100e``;
* ``demand.mix`` — columns ``year, product, share``;
* an entity section (``products``, ``sites``, ``partners``, ``investors``, ``subsidies``,
  ``supply.add``) — one row per entity, one column per field; list fields separated by ``;``.

Tables are read into located data (file and line of every row), so a bad cell is reported as
``table.csv:LINE: field: message`` like any scenario error.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from fabnet.exceptions import ScenarioError, ScenarioIssue
from fabnet.scenario._located import MAX_FILE_BYTES, LDict, LList, Loc, read_bytes, read_text

TABLE_SUFFIXES = (".csv", ".parquet")


def _rows(path: Path) -> list[tuple[Loc, dict[str, str]]]:
    """Rows of a CSV or Parquet table as (location, {column: text}); empty cells dropped."""
    file = str(path)
    if path.suffix.lower() == ".parquet":
        return _parquet_rows(path)
    if path.suffix.lower() != ".csv":
        raise ScenarioError(
            [ScenarioIssue(file, None, "", "a table must be a .csv or .parquet file", path.suffix)]
        )
    text = read_text(path, "table")
    # newline="": any of \n, \r\n and a lone \r ends a row (the csv module's own rule).
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise ScenarioError([ScenarioIssue(file, None, "", "the table is empty")]) from None
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            loc = Loc(file, reader.line_num)
            if len(cells) != len(header):
                raise ScenarioError(
                    [
                        ScenarioIssue(
                            file,
                            reader.line_num,
                            "",
                            f"expected {len(header)} cells, found {len(cells)}",
                        )
                    ]
                )
            rows.append(
                (loc, {h: c.strip() for h, c in zip(header, cells, strict=True) if c.strip()})
            )
    except csv.Error as exc:
        raise ScenarioError(
            [ScenarioIssue(file, reader.line_num, "", f"not a valid CSV table: {exc}")]
        ) from None
    return rows


def _parquet_rows(path: Path) -> list[tuple[Loc, dict[str, str]]]:
    file = str(path)
    raw = read_bytes(path, "table", limit=20 * MAX_FILE_BYTES)
    try:
        import pandas as pd

        frame = pd.read_parquet(io.BytesIO(raw))
    except ImportError:
        raise ScenarioError(
            [ScenarioIssue(file, None, "", "reading Parquet needs pyarrow: pip install pyarrow")]
        ) from None
    except Exception as exc:  # any reader failure is bad input here
        raise ScenarioError(
            [ScenarioIssue(file, None, "", f"not a readable Parquet table: {exc}")]
        ) from None
    # Parquet has no lines: the "line" is the 1-based row number.
    return [
        (
            Loc(file, index + 1),
            {str(k): str(v) for k, v in row.items() if str(v).strip() and str(v) != "nan"},
        )
        for index, row in enumerate(frame.to_dict("records"))
    ]


def _require(loc: Loc, row: dict[str, str], columns: tuple[str, ...]) -> list[ScenarioIssue]:
    return [
        ScenarioIssue(loc.file, loc.line, c, "this column needs a value on every row")
        for c in columns
        if c not in row
    ]


def installed_table(path: Path, at: Loc) -> LDict:
    """``year, installed_h100e`` → ``{year: installed_h100e}``."""
    out = LDict(loc=at)
    issues: list[ScenarioIssue] = []
    for loc, row in _rows(path):
        issues += _require(loc, row, ("year", "installed_h100e"))
        if "year" in row and "installed_h100e" in row:
            out[row["year"]] = row["installed_h100e"]
            out.key_locs[row["year"]] = loc
    if issues:
        raise ScenarioError(issues)
    return out


def mix_table(path: Path, at: Loc) -> LDict:
    """``year, product, share`` → ``{product: {year: share}}``."""
    out = LDict(loc=at)
    issues: list[ScenarioIssue] = []
    for loc, row in _rows(path):
        issues += _require(loc, row, ("year", "product", "share"))
        if {"year", "product", "share"} <= row.keys():
            product = row["product"]
            if product not in out:
                out[product] = LDict(loc=loc)
                out.key_locs[product] = loc
            out[product][row["year"]] = row["share"]
            out[product].key_locs[row["year"]] = loc
    if issues:
        raise ScenarioError(issues)
    return out


def entity_table(path: Path, at: Loc, list_fields: frozenset[str]) -> LList:
    """One entity per row; ``list_fields`` are split on ``;``."""
    out = LList(loc=at)
    for loc, row in _rows(path):
        item = LDict(loc=loc)
        for column, text in row.items():
            value: Any = text
            if column in list_fields:
                value = LList([part.strip() for part in text.split(";")], loc=loc)
            item[column] = value
            item.key_locs[column] = loc
        out.append(item)
        out.item_locs.append(loc)
    return out

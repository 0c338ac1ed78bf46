"""``fabnet validate``, ``fabnet schema`` and ``fabnet catalog``: the inputs and their sources."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from fabnet.cli._options import DEFAULT_SCENARIO, ScenarioArg, examples
from fabnet.cli._shared import console, load, outputs

__all__ = [
    "CATALOG_EXAMPLES",
    "SCHEMA_EXAMPLES",
    "VALIDATE_EXAMPLES",
    "catalog",
    "schema",
    "validate",
]

VALIDATE_EXAMPLES = examples(
    "fabnet validate",
    "fabnet validate my-scenario.yaml --sources",
    note="Exit code 2 and one line per problem when the scenario is invalid.",
)


def validate(
    scenario: ScenarioArg = DEFAULT_SCENARIO,
    sources: Annotated[
        bool, typer.Option("--sources", help="List every catalog figure used, with its source.")
    ] = False,
) -> None:
    """Check a scenario and print its summary and the provenance of its catalog figures."""
    from rich.table import Table

    from fabnet.scenario import provenance, summary

    loaded, catalog = load(scenario)
    out = console()
    table = Table(title=f"Scenario {loaded.name} — valid", title_justify="left")
    table.add_column("section", style="bold")
    table.add_column("item")
    table.add_column("value", overflow="fold")
    for row in summary(loaded, catalog):
        table.add_row(row.section, row.item, row.value)
    out.print(table)

    figures = provenance(loaded, catalog)
    counts: dict[str, Counter[str]] = {}
    for name, figure in figures:
        counts.setdefault(name, Counter())[figure.kind] += 1
    kinds = ("official", "press", "analyst", "estimate")
    prov = Table(title=f"Catalog figures used: {len(figures)}", title_justify="left")
    prov.add_column("table", style="bold")
    for kind in kinds:
        prov.add_column(kind, justify="right")
    for name, counter in counts.items():
        prov.add_row(name, *(str(counter.get(k, 0)) for k in kinds))
    out.print(prov)
    if sources:
        detail = Table(title="Sources", title_justify="left")
        for column in ("table", "entry", "parameter", "value", "kind", "date"):
            detail.add_column(column, no_wrap=column != "value", max_width=30)
        detail.add_column("source", min_width=24, overflow="fold")
        for name, f in figures:
            value = ";".join(f.value) if isinstance(f.value, tuple) else str(f.value)
            year = "" if f.year is None else f"@{f.year}"
            detail.add_row(
                name,
                "/".join(f.key),
                f.parameter + year,
                f"{value} {f.unit}",
                f.kind,
                f.date,
                f.source,
            )
        out.print(detail)
    else:
        out.print("Every figure's source: fabnet validate --sources, or fabnet catalog TABLE.")


SCHEMA_EXAMPLES = examples(
    "fabnet schema > scenario.schema.json",
    "fabnet schema --out scenario.schema.json",
    "fabnet schema --fab --out fab.schema.json",
)


def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    fab: Annotated[
        bool, typer.Option("--fab", help="The schema of fab files (fabnet fab) instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of scenario files, or of fab files with --fab (for editor
    autocompletion and checks)."""
    import json

    from fabnet.outputs import write_atomic
    from fabnet.scenario import json_schema_text

    outputs(file=out, file_option="--out")
    if fab:
        from fabnet.fab._load import fab_json_schema

        text = json.dumps(fab_json_schema(), indent=2, ensure_ascii=False)
    else:
        text = json_schema_text()
    if out is None:
        typer.echo(text)
    else:
        write_atomic(out, text + "\n", option="--out")
        typer.echo(f"wrote {out}", err=True)


CATALOG_EXAMPLES = examples(
    "fabnet catalog",
    "fabnet catalog accelerators",
    "fabnet catalog fabs --csv > fabs.csv",
    "fabnet catalog --check",
)


def catalog(
    table: Annotated[
        str | None, typer.Argument(help="A table to print (omit to list the tables).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Verify the catalog's integrity (exit 4 if not).")
    ] = False,
    csv: Annotated[bool, typer.Option("--csv", help="Print the table as CSV.")] = False,
) -> None:
    """List the reference catalog's tables, print one with the source of every figure, or
    check the catalog's integrity."""
    from rich.table import Table

    from fabnet.catalog import KINDS, TABLES, check_catalog, load_catalog
    from fabnet.exceptions import CatalogError, ParameterError

    out = console()
    if check:
        problems = check_catalog()
        if problems:
            err = console(stderr=True)
            for problem in problems:
                err.print(problem, markup=False, soft_wrap=True)
            err.print(f"catalog check failed: {len(problems)} problem(s)", markup=False)
            raise typer.Exit(CatalogError.exit_code)
        cat = load_catalog()
        n = sum(len(cat.figures(t)) for t in cat.names())
        out.print(
            f"catalog OK: {n} figures in {len(cat.names())} tables, every one with"
            " a source, date and kind; ids unique; units known; references resolve."
        )
        return
    cat = load_catalog()
    if table is None:
        listing = Table(title="fabnet reference catalog", title_justify="left")
        for column in ("table", "entries", "figures", *KINDS, "description"):
            listing.add_column(column, overflow="fold")
        for name in cat.names():
            kinds = Counter(f.kind for f in cat.figures(name))
            listing.add_row(
                name,
                str(len(cat.ids(name))),
                str(len(cat.figures(name))),
                *(str(kinds.get(k, 0)) for k in KINDS),
                TABLES[name].description,
            )
        out.print(listing)
        out.print("Print one: fabnet catalog TABLE (add --csv for CSV).")
        return
    if table not in TABLES:
        raise ParameterError("TABLE", f"one of {', '.join(TABLES)}", table)
    frame = cat.frame(table)
    if csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    keys = list(TABLES[table].keys)
    frame = frame[[*keys, "parameter", "year", "value", "unit", "kind", "date", "source"]]
    view = Table(title=f"{table}: {TABLES[table].description} (notes: --csv)", title_justify="left")
    for column in frame.columns[:-1]:
        if column == "value":
            view.add_column(column, max_width=36, overflow="fold")
        else:
            view.add_column(str(column), no_wrap=True)
    view.add_column("source", min_width=24, overflow="fold")
    for record in frame.itertuples(index=False):
        view.add_row(*("" if v is None or str(v) in {"<NA>", "nan"} else str(v) for v in record))
    out.print(view)

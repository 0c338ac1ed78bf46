"""Bad fab files: every problem at once, each located as FILE:LINE: field: message (got VALUE),
through :func:`fabnet.fab.load_fab` of a small file in tmp_path (fabnet.fab._load)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fabnet.exceptions import ScenarioError, ScenarioIssue
from fabnet.fab import load_fab

#: A valid fab file; the tests change one line at a time (the numbers on the right).
TEXT = """\
name: tiny
periods: {first: 2026Q1, last: 2026Q2}
tool_types:
  - {id: T1, workstation: W1, availability: 0.9, utilisation: 0.8, footprint_m2: 10, capex_musd: 5}
  - {id: T2, workstation: W2, availability: 0.9, utilisation: 0.8, footprint_m2: 10, capex_musd: 5}
routes:
  - id: P
    steps:
      - {workstation: W1, rpt_min: {T1: 6}}
      - {workstation: W2, rpt_min: {T2: 3}}
fabs:
  - {id: F1, floor_m2: 1000, tools: {T1: 1, T2: 1}}
demand:
  table:
    - {product: P, period: 2026Q1, wafers_per_week: 1000}
    - {product: P, period: 2026Q2, wafers_per_week: 1000}
"""
#   1 name, 2 periods, 4 T1, 5 T2, 9 step 1, 10 step 2, 12 F1, 14 table, 15-16 demand rows


def write(tmp_path: Path, lines: dict[int, str | None], name: str = "fab.yaml") -> Path:
    """TEXT with line n replaced by ``lines[n]`` (None: deleted), written to tmp_path."""
    text = TEXT.splitlines()
    for number, line in sorted(lines.items(), reverse=True):
        if line is None:
            del text[number - 1]
        else:
            text[number - 1] = line
    path = tmp_path / name
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def issues_of(path: Path) -> list[ScenarioIssue]:
    with pytest.raises(ScenarioError) as info:
        load_fab(path)
    assert info.value.exit_code == 2
    return list(info.value.issues)


def only(path: Path) -> ScenarioIssue:
    """The one issue of the fab file at *path*."""
    found = issues_of(path)
    assert len(found) == 1, [str(i) for i in found]
    return found[0]


def test_the_small_file_is_valid(tmp_path: Path) -> None:
    spec = load_fab(write(tmp_path, {}))
    assert [t.id for t in spec.tool_types] == ["T1", "T2"]
    assert spec.periods.labels == ["2026Q1", "2026Q2"]


def test_a_route_naming_an_unknown_workstation(tmp_path: Path) -> None:
    path = write(tmp_path, {10: "      - {workstation: W9, rpt_min: {T2: 3}}"})
    issue = only(path)
    assert str(issue) == (
        f"{path}:10: routes[0].steps[1].workstation: unknown workstation (known: W1, W2) (got 'W9')"
    )


def test_a_step_no_tool_type_can_run(tmp_path: Path) -> None:
    issue = only(write(tmp_path, {10: "      - {workstation: W2, rpt_min: {}}"}))
    assert (issue.line, issue.loc) == (10, "routes[0].steps[1].rpt_min")
    assert issue.message == "must have at least 1 item"


def test_a_step_only_types_neither_sold_nor_installed_can_run(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            5: "  - {id: T2, workstation: W2, availability: 0.9, footprint_m2: 10, capex_musd: 5,"
            " buyable: false}",
            12: "  - {id: F1, floor_m2: 1000, tools: {T1: 1}}",
        },
    )
    assert str(only(path)) == (
        f"{path}:10: routes[0].steps[1].rpt_min: no tool type able to run this step can be"
        " bought or is installed in a fab that may run the route (got ['T2'])"
    )
    # T2 installed only in a fab that may not run the route: fine while T2 is sold …
    other = "  - {id: F2, floor_m2: 1000, tools: {T2: 1}, products: []}"
    load_fab(write(tmp_path, {12: "  - {id: F1, floor_m2: 1000, tools: {T1: 1}}\n" + other}))
    path = write(
        tmp_path,
        {
            5: "  - {id: T2, workstation: W2, availability: 0.9, footprint_m2: 10, capex_musd: 5,"
            " buyable: false}",
            12: "  - {id: F1, floor_m2: 1000, tools: {T1: 1}}\n" + other,
        },
    )
    assert only(path).loc == "routes[0].steps[1].rpt_min"  # … not sold: no fab can run step 2


def test_a_negative_rpt(tmp_path: Path) -> None:
    path = write(tmp_path, {10: "      - {workstation: W2, rpt_min: {T2: -3}}"})
    assert str(only(path)) == (
        f"{path}:10: routes[0].steps[1].rpt_min.T2: must be greater than 0 (got -3)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "must be greater than 0"), ("1.5", "must be less than or equal to 1")],
)
def test_a_utilisation_outside_zero_to_one(tmp_path: Path, value: str, message: str) -> None:
    line = TEXT.splitlines()[4].replace("utilisation: 0.8", f"utilisation: {value}")
    path = write(tmp_path, {5: line})
    assert str(only(path)) == f"{path}:5: tool_types[1].utilisation: {message} (got {value})"


def test_a_utilisation_of_one_is_allowed(tmp_path: Path) -> None:
    line = TEXT.splitlines()[4].replace("utilisation: 0.8", "utilisation: 1")
    assert load_fab(write(tmp_path, {5: line})).tool_types[1].utilisation == 1.0


def test_a_demand_table_with_a_missing_period(tmp_path: Path) -> None:
    path = write(tmp_path, {16: None})
    assert str(only(path)) == (
        f"{path}:15: demand.table[0]: no demand of P for 1 period(s): 2026Q2 (give a row for"
        " every period; 0 for none)"
    )


def test_a_demand_csv_table_by_relative_path_is_located_in_the_csv(tmp_path: Path) -> None:
    (tmp_path / "tables").mkdir()
    csv = tmp_path / "tables" / "demand.csv"
    csv.write_text(
        "product,period,wafers_per_week\nP,2026Q1,1000\nQ,2026Q1,5\nP,2026Q3,10\n",
        encoding="utf-8",
    )
    path = write(tmp_path, {14: "  table: tables/demand.csv", 15: None, 16: None})
    found = {(i.file, i.line): str(i) for i in issues_of(path)}
    assert found == {
        (str(csv), 2): f"{csv}:2: demand.table[0]: no demand of P for 1 period(s): 2026Q2 (give"
        " a row for every period; 0 for none)",
        (str(csv), 3): f"{csv}:3: demand.table[1].product: unknown route (known: P) (got 'Q')",
        (str(csv), 4): f"{csv}:4: demand.table[2].period: not a planning period (2026Q1–2026Q2)"
        " (got '2026Q3')",
    }


def test_a_tool_that_fits_in_no_fab(tmp_path: Path) -> None:
    line = TEXT.splitlines()[4].replace("footprint_m2: 10", "footprint_m2: 1500")
    path = write(tmp_path, {5: line})
    assert str(only(path)) == (
        f"{path}:5: tool_types[1].footprint_m2: one tool is larger than the floor of every fab"
        " (the largest: 1,000 m²) (got 1500.0)"
    )


def test_a_duplicate_id(tmp_path: Path) -> None:
    path = write(tmp_path, {12: "  - {id: F1, floor_m2: 1000}\n  - {id: F1, floor_m2: 500}"})
    assert str(only(path)) == f"{path}:13: fabs[1].id: duplicate id (first at fabs[0]) (got 'F1')"


def test_a_duplicate_tool_type_is_checked_as_its_first(tmp_path: Path) -> None:
    # The second T1 (workstation W2) is the duplicate; the routes are checked against the first
    # (W1), so step 1 raises nothing, and T2 is now unknown where the file names it.
    line = TEXT.splitlines()[4].replace("id: T2", "id: T1")
    path = write(tmp_path, {5: line})
    found = [(i.line, i.loc) for i in issues_of(path)]
    assert found == [(5, "tool_types[1].id"), (10, "routes[0].steps[1].rpt_min.T2"),
                     (12, "fabs[0].tools.T2")]  # fmt: skip


def test_extends_the_built_in_example_overriding_one_tool_type(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: mine\nextends: example-3fab\ntool_types:\n  - {id: CLEAN, capex_musd: 6.5}\n",
        encoding="utf-8",
    )
    base, mine = load_fab(), load_fab(path)
    assert mine.name == "mine"
    assert mine.tool_type("CLEAN").capex_musd == 6.5
    assert mine.tool_type("CLEAN").footprint_m2 == base.tool_type("CLEAN").footprint_m2
    assert [t.id for t in mine.tool_types] == [t.id for t in base.tool_types]
    assert mine.routes == base.routes
    assert mine.demand == base.demand
    # A bad figure in the override is reported at the extending file's line.
    path.write_text(
        "name: mine\nextends: example-3fab\ntool_types:\n  - {id: CLEAN, utilisation: 1.2}\n",
        encoding="utf-8",
    )
    clean = [t.id for t in base.tool_types].index("CLEAN")
    assert str(only(path)) == (
        f"{path}:4: tool_types[{clean}].utilisation: must be less than or equal to 1 (got 1.2)"
    )


def test_an_unknown_field_with_did_you_mean(tmp_path: Path) -> None:
    line = TEXT.splitlines()[4].replace("footprint_m2: 10", "footprint_m2: 10, foot_print_m2: 3")
    issue = only(write(tmp_path, {5: line}))
    assert (issue.line, issue.loc) == (5, "tool_types[1].foot_print_m2")
    assert issue.message.startswith("unknown field; did you mean 'footprint_m2'? (allowed: id,")


def test_several_schema_errors_are_all_reported(tmp_path: Path) -> None:
    t1 = TEXT.splitlines()[3].replace("utilisation: 0.8", "utilisation: 0")
    t2 = TEXT.splitlines()[4].replace("capex_musd: 5", "capex_mus: 5")
    path = write(
        tmp_path,
        {4: t1, 5: t2, 9: "      - {workstation: W1, rpt_min: {T1: -6}, batch_wafers: 0}"},
    )
    found = [(i.file, i.line, i.loc) for i in issues_of(path)]
    file = str(path)
    assert sorted(found) == [
        (file, 4, "tool_types[0].utilisation"),
        (file, 5, "tool_types[1].capex_mus"),
        (file, 5, "tool_types[1].capex_musd"),  # missing: the block that starts on line 5
        (file, 9, "routes[0].steps[0].batch_wafers"),
        (file, 9, "routes[0].steps[0].rpt_min.T1"),
    ]


def test_several_reference_errors_are_all_reported(tmp_path: Path) -> None:
    t2 = TEXT.splitlines()[4].replace("footprint_m2: 10", "footprint_m2: 2000")
    path = write(
        tmp_path,
        {
            5: t2,
            10: "      - {workstation: W3, rpt_min: {T2: 3}}",
            12: "  - {id: F1, floor_m2: 1000, tools: {T1: 1, T3: 1}}",
            16: None,
        },
    )
    found = [(i.line, i.loc) for i in issues_of(path)]
    assert found == [
        (5, "tool_types[1].footprint_m2"),
        (10, "routes[0].steps[1].workstation"),
        (12, "fabs[0].tools.T3"),
        (15, "demand.table[0]"),
    ]

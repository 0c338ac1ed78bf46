"""The hostile-input corpus: inputs that once escaped the scenario error (a bare exception, a
hang or an unbounded read), each now a ScenarioError with its file, line and field.

Each case is the smallest file that showed one cause; the mutation fuzz in ``test_fuzz.py``
searches around them. What a later stage (gap, plan, finance, risk) refused on a scenario that
passed ``validate`` is refused by ``validate`` itself, with its line (the last cases here).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from fabnet.exceptions import ScenarioError, ScenarioIssue
from fabnet.scenario import json_schema, load_scenario

HEAD = "name: hostile\nextends: altman-2024\n"


def _issues(path: Path | str, timeout: float = 30.0) -> tuple[ScenarioIssue, ...]:
    """The issues of loading *path*, in a thread so that a hang fails instead of blocking."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            load_scenario(Path(path))
        except BaseException as exc:  # the test inspects whatever came
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), f"loading {path} hangs"
    error = outcome[0]
    assert isinstance(error, ScenarioError), f"expected a ScenarioError, got {error!r}"
    return error.issues


def _one(path: Path | str) -> ScenarioIssue:
    issues = _issues(path)
    assert len(issues) == 1, issues
    return issues[0]


def _write(folder: Path, text: str, name: str = "s.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- values YAML cannot convert


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1" + "0" * 4300, "is not a valid int (integers are limited to 4,300 digits)"),
        ("!!bool maybe", "'maybe' is not a valid bool"),
        ("!!int 1.5", "'1.5' is not a valid int"),
        ("!!int", "'' is not a valid int"),
        ("!!float x", "'x' is not a valid float"),
        ("!!timestamp x", "'x' is not a valid timestamp"),
        ("!!map [1]", "a sequence cannot be read as !!map"),
        ("!!seq {a: 1}", "a mapping cannot be read as !!seq"),
    ],
)
def test_a_value_yaml_cannot_convert_is_located(tmp_path: Path, value: str, message: str) -> None:
    path = _write(tmp_path, f"{HEAD}horizon:\n  start_year: {value}\n")
    issue = _one(path)
    assert (issue.file, issue.line) == (str(path), 4)
    assert issue.message.startswith("not valid YAML: ")
    assert message in issue.message


def test_a_whole_document_its_tag_cannot_build(tmp_path: Path) -> None:
    issue = _one(_write(tmp_path, "!!map [1]\n"))
    assert issue.line == 1
    assert "cannot be built from its tag" in issue.message


def test_a_huge_integer_is_reported_by_its_size(tmp_path: Path) -> None:
    # 0x… has no digit limit in Python, but str() of the result has: the message must not fail.
    path = _write(tmp_path, f"{HEAD}horizon:\n  start_year: 0x{'f' * 4000}\n")
    issue = _one(path)
    assert (issue.line, issue.loc) == (4, "horizon.start_year")
    assert issue.got == "an integer of about 4,817 digits"


def test_a_date_key_is_reported_as_written(tmp_path: Path) -> None:
    path = _write(tmp_path, f"{HEAD}demand:\n  installed:\n    growth: {{2024-01-01: 2}}\n")
    issue = _one(path)
    assert (issue.line, issue.loc) == (5, "demand.installed.growth.2024-01-01")
    assert issue.message.startswith("the key must be a valid integer")
    assert "catalog or a default" not in issue.message
    assert issue.got == "2024-01-01"


# ----------------------------------------------------------------------- paths and file types


def test_a_nul_byte_in_an_extends_path(tmp_path: Path) -> None:
    issue = _one(_write(tmp_path, 'name: x\nextends: "a\\0b.yaml"\n'))
    assert (issue.line, issue.loc) == (2, "extends")
    assert issue.message == "the scenario path contains a NUL byte"


def test_a_nul_byte_in_a_table_path(tmp_path: Path) -> None:
    path = _write(tmp_path, f'{HEAD}demand:\n  installed:\n    table: "t\\0.csv"\n')
    issue = _one(path)
    assert (issue.line, issue.loc) == (5, "demand.installed.table")
    assert issue.message == "the table path contains a NUL byte"


def test_symlink_loops_as_scenario_parent_and_table(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "t.csv").symlink_to(tmp_path / "t.csv")
    assert "symlink loop" in _one(tmp_path / "a.yaml").message
    parent = _one(_write(tmp_path, "name: x\nextends: a.yaml\n", "child.yaml"))
    assert (parent.line, parent.loc) == (2, "extends")
    assert "symlink loop" in parent.message
    table = _one(_write(tmp_path, f"{HEAD}demand:\n  installed:\n    table: t.csv\n", "t.yaml"))
    assert (table.line, table.loc) == (5, "demand.installed.table")
    assert "symlink loop" in table.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_at_once_as_scenario_parent_and_table(tmp_path: Path) -> None:
    # Reading a FIFO nobody writes to blocks forever: it must be refused by its type.
    os.mkfifo(tmp_path / "f.yaml")
    os.mkfifo(tmp_path / "f.csv")
    assert "is a FIFO (named pipe)" in _one(tmp_path / "f.yaml").message
    issues = _issues(_write(tmp_path, "name: x\nextends: f.yaml\n", "child.yaml"))
    assert any("is a FIFO" in issue.message for issue in issues)
    text = f"{HEAD}demand:\n  installed:\n    table: f.csv\n"
    assert "is a FIFO" in _one(_write(tmp_path, text, "t.yaml")).message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_or_a_link_to_one_is_refused(tmp_path: Path) -> None:
    # /dev/zero reports 0 bytes and never ends: a size check alone reads it until memory runs out.
    (tmp_path / "z.yaml").symlink_to("/dev/zero")
    assert _one(tmp_path / "z.yaml").message == (
        "is a character device, not a regular scenario file"
    )
    assert "character device" in _one(Path("/dev/zero")).message


# ----------------------------------------------------------------------------------- CSV tables


def test_a_csv_header_field_over_the_csv_limit(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_text("x" * 140_000 + ",a\n2024,1\n", encoding="utf-8")
    path = _write(tmp_path, f"{HEAD}demand:\n  installed:\n    table: big.csv\n")
    issue = _one(path)
    assert (issue.file, issue.line) == (str(tmp_path / "big.csv"), 1)
    assert "field larger than field limit" in issue.message


def test_a_csv_with_carriage_return_line_ends_reads_as_rows(tmp_path: Path) -> None:
    table = "year,installed_h100e\r2022,700000\r2023,2200000\r2024,8200000\r2025,24400000\r"
    (tmp_path / "cr.csv").write_bytes(table.encode())
    path = _write(tmp_path, f"{HEAD}demand:\n  installed:\n    table: cr.csv\n")
    scenario = load_scenario(path)
    assert scenario.demand.installed.table == {
        2022: 7e5,
        2023: 2.2e6,
        2024: 8.2e6,
        2025: 2.44e7,
    }


def test_an_empty_share_path_is_refused(tmp_path: Path) -> None:
    # Once it passed validate and ended in an IndexError in gap and plan.
    issue = _one(_write(tmp_path, f"{HEAD}supply: {{ai_share: {{N7: {{}}}}}}\n"))
    assert (issue.line, issue.loc) == (3, "supply.ai_share.N7")
    assert "must have at least 1 item" in issue.message


# ------------------------------------------------------------------- plausible ranges (schema)


def _numbers(node: object, path: str = "") -> list[tuple[str, dict[str, object]]]:
    """Every numeric schema in *node*, with its path."""
    found: list[tuple[str, dict[str, object]]] = []
    if isinstance(node, dict):
        if node.get("type") in ("number", "integer"):
            found.append((path, node))
        for key, value in node.items():
            found += _numbers(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _numbers(value, f"{path}[{i}]")
    return found


def test_every_number_in_the_schema_has_a_plausible_range() -> None:
    numbers = _numbers(json_schema())
    assert len(numbers) > 100
    unbounded = [
        path
        for path, schema in numbers
        if not ({"minimum", "exclusiveMinimum"} & schema.keys())
        or not ({"maximum", "exclusiveMaximum"} & schema.keys())
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    ("block", "loc", "message"),
    [
        (
            "uncertainty:\n  inputs:\n  - {id: g, target: demand_growth, distribution: lognormal,"
            " median: 1, sigma: 10, source: s}\n  correlations: []\n",
            "uncertainty.inputs[0].sigma",
            "must be less than or equal to 2",
        ),
        (
            "uncertainty:\n  inputs:\n  - {id: g, target: demand_growth, distribution: lognormal,"
            " median: 1, sigma: 1, source: s}\n  correlations: []\n",
            "uncertainty.inputs[0]",
            "draws demand_growth from 0.04549 to 21.98 (0.1 %–99.9 %), outside [0, 10]",
        ),
        (
            "uncertainty:\n  inputs:\n  - {id: g, target: capex_overrun, distribution: bernoulli,"
            " annual_probability: 0.1, capacity_lost: 0.1, duration_years: 1, source: s}\n"
            "  correlations: []\n",
            "uncertainty.inputs[0]",
            "a disruption is a bernoulli event",
        ),
        ("finance: {prices: {N3: 1.0e+12}}\n", "finance.prices.N3", "less than or equal to"),
        ("solver: {threads: 1180591620717411303424}\n", "solver.threads", "less than or equal"),
        ("horizon: {step_years: 3}\n", "horizon.step_years", "only annual steps are modelled"),
    ],
)
def test_values_outside_their_plausible_range_are_refused(
    tmp_path: Path, block: str, loc: str, message: str
) -> None:
    issue = _one(_write(tmp_path, HEAD + block))
    assert issue.loc == loc
    assert message in issue.message


# ------------------------------------------- refusals of later stages, moved into validate


def test_an_interposer_too_large_for_the_wafer(tmp_path: Path) -> None:
    text = (
        f"{HEAD}products:\n  - id: B200\n    interposer_reticles: 70\n"
        "    interposer_width_mm: null\n    interposer_height_mm: null\n"
    )
    issue = _one(_write(tmp_path, text))
    assert (issue.line, issue.loc) == (5, "products[0].interposer_reticles")
    assert "wafer must yield at least one good package" in issue.message


@pytest.mark.parametrize(
    ("growth", "message"),
    [
        # 9 reticles × 1.18^k (a generation a year) reaches 78 by 2040: under the 82 of a
        # wafer's area, but from some generation on no package fits on the wafer.
        (1.18, "its generation NVIDIA-20"),
        # 9 × 3.9² = 137 reticles in 2029: more than a wafer's area.
        (3.9, "a generation by 2040 grows interposer_reticles out of range"),
    ],
)
def test_a_successor_whose_interposer_outgrows_the_wafer(
    tmp_path: Path, growth: float, message: str
) -> None:
    text = (
        f"{HEAD}demand:\n  successors:\n  - {{after: RUBIN-ULTRA, first_year: 2028, h100e_growth:"
        f" 1.29, cadence_years: 1, interposer_growth: {growth}, nodes: [A16],"
        " hbm_generations: [HBM4E-16H],"
        " source: x}\n"
    )
    issue = _one(_write(tmp_path, text))
    assert (issue.line, issue.loc) == (5, "demand.successors[0]")
    assert issue.message.startswith(message), issue.message


def test_a_successor_trend_compounding_out_of_range(tmp_path: Path) -> None:
    text = (
        f"{HEAD}demand:\n  successors:\n  - {{after: RUBIN-ULTRA, first_year: 2028, h100e_growth:"
        " 9, nodes: [A16], hbm_generations: [HBM4E-16H], source: x}\n"
    )
    issue = _one(_write(tmp_path, text))
    assert issue.loc == "demand.successors[0]"
    assert "grows h100e_per_unit out of range" in issue.message


def test_a_successor_of_a_board_or_of_nothing(tmp_path: Path) -> None:
    text = (
        f"{HEAD}demand:\n  successors:\n  - {{after: GB200, first_year: 2028, h100e_growth: 1.2,"
        " source: x}\n"
    )
    issue = _one(_write(tmp_path, text))
    assert (issue.loc, issue.got) == ("demand.successors[0].after", "'GB200'")
    assert issue.message.startswith("unknown product")


def test_a_perpetuity_growing_as_fast_as_the_discount_rate(tmp_path: Path) -> None:
    text = f"{HEAD}finance:\n  terminal_value: perpetuity\n  terminal_growth: 0.1\n"
    issue = _one(_write(tmp_path, text))
    assert (issue.line, issue.loc) == (5, "finance.terminal_growth")
    assert "must be below policy.discount_rate (0.08)" in issue.message


def test_an_acquisition_without_a_price_of_a_partner_without_a_book_value(tmp_path: Path) -> None:
    text = (
        f"{HEAD}finance:\n  strategies:\n    acquisitions:\n"
        "      - {target: rapidus, premium: 0.3}\n"
    )
    issue = _one(_write(tmp_path, text))
    assert issue.loc == "finance.strategies.acquisitions[0].price_musd"
    assert "no book_value_musd" in issue.message


def test_a_successor_naming_unknown_nodes_and_generations(tmp_path: Path) -> None:
    # Found by the mutation fuzz: the roadmap looked the node up in the catalog and failed.
    text = (
        f"{HEAD}demand:\n  successors:\n  - {{after: RUBIN-ULTRA, first_year: 2028, h100e_growth:"
        " 1.2, nodes: [A, A16], hbm_generations: [HBM9], source: x}\n"
    )
    issues = _issues(_write(tmp_path, text))
    assert [(i.loc, i.got) for i in issues] == [
        ("demand.successors[0].nodes[0]", "'A'"),
        ("demand.successors[0].hbm_generations[0]", "'HBM9'"),
    ]
    assert issues[0].message.startswith("unknown logic resource (known: A16, N2")

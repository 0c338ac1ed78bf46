"""Bad scenarios: every problem at once, each located as FILE:LINE: field: message (got VALUE)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fabnet.exceptions import ScenarioError, ScenarioIssue
from fabnet.scenario import load_scenario
from fabnet.scenario._located import MAX_EXPANDED_NODES, MAX_FILE_BYTES


def _issues(path: Path | str) -> list[ScenarioIssue]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return list(info.value.issues)


def _write(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_several_errors_at_once_each_with_its_line(tmp_path: Path, small_text: str) -> None:
    lines = small_text.splitlines()
    lines[3] = "  end_year: soon"  # line 4: wrong type
    lines[9] = "  service_lifetime_years: 4"  # line 10: unknown key, close to a real one
    lines[17] = "    partners: [test-partnr]"  # line 18: a reference that does not exist
    lines[18] = "    max_modules: -4"  # line 19: out of range
    del lines[31]  # line 32 "    country: AE": a missing field in the investor block
    path = _write(tmp_path, "\n".join(lines) + "\n")
    issues = _issues(path)
    found = {(i.line, i.loc): i for i in issues}
    assert all(i.file == str(path) for i in issues)
    assert found[4, "horizon.end_year"].got == "'soon'"
    unknown = found[10, "demand.service_lifetime_years"]
    assert "unknown field; did you mean 'service_life_years'?" in unknown.message
    assert "allowed: installed, service_life_years, mix, mix_flexibility" in unknown.message
    bad_ref = found[18, "sites[0].partners[0]"]
    assert "unknown partner; did you mean 'test-partner'?" in bad_ref.message
    assert bad_ref.got == "'test-partnr'"
    assert found[19, "sites[0].max_modules"].got == "-4"
    assert "greater than or equal to 0" in found[19, "sites[0].max_modules"].message
    missing = found[29, "investors[0].country"]  # points at the block "- id: test-fund"
    assert "missing (in the block that starts on this line)" in missing.message
    assert missing.got is None
    assert len(issues) == 5
    # The rendering is FILE:LINE: field: message (got VALUE)
    assert str(found[19, "sites[0].max_modules"]).startswith(
        f"{path}:19: sites[0].max_modules: must be greater than or equal to 0 (got -4)"
    )


def test_cross_section_rules(tmp_path: Path, small_text: str) -> None:
    text = small_text.replace(
        "    H100: {2025: 1.0, 2030: 0.0}", "    H100: {2025: 0.9, 2030: 0.0}"
    )
    text = text.replace("  end_year: 2030", "  end_year: 2020")
    text = text.replace("    country: AE\n", "    country: XX\n")
    text += "policy:\n  regional_caps: {TW: 0.5, MARS: 0.1}\n  objective: max_compute\n"
    issues = _issues(_write(tmp_path, text))
    messages = {i.loc: i.message for i in issues}
    assert "end_year must be after start_year" in messages["horizon"]
    assert "mix shares must sum to 1 in every given year (2025: 0.9)" in messages["demand"]
    assert messages["investors[0].country"].startswith("unknown country")
    assert messages["policy.regional_caps.MARS"].startswith("unknown region")
    assert "objective max_compute needs budget_musd" in messages["policy"]


def test_duplicate_ids_and_unknown_products(tmp_path: Path, small_text: str) -> None:
    text = small_text.replace(
        "    B200: {2025: 0.0, 2030: 1.0}", "    B2000: {2025: 0.0, 2030: 1.0}"
    )
    text += (
        "  - id: test-fund\n    name: Again\n    type: lab\n    country: US\n"
        "    commitment_musd: 1\n    annual_cap_musd: 1\n    countries: [US]\n"
    )
    issues = _issues(_write(tmp_path, text))
    by_loc = {i.loc: i for i in issues}
    assert "did you mean 'B200'?" in by_loc["demand.mix.B2000"].message
    assert by_loc["investors[1].id"].message == "duplicate id (first at investors[0])"
    assert by_loc["investors[1].id"].line == 36


def test_catalog_value_overridden_badly_points_at_the_override(tmp_path: Path) -> None:
    text = "name: x\nextends: altman-2024\npartners:\n  - id: tsmc\n    max_starts_per_year: -1\n"
    (issue,) = _issues(_write(tmp_path, text))
    assert (issue.line, issue.loc) == (5, "partners[0].max_starts_per_year")


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ("name: x\nhorizon: [1, 2\n", "not valid YAML", 3),
        ("", "the file is empty", None),
        ("   \n# only a comment\n", "the file is empty", None),
        ("- a\n- b\n", "a scenario must be a YAML mapping", 1),
        ("just text\n", "a scenario must be a YAML mapping", 1),
        ("name: a\nname: b\n", "duplicate key 'name'", 2),
        ("name: x\n\tbad: tab\n", "not valid YAML", 2),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", None),
        (b"name: \xff\xfe caf\xe9\n", "not UTF-8 text", None),
        ("? [a, b]\n: c\n", "not valid YAML", 1),
        ("name: !!python/object:os.system x\n", "not valid YAML", 1),
    ],
)
def test_garbage_files(
    tmp_path: Path, content: str | bytes, message: str, line: int | None
) -> None:
    path = _write(tmp_path, content)
    (issue,) = _issues(path)
    assert message in issue.message
    assert issue.file == str(path)
    assert issue.line == line


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        levels.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    (issue,) = _issues(_write(tmp_path, "\n".join(levels) + "\nname: bomb\n"))
    assert f"more than {MAX_EXPANDED_NODES:,} values" in issue.message


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    (issue,) = _issues(_write(tmp_path, "name: &a [*a]\n"))
    assert "alias" in issue.message or "not valid YAML" in issue.message


def test_too_large_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: x\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    (issue,) = _issues(path)
    assert "too large" in issue.message


def test_unreadable_paths(tmp_path: Path) -> None:
    (missing,) = _issues(tmp_path / "nope.yaml")
    assert missing.message == "no such scenario file"
    (folder,) = _issues(tmp_path)
    assert "is a directory" in folder.message


def test_unknown_builtin_name() -> None:
    (issue,) = _issues("altman-2025")
    assert "no built-in scenario named 'altman-2025'" in issue.message
    assert "altman-2024" in issue.message


def test_extends_unknown_name_is_located(tmp_path: Path) -> None:
    (issue,) = _issues(_write(tmp_path, "name: x\nextends: altmann-2024\n"))
    assert (issue.line, issue.loc) == (2, "extends")
    assert issue.got == "'altmann-2024'"


def test_extends_cycle(tmp_path: Path) -> None:
    _write(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml")
    _write(tmp_path, "name: b\nextends: a.yaml\n", "b.yaml")
    issues = _issues(tmp_path / "a.yaml")
    cycle = [i for i in issues if "cycle" in i.message]
    assert cycle
    assert cycle[0].loc == "extends"
    assert "a.yaml → " in cycle[0].message


def test_extends_a_broken_file_names_both(tmp_path: Path) -> None:
    _write(tmp_path, "name: b\nhorizon: {start_year: 2030, end_year: 2025}\n", "b.yaml")
    issues = _issues(_write(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml"))
    files = {Path(i.file).name for i in issues if i.file}
    assert files == {"a.yaml", "b.yaml"}


def test_table_path_errors(tmp_path: Path, small_text: str) -> None:
    head, _, rest = small_text.partition("sites:\n")
    text = head + "sites: sites.txt\n" + rest[rest.index("partners:\n") :]
    (issue,) = _issues(_write(tmp_path, text))
    assert "must end in .csv or .parquet" in issue.message
    text = head + "sites: missing.csv\n" + rest[rest.index("partners:\n") :]
    (issue,) = _issues(_write(tmp_path, text))
    assert issue.message == "no such table file"


# -- product geometry and HBM generations -----------------------------------------------------


def test_unknown_hbm_generation_is_located_and_lists_the_known(tmp_path: Path) -> None:
    text = "name: x\nextends: altman-2024\nproducts:\n  - id: H100\n    hbm_generation: HBM3E8H\n"
    (issue,) = _issues(_write(tmp_path, text))
    assert issue.line == 5
    assert issue.loc.endswith("].hbm_generation")
    assert "unknown HBM generation; did you mean 'HBM3E-8H'?" in issue.message
    assert "known: HBM2E-8H, HBM3-12H, HBM3-8H, HBM3E-12H, HBM3E-8H" in issue.message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # An inherited interposer_reticles and a new area: say which one.
        ("    interposer_area_mm2: 2000\n", "give interposer_reticles or interposer_area_mm2"),
        # Width × height must agree with the area they refine.
        (
            "    logic_die_width_mm: 20\n    logic_die_height_mm: 20\n",
            "logic_die_width_mm × logic_die_height_mm = 400 mm² must agree with the logic_die's"
            " area of 800 mm² within 5%",
        ),
        ("    interposer_width_mm: 60\n    interposer_height_mm: null\n", "together"),
        (
            "    interposer_reticles: null\n    interposer_width_mm: null\n"
            "    interposer_height_mm: null\n",
            "a packaged product needs interposer_reticles",
        ),
    ],
)
def test_product_geometry_errors(tmp_path: Path, fields: str, message: str) -> None:
    text = "name: x\nextends: altman-2024\nproducts:\n  - id: B200\n" + fields
    issues = _issues(_write(tmp_path, text))
    assert any(message in i.message for i in issues), issues
    assert all(i.loc.startswith("products[") for i in issues)


def test_overriding_an_inherited_interposer_with_nulls_works(tmp_path: Path) -> None:
    text = (
        "name: x\nextends: altman-2024\nproducts:\n  - id: B200\n    interposer_reticles: null\n"
        "    interposer_width_mm: null\n    interposer_height_mm: null\n"
        "    interposer_area_mm2: 3000\n"
    )
    scenario = load_scenario(_write(tmp_path, text))
    (b200,) = [p for p in scenario.products if p.id == "B200"]
    assert b200.interposer_mm2 == 3000.0

"""Loading scenarios: built-ins, files, text, mappings, extends, tables, catalog defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from fabnet.exceptions import ScenarioError
from fabnet.scenario import builtin_names, load_scenario, save_scenario


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_altman_2024() -> None:
    assert "altman-2024" in builtin_names()
    scenario = load_scenario("altman-2024")
    assert scenario.name == "altman-2024"
    assert scenario.years[0] == 2024
    assert scenario.years[-1] == 2040
    assert scenario.extends is None
    # Installed compute wanted at the end of 2024: Epoch's all-vendor stock (~6.5 M H100e
    # without China's domestic chain, ai-chip-counts @10c28e4) plus the ~20 % of demand not met.
    installed = scenario.demand.installed.path(scenario.years)
    assert 6e6 <= installed[2024] <= 9e6
    assert len(scenario.sites) >= 15
    assert {p.id for p in scenario.partners} >= {"tsmc", "samsung", "intel", "rapidus"}
    assert {i.id for i in scenario.investors} >= {
        "softbank",
        "g42",
        "mubadala",
        "pif",
        "microsoft",
        "openai",
    }
    # Every product the mix names is there, with its parts.
    ids = {p.id for p in scenario.products}
    assert set(scenario.demand.mix) <= ids
    for product in scenario.products:
        assert set(product.parts or []) <= ids


def test_catalog_entities_are_sourced() -> None:
    scenario = load_scenario("altman-2024")
    for site in scenario.sites:
        assert site.source
        assert site.source.startswith("catalog:sites/")


def test_scenarios_folder_file_extends_the_builtin() -> None:
    root = Path(__file__).resolve().parents[2]
    assert load_scenario(root / "scenarios" / "altman-2024.yaml") == load_scenario("altman-2024")


def test_small_file_text_and_mapping_agree(small_file: Path, small_text: str) -> None:
    import yaml

    from_file = load_scenario(small_file)
    assert load_scenario(small_text) == from_file
    assert load_scenario(yaml.safe_load(small_text)) == from_file
    # The mix named catalog products that `products` did not list: they were added whole.
    assert {p.id for p in from_file.products} == {"H100", "B200"}
    assert from_file.products[0].source == "catalog:accelerators/H100"


@pytest.mark.parametrize("name", ["altman-2024"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    first = load_scenario(name)
    saved = save_scenario(first, tmp_path / "saved.yaml")
    second = load_scenario(saved)
    assert second == first
    assert saved.read_text(encoding="utf-8") == first.to_yaml()
    assert load_scenario(first.to_yaml()) == first


def test_round_trip_small(small_file: Path, tmp_path: Path) -> None:
    first = load_scenario(small_file)
    assert load_scenario(first.save(tmp_path / "again.yaml")) == first


def test_installed_compute_growth_path(small_file: Path) -> None:
    s = load_scenario(small_file)
    path = s.demand.installed.path([2024, 2025, 2026, 2028, 2029])
    assert path[2025] == 1.0e6
    assert path[2026] == 2.0e6
    assert path[2028] == 8.0e6  # ×2 in 2025, 2026, 2027
    assert path[2029] == 12.0e6  # ×1.5 from 2028 on
    assert path[2024] == 0.5e6  # backwards with the first rate


def test_installed_compute_table_is_geometric_between_years(
    tmp_path: Path, small_text: str
) -> None:
    text = small_text.replace(
        "    base_year: 2025\n    base_h100e: 1.0e6\n    growth: {2025: 2.0, 2028: 1.5}\n",
        "    table: {2025: 1.0e6, 2027: 4.0e6}\n",
    )
    s = load_scenario(_write(tmp_path, "t.yaml", text))
    path = s.demand.installed.path([2024, 2025, 2026, 2027, 2030])
    assert path.to_dict() == {2024: 1e6, 2025: 1e6, 2026: pytest.approx(2e6), 2027: 4e6, 2030: 4e6}
    assert path.name == "installed_h100e"
    assert path.index.name == "year"


# -- extends ---------------------------------------------------------------------------------


def test_extends_deep_merges_mappings_and_merges_entities_by_id(tmp_path: Path) -> None:
    base = load_scenario("altman-2024")
    first_site = base.sites[0]
    second_site = base.sites[1]
    child = _write(
        tmp_path,
        "child.yaml",
        f"""\
name: child
extends: altman-2024
demand:
  service_life_years: 6
sites:
  - id: {first_site.id}
    max_modules: 99
  - id: {second_site.id}
    remove: true
  - id: new-site
    name: New site
    country: JP
    partners: [tsmc]
    max_modules: 2
    lat: 35.0
    lon: 135.0
policy:
  regional_caps: null
""",
    )
    s = load_scenario(child)
    assert s.name == "child"
    assert s.demand.service_life_years == 6
    assert s.demand.installed == base.demand.installed  # untouched siblings survive
    by_id = {x.id: x for x in s.sites}
    assert by_id[first_site.id].max_modules == 99
    assert by_id[first_site.id].country == first_site.country  # other fields inherited
    assert by_id[first_site.id].source == f"catalog:sites/{first_site.id} (with scenario changes)"
    assert second_site.id not in by_id
    assert s.sites[-1].id == "new-site"
    assert len(s.sites) == len(base.sites)
    assert s.policy.regional_caps == {}  # null removed the inherited value


def test_extends_a_relative_path_chain(tmp_path: Path, small_text: str) -> None:
    (tmp_path / "sub").mkdir()
    _write(tmp_path, "base.yaml", small_text)
    _write(tmp_path, "sub/mid.yaml", "name: mid\nextends: ../base.yaml\nsolver: {threads: 2}\n")
    top = _write(
        tmp_path, "top.yaml", "name: top\nextends: sub/mid.yaml\nsolver: {time_limit_s: 60}\n"
    )
    s = load_scenario(top)
    assert (s.name, s.solver.threads, s.solver.time_limit_s) == ("top", 2, 60)


def test_remove_needs_something_inherited(tmp_path: Path, small_text: str) -> None:
    text = small_text + "subsidies:\n  - id: nothing\n    remove: true\n"
    with pytest.raises(ScenarioError, match="nothing inherited with this id to remove"):
        load_scenario(_write(tmp_path, "r.yaml", text))


# -- tables ----------------------------------------------------------------------------------


def test_tables_replace_inline_yaml(tmp_path: Path, small_text: str) -> None:
    _write(tmp_path, "installed.csv", "year,installed_h100e\n2025,1000000\n2030,32000000\n")
    _write(
        tmp_path,
        "mix.csv",
        "year,product,share\n2025,H100,1\n2030,H100,0\n2025,B200,0\n2030,B200,1\n",
    )
    _write(
        tmp_path,
        "sites.csv",
        "id,name,country,partners,max_modules,lat,lon\n"
        "test-site,Test site,US,test-partner,4,33.4,-112.0\n"
        "site-2,Second,JP,test-partner;tsmc,3,35.0,135.0\n",
    )
    text = small_text.replace(
        "    base_year: 2025\n    base_h100e: 1.0e6\n    growth: {2025: 2.0, 2028: 1.5}\n",
        "    table: installed.csv\n",
    ).replace(
        "  mix:\n    H100: {2025: 1.0, 2030: 0.0}\n    B200: {2025: 0.0, 2030: 1.0}\n",
        "  mix: mix.csv\n",
    )
    head, _, rest = text.partition("sites:\n")
    text = head + "sites: sites.csv\n" + rest[rest.index("partners:\n") :]
    text = text.replace("max_starts_per_year: 2\n", "max_starts_per_year: 2\n  - id: tsmc\n")
    s = load_scenario(_write(tmp_path, "tables.yaml", text))
    assert s.demand.installed.table == {2025: 1e6, 2030: 3.2e7}
    assert s.demand.mix["B200"] == {2025: 0.0, 2030: 1.0}
    assert [x.id for x in s.sites] == ["test-site", "site-2"]
    assert s.sites[1].partners == ["test-partner", "tsmc"]


def test_a_bad_cell_in_a_table_names_the_table_and_its_line(
    tmp_path: Path, small_text: str
) -> None:
    _write(
        tmp_path,
        "sites.csv",
        "id,name,country,partners,max_modules,lat,lon\n"
        "test-site,Test site,US,test-partner,4,33.4,-112.0\n"
        "site-2,Second,JP,test-partner,-3,35.0,135.0\n",
    )
    head, _, rest = small_text.partition("sites:\n")
    text = head + "sites: sites.csv\n" + rest[rest.index("partners:\n") :]
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, "bad.yaml", text))
    (issue,) = info.value.issues
    assert issue.file is not None
    assert issue.file.endswith("sites.csv")
    assert (issue.line, issue.loc, issue.got) == (3, "sites[1].max_modules", "'-3'")


def test_parquet_tables(tmp_path: Path, small_text: str) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pd.DataFrame({"year": [2025, 2030], "installed_h100e": [1e6, 3.2e7]}).to_parquet(
        tmp_path / "installed.parquet"
    )
    text = small_text.replace(
        "    base_year: 2025\n    base_h100e: 1.0e6\n    growth: {2025: 2.0, 2028: 1.5}\n",
        "    table: installed.parquet\n",
    )
    s = load_scenario(_write(tmp_path, "pq.yaml", text))
    assert s.demand.installed.table == {2025: 1e6, 2030: 3.2e7}


def test_a_mapping_reads_its_tables_and_parent_from_the_working_folder(
    tmp_path: Path, small_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    _write(tmp_path, "base.yaml", small_text)
    _write(tmp_path, "installed.csv", "year,installed_h100e\n2025,1000000\n2030,32000000\n")
    monkeypatch.chdir(tmp_path)
    data = {
        "name": "child",
        "extends": "base.yaml",
        "demand": {
            "installed": {
                "base_year": None,
                "base_h100e": None,
                "growth": None,
                "table": "installed.csv",
            }
        },
    }
    s = load_scenario(data)
    assert s.demand.installed.table == {2025: 1e6, 2030: 3.2e7}
    assert load_scenario(yaml.safe_dump(data)) == s

"""The packaged reference catalog: integrity, coverage, accessors, and the checker itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fabnet.catalog import KINDS, REGIONS, check_catalog, load_catalog
from fabnet.catalog._tables import data_dir
from fabnet.exceptions import CatalogError
from fabnet.units import UNITS


def test_packaged_catalog_has_no_problem() -> None:
    assert check_catalog() == []


def test_every_figure_has_source_date_and_a_known_kind_and_unit() -> None:
    cat = load_catalog()
    for name in cat.names():
        for figure in cat.figures(name):
            assert figure.source, (name, figure)
            assert figure.date, (name, figure)
            assert figure.kind in KINDS
            assert figure.unit in UNITS
            if figure.kind == "estimate":
                assert figure.source.startswith("estimate")


def test_coverage_required_by_the_foundation() -> None:
    cat = load_catalog()
    products = set(cat.ids("accelerators"))
    assert {"A100", "H100", "H200", "B200", "GB200", "MI300X"} <= products
    vendors = {str(cat.get("accelerators", p)["vendor"]) for p in products}
    custom = {v for v in vendors if v.startswith(("Google", "AWS", "Amazon"))}
    assert len(custom) >= 2, "at least two custom accelerators (TPU, Trainium class)"
    assert {"N7", "N5", "N3", "N2", "A16", "HBM", "COWOS"} <= set(cat.ids("resources"))
    assert len(cat.ids("fabs")) >= 25
    operators = {str(cat.get("fabs", f)["operator"]) for f in cat.ids("fabs")}
    for company in ("TSMC", "Samsung", "Intel", "Rapidus", "SK hynix", "Micron"):
        wanted = company.lower().replace(" ", "")
        assert any(wanted in op.lower().replace(" ", "") for op in operators), company
    assert any(cat.get("fabs", f)["resource"] == "COWOS" for f in cat.ids("fabs"))
    statuses = {cat.get("fabs", f)["status"] for f in cat.ids("fabs")}
    assert {"operating", "building", "cancelled"} <= statuses
    assert len(cat.ids("sites")) >= 15
    countries = {cat.get("sites", s)["country"] for s in cat.ids("sites")}
    assert {"US", "TW", "JP", "KR", "DE", "AE", "SA", "SG", "IN", "MY"} <= countries
    assert {"tsmc", "samsung", "intel", "rapidus", "consortium"} <= set(cat.ids("partners"))
    assert {"softbank", "g42", "mubadala", "pif", "microsoft", "openai"} <= set(
        cat.ids("investors")
    )
    assert any(cat.get("investors", i)["type"] == "government" for i in cat.ids("investors"))
    assert len(cat.ids("subsidies")) >= 5
    assert set(cat.ids("regions")) == set(REGIONS)


def test_coverage_required_by_the_finance_module() -> None:
    cat = load_catalog()
    # every country has a statutory corporate tax rate (optional in the manifest, required here)
    for country in cat.ids("countries"):
        rate = cat.number("countries", country, "corporate_tax_rate")
        assert 0.0 < rate < 0.5, country
    # every resource has a capacity reservation fee
    for resource in cat.ids("resources"):
        assert cat.number("resources", resource, "reservation_fee_usd_per_wspm_year") > 0, resource
    # every programme with government loans says on what terms
    lending = [p for p in cat.ids("subsidies") if "loan_musd" in cat.get("subsidies", p)]
    assert {"us-chips", "kr"} <= set(lending)
    for programme in lending:
        assert 0.0 < cat.number("subsidies", programme, "loan_rate") < 0.2, programme
        tenor = cat.number("subsidies", programme, "loan_tenor_years")
        grace = cat.number("subsidies", programme, "loan_grace_years")
        assert tenor.is_integer(), programme
        assert grace.is_integer(), programme
        assert 0 <= grace < tenor, programme
    # every listed chipmaker has a book value (Rapidus is private; the consortium is no company)
    for partner in ("tsmc", "samsung", "intel", "skhynix", "micron"):
        assert cat.number("partners", partner, "book_value_musd") > 10_000, partner
    assert "book_value_musd" not in cat.get("partners", "consortium")


def test_gb200_is_a_package_of_its_parts() -> None:
    gb200 = load_catalog().get("accelerators", "GB200")
    assert sorted(gb200["parts"]) == ["B200", "B200", "GRACE"]  # type: ignore[arg-type]


def test_hbm_generations_and_the_products_that_name_them() -> None:
    cat = load_catalog()
    assert {
        "HBM2E-8H",
        "HBM3-8H",
        "HBM3-12H",
        "HBM3E-8H",
        "HBM3E-12H",
        "HBM4-12H",
        "HBM4-16H",
        "HBM4E-16H",
    } <= set(cat.ids("hbm"))
    for generation in cat.ids("hbm"):
        entry = cat.get("hbm", generation)
        height = cat.number("hbm", generation, "stack_height")
        assert generation.endswith(f"-{height:.0f}H"), generation
        assert entry["dram_base_dies"] in (0, 1)
        assert 80 <= cat.number("hbm", generation, "core_die_width_mm") ** 2 <= 170
    # HBM4 and later have a logic base die; earlier generations a DRAM-process one.
    assert cat.get("hbm", "HBM3E-8H")["dram_base_dies"] == 1
    assert cat.get("hbm", "HBM4-12H")["dram_base_dies"] == 0
    for product in cat.ids("accelerators"):
        entry = cat.get("accelerators", product)
        if entry.get("hbm_stacks"):
            assert entry["hbm_generation"] in cat.ids("hbm"), product


def test_every_catalog_accelerator_is_a_valid_product_with_geometry() -> None:
    from fabnet.scenario import Product

    cat = load_catalog()
    for product in cat.ids("accelerators"):
        entry = {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in cat.get("accelerators", product).items()
        }
        parsed = Product.model_validate({"id": product, **entry})  # shapes agree with areas
        if parsed.logic_node is not None:
            assert parsed.logic_die_width_mm is not None, product
        if parsed.packaging is not None:
            assert parsed.interposer_reticles or parsed.interposer_width_mm, product


def test_named_parts_of_the_research_are_in_the_catalog() -> None:
    cat = load_catalog()
    wanted = {
        "H20", "B300", "GB300", "RUBIN", "RUBIN-ULTRA", "MI325X", "MI355X", "MI455X",
        "TPU-V5E", "TPU-V6E", "TPU-V7", "TRAINIUM3",
    }  # fmt: skip
    assert wanted <= set(cat.ids("accelerators"))
    assert sorted(cat.get("accelerators", "GB300")["parts"]) == ["B300", "B300", "GRACE"]  # type: ignore[arg-type]
    b200 = cat.get("accelerators", "B200")
    assert b200["interposer_reticles"] == 3.3
    assert (b200["interposer_width_mm"], b200["interposer_height_mm"]) == (51.0, 56.0)
    assert cat.get("accelerators", "H200")["hbm_generation"] == "HBM3E-8H"
    assert cat.get("accelerators", "B300")["hbm_generation"] == "HBM3E-12H"
    assert cat.get("accelerators", "RUBIN")["hbm_generation"] == "HBM4-12H"
    assert cat.get("accelerators", "RUBIN-ULTRA")["interposer_reticles"] == 9.0


def test_every_resource_has_its_wafer_geometry() -> None:
    cat = load_catalog()
    for resource in cat.ids("resources"):
        assert cat.number("resources", resource, "edge_exclusion_mm") == 3.0, resource
        assert 0.0 < cat.number("resources", resource, "scribe_mm") <= 0.2, resource


def test_h100_reference_figures() -> None:
    # NVIDIA H100 SXM5: 814 mm² on TSMC 4N (N5 family), 5 active HBM3 stacks (domain-facts §3.1)
    h100 = load_catalog().get("accelerators", "H100")
    assert h100["h100e_per_unit"] == 1.0
    assert h100["logic_die_area_mm2"] == 814.0
    assert h100["logic_node"] == "N5"
    assert h100["hbm_stacks"] == 5.0


def test_fab_capacity_trajectories_exist_for_every_fab() -> None:
    cat = load_catalog()
    for fab in cat.ids("fabs"):
        path = cat.trajectory("fabs", fab, "capacity_wspm")
        assert path, fab
        assert all(v >= 0 for v in path.values())


def test_frames() -> None:
    cat = load_catalog()
    long = cat.frame("accelerators")
    assert list(long.columns[:2]) == ["product", "parameter"]
    assert {"source", "date", "kind", "unit"} <= set(long.columns)
    wide = cat.wide("resources")
    assert wide.loc["N5", "category"] == "logic"
    assert "capacity_wspm" not in cat.wide("fabs").columns  # by-year: see trajectory()
    figure = cat.figure("accelerators", "H100", "logic_die_area_mm2")
    assert figure.unit == "mm2"


def test_unknown_table_and_entry() -> None:
    cat = load_catalog()
    with pytest.raises(KeyError, match="no catalog table"):
        cat.ids("wafers")
    with pytest.raises(KeyError, match="not in catalog table"):
        cat.get("accelerators", "H9000")


# -- the checker finds what is wrong ---------------------------------------------------------


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(str(data_dir()), folder)
    return folder


def _edit(folder: Path, table: str, old: str, new: str) -> None:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(folder: Path, table: str, line: str) -> int:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + line + "\n"
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("H100,h100e_per_unit,,1,furlongs,src,2024,press,", "unit: h100e_per_unit is in 'H100e'"),
        ("H100,logic_die_area_mm2,,814,mm2,,2024,press,", "source: every figure needs a source"),
        ("H100,launch_year,,2022,year,src,2024,rumour,", "kind: must be one of"),
        ("H100,launch_year,,2022,year,src,22/03/2024,press,", "date: must be YYYY"),
        ("GRACE,packaging,,NOPE,id,src,2024,press,", "refers to 'NOPE'"),
        ("H100,wingspan,,3,mm,src,2024,press,", "unknown parameter 'wingspan'"),
        ("H100,hbm_stacks,,2.5,count,src,2024,press,", "must be a whole number"),
        ("X1,name,,X1,text,src,2024,press,", "missing required parameter(s) role, vendor"),
        ("H100,launch_year,,2022,year,made up,2024,estimate,", "must start with 'estimate:'"),
        ("H100,launch_year,2024,2022,year,src,2024,press,", "does not vary by year"),
        ("GRACE,hbm_generation,,HBM9,id,src,2024,press,", "refers to 'HBM9', which is not in hbm"),
        ("H100,interposer_area_mm2,,1750,mm2,src,2024,press,", "not both"),
        ("GRACE,io_die_width_mm,,10,mm,src,2024,press,", "io_die_height_mm together"),
    ],
)
def test_checker_reports_file_line_and_field(copy: Path, row: str, expected: str) -> None:
    line = _append(copy, "accelerators", row)
    problems = check_catalog(copy)
    assert any(expected in p for p in problems), problems
    located = ("missing required", "refers to", "not both", "together")
    if not any(word in expected for word in located):
        assert any(p.startswith(f"accelerators.csv:{line}:") for p in problems), problems


def test_checker_flags_duplicates(copy: Path) -> None:
    first = (copy / "accelerators.csv").read_text(encoding="utf-8").splitlines()[1]
    _append(copy, "accelerators", first)
    assert any("duplicate of line 2" in p for p in check_catalog(copy))


def test_checker_flags_a_bad_header_and_a_missing_table(copy: Path) -> None:
    _edit(copy, "sites", "site,parameter", "place,parameter")
    (copy / "investors.csv").unlink()
    problems = check_catalog(copy)
    assert any(p.startswith("sites.csv:1: header must be") for p in problems)
    assert any(p.startswith("investors.csv: cannot be read") for p in problems)


def test_load_catalog_raises_with_every_problem(copy: Path) -> None:
    _append(copy, "accelerators", "H100,wingspan,,3,mm,src,2024,press,")
    _append(copy, "resources", "N5,colour,,red,text,src,2024,press,")
    with pytest.raises(CatalogError) as info:
        load_catalog(copy)
    assert len(info.value.problems) == 2


def test_loading_a_good_copy_equals_the_packaged_catalog(copy: Path) -> None:
    assert load_catalog(copy).ids("fabs") == load_catalog().ids("fabs")

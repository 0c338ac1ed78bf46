"""The gap: tables, binding resource, shortfall; tiny cases by hand; the xarray and CSV views."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import fabnet
from fabnet.catalog import load_catalog
from fabnet.outlook import gap
from fabnet.outlook.balance import balance


def test_leontief_shortfall_by_hand() -> None:
    demand = pd.DataFrame(
        {"year": [2030, 2030], "resource": ["N3", "COWOS"], "wspm": [100.0, 200.0]}
    )
    supply = pd.DataFrame(
        {"year": [2030, 2030], "resource": ["N3", "COWOS"], "ai_capacity_wspm": [150.0, 50.0]}
    )
    compute = pd.DataFrame({"new_h100e": [1e6]}, index=pd.Index([2030], name="year"))
    table, out = balance(demand, supply, compute, load_catalog())
    assert table.set_index("resource").loc["COWOS", "coverage"] == 0.25
    assert table.set_index("resource").loc["N3", "gap_wspm"] == -50.0
    assert out.loc[2030, "binding"] == "COWOS"
    assert out.loc[2030, "deliverable_h100e"] == 250_000.0
    assert out.loc[2030, "shortfall_h100e"] == 750_000.0


def test_ample_supply_has_no_shortfall() -> None:
    demand = pd.DataFrame({"year": [2030], "resource": ["N3"], "wspm": [100.0]})
    supply = pd.DataFrame({"year": [2030], "resource": ["N3"], "ai_capacity_wspm": [500.0]})
    compute = pd.DataFrame({"new_h100e": [1e6]}, index=pd.Index([2030], name="year"))
    _, out = balance(demand, supply, compute, load_catalog())
    assert out.loc[2030, "shortfall_h100e"] == 0.0
    assert out.loc[2030, "binding"] == "N3"


@pytest.fixture(scope="module")
def result() -> fabnet.GapResult:
    return fabnet.gap("altman-2024")


def test_invariants(result: fabnet.GapResult) -> None:
    c = result.compute
    assert list(c.index) == result.years
    assert (c["deliverable_h100e"] <= c["new_h100e"] * (1 + 1e-12)).all()
    assert (c["shortfall_h100e"] >= 0).all()
    t = result.table
    assert (t["gap_wspm"] == t["demand_wspm"] - t["supply_wspm"]).all()
    for year, binding in result.binding.items():
        rows = t[(t["year"] == year) & t["coverage"].notna()]
        assert rows.loc[rows["coverage"].idxmin(), "resource"] == binding


def test_table_sums_the_parts(result: fabnet.GapResult) -> None:
    t = result.table.set_index(["year", "resource"])
    assert t.loc[(2030, "N3"), "demand_wspm"] == pytest.approx(
        result.demand.query("year == 2030 and resource == 'N3'")["wspm"].sum()
    )
    assert t.loc[(2030, "COWOS"), "supply_wspm"] == pytest.approx(
        result.supply.query("year == 2030 and resource == 'COWOS'")["ai_capacity_wspm"].sum()
    )


def test_xarray_view(result: fabnet.GapResult) -> None:
    ds = result.to_xarray()
    assert set(ds.dims) >= {"year", "resource", "region", "product"}
    assert ds["gap_demand_wspm"].sel(year=2030, resource="N2").item() == pytest.approx(
        result.table.set_index(["year", "resource"]).loc[(2030, "N2"), "demand_wspm"]
    )
    assert ds["supply_by_region_wspm"].sum("region").sel(year=2027, resource="COWOS").item() == (
        pytest.approx(
            result.table.set_index(["year", "resource"]).loc[(2027, "COWOS"), "supply_wspm"]
        )
    )
    assert ds["gap_demand_wspm"].attrs["units"] == "wspm"
    assert str(ds["compute_binding"].sel(year=2030).item()) == result.binding[2030]


def test_csv_export(result: fabnet.GapResult, tmp_path: Path) -> None:
    folder = result.to_csv(tmp_path / "out")
    names = {"gap", "compute", "supply", "demand", "euv", "assumptions", "products", "mix"}
    assert {p.name for p in folder.iterdir()} == {
        *(f"{name}.csv" for name in names),
        "result.json",
        "scenario.yaml",
        "manifest.json",
    }
    back = pd.read_csv(tmp_path / "out" / "gap.csv")
    assert len(back) == len(result.table)


def test_assumptions_carry_sources(result: fabnet.GapResult) -> None:
    a = result.assumptions
    assert a["source"].astype(bool).all()
    assert set(a["kind"]) <= {"official", "press", "analyst", "estimate", "scenario"}
    assert a["item"].str.startswith("demand.installed.growth@").any()
    assert a["item"].str.startswith("fabs.").any()
    assert a["item"].str.startswith("products.NVIDIA-2030.").any()  # a generic successor
    assert a["item"].str.startswith("demand.limits.power_gw@").any()
    assert a["item"].str.startswith("demand.successors.RUBIN-ULTRA.").any()
    # The HBM generations the products name, with their own sources.
    assert a["item"].str.startswith("hbm.HBM3E-8H.stack_yield").any()
    assert a["item"].str.startswith("resources.COWOS.scribe_mm").any()


def test_deliverable_compute_does_not_fall_as_packages_grow(result: fabnet.GapResult) -> None:
    # From 2030 the mix moves to 5.5- and 10.5-reticle packages (GEN-2028, GEN-2031) while
    # existing supply stays near flat. Counted as areas (H&P on a square) the larger packages
    # collapsed to 0.66 per wafer and deliverable compute fell each year (44 M H100e in 2030 to
    # 34 M in 2040, COWOS binding); counted as grids they hold 9 and 4 per wafer, and what
    # existing supply delivers (now HBM-bound) rises as the mix moves to products with more
    # H100e per package and per DRAM wafer.
    deliverable = result.compute.loc[2030:, "deliverable_h100e"]
    assert (deliverable.diff().dropna() >= 0).all(), deliverable


def test_more_demand_never_lowers_the_shortfall() -> None:
    base = fabnet.load_scenario("altman-2024")
    low = gap(base)
    more = base.model_copy(
        update={
            "demand": base.demand.model_copy(
                update={"installed": base.demand.installed.model_copy(update={"base_h100e": 8.0e6})}
            )
        }
    )
    high = gap(more)
    assert (high.compute["shortfall_h100e"] >= low.compute["shortfall_h100e"] - 1e-6).all()


def test_gap_accepts_names_and_paths(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nextends: altman-2024\n", encoding="utf-8")
    assert gap(path).scenario.name == "s"

"""The backcast (:mod:`fabnet.outlook.history`): a tiny world against a hand-made record, worked
out by hand; the built-in scenario against the packaged record (the acceptance tests: shipments
and HBM reproduced, CoWoS not yet)."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import fabnet
from fabnet.catalog import TABLES, Catalog, load_catalog
from fabnet.catalog._tables import data_dir
from fabnet.examples import tiny_world
from fabnet.exceptions import ParameterError
from fabnet.outlook import Backcast, backcast, gap
from fabnet.outlook.history import packages_per_unit
from fabnet.scenario import Product, Scenario

#: New compute of the tiny world: installed 0 until 2022, then 1, 3, 6 M H100e [H100e].
NEW = {2023: 1.0e6, 2024: 2.0e6, 2025: 3.0e6}
#: The hand-made record: all vendors without China's domestic ones [H100e].
RECORD = {2023: 1.0e6, 2024: 1.25e6, 2025: 1.0e6}
HEADER = ["series", "parameter", "year", "value", "unit", "source", "date", "kind", "note"]


def _rows(series: str, metric: str, **fields: Any) -> list[list[object]]:
    """Record rows of one series: name, metric, fixed fields, then ``{year: value}`` paths."""
    units = {name: param.unit for name, param in TABLES["record"].params.items()}
    rows: list[list[object]] = [
        [series, "name", "", series, "text"],
        [series, "metric", "", metric, "text"],
    ]
    for parameter, value in fields.items():
        if isinstance(value, dict):
            rows += [[series, parameter, y, v, units[parameter]] for y, v in value.items()]
        else:
            rows.append([series, parameter, "", value, units[parameter]])
    return [[*row, "test", "2026", "analyst", ""] for row in rows]


def write_record(folder: Path) -> None:
    rows = [
        *_rows(
            "all-ex-china",
            "shipments",
            h100e=RECORD,
            h100e_p5={y: 0.8 * v for y, v in RECORD.items()},
            h100e_p95={y: 1.2 * v for y, v in RECORD.items()},
        ),
        *_rows(
            "nvidia", "shipments", vendor="NVIDIA", units={2023: 1_500_000}, h100e={2023: 600_000}
        ),
        *_rows("google", "shipments", vendor="Google", units={2024: 100_000}, h100e={2024: 50_000}),
        *_rows(
            "huawei",
            "shipments",
            vendor="Huawei",
            china_domestic=1,
            units={2024: 10},
            h100e={2024: 5},
        ),
        *_rows("cowos-a", "capacity", resource="COWOS", capacity_wspm={2024: 1000}),
        *_rows("cowos-b", "capacity", resource="COWOS", capacity_wspm={2024: 500, 2025: 700}),
        *_rows("cowos-short", "shortage", resource="COWOS", short={2023: 1, 2024: 1, 2025: 1}),
        *_rows("hbm-short", "shortage", resource="HBM", short={2023: 0}),
    ]
    with (folder / "record.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The packaged catalog with a hand-made record table."""
    folder = tmp_path_factory.mktemp("catalog") / "data"
    shutil.copytree(Path(str(data_dir())), folder)
    write_record(folder)
    return load_catalog(folder)


def world(cowos_wspm: float) -> dict[str, Any]:
    """The tiny world (fabnet.examples) making two packaged products with HBM, with ample N5
    and HBM supply and ``cowos_wspm`` of CoWoS all along."""
    data = tiny_world({2022: 0.0, 2023: 1.0e6, 2024: 3.0e6, 2025: 6.0e6})
    chip = data["products"][0]
    chip.update(vendor="NVIDIA Corporation", hbm_stacks=2, packaging="COWOS")
    chip["interposer_area_mm2"] = 800.0
    other = {**chip, "id": "GEN", "name": "Generic", "vendor": "generic", "h100e_per_unit": 2.0}
    data["products"].append(other)
    data["demand"]["mix"] = {"CHIP": {2020: 0.75}, "GEN": {2020: 0.25}}
    fab = {"operator": "maker", "site": "Hsinchu", "country": "TW", "status": "operating"}
    data["supply"] = {
        "fabs": [],
        "add": [
            {**fab, "id": "n5", "name": "N5", "resource": "N5", "capacity_wspm": {2000: 1e6}},
            {**fab, "id": "hbm", "name": "HBM", "resource": "HBM", "capacity_wspm": {2000: 1e6}},
            {
                **fab,
                "id": "cowos",
                "name": "CoWoS",
                "resource": "COWOS",
                "capacity_wspm": {2000: cowos_wspm},
            },
        ],
    }
    return data


@pytest.fixture(scope="module")
def result(catalog: Catalog) -> Backcast:
    """The tiny world with CoWoS for 1.5 × its 2023 demand: coverage 1.5, 0.75, 0.5."""
    ample = Scenario.model_validate(world(1e6))
    wanted = backcast(ample, catalog=catalog).resources.set_index(["resource", "year"])
    cowos = float(wanted.loc[("COWOS", 2023), "demand_wspm"])
    return backcast(Scenario.model_validate(world(1.5 * cowos)), catalog=catalog)


def test_the_horizon_moves_to_the_record_years(result: Backcast) -> None:
    assert result.years == [2023, 2024, 2025]
    assert result.outlook.years == [2023, 2024, 2025]
    assert result.scenario.horizon.start_year == 2025  # the scenario as given
    assert result.outlook.compute["new_h100e"].to_dict() == pytest.approx(NEW)


def test_coverage_and_deliverable_by_hand(result: Backcast) -> None:
    cowos = result.resources[result.resources["resource"] == "COWOS"].set_index("year")
    assert cowos["coverage"].to_dict() == pytest.approx({2023: 1.5, 2024: 0.75, 2025: 0.5})
    # demand grows with new compute; supply is flat
    assert cowos.loc[2025, "demand_wspm"] == pytest.approx(3 * cowos.loc[2023, "demand_wspm"])
    assert cowos["ai_supply_wspm"].min() == cowos["ai_supply_wspm"].max()
    compute = result.compute
    expected = {2023: 1.0e6, 2024: 2.0e6 * 0.75, 2025: 3.0e6 * 0.5}
    assert compute["deliverable_h100e"].to_dict() == pytest.approx(expected)
    assert compute["record_h100e"].to_dict() == RECORD
    assert compute["record_p5_h100e"].to_dict() == pytest.approx(
        {y: 0.8 * v for y, v in RECORD.items()}
    )
    assert compute["ratio"].to_dict() == pytest.approx({2023: 1.0, 2024: 1.2, 2025: 1.5})
    assert compute["within"].to_dict() == {2023: True, 2024: True, 2025: False}
    assert compute.loc[2023, "record_vendors"] == "NVIDIA"
    assert compute.loc[2024, "record_vendors"] == "Google"  # Huawei is left out


def test_shortage_flags_by_hand(result: Backcast) -> None:
    rows = result.resources.set_index(["resource", "year"])
    assert rows.loc[("COWOS", 2023), "record_short"]
    assert not rows.loc[("COWOS", 2023), "fabnet_short"]
    assert [bool(rows.loc[("COWOS", y), "agree"]) for y in NEW] == [False, True, True]
    assert bool(rows.loc[("HBM", 2023), "agree"])  # not short in the record, nor in fabnet
    assert pd.isna(rows.loc[("HBM", 2024), "record_short"])
    assert pd.isna(rows.loc[("HBM", 2024), "agree"])
    # the record's capacity: the sum of its series that give the year
    assert math.isnan(rows.loc[("COWOS", 2023), "record_capacity_wspm"])
    assert rows.loc[("COWOS", 2024), "record_capacity_wspm"] == 1500
    assert rows.loc[("COWOS", 2024), "record_series"] == "cowos-a + cowos-b"
    assert rows.loc[("COWOS", 2025), "record_capacity_wspm"] == 700
    assert rows.loc[("COWOS", 2025), "capacity_wspm"] == pytest.approx(
        rows.loc[("COWOS", 2025), "ai_supply_wspm"]
    )


def test_vendors_by_hand(result: Backcast) -> None:
    rows = result.vendors.set_index(["year", "vendor"])
    delivered = {2023: 1.0, 2024: 0.75, 2025: 0.5}  # deliverable ÷ new
    for year, new in NEW.items():
        # CHIP (NVIDIA Corporation → NVIDIA): 75 % of new compute at 1 H100e a unit
        assert rows.loc[(year, "NVIDIA"), "fabnet_units"] == pytest.approx(
            new * 0.75 * delivered[year]
        )
        # GEN (generic, not in the record): 25 % at 2 H100e a unit
        assert rows.loc[(year, "generic"), "fabnet_units"] == pytest.approx(
            new * 0.25 / 2 * delivered[year]
        )
        assert rows.loc[(year, "generic"), "fabnet_h100e"] == pytest.approx(
            new * 0.25 * delivered[year]
        )
        assert rows.loc[(year, "Google"), "fabnet_units"] == 0.0
    assert rows.loc[(2023, "NVIDIA"), "units_ratio"] == pytest.approx(0.75e6 / 1.5e6)
    assert rows.loc[(2023, "NVIDIA"), "h100e_ratio"] == pytest.approx(0.75e6 / 0.6e6)
    assert rows.loc[(2024, "Huawei"), "china_domestic"]
    assert rows.loc[(2024, "Huawei"), "record_units"] == 10
    assert math.isnan(rows.loc[(2024, "Huawei"), "units_ratio"])  # left out of the comparison
    assert math.isnan(rows.loc[(2023, "generic"), "record_h100e"])


def test_a_board_counts_its_accelerator_packages() -> None:
    chip = {"name": "c", "vendor": "v", "logic_die_count": 1, "logic_die_area_mm2": 100.0}
    products = {
        "CHIP": Product(id="CHIP", h100e_per_unit=1.0, logic_node="N5", **chip),
        "CPU": Product(id="CPU", role="component", logic_node="N3", **chip),
        "BOARD": Product(
            id="BOARD", name="b", vendor="v", h100e_per_unit=2.0, parts=["CHIP", "CHIP", "CPU"]
        ),
        "RACK": Product(id="RACK", name="r", vendor="v", h100e_per_unit=8.0, parts=["BOARD"] * 4),
    }
    counts = {p: packages_per_unit(p, products) for p in [*products, "GENERATED"]}
    assert counts == {"CHIP": 1, "CPU": 1, "BOARD": 2, "RACK": 8, "GENERATED": 1}


def test_verdicts_by_hand(result: Backcast, catalog: Catalog) -> None:
    compute, cowos, hbm = result.verdicts
    assert (compute.check, compute.passed) == ("compute", False)
    assert "in 2 of 3 years" in compute.text
    assert "2023 ×1.00, 2024 ×1.20, 2025 ×1.50" in compute.text
    assert (cowos.check, cowos.passed) == ("COWOS", False)
    assert "sold out in the record in 2023, 2024, 2025" in cowos.text
    assert "coverage ≤ 1 in 2024, 2025" in cowos.text
    assert (hbm.check, hbm.passed) == ("HBM", True)
    assert not result.passed
    wider = backcast(result.scenario, catalog=catalog, tolerance=0.5)
    assert wider.verdicts[0].passed
    assert "±50 %" in wider.verdicts[0].text


def test_it_is_a_pure_function(result: Backcast, catalog: Catalog) -> None:
    again = backcast(result.scenario, catalog=catalog)
    pd.testing.assert_frame_equal(again.compute, result.compute)
    pd.testing.assert_frame_equal(again.vendors, result.vendors)
    pd.testing.assert_frame_equal(again.resources, result.resources)
    assert again.verdicts == result.verdicts


def test_to_csv(result: Backcast, tmp_path: Path) -> None:
    folder = result.to_csv(tmp_path / "out")
    names = {p.name for p in folder.iterdir()}
    tables = ("compute", "vendors", "resources", "verdicts", "record")
    assert {f"{name}.csv" for name in tables} <= names
    assert {"outlook.gap.csv", "result.json", "manifest.json", "scenario.yaml"} <= names
    years = pd.read_csv(folder / "compute.csv")
    assert years["year"].tolist() == [2023, 2024, 2025]


def test_bad_tolerance_and_unevaluable_scenario(result: Backcast, catalog: Catalog) -> None:
    with pytest.raises(ParameterError, match="tolerance"):
        backcast(result.scenario, catalog=catalog, tolerance=0.0)
    broken = world(1.0)
    broken["products"][0]["interposer_area_mm2"] = 6.0e4  # under a wafer's area; none fits
    with pytest.raises(
        ParameterError, match=r"horizon\.start_year: must be a year tiny can be evaluated from"
    ):
        backcast(Scenario.model_validate(broken), catalog=catalog)


# ------------------------------------------------------------------------------------------
# the built-in scenario against the packaged record
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default() -> Backcast:
    return fabnet.backcast("altman-2024")


def test_the_default_scenario_is_measured_against_the_packaged_record(default: Backcast) -> None:
    assert default.years == [2023, 2024, 2025]
    assert list(default.compute.index) == default.years
    record = load_catalog().trajectory("record", "all-ex-china", "h100e")
    assert default.compute["record_h100e"].to_dict() == record
    assert set(default.resources["resource"]) == {"COWOS", "HBM"}
    assert default.resources["record_short"].all()  # the record: sold out every year
    assert [v.check for v in default.verdicts] == ["compute", "COWOS", "HBM"]
    assert gap("altman-2024").years[0] == 2024  # the scenario itself is untouched


def test_the_default_scenario_reproduces_shipments(default: Backcast) -> None:
    # Epoch AI's ai-chip-counts (catalog record): fabnet's deliverable compute within ±25 % of
    # the record in 2023-2025 (measured ×1.17, ×1.10, ×0.94).
    compute = default.compute
    for year in (2023, 2024, 2025):
        assert abs(compute.loc[year, "ratio"] - 1.0) <= 0.25, (year, compute.loc[year, "ratio"])


def _short_years(default: Backcast, resource: str) -> pd.DataFrame:
    rows = default.resources
    sold_out = rows["record_short"].fillna(False).astype(bool)
    return rows[sold_out & (rows["resource"] == resource)]


def test_hbm_holds_shipments_back_where_the_record_says_it_sold_out(default: Backcast) -> None:
    # SK hynix and Micron: HBM sold out for 2023-2025 (catalog record); fabnet's HBM supply for AI
    # covers less than the mix wants in each of those years (measured 0.92, 0.88, 0.75).
    rows = _short_years(default, "HBM")
    assert set(rows["year"]) == {2023, 2024, 2025}
    assert (rows["coverage"] <= 1.0).all(), rows[["year", "coverage"]]


@pytest.mark.xfail(
    strict=True,
    reason="fabnet counts 16 B200 / 28 H100 interposers per wafer as the press does, so the"
    " record's 2025 units need ~44 k CoWoS wspm against ~63 k of AI supply (coverage 1.43);"
    " the record's sell-out implies CoWoS-L ramp yields, a wafer-to-shipment lag under growing"
    " demand, or parts outside the mix, none of which fabnet models yet",
)
def test_cowos_holds_shipments_back_where_the_record_says_it_sold_out(default: Backcast) -> None:
    rows = _short_years(default, "COWOS")
    assert (rows["coverage"] <= 1.0).all(), rows[["year", "coverage"]]
    assert default.passed

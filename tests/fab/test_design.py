"""Fab module designs: the tool bill worked by hand on a tiny fab file, the choice of the newest
buyable tool type, and the built-in example's modules beside the catalog."""

from __future__ import annotations

import math

import pytest

from fabnet.catalog import load_catalog
from fabnet.exceptions import ParameterError
from fabnet.fab import FabSpec, load_fab
from fabnet.fab.data import WEEKS_PER_MONTH
from fabnet.fab.design import module_bill, module_bills

# One route of four steps. Capacity per tool and week: 10,080 min × availability 0.9 ×
# utilisation 0.85 = 7,711.2 min (litho, etch); the furnace 10,080 × 0.95 × 0.85 = 8,139.6 min.
# EUV-C (generation 3, fastest) may not be bought yet; ETCH-3 and ETCH-2 are both generation 2,
# ETCH-3 listed first but slower.
TINY = """\
name: tiny-fab
periods: {first: 2026Q1, last: 2026Q1}
tool_types:
  - {id: EUV-A, workstation: LITHO, generation: 1, capex_musd: 150, footprint_m2: 90,
     availability: 0.9, utilisation: 0.85, euv: true, buyable: false}
  - {id: EUV-B, workstation: LITHO, generation: 2, capex_musd: 180, footprint_m2: 100,
     availability: 0.9, utilisation: 0.85, euv: true}
  - {id: EUV-C, workstation: LITHO, generation: 3, capex_musd: 380, footprint_m2: 120,
     availability: 0.9, utilisation: 0.85, euv: true, buyable: false}
  - {id: ETCH-1, workstation: ETCH, generation: 1, capex_musd: 6, footprint_m2: 12,
     availability: 0.9, utilisation: 0.85}
  - {id: ETCH-3, workstation: ETCH, generation: 2, capex_musd: 8, footprint_m2: 12,
     availability: 0.9, utilisation: 0.85}
  - {id: ETCH-2, workstation: ETCH, generation: 2, capex_musd: 9, footprint_m2: 12,
     availability: 0.9, utilisation: 0.85}
  - {id: FURNACE, workstation: FURNACE, capex_musd: 3, footprint_m2: 10,
     availability: 0.95, utilisation: 0.85}
routes:
  - id: R
    steps:
      - {name: first EUV layers, workstation: LITHO, rpt_min: {EUV-A: 4.0, EUV-B: 3.0, EUV-C: 2.0}}
      - {name: etch, workstation: ETCH, rpt_min: {ETCH-1: 60.0, ETCH-3: 50.0, ETCH-2: 45.0}}
      - {name: second EUV layers, workstation: LITHO, rpt_min: {EUV-A: 5.0, EUV-B: 4.0}}
      - {name: anneal, workstation: FURNACE, rpt_min: {FURNACE: 3600.0}, batch_wafers: 100}
fabs:
  - {id: fab-1, floor_m2: 10000, tools: {EUV-A: 1}}
demand:
  table: [{product: R, period: 2026Q1, wafers_per_week: 100}]
designs:
  - {id: new, route: R, wspm: 25000, resource: N3, facility_capex_musd: 1000, floor_overhead: 2.0}
  - {id: old, route: R, wspm: 25000, tool_types: [EUV-A, ETCH-1, FURNACE]}
  - {id: no-etch, route: R, wspm: 25000, tool_types: [EUV-B, FURNACE]}
"""


@pytest.fixture(scope="module")
def tiny() -> FabSpec:
    return load_fab(TINY)


def test_module_bill_worked_by_hand(tiny: FabSpec) -> None:
    bill = module_bill(tiny, "new")
    # 25,000 wspm / 4.348 weeks a month (365.25 / 12 / 7) = 5,749.49 wafers a week.
    assert bill.wafers_per_week == pytest.approx(25_000 / WEEKS_PER_MONTH)
    assert bill.wafers_per_week == pytest.approx(5_749.49, abs=0.01)
    rows = bill.tools.set_index("tool_type")
    assert list(rows.index) == ["EUV-B", "ETCH-2", "FURNACE"]
    # EUV-B on both EUV steps: 5,749.49 × (3.0 + 4.0) min = 40,246.4 min / 7,711.2 = 5.219 → 6.
    assert rows.loc["EUV-B", "tools_needed"] == pytest.approx(5.2192, abs=1e-4)
    # ETCH-2: 5,749.49 × 45 min = 258,726.9 / 7,711.2 = 33.552 → 34.
    assert rows.loc["ETCH-2", "tools_needed"] == pytest.approx(33.5521, abs=1e-4)
    # FURNACE: 3,600 min per batch of 100 = 36 min a wafer; × 5,749.49 = 206,981.5 / 8,139.6
    # = 25.429 → 26.
    assert rows.loc["FURNACE", "tools_needed"] == pytest.approx(25.4290, abs=1e-4)
    assert rows["tools"].tolist() == [6, 34, 26]
    # Capex: 6 × 180 + 34 × 9 + 26 × 3 = 1,080 + 306 + 78 = 1,464; + 1,000 facility = 2,464.
    assert rows["capex_musd"].tolist() == [1080.0, 306.0, 78.0]
    assert bill.equipment_capex_musd == 1464.0
    assert bill.capex_musd == 2464.0
    # Floor with the overhead of 2: 6 × 100 × 2 + 34 × 12 × 2 + 26 × 10 × 2 = 1,200 + 816 + 520.
    assert rows["floor_m2"].tolist() == [1200.0, 816.0, 520.0]
    assert bill.floor_m2 == 2536.0
    assert rows["euv"].tolist() == [True, False, False]
    assert bill.euv_tools == 6
    # Per kwspm (25 kwspm): 2,464 / 25 = 98.56 musd; 6 / 25 = 0.24 scanners; 2,536 / 25 = 101.44 m².
    assert bill.capex_musd_per_kwspm == pytest.approx(98.56)
    assert bill.euv_tools_per_kwspm == pytest.approx(0.24)
    assert bill.floor_m2_per_kwspm == pytest.approx(101.44)
    # Beside the catalog's N3: 280 musd and 0.45 scanners per kwspm.
    assert bill.catalog_capex_musd_per_kwspm == 280.0
    assert bill.catalog_euv_tools_per_kwspm == 0.45
    assert bill.capex_ratio == pytest.approx(98.56 / 280)
    assert bill.euv_ratio == pytest.approx(0.24 / 0.45)


def test_comparison_lists_the_figures_with_their_units(tiny: FabSpec) -> None:
    table = module_bill(tiny, "new").comparison().set_index("figure")
    assert list(table.columns) == ["design", "catalog", "ratio", "unit"]
    assert table.loc["euv_tools_per_kwspm", "ratio"] == pytest.approx(0.24 / 0.45)
    assert table.loc["capex_musd_per_kwspm", "unit"] == "USD million per kwspm"
    # 1,464 / 25 = 58.56 musd of tools per kwspm; the catalog has no such figure.
    assert table.loc["equipment_capex_musd_per_kwspm", "design"] == pytest.approx(58.56)
    assert math.isnan(table.loc["floor_m2_per_kwspm", "catalog"])


def test_the_newest_buyable_type_equips_each_step(tiny: FabSpec) -> None:
    types = module_bill(tiny, "new").tools["tool_type"].tolist()
    # EUV-C is the newest and fastest but may not be bought: EUV-B (generation 2). ETCH-3 and
    # ETCH-2 are both generation 2: the faster ETCH-2 (45 min against 50), though listed second.
    assert "EUV-C" not in types
    assert "EUV-B" in types
    assert "ETCH-2" in types
    assert "ETCH-3" not in types


def test_the_designs_tool_types_equip_it_even_if_not_buyable(tiny: FabSpec) -> None:
    bill = module_bill(tiny, "old")
    rows = bill.tools.set_index("tool_type")
    assert list(rows.index) == ["EUV-A", "ETCH-1", "FURNACE"]
    # EUV-A: 5,749.49 × (4 + 5) = 51,745.4 / 7,711.2 = 6.710 → 7; ETCH-1: × 60 = 344,969.2 /
    # 7,711.2 = 44.736 → 45; 7 × 150 + 45 × 6 + 26 × 3 = 1,050 + 270 + 78 = 1,398.
    assert rows["tools"].tolist() == [7, 45, 26]
    assert bill.equipment_capex_musd == 1398.0
    assert bill.capex_musd == 1398.0  # no facility given
    # No resource: nothing to compare with.
    assert math.isnan(bill.catalog_capex_musd_per_kwspm)
    assert math.isnan(bill.capex_ratio)


def test_a_step_no_listed_type_can_run_is_refused(tiny: FabSpec) -> None:
    with pytest.raises(ParameterError, match=r"designs\[2\]\.tool_types.*step 2 \(etch\) runs"):
        module_bill(tiny, "no-etch")


def test_a_step_no_buyable_type_can_run_is_refused(tiny: FabSpec) -> None:
    # EUV-C alone on the first step: it may not be bought, and the design lists no tool types.
    text = TINY.replace("{EUV-A: 4.0, EUV-B: 3.0, EUV-C: 2.0}", "{EUV-C: 2.0}").replace(
        "tools: {EUV-A: 1}", "tools: {EUV-A: 1, EUV-C: 1}"
    )
    with pytest.raises(ParameterError, match=r"designs\[0\]: .*step 1 \(first EUV layers\)"):
        module_bill(load_fab(text), "new")


def test_an_unknown_design_is_refused_naming_the_known(tiny: FabSpec) -> None:
    with pytest.raises(ParameterError, match="known: new, old, no-etch"):
        module_bill(tiny, "newer")


def test_a_whole_number_of_tools_needs_no_extra_tool() -> None:
    # 8,139.6 min of furnace capacity a week = 226.1 wafers at 36 min; 226.1 × 4.348 = 983.2
    # wspm fill exactly one furnace: one tool, not two.
    text = TINY.replace(
        "  - {id: no-etch,",
        f"  - {{id: exact, route: R, wspm: {8139.6 / 36 * WEEKS_PER_MONTH!r}}}\n  - {{id: no-etch,",
    )
    rows = module_bill(load_fab(text), "exact").tools.set_index("tool_type")
    assert rows.loc["FURNACE", "tools_needed"] == pytest.approx(1.0)
    assert rows.loc["FURNACE", "tools"] == 1


def test_the_built_in_modules_beside_the_catalog() -> None:
    bills = module_bills(load_fab())
    assert sorted(bills) == ["n2-module", "n3-module"]
    n3, n2 = bills["n3-module"], bills["n2-module"]
    for bill in (n3, n2):
        print(f"\n{bill.design}:\n{bill.tools.to_string()}\n{bill.comparison().to_string()}")
    catalog = load_catalog()
    # The catalog: N3 280 musd and 0.45 scanners per kwspm; N2 350 and 0.55 (resources.csv).
    assert n3.catalog_capex_musd_per_kwspm == catalog.number(
        "resources", "N3", "capex_musd_per_kwspm"
    )
    assert (n3.catalog_capex_musd_per_kwspm, n3.catalog_euv_tools_per_kwspm) == (280.0, 0.45)
    assert (n2.catalog_capex_musd_per_kwspm, n2.catalog_euv_tools_per_kwspm) == (350.0, 0.55)
    # Capex agrees within 15 %: the modelled tools plus the facility estimate (USD 80 M per
    # kwspm) are of the catalog's size (measured: N3 0.99, N2 0.88).
    assert 0.85 <= n3.capex_ratio <= 1.15
    assert 0.85 <= n2.capex_ratio <= 1.15
    # EUV: the design's scanners are faster and better loaded than the catalog's rule of thumb
    # (130 wph × 0.9 × 0.85 against ~100 wph × 0.63: 0.63×), so fewer of them (measured: N3
    # 8 scanners, 0.71; N2 9, 0.65).
    assert 0.55 <= n3.euv_ratio <= 0.85
    assert 0.55 <= n2.euv_ratio <= 0.85
    # More EUV passes, etch and deposition on N2 than on N3: more of each.
    assert n2.euv_tools >= n3.euv_tools
    assert n2.equipment_capex_musd > n3.equipment_capex_musd

"""Demand: compute flows, bills of materials, wafers per resource — checked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabnet.catalog import load_catalog
from fabnet.exceptions import ParameterError
from fabnet.outlook import bill_of_materials, compute_flows, demand_frames, euv_frame
from fabnet.scenario import load_scenario


def test_steady_stock_replaces_what_retires() -> None:
    flows = compute_flows(dict.fromkeys(range(2000, 2020), 100.0), 4.0)
    for year in range(2001, 2020):
        assert flows[year] == pytest.approx((100.0, 25.0, 25.0))


def test_growth_adds_the_increase_plus_retirements() -> None:
    stock = {2020: 100.0, 2021: 200.0, 2022: 400.0, 2023: 400.0}
    flows = compute_flows(stock, 2.0)
    # Steady history: 50 a year installed before 2020 → 50 retire in 2021 and in 2022 (the 2020
    # vintage), then the 2021 vintage (150) retires in 2023.
    assert flows[2021] == (200.0, 50.0, 150.0)
    assert flows[2022] == (400.0, 50.0, 250.0)
    assert flows[2023] == (400.0, 150.0, 150.0)


def test_fractional_life_splits_retirements() -> None:
    stock = {2020: 0.0, 2021: 100.0, **dict.fromkeys(range(2022, 2026), 100.0)}
    flows = compute_flows(stock, 1.5)
    # The 2021 vintage (100) retires half in 2022, half in 2023, and is replaced each time.
    assert flows[2022][1] == pytest.approx(50.0)
    assert flows[2023][1] == pytest.approx(50.0 + 25.0)


def test_falling_stock_builds_nothing() -> None:
    flows = compute_flows({2020: 100.0, 2021: 10.0}, 5.0)
    assert flows[2021][2] == 0.0


def test_service_life_below_a_year_is_refused() -> None:
    with pytest.raises(ParameterError, match="service_life_years: must be >= 1"):
        compute_flows({2020: 1.0, 2021: 2.0}, 0.5)


@given(st.floats(min_value=1.0, max_value=15.0), st.floats(min_value=0.5, max_value=3.0))
def test_flows_conserve_the_stock(life: float, growth: float) -> None:
    stock = {2000 + i: 100.0 * growth**i for i in range(12)}
    flows = compute_flows(stock, life)
    previous = stock[2000]
    for year in range(2001, 2012):
        installed, retired, new = flows[year]
        assert new >= 0.0
        assert installed == pytest.approx(previous + new - retired)  # what is there is what came
        assert installed >= stock[year] - 1e-9 * stock[year]  # never below the path wanted
        previous = installed


def test_gb200_is_its_parts() -> None:
    scenario = load_scenario("altman-2024")
    products = {p.id: p for p in scenario.products}
    items = bill_of_materials(products["GB200"], products, "HBM")
    logic = sorted((i.area_mm2, i.count) for i in items if i.kind == "logic die")
    assert logic == [(500.0, 1.0), (800.0, 2.0), (800.0, 2.0)]  # Grace + two B200 (2 dies each)
    assert sum(i.count for i in items if i.kind == "hbm stack") == 16
    assert sum(i.count for i in items if i.kind == "package") == 2


def test_h100_wafers_in_2024_by_hand() -> None:
    scenario = load_scenario("altman-2024")
    catalog = load_catalog()
    compute, items = demand_frames(scenario, catalog)
    row = items[
        (items["year"] == 2024) & (items["product"] == "H100") & (items["item"] == "logic die")
    ].iloc[0]
    n5 = catalog.get("resources", "N5")
    # D0 four years after N5's HVM start (2020): D∞ + (D0 − D∞)·e^(−t/τ)
    d0 = n5["d0_mature_per_cm2"] + (n5["d0_entry_per_cm2"] - n5["d0_mature_per_cm2"]) * math.exp(
        -(2024 - n5["hvm_year"]) / n5["d0_tau_years"]
    )  # type: ignore[operator]
    area = 814.0
    gross = math.pi * 150.0**2 / area - math.pi * 300.0 / math.sqrt(2 * area)  # H&P
    yield_ = (1 + d0 * area / 100.0 / 4.0) ** -4.0  # negative binomial, α = 4 (H&P 5th ed.)
    units = compute.loc[2024, "new_h100e"] * 0.45 / 1.0  # 45 % of 2024's new compute, 1 H100e
    assert row["units"] == pytest.approx(units)
    assert row["good_per_wafer"] == pytest.approx(gross * yield_)
    assert row["wspm"] == pytest.approx(units / (gross * yield_) / 12.0)


def test_products_add_nothing_where_their_share_is_zero() -> None:
    scenario = load_scenario("altman-2024")
    _, items = demand_frames(scenario, load_catalog())
    # altman-2024: GEN-2031 has share 0 up to 2030; H100 0 from 2027 on.
    assert (items.query("product == 'GEN-2031' and year <= 2030")["wspm"] == 0).all()
    assert (items.query("product == 'H100' and year >= 2027")["wspm"] == 0).all()
    assert (items.query("product == 'GEN-2031' and year == 2031")["wspm"] > 0).all()
    assert (items["wspm"] >= 0).all()


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=0.1, max_value=10.0))
def test_demand_scales_with_installed_compute(factor: float) -> None:
    base = load_scenario("altman-2024")
    installed = base.demand.installed.model_copy(
        update={"base_h100e": base.demand.installed.base_h100e * factor}
    )  # type: ignore[operator]
    scaled = base.model_copy(
        update={"demand": base.demand.model_copy(update={"installed": installed})}
    )
    catalog = load_catalog()
    _, items = demand_frames(base, catalog)
    _, more = demand_frames(scaled, catalog)
    assert more["wspm"].to_numpy() == pytest.approx(items["wspm"].to_numpy() * factor)


def test_euv_tools_follow_logic_wafers() -> None:
    catalog = load_catalog()
    _, items = demand_frames(load_scenario("altman-2024"), catalog)
    euv = euv_frame(items, catalog)
    assert set(euv["resource"]) <= {"N7", "N5", "N3", "N2", "A16"}
    row = euv[(euv["year"] == 2030) & (euv["resource"] == "N2")].iloc[0]
    wspm = items[(items["year"] == 2030) & (items["resource"] == "N2")]["wspm"].sum()
    per_k = catalog.get("resources", "N2")["euv_tools_per_kwspm"]
    assert row["tools"] == pytest.approx(wspm * per_k / 1000.0)  # type: ignore[operator]

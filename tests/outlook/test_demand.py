"""Demand: compute flows, bills of materials, wafers per resource — checked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabnet.catalog import load_catalog
from fabnet.exceptions import ParameterError
from fabnet.outlook import bill_of_materials, compute_flows, demand_frames, euv_frame
from fabnet.outlook.demand import HBM_STACK, PACKAGE, Item, good_per_wafer
from fabnet.scenario import Product, Scenario, load_scenario


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
    # From a steady stock of 100: 20 retire, the path wants 10, so 70 more retire early.
    flows = compute_flows({2019: 100.0, 2020: 100.0, 2021: 10.0}, 5.0)
    assert flows[2021] == pytest.approx((10.0, 90.0, 0.0))


def test_a_stock_shrinking_from_the_start_buys_a_shrinking_share() -> None:
    # Halving from the first year: the history is in balanced decline (vintages ∝ 2^k k years
    # back), so the path is followed with purchases halving too — not the whole stock bought
    # again every service life.
    stock = {2000 + i: 1.0e6 * 0.5**i for i in range(30)}
    flows = compute_flows(stock, 5.0)
    news = [flows[y][2] for y in range(2001, 2030)]
    assert all(f[0] == pytest.approx(stock[y]) for y, f in flows.items())
    assert news == pytest.approx([news[0] * 0.5**k for k in range(len(news))], rel=1e-6)
    assert news[0] == pytest.approx(1.0e6 * 0.5 / 31.0)  # 2^0 / (2^0 + … + 2^4) of 0.5e6


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


def _with_gb200() -> Scenario:
    """The built-in scenario with GB200 among its products (not in its mix)."""
    return load_scenario({"name": "gb", "extends": "altman-2024", "products": [{"id": "GB200"}]})


def test_gb200_is_its_parts() -> None:
    scenario = _with_gb200()
    products = {p.id: p for p in scenario.products}
    items = bill_of_materials(products["GB200"], products, "HBM")
    logic = sorted((i.area_mm2, i.count) for i in items if i.kind == "logic die")
    assert logic == [(500.0, 1.0), (800.0, 2.0), (800.0, 2.0)]  # Grace + two B200 (2 dies each)
    shapes = {(i.width_mm, i.height_mm) for i in items if i.kind == "logic die"}
    assert shapes == {(22.4, 22.4), (25.0, 32.0)}  # the catalog's widths × heights
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
    # 26 × 31.3 mm (the reticle-width rule) on N5's 0.1 mm scribe and 3 mm edge exclusion: 67
    # whole dies, counted row by row in tests/silicon/test_die_per_wafer.py::test_h100_die_by_hand
    gross = 67
    yield_ = (1 + d0 * area / 100.0 / 4.0) ** -4.0  # negative binomial, α = 4 (H&P 5th ed.)
    units = compute.loc[2024, "new_h100e"] * 0.305 / 1.0  # 30.5 % of 2024's new compute
    assert row["units"] == pytest.approx(units)
    assert row["good_per_wafer"] == pytest.approx(gross * yield_)
    assert row["wspm"] == pytest.approx(units / (gross * yield_) / 12.0)


def test_products_add_nothing_where_their_share_is_zero() -> None:
    scenario = load_scenario("altman-2024")
    _, items = demand_frames(scenario, load_catalog())
    # altman-2024: NVIDIA's 2031 successor launches in 2031; H100 has no share from 2025 on.
    assert (items.query("product == 'NVIDIA-2031' and year <= 2030")["wspm"] == 0).all()
    assert (items.query("product == 'H100' and year >= 2025")["wspm"] == 0).all()
    assert (items.query("product == 'NVIDIA-2031' and year == 2031")["wspm"] > 0).all()
    assert (items["wspm"] >= 0).all()


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=0.1, max_value=10.0))
def test_demand_scales_with_installed_compute(factor: float) -> None:
    base = load_scenario("altman-2024")
    # Uncapped: the power limit would not scale with the path.
    base = base.model_copy(update={"demand": base.demand.model_copy(update={"limits": None})})
    table = {y: v * factor for y, v in (base.demand.installed.table or {}).items()}
    installed = base.demand.installed.model_copy(update={"table": table})
    scaled = base.model_copy(
        update={"demand": base.demand.model_copy(update={"installed": installed})}
    )
    catalog = load_catalog()
    _, items = demand_frames(base, catalog)
    _, more = demand_frames(scaled, catalog)
    assert more["wspm"].to_numpy() == pytest.approx(items["wspm"].to_numpy() * factor)


def test_euv_tools_follow_logic_wafers() -> None:
    catalog = load_catalog()
    scenario = load_scenario("altman-2024")
    _, items = demand_frames(scenario, catalog)
    euv = euv_frame(items, catalog, scenario)
    assert set(euv["resource"]) <= {"N7", "N5", "N3", "N2", "A16"}
    row = euv[(euv["year"] == 2030) & (euv["resource"] == "N2")].iloc[0]
    wspm = items[(items["year"] == 2030) & (items["resource"] == "N2")]["wspm"].sum()
    per_k = catalog.get("resources", "N2")["euv_tools_per_kwspm"]
    assert row["tools"] == pytest.approx(wspm * per_k / 1000.0)  # type: ignore[operator]


def test_euv_tools_follow_a_linked_fab_design() -> None:
    """With N3 linked to the built-in n3-module, the outlook counts its scanners per kwspm
    (8 scanners / 25 kwspm = 0.32, against the catalog's 0.45), as the planner does."""
    catalog = load_catalog()
    scenario = load_scenario("altman-2024").with_changes(
        {"fab_designs": [{"resource": "N3", "fab": "example-3fab", "design": "n3-module"}]}
    )
    _, items = demand_frames(scenario, catalog)
    euv = euv_frame(items, catalog, scenario)
    row = euv[(euv["year"] == 2030) & (euv["resource"] == "N3")].iloc[0]
    wspm = items[(items["year"] == 2030) & (items["resource"] == "N3")]["wspm"].sum()
    assert row["tools"] == pytest.approx(wspm * 0.32 / 1000.0)  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------
# Geometry: every item counted from its width × height on the wafer, through one function
# ---------------------------------------------------------------------------------------------


def _good(item: Item) -> float:
    scenario = load_scenario("altman-2024")
    return float(good_per_wafer(item, [2030], demand=scenario.demand, catalog=load_catalog())[0])


def _package_of(product_id: str) -> Item:
    scenario = load_scenario("altman-2024")
    products = {p.id: p for p in scenario.products}
    if product_id not in products:
        products[product_id] = Product.model_validate(
            {"id": product_id, **_catalog_entry(product_id)}
        )
    (package,) = [
        i for i in bill_of_materials(products[product_id], products, "HBM") if i.kind == PACKAGE
    ]
    return package


def _catalog_entry(product_id: str) -> dict[str, object]:
    entry = load_catalog().get("accelerators", product_id)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in entry.items()}


@pytest.mark.parametrize(
    ("product", "shape", "gross"),
    [
        # Hand counts on the 294 mm circle in tests/silicon/test_packaging.py: H100 50 × 35 mm,
        # 2 × (5 + 5 + 3 + 1) = 28; B200 51 × 56 mm, 2 × (5 + 3) = 16; RUBIN 4 reticles as a
        # 58.58 mm square, 4 rows × 3 = 12. Packaging yield 0.95 (catalog COWOS).
        ("H100", (50.0, 35.0), 28),
        ("B200", (51.0, 56.0), 16),
        ("RUBIN", (3432.0**0.5, 3432.0**0.5), 12),
        # RUBIN-ULTRA as announced, 9 reticles as a 87.9 mm square: 5 (the H&P area formula
        # gave 1.4).
        ("RUBIN-ULTRA", (7722.0**0.5, 7722.0**0.5), 5),
    ],
)
def test_interposers_per_wafer_by_hand(
    product: str, shape: tuple[float, float], gross: int
) -> None:
    package = _package_of(product)
    assert (package.width_mm, package.height_mm) == pytest.approx(shape)
    assert _good(package) == pytest.approx(gross * 0.95)


# Good HBM stacks per DRAM wafer, worked by hand from hbm.csv (edge exclusion 3 mm, scribe
# 0.1 mm from resources.csv HBM). Gross core dies by exact count: 10 × 11 mm → 556,
# 10 × 10.7 mm → 570, 11 × 11 mm → 506 (row by row in tests/silicon), 11.4 × 11.4 mm → 473,
# 12.6 × 12.7 mm → 376. Good stacks = gross × die yield / (stack height + DRAM base dies) ×
# stack yield.
HBM_BY_HAND = [
    ("HBM2E-8H", 556 * 0.60 / 9 * 0.85),  # 31.5 (16 GB stacks: 504 GB a wafer)
    ("HBM3-8H", 570 * 0.60 / 9 * 0.85),  # 32.3 (16 GB: 517 GB)
    ("HBM3-12H", 570 * 0.60 / 13 * 0.78),  # 20.5 (24 GB: 492 GB)
    ("HBM3E-8H", 506 * 0.50 / 9 * 0.80),  # 22.5 (24 GB: 540 GB)
    ("HBM3E-12H", 506 * 0.50 / 13 * 0.72),  # 14.0 (36 GB: 504 GB)
    ("HBM4-12H", 473 * 0.50 / 12 * 0.70),  # 13.8 (36 GB: 497 GB)
    ("HBM4-16H", 376 * 0.43 / 16 * 0.62),  # 6.3 (64 GB: 401 GB)
    ("HBM4E-12H", 376 * 0.50 / 12 * 0.70),  # 11.0 (48 GB: 526 GB)
    ("HBM4E-16H", 376 * 0.50 / 16 * 0.62),  # 7.3 (64 GB: 466 GB)
]


@pytest.mark.parametrize(("generation", "stacks"), HBM_BY_HAND, ids=[g for g, _ in HBM_BY_HAND])
def test_hbm_stacks_per_wafer_by_hand(generation: str, stacks: float) -> None:
    item = Item(HBM_STACK, "HBM", 8.0, None, generation=generation)
    assert _good(item) == pytest.approx(stacks)


def test_hbm_calibration_against_the_public_record() -> None:
    # How the table lands against what is published (domain-facts §2.2, §3.4; research hbm.csv):
    # * 8-high HBM3E: 22.5 good stacks per DRAM wafer, 12-high: 14.0 — inside the 20-27 and
    #   13-18 a reasonable reading of the record gives, not the ~41 the old single 8-high figure
    #   (125 mm², 0.65 stack yield, H&P) gave.
    # * Micron (CEO, 2025-12-17): a GB of HBM3E takes ~3x the wafer capacity of DDR5. Here 540 GB
    #   a wafer (24 GB × 22.5). DDR5 16 Gb at ~0.33 Gb/mm² (48.5 mm², 1,289 gross) × 0.9 yield
    #   = 2,320 GB a wafer, 4.3x; with TrendForce's die-size ratio (DDR5 die 1.4x smaller than
    #   HBM's: ~58 mm², ~1,060 gross, 1,900 GB) 3.5x. So the table is a little more conservative
    #   than Micron's round "3x".
    # * TrendForce (2024-03): HBM die 35-45 % larger than DDR5 of the same capacity (taken: the
    #   24 Gb die at 121 mm²); yield incl. TSV 20-30 % lower than DDR5. Applied alone (0.9 →
    #   ~0.68) that would give ~40 stacks and Micron's ratio below 2x: the two statements
    #   disagree, and the table follows the later, wafer-level one.
    # * SK hynix: HBM3E yield approaching its 80 % target (2024) → the 8-high stack yield 0.80;
    #   12-high HBM4 test yield ~70 % (2025) → HBM4-12H's 0.70; TSV yield 40-60 % (2024) → die
    #   yield 0.5.
    # * TSV capacity ~250 k wpm at end-2024 (TrendForce) at 22.5 stacks a wafer is ~67 M 8-high
    #   stacks (1.6 EB) a year at full rate — the order of 2024-25 HBM demand (tens of millions
    #   of stacks), where ~41 stacks a wafer would have made it twice that.
    hbm3e_8 = _good(Item(HBM_STACK, "HBM", 8.0, None, generation="HBM3E-8H"))
    hbm3e_12 = _good(Item(HBM_STACK, "HBM", 8.0, None, generation="HBM3E-12H"))
    assert 20.0 <= hbm3e_8 <= 27.0
    assert 13.0 <= hbm3e_12 <= 18.0
    gb_per_wafer = hbm3e_8 * 24.0
    ddr5_gb_per_wafer = (1_900.0, 2_320.0)
    assert 3.0 <= ddr5_gb_per_wafer[0] / gb_per_wafer <= ddr5_gb_per_wafer[1] / gb_per_wafer <= 4.5


def test_a_stack_without_a_generation_takes_the_memory_resource_default() -> None:
    catalog = load_catalog()
    assert catalog.get("resources", "HBM")["hbm_generation"] == "HBM3E-8H"
    default = _good(Item(HBM_STACK, "HBM", 8.0, None))
    assert default == _good(Item(HBM_STACK, "HBM", 8.0, None, generation="HBM3E-8H"))


def test_products_name_their_hbm_generation() -> None:
    from fabnet.outlook.roadmap import product_mix

    products, _ = product_mix(_with_gb200())
    stacks = {
        pid: [i.generation for i in bill_of_materials(p, products, "HBM") if i.kind == HBM_STACK]
        for pid, p in products.items()
    }
    assert stacks["H100"] == ["HBM3-8H"]
    assert stacks["B200"] == ["HBM3E-8H"]
    assert stacks["GB200"] == ["HBM3E-8H", "HBM3E-8H"]
    assert stacks["RUBIN"] == ["HBM4-12H"]
    assert stacks["NVIDIA-2031"] == ["HBM4E-16H"]  # a generic successor, by its spec


def test_gross_counts_are_cached_per_shape_and_resource() -> None:
    from fabnet.outlook import demand

    scenario = load_scenario("altman-2024")
    catalog = load_catalog()
    demand_frames(scenario, catalog)
    before = demand._gross.cache_info()
    demand_frames(scenario, catalog)
    after = demand._gross.cache_info()
    assert after.misses == before.misses  # the second outlook counts nothing again
    assert after.hits > before.hits


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=1.0, max_value=12.0),
    st.lists(
        st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=1.0e9)),
        min_size=2,
        max_size=30,
    ),
)
def test_new_compute_is_never_more_than_the_stock_change_plus_retirements(
    life: float, values: list[float]
) -> None:
    # Any path — growing, shrinking, falling to zero, jumping — through the vintage model.
    path = {2000 + i: v for i, v in enumerate(values)}
    flows = compute_flows(path, life)
    previous = path[2000]
    for year in sorted(flows):
        installed, retired, new = flows[year]
        tolerance = 1e-9 * max(1.0, previous, installed)
        assert new >= 0.0
        assert retired <= previous + tolerance  # no more retires than is installed
        assert new <= max(0.0, installed - previous) + retired + tolerance
        assert installed == pytest.approx(path[year], rel=1e-9, abs=1e-6)  # uncapped: the path
        previous = installed


def test_a_growth_path_halving_each_year_buys_ever_less() -> None:
    # The case: 4e6 H100e in 2024, halving every year. Before, the 25-year back-cast
    # (1.3e14 in 1999) could not shrink fast enough, fell to zero every service life and bought
    # the whole stock again: 4e6 new in 2024, again in 2029, 2034 and 2039.
    from fabnet.outlook.demand import compute_frame

    scenario = load_scenario(
        {
            "name": "halving",
            "extends": "altman-2024",
            "demand": {
                "installed": {
                    "table": None,
                    "growth": {2024: 0.5, **dict.fromkeys(range(2025, 2036), 0.5)},
                    "base_year": 2024,
                    "base_h100e": 4.0e6,
                },
                "limits": None,
            },
        }
    )
    frame = compute_frame(scenario)
    new = frame["new_h100e"].to_numpy()
    assert (new[1:] <= new[:-1] + 1e-6).all()  # shrinking demand, fewer purchases every year
    assert new[0] < 0.05 * frame["installed_h100e"].iloc[0]
    assert frame["installed_h100e"].to_numpy() == pytest.approx(
        [4.0e6 * 0.5**k for k in range(len(new))]
    )


def test_a_path_beyond_the_sound_range_is_refused_with_the_range() -> None:
    from fabnet.outlook.demand import compute_frame

    # validate refuses such a path (tests/scenario/test_demand.py); a scenario changed in Python
    # after it was validated is refused by the outlook itself.
    base = load_scenario("altman-2024")
    installed = base.demand.installed.model_copy(
        update={"growth": dict.fromkeys(range(2025, 2036), 20.0)}
    )
    demand = base.demand.model_copy(update={"installed": installed})
    scenario = base.model_copy(update={"demand": demand})
    with pytest.raises(ParameterError, match=r"within 0 … 1e\+12 H100e .* in 2029"):
        compute_frame(scenario)

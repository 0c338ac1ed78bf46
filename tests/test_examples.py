"""fabnet.examples: the built-in scenarios, the deterministic synthetic worlds and fab files."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fabnet
from fabnet.examples import (
    RESOURCE_ORDER,
    builtin_scenarios,
    load_example,
    synthetic_fabs,
    synthetic_world,
)
from fabnet.exceptions import ParameterError
from fabnet.fab import FabSpec, fab_data, load_fab
from fabnet.fab._schema import ToolType
from fabnet.fab.data import tools_needed
from fabnet.fab.toolplan import current_tools_check, tool_plan
from fabnet.scenario import Scenario, interpolate, load_scenario

#: The size the planner benchmarks use.
LARGE = {"sites": 100, "resources": 6, "years": 16, "partners": 8, "investors": 10, "seed": 0}


def _used_resources(scenario: Scenario) -> set[str]:
    """Resources some product's bill of materials needs (logic node, packaging, HBM)."""
    used: set[str] = set()
    for product in scenario.products:
        used |= {r for r in (product.logic_node, product.packaging) if r is not None}
        if product.hbm_stacks:
            used.add("HBM")
    return used


def test_builtin_scenarios_load() -> None:
    names = builtin_scenarios()
    assert "altman-2024" in names
    assert load_example("altman-2024") == load_scenario("altman-2024")


def test_same_arguments_give_equal_scenarios() -> None:
    assert synthetic_world(sites=7, seed=11) == synthetic_world(sites=7, seed=11)
    assert synthetic_world(**LARGE) == synthetic_world(**LARGE)


def test_different_seeds_give_different_scenarios() -> None:
    first, second = synthetic_world(seed=0), synthetic_world(seed=1)
    assert first != second
    assert [s.model_dump(exclude={"source"}) for s in first.sites] != [
        s.model_dump(exclude={"source"}) for s in second.sites
    ]


@pytest.mark.parametrize(
    ("sites", "resources", "years", "partners", "investors"),
    [(1, 1, 2, 1, 1), (5, 3, 4, 2, 3), (20, 6, 16, 4, 5), (30, 7, 10, 9, 12)],
)
def test_sizes(sites: int, resources: int, years: int, partners: int, investors: int) -> None:
    world = synthetic_world(sites, resources, years, partners, investors, seed=3)
    assert len(world.sites) == sites
    assert len(world.partners) == partners
    assert len(world.investors) == investors
    assert len(world.years) == years
    assert world.years[0] == 2025
    assert 3 <= len(world.subsidies) <= 6
    assert f"sites={sites}" in (world.description or "")


def test_start_year() -> None:
    world = synthetic_world(sites=3, years=5, seed=2, start_year=2030)
    assert world.years == [2030, 2031, 2032, 2033, 2034]
    assert world.policy.earliest_start_year == 2031
    assert world.demand.installed.base_year == 2030


@pytest.mark.parametrize("resources", range(1, 8))
def test_every_chosen_resource_is_used(resources: int) -> None:
    world = synthetic_world(sites=4, resources=resources, seed=resources)
    chosen = set(RESOURCE_ORDER[:resources])
    used = _used_resources(world)
    assert chosen <= used
    # With no logic node chosen (resources <= 2), one N5 product is added: N5 is used as well.
    assert used - chosen <= ({"N5"} if resources <= 2 else set())
    assert set(world.supply.ai_share) == used
    assert chosen == {r for p in world.partners for r in p.resources}


def test_resource_order() -> None:
    assert RESOURCE_ORDER[:6] == ("COWOS", "HBM", "N3", "N2", "N5", "A16")
    world = synthetic_world(resources=6, seed=0)
    assert {p.id for p in world.products} == {"PROD-N3", "PROD-N2", "PROD-N5", "PROD-A16"}


def test_products_and_mix() -> None:
    world = synthetic_world(resources=7, years=16, seed=5)
    by_node = {p.logic_node: p for p in world.products}
    order = ["N7", "N5", "N3", "N2", "A16"]
    compute = [by_node[node].h100e_per_unit or 0.0 for node in order]
    assert compute == sorted(compute)  # rises with the node
    for product in world.products:
        assert product.logic_die_count in {1, 2}
        assert 600 <= (product.logic_die_area_mm2 or 0) <= 820
        assert 6 <= (product.hbm_stacks or 0) <= 12
        assert 2000 <= (product.interposer_area_mm2 or 0) <= 5000
    mix = world.demand.mix
    for year in world.years:
        assert sum(interpolate(path, year) for path in mix.values()) == pytest.approx(1.0)
    first, last = world.years[0], world.years[-1]
    assert mix["PROD-N7"][first] > mix["PROD-N7"][last]
    assert mix["PROD-A16"][first] < mix["PROD-A16"][last]
    assert world.demand.mix_flexibility == 0.1
    growth = list((world.demand.installed.growth or {}).values())
    assert growth == sorted(growth, reverse=True)
    assert all(1.5 <= g <= 2.0 for g in growth)


def test_entities_are_consistent() -> None:
    world = synthetic_world(sites=25, partners=6, investors=4, seed=9)
    partner_ids = {p.id for p in world.partners}
    site_countries = {s.country for s in world.sites}
    for site in world.sites:
        assert 1 <= len(site.partners) <= 3
        assert set(site.partners) <= partner_ids
        assert 2 <= site.max_modules <= 6
    assert {p for s in world.sites for p in s.partners} == partner_ids
    assert {c for i in world.investors for c in i.countries} == site_countries
    for investor in world.investors:
        assert 5_000 <= investor.commitment_musd <= 60_000
        assert investor.annual_cap_musd == pytest.approx(0.2 * investor.commitment_musd)
        assert 0.03 <= investor.hurdle_rate <= 0.12
    for subsidy in world.subsidies:
        assert set(subsidy.countries) <= site_countries
        assert 0.05 <= subsidy.capex_share <= 0.4
    assert world.policy.regional_caps == ({"TW": 0.5} if "TW" in site_countries else {})
    assert world.supply.fabs == "all"


def test_large_instance_builds() -> None:
    world = synthetic_world(**LARGE)
    assert len(world.sites) == 100
    assert len(world.partners) == 8
    assert len(world.investors) == 10
    assert len({s.country for s in world.sites}) == 12


@pytest.mark.parametrize("kwargs", [{}, {"resources": 1, "years": 2}, LARGE])
def test_round_trip(kwargs: dict[str, int]) -> None:
    world = synthetic_world(**kwargs)
    assert load_scenario(world.to_yaml()) == world


def test_gap_covers_chosen_resources() -> None:
    world = synthetic_world(sites=10, seed=3)
    result = fabnet.gap(world)
    assert set(RESOURCE_ORDER[:6]) <= set(result.table["resource"])
    demand = result.table.groupby("resource")["demand_wspm"].sum()
    assert (demand[list(RESOURCE_ORDER[:6])] > 0).all()


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"resources": 0}, "resources"),
        ({"resources": 8}, "resources"),
        ({"sites": 0}, "sites"),
        ({"years": 1}, "years"),
        ({"partners": 0}, "partners"),
        ({"investors": -1}, "investors"),
        ({"seed": -1}, "seed"),
        ({"sites": 2.5}, "sites"),
        ({"start_year": 1900}, "start_year"),
        ({"start_year": 2090, "years": 16}, "years"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], parameter: str) -> None:
    with pytest.raises(ParameterError) as info:
        synthetic_world(**kwargs)
    assert info.value.parameter == parameter
    assert str(info.value).startswith(f"{parameter}: must be")


def test_resources_error_message() -> None:
    with pytest.raises(ParameterError, match=r"resources: must be 1 to 7 \(got 9\)"):
        synthetic_world(resources=9)


# --- synthetic_fabs -----------------------------------------------------------------------------

#: The tool plan benchmark's full size (fabs, nodes, steps, tool types, periods).
FAB_FULL = (5, 6, 300, 40, 12)


def _g1_g2(spec: FabSpec) -> list[tuple[ToolType, ToolType]]:
    """The (G1, G2) pairs of the workstations with two tool types."""
    by_ws: dict[str, list[ToolType]] = {}
    for tool in spec.tool_types:
        by_ws.setdefault(tool.workstation, []).append(tool)
    return [(pair[0], pair[1]) for pair in by_ws.values() if len(pair) == 2]


def test_synthetic_fabs_is_a_valid_fab_file() -> None:
    spec = synthetic_fabs()
    assert isinstance(spec, FabSpec)
    assert spec.name == "synthetic-f3-n2-s30-k12-t8-seed0"
    assert load_fab(spec.to_yaml()) == spec
    data = fab_data(spec)
    assert data.demand.shape == (1, 2, 8)


def test_synthetic_fabs_is_deterministic() -> None:
    assert synthetic_fabs(seed=4) == synthetic_fabs(seed=4)
    assert synthetic_fabs(*FAB_FULL) == synthetic_fabs(*FAB_FULL)
    assert synthetic_fabs(seed=0) != synthetic_fabs(seed=1)


@pytest.mark.parametrize(
    ("fabs", "nodes", "steps", "tool_types", "periods"),
    [(1, 1, 1, 1, 1), (2, 3, 7, 5, 4), (3, 2, 30, 12, 8), (4, 9, 20, 25, 10), FAB_FULL],
)
def test_synthetic_fabs_sizes(
    fabs: int, nodes: int, steps: int, tool_types: int, periods: int
) -> None:
    spec = synthetic_fabs(fabs, nodes, steps, tool_types, periods, seed=2)
    assert [f.id for f in spec.fabs] == [f"fab-{i + 1}" for i in range(fabs)]
    assert len(spec.routes) == nodes
    assert all(len(route.steps) == steps for route in spec.routes)
    assert len(spec.tool_types) == tool_types
    # ⌈0.6 × tool_types⌉ workstations; the other types are their second generations
    workstations = {t.workstation for t in spec.tool_types}
    assert len(workstations) == math.ceil(0.6 * tool_types)
    assert len(_g1_g2(spec)) == tool_types - len(workstations)
    assert len(spec.periods.labels) == periods
    assert spec.periods.first == "2026Q1"
    assert len(spec.demand.table) == nodes * periods
    assert f"steps={steps}" in (spec.description or "")


def test_synthetic_fabs_node_names() -> None:
    assert [r.id for r in synthetic_fabs(nodes=2).routes] == ["N3", "N2"]
    six = ["N7", "N5", "N4", "N3", "N2", "A16"]
    assert [r.id for r in synthetic_fabs(nodes=6, steps=3).routes] == six
    nine = [r.id for r in synthetic_fabs(nodes=9, steps=3).routes]
    assert nine == [*six, "A14", "NODE-8", "NODE-9"]


def test_synthetic_fabs_tool_types() -> None:
    spec = synthetic_fabs(*FAB_FULL)
    data = fab_data(spec)
    pairs = _g1_g2(spec)
    assert pairs
    for old, new in pairs:
        assert (old.generation, new.generation) == (1, 2)
        assert 1.15 * old.capex_musd <= new.capex_musd + 0.01 <= 1.4 * old.capex_musd + 0.02
        assert new.footprint_m2 >= old.footprint_m2 - 0.05
        # a newer type bought from a later period exactly where the older may still be bought
        assert new.buyable
        assert (new.id in spec.rules.first_buy) == old.buyable
        if new.id in spec.rules.first_buy:
            assert "2026Q2" <= spec.rules.first_buy[new.id] <= "2027Q2"  # the first half
    assert {old.buyable for old, _ in pairs} == {True, False}  # some older types not sold
    # the newer type takes 0.60-0.85 of the older's time on every step (rpt rounded to 1e-3)
    steps = [step for route in spec.routes for step in route.steps]
    for old, new in pairs:
        ratios = [s.rpt_min[new.id] / s.rpt_min[old.id] for s in steps if old.id in s.rpt_min]
        assert ratios
        assert min(ratios) >= 0.599
        assert max(ratios) <= 0.851
        assert max(ratios) - min(ratios) < 0.01  # one speed-up per workstation
    assert {t.workstation for t in spec.tool_types if t.euv} == {"LITHO-EUV"}
    assert data.euv.sum() == len([t for t in spec.tool_types if t.workstation == "LITHO-EUV"])
    for tool in spec.tool_types:
        assert 0.88 <= tool.uptime <= 0.95
        assert 0.80 <= tool.utilisation <= 0.90
        assert 0.02 * tool.capex_musd - 0.001 <= tool.move_out_musd <= 0.05 * tool.capex_musd


def test_synthetic_fabs_routes() -> None:
    spec = synthetic_fabs(*FAB_FULL)
    types = {t.id: t for t in spec.tool_types}
    per_wafer = []
    for route in spec.routes:
        for step in route.steps:
            # every type of the step's workstation may run it, and only those
            assert set(step.rpt_min) == {
                t.id for t in spec.tool_types if t.workstation == step.workstation
            }
            g1 = min(step.rpt_min, key=lambda kind: types[kind].generation)
            per_wafer.append(step.rpt_min[g1] / step.batch_wafers)
            assert (step.batch_wafers > 1) == (step.workstation == "FURNACE")
            assert (step.setup_min > 0) == step.workstation.startswith("LITHO")
    assert 0.2 <= min(per_wafer) < 0.5  # INSPECT
    assert 50 < max(per_wafer) <= 60.0
    # the steps cycle through the workstations: each route visits all 24 of them
    assert all(len({s.workstation for s in r.steps}) == 24 for r in spec.routes)


def test_synthetic_fabs_demand_and_fabs() -> None:
    spec = synthetic_fabs(*FAB_FULL)
    data = fab_data(spec)
    demand = data.demand[0]  # [p, t], the products from the oldest node to the newest
    assert demand.min() > 0
    assert demand[0, -1] < demand[0, 0]  # N7 shrinks
    assert demand[-1, -1] > 1.5 * demand[-1, 0]  # A16 grows
    assert demand[:, -1].sum() > demand[:, 0].sum()
    assert demand[:, 0].min() >= 2000 * 0.7
    assert demand[:, 0].max() <= 6000
    assert np.all(data.allowed.sum(axis=0) >= 2)  # every product in two fabs or more
    assert np.all(data.allowed.any(axis=1))
    assert not data.allowed.all()  # most, not all
    assert data.allowed.mean() >= 0.6
    assert 20 <= spec.rules.transfer_usd_per_wafer <= 60
    assert spec.rules.move_outs


def test_synthetic_fabs_can_be_planned() -> None:
    """Every step has a type on sale; the start tools fit their fab; the floor fits the last
    period's demand on the floor-sparest types (a necessary condition: the fabs pooled)."""
    spec = synthetic_fabs(*FAB_FULL)
    data = fab_data(spec)
    sold = {t.id for t in spec.tool_types if t.buyable}
    assert all(set(s.rpt_min) & sold for r in spec.routes for s in r.steps)
    start_floor = data.start_tools @ data.footprint_m2
    assert np.all(start_floor <= data.floor_m2)
    assert np.all(start_floor >= 0.5 * data.floor_m2)  # the fabs are not empty
    # every step's last-period wafers on the type on sale that takes the least floor for them
    on_sale = data.runs & (data.first_buy < len(data.periods))
    m2_per_wafer = np.where(on_sale, data.minutes / data.capacity_min * data.footprint_m2, np.inf)
    best = m2_per_wafer.argmin(axis=1)
    wafers = np.zeros_like(data.minutes)
    wafers[np.arange(len(best)), best] = data.step_demand[0, :, -1]
    least_m2 = float(tools_needed(data, wafers) @ data.footprint_m2)
    assert least_m2 <= data.floor_m2.sum()
    assert least_m2 >= 0.6 * data.floor_m2.sum()  # the floor is tight, not lavish


@pytest.mark.parametrize("seed", [0, 1])
def test_synthetic_fabs_tiny_instance_is_planned(seed: int) -> None:
    """A tiny instance: the installed tools make the first period's demand and not the last's,
    the tool plan exists (solved to optimality), buys tools and fills some fab's floor."""
    spec = synthetic_fabs(2, 2, 8, 6, 4, seed=seed)
    check = current_tools_check(fab_data(spec))
    assert check["meets_demand"].tolist()[0]
    assert not check["meets_demand"].tolist()[-1]
    plan = tool_plan(spec, mip_gap=0.0, time_limit_s=60, threads=1, random_seed=0)
    assert plan.status == "optimal"
    assert plan.headline()["tools_bought"] > 0
    used = plan.floor["used_m2"] / plan.floor["floor_m2"]
    assert used.max() <= 1.0 + 1e-9
    assert used.max() >= 0.9  # the floor binds (or nearly) somewhere


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"fabs": 0}, "fabs"),
        ({"nodes": 0}, "nodes"),
        ({"steps": 0}, "steps"),
        ({"tool_types": 0}, "tool_types"),
        ({"periods": 0}, "periods"),
        ({"periods": 301}, "periods"),
        ({"seed": -1}, "seed"),
        ({"fabs": 1.5}, "fabs"),
    ],
)
def test_synthetic_fabs_bad_arguments(kwargs: dict[str, object], parameter: str) -> None:
    with pytest.raises(ParameterError) as info:
        synthetic_fabs(**kwargs)  # type: ignore[arg-type]
    assert info.value.parameter == parameter

"""fabnet.examples: the built-in scenarios and the deterministic synthetic worlds."""

from __future__ import annotations

import pytest

import fabnet
from fabnet.examples import RESOURCE_ORDER, builtin_scenarios, load_example, synthetic_world
from fabnet.exceptions import ParameterError
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

"""The planner takes a resource's EUV scanners and capex per kwspm from a fab module design
when the scenario links one (``fab_designs:``), and the catalog's otherwise: one code path."""

from __future__ import annotations

from typing import Any

import pytest

from fabnet.catalog import load_catalog
from fabnet.examples import tiny_world
from fabnet.fab import load_fab
from fabnet.fab.design import module_bill
from fabnet.outlook import gap
from fabnet.planning import build_data
from fabnet.planning.data import PlanData, module_figures
from fabnet.scenario import load_scenario

CATALOG = load_catalog()


def _n3_world(links: list[dict[str, Any]]) -> dict[str, Any]:
    """The tiny world on N3: its chip, its partner and so its one TW project."""
    world = tiny_world({2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8})
    world["products"][0]["logic_node"] = "N3"
    world["partners"][0]["resources"] = ["N3"]
    world["fab_designs"] = links
    return world


def _data(world: dict[str, Any]) -> PlanData:
    scenario = load_scenario(world, catalog=CATALOG)
    return build_data(scenario, CATALOG, gap(scenario, catalog=CATALOG))


def test_a_linked_design_gives_the_projects_euv_and_capex() -> None:
    both = {"resource": "N3", "fab": "example-3fab", "design": "n3-module"}
    catalog = _data(_n3_world([])).projects.loc["tw-site/maker/N3"]
    linked = _data(_n3_world([both])).projects.loc["tw-site/maker/N3"]
    euv_only = _data(_n3_world([{**both, "use": ["euv"]}])).projects.loc["tw-site/maker/N3"]
    bill = module_bill(load_fab(), "n3-module")
    # The catalog: a 25 kwspm N3 module in TW (capex factor 1.0) costs 280 × 25 = 7,000 musd and
    # holds 0.45 × 25 = 11.25 scanners.
    assert catalog["module_kwspm"] == 25.0
    assert catalog["capex_musd"] == pytest.approx(7000.0)
    assert catalog["euv_tools"] == pytest.approx(11.25)
    # The design: 8 EUV-3800E for 25 kwspm (0.32 per kwspm) and 4,936 musd of tools + 2,000 of
    # facility = 6,936 musd (277.44 per kwspm); the module's size stays the catalog's 25 kwspm.
    assert (bill.euv_tools, bill.capex_musd) == (8, 6936.0)
    assert linked["euv_tools"] == pytest.approx(8.0)
    assert linked["capex_musd"] == pytest.approx(6936.0)
    # use: [euv] takes the scanners only; the capex stays the catalog's.
    assert euv_only["euv_tools"] == pytest.approx(8.0)
    assert euv_only["capex_musd"] == pytest.approx(7000.0)


def test_module_figures_are_the_catalogs_without_a_link() -> None:
    scenario = load_scenario(_n3_world([]), catalog=CATALOG)
    figures = module_figures(scenario, CATALOG, ["N3", "COWOS"])
    assert figures["N3"] == {"capex_musd_per_kwspm": 280.0, "euv_tools_per_kwspm": 0.45}
    # COWOS has no EUV figure in the catalog: none.
    assert figures["COWOS"]["euv_tools_per_kwspm"] == 0.0


def test_a_link_for_a_resource_the_plan_does_not_use_changes_nothing() -> None:
    link = {"resource": "N2", "fab": "example-3fab", "design": "n2-module"}
    scenario = load_scenario(_n3_world([link]), catalog=CATALOG)
    figures = module_figures(scenario, CATALOG, ["N3"])
    assert figures == {"N3": {"capex_musd_per_kwspm": 280.0, "euv_tools_per_kwspm": 0.45}}
    # Asked for N2 too, the design's figures: 9 scanners and 7,712 musd for 25 kwspm.
    n2 = module_figures(scenario, CATALOG, ["N2", "N3"])["N2"]
    assert n2 == pytest.approx({"capex_musd_per_kwspm": 308.48, "euv_tools_per_kwspm": 0.36})

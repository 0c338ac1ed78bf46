"""Infeasible plans: the diagnosis names the family, the year and the place."""

from __future__ import annotations

from typing import Any

import pytest

import fabnet
from fabnet.exceptions import InfeasiblePlanError
from fabnet.planning import plan


def _findings(scenario: dict[str, object], relax: bool = False) -> InfeasiblePlanError:
    with pytest.raises(InfeasiblePlanError) as info:
        plan(fabnet.load_scenario(scenario), relax=relax)
    return info.value


def test_demand_before_the_first_module_can_come_online(make_tiny: Any) -> None:
    tiny = make_tiny
    error = _findings(tiny({2025: 1.0, 2026: 1.0e8, 2032: 1.0e8}, max_unserved_share=0.0))
    (finding,) = [f for f in error.findings if f.family == "Unserved-cap"]
    assert finding.where == "2026"
    assert "compute wanted in 2026 cannot be met" in finding.message
    assert "the earliest new N5 module comes online in 2027" in finding.message
    assert error.exit_code == 3


def test_an_investor_cap_too_small(make_tiny: Any) -> None:
    tiny = make_tiny
    scenario = tiny({2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8}, max_unserved_share=0.0)
    scenario["investors"][0]["commitment_musd"] = 1000.0  # a module costs 4,020
    scenario["policy"]["max_debt_share"] = 0.0
    error = _findings(scenario)
    # One minimal relaxation is reported: more investor money or more debt (equal per musd).
    money = [
        f for f in error.findings if f.family in {"Investor-total", "Investor-annual", "Debt-share"}
    ]
    assert money
    assert sum(f.amount for f in money) == pytest.approx(3020.0)  # 4,020 capex − 1,000
    assert all(
        f.where in {"fund", "TW, 2028", "TW, 2029"} or f.where.startswith("fund") for f in money
    )
    assert not [f for f in error.findings if f.family == "Unserved-cap"]


def test_a_regional_cap_that_cannot_be_met(make_tiny: Any) -> None:
    tiny = make_tiny
    error = _findings(
        tiny(
            {2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8},
            max_unserved_share=0.0,
            regional_caps={"TW": 0.0},
        )
    )
    found = [f for f in error.findings if f.family == "Regional-cap"]
    assert found
    assert "regional cap TW 2030" in found[0].message
    assert found[0].where.startswith("TW")
    assert found[0].unit == "wspm"


def test_an_lp_also_gets_its_irreducible_infeasible_subsystem(make_tiny: Any) -> None:
    tiny = make_tiny
    error = _findings(
        tiny({2025: 1.0, 2026: 1.0e8, 2032: 1.0e8}, max_unserved_share=0.0), relax=True
    )
    assert error.iis
    assert any(name.startswith("Unserved-cap[2026]") for name in error.iis)

"""Tiny worlds for the finance tests (built on :func:`fabnet.examples.tiny_world`)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fabnet.examples import TINY_OLD_FAB, tiny_world

#: New compute only in 2030 (about 13.7 kwspm of N5): one TW module online in 2030 serves it.
DEMAND_2030 = {2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8}


@pytest.fixture
def one_module() -> dict[str, Any]:
    """One module started 2028, online 2030; no tax, no terminal value, no debt, no grants."""
    world = tiny_world(DEMAND_2030)
    world["finance"] = {"tax": False, "terminal_value": "none"}
    return world


def _strategy_world() -> dict[str, Any]:
    """The one-module world plus an existing fab of the partner (10,000 wspm of N5, half of it
    for AI), a 1,200 USD/wspm-year reservation fee, and an offer for the partner."""
    world = tiny_world(DEMAND_2030)
    world["supply"] = {
        "fabs": [],
        "add": [copy.deepcopy(TINY_OLD_FAB)],
        "ai_share": {"N5": 0.5},
    }
    world["partners"][0]["book_value_musd"] = 10000.0
    world["finance"] = {
        "tax": False,
        "terminal_value": "none",
        "strategies": {
            "reservation": {
                "fee_usd_per_wspm_year": {"N5": 1200.0},
                "max_share_of_partner_capacity": 0.2,
            },
            "acquisitions": [
                {
                    "target": "maker",
                    "premium": 0.5,
                    "closing_months": 12,
                    "block_probability": 0.25,
                    "break_fee_musd": 100.0,
                }
            ],
        },
    }
    return world


@pytest.fixture
def strategy_world() -> dict[str, Any]:
    """:func:`_strategy_world`, fresh for each test."""
    return _strategy_world()


@pytest.fixture(scope="module")
def strategy_comparison() -> Any:
    """Every strategy planned on :func:`_strategy_world` (once per test module)."""
    import fabnet
    from fabnet.finance import compare

    return compare(fabnet.load_scenario(_strategy_world()))

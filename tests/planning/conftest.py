"""Tiny planning worlds whose optimum can be worked out by hand.

One product (a 100 mm² N5 die, 1 H100e, no HBM, no package), no existing supply, a partner that
runs N5 only, ramp-up in one step. A TW module: 20 kwspm, lead time ⌈(9.5 + 13)/12⌉ = 2 years,
capex 201 musd/kwspm × 20 × 1.0 = 4,020 musd spent over its two lead years (catalog figures).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

TW_SITE = {
    "id": "tw-site",
    "name": "TW site",
    "country": "TW",
    "partners": ["maker"],
    "max_modules": 4,
    "lat": 24.0,
    "lon": 120.6,
}
JP_SITE = {
    "id": "jp-site",
    "name": "JP site",
    "country": "JP",
    "partners": ["maker"],
    "max_modules": 4,
    "lat": 32.9,
    "lon": 130.8,
}


def tiny(installed: dict[int, float], **policy: Any) -> dict[str, Any]:
    """A tiny scenario as a mapping (2025–2032); ``policy`` entries override the defaults."""
    base_policy: dict[str, Any] = {
        "ramp_profile": [1.0],
        "earliest_start_year": 2025,
        "max_debt_share": 0.0,
        "unserved_penalty_usd_per_h100e": 1.0e6,
        "fixed_opex_share": 0.0,
    }
    base_policy.update(policy)
    return copy.deepcopy(
        {
            "name": "tiny",
            "horizon": {"start_year": 2025, "end_year": 2032},
            "demand": {
                "installed": {"table": installed},
                "service_life_years": 20,
                "mix": {"CHIP": {2025: 1.0}},
            },
            "products": [
                {
                    "id": "CHIP",
                    "name": "Chip",
                    "vendor": "test",
                    "h100e_per_unit": 1.0,
                    "logic_die_count": 1,
                    "logic_die_area_mm2": 100.0,
                    "logic_node": "N5",
                }
            ],
            "supply": {"fabs": []},
            "sites": [TW_SITE],
            "partners": [
                {
                    "id": "maker",
                    "name": "Maker",
                    "country": "TW",
                    "resources": ["N5"],
                    "max_starts_per_year": 5,
                    "lead_time_factor": 1.0,
                }
            ],
            "investors": [
                {
                    "id": "fund",
                    "name": "Fund",
                    "type": "sovereign_fund",
                    "country": "US",
                    "commitment_musd": 1.0e6,
                    "annual_cap_musd": 1.0e5,
                    "countries": ["TW", "JP"],
                }
            ],
            "policy": base_policy,
            "solver": {"time_limit_s": 60, "mip_gap": 0.0, "threads": 1},
        }
    )


@pytest.fixture
def make_tiny() -> Any:
    """The :func:`tiny` builder (tests cannot import conftest under importlib mode)."""
    return tiny


@pytest.fixture
def jp_site() -> dict[str, Any]:
    return copy.deepcopy(JP_SITE)


@pytest.fixture
def one_module_2030() -> dict[str, Any]:
    """New compute only in 2030, about 14 kwspm of N5: one module, online in 2030."""
    return tiny({2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8})

"""Tiny fab files whose tool plans can be worked out by hand.

Every tool type is up all the time and may be loaded fully (availability 1, utilisation 1) and a
week has 10,000 minutes, so one tool of a type with a raw process time of ``r`` minutes per wafer
makes ``10,000 / r`` wafers a week; costs are undiscounted unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

#: Minutes a week in the tiny fab files.
MINUTES_PER_WEEK = 10_000.0

FabFile = Callable[..., dict[str, Any]]


def tiny_fab(
    tool_types: list[dict[str, Any]],
    routes: Mapping[str, list[tuple[str, dict[str, float]]]],
    fabs: list[dict[str, Any]],
    demand: Mapping[Any, float],
    *,
    first: str = "2026Q1",
    last: str | None = None,
    rules: Mapping[str, Any] | None = None,
    scenarios: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """A fab file as a mapping for :func:`fabnet.fab.load_fab`.

    ``tool_types`` need only id, workstation, capex_musd and footprint_m2; ``routes`` map a
    product to its steps, each (workstation, {tool type: rpt_min}); ``demand`` maps (product,
    period) — or (scenario, product, period) with ``scenarios`` (id → probability) — to wafers
    a week.
    """
    types = [
        {"availability": 1.0, "utilisation": 1.0, "move_out_musd": 0.0, **t} for t in tool_types
    ]
    table = []
    for key, wafers in demand.items():
        if scenarios:
            scenario, product, period = key
            table.append(
                {
                    "scenario": scenario,
                    "product": product,
                    "period": period,
                    "wafers_per_week": wafers,
                }
            )
        else:
            product, period = key
            table.append({"product": product, "period": period, "wafers_per_week": wafers})
    spec: dict[str, Any] = {
        "name": "tiny",
        "periods": {"first": first, "last": last or first, "minutes_per_week": MINUTES_PER_WEEK},
        "tool_types": types,
        "routes": [
            {"id": p, "steps": [{"workstation": w, "rpt_min": dict(r)} for w, r in steps]}
            for p, steps in routes.items()
        ],
        "fabs": fabs,
        "demand": {"table": table},
        "rules": {"solver": {"time_limit_s": 60, "mip_gap": 0.0}, **(rules or {})},
    }
    if scenarios:
        spec["demand"]["scenarios"] = [{"id": s, "probability": p} for s, p in scenarios.items()]
    return spec


@pytest.fixture(scope="session")
def fab_file() -> FabFile:
    """The :func:`tiny_fab` builder (tests cannot import conftest under importlib mode)."""
    return tiny_fab

"""Tiny planning worlds whose optimum can be worked out by hand.

One product (a 100 mm² N5 die, 1 H100e, no HBM, no package), no existing supply, a partner that
runs N5 only, ramp-up in one step. A TW module: 20 kwspm, lead time ⌈(9.5 + 13)/12⌉ = 2 years,
capex 201 musd/kwspm × 20 × 1.0 = 4,020 musd spent over its two lead years (catalog figures).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fabnet.examples import TINY_JP_SITE, tiny_world


@pytest.fixture
def make_tiny() -> Any:
    """The :func:`tiny` builder (tests cannot import conftest under importlib mode)."""
    return tiny_world


@pytest.fixture
def jp_site() -> dict[str, Any]:
    return copy.deepcopy(TINY_JP_SITE)


@pytest.fixture
def one_module_2030() -> dict[str, Any]:
    """New compute only in 2030, about 14 kwspm of N5: one module, online in 2030."""
    return tiny_world({2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8})

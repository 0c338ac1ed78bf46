"""Doctests that solve a full-size plan, and browser tests, are part of the slow suite.

The examples in fabnet's docstrings run as doctests (``--doctest-modules``). Those that plan the
built-in world (``altman-2024``), and those that make a stochastic plan, take seconds each; they
are marked ``slow`` here, by what they run, so that the quick suite (``-m "not slow"``) stays
quick while CI (which runs everything) still checks every example.
"""

from __future__ import annotations

import re

import pytest

#: A doctest that plans, compares, evaluates or stochastically plans a built-in scenario.
_FULL_SIZE = re.compile(
    r"\b(plan|compare|financials|analyse|evaluate|stochastic_plan|project_flows)\("
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)  # a real browser: the slow suite (CI) runs it
        if not isinstance(item, pytest.DoctestItem) or item.dtest is None:
            continue
        source = "".join(example.source for example in item.dtest.examples)
        if ("altman-2024" in source and _FULL_SIZE.search(source)) or "stochastic_plan(" in source:
            item.add_marker(pytest.mark.slow)  # a stochastic plan solves many MIPs

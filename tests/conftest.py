"""Shared fixtures: scenarios come from the built-in examples, files go to tmp_path."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# "ci" runs more examples; the fuzz test sets its own (larger) count.
settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci", deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the stored golden results under tests/golden/ from the current code.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))

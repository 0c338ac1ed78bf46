"""A small standalone scenario whose lines the error tests know."""

from __future__ import annotations

from pathlib import Path

import pytest

# Line numbers matter: tests point at them.
SMALL = """\
name: small
horizon:
  start_year: 2025
  end_year: 2030
demand:
  installed:
    base_year: 2025
    base_h100e: 1.0e6
    growth: {2025: 2.0, 2028: 1.5}
  service_life_years: 4
  mix:
    H100: {2025: 1.0, 2030: 0.0}
    B200: {2025: 0.0, 2030: 1.0}
sites:
  - id: test-site
    name: Test site
    country: US
    partners: [test-partner]
    max_modules: 4
    lat: 33.4
    lon: -112.0
partners:
  - id: test-partner
    name: Test Partner
    country: US
    resources: [N3, COWOS]
    max_starts_per_year: 2
investors:
  - id: test-fund
    name: Test Fund
    type: sovereign_fund
    country: AE
    commitment_musd: 10000
    annual_cap_musd: 2000
    countries: [US]
"""


@pytest.fixture
def small_text() -> str:
    return SMALL


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path

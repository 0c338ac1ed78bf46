"""What the report reads from a gap result and a plan, as structural types.

The report is written against the attributes of :class:`fabnet.outlook.GapResult` and
:class:`fabnet.planning.Plan` without importing :mod:`fabnet.outlook` or :mod:`fabnet.planning`:
any object with these attributes renders (a test double, a result loaded back from disk).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GapLike", "PlanLike", "ScenarioLike", "SiteLike"]


class SiteLike(Protocol):
    """A candidate site: where new fab modules could go."""

    @property
    def id(self) -> str:
        """Site id."""

    @property
    def name(self) -> str:
        """Display name."""

    @property
    def country(self) -> str:
        """ISO 3166-1 alpha-2 country code."""

    @property
    def lat(self) -> float:
        """Latitude [°]."""

    @property
    def lon(self) -> float:
        """Longitude [°]."""

    @property
    def partners(self) -> Sequence[str]:
        """Partner ids allowed to build there."""

    @property
    def max_modules(self) -> int:
        """New fab modules the site can hold."""


class ScenarioLike(Protocol):
    """The parts of a :class:`fabnet.scenario.Scenario` the report shows."""

    @property
    def name(self) -> str:
        """Scenario name."""

    @property
    def description(self) -> str | None:
        """One-paragraph description."""

    @property
    def years(self) -> list[int]:
        """Modelled years."""

    @property
    def sites(self) -> Sequence[SiteLike]:
        """Candidate sites."""


class GapLike(Protocol):
    """The parts of a :class:`fabnet.outlook.GapResult` the report shows.

    See :class:`fabnet.outlook.GapResult` for the columns of each frame.
    """

    @property
    def scenario(self) -> ScenarioLike:
        """The scenario the result was computed for."""

    @property
    def years(self) -> list[int]:
        """Modelled years."""

    @property
    def table(self) -> pd.DataFrame:
        """Per (year, resource): demand, supply, gap [wspm] and coverage."""

    @property
    def supply(self) -> pd.DataFrame:
        """Per (year, fab): capacity, weight, AI share, AI capacity [wspm], place, status."""

    @property
    def demand(self) -> pd.DataFrame:
        """Per (year, product, resource, item): units and wafers [wspm]."""

    @property
    def compute(self) -> pd.DataFrame:
        """Per year (index): installed, retired, new, deliverable, shortfall [H100e], binding."""

    @property
    def binding(self) -> pd.Series[Any]:
        """Binding (lowest-coverage) resource per year."""

    @property
    def euv(self) -> pd.DataFrame:
        """EUV scanners needed per (year, resource)."""

    @property
    def assumptions(self) -> pd.DataFrame:
        """Every figure used: item, value, unit, source, date, kind."""


class PlanLike(Protocol):
    """The parts of a :class:`fabnet.planning.Plan` the report shows.

    See :class:`fabnet.planning.Plan` for the columns of each frame.
    """

    @property
    def scenario(self) -> ScenarioLike:
        """The scenario the plan was made for."""

    @property
    def builds(self) -> pd.DataFrame:
        """Per (project, start year): site, country, region, partner, resource, modules,
        start_year, online_year, capex_musd (all modules), lat, lon."""

    @property
    def capacity(self) -> pd.DataFrame:
        """New capacity online per (year, resource, region): ``new_wspm`` [wspm]."""

    @property
    def compute(self) -> pd.DataFrame:
        """Per year: wanted, delivered and unserved compute [H100e] and the shadow price of
        compute ``shadow_price_usd_per_h100e`` [USD per H100e] (NaN when not computed)."""

    @property
    def capex(self) -> pd.DataFrame:
        """Per (year, country): capex, grants, debt and investor funding [musd]."""

    @property
    def funding(self) -> pd.DataFrame:
        """Per (year, investor, country): investor funding ``musd`` [musd]."""

    @property
    def stats(self) -> Mapping[str, Any]:
        """Status, objective, bound, gap, variables, constraints, seconds of each stage."""

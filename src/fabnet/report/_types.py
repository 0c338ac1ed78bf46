"""What the report reads from a gap result, a plan, its financials, a comparison of strategies,
a plan's risk and a stochastic plan, as structural types.

The report is written against the attributes of :class:`fabnet.outlook.GapResult`,
:class:`fabnet.planning.Plan`, :class:`fabnet.finance.Financials`,
:class:`fabnet.finance.Comparison`, :class:`fabnet.risk.analysis.RiskResult` and
:class:`fabnet.risk.stochastic.StochasticPlan` without importing :mod:`fabnet.outlook`,
:mod:`fabnet.planning`, :mod:`fabnet.finance` or :mod:`fabnet.risk`: any object with these
attributes renders (a test double, a result loaded back from disk).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ComparisonLike",
    "FinancialsLike",
    "GapLike",
    "PlanLike",
    "RiskLike",
    "SamplesLike",
    "ScenarioLike",
    "SiteLike",
    "StochasticLike",
]


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
    def max_modules(self) -> int | None:
        """New modules the site can hold (None: no bare count)."""


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


class FinancialsLike(Protocol):
    """The parts of a :class:`fabnet.finance.Financials` the report shows.

    Money is in musd (million US dollars), signed: + is money in, − money out. See
    :class:`fabnet.finance.Financials` for the columns of each frame.
    """

    @property
    def plan(self) -> PlanLike:
        """The plan whose money this is."""

    @property
    def cash_flows(self) -> pd.DataFrame:
        """Per (project, year) (a MultiIndex): capacity [wspm], wafers, and every component
        [musd]: ``capex_musd``, ``grants_musd``, ``tax_credits_musd``, ``revenue_musd``,
        ``opex_musd``, ``depreciation_musd`` (not cash), ``tax_musd``,
        ``terminal_value_musd``, ``debt_drawn_musd``, ``interest_musd``, ``principal_musd``,
        and the ``project_``, ``lender_`` and ``equity_cash_flow_musd``."""

    @property
    def investor_flows(self) -> pd.DataFrame:
        """Per (investor, project, year) with money: ``call_musd`` (≥ 0), ``cash_flow_musd``."""

    @property
    def shares(self) -> pd.DataFrame:
        """Equity ``share`` per (investor, project) [fraction]."""

    @property
    def capital_calls(self) -> pd.DataFrame:
        """Capital called per investor (index) and year (columns) [musd]."""

    @property
    def projects(self) -> pd.DataFrame:
        """Per project (index): site, country, region, partner, resource, modules, capex,
        grants, tax credits, debt, equity, revenue [musd]; ``npv_musd``, ``irr``, ``irr_note``,
        ``payback_years``, ``equity_npv_musd``, ``equity_irr``, ``equity_moic``."""

    @property
    def investors(self) -> pd.DataFrame:
        """Per investor (index): ``called_musd``, ``returned_musd``, ``npv_at_hurdle_musd``,
        ``irr``, ``irr_note``, ``moic``, ``payback_years``, ``hurdle_rate`` and ``hurdle_met``
        (NaN for an investor with no call)."""

    @property
    def assumptions(self) -> Mapping[str, Any]:
        """The financial assumptions: discount rate, debt terms, terminal value, …"""

    def by_year(self) -> pd.DataFrame:
        """Every money column summed over the projects, per year (index) [musd]."""


class ComparisonLike(Protocol):
    """The parts of a :class:`fabnet.finance.Comparison` of strategies the report shows.

    See :class:`fabnet.finance.Comparison` for the columns of each frame.
    """

    @property
    def scenario(self) -> ScenarioLike:
        """The scenario every strategy was planned for."""

    @property
    def plans(self) -> Mapping[str, PlanLike]:
        """One plan per strategy."""

    @property
    def financials(self) -> Mapping[str, FinancialsLike]:
        """The financials of each strategy that builds (own-build, mix)."""

    @property
    def table(self) -> pd.DataFrame:
        """Per strategy (index, in the order planned): ``cost_npv_musd``, ``objective_musd``,
        ``delivered_by_<year>_h100e``, ``delivered_h100e``, ``unserved_h100e``,
        ``first_new_supply_year``, ``peak_capital_musd``, ``modules``, ``reserved_wspm_years``,
        ``acquired``, ``block_probability``, ``status``."""

    @property
    def investors(self) -> pd.DataFrame:
        """IRR per investor (index) and strategy (columns); NaN where there is none."""

    @property
    def by_year(self) -> pd.DataFrame:
        """Per (strategy, year): ``delivered_h100e``, ``unserved_h100e``, ``new_supply_wspm``
        and ``capital_need_musd``."""


class SamplesLike(Protocol):
    """The parts of a :class:`fabnet.risk.Samples` draw the report shows."""

    @property
    def values(self) -> pd.DataFrame:
        """One row per sample, one column per continuous or empirical input."""

    @property
    def events(self) -> Mapping[str, Any]:
        """Per event id: whether it happens, per sample and year (booleans)."""

    @property
    def method(self) -> str:
        """How the samples were drawn: ``"mc"``, ``"lhs"`` or ``"sobol"``."""

    @property
    def seed(self) -> int | None:
        """Seed of the draw."""


class RiskLike(Protocol):
    """The parts of a :class:`fabnet.risk.analysis.RiskResult` the report shows.

    See :class:`fabnet.risk.analysis.RiskResult` for the columns of each frame.
    """

    @property
    def plan(self) -> PlanLike:
        """The plan whose risk this is."""

    @property
    def samples(self) -> SamplesLike:
        """The sampled inputs."""

    @property
    def threshold(self) -> float:
        """A year is short when more than this share of its compute goes unserved [fraction]."""

    @property
    def alpha(self) -> float:
        """Confidence level of VaR and CVaR [fraction]."""

    @property
    def by_year(self) -> pd.DataFrame:
        """Per year (index): ``p_shortfall`` with its Wilson interval ``p_shortfall_low`` and
        ``p_shortfall_high``, ``expected_unserved_h100e``, ``expected_wanted_h100e``, and the
        5th, 25th, 50th, 75th and 95th percentiles of delivered and unserved compute
        (``delivered_p5_h100e`` … ``unserved_p95_h100e``) [H100e]."""

    @property
    def measures(self) -> pd.DataFrame:
        """Per output (index: ``npv_cost_musd``, ``unserved_h100e``, ``npv_<investor>_musd``):
        ``kind`` (``"cost"`` or ``"value"``), ``mean``, ``p5``, ``p50``, ``p95``, ``var`` and
        ``cvar`` (for a value, of the low tail, in the output's own sign)."""

    @property
    def tornado(self) -> pd.DataFrame:
        """Per input, largest swing first: ``input``, ``low_value``, ``high_value``,
        ``output_low``, ``output_high``, ``swing`` of the NPV of cost [musd];
        ``attrs["output_base"]`` is the NPV of cost with every input at its base value."""

    @property
    def sobol(self) -> pd.DataFrame | None:
        """Per input: ``first_order`` and ``total`` Sobol' indices of the NPV of cost; None
        when they were not computed."""


class StochasticLike(Protocol):
    """The parts of a :class:`fabnet.risk.stochastic.StochasticPlan` the report shows.

    Money is in musd (million US dollars), discounted as the planner's objective is.
    """

    @property
    def first_stage(self) -> pd.DataFrame:
        """The module starts shared by every world: project, site, partner, resource, country,
        start_year, modules."""

    @property
    def by_scenario(self) -> pd.DataFrame:
        """Per world (index): ``cost_musd`` [musd], ``unserved_h100e`` [H100e], ``modules``;
        where present also ``eev_cost_musd`` and ``ws_cost_musd`` [musd]."""

    @property
    def expected_cost_musd(self) -> float:
        """Mean cost of the stochastic plan over the worlds [musd]."""

    @property
    def cvar_musd(self) -> float:
        """CVaR of the stochastic plan's cost over the worlds [musd]."""

    @property
    def rp(self) -> float:
        """Objective of the recourse problem [musd]."""

    @property
    def eev(self) -> float:
        """Expected result of the expected-value plan's first stage [musd] (``inf`` when some
        world cannot carry it)."""

    @property
    def vss(self) -> float:
        """Value of the stochastic solution, ``EEV − RP`` [musd]."""

    @property
    def ws(self) -> float:
        """Wait-and-see objective (perfect information) [musd]."""

    @property
    def evpi(self) -> float:
        """Expected value of perfect information, ``RP − WS`` [musd]."""

    @property
    def stats(self) -> Mapping[str, Any]:
        """Sizes, statuses, objectives and seconds of the solves, and notes."""

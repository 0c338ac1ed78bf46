"""The strategies side by side: own-build, capacity reservation, acquisition, design-only and
the optimiser's mix, each planned on the same demand and the same existing supply.

Each strategy is the planner with a different set of supply options open
(:data:`fabnet.planning.supply_options.STRATEGIES`); every one may buy wafers from the AI share of
existing fabs at the market price. The comparison reads, per strategy:

* ``npv_cost_musd`` — the discounted cost to the horizon's start (capex − grants + opex +
  wafers bought + reservation fees + the acquisition's expected net cost − the terminal value
  of new fabs), without the penalty on unserved compute (``Plan.cost_npv()["cost"]``);
  ``npv_penalty_musd``, that penalty; ``npv_objective_musd``, the two together (the plan's
  objective) — the names :func:`fabnet.risk.evaluate` gives the same quantities;
* compute delivered by 2030 and by the horizon's end, and compute unserved [H100e, summed over
  the years' new compute];
* the first year in which the strategy's own new supply (new fabs, reserved capacity or an
  acquired chipmaker's fabs) makes wafers;
* the peak capital need: the largest year of capex − grants + reservation fees + acquisition
  price (at closing, in full) [musd, undiscounted];
* the modules built, the capacity reserved, the deals taken (with their block probability) and
  declined;
* each investor's IRR on the strategy's own projects (none where it builds nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.finance.metrics import discount_factors
from fabnet.results import Parts, Result
from fabnet.units import usd_to_musd

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.catalog import Catalog
    from fabnet.finance.statements import Financials
    from fabnet.planning import Plan
    from fabnet.scenario import Scenario

#: Year of the first milestone compared ("H100e delivered by 2030").
MILESTONE_YEAR = 2030


@dataclass(frozen=True, repr=False)
class Comparison(Result):
    """The strategies compared.

    A :class:`~fabnet.results.Result` (``to_xarray``, ``to_netcdf``, ``save(folder, format)``,
    :func:`fabnet.open_result`, ``headline()``); it keeps every strategy's plan and money.

    Attributes
    ----------
    scenario : Scenario
    plans : dict of str to Plan
        One plan per strategy.
    financials : dict of str to Financials
        The financials of each strategy that builds (own-build, mix).
    table : DataFrame
        One row per strategy: the measures in the module's description.
    investors : DataFrame
        Per (investor, strategy): ``irr`` [fraction/year]; NaN where the investor has no project
        in that strategy (long; :meth:`investor_irr_wide` pivots it).
    by_year : DataFrame
        Per (strategy, year): delivered and unserved compute [H100e], new supply [wspm] and
        capital need [musd].
    """

    scenario: Scenario
    plans: dict[str, Plan] = field(repr=False)
    financials: dict[str, Financials] = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    investors: pd.DataFrame = field(repr=False)
    by_year: pd.DataFrame = field(repr=False)

    KIND: ClassVar[str] = "strategies"
    TITLE: ClassVar[str] = "comparison"
    LEGACY_FILES: ClassVar[tuple[str, ...]] = ()

    def investor_irr_wide(self) -> pd.DataFrame:
        """IRR per investor (rows, in the scenario's order) and strategy (columns, in the order
        compared) [fraction/year]: :attr:`investors` pivoted."""
        wide = self.investors.pivot(index="investor", columns="strategy", values="irr")
        order = list(dict.fromkeys(self.investors["investor"]))
        columns = list(dict.fromkeys(self.investors["strategy"]))
        wide = wide.reindex(index=order, columns=columns)
        wide.columns.name = None
        return wide

    def headline(self) -> dict[str, Any]:
        """Per strategy: its cost and penalty (NPV) [musd], unserved compute [H100e] and
        status; and the strategy of least objective."""
        table = self.table
        out: dict[str, Any] = {"scenario": self.scenario.name, "strategies": list(table.index)}
        if len(table):
            out["best_strategy"] = str(table["npv_objective_musd"].astype(float).idxmin())
        for name, row in table.iterrows():
            key = str(name).replace("-", "_")
            out[f"{key}_cost_npv_musd"] = float(row["npv_cost_musd"])
            out[f"{key}_penalty_npv_musd"] = float(row["npv_penalty_musd"])
            out[f"{key}_unserved_h100e"] = float(row["unserved_h100e"])
            out[f"{key}_status"] = str(row["status"])
        return out

    def _parts(self) -> Parts:
        children: dict[str, Any] = {f"plans.{n}": p for n, p in self.plans.items()}
        children |= {f"financials.{n}": f for n, f in self.financials.items()}
        return Parts(
            tables={
                "strategies": self.table,
                "investor_irr": self.investors,
                "by_year": self.by_year,
            },
            meta={"plans": list(self.plans), "financials": list(self.financials)},
            scenario=self.scenario,
            children=children,
            keys={"investor_irr": ("strategy", "investor"), "by_year": ("strategy", "year")},
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> Comparison:
        from fabnet.finance.statements import Financials
        from fabnet.planning import Plan

        assert parts.scenario is not None
        return cls(
            scenario=parts.scenario,
            plans={n: parts.child(f"plans.{n}", Plan) for n in parts.meta["plans"]},
            financials={
                n: parts.child(f"financials.{n}", Financials) for n in parts.meta["financials"]
            },
            table=parts.table("strategies"),
            investors=parts.table("investor_irr"),
            by_year=parts.table("by_year"),
        )


#: The files an older fabnet saved for a comparison (such a folder may be replaced).
STRATEGY_FILES = ("strategies.csv", "investor_irr.csv", "by_year.csv")
Comparison.LEGACY_FILES = STRATEGY_FILES


#: The type of each measure of :attr:`Comparison.table` (numbers as floats or ints, words as
#: strings; a measure that can be missing is a float).
MEASURE_DTYPES: dict[str, str] = {
    "npv_cost_musd": "float64",
    "npv_penalty_musd": "float64",
    "npv_objective_musd": "float64",
    f"delivered_by_{MILESTONE_YEAR}_h100e": "float64",
    "delivered_h100e": "float64",
    "unserved_h100e": "float64",
    "first_new_supply_year": "float64",
    "peak_capital_musd": "float64",
    "modules": "int64",
    "reserved_wspm_years": "float64",
    "acquired": "str",
    "declined": "str",
    "block_probability": "float64",
    "status": "str",
}


def capital_need(plan: Plan) -> pd.Series:
    """Capital a plan needs per year: capex − grants + reservation fees + acquisition prices at
    closing (in full) [musd, undiscounted]."""
    import pandas as pd

    years = plan.scenario.years
    capex = plan.capex.groupby("year")[["capex_musd", "grants_musd"]].sum()
    need = (capex["capex_musd"] - capex["grants_musd"]).reindex(years, fill_value=0.0)
    if len(plan.reservations):
        need = need.add(plan.reservations.groupby("year")["fee_musd"].sum(), fill_value=0.0)
    taken = plan.acquisitions[plan.acquisitions["taken"] > 0.5] if len(plan.acquisitions) else None
    if taken is not None and len(taken):
        price = taken.groupby(taken["closing_year"].clip(upper=years[-1]))["price_musd"].sum()
        need = need.add(price, fill_value=0.0)
    return pd.Series(need.reindex(years, fill_value=0.0), name="capital_need_musd")


def measures(plan: Plan) -> dict[str, Any]:
    """The comparison's measures of one plan (see the module's description)."""
    policy = plan.scenario.policy
    compute = plan.compute.set_index("year")
    years = plan.scenario.years
    discount = discount_factors(policy.discount_rate, years, years[0])
    unserved = compute["unserved_h100e"].reindex(years).to_numpy()
    penalty = float(usd_to_musd((unserved * discount * np.asarray(policy.penalty(years))).sum()))
    production = plan.production.groupby("year")[
        ["new_wspm", "reserved_wspm", "acquired_wspm"]
    ].sum()
    own = production.sum(axis=1)
    first = own[own > 1e-6].index.min() if (own > 1e-6).any() else None
    need = capital_need(plan)
    by = compute.index <= MILESTONE_YEAR
    taken = plan.acquisitions[plan.acquisitions["taken"] > 0.5] if len(plan.acquisitions) else None
    costs = plan.cost_npv()
    return {
        "npv_cost_musd": costs["cost"] if len(plan.costs) else (plan.objective or 0.0) - penalty,
        "npv_penalty_musd": penalty,
        "npv_objective_musd": plan.objective,
        f"delivered_by_{MILESTONE_YEAR}_h100e": float(compute.loc[by, "delivered_h100e"].sum()),
        "delivered_h100e": float(compute["delivered_h100e"].sum()),
        "unserved_h100e": float(compute["unserved_h100e"].sum()),
        "first_new_supply_year": None if first is None else int(first),
        "peak_capital_musd": float(need.max()),
        "modules": int(plan.builds["modules"].sum()),
        "reserved_wspm_years": float(production["reserved_wspm"].sum()),
        "acquired": ", ".join(taken["target"]) if taken is not None and len(taken) else "",
        "declined": ", ".join(
            plan.acquisitions.loc[plan.acquisitions["taken"] <= 0.5, "target"].astype(str)
        )
        if len(plan.acquisitions)
        else "",
        "block_probability": float(taken["block_probability"].max())
        if taken is not None and len(taken)
        else 0.0,
        "status": plan.status,
    }


def _by_year(name: str, plan: Plan) -> pd.DataFrame:
    """Per year of one strategy: compute delivered and unserved, own new supply, capital need."""
    years = plan.scenario.years
    compute = plan.compute.set_index("year").reindex(years)
    supply = plan.production.groupby("year")[["new_wspm", "reserved_wspm", "acquired_wspm"]].sum()
    frame = compute[["delivered_h100e", "unserved_h100e"]].assign(
        new_supply_wspm=supply.sum(axis=1).reindex(years, fill_value=0.0),
        capital_need_musd=capital_need(plan),
    )
    return (
        frame.rename_axis("year")
        .reset_index()
        .assign(strategy=name)[["strategy", "year", *frame.columns]]
    )


def compare(
    scenario: Scenario | str | Path,
    *,
    catalog: Catalog | None = None,
    strategies: list[str] | None = None,
    time_limit_s: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    on_strategy: Callable[[str], None] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    solver_log: str | Path | None = None,
) -> Comparison:
    """Plan every strategy on the same demand and compare them.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A loaded scenario, a built-in name or a scenario file.
    strategies : list of str, optional
        Which strategies, of ``own-build``, ``reservation``, ``acquisition``, ``design-only``,
        ``mix`` (default: all, in that order).
    time_limit_s, mip_gap, threads : optional
        Override the scenario's solver settings for each plan.
    on_strategy : callable, optional
        Called with each strategy's name before it is planned (progress).
    solver_options, solver_log : optional
        Further HiGHS options, and a file for HiGHS's log, for each plan (as
        :func:`fabnet.plan`'s).

    Raises
    ------
    ParameterError
        For an unknown strategy or HiGHS option.

    Examples
    --------
    >>> import fabnet
    >>> result = fabnet.compare("altman-2024", strategies=["own-build", "design-only"])
    >>> bool(result.table.loc["own-build", "unserved_h100e"]
    ...      <= result.table.loc["design-only", "unserved_h100e"])
    True
    """
    import pandas as pd

    from fabnet.catalog import load_catalog
    from fabnet.finance.statements import financials
    from fabnet.outlook import gap
    from fabnet.planning import plan
    from fabnet.planning.solve import highs_options
    from fabnet.planning.supply_options import STRATEGIES
    from fabnet.scenario import Scenario, load_scenario

    checked = highs_options(solver_options)  # before any work
    catalog = catalog or load_catalog()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, catalog=catalog)
    chosen = strategies or list(STRATEGIES)
    unknown = [s for s in chosen if s not in STRATEGIES]
    if unknown:
        raise ParameterError("strategies", f"among {', '.join(STRATEGIES)}", ", ".join(unknown))
    outlook = gap(scenario, catalog=catalog)
    plans: dict[str, Plan] = {}
    money: dict[str, Financials] = {}
    for name in chosen:
        if on_strategy is not None:
            on_strategy(name)
        logger.info("planning strategy %s of %s", name, scenario.name)
        plans[name] = plan(
            scenario,
            catalog=catalog,
            outlook=outlook,
            strategy=name,
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
            threads=threads,
            shadow_prices=False,
            solver_options=checked,
            solver_log=solver_log,
        )
        if len(plans[name].builds):
            money[name] = financials(plans[name], catalog)
    table = pd.DataFrame(
        [measures(p) for p in plans.values()], index=pd.Index(list(plans), name="strategy")
    ).astype(MEASURE_DTYPES)
    investors = pd.DataFrame(
        [
            {
                "investor": i.id,
                "strategy": name,
                "irr": float(money[name].investors["irr"].get(i.id, np.nan))
                if name in money
                else np.nan,
            }
            for name in chosen
            for i in scenario.investors
        ],
        columns=["investor", "strategy", "irr"],
    ).astype({"investor": str, "strategy": str, "irr": float})
    by_year = pd.concat([_by_year(name, p) for name, p in plans.items()], ignore_index=True)
    return Comparison(
        scenario=scenario,
        plans=plans,
        financials=money,
        table=table,
        investors=investors,
        by_year=by_year,
    )

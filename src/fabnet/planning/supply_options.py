"""Supply options beside building new fabs: capacity reservations at partners and acquisitions
of chipmakers. Each adds supply per (resource, year) to the planner's resource balance and its
cost to the objective; the strategies of :mod:`fabnet.finance.strategies` switch them on or off.

Reservation (``finance.strategies.reservation``): ``reserve[p, r, t]`` [kwspm] of partner p's
capacity of resource r in year t, ordered the partner's own expansion lead time earlier, at most
``max_share_of_partner_capacity`` of the partner's capacity of r that year. The fee
[USD/wspm-year] is prepaid when ordered; the reserved wafers are bought at the market price
(take-or-pay: reserved capacity is paid whether used or not).

Acquisition (``finance.strategies.acquisitions``): ``acquire[a] ∈ {0, 1}``. After closing, the
target's fabs serve the buyer beyond the AI share already on the market: at most
``(1 − q)·(1 − ai_share)`` of their capacity, with q the chance that antitrust review blocks the
deal (the deterministic plan carries the expectation). A wafer taken from them costs the market
price (the sale forgone). The price ``(1 + premium) × book value`` is paid at closing and the
book value is still held at the horizon's end; the target's own profits are taken to pay for its
own renewal, so the buyer's cost is the price less the discounted book value kept, times
``1 − q``, plus ``q`` times the break fee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from fabnet.planning.data import (
    WAFERS_PER_KWSPM_YEAR,
    PlanData,
    SupplyOptionData,
    SupplyOptions,
)

if TYPE_CHECKING:
    import linopy
    import pandas as pd


#: The strategies compared by ``fabnet compare``, in the order shown.
STRATEGIES: dict[str, SupplyOptions] = {
    "own-build": SupplyOptions(builds=True),
    "reservation": SupplyOptions(builds=False, reservation=True),
    "acquisition": SupplyOptions(builds=False, acquisition=True),
    "design-only": SupplyOptions(builds=False),
    "mix": SupplyOptions(builds=True, reservation=True, acquisition=True),
}


def _supply_and_cost(
    variable: linopy.Variable, pairs: pd.MultiIndex, data: PlanData
) -> tuple[linopy.LinearExpression, linopy.LinearExpression]:
    """A (pair, year) capacity variable summed into supply by (resource, year) [kwspm], and the
    market price of its wafers by year [musd]."""
    import xarray as xr

    pair_index = variable.labels.indexes["pair"]
    resources = pairs.get_level_values("resource")
    resource_of = xr.DataArray(resources, coords=[pair_index], name="resource")
    supply = variable.groupby(resource_of).sum().reindex(resource=data.resources).fillna(0)
    price = data.wafer_cost.reindex(resources).to_numpy(float) * WAFERS_PER_KWSPM_YEAR / 1e6
    cost = (variable * xr.DataArray(price, coords=[pair_index])).sum("pair")
    return supply, cost


def define_reservation(m: linopy.Model, data: PlanData, od: SupplyOptionData) -> dict[str, Any]:
    """Reserved capacity per (partner, resource) pair and year, its supply and its cost (the
    reserved wafers when made, the fee when ordered)."""
    import pandas as pd
    import xarray as xr

    years = pd.Index(data.years, name="year")
    pairs = pd.MultiIndex.from_tuples(list(od.reservable.index), names=["partner", "resource"])
    pair_index = pd.Index(range(len(pairs)), name="pair")
    upper = xr.DataArray(od.reservable.to_numpy(float), coords=[pair_index, years])
    reserve = m.add_variables(lower=0, upper=upper, coords=[pair_index, years], name="reserve")
    supply, wafers = _supply_and_cost(reserve, pairs, data)
    fee = od.fee.reindex(pairs.get_level_values("resource")).to_numpy(float)
    lead = od.order_lead.reindex(pairs.get_level_values("partner")).to_numpy(int)
    prepaid = np.zeros((len(pairs), len(years), len(years)))  # (pair, use year, pay year)
    for t in range(len(years)):
        prepaid[np.arange(len(pairs)), t, np.maximum(t - lead, 0)] = fee
    pay = xr.DataArray(prepaid, coords=[pair_index, years, years.rename("pay_year")])
    fees = (reserve * pay).sum(["pair", "year"]).rename(pay_year="year")
    return {
        "reserve": reserve,
        "reservation_pairs": pairs,
        "reservation_fee": fees,
        "reservation_pay": pay,
        "extra": supply,
        "yearly_cost": wafers + fees,
    }


def define_acquisition(
    m: linopy.Model, data: PlanData, od: SupplyOptionData, *, relax: bool = False
) -> dict[str, Any]:
    """A yes/no decision per deal, the target's capacity it opens, and its expected cost."""
    import pandas as pd
    import xarray as xr

    years = pd.Index(data.years, name="year")
    targets = pd.Index(od.deals.index, name="target")
    acquire = (
        m.add_variables(lower=0, upper=1, coords=[targets], name="acquire")
        if relax
        else m.add_variables(coords=[targets], name="acquire", binary=True)
    )
    deals = od.deals
    delta = data.discount
    closing = delta.reindex(deals["closing_year"].clip(upper=data.years[-1])).to_numpy()
    q = deals["block_probability"].to_numpy()
    cost = (1.0 - q) * (
        deals["price_musd"].to_numpy() * closing
        - deals["book_value_musd"].to_numpy() * float(delta.iloc[-1])
    ) + q * deals["break_fee_musd"].to_numpy() * closing
    out: dict[str, Any] = {
        "acquire": acquire,
        "fixed_cost": (acquire * xr.DataArray(cost, coords=[targets])).sum(),
        "extra": None,
        "yearly_cost": None,
    }
    if len(od.acquirable):
        pairs = pd.MultiIndex.from_tuples(list(od.acquirable.index), names=["target", "resource"])
        pair_index = pd.Index(range(len(pairs)), name="pair")
        acquired = m.add_variables(lower=0, coords=[pair_index, years], name="acquired")
        cap = xr.DataArray(od.acquirable.to_numpy(float), coords=[pair_index, years])
        target_of = xr.DataArray(pairs.get_level_values("target"), coords=[pair_index])
        m.add_constraints(
            acquired - cap * acquire.sel(target=target_of) <= 0, name="Acquired-capacity"
        )
        out["extra"], out["yearly_cost"] = _supply_and_cost(acquired, pairs, data)
        out.update(acquired=acquired, acquisition_pairs=pairs)
    return out


def define_supply_options(
    m: linopy.Model, data: PlanData, options: SupplyOptions, *, relax: bool = False
) -> dict[str, Any]:
    """The options ``options`` opens, merged: ``extra`` supply by (resource, year) [kwspm],
    ``yearly_cost`` [musd by year, undiscounted] and ``fixed_cost`` [musd, discounted] (each
    None when no option adds one), and the options' variables."""
    out: dict[str, Any] = {"extra": None, "yearly_cost": None, "fixed_cost": None}
    od = data.option_data
    if od is None:
        return out
    found = []
    if options.reservation and len(od.reservable):
        found.append(define_reservation(m, data, od))
    if options.acquisition and len(od.deals):
        found.append(define_acquisition(m, data, od, relax=relax))
    for part in found:
        for key, value in part.items():
            if key in ("extra", "yearly_cost", "fixed_cost"):
                if value is not None:
                    out[key] = value if out[key] is None else out[key] + value
            else:
                out[key] = value
    return out

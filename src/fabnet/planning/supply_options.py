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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from fabnet.planning.data import SupplyOptions
from fabnet.units import kwspm_year_musd

if TYPE_CHECKING:
    import linopy
    import pandas as pd
    import xarray as xr

    from fabnet.planning.worlds import Worlds


#: The strategies compared by ``fabnet compare``, in the order shown.
STRATEGIES: dict[str, SupplyOptions] = {
    "own-build": SupplyOptions(builds=True),
    "reservation": SupplyOptions(builds=False, reservation=True),
    "acquisition": SupplyOptions(builds=False, acquisition=True),
    "design-only": SupplyOptions(builds=False),
    "mix": SupplyOptions(builds=True, reservation=True, acquisition=True),
}


@dataclass(frozen=True)
class SupplyParts:
    """What the open options add to the model (each None when no option adds it).

    ``extra`` is supply by (world, resource, year) [kwspm] for the resource balance;
    ``yearly_cost`` [musd by (world, year), undiscounted] and ``fixed_cost`` [musd by world,
    discounted] go into the objective; the rest are the options' variables and labels, read
    off by :func:`fabnet.planning.result.extract`.
    """

    extra: linopy.LinearExpression | None = None
    yearly_cost: linopy.LinearExpression | None = None
    fixed_cost: linopy.LinearExpression | None = None
    reserve: linopy.Variable | None = None  # (world, pair, year) kwspm
    reservation_pairs: pd.MultiIndex | None = None  # (partner, resource) of each pair
    reservation_pay: xr.DataArray | None = field(default=None, repr=False)
    acquire: linopy.Variable | None = None  # (world, target) 0/1
    acquired: linopy.Variable | None = None  # (world, pair, year) kwspm
    acquisition_pairs: pd.MultiIndex | None = None  # (target, resource) of each pair


def _supply_and_cost(
    variable: linopy.Variable, pairs: pd.MultiIndex, w: Worlds
) -> tuple[linopy.LinearExpression, linopy.LinearExpression]:
    """A (world, pair, year) capacity variable summed into supply by (world, resource, year)
    [kwspm], and the market price of its wafers by (world, year) [musd]."""
    import xarray as xr

    pair_index = variable.labels.indexes["pair"]
    resources = pairs.get_level_values("resource")
    resource_of = xr.DataArray(resources, coords=[pair_index], name="resource")
    supply = variable.groupby(resource_of).sum().reindex(resource=w.base.resources).fillna(0)
    price = kwspm_year_musd(w.wafer_cost.sel(resource=resource_of))
    cost = (variable * price).sum("pair")
    return supply, cost


def define_reservation(m: linopy.Model, w: Worlds) -> SupplyParts:
    """Reserved capacity per (partner, resource) pair and year, its supply and its cost (the
    reserved wafers when made, the fee when ordered)."""
    import pandas as pd
    import xarray as xr

    data = w.base
    od = data.option_data
    assert od is not None  # checked by define_supply_options
    years = pd.Index(data.years, name="year")
    worlds = w.probability.indexes["world"]
    pairs = pd.MultiIndex.from_tuples(list(od.reservable.index), names=["partner", "resource"])
    pair_index = pd.Index(range(len(pairs)), name="pair")
    upper = xr.DataArray(od.reservable.to_numpy(float), coords=[pair_index, years])
    reserve = m.add_variables(
        lower=0, upper=upper, coords=[worlds, pair_index, years], name="reserve"
    )
    supply, wafers = _supply_and_cost(reserve, pairs, w)
    fee = od.fee.reindex(pairs.get_level_values("resource")).to_numpy(float)
    lead = od.order_lead.reindex(pairs.get_level_values("partner")).to_numpy(int)
    prepaid = np.zeros((len(pairs), len(years), len(years)))  # (pair, use year, pay year)
    for t in range(len(years)):
        prepaid[np.arange(len(pairs)), t, np.maximum(t - lead, 0)] = fee
    pay = xr.DataArray(prepaid, coords=[pair_index, years, years.rename("pay_year")])
    fees = (reserve * pay).sum(["pair", "year"]).rename(pay_year="year")
    return SupplyParts(
        extra=supply,
        yearly_cost=wafers + fees,
        reserve=reserve,
        reservation_pairs=pairs,
        reservation_pay=pay,
    )


def define_acquisition(m: linopy.Model, w: Worlds, *, relax: bool = False) -> SupplyParts:
    """A yes/no decision per deal, the target's capacity it opens, and its expected cost."""
    import pandas as pd
    import xarray as xr

    data = w.base
    od = data.option_data
    assert od is not None  # checked by define_supply_options
    years = pd.Index(data.years, name="year")
    worlds = w.probability.indexes["world"]
    targets = pd.Index(od.deals.index, name="target")
    acquire = (
        m.add_variables(lower=0, upper=1, coords=[worlds, targets], name="acquire")
        if relax
        else m.add_variables(coords=[worlds, targets], name="acquire", binary=True)
    )
    deals = od.deals
    delta = data.discount
    closing = delta.reindex(deals["closing_year"].clip(upper=data.years[-1])).to_numpy()
    q = deals["block_probability"].to_numpy()
    cost = (1.0 - q) * (
        deals["price_musd"].to_numpy() * closing
        - deals["book_value_musd"].to_numpy() * float(delta.iloc[-1])
    ) + q * deals["break_fee_musd"].to_numpy() * closing
    fixed = (acquire * xr.DataArray(cost, coords=[targets])).sum("target")
    if not len(od.acquirable):
        return SupplyParts(fixed_cost=fixed, acquire=acquire)
    pairs = pd.MultiIndex.from_tuples(list(od.acquirable.index), names=["target", "resource"])
    pair_index = pd.Index(range(len(pairs)), name="pair")
    acquired = m.add_variables(lower=0, coords=[worlds, pair_index, years], name="acquired")
    cap = xr.DataArray(od.acquirable.to_numpy(float), coords=[pair_index, years])
    target_of = xr.DataArray(pairs.get_level_values("target"), coords=[pair_index])
    m.add_constraints(acquired - cap * acquire.sel(target=target_of) <= 0, name="Acquired-capacity")
    extra, yearly = _supply_and_cost(acquired, pairs, w)
    return SupplyParts(
        extra=extra,
        yearly_cost=yearly,
        fixed_cost=fixed,
        acquire=acquire,
        acquired=acquired,
        acquisition_pairs=pairs,
    )


def define_supply_options(
    m: linopy.Model, w: Worlds, options: SupplyOptions, *, relax: bool = False
) -> SupplyParts:
    """The options ``options`` opens, merged into one :class:`SupplyParts`."""
    from dataclasses import fields, replace

    od = w.base.option_data
    out = SupplyParts()
    if od is None:
        return out
    found = []
    if options.reservation and len(od.reservable):
        found.append(define_reservation(m, w))
    if options.acquisition and len(od.deals):
        found.append(define_acquisition(m, w, relax=relax))
    for part in found:
        changes = {}
        for f in fields(SupplyParts):
            value, mine = getattr(part, f.name), getattr(out, f.name)
            if value is None:
                continue
            summed = f.name in ("extra", "yearly_cost", "fixed_cost") and mine is not None
            changes[f.name] = mine + value if summed else value
        out = replace(out, **changes)
    return out

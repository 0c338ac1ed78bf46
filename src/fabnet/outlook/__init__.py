"""The demand–supply outlook: AI compute wanted → wafers per resource; capacity from the catalog's
fabs; the gap, the binding resource and the compute that cannot be delivered; and the backcast,
the outlook of the public record's years set beside that record."""

from fabnet.outlook.balance import GapResult, gap
from fabnet.outlook.demand import bill_of_materials, compute_flows, demand_frames, euv_frame
from fabnet.outlook.history import Backcast, Verdict, backcast
from fabnet.outlook.supply import capacity_in_year, scenario_fabs, status_weight, supply_frame

__all__ = [
    "Backcast",
    "GapResult",
    "Verdict",
    "backcast",
    "bill_of_materials",
    "capacity_in_year",
    "compute_flows",
    "demand_frames",
    "euv_frame",
    "gap",
    "scenario_fabs",
    "status_weight",
    "supply_frame",
]

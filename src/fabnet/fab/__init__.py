"""The fab level: tool types, process routes, static capacity and the multi-fab tool plan.

A fab file (:func:`load_fab`, ``docs/fab.md``) describes a few fabs from the inside;
:func:`fab_data` turns it into the arrays the models compute on; :func:`capacity` is static
capacity (tools needed, bottleneck, floor); :func:`tool_plan` the multi-fab, multi-quarter
plan of buys, move-outs and the wafer split (a :class:`ToolPlan`), and
:func:`current_tools_check` whether the tools installed can make the demand at all;
:func:`module_bill` derives a fab module's tool bill,
EUV scanners and capex from a design, for the network plan.

Examples
--------
>>> from fabnet.fab import capacity, load_fab
>>> spec = load_fab()  # the built-in example-3fab
>>> [f.id for f in spec.fabs]
['fab-a', 'fab-b', 'fab-c']
"""

from __future__ import annotations

from fabnet.fab._load import DEFAULT_FAB, builtin_fab_names, fab_json_schema, load_fab
from fabnet.fab._schema import FabSpec
from fabnet.fab.capacity import Capacity, capacity
from fabnet.fab.data import FabData, fab_data, tools_needed
from fabnet.fab.design import ModuleBill, module_bill, module_bills
from fabnet.fab.toolplan import ToolPlan, current_tools_check, tool_plan

__all__ = [
    "DEFAULT_FAB",
    "Capacity",
    "FabData",
    "FabSpec",
    "ModuleBill",
    "ToolPlan",
    "builtin_fab_names",
    "capacity",
    "current_tools_check",
    "fab_data",
    "fab_json_schema",
    "load_fab",
    "module_bill",
    "module_bills",
    "tool_plan",
    "tools_needed",
]

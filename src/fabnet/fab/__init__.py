"""The fab level: tool types, process routes, static capacity and the multi-fab tool plan.

A fab file (:func:`load_fab`) describes fabs from the inside; :func:`fab_data` turns it into
arrays for the models.
"""

from __future__ import annotations

from fabnet.fab._load import DEFAULT_FAB, builtin_fab_names, load_fab
from fabnet.fab._schema import FabSpec
from fabnet.fab.data import FabData, fab_data

__all__ = ["DEFAULT_FAB", "FabData", "FabSpec", "builtin_fab_names", "fab_data", "load_fab"]

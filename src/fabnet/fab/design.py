"""Fab module designs: the tool bill of one module, beside the catalog's figures for its node.

A design (``designs:`` in a fab file) is one route run at ``wspm`` wafer starts a month. Its
module is equipped, on each step of the route, with the newest tool type that may be bought and
can run the step — the highest generation, then the fastest (fewest minutes per wafer) — or,
when the design lists ``tool_types``, the newest of those. Every step's wafers run on its type,
so a type's loading and tools are (DESIGN §9, :func:`fabnet.fab.data.tools_needed`)::

    wafers_per_week = wspm / WEEKS_PER_MONTH
    tools_needed[k] = Σ_j wafers_per_week · minutes[j, k] / capacity_min[k]   (j: steps on k)
    tools[k]        = ⌈tools_needed[k]⌉

and the module's figures follow from the bill:

* EUV scanners: ``Σ_k tools[k]`` over the EUV types;
* floor [m²]: ``Σ_k tools[k] · footprint_m2[k] · floor_overhead`` (aisles, tracks and the tools
  the route does not model, as a ratio over the modelled tools' footprint);
* equipment capex [USD million]: ``Σ_k tools[k] · capex_musd[k]``; the module's capex adds the
  design's ``facility_capex_musd`` (shell, cleanroom, utilities);
* per kwspm (1,000 wspm): each divided by ``wspm / 1000``.

The catalog's ``capex_musd_per_kwspm`` and ``euv_tools_per_kwspm`` of the design's
``resource`` stand beside them (:meth:`ModuleBill.comparison`), and a network scenario may take
them from the design instead of the catalog (``fab_designs:``, :func:`linked_figures`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.fab._schema import Design, FabSpec
from fabnet.fab.data import WEEKS_PER_MONTH, FabData, fab_data, tools_needed

if TYPE_CHECKING:
    import pandas as pd

    from fabnet.catalog import Catalog
    from fabnet.scenario import Scenario

__all__ = ["FIGURES", "ModuleBill", "equipped", "linked_figures", "module_bill", "module_bills"]

#: Wafer starts a month in one kwspm.
WSPM_PER_KWSPM = 1_000.0
#: A loading this close above a whole number of tools is that number (floating-point dust).
_WHOLE_TOL = 1e-9
#: The figures a network scenario may take from a design (``fab_designs[].use``): the name in
#: ``use`` → the catalog resource parameter it replaces.
FIGURES: dict[str, str] = {
    "euv": "euv_tools_per_kwspm",
    "capex": "capex_musd_per_kwspm",
}


@dataclass(frozen=True, eq=False)
class ModuleBill:
    """The tool bill of one fab module design and the figures it gives (see the module).

    Attributes
    ----------
    design, route : str
        The design and the route its module runs.
    resource : str or None
        The catalog resource it makes (``None``: not compared).
    wspm : float
        Wafer starts a month the module is sized for [wspm].
    wafers_per_week : float
        ``wspm / WEEKS_PER_MONTH`` [wafers per week].
    tools : pandas.DataFrame
        One row per tool type equipped: ``tool_type, workstation, tools_needed`` (tools' worth of
        time, fractional), ``tools`` (whole), ``capex_musd``, ``floor_m2`` (with the overhead),
        ``euv``.
    euv_tools : int
        EUV scanners.
    floor_m2 : float
        The module's floor [m²].
    equipment_capex_musd, facility_capex_musd, capex_musd : float
        Tools, facility and their sum [USD million].
    catalog_capex_musd_per_kwspm, catalog_euv_tools_per_kwspm : float
        The catalog's figures for ``resource`` (NaN without one, or where the catalog has none).
    """

    design: str
    route: str
    resource: str | None
    wspm: float
    wafers_per_week: float
    tools: pd.DataFrame
    euv_tools: int
    floor_m2: float
    equipment_capex_musd: float
    facility_capex_musd: float
    capex_musd: float
    catalog_capex_musd_per_kwspm: float
    catalog_euv_tools_per_kwspm: float

    @property
    def kwspm(self) -> float:
        """The module's size [kwspm]."""
        return self.wspm / WSPM_PER_KWSPM

    @property
    def capex_musd_per_kwspm(self) -> float:
        """Equipment and facility capex per kwspm [USD million per kwspm]."""
        return self.capex_musd / self.kwspm

    @property
    def equipment_capex_musd_per_kwspm(self) -> float:
        """Equipment capex per kwspm [USD million per kwspm]."""
        return self.equipment_capex_musd / self.kwspm

    @property
    def euv_tools_per_kwspm(self) -> float:
        """EUV scanners per kwspm [tools per kwspm]."""
        return self.euv_tools / self.kwspm

    @property
    def floor_m2_per_kwspm(self) -> float:
        """Floor per kwspm [m² per kwspm]."""
        return self.floor_m2 / self.kwspm

    @property
    def capex_ratio(self) -> float:
        """Design over catalog capex per kwspm [ratio] (NaN without a catalog figure)."""
        return _ratio(self.capex_musd_per_kwspm, self.catalog_capex_musd_per_kwspm)

    @property
    def euv_ratio(self) -> float:
        """Design over catalog EUV scanners per kwspm [ratio] (NaN without a catalog figure)."""
        return _ratio(self.euv_tools_per_kwspm, self.catalog_euv_tools_per_kwspm)

    def figure(self, name: str) -> float:
        """A per-kwspm figure by its catalog parameter name (``"euv_tools_per_kwspm"``)."""
        if name not in FIGURES.values():
            raise ParameterError("name", f"one of {', '.join(FIGURES.values())}", name)
        return float(getattr(self, name))

    def comparison(self) -> pd.DataFrame:
        """The module's figures per kwspm beside the catalog's: ``figure, design, catalog,
        ratio, unit`` (catalog and ratio NaN where the catalog has no such figure)."""
        import pandas as pd

        nan = math.nan
        rows = [
            (
                "capex_musd_per_kwspm",
                self.capex_musd_per_kwspm,
                self.catalog_capex_musd_per_kwspm,
                "USD million per kwspm",
            ),
            (
                "equipment_capex_musd_per_kwspm",
                self.equipment_capex_musd_per_kwspm,
                nan,
                "USD million per kwspm",
            ),
            (
                "euv_tools_per_kwspm",
                self.euv_tools_per_kwspm,
                self.catalog_euv_tools_per_kwspm,
                "tools per kwspm",
            ),
            ("floor_m2_per_kwspm", self.floor_m2_per_kwspm, nan, "m² per kwspm"),
        ]
        return pd.DataFrame(
            [
                {"figure": f, "design": d, "catalog": c, "ratio": _ratio(d, c), "unit": u}
                for f, d, c, u in rows
            ]
        )


def _ratio(design: float, catalog: float) -> float:
    if math.isnan(catalog) or catalog == 0.0:
        return math.nan
    return design / catalog


def _design(spec: FabSpec, ident: str) -> tuple[int, Design]:
    for i, design in enumerate(spec.designs):
        if design.id == ident:
            return i, design
    known = ", ".join(d.id for d in spec.designs) or "none"
    raise ParameterError("design", f"a design of fab file {spec.name!r} (known: {known})", ident)


def equipped(data: FabData, design: Design, index: int = 0) -> np.ndarray:
    """The tool type (index) each step of the design's route runs on.

    On each step, of the types that can run it — those listed in ``design.tool_types``, or
    else those that may still be bought — the highest generation, then the fewest minutes per
    wafer, then the first listed in the file.

    Raises
    ------
    ParameterError
        A step no such type can run.
    """
    spec = data.spec
    p = data.products.index(design.route)
    steps = np.flatnonzero(data.step_product == p)
    if design.tool_types is not None:
        pool = np.isin(np.array(data.tool_types), design.tool_types)
    else:
        pool = np.array([spec.tool_type(k).buyable for k in data.tool_types])
    chosen = np.empty(len(steps), dtype=int)
    for n, j in enumerate(steps):
        able = np.flatnonzero(data.runs[j] & pool)
        if able.size == 0:
            step = f"step {data.step_number[j] + 1} ({data.step_name[j]})"
            runs = ", ".join(np.array(data.tool_types)[data.runs[j]])
            if design.tool_types is not None:
                raise ParameterError(
                    f"designs[{index}].tool_types",
                    f"tool types covering every step of route {design.route}; {step} runs only"
                    f" on {runs}",
                    design.tool_types,
                )
            raise ParameterError(
                f"designs[{index}]",
                f"a design whose route's every step a buyable tool type can run; {step} of"
                f" route {design.route} runs only on {runs}, not buyable (list tool_types to"
                " equip it with them)",
                design.id,
            )
        # lexsort sorts by the last key first: generation (newest first), then minutes, then
        # the file's order.
        order = np.lexsort((able, data.minutes[j, able], -data.generation[able]))
        chosen[n] = able[order[0]]
    return chosen


def module_bill(spec: FabSpec, design: str, *, catalog: Catalog | None = None) -> ModuleBill:
    """The tool bill of the module of ``design`` and its figures (see the module).

    Parameters
    ----------
    spec : FabSpec
        A validated fab file (:func:`fabnet.fab.load_fab`).
    design : str
        The id of one of its ``designs``.
    catalog : Catalog, optional
        Where the resource's figures come from (default: the packaged catalog).

    Returns
    -------
    ModuleBill

    Raises
    ------
    ParameterError
        An unknown design, or a step of its route no type it may use can run.

    Examples
    --------
    >>> from fabnet.fab import load_fab
    >>> bill = module_bill(load_fab(), "n3-module")
    >>> bill.euv_tools, round(bill.euv_tools_per_kwspm, 2)
    (8, 0.32)
    """
    import pandas as pd

    from fabnet.catalog import load_catalog

    index, chosen_design = _design(spec, design)
    data = fab_data(spec)
    steps = np.flatnonzero(data.step_product == data.products.index(chosen_design.route))
    on = equipped(data, chosen_design, index)
    wafers_per_week = chosen_design.wspm / WEEKS_PER_MONTH
    wafers = np.zeros_like(data.minutes)
    wafers[steps, on] = wafers_per_week
    needed = tools_needed(data, wafers)
    used = np.zeros(len(data.tool_types), dtype=bool)
    used[on] = True
    whole = np.where(used, np.ceil(needed - _WHOLE_TOL), 0.0)
    overhead = chosen_design.floor_overhead
    kinds = np.flatnonzero(used)
    tools = pd.DataFrame(
        {
            "tool_type": [data.tool_types[k] for k in kinds],
            "workstation": [data.workstations[data.type_workstation[k]] for k in kinds],
            "tools_needed": needed[kinds],
            "tools": whole[kinds].astype(int),
            "capex_musd": whole[kinds] * data.capex_musd[kinds],
            "floor_m2": whole[kinds] * data.footprint_m2[kinds] * overhead,
            "euv": data.euv[kinds],
        }
    )
    equipment = float(tools["capex_musd"].sum())
    facility = chosen_design.facility_capex_musd
    catalog = catalog or load_catalog()
    return ModuleBill(
        design=chosen_design.id,
        route=chosen_design.route,
        resource=chosen_design.resource,
        wspm=chosen_design.wspm,
        wafers_per_week=wafers_per_week,
        tools=tools,
        euv_tools=int(tools.loc[tools["euv"], "tools"].sum()),
        floor_m2=float(tools["floor_m2"].sum()),
        equipment_capex_musd=equipment,
        facility_capex_musd=facility,
        capex_musd=equipment + facility,
        catalog_capex_musd_per_kwspm=_catalog_figure(
            catalog, chosen_design.resource, "capex_musd_per_kwspm"
        ),
        catalog_euv_tools_per_kwspm=_catalog_figure(
            catalog, chosen_design.resource, "euv_tools_per_kwspm"
        ),
    )


def _catalog_figure(catalog: Catalog, resource: str | None, parameter: str) -> float:
    """A resource's catalog figure; NaN without a resource, or where the catalog has none."""
    if resource is None or resource not in catalog.ids("resources"):
        return math.nan
    value = catalog.get("resources", resource).get(parameter)
    return float(value) if isinstance(value, int | float) else math.nan


def module_bills(spec: FabSpec, *, catalog: Catalog | None = None) -> dict[str, ModuleBill]:
    """:func:`module_bill` of every design of ``spec``, by design id."""
    return {d.id: module_bill(spec, d.id, catalog=catalog) for d in spec.designs}


def linked_figures(
    scenario: Scenario, catalog: Catalog | None = None
) -> dict[str, dict[str, float]]:
    """The per-kwspm figures a scenario takes from fab designs (``fab_designs:``).

    Returns
    -------
    dict
        Resource → {catalog parameter (``euv_tools_per_kwspm``, ``capex_musd_per_kwspm``) →
        the design's figure}, for the figures named in each link's ``use``.
    """
    from fabnet.fab._load import load_fab

    out: dict[str, dict[str, float]] = {}
    for link in scenario.fab_designs:
        bill = module_bill(load_fab(link.fab), link.design, catalog=catalog)
        out[link.resource] = {FIGURES[use]: bill.figure(FIGURES[use]) for use in link.use}
    return out

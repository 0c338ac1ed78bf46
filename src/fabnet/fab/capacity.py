"""Static capacity: the tools a loading needs, the bottleneck workstation, the largest output a
tool set supports and the floor it takes — in every fab, period and demand scenario at once.

Notation as in :mod:`fabnet.fab.data` (fabs f, tool types k, steps j, products p, periods t,
demand scenarios s). Given the tools ``n[f, k, t]`` and the loading ``L[s, f, p, t]`` (wafers a
week of product p started in fab f; each passes every step of its route there):

* **shares** — within a fab, a step's wafers go to the tool types that can run it in proportion
  to each type's installed capacity for that step, ``r[f, j, k] = n[f, k] · capacity_min[k] /
  minutes[j, k]`` (a type with no tool there gets none):  ``share[f, j, k] = r / Σ_k r``. Where
  none of the step's types is installed in the fab, the wafers go to the fastest type (least
  ``minutes[j, k]``) that may be bought in that period, else to the fastest at all: the tools
  needed then show what would have to be bought.
* **tools needed** — ``need[s, f, k, t] = Σ_j L[s, f, p(j), t] · share[f, j, k] · minutes[j, k]
  / capacity_min[k]`` (:func:`fabnet.fab.data.tools_needed`, the one loading formula).
* **utilisation** ``u = need / n`` per type. The **bottleneck** of a fab in a period is the
  most-utilised type (of equals, the one needing the most tools) and its workstation, whose
  utilisation over its tools combined, ``Σ_{k∈w} need / Σ_{k∈w} n``, is given beside it (the
  same as the type's where the workstation's types run the same steps: the shares make their
  utilisations equal). At these shares the fab's loading could grow by the **output factor**
  ``1 / max_k u`` before a type runs out of time: the largest output the tool set supports is
  the fab's loading times that factor, at the same product mix.
* **floor** — used by the installed tools, ``Σ_k n · footprint_m2``, and by the tools needed,
  ``Σ_k ⌈need⌉ · footprint_m2``, against the fab's ``floor_m2``.

No load and no tools: utilisation NaN; load and no tools: utilisation ∞ (output factor 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from fabnet.fab._schema import FabSpec
from fabnet.fab.data import FabData, fab_data, tools_needed
from fabnet.results import Parts, Result

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = ["TABLE_KEYS", "Capacity", "capacity", "even_loading", "step_shares"]

#: Tools needed within this of a whole number count as that number when rounded up (the sums
#: of shares carry rounding of the order of 1e-12).
CEIL_TOLERANCE = 1e-9

#: The key columns of each table (its index in xarray and in saved files: a full grid, so the
#: tables share the ``scenario``, ``fab``, ``tool_type`` and ``period`` dimensions).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "needed": ("scenario", "fab", "tool_type", "period"),
    "bottleneck": ("scenario", "fab", "period"),
    "floor": ("scenario", "fab", "period"),
    "feasible": ("scenario", "period"),
}
TABLES = ("needed", "bottleneck", "floor", "feasible")


def even_loading(data: FabData) -> np.ndarray:
    """Each product's demand split evenly across the fabs allowed to run it.

    Returns ``L[s, f, p, t] = demand[s, p, t] · allowed[f, p] / Σ_f allowed[f, p]``
    [wafers per week] (0 for a product no fab may run).
    """
    hosts = data.allowed.sum(axis=0)  # [p]
    split = np.divide(
        data.allowed, hosts, out=np.zeros(data.allowed.shape), where=hosts > 0
    )  # [f, p]
    out: np.ndarray = data.demand[:, None, :, :] * split[None, :, :, None]
    return out


def step_shares(data: FabData, tools: np.ndarray) -> np.ndarray:
    """The share of each step's wafers each tool type runs in each fab and period.

    Parameters
    ----------
    data : FabData
    tools : ndarray
        ``[f, k, t]`` tools installed [tools].

    Returns
    -------
    ndarray
        ``share[f, t, j, k]``, summing to 1 over k for every (f, t, j): in proportion to the
        installed capacity ``tools · capacity_min / minutes`` where some type of the step is
        installed, else all on the fastest type that may be bought in period t (else the
        fastest at all).
    """
    runs = data.runs  # [j, k]
    speed = np.where(runs, 1.0 / np.where(runs, data.minutes, 1.0), 0.0)  # [j, k] wafers/min
    # r[f, t, j, k] = tools[f, k, t] · capacity_min[k] / minutes[j, k]
    installed = np.moveaxis(tools, 2, 1) * data.capacity_min  # [f, t, k] min per week
    rate = installed[:, :, None, :] * speed[None, None, :, :]
    total = rate.sum(axis=-1, keepdims=True)
    proportional = np.divide(rate, total, out=np.zeros(rate.shape), where=total > 0)

    periods = np.arange(len(data.periods))
    buyable = data.first_buy[None, :] <= periods[:, None]  # [t, k]
    minutes = np.where(runs, data.minutes, np.inf)  # [j, k]
    bought = np.where(buyable[:, None, :], minutes[None, :, :], np.inf)  # [t, j, k]
    any_bought = np.isfinite(bought).any(axis=-1)  # [t, j]
    fastest = np.where(any_bought, bought.argmin(axis=-1), minutes.argmin(axis=-1)[None, :])
    fallback = np.zeros(bought.shape)
    np.put_along_axis(fallback, fastest[..., None], 1.0, axis=-1)  # [t, j, k] one-hot
    out: np.ndarray = np.where(total > 0, proportional, fallback[None])
    return out


def capacity(
    source: FabSpec | FabData | str | Path = "example-3fab",
    *,
    tools: np.ndarray | None = None,
    loading: np.ndarray | None = None,
) -> Capacity:
    """Static capacity of a fab file's fabs: tools needed, bottlenecks, output factor, floor.

    Parameters
    ----------
    source : FabSpec, FabData, str or Path
        A fab file (loaded with :func:`fabnet.fab.load_fab` when a name or path) or its arrays.
    tools : ndarray, optional
        ``[f, k]`` tools installed per fab and tool type, or ``[f, k, t]`` per period too
        [tools] (default: ``start_tools``, in every period).
    loading : ndarray, optional
        ``[s, f, p, t]`` wafers a week of each product started in each fab [wafers per week]
        (default: :func:`even_loading`, the demand split evenly over the fabs allowed).

    Returns
    -------
    Capacity

    Raises
    ------
    ParameterError
        For arrays of the wrong shape, negative or non-finite entries, or a loading of a
        product in a fab that may not run it.

    Examples
    --------
    >>> from fabnet.fab.capacity import capacity
    >>> cap = capacity()
    >>> row = cap.bottleneck.query("fab == 'fab-a' and period == '2026Q1'").iloc[0]
    >>> row.workstation, round(float(row.utilisation), 3)
    ('CLEAN', 0.663)
    """
    data = source if isinstance(source, FabData) else _data_of(source)
    tools_fkt = _tools(data, tools)
    load = even_loading(data) if loading is None else _loading(data, loading)
    shares = step_shares(data, tools_fkt)  # [f, t, j, k]
    # wafers[s, f, t, j, k] through step j on type k: every step of a product's route.
    through = np.moveaxis(load[:, :, data.step_product, :], 3, 2)  # [s, f, t, j]
    wafers = through[..., None] * shares[None]
    needed = tools_needed(data, wafers)  # [s, f, t, k]
    passes = wafers.sum(axis=-2)  # [s, f, t, k]
    return _assemble(data, tools_fkt, load, needed, passes)


def _data_of(source: FabSpec | str | Path) -> FabData:
    from fabnet.fab._load import load_fab

    return fab_data(source if isinstance(source, FabSpec) else load_fab(source))


def _checked(name: str, value: np.ndarray, shapes: list[tuple[int, ...]], what: str) -> np.ndarray:
    from fabnet.exceptions import ParameterError

    array = np.asarray(value, dtype=float)
    if array.shape not in shapes:
        raise ParameterError(
            name, f"an array of shape {' or '.join(map(str, shapes))}", array.shape
        )
    if not np.isfinite(array).all() or (array < 0).any():
        raise ParameterError(name, f"finite and ≥ 0 {what}", "a negative or non-finite entry")
    return array


def _tools(data: FabData, tools: np.ndarray | None) -> np.ndarray:
    """Tools as ``[f, k, t]``."""
    n_t = len(data.periods)
    if tools is None:
        return np.repeat(data.start_tools[:, :, None], n_t, axis=2)
    fk = data.start_tools.shape
    array = _checked("tools", tools, [fk, (*fk, n_t)], "[tools]")
    return np.repeat(array[:, :, None], n_t, axis=2) if array.ndim == 2 else array


def _loading(data: FabData, loading: np.ndarray) -> np.ndarray:
    from fabnet.exceptions import ParameterError

    shape = (len(data.scenarios), len(data.fabs), len(data.products), len(data.periods))
    array = _checked("loading", loading, [shape], "[wafers per week]")
    barred = (array > 0) & ~data.allowed[None, :, :, None]
    if barred.any():
        _, f, p, t = (int(i[0]) for i in np.nonzero(barred))
        raise ParameterError(
            "loading",
            "0 where a fab may not run the product (fabs[].products)",
            f"{data.products[p]} in {data.fabs[f]} in {data.periods[t]}",
        )
    return array


def _utilisation(needed: np.ndarray, installed: np.ndarray) -> np.ndarray:
    """``needed / installed``: ∞ for a load without tools, NaN for neither."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = needed / installed
    out: np.ndarray = np.where(needed > 0, ratio, np.where(installed > 0, 0.0, np.nan))
    return out


def _assemble(
    data: FabData,
    tools: np.ndarray,
    load: np.ndarray,
    needed: np.ndarray,
    passes: np.ndarray,
) -> Capacity:
    """The tables from the arrays ``tools[f, k, t]``, ``load[s, f, p, t]``, ``needed[s, f, t, k]``
    and ``passes[s, f, t, k]``."""
    import pandas as pd

    n_k = needed.shape[-1]
    installed = np.moveaxis(tools, 2, 1)[None]  # [1, f, t, k]
    util_k = _utilisation(needed, installed)  # [s, f, t, k]

    # The most-utilised type (of equals — several without tools: ∞ — the one needing the most
    # tools) limits the fab: its loading can grow by 1 / its utilisation at these shares.
    ranked = np.where(np.isnan(util_k), -1.0, util_k)
    tied = ranked == ranked.max(axis=-1, keepdims=True)
    worst_type = np.where(tied, needed, -1.0).argmax(axis=-1)  # [s, f, t]
    top = np.take_along_axis(util_k, worst_type[..., None], axis=-1)[..., 0]
    loaded = top > 0
    with np.errstate(divide="ignore"):
        factor = np.where(loaded, 1.0 / np.where(loaded, top, 1.0), np.nan)
    # Its workstation's utilisation over the workstation's tools combined.
    member = np.zeros((n_k, len(data.workstations)))
    member[np.arange(n_k), data.type_workstation] = 1.0
    util_w = _utilisation(needed @ member, installed @ member)  # [s, f, t, w]
    worst = data.type_workstation[worst_type]  # [s, f, t]
    top_w = np.take_along_axis(util_w, worst[..., None], axis=-1)[..., 0]
    fab_wafers = load.sum(axis=2)  # [s, f, t]

    scenarios, fabs, periods = list(data.scenarios), list(data.fabs), list(data.periods)
    types = list(data.tool_types)

    def grid(*axes: list[str]) -> list[np.ndarray]:
        mesh = np.meshgrid(*[np.arange(len(a)) for a in axes], indexing="ij")
        return [m.ravel() for m in mesh]

    def text(labels: list[str], index: np.ndarray) -> pd.Series:
        return pd.Series(np.asarray(labels, dtype=object)[index], dtype="str")

    # needed: rows over (scenario, fab, tool_type, period), period fastest.
    s, f, k, t = grid(scenarios, fabs, types, periods)
    need = needed[s, f, t, k]
    have = tools[f, k, t]
    short = np.maximum(np.ceil(need - CEIL_TOLERANCE) - have, 0.0)
    needed_frame = pd.DataFrame(
        {
            "scenario": text(scenarios, s),
            "fab": text(fabs, f),
            "tool_type": text(types, k),
            "workstation": text(list(data.workstations), data.type_workstation[k]),
            "period": text(periods, t),
            "wafers_per_week": passes[s, f, t, k],
            "minutes_per_week": need * data.capacity_min[k],
            "tools_needed": need,
            "tools_installed": have,
            "tools_beyond_installed": short,
            "utilisation": util_k[s, f, t, k],
        }
    )

    s, f, t = grid(scenarios, fabs, periods)
    hit = loaded[s, f, t]
    workstations = np.asarray(data.workstations, dtype=object)[worst[s, f, t]]
    kinds = np.asarray(types, dtype=object)[worst_type[s, f, t]]
    bottleneck = pd.DataFrame(
        {
            "scenario": text(scenarios, s),
            "fab": text(fabs, f),
            "period": text(periods, t),
            "workstation": pd.Series(np.where(hit, workstations, None), dtype="str"),
            "tool_type": pd.Series(np.where(hit, kinds, None), dtype="str"),
            "utilisation": top[s, f, t],
            "workstation_utilisation": top_w[s, f, t],
            "output_factor": factor[s, f, t],
            "wafers_per_week": fab_wafers[s, f, t],
            "max_wafers_per_week": fab_wafers[s, f, t] * factor[s, f, t],
        }
    )

    rounded = np.ceil(needed - CEIL_TOLERANCE).clip(min=0.0)
    floor = pd.DataFrame(
        {
            "scenario": text(scenarios, s),
            "fab": text(fabs, f),
            "period": text(periods, t),
            "installed_m2": (tools * data.footprint_m2[None, :, None]).sum(axis=1)[f, t],
            "needed_m2": (rounded @ data.footprint_m2)[s, f, t],
            "floor_m2": data.floor_m2[f],
        }
    )
    return Capacity(spec=data.spec, needed=needed_frame, bottleneck=bottleneck, floor=floor)


@dataclass(frozen=True, repr=False, eq=False)
class Capacity(Result):
    """Static capacity of a fab file (see the module). Build it with :func:`capacity`.

    A :class:`~fabnet.results.Result`: ``to_xarray`` (the tables on the shared ``scenario ×
    fab × tool_type × period`` grid, and the view ``tools_needed``), ``to_netcdf``,
    ``save(folder, format)`` and :func:`fabnet.open_result`; ``headline()``.

    Attributes
    ----------
    spec : FabSpec
        The fab file.
    needed : DataFrame
        Per (scenario, fab, tool_type, period): its workstation, the wafer passes a week through
        the type, the minutes a week they load it, tools needed (fractional), installed, beyond
        installed (``max(⌈needed⌉ − installed, 0)``) and the utilisation (needed / installed;
        ∞ for a load without tools, NaN for neither).
    bottleneck : DataFrame
        Per (scenario, fab, period): the most-utilised tool type and its workstation (missing
        without load), its utilisation, the workstation's over its tools combined, the output
        factor (1 / utilisation: by how much the fab's loading could grow; 0 for a load without
        tools, NaN without load), the fab's loading and that loading times the factor [wafers
        per week].
    floor : DataFrame
        Per (scenario, fab, period): floor used by the installed tools and by the tools needed
        (each rounded up), and the fab's floor [m²].
    feasible : DataFrame or None
        Per (scenario, period): whether the current tools can meet demand when the wafers may be
        split freely (``max_share``: the largest share of demand they can make;
        ``meets_demand``), from the tool plan's LP; None when not computed.
    """

    spec: FabSpec
    needed: pd.DataFrame = field(repr=False)
    bottleneck: pd.DataFrame = field(repr=False)
    floor: pd.DataFrame = field(repr=False)
    feasible: pd.DataFrame | None = field(default=None, repr=False)

    KIND = "fab-capacity"
    TITLE = "capacity"
    TABLES: ClassVar[tuple[str, ...]] = TABLES

    def _title(self) -> str:
        return f"<fabnet {self.TITLE} of {self.spec.name}>"

    def headline(self) -> dict[str, Any]:
        """The fab file, its periods, the worst bottleneck (scenario, fab, period, workstation,
        utilisation), the most tools needed beyond those installed in one period (and when), the
        largest share of a fab's floor the tools needed take (and where), and — when computed —
        whether the current tools meet demand in every period."""
        rank = self.bottleneck["utilisation"].fillna(-1.0).to_numpy()
        top = self.bottleneck.iloc[int(np.argmax(rank))]  # the first of equals
        short = self.needed.groupby(["scenario", "period"], sort=False)[
            "tools_beyond_installed"
        ].sum()
        most = int(np.argmax(short.to_numpy()))
        share = (self.floor["needed_m2"] / self.floor["floor_m2"]).to_numpy()
        peak = self.floor.iloc[int(np.argmax(share))]
        out: dict[str, Any] = {
            "fab": self.spec.name,
            "periods": f"{self.spec.periods.first}–{self.spec.periods.last}",
            "bottleneck_scenario": str(top["scenario"]),
            "bottleneck_fab": str(top["fab"]),
            "bottleneck_period": str(top["period"]),
            "bottleneck_workstation": None if _missing(top["workstation"]) else top["workstation"],
            "bottleneck_utilisation": float(top["utilisation"]),
            "tools_beyond_installed": int(short.iloc[most]),
            "tools_beyond_installed_period": str(short.index.get_level_values("period")[most]),
            "floor_needed_max_share": float(share.max()),
            "floor_needed_max_fab": str(peak["fab"]),
            "floor_needed_max_period": str(peak["period"]),
        }
        if self.feasible is not None:
            out["current_tools_meet_demand"] = bool(self.feasible["meets_demand"].all())
        return out

    def _views(self) -> dict[str, xr.DataArray]:
        """Tools needed per (scenario, fab, tool_type, period) [tools]."""
        import xarray as xr

        series = self.needed.set_index(list(TABLE_KEYS["needed"]))["tools_needed"]
        array = xr.DataArray.from_series(series)
        array.attrs.update(units="tools", long_name="tools needed")
        return {"tools_needed": array}

    def _parts(self) -> Parts:
        return Parts(
            tables={name: getattr(self, name) for name in TABLES},
            meta={"fab": self.spec.to_yaml()},
            keys=TABLE_KEYS,
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> Capacity:
        from fabnet.fab._load import load_fab

        feasible = parts.tables.get("feasible")
        return cls(
            spec=load_fab(str(parts.meta["fab"])),
            needed=parts.table("needed"),
            bottleneck=parts.table("bottleneck"),
            floor=parts.table("floor"),
            feasible=feasible,
        )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))

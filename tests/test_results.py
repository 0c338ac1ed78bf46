"""Every result kept the same way: round trips through Parquet, CSV and netCDF are exact, the
Dataset is labelled and carries its provenance, the reprs are short (fabnet.results)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import fabnet
from fabnet.exceptions import CorruptResultError, ParameterError
from fabnet.results import FORMATS, Result, Stored, open_result, scenario_digest, unit_of
from fabnet.risk.sampling import Samples
from fabnet.scenario import Scenario

from .finance.conftest import _strategy_world

#: An uncertainty block for the tiny world: a demand factor and a rare disruption.
UNCERTAINTY = {
    "inputs": [
        {"id": "growth", "target": "demand_growth", "distribution": "lognormal", "median": 1.0,
         "sigma": 0.2, "source": "test"},
        {"id": "overrun", "target": "capex_overrun", "distribution": "triangular", "low": 1.0,
         "mode": 1.1, "high": 1.5, "source": "test"},
        {"id": "quake", "target": "disruption", "applies_to": ["TW"], "distribution": "bernoulli",
         "annual_probability": 0.2, "capacity_lost": 0.3, "duration_years": 1, "source": "test"},
    ]
}  # fmt: skip


def tiny_scenario() -> Scenario:
    """The strategies' tiny world with :data:`UNCERTAINTY`."""
    world = _strategy_world()
    world["uncertainty"] = UNCERTAINTY
    return fabnet.load_scenario(world)


class Results(dict[str, Result]):
    """One result of every kind, each made when a test first asks for it: the outlook and
    backcast of the built-in scenario; a plan, its money, the strategies, a risk analysis and a
    stochastic plan (4 model builds: slow) of a tiny world."""

    def __missing__(self, kind: str) -> Result:
        from fabnet.planning import stochastic_plan
        from fabnet.risk import analyse

        if kind in ("plan", "finance", "strategies"):
            comparison = fabnet.compare(tiny_scenario(), strategies=["own-build", "reservation"])
            self["strategies"] = comparison
            self["plan"] = comparison.plans["own-build"]
            self["finance"] = comparison.financials["own-build"]
        elif kind == "risk":
            self["risk"] = analyse(self["plan"], samples=64, seed=3, sobol_samples=8)
        elif kind == "fab-capacity":
            from fabnet.fab import capacity, fab_data, load_fab
            from fabnet.fab.toolplan import current_tools_check

            data = fab_data(load_fab("example-3fab"))
            self[kind] = dataclasses.replace(capacity(data), feasible=current_tools_check(data))
        elif kind == "fab-plan":
            from fabnet.fab.toolplan import tool_plan

            self[kind] = tool_plan("example-3fab", relax=True)
        elif kind == "stochastic":
            scenario = self["plan"].scenario  # type: ignore[attr-defined]
            self[kind] = stochastic_plan(scenario, scenarios=2, first_stage_years=2, relax=True)
        else:
            self[kind] = {"gap": fabnet.gap, "backcast": fabnet.backcast}[kind]("altman-2024")
        return self[kind]


@pytest.fixture(scope="module")
def results() -> Results:
    """The results of this module (:class:`Results`), made once each."""
    return Results()


KINDS = (
    "gap",
    "backcast",
    "plan",
    "finance",
    "strategies",
    "risk",
    "stochastic",
    "fab-capacity",
    "fab-plan",
)
#: Round trips through netCDF (h5netcdf reads a file of hundreds of variables in seconds) run in
#: the quick suite for these; the others, and every test of the stochastic plan (its solve takes
#: seconds), are slow tests.
QUICK_NETCDF = ("gap", "plan", "fab-capacity")


def kinds(*, netcdf: bool = False) -> list[Any]:
    """Every kind, marked slow where the note on :data:`QUICK_NETCDF` says."""
    return [
        pytest.param(kind, marks=pytest.mark.slow)
        if kind == "stochastic" or (netcdf and kind not in QUICK_NETCDF)
        else pytest.param(kind)
        for kind in KINDS
    ]


def formats_and_kinds() -> list[Any]:
    """Every (format, kind), marked as :func:`kinds` says."""
    return [
        pytest.param(fmt, *p.values, marks=p.marks)  # noqa: PD011 - a ParameterSet
        for fmt in FORMATS
        for p in kinds(netcdf=fmt == "netcdf")
    ]


def assert_same(a: Any, b: Any, where: str = "result") -> None:  # noqa: PLR0912 - one per type
    """*a* and *b* hold the same: tables with the same types, index and values, bit for bit."""
    if isinstance(a, pd.DataFrame):
        assert isinstance(b, pd.DataFrame), where
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
        assert a.attrs == b.attrs, where
        assert list(a.index.names) == list(b.index.names), where
    elif isinstance(a, xr.Dataset):
        xr.testing.assert_identical(a, b)
    elif isinstance(a, Scenario):
        assert a.to_yaml() == b.to_yaml(), where
    elif isinstance(a, Samples):
        assert_same(a.values, b.values, f"{where}.values")
        assert set(a.events) == set(b.events), where
        for name in a.events:
            np.testing.assert_array_equal(a.events[name], b.events[name])
        assert a.uncertainty == b.uncertainty, where
        assert (a.method, a.seed, a.years) == (b.method, b.seed, b.years), where
    elif isinstance(a, Stored):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):  # type: ignore[arg-type]
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, Mapping):
        assert list(a) == list(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float), where
        assert math.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


@pytest.mark.parametrize(("fmt", "kind"), formats_and_kinds())
def test_round_trip_is_exact(results: Results, kind: str, fmt: str, tmp_path: Path) -> None:
    result = results[kind]
    folder = result.save(tmp_path / kind, format=fmt)  # type: ignore[arg-type]
    again = open_result(folder)
    assert type(again) is type(result)
    assert_same(result, again, kind)


@pytest.mark.parametrize("kind", kinds(netcdf=True))
def test_netcdf_file_round_trip(results: Results, kind: str, tmp_path: Path) -> None:
    result = results[kind]
    path = result.to_netcdf(tmp_path / f"{kind}.nc")
    assert path.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"  # netCDF4 (HDF5), not NetCDF3
    assert_same(result, open_result(path), kind)


@pytest.mark.parametrize("kind", kinds())
def test_the_dataset_is_labelled_and_carries_its_provenance(results: Results, kind: str) -> None:
    result = results[kind]
    ds = result.to_xarray()
    valid = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
    assert all(valid.match(str(name)) for name in [*ds.variables, *ds.dims])
    assert ds.attrs["fabnet_version"] == fabnet.__version__
    assert ds.attrs["fabnet_kind"] == result.KIND
    assert re.fullmatch(r"[0-9a-f]{64}", ds.attrs["catalog_sha256"])
    spec = getattr(result, "spec", None)
    if spec is not None:  # a fab-level result: its fab file's name and digest
        assert ds.attrs["fab_file"] == spec.name
        text = spec.to_yaml().encode("utf-8")
        assert ds.attrs["fab_file_sha256"] == hashlib.sha256(text).hexdigest()
        return
    scenario = getattr(result, "scenario", None) or result.plan.scenario  # type: ignore[attr-defined]
    if "scenario_sha256" in ds.attrs:
        assert ds.attrs["scenario_sha256"] == scenario_digest(scenario)
    for name, array in ds.data_vars.items():
        column = array.attrs.get("column")
        if column is not None and unit_of(column) is not None:
            assert array.attrs["units"] == unit_of(column), name


def test_quantiles_are_a_dimension(results: Results) -> None:
    ds = results["risk"].to_xarray()
    assert ds["fan_delivered_h100e"].dims == ("year", "quantile")
    assert ds["quantile"].to_numpy().tolist() == [0.05, 0.25, 0.5, 0.75, 0.95]
    median = ds["fan_delivered_h100e"].sel(quantile=0.5).to_numpy()
    np.testing.assert_array_equal(
        median, results["risk"].fan.xs(0.5, level="quantile")["delivered_h100e"].to_numpy()
    )
    # The per-sample results share the year dimension with the tables.
    assert ds["per_sample_unserved_h100e"].dims == ("sample", "year")


def test_the_gap_dataset_has_its_grid_and_views(results: Results) -> None:
    outlook = results["gap"]
    ds = outlook.to_xarray()
    table = outlook.table.set_index(["year", "resource"])  # type: ignore[attr-defined]
    assert ds["gap_demand_wspm"].dims == ("year", "resource")
    assert ds["gap_demand_wspm"].sel(year=2030, resource="N2").item() == pytest.approx(
        table.loc[(2030, "N2"), "demand_wspm"]
    )
    by_region = ds["supply_by_region_wspm"].sum("region").sel(year=2027, resource="COWOS")
    assert by_region.item() == pytest.approx(table.loc[(2027, "COWOS"), "supply_wspm"])
    assert ds["gap_demand_wspm"].attrs["units"] == "wspm"


def test_plans_of_a_comparison_are_stored_once(results: Results, tmp_path: Path) -> None:
    comparison = results["strategies"]
    folder = comparison.save(tmp_path / "cmp")
    layout = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    builds = [name for name in layout["tables"] if name.endswith(".builds")]
    strategies = ("own-build", "reservation")
    assert sorted(builds) == [f"plans.{s}.builds" for s in strategies]
    again = open_result(folder)
    assert again.financials["own-build"].plan is again.plans["own-build"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", kinds())
def test_reprs_are_short(results: Results, kind: str) -> None:
    result = results[kind]
    text = repr(result)
    assert text.startswith(f"<fabnet {result.TITLE}")
    assert len(text) < 1500
    assert "horizon" not in text  # not the scenario
    html = result._repr_html_()
    assert html.startswith("<div>")
    assert len(html) < 4000


@pytest.mark.parametrize("kind", kinds())
def test_headlines_are_json(results: Results, kind: str) -> None:
    head = results[kind].headline()
    assert head["fab" if kind.startswith("fab-") else "scenario"]
    json.dumps(head)  # numbers, strings, booleans, None


@pytest.mark.parametrize("kind", kinds())
def test_tables_are_typed_and_their_indexes_named(results: Results, kind: str) -> None:
    result = results[kind]
    for f in dataclasses.fields(result):  # type: ignore[arg-type]
        frame = getattr(result, f.name)
        if not isinstance(frame, pd.DataFrame):
            continue
        default = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
        assert default or all(n is not None for n in frame.index.names), f.name
        assert all(isinstance(c, str) for c in frame.columns), f.name
        numeric = [c for c in frame.columns if c.endswith(("_musd", "_wspm", "_h100e"))]
        assert all(frame[c].dtype.kind in "fiu" for c in numeric if len(frame)), (f.name, numeric)


def test_csv_tables_are_plain_files(results: Results, tmp_path: Path) -> None:
    folder = results["gap"].to_csv(tmp_path / "gap")
    gap = pd.read_csv(folder / "gap.csv")
    assert list(gap.columns[:2]) == ["year", "resource"]
    assert len(gap) == len(results["gap"].table)  # type: ignore[attr-defined]


def test_open_result_refuses_what_is_not_a_result(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ParameterError, match="saved by fabnet"):
        open_result(tmp_path / "notes")
    with pytest.raises(ParameterError, match="result"):
        open_result(tmp_path / "nothing-here")
    (tmp_path / "x.nc").write_bytes(b"not netcdf")
    with pytest.raises(CorruptResultError):
        open_result(tmp_path / "x.nc")


def test_a_changed_table_is_caught(results: Results, tmp_path: Path) -> None:
    folder = results["plan"].save(tmp_path / "plan", format="csv")
    path = folder / "builds.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2", "3"), encoding="utf-8")
    with pytest.raises(CorruptResultError, match=r"builds\.csv"):
        open_result(folder)


def test_an_unknown_format_is_refused(results: Results, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"parquet or csv or netcdf"):
        results["plan"].save(tmp_path / "x", format="xlsx")  # type: ignore[arg-type]


def test_load_plan_reads_every_format(results: Results, tmp_path: Path) -> None:
    plan = results["plan"]
    for fmt in FORMATS:
        assert_same(plan, fabnet.load_plan(plan.save(tmp_path / fmt, format=fmt)), fmt)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="holds a gap result"):
        fabnet.load_plan(results["gap"].save(tmp_path / "gap"))


@pytest.mark.slow
def test_a_risk_analysis_keeps_its_stochastic_plan(results: Results, tmp_path: Path) -> None:
    # fabnet risk --stochastic --out DIR: the stochastic plan is saved with the analysis.
    both = dataclasses.replace(results["risk"], stochastic=results["stochastic"])
    again = open_result(both.save(tmp_path / "risk", format="csv"))
    assert_same(both, again, "risk")
    assert again.stochastic is not None  # type: ignore[attr-defined]
    assert again.stochastic.rp == results["stochastic"].rp  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_kind_of_column_comes_back(fmt: str, tmp_path: Path) -> None:
    # The codec's edge cases on one table: text both missing and empty, nullable booleans and
    # integers, mixed objects (also as an index level), infinities, an integer beyond 2**53.
    from fabnet.planning import Plan
    from fabnet.planning.result import TABLES

    scenario = results_scenario()
    odd = pd.DataFrame(
        {
            "text": pd.Series(["a", "", None, "NA"], dtype="str"),
            "flag": pd.Series([True, None, False, True], dtype="boolean"),
            "count": pd.Series([1, None, 3, 4], dtype="Int64"),
            "mixed": pd.Series(["x", 1, 2.5, None], dtype=object),
            "big": pd.Series([2**60 + 1, 0, -1, 7], dtype="int64"),
            "value_musd": [1.0, math.inf, -math.inf, math.nan],
            "on": [True, False, True, False],
        },
        index=pd.Index(["k", 1, 2.5, "z"], dtype=object, name="key"),
    )
    odd.attrs["note"] = "kept"
    frames = {t: pd.DataFrame({"year": [2025], "musd": [1.0]}) for t in TABLES}
    plan = Plan(scenario=scenario, stats={"status": "optimal", "gap": math.nan}, **frames)
    plan = dataclasses.replace(plan, limits=odd)
    again = open_result(plan.save(tmp_path / "odd", format=fmt))  # type: ignore[arg-type]
    assert_same(plan, again, fmt)


def results_scenario() -> Scenario:
    """A small valid scenario for hand-made results."""
    from fabnet.examples import tiny_world

    return fabnet.load_scenario(tiny_world({2025: 1.0, 2032: 1.0e8}))

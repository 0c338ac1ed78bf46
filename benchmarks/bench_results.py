"""Benchmark: saving and reading back results (``fabnet.results``) against the hand-rolled way.

The peer is what a user writes without fabnet's protocol: each table of the result written with
pandas (``to_parquet`` / ``to_csv`` per table, ``read_parquet`` / ``read_csv`` back), and for
netCDF each table turned into a Dataset with ``xarray.Dataset.from_dataframe`` and written as one
group of an h5netcdf file. The peer keeps neither the types of a CSV column, nor text that is
empty rather than missing, nor the nested results, the scenario or a manifest: fabnet's extra
work is the price of an exact round trip, measured here.

Results: the built-in scenario's plan and gap, and a comparison of three strategies (three
plans and their money). Each save + read runs 5 times; medians and the ratio fabnet ÷ peer.

Run: .venv/bin/python benchmarks/bench_results.py
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RUNS = 5


def tables_of(result: Any, prefix: str = "") -> dict[str, Any]:
    """Every DataFrame of a result and of the results it holds (the peer's view of it)."""
    import pandas as pd

    out: dict[str, Any] = {}
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if isinstance(value, pd.DataFrame):
            out[f"{prefix}{f.name}"] = value
        elif dataclasses.is_dataclass(value) and hasattr(value, "_parts"):
            out |= tables_of(value, f"{prefix}{f.name}.")
        elif isinstance(value, dict):
            for key, item in value.items():
                if dataclasses.is_dataclass(item):
                    out |= tables_of(item, f"{prefix}{f.name}.{key}.")
    return out


def peer_save_read(tables: dict[str, Any], folder: Path, fmt: str) -> None:
    import pandas as pd
    import xarray as xr

    folder.mkdir()
    if fmt == "parquet":
        for name, frame in tables.items():
            frame.to_parquet(folder / f"{name}.parquet")
        for name in tables:
            pd.read_parquet(folder / f"{name}.parquet")
    elif fmt == "csv":
        for name, frame in tables.items():
            frame.to_csv(folder / f"{name}.csv")
        for name in tables:
            pd.read_csv(folder / f"{name}.csv")
    else:
        path = folder / "result.nc"
        mode = "w"
        for name, frame in tables.items():
            plain = frame.reset_index(drop=frame.index.name is None and frame.index.nlevels == 1)
            for column in plain.columns:
                if plain[column].dtype == object or str(plain[column].dtype) == "str":
                    plain[column] = plain[column].astype(str)
            ds = xr.Dataset.from_dataframe(plain)
            ds.to_netcdf(path, group=name.replace(".", "_"), mode=mode, engine="h5netcdf")
            mode = "a"
        for name in tables:
            xr.open_dataset(path, group=name.replace(".", "_"), engine="h5netcdf").load()


def fabnet_save_read(result: Any, folder: Path, fmt: str) -> None:
    from fabnet.results import open_result

    open_result(result.save(folder, format=fmt))


def median(run: Callable[[Path], None]) -> float:
    times = []
    for i in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            run(Path(tmp) / f"r{i}")
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import fabnet

    plan = fabnet.plan("altman-2024", shadow_prices=False)
    results = {
        "gap": fabnet.gap("altman-2024"),
        "plan": plan,
        "comparison (3 plans)": fabnet.compare(
            "altman-2024", strategies=["own-build", "reservation", "design-only"]
        ),
    }
    print(f"save + read back, median of {RUNS} [s]")
    print(f"  {'result':<22}{'format':<9}{'tables':>7}{'fabnet':>9}{'peer':>9}{'ratio':>8}")
    for name, result in results.items():
        tables = tables_of(result)
        for fmt in ("parquet", "csv", "netcdf"):
            ours = median(lambda folder, r=result, f=fmt: fabnet_save_read(r, folder, f))
            theirs = median(lambda folder, t=tables, f=fmt: peer_save_read(t, folder, f))
            print(
                f"  {name:<22}{fmt:<9}{len(tables):>7}{ours:>9.3f}{theirs:>9.3f}"
                f"{ours / theirs:>8.2f}"
            )


if __name__ == "__main__":
    main()

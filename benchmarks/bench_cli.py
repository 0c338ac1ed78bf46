"""Benchmark: whole-process time of `fabnet --help` and `fabnet gap` on the built-in scenario.

Peers in the same run: a bare interpreter start (`python -c pass`) and `python -c "import
pandas"` (the floor of any pandas-based tool). Each command runs 5 times; medians are printed
with the ratios. Goals: `fabnet --help` < 0.5 s, `fabnet gap altman-2024` < 3 s (2-core machine).

Run: .venv/bin/python benchmarks/bench_cli.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
ENV = {**os.environ, "NO_COLOR": "1"}


def median_wall(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    python = sys.executable
    fabnet = [python, "-m", "fabnet"]
    with tempfile.TemporaryDirectory() as folder:
        report = str(Path(folder) / "report.html")
        rows = [
            ("python -c pass", median_wall([python, "-c", "pass"])),
            ("python -c 'import pandas'", median_wall([python, "-c", "import pandas"])),
            ("fabnet --help", median_wall([*fabnet, "--help"])),
            ("fabnet gap altman-2024", median_wall([*fabnet, "gap", "altman-2024"])),
            (
                "fabnet gap altman-2024 --report",
                median_wall([*fabnet, "gap", "altman-2024", "--report", report]),
            ),
        ]
    base = rows[0][1]
    pandas_floor = rows[1][1]
    print(f"whole-process wall time, median of {RUNS}")
    print(f"  {'command':<34}{'seconds':>9}{'÷ python':>10}{'÷ pandas':>10}")
    for name, seconds in rows:
        print(f"  {name:<34}{seconds:>9.3f}{seconds / base:>10.1f}{seconds / pandas_floor:>10.2f}")


if __name__ == "__main__":
    main()

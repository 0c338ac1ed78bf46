"""Benchmark: exact gross-die count, row-wise closed form (fabnet) vs die-by-die enumeration.

The peer is the straightforward algorithm, written here: visit every grid position and keep a die
whose four corners lie within the usable radius. Both count 1 mm × 1 mm dies on a 300 mm wafer with
3 mm edge exclusion, dies centred on the wafer centre ("odd", "odd"); the counts must agree.

Run: .venv/bin/python benchmarks/bench_silicon.py
"""

from __future__ import annotations

import math
import statistics
import timeit

from fabnet.silicon import exact_count


def die_by_die(die_w: float, die_h: float, diameter: float, edge_exclusion: float) -> int:
    """Count dies one by one (grid centred on the wafer centre, no flat, no scribe)."""
    radius = diameter / 2.0 - edge_exclusion
    r2 = radius * radius + 1e-9
    nx = math.ceil(radius / die_w) + 1
    ny = math.ceil(radius / die_h) + 1
    count = 0
    for i in range(-nx, nx + 1):
        x0, x1 = i * die_w - die_w / 2.0, i * die_w + die_w / 2.0
        for j in range(-ny, ny + 1):
            y0, y1 = j * die_h - die_h / 2.0, j * die_h + die_h / 2.0
            if (
                x0 * x0 + y0 * y0 <= r2
                and x1 * x1 + y0 * y0 <= r2
                and x0 * x0 + y1 * y1 <= r2
                and x1 * x1 + y1 * y1 <= r2
            ):
                count += 1
    return count


def median_seconds(statement: object, repeat: int, number: int) -> float:
    times = timeit.repeat(statement, repeat=repeat, number=number)  # type: ignore[arg-type]
    return statistics.median(times) / number


def main() -> None:
    fast = exact_count(1.0, 1.0, 300.0, edge_exclusion_mm=3.0, offset=("odd", "odd"))
    slow = die_by_die(1.0, 1.0, 300.0, 3.0)
    assert fast == slow, (fast, slow)
    t_fast = median_seconds(
        lambda: exact_count(1.0, 1.0, 300.0, edge_exclusion_mm=3.0, offset=("odd", "odd")),
        repeat=7,
        number=50,
    )
    t_best = median_seconds(
        lambda: exact_count(1.0, 1.0, 300.0, edge_exclusion_mm=3.0, offset="best"),
        repeat=7,
        number=20,
    )
    t_slow = median_seconds(lambda: die_by_die(1.0, 1.0, 300.0, 3.0), repeat=5, number=1)
    print("exact gross-die count, 1 mm × 1 mm on 300 mm, 3 mm edge exclusion")
    print(f"  dies counted (both)          {fast:>12,}")
    print(f"  fabnet exact_count           {t_fast * 1e3:>9.3f} ms  (median of 7)")
    print(f"  fabnet exact_count 'best'    {t_best * 1e3:>9.3f} ms  (four phases)")
    print(f"  die-by-die enumeration       {t_slow * 1e3:>9.3f} ms  (median of 5)")
    print(f"  ratio die-by-die / fabnet    {t_slow / t_fast:>9.0f} ×  (goal ≥ 50 ×, < 5 ms)")


if __name__ == "__main__":
    main()

"""Benchmark: fabnet's planning MILP vs a straightforward formulation of the same model.

The peer (``_naive_plan.py``) is the textbook formulation on the same ``PlanData``: per-year
binary build switches with big-M links to module counts, capacity and funding, state variables
for every (project, year), no masking of impossible starts. Both are built with linopy and
solved by ``fabnet.planning.solve.solve`` with the same HiGHS settings (1 % gap, one thread);
both count the modules started from their solutions. First, on a small instance solved
to optimality, the two objectives must agree (|Δ| / |obj| < 1e-6); then three synthetic worlds
(``fabnet.examples.synthetic_world``, seed 0) are timed in this one process.

Timings: *build* is ``build_model``; *handover* is the rest of ``solve()`` outside HiGHS's run
(linopy → HiGHS matrices, solution written back); *solve* is HiGHS's run to the 1 % gap or the
time limit (then marked ≥); *extract* is reading the modules off. Memory is resident memory
(HiGHS allocates outside Python, so tracemalloc would miss it): the RSS right after the model
is built ("steady state") and the peak RSS (VmHWM, reset through /proc/self/clear_refs) over
build, solve and extract.

Goals at the largest size (the issue): fabnet reaches 1 % at least 3× faster with an equal or
better objective; fabnet's build + extract ≤ 10 % of its solve; its peak ≤ 1.2× steady state.

Run: .venv/bin/python benchmarks/bench_plan.py [--sizes 20,50,100] [--time-limit 300] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fabnet
from fabnet.catalog import load_catalog
from fabnet.examples import synthetic_world
from fabnet.planning.data import PlanData, build_data
from fabnet.planning.model import build_model
from fabnet.planning.solve import solve

sys.path.insert(0, str(Path(__file__).parent))
from _naive_plan import build_naive_model

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from fabnet.planning.solve import SolveInfo

#: The small instance solved to optimality by both (sites, resources, years, partners,
#: investors, seed): both solve it in a few seconds.
CHECK_WORLD = (8, 6, 16, 3, 3, 0)
RESOURCES, YEARS, SEED = 6, 16, 0


def world_args(sites: int) -> tuple[int, int, int, int, int, int]:
    """Partners and investors grow with the number of sites."""
    return (sites, RESOURCES, YEARS, 4 + sites // 25, 5 + sites // 20, SEED)


# --- resident memory (Linux /proc) -------------------------------------------------------------


def _status_kb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return float(line.split()[1])
    return float("nan")


def rss_mb() -> float:
    """Resident memory now [MB]."""
    return _status_kb("VmRSS") / 1024.0


def peak_mb() -> float:
    """Peak resident memory since the last :func:`reset_peak` [MB]."""
    return _status_kb("VmHWM") / 1024.0


def reset_peak() -> None:
    """Free what can be freed, then reset the peak RSS to the current RSS."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence C-level stdout (HiGHS's one-time banner)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w", encoding="ascii") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


# --- linopy ↔ fabnet.solve ------------------------------------------------------------------


# --- one run -----------------------------------------------------------------------------------


@dataclass
class Run:
    """Figures of one formulation on one instance."""

    info: SolveInfo
    build_s: float
    handover_s: float
    extract_s: float
    modules: int
    rss_before: float
    rss_built: float
    peak: float

    @property
    def reached(self) -> bool:
        """Whether the solve stopped at the target gap (not at the time limit)."""
        return self.info.status in {"optimal", "gap_limit"}


def run(
    builder: Callable[[PlanData], tuple[Any, dict[str, Any]]],
    data: PlanData,
    time_limit_s: float,
    mip_gap: float,
    seed: int | None = None,
) -> Run:
    """Build, solve and extract with one formulation, timing each step and the memory."""
    reset_peak()
    rss_before = rss_mb()
    start = time.perf_counter()
    model, parts = builder(data)
    built = time.perf_counter()
    rss_built = rss_mb()
    info = solve(model, time_limit_s=time_limit_s, mip_gap=mip_gap, threads=1, random_seed=seed)
    solved = time.perf_counter()
    if not info.has_solution:
        raise RuntimeError(f"{builder.__name__}: no solution ({info.status})")
    modules = _modules(parts)
    done = time.perf_counter()
    figures = Run(
        info=info,
        build_s=built - start,
        handover_s=(solved - built) - info.seconds,
        extract_s=done - solved,
        modules=modules,
        rss_before=rss_before,
        rss_built=rss_built,
        peak=peak_mb(),
    )
    del model, parts
    gc.collect()
    return figures


def _modules(parts: Any) -> int:
    """Modules started in a solved model: fabnet's typed parts or the peer's named ones."""
    build = parts["build"] if isinstance(parts, dict) else parts.build
    return round(float(build.solution.fillna(0.0).sum()))


def plan_data(args: tuple[int, ...]) -> tuple[PlanData, float]:
    """The PlanData of ``synthetic_world(*args)`` and the seconds it took."""
    start = time.perf_counter()
    catalog = load_catalog()
    scenario = synthetic_world(*args)
    data = build_data(scenario, catalog, fabnet.gap(scenario, catalog=catalog))
    return data, time.perf_counter() - start


# --- output -----------------------------------------------------------------------------------


def _seconds(run_: Run) -> str:
    mark = "" if run_.reached else "≥"
    return f"{mark}{run_.info.seconds:.1f}"


def _table(sizes: list[int], rows: dict[int, tuple[PlanData, float, Run, Run]]) -> None:
    label_w, col_w = 34, 13
    head = "".join(f"{f'{s} sites':>{2 * col_w}}" for s in sizes)
    print(f"{'':<{label_w}}{head}")
    sub = "".join(f"{'fabnet':>{col_w}}{'peer':>{col_w}}" for _ in sizes)
    print(f"{'':<{label_w}}{sub}")

    def line(label: str, cell: Callable[[Run], str]) -> None:
        cells = "".join(f"{cell(rows[s][2]):>{col_w}}{cell(rows[s][3]):>{col_w}}" for s in sizes)
        print(f"{label:<{label_w}}{cells}")

    def shared(label: str, cell: Callable[[PlanData, float], str]) -> None:
        cells = "".join(f"{cell(rows[s][0], rows[s][1]):>{2 * col_w}}" for s in sizes)
        print(f"{label:<{label_w}}{cells}")

    shared("sites×resources×years, partners, inv.", lambda d, _: _world_label(d))
    shared("projects", lambda d, _: f"{len(d.projects):,}")
    shared("data s (gap + build_data)", lambda _, t: f"{t:.1f}")
    line("variables", lambda r: f"{r.info.variables:,}")
    line("  integer", lambda r: f"{r.info.integer_variables:,}")
    line("constraints", lambda r: f"{r.info.constraints:,}")
    line("build s", lambda r: f"{r.build_s:.2f}")
    line("handover s (linopy↔HiGHS)", lambda r: f"{r.handover_s:.2f}")
    line("solve s (HiGHS, to 1 % gap)", _seconds)
    line("status", lambda r: r.info.status)
    line("gap reached %", lambda r: f"{100 * (r.info.gap or 0.0):.3f}")
    line("objective (musd, disc.)", lambda r: f"{r.info.objective:,.0f}")
    line("best bound", lambda r: f"{r.info.bound:,.0f}")
    line("modules started", lambda r: f"{r.modules:,}")
    line("extract s", lambda r: f"{r.extract_s:.2f}")
    line("RSS before build MB", lambda r: f"{r.rss_before:,.0f}")
    line("RSS after build MB (steady)", lambda r: f"{r.rss_built:,.0f}")
    line("peak RSS MB", lambda r: f"{r.peak:,.0f}")
    line("peak / steady", lambda r: f"{r.peak / r.rss_built:.2f}")
    print()
    print("ratios")

    def ratio(label: str, cell: Callable[[Run, Run], str]) -> None:
        cells = "".join(f"{cell(rows[s][2], rows[s][3]):>{2 * col_w}}" for s in sizes)
        print(f"{label:<{label_w}}{cells}")

    ratio("peer solve / fabnet solve", _speedup)
    ratio("objective (peer−fabnet)/|fabnet|", lambda f, p: f"{_delta(f, p):+.2e}")
    ratio("fabnet (build+extract) / solve", lambda f, _: f"{_overhead(f, False):.1%}")
    ratio("  … with handover", lambda f, _: f"{_overhead(f, True):.1%}")
    ratio("fabnet peak / steady RSS", lambda f, _: f"{f.peak / f.rss_built:.2f}")


def _world_label(data: PlanData) -> str:
    s = data.scenario
    used = len(set(data.projects["resource"]))
    return f"{len(s.sites)}×{used}×{len(s.years)} {len(s.partners)} {len(s.investors)}"


def _speedup(fab: Run, peer: Run) -> str:
    value = peer.info.seconds / fab.info.seconds
    if not fab.reached:
        return "n/a (fabnet hit limit)"
    return f"{'≥' if not peer.reached else ''}{value:.1f}×"


def _delta(fab: Run, peer: Run) -> float:
    assert fab.info.objective is not None
    assert peer.info.objective is not None
    return (peer.info.objective - fab.info.objective) / abs(fab.info.objective)


def _overhead(fab: Run, handover: bool) -> float:
    extra = fab.handover_s if handover else 0.0
    return (fab.build_s + fab.extract_s + extra) / fab.info.seconds


def _goals(fab: Run, peer: Run) -> None:
    speed = peer.info.seconds / fab.info.seconds
    lower = "" if peer.reached else " (a lower bound: the peer hit the time limit)"
    checks = [
        (
            f"fabnet reaches 1 % ≥ 3× faster: {speed:.1f}×{lower}",
            fab.reached and speed >= 3.0,
        ),
        (
            f"objective equal or better: (peer−fabnet)/|fabnet| = {_delta(fab, peer):+.2e}"
            " (both stop within a 1 % gap of their own bound)",
            _delta(fab, peer) >= -1e-6,
        ),
        (
            f"build + extract ≤ 10 % of solve: {_overhead(fab, False):.1%}"
            f" ({_overhead(fab, True):.1%} with the handover)",
            _overhead(fab, False) <= 0.10,
        ),
        (
            f"peak RSS ≤ 1.2× steady state: {fab.peak:,.0f} / {fab.rss_built:,.0f} MB"
            f" = {fab.peak / fab.rss_built:.2f}",
            fab.peak <= 1.2 * fab.rss_built,
        ),
    ]
    for text, ok in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {text}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="20,50,100", help="sites per instance (default: %(default)s)"
    )
    parser.add_argument(
        "--time-limit", type=float, default=300.0, help="seconds per solve (default: %(default)s)"
    )
    parser.add_argument("--quick", action="store_true", help="sizes 10,20,30, 20 s limit (~1 min)")
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="HiGHS random seed for the timed runs (MIP times vary with it; default: HiGHS's)",
    )
    options = parser.parse_args(argv)
    sizes = [10, 20, 30] if options.quick else [int(s) for s in options.sizes.split(",")]
    limit = 20.0 if options.quick else options.time_limit

    import highspy
    import linopy

    with quiet_stdout():
        version = highspy.Highs().version()
    print(
        f"fabnet planner vs textbook formulation — HiGHS {version}, linopy {linopy.__version__},"
        f" threads=1, mip_gap=1 %, time limit {limit:g} s per solve"
    )

    # 1. Same model: both solved to optimality on a small instance.
    data, _ = plan_data(CHECK_WORLD)
    fab = run(build_model, data, 120.0, 0.0)
    peer = run(build_naive_model, data, 120.0, 0.0)
    delta = abs(_delta(fab, peer))
    ok = fab.info.status == peer.info.status == "optimal" and delta < 1e-6
    print(
        f"objective check, synthetic_world{CHECK_WORLD} ({len(data.projects)} projects), gap 0:"
        f" fabnet {fab.info.objective:,.4f} ({fab.info.status}, {fab.info.seconds:.1f} s),"
        f" peer {peer.info.objective:,.4f} ({peer.info.status}, {peer.info.seconds:.1f} s),"
        f" |Δ|/|obj| = {delta:.1e} → {'OK' if ok else 'MISMATCH'}"
    )
    print()

    # 2. The timed sizes, fabnet first, then the peer, in this one process.
    rows: dict[int, tuple[PlanData, float, Run, Run]] = {}
    for sites in sizes:
        data, seconds = plan_data(world_args(sites))
        fab = run(build_model, data, limit, 0.01, options.seed)
        peer = run(build_naive_model, data, limit, 0.01, options.seed)
        rows[sites] = (data, seconds, fab, peer)
        print(f"  {sites} sites: fabnet {_seconds(fab)} s, peer {_seconds(peer)} s", flush=True)
    print()
    _table(sizes, rows)
    print()
    print(f"goals at the largest size ({sizes[-1]} sites; the issue sets them for ~100 sites)")
    _goals(*rows[sizes[-1]][2:])
    if not ok:
        raise SystemExit("objective check failed: the two formulations disagree")


if __name__ == "__main__":
    main()

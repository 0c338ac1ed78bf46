"""Progress on stderr while a command works: Rich in a terminal, plain periodic lines otherwise.

Each command runs with one :class:`Progress` (:func:`fabnet.cli._shared.guard` starts it and
stops it when the command ends, however it ends). The command names its steps
(:meth:`Progress.step`) and reports counts (:meth:`Progress.advance`) or the solver's state
(:meth:`Progress.solver`):

- in a terminal, a transient Rich line (spinner, step, bar with counts, elapsed time) that is
  gone at the end;
- otherwise (a log file, CI, a pipe), plain lines such as ``risk: samples 4,096/10,000 (3 s)``,
  at most one every :data:`EVERY_S` seconds and none for a step shorter than :data:`FIRST_S`,
  so a quick command prints nothing;
- none at all with ``fabnet --quiet`` or ``FABNET_NO_PROGRESS=1``.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from fabnet.planning import Progress as SolverProgress

__all__ = ["EVERY_S", "FIRST_S", "Progress"]

#: Plain lines: none for a step younger than this [s] …
FIRST_S = 1.0
#: … and at most one line every this many seconds [s].
EVERY_S = 2.0


class Progress:
    """The progress of one command on *err*.

    Parameters
    ----------
    command : str
        The command's name, at the start of each plain line.
    err : Console
        The stderr console.
    enabled : bool
        False: nothing is shown (``--quiet``).
    terminal : bool
        A Rich live display (True) or plain periodic lines (False).
    clock : callable
        Seconds, monotonic (a test passes its own).
    """

    def __init__(
        self,
        command: str,
        err: Console,
        *,
        enabled: bool,
        terminal: bool,
        clock: Any = time.monotonic,
    ) -> None:
        self.command = command
        self.err = err
        self.enabled = enabled
        self.terminal = terminal
        self.clock = clock
        self._lock = threading.Lock()
        self._what = ""
        self._done: int | None = None
        self._total: int | None = None
        self._unit = ""
        self._detail = ""
        self._since = clock()
        self._last_line = -float("inf")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rich: Any = None
        self._task: Any = None

    # ------------------------------------------------------------------ what the command says

    @property
    def current(self) -> str:
        """The step shown now."""
        return self._what

    def step(self, what: str, total: int | None = None, unit: str = "") -> None:
        """A new step: *what* the command does now (``"planning"``), with *total* items to
        count in *unit* (``"samples"``) when known."""
        with self._lock:
            self._what, self._total, self._unit = what, total, unit
            self._done = 0 if total is not None else None
            self._detail = ""
            self._since = self.clock()
        if self._rich is not None:
            self._rich.update(self._task, description=what, total=total, completed=0, detail="")

    def advance(self, done: int, total: int | None = None) -> None:
        """*done* of the step's items are finished (of *total*, if it changed)."""
        with self._lock:
            self._done = done
            if total is not None:
                self._total = total
        if self._rich is not None:
            self._rich.update(self._task, completed=done, total=self._total)

    def detail(self, text: str) -> None:
        """A word on the step's state (the solver's gap), shown after it."""
        with self._lock:
            self._detail = text
        if self._rich is not None:
            self._rich.update(self._task, detail=text)

    def solver(self, progress: SolverProgress) -> None:
        """The ``on_progress`` of :func:`fabnet.plan`: the solver's time and gap."""
        gap = "—" if progress.gap != progress.gap else f"{progress.gap:.2%}"  # NaN: no incumbent
        self.detail(f"solver {progress.seconds:.0f} s, gap {gap}")

    # ---------------------------------------------------------------------------- the display

    def line(self, now: float | None = None) -> str | None:
        """The plain line due at *now* (None: none is due), and mark it shown."""
        now = self.clock() if now is None else now
        with self._lock:
            if not self._what or now - self._since < FIRST_S or now - self._last_line < EVERY_S:
                return None
            self._last_line = now
            counts = ""
            if self._done is not None and self._total:
                counts = f", {self._done:,}/{self._total:,} {self._unit}".rstrip() + " done"
            detail = f", {self._detail}" if self._detail else ""
            return f"{self.command}: {self._what}{counts}{detail} ({now - self._since:.0f} s)"

    def __enter__(self) -> Progress:
        if not self.enabled:
            return self
        if self.terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress

            self._rich = RichProgress(
                SpinnerColumn(),
                TextColumn("[progress.description]{task.description}"),
                BarColumn(bar_width=20),
                MofNCompleteColumn(),
                TextColumn("{task.fields[detail]}"),
                TimeElapsedColumn(),
                console=self.err,
                transient=True,
            )
            self._rich.start()
            self._task = self._rich.add_task(self._what, total=None, detail="")
        else:
            self._thread = threading.Thread(target=self._tick, name="fabnet-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._rich is not None:
            self._rich.stop()

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            text = self.line()
            if text is not None:
                self.err.print(text, markup=False, highlight=False, soft_wrap=True)

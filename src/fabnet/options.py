"""Runtime options: how fabnet runs here, never what a scenario means.

A scenario says what to plan; these say how to run it on this machine (threads, logging,
progress display, colour). They come from the command line or from ``FABNET_*`` environment
variables, and are passed explicitly to the functions that use them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from fabnet.exceptions import ParameterError

__all__ = ["LOG_LEVELS", "Options"]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Options:
    """Runtime options.

    Attributes
    ----------
    threads : int or None
        Solver threads; overrides the scenario's ``solver.threads`` when set.
    log_level : str
        One of :data:`LOG_LEVELS`.
    progress : bool
        Show progress bars and live solver status.
    color : bool
        Colour the terminal output.
    debug : bool
        Show Python tracebacks for unexpected errors.
    """

    threads: int | None = None
    log_level: str = "WARNING"
    progress: bool = True
    color: bool = True
    debug: bool = False

    def __post_init__(self) -> None:
        if self.threads is not None and self.threads < 0:
            raise ParameterError("threads", ">= 0", self.threads)
        if self.log_level not in LOG_LEVELS:
            raise ParameterError("log_level", f"one of {', '.join(LOG_LEVELS)}", self.log_level)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Options:
        """Options from ``FABNET_THREADS``, ``FABNET_LOG_LEVEL``, ``FABNET_NO_PROGRESS``,
        ``NO_COLOR`` and ``FABNET_DEBUG``.

        >>> Options.from_env({"FABNET_THREADS": "2", "NO_COLOR": "1"})
        Options(threads=2, log_level='WARNING', progress=True, color=False, debug=False)
        """
        env = os.environ if environ is None else environ
        threads = env.get("FABNET_THREADS")
        try:
            n_threads = int(threads) if threads else None
        except ValueError:
            raise ParameterError("FABNET_THREADS", "a whole number >= 0", threads) from None
        return cls(
            threads=n_threads,
            log_level=env.get("FABNET_LOG_LEVEL", "WARNING").upper(),
            progress=not env.get("FABNET_NO_PROGRESS"),
            color=not env.get("NO_COLOR"),
            debug=bool(env.get("FABNET_DEBUG")),
        )

"""The optional parts of fabnet and the packages each needs (``pyproject.toml`` extras).

A feature that needs an extra calls :func:`require` before its work, so that a missing package
is said at once, with the command that installs it, and not after a long solve.
"""

from __future__ import annotations

import importlib.util

from fabnet.exceptions import MissingExtraError

__all__ = ["EXTRAS", "require"]

#: Each extra and the modules it brings.
EXTRAS: dict[str, tuple[str, ...]] = {
    "report": ("plotly", "jinja2"),
    "netcdf": ("h5netcdf", "h5py"),
}


def require(extra: str, feature: str) -> None:
    """Raise :class:`~fabnet.exceptions.MissingExtraError` unless every module of *extra* can
    be imported (checked without importing it).

    >>> require("report", "--report")  # installed with fabnet's lock files
    """
    missing = tuple(m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None)
    if missing:
        raise MissingExtraError(feature, extra, missing)

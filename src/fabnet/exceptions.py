"""The fabnet error hierarchy.

Every error fabnet raises on purpose is a :class:`FabnetError`. Each class also inherits the
closest builtin, so ``except ValueError`` keeps working for callers who do not know fabnet, and
each carries its data as attributes so that programs need not parse messages.

The CLI maps each class to a distinct exit code (:attr:`FabnetError.exit_code`):

====  =====================================================================
code  meaning
====  =====================================================================
0     success
1     an unexpected internal error (a bug: please report it)
2     bad input: a scenario, a parameter, a command-line argument, an output path that cannot
      be used, a saved result that is corrupt or incomplete, or a feature asked for whose
      optional packages are not installed
3     the plan is infeasible (the diagnosis says which limits, where, when)
4     the packaged reference catalog failed its integrity check
5     the solver stopped without any solution (e.g. a time limit too short)
6     the environment refused a read or write: a read-only or full file system, no permission
====  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "CatalogError",
    "CorruptResultError",
    "FabnetError",
    "InfeasiblePlanError",
    "MissingExtraError",
    "OutputPathError",
    "ParameterError",
    "ScenarioError",
    "ScenarioIssue",
    "SolverError",
    "StorageError",
]

#: Longest rendering of an offending value in a message, in characters.
_MAX_GOT_CHARS = 80


def render_value(value: Any) -> str:
    """Render an offending value for a message: short, single-line, ``repr`` for strings."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        # str() of an integer of over 4,300 digits raises; nobody reads 78 digits anyway.
        digits = int(value.bit_length() * 0.30103) + 1
        return f"an integer of about {digits:,} digits"
    text = repr(value) if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    if len(text) > _MAX_GOT_CHARS:
        text = text[: _MAX_GOT_CHARS - 1] + "…"
    return text


class FabnetError(Exception):
    """Base class of every error fabnet raises on purpose."""

    exit_code: int = 1


@dataclass(frozen=True)
class ScenarioIssue:
    """One problem found in a scenario, located as precisely as the input allows.

    Attributes
    ----------
    file : str or None
        The file the problem is in (``None`` for a scenario built in Python).
    line : int or None
        1-based line in ``file`` (``None`` when the input has no lines, e.g. a dict).
    loc : str
        Dotted path of the field, with list indices in brackets (``sites[1].capex_musd``);
        empty for a problem with the whole file.
    message : str
        What is wrong and what was allowed.
    got : str or None
        The offending value as rendered for people, or ``None`` when there is none.
    """

    file: str | None
    line: int | None
    loc: str
    message: str
    got: str | None = None

    def __str__(self) -> str:
        where = self.file or "<scenario>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        field = f" {self.loc}:" if self.loc else ""
        got = f" (got {self.got})" if self.got is not None else ""
        return f"{where}:{field} {self.message}{got}"


class ScenarioError(FabnetError, ValueError):
    """A scenario could not be read or is invalid; :attr:`issues` lists every problem found."""

    exit_code = 2

    def __init__(self, issues: list[ScenarioIssue], what: str = "scenario") -> None:
        if not issues:
            raise ValueError("ScenarioError needs at least one issue")
        self.issues: tuple[ScenarioIssue, ...] = tuple(issues)
        #: What was read: "scenario", or "fab file".
        self.what = what
        noun = "problem" if len(issues) == 1 else "problems"
        body = "\n".join(str(issue) for issue in issues)
        super().__init__(f"{len(issues)} {noun} in the {what}:\n{body}")


class ParameterError(FabnetError, ValueError):
    """A function got a parameter outside its physical or allowed range.

    Attributes
    ----------
    parameter : str
        The parameter's name.
    allowed : str
        What is allowed, in words (``"> 0"``, ``"one of 'poisson', 'murphy'"``).
    got : str
        The offending value as rendered for people.
    """

    exit_code = 2

    def __init__(self, parameter: str, allowed: str, got: Any) -> None:
        self.parameter = parameter
        self.allowed = allowed
        self.got = render_value(got)
        super().__init__(f"{parameter}: must be {allowed} (got {self.got})")


class CatalogError(FabnetError, ValueError):
    """The packaged reference catalog (or a table given in its place) is inconsistent.

    Attributes
    ----------
    problems : tuple of str
        Each problem as ``table.csv:LINE: column: message``.
    """

    exit_code = 4

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in the catalog:\n" + "\n".join(problems))


class InfeasiblePlanError(FabnetError, RuntimeError):
    """No plan satisfies the scenario's limits.

    Attributes
    ----------
    findings : tuple
        The limits that had to be broken, in scenario terms (``str()`` of each is a sentence).
    iis : tuple of str
        For an LP, the constraints of HiGHS's irreducible infeasible subsystem.
    """

    exit_code = 3

    def __init__(self, findings: list[Any], iis: tuple[str, ...] = ()) -> None:
        self.findings = tuple(findings)
        self.iis = iis
        lines = [f"- {finding}" for finding in findings] or [
            "- no single limit explains it (see the constraints below)"
        ]
        if iis:
            lines.append("irreducible infeasible subsystem: " + ", ".join(iis))
        super().__init__(
            "the plan is infeasible; to be feasible it would need:\n" + "\n".join(lines)
        )


class SolverError(FabnetError, RuntimeError):
    """The solver stopped without any solution (status in :attr:`status`)."""

    exit_code = 5

    def __init__(self, status: str, message: str) -> None:
        self.status = status
        super().__init__(message)


class OutputPathError(FabnetError, ValueError):
    """An output path cannot be used: a file where a folder is wanted (or the reverse), a folder
    that is not a fabnet result (it is never replaced), or one another fabnet run is writing.

    Attributes
    ----------
    path : str
        The path as given.
    reason : str
        What is wrong with it, in words.
    """

    exit_code = 2

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class CorruptResultError(FabnetError, ValueError):
    """A saved result folder fails its check: its manifest is missing or unreadable, or a file
    is missing, of another size or another sha256 than its manifest says, or cannot be parsed.

    Attributes
    ----------
    folder : str
        The folder as given.
    kind : str
        What it should hold (``"plan"``, …).
    problems : tuple of str
        One sentence per problem (``"funding.parquet is 0 bytes, expected 18,392"``).
    """

    exit_code = 2

    def __init__(self, folder: str, kind: str, problems: list[str]) -> None:
        self.folder = folder
        self.kind = kind
        self.problems = tuple(problems)
        super().__init__(
            f"corrupt or incomplete {kind} folder {folder}: " + "; ".join(self.problems)
        )


class MissingExtraError(FabnetError, ImportError):
    """A feature was asked for whose optional packages are not installed (``pip install
    'fabnet[report]'`` brings the HTML reports, ``'fabnet[netcdf]'`` netCDF files).

    Attributes
    ----------
    feature : str
        What was asked for (``"--report"``, ``"netCDF"``).
    extra : str
        The extra that installs it.
    missing : tuple of str
        The packages that are not installed.
    """

    exit_code = 2

    def __init__(self, feature: str, extra: str, missing: tuple[str, ...]) -> None:
        packages = ", ".join(missing)
        super().__init__(
            f"{feature} needs {packages}, which is not installed: pip install 'fabnet[{extra}]'"
            " (the README's install brings it)"
        )
        self.feature = feature
        self.extra = extra
        self.missing = missing


class StorageError(FabnetError, OSError):
    """The file system refused a write or a read: read-only, full, no permission, a path
    component that is a file, … A problem of the environment, not of the input or of fabnet.

    Attributes
    ----------
    path : str
        The file or folder concerned.
    strerror : str
        The system's reason (``"No space left on device"``).
    errno : int or None
        The system's error number, when there is one.
    """

    exit_code = 6

    def __init__(
        self, path: str, strerror: str, errno: int | None = None, *, doing: str = "write"
    ) -> None:
        message = f"cannot {doing} {path}: {strerror}"
        super().__init__(message)
        self.errno = errno
        self.strerror = strerror
        self.path = path
        self._message = message

    def __str__(self) -> str:
        return self._message

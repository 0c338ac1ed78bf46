"""Outputs that are never lost nor half written, and saved results checked when they are read.

Every file and folder fabnet writes goes through this module:

- :func:`write_atomic` writes one file (a report, a scenario, the JSON Schema): to a temporary
  file beside the target, flushed and synced, then renamed over it. A reader sees the old file or
  the new one, never a part; the temporary file is removed on any error, Ctrl-C included.
- :func:`result_folder` writes a result folder (a plan, a risk analysis, CSV tables): every file
  into a temporary folder beside the target, then ``manifest.json`` (each file's name, size and
  SHA-256), then the folder is swapped into place in one step (Linux ``renameat2`` exchange; on
  other systems the old folder is renamed aside first, a window of two renames). An existing
  folder is replaced only if it is empty or a fabnet result; anything else is refused before any
  work, so fabnet never deletes a folder of yours.
- :func:`locked` holds the lock of an output path, a file ``.NAME.lock`` beside it (``filelock``:
  ``flock`` on one machine; on a network file system locks hold only as far as its ``flock``
  does). A second writer is refused at once (:class:`~fabnet.exceptions.OutputPathError`, exit 2)
  rather than waiting behind a run that may take hours. The lock is re-entrant in one process:
  the command line takes it before its work (:func:`check_folder`, :func:`check_file`) and holds
  it while the library's save inside takes it again. Temporary files and folders left by a run
  that was killed (``.NAME.tmp-*``, ``.NAME.old-*``) are removed by the next writer that holds the
  lock.
- :func:`verify_result` checks a saved folder against its manifest before it is read,
  :func:`read_saved` turns a file that cannot be parsed into a
  :class:`~fabnet.exceptions.CorruptResultError` (exit 2) naming it, and :func:`read_result`
  does both and reads again if another run replaced the folder while it was being read (a
  reader takes no lock: reading an old result while a new one is computed is fine).

A folder written by a fabnet older than the manifest (no ``manifest.json``) is still read when it
has every file it needs, with an :class:`UnverifiedResultWarning`: its files cannot be checked,
but one that is truncated is still refused when it is parsed. Saving it again adds the manifest.

Disk errors (read-only or full file system, no permission, …) become
:class:`~fabnet.exceptions.StorageError` (exit 6) naming the path the user gave.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fabnet.exceptions import (
    CorruptResultError,
    FabnetError,
    OutputPathError,
    ParameterError,
    StorageError,
)

__all__ = [
    "FORMAT",
    "MANIFEST",
    "VERSION",
    "ResultFolder",
    "UnverifiedResultWarning",
    "check_file",
    "check_folder",
    "locked",
    "read_result",
    "read_saved",
    "result_folder",
    "storage_error",
    "verify_result",
    "write_atomic",
]

#: The ``format`` marker of a fabnet manifest, and the manifest's version.
FORMAT = "fabnet-result"
VERSION = 1
#: The manifest's file name in a result folder.
MANIFEST = "manifest.json"

#: Names shown when a folder that is not fabnet's is refused.
_SHOWN_NAMES = 5
_CHUNK = 1 << 20
_STALE = re.compile(r"\.(?P<name>.+)\.(?:tmp|old)-[0-9a-f]{16}")

T = TypeVar("T")


class UnverifiedResultWarning(UserWarning):
    """A saved result has no manifest (an older fabnet wrote it): its files were not checked."""


def _shown(path: str | os.PathLike[str], option: str | None) -> str:
    return f"{option} {os.fspath(path)}" if option else os.fspath(path)


def _resolve(path: str | os.PathLike[str], shown: str) -> Path:
    """The absolute path with links followed (a link to a folder writes where it points)."""
    try:
        resolved = Path(path).expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # a link loop: RuntimeError before Python 3.13
        raise OutputPathError(shown, f"cannot be resolved ({exc})") from None
    if not resolved.name:
        raise OutputPathError(shown, "names no file or folder that fabnet could replace")
    return resolved


def storage_error(exc: OSError, shown: str, *, doing: str = "write") -> StorageError:
    """*exc* as a :class:`~fabnet.exceptions.StorageError` on the path the user gave."""
    if isinstance(exc, StorageError):
        return exc
    # A library's own wording (pyarrow: "Error writing bytes to file. Detail: [errno 28] …")
    # gives way to the system's reason for its error number.
    reason = os.strerror(exc.errno) if exc.errno else exc.strerror or str(exc)
    reason = reason or type(exc).__name__
    return StorageError(shown, reason, exc.errno, doing=doing)


def _parent_usable(target: Path, shown: str) -> None:
    """Raise unless the nearest existing ancestor of *target* is a folder (not a file)."""
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputPathError(shown, f"{ancestor} is a file, not a folder")


def check_file(path: str | os.PathLike[str], *, option: str | None = None) -> Path:
    """Raise unless *path* can take a file; returns it resolved.

    It may not exist yet; if it does, it must be a regular file (never a folder, a device or a
    pipe: ``--report /dev/null`` would otherwise replace the device).

    Raises
    ------
    OutputPathError
        If the path is a folder or not a regular file, or a part of it is a file.
    """
    shown = _shown(path, option)
    target = _resolve(path, shown)
    _parent_usable(target, shown)
    if target.is_dir():
        raise OutputPathError(shown, "is an existing folder, not a file")
    if target.exists() and not target.is_file():
        raise OutputPathError(shown, "exists and is not a regular file")
    return target


def check_folder(
    path: str | os.PathLike[str], *, names: Iterable[str] = (), option: str | None = None
) -> Path:
    """Raise unless *path* can take a result folder; returns it resolved.

    It may not exist yet; if it does, it must be a folder that is empty or a fabnet result: it
    has a fabnet manifest and holds only the files it lists, or (written by an older fabnet) it
    holds only files named in *names*.

    Raises
    ------
    OutputPathError
        If the path is a file, a folder that is not a fabnet result, the current folder or one
        above it, or a part of it is a file.
    StorageError
        If the folder cannot be listed.
    """
    shown = _shown(path, option)
    target = _resolve(path, shown)
    _parent_usable(target, shown)
    if not target.exists():
        return target
    if not target.is_dir():
        raise OutputPathError(shown, "is an existing file, not a folder")
    cwd = Path.cwd().resolve()
    if cwd == target or target in cwd.parents:
        raise OutputPathError(shown, "is the current folder or holds it; choose a new folder")
    try:
        entries = list(target.iterdir())
    except OSError as exc:
        raise storage_error(exc, shown, doing="read") from None
    known = {MANIFEST, *names, *(_manifest_names(target))}
    foreign = sorted(e.name for e in entries if e.name not in known or not _plain_file(e))
    if foreign:
        listed = ", ".join(foreign[:_SHOWN_NAMES]) + (", …" if len(foreign) > _SHOWN_NAMES else "")
        raise OutputPathError(
            shown,
            f"is a folder that is not a fabnet result (it holds {listed}); fabnet replaces only"
            " an empty folder or one of its own results: choose a new folder",
        )
    return target


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _manifest_names(folder: Path) -> list[str]:
    """The file names a folder's manifest lists (none when it has no readable fabnet one)."""
    try:
        manifest = _read_manifest(folder)
    except (CorruptResultError, OSError):
        return []
    return [] if manifest is None else [str(entry["name"]) for entry in manifest["files"]]


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], *, option: str | None = None) -> Iterator[Path]:
    """Hold the lock of the output *path* (``.NAME.lock`` beside it); yields it resolved.

    The folder that holds it is created if missing. The lock is re-entrant within a process and
    refused at once when another process holds it.

    Raises
    ------
    OutputPathError
        If another process holds the lock.
    StorageError
        If the lock file cannot be created (read-only file system, no permission, …).
    """
    from filelock import FileLock, Timeout

    shown = _shown(path, option)
    target = _resolve(path, shown)
    _parent_usable(target, shown)
    name = f".{target.name}.lock"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Creating the lock file first shows whether the folder takes files at all (read-only,
        # no permission, /proc): the system's own reason, not a lock that seems held.
        os.close(os.open(target.parent / name, os.O_WRONLY | os.O_CREAT, 0o666))
        lock = FileLock(target.parent / name, timeout=0, is_singleton=True)
        with _signals_held():  # Ctrl-C inside filelock's bookkeeping could wedge its exit hook
            lock.acquire()
    except Timeout:
        raise OutputPathError(
            shown,
            f"another fabnet run is writing it (its lock {name} is held); wait for that run to"
            " end or choose another path",
        ) from None
    except OSError as exc:
        raise storage_error(exc, shown) from None
    try:
        yield target
    finally:
        with _signals_held():
            lock.release()


def _clean_stale(target: Path) -> None:
    """Remove the temporary files and folders of *target* that a killed run left (lock held)."""
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            match = _STALE.fullmatch(entry.name)
            if match is None or match["name"] != target.name:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _aside(target: Path, what: str) -> Path:
    return target.with_name(f".{target.name}.{what}-{secrets.token_hex(8)}")


def _fsync_dir(folder: Path) -> None:
    """Make a rename in *folder* durable (where the system lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, *, option: str | None = None
) -> Path:
    """Write *data* (text as UTF-8) to the file *path*, atomically; returns *path*.

    The data goes to ``.NAME.tmp-…`` beside the file, is flushed and synced, and is renamed over
    it, under the file's lock. The folder is created where missing. An existing file keeps its
    permissions; a new one gets the usual ones (``0o666`` less the umask).

    Raises
    ------
    OutputPathError
        If *path* cannot take a file (:func:`check_file`) or another run is writing it.
    StorageError
        If the file system refuses the write.
    """
    shown = _shown(path, option)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    check_file(path, option=option)
    with locked(path, option=option) as target:
        check_file(target, option=option)
        _clean_stale(target)
        temporary = _aside(target, "tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with open(fd, "wb") as file:
                file.write(payload)
                file.flush()
                if target.exists():
                    os.chmod(file.fileno(), target.stat().st_mode & 0o7777)
                os.fsync(file.fileno())
            os.replace(temporary, target)
            _fsync_dir(target.parent)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            if isinstance(exc, OSError) and not isinstance(exc, FabnetError):
                raise storage_error(exc, shown) from exc
            raise
    return Path(path)


@dataclass
class ResultFolder:
    """The temporary folder a result is written into (:func:`result_folder`).

    Attributes
    ----------
    path : Path
        The temporary folder; its files become the result's when the block ends.
    """

    path: Path
    _names: list[str] = field(default_factory=list, repr=False)

    def file(self, name: str) -> Path:
        """Where to write the file *name* (a plain name, no folder)."""
        if not name or Path(name).name != name or name in (".", "..", MANIFEST):
            raise ValueError(f"not a result file name: {name!r}")
        self._names.append(name)
        return self.path / name

    def write_text(self, name: str, text: str) -> Path:
        """Write *text* (UTF-8) as the file *name*; returns its path."""
        path = self.file(name)
        path.write_text(text, encoding="utf-8")
        return path


@contextlib.contextmanager
def result_folder(
    path: str | os.PathLike[str],
    *,
    kind: str,
    names: Iterable[str] = (),
    option: str | None = None,
) -> Iterator[ResultFolder]:
    """Write a result folder atomically, under its lock, with a manifest.

    The block writes the files into :attr:`ResultFolder.path` (``.NAME.tmp-…`` beside the
    target); when it ends, ``manifest.json`` is added and the folder replaces *path* in one
    step. If the block fails or is interrupted, the temporary folder is removed and *path* is as
    it was.

    Parameters
    ----------
    path : str or Path
        The result folder.
    kind : str
        What it holds (``"plan"``, ``"risk"``, …), recorded in the manifest.
    names : iterable of str
        The file names this kind of result has: an existing folder without a manifest that
        holds only these may be replaced (it was written by an older fabnet).
    option : str, optional
        The command-line option that named *path*, for messages (``"--out"``).

    Raises
    ------
    OutputPathError
        If *path* cannot take a result folder (:func:`check_folder`) or another run writes it.
    StorageError
        If the file system refuses a write.

    Examples
    --------
    >>> import shutil, tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "tables"
    >>> with result_folder(folder, kind="tables") as out:
    ...     path = out.write_text("gap.csv", "year,gap_wspm")
    >>> sorted(p.name for p in folder.iterdir())
    ['gap.csv', 'manifest.json']
    >>> verify_result(folder, kind="tables", names=["gap.csv"])
    True
    >>> shutil.rmtree(folder.parent)
    """
    shown = _shown(path, option)
    names = tuple(names)
    check_folder(path, names=names, option=option)
    with locked(path, option=option) as target:
        check_folder(target, names=names, option=option)
        _clean_stale(target)
        staging = _aside(target, "tmp")
        try:
            staging.mkdir()
            yield ResultFolder(staging)
            _write_manifest(staging, kind)
            _swap(staging, target)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError) and not isinstance(exc, FabnetError):
                raise storage_error(exc, shown) from exc
            raise


def _file_entry(path: Path) -> dict[str, Any]:
    """A manifest entry for *path*: name, size [bytes], SHA-256; the file is synced to disk."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
        os.fsync(file.fileno())
    return {"name": path.name, "bytes": size, "sha256": digest.hexdigest()}


def _write_manifest(folder: Path, kind: str) -> None:
    from fabnet._version import __version__

    entries = []
    for path in sorted(folder.iterdir()):
        if not _plain_file(path):
            raise ValueError(f"a result folder holds plain files only, not {path.name!r}")
        entries.append(_file_entry(path))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "fabnet": __version__,
        "files": entries,
    }
    with (folder / MANIFEST).open("w", encoding="utf-8") as file:
        file.write(json.dumps(manifest, indent=2) + "\n")
        file.flush()
        os.fsync(file.fileno())
    _fsync_dir(folder)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a few system calls (delivered right after)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _swap(staging: Path, target: Path) -> None:
    """Put the complete *staging* folder in *target*'s place and remove the old one."""
    with _signals_held():
        if not target.exists():
            os.rename(staging, target)
            old = None
        elif _exchange(staging, target):
            old = staging
        else:
            old = _aside(target, "old")
            os.rename(target, old)
            try:
                os.rename(staging, target)
            except BaseException:
                os.rename(old, target)
                raise
    _fsync_dir(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(second))


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or ``None`` without one.

    Raises
    ------
    CorruptResultError
        If ``manifest.json`` is there but is not a fabnet manifest this fabnet can read.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return None
    shown = os.fspath(folder)

    def corrupt(why: str) -> CorruptResultError:
        return CorruptResultError(shown, "result", [f"{MANIFEST} {why}"])

    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise corrupt(f"is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise corrupt("is not a fabnet manifest")
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise corrupt(f"has version {version!r}; this fabnet reads version {VERSION}")
    files = manifest.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict)
        and isinstance(f.get("name"), str)
        and isinstance(f.get("bytes"), int)
        and isinstance(f.get("sha256"), str)
        for f in files
    ):
        raise corrupt("lists its files in an unknown form")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_result(folder: str | os.PathLike[str], *, kind: str, names: Iterable[str]) -> bool:
    """Check the saved result *folder* before it is read; True when its manifest vouches for it.

    With a manifest, every file it lists must be there with its size and SHA-256, and every
    file in *names* must be listed. Without one (an older fabnet wrote it), every file in
    *names* must be there, and an :class:`UnverifiedResultWarning` says the files were not
    checked; the function returns False.

    Raises
    ------
    ParameterError
        If *folder* is not a folder, holds another kind of result, or (without a manifest)
        lacks a file.
    CorruptResultError
        If a file is missing, truncated or changed since it was saved.
    StorageError
        If a file cannot be read.
    """
    path = Path(folder)
    shown = os.fspath(folder)
    names = tuple(names)
    what = f"a saved fabnet {kind}"
    if not path.is_dir():
        raise ParameterError(f"{kind} folder", what, shown)
    try:
        manifest = _read_manifest(path)
    except CorruptResultError as exc:
        raise CorruptResultError(shown, kind, list(exc.problems)) from None
    except OSError as exc:
        raise storage_error(exc, shown, doing="read") from None
    if manifest is None:
        missing = [n for n in names if not (path / n).is_file()]
        if missing:
            raise ParameterError(f"{kind} folder", f"{what} (missing {', '.join(missing)})", shown)
        warnings.warn(
            f"{shown} has no {MANIFEST} (an older fabnet saved it): its files were not checked;"
            " save it again to add one",
            UnverifiedResultWarning,
            stacklevel=3,
        )
        return False
    if manifest.get("kind") != kind:
        raise ParameterError(
            f"{kind} folder", f"{what} (it holds a fabnet {manifest.get('kind')} result)", shown
        )
    problems = []
    listed = {str(entry["name"]) for entry in manifest["files"]}
    problems += [f"{n} is not in its {MANIFEST}" for n in names if n not in listed]
    for entry in manifest["files"]:
        name, expected = str(entry["name"]), int(entry["bytes"])
        file = path / name
        try:
            if not _plain_file(file):
                problems.append(f"{name} is missing")
                continue
            size = file.stat().st_size
            if size != expected:
                problems.append(f"{name} is {size:,} bytes, expected {expected:,}")
            elif _sha256(file) != entry["sha256"]:
                problems.append(f"{name} has changed since it was saved (its SHA-256 differs)")
        except OSError as exc:
            raise storage_error(exc, os.fspath(file), doing="read") from None
    if problems:
        raise CorruptResultError(shown, kind, problems)
    return True


def read_saved(
    folder: str | os.PathLike[str], name: str, read: Callable[[Path], T], *, kind: str
) -> T:
    """``read(folder / name)``, with a file that cannot be parsed a
    :class:`~fabnet.exceptions.CorruptResultError` naming it (fabnet's own errors pass)."""
    path = Path(folder) / name
    try:
        return read(path)
    except FabnetError:
        raise
    except OSError as exc:
        if exc.errno is not None:
            raise storage_error(exc, os.fspath(path), doing="read") from None
        problem = f"{name} cannot be read ({type(exc).__name__}: {exc})"
    except Exception as exc:  # any parser's failure on a saved file is a damaged file
        problem = f"{name} cannot be read ({type(exc).__name__}: {exc})"
    raise CorruptResultError(os.fspath(folder), kind, [problem])


#: Times :func:`read_result` reads a folder that other runs keep replacing before it gives up.
_READ_ATTEMPTS = 3


def _identity(folder: Path) -> tuple[int, int, int, bytes]:
    """What changes when a result folder is replaced: its inode, its time, its manifest."""
    try:
        stat = folder.stat()
        manifest = (folder / MANIFEST).read_bytes() if (folder / MANIFEST).is_file() else b""
    except OSError:
        return (0, 0, 0, b"")
    return (stat.st_dev, stat.st_ino, stat.st_mtime_ns, manifest)


def read_result(
    folder: str | os.PathLike[str],
    read: Callable[[Path], T],
    *,
    kind: str,
    names: Iterable[str],
) -> T:
    """``read(folder)`` after :func:`verify_result`; read again if the folder was replaced
    meanwhile (a save swaps a new folder in), so that the files read are all of one result.

    Raises
    ------
    CorruptResultError
        As :func:`verify_result`, or if other runs replaced the folder on every attempt.
    """
    path = Path(folder)
    names = tuple(names)
    for _ in range(_READ_ATTEMPTS):
        before = _identity(path)
        verify_result(folder, kind=kind, names=names)
        value = read(path)
        if _identity(path) == before:
            return value
    raise CorruptResultError(
        os.fspath(folder),
        kind,
        [f"it was replaced {_READ_ATTEMPTS} times while it was read; read it when no run saves it"],
    )

"""YAML read into dicts and lists that remember the file and line of every value.

:class:`LDict` and :class:`LList` are ``dict`` and ``list`` subclasses, so pydantic validates them
as usual, while :func:`locations` turns a (merged) tree back into ``path -> Loc`` for messages.
Reading guards against garbage: binary or non-UTF-8 bytes, empty files, files that are too large,
duplicate keys, non-mapping documents, and alias bombs (aliases that expand into huge trees).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, SequenceNode

from fabnet.exceptions import ScenarioError, ScenarioIssue

#: Largest scenario file read [bytes].
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Most values a document may hold once its aliases are expanded.
MAX_EXPANDED_NODES = 200_000

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Loc:
    """Where a value was written: file (None for Python input) and 1-based line."""

    file: str | None
    line: int | None


class LDict(dict[Any, Any]):
    """A mapping that knows where it and each of its values were written."""

    loc: Loc
    key_locs: dict[Any, Loc]

    def __init__(self, *args: Any, loc: Loc | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loc = loc or Loc(None, None)
        self.key_locs = {}


class LList(list[Any]):
    """A sequence that knows where it and each of its items were written."""

    loc: Loc
    item_locs: list[Loc]

    def __init__(self, *args: Any, loc: Loc | None = None) -> None:
        super().__init__(*args)
        self.loc = loc or Loc(None, None)
        self.item_locs = [self.loc] * len(self)


def _fail(
    file: str | None, line: int | None, message: str, got: str | None = None
) -> ScenarioError:
    return ScenarioError([ScenarioIssue(file, line, "", message, got)])


# libyaml's parser when present (several times faster); the constructors are the same.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type, misc]
    """SafeLoader that builds LDict/LList and rejects duplicate keys."""

    file: str | None = None

    def _loc(self, node: Node) -> Loc:
        return Loc(self.file, node.start_mark.line + 1)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """PyYAML's construction, with a value it cannot convert (``!!int 1.5``, ``!!bool
        maybe``, an integer of more than 4,300 digits, ``!!map [1]``) reported at its node."""
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # any failure to build a value is bad input
            raise ConstructorError(None, None, _unconvertible(node, exc), node.start_mark) from None


def _unconvertible(node: Node, exc: Exception) -> str:
    """Why the value at *node* could not be read, in words."""
    tag = str(node.tag).rsplit(":", 1)[-1]
    if isinstance(node.value, str):
        text = (
            node.value
            if len(node.value) <= 40
            else f"{node.value[:39]}… ({len(node.value):,} characters)"
        )
        what = f"{text!r} is not a valid {tag}"
    else:
        kind = "a sequence" if isinstance(node, SequenceNode) else "a mapping"
        what = f"{kind} cannot be read as !!{tag}"
    if isinstance(exc, ValueError) and "digits" in str(exc):
        what += " (integers are limited to 4,300 digits)"
    return what


def _construct_mapping(loader: _Loader, node: MappingNode) -> Iterator[LDict]:
    data = LDict(loc=loader._loc(node))
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        if key in data:
            raise ConstructorError(
                None, None, f"duplicate key {key!r} in this mapping", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_locs[key] = loader._loc(key_node)


def _construct_sequence(loader: _Loader, node: SequenceNode) -> Iterator[LList]:
    data = LList(loc=loader._loc(node))
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_locs.append(loader._loc(item))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def parse_yaml(text: str, file: str | None) -> LDict:
    """Parse one YAML document that must be a mapping; raise ScenarioError otherwise."""
    if not text.strip():
        raise _fail(file, None, "the file is empty; a scenario is a YAML mapping (name: …)")
    loader = _Loader(text)
    loader.file = file
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(str(exc.problem or exc.context or "").split())
        raise _fail(file, line, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise _fail(file, None, f"not valid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise _fail(file, None, "not valid YAML: nested too deeply") from None
    except Exception as exc:
        # A document node whose tag cannot build it (``!!map [1]`` as the whole file).
        raise _fail(
            file, 1, f"not valid YAML: the document cannot be built from its tag ({exc})"
        ) from None
    finally:
        loader.dispose()
    if data is None:
        raise _fail(file, None, "the file is empty; a scenario is a YAML mapping (name: …)")
    if not isinstance(data, LDict):
        kind = type(data).__name__
        raise _fail(file, 1, "a scenario must be a YAML mapping (name: …)", kind)
    _check_size(data, file)
    return data


def _check_size(data: Any, file: str | None) -> None:
    """Refuse documents whose aliases expand into more than MAX_EXPANDED_NODES values."""
    count = 0
    stack = [data]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_EXPANDED_NODES:
            raise _fail(
                file,
                None,
                f"the document expands to more than {MAX_EXPANDED_NODES:,} values through its"
                " aliases (an alias bomb?); write the values out instead",
            )
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def checked_path(
    path: Path | str, what: str = "scenario", at: Loc | None = None, field: str = ""
) -> Path:
    """*path* made absolute with its links followed; a ScenarioError for a path that cannot be.

    A NUL byte in the name, a symlink loop or an over-long name is bad input, reported at *at*
    (the line that named the path, whose dotted *field* it is) when given.
    """
    file = str(path).replace("\x00", "\\0")
    where = at or Loc(file, None)

    def fail(message: str) -> ScenarioError:
        got = file if at is not None else None
        return ScenarioError([ScenarioIssue(where.file, where.line, field, message, got)])

    if "\x00" in str(path):
        raise fail(f"the {what} path contains a NUL byte")
    try:
        return Path(path).resolve()
    except RuntimeError:  # Python < 3.13: a symlink loop
        raise fail(f"the {what} path is a symlink loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise fail(f"the {what} path is a symlink loop") from None
        raise fail(f"cannot resolve the {what} path: {exc.strerror or exc}") from None


def _file(what: str) -> str:
    """``"scenario"`` → ``"scenario file"``; ``"fab file"`` stays as it is."""
    return what if what.endswith("file") else f"{what} file"


def read_bytes(path: Path, what: str = "scenario", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most *limit* bytes; a ScenarioError for anything else.

    The file is opened without blocking and checked on the open descriptor, so a FIFO, a device
    (``/dev/zero``), a socket or a directory — or a link to one — is refused at once instead of
    hanging or reading without end, and a file that grows while read is cut at *limit* + 1 bytes
    and refused as too large.
    """
    file = str(path).replace("\x00", "\\0")
    if "\x00" in str(path):
        raise _fail(file, None, f"the {what} path contains a NUL byte")
    fd = _open(path, what, file)
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            raise _fail(file, None, f"is a directory, not a {_file(what)}")
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise _fail(file, None, f"is {kind}, not a regular {_file(what)}")
        if info.st_size > limit:
            raise _fail(
                file, None, f"the file is too large ({info.st_size:,} bytes; at most {limit:,})"
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except ScenarioError:
        raise
    except OSError as exc:
        raise _fail(file, None, f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:
        # It grew while it was read.
        raise _fail(file, None, f"the file is too large (more than {limit:,} bytes)")
    return b"".join(chunks)


def _open(path: Path, what: str, file: str) -> int:
    """A read-only descriptor of *path*, opened without blocking (a FIFO must not hang)."""
    try:
        return os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        )
    except FileNotFoundError:
        raise _fail(file, None, f"no such {_file(what)}") from None
    except IsADirectoryError:
        raise _fail(file, None, f"is a directory, not a {_file(what)}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _fail(file, None, f"the {what} path is a symlink loop") from None
        raise _fail(file, None, f"cannot read the file: {exc.strerror or exc}") from None


#: File types that are not regular files, in words.
_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def read_text(path: Path, what: str = "scenario") -> str:
    """Read a small UTF-8 text file, refusing binaries, huge, unreadable and irregular files."""
    file = str(path).replace("\x00", "\\0")
    raw = read_bytes(path, what)
    if b"\x00" in raw:
        kind = "YAML" if what == "scenario" else "CSV"
        raise _fail(file, None, f"this is a binary file, not {kind} text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(file, None, f"not UTF-8 text (bad byte at offset {exc.start})") from None


def locate(data: Any, loc: Loc) -> Any:
    """Wrap plain Python data (dicts, lists) as located data, all at ``loc``."""
    if isinstance(data, dict):
        out = LDict(loc=loc)
        for key, value in data.items():
            out[key] = locate(value, loc)
            out.key_locs[key] = loc
        return out
    if isinstance(data, list | tuple):
        return LList([locate(item, loc) for item in data], loc=loc)
    return data


def locations(data: Any) -> dict[Path_, Loc]:
    """Map every path in a located tree to where it was written."""
    out: dict[Path_, Loc] = {}
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, LDict):
            out.setdefault(path, node.loc)
            for key, value in node.items():
                out[(*path, key)] = node.key_locs.get(key, node.loc)
                stack.append(((*path, key), value))
        elif isinstance(node, LList):
            out.setdefault(path, node.loc)
            for index, value in enumerate(node):
                locs = node.item_locs
                out[(*path, index)] = locs[index] if index < len(locs) else node.loc
                stack.append(((*path, index), value))
    return out

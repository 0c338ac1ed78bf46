"""Fuzzing the scenario loader: whatever comes in, fabnet answers with a located ScenarioError
(or a valid scenario), never with any other exception.

Mutations of the built-in scenario (written out standalone): wrong types, missing and unknown
keys, bad references, out-of-range numbers, broken YAML text, and random bytes.
"""

from __future__ import annotations

import copy
import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabnet.exceptions import ScenarioError, ScenarioIssue
from fabnet.scenario import Scenario, load_scenario

BASE: dict[str, Any] = yaml.safe_load(load_scenario("altman-2024").to_yaml())
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
BASE_TEXT = yaml.dump(BASE, Dumper=_DUMPER, sort_keys=False)
_FOLDER = Path(tempfile.mkdtemp(prefix="fabnet-fuzz-"))
_COUNTER = itertools.count()

Path_ = tuple[Any, ...]


def _paths(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _parent(data: Any, path: Path_) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


WRONG_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9\-]{0,12}", fullmatch=True)


@st.composite
def mutated_data(draw: st.DrawFn) -> str:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        op = draw(st.sampled_from(["wrong", "delete", "unknown", "ref", "range", "negate"]))
        if op == "wrong":
            parent[path[-1]] = draw(WRONG_VALUES)
        elif op == "delete":
            del parent[path[-1]]
        elif op == "unknown" and isinstance(parent, dict):
            parent[draw(IDS)] = draw(WRONG_VALUES)
        elif op == "ref":
            parent[path[-1]] = draw(IDS)
        elif op == "range" and isinstance(parent[path[-1]], int | float):
            parent[path[-1]] = draw(st.sampled_from([-1, 0, 10**9, 1e300, -1e-9, 2101]))
        elif op == "negate" and isinstance(parent[path[-1]], int | float):
            parent[path[-1]] = -parent[path[-1]]
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False)


@st.composite
def broken_text(draw: st.DrawFn) -> str:
    text = BASE_TEXT
    at = draw(st.integers(min_value=0, max_value=len(text)))
    junk = draw(
        st.sampled_from(
            [
                "[",
                "]",
                "{",
                ":",
                "- ",
                "\t",
                "&a ",
                "*b ",
                "'",
                '"',
                "\n  ",
                "!!binary x",
                "%YAML",
                "---\n",
                "? ",
                "|",
                ">",
                # Values the YAML parser reads but cannot convert (each once raised a bare
                # ValueError, KeyError, TypeError or AttributeError).
                " !!int 1.5",
                " !!bool maybe",
                " !!float x",
                " !!timestamp x",
                " !!map [1]",
                " !!seq {a: 1}",
                " !!python/object:os.system x",
                " 1" + "0" * 4300,
                " 0x" + "f" * 4000,
                "\n2024-01-01: 2\n",
            ]
        )
    )
    cut = draw(st.integers(min_value=0, max_value=40))
    return text[:at] + junk + text[at + cut :]


#: YAML's standard tags, applied to any text they may not fit.
TAGS = ["int", "float", "bool", "null", "str", "timestamp", "binary", "map", "seq", "set", "omap"]


@st.composite
def tagged_value(draw: st.DrawFn) -> str:
    """The built-in scenario with one ``key: value`` line's value given an explicit tag."""
    lines = BASE_TEXT.splitlines()
    candidates = [i for i, line in enumerate(lines) if ": " in line and not line.endswith(":")]
    i = draw(st.sampled_from(candidates))
    key = lines[i].split(": ", 1)[0]
    value = draw(st.one_of(st.text(max_size=8), st.sampled_from(["[1]", "{a: 1}", "x", "1.5"])))
    lines[i] = f"{key}: !!{draw(st.sampled_from(TAGS))} {value}"
    return "\n".join(lines) + "\n"


def _check(content: str | bytes) -> None:
    path = _FOLDER / f"case-{next(_COUNTER)}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    issues: tuple[ScenarioIssue, ...] = ()
    try:
        result = load_scenario(path)
    except ScenarioError as exc:
        issues = exc.issues
    else:
        assert isinstance(result, Scenario)
    finally:
        path.unlink()
    for issue in issues:
        assert issue.file, issue
        assert issue.line is not None or issue.loc == "", issue
        assert issue.message, issue


@pytest.mark.slow
@settings(
    max_examples=2000,
    deadline=None,
    database=None,
    # The same examples in every run (CI is reproducible); FABNET_FUZZ_RANDOM=1 explores anew.
    derandomize=not os.environ.get("FABNET_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.one_of(mutated_data(), broken_text(), tagged_value(), st.binary(max_size=256)))
def test_any_input_gives_a_located_scenario_error_or_a_scenario(content: str | bytes) -> None:
    _check(content)


def test_the_unmutated_base_loads(tmp_path: Path) -> None:
    """The fuzz test's starting point is itself a valid scenario (no error, located or not)."""
    path = tmp_path / "base.yaml"
    path.write_text(BASE_TEXT, encoding="utf-8")
    scenario = load_scenario(path)
    assert isinstance(scenario, Scenario)
    assert scenario.name == BASE["name"]

"""``fab_designs:``: a resource's module figures from a fab module design — the field, its
paths relative to the file naming them, its JSON Schema, and every bad reference at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from fabnet.exceptions import ScenarioError, ScenarioIssue
from fabnet.scenario import json_schema, load_scenario

LINK = "fab_designs:\n  - {resource: N3, fab: example-3fab, design: n3-module}\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _issues(path: Path) -> dict[tuple[int | None, str], ScenarioIssue]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return {(i.line, i.loc): i for i in info.value.issues}


def test_a_link_loads_with_both_figures_by_default(small_text: str) -> None:
    scenario = load_scenario(small_text + LINK)
    (link,) = scenario.fab_designs
    assert (link.resource, link.fab, link.design) == ("N3", "example-3fab", "n3-module")
    assert link.use == ["euv", "capex"]
    assert load_scenario(scenario.to_yaml()) == scenario


def test_a_scenario_without_links_writes_none(small_text: str) -> None:
    scenario = load_scenario(small_text)
    assert scenario.fab_designs == []
    assert "fab_designs" not in scenario.to_yaml()


def test_the_json_schema_has_the_field() -> None:
    schema = json_schema()
    assert schema["properties"]["fab_designs"]["type"] == "array"
    link = schema["$defs"]["FabDesignLink"]
    assert link["required"] == ["resource", "fab", "design"]
    assert link["properties"]["use"]["items"]["enum"] == ["euv", "capex"]
    assert link["additionalProperties"] is False


def test_a_fab_path_is_relative_to_the_file_naming_it(
    tmp_path: Path, small_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fab = _write(tmp_path / "base" / "fabs" / "mine.yaml", "extends: example-3fab\nname: mine\n")
    _write(
        tmp_path / "base" / "s.yaml",
        small_text + "fab_designs:\n  - {resource: N3, fab: fabs/mine.yaml, design: n3-module}\n",
    )
    child = _write(tmp_path / "child" / "c.yaml", "extends: ../base/s.yaml\nname: child\n")
    monkeypatch.chdir(tmp_path)  # neither file's folder
    for path in (tmp_path / "base" / "s.yaml", child):
        (link,) = load_scenario(path).fab_designs
        assert Path(link.fab) == fab.resolve()


def test_every_bad_reference_at_its_line(tmp_path: Path, small_text: str) -> None:
    _write(
        tmp_path / "bad.yaml",
        "extends: example-3fab\nname: bad\ndesigns:\n  - {id: n3-module, route: N3, wspm: -5}\n",
    )
    _write(
        tmp_path / "thin.yaml",
        "extends: example-3fab\nname: thin\ndesigns:\n"
        "  - {id: litho-only, route: N3, wspm: 25000, tool_types: [EUV-3800E]}\n",
    )
    first = len(small_text.splitlines()) + 2  # the line of fab_designs[0]
    path = _write(
        tmp_path / "s.yaml",
        small_text
        + "fab_designs:\n"
        + "  - {resource: N9, fab: example-3fab, design: n3-module}\n"
        + "  - {resource: N3, fab: example-3fab, design: n4-module}\n"
        + "  - {resource: N2, fab: example-3fab, design: n3-module}\n"
        + "  - {resource: N3, fab: example-3fab, design: n3-module}\n"
        + "  - {resource: N7, fab: missing.yaml, design: n3-module}\n"
        + "  - {resource: A16, fab: bad.yaml, design: n3-module}\n"
        + "  - {resource: N5, fab: thin.yaml, design: litho-only}\n"
        + "  - {resource: HBM, fab: example-3fab, design: n2-module, use: [euv, euv]}\n",
    )
    found = _issues(path)
    at = {loc: line for line, loc in found}

    def issue(k: int, field: str) -> ScenarioIssue:
        loc = f"fab_designs[{k}].{field}"
        assert at.get(loc) == first + k, (loc, sorted(found))
        return found[first + k, loc]

    unknown = issue(0, "resource")
    assert unknown.file == str(path)
    assert unknown.message.startswith("unknown catalog resource (known: A16")
    assert unknown.got == "'N9'"
    assert (first, "fab_designs[0].design") not in found  # not again as a mismatch
    design = issue(1, "design")
    assert "unknown design of fab file 'example-3fab'; did you mean 'n3-module'?" in design.message
    assert issue(2, "design").message.startswith("this design makes N3, not N2")
    assert (
        "a second design for this resource (first at fab_designs[1])"
        in issue(3, "resource").message
    )
    assert "no such fab file" in issue(4, "fab").message
    assert "has problems" in issue(5, "fab").message
    inside = found[4, "designs[0].wspm"]  # the fab file's own problem, at its own line
    assert inside.file == str(tmp_path / "bad.yaml")
    assert "greater than 0" in inside.message
    thin = issue(6, "design").message
    # The merged fab file's third design (after n3-module and n2-module).
    assert thin.startswith(
        "its module cannot be equipped: designs[2].tool_types: must be tool types covering every"
        " step of route N3; step 1 (well oxidation and anneal) runs only on FURNACE"
    )
    assert "names a figure twice" in issue(7, "use").message

"""Every command checks its output paths before its work, and reads saved plans only whole.

The fault tests with real processes (killed mid-save, two runs at once) are in
``tests/integration/test_outputs.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Fabnet = Callable[..., Result]


@pytest.fixture
def no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planning fails the test: the command must stop before it."""
    import fabnet.planning

    def solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("the plan was solved before the output path was checked")

    monkeypatch.setattr(fabnet.planning, "plan", solve)


@pytest.mark.usefixtures("no_solve")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plan", "{scenario}", "--out", "{file}"), "--out {file}: is an existing file"),
        (("plan", "{scenario}", "--report", "{dir}"), "--report {dir}: is an existing folder"),
        (("plan", "{scenario}", "--out", "{mine}"), "is a folder that is not a fabnet result"),
        (("finance", "{scenario}", "--out", "{file}"), "--out {file}: is an existing file"),
        (("risk", "{scenario}", "--out", "{mine}"), "--out {mine}: is a folder that is not"),
        (("compare", "{scenario}", "--out", "{file}"), "is an existing file"),
        (("gap", "{scenario}", "--csv", "{file}"), "--csv {file}: is an existing file"),
        (("backcast", "{scenario}", "--out", "{file}"), "--out {file}: is an existing file"),
        (("schema", "--out", "{dir}"), "--out {dir}: is an existing folder"),
        (
            ("plan", "{scenario}", "--out", "{dir}/plan", "--report", "{dir}/plan/r.html"),
            "lies in the --out folder",
        ),
    ],
)
def test_an_unusable_output_path_exits_2_before_any_work(
    fabnet: Fabnet, small_scenario: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    paths = {
        "scenario": small_scenario,
        "file": tmp_path / "a-file",
        "dir": tmp_path / "a-dir",
        "mine": tmp_path / "mine",
    }
    paths["file"].write_text("keep me", encoding="utf-8")
    paths["dir"].mkdir()
    paths["mine"].mkdir()
    (paths["mine"] / "notes.txt").write_text("keep me", encoding="utf-8")
    result = fabnet(*(a.format(**paths) for a in args))
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert message.format(**paths) in result.stderr.replace("\n", "")
    assert "Traceback" not in result.stderr
    assert paths["file"].read_text(encoding="utf-8") == "keep me"
    assert (paths["mine"] / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_read_only_output_exits_6_before_any_work(
    fabnet: Fabnet, small_scenario: Path, read_only: Path
) -> None:
    result = fabnet("gap", small_scenario, "--csv", read_only / "gap")
    assert result.exit_code == 6, result.stderr
    assert result.stdout == ""
    assert f"error: cannot write --csv {read_only / 'gap'}: " in result.stderr
    assert "bug" not in result.stderr
    schema = fabnet("schema", "--out", read_only / "s.json")
    assert schema.exit_code == 6


def test_a_damaged_saved_plan_exits_2_naming_the_file(
    fabnet: Fabnet, saved_plan: tuple[Result, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(saved_plan[1], folder)
    size = (folder / "funding.parquet").stat().st_size
    (folder / "funding.parquet").write_bytes(b"")
    result = fabnet("finance", "--plan", folder)
    assert result.exit_code == 2
    assert result.stderr.replace("\n", "") == (
        f"error: corrupt or incomplete plan folder {folder}: funding.parquet is 0 bytes,"
        f" expected {size:,}"
    )


def test_a_plan_without_a_manifest_is_read_with_a_warning(
    fabnet: Fabnet, saved_plan: tuple[Result, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(saved_plan[1], folder)
    (folder / "manifest.json").unlink()
    result = fabnet("-q", "finance", "--plan", folder)
    assert result.exit_code == 0, result.stderr
    assert f"warning: {folder} has no manifest.json" in result.stderr.replace("\n", " ")
    meta = folder / "result.json"  # plan.json before the result protocol
    meta.write_bytes(meta.read_bytes()[:40])
    damaged = fabnet("finance", "--plan", folder)
    assert damaged.exit_code == 2
    assert str(folder) in damaged.stderr.replace("\n", "")
    assert "bug" not in damaged.stderr


def test_a_saved_plan_has_a_manifest_and_can_be_saved_over(
    fabnet: Fabnet, saved_plan: tuple[Result, Path], tmp_path: Path
) -> None:
    from fabnet.planning import load_plan

    folder = saved_plan[1]
    assert (folder / "manifest.json").is_file()
    copy = tmp_path / "copy"
    load_plan(folder).save(copy)
    load_plan(folder).save(copy)  # over an existing plan
    assert load_plan(copy).stats == load_plan(folder).stats

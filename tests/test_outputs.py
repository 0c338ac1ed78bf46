"""Outputs never lost nor half written: atomic files, locked result folders with a manifest,
output paths checked before the work, saved results verified when read (``fabnet.outputs``).

These are quick; the fault tests with real processes killed mid-save, concurrent writers and
full or read-only file systems at the command line are in ``tests/integration/test_outputs.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fabnet.exceptions import (
    CorruptResultError,
    FabnetError,
    OutputPathError,
    ParameterError,
    StorageError,
)
from fabnet.outputs import (
    MANIFEST,
    UnverifiedResultWarning,
    check_file,
    check_folder,
    locked,
    read_result,
    read_saved,
    result_folder,
    verify_result,
    write_atomic,
)


def _write(folder: Path, files: dict[str, str], *, kind: str = "tables") -> Path:
    with result_folder(folder, kind=kind, names=files) as out:
        for name, text in files.items():
            out.write_text(name, text)
    return folder


def _leftovers(parent: Path) -> list[str]:
    """Temporary files and folders beside the outputs (the lock files are expected)."""
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


# --- the atomic file writer -------------------------------------------------------------------


def test_write_atomic_replaces_whole_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "a.txt"
    assert write_atomic(path, "one") == path
    assert path.read_text(encoding="utf-8") == "one"
    path.chmod(0o640)
    write_atomic(str(path), b"two")
    assert path.read_bytes() == b"two"
    assert path.stat().st_mode & 0o777 == 0o640
    assert _leftovers(path.parent) == []


def test_a_new_file_gets_the_usual_permissions_not_private_ones(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "r.html", "x")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old", encoding="utf-8")

    def fail(fd: int) -> None:
        raise error(28, "No space left on device") if error is OSError else error()

    monkeypatch.setattr(os, "fsync", fail)
    expected = StorageError if error is OSError else KeyboardInterrupt
    with pytest.raises(expected):
        write_atomic(path, "new" * 1000)
    assert path.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


def test_file_targets_that_are_refused(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputPathError, match=r"--report .*folder: is an existing folder"):
        check_file(tmp_path / "folder", option="--report")
    with pytest.raises(OutputPathError, match="is a file, not a folder"):
        write_atomic(tmp_path / "file" / "below.html", "x")
    with pytest.raises(OutputPathError, match="not a regular file"):
        check_file("/dev/null")
    assert OutputPathError.exit_code == 2


# --- the result folder: manifest, swap, refusals ----------------------------------------------


def test_a_result_folder_has_a_manifest_of_sizes_and_hashes(tmp_path: Path) -> None:
    import hashlib

    folder = _write(tmp_path / "out", {"a.csv": "x,y\n1,2\n", "b.json": "{}\n"})
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["format"], manifest["version"], manifest["kind"]) == (
        "fabnet-result",
        1,
        "tables",
    )
    assert [f["name"] for f in manifest["files"]] == ["a.csv", "b.json"]
    entry = manifest["files"][0]
    assert entry["bytes"] == len(b"x,y\n1,2\n")
    assert entry["sha256"] == hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert verify_result(folder, kind="tables", names=["a.csv"]) is True


def test_a_new_result_replaces_the_old_one_whole(tmp_path: Path) -> None:
    folder = _write(tmp_path / "out", {"a.csv": "old", "b.csv": "old"})
    _write(folder, {"a.csv": "new"})
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", MANIFEST]
    assert (folder / "a.csv").read_text(encoding="utf-8") == "new"
    assert _leftovers(tmp_path) == []


def test_a_failed_save_leaves_the_old_result_and_no_temporary(tmp_path: Path) -> None:
    folder = _write(tmp_path / "out", {"a.csv": "old"})

    def interrupted() -> None:
        with result_folder(folder, kind="tables") as out:
            out.write_text("a.csv", "new")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert (folder / "a.csv").read_text(encoding="utf-8") == "old"
    verify_result(folder, kind="tables", names=["a.csv"])
    assert _leftovers(tmp_path) == []


def test_the_rename_aside_fallback_swaps_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fabnet.outputs

    def cannot_exchange(first: Path, second: Path) -> bool:
        return False

    monkeypatch.setattr(fabnet.outputs, "_exchange", cannot_exchange)
    folder = _write(tmp_path / "out", {"a.csv": "old"})
    _write(folder, {"a.csv": "new"})
    assert (folder / "a.csv").read_text(encoding="utf-8") == "new"
    assert _leftovers(tmp_path) == []


def test_a_folder_that_is_not_fabnets_is_never_replaced(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(OutputPathError, match=r"--out .*mine: is a folder that is not a fabnet"):
        check_folder(mine, names=["a.csv"], option="--out")
    with pytest.raises(OutputPathError, match=r"it holds thesis\.tex"):
        _write(mine, {"a.csv": "x"})
    assert (mine / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    # Nor a fabnet result someone added a file to.
    result = _write(tmp_path / "result", {"a.csv": "x"})
    (result / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputPathError, match=r"notes\.txt"):
        _write(result, {"a.csv": "y"})
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputPathError, match="is an existing file, not a folder"):
        check_folder(tmp_path / "file")


def test_an_empty_folder_or_an_older_fabnets_result_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _write(tmp_path / "empty", {"a.csv": "x"})
    old = tmp_path / "old"
    old.mkdir()
    (old / "a.csv").write_text("from fabnet 0.0", encoding="utf-8")  # no manifest
    _write(old, {"a.csv": "new"})
    assert (old / "a.csv").read_text(encoding="utf-8") == "new"


def test_the_current_folder_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    with pytest.raises(OutputPathError, match="current folder"):
        check_folder(".")


def test_stale_temporaries_of_a_killed_run_are_cleaned_by_the_next_writer(tmp_path: Path) -> None:
    folder = _write(tmp_path / "out", {"a.csv": "x"})
    stale = tmp_path / ".out.tmp-0123456789abcdef"
    stale.mkdir()
    (stale / "a.csv").write_text("half", encoding="utf-8")
    (tmp_path / ".out.old-0123456789abcdef").mkdir()
    other = tmp_path / ".other.tmp-0123456789abcdef"  # another output's: left alone
    other.mkdir()
    _write(folder, {"a.csv": "y"})
    assert _leftovers(tmp_path) == [other.name]


# --- verification on load ---------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return _write(tmp_path / "out", {"a.csv": "x" * 18_392, "b.csv": "y"})


def test_a_zeroed_file_is_refused_naming_it_and_its_size(saved: Path) -> None:
    (saved / "a.csv").write_bytes(b"")
    with pytest.raises(CorruptResultError) as caught:
        verify_result(saved, kind="tables", names=["a.csv"])
    assert str(caught.value) == (
        f"corrupt or incomplete tables folder {saved}: a.csv is 0 bytes, expected 18,392"
    )
    assert caught.value.exit_code == 2


def test_truncated_changed_and_missing_files_are_each_named(saved: Path) -> None:
    (saved / "a.csv").write_text("x" * 100, encoding="utf-8")
    (saved / "b.csv").write_text("z", encoding="utf-8")  # same size, other content
    with pytest.raises(CorruptResultError) as caught:
        verify_result(saved, kind="tables", names=["a.csv", "c.csv"])
    assert caught.value.problems == (
        f"c.csv is not in its {MANIFEST}",
        "a.csv is 100 bytes, expected 18,392",
        "b.csv has changed since it was saved (its SHA-256 differs)",
    )
    (saved / "b.csv").unlink()
    with pytest.raises(CorruptResultError, match=r"b\.csv is missing"):
        verify_result(saved, kind="tables", names=[])


def test_a_damaged_manifest_or_another_kind_is_refused(saved: Path) -> None:
    with pytest.raises(ParameterError, match="it holds a fabnet tables result"):
        verify_result(saved, kind="plan", names=[])
    (saved / MANIFEST).write_text('{"format": "fabnet-res', encoding="utf-8")
    with pytest.raises(CorruptResultError, match=r"manifest\.json is not valid JSON"):
        verify_result(saved, kind="tables", names=[])
    (saved / MANIFEST).write_text('{"format": "fabnet-result", "version": 99}', encoding="utf-8")
    with pytest.raises(CorruptResultError, match="version 99; this fabnet reads version 1"):
        verify_result(saved, kind="tables", names=[])


def test_an_older_fabnets_folder_is_read_with_a_warning(saved: Path) -> None:
    (saved / MANIFEST).unlink()
    with pytest.warns(UnverifiedResultWarning, match="no manifest.json"):
        assert verify_result(saved, kind="tables", names=["a.csv"]) is False
    with pytest.raises(ParameterError, match=r"missing c\.csv"):
        verify_result(saved, kind="tables", names=["a.csv", "c.csv"])
    with pytest.raises(ParameterError, match="a saved fabnet tables"):
        verify_result(saved / "nowhere", kind="tables", names=[])


def test_a_file_that_cannot_be_parsed_is_a_corrupt_result(saved: Path) -> None:
    with pytest.raises(CorruptResultError, match=r"a\.csv cannot be read \(ArrowInvalid"):
        read_saved(saved, "a.csv", pd.read_parquet, kind="plan")
    with pytest.raises(CorruptResultError, match=r"b\.csv cannot be read \(JSONDecodeError"):
        read_saved(saved, "b.csv", lambda p: json.loads(p.read_text(encoding="utf-8")), kind="x")
    assert read_saved(saved, "b.csv", lambda p: p.read_text(encoding="utf-8"), kind="x") == "y"


def test_a_folder_replaced_while_it_is_read_is_read_again(saved: Path) -> None:
    reads: list[str] = []

    def read(folder: Path) -> str:
        text = (folder / "b.csv").read_text(encoding="utf-8")
        reads.append(text)
        if len(reads) == 1:  # another run saves a new result meanwhile
            _write(folder, {"a.csv": "x", "b.csv": "new"})
        return text

    assert read_result(saved, read, kind="tables", names=["b.csv"]) == "new"
    assert reads == ["y", "new"]

    def always_replaced(folder: Path) -> None:
        _write(folder, {"b.csv": str(len(reads))})
        reads.append("again")

    with pytest.raises(CorruptResultError, match="it was replaced 3 times while it was read"):
        read_result(saved, always_replaced, kind="tables", names=["b.csv"])


# --- the plan: saved with a manifest, refused when damaged ------------------------------------


@pytest.fixture(scope="module")
def tiny_plan() -> object:
    """A plan without a solve: the tiny world's scenario and two-row tables."""
    from fabnet.examples import tiny_world
    from fabnet.planning import Plan
    from fabnet.planning.result import TABLES
    from fabnet.scenario import load_scenario

    scenario = load_scenario(tiny_world({2025: 1.0, 2029: 1.0, 2030: 1.0e8, 2032: 1.0e8}))
    frames = {t: pd.DataFrame({"year": [2025, 2026], "musd": [1.0, 2.0]}) for t in TABLES}
    return Plan(scenario=scenario, stats={"status": "optimal", "objective": 3.0}, **frames)


def test_a_saved_plan_is_verified_when_loaded(tiny_plan: object, tmp_path: Path) -> None:
    from fabnet.planning import Plan, load_plan
    from fabnet.planning.result import TABLES

    assert isinstance(tiny_plan, Plan)
    folder = tiny_plan.save(tmp_path / "plan")
    listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    tables = [f"{name}.parquet" for name in TABLES]
    assert sorted(f["name"] for f in listed) == sorted([*tables, "result.json", "scenario.yaml"])
    assert load_plan(folder).stats == tiny_plan.stats
    size = (folder / "funding.parquet").stat().st_size
    (folder / "funding.parquet").write_bytes(b"")
    with pytest.raises(CorruptResultError) as caught:
        load_plan(folder)
    assert str(caught.value) == (
        f"corrupt or incomplete plan folder {folder}: funding.parquet is 0 bytes, expected {size:,}"
    )


def save_as_an_older_fabnet(plan: Any, folder: Path) -> Path:
    """*plan* in the layout of a fabnet before results had one (a Parquet file per table,
    ``plan.json``, ``scenario.yaml``; no manifest)."""
    from fabnet.planning.result import TABLES

    folder.mkdir()
    for name in TABLES:
        getattr(plan, name).to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "plan.json").write_text(json.dumps(plan.stats), encoding="utf-8")
    (folder / "scenario.yaml").write_text(plan.scenario.to_yaml(), encoding="utf-8")
    return folder


def test_an_older_plan_folder_is_read(tiny_plan: object, tmp_path: Path) -> None:
    from fabnet.planning import Plan, load_plan

    assert isinstance(tiny_plan, Plan)
    folder = save_as_an_older_fabnet(tiny_plan, tmp_path / "plan")
    with pytest.warns(UnverifiedResultWarning):
        again = load_plan(folder)
    pd.testing.assert_frame_equal(again.builds, tiny_plan.builds)
    tiny_plan.save(folder)  # saved over by this fabnet: the older layout is replaced
    assert (folder / "result.json").is_file()
    assert not (folder / "plan.json").exists()


@pytest.mark.parametrize("name", ["builds.parquet", "plan.json"])
def test_a_truncated_file_of_an_older_plan_is_refused(
    tiny_plan: object, tmp_path: Path, name: str
) -> None:
    from fabnet.planning import Plan, load_plan

    assert isinstance(tiny_plan, Plan)
    folder = save_as_an_older_fabnet(tiny_plan, tmp_path / "plan")
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: len(data) // 2])
    with (
        pytest.warns(UnverifiedResultWarning),
        pytest.raises(CorruptResultError, match=f"{name} cannot be read"),
    ):
        load_plan(folder)


# --- the lock ---------------------------------------------------------------------------------

HOLD = """
import sys, time
from fabnet.outputs import locked
with locked(sys.argv[1]):
    print("held", flush=True)
    time.sleep(30)
"""


@pytest.fixture
def held_by_another(tmp_path: Path) -> Iterator[Path]:
    """An output path whose lock another process holds."""
    target = tmp_path / "out"
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "held\n"
        yield target
    finally:
        child.kill()
        child.wait()


def test_a_second_writer_is_refused_at_once(held_by_another: Path) -> None:
    with pytest.raises(OutputPathError, match=r"another fabnet run is writing it \(its lock"):
        _write(held_by_another, {"a.csv": "x"})
    with pytest.raises(OutputPathError, match="another fabnet run"), locked(held_by_another):
        pass
    assert not held_by_another.exists()


def test_the_lock_is_reentrant_in_one_process(tmp_path: Path) -> None:
    with locked(tmp_path / "out", option="--out"), locked(tmp_path / "out"):
        _write(tmp_path / "out", {"a.csv": "x"})
    assert (tmp_path / ".out.lock").exists()


# --- disk errors ------------------------------------------------------------------------------


def test_a_read_only_folder_is_a_storage_error_exit_6(read_only: Path) -> None:
    with pytest.raises(StorageError) as caught:
        _write(read_only / "out", {"a.csv": "x"})
    assert caught.value.exit_code == 6
    assert str(caught.value).startswith(f"cannot write {read_only / 'out'}: ")
    assert caught.value.strerror in {"Read-only file system", "Permission denied"}
    with pytest.raises(StorageError, match="cannot write"):
        write_atomic(read_only / "r.html", "x")
    assert isinstance(caught.value, OSError)
    assert isinstance(caught.value, FabnetError)


def test_disk_errors_have_their_own_exit_code() -> None:
    codes = {cls.exit_code for cls in (CorruptResultError, OutputPathError)}
    assert codes == {2}
    assert StorageError.exit_code == 6
    assert str(StorageError("x", "No space left on device", 28)) == (
        "cannot write x: No space left on device"
    )


def test_a_full_file_system_is_a_storage_error_and_leaves_nothing(full_disk: Path) -> None:
    with pytest.raises(StorageError, match="No space left on device"):
        _write(full_disk / "out", {"a.csv": "x" * 200_000})
    with pytest.raises(StorageError, match="No space left on device"):
        write_atomic(full_disk / "r.html", "x" * 200_000)
    assert sorted(p.name for p in full_disk.iterdir()) == [".out.lock", ".r.html.lock"]

"""A feature whose optional packages are missing is refused before any work, with the install
command (fabnet._extras, fabnet.exceptions.MissingExtraError)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from fabnet._extras import EXTRAS, require
from fabnet.exceptions import MissingExtraError

from .conftest import Fabnet


@pytest.fixture
def without(monkeypatch: pytest.MonkeyPatch) -> object:
    """Make ``find_spec`` say that the modules passed to the returned function are missing."""
    real = importlib.util.find_spec
    missing: set[str] = set()

    def find_spec(name: str, *args: object, **kwargs: object) -> object:
        return None if name in missing else real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    return missing.update


def test_require_names_the_extra(without: object) -> None:
    require("report", "--report")  # installed
    without({"plotly"})  # type: ignore[operator]
    with pytest.raises(MissingExtraError, match=r"pip install 'fabnet\[report\]'") as caught:
        require("report", "--report")
    assert caught.value.missing == ("plotly",)
    assert caught.value.exit_code == 2
    assert set(EXTRAS) == {"report", "netcdf"}


CASES = {
    "plotly": (("--report", "r.html"), "--report needs plotly"),
    "h5netcdf": (("--out", "o", "--format", "netcdf"), "--format netcdf needs h5netcdf"),
}


@pytest.mark.parametrize("module", list(CASES))
def test_the_command_line_says_so_before_the_work(
    fabnet: Fabnet, without: object, tmp_path: Path, module: str
) -> None:
    args, said = CASES[module]
    without({module})  # type: ignore[operator]
    where = [str(tmp_path / a) if a in ("r.html", "o") else a for a in args]
    result = fabnet("gap", "altman-2024", *where)
    assert result.exit_code == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing written, nothing computed

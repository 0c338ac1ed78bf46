"""Runtime options: defaults, environment, validation."""

from __future__ import annotations

import pytest

from fabnet.exceptions import ParameterError
from fabnet.options import Options


def test_defaults() -> None:
    options = Options()
    assert options.threads is None
    assert options.log_level == "WARNING"
    assert options.progress
    assert options.color
    assert not options.debug


def test_from_env() -> None:
    env = {
        "FABNET_THREADS": "4",
        "FABNET_LOG_LEVEL": "info",
        "FABNET_NO_PROGRESS": "1",
        "NO_COLOR": "1",
        "FABNET_DEBUG": "1",
    }
    assert Options.from_env(env) == Options(4, "INFO", progress=False, color=False, debug=True)


@pytest.mark.parametrize(
    ("env", "parameter"),
    [({"FABNET_THREADS": "many"}, "FABNET_THREADS"), ({"FABNET_LOG_LEVEL": "loud"}, "log_level")],
)
def test_bad_environment_names_the_variable(env: dict[str, str], parameter: str) -> None:
    with pytest.raises(ParameterError) as info:
        Options.from_env(env)
    assert info.value.parameter == parameter


def test_negative_threads() -> None:
    with pytest.raises(ParameterError, match="threads: must be >= 0"):
        Options(threads=-1)

"""The README's examples stay true."""

from __future__ import annotations

import re
from pathlib import Path

from fabnet.scenario import load_scenario

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_scenario_example_loads(tmp_path: Path) -> None:
    block = re.search(r"```yaml\n(.*?)```", README, re.DOTALL)
    assert block is not None
    path = tmp_path / "faster-demand.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.name == "faster-demand"
    assert "jp-kumamoto" not in {s.id for s in scenario.sites}
    assert scenario.policy.regional_caps == {"TW": 0.4}


def test_quick_start_has_exactly_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block is not None
    commands = [
        line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")
    ]
    assert len(commands) == 2
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci  # CI runs the README's test command verbatim

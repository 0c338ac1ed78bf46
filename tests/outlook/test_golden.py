"""Golden result: the gap of the built-in scenario, stored in tests/golden/.

After an intended change of the model or the catalog, rewrite it with

    .venv/bin/pytest tests/outlook/test_golden.py --update-golden

and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import fabnet

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.mark.parametrize("name", ["altman-2024"])
def test_gap_matches_the_golden_result(name: str, update_golden: bool) -> None:
    result = fabnet.gap(name)
    frames = {
        "compute": result.compute.reset_index(),
        "gap": result.table,
    }
    for part, frame in frames.items():
        path = GOLDEN / f"{name}-{part}.csv"
        if update_golden:
            frame.to_csv(path, index=False, float_format="%.6g")
            continue
        stored = pd.read_csv(path)
        assert list(frame.columns) == list(stored.columns)
        for column in frame.columns:
            if frame[column].dtype.kind in "fi":
                assert frame[column].to_numpy() == pytest.approx(
                    stored[column].to_numpy(), rel=1e-5, abs=1e-6, nan_ok=True
                ), column
            else:
                assert frame[column].astype(str).tolist() == stored[column].astype(str).tolist()

"""The public record (``record.csv``): sourced, consistent, and what the backcast needs."""

from __future__ import annotations

import pytest

from fabnet.catalog import load_catalog

#: Epoch AI's data, read at this commit of epoch-research/ai-chip-counts (CC BY).
EPOCH_COMMIT = "10c28e48b450bb0acf3c4c53c8d4b2ab38dc47cc"
YEARS = (2023, 2024, 2025)
VENDORS = ("nvidia", "google-tpu", "amd-instinct", "aws-trainium", "huawei-ascend", "cambricon")
STATS = ("units", "units_p5", "units_p95", "h100e", "h100e_p5", "h100e_p95")


def series(metric: str) -> list[str]:
    cat = load_catalog()
    return [s for s in cat.ids("record") if cat.get("record", s)["metric"] == metric]


def test_every_row_is_sourced_dated_and_kinded() -> None:
    figures = load_catalog().figures("record")
    assert len(figures) > 150
    for figure in figures:
        assert figure.source, figure
        assert figure.date, figure
        assert figure.kind, figure
        if "Epoch AI" in figure.source:
            assert EPOCH_COMMIT in figure.source
            assert "CC BY" in figure.source
            assert figure.kind == "analyst"
        if figure.kind == "estimate":
            assert figure.source.startswith("estimate:")


def test_shipments_per_vendor_and_all_vendors_cover_the_record_years() -> None:
    cat = load_catalog()
    assert set(series("shipments")) == {"all", "all-ex-china", *VENDORS}
    for name in ("all", "all-ex-china", "nvidia", "google-tpu"):
        for stat in STATS:
            assert sorted(cat.trajectory("record", name, stat)) == list(YEARS), (name, stat)
    for name in ("amd-instinct", "aws-trainium", "huawei-ascend", "cambricon"):
        # Epoch's series for these start in Q1 2024.
        assert sorted(cat.trajectory("record", name, "h100e")) == [2024, 2025]


@pytest.mark.parametrize("name", ["all", "all-ex-china", *VENDORS])
def test_bands_hold_their_median(name: str) -> None:
    cat = load_catalog()
    for what in ("units", "h100e"):
        median = cat.trajectory("record", name, what)
        low = cat.trajectory("record", name, f"{what}_p5")
        high = cat.trajectory("record", name, f"{what}_p95")
        for year, value in median.items():
            assert low[year] <= value <= high[year], (name, what, year)


def test_sums_are_derived_from_the_vendors_and_say_so() -> None:
    cat = load_catalog()
    domestic = {s for s in VENDORS if cat.get("record", s).get("china_domestic", 0.0) == 1.0}
    assert domestic == {"huawei-ascend", "cambricon"}
    members = {"all": VENDORS, "all-ex-china": tuple(s for s in VENDORS if s not in domestic)}
    for total, parts in members.items():
        for stat in STATS:
            path = cat.trajectory("record", total, stat)
            for year, value in path.items():
                expected = sum(cat.trajectory("record", s, stat).get(year, 0.0) for s in parts)
                assert value == pytest.approx(expected), (total, stat, year)
    for figure in cat.figures("record"):
        if figure.year is not None and figure.parameter in STATS:
            assert figure.note.startswith("derived: "), figure
            assert f"= {round(float(figure.value)):,}" in figure.note, figure  # the arithmetic


def test_vendor_series_are_part_of_all_and_name_a_vendor() -> None:
    cat = load_catalog()
    for name in VENDORS:
        entry = cat.get("record", name)
        assert entry["part_of"] == "all"
        assert isinstance(entry["vendor"], str)
        assert entry["vendor"]


def test_capacity_and_shortage_of_cowos_and_hbm() -> None:
    cat = load_catalog()
    for name in series("capacity") + series("shortage"):
        assert cat.get("record", name)["resource"] in {"COWOS", "HBM"}
    assert sorted(cat.trajectory("record", "cowos-tsmc", "capacity_wspm")) == list(YEARS)
    assert cat.trajectory("record", "hbm-tsv", "capacity_wspm")[2024] == 250_000
    for name in ("cowos-short", "hbm-short"):
        assert cat.trajectory("record", name, "short") == dict.fromkeys(YEARS, 1.0)
    for figure in cat.figures("record"):
        if figure.unit == "flag":
            assert figure.value in (0, 1), figure
        if figure.parameter == "short":
            assert figure.note, "a shortage flag carries its evidence in the note"


def test_parts_do_not_count_twice() -> None:
    cat = load_catalog()
    parts = [s for s in series("capacity") if "part_of" in cat.get("record", s)]
    assert set(parts) == {"hbm-tsv-samsung", "hbm-tsv-skhynix", "hbm-tsv-micron"}
    assert all(cat.get("record", s)["part_of"] == "hbm-tsv" for s in parts)

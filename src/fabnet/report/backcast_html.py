"""The backcast report's sections: the verdicts, new compute against the record, the vendors,
CoWoS and HBM against the years they were sold out, and the record with its sources; and the
short backcast section of the gap report.

Every string that comes from data is HTML-escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fabnet.outlook.history import ratio_text
from fabnet.report._format import compact, is_missing, label, linkify, number
from fabnet.report._markup import code, lines, strong
from fabnet.report._page import Block, Cards, Section, Text, figure, table

if TYPE_CHECKING:
    from fabnet.outlook import Backcast

__all__ = ["BACKCAST_SECTIONS", "SUMMARY", "backcast_sections", "backcast_summary"]

#: The backcast report's own sections, in order (before the outlook's).
BACKCAST_SECTIONS: tuple[Section, ...] = (
    Section("backcast-verdicts", "Backcast: does the outlook reproduce the record?"),
    Section("backcast-compute", "Backcast: new compute against the record"),
    Section("backcast-vendors", "Backcast: accelerators per vendor"),
    Section("backcast-resources", "Backcast: CoWoS and HBM against the years they were sold out"),
    Section("backcast-record", "The public record and its sources"),
)

#: The gap report's backcast section.
SUMMARY = Section("backcast", "Backcast: the outlook of the record's years against the record")

#: How the two sides count compute.
_H100E_NOTE = (
    "H100e: the record (Epoch AI) counts 8-bit OP/s ÷ 1,979 TOPS, fabnet dense BF16 ÷ 989.4"
    " TFLOPS (H100 SXM); the two give the same ratio for most chips."
)


def backcast_sections(result: Backcast) -> list[Section]:
    """The backcast's sections (:data:`BACKCAST_SECTIONS`) with their blocks.

    Examples
    --------
    >>> from fabnet.outlook import backcast
    >>> [section.id for section in backcast_sections(backcast("altman-2024"))][:2]
    ['backcast-verdicts', 'backcast-compute']
    """
    from fabnet.report.backcast_figures import backcast_compute_figure, backcast_coverage_figure

    years = f"{result.years[0]}–{result.years[-1]}"
    body: dict[str, list[Block]] = {
        "backcast-verdicts": [
            Text(
                f"fabnet's outlook of {years} for scenario {strong(label(result.scenario.name))}"
                " (its horizon moved to the record's years) set beside the public"
                " record: accelerators shipped (Epoch AI), CoWoS and HBM capacity and the years"
                " each was sold out.",
                note=False,
            ),
            *_verdicts(result),
        ],
        "backcast-compute": [
            figure(backcast_compute_figure(result), "fig-backcast-compute"),
            _compute_table(result),
        ],
        "backcast-vendors": [_vendor_table(result)],
        "backcast-resources": [
            figure(backcast_coverage_figure(result), "fig-backcast-coverage"),
            _resource_table(result),
        ],
        "backcast-record": [_record_table(result)],
    }
    return [section.holding(body[section.id]) for section in BACKCAST_SECTIONS]


def backcast_summary(result: Backcast) -> Section:
    """The gap report's short backcast section: the verdicts, the compute and the CoWoS and HBM
    tables (no figures; ``fabnet backcast`` has the rest).

    Examples
    --------
    >>> from fabnet.outlook import backcast
    >>> backcast_summary(backcast("altman-2024")).id
    'backcast'
    """
    lead = Text(
        f"The scenario's outlook for {result.years[0]}–{result.years[-1]} (its horizon moved to"
        f" the record's years) against the public record. {code('fabnet backcast')} shows the"
        " vendors, the figures and every source.",
        note=False,
    )
    blocks = [lead, *_verdicts(result), _compute_table(result), _resource_table(result)]
    return SUMMARY.holding(blocks)


def _verdicts(result: Backcast) -> list[Block]:
    """A card per check, then each verdict's line."""
    names = {"compute": f"Compute within ±{result.tolerance * 100:g} %"}
    cards = tuple(
        (
            names.get(v.check, f"{label(v.check)} short when sold out"),
            "✓ reproduced" if v.passed else "✗ not reproduced",
        )
        for v in result.verdicts
    )
    each = lines(f"{'✓' if v.passed else '✗'} {label(v.text)}" for v in result.verdicts)
    return [Cards(cards), Text(each, note=False)]


def _flag(value: object) -> str:
    """A flag as yes / no; an em dash when missing."""
    return "—" if is_missing(value) else ("yes" if bool(value) else "no")


def _compute_table(result: Backcast) -> Block:
    """The year table: the record's median and band, fabnet's new and deliverable compute."""
    tolerance = f"±{result.tolerance * 100:g} %"
    headers = [
        ("Year", False),
        ("Record [H100e]", True),
        ("Record p5–p95 [H100e]", True),
        ("Vendors in the record", False),
        ("fabnet new [H100e]", True),
        ("fabnet deliverable [H100e]", True),
        ("fabnet ÷ record", True),
        (f"Within {tolerance}", True),
    ]
    rows = [
        (
            [
                label(year),
                compact(row["record_h100e"]),
                f"{compact(row['record_p5_h100e'])}–{compact(row['record_p95_h100e'])}",
                label(row["record_vendors"]),
                compact(row["new_h100e"]),
                compact(row["deliverable_h100e"]),
                ratio_text(row["ratio"]),
                "yes" if row["within"] else strong("no"),
            ],
            "",
        )
        for year, row in result.compute.iterrows()
    ]
    caption = (
        "The record: accelerators shipped by all vendors in Epoch AI's data without China's"
        " domestic suppliers (Huawei Ascend, made at SMIC; Cambricon), which fabnet's supply"
        f" cannot make; yearly sums of Epoch's quarterly medians and bands. {_H100E_NOTE}"
    )
    return table(headers, [rows], caption, title="New compute against the record")


def _vendor_table(result: Backcast) -> Block:
    """Per year and vendor: units and H100e, the record's and fabnet's."""
    headers = [
        ("Year", False),
        ("Vendor", False),
        ("Record [units]", True),
        ("fabnet [units]", True),
        ("Record [H100e]", True),
        ("fabnet [H100e]", True),
        ("fabnet ÷ record [H100e]", True),
    ]
    groups = []
    for _, part in result.vendors.groupby("year", sort=True):
        rows = []
        for row in part.itertuples(index=False):
            vendor = label(row.vendor) + ("*" if row.china_domestic else "")
            rows.append(
                (
                    [
                        label(row.year),
                        vendor,
                        compact(row.record_units),
                        compact(row.fabnet_units),
                        compact(row.record_h100e),
                        compact(row.fabnet_h100e),
                        ratio_text(row.h100e_ratio),
                    ],
                    "",
                )
            )
        groups.append(rows)
    caption = (
        "fabnet's units are those its outlook makes of each product, times the year's"
        " deliverable ÷ new compute, grouped by the product's vendor (matched to the record's by"
        " its first word). * China's domestic supplier: outside fabnet's supply, left out of the"
        " comparison. — : not in the record (Epoch's series for AMD, Trainium, Huawei and"
        " Cambricon start in 2024)."
    )
    return table(headers, groups, caption, title="Accelerators per vendor")


def _resource_table(result: Backcast) -> Block:
    """Per year and resource: coverage and capacity, the record's capacity and flag."""
    headers = [
        ("Year", False),
        ("Resource", False),
        ("Demand [wspm]", True),
        ("AI supply [wspm]", True),
        ("Coverage", True),
        ("fabnet capacity [wspm]", True),
        ("Record capacity [wspm]", True),
        ("Sold out (record)", True),
        ("Short (fabnet)", True),
        ("Agree", True),
    ]
    rows = [
        (
            [
                label(row.year),
                label(row.resource),
                number(row.demand_wspm),
                number(row.ai_supply_wspm),
                number(row.coverage, 2),
                number(row.capacity_wspm),
                number(row.record_capacity_wspm),
                _flag(row.record_short),
                _flag(row.fabnet_short),
                strong("no") if _flag(row.agree) == "no" else _flag(row.agree),
            ],
            "",
        )
        for row in result.resources.itertuples(index=False)
    ]
    caption = (
        "Coverage = AI supply ÷ demand; fabnet is short where it is ≤ 1, and agrees with the"
        " record when it is short in the years the record says sold out. Capacity is at year end:"
        " fabnet's is its catalog fabs', weighted by status, before the AI share; the record's"
        " is TSMC's CoWoS plus the OSATs' where given, and the HBM suppliers' TSV capacity."
    )
    return table(headers, [rows], caption, title="CoWoS and HBM against the record")


def _record_table(result: Backcast) -> Block:
    """Every figure of the record with its source (linked), date, kind and note."""
    headers = [
        ("Series", False),
        ("Parameter", False),
        ("Year", False),
        ("Value", True),
        ("Unit", False),
        ("Source", False),
        ("Date", False),
        ("Kind", False),
        ("Note", False),
    ]
    rows = [
        (
            [
                label(row.series),
                label(row.parameter),
                "" if is_missing(row.year) else label(row.year),
                number(row.value) if row.unit not in ("text", "id") else label(row.value),
                label(row.unit),
                linkify(row.source),
                label(row.date),
                label(row.kind),
                "" if is_missing(row.note) else label(row.note),
            ],
            "",
        )
        for row in result.record.itertuples(index=False)
    ]
    caption = (
        f"{len(rows)} figures (catalog table {code('record')}). Epoch AI's data:"
        " epoch-research/ai-chip-counts at commit 10c28e48b450bb0acf3c4c53c8d4b2ab38dc47cc,"
        " CC BY (credit: Epoch AI). Sources are links, opened only when clicked."
    )
    return table(headers, [rows], caption, title="The public record", scroll=True)

"""The fab reports: a tool plan's and static capacity's pages, their figures, their numbers,
escaping, and that they load nothing from the network.

The results are the real classes (:class:`fabnet.fab.toolplan.ToolPlan`,
:class:`fabnet.fab.capacity.Capacity`) holding tables made by hand around a small fab file
(:data:`FAB`): fabs ``fab-a`` (floor 500 m², 2 EUV and 10 ETCH at the start) and ``fab-b``
(800 m², empty), tool types EUV (LITHO, 90 m², USD 180 M) and ETCH (ETCH, 12 m², USD 8 M), one
route N3 of two steps (LITHO, then ETCH), periods 2026Q1–2026Q2. The tool plan (:func:`make_plan`)
and the capacity (:func:`make_capacity`) are laid out above them; the end-to-end tests plan the
built-in example.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fabnet.exceptions import ParameterError
from fabnet.fab import FabSpec, load_fab
from fabnet.fab.capacity import Capacity
from fabnet.fab.toolplan import ToolPlan
from fabnet.report import fab_figures, render_report, write_report
from fabnet.report._assets import script_safe
from fabnet.report._report import money_of
from fabnet.report.fab_html import CAPACITY_SECTIONS, SOURCES, TOOLPLAN_SECTIONS

DAY = dt.date(2026, 1, 2)
EVIL = "<script>alert('x')</script>"

#: The fab file of the hand-made results.
FAB: dict[str, Any] = {
    "name": "two-fab",
    "description": "Two fabs and one route",
    "periods": {"first": "2026Q1", "last": "2026Q2"},
    "tool_types": [
        {"id": "EUV", "workstation": "LITHO", "capex_musd": 180, "move_out_musd": 4,
         "footprint_m2": 90, "availability": 0.9,
         "source": "ASML, https://example.org/euv?a=1&b=2."},
        {"id": "ETCH", "workstation": "ETCH", "capex_musd": 8, "move_out_musd": 0.3,
         "footprint_m2": 12, "mttf_h": 300, "mttr_h": 8, "source": f"estimate: {EVIL}"},
    ],
    "routes": [
        {"id": "N3", "source": "estimate", "steps": [
            {"workstation": "LITHO", "rpt_min": {"EUV": 0.5}},
            {"workstation": "ETCH", "rpt_min": {"ETCH": 1.5}},
        ]},
    ],
    "fabs": [
        {"id": "fab-a", "floor_m2": 500, "tools": {"EUV": 2, "ETCH": 10}},
        {"id": "fab-b", "floor_m2": 800},
    ],
    "demand": {"table": [
        {"product": "N3", "period": "2026Q1", "wafers_per_week": 1000},
        {"product": "N3", "period": "2026Q2", "wafers_per_week": 2000},
    ]},
    "rules": {"transfer_usd_per_wafer": 40},
}  # fmt: skip

#: Ways a page pulls something from elsewhere (<a href> loads only on a click).
EXTERNAL = {
    "script src": re.compile(r"<script\b[^>]*\bsrc\s*=", re.IGNORECASE),
    "link element": re.compile(r"<link\b", re.IGNORECASE),
    "CSS @import": re.compile(r"@import\b", re.IGNORECASE),
    "CSS url()": re.compile(r"url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE),
    "@font-face": re.compile(r"@font-face\b", re.IGNORECASE),
    "iframe/img/embed": re.compile(r"<(?:iframe|img|embed|object|video|audio)\b", re.IGNORECASE),
}


class _Tags(HTMLParser):
    """Every start tag of a page and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def spec() -> FabSpec:
    return load_fab(FAB)


# ---------------------------------------------------------------------------------------------
# The tool plan, one scenario "base" (its tools table is sparse, as the real one: a fab and type
# with no tool in a period has no row):
#
# * tools: fab-a EUV 2 → 3 (buys 1 in Q2, USD 180 M); fab-a ETCH 10 → 9 (moves 1 out in Q2);
#   fab-b EUV 0 → 1 and ETCH 0 → 4 (Q2 buys, 180 + 32 M; no Q1 rows). Bought 6 for 392 M.
# * floor used: fab-a 2·90 + 10·12 = 300 (60 % of 500), then 3·90 + 9·12 = 378 (75.6 %);
#   fab-b 0, then 90 + 4·12 = 138 (17.25 % of 800).
# * split: Q1 both steps in fab-a (1,000 wpw each); Q2 step 1 fab-a 1,500 + fab-b 500, step 2
#   fab-a 1,000 + fab-b 1,000: fab-a does 2,500 / 4,000 = 62.5 % of Q2's step-wafers. Over both
#   periods step 1 is 2,500 / 3,000 in fab-a, step 2 2,000 / 3,000.
# * transfers: Q2, 500 wpw after step 1: 500 · 13 weeks · 40 USD = 0.26 musd.
# * costs (Q2, discount factor 0.98): capex 392 (NPV 384.16), move-out 0.3 (0.294), transfer
#   0.26 (0.2548); total 392.56, NPV 384.7088.
# * binding: Q1 fab-a ETCH 92 %; Q2 fab-a LITHO 98 %, fab-b ETCH 70 %.
# ---------------------------------------------------------------------------------------------

#: fab, tool_type, workstation, period, installed, bought, moved_out, tools_used, capex_musd
TOOLS = [
    ("fab-a", "EUV", "LITHO", "2026Q1", 2, 0, 0, 1.8, 0.0),
    ("fab-a", "EUV", "LITHO", "2026Q2", 3, 1, 0, 2.9, 180.0),
    ("fab-a", "ETCH", "ETCH", "2026Q1", 10, 0, 0, 9.2, 0.0),
    ("fab-a", "ETCH", "ETCH", "2026Q2", 9, 0, 1, 8.0, 0.0),
    ("fab-b", "EUV", "LITHO", "2026Q2", 1, 1, 0, 0.5, 180.0),
    ("fab-b", "ETCH", "ETCH", "2026Q2", 4, 4, 0, 2.8, 32.0),
]
#: product, step, workstation, fab, tool_type, period, wafers_per_week
SPLIT = [
    ("N3", 1, "LITHO", "fab-a", "EUV", "2026Q1", 1000.0),
    ("N3", 2, "ETCH", "fab-a", "ETCH", "2026Q1", 1000.0),
    ("N3", 1, "LITHO", "fab-a", "EUV", "2026Q2", 1500.0),
    ("N3", 1, "LITHO", "fab-b", "EUV", "2026Q2", 500.0),
    ("N3", 2, "ETCH", "fab-a", "ETCH", "2026Q2", 1000.0),
    ("N3", 2, "ETCH", "fab-b", "ETCH", "2026Q2", 1000.0),
]


def make_plan(spec: FabSpec, scenario: str = "base") -> ToolPlan:
    """The hand-made tool plan (above) of one scenario."""
    tools = pd.DataFrame(
        TOOLS,
        columns=["fab", "tool_type", "workstation", "period", "installed", "bought", "moved_out",
                 "tools_used", "capex_musd"],
    )  # fmt: skip
    floor = pd.DataFrame(
        [("fab-a", "2026Q1", 300.0, 500.0), ("fab-a", "2026Q2", 378.0, 500.0),
         ("fab-b", "2026Q1", 0.0, 800.0), ("fab-b", "2026Q2", 138.0, 800.0)],
        columns=["fab", "period", "used_m2", "floor_m2"],
    )  # fmt: skip
    split = pd.DataFrame(
        SPLIT,
        columns=["product", "step", "workstation", "fab", "tool_type", "period",
                 "wafers_per_week"],
    )  # fmt: skip
    transfers = pd.DataFrame(
        [("N3", 1, "2026Q2", 500.0, 0.26)],
        columns=["product", "step", "period", "wafers_per_week", "cost_musd"],
    )
    costs = pd.DataFrame(
        [("capex", "2026Q2", 392.0, 384.16), ("move_out", "2026Q2", 0.3, 0.294),
         ("transfer", "2026Q2", 0.26, 0.2548)],
        columns=["term", "period", "musd", "npv_musd"],
    )  # fmt: skip
    binding = pd.DataFrame(
        [("2026Q1", "fab-a", "ETCH", 0.92), ("2026Q2", "fab-a", "LITHO", 0.98),
         ("2026Q2", "fab-b", "ETCH", 0.70)],
        columns=["period", "fab", "workstation", "utilisation"],
    )  # fmt: skip
    demand = pd.DataFrame(
        [("N3", "2026Q1", 1000.0), ("N3", "2026Q2", 2000.0)],
        columns=["product", "period", "wafers_per_week"],
    )
    tables = {
        name: frame.assign(scenario=scenario)[["scenario", *frame.columns]]
        for name, frame in (("tools", tools), ("floor", floor), ("split", split),
                            ("transfers", transfers), ("costs", costs), ("binding", binding),
                            ("demand", demand))
    }  # fmt: skip
    first_stage = pd.DataFrame(columns=["fab", "tool_type", "period", "bought", "moved_out"])
    stats = {
        "status": "optimal",
        "objective": 384.7088,
        "bound": 384.0,
        "gap": 0.0018,
        "build_seconds": 0.1,
        "solve_seconds": 0.4,
        "scenarios": 1,
        "expected_cost_musd": None,
        "eev_musd": None,
        "vss_musd": None,
    }
    return ToolPlan(spec=spec, first_stage=first_stage, stats=stats, **tables)


def two_stage(spec: FabSpec) -> ToolPlan:
    """The plan under two demand scenarios, ``lo`` (probability 0.25) and ``hi`` (0.75): ``lo``
    as the one-scenario plan, ``hi`` with every buy doubled (12 tools, 784 musd); expected
    tools bought 0.25 · 6 + 0.75 · 12 = 10.5. The first stage buys fab-a's EUV in 2026Q2."""
    scenarios = {"scenarios": [{"id": "lo", "probability": 0.25},
                               {"id": "hi", "probability": 0.75}]}  # fmt: skip
    rows = [
        {"product": "N3", "period": period, "wafers_per_week": wpw, "scenario": world}
        for world in ("lo", "hi")
        for period, wpw in (("2026Q1", 1000), ("2026Q2", 2000))
    ]
    spec2 = load_fab({**FAB, "demand": {"table": rows, **scenarios}})
    lo, hi = make_plan(spec2, "lo"), make_plan(spec2, "hi")
    hi_tools = hi.tools.assign(bought=hi.tools["bought"] * 2, capex_musd=hi.tools["capex_musd"] * 2)
    tables = {
        name: pd.concat([getattr(lo, name), getattr(hi, name)], ignore_index=True)
        for name in ("floor", "split", "transfers", "costs", "binding", "demand")
    }
    first_stage = pd.DataFrame(
        [("fab-a", "EUV", "2026Q2", 1, 0)],
        columns=["fab", "tool_type", "period", "bought", "moved_out"],
    )
    stats = {**lo.stats, "scenarios": 2, "expected_cost_musd": 500.0, "eev_musd": 530.0,
             "vss_musd": 30.0}  # fmt: skip
    return ToolPlan(
        spec=spec2,
        tools=pd.concat([lo.tools, hi_tools], ignore_index=True),
        first_stage=first_stage,
        stats=stats,
        **tables,
    )


@pytest.fixture(scope="module")
def plan(spec: FabSpec) -> ToolPlan:
    return make_plan(spec)


@pytest.fixture(scope="module")
def html(plan: ToolPlan) -> str:
    return render_report(plan, generated=DAY)


def _section(html: str, section_id: str) -> str:
    start = html.index(f"<section id='{section_id}'>")
    return html[start : html.index("</section>", start)]


def _ids(html: str) -> list[str]:
    return [part.split("'", 1)[0] for part in html.split("<section id='")[1:]]


# -- the tool plan's page ---------------------------------------------------------------------


def test_toolplan_sections_and_figures(html: str) -> None:
    expected = [s.id for s in TOOLPLAN_SECTIONS if s.id != "toolplan-two-stage"] + [SOURCES.id]
    assert _ids(html) == expected  # one scenario: no two-stage section
    for section in (*TOOLPLAN_SECTIONS[:1], *TOOLPLAN_SECTIONS[2:], SOURCES):
        assert f"<li><a href='#{section.id}'>{section.title}</a></li>" in html
    divs = ["tools", "floor", "split", "split-steps", "cost", "binding"]
    for div in divs:
        assert html.count(f'id="fig-toolplan-{div}"') == 1, div
    assert html.count("Plotly.newPlot(") == len(divs)


def test_toolplan_title_and_units(html: str) -> None:
    assert "<title>Tool plan: two-fab · fabnet</title>" in html
    assert "<h1>Tool plan: two-fab</h1>" in html
    assert "<p>Two fabs and one route</p>" in html
    assert "periods 2026Q1–2026Q2 (quarters of 13 weeks)" in html
    assert "money in $ M (million US dollars)" in html  # 392 musd < $10 B


def test_toolplan_key_figures(html: str) -> None:
    key = _section(html, "toolplan-key-figures")
    assert "<dt>Tools bought</dt><dd>6 ($392 M)</dd>" in key
    assert "<dt>Tools moved out</dt><dd>1</dd>" in key
    assert "<dt>Cost, discounted (NPV)</dt><dd>$385 M</dd>" in key  # 384.7088
    # 500 wpw · 13 weeks = 6,500 wafers, 0.26 musd: shown to two significant digits.
    assert "<dt>Wafers moved between fabs</dt><dd>6,500 ($0.26 M)</dd>" in key
    assert "<dt>Fullest floor</dt><dd>76% (fab-a 2026Q2)</dd>" in key  # 378 / 500
    assert "<dt>Most loaded workstation</dt><dd>LITHO 98% (fab-a 2026Q2)</dd>" in key
    assert "<dt>Solver status</dt><dd>optimal</dd>" in key
    assert "<dt>MIP gap</dt><dd>0.18%</dd>" in key
    assert "<dt>Best bound</dt><dd>$384 M</dd>" in key
    assert "2 fabs, 2 tool types, 1 routes (N3), 2 periods 2026Q1–2026Q2" in key
    assert "Seconds: build 0.1 s, solve 0.4 s." in key


def test_toolplan_tools_table(html: str) -> None:
    part = _section(html, "toolplan-tools")
    rows = part[part.index("<tbody") :].split("<tr>")[1:]
    assert len(rows) == 4
    assert part.count("<tbody") == 2
    # fab-a EUV: 2 at the start, 2 in Q1, 3 after Q2's buy of 1 (180 musd).
    assert "<td class='num start'>2</td><td class='num 2026q1'>2</td>" in rows[0]
    assert "<td class='num 2026q2'>3 +1</td>" in rows[0]
    assert "<td class='num capex'>180</td>" in rows[0]
    # fab-a ETCH: 10, then 9 after a move-out; no capex (blank).
    assert "<td class='num 2026q2'>9 −1</td>" in rows[1]
    assert "<td class='num moved'>1</td><td class='num capex'></td>" in rows[1]
    # fab-b EUV has no Q1 row: it starts from none.
    assert "<td class='num start'>0</td><td class='num 2026q1'>0</td>" in rows[2]
    assert "<td class='num 2026q2'>1 +1</td>" in rows[2]


def test_toolplan_floor_split_cost_binding_tables(html: str) -> None:
    floor = _section(html, "toolplan-floor")
    assert "<td class='num 2026q1'>60%</td><td class='num 2026q2'>76%</td>" in floor
    assert "<td class='num 2026q1'>0%</td><td class='num 2026q2'>17%</td>" in floor
    assert "<td class='num peak'>378</td>" in floor
    split = _section(html, "toolplan-split")
    assert "at 40 USD per wafer" in split
    assert "<td class='num 2026q1'></td><td class='num 2026q2'>500</td>" in split
    assert "<td class='num cost'>0.26</td>" in split
    cost = _section(html, "toolplan-cost")
    # Two decimals show the smallest term (0.26) to two digits.
    assert (
        "<td class='kind'>Tools bought (capex)</td><td class='num undiscounted'>392.00</td>" in cost
    )
    assert "<td class='num npv'>384.16</td>" in cost
    assert "<td class='num undiscounted'>0.30</td><td class='num npv'>0.29</td>" in cost
    assert "<td class='num undiscounted'>392.56</td><td class='num npv'>384.71</td>" in cost
    binding = _section(html, "toolplan-binding")
    # Per period the most loaded of all fabs: Q1 fab-a ETCH, Q2 fab-a LITHO (not fab-b ETCH).
    assert (
        "<td class='period'>2026Q1</td><td class='fab'>fab-a</td><td class='workstation'>ETCH"
        in binding
    )
    assert "<td class='workstation'>LITHO</td><td class='num utilisation'>98%</td>" in binding
    assert binding.count("<td class='period'>") == 2


def test_toolplan_sources(html: str) -> None:
    part = _section(html, SOURCES.id)
    assert "5 entries, 2 of them marked as estimates" in part  # ETCH and the route
    assert '<a href="https://example.org/euv?a=1&amp;b=2" rel="noopener noreferrer">' in part
    assert "estimate: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in part
    assert "<td class='num uptime'>97.4%</td>" in part  # ETCH: 300 / (300 + 8)
    assert "<td class='num uptime'>90%</td>" in part  # EUV: its availability
    assert "<td class='num capex'>180.00</td><td class='num move-out'>4.00</td>" in part
    assert "<td class='num move-out'>0.30</td>" in part
    assert "<td class='routes'>N3</td>" in part  # fab-b may run every route


def test_toolplan_figures(plan: ToolPlan) -> None:
    figure = fab_figures.tools_figure(plan.tools)
    names = [t.name for t in figure.data]
    # Two panels (EUV, ETCH), each fab three parts.
    assert names == [f"{fab} · {part}" for _ in range(2) for fab in ("fab-a", "fab-b")
                     for part in ("carried over", "bought", "moved out")]  # fmt: skip
    euv_b_kept, euv_b_bought = figure.data[3], figure.data[4]
    assert list(euv_b_kept.y) == [0.0, 0.0]
    assert list(euv_b_bought.y) == [0.0, 1.0]
    etch_a_kept, etch_a_out = figure.data[6], figure.data[8]
    assert list(etch_a_kept.y) == [10.0, 9.0]
    assert list(etch_a_out.y) == [0.0, -1.0]
    assert sum(bool(t.showlegend) for t in figure.data) == 6  # once per fab and part
    assert figure.data[1].marker.pattern.shape == "/"  # bought: hatched, not colour alone

    split = fab_figures.split_figure(plan.split)
    assert [(t.name, [float(v) for v in t.y]) for t in split.data] == [
        ("fab-a", [1.0, 0.625]),
        ("fab-b", [0.0, 0.375]),
    ]
    steps = fab_figures.split_steps_figure(plan.split)
    assert list(steps.data[0].x) == ["1 · LITHO", "2 · ETCH"]
    assert [round(float(v), 4) for v in steps.data[0].y] == [0.8333, 0.6667]

    floor = fab_figures.floor_figure(plan.floor)
    assert [t.name for t in floor.data] == ["Floor used", "Floor"] * 2
    assert list(floor.data[1].y) == [500.0, 500.0]

    from fabnet.report._money import MILLIONS

    # The costs have no 2026Q1 row: the fab file's periods give the axis.
    cost = fab_figures.cost_figure(plan.costs, MILLIONS, periods=plan.spec.periods.labels)
    assert [t.name for t in cost.data] == [
        "Tools bought (capex)",
        "Tools moved out",
        "Wafers transferred between fabs",
        "Discounted (NPV)",
    ]
    assert list(cost.data[0].y) == [0.0, 392.0]

    binding = fab_figures.loading_figure(plan.binding, title="t")
    heat = binding.data[0]
    assert list(heat.y) == ["fab-a", "fab-b"]
    assert [list(row) for row in heat.text] == [["ETCH 92%", "LITHO 98%"], ["", "ETCH 70%"]]


def test_two_stage_plan(spec: FabSpec) -> None:
    result = two_stage(spec)
    page = render_report(result, generated=DAY)
    assert _ids(page)[:2] == ["toolplan-key-figures", "toolplan-two-stage"]
    key = _section(page, "toolplan-key-figures")
    assert "<dt>Tools bought (expected)</dt><dd>10.5 ($686 M)</dd>" in key  # .25·392 + .75·784
    stage = _section(page, "toolplan-two-stage")
    assert "<dt>Value of the stochastic solution (VSS)</dt><dd>$30 M</dd>" in stage
    assert "<dt>Expected cost (RP)</dt><dd>$500 M</dd>" in stage
    assert "<dt>First-stage tools bought</dt><dd>1</dd>" in stage
    assert "shared by every scenario (lo (25%), hi (75%))" in stage
    # The tables list each scenario; the figures draw the expectation.
    tools = _section(page, "toolplan-tools")
    assert tools.count("<td class='scenario'>hi</td>") == 4
    assert "expected over 2 demand scenarios" in tools
    figure = fab_figures.tools_figure(result.tools, probability={"lo": 0.25, "hi": 0.75})
    assert list(figure.data[4].y) == [0.0, 1.75]  # fab-b EUV bought: .25·1 + .75·2


def test_fab_results_take_no_outlook_or_stochastic(plan: ToolPlan, small_gap: Any) -> None:
    with pytest.raises(ParameterError, match="outlook"):
        render_report(plan, outlook=small_gap)
    with pytest.raises(ParameterError, match="stochastic"):
        render_report(plan, stochastic=object())  # type: ignore[arg-type]


def test_same_input_same_bytes_and_full_changes_nothing(plan: ToolPlan, html: str) -> None:
    assert render_report(plan, generated=DAY) == html
    assert render_report(plan, generated=DAY, full=True) == html


def test_data_strings_are_escaped(plan: ToolPlan, html: str) -> None:
    spec = plan.spec.model_copy(update={"description": f"About {EVIL}"})
    stats = {**plan.stats, "status": f"s{EVIL}"}
    page = render_report(dataclasses.replace(plan, spec=spec, stats=stats), generated=DAY)
    assert "<script>alert" not in page
    assert page.count("<script") == html.count("<script")  # none came from data
    assert "<p>About &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>" in page
    assert "<dd>s&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</dd>" in page


# -- static capacity's page -------------------------------------------------------------------
#
# Needed (full grid, as the real table): Q1 fab-a EUV 1.6 of 2 (80 %), ETCH 9.5 of 10 (95 %);
# Q2 fab-a EUV 3.2 of 2 (160 %, 2 beyond: ⌈3.2⌉ − 2), ETCH 19 of 10 (190 %, 9 beyond); fab-b
# none in Q1, EUV 0.5 in Q2 on no tool (∞, 1 beyond). Q2: 12 tools beyond those installed.
# Floor needed: fab-a Q2 4·90 + 19·12 = 588 > 500. Feasible: Q1 (105 %), not Q2 (53 %).


#: fab, tool_type, workstation, period, tools_needed, tools_installed
NEEDED = [
    ("fab-a", "EUV", "LITHO", "2026Q1", 1.6, 2.0),
    ("fab-a", "ETCH", "ETCH", "2026Q1", 9.5, 10.0),
    ("fab-a", "EUV", "LITHO", "2026Q2", 3.2, 2.0),
    ("fab-a", "ETCH", "ETCH", "2026Q2", 19.0, 10.0),
    ("fab-b", "EUV", "LITHO", "2026Q1", 0.0, 0.0),
    ("fab-b", "ETCH", "ETCH", "2026Q1", 0.0, 0.0),
    ("fab-b", "EUV", "LITHO", "2026Q2", 0.5, 0.0),
    ("fab-b", "ETCH", "ETCH", "2026Q2", 0.0, 0.0),
]


def make_capacity(spec: FabSpec, feasible: bool = True) -> Capacity:
    """The hand-made static capacity (above)."""
    rows = []
    for fab, tool_type, workstation, period, need, have in NEEDED:
        load = need / have if have > 0 else (math.inf if need > 0 else math.nan)
        beyond = max(math.ceil(need - 1e-9) - have, 0.0)
        rows.append(("base", fab, tool_type, workstation, period, need * 100.0, need * 8000.0,
                     need, have, beyond, load))  # fmt: skip
    needed = pd.DataFrame(
        rows,
        columns=["scenario", "fab", "tool_type", "workstation", "period", "wafers_per_week",
                 "minutes_per_week", "tools_needed", "tools_installed", "tools_beyond_installed",
                 "utilisation"],
    )  # fmt: skip
    bottleneck = pd.DataFrame(
        [("base", "fab-a", "2026Q1", "ETCH", "ETCH", 0.95, 1 / 0.95),
         ("base", "fab-a", "2026Q2", "ETCH", "ETCH", 1.9, 1 / 1.9),
         ("base", "fab-b", "2026Q1", math.nan, math.nan, math.nan, math.nan),
         ("base", "fab-b", "2026Q2", "LITHO", "EUV", math.inf, 0.0)],
        columns=["scenario", "fab", "period", "workstation", "tool_type", "utilisation",
                 "output_factor"],
    )  # fmt: skip
    floor = pd.DataFrame(
        [("base", "fab-a", "2026Q1", 300.0, 300.0, 500.0),
         ("base", "fab-a", "2026Q2", 300.0, 588.0, 500.0),
         ("base", "fab-b", "2026Q1", 0.0, 0.0, 800.0),
         ("base", "fab-b", "2026Q2", 0.0, 90.0, 800.0)],
        columns=["scenario", "fab", "period", "installed_m2", "needed_m2", "floor_m2"],
    )  # fmt: skip
    table = pd.DataFrame(
        [("base", "2026Q1", 1.05, True), ("base", "2026Q2", 0.53, False)],
        columns=["scenario", "period", "max_share", "meets_demand"],
    )
    return Capacity(
        spec=spec,
        needed=needed,
        bottleneck=bottleneck,
        floor=floor,
        feasible=table if feasible else None,
    )


@pytest.fixture(scope="module")
def capacity_html(spec: FabSpec) -> str:
    return render_report(make_capacity(spec), generated=DAY)


def test_capacity_sections_and_figures(capacity_html: str) -> None:
    assert _ids(capacity_html) == [s.id for s in (*CAPACITY_SECTIONS, SOURCES)]
    assert "<title>Static capacity: two-fab · fabnet</title>" in capacity_html
    assert "money in" not in capacity_html  # static capacity has no money
    for div in ("bottleneck", "tools", "floor"):
        assert capacity_html.count(f'id="fig-capacity-{div}"') == 1, div
    assert capacity_html.count("Plotly.newPlot(") == 3


def test_capacity_key_figures_and_tables(capacity_html: str) -> None:
    key = _section(capacity_html, "capacity-key-figures")
    assert "<dt>Periods meeting demand</dt><dd>1 of 2</dd>" in key
    assert "<dt>First period short</dt><dd>2026Q2</dd>" in key
    assert "<dt>Least share of demand supported</dt><dd>53% (2026Q2)</dd>" in key
    assert "<dt>Most loaded workstation</dt><dd>LITHO ∞ (fab-b 2026Q2)</dd>" in key
    assert "<dt>Most tools short in a period</dt><dd>12 (2026Q2)</dd>" in key  # 2 + 9 + 1
    assert "<dt>Fab-periods short of floor</dt><dd>1 of 4</dd>" in key
    feasible = _section(capacity_html, "capacity-feasible")
    assert "<td class='num largest'>105%</td><td class='meets'>✓ yes</td>" in feasible
    assert "<tr class='short'><td class='period'>2026Q2</td>" in feasible
    bottleneck = _section(capacity_html, "capacity-bottleneck")
    assert "<td class='num utilisation'>190%</td><td class='num output'>0.53</td>" in bottleneck
    assert "<td class='num utilisation'>∞</td><td class='num output'>0.00</td>" in bottleneck
    tools = _section(capacity_html, "capacity-tools")
    assert "3 fab-periods and tool types with fewer tools than the demand needs" in tools
    assert "<td class='num needed'>19.0</td><td class='num installed'>10</td>" in tools
    assert "<td class='num short'>9</td>" in tools
    floor = _section(capacity_html, "capacity-floor")
    assert "<tr class='short'><td class='fab'>fab-a</td>" in floor
    assert "<td class='num 2026q2'>118%</td>" in floor  # 588 / 500


def test_capacity_figures(spec: FabSpec) -> None:
    result = make_capacity(spec)
    heat = fab_figures.tools_needed_figure(result.needed).data[0]
    # fab-b ETCH needs and has nothing: no row.
    assert list(heat.y) == ["fab-a · EUV", "fab-a · ETCH", "fab-b · EUV"]
    assert list(heat.text[0]) == ["1.6 / 2", "3.2 / 2"]
    assert list(heat.z[2]) == [None, fab_figures.LOAD_MAX]  # a load on no tool: the top colour
    bottleneck = fab_figures.loading_figure(result.bottleneck, title="t").data[0]
    assert [list(row) for row in bottleneck.text] == [["ETCH 95%", "ETCH 190%"], ["", "LITHO ∞"]]
    floor = fab_figures.floor_figure(result.floor)
    assert [t.name for t in floor.data][:3] == ["Tools installed", "Tools needed", "Floor"]


def test_capacity_without_feasible(spec: FabSpec) -> None:
    page = render_report(make_capacity(spec, feasible=False), generated=DAY)
    assert "was not computed for this result" in _section(page, "capacity-feasible")
    assert "Periods meeting demand" not in page
    assert money_of(make_capacity(spec)) is None


# -- offline, one file --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["plan", "capacity"])
def test_renders_offline_in_one_file(kind: str, html: str, capacity_html: str) -> None:
    from plotly.offline import get_plotlyjs

    page = html if kind == "plan" else capacity_html
    for what, pattern in EXTERNAL.items():
        assert pattern.search(page) is None, what
    assert page.count(script_safe(str(get_plotlyjs()))) == 1  # plotly.js inlined, once
    assert page.index("Plotly.newPlot") > page.index(str(get_plotlyjs())[:120])
    tags = _Tags()
    tags.feed(page)
    for tag, attributes in tags.found:
        assert not ({"src", "srcset", "data", "poster", "action"} & set(attributes)), tag
        assert "href" not in attributes or tag == "a", tag  # links, followed when clicked


def test_write_report(plan: ToolPlan, tmp_path: Path, html: str) -> None:
    path = write_report(plan, tmp_path / "out" / "plan.html", generated=DAY)
    assert path.read_text(encoding="utf-8") == html
    assert sorted(p.name for p in path.parent.iterdir()) == [".plan.html.lock", "plan.html"]


# -- end to end: the built-in example ----------------------------------------------------------


@pytest.mark.slow
def test_the_examples_reports(tmp_path: Path) -> None:
    from fabnet.fab.capacity import capacity
    from fabnet.fab.toolplan import tool_plan

    plan = tool_plan("example-3fab")
    page = write_report(plan, tmp_path / "plan.html", generated=DAY).read_text(encoding="utf-8")
    assert _ids(page) == [s.id for s in TOOLPLAN_SECTIONS if s.id != "toolplan-two-stage"] + [
        SOURCES.id
    ]
    assert page.count("Plotly.newPlot(") == 6
    assert "12 tool types" in page
    assert "<td class='fab'>fab-c</td>" in page
    static = capacity("example-3fab")
    other = write_report(static, tmp_path / "cap.html", generated=DAY).read_text(encoding="utf-8")
    assert _ids(other) == [s.id for s in (*CAPACITY_SECTIONS, SOURCES)]
    for text in (page, other):
        for what, pattern in EXTERNAL.items():
            assert pattern.search(text) is None, what

"""`roadmap.pptx`: the slides a board uses, made with python-pptx.

1. the headline (governance, the plan in a sentence, the key figures, the NPV range);
2. the roadmap (a Gantt of native shapes: platforms, modernised systems by department, and
   the retained systems past end of support);
3. money by year (one-off spend against cashable savings; an editable chart);
4. who pays and who benefits (present values by department);
5. risk (legacy risk with and without the plan, and the risks the plan accepts);
6. levers (what one more unit of each limit is worth, and how to close the largest risk);
7. the decisions asked of the board.

Charts are native (their data opens in PowerPoint); money is in millions of the portfolio's
currency. The bytes are deterministic: fixed document properties, and fixed times in the
package and in each chart's embedded workbook (python-pptx writes those with XlsxWriter,
which stamps the time of writing).
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Inches

from prioritiser.inventory import Inventory
from prioritiser.reports import markdown as words
from prioritiser.reports import pack_view
from prioritiser.reports import slide_kit as kit
from prioritiser.reports.analysis import Analysis, SystemRow
from prioritiser.reports.chart_style import KIND_COLOURS
from prioritiser.reports.excel.cells import FIXED_TIME
from prioritiser.reports.gantt import gantt_rows
from prioritiser.reports.slide_kit import ACCENT, BAD, GOOD, HEIGHT, LINE, MUTED, WIDTH
from prioritiser.roadmap import Roadmap
from prioritiser.wording import currency_symbol, money, plural

MAX_GANTT_ROWS = 60  # rows of the roadmap slide (the demo's all fit)

SLIDES = (
    "Headline",
    "Roadmap",
    "Money by financial year",
    "Who pays and who benefits",
    "Risk",
    "Levers",
    "Decisions asked",
)


def render_pptx(inventory: Inventory, roadmap: Roadmap, analysis: Analysis) -> bytes:
    """The slides as bytes (identical bytes for identical inputs)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    a = analysis
    _headline(prs, a)
    _roadmap(prs, a)
    _money(prs, a)
    _departments(prs, a)
    _risk(prs, a)
    _levers(prs, a)
    _decisions(prs, a)
    props = prs.core_properties
    props.title = f"Modernisation roadmap — {a.portfolio}"
    props.author = props.last_modified_by = "prioritiser"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    buffer = io.BytesIO()
    prs.save(buffer)
    return kit.deterministic(buffer.getvalue())


# --- slide furniture --------------------------------------------------------------------------


def _slide(prs: Deck, a: Analysis, title: str, subtitle: str = "") -> Slide:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    marking = a.paper.marking if a.paper else ""
    kit.text(
        slide,
        Inches(0.4),
        Inches(0.12),
        Inches(12.5),
        Inches(0.3),
        marking,
        10,
        bold=True,
        align=PP_ALIGN.CENTER,
    )
    kit.text(
        slide,
        Inches(0.4),
        Inches(7.12),
        Inches(12.5),
        Inches(0.3),
        marking,
        10,
        bold=True,
        align=PP_ALIGN.CENTER,
    )
    kit.text(
        slide,
        Inches(0.5),
        Inches(0.45),
        Inches(12.3),
        Inches(0.6),
        title,
        26,
        bold=True,
        colour=ACCENT,
    )
    if subtitle:
        kit.text(
            slide, Inches(0.5), Inches(1.02), Inches(12.3), Inches(0.4), subtitle, 13, colour=MUTED
        )
    return slide


# --- the slides -------------------------------------------------------------------------------


def _headline(prs: Deck, a: Analysis) -> None:
    paper = a.paper
    line = " · ".join(f"{label}: {value}" for label, value in paper.rows) if paper else ""
    slide = _slide(prs, a, f"{a.portfolio}", f"Modernisation roadmap {a.horizon} · {line}")
    kit.text(slide, Inches(0.5), Inches(1.6), Inches(12.3), Inches(1.3), words.lede(a), 17)
    cur = a.currency
    figures = [
        ("Net present value", money(a.objective or 0.0, cur), a.status_text),
        ("One-off spend", money(a.one_off_spend, cur), words.spend_detail(a)),
        ("Cashable savings a year", money(a.cashable_run_rate, cur), words.savings_detail(a)),
        (
            "Legacy risk removed",
            words.percent(a.risk_removed_share),
            f"{a.risk_points_removed:.0f} of {a.risk_points_total:.0f} points",
        ),
        (
            "Systems modernised",
            f"{a.systems_modernised} of {a.systems_total}",
            f"{a.systems_retained} retained",
        ),
    ]
    found = pack_view.uncertainty_text(a)
    if found is not None:
        figures.append(("NPV under uncertainty (P50)", found[1], f"P10–P90 {found[0]}"))
    width = 12.3 / len(figures)
    for i, (label, value, detail) in enumerate(figures):
        left = Inches(0.5 + i * width)
        box = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, left, Inches(3.2), Inches(width - 0.15), Inches(1.9)
        )
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xF3, 0xF5, 0xF8)
        box.line.color.rgb = LINE
        kit.text(
            slide,
            left + Inches(0.1),
            Inches(3.3),
            Inches(width - 0.35),
            Inches(0.4),
            label.upper(),
            10,
            colour=MUTED,
        )
        kit.text(
            slide,
            left + Inches(0.1),
            Inches(3.7),
            Inches(width - 0.35),
            Inches(0.6),
            value,
            24,
            bold=True,
        )
        kit.text(
            slide,
            left + Inches(0.1),
            Inches(4.35),
            Inches(width - 0.35),
            Inches(0.7),
            detail,
            10,
            colour=MUTED,
        )
    if found is not None:
        kit.text(
            slide, Inches(0.5), Inches(5.4), Inches(12.3), Inches(0.8), found[2], 11, colour=MUTED
        )


def _roadmap(prs: Deck, a: Analysis) -> None:
    slide = _slide(
        prs,
        a,
        "Roadmap",
        "Platforms first, then each department's systems; red: retained past end of support",
    )
    past = set(a.retained_past_support)
    rows = [
        r
        for r in gantt_rows(a, "all")
        if not (isinstance(r[2], SystemRow) and not r[2].modernised and r[2].system not in past)
    ]
    # Department headers with nothing left under them go too.
    rows = [
        r
        for i, r in enumerate(rows)
        if r[0] != "header" or (i + 1 < len(rows) and rows[i + 1][0] != "header")
    ]
    # Past MAX_GANTT_ROWS a row is thinner than its text (and python-pptx's shape ids make
    # each shape cost as much as those before it): the slide keeps the first rows and says
    # where the rest are.
    hidden = sum(1 for r in rows[MAX_GANTT_ROWS - 1 :] if r[0] != "header")
    if len(rows) > MAX_GANTT_ROWS:
        more = f"… and {plural(hidden, 'more system')}: every system is in report.html's Gantt and the workbook"
        rows = [*rows[: MAX_GANTT_ROWS - 1], ("header", more, None)]
    count = len(a.periods)
    top, bottom = Inches(1.75), Inches(7.0)
    label_w, left = Inches(3.6), Inches(4.2)
    span = Inches(12.9) - left
    pitch = int((bottom - top) / max(len(rows), 1))
    size = max(6.0, min(10.0, pitch / 12700 * 0.7))
    step = max(1, -(-count // 12))
    for t in range(0, count, step):
        x = left + int(span * t / count)
        kit.text(
            slide,
            x,
            top - Inches(0.3),
            int(span / count * step),
            Inches(0.3),
            a.periods[t],
            8,
            colour=MUTED,
        )
    for i, (what, label, item) in enumerate(rows):
        y = top + pitch * i
        kit.text(
            slide, Inches(0.5), y - Inches(0.04), label_w, pitch, label, size, bold=what == "header"
        )
        if item is None:
            continue
        if isinstance(item, SystemRow) and not item.modernised:
            first = (item.end_of_support_index or -1) + 1
            kit.bar(
                slide,
                left + int(span * max(first, 0) / count),
                y + pitch // 3,
                int(span * (count - max(first, 0)) / count),
                max(pitch // 4, 1),
                "#D55E00",
            )
            continue
        if isinstance(item, SystemRow):
            start, finish, kind = item.start_index or 0, item.finish_index or 0, item.kind
        else:
            start, finish, kind = item.start_index, item.finish_index, "platform"
        x = left + int(span * start / count)
        kit.bar(
            slide,
            x,
            y + pitch // 8,
            int(span * (finish - start + 1) / count),
            int(pitch * 0.75),
            KIND_COLOURS.get(kind, "#999999"),
        )


def _money(prs: Deck, a: Analysis) -> None:
    board = a.board
    slide = _slide(
        prs,
        a,
        "Money by financial year",
        f"In-year cash, undiscounted, {currency_symbol(a.currency)}m: one-off spend"
        f"{' (optimism bias applied)' if board and board.optimism_bias else ''} and cashable "
        "savings. "
        f"{board.years.note if board else ''}",
    )
    cash = board.cash_by_year() if board else []
    _cost_and_gain(
        slide,
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        [label for label, _, _ in cash],
        ("One-off spend", [s for _, s, _ in cash]),
        ("Cashable savings", [v for _, _, v in cash]),
        f'"{currency_symbol(a.currency)}"0.0"m"',
    )


def _departments(prs: Deck, a: Analysis) -> None:
    slide = _slide(
        prs,
        a,
        "Who pays and who benefits",
        f"Present value by department, {currency_symbol(a.currency)}m: the one-off cost it pays and the savings, benefits and risk value it receives",
    )
    names = [d.department for d in a.departments]
    pays = [d.pays_pv for d in a.departments]
    gets = [d.benefits_pv for d in a.departments]
    if a.platforms_cost_pv:
        names.append("Shared platforms")
        pays.append(a.platforms_cost_pv)
        gets.append(0.0)
    _cost_and_gain(
        slide,
        XL_CHART_TYPE.BAR_CLUSTERED,
        names,
        ("Pays (present value)", pays),
        ("Benefits (present value)", gets),
        f'"{currency_symbol(a.currency)}"0"m"',
    )


def _cost_and_gain(
    slide: Slide,
    kind: XL_CHART_TYPE,
    categories: list[str],
    cost: tuple[str, list[float]],
    gain: tuple[str, list[float]],
    number_format: str,
) -> None:
    """A chart of money out (red) beside money in (green), in millions, by category."""
    data = CategoryChartData(number_format="#,##0.0")
    data.categories = categories
    for name, values in (cost, gain):
        data.add_series(name, [round(v / 1e6, 3) for v in values])
    kit.chart(slide, kind, data, number_format, [BAD, GOOD])


def _risk(prs: Deck, a: Analysis) -> None:
    slide = _slide(
        prs,
        a,
        "Risk",
        f"Legacy risk points with and without the plan; {words.percent(a.risk_removed_share)} removed by {a.periods[-1] if a.periods else ''}",
    )
    data = CategoryChartData(number_format="0")
    data.categories = a.periods
    data.add_series("Without the plan", a.risk_without_plan)
    data.add_series("With the plan", a.risk_with_plan)
    if not a.periods:
        return
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.LINE, Inches(0.5), Inches(1.6), Inches(7.4), Inches(5.3), data
    )
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    for series, colour in zip(chart.series, (BAD, GOOD), strict=False):
        series.format.line.color.rgb = colour
        series.smooth = False
    accepted = words.attention(a)
    lines = accepted or ["No retained system passes its end of support within the plan."]
    head = "Risks accepted: retained past end of support" if accepted else "Risks accepted"
    kit.text(
        slide, Inches(8.2), Inches(1.6), Inches(4.7), Inches(0.4), head, 14, bold=True, colour=BAD
    )
    kit.bullets(slide, Inches(8.2), Inches(2.1), Inches(4.7), Inches(4.8), lines, 11)


def _levers(prs: Deck, a: Analysis) -> None:
    slide = _slide(
        prs, a, "Levers", "What one more unit of each limit is worth (re-solved, proven optima)"
    )
    rows = pack_view.lever_rows(a)
    if not rows:
        kit.text(
            slide,
            Inches(0.5),
            Inches(1.7),
            Inches(12.3),
            Inches(1),
            "The levers were not measured for this roadmap (plan --no-levers).",
            14,
        )
        return
    table = [["Limit", "Today", "One more", "NPV gained"]]
    table += [[r.limit, r.now, r.one_more, r.gain] for r in rows]
    kit.table(slide, Inches(1.6), table, [4.2, 3.4, 2.2, 2.0], 11)
    found = pack_view.largest_risk(a)
    y = Inches(1.75 + 0.3 * len(table))
    if found is not None:
        name, facts, ways = found
        blocked = pack_view.risk_blocked(a)
        head = "No way closes it within the rules:" if blocked else "Cheapest ways to close it:"
        kit.text(
            slide,
            Inches(0.5),
            y,
            Inches(12.3),
            Inches(0.4),
            f"Largest risk left: {name} ({facts}). {head}",
            12,
            bold=True,
        )
        if blocked:
            kit.bullets(
                slide, Inches(0.5), y + Inches(0.45), Inches(12.3), Inches(1.5), blocked, 11
            )
            return
        ways_rows = [["Way", "As", "NPV it costs"]] + [[w.how, w.when, w.price] for w in ways[:3]]
        kit.table(slide, y + Inches(0.4), ways_rows, [6.3, 3.5, 2.0], 10)


def _decisions(prs: Deck, a: Analysis) -> None:
    slide = _slide(prs, a, "Decisions asked of the board")
    items = pack_view.decisions_asked(a)
    kit.bullets(slide, Inches(0.5), Inches(1.5), Inches(12.3), Inches(4.0), items, 18)
    found = pack_view.uncertainty_text(a)
    if found is not None:
        kit.text(
            slide,
            Inches(0.5),
            Inches(5.9),
            Inches(12.3),
            Inches(0.9),
            f"Under uncertainty the roadmap's NPV is {found[1]} (P50), {found[0]} (P10–P90).",
            13,
            colour=MUTED,
        )


__all__ = ["SLIDES", "render_pptx"]

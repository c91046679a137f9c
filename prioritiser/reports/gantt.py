"""The roadmap Gantt of report.html: every system by department, platforms first.

Modernised systems are bars coloured by how they are modernised; retained systems, often the
riskiest, are thin grey lines across the horizon. A red line marks every period a system
still runs past its end of support (until its change finishes, or to the end of the plan),
and ✕ marks the end of support itself; `|` a deadline.

The screen figure fills its card. For print there are two fixed-size figures the width of an
A4 landscape page (277 mm at 96 px an inch): the roadmap, and the systems kept as they are,
so neither is squeezed to fit one page with the other (`PRINT_SIZE`).
"""

from __future__ import annotations

from collections import defaultdict

import plotly.graph_objects as go

from prioritiser.reports.analysis import PLATFORMS, Analysis, PlatformRow, SystemRow
from prioritiser.reports.chart_style import (
    DEADLINE_COLOUR,
    KIND_COLOURS,
    figure,
    period_axis,
    safe,
    year_lines,
)
from prioritiser.wording import money

GANTT = "chart-gantt"
GANTT_PRINT = "chart-gantt-print"
GANTT_RETAINED_PRINT = "chart-gantt-retained-print"
# Width of A4 landscape less 10 mm margins (277 mm) in CSS pixels, and the most a figure may
# take of the page's height beside its heading (165 mm).
PRINT_SIZE = (1040, 560)
RETAINED = "retained"
UNSUPPORTED = "running past end of support"

Row = tuple[str, str, SystemRow | PlatformRow | None]


def gantt_rows(analysis: Analysis, which: str = "all") -> list[Row]:
    """(kind of row, label, item) top to bottom: platforms, then each department's modernised
    systems by start and its retained systems by end of support. `which`: all, modernised
    (with the platforms) or retained."""
    rows: list[Row] = []
    if analysis.platforms and which != "retained":
        rows.append(("header", PLATFORMS, None))
        rows += [("platform", p.name, p) for p in analysis.platforms]
    by_department: dict[str, list[SystemRow]] = defaultdict(list)
    for row in analysis.systems:
        if which == "all" or (which == "modernised") == row.modernised:
            by_department[row.department].append(row)
    for department in sorted(by_department):
        rows.append(("header", department, None))
        mine = by_department[department]
        done = sorted((r for r in mine if r.modernised), key=lambda r: (r.start_index, r.system))
        kept = sorted(
            (r for r in mine if not r.modernised),
            key=lambda r: (
                r.end_of_support_index if r.end_of_support_index is not None else 10**6,
                r.system,
            ),
        )
        rows += [("system", r.name, r) for r in [*done, *kept]]
    return rows


class _Traces:
    """Bars and markers collected per trace, before the figure is built."""

    def __init__(self) -> None:
        self.bars: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
        self.markers: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))

    def bar(
        self, kind: str, y: int, start: int, finish: int, hover: str, pattern: str = ""
    ) -> None:
        trace = self.bars[kind]
        trace["y"].append(y)
        trace["base"].append(start)
        trace["x"].append(finish - start + 1)
        trace["hover"].append(hover)
        trace["pattern"].append(pattern)

    def marker(self, name: str, x: int, y: int, hover: str) -> None:
        self.markers[name]["x"].append(x)
        self.markers[name]["y"].append(y)
        self.markers[name]["hover"].append(hover)


def gantt(
    analysis: Analysis, which: str = "all", size: tuple[int, int] | None = None
) -> go.Figure | None:
    """The Gantt of `which` rows; a fixed `size` (width, most height) for print."""
    rows = gantt_rows(analysis, which)
    if not any(what != "header" for what, _, _ in rows):
        return None
    count = len(analysis.periods)
    traces = _Traces()
    shapes = year_lines(analysis.periods)
    band = 0
    for y, (what, _, item) in enumerate(rows):
        if what == "header":
            band += 1
            if band % 2 == 0:
                shapes.append(_band(y, len(rows)))
        elif isinstance(item, SystemRow):
            _system(traces, analysis, item, y, count)
        elif isinstance(item, PlatformRow):
            hover = (
                f"<b>{safe(item.name)}</b><br>platform set-up {item.start} – {item.finish}, "
                f"ready {item.ready}<br>cost {money(item.cost, analysis.currency)} · used by "
                f"{len(item.users)} systems"
            )
            traces.bar("platform", y, item.start_index, item.finish_index, hover)
    return _figure(analysis, rows, traces, shapes, size)


def _system(traces: _Traces, analysis: Analysis, item: SystemRow, y: int, count: int) -> None:
    cur = analysis.currency
    eos = item.end_of_support_index
    if item.modernised:
        start, finish = item.start_index or 0, item.finish_index or 0
        hover = (
            f"<b>{safe(item.name)}</b> ({item.system})<br>{safe(item.department)}: "
            f"{item.option} ({item.kind})<br>{item.start} – {item.finish}<br>"
            f"NPV {money(item.npv or 0.0, cur)} · one-off {money(item.one_off_cost, cur)}"
            + (" · <i>locked (in flight)</i>" if item.locked else "")
        )
        if eos is not None and eos + 1 <= finish:
            traces.bar(UNSUPPORTED, y, max(eos + 1, 0), finish, _unsupported_hover(item))
        traces.bar(item.kind, y, start, finish, hover, "/" if item.locked else "")
    else:
        hover = (
            f"<b>{safe(item.name)}</b> ({item.system})<br>{safe(item.department)}: retained, "
            f"runs as it is ({item.criticality} criticality)"
        )
        traces.bar(RETAINED, y, 0, count - 1, hover)
        if eos is not None and eos + 1 <= count - 1:
            traces.bar(UNSUPPORTED, y, max(eos + 1, 0), count - 1, _unsupported_hover(item))
    if eos is not None and eos < count:
        traces.marker(
            "end of support",
            max(eos, -1) + 1,
            y,
            f"<b>{safe(item.name)}</b><br>end of support {item.end_of_support}",
        )
    deadline = item.deadline_index
    if deadline is not None and deadline < count:
        traces.marker(
            "must modernise by",
            max(deadline, -1) + 1,
            y,
            f"<b>{safe(item.name)}</b><br>must be modernised by {item.must_modernise_by}",
        )


def _unsupported_hover(item: SystemRow) -> str:
    return f"<b>{safe(item.name)}</b><br>running past its end of support ({item.end_of_support})"


def _figure(
    analysis: Analysis,
    rows: list[Row],
    traces: _Traces,
    shapes: list[dict[str, object]],
    size: tuple[int, int] | None,
) -> go.Figure:
    pitch, font = 22, 12
    layout: dict[str, object] = {}
    if size is not None:
        width, most = size
        pitch = max(9, min(18, (most - 40) // max(len(rows), 1)))
        font = 10 if pitch >= 14 else 8
        layout = {"width": width, "autosize": False, "font": {"size": font}}
    fig = figure(
        height=max(150, pitch * len(rows) + 50),
        barmode="overlay",
        bargap=0.3,
        shapes=shapes,
        xaxis={**period_axis(analysis.periods), "side": "top"},
        yaxis={
            "range": [len(rows) - 0.5, -0.5],
            "tickvals": list(range(len(rows))),
            "ticktext": [
                f"<b>{safe(label)}</b>" if what == "header" else safe(label)
                for what, label, _ in rows
            ],
            "tickfont": {"size": font},
            "showgrid": False,
            "fixedrange": True,
            "automargin": True,
            "ticklabelstandoff": 6,
        },
        # The page shows the legend above the chart, where a reader needs it first.
        showlegend=False,
        margin={"l": 10, "r": 14, "t": 30, "b": 10},
        **layout,
    )
    thin = {RETAINED: KIND_COLOURS[RETAINED], UNSUPPORTED: DEADLINE_COLOUR}
    for kind in dict.fromkeys([RETAINED, UNSUPPORTED, *KIND_COLOURS]):
        if kind not in traces.bars:
            continue
        trace = traces.bars[kind]
        thickness = 0.22 if kind in thin else 0.7
        colour = thin.get(kind) or KIND_COLOURS[kind]
        fig.add_trace(
            go.Bar(
                name="platform set-up" if kind == "platform" else kind,
                orientation="h",
                y=trace["y"],
                x=trace["x"],
                base=trace["base"],
                marker={
                    "color": colour,
                    "line": {"width": 0},
                    "pattern": {
                        "shape": trace["pattern"],
                        "fillmode": "overlay",
                        "fgcolor": "white",
                        "size": 7,
                    },
                },
                # Paper has no hover: the print figures carry none (the page stays small).
                customdata=trace["hover"] if size is None else None,
                hovertemplate="%{customdata}<extra></extra>" if size is None else None,
                hoverinfo=None if size is None else "skip",
                width=thickness,
            )
        )
    for name, symbol in (("end of support", "x-thin-open"), ("must modernise by", "line-ns")):
        if name in traces.markers:
            marks = traces.markers[name]
            fig.add_trace(
                go.Scatter(
                    name=name,
                    mode="markers",
                    x=marks["x"],
                    y=marks["y"],
                    customdata=marks["hover"] if size is None else None,
                    hovertemplate="%{customdata}<extra></extra>" if size is None else None,
                    hoverinfo=None if size is None else "skip",
                    marker={
                        "symbol": symbol,
                        "size": 11 if size is None else 9,
                        "color": DEADLINE_COLOUR,
                        "line": {"width": 2.5, "color": DEADLINE_COLOUR},
                    },
                    cliponaxis=False,
                )
            )
    return fig


def _band(y: int, rows: int) -> dict[str, object]:
    """A faint background band from a department header row to the next header."""
    return {
        "type": "rect",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": y - 0.5,
        "y1": rows - 0.5,
        "fillcolor": "#F4F6F8",
        "line": {"width": 0},
        "layer": "below",
    }

"""The dependency view of report.html: systems named, by department lane and start period.

Modernised systems that wait for each other sit at their start; retained systems that a
modernised one still depends on sit in a column of their own at the left ("kept as is"),
hollow and grey, so a reader sees which new systems lean on old ones. Labels are the
systems' names; a node moves down a row in its lane when its label would touch the one
before it. The figure has a fixed width so that this layout is the one drawn (a narrow
window scrolls it; print scales it to the page), which is what keeps labels apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from prioritiser.reports.analysis import Analysis, SystemRow
from prioritiser.reports.chart_style import (
    DEADLINE_COLOUR,
    INK,
    KIND_COLOURS,
    MUTED,
    figure,
    period_axis,
    safe,
    year_lines,
)

WIDTH_PX = 1240
# The plot area left of the department labels and margins, and a label's width per
# character at 11 px (generous: capitals and bold text are wider than the average).
PLOT_PX = 1060
LABEL_PX_PER_CHAR = 6.6
MARKER_PX = 18  # the marker and the gap before its label
GAP = 0.15  # periods between one label's end and the next marker
ROW_PX = 26
KEPT = -2.2  # x of the "kept as is" column, in periods before the horizon
KEPT_EDGE = -2.6


@dataclass(frozen=True)
class Node:
    row: SystemRow
    x: float
    y: float
    width: float  # marker and label, in periods

    @property
    def right(self) -> float:
        return self.x + self.width


def dependency_nodes(analysis: Analysis) -> list[SystemRow]:
    """Modernised systems linked to another modernised system, and the retained systems a
    modernised one depends on (links that order nothing, `none`, are left out)."""
    edges = [e for e in analysis.dependencies if e.constraint != "none"]
    rows = {r.system: r for r in analysis.systems}
    modernised = {r.system for r in analysis.systems if r.modernised}
    linked = {e.system for e in edges if e.on in modernised} | {
        e.on for e in edges if e.on in modernised
    }
    kept = {e.on for e in edges if e.on not in modernised and e.on in rows}
    linked |= {e.system for e in edges if e.on in kept}
    return [r for r in analysis.systems if r.system in linked | kept]


def place(
    nodes: Sequence[SystemRow], periods: int
) -> tuple[list[Node], list[tuple[float, str]], float, float]:
    """A lane per department; each node at its start (retained ones in the kept column),
    moved down a row while its label would touch another's. Returns the nodes, the lane
    ticks, the height in rows and the x axis' right end (past the horizon when a late
    node's label needs room). The x axis is as wide as its labels need, and labels are as
    wide in periods as the axis makes them: a few rounds settle both."""
    right = float(periods)
    for _ in range(6):
        placed, ticks, top, needed = _place(nodes, PLOT_PX / (right - KEPT_EDGE))
        if needed <= right + 1e-9:
            break
        right = needed
    return placed, ticks, top, right


def _place(
    nodes: Sequence[SystemRow], per_period: float
) -> tuple[list[Node], list[tuple[float, str]], float, float]:
    lanes: dict[str, list[SystemRow]] = defaultdict(list)
    for row in nodes:
        lanes[row.department].append(row)
    placed: list[Node] = []
    ticks: list[tuple[float, str]] = []
    top = 0.0
    for department in sorted(lanes):
        ends: list[float] = []
        members = sorted(lanes[department], key=lambda r: (_x(r), r.system))
        for row in members:
            x = _x(row)
            width = (MARKER_PX + len(row.name) * LABEL_PX_PER_CHAR) / per_period
            level = next((i for i, end in enumerate(ends) if end + GAP <= x - 0.2), len(ends))
            if level == len(ends):
                ends.append(-1e9)
            ends[level] = x + width
            placed.append(Node(row, x, top + level, width))
        ticks.append((top + (len(ends) - 1) / 2, department))
        top += len(ends) + 0.6
    right = max(n.right for n in placed) if placed else 0.0
    return placed, ticks, top, right + 0.1


def _x(row: SystemRow) -> float:
    return (row.start_index or 0) + 0.5 if row.modernised else KEPT


def dependencies(analysis: Analysis) -> go.Figure | None:
    """The dependency view; None when no modernised system depends on another system."""
    rows = dependency_nodes(analysis)
    if not rows:
        return None
    count = len(analysis.periods)
    nodes, ticks, top, right = place(rows, count)
    at = {n.row.system: n for n in nodes}
    shapes = year_lines(analysis.periods)
    shapes.append(
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": 0,
            "x1": 0,
            "y0": 0,
            "y1": 1,
            "line": {"color": "#C8CFD6", "width": 1},
        }
    )
    annotations = []
    for edge in analysis.dependencies:
        if edge.constraint == "none" or edge.on not in at or edge.system not in at:
            continue
        a, b = at[edge.on], at[edge.system]
        if edge.constraint == "together":
            shapes.append(_together(a, b))
            continue
        colour = "#7B8794" if a.row.modernised else DEADLINE_COLOUR
        annotations.append(_arrow(a, b, colour))
    right = max(float(count), right)
    periods = period_axis(analysis.periods)
    tickvals = [KEPT, *periods_list(periods["tickvals"])]
    ticktext = ["kept as is", *periods_list(periods["ticktext"])]
    # Labels are annotations on a white ground, drawn after the arrows: legible where an
    # arrow crosses them.
    annotations += [_label(n) for n in nodes]
    fig = figure(
        height=max(220, int(ROW_PX * top) + 70),
        width=WIDTH_PX,
        autosize=False,
        shapes=shapes,
        annotations=annotations,
        showlegend=False,
        hovermode="closest",
        xaxis={
            **periods,
            "side": "top",
            "range": [KEPT_EDGE, right],
            "tickvals": tickvals,
            "ticktext": ticktext,
        },
        yaxis={
            "range": [top - 0.4, -0.7],
            "tickvals": [t for t, _ in ticks],
            "ticktext": [f"<b>{safe(label)}</b>" for _, label in ticks],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "automargin": False,
        },
        margin={"l": WIDTH_PX - PLOT_PX - 20, "r": 10, "t": 34, "b": 10},
    )
    waits: dict[str, list[str]] = defaultdict(list)
    names = {r.system: r.name for r in analysis.systems}
    for edge in analysis.dependencies:
        if edge.constraint != "none":
            waits[edge.system].append(
                f"{safe(names.get(edge.on, edge.on))} ({edge.constraint}, {safe(edge.kind)})"
            )
    fig.add_trace(
        go.Scatter(
            x=[n.x for n in nodes],
            y=[n.y for n in nodes],
            mode="markers",
            marker={
                "size": 12,
                "symbol": ["circle" if n.row.modernised else "circle-open" for n in nodes],
                "color": [KIND_COLOURS.get(n.row.kind, "#999999") for n in nodes],
                "line": {
                    "width": [1.5 if n.row.modernised else 2.5 for n in nodes],
                    "color": ["white" if n.row.modernised else "#888888" for n in nodes],
                },
            },
            customdata=[_hover(n.row, waits) for n in nodes],
            hovertemplate="%{customdata}<extra></extra>",
            cliponaxis=False,
        )
    )
    return fig


def periods_list(value: object) -> list[object]:
    """A list from the period axis (its ticks are lists; the dict is typed loosely)."""
    return list(value) if isinstance(value, list) else []


def _label(n: Node) -> dict[str, object]:
    return {
        "x": n.x,
        "y": n.y,
        "xref": "x",
        "yref": "y",
        "text": safe(n.row.name),
        "showarrow": False,
        "xanchor": "left",
        "xshift": 8,
        "font": {"size": 11, "color": INK if n.row.modernised else MUTED},
        "bgcolor": "rgba(255,255,255,0.85)",
        "borderpad": 0,
    }


def _hover(r: SystemRow, waits: dict[str, list[str]]) -> str:
    when = f"{r.kind}, {r.start} – {r.finish}" if r.modernised else "retained, runs as it is"
    text = f"<b>{safe(r.name)}</b> ({r.system})<br>{safe(r.department)}: {when}"
    if waits[r.system]:
        text += f"<br>depends on: {', '.join(sorted(waits[r.system]))}"
    return text


def _together(a: Node, b: Node) -> dict[str, object]:
    return {
        "type": "line",
        "x0": a.x,
        "y0": a.y,
        "x1": b.x,
        "y1": b.y,
        "xref": "x",
        "yref": "y",
        "line": {"color": "#7B8794", "width": 1.5, "dash": "dash"},
    }


def _arrow(a: Node, b: Node, colour: str) -> dict[str, object]:
    return {
        "x": b.x,
        "y": b.y,
        "ax": a.x,
        "ay": a.y,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 2,
        "arrowsize": 1.1,
        "arrowwidth": 1.3,
        "standoff": 6,
        "startstandoff": 6,
        "arrowcolor": colour,
        "text": "",
    }

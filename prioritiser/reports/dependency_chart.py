"""The dependency view of report.html: modernised systems that wait for each other, placed
by start period and department lane, built from the Analysis only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import plotly.graph_objects as go

from prioritiser.reports.analysis import Analysis, SystemRow
from prioritiser.reports.chart_style import (
    INK,
    KIND_COLOURS,
    figure,
    period_axis,
    safe,
    year_lines,
)

# Rough label geometry for placing the dependency view's nodes without overlapping labels.
PLOT_WIDTH_PX = 1100
LABEL_PX_PER_CHAR = 6.2


def dependency_nodes(analysis: Analysis) -> list[SystemRow]:
    """Modernised systems that wait for, or are waited on by, another modernised system."""
    linked = {e.system for e in analysis.dependencies if e.constraint != "none"}
    linked |= {e.on for e in analysis.dependencies if e.constraint != "none"}
    return [r for r in analysis.systems if r.modernised and r.system in linked]


def _place(
    nodes: Sequence[SystemRow], periods: int
) -> tuple[dict[str, tuple[float, float]], list[tuple[float, str]], float, float]:
    """Lane per department, node at its start; a node moves down a row if labels would touch."""
    per_period = PLOT_WIDTH_PX / max(periods, 1)
    lanes: dict[str, list[SystemRow]] = defaultdict(list)
    for row in nodes:
        lanes[row.department].append(row)
    position: dict[str, tuple[float, float]] = {}
    ticks: list[tuple[float, str]] = []
    top = right = 0.0
    for department in sorted(lanes):
        ends: list[float] = []
        for row in sorted(lanes[department], key=lambda r: (r.start_index or 0, r.system)):
            x = (row.start_index or 0) + 0.5
            width = (len(row.system) * LABEL_PX_PER_CHAR + 18) / per_period
            level = next((i for i, end in enumerate(ends) if end <= x - 0.05), len(ends))
            if level == len(ends):
                ends.append(0.0)
            ends[level] = x + width
            right = max(right, x + width)
            position[row.system] = (x, top + level)
        ticks.append((top + (len(ends) - 1) / 2, department))
        top += len(ends) + 0.6
    return position, ticks, top, right


def dependencies(analysis: Analysis) -> go.Figure | None:
    """Modernised systems that depend on each other: placed by start and department lane.

    An arrow runs from the system that must go first to the one that waits for it; a dashed
    line joins systems that must move together.
    """
    nodes = dependency_nodes(analysis)
    if not nodes:
        return None
    position, ticks, top, right = _place(nodes, len(analysis.periods))
    annotations = []
    shapes = year_lines(analysis.periods)
    for edge in analysis.dependencies:
        if edge.constraint == "none" or edge.on not in position or edge.system not in position:
            continue
        (x0, y0), (x1, y1) = position[edge.on], position[edge.system]
        if edge.constraint == "together":
            shapes.append(
                {
                    "type": "line",
                    "x0": x0,
                    "y0": y0,
                    "x1": x1,
                    "y1": y1,
                    "xref": "x",
                    "yref": "y",
                    "line": {"color": "#7B8794", "width": 1.5, "dash": "dash"},
                }
            )
            continue
        annotations.append(
            {
                "x": x1,
                "y": y1,
                "ax": x0,
                "ay": y0,
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
                "arrowcolor": "#7B8794",
                "text": "",
            }
        )
    waits: dict[str, list[str]] = defaultdict(list)
    for edge in analysis.dependencies:
        if edge.constraint != "none":
            waits[edge.system].append(f"{edge.on} ({edge.constraint}, {safe(edge.kind)})")
    fig = figure(
        height=max(220, int(30 * top) + 60),
        shapes=shapes,
        annotations=annotations,
        showlegend=False,
        hovermode="closest",
        xaxis={
            **period_axis(analysis.periods),
            "side": "top",
            "range": [0, max(len(analysis.periods), right)],
        },
        yaxis={
            "range": [top - 0.4, -0.7],
            "tickvals": [t for t, _ in ticks],
            "ticktext": [f"<b>{safe(label)}</b>" for _, label in ticks],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    fig.add_trace(
        go.Scatter(
            x=[position[r.system][0] for r in nodes],
            y=[position[r.system][1] for r in nodes],
            mode="markers+text",
            text=[r.system for r in nodes],
            textposition="middle right",
            textfont={"size": 11, "color": INK},
            marker={
                "size": 12,
                "color": [KIND_COLOURS.get(r.kind, "#999999") for r in nodes],
                "line": {"width": 1.5, "color": "white"},
            },
            customdata=[
                f"<b>{safe(r.name)}</b> ({r.system})<br>{safe(r.department)}: {r.kind}, "
                f"{r.start} – {r.finish}"
                + (
                    f"<br>waits for: {', '.join(sorted(waits[r.system]))}"
                    if waits[r.system]
                    else ""
                )
                for r in nodes
            ],
            hovertemplate="%{customdata}<extra></extra>",
            cliponaxis=False,
        )
    )
    return fig

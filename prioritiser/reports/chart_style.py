"""How every chart of report.html looks: colours, the plotly template and config, and the
helpers that lay out a period axis (shared by charts.py and dependency_chart.py)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

from prioritiser.reports.analysis import PLATFORMS, RETAINED
from prioritiser.textsafe import plotly_text

# Option kinds in the order a reader meets them, with colour-blind-safe (Okabe-Ito) colours.
KIND_COLOURS: dict[str, str] = {
    "retire": "#555555",
    "rehost": "#56B4E9",
    "replatform": "#0072B2",
    "refactor": "#009E73",
    "replace": "#E69F00",
    "repurchase": "#CC79A7",
    "platform": "#A6761D",
    RETAINED: "#BBBBBB",
}
DEPARTMENT_COLOURS = (
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#E15759",
    "#76B7B2",
    "#EDC948",
    "#B07AA1",
    "#FF9DA7",
    "#9C755F",
    "#86BCB6",
)
PLATFORM_COLOUR = "#A6761D"
DEADLINE_COLOUR = "#D55E00"
CAPACITY_COLOUR = "#222222"
GOOD = "#009E73"
BAD = "#D55E00"
INK = "#1F2933"
MUTED = "#6B7785"

# Plotly.newPlot config for every figure: no logo, no "edit in Chart Studio" link, no network.
PLOT_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "responsive": True,
    "displayModeBar": "hover",
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
}

TEMPLATE = go.layout.Template(
    layout={
        "font": {
            "family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
            "size": 12,
            "color": INK,
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": list(DEPARTMENT_COLOURS),
        "hoverlabel": {"font": {"size": 12}, "align": "left"},
        "xaxis": {
            "showline": True,
            "linecolor": "#C8CFD6",
            "ticks": "",
            "gridcolor": "#EEF1F4",
            "automargin": True,
        },
        "yaxis": {
            "showline": False,
            "gridcolor": "#EEF1F4",
            "zerolinecolor": "#C8CFD6",
            "automargin": True,
        },
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        "margin": {"l": 10, "r": 10, "t": 40, "b": 30},
        "bargap": 0.25,
    }
)


def safe(text: str) -> str:
    """User text made safe for plotly's HTML-like labels."""
    return plotly_text(text)


def department_colours(names: Iterable[str]) -> dict[str, str]:
    """A fixed colour per department (sorted), and the platform colour for shared platforms."""
    ordered = sorted(n for n in set(names) if n != PLATFORMS)
    colours = {
        name: DEPARTMENT_COLOURS[i % len(DEPARTMENT_COLOURS)] for i, name in enumerate(ordered)
    }
    colours[PLATFORMS] = PLATFORM_COLOUR
    return colours


def figure(height: int, **layout: object) -> go.Figure:
    """A blank figure in our template, `height` pixels high."""
    return go.Figure(layout=go.Layout(template=TEMPLATE, height=height, **layout))


def period_axis(periods: Sequence[str], labels: int = 16) -> dict[str, object]:
    """A numeric x axis whose period i spans [i, i+1], labelled mid-period (at most `labels`)."""
    step = max(1, math.ceil(len(periods) / labels))
    return {
        "range": [0, len(periods)],
        "tickvals": [i + 0.5 for i in range(0, len(periods), step)],
        "ticktext": list(periods[::step]),
        "showgrid": False,
        "zeroline": False,
        "fixedrange": True,
    }


def year_lines(periods: Sequence[str]) -> list[dict[str, object]]:
    """Faint vertical lines where a new year starts (for quarterly and monthly axes)."""
    lines = []
    for i in range(1, len(periods)):
        if periods[i][:4] != periods[i - 1][:4]:
            lines.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": i,
                    "x1": i,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#C8CFD6", "width": 1, "dash": "dot"},
                    "layer": "below",
                }
            )
    return lines

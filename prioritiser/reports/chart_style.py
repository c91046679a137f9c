"""How every chart of report.html looks: colours, the plotly template and config, and the
helpers that lay out a period axis (shared by charts.py and dependency_chart.py)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

from prioritiser.reports.analysis import PLATFORMS, RETAINED
from prioritiser.textsafe import plotly_text
from prioritiser.wording import millions

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


NICE_STEPS = (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def money_axis(currency: str, low: float, high: float) -> dict[str, object]:
    """An axis of money in millions from `low` to `high` (money, not millions): ticks
    labelled as every report writes money (`£2.5m`, `-£5.0m`; plotly's own prefix would
    read `£−5.0m`). Values plotted on it are divided by a million (`in_millions`)."""
    low, high = min(low, 0.0) / 1e6, max(high, 0.0) / 1e6
    span = (high - low) or 1.0
    step = next((s for s in NICE_STEPS if span / s <= 6), NICE_STEPS[-1])
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 6))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 6))
    decimals = 0 if step >= 1 and all(float(t).is_integer() for t in ticks) else 1
    if step < 0.1 or (step % 0.1 and step < 1):
        decimals = 2
    return {
        "tickvals": ticks,
        "ticktext": [millions(t * 1e6, currency, decimals) for t in ticks],
        "range": [ticks[0] - step * 0.05, ticks[-1] + step * 0.05],
        "fixedrange": True,
    }


def in_millions(values: Iterable[float]) -> list[float]:
    return [round(v / 1e6, 6) for v in values]


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

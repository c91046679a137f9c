"""The plotly figures of report.html, built from the Analysis only (no recomputation).

Every figure has a fixed div id and a lean template, and is serialised without uids, so the
same analysis always gives the same bytes.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from prioritiser.reports.analysis import (
    PLATFORMS,
    RETAINED,
    Analysis,
    PlatformRow,
    ResourceRow,
    SystemRow,
)
from prioritiser.textsafe import plotly_text
from prioritiser.wording import currency_symbol, money

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

GANTT = "chart-gantt"
BUDGET = "chart-budget"
PAYBACK = "chart-payback"
RESOURCES = "chart-resources"
BENEFITS = "chart-benefits"
RISK = "chart-risk"
DEPENDENCIES = "chart-dependencies"


def _t(text: str) -> str:
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


def _figure(height: int, **layout: object) -> go.Figure:
    return go.Figure(layout=go.Layout(template=TEMPLATE, height=height, **layout))


def _period_axis(periods: Sequence[str], labels: int = 16) -> dict[str, object]:
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


def _year_lines(periods: Sequence[str]) -> list[dict[str, object]]:
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


# --- the roadmap Gantt ---------------------------------------------------------------------


def _gantt_rows(analysis: Analysis) -> list[tuple[str, str, SystemRow | PlatformRow | None]]:
    """(kind of row, label, item) top to bottom: platforms, then each department's systems."""
    rows: list[tuple[str, str, SystemRow | PlatformRow | None]] = []
    if analysis.platforms:
        rows.append(("header", PLATFORMS, None))
        rows += [("platform", p.name, p) for p in analysis.platforms]
    by_department: dict[str, list[SystemRow]] = defaultdict(list)
    for row in analysis.systems:
        if row.modernised:
            by_department[row.department].append(row)
    for department in sorted(by_department):
        rows.append(("header", department, None))
        ordered = sorted(by_department[department], key=lambda r: (r.start_index, r.system))
        rows += [("system", r.name, r) for r in ordered]
    return rows


def gantt(analysis: Analysis) -> go.Figure:
    """When each modernised system is in flight, by department, coloured by option kind."""
    cur = analysis.currency
    rows = _gantt_rows(analysis)
    bars: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    markers: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    shapes = _year_lines(analysis.periods)
    band = 0
    for y, (what, label, item) in enumerate(rows):
        if what == "header":
            band += 1
            if band % 2 == 0:
                shapes.append(_band(y, len(rows)))
            continue
        if isinstance(item, SystemRow):
            kind, start, finish = item.kind, item.start_index or 0, item.finish_index or 0
            hover = (
                f"<b>{_t(item.name)}</b> ({item.system})<br>{_t(item.department)}: {item.option} "
                f"({item.kind})<br>{item.start} – {item.finish}<br>"
                f"NPV {money(item.npv or 0.0, cur)} · one-off {money(item.one_off_cost, cur)}"
                + (" · <i>locked (in flight)</i>" if item.locked else "")
            )
            _deadline_markers(markers, item, y, len(analysis.periods))
        elif isinstance(item, PlatformRow):
            kind = "platform"
            start, finish = item.start_index, item.finish_index
            hover = (
                f"<b>{_t(label)}</b><br>platform set-up {item.start} – {item.finish}, "
                f"ready {item.ready}<br>cost {money(item.cost, cur)} · used by "
                f"{len(item.users)} systems"
            )
        else:
            continue  # only headers carry no item, and they continued above
        trace = bars[kind]
        trace["y"].append(y)
        trace["base"].append(start)
        trace["x"].append(finish - start + 1)
        trace["hover"].append(hover)
        trace["pattern"].append("/" if isinstance(item, SystemRow) and item.locked else "")
    fig = _figure(
        height=max(150, 22 * len(rows) + 60),
        barmode="overlay",
        bargap=0.3,
        shapes=shapes,
        xaxis={**_period_axis(analysis.periods), "side": "top"},
        yaxis={
            "range": [len(rows) - 0.5, -0.5],
            "tickvals": list(range(len(rows))),
            "ticktext": [
                f"<b>{_t(label)}</b>" if what == "header" else _t(label) for what, label, _ in rows
            ],
            "showgrid": False,
            "fixedrange": True,
            "automargin": True,
            "ticklabelstandoff": 6,
        },
        # The page shows the legend above the chart, where a reader needs it first.
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    for kind in KIND_COLOURS:
        if kind not in bars:
            continue
        trace = bars[kind]
        fig.add_trace(
            go.Bar(
                name="platform set-up" if kind == "platform" else kind,
                orientation="h",
                y=trace["y"],
                x=trace["x"],
                base=trace["base"],
                marker={
                    "color": KIND_COLOURS[kind],
                    "line": {"width": 0},
                    "pattern": {
                        "shape": trace["pattern"],
                        "fillmode": "overlay",
                        "fgcolor": "white",
                        "size": 7,
                    },
                },
                customdata=trace["hover"],
                hovertemplate="%{customdata}<extra></extra>",
                width=0.7,
            )
        )
    for name, symbol in (("end of support", "x-thin-open"), ("must modernise by", "line-ns")):
        if name in markers:
            fig.add_trace(
                go.Scatter(
                    name=name,
                    mode="markers",
                    x=markers[name]["x"],
                    y=markers[name]["y"],
                    customdata=markers[name]["hover"],
                    hovertemplate="%{customdata}<extra></extra>",
                    marker={
                        "symbol": symbol,
                        "size": 11,
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


def _deadline_markers(
    markers: dict[str, dict[str, list[object]]], row: SystemRow, y: int, count: int
) -> None:
    """Mark the end of the end-of-support period (and any deadline) on a system's row."""
    if row.end_of_support_index is not None and row.end_of_support_index < count:
        markers["end of support"]["x"].append(max(row.end_of_support_index, -1) + 1)
        markers["end of support"]["y"].append(y)
        markers["end of support"]["hover"].append(
            f"<b>{_t(row.name)}</b><br>end of support {row.end_of_support}"
        )
    if row.deadline_index is not None and row.deadline_index < count:
        markers["must modernise by"]["x"].append(max(row.deadline_index, -1) + 1)
        markers["must modernise by"]["y"].append(y)
        markers["must modernise by"]["hover"].append(
            f"<b>{_t(row.name)}</b><br>must be modernised by {row.must_modernise_by}"
        )


# --- money and resources per period ----------------------------------------------------------


def _stacked_use(
    fig: go.Figure,
    row: ResourceRow,
    colours: dict[str, str],
    money_unit: str | None,
    subplot: dict[str, int],
    legend: set[str] | bool,
) -> None:
    """Bars of `row`'s use by department plus its capacity as a step line.

    `legend` is True (show every entry) or the set of names already in the legend (updated).
    """

    def show(name: str) -> bool:
        if isinstance(legend, bool):
            return legend
        new = name not in legend
        legend.add(name)
        return new

    x = [i + 0.5 for i in range(len(row.use))]
    fmt: Callable[[float], str] = (
        (lambda v: money(v, money_unit)) if money_unit else (lambda v: f"{v:,.1f}")
    )
    for name, lanes in row.by_department.items():
        fig.add_trace(
            go.Bar(
                name=_t(name),
                legendrank=900 if name == PLATFORMS else 100 + sorted(colours).index(name),
                x=x,
                y=lanes,
                width=0.8,
                marker={"color": colours.get(name, "#999999"), "line": {"width": 0}},
                legendgroup=name,
                showlegend=show(name),
                customdata=[f"{_t(name)}: {fmt(v)}" for v in lanes],
                hovertemplate="%{customdata}<extra></extra>",
            ),
            **subplot,
        )
    steps_x, steps_y = [], []
    for i, cap in enumerate(row.capacity):
        steps_x += [i, i + 1]
        steps_y += [cap, cap]
    fig.add_trace(
        go.Scatter(
            name="capacity",
            legendrank=1000,
            x=steps_x,
            y=steps_y,
            mode="lines",
            line={"color": CAPACITY_COLOUR, "width": 2, "dash": "dash"},
            legendgroup="capacity",
            showlegend=show("capacity"),
            customdata=[fmt(v) for v in steps_y],
            hovertemplate="capacity %{customdata}<extra></extra>",
        ),
        **subplot,
    )


def budget(analysis: Analysis) -> go.Figure | None:
    """Spend per period, stacked by department, against the budget line."""
    row = analysis.budget
    if row is None:
        return None
    colours = department_colours(row.by_department)
    fig = _figure(
        height=340,
        barmode="stack",
        hovermode="x unified",
        shapes=_year_lines(analysis.periods),
        xaxis=_period_axis(analysis.periods, labels=6),
        yaxis={
            "tickprefix": currency_symbol(analysis.currency),
            "tickformat": "~s",
            "fixedrange": True,
            "rangemode": "tozero",
        },
    )
    _stacked_use(fig, row, colours, analysis.currency, {}, legend=True)
    return fig


def resources(analysis: Analysis) -> go.Figure | None:
    """Each non-money resource (people, skills) per period against its capacity."""
    rows = [r for r in analysis.resources if r.name != analysis.budget_resource]
    if not rows:
        return None
    cols = min(len(rows), 3)
    count = math.ceil(len(rows) / cols)
    fig = make_subplots(
        rows=count,
        cols=cols,
        subplot_titles=[_t(f"{r.name.replace('_', ' ')} ({r.unit or 'units'})") for r in rows],
        horizontal_spacing=0.06,
        # A fixed gap in pixels (plotly takes a share of the height, at most 1 / (rows - 1)).
        vertical_spacing=min(0.18, 70 / (260 * count + 60)) if count > 1 else 0.1,
    )
    names = [n for r in analysis.resources for n in r.by_department]
    colours = department_colours(names)
    shown: set[str] = set()
    for i, row in enumerate(rows):
        place = {"row": i // cols + 1, "col": i % cols + 1}
        _stacked_use(fig, row, colours, None, place, legend=shown)
        axis = _period_axis(analysis.periods, labels=6)
        fig.update_xaxes(**axis, **place)
        fig.update_yaxes(rangemode="tozero", fixedrange=True, **place)
    fig.update_layout(
        template=TEMPLATE,
        height=260 * count + 60,
        barmode="stack",
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
    )
    return fig


def payback(analysis: Analysis) -> go.Figure:
    """One-off spend and cashable savings by year, and the cumulative net position."""
    cur = analysis.currency
    years = [str(y) for y in analysis.cashable_by_year]
    spend = [analysis.spend_by_year.get(int(y), 0.0) for y in years]
    saved = [analysis.cashable_by_year[int(y)] for y in years]
    net, running = [], 0.0
    for s, v in zip(spend, saved, strict=True):
        running += v - s
        net.append(round(running, 2))
    fig = _figure(
        height=340,
        barmode="group",
        hovermode="x unified",
        xaxis={"type": "category", "fixedrange": True, "showgrid": False},
        yaxis={
            "tickprefix": currency_symbol(cur),
            "tickformat": "~s",
            "fixedrange": True,
            "zeroline": True,
        },
    )
    for name, values, colour in (
        ("one-off spend", [-v for v in spend], BAD),
        ("cashable savings", saved, GOOD),
    ):
        fig.add_trace(
            go.Bar(
                name=name,
                x=years,
                y=values,
                marker={"color": colour, "line": {"width": 0}},
                customdata=[money(abs(v), cur) for v in values],
                hovertemplate=f"{name}: %{{customdata}}<extra></extra>",
                text=[money(abs(v), cur) if v else "" for v in values],
                textposition="outside",
                cliponaxis=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            name="cumulative net cash",
            x=years,
            y=net,
            mode="lines+markers",
            line={"color": INK, "width": 2},
            customdata=[money(v, cur) for v in net],
            hovertemplate="cumulative net: %{customdata}<extra></extra>",
        )
    )
    return fig


# --- who pays and who benefits, risk ---------------------------------------------------------


def benefits(analysis: Analysis) -> go.Figure:
    """Per department: present value of what it pays against the value it receives."""
    cur = analysis.currency
    names = [d.department for d in analysis.departments]
    pays = [d.pays_pv for d in analysis.departments]
    gets = [d.benefits_pv for d in analysis.departments]
    if analysis.platforms_cost_pv:
        names.append(PLATFORMS)
        pays.append(analysis.platforms_cost_pv)
        gets.append(0.0)
    fig = _figure(
        height=max(240, 56 * len(names) + 80),
        barmode="group",
        yaxis={"autorange": "reversed", "fixedrange": True, "automargin": True},
        xaxis={
            "tickprefix": currency_symbol(cur),
            "tickformat": "~s",
            "fixedrange": True,
            "rangemode": "tozero",
        },
        margin={"l": 10, "r": 60, "t": 40, "b": 30},
    )
    for name, values, colour in (
        ("pays (one-off cost, present value)", pays, BAD),
        ("benefits (savings and value, present value)", gets, GOOD),
    ):
        fig.add_trace(
            go.Bar(
                name=name,
                orientation="h",
                y=[_t(n) for n in names],
                x=values,
                marker={"color": colour, "line": {"width": 0}},
                text=[money(v, cur) if v else "" for v in values],
                textposition="outside",
                cliponaxis=False,
                customdata=[money(v, cur) for v in values],
                hovertemplate="%{y}: %{customdata}<extra>" + name.split(" (")[0] + "</extra>",
            )
        )
    return fig


def risk(analysis: Analysis) -> go.Figure:
    """Legacy risk exposure per period, with and without the plan (a step per period)."""
    count = len(analysis.periods)
    x = list(range(count + 1))
    fig = _figure(
        height=340,
        hovermode="x unified",
        shapes=_year_lines(analysis.periods),
        xaxis=_period_axis(analysis.periods, labels=6),
        yaxis={"title": {"text": "legacy risk points"}, "rangemode": "tozero", "fixedrange": True},
    )
    fig.add_trace(
        go.Scatter(
            name="without the plan",
            x=x,
            y=[*analysis.risk_without_plan, *analysis.risk_without_plan[-1:]],
            mode="lines",
            line={"color": BAD, "width": 2, "dash": "dash", "shape": "hv"},
            hovertemplate="without the plan: %{y:.0f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            name="with the plan",
            x=x,
            y=[*analysis.risk_with_plan, *analysis.risk_with_plan[-1:]],
            mode="lines",
            line={"color": GOOD, "width": 3, "shape": "hv"},
            fill="tonexty",
            fillcolor="rgba(0,158,115,0.15)",
            hovertemplate="with the plan: %{y:.0f}<extra></extra>",
        )
    )
    return fig


# --- dependency view -----------------------------------------------------------------------


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
    shapes = _year_lines(analysis.periods)
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
            waits[edge.system].append(f"{edge.on} ({edge.constraint}, {_t(edge.kind)})")
    fig = _figure(
        height=max(220, int(30 * top) + 60),
        shapes=shapes,
        annotations=annotations,
        showlegend=False,
        hovermode="closest",
        xaxis={
            **_period_axis(analysis.periods),
            "side": "top",
            "range": [0, max(len(analysis.periods), right)],
        },
        yaxis={
            "range": [top - 0.4, -0.7],
            "tickvals": [t for t, _ in ticks],
            "ticktext": [f"<b>{_t(label)}</b>" for _, label in ticks],
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
                f"<b>{_t(r.name)}</b> ({r.system})<br>{_t(r.department)}: {r.kind}, "
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


# --- all figures ---------------------------------------------------------------------------


def figures(analysis: Analysis) -> dict[str, go.Figure]:
    """Every figure of the report by its fixed div id (absent ones are left out)."""
    built: dict[str, go.Figure | None] = {
        GANTT: gantt(analysis),
        BUDGET: budget(analysis),
        PAYBACK: payback(analysis),
        RESOURCES: resources(analysis),
        BENEFITS: benefits(analysis),
        RISK: risk(analysis),
        DEPENDENCIES: dependencies(analysis),
    }
    return {key: fig for key, fig in built.items() if fig is not None}


def figure_json(fig: go.Figure) -> dict[str, object]:
    """A figure as plain JSON data (no uids; stable key order)."""
    data: dict[str, object] = json.loads(
        pio.to_json(fig, validate=False, remove_uids=True, engine="json")
    )
    return data

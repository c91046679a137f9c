"""The plotly figures of report.html, built from the Analysis only (no recomputation).

Every figure has a fixed div id and a lean template, and is serialised without uids, so the
same analysis always gives the same bytes. How they look is `chart_style.py`; the dependency
view is `dependency_chart.py`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from prioritiser.reports.analysis import (
    PLATFORMS,
    Analysis,
    PlatformRow,
    ResourceRow,
    SystemRow,
)
from prioritiser.reports.appraisal_chart import unsupported_lines
from prioritiser.reports.chart_style import (
    BAD,
    CAPACITY_COLOUR,
    DEADLINE_COLOUR,
    GOOD,
    INK,
    KIND_COLOURS,
    TEMPLATE,
    department_colours,
    figure,
    period_axis,
    safe,
    year_lines,
)
from prioritiser.reports.dependency_chart import dependencies
from prioritiser.wording import currency_symbol, money

GANTT = "chart-gantt"
BUDGET = "chart-budget"
PAYBACK = "chart-payback"
RESOURCES = "chart-resources"
BENEFITS = "chart-benefits"
RISK = "chart-risk"
DEPENDENCIES = "chart-dependencies"


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
    shapes = year_lines(analysis.periods)
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
                f"<b>{safe(item.name)}</b> ({item.system})<br>{safe(item.department)}: {item.option} "
                f"({item.kind})<br>{item.start} – {item.finish}<br>"
                f"NPV {money(item.npv or 0.0, cur)} · one-off {money(item.one_off_cost, cur)}"
                + (" · <i>locked (in flight)</i>" if item.locked else "")
            )
            _deadline_markers(markers, item, y, len(analysis.periods))
        elif isinstance(item, PlatformRow):
            kind = "platform"
            start, finish = item.start_index, item.finish_index
            hover = (
                f"<b>{safe(label)}</b><br>platform set-up {item.start} – {item.finish}, "
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
    fig = figure(
        height=max(150, 22 * len(rows) + 60),
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
            f"<b>{safe(row.name)}</b><br>end of support {row.end_of_support}"
        )
    if row.deadline_index is not None and row.deadline_index < count:
        markers["must modernise by"]["x"].append(max(row.deadline_index, -1) + 1)
        markers["must modernise by"]["y"].append(y)
        markers["must modernise by"]["hover"].append(
            f"<b>{safe(row.name)}</b><br>must be modernised by {row.must_modernise_by}"
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
                name=safe(name),
                legendrank=900 if name == PLATFORMS else 100 + sorted(colours).index(name),
                x=x,
                y=lanes,
                width=0.8,
                marker={"color": colours.get(name, "#999999"), "line": {"width": 0}},
                legendgroup=name,
                showlegend=show(name),
                customdata=[f"{safe(name)}: {fmt(v)}" for v in lanes],
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
    fig = figure(
        height=340,
        barmode="stack",
        hovermode="x unified",
        shapes=year_lines(analysis.periods),
        xaxis=period_axis(analysis.periods, labels=6),
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
        subplot_titles=[safe(f"{r.name.replace('_', ' ')} ({r.unit or 'units'})") for r in rows],
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
        axis = period_axis(analysis.periods, labels=6)
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
    fig = figure(
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
    fig = figure(
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
                y=[safe(n) for n in names],
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
    fig = figure(
        height=340,
        hovermode="x unified",
        shapes=year_lines(analysis.periods),
        xaxis=period_axis(analysis.periods, labels=6),
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
    if analysis.appraisal is not None:
        unsupported_lines(fig, analysis.appraisal, x)
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

"""The plotly figures of report.html, built from the Analysis only (no recomputation).

Every figure has a fixed div id and a lean template, and is serialised without uids, so the
same analysis always gives the same bytes. How they look is `chart_style.py`; the dependency
view is `dependency_chart.py`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from prioritiser.reports.analysis import (
    PLATFORMS,
    Analysis,
    ResourceRow,
)
from prioritiser.reports.appraisal_chart import unsupported_lines
from prioritiser.reports.chart_style import (
    BAD,
    CAPACITY_COLOUR,
    GOOD,
    INK,
    TEMPLATE,
    department_colours,
    figure,
    in_millions,
    money_axis,
    period_axis,
    safe,
    year_lines,
)
from prioritiser.reports.dependency_chart import dependencies
from prioritiser.reports.gantt import GANTT as GANTT
from prioritiser.reports.gantt import GANTT_PRINT, GANTT_RETAINED_PRINT, PRINT_SIZE, gantt
from prioritiser.wording import is_money_unit, money

BUDGET = "chart-budget"
PAYBACK = "chart-payback"
RESOURCES = "chart-resources"
BENEFITS = "chart-benefits"
RISK = "chart-risk"
DEPENDENCIES = "chart-dependencies"


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
                y=in_millions(lanes) if money_unit else lanes,
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
            y=in_millions(steps_y) if money_unit else steps_y,
            mode="lines",
            line={"color": CAPACITY_COLOUR, "width": 2, "dash": "dash"},
            legendgroup="capacity",
            showlegend=show("capacity"),
            customdata=[fmt(v) for v in steps_y],
            hovertemplate="capacity %{customdata}<extra></extra>",
        ),
        **subplot,
    )


def _stacks(row: ResourceRow) -> list[float]:
    """The height of each period's stack of bars."""
    return [sum(lanes[t] for lanes in row.by_department.values()) for t in range(len(row.use))]


def money_rows(analysis: Analysis) -> list[ResourceRow]:
    """The money resources, the budget first (capex, then resource money such as rdel)."""
    rows = [r for r in analysis.resources if is_money_unit(r.unit, analysis.currency)]
    return sorted(rows, key=lambda r: r.name != analysis.budget_resource)


def budget(analysis: Analysis) -> go.Figure | None:
    """Spend per period, stacked by department, against the budget line: one panel per
    money resource (capex, and rdel where the appraisal splits the money), in money."""
    row = analysis.budget
    if row is None:
        return None
    rows = money_rows(analysis) or [row]
    colours = department_colours([n for r in rows for n in r.by_department])
    if len(rows) == 1:
        fig = figure(
            height=340,
            barmode="stack",
            hovermode="x unified",
            shapes=year_lines(analysis.periods),
            xaxis=period_axis(analysis.periods, labels=6),
            yaxis=money_axis(analysis.currency, 0.0, max([*row.capacity, *_stacks(row)])),
        )
        _stacked_use(fig, row, colours, analysis.currency, {}, legend=True)
        return fig
    fig = make_subplots(
        rows=1,
        cols=len(rows),
        subplot_titles=[safe(f"{r.name.replace('_', ' ')} ({r.unit})") for r in rows],
        horizontal_spacing=0.1,
    )
    shown: set[str] = set()
    for i, r in enumerate(rows):
        place = {"row": 1, "col": i + 1}
        _stacked_use(fig, r, colours, analysis.currency, place, legend=shown)
        fig.update_xaxes(**period_axis(analysis.periods, labels=4), **place)
        fig.update_yaxes(
            **money_axis(analysis.currency, 0.0, max([*r.capacity, *_stacks(r)])), **place
        )
    fig.update_layout(
        template=TEMPLATE,
        height=360,
        barmode="stack",
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
    )
    return fig


def resources(analysis: Analysis) -> go.Figure | None:
    """Each non-money resource (people, skills) per period against its capacity; money is
    in the budget chart."""
    money = {r.name for r in money_rows(analysis)} | {analysis.budget_resource}
    rows = [r for r in analysis.resources if r.name not in money]
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
    if analysis.board is not None and analysis.board.cases:  # by financial year
        cash = analysis.board.cash_by_year()
        years = [label for label, _, _ in cash]
        spend = [s for _, s, _ in cash]
        saved = [v for _, _, v in cash]
    else:
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
            **money_axis(cur, min([0.0, *net, *(-v for v in spend)]), max([0.0, *net, *saved])),
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
                y=in_millions(values),
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
            y=in_millions(net),
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
        xaxis=money_axis(cur, 0.0, max([0.0, *pays, *gets]) * 1.15),
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
                x=in_millions(values),
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
        GANTT_PRINT: gantt(analysis, "modernised", PRINT_SIZE),
        GANTT_RETAINED_PRINT: gantt(analysis, "retained", PRINT_SIZE),
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

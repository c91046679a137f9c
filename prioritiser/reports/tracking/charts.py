"""The plotly figures of tracking.html, in report.html's style (same template and colours).

Built from the `Tracking` only; serialised without uids, so the same tracking gives the same
bytes.
"""

from __future__ import annotations

import plotly.graph_objects as go

from prioritiser.reports.chart_style import BAD, GOOD, INK, MUTED, TEMPLATE
from prioritiser.textsafe import plotly_text
from prioritiser.tracking import Tracking
from prioritiser.wording import currency_symbol, money

S_CURVE = "chart-s-curve"
BENEFITS = "chart-benefits"
PERFORMANCE = "chart-performance"
RAG_COLOURS = {"green": "#009E73", "amber": "#E69F00", "red": "#D55E00"}
PLANNED = "#1D3557"
EARNED = GOOD
ACTUAL = BAD


def _m(value: float, currency: str) -> str:
    """Money for a plotly label (the currency code is inventory text)."""
    return plotly_text(money(value, currency))


def _money_axis(currency: str) -> dict[str, object]:
    return {
        "tickprefix": currency_symbol(currency),
        "tickformat": "~s",
        "fixedrange": True,
        "rangemode": "tozero",
    }


def s_curve(t: Tracking) -> go.Figure:
    """Cumulative planned value over the horizon; earned value, actual cost and the forecast
    spend to date and after (undiscounted cash)."""
    cur = t.currency
    curve = t.s_curve
    periods = list(curve.periods)
    fig = go.Figure(
        layout=go.Layout(
            template=TEMPLATE,
            height=380,
            hovermode="x unified",
            xaxis={"type": "category", "fixedrange": True, "showgrid": False},
            yaxis=_money_axis(cur),
        )
    )
    shown = len(curve.earned)
    series = (
        ("planned value (baseline)", periods, list(curve.planned), PLANNED, "solid"),
        ("earned value", periods[:shown], list(curve.earned), EARNED, "solid"),
        ("actual cost", periods[:shown], list(curve.actual), ACTUAL, "solid"),
    )
    for name, x, y, colour, dash in series:
        fig.add_trace(_line(name, x, y, colour, dash, cur))
    ahead = [(p, v) for p, v in zip(periods, t.forecast_curve, strict=True) if v is not None]
    if len(ahead) > 1:
        fig.add_trace(
            _line(
                "forecast spend (re-forecast)",
                [p for p, _ in ahead],
                [v for _, v in ahead],
                ACTUAL,
                "dot",
                cur,
            )
        )
    if 0 <= t.as_of < len(periods):
        fig.add_vline(x=t.as_of, line={"color": MUTED, "width": 1, "dash": "dash"})
        fig.add_annotation(
            x=t.as_of,
            y=1,
            yref="paper",
            text=f"as of {plotly_text(t.as_of_label)}",
            showarrow=False,
            xanchor="left",
            xshift=4,
            yanchor="top",
            font={"color": MUTED, "size": 11},
        )
    return fig


def _line(name: str, x: list[str], y: list[float], colour: str, dash: str, cur: str) -> go.Scatter:
    return go.Scatter(
        name=name,
        x=x,
        y=[round(v, 2) for v in y],
        mode="lines+markers",
        line={"color": colour, "width": 2.5, "dash": dash},
        marker={"size": 5},
        customdata=[_m(v, cur) for v in y],
        hovertemplate=f"{name}: %{{customdata}}<extra></extra>",
    )


def benefits(t: Tracking) -> go.Figure:
    """Per department: cashable and non-cashable benefits planned to date against realised."""
    cur = t.currency
    departments = t.departments
    names = [plotly_text(d) for d in departments]
    fig = go.Figure(
        layout=go.Layout(
            template=TEMPLATE,
            height=max(260, 64 * len(names) + 90),
            barmode="group",
            yaxis={"autorange": "reversed", "fixedrange": True, "automargin": True},
            xaxis=_money_axis(cur),
            margin={"l": 10, "r": 60, "t": 50, "b": 30},
        )
    )
    series = (
        ("cashable planned", [b.cashable_planned for b in departments.values()], "#9DB4CF"),
        ("cashable realised", [b.cashable_realised for b in departments.values()], PLANNED),
        ("non-cashable planned", [b.non_cashable_planned for b in departments.values()], "#A8DCC9"),
        ("non-cashable realised", [b.non_cashable_realised for b in departments.values()], GOOD),
    )
    for name, values, colour in series:
        fig.add_trace(
            go.Bar(
                name=name,
                orientation="h",
                y=names,
                x=[round(v, 2) for v in values],
                marker={"color": colour, "line": {"width": 0}},
                text=[_m(v, cur) if v else "" for v in values],
                textposition="outside",
                cliponaxis=False,
                customdata=[_m(v, cur) for v in values],
                hovertemplate="%{y}: %{customdata}<extra>" + name + "</extra>",
            )
        )
    return fig


def performance(t: Tracking) -> go.Figure | None:
    """Each system with both indices: SPI across, CPI up, coloured by its RAG status."""
    points = [s for s in t.systems if s.value.spi is not None and s.value.cpi is not None]
    if not points:
        return None
    fig = go.Figure(
        layout=go.Layout(
            template=TEMPLATE,
            height=380,
            xaxis={"title": {"text": "SPI (earned ÷ planned)"}, "fixedrange": True},
            yaxis={"title": {"text": "CPI (earned ÷ spent)"}, "fixedrange": True},
            showlegend=True,
        )
    )
    for line in ("x", "y"):
        other = "y" if line == "x" else "x"
        fig.add_shape(
            type="line",
            **{
                f"{line}0": 1,
                f"{line}1": 1,
                f"{other}ref": "paper",
                f"{other}0": 0,
                f"{other}1": 1,
            },
            line={"color": INK, "width": 1, "dash": "dot"},
            layer="below",
        )
    for colour in ("red", "amber", "green"):
        mine = [s for s in points if s.rating.colour == colour]
        if not mine:
            continue
        fig.add_trace(
            go.Scatter(
                name=colour,
                x=[round(s.value.spi or 0.0, 4) for s in mine],
                y=[round(s.value.cpi or 0.0, 4) for s in mine],
                # Green systems crowd around (1, 1): only the others are labelled.
                mode="markers" if colour == "green" else "markers+text",
                text=[plotly_text(s.system) for s in mine],
                textposition="top center",
                textfont={"size": 10, "color": MUTED},
                marker={
                    "size": 11,
                    "color": RAG_COLOURS[colour],
                    "line": {"width": 1, "color": "white"},
                },
                customdata=[plotly_text(s.rating.rendered) for s in mine],
                hovertemplate="%{text}: SPI %{x:.2f}, CPI %{y:.2f}<br>%{customdata}<extra></extra>",
            )
        )
    return fig


def figures(t: Tracking) -> dict[str, go.Figure]:
    """Every figure of tracking.html by its fixed div id (absent ones left out)."""
    built = {S_CURVE: s_curve(t), BENEFITS: benefits(t), PERFORMANCE: performance(t)}
    return {key: fig for key, fig in built.items() if fig is not None}

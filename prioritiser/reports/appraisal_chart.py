"""The appraisal on the risk chart: systems past their end of support in each period, without
the plan and with it, on a second axis (report.html's "Legacy risk exposure over time")."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from prioritiser.reports.appraisal import AppraisalReport


def unsupported_lines(fig: go.Figure, p: AppraisalReport, x: list[int]) -> None:
    """Systems past their end of support per period, without and with the plan (right axis)."""
    most = max([*p.unsupported_without, 1])
    fig.update_layout(
        yaxis2={
            "title": {"text": "systems past end of support"},
            "overlaying": "y",
            "side": "right",
            "range": [0, most + 1],
            "dtick": max(1, math.ceil(most / 4)),
            "tickformat": "d",
            "fixedrange": True,
            "showgrid": False,
        }
    )
    for name, values, width, dash in (
        ("unsupported without the plan", p.unsupported_without, 1.5, "dot"),
        ("unsupported with the plan", p.unsupported_with, 2.5, "dashdot"),
    ):
        fig.add_trace(
            go.Scatter(
                name=name,
                x=x,
                y=[*values, *values[-1:]],
                yaxis="y2",
                mode="lines",
                line={"color": "#7a4fb0", "width": width, "dash": dash, "shape": "hv"},
                hovertemplate=f"{name}: %{{y:.0f}} systems<extra></extra>",
            )
        )

"""The outputs of `frontier` (`prioritiser.scenarios.frontier`), each written atomically.

`frontier.csv` (columns `capacity_scale, capacity_total, objective, status, gap,
systems_modernised`), `frontier.json` (the same plus marginal values), `frontier.md` and
`frontier.html` (a self-contained plotly chart). A step the solver did not improve on is
marked `carried forward` in frontier.md and frontier.json.
"""

from __future__ import annotations

import io
import json
from itertools import pairwise
from pathlib import Path
from typing import Any

from prioritiser.atomic import write_output_set
from prioritiser.reports.chart_page import figure_html
from prioritiser.scenarios.frontier import Frontier
from prioritiser.scenarios.variants import rounded
from prioritiser.textsafe import markdown_text, plotly_text, spreadsheet_csv
from prioritiser.wording import money, plural

CSV_COLUMNS = (
    "capacity_scale",
    "capacity_total",
    "objective",
    "status",
    "gap",
    "systems_modernised",
)


def render_csv(result: Frontier) -> str:
    out = io.StringIO()
    writer = spreadsheet_csv(out)
    writer.writerow(CSV_COLUMNS)
    for step in result.steps:
        writer.writerow(
            [
                _num(step.scale, 6),
                _num(step.capacity_total, 2),
                _num(step.objective, 2),
                step.roadmap.status,
                _num(step.roadmap.gap, 6),
                "" if step.systems_modernised is None else step.systems_modernised,
            ]
        )
    return out.getvalue()


def _num(value: float | None, places: int) -> str:
    if value is None:
        return ""
    text = f"{round(value, places):.{places}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def frontier_data(result: Frontier) -> dict[str, Any]:
    spec = result.inventory.resources[result.resource]
    return {
        "resource": result.resource,
        "unit": spec.unit,
        "steps": [
            {
                "capacity_scale": step.scale,
                "capacity_total": round(step.capacity_total, 2),
                "objective": rounded(step.objective),
                "status": step.roadmap.status,
                "gap": rounded(step.roadmap.gap, 6),
                "systems_modernised": step.systems_modernised,
                "carried_forward": step.carried_forward,
                "modernised": sorted(d.system for d in step.roadmap.decisions),
            }
            for step in result.steps
        ],
        "marginal_values": [
            {
                "from_scale": m.from_scale,
                "to_scale": m.to_scale,
                "value_per_unit": rounded(m.value_per_unit, 6),
            }
            for m in result.marginal_values()
        ],
    }


def render_markdown(result: Frontier) -> str:
    inventory = result.inventory
    currency = inventory.portfolio.currency
    unit = markdown_text(inventory.resources[result.resource].unit or "unit")
    resource = markdown_text(result.resource)
    lines = [
        f"# Efficient frontier of {resource} — {markdown_text(inventory.portfolio.name)}",
        "",
        f"Every capacity of {resource} (per period, overrides and total) scaled; each "
        "step warm-started from the previous one, so the NPV never falls as capacity grows.",
        "",
        "| Scale | Capacity over horizon | NPV | Status | Gap | Systems modernised |",
        "|---:|---:|---:|---|---:|---:|",
    ]
    for step in result.steps:
        status = step.roadmap.status + (" (carried forward)" if step.carried_forward else "")
        lines.append(
            f"| {step.scale:g} | {step.capacity_total:,.0f} {unit} | "
            f"{'—' if step.objective is None else money(step.objective, currency)} | {status} | "
            f"{'—' if step.roadmap.gap is None else f'{100 * step.roadmap.gap:.2f} %'} | "
            f"{'—' if step.systems_modernised is None else step.systems_modernised} |"
        )
    lines += ["", f"## Marginal value of one more {unit} of {resource}", ""]
    marginals = result.marginal_values()
    if not marginals:
        lines.append("Fewer than two feasible steps: no marginal value to show.")
    else:
        lines += ["| Between scales | Extra NPV per extra unit |", "|---|---:|"]
        for m in marginals:
            value = "—" if m.value_per_unit is None else f"{m.value_per_unit:,.4g}"
            lines.append(f"| {m.from_scale:g} → {m.to_scale:g} | {value} |")
    carried = [s for s in result.steps if s.carried_forward]
    if carried:
        lines += [
            "",
            "Carried forward: at "
            + ", ".join(f"{s.scale:g}" for s in carried)
            + " the solver did not beat the previous step's roadmap within its limits, so "
            "that roadmap (still feasible) is reported, with the gap to this step's bound.",
        ]
    return "\n".join(lines) + "\n"


def render_chart(result: Frontier) -> str:
    """Objective against capacity, with the marginal value per unit below it."""
    from plotly.subplots import make_subplots

    inventory = result.inventory
    unit = plotly_text(inventory.resources[result.resource].unit or "units")
    resource = plotly_text(result.resource)
    feasible = [s for s in result.steps if s.feasible]
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        row_heights=[0.65, 0.35],
        subplot_titles=(
            f"Best NPV by {resource} capacity",
            f"Extra NPV per extra {unit} of {resource}",
        ),
    )
    figure.add_scatter(
        x=[round(s.capacity_total, 2) for s in feasible],
        y=[round(s.objective or 0.0, 2) for s in feasible],
        mode="lines+markers",
        name="NPV",
        customdata=[
            [
                s.scale,
                s.roadmap.status,
                100 * (s.roadmap.gap or 0.0),
                plural(s.systems_modernised or 0, "system"),  # a feasible step has a plan
            ]
            for s in feasible
        ],
        hovertemplate=(
            "capacity %{x:,.0f}<br>scale %{customdata[0]}<br>NPV %{y:,.0f}<br>"
            "%{customdata[1]}, gap %{customdata[2]:.2f} %<br>"
            "%{customdata[3]} modernised<extra></extra>"
        ),
        row=1,
        col=1,
    )
    pairs = list(pairwise(feasible))
    marginals = result.marginal_values()
    figure.add_bar(
        x=[round((a.capacity_total + b.capacity_total) / 2, 2) for a, b in pairs],
        y=[None if m.value_per_unit is None else round(m.value_per_unit, 6) for m in marginals],
        name="marginal value",
        hovertemplate="%{y:,.4g} per extra unit<extra></extra>",
        row=2,
        col=1,
    )
    figure.update_xaxes(title_text=f"{resource} capacity over the horizon ({unit})", row=2)
    figure.update_yaxes(title_text=plotly_text(inventory.portfolio.currency), row=1)
    figure.update_layout(
        title=f"Efficient frontier of {resource} — {plotly_text(inventory.portfolio.name)}",
        showlegend=False,
        template="plotly_white",
    )
    return figure_html(figure, "frontier-chart")


def write_frontier(outdir: Path, result: Frontier) -> list[Path]:
    """Write the chart, markdown and JSON, then frontier.csv last, each atomically."""
    files = {
        "frontier.html": render_chart(result),
        "frontier.md": render_markdown(result),
        "frontier.json": json.dumps(frontier_data(result), indent=2, ensure_ascii=False) + "\n",
        "frontier.csv": render_csv(result),
    }
    return write_output_set(outdir, files, order=("frontier.csv",))

"""`frontier`: the best NPV as the capacity of one resource grows — its efficient frontier.

Each step scales every capacity of the resource (`per_period`, `overrides` and `total`) by
the step's factor and replans. Steps run from the smallest factor to the largest, and each
is warm-started from the previous step's roadmap (a MIP start). More capacity is a
relaxation, so the previous roadmap is still feasible, and the objective can never go down:

- with the warm start the solver's incumbent is at least the previous objective;
- should a solver still return something worse (or nothing, at a time limit), the previous
  roadmap — re-verified against this step's inventory by the independent checker — is kept
  for the step, its status `feasible` and its gap measured against this step's bound. Such
  a step is marked `carried forward` in frontier.md and frontier.json.

The marginal value between two consecutive feasible steps is the extra NPV per extra unit of
the resource over the horizon: (objective₂ − objective₁) / (capacity_total₂ − capacity_total₁),
where `capacity_total` is the sum of the per-period capacities, capped by `total`.

Outputs: `frontier.csv` (columns `capacity_scale, capacity_total, objective, status, gap,
systems_modernised`), `frontier.json` (the same plus marginal values), `frontier.md` and
`frontier.html` (a self-contained plotly chart).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from prioritiser.atomic import write_output_set
from prioritiser.check import check_roadmap
from prioritiser.inventory import Inventory
from prioritiser.model import PlanOptions, plan
from prioritiser.model.reasons import money
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.charts import figure_html
from prioritiser.scenarios.variants import capacity_total, rounded, scale_resource, verified
from prioritiser.textsafe import markdown_text, plotly_text, spreadsheet_csv

CSV_COLUMNS = (
    "capacity_scale",
    "capacity_total",
    "objective",
    "status",
    "gap",
    "systems_modernised",
)


@dataclass(frozen=True)
class FrontierStep:
    """The roadmap planned with the resource's capacity scaled by `scale`."""

    scale: float
    capacity_total: float
    roadmap: Roadmap
    carried_forward: bool = False

    @property
    def feasible(self) -> bool:
        return self.roadmap.has_plan

    @property
    def objective(self) -> float | None:
        return self.roadmap.objective

    @property
    def systems_modernised(self) -> int | None:
        return len(self.roadmap.decisions) if self.feasible else None


@dataclass(frozen=True)
class Marginal:
    """Extra NPV per extra unit of the resource between two consecutive feasible steps."""

    from_scale: float
    to_scale: float
    value_per_unit: float | None


@dataclass(frozen=True)
class Frontier:
    inventory: Inventory
    resource: str
    steps: tuple[FrontierStep, ...]

    def marginal_values(self) -> list[Marginal]:
        out = []
        feasible = [s for s in self.steps if s.feasible]
        for low, high in pairwise(feasible):
            extra = high.capacity_total - low.capacity_total
            value = None
            if extra > 0 and low.objective is not None and high.objective is not None:
                value = (high.objective - low.objective) / extra
            out.append(Marginal(low.scale, high.scale, value))
        return out


def frontier_scales(low: float, high: float, steps: int) -> list[float]:
    """`steps` evenly spaced factors from `low` to `high` (inclusive), rounded to 6 places."""
    if steps < 1:
        raise ValueError("--steps must be at least 1")
    if low < 0 or high < 0:
        raise ValueError("capacity scales must not be negative")
    if steps == 1:
        return [round(low, 6)]
    if not low < high:
        raise ValueError(f"--from ({low}) must be below --to ({high}) for more than one step")
    return [round(low + (high - low) * i / (steps - 1), 6) for i in range(steps)]


def frontier(
    inventory: Inventory,
    resource: str,
    scales: Sequence[float],
    options: PlanOptions,
    progress: Callable[[FrontierStep], None] | None = None,
) -> Frontier:
    """Plan at each capacity scale (ascending), warm-starting each step from the previous."""
    if resource not in inventory.resources:
        known = ", ".join(sorted(inventory.resources)) or "none"
        raise ValueError(f"unknown resource {resource!r} (resources: {known})")
    steps: list[FrontierStep] = []
    previous: Roadmap | None = None
    for scale in sorted(scales):
        scaled = scale_resource(inventory, resource, scale)
        step_options = replace(options, warm_start=previous)
        roadmap = verified(scaled, plan(scaled, step_options), f"{resource} × {scale}")
        carried = False
        if previous is not None and _worse(roadmap, previous):
            roadmap = _carry_forward(scaled, previous, roadmap)
            carried = True
        step = FrontierStep(scale, capacity_total(scaled, resource), roadmap, carried)
        steps.append(step)
        if progress is not None:
            progress(step)
        if roadmap.has_plan:
            previous = roadmap
    return Frontier(inventory, resource, tuple(steps))


def _worse(roadmap: Roadmap, previous: Roadmap) -> bool:
    if not roadmap.has_plan or roadmap.objective is None:
        return True
    return previous.objective is not None and roadmap.objective < previous.objective


def _carry_forward(inventory: Inventory, previous: Roadmap, solved: Roadmap) -> Roadmap:
    """The previous step's roadmap as this step's answer (it stays feasible with more capacity)."""
    violations = check_roadmap(inventory, previous)
    if violations:  # cannot happen when capacity only grows; never hide it if it does
        raise AssertionError(
            "the previous frontier step's roadmap is not feasible with more capacity: "
            + violations[0].render()
        )
    objective = previous.objective or 0.0
    bound = solved.bound if solved.bound is not None else None
    if bound is not None:
        bound = max(bound, objective)
    gap = None if bound is None else max(0.0, bound - objective) / max(abs(objective), 1.0)
    return replace(previous, status="feasible", bound=bound, gap=gap, solver=solved.solver)


# --- outputs -------------------------------------------------------------------------------


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
            [s.scale, s.roadmap.status, 100 * (s.roadmap.gap or 0.0), s.systems_modernised]
            for s in feasible
        ],
        hovertemplate=(
            "capacity %{x:,.0f}<br>scale %{customdata[0]}<br>NPV %{y:,.0f}<br>"
            "%{customdata[1]}, gap %{customdata[2]:.2f} %<br>"
            "%{customdata[3]} systems modernised<extra></extra>"
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

"""`comparison.json` and `comparison.md`: the outputs of `compare` (`prioritiser.scenarios.compare`).

`comparison.json`:

    {"scenarios": [{"name", "description", "status", "objective", "bound", "gap",
                    "npv_change", "systems_modernised", "spend_total", "spend_by_period"}],
     "differences": [{"system", "baseline": DECISION | null, "<scenario name>": ...}]}

The first entry of `scenarios` is the baseline. A DECISION is `{"option", "kind", "start",
"finish", "npv"}`; `null` means the system is retained. `differences` lists, sorted by id,
every system whose decision differs from the baseline's in at least one scenario with a
plan; an infeasible scenario has no key there. `comparison.md` shows the same side by side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prioritiser.atomic import write_output_set
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.compare import CHANGE_KINDS, Comparison, ScenarioRun
from prioritiser.scenarios.variants import describe, rounded
from prioritiser.textsafe import markdown_table, markdown_text
from prioritiser.wording import money

# --- comparison.json -----------------------------------------------------------------------


def comparison_data(comparison: Comparison) -> dict[str, Any]:
    base = comparison.baseline.roadmap.objective
    scenarios = []
    for run in comparison.runs:
        roadmap = run.roadmap
        spend = run.spend
        change = None
        if roadmap.objective is not None and base is not None:
            change = roadmap.objective - base
        scenarios.append(
            {
                "name": run.name,
                "description": run.description,
                "status": roadmap.status,
                "objective": rounded(roadmap.objective),
                "bound": rounded(roadmap.bound),
                "gap": rounded(roadmap.gap, 6),
                "npv_change": rounded(change),
                "systems_modernised": len(roadmap.decisions) if roadmap.has_plan else None,
                "spend_total": round(sum(spend.values()), 2) if roadmap.has_plan else None,
                "spend_by_period": {label: round(v, 2) for label, v in spend.items()},
            }
        )
    return {"scenarios": scenarios, "differences": comparison.differences()}


def render_json(comparison: Comparison) -> str:
    return json.dumps(comparison_data(comparison), indent=2, ensure_ascii=False) + "\n"


# --- comparison.md ---------------------------------------------------------------------------


def render_markdown(comparison: Comparison) -> str:
    """Side by side: headline NPV, what each scenario adds/drops/delays, spend by period."""
    base = comparison.baseline
    currency = base.inventory.portfolio.currency
    runs = comparison.runs
    lines = [f"# Scenario comparison — {markdown_text(base.inventory.portfolio.name)}", ""]
    lines += _table(
        ["", *[markdown_text(r.name) for r in runs]],
        [
            ["Status", *[r.roadmap.status for r in runs]],
            ["NPV", *[_money(r.roadmap.objective, currency) for r in runs]],
            ["Change vs baseline", *[_change(r, base, currency) for r in runs]],
            ["Optimality gap", *[_gap(r.roadmap) for r in runs]],
            [
                "Systems modernised",
                *[str(len(r.roadmap.decisions)) if r.roadmap.has_plan else "—" for r in runs],
            ],
            [
                "One-off spend",
                *[
                    money(sum(r.spend.values()), currency) if r.roadmap.has_plan else "—"
                    for r in runs
                ],
            ],
        ],
    )
    for run in comparison.scenarios:
        lines += ["", f"## {markdown_text(run.name)}", ""]
        if run.description:
            lines += [markdown_text(run.description), ""]
        if not run.roadmap.has_plan:
            lines += [f"No roadmap: the scenario is {run.roadmap.status.replace('_', ' ')}."]
            continue
        changes = comparison.changes(run)
        if not changes:
            lines += ["Same decisions as the baseline."]
        for kind in CHANGE_KINDS:
            mine = [c for c in changes if c.kind == kind]
            if mine:
                lines += [f"**{kind.capitalize()}** ({len(mine)}):", ""]
                lines += [f"- {markdown_text(c.text(run.inventory.axis))}" for c in mine]
                lines += [""]
    differences = comparison.differences()
    planned = [r for r in runs if r.roadmap.has_plan]
    lines += ["", "## Differences by system", ""]
    if differences:
        rows = [
            [
                markdown_text(d["system"]),
                *[markdown_text(describe(r.roadmap.decision(d["system"]))) for r in planned],
            ]
            for d in differences
        ]
        lines += _table(["System", *[markdown_text(r.name) for r in planned]], rows)
    else:
        lines += ["Every scenario makes the baseline's decisions."]
    lines += ["", "## Spend by period", ""]
    spends = [r.spend for r in planned]
    periods = base.roadmap.periods
    rows = [[p, *[money(s.get(p, 0.0), currency) for s in spends]] for p in periods]
    rows.append(["**Total**", *[f"**{money(sum(s.values()), currency)}**" for s in spends]])
    lines += _table(["Period", *[markdown_text(r.name) for r in planned]], rows, numeric=True)
    return "\n".join(lines).rstrip() + "\n"


def _table(header: list[str], rows: list[list[str]], numeric: bool = False) -> list[str]:
    right = range(1, len(header)) if numeric else ()
    return markdown_table(header, rows, right)


def _money(value: float | None, currency: str) -> str:
    return "—" if value is None else money(value, currency)


def _change(run: ScenarioRun, base: ScenarioRun, currency: str) -> str:
    if run is base:
        return "—"
    new, old = run.roadmap.objective, base.roadmap.objective
    if new is None or old is None:
        return "—"
    share = f" ({100 * (new - old) / abs(old):+.1f} %)" if old else ""
    sign = "+" if new - old >= 0 else ""
    return f"{sign}{money(new - old, currency)}{share}"


def _gap(roadmap: Roadmap) -> str:
    return "—" if roadmap.gap is None else f"{100 * roadmap.gap:.2f} %"


def write_comparison(outdir: Path, comparison: Comparison) -> list[Path]:
    """Write comparison.md and comparison.json (JSON last) atomically."""
    files = {
        "comparison.md": render_markdown(comparison),
        "comparison.json": render_json(comparison),
    }
    return write_output_set(outdir, files, order=("comparison.json",))

"""The outputs of `replan` beside the roadmap (`prioritiser.scenarios.replan`).

`changes.json` and `changes.md` list each decision as kept, changed, dropped or added, with
why (and any work in flight over a revised capacity); `replan-overlay.yaml` records what
replan added to the inventory, so that `prioritiser check` can re-verify the new roadmap
as it was planned. When the work in flight cannot continue, `diagnosis.json` and
`diagnosis.md` list the findings instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from prioritiser.atomic import write_output_set
from prioritiser.inventory import Inventory
from prioritiser.scenarios.changes import resource_amount
from prioritiser.scenarios.replan import CATEGORIES, Replan, ReplanInfeasible, replan_overlay
from prioritiser.scenarios.variants import describe, rounded
from prioritiser.textsafe import markdown_cell, markdown_text
from prioritiser.wording import money, plural


def changes_data(result: Replan, previous_path: str = "") -> dict[str, Any]:
    roadmap = result.roadmap
    return {
        "as_of": result.as_of,
        "previous": previous_path,
        "scenarios": list(result.inventory.scenarios),
        "status": roadmap.status,
        "previous_objective": rounded(result.previous.objective),
        "objective": rounded(roadmap.objective),
        "overcommitted": [o.to_dict() for o in result.overcommitted],
        "stability": {
            "weight_per_change": round(result.weight, 2),
            "changes": result.change_count,
            "penalty": round(result.weight * result.change_count, 2),
            "objective_less_penalty": rounded(result.stable_objective),
            "gap": rounded(roadmap.gap, 6),
        },
        **{category: [c.to_dict() for c in result.of(category)] for category in CATEGORIES},
    }


def render_changes_json(result: Replan, previous_path: str = "") -> str:
    return json.dumps(changes_data(result, previous_path), indent=2, ensure_ascii=False) + "\n"


def render_changes_md(result: Replan) -> str:
    inventory = result.inventory
    currency = inventory.portfolio.currency
    roadmap = result.roadmap
    old, new = result.previous.objective or 0.0, roadmap.objective or 0.0
    scenario = ", ".join(inventory.scenarios) or "none (same inventory)"
    kept = result.of("kept")
    in_flight = [c for c in kept if c.in_flight]
    lines = [
        f"# Replan as of {result.as_of} — {markdown_text(inventory.portfolio.name)}",
        "",
        "| | |",
        "|---|---|",
        f"| Scenario | {markdown_cell(markdown_text(scenario))} |",
        f"| Previous NPV | {money(old, currency)} |",
        f"| New NPV | **{money(new, currency)}** ({'+' if new >= old else ''}"
        f"{money(new - old, currency)}) |",
        f"| Work in flight kept | {plural(len(in_flight), 'decision')} |",
        f"| Other decisions kept | {len(kept) - len(in_flight)} |",
        f"| Changed / dropped / added | {len(result.of('changed'))} / "
        f"{len(result.of('dropped'))} / {len(result.of('added'))} |",
        f"| Stability cost per change | {money(result.weight, currency)} |",
        "",
    ]
    if result.overcommitted:
        lines += [
            "## Work in flight over the revised capacity",
            "",
            "This work started before the revision and continues as contracted; nothing new "
            "that needs the resource starts in these periods. To stay within the revised "
            "capacity, find the difference or pause one of the projects named.",
            "",
            "| Resource | Period | Committed | Capacity | Over by | In flight |",
            "|---|---|---:|---:|---:|---|",
        ]
        for o in result.overcommitted:
            cells = [
                o.resource,
                o.period,
                resource_amount(inventory, o.resource, o.committed),
                resource_amount(inventory, o.resource, o.capacity),
                resource_amount(inventory, o.resource, o.committed - o.capacity),
                ", ".join(o.systems),
            ]
            lines.append("| " + " | ".join(markdown_cell(markdown_text(c)) for c in cells) + " |")
        lines.append("")
    titles = {
        "changed": "Changed",
        "dropped": "Dropped",
        "added": "Added",
    }
    for category in ("changed", "dropped", "added"):
        entries = result.of(category)
        lines += [f"## {titles[category]} ({len(entries)})", ""]
        if not entries:
            lines += ["None.", ""]
            continue
        for c in entries:
            what = markdown_text(f"{describe(c.previous)} → {describe(c.new)}")
            lines.append(
                f"- **{markdown_text(c.system)}** ({markdown_text(c.detail)}): {what}. "
                f"Why: {markdown_text(c.why)}."
            )
        lines.append("")
    lines += [f"## Kept ({len(kept)})", ""]
    for c in kept:
        tag = " (in flight)" if c.in_flight else ""
        why = markdown_text(c.why[:1].upper() + c.why[1:])
        lines.append(
            f"- **{markdown_text(c.system)}**{tag}: {markdown_text(describe(c.new))}. {why}."
        )
    return "\n".join(lines).rstrip() + "\n"


def render_overlay(original: Inventory, result: Replan) -> str:
    header = (
        "# What `prioritiser replan` added to the inventory (and its --scenario files) before\n"
        "# planning. Check the new roadmap as it was planned with:\n"
        "#   prioritiser check INVENTORY [--scenario S.yaml ...] --scenario replan-overlay.yaml "
        "roadmap.json\n"
    )
    data = replan_overlay(original, result.inventory, result.as_of)
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def changes_files(original: Inventory, result: Replan, previous_path: str = "") -> dict[str, str]:
    """replan's own files, written with the roadmap's as one output set (`write_reports`)."""
    return {
        "replan-overlay.yaml": render_overlay(original, result),
        "changes.md": render_changes_md(result),
        "changes.json": render_changes_json(result, previous_path),
    }


def write_changes(
    outdir: Path, original: Inventory, result: Replan, previous_path: str = ""
) -> list[Path]:
    return write_output_set(outdir, changes_files(original, result, previous_path))


def render_diagnosis(error: ReplanInfeasible, as_of: str) -> str:
    lines = [f"# Replan as of {as_of} is infeasible", ""]
    lines += [f"- {markdown_text(finding)}" for finding in error.findings]
    return "\n".join(lines) + "\n"


def render_diagnosis_json(error: ReplanInfeasible, as_of: str) -> str:
    data = {"status": "infeasible", "as_of": as_of, "findings": list(error.findings)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_diagnosis(outdir: Path, error: ReplanInfeasible, as_of: str) -> list[Path]:
    """Write diagnosis.json and diagnosis.md (the findings of an infeasible replan)."""
    files = {
        "diagnosis.json": render_diagnosis_json(error, as_of),
        "diagnosis.md": render_diagnosis(error, as_of),
    }
    return write_output_set(outdir, files, order=("diagnosis.md",))

"""The re-forecast's folder: a full plan (`report_set`), what changed from the baseline and
why (changes.md, changes.json) and the overlay `check` re-verifies it with — or, when no
re-forecast exists, the findings (diagnosis.md, diagnosis.json)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from prioritiser.inventory import SourceFile
from prioritiser.inventory.problems import display_path
from prioritiser.reports import ReportSet, report_set
from prioritiser.reports.tracking.data import REFORECAST, TrackingInputs, rounded
from prioritiser.textsafe import markdown_table, markdown_text
from prioritiser.tracking import Tracking
from prioritiser.tracking.reforecast import CATEGORIES
from prioritiser.wording import money

OVERLAY = f"{REFORECAST}-overlay.yaml"


def overlay_yaml(overlay: dict[str, Any]) -> str:
    """A scenario overlay as YAML text (keys in the order built)."""
    header = "# Written by `prioritiser track`: the re-forecast's overlay (docs/tracking.md).\n"
    body: str = yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def reforecast_set(folder: Path, t: Tracking, inputs: TrackingInputs) -> ReportSet | None:
    """The re-forecast's folder as an output set (nothing is written): a full roadmap folder
    (`report_set`: the reports, manifest.json, the copy of the inventory) with changes.md,
    changes.json and the overlay, which the manifest records as the scenario the roadmap was
    planned with — so `report` and `check` work from the folder alone. Without a re-forecast,
    its findings (diagnosis.md, diagnosis.json); None when the horizon has ended."""
    future = t.reforecast
    roadmap = future.roadmap
    if roadmap is None or future.inventory is None:
        if not future.findings or future.first not in t.inventory.axis.labels:
            return None
        files: dict[str, str | bytes] = {
            "diagnosis.md": render_diagnosis_md(t),
            "diagnosis.json": render_diagnosis_json(t),
        }
        return ReportSet(files, files, frozenset(), ())
    overlay_text = overlay_yaml(future.overlay)
    # The overlay was applied from a scratch file; the set records it as the file it holds.
    shown = display_path(folder / OVERLAY)
    overlay_source = SourceFile(shown, hashlib.sha256(overlay_text.encode("utf-8")).hexdigest())
    inventory = replace(future.inventory, sources=(*t.inventory.sources, overlay_source))
    extra: dict[str, str | bytes] = {
        OVERLAY: overlay_text,
        "changes.json": render_changes_json(t),
        "changes.md": render_changes_md(t, inputs),
    }
    return report_set(folder, inventory, roadmap, inputs.run, extra, overlays=(OVERLAY,))


def changes_data(t: Tracking) -> dict[str, Any]:
    future = t.reforecast
    roadmap = future.roadmap
    return {
        "as_of": t.as_of_label,
        "first_period": future.first,
        "baseline_objective": t.baseline.objective,
        "objective": roadmap.objective if roadmap is not None else None,
        "relaxations": [r.to_dict() for r in future.relaxations],
        "overcommitted": (
            [o.to_dict() for o in future.result.overcommitted] if future.result else []
        ),
        **{c: [x.to_dict() for x in future.changes if x.category == c] for c in CATEGORIES},
    }


def render_changes_json(t: Tracking) -> str:
    return json.dumps(rounded(changes_data(t)), indent=2, ensure_ascii=False) + "\n"


def render_changes_md(t: Tracking, inputs: TrackingInputs) -> str:
    future = t.reforecast
    cur = t.currency
    roadmap = future.roadmap
    assert roadmap is not None
    base, new = t.baseline.objective or 0.0, roadmap.objective or 0.0
    name = markdown_text(t.inventory.portfolio.name)
    lines = [
        f"# Re-forecast from {future.first} — {name}",
        "",
        f"The baseline `{markdown_text(inputs.baseline)}` replanned on the actuals to "
        f"{t.as_of_label}: work done and in flight kept at its actual start (in flight at its "
        "rate of progress and cost so far), stopped work dropped, the rest re-optimised.",
        "",
        *markdown_table(
            ["", ""],
            [
                ["Baseline NPV", money(base, cur)],
                [
                    "Re-forecast NPV",
                    f"**{money(new, cur)}** ({'+' if new >= base else ''}{money(new - base, cur)})",
                ],
                *[
                    [c.replace("_", " "), str(sum(1 for x in future.changes if x.category == c))]
                    for c in CATEGORIES
                ],
            ],
        ),
        "",
        "NPVs are present values at the portfolio's discount rate; the re-forecast counts the "
        "money already spent on work it keeps, so the two are comparable.",
        "",
    ]
    if future.relaxations:
        lines += ["## Rules the started work already broke", ""]
        lines += [
            f"- rule {markdown_text(r.rule)}: {markdown_text(r.message)}"
            for r in future.relaxations
        ]
        lines.append("")
    if future.result is not None and future.result.overcommitted:
        lines += ["## Work in flight beyond a capacity (carried as committed)", ""]
        lines += [
            f"- {markdown_text(o.resource)} in {o.period}: {o.committed:,.0f} committed, "
            f"capacity {o.capacity:,.0f} ({markdown_text(', '.join(o.systems))})"
            for o in future.result.overcommitted
        ]
        lines.append("")
    for category in CATEGORIES:
        mine = [c for c in future.changes if c.category == category]
        if not mine:
            continue
        lines += [f"## {category.replace('_', ' ').capitalize()} ({len(mine)})", ""]
        lines += [f"- `{c.system}`: {markdown_text(c.why)}" for c in mine]
        lines.append("")
    return "\n".join(lines)


def render_diagnosis_md(t: Tracking) -> str:
    future = t.reforecast
    lines = [
        f"# No re-forecast from {future.first}",
        "",
        "No roadmap keeps the work done and in flight under the inventory's rules:",
        "",
        *[f"- {markdown_text(f)}" for f in future.findings],
        "",
    ]
    return "\n".join(lines)


def render_diagnosis_json(t: Tracking) -> str:
    future = t.reforecast
    data = {"first_period": future.first, "findings": list(future.findings)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

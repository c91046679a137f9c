"""`compare`: plan the baseline and each scenario, and say what each scenario changes.

Each scenario overlay is applied to the baseline on its own (not on top of the others).
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prioritiser.atomic import write_output_set
from prioritiser.inventory import Inventory, PeriodAxis, parse_period
from prioritiser.inventory.yamlsafe import load_yaml_file
from prioritiser.model import PlanOptions, plan
from prioritiser.model.reasons import money
from prioritiser.roadmap import Decision, Roadmap
from prioritiser.scenarios.variants import (
    decision_summary,
    describe,
    rounded,
    spend_by_period,
    verified,
)
from prioritiser.textsafe import markdown_table, markdown_text

BASELINE = "baseline"
CHANGE_KINDS = ("added", "dropped", "delayed", "brought forward", "option changed")


@dataclass(frozen=True)
class ScenarioRun:
    """One planned variant: the baseline or a scenario overlay."""

    name: str
    description: str
    inventory: Inventory
    roadmap: Roadmap

    @property
    def spend(self) -> dict[str, float]:
        return spend_by_period(self.inventory, self.roadmap) if self.roadmap.has_plan else {}


@dataclass(frozen=True)
class Change:
    """How a scenario's decision for a system differs from the baseline's."""

    system: str
    kind: str  # one of CHANGE_KINDS
    baseline: Decision | None
    scenario: Decision | None

    def text(self, axis: PeriodAxis) -> str:
        was, now = describe(self.baseline), describe(self.scenario)
        if self.kind in ("delayed", "brought forward"):
            assert self.baseline is not None and self.scenario is not None
            shift = axis.index(self.scenario.start) - axis.index(self.baseline.start)
            unit = "period" if abs(shift) == 1 else "periods"
            return f"{self.system}: {was} → {now} ({shift:+d} {unit})"
        return f"{self.system}: {was} → {now}"


@dataclass(frozen=True)
class Comparison:
    """The baseline and every scenario, planned."""

    baseline: ScenarioRun
    scenarios: tuple[ScenarioRun, ...]

    @property
    def runs(self) -> tuple[ScenarioRun, ...]:
        return (self.baseline, *self.scenarios)

    def changes(self, run: ScenarioRun) -> list[Change]:
        """What `run` does differently from the baseline, system by system."""
        if not run.roadmap.has_plan or not self.baseline.roadmap.has_plan:
            return []
        out = []
        for system in system_ids(self.runs):
            change = classify(
                system, self.baseline.roadmap.decision(system), run.roadmap.decision(system)
            )
            if change is not None:
                out.append(change)
        return out

    def differences(self) -> list[dict[str, Any]]:
        """Systems whose decision differs from the baseline in some scenario."""
        planned = [r for r in self.scenarios if r.roadmap.has_plan]
        rows = []
        for system in system_ids(self.runs):
            base = self.baseline.roadmap.decision(system)
            others = {r.name: r.roadmap.decision(system) for r in planned}
            if all(_same(base, d) for d in others.values()):
                continue
            row: dict[str, Any] = {"system": system, BASELINE: decision_summary(base)}
            row.update({name: decision_summary(d) for name, d in others.items()})
            rows.append(row)
        return rows


def system_ids(runs: Sequence[ScenarioRun]) -> list[str]:
    """Every system id of any run (a scenario may add systems), sorted."""
    return sorted({s.id for run in runs for s in run.inventory.systems})


def _same(a: Decision | None, b: Decision | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.option, a.start) == (b.option, b.start)


def classify(system: str, base: Decision | None, other: Decision | None) -> Change | None:
    """The kind of change from `base` to `other`, or None when they are the same."""
    if _same(base, other):
        return None
    if base is None:
        return Change(system, "added", base, other)
    if other is None:
        return Change(system, "dropped", base, other)
    if base.option != other.option:
        return Change(system, "option changed", base, other)
    kind = "delayed" if parse_period(other.start) > parse_period(base.start) else "brought forward"
    return Change(system, kind, base, other)


def compare(
    baseline: Inventory,
    scenarios: Sequence[tuple[Inventory, str]],
    options: PlanOptions,
    progress: Callable[[str, ScenarioRun | None], None] | None = None,
) -> Comparison:
    """Plan `baseline` and each `(scenario inventory, description)`; names must be unique.

    `progress(name, None)` is called before each plan and `progress(name, run)` after it.
    """
    names = [scenario_name(inv) for inv, _ in scenarios]
    for name in names:
        if name == BASELINE or names.count(name) > 1 or name == "system":
            raise ValueError(
                f"scenario name {name!r} is used twice or is reserved; give each scenario a "
                "distinct `name:`"
            )
    runs = []
    for name, (inventory, description) in zip(
        [BASELINE, *names], [(baseline, "the inventory as it is"), *scenarios], strict=True
    ):
        if progress is not None:
            progress(name, None)
        roadmap = verified(inventory, plan(inventory, options), name)
        run = ScenarioRun(name, description, inventory, roadmap)
        if progress is not None:
            progress(name, run)
        runs.append(run)
    return Comparison(runs[0], tuple(runs[1:]))


def scenario_description(path: Path) -> str:
    """The `description:` of an overlay file ("" when it has none or cannot be read)."""
    data = load_yaml_file(path).data  # the one safe loader (the overlay was loaded with it)
    value = data.get("description") if isinstance(data, dict) else None
    return str(value).strip() if value else ""


def scenario_name(inventory: Inventory) -> str:
    """The name of the (last) overlay applied to `inventory`."""
    return inventory.scenarios[-1] if inventory.scenarios else BASELINE


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
    """Write comparison.md and comparison.json (JSON last) as one output set."""
    files = {
        "comparison.md": render_markdown(comparison),
        "comparison.json": render_json(comparison),
    }
    return write_output_set(outdir, files, order=("comparison.json",))

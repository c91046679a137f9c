"""`compare`: plan the baseline and each scenario, and say what each scenario changes.

Each scenario overlay is applied to the baseline on its own (not on top of the others), and
each scenario's search starts from the baseline's roadmap (a MIP start: as much of it as
still fits), since a what-if differs little from the baseline.
`prioritiser.reports.comparison` writes the result as `comparison.json` and `comparison.md`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prioritiser.errors import UsageError
from prioritiser.inventory import Inventory, PeriodAxis, parse_period
from prioritiser.inventory.yamlsafe import load_yaml_file
from prioritiser.roadmap import Decision, Roadmap
from prioritiser.scenarios.variants import (
    decision_summary,
    describe,
    spend_by_period,
    verified,
)
from prioritiser.solve import PlanOptions, plan
from prioritiser.wording import form

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

    @property
    def shift(self) -> int:
        """Periods the start moved by (later is positive); 0 unless delayed or brought forward."""
        if self.baseline is None or self.scenario is None:
            return 0
        # Both starts are labels of the same horizon: the difference of their ordinals.
        return (
            parse_period(self.scenario.start).ordinal()
            - parse_period(self.baseline.start).ordinal()
        )

    def text(self, axis: PeriodAxis | None = None) -> str:
        """`a: replace 2027-Q3–2028-Q2 → replace 2028-Q1–2028-Q4 (+2 periods)`."""
        was, now = describe(self.baseline), describe(self.scenario)
        if self.kind in ("delayed", "brought forward"):
            shift = self.shift
            return f"{self.system}: {was} → {now} ({shift:+d} {form(abs(shift), 'period')})"
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
            raise UsageError(
                f"scenario name {name!r} is used twice or is reserved; give each scenario a "
                "distinct `name:`"
            )
    runs: list[ScenarioRun] = []
    for name, (inventory, description) in zip(
        [BASELINE, *names], [(baseline, "the inventory as it is"), *scenarios], strict=True
    ):
        if progress is not None:
            progress(name, None)
        # A scenario differs little from the baseline: its search starts from the
        # baseline's roadmap (as much of it as still fits).
        warm = runs[0].roadmap if runs and runs[0].roadmap.has_plan else None
        scenario_options = replace(options, warm_start=warm) if warm is not None else options
        roadmap = verified(inventory, plan(inventory, scenario_options), name)
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

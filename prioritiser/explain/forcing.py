"""What it would cost to force a retained system into the roadmap.

The model is re-solved with the system's `one_option` row turned into an equality (exactly
what a `must_modernise_by` at the horizon end would do), and the objective is compared with
the baseline's. Both solves should use the same gap, and gap 0 for an exact answer: with a
positive gap either solve may stop up to that fraction short of its optimum, so the
difference is only known to within the gap and may even come out positive. A positive
difference is therefore clamped to 0 and reported as "costs nothing measurable".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from prioritiser.diagnose import Diagnosis, diagnose
from prioritiser.inventory import Inventory
from prioritiser.model import Formulation, adjust
from prioritiser.roadmap import Decision, Roadmap
from prioritiser.solve import PlanOptions, ProgressFn, plan

# Objectives within this relative distance are equal (solver tolerances, penny rounding).
RELATIVE_TOLERANCE = 1e-6


def force_in(system_id: str) -> Callable[[Formulation], None]:
    """A `plan(adjust=...)` hook: the system must be modernised (one option, exactly)."""

    def forced(model: Formulation) -> None:
        adjust.force_in(model, system_id)

    return forced


@dataclass(frozen=True)
class Displacement:
    """How the forced roadmap differs from the baseline, system by system."""

    dropped: tuple[Decision, ...] = ()
    delayed: tuple[tuple[Decision, Decision], ...] = ()  # (before, after)
    changed: tuple[tuple[Decision, Decision], ...] = ()  # another option
    added: tuple[Decision, ...] = ()  # brought in alongside the forced system


@dataclass(frozen=True)
class Forcing:
    """The result of forcing one system in."""

    status: str  # the forced solve's status
    delta: float | None  # forced objective − baseline objective, clamped to ≤ 0
    raw_delta: float | None  # before clamping
    baseline: float | None
    forced: Roadmap | None
    decision: Decision | None  # how the forced roadmap does the system
    displacement: Displacement = field(default_factory=Displacement)

    @property
    def clamped(self) -> bool:
        return self.raw_delta is not None and self.delta is not None and self.raw_delta > 0


def forced_roadmap(
    inventory: Inventory, system_id: str, options: PlanOptions, progress: ProgressFn | None = None
) -> Roadmap:
    """The best roadmap that modernises `system_id`."""
    options = dataclasses.replace(options, warm_start=None, stop=None)
    return plan(inventory, options, progress, adjust=force_in(system_id))


def force(
    inventory: Inventory,
    system_id: str,
    baseline: Roadmap,
    baseline_objective: float,
    options: PlanOptions,
    progress: ProgressFn | None = None,
) -> Forcing:
    """Re-solve with `system_id` forced in and compare with the baseline."""
    forced = forced_roadmap(inventory, system_id, options, progress)
    if not forced.has_plan or forced.objective is None:
        return Forcing(forced.status, None, None, baseline_objective, forced, None)
    raw = forced.objective - baseline_objective
    scale = max(abs(baseline_objective), 1.0)
    delta = 0.0 if raw > -RELATIVE_TOLERANCE * scale else raw
    return Forcing(
        forced.status,
        delta,
        raw,
        baseline_objective,
        forced,
        forced.decision(system_id),
        displacement(baseline, forced, system_id),
    )


def must_do(inventory: Inventory, system_id: str) -> Inventory:
    """The inventory with `system_id` due by the end of the horizon (forced in)."""
    last = inventory.axis.label(inventory.axis.count - 1)
    systems = tuple(
        s.model_copy(update={"must_modernise_by": last}) if s.id == system_id else s
        for s in inventory.systems
    )
    return dataclasses.replace(inventory, systems=systems)


def why_not(inventory: Inventory, system_id: str, options: PlanOptions) -> Diagnosis:
    """Why no roadmap can include `system_id`: the infeasibility diagnosis of forcing it."""
    limit = min(options.time_limit or 30.0, 30.0)
    return diagnose(must_do(inventory, system_id), options.solver, limit)


def displacement(baseline: Roadmap, forced: Roadmap, system_id: str) -> Displacement:
    """Systems dropped, delayed, changed or added when `system_id` is forced in."""
    dropped, delayed, changed, added = [], [], [], []
    for before in baseline.decisions:
        after = forced.decision(before.system)
        if after is None:
            dropped.append(before)
        elif after.option != before.option:
            changed.append((before, after))
        elif after.start > before.start:  # labels of one granularity sort in time order
            delayed.append((before, after))
    for after in forced.decisions:
        if after.system != system_id and baseline.decision(after.system) is None:
            added.append(after)

    def key(d: Decision) -> tuple[float, str]:
        return (-abs(d.npv), d.system)

    return Displacement(
        tuple(sorted(dropped, key=key)),
        tuple(sorted(delayed, key=lambda p: key(p[0]))),
        tuple(sorted(changed, key=lambda p: key(p[0]))),
        tuple(sorted(added, key=key)),
    )

"""`replan`: a new roadmap from a given period on, keeping work in flight and the old plan's shape.

Given the previous roadmap and the period `as_of` (the first period that can still change):

- **In flight is locked.** Every previous decision that started before `as_of` (finished or
  still running) becomes a `locked: {option, start}` of its system (rules 1–2), and every
  platform set-up that started before `as_of` keeps its start. A lock already in the
  inventory must agree with the previous roadmap; otherwise the inputs contradict each other
  and replanning stops (`ReplanConflict`).
- **Nothing new starts in the past.** Every other system gets `earliest_start: as_of`
  (unless its own is later), and no platform set-up may start before `as_of`.
- **History is not re-planned; commitments are honoured.** A scenario's capacities apply
  from `as_of` on: periods before it keep the capacity the work done there used. From
  `as_of` on, where work in flight alone needs more than a (cut) capacity, that work
  continues as contracted, nothing new needing the resource starts in those periods, and
  the excess is reported as an overcommitment (`changes.md`, `changes.json`, a warning).
  `honour_commitments=False` (`--strict-capacity`) makes it an infeasibility instead.
- **Stability.** Every decision that is not in flight may change, but each change costs `W`
  in the objective: a previously chosen (option, start) that is not kept — dropped, delayed,
  brought forward or switched to another option — and a system newly added. By default
  `W` is 0.1 % of the previous roadmap's NPV per change (`DEFAULT_STABILITY_SHARE`): enough
  to keep the old plan where it is nearly as good, far too little to keep it where the new
  data make it clearly worse. `--stability` takes money (`250000`) or a share of the previous
  NPV (`0.5%`); `0` replans freely.

The roadmap written (`roadmap.json` and the usual reports) carries the plain NPV as its
objective; its `bound` and `gap` are those of the objective replan optimises (NPV minus the
stability penalty), so `gap` states how far the search is from the best *stable* plan.
`changes.json` / `changes.md` list each decision as kept, changed, dropped or added, with
why, and `replan-overlay.yaml` records the locks, earliest starts and capacities replan
added, so `prioritiser check INVENTORY --scenario ... --scenario replan-overlay.yaml
roadmap.json` re-verifies the new roadmap exactly as it was planned. When work in flight
cannot continue at all (a deadline or risk limit it now breaks, or a capacity with
`--strict-capacity`), `ReplanInfeasible` names the conflicts, period by period, with the
model's diagnosis (`prioritiser.diagnose`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from prioritiser.certify import certify_roadmap
from prioritiser.check import check_roadmap
from prioritiser.errors import Infeasible, UsageError
from prioritiser.inventory import Inventory
from prioritiser.model import Formulation, adjust
from prioritiser.roadmap import PlatformBuild, Roadmap, SolverInfo, SolveStatus
from prioritiser.scenarios.changes import (
    CATEGORIES,
    DecisionChange,
    explain_changes,
)
from prioritiser.scenarios.in_flight import (
    TOTAL,
    Overcommitment,
    ReplanConflict,
    as_of_index,
    check_previous,
    committed_capacity,
    lock_in_flight,
    replan_overlay,
    started_before,
)
from prioritiser.scenarios.variants import RoadmapCheckFailed, placed_on
from prioritiser.solve import PlanOptions, plan_solved

__all__ = [
    "CATEGORIES",
    "DEFAULT_STABILITY_SHARE",
    "TOTAL",
    "DecisionChange",
    "Overcommitment",
    "Replan",
    "ReplanConflict",
    "ReplanInfeasible",
    "as_of_index",
    "check_previous",
    "committed_capacity",
    "explain_changes",
    "lock_in_flight",
    "replan",
    "replan_overlay",
    "stability_weight",
    "started_before",
]

DEFAULT_STABILITY_SHARE = 0.001  # of the previous roadmap's NPV, per changed decision


class ReplanInfeasible(Infeasible):
    """No roadmap keeps the work in flight under the (scenario's) rules; `findings` say why."""

    def __init__(self, findings: list[str], roadmap: Roadmap):
        self.findings = findings
        self.roadmap = roadmap
        super().__init__(
            "replanning is infeasible: " + "; ".join(findings[:3]), diagnosis=tuple(findings)
        )


@dataclass(frozen=True)
class Replan:
    """The outcome: the locked inventory planned, the new roadmap and what changed."""

    inventory: Inventory  # with in-flight locks and `earliest_start: as_of` applied
    previous: Roadmap
    roadmap: Roadmap
    as_of: str
    weight: float
    changes: tuple[DecisionChange, ...]
    penalty_bound: float | None  # best bound on NPV − W × changes, when the solver tells
    overcommitted: tuple[Overcommitment, ...] = ()

    def of(self, category: str) -> list[DecisionChange]:
        return [c for c in self.changes if c.category == category]

    @property
    def change_count(self) -> int:
        """Changes replan chose (and paid W for); those a lock forced are not counted."""
        return sum(1 for c in self.changes if c.category != "kept" and not c.forced)

    @property
    def stable_objective(self) -> float | None:
        """The objective replan maximised: NPV minus W per change."""
        if self.roadmap.objective is None:
            return None
        return self.roadmap.objective - self.weight * self.change_count


# --- the stability weight ----------------------------------------------------------------------


def stability_weight(previous: Roadmap, spec: str | float | None) -> float:
    """W from `--stability`: money (`250000`), a share (`0.5%`), or the default 0.1 % of NPV."""
    base = abs(previous.objective or 0.0)
    if not math.isfinite(base):  # a NaN weight would leave the solver searching forever
        raise UsageError(f"the previous roadmap's objective {previous.objective} is not finite")
    if spec is None:
        return DEFAULT_STABILITY_SHARE * base
    text = str(spec).strip()
    match = re.fullmatch(r"([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*%", text)
    try:
        value = float(match.group(1)) / 100 * base if match else float(text.replace(",", ""))
    except ValueError:
        raise UsageError(
            f"--stability {text!r}: give money per change (250000) or a share of the "
            "previous NPV (0.5%)"
        ) from None
    if value < 0 or value != value or value == float("inf"):
        raise UsageError("--stability must be a finite amount of at least 0")
    return value


# --- the model adjustment -------------------------------------------------------------------


@dataclass
class _Stability:
    """Adjusts the formulation: pinned platforms, no set-up in the past, the stability terms
    (the named rules `forbid_builds` and `add_stability` of `prioritiser.model.adjust`)."""

    previous: Roadmap
    as_of: int
    weight: float

    def __call__(self, model: Formulation) -> None:
        placement = placed_on(model.inventory, self.previous)
        pinned = {b.platform: b.start for b in placement.builds if b.start < self.as_of}
        adjust.forbid_builds(model, pinned, self.as_of)
        previous = {c.system: (c.option, c.start) for c in placement.decisions}
        locked = [s.id for s in model.estate.systems if s.lock is not None]
        adjust.add_stability(model, previous, self.weight, fixed=locked)

    def penalised_bound(self, inventory: Inventory, bound: float | None) -> float | None:
        """The solver's bound on NPV − W × changes, from its bound on the model's objective.

        That objective rewards keeping a previous decision with +W and charges W for an
        added one; NPV − W × changes is that minus W per previous decision free to change.
        """
        if bound is None:
            return None
        estate = inventory.estate
        free = sum(
            1
            for d in self.previous.decisions
            if estate.has_system(d.system) and estate.system(d.system).lock is None
        )
        return bound - self.weight * free


# --- replanning ---------------------------------------------------------------------------------


def replan(
    inventory: Inventory,
    previous: Roadmap,
    as_of: str,
    options: PlanOptions,
    weight: float,
    progress: Callable[..., None] | None = None,
    reference: Inventory | None = None,
    honour_commitments: bool = True,
) -> Replan:
    """Replan from `as_of`, keeping work in flight and charging `weight` per other change.

    `reference` is the inventory without scenario overlays (for the reasons in changes).
    `honour_commitments=False` makes work in flight that no longer fits a capacity an
    infeasibility (`ReplanInfeasible`) instead of a reported overcommitment.
    """
    index = as_of_index(inventory, as_of)
    locked, over = lock_in_flight(inventory, previous, index, honour_commitments)
    stability = _Stability(previous, index, weight)
    planned = plan_solved(locked, options, progress, adjust=stability)
    roadmap = planned.roadmap
    if roadmap.status == "infeasible":
        limit = options.time_limit if options.time_limit is not None else 60.0
        findings = diagnose(locked, previous, index, options.solver, limit)
        raise ReplanInfeasible(findings, roadmap)
    label = locked.axis.label(index)
    if not roadmap.has_plan:
        return Replan(locked, previous, roadmap, label, weight, (), None, tuple(over))
    changes = tuple(explain_changes(locked, previous, roadmap, index, weight, reference))
    result = Replan(locked, previous, roadmap, label, weight, changes, None, tuple(over))
    bound = stability.penalised_bound(locked, planned.result.bound)
    result = replace(result, roadmap=_stable_gap(result, bound), penalty_bound=bound)
    violations = certify_roadmap(locked, result.roadmap)  # as written: bound and gap restated
    if violations:
        raise RoadmapCheckFailed("the replan", violations)
    return result


def _stable_gap(result: Replan, bound: float | None) -> Roadmap:
    """Restate bound and gap for the objective replan optimised (NPV − W × changes)."""
    roadmap = result.roadmap
    value = result.stable_objective
    if value is None or roadmap.objective is None:
        return roadmap
    if bound is None:
        if roadmap.status == "optimal":
            return roadmap  # proven within the asked gap; the exact figure is not reported
        return replace(roadmap, bound=None, gap=None)
    slack = max(0.0, bound - value)
    # Stated against the roadmap's own objective, so that gap = (bound − objective) /
    # |objective| holds in roadmap.json as in every other roadmap (`certify` checks it).
    gap = slack / max(abs(roadmap.objective), 1.0)
    return replace(roadmap, bound=roadmap.objective + slack, gap=gap)


# --- when the work in flight cannot continue ---------------------------------------------------


def diagnose(
    inventory: Inventory,
    previous: Roadmap,
    as_of: int,
    solver: str = "highs",
    time_limit: float | None = 60.0,
) -> list[str]:
    """Why no roadmap keeps the work in flight: the checker on the in-flight work alone, the
    deadlines no option can meet from `as_of`, and (when present) the model's diagnosis."""
    axis = inventory.axis
    locked = [d for d in previous.decisions if inventory.system(d.system).locked is not None]
    pinned_at = {b.platform: b.start for b in placed_on(inventory, previous).builds}
    pinned = [b for b in previous.platforms if pinned_at[b.id] < as_of]
    in_flight = Roadmap(
        status=SolveStatus.FEASIBLE,
        objective=None,
        bound=None,
        gap=None,
        solver=SolverInfo(name="in-flight work"),
        periods=axis.labels,
        decisions=locked,
        platforms=[PlatformBuild(b.id, b.start, b.ready) for b in pinned],
    )
    mine = {d.system for d in locked}
    findings = []
    for v in check_roadmap(inventory, in_flight):
        if v.number == "0" or (v.number == "1" and not set(v.systems) & mine):
            continue
        findings.append(f"work in flight: {v.render()}")
    for system in inventory.systems:
        resolved = inventory.estate.system(system.id)
        if resolved.deadline is None or system.locked is not None:
            continue
        if not any(o.starts for o in resolved.options):
            by = (
                f"its end of support {system.end_of_support} ({system.criticality} systems may "
                "not run unsupported)"
                if resolved.deadline_from_support
                else str(system.must_modernise_by)
            )
            findings.append(
                f"{system.id} must be modernised by {by}, but no option starting from "
                f"{axis.label(as_of)} can finish by then"
            )
    findings += _model_diagnosis(inventory, solver, time_limit)
    if not findings:
        findings.append(
            "the work in flight fits on its own, but no roadmap around it meets every deadline, "
            "capacity and risk limit; relax a deadline or a capacity"
        )
    return findings


def _model_diagnosis(inventory: Inventory, solver: str, time_limit: float | None) -> list[str]:
    """The diagnosis stage's findings on the locked inventory, one line each."""
    from prioritiser.diagnose import diagnose as diagnose_inventory

    try:
        result = diagnose_inventory(inventory, solver=solver, time_limit=time_limit)
    except Exception:  # a diagnosis must never hide the infeasibility it explains
        return []
    return [line for line in result.render().splitlines() if line.strip()]

"""`explain`: why one system is in the roadmap or out of it, and what forcing it would cost."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.diagnose import diagnose
from prioritiser.errors import Infeasible, UsageError
from prioritiser.explain import Explanation, explain_system
from prioritiser.inventory import Inventory
from prioritiser.inventory.messages import did_you_mean
from prioritiser.roadmap import Roadmap, SolveStatus
from prioritiser.solve import PlanOptions, ProgressFn, plan
from prioritiser.tasks.common import load, read_roadmap_file, time_limit_error
from prioritiser.tasks.listener import SILENT, Listener


@dataclass(frozen=True)
class ExplainRequest:
    inventory: Path
    system: str
    roadmap: Path | None = None  # explain this roadmap.json (default: plan first)
    scenarios: tuple[Path, ...] = ()
    options: PlanOptions | None = None  # gap 0 for an exact cost of forcing
    people: bool = False  # name systems for people (text) rather than by id (JSON)


@dataclass(frozen=True)
class ExplainOutcome:
    inventory: Inventory
    roadmap: Roadmap
    explanation: Explanation


def explain_decision(request: ExplainRequest, listener: Listener = SILENT) -> ExplainOutcome:
    """Explain the system's place in the roadmap (planned now unless one is given)."""
    inventory = load(request.inventory, request.scenarios, listener)
    if not inventory.has_system(request.system):
        known = [s.id for s in inventory.systems]
        raise UsageError(
            f"no system '{request.system}' in {request.inventory}"
            f"{did_you_mean(request.system, known)}"
        )
    options = request.options or PlanOptions(gap=0.0)
    with listener.solving(inventory.portfolio.currency, options) as progress:
        if request.roadmap is not None:
            roadmap = _read(inventory, request.roadmap, listener)
        else:
            roadmap = _planned(inventory, options, progress, listener)
        explanation = explain_system(
            inventory, roadmap, request.system, options, progress=progress, people=request.people
        )
    return ExplainOutcome(inventory, roadmap, explanation)


def _read(inventory: Inventory, path: Path, listener: Listener) -> Roadmap:
    """The roadmap in `path`, which must have been planned from this inventory."""
    roadmap = read_roadmap_file(path)
    if roadmap.periods != inventory.axis.labels:
        raise UsageError(
            f"roadmap {path} plans {len(roadmap.periods)} periods from "
            f"{(roadmap.periods or ['?'])[0]}, but the inventory's horizon is "
            f"{inventory.axis.span_label(0, inventory.axis.count - 1)}: was it planned "
            "from another inventory?"
        )
    if list(roadmap.scenarios) != list(inventory.scenarios):
        listener.warning(
            f"{path} was planned with scenarios {roadmap.scenarios or 'none'}, "
            f"explaining with {list(inventory.scenarios) or 'none'}"
        )
    if not roadmap.has_plan:
        raise UsageError(f"roadmap {path} has no plan (status {roadmap.status})")
    return roadmap


def _planned(
    inventory: Inventory, options: PlanOptions, progress: ProgressFn | None, listener: Listener
) -> Roadmap:
    roadmap = plan(inventory, options, progress)
    if roadmap.status == SolveStatus.INFEASIBLE:
        diagnosis = diagnose(inventory, options.solver, options.time_limit or 60.0)
        listener.diagnosis(diagnosis)
        raise Infeasible(
            "infeasible: no roadmap satisfies every rule, so there is nothing to explain; "
            "`prioritiser plan` writes the diagnosis",
            diagnosis,
        )
    if roadmap.status == SolveStatus.NO_SOLUTION:
        raise time_limit_error(options)
    return roadmap

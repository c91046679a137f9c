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

`prioritiser.reports.frontier` writes the outputs: `frontier.csv`, `frontier.json`,
`frontier.md` and `frontier.html`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from prioritiser.check import check_roadmap
from prioritiser.errors import UsageError
from prioritiser.inventory import Inventory
from prioritiser.roadmap import Roadmap, SolveStatus
from prioritiser.scenarios.variants import capacity_total, scale_resource, verified
from prioritiser.solve import PlanOptions, plan


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
        raise UsageError("--steps must be at least 1")
    if low < 0 or high < 0:
        raise UsageError("capacity scales must not be negative")
    if steps == 1:
        return [round(low, 6)]
    if not low < high:
        raise UsageError(f"--from ({low}) must be below --to ({high}) for more than one step")
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
        raise UsageError(f"unknown resource {resource!r} (resources: {known})")
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
    status = SolveStatus.FEASIBLE
    return replace(previous, status=status, bound=bound, gap=gap, solver=solved.solver)

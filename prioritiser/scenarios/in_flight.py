"""Replanning's first step: the inventory with the work in flight locked.

Every previous decision that started before `as_of` becomes a `locked: {option, start}`;
everything else gets `earliest_start: as_of`; the capacity history and the commitments of
work in flight are raised where they need more than a (cut) capacity, and reported as
`Overcommitment`s. `replan_overlay` records what was added, as a scenario overlay.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from prioritiser.certify import check_consistency
from prioritiser.errors import UsageError
from prioritiser.inventory import Inventory, Lock, System
from prioritiser.model.candidates import Build, Candidate, placement_problems
from prioritiser.roadmap import Decision, Roadmap
from prioritiser.scenarios.variants import placed_on, resource_use_of, with_systems

TOTAL = "total"  # the "period" of a resource's horizon total


class ReplanConflict(UsageError):
    """The previous roadmap does not fit the inventory (unknown ids, contradicting locks)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def as_of_index(inventory: Inventory, as_of: str) -> int:
    """Index of `as_of` on the horizon; it must be one of its periods."""
    try:
        index = inventory.estate.period(as_of)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None
    if not 0 <= index < inventory.axis.count:
        labels = inventory.axis.labels
        raise UsageError(
            f"--as-of {as_of} is outside the planning horizon {labels[0]}–{labels[-1]}"
        )
    return index


def started_before(inventory: Inventory, previous: Roadmap, as_of: int) -> list[Decision]:
    """Previous decisions whose work started before period `as_of` (in flight or done)."""
    starts = {c.system: c.start for c in placed_on(inventory, previous).decisions}
    return [d for d in previous.decisions if starts[d.system] < as_of]


@dataclass(frozen=True)
class Overcommitment:
    """Work in flight that on its own needs more of a resource than the capacity allows."""

    resource: str
    period: str  # a period label, a financial year's (per_year), or "total" for the horizon
    committed: float
    capacity: float
    systems: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "period": self.period,
            "committed": round(self.committed, 2),
            "capacity": round(self.capacity, 2),
            "in_flight": list(self.systems),
        }


def lock_in_flight(
    inventory: Inventory, previous: Roadmap, as_of: int, honour_commitments: bool = True
) -> tuple[Inventory, list[Overcommitment]]:
    """Locks for work started before `as_of`; `earliest_start: as_of` for everything else;
    the capacity history and (unless `honour_commitments` is off) work in flight need."""
    check_previous(inventory, previous)
    estate = inventory.estate
    placement = placed_on(inventory, previous)
    started = {c.system: c for c in placement.decisions if c.start < as_of}
    problems = []
    changed: dict[str, System] = {}
    for system in inventory.systems:
        decision = started.get(system.id)
        if decision is not None:
            lock = Lock(option=decision.option, start=estate.label(decision.start))
            own = estate.system(system.id).lock
            if (
                system.locked is not None
                and own is not None
                and (own.option != lock.option or own.start != decision.start)
            ):
                before = previous.decision(system.id)
                assert before is not None
                problems.append(
                    f"{system.id}: the previous roadmap started {decision.option} in "
                    f"{before.start}, but the inventory locks it to {system.locked.option} "
                    f"in {system.locked.start}; make them agree"
                )
                continue
            changed[system.id] = system.model_copy(update={"locked": lock})
        elif system.locked is not None:
            continue  # a decision the inventory records as taken stands as it is
        elif estate.system(system.id).earliest_start < as_of:
            changed[system.id] = system.model_copy(update={"earliest_start": estate.label(as_of)})
    if problems:
        raise ReplanConflict(problems)
    locked = with_systems(inventory, changed)
    # The work in flight, with the durations and draws of the locked inventory.
    placement = placed_on(locked, previous)
    in_flight = [c for c in placement.decisions if c.system in started]
    pinned = [b for b in placement.builds if b.start < as_of]
    return committed_capacity(locked, in_flight, pinned, as_of, honour_commitments)


def committed_capacity(
    inventory: Inventory,
    in_flight: list[Candidate],
    pinned: list[Build],
    as_of: int,
    honour_commitments: bool = True,
) -> tuple[Inventory, list[Overcommitment]]:
    """Capacities raised to what history and work in flight actually need.

    The past is not re-planned: periods before `as_of` keep what the work done there drew,
    whatever a scenario now says (a budget cut applies from `as_of` on). From `as_of` on,
    work in flight is contracted: where it alone needs more than the capacity (a cut below
    what running projects draw), its need becomes that period's capacity — it continues,
    and nothing new that needs the resource starts there — and the excess is returned as an
    `Overcommitment` to report. With `honour_commitments=False` the excess is left to make
    the replan infeasible instead. A resource's `total` is treated alike.
    """
    use = resource_use_of(inventory.estate, [*in_flight, *pinned])
    axis = inventory.axis
    resources = dict(inventory.resources)
    over: list[Overcommitment] = []
    for name, row in use.items():
        spec = resources[name]
        raised = {}
        for t in range(axis.count):
            capacity = inventory.capacity(name, t)
            if not _exceeds(row[t], capacity):
                continue
            if t < as_of or honour_commitments:
                raised[axis.label(t)] = row[t]
            if t >= as_of and honour_commitments:
                users = _users(inventory, in_flight, pinned, name, t)
                over.append(Overcommitment(name, axis.label(t), row[t], capacity, users))
        update: dict[str, Any] = {}
        if raised:
            update["overrides"] = {**spec.overrides, **raised}
        if spec.total is not None and honour_commitments and _exceeds(sum(row), spec.total):
            update["total"] = sum(row)
            users = _users(inventory, in_flight, pinned, name, None)
            over.append(Overcommitment(name, TOTAL, sum(row), spec.total, users))
        years = _years_raised(inventory, name, row, as_of, honour_commitments, in_flight, pinned)
        if years[0]:
            update["per_year"] = {**spec.per_year, **years[0]}
            over += years[1]
        if update:
            resources[name] = spec.model_copy(update=update)
    if resources == inventory.resources:
        return inventory, over
    return replace(inventory, resources=resources), over


def _years_raised(
    inventory: Inventory,
    name: str,
    row: list[float],
    as_of: int,
    honour_commitments: bool,
    in_flight: list[Candidate],
    pinned: list[Build],
) -> tuple[dict[str, float], list[Overcommitment]]:
    """Financial-year caps (`per_year`) raised to what history and work in flight need, as
    per-period capacities are: a year that began before `as_of` keeps what was drawn, and
    work in flight is contracted (`honour_commitments`)."""
    estate = inventory.estate
    raised: dict[str, float] = {}
    over: list[Overcommitment] = []
    for label, cap in estate.resources[name].per_year:
        periods = estate.financial_year(label).periods
        need = sum(row[t] for t in periods)
        if not _exceeds(need, cap):
            continue
        if periods[0] < as_of or honour_commitments:
            raised[label] = need
        if periods[-1] >= as_of and honour_commitments:
            users = sorted(
                {u for t in periods for u in _users(inventory, in_flight, pinned, name, t)}
            )
            over.append(Overcommitment(name, label, need, cap, tuple(users)))
    return raised, over


def _exceeds(used: float, capacity: float) -> bool:
    return used > capacity + 1e-9 * max(1.0, abs(capacity))


def _users(
    inventory: Inventory,
    in_flight: list[Candidate],
    pinned: list[Build],
    resource: str,
    period: int | None,
) -> tuple[str, ...]:
    """Work in flight (and platform set-ups) drawing `resource` in `period` (or at all)."""
    names = []
    for c in in_flight:
        if resource in dict(c.use) and (period is None or c.start <= period <= c.finish):
            names.append(c.system)
    for b in pinned:
        if resource in dict(b.use) and (period is None or b.start <= period <= b.finish):
            names.append(f"platform {b.platform}")
    return tuple(sorted(names))


def replan_overlay(original: Inventory, locked: Inventory, as_of: str) -> dict[str, Any]:
    """The changes replan made to the inventory, as a scenario overlay.

    Applied after the same `--scenario` files, it lets `prioritiser check` verify the
    replanned roadmap exactly as it was planned.
    """
    systems: dict[str, Any] = {}
    for before in original.systems:
        after = locked.system(before.id)
        patch: dict[str, Any] = {}
        if after.locked != before.locked and after.locked is not None:
            patch["locked"] = {"option": after.locked.option, "start": after.locked.start}
        if after.earliest_start != before.earliest_start:
            patch["earliest_start"] = after.earliest_start
        if patch:
            systems[before.id] = patch
    resources: dict[str, Any] = {}
    for name, spec in locked.resources.items():
        before_spec = original.resources[name]
        extra = {k: v for k, v in spec.overrides.items() if before_spec.overrides.get(k) != v}
        resource_patch: dict[str, Any] = {"overrides": extra} if extra else {}
        if spec.total != before_spec.total:
            resource_patch["total"] = spec.total
        years = {k: v for k, v in spec.per_year.items() if before_spec.per_year.get(k) != v}
        if years:
            resource_patch["per_year"] = years
        if resource_patch:
            resources[name] = resource_patch
    overlay: dict[str, Any] = {
        "name": f"replan-{as_of.lower()}",
        "description": (
            f"Work started before {as_of} locked, nothing new before it, and the capacity "
            "those periods actually used (written by `prioritiser replan`)."
        ),
    }
    if resources:
        overlay["resources"] = resources
    if systems:
        overlay["systems"] = systems
    return overlay


def check_previous(inventory: Inventory, previous: Roadmap) -> None:
    """The previous roadmap must hold a plan that speaks about this inventory, with figures
    that are finite and agree among themselves (`check_consistency`: the inventory may have
    changed since, so its NPVs are not recomputed)."""
    if not previous.has_plan:
        raise ReplanConflict([f"the previous roadmap has no plan (status '{previous.status}')"])
    problems = [v.message for v in check_consistency(previous)]
    problems += placement_problems(inventory.estate, previous)
    if problems:
        raise ReplanConflict(problems)

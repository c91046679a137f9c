"""The estate's candidates and what follows from them, shared by both passes.

Which systems must be modernised (their own deadline or lock, and what those pull in), why,
what limits their windows, and how early each can finish — in the words the findings use.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cached_property

from prioritiser.economics import Appraisal
from prioritiser.graph import EstateGraph
from prioritiser.inventory import DependencyConstraint, Inventory, ResolvedSystem
from prioritiser.model.candidates import Candidate, CandidateSet, enumerate_candidates
from prioritiser.wording import spans

EPS = 1e-6
Shortfall = tuple[str, int, float, float]  # (resource, period, need, capacity)


class Facts:
    """The inventory's candidates and what follows from them, shared by both passes."""

    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        self.estate = inventory.estate
        self.axis = inventory.axis
        self.graph = EstateGraph.of(self.estate)
        self.candidates: CandidateSet = enumerate_candidates(self.estate, Appraisal.of(inventory))

    def label(self, period: int) -> str:
        return self.axis.label(period)

    def span(self, periods: Iterable[int]) -> str:
        return spans(self.axis, periods)

    def qty(self, resource: str, amount: float) -> str:
        return self.estate.quantity(resource, amount)

    def system(self, system_id: str) -> ResolvedSystem:
        return self.estate.system(system_id)

    @cached_property
    def edges(self) -> list[tuple[str, str, DependencyConstraint]]:
        """(consumer, provider, constraint) for every constraining dependency, sorted."""
        return [(link.consumer, link.provider, link.constraint) for link in self.graph.links()]

    def direct(self, system: ResolvedSystem) -> bool:
        """Must be modernised because of its own deadline or lock."""
        return system.mandatory

    @cached_property
    def mandatory(self) -> set[str]:
        """Systems that must be modernised: deadlines, locks, and what they pull in."""
        out: set[str] = {s.id for s in self.estate.systems if self.direct(s)}
        changed = True
        while changed:
            changed = False
            for consumer, provider, kind in self.edges:
                pulled: set[str] = set()
                if kind == "together":
                    pulled = {consumer, provider} if out & {consumer, provider} else set()
                elif kind == "requires" and consumer in out and self.only_changes(consumer):
                    pulled = {provider}
                if pulled - out:
                    out |= pulled
                    changed = True
        return out

    def only_changes(self, system_id: str) -> bool:
        """Every candidate of the system is a non-retire option (and there is one)."""
        mine = self.candidates.of(system_id)
        return bool(mine) and not any(c.retires for c in mine)

    def deadline_text(self, system_id: str) -> str:
        """The deadline as the inventory gives it: `2027-Q3`, or `its end of support 2027-Q4
        (critical systems may not run unsupported)` when policy made it one."""
        resolved = self.system(system_id)
        source = resolved.source
        if resolved.deadline_from_support:
            return (
                f"its end of support {source.end_of_support} ({resolved.criticality} systems "
                "may not run unsupported)"
            )
        return str(source.must_modernise_by)

    def deadline_rule(self, system_id: str) -> str:
        """`end_of_support` for a deadline `risk.unsupported.forbid` makes, else `deadline`."""
        return "end_of_support" if self.system(system_id).deadline_from_support else "deadline"

    def deadline_fix(self, system_id: str, until: str | None = None) -> str:
        """What would let a deadline give: move it (to `until`), or let the system run
        unsupported (until `until`)."""
        resolved = self.system(system_id)
        if resolved.deadline_from_support:
            when = f" until {until}" if until else " for a while"
            return (
                f"let {system_id} run unsupported{when} (take {resolved.criticality} out of "
                "risk.unsupported.forbid and price it under cost_per_year)"
            )
        return f"move the deadline to {until}" if until else "move the deadline"

    def mandate(self, system_id: str) -> str:
        """Why a system has to be done: `must finish by 2027-Q3`, `is locked to ...`."""
        system = self.inventory.system(system_id)
        parts = []
        if system.locked is not None:
            parts.append(f"is locked to {system.locked.option} from {system.locked.start}")
        if self.system(system_id).deadline is not None:
            parts.append(f"must finish by {self.deadline_text(system_id)}")
        if parts:
            return " and ".join(parts)
        for consumer, provider, kind in self.edges:
            if kind == "together" and system_id in (consumer, provider):
                other = provider if consumer == system_id else consumer
                if other in self.mandatory and self.direct(self.system(other)):
                    return f"moves together with {other}, which {self.mandate(other)}"
            if kind == "requires" and provider == system_id and consumer in self.mandatory:
                return f"is required by {consumer}, which {self.mandate(consumer)}"
        return "must be modernised"

    def window(self, system_id: str) -> str:
        """What limits a system's start periods, in words."""
        system = self.inventory.system(system_id)
        mine = self.candidates.of(system_id)
        reasons = []
        if system.locked is not None:
            reasons.append("locked")
        if self.system(system_id).deadline is not None:
            reasons.append(f"deadline {self.deadline_text(system_id)}")
        if system.earliest_start is not None:
            reasons.append(f"earliest start {system.earliest_start}")
        platforms = sorted({p for c in mine for p in c.platforms})
        for platform_id in platforms:
            ready = self.estate.platform(platform_id).setup_duration
            reasons.append(f"platform {platform_id} ready from {self.label(ready)} at the earliest")
        return "; ".join(reasons) if reasons else "the planning horizon"

    def starts(self, system_id: str) -> set[int]:
        return {c.start for c in self.candidates.of(system_id)}

    def capacity(self, resource: str, period: int) -> float:
        return self.estate.capacity(resource, period)

    def shortfalls(self, c: Candidate) -> list[Shortfall]:
        """(resource, period, need, capacity) where the candidate alone exceeds capacity."""
        out = []
        for resource, amount in c.use:
            if resource not in self.inventory.resources:
                continue
            for period in range(c.start, c.finish + 1):
                cap = self.capacity(resource, period)
                if amount > cap * (1 + EPS) + EPS:
                    out.append((resource, period, amount, cap))
        return out

    @cached_property
    def earliest_finish(self) -> dict[str, float]:
        """Earliest finish of each system's non-retire options, waiting for what it must."""
        memo: dict[str, float] = {}

        def finish(system_id: str, seen: frozenset[str]) -> float:
            if system_id in memo:
                return memo[system_id]
            if system_id in seen:  # cycles are rejected by validation; be safe anyway
                return math.inf
            waits = [finish(p, seen | {system_id}) for p in self.must_wait_for(system_id)]
            bar = max(waits, default=-1)
            ends = [
                c.finish for c in self.candidates.of(system_id) if not c.retires and c.start > bar
            ]
            memo[system_id] = min(ends, default=math.inf)
            return memo[system_id]

        for system in self.estate.systems:
            finish(system.id, frozenset())
        return memo

    def must_wait_for(self, system_id: str) -> list[str]:
        """Providers a non-retire change of `system_id` must wait for, whatever else happens."""
        out = []
        for consumer, provider, kind in self.edges:
            if consumer != system_id or not kind.orders:
                continue
            if kind == "requires" or (provider in self.mandatory and self.only_changes(provider)):
                out.append(provider)
        return sorted(set(out))

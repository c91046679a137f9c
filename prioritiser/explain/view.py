"""A roadmap resolved against its inventory: what runs when, and how full every limit is.

Everything `explain` says about a roadmap is read from this view — resource use per period,
high-risk and per-department counts, the delivery-risk total, platform readiness — so a
reason and the number it quotes always come from the same place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory
from prioritiser.model.candidates import Candidate, CandidateSet, enumerate_candidates
from prioritiser.roadmap import Decision, Roadmap

TOLERANCE = 1e-6


def full(use: float, capacity: float) -> bool:
    """Use has reached capacity (within solver and rounding noise)."""
    return use >= capacity - TOLERANCE * max(abs(capacity), 1.0) - 0.01


def over(use: float, capacity: float) -> bool:
    """Use exceeds capacity by more than noise."""
    return use > capacity + TOLERANCE * max(abs(capacity), 1.0) + 0.01


@dataclass(frozen=True)
class Edge:
    """`consumer depends_on provider` with a constraint other than `none`."""

    consumer: str
    provider: str
    constraint: str
    kind: str


class RoadmapView:
    """The roadmap's decisions as candidates, with per-period totals of every limit."""

    def __init__(self, inventory: Inventory, roadmap: Roadmap, economics: Economics | None = None):
        self.inventory = inventory
        self.roadmap = roadmap
        self.axis = inventory.axis
        self.economics = economics or Economics(inventory)
        self.candidates: CandidateSet = enumerate_candidates(inventory, self.economics)
        self.chosen: dict[str, Candidate] = {}
        for decision in roadmap.decisions:
            if inventory.has_system(decision.system):
                self.chosen[decision.system] = self.candidate(decision)
        self.ready: dict[str, int] = {p.id: self.axis.index(p.ready) for p in roadmap.platforms}

    def label(self, period: int) -> str:
        return self.axis.label(period)

    def candidate(self, decision: Decision) -> Candidate:
        """The candidate of a decision (built directly, so any start the roadmap names works)."""
        start = self.axis.index(decision.start)
        for c in self.candidates.of(decision.system):
            if c.option == decision.option and c.start == start:
                return c
        return self.make(decision.system, decision.option, start)

    def make(self, system_id: str, option_id: str, start: int) -> Candidate:
        system = self.inventory.system(system_id)
        option = system.option(option_id)
        return Candidate(
            index=-1,
            system=system_id,
            option=option_id,
            kind=option.kind,
            start=start,
            finish=start + option.duration - 1,
            npv=self.economics.npv(system_id, option_id, start),
            use=tuple(sorted(self.inventory.option_resource_use(option).items())),
            delivery_risk=option.delivery_risk,
            department=system.department,
            platforms=tuple(sorted(set(option.requires_platforms))),
        )

    @cached_property
    def edges(self) -> list[Edge]:
        return sorted(
            (
                Edge(s.id, d.system, d.constraint, d.kind)
                for s in self.inventory.systems
                for d in s.depends_on
                if d.constraint != "none" and self.inventory.has_system(d.system)
            ),
            key=lambda e: (e.consumer, e.provider, e.constraint),
        )

    def providers(self, system_id: str) -> list[Edge]:
        return [e for e in self.edges if e.consumer == system_id]

    def consumers(self, system_id: str) -> list[Edge]:
        return [e for e in self.edges if e.provider == system_id]

    # --- per-period totals, with or without one system's own work ------------------------

    @cached_property
    def use(self) -> dict[str, list[float]]:
        """Use of every resource per period by the chosen options and platform set-ups."""
        use = {r: [0.0] * self.axis.count for r in self.inventory.resources}
        for c in self.chosen.values():
            self._add(use, c.use, c.start, c.finish, 1.0)
        for build in self.roadmap.platforms:
            if build.id not in {p.id for p in self.inventory.platforms}:
                continue
            platform = self.inventory.platform(build.id)
            start = self.axis.index(build.start)
            amounts = tuple(self.inventory.platform_resource_use(platform).items())
            self._add(use, amounts, start, start + platform.setup_duration - 1, 1.0)
        return use

    def _add(
        self,
        use: dict[str, list[float]],
        amounts: tuple[tuple[str, float], ...],
        first: int,
        last: int,
        sign: float,
    ) -> None:
        for resource, amount in amounts:
            if resource in use:
                for t in range(max(first, 0), min(last, self.axis.count - 1) + 1):
                    use[resource][t] += sign * amount

    def use_without(self, system_id: str) -> dict[str, list[float]]:
        """Resource use per period if `system_id`'s own option were taken out."""
        use = {r: list(row) for r, row in self.use.items()}
        mine = self.chosen.get(system_id)
        if mine is not None:
            self._add(use, mine.use, mine.start, mine.finish, -1.0)
        return use

    def total(self, resource: str, use: dict[str, list[float]] | None = None) -> float:
        return sum((use or self.use)[resource])

    def capacity(self, resource: str, period: int) -> float:
        return self.inventory.capacity(resource, period)

    def high_risk(self, without: str | None = None) -> list[int]:
        threshold = self.inventory.risk.high_risk_threshold
        counts = [0] * self.axis.count
        for c in self.chosen.values():
            if c.system != without and c.delivery_risk >= threshold:
                for t in range(c.start, c.finish + 1):
                    counts[t] += 1
        return counts

    def in_department(self, department: str, without: str | None = None) -> list[int]:
        counts = [0] * self.axis.count
        for c in self.chosen.values():
            if c.system != without and c.department == department:
                for t in range(c.start, c.finish + 1):
                    counts[t] += 1
        return counts

    def delivery_risk(self, without: str | None = None) -> float:
        return float(sum(c.delivery_risk for c in self.chosen.values() if c.system != without))

    # --- the scarcest resource ----------------------------------------------------------

    @cached_property
    def scarcest(self) -> str | None:
        """The resource this roadmap uses most fully (share of capacity over the horizon)."""
        used = [r for r in sorted(self.inventory.resources) if self.total(r) > 0]
        return max(used, key=self.share) if used else None

    def share(self, resource: str) -> float:
        """Use over the horizon as a share of capacity (or of the total, when tighter)."""
        spec = self.inventory.resources[resource]
        used = self.total(resource)
        capacity = sum(self.capacity(resource, t) for t in range(self.axis.count))
        share = used / capacity if capacity > 0 else 0.0
        return max(share, used / spec.total) if spec.total else share

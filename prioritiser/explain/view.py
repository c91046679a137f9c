"""A roadmap resolved against its inventory: what runs when, and how full every limit is.

Everything `explain` says about a roadmap is read from this view — resource use per period,
high-risk and per-department counts, the delivery-risk total, platform readiness — so a
reason and the number it quotes always come from the same place.
"""

from __future__ import annotations

from functools import cached_property

from prioritiser.economics import Appraisal
from prioritiser.graph import EstateGraph
from prioritiser.inventory import Inventory, Link
from prioritiser.model.candidates import (
    Candidate,
    CandidateSet,
    enumerate_candidates,
    place,
    placed,
)
from prioritiser.roadmap import Decision, Roadmap

TOLERANCE = 1e-6


def full(use: float, capacity: float) -> bool:
    """Use has reached capacity (within solver and rounding noise)."""
    return use >= capacity - TOLERANCE * max(abs(capacity), 1.0) - 0.01


def over(use: float, capacity: float) -> bool:
    """Use exceeds capacity by more than noise."""
    return use > capacity + TOLERANCE * max(abs(capacity), 1.0) + 0.01


class RoadmapView:
    """The roadmap's decisions as candidates, with per-period totals of every limit.

    `people` chooses how sentences name things: by name for people (the terminal, the
    reports), or by id (`explain --format json`, where ids are what a script matches on).
    """

    def __init__(self, inventory: Inventory, roadmap: Roadmap, people: bool = False):
        self.inventory = inventory
        self.people = people
        self.roadmap = roadmap
        self.estate = inventory.estate
        self.axis = inventory.axis
        self.graph = EstateGraph.of(self.estate)
        self.appraisal = Appraisal.of(inventory)
        self.candidates: CandidateSet = enumerate_candidates(self.estate, self.appraisal)
        self.placed = placed(self.estate, self.appraisal, roadmap)
        self.chosen: dict[str, Candidate] = {}
        for decision in self.placed.decisions:
            self.chosen[decision.system] = self._windowed(decision)
        self.ready: dict[str, int] = {b.platform: b.ready for b in self.placed.builds}

    def label(self, period: int) -> str:
        return self.axis.label(period)

    def who(self, system_id: str) -> str:
        """A system as a sentence names it: its name for people, else its id."""
        if self.people and self.inventory.has_system(system_id):
            return self.inventory.system(system_id).name
        return system_id

    def platform_name(self, platform_id: str) -> str:
        if self.people:
            return self.inventory.platform(platform_id).title
        return platform_id

    def resource_name(self, resource: str) -> str:
        """`cobol specialists` for people (ids keep their underscores)."""
        return resource.replace("_", " ") if self.people else resource

    def _windowed(self, c: Candidate) -> Candidate:
        """The model's own candidate for a decision when its windows allow it."""
        for own in self.candidates.of(c.system):
            if own.option == c.option and own.start == c.start:
                return own
        return c

    def candidate(self, decision: Decision) -> Candidate:
        """The candidate of a decision (built directly, so any start the roadmap names works)."""
        start = self.estate.period(decision.start)
        for c in self.candidates.of(decision.system):
            if c.option == decision.option and c.start == start:
                return c
        return place(self.estate, self.appraisal, decision.system, decision.option, start)

    @property
    def edges(self) -> list[Link]:
        return self.graph.links()

    def providers(self, system_id: str) -> list[Link]:
        return self.graph.providers(system_id)

    def consumers(self, system_id: str) -> list[Link]:
        return self.graph.consumers(system_id)

    # --- per-period totals, with or without one system's own work ------------------------

    @cached_property
    def use(self) -> dict[str, list[float]]:
        """Use of every resource per period by the chosen options and platform set-ups."""
        use = {r: [0.0] * self.axis.count for r in self.inventory.resources}
        for c in self.chosen.values():
            self._add(use, c.use, c.start, c.finish, 1.0)
        for build in self.placed.builds:
            self._add(use, build.use, build.start, build.finish, 1.0)
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
        return self.estate.capacity(resource, period)

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
        capacity = sum(self.estate.resources[resource].capacity)
        share = used / capacity if capacity > 0 else 0.0
        return max(share, used / spec.total) if spec.total else share

"""A roadmap resolved against its inventory: what runs when, and how full every limit is.

Everything `explain` says about a roadmap is read from this view — resource use per period,
high-risk and per-department counts, the delivery-risk total, platform readiness — so a
reason and the number it quotes always come from the same place.
"""

from __future__ import annotations

from collections.abc import Iterable
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
from prioritiser.model.reasons import retained_reasons
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

    @cached_property
    def _together(self) -> dict[str, list[Link]]:
        by_system: dict[str, list[Link]] = {}
        for edge in self.edges:
            if edge.constraint == "together":
                by_system.setdefault(edge.consumer, []).append(edge)
                if edge.provider != edge.consumer:
                    by_system.setdefault(edge.provider, []).append(edge)
        return by_system

    def together(self, system_id: str) -> list[Link]:
        """The move-group links `system_id` is in, in the order of `edges` (looked up, not
        searched: reasons ask it for every candidate of every system)."""
        return self._together.get(system_id, [])

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

    @cached_property
    def retained_reasons(self) -> dict[str, str]:
        """The one-line reason of every system the roadmap would keep (computed once: a
        board pack asks it for each retained system)."""
        return retained_reasons(self.estate, self.candidates)

    # The counts are kept for the whole roadmap and one system's own work is taken out on
    # demand: a board pack asks them for every candidate of every system (3 x 16 x 5,000 at
    # whole-department scale), and recounting the roadmap each time made that quadratic.

    @cached_property
    def _high_risk_counts(self) -> list[int]:
        threshold = self.inventory.risk.high_risk_threshold
        return self._counts(c for c in self.chosen.values() if c.delivery_risk >= threshold)

    @cached_property
    def _department_counts(self) -> dict[str, list[int]]:
        by_department: dict[str, list[Candidate]] = {}
        for c in self.chosen.values():
            by_department.setdefault(c.department, []).append(c)
        return {d: self._counts(cs) for d, cs in by_department.items()}

    @cached_property
    def _delivery_risk_total(self) -> int:
        return sum(c.delivery_risk for c in self.chosen.values())

    def _counts(self, candidates: Iterable[Candidate]) -> list[int]:
        counts = [0] * self.axis.count
        for c in candidates:
            for t in range(c.start, c.finish + 1):
                counts[t] += 1
        return counts

    def _mine(self, without: str | None) -> Candidate | None:
        return self.chosen.get(without) if without is not None else None

    def _less(self, counts: list[int], mine: Candidate | None) -> list[int]:
        out = list(counts)
        if mine is not None:
            for t in range(mine.start, mine.finish + 1):
                out[t] -= 1
        return out

    def high_risk(self, without: str | None = None) -> list[int]:
        mine = self._mine(without)
        threshold = self.inventory.risk.high_risk_threshold
        counted = mine if mine is not None and mine.delivery_risk >= threshold else None
        return self._less(self._high_risk_counts, counted)

    def in_department(self, department: str, without: str | None = None) -> list[int]:
        counts = self._department_counts.get(department)
        if counts is None:
            return [0] * self.axis.count
        mine = self._mine(without)
        return self._less(
            counts, mine if mine is not None and mine.department == department else None
        )

    def delivery_risk(self, without: str | None = None) -> float:
        mine = self._mine(without)
        return float(self._delivery_risk_total - (mine.delivery_risk if mine is not None else 0))

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

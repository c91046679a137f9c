"""A greedy ranking baseline: what a value-for-money spreadsheet ranking would give.

Options are ranked by NPV per unit of the scarcest resource and placed, in rank order, as
early as resources, dependencies, platforms and risk limits allow. Locked and deadlined
systems are placed first because they are not optional. The result is a feasible roadmap
(or nothing) used by the benchmark as the baseline to beat, and as a MIP start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from prioritiser.graph import EstateGraph
from prioritiser.inventory import Estate, Link
from prioritiser.model.candidates import Build, Candidate, CandidateSet


@dataclass
class _Ledger:
    """What has been placed so far, and what it uses."""

    estate: Estate
    use: dict[str, list[float]]
    total_use: dict[str, float]
    placed: dict[str, Candidate] = field(default_factory=dict)
    builds: dict[str, Build] = field(default_factory=dict)
    high_risk: list[int] = field(default_factory=list)
    per_department: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    delivery_risk: float = 0.0

    @classmethod
    def empty(cls, estate: Estate) -> _Ledger:
        horizon = estate.horizon
        ledger = cls(
            estate,
            use={r: [0.0] * horizon for r in estate.resources},
            total_use=dict.fromkeys(estate.resources, 0.0),
        )
        ledger.high_risk = [0] * horizon
        return ledger

    def fits_resources(self, items: list[Candidate | Build]) -> bool:
        estate = self.estate
        extra: dict[tuple[str, int], float] = defaultdict(float)
        extra_total: dict[str, float] = defaultdict(float)
        for item in items:
            for resource, amount in item.use:
                for period in range(item.start, item.finish + 1):
                    extra[(resource, period)] += amount
                extra_total[resource] += amount * (item.finish - item.start + 1)
        for (resource, period), amount in extra.items():
            cap = estate.capacity(resource, period)
            if self.use[resource][period] + amount > cap * (1 + 1e-9) + 1e-9:
                return False
        for resource, amount in extra_total.items():
            total = estate.resources[resource].total
            if total is not None and self.total_use[resource] + amount > total * (1 + 1e-9) + 1e-9:
                return False
        return self._fits_years(extra)

    def _fits_years(self, extra: dict[tuple[str, int], float]) -> bool:
        """Each financial year's `per_year` cap, with the extra use per (resource, period)."""
        estate = self.estate
        for resource in {r for r, _ in extra}:
            for label, cap in estate.resources[resource].per_year:
                periods = estate.financial_year(label).periods
                added = sum(extra.get((resource, t), 0.0) for t in periods)
                if (
                    added
                    and sum(self.use[resource][t] for t in periods) + added
                    > cap * (1 + 1e-9) + 1e-9
                ):
                    return False
        return True

    # Complexity allowed: one check per risk rule (total, high-risk in flight, per department), in
    # DESIGN order.
    def fits_risk(self, items: list[Candidate]) -> bool:  # noqa: C901
        risk = self.estate.inventory.risk
        if risk.max_total_delivery_risk is not None:
            added = sum(c.delivery_risk for c in items)
            if self.delivery_risk + added > risk.max_total_delivery_risk + 1e-9:
                return False
        horizon = self.estate.horizon
        if risk.max_concurrent_high_risk is not None:
            extra = [0] * horizon
            for c in items:
                if c.delivery_risk >= risk.high_risk_threshold:
                    for t in range(c.start, c.finish + 1):
                        extra[t] += 1
            if any(
                self.high_risk[t] + extra[t] > risk.max_concurrent_high_risk for t in range(horizon)
            ):
                return False
        if risk.max_concurrent_per_department is not None:
            extra_d: dict[tuple[str, int], int] = defaultdict(int)
            for c in items:
                for t in range(c.start, c.finish + 1):
                    extra_d[(c.department, t)] += 1
            for (dept, t), n in extra_d.items():
                have = self.per_department[dept][t] if self.per_department.get(dept) else 0
                if have + n > risk.max_concurrent_per_department:
                    return False
        return True

    def commit(self, items: list[Candidate], builds: list[Build]) -> None:
        horizon = self.estate.horizon
        placed: list[Candidate | Build] = [*items, *builds]
        for item in placed:
            for resource, amount in item.use:
                for period in range(item.start, item.finish + 1):
                    self.use[resource][period] += amount
                self.total_use[resource] += amount * (item.finish - item.start + 1)
        threshold = self.estate.inventory.risk.high_risk_threshold
        for c in items:
            self.placed[c.system] = c
            self.delivery_risk += c.delivery_risk
            if not self.per_department.get(c.department):
                self.per_department[c.department] = [0] * horizon
            for t in range(c.start, c.finish + 1):
                self.per_department[c.department][t] += 1
                if c.delivery_risk >= threshold:
                    self.high_risk[t] += 1
        for b in builds:
            self.builds[b.platform] = b


class Greedy:
    """Place options in rank order, each as early as every rule allows."""

    def __init__(self, estate: Estate, graph: EstateGraph, candidates: CandidateSet):
        self.estate = estate
        self.graph = graph
        self.candidates = candidates
        self.ledger = _Ledger.empty(estate)
        self.providers: dict[str, list[Link]] = {}
        self.consumers: dict[str, list[Link]] = {}
        self.group: dict[str, list[str]] = {}
        for system in estate.systems:
            self.providers[system.id] = graph.providers(system.id)
            self.consumers[system.id] = graph.consumers(system.id)
        for members in graph.move_groups():
            for member in members:
                self.group[member] = list(members)

    # --- ranking -----------------------------------------------------------------------

    def scarcest_resource(self) -> str | None:
        """The resource most over-demanded by the best option of every system."""
        demand: dict[str, float] = defaultdict(float)
        for system in self.estate.systems:
            mine = self.candidates.of(system.id)
            if not mine:
                continue
            best = max(mine, key=lambda c: c.npv)
            for resource, amount in best.use:
                demand[resource] += amount * (best.finish - best.start + 1)
        ratios = {}
        for resource, need in demand.items():
            capacity = sum(self.estate.resources[resource].capacity)
            ratios[resource] = need / capacity if capacity > 0 else float("inf")
        return max(sorted(ratios), key=lambda r: ratios[r]) if ratios else None

    def ranked_options(self) -> list[tuple[str, str]]:
        """(system, option) pairs, best value per unit of the scarcest resource first."""
        scarce = self.scarcest_resource()
        scored = []
        for system in self.estate.systems:
            for option in system.options:
                mine = [c for c in self.candidates.of(system.id) if c.option == option.id]
                if not mine:
                    continue
                first = mine[0]
                use = (
                    dict(first.use).get(scarce, 0.0) * (first.finish - first.start + 1)
                    if scarce
                    else 0.0
                )
                score = first.npv / use if use > 0 else first.npv * 1e6
                scored.append((-score, system.id, option.id))
        return [(s, o) for _, s, o in sorted(scored)]

    # --- placement ---------------------------------------------------------------------

    def dependencies_allow(self, c: Candidate) -> bool:
        placed = self.ledger.placed
        for link in self.providers[c.system]:
            constraint = link.constraint
            other = placed.get(link.provider)
            if constraint.orders and not c.retires:
                if constraint == "requires" and (other is None or other.retires):
                    return False
                if other is not None and not other.retires and c.start <= other.finish:
                    return False
            if other is not None and other.retires and c.finish >= other.start:
                return False  # rule 5: must finish before the provider is switched off
        for link in self.consumers[c.system]:
            other = placed.get(link.consumer)
            if c.retires:
                # Retiring: every consumer must already be placed and finished before.
                if other is None or other.finish >= c.start:
                    return False
            elif (
                link.constraint.orders
                and other is not None
                and not other.retires
                and other.start <= c.finish
            ):
                return False
        return True

    def platforms_for(self, c: Candidate, pending: list[Build]) -> list[Build] | None:
        """Builds needed for `c` (earliest that fit), or None when a platform can't be ready."""
        needed: list[Build] = []
        for platform in c.platforms:
            if platform in self.ledger.builds or any(b.platform == platform for b in pending):
                existing = self.ledger.builds.get(platform) or next(
                    b for b in pending if b.platform == platform
                )
                if existing.ready > c.start:
                    return None
                continue
            options = [
                b for b in self.candidates.by_platform.get(platform, []) if b.ready <= c.start
            ]
            chosen = next(
                (b for b in options if self.ledger.fits_resources([*pending, *needed, b])), None
            )
            if chosen is None:
                return None
            needed.append(chosen)
        return needed

    def try_place(
        self, system: str, option: str | None, mandatory: bool = False, hurry: bool = False
    ) -> bool:
        """Place `system` (and its move group) with `option` at the earliest feasible start
        (`hurry`: the option that finishes first, for a provider that other mandatory work
        waits for)."""
        members = self.group.get(system, [system])
        if any(m in self.ledger.placed for m in members):
            return False
        starts = sorted(
            {c.start for c in self.candidates.of(system) if option is None or c.option == option}
        )
        ways = [
            (start, picks)
            for start in starts
            for picks in self._groups_at(members, system, option, start, every=mandatory)
        ]
        if hurry:
            ways.sort(key=lambda way: (max(c.finish for c in way[1]), way[0]))
        for _, picks in ways:
            builds: list[Build] = []
            ok = True
            for c in picks:
                extra = self.platforms_for(c, builds)
                if extra is None:
                    ok = False
                    break
                builds += extra
            if not ok:
                continue
            if not self.ledger.fits_resources([*picks, *builds]) or not self.ledger.fits_risk(
                picks
            ):
                continue
            value = sum(c.npv for c in picks) - sum(b.cost_pv for b in builds)
            if not mandatory and value <= 0:
                return False
            self.ledger.commit(picks, builds)
            return True
        return False

    def _groups_at(
        self, members: list[str], system: str, option: str | None, start: int, every: bool
    ) -> list[list[Candidate]]:
        """Ways to start the move group in `start`: its best options; with `every` (mandatory
        work) and a lone system, each other option after it, so that one which does not fit
        the resources left does not stop a cheaper one from being tried."""
        best = self._group_at(members, system, option, start)
        if len(members) > 1 or not every:
            return [best] if best is not None else []
        pool = [
            c
            for c in self.candidates.of(system)
            if c.start == start and (option is None or c.option == option)
        ]
        pool.sort(key=lambda c: (-c.npv, c.option))
        return [[c] for c in pool if self.dependencies_allow(c)]

    def _group_at(
        self, members: list[str], system: str, option: str | None, start: int
    ) -> list[Candidate] | None:
        picks = []
        for member in members:
            pool = [
                c
                for c in self.candidates.of(member)
                if c.start == start and (member != system or option is None or c.option == option)
            ]
            pool.sort(key=lambda c: (-c.npv, c.option))
            chosen = next((c for c in pool if self.dependencies_allow(c)), None)
            if chosen is None:
                return None
            picks.append(chosen)
        return picks

    def run(self) -> tuple[list[Candidate], list[Build]] | None:
        """Place everything; None when a locked or deadlined system cannot be placed."""
        if not self.place_mandatory():
            return None
        self.fill()
        return self.placed()

    def place_mandatory(self, preferred: Sequence[Candidate] = ()) -> bool:
        """Place locked and deadlined systems first (at a `preferred` candidate if it fits)."""
        mandatory = [s for s in self.estate.systems if s.mandatory]
        ids: set[str] = {s.id for s in mandatory}
        for c in preferred:
            if c.system in ids and c.system not in self.ledger.placed:
                self.place_exactly(c)
        mandatory.sort(key=lambda s: (s.lock is None, s.deadline or 0, s.id))
        return all(self._place_after_providers(system.id, ids, set()) for system in mandatory)

    def _place_after_providers(self, system: str, mandatory: set[str], seen: set[str]) -> bool:
        """Place a mandatory system, its mandatory providers first (a provider placed after its
        consumer would have to finish before the consumer started, rule 4), and one that other
        mandatory work waits for by the option that finishes first."""
        if system in self.ledger.placed or system in seen:
            return True
        seen.add(system)
        providers = [
            link.provider
            for link in self.providers[system]
            if link.constraint.orders and link.provider in mandatory
        ]
        if not all(self._place_after_providers(p, mandatory, seen) for p in providers):
            return False
        waited_for = any(
            link.constraint.orders and link.consumer in mandatory for link in self.consumers[system]
        )
        return self.try_place(system, None, mandatory=True, hurry=waited_for)

    def fill(self) -> None:
        """Place the rest in rank order (twice: later placements can unblock earlier ones)."""
        ranking = self.ranked_options()
        for _ in range(2):
            for system, option in ranking:
                if system not in self.ledger.placed:
                    self.try_place(system, option)

    def placed(self) -> tuple[list[Candidate], list[Build]]:
        picks = sorted(self.ledger.placed.values(), key=lambda c: (c.start, c.system))
        builds = sorted(self.ledger.builds.values(), key=lambda b: (b.start, b.platform))
        return picks, builds

    def place_exactly(self, c: Candidate) -> bool:
        """Place candidate `c` (its option, its start) with its move group, if every rule allows."""
        members = self.group.get(c.system, [c.system])
        if any(m in self.ledger.placed for m in members):
            return False
        picks = self._group_at(members, c.system, c.option, c.start)
        if picks is None:
            return False
        builds: list[Build] = []
        for pick in picks:
            extra = self.platforms_for(pick, builds)
            if extra is None:
                return False
            builds += extra
        if not self.ledger.fits_resources([*picks, *builds]) or not self.ledger.fits_risk(picks):
            return False
        self.ledger.commit(picks, builds)
        return True

    def run_guided(self, weight: Sequence[float]) -> tuple[list[Candidate], list[Build]] | None:
        """Round a fractional solution: place candidates by decreasing `weight[c.index]`.

        Used with the LP relaxation's values: candidates the LP chose fully are placed
        first, then those it chose in part (a second sweep picks up the ones that were
        blocked by dependencies not yet placed), then the ranking fills what is left.
        """
        order = sorted(self.candidates.candidates, key=lambda c: (-weight[c.index], -c.npv))
        if not self.place_mandatory(order):
            return None
        for threshold in (0.5, 0.1, 1e-6):
            for _ in range(2):
                for c in order:
                    if weight[c.index] < threshold:
                        break
                    if c.system not in self.ledger.placed:
                        self.place_exactly(c)
        self.fill()
        return self.placed()

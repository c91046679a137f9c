"""Strengthening: candidates no roadmap can use, and inequalities every roadmap satisfies.

Neither changes which roadmaps are feasible or what they are worth; both shrink the LP
relaxation towards the roadmaps, so branch and bound has less to prove. Each is a named
family, and each is proven valid by `tests/test_strengthen.py`: on random tiny estates the
brute-force optimum (`tests/bruteforce.py`) is the same with and without it.

**Precedence windows** (`precedence_prunable`): a start no roadmap can take because of
rules 4–5 and the other systems' own windows, found by propagating to a fixed point:

- `requires`: a consumer's non-retire option starts after some non-retire option of its
  provider finishes (so not before the earliest such finish);
- `after`/`requires` with a side that must be modernised and cannot retire (a deadline or a
  lock, every option left non-retire): the other side must fit before or after it;
- safe retirement: a retirement starts after every consumer can have finished a change (a
  consumer with no option left means the provider cannot retire at all), and a provider
  that must retire makes each consumer finish before its latest retirement start;
- `together`: a start the partner cannot take.

Which constraints were measured to pay is in docs/benchmarks.md; the cover inequalities
(`add_cover_cuts`) are separated from an LP solution, so only violated ones are added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from prioritiser.graph import EstateGraph
from prioritiser.inventory import DependencyConstraint, Estate
from prioritiser.model.candidates import Candidate, CandidateSet
from prioritiser.model.formulation import Formulation
from prioritiser.model.matrix import INF

Start = tuple[str, str, int]  # (system, option, start period)


def precedence_prunable(estate: Estate, graph: EstateGraph, candidates: CandidateSet) -> set[Start]:
    """Candidates (system, option, start) no feasible roadmap can choose (rules 4 and 5)."""
    live: dict[str, list[Candidate]] = {s.id: list(candidates.of(s.id)) for s in estate.systems}
    mandatory = {s.id for s in estate.systems if s.mandatory}
    requires = graph.pairs((DependencyConstraint.REQUIRES,))
    ordering = graph.ordering_pairs()
    together = graph.together_pairs()
    consumers: dict[str, set[str]] = defaultdict(set)
    for link in graph.links():
        consumers[link.provider].add(link.consumer)
    dropped: set[Start] = set()

    def drop(system: str, keep: Iterable[Candidate]) -> bool:
        kept = list(keep)
        if len(kept) == len(live[system]):
            return False
        for c in live[system]:
            if c not in kept:
                dropped.add((c.system, c.option, c.start))
        live[system] = kept
        return True

    def must_change(system: str) -> bool:
        """Modernised in every roadmap, with a non-retire option."""
        mine = live[system]
        return system in mandatory and bool(mine) and not any(c.retires for c in mine)

    def must_retire(system: str) -> bool:
        mine = live[system]
        return system in mandatory and bool(mine) and all(c.retires for c in mine)

    changed = True
    while changed:
        changed = False
        for consumer, provider in requires:
            finishes = [d.finish for d in live[provider] if not d.retires]
            earliest = min(finishes, default=None)
            keep = (
                c
                for c in live[consumer]
                if c.retires or (earliest is not None and c.start > earliest)
            )
            changed |= drop(consumer, keep)
        for consumer, provider in ordering:
            if must_change(provider):
                earliest = min(d.finish for d in live[provider])
                keep = (c for c in live[consumer] if c.retires or c.start > earliest)
                changed |= drop(consumer, keep)
            if must_change(consumer):
                latest = max(c.start for c in live[consumer])
                keep = (d for d in live[provider] if d.retires or d.finish < latest)
                changed |= drop(provider, keep)
        for provider, users in consumers.items():
            retirements = [r for r in live[provider] if r.retires]
            if retirements:
                # Each consumer must be able to finish a change before the retirement starts.
                ready = max(
                    (min((c.finish for c in live[user]), default=INF) for user in users),
                    default=-1,
                )
                keep = (r for r in live[provider] if not r.retires or r.start > ready)
                changed |= drop(provider, keep)
            if must_retire(provider):
                latest = max(r.start for r in live[provider])
                for user in sorted(users):
                    changed |= drop(user, (c for c in live[user] if c.finish < latest))
        for a, b in together:
            for one, other in ((a, b), (b, a)):
                starts = {c.start for c in live[other]}
                changed |= drop(one, (c for c in live[one] if c.start in starts))
    return dropped


# --- cover inequalities -------------------------------------------------------------------


def add_cover_cuts(model: Formulation, relaxed: np.ndarray) -> int:
    """Add the GUB cover inequalities that `relaxed` (a value per candidate) violates.

    For a knapsack row — a resource in one period (`resource_capacity`), over the horizon
    (`resource_total`) or the total delivery risk — the candidates of one option of one
    system draw the same amount (for the period rows: each in flight then) and at most one
    of them is chosen. A set C of options of different systems whose amounts exceed the
    capacity cannot all be chosen; nor can |C| of C's options or heavier ones, whatever
    their system (the extended cover). So with E = C ∪ {options at least as heavy as C's
    heaviest}: Σ_{candidates of E} x ≤ |C| − 1, family `cover[row]`. Returns how many were
    added.
    """
    added = 0
    for name, items, capacity in _knapsacks(model):
        cut = _separate(items, capacity, relaxed)
        if cut is None:
            continue
        members, size = cut
        cols = model.chosen_cols(members)
        model.row("cover", (name, str(added)), cols, [1.0] * len(cols), -INF, float(size - 1))
        added += 1
    return added


# (system, candidates of one option, amount each draws), and the capacity.
_Item = tuple[str, list[Candidate], float]


def _knapsacks(model: Formulation) -> Iterable[tuple[str, list[_Item], float]]:
    estate = model.estate
    cands = model.candidates.candidates
    # Platform set-ups draw on the same rows; leaving them out (every draw is non-negative)
    # keeps every cover valid.
    resources = sorted({r for c in cands for r, _ in c.use})
    for resource in resources:
        for period in range(estate.horizon):
            live = [c for c in cands if c.start <= period <= c.finish]
            items = _grouped(live, lambda c, r=resource: dict(c.use).get(r, 0.0))
            yield f"{resource},{estate.label(period)}", items, estate.capacity(resource, period)
        total = estate.resources[resource].total
        if total is not None:
            spend = _grouped(
                cands, lambda c, r=resource: dict(c.use).get(r, 0.0) * (c.finish - c.start + 1)
            )
            yield resource, spend, total
    limit = model.inventory.risk.max_total_delivery_risk
    if limit is not None:
        yield "delivery_risk", _grouped(cands, lambda c: float(c.delivery_risk)), float(limit)


def _grouped(cands: Iterable[Candidate], amount: object) -> list[_Item]:
    weigh = amount  # a function of a candidate
    groups: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for c in cands:
        groups[(c.system, c.option)].append(c)
    items = []
    for (system, _), members in sorted(groups.items()):
        value = float(weigh(members[0]))  # type: ignore[operator]
        if value > 0:
            items.append((system, members, value))
    return items


def _separate(
    items: list[_Item], capacity: float, relaxed: np.ndarray
) -> tuple[list[Candidate], int] | None:
    """The most violated extended cover a greedy search finds, or None."""
    tolerance = 1e-9 * max(capacity, 1.0)
    value = [float(sum(relaxed[c.index] for c in members)) for _, members, _ in items]
    order = sorted(range(len(items)), key=lambda i: ((1 - value[i]) / items[i][2], -items[i][2]))
    cover: list[int] = []
    systems: set[str] = set()
    total = 0.0
    for i in order:
        if items[i][0] in systems:
            continue
        cover.append(i)
        systems.add(items[i][0])
        total += items[i][2]
        if total > capacity + tolerance:
            break
    if total <= capacity + tolerance:
        return None
    for i in sorted(cover, key=lambda i: value[i]):  # minimal: drop what the cover can lose
        if total - items[i][2] > capacity + tolerance:
            cover.remove(i)
            total -= items[i][2]
    heaviest = max(items[i][2] for i in cover)
    extended = set(cover) | {i for i in range(len(items)) if items[i][2] >= heaviest}
    if sum(value[i] for i in extended) <= len(cover) - 1 + 1e-6:
        return None
    members = [c for i in sorted(extended) for c in items[i][1]]
    return members, len(cover)

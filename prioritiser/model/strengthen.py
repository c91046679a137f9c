"""Strengthening: candidates no roadmap can use, dropped before the model is built.

Dropping them changes neither which roadmaps are feasible nor what they are worth; the
model is smaller and its relaxation cannot lean on them. Proven valid by
`tests/test_strengthen.py`: on random tiny estates, every start dropped is one the
brute force (`tests/bruteforce.py`) finds no roadmap for when it is locked in, and the
optimum is the brute force's.

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

Inequalities measured and not kept (docs/benchmarks.md): extended GUB covers on the
capacity, total and delivery-risk rows, cumulative "spent by period t" rows, windows of
two and three periods, integer "option chosen" and "started by t" aggregates. None moved
the LP bound by more than 0.03 % on the demo's budget cut, and none proved it faster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from prioritiser.graph import EstateGraph
from prioritiser.inventory import DependencyConstraint, Estate
from prioritiser.model.candidates import Candidate, CandidateSet
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

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
    windows = _Windows(estate, graph, candidates)
    changed = True
    while changed:
        # Every rule runs each round (no short-circuit): a fixed point of all of them.
        changed = any(
            [windows.requires(), windows.ordering(), windows.retirement(), windows.together()]
        )
    return windows.dropped


class _Windows:
    """The starts each system has left, narrowed rule by rule (see the module docstring)."""

    def __init__(self, estate: Estate, graph: EstateGraph, candidates: CandidateSet):
        self.live: dict[str, list[Candidate]] = {
            s.id: list(candidates.of(s.id)) for s in estate.systems
        }
        self.mandatory = {s.id for s in estate.systems if s.mandatory}
        self.requires_pairs = graph.pairs((DependencyConstraint.REQUIRES,))
        self.ordering_pairs = graph.ordering_pairs()
        self.together_pairs = graph.together_pairs()
        self.consumers: dict[str, set[str]] = defaultdict(set)
        for link in graph.links():
            self.consumers[link.provider].add(link.consumer)
        self.dropped: set[Start] = set()

    def drop(self, system: str, keep: Iterable[Candidate]) -> bool:
        """Keep only `keep` of the system's starts; whether any went."""
        kept = list(keep)
        live = self.live[system]
        if len(kept) == len(live):
            return False
        for c in live:
            if c not in kept:
                self.dropped.add((c.system, c.option, c.start))
        self.live[system] = kept
        return True

    def must_change(self, system: str) -> bool:
        """Modernised in every roadmap, with a non-retire option."""
        mine = self.live[system]
        return system in self.mandatory and bool(mine) and not any(c.retires for c in mine)

    def must_retire(self, system: str) -> bool:
        mine = self.live[system]
        return system in self.mandatory and bool(mine) and all(c.retires for c in mine)

    def requires(self) -> bool:
        """A consumer's non-retire start after its provider's earliest non-retire finish."""
        changed = False
        for consumer, provider in self.requires_pairs:
            finishes = [d.finish for d in self.live[provider] if not d.retires]
            earliest = min(finishes, default=None)
            keep = (
                c
                for c in self.live[consumer]
                if c.retires or (earliest is not None and c.start > earliest)
            )
            changed |= self.drop(consumer, keep)
        return changed

    def ordering(self) -> bool:
        """`after`/`requires` beside a side that must change: fit before or after it."""
        changed = False
        for consumer, provider in self.ordering_pairs:
            if self.must_change(provider):
                earliest = min(d.finish for d in self.live[provider])
                keep = (c for c in self.live[consumer] if c.retires or c.start > earliest)
                changed |= self.drop(consumer, keep)
            if self.must_change(consumer):
                latest = max(c.start for c in self.live[consumer])
                keep = (d for d in self.live[provider] if d.retires or d.finish < latest)
                changed |= self.drop(provider, keep)
        return changed

    def retirement(self) -> bool:
        """Safe retirement (rule 5) both ways."""
        changed = False
        live = self.live
        for provider, users in self.consumers.items():
            if any(r.retires for r in live[provider]):
                # Each consumer must be able to finish a change before the retirement starts.
                ready = max(
                    (min((c.finish for c in live[user]), default=INF) for user in users),
                    default=-1,
                )
                keep = (r for r in live[provider] if not r.retires or r.start > ready)
                changed |= self.drop(provider, keep)
            if self.must_retire(provider):
                latest = max(r.start for r in live[provider])
                for user in sorted(users):
                    changed |= self.drop(user, (c for c in live[user] if c.finish < latest))
        return changed

    def together(self) -> bool:
        """`together`: a start the partner cannot take goes."""
        changed = False
        for a, b in self.together_pairs:
            for one, other in ((a, b), (b, a)):
                starts = {c.start for c in self.live[other]}
                changed |= self.drop(one, (c for c in self.live[one] if c.start in starts))
        return changed

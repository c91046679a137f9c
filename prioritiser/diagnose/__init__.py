"""Diagnose stage: why no roadmap exists, and the smallest change that would make one possible.

Two passes, both speaking the language of the model's named constraint families:

1. **Pre-checks** (`precheck.py`) find the common causes directly, without a solver.
2. **An elastic copy of the model** (`elastic.py`): mandates priced instead of imposed and
   slack on every family that can conflict; minimising the weighted slack finds the
   smallest set of changes that restores feasibility, read back in words (`wording.py`).

`facts.py` holds what both passes derive from the estate; `findings.py` the result types.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prioritiser.diagnose.elastic import build_elastic, penalty, solve_elastic
from prioritiser.diagnose.facts import Facts
from prioritiser.diagnose.findings import Diagnosis, Relaxation
from prioritiser.diagnose.precheck import precheck
from prioritiser.diagnose.wording import Reader
from prioritiser.inventory import Inventory

__all__ = ["Diagnosis", "Facts", "Relaxation", "diagnose", "precheck", "relax"]


def diagnose(
    inventory: Inventory, solver: str = "highs", time_limit: float | None = 60.0
) -> Diagnosis:
    """Explain why `inventory` has no feasible roadmap and what would restore one."""
    facts = Facts(inventory)
    causes = tuple(_unique(precheck(facts)))
    relaxations, status, found = relax(facts, solver, time_limit)
    return Diagnosis(causes, tuple(relaxations), status, found)


def relax(
    facts: Facts, solver: str = "highs", time_limit: float | None = 60.0
) -> tuple[list[Relaxation], str, float | None]:
    """Solve the elastic model and describe each relaxation it needs."""
    elastic = build_elastic(facts)
    status = solve_elastic(elastic, solver, time_limit)
    if status == "not_found":
        return [], status, None
    return Reader(elastic).relaxations(), status, penalty(elastic)


def _unique(items: Iterable[Relaxation]) -> Iterator[Relaxation]:
    seen = set()
    for item in items:
        key = (item.rule, item.systems, item.periods)
        if key not in seen:
            seen.add(key)
            yield item

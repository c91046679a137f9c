"""Dominated options: options no optimal roadmap needs, dropped before the model is built.

Option A of a system is dominated by option B of the same system when, started in the
same period, B is never worse for any rule or for the objective:

- both retire, or neither does (rules 4 and 5 treat retirements differently; otherwise
  they only look at start and finish);
- B is no longer (it finishes no later, so whatever waits for it waits no longer, and its
  window holds every start of A's), and no riskier (delivery risk);
- B uses no more of any resource in any period (capex drawn from cost included);
- B requires no platform that A does not (so it is ready at least as early);
- B's NPV is at least A's at every start A may take.

Swapping A for B in any feasible roadmap keeps it feasible and does not lower its NPV, so
an optimal roadmap exists without A. Equal options dominate each other; the first one
listed is kept. Locked systems are left alone (the lock names its option).

This holds for the plain NPV objective; a caller that changes the objective (a stability
penalty when replanning) must not drop options.
"""

from __future__ import annotations

from prioritiser.economics import Appraisal
from prioritiser.inventory import Estate, ResolvedOption

TOLERANCE = 1e-9


def dominated_options(estate: Estate, appraisal: Appraisal) -> set[tuple[str, str]]:
    """(system, option) pairs that another option of the same system dominates."""
    out: set[tuple[str, str]] = set()
    for system in estate.systems:
        if system.lock is not None or len(system.options) < 2:
            continue
        kept: list[ResolvedOption] = []
        for option in system.options:
            if any(_dominates(appraisal, b, option) for b in kept):
                out.add((system.id, option.id))
                continue
            # Options already kept that this one dominates (strictly, or later duplicates).
            beaten = [a for a in kept if _dominates(appraisal, option, a)]
            for a in beaten:
                out.add((system.id, a.id))
                kept.remove(a)
            kept.append(option)
    return out


def _dominates(appraisal: Appraisal, b: ResolvedOption, a: ResolvedOption) -> bool:
    """True when option `b` is never worse than option `a` (see the module docstring)."""
    if a.retires != b.retires:
        return False
    if b.duration > a.duration or b.delivery_risk > a.delivery_risk:
        return False
    if not set(b.platforms) <= set(a.platforms):
        return False
    if any(amount > a.draw(resource) + TOLERANCE for resource, amount in b.draws):
        return False
    starts_a, starts_b = a.starts, b.starts
    if not set(starts_a) <= set(starts_b):
        return False
    value_a, value_b = appraisal.option(a.system, a.id), appraisal.option(b.system, b.id)
    return all(value_b.npv(t) >= value_a.npv(t) - TOLERANCE for t in starts_a)

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

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory, Option, System
from prioritiser.model.candidates import option_starts

TOLERANCE = 1e-9


def dominated_options(inventory: Inventory, economics: Economics) -> set[tuple[str, str]]:
    """(system, option) pairs that another option of the same system dominates."""
    out: set[tuple[str, str]] = set()
    for system in inventory.systems:
        if system.locked is not None or len(system.options) < 2:
            continue
        kept: list[Option] = []
        for option in system.options:
            if any(_dominates(inventory, economics, system, b, option) for b in kept):
                out.add((system.id, option.id))
                continue
            # Options already kept that this one dominates (strictly, or later duplicates).
            beaten = [a for a in kept if _dominates(inventory, economics, system, option, a)]
            for a in beaten:
                out.add((system.id, a.id))
                kept.remove(a)
            kept.append(option)
    return out


def _dominates(
    inventory: Inventory, economics: Economics, system: System, b: Option, a: Option
) -> bool:
    """True when option `b` is never worse than option `a` (see the module docstring)."""
    if (a.kind == "retire") != (b.kind == "retire"):
        return False
    if b.duration > a.duration or b.delivery_risk > a.delivery_risk:
        return False
    if not set(b.requires_platforms) <= set(a.requires_platforms):
        return False
    use_a, use_b = inventory.option_resource_use(a), inventory.option_resource_use(b)
    if any(amount > use_a.get(resource, 0.0) + TOLERANCE for resource, amount in use_b.items()):
        return False
    starts_a = option_starts(inventory, system, a)
    starts_b = option_starts(inventory, system, b)
    if not set(starts_a) <= set(starts_b):
        return False
    value_a, value_b = economics.option(system.id, a.id), economics.option(system.id, b.id)
    return all(value_b.npv(t) >= value_a.npv(t) - TOLERANCE for t in starts_a)

"""One-line reasons for systems the roadmap keeps as they are."""

from __future__ import annotations

from prioritiser.inventory import Estate
from prioritiser.model.candidates import CandidateSet
from prioritiser.wording import money


def retained_reasons(estate: Estate, candidates: CandidateSet) -> dict[str, str]:
    """Why each system would be retained if the roadmap leaves it out."""
    currency = estate.inventory.portfolio.currency
    reasons: dict[str, str] = {}
    for system in estate.systems:
        mine = candidates.of(system.id)
        if not system.options:
            reasons[system.id] = "no modernisation options are recorded for it"
        elif not mine:
            reasons[system.id] = (
                "no option fits its window (earliest start, deadline, platform set-up "
                "and the planning horizon)"
            )
        else:
            best = max(mine, key=lambda c: (c.npv, -c.start))
            if best.npv <= 0:
                reasons[system.id] = (
                    f"no option pays back: the best, {best.option}, has an NPV of "
                    f"{money(best.npv, currency)}"
                )
            else:
                # Which limits leave no room for it is for `explain` (explain/cases.py) to
                # say: only a look at the roadmap can tell which of them bind.
                reasons[system.id] = (
                    f"not in the optimal roadmap: its best option, {best.option}, would add "
                    f"{money(best.npv, currency)} NPV on its own"
                )
    return reasons

"""The checker's own valuation: the value split and the exposure left unsupported, from the
inventory alone (DESIGN.md "Appraisal v2").

Written apart from `prioritiser.economics` on purpose: where the economics use closed-form
annuities, this sums every period's discounted flow (`Ledger`), straight from the
contract's words, so `prioritiser.certify` can hold every figure a roadmap states to an
independent computation.

- A flow in period t is worth (1 + r) ** (−t / periods a year).
- Costs: each one-off cost (optimism bias applied) spread evenly over the periods in flight.
- Savings and benefits (÷ periods a year) in each of the `appraisal_years × periods a year`
  periods after the last in flight, the k-th weighted 0 during `dual_running`, then by
  `benefit_ramp`, then 1; the legacy-risk value likewise but unweighted.
- Unsupported: `cost_per_year[criticality]` ÷ periods a year in every period after the end
  of support (and not before the horizon) in which the system still runs as it is: to the
  last period in flight of its option, or to the appraisal window's end (horizon − 1 +
  appraisal periods) if retained. An option avoids the rest.
- `npv:` replaces the computed value (the exposure avoided is still added).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from prioritiser.check import terms
from prioritiser.inventory import Inventory, Option, System

PARTS = ("cashable", "non_cashable", "risk", "unsupported_avoided", "appraised", "costs")


@dataclass(frozen=True)
class Left:
    """A system left unsupported: first period (index), periods, exposure (PV)."""

    system: str
    criticality: str
    first: int
    periods: int
    exposure: float


class Ledger:
    """Discount factors of every period from the start of the horizon to the end of the
    appraisal window and past it, and their running sums."""

    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        axis = inventory.axis
        self.per_year = axis.per_year
        self.appraisal = round(inventory.portfolio.appraisal_years * self.per_year)
        self.window_end = axis.count - 1 + self.appraisal
        self.rate = inventory.portfolio.discount_rate
        self.factors: list[float] = []
        self.sums: list[float] = [0.0]
        # Long enough for a benefit window that starts at the end of the horizon.
        self._extend(axis.count + self.appraisal + 2)
        settings = inventory.appraisal
        self.weights: list[float] = []
        if settings is not None:
            self.weights = [0.0] * settings.dual_running + list(settings.benefit_ramp)

    def _extend(self, length: int) -> None:
        """Factors (and running sums) of periods 0 .. length − 1 at least (a roadmap may
        state a decision past the horizon; the rules report it, its figures are still
        computed)."""
        start = len(self.factors)
        if length <= start:
            return
        more = [(1.0 + self.rate) ** (-t / self.per_year) for t in range(start, length)]
        self.factors += more
        self.sums += list(accumulate(more, initial=self.sums[-1]))[1:]

    def factor(self, period: int) -> float:
        if 0 <= period < len(self.factors):
            return self.factors[period]
        return float((1.0 + self.rate) ** (-period / self.per_year))

    def total(self, first: int, last: int) -> float:
        """Sum of the factors of periods first .. last (inclusive; none when last < first)."""
        if last < first:
            return 0.0
        before = sum(self.factor(t) for t in range(first, min(last, -1) + 1))  # before start
        first = max(first, 0)
        if last < first:
            return before
        self._extend(last + 1)
        return before + self.sums[last + 1] - self.sums[first]

    def weighted(self, first: int, periods: int) -> float:
        """Sum of the factors of `periods` periods from `first`, the k-th weighted."""
        head = min(len(self.weights), periods)
        out = sum(self.weights[k] * self.factor(first + k) for k in range(head))
        return out + self.total(first + head, first + periods - 1)

    # --- the value of a decision ---------------------------------------------------------

    def split(self, system: System, option: Option, start: int) -> dict[str, float]:
        """The value parts of `option` of `system` started in period `start`."""
        finish = start + terms.duration(self.inventory, option) - 1
        parts = dict.fromkeys(PARTS, 0.0)
        parts["unsupported_avoided"] = self.avoided(system, finish)
        if option.npv is not None:
            parts["appraised"] = option.npv
            return parts
        periods = finish - start + 1
        cost = sum(terms.costs(self.inventory, option).values())
        parts["costs"] = -cost / periods * self.total(start, finish)
        cashable = option.annual_saving + sum(b.annual for b in option.benefits if b.cashable)
        other = sum(b.annual for b in option.benefits if not b.cashable)
        shaped = self.weighted(finish + 1, self.appraisal) / self.per_year
        parts["cashable"] = cashable * shaped
        parts["non_cashable"] = other * shaped
        points = option.risk_reduction * system.legacy_risk.points
        risk = self.inventory.objective.risk_value_per_point * points
        plain = self.total(finish + 1, finish + self.appraisal) / self.per_year
        parts["risk"] = risk * plain
        return parts

    # --- unsupported exposure ----------------------------------------------------------------

    def _support(self, system: System) -> tuple[int, float] | None:
        """(first unsupported period, cost per period) of a system with an end of support."""
        if system.end_of_support is None:
            return None
        last_supported = self.inventory.axis.index(system.end_of_support, "last")
        unsupported = self.inventory.risk.unsupported
        yearly = unsupported.cost_per_year.get(system.criticality, 0.0) if unsupported else 0.0
        return max(last_supported + 1, 0), yearly / self.per_year

    def exposure(self, system: System, finish: int | None) -> tuple[int, int, float] | None:
        """(first period, periods, PV) the system runs unsupported: retained (`finish` None)
        or until an option's last period in flight; None without an end of support."""
        support = self._support(system)
        if support is None:
            return None
        first, rate = support
        last = self.window_end if finish is None else min(finish, self.window_end)
        periods = max(0, last - first + 1)
        return first, periods, rate * self.total(first, last) if periods else 0.0

    def avoided(self, system: System, finish: int) -> float:
        """PV of the exposure an option finishing in `finish` avoids."""
        support = self._support(system)
        if support is None:
            return 0.0
        first, rate = support
        return rate * self.total(max(first, finish + 1), self.window_end)

    def left(self, finishes: dict[str, int]) -> list[Left]:
        """Every system a roadmap leaves unsupported for at least one period, by id."""
        out = []
        for system in sorted(self.inventory.systems, key=lambda s: s.id):
            found = self.exposure(system, finishes.get(system.id))
            if found is not None and found[1] > 0:
                first, periods, pv = found
                out.append(Left(system.id, system.criticality, first, periods, pv))
        return out

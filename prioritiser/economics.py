"""Discounting and the value of each option at each start period, computed once.

Conventions (documented in README, tested by hand-computed examples):
- Time is measured in years from the start of the horizon; period t starts at t / per_year.
- Money is discounted to the start of the horizon at the annual `discount_rate`:
  a flow at time τ years is worth (1 + r) ** -τ.
- A flow that occurs "in period t" is counted at the start of period t.
- One-off cost is spread evenly over the periods in flight (start .. start+duration-1).
- Yearly flows (annual_saving, benefits, risk value) run from the period after the option
  completes (start + duration) for `appraisal_years` years, one per_year-th of the annual
  amount in each period.
- Legacy risk removed = risk_reduction × the system's legacy risk points (sum of the five
  dimensions); it is valued at `risk_value_per_point` per point per year.
- An option's `npv:` replaces the computed value whatever its start.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from prioritiser.inventory import Estate, Inventory, Option, System

RISK = "legacy risk removed"


@dataclass(frozen=True)
class Discounting:
    """Discount factors on a period axis."""

    rate: float
    per_year: int

    def factor(self, period: float) -> float:
        """Discount factor of a flow at the start of period `period`."""
        return float((1.0 + self.rate) ** (-period / self.per_year))

    def annuity(self, first: int, periods: int) -> float:
        """Sum of factors for periods first .. first+periods-1 (a per-period stream of 1)."""
        if periods <= 0:
            return 0.0
        if self.rate == 0:
            return float(periods)
        q = (1.0 + self.rate) ** (-1.0 / self.per_year)
        return float(self.factor(first) * (1.0 - q**periods) / (1.0 - q))


@dataclass(frozen=True)
class Flow:
    """A yearly value stream of an option, by who receives it."""

    department: str
    annual: float
    cashable: bool
    source: str  # "saving", "benefit" or RISK


@dataclass(frozen=True)
class OptionValue:
    """The economics of one option of one system, for any start period."""

    system: str
    option: str
    cost: float
    duration: int
    flows: tuple[Flow, ...]
    fixed_npv: float | None
    discounting: Discounting
    appraisal_periods: int

    @property
    def annual_value(self) -> float:
        return sum(f.annual for f in self.flows)

    def cost_pv(self, start: int) -> float:
        return self.cost / self.duration * self.discounting.annuity(start, self.duration)

    def benefit_factor(self, start: int) -> float:
        """PV of 1 per year from completion for the appraisal period."""
        per_period = 1.0 / self.discounting.per_year
        return per_period * self.discounting.annuity(start + self.duration, self.appraisal_periods)

    def npv(self, start: int) -> float:
        """NPV of starting this option in period `start`."""
        if self.fixed_npv is not None:
            return self.fixed_npv
        return self.annual_value * self.benefit_factor(start) - self.cost_pv(start)

    def flows_pv(self, start: int) -> list[tuple[Flow, float]]:
        """Each flow with its present value when started in `start` (for who-benefits reports)."""
        factor = self.benefit_factor(start)
        return [(flow, flow.annual * factor) for flow in self.flows]


class SetUp(Protocol):
    """A platform's set-up as the economics read it (the file's or the resolved one)."""

    @property
    def setup_cost(self) -> float: ...
    @property
    def setup_duration(self) -> int: ...


class Appraisal:
    """The value table of an inventory: (system, option, start) → NPV, built once.

    `Appraisal.of(inventory)` is the one appraisal of that inventory, shared by every stage
    of a run (the model, explain, the reports); construct one directly only to appraise on
    its own.
    """

    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        portfolio = inventory.portfolio
        self.discounting = Discounting(portfolio.discount_rate, inventory.axis.per_year)
        self.appraisal_periods = round(portfolio.appraisal_years * inventory.axis.per_year)

    @classmethod
    def of(cls, inventory: Inventory) -> Appraisal:
        """The appraisal of `inventory`, computed once and kept with its resolved estate."""
        return inventory.estate.derived(_appraise)

    @cached_property
    def _values(self) -> dict[tuple[str, str], OptionValue]:
        return {
            (system.id, option.id): self._option_value(system, option)
            for system in self.inventory.systems
            for option in system.options
        }

    def option(self, system: str, option: str) -> OptionValue:
        return self._values[(system, option)]

    def npv(self, system: str, option: str, start: int) -> float:
        return self._values[(system, option)].npv(start)

    def platform_cost_pv(self, platform: SetUp, start: int) -> float:
        """Discounted setup cost of a platform whose setup starts in `start`."""
        duration = max(platform.setup_duration, 1)
        return platform.setup_cost / duration * self.discounting.annuity(start, duration)

    def _option_value(self, system: System, option: Option) -> OptionValue:
        flows = [Flow(system.department, option.annual_saving, True, "saving")]
        flows += [Flow(b.department, b.annual, b.cashable, "benefit") for b in option.benefits]
        risk_points = option.risk_reduction * system.legacy_risk.points
        risk_value = self.inventory.objective.risk_value_per_point * risk_points
        flows.append(Flow(system.department, risk_value, False, RISK))
        return OptionValue(
            system=system.id,
            option=option.id,
            cost=option.cost,
            duration=option.duration,
            flows=tuple(f for f in flows if f.annual != 0),
            fixed_npv=option.npv,
            discounting=self.discounting,
            appraisal_periods=self.appraisal_periods,
        )


def _appraise(estate: Estate) -> Appraisal:
    return Appraisal(estate.inventory)


def legacy_risk_removed(system: System, option: Option) -> float:
    """Points of legacy risk an option removes."""
    return option.risk_reduction * system.legacy_risk.points

"""Discounting and the value of each option at each start period, computed once.

Conventions (documented in README and docs/appraisal.md, tested by hand-computed examples):
- Time is measured in years from the start of the horizon; period t starts at t / per_year.
- Money is discounted to the start of the horizon at the annual `discount_rate`:
  a flow at time τ years is worth (1 + r) ** -τ.
- A flow that occurs "in period t" is counted at the start of period t.
- One-off costs (every money resource of `costs:`, `cost` being capex) are uplifted by the
  option's optimism bias and spread evenly over its periods in flight, whose number is
  uplifted too: start .. start + ceil(duration × (1 + bias)) − 1.
- Yearly flows (annual_saving, benefits, risk value) run from the period after the option
  completes for `appraisal_years` years, one per_year-th of the annual amount in each
  period. Savings and benefits (cashable or not) are shaped by `appraisal.dual_running`
  (the first periods carry nothing: old and new both run) and `appraisal.benefit_ramp` (the
  next periods carry those shares); the legacy-risk value is not: like the unsupported
  exposure, it follows the old system, which is no longer run as it was once the option
  completes.
- Legacy risk removed = risk_reduction × the system's legacy risk points (sum of the five
  dimensions); it is valued at `risk_value_per_point` per point per year.
- Unsupported exposure: a system with `end_of_support: P` costs
  `risk.unsupported.cost_per_year[criticality] / per_year` in every period after P in which
  it still runs as it is — to the end of the appraisal window (horizon − 1 + appraisal
  periods) when retained, up to and including the last period in flight of its option
  otherwise. An option's value includes the exposure it avoids (retained − with it).
- An option's `npv:` replaces the computed value whatever its start (the exposure it avoids
  is still added).
- `objective.include` chooses which parts the optimiser counts; costs always count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from prioritiser.inventory import Estate, Inventory, Option, System
from prioritiser.inventory.appraisal_terms import appraisal_periods
from prioritiser.inventory.resolved import ResolvedOption, ResolvedSystem
from prioritiser.roadmap import Value

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

    def shaped(self, first: int, periods: int, shares: tuple[float, ...]) -> float:
        """Sum of factors for periods first .. first+periods-1, the k-th weighted by
        `shares[k]` while there are shares, by 1 after (dual running and ramp-up)."""
        head = min(len(shares), max(periods, 0))
        weighted = sum(shares[k] * self.factor(first + k) for k in range(head) if shares[k])
        return weighted + self.annuity(first + head, periods - head)


@dataclass(frozen=True)
class Flow:
    """A yearly value stream of an option, by who receives it."""

    department: str
    annual: float
    cashable: bool
    source: str  # "saving", "benefit" or RISK

    @property
    def shaped(self) -> bool:
        """Dual running and ramp-up apply to savings and benefits, not to the risk value."""
        return self.source != RISK


@dataclass(frozen=True)
class UnsupportedExposure:
    """A system's unsupported exposure: `per_period` in each period from `first` (after its
    end of support, never before the horizon starts) to `last` (the appraisal window's end)."""

    per_period: float
    first: int
    last: int

    def periods(self, finish: int | None) -> int:
        """Unsupported periods: to `finish` (an option's last period in flight) or, retained
        (None), to the end of the appraisal window."""
        end = self.last if finish is None else min(finish, self.last)
        return max(0, end - self.first + 1)


@dataclass(frozen=True)
class OptionValue:
    """The economics of one option of one system, for any start period."""

    system: str
    option: str
    cost: float  # one-off, every money resource, optimism bias applied
    duration: int  # periods in flight, optimism bias applied
    flows: tuple[Flow, ...]
    fixed_npv: float | None
    discounting: Discounting
    appraisal_periods: int
    shares: tuple[float, ...] = ()  # dual running zeros, then the ramp
    exposure: UnsupportedExposure | None = None
    include: frozenset[str] = frozenset({"cashable", "non_cashable", "risk", "unsupported"})

    @property
    def annual_value(self) -> float:
        return sum(f.annual for f in self.flows)

    def cost_pv(self, start: int) -> float:
        return self.cost / self.duration * self.discounting.annuity(start, self.duration)

    def benefit_factor(self, start: int) -> float:
        """PV of 1 per year from completion for the appraisal period (unshaped)."""
        per_period = 1.0 / self.discounting.per_year
        return per_period * self.discounting.annuity(start + self.duration, self.appraisal_periods)

    def shaped_factor(self, start: int) -> float:
        """PV of 1 per year from completion for the appraisal period, after dual running
        and ramp-up (what savings and benefits are worth)."""
        per_period = 1.0 / self.discounting.per_year
        first = start + self.duration
        return per_period * self.discounting.shaped(first, self.appraisal_periods, self.shares)

    def exposure_avoided(self, start: int) -> float:
        """PV of the unsupported exposure the option avoids: the periods after both its
        finish and the end of support, to the end of the appraisal window."""
        exposure = self.exposure
        if exposure is None or exposure.per_period == 0:
            return 0.0
        first = max(exposure.first, start + self.duration)
        periods = exposure.last - first + 1
        return exposure.per_period * self.discounting.annuity(first, periods)

    def split(self, start: int) -> Value:
        """The value of starting this option in period `start`, part by part."""
        avoided = self.exposure_avoided(start)
        if self.fixed_npv is not None:
            return Value(unsupported_avoided=avoided, appraised=self.fixed_npv)
        shaped = self.shaped_factor(start)
        plain = self.benefit_factor(start) if any(not f.shaped for f in self.flows) else 0.0
        parts = {"cashable": 0.0, "non_cashable": 0.0, "risk": 0.0}
        for flow in self.flows:
            part = (
                "risk" if flow.source == RISK else "cashable" if flow.cashable else "non_cashable"
            )
            parts[part] += flow.annual * (shaped if flow.shaped else plain)
        return Value(
            cashable=parts["cashable"],
            non_cashable=parts["non_cashable"],
            risk=parts["risk"],
            unsupported_avoided=avoided,
            costs=-self.cost_pv(start),
        )

    def npv(self, start: int) -> float:
        """What the optimiser counts for starting this option in period `start`: its value
        split with only the parts `objective.include` names (costs always count).

        Computed without building the split: it is asked for every candidate of the model
        (millions at estate scale), so the included yearly amounts are summed once
        (`_counted`), and without shaping the flows take one discount factor, as in v1."""
        avoided = self.exposure_avoided(start) if "unsupported" in self.include else 0.0
        if self.fixed_npv is not None:
            return self.fixed_npv + avoided
        shaped_annual, plain_annual = self._counted
        plain = self.benefit_factor(start)
        if not self.shares:
            value = (shaped_annual + plain_annual) * plain
        else:
            value = shaped_annual * self.shaped_factor(start) + plain_annual * plain
        return value + avoided - self.cost_pv(start)

    @cached_property
    def _counted(self) -> tuple[float, float]:
        """The yearly amounts the objective counts: (shaped by dual running and ramp-up,
        not shaped)."""
        shaped = plain = 0.0
        for flow in self.flows:
            part = (
                "risk" if flow.source == RISK else "cashable" if flow.cashable else "non_cashable"
            )
            if part not in self.include:
                continue
            if flow.shaped:
                shaped += flow.annual
            else:
                plain += flow.annual
        return shaped, plain

    def flows_pv(self, start: int) -> list[tuple[Flow, float]]:
        """Each flow with its present value when started in `start` (for who-benefits reports)."""
        shaped, plain = self.shaped_factor(start), self.benefit_factor(start)
        return [(flow, flow.annual * (shaped if flow.shaped else plain)) for flow in self.flows]


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
        self.appraisal_periods = appraisal_periods(inventory)
        settings = inventory.appraisal
        self.shares: tuple[float, ...] = ()
        if settings is not None:
            self.shares = (0.0,) * settings.dual_running + tuple(settings.benefit_ramp)
        self.include = frozenset(inventory.objective.include)

    @classmethod
    def of(cls, inventory: Inventory) -> Appraisal:
        """The appraisal of `inventory`, computed once and kept with its resolved estate."""
        return inventory.estate.derived(_appraise)

    @cached_property
    def _values(self) -> dict[tuple[str, str], OptionValue]:
        estate = self.inventory.estate
        return {
            (system.id, option.id): self._option_value(system, option)
            for system in estate.systems
            for option in system.options
        }

    def option(self, system: str, option: str) -> OptionValue:
        return self._values[(system, option)]

    def npv(self, system: str, option: str, start: int) -> float:
        return self._values[(system, option)].npv(start)

    def split(self, system: str, option: str, start: int) -> Value:
        return self._values[(system, option)].split(start)

    def platform_cost_pv(self, platform: SetUp, start: int) -> float:
        """Discounted setup cost of a platform whose setup starts in `start` (platforms carry
        no optimism bias: DESIGN.md speaks of option kinds)."""
        duration = max(platform.setup_duration, 1)
        return platform.setup_cost / duration * self.discounting.annuity(start, duration)

    def exposure(self, system: str) -> UnsupportedExposure | None:
        """The system's unsupported exposure, or None without an end of support."""
        return self._exposures.get(system)

    def exposure_pv(self, system: str, finish: int | None) -> float:
        """PV of a system's unsupported exposure: retained (`finish` None), or with an option
        whose last period in flight is `finish`."""
        exposure = self._exposures.get(system)
        if exposure is None or exposure.per_period == 0:
            return 0.0
        return exposure.per_period * self.discounting.annuity(
            exposure.first, exposure.periods(finish)
        )

    def unsupported_left(self, finishes: dict[str, int]) -> list[tuple[str, int, int, float]]:
        """(system, first unsupported period, periods, exposure PV) for every system a
        roadmap leaves running past its end of support: those retained (absent from
        `finishes`, system → last period in flight) and those whose option finishes after
        it. Systems without an end of support, or supported throughout, are left out."""
        out = []
        for system, exposure in sorted(self._exposures.items()):
            finish = finishes.get(system)
            periods = exposure.periods(finish)
            if periods > 0:
                out.append((system, exposure.first, periods, self.exposure_pv(system, finish)))
        return out

    @cached_property
    def _exposures(self) -> dict[str, UnsupportedExposure]:
        estate = self.inventory.estate
        last = estate.appraisal_end
        return {
            s.id: UnsupportedExposure(s.exposure_per_period, max(s.end_of_support + 1, 0), last)
            for s in estate.systems
            if s.end_of_support is not None
        }

    def _option_value(self, system: ResolvedSystem, option: ResolvedOption) -> OptionValue:
        source = option.source
        flows = [Flow(system.department, source.annual_saving, True, "saving")]
        flows += [Flow(b.department, b.annual, b.cashable, "benefit") for b in source.benefits]
        risk_points = legacy_risk_removed(system.source, source)
        risk_value = self.inventory.objective.risk_value_per_point * risk_points
        flows.append(Flow(system.department, risk_value, False, RISK))
        return OptionValue(
            system=system.id,
            option=option.id,
            cost=option.cost,
            duration=option.duration,
            flows=tuple(f for f in flows if f.annual != 0),
            fixed_npv=source.npv,
            discounting=self.discounting,
            appraisal_periods=self.appraisal_periods,
            shares=self.shares,
            exposure=self._exposures.get(system.id),
            include=self.include,
        )


def _appraise(estate: Estate) -> Appraisal:
    return Appraisal(estate.inventory)


def legacy_risk_removed(system: System, option: Option) -> float:
    """Points of legacy risk an option removes."""
    return option.risk_reduction * system.legacy_risk.points

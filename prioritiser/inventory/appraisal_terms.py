"""The appraisal's facts about an inventory, each defined once (DESIGN.md "Appraisal v2").

Which resources are money and an option's one-off cost on each; its optimism bias and the
duration, costs and draws the plan uses once it is applied; whether a system's end of
support is a deadline (`risk.unsupported.forbid`); the financial years of the horizon; how
long the appraisal window runs. The resolved estate (`resolved.py`) reads these; so may any
stage that needs one of them on its own (tracking reads `one_off_costs`). `check.py` and
the brute-force oracle read the inventory on their own, on purpose.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

from prioritiser.inventory.periods import PeriodAxis, financial_year, financial_year_label

if TYPE_CHECKING:
    from prioritiser.inventory.estate import Inventory
    from prioritiser.inventory.schema import AppraisalSettings, Option, System

CAPEX = "capex"  # the resource an option's one-off `cost` is drawn on (rule 3)


@dataclass(frozen=True)
class Uplift:
    """Optimism bias applied to an option: `cost` and `duration` as fractions (0.4 = +40 %)."""

    cost: float = 0.0
    duration: float = 0.0

    @property
    def any(self) -> bool:
        return self.cost > 0 or self.duration > 0


NO_UPLIFT = Uplift()


@dataclass(frozen=True)
class FinancialYear:
    """A financial year that overlaps the horizon, and its periods inside the horizon (a
    period belongs to the financial year of its first month)."""

    label: str
    periods: range


def financial_years(axis: PeriodAxis, start_month: int) -> tuple[FinancialYear, ...]:
    """The financial years that overlap the horizon, each with its periods on it."""
    out: list[FinancialYear] = []
    first = 0
    for period in range(1, axis.count + 1):
        if period == axis.count or _year(axis, period, start_month) != _year(
            axis, first, start_month
        ):
            label = financial_year_label(_year(axis, first, start_month), start_month)
            out.append(FinancialYear(label, range(first, period)))
            first = period
    return tuple(out)


def _year(axis: PeriodAxis, period: int, start_month: int) -> int:
    return financial_year(axis.period(period), start_month)


def appraisal_periods(inventory: Inventory) -> int:
    """Periods of benefits counted after an option completes (`appraisal_years`)."""
    return round(inventory.portfolio.appraisal_years * inventory.axis.per_year)


def is_money_resource(name: str, unit: str, currency: str) -> bool:
    """Whether one-off money (`costs:`) may be spent on a resource: its unit is the portfolio
    currency, or it is `capex` (rule 3 draws an option's `cost` on it, whatever its unit)."""
    return name == CAPEX or unit.strip().upper() == currency.upper()


def money_resources(inventory: Inventory) -> tuple[str, ...]:
    """The resources one-off money is spent on, sorted: every declared resource whose unit is
    the portfolio currency, and `capex` whether declared or not (`cost` is capex money)."""
    currency = inventory.portfolio.currency
    names = {
        name
        for name, spec in inventory.resources.items()
        if is_money_resource(name, spec.unit, currency)
    }
    return tuple(sorted(names | {CAPEX}))


def one_off_costs(inventory: Inventory, option: Option) -> dict[str, float]:
    """The one-off money cost of `option` per money resource, as the inventory states it
    (undiscounted, before optimism bias; zero amounts left out): `costs:`, with `cost: X`
    meaning `costs: {capex: X}`."""
    del inventory  # validation has checked every key is a money resource
    costs = dict(option.costs)
    if option.cost:
        costs[CAPEX] = costs.get(CAPEX, 0.0) + option.cost
    return {name: amount for name, amount in sorted(costs.items()) if amount > 0}


def uplift_of(settings: AppraisalSettings | None, option: Option) -> Uplift:
    """The optimism bias of an option: each of cost and duration from the option's own
    `optimism_bias:`, else its kind's under `appraisal.optimism_bias`, else `default`, else 0."""
    layers = [option.optimism_bias]
    if settings is not None:
        bias = settings.optimism_bias
        layers += [getattr(bias, option.kind), bias.default]
    cost = next((b.cost for b in layers if b is not None and b.cost is not None), 0.0)
    duration = next((b.duration for b in layers if b is not None and b.duration is not None), 0.0)
    return Uplift(cost, duration)


def adjusted_duration(duration: int, uplift: float) -> int:
    """`ceil(duration × (1 + uplift))` in exact decimal arithmetic: 10 × 1.1 is 11 periods,
    where binary floating point makes it 11.000000000000002 and the ceiling 12."""
    exact = Decimal(duration) * (1 + Decimal(repr(float(uplift))))
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


def option_draws(
    inventory: Inventory,
    option: Option,
    duration: int,
    costs: Mapping[str, float],
    uplift: Uplift,
    money: Collection[str] | None = None,
) -> dict[str, float]:
    """Per-period use of each resource while `option` is in flight (rule 3, optimism bias
    applied): `resource_use` as stated, its money resources uplifted by the cost bias; and
    each one-off cost (already uplifted) drawn evenly over the (adjusted) duration on its
    money resource, when the inventory declares it and `resource_use` does not name it."""
    if money is None:  # the caller may pass money_resources(inventory), computed once
        money = set(money_resources(inventory))
    use = {
        name: amount * (1 + uplift.cost) if name in money else amount
        for name, amount in option.resource_use.items()
    }
    for name, amount in costs.items():
        if name in inventory.resources and name not in option.resource_use and amount > 0:
            use[name] = amount / duration
    return use


def forbidden(inventory: Inventory, system: System) -> bool:
    """Whether `risk.unsupported.forbid` names the system's criticality and it has an end of
    support: then it must finish an option by that period."""
    unsupported = inventory.risk.unsupported
    return (
        unsupported is not None
        and system.criticality in unsupported.forbid
        and system.end_of_support is not None
    )


def uses_appraisal(inventory: Inventory) -> bool:
    """Whether the inventory uses any appraisal key (DESIGN.md "Appraisal v2"): then reports
    and explanations show the value split, base and adjusted figures, financial years and
    unsupported exposure; an inventory without them reads as it always has."""
    portfolio = inventory.portfolio
    return (
        inventory.appraisal is not None
        or inventory.risk.unsupported is not None
        or "financial_year_start" in portfolio.model_fields_set
        or "include" in inventory.objective.model_fields_set
        or any(spec.per_year for spec in inventory.resources.values())
        or any(o.costs or o.optimism_bias for s in inventory.systems for o in s.options)
    )

"""The checker's own reading of the appraisal keys (DESIGN.md "Appraisal v2").

Written apart from `prioritiser.inventory.appraisal_terms` on purpose, straight from the
contract's words, so that a slip in the planner's reading shows up as a violation instead of
being repeated here:

- optimism bias: an option's own `optimism_bias:` field, else its kind's, else `default`,
  else 0; the plan takes `ceil(duration × (1 + bias))` periods (exact rational arithmetic)
  and every money draw and one-off cost is multiplied by `1 + bias`;
- money: `costs: {resource: amount}`, `cost: X` being `costs: {capex: X}`; each one-off cost
  is drawn evenly over the (adjusted) duration on its resource when the inventory declares
  it and `resource_use` does not name it;
- end of support: with `risk.unsupported.forbid` naming a system's criticality, its end of
  support is a deadline (the earlier of it and `must_modernise_by`);
- financial years: a period belongs to the financial year of its first month, labelled
  `YYYY-YY` of the year it starts (`YYYY` when financial years start in January).
"""

from __future__ import annotations

import math
from fractions import Fraction

from prioritiser.inventory import Inventory, Option, System

CAPEX = "capex"


def bias(inventory: Inventory, option: Option) -> tuple[float, float]:
    """(cost uplift, duration uplift) of an option."""
    own = option.optimism_bias
    settings = inventory.appraisal
    kind = default = None
    if settings is not None:
        kind = getattr(settings.optimism_bias, option.kind)
        default = settings.optimism_bias.default
    out = []
    for field in ("cost", "duration"):
        value = 0.0
        for layer in (default, kind, own):  # later layers win
            if layer is not None and getattr(layer, field) is not None:
                value = getattr(layer, field)
        out.append(value)
    return out[0], out[1]


def duration(inventory: Inventory, option: Option) -> int:
    """Periods in flight as the plan schedules them: ceil(duration × (1 + bias))."""
    exact = option.duration * (1 + Fraction(str(bias(inventory, option)[1])))
    return math.ceil(exact)


def costs(inventory: Inventory, option: Option, adjusted: bool = True) -> dict[str, float]:
    """One-off cost per money resource (`cost` is capex), with optimism bias unless
    `adjusted` is False; zero amounts left out."""
    factor = 1 + bias(inventory, option)[0] if adjusted else 1.0
    amounts: dict[str, float] = {}
    if option.cost:
        amounts[CAPEX] = option.cost
    for name, amount in option.costs.items():
        amounts[name] = amounts.get(name, 0.0) + amount
    return {name: amount * factor for name, amount in sorted(amounts.items()) if amount > 0}


def is_money(inventory: Inventory, resource: str) -> bool:
    spec = inventory.resources.get(resource)
    unit = spec.unit.strip().upper() if spec is not None else ""
    return resource == CAPEX or unit == inventory.portfolio.currency.upper()


def draws(inventory: Inventory, option: Option) -> dict[str, float]:
    """Use of each resource in every period the option is in flight (rule 3)."""
    cost_uplift = bias(inventory, option)[0]
    periods = duration(inventory, option)
    use = {}
    for name, amount in option.resource_use.items():
        use[name] = amount * (1 + cost_uplift) if is_money(inventory, name) else amount
    for name, amount in costs(inventory, option).items():
        if name in inventory.resources and name not in option.resource_use:
            use[name] = amount / periods
    return use


def support_deadline(inventory: Inventory, system: System) -> int | None:
    """The end of support as a deadline (period index), when policy forbids running the
    system unsupported."""
    unsupported = inventory.risk.unsupported
    if unsupported is None or system.end_of_support is None:
        return None
    if system.criticality not in unsupported.forbid:
        return None
    return inventory.axis.index(system.end_of_support, "last")


def financial_year(inventory: Inventory, period: int) -> str:
    """The label of the financial year period `period` belongs to."""
    start = inventory.portfolio.financial_year_start
    label = inventory.axis.label(period)
    year = int(label[:4])
    if "-Q" in label:
        month = 3 * int(label[6]) - 2
    elif len(label) == 7:
        month = int(label[5:7])
    else:
        month = 1
    if month < start:
        year -= 1
    return str(year) if start == 1 else f"{year}-{str(year + 1)[-2:]}"

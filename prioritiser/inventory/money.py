"""Which resources are money, and an option's one-off money cost on each: defined once.

Earned value (`prioritiser.tracking`), the actuals' `spend:` and the re-forecast all read
money through these two functions, so that when options carry one-off costs on several
money resources (DESIGN.md "Appraisal v2": `costs: {capex: …, rdel: …}`, every resource
whose unit is the portfolio currency) only this module changes and every figure follows.

Today (DESIGN.md rule 3) one-off money is `cost`, drawn on the resource named `capex`; it is
money whether or not the inventory declares a `capex` capacity.
"""

from __future__ import annotations

from collections.abc import Mapping

from prioritiser.inventory.estate import CAPEX, Inventory
from prioritiser.inventory.schema import Option


def money_resources(inventory: Inventory) -> tuple[str, ...]:
    """The resources one-off money is spent on, in a fixed order (`capex` today)."""
    del inventory  # v2: every resource whose unit is the portfolio currency
    return (CAPEX,)


def one_off_costs(inventory: Inventory, option: Option) -> dict[str, float]:
    """The one-off money cost of `option` per money resource (undiscounted cash; zero
    amounts left out)."""
    costs = {CAPEX: option.cost}
    return {r: costs[r] for r in money_resources(inventory) if costs.get(r, 0.0) > 0}


def one_off_cost(inventory: Inventory, option: Option) -> float:
    """The one-off money cost of `option` over every money resource."""
    return sum(one_off_costs(inventory, option).values())


def costs_patch(option: Option, costs: Mapping[str, float], duration: int) -> dict[str, object]:
    """The option fields (as a scenario overlay writes them) that make its one-off money
    `costs` per resource, drawn evenly over `duration` periods: the inverse of
    `one_off_costs`. An option that names a money resource in `resource_use` draws it from
    there (rule 3), so that draw is restated as well."""
    patch: dict[str, object] = {"duration": duration, "cost": round(costs.get(CAPEX, 0.0), 2)}
    named = {r: round(v / duration, 2) for r, v in costs.items() if r in option.resource_use}
    if named:
        patch["resource_use"] = named
    return patch


__all__ = ["costs_patch", "money_resources", "one_off_cost", "one_off_costs"]

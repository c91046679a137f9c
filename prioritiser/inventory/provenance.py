"""Which figures of an estate are estimates rather than facts, counted once for every report.

An option is an estimate when it says `estimated: true` (importers mark every templated
option so); a system field is an estimate when the system lists it under `estimated:`.
A run cost the source did not give (`annual_run_cost` unset) is unknown: when such a
system's options are estimates they were scaled from an assumed run cost, so reports count
that run cost with the estimates. An estate that marks nothing as estimated has no
provenance to report, whatever it leaves unset: hand-written estates read as before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from prioritiser.inventory.estate import Inventory
from prioritiser.inventory.schema import System

RUN_COST = "annual_run_cost"


@dataclass(frozen=True)
class Provenance:
    """How much of an estate is estimated: options, run costs and other system fields."""

    systems: int
    options: int
    options_estimated: int
    run_costs_estimated: int  # marked estimated, or unknown and scaled from an assumption
    # Other estimated system fields: {"criticality": 12, "legacy_risk": 3}.
    fields: dict[str, int] = field(default_factory=dict)
    # Systems with any estimate (a field or an option), for per-row marks in reports.
    estimated_systems: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return bool(self.options_estimated or self.run_costs_estimated or self.fields)


def run_cost_is_estimate(system: System) -> bool:
    """Marked as an estimate, or unknown while its (estimated) options were scaled from one."""
    if RUN_COST in system.estimated:
        return True
    return system.annual_run_cost is None and any(o.estimated for o in system.options)


def provenance(inventory: Inventory) -> Provenance:
    """Count the estimates of `inventory` (every report shows the same counts)."""
    fields: Counter[str] = Counter()
    options = estimated_options = run_costs = 0
    marked: set[str] = set()
    for system in inventory.systems:
        options += len(system.options)
        own = sum(o.estimated for o in system.options)
        estimated_options += own
        run_cost = run_cost_is_estimate(system)
        run_costs += run_cost
        others = [f for f in system.estimated if f != RUN_COST]
        fields.update(others)
        if own or run_cost or others:
            marked.add(system.id)
    return Provenance(
        systems=len(inventory.systems),
        options=options,
        options_estimated=estimated_options,
        run_costs_estimated=run_costs,
        fields=dict(sorted(fields.items())),
        estimated_systems=frozenset(marked),
    )

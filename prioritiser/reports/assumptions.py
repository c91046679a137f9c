"""The settings behind a roadmap (and which figures are estimates), as the Assumptions sheet
and section list them."""

from __future__ import annotations

from dataclasses import dataclass

from prioritiser.inventory import CAPEX, Inventory
from prioritiser.inventory.provenance import Provenance
from prioritiser.roadmap import Roadmap


@dataclass(frozen=True)
class Assumption:
    """One setting behind the roadmap, for the Assumptions sheet and section.

    `kind` says how to show `value`: "money", "percent", "number" or "text".
    """

    group: str
    label: str
    value: str | float | int | None
    kind: str = "text"


def estimates_of(p: Provenance) -> list[Assumption]:
    """The "Estimates" rows that open the assumptions when any figure is an estimate."""
    if not p.any:
        return []
    rows = [
        Assumption(
            "Estimates", "Options that are estimates", f"{p.options_estimated} of {p.options}"
        ),
        Assumption(
            "Estimates",
            "Run costs that are estimates (assumed or unknown)",
            f"{p.run_costs_estimated} of {p.systems}",
        ),
    ]
    rows += [
        Assumption(
            "Estimates",
            f"Systems whose {name.replace('_', ' ')} is an estimate",
            f"{count} of {p.systems}",
        )
        for name, count in p.fields.items()
    ]
    return rows


def assumptions_of(inventory: Inventory, roadmap: Roadmap) -> list[Assumption]:
    """The portfolio settings, limits and solver facts behind the roadmap (no timings)."""
    p = inventory.portfolio
    rows = [
        Assumption("Portfolio", "Name", p.name),
        Assumption("Portfolio", "Currency", p.currency),
        Assumption("Portfolio", "First period", p.start),
        Assumption("Portfolio", "Periods in the horizon", p.periods, "number"),
        Assumption("Portfolio", "Discount rate (annual, real)", p.discount_rate, "percent"),
        Assumption(
            "Portfolio", "Appraisal period (years of benefits)", p.appraisal_years, "number"
        ),
        Assumption(
            "Portfolio",
            "Value of legacy risk removed (per point a year)",
            inventory.objective.risk_value_per_point,
            "money",
        ),
        Assumption("Portfolio", "Scenarios applied", ", ".join(roadmap.scenarios) or "none"),
    ]
    for name in sorted(inventory.resources):
        spec = inventory.resources[name]
        kind = "money" if name == CAPEX or spec.unit.upper() == p.currency.upper() else "number"
        unit = f" ({spec.unit})" if spec.unit else ""
        rows.append(Assumption("Resources", f"{name}{unit} per period", spec.per_period, kind))
        for label, value in sorted(spec.overrides.items()):
            rows.append(Assumption("Resources", f"{name}{unit} in {label}", value, kind))
        if spec.total is not None:
            rows.append(Assumption("Resources", f"{name}{unit} in total", spec.total, kind))
    risk = inventory.risk
    rows += [
        Assumption(
            "Risk appetite",
            "High-risk threshold (delivery risk)",
            risk.high_risk_threshold,
            "number",
        ),
        Assumption(
            "Risk appetite",
            "Most high-risk options at once",
            risk.max_concurrent_high_risk,
            "number",
        ),
        Assumption(
            "Risk appetite", "Most total delivery risk", risk.max_total_delivery_risk, "number"
        ),
        Assumption(
            "Risk appetite",
            "Most changes at once per department",
            risk.max_concurrent_per_department,
            "number",
        ),
    ]
    solver = roadmap.solver
    rows += [
        Assumption("Solver", "Solver", f"{solver.name} {solver.version}".strip()),
        Assumption("Solver", "Status", roadmap.status),
        Assumption("Solver", "Objective (total NPV)", roadmap.objective, "money"),
        Assumption("Solver", "Best bound", roadmap.bound, "money"),
        Assumption("Solver", "Optimality gap", roadmap.gap, "percent"),
        Assumption("Solver", "Gap asked for", solver.gap_limit, "percent"),
        Assumption("Solver", "Time limit (seconds)", solver.time_limit, "number"),
        *(
            [Assumption("Solver", "Work limit (reference seconds)", solver.work_limit, "number")]
            if solver.work_limit is not None
            else []
        ),
        Assumption("Solver", "Threads", solver.threads, "number"),
        Assumption("Solver", "Random seed", solver.seed, "number"),
    ]
    return rows

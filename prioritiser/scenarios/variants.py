"""In-memory variants of a loaded inventory, and what every scenario command shares.

The inventory's models are frozen: a variant is a new `Inventory` built with
`dataclasses.replace`, its parts changed with pydantic `model_copy(update=...)`. Only fields
whose validity is obvious are changed this way (capacities scaled by a non-negative factor,
locks taken from a roadmap that was feasible, earliest starts moved later).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from prioritiser.certify import certify_roadmap
from prioritiser.check import Violation
from prioritiser.economics import Appraisal
from prioritiser.errors import CheckFailed
from prioritiser.inventory import Estate, Inventory, System
from prioritiser.model.candidates import Build, Candidate, Placed, placed
from prioritiser.roadmap import Decision, Roadmap


class RoadmapCheckFailed(CheckFailed):
    """A roadmap produced here failed the independent checker (a bug, never user error)."""

    def __init__(self, what: str, violations: list[Violation]):
        self.violations = violations
        first = violations[0].render() if violations else ""
        super().__init__(
            f"the roadmap for {what} failed the independent check "
            f"({len(violations)} violation(s), first: {first})"
        )


def verified(inventory: Inventory, roadmap: Roadmap, what: str) -> Roadmap:
    """`roadmap` itself when it has no plan or passes `certify_roadmap`; raise otherwise."""
    if roadmap.has_plan:
        violations = certify_roadmap(inventory, roadmap)
        if violations:
            raise RoadmapCheckFailed(what, violations)
    return roadmap


def with_systems(inventory: Inventory, changed: Mapping[str, System]) -> Inventory:
    """The inventory with some systems replaced (by id), order kept."""
    if not changed:
        return inventory
    systems = tuple(changed.get(s.id, s) for s in inventory.systems)
    return replace(inventory, systems=systems)


def scale_resource(inventory: Inventory, resource: str, factor: float) -> Inventory:
    """The inventory with every capacity of `resource` (per period, overrides, `per_year`
    caps, total) × factor."""
    spec = inventory.resources[resource]
    scaled = spec.model_copy(
        update={
            "per_period": spec.per_period * factor,
            "overrides": {label: value * factor for label, value in spec.overrides.items()},
            "per_year": {label: value * factor for label, value in spec.per_year.items()},
            "total": None if spec.total is None else spec.total * factor,
        }
    )
    return replace(inventory, resources={**inventory.resources, resource: scaled})


def capacity_total(inventory: Inventory, resource: str) -> float:
    """Capacity of `resource` over the whole horizon: per-period capacities, each financial
    year's capped by its `per_year`, the whole capped by `total`."""
    estate = inventory.estate
    spec = estate.resources[resource]
    caps = dict(spec.per_year)
    horizon = 0.0
    for year in estate.financial_years:
        in_year = sum(spec.capacity[t] for t in year.periods)
        cap = caps.get(year.label)
        horizon += in_year if cap is None else min(in_year, cap)
    return horizon if spec.total is None else min(horizon, spec.total)


def placed_on(inventory: Inventory, roadmap: Roadmap) -> Placed:
    """`roadmap` resolved against `inventory`: its decisions and set-ups in period indices,
    with the durations, draws and values of `inventory`."""
    return placed(inventory.estate, Appraisal.of(inventory), roadmap)


def resource_use_of(estate: Estate, items: Iterable[Candidate | Build]) -> dict[str, list[float]]:
    """Use of every resource in every period (by index) by these placed decisions and
    set-ups (work past the horizon is not counted)."""
    use = {name: [0.0] * estate.horizon for name in sorted(estate.resources)}
    for item in items:
        for resource, amount in item.use:
            row = use.get(resource)
            if row is not None:
                for period in range(max(item.start, 0), min(item.finish + 1, len(row))):
                    row[period] += amount
    return use


def spend_by_period(inventory: Inventory, roadmap: Roadmap) -> dict[str, float]:
    """One-off spend in each period: option costs and platform set-up costs, spread evenly
    (unrounded; round when writing)."""
    estate = inventory.estate
    spend = [0.0] * estate.horizon
    placement = placed_on(inventory, roadmap)
    for c in placement.decisions:
        option = estate.system(c.system).option(c.option)
        _spread(spend, c.start, option.duration, option.cost)
    for b in placement.builds:
        platform = estate.platform(b.platform)
        _spread(spend, b.start, platform.setup_duration, platform.setup_cost)
    return {estate.label(t): value for t, value in enumerate(spend)}


def _spread(spend: list[float], start: int, duration: int, cost: float) -> None:
    for period in range(start, start + duration):
        if 0 <= period < len(spend):
            spend[period] += cost / duration


def decision_summary(decision: Decision | None) -> dict[str, object] | None:
    """A decision as the JSON the scenario outputs use (None: the system is retained)."""
    if decision is None:
        return None
    return {
        "option": decision.option,
        "kind": decision.kind,
        "start": decision.start,
        "finish": decision.finish,
        "npv": round(decision.npv, 2),
    }


def describe(decision: Decision | None) -> str:
    """`replatform 2027-Q3–2028-Q2`, or `retained`."""
    if decision is None:
        return "retained"
    span = (
        decision.start
        if decision.start == decision.finish
        else (f"{decision.start}–{decision.finish}")
    )
    return f"{decision.option} {span}"


def rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)

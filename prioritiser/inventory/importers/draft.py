"""Turn an import result into a complete inventory draft: options, platforms, portfolio.

Imported systems get estimated options from the templates, as their lifecycle stage and
TIME tag allow (some are left out: planned, experimental or decommissioned systems, unless
asked for); the portfolio gets sensible defaults sized to the estate, in the source's
currency, so the first `prioritiser plan` of an import is meaningful:

- capex per period ≈ 40 % of what one typical option per system would cost, spread over
  the horizon (never below the largest single option's per-period draw), so budgets bind;
- each other resource (engineers, skills pools) ≈ 50 % of the typical demand likewise;
- at most one high-risk option in flight per 20 systems, and per department at most a
  quarter of its systems in flight;
- legacy risk valued at 5,000 a year (in the portfolio's currency) per point removed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from prioritiser.inventory.estate import CAPEX
from prioritiser.inventory.importers.common import ImportResult
from prioritiser.inventory.importers.templates import Templates
from prioritiser.inventory.periods import axis_from
from prioritiser.inventory.problems import Location
from prioritiser.inventory.schema import (
    Objective,
    Platform,
    Portfolio,
    PortfolioFile,
    Resource,
    Risk,
    System,
)
from prioritiser.inventory.writer import InventoryDraft

CAPEX_SHARE = 0.4
RESOURCE_SHARE = 0.5
SYSTEMS_PER_HIGH_RISK = 20
RISK_VALUE_PER_POINT = 5000.0


@dataclass(frozen=True)
class ImportSettings:
    """Portfolio settings of an imported inventory."""

    name: str
    start: str
    periods: int = 12
    header: str = "Imported by prioritiser"
    currency: str = "GBP"
    # Lifecycle stages the templates exclude but the user asked to plan (--include-lifecycle).
    include: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Excluded:
    """A system left out of the inventory by its lifecycle stage or TIME tag."""

    system: str
    reason: str
    location: Location | None


def default_start(today: dt.date | None = None) -> str:
    """The first quarter of next calendar year: a plan starts at the next budget cycle."""
    today = today or dt.date.today()
    return f"{today.year + 1}-Q1"


def build_draft(
    result: ImportResult, templates: Templates, settings: ImportSettings
) -> InventoryDraft:
    """The inventory to write: templated systems, the platforms they need, a sized portfolio."""
    systems, _ = template_systems(result, templates, settings)
    return finish_draft(systems, templates, settings)


def template_systems(
    result: ImportResult, templates: Templates, settings: ImportSettings
) -> tuple[list[System], list[Excluded]]:
    """Systems with their estimated options, and those their lifecycle leaves out.

    Windows that could never be met on the chosen horizon (a deadline before the start or
    too early for any option) are dropped and reported in `result.skipped`; dependencies
    on a system left out are dropped and reported too.
    """
    locations = {m.system: m.source for m in result.mapped}
    systems: list[System] = []
    excluded: list[Excluded] = []
    for system in result.systems:
        rule = templates.rule(system)
        action = rule.action
        if action == "exclude":
            wanted = {system.lifecycle, system.time_tag} & set(settings.include)
            if wanted:
                action = "retire_only" if system.lifecycle == "end_of_life" else "plan"
            else:
                excluded.append(
                    Excluded(system.id, _why_excluded(system), locations.get(system.id))
                )
                continue
        templated = templates.apply(system, settings.periods, settings.currency, action)
        systems.append(_fit_windows(templated, settings, result, locations.get(system.id)))
    kept = {s.id for s in systems}
    gone = {d.system for s in systems for d in s.depends_on} - kept
    if gone:
        systems = [_without_links(s, gone, result, locations.get(s.id)) for s in systems]
    return systems, excluded


def _why_excluded(system: System) -> str:
    what = []
    if system.lifecycle:
        what.append(f"lifecycle {system.lifecycle}")
    if system.time_tag:
        what.append(f"TIME {system.time_tag}")
    stage = system.lifecycle or system.time_tag or ""
    return (
        f"{' and '.join(what)}: out of scope for modernisation "
        f"(--include-lifecycle {stage} to plan it)"
    )


def _without_links(
    system: System, gone: set[str], result: ImportResult, location: Location | None
) -> System:
    kept = [d for d in system.depends_on if d.system not in gone]
    for dependency in system.depends_on:
        if dependency.system in gone:
            result.skip(
                f"{system.id}: dependency on '{dependency.system}' dropped: that system is left "
                "out (its lifecycle, or an override's `exclude`)",
                location,
                group="dependency on a system left out (lifecycle or exclude) dropped",
            )
    return (
        system.model_copy(update={"depends_on": kept})
        if len(kept) != len(system.depends_on)
        else system
    )


def finish_draft(
    systems: list[System], templates: Templates, settings: ImportSettings
) -> InventoryDraft:
    """The draft around finished systems: the template platforms they use, a sized portfolio."""
    platforms = templates.platforms_used(systems)
    portfolio = size_portfolio(systems, platforms, templates, settings)
    return InventoryDraft(portfolio, systems, platforms, settings.header)


def _fit_windows(
    system: System, settings: ImportSettings, result: ImportResult, location: Location | None
) -> System:
    axis = axis_from(settings.start, settings.periods)
    update: dict[str, object] = {}
    earliest = 0
    if system.earliest_start is not None:
        index = axis.index(system.earliest_start)
        if index >= axis.count:
            result.skip(
                f"{system.id}: earliest_start {system.earliest_start} is after the horizon "
                f"({axis.span_label(0, axis.count - 1)}); left unset",
                location,
            )
            update["earliest_start"] = None
        else:
            earliest = max(0, index)
    if system.must_modernise_by is not None:
        deadline = min(axis.index(system.must_modernise_by, "last"), axis.count - 1)
        shortest = min((o.duration for o in system.options), default=None)
        if shortest is None or earliest + shortest - 1 > deadline:
            result.skip(
                f"{system.id}: must_modernise_by {system.must_modernise_by} cannot be met on "
                f"a horizon from {axis.label(0)} by any of its options; left unset",
                location,
            )
            update["must_modernise_by"] = None
    return system.model_copy(update=update) if update else system


def size_portfolio(
    systems: list[System],
    platforms: list[Platform],
    templates: Templates,
    settings: ImportSettings,
) -> PortfolioFile:
    """portfolio.yaml for an imported estate, with capacities sized to bind."""
    periods = settings.periods
    # Counters of floats (0 for a resource not met yet); typeshed types a Counter's counts as int.
    typical: dict[str, float] = Counter()  # type: ignore[assignment]
    largest: dict[str, float] = Counter()  # type: ignore[assignment]
    for system in systems:
        if not system.options:
            continue
        for option in system.options:
            use = dict(option.resource_use)
            use.setdefault(CAPEX, option.cost / option.duration)
            for name, amount in use.items():
                typical[name] += amount * option.duration / len(system.options)
                largest[name] = max(largest[name], amount)
    for platform in platforms:
        use = dict(platform.resource_use)
        use.setdefault(CAPEX, platform.setup_cost / platform.setup_duration)
        for name, amount in use.items():
            typical[name] += amount * platform.setup_duration
            largest[name] = max(largest[name], amount)
    resources = {CAPEX: _capex(typical[CAPEX], largest[CAPEX], periods, settings.currency)}
    for name in sorted(set(typical) - {CAPEX}):
        spec = templates.spec.resources.get(name)
        if spec is not None and spec.per_period is not None:
            per_period = spec.per_period
        else:
            per_period = max(math.ceil(RESOURCE_SHARE * typical[name] / periods), largest[name], 1)
        resources[name] = Resource(unit=spec.unit if spec else "", per_period=per_period)
    per_department = Counter(s.department for s in systems)
    risk = Risk(
        high_risk_threshold=4,
        max_concurrent_high_risk=max(1, math.ceil(len(systems) / SYSTEMS_PER_HIGH_RISK)),
        max_concurrent_per_department=max(
            2, math.ceil(max(per_department.values(), default=1) / 4)
        ),
    )
    portfolio = Portfolio(
        name=settings.name,
        currency=settings.currency,
        start=settings.start,
        periods=periods,
        description="Sized by the importer: review resources, risk and objective before planning.",
    )
    return PortfolioFile(
        portfolio=portfolio,
        resources=resources,
        risk=risk,
        objective=Objective(risk_value_per_point=RISK_VALUE_PER_POINT),
    )


def _capex(typical: float, largest: float, periods: int, currency: str) -> Resource:
    per_period = max(CAPEX_SHARE * typical / periods, largest, 100_000.0)
    return Resource(unit=currency, per_period=nice_ceiling(per_period))


def nice_ceiling(amount: float) -> float:
    """Round up to two significant figures: 1,234,567 → 1,300,000."""
    if amount <= 0:
        return 0.0
    step = 10 ** max(0, math.floor(math.log10(amount)) - 1)
    return float(math.ceil(amount / step) * step)

"""The re-forecast: the baseline replanned from the period after as-of, on what happened.

Built in two layers, both written into one scenario overlay (`reforecast-overlay.yaml`),
so that `prioritiser check INVENTORY --scenario reforecast/reforecast-overlay.yaml
reforecast/roadmap.json` re-verifies the re-forecast from the inventory alone:

1. **What the actuals say** (this module): work done is locked at its actual start with
   its actual duration and spend; work in flight is locked at its actual start with the
   forecast duration and cost of `prioritiser.tracking.forecast` (an overrun keeps its
   overrun); stopped work is kept out (its `earliest_start` moves past the horizon); a lock
   in the inventory for work that has not started by as-of is lifted; a deadline that
   started work now misses, or that no option can meet any more, is lifted or moved to the
   horizon's end; rules history already broke are relaxed (`prioritiser.tracking.history`).
2. **What replan adds** (`prioritiser.scenarios.replan`): nothing new starts before the
   first free period, platform set-ups that started keep their start, past capacities rise
   to what history drew, and the rest is re-optimised — against the baseline, with replan's
   stability cost W per changed decision (default 0.1 % of the baseline's NPV; `--stability
   0` re-optimises freely). Work that was due to start by as-of and has not started counts
   as kept when it starts in the first free period.

When nothing has started and as-of is the period before the plan's first, both layers are
empty and the re-forecast is the plain `plan` of the inventory.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from prioritiser.certify import certify_roadmap
from prioritiser.errors import CheckFailed
from prioritiser.inventory import CAPEX, Estate, Inventory, ResolvedOption, ResolvedSystem
from prioritiser.roadmap import Decision, Roadmap, SolverInfo
from prioritiser.scenarios.replan import (
    Replan,
    ReplanInfeasible,
    explain_changes,
    replan,
    replan_overlay,
)
from prioritiser.solve import PlanOptions
from prioritiser.tracking.forecast import Forecast
from prioritiser.tracking.history import (
    History,
    Relaxation,
    dependency_relaxations,
    platform_relaxations,
    risk_relaxations,
)
from prioritiser.tracking.progress import Planned, Progress
from prioritiser.wording import money, plural

# Applies a scenario overlay (as a mapping) to the inventory on disk, exactly as
# `--scenario FILE` would: the re-forecast plans what `check` will read back.
Apply = Callable[[dict[str, Any]], Inventory]


@dataclass(frozen=True)
class Change:
    """What happened to one system's decision between the baseline and the re-forecast."""

    system: str
    category: str  # done, in_flight, stopped, kept, changed, dropped, added
    baseline: Decision | None
    reforecast: Decision | None
    why: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        def brief(d: Decision | None) -> dict[str, str] | None:
            return None if d is None else {"option": d.option, "start": d.start, "finish": d.finish}

        return {
            "system": self.system,
            "change": self.category,
            "detail": self.detail,
            "baseline": brief(self.baseline),
            "reforecast": brief(self.reforecast),
            "why": self.why,
        }


CATEGORIES = ("done", "in_flight", "stopped", "kept", "changed", "dropped", "added")


@dataclass(frozen=True)
class Reforecast:
    """The re-forecast: its roadmap (None when the horizon has ended or it is infeasible)."""

    first: str  # the first period that can still change (as-of + 1)
    overlay: dict[str, Any]
    relaxations: tuple[Relaxation, ...]
    result: Replan | None = None
    changes: tuple[Change, ...] = ()
    findings: tuple[str, ...] = ()  # why no re-forecast exists, when it is infeasible
    # The inventory with `overlay` applied, as `check --scenario` reads it back.
    inventory: Inventory | None = None

    @property
    def roadmap(self) -> Roadmap | None:
        return self.result.roadmap if self.result is not None else None

    def decision(self, system: str) -> Decision | None:
        roadmap = self.roadmap
        return roadmap.decision(system) if roadmap is not None else None


def reforecast(
    inventory: Inventory,
    baseline: Roadmap,
    planned: list[Planned],
    progress: dict[str, Progress],
    forecasts: dict[str, Forecast],
    as_of: int,
    options: PlanOptions,
    apply: Apply,
    weight: float = 0.0,
    solve_progress: Callable[..., None] | None = None,
) -> Reforecast:
    """Replan from as-of + 1 on the actuals, at stability cost `weight` per change from the
    baseline (see the module docstring)."""
    estate = inventory.estate
    axis = estate.axis
    first = as_of + 1
    label = axis.label(first)
    if first >= estate.horizon:
        return Reforecast(label, {}, (), findings=("the plan's horizon has ended",))
    overlay, relaxations = actuals_overlay(inventory, baseline, planned, progress, forecasts, first)
    tracked = apply(overlay)
    previous = _previous_roadmap(inventory, baseline, planned, progress, forecasts, first)
    try:
        result = replan(
            tracked, previous, label, options, weight, solve_progress, reference=inventory
        )
    except ReplanInfeasible as exc:
        return Reforecast(label, overlay, tuple(relaxations), findings=tuple(exc.findings))
    if not result.roadmap.has_plan:
        return Reforecast(label, overlay, tuple(relaxations), result)
    combined = merge_overlays(overlay, replan_overlay(tracked, result.inventory, label))
    combined["name"] = f"reforecast-{axis.label(as_of).lower()}"
    combined["description"] = (
        f"What the actuals to {axis.label(as_of)} say, and the locks, earliest starts and "
        "capacities of replanning from the next period (written by `prioritiser track`)."
    )
    checked = apply(combined)
    # Certified as `check` and `report` will read it back: the rules and every figure it
    # states, recomputed from the inventory with the written overlay.
    violations = certify_roadmap(checked, result.roadmap)
    if violations:
        raise CheckFailed(
            "internal error: the re-forecast fails the independent check against its own "
            "overlay; nothing was written (please report this with the inventory)",
            details=[v.render() for v in violations],
        )
    changes = explain(inventory, baseline, result, progress, forecasts, as_of, weight)
    return Reforecast(label, combined, tuple(relaxations), result, tuple(changes), (), checked)


# --- the overlay of what the actuals say -------------------------------------------------------


def actuals_overlay(
    inventory: Inventory,
    baseline: Roadmap,
    planned: list[Planned],
    progress: dict[str, Progress],
    forecasts: dict[str, Forecast],
    first: int,
) -> tuple[dict[str, Any], list[Relaxation]]:
    """Scenario overlay (as a mapping) of the actuals, and the rules it relaxes."""
    estate = inventory.estate
    by_id = {p.id: p for p in planned}
    stopped = {s for s, p in progress.items() if p.status == "stopped" and s in by_id}
    systems = _started_patches(estate, by_id, forecasts)
    for system_id in sorted(stopped):
        systems[system_id] = _stopped_patch(estate, system_id, systems.get(system_id))
    for system in estate.systems:
        if system.id in forecasts or system.id in stopped:
            continue
        patch = _free_patch(estate, system, first)
        if patch:
            systems[system.id] = patch
    history = History(
        estate,
        dict(forecasts),
        {s: by_id[s].option for s in forecasts},
        frozenset(stopped),
    )
    relaxations = _relax(estate, baseline, history, systems)
    risk, found = risk_relaxations(history)
    overlay: dict[str, Any] = {"name": "actuals", "description": "What the actuals say."}
    resources = _sunk_totals(inventory, [progress[s] for s in sorted(stopped)])
    if resources:
        overlay["resources"] = resources
    if risk:
        overlay["risk"] = risk
    if systems:
        overlay["systems"] = systems
    return overlay, [*relaxations, *found]


def _started_patches(
    estate: Estate, by_id: Mapping[str, Planned], forecasts: Mapping[str, Forecast]
) -> dict[str, dict[str, Any]]:
    """Work started: locked at its actual start, with the duration and money the forecast
    carries; a window or deadline it already broke is widened (RAG reports the slip)."""
    axis = estate.axis
    systems: dict[str, dict[str, Any]] = {}
    for system_id, forecast in sorted(forecasts.items()):
        work = by_id[system_id]
        patch = systems.setdefault(system_id, {})
        patch["locked"] = {"option": work.option.id, "start": axis.label(forecast.start)}
        option_patch = costs_patch(work.option, forecast.costs, forecast.duration)
        patch["options"] = {work.option.id: option_patch}
        system = work.system
        if system.source.earliest_start and system.earliest_start > forecast.start:
            patch["earliest_start"] = axis.label(forecast.start)
        if system.deadline is not None and forecast.finish > system.deadline:
            patch["must_modernise_by"] = None  # the lock keeps it modernised; RAG says late
            if system.deadline_from_support:
                # Forbidden to run unsupported, it now will until it finishes: the re-forecast
                # takes that as its end of support (RAG says late, the roadmap lists it).
                patch["end_of_support"] = axis.label(forecast.finish)
    return systems


def _stopped_patch(estate: Estate, system_id: str, patch: dict[str, Any] | None) -> dict[str, Any]:
    """Stopped work is dropped: it may not start again within the horizon, and a lock or a
    deadline that would force it back is lifted."""
    source = estate.system(system_id).source
    out: dict[str, Any] = {"earliest_start": estate.axis.label(estate.horizon)}
    if patch is not None:
        out = patch
    if source.locked is not None:
        out["locked"] = None
    if source.must_modernise_by is not None:
        out["must_modernise_by"] = None
    return out


def costs_patch(
    option: ResolvedOption, costs: Mapping[str, float], duration: int
) -> dict[str, object]:
    """The option fields (as a scenario overlay writes them) that make its one-off money
    `costs` per money resource, drawn evenly over `duration` periods: the inverse of
    `ResolvedOption.costs` (`cost` is the one-off money on `capex`, rule 3). An option that
    names a money resource in `resource_use` draws it from there (rule 3), so that draw is
    restated as well."""
    patch: dict[str, object] = {"duration": duration, "cost": round(costs.get(CAPEX, 0.0), 2)}
    if option.source.costs or option.uplift.any or set(costs) - {CAPEX}:
        # The forecast is what the work will cost and take: its optimism bias is spent (the
        # baseline's costs carried it), so none is applied again; `cost` is restated as
        # `costs.capex`, and a money resource the forecast no longer draws is removed (None).
        stated = {name: None for name in option.source.costs}
        amounts = {r: round(v, 2) for r, v in costs.items()}
        patch["cost"] = None
        patch["costs"] = {**stated, **amounts}
        patch["optimism_bias"] = {"cost": 0.0, "duration": 0.0}
    use = option.source.resource_use
    named = {r: round(v / duration, 2) for r, v in costs.items() if r in use}
    if named:
        patch["resource_use"] = named
    return patch


def _sunk_totals(inventory: Inventory, stopped: list[Progress]) -> dict[str, Any]:
    """Money spent on stopped work still counts against a resource's horizon total: the
    re-forecast drops the work, not what it cost."""
    out: dict[str, Any] = {}
    for name, spec in inventory.resources.items():
        sunk = sum(p.spend.get(name, 0.0) for p in stopped)
        if spec.total is not None and sunk > 0:
            out[name] = {"total": round(max(0.0, spec.total - sunk), 2)}
    return out


def _free_patch(estate: Estate, system: ResolvedSystem, first: int) -> dict[str, Any]:
    """A system with nothing started: lift a lock on the past; keep a deadline that can
    still be met, move one that cannot to the horizon's end (or lift it)."""
    patch: dict[str, Any] = {}
    lock = system.lock
    if lock is not None and lock.start < first:
        patch["locked"] = None
        lock = None
    if system.deadline is None or lock is not None:
        return patch
    earliest = max(first, system.earliest_start)

    def fits(deadline: int) -> bool:
        return any(estate.starts_within(o, earliest, deadline) for o in system.options)

    if fits(system.deadline):
        return patch
    last = estate.horizon - 1
    key = "end_of_support" if system.deadline_from_support else "must_modernise_by"
    patch[key] = estate.label(last) if fits(last) else None
    return patch


def _relax(
    estate: Estate, baseline: Roadmap, history: History, systems: dict[str, dict[str, Any]]
) -> list[Relaxation]:
    """Write the dependency and platform relaxations into the systems' patches."""
    found: list[Relaxation] = []
    broken: dict[str, set[tuple[str, str]]] = {}
    for link, relaxation in dependency_relaxations(history):
        # Whether history broke a link depends on its two systems and its constraint alone,
        # so an entry listed twice is relaxed twice.
        broken.setdefault(link.consumer, set()).add((link.provider, link.constraint))
        found.append(relaxation)
    for system_id, links in broken.items():
        rows = []
        for dep in estate.system(system_id).source.depends_on:
            row = dep.model_dump(exclude_defaults=True)
            row["system"] = dep.system
            if (dep.system, dep.constraint) in links:
                row["constraint"] = "none"
                row["description"] = f"was {dep.constraint}; relaxed by track: history broke it"
            rows.append(row)
        systems.setdefault(system_id, {})["depends_on"] = rows
    for system_id, platform, relaxation in platform_relaxations(history, baseline):
        option = history.options[system_id]
        patch = systems[system_id]["options"][option.id]
        kept = patch.get("requires_platforms", list(option.source.requires_platforms))
        patch["requires_platforms"] = [p for p in kept if p != platform]
        found.append(relaxation)
    return found


def merge_overlays(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` merged into a copy of `base`, mapping by mapping."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_overlays(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _previous_roadmap(
    inventory: Inventory,
    baseline: Roadmap,
    planned: list[Planned],
    progress: dict[str, Progress],
    forecasts: dict[str, Forecast],
    first: int,
) -> Roadmap:
    """The roadmap replan starts from: started work as it happened (replan locks it), and
    every other baseline decision as planned, or from `first` when it was due earlier and
    has not started (so that starting it as soon as possible counts as keeping it). Its
    platform set-ups are the baseline's, which the actuals do not track."""
    axis = inventory.estate.axis
    decisions = []
    for p in planned:
        forecast = forecasts.get(p.id)
        state = progress.get(p.id)
        if forecast is not None:
            start, finish = forecast.start, forecast.finish
        elif state is not None and state.status == "stopped":
            continue
        else:
            start = max(p.start, first)
            finish = start + p.duration - 1
            if finish >= axis.count:
                continue  # it cannot be kept in any form; dropping it is a change
        decisions.append(
            replace(p.decision, start=axis.label(start), finish=axis.label(finish), npv=0.0)
        )
    platforms = list(baseline.platforms)
    # It states no values of its own (replan weighs changes, not these NPVs): its objective
    # is what its figures add up to, as replan holds every previous roadmap to.
    objective = sum(d.npv for d in decisions) - sum(b.cost_pv for b in platforms)
    return Roadmap(
        status="feasible",
        objective=objective,
        bound=None,
        gap=None,
        solver=SolverInfo(name="actuals"),
        periods=axis.labels,
        decisions=decisions,
        platforms=platforms,
    )


# --- what changed and why ----------------------------------------------------------------------


def explain(
    inventory: Inventory,
    baseline: Roadmap,
    result: Replan,
    progress: dict[str, Progress],
    forecasts: dict[str, Forecast],
    as_of: int,
    weight: float = 0.0,
) -> list[Change]:
    """Each system of the baseline or the re-forecast: what became of it, and why."""
    estate = inventory.estate
    roadmap = result.roadmap
    replanned = {
        c.system: c
        for c in explain_changes(result.inventory, baseline, roadmap, as_of + 1, weight, inventory)
    }
    out = []
    for system_id in sorted({d.system for d in baseline.decisions} | set(replanned)):
        old, new = baseline.decision(system_id), roadmap.decision(system_id)
        state = progress.get(system_id)
        forecast = forecasts.get(system_id)
        if forecast is not None and state is not None:
            out.append(_started(estate, old, new, state, forecast, as_of))
        elif state is not None and state.status == "stopped":
            when = estate.label(state.stopped if state.stopped is not None else as_of)
            why = f"stopped in {when} at {state.percent:g} % complete; dropped from the plan"
            out.append(Change(system_id, "stopped", old, None, why, "stopped"))
        else:
            change = replanned[system_id]
            why, detail = change.why, change.detail
            if weight == 0:
                why = _free_why(inventory, change.category, new, why)
            if old is not None and estate.period(old.start) <= as_of:
                why = _slipped(estate, old, new, as_of)
            out.append(Change(system_id, change.category, old, new, why, detail or change.category))
    return out


def _started(
    estate: Estate,
    old: Decision | None,
    new: Decision | None,
    state: Progress,
    f: Forecast,
    as_of: int,
) -> Change:
    finish = estate.label(f.finish)
    slip = f.finish - estate.period(old.finish) if old is not None else 0
    late = (
        ""
        if not slip
        else f", {plural(abs(slip), 'period')} "
        + ("later than planned" if slip > 0 else "earlier than planned")
    )
    if state.status == "done":
        why = f"done in {finish}{late}"
        return Change(f.system, "done", old, new, why, "done")
    elapsed = as_of - f.start + 1
    why = (
        f"in flight since {estate.label(f.start)}: {state.percent:g} % after "
        f"{plural(elapsed, 'period')}; at that rate it finishes in {finish}{late}"
    )
    if f.beyond_horizon and f.unbounded_finish is not None:
        why += f" (forecast {estate.label(f.unbounded_finish)}, beyond the horizon)"
    return Change(f.system, "in_flight", old, new, why, "in flight")


def _slipped(estate: Estate, old: Decision, new: Decision | None, as_of: int) -> str:
    """Work planned to start by as-of that has not started."""
    text = f"not started by {estate.label(as_of)} (planned from {old.start})"
    if new is None:
        return (
            f"{text}; the re-forecast leaves it out: from {estate.label(as_of + 1)} the capacity "
            "it needs is worth more to the work the re-forecast funds"
        )
    return f"{text}; re-planned from {new.start} to {new.finish}"


def _free_why(inventory: Inventory, category: str, new: Decision | None, why: str) -> str:
    """Replan's reason, worded for a re-forecast that charges nothing for a change."""
    currency = inventory.portfolio.currency
    if category == "added" and new is not None:
        return (
            f"{new.option} from {new.start} adds {money(new.npv, currency)} NPV in capacity the "
            "re-forecast leaves free"
        )
    # Replan weighs each change against a stability cost; the re-forecast's is zero.
    return why.replace(f" plus the stability cost of {money(0.0, currency)}", "")

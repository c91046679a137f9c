"""Which rules hold a decision where it is, and which would stop an alternative.

`binding(view, c)` lists the constraints that bind a chosen option: resources at capacity
while it runs, predecessors it starts straight after, its deadline or lock, its move group,
the platform it waits for, and risk limits reached. `conflicts(view, c)` lists what would
stop a candidate that is not in the roadmap from being added with everything else left as
it is. Both return `Binding`s named after the model's constraint families.
"""

from __future__ import annotations

from dataclasses import dataclass

from prioritiser.explain.view import RoadmapView, full, over
from prioritiser.model.candidates import Candidate
from prioritiser.wording import names, plural, spans


@dataclass(frozen=True)
class Binding:
    """A constraint that binds (or blocks) a decision, for people and for JSON."""

    name: str  # e.g. "resource_capacity[engineers]", "after[payments,identity]"
    periods: tuple[str, ...]
    detail: str  # a full sentence
    short: str  # a few words for one-line summaries

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "periods": list(self.periods), "detail": self.detail}


def _is(resource: str) -> str:
    """`engineers are`, `capex is`: resource names are usually plural nouns or mass nouns."""
    return "are" if resource.endswith("s") else "is"


def _labels(view: RoadmapView, periods: list[int]) -> tuple[str, ...]:
    return tuple(view.label(t) for t in sorted(set(periods)))


def _span(view: RoadmapView, periods: list[int]) -> str:
    return spans(view.axis, periods)


def _ratio(view: RoadmapView, resource: str, used: float, capacity: float) -> str:
    """`40/40 FTE` or `£2.5m/£2.5m`."""
    left = view.estate.quantity(resource, used)
    right = view.estate.quantity(resource, capacity)
    unit = view.estate.resources[resource].unit
    if unit and left.endswith(f" {unit}") and right.endswith(f" {unit}"):
        left = left[: -len(unit) - 1]
    return f"{left}/{right}"


# --- constraints that bind a chosen option -------------------------------------------------


def binding(view: RoadmapView, c: Candidate) -> list[Binding]:
    """Constraints that hold the chosen candidate `c` where it is."""
    out: list[Binding] = []
    out += _mandates(view, c)
    out += _waits(view, c)
    out += _resources_full(view, c)
    out += _risk_full(view, c)
    return out


def _mandates(view: RoadmapView, c: Candidate) -> list[Binding]:
    inventory = view.inventory
    system = inventory.system(c.system)
    out = []
    if system.locked is not None:
        out.append(
            Binding(
                f"lock[{c.system}]",
                (system.locked.start,),
                f"the decision is already taken: {c.system} is locked to "
                f"{system.locked.option} from {system.locked.start} (work in flight).",
                "locked (work in flight)",
            )
        )
    resolved = view.estate.system(c.system)
    deadline = resolved.deadline
    if deadline is not None:
        spare = deadline - c.finish
        slack = "exactly on the deadline" if spare == 0 else f"{plural(spare, 'period')} to spare"
        out.append(
            Binding(
                f"deadline[{c.system}]",
                (system.must_modernise_by or "",),
                f"it must be modernised by {system.must_modernise_by}, so retaining it is not "
                f"an option; this roadmap finishes it in {view.label(c.finish)} ({slack}).",
                f"deadline {system.must_modernise_by}",
            )
        )
    earliest = resolved.earliest_start
    if system.earliest_start is not None and c.start == earliest and earliest > 0:
        out.append(
            Binding(
                f"earliest_start[{c.system}]",
                (view.label(c.start),),
                f"it starts as early as it may: not before {system.earliest_start}.",
                f"not before {system.earliest_start}",
            )
        )
    return out


def _waits(view: RoadmapView, c: Candidate) -> list[Binding]:
    """Predecessors, move-group partners, retirements and platforms that fix its timing."""
    out = []
    chosen = view.chosen
    for edge in view.providers(c.system):
        other = chosen.get(edge.provider)
        if other is None:
            continue
        ordered = edge.constraint.orders and not c.retires and not other.retires
        if ordered and other.finish + 1 == c.start:
            out.append(
                Binding(
                    f"{edge.constraint}[{c.system},{edge.provider}]",
                    (view.label(other.finish), view.label(c.start)),
                    f"it waits for {edge.provider} ({edge.kind}, {edge.constraint}): "
                    f"{edge.provider}'s {other.option} finishes in {view.label(other.finish)}"
                    f" and this starts straight after, in {view.label(c.start)}.",
                    f"waits for {edge.provider}",
                )
            )
        if other.retires and c.finish + 1 == other.start:
            out.append(_retirement(view, other, c, c))
    for edge in view.consumers(c.system):
        other = chosen.get(edge.consumer)
        if other is not None and c.retires and other.finish + 1 == c.start:
            out.append(_retirement(view, c, other, c))
    for edge in view.edges:
        if edge.constraint != "together" or c.system not in (edge.consumer, edge.provider):
            continue
        partner = edge.provider if edge.consumer == c.system else edge.consumer
        other = chosen.get(partner)
        if other is not None:
            out.append(
                Binding(
                    f"together[{c.system},{partner}]",
                    (view.label(c.start),),
                    f"it moves together with {partner} ({edge.kind}): both start in "
                    f"{view.label(c.start)}.",
                    f"moves with {partner}",
                )
            )
    for platform_id in c.platforms:
        ready = view.ready.get(platform_id)
        if ready is not None and ready == c.start:
            setup = view.estate.platform(platform_id).setup_duration
            out.append(
                Binding(
                    f"platform_ready[{platform_id},{c.system}]",
                    (view.label(c.start),),
                    f"it needs platform {platform_id}, ready from {view.label(ready)} (set-up "
                    f"{view.axis.span_label(ready - setup, ready - 1)}), and starts as soon as "
                    "it is ready.",
                    f"waits for platform {platform_id}",
                )
            )
    return out


def _retirement(view: RoadmapView, retired: Candidate, user: Candidate, me: Candidate) -> Binding:
    return Binding(
        f"safe_retirement[{retired.system},{user.system}]",
        (view.label(user.finish), view.label(retired.start)),
        f"{retired.system} can be switched off only once {user.system}, which uses it, has "
        f"moved off ({view.label(user.finish)}); the retirement starts in "
        f"{view.label(retired.start)}.",
        f"retired once {user.system} has moved off"
        if me is retired
        else f"finishes before {retired.system} is retired",
    )


def _resources_full(view: RoadmapView, c: Candidate) -> list[Binding]:
    out = []
    for resource, amount in c.use:
        if resource not in view.inventory.resources or amount <= 0:
            continue
        periods = [
            t
            for t in range(c.start, c.finish + 1)
            if full(view.use[resource][t], view.capacity(resource, t))
        ]
        if periods:
            out.append(_at_capacity(view, resource, periods, "while it runs", amount))
        spec = view.inventory.resources[resource]
        if spec.total is not None and full(view.total(resource), spec.total):
            out.append(
                Binding(
                    f"resource_total[{resource}]",
                    (),
                    f"the {resource} total is fully committed "
                    f"({_ratio(view, resource, view.total(resource), spec.total)} over the "
                    "horizon).",
                    f"{resource} total used up",
                )
            )
    return out


def _at_capacity(
    view: RoadmapView, resource: str, periods: list[int], when: str, amount: float
) -> Binding:
    """`engineers are at capacity (40/40 FTE) in 2027-Q3–2028-Q1 while it runs`."""
    by_level: dict[tuple[float, float], list[int]] = {}
    for t in periods:
        used = min(view.use[resource][t], view.capacity(resource, t))
        by_level.setdefault((round(used, 6), view.capacity(resource, t)), []).append(t)
    parts = [
        f"({_ratio(view, resource, used, cap)}) in {_span(view, ts)}"
        for (used, cap), ts in sorted(by_level.items(), key=lambda kv: min(kv[1]))
    ]
    uses = view.estate.quantity(resource, amount)
    return Binding(
        f"resource_capacity[{resource}]",
        _labels(view, periods),
        f"{resource} {_is(resource)} at capacity {' and '.join(parts)} {when}; it uses {uses} "
        "a period.",
        f"{resource} at capacity",
    )


def _risk_full(view: RoadmapView, c: Candidate) -> list[Binding]:
    risk = view.inventory.risk
    out = []
    if risk.max_concurrent_high_risk is not None and c.delivery_risk >= risk.high_risk_threshold:
        counts = view.high_risk()
        periods = [
            t for t in range(c.start, c.finish + 1) if counts[t] >= risk.max_concurrent_high_risk
        ]
        if periods:
            limit = risk.max_concurrent_high_risk
            out.append(
                Binding(
                    "high_risk_in_flight",
                    _labels(view, periods),
                    f"it is high-risk (delivery risk {c.delivery_risk}) and the limit of "
                    f"{plural(limit, 'high-risk project')} in flight is reached in "
                    f"{_span(view, periods)}.",
                    "high-risk limit reached",
                )
            )
    if risk.max_concurrent_per_department is not None:
        counts = view.in_department(c.department)
        limit = risk.max_concurrent_per_department
        periods = [t for t in range(c.start, c.finish + 1) if counts[t] >= limit]
        if periods:
            out.append(
                Binding(
                    f"department_in_flight[{c.department}]",
                    _labels(view, periods),
                    f"{c.department} is running its maximum of {limit} changes at once in "
                    f"{_span(view, periods)}.",
                    f"{c.department} change limit reached",
                )
            )
    if risk.max_total_delivery_risk is not None and full(
        view.delivery_risk(), risk.max_total_delivery_risk
    ):
        out.append(
            Binding(
                "total_delivery_risk",
                (),
                f"the portfolio's delivery-risk budget is fully used "
                f"({view.delivery_risk():g}/{risk.max_total_delivery_risk:g}).",
                "delivery-risk budget used up",
            )
        )
    return out


# --- what would stop a candidate that is not in the roadmap ----------------------------------


def conflicts(view: RoadmapView, c: Candidate) -> list[Binding]:
    """Rules `c` would break if added to the roadmap with everything else left as it is.

    The system's own current decision (if any) is taken out first, so this also answers
    "why not this option or this start instead?".
    """
    out: list[Binding] = []
    out += _resource_conflicts(view, c)
    out += _order_conflicts(view, c)
    out += _platform_conflicts(view, c)
    out += _risk_conflicts(view, c)
    return out


def _resource_conflicts(view: RoadmapView, c: Candidate) -> list[Binding]:
    out = []
    use = view.use_without(c.system)
    for resource, amount in c.use:
        if resource not in use or amount <= 0:
            continue
        periods = [
            t
            for t in range(c.start, c.finish + 1)
            if over(use[resource][t] + amount, view.capacity(resource, t))
        ]
        if periods:
            busy = [t for t in periods if full(use[resource][t], view.capacity(resource, t))]
            need = max(use[resource][t] + amount - view.capacity(resource, t) for t in periods)
            estate = view.estate
            if busy:
                binding = _at_capacity_without(view, resource, busy, use)
                detail = binding.detail.rstrip(".") + " when this would run"
            else:
                free = min(view.capacity(resource, t) - use[resource][t] for t in periods)
                detail = (
                    f"only {estate.quantity(resource, max(free, 0.0))} of {resource} "
                    f"{_is(resource)} free in {_span(view, periods)} when this would run"
                )
            out.append(
                Binding(
                    f"resource_capacity[{resource}]",
                    _labels(view, periods),
                    f"{detail}, and it needs {estate.quantity(resource, amount)} a period "
                    f"({estate.quantity(resource, need)} short).",
                    f"{resource} at capacity",
                )
            )
        spec = view.inventory.resources[resource]
        extra = amount * (c.finish - c.start + 1)
        if spec.total is not None and over(view.total(resource, use) + extra, spec.total):
            out.append(
                Binding(
                    f"resource_total[{resource}]",
                    (),
                    f"the {resource} total is committed "
                    f"({_ratio(view, resource, view.total(resource, use), spec.total)}); this "
                    f"would need {view.estate.quantity(resource, extra)} more.",
                    f"{resource} total used up",
                )
            )
    return out


def _at_capacity_without(
    view: RoadmapView, resource: str, periods: list[int], use: dict[str, list[float]]
) -> Binding:
    by_level: dict[tuple[float, float], list[int]] = {}
    for t in periods:
        cap = view.capacity(resource, t)
        by_level.setdefault((round(min(use[resource][t], cap), 6), cap), []).append(t)
    parts = [
        f"({_ratio(view, resource, used, cap)}) in {_span(view, ts)}"
        for (used, cap), ts in sorted(by_level.items(), key=lambda kv: min(kv[1]))
    ]
    return Binding(
        f"resource_capacity[{resource}]",
        _labels(view, periods),
        f"{resource} {_is(resource)} at capacity {' and '.join(parts)}.",
        f"{resource} at capacity",
    )


def _order_conflicts(view: RoadmapView, c: Candidate) -> list[Binding]:
    out = []
    chosen = view.chosen
    for edge in view.providers(c.system):
        other = chosen.get(edge.provider)
        name = f"{edge.constraint}[{c.system},{edge.provider}]"
        if edge.constraint == "requires" and not c.retires and (other is None or other.retires):
            out.append(
                Binding(
                    name,
                    (),
                    f"it requires {edge.provider} to be modernised first, and this roadmap "
                    f"does not modernise {edge.provider}.",
                    f"needs {edge.provider} modernised",
                )
            )
        elif (
            edge.constraint.orders
            and other is not None
            and not c.retires
            and not other.retires
            and other.finish >= c.start
        ):
            out.append(
                Binding(
                    name,
                    (view.label(c.start), view.label(other.finish)),
                    f"it must wait for {edge.provider} ({edge.constraint}), which runs until "
                    f"{view.label(other.finish)} in this roadmap.",
                    f"waits for {edge.provider}",
                )
            )
        if other is not None and other.retires and c.finish >= other.start:
            out.append(
                Binding(
                    f"safe_retirement[{edge.provider},{c.system}]",
                    (view.label(other.start),),
                    f"{edge.provider} is retired from {view.label(other.start)}, and this would "
                    "still be running then.",
                    f"{edge.provider} retired first",
                )
            )
    for edge in view.consumers(c.system):
        other = chosen.get(edge.consumer)
        if c.retires and (other is None or other.finish >= c.start):
            where = (
                "is not modernised in this roadmap"
                if other is None
                else f"only moves off it in {view.label(other.finish)}"
            )
            out.append(
                Binding(
                    f"safe_retirement[{c.system},{edge.consumer}]",
                    (view.label(c.start),),
                    f"it cannot be switched off while {edge.consumer} still uses it, and "
                    f"{edge.consumer} {where}.",
                    f"{edge.consumer} still uses it",
                )
            )
        elif (
            edge.constraint.orders
            and other is not None
            and not c.retires
            and not other.retires
            and other.start <= c.finish
        ):
            out.append(
                Binding(
                    f"{edge.constraint}[{edge.consumer},{c.system}]",
                    (view.label(other.start),),
                    f"{edge.consumer} waits for it ({edge.constraint}) and starts in "
                    f"{view.label(other.start)}, before this would finish.",
                    f"{edge.consumer} waits for it",
                )
            )
    for edge in view.edges:
        if edge.constraint != "together" or c.system not in (edge.consumer, edge.provider):
            continue
        partner = edge.provider if edge.consumer == c.system else edge.consumer
        other = chosen.get(partner)
        if other is None or other.start != c.start:
            where = (
                "which this roadmap does not modernise"
                if other is None
                else f"which starts in {view.label(other.start)}"
            )
            out.append(
                Binding(
                    f"together[{c.system},{partner}]",
                    (view.label(c.start),),
                    f"it must start together with {partner} (move group), {where}.",
                    f"must move with {partner}",
                )
            )
    return out


def _platform_conflicts(view: RoadmapView, c: Candidate) -> list[Binding]:
    out = []
    for platform_id in c.platforms:
        ready = view.ready.get(platform_id)
        if ready is None:
            platform = view.inventory.platform(platform_id)
            cost = view.estate.quantity("capex", platform.setup_cost)
            out.append(
                Binding(
                    f"platform_ready[{platform_id},{c.system}]",
                    (),
                    f"it needs platform {platform_id}, which this roadmap does not build "
                    f"(set-up {cost}, {plural(platform.setup_duration, 'period')}).",
                    f"needs platform {platform_id}",
                )
            )
        elif ready > c.start:
            out.append(
                Binding(
                    f"platform_ready[{platform_id},{c.system}]",
                    (view.label(ready),),
                    f"platform {platform_id} is ready only from {view.label(ready)}.",
                    f"platform {platform_id} not ready",
                )
            )
    return out


def _risk_conflicts(view: RoadmapView, c: Candidate) -> list[Binding]:
    risk = view.inventory.risk
    out = []
    if risk.max_concurrent_high_risk is not None and c.delivery_risk >= risk.high_risk_threshold:
        counts = view.high_risk(without=c.system)
        limit = risk.max_concurrent_high_risk
        periods = [t for t in range(c.start, c.finish + 1) if counts[t] + 1 > limit]
        if periods:
            others = sorted(
                o.system
                for o in view.chosen.values()
                if o.system != c.system
                and o.delivery_risk >= risk.high_risk_threshold
                and o.start <= max(periods)
                and o.finish >= min(periods)
            )
            out.append(
                Binding(
                    "high_risk_in_flight",
                    _labels(view, periods),
                    f"it is high-risk (delivery risk {c.delivery_risk}) and the limit of "
                    f"{plural(limit, 'high-risk project')} in flight is already reached in "
                    f"{_span(view, periods)} (by {names(others[:4])}).",
                    "high-risk limit reached",
                )
            )
    if risk.max_concurrent_per_department is not None:
        counts = view.in_department(c.department, without=c.system)
        limit = risk.max_concurrent_per_department
        periods = [t for t in range(c.start, c.finish + 1) if counts[t] + 1 > limit]
        if periods:
            out.append(
                Binding(
                    f"department_in_flight[{c.department}]",
                    _labels(view, periods),
                    f"{c.department} already runs its maximum of {limit} changes at once in "
                    f"{_span(view, periods)}.",
                    f"{c.department} change limit reached",
                )
            )
    if risk.max_total_delivery_risk is not None:
        total = view.delivery_risk(without=c.system)
        if total + c.delivery_risk > risk.max_total_delivery_risk + 1e-9:
            out.append(
                Binding(
                    "total_delivery_risk",
                    (),
                    f"the portfolio's delivery-risk budget has {risk.max_total_delivery_risk - total:g}"
                    f" of {risk.max_total_delivery_risk:g} points left and this carries "
                    f"{c.delivery_risk}.",
                    "delivery-risk budget used up",
                )
            )
    return out

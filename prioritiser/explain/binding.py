"""Which rules hold a decision where it is, and which would stop an alternative.

`binding(view, c)` lists the constraints that bind a chosen option: resources at capacity
while it runs, predecessors it starts straight after, its deadline or lock, its move group,
the platform it waits for, and risk limits reached. It returns `Binding`s named after the
model's constraint families; `conflicts.py` says, in the same terms, what would stop a
candidate that is not in the roadmap.
"""

from __future__ import annotations

from dataclasses import dataclass

from prioritiser.explain.view import RoadmapView, full
from prioritiser.model.candidates import Candidate
from prioritiser.wording import plural, spans


@dataclass(frozen=True)
class Binding:
    """A constraint that binds (or blocks) a decision, for people and for JSON."""

    name: str  # e.g. "resource_capacity[engineers]", "after[payments,identity]"
    periods: tuple[str, ...]
    detail: str  # a full sentence
    short: str  # a few words for one-line summaries

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "periods": list(self.periods), "detail": self.detail}


def is_are(resource: str) -> str:
    """`engineers are`, `capex is`: resource names are usually plural nouns or mass nouns."""
    return "are" if resource.endswith("s") else "is"


def period_labels(view: RoadmapView, periods: list[int]) -> tuple[str, ...]:
    return tuple(view.label(t) for t in sorted(set(periods)))


def span(view: RoadmapView, periods: list[int]) -> str:
    return spans(view.axis, periods)


def ratio(view: RoadmapView, resource: str, used: float, capacity: float) -> str:
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
        if resolved.deadline_from_support:
            out.append(
                Binding(
                    f"end_of_support[{c.system}]",
                    (view.label(deadline),),
                    f"{resolved.criticality} systems may not run unsupported "
                    f"(risk.unsupported.forbid), so it must finish by its end of support "
                    f"{system.end_of_support}; this roadmap finishes it in "
                    f"{view.label(c.finish)} ({slack}).",
                    f"end of support {system.end_of_support}",
                )
            )
        else:
            out.append(
                Binding(
                    f"deadline[{c.system}]",
                    (system.must_modernise_by or "",),
                    f"it must be modernised by {system.must_modernise_by}, so retaining it is "
                    f"not an option; this roadmap finishes it in {view.label(c.finish)} "
                    f"({slack}).",
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
        out += _years_full(view, c, resource)
        spec = view.inventory.resources[resource]
        if spec.total is not None and full(view.total(resource), spec.total):
            out.append(
                Binding(
                    f"resource_total[{resource}]",
                    (),
                    f"the {resource} total is fully committed "
                    f"({ratio(view, resource, view.total(resource), spec.total)} over the "
                    "horizon).",
                    f"{resource} total used up",
                )
            )
    return out


def _years_full(view: RoadmapView, c: Candidate, resource: str) -> list[Binding]:
    """Financial years while it runs whose `per_year` cap on `resource` is used up."""
    out = []
    for label, cap in view.estate.resources[resource].per_year:
        periods = view.estate.financial_year(label).periods
        if c.finish < periods[0] or c.start > periods[-1]:
            continue
        used = sum(view.use[resource][t] for t in periods)
        if full(used, cap):
            out.append(
                Binding(
                    f"resource_per_year[{resource},{label}]",
                    period_labels(view, list(periods)),
                    f"the {label} cap on {resource} is used up "
                    f"({ratio(view, resource, used, cap)} in that financial year) while it runs.",
                    f"{resource} {label} cap used up",
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
        f"({ratio(view, resource, used, cap)}) in {span(view, ts)}"
        for (used, cap), ts in sorted(by_level.items(), key=lambda kv: min(kv[1]))
    ]
    uses = view.estate.quantity(resource, amount)
    return Binding(
        f"resource_capacity[{resource}]",
        period_labels(view, periods),
        f"{resource} {is_are(resource)} at capacity {' and '.join(parts)} {when}; it uses {uses} "
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
                    period_labels(view, periods),
                    f"it is high-risk (delivery risk {c.delivery_risk}) and the limit of "
                    f"{plural(limit, 'high-risk project')} in flight is reached in "
                    f"{span(view, periods)}.",
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
                    period_labels(view, periods),
                    f"{c.department} is running its maximum of {limit} changes at once in "
                    f"{span(view, periods)}.",
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

"""What would stop a candidate that is not in the roadmap from being added to it.

`conflicts(view, c)` lists the rules `c` would break with everything else left as it is,
as `Binding`s named after the model's constraint families (see `binding.py`).
"""

from __future__ import annotations

from prioritiser.explain.binding import Binding, is_are, period_labels, ratio, span
from prioritiser.explain.view import RoadmapView, full, over
from prioritiser.model.candidates import Candidate
from prioritiser.wording import names, plural


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
                    f"{is_are(resource)} free in {span(view, periods)} when this would run"
                )
            out.append(
                Binding(
                    f"resource_capacity[{resource}]",
                    period_labels(view, periods),
                    f"{detail}, and it needs {estate.quantity(resource, amount)} a period "
                    f"({estate.quantity(resource, need)} short).",
                    f"{resource} at capacity",
                )
            )
        out += _year_conflicts(view, c, resource, amount, use)
        spec = view.inventory.resources[resource]
        extra = amount * (c.finish - c.start + 1)
        if spec.total is not None and over(view.total(resource, use) + extra, spec.total):
            out.append(
                Binding(
                    f"resource_total[{resource}]",
                    (),
                    f"the {resource} total is committed "
                    f"({ratio(view, resource, view.total(resource, use), spec.total)}); this "
                    f"would need {view.estate.quantity(resource, extra)} more.",
                    f"{resource} total used up",
                )
            )
    return out


def _year_conflicts(
    view: RoadmapView,
    c: Candidate,
    resource: str,
    amount: float,
    use: dict[str, list[float]],
) -> list[Binding]:
    """Financial years whose `per_year` cap this option would take over."""
    out = []
    for label, cap in view.estate.resources[resource].per_year:
        periods = view.estate.financial_year(label).periods
        overlap = min(c.finish, periods[-1]) - max(c.start, periods[0]) + 1
        if overlap <= 0:
            continue
        used = sum(use[resource][t] for t in periods)
        extra = amount * overlap
        if over(used + extra, cap):
            out.append(
                Binding(
                    f"resource_per_year[{resource},{label}]",
                    period_labels(view, list(periods)),
                    f"the {label} cap on {resource} is committed "
                    f"({ratio(view, resource, used, cap)} in that financial year); this would "
                    f"need {view.estate.quantity(resource, extra)} more then.",
                    f"{resource} {label} cap used up",
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
        f"({ratio(view, resource, used, cap)}) in {span(view, ts)}"
        for (used, cap), ts in sorted(by_level.items(), key=lambda kv: min(kv[1]))
    ]
    return Binding(
        f"resource_capacity[{resource}]",
        period_labels(view, periods),
        f"{resource} {is_are(resource)} at capacity {' and '.join(parts)}.",
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
                    period_labels(view, periods),
                    f"it is high-risk (delivery risk {c.delivery_risk}) and the limit of "
                    f"{plural(limit, 'high-risk project')} in flight is already reached in "
                    f"{span(view, periods)} (by {names(others[:4])}).",
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
                    period_labels(view, periods),
                    f"{c.department} already runs its maximum of {limit} changes at once in "
                    f"{span(view, periods)}.",
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

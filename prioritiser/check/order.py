"""Rules 4–7 of DESIGN.md, re-verified on a resolved plan: dependency order (after, requires,
together), safe retirement, platforms, and the risk appetite."""

from __future__ import annotations

from collections import defaultdict

from prioritiser.check.plan import Placed, Plan, Violation, _num, _over, _span
from prioritiser.inventory import System

# --- rule 4 ---------------------------------------------------------------------------


def _dependencies(plan: Plan, constraint: str) -> list[tuple[System, str]]:
    """(consumer, provider id) for every `depends_on` with this constraint, in file order."""
    return [
        (system, dep.system)
        for system in plan.inventory.systems
        for dep in system.depends_on
        if dep.constraint == constraint and dep.system != system.id
    ]


def _follows(plan: Plan, rule: str, a: Placed, b: Placed, constraint: str) -> list[Violation]:
    """A must start after B's last period in flight."""
    if a.start >= b.finish + 1:
        return []
    return [
        Violation(
            rule,
            f"{a.system.id} starts in {plan.label(a.start)} but must follow {b.system.id} "
            f"({constraint}), which is in flight until {plan.label(b.finish)}; "
            f"{a.system.id} may start from {plan.label(b.finish + 1)}",
            (a.system.id, b.system.id),
            (plan.label(a.start), plan.label(b.finish)),
        )
    ]


def check_after(plan: Plan) -> list[Violation]:
    """Rule 4 (after): both modernised, neither retired → A starts after B finishes."""
    violations = []
    for consumer, provider in _dependencies(plan, "after"):
        a, b = plan.of(consumer.id), plan.of(provider)
        if a is None or b is None or a.retires or b.retires:
            continue
        violations += _follows(plan, "4 after", a, b, "after")
    return violations


def check_requires(plan: Plan) -> list[Violation]:
    """Rule 4 (requires): a non-retire A needs a non-retire B, and follows it."""
    violations = []
    for consumer, provider in _dependencies(plan, "requires"):
        a, b = plan.of(consumer.id), plan.of(provider)
        if a is None or a.retires:
            continue
        if b is None or b.retires:
            what = "retains it" if b is None else f"retires it from {plan.label(b.start)}"
            violations.append(
                Violation(
                    "4 requires",
                    f"{consumer.id} ({a.option.id}) requires {provider} to be modernised first, "
                    f"but the roadmap {what}",
                    (consumer.id, provider),
                    (plan.label(a.start),),
                )
            )
            continue
        violations += _follows(plan, "4 requires", a, b, "requires")
    return violations


def check_together(plan: Plan) -> list[Violation]:
    """Rule 4 (together): both or neither modernised, and in the same start period."""
    violations = []
    for consumer, provider in _dependencies(plan, "together"):
        a, b = plan.of(consumer.id), plan.of(provider)
        if a is None and b is None:
            continue
        if a is not None and b is not None:
            if a.start == b.start:
                continue
            message = (
                f"{consumer.id} starts in {plan.label(a.start)} and {provider} in "
                f"{plan.label(b.start)}, but they move together and must start in the same period"
            )
            periods: tuple[str, ...] = (plan.label(a.start), plan.label(b.start))
        else:
            moved, stayed = (consumer.id, provider) if a is not None else (provider, consumer.id)
            # One of the two is placed (both unplaced continued above); mypy cannot pair them.
            start = (a or b).start  # type: ignore[union-attr]
            message = (
                f"{moved} is modernised from {plan.label(start)} but {stayed}, which moves "
                "together with it, is retained"
            )
            periods = (plan.label(start),)
        violations.append(Violation("4 together", message, (consumer.id, provider), periods))
    return violations


# --- rule 5 ---------------------------------------------------------------------------


def check_safe_retirement(plan: Plan) -> list[Violation]:
    """Rule 5: nothing is switched off while a dependent system has not finished moving."""
    violations = []
    seen: set[tuple[str, str]] = set()
    for system in plan.inventory.systems:
        for dep in system.depends_on:
            pair = (system.id, dep.system)
            if dep.constraint == "none" or dep.system == system.id or pair in seen:
                continue
            seen.add(pair)
            b = plan.of(dep.system)
            if b is None or not b.retires:
                continue
            a = plan.of(system.id)
            if a is not None and a.finish < b.start:
                continue
            if a is None:
                state = "is retained and would still be using it"
            else:
                state = f"is in flight until {plan.label(a.finish)}"
            violations.append(
                Violation(
                    "5 safe retirement",
                    f"{dep.system} is retired from {plan.label(b.start)} but {system.id}, which "
                    f"depends on it ({dep.constraint}), {state}; {system.id} must finish its own "
                    f"change before {plan.label(b.start)}",
                    (dep.system, system.id),
                    (plan.label(b.start),),
                )
            )
    return violations


# --- rule 6 ---------------------------------------------------------------------------


def check_platforms(plan: Plan) -> list[Violation]:
    """Rule 6: each platform built at most once, inside the horizon, ready before its users."""
    violations = []
    last = plan.axis.count - 1
    for platform_id, builds in sorted(plan.builds.items()):
        if len(builds) > 1:
            starts = tuple(plan.label(b.start) for b in builds)
            violations.append(
                Violation(
                    "6 platforms",
                    f"platform {platform_id} is built {len(builds)} times (from "
                    f"{', '.join(starts)}); it is built once",
                    (),
                    starts,
                )
            )
        for b in builds:
            if b.start < 0 or b.ready - 1 > last:
                span = (plan.label(b.start), plan.label(b.ready - 1))
                violations.append(
                    Violation(
                        "6 platforms",
                        f"platform {platform_id} is set up {_span(span)}, outside the horizon "
                        f"{_span(plan.axis.labels)}",
                        (),
                        span,
                    )
                )
    for p in plan.all_placed():
        for platform_id in p.option.requires_platforms:
            violations += _platform_ready(plan, p, platform_id)
    return violations


def _platform_ready(plan: Plan, p: Placed, platform_id: str) -> list[Violation]:
    builds = plan.builds.get(platform_id)
    start = plan.label(p.start)
    if not builds:
        message = (
            f"{p.system.id} ({p.option.id}) requires platform {platform_id}, which the roadmap "
            "never builds"
        )
        return [Violation("6 platforms", message, (p.system.id,), (start,))]
    ready = min(b.ready for b in builds)
    if p.start >= ready:
        return []
    message = (
        f"{p.system.id} ({p.option.id}) starts in {start} but platform {platform_id} is ready "
        f"only from {plan.label(ready)}"
    )
    return [Violation("6 platforms", message, (p.system.id,), (start, plan.label(ready)))]


# --- rule 7 ---------------------------------------------------------------------------


def check_risk(plan: Plan) -> list[Violation]:
    """Rule 7: concurrent high-risk work, total delivery risk, change per department."""
    return _check_high_risk(plan) + _check_total_risk(plan) + _check_departments(plan)


def _check_high_risk(plan: Plan) -> list[Violation]:
    risk = plan.inventory.risk
    limit = risk.max_concurrent_high_risk
    if limit is None:
        return []
    violations = []
    for period in plan.horizon():
        risky = sorted(
            p.system.id
            for p in plan.all_placed()
            if p.in_flight(period) and p.option.delivery_risk >= risk.high_risk_threshold
        )
        if len(risky) > limit:
            label = plan.label(period)
            violations.append(
                Violation(
                    "7 risk",
                    f"{len(risky)} high-risk options (delivery_risk >= "
                    f"{risk.high_risk_threshold}) are in flight in {label}: {', '.join(risky)}; "
                    f"the limit is {limit}",
                    tuple(risky),
                    (label,),
                )
            )
    return violations


def _check_total_risk(plan: Plan) -> list[Violation]:
    limit = plan.inventory.risk.max_total_delivery_risk
    if limit is None:
        return []
    chosen = list(plan.all_placed())
    total = sum(p.option.delivery_risk for p in chosen)
    if not _over(total, limit):
        return []
    return [
        Violation(
            "7 risk",
            f"the chosen options carry {total} points of delivery risk; the limit is {_num(limit)}",
            tuple(sorted(p.system.id for p in chosen)),
        )
    ]


def _check_departments(plan: Plan) -> list[Violation]:
    limit = plan.inventory.risk.max_concurrent_per_department
    if limit is None:
        return []
    violations = []
    for period in plan.horizon():
        by_department: dict[str, list[str]] = defaultdict(list)
        for p in plan.all_placed():
            if p.in_flight(period):
                by_department[p.system.department].append(p.system.id)
        for department, systems in sorted(by_department.items()):
            if len(systems) > limit:
                label = plan.label(period)
                violations.append(
                    Violation(
                        "7 risk",
                        f"{department} has {len(systems)} changes in flight in {label} "
                        f"({', '.join(sorted(systems))}); the limit is {limit} per department",
                        tuple(sorted(systems)),
                        (label,),
                    )
                )
    return violations

"""The independent checker: re-verify DESIGN.md rules 1–7 for a roadmap, without the solver.

It reads only the inventory and the roadmap (never `prioritiser.model`), so a bug in the
formulation cannot hide itself here. Every problem is a `Violation` naming the rule, the
systems and the periods involved, with a sentence a planner can act on. The appraisal's
keys (optimism bias, `costs:`, forbidden unsupported systems, financial years) are read by
`terms`, the checker's own reading of them.

Rule names: "0 format" (the roadmap does not match the inventory: unknown ids, malformed
labels, a finish that disagrees with the option's duration — optimism bias applied —,
resource use that disagrees with the decisions), "1 one option", "2 windows",
"2 end of support" (a system policy forbids to run unsupported is retained, or finishes
after its end of support), "3 resources" (per-period capacity, `total`, and `per_year`
caps on financial years), "4 after", "4 requires", "4 together", "5 safe retirement",
"6 platforms", "7 risk".
"""

from __future__ import annotations

from collections import defaultdict

from prioritiser.check import terms
from prioritiser.check.order import (
    check_after,
    check_platforms,
    check_requires,
    check_risk,
    check_safe_retirement,
    check_together,
)
from prioritiser.check.plan import (
    RELATIVE_TOLERANCE,
    ROUNDING_TOLERANCE,
    Placed,
    PlacedBuild,
    Plan,
    Rule,
    Violation,
    _num,
    _over,
    _span,
)
from prioritiser.inventory import Inventory
from prioritiser.inventory.periods import PeriodAxis, is_period_label, parse_period
from prioritiser.roadmap import Decision, PlatformBuild, Roadmap


def check_roadmap(inventory: Inventory, roadmap: Roadmap) -> list[Violation]:
    """Every violation of DESIGN.md rules 1–7 (and of the file format) in `roadmap`."""
    if not roadmap.has_plan:
        return [
            Violation(
                "0 format",
                f"the roadmap's status is '{roadmap.status}': it holds no plan to check",
            )
        ]
    plan, violations = read_plan(inventory, roadmap)
    for rule in RULES:
        violations += rule(plan)
    violations += check_resource_use(plan, roadmap)
    return violations


# --- rule 0: the roadmap must speak about this inventory ---------------------------------


def _index(axis: PeriodAxis, label: object) -> int | None:
    """Index of a label of the axis's own granularity (may be outside the horizon), else None."""
    if not is_period_label(label):
        return None
    period = parse_period(str(label))
    if period.granularity is not axis.granularity:
        return None
    return axis.index(period)


def read_plan(inventory: Inventory, roadmap: Roadmap) -> tuple[Plan, list[Violation]]:
    """Resolve decisions and builds against the inventory, reporting what cannot be resolved."""
    plan = Plan(inventory)
    violations = check_period_list(inventory, roadmap)
    for decision in roadmap.decisions:
        placed, problems = _place_decision(inventory, decision)
        violations += problems
        if placed is not None:
            plan.decisions[placed.system.id].append(placed)
    for build in roadmap.platforms:
        placed_build, problems = _place_build(inventory, build)
        violations += problems
        if placed_build is not None:
            plan.builds[placed_build.platform.id].append(placed_build)
    return plan, violations


def check_period_list(inventory: Inventory, roadmap: Roadmap) -> list[Violation]:
    """The roadmap's `periods` must be the inventory's horizon (when it lists them at all)."""
    expected = inventory.axis.labels
    if not roadmap.periods or list(roadmap.periods) == expected:
        return []
    return [
        Violation(
            "0 format",
            f"the roadmap covers {_span(roadmap.periods)} ({len(roadmap.periods)} periods) but "
            f"the inventory's horizon is {_span(expected)} ({len(expected)} periods); "
            "was it planned for another inventory or scenario?",
        )
    ]


def _place_decision(
    inventory: Inventory, decision: Decision
) -> tuple[Placed | None, list[Violation]]:
    system_id, option_id = decision.system, decision.option
    if not inventory.has_system(system_id):
        return None, [Violation("0 format", f"unknown system '{system_id}'", (system_id,))]
    system = inventory.system(system_id)
    option = next((o for o in system.options if o.id == option_id), None)
    if option is None:
        known = ", ".join(o.id for o in system.options) or "none"
        message = f"{system_id} has no option '{option_id}' (its options: {known})"
        return None, [Violation("0 format", message, (system_id,))]
    axis = inventory.axis
    start_label, finish_label = decision.start, decision.finish
    start, finish = _index(axis, start_label), _index(axis, finish_label)
    problems = []
    for what, label, index in (("start", start_label, start), ("finish", finish_label, finish)):
        if index is None:
            problems.append(_bad_label(f"{system_id}: {what}", label, axis, system_id))
    if start is None:
        return None, problems
    duration = terms.duration(inventory, option)
    placed = Placed(system, option, start, start + duration - 1)
    if finish is not None and finish != placed.finish:
        biased = "" if duration == option.duration else " with its optimism bias"
        problems.append(
            Violation(
                "0 format",
                f"{system_id} ({option.id}, {duration} periods{biased}) starts in {start_label}, "
                f"so its last period in flight is {axis.label(placed.finish)}, "
                f"not {finish_label}",
                (system_id,),
                (str(start_label), str(finish_label)),
            )
        )
    kind = decision.kind
    if kind and kind != option.kind:
        problems.append(
            Violation(
                "0 format",
                f"{system_id}: option {option.id} is a {option.kind}, not a {kind}",
                (system_id,),
            )
        )
    return placed, problems


def _place_build(
    inventory: Inventory, build: PlatformBuild
) -> tuple[PlacedBuild | None, list[Violation]]:
    platform_id = build.id
    known = {p.id: p for p in inventory.platforms}
    if platform_id not in known:
        return None, [Violation("0 format", f"unknown platform '{platform_id}'")]
    platform = known[platform_id]
    axis = inventory.axis
    start_label, ready_label = build.start, build.ready
    start, ready = _index(axis, start_label), _index(axis, ready_label)
    problems = []
    for what, label, index in (("start", start_label, start), ("ready", ready_label, ready)):
        if index is None:
            problems.append(_bad_label(f"platform {platform_id}: {what}", label, axis))
    if start is None:
        return None, problems
    placed = PlacedBuild(platform, start, start + platform.setup_duration)
    if ready is not None and ready != placed.ready:
        problems.append(
            Violation(
                "0 format",
                f"platform {platform_id} takes {platform.setup_duration} periods to set up from "
                f"{start_label}, so it is ready in {axis.label(placed.ready)}, not {ready_label}",
                (),
                (str(start_label), str(ready_label)),
            )
        )
    return placed, problems


def _bad_label(where: str, label: object, axis: PeriodAxis, system: str = "") -> Violation:
    if _index(axis, label) is None:
        what = f"is not a period label like {axis.label(0)}"
    else:
        what = f"is outside the horizon {_span(axis.labels)}"
    return Violation("0 format", f"{where} {label!r} {what}", (system,) if system else ())


def check_resource_use(plan: Plan, roadmap: Roadmap) -> list[Violation]:
    """`resource_use`, when the roadmap states it, must be what its decisions actually use."""
    violations = []
    used = _resource_use(plan)
    for resource, by_label in sorted(roadmap.resource_use.items()):
        if resource not in used:
            message = f"resource_use names {resource!r}, which is not a resource of the inventory"
            violations.append(Violation("0 format", message))
            continue
        wrong = []
        for label, stated in sorted(by_label.items()):
            index = _index(plan.axis, label)
            if index is None or not 0 <= index < plan.axis.count:
                violations.append(_bad_label(f"resource_use.{resource}:", label, plan.axis))
                continue
            actual = used[resource][index]
            if abs(actual - stated) > ROUNDING_TOLERANCE + RELATIVE_TOLERANCE * abs(actual):
                wrong.append((label, stated, actual))
        if wrong:
            label, stated, actual = wrong[0]
            more = f" (and {len(wrong) - 1} other periods)" if len(wrong) > 1 else ""
            violations.append(
                Violation(
                    "0 format",
                    f"resource_use says {resource} uses {_num(stated)} in {label}, but the "
                    f"decisions and platform setups use {_num(actual)}{more}",
                    (),
                    tuple(w[0] for w in wrong),
                )
            )
    return violations


# --- rule 1 ---------------------------------------------------------------------------


def check_one_option(plan: Plan) -> list[Violation]:
    """Rule 1: at most one option per system; exactly one with a deadline or a lock."""
    violations = []
    for system_id, placed in sorted(plan.decisions.items()):
        if len(placed) > 1:
            choices = ", ".join(f"{p.option.id} from {plan.label(p.start)}" for p in placed)
            violations.append(
                Violation(
                    "1 one option",
                    f"{system_id} is chosen {len(placed)} times ({choices}); a system takes at "
                    "most one option",
                    (system_id,),
                    tuple(plan.label(p.start) for p in placed),
                )
            )
    for system in plan.inventory.systems:
        if plan.of(system.id) is not None:
            continue
        if system.locked is not None:
            violations.append(
                Violation(
                    "1 one option",
                    f"{system.id} is locked to {system.locked.option} from {system.locked.start} "
                    "but the roadmap has no decision for it",
                    (system.id,),
                    (system.locked.start,),
                )
            )
        elif system.must_modernise_by is not None:
            violations.append(
                Violation(
                    "1 one option",
                    f"{system.id} must be modernised by {system.must_modernise_by} but the "
                    "roadmap retains it",
                    (system.id,),
                    (system.must_modernise_by,),
                )
            )
        elif terms.support_deadline(plan.inventory, system) is not None:
            violations.append(
                Violation(
                    "2 end of support",
                    f"{system.id} is {system.criticality} and may not run unsupported "
                    f"(risk.unsupported.forbid), but the roadmap retains it past its end of "
                    f"support {system.end_of_support}",
                    (system.id,),
                    (str(system.end_of_support),),
                )
            )
    return violations


# --- rule 2 ---------------------------------------------------------------------------


def check_windows(plan: Plan) -> list[Violation]:
    """Rule 2: earliest start, inside the horizon, by the deadline, as locked."""
    violations = []
    inventory = plan.inventory
    last = plan.axis.count - 1
    for p in plan.all_placed():
        s = p.system
        where = (s.id,)
        span = (plan.label(p.start), plan.label(p.finish))
        if p.start < 0 or p.finish > last:
            violations.append(
                Violation(
                    "2 windows",
                    f"{s.id} is in flight {_span(span)}, outside the horizon "
                    f"{_span(plan.axis.labels)}",
                    where,
                    span,
                )
            )
        earliest = inventory.earliest_start_index(s)
        if p.start < earliest:
            violations.append(
                Violation(
                    "2 windows",
                    f"{s.id} starts in {span[0]}, before its earliest start {s.earliest_start}",
                    where,
                    span[:1],
                )
            )
        deadline = inventory.deadline_index(s)
        if deadline is not None and p.finish > deadline:
            violations.append(
                Violation(
                    "2 windows",
                    f"{s.id} ({p.option.id}) finishes in {span[1]}, after its deadline "
                    f"{s.must_modernise_by}",
                    where,
                    span[1:],
                )
            )
        support = terms.support_deadline(inventory, s)
        if support is not None and p.finish > support:
            violations.append(
                Violation(
                    "2 end of support",
                    f"{s.id} ({p.option.id}) finishes in {span[1]}, after its end of support "
                    f"{s.end_of_support}, and {s.criticality} systems may not run unsupported "
                    "(risk.unsupported.forbid)",
                    where,
                    span[1:],
                )
            )
        violations += _check_lock(plan, p)
    return violations


def _check_lock(plan: Plan, p: Placed) -> list[Violation]:
    lock = p.system.locked
    if lock is None:
        return []
    locked_start = plan.inventory.lock_start_index(p.system)
    if p.option.id == lock.option and p.start == locked_start:
        return []
    return [
        Violation(
            "2 windows",
            f"{p.system.id} is locked to {lock.option} from {lock.start}, but the roadmap has "
            f"{p.option.id} from {plan.label(p.start)}",
            (p.system.id,),
            (lock.start, plan.label(p.start)),
        )
    ]


# --- rule 3 ---------------------------------------------------------------------------


def _resource_use(plan: Plan) -> dict[str, list[float]]:
    """Use of every declared resource in every period of the horizon."""
    inventory = plan.inventory
    count = plan.axis.count
    used = {name: [0.0] * count for name in inventory.resources}
    items: list[tuple[dict[str, float], int, int]] = [
        (plan.use(p.option), p.start, p.finish) for p in plan.all_placed()
    ]
    items += [
        (inventory.platform_resource_use(b.platform), b.start, b.ready - 1)
        for b in plan.all_builds()
    ]
    for use, first, last in items:
        for resource, amount in use.items():
            if resource not in used:
                continue
            for period in range(max(first, 0), min(last, count - 1) + 1):
                used[resource][period] += amount
    return used


def check_resources(plan: Plan) -> list[Violation]:
    """Rule 3: per-period capacity of every resource, and its `total` over the horizon."""
    violations = []
    inventory = plan.inventory
    used = _resource_use(plan)
    for resource in sorted(used):
        for period in plan.horizon():
            capacity = inventory.capacity(resource, period)
            if _over(used[resource][period], capacity):
                violations.append(_over_capacity(plan, resource, period, used, capacity))
        total = inventory.resources[resource].total
        if total is not None and _over(sum(used[resource]), total):
            violations.append(
                Violation(
                    "3 resources",
                    f"{resource}: {_num(sum(used[resource]))} used over the horizon exceeds its "
                    f"total of {_num(total)}",
                    _users(plan, resource, None),
                )
            )
    return violations


def check_financial_years(plan: Plan) -> list[Violation]:
    """Rule 3 (per_year): a resource's use summed over the periods of a financial year (those
    inside the horizon) stays within its cap for that year."""
    inventory = plan.inventory
    used = _resource_use(plan)
    by_year: dict[str, list[int]] = defaultdict(list)
    for period in plan.horizon():
        by_year[terms.financial_year(inventory, period)].append(period)
    violations = []
    for resource in sorted(used):
        for label, cap in sorted(inventory.resources[resource].per_year.items()):
            periods = by_year.get(str(label), [])
            total = sum(used[resource][t] for t in periods)
            if periods and _over(total, cap):
                labels = tuple(plan.label(t) for t in periods)
                violations.append(
                    Violation(
                        "3 resources",
                        f"{resource}: {_num(total)} used in financial year {label} "
                        f"({_span(labels)}) exceeds its per_year cap of {_num(cap)}",
                        tuple(sorted({s for t in periods for s in _users(plan, resource, t)})),
                        labels,
                    )
                )
    return violations


def _over_capacity(
    plan: Plan, resource: str, period: int, used: dict[str, list[float]], capacity: float
) -> Violation:
    label = plan.label(period)
    who = _users(plan, resource, period)
    builds = [b.platform.id for b in plan.all_builds() if b.in_flight(period)]
    using = ", ".join(who) + (f"; platform setup {', '.join(builds)}" if builds else "")
    return Violation(
        "3 resources",
        f"{resource}: {_num(used[resource][period])} used in {label} exceeds the capacity of "
        f"{_num(capacity)} (in flight: {using or 'nothing'})",
        who,
        (label,),
    )


def _users(plan: Plan, resource: str, period: int | None) -> tuple[str, ...]:
    """Systems using `resource` (in flight in `period`, or at all)."""
    return tuple(
        sorted(
            {
                p.system.id
                for p in plan.all_placed()
                if plan.use(p.option).get(resource) and (period is None or p.in_flight(period))
            }
        )
    )


RULES: tuple[Rule, ...] = (
    check_one_option,
    check_windows,
    check_resources,
    check_financial_years,
    check_after,
    check_requires,
    check_together,
    check_safe_retirement,
    check_platforms,
    check_risk,
)


__all__ = ["RULES", "Plan", "Violation", "check_roadmap", "read_plan"]

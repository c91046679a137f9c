"""The independent checker: re-verify DESIGN.md rules 1–7 for a roadmap, without the solver.

It reads only the inventory and the roadmap (never `prioritiser.model`), so a bug in the
formulation cannot hide itself here. Every problem is a `Violation` naming the rule, the
systems and the periods involved, with a sentence a planner can act on.

Rule names: "0 format" (the roadmap does not match the inventory: unknown ids, malformed
labels, a finish that disagrees with the option's duration, resource use that disagrees
with the decisions), "1 one option", "2 windows", "3 resources", "4 after",
"4 requires", "4 together", "5 safe retirement", "6 platforms", "7 risk".
"""

# size: the checker reads as DESIGN.md's rules 0-7 in order, one section each, so it can be
# audited against the contract side by side. The appraisal v2 checks are being added to it in
# parallel work; once they land, rules 4-7 (order and appetite) move to a module of their own.

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from prioritiser.inventory import Inventory, Option, Platform, System
from prioritiser.inventory.periods import PeriodAxis, is_period_label, parse_period
from prioritiser.roadmap import Decision, PlatformBuild, Roadmap

# Capacities are compared with a small relative tolerance: solvers and JSON rounding
# leave noise in the last digits, never a real overrun of a millionth.
RELATIVE_TOLERANCE = 1e-6
# `resource_use` in roadmap.json is rounded to the penny (see roadmap._rounded).
ROUNDING_TOLERANCE = 0.01


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, a readable sentence, and who and when it concerns."""

    rule: str
    message: str
    systems: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        """The rule number of DESIGN.md ("0" for format problems)."""
        return self.rule.split(" ", 1)[0]

    @property
    def name(self) -> str:
        """The rule's short name ("safe retirement")."""
        return self.rule.split(" ", 1)[-1]

    def render(self) -> str:
        """`rule 4 (after): payments starts ...`."""
        return f"rule {self.number} ({self.name}): {self.message}"


@dataclass(frozen=True)
class Placed:
    """A decision of the roadmap resolved against the inventory (period indices)."""

    system: System
    option: Option
    start: int
    finish: int  # start + duration - 1, from the inventory, whatever the roadmap says

    @property
    def retires(self) -> bool:
        return self.option.kind == "retire"

    def in_flight(self, period: int) -> bool:
        return self.start <= period <= self.finish


@dataclass(frozen=True)
class PlacedBuild:
    """A platform setup of the roadmap, in flight from `start` to `ready - 1`."""

    platform: Platform
    start: int
    ready: int

    def in_flight(self, period: int) -> bool:
        return self.start <= period < self.ready


@dataclass
class Plan:
    """The roadmap's decisions and builds, keyed for the rules (duplicates kept)."""

    inventory: Inventory
    decisions: dict[str, list[Placed]] = field(default_factory=lambda: defaultdict(list))
    builds: dict[str, list[PlacedBuild]] = field(default_factory=lambda: defaultdict(list))
    _labels: dict[int, str] = field(default_factory=dict, repr=False)
    _use: dict[int, dict[str, float]] = field(default_factory=dict, repr=False)

    @property
    def axis(self) -> PeriodAxis:
        return self.inventory.axis

    def label(self, period: int) -> str:
        """The label of a period index (cached: messages name periods thousands of times)."""
        label = self._labels.get(period)
        if label is None:
            label = self._labels[period] = self.axis.label(period)
        return label

    def use(self, option: Option) -> dict[str, float]:
        """Per-period resource use of an option in flight (rule 3), computed once per option."""
        key = id(option)
        if key not in self._use:
            self._use[key] = self.inventory.option_resource_use(option)
        return self._use[key]

    def of(self, system_id: str) -> Placed | None:
        """The (first) decision for a system; rule 1 reports any second one."""
        placed = self.decisions.get(system_id)
        return placed[0] if placed else None

    def all_placed(self) -> Iterator[Placed]:
        for placed in self.decisions.values():
            yield from placed

    def all_builds(self) -> Iterator[PlacedBuild]:
        for builds in self.builds.values():
            yield from builds

    def horizon(self) -> range:
        return range(self.axis.count)


Rule = Callable[[Plan], list[Violation]]


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
    placed = Placed(system, option, start, start + option.duration - 1)
    if finish is not None and finish != placed.finish:
        problems.append(
            Violation(
                "0 format",
                f"{system_id} ({option.id}, {option.duration} periods) starts in {start_label}, "
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


def _over(used: float, capacity: float) -> bool:
    return used > capacity + RELATIVE_TOLERANCE * max(1.0, abs(capacity))


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


RULES: tuple[Rule, ...] = (
    check_one_option,
    check_windows,
    check_resources,
    check_after,
    check_requires,
    check_together,
    check_safe_retirement,
    check_platforms,
    check_risk,
)


# --- wording --------------------------------------------------------------------------


def _num(value: float) -> str:
    """1,200,000 or 2.5: thousands separated, no noise decimals."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _span(labels: tuple[str, ...] | list[str]) -> str:
    if not labels:
        return "no periods"
    if labels[0] == labels[-1]:
        return labels[0]
    return f"{labels[0]}–{labels[-1]}"


__all__ = ["RULES", "Violation", "check_roadmap"]

"""Pass 1 of the diagnosis: the common causes of infeasibility, found without a solver.

A deadline or locked system whose every option needs more of a resource per period than
there is; work fixed in time (locks, one-start windows) that together overloads a resource
or a risk limit; a deadline or lock that cannot wait for a predecessor; a move group whose
members share no start period; a locked option whose platform cannot be ready; a system
that must be retired while something that uses it cannot move off first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from prioritiser.diagnose.budgets import fixed_years
from prioritiser.diagnose.facts import EPS, Facts, Shortfall
from prioritiser.diagnose.findings import Relaxation
from prioritiser.inventory import System
from prioritiser.model.candidates import Candidate
from prioritiser.wording import form, names, number, plural


def precheck(facts: Facts) -> Iterator[Relaxation]:
    """Common causes of infeasibility, found directly from the candidates."""
    yield from check_no_window(facts)
    yield from check_resource_fit(facts)
    yield from check_fixed_work(facts)
    yield from fixed_years(facts, _fixed(facts))
    yield from check_waiting(facts)
    yield from check_together(facts)
    yield from check_lock_platform(facts)
    yield from check_retirement(facts)


def _alternative(facts: Facts, system: System) -> str:
    has_deadline = facts.system(system.id).deadline is not None
    if system.locked is not None and has_deadline:
        return f"change the lock or {facts.deadline_fix(system.id)}"
    return "change the lock" if system.locked is not None else facts.deadline_fix(system.id)


def check_no_window(facts: Facts) -> Iterator[Relaxation]:
    """A deadline system none of whose options fits before the deadline."""
    inventory = facts.inventory
    for system in inventory.systems:
        deadline = facts.system(system.id).deadline
        if deadline is None or system.locked is not None or not system.options:
            continue
        if facts.candidates.of(system.id):
            continue
        earliest = facts.system(system.id).earliest_start
        best, details = math.inf, []
        for option in facts.system(system.id).options:
            start = earliest
            for platform_id in option.platforms:
                start = max(start, facts.estate.platform(platform_id).setup_duration)
            finish = start + option.duration - 1
            best = min(best, finish)
            why = f"{option.id} takes {plural(option.duration, 'period')}"
            if option.duration != option.base_duration:
                why += f" with its optimism bias ({option.base_duration} before)"
            if option.platforms:
                why += f" and needs {names(option.platforms)}, ready from {facts.label(start)}"
            details.append(f"{why}, so it finishes {facts.label(finish)} at the earliest")
        late = int(best - deadline) if math.isfinite(best) else 0
        fix = facts.deadline_fix(system.id, facts.label(int(best)))
        yield Relaxation(
            facts.deadline_rule(system.id),
            (system.id,),
            (facts.label(deadline),),
            None,
            float(late),
            f"{system.id} must finish by {facts.deadline_text(system.id)}, but no option fits: "
            f"{'; '.join(details)}. {fix[0].upper()}{fix[1:]}, or add a quicker option.",
        )


def check_resource_fit(facts: Facts) -> Iterator[Relaxation]:
    """A deadline or locked system whose every option alone needs more than there is."""
    inventory = facts.inventory
    for system in inventory.systems:
        mine = facts.candidates.of(system.id)
        if not facts.direct(facts.system(system.id)) or not mine:
            continue
        short = {c.index: facts.shortfalls(c) for c in mine}
        if not all(short.values()):
            continue

        def severity(c: Candidate, short: dict[int, list[Shortfall]] = short) -> tuple[float, int]:
            return _severity(c, short[c.index])

        closest = min(mine, key=severity)
        gaps = short[closest.index]
        resource = max(gaps, key=lambda g: ((g[2] - g[3]) / max(g[3], EPS), g[0]))[0]
        gaps = [g for g in gaps if g[0] == resource]
        need = gaps[0][2]
        caps = sorted({g[3] for g in gaps})
        periods = [g[1] for g in gaps]
        cap_text = (
            facts.qty(resource, caps[0])
            if len(caps) == 1
            else (f"{facts.qty(resource, caps[0])}–{facts.qty(resource, caps[-1])}")
        )
        options = sorted({c.option for c in mine})
        if len(options) == 1:
            needs = (
                f"its only option ({options[0]}) needs {facts.qty(resource, need)} of {resource}"
            )
        else:
            per_option = []
            for option in options:
                theirs = [c for c in mine if c.option == option]
                use = max(dict(c.use).get(resource, 0.0) for c in theirs)
                per_option.append(f"{option} {facts.qty(resource, use)}")
            needs = (
                f"every option needs more {resource} than is available ({', '.join(per_option)})"
            )
        shortfall = need - caps[0]
        yield Relaxation(
            "resource_capacity",
            (system.id,),
            tuple(facts.label(p) for p in periods),
            resource,
            shortfall,
            f"{system.id} {facts.mandate(system.id)}, but {needs} per period and only "
            f"{cap_text} {'is' if caps[-1] == 1 else 'are'} available "
            f"({facts.qty(resource, shortfall)} short): raise {resource} to "
            f"{facts.qty(resource, need)} in {facts.span(periods)}, or {_alternative(facts, system)}.",
        )


def _severity(c: Candidate, gaps: list[Shortfall]) -> tuple[float, int]:
    """How far a candidate is from fitting (worst relative shortfall); later starts first."""
    worst = max((need - cap) / max(cap, EPS) for _, _, need, cap in gaps)
    return (worst, -c.start)


def _fixed(facts: Facts) -> dict[str, Candidate]:
    """Mandatory work with exactly one possible candidate (locks, one-slot windows)."""
    out = {}
    for system in facts.inventory.systems:
        mine = facts.candidates.of(system.id)
        if facts.direct(facts.system(system.id)) and len(mine) == 1:
            out[system.id] = mine[0]
    return out


def _fixed_phrase(facts: Facts, c: Candidate) -> str:
    how = "locked" if facts.inventory.system(c.system).locked is not None else "fixed by its window"
    return f"{c.system} ({how}, {facts.axis.span_label(c.start, c.finish)})"


Fixed = dict[str, Candidate]  # the work fixed in time, by system
ByPeriod = dict[int, list[Candidate]]  # that work by the periods it is in flight


def check_fixed_work(facts: Facts) -> Iterator[Relaxation]:
    """Work fixed in time that overloads a resource or a risk limit together."""
    fixed = _fixed(facts)
    if len(fixed) < 2:
        return
    by_period: ByPeriod = defaultdict(list)
    for c in fixed.values():
        for period in range(c.start, c.finish + 1):
            by_period[period].append(c)
    yield from _fixed_over_capacity(facts, fixed, by_period)
    yield from _fixed_over_high_risk(facts, fixed, by_period)
    yield from _fixed_over_departments(facts, by_period)
    yield from _mandatory_over_total_risk(facts)


def _fixed_over_capacity(facts: Facts, fixed: Fixed, by_period: ByPeriod) -> Iterator[Relaxation]:
    """Several fixed items, each fitting alone, overload a resource in a period together."""
    inventory = facts.inventory
    for resource in sorted(inventory.resources):
        over: dict[tuple[str, ...], list[tuple[int, float, float]]] = defaultdict(list)
        for period, items in sorted(by_period.items()):
            users = [c for c in items if dict(c.use).get(resource, 0.0) > 0]
            need = sum(dict(c.use)[resource] for c in users)
            cap = facts.capacity(resource, period)
            alone_fit = all(dict(c.use)[resource] <= cap * (1 + EPS) + EPS for c in users)
            if len(users) >= 2 and need > cap * (1 + EPS) + EPS and alone_fit:
                over[tuple(sorted(c.system for c in users))].append((period, need, cap))
        for systems, rows in sorted(over.items()):
            periods = [p for p, _, _ in rows]
            need = max(n for _, n, _ in rows)
            excess = max(n - c for _, n, c in rows)
            who = names(_fixed_phrase(facts, fixed[s]) for s in systems)
            yield Relaxation(
                "resource_capacity",
                systems,
                tuple(facts.label(p) for p in periods),
                resource,
                excess,
                f"{who} are fixed in time and together need {facts.qty(resource, need)} of "
                f"{resource} in {facts.span(periods)}, {facts.qty(resource, excess)} more than "
                f"is available: raise {resource} there, or move one of them.",
            )


def _fixed_over_high_risk(facts: Facts, fixed: Fixed, by_period: ByPeriod) -> Iterator[Relaxation]:
    """More fixed high-risk items in flight at once than the risk appetite allows."""
    risk = facts.inventory.risk
    if risk.max_concurrent_high_risk is not None:
        limit = risk.max_concurrent_high_risk
        over_risk: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for period, items in sorted(by_period.items()):
            risky = [c for c in items if c.delivery_risk >= risk.high_risk_threshold]
            if len(risky) > limit:
                over_risk[tuple(sorted(c.system for c in risky))].append(period)
        for systems, periods in sorted(over_risk.items()):
            who = names(_fixed_phrase(facts, fixed[s]) for s in systems)
            yield Relaxation(
                "high_risk_in_flight",
                systems,
                tuple(facts.label(p) for p in periods),
                None,
                float(len(systems) - limit),
                f"{who} are all high-risk (delivery risk {risk.high_risk_threshold} or more) "
                f"and fixed to run at the same time in {facts.span(periods)}, but at most "
                f"{plural(limit, 'high-risk project')} may be in flight "
                f"at once: allow {len(systems)} (max_concurrent_high_risk) or move one of them.",
            )


def _fixed_over_departments(facts: Facts, by_period: ByPeriod) -> Iterator[Relaxation]:
    """More fixed changes in flight in one department at once than it can take."""
    risk = facts.inventory.risk
    if risk.max_concurrent_per_department is not None:
        limit = risk.max_concurrent_per_department
        over_dept: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
        for period, items in sorted(by_period.items()):
            per_dept: dict[str, list[str]] = defaultdict(list)
            for c in items:
                per_dept[c.department].append(c.system)
            for dept, members in per_dept.items():
                if len(members) > limit:
                    over_dept[(dept, tuple(sorted(members)))].append(period)
        for (dept, crowd), periods in sorted(over_dept.items()):
            yield Relaxation(
                "department_in_flight",
                crowd,
                tuple(facts.label(p) for p in periods),
                None,
                float(len(crowd) - limit),
                f"{names(crowd)} ({dept}) are fixed to run at the same time in "
                f"{facts.span(periods)}, but {dept} can take at most {limit} concurrent "
                f"{form(limit, 'change')}: allow {len(crowd)} "
                "(max_concurrent_per_department) or move one of them.",
            )


def _mandatory_over_total_risk(facts: Facts) -> Iterator[Relaxation]:
    """The systems that must change carry more delivery risk than the portfolio allows."""
    risk = facts.inventory.risk
    if risk.max_total_delivery_risk is not None:
        must = {
            s: min(c.delivery_risk for c in facts.candidates.of(s))
            for s in sorted(facts.mandatory)
            if facts.candidates.of(s)
        }
        if sum(must.values()) > risk.max_total_delivery_risk + EPS:
            total = sum(must.values())
            yield Relaxation(
                "total_delivery_risk",
                tuple(must),
                (),
                None,
                total - risk.max_total_delivery_risk,
                f"the systems that must be modernised ({names(must)}) carry a delivery risk of "
                f"at least {number(total)} between them, above the portfolio limit of "
                f"{number(risk.max_total_delivery_risk)}: raise max_total_delivery_risk to "
                f"{number(total)}, or relax a deadline or lock.",
            )


def check_waiting(facts: Facts) -> Iterator[Relaxation]:
    """A deadline or lock that comes before a predecessor it must wait for can finish."""
    inventory = facts.inventory
    finish = facts.earliest_finish
    kinds = {(a, b): k for a, b, k in facts.edges if k.orders}
    for system in inventory.systems:
        if not facts.direct(facts.system(system.id)) or not facts.only_changes(system.id):
            continue
        waits = facts.must_wait_for(system.id)
        if not waits or math.isfinite(finish.get(system.id, math.inf)):
            continue
        if any(not math.isfinite(finish.get(p, math.inf)) for p in waits):
            continue  # the predecessor cannot be done at all: reported on its own
        mine = facts.candidates.of(system.id)
        latest = max(c.start for c in mine)
        blockers = [p for p in waits if finish[p] >= latest] or waits
        ready = int(max(finish[p] for p in blockers)) + 1
        quickest = min(c.finish - c.start for c in mine) + ready
        reasons = []
        for p in blockers:
            why = facts.mandate(p) if p in facts.mandatory else "must be modernised first"
            if kinds.get((system.id, p)) == "requires" and p not in facts.mandatory:
                why = "it requires to be modernised first"
            reasons.append(
                f"{p} ({kinds.get((system.id, p), 'after')}; {p} {why}), which cannot finish "
                f"before {facts.label(int(finish[p]))}"
                if "it requires" not in why
                else f"{p} ({kinds[(system.id, p)]}), which {why} and cannot finish before "
                f"{facts.label(int(finish[p]))}"
            )
        waits_text = f"it must wait for {names(reasons)}"
        if system.locked is not None:
            rule, fix = (
                "lock",
                (f"move the lock to {facts.label(ready)} or later, or waive the dependency"),
            )
            head = f"{system.id} is locked to start {system.locked.option} in {system.locked.start}"
            lock = facts.system(system.id).lock
            assert lock is not None
            amount = float(ready - lock.start)
        else:
            rule = facts.deadline_rule(system.id)
            head = f"{system.id} must finish by {facts.deadline_text(system.id)}"
            fix = (
                f"its quickest option would then finish in {facts.label(quickest)}: "
                f"{facts.deadline_fix(system.id, facts.label(quickest))}, or waive the dependency"
            )
            amount = float(quickest - (facts.system(system.id).deadline or 0))
        yield Relaxation(
            rule,
            (system.id, *blockers),
            (facts.label(latest), facts.label(ready)),
            None,
            amount,
            f"{head}, but {waits_text}: {fix}.",
        )


def check_together(facts: Facts) -> Iterator[Relaxation]:
    """A move group that must happen but whose members share no start period."""
    pairs = sorted({tuple(sorted((a, b))) for a, b, k in facts.edges if k == "together"})
    for a, b in pairs:
        if not ({a, b} & facts.mandatory):
            continue
        mine, theirs = facts.starts(a), facts.starts(b)
        if not mine or not theirs or mine & theirs:
            continue
        yield Relaxation(
            "together",
            (a, b),
            tuple(facts.label(p) for p in sorted(mine | theirs)),
            None,
            1.0,
            f"{a} and {b} must start in the same period (a move group), but {a} can only start "
            f"in {facts.span(mine)} ({facts.window(a)}) and {b} only in {facts.span(theirs)} "
            f"({facts.window(b)}): waive the move group, or widen one of the windows.",
        )


def check_lock_platform(facts: Facts) -> Iterator[Relaxation]:
    """A locked option whose platform cannot be set up before the locked start."""
    inventory = facts.inventory
    for system in inventory.systems:
        if system.locked is None:
            continue
        option = system.option(system.locked.option)
        lock = facts.system(system.id).lock
        start = lock.start if lock is not None else 0
        for platform_id in option.requires_platforms:
            ready = facts.estate.platform(platform_id).setup_duration
            if ready > start:
                yield Relaxation(
                    "platform_ready",
                    (system.id,),
                    (system.locked.start, facts.label(ready)),
                    None,
                    float(ready - start),
                    f"{system.id} is locked to start {option.id} in {system.locked.start}, but "
                    f"it needs platform {platform_id}, which takes "
                    f"{plural(ready, 'period')} to set up and cannot be ready before "
                    f"{facts.label(ready)}: move the lock to {facts.label(ready)} or later.",
                )


def check_retirement(facts: Facts) -> Iterator[Relaxation]:
    """A system that must be retired while a user of it cannot move off in time."""
    inventory = facts.inventory
    for system in inventory.systems:
        mine = facts.candidates.of(system.id)
        if (
            not facts.direct(facts.system(system.id))
            or not mine
            or not all(c.retires for c in mine)
        ):
            continue
        last = max(c.start for c in mine)
        for consumer, provider, _ in facts.edges:
            if provider != system.id:
                continue
            theirs = facts.candidates.of(consumer)
            if any(c.finish < last for c in theirs):
                continue
            why = (
                "has no options of its own"
                if not inventory.system(consumer).options
                else f"cannot finish a change of its own before {facts.label(last)}"
            )
            yield Relaxation(
                "safe_retirement",
                (system.id, consumer),
                (facts.label(last),),
                None,
                1.0,
                f"{system.id} {facts.mandate(system.id)} and can only be retired, but "
                f"{consumer} depends on it and {why}: give {consumer} a way off it first, "
                f"waive the dependency, or {_alternative(facts, system)}.",
            )

"""Reading the relaxed solution back in words: which rule gives, by how much, and why.

Each slack the elastic model needed becomes a `Relaxation` whose message names the
systems, periods and amounts, and says what would have to change in the inventory.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property

from prioritiser.diagnose.budgets import per_year
from prioritiser.diagnose.elastic import Elastic, Slack
from prioritiser.diagnose.facts import EPS
from prioritiser.diagnose.findings import Relaxation
from prioritiser.inventory import System
from prioritiser.model.candidates import Build, Candidate
from prioritiser.wording import form, names, number, plural, runs_of


class Reader:
    def __init__(self, elastic: Elastic):
        self.elastic = elastic
        self.facts = elastic.facts
        self.inventory = elastic.facts.inventory
        model = elastic.model
        self.chosen: dict[str, Candidate] = {
            c.system: c
            for c in model.candidates.candidates
            if elastic.value(model.start_col[c.index]) > 0.5
        }
        self.relaxed_candidates = model.candidates

    def value(self, col: int) -> float:
        return self.elastic.value(col)

    def relaxations(self) -> list[Relaxation]:
        out = list(self._mandates())
        by_rule: dict[str, list[Slack]] = defaultdict(list)
        for slack in self.elastic.slacks:
            if self.value(slack.col) > EPS:
                by_rule[slack.rule].append(slack)
        out += self._capacity(by_rule.get("resource_capacity", []))
        out += self._totals(by_rule.get("resource_total", []))
        out += per_year(self, by_rule.get("resource_per_year", []))
        for rule in ("after", "requires", "together", "safe_retirement", "platform_ready"):
            out += [self._link(s) for s in by_rule.get(rule, [])]
        out += self._risk(by_rule)
        return out

    # mandates: deadlines and locks that move or go

    def _mandates(self) -> Iterator[Relaxation]:
        inventory, facts = self.inventory, self.facts
        for system_id, miss in sorted(self.elastic.missed.items()):
            system = inventory.system(system_id)
            resolved = facts.system(system_id)
            deadline = resolved.deadline
            lock = resolved.lock.start if resolved.lock is not None else None
            if self.value(miss) > 0.5:
                yield self._dropped(system)
                continue
            c = self.chosen.get(system_id)
            if c is None:
                continue
            holdups = self.holdups(c)
            if deadline is not None and c.finish > deadline:
                late = c.finish - deadline
                if resolved.deadline_from_support:
                    change = (
                        f"let {system_id} run unsupported past its end of support "
                        f"{system.end_of_support} until {facts.label(c.finish)} "
                        f"({plural(late, 'period')}; take {resolved.criticality} out of "
                        f"risk.unsupported.forbid and price it under cost_per_year)"
                    )
                else:
                    change = (
                        f"move the deadline of {system_id} from {system.must_modernise_by} to "
                        f"{facts.label(c.finish)} ({plural(late, 'period')} later)"
                    )
                yield Relaxation(
                    facts.deadline_rule(system_id),
                    (system_id, *self._others(holdups)),
                    (facts.label(deadline), facts.label(c.finish)),
                    None,
                    float(late),
                    f"{change}, doing {c.option} from {facts.label(c.start)}: "
                    f"{self._because(holdups)}.",
                )
            if lock is not None and system.locked is not None:
                moved = c.start != lock
                other = c.option != system.locked.option
                if not (moved or other):
                    continue
                what = []
                if other:
                    what.append(f"change its option from {system.locked.option} to {c.option}")
                if moved:
                    what.append(
                        f"move its start from {system.locked.start} to {facts.label(c.start)}"
                    )
                yield Relaxation(
                    "lock",
                    (system_id, *self._others(holdups)),
                    (system.locked.start, facts.label(c.start)),
                    None,
                    float(abs(c.start - lock)),
                    f"reopen the locked decision on {system_id}: {' and '.join(what)}: "
                    f"{self._because(holdups)}.",
                )

    def _dropped(self, system: System) -> Relaxation:
        mine = self.relaxed_candidates.of(system.id)
        if not system.options:
            why = "it has no modernisation options recorded"
        elif not mine:
            why = "none of its options fits in the planning horizon"
        else:
            why = "no way of doing it fits with the other rules"
        facts = self.facts
        resolved = facts.system(system.id)
        if system.locked is not None:
            what = f"release the lock on {system.id} ({system.locked.option} from {system.locked.start})"
            rule = "lock"
        elif resolved.deadline_from_support:
            what = (
                f"let {system.id} run unsupported after its end of support "
                f"{system.end_of_support} (take {resolved.criticality} out of "
                "risk.unsupported.forbid and price it under cost_per_year)"
            )
            rule = "end_of_support"
        else:
            what = f"drop the deadline of {system.id} ({system.must_modernise_by})"
            rule = "deadline"
        deadline = facts.label(resolved.deadline) if resolved.deadline is not None else None
        return Relaxation(
            rule,
            (system.id,),
            tuple(p for p in (deadline, system.locked and system.locked.start) if p),
            None,
            1.0,
            f"{what}: {why}, even with the other relaxations listed here.",
        )

    def holdups(self, c: Candidate) -> list[tuple[str, str]]:
        """(system or "", phrase) for what keeps a candidate from starting earlier."""
        facts, inventory = self.facts, self.inventory
        system = inventory.system(c.system)
        out: list[tuple[str, str]] = []
        kinds = {(a, b): k for a, b, k in facts.edges}
        for (consumer, provider), kind in sorted(kinds.items()):
            if consumer == c.system and kind.orders and not c.retires:
                other = self.chosen.get(provider)
                if other is not None and not other.retires and other.finish + 1 >= c.start:
                    done = facts.earliest_finish.get(provider, math.inf)
                    when = (
                        facts.label(int(done)) if math.isfinite(done) else facts.label(other.finish)
                    )
                    out.append(
                        (
                            provider,
                            f"it must wait for {provider} ({kind}), which cannot "
                            f"finish before {when}",
                        )
                    )
            if kind == "together" and c.system in (consumer, provider):
                partner = provider if consumer == c.system else consumer
                theirs = self.relaxed_candidates.of(partner)
                if theirs and min(t.start for t in theirs) >= c.start:
                    out.append(
                        (
                            partner,
                            f"it moves together with {partner}, which cannot start "
                            f"before {facts.label(min(t.start for t in theirs))} "
                            f"({facts.window(partner)})",
                        )
                    )
        mine = self.relaxed_candidates.of(c.system)
        if mine and c.start == min(m.start for m in mine if m.option == c.option):
            if (
                system.earliest_start is not None
                and c.start == facts.system(c.system).earliest_start
            ):
                out.append(("", f"it cannot start before {system.earliest_start}"))
            for platform_id in c.platforms:
                if c.start == facts.estate.platform(platform_id).setup_duration:
                    out.append(
                        (
                            "",
                            f"platform {platform_id} cannot be ready before {facts.label(c.start)}",
                        )
                    )
        if not out:
            full = self._full_before(c)
            if full:
                out.append(("", full))
        return out

    def _full_before(self, c: Candidate) -> str:
        """Resources the candidate uses that are full in the periods before it starts."""
        use = self._use
        phrases = []
        for resource, amount in c.use:
            if resource not in self.inventory.resources or amount <= 0:
                continue
            full = [
                t
                for t in range(0, c.start)
                if use[resource][t] + amount > self.facts.capacity(resource, t) + EPS
            ]
            if full:
                phrases.append(f"{resource} is fully used in {self.facts.span(full)}")
        return "; ".join(phrases)

    @cached_property
    def _use(self) -> dict[str, list[float]]:
        """Resource use per period in the relaxed plan."""
        horizon = self.facts.estate.horizon
        use = {r: [0.0] * horizon for r in self.inventory.resources}
        model = self.elastic.model
        builds = [b for b in model.candidates.builds if self.value(model.build_col[b.index]) > 0.5]
        placed: list[Candidate | Build] = [*self.chosen.values(), *builds]
        for item in placed:
            for resource, amount in item.use:
                if resource in use:
                    for t in range(item.start, item.finish + 1):
                        use[resource][t] += amount
        return use

    @staticmethod
    def _others(holdups: list[tuple[str, str]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for s, _ in holdups if s))

    @staticmethod
    def _because(holdups: list[tuple[str, str]]) -> str:
        if not holdups:
            return "no earlier slot fits with the other rules"
        return "; ".join(p for _, p in holdups)

    # capacities and totals

    def _capacity(self, slacks: list[Slack]) -> list[Relaxation]:
        facts = self.facts
        by_resource: dict[str, dict[int, float]] = defaultdict(dict)
        for s in slacks:
            resource = s.key[0]
            assert s.period is not None
            by_resource[resource][s.period] = self.value(s.col)
        out = []
        for resource in sorted(by_resource):
            extra = by_resource[resource]
            for run in runs_of(extra):
                caps = [facts.capacity(resource, t) for t in run]
                needs = [caps[i] + extra[t] for i, t in enumerate(run)]
                users = sorted(
                    (
                        c
                        for c in self.chosen.values()
                        if dict(c.use).get(resource, 0) > 0
                        and c.start <= run[-1]
                        and c.finish >= run[0]
                    ),
                    key=lambda c: (-dict(c.use)[resource], c.system),
                )
                if len(set(caps)) == 1 and max(needs) - min(needs) < EPS:
                    change = (
                        f"raise {resource} from {facts.qty(resource, caps[0])} to "
                        f"{facts.qty(resource, needs[0])} in {facts.span(run)} "
                        f"(+{facts.qty(resource, max(extra[t] for t in run))} a period)"
                    )
                else:
                    levels: list[tuple[float, list[int]]] = []
                    for t, need in zip(run, needs, strict=True):
                        if levels and abs(levels[-1][0] - need) < EPS:
                            levels[-1][1].append(t)
                        else:
                            levels.append((need, [t]))
                    steps = names(
                        f"{facts.qty(resource, n)} in {facts.span(ts)}" for n, ts in levels
                    )
                    change = (
                        f"raise {resource} to {steps} (up to "
                        f"+{facts.qty(resource, max(extra[t] for t in run))} a period)"
                    )
                who = [
                    f"{c.system} needs {facts.qty(resource, dict(c.use)[resource])} "
                    f"({self._mandate_or_link(c.system)})"
                    for c in users[:4]
                ]
                mandated = [c.system for c in users if c.system in self.elastic.missed]
                alternative = self.mandate_fixes(mandated)
                out.append(
                    Relaxation(
                        "resource_capacity",
                        tuple(c.system for c in users),
                        tuple(facts.label(t) for t in run),
                        resource,
                        max(extra[t] for t in run),
                        f"{change}: {'; '.join(who) or 'platform set-up needs it'}{alternative}.",
                    )
                )
        return out

    def mandate_fixes(self, system_ids: list[str]) -> str:
        """`; or move the deadlines of a (2027-Q4) and b (2028-Q2)`, locks likewise."""
        systems = [self.inventory.system(s) for s in system_ids]
        locks = [s.id for s in systems if s.locked is not None]
        free = [s for s in systems if s.locked is None]
        support = [s.id for s in free if self.facts.system(s.id).deadline_from_support]
        deadlines = [
            f"{s.id} ({s.must_modernise_by})"
            for s in free
            if not self.facts.system(s.id).deadline_from_support
        ]
        out = ""
        if deadlines:
            out += f"; or move the {form(len(deadlines), 'deadline')} of {names(deadlines)}"
        if support:
            out += (
                f"; or let {names(support)} run unsupported for a while (risk.unsupported.forbid)"
            )
        if locks:
            out += f"; or reopen the locked {form(len(locks), 'decision')} on {names(locks)}"
        return out

    def _mandate_or_link(self, system_id: str) -> str:
        if system_id in self.facts.mandatory:
            return self.facts.mandate(system_id)
        return "is needed by the work that must be done"

    def _totals(self, slacks: list[Slack]) -> list[Relaxation]:
        out = []
        for s in slacks:
            (resource,) = s.key
            extra = self.value(s.col)
            total = self.inventory.resources[resource].total or 0.0
            users = sorted(
                c.system for c in self.chosen.values() if dict(c.use).get(resource, 0) > 0
            )
            out.append(
                Relaxation(
                    "resource_total",
                    tuple(users),
                    (),
                    resource,
                    extra,
                    f"raise the total for {resource} from {self.facts.qty(resource, total)} to "
                    f"{self.facts.qty(resource, total + extra)} "
                    f"(+{self.facts.qty(resource, extra)}) over the horizon: the work that must "
                    f"be done ({names(users[:6])}{' and others' if len(users) > 6 else ''}) "
                    "needs that much.",
                )
            )
        return out

    # links: dependencies, move groups, safe retirement, platforms

    def _link(self, s: Slack) -> Relaxation:
        facts, chosen = self.facts, self.chosen
        a, b = s.key
        rule = s.rule
        ca, cb = chosen.get(a), chosen.get(b)
        periods: tuple[str, ...] = ()
        if rule in ("after", "requires"):
            who = f"{a} {self._mandate_or_link(a)}"
            if cb is None or cb.retires:
                detail = f"{who}, and would go ahead without {b} being modernised first"
            else:
                done = facts.earliest_finish.get(b, math.inf)
                when = facts.label(int(done)) if math.isfinite(done) else facts.label(cb.finish)
                detail = (
                    f"{who}, and {b}, which {self._mandate_or_link(b)}, cannot finish before {when}"
                )
                periods = (facts.label(ca.start), when) if ca else (when,)
            message = f"waive the dependency of {a} on {b} ({rule}): {detail}"
        elif rule == "together":
            starts = ", ".join(
                f"{x} in {facts.label(c.start)}" for x, c in ((a, ca), (b, cb)) if c is not None
            )
            message = (
                f"let {a} and {b} start in different periods (waive the move group): {a} can "
                f"start only in {facts.span(facts.starts(a)) or 'no period'} ({facts.window(a)}) "
                f"and {b} only in {facts.span(facts.starts(b)) or 'no period'} "
                f"({facts.window(b)}); the relaxed plan starts {starts}"
            )
            periods = tuple(facts.label(c.start) for c in (ca, cb) if c is not None)
        elif rule == "safe_retirement":
            message = (
                f"let {a} be retired before {b}, which depends on it, has finished a change of "
                f"its own (waive safe retirement): {a} {self._mandate_or_link(a)}"
            )
        else:  # platform_ready: key is (system, platform)
            message = (
                f"let {a} start before platform {b} is ready: {a} {self._mandate_or_link(a)}, and "
                f"{b} takes {plural(facts.estate.platform(b).setup_duration, 'period')} to set up"
            )
        return Relaxation(
            rule, (a, b) if rule != "platform_ready" else (a,), periods, None, 1.0, message + "."
        )

    # risk limits

    def _risk(self, by_rule: dict[str, list[Slack]]) -> list[Relaxation]:
        facts, risk = self.facts, self.inventory.risk
        out = []
        high = {
            s.period: self.value(s.col)
            for s in by_rule.get("high_risk_in_flight", [])
            if s.period is not None
        }
        limit = risk.max_concurrent_high_risk or 0
        for run in runs_of(high):
            extra = round(max(high[t] for t in run))
            risky = sorted(
                c.system
                for c in self.chosen.values()
                if c.delivery_risk >= risk.high_risk_threshold
                and c.start <= run[-1]
                and c.finish >= run[0]
            )
            out.append(
                Relaxation(
                    "high_risk_in_flight",
                    tuple(risky),
                    tuple(facts.label(t) for t in run),
                    None,
                    float(extra),
                    f"allow {limit + extra} high-risk projects in flight at once instead of {limit} "
                    f"in {facts.span(run)} (max_concurrent_high_risk), or move one of them: "
                    + names(f"{s} {self._mandate_or_link(s)}" for s in risky)
                    + f", and {'both' if len(risky) == 2 else 'all'} are high-risk.",
                )
            )
        dept: dict[str, dict[int, float]] = defaultdict(dict)
        for s in by_rule.get("department_in_flight", []):
            assert s.period is not None
            dept[s.key[0]][s.period] = self.value(s.col)
        limit = risk.max_concurrent_per_department or 0
        for name in sorted(dept):
            for run in runs_of(dept[name]):
                extra = round(max(dept[name][t] for t in run))
                systems = sorted(
                    c.system
                    for c in self.chosen.values()
                    if c.department == name and c.start <= run[-1] and c.finish >= run[0]
                )
                out.append(
                    Relaxation(
                        "department_in_flight",
                        tuple(systems),
                        tuple(facts.label(t) for t in run),
                        None,
                        float(extra),
                        f"allow {name} {limit + extra} concurrent changes instead of {limit} in "
                        f"{facts.span(run)} (max_concurrent_per_department): {names(systems)} "
                        "have to run then.",
                    )
                )
        for s in by_rule.get("total_delivery_risk", []):
            points = self.value(s.col)
            cap = risk.max_total_delivery_risk or 0.0
            systems = sorted(self.chosen)
            out.append(
                Relaxation(
                    "total_delivery_risk",
                    tuple(systems),
                    (),
                    None,
                    points,
                    f"raise max_total_delivery_risk from {number(cap)} to {number(cap + points)}: "
                    f"the work that must be done ({names(systems[:6])}"
                    f"{' and others' if len(systems) > 6 else ''}) carries that much delivery risk.",
                )
            )
        return out

"""Why no roadmap exists, and the smallest change that would make one possible.

Two passes, both speaking the language of the model's named constraint families:

1. **Pre-checks** (`precheck`) find the common causes directly, without a solver: a
   deadline or locked system whose every option needs more of a resource per period than
   there is; work fixed in time (locks, one-start windows) that together overloads a resource
   or a risk limit; a deadline or lock that cannot wait for a predecessor; a move group whose
   members share no start period; a locked option whose platform cannot be ready; a system
   that must be retired while something that uses it cannot move off first.
2. **An elastic copy of the model** (`relax`): deadlines and locks are dropped from the
   candidate windows and priced instead (finishing late, moving a locked start, or — at a
   high price — not doing the system at all), and every family that can conflict gets a
   non-negative slack variable: `resource_capacity`, `resource_total`, `after`, `requires`,
   `together`, `safe_retirement`, `platform_ready`, `high_risk_in_flight`,
   `total_delivery_risk`, `department_in_flight`. Minimising the weighted slack finds the
   smallest set of changes that restores feasibility, reported in words.

The weights put every relaxation on one scale of "how much would we have to ask for":

- resource capacity: 1 per period per 100 % of that period's capacity (raising engineers
  from 4 to 10 for two periods costs 2 × 6/4 = 3); a resource total: 1 per 100 % of it;
- risk limits: 1 per period per 100 % of the limit (a limit of 0 counts as 1);
- a deadline moved: 1 per period late; a deadline dropped: 10;
- a locked start moved: 3 per period (the work is already in flight), 3 more for another
  option; a lock released: 20;
- a dependency, move group, safe-retirement or platform link waived: 5.

Optional work carries a tiny cost, so the relaxed plan holds only what has to be there and
the messages name the systems that actually need the relaxed capacity.
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pulp

from prioritiser.economics import Economics
from prioritiser.inventory import CAPEX, Inventory, System
from prioritiser.model.candidates import Candidate, CandidateSet, enumerate_candidates
from prioritiser.model.formulation import Formulation, formulate
from prioritiser.model.reasons import money

W_CAPACITY = 1.0
W_TOTAL = 1.0
W_RISK = 1.0
W_LATE = 1.0
W_LOCK_MOVE = 3.0
W_LINK = 5.0
W_DROP_DEADLINE = 10.0
W_DROP_LOCK = 20.0
W_OPTIONAL = 1e-3
EPS = 1e-6

ORDERED = ("after", "requires")


@dataclass(frozen=True)
class Relaxation:
    """One rule that cannot hold as stated, and how far it would have to give.

    `rule` is a constraint family of the model (`resource_capacity`, `after`, ...) or
    `deadline` / `lock`; `amount` is in the rule's own unit: the resource's unit for
    capacities and totals, periods for a moved deadline or lock, projects for risk limits,
    and 1 for a link or mandate dropped altogether.
    """

    rule: str
    systems: tuple[str, ...]
    periods: tuple[str, ...]
    resource: str | None
    amount: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["systems"] = list(self.systems)
        data["periods"] = list(self.periods)
        data["amount"] = round(self.amount, 6)
        return data


@dataclass(frozen=True)
class Diagnosis:
    """Direct causes (pre-checks) and the smallest set of relaxations (elastic model)."""

    causes: tuple[Relaxation, ...]
    relaxations: tuple[Relaxation, ...]
    status: str  # "optimal" | "time_limit" (smallest found in time) | "not_found"
    penalty: float | None = None

    @property
    def rules(self) -> set[str]:
        return {r.rule for r in (*self.causes, *self.relaxations)}

    @property
    def systems(self) -> set[str]:
        return {s for r in (*self.causes, *self.relaxations) for s in r.systems}

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "infeasible",
            "search": self.status,
            "penalty": None if self.penalty is None else round(self.penalty, 6),
            "causes": [c.to_dict() for c in self.causes],
            "relaxations": [r.to_dict() for r in self.relaxations],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def render(self) -> str:
        """Plain text, one finding a line: the causes, then the smallest fix."""
        lines = [f"why: {c.message}" for c in self.causes]
        lines += [f"smallest fix: {r.message}" for r in self.relaxations]
        return "\n".join(lines)


def diagnose(
    inventory: Inventory, solver: str = "highs", time_limit: float | None = 60.0
) -> Diagnosis:
    """Explain why `inventory` has no feasible roadmap and what would restore one."""
    facts = Facts(inventory)
    causes = tuple(_unique(precheck(facts)))
    relaxations, status, penalty = relax(facts, solver, time_limit)
    return Diagnosis(causes, tuple(relaxations), status, penalty)


# --- shared wording --------------------------------------------------------------------


def runs_of(periods: Iterable[int]) -> list[list[int]]:
    """Consecutive runs of period indices: [[1, 2, 3], [6]]."""
    out: list[list[int]] = []
    for p in sorted(set(periods)):
        if out and p == out[-1][-1] + 1:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def spans(inventory: Inventory, periods: Iterable[int]) -> str:
    """`2027-Q2–2027-Q3, 2028-Q1` for a set of period indices."""
    return ", ".join(inventory.axis.span_label(r[0], r[-1]) for r in runs_of(periods))


def number(value: float) -> str:
    """10 / 2.5 / 0.33 — no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def quantity(inventory: Inventory, resource: str, amount: float) -> str:
    """An amount of a resource in its unit: `£1.5m`, `10 FTE`."""
    spec = inventory.resources.get(resource)
    unit = spec.unit if spec is not None else ""
    currency = inventory.portfolio.currency
    if unit.upper() in {"GBP", "EUR", "USD", currency.upper()} or (not unit and resource == CAPEX):
        return money(amount, currency)
    return f"{number(amount)} {unit}".strip()


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def names(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --- facts about the estate --------------------------------------------------------------


class Facts:
    """The inventory's candidates and what follows from them, shared by both passes."""

    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        self.axis = inventory.axis
        self.economics = Economics(inventory)
        self.candidates: CandidateSet = enumerate_candidates(inventory, self.economics)

    def label(self, period: int) -> str:
        return self.axis.label(period)

    def span(self, periods: Iterable[int]) -> str:
        return spans(self.inventory, periods)

    def qty(self, resource: str, amount: float) -> str:
        return quantity(self.inventory, resource, amount)

    @cached_property
    def edges(self) -> list[tuple[str, str, str]]:
        """(consumer, provider, constraint) for every constraining dependency, sorted."""
        return sorted(
            (s.id, d.system, d.constraint)
            for s in self.inventory.systems
            for d in s.depends_on
            if d.constraint != "none" and self.inventory.has_system(d.system)
        )

    def direct(self, system: System) -> bool:
        """Must be modernised because of its own deadline or lock."""
        return system.must_modernise_by is not None or system.locked is not None

    @cached_property
    def mandatory(self) -> set[str]:
        """Systems that must be modernised: deadlines, locks, and what they pull in."""
        out = {s.id for s in self.inventory.systems if self.direct(s)}
        changed = True
        while changed:
            changed = False
            for consumer, provider, kind in self.edges:
                pulled: set[str] = set()
                if kind == "together":
                    pulled = {consumer, provider} if out & {consumer, provider} else set()
                elif kind == "requires" and consumer in out and self.only_changes(consumer):
                    pulled = {provider}
                if pulled - out:
                    out |= pulled
                    changed = True
        return out

    def only_changes(self, system_id: str) -> bool:
        """Every candidate of the system is a non-retire option (and there is one)."""
        mine = self.candidates.of(system_id)
        return bool(mine) and not any(c.retires for c in mine)

    def mandate(self, system_id: str) -> str:
        """Why a system has to be done: `must finish by 2027-Q3`, `is locked to ...`."""
        system = self.inventory.system(system_id)
        parts = []
        if system.locked is not None:
            parts.append(f"is locked to {system.locked.option} from {system.locked.start}")
        if system.must_modernise_by is not None:
            parts.append(f"must finish by {system.must_modernise_by}")
        if parts:
            return " and ".join(parts)
        for consumer, provider, kind in self.edges:
            if kind == "together" and system_id in (consumer, provider):
                other = provider if consumer == system_id else consumer
                if other in self.mandatory and self.direct(self.inventory.system(other)):
                    return f"moves together with {other}, which {self.mandate(other)}"
            if kind == "requires" and provider == system_id and consumer in self.mandatory:
                return f"is required by {consumer}, which {self.mandate(consumer)}"
        return "must be modernised"

    def window(self, system_id: str) -> str:
        """What limits a system's start periods, in words."""
        system = self.inventory.system(system_id)
        mine = self.candidates.of(system_id)
        reasons = []
        if system.locked is not None:
            reasons.append("locked")
        if system.must_modernise_by is not None:
            reasons.append(f"deadline {system.must_modernise_by}")
        if system.earliest_start is not None:
            reasons.append(f"earliest start {system.earliest_start}")
        platforms = sorted({p for c in mine for p in c.platforms})
        for platform_id in platforms:
            ready = self.inventory.platform(platform_id).setup_duration
            reasons.append(f"platform {platform_id} ready from {self.label(ready)} at the earliest")
        return "; ".join(reasons) if reasons else "the planning horizon"

    def starts(self, system_id: str) -> set[int]:
        return {c.start for c in self.candidates.of(system_id)}

    def capacity(self, resource: str, period: int) -> float:
        return self.inventory.capacity(resource, period)

    def shortfalls(self, c: Candidate) -> list[tuple[str, int, float, float]]:
        """(resource, period, need, capacity) where the candidate alone exceeds capacity."""
        out = []
        for resource, amount in c.use:
            if resource not in self.inventory.resources:
                continue
            for period in range(c.start, c.finish + 1):
                cap = self.capacity(resource, period)
                if amount > cap * (1 + EPS) + EPS:
                    out.append((resource, period, amount, cap))
        return out

    @cached_property
    def earliest_finish(self) -> dict[str, float]:
        """Earliest finish of each system's non-retire options, waiting for what it must."""
        memo: dict[str, float] = {}

        def finish(system_id: str, seen: frozenset[str]) -> float:
            if system_id in memo:
                return memo[system_id]
            if system_id in seen:  # cycles are rejected by validation; be safe anyway
                return math.inf
            waits = [finish(p, seen | {system_id}) for p in self.must_wait_for(system_id)]
            bar = max(waits, default=-1)
            ends = [
                c.finish for c in self.candidates.of(system_id) if not c.retires and c.start > bar
            ]
            memo[system_id] = min(ends, default=math.inf)
            return memo[system_id]

        for system in self.inventory.systems:
            finish(system.id, frozenset())
        return memo

    def must_wait_for(self, system_id: str) -> list[str]:
        """Providers a non-retire change of `system_id` must wait for, whatever else happens."""
        out = []
        for consumer, provider, kind in self.edges:
            if consumer != system_id or kind not in ORDERED:
                continue
            if kind == "requires" or (provider in self.mandatory and self.only_changes(provider)):
                out.append(provider)
        return sorted(set(out))


# --- pass 1: pre-checks ------------------------------------------------------------------


def precheck(facts: Facts) -> Iterator[Relaxation]:
    """Common causes of infeasibility, found directly from the candidates."""
    yield from check_no_window(facts)
    yield from check_resource_fit(facts)
    yield from check_fixed_work(facts)
    yield from check_waiting(facts)
    yield from check_together(facts)
    yield from check_lock_platform(facts)
    yield from check_retirement(facts)


def _alternative(system: System) -> str:
    if system.locked is not None and system.must_modernise_by is not None:
        return "change the lock or move the deadline"
    return "change the lock" if system.locked is not None else "move the deadline"


def check_no_window(facts: Facts) -> Iterator[Relaxation]:
    """A deadline system none of whose options fits before the deadline."""
    inventory = facts.inventory
    for system in inventory.systems:
        deadline = inventory.deadline_index(system)
        if deadline is None or system.locked is not None or not system.options:
            continue
        if facts.candidates.of(system.id):
            continue
        earliest = inventory.earliest_start_index(system)
        best, details = math.inf, []
        for option in system.options:
            start = earliest
            for platform_id in option.requires_platforms:
                start = max(start, inventory.platform(platform_id).setup_duration)
            finish = start + option.duration - 1
            best = min(best, finish)
            why = f"{option.id} takes {plural(option.duration, 'period')}"
            if option.requires_platforms:
                why += f" and needs {names(option.requires_platforms)}, ready from {facts.label(start)}"
            details.append(f"{why}, so it finishes {facts.label(finish)} at the earliest")
        late = int(best - deadline) if math.isfinite(best) else 0
        yield Relaxation(
            "deadline",
            (system.id,),
            (system.must_modernise_by or "",),
            None,
            float(late),
            f"{system.id} must finish by {system.must_modernise_by}, but no option fits: "
            f"{'; '.join(details)}. Move the deadline to {facts.label(int(best))}"
            " or add a quicker option.",
        )


def check_resource_fit(facts: Facts) -> Iterator[Relaxation]:
    """A deadline or locked system whose every option alone needs more than there is."""
    inventory = facts.inventory
    for system in inventory.systems:
        mine = facts.candidates.of(system.id)
        if not facts.direct(system) or not mine:
            continue
        short = {c.index: facts.shortfalls(c) for c in mine}
        if not all(short.values()):
            continue

        closest = min(mine, key=lambda c, short=short: _severity(c, short[c.index]))
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
            f"{facts.qty(resource, need)} in {facts.span(periods)}, or {_alternative(system)}.",
        )


def _severity(c: Candidate, gaps: list[tuple[str, int, float, float]]) -> tuple[float, int]:
    """How far a candidate is from fitting (worst relative shortfall); later starts first."""
    worst = max((need - cap) / max(cap, EPS) for _, _, need, cap in gaps)
    return (worst, -c.start)


def _fixed(facts: Facts) -> dict[str, Candidate]:
    """Mandatory work with exactly one possible candidate (locks, one-slot windows)."""
    out = {}
    for system in facts.inventory.systems:
        mine = facts.candidates.of(system.id)
        if facts.direct(system) and len(mine) == 1:
            out[system.id] = mine[0]
    return out


def _fixed_phrase(facts: Facts, c: Candidate) -> str:
    how = "locked" if facts.inventory.system(c.system).locked is not None else "fixed by its window"
    return f"{c.system} ({how}, {facts.axis.span_label(c.start, c.finish)})"


def check_fixed_work(facts: Facts) -> Iterator[Relaxation]:
    """Work fixed in time that overloads a resource or a risk limit together."""
    inventory = facts.inventory
    fixed = _fixed(facts)
    if len(fixed) < 2:
        return
    by_period: dict[int, list[Candidate]] = defaultdict(list)
    for c in fixed.values():
        for period in range(c.start, c.finish + 1):
            by_period[period].append(c)
    # Resources: several fixed items, each fitting alone, overload a period together.
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
    risk = inventory.risk
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
                f"{limit} high-risk {'project' if limit == 1 else 'projects'} may be in flight "
                f"at once: allow {len(systems)} (max_concurrent_high_risk) or move one of them.",
            )
    if risk.max_concurrent_per_department is not None:
        limit = risk.max_concurrent_per_department
        over_dept: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
        for period, items in sorted(by_period.items()):
            per_dept: dict[str, list[str]] = defaultdict(list)
            for c in items:
                per_dept[c.department].append(c.system)
            for dept, systems in per_dept.items():
                if len(systems) > limit:
                    over_dept[(dept, tuple(sorted(systems)))].append(period)
        for (dept, systems), periods in sorted(over_dept.items()):
            yield Relaxation(
                "department_in_flight",
                systems,
                tuple(facts.label(p) for p in periods),
                None,
                float(len(systems) - limit),
                f"{names(systems)} ({dept}) are fixed to run at the same time in "
                f"{facts.span(periods)}, but {dept} can take at most {limit} concurrent "
                f"{'change' if limit == 1 else 'changes'}: allow {len(systems)} "
                "(max_concurrent_per_department) or move one of them.",
            )
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
    kinds = {(a, b): k for a, b, k in facts.edges if k in ORDERED}
    for system in inventory.systems:
        if not facts.direct(system) or not facts.only_changes(system.id):
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
            amount = float(ready - inventory.lock_start_index(system))  # type: ignore[operator]
        else:
            rule = "deadline"
            head = f"{system.id} must finish by {system.must_modernise_by}"
            fix = (
                f"its quickest option would then finish in {facts.label(quickest)}: move the "
                "deadline there, or waive the dependency"
            )
            amount = float(quickest - (inventory.deadline_index(system) or 0))
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
        start = inventory.lock_start_index(system) or 0
        for platform_id in option.requires_platforms:
            ready = inventory.platform(platform_id).setup_duration
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
        if not facts.direct(system) or not mine or not all(c.retires for c in mine):
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
                f"waive the dependency, or {_alternative(system)}.",
            )


def _unique(items: Iterable[Relaxation]) -> Iterator[Relaxation]:
    seen = set()
    for item in items:
        key = (item.rule, item.systems, item.periods)
        if key not in seen:
            seen.add(key)
            yield item


# --- pass 2: the elastic model ------------------------------------------------------------


@dataclass
class _Slack:
    var: pulp.LpVariable
    rule: str
    key: tuple[str, ...]


@dataclass
class Elastic:
    """The relaxed formulation with its slack variables and priced mandates."""

    facts: Facts
    model: Formulation
    slacks: list[_Slack] = field(default_factory=list)
    missed: dict[str, pulp.LpVariable] = field(default_factory=dict)
    pairs: dict[tuple[str, str, str], pulp.LpVariable] = field(default_factory=dict)
    terms: list[tuple[pulp.LpVariable, float]] = field(default_factory=list)
    tiny: list[tuple[pulp.LpVariable, float]] = field(default_factory=list)  # tie-breaks only

    def slack(self, rule: str, key: tuple[str, ...], weight: float, upper: float | None = None):
        name = f"slack_{rule}[{','.join(key)}]"
        var = self.model.problem.add_variable(name, 0, upper)
        self.slacks.append(_Slack(var, rule, key))
        self.terms.append((var, weight))
        return var

    def pair(self, rule: str, a: str, b: str) -> pulp.LpVariable:
        """One slack per linked pair, shared by all the rows of that link."""
        key = (rule, a, b)
        if key not in self.pairs:
            self.pairs[key] = self.slack(rule, (a, b), W_LINK, 1.0)
        return self.pairs[key]


def without_mandates(inventory: Inventory) -> Inventory:
    """The inventory with deadlines and locks removed from the windows (priced instead)."""
    systems = tuple(
        s.model_copy(update={"must_modernise_by": None, "locked": None}) for s in inventory.systems
    )
    return dataclasses.replace(inventory, systems=systems)


def build_elastic(facts: Facts) -> Elastic:
    """The elastic copy of the model: soft mandates and slack on every family that can conflict."""
    inventory = facts.inventory
    relaxed = without_mandates(inventory)
    model = formulate(relaxed, Economics(relaxed))
    elastic = Elastic(facts, model)
    _price_mandates(elastic)
    _relax_resources(elastic)
    _relax_links(elastic)
    _relax_risk(elastic)
    for b in model.candidates.builds:
        elastic.tiny.append((model.build[b.index], W_OPTIONAL))
    model.problem.sense = pulp.LpMinimize
    objective: dict[str, tuple[pulp.LpVariable, float]] = {}
    for var, weight in [*elastic.terms, *elastic.tiny]:
        previous = objective.get(var.name, (var, 0.0))[1]
        objective[var.name] = (var, previous + weight)  # a variable may carry several costs
    model.problem.setObjective(pulp.LpAffineExpression(list(objective.values())))
    return elastic


def _price_mandates(elastic: Elastic) -> None:
    inventory, model = elastic.facts.inventory, elastic.model
    for system in inventory.systems:
        mine = model.candidates.of(system.id)
        deadline = inventory.deadline_index(system)
        lock = inventory.lock_start_index(system)
        if deadline is None and lock is None:
            elastic.tiny += [(model.start[c.index], W_OPTIONAL) for c in mine]
            continue
        weight = (W_DROP_DEADLINE if deadline is not None else 0.0) + (
            W_DROP_LOCK if lock is not None else 0.0
        )
        miss = model.problem.add_variable(f"slack_missed[{system.id}]", 0, 1)
        elastic.missed[system.id] = miss
        elastic.terms.append((miss, weight))
        row = model.families["one_option"].get((system.id,))
        if row is None:
            model.add("missed", (system.id,), pulp.LpAffineExpression([(miss, 1.0)]) == 1)
            continue
        row.sense = pulp.LpConstraintEQ
        _give(model, "one_option", (system.id,), row, miss, +1)
        last = inventory.axis.count
        for c in mine:
            # Tie-break: of equally small relaxations, do mandatory work as late as it may.
            elastic.tiny.append((model.start[c.index], W_OPTIONAL * (1 + (last - c.start) / last)))
            cost = 0.0
            if deadline is not None and c.finish > deadline:
                cost += W_LATE * (c.finish - deadline)
            if lock is not None and system.locked is not None:
                cost += W_LOCK_MOVE * abs(c.start - lock)
                if c.option != system.locked.option:
                    cost += W_LOCK_MOVE
            if cost:
                elastic.terms.append((model.start[c.index], cost))


def _give(
    model: Formulation,
    family: str,
    key: tuple[str, ...],
    row: pulp.LpConstraint,
    var: pulp.LpVariable,
    sign: int = -1,
) -> None:
    """Let `row` give by `var`, measured in the rule's own units.

    The formulation may scale a row (capacity rows are divided by their capacity and the
    factor kept in `row_scale`); the slack is scaled alike, so its value reads in units.
    """
    scale = (getattr(model, "row_scale", None) or {}).get(f"{family}[{','.join(key)}]", 1.0)
    row.addInPlace(pulp.LpAffineExpression([(var, scale)]), sign)


def _reference_use(model: Formulation, resource: str) -> float:
    uses = [dict(c.use).get(resource, 0.0) for c in model.candidates.candidates]
    uses += [dict(b.use).get(resource, 0.0) for b in model.candidates.builds]
    return max([u for u in uses if u > 0], default=1.0)


def _relax_resources(elastic: Elastic) -> None:
    inventory, model = elastic.facts.inventory, elastic.model
    for (resource, label), row in list(model.families["resource_capacity"].items()):
        cap = inventory.capacity(resource, inventory.axis.index(label))
        ref = cap if cap > 0 else _reference_use(model, resource)
        var = elastic.slack("resource_capacity", (resource, label), W_CAPACITY / ref)
        _give(model, "resource_capacity", (resource, label), row, var)
    for (resource,), row in list(model.families["resource_total"].items()):
        total = inventory.resources[resource].total or 0.0
        ref = total if total > 0 else _reference_use(model, resource)
        var = elastic.slack("resource_total", (resource,), W_TOTAL / ref)
        _give(model, "resource_total", (resource,), row, var)


def _relax_links(elastic: Elastic) -> None:
    model, facts = elastic.model, elastic.facts
    kinds = {(a, b): k for a, b, k in facts.edges if k in ORDERED}
    for key, row in model.families["after"].items():
        consumer, provider = key[0], key[1]
        kind = kinds.get((consumer, provider), "after")
        _give(model, "after", key, row, elastic.pair(kind, consumer, provider))
    for key, row in model.families["requires"].items():
        _give(model, "requires", key, row, elastic.pair("requires", key[0], key[1]))
    for key, row in list(model.families["together"].items()):
        var = elastic.pair("together", key[0], key[1])
        lower = row.copy()
        lower.sense = pulp.LpConstraintGE
        _give(model, "together", key, lower, var, +1)
        row.sense = pulp.LpConstraintLE
        _give(model, "together", key, row, var)
        model.add("together_low", key, lower)
    for key, row in model.families["safe_retirement"].items():
        _give(model, "safe_retirement", key, row, elastic.pair("safe_retirement", key[0], key[1]))
    for key, row in model.families["platform_ready"].items():
        platform, system = key[0], key[1]
        _give(model, "platform_ready", key, row, elastic.pair("platform_ready", system, platform))


def _relax_risk(elastic: Elastic) -> None:
    model, risk = elastic.model, elastic.facts.inventory.risk
    for (label,), row in model.families["high_risk_in_flight"].items():
        limit = max(risk.max_concurrent_high_risk or 0, 1)
        var = elastic.slack("high_risk_in_flight", (label,), W_RISK / limit)
        _give(model, "high_risk_in_flight", (label,), row, var)
    for key, row in model.families["total_delivery_risk"].items():
        limit = max(risk.max_total_delivery_risk or 0.0, 1.0)
        var = elastic.slack("total_delivery_risk", key, W_RISK / limit)
        _give(model, "total_delivery_risk", key, row, var)
    for (dept, label), row in model.families["department_in_flight"].items():
        limit = max(risk.max_concurrent_per_department or 0, 1)
        var = elastic.slack("department_in_flight", (dept, label), W_RISK / limit)
        _give(model, "department_in_flight", (dept, label), row, var)


def solve_elastic(elastic: Elastic, solver: str, time_limit: float | None) -> str:
    """Minimise the weighted slack; returns "optimal", "time_limit" or "not_found"."""
    problem = elastic.model.problem
    if solver == "cbc":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            cmd = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=0.0)
        problem.solve(cmd)
        if problem.sol_status == pulp.LpSolutionOptimal:
            return "optimal"
        if problem.sol_status == pulp.LpSolutionIntegerFeasible:
            return "time_limit"
        return "not_found"
    import highspy

    from prioritiser.model.solve import _silence_highs_banner

    _silence_highs_banner()
    problem.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=0.0))
    highs = problem.solverModel
    if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if highs.getInfo().primal_solution_status == 2:
        return "time_limit"
    return "not_found"


def relax(
    facts: Facts, solver: str = "highs", time_limit: float | None = 60.0
) -> tuple[list[Relaxation], str, float | None]:
    """Solve the elastic model and describe each relaxation it needs."""
    elastic = build_elastic(facts)
    status = solve_elastic(elastic, solver, time_limit)
    if status == "not_found":
        return [], status, None
    reader = _Reader(elastic)
    penalty = sum((v.varValue or 0.0) * w for v, w in elastic.terms)
    return reader.relaxations(), status, penalty


# --- reading the relaxed solution back in words ----------------------------------------------


class _Reader:
    def __init__(self, elastic: Elastic):
        self.elastic = elastic
        self.facts = elastic.facts
        self.inventory = elastic.facts.inventory
        model = elastic.model
        self.chosen: dict[str, Candidate] = {
            c.system: c
            for c in model.candidates.candidates
            if (model.start[c.index].varValue or 0.0) > 0.5
        }
        self.relaxed_candidates = model.candidates

    def value(self, var: pulp.LpVariable) -> float:
        return var.varValue or 0.0

    def relaxations(self) -> list[Relaxation]:
        out = list(self._mandates())
        by_rule: dict[str, list[_Slack]] = defaultdict(list)
        for slack in self.elastic.slacks:
            if self.value(slack.var) > EPS:
                by_rule[slack.rule].append(slack)
        out += self._capacity(by_rule.get("resource_capacity", []))
        out += self._totals(by_rule.get("resource_total", []))
        for rule in ("after", "requires", "together", "safe_retirement", "platform_ready"):
            out += [self._link(s) for s in by_rule.get(rule, [])]
        out += self._risk(by_rule)
        return out

    # mandates: deadlines and locks that move or go

    def _mandates(self) -> Iterator[Relaxation]:
        inventory, facts = self.inventory, self.facts
        for system_id, miss in sorted(self.elastic.missed.items()):
            system = inventory.system(system_id)
            deadline = inventory.deadline_index(system)
            lock = inventory.lock_start_index(system)
            if self.value(miss) > 0.5:
                yield self._dropped(system)
                continue
            c = self.chosen.get(system_id)
            if c is None:
                continue
            holdups = self.holdups(c)
            if deadline is not None and c.finish > deadline:
                late = c.finish - deadline
                yield Relaxation(
                    "deadline",
                    (system_id, *self._others(holdups)),
                    (system.must_modernise_by or "", facts.label(c.finish)),
                    None,
                    float(late),
                    f"move the deadline of {system_id} from {system.must_modernise_by} to "
                    f"{facts.label(c.finish)} ({plural(late, 'period')} later; {c.option} from "
                    f"{facts.label(c.start)}): {self._because(holdups)}.",
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
        if system.locked is not None:
            what = f"release the lock on {system.id} ({system.locked.option} from {system.locked.start})"
            rule = "lock"
        else:
            what = f"drop the deadline of {system.id} ({system.must_modernise_by})"
            rule = "deadline"
        return Relaxation(
            rule,
            (system.id,),
            tuple(
                p for p in (system.must_modernise_by, system.locked and system.locked.start) if p
            ),
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
            if consumer == c.system and kind in ORDERED and not c.retires:
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
            if system.earliest_start is not None and c.start == inventory.earliest_start_index(
                system
            ):
                out.append(("", f"it cannot start before {system.earliest_start}"))
            for platform_id in c.platforms:
                if c.start == inventory.platform(platform_id).setup_duration:
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
        horizon = self.inventory.axis.count
        use = {r: [0.0] * horizon for r in self.inventory.resources}
        model = self.elastic.model
        builds = [b for b in model.candidates.builds if self.value(model.build[b.index]) > 0.5]
        for item in [*self.chosen.values(), *builds]:
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

    def _capacity(self, slacks: list[_Slack]) -> list[Relaxation]:
        facts = self.facts
        by_resource: dict[str, dict[int, float]] = defaultdict(dict)
        for s in slacks:
            resource, label = s.key
            by_resource[resource][self.inventory.axis.index(label)] = self.value(s.var)
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
                alternative = self._mandate_fixes(mandated)
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

    def _mandate_fixes(self, system_ids: list[str]) -> str:
        """`; or move the deadlines of a (2027-Q4) and b (2028-Q2)`, locks likewise."""
        systems = [self.inventory.system(s) for s in system_ids]
        locks = [s.id for s in systems if s.locked is not None]
        deadlines = [f"{s.id} ({s.must_modernise_by})" for s in systems if s.locked is None]
        out = ""
        if deadlines:
            noun = "deadline" if len(deadlines) == 1 else "deadlines"
            out += f"; or move the {noun} of {names(deadlines)}"
        if locks:
            noun = "decision" if len(locks) == 1 else "decisions"
            out += f"; or reopen the locked {noun} on {names(locks)}"
        return out

    def _mandate_or_link(self, system_id: str) -> str:
        if system_id in self.facts.mandatory:
            return self.facts.mandate(system_id)
        return "is needed by the work that must be done"

    def _totals(self, slacks: list[_Slack]) -> list[Relaxation]:
        out = []
        for s in slacks:
            (resource,) = s.key
            extra = self.value(s.var)
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

    def _link(self, s: _Slack) -> Relaxation:
        facts, chosen = self.facts, self.chosen
        a, b = s.key
        rule = s.rule
        ca, cb = chosen.get(a), chosen.get(b)
        periods: tuple[str, ...] = ()
        if rule in ORDERED:
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
                f"{b} takes {plural(self.inventory.platform(b).setup_duration, 'period')} to set up"
            )
        return Relaxation(
            rule, (a, b) if rule != "platform_ready" else (a,), periods, None, 1.0, message + "."
        )

    # risk limits

    def _risk(self, by_rule: dict[str, list[_Slack]]) -> list[Relaxation]:
        facts, risk = self.facts, self.inventory.risk
        out = []
        high = {
            self.inventory.axis.index(s.key[0]): self.value(s.var)
            for s in by_rule.get("high_risk_in_flight", [])
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
            dept[s.key[0]][self.inventory.axis.index(s.key[1])] = self.value(s.var)
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
            extra = self.value(s.var)
            cap = risk.max_total_delivery_risk or 0.0
            systems = sorted(self.chosen)
            out.append(
                Relaxation(
                    "total_delivery_risk",
                    tuple(systems),
                    (),
                    None,
                    extra,
                    f"raise max_total_delivery_risk from {number(cap)} to {number(cap + extra)}: "
                    f"the work that must be done ({names(systems[:6])}"
                    f"{' and others' if len(systems) > 6 else ''}) carries that much delivery risk.",
                )
            )
        return out

"""The reason for every system's place in a roadmap, in words for people, true to the model.

A reason names a limit (a resource per period or in total, the delivery-risk budget,
concurrent high-risk work, changes per department) only where the limit binds: its row is
tight in the roadmap (`full`), or — for a limit with room left that is still too small for
the option (the capex total with £200k left, say) — a re-solve with the limit raised found
a better roadmap (`binds`, from the board pack's levers). Each `Reason` records the limit
and the model rows it rests on, so a test can hold it to the model.

For a modernised system the case says what it is worth and what holds it where it is
(deadline, lock, the work it waits for, full resources while it runs). For a retained system
it explains its best option that the order of work allows: what it would be worth, and which
binding limits leave no room for it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from prioritiser.explain.binding import binding, is_are, ratio, span
from prioritiser.explain.conflicts import conflicts
from prioritiser.explain.view import RoadmapView, full, over
from prioritiser.inventory import Inventory
from prioritiser.model.candidates import Candidate
from prioritiser.roadmap import Roadmap
from prioritiser.wording import money, names, number, plural

LIMITS = (
    "resource_capacity",
    "resource_per_year",
    "resource_total",
    "total_delivery_risk",
    "high_risk_in_flight",
    "department_in_flight",
)


@dataclass(frozen=True)
class Reason:
    """One sentence of a case; `limit` and `rows` say which limit it names and which model
    rows (tight in the roadmap) it rests on; `rows` is empty when a re-solve showed the
    limit binds instead."""

    text: str
    limit: str | None = None  # "resource_capacity[capex]", "total_delivery_risk", ...
    rows: tuple[str, ...] = ()
    short: str = ""  # a few words for one-line summaries


@dataclass(frozen=True)
class Case:
    """Why a system is where the roadmap puts it: one line for tables, sentences for a page."""

    system: str
    summary: str
    reasons: tuple[Reason, ...]
    option: str | None = None  # the option the reasons are about
    start: str | None = None
    finish: str | None = None
    npv: float | None = None  # that option's NPV on its own

    @property
    def limits(self) -> tuple[str, ...]:
        return tuple(r.limit for r in self.reasons if r.limit)


def system_cases(
    inventory: Inventory, roadmap: Roadmap, binds: Collection[str] = ()
) -> dict[str, Case]:
    """Every system's case, by id. `binds` are limits a re-solve showed to bind
    (`resource_total[capex]`, `total_delivery_risk`, ...): only these may be named where
    their row still has room."""
    if not roadmap.has_plan:
        return {}
    view = RoadmapView(inventory, roadmap, people=True)
    return {s.id: case_of(view, s.id, binds) for s in inventory.systems}


def case_of(view: RoadmapView, system_id: str, binds: Collection[str] = ()) -> Case:
    """One system's case, worded as `view` words things (by name for people)."""
    chosen = view.chosen.get(system_id)
    if chosen is not None:
        return _modernised(view, chosen)
    fallback = view.retained_reasons[system_id]
    return _retained(view, system_id, fallback, set(binds))


# --- a modernised system ------------------------------------------------------------------


def _modernised(view: RoadmapView, c: Candidate) -> Case:
    currency = view.inventory.portfolio.currency
    option = view.inventory.system(c.system).option(c.option)
    value = [f"worth {money(c.npv, currency)} of NPV"]
    cashable = option.annual_saving + sum(b.annual for b in option.benefits if b.cashable)
    if cashable > 0:
        value.append(f"{money(cashable, currency)} a year cashable")
    points = option.risk_reduction * view.inventory.system(c.system).legacy_risk.points
    if points > 0:
        value.append(f"{number(points)} legacy-risk points removed")
    reasons = [Reason(f"It earns its place: {', '.join(value)}.")]
    for b in binding(view, c):
        family = b.name.split("[", 1)[0]
        limit = limit_name(b.name) if family in LIMITS else None
        rows = _rows(family, b.name, b.periods) if limit else ()
        text = _sentence(b.detail)
        if family == "total_delivery_risk":  # what it takes of a budget every choice shares
            limit_value = view.inventory.risk.max_total_delivery_risk or 0.0
            text = (
                f"It takes {c.delivery_risk} of the {number(limit_value)} delivery-risk points, "
                "a budget the roadmap uses in full."
            )
        reasons.append(Reason(text, limit, rows))
    # Tables show the NPV beside this line: the summary starts with what else it brings.
    shorts = [b.short for b in binding(view, c) if not b.name.startswith(_PORTFOLIO_WIDE)]
    summary = "; ".join([", ".join(value[1:] or value), *dict.fromkeys(shorts)][:4])
    return Case(
        c.system,
        summary[0].upper() + summary[1:],
        tuple(reasons),
        c.option,
        view.label(c.start),
        view.label(c.finish),
        c.npv,
    )


_PORTFOLIO_WIDE = ("total_delivery_risk", "resource_total")


def limit_name(name: str) -> str:
    """`resource_capacity[capex]` from `resource_capacity[capex,2027-Q4]`; the risk limits
    by family (`department_in_flight[DWP]` keeps its department)."""
    family, _, key = name.partition("[")
    parts = key.rstrip("]").split(",") if key else []
    if family in (*LIMITS[:3], "department_in_flight") and parts:
        return f"{family}[{parts[0]}]"
    return family


def _rows(family: str, name: str, periods: tuple[str, ...]) -> tuple[str, ...]:
    """The model rows a binding of `family` rests on (named as the model names them)."""
    key = name.partition("[")[2].rstrip("]")
    first = key.split(",")[0] if key else ""
    if family == "resource_capacity":
        return tuple(f"resource_capacity[{first},{p}]" for p in periods)
    if family == "department_in_flight":
        return tuple(f"department_in_flight[{first},{p}]" for p in periods)
    if family == "high_risk_in_flight":
        return tuple(f"high_risk_in_flight[{p}]" for p in periods)
    if family == "resource_total":
        return (f"resource_total[{first}]",)
    if family == "resource_per_year":
        return (name,)  # one financial year's cap: the row is the binding itself
    return (f"{family}[]",)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] if text else text


# --- a retained system --------------------------------------------------------------------


def _retained(view: RoadmapView, system_id: str, fallback: str, binds: set[str]) -> Case:
    candidates = sorted(
        view.candidates.of(system_id), key=lambda c: (-round(c.npv, 2), c.start, c.option)
    )
    worth = [c for c in candidates if c.npv > 0]
    if not worth:
        text = fallback[0].upper() + fallback[1:]
        return Case(system_id, text, (Reason(text + "."),))
    # The best option the order of work allows: order, move groups and platforms are facts
    # of the estate, not limits a board sets; a start they rule out is not the one to explain.
    timed = [c for c in worth if not any(not is_limit(b.name) for b in conflicts(view, c))]
    c = (timed or worth)[0]
    currency = view.inventory.portfolio.currency
    what = c.option if c.option == c.kind else f"{c.option} ({c.kind})"
    head = (
        f"Its best option, {what} in {view.axis.span_label(c.start, c.finish)}, would add "
        f"{money(c.npv, currency)} of NPV on its own"
    )
    limits = _blocking_limits(view, c, binds)
    if not timed:
        order = [b for b in conflicts(view, c) if not is_limit(b.name)]
        reasons = [Reason(f"{head}, but it does not fit the order of work this roadmap chose:")]
        reasons += [Reason(_sentence(b.detail)) for b in order[:3]]
        summary = "; ".join(dict.fromkeys(b.short for b in order[:3]))
    elif limits:
        reasons = [Reason(f"{head}, but there is no room for it:"), *limits]
        summary = "; ".join(r.short for r in limits)
    else:
        reasons = [
            Reason(
                f"{head}; no limit it needs is full where it would run, but fitting it beside "
                "the chosen systems would move others: the optimum leaves it out on value."
            )
        ]
        summary = "Left out on value: fitting it would move chosen systems"
    return Case(
        system_id,
        summary[0].upper() + summary[1:] if summary else head,
        tuple(reasons),
        c.option,
        view.label(c.start),
        view.label(c.finish),
        c.npv,
    )


def over_capacity(used: float, view: RoadmapView, resource: str, period: int) -> bool:
    return over(used, view.capacity(resource, period))


def is_limit(name: str) -> bool:
    return name.split("[", 1)[0] in LIMITS


def _blocking_limits(view: RoadmapView, c: Candidate, binds: set[str]) -> list[Reason]:
    """The limits that leave no room for candidate `c`, where they bind: a tight row, a
    limit a re-solve showed to bind (`binds`), or the one rule `c` breaks — then removing
    that limit lets `c` join the roadmap unchanged, so the optimum would change."""
    blocked = conflicts(view, c)
    named = set(binds)
    if len(blocked) == 1 and is_limit(blocked[0].name):
        named.add(limit_name(blocked[0].name))
    out: list[Reason] = []
    out += _capacity_limits(view, c, named)
    out += _year_limits(view, c, named)
    out += _total_limits(view, c, named)
    out += _risk_limits(view, c, named)
    return out


def _capacity_limits(view: RoadmapView, c: Candidate, named: set[str]) -> list[Reason]:
    out: list[Reason] = []
    use = view.use_without(c.system)
    for resource, amount in c.use:
        if resource not in use or amount <= 0:
            continue
        periods = range(c.start, c.finish + 1)
        over = [t for t in periods if over_capacity(use[resource][t] + amount, view, resource, t)]
        tight = [t for t in over if full(use[resource][t], view.capacity(resource, t))]
        limit = f"resource_capacity[{resource}]"
        name = view.resource_name(resource)
        quantity = view.estate.quantity
        if tight:
            levels = sorted(
                {(round(use[resource][t], 6), view.capacity(resource, t)) for t in tight}
            )
            used, cap = levels[0]
            text = (
                f"{name.capitalize()} {is_are(resource)} fully used in {span(view, tight)} "
                f"({ratio(view, resource, used, cap)}), when it would need "
                f"{quantity(resource, amount)} a period."
            )
            rows = tuple(f"resource_capacity[{resource},{view.label(t)}]" for t in tight)
            out.append(Reason(text, limit, rows, f"{name} full in {span(view, tight)}"))
        elif over and limit in named:
            free = min(view.capacity(resource, t) - use[resource][t] for t in over)
            text = (
                f"Only {quantity(resource, max(free, 0.0))} of {name} {is_are(resource)} free "
                f"in {span(view, over)}, and it would need {quantity(resource, amount)} a period."
            )
            few = "too little" if view.estate.resources[resource].is_money else "too few"
            out.append(Reason(text, limit, (), f"{few} {name} free in {span(view, over)}"))
    return out


def _year_limits(view: RoadmapView, c: Candidate, named: set[str]) -> list[Reason]:
    """Financial years whose `per_year` cap leaves no room for `c`'s spending in them."""
    out: list[Reason] = []
    use = view.use_without(c.system)
    for resource, amount in c.use:
        caps = view.estate.resources[resource].per_year if resource in use else ()
        if amount <= 0 or not caps:
            continue
        limit = f"resource_per_year[{resource}]"
        tight: list[tuple[str, float, float]] = []
        short: list[tuple[str, float, float]] = []
        for label, cap in caps:
            periods = view.estate.financial_year(label).periods
            inside = [t for t in periods if c.start <= t <= c.finish]
            used = sum(use[resource][t] for t in periods)
            if not inside or not over(used + amount * len(inside), cap):
                continue
            (tight if full(used, cap) else short).append((label, used, cap))
        name = view.resource_name(resource)
        for label, used, cap in tight + (short if limit in named else []):
            state = "used up" if (label, used, cap) in tight else "all but used"
            out.append(
                Reason(
                    f"The {label} cap on {name} is {state} "
                    f"({ratio(view, resource, used, cap)} in that financial year), when it "
                    "would spend in it too.",
                    limit,
                    (f"{limit[:-1]},{label}]",) if (label, used, cap) in tight else (),
                    f"{name} {label} cap {'used up' if state == 'used up' else 'nearly used up'}",
                )
            )
    return out


def _total_limits(view: RoadmapView, c: Candidate, named: set[str]) -> list[Reason]:
    out: list[Reason] = []
    use = view.use_without(c.system)
    for resource, amount in c.use:
        spec = view.inventory.resources.get(resource)
        if spec is None or spec.total is None or amount <= 0:
            continue
        used = view.total(resource, use)
        need = amount * (c.finish - c.start + 1)
        if used + need <= spec.total + 0.01:
            continue
        limit = f"resource_total[{resource}]"
        tight = full(used, spec.total)
        if not (tight or limit in named):
            continue
        name = view.resource_name(resource)
        state = "fully committed" if tight else "all but committed"
        out.append(
            Reason(
                f"The {name} total is {state} ({ratio(view, resource, used, spec.total)} over "
                f"the horizon), and it would need {view.estate.quantity(resource, need)}.",
                limit,
                (limit,) if tight else (),
                f"{name} total {'used up' if tight else 'nearly used up'}",
            )
        )
    return out


def _risk_limits(view: RoadmapView, c: Candidate, named: set[str]) -> list[Reason]:
    risk = view.inventory.risk
    out: list[Reason] = []
    if risk.max_total_delivery_risk is not None:
        used = view.delivery_risk(without=c.system)
        limit = risk.max_total_delivery_risk
        tight = full(used, limit)
        if used + c.delivery_risk > limit + 1e-9 and (tight or "total_delivery_risk" in named):
            state = "full" if tight else f"{number(limit - used)} points short of room"
            out.append(
                Reason(
                    f"The delivery-risk budget is {state}: {number(used)} of {number(limit)} "
                    f"points, and it carries {c.delivery_risk}.",
                    "total_delivery_risk",
                    ("total_delivery_risk[]",) if tight else (),
                    f"delivery-risk budget {'full' if tight else 'nearly full'} "
                    f"({number(used)}/{number(limit)})",
                )
            )
    if risk.max_concurrent_high_risk is not None and c.delivery_risk >= risk.high_risk_threshold:
        counts = view.high_risk(without=c.system)
        most = risk.max_concurrent_high_risk
        periods = [t for t in range(c.start, c.finish + 1) if counts[t] >= most]
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
                Reason(
                    f"The limit of {plural(most, 'high-risk project')} at once is reached in "
                    f"{span(view, periods)} by {names(view.who(o) for o in others[:4])}, and it "
                    f"is high-risk too (delivery risk {c.delivery_risk}).",
                    "high_risk_in_flight",
                    tuple(f"high_risk_in_flight[{view.label(t)}]" for t in periods),
                    f"high-risk limit reached in {span(view, periods)}",
                )
            )
    if risk.max_concurrent_per_department is not None:
        counts = view.in_department(c.department, without=c.system)
        most = risk.max_concurrent_per_department
        periods = [t for t in range(c.start, c.finish + 1) if counts[t] >= most]
        if periods:
            out.append(
                Reason(
                    f"{c.department} already runs its limit of {most} changes at once in "
                    f"{span(view, periods)}.",
                    f"department_in_flight[{c.department}]",
                    tuple(f"department_in_flight[{c.department},{view.label(t)}]" for t in periods),
                    f"{c.department} change limit reached",
                )
            )
    return out

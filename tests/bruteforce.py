"""An independent brute-force optimiser for tiny inventories (test oracle for the MILP).

It enumerates every combination of per-system choices — retain, or option o started at
period t inside the horizon — and, for each, every start of the platforms the chosen
options need, checking DESIGN.md rules 1–7 and the appraisal's rules (optimism-bias
durations and draws, `costs:` on several money resources, `per_year` caps on financial
years, end-of-support deadlines under `risk.unsupported.forbid`) directly on period
indices, and valuing each choice itself (`value_of`: discounted flows summed period by
period, dual running, ramp, unsupported exposure avoided, `objective.include`). It shares
no code with `prioritiser.model`, `prioritiser.check` or `prioritiser.economics`: only the
inventory (data and period arithmetic) is used.

Search is depth-first over systems with pruning: per-system windows are filtered up front,
pairwise rules are checked as soon as both systems are assigned, per-period resources and
risk counters are checked as they accumulate (all uses are non-negative, so an overrun
never recovers), and an optimistic bound cuts branches that cannot beat the incumbent.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from prioritiser.inventory import Inventory, Option, Platform, System

EPS = 1e-9


@dataclass(frozen=True)
class Choice:
    """Option `option` of `system` in flight from period `start` to `finish` (indices)."""

    system: str
    option: str
    kind: str
    start: int
    finish: int
    value: float
    use: tuple[tuple[str, float], ...]
    delivery_risk: int
    department: str
    platforms: tuple[str, ...]

    @property
    def retires(self) -> bool:
        return self.kind == "retire"


@dataclass(frozen=True)
class Solution:
    """The best combination found: objective, choices by system, platform build starts."""

    objective: float
    choices: dict[str, tuple[str, int]]
    builds: dict[str, int]


# --- the appraisal's terms, as DESIGN.md words them -------------------------------------------


def uplift(inventory: Inventory, option: Option, field: str) -> float:
    """Optimism bias: the option's own, else its kind's, else `default`, else 0."""
    own = option.optimism_bias
    if own is not None and getattr(own, field) is not None:
        return getattr(own, field)
    if inventory.appraisal is not None:
        table = inventory.appraisal.optimism_bias
        for layer in (getattr(table, option.kind), table.default):
            if layer is not None and getattr(layer, field) is not None:
                return getattr(layer, field)
    return 0.0


def duration(inventory: Inventory, option: Option) -> int:
    """ceil(duration × (1 + bias)), the product rounded to 9 places first (10 × 1.1 is 11)."""
    return math.ceil(round(option.duration * (1 + uplift(inventory, option, "duration")), 9))


def one_off(inventory: Inventory, option: Option) -> dict[str, float]:
    """One-off cost per money resource with optimism bias (`cost: X` is `costs: {capex: X}`)."""
    factor = 1 + uplift(inventory, option, "cost")
    out = {name: amount * factor for name, amount in option.costs.items() if amount}
    if option.cost:
        out["capex"] = out.get("capex", 0.0) + option.cost * factor
    return out


def money(inventory: Inventory, resource: str) -> bool:
    spec = inventory.resources.get(resource)
    return resource == "capex" or (
        spec is not None and spec.unit.upper() == inventory.portfolio.currency.upper()
    )


def financial_year(inventory: Inventory, period: int) -> int:
    """The year the financial year of period `period` starts in (that of its first month)."""
    start = inventory.axis.period(period)
    month = {1: 1, 4: 3 * (start.sub - 1) + 1, 12: start.sub}[inventory.axis.per_year]
    return start.year if month >= inventory.portfolio.financial_year_start else start.year - 1


def year_caps(inventory: Inventory) -> dict[str, list[tuple[list[int], float]]]:
    """Per resource, (periods of the horizon in the financial year, cap) for each `per_year`."""
    first_month = inventory.portfolio.financial_year_start
    out: dict[str, list[tuple[list[int], float]]] = {}
    for name, spec in inventory.resources.items():
        for label, cap in spec.per_year.items():
            year = int(str(label)[:4])
            assert first_month == 1 or str(label) == f"{year}-{(year + 1) % 100:02d}"
            periods = [
                t for t in range(inventory.axis.count) if financial_year(inventory, t) == year
            ]
            out.setdefault(name, []).append((periods, cap))
    return out


def deadline(inventory: Inventory, system: System) -> int | None:
    """must_modernise_by, or the end of support when policy forbids running unsupported."""
    axis = inventory.axis
    out = axis.index(system.must_modernise_by, "last") if system.must_modernise_by else None
    unsupported = inventory.risk.unsupported
    if unsupported and system.end_of_support and system.criticality in unsupported.forbid:
        support = axis.index(system.end_of_support, "last")
        out = support if out is None else min(out, support)
    return out


class Valuer:
    """The value of a choice, straight from DESIGN.md: every period's flow, discounted."""

    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        portfolio = inventory.portfolio
        self.per_year = inventory.axis.per_year
        self.rate = portfolio.discount_rate
        self.appraisal = round(portfolio.appraisal_years * self.per_year)
        self.window_end = inventory.axis.count - 1 + self.appraisal
        settings = inventory.appraisal
        self.shares = []
        if settings is not None:
            self.shares = [0.0] * settings.dual_running + list(settings.benefit_ramp)

    def d(self, period: int) -> float:
        return (1.0 + self.rate) ** (-period / self.per_year)

    def exposure(self, system: System, finish: int | None) -> float:
        """PV of running unsupported: to `finish`, or to the window's end when retained."""
        unsupported = self.inventory.risk.unsupported
        if system.end_of_support is None or unsupported is None:
            return 0.0
        per_period = unsupported.cost_per_year.get(system.criticality, 0.0) / self.per_year
        first = max(self.inventory.axis.index(system.end_of_support, "last") + 1, 0)
        last = self.window_end if finish is None else finish
        return sum(per_period * self.d(t) for t in range(first, last + 1))

    def value(self, system: System, option: Option, start: int) -> float:
        """What the objective counts for `option` of `system` started in `start`."""
        include = set(self.inventory.objective.include)
        finish = start + duration(self.inventory, option) - 1
        avoided = self.exposure(system, None) - self.exposure(system, finish)
        value = avoided if "unsupported" in include else 0.0
        if option.npv is not None:
            return value + option.npv
        periods = finish - start + 1
        cost = sum(one_off(self.inventory, option).values())
        value -= sum(cost / periods * self.d(t) for t in range(start, finish + 1))
        cashable = option.annual_saving + sum(b.annual for b in option.benefits if b.cashable)
        other = sum(b.annual for b in option.benefits if not b.cashable)
        points = option.risk_reduction * system.legacy_risk.points
        risk = self.inventory.objective.risk_value_per_point * points
        yearly = (cashable if "cashable" in include else 0.0) + (
            other if "non_cashable" in include else 0.0
        )
        for k in range(self.appraisal):
            share = self.shares[k] if k < len(self.shares) else 1.0
            t = finish + 1 + k
            value += yearly * share / self.per_year * self.d(t)
            if "risk" in include:
                value += risk / self.per_year * self.d(t)
        return value

    def platform_cost(self, platform: Platform, start: int) -> float:
        setup = platform.setup_duration
        return sum(platform.setup_cost / setup * self.d(t) for t in range(start, start + setup))


# --- the rules, on plain indices --------------------------------------------------------


def per_period_use(inventory: Inventory, option: Option) -> dict[str, float]:
    """Rule 3 as DESIGN.md words it: resource_use (money uplifted by the cost bias), plus each
    one-off cost spread evenly over the (adjusted) duration on its declared money resource."""
    factor = 1 + uplift(inventory, option, "cost")
    use = {
        name: amount * factor if money(inventory, name) else amount
        for name, amount in option.resource_use.items()
        if amount
    }
    periods = duration(inventory, option)
    for name, amount in one_off(inventory, option).items():
        if name in inventory.resources and name not in option.resource_use:
            use[name] = amount / periods
    return use


def platform_use(inventory: Inventory, platform: Platform) -> dict[str, float]:
    use = {name: amount for name, amount in platform.resource_use.items() if amount}
    capex_free = "capex" in inventory.resources and "capex" not in platform.resource_use
    if capex_free and platform.setup_cost:
        use["capex"] = platform.setup_cost / platform.setup_duration
    return use


def capacities(inventory: Inventory) -> dict[str, list[float]]:
    """Capacity of each resource in each period, overrides applied."""
    axis = inventory.axis
    out = {}
    for name, spec in inventory.resources.items():
        caps = [spec.per_period] * axis.count
        for label, value in spec.overrides.items():
            index = axis.index(label)
            if 0 <= index < axis.count:
                caps[index] = value
        out[name] = caps
    return out


def window_ok(inventory: Inventory, system: System, choice: Choice | None) -> bool:
    """Rules 1 and 2 for one system: deadline/lock need a choice; start and finish in windows."""
    axis = inventory.axis
    if choice is None:
        return deadline(inventory, system) is None and system.locked is None
    if choice.start < 0 or choice.finish > axis.count - 1:
        return False
    if system.earliest_start is not None and choice.start < axis.index(
        system.earliest_start, "first"
    ):
        return False
    last = deadline(inventory, system)
    if last is not None and choice.finish > last:
        return False
    if system.locked is not None:
        lock_start = axis.index(system.locked.start, "first")
        return choice.option == system.locked.option and choice.start == lock_start
    return True


def pair_ok(constraint: str, a: Choice | None, b: Choice | None) -> bool:
    """Rules 4 and 5 for `A depends_on B` with this constraint (a, b: their choices)."""
    if constraint == "none":
        return True
    if b is not None and b.retires and (a is None or a.finish >= b.start):
        return False  # rule 5: B switched off while A still uses it
    if constraint == "after":
        if a is None or b is None or a.retires or b.retires:
            return True
        return a.start >= b.finish + 1
    if constraint == "requires":
        if a is None or a.retires:
            return True
        return b is not None and not b.retires and a.start >= b.finish + 1
    if constraint == "together":
        if a is None or b is None:
            return a is None and b is None
        return a.start == b.start
    raise ValueError(f"unknown constraint {constraint!r}")


class BruteForce:
    """Enumerates every roadmap of a tiny inventory and keeps the best feasible one."""

    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        self.economics = Valuer(inventory)
        self.year_caps = year_caps(inventory)
        self.count = inventory.axis.count
        self.systems = list(inventory.systems)
        self.position = {s.id: i for i, s in enumerate(self.systems)}
        self.caps = capacities(inventory)
        risk = inventory.risk
        self.high = risk.high_risk_threshold
        self.max_high = risk.max_concurrent_high_risk
        self.max_total_risk = risk.max_total_delivery_risk
        self.max_department = risk.max_concurrent_per_department
        # pairs[i]: (j, constraint, i_is_consumer) for every dependency between system i and
        # an earlier system j, checked once both are assigned.
        self.pairs: list[list[tuple[int, str, bool]]] = [[] for _ in self.systems]
        for consumer in self.systems:
            for dep in consumer.depends_on:
                if dep.system == consumer.id or dep.system not in self.position:
                    continue
                i, j = self.position[consumer.id], self.position[dep.system]
                if i > j:
                    self.pairs[i].append((j, dep.constraint, True))
                else:
                    self.pairs[j].append((i, dep.constraint, False))
        self.choices = [self._choices(s) for s in self.systems]

    def _choices(self, system: System) -> list[Choice | None]:
        """Retain plus every option at every start inside the horizon, windows applied."""
        options: list[Choice | None] = [None]
        for option in system.options:
            use = tuple(sorted(per_period_use(self.inventory, option).items()))
            for start in range(self.count):
                options.append(
                    Choice(
                        system=system.id,
                        option=option.id,
                        kind=option.kind,
                        start=start,
                        finish=start + duration(self.inventory, option) - 1,
                        value=self.economics.value(system, option, start),
                        use=use,
                        delivery_risk=option.delivery_risk,
                        department=system.department,
                        platforms=tuple(sorted(set(option.requires_platforms))),
                    )
                )
        return [c for c in options if window_ok(self.inventory, system, c)]

    # --- incremental state --------------------------------------------------------------

    def _fits(self, use: dict[str, list[float]], resource: str, period: int) -> bool:
        return use[resource][period] <= self.caps[resource][period] + EPS * max(
            1.0, self.caps[resource][period]
        )

    def _total_ok(self, use: dict[str, list[float]]) -> bool:
        for name, spec in self.inventory.resources.items():
            if spec.total is not None and sum(use[name]) > spec.total + EPS * max(1, spec.total):
                return False
        for name, caps in self.year_caps.items():
            for periods, cap in caps:
                if sum(use[name][t] for t in periods) > cap + EPS * max(1, cap):
                    return False
        return True

    def _risk_ok(self, chosen: list[Choice]) -> bool:
        total = sum(c.delivery_risk for c in chosen)
        if self.max_total_risk is not None and total > self.max_total_risk + EPS:
            return False
        for period in range(self.count):
            flying = [c for c in chosen if c.start <= period <= c.finish]
            risky = sum(1 for c in flying if c.delivery_risk >= self.high)
            if self.max_high is not None and risky > self.max_high:
                return False
            if self.max_department is not None:
                departments: dict[str, int] = {}
                for c in flying:
                    departments[c.department] = departments.get(c.department, 0) + 1
                if any(n > self.max_department for n in departments.values()):
                    return False
        return True

    def _use(self, chosen: list[Choice], builds: Mapping[str, int]) -> dict[str, list[float]]:
        use = {name: [0.0] * self.count for name in self.inventory.resources}
        for c in chosen:
            for name, amount in c.use:
                for period in range(c.start, c.finish + 1):
                    use[name][period] += amount
        for platform_id, start in builds.items():
            platform = self.inventory.platform(platform_id)
            for name, amount in platform_use(self.inventory, platform).items():
                for period in range(start, start + platform.setup_duration):
                    use[name][period] += amount
        return use

    def _resources_ok(self, chosen: list[Choice], builds: Mapping[str, int]) -> bool:
        use = self._use(chosen, builds)
        for name in use:
            for period in range(self.count):
                if not self._fits(use, name, period):
                    return False
        return self._total_ok(use)

    def _pairs_ok(self, index: int, assigned: list[Choice | None]) -> bool:
        mine = assigned[index]
        for other, constraint, consumer in self.pairs[index]:
            theirs = assigned[other]
            a, b = (mine, theirs) if consumer else (theirs, mine)
            if not pair_ok(constraint, a, b):
                return False
        return True

    # --- platforms at the leaves --------------------------------------------------------

    def _best_builds(self, chosen: list[Choice]) -> tuple[float, dict[str, int]] | None:
        """The cheapest feasible build starts of the platforms the chosen options need."""
        needed = sorted({p for c in chosen for p in c.platforms})
        starts = []
        for platform_id in needed:
            platform = self.inventory.platform(platform_id)
            first_use = min(c.start for c in chosen if platform_id in c.platforms)
            last_start = min(
                self.count - platform.setup_duration, first_use - platform.setup_duration
            )
            starts.append(range(0, last_start + 1))
        best: tuple[float, dict[str, int]] | None = None
        for combo in itertools.product(*starts):
            builds = dict(zip(needed, combo, strict=True))
            if not self._resources_ok(chosen, builds):
                continue
            cost = sum(
                self.economics.platform_cost(self.inventory.platform(p), t)
                for p, t in builds.items()
            )
            if best is None or cost < best[0]:
                best = (cost, builds)
        return best

    # --- the search -----------------------------------------------------------------------

    def solve(self) -> Solution | None:
        """The best feasible roadmap, or None when no roadmap satisfies rules 1–7."""
        n = len(self.systems)
        optimistic = [max([0.0] + [c.value for c in cs if c is not None]) for cs in self.choices]
        remaining = [sum(optimistic[i:]) for i in range(n + 1)]
        assigned: list[Choice | None] = [None] * n
        best: list[Solution | None] = [None]

        def leaf(value: float) -> None:
            chosen = [c for c in assigned if c is not None]
            builds = self._best_builds(chosen)
            if builds is None:
                return
            objective = value - builds[0]
            if best[0] is None or objective > best[0].objective:
                best[0] = Solution(
                    objective,
                    {c.system: (c.option, c.start) for c in chosen},
                    dict(builds[1]),
                )

        def descend(index: int, value: float) -> None:
            if best[0] is not None and value + remaining[index] <= best[0].objective:
                return
            if index == n:
                leaf(value)
                return
            for choice in self.choices[index]:
                assigned[index] = choice
                if not self._pairs_ok(index, assigned):
                    continue
                chosen = [c for c in assigned[: index + 1] if c is not None]
                if choice is not None and not (
                    self._risk_ok(chosen) and self._resources_ok(chosen, {})
                ):
                    continue
                descend(index + 1, value + (choice.value if choice else 0.0))
            assigned[index] = None

        descend(0, 0.0)
        return best[0]

    # --- a given roadmap ------------------------------------------------------------------

    def feasible(self, choices: Mapping[str, tuple[str, int]], builds: Mapping[str, int]) -> bool:
        """Whether this roadmap (system → (option, start); platform → start) obeys rules 1–7."""
        assigned: list[Choice | None] = []
        for system in self.systems:
            picked = choices.get(system.id)
            if picked is None:
                choice = None
            else:
                option = system.option(picked[0])
                choice = Choice(
                    system.id,
                    option.id,
                    option.kind,
                    picked[1],
                    picked[1] + duration(self.inventory, option) - 1,
                    0.0,
                    tuple(per_period_use(self.inventory, option).items()),
                    option.delivery_risk,
                    system.department,
                    tuple(option.requires_platforms),
                )
            if not window_ok(self.inventory, system, choice):
                return False
            assigned.append(choice)
        if not all(self._pairs_ok(i, assigned) for i in range(len(assigned))):
            return False
        chosen = [c for c in assigned if c is not None]
        for platform_id, start in builds.items():
            setup = self.inventory.platform(platform_id).setup_duration
            if start < 0 or start + setup > self.count:
                return False
        for c in chosen:
            for platform_id in c.platforms:
                if platform_id not in builds:
                    return False
                ready = builds[platform_id] + self.inventory.platform(platform_id).setup_duration
                if c.start < ready:
                    return False
        return self._risk_ok(chosen) and self._resources_ok(chosen, builds)


def brute_force(inventory: Inventory) -> Solution | None:
    """The optimal roadmap of a tiny inventory by exhaustive search, or None if infeasible."""
    return BruteForce(inventory).solve()


def optimum(inventory: Inventory) -> float | None:
    """The optimal objective of a tiny inventory, or None if no roadmap is feasible."""
    solution = brute_force(inventory)
    return None if solution is None else solution.objective

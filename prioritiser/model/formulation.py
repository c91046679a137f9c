"""The time-indexed MILP of DESIGN.md, one function per rule, each a named constraint family.

Decision variables: `start[s,o,t]` (binary, one per pruned candidate) and
`build[p,t]` (binary, a platform's setup starting in period t). Constraint names read like
the rule they enforce — `resource_capacity[capex,2027-Q3]`, `after[a,b,2028-Q1]` — so a
diagnosis or a test can name them to a user.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pulp

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory
from prioritiser.model.candidates import Build, Candidate, CandidateSet, enumerate_candidates

ORDERED = ("after", "requires")
TOLERANCE = 1e-9


@dataclass
class Formulation:
    """The PuLP problem plus the labelled handles on its variables and constraint families."""

    inventory: Inventory
    problem: pulp.LpProblem
    candidates: CandidateSet
    start: dict[int, pulp.LpVariable] = field(default_factory=dict)
    build: dict[int, pulp.LpVariable] = field(default_factory=dict)
    families: dict[str, dict[tuple[str, ...], pulp.LpConstraint]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    warm: bool = False  # variables carry initial values for a MIP start
    # Capacity rows are divided by their capacity; multiply back to read them in units.
    row_scale: dict[str, float] = field(default_factory=dict)
    # The objective is in money × objective_scale (so its largest coefficient is about 1).
    objective_scale: float = 1.0
    _labels: list[str] = field(default_factory=list)

    def label(self, period: int) -> str:
        return (
            self.labels[period]
            if 0 <= period < len(self.labels)
            else self.inventory.axis.label(period)
        )

    @property
    def labels(self) -> list[str]:
        if not self._labels:
            self._labels = self.inventory.axis.labels
        return self._labels

    def add(self, family: str, key: tuple[str, ...], constraint: pulp.LpConstraint) -> None:
        """Add a constraint named `family[key...]`."""
        name = f"{family}[{','.join(key)}]"
        constraint.name = name
        self.problem.addConstraint(constraint)
        self.families[family][key] = constraint

    def add_capacity(
        self,
        family: str,
        key: tuple[str, ...],
        terms: list[tuple[pulp.LpVariable, float]],
        capacity: float,
    ) -> None:
        """Add `sum(terms) <= capacity`, scaled so the capacity is 1.

        Money rows (millions) beside FTE rows (tens) make the matrix badly scaled, which
        slows HiGHS' presolve badly at estate scale. `row_scale` keeps the factor so the
        row can be read back in the resource's own units.
        """
        largest = max((abs(a) for _, a in terms), default=1.0)
        factor = 1.0 / capacity if capacity > 0 else 1.0 / (largest or 1.0)
        expr = pulp.LpAffineExpression([(var, amount * factor) for var, amount in terms])
        self.add(family, key, expr <= capacity * factor)
        self.row_scale[f"{family}[{','.join(key)}]"] = factor

    def chosen(self, candidates: Iterable[Candidate]) -> pulp.LpAffineExpression:
        """Sum of the start variables of `candidates` (1 when one of them is chosen)."""
        return pulp.LpAffineExpression([(self.start[c.index], 1.0) for c in candidates])

    def built(self, builds: Iterable[Build]) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression([(self.build[b.index], 1.0) for b in builds])

    def constraint_names(self) -> list[str]:
        return [f"{fam}[{','.join(key)}]" for fam, items in self.families.items() for key in items]


def formulate(inventory: Inventory, economics: Economics | None = None) -> Formulation:
    """Build the whole model: variables, every rule of DESIGN.md, and the objective."""
    economics = economics or Economics(inventory)
    problem = pulp.LpProblem("roadmap", pulp.LpMaximize)
    model = Formulation(inventory, problem, enumerate_candidates(inventory, economics))
    add_variables(model)
    add_one_option(model)
    add_resource_capacity(model)
    add_resource_totals(model)
    add_dependency_order(model)
    add_requires(model)
    add_together(model)
    add_safe_retirement(model)
    add_platforms(model)
    add_risk_limits(model)
    add_objective(model)
    return model


def add_variables(model: Formulation) -> None:
    for c in model.candidates.candidates:
        name = f"start[{c.system},{c.option},{model.label(c.start)}]"
        model.start[c.index] = model.problem.add_variable(name, 0, 1, cat=pulp.LpBinary)
    for b in model.candidates.builds:
        name = f"build[{b.platform},{model.label(b.start)}]"
        model.build[b.index] = model.problem.add_variable(name, 0, 1, cat=pulp.LpBinary)


def add_one_option(model: Formulation) -> None:
    """Rule 1: at most one option per system; exactly one with a deadline or a lock."""
    for system in model.inventory.systems:
        chosen = model.chosen(model.candidates.of(system.id))
        if system.must_modernise_by is not None or system.locked is not None:
            model.add("one_option", (system.id,), chosen == 1)
        elif model.candidates.of(system.id):
            model.add("one_option", (system.id,), chosen <= 1)


def add_resource_capacity(model: Formulation) -> None:
    """Rule 3: per resource and period, the use of everything in flight ≤ capacity."""
    inventory = model.inventory
    for period in range(inventory.axis.count):
        terms: dict[str, list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
        for c in model.candidates.in_flight.get(period, ()):
            for resource, amount in c.use:
                terms[resource].append((model.start[c.index], amount))
        for b in model.candidates.builds_in_flight.get(period, ()):
            for resource, amount in b.use:
                terms[resource].append((model.build[b.index], amount))
        for resource in sorted(terms):
            capacity = inventory.capacity(resource, period)
            key = (resource, model.label(period))
            model.add_capacity("resource_capacity", key, terms[resource], capacity)


def add_resource_totals(model: Formulation) -> None:
    """Rule 3: a resource's `total` caps its use summed over the horizon."""
    for resource, spec in sorted(model.inventory.resources.items()):
        if spec.total is None:
            continue
        terms = []
        for c in model.candidates.candidates:
            amount = dict(c.use).get(resource, 0.0)
            if amount:
                terms.append((model.start[c.index], amount * (c.finish - c.start + 1)))
        for b in model.candidates.builds:
            amount = dict(b.use).get(resource, 0.0)
            if amount:
                terms.append((model.build[b.index], amount * (b.ready - b.start)))
        if terms:
            model.add_capacity("resource_total", (resource,), terms, spec.total)


def _edges(model: Formulation, constraints: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(consumer, provider, constraint) for every dependency of the given kinds, sorted."""
    return sorted(
        (system.id, dep.system, dep.constraint)
        for system in model.inventory.systems
        for dep in system.depends_on
        if dep.constraint in constraints and model.inventory.has_system(dep.system)
    )


def add_dependency_order(model: Formulation) -> None:
    """Rule 4 (after, requires): a non-retire consumer starts after its non-retire provider.

    Per consumer start period t: "consumer started by t" + "provider modernised" −
    "provider finished before t" ≤ 1. The three terms are step variables tied to the start
    variables once per system (see `StepVariables`), so each row has three non-zeros instead
    of one per candidate — the same LP relaxation, much sparser (it matters at 5,000 systems).
    """
    pairs = sorted({(consumer, provider) for consumer, provider, _ in _edges(model, ORDERED)})
    steps = StepVariables(model)
    for consumer, provider in pairs:
        mine = [c for c in model.candidates.of(consumer) if not c.retires]
        theirs = [c for c in model.candidates.of(provider) if not c.retires]
        if not mine or not theirs:
            continue
        last_finish = max(c.finish for c in theirs)
        for period in sorted({c.start for c in mine}):
            if period > last_finish:
                break  # the provider has finished by now whichever start it took
            expr = (
                steps.started_by(consumer, period)
                + steps.modernised(provider)
                - steps.finished_before(provider, period)
            )
            model.add("after", (consumer, provider, model.label(period)), expr <= 1)


class StepVariables:
    """Cumulative "started by t" / "finished before t" variables of non-retire options.

    Defined by one recurrence row per system and period, in the `started_by`,
    `finished_before` and `modernised` families.
    """

    def __init__(self, model: Formulation):
        self.model = model
        self._started: dict[str, list[pulp.LpVariable]] = {}
        self._finished: dict[str, list[pulp.LpVariable]] = {}
        self._modernised: dict[str, pulp.LpVariable] = {}

    def _options(self, system: str) -> list[Candidate]:
        return [c for c in self.model.candidates.of(system) if not c.retires]

    def _chain(
        self, system: str, family: str, event: dict[int, list[Candidate]]
    ) -> list[pulp.LpVariable]:
        model = self.model
        chain: list[pulp.LpVariable] = []
        for period in range(model.inventory.axis.count):
            label = model.label(period)
            var = model.problem.add_variable(f"{family}[{system},{label}]", 0, 1)
            expr = pulp.LpAffineExpression([(var, 1.0)]) - model.chosen(event.get(period, ()))
            if chain:
                expr -= chain[-1]
            model.add(family, (system, label), expr == 0)
            chain.append(var)
        return chain

    def started_by(self, system: str, period: int) -> pulp.LpVariable:
        if system not in self._started:
            starts: dict[int, list[Candidate]] = defaultdict(list)
            for c in self._options(system):
                starts[c.start].append(c)
            self._started[system] = self._chain(system, "started_by", starts)
        return self._started[system][period]

    def finished_before(self, system: str, period: int) -> pulp.LpVariable:
        if system not in self._finished:
            ends: dict[int, list[Candidate]] = defaultdict(list)
            for c in self._options(system):
                ends[c.finish + 1].append(c)  # finished before t ⇔ finish ≤ t − 1
            self._finished[system] = self._chain(system, "finished_before", ends)
        return self._finished[system][period]

    def modernised(self, system: str) -> pulp.LpVariable:
        if system not in self._modernised:
            model = self.model
            var = model.problem.add_variable(f"modernised[{system}]", 0, 1)
            expr = pulp.LpAffineExpression([(var, 1.0)]) - model.chosen(self._options(system))
            model.add("modernised", (system,), expr == 0)
            self._modernised[system] = var
        return self._modernised[system]


def add_requires(model: Formulation) -> None:
    """Rule 4 (requires): a non-retire consumer needs a non-retire provider."""
    pairs = sorted({(consumer, provider) for consumer, provider, _ in _edges(model, ("requires",))})
    for consumer, provider in pairs:
        mine = [c for c in model.candidates.of(consumer) if not c.retires]
        if not mine:
            continue
        theirs = [c for c in model.candidates.of(provider) if not c.retires]
        model.add("requires", (consumer, provider), model.chosen(mine) <= model.chosen(theirs))


def add_together(model: Formulation) -> None:
    """Rule 4 (together): both or neither are modernised, starting in the same period."""
    pairs = {tuple(sorted((a, b))) for a, b, _ in _edges(model, ("together",))}
    for a, b in sorted(pairs):
        ours, theirs = model.candidates.of(a), model.candidates.of(b)
        for period in sorted({c.start for c in ours} | {c.start for c in theirs}):
            expr = model.chosen(c for c in ours if c.start == period) - model.chosen(
                c for c in theirs if c.start == period
            )
            model.add("together", (a, b, model.label(period)), expr == 0)


def add_safe_retirement(model: Formulation) -> None:
    """Rule 5: a system is retired only after every consumer has finished its own change."""
    consumers: dict[str, list[str]] = defaultdict(list)
    for consumer, provider, _ in _edges(model, ("after", "requires", "together")):
        consumers[provider].append(consumer)
    for provider in sorted(consumers):
        retirements = [c for c in model.candidates.of(provider) if c.retires]
        if not retirements:
            continue
        for consumer in sorted(set(consumers[provider])):
            theirs = model.candidates.of(consumer)
            for period in sorted({c.start for c in retirements}):
                retired_by = model.chosen(c for c in retirements if c.start <= period)
                finished_before = model.chosen(c for c in theirs if c.finish < period)
                key = (provider, consumer, model.label(period))
                model.add("safe_retirement", key, retired_by - finished_before <= 0)


def add_platforms(model: Formulation) -> None:
    """Rule 6: built once, only if used, and ready before any option that requires it starts."""
    users: dict[str, dict[str, list[Candidate]]] = defaultdict(lambda: defaultdict(list))
    for c in model.candidates.candidates:
        for platform in c.platforms:
            users[platform][c.system].append(c)
    for platform in sorted(users):
        builds = model.candidates.by_platform.get(platform, [])
        model.add("platform_once", (platform,), model.built(builds) <= 1)
        everyone = [c for cands in users[platform].values() for c in cands]
        model.add("platform_used", (platform,), model.built(builds) - model.chosen(everyone) <= 0)
        for system in sorted(users[platform]):
            mine = users[platform][system]
            for period in sorted({c.start for c in mine}):
                started = model.chosen(c for c in mine if c.start <= period)
                ready = model.built(b for b in builds if b.ready <= period)
                key = (platform, system, model.label(period))
                model.add("platform_ready", key, started - ready <= 0)


def add_risk_limits(model: Formulation) -> None:
    """Rule 7: concurrent high-risk work, total delivery risk, change per department."""
    risk = model.inventory.risk
    horizon = model.inventory.axis.count
    in_flight = model.candidates.in_flight
    if risk.max_concurrent_high_risk is not None:
        for period in range(horizon):
            risky = [
                c for c in in_flight.get(period, ()) if c.delivery_risk >= risk.high_risk_threshold
            ]
            if len(risky) > risk.max_concurrent_high_risk:
                expr = model.chosen(risky) <= risk.max_concurrent_high_risk
                model.add("high_risk_in_flight", (model.label(period),), expr)
    if risk.max_total_delivery_risk is not None:
        terms = [
            (model.start[c.index], float(c.delivery_risk)) for c in model.candidates.candidates
        ]
        expr = pulp.LpAffineExpression(terms) <= risk.max_total_delivery_risk
        model.add("total_delivery_risk", (), expr)
    if risk.max_concurrent_per_department is not None:
        limit = risk.max_concurrent_per_department
        for period in range(horizon):
            by_department: dict[str, list[Candidate]] = defaultdict(list)
            for c in in_flight.get(period, ()):
                by_department[c.department].append(c)
            for department in sorted(by_department):
                if len(by_department[department]) > limit:
                    expr = model.chosen(by_department[department]) <= limit
                    model.add("department_in_flight", (department, model.label(period)), expr)


def add_objective(model: Formulation) -> None:
    """Maximise the NPV of chosen options minus the discounted cost of platform setups."""
    terms = [(model.start[c.index], c.npv) for c in model.candidates.candidates]
    terms += [(model.build[b.index], -b.cost_pv) for b in model.candidates.builds]
    largest = max((abs(v) for _, v in terms), default=0.0)
    # Work in units where the largest value is of order 1 (solvers prefer it); the roadmap's
    # objective is recomputed in money from the chosen candidates anyway.
    model.objective_scale = 10.0 ** -math.floor(math.log10(largest)) if largest > 0 else 1.0
    scale = model.objective_scale
    model.problem.setObjective(pulp.LpAffineExpression([(v, c * scale) for v, c in terms]))

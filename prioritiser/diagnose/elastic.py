"""Pass 2 of the diagnosis: an elastic copy of the model, and the smallest relaxation.

Deadlines and locks are dropped from the candidate windows and priced instead (finishing
late, moving a locked start, or — at a high price — not doing the system at all), and every
family that can conflict gets a non-negative slack column: `resource_capacity`,
`resource_total`, `resource_per_year`, `after`, `requires`, `together`, `safe_retirement`,
`platform_ready`,
`high_risk_in_flight`, `total_delivery_risk`, `department_in_flight`. Minimising the
weighted slack finds the smallest set of changes that restores feasibility.

The slack is added with the named rules of `prioritiser.model.adjust`, and the model is
solved like any other (`prioritiser.solve.solve`), so the diagnosis and the plan share one
model and one driver per solver.

The weights put every relaxation on one scale of "how much would we have to ask for":

- resource capacity: 1 per period per 100 % of that period's capacity (raising engineers
  from 4 to 10 for two periods costs 2 × 6/4 = 3); a resource total, or a financial year's
  `per_year` cap: 1 per 100 % of it;
- risk limits: 1 per period per 100 % of the limit (a limit of 0 counts as 1);
- a deadline moved: 1 per period late; a deadline dropped: 10 (an end of support that
  `risk.unsupported.forbid` makes a deadline alike);
- a locked start moved: 3 per period (the work is already in flight), 3 more for another
  option; a lock released: 20;
- a dependency, move group, safe-retirement or platform link waived: 5.

Optional work carries a tiny cost, so the relaxed plan holds only what has to be there and
the messages name the systems that actually need the relaxed capacity.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from prioritiser.diagnose.facts import Facts
from prioritiser.inventory import Inventory
from prioritiser.model import adjust
from prioritiser.model.formulation import Formulation
from prioritiser.model.matrix import INF, Key
from prioritiser.model.rules import formulate
from prioritiser.solve import PlanOptions, SolveStatus, solve

W_CAPACITY = 1.0
W_TOTAL = 1.0
W_RISK = 1.0
W_LATE = 1.0
W_LOCK_MOVE = 3.0
W_LINK = 5.0
W_DROP_DEADLINE = 10.0
W_DROP_LOCK = 20.0
W_OPTIONAL = 1e-3


@dataclass(frozen=True)
class Slack:
    """A slack column: on which rule and row key, and the row's period where it has one."""

    col: int
    rule: str
    key: Key
    period: int | None = None


@dataclass
class Elastic:
    """The relaxed formulation with its slack columns and priced mandates."""

    facts: Facts
    model: Formulation
    slacks: list[Slack] = field(default_factory=list)
    missed: dict[str, int] = field(default_factory=dict)
    pairs: dict[tuple[str, str, str], int] = field(default_factory=dict)
    terms: list[tuple[int, float]] = field(default_factory=list)
    tiny: list[tuple[int, float]] = field(default_factory=list)  # tie-breaks only
    columns: np.ndarray | None = None  # the solution, in matrix order, once solved

    def slack(
        self, rule: str, key: Key, weight: float, upper: float = INF, period: int | None = None
    ) -> int:
        col = adjust.slack(self.model, rule, key, upper)
        self.slacks.append(Slack(col, rule, key, period))
        self.terms.append((col, weight))
        return col

    def pair(self, rule: str, a: str, b: str) -> int:
        """One slack per linked pair, shared by all the rows of that link."""
        key = (rule, a, b)
        if key not in self.pairs:
            self.pairs[key] = self.slack(rule, (a, b), W_LINK, 1.0)
        return self.pairs[key]

    def value(self, col: int) -> float:
        """A column's value in the relaxed solution."""
        if self.columns is None:
            return 0.0
        return self.model.column_values(self.columns, [col])[0]


def without_mandates(inventory: Inventory) -> Inventory:
    """The inventory with deadlines and locks removed from the windows (priced instead),
    end-of-support deadlines (`risk.unsupported.forbid`) too."""
    systems = tuple(
        s.model_copy(update={"must_modernise_by": None, "locked": None}) for s in inventory.systems
    )
    risk = inventory.risk
    if risk.unsupported is not None and risk.unsupported.forbid:
        unsupported = risk.unsupported.model_copy(update={"forbid": []})
        risk = risk.model_copy(update={"unsupported": unsupported})
    return dataclasses.replace(inventory, systems=systems, risk=risk)


def build_elastic(facts: Facts) -> Elastic:
    """The elastic copy of the model: soft mandates and slack on every family that can conflict."""
    model = formulate(without_mandates(facts.inventory))
    elastic = Elastic(facts, model)
    _price_mandates(elastic)
    _relax_resources(elastic)
    _relax_links(elastic)
    _relax_risk(elastic)
    for b in model.candidates.builds:
        elastic.tiny.append((model.build_col[b.index], W_OPTIONAL))
    weights: dict[int, float] = defaultdict(float)
    for col, weight in [*elastic.terms, *elastic.tiny]:
        weights[col] += weight  # a column may carry several costs
    adjust.minimise(model, weights)
    return elastic


def _price_mandates(elastic: Elastic) -> None:
    estate, model = elastic.facts.estate, elastic.model
    last = estate.horizon
    for system in estate.systems:
        mine = model.candidates.of(system.id)
        deadline, lock = system.deadline, system.lock
        if deadline is None and lock is None:
            elastic.tiny += [(model.start_col[c.index], W_OPTIONAL) for c in mine]
            continue
        weight = (W_DROP_DEADLINE if deadline is not None else 0.0) + (
            W_DROP_LOCK if lock is not None else 0.0
        )
        miss = adjust.slack(model, "missed", (system.id,), 1.0)
        elastic.missed[system.id] = miss
        elastic.terms.append((miss, weight))
        adjust.require_exactly_one(model, system.id, miss)
        if not model.has_row("one_option", (system.id,)):
            continue
        for c in mine:
            col = model.start_col[c.index]
            # Tie-break: of equally small relaxations, do mandatory work as late as it may.
            elastic.tiny.append((col, W_OPTIONAL * (1 + (last - c.start) / last)))
            cost = 0.0
            if deadline is not None and c.finish > deadline:
                cost += W_LATE * (c.finish - deadline)
            if lock is not None:
                cost += W_LOCK_MOVE * abs(c.start - lock.start)
                if c.option != lock.option:
                    cost += W_LOCK_MOVE
            if cost:
                elastic.terms.append((col, cost))


def _reference_use(model: Formulation, resource: str) -> float:
    uses = [dict(c.use).get(resource, 0.0) for c in model.candidates.candidates]
    uses += [dict(b.use).get(resource, 0.0) for b in model.candidates.builds]
    return max([u for u in uses if u > 0], default=1.0)


def _relax_resources(elastic: Elastic) -> None:
    estate, model = elastic.facts.estate, elastic.model
    period_of = {label: t for t, label in enumerate(model.labels)}
    for resource, label in model.row_keys("resource_capacity"):
        period = period_of[label]
        cap = estate.capacity(resource, period)
        ref = cap if cap > 0 else _reference_use(model, resource)
        key = (resource, label)
        col = elastic.slack("resource_capacity", key, W_CAPACITY / ref, period=period)
        adjust.give(model, "resource_capacity", key, col)
    for (resource,) in model.row_keys("resource_total"):
        total = estate.resources[resource].total or 0.0
        ref = total if total > 0 else _reference_use(model, resource)
        col = elastic.slack("resource_total", (resource,), W_TOTAL / ref)
        adjust.give(model, "resource_total", (resource,), col)
    for resource, label in model.row_keys("resource_per_year"):
        cap = dict(estate.resources[resource].per_year)[label]
        ref = cap if cap > 0 else _reference_use(model, resource)
        key = (resource, label)
        col = elastic.slack("resource_per_year", key, W_TOTAL / ref)
        adjust.give(model, "resource_per_year", key, col)


def _relax_links(elastic: Elastic) -> None:
    model, facts = elastic.model, elastic.facts
    kinds = {(a, b): k for a, b, k in facts.edges if k.orders}
    for key in model.row_keys("after"):
        consumer, provider = key[0], key[1]
        kind = kinds.get((consumer, provider), "after")
        adjust.give(model, "after", key, elastic.pair(kind, consumer, provider))
    for key in model.row_keys("requires"):
        adjust.give(model, "requires", key, elastic.pair("requires", key[0], key[1]))
    for key in model.row_keys("together"):
        adjust.split_equality(model, "together", key, elastic.pair("together", key[0], key[1]))
    for key in model.row_keys("safe_retirement"):
        pair = elastic.pair("safe_retirement", key[0], key[1])
        adjust.give(model, "safe_retirement", key, pair)
    for key in model.row_keys("platform_ready"):
        platform, system = key[0], key[1]
        adjust.give(model, "platform_ready", key, elastic.pair("platform_ready", system, platform))


def _relax_risk(elastic: Elastic) -> None:
    model, risk = elastic.model, elastic.facts.inventory.risk
    period_of = {label: t for t, label in enumerate(model.labels)}
    for key in model.row_keys("high_risk_in_flight"):
        limit = max(risk.max_concurrent_high_risk or 0, 1)
        col = elastic.slack("high_risk_in_flight", key, W_RISK / limit, period=period_of[key[0]])
        adjust.give(model, "high_risk_in_flight", key, col)
    for key in model.row_keys("total_delivery_risk"):
        points = max(risk.max_total_delivery_risk or 0.0, 1.0)
        col = elastic.slack("total_delivery_risk", key, W_RISK / points)
        adjust.give(model, "total_delivery_risk", key, col)
    for key in model.row_keys("department_in_flight"):
        limit = max(risk.max_concurrent_per_department or 0, 1)
        period = period_of[key[1]]
        col = elastic.slack("department_in_flight", key, W_RISK / limit, period=period)
        adjust.give(model, "department_in_flight", key, col)


def solve_elastic(elastic: Elastic, solver: str, time_limit: float | None) -> str:
    """Minimise the weighted slack; returns "optimal", "time_limit" or "not_found"."""
    options = PlanOptions(solver=solver, time_limit=time_limit, gap=0.0)
    result = solve(elastic.model, options, time_limit)
    if not result.has_plan:
        return "not_found"
    elastic.columns = result.columns
    return "optimal" if result.status is SolveStatus.OPTIMAL else "time_limit"


def penalty(elastic: Elastic) -> float:
    """The weighted slack of the relaxed solution: how much had to give, on one scale."""
    return sum(elastic.value(col) * weight for col, weight in elastic.terms)

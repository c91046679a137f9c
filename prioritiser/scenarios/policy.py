"""The price of a policy: the plan without `risk.unsupported.forbid`, against the plan with it.

Forbidding critical systems to run unsupported is a constraint, so it can only lower the
objective; how much is the question a CIO asks before signing it. The same inventory is
planned with the forbidden criticalities priced (`cost_per_year`) instead, under the same
solver options, and the difference stated. Both plans may stop within a gap: the true price
lies between (without − bound with) and (bound without − with), and both ends are stated.
"""

from __future__ import annotations

from dataclasses import replace

from prioritiser.inventory import Inventory
from prioritiser.roadmap import PolicyCost, Roadmap
from prioritiser.solve import PlanOptions, ProgressFn, plan


def with_policy_cost(
    inventory: Inventory,
    roadmap: Roadmap,
    options: PlanOptions,
    progress: ProgressFn | None = None,
) -> Roadmap:
    """`roadmap` with the price of its forbid policy, when the policy binds some system and
    the plan without it has a roadmap (else `roadmap` as it is)."""
    if not inventory.forbids_unsupported or not roadmap.has_plan or roadmap.objective is None:
        return roadmap
    without = plan(inventory.without_forbid(), options, progress)
    if not without.has_plan or without.objective is None:
        return roadmap
    objective = roadmap.objective
    bound = roadmap.bound if roadmap.bound is not None else objective
    ceiling = without.bound if without.bound is not None else without.objective
    unsupported = inventory.risk.unsupported
    policy = PolicyCost(
        forbid=list(unsupported.forbid) if unsupported is not None else [],
        objective_without=without.objective,
        bound_without=without.bound,
        cost=without.objective - objective,
        low=without.objective - bound,
        high=ceiling - objective,
    )
    return replace(roadmap, policy=policy)

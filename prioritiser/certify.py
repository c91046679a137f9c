"""Certify a roadmap: its rules (`prioritiser.check`) and every figure it states.

`check_roadmap` proves the decisions obey rules 1–7. A roadmap.json also *claims* things —
its NPV, each decision's NPV, department and delivery risk, each platform's cost, the bound
and gap that say how good it is, which systems it retains — and reports, business cases and
`replan` repeat those claims. Here each is recomputed from the inventory alone (the value of
an option at its start comes from `prioritiser.economics`, which the brute-force oracle tests
on its own; nothing comes from the solver or the model) and any that is missing, non-finite
or not what the inventory gives is a violation named "0 figures".

The appraisal's figures — each decision's value split, duration and one-off costs (optimism
bias applied, and as stated), the roadmap's split and NPV, what it leaves unsupported, the
price of the forbid policy — are held to the checker's own valuation (`check.value`), which
sums each period's discounted flows apart from the economics: a decision's NPV must agree
with both.

Tolerances: figures in roadmap.json are rounded to the penny (ratios to six places), so a
figure may differ from the recomputed one by its rounding, and a sum by the rounding of each
of its terms.
"""

from __future__ import annotations

import math

from prioritiser.check import Violation, check_roadmap, read_plan, terms
from prioritiser.check.value import PARTS, Ledger
from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory
from prioritiser.roadmap import DECISION_APPRAISAL, Decision, Roadmap, Value

RULE = "0 figures"
PENNY = 0.01
RELATIVE = 1e-9  # floating-point noise in sums of millions
GAP_PLACES = 1e-6  # gap is written to six places


def certify_roadmap(inventory: Inventory, roadmap: Roadmap) -> list[Violation]:
    """Every rule violation (`check_roadmap`) and every false or missing figure."""
    violations = check_roadmap(inventory, roadmap)
    if roadmap.has_plan:
        violations += check_figures(inventory, roadmap)
    return violations


def check_consistency(roadmap: Roadmap) -> list[Violation]:
    """What a roadmap with a plan must get right on its own, whatever the inventory: finite
    figures, an objective that is the sum of its decisions' NPVs less its platforms' costs,
    a bound and gap that agree with it, retained systems that are not also decided.

    `replan` holds its `--previous` roadmap to this (the inventory may have changed since)."""
    violations = _common(roadmap)
    stated = sum(d.npv for d in roadmap.decisions if _number(d.npv))
    stated -= sum(b.cost_pv for b in roadmap.platforms if _number(b.cost_pv))
    terms = len(roadmap.decisions) + len(roadmap.platforms)
    objective = roadmap.objective
    if _number(objective) and not _close(objective, stated, PENNY * (terms + 1)):
        violations.append(
            Violation(
                RULE,
                # _number(objective) held above, so it is a float (mypy cannot see through it)
                f"the roadmap states an objective (NPV) of {_money(objective)}, but its "  # type: ignore[arg-type]
                f"decisions' NPVs less its platforms' costs add up to {_money(stated)}",
            )
        )
    return violations


def check_figures(inventory: Inventory, roadmap: Roadmap) -> list[Violation]:
    """The figures a roadmap with a plan states, recomputed from the inventory."""
    violations = _common(roadmap) + _retained_known(inventory, roadmap)
    violations += _appraisal_complete(roadmap)
    plan, _ = read_plan(inventory, roadmap)
    appraisal = Appraisal.of(inventory)  # the run's one appraisal, not the solver's figures
    ledger = Ledger(inventory)
    actual = 0.0
    count = 0
    whole = Value()
    finishes: dict[str, int] = {}
    for decision in roadmap.decisions:
        placed = next(
            (p for p in plan.decisions.get(decision.system, []) if p.option.id == decision.option),
            None,
        )
        if placed is None:
            continue  # an unknown system, option or start: rule 0 (format) says so
        value = appraisal.npv(decision.system, decision.option, placed.start)
        actual += value
        count += 1
        finishes[decision.system] = placed.finish
        split = Value(**ledger.split(placed.system, placed.option, placed.start))
        whole += split
        violations += _decision_appraisal(inventory, decision, split, value)
        where = (decision.system,)
        if not _close(decision.npv, value):
            violations.append(
                Violation(
                    RULE,
                    f"{decision.system}: the roadmap states an NPV of {_money(decision.npv)} for "
                    f"{decision.option} from {decision.start}, but the inventory gives "
                    f"{_money(value)}",
                    where,
                )
            )
        system, option = placed.system, placed.option
        if decision.department and decision.department != system.department:
            violations.append(
                Violation(
                    RULE,
                    f"{decision.system}: the roadmap says department {decision.department!r}, "
                    f"the inventory {system.department!r}",
                    where,
                )
            )
        if decision.delivery_risk is not None and decision.delivery_risk != option.delivery_risk:
            violations.append(
                Violation(
                    RULE,
                    f"{decision.system}: the roadmap says delivery risk {decision.delivery_risk}, "
                    f"the inventory gives {option.id} a delivery risk of {option.delivery_risk}",
                    where,
                )
            )
    for build in roadmap.platforms:
        placed_builds = plan.builds.get(build.id, [])
        if not placed_builds:
            continue  # unknown platform: rule 0 (format)
        cost = appraisal.platform_cost_pv(placed_builds[0].platform, placed_builds[0].start)
        actual -= cost
        count += 1
        whole += Value(platforms=-cost)
        if not _close(build.cost_pv, cost):
            violations.append(
                Violation(
                    RULE,
                    f"platform {build.id}: the roadmap states a set-up cost of "
                    f"{_money(build.cost_pv)} (present value), but the inventory gives "
                    f"{_money(cost)}",
                )
            )
    violations += _objective(roadmap, actual, count)
    violations += _roadmap_appraisal(inventory, roadmap, whole, count)
    violations += _unsupported(ledger, roadmap, finishes)
    violations += _policy(roadmap)
    return violations


def _appraisal_complete(roadmap: Roadmap) -> list[Violation]:
    """One appraisal figure stated means all are: none may go missing from a file."""
    if not roadmap.states_appraisal:
        return []
    missing = [name for name in ("npv", "value") if getattr(roadmap, name) is None]
    missing += [
        f"{d.system}: {key}"
        for d in roadmap.decisions
        for key in DECISION_APPRAISAL
        if getattr(d, key) is None
    ]
    return [
        Violation(RULE, f"{name} is missing; the roadmap states its appraisal elsewhere")
        for name in missing
    ]


def _decision_appraisal(
    inventory: Inventory, decision: Decision, split: Value, npv: float
) -> list[Violation]:
    """A decision's value split, durations and one-off costs, when it states them."""
    out = []
    where = (decision.system,)
    include = inventory.objective.include
    if _number(decision.npv) and not _close(decision.npv, split.objective(include)):
        out.append(
            Violation(
                RULE,
                f"{decision.system}: the roadmap states an NPV of {_money(decision.npv)}, but "
                f"the checker's own valuation gives {_money(split.objective(include))} "
                f"(the economics give {_money(npv)})",
                where,
            )
        )
    if decision.value is not None:
        for part in PARTS:
            stated, actual = getattr(decision.value, part), getattr(split, part)
            if not _close(stated, actual):
                out.append(
                    Violation(
                        RULE,
                        f"{decision.system}: the roadmap states {part.replace('_', ' ')} of "
                        f"{_money(stated)}, but the inventory gives {_money(actual)}",
                        where,
                    )
                )
        if decision.value.platforms != 0:
            out.append(Violation(RULE, f"{decision.system}: a decision has no platform costs"))
    system = inventory.system(decision.system)
    option = system.option(decision.option)
    expected: list[tuple[str, object, object]] = [
        ("duration", decision.duration, terms.duration(inventory, option)),
        ("base_duration", decision.base_duration, option.duration),
        ("costs", decision.costs, terms.costs(inventory, option)),
        ("base_costs", decision.base_costs, terms.costs(inventory, option, adjusted=False)),
    ]
    for name, stated, actual in expected:
        if stated is not None and not _same(stated, actual):
            out.append(
                Violation(
                    RULE,
                    f"{decision.system}: the roadmap states {name} {stated} for "
                    f"{decision.option}, but the inventory gives {actual}",
                    where,
                )
            )
    return out


def _same(stated: object, actual: object) -> bool:
    if isinstance(stated, dict) and isinstance(actual, dict):
        return set(stated) == set(actual) and all(_close(stated[k], actual[k]) for k in actual)
    return stated == actual


def _roadmap_appraisal(
    inventory: Inventory, roadmap: Roadmap, whole: Value, count: int
) -> list[Violation]:
    """The whole roadmap's value split and NPV, and what its objective counts."""
    out: list[Violation] = []
    if roadmap.value is None:
        return out
    tolerance = PENNY * (count + 1)
    for part in (*PARTS, "platforms"):
        stated, actual = getattr(roadmap.value, part), getattr(whole, part)
        if not _close(stated, actual, tolerance):
            out.append(
                Violation(
                    RULE,
                    f"the roadmap states {part.replace('_', ' ')} of {_money(stated)} in its "
                    f"value split, but its decisions give {_money(actual)}",
                )
            )
    if roadmap.npv is not None and not _close(roadmap.npv, whole.npv, tolerance):
        out.append(
            Violation(
                RULE,
                f"the roadmap states an NPV of {_money(roadmap.npv)}, but its value split adds "
                f"up to {_money(whole.npv)}",
            )
        )
    if sorted(roadmap.include) != sorted(inventory.objective.include):
        out.append(
            Violation(
                RULE,
                f"the roadmap says its objective counts {', '.join(roadmap.include)}, but the "
                f"inventory's objective.include is {', '.join(inventory.objective.include)}",
            )
        )
    return out


def _unsupported(ledger: Ledger, roadmap: Roadmap, finishes: dict[str, int]) -> list[Violation]:
    """What the roadmap says it leaves unsupported, against the inventory."""
    if roadmap.value is None and not roadmap.unsupported:
        return []  # a roadmap that states no appraisal (hand-written, or v1)
    out = []
    axis = ledger.inventory.axis
    expected = {left.system: left for left in ledger.left(finishes)}
    stated = {item.system: item for item in roadmap.unsupported}
    for system in sorted(set(expected) - set(stated)):
        left = expected[system]
        out.append(
            Violation(
                RULE,
                f"{system} runs unsupported from {axis.label(left.first)} for "
                f"{left.periods} periods under this roadmap, but the roadmap does not list it",
                (system,),
            )
        )
    for system in sorted(set(stated) - set(expected)):
        out.append(
            Violation(
                RULE,
                f"the roadmap lists {system} as left unsupported, but it is supported "
                "throughout (or has no end of support)",
                (system,),
            )
        )
    for system in sorted(set(stated) & set(expected)):
        item, left = stated[system], expected[system]
        wrong = []
        if item.criticality != left.criticality:
            wrong.append(f"criticality {item.criticality} (the inventory: {left.criticality})")
        if item.unsupported_from != axis.label(left.first):
            wrong.append(f"unsupported from {item.unsupported_from}, not {axis.label(left.first)}")
        if item.periods != left.periods:
            wrong.append(f"{item.periods} periods, not {left.periods}")
        if not _close(item.exposure, left.exposure):
            wrong.append(f"exposure {_money(item.exposure)}, not {_money(left.exposure)}")
        if wrong:
            out.append(
                Violation(
                    RULE,
                    f"{system}: the roadmap's unsupported entry says {'; '.join(wrong)}",
                    (system,),
                )
            )
    return out


def _policy(roadmap: Roadmap) -> list[Violation]:
    """The price of the forbid policy, as arithmetic on the two plans' figures."""
    policy, objective, bound = roadmap.policy, roadmap.objective, roadmap.bound
    if policy is None or not _number(objective):
        return []
    assert objective is not None
    out = []
    if not _close(policy.cost, policy.objective_without - objective, 2 * PENNY):
        out.append(
            Violation(
                RULE,
                f"the policy's stated cost {_money(policy.cost)} is not the objective without "
                f"it ({_money(policy.objective_without)}) less this roadmap's "
                f"({_money(objective)})",
            )
        )
    low = policy.objective_without - (bound if _number(bound) else objective)  # type: ignore[operator]
    ceiling = policy.bound_without if policy.bound_without is not None else policy.objective_without
    high = ceiling - objective
    if not (_close(policy.low, low, 2 * PENNY) and _close(policy.high, high, 2 * PENNY)):
        out.append(
            Violation(
                RULE,
                f"the policy's stated range {_money(policy.low)}–{_money(policy.high)} does not "
                f"follow from the two plans' objectives and bounds ({_money(low)}–"
                f"{_money(high)})",
            )
        )
    return out


def _common(roadmap: Roadmap) -> list[Violation]:
    return _finite(roadmap) + _bound_and_gap(roadmap) + _retained_disjoint(roadmap)


def _finite(roadmap: Roadmap) -> list[Violation]:
    """Numbers that must be there, and be numbers (a Roadmap may be built in memory too)."""
    out = []
    named: list[tuple[str, object]] = [
        ("objective", roadmap.objective),
        ("bound", roadmap.bound),
        ("gap", roadmap.gap),
    ]
    named += [(f"{d.system}: npv", d.npv) for d in roadmap.decisions]
    named += [(f"platform {b.id}: cost_pv", b.cost_pv) for b in roadmap.platforms]
    for name, value in named:
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(Violation(RULE, f"{name} must be a number, not {value!r}"))
        elif not math.isfinite(value):
            out.append(Violation(RULE, f"{name} is {value}, not a finite number"))
    if roadmap.objective is None:
        out.append(
            Violation(RULE, f"the roadmap is '{roadmap.status}' but states no objective (NPV)")
        )
    return out


def _objective(roadmap: Roadmap, actual: float, terms: int) -> list[Violation]:
    stated = roadmap.objective
    if not _number(stated):
        return []
    assert stated is not None
    if _close(stated, actual, PENNY * (terms + 1)):
        return []
    return [
        Violation(
            RULE,
            f"the roadmap states an objective (NPV) of {_money(stated)}, but its decisions and "
            f"platform set-ups are worth {_money(actual)} on the inventory's figures",
        )
    ]


def _bound_and_gap(roadmap: Roadmap) -> list[Violation]:
    objective, bound, gap = roadmap.objective, roadmap.bound, roadmap.gap
    if not (_number(objective) and _number(bound, True) and _number(gap, True)):
        return []
    assert objective is not None
    out = []
    if bound is None:
        if gap is not None:
            out.append(Violation(RULE, f"the roadmap states a gap of {gap} but no bound"))
        return out
    scale = max(abs(objective), 1.0)
    if bound < objective - PENNY - RELATIVE * scale:
        out.append(
            Violation(
                RULE,
                f"the bound {_money(bound)} is below the objective {_money(objective)}: no "
                "roadmap can be worth more than the best possible one",
            )
        )
    if gap is None:
        out.append(Violation(RULE, f"the roadmap states a bound of {_money(bound)} but no gap"))
        return out
    if gap < 0:
        out.append(Violation(RULE, f"the gap {gap} is negative"))
        return out
    expected = max(0.0, bound - objective) / scale
    # Each of bound and objective may be off by its rounding; the objective is also the
    # divisor, so its rounding moves the gap in proportion to the gap itself.
    if abs(gap - expected) > GAP_PLACES + (2 + expected) * PENNY / scale:
        out.append(
            Violation(
                RULE,
                f"the gap {gap:.6f} does not follow from the bound and objective: "
                f"(bound − objective) / |objective| = {expected:.6f}",
            )
        )
    return out


def _retained_known(inventory: Inventory, roadmap: Roadmap) -> list[Violation]:
    return [
        Violation(RULE, f"retained system '{item.system}' is not in the inventory")
        for item in roadmap.retained
        if not inventory.has_system(item.system)
    ]


def _retained_disjoint(roadmap: Roadmap) -> list[Violation]:
    decided = {d.system for d in roadmap.decisions}
    seen: set[str] = set()
    out = []
    for item in roadmap.retained:
        system = item.system
        if system in decided:
            out.append(
                Violation(
                    RULE,
                    f"{system} is listed as retained but the roadmap also modernises it",
                    (system,),
                )
            )
        elif system in seen:
            out.append(Violation(RULE, f"{system} is listed as retained twice", (system,)))
        seen.add(system)
    return out


def _number(value: object, optional: bool = False) -> bool:
    if value is None:
        return optional
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _close(stated: object, actual: float, absolute: float = PENNY) -> bool:
    if not _number(stated):
        return False
    assert isinstance(stated, int | float)
    return abs(stated - actual) <= absolute + RELATIVE * max(abs(actual), 1.0)


def _money(value: float) -> str:
    return f"{value:,.2f}" if math.isfinite(value) else str(value)


__all__ = ["certify_roadmap", "check_consistency", "check_figures"]

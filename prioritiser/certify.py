"""Certify a roadmap: its rules (`prioritiser.check`) and every figure it states.

`check_roadmap` proves the decisions obey rules 1–7. A roadmap.json also *claims* things —
its NPV, each decision's NPV, department and delivery risk, each platform's cost, the bound
and gap that say how good it is, which systems it retains — and reports, business cases and
`replan` repeat those claims. Here each is recomputed from the inventory alone (the value of
an option at its start comes from `prioritiser.economics`, which the brute-force oracle tests
on its own; nothing comes from the solver or the model) and any that is missing, non-finite
or not what the inventory gives is a violation named "0 figures".

Tolerances: figures in roadmap.json are rounded to the penny (ratios to six places), so a
figure may differ from the recomputed one by its rounding, and a sum by the rounding of each
of its terms.
"""

from __future__ import annotations

import math

from prioritiser.check import Violation, check_roadmap, read_plan
from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory
from prioritiser.roadmap import Roadmap

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
    plan, _ = read_plan(inventory, roadmap)
    appraisal = Appraisal.of(inventory)  # the run's one appraisal, not the solver's figures
    actual = 0.0
    terms = 0
    for decision in roadmap.decisions:
        placed = next(
            (p for p in plan.decisions.get(decision.system, []) if p.option.id == decision.option),
            None,
        )
        if placed is None:
            continue  # an unknown system, option or start: rule 0 (format) says so
        value = appraisal.npv(decision.system, decision.option, placed.start)
        actual += value
        terms += 1
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
        terms += 1
        if not _close(build.cost_pv, cost):
            violations.append(
                Violation(
                    RULE,
                    f"platform {build.id}: the roadmap states a set-up cost of "
                    f"{_money(build.cost_pv)} (present value), but the inventory gives "
                    f"{_money(cost)}",
                )
            )
    violations += _objective(roadmap, actual, terms)
    return violations


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

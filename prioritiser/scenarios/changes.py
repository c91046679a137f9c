"""Replanning's account: every decision kept, changed, dropped or added, and why.

A reason is found by putting the previous decision back into the new roadmap and asking
the independent checker what breaks (`_blockers`), or by comparing values on the revised
figures; `reference` (the inventory without the scenario) lets a reason say what the
scenario changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from prioritiser.check import check_roadmap
from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory
from prioritiser.roadmap import Decision, Roadmap
from prioritiser.scenarios.in_flight import TOTAL
from prioritiser.scenarios.variants import decision_summary, describe, placed_on
from prioritiser.wording import form, money

CATEGORIES = ("kept", "changed", "dropped", "added")


@dataclass(frozen=True)
class DecisionChange:
    """What happened to one system's decision between the previous and the new roadmap."""

    system: str
    category: str  # one of CATEGORIES
    previous: Decision | None
    new: Decision | None
    why: str
    in_flight: bool = False
    detail: str = ""  # "delayed 2 periods", "option replatform → replace"
    forced: bool = False  # a lock in the inventory made it, not replan: no stability cost

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "change": self.detail or self.category,
            "in_flight": self.in_flight,
            "forced": self.forced,
            "previous": decision_summary(self.previous),
            "new": decision_summary(self.new),
            "why": self.why,
        }


def explain_changes(
    inventory: Inventory,
    previous: Roadmap,
    roadmap: Roadmap,
    as_of: int,
    weight: float,
    reference: Inventory | None = None,
) -> list[DecisionChange]:
    """Every system that had or has a decision: kept, changed, dropped or added, and why.

    `reference` (the inventory without the scenario) lets a reason say what the scenario
    changed, e.g. a capacity cut in the period that no longer fits.
    """
    appraisal = Appraisal.of(inventory)
    currency = inventory.portfolio.currency
    axis = inventory.axis
    old_start = {c.system: c.start for c in placed_on(inventory, previous).decisions}
    out = []
    systems = sorted({d.system for d in previous.decisions} | {d.system for d in roadmap.decisions})
    for system_id in systems:
        old, new = previous.decision(system_id), roadmap.decision(system_id)
        if (
            old is not None
            and new is not None
            and (old.option, old.start) == (new.option, new.start)
        ):
            in_flight = old_start[system_id] < as_of
            if in_flight:
                why = (
                    f"in flight since {old.start} (before {axis.label(as_of)}): the work "
                    "continues as decided"
                )
            elif inventory.system(system_id).locked is not None:
                why = "locked in the inventory: a decision already taken"
            else:
                why = (
                    f"still fits and still pays (NPV {money(new.npv, currency)}); nothing "
                    "better is worth a change"
                )
            out.append(DecisionChange(system_id, "kept", old, new, why, in_flight))
            continue
        if old is None:  # then new is not None: each system comes from one of the two roadmaps
            change = _added(inventory, new, weight, currency)  # type: ignore[arg-type]
        elif new is None:
            change = _dropped(inventory, appraisal, roadmap, old, reference, currency)
        else:
            change = _changed(inventory, appraisal, roadmap, old, new, weight, reference, currency)
        lock = inventory.system(system_id).locked
        if lock is not None:  # not a choice of replan: the inventory records it as taken
            why = (
                f"locked in the inventory to {lock.option} from {lock.start}: a decision "
                "taken since the previous roadmap"
            )
            change = replace(change, why=why, forced=True)
        out.append(change)
    return out


def _added(inventory: Inventory, new: Decision, weight: float, currency: str) -> DecisionChange:
    system = inventory.system(new.system)
    reasons = []
    resolved = inventory.estate.system(system.id)
    if resolved.deadline_from_support:
        reasons.append(
            f"it must now finish by its end of support {system.end_of_support} "
            f"({system.criticality} systems may not run unsupported)"
        )
    elif system.must_modernise_by is not None:
        reasons.append(f"it must now be modernised by {system.must_modernise_by}")
    reasons.append(
        f"{new.option} from {new.start} adds {money(new.npv, currency)} NPV, more than the "
        f"stability cost of {money(weight, currency)}, in capacity the revised plan leaves free"
    )
    return DecisionChange(new.system, "added", None, new, "; ".join(reasons), detail="added")


def _dropped(
    inventory: Inventory,
    appraisal: Appraisal,
    roadmap: Roadmap,
    old: Decision,
    reference: Inventory | None,
    currency: str,
) -> DecisionChange:
    blockers = _blockers(inventory, roadmap, old.system, old, reference)
    value = _npv_now(inventory, appraisal, old)
    if blockers:
        why = f"its previous slot does not fit beside the revised plan: {blockers}"
    elif value is None:
        why = "its previous slot is no longer allowed (windows changed)"
    elif value <= 0:
        why = f"it no longer pays: NPV {money(value, currency)} on the revised figures"
    else:
        why = (
            "the capacity it used is worth more to the systems the revised plan funds "
            f"(its own NPV: {money(value, currency)})"
        )
    return DecisionChange(old.system, "dropped", old, None, why, detail="dropped")


def _changed(
    inventory: Inventory,
    appraisal: Appraisal,
    roadmap: Roadmap,
    old: Decision,
    new: Decision,
    weight: float,
    reference: Inventory | None,
    currency: str,
) -> DecisionChange:
    estate = inventory.estate
    shift = estate.period(new.start) - estate.period(old.start)
    parts = []
    if old.option != new.option:
        parts.append(f"option {old.option} → {new.option}")
    if shift:
        word = "delayed" if shift > 0 else "brought forward"
        parts.append(f"{word} {abs(shift)} {form(abs(shift), 'period')}")
    detail = ", ".join(parts)
    blockers = _blockers(inventory, roadmap, old.system, old, reference)
    value = _npv_now(inventory, appraisal, old)
    if blockers:
        why = f"the previous slot {describe(old)} does not fit beside the revised plan: {blockers}"
    elif value is None:
        why = f"the previous slot {describe(old)} is no longer allowed (windows changed)"
    else:
        gain = new.npv - value
        why = (
            f"the previous slot still fits, but the revised plan as a whole is worth more than "
            f"keeping it plus the stability cost of {money(weight, currency)} "
            f"(this system: NPV {money(value, currency)} → {money(new.npv, currency)}, "
            f"{'+' if gain >= 0 else ''}{money(gain, currency)})"
        )
    return DecisionChange(old.system, "changed", old, new, why, detail=detail)


def _npv_now(inventory: Inventory, appraisal: Appraisal, decision: Decision) -> float | None:
    """NPV of the previous decision on the revised data, or None if its slot is not allowed."""
    estate = inventory.estate
    option = estate.system(decision.system).option(decision.option)
    start = estate.period(decision.start)
    if start not in option.starts:
        return None
    return appraisal.npv(decision.system, decision.option, start)


def _blockers(
    inventory: Inventory,
    roadmap: Roadmap,
    system: str,
    old: Decision,
    reference: Inventory | None,
) -> str:
    """What breaks if the previous decision is put back into the new roadmap (via the checker)."""
    decisions = [d for d in roadmap.decisions if d.system != system] + [old]
    probe = replace(roadmap, decisions=decisions, resource_use={})
    over: dict[str, list[str]] = {}
    others = []
    for v in check_roadmap(inventory, probe):
        if v.number == "0":
            continue
        if v.number == "3":
            resource = v.message.split(":", 1)[0]
            over.setdefault(resource, []).extend(v.periods or [TOTAL])
        else:
            others.append(v.render())
    parts = [_over_text(inventory, reference, r, periods) for r, periods in over.items()]
    return "; ".join([*parts, *others][:3])


def _over_text(
    inventory: Inventory, reference: Inventory | None, resource: str, periods: list[str]
) -> str:
    """`capex would exceed its capacity in 2028-Q1, 2028-Q2 (1.75m a period, was 2.5m)`."""
    labels = [p for p in periods if p != TOTAL]
    where = []
    if labels:
        where.append("in " + ", ".join(labels))
    if TOTAL in periods:
        where.append("over its horizon total")
    text = f"{resource} would exceed its capacity {' and '.join(where)}"
    if reference is None or resource not in reference.resources:
        return text
    if labels:
        t = inventory.estate.period(labels[0])
        now, was = inventory.capacity(resource, t), reference.capacity(resource, t)
        if now < was:
            text += (
                f" (capacity {resource_amount(inventory, resource, now)} in {labels[0]}, "
                f"was {resource_amount(inventory, resource, was)})"
            )
    elif TOTAL in periods:
        now_total = inventory.resources[resource].total
        was_total = reference.resources[resource].total
        if now_total is not None and (was_total is None or now_total < was_total):
            before = (
                "no cap" if was_total is None else resource_amount(inventory, resource, was_total)
            )
            text += f" ({resource_amount(inventory, resource, now_total)}, was {before})"
    return text


def resource_amount(inventory: Inventory, resource: str, value: float) -> str:
    unit = inventory.resources[resource].unit
    currency = inventory.portfolio.currency
    if unit == currency or unit.upper() in ("GBP", "EUR", "USD"):
        return money(value, currency)
    return f"{value:,.4g} {unit}".rstrip()

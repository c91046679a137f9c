"""Why a system is in the roadmap, or out of it, in sentences a CIO can act on.

`explain_system` answers for one system: for a decision, its option and timing, its NPV and
value per unit of the scarcest resource, the constraints that bind it and the best
alternative; for a retained system, why, and what forcing it in would cost (a re-solve) and
displace. `decision_reasons` gives the one-line "why" per decision that reports show; it
never solves.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from prioritiser.explain.appraisal import exposure_sentence, value_sentence
from prioritiser.explain.binding import Binding, binding
from prioritiser.explain.conflicts import conflicts
from prioritiser.explain.forcing import Forcing, force, why_not
from prioritiser.explain.view import RoadmapView
from prioritiser.inventory import Inventory, System
from prioritiser.inventory.appraisal_terms import uses_appraisal
from prioritiser.inventory.provenance import run_cost_is_estimate
from prioritiser.model.candidates import Candidate
from prioritiser.model.reasons import retained_reasons
from prioritiser.roadmap import Decision, Roadmap
from prioritiser.solve import PlanOptions, ProgressFn, plan
from prioritiser.wording import form, money, names

MAX_LISTED = 6
# Limits on the whole portfolio: they bind every decision alike, so one-liners omit them.
PORTFOLIO_WIDE = ("total_delivery_risk", "resource_total")


@dataclass(frozen=True)
class Alternative:
    """Another way the system could be done: an option started in some period."""

    option: str
    kind: str
    start: str
    finish: str
    npv: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "kind": self.kind,
            "start": self.start,
            "finish": self.finish,
            "npv": round(self.npv, 2),
        }


@dataclass(frozen=True)
class Explanation:
    """The answer to "why is this system in (or out of) the roadmap?"."""

    system: str
    name: str
    decision: Decision | None
    reasons: tuple[str, ...]
    binding_constraints: tuple[Binding, ...]
    alternatives: tuple[Alternative, ...]
    forced_objective_delta: float | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `prioritiser explain --format json`."""
        decision = None
        if self.decision is not None:  # the same shape as in roadmap.json
            decision = dataclasses.asdict(self.decision)
            decision["npv"] = round(self.decision.npv, 2)
        delta = self.forced_objective_delta
        return {
            "system": self.system,
            "decision": decision,
            "reasons": list(self.reasons),
            "binding_constraints": [b.to_dict() for b in self.binding_constraints],
            "alternatives": [a.to_dict() for a in self.alternatives],
            "forced_objective_delta": None if delta is None else round(delta, 2),
        }


def explain_system(
    inventory: Inventory,
    roadmap: Roadmap,
    system_id: str,
    options: PlanOptions | None = None,
    baseline_objective: float | None = None,
    progress: ProgressFn | None = None,
) -> Explanation:
    """Explain `system_id`'s place in `roadmap`.

    For a retained system the model is re-solved with it forced in, using `options` (gap 0
    for an exact cost). `baseline_objective` is the optimum to compare with; when not given,
    the roadmap's own objective is used if it is proven optimal within `options.gap`, and
    otherwise the baseline is re-solved with the same options.
    """
    options = options or PlanOptions(gap=0.0)
    view = RoadmapView(inventory, roadmap)
    decision = roadmap.decision(system_id)
    if decision is not None:
        explanation = _explain_decision(view, decision)
    else:
        if baseline_objective is None:
            baseline_objective = _baseline(inventory, roadmap, options, progress)
        explanation = _explain_retained(view, system_id, options, baseline_objective, progress)
    caveat = estimates_caveat(inventory.system(system_id))
    if caveat:
        explanation = dataclasses.replace(explanation, reasons=(*explanation.reasons, caveat))
    return explanation


def estimates_caveat(system: System) -> str:
    """`Its figures are estimates: …`, when any of them are (empty otherwise)."""
    parts = []
    estimated = sum(o.estimated for o in system.options)
    if estimated:
        count = len(system.options)
        share = f"all {count}" if estimated == count else f"{estimated} of {count}"
        parts.append(f"{share} of its options are templated estimates")
    if run_cost_is_estimate(system):
        parts.append(
            "its run cost is unknown (options were scaled from an assumed one)"
            if system.annual_run_cost is None
            else "its run cost is an estimate"
        )
    others = [f.replace("_", " ") for f in system.estimated if f != "annual_run_cost"]
    if others:
        parts.append(f"its {' and '.join(others)} {form(len(others), 'is', 'are')} assumed")
    if not parts:
        return ""
    return "Its figures are estimates, not appraised: " + "; ".join(parts) + "."


def _baseline(
    inventory: Inventory, roadmap: Roadmap, options: PlanOptions, progress: ProgressFn | None
) -> float | None:
    exact = roadmap.status == "optimal" and (roadmap.gap or 0.0) <= max(options.gap, 1e-9)
    if exact and roadmap.objective is not None:
        return roadmap.objective
    again = plan(inventory, options, progress)
    return again.objective if again.has_plan else roadmap.objective


def alternatives(view: RoadmapView, system_id: str, chosen: Candidate | None) -> list[Candidate]:
    """Every other candidate of the system, best NPV first (earlier start on ties)."""
    others = [
        c
        for c in view.candidates.of(system_id)
        if chosen is None or (c.option, c.start) != (chosen.option, chosen.start)
    ]
    return sorted(others, key=lambda c: (-round(c.npv, 2), c.start, c.option))


def _as_alternative(view: RoadmapView, c: Candidate) -> Alternative:
    return Alternative(c.option, c.kind, view.label(c.start), view.label(c.finish), c.npv)


def _when(view: RoadmapView, c: Candidate) -> str:
    """`replace in 2027-Q3–2028-Q4`, with the kind when the option's id does not say it."""
    span = view.axis.span_label(c.start, c.finish)
    what = c.option if c.option == c.kind else f"{c.option} ({c.kind})"
    return f"{what} in {span}"


# --- value per unit of the scarcest resource ------------------------------------------------


def unit_value(view: RoadmapView, c: Candidate) -> tuple[str, str] | None:
    """NPV per unit of the scarcest resource: (`£411k`, `FTE-quarter of engineers`)."""
    resource = view.scarcest
    amount = dict(c.use).get(resource, 0.0) * (c.finish - c.start + 1) if resource else 0.0
    if resource is None or amount <= 0:
        return None
    inventory = view.inventory
    currency = inventory.portfolio.currency
    ratio = c.npv / amount
    one = view.estate.quantity(resource, 1.0)
    if view.estate.resources[resource].is_money:  # money per unit of money: show pence
        value = money(ratio, currency, decimals=0 if abs(ratio) >= 1000 else 2)
        return value, f"{one} of {resource}"
    unit = inventory.resources[resource].unit or "unit"
    period = inventory.axis.granularity.name.lower()
    return money(ratio, currency), f"{unit}-{period} of {resource}"


def value_per_unit(view: RoadmapView, c: Candidate) -> str | None:
    """`£2.40 of NPV per £1 of capex, the scarcest resource (96 % used over the horizon)`."""
    resource = view.scarcest
    if resource is None:
        return None
    share = f"{100 * view.share(resource):.0f} % used over the horizon"
    value = unit_value(view, c)
    if value is None:
        return f"it uses none of {resource}, the scarcest resource ({share})"
    return f"{value[0]} of NPV per {value[1]}, the scarcest resource ({share})"


# --- a system in the roadmap ----------------------------------------------------------------


def _explain_decision(view: RoadmapView, decision: Decision) -> Explanation:
    inventory = view.inventory
    currency = inventory.portfolio.currency
    c = view.chosen.get(decision.system) or view.candidate(decision)
    bound = binding(view, c)
    others = alternatives(view, decision.system, c)
    verb = "retired" if c.retires else "modernised"
    reasons = [
        f"{decision.system} is {verb}: {_when(view, c)}, for an NPV of {money(c.npv, currency)}."
    ]
    value = value_per_unit(view, c)
    if value:
        reasons.append(f"That is {value}.")
    if uses_appraisal(inventory):
        reasons.append(value_sentence(view, c))
    reasons += [f"Binding: {b.detail}" for b in bound]
    waiting = sorted(
        e.consumer
        for e in view.consumers(decision.system)
        if e.constraint.orders and e.consumer in view.chosen
    )
    if waiting:
        reasons.append(f"{names(waiting)} {form(len(waiting), 'waits', 'wait')} for it to finish.")
    if others:
        reasons.append(_best_alternative(view, c, others[0]))
    else:
        reasons.append("There is no other option or start period for it within its window.")
    return Explanation(
        decision.system,
        inventory.system(decision.system).name,
        decision,
        tuple(reasons),
        tuple(bound),
        tuple(_as_alternative(view, a) for a in others),
        0.0,
    )


def _best_alternative(view: RoadmapView, c: Candidate, best: Candidate) -> str:
    currency = view.inventory.portfolio.currency
    difference = best.npv - c.npv
    head = f"The best alternative, {_when(view, best)}, has an NPV of {money(best.npv, currency)}"
    if difference <= 0.005:
        return f"{head}, {money(-difference, currency)} less than the choice made."
    blocked = conflicts(view, best)
    if blocked:
        return (
            f"{head}, {money(difference, currency)} more on its own, but it does not fit this "
            f"roadmap: {'; '.join(b.detail.rstrip('.') for b in blocked[:3])}."
        )
    return (
        f"{head}, {money(difference, currency)} more on its own and it would fit with the rest "
        "of the roadmap unchanged; the roadmap was accepted within its optimality gap."
    )


# --- a retained system ---------------------------------------------------------------------


def _explain_retained(
    view: RoadmapView,
    system_id: str,
    options: PlanOptions,
    baseline_objective: float | None,
    progress: ProgressFn | None,
) -> Explanation:
    inventory = view.inventory
    currency = inventory.portfolio.currency
    system = inventory.system(system_id)
    reason = next((r.reason for r in view.roadmap.retained if r.system == system_id), None)
    if reason is None:
        reason = retained_reasons(view.estate, view.candidates)[system_id]
    reasons = [f"{system_id} is retained as it is: {reason}."]
    exposure = exposure_sentence(view, system_id)
    if exposure:
        reasons.append(exposure)
    others = alternatives(view, system_id, None)
    blocking: list[Binding] = []
    if others:
        best = others[0]
        blocking = conflicts(view, best)
        head = f"Its best choice would be {_when(view, best)}, NPV {money(best.npv, currency)}"
        if blocking:
            reasons.append(f"{head}, but that does not fit this roadmap as it stands.")
            reasons += [f"Blocked: {b.detail}" for b in blocking]
        else:
            reasons.append(
                f"{head}; it would fit alongside the roadmap as it stands, so leaving it out "
                "is a matter of value, not room."
            )
    forced_delta = None
    if not others:
        reasons.append(
            "It cannot be forced in: no option of it fits its window, so the cost of forcing "
            "it is undefined."
        )
    elif baseline_objective is None:
        reasons.append("The cost of forcing it in is unknown: there is no baseline objective.")
    else:
        forcing = force(inventory, system_id, view.roadmap, baseline_objective, options, progress)
        forced_delta = forcing.delta
        reasons += _forcing_reasons(view, forcing)
        if forcing.status == "infeasible":
            reasons += _why_not_reasons(view, system_id, options)
    return Explanation(
        system_id,
        system.name,
        None,
        tuple(reasons),
        tuple(blocking),
        tuple(_as_alternative(view, a) for a in others),
        forced_delta,
    )


def _forcing_reasons(view: RoadmapView, forcing: Forcing) -> list[str]:
    currency = view.inventory.portfolio.currency
    if forcing.delta is None:
        if forcing.status == "infeasible":
            return [
                "It cannot be forced in: no roadmap that includes it satisfies every rule "
                "(deadlines, locks, resources, dependencies, risk limits)."
            ]
        return [
            "The cost of forcing it in is unknown: no roadmap with it was found within the "
            "time limit."
        ]
    how = ""
    if forcing.decision is not None:
        d = forcing.decision
        how = f" (as {d.option} from {d.start})"
    if forcing.delta == 0.0:
        if forcing.clamped and (forcing.raw_delta or 0) > 1e-6 * max(abs(forcing.baseline or 1), 1):
            text = (
                f"Forcing it in{how} costs nothing measurable: the re-solve found a roadmap at "
                f"least as good that includes it (the baseline was within its optimality gap)."
            )
        else:
            text = f"Forcing it in{how} costs nothing: an equally good roadmap includes it."
    else:
        text = (
            f"Forcing it in{how} would lower the roadmap's total NPV by "
            f"{money(-forcing.delta, currency)} (from {money(forcing.baseline or 0, currency)} "
            f"to {money((forcing.baseline or 0) + forcing.delta, currency)})."
        )
    out = [text]
    moved = _displaced(forcing, currency)
    if moved:
        out.append(f"To make room it would displace {moved}.")
    added = forcing.displacement.added
    if added:
        out.append(f"It would also bring in {names(d.system for d in added[:MAX_LISTED])}.")
    if forcing.status == "feasible" and forcing.forced is not None:
        gap = 100 * (forcing.forced.gap or 0)
        out.append(f"(The forced re-solve stopped within {gap:.2f} % of optimal.)")
    return out


def _why_not_reasons(view: RoadmapView, system_id: str, options: PlanOptions) -> list[str]:
    diagnosis = why_not(view.inventory, system_id, options)
    found = diagnosis.relaxations or diagnosis.causes
    if not found:
        return []
    last = view.label(view.axis.count - 1)
    return [
        f"To force it in (due by {last}, the end of the horizon) you would have to: "
        + "; and ".join(r.message.rstrip(".") for r in found[:3])
        + "."
    ]


def _displaced(forcing: Forcing, currency: str) -> str:
    d = forcing.displacement
    parts = [f"{x.system} (dropped, NPV {money(x.npv, currency)})" for x in d.dropped]
    parts += [f"{a.system} (delayed from {a.start} to {b.start})" for a, b in d.delayed]
    parts += [f"{a.system} ({b.option} instead of {a.option})" for a, b in d.changed]
    if len(parts) > MAX_LISTED:
        parts = [*parts[:MAX_LISTED], f"{len(parts) - MAX_LISTED} more"]
    return names(parts)


# --- one line per decision, for reports ---------------------------------------------------------


def decision_reasons(inventory: Inventory, roadmap: Roadmap) -> dict[str, str]:
    """A one-line "why" per decision of `roadmap` (no solving)."""
    if not roadmap.has_plan:
        return {}
    view = RoadmapView(inventory, roadmap)
    currency = inventory.portfolio.currency
    out = {}
    for decision in roadmap.decisions:
        if not inventory.has_system(decision.system):
            continue
        c = view.chosen[decision.system]
        value = unit_value(view, c)  # reports show the NPV itself beside this line
        parts = [f"{value[0]} NPV per {value[1]}" if value else f"NPV {money(c.npv, currency)}"]
        local = [b for b in binding(view, c) if not b.name.startswith(PORTFOLIO_WIDE)]
        shorts = list(dict.fromkeys(b.short for b in local))
        text = "; ".join(parts)
        if shorts:
            text += "; " + ", ".join(shorts[:4])
        out[decision.system] = text
    return out


__all__ = ["Alternative", "Explanation", "decision_reasons", "explain_system"]

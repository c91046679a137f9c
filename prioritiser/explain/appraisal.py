"""The appraisal in an explanation: what a decision is worth part by part (optimism bias
stated), and what keeping a system as it is leaves exposed after its end of support."""

from __future__ import annotations

from prioritiser.economics import Appraisal
from prioritiser.explain.view import RoadmapView
from prioritiser.model.candidates import Candidate
from prioritiser.wording import money, names, plural


def value_sentence(view: RoadmapView, c: Candidate) -> str:
    """`Its value: £2.1m cashable, £0.3m non-cashable, … less £1.4m one-off costs (with
    optimism bias: 5 periods instead of 4, £1.4m instead of £1.0m).`"""
    currency = view.inventory.portfolio.currency
    appraisal = Appraisal.of(view.inventory)
    split = appraisal.split(c.system, c.option, c.start)
    parts = [
        (split.cashable, "cashable"),
        (split.non_cashable, "non-cashable"),
        (split.risk, "legacy risk removed"),
        (split.unsupported_avoided, "unsupported exposure avoided"),
        (split.appraised, "appraised NPV (business case)"),
    ]
    listed = [f"{money(v, currency)} {what}" for v, what in parts if abs(v) >= 0.5]
    text = f"Its value (present values): {names(listed) or 'nothing'}"
    if split.costs:
        text += f", less {money(-split.costs, currency)} of one-off costs"
    option = view.estate.system(c.system).option(c.option)
    changes = []
    if option.duration != option.base_duration:
        changes.append(f"{option.duration} periods instead of {option.base_duration}")
    if abs(option.cost - option.base_cost) >= 0.5:
        changes.append(
            f"{money(option.cost, currency)} instead of {money(option.base_cost, currency)}"
        )
    if changes:
        text += f" (with optimism bias: {', '.join(changes)})"
    excluded = sorted(
        {"cashable", "non_cashable", "risk", "unsupported"} - set(view.inventory.objective.include)
    )
    if excluded:
        text += f"; the objective leaves out {names(excluded)} (objective.include)"
    return text + "."


def exposure_sentence(view: RoadmapView, system_id: str) -> str | None:
    """`Kept as it is, it runs unsupported from 2028-Q1 for 8 periods: £1.2m expected loss.`"""
    appraisal = Appraisal.of(view.inventory)
    exposure = appraisal.exposure(system_id)
    if exposure is None:
        return None
    periods = exposure.periods(None)
    if periods <= 0:
        return None
    currency = view.inventory.portfolio.currency
    pv = appraisal.exposure_pv(system_id, None)
    loss = f": {money(pv, currency)} of expected loss (present value)" if pv else ""
    return (
        f"Kept as it is, it runs unsupported from {view.label(exposure.first)} for "
        f"{plural(periods, 'period')} to the end of the appraisal window{loss}."
    )

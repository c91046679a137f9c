"""Every option a business case considers for a system, doing nothing included: each at its
best start (the chosen one where the roadmap put it), with its cost and duration as the plan
schedules and pays them (optimism bias applied)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory, System
from prioritiser.model.candidates import CandidateSet, enumerate_candidates
from prioritiser.roadmap import Roadmap
from prioritiser.wording import money


@dataclass(frozen=True)
class OptionRow:
    """An option considered for a system, at its best start (doing nothing included)."""

    option: str
    kind: str
    chosen: bool
    start: str | None
    finish: str | None
    npv: float | None  # at its best start; 0 for doing nothing; None if no start fits
    cost: float  # one-off money, undiscounted, optimism bias applied (as the plan pays it)
    duration: int | None  # periods, optimism bias applied
    delivery_risk: int | None
    cashable_annual: float
    note: str


def options_considered(
    inventory: Inventory,
    roadmap: Roadmap,
    system: System,
    candidates: CandidateSet | None = None,
) -> tuple[OptionRow, ...]:
    """Every option of the system at its best start, and doing nothing. `candidates` (the
    estate's, enumerated once) saves enumerating the whole estate again for each system."""
    estate = inventory.estate
    if candidates is None:
        candidates = enumerate_candidates(estate, Appraisal.of(inventory))
    label = inventory.axis.label
    decision = roadmap.decision(system.id)
    rows = []
    by_option: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    for c in candidates.of(system.id):
        by_option[c.option].append((c.npv, c.start, c.finish))
    resolved = estate.system(system.id)
    for option in system.options:
        adjusted = resolved.option(option.id)  # what the plan schedules and pays
        found = sorted(by_option.get(option.id, []), key=lambda x: (-round(x[0], 2), x[1]))
        chosen = decision is not None and decision.option == option.id
        cashable = option.annual_saving + sum(b.annual for b in option.benefits if b.cashable)
        if chosen and decision is not None:
            npv, start, finish = decision.npv, decision.start, decision.finish
            note = "chosen"
        elif found:
            npv, first, last = found[0]
            start, finish = label(first), label(last)
            note = "best start shown; not chosen" if npv > 0 else "does not pay back"
        else:
            npv, start, finish = None, None, None
            note = "no start fits its window"
        rows.append(
            OptionRow(
                option.id,
                option.kind,
                chosen,
                start,
                finish,
                npv,
                adjusted.one_off_cost,
                adjusted.duration,
                option.delivery_risk,
                cashable,
                note,
            )
        )
    eos = system.end_of_support
    keep_note = "chosen" if decision is None else "not chosen"
    if eos:
        keep_note += f"; out of support after {eos}"
    rows.append(
        OptionRow(
            "retain",
            "do nothing",
            decision is None,
            None,
            None,
            0.0,
            0.0,
            None,
            None,
            0.0,
            keep_note
            + (
                f"; runs at {money(system.annual_run_cost or 0, inventory.portfolio.currency)} a year"
                if system.annual_run_cost
                else ""
            ),
        )
    )
    return tuple(rows)

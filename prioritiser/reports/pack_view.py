"""The board pack's evidence in words and formatted rows, shared by every renderer
(report.html, summary.md, roadmap.pptx): levers, the ways to close the largest risk, the
uncertainty range, the scenarios and the decisions a board is asked to take.

Inventory text is returned as typed; each renderer makes it inert for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass

from prioritiser.reports.analysis import Analysis
from prioritiser.scenarios.pack import BoardEvidence, Forced
from prioritiser.wording import millions, money, names, plural, with_names


@dataclass(frozen=True)
class LeverRow:
    limit: str  # "capex per quarter"
    now: str  # "£2.5m a quarter"
    unit: str  # "£1m a year"
    gain: str  # "+£0.6m" or "no gain"
    value: float  # NPV gained per unit (for sorting and charts)
    buys: str  # "brings in A and B; lets C go"
    binds: bool
    tight: bool
    one_more: str  # the table's "one more" cell: "£1m a year", "1 FTE", "1 risk point"


def evidence(a: Analysis) -> BoardEvidence | None:
    return a.board.evidence if a.board else None


def _name(a: Analysis, system_id: str) -> str:
    for row in a.systems:
        if row.system == system_id:
            return row.name
    return system_id


def lever_rows(a: Analysis) -> list[LeverRow]:
    """One row per lever, the most valuable first (ties in the inventory's order)."""
    found = evidence(a)
    if found is None:
        return []
    rows = []
    for lv in found.levers:
        gain = lv.gain
        if gain is None:
            text = f"not measured ({lv.status.replace('_', ' ')})"
        elif gain > 0:
            text = f"+{millions(gain, a.currency, 2)}"
        else:
            text = "no gain"
        buys = []
        if lv.added:
            buys.append(f"brings in {names(_name(a, s) for s in lv.added)}")
        if lv.dropped:
            buys.append(f"lets {names(_name(a, s) for s in lv.dropped)} go")
        rows.append(
            LeverRow(
                lv.change.label,
                lv.change.now,
                lv.change.unit,
                text,
                gain or 0.0,
                "; ".join(buys),
                lv.binds,
                lv.tight,
                lv.change.unit if lv.change.money else f"1 {lv.change.unit}",
            )
        )
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(rows, key=lambda r: (-round(r.value, 2), order[id(r)]))


def levers_note(a: Analysis) -> str:
    """How the levers were measured, for the panel's note."""
    found = evidence(a)
    if found is None or found.optimum is None:
        return ""
    cur = a.currency
    shown = a.objective or 0.0
    text = (
        "Each lever is measured by re-solving the model with that one limit raised by one "
        "unit, against today's proven optimum of "
        f"{money(found.optimum, cur)} (both solves proven optimal, gap 0; these are re-solves, "
        "not LP dual prices)."
    )
    if abs(found.optimum - shown) > 0.5:
        text += (
            f" The roadmap shown is {money(found.optimum - shown, cur)} short of that optimum, "
            "within the gap it was planned to."
        )
    return text


@dataclass(frozen=True)
class WayRow:
    how: str  # "Rehost it within today's limits" / "Rehost and raise the … by 2 risk points"
    when: str  # "rehost, 2029-Q3 – 2029-Q4"
    price: str  # NPV given up, against the optimum under the same limits
    value: float
    raise_note: str  # what the raise is worth alone ("" without one)
    gives_up: str  # "drops A and B; brings in C"


def largest_risk(a: Analysis) -> tuple[str, str, list[WayRow]] | None:
    """(system name, why it is the largest risk left, the ways, cheapest first)."""
    found = evidence(a)
    if found is None or found.risk is None:
        return None
    risk = found.risk
    rows = [_way_row(a, w) for w in risk.ways if w.price is not None]
    return _name(a, risk.system), ", ".join(risk.facts), rows


def risk_blocked(a: Analysis) -> list[str]:
    """When no way closes the largest risk within the rules: which rules stand in the way."""
    found = evidence(a)
    if found is None or found.risk is None or any(w.price is not None for w in found.risk.ways):
        return []
    named = {r.system: r.name for r in a.systems}
    return [with_names(m[0].upper() + m[1:], named) for m in found.risk.blocked]


def _way_row(a: Analysis, w: Forced) -> WayRow:
    cur = a.currency
    option = (w.option or "modernise").capitalize()
    raise_note = ""
    if w.raised is None:
        how = f"{option} within today's limits"
    else:
        amount = w.raised.delta * w.raised_by
        step = money(amount, cur) if w.raised.money else plural(round(amount), w.raised.unit)
        how = f"{option} and raise the {w.raised.label} by {step}"
        if w.raise_value is not None:
            raise_note = (
                f"the raise alone would add {millions(w.raise_value, cur, 2)}; closing the "
                "risk takes this much of it"
            )
    when = ""
    if w.decision is not None:
        d = w.decision
        when = (
            f"{d.option}, {d.start}"
            if d.start == d.finish
            else f"{d.option}, {d.start} – {d.finish}"
        )
    parts = []
    if w.dropped:
        parts.append(f"drops {names(_name(a, s) for s in w.dropped)}")
    if w.added:
        parts.append(f"brings in {names(_name(a, s) for s in w.added)}")
    price = w.price or 0.0
    return WayRow(how, when, millions(price, cur, 2), price, raise_note, "; ".join(parts))


def uncertainty_text(a: Analysis) -> tuple[str, str, str] | None:
    """(P10–P90 range, P50, how it was measured)."""
    found = evidence(a)
    if found is None or found.uncertainty is None:
        return None
    u = found.uncertainty
    cur = a.currency
    span = f"{millions(u.p10, cur)} – {millions(u.p90, cur)}"
    how = (
        f"P10–P90 of the planned roadmap's NPV over {plural(u.samples, 'sample')} of cost, "
        f"duration and benefit uncertainty (optimism-bias style ranges per option kind; "
        f"seed {u.seed}); planned on central estimates: {millions(u.planned, cur)}."
    )
    return span, millions(u.p50, cur), how


def decisions_asked(a: Analysis) -> list[str]:
    """What the board is asked to decide, from the roadmap and its evidence."""
    cur = a.currency
    out = []
    budget = a.budget
    spend = f"{money(a.one_off_spend, cur)} of one-off spend"
    if budget is not None and budget.total_cap is not None:
        spend += f" within the {money(budget.total_cap, cur)} budget"
    out.append(
        f"Approve the roadmap: {a.systems_modernised} systems modernised over {a.horizon} for "
        f"{spend}, worth {money(a.objective or 0.0, cur)} of NPV."
    )
    if a.retained_past_support:
        rows = {r.system: r for r in a.systems}
        named = [rows[s].name for s in a.retained_past_support]
        levers = [r for r in lever_rows(a) if r.binds]
        see = " (see the levers)" if levers else ""
        out.append(
            f"Accept the risk of running {plural(len(named), 'retained system')} past end of "
            f"support ({names(named)}), or fund a way to close it{see}."
        )
    levers = [r for r in lever_rows(a) if r.binds]
    if levers:
        best = levers[0]
        out.append(
            f"Decide whether to raise the {best.limit}, today {best.now}: each {best.unit} "
            f"more adds {best.gain.lstrip('+')} of NPV."
        )
    return out

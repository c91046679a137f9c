"""The appraisal in words and Markdown: headline rows, the risk banner, and the sections of
summary.md (value split, money by financial year, what is left unsupported, optimism bias).

The sentences are shared with report.html and the workbook, so every report says the same
thing the same way. Every figure says what it is: present value or in-year cash, optimism
bias applied or as stated, the currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prioritiser.reports.appraisal import AppraisalReport, DecisionAppraisal
from prioritiser.textsafe import markdown_table, markdown_text
from prioritiser.wording import money, names, plural

PART_NAMES = {
    "cashable": "cashable",
    "non_cashable": "non-cashable",
    "risk": "risk",
    "unsupported": "unsupported exposure avoided",
}


def objective_text(p: AppraisalReport) -> str:
    """What the objective counts, when it leaves something out (else "")."""
    if not p.excluded:
        return ""
    counted = names(PART_NAMES[name] for name in p.include) or "costs only"
    return (
        f"the objective counts {counted} (objective.include); the full NPV, every part "
        f"counted, is {money(p.npv, p.currency)}"
    )


def cash_text(p: AppraisalReport) -> str:
    text = "cashable savings and benefits less one-off and set-up costs (present value)"
    if abs(p.value.appraised) >= 0.5:
        text += f"; {money(p.value.appraised, p.currency)} of appraised business-case NPVs left out"
    return text


def bcr_value(p: AppraisalReport) -> str:
    return "—" if p.bcr is None else f"{p.bcr:.2f}"


def bcr_text(p: AppraisalReport) -> str:
    cur = p.currency
    return (
        f"{money(p.benefits, cur)} of benefits counted for {money(p.costs, cur)} of costs "
        "(present values)"
    )


def exposure_text(p: AppraisalReport) -> str:
    count = len(p.unsupported)
    if not count:
        return "no system runs past its end of support"
    priced = " (expected loss, present value)" if p.exposure_left else " (not priced)"
    return f"{plural(count, 'system')} run past end of support{priced}"


def policy_text(p: AppraisalReport) -> str:
    policy = p.policy
    if policy is None:
        return ""
    cur = p.currency
    text = (
        f"of NPV, for forbidding {names(policy.forbid)} systems to run unsupported "
        f"(the plan without the policy: {money(policy.objective_without, cur)})"
    )
    if abs(policy.high - policy.low) >= 0.5:
        text += f"; between {money(policy.low, cur)} and {money(policy.high, cur)} given the gaps"
    return text


def spend_text(p: AppraisalReport) -> str:
    """`on capex £19.0m and rdel £8.1m, optimism bias applied (undiscounted)`."""
    totals = {name: sum(y.spend.get(name, 0.0) for y in p.years) for name in p.money}
    listed = names(f"{name} {money(total, p.currency)}" for name, total in totals.items())
    uplift = sum(y.uplift for y in p.years)
    text = f"on {listed}" if listed else "none"
    if uplift >= 0.5:
        text += f", including {money(uplift, p.currency)} of optimism bias"
    return text + " (undiscounted)"


def headline_rows(p: AppraisalReport) -> list[list[str]]:
    """Rows the summary's headline table gains."""
    cur = p.currency
    rows = [
        ["Cash-only NPV", f"**{money(p.cash_npv, cur)}** — {cash_text(p)}"],
        ["Benefit–cost ratio", f"**{bcr_value(p)}** — {bcr_text(p)}"],
        ["Unsupported exposure left", f"**{money(p.exposure_left, cur)}** — {exposure_text(p)}"],
    ]
    if p.policy is not None:
        rows.append(["Price of the policy", f"**{money(p.policy.cost, cur)}** {policy_text(p)}"])
    return rows


def attention(p: AppraisalReport) -> list[str]:
    """Systems left unsupported, worst exposure first: the risk the plan accepts."""
    cur = p.currency
    return [
        f"{r.name} ({r.criticality}, {r.decision}; unsupported from {r.unsupported_from} for "
        f"{plural(r.periods, 'period')}, {money(r.exposure, cur)})"
        for r in p.unsupported
    ]


# --- the appraisal's tables (summary.md, report.html) -----------------------------------------


@dataclass(frozen=True)
class Table:
    """A table of plain text cells (renderers escape them for their format)."""

    id: str
    title: str
    note: str
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)


def tables(p: AppraisalReport) -> list[Table]:
    """Value split, money by financial year, left unsupported, optimism bias (when any)."""
    out = [value_split(p), money_by_year(p), left_unsupported(p)]
    bias = optimism_bias(p)
    return out + ([bias] if bias is not None else [])


def sections(p: AppraisalReport) -> list[str]:
    """The tables as summary.md sections."""
    lines: list[str] = []
    for t in tables(p):
        rows = [[markdown_text(cell) for cell in row] for row in t.rows]
        lines += ["", f"## {t.title}", "", markdown_text(t.note)]
        if t.headers:
            lines += ["", *markdown_table([markdown_text(h) for h in t.headers], rows, t.numeric)]
    return lines


def value_split(p: AppraisalReport) -> Table:
    cur = p.currency
    rows = [
        [part.label, money(part.value, cur), "yes" if part.counted else "no"]
        for part in p.parts
        if abs(part.value) >= 0.5 or part.key in ("cashable", "costs")
    ]
    rows.append(["Net present value", money(p.npv, cur), ""])
    return Table(
        "value-split",
        "Value split",
        "Present values to the start of the plan, optimism bias applied. The objective counts "
        "the parts marked yes (objective.include); one-off costs always count.",
        ["Part", "Present value", "In the objective"],
        rows,
        {1},
    )


def money_by_year(p: AppraisalReport) -> Table:
    cur = p.currency
    headers = ["Financial year", "Periods", *[f"{name} (one-off)" for name in p.money]]
    headers += ["of which optimism bias", "Cashable savings"]
    rows = []
    for y in p.years:
        cells = [y.label, y.periods or "after the plan"]
        for name in p.money:
            cap = y.caps.get(name)
            cell = money(y.spend.get(name, 0.0), cur)
            cells.append(f"{cell} / {money(cap, cur)}" if cap is not None else cell)
        cells += [money(y.uplift, cur), money(y.cashable, cur)]
        rows.append(cells)
    return Table(
        "money-by-year",
        "Money by financial year",
        "In-year cash, undiscounted: one-off spend on each money resource (optimism bias "
        "applied; spend / cap where a per_year cap is set) and cashable savings (after dual "
        "running and ramp-up).",
        headers,
        rows,
        set(range(2, len(headers))),
    )


def left_unsupported(p: AppraisalReport) -> Table:
    if not p.unsupported:
        note = "No system runs past its end of support under this roadmap."
        return Table("unsupported", "Left unsupported", note, [], [])
    headers = ["System", "Department", "Criticality", "End of support", "Decision",
               "Unsupported from", "Periods", "Exposure (PV)"]  # fmt: skip
    rows = [
        [f"{r.name} ({r.system})", r.department, r.criticality, r.end_of_support, r.decision,
         r.unsupported_from, str(r.periods), money(r.exposure, p.currency)]
        for r in p.unsupported
    ]  # fmt: skip
    summary = exposure_text(p)
    return Table(
        "unsupported",
        "Left unsupported",
        f"{summary[0].upper()}{summary[1:]}: {money(p.exposure_left, p.currency)} in all. A "
        "retained system counts to the end of the appraisal window; one being modernised "
        "until its option's last period in flight.",
        headers,
        rows,
        {6, 7},
    )


def _bias_row(d: DecisionAppraisal, currency: str) -> list[str]:
    return [
        f"{d.name} ({d.system})",
        d.kind,
        str(d.base_duration),
        str(d.duration),
        money(d.base_cost, currency),
        money(d.cost, currency),
    ]


def optimism_bias(p: AppraisalReport) -> Table | None:
    if not p.biased:
        return None
    headers = ["System", "Kind", "Periods (base)", "Periods (adjusted)",
               "One-off cost (base)", "One-off cost (adjusted)"]  # fmt: skip
    return Table(
        "optimism-bias",
        "Optimism bias: base and adjusted",
        "The plan schedules and pays for the adjusted figures (appraisal.optimism_bias); the "
        "base figures are as the inventory states them.",
        headers,
        [_bias_row(d, p.currency) for d in p.biased],
        {2, 3, 4, 5},
    )

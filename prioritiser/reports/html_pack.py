"""The board-pack parts of report.html as formatted view data: governance, the uncertainty
KPI, decisions asked, levers, the largest risk left, scenarios, and a business case per
system. The template autoescapes every string (inventory text included)."""

from __future__ import annotations

from dataclasses import dataclass

from prioritiser.reports import pack_view
from prioritiser.reports.analysis import Analysis
from prioritiser.reports.board import BusinessCase
from prioritiser.scenarios.pack import ScenarioRow
from prioritiser.wording import millions, money, number


@dataclass(frozen=True)
class OptionView:
    option: str
    kind: str
    chosen: bool
    when: str
    npv: str
    cost: str
    risk: str
    cashable: str
    note: str


@dataclass(frozen=True)
class CaseView:
    system: str
    name: str
    department: str
    decision: str
    modernised: bool
    people: str  # "Owner: … · SRO: …"
    figures: list[tuple[str, str]]
    years: list[str]
    cost: list[str]
    savings: list[str]
    reasons: list[str]
    forcing: str
    options: list[OptionView]
    warn: str  # unsupported wording


def case_views(a: Analysis) -> list[CaseView]:
    board = a.board
    if board is None:
        return []
    return [_case_view(a, c) for c in board.cases.values()]


def _case_view(a: Analysis, c: BusinessCase) -> CaseView:
    cur = a.currency
    board = a.board
    assert board is not None
    figures = []
    if c.modernised:
        cost = money(c.one_off_cost, cur)
        if c.base_cost is not None:
            cost += f" ({money(c.base_cost, cur)} before optimism bias)"
        figures += [
            ("NPV", money(c.npv or 0.0, cur)),
            ("One-off cost", cost),
            ("Cashable a year", money(c.cashable_annual, cur)),
            ("Non-cashable a year", money(c.non_cashable_annual, cur)),
            ("Pays back by", c.payback or "not within the years shown"),
            ("Legacy risk removed", f"{number(c.risk_removed)} of {c.risk_points} points"),
        ]
        if c.cash_npv is not None:
            figures.insert(1, ("Cash-only NPV", money(c.cash_npv, cur)))
        if c.exposure_avoided:
            figures.append(("Unsupported exposure avoided (PV)", money(c.exposure_avoided, cur)))
    else:
        figures += [
            ("Criticality", c.criticality),
            ("Legacy risk kept", f"{c.risk_points} points"),
        ]
        if c.case.npv is not None:
            figures.append(("Best option on its own", money(c.case.npv, cur)))
    if c.exposure_left:
        figures.append(("Unsupported exposure left (PV)", money(c.exposure_left, cur)))
    figures.append(("End of support", c.end_of_support or "none recorded"))
    people = " · ".join(
        part
        for part in (f"Owner: {c.owner}" if c.owner else "", f"SRO: {c.sro}" if c.sro else "")
        if part
    )
    options = [
        OptionView(
            o.option,
            o.kind,
            o.chosen,
            ""
            if o.start is None
            else (o.start if o.start == o.finish else f"{o.start} – {o.finish}"),
            "—" if o.npv is None else money(o.npv, cur),
            money(o.cost, cur) if o.cost else "—",
            "" if o.delivery_risk is None else str(o.delivery_risk),
            money(o.cashable_annual, cur) if o.cashable_annual else "—",
            o.note,
        )
        for o in c.options
    ]
    shown = [i for i, v in enumerate(c.cost_by_year) if v or c.cashable_by_year[i]]
    years = list(board.years.labels)
    return CaseView(
        system=c.system,
        name=c.name,
        department=c.department,
        decision=c.decision,
        modernised=c.modernised,
        people=people,
        figures=figures,
        years=years if shown else [],
        cost=[millions(v, cur, 2) if v else "—" for v in c.cost_by_year],
        savings=[millions(v, cur, 2) if v else "—" for v in c.cashable_by_year],
        reasons=[r.text for r in c.case.reasons],
        forcing=c.forcing,
        options=options,
        warn=c.unsupported,
    )


@dataclass(frozen=True)
class ScenarioView:
    name: str
    description: str
    status: str
    npv: str
    change: str
    modernised: str
    spend: str
    changes: list[str]


def scenario_views(a: Analysis) -> list[ScenarioView]:
    found = pack_view.evidence(a)
    if found is None:
        return []
    base = a.objective or 0.0
    cur = a.currency
    out = []
    for s in found.scenarios:
        if s.name == "baseline":
            continue
        out.append(_scenario_view(s, base, cur))
    return out


def _scenario_view(s: ScenarioRow, base: float, cur: str) -> ScenarioView:
    change = "—"
    if s.objective is not None:
        diff = s.objective - base
        share = f" ({100 * diff / abs(base):+.1f} %)" if base else ""
        change = f"{'+' if diff >= 0 else ''}{millions(diff, cur)}{share}"
    changes = [f"{system}: {kind}, {was} → {now}" for system, kind, was, now in s.changes]
    return ScenarioView(
        s.name,
        s.description,
        s.status.replace("_", " "),
        "—" if s.objective is None else millions(s.objective, cur),
        change,
        "—" if s.modernised is None else str(s.modernised),
        "—" if s.spend is None else millions(s.spend, cur),
        changes,
    )

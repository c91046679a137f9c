"""The workbook's other sheets, one table each: the cover (governance and what each sheet
holds), the roadmap, business cases, options considered, retained systems, who pays and who
benefits, value crossing departments, the board pack's evidence, and the assumptions."""

from __future__ import annotations

from prioritiser.reports import pack_view
from prioritiser.reports.analysis import PLATFORMS, Analysis
from prioritiser.reports.assumptions import Assumption
from prioritiser.reports.board import Board
from prioritiser.reports.excel.cells import (
    INTEGER,
    NUMBER,
    PERCENT,
    Book,
    Column,
    col,
    table,
)
from prioritiser.wording import currency_symbol, plural


def cover(book: Book, a: Analysis, board: Board, sheets: list[tuple[str, str]]) -> None:
    """Governance, what the workbook is, how to read it, and what each sheet holds."""
    sheet = book.sheet(0)  # a new workbook's one sheet: the cover comes first
    sheet.title = "Cover"
    paper = board.paper
    rows: list[list[object]] = [["Portfolio", a.portfolio], ["Horizon", a.horizon]]
    rows += [[label, value] for label, value in paper.rows]
    rows += [
        [
            "Money",
            f"{a.currency}; shown in millions ({currency_symbol(a.currency)}2.50m), each cell "
            "holds the exact amount",
        ],
        [
            "What the money is",
            "One-off costs, spend and savings by period and year are in-year cash, undiscounted"
            + (
                ", one-off costs with optimism bias applied (as the plan schedules and pays them)"
                if board.optimism_bias
                else ""
            )
            + "; NPVs are present values at the start of the plan",
        ],
        ["Years", board.years.note],
        ["People", f"FTE per {a.period_noun}; over the horizon in FTE-{a.period_noun}s"],
        [
            "Editing",
            "Shaded cells are inputs: change a cost or a capacity and every total, "
            "year, use and headroom recomputes (totals are formulas)",
        ],
    ]
    rows += [[f"Sheet: {name}", what] for name, what in sheets]
    table(
        sheet,
        [Column("Item", width=30), Column("Value", width=110, wrap=True)],
        rows,
    )


def roadmap(book: Book, a: Analysis, money: str) -> None:
    """One row per modernised system and platform set-up, with totals."""
    sheet = book.workbook.create_sheet("Roadmap")
    cases = a.board.cases if a.board else {}
    columns = [
        Column("System", width=26),
        Column("Name", width=34, wrap=True),
        Column("Department", width=13),
        Column("Owner", width=16, wrap=True),
        Column("SRO", width=16, wrap=True),
        Column("Option", width=13),
        Column("Kind", width=12),
        Column("Start", width=9),
        Column("Finish", width=9),
        Column("NPV", money, 12),
        Column("One-off cost", money, 12),
        Column("Cashable a year", money, 12),
        Column("Legacy risk removed (points)", NUMBER, 11),
        Column("Delivery risk", INTEGER, 9),
        Column("End of support", width=10),
        Column("Why", width=60, wrap=True),
    ]
    rows: list[list[object]] = []
    for r in a.systems:
        if not r.modernised:
            continue
        case = cases.get(r.system)
        rows.append(
            [
                r.system,
                r.name,
                r.department,
                case.owner if case else "",
                case.sro if case else "",
                f"{r.option} (estimate)" if r.estimated else r.option,
                r.kind,
                r.start,
                r.finish,
                r.npv,
                r.one_off_cost,
                r.cashable_annual,
                r.risk_removed,
                r.delivery_risk,
                r.end_of_support or "",
                a.why.get(r.system, ""),
            ]
        )
    for p in a.platforms:
        rows.append(
            [
                p.id,
                p.name,
                PLATFORMS,
                "",
                "",
                "set-up",
                "platform",
                p.start,
                p.finish,
                -p.cost_pv,
                p.cost,
                0.0,
                0.0,
                None,
                "",
                f"shared platform used by {plural(len(p.users), 'modernised system')}",
            ]
        )
    last = table(sheet, columns, rows, freeze="C2")
    if last > 1:
        book.total_row(
            sheet,
            last + 1,
            "Total",
            {c: f"=SUM({col(c)}2:{col(c)}{last})" for c in (10, 11, 12, 13)},
            {10: money, 11: money, 12: money, 13: NUMBER},
        )


def business_cases(book: Book, a: Analysis, board: Board, money: str) -> None:
    """One row per system: its case in figures and words."""
    sheet = book.workbook.create_sheet("Business cases")
    columns = [
        Column("System", width=24),
        Column("Name", width=30, wrap=True),
        Column("Department", width=12),
        Column("Owner", width=16, wrap=True),
        Column("SRO", width=16, wrap=True),
        Column("Criticality", width=10),
        Column("Decision", width=24, wrap=True),
        Column("NPV", money, 11),
        Column("One-off cost", money, 11),
        Column("Cashable a year", money, 11),
        Column("Non-cashable a year", money, 11),
        Column("Pays back by", width=10),
        Column("Legacy risk (points)", INTEGER, 9),
        Column("Risk removed (points)", NUMBER, 9),
        Column("End of support", width=10),
        Column("Unsupported", width=26, wrap=True),
        Column("Why (summary)", width=44, wrap=True),
        Column("Reasons", width=80, wrap=True),
        Column("Price of forcing it in or out", width=50, wrap=True),
        Column("One-off cost before optimism bias", money, 13),
        Column("Cash-only NPV", money, 12),
        Column("Unsupported exposure avoided", money, 13),
        Column("Unsupported exposure left", money, 13),
    ]
    rows = [
        [
            c.system,
            c.name,
            c.department,
            c.owner,
            c.sro,
            c.criticality,
            c.decision,
            c.npv,
            c.one_off_cost,
            c.cashable_annual,
            c.non_cashable_annual,
            c.payback or "",
            c.risk_points,
            c.risk_removed,
            c.end_of_support or "",
            c.unsupported,
            c.case.summary,
            " ".join(r.text for r in c.case.reasons),
            c.forcing,
            c.base_cost,
            c.cash_npv,
            c.exposure_avoided,
            c.exposure_left,
        ]
        for c in board.cases.values()
    ]
    table(sheet, columns, rows, freeze="C2")


def options_considered(book: Book, board: Board, money: str) -> None:
    """Every option of every system at its best start, doing nothing included."""
    sheet = book.workbook.create_sheet("Options considered")
    columns = [
        Column("System", width=24),
        Column("Option", width=13),
        Column("Kind", width=12),
        Column("Chosen", width=8),
        Column("Start", width=9),
        Column("Finish", width=9),
        Column("NPV at its best start", money, 13),
        Column("One-off cost", money, 12),
        Column("Duration (periods)", INTEGER, 9),
        Column("Delivery risk", INTEGER, 9),
        Column("Cashable a year", money, 12),
        Column("Note", width=50, wrap=True),
    ]
    rows = [
        [
            c.system,
            o.option,
            o.kind,
            "yes" if o.chosen else "",
            o.start or "",
            o.finish or "",
            o.npv,
            o.cost,
            o.duration,
            o.delivery_risk,
            o.cashable_annual,
            o.note,
        ]
        for c in board.cases.values()
        for o in c.options
    ]
    table(sheet, columns, rows, freeze="B2")


def retained(book: Book, a: Analysis) -> None:
    """The systems kept as they are, with the reason and any end of support they pass."""
    sheet = book.workbook.create_sheet("Retained")
    past = set(a.retained_past_support)
    rows = [
        [
            r.system,
            r.name,
            r.department,
            r.criticality,
            r.risk_points,
            r.end_of_support or "",
            "yes" if r.system in past else "",
            a.why.get(r.system, ""),
        ]
        for r in a.systems
        if not r.modernised
    ]
    columns = [
        Column("System", width=26),
        Column("Name", width=36, wrap=True),
        Column("Department", width=14),
        Column("Criticality", width=11),
        Column("Legacy risk (points)", INTEGER, 11),
        Column("End of support", width=11),
        Column("Out of support within the plan", width=13),
        Column("Why retained", width=90, wrap=True),
    ]
    table(sheet, columns, rows)


def benefits(book: Book, a: Analysis, money: str) -> None:
    """Who pays and who benefits, by department (present values), with totals."""
    sheet = book.workbook.create_sheet("Benefits by department")
    columns = [
        Column("Department", width=22),
        Column("Pays: one-off cost (present value)", money, 20),
        Column("Benefits: savings and value (present value)", money, 20),
        Column("Net (present value)", money, 18),
        Column("Cashable a year", money, 16),
        Column("Non-cashable a year", money, 18),
    ]
    rows: list[list[object]] = [
        [d.department, d.pays_pv, d.benefits_pv, None, d.cashable_annual, d.non_cashable_annual]
        for d in a.departments
    ]
    if a.platforms_cost_pv:
        rows.append([PLATFORMS, a.platforms_cost_pv, 0.0, None, 0.0, 0.0])
    last = table(sheet, columns, rows)
    for r in range(2, last + 1):
        book.formula(sheet, r, 4, f"=C{r}-B{r}", money)
    if last > 1:
        book.total_row(
            sheet,
            last + 1,
            "Total",
            {c: f"=SUM({col(c)}2:{col(c)}{last})" for c in range(2, 7)},
            dict.fromkeys(range(2, 7), money),
        )


def cross_department(book: Book, a: Analysis, money: str) -> None:
    sheet = book.workbook.create_sheet("Value across departments")
    columns = [
        Column("Paid by", width=18),
        Column("Lands in", width=18),
        Column("A year", money, 14),
        Column("Present value", money, 16),
        Column("Cashable", width=10),
    ]
    rows = [
        [f.payer, f.beneficiary, f.annual, f.pv, "yes" if f.cashable else "no"]
        for f in a.cross_department
    ]
    table(sheet, columns, rows)


def levers(book: Book, a: Analysis, money: str) -> None:
    """The levers (re-solves), one row each, most valuable first."""
    rows = pack_view.lever_rows(a)
    if not rows:
        return
    sheet = book.workbook.create_sheet("Levers")
    columns = [
        Column("Limit", width=32),
        Column("Today", width=26),
        Column("One more", width=14),
        Column("NPV gained per unit", money, 16),
        Column("Binds", width=8),
        Column("What it changes", width=80, wrap=True),
    ]
    table(
        sheet,
        columns,
        [[r.limit, r.now, r.one_more, r.value, "yes" if r.binds else "no", r.buys] for r in rows],
    )


def largest_risk(book: Book, a: Analysis, money: str) -> None:
    found = pack_view.largest_risk(a)
    if found is None:
        return
    name, facts, ways = found
    sheet = book.workbook.create_sheet("Largest risk left")
    columns = [
        Column(f"Way to close: {name} ({facts})", width=60, wrap=True),
        Column("As", width=26),
        Column("NPV it costs (against the best roadmap under the same limits)", money, 20),
        Column("What else moves", width=70, wrap=True),
        Column("The raise", width=50, wrap=True),
    ]
    table(sheet, columns, [[w.how, w.when, w.value, w.gives_up, w.raise_note] for w in ways])


def uncertainty(book: Book, a: Analysis, money: str) -> None:
    found = pack_view.evidence(a)
    if found is None or found.uncertainty is None:
        return
    u = found.uncertainty
    sheet = book.workbook.create_sheet("Uncertainty")
    rows: list[tuple[str, float, str]] = [
        ("NPV as planned (central estimates)", u.planned, "money"),
        ("P10", u.p10, "money"),
        ("P50", u.p50, "money"),
        ("P90", u.p90, "money"),
        ("Mean", u.mean, "money"),
        ("Samples", u.samples, "number"),
        ("Seed", u.seed, "number"),
    ]
    rows += [(f"Chance the plan overruns {r}", share, "percent") for r, share in u.overrun]
    table(sheet, [Column("Figure", width=40), Column("Value", width=16)], [r[:2] for r in rows])
    for i, (_, _, kind) in enumerate(rows, start=2):
        cell = sheet.cell(row=i, column=2)
        cell.number_format = {"money": money, "percent": PERCENT, "number": INTEGER}[kind]


def assumptions(book: Book, a: Analysis, money: str) -> None:
    """Portfolio settings, resources, risk appetite and the solver's proof of quality."""
    sheet = book.workbook.create_sheet("Assumptions")
    formats = {"money": money, "percent": PERCENT, "number": "General"}

    def value(item: Assumption) -> object:
        return "" if item.value is None else item.value

    rows = [[item.group, item.label, value(item)] for item in a.assumptions]
    table(
        sheet,
        [Column("Group", width=16), Column("Setting", width=48), Column("Value", width=36)],
        rows,
    )
    for row, item in enumerate(a.assumptions, start=2):
        cell = sheet.cell(row=row, column=3)
        if item.kind in formats and item.value is not None:
            cell.number_format = formats[item.kind]


def scenarios(book: Book, a: Analysis, money: str) -> None:
    found = pack_view.evidence(a)
    rows = [s for s in (found.scenarios if found else ()) if s.name != "baseline"]
    if not rows:
        return
    sheet = book.workbook.create_sheet("Scenarios")
    columns = [
        Column("Scenario", width=20),
        Column("Description", width=40, wrap=True),
        Column("Status", width=11),
        Column("NPV", money, 13),
        Column("Change against this roadmap", money, 14),
        Column("Systems modernised", INTEGER, 11),
        Column("One-off spend", money, 13),
        Column("What changes", width=80, wrap=True),
    ]
    data: list[list[object]] = []
    for s in rows:
        changes = "; ".join(
            f"{system}: {kind}, {was} → {now}" for system, kind, was, now in s.changes
        )
        data.append(
            [s.name, s.description, s.status, s.objective, None, s.modernised, s.spend, changes]
        )
    last = table(sheet, columns, data)
    base = a.objective or 0.0
    for r in range(2, last + 1):
        if sheet.cell(row=r, column=4).value is not None:
            book.formula(sheet, r, 5, f"=D{r}-{base:.2f}", money)

"""The appraisal in `roadmap.xlsx`: sheets for a finance team (DESIGN.md "Appraisal v2").

Added after the workbook's own sheets when the inventory uses appraisal keys: "Appraisal"
(the headline figures — NPV, cash-only NPV, benefit–cost ratio, exposure left, the price of
the forbid policy — then the value split and what the periods mean), "Money by financial
year", "Unsupported" and "Optimism bias". Money cells are numbers with the currency's format;
every figure says whether it is a present value or in-year cash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from prioritiser.reports import appraisal_words
from prioritiser.reports.appraisal import AppraisalReport

SHEETS = ("Appraisal", "Money by financial year", "Unsupported", "Optimism bias")
BOLD = Font(bold=True)
RATIO = "0.00"
INTEGER = "0"

TableWriter = Callable[..., int]  # excel._table: (sheet, headers, rows, formats, widths) -> row


def _pennies(value: float | None) -> float | None:
    """Money to the penny, as roadmap.json states it (stable cells across solver noise)."""
    return None if value is None else round(value, 2)


def appraisal_sheets(
    workbook: Workbook, p: AppraisalReport, money: str, table: TableWriter
) -> None:
    """Add the appraisal's sheets to `workbook`, written with the workbook's `table` style."""
    headline_sheet(workbook.create_sheet(SHEETS[0]), p, money, table)
    years_sheet(workbook.create_sheet(SHEETS[1]), p, money, table)
    unsupported_sheet(workbook.create_sheet(SHEETS[2]), p, money, table)
    bias_sheet(workbook.create_sheet(SHEETS[3]), p, money, table)


def headline_sheet(sheet: Worksheet, p: AppraisalReport, money: str, table: TableWriter) -> None:
    """The headline figures, then the value split (present values)."""
    rows: list[Sequence[object]] = [
        [
            "Net present value (objective)",
            _pennies(p.objective),
            "present value, optimism bias applied",
        ],
        ["Net present value (every part)", _pennies(p.npv), "the value split below, summed"],
        ["Cash-only NPV", _pennies(p.cash_npv), appraisal_words.cash_text(p)],
        [
            "Benefit–cost ratio",
            None if p.bcr is None else round(p.bcr, 4),
            appraisal_words.bcr_text(p),
        ],
        ["Unsupported exposure left", _pennies(p.exposure_left), appraisal_words.exposure_text(p)],
    ]
    if p.policy is not None:
        rows.append(
            ["Price of the policy", _pennies(p.policy.cost), appraisal_words.policy_text(p)]
        )
    rows.append(["", None, ""])
    rows.append(["Value split (present values)", None, "in the objective"])
    split_start = len(rows) + 2
    rows += [
        [part.label, _pennies(part.value), "yes" if part.counted else "no"] for part in p.parts
    ]
    rows += [["", None, ""], ["Periods", None, p.period_note]]
    table(sheet, ["Figure", "Value", "What it is"], rows, {2: money}, (34, 16, 90))
    sheet.cell(row=5, column=2).number_format = RATIO  # the benefit–cost ratio
    sheet.cell(row=split_start - 1, column=1).font = BOLD


def years_sheet(sheet: Worksheet, p: AppraisalReport, money: str, table: TableWriter) -> None:
    """Per financial year: one-off spend per money resource and its per_year cap, the
    optimism-bias part of it, and cashable savings (in-year cash, undiscounted)."""
    headers = ["Financial year", "Periods"]
    for name in p.money:
        headers += [f"{name} one-off spend", f"{name} per_year cap"]
    headers += ["of which optimism bias", "Cashable savings"]
    rows = []
    for y in p.years:
        row: list[object] = [y.label, y.periods or "after the plan"]
        for name in p.money:
            row += [_pennies(y.spend.get(name, 0.0)), y.caps.get(name)]
        row += [_pennies(y.uplift), _pennies(y.cashable)]
        rows.append(row)
    formats = {column: money for column in range(3, len(headers) + 1)}
    table(sheet, headers, rows, formats, (15, 18, *[17] * (len(headers) - 2)))


def unsupported_sheet(sheet: Worksheet, p: AppraisalReport, money: str, table: TableWriter) -> None:
    headers = ["System", "Name", "Department", "Criticality", "End of support", "Decision",
               "Unsupported from", "Periods", "Exposure (present value)"]  # fmt: skip
    rows: Iterable[Sequence[object]] = [
        [r.system, r.name, r.department, r.criticality, r.end_of_support, r.decision,
         r.unsupported_from, r.periods, _pennies(r.exposure)]
        for r in p.unsupported
    ]  # fmt: skip
    table(sheet, headers, rows, {8: INTEGER, 9: money}, (26, 34, 14, 11, 13, 28, 15, 9, 18))


def bias_sheet(sheet: Worksheet, p: AppraisalReport, money: str, table: TableWriter) -> None:
    headers = ["System", "Name", "Option", "Kind", "Periods (base)", "Periods (adjusted)",
               "One-off cost (base)", "One-off cost (adjusted)"]  # fmt: skip
    rows = [
        [d.system, d.name, d.option, d.kind, d.base_duration, d.duration,
         _pennies(d.base_cost), _pennies(d.cost)]
        for d in p.decisions
    ]  # fmt: skip
    formats = {5: INTEGER, 6: INTEGER, 7: money, 8: money}
    table(sheet, headers, rows, formats, (26, 34, 14, 11, 10, 10, 16, 16))

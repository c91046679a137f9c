"""`tracking.xlsx`: the comparison for finance teams, in roadmap.xlsx's style.

Sheets: Systems (earned value and RAG per decision), Portfolio (the totals and the S-curve by
period), Benefits by department, Re-forecast (what changed and why), RAG rules. Every text
cell is neutralised against formula injection; the bytes are deterministic (fixed document
properties and zip timestamps, as roadmap.xlsx).
"""

from __future__ import annotations

import io
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from prioritiser.reports.excel import (
    FIXED_TIME,
    _core_xml,
    _fixed_zip,
    _table,
    _total_row,
    money_format,
)
from prioritiser.reports.tracking import words
from prioritiser.reports.tracking.data import EAC_FORMULA, TrackingInputs
from prioritiser.textsafe import spreadsheet_cell
from prioritiser.tracking import Tracking
from prioritiser.tracking.rag import RANK

SHEETS = ("Systems", "Portfolio", "Benefits by department", "Re-forecast", "RAG rules")
# Every money figure here is undiscounted cash in the portfolio's currency (the Portfolio
# sheet says so in words); NPVs are not shown in this workbook.
RAG_FILLS = {
    "red": PatternFill("solid", fgColor="F4C7C3"),
    "amber": PatternFill("solid", fgColor="FCE8B2"),
    "green": PatternFill("solid", fgColor="C9EAD9"),
}
INDEX = "0.00"


def render_xlsx(t: Tracking, inputs: TrackingInputs) -> bytes:
    """The whole workbook as bytes (identical bytes for identical inputs)."""
    del inputs  # the workbook states figures only; inputs are in tracking.json
    workbook = Workbook()
    money = money_format(t.currency)
    systems_sheet(cast(Worksheet, workbook.active), t, money)
    portfolio_sheet(workbook.create_sheet(SHEETS[1]), t, money)
    benefits_sheet(workbook.create_sheet(SHEETS[2]), t, money)
    reforecast_sheet(workbook.create_sheet(SHEETS[3]), t)
    rules_sheet(workbook.create_sheet(SHEETS[4]), t)
    _neutralise(workbook)
    props = workbook.properties
    props.creator = "prioritiser"
    props.lastModifiedBy = "prioritiser"
    props.title = f"Tracking as of {t.as_of_label} — {t.inventory.portfolio.name}"
    props.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    props.modified = FIXED_TIME  # openpyxl stamps the save time; the core part is rewritten
    return _fixed_zip(buffer.getvalue(), {"docProps/core.xml": _core_xml(workbook)})


def _neutralise(workbook: Workbook) -> None:
    """No text cell is a formula (openpyxl stores any string starting with `=` as one;
    spreadsheets evaluate `+ - @` too); every total here is a value, never a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = spreadsheet_cell(cell.value)
                    cell.data_type = "s"


def systems_sheet(sheet: Worksheet, t: Tracking, money: str) -> None:
    """One row per baseline decision: status, dates, earned value, RAG and why."""
    sheet.title = SHEETS[0]
    axis = t.inventory.axis
    headers = [
        "System",
        "Name",
        "Department",
        "Option",
        "Status",
        "% complete",
        "Baseline start",
        "Baseline finish",
        "Actual start",
        "Forecast finish",
        "Slip (periods)",
        "BAC (cash)",
        "PV (cash)",
        "EV (cash)",
        "AC (cash)",
        "SPI",
        "CPI",
        f"EAC (cash, {EAC_FORMULA})",
        "Forecast cost at completion (cash)",
        "Benefits planned to date (cash)",
        "Benefits realised to date (cash)",
        "RAG",
        "Rule that set it",
    ]
    ordered = sorted(t.systems, key=lambda s: (-RANK[s.rating.colour], s.planned.start, s.system))
    rows = []
    for s in ordered:
        v, p = s.value, s.progress
        benefits = s.benefits_total
        rows.append(
            [
                s.system,
                s.planned.name,
                s.planned.system.department,
                s.planned.option.id,
                words.STATUS[p.status],
                p.percent / 100,
                axis.label(s.planned.start),
                axis.label(s.planned.finish),
                axis.label(p.start) if p.start is not None else "",
                axis.label(s.forecast_finish) if s.forecast_finish is not None else "",
                s.slip,
                v.bac,
                v.pv,
                v.ev,
                v.ac,
                v.spi,
                v.cpi,
                v.eac,
                s.forecast_cost,
                benefits.planned,
                benefits.realised,
                s.rating.colour,
                s.rating.rendered,
            ]
        )
    formats = {6: "0%", 11: "0", 16: INDEX, 17: INDEX}
    formats.update(dict.fromkeys((12, 13, 14, 15, 18, 19, 20, 21), money))
    widths = [26, 34, 14, 13, 12, 10, 10, 10, 10, 10, 9, *[13] * 10, 8, 60]
    last = _table(sheet, headers, rows, formats, widths, wrap=(2, 23))
    for row, s in enumerate(ordered, start=2):
        sheet.cell(row=row, column=22).fill = RAG_FILLS[s.rating.colour]
    if last > 1:
        _total_row(sheet, last + 1, "Total", (12, 13, 14, 15, 19, 20, 21), money)


def portfolio_sheet(sheet: Worksheet, t: Tracking, money: str) -> None:
    """The portfolio's earned value, then the S-curve by period (cumulative cash)."""
    v = t.portfolio
    rows: list[list[object]] = [
        ["As of", t.as_of_label, ""],
        ["Currency", t.currency, words.MONEY_NOTE.format(currency=t.currency)],
        ["BAC", v.bac, "the baseline's one-off cost of its decisions"],
        ["PV", v.pv, f"cost the baseline planned up to {t.as_of_label}"],
        ["EV", v.ev, "percent complete × BAC"],
        ["AC", v.ac, "actual spend to date"],
        ["SPI", v.spi, "EV ÷ PV"],
        ["CPI", v.cpi, "EV ÷ AC"],
        ["EAC", v.eac, EAC_FORMULA],
        ["Forecast cost at completion", t.forecast_cost, "what the re-forecast carries"],
    ]
    _table(sheet, ["Measure", "Value", "What it is"], rows, None, [28, 16, 70], wrap=(3,))
    for row in range(4, 13):
        sheet.cell(row=row, column=2).number_format = money
    for row in (8, 9):
        sheet.cell(row=row, column=2).number_format = INDEX
    start = len(rows) + 3
    sheet.cell(row=start, column=1, value="S-curve (cumulative, undiscounted cash)").font = Font(
        bold=True
    )
    curve = t.s_curve
    titles = ["Period", "Planned value", "Earned value", "Actual cost", "Forecast spend"]
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=start + 1, column=column, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1D3557")
    for i, period in enumerate(curve.periods):
        values: list[str | float | None] = [
            period,
            curve.planned[i],
            curve.earned[i] if i < len(curve.earned) else None,
            curve.actual[i] if i < len(curve.actual) else None,
            t.forecast_curve[i],
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=start + 2 + i, column=column, value=value)
            if column > 1:
                cell.number_format = money


def benefits_sheet(sheet: Worksheet, t: Tracking, money: str) -> None:
    rows = [
        [
            d,
            b.cashable_planned,
            b.cashable_realised,
            b.non_cashable_planned,
            b.non_cashable_realised,
        ]
        for d, b in t.departments.items()
    ]
    headers = [
        "Department",
        "Cashable planned to date",
        "Cashable realised to date",
        "Non-cashable planned to date",
        "Non-cashable realised to date",
    ]
    last = _table(sheet, headers, rows, dict.fromkeys(range(2, 6), money), [24, 18, 18, 18, 18])
    _total_row(sheet, last + 1, "Total", range(2, 6), money)


def reforecast_sheet(sheet: Worksheet, t: Tracking) -> None:
    future = t.reforecast
    rows = [
        [
            c.system,
            c.detail or c.category,
            c.baseline.start if c.baseline else "",
            c.reforecast.start if c.reforecast else "",
            c.reforecast.finish if c.reforecast else "",
            c.why,
        ]
        for c in future.changes
    ]
    rows += [
        [", ".join(r.systems), f"rule {r.rule} relaxed", "", "", "", r.message]
        for r in future.relaxations
    ]
    rows += [["", "finding", "", "", "", f] for f in future.findings if future.roadmap is None]
    headers = [
        "System",
        "Change",
        "Baseline start",
        "Re-forecast start",
        "Re-forecast finish",
        "Why",
    ]
    _table(sheet, headers, rows, None, [26, 18, 12, 12, 12, 100], wrap=(6,))


def rules_sheet(sheet: Worksheet, t: Tracking) -> None:
    rules = t.inventory.tracking
    rows = [
        ["stopped", "red", "the work was stopped"],
        ["dropped", "red", "not started and left out of the re-forecast"],
        ["deadline", "red", "forecast finish after must_modernise_by"],
        ["horizon", "red", "forecast finish after the plan's last period"],
        ["cost", "amber / red", f"CPI below {rules.cpi.amber_below:g} / {rules.cpi.red_below:g}"],
        [
            "slip",
            "amber / red",
            f"{rules.slip_periods.amber_from} / {rules.slip_periods.red_from} periods late",
        ],
        [
            "schedule",
            "amber / red",
            f"SPI below {rules.spi.amber_below:g} / {rules.spi.red_below:g}",
        ],
        [
            "benefits",
            "amber / red",
            f"realised ÷ planned below {rules.benefits.amber_below:g} / "
            f"{rules.benefits.red_below:g}",
        ],
    ]
    _table(sheet, ["Rule", "Colour", "When"], rows, None, [14, 14, 70])
    for row in range(2, len(rows) + 2):
        sheet.cell(row=row, column=3).alignment = Alignment(wrap_text=True, vertical="top")

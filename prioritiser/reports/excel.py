"""`roadmap.xlsx`: the roadmap for finance teams, one formatted sheet per question.

Sheets: Roadmap, Budget by period, Benefits by department, Retained, Assumptions (and the
appraisal's sheets, `excel_appraisal`, for an inventory that uses its keys). Headers are
frozen, numbers carry formats, columns have widths. The bytes are deterministic: fixed document
properties and a fixed timestamp on every entry of the zip container.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from prioritiser.inventory import Inventory
from prioritiser.reports.analysis import Analysis
from prioritiser.reports.assumptions import Assumption
from prioritiser.reports.chart_style import KIND_COLOURS
from prioritiser.reports.excel_appraisal import appraisal_sheets
from prioritiser.roadmap import Roadmap
from prioritiser.textsafe import spreadsheet_cell
from prioritiser.wording import currency_symbol, plural

SHEETS = ("Roadmap", "Budget by period", "Benefits by department", "Retained", "Assumptions")
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D3557")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin", color="1F2933"))
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def money_format(currency: str) -> str:
    """The workbook's number format for money, with the portfolio currency's symbol."""
    symbol = currency_symbol(currency).replace('"', "")
    return f'"{symbol}"#,##0;-"{symbol}"#,##0'


NUMBER = "#,##0.0"
INTEGER = "0"
PERCENT = "0.00%"


def render_xlsx(inventory: Inventory, roadmap: Roadmap, analysis: Analysis) -> bytes:
    """The whole workbook as bytes (identical bytes for identical inputs)."""
    workbook = Workbook()
    money = money_format(analysis.currency)
    # A new workbook's active sheet is its one worksheet (the stubs allow a chartsheet or none).
    roadmap_sheet(cast(Worksheet, workbook.active), analysis, money)
    budget_sheet(workbook.create_sheet(SHEETS[1]), analysis, money)
    benefits_sheet(workbook.create_sheet(SHEETS[2]), analysis, money)
    retained_sheet(workbook.create_sheet(SHEETS[3]), analysis)
    assumptions_sheet(workbook.create_sheet(SHEETS[4]), analysis, money)
    if analysis.appraisal is not None:
        appraisal_sheets(workbook, analysis.appraisal, money, _table)
    _neutralise_text(workbook)
    props = workbook.properties
    props.creator = "prioritiser"
    props.lastModifiedBy = "prioritiser"
    props.title = f"Modernisation roadmap — {analysis.portfolio}"
    props.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    props.modified = FIXED_TIME  # openpyxl stamps the save time; the core part is rewritten
    return _fixed_zip(buffer.getvalue(), {"docProps/core.xml": _core_xml(workbook)})


def _neutralise_text(workbook: Workbook) -> None:
    """No text cell is a formula: openpyxl stores any string starting with `=` as one, and
    spreadsheets evaluate `+ - @` too, so every text cell goes through `spreadsheet_cell`
    (our totals are values, never formulas)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = spreadsheet_cell(cell.value)
                    cell.data_type = "s"


def _core_xml(workbook: Workbook) -> bytes:
    from openpyxl.xml.functions import tostring

    xml: bytes = tostring(workbook.properties.to_tree())
    return xml


def _fixed_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """Rewrite a zip with a fixed timestamp and permissions on every entry, in the same order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


# --- sheet helpers ---------------------------------------------------------------------------


def _table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    formats: dict[int, str] | None = None,
    widths: Sequence[float] = (),
    wrap: Sequence[int] = (),
) -> int:
    """Write a header row (frozen, filtered) and data rows; return the last row written."""
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    last = 1
    for row in rows:
        sheet.append(list(row))
        last += 1
    for column, fmt in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=column, max_col=column):
            cell.number_format = fmt
    for column in range(1, len(headers) + 1):
        align = WRAP if column in wrap else TOP
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=column, max_col=column):
            cell.alignment = align
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2" if sheet.title == SHEETS[0] else "A2"
    if last > 1:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    return last


def _total_row(sheet: Worksheet, row: int, label: str, columns: Iterable[int], fmt: str) -> None:
    """A bold totals row under a table: the sums of the data rows above (values, not formulas,
    so viewers that do not calculate still show them)."""
    sheet.cell(row=row, column=1, value=label).font = TOTAL_FONT
    for column in columns:
        values = [sheet.cell(row=r, column=column).value for r in range(2, row)]
        total = round(sum(v for v in values if isinstance(v, int | float)), 4)
        cell = sheet.cell(row=row, column=column, value=total)
        cell.number_format = fmt
        cell.font = TOTAL_FONT
    for each in sheet[row]:
        each.border = TOTAL_BORDER


# --- the five sheets -------------------------------------------------------------------------


def roadmap_sheet(sheet: Worksheet, a: Analysis, money: str) -> None:
    """One row per modernised system, with a cell-shaded timeline across the periods."""
    sheet.title = SHEETS[0]
    headers = [
        "System",
        "Name",
        "Department",
        "Option",
        "Kind",
        "Start",
        "Finish",
        "NPV",
        "One-off cost",
        "Cashable saving a year",
        "Legacy risk removed (points)",
        "Delivery risk",
        "End of support",
        "Why",
        *a.periods,
    ]
    rows = [
        [
            r.system,
            r.name,
            r.department,
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
            *["" for _ in a.periods],
        ]
        for r in a.systems
        if r.modernised
    ]
    for platform in a.platforms:
        rows.append(
            [
                platform.id,
                platform.name,
                "Shared platforms",
                "set-up",
                "platform",
                platform.start,
                platform.finish,
                -platform.cost_pv,
                platform.cost,
                0.0,
                0.0,
                None,
                "",
                f"shared platform used by {plural(len(platform.users), 'modernised system')}",
                *["" for _ in a.periods],
            ]
        )
    widths = [26, 36, 14, 14, 12, 9, 9, 13, 13, 13, 12, 9, 11, 60, *[8.5 for _ in a.periods]]
    last = _table(
        sheet,
        headers,
        rows,
        {8: money, 9: money, 10: money, 11: NUMBER, 12: INTEGER},
        widths,
        wrap=(2, 14),
    )
    first_period = len(headers) - len(a.periods) + 1
    spans = [(r.kind, r.start_index, r.finish_index) for r in a.systems if r.modernised]
    spans += [("platform", p.start_index, p.finish_index) for p in a.platforms]
    for row, (kind, start, finish) in enumerate(spans, start=2):
        fill = PatternFill("solid", fgColor=KIND_COLOURS.get(kind, "#999999").lstrip("#"))
        for period in range(max(start or 0, 0), min(finish or 0, len(a.periods) - 1) + 1):
            sheet.cell(row=row, column=first_period + period).fill = fill
    if last > 1:
        _total_row(sheet, last + 1, "Total", (8, 9, 10, 11), money)
        sheet.cell(row=last + 1, column=11).number_format = NUMBER


def budget_sheet(sheet: Worksheet, a: Analysis, money: str) -> None:
    """Per period: one-off spend, then each resource's use, capacity and headroom."""
    headers = ["Period", "One-off spend"]
    formats = {2: money}
    for row in a.resources:
        unit = f" ({row.unit})" if row.unit else ""
        is_money = a.appraisal is not None and row.name in a.appraisal.money
        fmt = money if row.name == a.budget_resource or is_money else NUMBER
        base = len(headers)
        headers += [f"{row.name} use{unit}", f"{row.name} capacity{unit}", f"{row.name} headroom"]
        formats.update({base + 1: fmt, base + 2: fmt, base + 3: fmt})
    rows = []
    for i, period in enumerate(a.periods):
        values: list[object] = [period, a.spend_by_period[i] if a.spend_by_period else 0.0]
        for row in a.resources:
            values += [row.use[i], row.capacity[i], round(row.capacity[i] - row.use[i], 4)]
        rows.append(values)
    widths = [11, 15, *[15 for _ in range(3 * len(a.resources))]]
    last = _table(sheet, headers, rows, formats, widths)
    total = last + 1
    _total_row(sheet, total, "Total", range(2, len(headers) + 1), money)
    for column, fmt in formats.items():
        sheet.cell(row=total, column=column).number_format = fmt
    for i, row in enumerate(a.resources):
        if row.total_cap is not None:
            label = sheet.cell(row=total + 1, column=1, value="Cap over the horizon")
            label.font = TOTAL_FONT
            cell = sheet.cell(row=total + 1, column=4 + 3 * i, value=row.total_cap)
            cell.number_format = formats[4 + 3 * i]


def benefits_sheet(sheet: Worksheet, a: Analysis, money: str) -> None:
    """Who pays and who benefits, by department; then the cross-department flows."""
    headers = [
        "Department",
        "Pays: one-off cost (present value)",
        "Benefits: savings and value (present value)",
        "Net (present value)",
        "Cashable a year",
        "Non-cashable a year",
    ]
    rows: list[list[object]] = [
        [
            d.department,
            d.pays_pv,
            d.benefits_pv,
            round(d.benefits_pv - d.pays_pv, 2),
            d.cashable_annual,
            d.non_cashable_annual,
        ]
        for d in a.departments
    ]
    if a.platforms_cost_pv:
        rows.append(["Shared platforms", a.platforms_cost_pv, 0.0, -a.platforms_cost_pv, 0.0, 0.0])
    formats = dict.fromkeys(range(2, 7), money)
    last = _table(sheet, headers, rows, formats, [22, 20, 20, 18, 16, 18])
    _total_row(sheet, last + 1, "Total", range(2, 7), money)
    start = last + 3
    sheet.cell(row=start, column=1, value="Value landing in another department").font = TOTAL_FONT
    flow_headers = ["Paid by", "Lands in", "A year", "Present value", "Cashable"]
    for column, title in enumerate(flow_headers, start=1):
        cell = sheet.cell(row=start + 1, column=column, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for offset, flow in enumerate(a.cross_department, start=start + 2):
        values: list[str | float] = [
            flow.payer,
            flow.beneficiary,
            flow.annual,
            flow.pv,
            "yes" if flow.cashable else "no",
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=offset, column=column, value=value)
            if column in (3, 4):
                cell.number_format = money
    years = start + 3 + len(a.cross_department)
    sheet.cell(row=years, column=1, value="Cash by year (undiscounted)").font = TOTAL_FONT
    for column, title in enumerate(["Year", "One-off spend", "Cashable savings"], start=1):
        cell = sheet.cell(row=years + 1, column=column, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for offset, (year, saving) in enumerate(a.cashable_by_year.items(), start=years + 2):
        sheet.cell(row=offset, column=1, value=year)
        sheet.cell(row=offset, column=2, value=a.spend_by_year.get(year, 0.0)).number_format = money
        sheet.cell(row=offset, column=3, value=saving).number_format = money


def retained_sheet(sheet: Worksheet, a: Analysis) -> None:
    """The systems kept as they are, with the reason and any end of support they pass."""
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
    headers = [
        "System",
        "Name",
        "Department",
        "Criticality",
        "Legacy risk (points)",
        "End of support",
        "Out of support within the plan",
        "Why retained",
    ]
    _table(sheet, headers, rows, {5: INTEGER}, [26, 36, 14, 11, 11, 11, 13, 90], wrap=(2, 8))


def assumptions_sheet(sheet: Worksheet, a: Analysis, money: str) -> None:
    """Portfolio settings, resources, risk appetite and the solver's proof of quality."""
    formats = {"money": money, "percent": PERCENT, "number": "General"}

    def value(item: Assumption) -> object:
        return "" if item.value is None else item.value

    rows = [[item.group, item.label, value(item)] for item in a.assumptions]
    _table(sheet, ["Group", "Setting", "Value"], rows, None, [16, 48, 36])
    for row, item in enumerate(a.assumptions, start=2):
        cell = sheet.cell(row=row, column=3)
        cell.alignment = Alignment(horizontal="left", vertical="top")
        if item.kind in formats and item.value is not None:
            cell.number_format = formats[item.kind]

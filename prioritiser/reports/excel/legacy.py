"""The workbook style of the other workbooks (tracking.xlsx): tables of values with totals as
values, money to the unit. roadmap.xlsx has its own (formulas, money in millions: `cells`);
these helpers stay so tracking.xlsx reads as it always has."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from prioritiser.reports.excel.cells import (
    FIXED_TIME,
    HEADER_FILL,
    HEADER_FONT,
    TOP,
    TOTAL_BORDER,
    TOTAL_FONT,
    WRAP,
    core_xml,
    fixed_zip,
)
from prioritiser.reports.excel.cells import exact_money_format as money_format

FIRST_SHEET = "Roadmap"  # the sheet frozen at B2 (its first column names the row)
_core_xml = core_xml
_fixed_zip = fixed_zip

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
    sheet.freeze_panes = "B2" if sheet.title == FIRST_SHEET else "A2"
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


__all__ = ["FIXED_TIME", "_core_xml", "_fixed_zip", "_table", "_total_row", "money_format"]

"""How the finance workbook writes: one table per sheet, formats, formulas, print set-up,
and deterministic bytes.

Each sheet holds one table: a header row (frozen, filtered, repeated on every printed page)
and its rows; totals are rows of the same table, written as formulas (`SUM`, `MIN`, …) so an
analyst who edits a cost sees every total and headroom recompute. Every sheet prints on A4
landscape, fitted to the page width, with the security marking in the header and the page
number in the footer.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from prioritiser.textsafe import spreadsheet_cell
from prioritiser.wording import currency_symbol

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D3557")
INPUT_FILL = PatternFill("solid", fgColor="FFF8E1")  # cells an analyst may edit
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin", color="1F2933"))
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

NUMBER = "#,##0.0"
INTEGER = "0"
PERCENT = "0.00%"


def money_format(currency: str) -> str:
    """Money shown in millions (`£2.50m`, `-£0.40m`); the cell holds the exact amount."""
    symbol = currency_symbol(currency).replace('"', "")
    return f'"{symbol}"#,##0.00,,"m";-"{symbol}"#,##0.00,,"m";"{symbol}"0.00"m"'


def exact_money_format(currency: str) -> str:
    """Money to the unit (`£2,500,000`), for the few cells a reader checks to the penny."""
    symbol = currency_symbol(currency).replace('"', "")
    return f'"{symbol}"#,##0;-"{symbol}"#,##0'


def unit_format(unit: str) -> str:
    """A number with its unit shown (`12.0 FTE`, `36.0 FTE-quarters`)."""
    text = unit.replace('"', "")
    return f'#,##0.0" {text}"' if text else NUMBER


@dataclass(frozen=True)
class Column:
    """A column of a table: its header, its number format and its width."""

    title: str
    fmt: str | None = None
    width: float = 12.0
    wrap: bool = False


def col(index: int) -> str:
    """The letter of a 1-based column."""
    return get_column_letter(index)


def table(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    freeze: str = "A2",
) -> int:
    """Write a header row and data rows; return the last row written (1 when empty)."""
    sheet.append([c.title for c in columns])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    last = 1
    for row in rows:
        sheet.append(list(row))
        last += 1
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[col(index)].width = column.width
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
            cell.alignment = WRAP if column.wrap else TOP
            if column.fmt:
                cell.number_format = column.fmt
    sheet.freeze_panes = freeze
    if last > 1:
        sheet.auto_filter.ref = f"A1:{col(len(columns))}{last}"
    return last


def legacy_table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    formats: dict[int, str] | None = None,
    widths: Sequence[float] = (),
    wrap: Sequence[int] = (),
) -> int:
    """`table` called by headers, formats and widths by column number (the appraisal's
    sheets are written this way)."""
    formats = formats or {}
    columns = [
        Column(
            title,
            formats.get(i),
            widths[i - 1] if i - 1 < len(widths) else 12.0,
            i in wrap,
        )
        for i, title in enumerate(headers, start=1)
    ]
    return table(sheet, columns, rows)


class Book:
    """A workbook and the cells holding formulas we wrote: the only text cells left as
    formulas when the workbook is saved (every other text cell is neutralised)."""

    def __init__(self) -> None:
        self.workbook = Workbook()
        self.formulas: set[tuple[str, str]] = set()

    def sheet(self, index: int) -> Worksheet:
        """A worksheet by position (a workbook may hold chartsheets; ours never do)."""
        found = self.workbook.worksheets[index]
        assert isinstance(found, Worksheet)
        return found

    def formula(
        self, sheet: Worksheet, row: int, column: int, text: str, fmt: str | None = None
    ) -> None:
        """Write `=…` into a cell as a formula."""
        cell = sheet.cell(row=row, column=column, value=text)
        self.formulas.add((sheet.title, cell.coordinate))
        if fmt:
            cell.number_format = fmt

    def total_row(
        self,
        sheet: Worksheet,
        row: int,
        label: str,
        formulas: dict[int, str],
        formats: dict[int, str] | None = None,
    ) -> None:
        """A bold row of the table (totals, caps, headroom): `formulas` by column."""
        sheet.cell(row=row, column=1, value=label).font = TOTAL_FONT
        for column, text in formulas.items():
            self.formula(sheet, row, column, text, (formats or {}).get(column))
            sheet.cell(row=row, column=column).font = TOTAL_FONT
        for each in sheet[row]:
            each.border = TOTAL_BORDER


def mark_inputs(sheet: Worksheet, first_row: int, last_row: int, first: int, last: int) -> None:
    """Shade the cells an analyst may edit (their totals recompute)."""
    for line in sheet.iter_rows(min_row=first_row, max_row=last_row, min_col=first, max_col=last):
        for cell in line:
            cell.fill = INPUT_FILL


def print_setup(sheet: Worksheet, marking: str, title: str) -> None:
    """A4 landscape, one page wide, the header row on every page, marking and page number."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    header, footer = sheet.oddHeader, sheet.oddFooter
    assert header is not None and footer is not None  # openpyxl creates both with a sheet
    header.center.text = marking
    header.left.text = title
    footer.center.text = "Page &P of &N"
    footer.right.text = marking


def neutralise_text(book: Book) -> None:
    """No text cell is a formula unless we wrote it as one: openpyxl stores any string
    starting with `=` as a formula and spreadsheets evaluate `+ - @` too, so every text
    cell but ours (`Book.formulas`) goes through `spreadsheet_cell`."""
    for sheet in book.workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if (sheet.title, cell.coordinate) in book.formulas:
                    cell.data_type = "f"
                elif isinstance(cell.value, str):
                    cell.value = spreadsheet_cell(cell.value)
                    cell.data_type = "s"


def save(book: Book, title: str) -> bytes:
    """The workbook's bytes: fixed document properties and zip entry times, so identical
    inputs give identical bytes; formulas are recalculated when the file is opened."""
    neutralise_text(book)
    workbook = book.workbook
    props = workbook.properties
    props.creator = "prioritiser"
    props.lastModifiedBy = "prioritiser"
    props.title = title
    props.created = FIXED_TIME
    workbook.calculation.fullCalcOnLoad = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    props.modified = FIXED_TIME  # openpyxl stamps the save time; the core part is rewritten
    return fixed_zip(buffer.getvalue(), {"docProps/core.xml": core_xml(workbook)})


def core_xml(workbook: Workbook) -> bytes:
    from openpyxl.xml.functions import tostring

    xml: bytes = tostring(workbook.properties.to_tree())
    return xml


def fixed_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a zip with a fixed timestamp and permissions on every entry, in the same order."""
    replace = replace or {}
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

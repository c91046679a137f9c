"""Read a CMDB export (a CSV file or an Excel sheet) as a table of text cells.

A table knows where its data starts, so that every problem names the row a spreadsheet
application shows: with the header in row 1 (the default), the first data row is row 2;
`--header-row N` reads the header from row N (rows above it are ignored, e.g. a title);
`--no-header` names the columns A, B, C… as a spreadsheet does and reads data from row 1.
Columns can always be named by their letter (`--map name=B`) when no header matches.

The mapping of rows to systems is in `table_import`; this module only reads.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from prioritiser.errors import UsageError
from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.problems import Location, display_path
from prioritiser.inventory.yamlsafe import max_file_bytes

FIRST_DATA_ROW = 2  # with the header in row 1
DEPENDENCY_SHEETS = ("dependencies", "deps", "relations", "relationships")


class TableError(UsageError):
    """A table that cannot be read at all (unreadable file, missing required column): exit 2."""


@dataclass(frozen=True)
class Table:
    """A sheet of text cells (empty string = not set) and how to name it in messages.

    `frame` holds the data rows only, its columns named by the header (or A, B, C…);
    `first_row` is the spreadsheet row number of the first data row.
    """

    shown: str
    frame: pd.DataFrame
    first_row: int = FIRST_DATA_ROW

    def location(self, offset: int) -> Location:
        """The location of the data row at `offset` (0-based) as a spreadsheet row number."""
        return Location(self.shown, self.first_row + offset)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the name a spreadsheet gives a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _framed(shown: str, grid: pd.DataFrame, header_row: int | None) -> Table:
    """A table from a grid of every row read: the header row becomes the column names.

    `header_row` is the 1-based spreadsheet row of the header, or None for no header.
    """
    grid = grid.fillna("").astype(str)
    if header_row is None:
        frame = grid.copy()
        frame.columns = [column_letter(i) for i in range(grid.shape[1])]
        return Table(shown, frame.reset_index(drop=True), 1)
    if header_row > len(grid):
        raise TableError(f"{shown}: no row {header_row} to read the header from")
    header = [str(v).strip() for v in grid.iloc[header_row - 1]]
    names, seen = [], set()
    for i, name in enumerate(header):
        name = name or column_letter(i)  # an unnamed column is known by its letter
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base}.{n}"
        seen.add(name)
        names.append(name)
    frame = grid.iloc[header_row:].copy()
    frame.columns = names
    return Table(shown, frame.reset_index(drop=True), header_row + 1)


def read_csv_table(path: str | Path, header_row: int | None = 1) -> tuple[Table, list[str]]:
    """A CSV file as a Table (UTF-8, or Windows-1252 with a note), plus notes about reading."""
    path = Path(path)
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if size > max_file_bytes():
            raise TableError(
                f"{shown}: file is {size:,} bytes, over the {max_file_bytes():,}-byte limit"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise TableError(f"{shown}: cannot read file: {exc.strerror or exc}") from exc
    if b"\x00" in raw or raw.startswith(b"PK\x03\x04"):
        raise TableError(f"{shown}: binary file, not CSV text (for a workbook use `import xlsx`)")
    notes = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        notes.append(f"{shown}: not UTF-8; read as Windows-1252 (save as UTF-8 CSV to be sure)")
    if not text.strip():
        raise TableError(f"{shown}: file is empty")
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            header=None,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise TableError(f"{shown}: not a readable CSV table: {_first_line(exc)}") from exc
    return _framed(shown, grid, header_row), notes


def excel_sheets(path: str | Path) -> list[str]:
    """The sheet names of a workbook (TableError if it cannot be opened). Every workbook
    read (xlsx, leanix, servicenow, several sources) starts here, so every one is checked
    by `check_workbook_size` before openpyxl parses anything."""
    shown = display_path(Path(path))
    check_workbook_size(Path(path), shown)
    try:
        with pd.ExcelFile(path) as book:
            return [str(name) for name in book.sheet_names]
    except Exception as exc:  # openpyxl raises many kinds of errors for a bad workbook
        raise TableError(f"{shown}: cannot open as an Excel workbook: {_first_line(exc)}") from exc


def check_workbook_size(path: Path, shown: str) -> None:
    """Refuse a workbook whose file, or whose unpacked parts, exceed the file-size limit.

    An .xlsx is a zip: a 500 KB file can unpack to hundreds of MB of XML that openpyxl
    would parse for minutes. The zip's directory states each part's size, so the limit
    CSV and YAML files have is applied to the unpacked total before anything is parsed.
    """
    limit = max_file_bytes()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableError(f"{shown}: cannot read file: {exc.strerror or exc}") from exc
    if size > limit:
        raise TableError(f"{shown}: file is {size:,} bytes, over the {limit:,}-byte limit")
    if not zipfile.is_zipfile(path):
        return  # not a workbook at all: pandas says so below
    try:
        with zipfile.ZipFile(path) as book:
            unpacked = sum(max(info.file_size, 0) for info in book.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise TableError(f"{shown}: cannot open as an Excel workbook: {exc}") from exc
    if unpacked > limit:
        raise TableError(
            f"{shown}: workbook unpacks to {unpacked:,} bytes, over the {limit:,}-byte limit "
            "(raise it with PRIORITISER_MAX_FILE_BYTES if this is intended)"
        )


def find_sheet(sheets: Sequence[str], wanted: str | None, shown: str) -> str:
    """The sheet called `wanted` (case-insensitive), or the first sheet when None."""
    if not sheets:
        raise TableError(f"{shown}: workbook has no sheets")
    if wanted is None:
        return sheets[0]
    for sheet in sheets:
        if sheet.strip().lower() == wanted.strip().lower():
            return sheet
    raise TableError(
        f"{shown}: no sheet '{wanted}'{did_you_mean(wanted, sheets)}; sheets: {', '.join(sheets)}"
    )


def read_excel_table(
    path: str | Path, sheet: str | None = None, header_row: int | None = 1
) -> Table:
    """One sheet of a workbook as a Table (the first sheet when `sheet` is None).

    Cells are read as their values: a formula is read as the value Excel last saved for it,
    never as formula text (pandas opens workbooks with openpyxl's `data_only`).
    """
    path = Path(path)
    shown = display_path(path)
    name = find_sheet(excel_sheets(path), sheet, shown)  # sizes checked before parsing
    try:
        grid = pd.read_excel(path, sheet_name=name, dtype=str, header=None, keep_default_na=False)
    except Exception as exc:  # see excel_sheets
        raise TableError(f"{shown}[{name}]: cannot read sheet: {_first_line(exc)}") from exc
    return _framed(f"{shown}[{name}]", grid, header_row)


def systems_sheets(path: str | Path, sheet: str | None) -> list[str]:
    """The sheets to read systems from: `--sheet NAME`, every sheet (`all`) but dependency
    sheets, or the first sheet."""
    names = excel_sheets(path)
    if sheet is not None and sheet.strip().lower() == "all":
        chosen = [n for n in names if n.strip().lower() not in DEPENDENCY_SHEETS]
        if not chosen:
            raise TableError(f"{display_path(Path(path))}: no sheet of systems in the workbook")
        return chosen
    return [find_sheet(names, sheet, display_path(Path(path)))]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

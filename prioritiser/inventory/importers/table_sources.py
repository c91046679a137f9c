"""Read the files of a table import (CSV files, workbook sheets) and map them to systems.

Several SOURCE files (or every sheet of a workbook, `--sheet all`) make one estate; a
dependencies table comes from `--dependencies FILE` (CSV or a workbook sheet), or from a
sheet named `dependencies` in the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from prioritiser.inventory.importers.columns import TableOptions
from prioritiser.inventory.importers.common import ImportResult
from prioritiser.inventory.importers.table_import import GENERIC, Profile
from prioritiser.inventory.importers.table_links import import_tables
from prioritiser.inventory.importers.tables import (
    DEPENDENCY_SHEETS,
    Table,
    excel_sheets,
    find_sheet,
    read_csv_table,
    read_excel_table,
    systems_sheets,
)


@dataclass(frozen=True)
class TableSource:
    """The files of a table import and how to read them."""

    sources: tuple[Path, ...]
    dependencies: tuple[Path, ...] = ()
    sheet: str | None = None
    dependencies_sheet: str | None = None
    header_row: int | None = 1  # None: no header row (columns A, B, C…)
    options: TableOptions = field(default_factory=TableOptions)
    format: str = "auto"  # csv, xlsx, or auto (by the file's extension)

    def is_csv(self, path: Path) -> bool:
        return self.format == "csv" or (self.format == "auto" and _is_csv(path))


def read_table_file(path: Path, sheet: str | None, header_row: int | None) -> list[Table]:
    """A CSV file, or the chosen sheets of a workbook, as tables."""
    if _is_csv(path):
        return [read_csv_table(path, header_row)[0]]
    return [read_excel_table(path, name, header_row) for name in systems_sheets(path, sheet)]


def read_tables(source: TableSource, start: str, profile: Profile = GENERIC) -> ImportResult:
    """Map every systems table and dependency table of `source` to one estate."""
    tables: list[Table] = []
    notes: list[str] = []
    for path in source.sources:
        if source.is_csv(path):
            table, more = read_csv_table(path, source.header_row)
            tables.append(table)
            notes += more
        else:
            tables += read_table_file(path, source.sheet, source.header_row)
    deps = [_dependency_table(p, source) for p in source.dependencies]
    if not source.dependencies:
        deps = [
            t for p in source.sources if not source.is_csv(p) for t in _own_dependencies(p, source)
        ]
    names = ", ".join(str(p) for p in source.sources)
    options = replace(source.options, as_of=start)
    result = import_tables(tables, deps, source=names, options=options, profile=profile)
    result.notes = notes + result.notes
    return result


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".txt", ".tsv")


def _dependency_table(path: Path, source: TableSource) -> Table:
    """`--dependencies FILE`: a CSV, or a workbook's `--dependencies-sheet` (else a sheet
    named `dependencies`, else its first sheet)."""
    if _is_csv(path):
        return read_csv_table(path)[0]
    names = excel_sheets(path)
    sheet = source.dependencies_sheet
    if sheet is None:
        wanted = [n for n in names if n.strip().lower() in DEPENDENCY_SHEETS]
        sheet = wanted[0] if wanted else names[0] if names else None
    return read_excel_table(path, find_sheet(names, sheet, str(path)))


def _own_dependencies(path: Path, source: TableSource) -> list[Table]:
    """A workbook's own `dependencies` sheet (or --dependencies-sheet), when it has one."""
    names = excel_sheets(path)
    if source.dependencies_sheet is not None:
        return [read_excel_table(path, find_sheet(names, source.dependencies_sheet, str(path)))]
    wanted = [n for n in names if n.strip().lower() in DEPENDENCY_SHEETS]
    return [read_excel_table(path, wanted[0])] if wanted else []

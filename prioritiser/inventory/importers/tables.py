"""Import a CMDB export (CSV or an Excel sheet) of applications and their dependencies.

Systems table, default columns (header row first; matched case-insensitively, spaces and
punctuation ignored, so `Annual Run Cost` matches `annual_run_cost`):

    id, name, department, criticality, annual_run_cost, end_of_support
    optional: technology, description, must_modernise_by, earliest_start

Dependencies table: `system, depends_on, kind[, constraint]` (constraint defaults to
`after`, kind to `uses`). `system` and `depends_on` name a system by its id as written in
the systems table, by its slug id, or by its (unique) name.

- `--map FIELD=COLUMN` (repeatable) reads FIELD from a differently named column, e.g.
  `--map id=sys_id --map name="Application Name" --map depends_on=Parent`.
- At least an `id` or a `name` column is needed; ids are slugified to `[a-z0-9-]+`
  (`Benefits Payments` → `benefits-payments`), made unique with `-2`, `-3`...
- Empty cells mean "not set" (the inventory default applies). Values are parsed leniently:
  money as `4200000`, `4,200,000`, `£4.2m` or `350k`; criticality as low/medium/high/
  critical or `Tier 1`..`Tier 4`, `P1`..`P4`; periods as `2028-Q2`, `2028-06`, `2028` or a
  date (`2028-06-30`, `30/06/2028`, an Excel date), a date becoming its quarter.
- Problems name the file and the spreadsheet row number (`apps.csv:4`, `apps.xlsx[Apps]:4`):
  the header is row 1, the first data row is row 2, exactly as a spreadsheet shows it.
  An unreadable value is ignored (left unset) and reported; a row without id and name, a
  duplicate id, or a dependency naming an unknown system is skipped and reported.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from prioritiser.errors import UsageError
from prioritiser.inventory.importers.common import (
    ImportResult,
    Mapped,
    parse_criticality,
    parse_money,
    parse_period_text,
    slugify,
    unique_id,
)
from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.problems import Location, display_path
from prioritiser.inventory.schema import Dependency, System
from prioritiser.inventory.yamlsafe import max_file_bytes

SYSTEM_FIELDS = (
    "id",
    "name",
    "department",
    "criticality",
    "annual_run_cost",
    "end_of_support",
    "technology",
    "description",
    "must_modernise_by",
    "earliest_start",
)
DEPENDENCY_FIELDS = ("system", "depends_on", "kind", "constraint")
CONSTRAINTS = ("after", "requires", "together", "none")
FIRST_DATA_ROW = 2  # the header is spreadsheet row 1

_PARSERS: dict[str, Callable[[str], Any]] = {
    "criticality": parse_criticality,
    "annual_run_cost": parse_money,
    "end_of_support": parse_period_text,
    "must_modernise_by": parse_period_text,
    "earliest_start": parse_period_text,
}


class TableError(UsageError):
    """A table that cannot be read at all (unreadable file, missing required column): exit 2."""


@dataclass(frozen=True)
class Table:
    """A sheet of text cells (empty string = not set) and how to name it in messages."""

    shown: str
    frame: pd.DataFrame

    def location(self, offset: int) -> Location:
        """The location of the data row at `offset` (0-based) as a spreadsheet row number."""
        return Location(self.shown, FIRST_DATA_ROW + offset)


def parse_mappings(items: Sequence[str]) -> dict[str, str]:
    """`["id=sys_id", "name=Application Name"]` → {"id": "sys_id", ...}; ValueError if bad."""
    known = (*SYSTEM_FIELDS, *DEPENDENCY_FIELDS)
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not field or not column:
            raise ValueError(f"--map {item!r}: use FIELD=COLUMN, e.g. --map id=sys_id")
        if field not in known:
            raise ValueError(
                f"--map {item!r}: unknown field '{field}'{did_you_mean(field, known)}; "
                f"fields are {', '.join(known)}"
            )
        mapping[field] = column
    return mapping


# --- reading ----------------------------------------------------------------------------


def read_csv_table(path: str | Path) -> tuple[Table, list[str]]:
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
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise TableError(f"{shown}: not a readable CSV table: {_first_line(exc)}") from exc
    return Table(shown, frame), notes


def excel_sheets(path: str | Path) -> list[str]:
    """The sheet names of a workbook (TableError if it cannot be opened)."""
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


def read_excel_table(path: str | Path, sheet: str | None = None) -> Table:
    """One sheet of a workbook as a Table (the first sheet when `sheet` is None)."""
    path = Path(path)
    shown = display_path(path)
    name = find_sheet(excel_sheets(path), sheet, shown)
    try:
        frame = pd.read_excel(path, sheet_name=name, dtype=str, keep_default_na=False)
    except Exception as exc:  # see excel_sheets
        raise TableError(f"{shown}[{name}]: cannot read sheet: {_first_line(exc)}") from exc
    return Table(f"{shown}[{name}]", frame)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --- mapping ----------------------------------------------------------------------------


def _normal(column: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(column).strip().lower()).strip("_")


def resolve_columns(table: Table, fields: Sequence[str], mapping: dict[str, str]) -> dict[str, int]:
    """Column position of each field present (mapped name first, else the field's own name)."""
    columns = [str(c) for c in table.frame.columns]
    exact = {c.strip(): i for i, c in enumerate(columns)}
    normal: dict[str, int] = {}
    for i, column in enumerate(columns):
        normal.setdefault(_normal(column), i)
    found: dict[str, int] = {}
    for field in fields:
        if field in mapping:
            wanted = mapping[field]
            index = exact.get(wanted, normal.get(_normal(wanted)))
            if index is None:
                raise TableError(
                    f"{table.shown}: no column '{wanted}' (mapped to {field})"
                    f"{did_you_mean(wanted, columns)}; columns are: {', '.join(columns)}"
                )
            found[field] = index
        elif _normal(field) in normal:
            found[field] = normal[_normal(field)]
    return found


def import_tables(
    systems: Table,
    dependencies: Table | None = None,
    mapping: dict[str, str] | None = None,
    source: str | None = None,
) -> ImportResult:
    """Map a systems table (and optionally a dependencies table) to systems."""
    mapping = mapping or {}
    result = ImportResult(source or systems.shown)
    columns = resolve_columns(systems, SYSTEM_FIELDS, mapping)
    if "id" not in columns and "name" not in columns:
        found = ", ".join(str(c) for c in systems.frame.columns)
        raise TableError(
            f"{systems.shown}: needs an `id` or a `name` column (columns are: {found}); "
            "use --map id=COLUMN"
        )
    rows, aliases = _system_rows(systems, columns, result)
    links = (
        _dependency_rows(dependencies, mapping, aliases, result) if dependencies is not None else {}
    )
    for system_id, (fields, location) in rows.items():
        fields["depends_on"] = links.get(system_id, [])
        try:
            system = System.model_validate(fields)
        except ValidationError as exc:  # pragma: no cover - every field is parsed above
            result.skip(f"not imported: {exc.errors()[0]['msg']}", location)
            continue
        result.systems.append(system)
        result.mapped.append(Mapped(system.id, location, "row"))
    return result


def _cells(record: Sequence[Any], columns: dict[str, int]) -> dict[str, str]:
    return {field: str(record[i]).strip() for field, i in columns.items() if str(record[i]).strip()}


Rows = dict[str, tuple[dict[str, Any], Location]]


def _system_rows(
    table: Table, columns: dict[str, int], result: ImportResult
) -> tuple[Rows, dict[str, str]]:
    """Fields of each system row by id, and every way a dependency may name a system."""
    rows: dict[str, tuple[dict[str, Any], Location]] = {}
    taken: set[str] = set()
    first_row: dict[str, Location] = {}
    aliases: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for offset, record in enumerate(table.frame.itertuples(index=False, name=None)):
        location = table.location(offset)
        cells = _cells(record, columns)
        if not cells:
            continue  # a blank row
        raw_id = cells.get("id", "")
        name = cells.get("name", "") or raw_id
        base = slugify(raw_id or name)
        if not base:
            result.skip("row has no id or name with letters or digits; skipped", location)
            continue
        key = raw_id or name
        if key in first_row:
            what = "id" if raw_id else "name (and no id)"
            result.skip(
                f"duplicate {what} '{key}' (first on row {first_row[key].line}); row skipped",
                location,
            )
            continue
        first_row[key] = location
        system_id = unique_id(base, taken)
        if system_id != base:
            result.skip(
                f"id '{base}' is already taken; this row's system is '{system_id}'",
                location,
            )
        fields: dict[str, Any] = {"id": system_id, "name": name, "options": []}
        for field in ("department", "technology", "description"):
            if field in cells:
                fields[field] = cells[field]
        for field, parse in _PARSERS.items():
            if field not in cells:
                continue
            try:
                fields[field] = parse(cells[field])
            except ValueError as exc:
                result.skip(f"{field}: {exc}; left unset", location)
        rows[system_id] = (fields, location)
        for alias in {key, base, system_id}:
            aliases.setdefault(alias, system_id)
        names.setdefault(name.lower(), []).append(system_id)
    for name, ids in names.items():
        if len(ids) == 1:
            aliases.setdefault(name, ids[0])
    return rows, aliases


def _dependency_rows(
    table: Table,
    mapping: dict[str, str],
    aliases: dict[str, str],
    result: ImportResult,
) -> dict[str, list[Dependency]]:
    """`depends_on` of each system from the dependencies table (bad rows reported)."""
    columns = resolve_columns(table, DEPENDENCY_FIELDS, mapping)
    missing = [f for f in ("system", "depends_on") if f not in columns]
    if missing:
        found = ", ".join(str(c) for c in table.frame.columns)
        raise TableError(
            f"{table.shown}: needs columns {' and '.join(missing)} (columns are: {found}); "
            f"use --map {missing[0]}=COLUMN"
        )
    links: dict[str, list[Dependency]] = {}
    seen: dict[tuple[str, str], int] = {}
    for offset, record in enumerate(table.frame.itertuples(index=False, name=None)):
        location = table.location(offset)
        cells = _cells(record, columns)
        if not cells:
            continue
        ends = []
        for field in ("system", "depends_on"):
            value = cells.get(field, "")
            target = aliases.get(value) or aliases.get(slugify(value)) or aliases.get(value.lower())
            if not value:
                result.skip(f"dependency without `{field}`; skipped", location)
            elif target is None:
                hint = did_you_mean(slugify(value), set(aliases.values()))
                result.skip(
                    f"{field}: unknown system '{value}'{hint}; dependency skipped", location
                )
            ends.append(target)
        consumer, provider = ends
        if consumer is None or provider is None:
            continue
        constraint = (cells.get("constraint") or "after").lower()
        if constraint not in CONSTRAINTS:
            result.skip(
                f"constraint '{cells['constraint']}' is not one of {', '.join(CONSTRAINTS)}"
                f"{did_you_mean(constraint, CONSTRAINTS)}; dependency skipped",
                location,
            )
            continue
        if consumer == provider:
            result.skip(f"'{consumer}' depends on itself; skipped", location)
            continue
        if (consumer, provider) in seen:
            result.skip(
                f"duplicate dependency {consumer} → {provider} (first on row {seen[(consumer, provider)]}); "
                "skipped",
                location,
            )
            continue
        seen[(consumer, provider)] = location.line
        kind = cells.get("kind") or "uses"
        links.setdefault(consumer, []).append(
            Dependency(system=provider, kind=kind, constraint=constraint)  # type: ignore[arg-type]
        )
        result.dependencies += 1
    return links

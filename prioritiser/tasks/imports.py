"""`import backstage|csv|xlsx` and `generate`: build an inventory instead of typing one."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prioritiser.errors import InventoryError, UsageError
from prioritiser.inventory import parse_period
from prioritiser.inventory.importers import (
    ImportResult,
    ImportSettings,
    build_draft,
    default_start,
    import_backstage,
    load_templates,
)
from prioritiser.inventory.writer import InventoryDraft, Written, write_inventory
from prioritiser.tasks.listener import Listener

if TYPE_CHECKING:
    from prioritiser.inventory.importers.tables import Table

# The CSV/Excel importer needs pandas, so `prioritiser.inventory.importers.tables` is
# imported where it is used, keeping every other command quick to start.


class ImportListener(Listener):
    """A `Listener` that is also shown what an importer read, before anything is written."""

    def imported(self, result: ImportResult) -> None:
        """The systems mapped and the items skipped (with `result.source`)."""


@dataclass(frozen=True)
class ImportRequest:
    """Where and how to write an imported inventory (the options every importer shares)."""

    output: Path
    force: bool = False  # overwrite an inventory already in `output`
    options_template: Path | None = None  # default: the built-in option templates
    name: str | None = None  # portfolio name (default: from the source)
    start: str | None = None  # first period (default: Q1 of next year)
    periods: int = 12
    strict: bool = False  # write nothing if anything could not be imported


@dataclass(frozen=True)
class ImportOutcome:
    result: ImportResult
    templates: str  # where the option templates came from
    written: Written | None  # None: --strict and something was skipped, so nothing written

    @property
    def estimated(self) -> int:
        """Options templated (marked `estimated: true`)."""
        if self.written is None:
            return 0
        return sum(o.estimated for s in self.written.inventory.systems for o in s.options)


def import_backstage_catalog(
    source: Path, request: ImportRequest, listener: ImportListener
) -> ImportOutcome:
    """Import a Backstage catalog file or folder: Components and Resources become systems."""
    return _finish(import_backstage(source), source, "backstage", request, listener)


def import_csv_tables(
    source: Path,
    dependencies: Path | None,
    mappings: Sequence[str],
    request: ImportRequest,
    listener: ImportListener,
) -> ImportOutcome:
    """Import a CSV export of applications, and optionally one of their dependencies."""
    from prioritiser.inventory.importers.tables import import_tables, read_csv_table

    mapping = _mapping(mappings)
    systems, notes = read_csv_table(source)
    deps = None
    if dependencies is not None:
        deps, more = read_csv_table(dependencies)
        notes += more
    result = import_tables(systems, deps, mapping, str(source))
    for note in notes:
        listener.note(note)
    return _finish(result, source, "csv", request, listener)


def import_xlsx_tables(
    source: Path,
    sheet: str | None,
    dependencies: Path | None,
    dependencies_sheet: str | None,
    mappings: Sequence[str],
    request: ImportRequest,
    listener: ImportListener,
) -> ImportOutcome:
    """Import an Excel export of applications (the same columns as a CSV export)."""
    from prioritiser.inventory.importers.tables import import_tables, read_excel_table

    mapping = _mapping(mappings)
    systems = read_excel_table(source, sheet)
    deps = _dependencies_sheet(source, systems, dependencies, dependencies_sheet)
    result = import_tables(systems, deps, mapping, str(source))
    return _finish(result, source, "xlsx", request, listener)


def _dependencies_sheet(
    source: Path, systems: Table, dependencies: Path | None, sheet: str | None
) -> Table | None:
    """The dependencies table: a CSV, a named sheet, or SOURCE's `dependencies` sheet."""
    from prioritiser.inventory.importers.tables import (
        excel_sheets,
        find_sheet,
        read_csv_table,
        read_excel_table,
    )

    if dependencies is not None and dependencies.suffix.lower() == ".csv":
        return read_csv_table(dependencies)[0]
    book = dependencies or source
    names = excel_sheets(book)
    if sheet is None:
        wanted = [n for n in names if n.strip().lower() in ("dependencies", "deps")]
        if wanted:
            sheet = wanted[0]
        elif dependencies is None:
            return None
    table = read_excel_table(book, find_sheet(names, sheet, str(book)))
    return None if table.shown == systems.shown else table


def _mapping(items: Sequence[str]) -> dict[str, str]:
    from prioritiser.inventory.importers.tables import parse_mappings

    try:
        return parse_mappings(items)
    except ValueError as exc:  # parse_mappings only raises for a malformed FIELD=COLUMN
        raise UsageError(str(exc)) from exc


def _finish(
    result: ImportResult,
    source: Path,
    kind: str,
    request: ImportRequest,
    listener: ImportListener,
) -> ImportOutcome:
    """Template, size, report, and write one import."""
    templates, problems = load_templates(request.options_template)
    if templates is None:
        raise InventoryError(problems)
    settings = ImportSettings(
        name=request.name or f"Imported estate ({source.name})",
        start=start_period(request.start or default_start()),
        periods=request.periods,
        header=f"Imported from {source.name} by `prioritiser import {kind}`; "
        "options marked `estimated: true` come from templates.",
    )
    draft = build_draft(result, templates, settings)
    listener.imported(result)
    if request.strict and result.skipped:
        return ImportOutcome(result, templates.source, None)
    if not result.systems:
        raise InventoryError([], f"nothing to import: no systems found in {result.source}")
    written = write_checked(request.output, draft, request.force)
    return ImportOutcome(result, templates.source, written)


def start_period(text: str) -> str:
    """A `--start` period, upper-cased (2027-q1 → 2027-Q1); a usage error when malformed."""
    try:
        parse_period(text)
    except ValueError as exc:
        raise UsageError(f"--start: {exc}") from exc
    return text.upper()


def write_checked(output: Path, draft: InventoryDraft, force: bool) -> Written:
    """Write the inventory; that it then fails validation is a bug, reported as one."""
    try:
        return write_inventory(output, draft, force=force)
    except InventoryError as exc:
        raise InventoryError(
            [*exc.problems, *exc.warnings],
            details=["internal error: the written inventory does not validate:"],
        ) from exc


@dataclass(frozen=True)
class GenerateRequest:
    systems: int
    output: Path
    seed: int = 0
    departments: int | None = None  # default: by size
    periods: int = 12
    options: int = 3  # per system
    start: str = "2027-Q1"
    force: bool = False


@dataclass(frozen=True)
class GenerateOutcome:
    written: Written
    generated_seconds: float
    total_seconds: float  # generated, written and validated


def generate_inventory(request: GenerateRequest) -> GenerateOutcome:
    """Write a synthetic estate (deterministic for a seed) for trials and benchmarks."""
    from prioritiser.inventory.generate import GeneratorSettings, generate_estate

    settings = GeneratorSettings(
        systems=request.systems,
        seed=request.seed,
        departments=request.departments,
        periods=request.periods,
        options=request.options,
        start=start_period(request.start),
    )
    began = time.perf_counter()
    draft = generate_estate(settings)
    generated = time.perf_counter() - began
    written = write_checked(request.output, draft, request.force)
    return GenerateOutcome(written, generated, time.perf_counter() - began)

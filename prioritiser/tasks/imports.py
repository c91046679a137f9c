"""`import backstage|csv|xlsx|servicenow|leanix`: build an inventory from what an estate records.

Every import takes one path (`_import`): check the request, load the option templates, read
the source (an importer of `prioritiser.inventory.importers`), load the inventory's
`overrides/*.yaml`, assemble a draft, show the listener what was read, left out, overridden
and skipped — before anything is written, so that every problem is seen even when writing
is refused — then write and validate. With `strict`, nothing is written when anything was
skipped, and the outcome says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from prioritiser.errors import InventoryError, UsageError
from prioritiser.inventory.importers import (
    BackstageOptions,
    Excluded,
    ImportInvalid,
    ImportResult,
    ImportSettings,
    Overrides,
    Templates,
    assemble_draft,
    default_start,
    import_backstage,
    load_overrides,
    load_templates,
)
from prioritiser.inventory.schema import LIFECYCLES, TIME_TAGS
from prioritiser.inventory.writer import InventoryDraft, Written, write_inventory
from prioritiser.tasks.common import start_period
from prioritiser.tasks.listener import Listener

if TYPE_CHECKING:
    from prioritiser.inventory.importers.columns import TableOptions

# The table importers need pandas, so `prioritiser.inventory.importers.table_sources` and
# the profiles are imported where they are used, keeping every other command quick to start.

TableKind = Literal["csv", "xlsx", "servicenow", "leanix"]


@dataclass(frozen=True)
class ImportRequest:
    """Where and how to write an imported inventory (the options every importer shares)."""

    output: Path  # its overrides/*.yaml are applied
    force: bool = False  # overwrite an inventory already in `output`
    options_template: Path | None = None  # default: the built-in option templates
    name: str | None = None  # portfolio name (default: from the source)
    start: str | None = None  # first period (default: Q1 of next year)
    periods: int = 12
    strict: bool = False  # write nothing if anything could not be imported
    currency: str | None = None  # default: what the source's amounts say, else GBP
    # Lifecycle stages or TIME tags to plan although the templates leave them out.
    include_lifecycle: tuple[str, ...] = ()

    @property
    def currency_code(self) -> str | None:
        return (self.currency or "").upper() or None


@dataclass(frozen=True)
class PreparedImport:
    """An import ready to write, and everything the user should be told about it."""

    result: ImportResult  # what the importer read and skipped
    draft: InventoryDraft  # the systems that will be planned
    templates: Templates
    excluded: tuple[Excluded, ...]  # systems left out by their lifecycle
    overrides: Overrides  # which overrides applied, and which matched nothing

    @property
    def estimated_options(self) -> int:
        """Options templated (marked `estimated: true`)."""
        return sum(o.estimated for s in self.draft.systems for o in s.options)


@dataclass(frozen=True)
class ImportOutcome:
    prepared: PreparedImport
    written: Written | None  # None: `strict` and something was skipped, so nothing written


class ImportListener(Listener):
    """A `Listener` that is also shown what an import read, before anything is written."""

    def imported(self, prepared: PreparedImport) -> None:
        """The systems mapped, left out, overridden and skipped."""


@dataclass(frozen=True)
class BackstageReading:
    """How to read a Backstage catalog."""

    unit: str = "component"  # plan each Component and Resource, or each System
    types: tuple[str, ...] | None = None  # entity spec.types (None: all but libraries, docs)
    department_types: tuple[str, ...] = ()  # Group spec.types that are departments


@dataclass(frozen=True)
class TableFiles:
    """The files of a table import: several sources make one estate."""

    sources: tuple[Path, ...]
    dependencies: tuple[Path, ...] = ()  # CSV files or workbooks of dependencies
    sheet: str | None = None  # of systems (default: the first; `all` for every sheet)
    dependencies_sheet: str | None = None

    @property
    def shown(self) -> str:
        first = self.sources[0].name
        return first if len(self.sources) == 1 else f"{first} and {len(self.sources) - 1} more"


@dataclass(frozen=True)
class TableReading:
    """How to read a table's cells, as written on the command line (checked by the task)."""

    mappings: tuple[str, ...] = ()  # FIELD=COLUMN
    where: tuple[str, ...] = ()  # COLUMN=VALUE or COLUMN!=VALUE
    na: tuple[str, ...] = ()  # "not known" tokens besides the defaults
    value_maps: tuple[str, ...] = ()  # FIELD:FROM=TO
    scale: tuple[str, ...] = ()  # COLUMN=FACTOR
    relations: tuple[str, ...] = ()  # TYPE=CONSTRAINT
    header_row: int | None = 1  # None: no header row (columns A, B, C…)
    separator: str = ";"

    def options(self, currency: str | None) -> TableOptions:
        """The parsed options; a malformed one is a usage error."""
        from prioritiser.inventory.importers import columns as cols

        try:
            return cols.TableOptions(
                mapping=cols.parse_mappings(self.mappings),
                na=(*cols.DEFAULT_NA, *self.na),
                where=cols.parse_conditions(self.where),
                values=cols.parse_value_maps(self.value_maps),
                scale=cols.parse_scales(self.scale),
                relations=cols.parse_relations(self.relations),
                separator=self.separator,
                currency=currency,
            )
        except ValueError as exc:  # the parsers raise only for a malformed option
            raise UsageError(str(exc)) from exc


def import_backstage_catalog(
    source: Path, reading: BackstageReading, request: ImportRequest, listener: ImportListener
) -> ImportOutcome:
    """Import a Backstage catalog file or folder: Components and Resources (or Systems)
    become systems; a Location's relative targets are followed."""
    options = BackstageOptions(
        unit=reading.unit,
        types=reading.types,
        department_types=reading.department_types or None,
        currency=request.currency_code,
    )

    def read(_start: str) -> ImportResult:
        return import_backstage(source, options)

    return _import("backstage", source.name, read, request, listener)


def import_tables(
    kind: TableKind,
    files: TableFiles,
    reading: TableReading,
    request: ImportRequest,
    listener: ImportListener,
) -> ImportOutcome:
    """Import CSV or Excel exports of applications: a generic register (`csv`, `xlsx`), a
    ServiceNow list export or a LeanIX fact-sheet export (their documented columns)."""
    from prioritiser.inventory.importers.leanix import LEANIX, leanix_sheet
    from prioritiser.inventory.importers.servicenow import SERVICENOW
    from prioritiser.inventory.importers.table_import import GENERIC
    from prioritiser.inventory.importers.table_sources import TableSource, read_tables

    sheet = files.sheet
    if kind == "leanix":
        sheet = leanix_sheet(files.sources[0], sheet)
    source = TableSource(
        files.sources,
        files.dependencies,
        sheet,
        files.dependencies_sheet,
        reading.header_row,
        reading.options(request.currency_code),
        kind if kind in ("csv", "xlsx") else "auto",
    )
    profile = {"servicenow": SERVICENOW, "leanix": LEANIX}.get(kind, GENERIC)

    def read(start: str) -> ImportResult:
        return read_tables(source, start, profile)

    return _import(kind, files.shown, read, request, listener)


def _import(
    kind: str,
    source_name: str,
    read: Callable[[str], ImportResult],
    request: ImportRequest,
    listener: ImportListener,
) -> ImportOutcome:
    """Prepare, report, write: the one path every import takes."""
    prepared = _prepare(kind, source_name, read, request)
    listener.imported(prepared)
    if request.strict and prepared.result.skipped:
        return ImportOutcome(prepared, None)
    return ImportOutcome(prepared, _write(prepared, request))


def _prepare(
    kind: str, source_name: str, read: Callable[[str], ImportResult], request: ImportRequest
) -> PreparedImport:
    """Read the source (`read(start)`), apply the overrides, template and size a draft."""
    templates, problems = load_templates(request.options_template)
    if templates is None:
        raise ImportInvalid("the options template is not valid", problems)
    start = start_period(request.start or default_start())
    include = _included(request.include_lifecycle)
    result = read(start)
    overrides = load_overrides(request.output)
    settings = ImportSettings(
        name=request.name or f"Imported estate ({source_name})",
        start=start,
        periods=request.periods,
        header=f"Imported from {source_name} by `prioritiser import {kind}`; "
        "options marked `estimated: true` come from templates; corrections belong in "
        "overrides/*.yaml (this file is rewritten by every import).",
        currency=request.currency_code or result.currency or "GBP",
        include=include,
    )
    assembled = assemble_draft(result, templates, overrides, settings)
    return PreparedImport(result, assembled.draft, templates, assembled.excluded, overrides)


def _included(stages: tuple[str, ...]) -> tuple[str, ...]:
    """`include_lifecycle`: lifecycle stages or TIME tags (a usage error otherwise)."""
    known = (*LIFECYCLES, *TIME_TAGS)
    for stage in stages:
        if stage not in known:
            raise UsageError(f"--include-lifecycle {stage!r}: use one of {', '.join(known)}")
    return stages


def _write(prepared: PreparedImport, request: ImportRequest) -> Written:
    """Write the prepared inventory (validated first; nothing written if it is invalid).

    An inventory already in the way is a usage error (`InventoryExistsError`); a draft that
    does not validate is `ImportInvalid` — overrides can make it so, so it is not a bug.
    """
    if not prepared.draft.systems:
        raise ImportInvalid(f"nothing to import: no systems found in {prepared.result.source}")
    try:
        return write_inventory(request.output, prepared.draft, force=request.force)
    except InventoryError as exc:
        hint = " with its overrides" if prepared.overrides.files else ""
        raise ImportInvalid(
            f"the imported inventory{hint} does not validate", [*exc.problems, *exc.warnings]
        ) from exc

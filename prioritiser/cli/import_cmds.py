"""`import backstage|csv|xlsx|servicenow|leanix`: build an inventory from what exists.

Each command parses its arguments into a typed request, calls the import task
(`prioritiser.tasks.imports`), echoes what it wrote and returns the exit code.
"""

from __future__ import annotations

from pathlib import Path

import click

from prioritiser.cli.common import EXIT_INVALID, EXIT_OK, echo_lines
from prioritiser.cli.echo import import_lines
from prioritiser.cli.options import import_options, table_options
from prioritiser.cli.terminal import TerminalListener
from prioritiser.tasks import (
    BackstageReading,
    ImportOutcome,
    ImportRequest,
    TableFiles,
    TableKind,
    TableReading,
    import_backstage_catalog,
    import_tables,
)

SOURCES = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(name="import")
def import_group() -> None:
    """Build an inventory from a Backstage catalog, a CMDB export (CSV or Excel), a
    ServiceNow list export or a LeanIX fact-sheet export.

    Systems get estimated options from option templates (marked `estimated: true`) and the
    portfolio gets defaults sized to the estate; review both before relying on a plan, and
    keep corrections in INVENTORY/overrides/*.yaml, which every import applies.
    """


def _types(ctx: click.Context, param: click.Parameter, text: str | None) -> tuple[str, ...] | None:
    """`--types service,website` as a tuple of lower-case types."""
    if text is None:
        return None
    return tuple(t.strip().lower() for t in text.split(",") if t.strip())


@import_group.command("backstage")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--unit",
    type=click.Choice(["component", "system"]),
    default="component",
    show_default=True,
    help="Plan each Component/Resource, or each Backstage System (its components together).",
)
@click.option(
    "--types",
    metavar="TYPE[,TYPE]",
    callback=_types,
    help="Entity spec.types to import, e.g. service,website,database (default: all but "
    "library and documentation; `all` for every type).",
)
@click.option(
    "--department-type",
    "department_types",
    multiple=True,
    metavar="TYPE",
    help="Group spec.type that is a department: owners roll up to it (default: department, "
    "business-unit, division, directorate).",
)
@import_options
def backstage_cmd(
    source: Path,
    unit: str,
    types: tuple[str, ...] | None,
    department_types: tuple[str, ...],
    request: ImportRequest,
    verbose: bool,
) -> int:
    """Import a Backstage catalog: its Components and Resources (or Systems) become systems.

    SOURCE is a catalog-info.yaml (a Location's relative targets are followed) or a folder
    of them. Unresolvable references are reported with file:line. See docs/importers.md.
    """
    reading = BackstageReading(unit, types, department_types)
    listener = TerminalListener(verbose=verbose)
    return _finish(import_backstage_catalog(source, reading, request, listener))


@import_group.command("csv")
@click.argument("sources", nargs=-1, required=True, type=SOURCES)
@click.option(
    "--dependencies",
    multiple=True,
    type=SOURCES,
    help="CSV of dependencies: system,depends_on,kind[,constraint] (repeatable).",
)
@table_options
@import_options
def csv_cmd(
    sources: tuple[Path, ...],
    dependencies: tuple[Path, ...],
    reading: TableReading,
    request: ImportRequest,
    verbose: bool,
) -> int:
    """Import CSV exports of applications (several files make one estate).

    Default columns: id, name, department, criticality, annual_run_cost, end_of_support,
    and optional owner, lifecycle, time_tag, legacy_risk, depends_on…; dependencies:
    system, depends_on, kind[, constraint]. Problems name the spreadsheet row.
    """
    files = TableFiles(sources, dependencies)
    return _tables("csv", files, reading, request, verbose)


@import_group.command("xlsx")
@click.argument("sources", nargs=-1, required=True, type=SOURCES)
@click.option("--sheet", help="Sheet of applications (default: the first; `all` for every sheet).")
@click.option(
    "--dependencies",
    multiple=True,
    type=SOURCES,
    help="Workbook or CSV of dependencies (default: SOURCE's sheet `dependencies`, if any).",
)
@click.option(
    "--dependencies-sheet",
    help="Sheet of dependencies (default: `dependencies`, else the first sheet of --dependencies).",
)
@table_options
@import_options
def xlsx_cmd(
    sources: tuple[Path, ...],
    sheet: str | None,
    dependencies: tuple[Path, ...],
    dependencies_sheet: str | None,
    reading: TableReading,
    request: ImportRequest,
    verbose: bool,
) -> int:
    """Import Excel exports of applications (same columns as `import csv`).

    Problems name the sheet and row, e.g. cmdb.xlsx[Apps]:4.
    """
    files = TableFiles(sources, dependencies, sheet, dependencies_sheet)
    return _tables("xlsx", files, reading, request, verbose)


@import_group.command("servicenow")
@click.argument("sources", nargs=-1, required=True, type=SOURCES)
@click.option(
    "--relations",
    "dependencies",
    multiple=True,
    type=SOURCES,
    help="A cmdb_rel_ci list export (parent, type, child), CSV or Excel (repeatable).",
)
@click.option("--sheet", help="Sheet of applications in an Excel export (default: the first).")
@table_options
@import_options
def servicenow_cmd(
    sources: tuple[Path, ...],
    dependencies: tuple[Path, ...],
    sheet: str | None,
    reading: TableReading,
    request: ImportRequest,
    verbose: bool,
) -> int:
    """Import a ServiceNow cmdb_ci_business_app or cmdb_ci_appl list export.

    Relations (cmdb_rel_ci: the parent depends on the child) become dependencies with a
    constraint per relation type (--relation to change one). See docs/importers.md.
    """
    files = TableFiles(sources, dependencies, sheet)
    return _tables("servicenow", files, reading, request, verbose)


@import_group.command("leanix")
@click.argument("source", type=SOURCES)
@click.option(
    "--sheet", help="Sheet of Application fact sheets (default: Application, else the first)."
)
@table_options
@import_options
def leanix_cmd(
    source: Path, sheet: str | None, reading: TableReading, request: ImportRequest, verbose: bool
) -> int:
    """Import a SAP LeanIX Application fact-sheet Excel export.

    Lifecycle phases (dated), business criticality, functional and technical fit, and
    application relations (relToRequires, relToSuccessor, interfaces) are read.
    """
    files = TableFiles((source,), sheet=sheet)
    return _tables("leanix", files, reading, request, verbose)


def _tables(
    kind: TableKind, files: TableFiles, reading: TableReading, request: ImportRequest, verbose: bool
) -> int:
    listener = TerminalListener(verbose=verbose)
    return _finish(import_tables(kind, files, reading, request, listener))


def _finish(outcome: ImportOutcome) -> int:
    """Echo what was written (or that --strict refused to write); the exit code."""
    echo_lines(import_lines(outcome))
    return EXIT_OK if outcome.written is not None else EXIT_INVALID

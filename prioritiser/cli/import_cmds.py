"""`import backstage|csv|xlsx|servicenow|leanix`: build an inventory from what exists.

Each command parses its options into the importers' typed options, calls the use case
(`prioritiser.inventory.importers.run`) and prints what it did.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from prioritiser.cli.common import (
    EXIT_INVALID,
    EXIT_USAGE,
    UserError,
    err,
    inventory_summary,
    show_problems,
)
from prioritiser.inventory.importers.common import ImportResult
from prioritiser.inventory.importers.run import (
    ImportInvalid,
    ImportOptions,
    ImportUsageError,
    PreparedImport,
    prepare_import,
    write_import,
)
from prioritiser.inventory.writer import Written

if TYPE_CHECKING:  # the table importers need pandas: imported where they are used
    from prioritiser.inventory.importers.table_import import Profile

F = Callable[..., Any]
COMMON = (
    "output", "force", "options_template", "name", "start", "periods", "strict", "verbose",
    "currency", "include_lifecycle",
)  # fmt: skip


def output_options(command: F) -> F:
    command = click.option(
        "--force", is_flag=True, help="Overwrite an inventory that already exists in INVENTORY."
    )(command)
    return click.option(
        "-o",
        "--output",
        "output",
        required=True,
        type=click.Path(path_type=Path, file_okay=False),
        metavar="INVENTORY",
        help="Folder to write the inventory to (its overrides/*.yaml are applied).",
    )(command)


def _import_options(command: F) -> F:
    for decorator in reversed(
        [
            click.option(
                "--options-template",
                type=click.Path(path_type=Path, exists=True, dir_okay=False),
                help="Option templates file (default: the built-in one; see docs/importers.md).",
            ),
            click.option("--name", help="Portfolio name (default: from SOURCE)."),
            click.option(
                "--start",
                help="First period of the plan, e.g. 2027-Q1 (default: Q1 of next year).",
            ),
            click.option(
                "--periods",
                type=click.IntRange(1, 400),
                default=12,
                show_default=True,
                help="Planning horizon in periods.",
            ),
            click.option(
                "--currency",
                metavar="CODE",
                help="Portfolio currency, e.g. USD (default: what the source's amounts say, "
                "else GBP); amounts in another currency are left unset and reported.",
            ),
            click.option(
                "--include-lifecycle",
                "include_lifecycle",
                multiple=True,
                metavar="STAGE",
                help="Plan systems whose lifecycle stage (or TIME tag) is out of scope by "
                "default, e.g. experimental (repeatable; end_of_life ones may only be retired).",
            ),
            click.option(
                "--strict",
                is_flag=True,
                help="Write nothing (exit 3) if anything could not be imported.",
            ),
            click.option("-v", "--verbose", is_flag=True, help="List every system mapped."),
            output_options,
        ]
    ):
        command = decorator(command)
    return command


def table_options(command: F) -> F:
    """How to read table cells: columns, rows, tokens, value maps, units, header."""
    for decorator in reversed(
        [
            click.option(
                "--map",
                "mappings",
                multiple=True,
                metavar="FIELD=COLUMN",
                help="Read FIELD from COLUMN (a header or a letter; repeatable), "
                "e.g. --map id=sys_id --map lifecycle=Status.",
            ),
            click.option(
                "--where",
                multiple=True,
                metavar="COLUMN=VALUE",
                help="Import only rows where COLUMN=VALUE (or COLUMN!=VALUE); repeatable: "
                "values of one column are alternatives, columns must all match.",
            ),
            click.option(
                "--na",
                multiple=True,
                metavar="TOKEN",
                help="A cell meaning 'not known' (repeatable), besides -, n/a, TBC, TBD, ?, "
                "unknown, null.",
            ),
            click.option(
                "--value",
                "value_maps",
                multiple=True,
                metavar="FIELD:FROM=TO",
                help="Translate a value, e.g. --value lifecycle:Sunsetting=phase_out "
                "(repeatable; an empty TO means not known).",
            ),
            click.option(
                "--scale",
                multiple=True,
                metavar="COLUMN=FACTOR",
                help="Multiply a money column (or field) by FACTOR (1e6, m, k), e.g. "
                "--scale 'Cost ($M)=1e6'; units in headers like ($M) are read by themselves.",
            ),
            click.option(
                "--header-row",
                type=click.IntRange(1, 1000),
                default=1,
                show_default=True,
                help="Spreadsheet row of the header (rows above it are ignored).",
            ),
            click.option(
                "--no-header",
                is_flag=True,
                help="The table has no header row: name columns by letter (--map name=B).",
            ),
            click.option(
                "--separator",
                default=";",
                show_default=True,
                help="Separates several values in one cell (a line break always does).",
            ),
            click.option(
                "--relation",
                "relations",
                multiple=True,
                metavar="TYPE=CONSTRAINT",
                help="Constraint for a relation type (after, requires, together, none, "
                "skip), e.g. --relation 'Sends data to::Receives data from=none'.",
            ),
        ]
    ):
        command = decorator(command)
    return command


@click.group(name="import")
def import_group() -> None:
    """Build an inventory from a Backstage catalog, a CMDB export (CSV or Excel), a
    ServiceNow list export or a LeanIX fact-sheet export.

    Systems get estimated options from option templates (marked `estimated: true`) and the
    portfolio gets defaults sized to the estate; review both before relying on a plan, and
    keep corrections in INVENTORY/overrides/*.yaml, which every import applies.
    """


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
@_import_options
def backstage_cmd(
    source: Path, unit: str, types: str | None, department_types: tuple[str, ...], **options: Any
) -> None:
    """Import a Backstage catalog: its Components and Resources (or Systems) become systems.

    SOURCE is a catalog-info.yaml (a Location's relative targets are followed) or a folder
    of them. Unresolvable references are reported with file:line. See docs/importers.md.
    """
    from prioritiser.inventory.importers.backstage import BackstageOptions, import_backstage

    settings = BackstageOptions(
        unit=unit,
        types=_types(types),
        department_types=department_types or None,
        currency=(options["currency"] or "").upper() or None,
    )
    _import("backstage", source.name, lambda _: import_backstage(source, settings), options)


@import_group.command("csv")
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--dependencies",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of dependencies: system,depends_on,kind[,constraint] (repeatable).",
)
@table_options
@_import_options
def csv_cmd(sources: tuple[Path, ...], dependencies: tuple[Path, ...], **options: Any) -> None:
    """Import CSV exports of applications (several files make one estate).

    Default columns: id, name, department, criticality, annual_run_cost, end_of_support,
    and optional owner, lifecycle, time_tag, legacy_risk, depends_on…; dependencies:
    system, depends_on, kind[, constraint]. Problems name the spreadsheet row.
    """
    _tables("csv", sources, dependencies, None, None, options)


@import_group.command("xlsx")
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--sheet", help="Sheet of applications (default: the first; `all` for every sheet).")
@click.option(
    "--dependencies",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Workbook or CSV of dependencies (default: SOURCE's sheet `dependencies`, if any).",
)
@click.option(
    "--dependencies-sheet",
    help="Sheet of dependencies (default: `dependencies`, else the first sheet of --dependencies).",
)
@table_options
@_import_options
def xlsx_cmd(
    sources: tuple[Path, ...],
    sheet: str | None,
    dependencies: tuple[Path, ...],
    dependencies_sheet: str | None,
    **options: Any,
) -> None:
    """Import Excel exports of applications (same columns as `import csv`).

    Problems name the sheet and row, e.g. cmdb.xlsx[Apps]:4.
    """
    _tables("xlsx", sources, dependencies, sheet, dependencies_sheet, options)


@import_group.command("servicenow")
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--relations",
    "dependencies",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A cmdb_rel_ci list export (parent, type, child), CSV or Excel (repeatable).",
)
@click.option("--sheet", help="Sheet of applications in an Excel export (default: the first).")
@table_options
@_import_options
def servicenow_cmd(
    sources: tuple[Path, ...], dependencies: tuple[Path, ...], sheet: str | None, **options: Any
) -> None:
    """Import a ServiceNow cmdb_ci_business_app or cmdb_ci_appl list export.

    Relations (cmdb_rel_ci: the parent depends on the child) become dependencies with a
    constraint per relation type (--relation to change one). See docs/importers.md.
    """
    from prioritiser.inventory.importers.servicenow import SERVICENOW

    _tables("servicenow", sources, dependencies, sheet, None, options, SERVICENOW)


@import_group.command("leanix")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--sheet", help="Sheet of Application fact sheets (default: Application, else the first)."
)
@table_options
@_import_options
def leanix_cmd(source: Path, sheet: str | None, **options: Any) -> None:
    """Import a SAP LeanIX Application fact-sheet Excel export.

    Lifecycle phases (dated), business criticality, functional and technical fit, and
    application relations (relToRequires, relToSuccessor, interfaces) are read.
    """
    from prioritiser.inventory.importers.leanix import LEANIX, leanix_sheet

    _tables("leanix", (source,), (), leanix_sheet(source, sheet), None, options, LEANIX)


def _types(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(t.strip().lower() for t in text.split(",") if t.strip())


def _tables(
    kind: str,
    sources: tuple[Path, ...],
    dependencies: tuple[Path, ...],
    sheet: str | None,
    dependencies_sheet: str | None,
    options: dict[str, Any],
    profile: Profile | None = None,
) -> None:
    """Parse the table options, then import."""
    from prioritiser.inventory.importers import columns as cols
    from prioritiser.inventory.importers.table_import import GENERIC
    from prioritiser.inventory.importers.table_sources import TableSource, read_tables

    try:
        table = cols.TableOptions(
            mapping=cols.parse_mappings(options.pop("mappings")),
            na=(*cols.DEFAULT_NA, *options.pop("na")),
            where=cols.parse_conditions(options.pop("where")),
            values=cols.parse_value_maps(options.pop("value_maps")),
            scale=cols.parse_scales(options.pop("scale")),
            relations=cols.parse_relations(options.pop("relations")),
            separator=options.pop("separator"),
            currency=(options["currency"] or "").upper() or None,
        )
    except ValueError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    header_row, no_header = options.pop("header_row"), options.pop("no_header")
    source = TableSource(
        sources,
        dependencies,
        sheet,
        dependencies_sheet,
        None if no_header else header_row,
        table,
        kind if kind in ("csv", "xlsx") else "auto",
    )
    name = (
        sources[0].name if len(sources) == 1 else f"{sources[0].name} and {len(sources) - 1} more"
    )
    _import(kind, name, lambda start: read_tables(source, start, profile or GENERIC), options)


def _import(
    kind: str, source_name: str, read: Callable[[str], ImportResult], options: dict[str, Any]
) -> None:
    """Prepare, report, write: the one path every import takes."""
    verbose = options.pop("verbose")
    settings = ImportOptions(kind=kind, source_name=source_name, **options)
    try:
        prepared = prepare_import(read, settings)
        _report(prepared, verbose)
        if prepared.refused_by_strict(settings.strict):
            count = len(prepared.result.skipped)
            err(f"--strict: {count} item(s) could not be imported; nothing written")
            sys.exit(EXIT_INVALID)
        written = write_import(prepared, settings)
    except ImportUsageError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    except ImportInvalid as exc:
        show_problems(exc.problems)
        raise UserError(str(exc), EXIT_INVALID) from exc
    click.echo(
        f"templated {prepared.estimated_options} estimated options from {prepared.templates.source}"
    )
    summary(written)


def _report(prepared: PreparedImport, verbose: bool) -> None:
    result = prepared.result
    planned = {s.id for s in prepared.draft.systems}
    kinds = Counter(m.what for m in result.mapped if m.system in planned)
    where = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()) if k != "row")
    count = len(prepared.draft.systems)
    line = f"imported {count} system{'s' if count != 1 else ''}" + (f" ({where})" if where else "")
    deps = sum(len(s.depends_on) for s in prepared.draft.systems)
    line += f" and {deps} dependenc{'ies' if deps != 1 else 'y'} from {result.source}"
    if result.context:
        line += "; read for context: " + ", ".join(f"{n} {k}" for k, n in result.context.items())
    click.echo(line)
    if result.filtered:
        click.echo(
            f"left out {result.filtered} row(s) by --where, or as not applications "
            "(an export's own filter)"
        )
    for note in result.notes:
        err(f"note: {note}")
    if prepared.excluded:
        stages = Counter(e.reason.split(":")[0] for e in prepared.excluded)
        summary = ", ".join(f"{n} × {why}" for why, n in sorted(stages.items()))
        click.echo(f"left out {len(prepared.excluded)} system(s) by lifecycle: {summary}")
        for excluded in prepared.excluded if verbose else []:
            where = f" at {excluded.location}" if excluded.location else ""
            click.echo(f"  {excluded.system}{where}: {excluded.reason}")
    overrides = prepared.overrides
    if overrides.files:
        click.echo(
            f"applied {len(overrides.applied)} override(s) from {', '.join(overrides.files)}"
        )
        for line in overrides.applied_lines():
            click.echo(f"  {line}")
        for problem in overrides.unmatched():
            err(problem.render())
    if verbose:
        for mapped in result.mapped:
            click.echo(f"  {mapped.system} ← {mapped.what} at {mapped.source}")
    if result.skipped:
        err(f"skipped or ignored {len(result.skipped)}:")
        for text in result.grouped():
            err(f"  {text}")


def summary(written: Written) -> None:
    """What an import or `generate` wrote, and what to run next."""
    for path in written.files:
        click.echo(f"wrote {path}")
    for path in written.removed:
        click.echo(f"removed {path} (not part of the new inventory)")
    for warning in written.warnings:
        err(warning.render())
    click.echo(f"{written.root}: valid — {inventory_summary(written.inventory)}")
    click.echo(f"next: prioritiser plan {written.root}")


COMMANDS = [import_group]

"""`import backstage|csv|xlsx` and `generate`: build an inventory instead of typing one."""

from __future__ import annotations

import sys
import time
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
from prioritiser.inventory import InventoryError, Problem, parse_period
from prioritiser.inventory.importers import (
    ImportResult,
    ImportSettings,
    build_draft,
    default_start,
    import_backstage,
    load_templates,
)
from prioritiser.inventory.writer import (
    InventoryDraft,
    InventoryExistsError,
    Written,
    write_inventory,
)

if TYPE_CHECKING:
    from prioritiser.inventory.importers.tables import Table

F = Callable[..., Any]


def _output_options(command: F) -> F:
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
        help="Folder to write the inventory to.",
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
                "--strict",
                is_flag=True,
                help="Write nothing (exit 3) if anything could not be imported.",
            ),
            click.option("-v", "--verbose", is_flag=True, help="List every system mapped."),
            _output_options,
        ]
    ):
        command = decorator(command)
    return command


@click.group(name="import")
def import_group() -> None:
    """Build an inventory from a Backstage catalog or a CMDB export (CSV or Excel).

    Systems get estimated options from option templates (marked `estimated: true`) and the
    portfolio gets defaults sized to the estate; review both before relying on a plan.
    """


@import_group.command("backstage")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@_import_options
def backstage_cmd(source: Path, **options: Any) -> None:
    """Import a Backstage catalog: its Components and Resources become systems.

    SOURCE is a catalog-info.yaml file or a folder of them (multi-document YAML).
    Unresolvable entity references are reported with file:line. See docs/importers.md.
    """
    _finish(import_backstage(source), source, "backstage", **options)


@import_group.command("csv")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dependencies",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of dependencies: system,depends_on,kind[,constraint].",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read FIELD from column COLUMN (repeatable), e.g. --map id=sys_id.",
)
@_import_options
def csv_cmd(
    source: Path, dependencies: Path | None, mappings: tuple[str, ...], **options: Any
) -> None:
    """Import a CSV export of applications (and of their dependencies).

    Default columns: id, name, department, criticality, annual_run_cost, end_of_support;
    dependencies: system, depends_on, kind[, constraint]. Problems name the spreadsheet
    row (the header is row 1). See docs/importers.md.
    """
    from prioritiser.inventory.importers.tables import TableError, import_tables, read_csv_table

    mapping = _mapping(mappings)
    try:
        systems, notes = read_csv_table(source)
        deps = None
        if dependencies is not None:
            deps, more = read_csv_table(dependencies)
            notes += more
        result = import_tables(systems, deps, mapping, str(source))
    except TableError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    for note in notes:
        err(f"note: {note}")
    _finish(result, source, "csv", **options)


@import_group.command("xlsx")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="Sheet of applications (default: the first sheet).")
@click.option(
    "--dependencies",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Workbook or CSV of dependencies (default: SOURCE's sheet `dependencies`, if any).",
)
@click.option(
    "--dependencies-sheet",
    help="Sheet of dependencies (default: `dependencies`, else the first sheet of --dependencies).",
)
@click.option(
    "--map", "mappings", multiple=True, metavar="FIELD=COLUMN", help="As for `import csv`."
)
@_import_options
def xlsx_cmd(
    source: Path,
    sheet: str | None,
    dependencies: Path | None,
    dependencies_sheet: str | None,
    mappings: tuple[str, ...],
    **options: Any,
) -> None:
    """Import an Excel export of applications (same columns as `import csv`).

    Reads the first sheet (or --sheet); dependencies from --dependencies or a sheet
    named `dependencies`. Problems name the sheet and row, e.g. cmdb.xlsx[Apps]:4.
    """
    from prioritiser.inventory.importers.tables import TableError, import_tables, read_excel_table

    mapping = _mapping(mappings)
    try:
        systems = read_excel_table(source, sheet)
        deps = _dependencies_sheet(source, systems, dependencies, dependencies_sheet)
        result = import_tables(systems, deps, mapping, str(source))
    except TableError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    _finish(result, source, "xlsx", **options)


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


def _mapping(items: tuple[str, ...]) -> dict[str, str]:
    from prioritiser.inventory.importers.tables import parse_mappings

    try:
        return parse_mappings(items)
    except ValueError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc


def _finish(
    result: ImportResult,
    source: Path,
    kind: str,
    output: Path,
    force: bool,
    options_template: Path | None,
    name: str | None,
    start: str | None,
    periods: int,
    strict: bool,
    verbose: bool,
) -> None:
    """Template, size, report, and write one import."""
    templates, problems = load_templates(options_template)
    if templates is None:
        show_problems(problems)
        sys.exit(EXIT_INVALID)
    start = _start(start or default_start())
    settings = ImportSettings(
        name=name or f"Imported estate ({source.name})",
        start=start,
        periods=periods,
        header=f"Imported from {source.name} by `prioritiser import {kind}`; "
        "options marked `estimated: true` come from templates.",
    )
    draft = build_draft(result, templates, settings)
    _report(result, verbose)
    if strict and result.skipped:
        err(f"--strict: {len(result.skipped)} item(s) could not be imported; nothing written")
        sys.exit(EXIT_INVALID)
    if not result.systems:
        raise UserError(f"nothing to import: no systems found in {result.source}", EXIT_INVALID)
    written = _write(output, draft, force)
    estimated = sum(o.estimated for s in written.inventory.systems for o in s.options)
    click.echo(f"templated {estimated} estimated options from {templates.source}")
    _summary(written)


def _start(text: str) -> str:
    try:
        parse_period(text)
    except ValueError as exc:
        raise UserError(f"--start: {exc}", EXIT_USAGE) from exc
    return text.upper()


def _report(result: ImportResult, verbose: bool) -> None:
    kinds = Counter(m.what for m in result.mapped)
    where = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()) if k != "row")
    count = len(result.systems)
    line = f"imported {count} system{'s' if count != 1 else ''}" + (f" ({where})" if where else "")
    line += f" and {result.dependencies} dependenc{'ies' if result.dependencies != 1 else 'y'}"
    line += f" from {result.source}"
    if result.context:
        line += "; read for context: " + ", ".join(f"{n} {k}" for k, n in result.context.items())
    click.echo(line)
    if verbose:
        for mapped in result.mapped:
            click.echo(f"  {mapped.system} ← {mapped.what} at {mapped.source}")
    if result.skipped:
        err(f"skipped or ignored {len(result.skipped)}:")
        for problem in sorted(result.skipped, key=Problem.sort_key):
            err(f"  {problem.render()}")


def _write(output: Path, draft: InventoryDraft, force: bool) -> Written:
    try:
        return write_inventory(output, draft, force=force)
    except InventoryExistsError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    except InventoryError as exc:
        err("internal error: the written inventory does not validate:")
        show_problems([*exc.problems, *exc.warnings])
        sys.exit(EXIT_INVALID)


def _summary(written: Written) -> None:
    for path in written.files:
        click.echo(f"wrote {path}")
    for path in written.removed:
        click.echo(f"removed {path} (not part of the new inventory)")
    for warning in written.warnings:
        err(warning.render())
    click.echo(f"{written.root}: valid — {inventory_summary(written.inventory)}")
    click.echo(f"next: prioritiser plan {written.root}")


@click.command()
@click.option(
    "--systems", "count", type=click.IntRange(1, 100_000), required=True, help="Number of systems."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same files)."
)
@click.option(
    "--departments", type=click.IntRange(1, 100), help="Number of departments (default: by size)."
)
@click.option(
    "--periods",
    type=click.IntRange(4, 400),
    default=12,
    show_default=True,
    help="Horizon in periods.",
)
@click.option(
    "--options",
    "options",
    type=click.IntRange(0, 5),
    default=3,
    show_default=True,
    help="Options per system (retire candidates get retire in place of the last).",
)
@click.option("--start", default="2027-Q1", show_default=True, help="First period of the plan.")
@_output_options
def generate(
    count: int,
    seed: int,
    departments: int | None,
    periods: int,
    options: int,
    start: str,
    output: Path,
    force: bool,
) -> None:
    """Write a realistic synthetic estate (deterministic for a seed) for trials and benchmarks.

    Heavy-tailed run costs, hub systems with a large blast radius, shared platforms, move
    groups, deadlines, scarce skills and retire candidates; budgets bind, and the estate is
    always feasible.
    """
    from prioritiser.inventory.generate import GeneratorSettings, generate_estate

    settings = GeneratorSettings(
        systems=count,
        seed=seed,
        departments=departments,
        periods=periods,
        options=options,
        start=_start(start),
    )
    began = time.perf_counter()
    draft = generate_estate(settings)
    generated = time.perf_counter() - began
    written = _write(output, draft, force)
    _summary(written)
    err(
        f"generated in {generated:.2f} s, written and validated in {time.perf_counter() - began:.2f} s"
    )


COMMANDS = [import_group, generate]

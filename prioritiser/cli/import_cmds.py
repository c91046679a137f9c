"""`import backstage|csv|xlsx` and `generate`: build an inventory instead of typing one."""

from __future__ import annotations

from pathlib import Path

import click

from prioritiser.cli.common import EXIT_INVALID, EXIT_OK, err
from prioritiser.cli.echo import Line, written_lines
from prioritiser.cli.options import import_options, import_output_options
from prioritiser.cli.terminal import TerminalListener
from prioritiser.tasks import (
    GenerateRequest,
    ImportOutcome,
    ImportRequest,
    generate_inventory,
    import_backstage_catalog,
    import_csv_tables,
    import_xlsx_tables,
)


@click.group(name="import")
def import_group() -> None:
    """Build an inventory from a Backstage catalog or a CMDB export (CSV or Excel).

    Systems get estimated options from option templates (marked `estimated: true`) and the
    portfolio gets defaults sized to the estate; review both before relying on a plan.
    """


@import_group.command("backstage")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@import_options
def backstage_cmd(source: Path, request: ImportRequest, verbose: bool) -> int:
    """Import a Backstage catalog: its Components and Resources become systems.

    SOURCE is a catalog-info.yaml file or a folder of them (multi-document YAML).
    Unresolvable entity references are reported with file:line. See docs/importers.md.
    """
    return _finish(import_backstage_catalog(source, request, TerminalListener(verbose=verbose)))


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
@import_options
def csv_cmd(
    source: Path,
    dependencies: Path | None,
    mappings: tuple[str, ...],
    request: ImportRequest,
    verbose: bool,
) -> int:
    """Import a CSV export of applications (and of their dependencies).

    Default columns: id, name, department, criticality, annual_run_cost, end_of_support;
    dependencies: system, depends_on, kind[, constraint]. Problems name the spreadsheet
    row (the header is row 1). See docs/importers.md.
    """
    listener = TerminalListener(verbose=verbose)
    return _finish(import_csv_tables(source, dependencies, mappings, request, listener))


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
@import_options
def xlsx_cmd(
    source: Path,
    sheet: str | None,
    dependencies: Path | None,
    dependencies_sheet: str | None,
    mappings: tuple[str, ...],
    request: ImportRequest,
    verbose: bool,
) -> int:
    """Import an Excel export of applications (same columns as `import csv`).

    Reads the first sheet (or --sheet); dependencies from --dependencies or a sheet
    named `dependencies`. Problems name the sheet and row, e.g. cmdb.xlsx[Apps]:4.
    """
    listener = TerminalListener(verbose=verbose)
    outcome = import_xlsx_tables(
        source, sheet, dependencies, dependencies_sheet, mappings, request, listener
    )
    return _finish(outcome)


def _finish(outcome: ImportOutcome) -> int:
    """Echo what was written, or that --strict refused to write anything."""
    if outcome.written is None:
        count = len(outcome.result.skipped)
        err(f"--strict: {count} item(s) could not be imported; nothing written")
        return EXIT_INVALID
    click.echo(f"templated {outcome.estimated} estimated options from {outcome.templates}")
    _echo(written_lines(outcome.written))
    return EXIT_OK


def _echo(lines: list[Line]) -> None:
    for text, to_stderr in lines:
        click.echo(text, err=to_stderr)


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
@import_output_options
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
    request = GenerateRequest(count, output, seed, departments, periods, options, start, force)
    outcome = generate_inventory(request)
    _echo(written_lines(outcome.written))
    err(
        f"generated in {outcome.generated_seconds:.2f} s, "
        f"written and validated in {outcome.total_seconds:.2f} s"
    )

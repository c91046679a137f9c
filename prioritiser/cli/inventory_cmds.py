"""`validate`, `schema` and `init`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from prioritiser.cli.common import (
    EXIT_INVALID,
    EXIT_USAGE,
    UserError,
    count_of,
    err,
    inventory_summary,
    scenario_option,
    show_problems,
)
from prioritiser.inventory import check_inventory
from prioritiser.inventory.jsonschema import inventory_json_schema
from prioritiser.inventory.scaffold import write_starter_inventory


@click.command()
@click.argument("inventory", type=click.Path(path_type=Path))
@scenario_option("Also validate with this overlay applied (repeatable).")
def validate(inventory: Path, scenarios: tuple[Path, ...]) -> None:
    """Validate an inventory: every problem in one pass, file:line each (exit 0 or 3).

    Scenario overlays in INVENTORY/scenarios/ are validated too.
    """
    result, problems = check_inventory(inventory, scenarios)
    errors = [p for p in problems if p.severity == "error"]
    if result is None or errors:
        show_problems(problems)
        sys.exit(EXIT_INVALID)
    for problem in problems:
        err(problem.render())
    overlay_errors = 0
    scenario_dir = inventory / "scenarios"
    for path in sorted(scenario_dir.glob("*.y*ml")) if scenario_dir.is_dir() else []:
        _, found = check_inventory(inventory, [*scenarios, path])
        bad = [p for p in found if p.severity == "error"]
        if bad:
            overlay_errors += len(bad)
            show_problems(bad)
    if overlay_errors:
        sys.exit(EXIT_INVALID)
    warnings = f" ({count_of(len(problems), 'warning')})" if problems else ""
    click.echo(f"{inventory}: valid — {inventory_summary(result)}{warnings}")


@click.command()
@click.option(
    "--file",
    "which",
    type=click.Choice(["all", "portfolio", "platforms", "systems", "scenario", "overrides"]),
    default="all",
    show_default=True,
    help="Schema of one kind of file, or all of them.",
)
def schema(which: str) -> None:
    """Print the JSON Schema of the inventory files (for editor autocompletion)."""
    click.echo(json.dumps(inventory_json_schema(which), indent=2, sort_keys=True))


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that already has an inventory.")
def init(directory: Path, force: bool) -> None:
    """Scaffold a small, valid inventory in DIRECTORY to start from."""
    for folder in (directory, *directory.parents):
        if folder.exists() and not folder.is_dir():
            # --force cannot help here, so do not suggest it.
            raise UserError(
                f"cannot create an inventory in {directory}: {folder} is a file", EXIT_USAGE
            )
    try:
        written = write_starter_inventory(directory, force=force)
    except FileExistsError as exc:
        raise UserError(f"{exc}; use --force to overwrite", EXIT_USAGE) from exc
    except OSError as exc:
        raise UserError(f"cannot write to {directory}: {exc.strerror or exc}") from exc
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: prioritiser validate {directory}")

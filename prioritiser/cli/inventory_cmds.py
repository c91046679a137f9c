"""`validate`, `schema` and `init`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from prioritiser.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    err,
    inventory_summary,
    show_problems,
)
from prioritiser.cli.options import inventory_argument, scenario_option
from prioritiser.inventory.jsonschema import inventory_json_schema
from prioritiser.tasks import init_inventory, validate_inventory
from prioritiser.wording import plural


@click.command()
@inventory_argument
@scenario_option("Also validate with this overlay applied (repeatable).")
def validate(inventory: Path, scenarios: tuple[Path, ...]) -> int:
    """Validate an inventory: every problem in one pass, file:line each (exit 0 or 3).

    Scenario overlays in INVENTORY/scenarios/ are validated too.
    """
    outcome = validate_inventory(inventory, scenarios)
    for problem in outcome.warnings:
        err(problem.render())
    for errors in outcome.scenario_errors:
        show_problems(errors)
    if not outcome.valid:
        return EXIT_INVALID
    warnings = f" ({plural(len(outcome.warnings), 'warning')})" if outcome.warnings else ""
    click.echo(f"{inventory}: valid — {inventory_summary(outcome.inventory)}{warnings}")
    return EXIT_OK


@click.command()
@click.option(
    "--file",
    "which",
    type=click.Choice(
        ["all", "portfolio", "platforms", "systems", "scenario", "overrides", "actuals"]
    ),
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
    for path in init_inventory(directory, force):
        click.echo(f"wrote {path}")
    click.echo(f"next: prioritiser validate {directory}")

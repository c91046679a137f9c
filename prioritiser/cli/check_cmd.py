"""`check`: the independent feasibility check of a roadmap against an inventory."""

from __future__ import annotations

from pathlib import Path

import click

from prioritiser.cli.common import EXIT_FAILED, EXIT_OK
from prioritiser.cli.options import inventory_argument, scenario_option
from prioritiser.cli.terminal import TerminalListener
from prioritiser.tasks import check_roadmap_file
from prioritiser.wording import plural


@click.command()
@inventory_argument
@click.argument("roadmap", type=click.Path(path_type=Path))
@scenario_option("Apply this overlay before checking (repeatable), as the roadmap was planned.")
def check(inventory: Path, roadmap: Path, scenarios: tuple[Path, ...]) -> int:
    """Check ROADMAP.json against rules 1–7 without the solver, and recompute every figure it
    states from the inventory (exit 0 feasible, 1 violations or false figures)."""
    outcome = check_roadmap_file(inventory, roadmap, scenarios, TerminalListener())
    for violation in outcome.violations:
        click.echo(violation.render())
    if not outcome.feasible:
        click.echo(f"roadmap is not feasible: {plural(len(outcome.violations), 'violation')}")
        return EXIT_FAILED
    count = len(outcome.roadmap.decisions) if outcome.roadmap is not None else 0
    click.echo(f"roadmap is feasible: {plural(count, 'decision')} satisfy rules 1–7")
    return EXIT_OK

"""`check`: the independent feasibility check of a roadmap against an inventory."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from prioritiser.certify import certify_roadmap
from prioritiser.check import Violation
from prioritiser.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    UserError,
    err,
    load_or_exit,
    scenario_option,
)
from prioritiser.roadmap import Roadmap
from prioritiser.roadmap_file import RoadmapContentError, RoadmapFileError, read_roadmap


def read_roadmap_or_fail(path: Path) -> Roadmap:
    """Read roadmap.json strictly: not a roadmap is a usage error (exit 2); a roadmap with
    malformed content lists each problem and exits 2 too (the file given cannot be used)."""
    try:
        return read_roadmap(path)
    except RoadmapFileError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    except RoadmapContentError as exc:
        for problem in exc.problems:
            err(f"error: {path}: {problem}")
        raise UserError(f"roadmap {path} is malformed ({exc})", EXIT_USAGE) from exc


@click.command()
@click.argument("inventory", type=click.Path(path_type=Path))
@click.argument("roadmap", type=click.Path(path_type=Path))
@scenario_option("Apply this overlay before checking (repeatable), as the roadmap was planned.")
def check(inventory: Path, roadmap: Path, scenarios: tuple[Path, ...]) -> None:
    """Check ROADMAP.json against rules 1–7 without the solver, and recompute every figure it
    states from the inventory (exit 0 feasible, 1 violations or false figures)."""
    loaded = load_or_exit(inventory, scenarios)
    try:
        result = read_roadmap(roadmap)
    except RoadmapFileError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    except RoadmapContentError as exc:  # a roadmap whose figures are not even numbers
        violations = [Violation("0 format", problem) for problem in exc.problems]
    else:
        violations = certify_roadmap(loaded, result)
    if violations:
        for violation in violations:
            click.echo(violation.render())
        count = len(violations)
        click.echo(f"roadmap is not feasible: {count} violation{'s' if count != 1 else ''}")
        sys.exit(EXIT_FAILED)
    count = len(result.decisions)
    click.echo(
        f"roadmap is feasible: {count} decision{'s' if count != 1 else ''} satisfy rules 1–7"
    )


COMMANDS = [check]

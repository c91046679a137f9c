"""`check`: the independent feasibility check of a roadmap against an inventory."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from prioritiser.check import check_roadmap
from prioritiser.cli.common import EXIT_FAILED, EXIT_USAGE, UserError, load_or_exit, scenario_option
from prioritiser.roadmap import Roadmap
from prioritiser.wording import plural


def read_roadmap_or_fail(path: Path) -> Roadmap:
    """Read roadmap.json, turning a missing or malformed file into a one-line usage error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UserError(f"roadmap {path} does not exist", EXIT_USAGE) from exc
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read roadmap {path}: {exc}", EXIT_USAGE) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"roadmap {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            EXIT_USAGE,
        ) from exc
    if not isinstance(data, dict):
        raise UserError(f"roadmap {path} must be a JSON object, as `plan` writes", EXIT_USAGE)
    try:
        return Roadmap.from_dict(data)
    except KeyError as exc:
        raise UserError(f"roadmap {path} has no {exc.args[0]!r} field", EXIT_USAGE) from exc
    except (TypeError, AttributeError, ValueError) as exc:
        raise UserError(
            f"roadmap {path} does not have the shape of a roadmap.json ({exc})", EXIT_USAGE
        ) from exc


@click.command()
@click.argument("inventory", type=click.Path(path_type=Path))
@click.argument("roadmap", type=click.Path(path_type=Path))
@scenario_option("Apply this overlay before checking (repeatable), as the roadmap was planned.")
def check(inventory: Path, roadmap: Path, scenarios: tuple[Path, ...]) -> None:
    """Check ROADMAP.json against rules 1–7 without the solver (exit 0 feasible, 1 violations)."""
    loaded = load_or_exit(inventory, scenarios)
    result = read_roadmap_or_fail(roadmap)
    violations = check_roadmap(loaded, result)
    if violations:
        for violation in violations:
            click.echo(violation.render())
        count = len(violations)
        click.echo(f"roadmap is not feasible: {plural(count, 'violation')}")
        sys.exit(EXIT_FAILED)
    count = len(result.decisions)
    click.echo(f"roadmap is feasible: {plural(count, 'decision')} satisfy rules 1–7")


COMMANDS = [check]

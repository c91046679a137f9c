"""What every command shares: exit codes, the one error path, and inventory loading."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from prioritiser.inventory import Inventory, InventoryError, Problem, load_inventory

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FAILED = 1  # check found violations; internal error
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_INFEASIBLE = 4
EXIT_NO_SOLUTION = 5
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a reader that stopped early


class UserError(Exception):
    """An expected failure: shown as one line, exit with `code`."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


def err(message: str = "") -> None:
    click.echo(message, err=True)


def quiet_stdout() -> None:
    """Point stdout at /dev/null once its reader has gone, so that flushing it at exit does
    not raise a second BrokenPipeError (Python's documented recipe)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests): nothing to silence
        pass


def show_problems(problems: Sequence[Problem]) -> None:
    """Print problems one per line (errors first), then a count."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in [*errors, *warnings]:
        err(problem.render())
    if errors:
        err(
            f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
            + (f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else "")
        )


def load_or_exit(root: str | Path, scenarios: Sequence[str | Path] = ()) -> Inventory:
    """Load a valid inventory, or print every problem and exit 3."""
    try:
        inventory = load_inventory(root, scenarios)
    except InventoryError as exc:
        show_problems([*exc.problems, *exc.warnings])
        sys.exit(EXIT_INVALID)
    for warning in inventory.warnings:
        err(warning.render())
    return inventory


def ensure_output_dir(path: str | Path) -> Path:
    """Create an output folder, refusing a path that is (or sits under) a regular file."""
    out = Path(path)
    for parent in [out, *out.parents]:
        if parent.exists() and not parent.is_dir():
            raise UserError(f"cannot write outputs to {out}: {parent} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {out}: {exc.strerror or exc}") from exc
    if not _writable(out):
        raise UserError(f"cannot write to output folder {out}: permission denied")
    return out


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK | os.X_OK)


def output_option(help_text: str) -> Callable[[F], F]:
    """`-o/--output OUTDIR`, the output folder of a command."""
    return click.option(
        "-o", "--output", "outdir", type=click.Path(path_type=Path), default=None, help=help_text
    )


def scenario_option(
    help_text: str = "Apply a what-if overlay first (repeatable, applied in order).",
) -> Callable[[F], F]:
    """`--scenario FILE`, repeatable; a missing file is a usage error (exit 2)."""
    return click.option(
        "--scenario",
        "scenarios",
        multiple=True,
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        help=help_text,
    )


def count_of(number: int, singular: str, plural: str | None = None) -> str:
    """`1 system`, `3 systems`, `2 dependencies`."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def inventory_summary(inventory: Inventory) -> str:
    """`12 systems, 30 options, 1 platform, 2 resources, 12 periods from 2027-Q1`."""
    options = sum(len(s.options) for s in inventory.systems)
    return ", ".join(
        [
            count_of(len(inventory.systems), "system"),
            count_of(options, "option"),
            count_of(len(inventory.platforms), "platform"),
            count_of(len(inventory.resources), "resource"),
            f"{count_of(inventory.axis.count, 'period')} from {inventory.axis.label(0)}",
        ]
    )

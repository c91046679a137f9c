"""What every command shares: exit codes, writing to stderr, problems and the inventory's
one-line summary."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click

from prioritiser.errors import (
    EXIT_FAILED,
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_NO_SOLUTION,
    EXIT_OK,
    EXIT_USAGE,
    Problem,
)
from prioritiser.inventory import Inventory
from prioritiser.wording import plural

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILED",
    "EXIT_INFEASIBLE",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_NO_SOLUTION",
    "EXIT_OK",
    "EXIT_USAGE",
    "Line",
    "echo_lines",
    "err",
    "inventory_summary",
    "quiet_stdout",
    "show_problems",
]


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a reader that stopped early
Line = tuple[str, bool]  # a line a command echoes, and whether it goes to stderr


def err(message: str = "") -> None:
    click.echo(message, err=True)


def quiet_stdout() -> None:
    """Point stdout at /dev/null once its reader has gone, so that flushing it at exit does
    not raise a second BrokenPipeError (Python's documented recipe)."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests): nothing to silence
        pass


def echo_lines(lines: Iterable[Line]) -> None:
    """Echo lines worded by `prioritiser.cli.echo`, each to stdout or stderr."""
    for text, to_stderr in lines:
        click.echo(text, err=to_stderr)


def show_problems(problems: Sequence[Problem]) -> None:
    """Print problems one per line (errors first), then a count."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in [*errors, *warnings]:
        err(problem.render())
    if errors:
        err(
            plural(len(errors), "error")
            + (f", {plural(len(warnings), 'warning')}" if warnings else "")
        )


def inventory_summary(inventory: Inventory) -> str:
    """`12 systems, 30 options, 1 platform, 2 resources, 12 periods from 2027-Q1`."""
    options = sum(len(s.options) for s in inventory.systems)
    return ", ".join(
        [
            plural(len(inventory.systems), "system"),
            plural(options, "option"),
            plural(len(inventory.platforms), "platform"),
            plural(len(inventory.resources), "resource"),
            f"{plural(inventory.axis.count, 'period')} from {inventory.axis.label(0)}",
        ]
    )

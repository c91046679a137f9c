"""The click arguments and options several commands share, defined once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from prioritiser.cli.params import FiniteFloat
from prioritiser.model import DEFAULT_GAP, SOLVERS, PlanOptions
from prioritiser.tasks.imports import ImportRequest

F = TypeVar("F", bound=Callable[..., Any])

SOLVER_FLAGS = ("solver", "time_limit", "gap", "threads", "seed")


def inventory_argument(command: F) -> F:
    """INVENTORY: the inventory folder (checked by the loader, which says what is wrong)."""
    return click.argument("inventory", type=click.Path(path_type=Path))(command)


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


def solver_options(command: F) -> F:
    """The solver flags of every command that plans, handed to the command as one
    `options: PlanOptions` argument."""

    @functools.wraps(command)
    def with_options(*args: Any, **kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name in SOLVER_FLAGS}
        return command(*args, options=PlanOptions(**flags), **kwargs)

    decorators = [
        click.option(
            "--solver",
            type=click.Choice(SOLVERS),
            default="highs",
            show_default=True,
            help="MILP solver: HiGHS (default) or CBC (bundled with PuLP).",
        ),
        click.option(
            "--time-limit",
            type=FiniteFloat(min=0.1),
            default=None,
            help="Stop after S seconds (model build included) with the best roadmap found.",
        ),
        click.option(
            "--gap",
            type=FiniteFloat(min=0.0, max=1.0),
            default=DEFAULT_GAP,
            show_default=True,
            help="Relative optimality gap at which to stop.",
        ),
        click.option(
            "--threads",
            type=click.IntRange(min=1),
            default=None,
            help="Solver threads (default: the solver's choice).",
        ),
        click.option(
            "--seed",
            type=int,
            default=0,
            show_default=True,
            help="Solver random seed (same inputs and seed give identical outputs).",
        ),
    ]
    wrapped: Any = with_options
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return wrapped  # type: ignore[no-any-return]  # click's decorators are untyped here


def import_output_options(command: F) -> F:
    """`-o/--output INVENTORY` (required) and `--force`: where an importer writes."""
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


IMPORT_FLAGS = ("output", "force", "options_template", "name", "start", "periods", "strict")


def import_options(command: F) -> F:
    """What every `import` subcommand shares — where to write, templates, portfolio
    settings, strictness — handed to the command as one `request: ImportRequest`."""

    @functools.wraps(command)
    def with_request(*args: Any, **kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name in IMPORT_FLAGS}
        return command(*args, request=ImportRequest(**flags), **kwargs)

    wrapped: Any = with_request
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
            import_output_options,
        ]
    ):
        wrapped = decorator(wrapped)
    return wrapped  # type: ignore[no-any-return]  # click's decorators are untyped here

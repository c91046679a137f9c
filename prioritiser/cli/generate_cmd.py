"""`generate`: a synthetic estate of any size, for trials and benchmarks."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from prioritiser.cli.common import EXIT_INVALID, EXIT_USAGE, UserError, err, show_problems
from prioritiser.cli.import_cmds import output_options, summary
from prioritiser.inventory import InventoryError, parse_period
from prioritiser.inventory.writer import (
    InventoryDraft,
    InventoryExistsError,
    Written,
    write_inventory,
)


def _start(text: str) -> str:
    try:
        parse_period(text)
    except ValueError as exc:
        raise UserError(f"--start: {exc}", EXIT_USAGE) from exc
    return text.upper()


def _write(output: Path, draft: InventoryDraft, force: bool) -> Written:
    try:
        return write_inventory(output, draft, force=force)
    except InventoryExistsError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    except InventoryError as exc:
        err("internal error: the written inventory does not validate:")
        show_problems([*exc.problems, *exc.warnings])
        sys.exit(EXIT_INVALID)


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
@output_options
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
    summary(written)
    err(
        f"generated in {generated:.2f} s, written and validated in {time.perf_counter() - began:.2f} s"
    )


COMMANDS = [generate]

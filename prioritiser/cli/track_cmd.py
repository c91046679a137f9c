"""`track`: the baseline roadmap against the inventory's actuals (tracking stage)."""

from __future__ import annotations

from pathlib import Path

import click

from prioritiser.cli.echo import track_lines
from prioritiser.cli.options import inventory_argument, output_option, solver_options
from prioritiser.cli.terminal import TerminalListener
from prioritiser.solve import PlanOptions
from prioritiser.tasks import TrackRequest, track_estate


@click.command("track")
@inventory_argument
@click.option(
    "--baseline",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The approved roadmap.json to track against.",
)
@click.option(
    "--as-of",
    "as_of",
    required=True,
    help="The last period the actuals report (e.g. 2028-Q1); the re-forecast starts after it.",
)
@click.option(
    "--ignore-later-actuals",
    "ignore_later",
    is_flag=True,
    help="Leave out actuals after --as-of (to look back at an earlier period) instead of "
    "refusing them.",
)
@click.option(
    "--stability",
    default=None,
    help="Cost W of each decision the re-forecast changes from the baseline: money (250000) "
    "or a share of the baseline's NPV (0.5%). Default: 0.1% of that NPV; 0 re-optimises freely.",
)
@output_option("Output folder (default: out/<inventory>-track).")
@solver_options
def track_command(
    inventory: Path,
    baseline: Path,
    as_of: str,
    ignore_later: bool,
    stability: str | None,
    outdir: Path | None,
    options: PlanOptions,
) -> None:
    """Track the baseline against INVENTORY/actuals/ as of a period: earned value, benefits,
    RAG per system, and a re-forecast from the next period.

    Writes tracking.json, tracking.md, tracking.html, tracking.xlsx and reforecast/ (a full
    plan that `prioritiser check` accepts with reforecast/reforecast-overlay.yaml).
    """
    request = TrackRequest(inventory, baseline, as_of, outdir, options, ignore_later, stability)
    for line in track_lines(track_estate(request, TerminalListener())):
        click.echo(line)

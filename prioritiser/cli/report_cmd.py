"""`report`: rebuild every report of a planned roadmap from roadmap.json, without re-solving."""

from __future__ import annotations

from pathlib import Path

import click

from prioritiser.cli.options import output_option, paper_options, scenario_option
from prioritiser.cli.terminal import TerminalListener
from prioritiser.reports.paper import PaperOverrides
from prioritiser.tasks import ReportRequest, rebuild_reports


@click.command("report")
@click.argument("roadmap_dir", type=click.Path(path_type=Path))
@click.option(
    "--inventory",
    "inventory_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Inventory folder (default: the copy in ROADMAP_DIR/inventory/ that plan wrote, every "
    "file checked against manifest.json).",
)
@scenario_option("Overlay to apply (repeatable; default: the copies in ROADMAP_DIR/scenarios/).")
@output_option("Write the reports here instead of ROADMAP_DIR.")
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print report.html to report.pdf (A4 landscape) with headless Chromium.",
)
@paper_options
def report(
    roadmap_dir: Path,
    inventory_path: Path | None,
    scenarios: tuple[Path, ...],
    outdir: Path | None,
    pdf: bool,
    paper: PaperOverrides | None,
) -> None:
    """Rebuild the reports of ROADMAP_DIR from its roadmap.json, without re-solving.

    The roadmap is read back, checked against the inventory (and the scenarios it was planned
    with), and summary.md, report.html, roadmap.xlsx and the other outputs are written again —
    e.g. after upgrading prioritiser, or after editing names and descriptions (name the
    edited inventory with --inventory).

    `plan` and `replan` keep a copy of the inventory and scenarios they read in the folder
    (inventory/, scenarios/), so nothing else is needed. Only files inside ROADMAP_DIR are
    read unless --inventory (and --scenario) name others: a roadmap folder may come from
    anyone, and its manifest must not choose what we read.

    The board pack's evidence (pack.json: levers, risks, the NPV range) is shown as `plan`
    measured it; a comparison.json in ROADMAP_DIR (`compare -o ROADMAP_DIR`) adds the
    scenarios side by side. --pdf needs headless Chromium (exit 2 without it).
    """
    request = ReportRequest(roadmap_dir, inventory_path, scenarios, outdir, pdf, paper)
    outcome = rebuild_reports(request, TerminalListener())
    click.echo(f"rebuilt {len(outcome.written)} files in {outcome.outdir}/ from {outcome.roadmap}")

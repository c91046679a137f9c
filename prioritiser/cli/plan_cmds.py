"""`plan`: solve an inventory into a roadmap and write every output file."""

from __future__ import annotations

from pathlib import Path

import click

from prioritiser.cli.echo import headline, wrote
from prioritiser.cli.options import (
    inventory_argument,
    output_option,
    paper_options,
    scenario_option,
    solver_options,
)
from prioritiser.cli.terminal import TerminalListener
from prioritiser.reports.paper import PaperOverrides
from prioritiser.scenarios.pack import PackOptions
from prioritiser.scenarios.uncertainty import DEFAULT_SAMPLES
from prioritiser.solve import PlanOptions
from prioritiser.tasks import PlanRequest, plan_estate


@click.command("plan")
@inventory_argument
@output_option("Output folder (default: out/<inventory folder name>).")
@scenario_option("Apply a what-if overlay before planning (repeatable, applied in order).")
@click.option(
    "--keep-incumbent",
    is_flag=True,
    help="On Ctrl-C or SIGTERM during the solve, write the best roadmap found so far.",
)
@click.option(
    "--no-policy-cost",
    is_flag=True,
    help="Do not plan a second time without risk.unsupported.forbid to state its price.",
)
@click.option(
    "--no-levers",
    is_flag=True,
    help="Skip the board pack's re-solves (the value of each limit, the ways to close the "
    "largest risk left); about 13 solves on the demo.",
)
@click.option(
    "--prices",
    is_flag=True,
    help="Also price forcing every system in (retained) or out (modernised): a re-solve each.",
)
@click.option(
    "--samples",
    type=click.IntRange(min=0),
    default=DEFAULT_SAMPLES,
    show_default=True,
    help="Uncertainty samples for the NPV's P10/P50/P90 on page 1 (0: none; no re-solve).",
)
@click.option(
    "--compare",
    is_flag=True,
    help="Also plan each INVENTORY/scenarios/*.yaml and show them side by side in the report.",
)
@click.option(
    "--pack-workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for the board pack's re-solves (default: one per core).",
)
@paper_options
@solver_options
def plan_command(
    inventory: Path,
    outdir: Path | None,
    scenarios: tuple[Path, ...],
    keep_incumbent: bool,
    no_policy_cost: bool,
    no_levers: bool,
    prices: bool,
    samples: int,
    compare: bool,
    pack_workers: int | None,
    paper: PaperOverrides | None,
    options: PlanOptions,
) -> None:
    """Plan the optimal roadmap for INVENTORY and write roadmap.json and reports."""
    pack = PackOptions(not no_levers, prices, samples, pack_workers)
    request = PlanRequest(
        inventory,
        outdir,
        scenarios,
        options,
        keep_incumbent,
        policy_cost=not no_policy_cost,
        pack=pack,
        compare=compare,
        paper=paper,
    )
    outcome = plan_estate(request, TerminalListener(interruptible=True))
    click.echo(headline(outcome.roadmap, outcome.inventory.portfolio.currency))
    report = f"report: {outcome.report}" if outcome.report else ""
    click.echo(wrote(len(outcome.written), outcome.outdir, report))

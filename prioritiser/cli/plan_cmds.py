"""`plan`: solve an inventory into a roadmap and write every output file."""

from __future__ import annotations

from pathlib import Path

import click

from prioritiser.cli.echo import headline, wrote
from prioritiser.cli.options import (
    inventory_argument,
    output_option,
    scenario_option,
    solver_options,
)
from prioritiser.cli.terminal import TerminalListener
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
@solver_options
def plan_command(
    inventory: Path,
    outdir: Path | None,
    scenarios: tuple[Path, ...],
    keep_incumbent: bool,
    no_policy_cost: bool,
    options: PlanOptions,
) -> None:
    """Plan the optimal roadmap for INVENTORY and write roadmap.json and reports."""
    request = PlanRequest(
        inventory, outdir, scenarios, options, keep_incumbent, policy_cost=not no_policy_cost
    )
    outcome = plan_estate(request, TerminalListener(interruptible=True))
    click.echo(headline(outcome.roadmap, outcome.inventory.portfolio.currency))
    report = f"report: {outcome.report}" if outcome.report else ""
    click.echo(wrote(len(outcome.written), outcome.outdir, report))

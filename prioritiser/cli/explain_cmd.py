"""`explain`: why a system is in the roadmap or out of it, and what forcing it in would cost."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from prioritiser.cli.options import inventory_argument, scenario_option, solver_options
from prioritiser.cli.terminal import TerminalListener
from prioritiser.explain import explanation_text
from prioritiser.solve import PlanOptions
from prioritiser.tasks import ExplainRequest, explain_decision


@click.command("explain")
@inventory_argument
@click.argument("system")
@click.option(
    "--roadmap",
    "roadmap_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Explain this roadmap.json (default: plan first).",
)
@scenario_option("Apply a what-if overlay first (repeatable, applied in order).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Sentences for people, or the JSON contract for tools.",
)
@solver_options
@click.pass_context
def explain_command(
    ctx: click.Context,
    inventory: Path,
    system: str,
    roadmap_path: Path | None,
    scenarios: tuple[Path, ...],
    fmt: str,
    options: PlanOptions,
) -> None:
    """Explain why SYSTEM is in or out of the roadmap for INVENTORY.

    For a retained system the model is re-solved with it forced in, to price the decision.
    Both solves are exact (gap 0) unless --gap is given; with a gap, the cost of forcing is
    known only to within that gap.
    """
    if ctx.get_parameter_source("gap") is click.core.ParameterSource.DEFAULT:
        options = replace(options, gap=0.0)  # an exact baseline and re-solve: exact cost
    request = ExplainRequest(inventory, system, roadmap_path, scenarios, options, fmt == "text")
    outcome = explain_decision(request, TerminalListener(progress="tty", diagnosis_to="stderr"))
    if fmt == "json":
        click.echo(json.dumps(outcome.explanation.to_dict(), indent=2, ensure_ascii=False))
    else:
        currency = outcome.inventory.portfolio.currency
        click.echo(explanation_text(outcome.explanation, currency), nl=False)

"""`explain`: why a system is in the roadmap or out of it, and what forcing it in would cost."""

from __future__ import annotations

import json
from pathlib import Path

import click

from prioritiser.cli.check_cmd import read_roadmap_or_fail
from prioritiser.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_SOLUTION,
    EXIT_USAGE,
    UserError,
    err,
    load_or_exit,
    scenario_option,
)
from prioritiser.cli.plan_cmds import ProgressLine, make_options, solver_options
from prioritiser.explain import diagnosis_text, explain_system, explanation_text
from prioritiser.inventory import Inventory
from prioritiser.inventory.messages import did_you_mean
from prioritiser.model import PlanOptions, plan
from prioritiser.model.diagnose import diagnose
from prioritiser.roadmap import Roadmap


@click.command("explain")
@click.argument("inventory", type=click.Path(path_type=Path))
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
    solver: str,
    time_limit: float | None,
    gap: float,
    threads: int | None,
    seed: int,
) -> None:
    """Explain why SYSTEM is in or out of the roadmap for INVENTORY.

    For a retained system the model is re-solved with it forced in, to price the decision.
    Both solves are exact (gap 0) unless --gap is given; with a gap, the cost of forcing is
    known only to within that gap.
    """
    inv = load_or_exit(inventory, scenarios)
    if not inv.has_system(system):
        known = [s.id for s in inv.systems]
        raise UserError(f"no system '{system}' in {inventory}{did_you_mean(system, known)}", 2)
    if ctx.get_parameter_source("gap") is click.core.ParameterSource.DEFAULT:
        gap = 0.0  # an exact baseline and re-solve, so the cost of forcing is exact
    options = make_options(solver, time_limit, gap, threads, seed)
    progress = ProgressLine(inv.portfolio.currency)
    shown = progress if progress.tty else None  # no progress noise in pipes and scripts
    try:
        roadmap = _roadmap(inv, roadmap_path, options, shown)
        explanation = explain_system(inv, roadmap, system, options, progress=shown)
    finally:
        progress.close()
    if fmt == "json":
        click.echo(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(explanation_text(explanation, inv.portfolio.currency), nl=False)


def _roadmap(
    inventory: Inventory, path: Path | None, options: PlanOptions, progress: ProgressLine | None
) -> Roadmap:
    """The roadmap to explain: read from `path`, or planned now."""
    if path is not None:
        roadmap = read_roadmap_or_fail(path)
        if roadmap.periods != inventory.axis.labels:
            raise UserError(
                f"roadmap {path} plans {len(roadmap.periods)} periods from "
                f"{(roadmap.periods or ['?'])[0]}, but the inventory's horizon is "
                f"{inventory.axis.span_label(0, inventory.axis.count - 1)}: was it planned "
                "from another inventory?",
                EXIT_USAGE,
            )
        if list(roadmap.scenarios) != list(inventory.scenarios):
            err(
                f"warning: {path} was planned with scenarios {roadmap.scenarios or 'none'}, "
                f"explaining with {list(inventory.scenarios) or 'none'}"
            )
        if not roadmap.has_plan:
            raise UserError(f"roadmap {path} has no plan (status {roadmap.status})", EXIT_USAGE)
        return roadmap
    roadmap = plan(inventory, options, progress)
    if roadmap.status == "infeasible":
        err(diagnosis_text(diagnose(inventory, options.solver, options.time_limit or 60.0)))
        raise UserError(
            "infeasible: no roadmap satisfies every rule, so there is nothing to explain; "
            "`prioritiser plan` writes the diagnosis",
            EXIT_INFEASIBLE,
        )
    if roadmap.status == "no_solution":
        raise UserError(
            f"no feasible roadmap found within the time limit ({options.time_limit}s); "
            "raise --time-limit",
            EXIT_NO_SOLUTION,
        )
    return roadmap


COMMANDS = [explain_command]

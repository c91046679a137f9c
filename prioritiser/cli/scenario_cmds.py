"""`compare`, `frontier`, `replan`, `robustness`: the what-if commands (scenarios stage)."""

from __future__ import annotations

from pathlib import Path

import click

from prioritiser.cli.echo import compare_lines, frontier_lines, replan_lines, robustness_lines
from prioritiser.cli.options import (
    inventory_argument,
    output_option,
    sample_solver_options,
    scenario_option,
    solver_options,
)
from prioritiser.cli.params import FiniteFloat
from prioritiser.cli.terminal import TerminalListener
from prioritiser.errors import Infeasible
from prioritiser.solve import PlanOptions
from prioritiser.tasks import (
    CompareRequest,
    FrontierRequest,
    ReplanRequest,
    RobustnessRequest,
    assess_robustness,
    compare_scenarios,
    replan_estate,
    trace_frontier,
)


def _echo(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


@click.command("compare")
@inventory_argument
@scenario_option(
    "A what-if overlay to compare with the baseline (repeatable; each is applied to the "
    "baseline on its own). Default: every file in INVENTORY/scenarios/."
)
@output_option("Output folder (default: out/<inventory>-compare).")
@solver_options
def compare_command(
    inventory: Path, scenarios: tuple[Path, ...], outdir: Path | None, options: PlanOptions
) -> None:
    """Plan the baseline and each scenario; write comparison.json and comparison.md.

    --time-limit applies to each plan.
    """
    request = CompareRequest(inventory, scenarios, outdir, options)
    _echo(compare_lines(compare_scenarios(request, TerminalListener())))


@click.command("frontier")
@inventory_argument
@click.option("--resource", required=True, help="The resource whose capacity is scaled.")
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Number of capacity scales, evenly spaced from --from to --to.",
)
@click.option(
    "--from",
    "low",
    type=FiniteFloat(min=0.0),
    default=0.5,
    show_default=True,
    help="Smallest capacity scale.",
)
@click.option(
    "--to",
    "high",
    type=FiniteFloat(min=0.0),
    default=1.5,
    show_default=True,
    help="Largest capacity scale.",
)
@scenario_option("Apply a what-if overlay first (repeatable, applied in order).")
@output_option("Output folder (default: out/<inventory>-frontier).")
@solver_options
def frontier_command(
    inventory: Path,
    resource: str,
    steps: int,
    low: float,
    high: float,
    scenarios: tuple[Path, ...],
    outdir: Path | None,
    options: PlanOptions,
) -> None:
    """Best NPV as RESOURCE's capacity is scaled; write frontier.csv and a chart.

    Each step scales per_period, overrides and total of the resource, and is warm-started
    from the previous step, so the NPV never falls as capacity grows. --time-limit applies
    to each step.
    """
    request = FrontierRequest(inventory, resource, steps, low, high, scenarios, outdir, options)
    outcome = trace_frontier(request, TerminalListener())
    _echo(frontier_lines(outcome))
    if not outcome.feasible:
        raise Infeasible("infeasible at every capacity scale")


@click.command("replan")
@inventory_argument
@click.option(
    "--previous",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The roadmap.json being replanned.",
)
@click.option(
    "--as-of",
    "as_of",
    required=True,
    help="First period that can still change (e.g. 2027-Q4); work started before it is locked.",
)
@scenario_option("Apply a what-if overlay first (repeatable, applied in order).")
@click.option(
    "--stability",
    default=None,
    help="Cost W of each changed decision: money (250000) or a share of the previous "
    "NPV (0.5%). Default: 0.1% of the previous NPV.",
)
@click.option(
    "--strict-capacity",
    is_flag=True,
    help="Work in flight that needs more than a capacity from --as-of on is infeasible "
    "(exit 4) instead of honoured as committed and reported.",
)
@output_option("Output folder (default: out/<inventory>-replan).")
@solver_options
def replan_command(
    inventory: Path,
    previous: Path,
    as_of: str,
    scenarios: tuple[Path, ...],
    stability: str | None,
    strict_capacity: bool,
    outdir: Path | None,
    options: PlanOptions,
) -> None:
    """Replan from --as-of on: keep work in flight, change the rest only where it pays.

    Writes roadmap.json and the usual reports, plus changes.md and changes.json listing what
    was kept, changed, dropped and added, and why.
    """
    request = ReplanRequest(
        inventory, previous, as_of, scenarios, stability, strict_capacity, outdir, options
    )
    _echo(replan_lines(replan_estate(request, TerminalListener())))


@click.command("robustness")
@inventory_argument
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Monte Carlo samples.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes for the samples (default: one per CPU; 1 runs in this process).",
)
@click.option(
    "--dask-scheduler",
    default=None,
    metavar="ADDR",
    help="Run the samples on this dask.distributed scheduler (e.g. tcp://host:8786) "
    "instead of local processes; needs the `distributed` extra.",
)
@click.option(
    "--roadmap",
    "roadmap_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Evaluate this roadmap.json instead of planning the baseline.",
)
@scenario_option("Apply a what-if overlay first (repeatable, applied in order).")
@output_option("Output folder (default: out/<inventory>-robustness).")
@sample_solver_options
def robustness_command(
    inventory: Path,
    samples: int,
    workers: int | None,
    dask_scheduler: str | None,
    roadmap_path: Path | None,
    scenarios: tuple[Path, ...],
    outdir: Path | None,
    options: PlanOptions,
) -> None:
    """Monte Carlo over cost, duration and benefit uncertainty; write robustness.json.

    Each sample evaluates the baseline roadmap on sampled figures and re-optimises. --seed
    seeds both the sampling and the solver: the same seed gives the same results whatever
    the number of workers, as long as --time-limit (per sample) does not cut a solve short.
    """
    request = RobustnessRequest(
        inventory, samples, workers, dask_scheduler, roadmap_path, scenarios, outdir, options
    )
    _echo(robustness_lines(assess_robustness(request, TerminalListener())))

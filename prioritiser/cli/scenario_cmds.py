"""`compare`, `frontier`, `replan`, `robustness`: the what-if commands (scenarios stage)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from prioritiser.cli.check_cmd import read_roadmap_or_fail
from prioritiser.cli.common import (
    EXIT_FAILED,
    EXIT_INFEASIBLE,
    EXIT_NO_SOLUTION,
    EXIT_USAGE,
    UserError,
    ensure_output_dir,
    err,
    load_or_exit,
    output_option,
    scenario_option,
)
from prioritiser.cli.params import FiniteFloat
from prioritiser.cli.plan_cmds import (
    ProgressLine,
    headline,
    make_options,
    report_infeasible,
    solver_options,
)
from prioritiser.inventory import Inventory
from prioritiser.model import PlanOptions, plan
from prioritiser.model.reasons import money
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios import compare as compare_mod
from prioritiser.scenarios import frontier as frontier_mod
from prioritiser.scenarios import replan as replan_mod
from prioritiser.scenarios import robustness as robustness_mod
from prioritiser.scenarios.variants import RoadmapCheckFailed


def _output(outdir: Path | None, inventory: Path, command: str) -> Path:
    return ensure_output_dir(outdir or Path("out") / f"{inventory.resolve().name}-{command}")


def _exit_without_plan(
    roadmap: Roadmap,
    what: str,
    options: PlanOptions,
    inventory: Inventory | None = None,
    outdir: Path | None = None,
) -> None:
    """Exit 4 (with `plan`'s diagnosis when the inventory is given) or 5 without a plan."""
    if roadmap.status == "infeasible" and inventory is not None:
        report_infeasible(inventory, roadmap, options, outdir)
    if roadmap.status == "infeasible":
        raise UserError(
            f"infeasible: no roadmap for {what} satisfies every rule (deadlines, locks, "
            "resources, dependencies, risk limits); relax a deadline or a capacity",
            EXIT_INFEASIBLE,
        )
    if roadmap.status == "no_solution":
        raise UserError(
            f"no feasible roadmap for {what} within the time limit ({options.time_limit}s); "
            "raise --time-limit",
            EXIT_NO_SOLUTION,
        )


@contextmanager
def _stage_errors() -> Iterator[None]:
    """Stage errors as one-line CLI errors: bad arguments exit 2, a failed self-check 1."""
    try:
        yield
    except RoadmapCheckFailed as exc:
        raise UserError(f"internal error: {exc}; nothing more was written", EXIT_FAILED) from exc
    except ValueError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc


def _progressbar(length: int, label: str) -> Any:
    return click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True)


# --- compare ---------------------------------------------------------------------------------


@click.command("compare")
@click.argument("inventory", type=click.Path(path_type=Path))
@scenario_option(
    "A what-if overlay to compare with the baseline (repeatable; each is applied to the "
    "baseline on its own). Default: every file in INVENTORY/scenarios/."
)
@output_option("Output folder (default: out/<inventory>-compare).")
@solver_options
def compare_command(
    inventory: Path,
    scenarios: tuple[Path, ...],
    outdir: Path | None,
    solver: str,
    time_limit: float | None,
    gap: float,
    threads: int | None,
    seed: int,
) -> None:
    """Plan the baseline and each scenario; write comparison.json and comparison.md.

    --time-limit applies to each plan.
    """
    if not scenarios:
        scenarios = tuple(sorted((inventory / "scenarios").glob("*.yaml")))
        if not scenarios:
            raise UserError(
                f"no --scenario given and {inventory / 'scenarios'} holds no *.yaml overlays",
                EXIT_USAGE,
            )
    options = make_options(solver, time_limit, gap, threads, seed)
    baseline = load_or_exit(inventory)
    variants = [
        (load_or_exit(inventory, [path]), compare_mod.scenario_description(path))
        for path in scenarios
    ]
    out = _output(outdir, inventory, "compare")
    currency = baseline.portfolio.currency

    def progress(name: str, run: compare_mod.ScenarioRun | None) -> None:
        if run is None:
            err(f"planning {name} …")
        else:
            err(f"  {name}: {headline(run.roadmap, currency)}")

    with _stage_errors():
        result = compare_mod.compare(baseline, variants, options, progress)
    _exit_without_plan(result.baseline.roadmap, "the baseline", options, baseline, out)
    written = compare_mod.write_comparison(out, result)
    base = result.baseline.roadmap.objective or 0.0
    for run in result.runs:
        roadmap = run.roadmap
        if not roadmap.has_plan:
            click.echo(f"{run.name}: {roadmap.status.replace('_', ' ')} — no roadmap")
            continue
        change = (
            ""
            if run is result.baseline
            else (
                f" ({'+' if (roadmap.objective or 0.0) >= base else ''}"
                f"{money((roadmap.objective or 0.0) - base, currency)})"
            )
        )
        counts = {}
        for c in result.changes(run):
            counts[c.kind] = counts.get(c.kind, 0) + 1
        what = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        click.echo(
            f"{run.name}: NPV {money(roadmap.objective or 0.0, currency)}{change}, "
            f"{len(roadmap.decisions)} modernised" + (f"; {what}" if what else "")
        )
    click.echo(f"wrote {len(written)} files to {out}/")


# --- frontier --------------------------------------------------------------------------------


@click.command("frontier")
@click.argument("inventory", type=click.Path(path_type=Path))
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
    solver: str,
    time_limit: float | None,
    gap: float,
    threads: int | None,
    seed: int,
) -> None:
    """Best NPV as RESOURCE's capacity is scaled; write frontier.csv and a chart.

    Each step scales per_period, overrides and total of the resource, and is warm-started
    from the previous step, so the NPV never falls as capacity grows. --time-limit applies
    to each step.
    """
    loaded = load_or_exit(inventory, scenarios)
    options = make_options(solver, time_limit, gap, threads, seed)
    with _stage_errors():
        scales = frontier_mod.frontier_scales(low, high, steps)
        if resource not in loaded.resources:
            known = ", ".join(sorted(loaded.resources)) or "none"
            raise ValueError(f"unknown resource {resource!r} (resources: {known})")
    out = _output(outdir, inventory, "frontier")
    with _progressbar(len(scales), f"frontier of {resource}") as bar, _stage_errors():
        result = frontier_mod.frontier(
            loaded, resource, scales, options, progress=lambda _step: bar.update(1)
        )
    written = frontier_mod.write_frontier(out, result)
    currency = loaded.portfolio.currency
    for step in result.steps:
        npv = "—" if step.objective is None else money(step.objective, currency)
        note = " (carried forward)" if step.carried_forward else ""
        click.echo(f"× {step.scale:g}: {step.roadmap.status}{note}, NPV {npv}")
    click.echo(f"wrote {len(written)} files to {out}/")
    if not any(step.feasible for step in result.steps):
        raise UserError("infeasible at every capacity scale", EXIT_INFEASIBLE)


# --- replan ----------------------------------------------------------------------------------


@click.command("replan")
@click.argument("inventory", type=click.Path(path_type=Path))
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
    solver: str,
    time_limit: float | None,
    gap: float,
    threads: int | None,
    seed: int,
) -> None:
    """Replan from --as-of on: keep work in flight, change the rest only where it pays.

    Writes roadmap.json and the usual reports, plus changes.md and changes.json listing what
    was kept, changed, dropped and added, and why.
    """
    loaded = load_or_exit(inventory, scenarios)
    old = read_roadmap_or_fail(previous)
    options = make_options(solver, time_limit, gap, threads, seed)
    with _stage_errors():
        weight = replan_mod.stability_weight(old, stability)
        replan_mod.as_of_index(loaded, as_of)
    out = _output(outdir, inventory, "replan")
    progress = ProgressLine(loaded.portfolio.currency)
    try:
        with _stage_errors():
            reference = load_or_exit(inventory) if scenarios else None
            result = replan_mod.replan(
                loaded,
                old,
                as_of,
                options,
                weight,
                progress,
                reference=reference,
                honour_commitments=not strict_capacity,
            )
    except replan_mod.ReplanConflict as exc:
        for problem in exc.problems:
            err(f"error: {problem}")
        raise UserError(
            f"the previous roadmap {previous} does not fit the inventory", EXIT_USAGE
        ) from exc
    except replan_mod.ReplanInfeasible as exc:
        progress.close()
        path = out / "diagnosis.md"
        from prioritiser.atomic import write_text_atomic

        write_text_atomic(out / "diagnosis.json", replan_mod.render_diagnosis_json(exc, as_of))
        write_text_atomic(path, replan_mod.render_diagnosis(exc, as_of))
        for finding in exc.findings:
            err(f"  {finding}")
        raise UserError(
            f"infeasible: the work in flight cannot continue as of {as_of} under these rules "
            f"(diagnosis written to {path})",
            EXIT_INFEASIBLE,
        ) from exc
    finally:
        progress.close()
    _exit_without_plan(result.roadmap, "the replan", options)
    from prioritiser.reports import write_reports

    manifest = {
        "command": "replan",
        "solver": options.solver,
        "time_limit": options.time_limit,
        "gap": options.gap,
        "threads": options.threads,
        "seed": options.seed,
        "scenarios": [str(s) for s in scenarios],
        "previous": str(previous),
        "as_of": result.as_of,
        "stability": result.weight,
        "strict_capacity": strict_capacity,
    }
    changes = replan_mod.changes_files(loaded, result, str(previous))
    written = write_reports(out, result.inventory, result.roadmap, manifest, extra=changes)
    currency = loaded.portfolio.currency
    for o in result.overcommitted:
        err(
            f"warning: work in flight needs {o.committed:,.0f} of {o.resource} in {o.period}, "
            f"above the capacity of {o.capacity:,.0f} ({', '.join(o.systems)}); it continues "
            "as committed and nothing new needing it starts there (--strict-capacity to refuse)"
        )
    in_flight = sum(1 for c in result.of("kept") if c.in_flight)
    click.echo(headline(result.roadmap, currency))
    click.echo(
        f"as of {result.as_of}: {in_flight} in flight kept, "
        f"{len(result.of('kept')) - in_flight} other kept, {len(result.of('changed'))} changed, "
        f"{len(result.of('dropped'))} dropped, {len(result.of('added'))} added "
        f"(stability cost {money(result.weight, currency)} per change)"
    )
    click.echo(f"wrote {len(written)} files to {out}/ (changes: {out / 'changes.md'})")


# --- robustness ------------------------------------------------------------------------------


@click.command("robustness")
@click.argument("inventory", type=click.Path(path_type=Path))
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
    help="Local worker processes (default: one per CPU; 1 runs in this process).",
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
@solver_options
def robustness_command(
    inventory: Path,
    samples: int,
    workers: int | None,
    dask_scheduler: str | None,
    roadmap_path: Path | None,
    scenarios: tuple[Path, ...],
    outdir: Path | None,
    solver: str,
    time_limit: float | None,
    gap: float,
    threads: int | None,
    seed: int,
) -> None:
    """Monte Carlo over cost, duration and benefit uncertainty; write robustness.json.

    Each sample evaluates the baseline roadmap on sampled figures and re-optimises. --seed
    seeds both the sampling and the solver: the same seed gives the same results whatever
    the number of workers, as long as --time-limit (per sample) does not cut a solve short.
    """
    if workers is not None and dask_scheduler:
        raise UserError("give either --workers or --dask-scheduler, not both", EXIT_USAGE)
    if dask_scheduler:
        with _stage_errors(), _dask_errors(dask_scheduler):
            robustness_mod.check_scheduler(dask_scheduler)  # before any planning
    loaded = load_or_exit(inventory, scenarios)
    options = make_options(solver, time_limit, gap, threads, seed)
    out = _output(outdir, inventory, "robustness")
    baseline = _baseline(loaded, roadmap_path, options, out)
    count = workers or os.cpu_count() or 1
    where = (
        f"Dask scheduler {dask_scheduler}"
        if dask_scheduler
        else (
            f"{min(count, samples)} worker process{'es' if min(count, samples) != 1 else ''}"
            if count > 1 and samples > 1
            else "this process"
        )
    )
    err(f"{samples} samples on {where}")
    with _progressbar(samples, "sampling") as bar, _stage_errors(), _dask_errors(dask_scheduler):
        result = robustness_mod.robustness(
            loaded,
            baseline,
            samples,
            seed,
            options,
            workers=count,
            dask_scheduler=dask_scheduler,
            progress=lambda _r: bar.update(1),
        )
    written = robustness_mod.write_robustness(out, result)
    currency = loaded.portfolio.currency
    npv = result.npv_summary()
    breaches = {k: v for k, v in result.breach_probability().items() if v > 0}
    click.echo(
        f"baseline roadmap NPV across {samples} samples: p10 {money(npv['p10'], currency)}, "
        f"p50 {money(npv['p50'], currency)}, p90 {money(npv['p90'], currency)} "
        f"(planned {money(baseline.objective or 0.0, currency)})"
    )
    click.echo(
        "budget breach probability: "
        + (", ".join(f"{k} {100 * v:.0f} %" for k, v in breaches.items()) or "none")
        + f"; infeasible samples: {100 * result.share('infeasible'):.1f} %"
    )
    click.echo(f"wrote {len(written)} files to {out}/")


@contextmanager
def _dask_errors(address: str | None) -> Iterator[None]:
    """A missing extra or an unreachable scheduler as one-line errors."""
    try:
        yield
    except robustness_mod.DaskUnavailable as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    except (OSError, TimeoutError) as exc:
        if address is None:
            raise
        raise UserError(f"cannot use the Dask scheduler {address}: {exc}", EXIT_FAILED) from exc


def _baseline(
    inventory: Inventory, path: Path | None, options: PlanOptions, outdir: Path
) -> Roadmap:
    """The roadmap to stress: read (and checked) from --roadmap, or planned now."""
    if path is not None:
        from prioritiser.certify import certify_roadmap

        roadmap = read_roadmap_or_fail(path)
        violations = certify_roadmap(inventory, roadmap)
        if violations:
            for violation in violations[:10]:
                err(violation.render())
            raise UserError(f"roadmap {path} is not feasible for this inventory", EXIT_FAILED)
        return roadmap
    progress = ProgressLine(inventory.portfolio.currency)
    err("planning the baseline …")
    try:
        roadmap = plan(inventory, options, progress)
    finally:
        progress.close()
    _exit_without_plan(roadmap, "the baseline", options, inventory, outdir)
    return roadmap


COMMANDS = [compare_command, frontier_command, replan_command, robustness_command]

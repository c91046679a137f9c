"""`track`: the baseline roadmap against the inventory's actuals as of a period, and the
re-forecast from the period after it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prioritiser.errors import CheckFailed, Infeasible, InventoryError, UsageError
from prioritiser.inventory import Inventory, load_inventory
from prioritiser.inventory.actuals import check_actuals
from prioritiser.reports.manifest import RunOptions
from prioritiser.reports.tracking import REFORECAST, TrackingInputs, overlay_yaml, write_tracking
from prioritiser.scenarios.replan import stability_weight
from prioritiser.scenarios.variants import RoadmapCheckFailed
from prioritiser.solve import PlanOptions
from prioritiser.tasks.common import (
    default_output,
    load,
    output_folder,
    read_roadmap_file,
    self_check_failed,
    time_limit_error,
)
from prioritiser.tasks.listener import SILENT, Listener
from prioritiser.tracking import (
    Tracking,
    as_of_index,
    baseline_problems,
    check_baseline,
    track,
)
from prioritiser.tracking.reforecast import Apply


@dataclass(frozen=True)
class TrackRequest:
    inventory: Path
    baseline: Path  # the roadmap.json the organisation approved
    as_of: str  # the last period the actuals report
    outdir: Path | None = None  # default: out/<inventory>-track
    options: PlanOptions | None = None
    ignore_later: bool = False  # leave out rows after as-of instead of refusing them
    stability: str | None = None  # as replan's: money per change or a share of the NPV


@dataclass(frozen=True)
class TrackOutcome:
    tracking: Tracking
    outdir: Path
    written: tuple[Path, ...]

    @property
    def reforecast_dir(self) -> Path:
        return self.outdir / REFORECAST

    @property
    def report(self) -> Path:
        return self.outdir / "tracking.html"


def track_estate(request: TrackRequest, listener: Listener = SILENT) -> TrackOutcome:
    """Compare, re-forecast and write tracking.json/.md/.html/.xlsx and reforecast/.

    Bad actuals raise `InventoryError` (exit 3) and a bad --as-of or baseline `UsageError`
    (exit 2), before anything is written. A re-forecast that no roadmap satisfies writes the
    tracking files and reforecast/diagnosis.md, then raises `Infeasible` (exit 4).
    """
    options = request.options or PlanOptions()
    inventory = load(request.inventory, (), listener)
    baseline = read_roadmap_file(request.baseline)
    problems = check_baseline(inventory, baseline)
    if problems:
        raise UsageError(
            f"the baseline {request.baseline} does not fit the inventory",
            details=[f"error: {p}" for p in problems],
        )
    try:
        weight = stability_weight(baseline, request.stability)
    except ValueError as exc:  # a bad --stability, however the stage words it
        raise UsageError(str(exc)) from None
    index = as_of_index(inventory, request.as_of)
    actuals, found = check_actuals(request.inventory, inventory, index, request.ignore_later)
    found += baseline_problems(baseline, actuals)
    if any(p.severity == "error" for p in found):
        raise InventoryError(found, "the actuals have problems")
    for warning in actuals.warnings:
        listener.problem(warning)
    with tempfile.TemporaryDirectory(prefix="prioritiser-track-") as scratch:
        apply = _overlay_loader(request.inventory, Path(scratch))
        with listener.solving(inventory.portfolio.currency, options) as progress:
            try:
                result = track(
                    inventory, baseline, actuals, index, options, apply, weight, progress
                )
            except RoadmapCheckFailed as exc:
                raise self_check_failed(exc) from exc
    future = result.reforecast
    if future.roadmap is not None and future.roadmap.status == "no_solution":
        raise time_limit_error(options, "the re-forecast")
    out = output_folder(default_output(request.outdir, request.inventory, "track"))
    inputs = TrackingInputs(
        inventory=str(request.inventory),
        baseline=str(request.baseline),
        files=actuals.files,
        run=_run_options(request, options, result, weight),
    )
    written = write_tracking(out, result, inputs)
    for o in future.result.overcommitted if future.result is not None else ():
        listener.warning(
            f"work in flight needs {o.committed:,.0f} of {o.resource} in {o.period}, above "
            f"the capacity of {o.capacity:,.0f} ({', '.join(o.systems)}); the re-forecast "
            "carries it as committed"
        )
    if future.findings and future.roadmap is None and future.first in inventory.axis.labels:
        raise Infeasible(
            f"infeasible: no re-forecast from {future.first} keeps the work done and in flight "
            f"under the inventory's rules; tracking written to {out}, the findings to "
            f"{out / REFORECAST / 'diagnosis.md'}",
            tuple(future.findings),
            details=[f"  {finding}" for finding in future.findings],
        )
    return TrackOutcome(result, out, tuple(written))


def _overlay_loader(root: Path, scratch: Path) -> Apply:
    """Load the inventory with an overlay (a mapping), through the same files and loader as
    `--scenario FILE`: what the re-forecast plans is what `check` reads back."""
    count = 0

    def apply(overlay: dict[str, Any]) -> Inventory:
        nonlocal count
        count += 1
        path = scratch / f"overlay-{count}.yaml"
        path.write_text(overlay_yaml(overlay), encoding="utf-8")
        try:
            return load_inventory(root, [path])
        except InventoryError as exc:
            raise CheckFailed(
                "internal error: the re-forecast's overlay does not load; nothing was written "
                "(please report this with the inventory)",
                details=[p.render() for p in exc.problems],
            ) from exc

    return apply


def _run_options(
    request: TrackRequest, options: PlanOptions, result: Tracking, weight: float
) -> RunOptions:
    return RunOptions(
        command="track",
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=options.threads,
        seed=options.seed,
        scenarios=(f"{REFORECAST}-overlay.yaml",),
        previous=str(request.baseline),
        as_of=result.reforecast.first,
        stability=weight,
    )

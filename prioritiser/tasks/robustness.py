"""`robustness`: Monte Carlo over cost, duration and benefits; write the robustness files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from prioritiser.certify import certify_roadmap
from prioritiser.errors import CheckFailed, UsageError
from prioritiser.inventory import Inventory
from prioritiser.reports.robustness import write_robustness
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios import robustness as robustness_stage
from prioritiser.scenarios.variants import RoadmapCheckFailed
from prioritiser.solve import PlanOptions
from prioritiser.solve.cluster import check_scheduler
from prioritiser.tasks.common import (
    default_output,
    load,
    output_folder,
    read_roadmap_file,
    require_plan,
    self_check_failed,
    solve,
)
from prioritiser.tasks.listener import SILENT, Listener
from prioritiser.wording import plural

SHOWN = 10  # violations of a --roadmap listed


@dataclass(frozen=True)
class RobustnessRequest:
    inventory: Path
    samples: int = 200
    workers: int | None = None  # local processes (default: one per CPU)
    dask_scheduler: str | None = None  # or run the samples on this Dask scheduler
    roadmap: Path | None = None  # stress this roadmap.json instead of planning the baseline
    scenarios: tuple[Path, ...] = ()
    outdir: Path | None = None  # default: out/<inventory>-robustness
    options: PlanOptions | None = None  # for the baseline and each re-optimisation


@dataclass(frozen=True)
class RobustnessOutcome:
    robustness: robustness_stage.Robustness
    baseline: Roadmap
    outdir: Path
    written: tuple[Path, ...]


def assess_robustness(request: RobustnessRequest, listener: Listener = SILENT) -> RobustnessOutcome:
    """Sample, evaluate the baseline roadmap on each sample, re-optimise, write the files."""
    if request.workers is not None and request.dask_scheduler:
        raise UsageError("give either --workers or --dask-scheduler, not both")
    if request.dask_scheduler:
        check_scheduler(request.dask_scheduler)  # before any planning
    loaded = load(request.inventory, request.scenarios, listener)
    options = request.options or PlanOptions()
    out = output_folder(default_output(request.outdir, request.inventory, "robustness"))
    baseline = _baseline(loaded, request.roadmap, options, out, listener)
    count = request.workers or os.cpu_count() or 1
    listener.info(f"{request.samples} samples on {_where(request, count)}")
    with listener.sweep(request.samples, "sampling") as advance:
        try:
            result = robustness_stage.robustness(
                loaded,
                baseline,
                request.samples,
                options.seed,
                options,
                workers=count,
                dask_scheduler=request.dask_scheduler,
                progress=lambda _r: advance(),
            )
        except RoadmapCheckFailed as exc:
            raise self_check_failed(exc) from exc
    return RobustnessOutcome(result, baseline, out, tuple(write_robustness(out, result)))


def _where(request: RobustnessRequest, count: int) -> str:
    if request.dask_scheduler:
        return f"Dask scheduler {request.dask_scheduler}"
    if count > 1 and request.samples > 1:
        processes = min(count, request.samples)
        return plural(processes, "worker process", "worker processes")
    return "this process"


def _baseline(
    inventory: Inventory,
    path: Path | None,
    options: PlanOptions,
    outdir: Path,
    listener: Listener,
) -> Roadmap:
    """The roadmap to stress: read (and checked) from `path`, or planned now."""
    if path is not None:
        roadmap = read_roadmap_file(path)
        violations = certify_roadmap(inventory, roadmap)
        if violations:
            raise CheckFailed(
                f"roadmap {path} is not feasible for this inventory",
                details=[v.render() for v in violations[:SHOWN]],
            )
        return roadmap
    listener.info("planning the baseline …")
    roadmap = solve(inventory, options, listener)
    require_plan(roadmap, options, listener, inventory, outdir, "the baseline")
    return roadmap

"""`frontier`: the best NPV as one resource's capacity is scaled; write the frontier files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.errors import UsageError
from prioritiser.reports.frontier import write_frontier
from prioritiser.scenarios import frontier as frontier_stage
from prioritiser.scenarios.variants import RoadmapCheckFailed
from prioritiser.solve import PlanOptions
from prioritiser.tasks.common import default_output, load, output_folder, self_check_failed
from prioritiser.tasks.listener import SILENT, Listener


@dataclass(frozen=True)
class FrontierRequest:
    inventory: Path
    resource: str
    steps: int = 10
    low: float = 0.5  # smallest capacity scale
    high: float = 1.5  # largest capacity scale
    scenarios: tuple[Path, ...] = ()
    outdir: Path | None = None  # default: out/<inventory>-frontier
    options: PlanOptions | None = None  # for each step


@dataclass(frozen=True)
class FrontierOutcome:
    frontier: frontier_stage.Frontier
    outdir: Path
    written: tuple[Path, ...]

    @property
    def feasible(self) -> bool:
        """Some capacity scale has a roadmap."""
        return any(step.feasible for step in self.frontier.steps)


def trace_frontier(request: FrontierRequest, listener: Listener = SILENT) -> FrontierOutcome:
    """Plan at each capacity scale (warm-starting each from the last) and write the files."""
    loaded = load(request.inventory, request.scenarios, listener)
    options = request.options or PlanOptions()
    scales = frontier_stage.frontier_scales(request.low, request.high, request.steps)
    if request.resource not in loaded.resources:
        known = ", ".join(sorted(loaded.resources)) or "none"
        raise UsageError(f"unknown resource {request.resource!r} (resources: {known})")
    out = output_folder(default_output(request.outdir, request.inventory, "frontier"))
    with listener.sweep(len(scales), f"frontier of {request.resource}") as advance:
        try:
            result = frontier_stage.frontier(
                loaded, request.resource, scales, options, progress=lambda _step: advance()
            )
        except RoadmapCheckFailed as exc:
            raise self_check_failed(exc) from exc
    return FrontierOutcome(result, out, tuple(write_frontier(out, result)))

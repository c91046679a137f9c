"""`replan`: a new roadmap from a period on that keeps the work in flight, and what changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.errors import Infeasible, UsageError
from prioritiser.inventory import Inventory
from prioritiser.reports import replan as replan_report
from prioritiser.reports import write_reports
from prioritiser.reports.manifest import RunOptions
from prioritiser.roadmap import Roadmap, SolveStatus
from prioritiser.scenarios import replan as replan_stage
from prioritiser.scenarios.variants import RoadmapCheckFailed
from prioritiser.solve import PlanOptions
from prioritiser.tasks.common import (
    RULES,
    default_output,
    load,
    output_folder,
    read_roadmap_file,
    self_check_failed,
    time_limit_error,
)
from prioritiser.tasks.listener import SILENT, Listener


@dataclass(frozen=True)
class ReplanRequest:
    inventory: Path
    previous: Path  # the roadmap.json being replanned
    as_of: str  # the first period that can still change
    scenarios: tuple[Path, ...] = ()
    stability: str | None = None  # money per change (250000) or a share of the NPV (0.5%)
    strict_capacity: bool = False  # overcommitted work in flight is infeasible, not honoured
    outdir: Path | None = None  # default: out/<inventory>-replan
    options: PlanOptions | None = None


@dataclass(frozen=True)
class ReplanOutcome:
    inventory: Inventory  # as loaded, before replan's locks
    result: replan_stage.Replan
    outdir: Path
    written: tuple[Path, ...]

    @property
    def changes(self) -> Path:
        return self.outdir / "changes.md"


def replan_estate(request: ReplanRequest, listener: Listener = SILENT) -> ReplanOutcome:
    """Replan and write roadmap.json, the reports, changes.md, changes.json and the overlay.

    Raises `UsageError` for a previous roadmap that does not fit the inventory, `Infeasible`
    (after writing diagnosis.json and diagnosis.md) when the work in flight cannot continue.
    """
    options = request.options or PlanOptions()
    loaded = load(request.inventory, request.scenarios, listener)
    previous = read_roadmap_file(request.previous)
    weight = replan_stage.stability_weight(previous, request.stability)
    replan_stage.as_of_index(loaded, request.as_of)
    out = output_folder(default_output(request.outdir, request.inventory, "replan"))
    result = _replanned(request, loaded, previous, weight, options, out, listener)
    _require_plan(result, options)
    changes = replan_report.changes_files(loaded, result, str(request.previous))
    options_run = _run_options(request, result)
    # The roadmap was planned with replan's overlay on top of the scenarios: `report` applies it.
    written = write_reports(
        out, result.inventory, result.roadmap, options_run, changes, ("replan-overlay.yaml",)
    )
    for o in result.overcommitted:
        listener.warning(
            f"work in flight needs {o.committed:,.0f} of {o.resource} in {o.period}, "
            f"above the capacity of {o.capacity:,.0f} ({', '.join(o.systems)}); it continues "
            "as committed and nothing new needing it starts there (--strict-capacity to refuse)"
        )
    return ReplanOutcome(loaded, result, out, tuple(written))


def _replanned(
    request: ReplanRequest,
    loaded: Inventory,
    previous: Roadmap,
    weight: float,
    options: PlanOptions,
    out: Path,
    listener: Listener,
) -> replan_stage.Replan:
    """Run the replan stage, its failures as the errors the CLI shows."""
    with listener.solving(loaded.portfolio.currency, options) as progress:
        reference = load(request.inventory, (), listener) if request.scenarios else None
        try:
            return replan_stage.replan(
                loaded,
                previous,
                request.as_of,
                options,
                weight,
                progress,
                reference=reference,
                honour_commitments=not request.strict_capacity,
            )
        except replan_stage.ReplanConflict as exc:
            raise UsageError(
                f"the previous roadmap {request.previous} does not fit the inventory",
                details=[f"error: {problem}" for problem in exc.problems],
            ) from exc
        except replan_stage.ReplanInfeasible as exc:
            raise _infeasible(exc, request.as_of, out) from exc
        except RoadmapCheckFailed as exc:
            raise self_check_failed(exc) from exc


def _infeasible(error: replan_stage.ReplanInfeasible, as_of: str, outdir: Path) -> Infeasible:
    """The work in flight cannot continue: write the findings and say where."""
    replan_report.write_diagnosis(outdir, error, as_of)
    return Infeasible(
        f"infeasible: the work in flight cannot continue as of {as_of} under these rules "
        f"(diagnosis written to {outdir / 'diagnosis.md'})",
        tuple(error.findings),
        details=[f"  {finding}" for finding in error.findings],
    )


def _require_plan(result: replan_stage.Replan, options: PlanOptions) -> None:
    """Raise unless the replan holds a roadmap."""
    if result.roadmap.status == SolveStatus.INFEASIBLE:
        raise Infeasible(
            f"infeasible: no roadmap for the replan satisfies every rule ({RULES}); relax a "
            "deadline or a capacity"
        )
    if result.roadmap.status == SolveStatus.NO_SOLUTION:
        raise time_limit_error(options, "the replan")


def _run_options(request: ReplanRequest, result: replan_stage.Replan) -> RunOptions:
    options = request.options or PlanOptions()
    return RunOptions(
        command="replan",
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=options.threads,
        seed=options.seed,
        deterministic=options.deterministic or None,
        scenarios=tuple(str(s) for s in request.scenarios),
        previous=str(request.previous),
        as_of=result.as_of,
        stability=result.weight,
        strict_capacity=request.strict_capacity,
    )

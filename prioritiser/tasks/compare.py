"""`compare`: plan the baseline and each scenario; write comparison.json and comparison.md."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.errors import UsageError
from prioritiser.reports.comparison import write_comparison
from prioritiser.scenarios import compare as compare_stage
from prioritiser.scenarios.variants import RoadmapCheckFailed
from prioritiser.solve import PlanOptions
from prioritiser.tasks.common import (
    default_output,
    load,
    output_folder,
    require_plan,
    self_check_failed,
)
from prioritiser.tasks.listener import SILENT, Listener


@dataclass(frozen=True)
class CompareRequest:
    inventory: Path
    scenarios: tuple[Path, ...] = ()  # default: every *.yaml in INVENTORY/scenarios/
    outdir: Path | None = None  # default: out/<inventory>-compare
    options: PlanOptions | None = None  # for each plan


@dataclass(frozen=True)
class CompareOutcome:
    comparison: compare_stage.Comparison
    outdir: Path
    written: tuple[Path, ...]


def compare_scenarios(request: CompareRequest, listener: Listener = SILENT) -> CompareOutcome:
    """Plan the baseline and each scenario on its own, and write the comparison.

    Raises `Infeasible` (with the diagnosis written) when the baseline has no roadmap; an
    infeasible scenario is reported in the comparison instead.
    """
    scenarios = request.scenarios or _scenario_files(request.inventory)
    options = request.options or PlanOptions()
    baseline = load(request.inventory, (), listener)
    variants = [
        (load(request.inventory, [path], listener), compare_stage.scenario_description(path))
        for path in scenarios
    ]
    out = output_folder(default_output(request.outdir, request.inventory, "compare"))

    def progress(name: str, run: compare_stage.ScenarioRun | None) -> None:
        if run is None:
            listener.info(f"planning {name} …")
        else:
            listener.planned(name, run.roadmap, baseline.portfolio.currency)

    try:
        result = compare_stage.compare(baseline, variants, options, progress)
    except RoadmapCheckFailed as exc:
        raise self_check_failed(exc) from exc
    require_plan(result.baseline.roadmap, options, listener, baseline, out, "the baseline")
    return CompareOutcome(result, out, tuple(write_comparison(out, result)))


def _scenario_files(inventory: Path) -> tuple[Path, ...]:
    found = tuple(sorted((inventory / "scenarios").glob("*.yaml")))
    if not found:
        raise UsageError(
            f"no --scenario given and {inventory / 'scenarios'} holds no *.yaml overlays"
        )
    return found

"""`plan`: load, solve, check independently, then write every output (or the diagnosis)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.certify import certify_roadmap
from prioritiser.errors import CheckFailed, Interrupted
from prioritiser.inventory import Inventory
from prioritiser.reports import write_reports
from prioritiser.reports.manifest import RunOptions
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.policy import with_policy_cost
from prioritiser.solve import PlanOptions
from prioritiser.tasks.common import (
    default_output,
    load,
    output_folder,
    require_plan,
    solve,
)
from prioritiser.tasks.listener import SILENT, Listener


@dataclass(frozen=True)
class PlanRequest:
    inventory: Path
    outdir: Path | None = None  # default: out/<inventory folder name>
    scenarios: tuple[Path, ...] = ()
    options: PlanOptions | None = None
    keep_incumbent: bool = False  # on an interrupt during the solve, write the incumbent
    # Plan again without risk.unsupported.forbid, to state the policy's price (when it binds).
    policy_cost: bool = True


@dataclass(frozen=True)
class PlanOutcome:
    inventory: Inventory
    roadmap: Roadmap
    outdir: Path
    written: tuple[Path, ...]

    @property
    def report(self) -> Path | None:
        """report.html, when it was written."""
        path = self.outdir / "report.html"
        return path if path in self.written else None


def plan_estate(request: PlanRequest, listener: Listener = SILENT) -> PlanOutcome:
    """Plan the inventory and write roadmap.json and every report into the output folder.

    Raises `Infeasible` (after writing diagnosis.json and diagnosis.md), `NoSolution`,
    `Interrupted` (nothing written) or `CheckFailed` (a solver bug; nothing written).
    """
    outdir = output_folder(default_output(request.outdir, request.inventory))
    options = request.options or PlanOptions()
    inventory = load(request.inventory, request.scenarios, listener)
    roadmap = planned_roadmap(inventory, options, listener, request.keep_incumbent, outdir)
    if request.policy_cost and inventory.forbids_unsupported:
        roadmap = priced_policy(inventory, roadmap, options, listener)
    written = write_reports(outdir, inventory, roadmap, run_options(options, request.scenarios))
    return PlanOutcome(inventory, roadmap, outdir, tuple(written))


def planned_roadmap(
    inventory: Inventory,
    options: PlanOptions,
    listener: Listener,
    keep_incumbent: bool = False,
    outdir: Path | None = None,
) -> Roadmap:
    """Solve and check independently; raise the DESIGN.md error when there is no plan."""
    roadmap = solve(inventory, options, listener)
    if options.stop is not None and options.stop.is_set():
        if not (keep_incumbent and roadmap.has_plan):
            raise Interrupted(
                "nothing written (use --keep-incumbent to keep the best roadmap so far)"
            )
        gap = 100 * (roadmap.gap or 0)
        listener.info(
            f"interrupted: keeping the best roadmap found so far (within {gap:.2f} % of optimal)"
        )
    require_plan(roadmap, options, listener, inventory, outdir, what="")
    violations = certify_roadmap(inventory, roadmap)
    if violations:
        raise CheckFailed(
            "internal error: the solver's roadmap failed the independent check; nothing was "
            "written (please report this with the inventory)",
            details=[f"rule {v.rule}: {v.message}" for v in violations],
        )
    return roadmap


def priced_policy(
    inventory: Inventory, roadmap: Roadmap, options: PlanOptions, listener: Listener
) -> Roadmap:
    """The roadmap with the price of `risk.unsupported.forbid` (a second solve without it),
    its figures certified again."""
    listener.info("pricing the forbid policy: planning again without risk.unsupported.forbid")
    with listener.solving(inventory.portfolio.currency, options) as progress:
        priced = with_policy_cost(inventory, roadmap, options, progress)
    violations = certify_roadmap(inventory, priced)
    if violations:
        raise CheckFailed(
            "internal error: the policy's price failed the independent check; nothing was "
            "written (please report this with the inventory)",
            details=[f"rule {v.rule}: {v.message}" for v in violations],
        )
    return priced


def run_options(options: PlanOptions, scenarios: tuple[Path, ...]) -> RunOptions:
    """The options manifest.json records for a plan."""
    return RunOptions(
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=options.threads,
        seed=options.seed,
        deterministic=options.deterministic or None,
        scenarios=tuple(str(s) for s in scenarios),
    )

"""`plan`: load, solve, check independently, then write every output (or the diagnosis)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from prioritiser.certify import certify_roadmap
from prioritiser.errors import CheckFailed, Interrupted
from prioritiser.inventory import Inventory
from prioritiser.reports import write_reports
from prioritiser.reports.manifest import RunOptions
from prioritiser.reports.paper import PaperOverrides
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios import pack as board
from prioritiser.scenarios.compare import scenario_description
from prioritiser.scenarios.policy import with_policy_cost
from prioritiser.scenarios.variants import RoadmapCheckFailed
from prioritiser.solve import PlanOptions
from prioritiser.tasks.common import (
    default_output,
    load,
    output_folder,
    require_plan,
    self_check_failed,
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
    # The board pack's re-solves (levers, the largest risk, prices) and uncertainty sample;
    # None computes none of it (the reports then go without that evidence).
    pack: board.PackOptions | None = None
    compare: bool = False  # plan INVENTORY/scenarios/*.yaml alongside, for the pack
    paper: PaperOverrides | None = None  # governance set on the command line
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
    evidence = None
    if request.pack is not None:
        evidence = pack_evidence(request, inventory, roadmap, options, listener)
    written = write_reports(
        outdir,
        inventory,
        roadmap,
        run_options(options, request.scenarios, request),
        evidence=evidence,
        paper=request.paper,
    )
    return PlanOutcome(inventory, roadmap, outdir, tuple(written))


def pack_evidence(
    request: PlanRequest,
    inventory: Inventory,
    roadmap: Roadmap,
    options: PlanOptions,
    listener: Listener,
) -> board.BoardEvidence:
    """The board pack's evidence: its re-solves (with progress), and how long they took."""
    assert request.pack is not None
    scenarios = []
    if request.compare:
        for path in sorted((request.inventory / "scenarios").glob("*.yaml")):
            scenarios.append(
                (load(request.inventory, [path], listener), scenario_description(path))
            )
    prepared = board.prepare(inventory, roadmap, options, request.pack, scenarios)
    began = time.monotonic()
    count = len(prepared.jobs)
    # How far the re-solves have got is for a person watching; a pipe or a script gets
    # only the command's own lines (the board pack's figures are in the outputs).
    shown = bool(count) and listener.watched()
    if shown:
        listener.info(f"board pack: {count} re-solves (levers, the largest risk left, …)")
    try:
        if shown:
            with listener.sweep(count, "re-solves") as advance:
                evidence = board.run(prepared, lambda _key: advance())
        else:
            evidence = board.run(prepared, lambda _key: None)
    except RoadmapCheckFailed as exc:
        raise self_check_failed(exc) from exc
    if shown:
        listener.info(
            f"board pack: {count} re-solves in {time.monotonic() - began:.1f} s "
            "(--no-levers skips them)"
        )
    return evidence


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


def run_options(
    options: PlanOptions, scenarios: tuple[Path, ...], request: PlanRequest | None = None
) -> RunOptions:
    """The options manifest.json records for a plan (the board pack's when it ran)."""
    recorded = RunOptions(
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=options.threads,
        seed=options.seed,
        method=None if options.method == "auto" else options.method,
        deterministic=options.deterministic or None,
        scenarios=tuple(str(s) for s in scenarios),
    )
    if request is None:
        return recorded
    extra: dict[str, object] = {}
    if request.pack is not None:
        extra.update(
            levers=request.pack.levers, prices=request.pack.prices, samples=request.pack.samples
        )
        if request.compare:
            extra["compare"] = True
    extra.update(paper_options(request.paper))
    return recorded.model_copy(update=extra) if extra else recorded


def paper_options(paper: PaperOverrides | None) -> dict[str, object]:
    """The governance overrides as manifest.json records them (only those given)."""
    if paper is None:
        return {}
    fields = {
        "date": paper.date,
        "version_label": paper.version,
        "status": paper.status,
        "marking": paper.marking,
    }
    return {k: v for k, v in fields.items() if v is not None}

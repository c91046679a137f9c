"""What the tasks share: loading, a start period, output folders, reading a roadmap, solving,
and the errors raised when a solve ends without a roadmap."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from prioritiser.diagnose import diagnose
from prioritiser.errors import (
    CheckFailed,
    Infeasible,
    NoSolution,
    OutputError,
    PrioritiserError,
    UsageError,
)
from prioritiser.inventory import Inventory, load_inventory, parse_period
from prioritiser.reports.diagnosis import write_diagnosis
from prioritiser.roadmap import Roadmap, SolveStatus
from prioritiser.roadmap_file import RoadmapContentError, RoadmapFileError, read_roadmap
from prioritiser.scenarios.variants import RoadmapCheckFailed
from prioritiser.solve import PlanOptions, plan
from prioritiser.tasks.listener import Listener

RULES = "deadlines, locks, resources, dependencies, risk limits"


def load(
    root: str | Path, scenarios: Sequence[str | Path] = (), listener: Listener | None = None
) -> Inventory:
    """Load and validate an inventory (`InventoryError`, exit 3, when it is invalid);
    its warnings go to the listener."""
    inventory = load_inventory(root, scenarios)
    if listener is not None:
        for warning in inventory.warnings:
            listener.problem(warning)
    return inventory


def start_period(text: str) -> str:
    """A `--start` period, upper-cased (2027-q1 → 2027-Q1); a usage error when malformed."""
    try:
        parse_period(text)
    except ValueError as exc:
        raise UsageError(f"--start: {exc}") from exc
    return text.upper()


def default_output(outdir: Path | None, inventory: Path, command: str = "") -> Path:
    """`outdir`, or `out/<inventory folder name>[-<command>]`."""
    if outdir is not None:
        return outdir
    name = inventory.resolve().name
    return Path("out") / (f"{name}-{command}" if command else name)


def output_folder(path: str | Path) -> Path:
    """Create an output folder, refusing a path that is (or sits under) a regular file."""
    out = Path(path)
    for parent in [out, *out.parents]:
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"cannot write outputs to {out}: {parent} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {out}: {exc.strerror or exc}") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to output folder {out}: permission denied")
    return out


def read_roadmap_file(path: Path) -> Roadmap:
    """Read roadmap.json strictly (`prioritiser.roadmap_file`): a file that is not a
    roadmap, or one whose content is malformed (each problem a detail line), is a usage
    error (exit 2) — the file given cannot be used."""
    try:
        return read_roadmap(path)
    except RoadmapFileError as exc:
        raise UsageError(str(exc)) from exc
    except RoadmapContentError as exc:
        raise UsageError(
            f"roadmap {path} is malformed ({exc})",
            details=[f"error: {path}: {problem}" for problem in exc.problems],
        ) from exc


def solve(inventory: Inventory, options: PlanOptions, listener: Listener) -> Roadmap:
    """Plan `inventory`, with the listener's progress display around the solve."""
    with listener.solving(inventory.portfolio.currency, options) as progress:
        return plan(inventory, options, progress)


def diagnosed(
    inventory: Inventory, options: PlanOptions, listener: Listener, outdir: Path | None = None
) -> Infeasible:
    """The error of an infeasible inventory, with its diagnosis: made, handed to the
    listener and, with an output folder, written there as diagnosis.json and diagnosis.md."""
    diagnosis = diagnose(inventory, options.solver, options.time_limit or 60.0)
    listener.diagnosis(diagnosis)
    where = ""
    if outdir is not None:
        write_diagnosis(outdir, diagnosis, inventory)
        where = f"; diagnosis written to {outdir / 'diagnosis.md'} and diagnosis.json"
    return Infeasible(f"infeasible: no roadmap satisfies every rule ({RULES}){where}", diagnosis)


def time_limit_error(options: PlanOptions, what: str = "") -> NoSolution:
    """No roadmap found in time: `what` names the plan among several ("the baseline")."""
    found = f"for {what}" if what else "found"
    return NoSolution(
        f"no feasible roadmap {found} within the time limit ({options.time_limit}s); "
        "raise --time-limit"
    )


def require_plan(
    roadmap: Roadmap,
    options: PlanOptions,
    listener: Listener,
    inventory: Inventory,
    outdir: Path | None,
    what: str,
) -> None:
    """Raise `Infeasible` (diagnosed) or `NoSolution` unless `roadmap` holds a plan."""
    if roadmap.status == SolveStatus.INFEASIBLE:
        raise diagnosed(inventory, options, listener, outdir)
    if roadmap.status == SolveStatus.NO_SOLUTION:
        raise time_limit_error(options, what)


def self_check_failed(error: RoadmapCheckFailed) -> PrioritiserError:
    """A roadmap planned here failed the independent checker: a bug, reported as one."""
    return CheckFailed(f"internal error: {error}; nothing more was written")

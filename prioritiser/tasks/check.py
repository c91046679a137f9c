"""`check`: the independent feasibility check of a roadmap.json against an inventory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.certify import certify_roadmap
from prioritiser.check import Violation
from prioritiser.errors import UsageError
from prioritiser.roadmap import Roadmap
from prioritiser.roadmap_file import RoadmapContentError, RoadmapFileError, read_roadmap
from prioritiser.tasks.common import load
from prioritiser.tasks.listener import SILENT, Listener


@dataclass(frozen=True)
class CheckOutcome:
    roadmap: Roadmap | None  # None when the file could not be read as a roadmap's figures
    violations: tuple[Violation, ...]

    @property
    def feasible(self) -> bool:
        return not self.violations


def check_roadmap_file(
    inventory: Path,
    roadmap: Path,
    scenarios: tuple[Path, ...] = (),
    listener: Listener = SILENT,
) -> CheckOutcome:
    """Re-verify rules 1–7 for the roadmap in `roadmap` from the inventory alone, and every
    figure it states (`certify_roadmap`). A file that is not a roadmap at all is a usage
    error; a roadmap whose figures are not even numbers fails with each problem named."""
    loaded = load(inventory, scenarios, listener)
    try:
        planned = read_roadmap(roadmap)
    except RoadmapFileError as exc:
        raise UsageError(str(exc)) from exc
    except RoadmapContentError as exc:
        violations = tuple(Violation("0 format", problem) for problem in exc.problems)
        return CheckOutcome(None, violations)
    return CheckOutcome(planned, tuple(certify_roadmap(loaded, planned)))

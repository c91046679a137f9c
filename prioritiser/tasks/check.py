"""`check`: the independent feasibility check of a roadmap.json against an inventory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.check import Violation, check_roadmap
from prioritiser.roadmap import Roadmap
from prioritiser.tasks.common import load, read_roadmap_file
from prioritiser.tasks.listener import SILENT, Listener


@dataclass(frozen=True)
class CheckOutcome:
    roadmap: Roadmap
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
    """Re-verify rules 1–7 for the roadmap in `roadmap` from the inventory alone."""
    loaded = load(inventory, scenarios, listener)
    planned = read_roadmap_file(roadmap)
    return CheckOutcome(planned, tuple(check_roadmap(loaded, planned)))

"""`validate` and `init`: check an inventory in one pass; scaffold a new one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.errors import InventoryError, OutputError, UsageError
from prioritiser.inventory import Inventory, Problem, check_inventory
from prioritiser.inventory.actuals import check_actuals
from prioritiser.inventory.scaffold import write_starter_inventory


@dataclass(frozen=True)
class ValidateOutcome:
    inventory: Inventory
    warnings: tuple[Problem, ...]  # of the inventory itself, which is valid
    # The errors each overlay in INVENTORY/scenarios/ adds, one group per failing overlay.
    scenario_errors: tuple[tuple[Problem, ...], ...]

    @property
    def valid(self) -> bool:
        return not self.scenario_errors


def validate_inventory(inventory: Path, scenarios: tuple[Path, ...] = ()) -> ValidateOutcome:
    """Every problem of the inventory (with `scenarios` applied), of its actuals/ and of each
    overlay in its scenarios/ folder, in one pass. Raises `InventoryError` when the inventory
    or its actuals are invalid."""
    result, problems = check_inventory(inventory, scenarios)
    errors = [p for p in problems if p.severity == "error"]
    if result is None or errors:
        raise InventoryError(problems)
    _, found = check_actuals(inventory, result)  # --as-of and the baseline: see `track`
    problems = sorted([*problems, *found], key=Problem.sort_key)
    if any(p.severity == "error" for p in found):
        raise InventoryError(problems)
    failing = []
    folder = inventory / "scenarios"
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        _, found = check_inventory(inventory, [*scenarios, path])
        bad = tuple(p for p in found if p.severity == "error")
        if bad:
            failing.append(bad)
    return ValidateOutcome(result, tuple(problems), tuple(failing))


def init_inventory(directory: Path, force: bool = False) -> list[Path]:
    """Write a small, valid starter inventory (and its JSON Schemas) into `directory`."""
    for folder in (directory, *directory.parents):
        if folder.exists() and not folder.is_dir():
            # --force cannot help here, so do not suggest it.
            raise UsageError(f"cannot create an inventory in {directory}: {folder} is a file")
    try:
        return write_starter_inventory(directory, force=force)
    except FileExistsError as exc:
        raise UsageError(f"{exc}; use --force to overwrite") from exc
    except OSError as exc:
        raise OutputError(f"cannot write to {directory}: {exc.strerror or exc}") from exc

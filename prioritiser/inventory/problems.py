"""Validation problems as values with a location, rendered once at the edge (the CLI)."""

from __future__ import annotations

from pathlib import Path

# Problems, their locations and InventoryError (exit 3) live with every other failure in
# the bottom layer, `prioritiser.errors`; re-exported here, where the inventory stage and
# its callers have always found them.
from prioritiser.errors import InventoryError, Location, Problem, Severity, UsageError

__all__ = [
    "InventoryError",
    "InventoryNotFound",
    "Location",
    "Problem",
    "Severity",
    "display_path",
]


class InventoryNotFound(UsageError):
    """The inventory path is not a folder at all: a usage mistake (exit 2), not an invalid
    inventory (exit 3)."""


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as users typed it: relative to the current folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        if root is not None:
            try:
                return str(path.resolve().relative_to(root.resolve().parent))
            except ValueError:
                pass
        return str(path)

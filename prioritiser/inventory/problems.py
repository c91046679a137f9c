"""Validation problems as values with a location, rendered once at the edge (the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# InventoryError (exit 3) lives with every other failure in `prioritiser.errors`; it is
# re-exported here so that `from prioritiser.inventory import InventoryError` keeps working.
from prioritiser.errors import InventoryError

Severity = Literal["error", "warning"]

__all__ = ["InventoryError", "Location", "Problem", "Severity", "display_path"]


@dataclass(frozen=True, order=True)
class Location:
    """Where something came from: a file and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in an inventory."""

    message: str
    location: Location | None = None
    path: str = ""
    severity: Severity = "error"

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        what = f"{self.path}: " if self.path else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}{prefix}{what}{self.message}"

    def sort_key(self) -> tuple[str, int, str, str]:
        loc = self.location or Location("", 0)
        return (loc.file, loc.line, self.path, self.message)


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

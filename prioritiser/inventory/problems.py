"""Validation problems as values with a location, rendered once at the edge (the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


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


class InventoryError(Exception):
    """An inventory that cannot be used; carries every problem found in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted((p for p in problems if p.severity == "error"), key=Problem.sort_key)
        self.warnings = sorted(
            (p for p in problems if p.severity == "warning"), key=Problem.sort_key
        )
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the inventory")


class InventoryNotFound(Exception):
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

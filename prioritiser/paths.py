"""Path safety: what we read stays inside the folder it belongs to; what we write never
replaces an input.

An inventory (or a catalog, or a roadmap folder) is a folder someone else may have written.
A symlink in it that points elsewhere would make its content — and our reports and error
messages — depend on files outside it (`/etc/passwd`, another team's estate). Every file we
read from such a folder is therefore resolved and refused when it lands outside.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def outside(root: Path, path: Path) -> Path | None:
    """Where `path` really leads when that is outside `root` (symlinks followed), else None."""
    target = path.resolve()
    if target.is_relative_to(root.resolve()):
        return None
    return target


def outside_message(target: Path, what: str = "the inventory") -> str:
    """The one wording of a refusal: it says where the link leads and what to do."""
    return f"links outside {what} (to {target}); copy the file in instead"


def lexically_inside(root: Path, path: Path) -> bool:
    """True when `path`, as written (no symlinks followed), lies under `root`."""
    base = Path(os.path.abspath(root))
    return Path(os.path.abspath(path)).is_relative_to(base)


def same_file(a: Path, b: Path) -> bool:
    """True when `a` and `b` are the same file (also through links); False if either is absent."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def is_input(path: Path, inputs: Iterable[Path]) -> bool:
    """True when writing `path` would replace one of the files in `inputs`."""
    target = path.resolve()
    return any(same_file(path, item) or target == item.resolve() for item in inputs)


__all__ = ["is_input", "lexically_inside", "outside", "outside_message", "same_file"]

"""Load an inventory folder (plus scenario overlays) into a validated Inventory."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from prioritiser.inventory.crossref import CrossChecker, Located
from prioritiser.inventory.estate import Inventory, SourceFile
from prioritiser.inventory.messages import did_you_mean, problems_from_validation
from prioritiser.inventory.overlay import apply_overlay
from prioritiser.inventory.problems import (
    InventoryError,
    InventoryNotFound,
    Problem,
    display_path,
)
from prioritiser.inventory.raw import PORTFOLIO_KEYS, RawInventory, gather
from prioritiser.inventory.schema import Platform, PortfolioFile, System
from prioritiser.inventory.yamlsafe import Path_

MAX_SYSTEMS = 100_000
M = TypeVar("M", bound=BaseModel)


def load_inventory(root: str | Path, scenarios: Sequence[str | Path] = ()) -> Inventory:
    """Load and validate; raise InventoryError with every problem found in one pass."""
    inventory, problems = check_inventory(root, scenarios)
    if inventory is None or any(p.severity == "error" for p in problems):
        raise InventoryError(problems)
    return inventory


def check_inventory(
    root: str | Path, scenarios: Sequence[str | Path] = ()
) -> tuple[Inventory | None, list[Problem]]:
    """Load and validate, returning the inventory (None when invalid) and all problems.

    Raises InventoryNotFound when `root` is not a folder (nothing to validate).
    """
    root = Path(root)
    shown_root = display_path(root)
    if not root.is_dir():
        what = "is a file, not an inventory folder" if root.exists() else "does not exist"
        raise InventoryNotFound(f"inventory {shown_root} {what}")
    raw = gather(root, shown_root)
    own_files = len(raw.files)  # the inventory's files; overlays are read after them
    names = [apply_overlay(raw, Path(s), display_path(Path(s))) for s in scenarios]
    inventory, problems = validate_raw(raw, root)
    problems = sorted(map(_one_line, raw.problems + problems), key=Problem.sort_key)
    if inventory is not None:
        inventory = _with_context(inventory, root, raw.files, own_files, names, problems)
    return inventory, problems


_LINE_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r"})


def _one_line(problem: Problem) -> Problem:
    """Problems are one line each, even when they quote a key or value holding line breaks."""
    return replace(
        problem,
        message=problem.message.translate(_LINE_BREAKS),
        path=problem.path.translate(_LINE_BREAKS),
    )


def validate_raw(raw: RawInventory, root: Path) -> tuple[Inventory | None, list[Problem]]:
    """Validate combined raw data: each item on its own, then the cross-references."""
    problems: list[Problem] = []
    portfolio_data = {k: raw.data[k] for k in raw.data if k not in ("platforms", "systems")}
    portfolio = None
    if "portfolio" in raw.data or portfolio_data:
        for key in portfolio_data:
            if key not in PORTFOLIO_KEYS:
                problems.append(
                    Problem(
                        f"unknown key '{key}'{did_you_mean(key, PORTFOLIO_KEYS)}",
                        raw.location((key,)),
                        key,
                    )
                )
        known = {k: v for k, v in portfolio_data.items() if k in PORTFOLIO_KEYS}
        found: list[Problem] = []
        portfolio = _validate(PortfolioFile, known, (), raw, found)
        # A missing top-level section has no line of its own: point at portfolio.yaml.
        top = raw.locations.get(("portfolio.yaml",))
        problems += [p if p.location else replace(p, location=top) for p in found]
    platforms = _validate_items(Platform, raw, "platforms", problems)
    systems = _validate_items(System, raw, "systems", problems)
    if len(raw.data.get("systems", [])) > MAX_SYSTEMS:
        problems.append(
            Problem(f"more than {MAX_SYSTEMS:,} systems; split the estate", raw.location(()))
        )
    known_ids = {
        str(item["id"])
        for item in raw.data.get("systems", [])
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }
    problems += CrossChecker(raw, portfolio, platforms, systems, known_ids).run()
    errors = [p for p in raw.problems + problems if p.severity == "error"]
    if portfolio is None and not errors:
        # portfolio.yaml was a mapping with nothing in it (`{}`).
        problems.append(
            Problem(
                "portfolio.yaml has no `portfolio:` section",
                raw.locations.get(("portfolio.yaml",)),
            )
        )
    if errors or portfolio is None:
        return None, problems
    inventory = Inventory(
        portfolio=portfolio.portfolio,
        resources=dict(portfolio.resources),
        risk=portfolio.risk,
        objective=portfolio.objective,
        uncertainty=portfolio.uncertainty,
        appraisal=portfolio.appraisal,
        tracking=portfolio.tracking,
        platforms=tuple(p.item for p in platforms),
        systems=tuple(s.item for s in systems),
        root=str(root),
    )
    return inventory, problems


def _validate(
    model: type[M], data: Any, base: Path_, raw: RawInventory, problems: list[Problem]
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, model, base, raw))
        return None


def _validate_items(
    model: type[M], raw: RawInventory, section: str, problems: list[Problem]
) -> list[Located[M]]:
    out = []
    for index, item in enumerate(raw.data.get(section, [])):
        path = (section, index)
        if not isinstance(item, dict):
            problems.append(
                Problem("must be a mapping of fields", raw.location(path), raw.display(path))
            )
            continue
        validated = _validate(model, item, path, raw, problems)
        if validated is not None:
            out.append(Located(validated, path))
    return out


def _with_context(
    inventory: Inventory,
    root: Path,
    files: list[Path],
    own_files: int,
    scenarios: list[str],
    problems: list[Problem],
) -> Inventory:
    sources = []
    for index, path in enumerate(files):
        rel = _relative(path, root)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        sources.append(SourceFile(rel, digest, str(path), scenario=index >= own_files))
    warnings = tuple(p for p in problems if p.severity == "warning")
    return replace(inventory, sources=tuple(sources), scenarios=tuple(scenarios), warnings=warnings)


def _relative(path: Path, root: Path) -> str:
    """`systems/core.yaml`: where the file sits in the inventory as written (a link inside
    the inventory keeps its own name), else where it leads; a file from elsewhere as shown."""
    for a, b in ((path, root), (path.resolve(), root.resolve())):
        try:
            return a.relative_to(b).as_posix()
        except ValueError:
            continue
    return display_path(path)

"""`report`: rebuild every report of a planned roadmap from roadmap.json, without re-solving."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.certify import certify_roadmap
from prioritiser.errors import CheckFailed, UsageError
from prioritiser.inventory import Inventory
from prioritiser.paths import outside, outside_message
from prioritiser.reports import write_reports
from prioritiser.reports.manifest import Manifest, ManifestUnreadable, read_manifest
from prioritiser.tasks.common import load, output_folder, read_roadmap_file
from prioritiser.tasks.listener import SILENT, Listener

SHOWN = 10  # violations listed before "... and N more"


@dataclass(frozen=True)
class ReportRequest:
    roadmap_dir: Path
    inventory: Path | None = None  # default: the one recorded in the manifest
    scenarios: tuple[Path, ...] = ()  # default: the scenarios recorded in the manifest
    outdir: Path | None = None  # default: ROADMAP_DIR


@dataclass(frozen=True)
class ReportOutcome:
    outdir: Path
    written: tuple[Path, ...]
    roadmap: Path  # the roadmap.json the reports were rebuilt from


def rebuild_reports(request: ReportRequest, listener: Listener = SILENT) -> ReportOutcome:
    """Read roadmap.json back, check it against its inventory, and write every report again.

    Only files inside ROADMAP_DIR are read unless the request names others: a roadmap folder
    may come from anyone, and its manifest must not choose what we read.

    Raises `UsageError` when the folder, its roadmap or its inventory cannot be found, and
    `CheckFailed` when the roadmap does not fit the inventory (nothing is written then).
    """
    folder = request.roadmap_dir
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"roadmap folder {folder} {what}")
    roadmap_file = folder / "roadmap.json"
    target = outside(folder, roadmap_file) if roadmap_file.exists() else None
    if target is not None:
        raise UsageError(f"{roadmap_file} {outside_message(target, str(folder))}")
    roadmap = read_roadmap_file(roadmap_file)
    manifest = _manifest(folder, listener)
    root = request.inventory or _recorded_inventory(folder, manifest)
    overlays = request.scenarios or _recorded_scenarios(folder, manifest, root)
    inventory = load(root, overlays, listener)
    mixed = manifest.mixed_outputs(folder)
    if mixed:
        listener.warning(
            f"{', '.join(mixed)} in {folder} are not the files manifest.json records "
            "(missing, edited, or from another run); rebuilding from roadmap.json"
        )
    changed = _changed_inputs(manifest, inventory) if request.inventory is None else []
    if changed:
        listener.warning(f"inventory files changed since planning: {', '.join(changed)}")
    violations = certify_roadmap(inventory, roadmap)
    if violations:
        more = [f"... and {len(violations) - SHOWN} more"] if len(violations) > SHOWN else []
        raise CheckFailed(
            f"{folder / 'roadmap.json'} does not fit the inventory {root} "
            f"({len(violations)} violation{'s' if len(violations) != 1 else ''}); "
            "reports were not rebuilt — re-plan, or pass the inventory it was planned from",
            details=[*(v.render() for v in violations[:SHOWN]), *more],
        )
    target = output_folder(request.outdir or folder)
    options = manifest.options.with_scenarios(overlays)
    written = write_reports(target, inventory, roadmap, options)
    return ReportOutcome(target, tuple(written), folder / "roadmap.json")


def _manifest(folder: Path, listener: Listener) -> Manifest:
    """The folder's manifest; an unreadable one is ignored, with a warning."""
    try:
        return read_manifest(folder)
    except ManifestUnreadable as exc:
        listener.warning(f"ignoring {exc}")
        return Manifest()


def _inside(recorded: str, folder: Path) -> Path | None:
    """A manifest path, relative to a trusted folder, when it stays inside that folder.

    manifest.json sits in a folder anyone may have written: a path it records is followed
    only into the roadmap folder itself (or the inventory the user named), never to an
    absolute path or out through `..` or a symlink.
    """
    candidate = folder / recorded
    if candidate.exists() and outside(folder, candidate) is None:
        return candidate
    return None


def _recorded_inventory(folder: Path, manifest: Manifest) -> Path:
    """The inventory folder recorded in the manifest (`inventory.root`), when it lies
    inside the roadmap folder; any other must be named with --inventory."""
    root = manifest.inventory.root
    if not root:
        raise UsageError(
            f"{folder} has no manifest.json naming its inventory; pass --inventory PATH"
        )
    found = _inside(root, folder)
    if found is None or not found.is_dir():
        raise UsageError(
            f"the inventory {root} recorded in {folder / 'manifest.json'} is not inside "
            f"{folder}; report reads only the roadmap folder unless told otherwise: pass "
            "--inventory PATH"
        )
    return found


def _recorded_scenarios(folder: Path, manifest: Manifest, inventory: Path) -> tuple[Path, ...]:
    """The scenario files the roadmap was planned with: as recorded inside the roadmap
    folder, else by name in the inventory's scenarios/ (anything else must be named)."""
    found = []
    for recorded in manifest.options.scenarios:
        path = _inside(recorded, folder) or _inside(f"scenarios/{Path(recorded).name}", inventory)
        if path is None or not path.is_file():
            raise UsageError(
                f"scenario {recorded} recorded in {folder / 'manifest.json'} is not inside the "
                "roadmap folder or the inventory; pass it with --scenario to apply it"
            )
        found.append(path)
    return tuple(found)


def _changed_inputs(manifest: Manifest, inventory: Inventory) -> list[str]:
    """Input files whose content differs from what the roadmap was planned with."""
    recorded = {f.path: f.sha256 for f in manifest.inventory.files}
    if not recorded:
        return []
    now = {s.path: s.sha256 for s in inventory.sources}
    return sorted(p for p in set(recorded) | set(now) if recorded.get(p) != now.get(p))

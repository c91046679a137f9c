"""`report`: rebuild every report of a planned roadmap from roadmap.json, without re-solving."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.check import check_roadmap
from prioritiser.errors import CheckFailed, UsageError
from prioritiser.inventory import Inventory
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

    Raises `UsageError` when the folder, its roadmap or its inventory cannot be found, and
    `CheckFailed` when the roadmap does not fit the inventory (nothing is written then).
    """
    folder = request.roadmap_dir
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"roadmap folder {folder} {what}")
    roadmap = read_roadmap_file(folder / "roadmap.json")
    manifest = _manifest(folder, listener)
    root = request.inventory or _recorded_inventory(folder, manifest)
    overlays = request.scenarios or _recorded_scenarios(folder, manifest, listener)
    inventory = load(root, overlays, listener)
    changed = _changed_inputs(manifest, inventory) if request.inventory is None else []
    if changed:
        listener.warning(f"inventory files changed since planning: {', '.join(changed)}")
    violations = check_roadmap(inventory, roadmap)
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


def _locate(recorded: str, folder: Path) -> Path | None:
    """A path from the manifest: as recorded (relative to here), else relative to the folder."""
    for candidate in (Path(recorded), folder / recorded):
        if candidate.exists():
            return candidate
    return None


def _recorded_inventory(folder: Path, manifest: Manifest) -> Path:
    """The inventory folder recorded in the manifest (`inventory.root`)."""
    root = manifest.inventory.root
    if not root:
        raise UsageError(
            f"{folder} has no manifest.json naming its inventory; pass --inventory PATH"
        )
    found = _locate(root, folder)
    if found is None or not found.is_dir():
        raise UsageError(
            f"the inventory {root} recorded in {folder / 'manifest.json'} is not found from here; "
            "pass --inventory PATH"
        )
    return found


def _recorded_scenarios(folder: Path, manifest: Manifest, listener: Listener) -> tuple[Path, ...]:
    """The scenario files the roadmap was planned with (those still present)."""
    found = []
    for recorded in manifest.options.scenarios:
        path = _locate(recorded, folder)
        if path is None or not path.is_file():
            listener.warning(
                f"scenario {recorded} from the manifest is not found; it is not applied"
            )
            continue
        found.append(path)
    return tuple(found)


def _changed_inputs(manifest: Manifest, inventory: Inventory) -> list[str]:
    """Input files whose content differs from what the roadmap was planned with."""
    recorded = {f.path: f.sha256 for f in manifest.inventory.files}
    if not recorded:
        return []
    now = {s.path: s.sha256 for s in inventory.sources}
    return sorted(p for p in set(recorded) | set(now) if recorded.get(p) != now.get(p))

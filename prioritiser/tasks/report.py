"""`report`: rebuild every report of a planned roadmap from roadmap.json, without re-solving."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from prioritiser.certify import certify_roadmap
from prioritiser.errors import CheckFailed, UsageError
from prioritiser.inventory import Inventory
from prioritiser.inventory.raw import inventory_files
from prioritiser.inventory.yamlsafe import max_file_bytes
from prioritiser.paths import outside, outside_message
from prioritiser.reports import write_reports
from prioritiser.reports.manifest import Manifest, ManifestUnreadable, RunOptions, read_manifest
from prioritiser.reports.pack_file import PackUnreadable, read_comparison, read_pack
from prioritiser.reports.paper import PaperOverrides
from prioritiser.reports.pdf import find_chromium
from prioritiser.scenarios.pack import BoardEvidence
from prioritiser.tasks.common import load, output_folder, read_roadmap_file
from prioritiser.tasks.listener import SILENT, Listener
from prioritiser.tasks.plan import paper_options
from prioritiser.wording import plural

SHOWN = 10  # violations listed before "... and N more"


@dataclass(frozen=True)
class ReportRequest:
    roadmap_dir: Path
    inventory: Path | None = None  # default: the copy in ROADMAP_DIR (see `_copied_inputs`)
    scenarios: tuple[Path, ...] = ()  # default: the scenarios the roadmap was planned with
    outdir: Path | None = None  # default: ROADMAP_DIR
    pdf: bool = False  # also print report.html to report.pdf (headless Chromium)
    paper: PaperOverrides | None = None  # governance over what the folder was planned with


@dataclass(frozen=True)
class ReportOutcome:
    outdir: Path
    written: tuple[Path, ...]
    roadmap: Path  # the roadmap.json the reports were rebuilt from


def rebuild_reports(request: ReportRequest, listener: Listener = SILENT) -> ReportOutcome:
    """Read roadmap.json back, check it against its inventory, and write every report again.

    Only files inside ROADMAP_DIR are read unless the request names others: a roadmap folder
    may come from anyone, and its manifest must not choose what we read. The inventory is the
    copy the planning command kept in the folder (every file's SHA-256 checked against the
    manifest), unless `--inventory` names another.

    Raises `UsageError` when the folder, its roadmap or its inventory cannot be found, and
    `CheckFailed` when the roadmap does not fit the inventory (nothing is written then).
    """
    folder = request.roadmap_dir
    if request.pdf:
        find_chromium()  # before anything is read: without Chromium there is no PDF to make
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"roadmap folder {folder} {what}")
    roadmap_file = folder / "roadmap.json"
    target = outside(folder, roadmap_file) if roadmap_file.exists() else None
    if target is not None:
        raise UsageError(f"{roadmap_file} {outside_message(target, str(folder))}")
    roadmap = read_roadmap_file(roadmap_file)
    manifest = _manifest(folder, listener)
    root, inventory, options = _inputs(request, manifest, listener)
    mixed = manifest.mixed_outputs(folder)
    if mixed:
        listener.warning(
            f"{', '.join(mixed)} in {folder} are not the files manifest.json records "
            "(missing, edited, or from another run); rebuilding from roadmap.json"
        )
    violations = certify_roadmap(inventory, roadmap)
    if violations:
        more = [f"... and {len(violations) - SHOWN} more"] if len(violations) > SHOWN else []
        raise CheckFailed(
            f"{folder / 'roadmap.json'} does not fit the inventory {root} "
            f"({plural(len(violations), 'violation')}); "
            "reports were not rebuilt — re-plan, or pass the inventory it was planned from",
            details=[*(v.render() for v in violations[:SHOWN]), *more],
        )
    target = output_folder(request.outdir or folder)
    paper = _paper(options, request.paper)
    options = options.model_copy(update=paper_options(paper)) if request.paper else options
    written = write_reports(
        target,
        inventory,
        roadmap,
        options,
        evidence=_evidence(folder, listener),
        paper=paper,
        pdf=request.pdf,
    )
    return ReportOutcome(target, tuple(written), folder / "roadmap.json")


def _evidence(folder: Path, listener: Listener) -> BoardEvidence | None:
    """The board pack's evidence the folder holds (pack.json), with the scenarios of a
    `compare -o` into the same folder (comparison.json) when the pack has none; an
    unreadable file is left out, with a warning."""
    evidence = None
    try:
        evidence = read_pack(folder)
    except PackUnreadable as exc:
        listener.warning(f"ignoring {exc}")
    if evidence is not None and evidence.scenarios:
        return evidence
    try:
        scenarios = tuple(s for s in read_comparison(folder) if s.name != "baseline")
    except PackUnreadable as exc:
        listener.warning(f"ignoring {exc}")
        return evidence
    if not scenarios:
        return evidence
    return replace(evidence or BoardEvidence(), scenarios=scenarios)


def _paper(options: RunOptions, given: PaperOverrides | None) -> PaperOverrides:
    """The governance overrides: those given now, else those the plan recorded."""
    given = given or PaperOverrides()
    return PaperOverrides(
        date=given.date if given.date is not None else options.date,
        version=given.version if given.version is not None else options.version_label,
        status=given.status if given.status is not None else options.status,
        marking=given.marking if given.marking is not None else options.marking,
    )


def _inputs(
    request: ReportRequest, manifest: Manifest, listener: Listener
) -> tuple[Path, Inventory, RunOptions]:
    """The inventory (and scenarios) to rebuild from, and the options to record.

    By default the copy in the folder; what the request names replaces its part of it. A
    folder without a copy (an older version's) falls back to the manifest's record, followed
    only inside the folder.
    """
    folder = request.roadmap_dir
    # The copy is read (and checked) only for what the request does not name.
    copied = _copied_inputs(folder, manifest, request.inventory is None, not request.scenarios)
    if copied is not None and request.inventory is None and not request.scenarios:
        inventory = load(copied.root, copied.scenarios, listener)
        # The very files the roadmap was planned from: the run is recorded as it was.
        return copied.root, copied.as_planned(inventory, manifest), manifest.options
    root = request.inventory or (copied.root if copied else _recorded_inventory(folder, manifest))
    overlays = request.scenarios or (
        copied.scenarios if copied else _recorded_scenarios(folder, manifest, root)
    )
    inventory = load(root, overlays, listener)
    if request.inventory is None and copied is None:
        changed = _changed_inputs(manifest, inventory)
        if changed:
            listener.warning(f"inventory files changed since planning: {', '.join(changed)}")
    return root, inventory, manifest.options.with_scenarios(overlays)


@dataclass(frozen=True)
class _Copy:
    """The inputs a planning command copied into the roadmap folder, every hash checked."""

    root: Path  # the copied inventory folder
    scenarios: tuple[Path, ...]  # the copied overlays, in the order they were applied

    def as_planned(self, inventory: Inventory, manifest: Manifest) -> Inventory:
        """`inventory`, loaded from the copy, with the root and file names the manifest
        records for the planning run (the same bytes: every hash was checked), so that the
        rebuilt manifest.json says what the roadmap was planned from, as the first did."""
        recorded = manifest.inventory.files
        same = len(recorded) == len(inventory.sources) and all(
            r.sha256 == s.sha256 for r, s in zip(recorded, inventory.sources, strict=True)
        )
        if not same:
            return inventory
        sources = tuple(
            replace(s, path=r.path) for r, s in zip(recorded, inventory.sources, strict=True)
        )
        return replace(inventory, root=manifest.inventory.root or inventory.root, sources=sources)


def _copied_inputs(
    folder: Path, manifest: Manifest, inventory: bool, scenarios: bool
) -> _Copy | None:
    """The copy of the inputs in the folder (`prioritiser.inventory.snapshot`) — its
    inventory, its scenarios, or both, as asked — or None when the manifest records none (a
    folder written by an older version) or nothing is asked.

    Every file used must lie inside the folder and hold the bytes whose SHA-256 the manifest
    records; otherwise this is a usage error naming each file (`--inventory` and
    `--scenario` are the way to use other files).
    """
    record = manifest.snapshot
    if not record.inventory or not (inventory or scenarios):
        return None
    hashes = manifest.output_hashes()
    prefix = record.inventory.rstrip("/") + "/"
    names = sorted(n for n in hashes if n.startswith(prefix)) if inventory else []
    problems = []
    root = _inside(record.inventory, folder)
    if inventory and (root is None or not root.is_dir() or not names):
        problems.append(f"{record.inventory}/ is not a folder of the copy inside {folder}")
    for name in [*names, *(record.scenarios if scenarios else ())]:
        problem = _copied_file_problem(folder, name, hashes.get(name))
        if problem:
            problems.append(problem)
    if inventory and root is not None and root.is_dir():
        # The loader reads every systems file there: one added since is not the copy.
        found = {p.relative_to(folder).as_posix() for p in inventory_files(root)}
        problems += [f"{name} is not part of the copy" for name in sorted(found - set(names))]
    if problems:
        raise _copy_error(folder, problems)
    overlays = tuple(folder / name for name in record.scenarios)
    return _Copy(root or folder, overlays)


def _copied_file_problem(folder: Path, name: str, recorded: str | None) -> str | None:
    """Why the copied file `name` cannot be used, or None when it holds the recorded bytes."""
    path = _inside(name, folder)
    if path is None or not path.is_file():
        return f"{name} is missing (or leads outside {folder})"
    if recorded is None:
        return f"{name} has no SHA-256 in manifest.json"
    if path.stat().st_size > max_file_bytes():
        return f"{name} is over the {max_file_bytes():,}-byte limit of an input file"
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if digest != recorded:
        return f"{name} is not the file the roadmap was planned from (its SHA-256 differs)"
    return None


def _copy_error(folder: Path, problems: list[str]) -> UsageError:
    return UsageError(
        f"the copy of the inventory in {folder} does not match its manifest.json; "
        "reports were not rebuilt: pass --inventory PATH (and --scenario) to use other files",
        details=[f"error: {folder}/{problem}" for problem in problems],
    )


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

"""`report`: rebuild every report of a planned roadmap from roadmap.json, without re-solving."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from prioritiser.certify import certify_roadmap
from prioritiser.cli.check_cmd import read_roadmap_or_fail
from prioritiser.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    UserError,
    ensure_output_dir,
    err,
    load_or_exit,
    output_option,
    scenario_option,
)
from prioritiser.paths import outside, outside_message
from prioritiser.reports import write_reports
from prioritiser.reports.manifest import mixed_outputs

SHOWN = 10  # violations listed before "... and N more"


def read_manifest(folder: Path) -> dict[str, Any]:
    """manifest.json of a roadmap folder, or {} when it is missing or unreadable."""
    path = folder / "manifest.json"
    if path.exists() and outside(folder, path) is not None:
        err(f"warning: ignoring {path}: {outside_message(path.resolve(), str(folder))}")
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        err(f"warning: ignoring {path}: {exc}")
        return {}
    return data if isinstance(data, dict) else {}


def _recorded(manifest: dict[str, Any], *keys: str) -> Any:
    value: Any = manifest
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _inside(recorded: str, folders: list[Path]) -> Path | None:
    """A manifest path, relative to a trusted folder, when it stays inside that folder.

    manifest.json sits in a folder anyone may have written: a path it records is followed
    only into the roadmap folder itself (or the inventory the user named), never to an
    absolute path or out through `..` or a symlink.
    """
    for folder in folders:
        candidate = folder / recorded
        if candidate.exists() and outside(folder, candidate) is None:
            return candidate
    return None


def find_inventory(folder: Path, manifest: dict[str, Any], given: Path | None) -> Path:
    """--inventory, else the manifest's `inventory.root` when it lies inside the folder."""
    if given is not None:
        return given
    root = _recorded(manifest, "inventory", "root")
    if not root or not isinstance(root, str):
        raise UserError(
            f"{folder} has no manifest.json naming its inventory; pass --inventory PATH",
            EXIT_USAGE,
        )
    found = _inside(root, [folder])
    if found is None or not found.is_dir():
        raise UserError(
            f"the inventory {root} recorded in {folder / 'manifest.json'} is not inside "
            f"{folder}; report reads only the roadmap folder unless told otherwise: pass "
            "--inventory PATH",
            EXIT_USAGE,
        )
    return found


def find_scenarios(
    folder: Path, manifest: dict[str, Any], given: tuple[Path, ...], inventory: Path
) -> tuple[Path, ...]:
    """--scenario files, else the scenario files the roadmap was planned with, when they lie
    inside the roadmap folder or the inventory (anything else must be named explicitly)."""
    if given:
        return given
    found = []
    for recorded in _recorded(manifest, "options", "scenarios") or []:
        # As recorded, inside the roadmap folder; else by name in the inventory's scenarios/.
        path = _inside(str(recorded), [folder]) or _inside(
            f"scenarios/{Path(str(recorded)).name}", [inventory]
        )
        if path is None or not path.is_file():
            raise UserError(
                f"scenario {recorded} recorded in {folder / 'manifest.json'} is not inside the "
                "roadmap folder or the inventory; pass it with --scenario to apply it",
                EXIT_USAGE,
            )
        found.append(path)
    return tuple(found)


def _changed_inputs(manifest: dict[str, Any], inventory: Any) -> list[str]:
    """Input files whose content differs from what the roadmap was planned with."""
    recorded = {
        f.get("path"): f.get("sha256")
        for f in (manifest.get("inventory") or {}).get("files") or []
        if isinstance(f, dict)
    }
    if not recorded:
        return []
    now = {s.path: s.sha256 for s in inventory.sources}
    return sorted(p for p in set(recorded) | set(now) if recorded.get(p) != now.get(p))


@click.command("report")
@click.argument("roadmap_dir", type=click.Path(path_type=Path))
@click.option(
    "--inventory",
    "inventory_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Inventory folder (default: the one recorded in ROADMAP_DIR/manifest.json, when it "
    "lies inside ROADMAP_DIR).",
)
@scenario_option("Overlay to apply (repeatable; default: the scenarios recorded in the manifest).")
@output_option("Write the reports here instead of ROADMAP_DIR.")
def report(
    roadmap_dir: Path,
    inventory_path: Path | None,
    scenarios: tuple[Path, ...],
    outdir: Path | None,
) -> None:
    """Rebuild the reports of ROADMAP_DIR from its roadmap.json, without re-solving.

    The roadmap is read back, checked against the inventory (and the scenarios it was planned
    with), and summary.md, report.html, roadmap.xlsx and the other outputs are written again —
    e.g. after upgrading prioritiser or editing names and descriptions.

    Only files inside ROADMAP_DIR are read unless --inventory (and --scenario) name others:
    a roadmap folder may come from anyone, and its manifest must not choose what we read.
    """
    if not roadmap_dir.is_dir():
        what = "is a file, not a folder" if roadmap_dir.exists() else "does not exist"
        raise UserError(f"roadmap folder {roadmap_dir} {what}", EXIT_USAGE)
    roadmap_file = roadmap_dir / "roadmap.json"
    target = outside(roadmap_dir, roadmap_file) if roadmap_file.exists() else None
    if target is not None:
        raise UserError(f"{roadmap_file} {outside_message(target, str(roadmap_dir))}", EXIT_USAGE)
    roadmap = read_roadmap_or_fail(roadmap_file)
    manifest = read_manifest(roadmap_dir)
    root = find_inventory(roadmap_dir, manifest, inventory_path)
    overlays = find_scenarios(roadmap_dir, manifest, scenarios, root)
    inventory = load_or_exit(root, overlays)
    mixed = mixed_outputs(roadmap_dir, manifest)
    if mixed:
        err(
            f"warning: {', '.join(mixed)} in {roadmap_dir} are not the files manifest.json "
            "records (missing, edited, or from another run); rebuilding from roadmap.json"
        )
    changed = _changed_inputs(manifest, inventory) if inventory_path is None else []
    if changed:
        err(f"warning: inventory files changed since planning: {', '.join(changed)}")
    violations = certify_roadmap(inventory, roadmap)
    if violations:
        for violation in violations[:SHOWN]:
            err(violation.render())
        if len(violations) > SHOWN:
            err(f"... and {len(violations) - SHOWN} more")
        raise UserError(
            f"{roadmap_dir / 'roadmap.json'} does not fit the inventory {root} "
            f"({len(violations)} violation{'s' if len(violations) != 1 else ''}); "
            "reports were not rebuilt — re-plan, or pass the inventory it was planned from",
            EXIT_FAILED,
        )
    target = ensure_output_dir(outdir or roadmap_dir)
    options = dict(manifest.get("options") or {})
    options["scenarios"] = [str(s) for s in overlays]
    written = write_reports(target, inventory, roadmap, options)
    click.echo(f"rebuilt {len(written)} files in {target}/ from {roadmap_dir / 'roadmap.json'}")


COMMANDS = [report]

"""The outputs of `track`: tracking.json, tracking.md, tracking.html, tracking.xlsx, the
re-forecast's folder `reforecast/` (a full roadmap folder, changes.md and its overlay) and
tracking-manifest.json, written as one output set."""

from __future__ import annotations

from pathlib import Path

from prioritiser.atomic import write_output_set
from prioritiser.inventory.snapshot import INVENTORY, SCENARIOS
from prioritiser.reports import KEY_FILES, remove_stale
from prioritiser.reports.manifest import ManifestUnreadable, read_manifest
from prioritiser.reports.tracking.data import REFORECAST, TrackingInputs, render_json
from prioritiser.reports.tracking.excel import render_xlsx
from prioritiser.reports.tracking.html import render_html
from prioritiser.reports.tracking.manifest import TRACKING_MANIFEST, render_tracking_manifest
from prioritiser.reports.tracking.markdown import render_markdown
from prioritiser.reports.tracking.reforecast import overlay_yaml, reforecast_set
from prioritiser.tracking import Tracking

KEY = "tracking.json"
# Renamed last, in this order: the re-forecast's manifest and roadmap, then ours, then the
# key file — a reader that finds the new tracking.json finds everything it refers to.
ORDER = (*(f"{REFORECAST}/{name}" for name in KEY_FILES), TRACKING_MANIFEST, KEY)
COPIES = tuple(f"{REFORECAST}/{folder}/" for folder in (INVENTORY, SCENARIOS))


def write_tracking(outdir: Path, t: Tracking, inputs: TrackingInputs) -> list[Path]:
    """Write every output of `track` into `outdir` as one output set (`write_output_set`):
    all new or all old. tracking-manifest.json records the SHA-256 of every other file of
    the set; files the folder's previous set held and this one does not (a re-forecast's
    roadmap where there is now only a diagnosis) are removed once it is written. Returns
    the files written, but not the re-forecast's copy of the inventory."""
    folder = outdir / REFORECAST
    reforecast = reforecast_set(folder, t, inputs)
    files: dict[str, str | bytes] = {}
    writing: dict[str, str | bytes] = {}
    if reforecast is not None:
        files.update({f"{REFORECAST}/{name}": data for name, data in reforecast.files.items()})
        writing.update({f"{REFORECAST}/{name}": data for name, data in reforecast.writing.items()})
    own: dict[str, str | bytes] = {
        "tracking.xlsx": render_xlsx(t, inputs),
        "tracking.html": render_html(t, inputs),
        "tracking.md": render_markdown(t, inputs),
        KEY: render_json(t, inputs),
    }
    files.update(own)
    files[TRACKING_MANIFEST] = render_tracking_manifest(t, inputs, files)
    writing.update(own)
    writing[TRACKING_MANIFEST] = files[TRACKING_MANIFEST]
    stale = _recorded_before(outdir) - set(files)
    written = write_output_set(outdir, writing, order=ORDER)
    if reforecast is not None:
        reforecast.remove_stale(folder)
    remove_stale(outdir, stale, _inputs(t, inputs))
    return [p for p in written if not p.relative_to(outdir).as_posix().startswith(COPIES)]


def _recorded_before(outdir: Path) -> set[str]:
    """The files the folder's previous tracking set recorded: none if its manifest is
    unreadable or was written by another command (a plan's outputs are not ours to remove)."""
    try:
        previous = read_manifest(outdir, TRACKING_MANIFEST)
    except ManifestUnreadable:
        return set()
    return set(previous.output_hashes()) if previous.options.command == "track" else set()


def _inputs(t: Tracking, inputs: TrackingInputs) -> tuple[Path, ...]:
    """Every file this run read: never removed, whatever a previous manifest recorded."""
    root = Path(inputs.inventory)
    own = [Path(s.origin) for s in t.inventory.sources if s.origin]
    return (*own, *(root / f.path for f in inputs.files), Path(inputs.baseline))


__all__ = ["REFORECAST", "TrackingInputs", "overlay_yaml", "write_tracking"]

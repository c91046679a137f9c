"""Reports stage: every file format prioritiser writes, each file written atomically.

`write_reports` writes the outputs of `plan` as one output set (roadmap.json last), with a
copy of the inventory files they were planned from (`prioritiser.inventory.snapshot`); one
module per other output: `comparison`, `frontier`, `robustness`, `replan` (the scenario
commands), `diagnosis` (an infeasible plan) and `manifest` (the typed `Manifest`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from prioritiser.atomic import write_output_set
from prioritiser.graph import build_graph, graph_to_graphml_text
from prioritiser.inventory import Inventory
from prioritiser.inventory.snapshot import INVENTORY, SCENARIOS, take_snapshot
from prioritiser.paths import is_input, lexically_inside, outside, same_file
from prioritiser.reports.analysis import Analysis, analyse
from prioritiser.reports.csv_out import render_csv
from prioritiser.reports.excel import render_xlsx
from prioritiser.reports.html import render_html
from prioritiser.reports.manifest import (
    ManifestUnreadable,
    RunOptions,
    SnapshotRecord,
    read_manifest,
    render_manifest,
)
from prioritiser.reports.markdown import render_summary
from prioritiser.roadmap import Roadmap

Renderer = Callable[[Inventory, Roadmap, Analysis], str | bytes]


def render_graphml(inventory: Inventory, _roadmap: Roadmap, _analysis: Analysis) -> str:
    """graph.graphml: the estate's dependency graph, for Gephi or yEd."""
    return graph_to_graphml_text(build_graph(inventory))


RENDERERS: dict[str, Renderer] = {
    "graph.graphml": render_graphml,
    "report.html": render_html,
    "roadmap.xlsx": render_xlsx,
}


KEY_FILES = ("manifest.json", "roadmap.json")  # renamed last, in this order


@dataclass(frozen=True)
class ReportSet:
    """The output set of a roadmap folder, rendered but not yet written."""

    files: dict[str, str | bytes]  # every file of the set, by its name in the folder
    writing: dict[str, str | bytes]  # those to write (a copy already in place is not)
    stale: frozenset[str]  # copied inputs of the folder's previous set that this one drops
    inputs: tuple[Path, ...]  # the files the copy was taken from (never removed)

    def remove_stale(self, folder: Path) -> None:
        """Once the set is written: remove what the previous copy held and this one does not."""
        remove_stale(folder, self.stale, self.inputs)

    @staticmethod
    def is_report(name: str) -> bool:
        """True for a report of the set, False for a file of its copy of the inputs."""
        return _top(name) not in COPY_FOLDERS


def write_reports(
    outdir: Path,
    inventory: Inventory,
    roadmap: Roadmap,
    options: RunOptions,
    extra: Mapping[str, str | bytes] | None = None,
    overlays: Sequence[str] = (),
) -> list[Path]:
    """Write every output into `outdir` as one output set (`write_output_set`): all new or
    all old, manifest.json then roadmap.json last. Returns the reports written (not the
    copied inputs); see `report_set` for what the set holds."""
    reports = report_set(outdir, inventory, roadmap, options, extra, overlays)
    written = write_output_set(outdir, reports.writing, order=KEY_FILES)
    reports.remove_stale(outdir)
    return [p for p in written if reports.is_report(p.relative_to(outdir).as_posix())]


def report_set(
    outdir: Path,
    inventory: Inventory,
    roadmap: Roadmap,
    options: RunOptions,
    extra: Mapping[str, str | bytes] | None = None,
    overlays: Sequence[str] = (),
) -> ReportSet:
    """Render the output set of a roadmap folder `outdir` (nothing is written): the reports,
    `extra` files (replan's changes), manifest.json and roadmap.json. `overlays` names those
    of the `extra` files the roadmap was planned with as scenarios (replan's overlay), which
    `report` applies after the copied ones.

    The set includes a copy of every file `inventory` was loaded from (`inventory/`,
    `scenarios/`), so that `report` can rebuild it from the folder alone. manifest.json
    records the SHA-256 of every other file of the set, so a reader can tell that the files
    in a folder belong together. A command writing the folder within a larger set (`track`)
    writes `writing` under the folder's name, then calls `remove_stale`.
    """
    # Render from the roadmap exactly as roadmap.json will hold it (rounded), so `report`
    # rebuilding from the file later gives byte-identical outputs.
    roadmap = Roadmap.from_dict(json.loads(roadmap.to_json()))
    analysis = analyse(inventory, roadmap)
    files: dict[str, str | bytes] = {
        "roadmap.csv": render_csv(roadmap),
        "summary.md": render_summary(inventory, roadmap, analysis),
        **(extra or {}),
    }
    for name, render in RENDERERS.items():
        files[name] = render(inventory, roadmap, analysis)
    copy = take_snapshot(inventory)
    copy.check_target(outdir)
    files.update(copy.files)
    record = SnapshotRecord(
        inventory=INVENTORY if copy.files else None, scenarios=(*copy.scenarios, *overlays)
    )
    files["roadmap.json"] = roadmap.to_json()
    files["manifest.json"] = render_manifest(inventory, roadmap, options, files, record)
    stale = _copied_before(outdir) - set(files)
    # Planning from the copy into its own folder: those files already hold these bytes.
    writing = {
        name: content
        for name, content in files.items()
        if name not in copy.origins or not same_file(outdir / name, copy.origins[name])
    }
    return ReportSet(files, writing, frozenset(stale), tuple(copy.origins.values()))


COPY_FOLDERS = (INVENTORY, SCENARIOS)


def _top(name: str) -> str:
    parts = PurePosixPath(name).parts
    return parts[0] if len(parts) > 1 else ""


def _copied_before(outdir: Path) -> set[str]:
    """The copied inputs the folder's previous output set recorded (none if unreadable)."""
    try:
        previous = read_manifest(outdir)
    except ManifestUnreadable:
        return set()
    return {name for name in previous.output_hashes() if _top(name) in COPY_FOLDERS}


def remove_stale(outdir: Path, names: Iterable[str], inputs: Iterable[Path]) -> None:
    """Remove files an earlier output set held here that this one does not (a systems file
    since deleted from the copy; `track`'s re-forecast, now a diagnosis), so the folder
    holds exactly what the manifest records; a folder they leave empty goes too. The
    previous manifest is not trusted: a name is removed only when it is a plain file inside
    a folder of `outdir`, and never when it is one of this run's inputs."""
    inputs = tuple(inputs)
    for name in sorted(names):
        path = outdir / name
        folder = outdir / _top(name)
        if (
            folder == outdir
            or not lexically_inside(folder, path)
            or outside(outdir, path) is not None
            or path.is_symlink()
            or not path.is_file()
            or is_input(path, inputs)
        ):
            continue
        path.unlink(missing_ok=True)
        _remove_empty(path.parent, outdir)


def _remove_empty(folder: Path, outdir: Path) -> None:
    """Remove `folder` and its parents below `outdir` while they are empty."""
    while folder != outdir and lexically_inside(outdir, folder) and not folder.is_symlink():
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or not ours to remove)
        folder = folder.parent

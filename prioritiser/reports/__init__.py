"""Reports stage: every file format prioritiser writes, each file written atomically.

`write_reports` writes the outputs of `plan` as one output set (roadmap.json last), with a
copy of the inventory files they were planned from (`prioritiser.inventory.snapshot`); one
module per other output: `comparison`, `frontier`, `robustness`, `replan` (the scenario
commands), `diagnosis` (an infeasible plan) and `manifest` (the typed `Manifest`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from prioritiser.reports.pack_file import PACK, render_pack, rounded_evidence
from prioritiser.reports.paper import PaperOverrides
from prioritiser.reports.pdf import print_pdf
from prioritiser.reports.slides import render_pptx
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.pack import BoardEvidence

Renderer = Callable[[Inventory, Roadmap, Analysis], str | bytes]


def render_graphml(inventory: Inventory, _roadmap: Roadmap, _analysis: Analysis) -> str:
    """graph.graphml: the estate's dependency graph, for Gephi or yEd."""
    return graph_to_graphml_text(build_graph(inventory))


RENDERERS: dict[str, Renderer] = {
    "graph.graphml": render_graphml,
    "report.html": render_html,
    "roadmap.xlsx": render_xlsx,
    "roadmap.pptx": render_pptx,
}


def write_reports(
    outdir: Path,
    inventory: Inventory,
    roadmap: Roadmap,
    options: RunOptions,
    extra: Mapping[str, str | bytes] | None = None,
    overlays: Sequence[str] = (),
    evidence: BoardEvidence | None = None,
    paper: PaperOverrides | None = None,
    pdf: bool = False,
) -> list[Path]:
    """Write every output into `outdir` as one output set (`write_output_set`): all new or
    all old, manifest.json then roadmap.json last. `extra` files (replan's changes) join it;
    `overlays` names those of them the roadmap was planned with as scenarios (replan's
    overlay), which `report` applies after the copied ones.

    The set includes a copy of every file `inventory` was loaded from (`inventory/`,
    `scenarios/`), so that `report` can rebuild it from the folder alone. manifest.json
    records the SHA-256 of every other file of the set, so a reader can tell that the files
    in a folder belong together. Returns the reports written (not the copied inputs).

    `evidence` is the board pack's (levers, risks, uncertainty, scenarios), written as
    pack.json; `paper` the command line's governance overrides (recorded in `options`).
    """
    # Render from the roadmap exactly as roadmap.json will hold it (rounded), so `report`
    # rebuilding from the file later gives byte-identical outputs; the evidence likewise.
    roadmap = Roadmap.from_dict(json.loads(roadmap.to_json()))
    if evidence is not None:
        evidence = rounded_evidence(evidence)
    analysis = analyse(inventory, roadmap, evidence, paper)
    files: dict[str, str | bytes] = {
        "roadmap.csv": render_csv(roadmap),
        "summary.md": render_summary(inventory, roadmap, analysis),
        **(extra or {}),
    }
    if evidence is not None:
        files[PACK] = render_pack(evidence)
    for name, render in RENDERERS.items():
        files[name] = render(inventory, roadmap, analysis)
    if pdf:  # printed from this very report.html, so it joins the set (and the manifest)
        date = analysis.paper.date if analysis.paper else None
        files[PDF] = print_pdf(str(files["report.html"]), date)
    copy = take_snapshot(inventory)
    copy.check_target(outdir)
    files.update(copy.files)
    record = SnapshotRecord(
        inventory=INVENTORY if copy.files else None, scenarios=(*copy.scenarios, *overlays)
    )
    files["roadmap.json"] = roadmap.to_json()
    files["manifest.json"] = render_manifest(inventory, roadmap, options, files, record)
    stale = _copied_before(outdir) - set(files)
    stale_pdf = PDF not in files and PDF in _recorded(outdir)
    # Planning from the copy into its own folder: those files already hold these bytes.
    writing = {
        name: content
        for name, content in files.items()
        if name not in copy.origins or not same_file(outdir / name, copy.origins[name])
    }
    written = write_output_set(outdir, writing, order=("manifest.json", "roadmap.json"))
    _remove_stale(outdir, stale, copy.origins.values())
    if stale_pdf and (outdir / PDF).is_file() and not (outdir / PDF).is_symlink():
        (outdir / PDF).unlink()  # a print of an earlier report.html
    return [p for p in written if _top(p.relative_to(outdir).as_posix()) not in COPY_FOLDERS]


COPY_FOLDERS = (INVENTORY, SCENARIOS)
PDF = "report.pdf"


def _top(name: str) -> str:
    parts = PurePosixPath(name).parts
    return parts[0] if len(parts) > 1 else ""


def _recorded(outdir: Path) -> set[str]:
    """The files the folder's previous output set recorded (none if unreadable)."""
    try:
        previous = read_manifest(outdir)
    except ManifestUnreadable:
        return set()
    return set(previous.output_hashes())


def _copied_before(outdir: Path) -> set[str]:
    """The copied inputs the folder's previous output set recorded (none if unreadable)."""
    return {name for name in _recorded(outdir) if _top(name) in COPY_FOLDERS}


def _remove_stale(outdir: Path, names: Iterable[str], inputs: Iterable[Path]) -> None:
    """Remove inputs an earlier run copied here that this one did not (a systems file since
    deleted), so the copy holds exactly what the manifest records. manifest.json is not
    trusted: a name is removed only when it is a plain file inside the copy's own folders,
    and never when it is one of this run's inputs."""
    inputs = tuple(inputs)
    for name in sorted(names):
        path = outdir / name
        folder = outdir / _top(name)
        if (
            not lexically_inside(folder, path)
            or outside(outdir, path) is not None
            or path.is_symlink()
            or not path.is_file()
            or is_input(path, inputs)
        ):
            continue
        path.unlink(missing_ok=True)

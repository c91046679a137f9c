"""Reports stage: every file format prioritiser writes, each file written atomically.

`write_reports` writes the outputs of `plan` as one output set (roadmap.json last); one module per other
output: `comparison`, `frontier`, `robustness`, `replan` (the scenario commands),
`diagnosis` (an infeasible plan) and `manifest` (the typed `Manifest`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

from prioritiser.atomic import write_output_set
from prioritiser.graph import build_graph, graph_to_graphml_text
from prioritiser.inventory import Inventory
from prioritiser.reports.analysis import Analysis, analyse
from prioritiser.reports.csv_out import render_csv
from prioritiser.reports.excel import render_xlsx
from prioritiser.reports.html import render_html
from prioritiser.reports.manifest import RunOptions, render_manifest
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


def write_reports(
    outdir: Path,
    inventory: Inventory,
    roadmap: Roadmap,
    options: RunOptions,
    extra: Mapping[str, str | bytes] | None = None,
) -> list[Path]:
    """Write every output into `outdir` as one output set (`write_output_set`): all new or
    all old, manifest.json then roadmap.json last. `extra` files (replan's changes) join it.

    manifest.json records the SHA-256 of every other file of the set, so a reader can tell
    that the files in a folder belong together.
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
    files["roadmap.json"] = roadmap.to_json()
    files["manifest.json"] = render_manifest(inventory, roadmap, options, files)
    return write_output_set(outdir, files, order=("manifest.json", "roadmap.json"))

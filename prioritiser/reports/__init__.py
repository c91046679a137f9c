"""Reports stage: every file format prioritiser writes, each file written atomically.

`write_reports` writes the outputs of `plan` (roadmap.json last); one module per other
output: `comparison`, `frontier`, `robustness`, `replan` (the scenario commands),
`diagnosis` (an infeasible plan) and `manifest` (the typed `Manifest`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from prioritiser.atomic import write_bytes_atomic, write_text_atomic
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
    outdir: Path, inventory: Inventory, roadmap: Roadmap, options: RunOptions
) -> list[Path]:
    """Write every output into `outdir`, each atomically, with roadmap.json last.

    A reader therefore never sees a new roadmap.json beside stale or half-written reports.
    """
    # Render from the roadmap exactly as roadmap.json will hold it (rounded), so `report`
    # rebuilding from the file later gives byte-identical outputs.
    roadmap = Roadmap.from_dict(json.loads(roadmap.to_json()))
    analysis = analyse(inventory, roadmap)
    files: dict[str, str | bytes] = {
        "roadmap.csv": render_csv(roadmap),
        "summary.md": render_summary(inventory, roadmap, analysis),
    }
    for name, render in RENDERERS.items():
        files[name] = render(inventory, roadmap, analysis)
    names = [*sorted(files), "manifest.json", "roadmap.json"]
    files["manifest.json"] = render_manifest(inventory, roadmap, options, names)
    files["roadmap.json"] = roadmap.to_json()
    written = []
    for name in names:
        content = files[name]
        path = outdir / name
        if isinstance(content, bytes):
            write_bytes_atomic(path, content)
        else:
            write_text_atomic(path, content)
        written.append(path)
    return written

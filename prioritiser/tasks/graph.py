"""`graph`: dependency analytics of an inventory, or an export of its graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prioritiser.atomic import write_text_atomic
from prioritiser.errors import UsageError
from prioritiser.graph import GraphAnalysis, analyse, build_graph, is_markdown, render
from prioritiser.paths import is_input
from prioritiser.tasks.common import load, output_folder
from prioritiser.tasks.listener import SILENT, Listener


@dataclass(frozen=True)
class GraphExport:
    analysis: GraphAnalysis
    format: str
    text: str  # the export (already written when `written` is set)
    written: Path | None = None


def analyse_graph(inventory: Path, listener: Listener = SILENT) -> GraphAnalysis:
    """Hubs, blast radius, cycles, move groups, orphans and exposure of the inventory."""
    loaded = load(inventory, (), listener)
    return analyse(build_graph(loaded), loaded)


def graph_export(
    inventory: Path, fmt: str, output: Path | None = None, listener: Listener = SILENT
) -> GraphExport:
    """The graph in `fmt` (json, dot, graphml, mermaid), written to `output` when given;
    never over one of the inventory's own files (a usage error)."""
    loaded = load(inventory, (), listener)
    inputs = [Path(loaded.root) / source.path for source in loaded.sources]
    if output is not None and is_input(output, inputs):
        raise UsageError(f"-o {output} is one of the inventory's own files; write elsewhere")
    analysis = analyse(build_graph(loaded), loaded)
    text = render(analysis, fmt, markdown=output is not None and is_markdown(output))
    if output is None:
        return GraphExport(analysis, fmt, text)
    output_folder(output.parent)
    write_text_atomic(output, text)  # OutputWriteError (exit 1) when it cannot be written
    return GraphExport(analysis, fmt, text, output)

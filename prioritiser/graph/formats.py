"""The export formats by name, and which one a file name implies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prioritiser.graph.analytics import GraphAnalysis
from prioritiser.graph.diagrams import to_dot, to_mermaid
from prioritiser.graph.export import to_graphml, to_json

EXPORTERS: dict[str, Callable[[GraphAnalysis], str]] = {
    "json": to_json,
    "dot": to_dot,
    "graphml": to_graphml,
    "mermaid": to_mermaid,
}
FORMAT_NAMES = tuple(EXPORTERS)
SUFFIX_FORMATS = {
    ".json": "json",
    ".dot": "dot",
    ".gv": "dot",
    ".graphml": "graphml",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".md": "mermaid",
}


def format_for_path(path: str | Path) -> str | None:
    """The export format a file name implies by its suffix, or None when it implies none."""
    return SUFFIX_FORMATS.get(Path(path).suffix.lower())


def is_markdown(path: str | Path) -> bool:
    """Whether a file is Markdown (Mermaid written there goes in a fenced block)."""
    return Path(path).suffix.lower() == ".md"


def render(analysis: GraphAnalysis, fmt: str, *, markdown: bool = False) -> str:
    """The analysis in export format `fmt`; Mermaid inside a fenced block when `markdown`."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown graph format {fmt!r}; use one of {', '.join(FORMAT_NAMES)}")
    text = EXPORTERS[fmt](analysis)
    if markdown and fmt == "mermaid":
        title = analysis.graph.graph.get("name", "")
        heading = f"# {title} — dependency graph\n\n" if title else ""
        return f"{heading}```mermaid\n{text}```\n"
    return text

"""Diagram exports of the analysed graph: Graphviz DOT and Mermaid.

Both group systems by department, colour them by criticality and draw platforms in a
different style; edges are styled (and labelled) by constraint. Output is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import networkx as nx

from prioritiser.graph.analytics import GraphAnalysis
from prioritiser.graph.build import dependency_edges, platform_edges, platforms, systems
from prioritiser.inventory.schema import SystemId

CRITICALITY_COLOURS = {
    "low": "#c8e6c9",
    "medium": "#fff9c4",
    "high": "#ffe0b2",
    "critical": "#ffcdd2",
}
CRITICALITY_STROKES = {
    "low": "#2e7d32",
    "medium": "#f9a825",
    "high": "#ef6c00",
    "critical": "#c62828",
}
PLATFORM_FILL = "#bbdefb"
PLATFORM_STROKE = "#1565c0"
DEFAULT_FILL = "#eeeeee"

DOT_EDGE_STYLES = {
    "after": 'style=solid, label="after"',
    "requires": 'style=bold, label="requires"',
    "together": 'style=dashed, dir=both, label="together"',
    "none": 'style=dotted, color="#9e9e9e", fontcolor="#757575", label="none"',
}
DOT_PLATFORM_EDGE = f'style=dashed, color="{PLATFORM_STROKE}", arrowhead=empty'

MERMAID_ARROWS = {
    "after": "-->|after|",
    "requires": "==>|requires|",
    "together": "<-->|together|",
    "none": "-.->|none|",
}
MERMAID_PLATFORM_ARROW = "-.->"


def by_department(graph: nx.DiGraph[str]) -> dict[str, list[SystemId]]:
    """System ids grouped by department, departments and members sorted."""
    groups: dict[str, list[SystemId]] = {}
    for system in systems(graph):
        groups.setdefault(str(graph.nodes[system].get("department", "")), []).append(system)
    return {department: groups[department] for department in sorted(groups)}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


# --- Graphviz DOT ------------------------------------------------------------------------


def dot_quote(text: object) -> str:
    """A DOT double-quoted string (backslashes, quotes and newlines escaped)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_system(analysis: GraphAnalysis, system: SystemId) -> str:
    data = analysis.graph.nodes[system]
    metrics = analysis.metrics[system]
    criticality = str(data.get("criticality", ""))
    label = f"{data.get('name', system)}\n{system}"
    tooltip = f"{criticality or 'unknown'} criticality · blast radius {metrics.blast_radius}"
    if data.get("end_of_support"):
        tooltip += f" · end of support {data['end_of_support']}"
    return (
        f"{dot_quote(system)} [label={dot_quote(label)}, "
        f"fillcolor={dot_quote(CRITICALITY_COLOURS.get(criticality, DEFAULT_FILL))}, "
        f"color={dot_quote(CRITICALITY_STROKES.get(criticality, '#616161'))}, "
        f"tooltip={dot_quote(tooltip)}];"
    )


def _dot_platform(graph: nx.DiGraph[str], node: str) -> str:
    label = f"{graph.nodes[node].get('name', node)}\n{graph.nodes[node].get('platform', node)}"
    return (
        f"{dot_quote(node)} [label={dot_quote(label)}, shape=component, "
        f"fillcolor={dot_quote(PLATFORM_FILL)}, color={dot_quote(PLATFORM_STROKE)}];"
    )


def _indent(lines: Iterable[str], depth: int = 1) -> list[str]:
    return [("  " * depth + line) if line else "" for line in lines]


def to_dot(analysis: GraphAnalysis) -> str:
    """Graphviz DOT: one `cluster_…` subgraph per department, criticality as fill colour."""
    graph = analysis.graph
    name = str(graph.graph.get("name", "")) or "estate"
    lines = [
        f"digraph {dot_quote(name)} {{",
        *_indent(
            [
                f"graph [rankdir=LR, label={dot_quote(name + ' — dependency graph')}, "
                'labelloc=t, fontname="Helvetica"];',
                'node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
                'edge [fontname="Helvetica", fontsize=9];',
                "// fill colour = criticality: "
                + ", ".join(f"{k} {v}" for k, v in CRITICALITY_COLOURS.items()),
            ]
        ),
    ]
    for index, (department, members) in enumerate(by_department(graph).items()):
        lines += _indent(
            [
                "",
                f"subgraph cluster_{index}_{_slug(department)} {{",
                *_indent(
                    [
                        f"label={dot_quote(department)};",
                        'style="rounded"; color="#90a4ae";',
                        *(_dot_system(analysis, s) for s in members),
                    ]
                ),
                "}",
            ]
        )
    platform_list = platforms(graph)
    if platform_list:
        lines += _indent(
            [
                "",
                "subgraph cluster_platforms {",
                *_indent(
                    [
                        'label="Platforms";',
                        f'style="rounded,dashed"; color={dot_quote(PLATFORM_STROKE)};',
                        *(_dot_platform(graph, p) for p in platform_list),
                    ]
                ),
                "}",
            ]
        )
    lines.append("")
    for a, b, data in dependency_edges(graph):
        style = DOT_EDGE_STYLES.get(str(data.get("constraint")), DOT_EDGE_STYLES["after"])
        tooltip = dot_quote(f"{a} depends on {b} ({data.get('kind', '')})")
        lines += _indent([f"{dot_quote(a)} -> {dot_quote(b)} [{style}, tooltip={tooltip}];"])
    for system, platform, _ in platform_edges(graph):
        lines += _indent([f"{dot_quote(system)} -> {dot_quote(platform)} [{DOT_PLATFORM_EDGE}];"])
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid -------------------------------------------------------------------------------


def mermaid_id(graph: nx.DiGraph[str], node: str) -> str:
    """A Mermaid-safe node id: `s_` (system) or `p_` (platform) plus [A-Za-z0-9_] only.

    The prefix keeps clear of Mermaid keywords (`end`, `graph`) and of system/platform id
    clashes; ids are [a-z0-9-] so mapping '-' to '_' keeps them distinct.
    """
    data = graph.nodes[node]
    if data.get("type", "system") == "system":
        return "s_" + re.sub(r"[^A-Za-z0-9_]", "_", node)
    return "p_" + re.sub(r"[^A-Za-z0-9_]", "_", str(data.get("platform", node)))


def mermaid_text(text: object) -> str:
    """Text for inside a double-quoted Mermaid label (quotes and markup as entity codes)."""
    return (
        str(text)
        .replace("#", "#35;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", " ")
    )


def to_mermaid(analysis: GraphAnalysis) -> str:
    """A Mermaid `flowchart LR` that renders on GitHub: departments as subgraphs,
    criticality as classes, platforms as hexagons, constraints as edge labels."""
    graph = analysis.graph
    ids = {node: mermaid_id(graph, node) for node in graph.nodes}
    lines = ["flowchart LR"]
    for index, (department, members) in enumerate(by_department(graph).items()):
        lines.append(f'  subgraph dept_{index}["{mermaid_text(department)}"]')
        lines += [f'    {ids[s]}["{mermaid_text(graph.nodes[s].get("name", s))}"]' for s in members]
        lines.append("  end")
    platform_list = platforms(graph)
    if platform_list:
        lines.append('  subgraph platforms["Platforms"]')
        lines += [
            f'    {ids[p]}{{{{"{mermaid_text(graph.nodes[p].get("name", p))}"}}}}'
            for p in platform_list
        ]
        lines.append("  end")
    for a, b, data in dependency_edges(graph):
        arrow = MERMAID_ARROWS.get(str(data.get("constraint")), MERMAID_ARROWS["after"])
        lines.append(f"  {ids[a]} {arrow} {ids[b]}")
    lines += [f"  {ids[a]} {MERMAID_PLATFORM_ARROW} {ids[b]}" for a, b, _ in platform_edges(graph)]
    for level, fill in CRITICALITY_COLOURS.items():
        lines.append(f"  classDef {level} fill:{fill},stroke:{CRITICALITY_STROKES[level]}")
    lines.append(
        f"  classDef platform fill:{PLATFORM_FILL},stroke:{PLATFORM_STROKE},stroke-dasharray:4 2"
    )
    classes: dict[str, list[str]] = {level: [] for level in CRITICALITY_COLOURS}
    for system in systems(graph):
        level = str(graph.nodes[system].get("criticality", ""))
        if level in classes:
            classes[level].append(ids[system])
    if platform_list:
        classes["platform"] = [ids[p] for p in platform_list]
    lines += [f"  class {','.join(members)} {name}" for name, members in classes.items() if members]
    return "\n".join(lines) + "\n"

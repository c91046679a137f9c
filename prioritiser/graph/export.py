"""Machine-readable exports of the analysed graph: JSON and GraphML.

Both are deterministic: nodes sorted (systems, then platforms), edges sorted by
(source, target), every list sorted, JSON keys sorted.
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from prioritiser.graph.analytics import GraphAnalysis, analyse
from prioritiser.graph.build import (
    dependency_edges,
    platform_edges,
    platforms,
    systems,
)


def system_nodes(analysis: GraphAnalysis) -> list[dict[str, Any]]:
    """One record per system, sorted by id, with its attributes and metrics."""
    graph = analysis.graph
    records = []
    for system in systems(graph):
        data = graph.nodes[system]
        metrics = analysis.metrics[system]
        records.append(
            {
                "id": system,
                "type": "system",
                "name": data.get("name", system),
                "department": data.get("department", ""),
                "criticality": data.get("criticality", ""),
                "end_of_support": data.get("end_of_support"),
                "blast_radius": metrics.blast_radius,
                "layer": metrics.layer,
                "centrality": metrics.betweenness,
                "degree": metrics.degree,
                "dependants": metrics.dependants,
                "dependencies": metrics.dependencies,
            }
        )
    return records


def platform_nodes(analysis: GraphAnalysis) -> list[dict[str, Any]]:
    """One record per platform, sorted; graph metrics of systems do not apply (None)."""
    graph = analysis.graph
    records = []
    for node in platforms(graph):
        data = graph.nodes[node]
        users = graph.in_degree(node)
        records.append(
            {
                "id": node,
                "type": "platform",
                "platform": data.get("platform", node),
                "name": data.get("name", node),
                "department": data.get("department", ""),
                "criticality": None,
                "end_of_support": None,
                "blast_radius": None,
                "layer": None,
                "centrality": None,
                "degree": users,
                "dependants": users,
                "dependencies": 0,
            }
        )
    return records


def to_json(analysis: GraphAnalysis) -> str:
    """The JSON contract of issue 4: nodes, edges, platform_edges, cycles, move_groups, ...

    Platform nodes have ids `platform:<id>`; `edges` holds only system dependencies.
    """
    graph = analysis.graph
    edges = [
        {"source": a, "target": b, "kind": d.get("kind", ""), "constraint": d.get("constraint")}
        for a, b, d in dependency_edges(graph)
    ]
    used = [
        {
            "source": a,
            "target": b,
            "platform": graph.nodes[b].get("platform", b),
            "options": list(d.get("options", ())),
        }
        for a, b, d in platform_edges(graph)
    ]
    layer_count = 1 + max((m.layer for m in analysis.metrics.values()), default=-1)
    document = {
        "name": graph.graph.get("name", ""),
        "horizon": analysis.horizon,
        "summary": {
            "systems": len(analysis.metrics),
            "platforms": len(platforms(graph)),
            "dependency_edges": len(edges),
            "platform_edges": len(used),
            "cycles": len(analysis.cycles),
            "move_groups": len(analysis.move_groups),
            "orphans": len(analysis.orphans),
            "layers": layer_count,
            "end_of_support_exposed": len(analysis.exposure),
        },
        "nodes": system_nodes(analysis) + platform_nodes(analysis),
        "edges": edges,
        "platform_edges": used,
        "cycles": [list(group) for group in analysis.cycles],
        "move_groups": [list(group) for group in analysis.move_groups],
        "orphans": list(analysis.orphans),
        "end_of_support_exposure": [
            {
                "system": e.system,
                "end_of_support": e.end_of_support,
                "blast_radius": e.blast_radius,
                "criticality": e.criticality,
                "already_unsupported": e.already_unsupported,
            }
            for e in analysis.exposure
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _scalar(value: object) -> str | int | float | bool | None:
    """A GraphML-compatible value: sequences joined by commas, None dropped by the caller."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(
            str(v) for v in (sorted(value) if isinstance(value, set | frozenset) else value)
        )
    return str(value)


def _graphml_attrs(record: dict[str, Any]) -> dict[str, str | int | float | bool]:
    return {k: v for k, v in ((k, _scalar(v)) for k, v in record.items()) if v is not None}


def graphml_graph(analysis: GraphAnalysis) -> nx.DiGraph[str]:
    """A copy of the graph whose attributes are GraphML scalars, metrics included.

    Each node has a `label` (its name) for Gephi and yEd; missing values (a system with no
    end of support, a platform's metrics) are left out rather than written as None.
    """
    graph = analysis.graph
    out: nx.DiGraph[str] = nx.DiGraph(name=str(graph.graph.get("name", "")))
    for record in system_nodes(analysis) + platform_nodes(analysis):
        attrs = _graphml_attrs({k: v for k, v in record.items() if k != "id"})
        out.add_node(record["id"], label=attrs["name"], **attrs)
    for a, b, d in dependency_edges(graph) + platform_edges(graph):
        out.add_edge(a, b, **_graphml_attrs(dict(sorted(d.items()))))
    return out


def to_graphml(analysis: GraphAnalysis) -> str:
    """GraphML text readable by `networkx.read_graphml`, Gephi and yEd."""
    buffer = io.BytesIO()
    nx.write_graphml(graphml_graph(analysis), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")


def graph_to_graphml_text(graph: nx.DiGraph[str]) -> str:
    """GraphML of a graph from `build_graph`, with its metrics (for `plan`'s graph.graphml)."""
    return to_graphml(analyse(graph))

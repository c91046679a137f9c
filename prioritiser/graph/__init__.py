"""Graph stage: the estate as a NetworkX DiGraph, its analytics and its exports.

    estate = EstateGraph.of(inventory.estate)  # what the planning stages read
    graph = build_graph(inventory)          # A → B when A depends_on B; platforms as nodes
    blast_radius(graph, SystemId("identity"))
    analysis = analyse(graph, inventory)    # every metric at once
    render(analysis, "mermaid")             # json | dot | graphml | mermaid

No function here prints; the `graph` command (prioritiser.cli.graph_cmd) does.
"""

from prioritiser.graph.analytics import (
    Exposure,
    GraphAnalysis,
    SystemMetrics,
    analyse,
    betweenness,
    blast_radii,
    blast_radius,
    cycle_path,
    cycles,
    degrees,
    end_of_support_exposure,
    hubs,
    layers,
    move_groups,
    orphans,
    system_metrics,
)
from prioritiser.graph.build import (
    DEPENDENCY,
    ORDERING,
    PLATFORM,
    SYSTEM,
    TOGETHER,
    build_graph,
    constraint_view,
    dependency_edges,
    dependency_graph,
    dependency_view,
    platform_edges,
    platform_node,
    platforms,
    systems,
)
from prioritiser.graph.diagrams import to_dot, to_mermaid
from prioritiser.graph.estate_graph import EstateGraph
from prioritiser.graph.export import graph_to_graphml_text, graphml_graph, to_graphml, to_json
from prioritiser.graph.formats import FORMAT_NAMES, format_for_path, is_markdown, render
from prioritiser.inventory.schema import SystemId

__all__ = [
    "DEPENDENCY",
    "FORMAT_NAMES",
    "ORDERING",
    "PLATFORM",
    "SYSTEM",
    "TOGETHER",
    "EstateGraph",
    "Exposure",
    "GraphAnalysis",
    "SystemId",
    "SystemMetrics",
    "analyse",
    "betweenness",
    "blast_radii",
    "blast_radius",
    "build_graph",
    "constraint_view",
    "cycle_path",
    "cycles",
    "degrees",
    "dependency_edges",
    "dependency_graph",
    "dependency_view",
    "end_of_support_exposure",
    "format_for_path",
    "graph_to_graphml_text",
    "graphml_graph",
    "hubs",
    "is_markdown",
    "layers",
    "move_groups",
    "orphans",
    "platform_edges",
    "platform_node",
    "platforms",
    "render",
    "system_metrics",
    "systems",
    "to_dot",
    "to_graphml",
    "to_json",
    "to_mermaid",
]

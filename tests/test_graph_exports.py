"""The four export formats (JSON, DOT, GraphML, Mermaid) on the acceptance estate and the demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from prioritiser.graph import (
    GraphAnalysis,
    analyse,
    build_graph,
    format_for_path,
    graph_to_graphml_text,
    render,
    to_dot,
    to_graphml,
    to_json,
    to_mermaid,
)
from prioritiser.inventory import Dependency, Inventory, Option, System, load_inventory
from prioritiser.inventory.schema import Objective, Portfolio, Risk

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH6 = FIXTURES / "graph6"
DEMO = Path(__file__).parent.parent / "inventories" / "demo"


@pytest.fixture(scope="module")
def graph6() -> Inventory:
    return load_inventory(GRAPH6)


@pytest.fixture(scope="module")
def analysis6(graph6: Inventory) -> GraphAnalysis:
    return analyse(build_graph(graph6), graph6)


@pytest.fixture(scope="module")
def demo() -> Inventory:
    return load_inventory(DEMO)


def odd_names() -> Inventory:
    """Names and ids that trip up naive DOT and Mermaid writers."""
    return Inventory(
        portfolio=Portfolio(name='The "odd" estate', start="2027-Q1", periods=4),
        resources={},
        risk=Risk(),
        objective=Objective(),
        platforms=(),
        systems=(
            System(
                id="end",
                name='The "big" <one> #1\\2',
                department='R&D "labs"',
                options=[Option(id="x", kind="retire", duration=1)],
                depends_on=[Dependency(system="graph-2", constraint="none")],
            ),
            System(id="graph-2", name="Graph", options=[]),
        ),
    )


# --- JSON ------------------------------------------------------------------------------------


def test_json_has_the_contract_fields(analysis6: GraphAnalysis) -> None:
    document = json.loads(to_json(analysis6))
    assert {"nodes", "edges", "platform_edges", "cycles", "move_groups"} <= set(document)
    node = next(n for n in document["nodes"] if n["id"] == "a")
    assert {
        "id",
        "name",
        "department",
        "type",
        "blast_radius",
        "layer",
        "centrality",
        "criticality",
        "degree",
    } <= set(node)
    assert node == node | {
        "type": "system",
        "name": "System A",
        "department": "Core",
        "criticality": "critical",
        "blast_radius": 4,
        "layer": 0,
        "end_of_support": "2028-Q2",
    }
    assert document["cycles"] == [["a", "b", "c"]]
    assert ["e", "f"] in document["move_groups"]


def test_json_edges_hold_only_system_dependencies(analysis6: GraphAnalysis) -> None:
    document = json.loads(to_json(analysis6))
    assert len(document["edges"]) == 6
    assert {"source": "e", "target": "f", "kind": "shared-db", "constraint": "together"} in (
        document["edges"]
    )
    assert all(e["target"] in "abcdef" for e in document["edges"])
    assert document["platform_edges"] == [
        {"source": "f", "target": "platform:cloud", "platform": "cloud", "options": ["rehost"]}
    ]
    platform = next(n for n in document["nodes"] if n["type"] == "platform")
    assert platform["id"] == "platform:cloud"
    assert platform["blast_radius"] is None
    assert platform["degree"] == 1


def test_json_is_sorted_and_centrality_rounded(analysis6: GraphAnalysis) -> None:
    document = json.loads(to_json(analysis6))
    ids = [n["id"] for n in document["nodes"]]
    assert ids == ["a", "b", "c", "d", "e", "f", "platform:cloud"]
    pairs = [(e["source"], e["target"]) for e in document["edges"]]
    assert pairs == sorted(pairs)
    for node in document["nodes"]:
        if node["centrality"] is not None:
            assert node["centrality"] == round(node["centrality"], 6)
    assert document["summary"]["dependency_edges"] == 6
    assert [e["system"] for e in document["end_of_support_exposure"]] == ["c", "a"]


def test_json_does_not_depend_on_the_order_of_the_files(graph6: Inventory) -> None:
    shuffled = Inventory(
        portfolio=graph6.portfolio,
        resources=graph6.resources,
        risk=graph6.risk,
        objective=graph6.objective,
        platforms=graph6.platforms,
        systems=tuple(reversed(graph6.systems)),
    )
    first = to_json(analyse(build_graph(graph6), graph6))
    assert to_json(analyse(build_graph(shuffled), shuffled)) == first
    assert to_json(analyse(build_graph(graph6), graph6)) == first


# --- DOT -------------------------------------------------------------------------------------


def test_dot_clusters_departments_and_colours_criticality(analysis6: GraphAnalysis) -> None:
    dot = to_dot(analysis6)
    assert dot.startswith('digraph "Graph acceptance estate" {')
    assert dot.rstrip().endswith("}")
    assert dot.count("{") == dot.count("}")
    assert re.search(r'subgraph cluster_\w+ \{\s+label="Core";', dot)
    assert re.search(r'subgraph cluster_\w+ \{\s+label="Edge";', dot)
    assert "subgraph cluster_platforms {" in dot
    assert re.search(r'"a" \[label="System A\\na", fillcolor="#ffcdd2"', dot)  # critical
    assert re.search(r'"e" \[label="System E\\ne", fillcolor="#c8e6c9"', dot)  # low
    assert '"platform:cloud" [label=' in dot and "shape=component" in dot


def test_dot_edges_are_quoted_and_styled_by_constraint(analysis6: GraphAnalysis) -> None:
    edges = re.findall(r'^\s+"([^"]+)" -> "([^"]+)" \[(.*)\];$', to_dot(analysis6), re.M)
    assert [(a, b) for a, b, _ in edges] == [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("d", "a"),
        ("e", "d"),
        ("e", "f"),
        ("f", "platform:cloud"),
    ]
    styles = {(a, b): attrs for a, b, attrs in edges}
    assert 'label="after"' in styles["a", "b"]
    assert "style=bold" in styles["d", "a"] and 'label="requires"' in styles["d", "a"]
    assert "style=dashed" in styles["e", "f"] and 'label="together"' in styles["e", "f"]


def test_dot_escapes_quotes_and_backslashes() -> None:
    inv = odd_names()
    dot = to_dot(analyse(build_graph(inv), inv))
    assert 'digraph "The \\"odd\\" estate" {' in dot
    assert 'label="The \\"big\\" <one> #1\\\\2\\nend"' in dot
    assert 'label="R&D \\"labs\\"";' in dot
    assert '"end" -> "graph-2" [style=dotted' in dot


# --- GraphML ---------------------------------------------------------------------------------


def test_graphml_round_trips_through_networkx(analysis6: GraphAnalysis, tmp_path: Path) -> None:
    path = tmp_path / "graph.graphml"
    path.write_text(to_graphml(analysis6), encoding="utf-8")
    loaded = nx.read_graphml(path)
    assert isinstance(loaded, nx.DiGraph)
    assert sorted(loaded.nodes) == ["a", "b", "c", "d", "e", "f", "platform:cloud"]
    assert set(loaded.edges) == set(analysis6.graph.edges)
    assert loaded.nodes["a"]["blast_radius"] == 4
    assert loaded.nodes["a"]["label"] == "System A"
    assert loaded.nodes["a"]["end_of_support"] == "2028-Q2"
    assert "end_of_support" not in loaded.nodes["b"]
    assert isinstance(loaded.nodes["a"]["centrality"], float)
    assert loaded.nodes["platform:cloud"]["type"] == "platform"
    assert "blast_radius" not in loaded.nodes["platform:cloud"]
    assert loaded.edges["e", "f"]["constraint"] == "together"
    assert loaded.edges["f", "platform:cloud"]["options"] == "rehost"
    assert loaded.graph["name"] == "Graph acceptance estate"


def test_graph_to_graphml_text_needs_only_the_graph(graph6: Inventory) -> None:
    text = graph_to_graphml_text(build_graph(graph6))
    assert text.startswith("<?xml")
    assert text == to_graphml(analyse(build_graph(graph6), graph6))
    assert text == graph_to_graphml_text(build_graph(graph6))


# --- Mermaid ---------------------------------------------------------------------------------


def test_mermaid_is_a_flowchart_with_constraint_labels(analysis6: GraphAnalysis) -> None:
    text = to_mermaid(analysis6)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  subgraph dept_0["Core"]' in lines
    assert '    s_a["System A"]' in lines
    assert "  s_a -->|after| s_b" in lines
    assert "  s_d ==>|requires| s_a" in lines
    assert "  s_e <-->|together| s_f" in lines
    assert "  s_f -.-> p_cloud" in lines
    assert '    p_cloud{{"Cloud landing zone"}}' in lines
    assert "  class p_cloud platform" in lines
    assert any(line.startswith("  classDef platform ") for line in lines)
    assert "  class s_a critical" in lines


def test_mermaid_ids_are_safe_and_labels_escaped() -> None:
    inv = odd_names()
    text = to_mermaid(analyse(build_graph(inv), inv))
    assert '    s_end["The #quot;big#quot; #lt;one#gt; #35;1\\2"]' in text
    assert "  s_end -.->|none| s_graph_2" in text
    assert 'subgraph dept_0["R&D #quot;labs#quot;"]' in text
    node_ids = re.findall(r"^\s+(\w+)[\[{]", text, re.M)
    assert node_ids and all(re.fullmatch(r"[sp]_[A-Za-z0-9_]+", n) for n in node_ids)


def test_mermaid_in_markdown_is_fenced(analysis6: GraphAnalysis) -> None:
    text = render(analysis6, "mermaid", markdown=True)
    assert text.startswith(
        "# Graph acceptance estate — dependency graph\n\n```mermaid\nflowchart LR\n"
    )
    assert text.endswith("```\n")
    assert render(analysis6, "json", markdown=True) == to_json(analysis6)


def test_render_refuses_an_unknown_format(analysis6: GraphAnalysis) -> None:
    with pytest.raises(ValueError, match="unknown graph format 'svg'"):
        render(analysis6, "svg")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("g.json", "json"),
        ("g.dot", "dot"),
        ("g.gv", "dot"),
        ("out/G.GraphML", "graphml"),
        ("g.mmd", "mermaid"),
        ("README.md", "mermaid"),
        ("g.txt", None),
        ("graph", None),
    ],
)
def test_the_file_suffix_names_the_format(name: str, fmt: str | None) -> None:
    assert format_for_path(name) == fmt


# --- the demo estate ------------------------------------------------------------------------


def test_every_format_is_written_for_the_demo(demo: Inventory, tmp_path: Path) -> None:
    analysis = analyse(build_graph(demo), demo)
    system_ids = sorted(s.id for s in demo.systems)
    texts = {fmt: render(analysis, fmt) for fmt in ("json", "dot", "graphml", "mermaid")}

    document = json.loads(texts["json"])
    assert sorted(n["id"] for n in document["nodes"] if n["type"] == "system") == system_ids
    dependency_count = sum(len({d.system for d in s.depends_on}) for s in demo.systems)
    assert len(document["edges"]) == dependency_count

    (tmp_path / "demo.graphml").write_text(texts["graphml"], encoding="utf-8")
    loaded = nx.read_graphml(tmp_path / "demo.graphml")
    assert set(system_ids) <= set(loaded.nodes)
    assert all(loaded.nodes[s]["type"] == "system" for s in system_ids)

    for department in demo.departments:
        assert f'label="{department}";' in texts["dot"]
    for system_id in system_ids:
        assert f'"{system_id}" [label=' in texts["dot"]
        assert f"s_{system_id.replace('-', '_')}[" in texts["mermaid"]
    assert texts["mermaid"].startswith("flowchart LR\n")


def test_demo_exports_are_deterministic(demo: Inventory) -> None:
    first = analyse(build_graph(demo), demo)
    second = analyse(build_graph(demo), demo)
    for fmt in ("json", "dot", "graphml", "mermaid"):
        assert render(first, fmt) == render(second, fmt)

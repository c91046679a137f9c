"""Properties of the graph metrics on random graphs, checked against brute force."""

from __future__ import annotations

from collections import deque

import networkx as nx
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritiser.graph import SystemId, blast_radii, blast_radius, layers, move_groups

CONSTRAINTS = ("after", "requires", "together", "none")


@st.composite
def random_dags(draw: st.DrawFn) -> nx.DiGraph:
    """A DAG on up to 12 systems: edges only from a higher to a lower index, any constraint."""
    count = draw(st.integers(min_value=1, max_value=12))
    pairs = [(a, b) for a in range(count) for b in range(a)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True) if pairs else st.just([]))
    graph = nx.DiGraph()
    for node in range(count):
        graph.add_node(f"s{node}", type="system")
    for a, b in chosen:
        graph.add_edge(f"s{a}", f"s{b}", constraint=draw(st.sampled_from(CONSTRAINTS)))
    if draw(st.booleans()):  # a platform used by some systems must change nothing
        graph.add_node("platform:p", type="platform")
        for node in range(0, count, 2):
            graph.add_edge(f"s{node}", "platform:p", constraint="platform")
    return graph


@st.composite
def random_digraphs(draw: st.DrawFn) -> nx.DiGraph:
    """Any directed graph on up to 10 systems (cycles allowed)."""
    count = draw(st.integers(min_value=1, max_value=10))
    pairs = [(a, b) for a in range(count) for b in range(count) if a != b]
    chosen = draw(
        st.lists(st.sampled_from(pairs), unique=True, max_size=25) if pairs else st.just([])
    )
    graph = nx.DiGraph()
    for node in range(count):
        graph.add_node(f"s{node}", type="system")
    for a, b in chosen:
        graph.add_edge(f"s{a}", f"s{b}", constraint=draw(st.sampled_from(CONSTRAINTS)))
    return graph


def reachers(graph: nx.DiGraph, target: str) -> int:
    """Brute force: how many systems can walk along dependency edges to `target` (BFS)."""
    dependants: dict[str, list[str]] = {}
    for a, b in graph.edges:
        if graph.nodes[a]["type"] == "system" and graph.nodes[b]["type"] == "system":
            dependants.setdefault(b, []).append(a)
    seen = {target}
    queue = deque([target])
    while queue:
        for dependant in dependants.get(queue.popleft(), []):
            if dependant not in seen:
                seen.add(dependant)
                queue.append(dependant)
    return len(seen) - 1


def system_nodes(graph: nx.DiGraph) -> list[str]:
    return [n for n in graph.nodes if graph.nodes[n]["type"] == "system"]


@settings(max_examples=examples(50), deadline=None)
@given(random_dags())
def test_blast_radius_is_the_number_of_systems_that_reach_it(graph: nx.DiGraph) -> None:
    radii = blast_radii(graph)
    for node in system_nodes(graph):
        expected = reachers(graph, node)
        assert blast_radius(graph, SystemId(node)) == expected
        assert radii[SystemId(node)] == expected


@settings(max_examples=examples(50), deadline=None)
@given(random_digraphs())
def test_blast_radii_match_brute_force_with_cycles_too(graph: nx.DiGraph) -> None:
    radii = blast_radii(graph)
    assert radii == {SystemId(n): reachers(graph, n) for n in system_nodes(graph)}


@settings(max_examples=examples(50), deadline=None)
@given(random_dags())
def test_a_system_sits_one_layer_above_its_highest_dependency(graph: nx.DiGraph) -> None:
    layer = layers(graph)
    for node in system_nodes(graph):
        below = [layer[SystemId(b)] for b in graph.successors(node) if b in layer]
        assert layer[SystemId(node)] == (max(below) + 1 if below else 0)


@settings(max_examples=examples(50), deadline=None)
@given(random_digraphs())
def test_move_groups_partition_the_systems_joined_by_together(graph: nx.DiGraph) -> None:
    groups = move_groups(graph)
    members = [m for group in groups for m in group]
    assert len(members) == len(set(members))
    assert groups == sorted(groups)
    group_of = {m: i for i, group in enumerate(groups) for m in group}
    for a, b, data in graph.edges(data=True):
        if data["constraint"] == "together":
            assert group_of[SystemId(a)] == group_of[SystemId(b)]

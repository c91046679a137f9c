"""The dependency graph and its metrics, on small hand-made graphs and the acceptance estate."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from prioritiser.graph import (
    SystemId,
    analyse,
    betweenness,
    blast_radii,
    blast_radius,
    build_graph,
    cycle_path,
    cycles,
    degrees,
    dependency_edges,
    end_of_support_exposure,
    hubs,
    layers,
    move_groups,
    orphans,
    platform_edges,
    platform_node,
    system_metrics,
)
from prioritiser.inventory import Dependency, Inventory, Option, Platform, System, load_inventory
from prioritiser.inventory.schema import Objective, Portfolio, Risk

GRAPH6 = Path(__file__).parent / "fixtures" / "graph6"


# --- helpers ---------------------------------------------------------------------------


def digraph(*edges: str, nodes: str = "") -> nx.DiGraph:
    """A hand-made graph from edges like "a>b:after" (constraint defaults to after)."""
    graph = nx.DiGraph()
    for node in nodes.split():
        graph.add_node(node, type="system")
    for spec in edges:
        pair, _, constraint = spec.partition(":")
        source, target = pair.split(">")
        graph.add_node(source, type="system")
        graph.add_node(target, type="system")
        graph.add_edge(
            source, target, type="dependency", kind="uses", constraint=constraint or "after"
        )
    return graph


def with_platform(graph: nx.DiGraph, platform: str, *users: str) -> nx.DiGraph:
    node = platform_node(platform)
    graph.add_node(node, type="platform", platform=platform, name=platform)
    for user in users:
        graph.add_edge(user, node, type="platform", kind="platform", constraint="platform")
    return graph


def system(
    system_id: str,
    *depends: tuple[str, str],
    end_of_support: str | None = None,
    platforms: tuple[str, ...] = (),
    **fields: object,
) -> System:
    return System(
        id=system_id,
        name=fields.pop("name", f"System {system_id}"),
        depends_on=[Dependency(system=target, constraint=c) for target, c in depends],
        end_of_support=end_of_support,
        options=[
            Option(id="rehost", kind="rehost", duration=1, requires_platforms=list(platforms))
        ],
        **fields,
    )


def inventory(
    *systems: System, platforms: tuple[Platform, ...] = (), periods: int = 8
) -> Inventory:
    return Inventory(
        portfolio=Portfolio(name="Hand-made estate", start="2027-Q1", periods=periods),
        resources={},
        risk=Risk(),
        objective=Objective(),
        platforms=platforms,
        systems=systems,
    )


def ids(*names: str) -> list[SystemId]:
    return [SystemId(n) for n in names]


# --- building the graph ------------------------------------------------------------------


def test_edges_point_from_a_system_to_what_it_depends_on() -> None:
    inv = inventory(
        system("payments", ("identity", "requires")),
        system("identity", name="Citizen identity", department="Shared", criticality="high"),
    )
    graph = build_graph(inv)
    assert list(graph.edges) == [("payments", "identity")]
    assert graph.edges["payments", "identity"] == {
        "type": "dependency",
        "kind": "uses",
        "constraint": "requires",
    }
    assert graph.nodes["identity"]["type"] == "system"
    assert graph.nodes["identity"]["name"] == "Citizen identity"
    assert graph.nodes["identity"]["department"] == "Shared"
    assert graph.nodes["identity"]["criticality"] == "high"
    assert graph.graph["name"] == "Hand-made estate"


def test_platforms_are_nodes_with_edges_from_systems_whose_options_require_them() -> None:
    inv = inventory(
        system("web", platforms=("cloud",)),
        system("batch", ("web", "after")),
        platforms=(Platform(id="cloud", name="Cloud landing zone"),),
    )
    graph = build_graph(inv)
    node = platform_node("cloud")
    assert graph.nodes[node]["type"] == "platform"
    assert graph.nodes[node]["name"] == "Cloud landing zone"
    assert [(a, b) for a, b, _ in platform_edges(graph)] == [("web", node)]
    assert graph.edges["web", node]["options"] == ("rehost",)
    assert [(a, b) for a, b, _ in dependency_edges(graph)] == [("batch", "web")]


def test_a_platform_and_a_system_with_the_same_id_stay_distinct() -> None:
    inv = inventory(
        system("notify", platforms=("notify",)),
        platforms=(Platform(id="notify"),),
    )
    graph = build_graph(inv)
    assert sorted(graph.nodes) == ["notify", "platform:notify"]
    assert graph.nodes["notify"]["type"] == "system"


def test_a_repeated_dependency_keeps_the_strongest_constraint_and_every_kind() -> None:
    inv = inventory(
        System(
            id="a",
            name="A",
            options=[],
            depends_on=[
                Dependency(system="b", kind="data", constraint="none"),
                Dependency(system="b", kind="api", constraint="requires"),
            ],
        ),
        system("b"),
    )
    assert build_graph(inv).edges["a", "b"] == {
        "type": "dependency",
        "kind": "api+data",
        "constraint": "requires",
    }


def test_a_dependency_on_an_unknown_system_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown system 'ghost'"):
        build_graph(inventory(system("a", ("ghost", "after"))))


def test_nodes_and_edges_are_in_sorted_order_whatever_the_file_order() -> None:
    forward = inventory(system("a", ("c", "after")), system("b", ("a", "none")), system("c"))
    backward = inventory(*reversed(forward.systems))
    assert list(build_graph(forward).nodes) == ["a", "b", "c"]
    assert list(build_graph(backward).nodes) == ["a", "b", "c"]
    assert list(build_graph(backward).edges) == list(build_graph(forward).edges)


# --- cycles ------------------------------------------------------------------------------


def test_cycles_are_strongly_connected_groups_of_after_and_requires_edges() -> None:
    graph = digraph("a>b:after", "b>a:requires", "x>y:after", "y>z:after", "z>x:after", "q>a")
    assert cycles(graph) == [tuple(ids("a", "b")), tuple(ids("x", "y", "z"))]


def test_a_loop_closed_by_together_or_none_is_not_a_cycle() -> None:
    graph = digraph("a>b:after", "b>a:none", "c>d:after", "d>c:together")
    assert cycles(graph) == []


def test_a_dag_has_no_cycles() -> None:
    assert cycles(digraph("a>b", "b>c", "a>c")) == []


def test_cycle_path_is_a_closed_walk_through_ordering_edges() -> None:
    graph = digraph("a>c:after", "c>b:requires", "b>a:after", "b>c:none")
    path = cycle_path(graph, ids("a", "b", "c"))
    assert path == ids("a", "c", "b", "a")


# --- blast radius -------------------------------------------------------------------------


def test_blast_radius_counts_direct_and_transitive_dependants() -> None:
    graph = digraph("b>a", "c>b", "d>b", "e>d", "a>z")
    assert blast_radius(graph, SystemId("a")) == 4
    assert blast_radius(graph, SystemId("b")) == 3
    assert blast_radius(graph, SystemId("z")) == 5
    assert blast_radius(graph, SystemId("e")) == 0


def test_blast_radius_counts_every_constraint_including_none_and_together() -> None:
    graph = digraph("b>a:none", "c>b:together", "d>c:requires")
    assert blast_radius(graph, SystemId("a")) == 3


def test_blast_radius_ignores_platforms() -> None:
    graph = with_platform(digraph("b>a"), "cloud", "a", "b")
    assert blast_radius(graph, SystemId("a")) == 1
    assert blast_radii(graph) == {"a": 1, "b": 0}


def test_a_system_in_a_cycle_is_not_its_own_dependant() -> None:
    graph = digraph("a>b", "b>a")
    assert blast_radius(graph, SystemId("a")) == 1


def test_blast_radius_of_an_unknown_system_is_a_key_error() -> None:
    graph = with_platform(digraph("b>a"), "cloud", "a")
    with pytest.raises(KeyError):
        blast_radius(graph, SystemId("nope"))
    with pytest.raises(KeyError):
        blast_radius(graph, SystemId(platform_node("cloud")))


def test_blast_radii_agree_with_blast_radius_on_a_graph_with_cycles() -> None:
    graph = digraph("a>b", "b>c", "c>a", "d>a", "e>d", "e>f:together", "g>e", "c>h", "h>c:none")
    radii = blast_radii(graph)
    assert radii == {s: blast_radius(graph, s) for s in radii}
    assert list(radii) == sorted(radii)


# --- layers -------------------------------------------------------------------------------


def test_layer_zero_depends_on_nothing_and_each_layer_is_one_above_its_dependencies() -> None:
    graph = digraph("b>a", "c>b", "c>a", "d>a", nodes="lonely")
    assert layers(graph) == {"a": 0, "b": 1, "c": 2, "d": 1, "lonely": 0}


def test_members_of_a_cycle_share_a_layer() -> None:
    graph = digraph("a>b", "b>a", "b>z", "top>a")
    assert layers(graph) == {"a": 1, "b": 1, "top": 2, "z": 0}


def test_layers_ignore_platforms() -> None:
    graph = with_platform(digraph("b>a"), "cloud", "a")
    assert layers(graph) == {"a": 0, "b": 1}


# --- move groups ---------------------------------------------------------------------------


def test_move_groups_are_connected_by_together_edges_in_either_direction() -> None:
    graph = digraph("a>b:together", "c>b:together", "x>y:together", "b>q:after", "q>r:requires")
    assert move_groups(graph) == [tuple(ids("a", "b", "c")), tuple(ids("x", "y"))]


def test_no_together_edges_means_no_move_groups() -> None:
    assert move_groups(digraph("a>b:after", "b>c:none")) == []


# --- degree, centrality, orphans, hubs ------------------------------------------------------


def test_degrees_are_dependants_and_dependencies_among_systems() -> None:
    graph = with_platform(digraph("b>a", "c>a", "a>z"), "cloud", "a")
    assert degrees(graph) == {"a": (2, 1), "b": (0, 1), "c": (0, 1), "z": (1, 0)}


def test_betweenness_is_highest_for_the_broker_in_the_middle() -> None:
    graph = digraph("a>b", "b>c")
    # One of the (3-1)(3-2) = 2 ordered pairs of other systems routes through b.
    assert betweenness(graph) == {"a": 0.0, "b": 0.5, "c": 0.0}


def test_betweenness_is_rounded_to_six_places() -> None:
    graph = digraph("a>b", "b>c", "c>d", "d>e", "e>f", "f>g", "x>b")
    for score in betweenness(graph).values():
        assert score == round(score, 6)
    assert betweenness(graph)["b"] > betweenness(graph)["a"]


def test_orphans_have_no_dependency_either_way_even_if_they_use_a_platform() -> None:
    graph = with_platform(digraph("b>a", nodes="lonely cloudy"), "cloud", "cloudy")
    assert orphans(graph) == ids("cloudy", "lonely")


def test_hubs_are_ranked_by_blast_radius_then_degree_and_need_dependants() -> None:
    graph = digraph("b>a", "c>b", "x>y", "z>y", "big>root", "r1>big", "r2>big", nodes="lonely")
    ranked = hubs(system_metrics(graph))
    assert [(m.system, m.blast_radius, m.degree) for m in ranked] == [
        ("root", 3, 1),
        ("big", 2, 3),  # ties on blast radius go to the better-connected system
        ("y", 2, 2),
        ("a", 2, 1),
        ("b", 1, 2),
    ]
    assert [m.system for m in hubs(system_metrics(graph), top=2)] == ids("root", "big")


def test_system_metrics_bundle_every_metric() -> None:
    graph = digraph("b>a", "c>b")
    metrics = system_metrics(graph)
    assert metrics[SystemId("b")].blast_radius == 1
    assert metrics[SystemId("b")].layer == 1
    assert metrics[SystemId("b")].degree == 2
    assert metrics[SystemId("b")].betweenness == 0.5


# --- end-of-support exposure -----------------------------------------------------------------


def test_end_of_support_exposure_covers_systems_out_of_support_by_the_horizon_end() -> None:
    inv = inventory(
        system("past", end_of_support="2026-Q2"),
        system("soon", ("past", "after"), end_of_support="2027-Q3"),
        system("last", ("soon", "after"), end_of_support="2028-Q4"),
        system("year", end_of_support="2028"),
        system("later", end_of_support="2029-Q1"),
        system("never"),
        periods=8,
    )
    exposure = end_of_support_exposure(inv, build_graph(inv))
    assert [(e.system, e.end_of_support, e.blast_radius) for e in exposure] == [
        ("past", "2026-Q2", 2),
        ("soon", "2027-Q3", 1),
        ("last", "2028-Q4", 0),
        ("year", "2028", 0),
    ]
    assert [e.already_unsupported for e in exposure] == [True, False, False, False]


def test_exposure_ties_are_ordered_by_blast_radius() -> None:
    inv = inventory(
        system("quiet", end_of_support="2027-Q2"),
        system("busy", end_of_support="2027-Q2"),
        system("user", ("busy", "none")),
    )
    assert [e.system for e in end_of_support_exposure(inv, build_graph(inv))] == ids(
        "busy", "quiet"
    )


# --- the acceptance example -----------------------------------------------------------------


@pytest.fixture(scope="module")
def graph6() -> tuple[Inventory, nx.DiGraph]:
    inv = load_inventory(GRAPH6)
    return inv, build_graph(inv)


def test_acceptance_example(graph6: tuple[Inventory, nx.DiGraph]) -> None:
    _, graph = graph6
    assert cycles(graph) == [tuple(ids("a", "b", "c"))]
    assert blast_radius(graph, SystemId("a")) == 4
    assert blast_radius(graph, SystemId("e")) == 0
    assert tuple(ids("e", "f")) in move_groups(graph)
    assert len(dependency_edges(graph)) == 6
    assert len(platform_edges(graph)) == 1


def test_acceptance_example_layers_and_exposure(graph6: tuple[Inventory, nx.DiGraph]) -> None:
    inv, graph = graph6
    assert layers(graph) == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 2, "f": 0}
    assert blast_radii(graph) == {"a": 4, "b": 4, "c": 4, "d": 1, "e": 0, "f": 1}
    assert orphans(graph) == []
    exposure = end_of_support_exposure(inv, graph)
    assert [(e.system, e.already_unsupported) for e in exposure] == [("c", True), ("a", False)]


def test_analyse_gathers_every_metric(graph6: tuple[Inventory, nx.DiGraph]) -> None:
    inv, graph = graph6
    analysis = analyse(graph, inv)
    assert analysis.cycles == (tuple(ids("a", "b", "c")),)
    assert analysis.move_groups == (tuple(ids("e", "f")),)
    assert analysis.orphans == ()
    assert [e.system for e in analysis.exposure] == ids("c", "a")
    assert analysis.horizon == "2027-Q1–2028-Q4"
    assert analysis.metrics[SystemId("a")].blast_radius == 4
    assert [m.system for m in analysis.hubs(3)] == ids("a", "b", "c")
    without_inventory = analyse(graph)
    assert without_inventory.exposure == ()
    assert without_inventory.metrics == analysis.metrics

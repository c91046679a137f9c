"""The planning stages read dependencies from one EstateGraph, every listed link kept."""

from __future__ import annotations

from pathlib import Path

from prioritiser.graph import EstateGraph, blast_radii, build_graph, cycles, layers
from prioritiser.inventory import (
    Dependency,
    DependencyConstraint,
    Inventory,
    Option,
    System,
    SystemId,
    load_inventory,
)
from prioritiser.inventory.schema import Objective, Portfolio, Risk

DEMO = Path(__file__).parent.parent / "inventories" / "demo"


def system(system_id: str, *depends: tuple[str, str]) -> System:
    return System(
        id=system_id,
        name=system_id,
        depends_on=[Dependency(system=target, constraint=c) for target, c in depends],
        options=[Option(id="o", kind="rehost", duration=1)],
    )


def graph_of(*systems: System) -> EstateGraph:
    inventory = Inventory(
        portfolio=Portfolio(name="G", start="2027-Q1", periods=4),
        resources={},
        risk=Risk(),
        objective=Objective(),
        platforms=(),
        systems=systems,
    )
    return EstateGraph.of(inventory.estate)


def test_providers_and_consumers_are_the_links_either_way() -> None:
    graph = graph_of(
        system("app", ("db", "after"), ("idp", "requires"), ("logs", "none")),
        system("db"),
        system("idp"),
        system("logs"),
    )
    assert [(link.provider, link.constraint) for link in graph.providers("app")] == [
        ("db", "after"),
        ("idp", "requires"),
    ]
    everything = tuple(DependencyConstraint)
    assert [link.provider for link in graph.providers("app", everything)] == ["db", "idp", "logs"]
    assert [link.consumer for link in graph.consumers("idp")] == ["app"]
    assert graph.consumers("app") == []
    assert graph.ordering_pairs() == [("app", "db"), ("app", "idp")]


def test_a_provider_listed_twice_keeps_both_constraints() -> None:
    """The `graph` exports keep the strongest constraint of a pair; the plan keeps each."""
    graph = graph_of(system("a", ("b", "after"), ("b", "together")), system("b"))
    assert [link.constraint for link in graph.links()] == ["after", "together"]
    assert graph.ordering_pairs() == [("a", "b")]
    assert graph.together_pairs() == [("a", "b")]
    assert graph.move_groups() == [(SystemId("a"), SystemId("b"))]
    assert graph.move_group("a") == ("a", "b")


def test_move_groups_join_together_links_transitively_and_leave_others_alone() -> None:
    graph = graph_of(
        system("a", ("b", "together")),
        system("b", ("c", "together")),
        system("c"),
        system("d", ("a", "after")),
    )
    assert graph.move_groups() == [("a", "b", "c")]
    assert graph.move_group("d") == ("d",)


def test_blast_radius_cycles_and_layers_agree_with_the_export_graph() -> None:
    inventory = load_inventory(DEMO)
    estate_graph = EstateGraph.of(inventory.estate)
    exported = build_graph(inventory)
    radii = blast_radii(exported)
    assert {s: estate_graph.blast_radius(s) for s in estate_graph.systems()} == radii
    assert estate_graph.cycles() == cycles(exported)
    assert estate_graph.layers() == layers(exported)

"""The estate as a NetworkX DiGraph, and the views of it that the analytics read.

Edges point from a system to what it depends on (A → B when A `depends_on` B), so the
systems that would break if B were switched off are B's ancestors. Platforms are nodes of
type `platform`, with an edge from every system that has an option requiring them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from prioritiser.inventory import DependencyConstraint, Inventory
from prioritiser.inventory.schema import PlatformId, SystemId

SYSTEM = "system"
PLATFORM = "platform"
DEPENDENCY = "dependency"

ORDERING = tuple(c.value for c in DependencyConstraint if c.orders)
TOGETHER = DependencyConstraint.TOGETHER.value
# When a system lists the same dependency twice, the edge keeps the strongest constraint.
CONSTRAINT_STRENGTH = {"requires": 3, "after": 2, "together": 1, "none": 0}
PLATFORM_PREFIX = "platform:"


def platform_node(platform: str) -> str:
    """The node key of a platform: prefixed, since platform and system ids are separate."""
    return f"{PLATFORM_PREFIX}{platform}"


def is_system(graph: nx.DiGraph[str], node: str) -> bool:
    """Whether `node` is a system (not a platform)."""
    return bool(graph.nodes[node].get("type", SYSTEM) == SYSTEM)


def systems(graph: nx.DiGraph[str]) -> list[SystemId]:
    """Every system node, sorted."""
    return sorted(SystemId(n) for n in graph.nodes if is_system(graph, n))


def platforms(graph: nx.DiGraph[str]) -> list[str]:
    """Every platform node key, sorted."""
    return sorted(n for n in graph.nodes if not is_system(graph, n))


def build_graph(inventory: Inventory) -> nx.DiGraph[str]:
    """The estate's dependency graph: systems, platforms and the edges between them.

    System nodes carry `type`, `name`, `department`, `criticality` and `end_of_support`
    (a label or None); platform nodes carry `type`, `name`, `platform` (its id) and
    `department` ("Platforms"). Dependency edges carry `type="dependency"`, `kind` and
    `constraint`; system → platform edges carry `type="platform"`, `kind="platform"`,
    `constraint="platform"` and `options` (the ids of the options needing the platform).
    Nodes and edges are inserted in sorted order, so every export is deterministic.
    """
    graph: nx.DiGraph[str] = nx.DiGraph(name=inventory.portfolio.name)
    for system in sorted(inventory.systems, key=lambda s: s.id):
        graph.add_node(
            system.id,
            type=SYSTEM,
            name=system.name,
            department=system.department,
            criticality=system.criticality,
            end_of_support=system.end_of_support,
        )
    for platform in sorted(inventory.platforms, key=lambda p: p.id):
        graph.add_node(
            platform_node(platform.id),
            type=PLATFORM,
            platform=PlatformId(platform.id),
            name=platform.title,
            department="Platforms",
        )
    for source, target, attrs in sorted(_dependency_edges(inventory)):
        graph.add_edge(source, target, **dict(attrs))
    for source, target, attrs in sorted(_platform_edges(inventory)):
        graph.add_edge(source, target, **dict(attrs))
    return graph


def _dependency_edges(inventory: Inventory) -> Iterable[tuple[str, str, tuple[Any, ...]]]:
    """(source, target, sorted attribute items) per dependency, duplicates merged."""
    known = {s.id for s in inventory.systems}
    merged: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for system in inventory.systems:
        for dep in system.depends_on:
            if dep.system not in known:
                raise ValueError(f"{system.id} depends on unknown system {dep.system!r}")
            key = (system.id, dep.system)
            constraint, kinds = merged.get(key, ("none", set()))
            if CONSTRAINT_STRENGTH[dep.constraint] >= CONSTRAINT_STRENGTH[constraint]:
                constraint = dep.constraint
            merged[key] = (constraint, kinds | {dep.kind})
    for (source, target), (constraint, kinds) in merged.items():
        attrs = {"type": DEPENDENCY, "kind": "+".join(sorted(kinds)), "constraint": constraint}
        yield source, target, tuple(sorted(attrs.items()))


def _platform_edges(inventory: Inventory) -> Iterable[tuple[str, str, tuple[Any, ...]]]:
    """(system, platform node, sorted attribute items) per platform a system may require."""
    known = {p.id for p in inventory.platforms}
    for system in inventory.systems:
        needed: dict[str, list[str]] = {}
        for option in system.options:
            for platform in option.requires_platforms:
                if platform not in known:
                    raise ValueError(f"{system.id} requires unknown platform {platform!r}")
                needed.setdefault(platform, []).append(option.id)
        for platform, options in needed.items():
            attrs = {
                "type": PLATFORM,
                "kind": PLATFORM,
                "constraint": PLATFORM,
                "options": tuple(sorted(set(options))),
            }
            yield system.id, platform_node(platform), tuple(sorted(attrs.items()))


def dependency_view(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    """Systems and the dependency edges between them (platforms left out)."""
    view: nx.DiGraph[str] = nx.subgraph_view(graph, filter_node=lambda n: is_system(graph, n))
    return view


def dependency_graph(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    """A standalone copy of `dependency_view` (faster for whole-graph algorithms)."""
    return nx.DiGraph(dependency_view(graph))


def constraint_view(graph: nx.DiGraph[str], constraints: Iterable[str]) -> nx.DiGraph[str]:
    """Systems and only the dependency edges whose constraint is one of `constraints`."""
    wanted = frozenset(constraints)
    deps = dependency_view(graph)
    view: nx.DiGraph[str] = nx.subgraph_view(
        deps, filter_edge=lambda a, b: deps.edges[a, b].get("constraint", "after") in wanted
    )
    return view


def dependency_edges(graph: nx.DiGraph[str]) -> list[tuple[SystemId, SystemId, dict[str, Any]]]:
    """Every system → system edge with its attributes, sorted by (source, target)."""
    view = dependency_view(graph)
    return sorted(
        ((SystemId(a), SystemId(b), d) for a, b, d in view.edges(data=True)),
        key=lambda e: (e[0], e[1]),
    )


def platform_edges(graph: nx.DiGraph[str]) -> list[tuple[SystemId, str, dict[str, Any]]]:
    """Every system → platform edge with its attributes, sorted by (system, platform)."""
    return sorted(
        (
            (SystemId(a), b, d)
            for a, b, d in graph.edges(data=True)
            if is_system(graph, a) and not is_system(graph, b)
        ),
        key=lambda e: (e[0], e[1]),
    )

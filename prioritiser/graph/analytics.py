"""What the estate's shape says: cycles, blast radius, layers, move groups, hubs, exposure.

Every metric is a small function over a networkx algorithm on a view of the graph built
by `build_graph`; results are sorted so that they (and every export) are deterministic.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from prioritiser.graph.build import (
    ORDERING,
    TOGETHER,
    constraint_view,
    dependency_graph,
    dependency_view,
    systems,
)
from prioritiser.inventory import Inventory
from prioritiser.inventory.schema import SystemId

# Exact betweenness costs O(systems × dependencies); above EXACT_BETWEENNESS_LIMIT systems it
# is estimated from BETWEENNESS_SAMPLE pivots chosen with a fixed seed (still deterministic).
EXACT_BETWEENNESS_LIMIT = 1000
BETWEENNESS_SAMPLE = 200
CENTRALITY_DIGITS = 6

Group = tuple[SystemId, ...]


def _groups(components: Iterable[Collection[str]]) -> list[Group]:
    """Components of more than one system, each sorted, sorted among themselves."""
    return sorted(tuple(sorted(SystemId(n) for n in c)) for c in components if len(c) > 1)


def cycles(graph: nx.DiGraph[str]) -> list[Group]:
    """Groups of systems in a cycle of `after`/`requires` dependencies.

    These are the strongly connected components (of more than one system) of the ordering
    subgraph: their members cannot all be modernised one after the other.
    """
    return _groups(nx.strongly_connected_components(constraint_view(graph, ORDERING)))


def cycle_path(graph: nx.DiGraph[str], members: Sequence[SystemId]) -> list[SystemId]:
    """One closed path of `after`/`requires` edges among a cycle's members, for showing.

    Starts and ends at the same system: `[a, b, c, a]` reads "a waits for b, which waits
    for c, which waits for a".
    """
    view = constraint_view(graph, ORDERING).subgraph(members)
    edges = nx.find_cycle(view, source=sorted(members)[0])
    return [SystemId(edges[0][0]), *(SystemId(b) for _, b in edges)]


def move_groups(graph: nx.DiGraph[str]) -> list[Group]:
    """Groups of systems joined by `together` dependencies, which must move as one."""
    view = constraint_view(graph, (TOGETHER,)).to_undirected(as_view=True)
    return _groups(nx.connected_components(view))


def blast_radius(graph: nx.DiGraph[str], system: SystemId) -> int:
    """How many systems directly or transitively depend on `system` (its ancestors).

    Every dependency edge counts, whatever its constraint: a `none` link does not constrain
    the plan's order, but its system still uses the other one and would break if it were
    switched off. Platform edges never count, and neither does the system itself (a
    system in a cycle is not its own dependant).
    """
    deps = dependency_view(graph)
    if system not in deps:
        raise KeyError(f"no system {system!r} in the graph")
    return len(nx.ancestors(deps, system))


def blast_radii(graph: nx.DiGraph[str]) -> dict[SystemId, int]:
    """`blast_radius` of every system, computed once per strongly connected component."""
    deps = dependency_graph(graph)
    condensed = nx.condensation(deps)
    members = condensed.graph["mapping"]
    size = {c: len(condensed.nodes[c]["members"]) for c in condensed.nodes}
    per_component = {
        c: size[c] - 1 + sum(size[a] for a in nx.ancestors(condensed, c)) for c in condensed
    }
    return {SystemId(n): per_component[members[n]] for n in sorted(deps.nodes)}


def layers(graph: nx.DiGraph[str]) -> dict[SystemId, int]:
    """The dependency layer of every system: 0 = depends on nothing.

    Cycles (over every dependency edge) are condensed to one node, whose members share a
    layer; a system's layer is one more than the highest layer of what it depends on.
    """
    deps = dependency_graph(graph)
    condensed = nx.condensation(deps)
    layer_of = {
        component: depth
        for depth, generation in enumerate(nx.topological_generations(condensed.reverse()))
        for component in generation
    }
    members = condensed.graph["mapping"]
    return {SystemId(n): layer_of[members[n]] for n in sorted(deps.nodes)}


def degrees(graph: nx.DiGraph[str]) -> dict[SystemId, tuple[int, int]]:
    """(dependants, dependencies) of every system: its in- and out-degree among systems."""
    deps = dependency_view(graph)
    return {SystemId(n): (deps.in_degree(n), deps.out_degree(n)) for n in sorted(deps.nodes)}


def betweenness(graph: nx.DiGraph[str]) -> dict[SystemId, float]:
    """Normalised betweenness centrality of every system in the dependency graph.

    How often a system lies on the shortest dependency path between two others: a broker
    whose change ripples both ways. Rounded to 6 decimal places; estimated from a fixed
    sample of BETWEENNESS_SAMPLE pivots above EXACT_BETWEENNESS_LIMIT systems.
    """
    deps = dependency_graph(graph)
    sample = None if deps.number_of_nodes() <= EXACT_BETWEENNESS_LIMIT else BETWEENNESS_SAMPLE
    scores = nx.betweenness_centrality(deps, k=sample, seed=0 if sample else None)
    return {SystemId(n): round(scores[n], CENTRALITY_DIGITS) for n in sorted(deps.nodes)}


def orphans(graph: nx.DiGraph[str]) -> list[SystemId]:
    """Systems with no dependency either way (platform use aside): often missing data."""
    deps = dependency_view(graph)
    return sorted(SystemId(n) for n in deps.nodes if deps.degree(n) == 0)


@dataclass(frozen=True)
class SystemMetrics:
    """Every per-system metric at once."""

    system: SystemId
    blast_radius: int
    layer: int
    dependants: int
    dependencies: int
    betweenness: float

    @property
    def degree(self) -> int:
        return self.dependants + self.dependencies


def system_metrics(graph: nx.DiGraph[str]) -> dict[SystemId, SystemMetrics]:
    """Blast radius, layer, degree and betweenness of every system, by id."""
    radius, layer, degree, between = (
        blast_radii(graph),
        layers(graph),
        degrees(graph),
        betweenness(graph),
    )
    return {
        s: SystemMetrics(s, radius[s], layer[s], degree[s][0], degree[s][1], between[s])
        for s in systems(graph)
    }


def hubs(metrics: Mapping[SystemId, SystemMetrics], top: int = 10) -> list[SystemMetrics]:
    """The `top` systems with any dependants, by blast radius, then degree, betweenness, id."""
    ranked = sorted(
        (m for m in metrics.values() if m.blast_radius > 0),
        key=lambda m: (-m.blast_radius, -m.degree, -m.betweenness, m.system),
    )
    return ranked[:top]


@dataclass(frozen=True)
class Exposure:
    """A system out of vendor support before the horizon ends, and what depends on it."""

    system: SystemId
    end_of_support: str
    period: int  # index on the planning axis of the last supported period (may be < 0)
    blast_radius: int
    criticality: str

    @property
    def already_unsupported(self) -> bool:
        """Support ended before the horizon starts."""
        return self.period < 0


def end_of_support_exposure(
    inventory: Inventory, graph: nx.DiGraph[str], radii: Mapping[SystemId, int] | None = None
) -> list[Exposure]:
    """Systems whose end of support falls within or before the horizon, soonest first.

    Ties are ordered by blast radius (largest first), then id. `radii` saves recomputing
    blast radii when the caller already has them.
    """
    radius = blast_radii(graph) if radii is None else radii
    last = inventory.axis.count - 1
    found = []
    for system in inventory.systems:
        period = inventory.end_of_support_index(system)
        if period is None or period > last or system.end_of_support is None:
            continue
        found.append(
            Exposure(
                SystemId(system.id),
                system.end_of_support,
                period,
                radius[SystemId(system.id)],
                system.criticality,
            )
        )
    return sorted(found, key=lambda e: (e.period, -e.blast_radius, e.system))


@dataclass(frozen=True)
class GraphAnalysis:
    """The graph and everything computed from it, as the exports and the CLI need it."""

    graph: nx.DiGraph[str]
    metrics: Mapping[SystemId, SystemMetrics]
    cycles: tuple[Group, ...]
    move_groups: tuple[Group, ...]
    orphans: tuple[SystemId, ...]
    exposure: tuple[Exposure, ...] = field(default=())
    horizon: str = ""

    def hubs(self, top: int = 10) -> list[SystemMetrics]:
        """The `top` systems by blast radius (see `hubs`)."""
        return hubs(self.metrics, top)


def analyse(graph: nx.DiGraph[str], inventory: Inventory | None = None) -> GraphAnalysis:
    """Every metric of `graph`; end-of-support exposure too when `inventory` is given."""
    metrics = system_metrics(graph)
    exposure: tuple[Exposure, ...] = ()
    horizon = ""
    if inventory is not None:
        radii = {s: m.blast_radius for s, m in metrics.items()}
        exposure = tuple(end_of_support_exposure(inventory, graph, radii))
        horizon = inventory.axis.span_label(0, inventory.axis.count - 1)
    return GraphAnalysis(
        graph=graph,
        metrics=metrics,
        cycles=tuple(cycles(graph)),
        move_groups=tuple(move_groups(graph)),
        orphans=tuple(orphans(graph)),
        exposure=exposure,
        horizon=horizon,
    )

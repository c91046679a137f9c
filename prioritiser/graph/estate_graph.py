"""The estate's dependencies as the planning stages read them: one `EstateGraph`.

A thin domain wrapper over a networkx DiGraph (in the manner of dbt-core's `Graph`): nodes
are `SystemId`s, an edge runs from a consumer to its provider (A → B when A depends_on B)
and holds every `Link` between the two — a system may list a provider twice, with two
constraints, and the model enforces each. Each method is a few lines over networkx.

The model (ordering, move groups, safe retirement), the greedy baseline, the diagnosis,
`explain`, the reports and the scenarios read dependencies here and nowhere else. The
`graph` command's exports keep their own graph (`build.py`: one edge, the strongest
constraint, platforms as nodes); cycles, blast radius and layers are computed by the same
functions (`analytics.py`) on either.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from prioritiser.graph import analytics
from prioritiser.graph.build import CONSTRAINT_STRENGTH
from prioritiser.inventory.resolved import DependencyConstraint, Estate, Link
from prioritiser.inventory.schema import SystemId

Group = tuple[SystemId, ...]
Constraints = Iterable[DependencyConstraint | str]
CONSTRAINING = tuple(c for c in DependencyConstraint if c.constrains)
TOGETHER = DependencyConstraint.TOGETHER


def _key(link: Link) -> tuple[str, str, str]:
    return (link.consumer, link.provider, link.constraint)


class EstateGraph:
    """Providers, consumers, ordering links, move groups and blast radius of an estate."""

    def __init__(self, graph: nx.DiGraph[str]):
        self.graph = graph
        # Every link once, by (consumer, provider, constraint); entries the inventory lists
        # twice stay twice, in the order listed.
        edges: list[tuple[str, str, tuple[Link, ...]]] = list(graph.edges(data="links"))
        self._links: list[Link] = sorted(
            (link for _, _, links in edges for link in links), key=_key
        )

    @classmethod
    def of(cls, estate: Estate) -> EstateGraph:
        """The estate's graph, built once per estate."""
        return estate.derived(_build)

    def systems(self) -> list[SystemId]:
        """Every system, sorted."""
        return sorted(SystemId(n) for n in self.graph.nodes)

    def links(self, constraints: Constraints = CONSTRAINING) -> list[Link]:
        """Every link whose constraint is one of `constraints`, by (consumer, provider)."""
        wanted = frozenset(constraints)
        return [link for link in self._links if link.constraint in wanted]

    def providers(self, system: str, constraints: Constraints = CONSTRAINING) -> list[Link]:
        """Links from `system` to what it depends on."""
        wanted = frozenset(constraints)
        out = [
            link
            for provider in self.graph.successors(system)
            for link in self.graph.edges[system, provider]["links"]
            if link.constraint in wanted
        ]
        return sorted(out, key=_key)

    def consumers(self, system: str, constraints: Constraints = CONSTRAINING) -> list[Link]:
        """Links to `system` from the systems that depend on it."""
        wanted = frozenset(constraints)
        out = [
            link
            for consumer in self.graph.predecessors(system)
            for link in self.graph.edges[consumer, system]["links"]
            if link.constraint in wanted
        ]
        return sorted(out, key=_key)

    def pairs(self, constraints: Constraints) -> list[tuple[SystemId, SystemId]]:
        """(consumer, provider) pairs linked by one of `constraints`, each once, sorted."""
        return sorted({(link.consumer, link.provider) for link in self.links(constraints)})

    def ordering_pairs(self) -> list[tuple[SystemId, SystemId]]:
        """(consumer, provider) pairs where the consumer waits for the provider (rule 4)."""
        return self.pairs(c for c in DependencyConstraint if c.orders)

    def together_pairs(self) -> list[tuple[SystemId, SystemId]]:
        """Move-group pairs, each once as (smaller id, larger id), sorted."""
        return sorted({(min(a, b), max(a, b)) for a, b in self.pairs((TOGETHER,))})

    def _view(self, constraints: Constraints) -> nx.DiGraph[str]:
        wanted = frozenset(constraints)
        graph = self.graph
        view: nx.DiGraph[str] = nx.subgraph_view(
            graph, filter_edge=lambda a, b: bool(graph.edges[a, b]["constraints"] & wanted)
        )
        return view

    def move_groups(self) -> list[Group]:
        """Groups of more than one system joined by `together` links, which move as one."""
        view = self._view((TOGETHER,)).to_undirected(as_view=True)
        return sorted(
            tuple(sorted(SystemId(n) for n in c))
            for c in nx.connected_components(view)
            if len(c) > 1
        )

    def move_group(self, system: str) -> Group:
        """The systems that must move with `system`, itself included, sorted."""
        view = self._view((TOGETHER,)).to_undirected(as_view=True)
        return tuple(sorted(SystemId(n) for n in nx.node_connected_component(view, system)))

    def blast_radius(self, system: SystemId) -> int:
        """How many systems depend on `system`, directly or transitively (any link)."""
        return analytics.blast_radius(self.graph, system)

    def cycles(self) -> list[Group]:
        """Groups of systems in a cycle of after/requires links."""
        return analytics.cycles(self.graph)

    def layers(self) -> dict[SystemId, int]:
        """The dependency layer of every system: 0 = depends on nothing."""
        return analytics.layers(self.graph)


def _build(estate: Estate) -> EstateGraph:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(s.id for s in estate.systems)
    for link in estate.links:
        pair = (link.consumer, link.provider)
        if graph.has_edge(*pair):
            data = graph.edges[pair]
            data["links"] += (link,)
            data["constraints"] |= {link.constraint}
        else:
            graph.add_edge(*pair, links=(link,), constraints=frozenset({link.constraint}))
    for _, _, data in graph.edges(data=True):
        # The strongest constraint, as the `graph` exports show it (for `analytics`).
        data["constraint"] = max(data["constraints"], key=CONSTRAINT_STRENGTH.__getitem__)
    return EstateGraph(graph)

"""The pair rows' share of the bound: max-product linear programming (MPLP) messages.

Two units joined by pair rows (a consumer and its provider, a system and a platform it
needs) form an **edge**, and the rows of an edge say exactly which pairs of their choices
may go together (`masks`, computed once from the rows). Each edge keeps a message to each
of its two units — a value per choice — and a unit's **belief** is its own value plus the
messages it receives. For any messages,

    Σ_units max belief  +  Σ_edges max over allowed pairs (− the two messages)

bounds every roadmap (dual decomposition: each edge and each unit maximised on its own).
MPLP (Globerson & Jaakkola, 2007) updates one edge in closed form so that this sum never
grows; edges that share no unit are updated together (a colouring of the edges into
matchings), so a sweep is a few hundred vectorised steps whatever the size. Its fixed
point is the bound of the local polytope, at least as tight as the LP relaxation's on these
rows, because the masks hold the pairwise rules exactly rather than their LP rows.

Written here rather than taken from a graphical-models library: the ones we know (pgmpy,
opengm) expect small label sets with dense tables per factor and do not combine messages
with the Lagrange multipliers of the wide rows, which the bound here needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prioritiser.solve.decompose.structure import TOLERANCE, Structure

NEG = -1e30  # "impossible": a belief or a pair no roadmap can take
IMPOSSIBLE = NEG / 2
ROWS_PER_CHUNK = 4096  # pair rows whose masks are built at once (rows × width² booleans)
# Units with more edges than this (shared services, platforms) are updated as stars: one
# vectorised step for all their edges instead of one matching each.
HUB_DEGREE = 16


@dataclass(frozen=True)
class Star:
    """A hub's edges, with each mask turned hub choice × neighbour choice."""

    hub: int
    edges: np.ndarray
    hub_low: np.ndarray  # per edge: the hub is the edge's first unit
    masks: np.ndarray  # (edges, width, width)


@dataclass
class Pairs:
    """Edges, their masks and messages, and the padded (unit × choice) layout."""

    labels: np.ndarray  # (units, width): choice number, -1 past a unit's last choice
    valid: np.ndarray  # (units, width): a choice the unit may take
    low: np.ndarray  # (edges,): the edge's first unit
    high: np.ndarray  # (edges,): its second unit
    masks: np.ndarray  # (edges, width, width): may (low's i, high's j) go together
    to_low: np.ndarray  # (edges, width): message to the first unit
    to_high: np.ndarray  # (edges, width)
    classes: list[np.ndarray]  # edges between ordinary units, in matchings updated together
    stars: list[Star]  # the edges of each hub, updated together

    @property
    def width(self) -> int:
        return int(self.labels.shape[1])

    def received(self) -> np.ndarray:
        """(units, width): the sum of the messages each unit receives."""
        total = np.zeros(self.labels.shape)
        np.add.at(total, self.low, self.to_low)
        np.add.at(total, self.high, self.to_high)
        return total

    def sweep(self, beliefs: np.ndarray) -> None:
        """One MPLP pass over every edge; `beliefs` (units × width) are kept up to date."""
        for star in self.stars:
            self._star(star, beliefs)
        for edges in self.classes:
            u, v = self.low[edges], self.high[edges]
            mine = beliefs[u] - self.to_low[edges]
            theirs = beliefs[v] - self.to_high[edges]
            allowed = self.masks[edges]
            best_theirs = np.where(allowed, theirs[:, np.newaxis, :], NEG).max(axis=2)
            best_mine = np.where(allowed, mine[:, :, np.newaxis], NEG).max(axis=1)
            to_low = np.where(self.valid[u], 0.5 * (best_theirs - mine), 0.0)
            to_high = np.where(self.valid[v], 0.5 * (best_mine - theirs), 0.0)
            self.to_low[edges] = to_low
            self.to_high[edges] = to_high
            beliefs[u] = np.where(self.valid[u], mine + to_low, NEG)
            beliefs[v] = np.where(self.valid[v], theirs + to_high, NEG)

    def _star(self, star: Star, beliefs: np.ndarray) -> None:
        """MPLP's star update: every edge of one hub at once, in closed form.

        With β_j the belief of neighbour j without this edge's message and γ_j(x) its best
        value among the choices allowed beside the hub's choice x, b = (hub's belief
        without the star's messages) + Σ_j γ_j; the hub gets γ_j − b / (1 + d) from edge j
        and neighbour j gets max over allowed x of (b(x) / (1 + d) − γ_j(x)). The star's
        share of the bound becomes max b, the best it can be with the rest fixed.
        """
        edges, hub_low = star.edges, star.hub_low
        hub_msg = np.where(hub_low[:, np.newaxis], self.to_low[edges], self.to_high[edges])
        other_msg = np.where(hub_low[:, np.newaxis], self.to_high[edges], self.to_low[edges])
        others = np.where(hub_low, self.high[edges], self.low[edges])
        theirs = beliefs[others] - other_msg
        best_theirs = np.where(star.masks, theirs[:, np.newaxis, :], NEG).max(axis=2)
        base = beliefs[star.hub] - hub_msg.sum(axis=0)
        total = base + best_theirs.sum(axis=0)
        share = total / (1 + len(edges))
        to_hub = best_theirs - share[np.newaxis, :]
        spare = share[np.newaxis, :] - best_theirs
        to_other = np.where(star.masks, spare[:, :, np.newaxis], NEG).max(axis=1)
        valid_hub = self.valid[star.hub]
        to_hub = np.where(valid_hub[np.newaxis, :], to_hub, 0.0)
        to_other = np.where(self.valid[others], to_other, 0.0)
        self.to_low[edges] = np.where(hub_low[:, np.newaxis], to_hub, to_other)
        self.to_high[edges] = np.where(hub_low[:, np.newaxis], to_other, to_hub)
        beliefs[star.hub] = np.where(valid_hub, share, NEG)
        beliefs[others] = np.where(self.valid[others], theirs + to_other, NEG)

    def edge_terms(self) -> float:
        """Σ_edges max over allowed pairs of −(the two messages): ≤ 0 after MPLP updates,
        counted in the bound all the same so that it holds for any messages."""
        total = 0.0
        for start in range(0, len(self.low), ROWS_PER_CHUNK):
            edges = slice(start, start + ROWS_PER_CHUNK)
            pair = -self.to_low[edges][:, :, np.newaxis] - self.to_high[edges][:, np.newaxis, :]
            total += float(np.where(self.masks[edges], pair, NEG).max(axis=(1, 2)).sum())
        return total


def build_pairs(structure: Structure) -> Pairs:
    """Masks of every edge from its rows, pruned to choices with a partner on every edge."""
    counts = structure.counts
    width = int(counts.max(initial=1))
    units = structure.units
    labels = np.full((units, width), -1, dtype=np.int64)
    column = np.arange(width)[np.newaxis, :]
    inside = column < counts[:, np.newaxis]
    labels[inside] = np.arange(structure.choices)
    edges = structure.edges
    masks = _masks(structure, width)
    valid = inside.copy()
    _arc_consistency(valid, edges, masks)
    if len(edges):
        masks &= valid[edges[:, 0]][:, :, np.newaxis] & valid[edges[:, 1]][:, np.newaxis, :]
    stars, on_star = _stars(edges, masks, units)
    return Pairs(
        labels=labels,
        valid=valid,
        low=edges[:, 0].copy(),
        high=edges[:, 1].copy(),
        masks=masks,
        to_low=np.zeros((len(edges), width)),
        to_high=np.zeros((len(edges), width)),
        classes=_matchings(edges, np.flatnonzero(~on_star)),
        stars=stars,
    )


def _masks(structure: Structure, width: int) -> np.ndarray:
    """(edges, width, width): the pairs of choices every row of the edge allows."""
    edges = structure.edges
    masks = np.zeros((len(edges), width, width), dtype=bool)
    counts = structure.counts
    for e, (u, v) in enumerate(edges):
        masks[e, : counts[u], : counts[v]] = True
    rows = structure.pair_rows
    if not len(rows):
        return masks
    lower, upper = structure.bounds(rows)
    edge_of_row = structure.edge_of_row
    first, unit = structure.first, structure.unit
    for start in range(0, len(rows), ROWS_PER_CHUNK):
        chunk = slice(start, start + ROWS_PER_CHUNK)
        size = len(rows[chunk])
        contribution = structure.contribution(rows[chunk]).tocoo()
        mine = np.zeros((size, width))
        theirs = np.zeros((size, width))
        row, choice = contribution.col, contribution.row
        owner = unit[choice]
        slot = choice - first[owner]
        is_low = owner == edges[edge_of_row[chunk][row], 0]
        mine[row[is_low], slot[is_low]] = contribution.data[is_low]
        theirs[row[~is_low], slot[~is_low]] = contribution.data[~is_low]
        activity = mine[:, :, np.newaxis] + theirs[:, np.newaxis, :]
        allowed = (activity >= lower[chunk, np.newaxis, np.newaxis] - TOLERANCE) & (
            activity <= upper[chunk, np.newaxis, np.newaxis] + TOLERANCE
        )
        # Rows are grouped by edge; an edge may straddle chunks, so combine with AND.
        which = edge_of_row[chunk]
        bounds = np.flatnonzero(np.concatenate([[True], which[1:] != which[:-1]]))
        masks[which[bounds]] &= np.logical_and.reduceat(allowed, bounds, axis=0)
    return masks


def _arc_consistency(valid: np.ndarray, edges: np.ndarray, masks: np.ndarray) -> None:
    """Drop choices that have no allowed partner on some edge, until none is left to drop."""
    while True:
        u, v = edges[:, 0], edges[:, 1]
        allowed = masks & valid[u][:, :, np.newaxis] & valid[v][:, np.newaxis, :]
        low_ok = allowed.any(axis=2)
        high_ok = allowed.any(axis=1)
        before = int(valid.sum())
        keep = np.ones_like(valid)
        np.logical_and.at(keep, u, low_ok)
        np.logical_and.at(keep, v, high_ok)
        valid &= keep
        if int(valid.sum()) == before:
            return


def _stars(edges: np.ndarray, masks: np.ndarray, units: int) -> tuple[list[Star], np.ndarray]:
    """The stars of the hubs (units with more than `HUB_DEGREE` edges, busiest first) and
    which edges they cover; an edge between two hubs goes to the busier one's star."""
    degree = np.bincount(edges.ravel(), minlength=units) if len(edges) else np.zeros(units)
    hubs = np.flatnonzero(degree > HUB_DEGREE)
    hubs = hubs[np.lexsort((hubs, -degree[hubs]))]
    on_star = np.zeros(len(edges), dtype=bool)
    stars = []
    for hub in hubs.tolist():
        mine = np.flatnonzero(((edges[:, 0] == hub) | (edges[:, 1] == hub)) & ~on_star)
        if not len(mine):
            continue
        on_star[mine] = True
        hub_low = edges[mine, 0] == hub
        turned = np.where(
            hub_low[:, np.newaxis, np.newaxis], masks[mine], masks[mine].swapaxes(1, 2)
        )
        stars.append(Star(hub, mine, hub_low, turned))
    return stars, on_star


def _matchings(edges: np.ndarray, numbers: np.ndarray) -> list[np.ndarray]:
    """The edges `numbers` coloured so that no two of one colour share a unit (greedy, in
    order); returns the edge numbers of each colour."""
    used: dict[int, set[int]] = {}
    lowest: dict[int, int] = {}
    colour = np.zeros(len(numbers), dtype=np.int64)
    for e, (u, v) in enumerate(edges[numbers].tolist()):
        mine, theirs = used.setdefault(u, set()), used.setdefault(v, set())
        c = max(lowest.get(u, 0), lowest.get(v, 0))
        while c in mine or c in theirs:
            c += 1
        colour[e] = c
        mine.add(c)
        theirs.add(c)
        for w, seen in ((u, mine), (v, theirs)):
            low = lowest.get(w, 0)
            while low in seen:
                low += 1
            lowest[w] = low
    if not len(numbers):
        return []
    order = np.argsort(colour, kind="stable")
    bounds = np.flatnonzero(np.diff(colour[order])) + 1
    return np.split(numbers[order], bounds)

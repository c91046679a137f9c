"""The Lagrangian bound: wide rows priced by multipliers, pair rows by MPLP messages.

For multipliers `prices` on the wide rows and any messages on the edges,

    bound = Σ_units max_choice belief + Σ_wide (price · the bound it prices) + edge terms

where a choice's belief is its value, less the prices of what it uses on the wide rows, plus
the messages it receives. Every roadmap's value is at most this (each unit, each edge and
each wide row relaxed on its own), whatever the prices and messages: it is a valid bound at
every moment, and `Dual.bound` computes it exactly each time it is asked. Making it small
alternates two steps: the master LP (`master.py`) sets the prices with the messages fixed,
then MPLP sweeps (`pairs.py`) move the messages with the prices fixed; each step only
lowers the bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from prioritiser.solve.decompose.master import Master, MasterSolution
from prioritiser.solve.decompose.pairs import NEG, Pairs, build_pairs
from prioritiser.solve.decompose.structure import Structure

# Column generation rounds per master solve, and the reduced profit (relative to the
# largest choice value) below which a unit's best choice is not worth a column.
PRICING_ROUNDS = 30
# Column generation stops early when a round adds fewer columns than this share of units.
PRICING_SHARE = 0.01
PRICING_TOLERANCE = 1e-9
STALL = 5  # subgradient steps without a better bound before the step is halved


@dataclass
class Dual:
    """Prices, messages and beliefs; the bound they give."""

    structure: Structure
    pairs: Pairs
    wide: sp.csr_array  # choices × wide rows
    lower: np.ndarray
    upper: np.ndarray
    prices: np.ndarray
    beliefs: np.ndarray  # (units, width)
    master: Master
    bounds: list[float] = field(default_factory=list)  # every bound computed, in order
    solution: MasterSolution | None = None

    @classmethod
    def of(cls, structure: Structure, start: np.ndarray) -> Dual:
        """The dual at zero prices and messages, with `start` (one choice per unit, a
        roadmap) and every unit's "nothing" in the master."""
        pairs = build_pairs(structure)
        wide = sp.csr_array(structure.contribution(structure.wide))
        lower, upper = structure.bounds(structure.wide)
        largest = float(np.max(np.abs(structure.value), initial=1.0))
        master = Master(wide, lower, upper, structure.unit, structure.units, largest)
        dual = cls(
            structure=structure,
            pairs=pairs,
            wide=wide,
            lower=lower,
            upper=upper,
            prices=np.zeros(len(lower)),
            beliefs=np.zeros(pairs.labels.shape),
            master=master,
        )
        dual.refresh()
        nothing = structure.first[:-1][structure.column[structure.first[:-1]] < 0]
        master.add(np.concatenate([nothing, start]), dual.values())
        return dual

    # --- beliefs -----------------------------------------------------------------------

    def padded(self, per_choice: np.ndarray) -> np.ndarray:
        """(units, width) layout of a per-choice array; NEG where a unit has no such choice."""
        labels, valid = self.pairs.labels, self.pairs.valid
        return np.where(valid, per_choice[np.maximum(labels, 0)], NEG)

    def flat(self, per_slot: np.ndarray) -> np.ndarray:
        """The per-choice array of a (units, width) layout."""
        labels = self.pairs.labels
        out = np.full(self.structure.choices, NEG)
        out[labels[labels >= 0]] = per_slot[labels >= 0]
        return out

    def refresh(self) -> None:
        """Beliefs recomputed from values, prices and messages."""
        priced = self.structure.value - self.wide @ self.prices
        self.beliefs = self.padded(priced) + np.where(self.pairs.valid, self.pairs.received(), 0)

    def values(self) -> np.ndarray:
        """Per choice: value plus the messages received (the master's objective)."""
        return self.flat(self.padded(self.structure.value) + self.pairs.received())

    def set_prices(self, prices: np.ndarray) -> None:
        """New multipliers, held to their sign (≥ 0 where only an upper bound is priced)."""
        prices = np.where(np.isfinite(self.upper), prices, np.minimum(prices, 0.0))
        prices = np.where(np.isfinite(self.lower), prices, np.maximum(prices, 0.0))
        change = prices - self.prices
        self.prices = prices
        shift = self.padded(self.wide @ change)
        self.beliefs = np.where(self.pairs.valid, self.beliefs - shift, NEG)

    def mix(self) -> np.ndarray | None:
        """The master's mix as column values (a fractional roadmap), None before pricing."""
        if self.solution is None:
            return None
        structure = self.structure
        mix: np.ndarray = np.asarray(structure.implied.T @ self.solution.weights) + structure.fixed
        return mix

    def best(self) -> np.ndarray:
        """Each unit's best choice under the current beliefs (the first of equals)."""
        slot = np.argmax(self.beliefs, axis=1)
        best: np.ndarray = self.pairs.labels[np.arange(len(slot)), slot]
        return best

    # --- the bound ---------------------------------------------------------------------

    def bound(self) -> float:
        """The Lagrangian bound in money at the current prices and messages (exact)."""
        priced = np.where(
            self.prices > 0,
            self.prices * np.where(np.isfinite(self.upper), self.upper, 0.0),
            self.prices * np.where(np.isfinite(self.lower), self.lower, 0.0),
        )
        total = (
            self.structure.offset
            + float(self.beliefs.max(axis=1).sum())
            + float(priced.sum())
            + self.pairs.edge_terms()
        )
        self.bounds.append(total)
        return total

    # --- the two steps -----------------------------------------------------------------

    def price(
        self,
        enough: Callable[[], bool] = lambda: False,
        bound_found: Callable[[float], None] = lambda bound: None,
    ) -> None:
        """Master LP and column generation at the current messages: new prices. Every
        master solve gives prices, and so a valid bound (handed to `bound_found`); column
        generation stops early when `enough()` says the time for it is spent."""
        values = self.values()
        tolerance = PRICING_TOLERANCE * float(np.max(np.abs(self.structure.value), initial=1.0))
        for number in range(PRICING_ROUNDS):
            if number and enough():
                return
            solution = self.master.solve(values)
            self.set_prices(solution.prices)
            self.solution = solution
            bound_found(self.bound())
            best = self.best()
            gain = self.beliefs.max(axis=1) - solution.duals
            wanted = best[(gain > tolerance) & ~self.master.generated[best]]
            added = self.master.add(wanted, values)
            if added < max(1.0, PRICING_SHARE * self.structure.units):
                return

    def subgradient(self, target: float, steps: int, factor: float = 2.0) -> float:
        """Plain projected subgradient on the wide rows' prices, Polyak steps towards
        `target` (a roadmap's value), the step factor halved after `STALL` steps without a
        better bound (Held and Karp's rule); returns the factor reached. Not used by the
        solve: kept so that the benchmark can compare it with the master
        (`scripts/bench_dual.py`, docs/benchmarks.md)."""
        lowest, stalled = np.inf, 0
        for _ in range(steps):
            bound = self.bound()
            if bound < lowest:
                lowest, stalled = bound, 0
            else:
                stalled += 1
                if stalled >= STALL:
                    factor, stalled = factor / 2.0, 0
            activity = np.asarray(self.wide[self.best()].sum(axis=0)).ravel()
            upper_side = (self.prices > 0) | ((self.prices == 0) & (activity > self.upper))
            side = np.where(upper_side, self.upper, self.lower)
            gradient = np.where(np.isfinite(side), side - activity, 0.0)
            norm = float(gradient @ gradient)
            if norm <= 0.0 or bound <= target:
                break
            self.set_prices(self.prices - factor * (bound - target) / norm * gradient)
        return factor

    def sweep(self, count: int, enough: Callable[[], bool] = lambda: False) -> None:
        """`count` MPLP sweeps at the current prices (fewer once `enough()` says so)."""
        for number in range(count):
            if number and enough():
                return
            self.pairs.sweep(self.beliefs)

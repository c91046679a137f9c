"""Large neighbourhood search: re-optimise part of a roadmap with the rest of it fixed.

A neighbourhood is the set of integer columns left free; every other integer column is
fixed at the best roadmap's value (or, for RINS, wherever the relaxation and the roadmap
agree) and HiGHS optimises what is left. The sub-MIPs are small, so each takes a fraction
of a second at department scale, and each roadmap it returns is verified against every
row of the whole model before it is kept.

The neighbourhoods that pay on these models (measured on the demo's budget cut, where the
roadmap loses value by packing the per-period budget badly):

- **in flight during a window** of a few periods: every system whose chosen option is in
  flight then, and every system the LP relaxation would start or run then, are set free —
  re-packing one stretch of the budget is what a better roadmap usually needs;
- **one department's systems** (the rest of the estate fixed), for estates whose
  relaxation is too slow to guide the windows;
- **where the relaxation and the roadmap disagree** (RINS, and its coarse form).

`Neighbourhoods` yields them in a fixed order from a seed, so a search that stops after a
number of rounds (not after a number of seconds) is repeatable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from prioritiser.model.formulation import Formulation
from prioritiser.model.matrix import Matrix, SolverInput
from prioritiser.solve.clock import Best
from prioritiser.solve.highs import solve_highs
from prioritiser.solve.result import Limits
from prioritiser.solve.warm import verified

FEASIBILITY = 1e-6
# The neighbourhood is searched to near optimality (its own bound is not the global one).
NEIGHBOURHOOD_GAP = 1e-4
# A window frees the systems in flight over this many consecutive periods, and its search
# gets this much work (reference seconds, `work`: a window frees a few dozen systems; most
# are solved at the root, the hardest in a few hundred nodes).
WINDOW = 4
WINDOW_WORK = 2.0


def freed(data: SolverInput, candidates: list[int]) -> np.ndarray:
    """Columns a neighbourhood leaves free: these candidates' starts and every build."""
    free = np.zeros(data.matrix.num_col, dtype=bool)
    free[data.start[candidates]] = True
    free[data.build] = True
    return free


def disagreeing_systems(
    model: Formulation, data: SolverInput, guide: np.ndarray, columns: np.ndarray
) -> np.ndarray:
    """Integer columns of the systems whose roadmap choice differs from the relaxation's."""
    differ = np.abs(guide[data.start] - columns[data.start]) > FEASIBILITY
    systems = {c.system for c in model.candidates.candidates if differ[c.index]}
    return freed(data, [c.index for c in model.candidates.candidates if c.system in systems])


class Found(NamedTuple):
    """What a neighbourhood search returned: a verified roadmap (None: nothing better than
    infeasible), its value in money, and the LP iterations it took."""

    columns: np.ndarray | None
    objective: float
    iterations: int


def neighbourhood(
    data: SolverInput,
    reference: np.ndarray,
    columns: np.ndarray,
    limits: Limits,
    scale: float,
    free: np.ndarray | None = None,
    target: float | None = None,
) -> Found:
    """Re-optimise around the roadmap `columns`: integer columns where `reference` agrees
    with it (RINS), or all but `free`, are fixed; HiGHS sets the rest, stopping once it
    holds a roadmap worth `target` (money)."""
    matrix = data.matrix
    if free is None:
        agree = matrix.integer & (np.abs(reference - columns) <= FEASIBILITY)
    else:
        agree = matrix.integer & ~free
    lower = np.where(agree, np.round(columns), matrix.lower)
    upper = np.where(agree, np.round(columns), matrix.upper)
    sub = SolverInput(_with_bounds(matrix, lower, upper), data.start, data.build, columns)
    sub_limits = replace(limits, gap=min(limits.gap, NEIGHBOURHOOD_GAP))
    result, _ = solve_highs(sub, sub_limits, scale, target=target)
    if result.columns is None:
        return Found(None, -np.inf, result.iterations)
    return Found(*verified(data, result.columns, scale), result.iterations)


def _with_bounds(matrix: Matrix, lower: np.ndarray, upper: np.ndarray) -> Matrix:
    return replace(matrix, lower=lower, upper=upper)


@dataclass(frozen=True)
class Neighbourhood:
    """A named set of free columns."""

    name: str
    free: np.ndarray


class Neighbourhoods:
    """The window and department neighbourhoods of a model, in a repeatable order.

    Windows sweep the horizon in a shuffled order (one sweep is every window once), then
    again with a new shuffle; with `departments`, each department follows in turn after
    every window. The same seed gives the same sequence for the same roadmaps.
    """

    def __init__(self, model: Formulation, data: SolverInput, seed: int = 0):
        self.model = model
        self.data = data
        self.rng = np.random.default_rng(seed)
        cands = model.candidates.candidates
        self.system = np.asarray([c.system for c in cands], dtype=object)
        self.start = np.asarray([c.start for c in cands], dtype=np.int64)
        self.finish = np.asarray([c.finish for c in cands], dtype=np.int64)
        self.department = np.asarray([c.department for c in cands], dtype=object)
        self.departments = sorted(set(self.department.tolist()))
        horizon = model.estate.horizon
        self.width = min(WINDOW, horizon)
        self.windows = list(range(horizon - self.width + 1))

    def sweep(self) -> list[int]:
        """One pass over every window, in a shuffled order."""
        order = list(self.windows)
        self.rng.shuffle(order)
        return order

    def window(self, first: int, columns: np.ndarray, guide: np.ndarray | None) -> Neighbourhood:
        """Systems in flight in periods [first, first + width) in the roadmap, or (by the
        relaxation `guide`) in flight there in part."""
        last = first + self.width - 1
        overlaps = (self.start <= last) & (self.finish >= first)
        chosen = columns[self.data.start] > 0.5
        wanted = overlaps & chosen
        if guide is not None:
            wanted |= overlaps & (guide[self.data.start] > FEASIBILITY)
        systems = set(self.system[wanted].tolist())
        members = np.flatnonzero(np.isin(self.system, list(systems)))
        label = self.model.label(first)
        return Neighbourhood(f"window {label}", freed(self.data, members.tolist()))

    def of_department(self, department: str) -> Neighbourhood:
        members = np.flatnonzero(self.department == department)
        return Neighbourhood(f"department {department}", freed(self.data, members.tolist()))


class WindowSearch:
    """Sweeps of the window neighbourhoods around the best roadmap (see the module's
    docstring), each window searched once per roadmap it starts from."""

    def __init__(
        self, model: Formulation, data: SolverInput, guide: np.ndarray, scale: float, seed: int
    ):
        self.data = data
        self.guide = guide
        self.scale = scale
        self.hoods = Neighbourhoods(model, data, seed)
        self.searched: set[tuple[int, bytes]] = set()

    def sweep(
        self,
        best: Best,
        limits: Callable[[], Limits | None],
        target: float | None,
        charge: Callable[[int], None],
        improved: Callable[[str], None] = lambda name: None,
    ) -> bool:
        """One sweep over every window, each around the best roadmap so far (`best` is
        updated); `limits()` gives each search its limits, or None to stop. True when the
        sweep found a better roadmap."""
        better = False
        for first in self.hoods.sweep():
            if best.columns is None:
                return better
            key = (first, hashlib.sha1(np.round(best.columns[self.data.start]).tobytes()).digest())
            if key in self.searched:
                continue
            sub = limits()
            if sub is None:
                return better
            self.searched.add(key)
            hood = self.hoods.window(first, best.columns, self.guide)
            found = neighbourhood(
                self.data, best.columns, best.columns, sub, self.scale, hood.free, target
            )
            charge(found.iterations)
            if best.offer(found.columns, found.objective, hood.name):
                better = True
                improved(hood.name)
        return better

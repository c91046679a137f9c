"""Roadmaps from the prices: the LP over the choices they favour.

The Lagrangian prices and messages say, per unit, which few choices can be worth taking
(its beliefs). The **pool** is each unit's best `FAVOURED` choices by belief and its choice in
the best roadmap (the master's mix, from interior point, gives weight to six choices per unit
on average: too many). The LP relaxation of the whole model — every row, pair rows
included — over the pool's columns only (every other start column held at 0) is a fraction
of the full LP's size and time, and its optimum is a fractional roadmap that already
respects every dependency: integral for all but a few hundred units. `run` rounds it by a
dive (its whole columns fixed, HiGHS sets the rest) and searches around it by system.

Why: the master's mix prices only the wide rows, so rounding it breaks dependencies by the
thousand (at 5,000 x 16 it rounded to 13 % below the bound, and RINS around it reached 8 %).
Measured at 5,000 x 16 on a loaded machine (load 9): the pool LP with the 4 best choices per
unit took 36 s and was worth £7,451.3m, 0.4 % below the full LP relaxation (£7,479.5m, which
needs 222 s); with the 2 best, 18 s and £7,413.0m; the 3 kept took 10 s on a quiet machine
for £7,467.9m. This is the restricted master heuristic of branch and price ("price and
branch"), with the unit choices of the Lagrangian in place of generated columns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from prioritiser.model.matrix import SolverInput
from prioritiser.solve.decompose.pairs import IMPOSSIBLE
from prioritiser.solve.decompose.structure import Structure
from prioritiser.solve.highs import load_highs

FAVOURED = 3  # best choices per unit by belief in the pool


@dataclass(frozen=True)
class PoolLP:
    """The pool LP's optimum: column values (a fractional roadmap) and its value."""

    columns: np.ndarray
    value: float  # money (not a bound: the pool leaves choices out)
    seconds: float


def favoured(
    beliefs: np.ndarray,
    labels: np.ndarray,
    incumbent: np.ndarray,
    count: int = FAVOURED,
) -> np.ndarray:
    """The pool as a mask over choices: each unit's `count` best by belief (ties by choice
    number, so the pool does not depend on the sort), and the incumbent's choices
    (choice numbers)."""
    chosen = np.zeros(int(labels.max(initial=-1)) + 1, dtype=bool)
    # Stable sort of minus the beliefs: equal beliefs keep their slot order.
    order = np.argsort(-beliefs, axis=1, kind="stable")[:, :count]
    top = np.take_along_axis(labels, order, axis=1)
    possible = np.take_along_axis(beliefs, order, axis=1) > IMPOSSIBLE
    chosen[top[(top >= 0) & possible]] = True
    chosen[incumbent] = True
    return chosen


def pool_columns(structure: Structure, pool: np.ndarray) -> np.ndarray:
    """Columns the pool LP may set: the pool's start columns, every platform's columns and
    every column in no unit's choices (continuous step variables)."""
    matrix = structure.data.matrix
    allowed = np.zeros(matrix.num_col, dtype=bool)
    column = structure.column[pool]
    allowed[column[column >= 0]] = True
    platforms = np.flatnonzero(structure.department < 0)
    allowed |= np.isin(structure.owner, platforms)
    allowed |= ~matrix.integer
    # A column the model already fixes above 0 stays as the model has it.
    allowed |= matrix.lower > 0
    return allowed


def solve_pool(structure: Structure, pool: np.ndarray, time_limit: float | None) -> PoolLP | None:
    """The LP relaxation over the pool (interior point and crossover, so that the optimum is
    a vertex: few fractional units); None when it does not finish in `time_limit`."""
    import highspy

    began = time.monotonic()
    data = structure.data
    matrix = data.matrix
    allowed = pool_columns(structure, pool)
    upper = np.where(allowed, matrix.upper, 0.0)
    restricted = SolverInput(replace(matrix, upper=upper), data.start, data.build)
    highs = load_highs(restricted, mip=False)
    # Interior point, then crossover to a vertex: measured 18 s at 5,000 x 16 with two
    # choices per unit where dual simplex from scratch had not finished in 60 s.
    highs.setOptionValue("solver", "ipm")
    highs.setOptionValue("run_crossover", "on")
    if time_limit is not None:
        highs.setOptionValue("time_limit", max(float(time_limit), 0.1))
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    columns = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    value = -float(highs.getInfo().objective_function_value) / structure.scale
    return PoolLP(columns, value, time.monotonic() - began)

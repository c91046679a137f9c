"""Department neighbourhoods, searched in parallel and merged into one roadmap.

A neighbourhood frees the unsettled systems of one department (a large department in
slices of at most `SYSTEMS_PER_NEIGHBOURHOOD` systems) with everything else fixed at the
best roadmap, and HiGHS searches it as a small MILP against every row, with an equal share
of the slack the roadmap leaves in each row it shares with other neighbourhoods. Their
answers are merged one by one, the largest gain first, each kept only when every row it
touches still holds with the ones already kept (an exact check on the row activities;
`merge`): with the slack shared, all are; the check is what guarantees it.

A task is pure: the same task gives the same answer wherever it runs (HiGHS on one thread,
a seed, a node limit; a time limit only as a safety net, and a run that hits it says so),
and the merge depends only on the answers, so the roadmap does not depend on which worker
ran what, or when.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from prioritiser.model.matrix import NONE, Matrix, SolverInput
from prioritiser.solve.decompose.structure import Structure
from prioritiser.solve.highs import solve_highs
from prioritiser.solve.result import Limits, Stage

SYSTEMS_PER_NEIGHBOURHOOD = 250
NODE_LIMIT = 50  # branch-and-bound nodes per neighbourhood: a work limit, not a time limit
NEIGHBOURHOOD_GAP = 1e-4
FEASIBILITY = 1e-6


@dataclass(frozen=True)
class Neighbourhood:
    name: str
    units: np.ndarray


def neighbourhoods(
    structure: Structure, size: int = SYSTEMS_PER_NEIGHBOURHOOD
) -> list[Neighbourhood]:
    """Each department's systems, in slices of at most `size` (platforms stay fixed)."""
    out = []
    for number, department in enumerate(structure.departments):
        units = np.flatnonzero(structure.department == number)
        if not len(units):
            continue
        pieces = math.ceil(len(units) / size)
        for i, part in enumerate(np.array_split(units, pieces)):
            name = department if pieces == 1 else f"{department} {i + 1}/{pieces}"
            out.append(Neighbourhood(name, part))
    return out


@dataclass(frozen=True)
class Task:
    """One neighbourhood's MILP: its columns (the rest fixed), the rows they touch with the
    bounds their own part of each row must keep, and where to start."""

    index: int
    name: str
    columns: np.ndarray
    rows: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    start: np.ndarray
    seed: int
    time_limit: float | None
    node_limit: int = NODE_LIMIT


@dataclass(frozen=True)
class Found:
    """A task's answer: new values of its columns (None: nothing better) and its gain."""

    index: int
    values: np.ndarray | None
    gain: float  # in the matrix objective's units
    stage: Stage


def tasks(
    structure: Structure,
    hoods: list[Neighbourhood],
    incumbent: np.ndarray,
    free: np.ndarray,
    seed: int,
    time_limit: float | None,
) -> list[Task]:
    """The tasks of one round around the incumbent (full column values): in each
    neighbourhood, the units marked `free` may change (a neighbourhood with none is left
    out)."""
    matrix = structure.data.matrix
    hood_of_unit = np.full(structure.units, -1, dtype=np.int64)
    for i, hood in enumerate(hoods):
        hood_of_unit[hood.units] = i
    hood_of_unit[~free] = -1
    owner = structure.owner
    hood_of_column = np.where(owner >= 0, hood_of_unit[np.maximum(owner, 0)], -1)
    activity = matrix.activity(incumbent)
    row_of = matrix.row_of()
    hood_of_entry = hood_of_column[matrix.index]
    inside = hood_of_entry >= 0
    count = len(hoods)
    key = row_of[inside] * count + hood_of_entry[inside]
    pairs, at = np.unique(key, return_inverse=True)
    part = np.bincount(at, weights=(matrix.value * incumbent[matrix.index])[inside])
    rows, which = np.divmod(pairs, count)
    # The slack the roadmap leaves in a row is shared equally by the neighbourhoods that
    # touch it: each may spend its share whatever the others do, so every improvement found
    # can be kept (the first version gave each the whole slack, and the merge kept 1 to 3
    # of 12 departments' answers at 300-1,000 systems).
    sharing = np.bincount(rows, minlength=matrix.num_row)[rows]
    above = np.where(np.isfinite(matrix.row_upper), matrix.row_upper - activity, np.inf)[rows]
    below = np.where(np.isfinite(matrix.row_lower), activity - matrix.row_lower, np.inf)[rows]
    lower = part - np.maximum(below, 0.0) / sharing
    upper = part + np.maximum(above, 0.0) / sharing
    out: list[Task] = []
    for i, hood in enumerate(hoods):
        columns = np.flatnonzero(hood_of_column == i)
        if not matrix.integer[columns].any():
            continue
        mine = which == i
        out.append(
            Task(
                index=len(out),
                name=hood.name,
                columns=columns,
                rows=rows[mine],
                lower=lower[mine],
                upper=upper[mine],
                start=incumbent[columns],
                seed=seed,
                time_limit=time_limit,
            )
        )
    return out


_CACHE: dict[int, tuple[Matrix, sp.csr_array]] = {}


def _rows_of(matrix: Matrix) -> sp.csr_array:
    """The whole matrix as scipy CSR, built once per worker and solve (3.3M non-zeros at
    5,000 x 16 took most of a second, for every task)."""
    key = id(matrix)  # the matrix is held beside its CSR, so its id is not reused meanwhile
    if key not in _CACHE:
        _CACHE.clear()  # one model at a time: the previous solve's matrix is let go
        csr = sp.csr_array(
            (matrix.value, matrix.index, matrix.starts), shape=(matrix.num_row, matrix.num_col)
        )
        _CACHE[key] = (matrix, csr)
    return _CACHE[key][1]


def solve_task(data: SolverInput, task: Task) -> Found:
    """Search one neighbourhood with HiGHS (runs in a worker)."""
    began = time.monotonic()
    matrix = data.matrix
    part = sp.csr_array(_rows_of(matrix)[task.rows][:, task.columns])
    part.sort_indices()
    sub = Matrix(
        names=[],
        cost=matrix.cost[task.columns],
        lower=matrix.lower[task.columns],
        upper=matrix.upper[task.columns],
        integer=matrix.integer[task.columns],
        row_lower=task.lower,
        row_upper=task.upper,
        starts=part.indptr.astype(np.int64),
        index=part.indices.astype(np.int64),
        value=part.data.astype(np.float64),
    )
    limits = Limits(
        time_limit=task.time_limit,
        gap=NEIGHBOURHOOD_GAP,
        threads=1,
        seed=task.seed,
        options={"mip_max_nodes": task.node_limit},
    )
    result, _ = solve_highs(SolverInput(sub, NONE, NONE, initial=task.start), limits, 1.0)
    seconds = round(time.monotonic() - began, 2)
    stage = replace(result.stages[0], name=f"neighbourhood {task.name}", seconds=seconds)
    if result.columns is None:
        return Found(task.index, None, 0.0, stage)
    values = np.where(sub.integer, np.round(result.columns), result.columns)
    gain = float(sub.cost @ values - sub.cost @ task.start)
    if gain <= 0:
        return Found(task.index, None, 0.0, stage)
    return Found(task.index, values, gain, stage)


def merge(
    matrix: Matrix, incumbent: np.ndarray, tasks_: list[Task], found: list[Found]
) -> tuple[np.ndarray | None, list[str]]:
    """The incumbent with the improved neighbourhoods that fit together: largest gain first
    (ties in task order), each kept only if every row it touches still holds. Returns the
    columns (None when nothing was kept) and the names of the neighbourhoods kept."""
    whole = sp.csc_array(
        sp.csr_array(
            (matrix.value, matrix.index, matrix.starts), shape=(matrix.num_row, matrix.num_col)
        )
    )
    out = incumbent.copy()
    activity = matrix.activity(incumbent)
    kept: list[str] = []
    order = sorted(
        (i for i, answer in enumerate(found) if answer.values is not None),
        key=lambda i: (-found[i].gain, i),
    )
    for i in order:
        task, values = tasks_[i], found[i].values
        assert values is not None
        change = values - out[task.columns]
        moved = whole[:, task.columns] @ change
        touched = np.flatnonzero(moved)
        after = activity[touched] + moved[touched]
        lower, upper = matrix.row_lower[touched], matrix.row_upper[touched]
        if np.all(after >= lower - FEASIBILITY) and np.all(after <= upper + FEASIBILITY):
            activity[touched] = after
            out[task.columns] = values
            kept.append(task.name)
    return (out if kept else None), kept


def around_mix(
    structure: Structure,
    mix: np.ndarray,
    incumbent: np.ndarray,
    limits: Limits,
    time_limit: float | None,
    target: float | None,
) -> np.ndarray | None:
    """RINS around a fractional roadmap (the pool LP's, or the master's mix): systems whose
    choice in the best roadmap the mix agrees with are fixed; HiGHS searches the rest of
    the whole model, every option and start of the systems where they disagree and every
    platform set-up free. Freeing whole systems rather than the columns that differ (as
    the staged solve does from its coarse relaxation) lets a system move to a start neither
    proposed: at 5,000 x 16 the column-wise version found nothing in its time."""
    data = structure.data
    matrix = data.matrix
    differs = matrix.integer & (np.abs(mix - incumbent) > FEASIBILITY)
    owner = structure.owner
    units = np.unique(owner[differs & (owner >= 0)])
    platforms = np.flatnonzero(structure.department < 0)
    free = np.isin(owner, np.concatenate([units, platforms]))
    agree = matrix.integer & ~free
    fixed = np.round(incumbent)
    lower = np.where(agree, fixed, matrix.lower)
    upper = np.where(agree, fixed, matrix.upper)
    sub = SolverInput(replace(matrix, lower=lower, upper=upper), data.start, data.build, incumbent)
    sub_limits = Limits(
        time_limit, min(limits.gap, NEIGHBOURHOOD_GAP), limits.threads, limits.seed, limits.stop
    )
    result, _ = solve_highs(sub, sub_limits, structure.scale, target=target)
    return result.columns

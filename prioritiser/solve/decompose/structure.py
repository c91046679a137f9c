"""The model seen as units coupled by rows: what the decomposition relaxes, found from the
matrix alone.

A **unit** is one system (its start columns) or one platform (its set-up columns). Every
other column — the step variables of the dependency rules, or whatever a later rule adds —
belongs to the unit whose columns define it through equality rows; a column that no unit
defines makes the model undecomposable (`Undecomposable`), and the caller solves it whole.

A unit's **choices** are "nothing" and each of its integer columns alone (one option at one
start, or one set-up start); each choice implies a value for every column of the unit, held
in one sparse matrix (`implied`, choices × columns). Choices that break a row of their own
unit (a deadline, `one_option[s] == 1`) are dropped, so what is left is exactly what the
unit may do on its own.

Every other row couples units and is classed by how many it touches: a **pair row** (two
units: a dependency, a platform being ready, safe retirement) or a **wide row** (three or
more: budgets per period and in total, risk limits, changes per department, a platform
being paid for — and any row a new rule adds). Nothing here names a rule family: a new
family is classed by its shape, so it is relaxed correctly without changes here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from prioritiser.model.formulation import Formulation
from prioritiser.model.matrix import Matrix, SolverInput

TOLERANCE = 1e-7
UNKNOWN = -2  # a continuous column not yet tied to a unit
CONSTANT = -1  # a column every choice leaves at the same value (in no unit)


class Undecomposable(Exception):
    """The decomposition cannot start on this model (a column no unit defines, or no first
    roadmap); it is solved whole instead."""


@dataclass(frozen=True)
class Structure:
    """Units, their choices and the rows coupling them (see the module docstring)."""

    data: SolverInput
    scale: float  # the matrix objective is money × scale
    names: tuple[str, ...]  # unit names: a system id, or `platform:<id>`
    department: np.ndarray  # per unit: index into `departments`, -1 for a platform
    departments: tuple[str, ...]
    owner: np.ndarray  # per column: its unit (-1: a column in no unit, `fixed`)
    first: np.ndarray  # the choices of unit u are first[u]:first[u + 1]
    unit: np.ndarray  # per choice: its unit
    column: np.ndarray  # per choice: the integer column it sets to 1, -1 for nothing
    implied: sp.csr_array  # choices × columns: every column's value under each choice
    fixed: np.ndarray  # per column: its value whatever the choices (0 in units)
    value: np.ndarray  # per choice: objective in money (the fixed columns' share apart)
    offset: float  # objective of the fixed columns, in money
    wide: np.ndarray  # row numbers of the wide rows
    pair_rows: np.ndarray  # row numbers of the pair rows, grouped by edge
    edge_of_row: np.ndarray  # per pair row: its edge
    edges: np.ndarray  # (E, 2) units of each edge, the smaller first
    infeasible: bool  # a row no choice can satisfy (no roadmap exists)

    @property
    def units(self) -> int:
        return len(self.names)

    @property
    def choices(self) -> int:
        return len(self.unit)

    @property
    def counts(self) -> np.ndarray:
        """Choices per unit."""
        return np.diff(self.first)

    def contribution(self, rows: np.ndarray) -> sp.csc_array:
        """choices × `rows`: what each choice adds to each row's activity."""
        m = self.data.matrix
        a = sp.csr_array((m.value, m.index, m.starts), shape=(m.num_row, m.num_col))
        return sp.csc_array(self.implied @ a[rows].T)

    def bounds(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row bounds less what the fixed columns already contribute."""
        m = self.data.matrix
        constant = m.activity(self.fixed)[rows]
        return m.row_lower[rows] - constant, m.row_upper[rows] - constant

    def columns_of(self, chosen: np.ndarray) -> np.ndarray:
        """Column values of one choice per unit (choice numbers, one per unit)."""
        values: np.ndarray = np.asarray(self.implied[chosen].sum(axis=0)).ravel() + self.fixed
        return values


def analyse(model: Formulation) -> Structure:
    """The structure of a built model (see the module docstring)."""
    data = model.solver_input()
    matrix = data.matrix
    names, department, departments, column_unit = _units(model, data)
    fixed = np.zeros(matrix.num_col)
    column_unit, level, defining = _tie_continuous(matrix, column_unit)
    first, unit, column = _choices(matrix, column_unit, len(names))
    implied = _implied(matrix, first, unit, column, column_unit, level, defining, fixed)
    row_units = _row_units(matrix, column_unit)
    counts = np.diff(row_units.indptr)
    local = np.flatnonzero(counts <= 1)
    owner = np.where(
        counts == 1,
        row_units.indices[np.minimum(row_units.indptr[:-1], max(row_units.nnz - 1, 0))],
        -1,
    )
    keep, infeasible = _valid_choices(matrix, implied, fixed, first, owner, local, defining)
    first, unit, column, implied = _restrict(first, unit, column, implied, keep)
    wide = np.flatnonzero(counts >= 3)
    pair_rows, edge_of_row, edges = _pairs(row_units, counts)
    cost = matrix.cost / model.objective_scale
    return Structure(
        data=data,
        scale=model.objective_scale,
        names=names,
        department=department,
        departments=departments,
        owner=np.maximum(column_unit, CONSTANT),
        first=first,
        unit=unit,
        column=column,
        implied=implied,
        fixed=fixed,
        value=np.asarray(implied @ cost).ravel(),
        offset=float(cost @ fixed),
        wide=wide,
        pair_rows=pair_rows,
        edge_of_row=edge_of_row,
        edges=edges,
        infeasible=infeasible or bool(np.any(np.diff(first) == 0)),
    )


def _units(
    model: Formulation, data: SolverInput
) -> tuple[tuple[str, ...], np.ndarray, tuple[str, ...], np.ndarray]:
    """One unit per system with candidates (estate order), then one per platform (sorted);
    the unit of every integer column (UNKNOWN for the rest)."""
    column_unit = np.full(data.matrix.num_col, UNKNOWN, dtype=np.int64)
    departments = tuple(sorted({s.department for s in model.estate.systems}))
    number = {name: i for i, name in enumerate(departments)}
    names: list[str] = []
    department: list[int] = []
    for system in model.estate.systems:
        mine = model.candidates.of(system.id)
        if not mine:
            continue
        column_unit[data.start[[c.index for c in mine]]] = len(names)
        names.append(system.id)
        department.append(number[system.department])
    for platform in sorted(model.candidates.by_platform):
        builds = model.candidates.by_platform[platform]
        column_unit[data.build[[b.index for b in builds]]] = len(names)
        names.append(f"platform:{platform}")
        department.append(-1)
    if np.any(column_unit[data.matrix.integer] == UNKNOWN):
        raise Undecomposable("an integer column is neither a candidate nor a set-up")
    return tuple(names), np.asarray(department, dtype=np.int64), departments, column_unit


def _tie_continuous(
    matrix: Matrix, column_unit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tie every continuous column to the unit whose columns define it.

    An equality row with one untied continuous column, whose other columns all belong to
    one unit (or to none), defines that column. Repeated in passes, one per level of the
    definitions (a chain of step variables over the horizon is one level per period);
    each pass is vectorised over the whole matrix. Returns the units, each column's level
    (0 for integer columns) and its defining row (-1 for integer columns).
    """
    column_unit = column_unit.copy()
    level = np.zeros(matrix.num_col, dtype=np.int64)
    defining = np.full(matrix.num_col, -1, dtype=np.int64)
    row_of = matrix.row_of()
    equality = np.abs(matrix.row_upper - matrix.row_lower) <= TOLERANCE
    rows = matrix.num_row
    depth = 0
    while np.any(column_unit == UNKNOWN):
        depth += 1
        unknown = column_unit[matrix.index] == UNKNOWN
        open_count = np.bincount(row_of, weights=unknown, minlength=rows)
        known_unit = np.where(unknown, -1, column_unit[matrix.index])
        # Units of the known columns of each row: one unit when their min equals their max.
        high = _per_row(np.maximum, known_unit, matrix.starts, -1)
        low = _per_row(np.minimum, np.where(known_unit >= 0, known_unit, BIG), matrix.starts, BIG)
        one_unit = (high < 0) | (low == high)
        candidate = equality & (open_count == 1) & one_unit
        entries = np.flatnonzero(unknown & candidate[row_of])
        if not len(entries):
            raise Undecomposable(
                f"{int(np.sum(column_unit == UNKNOWN))} continuous columns are not defined "
                "by rows of one unit"
            )
        columns, at = np.unique(matrix.index[entries], return_index=True)  # first row wins
        chosen_rows = row_of[entries[at]]
        column_unit[columns] = np.where(high[chosen_rows] >= 0, high[chosen_rows], CONSTANT)
        level[columns] = depth
        defining[columns] = chosen_rows
    return column_unit, level, defining


BIG = np.iinfo(np.int64).max


def _per_row(ufunc: np.ufunc, values: np.ndarray, starts: np.ndarray, empty: int) -> np.ndarray:
    """`ufunc` reduced over each row's stored entries (`empty` for a row without any)."""
    rows = len(starts) - 1
    out = np.full(rows, empty, dtype=np.int64)
    filled = np.flatnonzero(np.diff(starts) > 0)
    if len(filled):
        out[filled] = ufunc.reduceat(values, starts[filled])
    return out


def _choices(
    matrix: Matrix, column_unit: np.ndarray, units: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit: "nothing", then each integer column in matrix order."""
    integer = np.flatnonzero(matrix.integer)
    owner = column_unit[integer]
    order = np.lexsort((integer, owner))
    integer, owner = integer[order], owner[order]
    per_unit = np.bincount(owner, minlength=units) + 1
    first = np.concatenate([[0], np.cumsum(per_unit)]).astype(np.int64)
    unit = np.repeat(np.arange(units, dtype=np.int64), per_unit)
    column = np.full(len(unit), -1, dtype=np.int64)
    # The column choices follow each unit's "nothing": positions first[u] + 1 + k.
    rank = np.arange(len(integer)) - np.searchsorted(owner, owner)
    column[first[owner] + 1 + rank] = integer
    return first, unit, column


def _implied(
    matrix: Matrix,
    first: np.ndarray,
    unit: np.ndarray,
    column: np.ndarray,
    column_unit: np.ndarray,
    level: np.ndarray,
    defining: np.ndarray,
    fixed: np.ndarray,
) -> sp.csr_array:
    """Every column's value under every choice (continuous columns level by level).

    `fixed` is filled with the values of the columns in no unit.
    """
    choices = len(unit)
    picked = np.flatnonzero(column >= 0)
    implied = sp.csr_array(
        (np.ones(len(picked)), (picked, column[picked])), shape=(choices, matrix.num_col)
    )
    a = sp.csr_array(
        (matrix.value, matrix.index, matrix.starts), shape=(matrix.num_row, matrix.num_col)
    )
    for depth in range(1, int(level.max(initial=0)) + 1):
        defined = np.flatnonzero(level == depth)
        rows = defining[defined]
        own = a[rows][:, defined].diagonal()  # the coefficient of the column it defines
        rhs = matrix.row_lower[rows] - a[rows] @ fixed
        constant = column_unit[defined] == CONSTANT
        fixed[defined[constant]] = rhs[constant] / own[constant]
        tied = np.flatnonzero(~constant)
        if not len(tied):
            continue
        rows, own, rhs, defined = rows[tied], own[tied], rhs[tied], defined[tied]
        # value = (rhs - Σ other columns) / own, for the choices of the defining unit.
        others = sp.csr_array(implied @ a[rows].T)  # the defined columns are still 0
        values = sp.csr_array(-others.multiply(1.0 / own[np.newaxis, :]))
        nonzero = np.flatnonzero(np.abs(rhs) > 0)
        if len(nonzero):
            owners = column_unit[defined[nonzero]]
            size = first[owners + 1] - first[owners]
            at = np.repeat(first[owners], size) + _ramp(size)
            which = np.repeat(nonzero, size)
            shift = sp.csr_array((rhs[which] / own[which], (at, which)), shape=(choices, len(rows)))
            values = sp.csr_array(values + shift)
        place = sp.csr_array(
            (np.ones(len(defined)), (np.arange(len(defined)), defined)),
            shape=(len(defined), matrix.num_col),
        )
        implied = sp.csr_array(implied + values @ place)
    implied.eliminate_zeros()
    implied.sort_indices()
    return implied


def _ramp(sizes: np.ndarray) -> np.ndarray:
    """0..n-1 for each n in `sizes`, concatenated."""
    total = int(sizes.sum())
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    ramp: np.ndarray = np.arange(total) - starts
    return ramp


def _row_units(matrix: Matrix, column_unit: np.ndarray) -> sp.csr_array:
    """rows × units: which units each row touches (columns in no unit left out)."""
    owner = column_unit[matrix.index]
    inside = owner >= 0
    row_of = matrix.row_of()[inside]
    pairs = np.unique(row_of * (int(owner.max(initial=0)) + 1) + owner[inside])
    units = int(owner.max(initial=0)) + 1
    rows, units_of = np.divmod(pairs, units)
    return sp.csr_array(
        (np.ones(len(rows)), (rows, units_of)), shape=(matrix.num_row, max(units, 1))
    )


def _valid_choices(
    matrix: Matrix,
    implied: sp.csr_array,
    fixed: np.ndarray,
    first: np.ndarray,
    owner: np.ndarray,
    local: np.ndarray,
    defining: np.ndarray,
) -> tuple[np.ndarray, bool]:
    """Choices that satisfy every row of their own unit, and whether a row that touches no
    unit fails (then no roadmap exists). `owner` is the unit of each local row (-1: none);
    rows that define a column hold by construction and are not checked."""
    keep = np.ones(first[-1], dtype=bool)
    checked = np.setdiff1d(local, defining[defining >= 0])
    if not len(checked):
        return keep, False
    a = sp.csr_array(
        (matrix.value, matrix.index, matrix.starts), shape=(matrix.num_row, matrix.num_col)
    )[checked]
    constant = a @ fixed
    lower = matrix.row_lower[checked] - constant
    upper = matrix.row_upper[checked] - constant
    owner = owner[checked]
    alone = owner < 0
    infeasible = bool(np.any(alone & ((lower > TOLERANCE) | (upper < -TOLERANCE))))
    rows = np.flatnonzero(~alone)
    size = first[owner[rows] + 1] - first[owner[rows]]
    which_row = np.repeat(rows, size)
    which_choice = np.repeat(first[owner[rows]], size) + _ramp(size)
    # The activity of each (choice, row) pair: stored products, 0 where nothing is stored.
    activity = sp.coo_array(implied @ a.T)
    key = activity.row.astype(np.int64) * len(checked) + activity.col
    order = np.argsort(key)
    key, data = key[order], activity.data[order]
    wanted = which_choice * len(checked) + which_row
    at = np.minimum(np.searchsorted(key, wanted), max(len(key) - 1, 0))
    found = (key[at] == wanted) if len(key) else np.zeros(len(wanted), dtype=bool)
    value = np.where(found, data[at] if len(key) else 0.0, 0.0)
    bad = (value < lower[which_row] - TOLERANCE) | (value > upper[which_row] + TOLERANCE)
    keep[which_choice[bad]] = False
    return keep, infeasible


def _restrict(
    first: np.ndarray,
    unit: np.ndarray,
    column: np.ndarray,
    implied: sp.csr_array,
    keep: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, sp.csr_array]:
    if keep.all():
        return first, unit, column, implied
    kept = np.flatnonzero(keep)
    units = len(first) - 1
    counts = np.bincount(unit[kept], minlength=units)
    first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return first, unit[kept], column[kept], sp.csr_array(implied[kept])


def _pairs(
    row_units: sp.csr_array, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair rows grouped by edge: (rows, edge of each row, units of each edge)."""
    rows = np.flatnonzero(counts == 2)
    if not len(rows):
        return rows, np.zeros(0, dtype=np.int64), np.zeros((0, 2), dtype=np.int64)
    starts = row_units.indptr[rows]
    ends = row_units.indices[starts], row_units.indices[starts + 1]
    low, high = np.minimum(*ends), np.maximum(*ends)
    keys = np.stack([low, high], axis=1)
    edges, edge_of_row = np.unique(keys, axis=0, return_inverse=True)
    order = np.argsort(edge_of_row, kind="stable")
    return rows[order], edge_of_row.ravel()[order], edges

"""The model as arrays: what every solver back end is handed.

Columns are in the order PuLP would hand them to a solver (sorted by name) and rows in the
order the rules added them, so a model solves the same whichever back end reads it, and as
it did when PuLP held the model.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

INF = math.inf
Key = tuple[str, ...]


@dataclass
class Matrix:
    """A MILP as arrays: columns in PuLP's order (sorted by name), rows in the order added.

    Maximise `cost · x` subject to `row_lower ≤ A x ≤ row_upper` and the column bounds;
    `A` is row-wise (CSR: `starts`, `index`, `value`).
    """

    names: list[str]
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray

    @property
    def num_col(self) -> int:
        return len(self.cost)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    @property
    def nonzeros(self) -> int:
        return len(self.index)

    def row_of(self) -> np.ndarray:
        """The row number of every stored non-zero."""
        return np.repeat(np.arange(self.num_row), np.diff(self.starts))

    def activity(self, columns: np.ndarray) -> np.ndarray:
        """A x: the value of every row at these column values."""
        return np.bincount(
            self.row_of(), weights=self.value * columns[self.index], minlength=self.num_row
        )


NONE = np.zeros(0, dtype=np.int64)


@dataclass
class SolverInput:
    """A matrix for a solver, with the matrix column of every candidate and build."""

    matrix: Matrix
    start: np.ndarray  # start[c.index] = column of candidate c
    build: np.ndarray  # build[b.index] = column of build b
    initial: np.ndarray | None = None  # a MIP start (a value per column), if any


class Rows:
    """Rows as they are added: (family, key), CSR pieces and bounds.

    Python `array`s rather than lists: at 5,000 systems there are millions of non-zeros,
    and an array of machine numbers holds them in a tenth of the memory.
    """

    def __init__(self) -> None:
        self.family: list[str] = []
        self.key: list[Key] = []
        self.starts = array("q", [0])
        self.index = array("q")
        self.value = array("d")
        self.lower = array("d")
        self.upper = array("d")

    def __len__(self) -> int:
        return len(self.family)

    def add(
        self,
        family: str,
        key: Key,
        cols: Sequence[int] | np.ndarray,
        coefs: Sequence[float] | np.ndarray,
        lower: float,
        upper: float,
    ) -> int:
        if isinstance(cols, np.ndarray):
            self.index.frombytes(np.ascontiguousarray(cols, dtype=np.int64).tobytes())
            self.value.frombytes(np.ascontiguousarray(coefs, dtype=np.float64).tobytes())
        else:
            self.index.extend(cols)
            self.value.extend(coefs)
        self.starts.append(len(self.index))
        self.family.append(family)
        self.key.append(key)
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.family) - 1

    def terms(self, row: int) -> tuple[list[int], list[float]]:
        """The columns and coefficients of one row, as added."""
        begin, end = self.starts[row], self.starts[row + 1]
        return list(self.index[begin:end]), list(self.value[begin:end])


def csr(
    rows: Rows, extra: list[tuple[int, int, float]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, index, value) of every row, with `extra` (row, column, coefficient) terms
    appended to their rows after the terms the row was added with, in the order given."""
    index = np.frombuffer(rows.index, dtype=np.int64) if len(rows.index) else NONE
    value = np.frombuffer(rows.value, dtype=np.float64) if len(rows.value) else np.zeros(0)
    starts = np.frombuffer(rows.starts, dtype=np.int64)
    if not extra:
        return starts, index, value
    count = len(rows)
    row_of = np.repeat(np.arange(count), np.diff(starts))
    more = np.asarray(extra, dtype=np.float64).reshape(-1, 3)
    all_rows = np.concatenate([row_of, more[:, 0].astype(np.int64)])
    order = np.argsort(all_rows, kind="stable")  # originals first within a row, then extras
    index = np.concatenate([index, more[:, 1].astype(np.int64)])[order]
    value = np.concatenate([value, more[:, 2]])[order]
    lengths = np.bincount(all_rows, minlength=count)
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), index, value

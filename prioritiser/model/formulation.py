"""The time-indexed MILP of DESIGN.md: labelled columns and rule-named rows, as arrays.

Decision variables: `start[s,o,t]` (binary, one per pruned candidate) and
`build[p,t]` (binary, a platform's setup starting in period t). Constraint names read like
the rule they enforce — `resource_capacity[capex,2027-Q3]`, `after[a,b,2028-Q1]` — so a
diagnosis or a test can name them to a user. The rules themselves (and `formulate`, which
applies them) are in `rules.py`, one function per rule; `adjust.py` holds the named changes later stages make to a built model
(forcing a system in, stability when replanning, elastic slack when diagnosing).

The model is held as arrays (`Matrix`) and nothing else: at 5,000 systems it has millions of
non-zeros, and building solver-library objects for them took longer than a time limit
allows. Every back end reads the same matrix.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from prioritiser.graph import EstateGraph
from prioritiser.inventory import Estate, Inventory
from prioritiser.model.candidates import Build, Candidate, CandidateSet
from prioritiser.model.matrix import INF, NONE, Key, Matrix, Rows, SolverInput, csr

TOLERANCE = 1e-9


def name_of(family: str, key: Key) -> str:
    """`family[a,b,c]`: how a row (or a column) is named."""
    return f"{family}[{','.join(key)}]"


# PuLP's name translation: solvers receive names with these characters replaced, and columns
# are ordered by the translated name (as when PuLP held the model).
_NAME_TRANSLATION = str.maketrans("-+[] ->/", "________")


@dataclass
class Formulation:
    """The model: labelled columns and rule-named rows, as arrays.

    Column handles are integers: `start_col[c.index]` for a candidate, `build_col[b.index]`
    for a platform build. `plain` is False once a later stage changed the model (its rows or
    its objective differ from the inventory's own): then no heuristic that assumes the plain
    NPV model (dominated options, the greedy start, the staged search) may be used on it.
    """

    estate: Estate
    graph: EstateGraph
    candidates: CandidateSet
    # Every candidate the windows allow, before `strengthen` dropped the ones no roadmap can
    # use (None: none were dropped): what a retained system's reason speaks of.
    whole: CandidateSet | None = None
    start_col: dict[int, int] = field(default_factory=dict)
    build_col: dict[int, int] = field(default_factory=dict)
    plain: bool = True
    warm: bool = False  # variables carry initial values for a MIP start
    # Capacity rows are divided by their capacity; multiply back to read them in units.
    row_scale: dict[str, float] = field(default_factory=dict)
    # The objective is in money × objective_scale (so its largest coefficient is about 1).
    objective_scale: float = 1.0
    # A MIP start as column values (set by `apply_warm_start` or the greedy start).
    initial: dict[int, float] = field(default_factory=dict)
    _labels: list[str] = field(default_factory=list)
    _col_names: list[str] = field(default_factory=list)
    _col_lower: array[float] = field(default_factory=lambda: array("d"))
    _col_upper: array[float] = field(default_factory=lambda: array("d"))
    _col_integer: array[int] = field(default_factory=lambda: array("b"))
    _cost: dict[int, float] = field(default_factory=dict)
    _rows: Rows = field(default_factory=Rows)
    _extra: list[tuple[int, int, float]] = field(default_factory=list)
    _row_index: dict[tuple[str, Key], int] | None = None
    _matrix: Matrix | None = None
    _position: np.ndarray | None = None

    @property
    def inventory(self) -> Inventory:
        return self.estate.inventory

    # --- labels -------------------------------------------------------------------------

    def label(self, period: int) -> str:
        return self.labels[period] if 0 <= period < len(self.labels) else self.estate.label(period)

    @property
    def labels(self) -> list[str]:
        if not self._labels:
            self._labels = self.estate.axis.labels
        return self._labels

    # --- building -----------------------------------------------------------------------

    def column(self, name: str, lower: float, upper: float, integer: bool = False) -> int:
        """A new column; returns its handle."""
        self._col_names.append(name)
        self._col_lower.append(lower)
        self._col_upper.append(upper)
        self._col_integer.append(1 if integer else 0)
        self._position = None
        self._matrix = None
        return len(self._col_names) - 1

    def row(
        self,
        family: str,
        key: Key,
        cols: Sequence[int] | np.ndarray,
        coefs: Sequence[float] | np.ndarray,
        lower: float = -INF,
        upper: float = INF,
    ) -> int:
        """Add `lower ≤ Σ coefs·cols ≤ upper`, named `family[key...]`; returns its number."""
        number = self._rows.add(family, key, cols, coefs, lower, upper)
        if self._row_index is not None:
            self._row_index[(family, key)] = number
        self._matrix = None
        return number

    def add_capacity(
        self,
        family: str,
        key: Key,
        cols: Sequence[int] | np.ndarray,
        amounts: Sequence[float] | np.ndarray,
        capacity: float,
    ) -> None:
        """Add `Σ amounts·cols ≤ capacity`, scaled so the capacity is 1.

        Money rows (millions) beside FTE rows (tens) make the matrix badly scaled, which
        slows HiGHS' presolve badly at estate scale. `row_scale` keeps the factor so the
        row can be read back in the resource's own units.
        """
        amounts = np.asarray(amounts, dtype=np.float64)
        largest = float(np.max(np.abs(amounts))) if len(amounts) else 1.0
        factor = 1.0 / capacity if capacity > 0 else 1.0 / (largest or 1.0)
        self.row(family, key, cols, amounts * factor, -INF, capacity * factor)
        self.row_scale[name_of(family, key)] = factor

    def chosen_cols(self, candidates: Iterable[Candidate]) -> list[int]:
        return [self.start_col[c.index] for c in candidates]

    def built_cols(self, builds: Iterable[Build]) -> list[int]:
        return [self.build_col[b.index] for b in builds]

    # --- changing rows and the objective (for the named adjustments of `adjust.py`) ---

    def row_number(self, family: str, key: Key) -> int:
        """The number of row `family[key]`; KeyError when the model has no such row."""
        if self._row_index is None:
            rows = self._rows
            self._row_index = {
                (f, k): i for i, (f, k) in enumerate(zip(rows.family, rows.key, strict=True))
            }
        return self._row_index[(family, key)]

    def has_row(self, family: str, key: Key) -> bool:
        try:
            self.row_number(family, key)
        except KeyError:
            return False
        return True

    def bounds(self, row: int) -> tuple[float, float]:
        return self._rows.lower[row], self._rows.upper[row]

    def set_bounds(self, row: int, lower: float, upper: float) -> None:
        self._rows.lower[row] = lower
        self._rows.upper[row] = upper
        self._matrix = None

    def set_column_bounds(self, col: int, lower: float, upper: float) -> None:
        self._col_lower[col] = lower
        self._col_upper[col] = upper
        self._matrix = None

    def add_term(self, row: int, col: int, coef: float) -> None:
        """Add `coef · col` to an existing row (after the terms it already has)."""
        self._extra.append((row, col, coef))
        self._matrix = None

    def copy_row(self, row: int, family: str, key: Key) -> int:
        """A new row `family[key]` with the terms and bounds of `row` (extra terms too)."""
        cols, coefs = self.terms(row)
        lower, upper = self.bounds(row)
        return self.row(family, key, cols, coefs, lower, upper)

    def terms(self, row: int) -> tuple[list[int], list[float]]:
        """The columns and coefficients of `row` (terms added later included)."""
        cols, coefs = self._rows.terms(row)
        for r, col, coef in self._extra:
            if r == row:
                cols.append(col)
                coefs.append(coef)
        return cols, coefs

    def cost(self, col: int) -> float:
        return self._cost.get(col, 0.0)

    def set_objective(self, costs: dict[int, float], scale: float = 1.0) -> None:
        """Replace the objective: maximise Σ costs[col]·col, stated in money × `scale`."""
        self._cost = dict(costs)
        self.objective_scale = scale
        self._matrix = None

    def add_cost(self, col: int, value: float) -> None:
        """Add `value` (already in objective units) to a column's objective coefficient."""
        self._cost[col] = self._cost.get(col, 0.0) + value
        self._matrix = None

    # --- reading ------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def column_count(self) -> int:
        return len(self._col_names)

    def family_sizes(self) -> dict[str, int]:
        sizes: dict[str, int] = defaultdict(int)
        for family in self._rows.family:
            sizes[family] += 1
        return dict(sizes)

    def constraint_names(self) -> list[str]:
        return [name_of(f, k) for f, k in zip(self._rows.family, self._rows.key, strict=True)]

    def family_of_rows(self) -> list[str]:
        """The family of every row, in matrix order."""
        return list(self._rows.family)

    def row_keys(self, family: str) -> list[Key]:
        """The keys of one family's rows, in the order added."""
        return [k for f, k in zip(self._rows.family, self._rows.key, strict=True) if f == family]

    @property
    def matrix(self) -> Matrix:
        """The model as arrays, columns sorted by their (translated) names."""
        if self._matrix is None:
            self._matrix = self._to_matrix()
        return self._matrix

    @property
    def column_order(self) -> np.ndarray:
        """Position of every column handle in `matrix` (sorted by translated name)."""
        if self._position is None:
            names = [n.translate(_NAME_TRANSLATION) for n in self._col_names]
            order = sorted(range(len(names)), key=names.__getitem__)
            position = np.empty(len(order), dtype=np.int64)
            position[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
            self._position = position
        return self._position

    def solver_input(self) -> SolverInput:
        """The matrix a solver is given, and where each candidate's and build's column is."""
        position = self.column_order
        count = len(self.candidates.candidates)
        start = position[[self.start_col[i] for i in range(count)]] if count else NONE
        builds = len(self.candidates.builds)
        build = position[[self.build_col[i] for i in range(builds)]] if builds else NONE
        initial = None
        if self.initial:
            initial = np.zeros(len(position))
            for col, v in self.initial.items():
                initial[position[col]] = v
        return SolverInput(self.matrix, start, build, initial)

    def column_values(self, columns: np.ndarray, handles: Iterable[int]) -> list[float]:
        """Values of some column handles in a solution given in matrix order."""
        position = self.column_order
        return [float(columns[position[h]]) for h in handles]

    def holds_at_zero(self) -> bool:
        """Every row holds with every column at 0 (the empty roadmap)."""
        lower = np.frombuffer(self._rows.lower, dtype=np.float64)
        upper = np.frombuffer(self._rows.upper, dtype=np.float64)
        return bool(np.all(lower <= TOLERANCE) and np.all(upper >= -TOLERANCE))

    def _to_matrix(self) -> Matrix:
        position = self.column_order
        n = len(position)
        order = np.argsort(position)
        rows = self._rows
        starts, index, value = csr(rows, self._extra)
        keep = value != 0.0  # zero coefficients are not handed to a solver
        if not keep.all():
            kept = np.concatenate([[0], np.cumsum(keep)])
            starts = kept[starts]
            index, value = index[keep], value[keep]
        cost = np.zeros(n)
        for col, c in self._cost.items():
            cost[position[col]] = c
        return Matrix(
            names=[self._col_names[i] for i in order],
            cost=cost,
            lower=np.frombuffer(self._col_lower, dtype=np.float64)[order],
            upper=np.frombuffer(self._col_upper, dtype=np.float64)[order],
            integer=np.frombuffer(self._col_integer, dtype=np.int8)[order].astype(bool),
            row_lower=np.frombuffer(rows.lower, dtype=np.float64).copy(),
            row_upper=np.frombuffer(rows.upper, dtype=np.float64).copy(),
            starts=starts.astype(np.int64),
            index=position[index] if len(index) else index.astype(np.int64),
            value=value.copy(),
        )

"""The time-indexed MILP of DESIGN.md, one function per rule, each a named constraint family.

Decision variables: `start[s,o,t]` (binary, one per pruned candidate) and
`build[p,t]` (binary, a platform's setup starting in period t). Constraint names read like
the rule they enforce — `resource_capacity[capex,2027-Q3]`, `after[a,b,2028-Q1]` — so a
diagnosis or a test can name them to a user.

The rules write their rows into arrays (`Matrix`): at 5,000 systems the model has millions
of non-zeros, and building PuLP objects for them took longer than a time limit allows. The
PuLP view (`problem`, `families`, `start`, `build`) is built from the same arrays on first
use, for the callers that change the model (forcing, replanning, diagnosis) or solve through
PuLP (CBC); it is the same model, variable for variable and row for row, in the order PuLP
hands it to a solver.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pulp

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory
from prioritiser.model.candidates import Build, Candidate, CandidateSet, enumerate_candidates
from prioritiser.model.presolve import dominated_options

ORDERED = ("after", "requires")
TOLERANCE = 1e-9
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


_NONE = np.zeros(0, dtype=np.int64)


@dataclass
class SolverInput:
    """A matrix for a solver, with the matrix column of every candidate and build."""

    matrix: Matrix
    start: np.ndarray  # start[c.index] = column of candidate c
    build: np.ndarray  # build[b.index] = column of build b
    initial: np.ndarray | None = None  # a MIP start (a value per column), if any


class _Rows:
    """Rows as they are added: (family, key), CSR pieces and bounds."""

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


@dataclass
class Formulation:
    """The model: labelled columns and rule-named rows, as arrays, with a PuLP view on demand.

    Column handles are integers: `start_col[c.index]` for a candidate, `build_col[b.index]`
    for a platform build. `families[family][key]` (PuLP constraints) and `problem` are built
    on first use; from then on PuLP is the model and changes made there are what is solved.
    """

    inventory: Inventory
    candidates: CandidateSet
    start_col: dict[int, int] = field(default_factory=dict)
    build_col: dict[int, int] = field(default_factory=dict)
    warm: bool = False  # variables carry initial values for a MIP start
    # Capacity rows are divided by their capacity; multiply back to read them in units.
    row_scale: dict[str, float] = field(default_factory=dict)
    # The objective is in money × objective_scale (so its largest coefficient is about 1).
    objective_scale: float = 1.0
    # A MIP start as column values (set by `apply_warm_start` when solving from arrays).
    initial: dict[int, float] = field(default_factory=dict)
    _labels: list[str] = field(default_factory=list)
    _col_names: list[str] = field(default_factory=list)
    _col_lower: array = field(default_factory=lambda: array("d"))
    _col_upper: array = field(default_factory=lambda: array("d"))
    _col_integer: array = field(default_factory=lambda: array("b"))
    _cost: dict[int, float] = field(default_factory=dict)
    _rows: _Rows = field(default_factory=_Rows)
    _matrix: Matrix | None = None
    _position: np.ndarray | None = None
    _pulp: _PulpView | None = None

    # --- labels -------------------------------------------------------------------------

    def label(self, period: int) -> str:
        return (
            self.labels[period]
            if 0 <= period < len(self.labels)
            else self.inventory.axis.label(period)
        )

    @property
    def labels(self) -> list[str]:
        if not self._labels:
            self._labels = self.inventory.axis.labels
        return self._labels

    # --- building (arrays) --------------------------------------------------------------

    def column(self, name: str, lower: float, upper: float, integer: bool = False) -> int:
        """A new column; returns its handle."""
        self._col_names.append(name)
        self._col_lower.append(lower)
        self._col_upper.append(upper)
        self._col_integer.append(1 if integer else 0)
        self._position = None
        return len(self._col_names) - 1

    def row(
        self,
        family: str,
        key: Key,
        cols: Sequence[int] | np.ndarray,
        coefs: Sequence[float] | np.ndarray,
        lower: float = -INF,
        upper: float = INF,
    ) -> None:
        """Add `lower ≤ Σ coefs·cols ≤ upper`, named `family[key...]`."""
        self._rows.add(family, key, cols, coefs, lower, upper)
        self._matrix = None

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
        self.row_scale[f"{family}[{','.join(key)}]"] = factor

    def chosen_cols(self, candidates: Iterable[Candidate]) -> list[int]:
        return [self.start_col[c.index] for c in candidates]

    def built_cols(self, builds: Iterable[Build]) -> list[int]:
        return [self.build_col[b.index] for b in builds]

    # --- reading ------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows) if self._pulp is None else len(self._pulp.problem.constraints())

    def family_sizes(self) -> dict[str, int]:
        sizes: dict[str, int] = defaultdict(int)
        for family in self._rows.family:
            sizes[family] += 1
        return dict(sizes)

    def constraint_names(self) -> list[str]:
        if self._pulp is not None:
            return [f"{f}[{','.join(k)}]" for f, items in self.families.items() for k in items]
        return [
            f"{f}[{','.join(k)}]" for f, k in zip(self._rows.family, self._rows.key, strict=True)
        ]

    def family_of_rows(self) -> list[str]:
        """The family of every row, in matrix order (arrays only)."""
        return list(self._rows.family)

    def row_keys(self, family: str) -> list[Key]:
        """The keys of one family's rows, without building the PuLP view."""
        return [k for f, k in zip(self._rows.family, self._rows.key, strict=True) if f == family]

    @property
    def matrix(self) -> Matrix:
        """The model as arrays, columns sorted by their PuLP names (PuLP's solver order)."""
        if self._pulp is not None:
            raise RuntimeError("the model was changed through PuLP; solve it through PuLP")
        if self._matrix is None:
            self._matrix = self._to_matrix()
        return self._matrix

    @property
    def column_order(self) -> np.ndarray:
        """Position of every column handle in `matrix` (PuLP sorts variables by name)."""
        if self._position is None:
            names = [n.translate(pulp.LpElement.trans) for n in self._col_names]
            order = sorted(range(len(names)), key=names.__getitem__)
            position = np.empty(len(order), dtype=np.int64)
            position[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
            self._position = position
        return self._position

    def solver_input(self) -> SolverInput:
        """The matrix a solver is given, and where each candidate's and build's column is.

        From the arrays while the model is untouched; from PuLP once it has been changed there.
        """
        if self._pulp is not None:
            return self._pulp.solver_input(self)
        position = self.column_order
        count = len(self.candidates.candidates)
        start = position[[self.start_col[i] for i in range(count)]] if count else _NONE
        builds = len(self.candidates.builds)
        build = position[[self.build_col[i] for i in range(builds)]] if builds else _NONE
        initial = None
        if self.initial:
            initial = np.zeros(len(position))
            for col, v in self.initial.items():
                initial[position[col]] = v
        return SolverInput(self.matrix, start, build, initial)

    def _to_matrix(self) -> Matrix:
        position = self.column_order
        n = len(position)
        order = np.argsort(position)
        rows = self._rows
        index = np.frombuffer(rows.index, dtype=np.int64) if len(rows.index) else np.zeros(0, int)
        value = np.frombuffer(rows.value, dtype=np.float64) if len(rows.value) else np.zeros(0)
        starts = np.frombuffer(rows.starts, dtype=np.int64)
        keep = value != 0.0  # PuLP drops zero coefficients when it hands a row to a solver
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

    # --- the PuLP view ------------------------------------------------------------------

    @property
    def problem(self) -> pulp.LpProblem:
        return self._view().problem

    @property
    def families(self) -> dict[str, dict[Key, pulp.LpConstraint]]:
        return self._view().families

    @property
    def start(self) -> dict[int, pulp.LpVariable]:
        return self._view().start

    @property
    def build(self) -> dict[int, pulp.LpVariable]:
        return self._view().build

    @property
    def via_pulp(self) -> bool:
        """True once the PuLP view exists: then PuLP holds the model to solve."""
        return self._pulp is not None

    def _view(self) -> _PulpView:
        if self._pulp is None:
            self._pulp = _PulpView.of(self)
        return self._pulp

    def add(self, family: str, key: Key, constraint: pulp.LpConstraint) -> None:
        """Add a PuLP constraint named `family[key...]` (builds the PuLP view)."""
        view = self._view()
        constraint.name = f"{family}[{','.join(key)}]"
        view.problem.addConstraint(constraint)
        view.families[family][key] = constraint

    def chosen(self, candidates: Iterable[Candidate]) -> pulp.LpAffineExpression:
        """Sum of the start variables of `candidates` (1 when one of them is chosen)."""
        return pulp.LpAffineExpression([(self.start[c.index], 1.0) for c in candidates])

    def built(self, builds: Iterable[Build]) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression([(self.build[b.index], 1.0) for b in builds])


@dataclass
class _PulpView:
    problem: pulp.LpProblem
    variables: list[pulp.LpVariable]
    start: dict[int, pulp.LpVariable]
    build: dict[int, pulp.LpVariable]
    families: dict[str, dict[Key, pulp.LpConstraint]]

    @classmethod
    def of(cls, model: Formulation) -> _PulpView:
        problem = pulp.LpProblem("roadmap", pulp.LpMaximize)
        variables = [
            problem.add_variable(
                name, lower, upper, cat=pulp.LpBinary if integer else pulp.LpContinuous
            )
            for name, lower, upper, integer in zip(
                model._col_names,
                model._col_lower,
                model._col_upper,
                model._col_integer,
                strict=True,
            )
        ]
        families: dict[str, dict[Key, pulp.LpConstraint]] = defaultdict(dict)
        rows = model._rows
        starts, index, value = rows.starts, rows.index, rows.value
        for r, (family, key) in enumerate(zip(rows.family, rows.key, strict=True)):
            begin, end = starts[r], starts[r + 1]
            expr = pulp.LpAffineExpression(
                [(variables[index[i]], value[i]) for i in range(begin, end)]
            )
            lower, upper = rows.lower[r], rows.upper[r]
            if lower == upper:
                constraint = pulp.LpConstraint(expr, pulp.LpConstraintEQ, rhs=upper)
            elif lower == -INF:
                constraint = pulp.LpConstraint(expr, pulp.LpConstraintLE, rhs=upper)
            else:
                constraint = pulp.LpConstraint(expr, pulp.LpConstraintGE, rhs=lower)
            constraint.name = f"{family}[{','.join(key)}]"
            problem.addConstraint(constraint)
            families[family][key] = constraint
        problem.setObjective(
            pulp.LpAffineExpression([(variables[col], c) for col, c in model._cost.items()])
        )
        for col, v in model.initial.items():
            variables[col].setInitialValue(v)
        start = {i: variables[col] for i, col in model.start_col.items()}
        build = {i: variables[col] for i, col in model.build_col.items()}
        return cls(problem, variables, start, build, families)

    def solver_input(self, model: Formulation) -> SolverInput:
        """The PuLP problem as a matrix, exactly as PuLP would hand it to a solver."""
        problem = self.problem
        variables = problem.variables()  # sorted by name; registers every variable in use
        position = {v.name: i for i, v in enumerate(variables)}
        starts, index, value = [0], [], []
        lower, upper = [], []
        for constraint in problem.constraints():
            for v, a in constraint.items():
                if a != 0:
                    index.append(position[v.name])
                    value.append(a)
            starts.append(len(index))
            lb, ub = constraint.getLb(), constraint.getUb()
            lower.append(-INF if lb is None else lb)
            upper.append(INF if ub is None else ub)
        sense = 1.0 if problem.sense == pulp.LpMaximize else -1.0
        cost = np.zeros(len(variables))
        for v, c in (problem.objective or {}).items():
            cost[position[v.name]] = sense * c
        matrix = Matrix(
            names=[v.name for v in variables],
            cost=cost,
            lower=np.asarray([-INF if v.lowBound is None else v.lowBound for v in variables]),
            upper=np.asarray([INF if v.upBound is None else v.upBound for v in variables]),
            integer=np.asarray([v.cat == pulp.LpInteger for v in variables], dtype=bool),
            row_lower=np.asarray(lower, dtype=np.float64),
            row_upper=np.asarray(upper, dtype=np.float64),
            starts=np.asarray(starts, dtype=np.int64),
            index=np.asarray(index, dtype=np.int64),
            value=np.asarray(value, dtype=np.float64),
        )
        count, builds = len(model.candidates.candidates), len(model.candidates.builds)
        start = np.asarray([position[self.start[i].name] for i in range(count)], dtype=np.int64)
        build = np.asarray([position[self.build[i].name] for i in range(builds)], dtype=np.int64)
        initial = None
        if any(v.varValue is not None for v in variables):
            initial = np.asarray([float(v.varValue or 0.0) for v in variables])
        return SolverInput(matrix, start, build, initial)


def formulate(
    inventory: Inventory, economics: Economics | None = None, presolve: bool = False
) -> Formulation:
    """Build the whole model: variables, every rule of DESIGN.md, and the objective.

    With `presolve`, dominated options get no variables (valid for the NPV objective only;
    see `presolve.dominated_options`).
    """
    economics = economics or Economics(inventory)
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects, none of them garbage: 20 % faster
    try:
        skip = dominated_options(inventory, economics) if presolve else set()
        model = Formulation(inventory, enumerate_candidates(inventory, economics, skip))
        add_variables(model)
        add_one_option(model)
        add_resource_capacity(model)
        add_resource_totals(model)
        add_dependency_order(model)
        add_requires(model)
        add_together(model)
        add_safe_retirement(model)
        add_platforms(model)
        add_risk_limits(model)
        add_objective(model)
    finally:
        if collecting:
            gc.enable()
    return model


def add_variables(model: Formulation) -> None:
    for c in model.candidates.candidates:
        name = f"start[{c.system},{c.option},{model.label(c.start)}]"
        model.start_col[c.index] = model.column(name, 0, 1, integer=True)
    for b in model.candidates.builds:
        name = f"build[{b.platform},{model.label(b.start)}]"
        model.build_col[b.index] = model.column(name, 0, 1, integer=True)


def _ones(cols: Sequence[int], sign: float = 1.0) -> list[float]:
    return [sign] * len(cols)


def add_one_option(model: Formulation) -> None:
    """Rule 1: at most one option per system; exactly one with a deadline or a lock."""
    for system in model.inventory.systems:
        cols = model.chosen_cols(model.candidates.of(system.id))
        if system.must_modernise_by is not None or system.locked is not None:
            model.row("one_option", (system.id,), cols, _ones(cols), 1.0, 1.0)
        elif cols:
            model.row("one_option", (system.id,), cols, _ones(cols), -INF, 1.0)


@dataclass
class _Use:
    """Per-resource use of every candidate and build, as arrays for the dense rules."""

    cols: np.ndarray  # column handle
    start: np.ndarray
    finish: np.ndarray
    amount: np.ndarray
    is_build: np.ndarray

    @classmethod
    def of(cls, model: Formulation, resource: str) -> _Use:
        cols, start, finish, amount, is_build = [], [], [], [], []
        for c in model.candidates.candidates:
            for name, value in c.use:
                if name == resource:
                    cols.append(model.start_col[c.index])
                    start.append(c.start)
                    finish.append(c.finish)
                    amount.append(value)
                    is_build.append(False)
        for b in model.candidates.builds:
            for name, value in b.use:
                if name == resource:
                    cols.append(model.build_col[b.index])
                    start.append(b.start)
                    finish.append(b.finish)
                    amount.append(value)
                    is_build.append(True)
        return cls(
            np.asarray(cols, dtype=np.int64),
            np.asarray(start, dtype=np.int64),
            np.asarray(finish, dtype=np.int64),
            np.asarray(amount, dtype=np.float64),
            np.asarray(is_build, dtype=bool),
        )


def _resources_used(model: Formulation) -> list[str]:
    used = {name for c in model.candidates.candidates for name, _ in c.use}
    used |= {name for b in model.candidates.builds for name, _ in b.use}
    return sorted(used)


def add_resource_capacity(model: Formulation) -> None:
    """Rule 3: per resource and period, the use of everything in flight ≤ capacity.

    Built per resource with array masks (in flight ⇔ start ≤ t ≤ finish): these rows hold
    most of the model's non-zeros at estate scale. Terms are ordered candidates first, then
    builds, each in index order.
    """
    inventory = model.inventory
    uses = {resource: _Use.of(model, resource) for resource in _resources_used(model)}
    for period in range(inventory.axis.count):
        for resource in sorted(uses):
            use = uses[resource]
            live = (use.start <= period) & (period <= use.finish)
            if not live.any():
                continue
            # Candidates before builds, as the rule lists them.
            order = np.concatenate(
                [np.flatnonzero(live & ~use.is_build), np.flatnonzero(live & use.is_build)]
            )
            capacity = inventory.capacity(resource, period)
            key = (resource, model.label(period))
            model.add_capacity(
                "resource_capacity", key, use.cols[order], use.amount[order], capacity
            )


def add_resource_totals(model: Formulation) -> None:
    """Rule 3: a resource's `total` caps its use summed over the horizon."""
    for resource, spec in sorted(model.inventory.resources.items()):
        if spec.total is None:
            continue
        cols: list[int] = []
        amounts: list[float] = []
        for c in model.candidates.candidates:
            amount = dict(c.use).get(resource, 0.0)
            if amount:
                cols.append(model.start_col[c.index])
                amounts.append(amount * (c.finish - c.start + 1))
        for b in model.candidates.builds:
            amount = dict(b.use).get(resource, 0.0)
            if amount:
                cols.append(model.build_col[b.index])
                amounts.append(amount * (b.ready - b.start))
        if cols:
            model.add_capacity("resource_total", (resource,), cols, amounts, spec.total)


def _edges(model: Formulation, constraints: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(consumer, provider, constraint) for every dependency of the given kinds, sorted."""
    return sorted(
        (system.id, dep.system, dep.constraint)
        for system in model.inventory.systems
        for dep in system.depends_on
        if dep.constraint in constraints and model.inventory.has_system(dep.system)
    )


def add_dependency_order(model: Formulation) -> None:
    """Rule 4 (after, requires): a non-retire consumer starts after its non-retire provider.

    Per consumer start period t: "consumer started by t" + "provider modernised" −
    "provider finished before t" ≤ 1. The three terms are step variables tied to the start
    variables once per system (see `StepVariables`), so each row has three non-zeros instead
    of one per candidate — the same LP relaxation, much sparser (it matters at 5,000 systems).
    """
    pairs = sorted({(consumer, provider) for consumer, provider, _ in _edges(model, ORDERED)})
    steps = StepVariables(model)
    for consumer, provider in pairs:
        mine = [c for c in model.candidates.of(consumer) if not c.retires]
        theirs = [c for c in model.candidates.of(provider) if not c.retires]
        if not mine or not theirs:
            continue
        last_finish = max(c.finish for c in theirs)
        for period in sorted({c.start for c in mine}):
            if period > last_finish:
                break  # the provider has finished by now whichever start it took
            cols = [
                steps.started_by(consumer, period),
                steps.modernised(provider),
                steps.finished_before(provider, period),
            ]
            key = (consumer, provider, model.label(period))
            model.row("after", key, cols, [1.0, 1.0, -1.0], -INF, 1.0)


class StepVariables:
    """Cumulative "started by t" / "finished before t" variables of non-retire options.

    Defined by one recurrence row per system and period, in the `started_by`,
    `finished_before` and `modernised` families.
    """

    def __init__(self, model: Formulation):
        self.model = model
        self._started: dict[str, list[int]] = {}
        self._finished: dict[str, list[int]] = {}
        self._modernised: dict[str, int] = {}

    def _options(self, system: str) -> list[Candidate]:
        return [c for c in self.model.candidates.of(system) if not c.retires]

    def _chain(self, system: str, family: str, event: dict[int, list[Candidate]]) -> list[int]:
        model = self.model
        chain: list[int] = []
        for period in range(model.inventory.axis.count):
            label = model.label(period)
            col = model.column(f"{family}[{system},{label}]", 0, 1)
            events = model.chosen_cols(event.get(period, ()))
            cols = [col, *events]
            coefs = [1.0, *_ones(events, -1.0)]
            if chain:
                cols.append(chain[-1])
                coefs.append(-1.0)
            model.row(family, (system, label), cols, coefs, 0.0, 0.0)
            chain.append(col)
        return chain

    def started_by(self, system: str, period: int) -> int:
        if system not in self._started:
            starts: dict[int, list[Candidate]] = defaultdict(list)
            for c in self._options(system):
                starts[c.start].append(c)
            self._started[system] = self._chain(system, "started_by", starts)
        return self._started[system][period]

    def finished_before(self, system: str, period: int) -> int:
        if system not in self._finished:
            ends: dict[int, list[Candidate]] = defaultdict(list)
            for c in self._options(system):
                ends[c.finish + 1].append(c)  # finished before t ⇔ finish ≤ t − 1
            self._finished[system] = self._chain(system, "finished_before", ends)
        return self._finished[system][period]

    def modernised(self, system: str) -> int:
        if system not in self._modernised:
            model = self.model
            col = model.column(f"modernised[{system}]", 0, 1)
            events = model.chosen_cols(self._options(system))
            cols, coefs = [col, *events], [1.0, *_ones(events, -1.0)]
            model.row("modernised", (system,), cols, coefs, 0.0, 0.0)
            self._modernised[system] = col
        return self._modernised[system]


def add_requires(model: Formulation) -> None:
    """Rule 4 (requires): a non-retire consumer needs a non-retire provider."""
    pairs = sorted({(consumer, provider) for consumer, provider, _ in _edges(model, ("requires",))})
    for consumer, provider in pairs:
        mine = model.chosen_cols(c for c in model.candidates.of(consumer) if not c.retires)
        if not mine:
            continue
        theirs = model.chosen_cols(c for c in model.candidates.of(provider) if not c.retires)
        coefs = [*_ones(mine), *_ones(theirs, -1.0)]
        model.row("requires", (consumer, provider), [*mine, *theirs], coefs, -INF, 0.0)


def add_together(model: Formulation) -> None:
    """Rule 4 (together): both or neither are modernised, starting in the same period."""
    pairs = {tuple(sorted((a, b))) for a, b, _ in _edges(model, ("together",))}
    for a, b in sorted(pairs):
        ours, theirs = model.candidates.of(a), model.candidates.of(b)
        for period in sorted({c.start for c in ours} | {c.start for c in theirs}):
            mine = model.chosen_cols(c for c in ours if c.start == period)
            other = model.chosen_cols(c for c in theirs if c.start == period)
            coefs = [*_ones(mine), *_ones(other, -1.0)]
            model.row("together", (a, b, model.label(period)), [*mine, *other], coefs, 0.0, 0.0)


def add_safe_retirement(model: Formulation) -> None:
    """Rule 5: a system is retired only after every consumer has finished its own change."""
    consumers: dict[str, list[str]] = defaultdict(list)
    for consumer, provider, _ in _edges(model, ("after", "requires", "together")):
        consumers[provider].append(consumer)
    for provider in sorted(consumers):
        retirements = [c for c in model.candidates.of(provider) if c.retires]
        if not retirements:
            continue
        for consumer in sorted(set(consumers[provider])):
            theirs = model.candidates.of(consumer)
            for period in sorted({c.start for c in retirements}):
                retired_by = model.chosen_cols(c for c in retirements if c.start <= period)
                finished_before = model.chosen_cols(c for c in theirs if c.finish < period)
                cols = [*retired_by, *finished_before]
                coefs = [*_ones(retired_by), *_ones(finished_before, -1.0)]
                key = (provider, consumer, model.label(period))
                model.row("safe_retirement", key, cols, coefs, -INF, 0.0)


def add_platforms(model: Formulation) -> None:
    """Rule 6: built once, only if used, and ready before any option that requires it starts."""
    users: dict[str, dict[str, list[Candidate]]] = defaultdict(lambda: defaultdict(list))
    for c in model.candidates.candidates:
        for platform in c.platforms:
            users[platform][c.system].append(c)
    for platform in sorted(users):
        builds = model.candidates.by_platform.get(platform, [])
        built = model.built_cols(builds)
        model.row("platform_once", (platform,), built, _ones(built), -INF, 1.0)
        everyone = model.chosen_cols(c for cands in users[platform].values() for c in cands)
        cols, coefs = [*built, *everyone], [*_ones(built), *_ones(everyone, -1.0)]
        model.row("platform_used", (platform,), cols, coefs, -INF, 0.0)
        for system in sorted(users[platform]):
            mine = users[platform][system]
            for period in sorted({c.start for c in mine}):
                started = model.chosen_cols(c for c in mine if c.start <= period)
                ready = model.built_cols(b for b in builds if b.ready <= period)
                cols, coefs = [*started, *ready], [*_ones(started), *_ones(ready, -1.0)]
                key = (platform, system, model.label(period))
                model.row("platform_ready", key, cols, coefs, -INF, 0.0)


def add_risk_limits(model: Formulation) -> None:
    """Rule 7: concurrent high-risk work, total delivery risk, change per department."""
    risk = model.inventory.risk
    horizon = model.inventory.axis.count
    cands = model.candidates.candidates
    cols = np.asarray([model.start_col[c.index] for c in cands], dtype=np.int64)
    start = np.asarray([c.start for c in cands], dtype=np.int64)
    finish = np.asarray([c.finish for c in cands], dtype=np.int64)
    if risk.max_concurrent_high_risk is not None:
        limit = risk.max_concurrent_high_risk
        risky = np.asarray([c.delivery_risk >= risk.high_risk_threshold for c in cands], bool)
        for period in range(horizon):
            live = np.flatnonzero(risky & (start <= period) & (period <= finish))
            if len(live) > limit:
                key = (model.label(period),)
                model.row("high_risk_in_flight", key, cols[live], np.ones(len(live)), -INF, limit)
    if risk.max_total_delivery_risk is not None:
        weights = [float(c.delivery_risk) for c in cands]
        model.row("total_delivery_risk", (), cols, weights, -INF, risk.max_total_delivery_risk)
    if risk.max_concurrent_per_department is not None:
        limit = risk.max_concurrent_per_department
        names = sorted({c.department for c in cands})
        number = {name: i for i, name in enumerate(names)}
        department = np.asarray([number[c.department] for c in cands], dtype=np.int64)
        for period in range(horizon):
            live = (start <= period) & (period <= finish)
            for name in names:
                members = np.flatnonzero(live & (department == number[name]))
                if len(members) > limit:
                    key = (name, model.label(period))
                    ones = np.ones(len(members))
                    model.row("department_in_flight", key, cols[members], ones, -INF, limit)


def add_objective(model: Formulation) -> None:
    """Maximise the NPV of chosen options minus the discounted cost of platform setups."""
    terms = [(model.start_col[c.index], c.npv) for c in model.candidates.candidates]
    terms += [(model.build_col[b.index], -b.cost_pv) for b in model.candidates.builds]
    largest = max((abs(v) for _, v in terms), default=0.0)
    # Work in units where the largest value is of order 1 (solvers prefer it); the roadmap's
    # objective is recomputed in money from the chosen candidates anyway.
    model.objective_scale = 10.0 ** -math.floor(math.log10(largest)) if largest > 0 else 1.0
    scale = model.objective_scale
    model._cost = {col: value * scale for col, value in terms}

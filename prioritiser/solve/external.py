"""Every other MILP solver PuLP can reach: Gurobi, CPLEX, Xpress, SCIP, COPT, MOSEK, GLPK.

HiGHS (in process, the default) and the CBC bundled with PuLP have their own back ends;
any other solver is handed the same matrix through PuLP, when it is installed. The model is
built once as a PuLP problem (columns `c0…`, rows `r0…`, as the matrix orders them), the
greedy roadmap is its MIP start, and the answer is read back by column. Statuses follow the
one vocabulary of `SolveStatus`, with the gap computed here from the solver's own best bound
(read from its Python API; a command-line solver states none, so the bound is the one its
"optimal within the gap" promises, or the model's trivial bound), so `optimal` means the
same with every solver: within the asked gap of a proven bound.

Building PuLP objects costs seconds per hundred thousand non-zeros: these back ends suit
department-sized estates; HiGHS' staged search remains the one for thousands of systems.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from prioritiser.model.matrix import SolverInput
from prioritiser.solve import work
from prioritiser.solve.result import Limits, SolveResult, SolveStatus, Stage

Native = Any  # the solver's own model object (gurobipy.Model, cplex.Cplex, ...)
# A bound this close to the roadmap (in the model's objective units, where the largest
# coefficient is about 1) is proof of optimality: the solvers' own absolute tolerances
# leave bounds a hair above an optimum they have proven.
TOLERANCE = 1e-5


@dataclass(frozen=True)
class Adapter:
    """What PuLP does not say in one vocabulary, read from a solver's Python API."""

    configure: Callable[[Native, Limits, int], None]  # threads, seed, node limit
    bound: Callable[[Native], float | None]  # best bound of the maximisation
    infeasible: Callable[[Native], bool]  # proven infeasible (not merely stopped)


@dataclass(frozen=True)
class External:
    """A solver `--solver NAME` reaches through PuLP."""

    name: str
    label: str  # as roadmap.json names it
    pulp: tuple[str, ...]  # PuLP solver classes, the Python API first
    install: str  # how to get it
    adapter: Adapter | None = None  # for the first PuLP class (its Python API)


def _gurobi_configure(model: Native, limits: Limits, nodes: int) -> None:
    model.setParam("Seed", int(limits.seed) % 2_000_000_000)
    if limits.threads is not None:
        model.setParam("Threads", int(limits.threads))
    if nodes:
        model.setParam("NodeLimit", float(nodes))


def _cplex_configure(model: Native, limits: Limits, nodes: int) -> None:
    model.parameters.randomseed.set(int(limits.seed) % 2_000_000_000)
    if limits.threads is not None:
        model.parameters.threads.set(int(limits.threads))
    if nodes:
        model.parameters.mip.limits.nodes.set(nodes)


def _xpress_configure(model: Native, limits: Limits, nodes: int) -> None:
    model.controls.randomseed = int(limits.seed) % 2_000_000_000
    if limits.threads is not None:
        model.controls.threads = int(limits.threads)
    if nodes:
        model.controls.maxnode = nodes


def _scip_configure(model: Native, limits: Limits, nodes: int) -> None:
    model.setParam("randomization/randomseedshift", int(limits.seed) % 2_000_000_000)
    if nodes:
        model.setParam("limits/totalnodes", nodes)


def _cplex_bound(model: Native) -> float | None:
    return float(model.solution.MIP.get_best_objective())


def _cplex_infeasible(model: Native) -> bool:
    status = model.solution.status
    proven = (status.infeasible, status.MIP_infeasible, status.infeasible_or_unbounded)
    return model.solution.get_status() in (*proven, status.MIP_infeasible_or_unbounded)


def _xpress_infeasible(model: Native) -> bool:
    from xpress.enums import MIPStatus

    return bool(model.attributes.mipstatus == MIPStatus.INFEAS)


SOLVERS: dict[str, External] = {
    spec.name: spec
    for spec in (
        External(
            "gurobi",
            "Gurobi",
            ("GUROBI", "GUROBI_CMD"),
            "pip install gurobipy (a size-limited licence comes with it)",
            Adapter(
                _gurobi_configure,
                lambda m: float(m.ObjBound),
                lambda m: int(m.Status) in (3, 4),  # INFEASIBLE, INF_OR_UNBD
            ),
        ),
        External(
            "cplex",
            "CPLEX",
            ("CPLEX_PY", "CPLEX_CMD"),
            "pip install cplex (the Community Edition is size-limited)",
            Adapter(_cplex_configure, _cplex_bound, _cplex_infeasible),
        ),
        External(
            "xpress",
            "Xpress",
            ("XPRESS_PY", "XPRESS"),
            "pip install xpress (a size-limited community licence comes with it)",
            Adapter(
                _xpress_configure,
                lambda m: float(m.attributes.bestbound),
                _xpress_infeasible,
            ),
        ),
        External(
            "scip",
            "SCIP",
            ("SCIP_PY", "SCIP_CMD"),
            "pip install pyscipopt (or pip install 'prioritiser[scip]')",
            Adapter(
                _scip_configure,
                lambda m: float(m.getDualbound()),
                lambda m: m.getStatus() == "infeasible",
            ),
        ),
        External("copt", "COPT", ("COPT", "COPT_CMD"), "pip install coptpy"),
        External("mosek", "MOSEK", ("MOSEK",), "pip install mosek"),
        External("glpk", "GLPK", ("GLPK_CMD",), "install glpsol (e.g. apt install glpk-utils)"),
    )
}


@functools.cache
def available_class(spec: External) -> str | None:
    """The first of the solver's PuLP classes that is installed here, or None (asked once
    per process: asking Gurobi opens its licence)."""
    import pulp

    for name in spec.pulp:
        with warnings.catch_warnings(), quiet_stdout():
            warnings.simplefilter("ignore")
            try:
                if pulp.getSolver(name, msg=False).available():
                    return name
            except Exception:  # a broken install or licence says "not available" its own way
                continue
    return None


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Solvers' own banners (a licence notice) written straight to file descriptor 1 go to
    standard error instead: our stdout may carry JSON, and only the CLI writes there."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def solve_external(spec: External, data: SolverInput, limits: Limits, scale: float) -> SolveResult:
    """Solve the matrix with `spec` through PuLP (installed: see `available_class`)."""
    cls = available_class(spec)
    if cls is None:  # checked before the model was built; the install went away
        raise RuntimeError(f"{spec.label} is not available")
    m = data.matrix
    version = _version(spec)
    empty = np.diff(m.starts) == 0
    if np.any(empty & ((m.row_lower > 1e-9) | (m.row_upper < -1e-9))):
        # A mandate with no candidate left (`one_option == 1` with no terms).
        return SolveResult(SolveStatus.INFEASIBLE, None, None, 0.0, version, data.start, data.build)
    problem, variables = _problem(data)
    nodes = work.nodes(limits.work_limit) if limits.work_limit is not None else 0
    options: dict[str, Any] = {"msg": False, "gapRel": float(limits.gap)}
    if limits.time_limit is not None:
        options["timeLimit"] = float(max(limits.time_limit, 0.01))
    if limits.threads is not None:
        options["threads"] = int(limits.threads)
    if data.initial is not None:
        for variable, value in zip(variables, data.initial, strict=True):
            variable.setInitialValue(float(value))
        options["warmStart"] = True
    solver = _solver(cls, options, nodes)
    adapter = spec.adapter if cls == spec.pulp[0] else None
    with warnings.catch_warnings(), quiet_stdout():
        warnings.simplefilter("ignore")
        if adapter is not None:
            solver.buildSolverModel(problem)
            adapter.configure(problem.solverModel, limits, nodes)
            solver.callSolver(problem)
            solver.findSolutionValues(problem)
        else:
            problem.solve(solver)
    return _result(spec, data, problem, variables, adapter, limits, scale, version)


def _problem(data: SolverInput) -> tuple[Any, list[Any]]:
    """The matrix as a PuLP problem: maximise cost · x, one constraint per finite side."""
    import pulp

    m = data.matrix
    problem = pulp.LpProblem("prioritiser", pulp.LpMaximize)
    variables = []
    for i in range(m.num_col):
        low = None if not math.isfinite(m.lower[i]) else float(m.lower[i])
        up = None if not math.isfinite(m.upper[i]) else float(m.upper[i])
        binary = m.integer[i] and low == 0.0 and up == 1.0
        category = (
            pulp.LpBinary if binary else pulp.LpInteger if m.integer[i] else pulp.LpContinuous
        )
        variables.append(problem.add_variable(f"c{i}", low, up, category))
    costs = np.flatnonzero(m.cost)
    problem.setObjective(pulp.LpAffineExpression([(variables[i], float(m.cost[i])) for i in costs]))
    for row in range(m.num_row):
        begin, end = int(m.starts[row]), int(m.starts[row + 1])
        if begin == end:
            continue
        cols, coefs = m.index[begin:end], m.value[begin:end]
        terms = [(variables[j], float(v)) for j, v in zip(cols, coefs, strict=True)]
        low, up = float(m.row_lower[row]), float(m.row_upper[row])
        if low == up:
            problem.addConstraint(pulp.LpAffineExpression(terms) == up, f"r{row}")
            continue
        if math.isfinite(up):
            problem.addConstraint(pulp.LpAffineExpression(terms) <= up, f"r{row}")
        if math.isfinite(low):
            problem.addConstraint(pulp.LpAffineExpression(terms) >= low, f"r{row}_low")
    return problem, variables


def _solver(cls: str, options: dict[str, Any], nodes: int) -> Any:
    """PuLP's solver `cls` with the options it accepts (not every class takes every one)."""
    import pulp

    if nodes and cls in ("SCIP_PY", "CPLEX_CMD", "SCIP_CMD"):
        options = {**options, "maxNodes": nodes}
    try:
        return pulp.getSolver(cls, **options)
    except TypeError:
        # A class without threads or a MIP start: solve without them.
        kept = {k: v for k, v in options.items() if k in ("msg", "gapRel", "timeLimit")}
        return pulp.getSolver(cls, **kept)


def _result(
    spec: External,
    data: SolverInput,
    problem: Any,
    variables: list[Any],
    adapter: Adapter | None,
    limits: Limits,
    scale: float,
    version: str,
) -> SolveResult:
    import pulp

    values = [v.varValue for v in variables]
    has_plan = bool(values) and all(v is not None for v in values)
    has_plan = has_plan and problem.sol_status in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    )
    native = getattr(problem, "solverModel", None)
    infeasible = False
    bound = None
    if adapter is not None and native is not None:
        try:
            infeasible = adapter.infeasible(native)
            bound = None if infeasible or not has_plan else adapter.bound(native)
        except Exception:  # a solver without a bound after an early stop states none
            bound = None
    elif problem.status == pulp.LpStatusInfeasible and not has_plan:
        # A command-line solver: its own "infeasible" is all there is to go on.
        infeasible = limits.time_limit is None and limits.work_limit is None
    columns = np.asarray(values, dtype=np.float64) if has_plan else None
    if columns is not None:
        objective = float(data.matrix.cost @ columns)
        if bound is None and problem.sol_status == pulp.LpSolutionOptimal:
            bound = objective + limits.gap * max(abs(objective), 1e-9)  # what "optimal" promised
        bound = None if bound is None or not math.isfinite(bound) else max(bound, objective)
        proven = bound is not None and bound - objective <= limits.gap * abs(objective) + TOLERANCE
        status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
    else:
        status = SolveStatus.INFEASIBLE if infeasible else SolveStatus.NO_SOLUTION
    stage = Stage(spec.label, pulp.LpStatus.get(problem.status, str(problem.status)))
    money = None if bound is None else bound / scale
    return SolveResult(status, columns, money, 0.0, version, data.start, data.build, [stage])


def _version(spec: External) -> str:
    from importlib.metadata import PackageNotFoundError, version

    package = {"gurobi": "gurobipy", "cplex": "cplex", "xpress": "xpress", "scip": "PySCIPOpt"}
    try:
        return version(package.get(spec.name, spec.name))
    except PackageNotFoundError:
        return "installed"

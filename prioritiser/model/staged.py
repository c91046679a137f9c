"""Solving an estate-sized model in stages, inside one time limit (HiGHS).

Branch and bound on the whole model spends its first minute at estate scale on presolve
and on cut rounds at the root before its own heuristics run; meanwhile the best roadmap it
holds is whatever it was started from. The stages below find a near-optimal roadmap first
and prove its gap against the LP relaxation:

1. **Greedy start** — the ranking baseline, always feasible when anything is.
2. **LP relaxation** — its optimum bounds every roadmap; its values say which option and
   start each system leans to.
3. **Rounding** — place candidates in decreasing LP value with the greedy's rule checks.
4. **Neighbourhood search (RINS)** — fix every candidate on which the LP and the rounded
   roadmap agree and let HiGHS optimise the rest (a few thousand binaries at most).
5. **Branch and bound** on the whole model from the best roadmap so far, when the time
   left is long enough for its root to finish.

The run stops as soon as the best roadmap is within the asked gap of the best bound. Every
roadmap kept is completed and verified by HiGHS against the model's rows (integer columns
fixed, an LP for the step variables), so nothing unchecked leaves this module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from prioritiser.economics import Economics
from prioritiser.model.backends import (
    Limits,
    Progress,
    ProgressFn,
    SolveResult,
    finite,
    highs_version,
    load_highs,
    solve_highs,
)
from prioritiser.model.formulation import Formulation, Matrix, SolverInput
from prioritiser.model.greedy import Greedy

COUPLING_SHARE = 0.8  # of the time left, for the relaxation of the shared rows
LP_SHARE = 0.6  # of the time left, for the LP relaxation
# The full LP takes about this many times the coupling relaxation (5-7x measured from 1,000
# to 5,000 systems); it is tried only when that fits its share of the time left.
FULL_LP_FACTOR = 6.0
RINS_SHARE = 0.6  # of the time left after rounding, when branch and bound follows
# Branch and bound on the whole model is worth starting when the time left is at least this
# many LP-relaxation times (presolve, root LP, cuts and heuristics).
ROOT_FACTOR = 4.0
# The neighbourhood is searched to near optimality (its own bound is not the global one).
NEIGHBOURHOOD_GAP = 1e-4
# Above this many non-zeros HiGHS' MIP presolve takes tens of seconds and cannot be
# interrupted; a time limit must be honoured, so presolve is off there.
PRESOLVE_NONZEROS = 1_500_000
FEASIBILITY = 1e-6


@dataclass
class Best:
    """The best roadmap so far (as column values) and the best bound, in money."""

    columns: np.ndarray | None = None
    objective: float = -np.inf
    bound: float = np.inf
    log: list[str] = field(default_factory=list)

    def offer(self, columns: np.ndarray | None, objective: float, source: str) -> bool:
        if columns is None or objective <= self.objective:
            return False
        self.columns, self.objective = columns, objective
        self.log.append(f"{source}: {objective:,.0f}")
        return True

    def gap(self) -> float:
        if self.columns is None or not np.isfinite(self.bound):
            return np.inf
        return max(0.0, self.bound - self.objective) / max(abs(self.objective), 1.0)


class Clock:
    """Seconds left before the deadline (None: no limit) and the stop request."""

    def __init__(self, began: float, time_limit: float | None, limits: Limits):
        self.deadline = None if time_limit is None else time.monotonic() + time_limit
        self.began = began
        self.limits = limits

    def left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def share(self, fraction: float) -> float | None:
        left = self.left()
        return None if left is None else left * fraction

    def out(self, needed: float = 0.5) -> bool:
        left = self.left()
        stopped = self.limits.stop is not None and self.limits.stop.is_set()
        return stopped or (left is not None and left < needed)

    def elapsed(self) -> float:
        return time.monotonic() - self.began


def solve_staged(
    model: Formulation,
    economics: Economics,
    limits: Limits,
    progress: ProgressFn | None = None,
    began: float | None = None,
) -> SolveResult:
    """Solve `model` (untouched by PuLP) in the stages of this module's docstring."""
    began = time.monotonic() if began is None else began
    clock = Clock(began, limits.time_limit, limits)
    data = model.solver_input()
    scale = model.objective_scale
    best = Best(bound=_unconstrained_bound(model, data))
    details: dict[str, Any] = {"stages": best.log}

    def report(phase: str) -> None:
        if progress:
            incumbent = best.objective if best.columns is not None else None
            progress(Progress(clock.elapsed(), incumbent, finite(best.bound), phase))

    greedy = Greedy(model.inventory, economics, model.candidates).run()
    if greedy is not None:
        best.offer(*verified(data, _columns(data, *greedy), scale), "greedy")
    report("greedy start")

    # The LP relaxation, or on estates too large for it in the time left, the relaxation
    # that keeps only the rows shared by every system (capacity and risk): it solves several
    # times faster and still bounds every roadmap.
    shared = _coupling(model)
    highs = load_highs(SolverInput(_rows(data.matrix, shared), data.start, data.build), mip=False)
    relaxed = _relaxation(highs, scale, clock.share(COUPLING_SHARE), details, "coupling")
    lp = None
    if relaxed is not None:
        best.bound = min(best.bound, relaxed.bound)
        report("relaxation of the shared rows")
        left = clock.left()
        if left is None or FULL_LP_FACTOR * relaxed.seconds <= LP_SHARE * left:
            # The other rows are added to the solved relaxation: dual simplex goes on from
            # its basis (the LP has the same optimum whatever the order of its rows).
            _add_rows(highs, _rows(data.matrix, ~shared))
            lp = _relaxation(highs, scale, clock.share(LP_SHARE), details, "lp")
    if lp is not None:
        best.bound = min(best.bound, lp.bound)
        report("LP relaxation")
    guide = lp or relaxed
    infeasible = any(details.get(k, {}).get("status") == "Infeasible" for k in ("coupling", "lp"))
    if guide is not None and not _done(best, limits) and not clock.out():
        weight = guide.columns[data.start]
        rounded = Greedy(model.inventory, economics, model.candidates).run_guided(weight)
        if rounded is not None:
            best.offer(*verified(data, _columns(data, *rounded), scale), "rounding")
        report("rounding")
    left = clock.left()
    root_fits = lp is not None and (left is None or left >= ROOT_FACTOR * lp.seconds)
    searching = guide is not None and best.columns is not None
    if searching and not _done(best, limits) and not clock.out(1.0):
        assert guide is not None
        share = RINS_SHARE if root_fits else 1.0
        # RINS fixes what the LP and the roadmap agree on; from the coarser relaxation
        # (which ignores dependencies) it frees whole systems where they disagree.
        free = _disagreeing_systems(model, data, guide.columns, best) if lp is None else None
        found = _neighbourhood(data, guide.columns, best, limits, clock.share(share), scale, free)
        best.offer(*found, "neighbourhood search")
        report("neighbourhood search")
    # Branch and bound when its root fits in the time left, or as the last resort when
    # nothing else found a roadmap (or the relaxation found none exists).
    wanted = root_fits or best.columns is None or infeasible
    whole = wanted and not (_done(best, limits) or clock.out(1.0))
    proven = False
    if whole:
        result = _branch_and_bound(data, best, limits, clock.left(), scale, progress, began)
        details["branch_and_bound"] = result.details
        if result.columns is not None:
            best.offer(*verified(data, result.columns, scale), "branch and bound")
        if result.bound is not None:
            best.bound = min(best.bound, max(result.bound, best.objective))
        # HiGHS proved its roadmap optimal within the gap (in its own terms); ours is as good.
        proven = result.status == "optimal" and best.columns is not None
        infeasible = infeasible or result.status == "infeasible"
    version = highs_version()
    if best.columns is None:
        status = "infeasible" if infeasible else "no_solution"
        return SolveResult(status, None, None, 0.0, version, details)
    status = "optimal" if proven or _done(best, limits) else "feasible"
    return SolveResult(status, best.columns, finite(best.bound), 0.0, version, details)


COUPLING = (
    "one_option",
    "resource_capacity",
    "resource_total",
    "high_risk_in_flight",
    "department_in_flight",
    "total_delivery_risk",
)


def _coupling(model: Formulation) -> np.ndarray:
    """Rows kept by the coarse relaxation: one option per system, capacity and risk."""
    return np.isin(np.asarray(model.family_of_rows(), dtype=object), COUPLING)


def _rows(matrix: Matrix, keep: np.ndarray) -> Matrix:
    """The matrix with only the rows in `keep` (columns unchanged)."""
    lengths = np.diff(matrix.starts)
    entries = np.repeat(keep, lengths)
    return replace(
        matrix,
        row_lower=matrix.row_lower[keep],
        row_upper=matrix.row_upper[keep],
        starts=np.concatenate([[0], np.cumsum(lengths[keep])]).astype(np.int64),
        index=matrix.index[entries],
        value=matrix.value[entries],
    )


def _unconstrained_bound(model: Formulation, data: SolverInput) -> float:
    """Every system at its most valuable candidate, no rule but one option each: a bound."""
    cost = data.matrix.cost[data.start] if len(data.start) else np.zeros(0)
    total = 0.0
    for system in model.inventory.systems:
        mine = [cost[c.index] for c in model.candidates.of(system.id)]
        mandatory = system.must_modernise_by is not None or system.locked is not None
        if mine:
            total += max(mine) if mandatory else max(0.0, max(mine))
    return total / model.objective_scale


def _disagreeing_systems(
    model: Formulation, data: SolverInput, guide: np.ndarray, best: Best
) -> np.ndarray:
    """Integer columns of the systems whose roadmap choice differs from the relaxation's."""
    assert best.columns is not None
    differ = np.abs(guide[data.start] - best.columns[data.start]) > FEASIBILITY
    systems = {c.system for c in model.candidates.candidates if differ[c.index]}
    free = np.zeros(data.matrix.num_col, dtype=bool)
    chosen = [c.index for c in model.candidates.candidates if c.system in systems]
    free[data.start[chosen]] = True
    free[data.build] = True
    return free


def _done(best: Best, limits: Limits) -> bool:
    return best.gap() <= limits.gap + 1e-12


def _objective(data: SolverInput, columns: np.ndarray, scale: float) -> float:
    return float(data.matrix.cost @ columns) / scale


def _columns(data: SolverInput, picks: list, builds: list) -> np.ndarray:
    """Integer column values of a roadmap (step variables left at 0 for `_verified`)."""
    columns = np.zeros(data.matrix.num_col)
    columns[data.start[[c.index for c in picks]]] = 1.0
    columns[data.build[[b.index for b in builds]]] = 1.0
    return columns


def verified(
    data: SolverInput, columns: np.ndarray, scale: float
) -> tuple[np.ndarray | None, float]:
    """Fix the integer columns at `columns`, let HiGHS set the rest; None if a row breaks.

    Returns the completed column values and their objective (money).
    """
    import highspy

    matrix = data.matrix
    fixed = np.round(columns)
    lower = np.where(matrix.integer, fixed, matrix.lower)
    upper = np.where(matrix.integer, fixed, matrix.upper)
    highs = load_highs(data, mip=False)
    highs.changeColsBounds(matrix.num_col, np.arange(matrix.num_col, dtype=np.int32), lower, upper)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, -np.inf
    full = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    full[matrix.integer] = fixed[matrix.integer]
    activity = _activity(matrix, full)
    slack = np.maximum(matrix.row_lower - activity, activity - matrix.row_upper)
    if len(slack) and float(slack.max()) > FEASIBILITY:
        return None, -np.inf
    return full, _objective(data, full, scale)


def _activity(matrix: Any, columns: np.ndarray) -> np.ndarray:
    rows = np.repeat(np.arange(matrix.num_row), np.diff(matrix.starts))
    return np.bincount(rows, weights=matrix.value * columns[matrix.index], minlength=matrix.num_row)


@dataclass
class _Relaxation:
    columns: np.ndarray
    bound: float
    seconds: float


def _relaxation(
    highs: Any, scale: float, time_limit: float | None, details: dict[str, Any], key: str
) -> _Relaxation | None:
    """Solve the LP held by `highs`; None when it does not finish in `time_limit`."""
    import highspy

    began = time.monotonic()
    if time_limit is not None:
        # HiGHS counts its time limit over every run of the instance.
        spent = float(highs.getRunTime())
        highs.setOptionValue("time_limit", spent + max(float(time_limit), 0.1))
    highs.run()
    seconds = time.monotonic() - began
    status = highs.getModelStatus()
    details[key] = {"seconds": round(seconds, 2), "status": highs.modelStatusToString(status)}
    if status != highspy.HighsModelStatus.kOptimal:
        return None
    columns = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    bound = -highs.getInfo().objective_function_value / scale
    return _Relaxation(columns, bound, seconds)


def _add_rows(highs: Any, rows: Matrix) -> None:
    import highspy

    inf = highspy.kHighsInf
    highs.addRows(
        rows.num_row,
        np.clip(rows.row_lower, -inf, inf),
        np.clip(rows.row_upper, -inf, inf),
        rows.nonzeros,
        rows.starts[:-1].astype(np.int32),
        rows.index.astype(np.int32),
        rows.value,
    )


def _neighbourhood(
    data: SolverInput,
    relaxed: np.ndarray,
    best: Best,
    limits: Limits,
    time_limit: float | None,
    scale: float,
    free: np.ndarray | None = None,
) -> tuple[np.ndarray | None, float]:
    """RINS: integer columns where the LP and the best roadmap agree are fixed (or all but
    `free`); HiGHS does the rest, stopping once within the gap of the global bound."""
    assert best.columns is not None
    matrix = data.matrix
    if free is None:
        agree = matrix.integer & (np.abs(relaxed - best.columns) <= FEASIBILITY)
    else:
        agree = matrix.integer & ~free
    lower = np.where(agree, np.round(best.columns), matrix.lower)
    upper = np.where(agree, np.round(best.columns), matrix.upper)
    sub = SolverInput(
        _with_bounds(matrix, lower, upper), data.start, data.build, initial=best.columns
    )
    target = best.bound / (1.0 + limits.gap) if np.isfinite(best.bound) else None
    gap = min(limits.gap, NEIGHBOURHOOD_GAP)
    sub_limits = Limits(time_limit, gap, limits.threads, limits.seed, limits.stop)
    result, _ = solve_highs(sub, sub_limits, scale, target=target)
    if result.columns is None:
        return None, -np.inf
    return verified(data, result.columns, scale)


def _with_bounds(matrix: Matrix, lower: np.ndarray, upper: np.ndarray) -> Matrix:
    return replace(matrix, lower=lower, upper=upper)


def _branch_and_bound(
    data: SolverInput,
    best: Best,
    limits: Limits,
    time_limit: float | None,
    scale: float,
    progress: ProgressFn | None,
    began: float,
) -> SolveResult:
    """HiGHS on the whole model from the best roadmap so far."""
    start = best.columns if best.columns is not None else data.initial
    whole = SolverInput(data.matrix, data.start, data.build, initial=start)
    options = dict(limits.options)
    if data.matrix.nonzeros > PRESOLVE_NONZEROS:
        options.setdefault("presolve", "off")
    run_limits = Limits(time_limit, limits.gap, limits.threads, limits.seed, limits.stop, options)
    target = best.bound / (1.0 + limits.gap) if np.isfinite(best.bound) else None
    result, _ = solve_highs(whole, run_limits, scale, progress, began, target=target)
    return result

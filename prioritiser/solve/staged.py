"""Solving an estate-sized model in stages, inside one time limit (HiGHS).

Branch and bound on the whole model spends its first minute at estate scale on presolve
and on cut rounds at the root before its own heuristics run; meanwhile the best roadmap it
holds is whatever it was started from. The stages below find a near-optimal roadmap first
and prove its gap against a relaxation:

1. **Greedy start** — the ranking baseline, always feasible when anything is.
2. **LP relaxation** — its optimum bounds every roadmap; its values say which option and
   start each system leans to. On large models under a time limit it runs on the other
   core (when it can finish in time), and meanwhile the **coarse relaxation** — only the
   rows shared by every system: one option each, capacity, risk — bounds and guides.
3. **Rounding** — place candidates in decreasing relaxation value with the greedy's checks.
4. **Neighbourhood search (RINS)** — fix every candidate on which the relaxation and the
   rounded roadmap agree and let HiGHS optimise the rest; then (`lns`), on department-sized
   models, the systems in flight in one **window** of periods at a time, sweep after sweep
   while a sweep still pays; on large ones, while the LP is on its way or when branch and
   bound would not fit, one **department**'s systems at a time.
5. **Branch and bound** on the whole model from the best roadmap so far, when the time
   left is long enough for its root to finish.

The run stops as soon as the best roadmap is within the asked gap of the best bound. Every
roadmap kept is completed and verified by HiGHS against the model's rows (integer columns
fixed, an LP for the step variables), so nothing unchecked leaves this module. Without a
time limit, or under a work limit (`--deterministic`), every stage runs in order on one
thread and each neighbourhood stops after a fixed amount of work, so a run is repeatable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from prioritiser.model.formulation import Formulation
from prioritiser.model.matrix import Matrix, SolverInput
from prioritiser.solve import work
from prioritiser.solve.clock import Best, Clock
from prioritiser.solve.greedy import Greedy
from prioritiser.solve.highs import highs_version, load_highs, solve_highs
from prioritiser.solve.lns import (
    WINDOW_WORK,
    Neighbourhoods,
    WindowSearch,
    disagreeing_systems,
    neighbourhood,
)
from prioritiser.solve.result import (
    Limits,
    Progress,
    ProgressFn,
    SolveResult,
    SolveStatus,
    Stage,
    finite,
)
from prioritiser.solve.warm import columns_of, verified

COUPLING_SHARE = 0.8  # of the time left, for the relaxation of the shared rows
LP_SHARE = 0.8  # of the time left, for the LP relaxation when it is waited for
# Up to this many non-zeros (1,000 systems x 12 quarters) the LP relaxation takes seconds
# and is waited for; above, it runs on another core while the search goes on (interior
# point from scratch measured 72 s at 3,000 x 16, continuing the coarse relaxation's basis
# with dual simplex 216 s, so it starts from scratch at once).
FOREGROUND_NONZEROS = 500_000
# Above it, the LP runs in the background only when it is expected to finish in this share
# of the time left: otherwise it would only slow the search down (both cores are busy).
BACKGROUND_SHARE = 0.9


def expected_lp_seconds(nonzeros: int) -> float:
    """Seconds the LP relaxation is expected to take on one core of a laptop-class machine.

    Fitted to interior point from scratch on generated estates: 12 s at 0.66m non-zeros
    (1,000 x 16), 41 s at 1.33m (3,000 x 12), 72 s at 2.0m (3,000 x 16), over 120 s at
    3.3m (5,000 x 16).
    """
    return float(12.0 * (nonzeros / 663_667) ** 1.65)


RINS_SHARE = 0.6  # of the time left after rounding, when branch and bound follows
# ... and at most this many LP times (RINS_FLOOR seconds at least): at 200 systems x 12 the
# share spent 35 s of 53 in RINS for 0.58 %, which branch and bound then proved at its root
# in 14 s (docs/benchmarks.md). At 500 systems RINS finishes on its own in 5 s.
RINS_LP_FACTOR = 8.0
RINS_FLOOR = 3.0
# Branch and bound on the whole model is worth starting when the time left is at least this
# many LP-relaxation times (presolve, root LP, cuts and heuristics).
ROOT_FACTOR = 4.0
# Department-by-department search: rounds of at least this many seconds (a neighbourhood's
# presolve alone takes 3 s at 3,000 systems), at most this many sweeps over the departments.
MIN_ROUND = 6.0
LNS_SWEEPS = 2
# Window-by-window search (department-sized models): at most this many sweeps over the
# windows, and this share of the time left under a limit (branch and bound needs the rest
# to prove the gap).
WINDOW_SWEEPS = 3
WINDOW_SHARE = 0.5
# The first, brief branch and bound (reference seconds of work, `work`): the demo's
# baseline is proven in its root node.
PROBE_WORK = 3.0


def solve_staged(
    model: Formulation,
    limits: Limits,
    progress: ProgressFn | None = None,
    began: float | None = None,
) -> SolveResult:
    """Solve a plain model (see `Formulation.plain`) in the stages of this module's docstring."""
    began = time.monotonic() if began is None else began
    data = model.solver_input()
    nonzeros = data.matrix.nonzeros
    clock = Clock(began, limits, nonzeros)
    scale = model.objective_scale
    best = Best(bound=unconstrained_bound(model, data))
    details = best.log

    def report(phase: str) -> None:
        if progress:
            incumbent = best.objective if best.columns is not None else None
            progress(Progress(clock.elapsed(), incumbent, finite(best.bound), phase))

    greedy = Greedy(model.estate, model.graph, model.candidates).run()
    if greedy is not None:
        best.offer(*verified(data, columns_of(data, *greedy), scale), "greedy")
    if model.initial and data.initial is not None:
        _warm_start(model, data, data.initial, best)
    report("greedy start")

    search = _Search(model, data, best, limits, clock, scale, report, details)
    small = nonzeros <= FOREGROUND_NONZEROS
    background = _start_relaxation(search, small)
    try:
        if search.lp is None:
            search.coarse()
        proven = False
        if small and search.lp is not None:
            # Branch and bound briefly first (most department models are proven at its
            # root); the window search only where that was not enough.
            proven = _settle(
                search, _branch_and_bound(data, best, clock, scale, progress, began, PROBE_WORK)
            )
            if not (proven or best.done(limits)):
                search.by_window()
        search.between = background
        search.by_department()
    finally:
        if background is not None:
            background.cancel()
    infeasible = search.infeasible()
    # Branch and bound when its root fits in the time left, or as the last resort when
    # nothing else found a roadmap (or a relaxation found none exists).
    root_fits = search.lp is not None and _root_fits(clock, search.lp)
    wanted = root_fits or best.columns is None or infeasible
    if wanted and not (proven or best.done(limits) or clock.out(1.0)):
        result = _branch_and_bound(data, best, clock, scale, progress, began)
        proven = _settle(search, result)
        infeasible = infeasible or result.status is SolveStatus.INFEASIBLE
    return _outcome(data, best, limits, proven, infeasible)


def _start_relaxation(search: _Search, small: bool) -> _Background | None:
    """Solve the LP relaxation now when it is small or there is no clock; else start it on
    the other core when it can finish in time (returned), or leave it out."""
    data, clock, scale, details = search.data, search.clock, search.scale, search.details
    if clock.limit is None or small:
        # Small enough to wait for (and, without a time limit, the same run every time).
        search.found_lp(_relaxation(_lp(data), scale, clock, LP_SHARE, details, "lp"))
    elif expected_lp_seconds(data.matrix.nonzeros) <= BACKGROUND_SHARE * (clock.left() or 0.0):
        if clock.by_work:
            # No second thread under a work limit: the LP is waited for when it fits.
            search.found_lp(_relaxation(_lp(data), scale, clock, LP_SHARE, details, "lp"))
        else:
            # The LP relaxation takes tens of seconds at 3,000 systems: when it can finish
            # in time it runs on the other core while the coarse relaxation guides a first
            # search on this one.
            return _Background(_lp(data), scale, clock, details)
    return None


def _outcome(
    data: SolverInput, best: Best, limits: Limits, proven: bool, infeasible: bool
) -> SolveResult:
    """The staged solve's result: the best roadmap found, and how far it is proven."""
    version, details = highs_version(), best.log
    if best.columns is None:
        status = SolveStatus.INFEASIBLE if infeasible else SolveStatus.NO_SOLUTION
        return SolveResult(status, None, None, 0.0, version, data.start, data.build, details)
    status = SolveStatus.OPTIMAL if proven or best.done(limits) else SolveStatus.FEASIBLE
    bound = finite(best.bound)
    return SolveResult(status, best.columns, bound, 0.0, version, data.start, data.build, details)


@dataclass
class _Search:
    """The heuristic stages between the greedy start and branch and bound."""

    model: Formulation
    data: SolverInput
    best: Best
    limits: Limits
    clock: Clock
    scale: float
    report: Callable[[str], None]
    details: list[Stage]
    lp: _Relaxation | None = None
    between: _Background | None = None

    def coarse(self) -> None:
        """The relaxation of the shared rows only (several times faster than the LP, still
        a bound), rounding from it, and RINS on the systems where they disagree."""
        data, shared = self.data, _coupling(self.model)
        highs = _lp(SolverInput(_rows(data.matrix, shared), data.start, data.build))
        relaxed = _relaxation(
            highs, self.scale, self.clock, COUPLING_SHARE, self.details, "coupling"
        )
        if relaxed is None:
            return
        self.best.bound = min(self.best.bound, relaxed.bound)
        self.report("relaxation of the shared rows")
        self.round_and_search(relaxed, coarse=True)

    def found_lp(self, lp: _Relaxation | None) -> None:
        """The LP relaxation: its bound, rounding from it, and RINS."""
        if lp is None:
            return
        self.lp = lp
        self.best.bound = min(self.best.bound, lp.bound)
        self.report("LP relaxation")
        self.round_and_search(lp, coarse=False)

    def round_and_search(self, guide: _Relaxation, coarse: bool) -> None:
        best, clock, data = self.best, self.clock, self.data
        if best.done(self.limits) or clock.out():
            return
        weight = guide.columns[data.start]
        model = self.model
        rounded = Greedy(model.estate, model.graph, model.candidates)
        placed = rounded.run_guided(weight)
        if placed is not None:
            best.offer(*verified(data, columns_of(data, *placed), self.scale), "rounding")
        self.report("rounding")
        if best.columns is None or best.done(self.limits) or clock.out(1.0):
            return
        share = RINS_SHARE if coarse or _root_fits(clock, guide) else 1.0
        # RINS fixes what the LP and the roadmap agree on; from the coarser relaxation
        # (which ignores dependencies) it frees whole systems where they disagree.
        free = disagreeing_systems(model, data, guide.columns, best.columns) if coarse else None
        seconds = clock.share(share)
        if seconds is not None and share < 1.0:
            # Only under a limit (wall or work): without one a wall-clock cap would make
            # the run depend on the machine.
            seconds = min(seconds, max(RINS_FLOOR, RINS_LP_FACTOR * guide.seconds))
        limits = clock.limits_for(seconds)
        found = neighbourhood(
            data, guide.columns, best.columns, limits, self.scale, free, best.target(limits)
        )
        clock.charge(found.iterations)
        best.offer(found.columns, found.objective, "neighbourhood search")
        self.report("neighbourhood search")

    def windows(self) -> WindowSearch:
        assert self.lp is not None
        return WindowSearch(self.model, self.data, self.lp.columns, self.scale, self.limits.seed)

    def by_window(self) -> None:
        """Re-pack the roadmap one window of periods at a time (see `lns`), sweep after
        sweep until a whole sweep finds nothing better, within its share of the time."""
        best, clock, limits = self.best, self.clock, self.limits
        left = clock.left()
        reserve = None if left is None else left * (1.0 - WINDOW_SHARE)

        def window_limits() -> Limits | None:
            left = clock.left()
            if (
                best.done(limits)
                or clock.out(1.0)
                or (reserve is not None and left is not None and left <= reserve)
            ):
                return None
            sub = clock.limits_for(None if left is None else left - (reserve or 0.0))
            return replace(sub, work_limit=min(WINDOW_WORK, sub.work_limit or WINDOW_WORK))

        search = self.windows()
        for _ in range(WINDOW_SWEEPS):
            target = best.target(limits)
            if not search.sweep(best, window_limits, target, clock.charge, self.improved):
                return

    def improved(self, name: str) -> None:
        self.report("neighbourhood search")

    def lp_arrived(self) -> None:
        """When the LP finished on the other core: take it in."""
        if self.between is not None and self.between.finished():
            arrived, self.between = self.between.result, None
            self.found_lp(arrived)

    def by_department(self) -> None:
        """Large neighbourhood search with the time left: one department's systems at a
        time are set free (the rest fixed at the best roadmap), round after round, while
        the LP is still on its way or when branch and bound on the whole would not fit."""
        best, clock, data = self.best, self.clock, self.data
        hoods = Neighbourhoods(self.model, data, self.limits.seed)
        departments = hoods.departments
        rounds = 0
        while departments and best.columns is not None:
            self.lp_arrived()
            if best.done(self.limits) or clock.out(MIN_ROUND):
                return
            if self.between is None:
                if self.lp is not None and _root_fits(clock, self.lp):
                    return  # branch and bound takes it from here
                if rounds >= LNS_SWEEPS * len(departments):
                    return
            hood = hoods.of_department(departments[rounds % len(departments)])
            rounds += 1
            left = clock.left()
            pending = len(departments) - (rounds - 1) % len(departments)
            limits = clock.limits_for(None if left is None else max(MIN_ROUND, left / pending))
            found = neighbourhood(
                data, best.columns, best.columns, limits, self.scale, hood.free,
                best.target(self.limits),
            )  # fmt: skip
            clock.charge(found.iterations)
            if best.offer(found.columns, found.objective, hood.name):
                self.report("neighbourhood search")

    def infeasible(self) -> bool:
        failed = ("Infeasible", "Primal infeasible")
        return any(s.name in ("coupling", "lp") and s.status in failed for s in self.details)


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


def unconstrained_bound(model: Formulation, data: SolverInput) -> float:
    """Every system at its most valuable candidate, no rule but one option each: a bound."""
    cost = data.matrix.cost[data.start] if len(data.start) else np.zeros(0)
    total = 0.0
    for system in model.estate.systems:
        mine = [cost[c.index] for c in model.candidates.of(system.id)]
        if mine:
            total += max(mine) if system.mandatory else max(0.0, max(mine))
    return total / model.objective_scale


def _root_fits(clock: Clock, relaxation: _Relaxation) -> bool:
    """Branch and bound's root (several LP times) fits in the time left."""
    left = clock.left()
    return left is None or left >= ROOT_FACTOR * relaxation.seconds


def _lp(data: SolverInput) -> Any:
    """HiGHS holding the relaxation of `data`, to be solved by interior point.

    Interior point with crossover beat dual simplex on every estate measured (11.8 s vs
    15.9 s for the coarse relaxation at 3,000 x 16, 72 s vs 93 s for the LP); crossover
    gives the vertex RINS compares the roadmap with.
    """
    highs = load_highs(data, mip=False)
    highs.setOptionValue("solver", "ipm")
    return highs


@dataclass
class _Relaxation:
    columns: np.ndarray
    bound: float
    seconds: float


def _relaxation(
    highs: Any, scale: float, clock: Clock, share: float, details: list[Stage], key: str
) -> _Relaxation | None:
    """Solve the LP held by `highs` in `share` of the time left; None when it does not
    finish. Its `seconds` are wall seconds, or reference seconds of work under a work
    limit (then the limit is on its iterations)."""
    import highspy

    began = time.monotonic()
    allowed = clock.share(share)
    if allowed is not None and clock.by_work:
        simplex, ipm = work.lp_iterations(max(allowed, 0.1), clock.nonzeros)
        highs.setOptionValue("simplex_iteration_limit", simplex)
        highs.setOptionValue("ipm_iteration_limit", ipm)
    elif allowed is not None:
        # HiGHS counts its time limit over every run of the instance.
        spent = float(highs.getRunTime())
        highs.setOptionValue("time_limit", spent + max(float(allowed), 0.1))
    highs.run()
    seconds = time.monotonic() - began
    before = clock.spent
    clock.charge_run(highs, mip=False)
    if clock.by_work:
        seconds = clock.spent - before
    status = highs.getModelStatus()
    details.append(Stage(key, highs.modelStatusToString(status), round(seconds, 2)))
    if status != highspy.HighsModelStatus.kOptimal:
        return None
    columns = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    bound = -highs.getInfo().objective_function_value / scale
    return _Relaxation(columns, bound, seconds)


class _Background:
    """An LP solved on another thread (HiGHS releases the GIL), cancelled when not needed."""

    def __init__(self, highs: Any, scale: float, clock: Clock, details: list[Stage]):
        self.highs = highs
        self.highs.HandleUserInterrupt = True  # so that `cancelSolve` is heard
        self.result: _Relaxation | None = None
        self.thread = threading.Thread(target=self._run, args=(scale, clock, details), daemon=True)
        self.thread.start()

    def _run(self, scale: float, clock: Clock, details: list[Stage]) -> None:
        self.result = _relaxation(self.highs, scale, clock, 1.0, details, "lp")

    def finished(self) -> bool:
        return not self.thread.is_alive()

    def cancel(self) -> None:
        if self.thread.is_alive():
            self.highs.cancelSolve()
        self.thread.join()


def _warm_start(model: Formulation, data: SolverInput, initial: np.ndarray, best: Best) -> None:
    """A previous roadmap, checked against every row before it counts; when it no longer
    fits (a scenario cut the budget), as much of it as fits, then the ranking."""
    scale = model.objective_scale
    if best.offer(*verified(data, initial, scale), "warm start"):
        return
    placed = Greedy(model.estate, model.graph, model.candidates).run_guided(initial[data.start])
    if placed is not None:
        best.offer(*verified(data, columns_of(data, *placed), scale), "warm start, repaired")


def _settle(search: _Search, result: SolveResult) -> bool:
    """Take in a branch and bound's roadmap and bound; True when it proved its roadmap
    within the gap (in its own terms: the best roadmap is at least as good)."""
    best = search.best
    search.details.extend(result.stages)
    if result.columns is not None:
        best.offer(*verified(search.data, result.columns, search.scale), "branch and bound")
    if result.bound is not None:
        best.bound = min(best.bound, max(result.bound, best.objective))
    return result.status is SolveStatus.OPTIMAL and best.columns is not None


def _branch_and_bound(
    data: SolverInput,
    best: Best,
    clock: Clock,
    scale: float,
    progress: ProgressFn | None,
    began: float,
    work_limit: float | None = None,
) -> SolveResult:
    """HiGHS on the whole model from the best roadmap so far, with the time left (or at
    most `work_limit` of it)."""
    start = best.columns if best.columns is not None else data.initial
    whole = SolverInput(data.matrix, data.start, data.build, initial=start)
    limits = clock.limits_for(clock.left())
    if work_limit is not None:
        limits = replace(limits, work_limit=min(work_limit, limits.work_limit or work_limit))
    result, _ = solve_highs(whole, limits, scale, progress, began, target=best.target(limits))
    clock.charge(result.iterations)
    return result

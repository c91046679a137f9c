"""The decomposition solve, round by round (see `prioritiser.solve.decompose`).

Before the first round the greedy ranking gives a roadmap. Each round, in this order:

1. the department neighbourhoods of the best roadmap so far are handed to the workers
   (from the second round; the first waits for the master's roadmaps);
2. meanwhile, here: the master LP prices the wide rows (column generation, for at most a
   share of the time left), MPLP sweeps move the pair messages, and the Lagrangian bound is
   computed after every master solve and every sweep (a valid bound each time);
3. the master's mix of choices is rounded into a roadmap (the greedy placement, guided);
4. the neighbourhoods' answers are merged, in task order, into one roadmap;
5. RINS around the master's mix searches the whole model where mix and roadmap disagree;
6. every roadmap is completed and checked against every row (`verified`) before it counts.

Without a time limit, what a round does depends only on the previous round, never on the
clock or on which worker answered first, so the same seed gives the same roadmap whatever
the number of workers. With one, the clock also bounds column generation, the searches and
which neighbourhoods run (as in the staged solve, a run stopped by the clock may differ
from the next), and a faster or less busy machine may complete more rounds.
"""

from __future__ import annotations

import math
import os
import time
from contextlib import closing
from dataclasses import dataclass, replace

import numpy as np

from prioritiser.model.formulation import Formulation
from prioritiser.model.matrix import SolverInput
from prioritiser.solve.clock import Best, Clock
from prioritiser.solve.decompose.dual import Dual
from prioritiser.solve.decompose.neighbourhoods import (
    Found,
    Neighbourhood,
    Task,
    around_mix,
    merge,
    neighbourhoods,
    solve_task,
    tasks,
)
from prioritiser.solve.decompose.pool import favoured, solve_pool
from prioritiser.solve.decompose.structure import Structure, Undecomposable, analyse
from prioritiser.solve.decompose.workers import Pending, Workers, workers_for
from prioritiser.solve.greedy import Greedy
from prioritiser.solve.highs import highs_version, solve_highs, solve_relaxation
from prioritiser.solve.lns import neighbourhood
from prioritiser.solve.result import (
    Limits,
    Progress,
    ProgressFn,
    SolveResult,
    SolveStatus,
    Stage,
    finite,
)
from prioritiser.solve.staged import unconstrained_bound
from prioritiser.solve.warm import columns_of, verified

# `--method auto` decomposes models with more non-zeros than this. Measured with 60 s limits
# (docs/benchmarks.md): at 1,000 x 16 (0.65m non-zeros) the monolithic solve proved 0.49 %
# in 32 s where the decomposition stated 0.61 % for the same roadmap; at 2,000 x 16 (1.3m)
# the decomposition reached 0.55 % and the monolithic solve 6.95 % (3.3 % less value); at
# 5,000 x 16, 0.38-0.65 % against 6.45 %.
DECOMPOSE_ABOVE = 1_000_000
# Local worker processes when `--workers` is not given: one per core, at most this many.
DEFAULT_WORKERS = 4
# Without `--workers`, models with fewer non-zeros than this run in this process.
POOL_NONZEROS = 200_000
SWEEPS = 30  # MPLP sweeps per round
MAX_ROUNDS = 40  # without a time limit: at most this many rounds
STALL_ROUNDS = 2  # ... and stop after this many rounds that improve neither side
PROGRESS = 1e-6  # relative change below which a round did not improve
TASK_SHARE = 0.6  # of the time left, for a round's neighbourhoods (a safety net)
# Column generation stops (the master's prices kept) after this share of the time left in
# the first round, and of the time left at their start in later ones: the roadmap search
# needs the rest (at 5,000 x 16 all 30 pricing rounds took 38 of 60 s).
DUAL_SHARE = 0.4
DUAL_LATER = 0.25
# Up to this many non-zeros (1,000 systems x 12 quarters) the LP relaxation takes seconds
# and its bound is taken too, with at most this share of the time left.
LP_NONZEROS = 500_000
LP_SHARE = 0.3
MIN_TASK = 3.0  # seconds: a neighbourhood given less stops in HiGHS' presolve (5,000 x 16)
POOL_SHARE = 0.6  # of the time left, for the LP over the favoured choices
POOL_AGAIN = 2.5  # a later pool LP needs this many times the last one's seconds left
RINS_SHARE = 0.5  # of the time left, for the first search around the master's mix
RINS_LATER = 0.3  # ... and for each later one
SETTLED = 0.99  # the master's weight on a unit's choice that counts as settled


@dataclass(frozen=True)
class Settings:
    """Where the neighbourhoods run and how much work a round does."""

    workers: int | None = None  # local processes (1: this process; None: see POOL_NONZEROS)
    dask_scheduler: str | None = None  # a dask.distributed scheduler instead
    sweeps: int = SWEEPS
    rounds: int | None = None  # a work limit: at most this many rounds


def solve_decomposed(
    model: Formulation,
    limits: Limits,
    settings: Settings | None = None,
    progress: ProgressFn | None = None,
    began: float | None = None,
) -> SolveResult:
    """Solve a model by decomposition. Raises `Undecomposable` when a column belongs to no
    unit or neither a warm start nor the greedy ranking gives a first roadmap (the caller
    then solves the model whole)."""
    settings = settings or Settings()
    began = time.monotonic() if began is None else began
    # Wall-clock time only: `plan` refuses --deterministic with the decomposition.
    clock = Clock(began, limits, model.matrix.nonzeros)
    structure = analyse(model)
    data = structure.data
    best = Best(bound=unconstrained_bound(model, data))
    log = best.log
    log.append(
        Stage(
            "structure",
            detail=f"{structure.units} units, {structure.choices} choices, "
            f"{len(structure.edges)} edges, {len(structure.wide)} wide rows",
            seconds=round(clock.elapsed(), 2),
        )
    )
    version = highs_version()
    if structure.infeasible:
        return SolveResult(SolveStatus.INFEASIBLE, None, None, 0.0, version, stages=log)
    search = _Search(model, structure, best, limits, clock, progress, settings)
    search.greedy()
    if best.columns is None:
        # Without a first roadmap the neighbourhoods have nothing to improve, and the
        # decomposition cannot prove that none exists: the monolithic solve does both.
        raise Undecomposable("no warm start or greedy roadmap to start from")
    count = settings.workers
    if count is None:
        # One process per core for models worth it; small ones are quicker in this process
        # than a pool takes to start (each worker imports numpy and HiGHS and gets the model).
        large = data.matrix.nonzeros >= POOL_NONZEROS
        count = min(os.cpu_count() or 1, DEFAULT_WORKERS) if large else 1
    with closing(workers_for(data, count, settings.dask_scheduler)) as workers:
        search.rounds(workers)
    done = best.gap() <= limits.gap + 1e-12
    status = SolveStatus.OPTIMAL if done else SolveStatus.FEASIBLE
    bound = finite(best.bound)
    return SolveResult(status, best.columns, bound, 0.0, version, data.start, data.build, log)


@dataclass
class _Search:
    model: Formulation
    structure: Structure
    best: Best
    limits: Limits
    clock: Clock
    progress: ProgressFn | None
    settings: Settings
    dual: Dual | None = None
    # The longest master solve and rounding so far: a later round starts only with time
    # left for both (neither looks at the clock; at 5,000 x 16 a round that started 2 s
    # before the limit ended 15 s after it).
    solve_seconds: float = 0.0
    round_seconds: float = 0.0
    pool_failed: bool = False  # the last pool LP did not finish in its time
    pooled: bool = False  # a pool LP has been rounded
    pool_seconds: float = 0.0  # the last pool LP's

    def report(self, phase: str) -> None:
        if self.progress is not None:
            best = self.best
            incumbent = best.objective if best.columns is not None else None
            self.progress(Progress(self.clock.elapsed(), incumbent, finite(best.bound), phase))

    def offer(self, columns: np.ndarray | None, source: str) -> bool:
        """Complete and check a roadmap's columns; keep it if it is the best so far."""
        if columns is None:
            return False
        data = self.structure.data
        return self.best.offer(*verified(data, columns, self.model.objective_scale), source)

    def greedy(self) -> None:
        model = self.model
        initial = self.structure.data.initial
        if model.initial and initial is not None:
            # A warm start (frontier's previous step, replan's fitting roadmap), kept if it
            # still holds every row: the staged solve starts from it too.
            self.offer(initial, "warm start")
        placed = Greedy(model.estate, model.graph, model.candidates).run()
        if placed is not None:
            self.offer(columns_of(self.structure.data, *placed), "greedy")
        self.report("greedy start")

    def rounds(self, workers: Workers) -> None:
        structure, best, settings = self.structure, self.best, self.settings
        dual = self.dual = Dual.of(structure, self.start_choices())
        hoods = neighbourhoods(structure)
        limit = settings.rounds or (MAX_ROUNDS if self.clock.deadline is None else None)
        stalled, number = 0, 0
        while limit is None or number < limit:
            needed = max(2.0, 2.0 * self.solve_seconds + self.round_seconds)
            if number and (self._done() or self.clock.out(needed)):
                return
            before = (best.objective, best.bound)
            # The first round rounds the master before the neighbourhoods start (they then
            # start from its roadmap rather than the greedy one); later rounds overlap them.
            if number == 0:
                self.dual_step(dual, DUAL_SHARE)
                self.lp_bound()
                if not self.search_pool(dual, RINS_SHARE):
                    self.round_master(dual)
                    self.search_mix(dual, RINS_SHARE)
            pending = self.submit(workers, hoods, number)
            if number > 0:
                self.dual_step(dual, DUAL_LATER)
                if not self.search_pool(dual, RINS_LATER):
                    self.round_master(dual)
            self.merge(pending)
            if number > 0 and self.pool_failed:
                self.search_mix(dual, RINS_LATER)
            number += 1
            improved = _moved(before[0], best.objective) or _moved(before[1], best.bound)
            stalled = 0 if improved else stalled + 1
            if stalled >= STALL_ROUNDS and self.small():
                self.branch_and_bound()
                return
            if self.clock.deadline is None and stalled >= STALL_ROUNDS:
                return

    def _done(self) -> bool:
        return self.best.gap() <= self.limits.gap + 1e-12

    def start_choices(self) -> np.ndarray:
        """The best roadmap as one choice per unit (empty without a roadmap)."""
        if self.best.columns is None:
            return np.zeros(0, dtype=np.int64)
        structure = self.structure
        picked = structure.column >= 0
        on = np.zeros(len(structure.column), dtype=bool)
        on[picked] = self.best.columns[structure.column[picked]] > 0.5
        return np.flatnonzero(on)

    def dual_step(self, dual: Dual, share: float) -> None:
        """Prices (column generation for at most `share` of the time left, then the master
        as it stands), then MPLP sweeps; the best bound is kept and reported at each step."""
        left = self.clock.left()
        until = None if left is None else time.monotonic() + share * left
        took = 0.0  # the last master solve's seconds

        def enough() -> bool:
            # Another master solve would end past the share (at 20,000 x 16 one takes 40 s,
            # and checking only after it made pricing overrun its share by a minute).
            return until is not None and time.monotonic() + took >= until

        last = time.monotonic()

        def bound_found(bound: float) -> None:
            nonlocal last, took
            now = time.monotonic()
            took, last = now - last, now
            self.solve_seconds = max(self.solve_seconds, took)
            self.best.bound = min(self.best.bound, bound)
            self.report("decomposition: prices of the shared rows")

        dual.price(enough, bound_found)
        dual.sweep(self.settings.sweeps, lambda: self.clock.out(1.0))
        self.best.bound = min(self.best.bound, dual.bound())
        self.report("decomposition: dependency messages")

    def round_master(self, dual: Dual) -> None:
        """Round the master's mix of choices into a roadmap."""
        if dual.solution is None or self._done():
            return
        structure, model = self.structure, self.model
        weight = np.zeros(len(model.candidates.candidates))
        position = np.full(structure.data.matrix.num_col, -1, dtype=np.int64)
        position[structure.data.start] = np.arange(len(structure.data.start))
        picked = np.flatnonzero(structure.column >= 0)
        candidate = position[structure.column[picked]]
        is_start = candidate >= 0
        np.add.at(weight, candidate[is_start], dual.solution.weights[picked[is_start]])
        self.round_guided(weight, "rounding")

    def search_pool(self, dual: Dual, share: float) -> bool:
        """The LP over the choices the prices favour (see `pool`), rounded, and RINS around
        it (for at most `share` of the time left). Returns False when the pool LP did not
        finish in its share of the time (the master's mix is then rounded instead).

        Solved here, not on another thread beside the master: tried at 5,000 x 16 on a
        shared 2-core machine, the two slowed each other down until the pool LP missed its
        time (0.41 % in 44 s one after the other; 8.3 % in 49 s side by side)."""
        best, clock, structure = self.best, self.clock, self.structure
        # Not when the last pool LP would not fit again: the time left is better spent on
        # the bound and the neighbourhoods than on a pool LP stopped by its time limit.
        if self._done() or clock.out(max(2.0, POOL_AGAIN * self.pool_seconds)):
            return True
        pool = favoured(dual.beliefs, dual.pairs.labels, self.start_choices())
        found = solve_pool(structure, pool, clock.share(POOL_SHARE))
        status = "no answer in time" if found is None else f"{found.value:,.0f}"
        seconds = None if found is None else round(found.seconds, 2)
        detail = f"{int(pool.sum())} of {structure.choices} choices"
        best.log.append(Stage("pool LP", status, seconds, detail))
        self.pool_failed = found is None
        if found is None:
            return False
        self.pool_seconds = found.seconds
        if self._done() or clock.out(2.0):
            return True
        data = structure.data
        first, self.pooled = not self.pooled, True
        if first and not self.dive(found.columns, share):
            # The dive found nothing better: the greedy placement in the pool LP's order,
            # so that RINS starts from a roadmap close to it (the greedy start is far).
            self.round_guided(found.columns[data.start], "rounding the pool LP")
        if best.columns is None or self._done() or clock.out(2.0):
            return True
        # RINS by system: every system on which the pool LP and the best roadmap differ
        # (after the dive: the ones it left fractional) is freed with all its options and
        # starts, not only the pool's: at 5,000 x 16 (seed 3) this took the dive's roadmap
        # from 0.54 % to 0.38 % below the bound in 9 s.
        searched = around_mix(
            structure, found.columns, best.columns, self.limits, clock.share(share),
            best.target(self.limits),
        )  # fmt: skip
        if self.offer(searched, "neighbourhood of the pool LP"):
            self.report("neighbourhood search")
        return True

    def dive(self, relaxed: np.ndarray, share: float) -> bool:
        """Round a fractional roadmap by HiGHS: every integer column it sets whole is fixed
        there, the fractional ones are left to a small MILP (at 5,000 x 16, 4.5-4.9 s to a
        roadmap 0.08-0.25 % below the pool LP, where the greedy placement in the order of its
        values took 2.5-4.6 s to one 8.5 % below it). True when it found the best roadmap."""
        clock, structure, best = self.clock, self.structure, self.best
        if clock.out(2.0):
            return False
        integer = structure.data.matrix.integer
        rounded = np.where(integer, np.round(relaxed), relaxed)
        found = neighbourhood(
            structure.data, relaxed, rounded, clock.limits_for(clock.share(share)),
            structure.scale, None, best.target(self.limits),
        )  # fmt: skip
        if best.offer(found.columns, found.objective, "rounding the pool LP"):
            self.report("rounding")
            return True
        return False

    def round_guided(self, weight: np.ndarray, source: str) -> None:
        """Round a fractional roadmap (a weight per candidate) by the greedy placement."""
        model = self.model
        began = time.monotonic()
        rounded = Greedy(model.estate, model.graph, model.candidates).run_guided(weight.tolist())
        if rounded is not None and self.offer(columns_of(self.structure.data, *rounded), source):
            self.report("rounding")
        self.round_seconds = max(self.round_seconds, time.monotonic() - began)

    def lp_bound(self) -> None:
        """On a small model, the LP relaxation's bound as well (seconds there): the
        Lagrangian one is weaker where a wide row is really a pairwise rule, such as a
        platform paid for once by many systems."""
        data = self.structure.data
        if data.matrix.nonzeros > LP_NONZEROS or self._done() or self.clock.out(2.0):
            return
        began = time.monotonic()
        bound = solve_relaxation(data, self.model.objective_scale, self.clock.share(LP_SHARE))
        seconds = round(time.monotonic() - began, 2)
        self.best.log.append(Stage("lp", "" if bound is None else "bound", seconds))
        if bound is not None:
            self.best.bound = min(self.best.bound, bound)
            self.report("LP relaxation")

    def small(self) -> bool:
        return self.structure.data.matrix.nonzeros <= LP_NONZEROS

    def branch_and_bound(self) -> None:
        """On a small model whose rounds no longer move: HiGHS branch and bound on the whole
        model from the best roadmap, as the monolithic solve ends. The Lagrangian bound is
        the LP's at best, and some small estates (a platform shared by many systems) need
        branching to prove their roadmap."""
        best = self.best
        if best.columns is None or self._done() or self.clock.out(1.0):
            return
        data = self.structure.data
        whole = SolverInput(data.matrix, data.start, data.build, initial=best.columns)
        limits = replace(self.limits, time_limit=self.clock.left())
        target = best.bound / (1.0 + self.limits.gap) if np.isfinite(best.bound) else None
        scale = self.model.objective_scale
        result, _ = solve_highs(whole, limits, scale, target=target)
        best.log.extend(replace(stage, name="branch and bound") for stage in result.stages)
        if result.columns is not None:
            self.offer(result.columns, "branch and bound")
        if result.bound is not None:
            best.bound = min(best.bound, max(result.bound, best.objective))
        self.report("branch and bound")

    def search_mix(self, dual: Dual, share: float) -> None:
        """RINS around the master's mix on the whole model (see `around_mix`)."""
        mix = dual.mix()
        best = self.best
        if mix is None or best.columns is None or self._done() or self.clock.out(2.0):
            return
        target = best.bound / (1.0 + self.limits.gap) if np.isfinite(best.bound) else None
        found = around_mix(
            self.structure, mix, best.columns, self.limits, self.clock.share(share), target
        )
        if found is not None and self.offer(found, "neighbourhood of the master's mix"):
            self.report("neighbourhood search")

    def submit(self, workers: Workers, hoods: list[Neighbourhood], number: int) -> _Round | None:
        base = self.best.columns
        if base is None or self._done() or self.clock.out(2.0):
            return None
        free = self.unsettled(base)
        round_tasks = tasks(self.structure, hoods, base, free, self.limits.seed + number, None)
        left = self.clock.left()
        if left is not None and round_tasks:
            # A safety net, not a work limit: the tasks of a round share the time left
            # between the workers (the node limit is what normally ends a task). When they
            # would get less than `MIN_TASK` seconds each, only as many as fit run, the
            # next ones in turn each round.
            fits = max(1, math.floor(TASK_SHARE * left / MIN_TASK)) * max(workers.count, 1)
            if len(round_tasks) > fits:
                first = (number * fits) % len(round_tasks)
                turn = [round_tasks[(first + k) % len(round_tasks)] for k in range(fits)]
                round_tasks = [replace(task, index=k) for k, task in enumerate(turn)]
            waves = math.ceil(len(round_tasks) / max(workers.count, 1))
            cap = max(1.0, TASK_SHARE * left / waves)
            round_tasks = [replace(task, time_limit=cap) for task in round_tasks]
        return _Round(base, round_tasks, workers.submit(solve_task, round_tasks))

    def unsettled(self, base: np.ndarray) -> np.ndarray:
        """Units whose choice in `base` is not what the dual settled on (its best choice
        under the current prices and messages, and the master's whole weight): the ones a
        neighbourhood frees, as RINS frees columns where the roadmap and the LP disagree."""
        dual = self.dual
        structure = self.structure
        if dual is None or dual.solution is None:
            return np.ones(structure.units, dtype=bool)
        chosen = structure.first[:-1].copy()  # "nothing" unless a column is on
        on = np.flatnonzero((structure.column >= 0) & (base[np.maximum(structure.column, 0)] > 0.5))
        chosen[structure.unit[on]] = on
        settled: np.ndarray = (chosen == dual.best()) & (dual.solution.weights[chosen] > SETTLED)
        return ~settled

    def merge(self, pending: _Round | None) -> None:
        """The neighbourhoods' answers, applied to the roadmap they started from."""
        if pending is None:
            return
        left = self.clock.left()
        timeout = None if left is None else max(0.5, left - 0.5)
        answers = pending.answers.results(timeout)
        found = [
            answer or Found(task.index, None, 0.0, Stage(f"neighbourhood {task.name}", "late"))
            for task, answer in zip(pending.tasks, answers, strict=True)
        ]
        self.best.log.extend(answer.stage for answer in found)
        matrix = self.structure.data.matrix
        columns, kept = merge(matrix, pending.base, pending.tasks, found)
        if self.offer(columns, f"neighbourhoods ({len(kept)} of {len(found)} kept)"):
            self.report("neighbourhood search")


@dataclass(frozen=True)
class _Round:
    base: np.ndarray  # the roadmap the neighbourhoods start from
    tasks: list[Task]
    answers: Pending[Found]


def _moved(before: float, after: float) -> bool:
    if not (np.isfinite(before) and np.isfinite(after)):
        return bool(np.isfinite(after) != np.isfinite(before))
    return abs(after - before) > PROGRESS * max(abs(before), 1.0)

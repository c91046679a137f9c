"""The HiGHS back end: a `SolverInput` solved in process through highspy.

The model is handed over in minimisation form (the objective negated), as PuLP handed it
when it held the model; objectives and bounds come back in money (divided by the scale).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from prioritiser.model.matrix import Matrix, SolverInput
from prioritiser.solve import work
from prioritiser.solve.result import (
    Limits,
    Progress,
    ProgressFn,
    SolveResult,
    SolveStatus,
    Stage,
    finite,
)

# --- HiGHS --------------------------------------------------------------------------------


# Above this many non-zeros in columns not fixed, HiGHS' MIP presolve takes tens of seconds
# (20 s over a 20 s limit at 3,000 systems x 16 quarters, 10 s over at 3,000 x 12 with
# 1.3m) and does not look at its time limit; a time limit must be honoured, so under one
# presolve is off there.
# (A neighbourhood with most columns fixed keeps presolve: that is what removes them.)
PRESOLVE_NONZEROS = 1_000_000
# HiGHS' root reduced-cost heuristic solves a sub-MIP whose presolve does not look at the
# time limit either: at 3,000 x 16 a neighbourhood with 0.9m free non-zeros spent over ten
# minutes in it (`strengthenInequalities`) on a 21 s limit. Off above this size.
SUB_MIP_NONZEROS = 200_000


def free_nonzeros(matrix: Matrix) -> int:
    """Non-zeros in the columns whose bounds leave them free to move."""
    free = matrix.lower < matrix.upper
    return int(np.count_nonzero(free[matrix.index]))


def load_highs(data: SolverInput, mip: bool = True) -> Any:
    """A `highspy.Highs` holding the model in minimisation form, as PuLP would pass it."""
    import highspy

    silence_highs_banner()
    m = data.matrix
    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no annotations
    highs.setOptionValue("output_flag", False)
    integrality = m.integer.astype(np.int32) if mip else np.zeros(m.num_col, dtype=np.int32)
    highs.passModel(
        m.num_col,
        m.num_row,
        m.nonzeros,
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        -m.cost,
        m.lower,
        m.upper,
        _finite_bounds(m.row_lower, highspy.kHighsInf),
        _finite_bounds(m.row_upper, highspy.kHighsInf),
        m.starts[:-1].astype(np.int32),
        m.index.astype(np.int32),
        m.value,
        integrality,
    )
    return highs


def _finite_bounds(values: np.ndarray, inf: float) -> np.ndarray:
    clipped: np.ndarray = np.clip(values, -inf, inf)
    return clipped


# Complexity allowed: one solver run: options, callback, run, status, solution and bound; the
# solve stage's rework (branches perf and decompose) owns splitting it.
def solve_highs(  # noqa: C901, PLR0912, PLR0915
    data: SolverInput,
    limits: Limits,
    scale: float,
    progress: ProgressFn | None = None,
    began: float | None = None,
    target: float | None = None,
) -> tuple[SolveResult, Any]:
    """Solve with HiGHS; returns the result and the `Highs` instance (for its duals/info).
    With a `target` (money), the search stops once it holds a roadmap worth that much.
    A `limits.work_limit` (`prioritiser.solve.work`) stops the search after the nodes it
    is worth, whatever the clock says.
    """
    import highspy

    began = time.monotonic() if began is None else began
    version = highs_version()
    highs = load_highs(data)
    state = {"last": 0.0, "reached": False}
    cb = highspy.cb.HighsCallbackType
    mip_events = (cb.kCallbackMipInterrupt, cb.kCallbackMipImprovingSolution)

    def on_event(kind: int, message: str, out: Any, data_in: Any, user: object) -> None:
        if target is not None and kind in mip_events:
            incumbent = getattr(out, "mip_primal_bound", None)
            if incumbent is not None and math.isfinite(incumbent):
                state["reached"] = state["reached"] or -incumbent / scale >= target
        stopped = limits.stop is not None and limits.stop.is_set()
        if stopped or (state["reached"] and kind == cb.kCallbackMipInterrupt):
            # highspy's HighsCallbackInput (Any: highspy ships no annotations).
            data_in.user_interrupt = True
        now = time.monotonic()
        if progress and now - state["last"] >= 0.5:
            state["last"] = now
            in_mip = kind in mip_events
            incumbent = getattr(out, "mip_primal_bound", None) if in_mip else None
            bound = getattr(out, "mip_dual_bound", None) if in_mip else None
            progress(
                Progress(
                    now - began,
                    finite(-incumbent / scale) if incumbent is not None else None,
                    finite(-bound / scale) if bound is not None else None,
                )
            )

    highs.setCallback(on_event, None)
    for kind in (
        cb.kCallbackMipInterrupt,
        cb.kCallbackMipImprovingSolution,
        cb.kCallbackSimplexInterrupt,
        cb.kCallbackIpmInterrupt,
    ):
        highs.startCallback(kind)
    highs.setOptionValue("mip_rel_gap", float(limits.gap))
    highs.setOptionValue("random_seed", int(limits.seed) % 2147483647)
    threads = 1 if limits.deterministic else limits.threads
    if threads is not None:
        # HiGHS sizes one process-wide thread pool on first use; a later solve asking for
        # another count fails outright unless the pool is rebuilt first.
        highspy.Highs.resetGlobalScheduler(True)
        highs.setOptionValue("threads", int(threads))
    if limits.work_limit is not None:
        nodes = work.mip_nodes(limits.work_limit, data.matrix.nonzeros)
        highs.setOptionValue("mip_max_nodes", nodes)
    if limits.time_limit is not None:
        highs.setOptionValue("time_limit", float(max(limits.time_limit, 0.01)))
    if limits.time_limit is not None or limits.work_limit is not None:
        # Steps that ignore every limit are off under one (by size: the same every run).
        free = free_nonzeros(data.matrix)
        if free > PRESOLVE_NONZEROS:
            highs.setOptionValue("presolve", "off")
        if free > SUB_MIP_NONZEROS:
            highs.setOptionValue("mip_heuristic_run_root_reduced_cost", False)
    for key, value in limits.options.items():
        highs.setOptionValue(key, value)
    if data.initial is not None:
        solution = highspy.HighsSolution()
        solution.col_value = data.initial
        solution.value_valid = True
        highs.setSolution(solution)
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    ms = highspy.HighsModelStatus
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == ms.kOptimal:
        outcome = SolveStatus.OPTIMAL
    elif status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        outcome = SolveStatus.INFEASIBLE
    elif has_solution:
        outcome = SolveStatus.FEASIBLE
    else:
        outcome = SolveStatus.NO_SOLUTION
    columns = None
    if outcome.has_plan:
        columns = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    # The model is in minimisation form (negated objective); flip the bound back.
    bound = None
    if data.matrix.integer.any() and info.mip_dual_bound is not None:
        bound = finite(-info.mip_dual_bound / scale)
    stage = Stage(
        "HiGHS",
        highs.modelStatusToString(status),
        detail=f"{int(info.mip_node_count)} nodes, "
        f"{int(info.simplex_iteration_count)} LP iterations",
    )
    result = SolveResult(outcome, columns, bound, 0.0, version, data.start, data.build, [stage])
    result.iterations = int(info.simplex_iteration_count)
    return result, highs


def solve_relaxation(
    data: SolverInput, scale: float, time_limit: float | None = None
) -> float | None:
    """The LP-relaxation bound in money (None when HiGHS does not finish in time)."""
    import highspy

    highs = load_highs(data, mip=False)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return -float(highs.getInfo().objective_function_value) / scale


_banner_silenced = False


def silence_highs_banner() -> None:
    """HiGHS prints a banner on stdout when its first instance is made; swallow it once.

    Our stdout may carry JSON (`explain --format json`), so nothing else may write there.
    """
    global _banner_silenced
    if _banner_silenced:
        return
    import os
    import sys

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no annotations
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _banner_silenced = True


def highs_version() -> str:
    try:
        from importlib.metadata import version

        return version("highspy")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return "unknown"

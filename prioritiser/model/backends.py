"""Solver back ends: a `SolverInput` to HiGHS (in process) or to the CBC bundled with PuLP.

Both receive the same arrays — columns in PuLP's order, rows in the order the rules added
them — so a model solves the same whether it was built as arrays or changed through PuLP.
Objectives are maximised; bounds come back in money (divided by the objective scale).
"""

from __future__ import annotations

import contextlib
import math
import re
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from prioritiser.model.formulation import Matrix, SolverInput


@dataclass(frozen=True)
class Progress:
    """A progress report while solving (bound and incumbent when the solver reports them)."""

    elapsed: float
    incumbent: float | None = None
    bound: float | None = None
    phase: str = "solving"


ProgressFn = Callable[[Progress], None]


@dataclass
class SolveResult:
    """What the solver said, in solver-independent terms."""

    status: str  # optimal | feasible | infeasible | no_solution
    columns: np.ndarray | None  # a value per matrix column when there is a solution
    bound: float | None
    seconds: float
    version: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Limits:
    """How long and how well to solve, and how to stop early."""

    time_limit: float | None = None
    gap: float = 0.005
    threads: int | None = None
    seed: int = 0
    stop: threading.Event | None = None
    options: dict[str, Any] = field(default_factory=dict)  # extra solver options


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
    highs = highspy.Highs()
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
    return np.clip(values, -inf, inf)


def solve_highs(
    data: SolverInput,
    limits: Limits,
    scale: float,
    progress: ProgressFn | None = None,
    began: float | None = None,
    target: float | None = None,
) -> tuple[SolveResult, Any]:
    """Solve with HiGHS; returns the result and the `Highs` instance (for its duals/info).

    With a `target` (money), the search stops once it holds a roadmap worth that much.
    """
    import highspy

    began = time.monotonic() if began is None else began
    version = highs_version()
    highs = load_highs(data)
    state = {"last": 0.0, "reached": False}
    cb = highspy.cb.HighsCallbackType
    mip_events = (cb.kCallbackMipInterrupt, cb.kCallbackMipImprovingSolution)

    def on_event(kind: int, message: str, out: object, data_in: object, user: object) -> None:
        if target is not None and kind in mip_events:
            incumbent = getattr(out, "mip_primal_bound", None)
            if incumbent is not None and math.isfinite(incumbent):
                state["reached"] = state["reached"] or -incumbent / scale >= target
        stopped = limits.stop is not None and limits.stop.is_set()
        if stopped or (state["reached"] and kind == cb.kCallbackMipInterrupt):
            data_in.user_interrupt = True  # type: ignore[attr-defined]
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
    if limits.threads is not None:
        # HiGHS sizes one process-wide thread pool on first use; a later solve asking for
        # another count fails outright unless the pool is rebuilt first.
        highspy.Highs.resetGlobalScheduler(True)
        highs.setOptionValue("threads", int(limits.threads))
    if limits.time_limit is not None:
        highs.setOptionValue("time_limit", float(max(limits.time_limit, 0.01)))
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
        outcome = "optimal"
    elif status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        outcome = "infeasible"
    elif has_solution:
        outcome = "feasible"
    else:
        outcome = "no_solution"
    columns = None
    if outcome in ("optimal", "feasible"):
        columns = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    # The model is in minimisation form (negated objective); flip the bound back.
    bound = None
    if data.matrix.integer.any() and info.mip_dual_bound is not None:
        bound = finite(-info.mip_dual_bound / scale)
    details = {
        "model_status": highs.modelStatusToString(status),
        "mip_nodes": int(info.mip_node_count),
        "lp_iterations": int(info.simplex_iteration_count),
    }
    return SolveResult(outcome, columns, bound, 0.0, version, details), highs


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
    return -highs.getInfo().objective_function_value / scale


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
            highspy.Highs()
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


def finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


# --- CBC ----------------------------------------------------------------------------------

CBC_GRACE = 3.0  # seconds past its time limit before CBC is stopped


def cbc_path() -> str:
    """The CBC binary bundled with PuLP (DESIGN.md asks for it; PuLP 3 marks it deprecated)."""
    import pulp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return str(pulp.PULP_CBC_CMD().path)


def write_mps(matrix: Matrix, path: Path) -> None:
    """Write the model as MPS (HiGHS' writer: fast, and it names columns c0… and rows r0…)."""
    highs = load_highs(SolverInput(matrix, np.zeros(0, int), np.zeros(0, int)))
    # CBC is told to maximise (`-max`), so the file carries the objective as maximised.
    highs.changeColsCost(
        matrix.num_col, np.arange(matrix.num_col, dtype=np.int32), matrix.cost.astype(np.float64)
    )
    highs.writeModel(str(path))


def solve_cbc(data: SolverInput, limits: Limits, scale: float) -> SolveResult:
    """Solve with the bundled CBC binary, from an MPS file (and a MIP start file)."""
    m = data.matrix
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="prioritiser-cbc-") as tmp:
        folder = Path(tmp)
        model, solution, log = folder / "model.mps", folder / "model.sol", folder / "cbc.log"
        write_mps(m, model)
        args = [cbc_path(), str(model), "-max"]
        if data.initial is not None:
            start = folder / "start.mst"
            lines = ["Stopped on time - objective value 0\n"]
            lines += [f"{i:>7} c{i} {v:>15} {0:>23}\n" for i, v in enumerate(data.initial)]
            start.write_text("".join(lines), encoding="utf-8")
            args += ["-mips", str(start)]
        if limits.time_limit is not None:
            # Writing the files counts against the limit (seconds at 3,000 systems).
            left = limits.time_limit - (time.monotonic() - began)
            args += ["-sec", f"{max(left, 0.01)}"]
        args += ["-randomCbcSeed", str(int(limits.seed) % 2147483647 + 1)]
        args += ["-ratio", str(limits.gap)]
        if limits.threads is not None:
            args += ["-threads", str(int(limits.threads))]
        args += ["-timeMode", "elapsed", "-solve", "-printingOptions", "all"]
        args += ["-solution", str(solution)]
        returncode = _run_cbc(args, log, limits, began)
        text = log.read_text(errors="replace")
        if returncode is None or returncode < 0:
            # CBC checks its time limit only in branch and bound: on a large model it can
            # still be in preprocessing, and the bundled binary can crash when the limit
            # strikes while it processes a MIP start. Either way it has nothing better
            # than the start, which stands (it was checked against every row).
            why = "killed at the time limit" if returncode is None else "crashed"
            if data.initial is None:
                return SolveResult("no_solution", None, None, 0.0, cbc_version(text), {})
            note = f"CBC {why}; the MIP start is kept"
            return SolveResult(
                "feasible", data.initial, None, 0.0, cbc_version(text), {"note": note}
            )
        if returncode != 0 or not solution.exists():
            raise RuntimeError(f"CBC failed (exit {returncode}): {text[-400:]}")
        first, columns = _read_cbc_solution(solution, m.num_col)
    words = first.split()
    head = words[0] if words else ""
    stopped_with_solution = len(words) >= 5 and words[4] == "objective"
    if head == "Optimal" and "Stopped on" not in text:
        outcome = "optimal"
    elif head == "Optimal" or (head == "Stopped" and stopped_with_solution):
        outcome = "feasible"
    elif head in ("Infeasible", "Integer"):
        outcome = "infeasible"
    else:
        outcome = "no_solution"
    if "Problem is infeasible" in text or "infeasible" in text.split("Result -")[-1][:60]:
        outcome = "infeasible"
    bound = cbc_bound(text)
    if bound is not None:
        bound /= scale
    details = {"status_line": first}
    if outcome in ("infeasible", "no_solution") and data.initial is not None:
        # The start was checked against every row: the model is feasible whatever CBC says
        # (its preprocessing can wrongly find "infeasible" on large models, seen at 3,000
        # systems: "Cut generators found to be infeasible!").
        details["note"] = f"CBC said {first!r}; the checked MIP start is kept"
        return SolveResult("feasible", data.initial, None, 0.0, cbc_version(text), details)
    keep = columns if outcome in ("optimal", "feasible") else None
    if keep is not None and data.initial is not None and m.cost @ data.initial > m.cost @ keep:
        keep = data.initial  # CBC set the start aside and found worse
        outcome = "feasible"
    return SolveResult(outcome, keep, bound, 0.0, cbc_version(text), details)


def _run_cbc(args: list[str], log: Path, limits: Limits, began: float | None = None) -> int | None:
    """Run CBC; None when it had to be killed (past the time limit counted from `began`,
    or a stop request)."""
    deadline = None
    if limits.time_limit is not None:
        began = time.monotonic() if began is None else began
        deadline = began + limits.time_limit + CBC_GRACE
    with open(log, "w") as out:
        process = subprocess.Popen(args, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
        while True:
            with contextlib.suppress(subprocess.TimeoutExpired):
                return process.wait(timeout=0.2)
            stopped = limits.stop is not None and limits.stop.is_set()
            if stopped or (deadline is not None and time.monotonic() > deadline):
                process.kill()
                process.wait()
                return None


def _read_cbc_solution(path: Path, count: int) -> tuple[str, np.ndarray]:
    """The status line and the column values of a CBC solution file (`c<i>` names)."""
    columns = np.zeros(count)
    with open(path, encoding="utf-8", errors="replace") as lines:
        first = lines.readline().strip()
        for line in lines:
            parts = line.split()
            if parts and parts[0] == "**":
                parts = parts[1:]
            if len(parts) >= 3 and parts[1].startswith("c"):
                with contextlib.suppress(ValueError):
                    columns[int(parts[1][1:])] = float(parts[2])
    return first, columns


def cbc_bound(log: str) -> float | None:
    """The best bound CBC printed for our maximisation (its "Upper bound" line).

    Without that line, the last "best possible" of the search log is used; CBC logs the
    minimisation form there, so its sign flips.
    """
    match = re.search(r"^Upper bound:\s*(-?[\d.eE+-]+)", log, re.MULTILINE)
    with contextlib.suppress(ValueError):
        if match:
            return float(match.group(1))
        possible = re.findall(r"best possible (-?[\d.eE+-]+)", log)
        if possible:
            return -float(possible[-1])
    return None


def cbc_version(log: str) -> str:
    match = re.search(r"Version:\s*(\S+)", log)
    return match.group(1) if match else "bundled"

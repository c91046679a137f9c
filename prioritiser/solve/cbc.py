"""The CBC back end: the CBC binary bundled with PuLP, run on an MPS file of the matrix.

The one CBC driver: `plan`, the staged search's fall-back and the diagnosis all solve CBC
models here. The MPS file is written by HiGHS' writer (fast; columns `c0…`, rows `r0…`), and
the solution file read back by column number.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from prioritiser.model.matrix import Matrix, SolverInput
from prioritiser.solve import work
from prioritiser.solve.highs import load_highs
from prioritiser.solve.result import Limits, SolveResult, SolveStatus, Stage

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


# Complexity allowed: one solver run: write MPS and start, run, read status, solution and bound; the
# solve stage's rework (branches perf and decompose) owns splitting it.
def solve_cbc(data: SolverInput, limits: Limits, scale: float) -> SolveResult:  # noqa: C901, PLR0912, PLR0915
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
        if limits.work_limit is not None:
            # Work, not time: a node count (`work.nodes`), the same on any machine.
            args += ["-maxNodes", str(work.nodes(limits.work_limit))]
        args += ["-randomCbcSeed", str(int(limits.seed) % 2147483647 + 1)]
        # CBC's ratio is a fraction of the larger of bound and objective; ours, of the
        # objective: g / (1 + g) of the larger keeps (bound − objective) ≤ g × objective.
        args += ["-ratio", str(cbc_ratio(limits.gap))]
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
                return _result(data, SolveStatus.NO_SOLUTION, None, None, text)
            note = f"CBC {why}; the MIP start is kept"
            return _result(data, SolveStatus.FEASIBLE, data.initial, None, text, note)
        if returncode != 0 or not solution.exists():
            raise RuntimeError(f"CBC failed (exit {returncode}): {text[-400:]}")
        first, columns = _read_cbc_solution(solution, m.num_col)
    words = first.split()
    head = words[0] if words else ""
    stopped_with_solution = len(words) >= 5 and words[4] == "objective"
    if head == "Optimal" and "Stopped on" not in text:
        outcome = SolveStatus.OPTIMAL
    elif head == "Optimal" or (head == "Stopped" and stopped_with_solution):
        outcome = SolveStatus.FEASIBLE
    elif head in ("Infeasible", "Integer"):
        outcome = SolveStatus.INFEASIBLE
    else:
        outcome = SolveStatus.NO_SOLUTION
    if "Problem is infeasible" in text or "infeasible" in text.split("Result -")[-1][:60]:
        outcome = SolveStatus.INFEASIBLE
    bound = cbc_bound(text)
    completed = completed_bound(text, cbc_ratio(limits.gap))
    if completed is not None and outcome is SolveStatus.OPTIMAL:
        # Its last "best possible" may be stale: a completed search proves the gap closed.
        bound = completed if bound is None else min(bound, completed)
    if bound is not None:
        bound /= scale
    if not outcome.has_plan and data.initial is not None:
        # The start was checked against every row: the model is feasible whatever CBC says
        # (its preprocessing can wrongly find "infeasible" on large models, seen at 3,000
        # systems: "Cut generators found to be infeasible!").
        note = f"CBC said {first!r}; the checked MIP start is kept"
        return _result(data, SolveStatus.FEASIBLE, data.initial, None, text, note)
    keep = columns if outcome.has_plan else None
    if keep is not None and data.initial is not None and m.cost @ data.initial > m.cost @ keep:
        keep = data.initial  # CBC set the start aside and found worse
        outcome = SolveStatus.FEASIBLE
    return _result(data, outcome, keep, bound, text, first)


def _result(
    data: SolverInput,
    status: SolveStatus,
    columns: np.ndarray | None,
    bound: float | None,
    log: str,
    note: str = "",
) -> SolveResult:
    stage = Stage("CBC", status.value, detail=note)
    version = cbc_version(log)
    return SolveResult(status, columns, bound, 0.0, version, data.start, data.build, [stage], note)


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


def cbc_ratio(gap: float) -> float:
    """CBC's `-ratio` for our relative gap (see `solve_cbc`)."""
    return gap / (1 + gap)


def completed_bound(log: str, gap: float) -> float | None:
    """A bound from a completed search: CBC stops when best possible and best objective are
    within `gap` (`-ratio`) of the larger of the two, and says "Search completed - best
    objective X" (minimisation form) without printing the last best possible; so
    objective + gap × |objective| / (1 − gap) bounds our maximisation."""
    match = re.search(r"Search completed - best objective (-?[\d.eE+-]+)", log)
    if match is None:
        return None
    with contextlib.suppress(ValueError):
        objective = -float(match.group(1))
        return objective + gap * abs(objective) / (1 - gap) if gap < 1 else None
    return None


def cbc_version(log: str) -> str:
    match = re.search(r"Version:\s*(\S+)", log)
    return match.group(1) if match else "bundled"

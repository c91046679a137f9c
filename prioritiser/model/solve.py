"""Solve the formulation with HiGHS (default) or CBC and read back a Roadmap.

Statuses follow DESIGN.md: `optimal` (proven within the asked gap), `feasible` (stopped by
the time limit or an interrupt with an incumbent; its gap is stated), `infeasible`, and
`no_solution` (stopped before any feasible roadmap was found).
"""

from __future__ import annotations

import contextlib
import math
import re
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pulp

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory
from prioritiser.model.candidates import Build, Candidate, CandidateSet
from prioritiser.model.formulation import Formulation, formulate
from prioritiser.model.reasons import retained_reasons
from prioritiser.roadmap import Decision, PlatformBuild, Retained, Roadmap, SolverInfo

SOLVERS = ("highs", "cbc")
DEFAULT_GAP = 0.005


@dataclass(frozen=True)
class Progress:
    """A progress report while solving (bound and incumbent when the solver reports them)."""

    elapsed: float
    incumbent: float | None = None
    bound: float | None = None
    phase: str = "solving"


@dataclass
class PlanOptions:
    """How to solve: solver, limits and determinism settings."""

    solver: str = "highs"
    time_limit: float | None = None
    gap: float = DEFAULT_GAP
    threads: int | None = None
    seed: int = 0
    # Set by the caller (e.g. on Ctrl-C) to stop the solver and keep its incumbent.
    stop: threading.Event | None = field(default=None, compare=False)
    # A roadmap to start the search from (a MIP start); ignored where it does not fit.
    warm_start: Roadmap | None = field(default=None, compare=False)


@dataclass
class SolveResult:
    """What the solver said, in solver-independent terms."""

    status: str
    values: dict[str, float]
    bound: float | None
    seconds: float
    version: str


ProgressFn = Callable[[Progress], None]
Adjustment = Callable[[Formulation], None]


def plan(
    inventory: Inventory,
    options: PlanOptions | None = None,
    progress: ProgressFn | None = None,
    adjust: Adjustment | None = None,
) -> Roadmap:
    """Find the roadmap of maximal NPV under rules 1–7 (or the best within limits).

    `adjust` may change the formulation before solving (force a system in, add a stability
    penalty for replanning, ...); the roadmap's objective is still the plain NPV.
    """
    options = options or PlanOptions()
    if options.solver not in SOLVERS:
        raise ValueError(f"unknown solver {options.solver!r}; choose one of {', '.join(SOLVERS)}")
    began = time.monotonic()
    economics = Economics(inventory)
    model = formulate(inventory, economics)
    if adjust is not None:
        adjust(model)
    if options.warm_start is not None:
        apply_warm_start(model, options.warm_start)
    if progress:
        progress(Progress(time.monotonic() - began, phase="model built"))
    remaining = None
    if options.time_limit is not None:
        remaining = max(1.0, options.time_limit - (time.monotonic() - began))
    if options.solver == "highs":
        result = solve_highs(model, options, remaining, progress, began)
    else:
        result = solve_cbc(model, options, remaining)
    result.seconds = time.monotonic() - began
    return read_roadmap(model, economics, options, result)


def apply_warm_start(model: Formulation, roadmap: Roadmap) -> int:
    """Set variable values from `roadmap` as a MIP start; returns how many decisions matched."""
    axis = model.inventory.axis
    wanted = {(d.system, d.option, axis.index(d.start)) for d in roadmap.decisions}
    builds = {(p.id, axis.index(p.start)) for p in roadmap.platforms}
    matched = 0
    for c in model.candidates.candidates:
        hit = (c.system, c.option, c.start) in wanted
        matched += hit
        model.start[c.index].setInitialValue(1.0 if hit else 0.0)
    for b in model.candidates.builds:
        model.build[b.index].setInitialValue(1.0 if (b.platform, b.start) in builds else 0.0)
    model.warm = True
    return matched


def _empty(model: Formulation) -> bool:
    return not model.start and not model.build


def _trivial(model: Formulation, version: str) -> SolveResult:
    """A model without variables: the empty roadmap, if every rule holds for it.

    A deadline or lock whose every start was pruned leaves `one_option[s] == 1` with no
    terms; no solver sees that row, so it is evaluated here.
    """
    holds = all(c.valid(1e-9) for family in model.families.values() for c in family.values())
    return SolveResult("optimal" if holds else "infeasible", {}, 0.0, 0.0, version)


def solve_highs(
    model: Formulation,
    options: PlanOptions,
    time_limit: float | None,
    progress: ProgressFn | None,
    began: float,
) -> SolveResult:
    """Solve with HiGHS through PuLP's highspy interface."""
    import highspy

    _silence_highs_banner()
    version = _highs_version()
    if _empty(model):
        return _trivial(model, version)
    state = {"last": 0.0}
    scale = model.objective_scale
    cb = highspy.cb.HighsCallbackType
    mip_events = (cb.kCallbackMipInterrupt, cb.kCallbackMipImprovingSolution)

    def on_event(kind: int, message: str, out: object, data_in: object, user: object) -> None:
        if options.stop is not None and options.stop.is_set():
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
                    _finite(-incumbent / scale) if incumbent is not None else None,
                    _finite(-bound / scale) if bound is not None else None,
                )
            )

    params: dict[str, object] = {"random_seed": int(options.seed) % 2147483647}
    solver = _HighsWithStart(
        msg=False,
        timeLimit=time_limit,
        gapRel=options.gap,
        threads=options.threads,
        callbackTuple=(on_event, None),
        callbacksToActivate=[
            cb.kCallbackMipInterrupt,
            cb.kCallbackMipImprovingSolution,
            cb.kCallbackSimplexInterrupt,
            cb.kCallbackIpmInterrupt,
        ],
        **params,
    )
    model.problem.solve(solver)
    highs = model.problem.solverModel
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
    values = _values(model) if outcome in ("optimal", "feasible") else {}
    # PuLP hands HiGHS the negated (minimisation) objective; flip the bound back.
    bound = _finite(-info.mip_dual_bound / scale) if info.mip_dual_bound is not None else None
    if not model.problem.isMIP():
        bound = None
    return SolveResult(outcome, values, bound, 0.0, version)


class _HighsWithStart(pulp.HiGHS):  # type: ignore[misc,valid-type]
    """PuLP's HiGHS interface plus a MIP start from the variables' initial values."""

    def callSolver(self, lp: pulp.LpProblem) -> None:  # PuLP chooses the name
        import highspy

        variables = lp.variables()
        if any(v.varValue is not None for v in variables):
            solution = highspy.HighsSolution()
            values = [0.0] * len(variables)
            for v in variables:
                values[v.index] = float(v.varValue or 0.0)
            solution.col_value = values
            solution.value_valid = True
            lp.solverModel.setSolution(solution)
        lp.solverModel.run()


def solve_cbc(model: Formulation, options: PlanOptions, time_limit: float | None) -> SolveResult:
    """Solve with the CBC binary bundled with PuLP."""
    if _empty(model):
        return _trivial(model, "bundled")
    with tempfile.TemporaryDirectory(prefix="prioritiser-cbc-") as tmp:
        log = Path(tmp) / "cbc.log"
        with warnings.catch_warnings():
            # DESIGN.md asks for the CBC bundled with PuLP, which PuLP 3 marks as deprecated.
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(
                msg=False,
                timeLimit=time_limit,
                gapRel=options.gap,
                threads=options.threads,
                options=[f"randomCbcSeed {int(options.seed) % 2147483647 + 1}"],
                logPath=str(log),
                keepFiles=False,
                warmStart=getattr(model, "warm", False),
            )
        model.problem.solve(solver)
        text = log.read_text(errors="replace") if log.exists() else ""
    status, sol_status = model.problem.status, model.problem.sol_status
    if sol_status == pulp.LpSolutionOptimal and "Stopped on" not in text:
        outcome = "optimal"
    elif sol_status in (pulp.LpSolutionIntegerFeasible, pulp.LpSolutionOptimal):
        outcome = "feasible"
    elif status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        outcome = "infeasible"
    else:
        outcome = "no_solution"
    if "Problem is infeasible" in text or "infeasible" in text.split("Result -")[-1][:60]:
        outcome = "infeasible"
    values = _values(model) if outcome in ("optimal", "feasible") else {}
    bound = _cbc_bound(text)
    if bound is not None:
        bound /= model.objective_scale
    return SolveResult(outcome, values, bound, 0.0, _cbc_version(text))


def _cbc_bound(log: str) -> float | None:
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


def _cbc_version(log: str) -> str:
    match = re.search(r"Version:\s*(\S+)", log)
    return match.group(1) if match else "bundled"


_banner_silenced = False


def _silence_highs_banner() -> None:
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


def _highs_version() -> str:
    try:
        from importlib.metadata import version

        return version("highspy")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return "unknown"


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _values(model: Formulation) -> dict[str, float]:
    out = {}
    for index, var in model.start.items():
        out[f"x{index}"] = var.varValue or 0.0
    for index, var in model.build.items():
        out[f"y{index}"] = var.varValue or 0.0
    return out


def chosen_candidates(
    model: Formulation, result: SolveResult
) -> tuple[list[Candidate], list[Build]]:
    """Candidates and builds whose variables are 1 in the solution."""
    picks = [c for c in model.candidates.candidates if result.values.get(f"x{c.index}", 0) > 0.5]
    builds = [b for b in model.candidates.builds if result.values.get(f"y{b.index}", 0) > 0.5]
    return picks, builds


def read_roadmap(
    model: Formulation, economics: Economics, options: PlanOptions, result: SolveResult
) -> Roadmap:
    """Turn a solution into the Roadmap of DESIGN.md (deterministic order and rounding)."""
    picks, builds = chosen_candidates(model, result)
    solver = SolverInfo(
        name="HiGHS" if options.solver == "highs" else "CBC",
        version=result.version,
        time_limit=options.time_limit,
        seconds=round(result.seconds, 3),
        gap_limit=options.gap,
        threads=options.threads,
        seed=options.seed,
    )
    return assemble_roadmap(
        model.inventory,
        economics,
        model.candidates,
        picks,
        builds,
        result.status,
        result.bound,
        solver,
    )


def assemble_roadmap(
    inventory: Inventory,
    economics: Economics,
    candidates: CandidateSet,
    picks: list[Candidate],
    builds: list[Build],
    status: str,
    bound: float | None,
    solver: SolverInfo,
) -> Roadmap:
    """A Roadmap from chosen candidates and builds; the objective is recomputed exactly."""
    axis = inventory.axis
    picks = sorted(picks, key=lambda c: (c.start, c.system))
    builds = sorted(builds, key=lambda b: (b.start, b.platform))
    decisions = [
        Decision(
            system=c.system,
            option=c.option,
            kind=c.kind,
            start=axis.label(c.start),
            finish=axis.label(c.finish),
            npv=c.npv,
            department=c.department,
            delivery_risk=c.delivery_risk,
        )
        for c in picks
    ]
    platforms = [
        PlatformBuild(b.platform, axis.label(b.start), axis.label(b.ready), b.cost_pv)
        for b in builds
    ]
    has_plan = status in ("optimal", "feasible")
    objective = sum(c.npv for c in picks) - sum(b.cost_pv for b in builds) if has_plan else None
    if (
        has_plan
        and objective is not None
        and ((bound is None and status == "optimal") or (bound is not None and bound < objective))
    ):
        bound = objective  # solver noise: a bound can never be below a feasible objective
    gap = None
    if has_plan and bound is not None and objective is not None:
        gap = max(0.0, bound - objective) / max(abs(objective), 1.0)
    retained = []
    if has_plan:
        chosen_systems = {c.system for c in picks}
        reasons = retained_reasons(inventory, economics, candidates)
        retained = [
            Retained(s.id, reasons[s.id])
            for s in sorted(inventory.systems, key=lambda s: s.id)
            if s.id not in chosen_systems
        ]
    return Roadmap(
        status=status,  # type: ignore[arg-type]
        objective=objective,
        bound=bound,
        gap=gap,
        solver=solver,
        periods=axis.labels,
        decisions=decisions,
        retained=retained,
        resource_use=resource_use(inventory, picks, builds) if has_plan else {},
        platforms=platforms,
        inventory=inventory.portfolio.name,
        scenarios=list(inventory.scenarios),
    )


def greedy_roadmap(inventory: Inventory) -> Roadmap:
    """The greedy ranking baseline as a Roadmap (status no_solution when it gets stuck)."""
    from prioritiser.model.greedy import Greedy

    began = time.monotonic()
    economics = Economics(inventory)
    greedy = Greedy(inventory, economics)
    placed = greedy.run()
    solver = SolverInfo(name="greedy", version="1", seconds=round(time.monotonic() - began, 3))
    if placed is None:
        return assemble_roadmap(
            inventory, economics, greedy.candidates, [], [], "no_solution", None, solver
        )
    picks, builds = placed
    return assemble_roadmap(
        inventory, economics, greedy.candidates, picks, builds, "feasible", None, solver
    )


def resource_use(
    inventory: Inventory, picks: list[Candidate], builds: list[Build]
) -> dict[str, dict[str, float]]:
    """Use of every resource in every period by the chosen options and platform setups."""
    axis = inventory.axis
    use = {name: [0.0] * axis.count for name in sorted(inventory.resources)}
    for item in [*picks, *builds]:
        for resource, amount in item.use:
            if resource in use:
                for period in range(item.start, item.finish + 1):
                    use[resource][period] += amount
    return {name: {axis.label(t): v for t, v in enumerate(row)} for name, row in use.items()}

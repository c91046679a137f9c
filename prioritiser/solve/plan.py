"""Solve a model with HiGHS (default) or CBC and read back a Roadmap.

Statuses follow DESIGN.md (`SolveStatus`): `optimal` (proven within the asked gap),
`feasible` (stopped by the time limit or an interrupt with an incumbent; its gap is stated),
`infeasible`, and `no_solution` (stopped before any feasible roadmap was found).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from prioritiser.economics import Appraisal
from prioritiser.errors import UsageError
from prioritiser.inventory import Estate, Inventory
from prioritiser.model.candidates import Build, Candidate, CandidateSet
from prioritiser.model.formulation import Formulation
from prioritiser.model.reasons import retained_reasons
from prioritiser.model.rules import formulate
from prioritiser.roadmap import (
    Decision,
    PlatformBuild,
    Retained,
    Roadmap,
    SolverInfo,
    Unsupported,
    Value,
)
from prioritiser.solve import external
from prioritiser.solve.cbc import solve_cbc
from prioritiser.solve.cluster import require_distributed
from prioritiser.solve.decompose import DECOMPOSE_ABOVE, Settings, Undecomposable, solve_decomposed
from prioritiser.solve.external import SOLVERS as EXTERNAL
from prioritiser.solve.greedy import Greedy
from prioritiser.solve.highs import highs_version, solve_highs
from prioritiser.solve.result import Limits, Progress, ProgressFn, SolveResult, SolveStatus
from prioritiser.solve.staged import solve_staged, unconstrained_bound
from prioritiser.solve.warm import apply_warm_start, start_from, verified

# HiGHS (the default, in process) and the CBC bundled with PuLP are always there; the rest
# are reached through PuLP when installed (`external`).
SOLVERS = ("highs", "cbc", *EXTERNAL)
METHODS = ("auto", "monolithic", "decompose")
DEFAULT_GAP = 0.005

__all__ = ["DEFAULT_GAP", "METHODS", "SOLVERS", "PlanOptions", "Progress", "ProgressFn", "plan"]


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
    # "staged" (HiGHS: greedy, LP, rounding, neighbourhood search, then branch and bound;
    # see `staged`) or "mip" (branch and bound from the greedy roadmap). Models changed by
    # an `adjust` hook (no longer `plain`) are always solved by branch and bound.
    strategy: str = "staged"
    # "monolithic" (the staged search on the whole model), "decompose" (Lagrangian
    # decomposition by system and department, `prioritiser.solve.decompose`) or "auto"
    # (decompose above `DECOMPOSE_ABOVE` non-zeros).
    method: str = "auto"
    # Where the decomposition's department subproblems run: this many local processes
    # (None: one per core, at most `decompose.DEFAULT_WORKERS`), or a Dask scheduler.
    workers: int | None = None
    dask_scheduler: str | None = None
    # Limit work instead of wall-clock time (one thread; `time_limit` becomes reference
    # seconds of work, see `prioritiser.solve.work`), so a limited run repeats exactly.
    deterministic: bool = False


Adjustment = Callable[[Formulation], None]


@dataclass(frozen=True)
class Planned:
    """A roadmap and the solve behind it: `result.bound` is on the model's own objective,
    with any adjustment (`replan` reads its stability-penalised bound there)."""

    roadmap: Roadmap
    result: SolveResult


def plan(
    inventory: Inventory,
    options: PlanOptions | None = None,
    progress: ProgressFn | None = None,
    adjust: Adjustment | None = None,
) -> Roadmap:
    """Find the roadmap of maximal NPV under rules 1–7 (or the best within limits).

    `adjust` may change the formulation before solving with the named rules of
    `prioritiser.model.adjust` (force a system in, a stability penalty for replanning, ...);
    the roadmap's objective is still the plain NPV.
    """
    return plan_solved(inventory, options, progress, adjust).roadmap


def plan_solved(
    inventory: Inventory,
    options: PlanOptions | None = None,
    progress: ProgressFn | None = None,
    adjust: Adjustment | None = None,
) -> Planned:
    """`plan`, with the solver's result kept beside the roadmap."""
    options = options or PlanOptions()
    check_method(options)
    require_solver(options.solver)
    began = time.monotonic()
    # Dominated options go only when the objective is the plain NPV (an adjust hook may
    # change it, e.g. a stability penalty when replanning).
    model = formulate(inventory, presolve=adjust is None)
    if adjust is not None:
        model.plain = False
        adjust(model)
    if options.warm_start is not None:
        apply_warm_start(model, options.warm_start)
    if progress:
        progress(Progress(time.monotonic() - began, phase="model built"))
    remaining = options.time_limit
    if remaining is not None and not options.deterministic:
        # The build counts against a wall-clock limit (not against work: it is the same
        # for every run).
        remaining = max(1.0, remaining - (time.monotonic() - began))
    result = solve(model, options, remaining, progress, began)
    result.seconds = time.monotonic() - began
    return Planned(read_roadmap(model, options, result), result)


def require_solver(name: str) -> None:
    """A usage error unless solver `name` is known and installed here."""
    if name not in SOLVERS:
        raise UsageError(f"unknown solver {name!r}; choose one of {', '.join(SOLVERS)}")
    spec = EXTERNAL.get(name)
    if spec is not None and external.available_class(spec) is None:
        here = ", ".join(installed_solvers())
        raise UsageError(
            f"solver {name!r} ({spec.label}) is not installed here: {spec.install}; "
            f"installed: {here}"
        )


def installed_solvers() -> list[str]:
    """The `--solver` names that work here (HiGHS and CBC always)."""
    found = [n for n, spec in EXTERNAL.items() if external.available_class(spec) is not None]
    return ["highs", "cbc", *found]


def solver_label(name: str) -> str:
    """How roadmap.json names solver `name`."""
    spec = EXTERNAL.get(name)
    return spec.label if spec is not None else {"highs": "HiGHS", "cbc": "CBC"}.get(name, name)


def solve(
    model: Formulation,
    options: PlanOptions,
    time_limit: float | None,
    progress: ProgressFn | None = None,
    began: float | None = None,
) -> SolveResult:
    """Hand the model to the chosen solver: the one way every stage solves a model.

    A plain model (built from the inventory alone) starts from the greedy roadmap unless a
    warm start was given, and HiGHS solves it in stages (`staged`). A changed model is
    solved by branch and bound from its warm start, if any.
    """
    require_solver(options.solver)
    version = highs_version() if options.solver == "highs" else "bundled"
    if _empty(model):
        return _trivial(model, version)
    entered = time.monotonic()
    limits = solve_limits(options, time_limit)
    if options.solver == "highs" and options.strategy == "staged" and decomposes(model, options):
        try:
            settings = Settings(options.workers, options.dask_scheduler)
            return solve_decomposed(model, limits, settings, progress, began)
        except Undecomposable:
            pass  # a column no system or platform defines, or no start: solved whole below
    if options.solver == "highs" and model.plain and options.strategy == "staged":
        return solve_staged(model, limits, progress, began)
    if model.plain and not model.initial:
        greedy = Greedy(model.estate, model.graph, model.candidates).run()
        if greedy is not None:
            start_from(model, *greedy)
    data = model.solver_input()
    if options.solver != "highs" and data.initial is not None and model.plain:
        # CBC and the others get a complete start (step variables too) checked against
        # every row by HiGHS, or none: CBC may fall back on it (see `solve_cbc`).
        data.initial = verified(data, data.initial, model.objective_scale)[0]
    if limits.time_limit is not None:
        # The greedy start and its check count against the limit too.
        limits.time_limit = max(0.01, limits.time_limit - (time.monotonic() - entered))
    if options.solver == "highs":
        result, _ = solve_highs(data, limits, model.objective_scale, progress, began)
    elif options.solver == "cbc":
        result = solve_cbc(data, limits, model.objective_scale)
    else:
        result = external.solve_external(
            EXTERNAL[options.solver], data, limits, model.objective_scale
        )
    if model.plain and (
        result.status is SolveStatus.FEASIBLE
        or (result.status is SolveStatus.OPTIMAL and result.bound is not None)
    ):
        # Without presolve HiGHS may stop before its root LP, and CBC states no bound
        # when stopped early; every system at its best candidate is a valid bound too
        # (the staged solve starts from it). Not for a changed objective. An optimal solve
        # without a bound (CBC solving the whole model in preprocessing) needs none:
        # optimal is its proof, and the trivial bound would state a gap that contradicts it.
        trivial = unconstrained_bound(model, data)
        result.bound = trivial if result.bound is None else min(result.bound, trivial)
    return result


def check_method(options: PlanOptions) -> None:
    """The solver and method asked for exist and go together (else a UsageError)."""
    if options.solver not in SOLVERS:
        raise UsageError(f"unknown solver {options.solver!r}; choose one of {', '.join(SOLVERS)}")
    if options.method not in METHODS:
        raise UsageError(f"unknown method {options.method!r}; choose one of {', '.join(METHODS)}")
    if options.dask_scheduler and options.method == "monolithic":
        raise UsageError("--dask-scheduler runs the decomposition: drop --method monolithic")
    if options.dask_scheduler:
        require_distributed()  # the address itself is probed when the decomposition starts
    decomposing = options.method == "decompose" or options.dask_scheduler
    if decomposing and options.solver != "highs":
        raise UsageError("--method decompose solves its subproblems with HiGHS: drop --solver")
    if decomposing and options.deterministic:
        raise UsageError(
            "--deterministic bounds HiGHS's work, the decomposition runs by the clock: "
            "drop one of --deterministic and --method decompose"
        )
    if options.workers is not None and options.workers < 1:
        raise UsageError("--workers must be at least 1")


def decomposes(model: Formulation, options: PlanOptions) -> bool:
    """Whether this solve decomposes: asked for, or `auto` on a plain model above the
    threshold.

    Asked for, a model a later stage changed decomposes too (replan's stability terms and
    pinned platform starts, explain's forcing): the Lagrangian bound and the department
    searches read the model's own rows and objective, and every roadmap is checked against
    every row; only the first roadmap comes from the greedy ranking of the plain NPV, and
    where it breaks an added row (or a column belongs to no system) the solve falls back
    to the whole model (`Undecomposable`). `auto` keeps such models whole: the threshold
    was measured on plain ones.
    """
    if options.method == "decompose" or options.dask_scheduler:
        return True
    if options.method == "monolithic" or not model.plain:
        return False
    return model.matrix.nonzeros > DECOMPOSE_ABOVE


def solve_limits(options: PlanOptions, time_limit: float | None) -> Limits:
    """The limits of a solve: `time_limit` is wall-clock seconds, or under
    `options.deterministic` reference seconds of work (and one thread)."""
    limits = Limits(None, options.gap, options.threads, options.seed, options.stop)
    if options.deterministic:
        limits.deterministic = True
        limits.threads = 1
        limits.work_limit = time_limit
    else:
        limits.time_limit = time_limit
    return limits


def _empty(model: Formulation) -> bool:
    return (
        not model.candidates.candidates and not model.candidates.builds and model.column_count == 0
    )


def _trivial(model: Formulation, version: str) -> SolveResult:
    """A model without variables: the empty roadmap, if every rule holds for it.

    A deadline or lock whose every start was pruned leaves `one_option[s] == 1` with no
    terms; no solver sees that row, so it is evaluated here.
    """
    if model.holds_at_zero():
        return SolveResult(SolveStatus.OPTIMAL, np.zeros(0), 0.0, 0.0, version)
    return SolveResult(SolveStatus.INFEASIBLE, None, 0.0, 0.0, version)


def chosen_candidates(
    model: Formulation, result: SolveResult
) -> tuple[list[Candidate], list[Build]]:
    """Candidates and builds whose variables are 1 in the solution."""
    if result.columns is None or not len(result.columns):
        return [], []
    columns, x, y = result.columns, result.start, result.build
    picks = [c for c in model.candidates.candidates if columns[x[c.index]] > 0.5]
    builds = [b for b in model.candidates.builds if columns[y[b.index]] > 0.5]
    return picks, builds


def read_roadmap(model: Formulation, options: PlanOptions, result: SolveResult) -> Roadmap:
    """Turn a solution into the Roadmap of DESIGN.md (deterministic order and rounding)."""
    picks, builds = chosen_candidates(model, result)
    solver = SolverInfo(
        name=solver_label(options.solver),
        version=result.version,
        time_limit=None if options.deterministic else options.time_limit,
        work_limit=options.time_limit if options.deterministic else None,
        seconds=round(result.seconds, 3),
        gap_limit=options.gap,
        threads=options.threads,
        seed=options.seed,
    )
    # A retained system's reason speaks of every candidate its windows allow.
    candidates = model.whole or model.candidates
    return assemble_roadmap(
        model.estate, candidates, picks, builds, result.status, result.bound, solver
    )


def assemble_roadmap(
    estate: Estate,
    candidates: CandidateSet,
    picks: list[Candidate],
    builds: list[Build],
    status: SolveStatus,
    bound: float | None,
    solver: SolverInfo,
) -> Roadmap:
    """A Roadmap from chosen candidates and builds; the objective is recomputed exactly."""
    inventory = estate.inventory
    label = estate.label
    appraisal = Appraisal.of(inventory)
    picks = sorted(picks, key=lambda c: (c.start, c.system))
    builds = sorted(builds, key=lambda b: (b.start, b.platform))
    decisions = [_decision(estate, appraisal, c) for c in picks]
    platforms = [
        PlatformBuild(b.platform, label(b.start), label(b.ready), b.cost_pv) for b in builds
    ]
    status = SolveStatus(status)
    has_plan = status.has_plan
    objective = sum(c.npv for c in picks) - sum(b.cost_pv for b in builds) if has_plan else None
    value = None
    unsupported: list[Unsupported] = []
    if has_plan:
        value = sum((d.value for d in decisions if d.value is not None), Value())
        value += Value(platforms=-sum(b.cost_pv for b in builds))
        finishes = {c.system: c.finish for c in picks}
        unsupported = [
            Unsupported(system, estate.system(system).criticality, label(first), periods, pv)
            for system, first, periods, pv in appraisal.unsupported_left(finishes)
        ]
    if (
        has_plan
        and objective is not None
        and (
            (bound is None and status is SolveStatus.OPTIMAL)
            or (bound is not None and bound < objective)
        )
    ):
        bound = objective  # solver noise: a bound can never be below a feasible objective
    gap = None
    if has_plan and bound is not None and objective is not None:
        gap = max(0.0, bound - objective) / max(abs(objective), 1.0)
    retained = []
    if has_plan:
        chosen_systems = {c.system for c in picks}
        reasons = retained_reasons(estate, candidates)
        retained = [
            Retained(s.id, reasons[s.id])
            for s in sorted(estate.systems, key=lambda s: s.id)
            if s.id not in chosen_systems
        ]
    return Roadmap(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        solver=solver,
        periods=estate.axis.labels,
        decisions=decisions,
        retained=retained,
        resource_use=resource_use(estate, picks, builds) if has_plan else {},
        platforms=platforms,
        inventory=inventory.portfolio.name,
        scenarios=list(inventory.scenarios),
        include=list(inventory.objective.include),
        npv=value.npv if value is not None else None,
        value=value,
        unsupported=unsupported,
    )


def _decision(estate: Estate, appraisal: Appraisal, c: Candidate) -> Decision:
    """A chosen candidate as roadmap.json states it, with its value split, and its duration
    and one-off costs with optimism bias and as stated."""
    option = estate.system(c.system).option(c.option)
    return Decision(
        system=c.system,
        option=c.option,
        kind=c.kind,
        start=estate.label(c.start),
        finish=estate.label(c.finish),
        npv=c.npv,
        department=c.department,
        delivery_risk=c.delivery_risk,
        value=appraisal.split(c.system, c.option, c.start),
        duration=option.duration,
        base_duration=option.base_duration,
        costs=dict(option.costs),
        base_costs=dict(option.base_costs),
    )


def greedy_roadmap(inventory: Inventory) -> Roadmap:
    """The greedy ranking baseline as a Roadmap (status no_solution when it gets stuck)."""
    from prioritiser.graph import EstateGraph
    from prioritiser.model.candidates import enumerate_candidates

    began = time.monotonic()
    estate = inventory.estate
    candidates = enumerate_candidates(estate, Appraisal.of(inventory))
    placed = Greedy(estate, EstateGraph.of(estate), candidates).run()
    solver = SolverInfo(name="greedy", version="1", seconds=round(time.monotonic() - began, 3))
    if placed is None:
        return assemble_roadmap(estate, candidates, [], [], SolveStatus.NO_SOLUTION, None, solver)
    picks, builds = placed
    return assemble_roadmap(estate, candidates, picks, builds, SolveStatus.FEASIBLE, None, solver)


def resource_use(
    estate: Estate, picks: list[Candidate], builds: list[Build]
) -> dict[str, dict[str, float]]:
    """Use of every resource in every period by the chosen options and platform setups."""
    horizon = estate.horizon
    use = {name: [0.0] * horizon for name in sorted(estate.resources)}
    placed: list[Candidate | Build] = [*picks, *builds]
    for item in placed:
        for resource, amount in item.use:
            if resource in use:
                for period in range(item.start, item.finish + 1):
                    use[resource][period] += amount
    return {name: {estate.label(t): v for t, v in enumerate(row)} for name, row in use.items()}

"""Solve the formulation with HiGHS (default) or CBC and read back a Roadmap.

Statuses follow DESIGN.md: `optimal` (proven within the asked gap), `feasible` (stopped by
the time limit or an interrupt with an incumbent; its gap is stated), `infeasible`, and
`no_solution` (stopped before any feasible roadmap was found).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory
from prioritiser.model.backends import (
    Limits,
    Progress,
    ProgressFn,
    SolveResult,
    highs_version,
    silence_highs_banner,
    solve_cbc,
    solve_highs,
)
from prioritiser.model.candidates import Build, Candidate, CandidateSet
from prioritiser.model.formulation import Formulation, formulate
from prioritiser.model.greedy import Greedy
from prioritiser.model.reasons import retained_reasons
from prioritiser.model.staged import solve_staged, unconstrained_bound, verified
from prioritiser.roadmap import Decision, PlatformBuild, Retained, Roadmap, SolverInfo

SOLVERS = ("highs", "cbc")
DEFAULT_GAP = 0.005

__all__ = ["DEFAULT_GAP", "SOLVERS", "PlanOptions", "Progress", "ProgressFn", "plan"]


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
    # an `adjust` hook are always solved by branch and bound.
    strategy: str = "staged"


Adjustment = Callable[[Formulation], None]
_silence_highs_banner = silence_highs_banner  # diagnose solves its own model through PuLP


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
    # Dominated options go only when the objective is the plain NPV (an adjust hook may
    # change it, e.g. a stability penalty when replanning).
    model = formulate(inventory, economics, presolve=adjust is None)
    if adjust is not None:
        adjust(model)
    if options.warm_start is not None:
        apply_warm_start(model, options.warm_start)
    if progress:
        progress(Progress(time.monotonic() - began, phase="model built"))
    remaining = None
    if options.time_limit is not None:
        remaining = max(1.0, options.time_limit - (time.monotonic() - began))
    result = solve(model, options, remaining, progress, began, economics)
    result.seconds = time.monotonic() - began
    return read_roadmap(model, economics, options, result)


def solve(
    model: Formulation,
    options: PlanOptions,
    time_limit: float | None,
    progress: ProgressFn | None = None,
    began: float | None = None,
    economics: Economics | None = None,
) -> SolveResult:
    """Hand the model to the chosen solver; PuLP-changed models go through their PuLP view.

    A model built from the inventory alone (no `adjust` hook) starts from the greedy
    roadmap unless a warm start was given, and HiGHS solves it in stages (`staged`).
    """
    version = highs_version() if options.solver == "highs" else "bundled"
    if _empty(model):
        return _trivial(model, version)
    entered = time.monotonic()
    economics = economics or Economics(model.inventory)
    limits = Limits(time_limit, options.gap, options.threads, options.seed, options.stop)
    if options.solver == "highs" and not model.via_pulp and options.strategy == "staged":
        result = solve_staged(model, economics, limits, progress, began)
        data = model.solver_input()
    else:
        if not model.via_pulp and not model.initial:
            greedy = Greedy(model.inventory, economics, model.candidates).run()
            if greedy is not None:
                _start_from(model, *greedy)
        data = model.solver_input()
        if options.solver == "cbc" and data.initial is not None and not model.via_pulp:
            # CBC gets a complete start (step variables too) checked against every row by
            # HiGHS, or none: it may fall back on it (see `solve_cbc`).
            data.initial = verified(data, data.initial, model.objective_scale)[0]
        if time_limit is not None:
            # The greedy start and its check count against the limit too.
            limits.time_limit = max(0.01, time_limit - (time.monotonic() - entered))
        if options.solver == "highs":
            result, highs = solve_highs(data, limits, model.objective_scale, progress, began)
            if model.via_pulp:
                model.problem.solverModel = highs  # callers read duals and bounds from it
        else:
            result = solve_cbc(data, limits, model.objective_scale)
        if not model.via_pulp and (
            result.status == "feasible" or (result.status == "optimal" and result.bound is not None)
        ):
            # Without presolve HiGHS may stop before its root LP, and CBC states no bound
            # when stopped early; every system at its best candidate is a valid bound too
            # (the staged solve starts from it). An optimal solve without a bound (CBC
            # solving the whole model in preprocessing) needs none: optimal is its proof, and
            # the trivial bound would state a gap that contradicts it.
            trivial = unconstrained_bound(model, data)
            result.bound = trivial if result.bound is None else min(result.bound, trivial)
    if model.via_pulp and result.columns is not None:
        for var, value in zip(model.problem.variables(), result.columns, strict=True):
            var.varValue = float(value)
    result.details["x"] = data.start
    result.details["y"] = data.build
    return result


def _start_from(model: Formulation, picks: list[Candidate], builds: list[Build]) -> None:
    """A MIP start from chosen candidates and builds."""
    chosen = {c.index for c in picks}
    built = {b.index for b in builds}
    initial = {col: 1.0 if i in chosen else 0.0 for i, col in model.start_col.items()}
    initial.update({col: 1.0 if i in built else 0.0 for i, col in model.build_col.items()})
    model.initial = initial


def apply_warm_start(model: Formulation, roadmap: Roadmap) -> int:
    """Set variable values from `roadmap` as a MIP start; returns how many decisions matched."""
    axis = model.inventory.axis
    wanted = {(d.system, d.option, axis.index(d.start)) for d in roadmap.decisions}
    builds = {(p.id, axis.index(p.start)) for p in roadmap.platforms}
    picks = [c for c in model.candidates.candidates if (c.system, c.option, c.start) in wanted]
    built = [b for b in model.candidates.builds if (b.platform, b.start) in builds]
    _start_from(model, picks, built)
    initial = model.initial
    if model.via_pulp:
        for c in model.candidates.candidates:
            model.start[c.index].setInitialValue(initial[model.start_col[c.index]])
        for b in model.candidates.builds:
            model.build[b.index].setInitialValue(initial[model.build_col[b.index]])
    model.warm = True
    return len(picks)


def _empty(model: Formulation) -> bool:
    return not model.candidates.candidates and not model.candidates.builds


def _trivial(model: Formulation, version: str) -> SolveResult:
    """A model without variables: the empty roadmap, if every rule holds for it.

    A deadline or lock whose every start was pruned leaves `one_option[s] == 1` with no
    terms; no solver sees that row, so it is evaluated here.
    """
    holds = all(c.valid(1e-9) for family in model.families.values() for c in family.values())
    status = "optimal" if holds else "infeasible"
    return SolveResult(status, np.zeros(0) if holds else None, 0.0, 0.0, version)


def chosen_candidates(
    model: Formulation, result: SolveResult
) -> tuple[list[Candidate], list[Build]]:
    """Candidates and builds whose variables are 1 in the solution."""
    if result.columns is None or not len(result.columns):
        return [], []
    columns = result.columns
    x, y = result.details["x"], result.details["y"]
    picks = [c for c in model.candidates.candidates if columns[x[c.index]] > 0.5]
    builds = [b for b in model.candidates.builds if columns[y[b.index]] > 0.5]
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

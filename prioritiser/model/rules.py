"""The rules of DESIGN.md, one function each, each adding one named constraint family.

Each `add_*` writes its rows into a `Formulation` (see `formulation.py`); `formulate` calls
them in this order. A new rule is a new function here, a call in `formulate`, a check in
`check.py` and a case in the brute-force oracle (`tests/bruteforce.py`).
"""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from prioritiser.economics import Appraisal
from prioritiser.graph import EstateGraph
from prioritiser.inventory import DependencyConstraint, Inventory
from prioritiser.model.candidates import Candidate, enumerate_candidates
from prioritiser.model.formulation import Formulation
from prioritiser.model.matrix import INF
from prioritiser.model.presolve import dominated_options
from prioritiser.model.strengthen import precedence_prunable


def add_variables(model: Formulation) -> None:
    for c in model.candidates.candidates:
        name = f"start[{c.system},{c.option},{model.label(c.start)}]"
        model.start_col[c.index] = model.column(name, 0, 1, integer=True)
    for b in model.candidates.builds:
        name = f"build[{b.platform},{model.label(b.start)}]"
        model.build_col[b.index] = model.column(name, 0, 1, integer=True)


def _ones(cols: Sequence[int], sign: float = 1.0) -> list[float]:
    return [sign] * len(cols)


def add_one_option(model: Formulation) -> None:
    """Rule 1: at most one option per system; exactly one with a deadline or a lock."""
    for system in model.estate.systems:
        cols = model.chosen_cols(model.candidates.of(system.id))
        if system.mandatory:
            model.row("one_option", (system.id,), cols, _ones(cols), 1.0, 1.0)
        elif cols:
            model.row("one_option", (system.id,), cols, _ones(cols), -INF, 1.0)


@dataclass
class _Use:
    """Per-resource use of every candidate and build, as arrays for the dense rules."""

    cols: np.ndarray  # column handle
    start: np.ndarray
    finish: np.ndarray
    amount: np.ndarray
    is_build: np.ndarray

    @classmethod
    def of(cls, model: Formulation, resource: str) -> _Use:
        cols, start, finish, amount, is_build = [], [], [], [], []
        for c in model.candidates.candidates:
            for name, value in c.use:
                if name == resource:
                    cols.append(model.start_col[c.index])
                    start.append(c.start)
                    finish.append(c.finish)
                    amount.append(value)
                    is_build.append(False)
        for b in model.candidates.builds:
            for name, value in b.use:
                if name == resource:
                    cols.append(model.build_col[b.index])
                    start.append(b.start)
                    finish.append(b.finish)
                    amount.append(value)
                    is_build.append(True)
        return cls(
            np.asarray(cols, dtype=np.int64),
            np.asarray(start, dtype=np.int64),
            np.asarray(finish, dtype=np.int64),
            np.asarray(amount, dtype=np.float64),
            np.asarray(is_build, dtype=bool),
        )


def _resources_used(model: Formulation) -> list[str]:
    used = {name for c in model.candidates.candidates for name, _ in c.use}
    used |= {name for b in model.candidates.builds for name, _ in b.use}
    return sorted(used)


def add_resource_capacity(model: Formulation) -> None:
    """Rule 3: per resource and period, the use of everything in flight ≤ capacity.

    Built per resource with array masks (in flight ⇔ start ≤ t ≤ finish): these rows hold
    most of the model's non-zeros at estate scale. Terms are ordered candidates first, then
    builds, each in index order.
    """
    estate = model.estate
    uses = {resource: _Use.of(model, resource) for resource in _resources_used(model)}
    for period in range(estate.horizon):
        for resource in sorted(uses):
            use = uses[resource]
            live = (use.start <= period) & (period <= use.finish)
            if not live.any():
                continue
            # Candidates before builds, as the rule lists them.
            order = np.concatenate(
                [np.flatnonzero(live & ~use.is_build), np.flatnonzero(live & use.is_build)]
            )
            capacity = estate.capacity(resource, period)
            key = (resource, model.label(period))
            model.add_capacity(
                "resource_capacity", key, use.cols[order], use.amount[order], capacity
            )


def add_resource_totals(model: Formulation) -> None:
    """Rule 3: a resource's `total` caps its use summed over the horizon."""
    for resource, spec in sorted(model.estate.resources.items()):
        if spec.total is None:
            continue
        cols: list[int] = []
        amounts: list[float] = []
        for c in model.candidates.candidates:
            amount = dict(c.use).get(resource, 0.0)
            if amount:
                cols.append(model.start_col[c.index])
                amounts.append(amount * (c.finish - c.start + 1))
        for b in model.candidates.builds:
            amount = dict(b.use).get(resource, 0.0)
            if amount:
                cols.append(model.build_col[b.index])
                amounts.append(amount * (b.ready - b.start))
        if cols:
            model.add_capacity("resource_total", (resource,), cols, amounts, spec.total)


def add_resource_per_year(model: Formulation) -> None:
    """Appraisal v2: a resource's `per_year` caps its use summed over the periods of each
    financial year (those inside the horizon), family `resource_per_year[capex,2027-28]`."""
    estate = model.estate
    for resource, spec in sorted(estate.resources.items()):
        if not spec.per_year:
            continue
        use = _Use.of(model, resource)
        for label, cap in spec.per_year:
            periods = estate.financial_year(label).periods
            first, last = periods.start, periods.stop - 1
            # Periods in flight inside the year: overlap of [start, finish] and [first, last].
            overlap = np.minimum(use.finish, last) - np.maximum(use.start, first) + 1
            live = np.flatnonzero(overlap > 0)
            if not len(live):
                continue
            order = np.concatenate(
                [live[~use.is_build[live]], live[use.is_build[live]]]
            )  # candidates before builds, as in resource_capacity
            amounts = use.amount[order] * overlap[order]
            model.add_capacity(
                "resource_per_year", (resource, label), use.cols[order], amounts, cap
            )


def add_dependency_order(model: Formulation) -> None:
    """Rule 4 (after, requires): a non-retire consumer starts after its non-retire provider.

    Per consumer start period t: "consumer started by t" + "provider modernised" −
    "provider finished before t" ≤ 1. The three terms are step variables tied to the start
    variables once per system (see `StepVariables`), so each row has three non-zeros instead
    of one per candidate — the same LP relaxation, much sparser (it matters at 5,000 systems).
    """
    pairs = model.graph.ordering_pairs()
    steps = StepVariables(model)
    for consumer, provider in pairs:
        mine = [c for c in model.candidates.of(consumer) if not c.retires]
        theirs = [c for c in model.candidates.of(provider) if not c.retires]
        if not mine or not theirs:
            continue
        last_finish = max(c.finish for c in theirs)
        for period in sorted({c.start for c in mine}):
            if period > last_finish:
                break  # the provider has finished by now whichever start it took
            cols = [
                steps.started_by(consumer, period),
                steps.modernised(provider),
                steps.finished_before(provider, period),
            ]
            key = (consumer, provider, model.label(period))
            model.row("after", key, cols, [1.0, 1.0, -1.0], -INF, 1.0)


class StepVariables:
    """Cumulative "started by t" / "finished before t" variables of non-retire options.

    Defined by one recurrence row per system and period, in the `started_by`,
    `finished_before` and `modernised` families.
    """

    def __init__(self, model: Formulation):
        self.model = model
        self._started: dict[str, list[int]] = {}
        self._finished: dict[str, list[int]] = {}
        self._modernised: dict[str, int] = {}

    def _options(self, system: str) -> list[Candidate]:
        return [c for c in self.model.candidates.of(system) if not c.retires]

    def _chain(self, system: str, family: str, event: dict[int, list[Candidate]]) -> list[int]:
        model = self.model
        chain: list[int] = []
        for period in range(model.estate.horizon):
            label = model.label(period)
            col = model.column(f"{family}[{system},{label}]", 0, 1)
            events = model.chosen_cols(event.get(period, ()))
            cols = [col, *events]
            coefs = [1.0, *_ones(events, -1.0)]
            if chain:
                cols.append(chain[-1])
                coefs.append(-1.0)
            model.row(family, (system, label), cols, coefs, 0.0, 0.0)
            chain.append(col)
        return chain

    def started_by(self, system: str, period: int) -> int:
        if system not in self._started:
            starts: dict[int, list[Candidate]] = defaultdict(list)
            for c in self._options(system):
                starts[c.start].append(c)
            self._started[system] = self._chain(system, "started_by", starts)
        return self._started[system][period]

    def finished_before(self, system: str, period: int) -> int:
        if system not in self._finished:
            ends: dict[int, list[Candidate]] = defaultdict(list)
            for c in self._options(system):
                ends[c.finish + 1].append(c)  # finished before t ⇔ finish ≤ t − 1
            self._finished[system] = self._chain(system, "finished_before", ends)
        return self._finished[system][period]

    def modernised(self, system: str) -> int:
        if system not in self._modernised:
            model = self.model
            col = model.column(f"modernised[{system}]", 0, 1)
            events = model.chosen_cols(self._options(system))
            cols, coefs = [col, *events], [1.0, *_ones(events, -1.0)]
            model.row("modernised", (system,), cols, coefs, 0.0, 0.0)
            self._modernised[system] = col
        return self._modernised[system]


def add_requires(model: Formulation) -> None:
    """Rule 4 (requires): a non-retire consumer needs a non-retire provider."""
    pairs = model.graph.pairs((DependencyConstraint.REQUIRES,))
    for consumer, provider in pairs:
        mine = model.chosen_cols(c for c in model.candidates.of(consumer) if not c.retires)
        if not mine:
            continue
        theirs = model.chosen_cols(c for c in model.candidates.of(provider) if not c.retires)
        coefs = [*_ones(mine), *_ones(theirs, -1.0)]
        model.row("requires", (consumer, provider), [*mine, *theirs], coefs, -INF, 0.0)


def add_together(model: Formulation) -> None:
    """Rule 4 (together): both or neither are modernised, starting in the same period."""
    for a, b in model.graph.together_pairs():
        ours, theirs = model.candidates.of(a), model.candidates.of(b)
        for period in sorted({c.start for c in ours} | {c.start for c in theirs}):
            mine = model.chosen_cols(c for c in ours if c.start == period)
            other = model.chosen_cols(c for c in theirs if c.start == period)
            coefs = [*_ones(mine), *_ones(other, -1.0)]
            model.row("together", (a, b, model.label(period)), [*mine, *other], coefs, 0.0, 0.0)


def add_safe_retirement(model: Formulation) -> None:
    """Rule 5: a system is retired only after every consumer has finished its own change."""
    consumers: dict[str, list[str]] = defaultdict(list)
    for link in model.graph.links():
        consumers[link.provider].append(link.consumer)
    for provider in sorted(consumers):
        retirements = [c for c in model.candidates.of(provider) if c.retires]
        if not retirements:
            continue
        for consumer in sorted(set(consumers[provider])):
            theirs = model.candidates.of(consumer)
            for period in sorted({c.start for c in retirements}):
                retired_by = model.chosen_cols(c for c in retirements if c.start <= period)
                finished_before = model.chosen_cols(c for c in theirs if c.finish < period)
                cols = [*retired_by, *finished_before]
                coefs = [*_ones(retired_by), *_ones(finished_before, -1.0)]
                key = (provider, consumer, model.label(period))
                model.row("safe_retirement", key, cols, coefs, -INF, 0.0)


def add_platforms(model: Formulation) -> None:
    """Rule 6: built once, only if used, and ready before any option that requires it starts."""
    users: dict[str, dict[str, list[Candidate]]] = defaultdict(lambda: defaultdict(list))
    for c in model.candidates.candidates:
        for platform in c.platforms:
            users[platform][c.system].append(c)
    for platform in sorted(users):
        builds = model.candidates.by_platform.get(platform, [])
        built = model.built_cols(builds)
        model.row("platform_once", (platform,), built, _ones(built), -INF, 1.0)
        everyone = model.chosen_cols(c for cands in users[platform].values() for c in cands)
        cols, coefs = [*built, *everyone], [*_ones(built), *_ones(everyone, -1.0)]
        model.row("platform_used", (platform,), cols, coefs, -INF, 0.0)
        for system in sorted(users[platform]):
            mine = users[platform][system]
            for period in sorted({c.start for c in mine}):
                started = model.chosen_cols(c for c in mine if c.start <= period)
                ready = model.built_cols(b for b in builds if b.ready <= period)
                cols, coefs = [*started, *ready], [*_ones(started), *_ones(ready, -1.0)]
                key = (platform, system, model.label(period))
                model.row("platform_ready", key, cols, coefs, -INF, 0.0)


def add_risk_limits(model: Formulation) -> None:
    """Rule 7: concurrent high-risk work, total delivery risk, change per department."""
    risk = model.inventory.risk
    horizon = model.estate.horizon
    cands = model.candidates.candidates
    cols = np.asarray([model.start_col[c.index] for c in cands], dtype=np.int64)
    start = np.asarray([c.start for c in cands], dtype=np.int64)
    finish = np.asarray([c.finish for c in cands], dtype=np.int64)
    if risk.max_concurrent_high_risk is not None:
        limit = risk.max_concurrent_high_risk
        risky = np.asarray([c.delivery_risk >= risk.high_risk_threshold for c in cands], bool)
        for period in range(horizon):
            live = np.flatnonzero(risky & (start <= period) & (period <= finish))
            if len(live) > limit:
                key = (model.label(period),)
                model.row("high_risk_in_flight", key, cols[live], np.ones(len(live)), -INF, limit)
    if risk.max_total_delivery_risk is not None:
        weights = [float(c.delivery_risk) for c in cands]
        model.row("total_delivery_risk", (), cols, weights, -INF, risk.max_total_delivery_risk)
    if risk.max_concurrent_per_department is not None:
        limit = risk.max_concurrent_per_department
        names = sorted({c.department for c in cands})
        number = {name: i for i, name in enumerate(names)}
        department = np.asarray([number[c.department] for c in cands], dtype=np.int64)
        for period in range(horizon):
            running = (start <= period) & (period <= finish)
            for name in names:
                members = np.flatnonzero(running & (department == number[name]))
                if len(members) > limit:
                    where = (name, model.label(period))
                    ones = np.ones(len(members))
                    model.row("department_in_flight", where, cols[members], ones, -INF, limit)


def add_objective(model: Formulation) -> None:
    """Maximise the NPV of chosen options minus the discounted cost of platform setups."""
    terms = [(model.start_col[c.index], c.npv) for c in model.candidates.candidates]
    terms += [(model.build_col[b.index], -b.cost_pv) for b in model.candidates.builds]
    largest = max((abs(v) for _, v in terms), default=0.0)
    # Work in units where the largest value is of order 1 (solvers prefer it); the roadmap's
    # objective is recomputed in money from the chosen candidates anyway.
    scale = 10.0 ** -math.floor(math.log10(largest)) if largest > 0 else 1.0
    model.set_objective({col: value * scale for col, value in terms}, scale)


def formulate(inventory: Inventory, presolve: bool = False) -> Formulation:
    """Build the whole model: variables, every rule of DESIGN.md, and the objective.

    With `presolve`, dominated options get no variables (valid for the NPV objective only;
    see `presolve.dominated_options`), nor do starts no roadmap can take
    (`strengthen.precedence_prunable`: valid for the rules as they are, not for a model
    whose rules a later stage relaxes).
    """
    estate = inventory.estate
    appraisal = Appraisal.of(inventory)
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects, none of them garbage: 20 % faster
    try:
        skip = dominated_options(estate, appraisal) if presolve else set()
        candidates = enumerate_candidates(estate, appraisal, skip)
        graph = EstateGraph.of(estate)
        whole = None
        if presolve:
            whole = candidates
            candidates = whole.without(precedence_prunable(estate, graph, whole))
        model = Formulation(estate, graph, candidates, None if whole is candidates else whole)
        add_variables(model)
        add_one_option(model)
        add_resource_capacity(model)
        add_resource_totals(model)
        add_resource_per_year(model)
        add_dependency_order(model)
        add_requires(model)
        add_together(model)
        add_safe_retirement(model)
        add_platforms(model)
        add_risk_limits(model)
        add_objective(model)
    finally:
        if collecting:
            gc.enable()
    return model

"""The evidence a board pack needs beyond the roadmap itself, computed by re-solving.

- today's proven optimum (gap 0; the roadmap a plan writes may stop within its gap);
- levers (`levers.py`): the value of one more unit of every limit;
- the largest risk the roadmap leaves, and the cheapest ways to close it: the system forced
  in with each of its options, or with the limit that blocks it raised just enough;
- optionally, the price of forcing every system in (retained) or out (modernised);
- the scenarios alongside the inventory, each planned on its own, side by side;
- the planned NPV's P10/P50/P90 over a quick uncertainty sample (`uncertainty.py`).

Every solve is independent and proven (gap 0) except the scenarios, which are planned as
`plan` plans (its gap); all go to one pool (`pool.py`), so the evidence is the same
whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from prioritiser.diagnose import diagnose
from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory
from prioritiser.model import Formulation, adjust, formulate
from prioritiser.model.candidates import Candidate, enumerate_candidates, placed
from prioritiser.model.limits import LimitRow, limit_rows, tight_rows
from prioritiser.roadmap import Decision, Roadmap
from prioritiser.scenarios.compare import classify, scenario_name
from prioritiser.scenarios.levers import (
    Lever,
    LimitChange,
    lever,
    limit_changes,
    relax,
    tight_limits,
)
from prioritiser.scenarios.pool import Job, run_jobs
from prioritiser.scenarios.uncertainty import NpvRange, npv_range
from prioritiser.scenarios.variants import spend_by_period, with_systems
from prioritiser.solve import PlanOptions
from prioritiser.wording import money

CRITICALITY_RANK = {"critical": 3, "high": 2, "medium": 1, "low": 0}
BASE = "optimum"
SHOWN_WAYS = 3


@dataclass(frozen=True)
class ForceIn:
    """A picklable adjustment: the system modernised (with `option`, when given)."""

    system: str
    option: str | None = None

    def __call__(self, model: Formulation) -> None:
        if self.option is None:
            adjust.force_in(model, self.system)
        else:
            adjust.force_option(model, self.system, self.option)


@dataclass(frozen=True)
class ForceOut:
    """A picklable adjustment: the system retained."""

    system: str

    def __call__(self, model: Formulation) -> None:
        adjust.force_out(model, self.system)


@dataclass(frozen=True)
class Forced:
    """The proven optimum with one system forced in (or out), against today's."""

    system: str
    direction: str  # "in" or "out"
    base: float
    status: str
    objective: float | None
    decision: Decision | None = None  # how the forced roadmap does the system ("in")
    dropped: tuple[str, ...] = ()  # decisions it gives up
    added: tuple[str, ...] = ()  # other systems it brings in
    option: str | None = None  # the option forced, when one was
    raised: LimitChange | None = None  # a limit raised alongside, for a way to close a risk
    raised_by: float = 0.0  # in units of `raised.delta`
    # With a limit raised: the proven optimum with that limit raised and nothing forced, the
    # baseline the way's price is measured from (what the raise would buy otherwise).
    raised_base: float | None = None

    @property
    def price(self) -> float | None:
        """NPV given up to force it (≥ 0; None when impossible), against the optimum under the
        same limits (today's, or with the way's limit raised)."""
        if self.objective is None:
            return None
        base = self.base if self.raised is None else self.raised_base
        if base is None:
            return None
        price = base - self.objective
        return 0.0 if abs(price) <= 0.01 else price

    @property
    def raise_value(self) -> float | None:
        """What the way's raise is worth on its own (None without a raise)."""
        if self.raised is None or self.raised_base is None:
            return None
        return self.raised_base - self.base


@dataclass(frozen=True)
class RiskWays:
    """The largest risk the roadmap leaves and the ways to close it, cheapest first."""

    system: str
    facts: tuple[str, ...]  # why it is the largest: criticality, end of support, points
    ways: tuple[Forced, ...]
    # When no way is feasible: the smallest set of rule changes that would let it in (the
    # infeasibility diagnosis of forcing it in), in words.
    blocked: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScenarioRow:
    """A scenario planned on its own, against the planned roadmap."""

    name: str
    description: str
    status: str
    objective: float | None
    gap: float | None
    modernised: int | None
    spend: float | None
    changes: tuple[tuple[str, str, str, str], ...] = ()  # (system, kind, was, now)


@dataclass(frozen=True)
class BoardEvidence:
    """Everything the board pack adds to a roadmap; each part may be absent (skipped)."""

    method: str = "re-solve"
    optimum: float | None = None  # today's proven optimum
    levers: tuple[Lever, ...] = ()
    risk: RiskWays | None = None
    forcing: tuple[Forced, ...] = ()
    uncertainty: NpvRange | None = None
    scenarios: tuple[ScenarioRow, ...] = ()

    def forced(self, system: str) -> Forced | None:
        return next((f for f in self.forcing if f.system == system), None)

    @property
    def binding(self) -> tuple[str, ...]:
        """Keys of the levers whose limit binds (raising it changes the optimum)."""
        return tuple(lv.change.key for lv in self.levers if lv.binds)


@dataclass(frozen=True)
class PackOptions:
    levers: bool = True  # levers and the ways to close the largest risk (re-solves)
    prices: bool = False  # the forcing price of every system (a re-solve each)
    samples: int = 200  # uncertainty sample (0: none)
    workers: int | None = None  # processes for the re-solves (None: one per core)


@dataclass(frozen=True)
class PackRun:
    """The solves the evidence needs, prepared (`prepare`) so a caller can say how many
    there are before they run (`run`)."""

    inventory: Inventory
    roadmap: Roadmap
    options: PlanOptions
    pack: PackOptions
    scenarios: tuple[tuple[Inventory, str], ...]
    jobs: tuple[Job, ...]
    changes: tuple[LimitChange, ...]
    risk_system: str | None
    ways: tuple[tuple[str, str | None, LimitChange | None, float], ...]


def prepare(
    inventory: Inventory,
    roadmap: Roadmap,
    options: PlanOptions,
    pack: PackOptions,
    scenarios: Sequence[tuple[Inventory, str]] = (),
) -> PackRun:
    """The solves for `roadmap`'s evidence (planned from `inventory` with `options`)."""
    # Branch and bound from the planned roadmap: faster than the staged search once a good
    # incumbent is known (measured on the demo: 2.9 s against 6.3 s a lever).
    exact = replace(options, gap=0.0, warm_start=roadmap, stop=None, strategy="mip")
    jobs: list[Job] = []
    changes: list[LimitChange] = []
    risk_system = largest_risk(inventory, roadmap) if pack.levers else None
    ways: list[tuple[str, str | None, LimitChange | None, float]] = []
    if (pack.levers or pack.prices) and not _proven(roadmap):
        jobs.append(Job(BASE, inventory, exact))
    if pack.levers:
        changes = limit_changes(inventory)
        jobs += [Job(f"lever:{c.key}", relax(inventory, c), exact) for c in changes]
    if risk_system is not None:
        ways = _ways(inventory, risk_system)
        cold = replace(exact, warm_start=None)
        for key, option, change, times in ways:
            variant = inventory if change is None else relax(inventory, change, times)
            jobs.append(Job(key, variant, cold, ForceIn(risk_system, option)))
            if change is not None:  # the same raise with nothing forced: what it buys alone
                jobs.append(Job(_raise_key(change, times), variant, exact))
    if pack.prices:
        jobs += _price_jobs(inventory, roadmap, replace(exact, warm_start=None))
    planned_as = replace(options, warm_start=None, stop=None)
    jobs += [Job(f"scenario:{scenario_name(inv)}", inv, planned_as) for inv, _ in scenarios]
    return PackRun(
        inventory,
        roadmap,
        options,
        pack,
        tuple(scenarios),
        tuple(jobs),
        tuple(changes),
        risk_system,
        tuple(ways),
    )


def _proven(roadmap: Roadmap) -> bool:
    """The roadmap is itself a proven optimum (planned at gap 0): no need to solve again."""
    return roadmap.status == "optimal" and (roadmap.gap or 0.0) <= 1e-9


def run(prepared: PackRun, progress: Callable[[str], None] | None = None) -> BoardEvidence:
    """Run the prepared solves (`progress(key)` after each) and gather the evidence."""
    p = prepared

    def tick(key: str, _: Roadmap) -> None:
        if progress is not None:
            progress(key)

    solved = run_jobs(p.jobs, p.pack.workers, tick) if p.jobs else {}
    base = solved.get(BASE, p.roadmap if _proven(p.roadmap) else None)
    optimum = base.objective if base is not None and base.has_plan else None
    evidence = BoardEvidence(optimum=optimum)
    if base is not None and base.has_plan:
        tight = tight_rows(_limit_rows(p.inventory, base))
        evidence = replace(
            evidence,
            levers=tuple(
                lever(c, base, solved[f"lever:{c.key}"], tight_limits(tight, c)) for c in p.changes
            ),
            risk=_risk_ways(p.inventory, p.roadmap, p.risk_system, list(p.ways), base, solved),
            forcing=_prices(base, solved),
        )
    if evidence.risk is not None and not any(w.objective is not None for w in evidence.risk.ways):
        blocked = _blocked(p.inventory, evidence.risk.system, p.options)
        evidence = replace(evidence, risk=replace(evidence.risk, blocked=blocked))
    if p.pack.samples > 0 and p.roadmap.has_plan:
        evidence = replace(
            evidence,
            uncertainty=npv_range(p.inventory, p.roadmap, p.pack.samples, p.options.seed),
        )
    rows = [
        _scenario_row(inv, description, p.roadmap, solved[f"scenario:{scenario_name(inv)}"])
        for inv, description in p.scenarios
    ]
    return replace(evidence, scenarios=tuple(rows))


def board_evidence(
    inventory: Inventory,
    roadmap: Roadmap,
    options: PlanOptions,
    pack: PackOptions,
    scenarios: Sequence[tuple[Inventory, str]] = (),
    progress: Callable[[str], None] | None = None,
) -> BoardEvidence:
    """Compute the evidence for `roadmap` (planned from `inventory` with `options`)."""
    return run(prepare(inventory, roadmap, options, pack, scenarios), progress)


def _limit_rows(inventory: Inventory, roadmap: Roadmap) -> list[LimitRow]:
    model = formulate(inventory, presolve=False)
    placement = placed(inventory.estate, Appraisal.of(inventory), roadmap)
    return list(limit_rows(model, placement.decisions, placement.builds))


# --- the largest risk left and the ways to close it ------------------------------------------


def largest_risk(inventory: Inventory, roadmap: Roadmap) -> str | None:
    """The retained system a board should worry about most, among those that could be
    modernised: out of support within the horizon first, then the most critical, then the
    most legacy-risk points, then the earliest end of support."""
    estate = inventory.estate
    candidates = enumerate_candidates(estate, Appraisal.of(inventory))
    chosen = {d.system for d in roadmap.decisions}
    count = inventory.axis.count

    def key(system_id: str) -> tuple[int, int, int, int, str]:
        system = inventory.system(system_id)
        eos = estate.system(system_id).end_of_support
        past = eos is not None and eos < count
        return (
            -int(past),
            -CRITICALITY_RANK.get(system.criticality, 0),
            -system.legacy_risk.points,
            eos if eos is not None else count,
            system_id,
        )

    kept = [s.id for s in inventory.systems if s.id not in chosen and candidates.of(s.id)]
    # With the appraisal's unsupported exposure, the largest risk is the largest exposure.
    exposure = {u.system: u.exposure for u in roadmap.unsupported}
    exposed = [s for s in kept if exposure.get(s, 0.0) > 0]
    if exposed:
        return min(exposed, key=lambda s: (-round(exposure[s], 2), s))
    return min(kept, key=key) if kept else None


def _ways(
    inventory: Inventory, system_id: str
) -> list[tuple[str, str | None, LimitChange | None, float]]:
    """(job key, option forced, limit raised, raised by) for every way considered: each
    option within today's limits, then each binding-prone limit raised by just what the
    option that needs least of it takes (the delivery-risk budget by its risk points, a
    money total by its cost, one more high-risk slot when every option is high-risk)."""
    estate = inventory.estate
    candidates = enumerate_candidates(estate, Appraisal.of(inventory)).of(system_id)
    best: dict[str, Candidate] = {}
    for c in sorted(candidates, key=lambda c: (-c.npv, c.start)):
        best.setdefault(c.option, c)
    options = sorted(best)
    out: list[tuple[str, str | None, LimitChange | None, float]] = [
        (f"way:{system_id}:{option}", option, None, 0.0) for option in options
    ]
    picks = [c for c in candidates if c.option in best and best[c.option] is c]
    risk = inventory.risk
    for change in limit_changes(inventory):
        if change.family == "total_delivery_risk":
            pick = min(picks, key=lambda c: (c.delivery_risk, -c.npv))
            need = float(pick.delivery_risk)
        elif change.family == "high_risk_in_flight":
            if any(c.delivery_risk < risk.high_risk_threshold for c in picks):
                continue
            pick, need = max(picks, key=lambda c: c.npv), 1.0
        elif change.family in ("resource_total", "resource_per_year") and change.resource:
            # Raised by all it spends: over the horizon, or in every financial year's cap
            # (generous: it spends across two years at most for most options).
            pick = min(picks, key=lambda c: (_spent(c, change.resource or ""), -c.npv))
            need = _spent(pick, change.resource) / change.delta if change.delta else 0.0
        else:
            continue
        if need > 0:
            key = f"way:{system_id}:{pick.option}:+{change.key}"
            out.append((key, pick.option, change, need))
    return out


def _blocked(inventory: Inventory, system_id: str, options: PlanOptions) -> tuple[str, ...]:
    """Why no roadmap can include `system_id`: the diagnosis of it due by the horizon's end."""
    last = inventory.axis.label(inventory.axis.count - 1)
    system = inventory.system(system_id).model_copy(update={"must_modernise_by": last})
    diagnosis = diagnose(with_systems(inventory, {system_id: system}), options.solver, 30.0)
    return tuple(r.message for r in (diagnosis.relaxations or diagnosis.causes)[:3])


def _raise_key(change: LimitChange, times: float) -> str:
    return f"raise:{change.key}:{times:g}"


def _spent(c: Candidate, resource: str) -> float:
    """What candidate `c` draws on `resource` over its whole time in flight."""
    return dict(c.use).get(resource, 0.0) * (c.finish - c.start + 1)


def _risk_ways(
    inventory: Inventory,
    roadmap: Roadmap,
    system_id: str | None,
    ways: list[tuple[str, str | None, LimitChange | None, float]],
    base: Roadmap,
    solved: dict[str, Roadmap],
) -> RiskWays | None:
    if system_id is None:
        return None
    out = []
    for key, option, change, times in ways:
        forced = _forced(system_id, "in", base, solved[key])
        alone = solved[_raise_key(change, times)] if change is not None else None
        raised_base = alone.objective if alone is not None and alone.has_plan else None
        out.append(
            replace(forced, option=option, raised=change, raised_by=times, raised_base=raised_base)
        )
    # Cheapest first; at equal price a way within today's limits before one that raises one.
    out.sort(key=lambda f: (f.price is None, f.price or 0.0, f.raised is not None, f.option or ""))
    return RiskWays(system_id, _risk_facts(inventory, roadmap, system_id), tuple(out))


def _risk_facts(inventory: Inventory, roadmap: Roadmap, system_id: str) -> tuple[str, ...]:
    system = inventory.system(system_id)
    facts = [system.criticality, f"{system.legacy_risk.points} legacy-risk points"]
    if system.end_of_support is not None:
        facts.insert(1, f"end of support {system.end_of_support}")
    exposure = next((u.exposure for u in roadmap.unsupported if u.system == system_id), None)
    if exposure:
        currency = inventory.portfolio.currency
        facts.append(f"{money(exposure, currency)} unsupported exposure (present value)")
    return tuple(facts)


# --- forcing prices -------------------------------------------------------------------------


def _price_jobs(inventory: Inventory, roadmap: Roadmap, options: PlanOptions) -> list[Job]:
    candidates = enumerate_candidates(inventory.estate, Appraisal.of(inventory))
    chosen = {d.system for d in roadmap.decisions}
    jobs = []
    for system in inventory.systems:
        if system.id in chosen:
            jobs.append(Job(f"out:{system.id}", inventory, options, ForceOut(system.id)))
        elif candidates.of(system.id):
            jobs.append(Job(f"in:{system.id}", inventory, options, ForceIn(system.id)))
    return jobs


def _prices(base: Roadmap, solved: dict[str, Roadmap]) -> tuple[Forced, ...]:
    out = []
    for key in sorted(solved):
        direction, _, system = key.partition(":")
        if direction in ("in", "out"):
            out.append(_forced(system, direction, base, solved[key]))
    return tuple(out)


def _forced(system: str, direction: str, base: Roadmap, forced: Roadmap) -> Forced:
    before = {d.system for d in base.decisions}
    after = {d.system for d in forced.decisions} if forced.has_plan else before
    return Forced(
        system=system,
        direction=direction,
        base=base.objective or 0.0,
        status=str(forced.status),
        objective=forced.objective if forced.has_plan else None,
        decision=forced.decision(system) if forced.has_plan else None,
        dropped=tuple(sorted(before - after - {system})),
        added=tuple(sorted(after - before - {system})),
    )


# --- scenarios ------------------------------------------------------------------------------


def _scenario_row(
    inventory: Inventory, description: str, planned: Roadmap, roadmap: Roadmap
) -> ScenarioRow:
    changes = []
    if roadmap.has_plan:
        systems = sorted(
            {d.system for d in planned.decisions} | {d.system for d in roadmap.decisions}
        )
        for system in systems:
            change = classify(system, planned.decision(system), roadmap.decision(system))
            if change is not None:
                was = _describe(change.baseline)
                now = _describe(change.scenario)
                changes.append((system, change.kind, was, now))
    spend = sum(spend_by_period(inventory, roadmap).values()) if roadmap.has_plan else None
    return ScenarioRow(
        name=scenario_name(inventory),
        description=description,
        status=str(roadmap.status),
        objective=roadmap.objective if roadmap.has_plan else None,
        gap=roadmap.gap,
        modernised=len(roadmap.decisions) if roadmap.has_plan else None,
        spend=spend,
        changes=tuple(changes),
    )


def _describe(decision: Decision | None) -> str:
    if decision is None:
        return "retained"
    span = (
        decision.start
        if decision.start == decision.finish
        else f"{decision.start}–{decision.finish}"
    )
    return f"{decision.option} {span}"

"""`replan`: a new roadmap from a given period on, keeping work in flight and the old plan's shape.

Given the previous roadmap and the period `as_of` (the first period that can still change):

- **In flight is locked.** Every previous decision that started before `as_of` (finished or
  still running) becomes a `locked: {option, start}` of its system (rules 1–2), and every
  platform set-up that started before `as_of` keeps its start. A lock already in the
  inventory must agree with the previous roadmap; otherwise the inputs contradict each other
  and replanning stops (`ReplanConflict`).
- **Nothing new starts in the past.** Every other system gets `earliest_start: as_of`
  (unless its own is later), and no platform set-up may start before `as_of`.
- **History is not re-planned; commitments are honoured.** A scenario's capacities apply
  from `as_of` on: periods before it keep the capacity the work done there used. From
  `as_of` on, where work in flight alone needs more than a (cut) capacity, that work
  continues as contracted, nothing new needing the resource starts in those periods, and
  the excess is reported as an overcommitment (`changes.md`, `changes.json`, a warning).
  `honour_commitments=False` (`--strict-capacity`) makes it an infeasibility instead.
- **Stability.** Every decision that is not in flight may change, but each change costs `W`
  in the objective: a previously chosen (option, start) that is not kept — dropped, delayed,
  brought forward or switched to another option — and a system newly added. By default
  `W` is 0.1 % of the previous roadmap's NPV per change (`DEFAULT_STABILITY_SHARE`): enough
  to keep the old plan where it is nearly as good, far too little to keep it where the new
  data make it clearly worse. `--stability` takes money (`250000`) or a share of the previous
  NPV (`0.5%`); `0` replans freely.

The roadmap written (`roadmap.json` and the usual reports) carries the plain NPV as its
objective; its `bound` and `gap` are those of the objective replan optimises (NPV minus the
stability penalty), so `gap` states how far the search is from the best *stable* plan.
`changes.json` / `changes.md` list each decision as kept, changed, dropped or added, with
why, and `replan-overlay.yaml` records the locks, earliest starts and capacities replan
added, so `prioritiser check INVENTORY --scenario ... --scenario replan-overlay.yaml
roadmap.json` re-verifies the new roadmap exactly as it was planned. When work in flight
cannot continue at all (a deadline or risk limit it now breaks, or a capacity with
`--strict-capacity`), `ReplanInfeasible` names the conflicts, period by period, with the
model's diagnosis when `prioritiser.model.diagnose` is available.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from prioritiser.certify import certify_roadmap, check_consistency
from prioritiser.check import check_roadmap
from prioritiser.economics import Economics
from prioritiser.errors import Infeasible, UsageError
from prioritiser.inventory import Inventory, Lock, System
from prioritiser.model import Formulation, PlanOptions, plan
from prioritiser.model.candidates import option_starts
from prioritiser.model.reasons import money
from prioritiser.roadmap import Decision, PlatformBuild, Roadmap, SolverInfo
from prioritiser.scenarios.variants import (
    decision_summary,
    describe,
    resource_use_of,
    with_systems,
)

DEFAULT_STABILITY_SHARE = 0.001  # of the previous roadmap's NPV, per changed decision
CATEGORIES = ("kept", "changed", "dropped", "added")
TOTAL = "total"  # the "period" of a resource's horizon total


class ReplanConflict(UsageError):
    """The previous roadmap does not fit the inventory (unknown ids, contradicting locks)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class ReplanInfeasible(Infeasible):
    """No roadmap keeps the work in flight under the (scenario's) rules; `findings` say why."""

    def __init__(self, findings: list[str], roadmap: Roadmap):
        self.findings = findings
        self.roadmap = roadmap
        super().__init__(
            "replanning is infeasible: " + "; ".join(findings[:3]), diagnosis=tuple(findings)
        )


@dataclass(frozen=True)
class DecisionChange:
    """What happened to one system's decision between the previous and the new roadmap."""

    system: str
    category: str  # one of CATEGORIES
    previous: Decision | None
    new: Decision | None
    why: str
    in_flight: bool = False
    detail: str = ""  # "delayed 2 periods", "option replatform → replace"
    forced: bool = False  # a lock in the inventory made it, not replan: no stability cost

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "change": self.detail or self.category,
            "in_flight": self.in_flight,
            "forced": self.forced,
            "previous": decision_summary(self.previous),
            "new": decision_summary(self.new),
            "why": self.why,
        }


@dataclass(frozen=True)
class Replan:
    """The outcome: the locked inventory planned, the new roadmap and what changed."""

    inventory: Inventory  # with in-flight locks and `earliest_start: as_of` applied
    previous: Roadmap
    roadmap: Roadmap
    as_of: str
    weight: float
    changes: tuple[DecisionChange, ...]
    penalty_bound: float | None  # best bound on NPV − W × changes, when the solver tells
    overcommitted: tuple[Overcommitment, ...] = ()

    def of(self, category: str) -> list[DecisionChange]:
        return [c for c in self.changes if c.category == category]

    @property
    def change_count(self) -> int:
        """Changes replan chose (and paid W for); those a lock forced are not counted."""
        return sum(1 for c in self.changes if c.category != "kept" and not c.forced)

    @property
    def stable_objective(self) -> float | None:
        """The objective replan maximised: NPV minus W per change."""
        if self.roadmap.objective is None:
            return None
        return self.roadmap.objective - self.weight * self.change_count


# --- the stability weight ----------------------------------------------------------------------


def stability_weight(previous: Roadmap, spec: str | float | None) -> float:
    """W from `--stability`: money (`250000`), a share (`0.5%`), or the default 0.1 % of NPV."""
    base = abs(previous.objective or 0.0)
    if not math.isfinite(base):  # a NaN weight would leave the solver searching forever
        raise UsageError(f"the previous roadmap's objective {previous.objective} is not finite")
    if spec is None:
        return DEFAULT_STABILITY_SHARE * base
    text = str(spec).strip()
    match = re.fullmatch(r"([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*%", text)
    try:
        value = float(match.group(1)) / 100 * base if match else float(text.replace(",", ""))
    except ValueError:
        raise UsageError(
            f"--stability {text!r}: give money per change (250000) or a share of the "
            "previous NPV (0.5%)"
        ) from None
    if value < 0 or value != value or value == float("inf"):
        raise UsageError("--stability must be a finite amount of at least 0")
    return value


# --- building the locked inventory -------------------------------------------------------------


def as_of_index(inventory: Inventory, as_of: str) -> int:
    """Index of `as_of` on the horizon; it must be one of its periods."""
    try:
        index = inventory.axis.index(as_of, "first")
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None
    if not 0 <= index < inventory.axis.count:
        labels = inventory.axis.labels
        raise UsageError(
            f"--as-of {as_of} is outside the planning horizon {labels[0]}–{labels[-1]}"
        )
    return index


def started_before(inventory: Inventory, previous: Roadmap, as_of: int) -> list[Decision]:
    """Previous decisions whose work started before period `as_of` (in flight or done)."""
    return [d for d in previous.decisions if inventory.axis.index(d.start) < as_of]


@dataclass(frozen=True)
class Overcommitment:
    """Work in flight that on its own needs more of a resource than the capacity allows."""

    resource: str
    period: str  # a period label, or "total" for the horizon total
    committed: float
    capacity: float
    systems: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "period": self.period,
            "committed": round(self.committed, 2),
            "capacity": round(self.capacity, 2),
            "in_flight": list(self.systems),
        }


def lock_in_flight(
    inventory: Inventory, previous: Roadmap, as_of: int, honour_commitments: bool = True
) -> tuple[Inventory, list[Overcommitment]]:
    """Locks for work started before `as_of`; `earliest_start: as_of` for everything else;
    the capacity history and (unless `honour_commitments` is off) work in flight need."""
    check_previous(inventory, previous)
    axis = inventory.axis
    started = {d.system: d for d in started_before(inventory, previous, as_of)}
    problems = []
    changed: dict[str, System] = {}
    for system in inventory.systems:
        decision = started.get(system.id)
        if decision is not None:
            lock = Lock(option=decision.option, start=axis.label(axis.index(decision.start)))
            if system.locked is not None and (
                system.locked.option != lock.option
                or inventory.lock_start_index(system) != axis.index(lock.start)
            ):
                problems.append(
                    f"{system.id}: the previous roadmap started {decision.option} in "
                    f"{decision.start}, but the inventory locks it to {system.locked.option} "
                    f"in {system.locked.start}; make them agree"
                )
                continue
            changed[system.id] = system.model_copy(update={"locked": lock})
        elif system.locked is not None:
            continue  # a decision the inventory records as taken stands as it is
        elif inventory.earliest_start_index(system) < as_of:
            changed[system.id] = system.model_copy(update={"earliest_start": axis.label(as_of)})
    if problems:
        raise ReplanConflict(problems)
    locked = with_systems(inventory, changed)
    pinned = [b for b in previous.platforms if axis.index(b.start) < as_of]
    return committed_capacity(locked, list(started.values()), pinned, as_of, honour_commitments)


def committed_capacity(
    inventory: Inventory,
    in_flight: list[Decision],
    pinned: list[PlatformBuild],
    as_of: int,
    honour_commitments: bool = True,
) -> tuple[Inventory, list[Overcommitment]]:
    """Capacities raised to what history and work in flight actually need.

    The past is not re-planned: periods before `as_of` keep what the work done there drew,
    whatever a scenario now says (a budget cut applies from `as_of` on). From `as_of` on,
    work in flight is contracted: where it alone needs more than the capacity (a cut below
    what running projects draw), its need becomes that period's capacity — it continues,
    and nothing new that needs the resource starts there — and the excess is returned as an
    `Overcommitment` to report. With `honour_commitments=False` the excess is left to make
    the replan infeasible instead. A resource's `total` is treated alike.
    """
    use = resource_use_of(inventory, in_flight, pinned)
    axis = inventory.axis
    resources = dict(inventory.resources)
    over: list[Overcommitment] = []
    for name, row in use.items():
        spec = resources[name]
        raised = {}
        for t in range(axis.count):
            capacity = inventory.capacity(name, t)
            if not _exceeds(row[t], capacity):
                continue
            if t < as_of or honour_commitments:
                raised[axis.label(t)] = row[t]
            if t >= as_of and honour_commitments:
                users = _users(inventory, in_flight, pinned, name, t)
                over.append(Overcommitment(name, axis.label(t), row[t], capacity, users))
        update: dict[str, Any] = {}
        if raised:
            update["overrides"] = {**spec.overrides, **raised}
        if spec.total is not None and honour_commitments and _exceeds(sum(row), spec.total):
            update["total"] = sum(row)
            users = _users(inventory, in_flight, pinned, name, None)
            over.append(Overcommitment(name, TOTAL, sum(row), spec.total, users))
        if update:
            resources[name] = spec.model_copy(update=update)
    if resources == inventory.resources:
        return inventory, over
    return replace(inventory, resources=resources), over


def _exceeds(used: float, capacity: float) -> bool:
    return used > capacity + 1e-9 * max(1.0, abs(capacity))


def _users(
    inventory: Inventory,
    in_flight: list[Decision],
    pinned: list[PlatformBuild],
    resource: str,
    period: int | None,
) -> tuple[str, ...]:
    """Work in flight (and platform set-ups) drawing `resource` in `period` (or at all)."""
    axis = inventory.axis
    names = []
    for d in in_flight:
        option = inventory.system(d.system).option(d.option)
        start = axis.index(d.start)
        if resource in inventory.option_resource_use(option) and (
            period is None or start <= period < start + option.duration
        ):
            names.append(d.system)
    for b in pinned:
        platform = inventory.platform(b.id)
        start = axis.index(b.start)
        if resource in inventory.platform_resource_use(platform) and (
            period is None or start <= period < start + platform.setup_duration
        ):
            names.append(f"platform {b.id}")
    return tuple(sorted(names))


def replan_overlay(original: Inventory, locked: Inventory, as_of: str) -> dict[str, Any]:
    """The changes replan made to the inventory, as a scenario overlay.

    Applied after the same `--scenario` files, it lets `prioritiser check` verify the
    replanned roadmap exactly as it was planned.
    """
    systems: dict[str, Any] = {}
    for before in original.systems:
        after = locked.system(before.id)
        patch: dict[str, Any] = {}
        if after.locked != before.locked and after.locked is not None:
            patch["locked"] = {"option": after.locked.option, "start": after.locked.start}
        if after.earliest_start != before.earliest_start:
            patch["earliest_start"] = after.earliest_start
        if patch:
            systems[before.id] = patch
    resources: dict[str, Any] = {}
    for name, spec in locked.resources.items():
        before_spec = original.resources[name]
        extra = {k: v for k, v in spec.overrides.items() if before_spec.overrides.get(k) != v}
        resource_patch: dict[str, Any] = {"overrides": extra} if extra else {}
        if spec.total != before_spec.total:
            resource_patch["total"] = spec.total
        if resource_patch:
            resources[name] = resource_patch
    overlay: dict[str, Any] = {
        "name": f"replan-{as_of.lower()}",
        "description": (
            f"Work started before {as_of} locked, nothing new before it, and the capacity "
            "those periods actually used (written by `prioritiser replan`)."
        ),
    }
    if resources:
        overlay["resources"] = resources
    if systems:
        overlay["systems"] = systems
    return overlay


def check_previous(inventory: Inventory, previous: Roadmap) -> None:
    """The previous roadmap must hold a plan that speaks about this inventory, with figures
    that are finite and agree among themselves (`check_consistency`: the inventory may have
    changed since, so its NPVs are not recomputed)."""
    if not previous.has_plan:
        raise ReplanConflict([f"the previous roadmap has no plan (status '{previous.status}')"])
    problems = [v.message for v in check_consistency(previous)]
    axis = inventory.axis
    for d in previous.decisions:
        if not inventory.has_system(d.system):
            problems.append(f"the previous roadmap's system {d.system!r} is not in the inventory")
            continue
        try:
            inventory.system(d.system).option(d.option)
        except KeyError:
            problems.append(
                f"{d.system} has no option {d.option!r} (named in the previous roadmap)"
            )
        try:
            axis.index(d.start)
        except ValueError:
            problems.append(f"{d.system}: start {d.start!r} is not a period label")
    for build in previous.platforms:
        try:
            inventory.platform(build.id)
            axis.index(build.start)
        except (KeyError, ValueError):
            problems.append(f"the previous roadmap's platform set-up {build.id!r} is unknown")
    if problems:
        raise ReplanConflict(problems)


# --- the model adjustment -------------------------------------------------------------------


@dataclass
class _Stability:
    """Adjusts the formulation: pinned platforms, no set-up in the past, the stability terms."""

    previous: Roadmap
    as_of: int
    weight: float
    formulation: Formulation | None = None

    def __call__(self, model: Formulation) -> None:
        import pulp

        self.formulation = model
        axis = model.inventory.axis
        pinned = {
            b.id: axis.index(b.start)
            for b in self.previous.platforms
            if axis.index(b.start) < self.as_of
        }
        for build in model.candidates.builds:
            start = pinned.get(build.platform)
            allowed = build.start == start if start is not None else build.start >= self.as_of
            if not allowed:
                key = (build.platform, model.label(build.start))
                model.add("replan_platform_start", key, model.build[build.index] == 0)
        if self.weight <= 0:
            return
        previous = {d.system: (d.option, axis.index(d.start)) for d in self.previous.decisions}
        # The formulation states its objective in money × objective_scale: so must we.
        weight = self.weight * getattr(model, "objective_scale", 1.0)
        terms = []
        for c in model.candidates.candidates:
            if model.inventory.system(c.system).locked is not None:
                continue  # in flight or locked by the inventory: not a choice
            if c.system in previous:
                if previous[c.system] == (c.option, c.start):
                    terms.append((model.start[c.index], weight))  # keeping it avoids W
            else:
                terms.append((model.start[c.index], -weight))  # adding it costs W
        if terms:
            model.problem.setObjective(model.problem.objective + pulp.LpAffineExpression(terms))

    def penalised_bound(self, inventory: Inventory) -> float | None:
        """The solver's bound on NPV − W × changes (HiGHS only), else None."""
        if self.formulation is None:
            return None
        solver_model = getattr(self.formulation.problem, "solverModel", None)
        info = getattr(solver_model, "getInfo", None)
        if info is None:
            return None
        try:
            dual = float(info().mip_dual_bound)
        except (AttributeError, TypeError, ValueError):
            return None
        if dual != dual or abs(dual) == float("inf"):
            return None
        dual /= getattr(self.formulation, "objective_scale", 1.0)
        # PuLP hands HiGHS the negated objective. The terms above reward keeping a previous
        # decision with +W; the penalised objective is that minus W per free previous decision.
        free = sum(
            1
            for d in self.previous.decisions
            if inventory.has_system(d.system) and inventory.system(d.system).locked is None
        )
        return -dual - self.weight * free


# --- replanning ---------------------------------------------------------------------------------


def replan(
    inventory: Inventory,
    previous: Roadmap,
    as_of: str,
    options: PlanOptions,
    weight: float,
    progress: Callable[..., None] | None = None,
    reference: Inventory | None = None,
    honour_commitments: bool = True,
) -> Replan:
    """Replan from `as_of`, keeping work in flight and charging `weight` per other change.

    `reference` is the inventory without scenario overlays (for the reasons in changes).
    `honour_commitments=False` makes work in flight that no longer fits a capacity an
    infeasibility (`ReplanInfeasible`) instead of a reported overcommitment.
    """
    index = as_of_index(inventory, as_of)
    locked, over = lock_in_flight(inventory, previous, index, honour_commitments)
    stability = _Stability(previous, index, weight)
    roadmap = plan(locked, options, progress, adjust=stability)
    if roadmap.status == "infeasible":
        limit = options.time_limit if options.time_limit is not None else 60.0
        findings = diagnose(locked, previous, index, options.solver, limit)
        raise ReplanInfeasible(findings, roadmap)
    label = locked.axis.label(index)
    if not roadmap.has_plan:
        return Replan(locked, previous, roadmap, label, weight, (), None, tuple(over))
    changes = tuple(explain_changes(locked, previous, roadmap, index, weight, reference))
    result = Replan(locked, previous, roadmap, label, weight, changes, None, tuple(over))
    bound = stability.penalised_bound(locked)
    result = replace(result, roadmap=_stable_gap(result, bound), penalty_bound=bound)
    violations = certify_roadmap(locked, result.roadmap)  # as written: bound and gap restated
    if violations:
        from prioritiser.scenarios.variants import RoadmapCheckFailed

        raise RoadmapCheckFailed("the replan", violations)
    return result


def _stable_gap(result: Replan, bound: float | None) -> Roadmap:
    """Restate bound and gap for the objective replan optimised (NPV − W × changes)."""
    roadmap = result.roadmap
    value = result.stable_objective
    if value is None or roadmap.objective is None:
        return roadmap
    if bound is None:
        if roadmap.status == "optimal":
            return roadmap  # proven within the asked gap; the exact figure is not reported
        return replace(roadmap, bound=None, gap=None)
    slack = max(0.0, bound - value)
    # Stated against the roadmap's own objective, so that gap = (bound − objective) /
    # |objective| holds in roadmap.json as in every other roadmap (`certify` checks it).
    gap = slack / max(abs(roadmap.objective), 1.0)
    return replace(roadmap, bound=roadmap.objective + slack, gap=gap)


# --- why each decision changed ------------------------------------------------------------------


def explain_changes(
    inventory: Inventory,
    previous: Roadmap,
    roadmap: Roadmap,
    as_of: int,
    weight: float,
    reference: Inventory | None = None,
) -> list[DecisionChange]:
    """Every system that had or has a decision: kept, changed, dropped or added, and why.

    `reference` (the inventory without the scenario) lets a reason say what the scenario
    changed, e.g. a capacity cut in the period that no longer fits.
    """
    economics = Economics(inventory)
    currency = inventory.portfolio.currency
    axis = inventory.axis
    out = []
    systems = sorted({d.system for d in previous.decisions} | {d.system for d in roadmap.decisions})
    for system_id in systems:
        old, new = previous.decision(system_id), roadmap.decision(system_id)
        if (
            old is not None
            and new is not None
            and (old.option, old.start) == (new.option, new.start)
        ):
            in_flight = axis.index(old.start) < as_of
            if in_flight:
                why = (
                    f"in flight since {old.start} (before {axis.label(as_of)}): the work "
                    "continues as decided"
                )
            elif inventory.system(system_id).locked is not None:
                why = "locked in the inventory: a decision already taken"
            else:
                why = (
                    f"still fits and still pays (NPV {money(new.npv, currency)}); nothing "
                    "better is worth a change"
                )
            out.append(DecisionChange(system_id, "kept", old, new, why, in_flight))
            continue
        if old is None:
            change = _added(inventory, new, weight, currency)  # type: ignore[arg-type]
        elif new is None:
            change = _dropped(inventory, economics, roadmap, old, reference, currency)
        else:
            change = _changed(inventory, economics, roadmap, old, new, weight, reference, currency)
        lock = inventory.system(system_id).locked
        if lock is not None:  # not a choice of replan: the inventory records it as taken
            why = (
                f"locked in the inventory to {lock.option} from {lock.start}: a decision "
                "taken since the previous roadmap"
            )
            change = replace(change, why=why, forced=True)
        out.append(change)
    return out


def _added(inventory: Inventory, new: Decision, weight: float, currency: str) -> DecisionChange:
    system = inventory.system(new.system)
    reasons = []
    if system.must_modernise_by is not None:
        reasons.append(f"it must now be modernised by {system.must_modernise_by}")
    reasons.append(
        f"{new.option} from {new.start} adds {money(new.npv, currency)} NPV, more than the "
        f"stability cost of {money(weight, currency)}, in capacity the revised plan leaves free"
    )
    return DecisionChange(new.system, "added", None, new, "; ".join(reasons), detail="added")


def _dropped(
    inventory: Inventory,
    economics: Economics,
    roadmap: Roadmap,
    old: Decision,
    reference: Inventory | None,
    currency: str,
) -> DecisionChange:
    blockers = _blockers(inventory, roadmap, old.system, old, reference)
    value = _npv_now(inventory, economics, old)
    if blockers:
        why = f"its previous slot does not fit beside the revised plan: {blockers}"
    elif value is None:
        why = "its previous slot is no longer allowed (windows changed)"
    elif value <= 0:
        why = f"it no longer pays: NPV {money(value, currency)} on the revised figures"
    else:
        why = (
            "the capacity it used is worth more to the systems the revised plan funds "
            f"(its own NPV: {money(value, currency)})"
        )
    return DecisionChange(old.system, "dropped", old, None, why, detail="dropped")


def _changed(
    inventory: Inventory,
    economics: Economics,
    roadmap: Roadmap,
    old: Decision,
    new: Decision,
    weight: float,
    reference: Inventory | None,
    currency: str,
) -> DecisionChange:
    axis = inventory.axis
    shift = axis.index(new.start) - axis.index(old.start)
    parts = []
    if old.option != new.option:
        parts.append(f"option {old.option} → {new.option}")
    if shift:
        word = "delayed" if shift > 0 else "brought forward"
        parts.append(f"{word} {abs(shift)} period{'s' if abs(shift) != 1 else ''}")
    detail = ", ".join(parts)
    blockers = _blockers(inventory, roadmap, old.system, old, reference)
    value = _npv_now(inventory, economics, old)
    if blockers:
        why = f"the previous slot {describe(old)} does not fit beside the revised plan: {blockers}"
    elif value is None:
        why = f"the previous slot {describe(old)} is no longer allowed (windows changed)"
    else:
        gain = new.npv - value
        why = (
            f"the previous slot still fits, but the revised plan as a whole is worth more than "
            f"keeping it plus the stability cost of {money(weight, currency)} "
            f"(this system: NPV {money(value, currency)} → {money(new.npv, currency)}, "
            f"{'+' if gain >= 0 else ''}{money(gain, currency)})"
        )
    return DecisionChange(old.system, "changed", old, new, why, detail=detail)


def _npv_now(inventory: Inventory, economics: Economics, decision: Decision) -> float | None:
    """NPV of the previous decision on the revised data, or None if its slot is not allowed."""
    system = inventory.system(decision.system)
    option = system.option(decision.option)
    start = inventory.axis.index(decision.start)
    if start not in option_starts(inventory, system, option):
        return None
    return economics.npv(system.id, option.id, start)


def _blockers(
    inventory: Inventory,
    roadmap: Roadmap,
    system: str,
    old: Decision,
    reference: Inventory | None,
) -> str:
    """What breaks if the previous decision is put back into the new roadmap (via the checker)."""
    decisions = [d for d in roadmap.decisions if d.system != system] + [old]
    probe = replace(roadmap, decisions=decisions, resource_use={})
    over: dict[str, list[str]] = {}
    others = []
    for v in check_roadmap(inventory, probe):
        if v.number == "0":
            continue
        if v.number == "3":
            resource = v.message.split(":", 1)[0]
            over.setdefault(resource, []).extend(v.periods or [TOTAL])
        else:
            others.append(v.render())
    parts = [_over_text(inventory, reference, r, periods) for r, periods in over.items()]
    return "; ".join([*parts, *others][:3])


def _over_text(
    inventory: Inventory, reference: Inventory | None, resource: str, periods: list[str]
) -> str:
    """`capex would exceed its capacity in 2028-Q1, 2028-Q2 (1.75m a period, was 2.5m)`."""
    labels = [p for p in periods if p != TOTAL]
    where = []
    if labels:
        where.append("in " + ", ".join(labels))
    if TOTAL in periods:
        where.append("over its horizon total")
    text = f"{resource} would exceed its capacity {' and '.join(where)}"
    if reference is None or resource not in reference.resources:
        return text
    axis = inventory.axis
    if labels:
        t = axis.index(labels[0])
        now, was = inventory.capacity(resource, t), reference.capacity(resource, t)
        if now < was:
            text += (
                f" (capacity {quantity(inventory, resource, now)} in {labels[0]}, "
                f"was {quantity(inventory, resource, was)})"
            )
    elif TOTAL in periods:
        now_total = inventory.resources[resource].total
        was_total = reference.resources[resource].total
        if now_total is not None and (was_total is None or now_total < was_total):
            was = "no cap" if was_total is None else quantity(inventory, resource, was_total)
            text += f" ({quantity(inventory, resource, now_total)}, was {was})"
    return text


def quantity(inventory: Inventory, resource: str, value: float) -> str:
    unit = inventory.resources[resource].unit
    currency = inventory.portfolio.currency
    if unit == currency or unit.upper() in ("GBP", "EUR", "USD"):
        return money(value, currency)
    return f"{value:,.4g} {unit}".rstrip()


# --- when the work in flight cannot continue ---------------------------------------------------


def diagnose(
    inventory: Inventory,
    previous: Roadmap,
    as_of: int,
    solver: str = "highs",
    time_limit: float | None = 60.0,
) -> list[str]:
    """Why no roadmap keeps the work in flight: the checker on the in-flight work alone, the
    deadlines no option can meet from `as_of`, and (when present) the model's diagnosis."""
    axis = inventory.axis
    locked = [d for d in previous.decisions if inventory.system(d.system).locked is not None]
    pinned = [b for b in previous.platforms if axis.index(b.start) < as_of]
    in_flight = Roadmap(
        status="feasible",
        objective=None,
        bound=None,
        gap=None,
        solver=SolverInfo(name="in-flight work"),
        periods=axis.labels,
        decisions=locked,
        platforms=[PlatformBuild(b.id, b.start, b.ready) for b in pinned],
    )
    mine = {d.system for d in locked}
    findings = []
    for v in check_roadmap(inventory, in_flight):
        if v.number == "0" or (v.number == "1" and not set(v.systems) & mine):
            continue
        findings.append(f"work in flight: {v.render()}")
    for system in inventory.systems:
        if system.must_modernise_by is None or system.locked is not None:
            continue
        if not any(option_starts(inventory, system, o) for o in system.options):
            findings.append(
                f"{system.id} must be modernised by {system.must_modernise_by}, but no option "
                f"starting from {axis.label(as_of)} can finish by then"
            )
    findings += _model_diagnosis(inventory, solver, time_limit)
    if not findings:
        findings.append(
            "the work in flight fits on its own, but no roadmap around it meets every deadline, "
            "capacity and risk limit; relax a deadline or a capacity"
        )
    return findings


def _model_diagnosis(inventory: Inventory, solver: str, time_limit: float | None) -> list[str]:
    """The model stage's infeasibility diagnosis, when that module is available."""
    try:
        from prioritiser.model import diagnose as model_diagnose  # type: ignore[attr-defined]
    except ImportError:
        return []
    run = getattr(model_diagnose, "diagnose", None)
    if run is None:
        return []
    try:
        result = run(inventory, solver=solver, time_limit=time_limit)
    except Exception:  # a diagnosis must never hide the infeasibility it explains
        return []
    render = getattr(result, "render", None)
    if callable(render):
        text = str(render())
        return [line for line in text.splitlines() if line.strip()]
    return []

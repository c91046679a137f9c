"""`track`: the baseline against the actuals as of a period — earned value, benefits, RAG and
the re-forecast, as one typed `Tracking`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prioritiser.certify import check_consistency
from prioritiser.errors import Problem, UsageError
from prioritiser.inventory import Inventory
from prioritiser.inventory.actuals import Actuals
from prioritiser.inventory.periods import parse_period
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions
from prioritiser.tracking.earned import (
    Benefits,
    EarnedValue,
    SCurve,
    benefits_by_department,
    earned_value,
    s_curve,
    total,
)
from prioritiser.tracking.forecast import Forecast, forecast_started
from prioritiser.tracking.progress import Planned, Progress, planned_work, progress_by_system
from prioritiser.tracking.rag import Facts, Rating, findings, rate
from prioritiser.tracking.reforecast import Apply, Reforecast, reforecast


@dataclass(frozen=True)
class SystemTracking:
    """One baseline decision against its actuals."""

    planned: Planned
    progress: Progress
    value: EarnedValue
    forecast_finish: int | None  # None: stopped, or left out of the re-forecast
    slip: int | None
    forecast_cost: float  # cost at completion the re-forecast carries (money, undiscounted)
    benefits: dict[str, Benefits]  # to date, by department
    rating: Rating
    findings: tuple[Rating, ...]
    forecast: Forecast | None = None

    @property
    def system(self) -> str:
        return self.planned.id

    @property
    def benefits_total(self) -> Benefits:
        out = Benefits()
        for b in self.benefits.values():
            out = out + b
        return out


@dataclass(frozen=True)
class Tracking:
    """The whole comparison, as of one period."""

    inventory: Inventory
    baseline: Roadmap
    actuals: Actuals
    as_of: int
    systems: tuple[SystemTracking, ...]
    s_curve: SCurve
    forecast_curve: tuple[float | None, ...]  # cumulative forecast spend, after as-of
    reforecast: Reforecast

    @property
    def as_of_label(self) -> str:
        return self.inventory.axis.label(self.as_of)

    @property
    def currency(self) -> str:
        return self.inventory.portfolio.currency

    @property
    def portfolio(self) -> EarnedValue:
        return total([s.value for s in self.systems])

    @property
    def forecast_cost(self) -> float:
        return sum(s.forecast_cost for s in self.systems)

    @property
    def departments(self) -> dict[str, Benefits]:
        out: dict[str, Benefits] = {}
        for s in self.systems:
            for department, b in s.benefits.items():
                out[department] = out.get(department, Benefits()) + b
        return dict(sorted(out.items()))

    @property
    def benefits(self) -> Benefits:
        out = Benefits()
        for b in self.departments.values():
            out = out + b
        return out

    def count(self, colour: str) -> int:
        return sum(1 for s in self.systems if s.rating.colour == colour)


# --- inputs -----------------------------------------------------------------------------------


def as_of_index(inventory: Inventory, as_of: str) -> int:
    """Index of `--as-of`: a period of the plan, or the one just before it (nothing yet)."""
    axis = inventory.axis
    try:
        period = parse_period(as_of)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None
    if period.granularity is not axis.granularity:
        raise UsageError(
            f"--as-of {as_of} is not a period of the plan ({axis.granularity.name.lower()}s, "
            f"like {axis.label(0)})"
        )
    index = axis.index(period)
    if not -1 <= index < axis.count:
        raise UsageError(
            f"--as-of {as_of} is outside the plan: give a period from {axis.label(-1)} (before "
            f"anything started) to {axis.label(axis.count - 1)}"
        )
    return index


def check_baseline(inventory: Inventory, baseline: Roadmap) -> list[str]:
    """Why the baseline roadmap cannot be tracked against this inventory (empty: it can).

    Held to what replan holds `--previous` to (`check_consistency`): finite figures that
    agree among themselves. Its NPVs are not recomputed — the inventory's estimates may have
    moved on since the baseline was approved, and that is what tracking is about."""
    if not baseline.has_plan:
        return [f"the baseline roadmap has no plan (status '{baseline.status}')"]
    problems = [v.message for v in check_consistency(baseline)]
    for d in baseline.decisions:
        if not inventory.has_system(d.system):
            problems.append(f"the baseline's system {d.system!r} is not in the inventory")
            continue
        system = inventory.system(d.system)
        if d.option not in {o.id for o in system.options}:
            problems.append(f"{d.system} has no option {d.option!r} (named in the baseline)")
        try:
            parse_period(d.start)
            inventory.axis.index(d.start)
        except ValueError:
            problems.append(f"{d.system}: start {d.start!r} is not a period label")
    for build in baseline.platforms:
        try:
            inventory.platform(build.id)
            inventory.axis.index(build.ready)
        except (KeyError, ValueError):
            problems.append(f"the baseline's platform set-up {build.id!r} is unknown")
    return problems


def baseline_problems(baseline: Roadmap, actuals: Actuals) -> list[Problem]:
    """Rows that report work on a system the baseline retains: actuals track the baseline's
    decisions, so new work needs a new baseline."""
    planned = {d.system for d in baseline.decisions}
    return [
        Problem(
            f"{a.system} is {a.row.status} in {a.row.period}, but the baseline roadmap "
            "retains it: actuals track the baseline's decisions (re-baseline with "
            "`prioritiser plan` to track new work)",
            a.location,
            "system",
        )
        for a in actuals.rows
        if a.system not in planned and (a.started or a.spent)
    ]


# --- the comparison ---------------------------------------------------------------------------


def track(
    inventory: Inventory,
    baseline: Roadmap,
    actuals: Actuals,
    as_of: int,
    options: PlanOptions,
    apply: Apply,
    weight: float = 0.0,
    solve_progress: Callable[..., None] | None = None,
) -> Tracking:
    """Compare the baseline with the actuals (already cut at `as_of`) and re-forecast, at
    stability cost `weight` per change from the baseline."""
    axis = inventory.axis
    planned = planned_work(inventory, baseline)
    states = progress_by_system(inventory, actuals)
    progress = {p.id: states.get(p.id, Progress(p.id)) for p in planned}
    values = {p.id: earned_value(p, progress[p.id], as_of) for p in planned}
    last = axis.count - 1
    forecasts = {
        p.id: f
        for p in planned
        if (f := forecast_started(p, progress[p.id], values[p.id], as_of, last)) is not None
    }
    future = reforecast(
        inventory,
        baseline,
        planned,
        progress,
        forecasts,
        as_of,
        options,
        apply,
        weight,
        solve_progress,
    )
    systems = tuple(
        _system(inventory, p, progress[p.id], values[p.id], forecasts.get(p.id), future, as_of)
        for p in planned
    )
    curve = s_curve(inventory, planned, actuals, as_of)
    return Tracking(
        inventory,
        baseline,
        actuals,
        as_of,
        systems,
        curve,
        _forecast_curve(inventory, systems, future, curve, as_of),
        future,
    )


def _system(
    inventory: Inventory,
    planned: Planned,
    progress: Progress,
    value: EarnedValue,
    forecast: Forecast | None,
    future: Reforecast,
    as_of: int,
) -> SystemTracking:
    axis = inventory.axis
    finish: int | None = None
    unbounded: int | None = None
    cost = progress.ac
    if forecast is not None:
        finish, cost = forecast.finish, forecast.cost
        unbounded = forecast.unbounded_finish or forecast.finish
    elif progress.status != "stopped":
        decision = future.decision(planned.id)
        if decision is not None:
            finish = unbounded = axis.index(decision.finish)
            cost = progress.ac + planned.bac
    slip = unbounded - planned.finish if unbounded is not None else None
    deadline = inventory.deadline_index(planned.system)
    missed = None
    if deadline is not None and unbounded is not None and unbounded > deadline:
        missed = f"{axis.label(unbounded)}, after its deadline {planned.system.must_modernise_by}"
    benefits = benefits_by_department(inventory, planned, progress, as_of)
    planned_total = sum(b.planned for b in benefits.values())
    realised_total = sum(b.realised for b in benefits.values())
    first_benefit = planned.finish + 1
    facts = Facts(
        status=progress.status,
        cpi=value.cpi,
        spi=value.spi,
        slip=slip,
        dropped=(
            progress.status == "not_started"
            and future.roadmap is not None
            and future.decision(planned.id) is None
        ),
        deadline_missed=missed,
        beyond_horizon=bool(forecast and forecast.beyond_horizon)
        or (unbounded is not None and unbounded > axis.count - 1),
        benefits_planned=planned_total,
        benefits_realised=realised_total,
        due=planned.decision.start,
        started_due=planned.start <= as_of,
        stopped_in=axis.label(progress.stopped) if progress.stopped is not None else "",
        early_benefits=progress.first_realised is not None
        and progress.first_realised < first_benefit,
    )
    t = inventory.tracking
    return SystemTracking(
        planned,
        progress,
        value,
        finish,
        slip,
        cost,
        benefits,
        rate(facts, t),
        tuple(findings(facts, t)),
        forecast,
    )


def _forecast_curve(
    inventory: Inventory,
    systems: tuple[SystemTracking, ...],
    future: Reforecast,
    curve: SCurve,
    as_of: int,
) -> tuple[float | None, ...]:
    """Cumulative spend the re-forecast expects on the baseline's decisions: actual to
    as-of, then each one's remaining cost drawn evenly over its remaining periods."""
    axis = inventory.axis
    draws = [0.0] * axis.count
    for s in systems:
        if s.forecast is not None:
            remaining = s.forecast.cost - s.progress.ac
            periods = range(as_of + 1, s.forecast.finish + 1)
        else:
            decision = future.decision(s.system)
            if decision is None or s.progress.status == "stopped":
                continue
            remaining = s.planned.bac
            periods = range(axis.index(decision.start), axis.index(decision.finish) + 1)
        for t in periods:
            draws[t] += remaining / len(periods)
    out: list[float | None] = [None] * axis.count
    running = curve.actual[-1] if curve.actual else 0.0
    if 0 <= as_of < axis.count:
        out[as_of] = running
    for t in range(as_of + 1, axis.count):
        running += draws[t]
        out[t] = running
    return tuple(out)


__all__ = [
    "SystemTracking",
    "Tracking",
    "as_of_index",
    "baseline_problems",
    "check_baseline",
    "track",
]

"""`track`: the baseline against the actuals as of a period — earned value, benefits, RAG and
the re-forecast, as one typed `Tracking`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prioritiser.certify import check_consistency
from prioritiser.errors import Problem, UsageError
from prioritiser.inventory import Estate, Inventory
from prioritiser.inventory.actuals import Actuals
from prioritiser.inventory.periods import parse_period
from prioritiser.model.candidates import placement_problems
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
    estate = inventory.estate
    axis = estate.axis
    try:
        period = parse_period(as_of)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None
    if period.granularity is not axis.granularity:
        raise UsageError(
            f"--as-of {as_of} is not a period of the plan ({axis.granularity.name.lower()}s, "
            f"like {axis.label(0)})"
        )
    index = estate.period(as_of)
    if not -1 <= index < estate.horizon:
        raise UsageError(
            f"--as-of {as_of} is outside the plan: give a period from {axis.label(-1)} (before "
            f"anything started) to {axis.label(axis.count - 1)}"
        )
    return index


def check_baseline(inventory: Inventory, baseline: Roadmap) -> list[str]:
    """Why the baseline roadmap cannot be tracked against this inventory (empty: it can).

    Held to what replan holds `--previous` to: finite figures that agree among themselves
    (`check_consistency`), on systems, options, platforms and periods the estate knows
    (`placement_problems`). Its NPVs are not recomputed — the inventory's estimates may have
    moved on since the baseline was approved, and that is what tracking is about."""
    if not baseline.has_plan:
        return [f"the baseline roadmap has no plan (status '{baseline.status}')"]
    problems = [v.message for v in check_consistency(baseline)]
    return problems + placement_problems(inventory.estate, baseline, "the baseline")


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
    estate = inventory.estate
    planned = planned_work(estate, baseline)
    states = progress_by_system(estate, actuals)
    progress = {p.id: states.get(p.id, Progress(p.id)) for p in planned}
    values = {p.id: earned_value(p, progress[p.id], as_of) for p in planned}
    last = estate.horizon - 1
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
        _system(estate, p, progress[p.id], values[p.id], forecasts.get(p.id), future, as_of)
        for p in planned
    )
    curve = s_curve(estate, planned, actuals, as_of)
    return Tracking(
        inventory,
        baseline,
        actuals,
        as_of,
        systems,
        curve,
        _forecast_curve(estate, systems, future, curve, as_of),
        future,
    )


def _system(
    estate: Estate,
    planned: Planned,
    progress: Progress,
    value: EarnedValue,
    forecast: Forecast | None,
    future: Reforecast,
    as_of: int,
) -> SystemTracking:
    finish: int | None = None
    unbounded: int | None = None
    cost = progress.ac
    if forecast is not None:
        finish, cost = forecast.finish, forecast.cost
        unbounded = forecast.unbounded_finish or forecast.finish
    elif progress.status != "stopped":
        decision = future.decision(planned.id)
        if decision is not None:
            finish = unbounded = estate.period(decision.finish)
            cost = progress.ac + planned.bac
    slip = unbounded - planned.finish if unbounded is not None else None
    deadline = planned.system.deadline
    missed = None
    if deadline is not None and unbounded is not None and unbounded > deadline:
        system = planned.system
        if system.deadline_from_support:
            stated = f"end of support {system.source.end_of_support} ({system.criticality})"
        else:
            stated = system.source.must_modernise_by or estate.label(deadline)
        missed = f"{estate.label(unbounded)}, after its deadline {stated}"
    benefits = benefits_by_department(estate, planned, progress, as_of)
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
        or (unbounded is not None and unbounded > estate.horizon - 1),
        benefits_planned=planned_total,
        benefits_realised=realised_total,
        due=planned.decision.start,
        started_due=planned.start <= as_of,
        stopped_in=estate.label(progress.stopped) if progress.stopped is not None else "",
        early_benefits=progress.first_realised is not None
        and progress.first_realised < first_benefit,
    )
    t = estate.inventory.tracking
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
    estate: Estate,
    systems: tuple[SystemTracking, ...],
    future: Reforecast,
    curve: SCurve,
    as_of: int,
) -> tuple[float | None, ...]:
    """Cumulative spend the re-forecast expects on the baseline's decisions: actual to
    as-of, then each one's remaining cost drawn evenly over its remaining periods."""
    horizon = estate.horizon
    draws = [0.0] * horizon
    for s in systems:
        if s.forecast is not None:
            remaining = s.forecast.cost - s.progress.ac
            periods = range(as_of + 1, s.forecast.finish + 1)
        else:
            decision = future.decision(s.system)
            if decision is None or s.progress.status == "stopped":
                continue
            remaining = s.planned.bac
            periods = range(estate.period(decision.start), estate.period(decision.finish) + 1)
        for t in periods:
            draws[t] += remaining / len(periods)
    out: list[float | None] = [None] * horizon
    running = curve.actual[-1] if curve.actual else 0.0
    if 0 <= as_of < horizon:
        out[as_of] = running
    for t in range(as_of + 1, horizon):
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

"""Figures every report shows, computed once from a Roadmap and its Inventory.

Templates and writers only format these numbers; they never recompute them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from prioritiser.economics import Appraisal
from prioritiser.explain import decision_reasons
from prioritiser.inventory import CAPEX, Inventory, PeriodAxis, System
from prioritiser.inventory.provenance import Provenance, provenance
from prioritiser.model.candidates import Placed, placed
from prioritiser.reports.appraisal import AppraisalReport, appraisal_report
from prioritiser.reports.assumptions import Assumption, assumptions_of, estimates_of
from prioritiser.roadmap import Roadmap

RETAINED = "retained"
PLATFORMS = "Shared platforms"


@dataclass(frozen=True)
class ResourceRow:
    """One resource: use and capacity per period."""

    name: str
    unit: str
    use: list[float]
    capacity: list[float]
    total_cap: float | None
    # The same use split by who draws it: each department's options, and PLATFORMS set-ups.
    by_department: dict[str, list[float]] = field(default_factory=dict)

    @property
    def total_use(self) -> float:
        return sum(self.use)

    @property
    def peak_share(self) -> float:
        shares = [u / c for u, c in zip(self.use, self.capacity, strict=True) if c > 0]
        return max(shares, default=0.0)


@dataclass(frozen=True)
class DepartmentFlows:
    """Who pays and who benefits: one department's one-off cost and yearly value (PV too)."""

    department: str
    pays_pv: float = 0.0
    benefits_pv: float = 0.0
    cashable_annual: float = 0.0
    non_cashable_annual: float = 0.0


@dataclass(frozen=True)
class SystemRow:
    """One system of the estate as every report lists it: its decision, or retained."""

    system: str
    name: str
    department: str
    criticality: str
    kind: str  # the option's kind, or RETAINED
    option: str | None = None
    start: str | None = None
    finish: str | None = None
    npv: float | None = None
    one_off_cost: float = 0.0
    cashable_annual: float = 0.0
    delivery_risk: int | None = None
    risk_points: int = 0
    risk_removed: float = 0.0
    end_of_support: str | None = None
    must_modernise_by: str | None = None
    locked: bool = False
    estimated: bool = False  # the chosen option's figures are estimates
    start_index: int | None = None
    finish_index: int | None = None
    end_of_support_index: int | None = None
    deadline_index: int | None = None

    @property
    def modernised(self) -> bool:
        return self.option is not None


@dataclass(frozen=True)
class PlatformRow:
    """A shared platform the roadmap sets up: in set-up from `start` to `finish`."""

    id: str
    name: str
    start: str
    finish: str
    ready: str
    cost: float
    cost_pv: float
    start_index: int
    finish_index: int
    users: tuple[str, ...] = ()


@dataclass(frozen=True)
class DependencyEdge:
    """`system` depends on `on` (both modernised): `on` constrains `system` as `constraint` says."""

    system: str
    on: str
    constraint: str
    kind: str


@dataclass(frozen=True)
class CrossFlow:
    """Yearly value that one department's modernisation lands in another department."""

    payer: str
    beneficiary: str
    annual: float
    pv: float
    cashable: bool


@dataclass
class Analysis:
    """Headline numbers, spend, benefits by department and risk over time."""

    currency: str
    periods: list[str]
    objective: float | None
    status: str
    gap: float | None
    one_off_spend: float = 0.0
    cashable_by_year: dict[int, float] = field(default_factory=dict)
    cashable_run_rate: float = 0.0
    risk_points_removed: float = 0.0
    risk_points_total: float = 0.0
    resources: list[ResourceRow] = field(default_factory=list)
    departments: list[DepartmentFlows] = field(default_factory=list)
    risk_without_plan: list[float] = field(default_factory=list)
    risk_with_plan: list[float] = field(default_factory=list)
    systems_modernised: int = 0
    systems_total: int = 0
    # One-line "why" per system (decisions and retained), filled from the explain stage.
    why: dict[str, str] = field(default_factory=dict)
    portfolio: str = ""
    scenarios: list[str] = field(default_factory=list)
    # Every system, decisions first (by start), then the retained ones (by department).
    systems: list[SystemRow] = field(default_factory=list)
    platforms: list[PlatformRow] = field(default_factory=list)
    dependencies: list[DependencyEdge] = field(default_factory=list)
    cross_department: list[CrossFlow] = field(default_factory=list)
    # One-off spend (option costs and platform set-up, undiscounted) per period and year.
    spend_by_period: list[float] = field(default_factory=list)
    spend_by_year: dict[int, float] = field(default_factory=dict)
    platforms_cost_pv: float = 0.0
    # First year in which cumulative cashable savings reach the cumulative one-off spend.
    payback_year: int | None = None
    # The resource that holds the money (capex), when the inventory declares one.
    budget_resource: str | None = None
    # Retained systems whose end of support falls inside (or before the end of) the horizon.
    retained_past_support: list[str] = field(default_factory=list)
    assumptions: list[Assumption] = field(default_factory=list)
    # "quarter", "month" or "year": what one period is, for prose.
    period_noun: str = "period"
    # Which figures are estimates; reports say so only when `provenance.any`.
    provenance: Provenance | None = None
    # The appraisal (value split, financial years, unsupported exposure, optimism bias), for
    # an inventory that uses its keys; None otherwise (reports read as they always have).
    appraisal: AppraisalReport | None = None

    @property
    def horizon(self) -> str:
        return f"{self.periods[0]}–{self.periods[-1]}" if self.periods else ""

    @property
    def risk_removed_share(self) -> float:
        return self.risk_points_removed / self.risk_points_total if self.risk_points_total else 0.0

    @property
    def systems_retained(self) -> int:
        return self.systems_total - self.systems_modernised

    @property
    def budget(self) -> ResourceRow | None:
        for row in self.resources:
            if row.name == self.budget_resource:
                return row
        return None

    @property
    def full_run_rate_year(self) -> int | None:
        """First year whose cashable savings reach the full yearly run rate."""
        for year, value in self.cashable_by_year.items():
            if self.cashable_run_rate > 0 and value >= self.cashable_run_rate - 0.5:
                return year
        return None

    @property
    def status_text(self) -> str:
        """ "proven optimal" or "within 0.4 % of optimal" — the proof in words."""
        if self.status == "optimal" and (self.gap is None or self.gap < 1e-6):
            return "proven optimal"
        if self.status in ("optimal", "feasible") and self.gap is not None:
            return f"within {self.gap * 100:.2f} % of optimal"
        return self.status.replace("_", " ")


def analyse(inventory: Inventory, roadmap: Roadmap) -> Analysis:
    """Compute the report figures for `roadmap`."""
    axis = inventory.axis
    estate = inventory.estate
    appraisal = Appraisal.of(inventory)
    placement = placed(estate, appraisal, roadmap)
    out = Analysis(
        currency=inventory.portfolio.currency,
        periods=axis.labels,
        objective=roadmap.objective,
        status=roadmap.status,
        gap=roadmap.gap,
        systems_modernised=len(roadmap.decisions),
        systems_total=len(inventory.systems),
    )
    out.why = {r.system: r.reason for r in roadmap.retained}
    out.why.update(decision_reasons(inventory, roadmap))
    by_year: dict[int, float] = defaultdict(float)
    departments: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    risk_removed_at = [0.0] * axis.count
    for placed_decision in placement.decisions:
        system = inventory.system(placed_decision.system)
        option = system.option(placed_decision.option)
        start, finish = placed_decision.start, placed_decision.finish
        # One-off cost as the plan draws it: optimism bias applied (as stated without one).
        out.one_off_spend += estate.system(system.id).option(option.id).cost
        value = appraisal.option(system.id, option.id)
        departments[system.department]["pays_pv"] += value.cost_pv(start)
        for flow, pv in value.flows_pv(start):
            departments[flow.department]["benefits_pv"] += pv
            key = "cashable_annual" if flow.cashable else "non_cashable_annual"
            departments[flow.department][key] += flow.annual
            if flow.cashable:
                out.cashable_run_rate += flow.annual
                _credit_years(by_year, axis, finish, flow.annual, value.shares)
        removed = option.risk_reduction * system.legacy_risk.points
        out.risk_points_removed += removed
        for period in range(finish + 1, axis.count):
            risk_removed_at[period] += removed
    for build in roadmap.platforms:
        platform = inventory.platform(build.id)
        out.one_off_spend += platform.setup_cost
    first_year = axis.period(0).year
    last_year = axis.period(axis.count - 1).year + 2
    out.cashable_by_year = {
        y: round(by_year.get(y, 0.0), 2) for y in range(first_year, last_year + 1)
    }
    out.departments = [
        DepartmentFlows(name, **{k: round(v, 2) for k, v in departments[name].items()})
        for name in sorted(departments)
    ]
    total_risk = float(sum(s.legacy_risk.points for s in inventory.systems))
    out.risk_points_total = total_risk
    out.risk_without_plan = [total_risk] * axis.count
    out.risk_with_plan = [round(total_risk - r, 4) for r in risk_removed_at]
    for name in sorted(inventory.resources):
        spec = inventory.resources[name]
        use = roadmap.resource_use.get(name, {})
        out.resources.append(
            ResourceRow(
                name=name,
                unit=spec.unit,
                use=[round(use.get(label, 0.0), 4) for label in axis.labels],
                capacity=list(estate.resources[name].capacity),
                total_cap=spec.total,
            )
        )
    _add_rows(out, inventory, roadmap, appraisal, placement)
    _add_spend(out, inventory, roadmap)
    out.provenance = provenance(inventory)
    out.assumptions = estimates_of(out.provenance) + assumptions_of(inventory, roadmap)
    out.period_noun = {1: "year", 4: "quarter", 12: "month"}.get(axis.per_year, "period")
    out.appraisal = appraisal_report(inventory, roadmap)
    return out


def _credit_years(
    by_year: dict[int, float],
    axis: PeriodAxis,
    finish: int,
    annual: float,
    shares: tuple[float, ...],
) -> None:
    """Credit each calendar year with a yearly flow's periods after completion inside it (to
    two years past the horizon), after dual running and ramp-up (`shares`)."""
    per_year = axis.per_year
    last_year = axis.period(axis.count - 1).year + 2
    for period in range(finish + 1, axis.count + per_year * 3):
        year = axis.period(period).year
        if year > last_year:
            break
        k = period - finish - 1
        share = shares[k] if k < len(shares) else 1.0
        by_year[year] += annual * share / per_year


def _decision_row(
    inventory: Inventory, system: System, roadmap: Roadmap, placement: Placed
) -> SystemRow:
    resolved = inventory.estate.system(system.id)
    eos = resolved.end_of_support
    common: dict[str, Any] = {  # the fields every row has, checked by SystemRow itself
        "system": system.id,
        "name": system.name,
        "department": system.department,
        "criticality": system.criticality,
        "risk_points": system.legacy_risk.points,
        "end_of_support": system.end_of_support,
        "must_modernise_by": system.must_modernise_by,
        "end_of_support_index": eos,
        "deadline_index": inventory.deadline_index(system),  # must_modernise_by (its marker)
    }
    decision = roadmap.decision(system.id)
    where = placement.decision(system.id)
    if decision is None or where is None:
        return SystemRow(kind=RETAINED, **common)
    option = system.option(decision.option)
    return SystemRow(
        kind=decision.kind,
        option=decision.option,
        start=decision.start,
        finish=decision.finish,
        npv=decision.npv,
        one_off_cost=resolved.option(option.id).cost,
        cashable_annual=option.annual_saving + sum(b.annual for b in option.benefits if b.cashable),
        delivery_risk=option.delivery_risk,
        risk_removed=round(option.risk_reduction * system.legacy_risk.points, 4),
        locked=system.locked is not None,
        estimated=option.estimated,
        start_index=where.start,
        finish_index=where.finish,
        **common,
    )


def _add_rows(
    out: Analysis, inventory: Inventory, roadmap: Roadmap, appraisal: Appraisal, placement: Placed
) -> None:
    """Every system's row, the platforms, dependencies and cross-department value."""
    rows = [_decision_row(inventory, s, roadmap, placement) for s in inventory.systems]
    done = [r for r in rows if r.modernised]
    kept = [r for r in rows if not r.modernised]
    done.sort(key=lambda r: (r.start_index, r.department, r.system))
    kept.sort(key=lambda r: (r.department, r.system))
    out.systems = done + kept
    out.portfolio = inventory.portfolio.name
    out.scenarios = list(roadmap.scenarios)
    modernised = {r.system for r in done}
    out.retained_past_support = [
        r.system
        for r in kept
        if r.end_of_support_index is not None and r.end_of_support_index < inventory.axis.count
    ]
    out.dependencies = sorted(
        (
            DependencyEdge(link.consumer, link.provider, link.constraint.value, link.kind)
            for system in inventory.estate.systems
            if system.id in modernised
            for link in system.links
            if link.provider in modernised
        ),
        key=lambda e: (e.system, e.on),
    )
    flows: dict[tuple[str, str, bool], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in done:
        value = appraisal.option(row.system, row.option or "")
        for flow, pv in value.flows_pv(row.start_index or 0):
            if flow.department != row.department:
                key = (row.department, flow.department, flow.cashable)
                flows[key][0] += flow.annual
                flows[key][1] += pv
    out.cross_department = [
        CrossFlow(payer, beneficiary, round(annual, 2), round(pv, 2), cashable)
        for (payer, beneficiary, cashable), (annual, pv) in sorted(flows.items())
    ]
    axis = inventory.axis
    starts = {b.platform: b.start for b in placement.builds}
    for build in roadmap.platforms:
        platform = inventory.platform(build.id)
        start = starts[build.id]
        finish = start + max(platform.setup_duration, 1) - 1
        users = tuple(
            sorted(
                r.system
                for r in done
                if build.id in inventory.system(r.system).option(r.option or "").requires_platforms
            )
        )
        out.platforms.append(
            PlatformRow(
                id=build.id,
                name=platform.title,
                start=build.start,
                finish=axis.label(finish),
                ready=build.ready,
                cost=platform.setup_cost,
                cost_pv=round(appraisal.platform_cost_pv(platform, start), 2),
                start_index=start,
                finish_index=finish,
                users=users,
            )
        )
    out.platforms_cost_pv = round(sum(p.cost_pv for p in out.platforms), 2)


def _spread(values: list[float], first: int, last: int, amount: float) -> None:
    """Add `amount` in each period first..last that lies on the horizon."""
    for period in range(max(first, 0), min(last, len(values) - 1) + 1):
        values[period] += amount


def _add_spend(out: Analysis, inventory: Inventory, roadmap: Roadmap) -> None:
    """One-off spend per period and year, resource use by department, payback year."""
    axis = inventory.axis
    count = axis.count
    spend = [0.0] * count
    split: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for row in out.systems:
        if not row.modernised or row.start_index is None or row.finish_index is None:
            continue
        option = inventory.estate.system(row.system).option(row.option or "")
        _spread(spend, row.start_index, row.finish_index, option.cost / option.duration)
        for name, amount in option.draws:
            lanes = split[name].setdefault(row.department, [0.0] * count)
            _spread(lanes, row.start_index, row.finish_index, amount)
    for build in out.platforms:
        platform = inventory.platform(build.id)
        duration = build.finish_index - build.start_index + 1
        _spread(spend, build.start_index, build.finish_index, platform.setup_cost / duration)
        for name, amount in inventory.estate.platform(platform.id).draws:
            lanes = split[name].setdefault(PLATFORMS, [0.0] * count)
            _spread(lanes, build.start_index, build.finish_index, amount)
    out.spend_by_period = [round(v, 2) for v in spend]
    by_year: dict[int, float] = defaultdict(float)
    for period, value in enumerate(spend):
        by_year[axis.period(period).year] += value
    out.spend_by_year = {y: round(by_year.get(y, 0.0), 2) for y in out.cashable_by_year}
    spent = saved = 0.0
    for year, saving in out.cashable_by_year.items():
        spent += out.spend_by_year.get(year, 0.0)
        saved += saving
        if spent > 0 and saved >= spent:
            out.payback_year = year
            break
    if CAPEX in inventory.resources:
        out.budget_resource = CAPEX
    out.resources = [
        ResourceRow(
            name=row.name,
            unit=row.unit,
            use=row.use,
            capacity=row.capacity,
            total_cap=row.total_cap,
            by_department={
                name: [round(v, 4) for v in lanes]
                for name, lanes in sorted(
                    split.get(row.name, {}).items(), key=lambda kv: (kv[0] == PLATFORMS, kv[0])
                )
            },
        )
        for row in out.resources
    ]

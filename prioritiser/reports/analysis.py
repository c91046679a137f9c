"""Figures every report shows, computed once from a Roadmap and its Inventory.

Templates and writers only format these numbers; they never recompute them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory
from prioritiser.roadmap import Roadmap


@dataclass(frozen=True)
class ResourceRow:
    """One resource: use and capacity per period."""

    name: str
    unit: str
    use: list[float]
    capacity: list[float]
    total_cap: float | None

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
    economics = Economics(inventory)
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
    per_year = axis.per_year
    by_year: dict[int, float] = defaultdict(float)
    departments: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    risk_removed_at = [0.0] * axis.count
    for decision in roadmap.decisions:
        system = inventory.system(decision.system)
        option = system.option(decision.option)
        start = axis.index(decision.start)
        finish = axis.index(decision.finish)
        out.one_off_spend += option.cost
        value = economics.option(system.id, option.id)
        departments[system.department]["pays_pv"] += value.cost_pv(start)
        for flow, pv in value.flows_pv(start):
            departments[flow.department]["benefits_pv"] += pv
            key = "cashable_annual" if flow.cashable else "non_cashable_annual"
            departments[flow.department][key] += flow.annual
            if flow.cashable:
                out.cashable_run_rate += flow.annual
                # Credit each calendar year with the periods after completion inside it.
                for period in range(finish + 1, axis.count + per_year * 3):
                    year = axis.period(period).year
                    if year > axis.period(axis.count - 1).year + 2:
                        break
                    by_year[year] += flow.annual / per_year
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
                capacity=[inventory.capacity(name, t) for t in range(axis.count)],
                total_cap=spec.total,
            )
        )
    return out

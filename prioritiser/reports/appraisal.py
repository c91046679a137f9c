"""The appraisal every report shows (DESIGN.md "Appraisal v2"), as data the renderers format.

For an inventory that uses any appraisal key (`uses_appraisal`): the value split and what the
objective counts, the cash-only NPV and benefit–cost ratio, what the roadmap leaves
unsupported and its exposure, money by financial year per money resource, each decision's
base and optimism-bias-adjusted duration and cost, what the periods' labels mean, and the
price of forbidding systems to run unsupported. An inventory without those keys gets None,
and its reports read as they always have.

Definitions (docs/appraisal.md):
- cash-only NPV = cashable savings and benefits − one-off costs − platform set-ups (present
  values, optimism bias applied); appraised `npv:` figures are left out (they cannot be
  split) and said so;
- benefit–cost ratio = present value of the benefits the objective counts (its included
  parts: cashable, non-cashable, risk, unsupported avoided) ÷ present value of one-off and
  set-up costs; appraised `npv:` figures are left out of both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory
from prioritiser.inventory.appraisal_terms import money_resources, uses_appraisal
from prioritiser.inventory.periods import MONTHS, financial_year_label, months_text
from prioritiser.model.candidates import placed
from prioritiser.roadmap import INCLUDABLE, PolicyCost, Roadmap, Value

# The parts of the value split as reports name them, in order.
PARTS = (
    ("cashable", "Cashable savings and benefits"),
    ("non_cashable", "Non-cashable benefits"),
    ("risk", "Legacy risk removed (valued)"),
    ("unsupported_avoided", "Unsupported exposure avoided"),
    ("appraised", "Appraised NPVs (business cases)"),
    ("costs", "One-off costs (optimism bias applied)"),
    ("platforms", "Platform set-up"),
)
_COUNTED = {part: name for name, part in INCLUDABLE.items()}


@dataclass(frozen=True)
class PartRow:
    key: str
    label: str
    value: float
    counted: bool  # in the objective


@dataclass(frozen=True)
class DecisionAppraisal:
    """One decision's value split, and its duration and one-off costs, base and adjusted."""

    system: str
    name: str
    option: str
    kind: str
    start: str
    finish: str
    value: Value
    base_duration: int
    duration: int
    base_costs: dict[str, float]
    costs: dict[str, float]

    @property
    def base_cost(self) -> float:
        return sum(self.base_costs.values())

    @property
    def cost(self) -> float:
        return sum(self.costs.values())

    @property
    def biased(self) -> bool:
        return self.duration != self.base_duration or abs(self.cost - self.base_cost) >= 0.005


@dataclass(frozen=True)
class UnsupportedRow:
    """A system the roadmap leaves running past its end of support."""

    system: str
    name: str
    department: str
    criticality: str
    end_of_support: str
    decision: str  # "retained", or "replace, finishes 2028-Q2"
    unsupported_from: str
    periods: int
    exposure: float


@dataclass(frozen=True)
class YearRow:
    """One financial year: one-off money per money resource (optimism bias applied, and the
    part of it that is uplift), its `per_year` caps, and cashable savings (undiscounted)."""

    label: str
    periods: str  # "2027-Q2–2028-Q1" (those inside the horizon), "" past the horizon
    spend: dict[str, float]
    uplift: float
    caps: dict[str, float]
    cashable: float

    @property
    def total(self) -> float:
        return sum(self.spend.values())


@dataclass
class AppraisalReport:
    currency: str
    include: list[str]
    objective: float
    value: Value
    parts: list[PartRow] = field(default_factory=list)
    decisions: list[DecisionAppraisal] = field(default_factory=list)
    unsupported: list[UnsupportedRow] = field(default_factory=list)
    years: list[YearRow] = field(default_factory=list)
    money: list[str] = field(default_factory=list)  # money resources with any spend
    period_note: str = ""
    policy: PolicyCost | None = None
    forbid: list[str] = field(default_factory=list)
    # Systems running past their end of support in each period of the horizon, without the
    # plan (every system as it is) and with it.
    unsupported_without: list[int] = field(default_factory=list)
    unsupported_with: list[int] = field(default_factory=list)

    @property
    def npv(self) -> float:
        return self.value.npv

    @property
    def cash_npv(self) -> float:
        return self.value.cash

    @property
    def benefits(self) -> float:
        return self.value.benefits(self.include)

    @property
    def costs(self) -> float:
        return -(self.value.costs + self.value.platforms)

    @property
    def bcr(self) -> float | None:
        return self.benefits / self.costs if self.costs > 0 else None

    @property
    def exposure_left(self) -> float:
        return sum(row.exposure for row in self.unsupported)

    @property
    def excluded(self) -> list[str]:
        return [name for name in INCLUDABLE if name not in self.include]

    @property
    def biased(self) -> list[DecisionAppraisal]:
        return [d for d in self.decisions if d.biased]


def appraisal_report(inventory: Inventory, roadmap: Roadmap) -> AppraisalReport | None:
    """The appraisal of `roadmap`, or None for an inventory without appraisal keys."""
    if not uses_appraisal(inventory) or not roadmap.has_plan:
        return None
    estate = inventory.estate
    appraisal = Appraisal.of(inventory)
    placement = placed(estate, appraisal, roadmap)
    include: list[str] = list(inventory.objective.include)
    out = AppraisalReport(
        currency=inventory.portfolio.currency,
        include=include,
        objective=roadmap.objective or 0.0,
        value=Value(),
        period_note=period_note(inventory),
        policy=roadmap.policy,
        forbid=list(inventory.risk.unsupported.forbid) if inventory.risk.unsupported else [],
    )
    total = Value()
    finishes = {}
    for c in placement.decisions:
        split = appraisal.split(c.system, c.option, c.start)
        total += split
        finishes[c.system] = c.finish
        option = estate.system(c.system).option(c.option)
        out.decisions.append(
            DecisionAppraisal(
                system=c.system,
                name=inventory.system(c.system).name,
                option=c.option,
                kind=c.kind,
                start=estate.label(c.start),
                finish=estate.label(c.finish),
                value=split,
                base_duration=option.base_duration,
                duration=option.duration,
                base_costs=dict(option.base_costs),
                costs=dict(option.costs),
            )
        )
    total += Value(platforms=-sum(b.cost_pv for b in placement.builds))
    out.value = total
    out.parts = [
        PartRow(key, label, getattr(total, key), _counted(key, include)) for key, label in PARTS
    ]
    for system_id, first, periods, pv in appraisal.unsupported_left(finishes):
        system = inventory.system(system_id)
        finish = finishes.get(system_id)
        decision = "retained"
        if finish is not None:
            chosen = next(c for c in placement.decisions if c.system == system_id)
            decision = f"{chosen.kind}, finishes {estate.label(finish)}"
        out.unsupported.append(
            UnsupportedRow(
                system=system_id,
                name=system.name,
                department=system.department,
                criticality=system.criticality,
                end_of_support=str(system.end_of_support),
                decision=decision,
                unsupported_from=estate.label(first),
                periods=periods,
                exposure=pv,
            )
        )
    out.unsupported.sort(key=lambda r: (-r.exposure, r.system))
    out.unsupported_without = [0] * estate.horizon
    out.unsupported_with = [0] * estate.horizon
    for resolved in estate.systems:
        if resolved.end_of_support is None:
            continue
        finish = finishes.get(resolved.id, estate.horizon)
        for t in range(max(resolved.end_of_support + 1, 0), estate.horizon):
            out.unsupported_without[t] += 1
            out.unsupported_with[t] += 1 if t <= finish else 0
    _add_years(out, inventory, roadmap)
    return out


def _counted(part: str, include: list[str]) -> bool:
    """Whether the objective counts a part: the includable ones when listed; costs, platform
    set-ups and appraised NPVs always."""
    return part not in _COUNTED or _COUNTED[part] in include


def period_note(inventory: Inventory) -> str:
    """What the labels mean, said once: `2027-Q2 = April–June 2027` and the financial year."""
    axis = inventory.axis
    start_month = inventory.portfolio.financial_year_start
    first, second = axis.period(0), axis.period(min(1, axis.count - 1))
    noun = {1: "calendar years", 4: "calendar quarters", 12: "calendar months"}[axis.per_year]
    examples = f"{first.label} = {months_text(first)}"
    if second != first:
        examples += f", {second.label} = {months_text(second)}"
    if start_month == 1:
        years = "Financial years are calendar years (January–December), labelled 2027."
    else:
        year = axis.period(0).year
        label = financial_year_label(year, start_month)
        end = MONTHS[(start_month - 2) % 12]
        years = (
            f"Financial years run {MONTHS[start_month - 1]}–{end}: {label} = "
            f"{MONTHS[start_month - 1]} {year} – {end} {year + 1}; a period counts in the "
            "financial year of its first month."
        )
    return f"Periods are {noun} ({examples}). {years}"


def _add_years(out: AppraisalReport, inventory: Inventory, roadmap: Roadmap) -> None:
    """Money per money resource, its uplift and cashable savings, by financial year."""
    estate = inventory.estate
    axis = inventory.axis
    appraisal = Appraisal.of(inventory)
    placement = placed(estate, appraisal, roadmap)
    start_month = inventory.portfolio.financial_year_start
    spend: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    uplift: dict[str, float] = defaultdict(float)
    cashable: dict[str, float] = defaultdict(float)
    last_year = estate.financial_year_of(axis.count - 1)
    horizon_years = [y.label for y in estate.financial_years]
    extra = [
        financial_year_label(int(last_year[:4]) + k, start_month) for k in (1, 2)
    ]  # two more years of savings, as the cash-by-year table shows
    labels = horizon_years + extra
    for c in placement.decisions:
        option = estate.system(c.system).option(c.option)
        base = dict(option.base_costs)
        for resource, amount in option.costs:
            for t in range(c.start, c.finish + 1):
                year = estate.financial_year_of(t)
                spend[year][resource] += amount / option.duration
                uplift[year] += (amount - base.get(resource, 0.0)) / option.duration
        value = appraisal.option(c.system, c.option)
        annual = sum(f.annual for f in value.flows if f.cashable)
        if value.fixed_npv is None and annual:
            for k in range(value.appraisal_periods):
                year = estate.financial_year_of(c.finish + 1 + k)
                if year not in labels:
                    if year > labels[-1]:
                        break
                    continue
                share = value.shares[k] if k < len(value.shares) else 1.0
                cashable[year] += annual * share / axis.per_year
    for b in placement.builds:
        platform = estate.platform(b.platform)
        for t in range(b.start, b.ready):
            year = estate.financial_year_of(t)
            spend[year]["capex"] += platform.setup_cost / platform.setup_duration
    used = sorted({r for year in spend.values() for r, v in year.items() if v})
    out.money = [r for r in money_resources(inventory) if r in used]
    caps = {name: dict(spec.per_year) for name, spec in estate.resources.items() if spec.per_year}
    for label in labels:
        periods = ""
        if label in horizon_years:
            span = estate.financial_year(label).periods
            periods = axis.span_label(span[0], span[-1])
        out.years.append(
            YearRow(
                label=label,
                periods=periods,
                spend={r: spend[label].get(r, 0.0) for r in out.money},
                uplift=uplift.get(label, 0.0),
                caps={r: caps[r][label] for r in caps if label in caps[r]},
                cashable=cashable.get(label, 0.0),
            )
        )

"""The board pack's figures: a business case per system and money phasing, computed once.

- `years_of`: the years money is summed into. Calendar years until the appraisal's financial
  years (`portfolio.financial_year_start`) are available; this is the one place that maps a
  period to its year, so the switch is made here and nowhere else.
- `Phasing`: one-off money (and people) per system and platform, per period, as numbers;
  year totals are sums of these (the workbook writes them as formulas over the same cells).
- `BusinessCase`: per system, its decision or why it is retained (explain's model-true
  reasons), cost phasing, savings by year, payback, legacy risk removed, end of support,
  every option considered including doing nothing, and the price of forcing it in or out
  where the board pack's re-solves measured one.

Renderers format these; none of them recomputes a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from prioritiser.economics import Appraisal
from prioritiser.explain.cases import Case, system_cases
from prioritiser.inventory import Inventory, System
from prioritiser.inventory.periods import financial_year_label
from prioritiser.model.candidates import CandidateSet, enumerate_candidates, placed
from prioritiser.reports.appraisal import AppraisalReport, period_note
from prioritiser.reports.board_options import OptionRow, options_considered
from prioritiser.reports.paper import Paper
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.levers import Lever
from prioritiser.scenarios.pack import BoardEvidence, Forced
from prioritiser.wording import money, names, with_names

EXTRA_YEARS = 2  # years of savings shown past the horizon (as the cash-by-year table)
PLATFORM = "platform"


@dataclass(frozen=True)
class Years:
    """The years money is summed into, and which year each period falls in."""

    labels: tuple[str, ...]  # horizon years, then EXTRA_YEARS more
    of_period: tuple[int, ...]  # index into labels, per horizon period
    per_year: int
    note: str

    @property
    def horizon(self) -> tuple[str, ...]:
        return self.labels[: max(self.of_period) + 1] if self.of_period else ()

    def periods_in(self, year: int) -> list[int]:
        return [t for t, y in enumerate(self.of_period) if y == year]

    def index(self, period: int) -> int | None:
        """The year of any period (past the horizon too), or None beyond the labels."""
        if period < len(self.of_period):
            return self.of_period[period]
        # Past the horizon: whole years follow the last one, in step with its periods.
        last = len(self.of_period) - 1
        into = sum(1 for y in self.of_period if y == self.of_period[last])
        extra = (period - last - 1 + into) // self.per_year
        year = self.of_period[last] + extra
        return year if year < len(self.labels) else None


def years_of(inventory: Inventory) -> Years:
    """The financial years of the horizon and two more (the appraisal's: calendar years
    when `portfolio.financial_year_start` is January), and which one each period is in."""
    estate = inventory.estate
    axis = inventory.axis
    labels = [year.label for year in estate.financial_years]
    of_period = tuple(labels.index(estate.financial_year_of(t)) for t in range(axis.count))
    start = int(labels[-1][:4])
    month = inventory.portfolio.financial_year_start
    labels += [financial_year_label(start + k, month) for k in range(1, EXTRA_YEARS + 1)]
    return Years(tuple(labels), of_period, axis.per_year, period_note(inventory))


@dataclass(frozen=True)
class Phasing:
    """An item's use of one resource per period: a system's chosen option or a platform's
    set-up. Money resources hold one-off money; others hold people (FTE) per period."""

    item: str  # system id, or "platform:<id>"
    name: str
    department: str
    resource: str
    unit: str
    money: bool
    by_period: tuple[float, ...]

    @property
    def total(self) -> float:
        return sum(self.by_period)


@dataclass(frozen=True)
class BusinessCase:
    """One system's case for the board."""

    system: str
    name: str
    department: str
    criticality: str
    owner: str
    sro: str
    modernised: bool
    decision: str  # "replace, 2027-Q3 – 2028-Q4" or "retained"
    npv: float | None
    one_off_cost: float
    cashable_annual: float
    non_cashable_annual: float
    risk_points: int
    risk_removed: float
    end_of_support: str | None
    unsupported: str  # "" or "unsupported from 2028-Q3 until 2029-Q2" / "… to the end of the plan"
    cost_by_year: tuple[float, ...]  # aligned with Years.labels
    cashable_by_year: tuple[float, ...]
    payback: str | None  # the year cumulative cashable savings repay its one-off cost
    case: Case
    forcing: str  # the price of forcing it in or out, in words ("" when not measured)
    options: tuple[OptionRow, ...]
    # From the appraisal, when the inventory uses it (None otherwise): the one-off cost before
    # optimism bias, the cash-only NPV, the exposure it avoids, the exposure the roadmap leaves.
    base_cost: float | None = None
    cash_npv: float | None = None
    exposure_avoided: float | None = None
    exposure_left: float | None = None


@dataclass
class Board:
    paper: Paper
    years: Years
    phasing: list[Phasing] = field(default_factory=list)  # money, per item
    people: list[Phasing] = field(default_factory=list)  # other resources, per item
    cases: dict[str, BusinessCase] = field(default_factory=dict)
    evidence: BoardEvidence | None = None
    # Whether one-off money carries optimism bias (appraisal.optimism_bias), so every
    # renderer can say so beside the figures.
    optimism_bias: bool = False

    @property
    def levers(self) -> tuple[Lever, ...]:
        return self.evidence.levers if self.evidence else ()

    def cash_by_year(self) -> list[tuple[str, float, float]]:
        """(year, one-off money spent, cashable savings) by financial year, undiscounted."""
        spend = [0.0] * len(self.years.labels)
        saved = [0.0] * len(self.years.labels)
        for p in self.phasing:
            for t, v in enumerate(p.by_period):
                spend[self.years.of_period[t]] += v
        for case in self.cases.values():
            for i, v in enumerate(case.cashable_by_year):
                saved[i] += v
        return [
            (label, round(spend[i], 2), round(saved[i], 2))
            for i, label in enumerate(self.years.labels)
        ]


def board_figures(
    inventory: Inventory,
    roadmap: Roadmap,
    paper: Paper,
    evidence: BoardEvidence | None = None,
    order: Sequence[str] = (),
    appraisal: AppraisalReport | None = None,
) -> Board:
    """The pack's figures for `roadmap`; `order` lists system ids as the reports list them."""
    years = years_of(inventory)
    board = Board(paper, years, evidence=evidence)
    board.optimism_bias = any(
        o.uplift.cost > 0 for s in inventory.estate.systems for o in s.options
    )
    if not roadmap.has_plan:
        return board
    _add_phasing(board, inventory, roadmap)
    binds = _binding_limits(evidence)
    cases = system_cases(inventory, roadmap, binds)
    ids = list(order) or [s.id for s in inventory.systems]
    # Enumerated and indexed once for every case: per system, they made the pack quadratic
    # in the estate (minutes at 5,000 systems).
    candidates = enumerate_candidates(inventory.estate, Appraisal.of(inventory))
    phasing: dict[str, list[Phasing]] = {}
    for p in board.phasing:
        phasing.setdefault(p.item, []).append(p)
    for system_id in ids:
        case = _case(inventory, roadmap, board, cases[system_id], candidates, phasing)
        board.cases[system_id] = _appraised(case, appraisal)
    return board


def _appraised(case: BusinessCase, report: AppraisalReport | None) -> BusinessCase:
    """The case with the appraisal's figures for its system, when there is an appraisal."""
    if report is None:
        return case
    decision = next((d for d in report.decisions if d.system == case.system), None)
    left = next((u.exposure for u in report.unsupported if u.system == case.system), None)
    if decision is None:
        return replace(case, exposure_left=left)
    return replace(
        case,
        base_cost=decision.base_cost if decision.biased else None,
        cash_npv=decision.value.cash,
        exposure_avoided=decision.value.unsupported_avoided or None,
        exposure_left=left,
    )


def _binding_limits(evidence: BoardEvidence | None) -> set[str]:
    """Limits a re-solve showed to bind, named as explain names them."""
    out: set[str] = set()
    for lv in evidence.levers if evidence else ():
        if not lv.binds:
            continue
        change = lv.change
        if change.family == "budget":
            continue  # its parts are levers of their own
        if change.resource is not None:
            out.add(f"{change.family}[{change.resource}]")
        else:
            out.add(change.family)
    return out


def _add_phasing(board: Board, inventory: Inventory, roadmap: Roadmap) -> None:
    estate = inventory.estate
    count = inventory.axis.count
    placement = placed(estate, Appraisal.of(inventory), roadmap)
    for c in placement.decisions:
        system = inventory.system(c.system)
        option = estate.system(c.system).option(c.option)
        _phase(
            board,
            inventory,
            c.system,
            system.name,
            system.department,
            option.draws,
            c.start,
            c.finish,
            count,
        )
    for b in placement.builds:
        platform = estate.platform(b.platform)
        title = inventory.platform(b.platform).title
        item = f"{PLATFORM}:{b.platform}"
        _phase(
            board,
            inventory,
            item,
            title,
            "Shared platforms",
            platform.draws,
            b.start,
            b.finish,
            count,
        )


def _phase(
    board: Board,
    inventory: Inventory,
    item: str,
    name: str,
    department: str,
    draws: Sequence[tuple[str, float]],
    start: int,
    finish: int,
    count: int,
) -> None:
    for resource, amount in draws:
        if resource not in inventory.resources:
            continue
        row = [0.0] * count
        for t in range(max(start, 0), min(finish, count - 1) + 1):
            row[t] = amount
        resolved = inventory.estate.resources[resource]
        phasing = Phasing(
            item,
            name,
            department,
            resource,
            inventory.resources[resource].unit,
            resolved.is_money,
            tuple(round(v, 2) for v in row),
        )
        (board.phasing if resolved.is_money else board.people).append(phasing)


# --- one system's case ----------------------------------------------------------------------


def _case(
    inventory: Inventory,
    roadmap: Roadmap,
    board: Board,
    case: Case,
    candidates: CandidateSet,
    phasing: dict[str, list[Phasing]],
) -> BusinessCase:
    system = inventory.system(case.system)
    decision = roadmap.decision(system.id)
    years = board.years
    cost = [0.0] * len(years.labels)
    for p in phasing.get(system.id, ()):
        for t, v in enumerate(p.by_period):
            cost[years.of_period[t]] += v
    cashable, other, savings = 0.0, 0.0, [0.0] * len(years.labels)
    removed = 0.0
    if decision is not None:
        option = system.option(decision.option)
        value = Appraisal.of(inventory).option(system.id, option.id)
        finish = inventory.axis.index(decision.finish)
        for flow in value.flows:
            if flow.source == "legacy risk removed":
                continue
            if flow.cashable:
                cashable += flow.annual
            else:
                other += flow.annual
        if value.fixed_npv is None:  # a stated NPV has no profile to phase
            _spread_savings(
                savings, years, finish + 1, cashable, value.shares, value.appraisal_periods
            )
        removed = option.risk_reduction * system.legacy_risk.points
    return BusinessCase(
        system=system.id,
        name=system.name,
        department=system.department,
        criticality=system.criticality,
        owner=system.owner,
        sro=system.sro,
        modernised=decision is not None,
        decision=_decision_text(decision.option, decision.kind, decision.start, decision.finish)
        if decision
        else "retained",
        npv=decision.npv if decision else None,
        one_off_cost=round(sum(cost), 2),
        cashable_annual=cashable,
        non_cashable_annual=other,
        risk_points=system.legacy_risk.points,
        risk_removed=round(removed, 4),
        end_of_support=system.end_of_support,
        unsupported=_unsupported(inventory, system, decision.finish if decision else None),
        cost_by_year=tuple(round(v, 2) for v in cost),
        cashable_by_year=tuple(round(v, 2) for v in savings),
        payback=_payback(years.labels, cost, savings),
        case=case,
        forcing=_forcing(inventory, board.evidence, system.id, decision is not None),
        options=options_considered(inventory, roadmap, system, candidates),
    )


def _decision_text(option: str, kind: str, start: str, finish: str) -> str:
    what = kind if option == kind else f"{kind} ({option})"
    return f"{what}, {start}" if start == finish else f"{what}, {start} – {finish}"


def _spread_savings(
    savings: list[float],
    years: Years,
    first: int,
    annual: float,
    shares: Sequence[float],
    periods: int,
) -> None:
    """`annual` from period `first` for the appraisal's `periods`, each period's part scaled
    by the appraisal's share (0 while old and new run side by side, then the ramp-up), as the
    appraisal's money by financial year phases it."""
    for k in range(periods):
        year = years.index(first + k)
        if year is None:
            break
        share = shares[k] if k < len(shares) else 1.0
        savings[year] += annual * share / years.per_year


def _payback(labels: Sequence[str], cost: Sequence[float], savings: Sequence[float]) -> str | None:
    spent = saved = 0.0
    for label, c, s in zip(labels, cost, savings, strict=True):
        spent += c
        saved += s
        if spent > 0 and saved >= spent - 0.005:
            return label
    return None


def _unsupported(inventory: Inventory, system: System, finish: str | None) -> str:
    """When the system runs past its end of support within the plan (empty if never)."""
    estate = inventory.estate
    eos = estate.system(system.id).end_of_support
    count = inventory.axis.count
    if eos is None or eos >= count - 1:
        return ""
    first = max(eos + 1, 0)
    label = inventory.axis.label
    if finish is None:
        return f"unsupported from {label(first)} to the end of the plan and beyond"
    last = inventory.axis.index(finish)
    if last < first:
        return ""
    until = label(last)
    return f"unsupported from {label(first)} until its change finishes in {until}"


def _forcing(
    inventory: Inventory, evidence: BoardEvidence | None, system_id: str, modernised: bool
) -> str:
    """The price of forcing the system in (retained) or out (modernised), in words."""
    currency = inventory.portfolio.currency
    forced: Forced | None = evidence.forced(system_id) if evidence else None
    if forced is None and evidence and evidence.risk and evidence.risk.system == system_id:
        within = [w for w in evidence.risk.ways if w.raised is None and w.price is not None]
        forced = within[0] if within else None
        if forced is None and evidence.risk.blocked:
            named = {s.id: s.name for s in inventory.systems}
            return (
                "It cannot be forced in within the rules (re-solved): "
                + with_names("; ".join(evidence.risk.blocked).rstrip("."), named)
                + "."
            )
    if forced is None:
        direction = "out" if modernised else "in"
        return (
            f"Price of forcing it {direction}: not measured (`plan --prices` or "
            f"`explain {system_id}` re-solve for it)."
        )
    who = inventory.system
    if forced.price is None:
        verb = "left out" if forced.direction == "out" else "added"
        return f"It cannot be {verb}: no roadmap that does so satisfies every rule."
    text = f"Forcing it {forced.direction} costs {money(forced.price, currency)} of NPV"
    if forced.direction == "in" and forced.decision is not None:
        d = forced.decision
        text += f" (as {d.option} from {d.start})"
    parts = []
    if forced.dropped:
        parts.append(f"drops {names(who(s).name for s in forced.dropped[:5])}")
    if forced.added:
        parts.append(f"brings in {names(who(s).name for s in forced.added[:5])}")
    return text + (f"; it {' and '.join(parts)}" if parts else "") + " (proven optima, re-solved)."

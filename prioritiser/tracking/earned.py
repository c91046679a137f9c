"""Earned value and benefits to date, exactly as DESIGN.md "Benefits tracking" defines them.

Money here is undiscounted cash in the portfolio's currency, summed over every money
resource (`Estate.money_resources`, `ResolvedOption.costs`):

- BAC = the baseline's one-off cost of the option;
- PV  = the baseline's cost planned up to and including as-of (drawn evenly over the
  option's periods in flight, so PV = BAC × planned periods to date ÷ duration);
- EV  = percent_complete (latest at or before as-of; `done` = 100) ÷ 100 × BAC;
- AC  = actual spend to date;
- SPI = EV ÷ PV, CPI = EV ÷ AC, EAC = BAC ÷ CPI — each null where its divisor is 0.

The portfolio's figures are the sums over the baseline's decisions, with SPI, CPI and EAC
computed from those sums (not averaged).

Benefits planned to date are the baseline option's yearly savings and benefits from the
period after its planned finish up to as-of, a `per_year`-th of the annual amount per
period, after dual running and ramp-up (the appraisal's flows, counted and shaped as it
counts them; legacy-risk value is not cash and is left out).
Realised benefits are what the actuals report: `realised_saving` lands, cashable, in the
owning department; `realised_benefits` in the department named, cashable or not as the
option's benefit to that department is (split pro rata when it plans both).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from prioritiser.economics import RISK, Appraisal, Flow
from prioritiser.inventory import Estate
from prioritiser.inventory.actuals import Actual, Actuals
from prioritiser.tracking.progress import Planned, Progress, progress_of


def ratio(numerator: float, divisor: float) -> float | None:
    """numerator ÷ divisor, or None where the divisor is 0 (the contract's null)."""
    return numerator / divisor if divisor else None


@dataclass(frozen=True)
class EarnedValue:
    """BAC, PV, EV and AC, and the indices derived from them."""

    bac: float = 0.0
    pv: float = 0.0
    ev: float = 0.0
    ac: float = 0.0

    @property
    def spi(self) -> float | None:
        return ratio(self.ev, self.pv)

    @property
    def cpi(self) -> float | None:
        return ratio(self.ev, self.ac)

    @property
    def eac(self) -> float | None:
        """BAC ÷ CPI (null while nothing has been earned or spent: CPI null or 0)."""
        cpi = self.cpi
        return self.bac / cpi if cpi else None

    def __add__(self, other: EarnedValue) -> EarnedValue:
        return EarnedValue(
            self.bac + other.bac, self.pv + other.pv, self.ev + other.ev, self.ac + other.ac
        )


def earned_value(planned: Planned, progress: Progress, as_of: int) -> EarnedValue:
    """The four figures of one baseline decision as of period `as_of`."""
    bac = planned.bac
    return EarnedValue(
        bac=bac,
        pv=bac * planned.planned_share(as_of),
        ev=progress.percent / 100.0 * bac,
        ac=progress.ac,
    )


def total(values: list[EarnedValue]) -> EarnedValue:
    out = EarnedValue()
    for value in values:
        out = out + value
    return out


@dataclass(frozen=True)
class SCurve:
    """Cumulative money per period: planned over the whole horizon, earned and actual to
    as-of (a period before the horizon has none)."""

    periods: tuple[str, ...]
    planned: tuple[float, ...]
    earned: tuple[float, ...]
    actual: tuple[float, ...]


def s_curve(estate: Estate, planned: list[Planned], actuals: Actuals, as_of: int) -> SCurve:
    """The portfolio S-curve of the baseline's decisions."""
    periods = range(estate.horizon)
    cumulative_pv = [sum(p.bac * p.planned_share(t) for p in planned) for t in periods]
    earned, actual = [], []
    for t in range(min(as_of + 1, estate.horizon)):
        values = [
            earned_value(p, progress_of(estate, p.id, _rows(actuals, p.id, t)), t) for p in planned
        ]
        earned.append(sum(v.ev for v in values))
        actual.append(sum(v.ac for v in values))
    return SCurve(tuple(estate.axis.labels), tuple(cumulative_pv), tuple(earned), tuple(actual))


def _rows(actuals: Actuals, system: str, period: int) -> tuple[Actual, ...]:
    return tuple(a for a in actuals.of(system) if a.index <= period)


# --- benefits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benefits:
    """Money that lands, to date: planned and realised, cashable and not."""

    cashable_planned: float = 0.0
    cashable_realised: float = 0.0
    non_cashable_planned: float = 0.0
    non_cashable_realised: float = 0.0

    @property
    def planned(self) -> float:
        return self.cashable_planned + self.non_cashable_planned

    @property
    def realised(self) -> float:
        return self.cashable_realised + self.non_cashable_realised

    def __add__(self, other: Benefits) -> Benefits:
        return Benefits(
            self.cashable_planned + other.cashable_planned,
            self.cashable_realised + other.cashable_realised,
            self.non_cashable_planned + other.non_cashable_planned,
            self.non_cashable_realised + other.non_cashable_realised,
        )


def planned_flows(estate: Estate, planned: Planned) -> list[Flow]:
    """The option's yearly money flows as the appraisal values them (its saving to the
    owner, then its benefits), without legacy-risk value."""
    value = Appraisal.of(estate.inventory).option(planned.id, planned.option.id)
    return [f for f in value.flows if f.source != RISK]


def benefits_by_department(
    estate: Estate, planned: Planned, progress: Progress, as_of: int
) -> dict[str, Benefits]:
    """Planned and realised benefits to date of one decision, by the department they land in."""
    per_year = estate.axis.per_year
    periods = max(0, as_of - planned.finish)  # benefits start the period after the finish
    # Dual running and ramp-up shape them as the appraisal does (appraisal.benefit_ramp).
    shares = Appraisal.of(estate.inventory).option(planned.id, planned.option.id).shares
    weight = sum(shares[k] if k < len(shares) else 1.0 for k in range(periods))
    out: dict[str, Benefits] = defaultdict(Benefits)
    flows = planned_flows(estate, planned)
    for flow in flows:
        department, annual, cashable = flow.department, flow.annual, flow.cashable
        amount = annual / per_year * weight
        out[department] += Benefits(
            cashable_planned=amount if cashable else 0.0,
            non_cashable_planned=0.0 if cashable else amount,
        )
    owner = planned.system.department
    out[owner] += Benefits(cashable_realised=progress.realised_saving)
    for department, amount in progress.realised_benefits.items():
        share = _cashable_share(flows, department)
        out[department] += Benefits(
            cashable_realised=amount * share, non_cashable_realised=amount * (1 - share)
        )
    return {d: b for d, b in sorted(out.items()) if b != Benefits()}


def _cashable_share(flows: list[Flow], department: str) -> float:
    """The cashable share of what the option plans to land in `department` (its
    `benefits:` only; the owner's saving is `realised_saving`)."""
    mine = [f for f in flows if f.source == "benefit" and f.department == department]
    whole = sum(abs(f.annual) for f in mine)
    if not whole:
        return 0.0
    return sum(abs(f.annual) for f in mine if f.cashable) / whole


__all__ = [
    "Benefits",
    "EarnedValue",
    "SCurve",
    "benefits_by_department",
    "earned_value",
    "planned_flows",
    "ratio",
    "s_curve",
    "total",
]

"""Red, amber or green per system, and the rule that set it (docs/tracking.md).

The rules, in the order they are tried; a system takes the worst colour any rule gives it,
and `rag_rule` names the first rule that gave that colour:

1. **stopped** — red: the work was stopped; its benefits will not land.
2. **dropped** — red: not started, and the re-forecast leaves it out.
3. **deadline** — red: forecast to finish after `must_modernise_by`, or after the end of
   support of a system `risk.unsupported.forbid` forbids to run unsupported.
4. **horizon** — red: forecast to finish after the plan's last period.
5. **cost** — CPI below `tracking.cpi.red_below` is red, below `amber_below` amber.
6. **slip** — forecast finish later than the baseline's by `tracking.slip_periods.red_from`
   periods or more is red, by `amber_from` or more amber.
7. **schedule** — SPI below `tracking.spi.red_below` is red, below `amber_below` amber.
8. **benefits** — realised ÷ planned to date below `tracking.benefits.red_below` is red,
   below `amber_below` amber (only once benefits were planned).

Green otherwise, with the reason (`on track`, `done`, `not due to start until …`).
Thresholds live under `tracking:` in portfolio.yaml (`prioritiser.inventory.schema.Tracking`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from prioritiser.inventory.schema import RatioBands, Tracking
from prioritiser.wording import plural

Colour = Literal["green", "amber", "red"]
RANK: dict[Colour, int] = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class Rating:
    colour: Colour
    rule: str  # the rule's name (stopped, dropped, deadline, horizon, cost, slip, schedule, ...)
    text: str  # why, in words, with the figures and the threshold

    @property
    def rendered(self) -> str:
        return f"{self.rule}: {self.text}"


@dataclass(frozen=True)
class Facts:
    """What the RAG rules look at for one system."""

    status: str  # not_started, in_flight, done, stopped
    cpi: float | None
    spi: float | None
    slip: int | None  # forecast finish − baseline finish, in periods (None: no forecast finish)
    dropped: bool  # not started and left out of the re-forecast
    deadline_missed: str | None  # "2029-Q1 after 2028-Q4"
    beyond_horizon: bool
    benefits_planned: float
    benefits_realised: float
    due: str  # the baseline's start label
    started_due: bool  # the baseline planned it to start by as-of
    stopped_in: str = ""
    early_benefits: bool = False


def _bands(value: float | None, bands: RatioBands, rule: str, what: str) -> Rating | None:
    if value is None:
        return None
    if value < bands.red_below:
        return Rating("red", rule, f"{what} {value:.2f}, below {bands.red_below:g}")
    if value < bands.amber_below:
        return Rating("amber", rule, f"{what} {value:.2f}, below {bands.amber_below:g}")
    return None


def findings(facts: Facts, t: Tracking) -> Iterator[Rating]:
    """Every rule that gives the system amber or red, in rule order."""
    if facts.status == "stopped":
        yield Rating("red", "stopped", f"stopped in {facts.stopped_in}; its benefits will not land")
    if facts.dropped:
        yield Rating("red", "dropped", "not started, and the re-forecast leaves it out")
    if facts.deadline_missed:
        yield Rating("red", "deadline", f"forecast to finish in {facts.deadline_missed}")
    if facts.beyond_horizon:
        yield Rating("red", "horizon", "forecast to finish after the plan's last period")
    cost = _bands(facts.cpi, t.cpi, "cost", "CPI")
    if cost:
        yield cost
    if facts.slip is not None and facts.slip >= t.slip_periods.amber_from:
        colour: Colour = "red" if facts.slip >= t.slip_periods.red_from else "amber"
        limit = t.slip_periods.red_from if colour == "red" else t.slip_periods.amber_from
        yield Rating(colour, "slip", f"{plural(facts.slip, 'period')} late (limit {limit})")
    schedule = _bands(facts.spi, t.spi, "schedule", "SPI")
    if schedule:
        yield schedule
    if facts.benefits_planned > 0:
        share = facts.benefits_realised / facts.benefits_planned
        benefits = _bands(share, t.benefits, "benefits", "realised ÷ planned")
        if benefits:
            yield benefits


def rate(facts: Facts, t: Tracking) -> Rating:
    """The system's colour and the rule that set it."""
    worst: Rating | None = None
    for rating in findings(facts, t):
        if worst is None or RANK[rating.colour] > RANK[worst.colour]:
            worst = rating
    return worst or _green(facts)


def _green(facts: Facts) -> Rating:
    if facts.status == "done":
        return Rating("green", "done", "done within every threshold")
    if facts.status == "not_started" and not facts.started_due:
        return Rating("green", "not due", f"not due to start until {facts.due}")
    if facts.early_benefits:
        return Rating("green", "on track", "within every threshold; benefits landing early")
    return Rating("green", "on track", "within every threshold")


__all__ = ["RANK", "Colour", "Facts", "Rating", "findings", "rate"]

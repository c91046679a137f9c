"""How work that has started is forecast to end: its finish and its cost at completion.

For work reported `in_flight` at as-of, after E periods (from its first reported period to
as-of) at p % complete:

- **Remaining periods** R = E × (100 − p) ÷ p, rounded to the nearest whole period and at
  least 1: the work carries on at the rate of progress it has shown. At p = 0 there is no
  rate to go by, and R is the option's planned duration (the whole job still to do).
  An overrun therefore keeps its overrun: a project half done after twice its planned time
  needs as long again.
- **Cost at completion** per money resource r: AC_r + (BAC_r − EV_r) ÷ CPI — the remaining
  work at the cost rate shown so far, which over all resources is EAC = BAC ÷ CPI. While CPI
  is null or 0 (nothing spent, or nothing earned yet), the remaining work is costed at the
  baseline's rate: AC_r + (BAC_r − EV_r).
- A finish beyond the plan's horizon is cut to its last period, with the cost of the
  remaining work scaled to the periods left (`beyond_horizon` says so).

With both figures from the same rates, spreading the cost evenly over the whole duration
(rule 3) draws, in every remaining period, what the work drew on average so far.

Work reported `done` finished in the period it was first reported done and cost what was
spent; work reported `stopped` is dropped (its spend is sunk).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from prioritiser.tracking.earned import EarnedValue
from prioritiser.tracking.progress import Planned, Progress


@dataclass(frozen=True)
class Forecast:
    """Started work as the re-forecast carries it: locked from `start`, in flight to `finish`."""

    system: str
    start: int
    finish: int
    costs: dict[str, float]  # one-off money at completion, per money resource
    remaining: int  # periods after as-of
    beyond_horizon: bool = False  # the forecast finish was cut to the horizon's end
    unbounded_finish: int | None = None  # the finish before the cut

    @property
    def duration(self) -> int:
        return self.finish - self.start + 1

    @property
    def cost(self) -> float:
        return sum(self.costs.values())


def remaining_periods(elapsed: int, percent: float, planned_duration: int) -> int:
    """R: periods still needed after `elapsed` periods at `percent` complete (see above)."""
    if percent <= 0:
        return planned_duration
    if percent >= 100:
        return 1  # reported in flight, so not done yet: it finishes next period
    exact = elapsed * (100.0 - percent) / percent
    return max(1, math.floor(exact + 0.5))  # half up, not Python's banker's rounding


def forecast_costs(planned: Planned, progress: Progress, value: EarnedValue) -> dict[str, float]:
    """Cost at completion per money resource (see above)."""
    cpi = value.cpi
    share = progress.percent / 100.0
    resources = sorted(set(planned.costs) | set(progress.spend))
    out = {}
    for r in resources:
        remaining = planned.costs.get(r, 0.0) * (1.0 - share)
        out[r] = progress.spend.get(r, 0.0) + (remaining / cpi if cpi else remaining)
    return out


def forecast_started(
    planned: Planned, progress: Progress, value: EarnedValue, as_of: int, last: int
) -> Forecast | None:
    """The forecast of started work (None for work not started or stopped).

    `last` is the horizon's last period index.
    """
    if progress.start is None or progress.status not in ("in_flight", "done"):
        return None
    if progress.status == "done" and progress.done is not None:
        costs = {r: v for r, v in progress.spend.items() if v}
        return Forecast(planned.id, progress.start, progress.done, costs, 0)
    elapsed = as_of - progress.start + 1
    remaining = remaining_periods(elapsed, progress.percent, planned.duration)
    costs = forecast_costs(planned, progress, value)
    finish = as_of + remaining
    if finish <= last:
        return Forecast(planned.id, progress.start, finish, costs, remaining)
    kept = max(0, last - as_of)
    scale = kept / remaining
    cut = {
        r: progress.spend.get(r, 0.0) + (v - progress.spend.get(r, 0.0)) * scale
        for r, v in costs.items()
    }
    return Forecast(planned.id, progress.start, as_of + kept, cut, kept, True, finish)


__all__ = ["Forecast", "forecast_costs", "forecast_started", "remaining_periods"]

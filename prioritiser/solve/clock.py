"""What a staged search keeps track of: the best roadmap and bound, and the time left.

The time left is wall-clock time, or — under `--deterministic` — reference seconds of
work (`prioritiser.solve.work`): every solver run is charged the iterations it did, and
nothing reads the clock, so a limited run makes the same decisions on any machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from prioritiser.solve import work
from prioritiser.solve.result import Limits, Stage


@dataclass
class Best:
    """The best roadmap so far (as column values) and the best bound, in money."""

    columns: np.ndarray | None = None
    objective: float = -np.inf
    bound: float = np.inf
    log: list[Stage] = field(default_factory=list)

    def offer(self, columns: np.ndarray | None, objective: float, source: str) -> bool:
        if columns is None or objective <= self.objective:
            return False
        self.columns, self.objective = columns, objective
        self.log.append(Stage(source, "improved", detail=f"{objective:,.0f}"))
        return True

    def gap(self) -> float:
        if self.columns is None or not np.isfinite(self.bound):
            return np.inf
        return max(0.0, self.bound - self.objective) / max(abs(self.objective), 1.0)

    def done(self, limits: Limits) -> bool:
        """Within the asked gap of the best bound."""
        return self.gap() <= limits.gap + 1e-12

    def target(self, limits: Limits) -> float | None:
        """The value a search may stop at: within the asked gap of the best bound."""
        return self.bound / (1.0 + limits.gap) if np.isfinite(self.bound) else None


class Clock:
    """Seconds left (None: no limit), the stop request, and the work done so far.

    The seconds are the wall clock's under a time limit, or reference seconds of work
    under a work limit (`limits.work_limit`): then every run is charged what it did.
    """

    def __init__(self, began: float, limits: Limits, nonzeros: int):
        self.by_work = limits.work_limit is not None
        self.limit = limits.work_limit if self.by_work else limits.time_limit
        self.deadline = None if self.limit is None else time.monotonic() + self.limit
        self.began = began
        self.limits = limits
        self.nonzeros = nonzeros
        self.spent = 0.0  # reference seconds of work charged

    @property
    def deterministic(self) -> bool:
        """Decisions depend on work done, never on the wall clock."""
        return self.by_work or self.limit is None

    def left(self) -> float | None:
        if self.limit is None:
            return None
        if self.by_work:
            return max(0.0, self.limit - self.spent)
        return max(0.0, (self.deadline or 0.0) - time.monotonic())

    def share(self, fraction: float) -> float | None:
        left = self.left()
        return None if left is None else left * fraction

    def out(self, needed: float = 0.5) -> bool:
        left = self.left()
        stopped = self.limits.stop is not None and self.limits.stop.is_set()
        return stopped or (left is not None and left < needed)

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def charge(self, simplex: int, ipm: int = 0, mip: bool = True) -> None:
        """Count a solver run's iterations (reference seconds of work)."""
        self.spent += work.seconds_of(simplex, ipm, self.nonzeros, mip)

    def charge_run(self, highs: Any, mip: bool) -> None:
        """Count what a finished `Highs` run did."""
        info = highs.getInfo()
        self.charge(int(info.simplex_iteration_count), int(info.ipm_iteration_count), mip)

    def limits_for(self, seconds: float | None, **changes: Any) -> Limits:
        """The limits of one run given `seconds` of the time left (wall or work)."""
        if self.by_work:
            return replace(self.limits, work_limit=seconds, **changes)
        return replace(self.limits, time_limit=seconds, **changes)

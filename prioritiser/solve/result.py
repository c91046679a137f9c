"""What a solve returns, in solver-independent terms: one status vocabulary, typed results.

`SolveStatus` (defined with the `Roadmap` it ends up in) is the one status vocabulary of
every back end and stage; its values are the `status` strings of `roadmap.json` (DESIGN.md).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from prioritiser.model.matrix import NONE
from prioritiser.roadmap import SolveStatus

__all__ = ["Limits", "Progress", "ProgressFn", "SolveResult", "SolveStatus", "Stage", "finite"]


@dataclass(frozen=True)
class Progress:
    """A progress report while solving (bound and incumbent when the solver reports them)."""

    elapsed: float
    incumbent: float | None = None
    bound: float | None = None
    phase: str = "solving"


ProgressFn = Callable[[Progress], None]


@dataclass
class Limits:
    """How long and how well to solve, and how to stop early.

    `time_limit` is wall-clock seconds; `work_limit` is reference seconds of work (the
    iterations or nodes a solver does in that many seconds on the reference machine, see
    `prioritiser.solve.work`), which stops a run at the same point on any machine.
    `deterministic` runs every solver on one thread (`--deterministic` also turns the time
    limit into a work limit).
    """

    time_limit: float | None = None
    gap: float = 0.005
    threads: int | None = None
    seed: int = 0
    stop: threading.Event | None = None
    options: dict[str, str | float | int | bool] = field(default_factory=dict)  # extra options
    work_limit: float | None = None
    deterministic: bool = False


@dataclass(frozen=True)
class Stage:
    """One step of a solve, for the record: what ran, how it ended, how long it took."""

    name: str
    status: str = ""
    seconds: float | None = None
    detail: str = ""


@dataclass
class SolveResult:
    """What the solver said, in solver-independent terms.

    `columns` holds a value per matrix column when there is a solution; `start` and `build`
    give the matrix column of every candidate and platform build, so a solution reads back
    as candidates without knowing how the matrix was ordered. `bound` is in money, on the
    model's own objective (with any adjustment of `prioritiser.model.adjust`).
    """

    status: SolveStatus
    columns: np.ndarray | None
    bound: float | None
    seconds: float
    version: str
    start: np.ndarray = field(default_factory=lambda: NONE)
    build: np.ndarray = field(default_factory=lambda: NONE)
    stages: list[Stage] = field(default_factory=list)
    note: str = ""
    iterations: int = 0  # LP iterations the solver did (HiGHS), for the work account

    @property
    def has_plan(self) -> bool:
        return self.status.has_plan and self.columns is not None


def finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)

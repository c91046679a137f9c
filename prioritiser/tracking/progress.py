"""The baseline's decisions and what the actuals say about each, as of a period.

`Planned` is one decision of the baseline roadmap resolved against the estate (period
indices, the resolved system and option, its one-off money per resource). `Progress` is the state of one system
at `--as-of`, read from its actuals rows up to then: the latest status, the latest
`percent_complete` (`done` = 100), when work started, finished or stopped, and the money
spent and benefits realised to date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prioritiser.inventory import Estate, ResolvedOption, ResolvedSystem
from prioritiser.inventory.actuals import STARTED, Actual, Actuals, Status
from prioritiser.roadmap import Decision, Roadmap


@dataclass(frozen=True)
class Planned:
    """A baseline decision: `option` of `system` in flight from `start` to `finish`."""

    decision: Decision
    system: ResolvedSystem
    option: ResolvedOption
    start: int
    finish: int

    @property
    def id(self) -> str:
        return self.system.id

    @property
    def name(self) -> str:
        return self.system.source.name

    @property
    def costs(self) -> dict[str, float]:
        """One-off money per money resource (BAC by resource)."""
        return dict(self.option.costs)

    @property
    def duration(self) -> int:
        return self.finish - self.start + 1

    @property
    def bac(self) -> float:
        return self.option.one_off_cost

    def planned_share(self, period: int) -> float:
        """Share of the option's periods in flight up to and including `period` (its cost is
        drawn evenly over them, DESIGN.md rule 3)."""
        done = min(max(period - self.start + 1, 0), self.duration)
        return done / self.duration


def planned_work(estate: Estate, baseline: Roadmap) -> list[Planned]:
    """Every decision of the baseline, in the baseline's order (ids already checked)."""
    out = []
    for decision in baseline.decisions:
        system = estate.system(decision.system)
        option = system.option(decision.option)
        start = estate.period(decision.start)
        finish = start + option.duration - 1  # the inventory's duration, as the checker reads it
        out.append(Planned(decision, system, option, start, finish))
    return out


@dataclass(frozen=True)
class Progress:
    """What the actuals say about one system at the as-of period."""

    system: str
    status: Status = "not_started"
    percent: float = 0.0  # 0–100; `done` is 100
    start: int | None = None  # first period reported in flight, done or stopped
    done: int | None = None  # the period reported done
    stopped: int | None = None  # the period reported stopped
    spend: dict[str, float] = field(default_factory=dict)  # to date, per money resource
    realised_saving: float = 0.0  # to date
    realised_benefits: dict[str, float] = field(default_factory=dict)  # to date, per department
    first_realised: int | None = None  # first period anything was realised
    last_reported: int | None = None

    @property
    def started(self) -> bool:
        return self.status in STARTED

    @property
    def ac(self) -> float:
        """Actual cost to date over every money resource."""
        return float(sum(self.spend.values()))


def progress_of(estate: Estate, system: str, rows: tuple[Actual, ...]) -> Progress:
    """Fold one system's rows (period order, up to as-of) into its `Progress`."""
    status: Status = "not_started"
    percent = 0.0
    start = done = stopped = first_realised = last = None
    spend = dict.fromkeys(estate.money_resources, 0.0)
    saving = 0.0
    benefits: dict[str, float] = {}
    for actual in rows:
        row = actual.row
        status, last = row.status, actual.index
        if row.percent_complete is not None:
            percent = row.percent_complete
        if row.status == "done":
            percent = 100.0
            done = actual.index if done is None else done
        if row.status == "stopped" and stopped is None:
            stopped = actual.index
        if actual.started and start is None:
            start = actual.index
        for resource, amount in row.spend.items():
            spend[resource] = spend.get(resource, 0.0) + amount
        saving += row.realised_saving
        for department, amount in row.realised_benefits.items():
            benefits[department] = benefits.get(department, 0.0) + amount
        if first_realised is None and (row.realised_saving or any(row.realised_benefits.values())):
            first_realised = actual.index
    return Progress(
        system,
        status,
        percent,
        start,
        done,
        stopped,
        spend,
        saving,
        dict(sorted(benefits.items())),
        first_realised,
        last,
    )


def progress_by_system(estate: Estate, actuals: Actuals) -> dict[str, Progress]:
    """`Progress` of every system with rows (the actuals already cut at as-of)."""
    return {s: progress_of(estate, s, actuals.of(s)) for s in actuals.systems}

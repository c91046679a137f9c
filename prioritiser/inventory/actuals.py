"""Actuals: what happened to each system, period by period (`actuals/*.yaml` or `*.csv`).

DESIGN.md "Benefits tracking". One row per system and period:

    actuals:
      - {system: hr-payroll-erp, period: 2027-Q2, status: in_flight, spend: {capex: 400000},
         percent_complete: 30}
      - {system: it-service-desk, period: 2027-Q2, status: done, realised_saving: 22000}

`spend` and `realised_*` are amounts *in that period* (cash, undiscounted, in the portfolio's
currency); `percent_complete` is the state at the end of the period. `spend: 400000` means
`spend: {capex: 400000}` (as `cost:` is spent on `capex`). `realised_benefits` maps a
department to what landed there of the option's `benefits:`. A CSV file has the same
columns, nested keys dotted: `system,period,status,spend.capex,percent_complete,
realised_saving,realised_benefits.HMRC,note`.

Files are read with the inventory's safe YAML loader (and CSV cells are parsed as plain text
and numbers, nothing else), every problem is a `Problem` with file:line, and all of them are
found in one pass. What needs the baseline roadmap or `--as-of` is checked by `track`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError

from prioritiser.inventory.actuals_files import SECTION, gather
from prioritiser.inventory.estate import CAPEX, Inventory, SourceFile
from prioritiser.inventory.messages import did_you_mean, problems_from_validation
from prioritiser.inventory.periods import parse_period
from prioritiser.inventory.problems import InventoryError, Location, Problem
from prioritiser.inventory.raw import RawInventory
from prioritiser.inventory.schema import (
    Identifier,
    Money,
    PeriodLabel,
    SignedMoney,
    StrictModel,
)
from prioritiser.wording import plural

Status = Literal["not_started", "in_flight", "done", "stopped"]
STARTED: tuple[Status, ...] = ("in_flight", "done", "stopped")
FINAL: tuple[Status, ...] = ("done", "stopped")


def _spend_shorthand(value: object) -> object:
    # `spend: 400000` is one-off money on capex, as `cost: X` is (DESIGN.md rule 3).
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {CAPEX: value}
    return value


Spend = Annotated[dict[str, Money], BeforeValidator(_spend_shorthand)]


class ActualRow(StrictModel):
    """One system in one period, as reported."""

    system: Identifier
    period: PeriodLabel
    status: Status
    spend: Spend = Field(
        default_factory=dict,
        description="One-off money spent in the period per money resource (a number: capex).",
    )
    percent_complete: float | None = Field(
        None, ge=0, le=100, description="Share of the work done at the end of the period."
    )
    realised_saving: SignedMoney = Field(
        0.0, description="Cashable saving to the owning department that landed in the period."
    )
    realised_benefits: dict[str, SignedMoney] = Field(
        default_factory=dict,
        description="Per department, what landed in the period of the option's `benefits:`.",
    )
    note: str = ""


class ActualsFile(StrictModel):
    """The contents of an actuals/*.yaml file (its JSON Schema: `prioritiser schema`)."""

    actuals: list[ActualRow] = Field(default_factory=list)


@dataclass(frozen=True)
class Actual:
    """A validated row, with its period index on the plan's axis and where it was written."""

    row: ActualRow
    index: int
    location: Location

    @property
    def system(self) -> str:
        return self.row.system

    @property
    def started(self) -> bool:
        return self.row.status in STARTED

    @property
    def spent(self) -> float:
        return sum(self.row.spend.values())


@dataclass(frozen=True)
class Actuals:
    """Every row of `actuals/`, sorted by system then period."""

    rows: tuple[Actual, ...] = ()
    files: tuple[SourceFile, ...] = ()
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def of(self, system: str) -> tuple[Actual, ...]:
        """The rows of one system, in period order."""
        return tuple(a for a in self.rows if a.system == system)

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(sorted({a.system for a in self.rows}))

    def up_to(self, index: int) -> Actuals:
        """The rows of periods up to and including `index`."""
        return Actuals(tuple(a for a in self.rows if a.index <= index), self.files, self.warnings)

    @property
    def last_index(self) -> int | None:
        return max((a.index for a in self.rows), default=None)


# --- validating against the inventory ----------------------------------------------------------


def check_actuals(
    root: str | Path, inventory: Inventory, as_of: int | None = None, ignore_later: bool = False
) -> tuple[Actuals, list[Problem]]:
    """Read and validate `actuals/` against `inventory`, in one pass: the rows without a
    problem, and every problem found, sorted by file and line.

    With `as_of` (a period index), a row after it is an error — or, with `ignore_later`, left
    out (to look back at an earlier period on today's actuals).
    """
    root = Path(root)
    raw = gather(root)
    problems = list(raw.problems)
    valid: list[Actual] = []
    for position, item in enumerate(raw.data[SECTION]):
        path = (SECTION, position)
        if not isinstance(item, dict):
            problems.append(
                Problem("must be a mapping of fields", raw.location(path), raw.display(path))
            )
            continue
        try:
            row = ActualRow.model_validate(item)
        except ValidationError as exc:
            problems += problems_from_validation(exc, ActualRow, path, raw)
            continue
        found = list(_row_problems(inventory, row, path, raw))
        index = inventory.estate.period(row.period) if not found else 0
        if not found and as_of is not None and index > as_of:
            if ignore_later:
                continue
            found.append(
                Problem(
                    f"period {row.period} is after --as-of {inventory.axis.label(as_of)}; "
                    "report only periods up to as-of (or look back with --ignore-later-actuals)",
                    raw.location((*path, "period")),
                    raw.display((*path, "period")),
                )
            )
        problems += found
        if not found:
            valid.append(Actual(row, index, _where(raw, path)))
    valid.sort(key=lambda a: (a.system, a.index))
    problems += _history_problems(valid)
    problems.sort(key=Problem.sort_key)
    files = tuple(_source(root, path) for path in raw.files)
    warnings = tuple(p for p in problems if p.severity == "warning")
    return Actuals(tuple(valid), files, warnings), problems


def load_actuals(
    root: str | Path, inventory: Inventory, as_of: int | None = None, ignore_later: bool = False
) -> Actuals:
    """The validated actuals of the inventory at `root` (empty without an actuals/ folder);
    `InventoryError` (exit 3) with every problem when any row is wrong."""
    actuals, problems = check_actuals(root, inventory, as_of, ignore_later)
    if any(p.severity == "error" for p in problems):
        raise InventoryError(problems, f"{_count(problems)} in the actuals")
    return actuals


def _count(problems: list[Problem]) -> str:
    return plural(sum(1 for p in problems if p.severity == "error"), "problem")


def _where(raw: RawInventory, path: tuple[str | int, ...]) -> Location:
    return raw.location(path) or Location("actuals", 1)


def _source(root: Path, path: Path) -> SourceFile:
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    return SourceFile(rel, hashlib.sha256(path.read_bytes()).hexdigest())


def _row_problems(
    inventory: Inventory, row: ActualRow, path: tuple[str | int, ...], raw: RawInventory
) -> Iterator[Problem]:
    """What is wrong with one row given the inventory: ids, period, money, status."""

    def problem(message: str, key: str = "") -> Problem:
        at = (*path, key) if key else path
        return Problem(message, raw.location(at), raw.display(at))

    if not inventory.has_system(row.system):
        ids = [s.id for s in inventory.systems]
        yield problem(f"unknown system '{row.system}'{did_you_mean(row.system, ids)}", "system")
    else:
        departments = {
            b.department for o in inventory.system(row.system).options for b in o.benefits
        }
        for department in sorted(set(row.realised_benefits) - departments):
            planned = ", ".join(sorted(departments)) or "none"
            yield problem(
                f"no option of {row.system} plans a benefit to '{department}' (planned: "
                f"{planned}); a cashable saving to the owner is `realised_saving`",
                "realised_benefits",
            )
    yield from _period_problems(inventory, row, problem)
    money = inventory.estate.money_resources
    for resource in sorted(set(row.spend) - set(money)):
        if resource in inventory.resources:
            unit = inventory.resources[resource].unit or "units"
            why = f"'{resource}' is not money (it is counted in {unit})"
        else:
            why = f"unknown money resource '{resource}'{did_you_mean(resource, money)}"
        yield problem(f"{why}; spend is one-off money on {', '.join(money)}", "spend")
    yield from _status_problems(row, problem)


def _period_problems(
    inventory: Inventory, row: ActualRow, problem: Callable[[str, str], Problem]
) -> Iterator[Problem]:
    axis = inventory.axis
    label = row.period
    own = axis.start.granularity
    if parse_period(label).granularity is not own:
        example = axis.label(0)
        yield problem(
            f"period {label} is not a period of the plan ({own.name.lower()}s, like {example})",
            "period",
        )
        return
    index = inventory.estate.period(label)
    if index < 0:
        yield problem(f"period {label} is before the plan's first period {axis.label(0)}", "period")
    elif index >= axis.count:
        yield problem(
            f"period {label} is after the plan's last period {axis.label(axis.count - 1)}",
            "period",
        )


def _status_problems(row: ActualRow, problem: Callable[[str, str], Problem]) -> Iterator[Problem]:
    percent = row.percent_complete
    if row.status == "done" and percent is not None and percent != 100:
        yield problem(
            f"status done with percent_complete {percent:g}: done means 100 % complete "
            "(leave percent_complete out, or report the work in_flight)",
            "percent_complete",
        )
    if row.status != "not_started":
        return
    if percent:
        yield problem(
            f"status not_started with percent_complete {percent:g}: work that has progressed "
            "is in_flight",
            "percent_complete",
        )
    if any(v > 0 for v in row.spend.values()):
        yield problem("status not_started with spend: work that spends is in_flight", "spend")
    if row.realised_saving or any(row.realised_benefits.values()):
        yield problem(
            "status not_started with realised savings or benefits: nothing can land from work "
            "that has not started",
            "realised_saving" if row.realised_saving else "realised_benefits",
        )


def _history_problems(rows: Iterable[Actual]) -> Iterator[Problem]:
    """Across one system's rows: one row per period, and a history that only moves forward
    (nothing after `done` but `done`, after `stopped` but `stopped`, no going back to
    `not_started`); a falling percent_complete is a warning (work was re-scoped)."""
    previous: Actual | None = None
    started, percent = False, None
    for actual in rows:
        if previous is None or previous.system != actual.system:
            previous, started, percent = actual, actual.started, actual.row.percent_complete
            continue
        row, before = actual.row, previous.row
        where = actual.location
        if actual.index == previous.index:
            yield Problem(
                f"{row.system} has a second row for {row.period} (first at {previous.location}); "
                "one row per system and period",
                where,
                "period",
            )
            continue
        if before.status in FINAL and row.status != before.status:
            yield Problem(
                f"{row.system} is {before.status} in {before.period} but {row.status} in "
                f"{row.period}; after `{before.status}` report only `{before.status}`",
                where,
                "status",
            )
        elif started and row.status == "not_started":
            yield Problem(
                f"{row.system} started by {before.period} but is not_started in {row.period}",
                where,
                "status",
            )
        current = row.percent_complete
        if current is not None and percent is not None and current < percent:
            yield Problem(
                f"{row.system}: percent_complete falls from {percent:g} to {current:g} in "
                f"{row.period} (re-scoped?); earned value falls with it",
                where,
                "percent_complete",
                "warning",
            )
        started = started or actual.started
        percent = current if current is not None else percent
        previous = actual


__all__ = [
    "FINAL",
    "STARTED",
    "Actual",
    "ActualRow",
    "Actuals",
    "ActualsFile",
    "Status",
    "check_actuals",
    "load_actuals",
]

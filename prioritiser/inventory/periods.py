"""Period labels (YYYY-Qn, YYYY-MM, YYYY) and the ordered planning axis built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Literal

PERIOD_PATTERN = r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"  # ASCII digits only
_LABEL = re.compile(PERIOD_PATTERN)

Edge = Literal["first", "last"]


class Granularity(Enum):
    """How long one period is; the value is the number of periods per year."""

    YEAR = 1
    QUARTER = 4
    MONTH = 12

    @property
    def per_year(self) -> int:
        return self.value


@dataclass(frozen=True, order=True)
class Period:
    """One parsed period label: a year plus a sub-period number (1-based) at a granularity."""

    year: int
    sub: int
    granularity: Granularity

    @property
    def label(self) -> str:
        if self.granularity is Granularity.YEAR:
            return f"{self.year:04d}"
        if self.granularity is Granularity.QUARTER:
            return f"{self.year:04d}-Q{self.sub}"
        return f"{self.year:04d}-{self.sub:02d}"

    def ordinal(self) -> int:
        """Periods since year 0 at this period's own granularity."""
        return self.year * self.granularity.per_year + (self.sub - 1)


def is_period_label(value: object) -> bool:
    return isinstance(value, str) and bool(_LABEL.match(value))


def parse_period(value: str | int) -> Period:
    """Parse `2027-Q3`, `2027-07` or `2027` (an int from YAML is accepted for years)."""
    text = str(value).strip()
    if not _LABEL.match(text):
        raise ValueError(
            f"{value!r} is not a period label: use YYYY-Qn (quarter), YYYY-MM (month) or YYYY (year)"
        )
    year = int(text[:4])
    if len(text) == 4:
        return Period(year, 1, Granularity.YEAR)
    if text[5] == "Q":
        return Period(year, int(text[6]), Granularity.QUARTER)
    return Period(year, int(text[5:7]), Granularity.MONTH)


@dataclass(frozen=True)
class PeriodAxis:
    """The planning horizon: `count` consecutive periods from `start`, indexed 0..count-1."""

    start: Period
    count: int

    @property
    def granularity(self) -> Granularity:
        return self.start.granularity

    @property
    def per_year(self) -> int:
        return self.granularity.per_year

    @property
    def years_per_period(self) -> float:
        return 1.0 / self.per_year

    def period(self, index: int) -> Period:
        """The period at `index` (may lie outside the horizon)."""
        ordinal = self.start.ordinal() + index
        per_year = self.per_year
        return Period(ordinal // per_year, ordinal % per_year + 1, self.granularity)

    def label(self, index: int) -> str:
        return self.period(index).label

    @property
    def labels(self) -> list[str]:
        return [self.label(i) for i in range(self.count)]

    def index(self, value: str | int | Period, edge: Edge = "first") -> int:
        """Index of a label on this axis; may be negative or >= count when outside the horizon.

        A label of another granularity is converted: a coarser label (a year on a quarterly
        axis) means its first sub-period for `edge="first"` (earliest starts) and its last for
        `edge="last"` (deadlines); a finer label (a month on a quarterly axis) means the
        period that contains it.
        """
        period = value if isinstance(value, Period) else parse_period(value)
        own = self.per_year
        other = period.granularity.per_year
        if other == own:
            ordinal = period.ordinal()
        elif other < own:
            ratio = own // other
            ordinal = period.year * own + (period.sub - 1) * ratio
            if edge == "last":
                ordinal += ratio - 1
        else:
            ratio = other // own
            ordinal = period.year * own + (period.sub - 1) // ratio
        return ordinal - self.start.ordinal()

    def years_from_start(self, index: float) -> float:
        """Time in years from the start of the horizon to the start of period `index`."""
        return index / self.per_year

    def span_label(self, first: int, last: int) -> str:
        """`2027-Q3` or `2027-Q3–2028-Q1` for an inclusive index range."""
        if first == last:
            return self.label(first)
        return f"{self.label(first)}–{self.label(last)}"


def axis_from(start: str | int, periods: int) -> PeriodAxis:
    """The axis of a portfolio's `start` and `periods`."""
    return PeriodAxis(parse_period(start), periods)

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


# --- financial years -------------------------------------------------------------------------

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
FINANCIAL_YEAR_PATTERN = r"^[0-9]{4}(-[0-9]{2})?$"
_FINANCIAL_YEAR = re.compile(FINANCIAL_YEAR_PATTERN)


def first_month(period: Period) -> tuple[int, int]:
    """(year, month) of the first month of a period."""
    if period.granularity is Granularity.YEAR:
        return period.year, 1
    if period.granularity is Granularity.QUARTER:
        return period.year, 3 * (period.sub - 1) + 1
    return period.year, period.sub


def last_month(period: Period) -> tuple[int, int]:
    """(year, month) of the last month of a period."""
    year, month = first_month(period)
    return year, month + 12 // period.granularity.per_year - 1


def months_text(period: Period) -> str:
    """The calendar months a period covers: `April–June 2027`, `April 2027`, `January–December
    2027` (a quarter label is a calendar quarter whatever the financial year)."""
    year, first = first_month(period)
    _, last = last_month(period)
    if first == last:
        return f"{MONTHS[first - 1]} {year}"
    return f"{MONTHS[first - 1]}–{MONTHS[last - 1]} {year}"


def financial_year(period: Period, start_month: int) -> int:
    """The calendar year in which the financial year holding `period` starts.

    A period belongs to the financial year of its first month: with April starts, 2027-Q1
    (January–March 2027) is in the year that began in April 2026.
    """
    year, month = first_month(period)
    return year if month >= start_month else year - 1


def financial_year_label(year: int, start_month: int) -> str:
    """`2027-28` for the financial year starting in 2027 (`YYYY-YY`); with January starts
    the financial year is the calendar year and its label is `2027`."""
    if start_month == 1:
        return f"{year:04d}"
    return f"{year:04d}-{(year + 1) % 100:02d}"


def parse_financial_year(value: str | int, start_month: int) -> int:
    """The starting year of a financial-year label (`2027-28`, or `2027` with January starts).

    Raises ValueError, saying which label to write instead, for anything else.
    """
    text = str(value).strip()
    if not _FINANCIAL_YEAR.match(text):
        example = financial_year_label(2027, start_month)
        raise ValueError(f"{value!r} is not a financial year label like {example}")
    year = int(text[:4])
    expected = financial_year_label(year, start_month)
    if text != expected:
        if start_month == 1:
            why = "financial years start in January (financial_year_start 1), so label them YYYY"
        else:
            why = f"the financial year starting in {MONTHS[start_month - 1]} {year} is {expected}"
        raise ValueError(f"{text!r} is not a financial year label: {why}")
    return year


def straddles_financial_years(granularity: Granularity, start_month: int) -> bool:
    """Whether some period of this length spans two financial years (quarters with a start
    month other than January, April, July or October; years unless January)."""
    months = 12 // granularity.per_year
    return (start_month - 1) % months != 0

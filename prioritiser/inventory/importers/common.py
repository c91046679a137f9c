"""What every importer shares: the result type, and parsing of ids, money, periods, levels.

Parsers raise `ValueError` with a message meant for a user; importers turn that into a
located problem (file:line or file:row) and carry on.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from prioritiser.inventory.periods import is_period_label, parse_period
from prioritiser.inventory.problems import Location, Problem
from prioritiser.inventory.schema import CRITICALITIES, MAX_MONEY, System
from prioritiser.wording import CURRENCY_OF_SYMBOL

MAX_ID_LENGTH = 120

_CRITICALITY_WORDS = {
    "critical": "critical",
    "mission critical": "critical",
    "mission-critical": "critical",
    "business critical": "critical",
    "very high": "critical",
    "tier 0": "critical",
    "tier 1": "critical",
    "1": "critical",
    "p1": "critical",
    "high": "high",
    "tier 2": "high",
    "2": "high",
    "p2": "high",
    "medium": "medium",
    "moderate": "medium",
    "normal": "medium",
    "tier 3": "medium",
    "3": "medium",
    "p3": "medium",
    "low": "low",
    "minor": "low",
    "tier 4": "low",
    "4": "low",
    "p4": "low",
}
_MONEY_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
_MONEY = re.compile(r"^(?P<number>\d+(\.\d+)?)\s*(?P<suffix>k|m|mn|bn|b)?$")
_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})([ T].*)?$")
_UK_DATE = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$")


@dataclass(frozen=True)
class Mapped:
    """One system created by an import, and where it came from."""

    system: str
    source: Location
    what: str  # e.g. "Component", "Resource", "row"


@dataclass
class ImportResult:
    """What an importer read: systems (without options yet) and what it could not map.

    `skipped` holds located problems: things not imported (a row, an unresolvable
    reference) and values ignored (an unreadable run cost), each with its reason;
    `groups` holds, for each, the key under which repeated problems are shown once.
    """

    source: str
    systems: list[System] = field(default_factory=list)
    mapped: list[Mapped] = field(default_factory=list)
    dependencies: int = 0
    skipped: list[Problem] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    context: dict[str, int] = field(default_factory=dict)  # things read but not made systems
    notes: list[str] = field(default_factory=list)  # how the source was read (units, currency)
    filtered: int = 0  # rows left out by --where (or a profile's own filter)
    currency: str | None = None  # the currency the source's amounts are in, when it says

    def skip(
        self, message: str, location: Location | None, path: str = "", group: str | None = None
    ) -> None:
        """Record something not imported (or a value ignored), with its reason.

        Problems with the same `group` (default: the message) in one file are shown once,
        with a count and their rows.
        """
        self.skipped.append(Problem(message, location, path, "warning"))
        self.groups.append(group or message)

    def grouped(self, rows_shown: int = 6) -> list[str]:
        """The problems as lines, repeated ones once: `f.csv: 145 × msg (rows 23, 38, …)`."""
        return group_problems(self.skipped, self.groups, rows_shown)


def group_problems(problems: list[Problem], keys: list[str], rows_shown: int = 6) -> list[str]:
    """Render problems sorted by place; a key repeated in one file becomes one counted line."""
    buckets: dict[tuple[str, str], list[Problem]] = {}
    for problem, key in zip(problems, keys, strict=True):
        file = problem.location.file if problem.location else ""
        buckets.setdefault((file, key), []).append(problem)
    lines: list[tuple[tuple[str, int, str], str]] = []
    for (file, key), members in buckets.items():
        members.sort(key=Problem.sort_key)
        first = members[0]
        order = (file, first.location.line if first.location else 0, key)
        if len(members) == 1:
            lines.append((order, first.render()))
            continue
        places = [str(p.location.line) for p in members if p.location][:rows_shown]
        more = ", …" if len(members) > rows_shown else ""
        noun = "rows" if file.endswith((".csv", "]")) else "lines"
        where = f"{file}: " if file else ""
        lines.append(
            (order, f"{where}warning: {len(members)} × {key} ({noun} {', '.join(places)}{more})")
        )
    return [text for _, text in sorted(lines)]


_FORMULA = re.compile(r"^[=+\-@\t\r]+")


def neutral_text(text: str) -> tuple[str, bool]:
    """Text that no spreadsheet will run as a formula: leading `= + - @` (and tab, CR) are
    dropped, so an imported name can never become a formula in a workbook or CSV we write.
    Returns the text and whether anything was dropped."""
    cleaned = _FORMULA.sub("", text.strip()).strip()
    return cleaned, cleaned != text.strip()


def slugify(text: str) -> str:
    """An inventory id from any text: lower case ASCII letters, digits and single '-'."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_ID_LENGTH].rstrip("-")


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not yet in `taken` (and add it)."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate


# The symbols money is written with (`prioritiser.wording`, read back), and `US$`.
CURRENCY_SIGNS = {**CURRENCY_OF_SYMBOL, "us$": "USD"}
# ISO codes accepted next to an amount; a closed list, so that `tbc` is never a currency.
CURRENCY_CODES = (
    "GBP", "USD", "EUR", "CHF", "JPY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "INR",
    "ZAR", "SGD", "HKD", "PLN", "IEP",
)  # fmt: skip
_CODE = "|".join(c.lower() for c in CURRENCY_CODES)
_PREFIX = re.compile(rf"^(?P<code>{_CODE}|us\$|[£$€])\s*")
_SUFFIX = re.compile(rf"\s*(?P<code>{_CODE}|[£$€])$")


@dataclass(frozen=True)
class Amount:
    """An amount read from text: its value, the currency it named (if any), and whether it
    carried its own unit (`4.2m`, `350k`), which then wins over a unit in the column header."""

    value: float
    currency: str | None = None
    suffixed: bool = False


def parse_amount(value: object) -> Amount:
    """`4200000`, `4,200,000`, `£4.2m`, `$8.33`, `350k`, `USD 1.1bn` → an Amount (never negative)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount of money")
    currency: str | None = None
    suffixed = False
    if isinstance(value, int | float):
        amount = float(value)
    else:
        text = str(value).strip().lower()
        for pattern in (_PREFIX, _SUFFIX):
            match = pattern.search(text)
            if match:
                code = match["code"]
                currency = CURRENCY_SIGNS.get(code, code.upper())
                text = text[: match.start()] + text[match.end() :]
        text = text.replace(",", "").replace(" ", "").replace("_", "")
        match = _MONEY.match(text)
        if not match:
            raise ValueError(f"{value!r} is not an amount of money (e.g. 4200000, £4.2m, 350k)")
        suffixed = bool(match["suffix"])
        amount = float(match["number"]) * _MONEY_SUFFIX[match["suffix"] or ""]
    if amount != amount or amount < 0 or amount >= MAX_MONEY:
        raise ValueError(f"{value!r} is not a plausible amount of money")
    return Amount(amount, currency, suffixed)


def parse_money(value: object) -> float:
    """The value of `parse_amount` (the currency it names is not checked here)."""
    return parse_amount(value).value


def parse_criticality(value: object) -> str:
    """`critical`, `Tier 1`, `Mission critical`, `P2`, `Moderate`... → low|medium|high|critical."""
    text = re.sub(r"\s+", " ", str(value).strip().lower())
    text = re.sub(r"^(\d)\s*[-:.]\s*.*$", r"\1", text)  # "1 - Critical" -> "1"
    if text in _CRITICALITY_WORDS:
        return _CRITICALITY_WORDS[text]
    raise ValueError(
        f"criticality {value!r} is not recognised; use one of {', '.join(CRITICALITIES)}"
    )


def parse_period_text(value: object) -> str:
    """A period label from `2028-Q2`, `2028-06`, `2028`, `2028-06-30`, `30/06/2028`, a date.

    Full dates become the quarter that contains them.
    """
    if isinstance(value, dt.date):
        return f"{value.year:04d}-Q{(value.month - 1) // 3 + 1}"
    text = str(value).strip()
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    upper = text.upper()
    if is_period_label(upper):
        return upper
    for pattern in (_DATE, _UK_DATE):
        match = pattern.match(text)
        if match:
            try:
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
            return parse_period_text(day)
    raise ValueError(
        f"{value!r} is not a period or date (use YYYY-Qn, YYYY-MM, YYYY or a date like 2028-06-30)"
    )


def first_month(label: str) -> int:
    """Months since year 0 to the start of a period (`2028-Q2` → 2028 × 12 + 3): periods of
    different lengths compare by when they begin."""
    period = parse_period(label)
    return period.year * 12 + (period.sub - 1) * 12 // period.granularity.per_year

"""How a table import reads its cells: which column holds which field, which rows count,
which cells mean "not known", and how values and units are translated.

Everything here is parsed from the command line once into a frozen `TableOptions`; each
parser raises ValueError with a message meant for the user (a usage error).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from prioritiser.inventory.importers.tables import Table, TableError, column_letter
from prioritiser.inventory.importers.vocab import word
from prioritiser.inventory.messages import did_you_mean
from prioritiser.wording import CURRENCY_OF_SYMBOL

RISK_DIMENSIONS = ("security", "supportability", "skills", "data", "resilience")
SYSTEM_FIELDS = (
    "id", "name", "department", "criticality", "annual_run_cost", "end_of_support",
    "technology", "description", "must_modernise_by", "earliest_start", "owner", "lifecycle",
    "time_tag", "legacy_risk", *(f"legacy_risk.{d}" for d in RISK_DIMENSIONS),
    "functional_fit", "technical_fit", "currency", "depends_on",
)  # fmt: skip
DEPENDENCY_FIELDS = ("system", "depends_on", "kind", "constraint")
CONSTRAINTS = ("after", "requires", "together", "none")
MONEY_FIELDS = ("annual_run_cost",)
# Fields that hold one value: a cell with several (split on the separator) uses the first.
SINGLE_FIELDS = tuple(f for f in SYSTEM_FIELDS if f != "depends_on")
# Cells that mean "not known" wherever they appear (compared case-insensitively).
DEFAULT_NA = ("-", "–", "—", "n/a", "na", "#n/a", "tbc", "tbd", "?", "unknown", "null", "nil")
UNIT_WORDS = {
    "k": 1e3, "000": 1e3, "000s": 1e3, "000's": 1e3, "thousand": 1e3, "thousands": 1e3,
    "m": 1e6, "mn": 1e6, "mm": 1e6, "million": 1e6, "millions": 1e6,
    "bn": 1e9, "b": 1e9, "billion": 1e9, "billions": 1e9,
}  # fmt: skip
# "(£k)", "($M)", "($000s)", "(USD millions)", "($ in millions)", "in thousands of pounds".
_HEADER_UNIT = re.compile(
    r"(?:\(|\[|\bin\s+)\s*(?P<cur>[£$€]|usd|gbp|eur)?\s*(?:in\s+)?"
    r"(?P<unit>k|000s?|000's|thousands?|m|mn|mm|millions?|bn|b|billions?)\b\s*"
    r"(?:of\s+(?P<curword>pounds|dollars|euros))?",
    re.IGNORECASE,
)
_HEADER_CURRENCY = re.compile(r"(?P<cur>[£$€])|\b(?P<code>usd|gbp|eur)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Condition:
    """`--where COLUMN=VALUE` (or `COLUMN!=VALUE`): which rows to import."""

    column: str
    value: str
    negated: bool = False

    def __str__(self) -> str:
        return f"{self.column}{'!=' if self.negated else '='}{self.value}"


@dataclass(frozen=True)
class TableOptions:
    """Everything a table import is told on the command line (all optional)."""

    mapping: dict[str, str] = field(default_factory=dict)  # field -> column
    na: tuple[str, ...] = DEFAULT_NA
    where: tuple[Condition, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {word: value}
    scale: dict[str, float] = field(default_factory=dict)  # column or field -> factor
    relations: dict[str, str] = field(default_factory=dict)  # relation type -> constraint
    separator: str = ";"
    currency: str | None = None
    as_of: str | None = None  # the plan's first period: lifecycle phases current then


def parse_mappings(items: Sequence[str]) -> dict[str, str]:
    """`["id=sys_id", "name=Application Name"]` → {"id": "sys_id", ...}; ValueError if bad."""
    known = (*SYSTEM_FIELDS, *DEPENDENCY_FIELDS)
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, column = item.partition("=")
        name, column = name.strip().lower(), column.strip()
        if not sep or not name or not column:
            raise ValueError(f"--map {item!r}: use FIELD=COLUMN, e.g. --map id=sys_id")
        if name not in known:
            raise ValueError(
                f"--map {item!r}: unknown field '{name}'{did_you_mean(name, known)}; "
                f"fields are {', '.join(dict.fromkeys(known))}"
            )
        mapping[name] = column
    return mapping


def parse_conditions(items: Sequence[str]) -> tuple[Condition, ...]:
    """`["Status=Approved", "Agency!=Test"]` → conditions; ValueError if malformed."""
    out = []
    for item in items:
        negated = "!=" in item
        column, sep, value = item.partition("!=" if negated else "=")
        if not sep or not column.strip():
            raise ValueError(f"--where {item!r}: use 'COLUMN=VALUE' or 'COLUMN!=VALUE'")
        out.append(Condition(column.strip(), value.strip(), negated))
    return tuple(out)


def parse_value_maps(items: Sequence[str]) -> dict[str, dict[str, str]]:
    """`["lifecycle:Sunsetting=phase_out"]` → {"lifecycle": {"sunsetting": "phase_out"}}."""
    maps: dict[str, dict[str, str]] = {}
    for item in items:
        name, sep, rest = item.partition(":")
        source, eq, target = rest.partition("=")
        name = name.strip().lower()
        if not sep or not eq or not name or not source.strip():
            raise ValueError(
                f"--value {item!r}: use FIELD:FROM=TO, e.g. --value lifecycle:Sunsetting=phase_out"
            )
        if name not in SYSTEM_FIELDS:
            raise ValueError(
                f"--value {item!r}: unknown field '{name}'{did_you_mean(name, SYSTEM_FIELDS)}"
            )
        maps.setdefault(name, {})[word(source)] = target.strip()
    return maps


def parse_factor(text: str) -> float:
    """`1000000`, `1e6`, `m`, `k`, `millions` → a positive factor."""
    key = text.strip().lower()
    if key in UNIT_WORDS:
        return UNIT_WORDS[key]
    try:
        factor = float(key)
    except ValueError:
        raise ValueError(f"{text!r} is not a number or a unit (k, m, bn)") from None
    if not 0 < factor < 1e12:
        raise ValueError(f"{text!r} is not a sensible factor")
    return factor


def parse_scales(items: Sequence[str]) -> dict[str, float]:
    """`["Total IT Spending ($M)=1000000", "annual_run_cost=k"]` → {column or field: factor}."""
    scales: dict[str, float] = {}
    for item in items:
        column, sep, factor = item.rpartition("=")
        if not sep or not column.strip():
            raise ValueError(f"--scale {item!r}: use COLUMN=FACTOR, e.g. --scale 'Cost ($M)=1e6'")
        try:
            scales[column.strip()] = parse_factor(factor)
        except ValueError as exc:
            raise ValueError(f"--scale {item!r}: {exc}") from None
    return scales


def parse_relations(items: Sequence[str]) -> dict[str, str]:
    """`["Depends on::Used by=after", "Sends data to::Receives data from=none"]`."""
    relations: dict[str, str] = {}
    for item in items:
        kind, sep, constraint = item.rpartition("=")
        constraint = constraint.strip().lower()
        allowed = (*CONSTRAINTS, "skip")
        if not sep or not kind.strip() or constraint not in allowed:
            raise ValueError(
                f"--relation {item!r}: use TYPE=CONSTRAINT with a constraint of "
                f"{', '.join(allowed)}{did_you_mean(constraint, allowed)}"
            )
        relations[word(kind)] = constraint
    return relations


# --- columns ------------------------------------------------------------------------------


def normal(column: object) -> str:
    """`Annual Run Cost` → `annual_run_cost`: how headers and field names are compared."""
    return re.sub(r"[^a-z0-9]+", "_", str(column).strip().lower()).strip("_")


def find_column(table: Table, wanted: str) -> int | None:
    """The position of a column named `wanted` (exactly, loosely, or by its letter)."""
    columns = table.columns
    for i, column in enumerate(columns):
        if column.strip() == wanted.strip():
            return i
    for i, column in enumerate(columns):
        if normal(column) == normal(wanted):
            return i
    letters = wanted.strip().upper()
    if re.fullmatch(r"[A-Z]{1,3}", letters):
        for i in range(len(columns)):
            if column_letter(i) == letters:
                return i
    return None


def require_column(table: Table, wanted: str, purpose: str) -> int:
    """`find_column`, or a usage error that lists the columns found."""
    index = find_column(table, wanted)
    if index is None:
        columns = table.columns
        raise TableError(
            f"{table.shown}: no column '{wanted}' ({purpose}){did_you_mean(wanted, columns)}; "
            f"columns are: {', '.join(columns)}"
        )
    return index


def resolve_fields(
    table: Table,
    fields: Sequence[str],
    mapping: dict[str, str],
    candidates: dict[str, tuple[str, ...]] | None = None,
    shared: tuple[str, ...] = (),
    skip_own: tuple[str, ...] = (),
) -> dict[str, list[int]]:
    """Columns of each field present, in the order to try them row by row.

    A mapped column (`--map`) is the only one used for its field; otherwise the profile's
    candidate columns (e.g. ServiceNow's `life_cycle_stage_status`, then `install_status`)
    and the field's own name, each when the table has it. A `shared` field (one both the
    systems and the dependencies table may have, `depends_on`) is only used where its
    mapped column exists. A candidate ending in `*` matches every column it begins
    (`relApplicationToITComponent*`); a field in `skip_own` is not read from a column of its
    own name (LeanIX's `id` is a UUID, not an id to plan by).
    """
    found: dict[str, list[int]] = {}
    for name in fields:
        if name in mapping:
            if name in shared:
                index = find_column(table, mapping[name])
                if index is not None:
                    found[name] = [index]
                continue
            found[name] = [require_column(table, mapping[name], f"mapped to {name}")]
            continue
        positions: list[int] = []
        own = () if name in skip_own else (name,)
        for wanted in (*(candidates or {}).get(name, ()), *own):
            for index in _by_pattern(table, wanted):
                if index not in positions:
                    positions.append(index)
        if positions:
            found[name] = positions
    return found


def _by_pattern(table: Table, wanted: str) -> list[int]:
    """Columns named `wanted` (never by letter: field names are not column letters), or
    every column it begins when it ends in `*`."""
    if wanted.endswith("*"):
        prefix = normal(wanted[:-1])
        return [i for i, c in enumerate(table.columns) if normal(c).startswith(prefix)]
    for i, column in enumerate(table.columns):
        if column.strip() == wanted or normal(column) == normal(wanted):
            return [i]
    return []


@dataclass(frozen=True)
class HeaderUnit:
    """What a column header says about its amounts: `($M)` is millions of dollars."""

    factor: float = 1.0
    currency: str | None = None

    def describe(self) -> str:
        size = {1e3: "thousands", 1e6: "millions", 1e9: "billions"}.get(self.factor, "")
        money = f" of {self.currency}" if self.currency else ""
        return f"{size}{money}".strip() or (self.currency or "")


def header_unit(header: str) -> HeaderUnit:
    """The unit and currency a money column's header names, if any."""
    match = _HEADER_UNIT.search(header)
    currency = None
    factor = 1.0
    if match:
        factor = UNIT_WORDS.get(match["unit"].lower(), 1.0)
        if match["cur"]:
            currency = CURRENCY_OF_SYMBOL.get(match["cur"], match["cur"].upper())
        elif match["curword"]:
            currency = {"pounds": "GBP", "dollars": "USD", "euros": "EUR"}[match["curword"].lower()]
    if currency is None:
        sign = _HEADER_CURRENCY.search(header)
        if sign:
            currency = CURRENCY_OF_SYMBOL.get(
                sign["cur"] or "", (sign["code"] or "").upper() or None
            )
    return HeaderUnit(factor, currency)

"""What reading table rows leaves behind, and what is settled once every row is read:
the currency of the amounts, whether run costs look like units, legacy-risk scores."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from prioritiser.inventory.importers.columns import RISK_DIMENSIONS, TableOptions, normal
from prioritiser.inventory.importers.common import ImportResult
from prioritiser.inventory.problems import Location


@dataclass
class Link:
    """A dependency named in a cell or row, resolved once every system is known.

    `relation` is the type as the source names it (a column like `relToRequires`, or a
    ServiceNow type like `Depends on::Used by`); `constraint` is set when the source gives it.
    """

    system: str
    target: str
    kind: str
    relation: str
    location: Location
    constraint: str = ""


@dataclass
class MoneyCell:
    system: str
    value: float
    currency: str | None
    text: str
    location: Location


@dataclass
class Collected:
    """Rows read from every table, before dependencies and currency are settled."""

    rows: dict[str, tuple[dict[str, Any], Location]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    first_row: dict[str, Location] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    provides: dict[str, list[str]] = field(default_factory=dict)  # interface -> systems
    consumes: list[tuple[str, str, Location]] = field(default_factory=list)
    money: list[MoneyCell] = field(default_factory=list)
    scaled: bool = False


def parse_risk(text: str) -> dict[str, int]:
    """`4` (every dimension) or `security=5, skills=4` → scores 1..5 per dimension."""
    text = text.strip()
    if "=" not in text and ":" not in text:
        every = score(text)
        return dict.fromkeys(RISK_DIMENSIONS, every)
    scores: dict[str, int] = {}
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        name, _, value = part.replace(":", "=").partition("=")
        name = normal(name)
        if name not in RISK_DIMENSIONS:
            raise ValueError(
                f"{part.strip()!r}: a dimension is one of {', '.join(RISK_DIMENSIONS)}"
            )
        scores[name] = score(value)
    return scores


def score(text: str) -> int:
    """A 1..5 score (`4`, `4.0`)."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a score from 1 to 5") from None
    if value != int(value) or not 1 <= value <= 5:
        raise ValueError(f"{text!r} is not a score from 1 to 5")
    return int(value)


def settle_currency(collected: Collected, options: TableOptions, result: ImportResult) -> None:
    """Choose the currency (given, else the one the source names) and unset amounts in any
    other: a `$` amount is never silently read into a GBP portfolio."""
    named = Counter(m.currency for m in collected.money if m.currency)
    currency = options.currency
    if currency is None and named:
        currency = named.most_common(1)[0][0]
        result.notes.append(
            f"currency {currency}, as the source's amounts say "
            f"({named[currency]} of {sum(named.values())}); --currency to set it"
        )
    result.currency = currency
    for cell in collected.money:
        if cell.currency and currency and cell.currency != currency:
            fields, _ = collected.rows[cell.system]
            fields.pop("annual_run_cost", None)
            result.skip(
                f"annual_run_cost: {cell.text!r} is in {cell.currency}, the portfolio is in "
                f"{currency}; left unset (convert it, or import with --currency {cell.currency})",
                cell.location,
                group=f"annual_run_cost in {cell.currency}, not {currency}; left unset",
            )


def check_plausible(collected: Collected, result: ImportResult, shown: str) -> None:
    """Warn when run costs look like millions or thousands read as units (`$8.33` in a
    "($M)" column without the unit in its header)."""
    values = [m.value for m in collected.money if m.value > 0]
    if not values or collected.scaled:
        return
    if statistics.median(values) < 1000:
        result.skip(
            f"annual run costs look implausibly small (median {statistics.median(values):,.2f}, "
            f"largest {max(values):,.2f}): if the column is in thousands or millions, say so "
            "with --scale 'COLUMN=1000000' (or a unit in its header, e.g. 'Cost ($M)')",
            Location(shown, 1),
        )

"""How numbers, money, counts and lists read in every message and report.

The bottom layer: any stage may import it, it imports no stage. Money is formatted here and
only here (`money`), always with the currency it is in, so a figure never shows without
saying what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
MONEY_UNITS = frozenset(SYMBOLS)
# The other way round, for importers reading `£4.2m` or `$8.33` out of a spreadsheet cell.
CURRENCY_OF_SYMBOL = {symbol: code for code, symbol in SYMBOLS.items()}


def currency_symbol(currency: str) -> str:
    """`£` for GBP, `$` for USD, `€` for EUR (in any case); any other currency by its code
    and a space (`CHF `), so a figure never shows a currency the estate is not in."""
    return SYMBOLS.get(currency.upper(), f"{currency} ")


def money(value: float, currency: str = "GBP", decimals: int = 0) -> str:
    """£1.2m / £350k / -£40k style amounts (`decimals` for small amounts: £2.40).

    The one place money becomes text: every report, message, chart label and workbook
    format calls it (or `currency_symbol`) with the portfolio's currency.
    """
    sign = "-" if value < 0 else ""
    value = abs(value)
    symbol = currency_symbol(currency)
    if value >= 1e6:
        return f"{sign}{symbol}{value / 1e6:.1f}m"
    if value >= 1e3:
        return f"{sign}{symbol}{value / 1e3:.0f}k"
    return f"{sign}{symbol}{value:.{decimals}f}"


def millions(value: float, currency: str = "GBP", decimals: int = 1) -> str:
    """`£1.1m`, `£0.6m`, `-£0.2m`: money in millions at a fixed precision, for columns a
    reader compares (board tables, chart axes); `money` picks k or m for prose."""
    sign = "-" if round(value / 1e6, decimals) < 0 else ""
    return f"{sign}{currency_symbol(currency)}{abs(value) / 1e6:,.{decimals}f}m"


def is_money_unit(unit: str, currency: str) -> bool:
    """Whether a resource's unit is money (GBP, EUR, USD or the portfolio's currency)."""
    return unit.upper() in MONEY_UNITS | {currency.upper()}


def number(value: float) -> str:
    """10 / 2.5 / 0.33 — no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def quantity(amount: float, unit: str, currency: str, is_money: bool) -> str:
    """An amount in its unit: `£1.5m` for money, `10 FTE` otherwise."""
    if is_money:
        return money(amount, currency)
    return f"{number(amount)} {unit}".strip()


def form(count: int, one: str, many: str | None = None) -> str:
    """The word that agrees with `count`: `project`/`projects`, `is`/`are`, `waits`/`wait`."""
    return one if count == 1 else (many if many is not None else f"{one}s")


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 system`, `3 systems`, `1,200 dependencies` (pass `many` for irregular plurals)."""
    return f"{count:,} {form(count, one, many)}"


def with_names(text: str, named: Mapping[str, str]) -> str:
    """`text` with each id in `named` (a system's, say) replaced by its name, for messages
    worded with ids (the diagnosis's) shown to people. An id counts only as a whole word:
    not inside a longer id or a dotted setting name."""
    if not named:
        return text
    ids = "|".join(re.escape(i) for i in sorted(named, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])({ids})(?![\w-])")
    return pattern.sub(lambda m: named[m[1]], text)


def names(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    listed = list(items)
    if len(listed) <= 1:
        return "".join(listed)
    return f"{', '.join(listed[:-1])} and {listed[-1]}"


def runs_of(periods: Iterable[int]) -> list[list[int]]:
    """Consecutive runs of period indices: [[1, 2, 3], [6]]."""
    out: list[list[int]] = []
    for p in sorted(set(periods)):
        if out and p == out[-1][-1] + 1:
            out[-1].append(p)
        else:
            out.append([p])
    return out


class SpanLabels(Protocol):
    """Anything that names an inclusive range of period indices (a `PeriodAxis`)."""

    def span_label(self, first: int, last: int) -> str: ...


def spans(axis: SpanLabels, periods: Iterable[int]) -> str:
    """`2027-Q2–2027-Q3, 2028-Q1` for a set of period indices."""
    return ", ".join(axis.span_label(run[0], run[-1]) for run in runs_of(periods))

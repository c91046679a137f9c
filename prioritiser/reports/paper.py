"""The governance block of a board paper: date, version, status, security marking, owners.

From `portfolio.governance` in portfolio.yaml, with the command line's overrides on top
(`--date`, `--version-label`, `--status`, `--marking`), which manifest.json records so that
`report` rebuilds the same paper. The date is never read from the clock: identical runs give
identical bytes, and a paper without a date says "undated".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from prioritiser.inventory import Inventory

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class PaperOverrides:
    """What the command line sets over portfolio.yaml's `governance:` (None: keep it)."""

    date: str | None = None
    version: str | None = None
    status: str | None = None
    marking: str | None = None


@dataclass(frozen=True)
class Paper:
    """The governance of the paper, resolved."""

    date: str | None  # YYYY-MM-DD
    version: str
    status: str  # draft | for decision | approved
    marking: str
    owner: str
    sro: str

    @property
    def date_text(self) -> str:
        """`15 January 2027`, or `undated`."""
        if not self.date:
            return "undated"
        day = dt.date.fromisoformat(self.date)
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"

    @property
    def status_text(self) -> str:
        return self.status[0].upper() + self.status[1:]

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The block as (label, value) rows, for every renderer."""
        rows = [
            ("Status", self.status_text),
            ("Version", self.version or "—"),
            ("Date", self.date_text),
            ("Security marking", self.marking),
        ]
        if self.owner:
            rows.append(("Portfolio owner", self.owner))
        if self.sro:
            rows.append(("Senior responsible owner", self.sro))
        return rows


def paper_of(inventory: Inventory, overrides: PaperOverrides | None = None) -> Paper:
    """The inventory's governance with `overrides` applied."""
    g = inventory.portfolio.governance
    o = overrides or PaperOverrides()
    return Paper(
        date=o.date if o.date is not None else g.date,
        version=o.version if o.version is not None else g.version,
        status=o.status if o.status is not None else g.status,
        marking=o.marking if o.marking is not None else g.marking,
        owner=g.owner,
        sro=g.sro,
    )

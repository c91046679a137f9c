"""The checker's view of a roadmap: its decisions and set-ups resolved against the inventory
(`Plan`), the `Violation` every rule reports, and the few words and tolerances they share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from prioritiser.check import terms
from prioritiser.inventory import Inventory, Option, Platform, System
from prioritiser.inventory.periods import PeriodAxis

# Capacities are compared with a small relative tolerance: solvers and JSON rounding
# leave noise in the last digits, never a real overrun of a millionth.
RELATIVE_TOLERANCE = 1e-6
# `resource_use` in roadmap.json is rounded to the penny (see roadmap._rounded).
ROUNDING_TOLERANCE = 0.01


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, a readable sentence, and who and when it concerns."""

    rule: str
    message: str
    systems: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        """The rule number of DESIGN.md ("0" for format problems)."""
        return self.rule.split(" ", 1)[0]

    @property
    def name(self) -> str:
        """The rule's short name ("safe retirement")."""
        return self.rule.split(" ", 1)[-1]

    def render(self) -> str:
        """`rule 4 (after): payments starts ...`."""
        return f"rule {self.number} ({self.name}): {self.message}"


@dataclass(frozen=True)
class Placed:
    """A decision of the roadmap resolved against the inventory (period indices)."""

    system: System
    option: Option
    start: int
    finish: int  # start + duration - 1, from the inventory, whatever the roadmap says

    @property
    def retires(self) -> bool:
        return self.option.kind == "retire"

    def in_flight(self, period: int) -> bool:
        return self.start <= period <= self.finish


@dataclass(frozen=True)
class PlacedBuild:
    """A platform setup of the roadmap, in flight from `start` to `ready - 1`."""

    platform: Platform
    start: int
    ready: int

    def in_flight(self, period: int) -> bool:
        return self.start <= period < self.ready


@dataclass
class Plan:
    """The roadmap's decisions and builds, keyed for the rules (duplicates kept)."""

    inventory: Inventory
    decisions: dict[str, list[Placed]] = field(default_factory=lambda: defaultdict(list))
    builds: dict[str, list[PlacedBuild]] = field(default_factory=lambda: defaultdict(list))
    _labels: dict[int, str] = field(default_factory=dict, repr=False)
    _use: dict[int, dict[str, float]] = field(default_factory=dict, repr=False)

    @property
    def axis(self) -> PeriodAxis:
        return self.inventory.axis

    def label(self, period: int) -> str:
        """The label of a period index (cached: messages name periods thousands of times)."""
        label = self._labels.get(period)
        if label is None:
            label = self._labels[period] = self.axis.label(period)
        return label

    def use(self, option: Option) -> dict[str, float]:
        """Per-period resource use of an option in flight (rule 3), computed once per option."""
        key = id(option)
        if key not in self._use:
            self._use[key] = terms.draws(self.inventory, option)
        return self._use[key]

    def of(self, system_id: str) -> Placed | None:
        """The (first) decision for a system; rule 1 reports any second one."""
        placed = self.decisions.get(system_id)
        return placed[0] if placed else None

    def all_placed(self) -> Iterator[Placed]:
        for placed in self.decisions.values():
            yield from placed

    def all_builds(self) -> Iterator[PlacedBuild]:
        for builds in self.builds.values():
            yield from builds

    def horizon(self) -> range:
        return range(self.axis.count)


Rule = Callable[[Plan], list[Violation]]


def _over(used: float, capacity: float) -> bool:
    return used > capacity + RELATIVE_TOLERANCE * max(1.0, abs(capacity))


def _num(value: float) -> str:
    """1,200,000 or 2.5: thousands separated, no noise decimals."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _span(labels: tuple[str, ...] | list[str]) -> str:
    if not labels:
        return "no periods"
    if labels[0] == labels[-1]:
        return labels[0]
    return f"{labels[0]}–{labels[-1]}"

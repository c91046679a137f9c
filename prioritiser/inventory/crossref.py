"""Checks that span items: ids, references, windows and dependency cycles."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import networkx as nx

from prioritiser.inventory.crossref_appraisal import NOUN as _NOUN
from prioritiser.inventory.crossref_appraisal import AppraisalChecks
from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.periods import axis_from, parse_period
from prioritiser.inventory.problems import Problem, Severity
from prioritiser.inventory.raw import RawInventory
from prioritiser.inventory.resolved import DependencyConstraint
from prioritiser.inventory.schema import Platform, PortfolioFile, System
from prioritiser.inventory.yamlsafe import Path_

MAX_YEAR = 9999
# Letters of other scripts that look like Latin ones (the ones seen in spoofed names; the
# full Unicode TR39 table is not needed for a warning about a department typed twice).
_LOOK_ALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ı": "i", "ℓ": "l",
    }
)  # fmt: skip


def look_alike_key(name: str) -> str:
    """`DWP`, `dwp`, `DWР` (Cyrillic Р) and `Ｄｗｐ` all give the same key."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(text.translate(_LOOK_ALIKES).split())


T = TypeVar("T")


@dataclass(frozen=True)
class Located(Generic[T]):
    """A validated item and the path it came from in the raw inventory."""

    item: T
    path: Path_


class CrossChecker(AppraisalChecks):
    """Collects problems that need more than one item to see."""

    def __init__(
        self,
        raw: RawInventory,
        portfolio: PortfolioFile | None,
        platforms: list[Located[Platform]],
        systems: list[Located[System]],
        known_system_ids: set[str],
    ):
        self.raw = raw
        self.portfolio = portfolio
        self.platforms = platforms
        self.systems = systems
        # Ids of every system, even ones that failed validation, so one typo does not cascade.
        self.known_system_ids = known_system_ids
        self.problems: list[Problem] = []
        self.axis = (
            axis_from(portfolio.portfolio.start, portfolio.portfolio.periods)
            if portfolio is not None
            else None
        )

    def report(self, message: str, path: Path_, severity: Severity = "error") -> None:
        self.problems.append(
            Problem(message, self.raw.location(path), self.raw.display(path), severity)
        )

    def run(self) -> list[Problem]:
        # Ids and references are checked on the raw data, so that an item failing its own
        # validation (a bad duration, say) still has its references and id checked.
        self.check_unique_ids()
        self.check_horizon()
        self.check_resources()
        self.check_financial_years()
        self.check_objective()
        self.check_platforms()
        for index, item in enumerate(self.raw.data.get("systems", [])):
            if isinstance(item, dict):
                self.check_references(item, ("systems", index))
        for located in self.systems:
            self.check_windows(located.item, located.path)
            self.check_lifecycle(located.item, located.path)
        self.check_departments()
        self.check_cycles()
        return self.problems

    # --- ids ---------------------------------------------------------------------------

    def check_unique_ids(self) -> None:
        for section, what in (("systems", "system"), ("platforms", "platform")):
            self._unique(_ids(self.raw.data.get(section), (section,)), what)
            if section != "systems":
                continue
            for i, item in enumerate(self.raw.data.get(section, [])):
                if isinstance(item, dict):
                    options = _ids(item.get("options"), (section, i, "options"))
                    self._unique(options, f"option of {item.get('id')}")

    def _unique(self, items: Iterable[tuple[str, Path_]], what: str) -> None:
        first: dict[str, Path_] = {}
        for item_id, path in items:
            if item_id in first:
                where = self.raw.location(first[item_id])
                self.report(
                    f"duplicate {what} id '{item_id}' (first defined at {where}); "
                    "ids must be unique",
                    (*path, "id"),
                )
            else:
                first[item_id] = path

    def check_horizon(self) -> None:
        """Every period label of the horizon has a four-digit year."""
        if self.portfolio is None or self.axis is None:
            return
        last = self.axis.period(self.axis.count - 1)
        if last.year > MAX_YEAR:
            self.report(
                f"the horizon would end in {last.year}, after {MAX_YEAR}: period labels have "
                "four-digit years; start earlier or plan fewer periods",
                ("portfolio", "periods"),
            )

    def check_departments(self) -> None:
        """Department names that differ only in case or look-alike letters are almost
        certainly one department typed twice, which the per-department limit counts apart."""
        first: dict[str, tuple[str, Path_]] = {}
        warned: set[str] = set()
        for located in self.systems:
            system = located.item
            names = [(system.department, (*located.path, "department"))]
            for o, option in enumerate(system.options):
                for b, benefit in enumerate(option.benefits):
                    path = (*located.path, "options", o, "benefits", b, "department")
                    names.append((benefit.department, path))
            for name, path in names:
                key = look_alike_key(name)
                seen = first.setdefault(key, (name, path))
                if seen[0] != name and name not in warned:
                    warned.add(name)
                    self.report(
                        f"department '{name}' looks like '{seen[0]}' (first at "
                        f"{self.raw.location(seen[1])}) but is spelled differently; they "
                        "count as two departments (limits, who pays, who benefits)",
                        path,
                        "warning",
                    )

    # --- resources and platforms ---------------------------------------------------------

    def check_resources(self) -> None:
        if self.portfolio is None or self.axis is None:
            return
        axis = self.axis
        for name, resource in self.portfolio.resources.items():
            for label in resource.overrides:
                granularity = parse_period(label).granularity
                if granularity is not axis.granularity:
                    self.report(
                        f"override for {label} is a {_NOUN[granularity]} but the plan has one "
                        f"period a {_NOUN[axis.granularity]}: give one override per "
                        f"{_NOUN[axis.granularity]} ({axis.label(0)}, {axis.label(1)}, ...)",
                        ("resources", name, "overrides", label),
                    )
                    continue
                index = axis.index(label)
                if not 0 <= index < axis.count:
                    self.report(
                        f"override for {label} is outside the horizon "
                        f"{axis.span_label(0, axis.count - 1)} and has no effect",
                        ("resources", name, "overrides", label),
                        "warning",
                    )

    def _check_resource_names(self, use: object, path: Path_) -> None:
        if self.portfolio is None or not isinstance(use, dict):
            return
        known = self.portfolio.resources
        for name in use:
            if name not in known:
                self.report(
                    f"unknown resource '{name}'{did_you_mean(name, known)}; "
                    f"declare it under `resources:` in portfolio.yaml",
                    (*path, name),
                )

    def check_platforms(self) -> None:
        for index, item in enumerate(self.raw.data.get("platforms", [])):
            if isinstance(item, dict):
                self._check_resource_names(
                    item.get("resource_use"), ("platforms", index, "resource_use")
                )
        for located in self.platforms:
            if self.axis and located.item.setup_duration > self.axis.count:
                self.report(
                    f"setup_duration {located.item.setup_duration} is longer than the "
                    f"{self.axis.count}-period horizon",
                    (*located.path, "setup_duration"),
                )

    # --- systems -----------------------------------------------------------------------

    def check_references(self, system: dict[str, Any], path: Path_) -> None:
        """Resources, platforms and systems named by a (possibly invalid) raw system."""
        platform_ids = {
            p["id"]
            for p in self.raw.data.get("platforms", [])
            if isinstance(p, dict) and isinstance(p.get("id"), str)
        }
        options = system.get("options")
        for i, option in enumerate(options if isinstance(options, list) else []):
            if not isinstance(option, dict):
                continue
            opath = (*path, "options", i)
            self._check_resource_names(option.get("resource_use"), (*opath, "resource_use"))
            self._check_money_names(option.get("costs"), option.get("cost"), (*opath, "costs"))
            required = option.get("requires_platforms")
            for j, platform in enumerate(required if isinstance(required, list) else []):
                if isinstance(platform, str) and platform not in platform_ids:
                    self.report(
                        f"unknown platform '{platform}'{did_you_mean(platform, platform_ids)}; "
                        "declare it in platforms.yaml",
                        (*opath, "requires_platforms", j),
                    )
            duration = option.get("duration")
            if self.axis and isinstance(duration, int) and duration > self.axis.count:
                self.report(
                    f"duration {duration} is longer than the {self.axis.count}-period "
                    "horizon, so this option can never be chosen",
                    (*opath, "duration"),
                )
        depends = system.get("depends_on")
        for i, dep in enumerate(depends if isinstance(depends, list) else []):
            target = dep.get("system") if isinstance(dep, dict) else None
            if not isinstance(target, str):
                continue
            dpath = (*path, "depends_on", i, "system")
            if target == system.get("id"):
                self.report("a system cannot depend on itself", dpath)
            elif target not in self.known_system_ids:
                hint = did_you_mean(target, self.known_system_ids)
                self.report(f"unknown system '{target}'{hint}", dpath)

    def check_windows(self, system: System, path: Path_) -> None:
        axis = self.axis
        if axis is None:
            return
        self.check_support(system, path)
        for index, option in enumerate(system.options):
            adjusted = self.duration(option)
            if option.duration <= axis.count < adjusted:
                self.report(
                    f"with its optimism bias this option takes {self._durations(option)}, "
                    f"longer than the {axis.count}-period horizon, so it can never be chosen",
                    (*path, "options", index, "duration"),
                )
        horizon = f"{axis.label(0)}–{axis.label(axis.count - 1)}"
        earliest = max(0, axis.index(system.earliest_start)) if system.earliest_start else 0
        if system.earliest_start and axis.index(system.earliest_start) >= axis.count:
            self.report(
                f"earliest_start {system.earliest_start} is after the horizon ({horizon})",
                (*path, "earliest_start"),
                "warning",
            )
        if system.must_modernise_by is not None:
            deadline = axis.index(system.must_modernise_by, "last")
            dpath = (*path, "must_modernise_by")
            if not system.options:
                self.report("has a deadline but no options to meet it; add an option", dpath)
            elif deadline < 0:
                self.report(
                    f"deadline {system.must_modernise_by} is before the horizon starts "
                    f"({axis.label(0)})",
                    dpath,
                )
            elif system.earliest_start and deadline < axis.index(system.earliest_start):
                self.report(
                    f"deadline {system.must_modernise_by} is before earliest_start "
                    f"{system.earliest_start}",
                    dpath,
                )
            else:
                last = min(deadline, axis.count - 1)
                shortest = min(system.options, key=self.duration)
                if earliest + self.duration(shortest) - 1 > last:
                    self.report(
                        f"cannot be met: the shortest option takes {self._durations(shortest)} "
                        f"but only {max(0, last - earliest + 1)} are available from "
                        f"{axis.label(earliest)} to {axis.label(last)}",
                        dpath,
                    )
        if system.locked is not None:
            self.check_lock(system, path, earliest)

    def check_lifecycle(self, system: System, path: Path_) -> None:
        """A decommissioned (end_of_life) system can only be switched off, never modernised."""
        if system.lifecycle != "end_of_life":
            return
        for index, option in enumerate(system.options):
            if option.kind != "retire":
                self.report(
                    f"option '{option.id}' ({option.kind}) modernises a system whose lifecycle "
                    "is end_of_life (decommissioned); only a retire option is allowed",
                    (*path, "options", index, "kind"),
                )

    def check_lock(self, system: System, path: Path_, earliest: int) -> None:
        axis = self.axis
        assert axis is not None and system.locked is not None
        lock = system.locked
        lpath = (*path, "locked")
        options = {o.id: o for o in system.options}
        if lock.option not in options:
            self.report(
                f"locked option '{lock.option}' is not one of this system's options"
                f"{did_you_mean(lock.option, options)}",
                (*lpath, "option"),
            )
            return
        start = axis.index(lock.start)
        finish = start + self.duration(options[lock.option]) - 1
        if not 0 <= start < axis.count:
            self.report(f"locked start {lock.start} is outside the horizon", (*lpath, "start"))
        elif finish >= axis.count:
            self.report(
                f"locked option runs to {axis.label(finish)}, past the end of the horizon "
                f"({axis.label(axis.count - 1)})",
                (*lpath, "start"),
            )
        elif start < earliest:
            self.report(
                f"locked start {lock.start} is before earliest_start {system.earliest_start}",
                (*lpath, "start"),
            )
        if system.must_modernise_by is not None:
            deadline = axis.index(system.must_modernise_by, "last")
            if finish > deadline:
                self.report(
                    f"locked option finishes in {axis.label(finish)}, after the deadline "
                    f"{system.must_modernise_by}",
                    (*lpath, "start"),
                )
        unsupported = self.portfolio.risk.unsupported if self.portfolio is not None else None
        if (
            unsupported is not None
            and system.criticality in unsupported.forbid
            and system.end_of_support is not None
        ):
            eos = axis.index(system.end_of_support, "last")
            if 0 <= eos < finish:
                self.report(
                    f"locked option finishes in {axis.label(finish)}, after its end of support "
                    f"{system.end_of_support}, and {system.criticality} systems may not run "
                    "unsupported (risk.unsupported.forbid)",
                    (*lpath, "start"),
                )

    # --- dependency cycles ---------------------------------------------------------------

    def check_cycles(self) -> None:
        graph: nx.DiGraph[str] = nx.DiGraph()
        where: dict[str, Path_] = {}
        for located in self.systems:
            where.setdefault(located.item.id, located.path)
            for dep in located.item.depends_on:
                if DependencyConstraint(dep.constraint).orders and dep.system != located.item.id:
                    graph.add_edge(located.item.id, dep.system)
        for component in sorted(
            sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1
        ):
            # One actual cycle through the first member, following the depends_on links.
            edges = nx.find_cycle(graph.subgraph(component), source=component[0])
            members = " → ".join([*(u for u, _ in edges), edges[0][0]])
            among = "" if len(edges) == len(component) else f" (among {', '.join(component)})"
            self.report(
                f"dependency cycle of after/requires constraints: {members}{among}; these "
                "systems cannot all be modernised in order — make one link `together` (move "
                "them as a group) or `none`",
                (*where.get(component[0], ()), "depends_on"),
                "warning",
            )


def _ids(items: object, base: Path_) -> list[tuple[str, Path_]]:
    """(id, path) of every mapping in a raw list that has a text id."""
    if not isinstance(items, list):
        return []
    return [
        (item["id"], (*base, i))
        for i, item in enumerate(items)
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]

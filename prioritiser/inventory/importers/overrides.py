"""Corrections that survive re-import: `overrides/*.yaml` in the inventory, merged by id.

A generated inventory is rewritten by every `import --force`; what people know better than
the source lives in `INVENTORY/overrides/*.yaml` (files in name order) and is merged into
every import:

    exclude: [old-fax-gateway]            # systems left out of the inventory
    systems:
      payroll:                            # by id: fields replace the imported ones
        annual_run_cost: 450000
        lifecycle: phase_out
        options:                          # by option id: merged; null removes; an option
          replace: null                   #   with a `kind` is added
          retire: {kind: retire, duration: 1, cost: 20000}
        depends_on:                       # by the system depended on: merged; null removes
          ledger: {constraint: none}
    platforms: {cloud-landing-zone: {setup_cost: 500000}}
    resources: {capex: {per_period: 2000000}}   # portfolio, resources, risk, objective merge

A system's own fields (not `options` or `depends_on`) are applied before options are
templated, so a corrected lifecycle, criticality or run cost gives the options it implies;
`options` and `depends_on` apply to the templated system; portfolio sections apply last.
A field an override sets is no longer an estimate; an option an override adds is
appraised unless it says `estimated: true`. `options:` given as a list replaces them all.
Every entry that matched is reported; one that matches nothing is a warning, so a
correction whose system was renamed in the source is noticed, not silently lost.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.problems import Location, Problem, display_path
from prioritiser.inventory.schema import (
    ESTIMATED_FIELDS,
    Platform,
    PortfolioFile,
    Resource,
    System,
)
from prioritiser.inventory.writer import InventoryDraft
from prioritiser.inventory.yamlsafe import AliasBudget, LoadedYaml, Path_, load_yaml_file
from prioritiser.paths import outside, outside_message

FOLDER = "overrides"
SECTIONS = ("exclude", "systems", "platforms", "portfolio", "resources", "risk", "objective")
LATE = ("options", "depends_on")  # system keys applied after options are templated


@dataclass
class Entry:
    """One override of one item, and whether it matched anything in this import."""

    loaded: LoadedYaml
    path: Path_
    item: str
    patch: Any
    used: bool = False

    @property
    def location(self) -> Location:
        return self.loaded.location(self.path)


@dataclass
class Overrides:
    """Every override file of an inventory, applied in three steps, and what happened."""

    entries: dict[str, list[Entry]] = field(default_factory=dict)  # section -> entries
    files: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # parts that matched nothing
    applied: list[str] = field(default_factory=list)  # "file:line: payroll: fields"
    excluded: list[tuple[str, Location]] = field(default_factory=list)
    imported: set[str] = field(default_factory=set)  # ids the source had, before lifecycle

    def of(self, section: str) -> list[Entry]:
        return self.entries.get(section, [])

    # --- step 1: facts, before templating ----------------------------------------------

    def apply_facts(self, systems: list[System]) -> list[System]:
        """Exclusions, the systems' own fields, and systems added whole."""
        gone = {}
        for entry in self.of("exclude"):
            gone[entry.item] = entry
        out: list[System] = []
        known = {s.id for s in systems}
        self.imported = set(known)
        for system in systems:
            if system.id in gone:
                gone[system.id].used = True
                self.excluded.append((system.id, gone[system.id].location))
                self.applied.append(f"{gone[system.id].location}: {system.id}: excluded")
                continue
            out.append(self._facts(system))
        for entry in self.of("systems"):
            if entry.item not in known and isinstance(entry.patch, dict) and "name" in entry.patch:
                facts = {k: v for k, v in entry.patch.items() if k not in LATE}
                added = self._validate(System, {"id": entry.item, "options": [], **facts}, entry)
                if added is not None:
                    entry.used = True
                    out.append(added)
                    self.applied.append(f"{entry.location}: {entry.item}: added")
        return out

    def _facts(self, system: System) -> System:
        for entry in self.of("systems"):
            if entry.item != system.id or not isinstance(entry.patch, dict):
                continue
            facts = {k: v for k, v in entry.patch.items() if k not in LATE}
            if not facts:
                continue
            data = system.model_dump()
            data.update(copy.deepcopy(facts))
            given = facts.get("estimated")
            if given is None:
                data["estimated"] = [f for f in system.estimated if f not in facts]
            patched = self._validate(System, data, entry)
            if patched is not None:
                entry.used = True
                self.applied.append(f"{entry.location}: {system.id}: {', '.join(facts)}")
                system = patched
        return system

    # --- step 2: options and dependencies, after templating ----------------------------

    def apply_links(self, systems: list[System]) -> list[System]:
        """Options and dependencies merged by id into the templated systems."""
        ids = {s.id for s in systems}
        for entry in self.of("systems"):
            links = isinstance(entry.patch, dict) and any(k in LATE for k in entry.patch)
            if links and entry.item not in ids and entry.item in self.imported:
                entry.used = True  # it matched: the lifecycle, not the override, left it out
                self.warnings.append(
                    Problem(
                        f"systems.{entry.item}: options and depends_on not applied: the system "
                        "is left out of this import (its lifecycle, or `exclude`)",
                        entry.location,
                        severity="warning",
                    )
                )
        out = []
        for system in systems:
            for entry in self.of("systems"):
                if entry.item != system.id or not isinstance(entry.patch, dict):
                    continue
                late = {k: v for k, v in entry.patch.items() if k in LATE}
                if not late:
                    entry.used = entry.used or entry.item in ids
                    continue
                data = system.model_dump()
                changes = []
                if "options" in late:
                    changes += self._merge_items(data, "options", "id", late["options"], entry)
                if "depends_on" in late:
                    changes += self._merge_items(
                        data, "depends_on", "system", late["depends_on"], entry
                    )
                patched = self._validate(System, data, entry)
                if patched is not None:
                    entry.used = True
                    self.applied.append(f"{entry.location}: {system.id}: {', '.join(changes)}")
                    system = patched
            self._check_decommissioned(system)
            out.append(system)
        return out

    def _merge_items(
        self, data: dict[str, Any], key: str, by: str, patch: Any, entry: Entry
    ) -> list[str]:
        if isinstance(patch, list):
            data[key] = copy.deepcopy(patch)
            return [f"{key} replaced"]
        if not isinstance(patch, dict):
            self._error(f"`{key}` must be a mapping by {by}, or a list", entry, (key,))
            return []
        items = data[key]
        index = {item[by]: i for i, item in enumerate(items)}
        changes = []
        for item_id, fields in patch.items():
            where = (key, item_id)
            if fields is None:
                if item_id in index:
                    items[index[item_id]] = None
                    changes.append(f"{key}.{item_id} removed")
                else:
                    self._unmatched(f"{key}.{item_id}: nothing to remove", entry, where)
                continue
            if not isinstance(fields, dict):
                self._error(f"{key}.{item_id}: must be a mapping of fields", entry, where)
                continue
            if item_id in index:
                items[index[item_id]].update(copy.deepcopy(fields))
                changes.append(f"{key}.{item_id}")
            elif key == "options" and "kind" not in fields:
                known = [str(i) for i in index]
                self._unmatched(
                    f"options.{item_id}: no such option{did_you_mean(str(item_id), known)} "
                    "(an option to add needs a `kind`)",
                    entry,
                    where,
                )
            else:
                items.append({by: item_id, **copy.deepcopy(fields)})
                index[item_id] = len(items) - 1
                changes.append(f"{key}.{item_id} added")
        data[key] = [item for item in items if item is not None]
        return changes

    def applied_lines(self) -> list[str]:
        """What each override did, in file and line order."""
        return sorted(self.applied, key=_place)

    def _check_decommissioned(self, system: System) -> None:
        if system.lifecycle != "end_of_life":
            return
        for entry in self.of("systems"):
            if entry.item == system.id and any(o.kind != "retire" for o in system.options):
                self._error(
                    f"'{system.id}' is decommissioned (lifecycle end_of_life): it may only be "
                    "retired, never modernised",
                    entry,
                    (),
                )

    # --- step 3: platforms and portfolio -------------------------------------------------

    # Complexity allowed: platforms by id, then one short branch per portfolio section, in file
    # order.
    def apply_portfolio(self, draft: InventoryDraft) -> InventoryDraft:  # noqa: C901, PLR0912
        """Platforms by id, and the portfolio, resources, risk and objective sections."""
        platforms = list(draft.platforms)
        by_id = {p.id: i for i, p in enumerate(platforms)}
        for entry in self.of("platforms"):
            if not isinstance(entry.patch, dict):
                self._error("must be a mapping of fields", entry, ())
                continue
            if entry.item in by_id:
                data = platforms[by_id[entry.item]].model_dump() | copy.deepcopy(entry.patch)
            elif "name" in entry.patch or "setup_cost" in entry.patch:
                data = {"id": entry.item, **copy.deepcopy(entry.patch)}
            else:
                continue  # reported as unmatched
            platform = self._validate(Platform, data, entry)
            if platform is not None:
                entry.used = True
                self.applied.append(f"{entry.location}: platform {entry.item}")
                if entry.item in by_id:
                    platforms[by_id[entry.item]] = platform
                else:
                    platforms.append(platform)
        portfolio = draft.portfolio
        data = portfolio.model_dump()
        changed = False
        for section in ("portfolio", "resources", "risk", "objective"):
            for entry in self.of(section):
                target = data[section]
                if section == "resources":
                    target.setdefault(entry.item, Resource().model_dump())
                    target = target[entry.item]
                if not isinstance(entry.patch, dict) and section == "resources":
                    self._error("must be a mapping of fields", entry, ())
                    continue
                if section == "resources":
                    target.update(copy.deepcopy(entry.patch))
                else:
                    target[entry.item] = copy.deepcopy(entry.patch)
                entry.used = changed = True
                self.applied.append(f"{entry.location}: {section}.{entry.item}")
        if changed:
            validated = self._validate(PortfolioFile, data, None)
            portfolio = validated if validated is not None else portfolio
        return InventoryDraft(portfolio, draft.systems, platforms, draft.header)

    # --- reporting ---------------------------------------------------------------------

    def unmatched(self) -> list[Problem]:
        """Entries that matched nothing in this import (warnings)."""
        out = []
        for section in ("exclude", "systems", "platforms"):
            for entry in self.of(section):
                if not entry.used:
                    what = "system" if section != "platforms" else "platform"
                    out.append(
                        Problem(
                            f"{section}.{entry.item}: matches no imported {what} (renamed or "
                            "gone from the source, or out of scope?); not applied",
                            entry.location,
                            severity="warning",
                        )
                    )
        return out + self.warnings

    def _unmatched(self, message: str, entry: Entry, where: Path_) -> None:
        self.warnings.append(
            Problem(
                f"systems.{entry.item}.{message}; not applied",
                entry.loaded.location((*entry.path, *where)),
                severity="warning",
            )
        )

    def _error(self, message: str, entry: Entry, where: Path_) -> None:
        self.errors.append(
            Problem(f"{entry.item}: {message}", entry.loaded.location((*entry.path, *where)))
        )

    def _validate(self, model: type[BaseModel], data: dict[str, Any], entry: Entry | None) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
                where = ".".join(str(p) for p in loc)
                location = entry.loaded.location((*entry.path, *loc)) if entry is not None else None
                name = entry.item if entry is not None else "portfolio"
                self.errors.append(Problem(f"{name}: {where}: {error['msg']}", location))
            return None


def _place(line: str) -> tuple[str, int, str]:
    """`file:12: …` sorts by file, then line number."""
    file, _, rest = line.partition(":")
    number, _, text = rest.partition(":")
    return (file, int(number) if number.isdigit() else 0, text)


def load_overrides(root: str | Path) -> Overrides:
    """Every `overrides/*.yaml` under the inventory folder `root` (none is fine).

    Read like the inventory's own files: one that links outside the inventory is refused
    (`prioritiser.paths`), and every file shares one alias-expansion budget.
    """
    folder = Path(root) / FOLDER
    overrides = Overrides()
    if not folder.is_dir():
        return overrides
    budget = AliasBudget()
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")):
        shown = display_path(path)
        overrides.files.append(shown)
        target = outside(Path(root), path)
        if target is not None:
            overrides.errors.append(Problem(outside_message(target), Location(shown, 1)))
            continue
        loaded = load_yaml_file(path, shown, budget)
        overrides.errors += loaded.problems
        if loaded.data is None:
            continue
        if not isinstance(loaded.data, dict):
            overrides.errors.append(
                Problem("an overrides file must be a mapping", Location(shown, 1))
            )
            continue
        _collect(loaded, overrides)
    return overrides


def _collect(loaded: LoadedYaml, overrides: Overrides) -> None:
    for section, value in loaded.data.items():
        if section not in SECTIONS:
            overrides.errors.append(
                Problem(
                    f"unknown key '{section}'{did_you_mean(str(section), SECTIONS)}; an overrides "
                    f"file has {', '.join(SECTIONS)}",
                    loaded.location((section,)),
                )
            )
            continue
        entries = overrides.entries.setdefault(section, [])
        if section == "exclude":
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                entries.append(Entry(loaded, (section, i), str(item), None))
        elif section in ("portfolio", "risk", "objective") or section == "resources":
            if not isinstance(value, dict):
                overrides.errors.append(
                    Problem(f"`{section}` must be a mapping", loaded.location((section,)))
                )
                continue
            for key, patch in value.items():
                entries.append(Entry(loaded, (section, key), str(key), patch))
        elif isinstance(value, dict):
            for item, patch in value.items():
                entries.append(Entry(loaded, (section, item), str(item), patch))
                if section == "systems" and isinstance(patch, dict):
                    _check_estimated(loaded, section, str(item), patch, overrides)
        else:
            overrides.errors.append(
                Problem(f"`{section}` must be a mapping by id", loaded.location((section,)))
            )


def _check_estimated(
    loaded: LoadedYaml, section: str, item: str, patch: dict[str, Any], overrides: Overrides
) -> None:
    for name in patch.get("estimated") or []:
        if name not in ESTIMATED_FIELDS:
            overrides.errors.append(
                Problem(
                    f"{item}: estimated: '{name}' is not one of {', '.join(ESTIMATED_FIELDS)}",
                    loaded.location((section, item, "estimated")),
                )
            )

"""Scenario overlays: patch the raw inventory by structure and id, keeping source lines.

An overlay follows the inventory's own structure. Mappings merge key by key; `systems`,
`platforms` and a system's `options` merge by id (as a mapping keyed by id, or a list of
items with `id`); any other list is replaced whole; `null` removes an optional key.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.problems import Location, Problem
from prioritiser.inventory.raw import PORTFOLIO_KEYS, RawInventory
from prioritiser.inventory.yamlsafe import LoadedYaml, Path_, load_yaml_file
from prioritiser.paths import lexically_inside

HEADER_KEYS = ("name", "description")
OVERLAY_KEYS = (*HEADER_KEYS, *PORTFOLIO_KEYS, "platforms", "systems")
BY_ID = {"systems", "platforms"}


def scenario_name(path: Path, loaded: LoadedYaml) -> str:
    data = loaded.data if isinstance(loaded.data, dict) else {}
    name = data.get("name")
    return str(name) if name else path.stem


# Complexity allowed: reading the file, then one branch per kind of top-level key (header, section,
# by id).
def apply_overlay(raw: RawInventory, path: Path, shown: str) -> str:  # noqa: PLR0912
    """Apply the overlay file at `path` to `raw` in place; returns the scenario's name.

    A scenario inside the inventory (`scenarios/*.yaml`) must not link outside it; one given
    from elsewhere on the command line is the user's explicit choice and is read as given.
    """
    if raw.root is not None and lexically_inside(raw.root, path):
        loaded = raw.read(path, shown)
    else:
        raw.files.append(path)
        loaded = load_yaml_file(path, shown, raw.budget)
    if loaded is None:
        return path.stem
    raw.problems.extend(loaded.problems)
    if loaded.data is None:
        return path.stem
    if not isinstance(loaded.data, dict):
        raw.problems.append(Problem("a scenario must be a mapping", Location(shown, 1)))
        return path.stem
    merger = _Merger(raw, loaded)
    for key, value in loaded.data.items():
        if key in HEADER_KEYS:
            if key == "name" and not isinstance(value, str):
                merger.problem("scenario name must be text", (key,))
            continue
        if key not in OVERLAY_KEYS:
            merger.problem(f"unknown key '{key}'{did_you_mean(key, OVERLAY_KEYS)}", (key,))
            continue
        if value is None and key in PORTFOLIO_KEYS:
            raw.data.pop(key, None)  # `null` removes an optional section, as anywhere else
        elif key in BY_ID:
            merger.merge_by_id(raw.data.setdefault(key, []), value, (key,), (key,))
        else:
            target = raw.data.get(key)
            if isinstance(target, dict) and isinstance(value, dict):
                merger.merge_mapping(target, value, (key,), (key,))
            else:
                raw.data[key] = copy.deepcopy(value)
                raw.adopt(loaded, (key,), (key,))
    return scenario_name(path, loaded)


class _Merger:
    def __init__(self, raw: RawInventory, loaded: LoadedYaml):
        self.raw = raw
        self.loaded = loaded

    def problem(self, message: str, source: Path_) -> None:
        self.raw.problems.append(Problem(message, self.loaded.location(source)))

    def merge_mapping(
        self, target: dict[str, Any], patch: dict[str, Any], source: Path_, dest: Path_
    ) -> None:
        for key, value in patch.items():
            if value is None:
                target.pop(key, None)
                continue
            if key == "options" and isinstance(target.get(key), list):
                self.merge_by_id(target[key], value, (*source, key), (*dest, key))
            elif isinstance(value, dict) and isinstance(target.get(key), dict):
                self.merge_mapping(target[key], value, (*source, key), (*dest, key))
            else:
                target[key] = copy.deepcopy(value)
                self.raw.adopt(self.loaded, (*source, key), (*dest, key))

    def merge_by_id(self, items: list[Any], patch: Any, source: Path_, dest: Path_) -> None:
        """Merge `patch` (mapping id -> fields, or list of items with `id`) into `items`."""
        if isinstance(patch, dict):
            entries = [(str(k), v, (*source, k)) for k, v in patch.items()]
        elif isinstance(patch, list):
            entries = []
            for i, entry in enumerate(patch):
                if isinstance(entry, dict) and "id" in entry:
                    entries.append((str(entry["id"]), entry, (*source, i)))
                else:
                    self.problem("each entry must be a mapping with an `id`", (*source, i))
        else:
            self.problem("must be a mapping keyed by id, or a list of items with `id`", source)
            return
        index = {
            item["id"]: i
            for i, item in enumerate(items)
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        }
        for item_id, fields, src in entries:
            if fields is None:
                self.problem(f"'{item_id}': removing items is not supported; patch fields", src)
                continue
            if not isinstance(fields, dict):
                self.problem(f"'{item_id}': must be a mapping of fields to change", src)
                continue
            if item_id in index:
                position = index[item_id]
                self.merge_mapping(items[position], fields, src, (*dest, position))
            elif "name" in fields or "kind" in fields:
                # A complete new item (a new system, platform or option) is added.
                position = len(items)
                items.append({"id": item_id, **copy.deepcopy(fields)})
                index[item_id] = position
                self.raw.adopt(self.loaded, src, (*dest, position))
                shown = f"{self.raw.display(dest)}[{item_id}]"
                self.raw.shown_as.setdefault((*dest, position), shown)
            else:
                known = [i for i in index if isinstance(i, str)]
                self.problem(
                    f"'{item_id}' is not in the inventory{did_you_mean(item_id, known)}; "
                    "to add a new item give all its required fields",
                    src,
                )

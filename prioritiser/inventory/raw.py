"""The inventory as plain data gathered from its files, with the source of every path.

Files are combined into one tree (`portfolio`, `resources`, ..., `platforms`, `systems`),
so validation and scenario overlays work on one structure while every problem can still
be traced to the file and line it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prioritiser.inventory.problems import Location, Problem
from prioritiser.inventory.yamlsafe import AliasBudget, LoadedYaml, Path_, load_yaml_file
from prioritiser.paths import outside, outside_message

PORTFOLIO_KEYS = (
    "portfolio",
    "resources",
    "risk",
    "objective",
    "uncertainty",
    "tracking",
    "appraisal",
)
LIST_SECTIONS = ("platforms", "systems")


@dataclass
class RawInventory:
    """Combined plain data plus, for each path, its source location and display prefix."""

    data: dict[str, Any] = field(default_factory=dict)
    locations: dict[Path_, Location] = field(default_factory=dict)
    # ("systems", 7) -> "systems[2]": items are shown with their index inside their own file.
    shown_as: dict[Path_, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    root: Path | None = None
    # One alias-expansion budget for the whole load: every file and every scenario.
    budget: AliasBudget = field(default_factory=AliasBudget)

    def read(self, path: Path, shown: str) -> LoadedYaml | None:
        """Load one file of the inventory, or refuse it (None) when it links outside the root.

        Every file we read goes through here (or `admit`, for a file that is not YAML), so a
        symlink to `/etc/passwd` or another estate never reaches a report or an error message.
        """
        if not self.admit(path, shown):
            return None
        return load_yaml_file(path, shown, self.budget)

    def admit(self, path: Path, shown: str) -> bool:
        """Record `path` as read from the inventory, or refuse it (False, with a problem at
        its first line) when it links outside the root."""
        if self.root is not None:
            target = outside(self.root, path)
            if target is not None:
                self.problems.append(Problem(outside_message(target), Location(shown, 1)))
                return False
        self.files.append(path)
        return True

    def location(self, path: Path_) -> Location | None:
        """Location of `path`, or of its nearest recorded ancestor."""
        while path:
            if path in self.locations:
                return self.locations[path]
            path = path[:-1]
        return self.locations.get(())

    def display(self, path: Path_) -> str:
        """`systems[2].options[0].duration`, with list indices local to their file."""
        for cut in range(len(path), 0, -1):
            prefix = self.shown_as.get(path[:cut])
            if prefix is not None:
                return prefix + format_path(path[cut:], leading_dot=True)
        return format_path(path)

    def adopt(self, loaded: LoadedYaml, source: Path_, target: Path_) -> None:
        """Record the locations of `loaded` paths under `source` as paths under `target`."""
        n = len(source)
        for path, line in loaded.lines.items():
            if path[:n] == source:
                self.locations[target + path[n:]] = Location(loaded.file, line)


def format_path(path: Path_, leading_dot: bool = False) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if (out or leading_dot) else str(part)
    return out


def gather(root: Path, shown_root: str) -> RawInventory:
    """Read portfolio.yaml, platforms.yaml and systems/*.yaml under `root` into one tree."""
    raw = RawInventory(root=root)
    raw.data = {"platforms": [], "systems": []}
    portfolio_path = root / "portfolio.yaml"
    if not portfolio_path.is_file():
        raw.problems.append(
            Problem(
                "no portfolio.yaml: an inventory folder needs portfolio.yaml and systems/*.yaml "
                "(run `prioritiser init DIR` for a starting point)",
                Location(f"{shown_root}/portfolio.yaml", 1),
            )
        )
    else:
        loaded = raw.read(portfolio_path, f"{shown_root}/portfolio.yaml")
        if loaded is not None:
            _add_portfolio(raw, loaded)
    platforms_path = root / "platforms.yaml"
    if platforms_path.is_file():
        loaded = raw.read(platforms_path, f"{shown_root}/platforms.yaml")
        if loaded is not None:
            _add_list(raw, loaded, "platforms")
    system_files = systems_files(root)
    if not system_files:
        raw.problems.append(
            Problem(
                "no systems/*.yaml files: put the estate's systems in systems/<name>.yaml",
                Location(f"{shown_root}/systems", 1),
                severity="warning",
            )
        )
    for path in system_files:
        loaded = raw.read(path, f"{shown_root}/{path.relative_to(root).as_posix()}")
        if loaded is not None:
            _add_list(raw, loaded, "systems")
    return raw


def systems_files(root: Path) -> list[Path]:
    """Every systems/**/*.yaml (or .yml) file under `root`, sorted."""
    folder = root / "systems"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def inventory_files(root: Path) -> list[Path]:
    """Every file `gather` reads from `root` (scenarios are read only when applied)."""
    own = [root / name for name in ("portfolio.yaml", "platforms.yaml") if (root / name).is_file()]
    return own + systems_files(root)


def _add_portfolio(raw: RawInventory, loaded: LoadedYaml) -> None:
    raw.problems.extend(loaded.problems)
    if loaded.data is None:
        if not loaded.problems:
            raw.problems.append(Problem("portfolio.yaml is empty", Location(loaded.file, 1)))
        return
    raw.locations[("portfolio.yaml",)] = Location(loaded.file, 1)
    if not isinstance(loaded.data, dict):
        raw.problems.append(
            Problem("must be a mapping with a `portfolio:` section", Location(loaded.file, 1))
        )
        return
    for key, value in loaded.data.items():
        if key in LIST_SECTIONS:
            home = "systems/*.yaml" if key == "systems" else "platforms.yaml"
            raw.problems.append(
                Problem(
                    f"`{key}:` belongs in {home}, not in portfolio.yaml",
                    loaded.location((key,)),
                    key,
                )
            )
            continue
        raw.data[key] = value  # unknown top-level keys are reported by the schema
        raw.adopt(loaded, (key,), (key,))


def _add_list(raw: RawInventory, loaded: LoadedYaml, section: str) -> None:
    raw.problems.extend(loaded.problems)
    if loaded.data is None:
        return
    top_line = Location(loaded.file, 1)
    if not isinstance(loaded.data, dict) or set(loaded.data) - {section}:
        extra = sorted(set(loaded.data) - {section}) if isinstance(loaded.data, dict) else []
        detail = f" (unknown top-level keys: {', '.join(extra)})" if extra else ""
        raw.problems.append(
            Problem(f"must be a mapping with one key `{section}:` holding a list{detail}", top_line)
        )
        if not isinstance(loaded.data, dict) or section not in loaded.data:
            return
    items = loaded.data.get(section)
    if items is None:
        return
    if not isinstance(items, list):
        raw.problems.append(
            Problem(f"`{section}:` must be a list", loaded.location((section,)), section)
        )
        return
    target = raw.data[section]
    offset = len(target)
    for local, item in enumerate(items):
        target.append(item)
        raw.shown_as[(section, offset + local)] = f"{section}[{local}]"
    # One pass over the file's lines (not one per item: estates have thousands of systems).
    for path, line in loaded.lines.items():
        if len(path) >= 2 and path[0] == section and isinstance(path[1], int):
            raw.locations[(section, offset + path[1], *path[2:])] = Location(loaded.file, line)

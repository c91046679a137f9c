"""Write an inventory folder as YAML: portfolio.yaml, platforms.yaml and systems/<dept>.yaml.

Output is deterministic (fixed key order, no timestamps, the same bytes for the same
draft), readable (small mappings in flow style, whole numbers without `.0`), and always
valid: the files are staged and checked with `check_inventory` before anything in the
target folder is touched, so a failed write never leaves a half-replaced inventory. An
existing inventory is never overwritten unless asked (`force`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from prioritiser.atomic import write_output_set
from prioritiser.errors import UsageError
from prioritiser.inventory.estate import Inventory
from prioritiser.inventory.load import check_inventory
from prioritiser.inventory.problems import InventoryError, Location, Problem, display_path
from prioritiser.inventory.schema import (
    Dependency,
    LegacyRisk,
    Option,
    Platform,
    PortfolioFile,
    System,
)
from prioritiser.wording import form


class InventoryExistsError(UsageError):
    """The target folder already holds an inventory and `force` was not given: exit 2."""


@dataclass(frozen=True)
class InventoryDraft:
    """Everything an inventory folder holds, as typed models, ready to be written."""

    portfolio: PortfolioFile
    systems: Sequence[System]
    platforms: Sequence[Platform] = ()
    header: str = "Written by prioritiser"


@dataclass(frozen=True)
class Written:
    """What `write_inventory` did: the files written and removed, and the checked inventory."""

    root: Path
    files: list[Path]
    removed: list[Path]
    inventory: Inventory
    warnings: list[Problem] = field(default_factory=list)


# --- YAML emitting -----------------------------------------------------------------------
# A small emitter for the plain data we write (mappings, lists, text, numbers, booleans):
# PyYAML's representer costs seconds on a 5,000-system estate, this costs a fraction, and
# its output is fixed by this code alone (not by which libyaml is installed).


class Flow(dict[str, Any]):
    """A small mapping written on one line: `{system: x, kind: data, constraint: after}`."""


class FlowList(list[Any]):
    """A short list written on one line: `[cloud-landing-zone]`."""


# Text that may stay plain: starts with a letter, digit or a few safe symbols, and holds no
# indicator that ends a plain scalar in block or flow context, and nothing unprintable.
_PLAIN = re.compile(
    r"^[A-Za-z0-9_(£$€][^:#,?\[\]{}\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]*"
)
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_resolver = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=65536)
def _text(value: str) -> str:
    """A string as a YAML scalar: plain when that reads back as the same string, else quoted."""
    if (
        _PLAIN.fullmatch(value)
        and not value.endswith(" ")
        and "  " not in value
        and _resolver.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text and "." not in text:  # YAML 1.1 floats need a dot: 1.0e-05
            text = text.replace("e", ".0e", 1)
        return text
    return _text(str(value))


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _block(data: dict[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        head = f"{pad}{_scalar(key)}:"
        if isinstance(value, Flow | FlowList) or not value or not isinstance(value, dict | list):
            out.append(f"{head} {_flow(value)}")
        elif isinstance(value, dict):
            out.append(head)
            _block(value, indent + 2, out)
        else:
            out.append(head)
            _sequence(value, indent + 2, out)


def _sequence(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item and not isinstance(item, Flow):
            lines: list[str] = []
            _block(item, indent + 2, lines)
            out.append(f"{pad}- {lines[0][indent + 2 :]}")
            out.extend(lines[1:])
        else:
            out.append(f"{pad}- {_flow(item)}")


def emit_yaml(data: dict[str, Any]) -> str:
    """Block-style YAML for a mapping (small `Flow` / `FlowList` parts on one line)."""
    out: list[str] = []
    _block(data, 0, out)
    return "\n".join(out) + "\n"


# --- rendering --------------------------------------------------------------------------


def render_inventory(draft: InventoryDraft) -> dict[str, str]:
    """The text of every file of the inventory, by path relative to its folder (sorted)."""
    files = {"portfolio.yaml": _document(draft.header, None, portfolio_data(draft.portfolio))}
    if draft.platforms:
        data = {"platforms": [platform_data(p) for p in draft.platforms]}
        files["platforms.yaml"] = _document(draft.header, "Shared platforms", data)
    by_file: dict[str, list[System]] = {}
    departments: dict[str, list[str]] = {}
    for system in draft.systems:
        name = f"systems/{file_slug(system.department)}.yaml"
        by_file.setdefault(name, []).append(system)
        if system.department not in departments.setdefault(name, []):
            departments[name].append(system.department)
    for name in sorted(by_file):
        systems = by_file[name]
        count = f"{len(systems)} {form(len(systems), 'system')}"
        note = f"{', '.join(departments[name])}: {count}"
        files[name] = _document(draft.header, note, {"systems": [system_data(s) for s in systems]})
    return dict(sorted(files.items()))


def file_slug(department: str) -> str:
    """The file name (without .yaml) for a department's systems: `DWP Benefits` → `dwp-benefits`."""
    text = unicodedata.normalize("NFKD", department).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].rstrip("-") or "unassigned"


def _document(header: str, note: str | None, data: dict[str, Any]) -> str:
    lines = [f"# {line}".rstrip() for line in header.splitlines() or [""]]
    if note:
        # Names come from the source (a department with a line break): a comment is one line.
        lines.append("# " + " ".join(note.split()))
    return "\n".join(lines) + "\n" + emit_yaml(data)


def portfolio_data(portfolio_file: PortfolioFile) -> dict[str, Any]:
    """portfolio.yaml as plain data in the documented key order."""
    p = portfolio_file.portfolio
    portfolio: dict[str, Any] = {
        "name": p.name,
        "currency": p.currency,
        "start": p.start,
        "periods": p.periods,
        "discount_rate": p.discount_rate,
        "appraisal_years": _tidy(p.appraisal_years),
    }
    if p.financial_year_start != 1:
        portfolio["financial_year_start"] = p.financial_year_start
    if p.description:
        portfolio["description"] = p.description
    data: dict[str, Any] = {"portfolio": portfolio}
    resources = {}
    for name, spec in portfolio_file.resources.items():
        entry = Flow(unit=spec.unit, per_period=_tidy(spec.per_period))
        if spec.overrides:
            entry["overrides"] = Flow({k: _tidy(v) for k, v in spec.overrides.items()})
        if spec.total is not None:
            entry["total"] = _tidy(spec.total)
        if spec.per_year:
            entry["per_year"] = Flow({k: _tidy(v) for k, v in spec.per_year.items()})
        resources[name] = entry
    data["resources"] = resources
    data["risk"] = portfolio_file.risk.model_dump(exclude_none=True)
    objective = portfolio_file.objective
    data["objective"] = {"risk_value_per_point": _tidy(objective.risk_value_per_point)}
    if "include" in objective.model_fields_set:
        data["objective"]["include"] = FlowList(objective.include)
    if portfolio_file.uncertainty is not None:
        data["uncertainty"] = portfolio_file.uncertainty.model_dump(exclude_defaults=True)
    if portfolio_file.appraisal is not None:
        data["appraisal"] = _tidy(portfolio_file.appraisal.model_dump(exclude_defaults=True))
    return data


def platform_data(platform: Platform) -> dict[str, Any]:
    """One platform as plain data: id, name, setup cost and duration, resource use."""
    data: dict[str, Any] = {"id": platform.id}
    if platform.name:
        data["name"] = platform.name
    data["setup_cost"] = _tidy(platform.setup_cost)
    data["setup_duration"] = platform.setup_duration
    if platform.resource_use:
        data["resource_use"] = Flow(_tidy(platform.resource_use))
    if platform.description:
        data["description"] = platform.description
    return data


# Complexity allowed: one `if` per optional field, in the documented key order the written file
# keeps.
def system_data(system: System) -> dict[str, Any]:  # noqa: C901, PLR0912
    """One system as plain data in the documented key order (defaults left out)."""
    data: dict[str, Any] = {"id": system.id, "name": system.name}
    if system.description:
        data["description"] = system.description
    data["department"] = system.department
    if system.owner:
        data["owner"] = system.owner
    data["criticality"] = system.criticality
    if system.technology:
        data["technology"] = system.technology
    if system.annual_run_cost is not None:  # unset is unknown, 0 is free: never conflated
        data["annual_run_cost"] = _tidy(system.annual_run_cost)
    for key in ("lifecycle", "time_tag", "end_of_support"):
        if getattr(system, key) is not None:
            data[key] = getattr(system, key)
    if system.fit is not None:
        data["fit"] = Flow(system.fit.model_dump(exclude_none=True))
    if system.legacy_risk != LegacyRisk():
        data["legacy_risk"] = Flow(system.legacy_risk.model_dump())
    for key in ("must_modernise_by", "earliest_start"):
        if getattr(system, key) is not None:
            data[key] = getattr(system, key)
    if system.locked is not None:
        data["locked"] = Flow(system.locked.model_dump())
    if system.estimated:
        data["estimated"] = FlowList(system.estimated)
    if system.depends_on:
        data["depends_on"] = [dependency_data(d) for d in system.depends_on]
    data["options"] = [option_data(o) for o in system.options]
    return data


def dependency_data(dependency: Dependency) -> Flow:
    data = Flow(system=dependency.system, kind=dependency.kind, constraint=dependency.constraint)
    if dependency.description:
        data["description"] = dependency.description
    return data


_OPTION_ORDER = (
    "id",
    "kind",
    "description",
    "duration",
    "cost",
    "costs",
    "optimism_bias",
    "resource_use",
    "annual_saving",
    "benefits",
    "risk_reduction",
    "delivery_risk",
    "requires_platforms",
    "npv",
    "estimated",
)


def option_data(option: Option) -> dict[str, Any]:
    """One option as plain data; id, kind, duration and cost always, the rest when set."""
    dumped = option.model_dump(exclude_defaults=True)
    dumped.setdefault("cost", 0)
    data: dict[str, Any] = {}
    for key in _OPTION_ORDER:
        if key not in dumped:
            continue
        value = dumped[key]
        if key in ("resource_use", "costs", "optimism_bias"):
            value = Flow(_tidy(value))
        elif key == "benefits":
            value = [Flow(_tidy(b)) for b in value]
        elif key == "requires_platforms":
            value = FlowList(value)
        data[key] = _tidy(value)
    return data


def _tidy(value: Any) -> Any:
    """Whole-number floats as ints (`1200000`, not `1200000.0`), recursively."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, Flow):
        return Flow({k: _tidy(v) for k, v in value.items()})
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, FlowList):
        return value
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


# --- writing ----------------------------------------------------------------------------


def holds_inventory(folder: Path) -> bool:
    """Whether `folder` already holds (part of) an inventory."""
    if (folder / "portfolio.yaml").exists() or (folder / "platforms.yaml").exists():
        return True
    systems = folder / "systems"
    return systems.is_dir() and any(_yaml_files(systems))


def write_inventory(target: str | Path, draft: InventoryDraft, force: bool = False) -> Written:
    """Write `draft` into the folder `target` and return what was written.

    Raises InventoryExistsError when `target` holds an inventory and not `force`, and
    InventoryError (nothing written) when the rendered inventory does not validate. With
    `force`, systems/*.yaml and platforms.yaml files of the old inventory that the draft
    does not rewrite are removed (scenarios and other files are left alone).
    """
    root = Path(target)
    if root.exists() and not root.is_dir():
        raise InventoryExistsError(f"{root} is a file, not a folder")
    if holds_inventory(root) and not force:
        raise InventoryExistsError(
            f"{root} already holds an inventory; use --force to overwrite it"
        )
    files = render_inventory(draft)
    inventory, warnings = _check_staged(files, root)
    stale = _stale_files(root, files) if root.is_dir() else []
    written = write_output_set(root, files)
    for path in stale:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return Written(root, written, stale, replace(inventory, root=str(root)), warnings)


def _check_staged(files: dict[str, str], root: Path) -> tuple[Inventory, list[Problem]]:
    """Validate the exact files in a scratch folder (problems shown as under `root`).

    Raises InventoryError when they do not make a valid inventory; returns the inventory
    and any warnings otherwise.
    """
    with tempfile.TemporaryDirectory(prefix="prioritiser-stage-") as scratch:
        stage = Path(scratch) / "inventory"
        for rel, text in files.items():
            path = stage / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        inventory, problems = check_inventory(stage)
        shown_stage, shown_root = display_path(stage), display_path(root)
        problems = [_relocate(p, shown_stage, shown_root) for p in problems]
    if inventory is None or any(p.severity == "error" for p in problems):
        raise InventoryError(problems)
    return inventory, problems


def _relocate(problem: Problem, old: str, new: str) -> Problem:
    """The problem as if found under `new` instead of the scratch folder `old`."""
    location = problem.location
    if location is not None and location.file.startswith(old):
        location = Location(new + location.file[len(old) :], location.line)
    message = problem.message.replace(old, new)
    return Problem(message, location, problem.path, problem.severity)


def _stale_files(root: Path, files: dict[str, str]) -> list[Path]:
    """Files of an old inventory under `root` that the new one would not overwrite."""
    keep = {(root / rel).resolve() for rel in files}
    old = list(_yaml_files(root / "systems")) if (root / "systems").is_dir() else []
    if (root / "platforms.yaml").is_file():
        old.append(root / "platforms.yaml")
    return sorted(p for p in old if p.resolve() not in keep)


def _yaml_files(folder: Path) -> Iterable[Path]:
    return (p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())

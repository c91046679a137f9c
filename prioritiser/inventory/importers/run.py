"""The import use case: read a source, template, apply overrides, size, then write.

`prepare_import` does everything but writing and returns a `PreparedImport` (what was
read, skipped, left out and overridden, and the draft); `write_import` writes it. The CLI
prints the first before calling the second, so every problem is shown even when writing
is refused. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from prioritiser.inventory.importers.common import ImportResult
from prioritiser.inventory.importers.draft import (
    Excluded,
    ImportSettings,
    default_start,
    finish_draft,
    template_systems,
)
from prioritiser.inventory.importers.overrides import Overrides, load_overrides
from prioritiser.inventory.importers.tables import TableError
from prioritiser.inventory.importers.templates import Templates, load_templates
from prioritiser.inventory.periods import parse_period
from prioritiser.inventory.problems import InventoryError, Problem
from prioritiser.inventory.schema import LIFECYCLES, TIME_TAGS
from prioritiser.inventory.writer import (
    InventoryDraft,
    InventoryExistsError,
    Written,
    write_inventory,
)


class ImportUsageError(ValueError):
    """The command cannot run as asked (a bad option, an unreadable table): exit 2."""


class ImportInvalid(Exception):
    """The import cannot produce a valid inventory (bad templates or overrides): exit 3."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class ImportOptions:
    """What every import is told: where to write, how to plan, which rules to use."""

    output: Path
    kind: str  # backstage, csv, xlsx, servicenow, leanix
    source_name: str
    force: bool = False
    options_template: Path | None = None
    name: str | None = None
    start: str | None = None
    periods: int = 12
    strict: bool = False
    currency: str | None = None
    include_lifecycle: tuple[str, ...] = ()

    def plan_start(self) -> str:
        """`--start` checked (a usage error if it is not a period), or next year's Q1."""
        text = self.start or default_start()
        try:
            parse_period(text)
        except ValueError as exc:
            raise ImportUsageError(f"--start: {exc}") from exc
        return text.upper()


@dataclass
class PreparedImport:
    """An import ready to write, and everything the user should be told about it."""

    result: ImportResult
    draft: InventoryDraft
    templates: Templates
    excluded: list[Excluded] = field(default_factory=list)
    overrides: Overrides = field(default_factory=Overrides)

    @property
    def estimated_options(self) -> int:
        return sum(o.estimated for s in self.draft.systems for o in s.options)

    def refused_by_strict(self, strict: bool) -> bool:
        return strict and bool(self.result.skipped)


def check_include(stages: tuple[str, ...]) -> tuple[str, ...]:
    """`--include-lifecycle` values: lifecycle stages or TIME tags."""
    known = (*LIFECYCLES, *TIME_TAGS)
    for stage in stages:
        if stage not in known:
            raise ImportUsageError(f"--include-lifecycle {stage!r}: use one of {', '.join(known)}")
    return stages


def prepare_import(read: Callable[[str], ImportResult], options: ImportOptions) -> PreparedImport:
    """Read the source (`read(start)`), template its systems, apply overrides, size a draft."""
    templates, problems = load_templates(options.options_template)
    if templates is None:
        raise ImportInvalid("the options template is not valid", problems)
    start = options.plan_start()
    include = check_include(options.include_lifecycle)
    try:
        result = read(start)
    except TableError as exc:
        raise ImportUsageError(str(exc)) from exc
    overrides = load_overrides(options.output)
    if overrides.errors:
        raise ImportInvalid("the overrides are not valid", overrides.errors)
    result.systems = overrides.apply_facts(result.systems)
    settings = ImportSettings(
        name=options.name or f"Imported estate ({options.source_name})",
        start=start,
        periods=options.periods,
        header=f"Imported from {options.source_name} by `prioritiser import {options.kind}`; "
        "options marked `estimated: true` come from templates; corrections belong in "
        "overrides/*.yaml (this file is rewritten by every import).",
        currency=(options.currency or result.currency or "GBP").upper(),
        include=include,
    )
    systems, excluded = template_systems(result, templates, settings)
    systems = overrides.apply_links(systems)
    draft = overrides.apply_portfolio(finish_draft(systems, templates, settings))
    if overrides.errors:
        raise ImportInvalid("the overrides cannot be applied", overrides.errors)
    return PreparedImport(result, draft, templates, excluded, overrides)


def write_import(prepared: PreparedImport, options: ImportOptions) -> Written:
    """Write the prepared inventory (validated first; nothing written if it is invalid)."""
    if not prepared.draft.systems:
        raise ImportInvalid(f"nothing to import: no systems found in {prepared.result.source}")
    try:
        return write_inventory(options.output, prepared.draft, force=options.force)
    except InventoryExistsError as exc:
        raise ImportUsageError(str(exc)) from exc
    except InventoryError as exc:
        hint = " with its overrides" if prepared.overrides.files else ""
        raise ImportInvalid(
            f"the imported inventory{hint} does not validate", [*exc.problems, *exc.warnings]
        ) from exc

"""Assemble what an importer read into an inventory draft: overrides, templates, lifecycle.

Between reading a source and writing an inventory, every import takes the same steps: the
overrides' own facts about systems are merged into what was read (so a corrected
lifecycle or run cost gives the options it implies), the systems are templated as their
lifecycle allows (some are left out), the overrides' options and links are merged into
the templated systems, and a portfolio is sized around them, to which the overrides'
portfolio sections apply last. The use case around these steps — loading the templates
and the overrides, reporting, writing — is `prioritiser.tasks.imports`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from prioritiser.errors import InventoryError
from prioritiser.inventory.importers.common import ImportResult
from prioritiser.inventory.importers.draft import (
    Excluded,
    ImportSettings,
    finish_draft,
    template_systems,
)
from prioritiser.inventory.importers.overrides import Overrides
from prioritiser.inventory.importers.templates import Templates
from prioritiser.inventory.problems import Problem
from prioritiser.inventory.writer import InventoryDraft


class ImportInvalid(InventoryError):
    """The import cannot produce a valid inventory (invalid templates or overrides, nothing
    to import, a draft that does not validate): exit 3, its problems then its message."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(problems, message)


@dataclass(frozen=True)
class Assembled:
    """The draft to write, and the systems their lifecycle left out of it."""

    draft: InventoryDraft
    excluded: tuple[Excluded, ...]


def assemble_draft(
    result: ImportResult, templates: Templates, overrides: Overrides, settings: ImportSettings
) -> Assembled:
    """Merge the overrides into what was read, template it and size a portfolio.

    `result.systems` becomes the systems with the overrides' facts applied; what the
    overrides matched is recorded in `overrides`. Raises `ImportInvalid` when the overrides
    are invalid or cannot be applied.
    """
    if overrides.errors:
        raise ImportInvalid("the overrides are not valid", overrides.errors)
    result.systems = overrides.apply_facts(result.systems)
    systems, excluded = template_systems(result, templates, settings)
    systems = overrides.apply_links(systems)
    draft = overrides.apply_portfolio(finish_draft(systems, templates, settings))
    if overrides.errors:
        raise ImportInvalid("the overrides cannot be applied", overrides.errors)
    return Assembled(draft, tuple(excluded))

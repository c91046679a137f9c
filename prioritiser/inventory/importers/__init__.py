"""Importers: build an inventory from a Backstage catalog, a CMDB export (CSV/Excel), a
ServiceNow list export or a LeanIX fact-sheet export.

Each importer returns an `ImportResult` (systems without options, and everything it could
not map, located by file:line or file:row); `assemble.assemble_draft` applies the
inventory's `overrides/*.yaml`, templates options by lifecycle and sizes a portfolio. The
use case around them (load, report, write) is `prioritiser.tasks.imports`. Nothing here
prints.
"""

from prioritiser.inventory.importers.assemble import Assembled, ImportInvalid, assemble_draft
from prioritiser.inventory.importers.backstage import BackstageOptions, import_backstage
from prioritiser.inventory.importers.common import ImportResult, Mapped, slugify
from prioritiser.inventory.importers.draft import (
    Excluded,
    ImportSettings,
    build_draft,
    default_start,
)
from prioritiser.inventory.importers.overrides import Overrides, load_overrides
from prioritiser.inventory.importers.templates import Templates, load_templates

# The table importers (`table_sources`, `servicenow`, `leanix`) need pandas, so they are
# imported where they are used, keeping every other command quick to start.

__all__ = [
    "Assembled",
    "BackstageOptions",
    "Excluded",
    "ImportInvalid",
    "ImportResult",
    "ImportSettings",
    "Mapped",
    "Overrides",
    "Templates",
    "assemble_draft",
    "build_draft",
    "default_start",
    "import_backstage",
    "load_overrides",
    "load_templates",
    "slugify",
]

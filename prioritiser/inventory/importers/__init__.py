"""Importers: build an inventory from a Backstage catalog, a CMDB export (CSV/Excel), a
ServiceNow list export or a LeanIX fact-sheet export.

Each importer returns an `ImportResult` (systems without options, and everything it could
not map, located by file:line or file:row); `run.prepare_import` templates options by
lifecycle, applies the inventory's `overrides/*.yaml` and sizes a portfolio;
`run.write_import` writes and validates it. Nothing here prints.
"""

from prioritiser.inventory.importers.backstage import BackstageOptions, import_backstage
from prioritiser.inventory.importers.common import ImportResult, Mapped, slugify
from prioritiser.inventory.importers.draft import ImportSettings, build_draft, default_start
from prioritiser.inventory.importers.templates import Templates, load_templates

# The table importers (`table_sources`, `servicenow`, `leanix`) need pandas, so they are
# imported where they are used, keeping every other command quick to start.

__all__ = [
    "BackstageOptions",
    "ImportResult",
    "ImportSettings",
    "Mapped",
    "Templates",
    "build_draft",
    "default_start",
    "import_backstage",
    "load_templates",
    "slugify",
]

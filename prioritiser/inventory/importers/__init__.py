"""Importers: build an inventory from a Backstage catalog or a CMDB export (CSV/Excel).

Each importer returns an `ImportResult` (systems without options, and everything it could
not map, located by file:line or file:row); `build_draft` adds templated options and a
sized portfolio; `prioritiser.inventory.writer.write_inventory` writes and validates it.
Nothing here prints.
"""

from prioritiser.inventory.importers.backstage import import_backstage
from prioritiser.inventory.importers.common import ImportResult, Mapped, slugify
from prioritiser.inventory.importers.draft import ImportSettings, build_draft, default_start
from prioritiser.inventory.importers.templates import Templates, load_templates

# The CSV/Excel importer (`prioritiser.inventory.importers.tables`) needs pandas, so it is
# imported where it is used, keeping every other command quick to start.

__all__ = [
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

"""`manifest.json`: what produced a roadmap — input hashes, versions, options, timings."""

from __future__ import annotations

import json
import platform
import sys
from typing import Any

from prioritiser import __version__
from prioritiser.inventory import Inventory
from prioritiser.roadmap import Roadmap


def render_manifest(
    inventory: Inventory, roadmap: Roadmap, options: dict[str, Any], outputs: list[str]
) -> str:
    """The manifest as JSON text. Timings live here (and in solver.seconds) only."""
    data = {
        "tool": {"name": "prioritiser", "version": __version__},
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "inventory": {
            "name": inventory.portfolio.name,
            "root": inventory.root,
            "files": [{"path": s.path, "sha256": s.sha256} for s in inventory.sources],
            "scenarios": list(inventory.scenarios),
        },
        "solver": {
            "name": roadmap.solver.name,
            "version": roadmap.solver.version,
            "seconds": roadmap.solver.seconds,
        },
        "options": options,
        "result": {"status": roadmap.status, "objective": roadmap.objective, "gap": roadmap.gap},
        "outputs": outputs,
    }
    return json.dumps(data, indent=2, sort_keys=False) + "\n"

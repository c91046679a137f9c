"""`manifest.json`: what produced a roadmap — input hashes, versions, options, timings."""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prioritiser import __version__
from prioritiser.inventory import Inventory
from prioritiser.roadmap import Roadmap

MANIFEST = "manifest.json"


def _sha256(content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def mixed_outputs(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Files of the set manifest.json records that are missing or hold other content: an
    output set interrupted mid-way, or files copied in from another run."""
    listed = manifest.get("outputs")
    mixed = []
    for entry in listed if isinstance(listed, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue  # manifests before output hashes listed bare names
        path = folder / entry["file"]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = None
        if digest != entry.get("sha256"):
            mixed.append(entry["file"])
    return mixed


def render_manifest(
    inventory: Inventory,
    roadmap: Roadmap,
    options: dict[str, Any],
    outputs: Mapping[str, str | bytes],
) -> str:
    """The manifest as JSON text. Timings live here (and in solver.seconds) only.

    `outputs` are the other files of the set; each is listed with its SHA-256.
    """
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
        "outputs": [
            {"file": name, "sha256": _sha256(content)}
            for name, content in sorted(outputs.items())
            if name != MANIFEST
        ],
    }
    return json.dumps(data, indent=2, sort_keys=False) + "\n"

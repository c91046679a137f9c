"""`tracking-manifest.json`: what produced a tracking set and the SHA-256 of every other file.

The same typed `Manifest` as a roadmap folder's manifest.json (`prioritiser.reports.manifest`),
so the same reader tells a mixed set. Named apart from it because a tracking folder is not a
roadmap folder (`report` reads manifest.json), and `-o` may name the baseline's own folder,
whose manifest.json is not ours to replace. It records the inventory files and the actuals
read (with their SHA-256), the options (`command: track`, the baseline as `previous`), the
re-forecast's solver and result, and every file of the set, the re-forecast's included.
"""

from __future__ import annotations

import hashlib
import platform as host
import sys
from collections.abc import Mapping

from prioritiser.reports.manifest import (
    InputFile,
    InventoryRecord,
    Manifest,
    OutputRecord,
    ResultRecord,
    SolverRecord,
)
from prioritiser.reports.tracking.data import TrackingInputs
from prioritiser.tracking import Tracking

TRACKING_MANIFEST = "tracking-manifest.json"


def render_tracking_manifest(
    t: Tracking, inputs: TrackingInputs, outputs: Mapping[str, str | bytes]
) -> str:
    """The manifest as JSON text; `outputs` are the other files of the set."""
    roadmap = t.reforecast.roadmap
    read = (*t.inventory.sources, *inputs.files)
    manifest = Manifest(
        python=sys.version.split()[0],
        platform=host.platform(),
        inventory=InventoryRecord(
            name=t.inventory.portfolio.name,
            root=t.inventory.root,
            files=tuple(InputFile(path=f.path, sha256=f.sha256) for f in read),
        ),
        solver=(
            SolverRecord(
                name=roadmap.solver.name,
                version=roadmap.solver.version,
                seconds=roadmap.solver.seconds,
            )
            if roadmap is not None
            else SolverRecord()
        ),
        options=inputs.run,
        result=(
            ResultRecord(status=roadmap.status, objective=roadmap.objective, gap=roadmap.gap)
            if roadmap is not None
            else ResultRecord(status="none")
        ),
        outputs=tuple(
            OutputRecord(file=name, sha256=hashlib.sha256(_bytes(content)).hexdigest())
            for name, content in sorted(outputs.items())
            if name != TRACKING_MANIFEST
        ),
    )
    return manifest.to_json()


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content

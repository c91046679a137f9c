"""`diagnosis.json` and `diagnosis.md`: why no roadmap satisfies every rule."""

from __future__ import annotations

from pathlib import Path

from prioritiser.atomic import write_output_set
from prioritiser.diagnose import Diagnosis
from prioritiser.explain import diagnosis_markdown
from prioritiser.inventory import Inventory


def write_diagnosis(outdir: Path, diagnosis: Diagnosis, inventory: Inventory) -> list[Path]:
    """Write diagnosis.json, then diagnosis.md, each atomically."""
    files = {
        "diagnosis.json": diagnosis.to_json(),
        "diagnosis.md": diagnosis_markdown(diagnosis, inventory),
    }
    return write_output_set(outdir, files, order=("diagnosis.md",))

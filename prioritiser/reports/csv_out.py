"""`roadmap.csv`: one row per decision (text cells neutralised against formula injection)."""

from __future__ import annotations

import io

from prioritiser.roadmap import Roadmap
from prioritiser.textsafe import spreadsheet_csv

COLUMNS = ("system", "department", "option", "kind", "start", "finish", "npv", "delivery_risk")


def render_csv(roadmap: Roadmap) -> str:
    """The decisions as CSV text with a header row."""
    buffer = io.StringIO()
    writer = spreadsheet_csv(buffer)
    writer.writerow(COLUMNS)
    for d in roadmap.decisions:
        writer.writerow(
            [
                d.system,
                d.department,
                d.option,
                d.kind,
                d.start,
                d.finish,
                f"{d.npv:.2f}",
                "" if d.delivery_risk is None else d.delivery_risk,
            ]
        )
    return buffer.getvalue()

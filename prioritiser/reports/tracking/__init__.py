"""The outputs of `track`: tracking.json, tracking.md, tracking.html, tracking.xlsx and the
re-forecast's folder `reforecast/` (a full plan, changes.md and its overlay)."""

from __future__ import annotations

from pathlib import Path

from prioritiser.atomic import write_bytes_atomic, write_text_atomic
from prioritiser.reports.tracking.data import REFORECAST, TrackingInputs, render_json
from prioritiser.reports.tracking.excel import render_xlsx
from prioritiser.reports.tracking.html import render_html
from prioritiser.reports.tracking.markdown import render_markdown
from prioritiser.reports.tracking.reforecast import overlay_yaml, write_reforecast
from prioritiser.tracking import Tracking


def write_tracking(outdir: Path, t: Tracking, inputs: TrackingInputs) -> list[Path]:
    """Write every output of `track`, each atomically: reforecast/ first, tracking.json last,
    so a reader never sees a new tracking.json beside a stale re-forecast."""
    written = write_reforecast(outdir / REFORECAST, t, inputs)
    written.append(write_bytes_atomic(outdir / "tracking.xlsx", render_xlsx(t, inputs)))
    written.append(write_text_atomic(outdir / "tracking.html", render_html(t, inputs)))
    written.append(write_text_atomic(outdir / "tracking.md", render_markdown(t, inputs)))
    written.append(write_text_atomic(outdir / "tracking.json", render_json(t, inputs)))
    return written


__all__ = ["REFORECAST", "TrackingInputs", "overlay_yaml", "write_tracking"]

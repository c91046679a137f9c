"""Golden files for the human-facing reports of a small fixed roadmap.

The roadmap is tests/fixtures/report-small/roadmap.json (planned once, then frozen), so these
tests never depend on the solver. After an intended change to a report, regenerate and review
the diff:

    UPDATE_GOLDEN=1 ./scripts/test tests/test_reports_golden.py     (or ./scripts/update-golden)
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest

from prioritiser.inventory import load_inventory
from prioritiser.reports.analysis import analyse
from prioritiser.reports.excel import render_xlsx
from prioritiser.reports.markdown import render_summary
from prioritiser.roadmap import Roadmap

FIXTURE = Path(__file__).parent / "fixtures" / "report-small"
GOLDEN = Path(__file__).parent / "golden" / "report-small"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def small_reports() -> tuple[object, Roadmap, object]:
    inventory = load_inventory(FIXTURE / "inventory")
    roadmap = Roadmap.read(FIXTURE / "roadmap.json")
    return inventory, roadmap, analyse(inventory, roadmap)


def workbook_text(data: bytes) -> str:
    """A reviewable text dump of a workbook: per sheet, frozen cell, then every row's values."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = []
    for sheet in book.worksheets:
        lines.append(f"## {sheet.title} (frozen at {sheet.freeze_panes})")
        for row in sheet.iter_rows():
            values = []
            for cell in row:
                if cell.value is None:
                    values.append("")
                elif isinstance(cell.value, float):
                    values.append(f"{cell.value:.2f} [{cell.number_format}]")
                elif isinstance(cell.value, int):
                    values.append(f"{cell.value} [{cell.number_format}]")
                else:
                    values.append(str(cell.value))
            lines.append(" | ".join(values).rstrip(" |"))
        lines.append("")
    return "\n".join(lines)


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing; create it with UPDATE_GOLDEN=1 ./scripts/test {__file__}")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from {path}; if the change is intended, regenerate with "
        "UPDATE_GOLDEN=1 ./scripts/test tests/test_reports_golden.py and review the diff"
    )


def test_summary_markdown_matches_golden() -> None:
    inventory, roadmap, analysis = small_reports()
    assert_golden("summary.md", render_summary(inventory, roadmap, analysis))


def test_workbook_contents_match_golden() -> None:
    inventory, roadmap, analysis = small_reports()
    assert_golden("roadmap.xlsx.txt", workbook_text(render_xlsx(inventory, roadmap, analysis)))

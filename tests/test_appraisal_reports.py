"""The appraisal in every report: shown for an inventory that uses its keys, absent (reports
unchanged) for one that does not."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from conftest import write_inventory
from test_appraisal_economics import PORTFOLIO, SYSTEMS

from prioritiser.inventory import load_inventory
from prioritiser.reports import write_reports
from prioritiser.reports.analysis import analyse
from prioritiser.solve import PlanOptions, plan

SMALL = Path(__file__).parent / "fixtures" / "report-small"


def test_every_report_shows_the_appraisal(tmp_path: Path) -> None:
    inventory = load_inventory(write_inventory(tmp_path / "inv", PORTFOLIO, SYSTEMS))
    roadmap = plan(inventory, PlanOptions(gap=0.0))
    out = tmp_path / "out"
    write_reports(out, inventory, roadmap, {"seed": 0})
    summary = (out / "summary.md").read_text()
    for text in (
        "2027-Q2 = April–June 2027",
        "2027-28 = April 2027 – March 2028",
        "| Cash-only NPV |",
        "| Benefit–cost ratio |",
        "| Unsupported exposure left | **£473k**",
        "## Value split",
        "| Unsupported exposure avoided | £848k | yes |",
        "## Money by financial year",
        "| 2027-28 | 2027-Q2–2028-Q1 |",
        "## Left unsupported",
        "Records archive (archive)",
        "## Optimism bias: base and adjusted",
        "| General ledger (ledger) | replace | 2 | 3 | £400k | £560k |",
    ):
        assert text in summary, text
    html = (out / "report.html").read_text()
    for text in ('id="appraisal"', 'id="periods"', "Cash-only NPV", "Benefit–cost ratio",
                 "Money by financial year", "systems past end of support"):  # fmt: skip
        assert text in html, text
    book = openpyxl.load_workbook(out / "roadmap.xlsx")
    assert book.sheetnames[-4:] == ["Appraisal", "Money by financial year", "Unsupported",
                                    "Optimism bias"]  # fmt: skip
    cells = {row[0]: row[1] for row in book["Appraisal"].iter_rows(values_only=True)}
    assert cells["Net present value (every part)"] == 622_585.94
    assert cells["Unsupported exposure left"] == 375_086.26 + 98_294.64
    data = json.loads((out / "roadmap.json").read_text())
    assert data["npv"] == 622_585.94 and len(data["unsupported"]) == 2


def test_an_inventory_without_appraisal_keys_reports_as_before() -> None:
    inventory = load_inventory(SMALL / "inventory")
    roadmap = plan(inventory, PlanOptions(gap=0.0))
    analysis = analyse(inventory, roadmap)
    assert analysis.appraisal is None  # the golden files hold (test_reports_golden.py)

"""Reports of a small fixed roadmap: the figures, the self-contained HTML, the workbook."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from prioritiser.inventory import load_inventory
from prioritiser.reports import charts, write_reports
from prioritiser.reports.analysis import PLATFORMS, RETAINED, Analysis, analyse
from prioritiser.reports.excel import SHEETS, ZIP_TIME, render_xlsx
from prioritiser.reports.html import render_html
from prioritiser.reports.markdown import render_summary
from prioritiser.roadmap import Roadmap

FIXTURE = Path(__file__).parent / "fixtures" / "report-small"


@pytest.fixture(scope="module")
def small() -> tuple[object, Roadmap, Analysis]:
    inventory = load_inventory(FIXTURE / "inventory")
    roadmap = Roadmap.read(FIXTURE / "roadmap.json")
    return inventory, roadmap, analyse(inventory, roadmap)


@pytest.fixture(scope="module")
def page(small: tuple[object, Roadmap, Analysis]) -> str:
    return render_html(*small)


# --- the figures every report shows -----------------------------------------------------------


def test_every_system_has_one_row_decisions_first(small: tuple[object, Roadmap, Analysis]) -> None:
    _, roadmap, analysis = small
    kinds = [row.kind for row in analysis.systems]
    assert len(analysis.systems) == analysis.systems_total == 6
    assert kinds[: len(roadmap.decisions)] == [d.kind for d in roadmap.decisions]
    assert kinds[len(roadmap.decisions) :] == [RETAINED, RETAINED]


def test_spend_per_period_adds_up_to_the_one_off_spend(
    small: tuple[object, Roadmap, Analysis],
) -> None:
    _, _, analysis = small
    assert sum(analysis.spend_by_period) == pytest.approx(analysis.one_off_spend)
    assert sum(analysis.spend_by_year.values()) == pytest.approx(analysis.one_off_spend)


def test_resource_use_by_department_adds_up_to_the_roadmap_use(
    small: tuple[object, Roadmap, Analysis],
) -> None:
    _, _, analysis = small
    for row in analysis.resources:
        for period, used in enumerate(row.use):
            split = sum(lanes[period] for lanes in row.by_department.values())
            assert split == pytest.approx(used, abs=0.01), (row.name, period)
    capex = analysis.budget
    assert capex is not None and PLATFORMS in capex.by_department


def test_payback_year_is_when_cumulative_savings_cover_the_spend(
    small: tuple[object, Roadmap, Analysis],
) -> None:
    _, _, analysis = small
    spent = saved = 0.0
    for year, saving in analysis.cashable_by_year.items():
        spent += analysis.spend_by_year[year]
        saved += saving
        if year < (analysis.payback_year or 0):
            assert saved < spent
    assert analysis.payback_year == 2030


def test_value_landing_in_other_departments_is_listed(
    small: tuple[object, Roadmap, Analysis],
) -> None:
    _, _, analysis = small
    flows = {(f.payer, f.beneficiary, f.cashable): f.annual for f in analysis.cross_department}
    assert flows == {("Benefits", "Tax", True): 100_000.0, ("Shared", "Tax", False): 50_000.0}


def test_retained_systems_past_end_of_support_are_flagged(
    small: tuple[object, Roadmap, Analysis],
) -> None:
    _, _, analysis = small
    assert analysis.retained_past_support == ["ledger"]


def test_why_is_shown_for_every_system_the_analysis_explains(
    small: tuple[object, Roadmap, Analysis],
) -> None:
    inventory, roadmap, analysis = small
    analysis.why["payments"] = "deadline 2028-Q4 and the largest saving in Benefits"
    try:
        assert "deadline 2028-Q4 and the largest saving" in render_html(
            inventory, roadmap, analysis
        )
        assert "deadline 2028-Q4 and the largest saving" in render_summary(
            inventory, roadmap, analysis
        )
    finally:
        del analysis.why["payments"]


# --- report.html -------------------------------------------------------------------------------


class ResourceReferences(HTMLParser):
    """Every URL the page would load: src/href/data/action/poster attributes and CSS url()."""

    URL_ATTRIBUTES = frozenset({"src", "href", "data", "action", "poster", "srcset", "background"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.scripts_with_src = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.URL_ATTRIBUTES and value:
                self.urls.append(value)
            if name == "style" and value:
                self.urls += css_urls(value)
            if tag == "meta" and name == "content" and value and "url=" in value.lower():
                self.urls.append(value)
        if tag == "script" and any(name == "src" for name, _ in attrs):
            self.scripts_with_src += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    found += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return found


def test_report_html_references_no_http_resources(page: str) -> None:
    parser = ResourceReferences()
    parser.feed(page)
    assert parser.scripts_with_src == 0
    remote = [u for u in parser.urls if re.match(r"\s*(https?:)?//", u, re.IGNORECASE)]
    assert remote == []
    # The empty favicon (which stops a request for one) and links within the page only.
    assert [u for u in parser.urls if not u.startswith("#")] == ["data:,"]
    assert all(re.fullmatch(r"#[a-z0-9-]+", u) for u in parser.urls if u.startswith("#"))


def test_plotly_is_embedded_once_and_configured_offline(page: str) -> None:
    assert page.count("* plotly.js (basic - minified) v") == 1
    data = figures_of(page)
    assert data["config"]["displaylogo"] is False
    assert data["config"]["showLink"] is False
    assert "mathjax" not in json.dumps(data).lower()


def figures_of(page: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="report-figures">(.*?)</script>', page, re.S
    )
    assert match is not None
    return json.loads(match.group(1))


def test_each_figure_has_a_fixed_div(page: str) -> None:
    figures = figures_of(page)["figures"]
    for div in (charts.GANTT, charts.BUDGET, charts.RESOURCES, charts.PAYBACK, charts.BENEFITS):
        assert div in figures
        assert f'<div id="{div}"' in page
    assert set(figures) <= set(re.findall(r'<div id="(chart-[a-z-]+)"', page))


def test_gantt_marks_end_of_support_and_deadlines(page: str) -> None:
    traces = {t["name"]: t for t in figures_of(page)["figures"][charts.GANTT]["data"]}
    assert {"replace", "rehost", "replatform", "retire", "platform set-up"} <= set(traces)
    assert "end of support" in traces and "must modernise by" in traces


def test_table_lists_every_system_with_its_decision(
    page: str, small: tuple[object, Roadmap, Analysis]
) -> None:
    _, _, analysis = small
    body = page.split('id="systems-table"', 1)[1].split("</table>", 1)[0]
    assert body.count("<tr data-department=") == len(analysis.systems)
    for row in analysis.systems:
        assert f"<code>{row.system}</code>" in body


def test_user_text_is_escaped(page: str) -> None:
    assert "Billing &amp; collections &lt;legacy&gt;" in page
    assert "<legacy>" not in page


def test_headline_states_the_proof_and_the_money(page: str) -> None:
    assert "Proven optimal" in page
    assert "£8.5m" in page and "£830k a year" in page


def test_html_is_deterministic(small: tuple[object, Roadmap, Analysis], page: str) -> None:
    assert render_html(*small) == page
    own = (
        page.split("* plotly.js (basic - minified) v", 1)[0]
        + page.rsplit('id="report-figures"', 1)[1]
    )
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert re.search(uuid, own) is None
    assert re.search(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:", own) is None  # no timestamps


def test_print_stylesheet_hides_controls(page: str) -> None:
    assert "@media print" in page and "@page" in page
    assert 'class="controls no-print"' in page


# --- roadmap.xlsx -----------------------------------------------------------------------------


def test_workbook_has_one_table_per_sheet_in_order(small: tuple[object, Roadmap, Analysis]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(*small)))
    assert [name for name in book.sheetnames if name in SHEETS] == list(SHEETS)
    for sheet in book.worksheets:
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("2"), sheet.title
        assert sheet["A1"].font.bold
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.print_title_rows in ("1:1", "$1:$1"), sheet.title
    roadmap = book["Roadmap"]
    assert roadmap["J1"].value == "NPV" and "£" in roadmap["J2"].number_format
    assert roadmap.column_dimensions["B"].width > 20
    retained = [row[0] for row in book["Retained"].iter_rows(min_row=2, values_only=True)]
    assert retained == ["archive", "ledger"]


def test_workbook_bytes_do_not_depend_on_the_clock(
    small: tuple[object, Roadmap, Analysis],
) -> None:
    first = render_xlsx(*small)
    assert render_xlsx(*small) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and core.count("2000-01-01") == 2


# --- write_reports ----------------------------------------------------------------------------


def test_write_reports_writes_every_format(
    tmp_path: Path, small: tuple[object, Roadmap, Analysis]
) -> None:
    inventory, roadmap, _ = small
    written = write_reports(tmp_path, inventory, roadmap, {"seed": 0})
    names = [p.name for p in written]
    assert {"report.html", "roadmap.xlsx", "summary.md", "roadmap.csv"} <= set(names)
    assert names[-1] == "roadmap.json"
    assert (tmp_path / "roadmap.json").read_text() == (FIXTURE / "roadmap.json").read_text()


# --- unusual estates still render ----------------------------------------------------------

UNUSUAL = {
    "monthly, euros, no capex resource": {
        "portfolio": {"name": "Monthly", "currency": "EUR", "start": "2027-01", "periods": 30},
        "resources": {"engineers": {"unit": "FTE", "per_period": 5}},
    },
    "yearly, no resources at all": {
        "portfolio": {"name": "Yearly", "start": 2027, "periods": 4},
    },
    "nothing worth doing": {
        "portfolio": {"name": "Idle", "start": "2027-Q1", "periods": 4},
        "systems": [{"id": "old", "name": "Old", "options": []}],
    },
}


@pytest.mark.parametrize("case", sorted(UNUSUAL))
def test_reports_render_for_unusual_estates(
    case: str, tmp_path: Path, write_inventory: object
) -> None:
    from prioritiser.solve import PlanOptions, plan

    spec = dict(UNUSUAL[case])
    systems = spec.pop("systems", None)
    root = write_inventory(tmp_path / "estate", portfolio=spec, systems=systems)  # type: ignore[operator]
    inventory = load_inventory(root)
    roadmap = plan(inventory, PlanOptions())
    written = write_reports(tmp_path / "out", inventory, roadmap, {})
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert charts.GANTT in figures_of(page)["figures"]
    assert len(written) >= 6
    book = openpyxl.load_workbook(tmp_path / "out" / "roadmap.xlsx")
    assert [name for name in book.sheetnames if name in SHEETS] == list(SHEETS)

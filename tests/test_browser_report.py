"""The demo's report.html rendered by headless Chromium: charts drawn, table live, no console
error, printed to PDF with the Gantt across the page, and screenshots for people to look at.

Needs Debian's `chromium` (.ci/run installs it when missing); skipped with a reason otherwise.
Screenshots are saved as test artifacts: test-artifacts/report-demo.png (gitignored), and the
board pack's first screen, a system's case and the levers panel
(test-artifacts/board-*.png, committed so a reviewer sees what a board sees).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from cdp import Browser

from prioritiser.reports import charts, gantt

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "inventories" / "demo"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless chromium is not installed (apt-get install chromium; .ci/run does this)",
    ),
]

# Run inside the page after report.js: exercise the table's filter and sort like a reader would
# and leave the results on <html> for --dump-dom to show.
TABLE_PROBE = """
<script>
(function () {
  var html = document.documentElement;
  var rows = function () { return Array.prototype.slice.call(
      document.querySelectorAll("#systems-table tbody tr")); };
  var visible = function () { return rows().filter(function (r) { return !r.hidden; }).length; };
  var decision = document.getElementById("filter-decision");
  decision.value = "retained";
  decision.dispatchEvent(new Event("change"));
  html.setAttribute("data-probe-retained", String(visible()));
  decision.value = "";
  decision.dispatchEvent(new Event("change"));
  var npv = document.querySelectorAll("#systems-table thead th button")[4];
  npv.click(); npv.click();  /* descending */
  html.setAttribute("data-probe-top", rows()[0].querySelector("code").textContent);
  html.setAttribute("data-probe-visible", String(visible()));
})();
</script>
"""


@pytest.fixture(scope="module")
def demo_report(demo_board) -> tuple[Path, object]:  # type: ignore[no-untyped-def]
    """The bundled demo's report.html, with its board pack (conftest's `demo_board`)."""
    return demo_board.folder / "report.html", demo_board.roadmap


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


class RenderedDom(HTMLParser):
    """What the rendered page holds: svg classes inside each chart, table rows, <html> attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.svg_in: dict[str, int] = {}
        self.points_in: dict[str, int] = {}
        self.legend_in: dict[str, list[str]] = {}
        self.rows = 0
        self.root: dict[str, str] = {}
        self._legend_text: str | None = None

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "col", "source", "wbr"})

    def chart(self) -> str | None:
        return next((c for c in reversed(self.stack) if c), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.root = a
        chart = a.get("id") if a.get("id", "").startswith("chart-") else None
        current = chart or self.chart()
        classes = a.get("class", "").split()
        if current and tag == "svg" and "main-svg" in classes:
            self.svg_in[current] = self.svg_in.get(current, 0) + 1
        if current and tag == "g" and "point" in classes:
            self.points_in[current] = self.points_in.get(current, 0) + 1
        if current and tag == "text" and "legendtext" in classes:
            self._legend_text = current
        if tag == "tr" and "data-department" in a:
            self.rows += 1
        if tag not in self.VOID:
            self.stack.append(chart)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._legend_text:
            self.legend_in.setdefault(self._legend_text, []).append(data)
            self._legend_text = None


def test_demo_report_renders_roadmap_table_gantt_and_budget(
    demo_report: tuple[Path, object], tmp_path: Path
) -> None:
    report, roadmap = demo_report
    probed = tmp_path / "report.html"
    probed.write_text(
        report.read_text(encoding="utf-8").replace("</body>", TABLE_PROBE + "</body>"),
        encoding="utf-8",
    )
    result = chromium("--dump-dom", probed.as_uri(), profile=tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = RenderedDom()
    dom.feed(result.stdout)

    assert dom.root.get("data-report-ready") == "true", "report.js stopped with an error"
    for chart in (charts.GANTT, charts.BUDGET, charts.RESOURCES, charts.RISK):
        assert dom.svg_in.get(chart, 0) >= 1, f"{chart} was not drawn"
    decisions = len(roadmap.decisions)  # type: ignore[attr-defined]
    assert dom.points_in.get(charts.GANTT, 0) >= decisions  # a bar per modernised system
    assert dom.points_in.get(charts.BUDGET, 0) >= 12  # bars for each quarter
    assert "capacity" in dom.legend_in.get(charts.BUDGET, [])
    retained = len(roadmap.retained)  # type: ignore[attr-defined]
    assert dom.rows == decisions + retained == 51
    assert dom.root.get("data-probe-retained") == str(retained)
    assert dom.root.get("data-probe-visible") == "51"
    best = max(roadmap.decisions, key=lambda d: d.npv)  # type: ignore[attr-defined]
    assert dom.root.get("data-probe-top") == best.system


def test_demo_report_screenshot_is_saved_as_an_artifact(
    demo_report: tuple[Path, object], tmp_path: Path
) -> None:
    report, _ = demo_report
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-demo.png"
    shot.unlink(missing_ok=True)
    result = chromium(
        f"--screenshot={shot}",
        "--window-size=1400,2400",
        "--hide-scrollbars",
        report.as_uri(),
        profile=tmp_path / "profile",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 50_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the board pack: print, no console error, screenshots ----------------------------------

# A4 landscape: 297 mm wide; the page's printable width at 10 mm margins, in CSS pixels.
A4_WIDE_MM = 297.0
PRINTABLE_PX = round((297 - 20) / 25.4 * 96)
PX_PER_MM = 96 / 25.4


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    assert CHROMIUM is not None
    opened = Browser(CHROMIUM, tmp_path_factory.mktemp("cdp-profile"))
    yield opened
    opened.close()


def test_the_page_loads_with_no_console_error_and_no_request(
    demo_report: tuple[Path, object], browser: Browser
) -> None:
    report, _ = demo_report
    browser.call("Network.enable", session=True)
    browser.open(report.as_uri())
    assert browser.evaluate("document.documentElement.getAttribute('data-report-ready')") == "true"
    assert browser.console_errors() == []
    requests = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    browser.call("Network.disable", session=True)


def test_printed_on_a4_landscape_the_gantt_spans_the_page(
    demo_report: tuple[Path, object], browser: Browser, tmp_path: Path
) -> None:
    """Laid out as the PDF is (print media, the printable width of A4 landscape), the Gantt
    is at least 80 % as wide as the page; the PDF itself is A4 landscape, page 1 the headline
    and the roadmap on a page of its own."""
    report, _ = demo_report
    browser.open(report.as_uri())
    browser.media("print")
    browser.size(PRINTABLE_PX, 718)
    box = browser.evaluate(
        "(() => { const r = document.querySelector('#" + gantt.GANTT_PRINT + " .main-svg')"
        ".getBoundingClientRect(); return [r.left, r.width, r.height]; })()"
    )
    left, width, height = box
    assert width / PX_PER_MM >= 0.8 * A4_WIDE_MM, f"the Gantt is {width / PX_PER_MM:.0f} mm wide"
    assert height > 300 and left >= 0
    labels = browser.evaluate(
        "Array.from(document.querySelectorAll('#" + gantt.GANTT_PRINT + " .ytick text'))"
        ".map(t => t.textContent)"
    )
    assert "Cloud landing zone (accounts, networking, security baseline)" in labels  # not cut
    pdf = browser.pdf()
    (tmp_path / "report.pdf").write_bytes(pdf)
    browser.media("screen")
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (842, 595)
    text = [page.extract_text() for page in reader.pages]
    assert "Department for Example" in text[0] and "OFFICIAL" in text[0]
    roadmap = next(i for i, t in enumerate(text) if "Roadmap by department" in t)
    assert "Levers" not in text[roadmap] and "Spend per quarter" not in text[roadmap]


def _clip(browser: Browser, selector: str) -> dict[str, float]:
    box = browser.evaluate(
        "(() => { const r = document.querySelector(" + json.dumps(selector) + ")"
        ".getBoundingClientRect(); return {x: r.left + window.scrollX, y: r.top + window.scrollY,"
        " width: r.width, height: r.height}; })()"
    )
    return {k: float(round(v)) for k, v in box.items()}


def test_screenshots_of_the_first_screen_a_case_and_the_levers(
    demo_report: tuple[Path, object], browser: Browser, demo_board
) -> None:  # type: ignore[no-untyped-def]
    """Committed test artifacts, for a reviewer to look at: what a board member sees first,
    one system's business case (the largest risk left), and the levers panel."""
    report, _ = demo_report
    ARTIFACTS.mkdir(exist_ok=True)
    browser.open(report.as_uri(), width=1400, height=900)
    shots = {
        "board-first-screen.png": None,
        "board-case.png": f"#case-{demo_board.evidence.risk.system}",
        "board-levers.png": "#levers",
    }
    for name, selector in shots.items():
        path = ARTIFACTS / name
        browser.screenshot(path, None if selector is None else _clip(browser, selector))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000

"""The demo's report.html rendered by headless Chromium: charts drawn, table live, screenshot.

Needs Debian's `chromium` (.ci/run installs it when missing); skipped with a reason otherwise.
The screenshot is saved as a test artifact: test-artifacts/report-demo.png (gitignored).
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from prioritiser.inventory import load_inventory
from prioritiser.reports import charts, write_reports
from prioritiser.solve import PlanOptions, plan

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
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """Plan the bundled demo (~2 s) and write its reports."""
    outdir = tmp_path_factory.mktemp("demo-report")
    inventory = load_inventory(DEMO)
    roadmap = plan(inventory, PlanOptions())
    write_reports(outdir, inventory, roadmap, {})
    return outdir / "report.html", roadmap


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

"""The demo's tracking.html in headless Chromium: no console message at all, charts drawn,
RAG table live, and a screenshot kept as test-artifacts/tracking-demo.png (committed, so a
reviewer sees the page without running anything).

Needs Debian's `chromium` (.ci/run installs it when missing); skipped with a reason otherwise.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from test_browser_report import ARTIFACTS, CHROMIUM, DEMO, FLAGS, RenderedDom

from prioritiser.reports.tracking import charts
from prioritiser.tasks import TrackRequest, track_estate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless chromium is not installed (apt-get install chromium; .ci/run does this)",
    ),
]

# Run after tracking.js: filter the RAG table to red like a reader would, and leave the count
# on <html> for --dump-dom to show.
TABLE_PROBE = """
<script>
(function () {
  var rag = document.getElementById("filter-rag");
  rag.value = "red";
  rag.dispatchEvent(new Event("change"));
  var shown = Array.prototype.filter.call(
      document.querySelectorAll("#rag-table tbody tr"), function (r) { return !r.hidden; });
  document.documentElement.setAttribute("data-probe-red", String(shown.length));
})();
</script>
"""


@pytest.fixture(scope="module")
def demo_tracking(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Track the bundled demo against its approved baseline, as of 2028-Q1 (~4 s)."""
    out = tmp_path_factory.mktemp("demo-tracking")
    # Relative to the working folder, as a user types it (the page shows it).
    baseline = Path(os.path.relpath(DEMO / "baseline" / "roadmap.json"))
    outcome = track_estate(TrackRequest(DEMO, baseline, "2028-Q1", out))
    counts = {c: outcome.tracking.count(c) for c in ("red", "amber", "green")}
    return out / "tracking.html", counts


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to the console (Chromium logs each as `INFO:CONSOLE`)."""
    return [line for line in stderr.splitlines() if re.search(r":CONSOLE[:(]", line)]


def test_tracking_html_loads_with_no_console_message_and_draws_every_chart(
    demo_tracking: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    page, counts = demo_tracking
    probed = tmp_path / "tracking.html"
    probed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", TABLE_PROBE + "</body>"),
        encoding="utf-8",
    )
    result = chromium("--dump-dom", probed.as_uri(), profile=tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    dom = RenderedDom()
    dom.feed(result.stdout)
    assert dom.root.get("data-report-ready") == "true", "tracking.js stopped with an error"
    for chart in (charts.S_CURVE, charts.BENEFITS, charts.PERFORMANCE):
        assert dom.svg_in.get(chart, 0) >= 1, f"{chart} was not drawn"
    assert {"planned value (baseline)", "earned value", "actual cost"} <= set(
        dom.legend_in.get(charts.S_CURVE, [])
    )
    assert dom.rows == sum(counts.values()) == 27  # one row per decision of the baseline
    assert dom.root.get("data-probe-red") == str(counts["red"])


def test_tracking_screenshot_is_saved_as_an_artifact(
    demo_tracking: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    page, _ = demo_tracking
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "tracking-demo.png"
    shot.unlink(missing_ok=True)
    result = chromium(
        f"--screenshot={shot}",
        "--window-size=1400,2600",
        "--hide-scrollbars",
        page.as_uri(),
        profile=tmp_path / "profile",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    assert shot.exists() and shot.stat().st_size > 50_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

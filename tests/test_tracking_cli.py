"""`prioritiser track` from the command line: bad actuals, outputs, determinism, snapshots."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "track-small"
DEMO = Path(__file__).resolve().parent.parent / "inventories" / "demo"
OUTPUTS = ("tracking.json", "tracking.md", "tracking.html", "tracking.xlsx")


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """A copy of the small fixture, its baseline beside it."""
    return shutil.copytree(SMALL, tmp_path / "estate")


def add_rows(root: Path, text: str, name: str = "zz-bad.yaml") -> Path:
    path = root / "actuals" / name
    path.write_text(text, encoding="utf-8")
    return path


def track_args(root: Path, out: Path, as_of: str = "2027-Q3", *extra: str) -> list[Any]:
    return [
        "track",
        root,
        "--baseline",
        root / "baseline.json",
        "--as-of",
        as_of,
        "-o",
        out,
        *extra,
    ]


# --- bad actuals: exit 3, file:line, nothing written -------------------------------------------

BAD_ROWS = [
    (
        "unknown system",
        "  - {system: ledgr, period: 2027-Q2, status: in_flight, percent_complete: 10}\n",
        "unknown system 'ledgr' (did you mean 'ledger'?)",
    ),
    (
        "period beyond as-of",
        "  - {system: batch, period: 2027-Q4, status: in_flight, percent_complete: 10}\n",
        "period 2027-Q4 is after --as-of 2027-Q3",
    ),
    (
        "negative spend",
        "  - {system: batch, period: 2027-Q3, status: in_flight, spend: {capex: -5000}}\n",
        "spend.capex: must be at least 0 (got -5000)",
    ),
    (
        "percent over 100",
        "  - {system: batch, period: 2027-Q3, status: in_flight, percent_complete: 130}\n",
        "percent_complete: must be at most 100 (got 130)",
    ),
    (
        "done with percent 30",
        "  - {system: batch, period: 2027-Q3, status: done, percent_complete: 30}\n",
        "status done with percent_complete 30: done means 100 % complete",
    ),
]


@pytest.mark.parametrize(("case", "row", "message"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_bad_actuals_exit_3_with_file_and_line_and_write_nothing(
    run_cli: Any, estate: Path, tmp_path: Path, case: str, row: str, message: str
) -> None:
    add_rows(estate, "# a bad row on line 3\nactuals:\n" + row)
    out = tmp_path / "out"
    result = run_cli(*track_args(estate, out))
    assert result.exit_code == 3, result.stderr
    assert "zz-bad.yaml:3: " in result.stderr
    assert message in result.stderr
    assert not out.exists()


def test_every_bad_row_is_reported_in_one_pass(run_cli: Any, estate: Path, tmp_path: Path) -> None:
    add_rows(estate, "actuals:\n" + "".join(row for _, row, _ in BAD_ROWS))
    result = run_cli(*track_args(estate, tmp_path / "out"))
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if "zz-bad.yaml:" in line]
    assert [line.split(":")[1] for line in lines] == ["2", "3", "4", "5", "6"]


def test_a_bad_csv_row_is_reported_at_its_line(run_cli: Any, estate: Path, tmp_path: Path) -> None:
    add_rows(
        estate,
        "system,period,status,spend.capex,percent_complete\n"
        "batch,2027-Q3,in_flight,1000,10\n"
        "batch,2027-Q3,in_flight,=1+2,10\n",
        "zz-bad.csv",
    )
    result = run_cli(*track_args(estate, tmp_path / "out"))
    assert result.exit_code == 3
    assert "zz-bad.csv:3: actuals[1].spend.capex: must be a plain finite number" in result.stderr
    assert "(got '=1+2')" in result.stderr


def test_validate_checks_the_actuals_too(run_cli: Any, estate: Path) -> None:
    assert run_cli("validate", estate).exit_code == 0
    add_rows(estate, "actuals:\n  - {system: batch, period: 2031-Q1, status: not_started}\n")
    result = run_cli("validate", estate)
    assert result.exit_code == 3
    assert "zz-bad.yaml:2: actuals[0].period: period 2031-Q1 is after the plan's last period" in (
        result.stderr
    )


def test_a_bad_as_of_or_baseline_is_a_usage_error(
    run_cli: Any, estate: Path, tmp_path: Path
) -> None:
    result = run_cli(*track_args(estate, tmp_path / "out", "2027-07"))
    assert result.exit_code == 2
    assert "--as-of 2027-07 is not a period of the plan (quarters, like 2027-Q1)" in result.stderr
    result = run_cli(*track_args(estate, tmp_path / "out", "2031-Q1"))
    assert result.exit_code == 2 and "outside the plan" in result.stderr
    (estate / "baseline.json").write_text(
        (estate / "baseline.json").read_text().replace('"ledger"', '"ledgr"')
    )
    result = run_cli(*track_args(estate, tmp_path / "out"))
    assert result.exit_code == 2
    assert "the baseline's system 'ledgr' is not in the inventory" in result.stderr
    assert not (tmp_path / "out").exists()


def test_rag_thresholds_in_the_wrong_order_are_an_inventory_error(
    run_cli: Any, estate: Path
) -> None:
    with (estate / "portfolio.yaml").open("a") as handle:
        handle.write("tracking:\n  cpi: {amber_below: 0.8, red_below: 0.9}\n")
    result = run_cli("validate", estate)
    assert result.exit_code == 3
    assert "portfolio.yaml:10: tracking.cpi: red_below (0.9) must not be above amber_below" in (
        result.stderr
    )


# --- the outputs ---------------------------------------------------------------------------------


def test_track_writes_every_output_and_the_reforecast_passes_check(
    run_cli: Any, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli(*track_args(SMALL, out))
    assert result.exit_code == 0, result.stderr
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    for name in ("roadmap.json", "report.html", "changes.md", "reforecast-overlay.yaml"):
        assert (out / "reforecast" / name).is_file(), name
    assert (
        "as of 2027-Q3 (undiscounted cash): EV £320k of PV £420k, AC £480k (SPI 0.76, CPI 0.67)"
        in (result.stdout)
    )
    check = run_cli(
        "check",
        SMALL,
        out / "reforecast" / "roadmap.json",
        "--scenario",
        out / "reforecast" / "reforecast-overlay.yaml",
    )
    assert check.exit_code == 0, check.stdout + check.stderr
    assert "roadmap is feasible: 4 decisions satisfy rules 1–7" in check.stdout


def test_track_outputs_are_byte_identical_across_runs(run_cli: Any, tmp_path: Path) -> None:
    for run in ("a", "b"):
        assert run_cli(*track_args(SMALL, tmp_path / run)).exit_code == 0
    files = [p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()]
    assert len(files) >= 14
    for rel in files:
        first, second = (tmp_path / "a" / rel).read_bytes(), (tmp_path / "b" / rel).read_bytes()
        if rel.name in ("manifest.json", "tracking-manifest.json"):
            continue  # timings live there
        if rel.name == "roadmap.json":
            first, second = (json.loads(x) for x in (first, second))
            for data in (first, second):
                data["solver"].pop("seconds")
        assert first == second, rel


def test_an_earlier_period_on_later_actuals_reproduces_that_periods_view(
    run_cli: Any, tmp_path: Path
) -> None:
    """Snapshots with git: actuals are appended per period; --as-of an earlier period (with
    --ignore-later-actuals) gives what `track` said then, from the files as they were."""
    then = shutil.copytree(DEMO, tmp_path / "then")
    for late in ("2027-Q4.yaml", "2028-Q1.yaml"):
        (then / "actuals" / late).unlink()
    baseline = DEMO / "baseline" / "roadmap.json"
    common = ["--baseline", baseline, "--as-of", "2027-Q3"]
    assert run_cli("track", then, *common, "-o", tmp_path / "a").exit_code == 0
    refused = run_cli("track", DEMO, *common, "-o", tmp_path / "b")
    assert refused.exit_code == 3 and "after --as-of 2027-Q3" in refused.stderr
    now = run_cli("track", DEMO, *common, "--ignore-later-actuals", "-o", tmp_path / "b")
    assert now.exit_code == 0
    a, b = (json.loads((tmp_path / x / "tracking.json").read_text()) for x in ("a", "b"))
    a.pop("inputs"), b.pop("inputs")
    assert a == b


# --- inventory text stays inert -------------------------------------------------------------------


def test_inventory_text_is_escaped_in_html_and_markdown_and_neutral_in_the_workbook(
    run_cli: Any, estate: Path, tmp_path: Path
) -> None:
    hostile_department = '=HYPERLINK("http://x")'
    hostile_name = "<script>alert(1)</script> *bold*"
    systems = yaml.safe_load((estate / "systems" / "estate.yaml").read_text())
    systems["systems"][2]["department"] = hostile_department  # the archive, which saves
    systems["systems"][2]["name"] = hostile_name
    (estate / "systems" / "estate.yaml").write_text(yaml.safe_dump(systems))
    out = tmp_path / "out"
    assert run_cli(*track_args(estate, out)).exit_code == 0
    page = (out / "tracking.html").read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    markdown = (out / "tracking.md").read_text()
    assert "<script>" not in markdown
    assert "| \\=HYPERLINK(" in markdown  # shown as typed, never a link or markup
    workbook = openpyxl.load_workbook(io.BytesIO((out / "tracking.xlsx").read_bytes()))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + hostile_department in texts
    assert not any(c.data_type == "f" for c in cells)
    with zipfile.ZipFile(out / "tracking.xlsx") as archive:
        assert all(i.date_time == (2000, 1, 1, 0, 0, 0) for i in archive.infolist())


def test_a_reforecast_no_roadmap_satisfies_exits_4_after_writing_the_tracking(
    run_cli: Any, tmp_path: Path, write_inventory: Any
) -> None:
    """The overrun of `build` fills the budget that `fix`, due by 2027-Q4, needed."""
    root = write_inventory(
        tmp_path / "estate",
        portfolio={
            "portfolio": {"name": "Tight", "start": "2027-Q1", "periods": 4},
            "resources": {"capex": {"unit": "GBP", "per_period": 100_000}},
        },
        systems=[
            {
                "id": "build",
                "name": "Build",
                "options": [
                    {
                        "id": "new",
                        "kind": "replace",
                        "duration": 2,
                        "cost": 200_000,
                        "annual_saving": 500_000,
                    }
                ],
            },
            {
                "id": "fix",
                "name": "Fix",
                "must_modernise_by": "2027-Q4",
                "options": [{"id": "patch", "kind": "rehost", "duration": 1, "cost": 100_000}],
            },
        ],
    )
    assert run_cli("plan", root, "-o", tmp_path / "plan").exit_code == 0
    (root / "actuals").mkdir()
    (root / "actuals" / "q1.yaml").write_text(
        "actuals:\n"
        "  - {system: build, period: 2027-Q1, status: in_flight, percent_complete: 25, "
        "spend: 100000}\n"
    )
    out = tmp_path / "out"
    result = run_cli(
        "track",
        root,
        "--baseline",
        tmp_path / "plan" / "roadmap.json",
        "--as-of",
        "2027-Q1",
        "-o",
        out,
    )
    assert result.exit_code == 4, result.stderr
    assert "no re-forecast from 2027-Q2 keeps the work done and in flight" in result.stderr
    data = json.loads((out / "tracking.json").read_text())
    assert data["reforecast"]["status"] == "none" and data["reforecast"]["findings"]
    assert (out / "reforecast" / "diagnosis.md").is_file()
    assert not (out / "reforecast" / "roadmap.json").exists()
    build = {s["system"]: s for s in data["systems"]}["build"]
    assert (build["ev"], build["ac"], build["cpi"]) == (50_000, 100_000, 0.5)


def test_the_stability_weight_is_money_or_a_share_and_a_bad_one_is_a_usage_error(
    run_cli: Any, tmp_path: Path
) -> None:
    assert run_cli(*track_args(SMALL, tmp_path / "a", "2027-Q3", "--stability", "0")).exit_code == 0
    manifest = json.loads((tmp_path / "a" / "reforecast" / "manifest.json").read_text())
    assert manifest["options"]["command"] == "track"
    assert manifest["options"]["stability"] == 0
    bad = run_cli(*track_args(SMALL, tmp_path / "b", "2027-Q3", "--stability", "lots"))
    assert bad.exit_code == 2 and "--stability 'lots'" in bad.stderr


def test_one_threshold_given_keeps_the_default_of_the_other(run_cli: Any, estate: Path) -> None:
    with (estate / "portfolio.yaml").open("a") as handle:
        handle.write("tracking:\n  benefits: {amber_below: 0.7}\n  cpi: {red_below: 0.5}\n")
    assert run_cli("validate", estate).exit_code == 0

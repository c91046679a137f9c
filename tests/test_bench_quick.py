"""`scripts/bench --quick` runs end to end (a smoke test: no timings are asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from examples import ON_CI

ROOT = Path(__file__).parent.parent


# Half a minute of solves that check nothing the solver tests do not: run by every local
# `./scripts/test`, left out of CI's five-minute budget (tests/examples.py says what CI is).
@pytest.mark.skipif(ON_CI, reason="the benchmark's smoke test runs locally, not on CI")
def test_quick_benchmark_prints_a_checked_table_that_beats_greedy(tmp_path: Path) -> None:
    rows_file = tmp_path / "rows.json"
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\nWritten analysis stays.\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--quick",
            "--time-limit",
            "3",
            "--no-lp",
            "--solvers",
            "highs,cbc",
            "--json",
            str(rows_file),
            "--write",
            str(report),
            "--keep",
            str(tmp_path / "estates"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "| systems | periods | solver |" in done.stdout
    rows = json.loads(rows_file.read_text(encoding="utf-8"))
    assert {(r["systems"], r["solver"]) for r in rows} == {
        (100, "highs"),
        (100, "cbc"),
        (300, "highs"),
        (300, "cbc"),
    }
    for row in rows:
        assert "error" not in row, row
        assert row["status"] in ("optimal", "feasible"), row
        assert row["check_ok"] and row["greedy_check_ok"], row
        assert row["objective"] >= row["greedy"] - 1e-6 * abs(row["greedy"]) - 1.0, row
        if row["solver"] == "highs":
            assert row["gap"] is not None, row
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nWritten analysis stays.")
    assert "<!-- bench:begin -->" in text and "xychart-beta" in text

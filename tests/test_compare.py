"""`compare`: the baseline and each scenario planned, differences listed side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prioritiser.inventory import load_inventory
from prioritiser.reports.comparison import render_json, render_markdown
from prioritiser.roadmap import Decision
from prioritiser.scenarios.compare import BASELINE, classify, compare
from prioritiser.solve import PlanOptions

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "inventories" / "demo"
SMALL = Path(__file__).parent / "fixtures" / "scenario_small"


def decision(system: str, option: str, start: str, finish: str) -> Decision:
    return Decision(system, option, "replatform", start, finish, 1.0)


@pytest.mark.slow
def test_demo_scenarios_compare_against_the_baseline_with_differences_listed(
    run_cli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "compare",
        DEMO,
        "--scenario",
        DEMO / "scenarios" / "budget-cut.yaml",
        "--scenario",
        DEMO / "scenarios" / "skills-shortage.yaml",
        "--time-limit",
        "2",
        "-o",
        out,
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "comparison.json").read_text())
    assert set(data) == {"scenarios", "differences"}
    names = [s["name"] for s in data["scenarios"]]
    assert names == [BASELINE, "budget-cut", "skills-shortage"]
    for entry in data["scenarios"]:
        assert {"name", "objective", "status", "gap", "spend_by_period"} <= set(entry)
        assert entry["status"] in ("optimal", "feasible")
        assert len(entry["spend_by_period"]) == 12
    # A 30 % capital cut cannot leave the roadmap untouched, nor raise its value.
    base, cut = data["scenarios"][0], data["scenarios"][1]
    assert cut["objective"] < base["objective"]
    # One-off spend is capital (£2.0m a quarter at most) and resource (£1.2m a quarter).
    assert max(cut["spend_by_period"].values()) <= 2_000_000 + 1_200_000 + 0.01
    assert data["differences"], "the scenarios must change some decisions"
    for row in data["differences"]:
        assert set(row) == {"system", BASELINE, "budget-cut", "skills-shortage"}
        assert any(row[name] != row[BASELINE] for name in ("budget-cut", "skills-shortage"))
    text = (out / "comparison.md").read_text()
    for heading in ("| NPV |", "## budget-cut", "## skills-shortage", "## Spend by period"):
        assert heading in text
    assert "budget-cut: NPV" in result.stdout


def test_differences_hold_only_systems_some_scenario_changes() -> None:
    baseline = load_inventory(SMALL)
    cut = load_inventory(SMALL, [SMALL / "scenarios" / "budget-cut.yaml"])
    comparison = compare(baseline, [(cut, "cut")], PlanOptions())
    rows = comparison.differences()
    assert rows
    for row in rows:
        assert row[BASELINE] != row["budget-cut"]
    changed = {row["system"] for row in rows}
    kept = {d.system for d in comparison.baseline.roadmap.decisions} - changed
    for system in kept:
        assert comparison.baseline.roadmap.decision(system) == comparison.scenarios[
            0
        ].roadmap.decision(system)
    # The JSON and the markdown are deterministic renderings of the same comparison.
    assert render_json(comparison) == render_json(comparison)
    assert "Capital falls" not in render_markdown(comparison)  # description given: "cut"
    assert "cut" in render_markdown(comparison)


def test_a_change_is_classified_as_added_dropped_delayed_brought_forward_or_switched() -> None:
    early = decision("a", "x", "2027-Q1", "2027-Q2")
    late = decision("a", "x", "2027-Q3", "2027-Q4")
    other = decision("a", "y", "2027-Q1", "2027-Q2")
    assert classify("a", early, early) is None
    assert classify("a", None, None) is None
    assert classify("a", None, early).kind == "added"
    assert classify("a", early, None).kind == "dropped"
    assert classify("a", early, late).kind == "delayed"
    assert classify("a", late, early).kind == "brought forward"
    assert classify("a", early, other).kind == "option changed"


def test_compare_defaults_to_every_overlay_in_the_inventory(run_cli, tmp_path: Path) -> None:
    result = run_cli("compare", SMALL, "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "comparison.json").read_text())
    assert [s["name"] for s in data["scenarios"]] == [BASELINE, "budget-cut", "skills-shortage"]


def test_an_infeasible_scenario_is_reported_without_stopping_the_comparison(
    run_cli, tmp_path: Path
) -> None:
    # No capital at all: the locked portal and batch-a's deadline cannot be met.
    scenario = tmp_path / "no-capital.yaml"
    scenario.write_text("name: no-capital\nresources:\n  capex: {per_period: 0}\n")
    result = run_cli("compare", SMALL, "--scenario", scenario, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "out" / "comparison.json").read_text())
    entry = data["scenarios"][1]
    assert entry["status"] == "infeasible"
    assert entry["objective"] is None
    assert all("no-capital" not in row for row in data["differences"])
    assert "infeasible" in (tmp_path / "out" / "comparison.md").read_text()


def test_two_scenarios_with_the_same_name_are_a_usage_error(run_cli, tmp_path: Path) -> None:
    cut = SMALL / "scenarios" / "budget-cut.yaml"
    result = run_cli("compare", SMALL, "--scenario", cut, "--scenario", cut, "-o", tmp_path)
    assert result.exit_code == 2
    assert "budget-cut" in result.stderr


def test_a_missing_scenario_file_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    result = run_cli("compare", SMALL, "--scenario", tmp_path / "nope.yaml", "-o", tmp_path)
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_an_infeasible_baseline_exits_4_with_the_diagnosis(
    run_cli, write_inventory, tmp_path: Path
) -> None:
    portfolio = {
        "portfolio": {"name": "Broke", "start": "2027-Q1", "periods": 4},
        "resources": {"capex": {"unit": "GBP", "per_period": 0}},
    }
    systems = [
        {
            "id": "mainframe",
            "name": "Mainframe",
            "must_modernise_by": "2027-Q4",
            "options": [{"id": "rehost", "kind": "rehost", "duration": 1, "cost": 100_000}],
        }
    ]
    root = write_inventory(tmp_path / "broke", portfolio=portfolio, systems=systems)
    scenario = tmp_path / "same.yaml"
    scenario.write_text("name: same\n")
    out = tmp_path / "out"
    result = run_cli("compare", root, "--scenario", scenario, "-o", out)
    assert result.exit_code == 4
    assert "infeasible" in result.stderr
    assert (out / "diagnosis.md").exists()
    assert not (out / "comparison.json").exists()

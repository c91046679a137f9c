"""`explain` says why a system is in or out, with numbers, and prices forcing it in.

Runs on `tests/fixtures/explain-small`: payments has a deadline and waits for identity;
reports competes with both for ten engineers and is worth less, so it is retained.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from prioritiser.cli import main
from prioritiser.explain import decision_reasons, explain_system
from prioritiser.explain.forcing import force_in
from prioritiser.inventory import load_inventory
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions, plan

SMALL = Path(__file__).parent / "fixtures" / "explain-small"
CONTRACT = {
    "system",
    "decision",
    "reasons",
    "binding_constraints",
    "alternatives",
    "forced_objective_delta",
}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run(*args: str | Path) -> Run:
    """`prioritiser ARGS` through the real entry point (exit codes included)."""
    with CliRunner().isolation() as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Run(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture(scope="module")
def baseline() -> Roadmap:
    return plan(load_inventory(SMALL), PlanOptions(gap=0.0))


def explained(roadmap: Roadmap, system: str) -> dict:
    inventory = load_inventory(SMALL)
    return explain_system(inventory, roadmap, system, PlanOptions(gap=0.0)).to_dict()


def test_the_baseline_keeps_reports_out(baseline: Roadmap) -> None:
    assert [d.system for d in baseline.decisions] == ["identity", "payments"]
    assert [r.system for r in baseline.retained] == ["archive", "mainframe-ledger", "reports"]


def test_json_follows_the_contract_exactly(baseline: Roadmap) -> None:
    for system in ("payments", "reports"):
        data = explained(baseline, system)
        assert set(data) == CONTRACT
        assert all(isinstance(r, str) and r for r in data["reasons"])
        for binding in data["binding_constraints"]:
            assert set(binding) == {"name", "periods", "detail"}
        for alternative in data["alternatives"]:
            assert set(alternative) == {"option", "kind", "start", "finish", "npv"}


def test_a_decision_names_its_timing_value_and_what_binds_it(baseline: Roadmap) -> None:
    data = explained(baseline, "payments")
    assert data["decision"]["option"] == "replace"
    assert (data["decision"]["start"], data["decision"]["finish"]) == ("2027-Q3", "2027-Q4")
    names = [b["name"] for b in data["binding_constraints"]]
    assert "deadline[payments]" in names
    assert "after[payments,identity]" in names
    text = " ".join(data["reasons"])
    assert "NPV of £4.9m" in text
    assert "per FTE-quarter of engineers, the scarcest resource" in text
    assert "exactly on the deadline" in text
    # Its best alternative is the same option earlier, which identity's timing rules out.
    best = data["alternatives"][0]
    assert (best["option"], best["start"]) == ("replace", "2027-Q1")
    assert best["npv"] > data["decision"]["npv"]
    assert "must wait for identity (after)" in text
    assert data["forced_objective_delta"] == 0.0  # already in: forcing costs nothing


def test_alternatives_are_every_other_candidate_best_first(baseline: Roadmap) -> None:
    data = explained(baseline, "payments")
    npvs = [a["npv"] for a in data["alternatives"]]
    assert npvs == sorted(npvs, reverse=True)
    # replace can start in Q1–Q3 and rehost in Q1–Q4: seven candidates, one of them chosen.
    assert len(data["alternatives"]) == 6


def test_a_retained_system_shows_what_blocks_it_and_what_forcing_costs(
    baseline: Roadmap,
) -> None:
    data = explained(baseline, "reports")
    assert data["decision"] is None
    text = " ".join(data["reasons"])
    assert "engineers" in text and "8 FTE a period" in text
    assert [b["name"] for b in data["binding_constraints"]] == ["resource_capacity[engineers]"]
    assert data["forced_objective_delta"] < 0
    assert "would displace identity (dropped" in text


def test_forcing_cost_matches_an_independent_re_solve(baseline: Roadmap, tmp_path: Path) -> None:
    overlay = tmp_path / "force.yaml"
    last = baseline.periods[-1]
    overlay.write_text(
        yaml.safe_dump({"name": "force", "systems": {"reports": {"must_modernise_by": last}}}),
        encoding="utf-8",
    )
    forced = plan(load_inventory(SMALL, [overlay]), PlanOptions(gap=0.0))
    delta = explained(baseline, "reports")["forced_objective_delta"]
    assert delta < 0
    assert baseline.objective + delta == pytest.approx(forced.objective, rel=1e-6)


def test_forcing_a_system_in_is_the_adjust_hook_on_one_option() -> None:
    inventory = load_inventory(SMALL)
    roadmap = plan(inventory, PlanOptions(gap=0.0), adjust=force_in("reports"))
    assert roadmap.decision("reports") is not None


def test_decision_reasons_give_one_line_per_decision(baseline: Roadmap) -> None:
    reasons = decision_reasons(load_inventory(SMALL), baseline)
    assert set(reasons) == {"identity", "payments"}
    assert reasons["payments"].startswith("£411k NPV per FTE-quarter of engineers")
    assert "deadline 2027-Q4" in reasons["payments"]
    assert "waits for identity" in reasons["payments"]
    assert all("\n" not in line for line in reasons.values())


# --- the command ------------------------------------------------------------------------


def test_explain_plans_first_when_no_roadmap_is_given() -> None:
    result = run("explain", SMALL, "reports")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("reports — Management reports")
    assert "Retained" in result.stdout
    assert "Change in total NPV if forced in: -£" in result.stdout


def test_explain_json_with_a_roadmap_file(baseline: Roadmap, tmp_path: Path) -> None:
    path = tmp_path / "roadmap.json"
    path.write_text(baseline.to_json(), encoding="utf-8")
    result = run("explain", SMALL, "payments", "--roadmap", path, "--format", "json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == CONTRACT
    assert data["system"] == "payments"
    assert data["decision"]["option"] == "replace"


def test_unknown_system_is_a_usage_error_with_a_suggestion() -> None:
    result = run("explain", SMALL, "payment")
    assert result.code == 2
    assert "no system 'payment'" in result.stderr and "payments" in result.stderr


def test_roadmap_from_another_horizon_is_refused(tmp_path: Path) -> None:
    data = json.loads(plan(load_inventory(SMALL)).to_json())
    data["periods"] = ["2030-Q1"]  # planned for some other horizon
    path = tmp_path / "roadmap.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("explain", SMALL, "payments", "--roadmap", path)
    assert result.code == 2
    assert "another inventory" in result.stderr


def test_explain_on_an_infeasible_estate_prints_the_diagnosis_and_exits_4() -> None:
    infeasible = Path(__file__).parent / "fixtures" / "infeasible-resource"
    result = run("explain", infeasible, "tax-ledger")
    assert result.code == 4
    assert "engineers" in result.stderr and "tax-ledger" in result.stderr


def test_a_system_without_options_cannot_be_forced_in(baseline: Roadmap) -> None:
    data = explained(baseline, "archive")
    assert data["forced_objective_delta"] is None
    assert data["alternatives"] == []
    assert "no modernisation options" in data["reasons"][0]
    assert "cannot be forced in" in data["reasons"][1]


def test_a_system_that_fits_no_roadmap_says_why_forcing_is_infeasible(
    baseline: Roadmap,
) -> None:
    data = explained(baseline, "mainframe-ledger")  # needs 12 engineers; 10 exist
    assert data["forced_objective_delta"] is None
    text = " ".join(data["reasons"])
    assert "cannot be forced in: no roadmap that includes it satisfies every rule" in text
    assert "raise engineers from 10 FTE to 12 FTE" in text

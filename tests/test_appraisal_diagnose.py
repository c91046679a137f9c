"""The diagnosis and `explain` speak the appraisal's rules: a system forbidden to run
unsupported that cannot be delivered in time is named, with what would let it fit; a
financial year's cap is a rule that can give like any other."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from conftest import write_inventory

from prioritiser.diagnose import diagnose
from prioritiser.explain import explain_system
from prioritiser.inventory import load_inventory
from prioritiser.solve import PlanOptions, plan

PORTFOLIO: dict[str, Any] = {
    "portfolio": {"name": "Diagnosis estate", "start": "2027-Q1", "periods": 6,
                  "financial_year_start": 4},
    "resources": {"capex": {"unit": "GBP", "per_period": 500_000}},
    "risk": {"unsupported": {"cost_per_year": {"critical": 1_000_000}, "forbid": ["critical"]}},
}  # fmt: skip
SYSTEMS: list[dict[str, Any]] = [
    {
        # Needs 400k a period for 2 periods and must finish by 2027-Q3 (end of support).
        "id": "ledger",
        "name": "Ledger",
        "criticality": "critical",
        "end_of_support": "2027-Q3",
        "options": [{"id": "replace", "kind": "replace", "duration": 2, "cost": 800_000}],
    },
    {
        # Locked: 300k a period over 2027-Q1..2027-Q3, leaving 200k for the ledger then.
        "id": "payroll",
        "name": "Payroll",
        "locked": {"option": "rehost", "start": "2027-Q1"},
        "options": [{"id": "rehost", "kind": "rehost", "duration": 3, "cost": 900_000}],
    },
]


def test_a_forbidden_system_that_cannot_be_delivered_in_time_is_diagnosed_by_name(
    tmp_path: Path,
) -> None:
    inventory = load_inventory(write_inventory(tmp_path, PORTFOLIO, SYSTEMS))
    assert plan(inventory).status == "infeasible"
    diagnosis = diagnose(inventory)
    text = diagnosis.render()
    assert "ledger" in diagnosis.systems
    # What would let it fit: more capex when it runs, or letting it run unsupported a while.
    assert "raise capex" in text
    assert "let ledger run unsupported" in text
    assert "risk.unsupported.forbid" in text
    assert "end of support 2027-Q3" in text


def test_mandatory_work_over_a_financial_year_cap_is_diagnosed(tmp_path: Path) -> None:
    portfolio = copy.deepcopy(PORTFOLIO)
    portfolio["resources"]["capex"] = {"unit": "GBP", "per_period": 1_000_000,
                                       "per_year": {"2027-28": 800_000}}  # fmt: skip
    inventory = load_inventory(write_inventory(tmp_path, portfolio, SYSTEMS))
    assert plan(inventory).status == "infeasible"
    diagnosis = diagnose(inventory)
    assert "resource_per_year" in diagnosis.rules
    text = diagnosis.render()
    assert "2027-28" in text and "per_year" in text


def test_explain_names_the_end_of_support_deadline_and_the_value_split(tmp_path: Path) -> None:
    portfolio = copy.deepcopy(PORTFOLIO)
    portfolio["resources"]["capex"]["per_period"] = 1_000_000
    inventory = load_inventory(write_inventory(tmp_path, portfolio, SYSTEMS))
    roadmap = plan(inventory, PlanOptions(gap=0.0))
    explanation = explain_system(inventory, roadmap, "ledger")
    names = [b.name for b in explanation.binding_constraints]
    assert "end_of_support[ledger]" in names
    text = " ".join(explanation.reasons)
    assert "critical systems may not run unsupported" in text
    assert "unsupported exposure avoided" in text


def test_explain_says_what_a_retained_system_is_exposed_to(tmp_path: Path) -> None:
    portfolio = copy.deepcopy(PORTFOLIO)
    portfolio["risk"]["unsupported"]["forbid"] = []
    portfolio["risk"]["unsupported"]["cost_per_year"] = {"medium": 40_000}
    systems = copy.deepcopy(SYSTEMS)
    systems.append({"id": "archive", "name": "Archive", "end_of_support": "2027-Q2",
                    "options": []})  # fmt: skip
    inventory = load_inventory(write_inventory(tmp_path, portfolio, systems))
    roadmap = plan(inventory, PlanOptions(gap=0.0))
    explanation = explain_system(inventory, roadmap, "archive")
    text = " ".join(explanation.reasons)
    assert "Kept as it is, it runs unsupported from 2027-Q3" in text
    assert "expected loss" in text

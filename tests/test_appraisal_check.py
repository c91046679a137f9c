"""`check` rejects every violated appraisal rule and every false appraisal figure.

Rules (`check_roadmap`): a financial year's `per_year` cap, an end of support that
`risk.unsupported.forbid` makes a deadline (retained, or finishing late), the optimism-bias
duration (the finish it gives) and draws (the resource use and capacity they give).
Figures (`certify_roadmap`): each decision's value split, duration and costs, the whole
roadmap's split and NPV, what it leaves unsupported, what its objective counts, and the
price of the forbid policy.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import write_inventory

from prioritiser.certify import certify_roadmap
from prioritiser.check import check_roadmap
from prioritiser.inventory import Inventory, load_inventory
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.policy import with_policy_cost
from prioritiser.solve import PlanOptions, plan

# Quarters from 2027-Q1, financial years from April: 2026-27 = [2027-Q1],
# 2027-28 = [2027-Q2 .. 2028-Q1], 2028-29 = [2028-Q2 .. 2028-Q4].
PORTFOLIO: dict[str, Any] = {
    "portfolio": {
        "name": "Check estate",
        "start": "2027-Q1",
        "periods": 8,
        "financial_year_start": 4,
    },
    "appraisal": {"optimism_bias": {"replace": {"cost": 0.5, "duration": 0.5}}},
    "resources": {
        "capex": {"unit": "GBP", "per_period": 1_000_000, "per_year": {"2027-28": 600_000}},
        "rdel": {"unit": "GBP", "per_period": 100_000},
    },
    "risk": {
        "unsupported": {
            "cost_per_year": {"critical": 400_000, "high": 100_000},
            "forbid": ["critical"],
        }
    },
}
SYSTEMS: list[dict[str, Any]] = [
    {
        # replace: 2 periods → 3 with bias; capex 300k → 450k (150k a period); rdel 60k → 90k.
        "id": "ledger",
        "name": "Ledger",
        "criticality": "critical",
        "end_of_support": "2027-Q4",
        "options": [
            {
                "id": "replace",
                "kind": "replace",
                "duration": 2,
                "costs": {"capex": 300_000, "rdel": 60_000},
                "annual_saving": 500_000,
            }
        ],
    },
    {
        "id": "archive",
        "name": "Archive",
        "criticality": "high",
        "end_of_support": "2027-Q1",  # unsupported from 2027-Q2 whatever the plan does
        "options": [
            {
                "id": "rehost",
                "kind": "rehost",
                "duration": 2,
                "cost": 200_000,
                "annual_saving": 90_000,
            }
        ],
    },
]


@pytest.fixture
def estate(tmp_path: Path) -> Inventory:
    return load_inventory(write_inventory(tmp_path, PORTFOLIO, SYSTEMS))


def decision(system: str, option: str, kind: str, start: str, finish: str) -> dict[str, Any]:
    return {"system": system, "option": option, "kind": kind, "start": start, "finish": finish,
            "npv": 0.0}  # fmt: skip


def rules(estate: Inventory, *decisions: dict[str, Any], **more: Any) -> list[str]:
    roadmap = Roadmap.from_dict({"status": "feasible", "decisions": list(decisions), **more})
    return [v.render() for v in check_roadmap(estate, roadmap)]


LEDGER = decision("ledger", "replace", "replace", "2027-Q1", "2027-Q3")


def test_the_planned_roadmap_passes(estate) -> None:
    roadmap = plan(estate, PlanOptions(gap=0.0))
    assert certify_roadmap(estate, Roadmap.from_dict(json.loads(roadmap.to_json()))) == []
    assert roadmap.decision("ledger").finish == "2027-Q3"  # 3 periods, optimism bias applied


def test_a_financial_year_over_its_per_year_cap_is_rejected(estate) -> None:
    # ledger 2027-Q2..Q4 draws 150k capex a period in 2027-28; archive 2027-Q2..Q3 100k a
    # period: 450k + 200k = 650k > 600k.
    found = rules(
        estate,
        decision("ledger", "replace", "replace", "2027-Q2", "2027-Q4"),
        decision("archive", "rehost", "rehost", "2027-Q2", "2027-Q3"),
    )
    assert found == [
        "rule 3 (resources): capex: 650,000 used in financial year 2027-28 (2027-Q2–2028-Q1) "
        "exceeds its per_year cap of 600,000"
    ]


def test_the_same_work_starting_in_the_earlier_financial_year_passes(estate) -> None:
    # ledger from 2027-Q1: 150k falls in 2026-27, 300k in 2027-28; with archive 500k ≤ 600k.
    found = rules(estate, LEDGER, decision("archive", "rehost", "rehost", "2027-Q2", "2027-Q3"))
    assert found == []


def test_a_forbidden_system_retained_past_its_end_of_support_is_rejected(estate) -> None:
    (found,) = rules(estate)
    assert found.startswith("rule 2 (end of support): ledger is critical and may not run")
    assert "past its end of support 2027-Q4" in found


def test_a_forbidden_system_finishing_after_its_end_of_support_is_rejected(estate) -> None:
    (found,) = rules(estate, decision("ledger", "replace", "replace", "2027-Q3", "2028-Q1"))
    assert found == (
        "rule 2 (end of support): ledger (replace) finishes in 2028-Q1, after its end of "
        "support 2027-Q4, and critical systems may not run unsupported (risk.unsupported.forbid)"
    )


def test_a_priced_system_may_run_unsupported(estate) -> None:
    assert rules(estate, LEDGER) == []  # archive (high) is retained past 2027-Q2: priced only


def test_a_finish_from_the_base_duration_is_rejected(estate) -> None:
    (found,) = rules(estate, decision("ledger", "replace", "replace", "2027-Q1", "2027-Q2"))
    assert found == (
        "rule 0 (format): ledger (replace, 3 periods with its optimism bias) starts in 2027-Q1, "
        "so its last period in flight is 2027-Q3, not 2027-Q2"
    )


def test_resource_use_stated_without_the_bias_is_rejected(estate) -> None:
    use = {"capex": {"2027-Q1": 150_000.0, "2027-Q2": 150_000.0, "2027-Q3": 150_000.0}}
    assert rules(estate, LEDGER, resource_use=use) == []
    use["capex"]["2027-Q1"] = 100_000.0  # 300k over 3 periods, as if unbiased
    (found,) = rules(estate, LEDGER, resource_use=use)
    assert "resource_use says capex uses 100,000 in 2027-Q1" in found


def test_the_uplifted_draws_are_what_capacity_is_checked_against(tmp_path: Path) -> None:
    portfolio = copy.deepcopy(PORTFOLIO)
    portfolio["resources"]["rdel"]["per_period"] = 25_000  # 60k over 3: 20k fits, 30k does not
    estate = load_inventory(write_inventory(tmp_path, portfolio, SYSTEMS))
    found = rules(estate, LEDGER)
    assert len(found) == 3 and all("rdel: 30,000 used in" in f for f in found)


# --- figures ------------------------------------------------------------------------------------


@pytest.fixture
def planned(estate) -> dict[str, Any]:
    roadmap = with_policy_cost(estate, plan(estate, PlanOptions(gap=0.0)), PlanOptions(gap=0.0))
    data = json.loads(roadmap.to_json())
    assert data["policy"] is not None
    assert certify_roadmap(estate, Roadmap.from_dict(data)) == []
    return data


def figures(estate: Inventory, data: dict[str, Any]) -> list[str]:
    return [v.message for v in certify_roadmap(estate, Roadmap.from_dict(data))]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("decisions", "ledger", "value", "cashable"), 1.0, "the roadmap states cashable of 1.00"),
        (
            ("decisions", "ledger", "value", "unsupported_avoided"),
            0.0,
            "unsupported avoided of 0.00",
        ),
        (("decisions", "ledger", "duration"), 2, "the roadmap states duration 2"),
        (("decisions", "ledger", "base_costs"), {"capex": 1.0}, "base_costs"),
        (
            ("decisions", "ledger", "costs"),
            {"capex": 300_000.0, "rdel": 60_000.0},
            "the roadmap states costs",
        ),
        (("value", "costs"), -1.0, "the roadmap states costs of -1.00 in its value split"),
        (("npv",), 1.0, "its value split adds up to"),
        (("include",), ["cashable"], "objective.include"),
        (("unsupported", 0, "exposure"), 1.0, "the roadmap's unsupported entry says exposure"),
        (("unsupported", 0, "periods"), 5, "5 periods, not 1"),
        (("unsupported", 0, "unsupported_from"), "2028-Q1", "unsupported from 2028-Q1"),
        (("policy", "cost"), 1.0, "the policy's stated cost"),
        (("policy", "low"), 1.0, "the policy's stated range"),
    ],
)
def test_a_false_appraisal_figure_is_rejected(estate, planned, path, value, message) -> None:
    data = copy.deepcopy(planned)
    target = data
    for part in path[:-1]:
        if target is data["decisions"]:
            part = next(i for i, d in enumerate(target) if d["system"] == part)
        target = target[part]
    target[path[-1]] = value
    found = figures(estate, data)
    assert any(message in f for f in found), found


def test_an_unsupported_system_left_off_the_list_is_rejected(estate, planned) -> None:
    data = copy.deepcopy(planned)
    data["unsupported"] = []
    found = figures(estate, data)
    assert any("runs unsupported from" in f and "does not list it" in f for f in found), found


def test_a_missing_appraisal_figure_is_rejected(estate, planned) -> None:
    data = copy.deepcopy(planned)
    del data["decisions"][-1]["value"]
    found = figures(estate, data)
    assert any("value is missing" in f for f in found), found


def test_check_on_the_command_line_exits_1_on_a_violated_appraisal_rule(
    tmp_path: Path, run_cli
) -> None:
    root = write_inventory(tmp_path / "inv", PORTFOLIO, SYSTEMS)
    roadmap = tmp_path / "roadmap.json"
    roadmap.write_text(json.dumps({"status": "feasible", "decisions": []}), encoding="utf-8")
    result = run_cli("check", root, roadmap)
    assert result.exit_code == 1
    assert "end of support" in result.stdout + result.stderr

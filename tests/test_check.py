"""The independent checker, rule by rule, on tests/fixtures/check (one system per rule).

Each test starts from the valid roadmap described in the fixture's portfolio.yaml, changes
one thing, and states exactly which rule must object — so a test also proves that the
change breaks nothing else.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prioritiser.check import Violation, check_roadmap
from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory, load_inventory
from prioritiser.roadmap import Roadmap, SolveStatus
from prioritiser.roadmap_file import RoadmapContentError, parse_roadmap
from prioritiser.solve import PlanOptions, plan

FIXTURE = Path(__file__).parent / "fixtures" / "check"
SCENARIOS = FIXTURE / "scenarios"
BAD = Path(__file__).parent / "fixtures" / "bad"

# system → (option, kind, start, finish): the valid roadmap of the fixture.
VALID: dict[str, tuple[str, str, str, str]] = {
    "identity": ("replatform", "replatform", "2027-Q1", "2027-Q2"),
    "archive": ("rehost", "rehost", "2027-Q1", "2027-Q1"),
    "old-reports": ("retire", "retire", "2027-Q2", "2027-Q2"),
    "billing": ("rehost", "rehost", "2027-Q2", "2027-Q3"),
    "payments": ("replace", "replace", "2027-Q3", "2028-Q1"),
    "case-a": ("rehost", "rehost", "2027-Q4", "2027-Q4"),
    "case-b": ("rehost", "rehost", "2027-Q4", "2027-Q4"),
    "ledger": ("refactor", "refactor", "2028-Q2", "2028-Q3"),
}
CLOUD = {"id": "cloud", "start": "2027-Q1", "ready": "2027-Q3"}


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return load_inventory(FIXTURE)


def roadmap_data(
    changes: dict[str, tuple[str, str, str, str] | None] | None = None,
    platforms: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The valid roadmap as roadmap.json data, with some decisions changed (None: dropped)."""
    decisions = dict(VALID)
    for system, decision in (changes or {}).items():
        if decision is None:
            decisions.pop(system, None)
        else:
            decisions[system] = decision
    return {
        "status": "optimal",
        "objective": 0.0,
        "decisions": [
            {"system": s, "option": o, "kind": k, "start": a, "finish": b, "npv": 0.0}
            for s, (o, k, a, b) in decisions.items()
        ],
        "platforms": [CLOUD] if platforms is None else platforms,
    }


def roadmap(
    changes: dict[str, tuple[str, str, str, str] | None] | None = None,
    platforms: list[dict[str, str]] | None = None,
) -> Roadmap:
    return Roadmap.from_dict(roadmap_data(changes, platforms))


def rules(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def only(violations: list[Violation], rule: str) -> Violation:
    """The single violation found, which must be of `rule`."""
    assert [v.rule for v in violations] == [rule], [v.render() for v in violations]
    return violations[0]


# --- a valid roadmap ----------------------------------------------------------------------


def test_the_valid_roadmap_passes(inventory: Inventory) -> None:
    assert check_roadmap(inventory, roadmap()) == []


def test_a_planned_roadmap_passes(inventory: Inventory) -> None:
    planned = plan(inventory, PlanOptions(gap=0.0))
    assert planned.status == "optimal"
    assert check_roadmap(inventory, planned) == []
    # and survives the round trip through roadmap.json (rounded numbers)
    assert check_roadmap(inventory, Roadmap.from_dict(json.loads(planned.to_json()))) == []


def test_a_roadmap_without_a_plan_is_reported(inventory: Inventory) -> None:
    data = roadmap_data() | {"status": "infeasible", "decisions": [], "platforms": []}
    violation = only(check_roadmap(inventory, Roadmap.from_dict(data)), "0 format")
    assert "infeasible" in violation.message


# --- rule 1 -------------------------------------------------------------------------------


def test_a_system_chosen_twice_is_rejected(inventory: Inventory) -> None:
    data = roadmap_data()
    data["decisions"].append(
        {
            "system": "archive",
            "option": "rehost",
            "kind": "rehost",
            "start": "2027-Q3",
            "finish": "2027-Q3",
            "npv": 0.0,
        }
    )
    violation = only(check_roadmap(inventory, Roadmap.from_dict(data)), "1 one option")
    assert violation.systems == ("archive",)
    assert violation.periods == ("2027-Q1", "2027-Q3")
    assert "chosen 2 times" in violation.message


def test_a_system_with_a_deadline_cannot_be_retained(inventory: Inventory) -> None:
    violation = only(
        check_roadmap(inventory, roadmap({"payments": None, "ledger": None})), "1 one option"
    )
    assert violation.systems == ("payments",)
    assert "must be modernised by 2028-Q1" in violation.message


def test_a_locked_system_must_have_its_decision(inventory: Inventory) -> None:
    violation = only(check_roadmap(inventory, roadmap({"billing": None})), "1 one option")
    assert violation.systems == ("billing",)
    assert "locked" in violation.message


# --- rule 2 -------------------------------------------------------------------------------


def test_a_deadline_miss_is_rejected(inventory: Inventory) -> None:
    changes = {
        "payments": ("replace", "replace", "2027-Q4", "2028-Q2"),
        "ledger": ("refactor", "refactor", "2028-Q3", "2028-Q4"),
    }
    violation = only(check_roadmap(inventory, roadmap(changes)), "2 windows")
    assert violation.systems == ("payments",)
    assert violation.periods == ("2028-Q2",)
    assert "after its deadline 2028-Q1" in violation.message


def test_a_locked_decision_cannot_move(inventory: Inventory) -> None:
    changes: dict[str, Any] = {
        "billing": ("rehost", "rehost", "2027-Q3", "2027-Q4"),
        "case-a": ("rehost", "rehost", "2028-Q2", "2028-Q2"),
        "case-b": ("rehost", "rehost", "2028-Q2", "2028-Q2"),
    }
    violation = only(check_roadmap(inventory, roadmap(changes)), "2 windows")
    assert violation.systems == ("billing",)
    assert "locked to rehost from 2027-Q2" in violation.message


def test_a_locked_decision_cannot_change_option(inventory: Inventory) -> None:
    changes = {"billing": ("replace", "replace", "2027-Q2", "2027-Q4")}
    violations = check_roadmap(inventory, roadmap(changes))
    assert "2 windows" in rules(violations)
    assert any("locked to rehost" in v.message for v in violations)


def test_work_before_earliest_start_is_rejected() -> None:
    late = load_inventory(FIXTURE, [SCENARIOS / "late-archive.yaml"])
    violation = only(check_roadmap(late, roadmap()), "2 windows")
    assert violation.systems == ("archive",)
    assert "before its earliest start 2027-Q2" in violation.message


def test_work_past_the_horizon_is_rejected(inventory: Inventory) -> None:
    changes = {"ledger": ("refactor", "refactor", "2028-Q4", "2029-Q1")}
    violation = only(check_roadmap(inventory, roadmap(changes)), "2 windows")
    assert "outside the horizon 2027-Q1–2028-Q4" in violation.message


# --- rule 3 -------------------------------------------------------------------------------


def test_engineers_over_capacity_are_rejected(inventory: Inventory) -> None:
    changes = {
        "case-a": ("rehost", "rehost", "2027-Q3", "2027-Q3"),
        "case-b": ("rehost", "rehost", "2027-Q3", "2027-Q3"),
    }
    violation = only(check_roadmap(inventory, roadmap(changes)), "3 resources")
    assert violation.periods == ("2027-Q3",)
    assert violation.systems == ("billing", "case-a", "case-b", "payments")
    assert violation.message.startswith("engineers: 15 used in 2027-Q3 exceeds the capacity of 14")


def test_capacity_overrides_apply(inventory: Inventory) -> None:
    # 2027-Q1 capex is overridden to 700,000: identity 400k + cloud 200k + archive 100k fits
    # exactly; the two case systems add 200k.
    changes = {
        "case-a": ("rehost", "rehost", "2027-Q1", "2027-Q1"),
        "case-b": ("rehost", "rehost", "2027-Q1", "2027-Q1"),
    }
    violations = check_roadmap(inventory, roadmap(changes))
    assert rules(violations) == {"3 resources"}
    capex = next(v for v in violations if v.message.startswith("capex"))
    assert "900,000 used in 2027-Q1 exceeds the capacity of 700,000" in capex.message
    assert "platform setup cloud" in capex.message


def test_a_resource_total_caps_the_horizon() -> None:
    tight = load_inventory(FIXTURE, [SCENARIOS / "tight-total.yaml"])
    violation = only(check_roadmap(tight, roadmap()), "3 resources")
    assert "capex: 3,800,000 used over the horizon exceeds its total of 3,000,000" in (
        violation.message
    )


def test_use_exactly_at_capacity_passes_despite_rounding_noise(inventory: Inventory) -> None:
    # 2027-Q4 engineers are exactly 14 of 14; the checker must not flag float noise.
    assert check_roadmap(inventory, roadmap()) == []


# --- rule 4 -------------------------------------------------------------------------------


def test_a_consumer_overlapping_its_provider_is_rejected(inventory: Inventory) -> None:
    changes = {"identity": ("replatform", "replatform", "2027-Q2", "2027-Q3")}
    violation = only(check_roadmap(inventory, roadmap(changes)), "4 after")
    assert violation.systems == ("payments", "identity")
    assert violation.periods == ("2027-Q3", "2027-Q3")
    assert "payments may start from 2027-Q4" in violation.message


def test_a_consumer_starting_with_the_provider_it_must_follow_is_rejected(
    inventory: Inventory,
) -> None:
    changes = {
        "ledger": ("refactor", "refactor", "2027-Q3", "2027-Q4"),  # same start as payments
        "case-a": ("rehost", "rehost", "2028-Q2", "2028-Q2"),
        "case-b": ("rehost", "rehost", "2028-Q2", "2028-Q2"),
    }
    violation = only(check_roadmap(inventory, roadmap(changes)), "4 requires")
    assert violation.systems == ("ledger", "payments")
    assert "ledger starts in 2027-Q3 but must follow payments" in violation.message


def test_requires_needs_the_provider_modernised(inventory: Inventory) -> None:
    # payments has a deadline, so retaining it also breaks rule 1.
    violations = check_roadmap(inventory, roadmap({"payments": None}))
    assert rules(violations) == {"1 one option", "4 requires"}
    requires = next(v for v in violations if v.rule == "4 requires")
    assert "retains it" in requires.message


def test_a_retiring_consumer_does_not_wait_for_what_it_uses(inventory: Inventory) -> None:
    # archive depends on old-reports (after); old-reports is retired, so rule 4 does not apply
    # and only rule 5 orders them (archive finishes 2027-Q1, before the 2027-Q2 retirement).
    assert check_roadmap(inventory, roadmap()) == []


def test_together_systems_must_start_together(inventory: Inventory) -> None:
    changes = {"case-b": ("rehost", "rehost", "2028-Q1", "2028-Q1")}
    violation = only(check_roadmap(inventory, roadmap(changes)), "4 together")
    assert violation.systems == ("case-a", "case-b")
    assert violation.periods == ("2027-Q4", "2028-Q1")


def test_together_systems_move_both_or_neither(inventory: Inventory) -> None:
    violation = only(check_roadmap(inventory, roadmap({"case-b": None})), "4 together")
    assert "case-a is modernised from 2027-Q4 but case-b" in violation.message


# --- rule 5 -------------------------------------------------------------------------------


def test_retiring_before_a_consumer_has_finished_is_rejected(inventory: Inventory) -> None:
    changes = {"old-reports": ("retire", "retire", "2027-Q1", "2027-Q1")}
    violation = only(check_roadmap(inventory, roadmap(changes)), "5 safe retirement")
    assert violation.systems == ("old-reports", "archive")
    assert violation.periods == ("2027-Q1",)
    assert "archive must finish its own change before 2027-Q1" in violation.message


def test_retiring_while_a_consumer_is_retained_is_rejected(inventory: Inventory) -> None:
    violation = only(check_roadmap(inventory, roadmap({"archive": None})), "5 safe retirement")
    assert "is retained" in violation.message


def test_an_informational_dependency_does_not_block_retirement(inventory: Inventory) -> None:
    # ledger depends on old-reports with `none` and is still in flight after the retirement.
    assert check_roadmap(inventory, roadmap()) == []


# --- rule 6 -------------------------------------------------------------------------------


def test_an_option_cannot_start_before_its_platform_is_ready(inventory: Inventory) -> None:
    late = [{"id": "cloud", "start": "2027-Q2", "ready": "2027-Q4"}]
    violation = only(check_roadmap(inventory, roadmap(platforms=late)), "6 platforms")
    assert violation.systems == ("payments",)
    assert "platform cloud is ready only from 2027-Q4" in violation.message


def test_a_required_platform_must_be_built(inventory: Inventory) -> None:
    violation = only(check_roadmap(inventory, roadmap(platforms=[])), "6 platforms")
    assert "never builds" in violation.message


def test_a_platform_is_built_once(inventory: Inventory) -> None:
    twice = [CLOUD, {"id": "cloud", "start": "2028-Q1", "ready": "2028-Q3"}]
    violations = check_roadmap(inventory, roadmap(platforms=twice))
    assert "6 platforms" in rules(violations)
    assert any("built 2 times" in v.message for v in violations)


def test_a_platform_setup_inside_the_horizon(inventory: Inventory) -> None:
    late = [CLOUD, {"id": "cloud", "start": "2028-Q4", "ready": "2029-Q2"}]
    violations = check_roadmap(inventory, roadmap(platforms=late))
    assert any("outside the horizon" in v.message for v in violations if v.rule == "6 platforms")


# --- rule 7 -------------------------------------------------------------------------------


def test_too_many_high_risk_options_in_flight_are_rejected(inventory: Inventory) -> None:
    changes = {"case-a": ("rebuild", "refactor", "2027-Q4", "2027-Q4")}
    violation = only(check_roadmap(inventory, roadmap(changes)), "7 risk")
    assert violation.systems == ("case-a", "payments")
    assert violation.periods == ("2027-Q4",)
    assert "2 high-risk options" in violation.message


def test_total_delivery_risk_is_capped(inventory: Inventory) -> None:
    risk = inventory.risk.model_copy(update={"max_total_delivery_risk": 10})
    capped = dataclasses.replace(inventory, risk=risk)
    violation = only(check_roadmap(capped, roadmap()), "7 risk")
    assert "14 points of delivery risk; the limit is 10" in violation.message


def test_changes_per_department_are_capped() -> None:
    narrow = load_inventory(FIXTURE, [SCENARIOS / "one-change-per-department.yaml"])
    violation = only(check_roadmap(narrow, roadmap()), "7 risk")
    assert violation.systems == ("case-a", "case-b")
    assert "Justice has 2 changes in flight in 2027-Q4" in violation.message


# --- rule 0: the roadmap must describe this inventory ------------------------------------


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ({"system": "mainframe"}, "unknown system 'mainframe'"),
        ({"option": "rewrite"}, "archive has no option 'rewrite' (its options: rehost)"),
        ({"start": "2027Q1"}, "archive: start '2027Q1' is not a period label like 2027-Q1"),
        ({"start": "2027"}, "archive: start '2027' is not a period label like 2027-Q1"),
        ({"finish": "2027-Q2"}, "its last period in flight is 2027-Q1, not 2027-Q2"),
        ({"kind": "replace"}, "option rehost is a rehost, not a replace"),
    ],
)
def test_malformed_decisions_are_format_violations(
    inventory: Inventory, decision: dict[str, str], expected: str
) -> None:
    data = roadmap_data()
    archive = next(d for d in data["decisions"] if d["system"] == "archive")
    archive.update(decision)
    violations = check_roadmap(inventory, Roadmap.from_dict(data))
    format_problems = [v for v in violations if v.rule == "0 format"]
    assert [v.message for v in format_problems if expected in v.message], [
        v.render() for v in violations
    ]


def test_platform_ready_must_match_its_setup(inventory: Inventory) -> None:
    wrong = [{"id": "cloud", "start": "2027-Q1", "ready": "2027-Q2"}]
    violation = only(check_roadmap(inventory, roadmap(platforms=wrong)), "0 format")
    assert "ready in 2027-Q3, not 2027-Q2" in violation.message


def test_an_unknown_platform_is_a_format_violation(inventory: Inventory) -> None:
    violations = check_roadmap(
        inventory,
        roadmap(platforms=[CLOUD, {"id": "mesh", "start": "2027-Q1", "ready": "2027-Q2"}]),
    )
    assert [v.message for v in violations] == ["unknown platform 'mesh'"]


def test_the_period_list_must_be_the_inventory_horizon(inventory: Inventory) -> None:
    data = roadmap_data() | {"periods": ["2027-Q1", "2027-Q2"]}
    violation = only(check_roadmap(inventory, Roadmap.from_dict(data)), "0 format")
    assert "2 periods" in violation.message


def test_stated_resource_use_must_match_the_decisions(inventory: Inventory) -> None:
    data = roadmap_data() | {"resource_use": {"capex": {"2027-Q1": 700000.0, "2027-Q2": 1.0}}}
    violation = only(check_roadmap(inventory, Roadmap.from_dict(data)), "0 format")
    assert "resource_use says capex uses 1 in 2027-Q2" in violation.message
    assert "use 700,000" in violation.message


def test_a_violation_renders_as_rule_number_name_and_message() -> None:
    violation = Violation("5 safe retirement", "x is retired too early", ("x",), ("2027-Q1",))
    assert violation.render() == "rule 5 (safe retirement): x is retired too early"


# --- `prioritiser check` --------------------------------------------------------------------


def write_roadmap(tmp_path: Path, data: Any, name: str = "roadmap.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def with_true_figures(data: dict[str, Any], scenarios: tuple[Path, ...] = ()) -> dict[str, Any]:
    """`data` with the NPVs, platform costs and objective the inventory gives (what `check`
    certifies on top of the rules)."""
    inventory = load_inventory(FIXTURE, scenarios)
    economics = Appraisal.of(inventory)
    axis = inventory.axis
    decisions = [
        d | {"npv": economics.npv(d["system"], d["option"], axis.index(d["start"]))}
        for d in data["decisions"]
    ]
    platforms = [
        p
        | {
            "cost_pv": economics.platform_cost_pv(
                inventory.platform(p["id"]), axis.index(p["start"])
            )
        }
        for p in data.get("platforms", [])
    ]
    objective = sum(d["npv"] for d in decisions) - sum(p["cost_pv"] for p in platforms)
    return data | {"decisions": decisions, "platforms": platforms, "objective": objective}


def test_cli_accepts_a_feasible_roadmap(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("check", FIXTURE, write_roadmap(tmp_path, with_true_figures(roadmap_data())))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "roadmap is feasible: 8 decisions satisfy rules 1–7\n"


def test_cli_lists_violations_and_exits_1(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    data = roadmap_data({"identity": ("replatform", "replatform", "2027-Q2", "2027-Q3")})
    result = run_cli("check", FIXTURE, write_roadmap(tmp_path, with_true_figures(data)))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rule 4 (after): payments starts in 2027-Q3 but must follow")
    assert lines[-1] == "roadmap is not feasible: 1 violation"


def test_cli_applies_scenarios_before_checking(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = write_roadmap(tmp_path, with_true_figures(roadmap_data()))
    result = run_cli("check", FIXTURE, path, "--scenario", SCENARIOS / "tight-total.yaml")
    assert result.exit_code == 1
    assert "rule 3 (resources): capex: 3,800,000 used over the horizon" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("{not json", "is not valid JSON (line 1, column 2"),
        ("[1, 2]", "must be a JSON object"),
        ('{"decisions": []}', "has no 'status' field"),
    ],
)
def test_cli_rejects_a_bad_roadmap_file_with_exit_2(
    tmp_path: Path, run_cli: Callable[..., Any], content: str | None, message: str
) -> None:
    path = tmp_path / "roadmap.json" if content is None else write_roadmap(tmp_path, content)
    result = run_cli("check", FIXTURE, path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr


def test_a_roadmap_file_states_its_status_in_the_one_solve_status_vocabulary() -> None:
    roadmap = parse_roadmap(json.dumps({"status": "feasible"}))
    assert roadmap.status is SolveStatus.FEASIBLE and roadmap.has_plan
    with pytest.raises(RoadmapContentError) as caught:
        parse_roadmap(json.dumps({"status": "solved"}))
    assert caught.value.problems == [
        'status: must be one of optimal, feasible, infeasible, no_solution (got "solved")'
    ]


def test_cli_exits_3_on_an_invalid_inventory(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("check", BAD, write_roadmap(tmp_path, roadmap_data()))
    assert result.exit_code == 3
    assert result.stdout == ""


def test_cli_checks_what_plan_writes(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    planned = plan(load_inventory(FIXTURE), PlanOptions(gap=0.0))
    path = tmp_path / "planned.json"
    path.write_text(planned.to_json(), encoding="utf-8")
    result = run_cli("check", FIXTURE, path)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("roadmap is feasible")

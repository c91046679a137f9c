"""Infeasible estates are diagnosed: the right rule and systems, numbers, and a fix that works.

Each `tests/fixtures/infeasible-*` estate passes validation but has no feasible roadmap for
one cause. The diagnosis must name the rule and systems, and applying the smallest relaxation
it reports (as a scenario overlay) must make the estate plannable again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from prioritiser.cli import main
from prioritiser.cli.common import EXIT_INFEASIBLE
from prioritiser.diagnose import Diagnosis, Relaxation, diagnose
from prioritiser.explain import diagnosis_markdown, diagnosis_text
from prioritiser.inventory import load_inventory
from prioritiser.solve import PlanOptions, plan

FIXTURES = Path(__file__).parent / "fixtures"


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


def diagnosed(name: str) -> Diagnosis:
    inventory = load_inventory(FIXTURES / name)
    assert plan(inventory).status == "infeasible"
    return diagnose(inventory)


def naming(items: tuple[Relaxation, ...], rule: str, *systems: str) -> list[Relaxation]:
    return [r for r in items if r.rule == rule and set(systems) <= set(r.systems)]


def feasible_with(tmp_path: Path, name: str, overlay: dict) -> bool:
    """Does the fixture plan once `overlay` (the reported fix) is applied?"""
    path = tmp_path / "fix.yaml"
    path.write_text(yaml.safe_dump({"name": "fix", **overlay}), encoding="utf-8")
    inventory = load_inventory(FIXTURES / name, [path])
    return plan(inventory, PlanOptions()).has_plan


# --- the acceptance case: a deadline that needs 10 engineers when 4 exist -------------------------


def test_deadline_needing_more_engineers_than_exist_exits_4_and_names_the_shortfall(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    result = run("plan", FIXTURES / "infeasible-resource", "-o", out)
    assert result.code == EXIT_INFEASIBLE == 4
    text = result.stdout
    assert "tax-ledger" in text
    assert "engineers" in text
    assert "2027-Q2–2027-Q3" in text  # the periods it would run in to meet its deadline
    assert "10 FTE" in text and "4 FTE" in text and "6 FTE short" in text
    assert "infeasible" in result.stderr and "diagnosis.md" in result.stderr
    data = json.loads((out / "diagnosis.json").read_text(encoding="utf-8"))
    assert data["status"] == "infeasible"
    (fix,) = data["relaxations"]
    assert fix["rule"] == "resource_capacity"
    assert fix["resource"] == "engineers"
    assert fix["systems"] == ["tax-ledger"]
    assert fix["periods"] == ["2027-Q2", "2027-Q3"]
    assert fix["amount"] == pytest.approx(6.0)
    markdown = (out / "diagnosis.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Why no roadmap is possible")
    assert "tax-ledger" in markdown and "engineers" in markdown
    assert not (out / "roadmap.json").exists()  # nothing but the diagnosis is written


def test_resource_cause_is_a_precheck_in_the_words_of_the_issue() -> None:
    diagnosis = diagnosed("infeasible-resource")
    (cause,) = naming(diagnosis.causes, "resource_capacity", "tax-ledger")
    assert cause.resource == "engineers"
    assert cause.amount == pytest.approx(6.0)
    assert cause.message.startswith("tax-ledger must finish by 2027-Q3")
    assert "raise engineers to 10 FTE in 2027-Q2–2027-Q3, or move the deadline" in cause.message


def test_raising_the_reported_capacity_makes_the_estate_plannable(tmp_path: Path) -> None:
    assert feasible_with(
        tmp_path, "infeasible-resource", {"resources": {"engineers": {"per_period": 10}}}
    )


# --- one estate per cause ---------------------------------------------------------------------


def test_deadline_behind_a_long_predecessor_is_a_deadline_problem(tmp_path: Path) -> None:
    diagnosis = diagnosed("infeasible-deadline")
    assert naming(diagnosis.causes, "deadline", "tax-returns", "ledger-core")
    (late,) = naming(diagnosis.relaxations, "deadline", "tax-returns", "ledger-core")
    assert late.amount == 3  # periods
    assert late.periods == ("2028-Q1", "2028-Q4")
    assert "ledger-core" in late.message and "2028-Q2" in late.message
    assert feasible_with(
        tmp_path,
        "infeasible-deadline",
        {"systems": {"tax-returns": {"must_modernise_by": "2028-Q4"}}},
    )


def test_lock_that_cannot_wait_for_its_predecessor_names_lock_and_dependency(
    tmp_path: Path,
) -> None:
    diagnosis = diagnosed("infeasible-lock")
    (cause,) = naming(diagnosis.causes, "lock", "billing", "ledger")
    assert "move the lock to 2027-Q3 or later" in cause.message
    # Waiving the dependency (5) is cheaper than moving in-flight work two quarters (6).
    (fix,) = diagnosis.relaxations
    assert fix.rule == "after"
    assert fix.systems == ("billing", "ledger")
    waived = {"systems": {"billing": {"depends_on": [{"system": "ledger", "constraint": "none"}]}}}
    assert feasible_with(tmp_path, "infeasible-lock", waived)


def test_two_locked_high_risk_programmes_over_the_limit_name_the_risk_rule(
    tmp_path: Path,
) -> None:
    diagnosis = diagnosed("infeasible-risk")
    (cause,) = naming(diagnosis.causes, "high_risk_in_flight", "benefits-core", "pensions-core")
    assert cause.periods == ("2027-Q2", "2027-Q3", "2027-Q4")
    (fix,) = diagnosis.relaxations
    assert fix.rule == "high_risk_in_flight"
    assert set(fix.systems) == {"benefits-core", "pensions-core"}
    assert fix.amount == 1
    assert "allow 2 high-risk projects" in fix.message
    assert feasible_with(tmp_path, "infeasible-risk", {"risk": {"max_concurrent_high_risk": 2}})


def test_move_group_without_a_common_start_names_together(tmp_path: Path) -> None:
    diagnosis = diagnosed("infeasible-together")
    (cause,) = naming(diagnosis.causes, "together", "court-cases", "court-listings")
    assert "2027-Q1" in cause.message and "earliest start 2027-Q2" in cause.message
    # The cheapest fix moves court-cases' deadline one quarter, because of its partner.
    (fix,) = diagnosis.relaxations
    assert fix.rule == "deadline"
    assert fix.systems == ("court-cases", "court-listings")
    assert "moves together with court-listings" in fix.message
    assert feasible_with(
        tmp_path,
        "infeasible-together",
        {"systems": {"court-cases": {"must_modernise_by": "2027-Q3"}}},
    )


# --- further causes, written inline ---------------------------------------------------------------


def write(root: Path, systems: list[dict], portfolio: dict | None = None, platforms=None) -> Path:
    (root / "systems").mkdir(parents=True)
    base = {
        "portfolio": {"name": "T", "start": "2027-Q1", "periods": 8},
        "resources": {"engineers": {"unit": "FTE", "per_period": 20}},
    }
    (root / "portfolio.yaml").write_text(yaml.safe_dump({**base, **(portfolio or {})}))
    (root / "systems" / "s.yaml").write_text(yaml.safe_dump({"systems": systems}))
    if platforms:
        (root / "platforms.yaml").write_text(yaml.safe_dump({"platforms": platforms}))
    return root


def option(id: str, kind: str, duration: int, **extra: object) -> dict:
    return {"id": id, "kind": kind, "duration": duration, **extra}


def test_locked_start_before_its_platform_can_be_ready(tmp_path: Path) -> None:
    root = write(
        tmp_path / "inv",
        [
            {
                "id": "portal",
                "name": "Portal",
                "locked": {"option": "move", "start": "2027-Q1"},
                "options": [option("move", "replatform", 2, requires_platforms=["cloud"])],
            }
        ],
        platforms=[{"id": "cloud", "name": "Cloud", "setup_duration": 2}],
    )
    diagnosis = diagnose(load_inventory(root))
    (cause,) = naming(diagnosis.causes, "platform_ready", "portal")
    assert "cannot be ready before 2027-Q3" in cause.message
    (fix,) = diagnosis.relaxations
    assert fix.rule == "lock" and fix.periods == ("2027-Q1", "2027-Q3")


def test_retirement_deadline_while_a_user_cannot_move_off(tmp_path: Path) -> None:
    root = write(
        tmp_path / "inv",
        [
            {
                "id": "mainframe",
                "name": "Mainframe",
                "must_modernise_by": "2027-Q4",
                "options": [option("switch-off", "retire", 1)],
            },
            {
                "id": "batch",
                "name": "Batch",
                "depends_on": [{"system": "mainframe", "constraint": "after"}],
                "options": [],
            },
        ],
    )
    diagnosis = diagnose(load_inventory(root))
    assert naming(diagnosis.causes, "safe_retirement", "mainframe", "batch")
    assert diagnosis.relaxations[0].rule == "safe_retirement"


def test_deadline_whose_options_all_wait_too_long_for_a_platform(tmp_path: Path) -> None:
    root = write(
        tmp_path / "inv",
        [
            {
                "id": "tax",
                "name": "Tax",
                "must_modernise_by": "2027-Q2",
                "options": [option("move", "replatform", 1, requires_platforms=["cloud"])],
            }
        ],
        platforms=[{"id": "cloud", "name": "Cloud", "setup_duration": 3}],
    )
    diagnosis = diagnose(load_inventory(root))
    (cause,) = naming(diagnosis.causes, "deadline", "tax")
    assert "Move the deadline to 2027-Q4" in cause.message
    (fix,) = diagnosis.relaxations
    assert fix.rule == "deadline" and fix.amount == 2


def test_total_budget_below_what_mandatory_work_needs(tmp_path: Path) -> None:
    root = write(
        tmp_path / "inv",
        [
            {
                "id": f"s{i}",
                "name": f"S{i}",
                "must_modernise_by": "2028-Q4",
                "options": [option("move", "rehost", 2, cost=400_000)],
            }
            for i in range(3)
        ],
        portfolio={
            "resources": {"capex": {"unit": "GBP", "per_period": 1_000_000, "total": 1_000_000}}
        },
    )
    diagnosis = diagnose(load_inventory(root))
    (fix,) = diagnosis.relaxations
    assert fix.rule == "resource_total" and fix.resource == "capex"
    assert fix.amount == pytest.approx(200_000)
    assert "£1.2m" in fix.message


# --- the Diagnosis itself ---------------------------------------------------------------------


def test_a_feasible_estate_needs_no_relaxation() -> None:
    diagnosis = diagnose(load_inventory(FIXTURES / "tiny"))
    assert diagnosis.causes == () and diagnosis.relaxations == ()
    assert diagnosis.penalty == pytest.approx(0.0)


def test_diagnosis_renders_as_text_json_and_markdown() -> None:
    inventory = load_inventory(FIXTURES / "infeasible-risk")
    diagnosis = diagnose(inventory)
    data = json.loads(diagnosis.to_json())
    assert set(data) == {"status", "search", "penalty", "causes", "relaxations"}
    for item in [*data["causes"], *data["relaxations"]]:
        assert set(item) == {"rule", "systems", "periods", "resource", "amount", "message"}
    text = diagnosis_text(diagnosis)
    assert text.startswith("No roadmap satisfies every rule.")
    assert "Allow 2 high-risk projects" in text  # relaxations read as instructions
    assert "## Smallest set of changes" in diagnosis_markdown(diagnosis, inventory)

"""`prioritiser import leanix`: an Application fact-sheet export with dated lifecycle phases,
LeanIX's four criticality tiers, functional and technical fit, and application relations."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_main
from leanix_fixture import PATH, build

from prioritiser.inventory import load_inventory


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    book = build(tmp_path_factory.mktemp("leanix") / "leanix.xlsx")
    out = book.parent / "estate"
    result = run_main("import", "leanix", book, "-o", out, "--start", "2027-Q1")
    assert result.exit_code == 0, result.stderr
    return out, result.stdout, result.stderr


def test_the_committed_fixture_is_what_the_builder_writes(tmp_path: Path) -> None:
    assert build(tmp_path / "again.xlsx").read_bytes() == PATH.read_bytes()


def test_applications_only_with_the_label_row_skipped(imported) -> None:
    out, stdout, _ = imported
    inventory = load_inventory(out)
    assert "ibm-z-os-2-5" not in {s.id for s in inventory.systems}  # an ITComponent row
    assert "left out 1 row(s)" in stdout
    assert "display-name" not in {s.id for s in inventory.systems}  # row 2 holds labels
    payments = inventory.system("benefits-payments")
    assert payments.department == "Customer Services" and payments.owner == "Alex Morgan"


def test_four_criticality_tiers_and_fit(imported) -> None:
    out, _, _ = imported
    inventory = load_inventory(out)
    tiers = {s.id: s.criticality for s in inventory.systems}
    assert tiers["benefits-payments"] == "critical"  # missionCritical
    assert tiers["claims-portal"] == "high"  # businessCritical
    assert tiers["expenses"] == "medium"  # businessOperational
    assert tiers["payroll-reports"] == "low"  # administrativeService
    expenses = inventory.system("expenses")
    assert (expenses.fit.functional, expenses.fit.technical) == (
        2,
        1,
    )  # insufficient, inappropriate
    case = inventory.system("case-management")
    assert (case.fit.functional, case.fit.technical) == (2, 2)  # insufficient, unreasonable


def test_the_phase_current_at_the_plan_start_decides_scope(imported) -> None:
    out, stdout, _ = imported
    inventory = load_inventory(out)
    ids = {s.id for s in inventory.systems}
    # Phased out in 2026, end of life in 2029: phasing out at 2027-Q1, so it may be retired.
    case = inventory.system("case-management")
    assert case.lifecycle == "phase_out" and "retire" in {o.kind for o in case.options}
    # End of life in 2024; still being introduced; only planned: none is modernised.
    assert not {"fax-gateway", "casework-cloud", "chatbot-pilot"} & ids
    assert "left out 3 system(s) by lifecycle" in stdout


def test_relations_and_interfaces_become_dependencies(imported) -> None:
    out, _, stderr = imported
    inventory = load_inventory(out)
    deps = {
        (s.id, d.system): (d.kind, d.constraint) for s in inventory.systems for d in s.depends_on
    }
    assert deps[("claims-portal", "benefits-payments")] == ("requires", "after")
    assert deps[("payroll-reports", "payroll")] == ("requires", "after")  # and part-of: once
    assert deps[("data-warehouse", "general-ledger")] == ("interface", "none")  # Journal Feed
    assert deps[("data-warehouse", "benefits-payments")] == ("interface", "none")
    # The successor is being introduced, so out of scope: its link is dropped, and said so.
    assert "dependency on 'casework-cloud' dropped" in stderr


def test_it_components_are_the_technology(imported) -> None:
    out, _, _ = imported
    payments = load_inventory(out).system("benefits-payments")
    assert "COBOL" in payments.technology
    assert any("cobol_specialists" in o.resource_use for o in payments.options)


def test_including_decommissioned_applications_only_ever_retires_them(
    run_cli, tmp_path: Path
) -> None:
    book = build(tmp_path / "leanix.xlsx")
    out = tmp_path / "estate"
    result = run_cli(
        "import", "leanix", book, "-o", out, "--start", "2027-Q1",
        "--include-lifecycle", "end_of_life", "--include-lifecycle", "planned",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    fax = inventory.system("fax-gateway")
    assert fax.lifecycle == "end_of_life" and [o.kind for o in fax.options] == ["retire"]
    assert {o.kind for o in inventory.system("chatbot-pilot").options} >= {"rehost"}

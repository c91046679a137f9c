"""`prioritiser import servicenow`: a cmdb_ci_business_app (or cmdb_ci_appl) list export and
cmdb_rel_ci relations, read with ServiceNow's own columns and words."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_main

from prioritiser.inventory import load_inventory

FIXTURES = Path(__file__).parent / "fixtures" / "import_servicenow"
APPS = FIXTURES / "cmdb_ci_business_app.csv"
RELATIONS = FIXTURES / "cmdb_rel_ci.csv"
APPL = FIXTURES / "cmdb_ci_appl.csv"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    out = tmp_path_factory.mktemp("servicenow") / "estate"
    result = run_main("import", "servicenow", APPS, "--relations", RELATIONS, "-o", out,
                      "--start", "2027-Q1")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out, result.stdout, result.stderr


def test_business_apps_import_by_name_with_servicenow_fields(imported) -> None:
    out, stdout, _ = imported
    inventory = load_inventory(out)
    payroll = inventory.system("payroll-processing-system")
    assert payroll.criticality == "critical"  # "1 - most critical"
    assert payroll.department == "Human Resources" and payroll.owner == "Dana Whitfield"
    assert payroll.lifecycle == "active" and payroll.time_tag == "migrate"
    assert payroll.annual_run_cost == 2_400_000
    # "COBOL, CICS, DB2" selects the mainframe templates.
    assert any("cobol_specialists" in o.resource_use for o in payroll.options)
    assert inventory.system("open-data-catalog").criticality == "low"  # "4 - not critical"
    assert inventory.portfolio.currency == "USD"  # cost_cc
    assert "imported 8 systems and 5 dependencies" in stdout


def test_lifecycle_and_disposition_decide_the_options(imported) -> None:
    out, stdout, _ = imported
    inventory = load_inventory(out)
    ids = {s.id for s in inventory.systems}
    # Retired (End of Life) and Pilot rows are out of scope, and the import says so.
    assert "document-imaging" not in ids and "ai-claims-triage-pilot" not in ids
    assert "left out 2 system(s) by lifecycle" in stdout
    # Pending Retirement + planned disposition Retire: it may only be retired.
    travel = inventory.system("legacy-travel-authorization")
    assert travel.lifecycle == "phase_out" and travel.time_tag == "eliminate"
    assert [o.kind for o in travel.options] == ["retire"]


def test_unknown_cost_stays_unknown_and_zero_stays_zero(imported) -> None:
    out, _, _ = imported
    inventory = load_inventory(out)
    assert inventory.system("case-tracking-system").annual_run_cost is None  # blank
    assert inventory.system("budget-formulation-tool").annual_run_cost is None  # "-"
    assert inventory.system("open-data-catalog").annual_run_cost == 0  # "0": free


def test_relations_map_by_type_and_the_rest_is_reported_once(imported) -> None:
    out, _, stderr = imported
    inventory = load_inventory(out)
    deps = {
        (s.id, d.system): (d.kind, d.constraint) for s in inventory.systems for d in s.depends_on
    }
    assert deps[("grants-management-portal", "identity-proofing-service")] == (
        "depends-on",
        "after",
    )
    assert deps[("payroll-processing-system", "mainframe-batch-scheduler")][1] == "after"
    assert deps[("legacy-travel-authorization", "payroll-processing-system")] == (
        "sends-data-to",
        "none",
    )
    # Servers and database instances are CIs, not applications: one grouped line.
    assert "cmdb_rel_ci.csv: warning: 4 × names a system that is not imported" in stderr
    # A relation to a retired application is dropped with it.
    assert "dependency on 'document-imaging' dropped" in stderr


def test_formula_text_is_neutralised(imported) -> None:
    out, _, stderr = imported
    case = load_inventory(out).system("case-tracking-system")
    assert case.description.startswith("HYPERLINK(")
    assert "cmdb_ci_business_app.csv:5: warning: description: starts like a spreadsheet" in stderr


def test_relation_constraint_per_type_can_be_changed(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    result = run_cli(
        "import", "servicenow", APPS, "--relations", RELATIONS, "-o", out,
        "--relation", "Sends data to::Receives data from=skip",
        "--relation", "Depends on::Used by=requires",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    travel = inventory.system("legacy-travel-authorization")
    assert travel.depends_on == []
    portal = inventory.system("grants-management-portal")
    assert [d.constraint for d in portal.depends_on] == ["requires"]


def test_cmdb_ci_appl_uses_install_and_operational_status(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    result = run_cli("import", "servicenow", APPL, "-o", out, "--include-lifecycle", "phase_out")
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    ids = {s.id for s in inventory.systems}
    assert "imaging-capture-station" not in ids  # Retired
    assert inventory.system("budget-forms-server").lifecycle == "phase_out"  # Being Decommissioned
    # No criticality in cmdb_ci_appl: the default is marked as an assumption.
    assert "criticality" in inventory.system("grants-portal-tomcat").estimated
    # A GBP cost in a USD export is left unset, not read as dollars.
    assert inventory.system("case-tracking-iis").annual_run_cost is None
    assert "'£30,000' is in GBP, the portfolio is in USD" in result.stderr

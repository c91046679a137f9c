"""`overrides/*.yaml`: corrections merged by id after every import, so `--force` keeps them."""

from __future__ import annotations

from pathlib import Path

from prioritiser.inventory import load_inventory

FIXTURES = Path(__file__).parent / "fixtures" / "import_servicenow"
APPS = FIXTURES / "cmdb_ci_business_app.csv"
RELATIONS = FIXTURES / "cmdb_rel_ci.csv"
CORRECTIONS = """\
# What the architects know better than the CMDB.
exclude: [open-data-catalog]
systems:
  budget-formulation-tool:
    annual_run_cost: 450000
    criticality: medium
  case-tracking-system:
    options:
      replace: null
      retire: {kind: retire, duration: 1, cost: 20000, annual_saving: 100000}
  grants-management-portal:
    depends_on:
      identity-proofing-service: {constraint: none}
  identity-proofing-service:
    lifecycle: phase_out
  ghost-system: {annual_run_cost: 1}
  new-system:
    name: Records cloud
    department: Records Management
    annual_run_cost: 200000
platforms:
  cloud-landing-zone: {setup_cost: 500000}
resources:
  capex: {per_period: 2000000}
risk:
  max_concurrent_high_risk: 3
"""


def _import(run_cli, out: Path, *extra: str):
    return run_cli(
        "import", "servicenow", APPS, "--relations", RELATIONS, "-o", out, "--start", "2027-Q1",
        *extra,
    )  # fmt: skip


def test_reimport_with_force_keeps_every_override(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    assert _import(run_cli, out).exit_code == 0
    (out / "overrides").mkdir()
    (out / "overrides" / "corrections.yaml").write_text(CORRECTIONS, encoding="utf-8")
    before = (out / "overrides" / "corrections.yaml").read_bytes()
    for _ in range(2):  # once to apply, once more to show it survives another --force
        result = _import(run_cli, out, "--force")
        assert result.exit_code == 0, result.stderr
        inventory = load_inventory(out)
        ids = {s.id for s in inventory.systems}
        assert "open-data-catalog" not in ids and "new-system" in ids  # exclusion, addition
        budget = inventory.system("budget-formulation-tool")
        assert budget.annual_run_cost == 450_000 and budget.criticality == "medium"  # costs
        assert "annual_run_cost" not in budget.estimated and "criticality" not in budget.estimated
        # Options are scaled from the corrected run cost, not the assumed one.
        assert not any("assumed" in o.description for o in budget.options)
        case = inventory.system("case-tracking-system")
        kinds = {o.id: (o.kind, o.estimated) for o in case.options}
        assert "replace" not in kinds and kinds["retire"] == ("retire", False)  # options
        portal = inventory.system("grants-management-portal")
        assert [(d.system, d.constraint) for d in portal.depends_on] == [
            ("identity-proofing-service", "none")  # constraints
        ]
        identity = inventory.system("identity-proofing-service")
        assert "retire" in {o.kind for o in identity.options}  # a corrected lifecycle counts
        assert inventory.platform("cloud-landing-zone").setup_cost == 500_000
        assert inventory.resources["capex"].per_period == 2_000_000
        assert inventory.risk.max_concurrent_high_risk == 3
    assert (out / "overrides" / "corrections.yaml").read_bytes() == before  # never rewritten
    assert "applied 9 override(s) from" in result.stdout
    assert "corrections.yaml:4: budget-formulation-tool: annual_run_cost, criticality" in (
        result.stdout
    )
    assert "corrections.yaml:16: warning: systems.ghost-system: matches no imported system" in (
        result.stderr
    )


def test_an_invalid_override_is_reported_with_its_line_and_nothing_is_written(
    run_cli, tmp_path: Path
) -> None:
    out = tmp_path / "estate"
    (out / "overrides").mkdir(parents=True)
    (out / "overrides" / "bad.yaml").write_text(
        "systems:\n  payroll-processing-system:\n    criticality: extreme\nsytems: {}\n",
        encoding="utf-8",
    )
    result = _import(run_cli, out)
    assert result.exit_code == 3
    assert "bad.yaml:4: unknown key 'sytems' (did you mean 'systems'?)" in result.stderr
    assert not (out / "portfolio.yaml").exists()


def test_an_override_cannot_modernise_a_decommissioned_system(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    (out / "overrides").mkdir(parents=True)
    (out / "overrides" / "fax.yaml").write_text(
        "systems:\n  document-imaging:\n    options:\n"
        "      rehost: {kind: rehost, duration: 2, cost: 50000}\n",
        encoding="utf-8",
    )
    result = _import(run_cli, out, "--include-lifecycle", "end_of_life")
    assert result.exit_code == 3
    assert "fax.yaml:2: document-imaging: 'document-imaging' is decommissioned" in result.stderr
    # Left out by its lifecycle, the override is not applied and the import says so.
    result = _import(run_cli, out)
    assert result.exit_code == 0, result.stderr
    assert "options and depends_on not applied: the system is left out" in result.stderr


def test_validate_rejects_modernising_a_decommissioned_system(write_inventory, run_cli, tmp_path):
    root = write_inventory(
        tmp_path / "estate",
        systems=[
            {
                "id": "fax",
                "name": "Fax",
                "lifecycle": "end_of_life",
                "options": [{"id": "rehost", "kind": "rehost", "duration": 1}],
            }
        ],
    )
    result = run_cli("validate", root)
    assert result.exit_code == 3
    assert "lifecycle is end_of_life (decommissioned); only a retire option is allowed" in (
        result.stderr
    )

"""Backstage as a portfolio: a root Location, Group hierarchy, System-level planning, entity
types, subcomponents, lifecycle and a lint of misplaced keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_main

from prioritiser.inventory import load_inventory
from prioritiser.inventory.importers import BackstageOptions, import_backstage

CATALOG = Path(__file__).parent / "fixtures" / "import_backstage_org"
ROOT = CATALOG / "catalog-info.yaml"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    out = tmp_path_factory.mktemp("backstage") / "estate"
    result = run_main("import", "backstage", ROOT, "-o", out, "--start", "2027-Q1")
    assert result.exit_code == 0, result.stderr
    return out, result.stdout, result.stderr


def test_a_root_location_file_imports_the_catalog_it_registers(imported) -> None:
    out, stdout, _ = imported
    inventory = load_inventory(out)
    assert sorted(s.id for s in inventory.systems) == [
        "identity-admin",
        "identity-service",
        "payments-api",
        "payments-batch",
        "payments-db",
    ]
    assert "1 Location" in stdout and "2 System" in stdout  # systems/*.yaml: a glob target


def test_locations_never_fetch_urls_nor_leave_the_catalog_root(imported) -> None:
    _, _, stderr = imported
    assert "catalog-info.yaml:14: warning: location:default/agency-catalog: target " in stderr
    assert "is a URL; targets are never fetched" in stderr
    assert "'../outside-the-catalog.yaml' is outside the catalog root" in stderr
    assert "outside" not in {s.id for s in import_backstage(ROOT).systems}


def test_departments_roll_up_the_group_hierarchy(imported) -> None:
    out, _, _ = imported
    inventory = load_inventory(out)
    # payments-team → benefits-directorate (a directorate).
    assert inventory.system("payments-api").department == "benefits-directorate"
    # identity-team → digital-services (a department).
    assert inventory.system("identity-service").department == "digital-services"
    # Owned by a user: their group platform-team → digital-services.
    assert inventory.system("identity-admin").department == "digital-services"
    result = import_backstage(ROOT, BackstageOptions(department_types=("team",)))
    assert {s.id: s.department for s in result.systems}["payments-api"] == "payments-team"


def test_subcomponents_move_together_and_libraries_are_not_planned(imported) -> None:
    out, stdout, stderr = imported
    inventory = load_inventory(out)
    batch = inventory.system("payments-batch")
    assert [(d.system, d.kind, d.constraint) for d in batch.depends_on] == [
        ("payments-api", "subcomponent", "together")
    ]
    assert "1 Component (library) not planned" in stdout
    assert "'component:default/shared-logging-lib' is a library, not planned" in stderr
    everything = import_backstage(ROOT, BackstageOptions(types=("all",)))
    assert "shared-logging-lib" in {s.id for s in everything.systems}
    services = import_backstage(ROOT, BackstageOptions(types=("website",)))
    assert {s.id for s in services.systems} == {"identity-admin", "claims-bot"}


def test_a_decommissioned_entity_never_gets_a_modernising_option(tmp_path: Path) -> None:
    default = tmp_path / "default"
    assert run_main("import", "backstage", ROOT, "-o", default).exit_code == 0
    assert "fax-gateway" not in {s.id for s in load_inventory(default).systems}
    included = tmp_path / "included"
    result = run_main(
        "import", "backstage", ROOT, "-o", included, "--include-lifecycle", "end_of_life"
    )
    assert result.exit_code == 0, result.stderr
    fax = load_inventory(included).system("fax-gateway")
    assert fax.lifecycle == "end_of_life" and [o.kind for o in fax.options] == ["retire"]


def test_lint_names_misplaced_keys_and_annotation_typos(imported) -> None:
    _, _, stderr = imported
    assert "metadata.dependsOn is not a Backstage key here: it belongs under spec" in stderr
    assert "spec.tag is not a Backstage key (did you mean 'tags' under metadata?)" in stderr
    assert "unknown annotation prioritiser/run-cost (did you mean " in stderr
    assert "'prioritiser/annual-run-cost'?" in stderr


def test_system_level_planning_aggregates_components(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    result = run_main("import", "backstage", ROOT, "-o", out, "--unit", "system")
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    assert sorted(s.id for s in inventory.systems) == ["benefits-platform", "identity-platform"]
    benefits = inventory.system("benefits-platform")
    # $1.2m + $2.8m + $0.4m; the decommissioned fax gateway adds nothing, the trial bot's
    # unknown cost makes the sum an estimate.
    assert benefits.annual_run_cost == 4_400_000 and "annual_run_cost" in benefits.estimated
    assert benefits.criticality == "critical" and benefits.lifecycle == "active"
    assert benefits.legacy_risk.skills == 5  # its COBOL batch
    assert benefits.department == "benefits-directorate"
    # payments-api consumes identity-api: the systems depend on each other, for analytics.
    assert [(d.system, d.constraint) for d in benefits.depends_on] == [
        ("identity-platform", "none")
    ]
    assert inventory.portfolio.currency == "USD"  # the annotations say $


def test_a_system_level_catalog_without_components_imports_its_systems(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "systems.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: tax-platform\n"
        "  annotations:\n    prioritiser/annual-run-cost: '1500000'\n    prioritiser/criticality: high\n"
        "spec:\n  owner: revenue\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: customs\n"
        "spec:\n  owner: revenue\n",
        encoding="utf-8",
    )
    out = tmp_path / "estate"
    result = run_main("import", "backstage", tmp_path / "catalog", "-o", out, "--unit", "system")
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    assert inventory.system("tax-platform").annual_run_cost == 1_500_000
    assert inventory.system("customs").annual_run_cost is None

"""`prioritiser import backstage`: catalog entities to systems, references resolved or reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from prioritiser.cli import cli
from prioritiser.inventory import check_inventory, load_inventory
from prioritiser.inventory.importers import import_backstage
from prioritiser.inventory.importers.backstage import parse_legacy_risk, parse_ref
from prioritiser.inventory.importers.yamldocs import load_yaml_documents_text

FIXTURES = Path(__file__).parent / "fixtures"
CATALOG = FIXTURES / "import_backstage"
BAD_CATALOG = FIXTURES / "import_backstage_bad"


def deps(inventory, system_id: str) -> set[tuple[str, str, str]]:
    return {(d.system, d.kind, d.constraint) for d in inventory.system(system_id).depends_on}


def test_catalog_imports_four_systems_with_all_dependencies_and_validates(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    result = CliRunner().invoke(cli, ["import", "backstage", str(CATALOG), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "imported 4 systems (3 Component, 1 Resource) and 4 dependencies" in result.output
    assert "read for context: 1 Group, 1 System" in result.output
    inventory, problems = check_inventory(out)
    assert inventory is not None and not problems
    assert sorted(s.id for s in inventory.systems) == [
        "benefits-payments",
        "citizen-identity",
        "claims-portal",
        "payments-db",
    ]
    # dependsOn with kind+namespace, kind only; a bare ref; dependencyOf from the Resource.
    assert deps(inventory, "benefits-payments") == {
        ("citizen-identity", "component", "after"),
        ("payments-db", "resource", "after"),
    }
    assert deps(inventory, "claims-portal") == {
        ("citizen-identity", "component", "after"),
        ("payments-db", "resource", "after"),
    }
    assert deps(inventory, "citizen-identity") == set()
    assert deps(inventory, "payments-db") == set()


def test_catalog_fields_come_from_metadata_owner_and_annotations(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    CliRunner().invoke(cli, ["import", "backstage", str(CATALOG), "-o", str(out)])
    inventory = load_inventory(out)
    payments = inventory.system("benefits-payments")
    assert payments.name == "Benefits payment mainframe"
    assert payments.department == "dwp-benefits"  # group:default/dwp-benefits
    assert payments.criticality == "critical"
    assert payments.annual_run_cost == 4_200_000
    assert payments.end_of_support == "2028-Q2"
    assert payments.technology == "cobol, batch"
    # deprecated lifecycle raises risk; the cobol tag selects the mainframe templates.
    assert payments.legacy_risk.security >= 4 and payments.legacy_risk.supportability >= 4
    assert payments.legacy_risk.skills == 5
    assert any("cobol_specialists" in o.resource_use for o in payments.options)
    portal = inventory.system("claims-portal")
    assert portal.criticality == "high"  # "Tier 2"
    assert portal.annual_run_cost == 350_000  # "£350k"
    assert inventory.system("citizen-identity").department == "Shared Services"
    # No owner: the owner of its spec.system.
    assert inventory.system("payments-db").department == "dwp-benefits"


def test_every_imported_option_is_templated_and_marked_estimated(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    CliRunner().invoke(cli, ["import", "backstage", str(CATALOG), "-o", str(out)])
    inventory = load_inventory(out)
    options = [o for s in inventory.systems for o in s.options]
    assert len(options) == 13
    assert all(o.estimated for o in options)
    assert {o.kind for o in options} == {"rehost", "replatform", "replace", "retire"}
    # The deprecated (phase_out) component may also be retired; the others may not.
    retirable = [s.id for s in inventory.systems if any(o.kind == "retire" for o in s.options)]
    assert retirable == ["benefits-payments"]
    assert [p.id for p in inventory.platforms] == ["cloud-landing-zone"]
    assert "estimated" in (out / "systems" / "dwp-benefits.yaml").read_text()


def test_unresolvable_reference_is_reported_with_file_and_line(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    result = run_cli("import", "backstage", BAD_CATALOG, "-o", out)
    assert result.exit_code == 0, result.stderr
    catalog = "tests/fixtures/import_backstage_bad/catalog-info.yaml"
    assert f"{catalog}:12: warning:" in result.stderr
    assert "cannot resolve reference 'component:default/ghost-service'" in result.stderr
    assert f"{catalog}:14: warning:" in result.stderr
    assert "is a System, not a Component or Resource" in result.stderr
    assert f"{catalog}:7: warning:" in result.stderr and "'lots'" in result.stderr
    inventory = load_inventory(out)
    assert deps(inventory, "case-management") == {("case-db", "resource", "after")}


def test_reference_missing_from_a_single_file_is_reported_not_dropped() -> None:
    result = import_backstage(CATALOG / "catalog-info.yaml")
    assert len(result.systems) == 3
    [problem] = result.skipped
    assert problem.location is not None
    assert problem.location.file.endswith("catalog-info.yaml") and problem.location.line == 37
    assert "resource:payments-db" in problem.message


def test_strict_writes_nothing_when_something_was_skipped(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    result = run_cli("import", "backstage", BAD_CATALOG, "-o", out, "--strict")
    assert result.exit_code == 3
    assert not (out / "portfolio.yaml").exists()


def test_refuses_to_overwrite_an_inventory_without_force(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    assert run_cli("import", "backstage", CATALOG, "-o", out).exit_code == 0
    before = (out / "portfolio.yaml").read_bytes()
    again = run_cli("import", "backstage", BAD_CATALOG, "-o", out)
    assert again.exit_code == 2
    assert "already holds an inventory" in again.stderr and "--force" in again.stderr
    assert (out / "portfolio.yaml").read_bytes() == before
    forced = run_cli("import", "backstage", BAD_CATALOG, "-o", out, "--force")
    assert forced.exit_code == 0, forced.stderr
    # The old department file is gone: the folder holds exactly the new inventory.
    assert not (out / "systems" / "shared-services.yaml").exists()
    assert sorted(s.id for s in load_inventory(out).systems) == ["case-db", "case-management"]


def test_consumed_api_links_consumer_to_provider_for_analytics_only(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        """\
kind: API
metadata: {name: claims-api}
---
kind: Component
metadata: {name: claims-service}
spec: {owner: team-a, providesApis: [claims-api]}
---
kind: Component
metadata: {name: web-frontend}
spec: {owner: team-a, consumesApis: ["api:claims-api"]}
""",
        encoding="utf-8",
    )
    result = import_backstage(catalog)
    frontend = next(s for s in result.systems if s.id == "web-frontend")
    assert [(d.system, d.kind, d.constraint) for d in frontend.depends_on] == [
        ("claims-service", "api", "none")
    ]
    assert result.context == {"API": 1}


def test_same_name_in_two_namespaces_gets_distinct_ids(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        """\
kind: Component
metadata: {name: billing, namespace: finance}
spec: {dependsOn: [billing]}
---
kind: Component
metadata: {name: billing}
spec: {dependsOn: ["component:finance/billing"]}
""",
        encoding="utf-8",
    )
    result = import_backstage(catalog)
    ids = sorted(s.id for s in result.systems)
    assert ids == ["billing", "finance-billing"]
    by_id = {s.id: s for s in result.systems}
    assert [d.system for d in by_id["billing"].depends_on] == ["finance-billing"]
    # A bare ref resolves in the referrer's own namespace: finance/billing depends on itself.
    assert any("depends on itself" in p.message for p in result.skipped)


def test_ambiguous_bare_reference_is_reported(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        """\
kind: Component
metadata: {name: store}
---
kind: Resource
metadata: {name: store}
---
kind: Component
metadata: {name: app}
spec:
  dependsOn:
    - store
""",
        encoding="utf-8",
    )
    result = import_backstage(catalog)
    [problem] = result.skipped
    assert "ambiguous" in problem.message and problem.location.line == 11  # type: ignore[union-attr]
    assert sorted(s.id for s in result.systems) == ["app", "store", "store-2"]


def test_unsafe_yaml_is_refused_not_executed(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "kind: Component\nmetadata: {name: ok}\n---\n"
        "kind: Component\nmetadata:\n  name: !!python/object/apply:os.system ['echo pwned']\n",
        encoding="utf-8",
    )
    result = import_backstage(catalog)
    assert [s.id for s in result.systems] == ["ok"]
    assert any("not allowed" in p.message and p.location.line == 6 for p in result.skipped)  # type: ignore[union-attr]


def test_multi_document_loader_keeps_lines_per_document() -> None:
    documents, problems = load_yaml_documents_text(
        "a: 1\n---\n# comment\nb:\n  - x\n---\n---\nc: [1, 2]\n", "f.yaml"
    )
    assert problems == []
    assert [d.data for d in documents] == [{"a": 1}, {"b": ["x"]}, {"c": [1, 2]}]
    assert documents[1].location(("b", 0)).line == 5


def test_broken_document_keeps_earlier_documents_and_reports_line() -> None:
    documents, problems = load_yaml_documents_text("a: 1\n---\nb: [1,\n", "f.yaml")
    assert [d.data for d in documents] == [{"a": 1}]
    assert problems and problems[0].location.file == "f.yaml"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("ref", "parsed"),
    [
        ("component:default/x", ("component", "default", "x")),
        ("Resource:x", ("resource", None, "x")),
        ("team/x", (None, "team", "x")),
        ("x", (None, None, "x")),
        ("a:b:c", None),
    ],
)
def test_entity_refs_parse(ref: str, parsed: object) -> None:
    assert parse_ref(ref) == parsed


def test_legacy_risk_annotation_parses_and_rejects_nonsense() -> None:
    assert parse_legacy_risk("security=5, skills=4") == {"security": 5, "skills": 4}
    with pytest.raises(ValueError, match="dimension"):
        parse_legacy_risk("danger=9")

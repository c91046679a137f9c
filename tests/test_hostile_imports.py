"""Hostile sources for every importer: the reliability guarantees hold for the import paths
too (docs/reliability.md). A Backstage catalog, the files its Locations name, an inventory's
`overrides/*.yaml`, and every workbook a table import opens are read under the same rules
as an inventory: nothing outside the root, one alias budget per load, unpacked sizes
checked before parsing; and whatever text they carry stays inert in every output.
"""

from __future__ import annotations

import shutil
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from test_hostile_outputs import DDE, FORMULA, IMAGE, LINK, SCRIPT, assert_folder_inert

from prioritiser.inventory import load_inventory
from prioritiser.inventory.importers.backstage import import_backstage

FIXTURES = Path(__file__).parent / "fixtures"
SERVICENOW = FIXTURES / "import_servicenow" / "cmdb_ci_business_app.csv"
SECRET_ENTITY = (
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: secret-system}\n"
    "spec: {type: service, owner: spies}\n"
)
# One document expanding to about 11,000 nodes from 40 distinct ones: well under the
# allowance alone, far over it when every file of a load may spend it again.
SMALL_BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
)


def location(*targets: str) -> str:
    listed = ", ".join(f"'{t}'" for t in targets)
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\n"
        f"spec: {{targets: [{listed}]}}\n"
    )


def clean(result) -> None:
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "internal error" not in text, text


# --- Backstage: Location targets stay inside the catalog, one alias budget -----------------------


@pytest.mark.parametrize("target", ["./leak.yaml", "./*.yaml"])
def test_a_location_target_leading_out_through_a_symlink_is_not_read(
    tmp_path: Path, target: str
) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "catalog-info.yaml").write_text(location(target))
    (tmp_path / "secret.yaml").write_text(SECRET_ENTITY)
    (catalog / "leak.yaml").symlink_to(tmp_path / "secret.yaml")
    result = import_backstage(catalog / "catalog-info.yaml")  # the file itself is the source
    assert "secret-system" not in {s.id for s in result.systems}
    refusals = [p.message for p in result.skipped if "outside the catalog folder" in p.message]
    assert refusals and "not read" in refusals[0]


def test_a_location_target_written_outside_is_refused_by_the_same_check(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (tmp_path / "secret.yaml").write_text(SECRET_ENTITY)
    (catalog / "catalog-info.yaml").write_text(location("../secret.yaml", str(tmp_path) + "/*"))
    result = import_backstage(catalog)
    assert "secret-system" not in {s.id for s in result.systems}
    assert any("is outside the catalog root" in p.message for p in result.skipped)


def test_one_alias_budget_spans_every_file_the_locations_name(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    (catalog / "parts").mkdir(parents=True)
    for i in range(60):
        (catalog / "parts" / f"part-{i:02d}.yaml").write_text(SMALL_BOMB)
    # The SOURCE is the one file: the others are reached only by following its Location.
    (catalog / "catalog-info.yaml").write_text(location("./parts/*.yaml"))
    began = time.monotonic()
    result = import_backstage(catalog / "catalog-info.yaml")
    assert time.monotonic() - began < 10
    assert any("alias bomb" in p.message for p in result.skipped)


# --- overrides/*.yaml: read like the inventory's own files ----------------------------------------


def _servicenow(run_cli: Callable, out: Path):
    return run_cli("import", "servicenow", SERVICENOW, "-o", out, "--start", "2027-Q1")


def test_an_overrides_file_linking_outside_the_inventory_is_refused(
    run_cli: Callable, tmp_path: Path
) -> None:
    out = tmp_path / "estate"
    (out / "overrides").mkdir(parents=True)
    secret = tmp_path / "secret.yaml"
    secret.write_text("systems: {payroll-processing-system: {name: leaked-name}}\n")
    (out / "overrides" / "leak.yaml").symlink_to(secret)
    result = _servicenow(run_cli, out)
    clean(result)
    assert result.exit_code == 3, result.stderr
    assert "outside the inventory" in result.stderr
    assert "leaked-name" not in result.stdout + result.stderr
    assert not (out / "portfolio.yaml").exists()


def test_one_alias_budget_spans_every_overrides_file(run_cli: Callable, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    (out / "overrides").mkdir(parents=True)
    for i in range(15):
        bomb = textwrap.indent(SMALL_BOMB, "    ")
        (out / "overrides" / f"o-{i:02d}.yaml").write_text(f"systems:\n  x{i}:\n{bomb}")
    result = _servicenow(run_cli, out)
    clean(result)
    assert result.exit_code == 3, result.stderr
    assert "alias bomb" in result.stderr


# --- every workbook a table import opens is size-checked first -----------------------------------


def _workbook_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 400_000)  # 2.4 MB, compresses
    return path


@pytest.mark.parametrize(
    "command",
    [
        ("xlsx", "{book}"),
        ("leanix", "{book}"),
        ("servicenow", "{book}"),
        ("csv", str(FIXTURES / "import_csv" / "apps.csv"), "--dependencies", "{book}"),
    ],
    ids=["xlsx", "leanix", "servicenow", "csv-dependencies"],
)
def test_every_table_import_checks_a_workbooks_unpacked_size(
    run_cli: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv("PRIORITISER_MAX_FILE_BYTES", str(1_000_000))
    book = _workbook_bomb(tmp_path / "bomb.xlsx")
    args = [a.format(book=book) for a in command]
    began = time.monotonic()
    result = run_cli("import", *args, "-o", tmp_path / "estate")
    assert time.monotonic() - began < 5
    clean(result)
    assert result.exit_code == 2, result.stderr
    assert "unpacks to 2,4" in result.stderr


# --- text from a source stays inert through import, plan and every report ------------------------


def test_hostile_cells_of_a_register_stay_inert_beside_the_estimates_banner(
    run_cli: Callable, tmp_path: Path
) -> None:
    source = tmp_path / "register.csv"
    quoted = FORMULA.replace('"', '""')
    source.write_text(
        "id,name,department,owner,technology,criticality,lifecycle\n"
        f'billing,"{quoted}","{DDE}",{SCRIPT},{IMAGE},high,active\n'
        f'ledger,{LINK},@Tax,=owner(),"+cmd",medium,phase_out\n',
        encoding="utf-8",
    )
    estate = tmp_path / "estate"
    imported = run_cli("import", "csv", source, "-o", estate, "--start", "2027-Q1")
    assert imported.exit_code == 0, imported.stderr
    # Two layers: the importer drops leading `= + - @` and says so; markup is kept as text,
    # which every output then escapes.
    assert "starts like a spreadsheet formula" in imported.stdout + imported.stderr
    inventory = load_inventory(estate)
    billing, ledger = inventory.system("billing"), inventory.system("ledger")
    assert (billing.name, billing.department) == (FORMULA[1:], DDE[1:])
    assert (billing.owner, billing.technology, ledger.name) == (SCRIPT, IMAGE, LINK)
    assert (ledger.owner, ledger.lifecycle) == ("owner()", "phase_out")
    out = tmp_path / "out"
    result = run_cli("plan", estate, "-o", out)
    assert result.exit_code == 0, result.stderr
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "**Estimates:**" in summary  # every option is templated, and says so
    assert 'id="estimates"' in (out / "report.html").read_text(encoding="utf-8")
    assert_folder_inert(out)


def test_a_hostile_backstage_catalog_plans_into_inert_outputs(
    run_cli: Callable, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "import_backstage", catalog)
    (catalog / "hostile.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        "metadata:\n  name: hostile\n"
        f"  title: '{FORMULA.replace(chr(39), chr(39) * 2)}'\n"
        "  annotations:\n"
        f"    prioritiser/department: '{DDE.replace(chr(39), chr(39) * 2)}'\n"
        f"    prioritiser/owner: '{SCRIPT}'\n"
        "spec: {type: service, lifecycle: production, owner: team-a}\n",
        encoding="utf-8",
    )
    estate = tmp_path / "estate"
    imported = run_cli("import", "backstage", catalog, "-o", estate, "--start", "2027-Q1")
    assert imported.exit_code == 0, imported.stderr
    hostile = load_inventory(estate).system("hostile")
    assert (hostile.name, hostile.department, hostile.owner) == (FORMULA[1:], DDE[1:], SCRIPT)
    out = tmp_path / "out"
    result = run_cli("plan", estate, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert_folder_inert(out)

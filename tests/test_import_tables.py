"""`prioritiser import csv|xlsx`: CMDB exports to systems, with row numbers in every problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from prioritiser.cli import cli
from prioritiser.inventory import check_inventory, load_inventory
from prioritiser.inventory.importers.columns import parse_mappings
from prioritiser.inventory.importers.common import (
    parse_criticality,
    parse_money,
    parse_period_text,
    slugify,
)
from prioritiser.inventory.importers.table_links import import_tables
from prioritiser.inventory.importers.tables import Table, TableError, read_csv_table

FIXTURES = Path(__file__).parent / "fixtures" / "import_csv"
APPS = FIXTURES / "apps.csv"
DEPENDENCIES = FIXTURES / "dependencies.csv"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def systems_text(root: Path) -> dict[str, str]:
    """Every systems file without its comment lines (which name the source)."""
    return {
        p.name: "".join(line for line in p.read_text().splitlines(True) if not line.startswith("#"))
        for p in sorted((root / "systems").glob("*.yaml"))
    }


def write_workbook(path: Path, dependencies_sheet: bool = True) -> Path:
    """The fixture CSVs as an Excel workbook, with a real date cell and a numeric run cost."""
    book = openpyxl.Workbook()
    apps = book.active
    apps.title = "Applications"
    apps.append(["id", "name", "department", "criticality", "annual_run_cost", "end_of_support"])
    apps.append(
        ["benefits-payments", "Benefits payment mainframe", "DWP", "critical", 4200000, "2028-Q2"]
    )
    apps.append(["claims-portal", "Claims portal, online", "DWP", "high", 350000, None])
    apps.append(
        [
            "citizen-identity",
            "Citizen identity",
            "Shared Services",
            "high",
            600000.0,
            dt.datetime(2029, 2, 28),
        ]
    )
    if dependencies_sheet:
        deps = book.create_sheet("Dependencies")
        deps.append(["system", "depends_on", "kind", "constraint"])
        deps.append(["benefits-payments", "citizen-identity", "identity", "after"])
        deps.append(["claims-portal", "citizen-identity", "identity", None])
        deps.append(["claims-portal", "benefits-payments", "data", "none"])
    book.save(path)
    return path


def test_csv_with_quoted_comma_and_empty_end_of_support_imports_and_validates(
    tmp_path: Path,
) -> None:
    out = tmp_path / "estate"
    result = invoke("import", "csv", APPS, "--dependencies", DEPENDENCIES, "-o", out)
    assert result.exit_code == 0, result.output
    assert "imported 3 systems and 3 dependencies" in result.output
    inventory, problems = check_inventory(out)
    assert inventory is not None and not problems
    portal = inventory.system("claims-portal")
    assert portal.name == "Claims portal, online"
    assert portal.end_of_support is None
    assert portal.criticality == "high" and portal.annual_run_cost == 350_000
    assert inventory.system("benefits-payments").end_of_support == "2028-Q2"
    assert [(d.system, d.kind, d.constraint) for d in portal.depends_on] == [
        ("citizen-identity", "identity", "after"),  # empty constraint: the default
        ("benefits-payments", "data", "none"),
    ]
    assert sorted(p.name for p in (out / "systems").glob("*.yaml")) == [
        "dwp.yaml",
        "shared-services.yaml",
    ]
    assert all(o.estimated for s in inventory.systems for o in s.options)


def test_xlsx_with_the_same_data_imports_identically(tmp_path: Path) -> None:
    from_csv, from_xlsx = tmp_path / "csv", tmp_path / "xlsx"
    book = write_workbook(tmp_path / "cmdb.xlsx")
    args = ["--start", "2027-Q1"]
    first = invoke("import", "csv", APPS, "--dependencies", DEPENDENCIES, "-o", from_csv, *args)
    assert first.exit_code == 0, first.output
    result = invoke("import", "xlsx", book, "-o", from_xlsx, *args)
    assert result.exit_code == 0, result.output
    assert "imported 3 systems and 3 dependencies" in result.output
    # The Excel date (2029-02-28) is its quarter, as the CSV's 2029-Q1.
    assert systems_text(from_xlsx) == systems_text(from_csv)
    assert load_inventory(from_xlsx).systems == load_inventory(from_csv).systems


def test_xlsx_reads_named_sheets_and_a_csv_of_dependencies(tmp_path: Path) -> None:
    book = tmp_path / "cmdb.xlsx"
    write_workbook(book, dependencies_sheet=False)
    other = openpyxl.load_workbook(book)
    other.create_sheet("Summary", 0).append(["not", "the", "data"])
    other.save(book)
    out = tmp_path / "estate"
    result = invoke(
        "import", "xlsx", book, "--sheet", "applications", "--dependencies", DEPENDENCIES,
        "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert load_inventory(out).system("claims-portal").depends_on


def test_map_reads_fields_from_other_column_names(tmp_path: Path) -> None:
    apps = tmp_path / "servicenow.csv"
    apps.write_text(
        "sys_id,Application Name,Owner,Tier,Annual Cost,EOS\n"
        'APP_001,Payments Engine,Finance,Tier 1,"£1,200,000",31/12/2028\n'
        "APP_002,Ledger,Finance,P3,250k,\n",
        encoding="utf-8",
    )
    deps = tmp_path / "rels.csv"
    deps.write_text("Child,Parent,Type\nAPP_002,APP_001,data\n", encoding="utf-8")
    out = tmp_path / "estate"
    result = invoke(
        "import", "csv", apps, "--dependencies", deps, "-o", out,
        "--map", "id=sys_id", "--map", "name=Application Name", "--map", "department=owner",
        "--map", "criticality=Tier", "--map", "annual_run_cost=Annual Cost",
        "--map", "end_of_support=EOS", "--map", "system=Child", "--map", "depends_on=Parent",
        "--map", "kind=Type",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    inventory = load_inventory(out)
    engine = inventory.system("app-001")
    assert (engine.name, engine.department, engine.criticality) == (
        "Payments Engine",
        "Finance",
        "critical",
    )
    assert engine.annual_run_cost == 1_200_000 and engine.end_of_support == "2028-Q4"
    ledger = inventory.system("app-002")
    assert ledger.criticality == "medium" and ledger.annual_run_cost == 250_000
    assert [(d.system, d.kind) for d in ledger.depends_on] == [("app-001", "data")]


def test_bad_map_and_missing_columns_are_usage_errors(run_cli, tmp_path: Path) -> None:
    bad = run_cli("import", "csv", APPS, "-o", tmp_path / "a", "--map", "nmae=Name")
    assert bad.exit_code == 2 and "did you mean 'name'" in bad.stderr
    missing = run_cli("import", "csv", APPS, "-o", tmp_path / "b", "--map", "id=sys_id")
    assert missing.exit_code == 2 and "no column 'sys_id'" in missing.stderr
    assert "columns are: id, name" in missing.stderr
    no_id = tmp_path / "no-id.csv"
    no_id.write_text("owner,cost\nx,1\n", encoding="utf-8")
    neither = run_cli("import", "csv", no_id, "-o", tmp_path / "c")
    assert neither.exit_code == 2 and "needs an `id` or a `name` column" in neither.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "c").exists()


def test_problems_name_the_spreadsheet_row_and_bad_values_are_left_unset(
    run_cli, tmp_path: Path
) -> None:
    apps = tmp_path / "apps.csv"
    apps.write_text(
        "id,name,criticality,annual_run_cost,end_of_support\n"
        "a,Alpha,critical,100000,2028-Q1\n"
        "b,Beta,very important,lots,next year\n"
        "\n"
        "a,Alpha again,low,1,\n"
        ",,,,\n"
        "C!,,low,,\n",
        encoding="utf-8",
    )
    deps = tmp_path / "deps.csv"
    deps.write_text(
        "system,depends_on,kind,constraint\n"
        "b,a,data,after\n"
        "b,ghost,data,\n"
        "a,b,data,sometimes\n"
        "b,a,data,after\n",
        encoding="utf-8",
    )
    out = tmp_path / "estate"
    result = run_cli("import", "csv", apps, "--dependencies", deps, "-o", out)
    assert result.exit_code == 0, result.stderr
    shown_apps = f"{apps}:"
    assert f"{shown_apps}3: warning: criticality:" in result.stderr
    assert f"{shown_apps}3: warning: annual_run_cost: 'lots'" in result.stderr
    assert f"{shown_apps}3: warning: end_of_support: 'next year'" in result.stderr
    assert f"{shown_apps}5: warning: duplicate id 'a' (first on row 2)" in result.stderr
    assert f"{deps}:3: warning: depends_on: unknown system 'ghost'" in result.stderr
    assert f"{deps}:4: warning: constraint 'sometimes'" in result.stderr
    assert f"{deps}:5: warning: duplicate dependency b → a (first on row 2)" in result.stderr
    inventory = load_inventory(out)
    assert sorted(s.id for s in inventory.systems) == ["a", "b", "c"]
    beta = inventory.system("b")
    # Unreadable values stay unknown: never 0, and the assumed criticality is marked.
    assert beta.criticality == "medium" and beta.annual_run_cost is None
    assert "criticality" in beta.estimated
    assert [d.system for d in beta.depends_on] == ["a"]
    # Run cost unknown: options are scaled by the assumed run cost, and say so.
    assert "assumed" in beta.options[0].description


def test_refuses_to_overwrite_without_force(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    assert run_cli("import", "csv", APPS, "-o", out).exit_code == 0
    (out / "scenarios").mkdir()
    (out / "scenarios" / "cut.yaml").write_text("name: cut\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*.yaml")}
    refused = run_cli("import", "csv", APPS, "-o", out)
    assert refused.exit_code == 2 and "already holds an inventory" in refused.stderr
    assert {p: p.read_bytes() for p in out.rglob("*.yaml")} == before
    forced = run_cli("import", "csv", APPS, "-o", out, "--force", "--name", "Renamed")
    assert forced.exit_code == 0, forced.stderr
    assert load_inventory(out).portfolio.name == "Renamed"
    assert (out / "scenarios" / "cut.yaml").exists()  # not part of what an import writes


def test_options_template_file_replaces_the_built_in_one(tmp_path: Path) -> None:
    template = tmp_path / "templates.yaml"
    template.write_text(
        """\
resources:
  engineers: {unit: FTE, per_period: 7}
templates:
  default:
    - id: lift
      kind: rehost
      duration: {base: 1, per_million: 1, max: 2}
      cost: {factor: 0.5}
      annual_saving: {factor: 0.1, min: 5000}
      resource_use: {engineers: 2}
      delivery_risk: 2
""",
        encoding="utf-8",
    )
    out = tmp_path / "estate"
    result = invoke("import", "csv", APPS, "-o", out, "--options-template", template)
    assert result.exit_code == 0, result.output
    inventory = load_inventory(out)
    payments = inventory.system("benefits-payments")
    [option] = payments.options
    assert (option.id, option.duration, option.cost, option.annual_saving) == (
        "lift",
        2,
        2_100_000,
        420_000,
    )
    assert option.estimated and inventory.resources["engineers"].per_period == 7
    assert not inventory.platforms


def test_invalid_options_template_is_reported_with_file_and_line(run_cli, tmp_path: Path) -> None:
    template = tmp_path / "templates.yaml"
    template.write_text(
        "templates:\n  default:\n    - id: x\n      kind: rehost\n      duraton: 2\n",
        encoding="utf-8",
    )
    result = run_cli("import", "csv", APPS, "-o", tmp_path / "e", "--options-template", template)
    assert result.exit_code == 3
    assert f"{template}:5:" in result.stderr and "did you mean 'duration'" in result.stderr


def test_unreadable_table_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "book.xlsx")
    result = run_cli("import", "csv", book, "-o", tmp_path / "e")
    assert result.exit_code == 2 and "import xlsx" in result.stderr
    sheet = run_cli("import", "xlsx", book, "--sheet", "Aplications", "-o", tmp_path / "e")
    assert sheet.exit_code == 2 and "did you mean 'Applications'" in sheet.stderr


def test_windows_1252_csv_is_read_with_a_note(tmp_path: Path) -> None:
    apps = tmp_path / "apps.csv"
    apps.write_bytes("id,name,annual_run_cost\nx,Caf\xe9 system,\xa31.5m\n".encode("cp1252"))
    table, notes = read_csv_table(apps)
    result = import_tables(table)
    [system] = result.systems
    assert system.name == "Café system" and system.annual_run_cost == 1_500_000
    assert notes and "Windows-1252" in notes[0]


def test_deadline_that_cannot_be_met_is_dropped_so_the_import_stays_valid(
    run_cli, tmp_path: Path
) -> None:
    apps = tmp_path / "apps.csv"
    apps.write_text(
        "id,name,must_modernise_by,earliest_start\nx,X,2020-Q1,\ny,Y,,2040-Q1\n",
        encoding="utf-8",
    )
    out = tmp_path / "estate"
    result = run_cli("import", "csv", apps, "-o", out, "--start", "2027-Q1")
    assert result.exit_code == 0, result.stderr
    assert "must_modernise_by 2020-Q1 cannot be met" in result.stderr
    assert "earliest_start 2040-Q1 is after the horizon" in result.stderr
    inventory = load_inventory(out)
    assert inventory.system("x").must_modernise_by is None
    assert inventory.system("y").earliest_start is None


def test_bad_start_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    result = run_cli("import", "csv", APPS, "-o", tmp_path / "e", "--start", "Q1 2027")
    assert result.exit_code == 2 and "--start" in result.stderr


def test_import_tables_without_dependencies_table() -> None:
    import pandas as pd

    table = Table("t.csv", pd.DataFrame({"Name": ["Payments Engine", "Ledger"]}))
    result = import_tables(table)
    assert [s.id for s in result.systems] == ["payments-engine", "ledger"]
    with pytest.raises(TableError):
        import_tables(Table("t.csv", pd.DataFrame({"owner": ["x"]})))


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("4200000", 4.2e6),
        ("4,200,000", 4.2e6),
        ("£4.2m", 4.2e6),
        ("350k", 3.5e5),
        ("GBP 1.1bn", 1.1e9),
    ],
)
def test_money_is_parsed_leniently(text: str, amount: float) -> None:
    assert parse_money(text) == pytest.approx(amount)


@pytest.mark.parametrize("text", ["tbc", "-5", "1e400", "£"])
def test_nonsense_money_is_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "level"),
    [("Critical", "critical"), ("Tier 1", "critical"), ("1 - Critical", "critical"),
     ("P2", "high"), ("Moderate", "medium"), ("minor", "low")],
)  # fmt: skip
def test_criticality_synonyms(text: str, level: str) -> None:
    assert parse_criticality(text) == level


@pytest.mark.parametrize(
    ("text", "label"),
    [("2028-q2", "2028-Q2"), ("2028-06", "2028-06"), ("2028", "2028"), ("2028-06-30", "2028-Q2"),
     ("30/06/2028", "2028-Q2"), ("2028-11-02 00:00:00", "2028-Q4"), (dt.date(2029, 1, 5), "2029-Q1")],
)  # fmt: skip
def test_periods_and_dates_become_labels(text: object, label: str) -> None:
    assert parse_period_text(text) == label


def test_slugify_makes_inventory_ids() -> None:
    assert slugify("Benefits_Payments (Legacy) Café") == "benefits-payments-legacy-cafe"
    assert slugify("---") == ""


def test_parse_mappings() -> None:
    assert parse_mappings(["id=sys_id", "name = Application Name"]) == {
        "id": "sys_id",
        "name": "Application Name",
    }
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        parse_mappings(["id"])

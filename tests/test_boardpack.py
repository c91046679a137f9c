"""The board pack on small estates: governance from portfolio.yaml and the command line,
levers that are re-solves, reasons worded for people and true to the model, the Gantt and
the dependency view, money axes, the PDF without Chromium, and what `report` reads back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prioritiser.explain.cases import system_cases
from prioritiser.inventory import load_inventory
from prioritiser.inventory.jsonschema import inventory_json_schema
from prioritiser.reports.analysis import analyse
from prioritiser.reports.chart_style import money_axis
from prioritiser.reports.dependency_chart import LABEL_PX_PER_CHAR, PLOT_PX, dependencies, place
from prioritiser.reports.dependency_chart import dependency_nodes as nodes_of
from prioritiser.reports.gantt import UNSUPPORTED, gantt
from prioritiser.scenarios.levers import limit_changes, relax
from prioritiser.scenarios.pack import PackOptions, board_evidence
from prioritiser.scenarios.uncertainty import npv_range
from prioritiser.solve import PlanOptions, greedy_roadmap, plan
from prioritiser.textsafe import css_string

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "inventories" / "demo"
EXPLAIN = Path(__file__).parent / "fixtures" / "explain-small"

GOVERNED: dict[str, Any] = {
    "portfolio": {
        "name": "Governed estate",
        "start": "2027-Q1",
        "periods": 8,
        "governance": {
            "date": "2027-03-01",
            "version": "Baseline v2",
            "status": "draft",
            "owner": "Chief Digital Officer",
            "sro": "Permanent Secretary",
        },
    },
    "resources": {"capex": {"unit": "GBP", "per_period": 1_000_000}},
}


# --- governance -------------------------------------------------------------------------------


def test_governance_comes_from_portfolio_yaml_and_the_command_line_overrides_it(
    write_inventory: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    root = write_inventory(tmp_path / "estate", portfolio=GOVERNED)
    out = tmp_path / "out"
    assert run_cli("plan", root, "-o", out, "--marking", "OFFICIAL-SENSITIVE").exit_code == 0
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "Status: **Draft**" in summary and "Version: **Baseline v2**" in summary
    assert "Date: **1 March 2027**" in summary and "**OFFICIAL-SENSITIVE**" in summary
    assert "Portfolio owner: **Chief Digital Officer**" in summary
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["marking"] == "OFFICIAL-SENSITIVE"
    # `report` keeps what plan was told, and takes new overrides on top.
    result = run_cli("report", out, "--status", "approved", "--date", "2027-04-01")
    assert result.exit_code == 0, result.stderr
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "Status: **Approved**" in summary and "Date: **1 April 2027**" in summary
    assert "**OFFICIAL-SENSITIVE**" in summary
    assert "OFFICIAL\\2d SENSITIVE" in (out / "report.html").read_text(encoding="utf-8")


def test_a_paper_status_outside_the_vocabulary_is_an_error_at_its_line(
    write_inventory: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    text = (
        "portfolio:\n  name: Bad\n  start: 2027-Q1\n  periods: 4\n  governance:\n"
        "    status: signed off\n    date: 2027-13-01\n"
    )
    root = write_inventory(tmp_path / "estate", portfolio=text)
    result = run_cli("validate", root)
    assert result.exit_code == 3
    assert "portfolio.yaml:6" in result.stderr and "governance.status" in result.stderr
    assert "portfolio.yaml:7" in result.stderr and "governance.date" in result.stderr


def test_bad_governance_flags_are_usage_errors(run_cli: Callable[..., Any]) -> None:
    assert run_cli("plan", EXPLAIN, "--date", "15/01/2027").exit_code == 2
    assert run_cli("plan", EXPLAIN, "--status", "final").exit_code == 2


def test_the_json_schema_offers_governance_and_a_systems_sro() -> None:
    portfolio = inventory_json_schema("portfolio")
    governance = portfolio["$defs"]["Governance"]["properties"]
    assert {"date", "version", "status", "marking", "owner", "sro"} <= set(governance)
    assert governance["status"]["enum"] == ["draft", "for decision", "approved"]
    assert governance["marking"]["default"] == "OFFICIAL"
    systems = inventory_json_schema("systems")
    assert {"owner", "sro"} <= set(systems["$defs"]["System"]["properties"])


def test_a_marking_is_inert_in_css() -> None:
    assert css_string('SECRET"</style><script>') == (
        "SECRET\\22 \\3c \\2f style\\3e \\3c script\\3e "
    )


# --- levers and reasons -----------------------------------------------------------------------


def test_levers_are_the_difference_of_two_proven_optima() -> None:
    inventory = load_inventory(EXPLAIN)
    roadmap = plan(inventory, PlanOptions())
    evidence = board_evidence(inventory, roadmap, PlanOptions(), PackOptions(workers=1))
    optimum = plan(inventory, PlanOptions(gap=0.0)).objective
    assert evidence.optimum == pytest.approx(optimum)
    assert [lv.change.key for lv in evidence.levers] == [c.key for c in limit_changes(inventory)]
    for lv in evidence.levers:
        raised = plan(relax(inventory, lv.change), PlanOptions(gap=0.0)).objective
        assert lv.gain == pytest.approx(raised - optimum, abs=0.02)
    engineers = evidence.levers[0]
    assert engineers.change.unit == "FTE" and engineers.change.delta == 1.0


def test_explain_words_reasons_for_people_and_keeps_ids_in_json(
    run_cli: Callable[..., Any],
) -> None:
    text = run_cli("explain", EXPLAIN, "payments").stdout
    assert "Citizen identity" in text and "after[" not in text
    data = json.loads(run_cli("explain", EXPLAIN, "payments", "--format", "json").stdout)
    assert "after[payments,identity]" in [b["name"] for b in data["binding_constraints"]]
    retained = run_cli("explain", EXPLAIN, "reports").stdout
    assert "Only 4 FTE of engineers are free in 2027-Q1–2027-Q2" in retained
    assert "worth more elsewhere" not in retained


def test_a_reason_names_the_one_limit_a_retained_option_breaks() -> None:
    """Reports needs 8 engineers where 4 are free: engineers is the only rule it breaks,
    so removing that limit would let it in — the reason may name it though it has room."""
    inventory = load_inventory(EXPLAIN)
    roadmap = plan(inventory, PlanOptions(gap=0.0))
    case = system_cases(inventory, roadmap)["reports"]
    assert case.limits == ("resource_capacity[engineers]",)
    assert case.reasons[-1].rows == ()  # it rests on the re-solve argument, not a tight row


def test_the_uncertainty_range_repeats_with_its_seed() -> None:
    inventory = load_inventory(EXPLAIN)
    roadmap = plan(inventory, PlanOptions())
    first, again = (npv_range(inventory, roadmap, 50, 7) for _ in range(2))
    assert first == again
    assert first.p10 <= first.p50 <= first.p90 <= first.planned
    assert npv_range(inventory, roadmap, 50, 8) != first


# --- charts -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_analysis():  # type: ignore[no-untyped-def]
    """The demo with its greedy roadmap (feasible, no solve): enough to draw."""
    inventory = load_inventory(DEMO)
    return analyse(inventory, greedy_roadmap(inventory))


def test_the_gantt_shows_retained_systems_and_where_they_run_unsupported(demo_analysis) -> None:  # type: ignore[no-untyped-def]
    fig = gantt(demo_analysis)
    assert fig is not None
    labels = set(fig.layout.yaxis.ticktext)
    retained = [r for r in demo_analysis.systems if not r.modernised]
    assert retained and all(r.name in labels for r in retained)
    names = {t.name for t in fig.data}
    assert {"retained", UNSUPPORTED, "end of support"} <= names
    past = set(demo_analysis.retained_past_support)
    unsupported = next(t for t in fig.data if t.name == UNSUPPORTED)
    assert len(unsupported.y) >= len(past)


def test_dependency_labels_are_names_that_never_overlap(demo_analysis) -> None:  # type: ignore[no-untyped-def]
    fig = dependencies(demo_analysis)
    assert fig is not None
    labels = [a.text for a in fig.layout.annotations if a.text]
    rows = nodes_of(demo_analysis)
    assert sorted(labels) == sorted(r.name for r in rows)
    assert any(not r.modernised for r in rows)  # retained providers are shown
    nodes, _, _, right = place(rows, len(demo_analysis.periods))
    per_period = PLOT_PX / (right - fig.layout.xaxis.range[0])
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            if a.y != b.y:
                continue
            first, second = sorted((a, b), key=lambda n: n.x)
            label_end = first.x + (18 + len(first.row.name) * LABEL_PX_PER_CHAR) / per_period
            assert label_end <= second.x, (first.row.name, second.row.name)
    assert right <= fig.layout.xaxis.range[1] + 1e-9  # no label runs off the plot


def test_money_is_drawn_as_money_and_people_as_people(demo_analysis) -> None:  # type: ignore[no-untyped-def]
    """The demo has two money resources (capex, rdel): each is a panel of the budget chart on
    a £m axis; the people chart holds only people (FTE)."""
    from prioritiser.reports.charts import budget, resources

    spend = budget(demo_analysis)
    assert spend is not None
    titles = [a.text for a in spend.layout.annotations]
    assert titles == ["capex (GBP)", "rdel (GBP)"]
    assert all(t.startswith("£") for t in spend.layout.yaxis2.ticktext)
    people = resources(demo_analysis)
    assert people is not None
    assert sorted(a.text for a in people.layout.annotations) == [
        "cobol specialists (FTE)",
        "engineers (FTE)",
    ]


def test_money_axes_read_like_every_report() -> None:
    axis = money_axis("GBP", -12_400_000, 12_400_000)
    assert "-£10.0m" in axis["ticktext"] or "-£10m" in axis["ticktext"]
    assert "£10.0m" in axis["ticktext"] or "£10m" in axis["ticktext"]
    assert money_axis("EUR", 0, 2_500_000)["ticktext"][-1].startswith("€")


# --- the PDF and what report reads back ----------------------------------------------------


def test_report_pdf_without_chromium_is_a_usage_error_that_says_what_to_do(
    run_cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run_cli("plan", EXPLAIN, "-o", out, "--no-levers").exit_code == 0
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    monkeypatch.delenv("PRIORITISER_CHROMIUM", raising=False)
    result = run_cli("report", out, "--pdf")
    assert result.exit_code == 2
    assert "headless Chromium" in result.stderr and "apt-get install chromium" in result.stderr
    monkeypatch.setenv("PRIORITISER_CHROMIUM", str(tmp_path / "no-chrome"))
    result = run_cli("report", out, "--pdf")
    assert result.exit_code == 2 and "PRIORITISER_CHROMIUM" in result.stderr
    assert not (out / "report.pdf").exists()


def test_an_unreadable_pack_is_left_out_with_a_warning(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run_cli("plan", EXPLAIN, "-o", out).exit_code == 0
    assert "Levers" in (out / "report.html").read_text(encoding="utf-8")
    (out / "pack.json").write_text('{"levers": [{"change": 1}]}', encoding="utf-8")
    result = run_cli("report", out)
    assert result.exit_code == 0
    assert "ignoring" in result.stderr and "pack.json" in result.stderr
    assert 'id="levers"' not in (out / "report.html").read_text(encoding="utf-8")


def test_a_comparison_in_the_folder_puts_the_scenarios_in_the_report(
    write_inventory: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    scenario = {"name": "tight", "resources": {"capex": {"per_period": 50_000}}}
    root = write_inventory(tmp_path / "estate", scenarios={"tight.yaml": scenario})
    out = tmp_path / "out"
    assert run_cli("plan", root, "-o", out, "--no-levers").exit_code == 0
    assert run_cli("compare", root, "-o", out).exit_code == 0
    assert run_cli("report", out).exit_code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="scenarios"' in page and "<strong>tight</strong>" in page
    assert "## Scenarios side by side" in (out / "summary.md").read_text(encoding="utf-8")


def test_plan_compare_plans_the_scenarios_alongside(
    write_inventory: Callable[..., Path], run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    scenario = {"name": "tight", "resources": {"capex": {"per_period": 50_000}}}
    root = write_inventory(tmp_path / "estate", scenarios={"tight.yaml": scenario})
    out = tmp_path / "out"
    result = run_cli("plan", root, "-o", out, "--compare", "--no-levers", "--samples", "0")
    assert result.exit_code == 0, result.stderr
    pack = json.loads((out / "pack.json").read_text())
    assert [s["name"] for s in pack["scenarios"]] == ["tight"]
    assert pack["uncertainty"] is None and pack["levers"] == []


def test_the_workbooks_capacity_over_the_horizon_is_the_cap_not_the_sum_of_quarters(
    tmp_path: Path,
) -> None:
    """The old workbook read a capacity total as the sum of the quarters (£28.5m against a
    £26m cap on the demo); now "Available over the horizon" is the smaller of the two, and
    people are FTE each quarter and FTE-quarters over the horizon."""
    import io

    import formulas
    import openpyxl

    from prioritiser.reports.excel import render_xlsx
    from prioritiser.roadmap import Roadmap

    fixture = Path(__file__).parent / "fixtures" / "report-small"
    inventory = load_inventory(fixture / "inventory")
    roadmap = Roadmap.read(fixture / "roadmap.json")
    path = tmp_path / "roadmap.xlsx"
    path.write_bytes(render_xlsx(inventory, roadmap, analyse(inventory, roadmap)))
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    sheet = book["Capacity"]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(1, sheet.max_row + 1)}
    solved = formulas.ExcelModel().loads(str(path)).finish().calculate()

    def value(cell: str) -> float:
        return float(solved[f"'[roadmap.xlsx]CAPACITY'!{cell}"].value[0][0])

    assert value(f"C{rows['Sum of per-period capacity']}") == pytest.approx(6_100_000)
    assert sheet.cell(row=rows["Cap on the total"], column=3).value == 4_500_000
    assert value(f"C{rows['Available over the horizon']}") == pytest.approx(4_500_000)
    assert value(f"C{rows['Headroom over the horizon']}") == pytest.approx(4_500_000 - 1_850_000)
    engineers = next(c.column for c in sheet[1] if c.value == "engineers use (FTE)")
    assert sheet.cell(row=2, column=engineers + 1).number_format.endswith('" FTE"')
    total = sheet.cell(row=rows["Used over the horizon"], column=engineers).number_format
    assert total.endswith('" FTE-quarters"')

"""The use-case layer: each task takes a typed request, returns a typed outcome, reports
through a listener and never prints; manifest.json is a typed `Manifest`; every import
takes one path (read, show, write)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from prioritiser.diagnose import Diagnosis
from prioritiser.errors import Infeasible, InventoryError, UsageError
from prioritiser.inventory.importers import ImportInvalid
from prioritiser.reports.manifest import Manifest, ManifestUnreadable, RunOptions, read_manifest
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions
from prioritiser.tasks import (
    BackstageReading,
    CompareRequest,
    ImportListener,
    ImportRequest,
    Listener,
    PlanRequest,
    PreparedImport,
    ReportRequest,
    TableFiles,
    TableReading,
    compare_scenarios,
    import_backstage_catalog,
    import_tables,
    plan_estate,
    rebuild_reports,
)

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"
SMALL = FIXTURES / "scenario_small"


class Recorder(Listener):
    """A listener that keeps what a task told it."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def info(self, text: str) -> None:
        self.events.append(("info", text))

    def warning(self, text: str) -> None:
        self.events.append(("warning", text))

    def planned(self, name: str, roadmap: Roadmap, currency: str) -> None:
        self.events.append(("planned", name))

    def diagnosis(self, diagnosis: Diagnosis) -> None:
        self.events.append(("diagnosis", diagnosis))


def test_plan_writes_every_output_and_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    outcome = plan_estate(PlanRequest(TINY, tmp_path / "out"))
    assert capfd.readouterr() == ("", "")
    assert outcome.roadmap.status == "optimal"
    assert [p.name for p in outcome.written][-2:] == ["manifest.json", "roadmap.json"]
    assert all(p.exists() for p in outcome.written)
    assert outcome.report == tmp_path / "out" / "report.html"


def test_an_infeasible_plan_hands_the_diagnosis_to_the_listener_and_raises(
    tmp_path: Path,
) -> None:
    recorder = Recorder()
    with pytest.raises(Infeasible) as caught:
        plan_estate(PlanRequest(FIXTURES / "infeasible-resource", tmp_path), recorder)
    assert caught.value.exit_code == 4
    assert isinstance(caught.value.diagnosis, Diagnosis)
    assert recorder.events == [("diagnosis", caught.value.diagnosis)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diagnosis.json", "diagnosis.md"]


def test_compare_reports_each_plan_to_the_listener(tmp_path: Path) -> None:
    recorder = Recorder()
    request = CompareRequest(SMALL, (SMALL / "scenarios" / "budget-cut.yaml",), tmp_path)
    outcome = compare_scenarios(request, recorder)
    assert recorder.events == [
        ("info", "planning baseline …"),
        ("planned", "baseline"),
        ("info", "planning budget-cut …"),
        ("planned", "budget-cut"),
    ]
    assert [p.name for p in outcome.written] == ["comparison.md", "comparison.json"]


def test_a_compare_without_scenarios_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"holds no \*\.yaml overlays"):
        compare_scenarios(CompareRequest(TINY, outdir=tmp_path))


# --- the typed manifest ------------------------------------------------------------------------


def test_the_manifest_reads_back_as_it_was_written(tmp_path: Path) -> None:
    options = PlanOptions(time_limit=30.0, seed=7)
    plan_estate(PlanRequest(TINY, tmp_path, options=options))
    manifest = read_manifest(tmp_path)
    assert manifest.inventory.name == "Tiny estate"
    assert [f.path for f in manifest.inventory.files] == ["portfolio.yaml", "systems/core.yaml"]
    assert manifest.options == RunOptions(
        solver="highs", time_limit=30.0, gap=0.005, threads=None, seed=7, scenarios=()
    )
    recorded = {o.file for o in manifest.outputs if not isinstance(o, str)}
    assert recorded == {
        "graph.graphml", "report.html", "roadmap.csv", "roadmap.json", "roadmap.xlsx", "summary.md",
        "roadmap.pptx", "inventory/portfolio.yaml", "inventory/systems/core.yaml",
    }  # fmt: skip
    assert manifest.snapshot.inventory == "inventory" and manifest.snapshot.scenarios == ()
    assert manifest.mixed_outputs(tmp_path) == []  # every file is the one the manifest hashed
    (tmp_path / "summary.md").write_text("edited\n")
    assert manifest.mixed_outputs(tmp_path) == ["summary.md"]
    assert manifest.to_json() == (tmp_path / "manifest.json").read_text(encoding="utf-8")


def test_manifest_options_keep_only_what_was_set_in_their_order() -> None:
    plan = RunOptions(solver="highs", time_limit=None, gap=0.005, threads=None, seed=0)
    data = json.loads(Manifest(options=plan).to_json())
    assert list(data["options"]) == ["solver", "time_limit", "gap", "threads", "seed"]
    replan = RunOptions(command="replan", solver="cbc", as_of="2027-Q4", strict_capacity=False)
    data = json.loads(Manifest(options=replan).to_json())
    assert data["options"] == {
        "command": "replan",
        "solver": "cbc",
        "as_of": "2027-Q4",
        "strict_capacity": False,
    }


def test_options_recorded_by_another_version_are_kept_when_reports_are_rebuilt() -> None:
    recorded = RunOptions.model_validate({"solver": "highs", "method": "decompose"})
    rebuilt = recorded.with_scenarios([Path("cut.yaml")])
    assert rebuilt.model_dump(exclude_unset=True) == {
        "solver": "highs",
        "scenarios": ("cut.yaml",),
        "method": "decompose",
    }


def test_a_missing_manifest_records_nothing_and_a_broken_one_is_named(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) == Manifest()
    (tmp_path / "manifest.json").write_text('{"options": {"seed": "many"}}', encoding="utf-8")
    with pytest.raises(ManifestUnreadable, match=r"options\.seed"):
        read_manifest(tmp_path)


def test_report_ignores_an_unreadable_manifest_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "planned"
    folder.mkdir()
    shutil.copy(FIXTURES / "report-small" / "roadmap.json", folder / "roadmap.json")
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    recorder = Recorder()
    request = ReportRequest(folder, FIXTURES / "report-small" / "inventory", outdir=tmp_path / "r")
    outcome = rebuild_reports(request, recorder)
    assert recorder.events[0][0] == "warning"
    assert str(recorder.events[0][1]).startswith(f"ignoring {folder / 'manifest.json'}: ")
    assert (outcome.outdir / "summary.md").exists()


class ImportRecorder(ImportListener):
    """Keeps what an import showed, and whether anything was written by then."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.shown: list[tuple[PreparedImport, bool]] = []

    def imported(self, prepared: PreparedImport) -> None:
        self.shown.append((prepared, (self.output / "portfolio.yaml").exists()))


SERVICENOW = FIXTURES / "import_servicenow"


def test_an_import_shows_what_it_read_before_writing_and_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "estate"
    recorder = ImportRecorder(out)
    files = TableFiles(
        (SERVICENOW / "cmdb_ci_business_app.csv",), (SERVICENOW / "cmdb_rel_ci.csv",)
    )
    request = ImportRequest(out, start="2027-Q1")
    outcome = import_tables("servicenow", files, TableReading(), request, recorder)
    assert capfd.readouterr() == ("", "")
    [(prepared, written_by_then)] = recorder.shown
    assert prepared is outcome.prepared and not written_by_then
    assert outcome.written is not None and (out / "portfolio.yaml").exists()
    assert prepared.estimated_options == sum(len(s.options) for s in prepared.draft.systems)


def test_a_strict_import_that_skipped_something_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    recorder = ImportRecorder(out)
    request = ImportRequest(out, start="2027-Q1", strict=True)
    catalog = FIXTURES / "import_backstage_bad"
    outcome = import_backstage_catalog(catalog, BackstageReading(), request, recorder)
    assert outcome.written is None and outcome.prepared.result.skipped
    assert len(recorder.shown) == 1 and not out.exists()


def test_a_malformed_table_option_is_a_usage_error_before_anything_is_read(
    tmp_path: Path,
) -> None:
    recorder = ImportRecorder(tmp_path)
    files = TableFiles((tmp_path / "not-read.csv",))
    with pytest.raises(UsageError, match="--map 'id': use FIELD=COLUMN"):
        import_tables(
            "csv", files, TableReading(mappings=("id",)), ImportRequest(tmp_path), recorder
        )
    assert recorder.shown == []


def test_invalid_overrides_make_the_import_invalid_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    (out / "overrides").mkdir(parents=True)
    (out / "overrides" / "bad.yaml").write_text("sytems: {}\n", encoding="utf-8")
    files = TableFiles((SERVICENOW / "cmdb_ci_business_app.csv",))
    with pytest.raises(ImportInvalid) as caught:
        import_tables("servicenow", files, TableReading(), ImportRequest(out), ImportRecorder(out))
    assert isinstance(caught.value, InventoryError) and caught.value.exit_code == 3
    assert caught.value.stated == "the overrides are not valid"
    assert [p.location.line for p in caught.value.problems if p.location] == [1]
    assert not (out / "portfolio.yaml").exists()

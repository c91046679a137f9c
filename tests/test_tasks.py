"""The use-case layer: each task takes a typed request, returns a typed outcome, reports
through a listener and never prints; manifest.json is a typed `Manifest`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from prioritiser.errors import Infeasible, UsageError
from prioritiser.model import PlanOptions
from prioritiser.model.diagnose import Diagnosis
from prioritiser.reports.manifest import Manifest, ManifestUnreadable, RunOptions, read_manifest
from prioritiser.roadmap import Roadmap
from prioritiser.tasks import (
    CompareRequest,
    Listener,
    PlanRequest,
    ReportRequest,
    compare_scenarios,
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
        "graph.graphml", "report.html", "roadmap.csv", "roadmap.json", "roadmap.xlsx", "summary.md"
    }  # fmt: skip
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

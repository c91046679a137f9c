"""`prioritiser report ROADMAP_DIR`: rebuild the reports from roadmap.json without re-solving."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "report-small"
REPORTS = ("report.html", "roadmap.xlsx", "summary.md", "roadmap.csv")


@pytest.fixture
def planned(tmp_path: Path, run_cli: Callable) -> Path:
    """The small fixture planned by the real `plan` command into tmp/out."""
    inventory = shutil.copytree(FIXTURE / "inventory", tmp_path / "inventory")
    result = run_cli("plan", inventory, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "out"


def test_plan_writes_the_html_report_and_the_workbook(planned: Path) -> None:
    for name in REPORTS:
        assert (planned / name).stat().st_size > 0, name


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (the copy of the inventory included), by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("named", [False, True], ids=["from-the-copy", "with-inventory"])
def test_report_rebuilds_byte_identical_files(
    planned: Path, tmp_path: Path, run_cli: Callable, named: bool
) -> None:
    before = files(planned)
    for name in REPORTS:
        (planned / name).unlink()
    extra = ["--inventory", tmp_path / "inventory"] if named else []
    result = run_cli("report", planned, *extra)
    assert result.exit_code == 0, result.stderr
    assert "rebuilt" in result.stdout
    assert files(planned) == before


def test_plan_then_report_needs_only_the_roadmap_folder(
    tmp_path: Path, run_cli: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DESIGN.md: `prioritiser report ROADMAP_DIR`. The folder holds a copy of the inventory
    it was planned from; the manifest's record of the original is never followed."""
    shutil.copytree(FIXTURE / "inventory", tmp_path / "estate")
    monkeypatch.chdir(tmp_path)
    assert run_cli("plan", "estate", "-o", "out").exit_code == 0
    assert json.loads(Path("out/manifest.json").read_text())["inventory"]["root"] == "estate"
    assert files(Path("out/inventory")) == files(Path("estate"))  # the exact bytes
    portfolio = Path("estate/portfolio.yaml")
    portfolio.write_text(portfolio.read_text().replace("name:", "name: Renamed", 1))
    Path("out/report.html").unlink()
    result = run_cli("report", "out")
    assert result.exit_code == 0, result.stderr
    assert "Renamed" not in Path("out/summary.md").read_text()  # the copy, not estate/
    result = run_cli("report", "out", "--inventory", "estate")
    assert result.exit_code == 0, result.stderr
    assert "Renamed" in Path("out/summary.md").read_text()


def without_copy(folder: Path) -> None:
    """The folder as an older version wrote it: no copy of the inventory, no record of one."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.pop("snapshot")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(folder / "inventory")


def test_a_folder_without_a_copy_asks_for_the_inventory_the_manifest_places_outside(
    tmp_path: Path, run_cli: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURE / "inventory", tmp_path / "estate")
    monkeypatch.chdir(tmp_path)
    assert run_cli("plan", "estate", "-o", "out").exit_code == 0
    without_copy(Path("out"))
    Path("out/report.html").unlink()
    result = run_cli("report", "out")
    assert result.exit_code == 2
    assert "not inside out" in result.stderr and "--inventory" in result.stderr
    result = run_cli("report", "out", "--inventory", "estate")
    assert result.exit_code == 0, result.stderr
    assert Path("out/report.html").exists()


def test_report_finds_an_inventory_kept_inside_the_roadmap_folder(
    tmp_path: Path, run_cli: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURE / "inventory", tmp_path / "out" / "estate")
    monkeypatch.chdir(tmp_path / "out")
    assert run_cli("plan", "estate", "-o", ".").exit_code == 0
    without_copy(Path("."))
    Path("report.html").unlink()
    monkeypatch.chdir(tmp_path)
    result = run_cli("report", "out")
    assert result.exit_code == 0, result.stderr
    assert Path("out/report.html").exists()


@pytest.mark.parametrize("recorded", ["/etc", "../estate", "estate-link"])
def test_report_never_follows_a_manifest_path_out_of_the_folder(
    tmp_path: Path, run_cli: Callable, planned: Path, recorded: str
) -> None:
    (planned / "estate-link").symlink_to(tmp_path / "inventory")
    manifest = json.loads((planned / "manifest.json").read_text())
    manifest["inventory"]["root"] = recorded
    (planned / "manifest.json").write_text(json.dumps(manifest))
    without_copy(planned)
    result = run_cli("report", planned)
    assert result.exit_code == 2
    assert "--inventory" in result.stderr
    assert "Traceback" not in result.stderr


def test_report_from_a_frozen_roadmap_with_an_explicit_inventory(
    tmp_path: Path, run_cli: Callable
) -> None:
    folder = tmp_path / "frozen"
    folder.mkdir()
    shutil.copy(FIXTURE / "roadmap.json", folder / "roadmap.json")
    result = run_cli("report", folder, "--inventory", FIXTURE / "inventory", "-o", tmp_path / "new")
    assert result.exit_code == 0, result.stderr
    expected = (Path(__file__).parent / "golden" / "report-small" / "summary.md").read_text()
    assert (tmp_path / "new" / "summary.md").read_text() == expected
    assert not (folder / "summary.md").exists()


def test_report_without_manifest_or_inventory_is_a_usage_error(
    tmp_path: Path, run_cli: Callable
) -> None:
    shutil.copy(FIXTURE / "roadmap.json", tmp_path / "roadmap.json")
    result = run_cli("report", tmp_path)
    assert result.exit_code == 2
    assert "--inventory" in result.stderr


def test_report_of_a_missing_folder_is_a_usage_error(tmp_path: Path, run_cli: Callable) -> None:
    result = run_cli("report", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_report_refuses_a_roadmap_that_does_not_fit_the_inventory(
    tmp_path: Path, run_cli: Callable, write_inventory: Callable
) -> None:
    other = write_inventory(tmp_path / "other")
    shutil.copy(FIXTURE / "roadmap.json", tmp_path / "roadmap.json")
    result = run_cli("report", tmp_path, "--inventory", other)
    assert result.exit_code == 1
    assert "does not fit the inventory" in result.stderr
    assert "unknown system" in result.stderr
    assert not (tmp_path / "report.html").exists()


def test_the_headline_counts_one_system_in_the_singular(
    tmp_path: Path, write_inventory: Callable, run_cli: Callable
) -> None:
    root = write_inventory(
        tmp_path / "inventory",
        systems=[
            {
                "id": "identity",
                "name": "Identity",
                "options": [
                    {
                        "id": "replatform",
                        "kind": "replatform",
                        "duration": 2,
                        "cost": 100_000,
                        "annual_saving": 500_000,
                    }
                ],
            }
        ],
    )
    result = run_cli("plan", root, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    said = result.stdout + result.stderr
    assert "1 system modernised" in said, said
    assert "1 systems" not in said

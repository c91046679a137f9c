"""`track` under the reliability guarantees every planning command keeps (docs/reliability.md):
a baseline read strictly, one output set (all new or all old) whose manifest records every
file's SHA-256, and a re-forecast folder that `report` and `check` use on its own."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SMALL = Path(__file__).parent / "fixtures" / "track-small"


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL, tmp_path / "estate"))


def track(run_cli: Callable, root: Path, out: Path, *extra: Any, baseline: Path | None = None):
    baseline = baseline or root / "baseline.json"
    return run_cli("track", root, "--baseline", baseline, "--as-of", "2027-Q3", "-o", out, *extra)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def clean(result: Any) -> None:
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "internal error" not in text, text


# --- the baseline is read as strictly as replan's --previous --------------------------------------


@pytest.mark.parametrize("objective", ["NaN", "Infinity", "-Infinity", '"x"', "1e309", "null"])
def test_a_baseline_with_a_non_finite_or_missing_objective_is_a_usage_error(
    run_cli: Callable, estate: Path, tmp_path: Path, objective: str
) -> None:
    baseline = estate / "baseline.json"
    text = baseline.read_text().replace('"objective": 3377078.49', f'"objective": {objective}')
    baseline.write_text(text)
    result = track(run_cli, estate, tmp_path / "out")
    clean(result)
    assert result.exit_code == 2, result.stderr
    assert "objective" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_baseline_whose_figures_do_not_add_up_is_a_usage_error(
    run_cli: Callable, estate: Path, tmp_path: Path
) -> None:
    data = json.loads((estate / "baseline.json").read_text())
    data["objective"] *= 3
    (estate / "baseline.json").write_text(json.dumps(data))
    result = track(run_cli, estate, tmp_path / "out")
    clean(result)
    assert result.exit_code == 2
    assert "does not fit the inventory" in result.stderr and "add up to" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_decision_npv_that_is_text_names_its_json_path(
    run_cli: Callable, estate: Path, tmp_path: Path
) -> None:
    data = json.loads((estate / "baseline.json").read_text())
    data["decisions"][1]["npv"] = "563785.02"
    (estate / "baseline.json").write_text(json.dumps(data))
    result = track(run_cli, estate, tmp_path / "out")
    assert result.exit_code == 2
    assert "decisions[1].npv: must be a number" in result.stderr


# --- one output set, every file's SHA-256 recorded ------------------------------------------------


def test_the_manifest_records_every_file_of_the_set_with_its_sha256(
    run_cli: Callable, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert track(run_cli, SMALL, out).exit_code == 0
    manifest = json.loads((out / "tracking-manifest.json").read_text())
    assert manifest["options"]["command"] == "track"
    recorded = {o["file"]: o["sha256"] for o in manifest["outputs"]}
    on_disk = files(out)
    del on_disk["tracking-manifest.json"]
    assert recorded == {name: hashlib.sha256(data).hexdigest() for name, data in on_disk.items()}
    assert {"tracking.json", "reforecast/roadmap.json", "reforecast/inventory/portfolio.yaml"} <= (
        set(recorded)
    )
    read = {f["path"] for f in manifest["inventory"]["files"]}
    assert {"portfolio.yaml", "actuals/2027.yaml", "actuals/portal.csv"} <= read


def test_a_failed_write_leaves_the_previous_tracking_outputs_whole(
    run_cli: Callable, estate: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prioritiser.atomic as atomic

    out = tmp_path / "out"
    assert track(run_cli, estate, out).exit_code == 0
    before = files(out)
    real = atomic._stage
    calls = {"n": 0}

    def disk_full_on_the_sixth_file(target: Path, data: bytes) -> Path:
        calls["n"] += 1
        if calls["n"] == 6:
            raise OSError(28, "No space left on device")
        return real(target, data)

    monkeypatch.setattr(atomic, "_stage", disk_full_on_the_sixth_file)
    portfolio = estate / "portfolio.yaml"
    portfolio.write_text(portfolio.read_text().replace("name: ", "name: Renamed ", 1))
    result = track(run_cli, estate, out)
    clean(result)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "unchanged" in result.stderr
    assert files(out) == before  # every old file, byte for byte, and no temporary file left


def test_a_reforecast_that_became_infeasible_leaves_no_stale_plan_beside_its_diagnosis(
    run_cli: Callable, tmp_path: Path, write_inventory: Any
) -> None:
    root = write_inventory(
        tmp_path / "estate",
        portfolio={
            "portfolio": {"name": "Tight", "start": "2027-Q1", "periods": 4},
            "resources": {"capex": {"unit": "GBP", "per_period": 100_000}},
        },
        systems=[
            {
                "id": "build",
                "name": "Build",
                "options": [
                    {"id": "new", "kind": "replace", "duration": 2, "cost": 200_000,
                     "annual_saving": 500_000},
                ],
            },
            {
                "id": "fix",
                "name": "Fix",
                "must_modernise_by": "2027-Q4",
                "options": [{"id": "patch", "kind": "rehost", "duration": 1, "cost": 100_000}],
            },
        ],
    )  # fmt: skip
    assert run_cli("plan", root, "-o", tmp_path / "plan").exit_code == 0
    baseline = tmp_path / "plan" / "roadmap.json"
    out = tmp_path / "out"
    common = ["track", root, "--baseline", baseline, "-o", out]
    assert run_cli(*common, "--as-of", "2026-Q4").exit_code == 0
    assert (out / "reforecast" / "roadmap.json").is_file()
    (root / "actuals").mkdir()
    (root / "actuals" / "q1.yaml").write_text(
        "actuals:\n"
        "  - {system: build, period: 2027-Q1, status: in_flight, percent_complete: 25, "
        "spend: 100000}\n"
    )
    result = run_cli(*common, "--as-of", "2027-Q1")
    assert result.exit_code == 4, result.stderr
    assert sorted(p.name for p in (out / "reforecast").iterdir()) == [
        "diagnosis.json",
        "diagnosis.md",
    ]
    manifest = json.loads((out / "tracking-manifest.json").read_text())
    assert {o["file"] for o in manifest["outputs"]} == set(files(out)) - {"tracking-manifest.json"}
    assert manifest["result"]["status"] == "none"


def test_a_plan_in_the_output_folder_is_left_alone(run_cli: Callable, tmp_path: Path) -> None:
    """`-o` may be the baseline's own folder: its manifest.json and reports are not ours."""
    out = tmp_path / "planned"
    assert run_cli("plan", SMALL, "-o", out).exit_code == 0
    before = files(out)
    result = track(run_cli, SMALL, out, baseline=out / "roadmap.json")
    assert result.exit_code == 0, result.stderr
    after = files(out)
    assert {name: after[name] for name in before} == before
    assert run_cli("report", out).exit_code == 0


# --- the re-forecast's folder is a roadmap folder of its own -------------------------------------


def test_report_rebuilds_the_reforecast_from_its_folder_alone(
    run_cli: Callable, estate: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert track(run_cli, estate, out).exit_code == 0
    folder = out / "reforecast"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["snapshot"] == {
        "inventory": "inventory",
        "scenarios": ["reforecast-overlay.yaml"],
    }
    before = {name: (folder / name).read_bytes() for name in ("summary.md", "roadmap.csv")}
    shutil.rmtree(estate)  # the inventory is gone: the copy is all report and check need
    result = run_cli("report", folder)
    clean(result)
    assert result.exit_code == 0, result.stderr
    assert {name: (folder / name).read_bytes() for name in before} == before
    check = run_cli(
        "check", folder / "inventory", folder / "roadmap.json",
        "--scenario", folder / "reforecast-overlay.yaml",
    )  # fmt: skip
    assert check.exit_code == 0, check.stdout + check.stderr


def test_a_reforecast_whose_figures_were_edited_fails_check(
    run_cli: Callable, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert track(run_cli, SMALL, out).exit_code == 0
    roadmap = out / "reforecast" / "roadmap.json"
    data = json.loads(roadmap.read_text())
    data["decisions"][0]["npv"] += 1000
    data["objective"] += 1000
    roadmap.write_text(json.dumps(data))
    check = run_cli(
        "check", SMALL, roadmap, "--scenario", out / "reforecast" / "reforecast-overlay.yaml"
    )
    assert check.exit_code == 1
    assert "rule 0 (figures)" in check.stdout + check.stderr

"""Reliability contracts: deterministic outputs, inputs never modified, clean interruption."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from prioritiser.cli import cli

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "inventories" / "demo"
TINY = Path(__file__).parent / "fixtures" / "tiny"
BYTE_IDENTICAL = ("roadmap.csv", "summary.md", "report.html", "roadmap.xlsx", "graph.graphml")


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def plan_into(outdir: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["plan", *args, "-o", str(outdir)])
    assert result.exit_code == 0, result.output


def roadmap_without_timing(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["solver"].pop("seconds")
    return data


@pytest.mark.parametrize(("inventory", "solver"), [(DEMO, "highs"), (TINY, "cbc"), (TINY, "highs")])
def test_identical_runs_give_byte_identical_outputs(
    tmp_path: Path, inventory: Path, solver: str
) -> None:
    before = hashes(inventory)
    first, second = tmp_path / "a", tmp_path / "b"
    # The demo's board-pack re-solves are held byte for byte on the tiny estate (and the pack
    # itself by test_boardpack_demo); here they would double a minute-long test.
    pack = ["--no-levers"] if inventory == DEMO else []
    plan_into(first, str(inventory), "--solver", solver, "--seed", "3", *pack)
    plan_into(second, str(inventory), "--solver", solver, "--seed", "3", *pack)
    for name in BYTE_IDENTICAL:
        if (first / name).exists():
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert roadmap_without_timing(first / "roadmap.json") == roadmap_without_timing(
        second / "roadmap.json"
    )
    text = (first / "roadmap.json").read_text(encoding="utf-8")
    other = (second / "roadmap.json").read_text(encoding="utf-8")
    strip = [line for line in text.splitlines() if '"seconds"' not in line]
    assert strip == [line for line in other.splitlines() if '"seconds"' not in line]
    assert hashes(inventory) == before, "plan must never modify an input file"


def test_deterministic_time_limited_runs_repeat_byte_for_byte(tmp_path: Path) -> None:
    """`--deterministic`: the limit is work, not time, so a run stopped by it repeats."""
    cut = DEMO / "scenarios" / "budget-cut.yaml"
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        # The gap 0 asks for a proof the work limit does not allow (the appraised budget
        # cut reaches 0.5 % within it).
        args = ("--scenario", str(cut), "--deterministic", "--time-limit", "1", "--gap", "0")
        args += ("--no-levers", "--no-policy-cost")  # the one solve under test, not the pack's
        plan_into(out, str(DEMO), *args)
    for name in BYTE_IDENTICAL:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    roadmap = roadmap_without_timing(first / "roadmap.json")
    assert roadmap == roadmap_without_timing(second / "roadmap.json")
    # Stopped by its limit (the budget cut takes far more work to prove), and says so.
    assert roadmap["status"] == "feasible" and roadmap["gap"] > 0
    assert roadmap["solver"]["work_limit"] == 1.0 and roadmap["solver"]["time_limit"] is None
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["deterministic"] is True


def test_manifest_records_input_hashes(tmp_path: Path) -> None:
    plan_into(tmp_path, str(TINY))
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    files = {f["path"]: f["sha256"] for f in manifest["inventory"]["files"]}
    expected = hashlib.sha256((TINY / "portfolio.yaml").read_bytes()).hexdigest()
    assert files["portfolio.yaml"] == expected
    assert manifest["options"]["seed"] == 0


def test_output_path_under_a_regular_file_fails_cleanly(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", str(TINY), "-o", str(blocker / "out")])
    assert result.exit_code != 0
    assert "is a file" in result.output
    assert "Traceback" not in result.output


def test_interrupted_plan_leaves_previous_outputs_complete(tmp_path: Path) -> None:
    estate = tmp_path / "estate"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "prioritiser",
            "generate",
            "--systems",
            "1500",
            "--seed",
            "5",
            "-o",
            str(estate),
        ],
        check=True,
        capture_output=True,
    )
    out = tmp_path / "out"
    plan_into(out, str(TINY))
    previous = (out / "roadmap.json").read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-m", "prioritiser", "plan", str(estate), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(4)
    process.send_signal(signal.SIGINT)
    time.sleep(0.5)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode != 0
    assert b"Traceback" not in stderr
    current = (out / "roadmap.json").read_bytes()
    json.loads(current)  # complete and parseable
    assert current == previous
    assert not [p for p in os.listdir(out) if p.endswith(".tmp")]


def test_a_systems_file_linking_outside_the_inventory_is_refused(tmp_path: Path) -> None:
    import shutil

    inventory = tmp_path / "inv"
    shutil.copytree(TINY, inventory)
    outside = tmp_path / "outside.yaml"
    outside.write_text("systems: []\n", encoding="utf-8")
    (inventory / "systems" / "link.yaml").symlink_to(outside)
    result = CliRunner().invoke(cli, ["validate", str(inventory)])
    assert result.exit_code == 3
    assert "links outside the inventory" in result.output


def test_cbc_proving_optimality_states_the_objective_as_its_bound(tmp_path: Path) -> None:
    """CBC that solves the whole model (in preprocessing) states no bound; optimal is its
    proof, so the roadmap says gap 0 — not the every-system-at-its-best bound, which
    contradicted `optimal` and failed `check` on the roadmap as written."""
    from prioritiser.certify import certify_roadmap
    from prioritiser.inventory import load_inventory
    from prioritiser.roadmap import Roadmap
    from prioritiser.solve import PlanOptions, plan

    inventory = load_inventory(TINY)
    roadmap = plan(inventory, PlanOptions(solver="cbc", gap=0.0))
    assert roadmap.status == "optimal"
    assert (roadmap.bound, roadmap.gap) == (roadmap.objective, 0.0)
    written = Roadmap.from_dict(json.loads(roadmap.to_json()))
    assert certify_roadmap(inventory, written) == []


@pytest.mark.parametrize(("gap", "follows"), [(46.662323, True), (46.6624, False)])
def test_a_large_gap_is_certified_to_the_rounding_of_its_figures(gap: float, follows: bool) -> None:
    """roadmap.json rounds bound and objective to the penny, and the objective divides: a
    gap of 46 moves by 46 times the objective's rounding (seen with CBC)."""
    from prioritiser.certify import check_consistency
    from prioritiser.roadmap import Roadmap

    roadmap = Roadmap.from_dict(
        {
            "status": "feasible",
            "objective": 134303.94,
            "bound": 6401237.96,
            "gap": gap,
            "decisions": [
                {"system": "s0", "option": "o1", "kind": "refactor", "start": "2027-Q2",
                 "finish": "2027-Q4", "npv": 134303.94},
            ],
        }
    )  # fmt: skip
    problems = [v.message for v in check_consistency(roadmap)]
    assert (problems == []) is follows, problems

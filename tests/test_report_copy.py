"""The copy of the inputs in a roadmap folder: `report ROADMAP_DIR` rebuilds from the folder
alone, reading nothing outside it, and only from the exact bytes the roadmap was planned from
(docs/reliability.md, "report reads only inside the roadmap folder")."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prioritiser.inventory import load_inventory
from prioritiser.inventory.snapshot import InputChanged, take_snapshot

FIXTURE = Path(__file__).parent / "fixtures" / "report-small" / "inventory"
CUT = "name: cut\nresources: {capex: {per_period: 900000}}\n"


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "estate"))


def plan(run_cli: Callable, *args: Any) -> None:
    result = run_cli("plan", *args)
    assert result.exit_code == 0, result.stderr


def edit_manifest(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_scenarios_from_anywhere_are_copied_in_order_and_applied_again(
    estate: Path, tmp_path: Path, run_cli: Callable
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "cut.yaml").write_text(CUT)
    (tmp_path / "b" / "cut.yaml").write_text(CUT.replace("900000", "800000"))
    out = tmp_path / "out"
    plan(run_cli, estate, "--scenario", tmp_path / "a" / "cut.yaml",
         "--scenario", tmp_path / "b" / "cut.yaml", "-o", out)  # fmt: skip
    snapshot = json.loads((out / "manifest.json").read_text())["snapshot"]
    assert snapshot == {"inventory": "inventory", "scenarios": ["scenarios/cut.yaml", "scenarios/cut-2.yaml"]}  # fmt: skip
    assert (out / "scenarios" / "cut-2.yaml").read_text() == CUT.replace("900000", "800000")
    before = (out / "summary.md").read_bytes()
    shutil.rmtree(tmp_path / "a")  # the originals are gone: the copy is all report needs
    shutil.rmtree(tmp_path / "b")
    result = run_cli("report", out)
    assert result.exit_code == 0, result.stderr
    assert (out / "summary.md").read_bytes() == before


def test_a_replanned_folder_reports_with_its_overlay(
    estate: Path, tmp_path: Path, run_cli: Callable
) -> None:
    plan(run_cli, estate, "-o", tmp_path / "first")
    replanned = run_cli(
        "replan", estate, "--previous", tmp_path / "first" / "roadmap.json", "--as-of",
        "2027-Q3", "-o", tmp_path / "again",
    )  # fmt: skip
    assert replanned.exit_code == 0, replanned.stderr
    manifest = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert manifest["snapshot"]["scenarios"] == ["replan-overlay.yaml"]
    before = (tmp_path / "again" / "summary.md").read_bytes()
    result = run_cli("report", tmp_path / "again")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "again" / "summary.md").read_bytes() == before


def test_an_edited_or_added_file_in_the_copy_is_refused(
    estate: Path, tmp_path: Path, run_cli: Callable
) -> None:
    out = tmp_path / "out"
    plan(run_cli, estate, "-o", out)
    copied = out / "inventory" / "systems" / "tax.yaml"
    original = copied.read_text()
    copied.write_text(original.replace("name:", "name: Edited", 1))
    result = run_cli("report", out)
    assert result.exit_code == 2
    assert (
        "inventory/systems/tax.yaml is not the file the roadmap was planned from" in result.stderr
    )
    assert "--inventory" in result.stderr
    copied.write_text(original)
    shutil.copy(copied, out / "inventory" / "systems" / "extra.yaml")
    result = run_cli("report", out)
    assert result.exit_code == 2
    assert "inventory/systems/extra.yaml is not part of the copy" in result.stderr
    # Naming the inventory is the way to use other files.
    assert run_cli("report", out, "--inventory", estate).exit_code == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("inventory", "/etc"),
        ("inventory", "../estate"),
        ("inventory", "estate-link"),
        ("scenarios", ["../secret.yaml"]),
        ("scenarios", ["/etc/passwd"]),
        ("scenarios", ["secret-link.yaml"]),
    ],
)
def test_the_copy_is_never_read_from_outside_the_folder(
    estate: Path, tmp_path: Path, run_cli: Callable, field: str, value: Any
) -> None:
    out = tmp_path / "out"
    plan(run_cli, estate, "-o", out)
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: LEAKED\n")
    (out / "estate-link").symlink_to(estate)
    (out / "secret-link.yaml").symlink_to(secret)

    def forge(manifest: dict[str, Any]) -> None:
        manifest["snapshot"][field] = value
        # Forged hashes that match the outside files: a manifest cannot vouch for them.
        named = value if isinstance(value, list) else [f"{value}/portfolio.yaml"]
        for name in named:
            target = (out / name) if not name.startswith("/") else Path(name)
            if target.is_file():
                digest = hashlib.sha256(target.read_bytes()).hexdigest()
                manifest["outputs"].append({"file": name, "sha256": digest})

    edit_manifest(out, forge)
    result = run_cli("report", out)
    assert result.exit_code == 2, result.stderr
    assert "does not match its manifest.json" in result.stderr
    assert "LEAKED" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_replanning_into_the_folder_removes_what_the_last_copy_held(
    estate: Path, tmp_path: Path, run_cli: Callable
) -> None:
    out = tmp_path / "out"
    plan(run_cli, estate, "-o", out)
    (estate / "systems" / "tax.yaml").rename(estate / "systems" / "revenue.yaml")
    plan(run_cli, estate, "-o", out)
    assert not (out / "inventory" / "systems" / "tax.yaml").exists()
    assert (out / "inventory" / "systems" / "revenue.yaml").exists()
    assert run_cli("report", out).exit_code == 0


def test_only_files_of_an_earlier_copy_are_ever_removed(
    estate: Path, tmp_path: Path, run_cli: Callable
) -> None:
    out = tmp_path / "out"
    plan(run_cli, estate, "-o", out)
    victims = [tmp_path / "victim.yaml", out / "inventory" / "notes.yaml", out / "keep.yaml"]
    for victim in victims:
        victim.write_text("mine\n")
    forged = ["inventory/../../victim.yaml", "scenarios/../keep.yaml", "../victim.yaml"]
    edit_manifest(
        out, lambda m: m["outputs"].extend({"file": f, "sha256": "0" * 64} for f in forged)
    )
    plan(run_cli, estate, "-o", out)
    assert all(victim.read_text() == "mine\n" for victim in victims)


def test_a_copy_folder_linking_out_of_the_output_folder_is_refused(
    estate: Path, tmp_path: Path, run_cli: Callable
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "inventory").symlink_to(elsewhere)
    result = run_cli("plan", estate, "-o", out)
    assert result.exit_code == 1
    assert "links outside" in result.stderr and "nothing was written" in result.stderr
    assert list(elsewhere.iterdir()) == [] and not (out / "roadmap.json").exists()


def test_planning_the_copy_into_its_own_folder_leaves_it_untouched(
    estate: Path, tmp_path: Path, run_cli: Callable
) -> None:
    out = tmp_path / "out"
    plan(run_cli, estate, "-o", out)
    portfolio = out / "inventory" / "portfolio.yaml"
    inode, data = portfolio.stat().st_ino, portfolio.read_bytes()
    plan(run_cli, out / "inventory", "-o", out)
    assert (portfolio.stat().st_ino, portfolio.read_bytes()) == (inode, data)
    assert run_cli("report", out).exit_code == 0


def test_an_output_folder_inside_systems_is_refused(estate: Path, run_cli: Callable) -> None:
    result = run_cli("plan", estate, "-o", estate / "systems" / "out")
    assert result.exit_code == 2
    assert "would be read as more systems" in result.stderr
    assert not (estate / "systems" / "out" / "inventory").exists()
    assert run_cli("validate", estate).exit_code == 0


def test_a_file_changed_after_loading_is_never_copied(estate: Path) -> None:
    inventory = load_inventory(estate)
    assert set(take_snapshot(inventory).files) == {
        "inventory/portfolio.yaml", "inventory/platforms.yaml", "inventory/systems/benefits.yaml",
        "inventory/systems/shared.yaml", "inventory/systems/tax.yaml",
    }  # fmt: skip
    (estate / "systems" / "tax.yaml").write_text("# edited while planning\n")
    with pytest.raises(InputChanged, match=r"tax\.yaml changed while the command ran"):
        take_snapshot(inventory)

"""Hostile and careless inputs: each probe class of the reliability review, one test each.

Every probe ends in a clear error with the documented exit code (2 usage, 3 invalid
inventory, 1 check failed) or in the correct result — never an internal error, a hang, a
traceback or a NaN in an output. docs/reliability.md lists which test holds which guarantee.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run_main

from prioritiser.inventory.importers.backstage import import_backstage
from prioritiser.inventory.importers.tables import TableError, read_excel_table

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"


def clean(result: Any) -> None:
    """No traceback, no internal error, whatever the exit code."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "internal error" not in text, text


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))


@pytest.fixture(scope="module")
def planned_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny planned by the real `plan` command, once for the file: the tests tamper with a
    copy each (`planned`), and the plan is deterministic."""
    estate = Path(shutil.copytree(TINY, tmp_path_factory.mktemp("planned") / "tiny"))
    result = run_main("plan", estate, "-o", estate.parent / "out")
    assert result.exit_code == 0, result.stderr
    return estate.parent / "out"


@pytest.fixture
def planned(planned_once: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(planned_once, tmp_path / "out", symlinks=True))


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- ids with whitespace or control characters, look-alike departments ---------------------------


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("a system id", lambda d: d["systems"][0].__setitem__("id", "identity ")),
        ("an option id", lambda d: d["systems"][0]["options"][0].__setitem__("id", " replatform")),
        ("a dependency", lambda d: d["systems"][1]["depends_on"][0].__setitem__("system", "identity\t")),
        ("a department", lambda d: d["systems"][1].__setitem__("department", "Finance\n")),
        ("a name", lambda d: d["systems"][0].__setitem__("name", "Citizen\x07identity")),
        ("a NUL", lambda d: d["systems"][0].__setitem__("name", "Citizen\x00identity")),
        ("a direction override", lambda d: d["systems"][0].__setitem__("name", "abc\u202edcb")),
        ("a resource use key", lambda d: d["systems"][0]["options"][0]["resource_use"].__setitem__("engineers ", 1)),
    ],
)  # fmt: skip
def test_padded_ids_and_control_characters_are_refused_with_file_and_line(
    tiny: Path, run_cli: Callable, where: str, change: Callable[[Any], None]
) -> None:
    edit_yaml(tiny / "systems" / "core.yaml", change)
    result = run_cli("validate", tiny)
    clean(result)
    assert result.exit_code == 3, (where, result.stderr)
    assert "core.yaml:" in result.stderr, result.stderr


def test_a_padded_platform_or_resource_cannot_replace_the_real_one(
    tiny: Path, run_cli: Callable
) -> None:
    (tiny / "platforms.yaml").write_text(
        "platforms:\n  - {id: cloud, setup_cost: 1}\n  - {id: 'cloud ', setup_cost: 9}\n"
    )
    edit_yaml(
        tiny / "portfolio.yaml",
        lambda d: d["resources"].__setitem__("capex ", {"per_period": 1}),
    )
    result = run_cli("validate", tiny)
    clean(result)
    assert result.exit_code == 3
    assert "platforms.yaml:3" in result.stderr and "portfolio.yaml:" in result.stderr


def test_look_alike_department_names_warn(tiny: Path, run_cli: Callable) -> None:
    def spoof(data: Any) -> None:
        data["systems"][1]["department"] = "finance"  # case
        data["systems"][2]["department"] = "Finаnce"  # Cyrillic а

    edit_yaml(tiny / "systems" / "core.yaml", spoof)
    edit_yaml(
        tiny / "portfolio.yaml", lambda d: d["risk"].__setitem__("max_concurrent_per_department", 1)
    )
    result = run_cli("validate", tiny)
    clean(result)
    assert result.exit_code == 0
    assert (
        result.stderr.count("looks like 'Finance'") + result.stderr.count("looks like 'finance'")
        >= 1
    )
    assert "Finаnce" in result.stderr


# --- numbers and labels that are not what they look like --------------------------------------


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("systems/core.yaml", lambda d: d["systems"][0]["options"][0].__setitem__("duration", True), "whole number"),
        ("portfolio.yaml", lambda d: d["portfolio"].__setitem__("periods", "12"), "whole number"),
        ("portfolio.yaml", lambda d: d["portfolio"].__setitem__("start", "２０２７-Q1"), "period label"),
        ("portfolio.yaml", lambda d: d["portfolio"].__setitem__("start", "٢٠٢٧-Q1"), "period label"),
        ("portfolio.yaml", lambda d: d["portfolio"].__setitem__("start", "9999-Q3"), "after 9999"),
        ("systems/core.yaml", lambda d: d["systems"][0]["options"][0].__setitem__("cost", "1e999"), "number"),
        ("portfolio.yaml", lambda d: d["portfolio"].__setitem__("currency", "<b>£</b>"), "ISO 4217"),
    ],
)  # fmt: skip
def test_coerced_numbers_foreign_digits_and_years_past_9999_are_refused(
    tiny: Path, run_cli: Callable, file: str, change: Callable, message: str
) -> None:
    edit_yaml(tiny / file, change)
    result = run_cli("validate", tiny)
    clean(result)
    assert result.exit_code == 3, result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(("label", "granularity"), [(2027, "year"), ("2027-02", "month")])
def test_an_override_of_another_granularity_is_an_error(
    tiny: Path, run_cli: Callable, label: Any, granularity: str
) -> None:
    edit_yaml(
        tiny / "portfolio.yaml",
        lambda d: d["resources"]["capex"].__setitem__("overrides", {label: 0}),
    )
    result = run_cli("validate", tiny)
    clean(result)
    assert result.exit_code == 3
    assert f"is a {granularity} but the plan has one period a quarter" in result.stderr


# --- files that lead outside the inventory -------------------------------------------------------


@pytest.mark.parametrize("name", ["portfolio.yaml", "platforms.yaml", "systems/core.yaml"])
def test_every_inventory_file_linking_outside_is_refused(
    tiny: Path, tmp_path: Path, run_cli: Callable, name: str
) -> None:
    secret = tmp_path / "elsewhere" / Path(name).name
    secret.parent.mkdir()
    source = tiny / name
    if source.exists():
        shutil.move(source, secret)
    else:
        secret.write_text("platforms: []\n")
    source.symlink_to(secret)
    result = run_cli("validate", tiny)
    clean(result)
    assert result.exit_code == 3
    assert "outside the inventory" in result.stderr


def test_a_scenario_in_the_inventory_linking_outside_is_refused(
    tiny: Path, tmp_path: Path, run_cli: Callable
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: leak\nresources: {capex: {per_period: 1}}\n")
    (tiny / "scenarios").mkdir()
    (tiny / "scenarios" / "leak.yaml").symlink_to(secret)
    for args in (
        ("plan", tiny, "--scenario", tiny / "scenarios" / "leak.yaml", "-o", tmp_path / "o"),
        ("compare", tiny, "-o", tmp_path / "c"),
    ):
        result = run_cli(*args)
        clean(result)
        assert result.exit_code == 3, result.stderr
        assert "outside the inventory" in result.stderr


def test_a_catalog_file_linking_outside_the_catalog_is_not_read(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "import_backstage", catalog)
    secret = tmp_path / "secret.yaml"
    secret.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: secret-system}\n"
        "spec: {type: service, owner: spies}\n"
    )
    (catalog / "linked.yaml").symlink_to(secret)
    result = import_backstage(catalog)
    assert "secret-system" not in {s.id for s in result.systems}
    assert any("outside the catalog folder" in p.message for p in result.skipped)


# --- one alias budget per load; bounded workbooks -----------------------------------------------


def test_alias_expansion_is_bounded_across_documents(tmp_path: Path) -> None:
    """Many small documents each expanding just under the old per-document allowance."""
    document = (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    )  # about 11,000 nodes each from 40 distinct ones
    (tmp_path / "catalog.yaml").write_text("---\n".join([document] * 60))
    began = time.monotonic()
    result = import_backstage(tmp_path / "catalog.yaml")
    assert time.monotonic() - began < 10
    assert any("alias bomb" in p.message for p in result.skipped)


def test_alias_expansion_is_bounded_across_inventory_files(tiny: Path, run_cli: Callable) -> None:
    bomb = (
        "x-a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "x-d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "systems: []\n"
    )
    for i in range(15):
        (tiny / "systems" / f"bomb-{i:02d}.yaml").write_text(bomb)
    result = run_cli("validate", tiny)
    clean(result)
    assert result.exit_code == 3
    assert "alias bomb" in result.stderr


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIORITISER_MAX_FILE_BYTES", str(1_000_000))
    book = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 400_000)  # 2.4 MB, compresses
    assert book.stat().st_size < 100_000
    began = time.monotonic()
    with pytest.raises(TableError, match="unpacks to 2,4"):
        read_excel_table(book)
    assert time.monotonic() - began < 2


# --- check certifies every figure -----------------------------------------------------------------


def _mutations() -> list[tuple[str, Callable[[dict[str, Any]], None], str]]:
    def at(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda d: d.__setitem__(key, value)

    def first(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda d: d["decisions"][0].__setitem__(field, value)

    return [
        ("NaN objective", at("objective", math.nan), "objective: must be a finite number"),
        ("Infinity objective", at("objective", math.inf), "objective: must be a finite number"),
        ("string objective", at("objective", "lots"), "objective: must be a number"),
        ("null objective", at("objective", None), "states no objective"),
        ("missing objective", lambda d: d.pop("objective"), "states no objective"),
        ("inflated objective", lambda d: d.__setitem__("objective", d["objective"] * 2), "objective (NPV)"),
        ("negative objective", lambda d: d.__setitem__("objective", -d["objective"]), "objective (NPV)"),
        ("inflated npv", lambda d: d["decisions"][0].__setitem__("npv", d["decisions"][0]["npv"] + 1e6), "states an NPV"),
        ("NaN npv", first("npv", math.nan), "npv: must be a finite number"),
        ("changed department", first("department", "Elsewhere"), "department 'Elsewhere'"),
        ("changed delivery risk", first("delivery_risk", 5), "delivery risk 5"),
        ("decided and retained", lambda d: d["retained"].append({"system": d["decisions"][0]["system"], "reason": "x"}), "also modernises"),
        ("unknown retained", lambda d: d["retained"].append({"system": "ghost", "reason": "x"}), "'ghost' is not in the inventory"),
        ("NaN resource use", lambda d: d["resource_use"]["capex"].__setitem__("2027-Q1", math.nan), "resource_use.capex.2027-Q1: must be a finite number"),
        ("bound below objective", lambda d: d.__setitem__("bound", d["objective"] - 1e6), "below the objective"),
        ("negative gap", at("gap", -0.5), "gap -0.5 is negative"),
        ("gap that does not follow", at("gap", 0.25), "does not follow from the bound"),
        ("nested junk", at("objective", [[[[1]]]]), "objective: must be a number"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "change", "message"), _mutations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_check_rejects_every_false_or_non_finite_figure(
    tiny: Path, planned: Path, run_cli: Callable, what: str, change: Callable, message: str
) -> None:
    data = json.loads((planned / "roadmap.json").read_text())
    change(data)
    path = planned / "tampered.json"
    path.write_text(json.dumps(data))  # Python writes NaN and Infinity, as an attacker would
    result = run_cli("check", tiny, path)
    clean(result)
    assert result.exit_code == 1, (what, result.stdout, result.stderr)
    assert message in result.stdout, (what, result.stdout)


def test_check_rejects_a_changed_platform_cost(
    write_inventory: Callable, tmp_path: Path, run_cli: Callable
) -> None:
    estate = write_inventory(
        tmp_path / "estate",
        systems=[
            {
                "id": "app",
                "name": "App",
                "options": [
                    {"id": "move", "kind": "rehost", "duration": 1, "cost": 1000,
                     "annual_saving": 500_000, "requires_platforms": ["cloud"]}
                ],
            }
        ],
        platforms=[{"id": "cloud", "setup_cost": 100_000, "setup_duration": 1}],
    )  # fmt: skip
    assert run_cli("plan", estate, "-o", tmp_path / "out").exit_code == 0
    data = json.loads((tmp_path / "out" / "roadmap.json").read_text())
    data["platforms"][0]["cost_pv"] = 1.0
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data))
    result = run_cli("check", estate, path)
    assert result.exit_code == 1
    assert "platform cloud: the roadmap states a set-up cost of 1.00" in result.stdout


def test_check_on_deeply_nested_json_is_a_clean_failure(
    tiny: Path, tmp_path: Path, run_cli: Callable
) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"status": "optimal", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = run_cli("check", tiny, path)
    clean(result)
    assert result.exit_code == 1
    assert "nests lists or objects too deeply" in result.stdout


def test_report_refuses_a_roadmap_with_a_nan_or_text_objective(
    planned: Path, tiny: Path, run_cli: Callable
) -> None:
    text = (planned / "roadmap.json").read_text()
    for bad in ("NaN", '"lots"'):
        data = json.loads(text)
        (planned / "roadmap.json").write_text(
            json.dumps(data).replace(
                f'"objective": {json.dumps(data["objective"])}', f'"objective": {bad}'
            )
        )
        result = run_cli("report", planned, "--inventory", tiny)
        clean(result)
        assert result.exit_code == 2, result.stderr
        assert "objective" in result.stderr
        assert "£nan" not in (planned / "summary.md").read_text().lower()


# --- replan validates --previous as strictly -----------------------------------------------------


@pytest.mark.parametrize("objective", ["NaN", "Infinity", "-Infinity", '"x"', "1e309"])
def test_replan_refuses_a_non_finite_previous_roadmap_at_once(
    planned: Path, tiny: Path, tmp_path: Path, run_cli: Callable, objective: str
) -> None:
    data = json.loads((planned / "roadmap.json").read_text())
    text = json.dumps(data).replace(
        f'"objective": {json.dumps(data["objective"])}', f'"objective": {objective}'
    )
    previous = tmp_path / "previous.json"
    previous.write_text(text)
    began = time.monotonic()
    result = run_cli(
        "replan", tiny, "--previous", previous, "--as-of", "2027-Q3", "--time-limit", "5",
        "-o", tmp_path / "re",
    )  # fmt: skip
    clean(result)
    assert time.monotonic() - began < 5
    assert result.exit_code == 2, result.stderr
    assert "objective" in result.stderr and "nan %" not in result.stderr


def test_replan_refuses_a_previous_roadmap_whose_figures_disagree(
    planned: Path, tiny: Path, tmp_path: Path, run_cli: Callable
) -> None:
    data = json.loads((planned / "roadmap.json").read_text())
    data["objective"] *= 3
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(data))
    result = run_cli(
        "replan", tiny, "--previous", previous, "--as-of", "2027-Q3", "-o", tmp_path / "re"
    )
    clean(result)
    assert result.exit_code == 2
    assert "add up to" in result.stderr


# --- CLI edges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flags",
    [["--time-limit", "nan"], ["--time-limit", "inf"], ["--gap", "nan"], ["--time-limit", "1e309"]],
)
def test_non_finite_solver_limits_are_usage_errors(
    tiny: Path, tmp_path: Path, run_cli: Callable, flags: list[str]
) -> None:
    result = run_cli("plan", tiny, "-o", tmp_path / "out", *flags)
    assert result.exit_code == 2
    assert "is not a finite number" in result.stderr
    assert not (tmp_path / "out" / "roadmap.json").exists()


def test_roadmap_json_never_holds_nan_or_infinity(planned: Path) -> None:
    for name in ("roadmap.json", "manifest.json"):
        json.loads(
            (planned / name).read_text(),
            parse_constant=lambda word, name=name: pytest.fail(f"{name} holds {word}"),
        )


@pytest.mark.parametrize(
    ("address", "code"),
    [("nonsense", 2), ("foo://x:1", 2), ("tcp://127.0.0.1:99999", 2), ("tcp://127.0.0.1:1", 1)],
)
def test_a_bad_dask_address_fails_fast_with_one_line(
    tiny: Path, tmp_path: Path, run_cli: Callable, address: str, code: int
) -> None:
    began = time.monotonic()
    result = run_cli(
        "robustness", tiny, "--samples", "2", "--dask-scheduler", address, "-o", tmp_path / "r"
    )
    clean(result)
    assert time.monotonic() - began < 10
    assert result.exit_code == code, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error:")


def test_a_missing_inventory_is_a_usage_error(tmp_path: Path, run_cli: Callable) -> None:
    for command in (("validate",), ("plan",), ("graph",)):
        result = run_cli(*command, tmp_path / "nowhere")
        assert result.exit_code == 2, command
        assert "does not exist" in result.stderr


def test_graph_never_overwrites_an_input_nor_writes_an_empty_name(
    tiny: Path, run_cli: Callable
) -> None:
    before = (tiny / "systems" / "core.yaml").read_bytes()
    for target in (tiny / "systems" / "core.yaml", tiny / "systems" / ".." / "portfolio.yaml"):
        result = run_cli("graph", tiny, "--format", "json", "-o", target)
        assert result.exit_code == 2
        assert "inventory's own files" in result.stderr
    assert (tiny / "systems" / "core.yaml").read_bytes() == before
    result = run_cli("graph", tiny, "--format", "json", "-o", "")
    assert result.exit_code == 2
    assert "empty file name" in result.stderr


def test_an_imported_department_with_a_line_break_keeps_the_yaml_valid(
    tmp_path: Path, run_cli: Callable
) -> None:
    source = tmp_path / "apps.csv"
    source.write_text(
        'id,name,department\nbilling,Billing,"Tax\nname: injected"\nledger,Ledger,Tax\n'
    )
    result = run_cli("import", "csv", source, "-o", tmp_path / "estate")
    clean(result)
    for path in (tmp_path / "estate").rglob("*.yaml"):
        yaml.safe_load(path.read_text())  # every file still parses
    assert "injected" not in (tmp_path / "estate" / "portfolio.yaml").read_text()
    assert run_cli("validate", tmp_path / "estate").exit_code == 0


def test_a_failed_write_leaves_the_previous_outputs_whole(
    planned: Path, tiny: Path, run_cli: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    import prioritiser.atomic as atomic

    before = _files(planned)
    real = atomic._stage
    calls = {"n": 0}

    def disk_full_on_the_fourth_file(target: Path, data: bytes) -> Path:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return real(target, data)

    monkeypatch.setattr(atomic, "_stage", disk_full_on_the_fourth_file)
    edit_yaml(tiny / "portfolio.yaml", lambda d: d["portfolio"].__setitem__("name", "Renamed"))
    result = run_cli("plan", tiny, "-o", planned)
    clean(result)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "unchanged" in result.stderr
    after = _files(planned)
    assert after == before  # every old file, byte for byte, and no temporary file left


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (the copy of the inventory included), by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_closed_stdout_exits_quietly_after_writing_everything(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "prioritiser", "plan", str(TINY), "-o", str(tmp_path / "out")]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.close()  # `| head -0`: the reader is gone before anything is printed
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGPIPE
    assert stderr.decode().strip() == ""
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert {o["file"] for o in manifest["outputs"]} >= {"roadmap.json", "report.html"}
    assert all((tmp_path / "out" / o["file"]).exists() for o in manifest["outputs"])


# --- many resources -----------------------------------------------------------------------------


def test_an_estate_with_many_resources_plans_and_reports(
    write_inventory: Callable, tmp_path: Path, run_cli: Callable
) -> None:
    resources = {"capex": {"unit": "GBP", "per_period": 1_000_000}}
    resources |= {f"skill-{i:02d}": {"unit": "FTE", "per_period": 5} for i in range(24)}
    use = {f"skill-{i:02d}": 1 for i in range(24)}
    estate = write_inventory(
        tmp_path / "estate",
        portfolio={"portfolio": {"name": "Many", "start": "2027-Q1", "periods": 8}, "resources": resources},
        systems=[
            {"id": "app", "name": "App", "options": [
                {"id": "move", "kind": "rehost", "duration": 2, "cost": 1000,
                 "annual_saving": 100_000, "resource_use": use}]}
        ],
    )  # fmt: skip
    result = run_cli("plan", estate, "-o", tmp_path / "out")
    clean(result)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "report.html").stat().st_size > 0

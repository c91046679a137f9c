"""Functional tests of `validate`, `schema` and `init`, and of the CLI's one error path."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from prioritiser.cli import cli
from prioritiser.inventory import load_inventory

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DEMO = ROOT / "inventories" / "demo"
PRIORITISER = Path(sys.executable).parent / "prioritiser"


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_console_script_help_works():
    done = subprocess.run(
        [str(PRIORITISER), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    for command in ("validate", "schema", "init"):
        assert command in done.stdout


def test_version_is_printed(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("prioritiser, version ")


# --- validate -----------------------------------------------------------------------------


def test_validate_tiny_exits_0_with_a_summary(runner):
    result = runner.invoke(cli, ["validate", str(FIXTURES / "tiny")])
    assert result.exit_code == 0, result.output
    assert (
        "valid — 3 systems, 3 options, 0 platforms, 2 resources, 8 periods from 2027-Q1"
        in result.stdout
    )
    assert result.stderr == ""


def test_validate_demo_exits_0_and_the_demo_has_at_least_40_systems(runner):
    result = runner.invoke(cli, ["validate", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert len(load_inventory(DEMO).systems) >= 40
    assert re.search(r"valid — (\d+) systems", result.stdout)


# The acceptance case of issue 3: all eight mistakes, each with file:line, in one run.
BAD_EXPECTED = [
    (
        5,
        "systems[0].criticality: must be one of low, medium, high or critical (got 'critcal') (did you mean 'critical'?)",
    ),
    (9, "systems[0].options[0].duration: must be at least 1 (got 0)"),
    (10, "systems[0].options[0].cost: must be at least 0 (got -5)"),
    (
        11,
        "systems[0].options[0].anual_saving: unknown key 'anual_saving' (did you mean 'annual_saving'?)",
    ),
    (15, "systems[1].depends_on[0].system: unknown system 'gamma'"),
    (20, "systems[1].options[0].delivery_risk: must be at most 5 (got 9)"),
    (
        21,
        "systems[1].options[0].requires_platforms[0]: unknown platform 'cloud-zone'; declare it in platforms.yaml",
    ),
    (
        22,
        "systems[2].id: duplicate system id 'beta' (first defined at tests/fixtures/bad/systems/bad.yaml:12); ids must be unique",
    ),
]


def test_validate_bad_reports_all_eight_problems_with_file_and_line_and_exits_3(
    runner, monkeypatch
):
    monkeypatch.chdir(ROOT)
    before = digests(FIXTURES / "bad")
    result = runner.invoke(cli, ["validate", "tests/fixtures/bad"])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines == [
        f"tests/fixtures/bad/systems/bad.yaml:{n}: {text}" for n, text in BAD_EXPECTED
    ] + ["8 errors"]
    assert result.stdout == ""
    assert digests(FIXTURES / "bad") == before


def test_validate_on_a_missing_folder_is_a_usage_error_with_one_line(runner, tmp_path):
    result = runner.invoke(cli, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: inventory {tmp_path / 'nowhere'} does not exist"]


def test_validate_on_a_file_is_a_usage_error(runner):
    result = runner.invoke(cli, ["validate", str(FIXTURES / "tiny" / "portfolio.yaml")])
    assert result.exit_code == 2
    assert "is a file, not an inventory folder" in result.stderr


def test_validate_without_a_path_is_a_usage_error(runner):
    assert runner.invoke(cli, ["validate"]).exit_code == 2


def test_validate_with_only_warnings_exits_0_and_shows_them(runner, tmp_path, write_inventory):
    root = write_inventory(
        tmp_path / "inv",
        systems=[
            {"id": "a", "name": "A", "options": [], "depends_on": [{"system": "b"}]},
            {"id": "b", "name": "B", "options": [], "depends_on": [{"system": "a"}]},
        ],
    )
    result = runner.invoke(cli, ["validate", str(root)])
    assert result.exit_code == 0
    assert "warning: systems[0].depends_on: dependency cycle" in result.stderr
    assert "`together`" in result.stderr
    assert "(1 warning)" in result.stdout


def test_validate_checks_the_scenarios_folder_too(runner, tmp_path, write_inventory):
    root = write_inventory(
        tmp_path / "inv",
        scenarios={"broken.yaml": "name: broken\nsystems:\n  nobody: {criticality: low}\n"},
    )
    result = runner.invoke(cli, ["validate", str(root)])
    assert result.exit_code == 3
    assert "scenarios/broken.yaml:3: 'nobody' is not in the inventory" in result.stderr


def test_validate_with_a_scenario_option(runner, tmp_path, write_inventory):
    root = write_inventory(tmp_path / "inv")
    scenario = tmp_path / "cut.yaml"
    scenario.write_text("name: cut\nresources: {capex: {per_period: -1}}\n")
    result = runner.invoke(cli, ["validate", str(root), "--scenario", str(scenario)])
    assert result.exit_code == 3
    assert "cut.yaml:2: resources.capex.per_period: must be at least 0 (got -1)" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("binary-garbage.yaml", bytes(range(256)) * 8, "binary file, not YAML text"),
        (
            "nan-cost.yaml",
            b"systems:\n  - {id: a, name: A, options: [{id: o, kind: rehost, duration: 1, cost: .NaN}]}\n",
            "'.NaN' is not a finite number",
        ),
        (
            "python-tag.yaml",
            b'systems: !!python/object/apply:os.system ["touch pwned-marker"]\n',
            "python/object/apply:os.system' is not allowed",
        ),
        (
            "duplicate-key.yaml",
            b"systems:\n  - {id: a, name: A, options: []}\nsystems: []\n",
            "duplicate key 'systems' (first defined on line 1)",
        ),
        (
            "non-utf8.yaml",
            "systems:\n  - {id: a, name: Caf\u00e9, options: []}\n".encode("cp1252"),
            "not UTF-8 text",
        ),
    ],
)
def test_hostile_file_exits_3_without_a_traceback_and_runs_nothing(
    run_cli, tmp_path, monkeypatch, write_inventory, name, content, message
):
    monkeypatch.chdir(tmp_path)
    root = write_inventory(Path("inv"))
    (root / "systems" / name).write_bytes(content)
    result = run_cli("validate", "inv")
    assert result.exit_code == 3
    assert f"inv/systems/{name}:" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "pwned-marker").exists()


def test_hostile_fixture_reports_every_file_and_executes_nothing(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hostile = FIXTURES / "yaml-hostile"
    before = digests(hostile)
    started = time.perf_counter()
    result = run_cli("validate", hostile)
    assert time.perf_counter() - started < 5
    assert result.exit_code == 3
    for name, line, message in [
        ("alias-bomb.yaml", 1, "possible alias bomb"),
        ("binary-garbage.yaml", 1, "binary file"),
        ("duplicate-key.yaml", 5, "duplicate key 'name' (first defined on line 3)"),
        ("nan-cost.yaml", 5, "'.nan' is not a finite number"),
        ("python-tag.yaml", 3, "is not allowed"),
    ]:
        assert re.search(
            rf"systems/{re.escape(name)}:{line}: .*{re.escape(message)}", result.stderr
        ), name
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "pwned-marker").exists()
    assert digests(hostile) == before


def test_oversized_file_is_refused_with_the_override_named(
    run_cli, tmp_path, write_inventory, monkeypatch
):
    root = write_inventory(tmp_path / "inv")
    monkeypatch.setenv("PRIORITISER_MAX_FILE_BYTES", "64")
    result = run_cli("validate", root)
    assert result.exit_code == 3
    assert "PRIORITISER_MAX_FILE_BYTES" in result.stderr


# --- schema -------------------------------------------------------------------------------


def test_schema_prints_a_json_schema_of_every_inventory_file(runner):
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {
        "portfolio_file",
        "platforms_file",
        "systems_file",
        "scenario_file",
        "overrides_file",
        "actuals_file",
    } <= set(schema["$defs"])
    assert len(schema["anyOf"]) == 6
    assert schema["$defs"]["System"]["additionalProperties"] is False


def conforms(
    schema: dict[str, Any], value: Any, root: dict[str, Any] | None = None, at: str = ""
) -> list[str]:
    """A tiny JSON Schema check: the keywords pydantic emits for our models, nothing more."""
    root = root or schema
    if "$ref" in schema:
        return conforms(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], value, root, at)
    if "anyOf" in schema:
        arms = [conforms(arm, value, root, at) for arm in schema["anyOf"]]
        return [] if any(not a for a in arms) else [f"{at}: matches no alternative"]
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    kind = schema.get("type")
    if kind in ("integer", "number"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or (kind == "integer" and not float(value).is_integer()):
            return [f"{at}: not {kind}"]
    elif kind and not isinstance(value, kinds[kind]):
        return [f"{at}: not {kind}"]
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{at}: not one of {schema['enum']}")
    checks = {
        "minimum": lambda v, b: v >= b,
        "maximum": lambda v, b: v <= b,
        "exclusiveMinimum": lambda v, b: v > b,
        "exclusiveMaximum": lambda v, b: v < b,
        "minLength": lambda v, b: len(v) >= b,
        "maxLength": lambda v, b: len(v) <= b,
        "pattern": lambda v, b: re.search(b, v) is not None,
    }
    problems += [
        f"{at}: {k}" for k, test in checks.items() if k in schema and not test(value, schema[k])
    ]
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [f"{at}.{k}: required" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if "propertyNames" in schema:
                problems += conforms(schema["propertyNames"], key, root, f"{at}.{key}")
            if key in properties:
                problems += conforms(properties[key], item, root, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                problems.append(f"{at}.{key}: not allowed")
            elif isinstance(schema.get("additionalProperties"), dict):
                problems += conforms(schema["additionalProperties"], item, root, f"{at}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += conforms(schema["items"], item, root, f"{at}[{i}]")
    return problems


def test_systems_schema_accepts_a_valid_systems_file_and_rejects_the_bad_one(runner):
    result = runner.invoke(cli, ["schema", "--file", "systems"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["properties"]["systems"]["type"] == "array"
    assert set(schema["$defs"]["System"]["required"]) == {"id", "name", "options"}
    assert set(schema["$defs"]["Option"]["required"]) == {"id", "kind", "duration"}
    good = yaml.safe_load((FIXTURES / "tiny" / "systems" / "core.yaml").read_text())
    assert conforms(schema, good) == []
    bad = yaml.safe_load((FIXTURES / "bad" / "systems" / "bad.yaml").read_text())
    found = "\n".join(conforms(schema, bad))
    for what in ("criticality", "duration", "cost", "anual_saving: not allowed", "delivery_risk"):
        assert what in found
    assert conforms(schema, {"systems": [{"id": "x", "name": "X"}]}) == [
        ".systems[0].options: required"
    ]


def test_combined_schema_accepts_every_demo_file(runner):
    schema = json.loads(runner.invoke(cli, ["schema"]).stdout)
    for path in sorted(DEMO.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        data = json.loads(json.dumps(data, default=str))  # YAML dates → text, as our loader does
        assert conforms(schema, data) == [], path


@pytest.mark.parametrize("which", ["portfolio", "platforms", "scenario", "actuals"])
def test_schema_of_each_file_kind_is_json(runner, which):
    result = runner.invoke(cli, ["schema", "--file", which])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == f"prioritiser {which} file"


def test_schema_of_an_unknown_file_kind_is_a_usage_error(runner):
    assert runner.invoke(cli, ["schema", "--file", "nonsense"]).exit_code == 2


# --- init ---------------------------------------------------------------------------------


def test_init_then_validate_succeeds(runner, tmp_path):
    target = tmp_path / "estate"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert f"next: prioritiser validate {target}" in result.stdout
    assert (target / "schema" / "systems.schema.json").is_file()
    assert (
        (target / "systems" / "example.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=../schema/systems.schema.json")
    )
    validated = runner.invoke(cli, ["validate", str(target)])
    assert validated.exit_code == 0, validated.output


def test_init_refuses_an_existing_inventory_without_force(run_cli, tmp_path):
    target = tmp_path / "estate"
    assert run_cli("init", target).exit_code == 0
    (target / "portfolio.yaml").write_text("# mine\n")
    result = run_cli("init", target)
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"error: {target} already holds an inventory; use --force to overwrite"
    )
    assert (target / "portfolio.yaml").read_text() == "# mine\n"
    assert run_cli("init", target, "--force").exit_code == 0
    assert (target / "portfolio.yaml").read_text() != "# mine\n"


def test_init_on_a_file_is_refused_without_suggesting_force(run_cli, tmp_path):
    target = tmp_path / "estate"
    target.write_text("not a folder\n")
    for args in (["init", target], ["init", target, "--force"], ["init", target / "sub"]):
        result = run_cli(*args)
        assert result.exit_code == 2
        assert f"{target} is a file" in result.stderr
        assert "--force" not in result.stderr
    assert target.read_text() == "not a folder\n"


# --- the one error path ---------------------------------------------------------------------


def test_unexpected_exception_is_one_internal_error_line_with_exit_1(run_cli, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("prioritiser.tasks.inventory.check_inventory", boom)
    result = run_cli("validate", FIXTURES / "tiny")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "internal error: RuntimeError: boom (rerun with --debug for the traceback)"
    ]


def test_debug_shows_the_traceback_of_an_unexpected_exception():
    # In a real process, so that the traceback is what a user would see on the terminal.
    script = (
        "import sys\n"
        "import prioritiser.tasks.inventory as m\n"
        "def boom(*a, **k): raise RuntimeError('boom')\n"
        "m.check_inventory = boom\n"
        "from prioritiser.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "--debug", "validate", str(FIXTURES / "tiny")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert "RuntimeError: boom" in done.stderr
    assert "internal error" not in done.stderr


def test_loading_an_invalid_inventory_exits_3_after_every_problem(monkeypatch, run_cli):
    monkeypatch.chdir(ROOT)
    from prioritiser.errors import InventoryError
    from prioritiser.tasks.common import load

    # Every task loads inventories with `load`; its error carries the DESIGN.md code 3,
    # and the CLI's one error path prints every problem, then the count.
    with pytest.raises(InventoryError) as caught:
        load("tests/fixtures/bad")
    assert caught.value.exit_code == 3 and len(caught.value.problems) == 8
    result = run_cli("check", "tests/fixtures/bad", "roadmap.json")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == "8 errors"

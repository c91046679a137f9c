"""Hypothesis fuzzing of the loader, the validator, overlays and `prioritiser validate`.

Every input is either valid or a clean list of problems (exit 3) — never an exception.

The strategies include the hostile inputs of the reliability review: ids and names padded
with whitespace or holding control characters, non-finite numbers (also as text), and
formula-like or markup strings; multi-document files are fuzzed as systems files too.

Cases per run (derandomised: CI runs the same cases every time, no example database):
  test_random_yaml_as_a_systems_file ........... 150
  test_random_structures_as_systems_entries .... 150
  test_random_overlays ......................... 150
  test_mutations_of_a_valid_inventory .......... 150
  test_cli_validate_on_mutations ............... 150
  test_hostile_ids_never_merge ................. 100
  test_multi_document_systems_files ............  60
  total ........................................ 910 cases, about 15 s.
"""

from __future__ import annotations

import copy
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from examples import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritiser.cli import main
from prioritiser.inventory import Problem, check_inventory

FUZZ = settings(
    max_examples=examples(150),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TINY = Path(__file__).parent / "fixtures" / "tiny"

FIELDS = [
    "systems",
    "id",
    "name",
    "options",
    "kind",
    "duration",
    "cost",
    "depends_on",
    "system",
    "constraint",
    "locked",
    "option",
    "start",
    "resource_use",
    "requires_platforms",
    "benefits",
    "department",
    "annual",
    "criticality",
    "legacy_risk",
    "security",
    "must_modernise_by",
    "earliest_start",
    "delivery_risk",
    "risk_reduction",
    "npv",
    "platforms",
    "resources",
    "per_period",
    "overrides",
    "portfolio",
    "periods",
    "risk",
    "name ",
]
WORDS = [
    "2027-Q1",
    "2027-Q5",
    "2027",
    "2026-Q4",
    "2099-12",
    "retire",
    "rehost",
    "after",
    "requires",
    "together",
    "none",
    "capex",
    "engineers",
    "identity",
    "payments",
    "old-reports",
    "critical",
    "replatform",
    "",
    " ",
    "~",
    "null",
    "NaN",
    ".inf",
    "ünï-cødé",
    "a" * 200,
    "-",
    "Ω≈ç√∫",
    "identity ",
    " identity",
    "identity\t",
    "capex ",
    "Finance\n",
    "pay\x07ments",
    "\x00",
    "abc\u202e",
    "1e309",
    "nan",
    "-inf",
    "２０２７-Q1",
    '=HYPERLINK("https://evil.test")',
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "![x](https://evil.test/i.png)",
]
# An id as typed by a careless user or an attacker: padded, with a control character inside.
padded_ids = st.builds(
    lambda base, before, after: before + base + after,
    st.sampled_from(["identity", "payments", "old-reports", "capex", "engineers"]),
    st.sampled_from(["", " ", "\t", "\u00a0"]),
    st.sampled_from(["", " ", "\n", "\x07", "\x00", "\u200b", "\u202e"]),
)

scalars = st.one_of(
    padded_ids,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-3, max_value=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e300, -1e300, 1e15, 0.5, 1.5, -0.0]),
    st.text(max_size=12),
    st.sampled_from(WORDS),
)
keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=8))
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def inventory_dir(tmp_path_factory) -> Path:
    """A copy of the tiny fixture whose files each example overwrites."""
    root = tmp_path_factory.mktemp("fuzz") / "inv"
    shutil.copytree(TINY, root)
    return root


@pytest.fixture(scope="module")
def tiny_data() -> dict[str, Any]:
    return {
        rel: yaml.safe_load((TINY / rel).read_text())
        for rel in ("portfolio.yaml", "systems/core.yaml")
    }


def assert_clean(root: Path, scenarios: list[Path] | None = None) -> list[Problem]:
    """check_inventory never raises; an inventory comes back exactly when there is no error."""
    inventory, problems = check_inventory(root, scenarios or [])
    assert all(isinstance(p, Problem) for p in problems)
    errors = [p for p in problems if p.severity == "error"]
    assert (inventory is None) == bool(errors), [p.render() for p in problems]
    for problem in problems:
        text = problem.render()
        assert "\n" not in text and "Traceback" not in text
    return errors


def write(root: Path, files: dict[str, Any]) -> None:
    for rel, data in files.items():
        (root / rel).write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")


@FUZZ
@given(doc=documents)
def test_random_yaml_as_a_systems_file(inventory_dir, tiny_data, doc):
    write(inventory_dir, {**tiny_data, "systems/core.yaml": doc})
    assert_clean(inventory_dir)


@FUZZ
@given(
    entries=st.lists(documents | st.dictionaries(st.sampled_from(FIELDS), documents), max_size=4)
)
def test_random_structures_as_systems_entries(inventory_dir, tiny_data, entries):
    systems = copy.deepcopy(tiny_data["systems/core.yaml"])
    systems["systems"].extend(entries)
    write(inventory_dir, {**tiny_data, "systems/core.yaml": systems})
    errors = assert_clean(inventory_dir)
    if any(not isinstance(e, dict) for e in entries):
        assert errors


@FUZZ
@given(
    overlay=st.dictionaries(
        st.sampled_from(
            ["name", "systems", "resources", "risk", "portfolio", "platforms", "bogus"]
        ),
        documents
        | st.dictionaries(st.sampled_from(["identity", "payments", "capex", "nobody"]), documents)
        | st.lists(
            st.dictionaries(st.sampled_from(["id", "name", "kind", "options"]), documents),
            max_size=3,
        ),
        max_size=3,
    )
)
def test_random_overlays(inventory_dir, tiny_data, overlay):
    write(inventory_dir, tiny_data)
    scenario = inventory_dir.parent / "overlay.yaml"
    scenario.write_text(dump(overlay), encoding="utf-8")
    assert_clean(inventory_dir, [scenario])


# --- mutations of a valid inventory -------------------------------------------------------

EVIL = st.one_of(
    st.sampled_from([None, "", [], {}, -1, 0, 10**30, 1e300, -1e300, True, "ünï-cødé", "x" * 500]),
    st.sampled_from([math.nan, math.inf, "2027-Q9", "identity", "capex", [{"id": "identity"}]]),
    scalars,
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside nested dicts and lists."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += paths(value, (*prefix, i))
    return out


def mutate(data: dict[str, Any], draw: Any) -> None:
    if not paths(data):
        return
    path = draw(st.sampled_from(paths(data)))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    action = draw(st.sampled_from(["delete", "replace", "rename", "duplicate"]))
    if action == "delete":
        del parent[last]
    elif action == "replace" or isinstance(parent, list):
        if action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        else:
            parent[last] = draw(EVIL)
    elif action == "rename":
        parent[draw(keys)] = parent.pop(last)
    else:
        parent[f"{last}_"] = copy.deepcopy(parent[last])


mutated = st.data()


def mutated_inventory(tiny_data: dict[str, Any], data: Any) -> dict[str, Any]:
    files = copy.deepcopy(tiny_data)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        mutate(files, data.draw)
    return {rel: files.get(rel) for rel in tiny_data}


@FUZZ
@given(data=mutated)
def test_mutations_of_a_valid_inventory(inventory_dir, tiny_data, data):
    write(inventory_dir, mutated_inventory(tiny_data, data))
    assert_clean(inventory_dir)


@FUZZ
@given(data=mutated)
def test_cli_validate_on_mutations(inventory_dir, tiny_data, data):
    write(inventory_dir, mutated_inventory(tiny_data, data))
    with CliRunner().isolation() as (out, err, _):
        try:
            main(["validate", str(inventory_dir)])
            code = 0
        except SystemExit as exc:
            code = exc.code
    output = out.getvalue().decode() + err.getvalue().decode()
    assert code in (0, 3), output
    assert "Traceback" not in output and "internal error" not in output
    if code == 3:
        assert output.rstrip().splitlines()[-1].endswith(("error", "errors"))


# --- ids that look alike never merge ---------------------------------------------------------


@settings(FUZZ, max_examples=examples(100))
@given(
    system_ids=st.lists(padded_ids, min_size=1, max_size=3),
    option_id=padded_ids,
    resource=padded_ids,
)
def test_hostile_ids_never_merge(inventory_dir, tiny_data, system_ids, option_id, resource):
    """Padded or control-character ids are refused; a valid inventory's ids are exact."""
    files = copy.deepcopy(tiny_data)
    systems = files["systems/core.yaml"]["systems"]
    for system, new_id in zip(systems, system_ids, strict=False):
        system["id"] = new_id
    systems[0]["options"][0]["id"] = option_id
    files["portfolio.yaml"]["resources"][resource] = {"per_period": 1}
    write(inventory_dir, files)
    inventory, problems = check_inventory(inventory_dir)
    assert all("\n" not in p.render() for p in problems)
    if inventory is not None:
        ids = [s.id for s in inventory.systems]
        assert len(ids) == len(set(ids)) == len(systems)
        assert all(i == i.strip() and i.isprintable() for i in ids)
        assert all(name == name.strip() for name in inventory.resources)
    for new_id in [*system_ids[: len(systems)], option_id]:
        if new_id != new_id.strip() or not new_id.isprintable():
            assert inventory is None, new_id


@settings(FUZZ, max_examples=examples(60))
@given(docs=st.lists(documents, min_size=2, max_size=4))
def test_multi_document_systems_files(inventory_dir, tiny_data, docs):
    """A systems file holding several YAML documents is one clean problem, never a crash."""
    write(inventory_dir, tiny_data)
    text = "---\n".join(dump(doc) for doc in docs)
    (inventory_dir / "systems" / "core.yaml").write_text(text, encoding="utf-8")
    errors = assert_clean(inventory_dir)
    assert errors

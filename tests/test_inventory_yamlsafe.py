"""Safe YAML loading: line numbers, and refusal of everything hostile or ambiguous."""

from __future__ import annotations

import textwrap
import time

import pytest

from prioritiser.inventory import yamlsafe
from prioritiser.inventory.yamlsafe import load_yaml_file, load_yaml_text


def load(text: str):
    return load_yaml_text(textwrap.dedent(text), "f.yaml")


def rendered(loaded) -> list[str]:
    return [p.render() for p in loaded.problems]


# --- line numbers ------------------------------------------------------------------------

SYSTEMS = """\
systems:
  - id: a
    name: A
    options:
      - id: o
        kind: rehost

  - id: b
    description: |
      two
      lines
    name: B
    options: [{id: p, kind: retire}]
"""


def test_every_key_and_list_item_has_its_line():
    loaded = load(SYSTEMS)
    assert loaded.problems == []
    lines = loaded.lines
    assert lines[("systems",)] == 1
    assert lines[("systems", 0)] == 2
    assert lines[("systems", 0, "name")] == 3
    assert lines[("systems", 0, "options", 0)] == 5
    assert lines[("systems", 0, "options", 0, "kind")] == 6
    assert lines[("systems", 1)] == 8
    assert lines[("systems", 1, "name")] == 12  # after a multi-line block scalar
    assert lines[("systems", 1, "options", 0, "kind")] == 13  # flow style: same line


def test_location_of_an_unrecorded_path_is_its_nearest_ancestor():
    loaded = load(SYSTEMS)
    assert str(loaded.location(("systems", 1, "options", 0, "duration"))) == "f.yaml:13"
    assert str(loaded.location(("nowhere",))) == "f.yaml:1"


def test_plain_values_keep_their_types_and_dates_stay_text():
    loaded = load(
        """\
        a: 1
        b: 2.5
        c: true
        d: ~
        e: 2027-01-31
        f: 2027-Q1
        g: "007"
        """
    )
    assert loaded.data == {
        "a": 1,
        "b": 2.5,
        "c": True,
        "d": None,
        "e": "2027-01-31",
        "f": "2027-Q1",
        "g": "007",
    }


def test_numeric_keys_become_text_keys():
    assert load("overrides: {2027: 5, 2028-Q1: 6}").data == {"overrides": {"2027": 5, "2028-Q1": 6}}


def test_small_aliases_are_expanded():
    loaded = load(
        """\
        base: &use {engineers: 2}
        other: *use
        """
    )
    assert loaded.problems == []
    assert loaded.data["other"] == {"engineers": 2}


# --- duplicate and merge keys ------------------------------------------------------------


def test_duplicate_key_is_an_error_with_both_lines():
    loaded = load(
        """\
        systems:
          - id: a
            name: A
            options: []
            name: Again
        """
    )
    assert rendered(loaded) == ["f.yaml:5: duplicate key 'name' (first defined on line 3)"]
    assert loaded.data["systems"][0]["name"] == "A"


def test_merge_keys_are_refused():
    loaded = load(
        """\
        defaults: &d {duration: 2}
        option:
          <<: *d
          id: o
        """
    )
    assert rendered(loaded) == ["f.yaml:3: merge keys (<<) are not supported; write the keys out"]
    assert "duration" not in loaded.data["option"]


def test_mapping_keys_must_be_plain_text():
    loaded = load("? [a, b]\n: 1\n")
    assert rendered(loaded) == ["f.yaml:1: mapping keys must be plain text"]


# --- tags: nothing is ever instantiated or executed ---------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/object/apply:subprocess.call",
    ],
)
def test_python_apply_tags_are_refused_and_never_executed(tmp_path, tag):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f'cost: {tag} ["touch {marker}"]\n', encoding="utf-8")
    loaded = load_yaml_file(path, "evil.yaml")
    assert not marker.exists()
    assert loaded.data == {"cost": None}
    [problem] = loaded.problems
    assert str(problem.location) == "evil.yaml:1"
    assert "is not allowed" in problem.message and "python/object" in problem.message


def test_python_object_tag_is_refused_and_nothing_is_instantiated(tmp_path):
    marker = tmp_path / "pwned"
    loaded = load(
        f"""\
        a: !!python/object:pathlib.PosixPath {{}}
        b: !!python/name:os.system
        c: !!python/object/apply:os.system ["touch {marker}"]
        """
    )
    assert loaded.data == {"a": {}, "b": None, "c": None}
    assert [p.location.line for p in loaded.problems] == [1, 2, 3]
    assert all("is not allowed" in p.message for p in loaded.problems)
    assert not marker.exists()


@pytest.mark.parametrize(
    "text", ["a: !!binary aGVsbG8=", "a: !!set {x, y}", "a: !!omap [x: 1]", "a: !custom 1"]
)
def test_non_plain_tags_are_refused(text):
    loaded = load(text)
    assert len(loaded.problems) == 1
    assert "is not allowed" in loaded.problems[0].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!int abc", "'abc' is not a valid int"),
        ("a: !!float abc", "'abc' is not a valid float"),
        ("a: !!bool maybe", "'maybe' is not a valid bool"),
    ],
)
def test_explicit_standard_tag_on_wrong_text_is_a_problem_not_a_crash(text, message):
    loaded = load(text)
    assert rendered(loaded) == [f"f.yaml:1: {message}"]
    assert loaded.data == {"a": None}


def test_integer_with_too_many_digits_is_refused_not_a_crash():
    loaded = load("cost: 1" + "0" * 5000)
    assert rendered(loaded) == ["f.yaml:1: a number with 5,001 digits is too large"]


def test_scalar_construction_keeps_no_state_between_loads():
    for _ in range(3):
        load(SYSTEMS)
    assert yamlsafe._constructor.constructed_objects == {}


# --- bombs and depth ----------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_fast_without_expanding():
    started = time.perf_counter()
    loaded = load_yaml_text(billion_laughs(), "bomb.yaml")
    assert time.perf_counter() - started < 2
    assert loaded.data is None
    assert rendered(loaded) == [
        "bomb.yaml:1: aliases expand to too many nodes (possible alias bomb); refusing to expand"
    ]


def test_nesting_beyond_the_depth_limit_is_refused():
    depth = yamlsafe.MAX_DEPTH + 10
    loaded = load_yaml_text("a: " + "[" * depth + "]" * depth, "deep.yaml")
    assert loaded.data is None
    assert rendered(loaded) == [
        f"deep.yaml:1: document is nested deeper than {yamlsafe.MAX_DEPTH} levels"
    ]


@pytest.mark.parametrize("depth", [5_000, 200_000])
def test_absurdly_deep_nesting_is_refused_cleanly(depth):
    started = time.perf_counter()
    loaded = load_yaml_text("[" * depth + "]" * depth, "deep.yaml")
    assert time.perf_counter() - started < 2
    assert loaded.data is None
    [problem] = loaded.problems
    assert "nest" in problem.message


def test_nesting_within_the_limit_is_fine():
    depth = yamlsafe.MAX_DEPTH - 2
    loaded = load_yaml_text("[" * depth + "1" + "]" * depth, "ok.yaml")
    assert loaded.problems == []


# --- numbers ------------------------------------------------------------------------------


def test_nan_and_infinity_are_refused():
    loaded = load(
        """\
        a: .nan
        b: .inf
        c: -.Inf
        d: 1.5
        """
    )
    assert rendered(loaded) == [
        "f.yaml:1: '.nan' is not a finite number",
        "f.yaml:2: '.inf' is not a finite number",
        "f.yaml:3: '-.Inf' is not a finite number",
    ]
    assert loaded.data == {"a": None, "b": None, "c": None, "d": 1.5}


def test_a_float_too_large_for_a_double_is_refused_as_infinite():
    loaded = load("a: 1.0e+999")
    assert rendered(loaded) == ["f.yaml:1: '1.0e+999' is not a finite number"]


# --- bytes on disk ------------------------------------------------------------------------


def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    loaded = load_yaml_file(path, "garbage.yaml")
    assert loaded.data is None
    assert rendered(loaded) == ["garbage.yaml:1: binary file, not YAML text"]


def test_non_utf8_text_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\nb: 2\nname: Caf\u00e9\n".encode("latin-1"))
    loaded = load_yaml_file(path, "latin1.yaml")
    assert loaded.data is None
    assert rendered(loaded) == ["latin1.yaml:3: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


def test_control_characters_are_refused_with_their_line():
    loaded = load_yaml_text("a: caf\u00e9\nb: 1\nc: \x01\n", "ctl.yaml")
    assert rendered(loaded) == [
        "ctl.yaml:3: invalid YAML: unacceptable character #x0001: control characters are not allowed"
    ]


def test_utf8_with_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: Caf\u00e9\n".encode())
    loaded = load_yaml_file(path)
    assert loaded.problems == []
    assert loaded.data == {"name": "Caf\u00e9"}


def test_file_over_the_size_limit_is_refused_and_the_limit_is_overridable(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text("name: " + "x" * 100 + "\n", encoding="utf-8")
    monkeypatch.setenv("PRIORITISER_MAX_FILE_BYTES", "50")
    loaded = load_yaml_file(path, "big.yaml")
    assert loaded.data is None
    [problem] = loaded.problems
    assert str(problem.location) == "big.yaml:1"
    assert "over the 50-byte limit" in problem.message
    assert "PRIORITISER_MAX_FILE_BYTES" in problem.message
    monkeypatch.setenv("PRIORITISER_MAX_FILE_BYTES", str(path.stat().st_size))
    assert load_yaml_file(path).problems == []


def test_default_size_limit_applies_when_the_override_is_not_a_number(monkeypatch):
    monkeypatch.setenv("PRIORITISER_MAX_FILE_BYTES", "lots")
    assert yamlsafe.max_file_bytes() == yamlsafe.DEFAULT_MAX_FILE_BYTES


def test_unreadable_path_is_a_problem_not_an_exception(tmp_path):
    loaded = load_yaml_file(tmp_path / "missing.yaml", "missing.yaml")
    assert loaded.data is None
    assert rendered(loaded)[0].startswith("missing.yaml:1: cannot read file")


# --- empty and malformed documents --------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_no_data_and_no_problem(text):
    loaded = load_yaml_text(text, "empty.yaml")
    assert loaded.data is None
    assert loaded.problems == []


def test_yaml_syntax_error_has_a_line():
    loaded = load(
        """\
        systems:
          - id: a
            name: [unclosed
          - id: b
        """
    )
    assert loaded.data is None
    [problem] = loaded.problems
    assert problem.message.startswith("invalid YAML: ")
    assert problem.location.line in (3, 4)


def test_bad_indentation_is_a_syntax_error_with_its_line():
    loaded = load("a:\n  b: 1\n c: 2\n")
    [problem] = loaded.problems
    assert problem.location.line == 3
    assert "\n" not in problem.render()


def test_several_documents_in_one_file_are_refused():
    loaded = load("a: 1\n---\nb: 2\n")
    assert loaded.data is None
    [problem] = loaded.problems
    assert problem.location.line == 2

"""Safe YAML loading that remembers the source line of every mapping key and list item.

We compose the YAML into nodes (which never expands aliases or runs constructors) and
build plain Python data ourselves, so that we can:
- accept only the standard tags (no `!!python/...`, nothing is ever instantiated),
- reject duplicate keys and merge keys,
- bound alias expansion (a "billion laughs" file is refused, not expanded) and depth, with
  one budget per load across every document and file (`AliasBudget`),
- refuse NaN and infinity, control characters in text, non-UTF-8 and binary files, and files
  over a size limit.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from prioritiser.inventory.problems import Location, Problem

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
# Alias expansion may visit at most this many nodes beyond twice the distinct nodes.
ALIAS_EXPANSION_ALLOWANCE = 100_000

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Scalars are built by calling SafeConstructor's per-tag functions directly: its
# `construct_object` would remember every node it sees (a leak across loads).
_constructor = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors

Path_ = tuple[str | int, ...]

# Control characters (C0 but tab and line breaks, DEL, C1) break XML (graphml, xlsx) and
# terminals; bidirectional overrides and isolates make text display as something it is not.
# YAML's double-quoted escapes ("\x07", "\0") can still produce them, so text is checked.
_FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def forbidden_character(text: str) -> str | None:
    """`U+0007`-style name of the first character text may not hold, or None."""
    match = _FORBIDDEN_TEXT.search(text)
    return None if match is None else f"U+{ord(match.group(0)):04X}"


class AliasBudget:
    """How many nodes alias expansion may still build in one load (all its documents and
    files): twice the distinct nodes of every document plus one fixed allowance. One budget
    per load, not per document, so many small documents cannot each spend the allowance."""

    def __init__(self, allowance: int = ALIAS_EXPANSION_ALLOWANCE):
        self.remaining = allowance

    def grant(self, distinct_nodes: int) -> None:
        self.remaining += 2 * distinct_nodes

    def spend(self) -> None:
        self.remaining -= 1
        if self.remaining < 0:
            raise _Budget(
                "aliases expand to too many nodes (possible alias bomb); refusing to expand"
            )


def max_file_bytes() -> int:
    """The per-file size limit; override with PRIORITISER_MAX_FILE_BYTES."""
    raw = os.environ.get("PRIORITISER_MAX_FILE_BYTES")
    if raw and raw.isdigit():
        return int(raw)
    return DEFAULT_MAX_FILE_BYTES


@dataclass
class LoadedYaml:
    """Plain data from one file plus the line of every key and item (by path)."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def location(self, path: Path_) -> Location:
        """The location of `path`, or of its nearest recorded ancestor."""
        while path and path not in self.lines:
            path = path[:-1]
        return Location(self.file, self.lines.get(path, 1))


class _Budget(Exception):
    pass


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text, refusing binary, non-UTF-8 and oversized files."""
    limit = max_file_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            return None, [
                Problem(
                    f"file is {size:,} bytes, over the {limit:,}-byte limit "
                    "(raise it with PRIORITISER_MAX_FILE_BYTES if this is intended)",
                    Location(shown, 1),
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(f"cannot read file: {exc.strerror or exc}", Location(shown, 1))]
    if b"\x00" in raw:
        return None, [Problem("binary file, not YAML text", Location(shown, 1))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                Location(shown, line),
            )
        ]
    return text, []


def load_yaml_file(
    path: Path, shown: str | None = None, budget: AliasBudget | None = None
) -> LoadedYaml:
    """Load one YAML file safely; problems are returned, never raised.

    Pass the same `budget` to every file of one load (an inventory and its scenarios).
    """
    shown = shown or str(path)
    text, problems = read_text(path, shown)
    if text is None:
        return LoadedYaml(shown, None, problems=problems)
    return load_yaml_text(text, shown, budget)


def load_yaml_text(text: str, shown: str, budget: AliasBudget | None = None) -> LoadedYaml:
    """Load YAML text (a single document) safely."""
    result = LoadedYaml(shown, None)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        result.problems.append(Problem(f"invalid YAML: {reason}", Location(shown, line)))
        return result
    except yaml.reader.ReaderError as exc:
        # Not a marked error (and libyaml counts bytes): find the character's line ourselves.
        line, reason = 1, str(exc.reason)
        if isinstance(exc.character, int):
            offset = max(0, text.find(chr(exc.character)))
            line = text.count("\n", 0, offset) + 1
            reason = f"unacceptable character #x{exc.character:04x}: {reason}"
        result.problems.append(Problem(f"invalid YAML: {reason}", Location(shown, line)))
        return result
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())  # one line
        result.problems.append(Problem(f"invalid YAML: {reason}", Location(shown, 1)))
        return result
    except RecursionError:
        result.problems.append(
            Problem(f"document is nested too deeply (limit {MAX_DEPTH})", Location(shown, 1))
        )
        return result
    if node is None:
        return result
    builder = _Builder(result, _distinct_nodes(node), budget)
    try:
        result.data = builder.build(node, ())
    except _Budget as exc:
        result.data = None
        result.problems.append(Problem(str(exc), Location(shown, node.start_mark.line + 1)))
    return result


def _distinct_nodes(root: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return len(seen)


class _Builder:
    def __init__(self, result: LoadedYaml, distinct: int, budget: AliasBudget | None = None):
        self.result = result
        self.budget = budget if budget is not None else AliasBudget()
        self.budget.grant(distinct)

    def _problem(self, message: str, node: yaml.Node) -> None:
        self.result.problems.append(
            Problem(message, Location(self.result.file, node.start_mark.line + 1))
        )

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.budget.spend()
        if depth > MAX_DEPTH:
            raise _Budget(f"document is nested deeper than {MAX_DEPTH} levels")
        self.result.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{_TAG}seq":
                self._problem(f"tag {node.tag!r} is not allowed; use a plain list", node)
                return None
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        return None  # pragma: no cover - yaml has no other node kinds

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._problem(
                f"tag {node.tag!r} is not allowed; only plain YAML values are accepted", node
            )
            return None
        if node.tag == f"{_TAG}timestamp":
            return node.value  # dates stay text; periods are labels, not datetimes
        kind = node.tag.removeprefix(_TAG)
        try:
            value = _SCALAR_CONSTRUCTORS[node.tag](_constructor, node)
        except (ValueError, KeyError, TypeError):
            # An explicit tag on text that is not of that type (`!!int abc`), or an
            # integer with more digits than Python converts.
            digits = sum(c.isdigit() for c in node.value)
            if kind == "int" and digits > sys.get_int_max_str_digits():
                self._problem(f"a number with {digits:,} digits is too large", node)
            else:
                text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
                self._problem(f"{text!r} is not a valid {kind}", node)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(f"{node.value!r} is not a finite number", node)
            return None
        if isinstance(value, str) and not self._clean(value, node):
            return None
        return value

    def _clean(self, text: str, node: yaml.Node) -> bool:
        """False (with a problem) when text holds a control or bidirectional character."""
        character = forbidden_character(text)
        if character is None:
            return True
        what = "a control character" if character < "U+0100" else "a direction override"
        self._problem(f"text holds {character}, {what}; remove it", node)
        return False

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        if node.tag != f"{_TAG}map":
            self._problem(f"tag {node.tag!r} is not allowed; use a plain mapping", node)
            return {}
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == f"{_TAG}merge":
                self._problem("merge keys (<<) are not supported; write the keys out", key_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self._problem("mapping keys must be plain text", key_node)
                continue
            key = key_node.value
            if not self._clean(key, key_node):
                continue
            if key in first_line:
                self._problem(
                    f"duplicate key {key!r} (first defined on line {first_line[key]})", key_node
                )
                continue
            first_line[key] = line
            self.result.lines[(*path, key)] = line
            value = self.build(value_node, (*path, key), depth + 1)
            # The key's own line is where a user looks for a problem with its value.
            self.result.lines[(*path, key)] = line
            out[key] = value
        return out

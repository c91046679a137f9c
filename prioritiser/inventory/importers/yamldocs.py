"""Safe loading of multi-document YAML files (Backstage catalogs) with line numbers.

Each document is composed into nodes with the same safe loader as inventory files and
converted by the same builder (`prioritiser.inventory.yamlsafe`): only standard tags, no
duplicate or merge keys, bounded alias expansion and depth, finite numbers only.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from prioritiser.inventory.problems import Location, Problem
from prioritiser.inventory.yamlsafe import (
    MAX_DEPTH,
    AliasBudget,
    LoadedYaml,
    _Budget,
    _Builder,
    _distinct_nodes,
    _Loader,
    read_text,
)

MAX_DOCUMENTS = 100_000


def load_yaml_documents(
    path: Path, shown: str | None = None, budget: AliasBudget | None = None
) -> tuple[list[LoadedYaml], list[Problem]]:
    """Every non-empty document of a YAML file, each with the line of every key and item.

    Problems (unreadable file, invalid YAML, refused content) are returned, never raised;
    the documents before an invalid one are still returned. Alias expansion is bounded by
    one `budget` for every document (pass the same one for every file of an import).
    """
    shown = shown or str(path)
    text, problems = read_text(path, shown)
    if text is None:
        return [], problems
    return load_yaml_documents_text(text, shown, budget)


def load_yaml_documents_text(
    text: str, shown: str, budget: AliasBudget | None = None
) -> tuple[list[LoadedYaml], list[Problem]]:
    """Every non-empty document of YAML text (see `load_yaml_documents`)."""
    budget = budget if budget is not None else AliasBudget()
    documents: list[LoadedYaml] = []
    problems: list[Problem] = []
    loader = _Loader(text)
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                line = mark.line + 1 if mark else 1
                reason = exc.problem or exc.context or "invalid YAML"
                problems.append(Problem(f"invalid YAML: {reason}", Location(shown, line)))
                break
            except yaml.YAMLError as exc:
                problems.append(Problem(f"invalid YAML: {exc}", Location(shown, 1)))
                break
            except RecursionError:
                problems.append(
                    Problem(
                        f"document is nested too deeply (limit {MAX_DEPTH})", Location(shown, 1)
                    )
                )
                break
            if node is None:
                continue
            if len(documents) >= MAX_DOCUMENTS:
                problems.append(
                    Problem(
                        f"more than {MAX_DOCUMENTS:,} documents; split the file",
                        Location(shown, node.start_mark.line + 1),
                    )
                )
                break
            document = _build(node, shown, budget)
            problems.extend(document.problems)
            if document.data is not None:
                documents.append(document)
    finally:
        loader.dispose()
    return documents, problems


def _build(node: yaml.Node, shown: str, budget: AliasBudget) -> LoadedYaml:
    document = LoadedYaml(shown, None)
    builder = _Builder(document, _distinct_nodes(node), budget)
    try:
        document.data = builder.build(node, ())
    except _Budget as exc:
        document.data = None
        document.problems.append(Problem(str(exc), Location(shown, node.start_mark.line + 1)))
    return document

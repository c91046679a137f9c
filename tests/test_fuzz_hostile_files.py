"""Hypothesis over the other files we read: roadmap.json (check, replan, report) and
multi-document Backstage catalogs.

- A roadmap.json with any figure replaced — by NaN, ±Infinity, 1e309, text, null, a list, a
  deeply nested value, or a different number — is either refused (a named problem) or, when
  it passes, every figure it states is still the true one. Never an exception.
- A multi-document catalog with anchors and aliases in every document imports or is refused
  cleanly, in bounded time: one alias budget for the whole import.

Cases per run (derandomised): 200 roadmap mutations + 40 catalogs, about 5 s.
"""

from __future__ import annotations

import copy
import json
import math
import time
from pathlib import Path
from typing import Any

import pytest
from examples import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritiser.certify import certify_roadmap
from prioritiser.inventory import load_inventory
from prioritiser.inventory.importers.backstage import import_backstage
from prioritiser.roadmap_file import RoadmapContentError, RoadmapFileError, parse_roadmap
from prioritiser.solve import PlanOptions, plan

FIXTURE = Path(__file__).parent / "fixtures" / "tiny"
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

NON_FINITE = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "-1e309"])
JUNK = st.sampled_from(['"12"', '"lots"', "null", "true", "[]", "{}", "[[[[[1]]]]]"])


@pytest.fixture(scope="module")
def planned() -> tuple[Any, dict[str, Any]]:
    inventory = load_inventory(FIXTURE)
    roadmap = plan(inventory, PlanOptions(gap=0.0))
    return inventory, json.loads(roadmap.to_json())


def number_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Paths of every number a roadmap.json states."""
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            out += number_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += number_paths(value, (*prefix, i))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        out.append(prefix)
    return out


def put(data: dict[str, Any], path: tuple, marker: str) -> str:
    """JSON text of `data` with the value at `path` replaced by the raw JSON `marker`."""
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = "\0MARK\0"
    return json.dumps(data).replace('"\\u0000MARK\\u0000"', marker)


@settings(FUZZ, max_examples=examples(200))
@given(data=st.data())
def test_a_mutated_figure_is_refused_or_still_true(planned, data) -> None:
    inventory, original = planned
    paths = [p for p in number_paths(original) if p[0] != "solver"]
    path = data.draw(st.sampled_from(paths))
    value = original
    for part in path:
        value = value[part]
    replacement = data.draw(
        NON_FINITE
        | JUNK
        | st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr)
        | st.just(repr(value * 1.5 + 1))
        | st.just(json.dumps(value))
    )
    text = put(copy.deepcopy(original), path, replacement)
    try:
        roadmap = parse_roadmap(text)
    except (RoadmapContentError, RoadmapFileError) as exc:
        assert str(exc)
        return
    if certify_roadmap(inventory, roadmap):
        return  # refused (a null objective is a violation, not a parse error)
    stated = json.loads(text)
    for number_path in number_paths(original):
        if number_path[0] == "solver":
            continue
        now = stated
        for part in number_path:
            now = now[part]
        was = original
        for part in number_path:
            was = was[part]
        # Passed: every figure is there, finite, and (within rounding) the true one.
        assert isinstance(now, int | float) and math.isfinite(now), (number_path, now)
        assert abs(now - was) <= 0.011 + 1e-6 * abs(was), (number_path, was, now)


ANCHORED = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
  tags: &t{i} [{tags}]
  annotations: &n{i} {{a: *t{i}, b: *t{i}, c: *t{i}, d: *t{i}}}
spec: {{type: service, owner: team, lifecycle: production, system: *n{i}}}
"""


@settings(FUZZ, max_examples=examples(40))
@given(
    documents=st.lists(
        st.tuples(st.integers(min_value=1, max_value=2000), st.booleans()), min_size=1, max_size=40
    )
)
def test_multi_document_catalogs_import_in_bounded_time(tmp_path_factory, documents) -> None:
    folder = tmp_path_factory.mktemp("catalog")
    text = "---\n".join(
        ANCHORED.format(i=i, name=f"svc-{i}" if named else "", tags=", ".join(["x"] * width))
        for i, (width, named) in enumerate(documents)
    )
    (folder / "catalog-info.yaml").write_text(text, encoding="utf-8")
    began = time.monotonic()
    result = import_backstage(folder)
    assert time.monotonic() - began < 20
    assert all(p.location is not None for p in result.skipped)

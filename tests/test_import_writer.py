"""The inventory writer: YAML that reads back exactly, and writes that are valid or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritiser.inventory import InventoryError, load_inventory
from prioritiser.inventory.schema import Option, Portfolio, PortfolioFile, Resource, System
from prioritiser.inventory.writer import (
    Flow,
    FlowList,
    InventoryDraft,
    InventoryExistsError,
    emit_yaml,
    file_slug,
    render_inventory,
    write_inventory,
)

scalars = (
    st.text(max_size=30)
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
)
keys = st.text(min_size=1, max_size=12)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.dictionaries(
        keys,
        scalars
        | st.lists(scalars, max_size=4)
        | st.dictionaries(keys, scalars, max_size=4).map(Flow)
        | st.lists(st.text(max_size=10), max_size=3).map(FlowList)
        | st.lists(st.dictionaries(keys, scalars, min_size=1, max_size=3), max_size=3),
        max_size=6,
    )
)
def test_emitted_yaml_reads_back_as_the_same_data(data: dict) -> None:
    assert yaml.safe_load(emit_yaml(data)) == (data or None)


def test_emitted_yaml_quotes_only_what_would_change_meaning() -> None:
    text = emit_yaml(
        {
            "plain": "Benefits payment mainframe",
            "words": ["yes", "null", "2027", "2027-01-01", "1.5", "#x", "a: b", "-x", ""],
            "flow": Flow(department="Tax, Benefits", start="2027-Q1"),
        }
    )
    assert "plain: Benefits payment mainframe\n" in text
    assert '"yes"' in text and '"2027"' in text and '"a: b"' in text and '""' in text
    assert 'flow: {department: "Tax, Benefits", start: 2027-Q1}' in text


def draft(periods: int = 8, duration: int = 2) -> InventoryDraft:
    return InventoryDraft(
        portfolio=PortfolioFile(
            portfolio=Portfolio(name="Test — estate", start="2027-Q1", periods=periods),
            resources={"capex": Resource(unit="GBP", per_period=1e6)},
        ),
        systems=[
            System(
                id="case-management",
                name="Case management: «legacy»",
                department="Justice & Courts",
                annual_run_cost=1.5e6,
                options=[Option(id="rehost", kind="rehost", duration=duration, cost=2e5)],
            )
        ],
        header="Test header",
    )


def test_render_is_deterministic_and_groups_systems_by_department() -> None:
    files = render_inventory(draft())
    assert list(files) == ["portfolio.yaml", "systems/justice-courts.yaml"]
    assert files == render_inventory(draft())
    assert files["systems/justice-courts.yaml"].startswith(
        "# Test header\n# Justice & Courts: 1 system\nsystems:\n  - id: case-management\n"
    )
    assert "annual_run_cost: 1500000\n" in files["systems/justice-courts.yaml"]


def test_written_inventory_loads_back_to_the_same_systems(tmp_path: Path) -> None:
    written = write_inventory(tmp_path / "estate", draft())
    assert [p.name for p in written.files] == ["portfolio.yaml", "justice-courts.yaml"]
    assert load_inventory(tmp_path / "estate").systems == tuple(draft().systems)


def test_an_invalid_draft_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as caught:
        write_inventory(tmp_path / "estate", draft(periods=4, duration=6))
    assert not (tmp_path / "estate").exists()
    [problem] = caught.value.problems
    assert "longer than the 4-period horizon" in problem.message
    assert problem.location is not None
    assert problem.location.file.endswith("estate/systems/justice-courts.yaml")


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "estate"
    write_inventory(target, draft())
    with pytest.raises(InventoryExistsError):
        write_inventory(target, draft())
    (target / "file").write_text("x")
    with pytest.raises(InventoryExistsError):
        write_inventory(target / "file", draft())
    assert write_inventory(target, draft(), force=True).removed == []


def test_department_file_names() -> None:
    assert file_slug("DWP — Benefits") == "dwp-benefits"
    assert file_slug("???") == "unassigned"

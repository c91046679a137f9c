"""`prioritiser graph` (and `validate`'s cycle warning) run end to end through click."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner, Result

from prioritiser.cli import cli, main

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH6 = str(FIXTURES / "graph6")
BAD = str(FIXTURES / "bad")
DEMO = str(Path(__file__).parent.parent / "inventories" / "demo")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_validate_warns_about_the_cycle_and_still_succeeds() -> None:
    result = run("validate", GRAPH6)
    assert result.exit_code == 0, result.output
    assert "valid — 6 systems" in result.stdout
    warning = next(line for line in result.stderr.splitlines() if "cycle" in line)
    assert "warning" in warning
    assert "a → b → c → a" in warning


def test_summary_lists_hubs_cycles_move_groups_orphans_and_exposure() -> None:
    result = run("graph", GRAPH6)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "Graph acceptance estate: 6 systems, 6 dependencies, 1 platform "
        "(1 system–platform link), 3 layers\n"
    )
    sections = out.split("\n\n")
    hubs, cycles, groups, orphans, exposure = sections[1:]
    assert hubs.splitlines()[0].startswith("Top 5 hubs by blast radius")
    ranked = [row.split()[:2] for row in hubs.splitlines()[2:]]
    assert ranked == [["a", "4"], ["b", "4"], ["c", "4"], ["d", "1"], ["f", "1"]]  # not e
    assert cycles.splitlines() == [
        "Cycles of after/requires dependencies: 1",
        "  a, b, c: e.g. a → b → c → a",
    ]
    assert groups.splitlines() == ["Move groups (together): 1", "  e, f"]
    assert orphans.splitlines() == ["Orphans (no dependencies either way): 0", "  none"]
    rows = exposure.splitlines()
    assert rows[0] == "End-of-support exposure (support ends by 2028-Q4): 2"
    assert rows[2].split()[:5] == ["c", "2026-Q4", "(already", "past)", "4"]
    assert rows[3].split()[:3] == ["a", "2028-Q2", "4"]
    assert len(rows) == 4  # d's end of support is after the horizon


def test_summary_top_limits_the_hubs() -> None:
    result = run("graph", GRAPH6, "--top", "2")
    assert result.exit_code == 0, result.output
    hubs = result.stdout.split("\n\n")[1].splitlines()
    assert hubs[0].startswith("Top 2 hubs")
    assert len(hubs) == 4


def test_json_goes_to_stdout() -> None:
    result = run("graph", GRAPH6, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["cycles"] == [["a", "b", "c"]]
    assert len(document["edges"]) == 6


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("graph.json", "{"),
        ("graph.dot", 'digraph "Graph acceptance estate" {'),
        ("graph.graphml", "<?xml"),
        ("graph.mmd", "flowchart LR"),
        ("graph.md", "# Graph acceptance estate — dependency graph"),
    ],
)
def test_output_format_follows_the_file_suffix(tmp_path: Path, name: str, starts: str) -> None:
    target = tmp_path / "out" / name
    result = run("graph", GRAPH6, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(starts)
    assert result.stdout.startswith(f"wrote {target} (")
    assert "6 systems, 6 dependencies" in result.stdout


def test_explicit_format_wins_over_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "graph.txt"
    result = run("graph", GRAPH6, "--format", "dot", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("digraph")


def test_written_graphml_loads_with_every_system(tmp_path: Path) -> None:
    target = tmp_path / "graph.graphml"
    assert run("graph", GRAPH6, "-o", str(target)).exit_code == 0
    loaded = nx.read_graphml(target)
    assert {"a", "b", "c", "d", "e", "f"} <= set(loaded.nodes)


def test_an_unknown_suffix_without_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("graph", GRAPH6, "-o", str(tmp_path / "graph.txt"))
    assert result.exit_code == 2
    assert "cannot tell the format" in result.output
    assert not (tmp_path / "graph.txt").exists()


def test_an_unknown_format_is_a_usage_error() -> None:
    result = run("graph", GRAPH6, "--format", "svg")
    assert result.exit_code == 2
    assert "'svg' is not one of" in result.output


def test_an_invalid_inventory_exits_3() -> None:
    result = run("graph", BAD)
    assert result.exit_code == 3
    assert "error" in result.stderr


def test_a_missing_inventory_is_a_usage_error(tmp_path: Path) -> None:
    result = run("graph", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_an_unwritable_output_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    target = str(blocker / "graph.json")
    result = run("graph", GRAPH6, "-o", target)
    assert result.exit_code == 1  # the group's error path turns UserError into a line
    assert "Traceback" not in result.output
    assert not (blocker / "graph.json").exists()
    with pytest.raises(SystemExit) as exit_info:  # the real entry point turns it into a line
        main(["graph", GRAPH6, "-o", target])
    assert exit_info.value.code == 1
    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert (
        last_line == f"error: cannot write outputs to {blocker}: {blocker} is a file, not a folder"
    )


def test_every_format_is_written_for_the_demo(tmp_path: Path) -> None:
    for name in ("demo.json", "demo.dot", "demo.graphml", "demo.mmd"):
        result = run("graph", DEMO, "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 1000
    summary = run("graph", DEMO)
    assert summary.exit_code == 0, summary.output
    assert "Top 10 hubs by blast radius" in summary.stdout

"""`explain` on the bundled demo: the first decision, and a retained system priced exactly.

The baseline is planned once at gap 0 (`plan -o`), and explained through `--roadmap`. The
cost of forcing a retained system in must match an independent re-solve in which a scenario
overlay gives it a deadline at the end of the horizon.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from prioritiser.cli import main
from prioritiser.inventory import load_inventory
from prioritiser.solve import PlanOptions, plan

DEMO = Path(__file__).parent.parent / "inventories" / "demo"

pytestmark = pytest.mark.slow


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run(*args: str | Path) -> Run:
    with CliRunner().isolation() as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Run(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """roadmap.json of the demo, planned exactly (gap 0)."""
    out = tmp_path_factory.mktemp("demo")
    # explain reads roadmap.json only: the board pack's re-solves are tested in test_boardpack*
    result = run(
        "plan", DEMO, "-o", out, "--gap", "0", "--no-levers", "--samples", "0", "--no-policy-cost"
    )
    assert result.code == 0, result.stderr
    return out / "roadmap.json"


def explain(planned: Path, system: str) -> dict:
    result = run("explain", DEMO, system, "--roadmap", planned, "--format", "json")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def test_first_decision_is_explained_with_numbers(planned: Path) -> None:
    roadmap = json.loads(planned.read_text(encoding="utf-8"))
    first = roadmap["decisions"][0]
    data = explain(planned, first["system"])
    assert data["decision"]["option"] == first["option"]
    assert data["decision"]["start"] == first["start"]
    assert data["reasons"][0].startswith(first["system"])
    assert "£" in data["reasons"][0]  # its NPV, in money
    assert any("scarcest resource" in r for r in data["reasons"])
    assert data["alternatives"], "other options or start periods are listed"
    assert data["forced_objective_delta"] == 0.0


def test_retained_system_forced_in_costs_what_an_independent_re_solve_says(
    planned: Path, tmp_path: Path
) -> None:
    roadmap = json.loads(planned.read_text(encoding="utf-8"))
    retained = [
        r["system"] for r in roadmap["retained"] if not r["reason"].startswith("no ")
    ]  # skip systems with no options or no window: forcing those is undefined
    system = retained[0]
    data = explain(planned, system)
    assert data["decision"] is None
    assert data["reasons"][0].startswith(f"{system} is retained")
    delta = data["forced_objective_delta"]
    assert delta is not None and delta <= 0

    overlay = tmp_path / "force.yaml"
    last = roadmap["periods"][-1]
    overlay.write_text(
        yaml.safe_dump({"name": "force", "systems": {system: {"must_modernise_by": last}}}),
        encoding="utf-8",
    )
    forced = plan(load_inventory(DEMO, [overlay]), PlanOptions(gap=0.0))
    assert forced.status == "optimal"
    assert roadmap["objective"] + delta == pytest.approx(forced.objective, rel=1e-6)
    if delta < 0:
        assert any("would lower the roadmap's total NPV" in r for r in data["reasons"])

"""The "department" benchmark: what-ifs at the size most departments have.

Cases: the demo, the demo with each of its scenarios, `compare` over all of them, and
generated estates of 50, 100, 200 and 500 systems (12 quarters). For each, the time to
prove the roadmap within 0.5 % and within 0.1 % of optimal:

- `prioritiser`: the default solve (HiGHS staged: greedy, LP, rounding, RINS, a short
  branch and bound, the window search, branch and bound; `prioritiser.solve.staged`);
- `plain HiGHS`: HiGHS branch and bound alone on the same model (the same matrix, no start,
  default options);
- `policy price`: what `plan` adds when the inventory forbids running unsupported (the
  demo does): the second solve without `risk.unsupported.forbid` that prices the policy
  (`scenarios.policy`), timed apart from the plan itself;
- any other solver installed here and asked for (`--department-solvers gurobi,scip`), from
  the same greedy start `--solver NAME` gives it.

Every measurement runs in its own process (one at a time), and records wall and CPU seconds
and the 1-minute load average when it started: on a shared machine compare CPU seconds.
`ratio` is plain HiGHS's seconds over prioritiser's, on the same machine in the same run.
Run by `scripts/bench --department [--write docs/benchmarks.md]`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "inventories" / "demo"
SIZES = [50, 100, 200, 500]
GAPS = (0.005, 0.001)
BEGIN, END = "<!-- bench:department:begin -->", "<!-- bench:department:end -->"


def cases(
    folder: Path, seed: int, generate: Any, sizes: list[int] | None = None
) -> list[dict[str, Any]]:
    """The department set: (name, inventory, scenarios, command) for every case."""
    scenarios = sorted((DEMO / "scenarios").glob("*.yaml"))
    out: list[dict[str, Any]] = [{"case": "demo", "inventory": str(DEMO), "scenarios": []}]
    for path in scenarios:
        out.append(
            {"case": f"demo + {path.stem}", "inventory": str(DEMO), "scenarios": [str(path)]}
        )
    out.append(
        {
            "case": "demo: compare, all scenarios",
            "inventory": str(DEMO),
            "scenarios": [str(p) for p in scenarios],
            "compare": True,
        }
    )
    for size in sizes or SIZES:
        estate = generate(size, 12, seed, folder)
        out.append({"case": f"{size} systems x 12", "inventory": str(estate), "scenarios": []})
    return out


def measure(case: dict[str, Any], solver: str, gap: float, limit: float) -> dict[str, Any]:
    """Runs in the child process: one case, one solver, one gap."""
    from prioritiser.inventory import load_inventory

    load = os.getloadavg()[0]
    began, cpu = time.monotonic(), _cpu()
    if case.get("compare"):
        row = _compare(case, solver, gap, limit)
    else:
        inventory = load_inventory(case["inventory"], case["scenarios"])
        row = _plan(inventory, solver, gap, limit)
    policy = row.get("policy_seconds", 0.0), row.get("policy_cpu", 0.0)
    row.update(
        case=case["case"],
        solver=solver,
        gap_asked=gap,
        seconds=round(time.monotonic() - began - policy[0], 2),
        cpu=round(_cpu() - cpu - policy[1], 2),
        load=round(load, 2),
    )
    return row


def _cpu() -> float:
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _plan(inventory: Any, solver: str, gap: float, limit: float) -> dict[str, Any]:
    from prioritiser.check import check_roadmap

    if solver == "plain":
        return _plain(inventory, gap, limit)
    from prioritiser.solve import PlanOptions, plan

    name = "highs" if solver == "prioritiser" else solver
    roadmap = plan(inventory, PlanOptions(solver=name, gap=gap, time_limit=limit))
    checked = roadmap.has_plan and not check_roadmap(inventory, roadmap)
    row = {
        "status": str(roadmap.status),
        "gap": roadmap.gap,
        "objective": roadmap.objective,
        "bound": roadmap.bound,
        "checked": checked,
    }
    if solver == "prioritiser" and inventory.forbids_unsupported and roadmap.has_plan:
        row.update(_policy_price(inventory, roadmap, PlanOptions(gap=gap, time_limit=limit)))
    return row


def _policy_price(inventory: Any, roadmap: Any, options: Any) -> dict[str, Any]:
    """The second solve `plan` runs to price the forbid policy, timed on its own."""
    from prioritiser.scenarios.policy import with_policy_cost

    began, cpu = time.monotonic(), _cpu()
    priced = with_policy_cost(inventory, roadmap, options)
    seconds, used = time.monotonic() - began, _cpu() - cpu
    policy = priced.policy
    without = None if policy is None else policy.objective_without
    bound = None if policy is None else policy.bound_without
    gap = None
    if without is not None and bound is not None:
        gap = max(0.0, bound - without) / max(abs(without), 1.0)
    return {
        "policy_seconds": round(seconds, 2),
        "policy_cpu": round(used, 2),
        "policy_gap": gap,
    }


def _plain(inventory: Any, gap: float, limit: float) -> dict[str, Any]:
    """HiGHS branch and bound alone, on the model prioritiser builds, from no start."""
    from prioritiser.model import formulate
    from prioritiser.solve.highs import solve_highs
    from prioritiser.solve.result import Limits

    model = formulate(inventory, presolve=True)
    data = model.solver_input()
    result, _ = solve_highs(data, Limits(time_limit=limit, gap=gap), model.objective_scale)
    objective = None
    if result.columns is not None:
        objective = float(data.matrix.cost @ result.columns) / model.objective_scale
    gap_found = None
    if objective is not None and result.bound is not None:
        gap_found = max(0.0, result.bound - objective) / max(abs(objective), 1.0)
    return {
        "status": str(result.status),
        "gap": gap_found,
        "objective": objective,
        "bound": result.bound,
        "checked": None,  # HiGHS' own answer: not read back as a roadmap
    }


def _compare(case: dict[str, Any], solver: str, gap: float, limit: float) -> dict[str, Any]:
    """`compare` over every scenario (prioritiser), or each plan alone (other solvers)."""
    from prioritiser.inventory import load_inventory

    baseline = load_inventory(case["inventory"])
    variants = [load_inventory(case["inventory"], [path]) for path in case["scenarios"]]
    if solver == "prioritiser":
        from prioritiser.scenarios.compare import compare
        from prioritiser.solve import PlanOptions

        options = PlanOptions(gap=gap, time_limit=limit)
        result = compare(baseline, [(v, "") for v in variants], options)
        roadmaps = [run.roadmap for run in result.runs]
        rows = [
            {"status": str(r.status), "gap": r.gap, "objective": r.objective, "checked": True}
            for r in roadmaps
        ]
    else:
        rows = [_plan(inventory, solver, gap, limit) for inventory in [baseline, *variants]]
    gaps = [r["gap"] for r in rows]
    return {
        "status": "optimal" if all(r["status"] == "optimal" for r in rows) else "feasible",
        "gap": None if any(g is None for g in gaps) else max(gaps),
        "objective": sum(r["objective"] or 0.0 for r in rows),
        "bound": None,
        "checked": all(r["checked"] is not False for r in rows),
    }


def run_child(case: dict[str, Any], solver: str, gap: float, limit: float) -> dict[str, Any]:
    cmd = [sys.executable, str(ROOT / "scripts" / "bench.py"), "--department-one"]
    cmd += [json.dumps({"case": case, "solver": solver, "gap": gap, "limit": limit})]
    budget = 4 * limit * (1 + len(case["scenarios"])) + 120
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=budget, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"case": case["case"], "solver": solver, "gap_asked": gap, "error": "timed out"}
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        return {"case": case["case"], "solver": solver, "gap_asked": gap, "error": last}
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def run(
    folder: Path,
    seed: int,
    limit: float,
    solvers: list[str],
    generate: Any,
    sizes: list[int] | None = None,
    only: str = "",
) -> list[dict[str, Any]]:
    """Every case (or those whose name contains `only`), each gap, each solver in turn."""
    rows = []
    for case in cases(folder, seed, generate, sizes):
        if only and only not in case["case"]:
            continue
        for gap in GAPS:
            # Interleaved: each solver in turn on the same case, so load shifts hit all.
            for solver in ["prioritiser", "plain", *solvers]:
                row = run_child(case, solver, gap, limit)
                rows.append(row)
                print(
                    f"  {row['case']}, {solver}, gap {gap:.1%}: "
                    f"{row.get('status', row.get('error'))} in {row.get('seconds', '?')} s "
                    f"(cpu {row.get('cpu', '?')} s, load {row.get('load', '?')})",
                    file=sys.stderr,
                    flush=True,
                )
    return rows


def _time(row: dict[str, Any] | None, limit: float) -> str:
    """Seconds to the asked gap, or `> limit (gap reached)`."""
    if row is None:
        return "—"
    if "error" in row:
        return f"error: {row['error']}"
    if row["status"] == "optimal":
        return f"{row['seconds']:.1f} (cpu {row['cpu']:.1f})"
    gap = "no roadmap" if row.get("gap") is None else f"{100 * row['gap']:.2f} %"
    return f"> {limit:.0f} ({gap})"


def _policy(row: dict[str, Any] | None, gap: float) -> str:
    """The policy price's own solve: seconds, and the gap it stopped at when short of `gap`."""
    if row is None or "policy_seconds" not in row:
        return "—"
    found = row.get("policy_gap")
    if found is not None and found <= gap + 1e-9:
        return f"{row['policy_seconds']:.1f}"
    short = "—" if found is None else f"{100 * found:.2f} %"
    return f"{row['policy_seconds']:.1f} ({short})"


def _ratio(ours: dict[str, Any] | None, plain: dict[str, Any] | None, limit: float) -> str:
    if not ours or not plain or "error" in ours or "error" in plain:
        return "—"
    mine = ours["seconds"] if ours["status"] == "optimal" else None
    theirs = plain["seconds"] if plain["status"] == "optimal" else None
    if mine is None:
        return "—" if theirs is None else f"< {theirs / limit:.2f}"
    if theirs is None:
        return f"> {limit / mine:.1f}"
    return f"{theirs / mine:.1f}"


def table(rows: list[dict[str, Any]], limit: float, solvers: list[str]) -> str:
    def find(case: str, solver: str, gap: float) -> dict[str, Any] | None:
        hit = [r for r in rows if r["case"] == case and r["solver"] == solver]
        hit = [r for r in hit if r["gap_asked"] == gap]
        return hit[0] if hit else None

    names = list(dict.fromkeys(r["case"] for r in rows))
    head = "| case | gap | prioritiser s | + policy price s | plain HiGHS s | ratio |"
    head += "".join(f" {s} s |" for s in solvers) + " objective | load |"
    lines = [head, "|" + "---|" * (7 + len(solvers)) + "---:|"]
    for name in names:
        for gap in GAPS:
            ours, plain = find(name, "prioritiser", gap), find(name, "plain", gap)
            objective = ours.get("objective") if ours else None
            loads = [r["load"] for r in rows if r["case"] == name and r.get("load")]
            cells = [
                name,
                f"{100 * gap:.1f} %",
                _time(ours, limit),
                _policy(ours, gap),
                _time(plain, limit),
                _ratio(ours, plain, limit),
                *(_time(find(name, s, gap), limit) for s in solvers),
                "—" if objective is None else f"{objective / 1e6:,.2f}m",
                f"{min(loads):.1f}–{max(loads):.1f}" if loads else "—",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(rows: list[dict[str, Any]], limit: float, solvers: list[str], header: str) -> str:
    return "\n".join(
        [
            BEGIN,
            header,
            "",
            f"- Time limit {limit:.0f} s per plan (`compare`: per plan of the three); "
            "seconds are wall-clock, model build included, YAML loading and the check "
            "included; `(cpu …)` is the CPU time of the run, both cores counted.",
            "- `> limit (g)`: stopped by the limit with gap g. `ratio`: plain HiGHS's "
            "seconds ÷ prioritiser's (`> r` when plain HiGHS did not finish).",
            "- `+ policy price s`: the second solve `plan` adds to price the forbid "
            "policy (not in `prioritiser s`; `(g)`: stopped short of the gap asked).",
            "",
            table(rows, limit, solvers),
            "",
            END,
        ]
    )


def write(path: Path, text: str) -> None:
    """Replace the department section of `path` (or append it)."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        path.write_text(head + text + rest.split(END, 1)[1], encoding="utf-8")
    else:
        path.write_text(old.rstrip() + "\n\n" + text + "\n", encoding="utf-8")

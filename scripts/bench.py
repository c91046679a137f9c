"""Benchmark: model build, solve, gap, bound and value against a greedy ranking baseline.

Each measurement runs in its own Python process, so peak memory (max RSS) is per run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_SIZES = [100, 300, 1000, 3000, 5000]
QUICK_SIZES = [100, 300]


def measure_one(inventory_dir: str, solver: str, time_limit: float, seed: int) -> dict:
    """Runs inside the child process: build, solve, LP bound, greedy; returns a result row."""
    import pulp

    from prioritiser.check import check_roadmap
    from prioritiser.economics import Economics
    from prioritiser.inventory import load_inventory
    from prioritiser.model import PlanOptions, formulate, plan
    from prioritiser.model.solve import greedy_roadmap

    inventory = load_inventory(inventory_dir)
    began = time.monotonic()
    model = formulate(inventory, Economics(inventory))
    build_seconds = time.monotonic() - began
    variables = len(model.start) + len(model.build)
    rows = sum(len(family) for family in model.families.values())
    began = time.monotonic()
    roadmap = plan(inventory, PlanOptions(solver=solver, time_limit=time_limit, seed=seed))
    total_seconds = time.monotonic() - began
    violations = check_roadmap(inventory, roadmap) if roadmap.has_plan else []
    lp_bound = None
    if solver == "highs":
        relaxed = formulate(inventory, Economics(inventory))
        relaxed.problem.solve(pulp.HiGHS(msg=False, mip=False, timeLimit=time_limit))
        lp_bound = pulp.value(relaxed.problem.objective)
    greedy = greedy_roadmap(inventory)
    greedy_violations = check_roadmap(inventory, greedy) if greedy.has_plan else []
    return {
        "systems": len(inventory.systems),
        "periods": inventory.axis.count,
        "solver": roadmap.solver.name,
        "variables": variables,
        "rows": rows,
        "build_s": round(build_seconds, 2),
        "total_s": round(total_seconds, 2),
        "solve_s": round(total_seconds - build_seconds, 2),
        "status": roadmap.status,
        "gap": roadmap.gap,
        "objective": roadmap.objective,
        "bound": roadmap.bound,
        "lp_bound": lp_bound,
        "decisions": len(roadmap.decisions),
        "check_ok": not violations,
        "greedy": greedy.objective,
        "greedy_check_ok": not greedy_violations,
        "greedy_s": greedy.solver.seconds,
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def generate(size: int, periods: int, seed: int, folder: Path) -> Path:
    target = folder / f"estate-{size}-{periods}-{seed}"
    if not (target / "portfolio.yaml").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "prioritiser",
                "generate",
                "--systems",
                str(size),
                "--seed",
                str(seed),
                "--periods",
                str(periods),
                "-o",
                str(target),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target


def run_child(inventory: Path, solver: str, time_limit: float, seed: int) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--one",
        str(inventory),
        "--solvers",
        solver,
        "--time-limit",
        str(time_limit),
        "--seed",
        str(seed),
    ]
    # A run that overshoots its limit this much is a finding in itself, not a reason to hang.
    budget = max(4 * time_limit, time_limit + 120)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=budget)
    except subprocess.TimeoutExpired:
        return {"error": f"time limit not honoured: stopped after {budget:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def money(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e6:,.2f}m"


def table(rows: list[dict]) -> str:
    head = (
        "| systems | periods | solver | vars | build s | solve s | build % | status | gap % "
        "| objective | LP bound | greedy | ratio | peak MiB | checked |"
    )
    lines = [head, "|" + "---:|" * 4 + "---:|" * 3 + "---|" + "---:|" * 6 + "---|"]
    for r in rows:
        if "error" in r:
            lines.append(
                f"| {r.get('systems')} | {r.get('periods')} | {r.get('solver')} | error: {r['error']} |"
            )
            continue
        ratio = (r["objective"] / r["greedy"]) if r["objective"] and r["greedy"] else None
        gap = "—" if r["gap"] is None else f"{100 * r['gap']:.2f}"
        build_share = 100 * r["build_s"] / r["total_s"] if r["total_s"] else 0
        lines.append(
            f"| {r['systems']} | {r['periods']} | {r['solver']} | {r['variables']:,} | "
            f"{r['build_s']:.2f} | {r['solve_s']:.2f} | {build_share:.0f} | {r['status']} | "
            f"{gap} | {money(r['objective'])} | "
            f"{money(r['lp_bound'])} | {money(r['greedy'])} | "
            f"{'—' if ratio is None else f'{ratio:.3f}'} | {r['peak_mib']:,.0f} | "
            f"{'yes' if r['check_ok'] and r['greedy_check_ok'] else 'NO'} |"
        )
    return "\n".join(lines)


def versions() -> str:
    from importlib.metadata import version

    names = ["prioritiser", "pulp", "highspy", "networkx", "pydantic"]
    return ", ".join(f"{n} {version(n)}" for n in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes and short limits (CI)")
    parser.add_argument("--sizes", help="comma-separated estate sizes")
    parser.add_argument("--periods", help="comma-separated horizons (quarters)", default=None)
    parser.add_argument("--solvers", default="highs,cbc")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", help="write the markdown report to this file")
    parser.add_argument("--keep", help="folder to keep generated estates in")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        limit = args.time_limit or 60.0
        print(json.dumps(measure_one(args.one, args.solvers, limit, args.seed)))
        return
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else (QUICK_SIZES if args.quick else FULL_SIZES)
    )
    periods = (
        [int(p) for p in args.periods.split(",")]
        if args.periods
        else ([12] if args.quick else [12, 16])
    )
    limit = args.time_limit or (10.0 if args.quick else 60.0)
    solvers = args.solvers.split(",")
    rows = []
    with tempfile.TemporaryDirectory(prefix="prioritiser-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            for horizon in periods:
                estate = generate(size, horizon, args.seed, folder)
                for solver in solvers:
                    began = time.monotonic()
                    row = run_child(estate, solver, limit, args.seed)
                    row.setdefault("systems", size)
                    row.setdefault("periods", horizon)
                    row.setdefault("solver", solver)
                    rows.append(row)
                    print(
                        f"  {size:>5} systems × {horizon} periods, {solver}: "
                        f"{row.get('status', row.get('error'))} in {time.monotonic() - began:.1f}s",
                        file=sys.stderr,
                        flush=True,
                    )
    text = table(rows)
    print(text)
    if args.write:
        cpu = platform.processor() or platform.machine()
        header = (
            f"# Benchmarks\n\nGenerated by `scripts/bench {' '.join(sys.argv[1:])}` on {date.today()}"
            f" — {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; {versions()}. Time limit {limit:.0f} s per solve "
            f"(model build included); seed {args.seed}.\n\n"
        )
        Path(args.write).write_text(header + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

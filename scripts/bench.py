"""Benchmark: model build, solve, gap, bound and value against a greedy ranking baseline.

Estates come from `prioritiser generate` (fixed seed). Each measurement runs in its own
Python process, so peak memory (max RSS, CBC's process included) is per run. Solvers:

- `highs`      the default: HiGHS in stages (greedy, LP, rounding, RINS, branch and bound)
- `highs-mip`  HiGHS branch and bound on the whole model from the greedy roadmap
- `cbc`        the CBC bundled with PuLP, from the greedy roadmap
- `decompose-1`, `decompose-2`, `decompose-dask`: `--method decompose` with its
  subproblems in this process, 2 local processes, or a Dask LocalCluster of 2 workers

`--write FILE` replaces the generated part of FILE (between the `bench:begin`/`bench:end`
markers) and leaves the rest — the written analysis — alone.

`--department` runs the department set instead (`bench_department.py`: the demo, its
scenarios, `compare`, and 50-500 systems, to 0.5 % and 0.1 %, against plain HiGHS); with
`--write` it replaces the `bench:department` section.
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
SOLVERS = {"highs": ("highs", "staged"), "highs-mip": ("highs", "mip"), "cbc": ("cbc", "mip")}
# The decomposition (`--method decompose`) and where its department subproblems run: this
# process, a pool of 2 local processes, or a Dask LocalCluster of 2 worker processes.
SOLVERS |= {"decompose-1": ("highs", "staged"), "decompose-2": ("highs", "staged")}
SOLVERS |= {"decompose-dask": ("highs", "staged")}
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def measure_one(inventory_dir: str, name: str, time_limit: float, seed: int, lp: bool) -> dict:
    """Runs inside the child process: plan, LP bound, greedy, checks; returns a result row."""
    from prioritiser.check import check_roadmap
    from prioritiser.inventory import load_inventory
    from prioritiser.model import formulate
    from prioritiser.solve import PlanOptions, Progress, greedy_roadmap, plan
    from prioritiser.solve.highs import solve_relaxation

    solver, strategy = SOLVERS[name]
    load = os.getloadavg()[0]
    began = time.monotonic()
    inventory = load_inventory(inventory_dir)
    load_seconds = time.monotonic() - began
    built: list[float] = []

    def progress(event: Progress) -> None:
        if event.phase == "model built":
            built.append(event.elapsed)

    options = PlanOptions(solver=solver, time_limit=time_limit, seed=seed, strategy=strategy)
    cluster = None
    if name.startswith("decompose"):
        options.method = "decompose"
        options.workers = 2 if name == "decompose-2" else 1
        if name == "decompose-dask":
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0")
            options.dask_scheduler = cluster.scheduler_address
    else:
        options.method = "monolithic"
    began = time.monotonic()
    roadmap = plan(inventory, options, progress)
    total_seconds = time.monotonic() - began
    if cluster is not None:
        cluster.close()
    build_seconds = built[0] if built else 0.0
    # The plan's peak, measured before the LP bound below loads its own copy: this process
    # and the largest child (CBC, or a decomposition worker whose pool has been shut down).
    own_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_kib = max(own_kib, child_kib)
    violations = check_roadmap(inventory, roadmap) if roadmap.has_plan else []
    model = formulate(inventory, presolve=True)
    size = model.solver_input().matrix
    lp_bound, lp_seconds = None, None
    if lp:
        began = time.monotonic()
        lp_bound = solve_relaxation(model.solver_input(), model.objective_scale, time_limit)
        lp_seconds = time.monotonic() - began
    del model
    greedy = greedy_roadmap(inventory)
    greedy_violations = check_roadmap(inventory, greedy) if greedy.has_plan else []
    return {
        "systems": len(inventory.systems),
        "periods": inventory.axis.count,
        "solver": name,
        "candidates": len(size.integer.nonzero()[0]),
        "columns": size.num_col,
        "rows": size.num_row,
        "nonzeros": size.nonzeros,
        "load_s": round(load_seconds, 2),
        "build_s": round(build_seconds, 2),
        "total_s": round(total_seconds, 2),
        "solve_s": round(total_seconds - build_seconds, 2),
        "status": roadmap.status,
        "gap": roadmap.gap,
        "objective": roadmap.objective,
        "bound": roadmap.bound,
        "lp_bound": lp_bound,
        "lp_s": None if lp_seconds is None else round(lp_seconds, 1),
        "decisions": len(roadmap.decisions),
        "check_ok": not violations,
        "greedy": greedy.objective,
        "greedy_check_ok": not greedy_violations,
        "greedy_s": greedy.solver.seconds,
        "peak_mib": round(peak_kib / 1024, 1),
        "planner_mib": round(own_kib / 1024, 1),
        "worker_mib": round(child_kib / 1024, 1),
        "load": round(load, 2),
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
                "--force",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return target


def run_child(inventory: Path, name: str, time_limit: float, seed: int, lp: bool) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--one",
        str(inventory),
        "--solvers",
        name,
        "--time-limit",
        str(time_limit),
        "--seed",
        str(seed),
    ]
    if not lp:
        cmd.append("--no-lp")
    # A run that overshoots its limit this much is a finding in itself, not a reason to hang.
    budget = max(4 * time_limit, time_limit + 120) + (time_limit if lp else 0)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=budget)
    except subprocess.TimeoutExpired:
        return {"error": f"time limit not honoured: stopped after {budget:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def money(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e6:,.1f}m"


def ratio(row: dict) -> float | None:
    objective, greedy = row.get("objective"), row.get("greedy")
    return objective / greedy if objective and greedy and greedy > 0 else None


def checked(row: dict) -> bool:
    return bool(row.get("check_ok") and row.get("greedy_check_ok"))


def table(rows: list[dict]) -> str:
    head = (
        "| systems | periods | solver | binaries | non-zeros | build s | solve s | build % "
        "| status | gap % | objective | LP bound | LP s | greedy | ratio | peak MiB | load "
        "| checked |"
    )
    align = "|" + "---:|" * 2 + "---|" + "---:|" * 5 + "---|" + "---:|" * 8 + "---|"
    lines = [head, align]
    for r in rows:
        if "error" in r:
            lines.append(
                f"| {r.get('systems')} | {r.get('periods')} | {r.get('solver')} "
                f"| error: {r['error']} |" + " |" * 15
            )
            continue
        gap = "—" if r["gap"] is None else f"{100 * r['gap']:.2f}"
        share = 100 * r["build_s"] / r["total_s"] if r["total_s"] else 0
        value = ratio(r)
        lp_s = "—" if r["lp_s"] is None else f"{r['lp_s']:.0f}"
        lines.append(
            f"| {r['systems']:,} | {r['periods']} | {r['solver']} | {r['candidates']:,} | "
            f"{r['nonzeros']:,} | {r['build_s']:.1f} | {r['solve_s']:.1f} | {share:.0f} | "
            f"{r['status']} | {gap} | {money(r['objective'])} | {money(r['lp_bound'])} | "
            f"{lp_s} | {money(r['greedy'])} | {'—' if value is None else f'{value:.2f}'} | "
            f"{r['peak_mib']:,.0f} | {r['load']:.1f} | {'yes' if checked(r) else 'NO'} |"
        )
    return "\n".join(lines)


def chart(rows: list[dict], periods: int, field: str, title: str, unit: str) -> str:
    """A Mermaid xychart of `field` against estate size, one line per solver."""
    mine = [r for r in rows if r.get("periods") == periods and "error" not in r]
    sizes = sorted({r["systems"] for r in mine})
    solvers = [s for s in SOLVERS if any(r["solver"] == s for r in mine)]
    if not sizes or not solvers:
        return ""
    series, top = [], 0.0
    for solver in solvers:
        values = []
        for size in sizes:
            hit = [r for r in mine if r["solver"] == solver and r["systems"] == size]
            value = hit[0].get(field) if hit else None
            if value is None:
                value = 100.0 if field == "gap" else 0.0  # no bound: nothing proven
            else:
                value = float(value) * (100 if field == "gap" else 1)
            values.append(round(min(value, 100.0) if field == "gap" else value, 2))
            top = max(top, values[-1])
        series.append(f"    line [{', '.join(str(v) for v in values)}]")
    legend = ", ".join(f"line {i + 1}: {s}" for i, s in enumerate(solvers))
    return "\n".join(
        [
            f"{title} ({periods} quarters; {legend}):",
            "",
            "```mermaid",
            "xychart-beta",
            f'    title "{title}, {periods} quarters"',
            f"    x-axis [{', '.join(str(s) for s in sizes)}]",
            f'    y-axis "{unit}" 0 --> {max(1.0, round(top * 1.1, 1))}',
            *series,
            "```",
        ]
    )


def versions() -> str:
    from importlib.metadata import version

    names = ["prioritiser", "highspy", "pulp", "numpy", "networkx", "pydantic"]
    return ", ".join(f"{n} {version(n)}" for n in names)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def report(rows: list[dict], args: argparse.Namespace, limit: float, started: str) -> str:
    loads = [r["load"] for r in rows if "load" in r]
    charts = [
        chart(rows, p, field, title, unit)
        for p in sorted({r.get("periods") for r in rows if r.get("periods")})
        for field, title, unit in (
            ("total_s", "Seconds to the roadmap (build + solve)", "seconds"),
            ("gap", "Proven gap", "% (capped at 100; no bound = 100)"),
        )
    ]
    return "\n".join(
        [
            BEGIN,
            f"Generated by `scripts/bench {' '.join(sys.argv[1:])}`, started {started}, "
            f"finished {date.today()}.",
            "",
            f"- Machine: {machine()}.",
            f"- Versions: {versions()}.",
            f"- Time limit {limit:.0f} s per run, model build included (loading the YAML is "
            f"not: it is `load` below); estates from `prioritiser generate --seed {args.seed}`"
            "; 3 options per system; default gap 0.5 %; HiGHS and CBC pick their own thread "
            "count (all cores).",
            f"- Machine load (1-minute load average at the start of each run): "
            f"{min(loads, default=0):.1f}–{max(loads, default=0):.1f}. Other engineers' "
            "test runs may have shared these 2 cores, so seconds are noisy; the `load` column "
            "says how busy the machine was.",
            "- `binaries`: start variables after window pruning and dominated-option presolve; "
            "`LP bound`: the LP relaxation of the whole model, solved separately with the same "
            "time limit (— when it does not finish); `ratio`: objective ÷ greedy; `checked`: "
            "both roadmaps pass the independent checker.",
            "",
            table(rows),
            "",
            *[c + "\n" for c in charts if c],
            END,
        ]
    )


def write(path: Path, text: str) -> None:
    """Replace the generated section of `path` (or create the file around it)."""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if BEGIN in old and END in old:
            head, rest = old.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + text + tail, encoding="utf-8")
            return
        path.write_text(old.rstrip() + "\n\n" + text + "\n", encoding="utf-8")
        return
    path.write_text("# Benchmarks\n\n" + text + "\n", encoding="utf-8")


def department(args: argparse.Namespace) -> None:
    """The department set: see `bench_department.py`."""
    import bench_department

    limit = args.time_limit or 120.0
    solvers = [s for s in args.department_solvers.split(",") if s]
    started = time.strftime("%Y-%m-%d %H:%M")
    with tempfile.TemporaryDirectory(prefix="prioritiser-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else None
        rows = bench_department.run(
            folder, args.seed, limit, solvers, generate, sizes, args.department_cases
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(bench_department.table(rows, limit, solvers))
    if args.write:
        header = (
            f"Generated by `scripts/bench {' '.join(sys.argv[1:])}`, started {started}, "
            f"finished {date.today()}.\n\n- Machine: {machine()}.\n- Versions: {versions()}."
        )
        text = bench_department.report(rows, limit, solvers, header)
        bench_department.write(Path(args.write), text)


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes and short limits (CI)")
    parser.add_argument("--sizes", help="comma-separated estate sizes")
    parser.add_argument("--periods", help="comma-separated horizons (quarters)", default=None)
    parser.add_argument("--solvers", default=None, help=f"comma-separated: {', '.join(SOLVERS)}")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-lp", action="store_true", help="skip the separate LP bound")
    parser.add_argument("--write", help="write the markdown report into this file")
    parser.add_argument("--json", help="also save the rows as JSON here")
    parser.add_argument("--keep", help="folder to keep generated estates in")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument(
        "--department", action="store_true", help="the department set (bench_department.py)"
    )
    parser.add_argument(
        "--department-solvers",
        default="",
        help="other installed solvers to add to the department set, e.g. gurobi,scip",
    )
    parser.add_argument(
        "--department-cases", default="", help="only the department cases whose name has this"
    )
    parser.add_argument("--department-one", help=argparse.SUPPRESS)
    return parser


def main() -> None:
    parser = arguments()
    args = parser.parse_args()
    if args.department_one:
        import bench_department

        spec = json.loads(args.department_one)
        row = bench_department.measure(spec["case"], spec["solver"], spec["gap"], spec["limit"])
        print(json.dumps(row))
        return
    if args.department:
        department(args)
        return
    if args.one:
        limit = args.time_limit or 60.0
        row = measure_one(args.one, args.solvers, limit, args.seed, not args.no_lp)
        print(json.dumps(row))
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
    default = "highs,cbc" if args.quick else "highs,highs-mip,cbc"
    solvers = (args.solvers or default).split(",")
    unknown = [s for s in solvers if s not in SOLVERS]
    if unknown:
        parser.error(f"unknown solver(s) {', '.join(unknown)}; choose from {', '.join(SOLVERS)}")
    started = time.strftime("%Y-%m-%d %H:%M")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="prioritiser-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            for horizon in periods:
                estate = generate(size, horizon, args.seed, folder)
                for i, name in enumerate(solvers):
                    began = time.monotonic()
                    lp = not args.no_lp and i == 0  # one LP bound per estate is enough
                    row = run_child(estate, name, limit, args.seed, lp)
                    if not lp and rows and rows[-1].get("systems") == size and "error" not in row:
                        row["lp_bound"] = rows[-1].get("lp_bound")
                    row.setdefault("systems", size)
                    row.setdefault("periods", horizon)
                    row.setdefault("solver", name)
                    rows.append(row)
                    print(
                        f"  {size:>5} systems × {horizon} periods, {name}: "
                        f"{row.get('status', row.get('error'))} in {time.monotonic() - began:.1f}s",
                        file=sys.stderr,
                        flush=True,
                    )
                    if args.json:
                        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(table(rows))
    if args.write:
        write(Path(args.write), report(rows, args, limit, started))


if __name__ == "__main__":
    main()

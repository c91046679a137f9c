"""Many independent solves, in this process or a pool of processes, gathered by key.

The board pack re-solves the model a dozen times (levers, ways to close a risk, forcing
prices, scenarios). Each solve is independent and deterministic (no time limit, fixed
seed), so they may run side by side: results are gathered by the job's key, never by the
order they finish in, and the same inputs give the same results whatever `workers` is.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

from prioritiser.inventory import Inventory
from prioritiser.model import Formulation
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.variants import verified
from prioritiser.solve import PlanOptions, plan

# Without `workers`, jobs on estates smaller than this run in this process: a pool's worker
# takes about 1.5 s of CPU to start (it imports numpy, HiGHS and this package), more than all
# the re-solves of a small estate together (tiny's pack: 1.9 s in this process, 4.7 s in a
# pool of two; the demo's 51 systems, a few seconds a re-solve, are worth the pool).
POOL_SYSTEMS = 20


@dataclass(frozen=True)
class Job:
    """One solve: an inventory (a variant of the one planned), how to solve it, and an
    optional named adjustment of the model (a picklable callable, e.g. `ForceIn`)."""

    key: str
    inventory: Inventory
    options: PlanOptions
    adjust: Callable[[Formulation], None] | None = None


def run_job(job: Job) -> tuple[str, Roadmap]:
    """Solve one job; its roadmap passes the independent checker or this raises."""
    roadmap = plan(job.inventory, job.options, adjust=job.adjust)
    return job.key, verified(job.inventory, roadmap, job.key)


def default_workers(jobs: Sequence[Job]) -> int:
    """One process per core, at most one per job (1 runs in this process); small estates
    run in this process (`POOL_SYSTEMS`)."""
    if max((len(j.inventory.systems) for j in jobs), default=0) < POOL_SYSTEMS:
        return 1
    return max(1, min(os.cpu_count() or 1, len(jobs)))


def run_jobs(
    jobs: Sequence[Job],
    workers: int | None = None,
    progress: Callable[[str, Roadmap], None] | None = None,
) -> dict[str, Roadmap]:
    """Every job's roadmap by key. `workers` > 1 solves in a pool of processes."""
    jobs = [replace(j, options=replace(j.options, stop=None)) for j in jobs]
    count = default_workers(jobs) if workers is None else max(1, min(workers, len(jobs)))
    results: dict[str, Roadmap] = {}
    if count <= 1:
        for job in jobs:
            key, roadmap = run_job(job)
            results[key] = roadmap
            if progress is not None:
                progress(key, roadmap)
        return results
    import multiprocessing

    # "spawn": the parent may hold solver threads, which fork would copy half-alive.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        futures = [pool.submit(run_job, job) for job in jobs]
        try:
            for future in as_completed(futures):
                key, roadmap = future.result()
                results[key] = roadmap
                if progress is not None:
                    progress(key, roadmap)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return results

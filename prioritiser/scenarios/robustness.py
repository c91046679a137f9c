"""`robustness`: Monte Carlo over cost, duration and benefit uncertainty.

Each sample draws, for every option of every system, three multipliers — on its one-off
cost, its duration and its benefits (cashable savings and other benefits) — uniformly from
the range of the option's kind. Then it

(a) evaluates the baseline roadmap as planned: its NPV on the sampled figures, and every
    resource whose capacity (per period, or its `total`) the sampled costs and durations
    would breach, and
(b) re-optimises on the sampled figures: which systems the best roadmap then modernises,
    and its NPV (an infeasible sample is counted, not fatal).

Default ranges (multipliers), in the spirit of the Green Book's supplementary guidance on
optimism bias (upper bounds of 10–200 % on capital cost and 0–54 % on duration for
equipment and development projects, lower for standard and outsourced work). Kinds that
build or rewrite software sit at the "equipment/development" end, lift-and-shift and
repurchase near "outsourcing", decommissioning near "standard". Benefit shortfall has no
Green Book table; the ranges below are this tool's assumption, cautious on bespoke work:

| kind       | cost        | duration    | benefit     |
|------------|-------------|-------------|-------------|
| retire     | 1.00 – 1.25 | 1.00 – 1.25 | 0.90 – 1.00 |
| rehost     | 1.00 – 1.41 | 1.00 – 1.25 | 0.85 – 1.00 |
| repurchase | 1.00 – 1.41 | 1.00 – 1.25 | 0.85 – 1.00 |
| replatform | 1.05 – 1.66 | 1.00 – 1.39 | 0.80 – 1.00 |
| refactor   | 1.10 – 2.00 | 1.10 – 1.54 | 0.70 – 1.00 |
| replace    | 1.10 – 2.00 | 1.10 – 1.54 | 0.70 – 1.00 |

`portfolio.yaml` overrides any of them per kind:

    uncertainty:
      cost: {replace: {low: 1.2, high: 2.5}}
      duration: {refactor: {low: 1.0, high: 1.3}}

How the multipliers apply:
- cost × c: `cost` and every `costs:` entry; an option's explicit money resources in
  `resource_use` (per period) keep their total × c;
- duration × d, rounded to a whole number of periods, at least 1 and never below the
  planned duration, and capped so the option still fits its window (lock, earliest start,
  deadline, horizon): an overrun past the horizon is invisible to a plan, and a window the
  option can no longer fit would turn a cost question into a feasibility one (with the
  inventory's optimism bias applied on top, as the plan applies it). Resources other than
  money are drawn per period for the longer duration;
- positive savings and benefits × b (a negative one, a dis-benefit, is left as it is);
- an appraised `npv:` becomes npv × b − (c − 1) × cost when positive, npv − (c − 1) × cost
  otherwise (cost: every one-off cost); legacy-risk value, unsupported exposure and
  platform set-ups are not sampled. The samples multiply the inventory's base figures in
  place of its `appraisal.optimism_bias` (those ranges are optimism bias too: applying both
  would count the same overrun twice).

Reproducibility: sample i's random numbers come only from `random.Random("<seed>:<i>")`,
drawn in a fixed order (systems by id, options as listed), and results are gathered by
sample index, so the same seed gives the same results whatever the number of workers or
whether a Dask cluster runs them — provided no solve is cut short by a time limit (timing
is the one thing that differs between machines).

`prioritiser.reports.robustness` writes the outputs: `robustness.json` (the documented
summary), `robustness-details.json`, `samples.csv`, `robustness.md` and `robustness.html`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

from prioritiser.errors import UsageError
from prioritiser.inventory import Inventory, Option, System
from prioritiser.inventory.appraisal_terms import (
    adjusted_duration,
    money_resources,
    one_off_costs,
    uplift_of,
)
from prioritiser.inventory.schema import OPTION_KINDS, OptimismBias
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.variants import placed_on, resource_use_of, verified
from prioritiser.solve import PlanOptions, cluster, plan

Bounds = tuple[float, float]
DIMENSIONS = ("cost", "duration", "benefit")
DEFAULT_RANGES: dict[str, dict[str, Bounds]] = {
    "cost": {
        "retire": (1.00, 1.25),
        "rehost": (1.00, 1.41),
        "repurchase": (1.00, 1.41),
        "replatform": (1.05, 1.66),
        "refactor": (1.10, 2.00),
        "replace": (1.10, 2.00),
    },
    "duration": {
        "retire": (1.00, 1.25),
        "rehost": (1.00, 1.25),
        "repurchase": (1.00, 1.25),
        "replatform": (1.00, 1.39),
        "refactor": (1.10, 1.54),
        "replace": (1.10, 1.54),
    },
    "benefit": {
        "retire": (0.90, 1.00),
        "rehost": (0.85, 1.00),
        "repurchase": (0.85, 1.00),
        "replatform": (0.80, 1.00),
        "refactor": (0.70, 1.00),
        "replace": (0.70, 1.00),
    },
}
TOLERANCE = 1e-6  # relative, as the independent checker compares capacities
TOTAL = "total"  # the breach "period" of a resource's horizon total


# --- ranges and draws ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranges:
    """Multiplier ranges per dimension and option kind."""

    table: dict[str, dict[str, Bounds]]

    def of(self, dimension: str, kind: str) -> Bounds:
        return self.table[dimension].get(kind, (1.0, 1.0))


def ranges_for(inventory: Inventory) -> Ranges:
    """The default ranges with portfolio.yaml's `uncertainty:` overrides applied."""
    table = {dim: dict(DEFAULT_RANGES[dim]) for dim in DIMENSIONS}
    if inventory.uncertainty is not None:
        for dim in DIMENSIONS:
            for kind, bounds in getattr(inventory.uncertainty, dim).items():
                if bounds.low > bounds.high:
                    raise UsageError(
                        f"uncertainty.{dim}.{kind}: low ({bounds.low}) is above high "
                        f"({bounds.high})"
                    )
                table[dim][kind] = (bounds.low, bounds.high)
    if any(kind not in table[dim] for dim in DIMENSIONS for kind in OPTION_KINDS):
        raise AssertionError("every option kind needs a default range")
    return Ranges(table)


@dataclass(frozen=True)
class Multipliers:
    cost: float
    duration: float
    benefit: float


def draw(
    inventory: Inventory, ranges: Ranges, seed: int, index: int
) -> dict[tuple[str, str], Multipliers]:
    """Sample `index`'s multipliers: a function of (seed, index) and the inventory only."""
    rng = random.Random(f"{seed}:{index}")
    out = {}
    for system in sorted(inventory.systems, key=lambda s: s.id):
        for option in system.options:
            values = [rng.uniform(*ranges.of(dim, option.kind)) for dim in DIMENSIONS]
            out[(system.id, option.id)] = Multipliers(*values)
    return out


# --- the sampled inventory -------------------------------------------------------------------


def sample_inventory(inventory: Inventory, draws: dict[tuple[str, str], Multipliers]) -> Inventory:
    """The inventory with every option's cost, duration and benefits multiplied: the
    multipliers are optimism-bias ranges on the base figures, so a sample drops the
    inventory's own optimism bias (kinds' and options'), which would count the overrun twice."""
    bare = _without_bias(inventory)
    systems = []
    for system in bare.systems:
        options = [
            _sample_option(bare, system, option, draws[(system.id, option.id)])
            for option in system.options
        ]
        systems.append(system.model_copy(update={"options": options}))
    return replace(bare, systems=tuple(systems))


def _without_bias(inventory: Inventory) -> Inventory:
    """The inventory as stated, without optimism bias (kinds' and options' own)."""
    settings = inventory.appraisal
    has_own = any(o.optimism_bias for s in inventory.systems for o in s.options)
    if (settings is None or settings.optimism_bias == OptimismBias()) and not has_own:
        return inventory
    systems = tuple(
        s.model_copy(
            update={"options": [o.model_copy(update={"optimism_bias": None}) for o in s.options]}
        )
        for s in inventory.systems
    )
    appraisal = (
        None if settings is None else settings.model_copy(update={"optimism_bias": OptimismBias()})
    )
    return replace(inventory, systems=systems, appraisal=appraisal)


def _sample_option(inventory: Inventory, system: System, option: Option, m: Multipliers) -> Option:
    """The option with its base figures multiplied (`inventory` carries no optimism bias
    here: see `sample_inventory`)."""
    duration = max(option.duration, int(option.duration * m.duration + 0.5))
    window = _window(inventory, system, option)
    uplift = uplift_of(inventory.appraisal, option).duration
    while duration > option.duration and adjusted_duration(duration, uplift) > window:
        duration -= 1  # keep the sampled option inside its system's window
    use = dict(option.resource_use)
    for resource in set(money_resources(inventory)) & set(use):
        use[resource] = use[resource] * m.cost * option.duration / duration
    npv = option.npv
    if npv is not None:
        extra = (m.cost - 1.0) * sum(one_off_costs(inventory, option).values())
        npv = npv * m.benefit - extra if npv > 0 else npv - extra
    return option.model_copy(
        update={
            "cost": option.cost * m.cost,
            "costs": {name: amount * m.cost for name, amount in option.costs.items()},
            "duration": duration,
            "resource_use": use,
            "annual_saving": _benefit(option.annual_saving, m.benefit),
            "benefits": [
                b.model_copy(update={"annual": _benefit(b.annual, m.benefit)})
                for b in option.benefits
            ],
            "npv": npv,
        }
    )


def _benefit(annual: float, factor: float) -> float:
    return annual * factor if annual > 0 else annual


def _window(inventory: Inventory, system: System, option: Option) -> int:
    """The longest duration with which `option` still fits its system's window."""
    resolved = inventory.estate.system(system.id).option(option.id)
    return resolved.last_finish - resolved.first_start + 1


# --- one sample ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Study:
    """Everything a worker needs for any sample (pickled once per task or scattered by Dask)."""

    inventory: Inventory
    baseline: Roadmap
    ranges: Ranges
    seed: int
    options: PlanOptions


@dataclass(frozen=True)
class SampleResult:
    index: int
    npv: float  # the baseline roadmap on the sampled figures
    breaches: tuple[tuple[str, tuple[str, ...]], ...]  # resource → periods over (or "total")
    status: str  # of the re-optimisation
    reoptimised_npv: float | None
    modernised: tuple[str, ...]

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")


def run_sample(study: Study, index: int) -> SampleResult:
    """Draw sample `index`, evaluate the baseline roadmap on it, and re-optimise."""
    sampled = sample_inventory(
        study.inventory, draw(study.inventory, study.ranges, study.seed, index)
    )
    npv, breaches = evaluate(sampled, study.baseline)
    roadmap = verified(sampled, plan(sampled, study.options), f"robustness sample {index}")
    return SampleResult(
        index=index,
        npv=npv,
        breaches=breaches,
        status=roadmap.status,
        reoptimised_npv=roadmap.objective if roadmap.has_plan else None,
        modernised=tuple(sorted(d.system for d in roadmap.decisions)),
    )


def evaluate(
    inventory: Inventory, roadmap: Roadmap
) -> tuple[float, tuple[tuple[str, tuple[str, ...]], ...]]:
    """NPV of `roadmap`'s decisions on `inventory`'s figures, and the capacities it breaches."""
    estate = inventory.estate
    placement = placed_on(inventory, roadmap)
    npv = 0.0
    for c in placement.decisions:
        npv += c.npv
    for build in placement.builds:
        npv -= build.cost_pv
    use = resource_use_of(estate, [*placement.decisions, *placement.builds])
    breaches = []
    for name, row in use.items():
        capacity = estate.resources[name].capacity
        over = [estate.label(t) for t, used in enumerate(row) if _over(used, capacity[t])]
        total = estate.resources[name].total
        if total is not None and _over(sum(row), total):
            over.append(TOTAL)
        if over:
            breaches.append((name, tuple(over)))
    return npv, tuple(breaches)


def _over(used: float, capacity: float) -> bool:
    return used > capacity + TOLERANCE * max(1.0, abs(capacity))


# --- running many samples --------------------------------------------------------------------


Progress = Callable[[SampleResult], None]


def robustness(
    inventory: Inventory,
    baseline: Roadmap,
    samples: int,
    seed: int,
    options: PlanOptions,
    workers: int | None = None,
    dask_scheduler: str | None = None,
    progress: Progress | None = None,
) -> Robustness:
    """Run `samples` samples locally (`workers` processes; 1 runs in this process) or on Dask."""
    if samples < 1:
        raise UsageError("--samples must be at least 1")
    if not baseline.has_plan:
        raise UsageError(f"the baseline roadmap has no plan (status '{baseline.status}')")
    study = Study(
        inventory=inventory,
        baseline=baseline,
        ranges=ranges_for(inventory),
        seed=seed,
        # A sample already runs in a worker of its own: a decomposed re-optimisation
        # (`--method decompose`) solves its subproblems in that worker, not in a pool or on
        # Dask of its own (`--workers`/`--dask-scheduler` place the samples).
        options=replace(options, stop=None, warm_start=None, workers=1, dask_scheduler=None),
    )
    if dask_scheduler:
        stream = _on_dask(study, samples, dask_scheduler)
    elif (workers or 1) <= 1 or samples == 1:
        stream = (run_sample(study, i) for i in range(samples))
    else:
        stream = _in_processes(study, samples, min(workers or 1, samples))
    results = []
    for result in stream:
        results.append(result)
        if progress is not None:
            progress(result)
    return Robustness(study, tuple(sorted(results, key=lambda r: r.index)))


def _in_processes(study: Study, samples: int, workers: int) -> Iterator[SampleResult]:
    import multiprocessing

    # "spawn": the parent may hold solver threads, which fork would copy half-alive.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(run_sample, study, i) for i in range(samples)]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _on_dask(study: Study, samples: int, address: str) -> Iterator[SampleResult]:
    from distributed import as_completed as dask_completed  # `connect` checked it is there

    with cluster.connect(address) as client, cluster.talking_to(address):
        shared = client.scatter(study, broadcast=True)
        futures = [client.submit(run_sample, shared, i, pure=False) for i in range(samples)]
        try:
            for future in dask_completed(futures, loop=client.loop):
                yield future.result()
        finally:
            client.cancel(futures)


# --- the aggregate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Robustness:
    study: Study
    results: tuple[SampleResult, ...]

    @property
    def samples(self) -> int:
        return len(self.results)

    @property
    def planned(self) -> list[SampleResult]:
        return [r for r in self.results if r.has_plan]

    def npv_summary(self) -> dict[str, float]:
        return summary([r.npv for r in self.results])

    def reoptimised_summary(self) -> dict[str, float] | None:
        values = [r.reoptimised_npv for r in self.planned if r.reoptimised_npv is not None]
        return summary(values) if values else None

    def share(self, status: str) -> float:
        return sum(1 for r in self.results if r.status == status) / self.samples

    def breach_probability(self) -> dict[str, float]:
        out = {}
        for resource in sorted(self.study.inventory.resources):
            hits = sum(1 for r in self.results if resource in dict(r.breaches))
            out[resource] = round(hits / self.samples, 6)
        return out

    def breach_by_period(self) -> dict[str, dict[str, float]]:
        labels = [*self.study.inventory.axis.labels, TOTAL]
        out = {}
        for resource in sorted(self.study.inventory.resources):
            counts = dict.fromkeys(labels, 0)
            for r in self.results:
                for period in dict(r.breaches).get(resource, ()):
                    counts[period] += 1
            out[resource] = {p: round(n / self.samples, 6) for p, n in counts.items() if n}
        return out

    def selection_frequency(self) -> dict[str, float]:
        planned = self.planned
        out = {}
        for system in sorted(s.id for s in self.study.inventory.systems):
            hits = sum(1 for r in planned if system in r.modernised)
            out[system] = round(hits / len(planned), 6) if planned else 0.0
        return out


def summary(values: Iterable[float]) -> dict[str, float]:
    """p10, p50, p90 (linear interpolation) and the mean, rounded to the penny."""
    ordered = sorted(values)
    return {
        "p10": round(percentile(ordered, 10), 2),
        "p50": round(percentile(ordered, 50), 2),
        "p90": round(percentile(ordered, 90), 2),
        "mean": round(math.fsum(ordered) / len(ordered), 2),
    }


def percentile(ordered: list[float], q: float) -> float:
    """The q-th percentile of sorted values, interpolating linearly (numpy's default)."""
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

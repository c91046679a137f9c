"""A realistic synthetic estate of any size, deterministic for a seed (`prioritiser generate`).

What it contains, and why the estate is always feasible while its budgets bind:

- Run costs are heavy-tailed (lognormal by criticality, clipped to £100k–£10m).
- A few hub systems (identity, payments, data warehouse, ...) collect consumers by
  preferential attachment, so their blast radius is large. A system only depends on
  systems created before it, so `after`/`requires` dependencies are acyclic.
- Shared platforms (cloud landing zone, API gateway, ...) are required by some options.
- Move groups: a system's companion data store moves `together` with it; the pair have
  options of the same durations and neither has windows that could conflict.
- Skills pools: COBOL (and SAP) systems draw on small `cobol_specialists` (and
  `sap_specialists`) pools.
- Retire candidates: some low/medium systems nobody depends on get a `retire` option.
- Deadlines (`must_modernise_by`) on a few systems that have no `after`/`requires`
  predecessors and no companion; their shortest option is low-risk, needs no platform,
  fits with all other deadline options in half of every capacity at once, and the
  deadline leaves at least twice its duration of slack. Starting all of them in the first
  period (and nothing else) is therefore a feasible roadmap: the estate is never infeasible.
- capex per period is 38–47 % of what the best positive-NPV option of every system would
  need spread over the horizon (engineers about half, skills pools less), so the budget
  binds; the first period gets 60 % (money released late) and a total cap of 90 %.

Only `random.Random(seed)` is used and everything is generated in index order, so the same
settings give byte-identical files. What is drawn from (names, technologies, kinds, weights)
is the catalogue in `generate_catalog.py`.
"""

# size: one procedure over one random stream; the order of its draws is what makes a seed
# reproducible, so the drawing stays in one place (the catalogue is already apart).

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from prioritiser.inventory.estate import CAPEX
from prioritiser.inventory.generate_catalog import (
    APPRAISAL_YEARS,
    CONSTRAINT_WEIGHTS,
    CONSTRAINTS,
    CRITICALITY_CUMULATIVE,
    CRITICALITY_WEIGHTS,
    DEGREE_WEIGHTS,
    DEPARTMENTS,
    DEPENDENCY_KINDS,
    DISCOUNT_RATE,
    HIGH_RISK,
    HUB_WEIGHT,
    HUBS,
    KINDS,
    MAX_OPTIONS,
    MAX_RUN_COST,
    MEDIAN_RUN_COST,
    MIN_RUN_COST,
    NOUNS,
    PLATFORMS,
    RISK_DIMENSIONS,
    RISK_VALUE_PER_POINT,
    TECHNOLOGIES,
    TECHNOLOGY_WEIGHTS,
    TWIN_SHARE,
    Technology,
    department_of,
    hub_kind,
    pick,
    round_to,
)
from prioritiser.inventory.importers.common import slugify, unique_id
from prioritiser.inventory.periods import PeriodAxis, parse_period
from prioritiser.inventory.schema import (
    Objective,
    Platform,
    Portfolio,
    PortfolioFile,
    Resource,
    Risk,
    System,
)
from prioritiser.inventory.writer import InventoryDraft


@dataclass(frozen=True)
class GeneratorSettings:
    """What to generate. `departments` None chooses by size (3 to 12)."""

    systems: int
    seed: int = 0
    departments: int | None = None
    periods: int = 12
    options: int = 3
    start: str = "2027-Q1"


@dataclass
class _Sys:
    """A system while it is being generated (plain and mutable; typed at the end)."""

    index: int
    id: str
    name: str
    department: int
    technology: Technology
    criticality: str
    run_cost: float
    risk: tuple[int, ...]
    hub: bool = False
    twin_of: int | None = None  # this system moves together with that one
    paired: bool = False  # some system moves together with this one
    end_of_support: int | None = None
    deadline: int | None = None
    earliest: int | None = None
    depends_on: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # (target, kind, constraint)
    options: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ordered(self) -> bool:
        """Whether it waits for something (`after`/`requires` dependencies)."""
        return any(c in ("after", "requires") for _, _, c in self.depends_on)

    @property
    def points(self) -> int:
        return sum(self.risk)


def generate_estate(settings: GeneratorSettings) -> InventoryDraft:
    """Generate the whole estate: portfolio, platforms and systems."""
    return _Generator(settings).run()


def default_departments(systems: int) -> int:
    """3 departments for small estates, one more per 50 systems, at most 12."""
    return min(len(DEPARTMENTS), max(3, round(systems / 50)))


class _Generator:
    def __init__(self, settings: GeneratorSettings):
        if settings.systems < 1:
            raise ValueError("--systems must be at least 1")
        if not 0 <= settings.options <= MAX_OPTIONS:
            raise ValueError(f"--options must be between 0 and {MAX_OPTIONS}")
        if settings.periods < 4:
            raise ValueError("--periods must be at least 4")
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.axis = PeriodAxis(parse_period(settings.start), settings.periods)
        self.periods = settings.periods
        self.per_year = self.axis.per_year
        self.max_duration = max(1, min(8, self.periods // 2))
        count = settings.departments or default_departments(settings.systems)
        self.departments = [department_of(i) for i in range(count)]
        self.systems: list[_Sys] = []
        self.taken: set[str] = set()
        self.names: dict[str, int] = {}
        self.platforms: list[Platform] = []
        self.platform_weights: list[float] = []
        self.department_weights: list[float] = []
        self.consumed: set[int] = set()  # systems something waits for (not `none`)

    # --- the steps -------------------------------------------------------------------------

    def run(self) -> InventoryDraft:
        self.make_platforms()
        self.make_systems()
        self.consumed = {
            target
            for s in self.systems
            for target, _, constraint in s.depends_on
            if constraint != "none"
        }
        for system in self.systems:
            self.make_options(system)
        resources = self.size_resources()
        risk = self.risk_limits()
        self.set_deadlines(resources, risk)
        self.set_earliest_starts()
        n = self.settings.systems
        portfolio = Portfolio(
            name=f"Synthetic estate ({n:,} systems, seed {self.settings.seed})",
            start=self.axis.label(0),
            periods=self.periods,
            discount_rate=DISCOUNT_RATE,
            appraisal_years=APPRAISAL_YEARS,
            description="Generated by `prioritiser generate`: fictional, for trials and benchmarks.",
        )
        header = (
            f"Synthetic estate: `prioritiser generate --systems {n} --seed {self.settings.seed} "
            f"--departments {len(self.departments)} --periods {self.periods} "
            f"--options {self.settings.options} --start {self.axis.label(0)}`"
        )
        used = {p for s in self.systems for o in s.options for p in o.get("requires_platforms", ())}
        return InventoryDraft(
            portfolio=PortfolioFile(
                portfolio=portfolio,
                resources=resources,
                risk=risk,
                objective=Objective(risk_value_per_point=RISK_VALUE_PER_POINT),
            ),
            systems=[self.typed(s) for s in self.systems],
            platforms=[p for p in self.platforms if p.id in used],
            header=header,
        )

    def make_platforms(self) -> None:
        rng = self.rng
        count = min(len(PLATFORMS), max(2, round(self.settings.systems / 60)))
        scale = max(1.0, math.sqrt(self.settings.systems / 100))
        for platform_id, name in PLATFORMS[:count]:
            duration = min(rng.randint(1, 3), self.periods // 3)
            self.platforms.append(
                Platform(
                    id=platform_id,
                    name=name,
                    setup_cost=round_to(rng.uniform(0.4e6, 1.5e6) * scale, 10_000),
                    setup_duration=max(1, duration),
                    resource_use={"engineers": float(rng.randint(2, 6))},
                )
            )
        self.platform_weights = list(accumulate([3.0] + [1.0] * (count - 1)))

    def make_systems(self) -> None:
        """Systems in index order, each attached to earlier ones; some get a companion."""
        rng = self.rng
        n = self.settings.systems
        hubs = min(n, len(HUBS) * 4, max(1, round(n * 0.01)))
        self.department_weights = list(
            accumulate(rng.uniform(0.5, 2.0) for _ in range(len(self.departments)))
        )
        urn: list[int] = []  # preferential attachment: j appears (weight + consumers) times
        i = 0
        while i < n:
            hub = i < hubs
            system = self.new_hub(i) if hub else self.new_ordinary(i)
            self.systems.append(system)
            if urn:
                degree = pick(rng, DEGREE_WEIGHTS)
                self.attach(system, urn, min(1, degree) if hub else degree)
            urn.extend([i] * (HUB_WEIGHT if hub else 1))
            i += 1
            if not hub and i < n and rng.random() < TWIN_SHARE:
                self.systems.append(self.new_twin(i, system))
                i += 1

    def attach(self, system: _Sys, urn: list[int], degree: int) -> None:
        """Up to `degree` providers drawn by preferential attachment (only earlier systems)."""
        rng = self.rng
        targets: list[int] = []
        for _ in range(degree * 3):
            if len(targets) == degree:
                break
            target = urn[rng.randrange(len(urn))]
            if target not in targets:
                targets.append(target)
        for target in sorted(targets):
            constraint = CONSTRAINTS[pick(rng, CONSTRAINT_WEIGHTS)]
            provider = self.systems[target]
            kind = hub_kind(provider.name) if provider.hub else rng.choice(DEPENDENCY_KINDS)
            system.depends_on.append((target, kind, constraint))
            urn.append(target)

    def new_ordinary(self, index: int) -> _Sys:
        """A department's system: `Tax payments`, `Tax payments 2`, ..."""
        rng = self.rng
        department = pick(rng, self.department_weights)
        tech = TECHNOLOGIES[pick(rng, TECHNOLOGY_WEIGHTS)]
        criticality = CRITICALITY_WEIGHTS[pick(rng, CRITICALITY_CUMULATIVE)][0]
        noun = NOUNS[rng.randrange(len(NOUNS))]
        base = f"{self.departments[department][1]} {noun}"
        self.names[base] = self.names.get(base, 0) + 1
        name = base if self.names[base] == 1 else f"{base} {self.names[base]}"
        return self.new_system(index, name, department, tech, criticality)

    def new_system(
        self, index: int, name: str, department: int, tech: Technology, criticality: str
    ) -> _Sys:
        rng = self.rng
        run_cost = MEDIAN_RUN_COST[criticality] * rng.lognormvariate(0.0, 0.8)
        risk = tuple(min(5, max(1, r + rng.choice((-1, 0, 0, 1)))) for r in tech.risk)
        system = _Sys(
            index=index,
            id=self.unique(name),
            name=name,
            department=department,
            technology=tech,
            criticality=criticality,
            run_cost=round_to(min(MAX_RUN_COST, max(MIN_RUN_COST, run_cost)), 10_000),
            risk=risk,
        )
        if rng.random() < 0.35:
            system.end_of_support = rng.randint(0, self.periods + 3)
        return system

    def new_hub(self, index: int) -> _Sys:
        rng = self.rng
        base, _ = HUBS[index % len(HUBS)]
        name = base if index < len(HUBS) else f"{base} {index // len(HUBS) + 1}"
        tech = TECHNOLOGIES[1 + index % 3]  # java, dotnet, oracle-forms
        criticality = "critical" if rng.random() < 0.6 else "high"
        system = self.new_system(index, name, 0, tech, criticality)
        system.hub = True
        system.run_cost = round_to(
            min(MAX_RUN_COST, max(MIN_RUN_COST, system.run_cost * 2)), 10_000
        )
        return system

    def new_twin(self, index: int, primary: _Sys) -> _Sys:
        """A companion data store that moves `together` with `primary`."""
        rng = self.rng
        name = f"{primary.name} data store"
        twin = _Sys(
            index=index,
            id=self.unique(name),
            name=name,
            department=primary.department,
            technology=primary.technology,
            criticality=primary.criticality,
            run_cost=round_to(max(MIN_RUN_COST, primary.run_cost * rng.uniform(0.2, 0.4)), 10_000),
            risk=primary.risk,
            twin_of=primary.index,
        )
        twin.depends_on.append((primary.index, "shared-db", "together"))
        primary.paired = True
        return twin

    def unique(self, name: str) -> str:
        return unique_id(slugify(name), self.taken)

    # --- options -------------------------------------------------------------------------

    def make_options(self, system: _Sys) -> None:
        k = self.settings.options
        if k == 0:
            return
        if system.twin_of is not None:
            self.twin_options(system)
            return
        kinds = list(system.technology.kinds[:k])
        if self.retire_candidate(system):
            kinds = ["retire", *kinds[: k - 1]]
        system.options = [self.option(system, kind) for kind in kinds]

    def retire_candidate(self, system: _Sys) -> bool:
        return (
            not system.hub
            and not system.paired
            and system.criticality in ("low", "medium")
            and system.index not in self.consumed
            and self.rng.random() < 0.5
        )

    def option(self, system: _Sys, kind: str) -> dict[str, Any]:
        rng = self.rng
        profile = KINDS[kind]
        run_cost = system.run_cost
        duration = rng.randint(*profile.duration)
        duration += (run_cost > 2e6) + (run_cost > 5e6)
        duration = min(max(1, duration), self.max_duration)
        cost = round_to(run_cost * rng.uniform(*profile.cost), 1000)
        saving = run_cost * rng.uniform(*profile.saving)
        if rng.random() < 0.1:
            saving *= 0.3  # a poor business case
        risk = profile.delivery_risk + (system.criticality == "critical")
        if system.technology.skills and kind in ("replace", "refactor"):
            risk += 1
        risk = min(5, max(1, risk + rng.choice((-1, 0, 0, 1))))
        use = {"engineers": float(min(25, max(1, round(cost / duration / 150_000))))}
        skills = system.technology.skills
        if skills and kind != "repurchase":
            use[skills] = 0.5 if kind in ("replace", "retire") else 1.0
        option: dict[str, Any] = {
            "id": kind,
            "kind": kind,
            "duration": duration,
            "cost": cost,
            "resource_use": use,
            "annual_saving": round_to(saving, 1000),
            "risk_reduction": profile.risk_reduction,
            "delivery_risk": risk,
        }
        if kind != "retire" and len(self.departments) > 1 and rng.random() < 0.2:
            other = rng.randrange(len(self.departments) - 1)
            other += other >= system.department
            option["benefits"] = [
                {
                    "department": self.departments[other][0],
                    "annual": round_to(run_cost * rng.uniform(0.03, 0.12), 1000),
                    "cashable": rng.random() < 0.3,
                }
            ]
        if kind in ("replatform", "refactor", "replace") and rng.random() < 0.5:
            platform = self.platforms[pick(rng, self.platform_weights)]
            if duration + platform.setup_duration <= self.periods - 1:
                option["requires_platforms"] = [platform.id]
        return option

    def twin_options(self, twin: _Sys) -> None:
        """The companion's options have the same kinds and durations as its primary's."""
        primary = self.systems[twin.twin_of]  # type: ignore[index]  # called for twins only
        for source in primary.options:
            option = self.option(twin, source["kind"])
            option["duration"] = source["duration"]
            option.pop("requires_platforms", None)
            twin.options.append(option)

    # --- resources, risk, windows ----------------------------------------------------------

    def npv(self, system: _Sys, option: dict[str, Any]) -> float:
        """NPV at the first period (the same conventions as the economics stage, simplified)."""
        q = (1 + DISCOUNT_RATE) ** (-1 / self.per_year)
        duration = option["duration"]
        value = option["annual_saving"] + sum(b["annual"] for b in option.get("benefits", ()))
        value += RISK_VALUE_PER_POINT * option["risk_reduction"] * system.points
        periods = APPRAISAL_YEARS * self.per_year
        benefit = value / self.per_year * q**duration * (1 - q**periods) / (1 - q)
        cost = option["cost"] / duration * (1 - q**duration) / (1 - q)
        return float(benefit - cost)

    def size_resources(self) -> dict[str, Resource]:
        rng = self.rng
        demand: dict[str, float] = {CAPEX: 0.0, "engineers": 0.0}
        largest: dict[str, float] = {}
        for system in self.systems:
            best = max(system.options, key=lambda o: self.npv(system, o), default=None)
            if best is None or self.npv(system, best) <= 0:
                continue
            demand[CAPEX] += best["cost"]
            for name, amount in best["resource_use"].items():
                demand[name] = demand.get(name, 0.0) + amount * best["duration"]
        for system in self.systems:
            for option in system.options:
                for name, amount in option["resource_use"].items():
                    largest[name] = max(largest.get(name, 0.0), amount)
        for platform in self.platforms:
            demand[CAPEX] += platform.setup_cost
            demand["engineers"] += platform.resource_use["engineers"] * platform.setup_duration
            largest["engineers"] = max(
                largest.get("engineers", 0), platform.resource_use["engineers"]
            )
        platform_draw = max(p.setup_cost / p.setup_duration for p in self.platforms)
        share = rng.uniform(0.38, 0.47)
        capex = round_to(
            max(share * demand[CAPEX] / self.periods, 1.25 * platform_draw / 0.6), 10_000
        )
        resources = {
            CAPEX: Resource(
                unit="GBP",
                per_period=capex,
                overrides={self.axis.label(0): round_to(0.6 * capex, 10_000)},
                total=round_to(0.9 * capex * (self.periods - 0.4), 10_000),
            )
        }
        engineers = max(math.ceil(0.5 * demand["engineers"] / self.periods), largest["engineers"])
        resources["engineers"] = Resource(unit="FTE", per_period=float(engineers))
        for pool in sorted(set(largest) - {CAPEX, "engineers"}):
            scarce = max(2, math.ceil(0.3 * demand.get(pool, 0.0) / self.periods), largest[pool])
            resources[pool] = Resource(unit="FTE", per_period=float(scarce))
        return resources

    def risk_limits(self) -> Risk:
        n = len(self.systems)
        largest = max(
            sum(1 for s in self.systems if s.department == d) for d in range(len(self.departments))
        )
        return Risk(
            high_risk_threshold=HIGH_RISK,
            max_concurrent_high_risk=max(2, math.ceil(n / 30)),
            max_concurrent_per_department=max(4, math.ceil(0.12 * largest)),
        )

    def set_deadlines(self, resources: dict[str, Resource], risk: Risk) -> None:
        """Deadlines that can all be met at once from the first period (see module doc)."""
        rng = self.rng
        n = len(self.systems)
        wanted = 0 if n < 5 else min(100, max(1, round(n * 0.02)))
        eligible = [
            s
            for s in self.systems
            if s.options
            and not s.hub
            and not s.paired
            and s.twin_of is None
            and not s.ordered
            and 2 * min(o["duration"] for o in s.options) <= self.periods - 1
        ]
        rng.shuffle(eligible)
        room = {
            name: 0.5 * min([spec.per_period, *spec.overrides.values()])
            for name, spec in resources.items()
        }
        used: dict[str, float] = dict.fromkeys(room, 0.0)
        per_department: dict[int, int] = {}
        limit = (risk.max_concurrent_per_department or 2) - 1
        chosen = 0
        for system in eligible:
            if chosen == wanted:
                break
            option = min(system.options, key=lambda o: (o["duration"], o["cost"]))
            draw = dict(option["resource_use"])
            draw[CAPEX] = option["cost"] / option["duration"]
            if any(used[r] + a > room[r] for r, a in draw.items()):
                continue
            if per_department.get(system.department, 0) + 1 > limit:
                continue
            for name, amount in draw.items():
                used[name] += amount
            per_department[system.department] = per_department.get(system.department, 0) + 1
            option["delivery_risk"] = min(option["delivery_risk"], HIGH_RISK - 1)
            option.pop("requires_platforms", None)
            duration = option["duration"]
            system.deadline = rng.randint(2 * duration, self.periods - 1)
            system.end_of_support = system.deadline
            chosen += 1

    def set_earliest_starts(self) -> None:
        rng = self.rng
        for system in self.systems:
            if system.paired or system.twin_of is not None or system.deadline is not None:
                continue
            if rng.random() < 0.04:
                system.earliest = rng.randint(1, max(1, self.periods // 3))

    # --- typed output ----------------------------------------------------------------------

    def typed(self, s: _Sys) -> System:
        """The typed system (validated in one call: nested plain data is fastest)."""
        label = self.axis.label
        data: dict[str, Any] = {
            "id": s.id,
            "name": s.name,
            "department": self.departments[s.department][0],
            "criticality": s.criticality,
            "technology": s.technology.name,
            "annual_run_cost": s.run_cost,
            "end_of_support": label(s.end_of_support) if s.end_of_support is not None else None,
            "legacy_risk": dict(zip(RISK_DIMENSIONS, s.risk, strict=True)),
            "must_modernise_by": label(s.deadline) if s.deadline is not None else None,
            "earliest_start": label(s.earliest) if s.earliest is not None else None,
            "depends_on": [
                {"system": self.systems[t].id, "kind": k, "constraint": c}
                for t, k, c in s.depends_on
            ],
            "options": s.options,
        }
        return System.model_validate(data)

"""The estate resolved once from its inventory: the facts every later stage reads.

`schema.py` is the shape of the files (labels, optional keys, defaults). Here each system,
option, platform and resource is resolved once into frozen domain objects that speak in
period indices and per-period draws: an option's earliest start and latest finish, a
system's deadline, lock and end of support, the capacity of every resource in every period,
and every dependency as a `Link` with a `DependencyConstraint`. Later stages (graph,
economics, model, diagnosis, explain, scenarios, reports) read these instead of re-deriving
them from labels. `check.py` reads the inventory on its own, on purpose.

`Inventory.estate` builds the estate once per inventory; `Estate.derived` keeps the views
later stages build from it (its graph, its appraisal), so those too are built once.

The appraisal's facts (DESIGN.md "Appraisal v2", defined once in `appraisal_terms.py`) are
resolved here too: each option's optimism-bias-adjusted duration, one-off costs per money
resource and draws, each system's deadline once `risk.unsupported.forbid` makes its end of
support one and its unsupported exposure per period, and the financial years of the horizon
with each resource's `per_year` caps.
One-off money (`Estate.money_resources`, `ResolvedOption.costs`, undiscounted cash with
optimism bias applied, and `base_costs` as stated) is what earned value, the actuals'
`spend:` and the re-forecast read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar, cast

from prioritiser.inventory.appraisal_terms import (
    CAPEX,
    NO_UPLIFT,
    FinancialYear,
    Uplift,
    adjusted_duration,
    appraisal_periods,
    financial_years,
    forbidden,
    money_resources,
    one_off_costs,
    option_draws,
    uplift_of,
)
from prioritiser.inventory.periods import Edge, PeriodAxis, financial_year, financial_year_label
from prioritiser.inventory.schema import OptionId, PlatformId, SystemId
from prioritiser.wording import MONEY_UNITS, quantity

if TYPE_CHECKING:
    from prioritiser.inventory.estate import Inventory
    from prioritiser.inventory.schema import Option, Platform, System

T = TypeVar("T")
Draws = tuple[tuple[str, float], ...]  # (resource, amount per period in flight), by resource


class DependencyConstraint(StrEnum):
    """How a dependency constrains the plan (rule 4); equal to its string in the files."""

    AFTER = "after"
    REQUIRES = "requires"
    TOGETHER = "together"
    NONE = "none"

    @property
    def orders(self) -> bool:
        """The consumer's change starts after the provider's finishes (after, requires)."""
        return self in (DependencyConstraint.AFTER, DependencyConstraint.REQUIRES)

    @property
    def constrains(self) -> bool:
        """Anything but `none` (which is informational: graph analytics only)."""
        return self is not DependencyConstraint.NONE


ORDERING = (DependencyConstraint.AFTER, DependencyConstraint.REQUIRES)


@dataclass(frozen=True)
class Link:
    """`consumer depends_on provider`, as one entry of the consumer's `depends_on` says."""

    consumer: SystemId
    provider: SystemId
    constraint: DependencyConstraint
    kind: str


@dataclass(frozen=True)
class ResolvedOption:
    """An option with its window and draws resolved (rules 2 and 3), optimism bias applied.

    `duration`, `costs`, `cost` and `draws` are what the plan uses (adjusted); `base_duration`
    and `base_costs` are as the inventory states them.
    """

    system: SystemId
    id: OptionId
    kind: str
    duration: int  # periods in flight, optimism bias applied
    cost: float  # one-off cost over every money resource, optimism bias applied
    draws: Draws
    delivery_risk: int
    platforms: tuple[PlatformId, ...]  # sorted, each once
    first_start: int  # earliest start its window and platforms allow (the lock when locked)
    last_finish: int  # latest last period in flight (horizon end, or the deadline)
    starts: range  # every start the windows allow (empty for an option a lock excludes)
    source: Option
    base_duration: int = 0
    costs: Draws = ()  # one-off cost per money resource, optimism bias applied
    base_costs: Draws = ()  # one-off cost per money resource, as stated
    uplift: Uplift = NO_UPLIFT

    @property
    def retires(self) -> bool:
        return self.kind == "retire"

    @property
    def one_off_cost(self) -> float:
        """The one-off money cost over every money resource (undiscounted cash, optimism bias
        applied: what the plan draws)."""
        return sum(amount for _, amount in self.costs)

    @property
    def base_cost(self) -> float:
        """The one-off money cost as the inventory states it (before optimism bias)."""
        return sum(amount for _, amount in self.base_costs)

    def draw(self, resource: str) -> float:
        """Use of `resource` in each period in flight (0 when it draws none)."""
        return dict(self.draws).get(resource, 0.0)


@dataclass(frozen=True)
class ResolvedLock:
    """A decision already taken: `option` started in period `start`."""

    option: OptionId
    start: int


@dataclass(frozen=True)
class ResolvedSystem:
    """A system with its windows as period indices and its options resolved."""

    id: SystemId
    department: str
    earliest_start: int  # never before 0
    deadline: int | None  # last period by which an option must have finished (forbid included)
    lock: ResolvedLock | None
    end_of_support: int | None  # last supported period (may lie outside the horizon)
    options: tuple[ResolvedOption, ...]
    links: tuple[Link, ...]  # its own depends_on entries on known systems, as listed
    source: System
    criticality: str = "medium"
    # Its criticality is in `risk.unsupported.forbid` and it has an end of support: that
    # period is a deadline (the earlier of it and must_modernise_by).
    forbidden: bool = False
    # Expected loss in each period it runs unsupported (cost_per_year / periods a year).
    exposure_per_period: float = 0.0

    @property
    def mandatory(self) -> bool:
        """A deadline or a lock: the system must be modernised (rule 1)."""
        return self.deadline is not None or self.lock is not None

    @property
    def deadline_from_support(self) -> bool:
        """Its deadline is its end of support (forbidden to run unsupported), not a stated
        must_modernise_by that comes earlier."""
        return self.forbidden and self.deadline is not None and self.deadline == self.end_of_support

    def option(self, option_id: str) -> ResolvedOption:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(f"{self.id} has no option {option_id!r}")


@dataclass(frozen=True)
class ResolvedPlatform:
    """A shared platform: set up over `setup_duration` periods, drawing `draws` meanwhile."""

    id: PlatformId
    setup_duration: int
    setup_cost: float
    draws: Draws
    source: Platform


@dataclass(frozen=True)
class ResolvedResource:
    """A resource's capacity in every period of the horizon (overrides applied), and its
    `per_year` caps on the financial years that overlap the horizon."""

    name: str
    unit: str
    capacity: tuple[float, ...]
    total: float | None
    is_money: bool
    per_year: tuple[tuple[str, float], ...] = ()  # (financial year label, cap), by year


@dataclass(frozen=True)
class Estate:
    """The whole estate resolved against its planning axis."""

    inventory: Inventory
    axis: PeriodAxis
    systems: tuple[ResolvedSystem, ...]
    platforms: tuple[ResolvedPlatform, ...]
    resources: Mapping[str, ResolvedResource]
    links: tuple[Link, ...]  # every depends_on entry on a known system, in inventory order
    financial_years: tuple[FinancialYear, ...] = ()  # those overlapping the horizon, in order
    money_resources: tuple[str, ...] = (CAPEX,)  # what one-off money is spent on, in order
    _systems: dict[str, ResolvedSystem] = field(default_factory=dict, repr=False)
    _platforms: dict[str, ResolvedPlatform] = field(default_factory=dict, repr=False)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def horizon(self) -> int:
        """Periods in the horizon: indices 0 .. horizon - 1."""
        return self.axis.count

    def label(self, period: int) -> str:
        return self.axis.label(period)

    def system(self, system_id: str) -> ResolvedSystem:
        return self._systems[system_id]

    def has_system(self, system_id: str) -> bool:
        return system_id in self._systems

    def platform(self, platform_id: str) -> ResolvedPlatform:
        return self._platforms[platform_id]

    def capacity(self, resource: str, period: int) -> float:
        """Capacity of `resource` in period `period` of the horizon."""
        return self.resources[resource].capacity[period]

    def financial_year(self, label: str) -> FinancialYear:
        for year in self.financial_years:
            if year.label == label:
                return year
        raise KeyError(label)

    def financial_year_of(self, period: int) -> str:
        """The label of the financial year a period belongs to (inside the horizon or not)."""
        start_month = self.inventory.portfolio.financial_year_start
        return financial_year_label(
            financial_year(self.axis.period(period), start_month), start_month
        )

    @property
    def appraisal_end(self) -> int:
        """The last period of the appraisal window: periods − 1 + appraisal_years × periods a
        year (where a retained system's unsupported exposure runs to)."""
        return self.horizon - 1 + appraisal_periods(self.inventory)

    def period(self, label: str, edge: Edge = "first") -> int:
        """The index of a period label from outside the inventory (a roadmap, `--as-of`).

        Raises ValueError for text that is not a period label; the index may lie outside
        the horizon.
        """
        return self.axis.index(label, edge)

    def starts_within(self, option: ResolvedOption, earliest: int, deadline: int | None) -> range:
        """The starts rule 2 allows `option` with its system unlocked, its earliest start at
        `earliest` and its deadline at `deadline` (None: none): the estate's own windows
        (`ResolvedOption.starts`) asked of a system whose windows a re-forecast moves."""
        setups = [self.platform(p).setup_duration for p in option.platforms]
        first, last = _window(earliest, setups, deadline, self.horizon)
        return range(first, last - option.duration + 2)

    def quantity(self, resource: str, amount: float) -> str:
        """An amount of a resource in its unit: `£1.5m`, `10 FTE`."""
        spec = self.resources.get(resource)
        unit = spec.unit if spec is not None else ""
        is_money = spec.is_money if spec is not None else resource == CAPEX
        return quantity(amount, unit, self.inventory.portfolio.currency, is_money)

    def derived(self, build: Callable[[Estate], T]) -> T:
        """`build(self)`, built once per estate and kept: the views later stages take of it
        (its graph, its appraisal), so that each is computed once however many read it."""
        key = f"{build.__module__}.{build.__qualname__}"
        if key not in self._derived:
            self._derived[key] = build(self)
        return cast(T, self._derived[key])


def resolve(inventory: Inventory) -> Estate:
    """Resolve every system, option, platform, resource and dependency once."""
    axis = inventory.axis
    horizon = axis.count
    known = {s.id for s in inventory.systems}
    setup = {p.id: p.setup_duration for p in inventory.platforms}
    money = frozenset(money_resources(inventory))  # asked for by every option: once here
    systems = tuple(_system(inventory, s, known, setup, horizon, money) for s in inventory.systems)
    platforms = tuple(
        ResolvedPlatform(
            id=PlatformId(p.id),
            setup_duration=p.setup_duration,
            setup_cost=p.setup_cost,
            draws=tuple(sorted(inventory.platform_resource_use(p).items())),
            source=p,
        )
        for p in inventory.platforms
    )
    currency = inventory.portfolio.currency
    years = financial_years(axis, inventory.portfolio.financial_year_start)
    labels = {year.label for year in years}
    resources = {
        name: ResolvedResource(
            name=name,
            unit=spec.unit,
            capacity=tuple(inventory.capacity(name, t) for t in range(horizon)),
            total=spec.total,
            is_money=_is_money(name, spec.unit, currency),
            per_year=tuple(
                (label, cap) for label, cap in sorted(spec.per_year.items()) if str(label) in labels
            ),
        )
        for name, spec in sorted(inventory.resources.items())
    }
    return Estate(
        inventory=inventory,
        axis=axis,
        systems=systems,
        platforms=platforms,
        resources=resources,
        links=tuple(link for s in systems for link in s.links),
        financial_years=years,
        money_resources=money_resources(inventory),
        _systems={s.id: s for s in systems},
        _platforms={p.id: p for p in platforms},
    )


def _window(
    earliest: int, setups: list[int], deadline: int | None, horizon: int
) -> tuple[int, int]:
    """An unlocked option's window (rule 2): its first start (the system's earliest start,
    and every platform it needs set up from period 0) and its last period in flight (the
    horizon's end, or the deadline)."""
    last_finish = horizon - 1 if deadline is None else min(horizon - 1, deadline)
    return max([earliest, *setups]), last_finish


def _is_money(name: str, unit: str, currency: str) -> bool:
    # For display: a resource is money when its unit is a currency, or when `capex` gives
    # no unit.
    return unit.upper() in MONEY_UNITS | {currency.upper()} or (not unit and name == CAPEX)


def _system(
    inventory: Inventory,
    system: System,
    known: set[str],
    setup: dict[str, int],
    horizon: int,
    money: frozenset[str],
) -> ResolvedSystem:
    sid = SystemId(system.id)
    lock = None
    if system.locked is not None:
        start = inventory.lock_start_index(system)
        assert start is not None
        lock = ResolvedLock(OptionId(system.locked.option), start)
    earliest = inventory.earliest_start_index(system)
    deadline = inventory.deadline_index(system)
    end_of_support = inventory.end_of_support_index(system)
    is_forbidden = forbidden(inventory, system)
    if is_forbidden and end_of_support is not None:
        deadline = end_of_support if deadline is None else min(deadline, end_of_support)
    unsupported = inventory.risk.unsupported
    yearly = unsupported.cost_per_year.get(system.criticality, 0.0) if unsupported else 0.0
    options = tuple(
        _option(inventory, sid, option, lock, earliest, deadline, setup, horizon, money)
        for option in system.options
    )
    links = tuple(
        Link(sid, SystemId(dep.system), DependencyConstraint(dep.constraint), dep.kind)
        for dep in system.depends_on
        if dep.system in known
    )
    return ResolvedSystem(
        id=sid,
        department=system.department,
        earliest_start=earliest,
        deadline=deadline,
        lock=lock,
        end_of_support=end_of_support,
        options=options,
        links=links,
        source=system,
        criticality=system.criticality,
        forbidden=is_forbidden,
        exposure_per_period=yearly / inventory.axis.per_year,
    )


def _option(
    inventory: Inventory,
    system: SystemId,
    option: Option,
    lock: ResolvedLock | None,
    earliest: int,
    deadline: int | None,
    setup: dict[str, int],
    horizon: int,
    money: frozenset[str],
) -> ResolvedOption:
    """The option's window (rule 2): a lock fixes its start; otherwise from the earliest
    start (and its platforms' set-up from period 0) to a finish by the deadline. Its
    duration, costs and draws carry its optimism bias."""
    uplift = uplift_of(inventory.appraisal, option)
    duration = adjusted_duration(option.duration, uplift.duration)
    base_costs = one_off_costs(inventory, option)
    costs = {name: amount * (1 + uplift.cost) for name, amount in base_costs.items()}
    if lock is not None:
        first_start, last_finish = lock.start, horizon - 1
        starts = range(lock.start, lock.start + 1) if lock.option == option.id else range(0)
    else:
        setups = [setup[p] for p in option.requires_platforms]
        first_start, last_finish = _window(earliest, setups, deadline, horizon)
        starts = range(first_start, last_finish - duration + 2)
    draws = option_draws(inventory, option, duration, costs, uplift, money)
    return ResolvedOption(
        system=system,
        id=OptionId(option.id),
        kind=option.kind,
        duration=duration,
        cost=sum(costs.values()),
        draws=tuple(sorted(draws.items())),
        delivery_risk=option.delivery_risk,
        platforms=tuple(sorted({PlatformId(p) for p in option.requires_platforms})),
        first_start=first_start,
        last_finish=last_finish,
        starts=starts,
        source=option,
        base_duration=option.duration,
        costs=tuple(sorted(costs.items())),
        base_costs=tuple(sorted(base_costs.items())),
        uplift=uplift,
    )


__all__ = [
    "CAPEX",
    "NO_UPLIFT",
    "DependencyConstraint",
    "Estate",
    "FinancialYear",
    "Link",
    "ResolvedLock",
    "ResolvedOption",
    "ResolvedPlatform",
    "ResolvedResource",
    "ResolvedSystem",
    "Uplift",
    "resolve",
]

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

One-off money is defined here too: which resources it is spent on (`Estate.money_resources`)
and each option's one-off cost on each of them (`ResolvedOption.costs`, undiscounted cash).
Earned value, the actuals' `spend:` and the re-forecast read it from here, so that when
options carry one-off costs on several money resources (DESIGN.md "Appraisal v2": `costs:
{capex: …, rdel: …}`) only `_money_resources` and `_one_off_costs` change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar, cast

from prioritiser.inventory.periods import Edge, PeriodAxis
from prioritiser.inventory.schema import OptionId, PlatformId, SystemId
from prioritiser.wording import MONEY_UNITS, quantity

if TYPE_CHECKING:
    from prioritiser.inventory.estate import Inventory
    from prioritiser.inventory.schema import Option, Platform, System

T = TypeVar("T")
CAPEX = "capex"  # the resource an option's one-off `cost` is drawn on (rule 3)
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
    """An option with its window and draws resolved (rules 2 and 3)."""

    system: SystemId
    id: OptionId
    kind: str
    duration: int
    cost: float
    draws: Draws
    delivery_risk: int
    platforms: tuple[PlatformId, ...]  # sorted, each once
    first_start: int  # earliest start its window and platforms allow (the lock when locked)
    last_finish: int  # latest last period in flight (horizon end, or the deadline)
    starts: range  # every start the windows allow (empty for an option a lock excludes)
    source: Option
    costs: Draws = ()  # one-off money per money resource (undiscounted cash), by resource

    @property
    def retires(self) -> bool:
        return self.kind == "retire"

    @property
    def one_off_cost(self) -> float:
        """The one-off money cost over every money resource (undiscounted cash)."""
        return sum(amount for _, amount in self.costs)

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
    deadline: int | None  # last period by which a non-retain option must have finished
    lock: ResolvedLock | None
    end_of_support: int | None  # last supported period (may lie outside the horizon)
    options: tuple[ResolvedOption, ...]
    links: tuple[Link, ...]  # its own depends_on entries on known systems, as listed
    source: System

    @property
    def mandatory(self) -> bool:
        """A deadline or a lock: the system must be modernised (rule 1)."""
        return self.deadline is not None or self.lock is not None

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
    """A resource's capacity in every period of the horizon (overrides applied)."""

    name: str
    unit: str
    capacity: tuple[float, ...]
    total: float | None
    is_money: bool


@dataclass(frozen=True)
class Estate:
    """The whole estate resolved against its planning axis."""

    inventory: Inventory
    axis: PeriodAxis
    systems: tuple[ResolvedSystem, ...]
    platforms: tuple[ResolvedPlatform, ...]
    resources: Mapping[str, ResolvedResource]
    links: tuple[Link, ...]  # every depends_on entry on a known system, in inventory order
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
    systems = tuple(_system(inventory, s, known, setup, horizon) for s in inventory.systems)
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
    resources = {
        name: ResolvedResource(
            name=name,
            unit=spec.unit,
            capacity=tuple(inventory.capacity(name, t) for t in range(horizon)),
            total=spec.total,
            is_money=_is_money(name, spec.unit, currency),
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
        money_resources=_money_resources(inventory),
        _systems={s.id: s for s in systems},
        _platforms={p.id: p for p in platforms},
    )


def _money_resources(inventory: Inventory) -> tuple[str, ...]:
    """The resources one-off money is spent on, in a fixed order: `capex` (rule 3), whether
    or not the inventory declares a capacity for it. (Appraisal v2: every resource whose unit
    is the portfolio currency.)"""
    del inventory
    return (CAPEX,)


def _one_off_costs(inventory: Inventory, option: Option) -> Draws:
    """The one-off money cost of `option` per money resource, zero amounts left out: its
    `cost`, on `capex` (rule 3)."""
    costs = {CAPEX: option.cost}
    return tuple(
        (name, costs[name]) for name in _money_resources(inventory) if costs.get(name, 0.0) > 0
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
    # A resource is money when its unit is a currency, or when `capex` gives no unit.
    return unit.upper() in MONEY_UNITS | {currency.upper()} or (not unit and name == CAPEX)


def _system(
    inventory: Inventory,
    system: System,
    known: set[str],
    setup: dict[str, int],
    horizon: int,
) -> ResolvedSystem:
    sid = SystemId(system.id)
    lock = None
    if system.locked is not None:
        start = inventory.lock_start_index(system)
        assert start is not None
        lock = ResolvedLock(OptionId(system.locked.option), start)
    earliest = inventory.earliest_start_index(system)
    deadline = inventory.deadline_index(system)
    options = tuple(
        _option(inventory, sid, option, lock, earliest, deadline, setup, horizon)
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
        end_of_support=inventory.end_of_support_index(system),
        options=options,
        links=links,
        source=system,
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
) -> ResolvedOption:
    """The option's window (rule 2): a lock fixes its start; otherwise from the earliest
    start (and its platforms' set-up from period 0) to a finish by the deadline."""
    if lock is not None:
        first_start, last_finish = lock.start, horizon - 1
        starts = range(lock.start, lock.start + 1) if lock.option == option.id else range(0)
    else:
        setups = [setup[p] for p in option.requires_platforms]
        first_start, last_finish = _window(earliest, setups, deadline, horizon)
        starts = range(first_start, last_finish - option.duration + 2)
    return ResolvedOption(
        system=system,
        id=OptionId(option.id),
        kind=option.kind,
        duration=option.duration,
        cost=option.cost,
        draws=tuple(sorted(inventory.option_resource_use(option).items())),
        delivery_risk=option.delivery_risk,
        platforms=tuple(sorted({PlatformId(p) for p in option.requires_platforms})),
        first_start=first_start,
        last_finish=last_finish,
        starts=starts,
        source=option,
        costs=_one_off_costs(inventory, option),
    )

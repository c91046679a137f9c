"""The validated inventory: the typed model every later stage works from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from prioritiser.inventory.periods import PeriodAxis, parse_period
from prioritiser.inventory.problems import Problem
from prioritiser.inventory.resolved import CAPEX, Estate, resolve
from prioritiser.inventory.schema import (
    AppraisalSettings,
    Objective,
    Platform,
    Portfolio,
    Resource,
    Risk,
    System,
    Tracking,
    Uncertainty,
)

__all__ = ["CAPEX", "Inventory", "SourceFile"]


@dataclass(frozen=True)
class SourceFile:
    """An input file and the SHA-256 of its bytes (for manifests and traceability).

    `path` is relative to the inventory root (a scenario from elsewhere: as shown);
    `origin` is the path it was read from, so that its bytes can be copied into an output
    set (`prioritiser.inventory.snapshot`); `scenario` marks an overlay file.
    """

    path: str
    sha256: str
    origin: str = field(default="", compare=False)
    scenario: bool = False


@dataclass(frozen=True)
class Inventory:
    """A whole estate: portfolio settings, resources, risk appetite, platforms and systems."""

    portfolio: Portfolio
    resources: dict[str, Resource]
    risk: Risk
    objective: Objective
    platforms: tuple[Platform, ...]
    systems: tuple[System, ...]
    uncertainty: Uncertainty | None = None
    tracking: Tracking = field(default_factory=Tracking)  # RAG thresholds of `track`
    appraisal: AppraisalSettings | None = None
    root: str = ""
    sources: tuple[SourceFile, ...] = ()
    scenarios: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    @cached_property
    def axis(self) -> PeriodAxis:
        return PeriodAxis(parse_period(self.portfolio.start), self.portfolio.periods)

    @cached_property
    def estate(self) -> Estate:
        """The estate resolved once: period indices, draws and links (`resolved.py`)."""
        return resolve(self)

    @cached_property
    def _systems_by_id(self) -> dict[str, System]:
        return {s.id: s for s in self.systems}

    @cached_property
    def _platforms_by_id(self) -> dict[str, Platform]:
        return {p.id: p for p in self.platforms}

    def system(self, system_id: str) -> System:
        return self._systems_by_id[system_id]

    def has_system(self, system_id: str) -> bool:
        return system_id in self._systems_by_id

    def platform(self, platform_id: str) -> Platform:
        return self._platforms_by_id[platform_id]

    @property
    def departments(self) -> list[str]:
        return sorted({s.department for s in self.systems})

    # --- period arithmetic used by every later stage --------------------------------

    def earliest_start_index(self, system: System) -> int:
        """First period index the system's options may start in (never before 0)."""
        if system.earliest_start is None:
            return 0
        return max(0, self.axis.index(system.earliest_start, "first"))

    def deadline_index(self, system: System) -> int | None:
        """Last period index by which a non-retain option must have finished, if any."""
        if system.must_modernise_by is None:
            return None
        return self.axis.index(system.must_modernise_by, "last")

    def lock_start_index(self, system: System) -> int | None:
        if system.locked is None:
            return None
        return self.axis.index(system.locked.start, "first")

    def end_of_support_index(self, system: System) -> int | None:
        if system.end_of_support is None:
            return None
        return self.axis.index(system.end_of_support, "last")

    def capacity(self, resource: str, period: int) -> float:
        """Capacity of `resource` in period index `period`, overrides applied."""
        spec = self.resources[resource]
        return self._overrides[resource].get(period, spec.per_period)

    @cached_property
    def _overrides(self) -> dict[str, dict[int, float]]:
        return {
            name: {self.axis.index(label): value for label, value in spec.overrides.items()}
            for name, spec in self.resources.items()
        }

    @property
    def has_capex(self) -> bool:
        return CAPEX in self.resources

    @property
    def forbids_unsupported(self) -> bool:
        """Whether `risk.unsupported.forbid` makes an end of support a deadline for any system."""
        return any(system.forbidden for system in self.estate.systems)

    def without_forbid(self) -> Inventory:
        """The same inventory with `risk.unsupported.forbid` emptied (its systems priced by
        `cost_per_year` instead): how the price of that policy is measured."""
        unsupported = self.risk.unsupported
        if unsupported is None or not unsupported.forbid:
            return self
        risk = self.risk.model_copy(
            update={"unsupported": unsupported.model_copy(update={"forbid": []})}
        )
        return replace(self, risk=risk)

    def platform_resource_use(self, platform: Platform) -> dict[str, float]:
        """Per-period resource use of a platform's setup (its cost drawn on capex as for options)."""
        use = dict(platform.resource_use)
        if self.has_capex and CAPEX not in use and platform.setup_cost > 0:
            use[CAPEX] = platform.setup_cost / platform.setup_duration
        return use

"""The decisions the model may take: every option at every start its windows allow.

Starts that cannot meet a system's windows are pruned here, before any solver variable
exists (rule 2), and each candidate carries its precomputed value and per-period resource
use, so the formulation only has to index them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory, Option, System


@dataclass(frozen=True)
class Candidate:
    """Option `option` of `system` started in period index `start` (in flight to `finish`)."""

    index: int
    system: str
    option: str
    kind: str
    start: int
    finish: int
    npv: float
    use: tuple[tuple[str, float], ...]
    delivery_risk: int
    department: str
    platforms: tuple[str, ...]

    @property
    def retires(self) -> bool:
        return self.kind == "retire"

    def in_flight(self, period: int) -> bool:
        return self.start <= period <= self.finish


@dataclass(frozen=True)
class Build:
    """Setting up platform `platform` from period `start`; usable from `ready`."""

    index: int
    platform: str
    start: int
    ready: int
    cost_pv: float
    use: tuple[tuple[str, float], ...]

    @property
    def finish(self) -> int:
        return self.ready - 1


@dataclass
class CandidateSet:
    """All candidates and builds, with the per-system and per-period indexes the rules use."""

    candidates: list[Candidate] = field(default_factory=list)
    builds: list[Build] = field(default_factory=list)
    by_system: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    by_platform: dict[str, list[Build]] = field(default_factory=lambda: defaultdict(list))
    in_flight: dict[int, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    builds_in_flight: dict[int, list[Build]] = field(default_factory=lambda: defaultdict(list))

    def of(self, system: str) -> list[Candidate]:
        return self.by_system.get(system, [])


def option_starts(inventory: Inventory, system: System, option: Option) -> range:
    """Start periods of `option` that respect the system's windows (rule 2) and platforms."""
    horizon = inventory.axis.count
    if system.locked is not None:
        if system.locked.option != option.id:
            return range(0)
        start = inventory.lock_start_index(system)
        assert start is not None
        return range(start, start + 1)
    earliest = inventory.earliest_start_index(system)
    for platform_id in option.requires_platforms:
        # The platform must be set up (from period 0 at the earliest) before the option starts.
        earliest = max(earliest, inventory.platform(platform_id).setup_duration)
    last_finish = horizon - 1
    deadline = inventory.deadline_index(system)
    if deadline is not None:
        last_finish = min(last_finish, deadline)
    return range(earliest, last_finish - option.duration + 2)


def enumerate_candidates(
    inventory: Inventory,
    economics: Economics,
    skip: Collection[tuple[str, str]] = (),
) -> CandidateSet:
    """Every (system, option, start) the windows allow, plus every platform build start.

    Options listed in `skip` as (system, option) get no candidates (see `presolve`).
    """
    out = CandidateSet()
    for system in inventory.systems:
        for option in system.options:
            if (system.id, option.id) in skip:
                continue
            use = tuple(sorted(inventory.option_resource_use(option).items()))
            value = economics.option(system.id, option.id)
            for start in option_starts(inventory, system, option):
                candidate = Candidate(
                    index=len(out.candidates),
                    system=system.id,
                    option=option.id,
                    kind=option.kind,
                    start=start,
                    finish=start + option.duration - 1,
                    npv=value.npv(start),
                    use=use,
                    delivery_risk=option.delivery_risk,
                    department=system.department,
                    platforms=tuple(sorted(set(option.requires_platforms))),
                )
                out.candidates.append(candidate)
                out.by_system[system.id].append(candidate)
                for period in range(candidate.start, candidate.finish + 1):
                    out.in_flight[period].append(candidate)
    needed = {p for c in out.candidates for p in c.platforms}
    horizon = inventory.axis.count
    for platform in inventory.platforms:
        if platform.id not in needed:
            continue
        use = tuple(sorted(inventory.platform_resource_use(platform).items()))
        # Built in time for an option starting inside the horizon: ready <= horizon - 1.
        for start in range(0, horizon - platform.setup_duration):
            build = Build(
                index=len(out.builds),
                platform=platform.id,
                start=start,
                ready=start + platform.setup_duration,
                cost_pv=economics.platform_cost_pv(platform, start),
                use=use,
            )
            out.builds.append(build)
            out.by_platform[platform.id].append(build)
            for period in range(build.start, build.ready):
                out.builds_in_flight[period].append(build)
    return out

"""The decisions the model may take: every option at every start its windows allow.

Starts that cannot meet a system's windows are pruned here, before any solver variable
exists (rule 2), and each candidate carries its precomputed value and per-period resource
use, so the formulation only has to index them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from prioritiser.economics import Appraisal
from prioritiser.inventory import Estate, Inventory, Option, System
from prioritiser.roadmap import Roadmap


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

    def without(self, drop: Collection[tuple[str, str, int]]) -> CandidateSet:
        """The same candidates but those (system, option, start) in `drop`, and the builds
        of the platforms some candidate left still needs, numbered afresh in order."""
        if not drop:
            return self
        out = CandidateSet()
        for c in self.candidates:
            if (c.system, c.option, c.start) in drop:
                continue
            kept = replace(c, index=len(out.candidates))
            out.candidates.append(kept)
            out.by_system[kept.system].append(kept)
            for period in range(kept.start, kept.finish + 1):
                out.in_flight[period].append(kept)
        needed = {p for c in out.candidates for p in c.platforms}
        for b in self.builds:
            if b.platform not in needed:
                continue
            build = replace(b, index=len(out.builds))
            out.builds.append(build)
            out.by_platform[build.platform].append(build)
            for period in range(build.start, build.ready):
                out.builds_in_flight[period].append(build)
        return out


def option_starts(inventory: Inventory, system: System, option: Option) -> range:
    """Start periods of `option` that respect the system's windows (rule 2) and platforms."""
    return inventory.estate.system(system.id).option(option.id).starts


def enumerate_candidates(
    estate: Estate,
    appraisal: Appraisal,
    skip: Collection[tuple[str, str]] = (),
) -> CandidateSet:
    """Every (system, option, start) the windows allow, plus every platform build start.

    Options listed in `skip` as (system, option) get no candidates (see `presolve`).
    """
    out = CandidateSet()
    for system in estate.systems:
        for option in system.options:
            if (system.id, option.id) in skip:
                continue
            value = appraisal.option(system.id, option.id)
            for start in option.starts:
                candidate = Candidate(
                    index=len(out.candidates),
                    system=system.id,
                    option=option.id,
                    kind=option.kind,
                    start=start,
                    finish=start + option.duration - 1,
                    npv=value.npv(start),
                    use=option.draws,
                    delivery_risk=option.delivery_risk,
                    department=system.department,
                    platforms=option.platforms,
                )
                out.candidates.append(candidate)
                out.by_system[system.id].append(candidate)
                for period in range(candidate.start, candidate.finish + 1):
                    out.in_flight[period].append(candidate)
    needed = {p for c in out.candidates for p in c.platforms}
    horizon = estate.horizon
    for platform in estate.platforms:
        if platform.id not in needed:
            continue
        # Built in time for an option starting inside the horizon: ready <= horizon - 1.
        for start in range(0, horizon - platform.setup_duration):
            build = Build(
                index=len(out.builds),
                platform=platform.id,
                start=start,
                ready=start + platform.setup_duration,
                cost_pv=appraisal.platform_cost_pv(platform, start),
                use=platform.draws,
            )
            out.builds.append(build)
            out.by_platform[platform.id].append(build)
            for period in range(build.start, build.ready):
                out.builds_in_flight[period].append(build)
    return out


def place(estate: Estate, appraisal: Appraisal, system: str, option: str, start: int) -> Candidate:
    """Option `option` of `system` at any start (a roadmap's decision, windows or not)."""
    resolved = estate.system(system)
    chosen = resolved.option(option)
    return Candidate(
        index=-1,
        system=resolved.id,
        option=chosen.id,
        kind=chosen.kind,
        start=start,
        finish=start + chosen.duration - 1,
        npv=appraisal.npv(system, option, start),
        use=chosen.draws,
        delivery_risk=chosen.delivery_risk,
        department=resolved.department,
        platforms=chosen.platforms,
    )


def place_build(estate: Estate, appraisal: Appraisal, platform: str, start: int) -> Build:
    """A set-up of `platform` from any start (a roadmap's platform build)."""
    resolved = estate.platform(platform)
    return Build(
        index=-1,
        platform=resolved.id,
        start=start,
        ready=start + resolved.setup_duration,
        cost_pv=appraisal.platform_cost_pv(resolved, start),
        use=resolved.draws,
    )


@dataclass(frozen=True)
class Placed:
    """A roadmap resolved against an estate: its decisions as candidates and its platform
    set-ups as builds, in period indices, valued and drawn as the estate says."""

    decisions: tuple[Candidate, ...]
    builds: tuple[Build, ...]

    def decision(self, system: str) -> Candidate | None:
        for c in self.decisions:
            if c.system == system:
                return c
        return None


def placed(estate: Estate, appraisal: Appraisal, roadmap: Roadmap) -> Placed:
    """`roadmap`'s decisions and set-ups on `estate` (those naming an unknown system, option
    or platform are left out: see `placement_problems`)."""
    decisions = tuple(
        place(estate, appraisal, d.system, d.option, estate.period(d.start))
        for d in roadmap.decisions
        if estate.has_system(d.system) and _has_option(estate, d.system, d.option)
    )
    known = {p.id for p in estate.platforms}
    builds = tuple(
        place_build(estate, appraisal, b.id, estate.period(b.start))
        for b in roadmap.platforms
        if b.id in known
    )
    return Placed(decisions, builds)


def placement_problems(
    estate: Estate, roadmap: Roadmap, name: str = "the previous roadmap"
) -> list[str]:
    """Why `roadmap` (called `name` in the messages) does not speak about `estate`: unknown
    systems, options, platforms or period labels, one message each."""
    problems = []
    for d in roadmap.decisions:
        if not estate.has_system(d.system):
            problems.append(f"{name}'s system {d.system!r} is not in the inventory")
            continue
        if not _has_option(estate, d.system, d.option):
            problems.append(f"{d.system} has no option {d.option!r} (named in {name})")
        try:
            estate.period(d.start)
        except ValueError:
            problems.append(f"{d.system}: start {d.start!r} is not a period label")
    known = {p.id for p in estate.platforms}
    for build in roadmap.platforms:
        try:
            estate.period(build.start)
            estate.period(build.ready)
            ok = build.id in known
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"{name}'s platform set-up {build.id!r} is unknown")
    return problems


def _has_option(estate: Estate, system: str, option: str) -> bool:
    return any(o.id == option for o in estate.system(system).options)

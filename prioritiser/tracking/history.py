"""The rules that history has already broken, and how the re-forecast lets them stand.

A re-forecast cannot move work that has started. Where the actuals show the estate did not
follow a rule — a consumer started before its provider finished, a `together` pair that did
not start together, work started before the platform it needs was ready, more high-risk
work in flight than the risk appetite allows — no plan from as-of can satisfy that rule for
that work. Rather than call the future infeasible for a past that cannot change, the
re-forecast's overlay relaxes exactly that: the dependency between the two systems becomes
`none`, the platform is no longer required by that work, a risk limit is raised to what the
started work alone needs. Each relaxation is reported (tracking.json, tracking.md and
changes.md), with the systems and the rule.

Resource capacities need nothing here: `replan` already raises past capacities to what
history drew and honours work in flight beyond a capacity, reporting it as overcommitted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from prioritiser.graph import EstateGraph
from prioritiser.inventory import DependencyConstraint, Estate, Link, ResolvedOption
from prioritiser.roadmap import Roadmap
from prioritiser.tracking.forecast import Forecast


@dataclass(frozen=True)
class Relaxation:
    """One rule the re-forecast relaxes because started work already broke it."""

    rule: str  # "4 after", "4 requires", "4 together", "5 safe retirement", "6 platforms", "7 risk"
    systems: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "systems": list(self.systems), "message": self.message}


@dataclass(frozen=True)
class History:
    """Where each system stands: started work (its forecast and option) and stopped work."""

    estate: Estate
    started: dict[str, Forecast]
    options: dict[str, ResolvedOption]  # the option of each started system
    stopped: frozenset[str]

    def label(self, index: int) -> str:
        return self.estate.label(index)

    def retires(self, system: str) -> bool:
        """Whether `system` has started retiring."""
        return system in self.started and self.options[system].retires


def dependency_relaxations(h: History) -> Iterator[tuple[Link, Relaxation]]:
    """Each dependency link (after, requires, together) that started work already broke, by
    (consumer, provider)."""
    for link in EstateGraph.of(h.estate).links():
        relaxation = _broken(h, link.consumer, link.provider, link.constraint)
        if relaxation is not None:
            yield link, relaxation


def _broken(h: History, a: str, b: str, constraint: DependencyConstraint) -> Relaxation | None:
    """`a` depends on `b` with `constraint`: broken by history, and how (or None)."""
    fa, fb = h.started.get(a), h.started.get(b)
    b_free = fb is None and b not in h.stopped
    if constraint is DependencyConstraint.TOGETHER:
        if (fa is None) != (fb is None) or (fa and fb and fa.start != fb.start):
            started = fa or fb
            assert started is not None
            return Relaxation(
                "4 together",
                (a, b),
                f"{a} and {b} move together, but {started.system} started in "
                f"{h.label(started.start)} without the other",
            )
        return None
    if h.retires(b) and fb is not None:  # rule 5: b's retirement has started
        if fa is None or fa.finish >= fb.start:
            return Relaxation(
                "5 safe retirement",
                (a, b),
                f"{b} started retiring in {h.label(fb.start)} while {a}, which uses it, "
                + ("had not finished its own change" if fa is not None else "had not changed"),
            )
        return None
    if not constraint.orders or fa is None or h.retires(a):
        return None
    if fb is not None:
        if fa.start <= fb.finish:
            return Relaxation(
                f"4 {constraint}",
                (a, b),
                f"{a} started in {h.label(fa.start)}, before {b} (which it depends on) "
                f"finishes in {h.label(fb.finish)}",
            )
        return None
    # `after` leaves a provider that has not started free to stay as it is (or retire once
    # its consumer is done): nothing is broken. `requires` needs it modernised first.
    if constraint is DependencyConstraint.REQUIRES:
        what = "has not started" if b_free else "was stopped"
        return Relaxation(
            "4 requires",
            (a, b),
            f"{a} started in {h.label(fa.start)}, but {b}, which it requires, {what}",
        )
    return None


def platform_relaxations(h: History, baseline: Roadmap) -> Iterator[tuple[str, str, Relaxation]]:
    """(system, platform) pairs where started work began before the platform was ready."""
    ready = {b.id: h.estate.period(b.ready) for b in baseline.platforms}
    for system_id, forecast in sorted(h.started.items()):
        option = h.options[system_id]
        for platform in option.platforms:
            if platform in ready and ready[platform] <= forecast.start:
                continue
            when = (
                f"ready only from {h.label(ready[platform])}" if platform in ready else "not set up"
            )
            yield (
                system_id,
                platform,
                Relaxation(
                    "6 platforms",
                    (system_id,),
                    f"{system_id} started in {h.label(forecast.start)} but platform "
                    f"{platform} was {when} in the baseline",
                ),
            )


def risk_relaxations(h: History) -> tuple[dict[str, float], list[Relaxation]]:
    """Risk limits (rule 7) the started work alone exceeds, raised to what it needs."""
    risk = h.estate.inventory.risk
    raised: dict[str, float] = {}
    found: list[Relaxation] = []
    options = h.options
    high: dict[int, list[str]] = defaultdict(list)
    departments: dict[tuple[str, int], list[str]] = defaultdict(list)
    for system_id, forecast in h.started.items():
        department = h.estate.system(system_id).department
        for t in range(forecast.start, forecast.finish + 1):
            if options[system_id].delivery_risk >= risk.high_risk_threshold:
                high[t].append(system_id)
            departments[(department, t)].append(system_id)
    limit = risk.max_concurrent_high_risk
    peak = max((len(v) for v in high.values()), default=0)
    if limit is not None and peak > limit:
        raised["max_concurrent_high_risk"] = peak
        t = min(t for t, v in high.items() if len(v) == peak)
        found.append(
            Relaxation(
                "7 risk",
                tuple(sorted(high[t])),
                f"{peak} high-risk programmes are in flight together in {h.label(t)} (limit "
                f"{limit}); the re-forecast's limit is {peak} for the whole horizon",
            )
        )
    limit = risk.max_concurrent_per_department
    peak = max((len(v) for v in departments.values()), default=0)
    if limit is not None and peak > limit:
        raised["max_concurrent_per_department"] = peak
        (department, t), systems = min(
            ((k, v) for k, v in departments.items() if len(v) == peak), key=lambda kv: kv[0][1]
        )
        found.append(
            Relaxation(
                "7 risk",
                tuple(sorted(systems)),
                f"{department} has {peak} changes in flight in {h.label(t)} (limit {limit}); "
                f"the re-forecast's limit is {peak} per department",
            )
        )
    limit_total = risk.max_total_delivery_risk
    committed = sum(options[s].delivery_risk for s in h.started)
    if limit_total is not None and committed > limit_total:
        raised["max_total_delivery_risk"] = committed
        found.append(
            Relaxation(
                "7 risk",
                tuple(sorted(h.started)),
                f"work started carries {committed} points of delivery risk (limit "
                f"{limit_total:g}); the re-forecast's limit is {committed}",
            )
        )
    return raised, found

"""The Roadmap result type and its JSON form (DESIGN.md `roadmap.json` contract).

The independent checker lives in `prioritiser.check` and `prioritiser.certify`; strict
reading of a roadmap.json someone gives us in `prioritiser.roadmap_file`. This module holds
only the data (`from_dict` trusts its input: it reads what we wrote ourselves).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, astuple, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class SolveStatus(StrEnum):
    """How a solve ended: the one status vocabulary, as `roadmap.json` states it."""

    OPTIMAL = "optimal"  # proven within the asked gap
    FEASIBLE = "feasible"  # stopped (time limit, interrupt) with a roadmap; its gap is stated
    INFEASIBLE = "infeasible"  # no roadmap satisfies every rule
    NO_SOLUTION = "no_solution"  # stopped before any feasible roadmap was found

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


# What `objective.include` may name, and the part of the value split each one is.
INCLUDABLE = {
    "cashable": "cashable",
    "non_cashable": "non_cashable",
    "risk": "risk",
    "unsupported": "unsupported_avoided",
}


@dataclass(frozen=True)
class Value:
    """The value of a decision, or of a whole roadmap, split by kind (present values, to the
    start of the horizon, optimism bias applied). The parts sum to the NPV.

    `appraised` holds an option's `npv:` (a business case's figure, which cannot be split);
    `costs` (one-off costs of options) and `platforms` (set-ups; roadmap total only) are
    negative.
    """

    cashable: float = 0.0
    non_cashable: float = 0.0
    risk: float = 0.0
    unsupported_avoided: float = 0.0
    appraised: float = 0.0
    costs: float = 0.0
    platforms: float = 0.0

    @property
    def npv(self) -> float:
        """Every part: the full net present value."""
        return (
            self.cashable
            + self.non_cashable
            + self.risk
            + self.unsupported_avoided
            + self.appraised
            + self.costs
            + self.platforms
        )

    def objective(self, include: Iterable[str]) -> float:
        """What the optimiser maximises: the included parts (`objective.include`), plus the
        appraised NPVs, costs and platforms, which always count."""
        parts = {INCLUDABLE[name] for name in include}
        return (
            sum(float(getattr(self, part)) for part in sorted(parts))
            + self.appraised
            + self.costs
            + self.platforms
        )

    def benefits(self, include: Iterable[str]) -> float:
        """The benefits the objective counts (included parts, appraised NPVs left out)."""
        return sum(float(getattr(self, INCLUDABLE[name])) for name in sorted(set(include)))

    @property
    def cash(self) -> float:
        """Cash-only NPV: cashable savings and benefits less one-off and set-up costs."""
        return self.cashable + self.costs + self.platforms

    def __add__(self, other: Value) -> Value:
        return Value(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class Unsupported:
    """A system the roadmap leaves running past its end of support: from which period, for
    how many periods (to the end of the appraisal window if retained), at what expected
    loss (present value)."""

    system: str
    criticality: str
    unsupported_from: str
    periods: int
    exposure: float


@dataclass(frozen=True)
class Decision:
    """A system modernised with `option`, in flight from `start` to `finish` (inclusive)."""

    system: str
    option: str
    kind: str
    start: str
    finish: str
    npv: float
    department: str = ""  # "" when the file does not say (hand-written roadmaps)
    delivery_risk: int | None = None  # None when the file does not say
    # Appraisal (None when the file does not say): the value split, periods in flight and
    # one-off costs per money resource, optimism bias applied and as stated ("base_").
    value: Value | None = None
    duration: int | None = None
    base_duration: int | None = None
    costs: dict[str, float] | None = None
    base_costs: dict[str, float] | None = None


@dataclass(frozen=True)
class Retained:
    """A system kept as it is, and why."""

    system: str
    reason: str


@dataclass(frozen=True)
class PlatformBuild:
    """A platform set up from `start`; usable from `ready` (start + setup_duration)."""

    id: str
    start: str
    ready: str
    cost_pv: float = 0.0


@dataclass(frozen=True)
class SolverInfo:
    name: str
    version: str = ""
    time_limit: float | None = None
    seconds: float = 0.0
    gap_limit: float | None = None
    threads: int | None = None
    seed: int | None = None
    # `--deterministic`: the limit was this much work (reference seconds), not time.
    work_limit: float | None = None


@dataclass(frozen=True)
class PolicyCost:
    """The price of forbidding some criticalities to run unsupported: the same inventory
    planned without `risk.unsupported.forbid`, its objective and bound, and the difference
    in objective. With gaps, the true price lies between `low` and `high`."""

    forbid: list[str]
    objective_without: float
    bound_without: float | None
    cost: float
    low: float
    high: float


DECISION_APPRAISAL = ("value", "duration", "base_duration", "costs", "base_costs")


@dataclass(frozen=True)
class Roadmap:
    """The plan: what is modernised, how and when, with the proof of its quality."""

    status: SolveStatus | str  # a roadmap read from a file may state anything
    objective: float | None
    bound: float | None
    gap: float | None
    solver: SolverInfo
    periods: list[str]
    decisions: list[Decision] = field(default_factory=list)
    retained: list[Retained] = field(default_factory=list)
    resource_use: dict[str, dict[str, float]] = field(default_factory=dict)
    platforms: list[PlatformBuild] = field(default_factory=list)
    inventory: str = ""
    scenarios: list[str] = field(default_factory=list)
    # Appraisal v2: what the objective counts, the whole roadmap's value split (its parts sum
    # to `npv`; to `objective` when everything is included), what it leaves unsupported,
    # and the price of `risk.unsupported.forbid` (see `PolicyCost`).
    include: list[str] = field(default_factory=lambda: list(INCLUDABLE))
    npv: float | None = None
    value: Value | None = None
    unsupported: list[Unsupported] = field(default_factory=list)
    policy: PolicyCost | None = None

    @property
    def has_plan(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    def decision(self, system: str) -> Decision | None:
        for decision in self.decisions:
            if decision.system == system:
                return decision
        return None

    @property
    def states_appraisal(self) -> bool:
        """Whether the file states the appraisal figures (`plan` always writes them; a
        roadmap written before they existed, or by hand, may not)."""
        return (
            self.value is not None
            or self.npv is not None
            or any(d.value is not None for d in self.decisions)
        )

    def to_dict(self) -> dict[str, Any]:
        """The roadmap.json contract. A roadmap that states no appraisal (read from an older
        file) is written back as it was read: without the appraisal keys."""
        data = asdict(self)
        for decision in data["decisions"]:
            for key in DECISION_APPRAISAL:
                if decision[key] is None:
                    del decision[key]
        for key in ("npv", "value", "policy"):
            if data[key] is None:
                del data[key]
        if data["solver"]["work_limit"] is None:
            del data["solver"]["work_limit"]  # stated only by --deterministic runs
        if not self.states_appraisal:
            del data["include"]
            if not self.unsupported:
                del data["unsupported"]
        return data

    def to_json(self) -> str:
        """Deterministic JSON: stable key order, rounded money, newline at the end."""
        return json.dumps(_rounded(self.to_dict()), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Roadmap:
        return cls(
            status=_status(data["status"]),
            objective=data.get("objective"),
            bound=data.get("bound"),
            gap=data.get("gap"),
            solver=_pick(SolverInfo, data.get("solver") or {"name": "unknown"}),
            periods=list(data.get("periods", [])),
            decisions=[_decision(d) for d in data.get("decisions", [])],
            retained=[_pick(Retained, r) for r in data.get("retained", [])],
            resource_use={
                k: {p: float(v) for p, v in use.items()}
                for k, use in (data.get("resource_use") or {}).items()
            },
            platforms=[_pick(PlatformBuild, p) for p in data.get("platforms", [])],
            inventory=data.get("inventory", ""),
            scenarios=list(data.get("scenarios", [])),
            include=list(data.get("include", INCLUDABLE)),
            npv=data.get("npv"),
            value=_value(data.get("value")),
            unsupported=[_pick(Unsupported, u) for u in data.get("unsupported", [])],
            policy=_pick(PolicyCost, data["policy"]) if data.get("policy") else None,
        )

    @classmethod
    def read(cls, path: str | Path) -> Roadmap:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _status(value: Any) -> SolveStatus | str:
    """A known status as the enum; anything else as written (the checker reports it)."""
    return SolveStatus(value) if value in SolveStatus.__members__.values() else value


def _value(data: dict[str, Any] | None) -> Value | None:
    return None if data is None else _pick(Value, data)


def _decision(data: dict[str, Any]) -> Decision:
    return _pick(Decision, {**data, "value": _value(data.get("value"))})


def _rounded(value: Any) -> Any:
    # Money to the penny and ratios to 6 places keep files stable across solver noise.
    if isinstance(value, float):
        return round(value, 6) if abs(value) < 1000 else round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _pick(cls: type[T], data: dict[str, Any]) -> T:
    """Build a dataclass from a mapping, ignoring keys it does not know (forward compatible)."""
    # `fields` wants a dataclass; T is one at every call (Decision, PlatformBuild, ...), and a
    # bound on T would need typeshed's private DataclassInstance protocol.
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})

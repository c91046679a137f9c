"""The Roadmap result type and its JSON form (DESIGN.md `roadmap.json` contract).

The independent checker lives in `prioritiser.check` and `prioritiser.certify`; strict
reading of a roadmap.json someone gives us in `prioritiser.roadmap_file`. This module holds
only the data (`from_dict` trusts its input: it reads what we wrote ourselves).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
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

    @property
    def has_plan(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    def decision(self, system: str) -> Decision | None:
        for decision in self.decisions:
            if decision.system == system:
                return decision
        return None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
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
            decisions=[_pick(Decision, d) for d in data.get("decisions", [])],
            retained=[_pick(Retained, r) for r in data.get("retained", [])],
            resource_use={
                k: {p: float(v) for p, v in use.items()}
                for k, use in (data.get("resource_use") or {}).items()
            },
            platforms=[_pick(PlatformBuild, p) for p in data.get("platforms", [])],
            inventory=data.get("inventory", ""),
            scenarios=list(data.get("scenarios", [])),
        )

    @classmethod
    def read(cls, path: str | Path) -> Roadmap:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _status(value: Any) -> SolveStatus | str:
    """A known status as the enum; anything else as written (the checker reports it)."""
    return SolveStatus(value) if value in SolveStatus.__members__.values() else value


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
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})

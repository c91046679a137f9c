"""What a diagnosis finds: relaxations (a rule that cannot hold, and how far it must give)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Relaxation:
    """One rule that cannot hold as stated, and how far it would have to give.

    `rule` is a constraint family of the model (`resource_capacity`, `after`, ...) or
    `deadline` / `lock`; `amount` is in the rule's own unit: the resource's unit for
    capacities and totals, periods for a moved deadline or lock, projects for risk limits,
    and 1 for a link or mandate dropped altogether.
    """

    rule: str
    systems: tuple[str, ...]
    periods: tuple[str, ...]
    resource: str | None
    amount: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["systems"] = list(self.systems)
        data["periods"] = list(self.periods)
        data["amount"] = round(self.amount, 6)
        return data


@dataclass(frozen=True)
class Diagnosis:
    """Direct causes (pre-checks) and the smallest set of relaxations (elastic model)."""

    causes: tuple[Relaxation, ...]
    relaxations: tuple[Relaxation, ...]
    status: str  # "optimal" | "time_limit" (smallest found in time) | "not_found"
    penalty: float | None = None

    @property
    def rules(self) -> set[str]:
        return {r.rule for r in (*self.causes, *self.relaxations)}

    @property
    def systems(self) -> set[str]:
        return {s for r in (*self.causes, *self.relaxations) for s in r.systems}

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": "infeasible",
            "search": self.status,
            "penalty": None if self.penalty is None else round(self.penalty, 6),
            "causes": [c.to_dict() for c in self.causes],
            "relaxations": [r.to_dict() for r in self.relaxations],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def render(self) -> str:
        """Plain text, one finding a line: the causes, then the smallest fix."""
        lines = [f"why: {c.message}" for c in self.causes]
        lines += [f"smallest fix: {r.message}" for r in self.relaxations]
        return "\n".join(lines)

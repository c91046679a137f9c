"""Reading roadmap.json strictly: every field of the type `plan` writes, every number finite.

A roadmap file may come from anywhere (an old run, a colleague, an attacker). Python's JSON
reader accepts `NaN`, `Infinity` and `1e309` (infinite), and `Roadmap.from_dict` would take a
string or `null` where a number belongs; each of those reached `check` as a "feasible"
roadmap and `report` as "£nan". Here the text is parsed, then validated by pydantic models of
the file in strict mode (no coercion, no non-finite numbers); unknown keys are ignored for
forward compatibility.

Two kinds of failure, as the CLI reports them:
- `RoadmapFileError`: not a roadmap at all — missing, unreadable, not JSON, not an object,
  no `status` (a usage error: the wrong file was given);
- `RoadmapContentError`: a roadmap whose content is wrong — each problem named with its
  JSON path (`decisions[3].npv: must be a finite number (got NaN)`).
Whether its figures are *true* for an inventory is `prioritiser.certify`'s business.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prioritiser.roadmap import (
    INCLUDABLE,
    Decision,
    PlatformBuild,
    PolicyCost,
    Retained,
    Roadmap,
    SolverInfo,
    SolveStatus,
    Unsupported,
    Value,
)
from prioritiser.wording import plural

# A roadmap of 100,000 systems is about 40 MB; nothing a planner writes comes near 200 MB.
MAX_ROADMAP_BYTES = 200 * 1024 * 1024


class RoadmapFileError(Exception):
    """The file is not a roadmap.json at all (usage error)."""


class RoadmapContentError(Exception):
    """The file is a roadmap.json whose content is malformed; `problems` names each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        count = len(problems)
        super().__init__(f"{plural(count, 'problem')} in the roadmap file")


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="ignore", frozen=True)


class _Value(_Strict):
    cashable: float = 0.0
    non_cashable: float = 0.0
    risk: float = 0.0
    unsupported_avoided: float = 0.0
    appraised: float = 0.0
    costs: float = 0.0
    platforms: float = 0.0


class _Decision(_Strict):
    system: str
    option: str
    kind: str = ""
    start: str
    finish: str
    npv: float
    department: str = ""
    delivery_risk: int | None = Field(None, ge=1, le=5)
    value: _Value | None = None
    duration: int | None = Field(None, ge=1)
    base_duration: int | None = Field(None, ge=1)
    costs: dict[str, float] | None = None
    base_costs: dict[str, float] | None = None


class _Unsupported(_Strict):
    system: str
    criticality: str = ""
    unsupported_from: str = ""
    periods: int = Field(0, ge=0)
    exposure: float = 0.0


class _Policy(_Strict):
    forbid: list[str] = Field(default_factory=list)
    objective_without: float
    bound_without: float | None = None
    cost: float
    low: float
    high: float


class _Retained(_Strict):
    system: str
    reason: str = ""


class _Platform(_Strict):
    id: str
    start: str
    ready: str
    cost_pv: float = 0.0


class _Solver(_Strict):
    name: str = "unknown"
    version: str = ""
    time_limit: float | None = Field(None, ge=0)
    seconds: float = Field(0.0, ge=0)
    gap_limit: float | None = Field(None, ge=0)
    threads: int | None = None
    seed: int | None = None
    work_limit: float | None = Field(None, ge=0)


class _RoadmapFile(_Strict):
    status: Literal["optimal", "feasible", "infeasible", "no_solution"]  # SolveStatus's values
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solver: _Solver = _Solver()
    periods: list[str] = Field(default_factory=list)
    decisions: list[_Decision] = Field(default_factory=list)
    retained: list[_Retained] = Field(default_factory=list)
    resource_use: dict[str, dict[str, float]] = Field(default_factory=dict)
    platforms: list[_Platform] = Field(default_factory=list)
    inventory: str = ""
    scenarios: list[str] = Field(default_factory=list)
    include: list[str] = Field(default_factory=lambda: list(INCLUDABLE))
    npv: float | None = None
    value: _Value | None = None
    unsupported: list[_Unsupported] = Field(default_factory=list)
    policy: _Policy | None = None


def read_roadmap(path: str | Path) -> Roadmap:
    """Read and validate a roadmap.json file (see the module docstring for the errors)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_ROADMAP_BYTES:
            raise RoadmapFileError(f"roadmap {path} is {size:,} bytes; not a roadmap.json")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RoadmapFileError(f"roadmap {path} does not exist") from exc
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise RoadmapFileError(f"cannot read roadmap {path}: {exc}") from exc
    except OSError as exc:
        raise RoadmapFileError(f"cannot read roadmap {path}: {exc.strerror or exc}") from exc
    return parse_roadmap(text, str(path))


def parse_roadmap(text: str, shown: str = "roadmap") -> Roadmap:
    """Validate roadmap.json text into a Roadmap."""
    try:
        data = json.loads(text, parse_constant=_non_finite)
    except json.JSONDecodeError as exc:
        raise RoadmapFileError(
            f"roadmap {shown} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except RecursionError as exc:
        raise RoadmapContentError(
            [f"{shown} nests lists or objects too deeply to be a roadmap.json"]
        ) from exc
    if not isinstance(data, dict):
        raise RoadmapFileError(f"roadmap {shown} must be a JSON object, as `plan` writes")
    if "status" not in data:
        raise RoadmapFileError(f"roadmap {shown} has no 'status' field")
    try:
        parsed = _RoadmapFile.model_validate(data)
    except ValidationError as exc:
        raise RoadmapContentError([_problem(error) for error in exc.errors()]) from exc
    return _roadmap(parsed)


def _non_finite(word: str) -> float:
    # JSON has no NaN or Infinity; Python's reader accepts them. Keep them as floats so the
    # validation below names the field that holds one.
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[word]


def _problem(error: Any) -> str:
    where = _json_path(error["loc"])
    value = error.get("input")
    kind = error["type"]
    if kind == "missing":
        what = "is required but missing"
    elif kind == "finite_number":
        what = f"must be a finite number (got {_shown(value)})"
    elif kind in ("float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"):
        noun = "a whole number" if kind.startswith("int") else "a number"
        what = f"must be {noun} (got {_shown(value)})"
    elif kind in ("string_type", "str_type"):
        what = f"must be text (got {_shown(value)})"
    elif kind == "literal_error":
        what = f"must be one of {', '.join(SolveStatus)} (got {_shown(value)})"
    elif kind in ("list_type", "dict_type", "model_type"):
        noun = "a list" if kind == "list_type" else "an object"
        what = f"must be {noun} (got {_shown(value)})"
    else:
        what = f"{error['msg'][:1].lower()}{error['msg'][1:]} (got {_shown(value)})"
    return f"{where}: {what}" if where else what


def _json_path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _shown(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _roadmap(parsed: _RoadmapFile) -> Roadmap:
    return Roadmap(
        status=SolveStatus(parsed.status),
        objective=parsed.objective,
        bound=parsed.bound,
        gap=parsed.gap,
        solver=SolverInfo(**parsed.solver.model_dump()),
        periods=list(parsed.periods),
        decisions=[_decision(d) for d in parsed.decisions],
        retained=[Retained(**r.model_dump()) for r in parsed.retained],
        resource_use={k: dict(v) for k, v in parsed.resource_use.items()},
        platforms=[PlatformBuild(**p.model_dump()) for p in parsed.platforms],
        inventory=parsed.inventory,
        scenarios=list(parsed.scenarios),
        include=list(parsed.include),
        npv=parsed.npv,
        value=_value(parsed.value),
        unsupported=[Unsupported(**u.model_dump()) for u in parsed.unsupported],
        policy=PolicyCost(**parsed.policy.model_dump()) if parsed.policy else None,
    )


def _value(parsed: _Value | None) -> Value | None:
    return None if parsed is None else Value(**parsed.model_dump())


def _decision(parsed: _Decision) -> Decision:
    data = parsed.model_dump()
    data["value"] = _value(parsed.value)
    return Decision(**data)


__all__ = ["RoadmapContentError", "RoadmapFileError", "parse_roadmap", "read_roadmap"]

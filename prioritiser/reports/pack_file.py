"""`pack.json`: the board pack's evidence (levers, the largest risk left and the ways to close
it, forcing prices, the uncertainty range, scenarios), written by `plan` beside roadmap.json.

`report` rebuilds every output without re-solving, so what the re-solves found must travel
with the roadmap: `report` reads this file back (`read_pack`). The folder may come from
anyone, so the file is read as strictly as manifest.json is (a pydantic model, finite
numbers, known keys); a file that does not read is ignored with a warning, and the reports
are rebuilt without the evidence. `comparison.json`, written by `compare -o` into the same
folder, is read the same way for the scenarios side by side (`read_comparison`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from prioritiser.errors import PrioritiserError
from prioritiser.inventory import parse_period
from prioritiser.paths import outside
from prioritiser.roadmap import Decision
from prioritiser.scenarios.compare import classify
from prioritiser.scenarios.levers import Lever, LimitChange
from prioritiser.scenarios.pack import BoardEvidence, Forced, RiskWays, ScenarioRow
from prioritiser.scenarios.uncertainty import NpvRange
from prioritiser.scenarios.variants import describe

PACK = "pack.json"
COMPARISON = "comparison.json"
MAX_BYTES = 20_000_000
VERSION = 1


class PackUnreadable(PrioritiserError):
    """pack.json (or comparison.json) is not one we can use; the reports go without it."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)


class _Change(_Model):
    key: str
    family: str
    resource: str | None = None
    label: str
    unit: str
    now: str
    delta: float
    total_delta: float = 0.0
    money: bool = False


class _Lever(_Model):
    change: _Change
    base: float
    status: str
    objective: float | None = None
    added: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    tight: bool = False


class _Decision(_Model):
    system: str
    option: str
    kind: str
    start: str
    finish: str
    npv: float


class _Forced(_Model):
    system: str
    direction: str
    base: float
    status: str
    objective: float | None = None
    decision: _Decision | None = None
    dropped: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    option: str | None = None
    raised: _Change | None = None
    raised_by: float = 0.0
    raised_base: float | None = None


class _Risk(_Model):
    system: str
    facts: tuple[str, ...] = ()
    ways: tuple[_Forced, ...] = ()
    blocked: tuple[str, ...] = ()


class _Range(_Model):
    samples: int
    seed: int
    planned: float
    p10: float
    p50: float
    p90: float
    mean: float
    overrun: tuple[tuple[str, float], ...] = ()


class _Scenario(_Model):
    name: str
    description: str = ""
    status: str
    objective: float | None = None
    gap: float | None = None
    modernised: int | None = None
    spend: float | None = None
    changes: tuple[tuple[str, str, str, str], ...] = ()


class _Pack(_Model):
    version: int = VERSION
    method: str = "re-solve"
    optimum: float | None = None
    levers: tuple[_Lever, ...] = ()
    risk: _Risk | None = None
    forcing: tuple[_Forced, ...] = ()
    uncertainty: _Range | None = None
    scenarios: tuple[_Scenario, ...] = ()


# --- writing ---------------------------------------------------------------------------------


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6) if abs(value) < 1000 else round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def render_pack(evidence: BoardEvidence) -> str:
    """pack.json: deterministic (stable keys, money to the penny)."""
    data = _Pack.model_validate(evidence, from_attributes=True).model_dump(mode="json")
    return json.dumps(_rounded(data), indent=2, ensure_ascii=False) + "\n"


def rounded_evidence(evidence: BoardEvidence) -> BoardEvidence:
    """The evidence exactly as pack.json holds it, so `report` renders the same bytes."""
    return _evidence(_Pack.model_validate(json.loads(render_pack(evidence))))


# --- reading ---------------------------------------------------------------------------------


def read_pack(folder: Path) -> BoardEvidence | None:
    """The evidence in `folder`/pack.json; None when there is none. Raises `PackUnreadable`."""
    data = _read_json(folder, PACK)
    if data is None:
        return None
    try:
        return _evidence(_Pack.model_validate(data))
    except ValidationError as exc:
        problems = exc.error_count()
        raise PackUnreadable(f"{folder / PACK} is not a board pack ({problems} problems)") from exc


def _read_json(folder: Path, name: str) -> Any:
    path = folder / name
    if not path.exists():
        return None
    if outside(folder, path) is not None or not path.is_file():
        raise PackUnreadable(f"{path} leads outside {folder} or is not a file")
    if path.stat().st_size > MAX_BYTES:
        raise PackUnreadable(f"{path} is over {MAX_BYTES:,} bytes")
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackUnreadable(f"{path} is not JSON ({exc})") from exc


def _refuse(constant: str) -> float:
    raise ValueError(f"{constant} is not a number")


def _change(c: _Change) -> LimitChange:
    return LimitChange(**c.model_dump())


def _decision(d: _Decision | None) -> Decision | None:
    return None if d is None else Decision(**d.model_dump())


def _forced(f: _Forced) -> Forced:
    return Forced(
        system=f.system,
        direction=f.direction,
        base=f.base,
        status=f.status,
        objective=f.objective,
        decision=_decision(f.decision),
        dropped=f.dropped,
        added=f.added,
        option=f.option,
        raised=None if f.raised is None else _change(f.raised),
        raised_by=f.raised_by,
        raised_base=f.raised_base,
    )


def _evidence(p: _Pack) -> BoardEvidence:
    return BoardEvidence(
        method=p.method,
        optimum=p.optimum,
        levers=tuple(
            Lever(
                _change(lv.change), lv.base, lv.status, lv.objective, lv.added, lv.dropped, lv.tight
            )
            for lv in p.levers
        ),
        risk=None
        if p.risk is None
        else RiskWays(
            p.risk.system,
            p.risk.facts,
            tuple(_forced(w) for w in p.risk.ways),
            p.risk.blocked,
        ),
        forcing=tuple(_forced(f) for f in p.forcing),
        uncertainty=None if p.uncertainty is None else NpvRange(**p.uncertainty.model_dump()),
        scenarios=tuple(ScenarioRow(**s.model_dump()) for s in p.scenarios),
    )


# --- comparison.json (from `compare -o` into the same folder) --------------------------------


class _CompareScenario(_Model):
    name: str
    description: str = ""
    status: str
    objective: float | None = None
    gap: float | None = None
    systems_modernised: int | None = None
    spend_total: float | None = None


class _Comparison(_Model):
    scenarios: tuple[_CompareScenario, ...]
    differences: tuple[dict[str, Any], ...] = ()


def read_comparison(folder: Path) -> tuple[ScenarioRow, ...]:
    """The scenarios of `folder`/comparison.json (baseline first), or () when none."""
    data = _read_json(folder, COMPARISON)
    if data is None:
        return ()
    try:
        comparison = _Comparison.model_validate(data)
        rows = []
        for s in comparison.scenarios:
            changes = []
            for row in comparison.differences:
                base, mine = _summary(row, "baseline"), _summary(row, s.name)
                change = classify(str(row.get("system", "")), base, mine)
                if change is not None and s.name != "baseline":
                    changes.append((change.system, change.kind, describe(base), describe(mine)))
            rows.append(
                ScenarioRow(
                    s.name,
                    s.description,
                    s.status,
                    s.objective,
                    s.gap,
                    s.systems_modernised,
                    s.spend_total,
                    tuple(changes),
                )
            )
        return tuple(rows)
    except (ValidationError, ValueError, TypeError, KeyError) as exc:
        raise PackUnreadable(f"{folder / COMPARISON} is not a comparison ({exc})") from exc


def _summary(row: dict[str, Any], key: str) -> Decision | None:
    value = row.get(key)
    if value is None:
        return None
    d = _Decision.model_validate({"system": row["system"], **value})
    parse_period(d.start)
    parse_period(d.finish)
    return Decision(**d.model_dump())

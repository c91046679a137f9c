"""`tracking.json`: the comparison as data (DESIGN.md "Benefits tracking" fields, and more).

`portfolio: {bac, pv, ev, ac, spi, cpi, eac}` and `systems: [{system, bac, pv, ev, ac, spi,
cpi, eac, rag, rag_rule, benefits_planned, benefits_realised}]` as the contract fixes them,
with what a reader needs beside them: the forecast finish and slip, the cost at completion the
re-forecast carries, the RAG findings, benefits by department, the S-curve and the
re-forecast's changes. Money is undiscounted cash in the portfolio's currency, rounded to
the penny; indices to six places. The same inputs give the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from prioritiser.inventory import SourceFile
from prioritiser.reports.manifest import RunOptions
from prioritiser.tracking import Benefits, EarnedValue, SystemTracking, Tracking

REFORECAST = "reforecast"
EAC_FORMULA = "BAC / CPI"


@dataclass(frozen=True)
class TrackingInputs:
    """What a tracking run read (as given on the command line) and how it planned."""

    inventory: str
    baseline: str
    files: tuple[SourceFile, ...] = ()  # the actuals files and their SHA-256
    run: RunOptions = field(default_factory=RunOptions)


def rounded(value: Any) -> Any:
    """Money to the penny, ratios to six places (as roadmap.json), recursively."""
    if isinstance(value, float):
        return round(value, 6) if abs(value) < 1000 else round(value, 2)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def money_note(t: Tracking) -> str:
    """What every money figure of the tracking outputs is."""
    resources = ", ".join(t.inventory.estate.money_resources)
    return (
        f"undiscounted cash in {t.currency}: one-off costs are spend on {resources}; benefits "
        "are cashable savings and other benefits that land (legacy-risk value is not cash)"
    )


def value_fields(v: EarnedValue) -> dict[str, float | None]:
    return {
        "bac": v.bac,
        "pv": v.pv,
        "ev": v.ev,
        "ac": v.ac,
        "spi": v.spi,
        "cpi": v.cpi,
        "eac": v.eac,
    }


def benefit_fields(b: Benefits) -> dict[str, float]:
    return {
        "cashable_planned": b.cashable_planned,
        "cashable_realised": b.cashable_realised,
        "non_cashable_planned": b.non_cashable_planned,
        "non_cashable_realised": b.non_cashable_realised,
    }


def system_data(t: Tracking, s: SystemTracking) -> dict[str, Any]:
    axis = t.inventory.axis
    p, progress = s.planned, s.progress
    totals = s.benefits_total
    return {
        "system": s.system,
        "name": p.name,
        "department": p.system.department,
        "option": p.option.id,
        "kind": p.option.kind,
        "status": progress.status,
        "percent_complete": progress.percent,
        "baseline_start": axis.label(p.start),
        "baseline_finish": axis.label(p.finish),
        "actual_start": axis.label(progress.start) if progress.start is not None else None,
        "forecast_finish": axis.label(s.forecast_finish) if s.forecast_finish is not None else None,
        "slip_periods": s.slip,
        **value_fields(s.value),
        "forecast_cost": s.forecast_cost,
        "rag": s.rating.colour,
        "rag_rule": s.rating.rendered,
        "rag_findings": [r.rendered for r in s.findings],
        "benefits_planned": totals.planned,
        "benefits_realised": totals.realised,
        "benefits": [{"department": d, **benefit_fields(b)} for d, b in s.benefits.items()],
    }


def portfolio_data(t: Tracking) -> dict[str, Any]:
    benefits = t.benefits
    return {
        **value_fields(t.portfolio),
        "forecast_cost": t.forecast_cost,
        "benefits_planned": benefits.planned,
        "benefits_realised": benefits.realised,
        "rag": {colour: t.count(colour) for colour in ("green", "amber", "red")},
    }


def reforecast_data(t: Tracking) -> dict[str, Any]:
    future = t.reforecast
    roadmap = future.roadmap
    result = future.result
    return {
        "first_period": future.first,
        "status": roadmap.status if roadmap is not None else "none",
        "baseline_npv": t.baseline.objective,
        "npv": roadmap.objective if roadmap is not None else None,
        "roadmap": f"{REFORECAST}/roadmap.json" if roadmap is not None else None,
        "overlay": f"{REFORECAST}/{REFORECAST}-overlay.yaml" if roadmap is not None else None,
        "relaxations": [r.to_dict() for r in future.relaxations],
        "overcommitted": [o.to_dict() for o in result.overcommitted] if result else [],
        "changes": [c.to_dict() for c in future.changes],
        "findings": list(future.findings),
    }


def tracking_data(t: Tracking, inputs: TrackingInputs) -> dict[str, Any]:
    curve = t.s_curve
    return {
        "as_of": t.as_of_label,
        "currency": t.currency,
        "money": money_note(t),
        "eac_formula": EAC_FORMULA,
        "portfolio": portfolio_data(t),
        "systems": [system_data(t, s) for s in t.systems],
        "departments": [{"department": d, **benefit_fields(b)} for d, b in t.departments.items()],
        "s_curve": {
            "periods": list(curve.periods),
            "planned": list(curve.planned),
            "earned": list(curve.earned),
            "actual": list(curve.actual),
            "forecast": list(t.forecast_curve),
        },
        "reforecast": reforecast_data(t),
        "thresholds": t.inventory.tracking.model_dump(),
        "inputs": {
            "inventory": inputs.inventory,
            "baseline": inputs.baseline,
            "actuals": [{"path": f.path, "sha256": f.sha256} for f in inputs.files],
        },
    }


def render_json(t: Tracking, inputs: TrackingInputs) -> str:
    data = rounded(tracking_data(t, inputs))
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"

"""Plan at Backstage System level: a System's components and resources as one system.

What the parts give the whole (documented in docs/importers.md):
- run cost: the sum of the parts' known run costs (an estimate when some are unknown);
- criticality and legacy risk (per dimension): the highest of the parts;
- lifecycle: the most alive stage among the parts (active before phase_in, phase_out,
  experimental, planned, end_of_life): a System is decommissioned only when all its parts
  are; decommissioned parts add nothing else (no cost, no risk);
- end of support and deadline: the earliest; earliest start: the latest;
- technology: every part's, once each.
The System entity's own fields (its title, owner, annotations) win over the parts'.
Dependencies between parts of different Systems become dependencies between the Systems.
"""

from __future__ import annotations

from typing import Any

from prioritiser.inventory.importers.common import first_month
from prioritiser.inventory.schema import CRITICALITIES

ALIVE = ("active", "phase_in", "phase_out", "experimental", "planned", "end_of_life")
STRENGTH = ("none", "after", "together")


# Complexity allowed: one rule per field a unit takes from its parts (lifecycle, dates, costs,
# risk).
def aggregate(parts: list[dict[str, Any]], own: dict[str, Any], name: str) -> dict[str, Any]:  # noqa: C901
    """The fields of a System planned as one system, from its parts' fields and its own."""
    out: dict[str, Any] = {k: v for k, v in own.items() if k != "estimated"}
    estimated = set(own.get("estimated", []))
    if parts and "lifecycle" not in own:
        stages = [p["lifecycle"] for p in parts if "lifecycle" in p]
        if stages:
            out["lifecycle"] = min(stages, key=ALIVE.index)
    # Decommissioned parts are gone: they neither cost nor carry risk.
    parts = [p for p in parts if p.get("lifecycle") != "end_of_life"]
    if parts:
        _run_cost(parts, own, out, estimated)
        if "criticality" in estimated:
            known = [p["criticality"] for p in parts if "criticality" not in p.get("estimated", [])]
            if known:
                out["criticality"] = max(known, key=CRITICALITIES.index)
                estimated.discard("criticality")
        risks = [p["legacy_risk"] for p in parts if "legacy_risk" in p]
        if "legacy_risk" in own:
            risks.append(own["legacy_risk"])
        if risks:
            out["legacy_risk"] = {
                d: max(r.get(d, 1) for r in risks) for d in sorted({d for r in risks for d in r})
            }
        for key, pick in (
            ("end_of_support", min),
            ("must_modernise_by", min),
            ("earliest_start", max),
        ):
            labels = [p[key] for p in parts if key in p] + ([own[key]] if key in own else [])
            if labels and key not in own:
                out[key] = pick(labels, key=first_month)
        if "technology" not in own:
            words = [w.strip() for p in parts for w in p.get("technology", "").split(",")]
            technology = ", ".join(dict.fromkeys(w for w in words if w))
            if technology:
                out["technology"] = technology
    out.setdefault("name", name)
    if estimated:
        out["estimated"] = sorted(estimated)
    return out


def _run_cost(
    parts: list[dict[str, Any]], own: dict[str, Any], out: dict[str, Any], estimated: set[str]
) -> None:
    if "annual_run_cost" in own:
        return
    known = [p["annual_run_cost"] for p in parts if p.get("annual_run_cost") is not None]
    if not known:
        return
    out["annual_run_cost"] = float(sum(known))
    if len(known) < len(parts):
        estimated.add("annual_run_cost")  # a sum missing some parts understates the cost


def lift_dependencies(
    edges: dict[tuple[int, int], tuple[str, str]], unit_of: dict[int, Any]
) -> dict[tuple[int, int], tuple[str, str]]:
    """Edges between parts as edges between their units (self-loops dropped, the
    strongest constraint kept when several parts link the same two units)."""
    lifted: dict[tuple[int, int], tuple[str, str]] = {}
    for (consumer, provider), (constraint, kind) in edges.items():
        if consumer not in unit_of or provider not in unit_of:
            continue
        key = (unit_of[consumer].index, unit_of[provider].index)
        if key[0] == key[1]:
            continue
        if key not in lifted or STRENGTH.index(constraint) > STRENGTH.index(lifted[key][0]):
            lifted[key] = (constraint, kind)
    return lifted

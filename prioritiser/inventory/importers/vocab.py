"""The words sources use for lifecycle, TIME, fit and criticality, mapped onto the inventory's.

Every vocabulary is matched case-insensitively with spaces, `-`, `_` and `/` ignored, so
`phaseOut`, `Phase Out` and `phase-out` are one word. Words not listed here can be mapped
with `--value FIELD:FROM=TO` on the command line.

Sources (cited in docs/importers.md):
- Backstage `spec.lifecycle`: `experimental`, `production`, `deprecated` (the well-known
  values), plus the words catalogs use for switched-off entities.
- SAP LeanIX fact-sheet lifecycle phases `plan`, `phaseIn`, `active`, `phaseOut`,
  `endOfLife`; business criticality `administrativeService`, `businessOperational`,
  `businessCritical`, `missionCritical`; functional fit (`functionalSuitability`)
  `unreasonable`, `insufficient`, `appropriate`, `perfect`; technical fit
  (`technicalSuitability`) `inappropriate`, `unreasonable`, `adequate`, `fullyAppropriate`.
- ServiceNow `install_status` (Installed, On Order, In Maintenance, Pending Install, Pending
  Repair, In Stock, Retired, Stolen, Absent; business applications: Implementing,
  In Production, Pilot, Retired), `operational_status` (Operational, Non-Operational,
  Repair in Progress, DR Standby, Ready, Retired, Pipeline, Being Decommissioned, In
  Development), CSDM life cycle stages (Ideation, Design, Build and Integrate, Deploy,
  Operational, End of Operation, End of Life) and statuses (Pending Retirement, Retired,
  Obsolete), and the APM "Planned Disposition" (Invest, Sustain, Migrate, Retire).
"""

from __future__ import annotations

import re

from prioritiser.inventory.schema import LIFECYCLES, TIME_TAGS


def word(value: object) -> str:
    """`Phase Out`, `phase-out`, `phaseOut` → `phaseout`: the key every vocabulary uses."""
    return re.sub(r"[\s_\-/.]+", "", str(value).strip().lower())


def _table(entries: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {word(w): target for target, words in entries.items() for w in words}


LIFECYCLE_WORDS = _table(
    {
        "planned": (
            "planned", "plan", "pipeline", "ideation", "proposed", "under evaluation",
            "on order", "in stock", "inventory", "candidate", "catalog",
        ),
        "experimental": (
            "experimental", "experiment", "pilot", "poc", "proof of concept", "prototype",
            "beta", "alpha", "trial", "sandbox",
        ),
        "phase_in": (
            "phase in", "phasein", "implementing", "in development", "development", "design",
            "build", "build and integrate", "build & integrate", "deploy", "pending install",
            "ready", "onboarding", "introducing",
        ),
        "active": (
            "active", "production", "in production", "live", "installed", "operational",
            "in use", "in maintenance", "pending repair", "repair in progress", "dr standby",
            "approved", "preferred", "supported", "current", "end of support",
        ),
        "phase_out": (
            "phase out", "phaseout", "deprecated", "sunsetting", "sunset", "retiring",
            "pending retirement", "being decommissioned", "decommissioning", "end of operation",
            "legacy", "denied", "prohibited", "not approved", "contained", "divest",
            "restricted", "unsupported",
        ),
        "end_of_life": (
            "end of life", "endoflife", "eol", "retired", "decommissioned", "obsolete",
            "switched off", "archived", "absent", "stolen", "disposed", "dead",
        ),
    }
)  # fmt: skip
TIME_WORDS = _table(
    {
        "tolerate": ("tolerate", "sustain", "maintain", "keep", "contain"),
        "invest": ("invest", "grow", "strategic", "expand"),
        "migrate": ("migrate", "modernise", "modernize", "replace", "transform", "rehost"),
        "eliminate": ("eliminate", "retire", "decommission", "sunset", "divest", "remove"),
    }
)
# LeanIX's four business-criticality tiers (keys and labels). Only the LeanIX importer uses
# them: elsewhere "Business critical" keeps its common meaning, the top tier.
LEANIX_CRITICALITY = _table(
    {
        "critical": ("missionCritical",),
        "high": ("businessCritical",),
        "medium": ("businessOperational",),
        "low": ("administrativeService",),
    }
)
FUNCTIONAL_FIT_WORDS = _table(
    {
        "1": ("unreasonable", "inappropriate", "poor"),
        "2": ("insufficient", "partial"),
        "3": ("appropriate", "adequate", "good"),
        "4": ("perfect", "fully appropriate", "fullyAppropriate", "excellent"),
    }
)
TECHNICAL_FIT_WORDS = _table(
    {
        "1": ("inappropriate", "poor"),
        "2": ("unreasonable", "insufficient", "partial"),
        "3": ("adequate", "appropriate", "good"),
        "4": ("fully appropriate", "fullyAppropriate", "perfect", "excellent"),
    }
)


def parse_lifecycle(value: object) -> str:
    """A lifecycle stage (planned … end_of_life) from any source's word for it."""
    key = word(value)
    for stage in LIFECYCLES:
        if key == word(stage):
            return stage
    if key in LIFECYCLE_WORDS:
        return LIFECYCLE_WORDS[key]
    raise ValueError(
        f"lifecycle {value!r} is not recognised; use one of {', '.join(LIFECYCLES)} "
        f"(or map it: --value lifecycle:{str(value).strip()}=STAGE)"
    )


def parse_time_tag(value: object) -> str:
    """A TIME tag (tolerate, invest, migrate, eliminate) from the source's word for it."""
    key = word(value)
    if key in TIME_WORDS:
        return TIME_WORDS[key]
    raise ValueError(
        f"TIME tag {value!r} is not recognised; use one of {', '.join(TIME_TAGS)} "
        f"(or map it: --value time_tag:{str(value).strip()}=TAG)"
    )


def _fit(value: object, words: dict[str, str], what: str) -> int:
    text = str(value).strip()
    if text.isdigit() and 1 <= int(text) <= 4:
        return int(text)
    key = word(text)
    if key in words:
        return int(words[key])
    raise ValueError(f"{what} {value!r} is not a fit of 1 (poor) to 4 (fully appropriate)")


def parse_functional_fit(value: object) -> int:
    return _fit(value, FUNCTIONAL_FIT_WORDS, "functional fit")


def parse_technical_fit(value: object) -> int:
    return _fit(value, TECHNICAL_FIT_WORDS, "technical fit")

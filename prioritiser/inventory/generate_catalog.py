"""What `prioritiser generate` builds estates from: departments, hubs, names, technologies,
option kinds and platforms, with the weights it draws them by (`generate.py` draws).

Kept apart from the drawing so the catalogue reads as one table and the generator as one
procedure; the numbers here are the realism, the code there the determinism.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from prioritiser.inventory.schema import LegacyRisk

MIN_RUN_COST = 100_000.0
MAX_RUN_COST = 10_000_000.0
RISK_VALUE_PER_POINT = 5000.0
DISCOUNT_RATE = 0.035
APPRAISAL_YEARS = 10
HIGH_RISK = 4
RISK_DIMENSIONS = tuple(LegacyRisk.model_fields)
MAX_OPTIONS = 5

DEPARTMENTS = (
    ("Shared Services", "Shared"),
    ("Benefits", "Benefits"),
    ("Tax", "Tax"),
    ("Justice", "Justice"),
    ("Health", "Health"),
    ("Transport", "Transport"),
    ("Education", "Education"),
    ("Environment", "Environment"),
    ("Housing", "Housing"),
    ("Borders", "Borders"),
    ("Culture", "Culture"),
    ("Defence Support", "Defence"),
)
HUBS = (
    ("Citizen identity service", "identity"),
    ("Payments hub", "payments"),
    ("Shared data warehouse", "data"),
    ("Enterprise service bus", "integration"),
    ("Document store", "documents"),
    ("Master person index", "identity"),
    ("Notification gateway", "messaging"),
    ("Address lookup service", "reference-data"),
    ("Reference data service", "reference-data"),
    ("Audit log service", "audit"),
    ("Scheduling service", "scheduling"),
    ("Case platform", "case"),
)
NOUNS = (
    "case management",
    "payments",
    "claims processing",
    "eligibility engine",
    "correspondence",
    "scheduling",
    "reporting",
    "citizen portal",
    "general ledger",
    "records",
    "licensing",
    "inspections",
    "grants",
    "appeals",
    "contact centre",
    "document management",
    "batch chain",
    "data mart",
    "rostering",
    "registry",
    "billing",
    "debt recovery",
    "fraud analytics",
    "bookings",
    "workflow",
    "customer records",
    "forms service",
    "print and post",
)
DEPENDENCY_KINDS = ("data", "api", "batch-feed", "file-transfer", "messaging")
DEGREE_WEIGHTS = list(accumulate((25, 40, 20, 10, 5)))  # providers per system: 0..4
CONSTRAINTS = ("after", "requires", "none")
CONSTRAINT_WEIGHTS = list(accumulate((60, 10, 30)))
HUB_WEIGHT = 20  # a hub starts as attractive as a system with 19 consumers
TWIN_SHARE = 0.04  # systems with a companion data store that moves together with them


@dataclass(frozen=True)
class Technology:
    """A technology family: how common it is, its skills pool and its typical legacy risk."""

    name: str
    weight: float
    skills: str | None
    risk: tuple[int, int, int, int, int]  # security, supportability, skills, data, resilience
    kinds: tuple[str, ...]  # option kinds in order of preference


_USUAL = ("rehost", "replatform", "replace", "refactor", "repurchase")
_PACKAGE = ("rehost", "repurchase", "replatform", "replace", "refactor")
TECHNOLOGIES = (
    Technology("cobol-mainframe", 10, "cobol_specialists", (3, 4, 5, 3, 3), _USUAL),
    Technology("java", 24, None, (2, 2, 2, 2, 2), _USUAL),
    Technology("dotnet", 18, None, (2, 2, 2, 2, 2), _USUAL),
    Technology("oracle-forms", 8, None, (3, 4, 4, 3, 3), _USUAL),
    Technology("sap", 6, "sap_specialists", (2, 3, 3, 3, 2), _PACKAGE),
    Technology("vb6", 5, None, (4, 5, 4, 3, 3), _USUAL),
    Technology("lotus-notes", 3, None, (4, 5, 4, 3, 3), _PACKAGE),
    Technology("php", 8, None, (3, 3, 2, 2, 2), _USUAL),
    Technology("python", 8, None, (2, 2, 1, 2, 2), _USUAL),
    Technology("cots-package", 10, None, (2, 3, 2, 2, 2), _PACKAGE),
)
CRITICALITY_WEIGHTS = (("low", 25), ("medium", 40), ("high", 25), ("critical", 10))
CRITICALITY_CUMULATIVE = list(accumulate(w for _, w in CRITICALITY_WEIGHTS))
MEDIAN_RUN_COST = {"low": 150_000, "medium": 350_000, "high": 800_000, "critical": 1_800_000}


@dataclass(frozen=True)
class KindProfile:
    """Economics of an option kind as multiples of the system's annual run cost."""

    cost: tuple[float, float]
    saving: tuple[float, float]
    duration: tuple[int, int]
    risk_reduction: float
    delivery_risk: int


KINDS = {
    "rehost": KindProfile((0.35, 0.65), (0.08, 0.20), (1, 3), 0.3, 2),
    "replatform": KindProfile((0.7, 1.3), (0.18, 0.35), (2, 4), 0.6, 3),
    "refactor": KindProfile((1.0, 1.7), (0.22, 0.40), (3, 5), 0.7, 3),
    "replace": KindProfile((1.4, 2.5), (0.30, 0.55), (3, 6), 0.9, 4),
    "repurchase": KindProfile((0.9, 1.8), (0.25, 0.45), (2, 5), 0.85, 3),
    "retire": KindProfile((0.15, 0.4), (0.70, 0.95), (1, 2), 1.0, 2),
}
TECHNOLOGY_WEIGHTS = list(accumulate(t.weight for t in TECHNOLOGIES))
PLATFORMS = (
    ("cloud-landing-zone", "Cloud landing zone"),
    ("api-gateway", "API gateway"),
    ("notification-platform", "Common notification platform"),
    ("identity-broker", "Identity broker"),
    ("data-platform", "Analytical data platform"),
    ("payments-platform", "Payments platform"),
    ("document-platform", "Document and records platform"),
    ("container-platform", "Container platform"),
)


def department_of(index: int) -> tuple[str, str]:
    """(name, short name) of the index-th department: the named ones first, then numbered."""
    if index < len(DEPARTMENTS):
        return DEPARTMENTS[index]
    return f"Department {index + 1}", f"Dept{index + 1}"


def hub_kind(name: str) -> str:
    """The dependency kind consumers of a hub use (identity, api, data, ...)."""
    for hub, kind in HUBS:
        if name.startswith(hub):
            return kind
    return "data"


def pick(rng: random.Random, cumulative: Sequence[float]) -> int:
    """Index drawn with the given cumulative weights."""
    return min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def round_to(value: float, step: int) -> float:
    """`value` to the nearest multiple of `step`, at least one step."""
    return float(max(step, round(value / step) * step))

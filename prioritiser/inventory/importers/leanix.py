"""SAP LeanIX: an Application fact-sheet export (Excel), relations included.

LeanIX exports the inventory's table view as a workbook whose first row holds the field
keys (`id`, `type`, `name`, `displayName`, `lifecycle:active`, `businessCriticality`…) and
whose second row may repeat them as labels (`Display Name`); either header works, and a
label row is skipped. Only rows of `type` Application are read (other fact-sheet types in
the same sheet are counted as left out).

| field | columns |
|---|---|
| id, name | slug of `displayName` (else `name`); LeanIX's `id` is a UUID and is not used |
| lifecycle | the phase current at the plan's first period, from the phase start dates `lifecycle:plan`, `lifecycle:phaseIn`, `lifecycle:active`, `lifecycle:phaseOut`, `lifecycle:endOfLife` (or a `lifecycle` column naming the phase) |
| criticality | `businessCriticality`: missionCritical → critical, businessCritical → high, businessOperational → medium, administrativeService → low |
| fit | `functionalSuitability` (unreasonable, insufficient, appropriate, perfect → 1–4), `technicalSuitability` (inappropriate, unreasonable, adequate, fullyAppropriate → 1–4) |
| department | `relApplicationToUserGroup*` / `relApplicationToOrganization*` (the first named), else a `tags:Department*` column |
| owner | a `subscriptions:RESPONSIBLE*`, else `subscriptions:ACCOUNTABLE*` column |
| technology | the IT components (`relApplicationToITComponent*`) and `tags:Technology*` |
| annual_run_cost | `costTotalAnnual` columns (of the IT-component relation), summed |
| time_tag | `timeClassification`, else a `tags:TIME*` column |
| dependencies | `relToRequires` (requires → `after`), `relToSuccessor` (the successor first → `after`), `relToParent` (part of → `none`), and interfaces: a consumer (`relConsumerApplicationToInterface`) depends on the provider (`relProviderApplicationToInterface`) of the same interface → `none` |

Several names in one cell are separated by `;` (or a line break). `--relation
relToParent=together` changes a relation's constraint.
"""

from __future__ import annotations

from pathlib import Path

from prioritiser.inventory.importers.columns import Condition
from prioritiser.inventory.importers.table_import import Profile
from prioritiser.inventory.importers.tables import excel_sheets, find_sheet
from prioritiser.inventory.importers.vocab import LEANIX_CRITICALITY, word

LIFECYCLE_DATES = (
    ("lifecycle:plan", "planned"),
    ("lifecycle:phaseIn", "phase_in"),
    ("lifecycle:active", "active"),
    ("lifecycle:phaseOut", "phase_out"),
    ("lifecycle:endOfLife", "end_of_life"),
)
RELATIONS = {
    "relToRequires": ("requires", "after"),
    "relToSuccessor": ("successor", "after"),
    "relToParent": ("part-of", "none"),
}

LEANIX = Profile(
    name="leanix",
    candidates={
        "name": ("displayName", "name"),
        "description": ("description",),
        "criticality": ("businessCriticality",),
        "functional_fit": ("functionalSuitability", "functionalFit"),
        "technical_fit": ("technicalSuitability", "technicalFit"),
        "lifecycle": ("lifecycle",),
        "department": (
            "relApplicationToUserGroup*",
            "relApplicationToOrganization*",
            "tags:Department*",
            "tags:Business Unit*",
        ),
        "owner": ("subscriptions:RESPONSIBLE*", "subscriptions:ACCOUNTABLE*"),
        "technology": ("relApplicationToITComponent*", "tags:Technology*"),
        "annual_run_cost": ("costTotalAnnual*", "relApplicationToITComponent:costTotalAnnual*"),
        "time_tag": ("timeClassification", "tags:TIME*"),
    },
    values={"criticality": LEANIX_CRITICALITY},
    links={column: kind for column, (kind, _) in RELATIONS.items()},
    interfaces=("relProviderApplicationToInterface", "relConsumerApplicationToInterface"),
    relation_constraints={
        **{word(kind): constraint for kind, constraint in RELATIONS.values()},
        **{word(column): constraint for column, (_, constraint) in RELATIONS.items()},
        "uses": "after",
    },
    unknown_relation="skip",
    lifecycle_dates=LIFECYCLE_DATES,
    rows=(Condition("type", "Application"),),
    skip_own=("id",),
    label_row=True,
)


def leanix_sheet(path: Path, sheet: str | None) -> str:
    """`--sheet`, else the sheet named Application, else the first."""
    names = excel_sheets(path)
    if sheet is not None:
        return find_sheet(names, sheet, str(path))
    for name in names:
        if word(name) in ("application", "applications"):
            return name
    return find_sheet(names, None, str(path))

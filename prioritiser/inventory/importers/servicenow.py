"""ServiceNow: a `cmdb_ci_business_app` or `cmdb_ci_appl` list export, and `cmdb_rel_ci`.

A list export (CSV or Excel) names its columns by field name (`business_criticality`) or
by label (`Business criticality`); both are matched. Each field is read from the first of
its columns that the export has and the row fills in:

| field | columns (the first the row fills; for lifecycle, the furthest stage of them) |
|---|---|
| id, name | slug of `name` (relations may name a system by `name`, `sys_id` or `number`) |
| description | `short_description`, `description` |
| department | `department`, `business_unit`, `managed_by_group`, `support_group`, `company` |
| owner | `it_application_owner`, `owned_by`, `managed_by`, `business_owner` |
| criticality | `business_criticality` (`1 - most critical` … `4 - not critical`), `busines_criticality`, `criticality` |
| lifecycle | `life_cycle_stage_status`, `life_cycle_stage` (CSDM), `install_status`, `status`, `operational_status` |
| time_tag | `planned_disposition` (Invest, Sustain, Migrate, Retire) |
| technology | `technology_stack`, `platform`, `architecture_type` |
| annual_run_cost, currency | `u_annual_run_cost`, `cost`; `cost_cc` (the currency of `cost`) |
| end_of_support | `u_end_of_support`, `end_of_support`, `end_of_life_date` |

`cmdb_rel_ci` rows (`parent`, `type`, `child`, display values as exported) make
dependencies: the parent depends on the child (ServiceNow's own reading of "Depends
on::Used by"). Each relation type has a constraint (`--relation TYPE=CONSTRAINT` changes
one or adds one; `skip` drops a type); a type not listed is skipped and reported, and a
relation naming a CI that is not an imported application (a server, a database
instance) is skipped with one grouped line.
"""

from __future__ import annotations

from prioritiser.inventory.importers.table_import import Profile
from prioritiser.inventory.importers.vocab import word

RELATIONS = {
    "Depends on::Used by": "after",
    "Uses::Used by": "after",
    "Consumes::Consumed by": "after",
    "Runs on::Runs": "after",
    "Hosted on::Hosts": "after",
    "Contains::Contained by": "together",
    "Cluster of::Cluster": "together",
    "Sends data to::Receives data from": "none",
    "Receives data from::Sends data to": "none",
    "Connects to::Connected by": "none",
}

SERVICENOW = Profile(
    name="servicenow",
    candidates={
        "name": ("name",),
        "description": ("short_description", "description"),
        "department": (
            "department",
            "business_unit",
            "u_department",
            "managed_by_group",
            "support_group",
            "company",
        ),
        "owner": ("it_application_owner", "owned_by", "managed_by", "business_owner"),
        "criticality": ("business_criticality", "busines_criticality", "criticality"),
        "lifecycle": (
            "life_cycle_stage_status",
            "life_cycle_stage",
            "install_status",
            "status",
            "operational_status",
        ),
        "time_tag": ("planned_disposition", "u_planned_disposition"),
        "technology": ("technology_stack", "platform", "architecture_type"),
        "annual_run_cost": ("u_annual_run_cost", "cost"),
        "currency": ("cost_cc", "cost_currency"),
        "end_of_support": ("u_end_of_support", "end_of_support", "end_of_life_date"),
    },
    values={
        # Statuses whose plain words mislead: "End of Support" is still in use (CSDM);
        # "Non-Operational" says nothing of the plan for it.
        "lifecycle": {word("Non-Operational"): "", word("End of Support"): "active"},
    },
    dependency_candidates={
        "system": ("parent",),
        "depends_on": ("child",),
        "kind": ("type",),
    },
    relation_constraints={word(k): v for k, v in RELATIONS.items()},
    unknown_relation="skip",
    skip_own=("id",),
    aliases=("sys_id", "number"),
)

"""JSON Schema of the inventory files, generated from the pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from prioritiser.inventory.actuals import ActualsFile
from prioritiser.inventory.schema import PlatformsFile, PortfolioFile, SystemsFile

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class ScenarioFile(BaseModel):
    """A what-if overlay: the inventory's own structure, only the fields that change."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Scenario name, e.g. budget-cut.")
    description: str = ""
    portfolio: dict[str, Any] | None = None
    resources: dict[str, dict[str, Any]] | None = Field(
        None, description="Per resource, the fields to change (per_period, overrides, total)."
    )
    risk: dict[str, Any] | None = None
    objective: dict[str, Any] | None = None
    uncertainty: dict[str, Any] | None = None
    appraisal: dict[str, Any] | None = None
    tracking: dict[str, Any] | None = None
    platforms: dict[str, dict[str, Any]] | list[dict[str, Any]] | None = None
    systems: dict[str, dict[str, Any]] | list[dict[str, Any]] | None = Field(
        None, description="Per system id, the fields to change; options merge by id."
    )


class OverridesFile(BaseModel):
    """`overrides/*.yaml`: corrections merged by id into every import (docs/importers.md)."""

    model_config = ConfigDict(extra="forbid")

    exclude: list[str] | None = Field(None, description="Ids of systems left out of the inventory.")
    systems: dict[str, dict[str, Any]] | None = Field(
        None,
        description="Per system id, fields that replace the imported ones; `options` and "
        "`depends_on` merge by id (null removes; a list replaces them all); a system with a "
        "`name` that the source lacks is added.",
    )
    platforms: dict[str, dict[str, Any]] | None = None
    portfolio: dict[str, Any] | None = None
    resources: dict[str, dict[str, Any]] | None = None
    risk: dict[str, Any] | None = None
    objective: dict[str, Any] | None = None
    appraisal: dict[str, Any] | None = None


FILES: dict[str, type[BaseModel]] = {
    "portfolio": PortfolioFile,
    "platforms": PlatformsFile,
    "systems": SystemsFile,
    "scenario": ScenarioFile,
    "overrides": OverridesFile,
    "actuals": ActualsFile,
}


def inventory_json_schema(which: str = "all") -> dict[str, Any]:
    """The JSON Schema of one kind of inventory file, or of any of them (`all`)."""
    if which != "all":
        schema = FILES[which].model_json_schema()
        schema["$schema"] = SCHEMA_DIALECT
        schema["title"] = f"prioritiser {which} file"
        return schema
    defs: dict[str, Any] = {}
    arms = []
    for name, model in FILES.items():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[f"{name}_file"] = schema
        arms.append({"$ref": f"#/$defs/{name}_file"})
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "prioritiser inventory file",
        "description": "portfolio.yaml, platforms.yaml, systems/*.yaml, scenarios/*.yaml, "
        "overrides/*.yaml or actuals/*.yaml",
        "anyOf": arms,
        "$defs": defs,
    }

"""`prioritiser init`: a small, valid inventory to start from."""

from __future__ import annotations

import json
from pathlib import Path

from prioritiser.inventory.jsonschema import inventory_json_schema

PORTFOLIO = """\
# yaml-language-server: $schema=schema/portfolio.schema.json
# Planning horizon, money, resources and risk appetite. See README.md and docs/appraisal.md.
portfolio:
  name: My estate
  currency: GBP
  start: 2027-Q1          # first period: YYYY-Qn, YYYY-MM or YYYY
  periods: 12             # planning horizon in periods
  discount_rate: 0.035    # annual real rate (Green Book)
  appraisal_years: 10     # years of benefits counted after an option completes
  financial_year_start: 4 # the financial year starts in April (per_year caps, reports)
appraisal:
  # Optimism bias (Green Book supplementary guidance: IT is "equipment/development", capital
  # cost +10 % to +200 %, duration +10 % to +54 %). Starting points for a business case that
  # has managed its main risks; lower them only with evidence. docs/appraisal.md says more.
  optimism_bias:
    default:    {cost: 0.40, duration: 0.25}
    replace:    {cost: 0.60, duration: 0.30}
    refactor:   {cost: 0.40, duration: 0.25}
    replatform: {cost: 0.30, duration: 0.20}
    rehost:     {cost: 0.20, duration: 0.10}
    repurchase: {cost: 0.25, duration: 0.15}
    retire:     {cost: 0.10, duration: 0.0}
  dual_running: 1         # periods old and new both run before savings start
  benefit_ramp: [0.5]     # share of savings and benefits in the next periods; then 1.0
resources:
  capex: {unit: GBP, per_period: 1000000, per_year: {2027-28: 3500000}}   # capital (CDEL)
  rdel: {unit: GBP, per_period: 300000}   # resource (RDEL): implementation, decommissioning
  engineers: {unit: FTE, per_period: 12}
risk:
  high_risk_threshold: 4
  max_concurrent_high_risk: 1
  unsupported:
    cost_per_year: {critical: 1000000, high: 300000, medium: 75000, low: 0}  # expected loss
    forbid: [critical]    # critical systems must finish an option by their end of support
objective:
  risk_value_per_point: 20000   # money per year per point of legacy risk removed
"""

PLATFORMS = """\
# yaml-language-server: $schema=schema/platforms.schema.json
platforms:
  - id: cloud-landing-zone
    name: Cloud landing zone
    setup_cost: 400000
    setup_duration: 2
    resource_use: {engineers: 3}
"""

SYSTEMS = """\
# yaml-language-server: $schema=../schema/systems.schema.json
systems:
  - id: identity
    name: Citizen identity service
    department: Shared Services
    criticality: high
    annual_run_cost: 600000
    end_of_support: 2028-Q2
    legacy_risk: {security: 4, supportability: 4, skills: 3, data: 2, resilience: 3}
    options:
      - id: replatform
        kind: replatform
        duration: 3
        cost: 900000
        resource_use: {engineers: 4}
        annual_saving: 250000
        risk_reduction: 0.8
        delivery_risk: 3
        requires_platforms: [cloud-landing-zone]
  - id: case-management
    name: Case management
    department: Operations
    criticality: critical
    annual_run_cost: 1800000
    legacy_risk: {security: 3, supportability: 4, skills: 4, data: 3, resilience: 3}
    must_modernise_by: 2029-Q4
    depends_on:
      - {system: identity, kind: identity, constraint: after}
    options:
      - id: replace
        kind: replace
        duration: 4
        costs: {capex: 1800000, rdel: 600000}   # one-off, per money resource
        resource_use: {engineers: 8}
        annual_saving: 700000
        benefits:
          - {department: Finance, annual: 150000, cashable: false}
        risk_reduction: 0.9
        delivery_risk: 4
      - id: rehost
        kind: rehost
        duration: 2
        cost: 500000
        resource_use: {engineers: 3}
        annual_saving: 150000
        risk_reduction: 0.3
        delivery_risk: 2
  - id: legacy-reports
    name: Legacy reporting server
    department: Operations
    annual_run_cost: 120000
    depends_on:
      - {system: case-management, kind: data, constraint: after}
    options:
      - {id: retire, kind: retire, duration: 1, cost: 30000, annual_saving: 120000, risk_reduction: 1.0}
"""

SCENARIO = """\
# yaml-language-server: $schema=../schema/scenario.schema.json
name: budget-cut
description: Capital budget cut by 30 %.
resources:
  capex: {per_period: 700000}
"""

FILES = {
    "portfolio.yaml": PORTFOLIO,
    "platforms.yaml": PLATFORMS,
    "systems/example.yaml": SYSTEMS,
    "scenarios/budget-cut.yaml": SCENARIO,
}


def write_starter_inventory(directory: Path, force: bool = False) -> list[Path]:
    """Write the starter files (and their JSON Schemas) into `directory`."""
    if (directory / "portfolio.yaml").exists() and not force:
        raise FileExistsError(f"{directory} already holds an inventory")
    if directory.exists() and not directory.is_dir():
        raise FileExistsError(f"{directory} is a file")
    written = []
    for rel, text in FILES.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for which in ("portfolio", "platforms", "systems", "scenario"):
        path = directory / "schema" / f"{which}.schema.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(inventory_json_schema(which), indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written

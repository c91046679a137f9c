"""Use cases: what each command does, over the pipeline stages (as dbt-core's `task/`).

A task takes a typed request, runs the stages (load → plan → check → diagnose → write),
and returns a typed outcome: what was written and the figures a caller shows. It never
prints: it reports what is happening through a `Listener` the caller supplies, and an
expected failure is a `prioritiser.errors.PrioritiserError` carrying its exit code. The
CLI (`prioritiser.cli`) only parses arguments, calls one task, echoes its outcome and sets
the exit code; anything else (a notebook, a service) may call the same tasks.

One module per command: `plan`, `replan`, `compare`, `frontier`, `robustness`, `check`,
`explain`, `report`, `track`, `graph`, `inventory` (validate, init), `imports` (every
`import`) and `generate`; `common` holds what they share.
"""

from prioritiser.tasks.check import CheckOutcome, check_roadmap_file
from prioritiser.tasks.compare import CompareOutcome, CompareRequest, compare_scenarios
from prioritiser.tasks.explain import ExplainOutcome, ExplainRequest, explain_decision
from prioritiser.tasks.frontier import FrontierOutcome, FrontierRequest, trace_frontier
from prioritiser.tasks.generate import GenerateOutcome, GenerateRequest, generate_inventory
from prioritiser.tasks.graph import GraphExport, analyse_graph, graph_export
from prioritiser.tasks.imports import (
    BackstageReading,
    ImportListener,
    ImportOutcome,
    ImportRequest,
    PreparedImport,
    TableFiles,
    TableKind,
    TableReading,
    import_backstage_catalog,
    import_tables,
)
from prioritiser.tasks.inventory import ValidateOutcome, init_inventory, validate_inventory
from prioritiser.tasks.listener import SILENT, Listener
from prioritiser.tasks.plan import PlanOutcome, PlanRequest, plan_estate
from prioritiser.tasks.replan import ReplanOutcome, ReplanRequest, replan_estate
from prioritiser.tasks.report import ReportOutcome, ReportRequest, rebuild_reports
from prioritiser.tasks.robustness import RobustnessOutcome, RobustnessRequest, assess_robustness
from prioritiser.tasks.track import TrackOutcome, TrackRequest, track_estate

__all__ = [
    "SILENT",
    "BackstageReading",
    "CheckOutcome",
    "CompareOutcome",
    "CompareRequest",
    "ExplainOutcome",
    "ExplainRequest",
    "FrontierOutcome",
    "FrontierRequest",
    "GenerateOutcome",
    "GenerateRequest",
    "GraphExport",
    "ImportListener",
    "ImportOutcome",
    "ImportRequest",
    "Listener",
    "PlanOutcome",
    "PlanRequest",
    "PreparedImport",
    "ReplanOutcome",
    "ReplanRequest",
    "ReportOutcome",
    "ReportRequest",
    "RobustnessOutcome",
    "RobustnessRequest",
    "TableFiles",
    "TableKind",
    "TableReading",
    "TrackOutcome",
    "TrackRequest",
    "ValidateOutcome",
    "analyse_graph",
    "assess_robustness",
    "check_roadmap_file",
    "compare_scenarios",
    "explain_decision",
    "generate_inventory",
    "graph_export",
    "import_backstage_catalog",
    "import_tables",
    "init_inventory",
    "plan_estate",
    "rebuild_reports",
    "replan_estate",
    "trace_frontier",
    "track_estate",
    "validate_inventory",
]

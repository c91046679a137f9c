"""Inventory stage: typed schema, safe YAML loading with locations, validation, overlays."""

from prioritiser.inventory.estate import CAPEX, Inventory, SourceFile
from prioritiser.inventory.load import check_inventory, load_inventory
from prioritiser.inventory.periods import PeriodAxis, parse_period
from prioritiser.inventory.problems import InventoryError, InventoryNotFound, Location, Problem
from prioritiser.inventory.resolved import (
    DependencyConstraint,
    Estate,
    Link,
    ResolvedOption,
    ResolvedPlatform,
    ResolvedSystem,
)
from prioritiser.inventory.schema import (
    Benefit,
    Dependency,
    LegacyRisk,
    Lock,
    Option,
    Platform,
    System,
    SystemId,
)

__all__ = [
    "CAPEX",
    "Benefit",
    "Dependency",
    "DependencyConstraint",
    "Estate",
    "Inventory",
    "InventoryError",
    "InventoryNotFound",
    "LegacyRisk",
    "Link",
    "Location",
    "Lock",
    "Option",
    "PeriodAxis",
    "Platform",
    "Problem",
    "ResolvedOption",
    "ResolvedPlatform",
    "ResolvedSystem",
    "SourceFile",
    "System",
    "SystemId",
    "check_inventory",
    "load_inventory",
    "parse_period",
]

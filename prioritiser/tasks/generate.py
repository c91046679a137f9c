"""`generate`: a synthetic estate of any size, for trials and benchmarks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from prioritiser.errors import InventoryError
from prioritiser.inventory.writer import InventoryDraft, Written, write_inventory
from prioritiser.tasks.common import start_period


@dataclass(frozen=True)
class GenerateRequest:
    systems: int
    output: Path
    seed: int = 0
    departments: int | None = None  # default: by size
    periods: int = 12
    options: int = 3  # per system
    start: str = "2027-Q1"
    force: bool = False


@dataclass(frozen=True)
class GenerateOutcome:
    written: Written
    generated_seconds: float
    total_seconds: float  # generated, written and validated


def generate_inventory(request: GenerateRequest) -> GenerateOutcome:
    """Write a synthetic estate (deterministic for a seed) for trials and benchmarks."""
    from prioritiser.inventory.generate import GeneratorSettings, generate_estate

    settings = GeneratorSettings(
        systems=request.systems,
        seed=request.seed,
        departments=request.departments,
        periods=request.periods,
        options=request.options,
        start=start_period(request.start),
    )
    began = time.perf_counter()
    draft = generate_estate(settings)
    generated = time.perf_counter() - began
    written = write_checked(request.output, draft, request.force)
    return GenerateOutcome(written, generated, time.perf_counter() - began)


def write_checked(output: Path, draft: InventoryDraft, force: bool) -> Written:
    """Write the inventory; that it then fails validation is a bug, reported as one."""
    try:
        return write_inventory(output, draft, force=force)
    except InventoryError as exc:
        raise InventoryError(
            [*exc.problems, *exc.warnings],
            details=["internal error: the written inventory does not validate:"],
        ) from exc

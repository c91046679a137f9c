"""The planned roadmap's NPV under uncertainty: P10, P50 and P90 from a quick sample.

The same draws as `robustness` (Green Book optimism-bias style ranges per option kind, or
portfolio.yaml's `uncertainty:`), but only part (a) of it: the roadmap as planned is valued
on each sample's figures. Nothing is re-optimised, so a sample costs a few milliseconds and
a board paper can carry the range on its first page; `prioritiser robustness` re-optimises
every sample as well. Sample i draws from `random.Random("<seed>:<i>")`, so the same seed
gives the same range.
"""

from __future__ import annotations

from dataclasses import dataclass

from prioritiser.inventory import Inventory
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.robustness import (
    draw,
    evaluate,
    ranges_for,
    sample_inventory,
    summary,
)

DEFAULT_SAMPLES = 200


@dataclass(frozen=True)
class NpvRange:
    """The planned roadmap's NPV over `samples` draws of cost, duration and benefits."""

    samples: int
    seed: int
    planned: float  # the roadmap's NPV on the inventory's own figures
    p10: float
    p50: float
    p90: float
    mean: float
    # Share of samples in which the roadmap as planned would overrun each resource.
    overrun: tuple[tuple[str, float], ...] = ()


def npv_range(inventory: Inventory, roadmap: Roadmap, samples: int, seed: int) -> NpvRange:
    """Value `roadmap` on `samples` sampled versions of `inventory` (no re-optimisation)."""
    ranges = ranges_for(inventory)
    values: list[float] = []
    hits = dict.fromkeys(sorted(inventory.resources), 0)
    for index in range(samples):
        sampled = sample_inventory(inventory, draw(inventory, ranges, seed, index))
        npv, breaches = evaluate(sampled, roadmap)
        values.append(npv)
        for resource, _ in breaches:
            hits[resource] += 1
    stats = summary(values)
    return NpvRange(
        samples=samples,
        seed=seed,
        planned=round(roadmap.objective or 0.0, 2),
        p10=stats["p10"],
        p50=stats["p50"],
        p90=stats["p90"],
        mean=stats["mean"],
        overrun=tuple((r, round(n / samples, 6)) for r, n in hits.items()),
    )

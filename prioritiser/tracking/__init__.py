"""Tracking stage: the baseline roadmap against the actuals (DESIGN.md "Benefits tracking").

After `scenarios` (the re-forecast is a replan) and before `reports`:

    progress   the baseline's decisions and what the actuals say about each, as of a period
    earned     earned value (BAC, PV, EV, AC, SPI, CPI, EAC) and benefits to date
    forecast   how started work ends: finish and cost at completion from its rates so far
    history    the rules started work already broke, and how the re-forecast lets them stand
    reforecast the replan from the period after as-of, as an overlay `check` can read back
    rag        red, amber or green per system, and the rule that set it
    track      all of it as one typed `Tracking`
"""

from prioritiser.tracking.earned import Benefits, EarnedValue, SCurve
from prioritiser.tracking.rag import Rating
from prioritiser.tracking.reforecast import Change, Reforecast
from prioritiser.tracking.track import (
    SystemTracking,
    Tracking,
    as_of_index,
    baseline_problems,
    check_baseline,
    track,
)

__all__ = [
    "Benefits",
    "Change",
    "EarnedValue",
    "Rating",
    "Reforecast",
    "SCurve",
    "SystemTracking",
    "Tracking",
    "as_of_index",
    "baseline_problems",
    "check_baseline",
    "track",
]

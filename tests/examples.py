"""How many hypothesis examples a property test runs: all of them locally, a quarter on CI.

The guide's budget is the whole suite in five minutes on two cores, so CI (`CI=true`, as
`.ci/run` is called) runs a bounded share of every property test's examples — at least 10 —
and a developer's `./scripts/test` runs them all (`PRIORITISER_MORE_EXAMPLES=1` adds the
long runs on top).
"""

from __future__ import annotations

import os

ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def examples(count: int) -> int:
    """`count` examples, or a quarter of them (at least 10) on CI."""
    return max(10, count // 4) if ON_CI else count

"""The independent checker: re-verify a roadmap from the inventory and the roadmap alone.

It never reads `prioritiser.model`, the solver or the economics, so a bug there cannot hide
itself here: `rules` re-verifies DESIGN.md rules 1–7 and the appraisal's rules (financial-
year caps, end-of-support deadlines, optimism-bias durations and draws), reading the
appraisal keys its own way (`terms`); `value` recomputes the value split and the exposure
left unsupported by summing each period's discounted flows (`prioritiser.certify` holds a
roadmap's figures to it).
"""

from prioritiser.check.rules import RULES, Plan, Violation, check_roadmap, read_plan

__all__ = ["RULES", "Plan", "Violation", "check_roadmap", "read_plan"]

"""Explain stage: why each system is in or out of a roadmap, and why none exists.

- `explain_system`: the answer for one system (reasons, binding constraints, alternatives,
  the cost of forcing a retained system in).
- `decision_reasons`: a one-line "why" per decision, for reports (no solving).
- `diagnosis_text` / `diagnosis_markdown`: the infeasibility diagnosis of
  `prioritiser.diagnose` in words, for the terminal and for `diagnosis.md`.
"""

from prioritiser.explain.binding import Binding
from prioritiser.explain.explanation import (
    Alternative,
    Explanation,
    decision_reasons,
    explain_system,
)
from prioritiser.explain.render import diagnosis_markdown, diagnosis_text, explanation_text

__all__ = [
    "Alternative",
    "Binding",
    "Explanation",
    "decision_reasons",
    "diagnosis_markdown",
    "diagnosis_text",
    "explain_system",
    "explanation_text",
]

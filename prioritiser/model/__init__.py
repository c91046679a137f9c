"""Model stage: the time-indexed MILP (formulation), solving, and infeasibility diagnosis."""

from prioritiser.model.formulation import Formulation, formulate
from prioritiser.model.solve import DEFAULT_GAP, SOLVERS, PlanOptions, Progress, plan

__all__ = ["DEFAULT_GAP", "SOLVERS", "Formulation", "PlanOptions", "Progress", "formulate", "plan"]
